//! Path lookup (`a/b/c`), the typed getters over a found node, cloning,
//! and flattening a cascade of trees; all generic over the tree type.

use super::parse::Builder;
use super::tree::{ConfigTree, NodeRef};
use super::{siblings, str_to_bool, NodeView, Scalar, ValueView};

/// Finds `path` among `start` and its siblings: each `/`-separated
/// segment names a node of the current sibling list, the next segment is
/// looked for among that node's children. Leading and repeated `/` are
/// skipped. A segment found twice in one list takes the first node, with a
/// warning for each other one (as the C library does).
pub fn find_node<'a, N: NodeView<'a>>(start: Option<N>, path: &[u8]) -> Option<N> {
    let mut list = start;
    let mut path = path;
    while let Some(first) = list {
        while let [b'/', rest @ ..] = path {
            path = rest;
        }
        let end = path.iter().position(|&c| c == b'/').unwrap_or(path.len());
        let (segment, rest) = path.split_at(end);
        let mut found = None;
        for n in siblings(Some(first)) {
            if n.key_is(segment) {
                if found.is_none() {
                    found = Some(n);
                } else {
                    crate::log_warn!(
                        "WARNING: Ignoring duplicate config node: {} (seeking {})",
                        String::from_utf8_lossy(n.key()),
                        String::from_utf8_lossy(path)
                    );
                }
            }
        }
        match found {
            Some(n) if !rest.is_empty() => {
                list = n.child();
                path = rest;
            }
            _ => return found,
        }
    }
    None
}

/// Finds `path` in the first of `roots` (top of a cascade first) that has it.
pub fn find_in_layers<'a, N: NodeView<'a>>(roots: impl IntoIterator<Item = Option<N>>, path: &[u8]) -> Option<N> {
    roots.into_iter().find_map(|root| find_node(root, path))
}

/// The string value of a found node, as `dm_config_find_str` takes it:
/// `None` means "use the default". An empty string counts only with
/// `allow_empty`. A value of another type, or an empty string refused
/// while the caller has a default, is warned about.
pub fn string_value<'a, N: NodeView<'a>>(found: Option<N>, path: &[u8], has_default: bool, allow_empty: bool) -> Option<N::Value> {
    let v = found?.value()?;
    match v.scalar() {
        Scalar::Str(s) if allow_empty || !s.is_empty() => return Some(v),
        Scalar::Str(_) if allow_empty || !has_default => {}
        _ => crate::log_warn!("WARNING: Ignoring unsupported value for {}.", String::from_utf8_lossy(path)),
    }
    None
}

/// The integer of a found node with an integer value.
pub fn int_value<'a, N: NodeView<'a>>(found: Option<N>) -> Option<i64> {
    match found?.value()?.scalar() {
        Scalar::Int(i) => Some(i),
        _ => None,
    }
}

/// The float of a found node with a float value.
pub fn float_value<'a, N: NodeView<'a>>(found: Option<N>) -> Option<f32> {
    match found?.value()?.scalar() {
        Scalar::Float(f) => Some(f),
        _ => None,
    }
}

/// The boolean of a found node: an integer (non-zero is true) or a word
/// [`str_to_bool`] knows.
pub fn bool_value<'a, N: NodeView<'a>>(found: Option<N>) -> Option<bool> {
    match found?.value()?.scalar() {
        Scalar::Int(i) => Some(i != 0),
        Scalar::Str(s) => str_to_bool(s),
        _ => None,
    }
}

/// Copies a value list into `b`. The copies have no format flags (as in
/// the C library's clone).
pub fn clone_values<'a, V: ValueView<'a>, B: Builder>(b: &mut B, first: V) -> Option<B::Value> {
    let head = b.new_value(first.scalar())?;
    let mut last = head;
    let mut cur = first.next();
    while let Some(v) = cur {
        let copy = b.new_value(v.scalar())?;
        b.set_next(last, copy);
        last = copy;
        cur = v.next();
    }
    Some(head)
}

/// Unlinks `child` from the children of `parent` (`dm_config_remove_node`);
/// `false` when it is not one of them.
pub fn remove_child<B: Builder>(b: &mut B, parent: B::Node, child: B::Node) -> bool {
    let mut prev = None;
    let mut cur = b.child(parent);
    while let Some(n) = cur {
        if n == child {
            let after = b.sib(n);
            match prev {
                Some(p) => b.set_sib(p, after),
                None => b.set_child(parent, after),
            }
            return true;
        }
        prev = Some(n);
        cur = b.sib(n);
    }
    false
}

/// Copies `n` with its subtree into `b`, and its following siblings too
/// when `with_siblings`. Keys, ids and values are copied; the copies have
/// no parent links (as in the C library's clone).
pub fn clone_nodes<'a, N: NodeView<'a>, B: Builder>(b: &mut B, n: N, with_siblings: bool) -> Option<B::Node> {
    let mut head = None;
    let mut last: Option<B::Node> = None;
    let mut cur = Some(n);
    while let Some(src) = cur {
        let copy = b.new_node(src.key())?;
        b.set_id(copy, src.id());
        if let Some(v) = src.value() {
            let v = clone_values(b, v)?;
            b.set_value(copy, Some(v));
        }
        if let Some(c) = src.child() {
            let c = clone_nodes(b, c, true)?;
            b.set_child(copy, Some(c));
        }
        match last {
            None => head = Some(copy),
            Some(l) => b.set_sib(l, Some(copy)),
        }
        last = Some(copy);
        if !with_siblings {
            break;
        }
        cur = src.sib();
    }
    head
}

/// Finds or makes the nodes of `path` under the list `root` (new nodes go
/// first in their list), for [`flatten`].
fn find_or_make<B: Builder>(b: &mut B, root: &mut Option<B::Node>, path: &[u8]) -> Option<B::Node> {
    let mut parent: Option<B::Node> = None;
    let mut path = path;
    loop {
        while let [b'/', rest @ ..] = path {
            path = rest;
        }
        let end = path.iter().position(|&c| c == b'/').unwrap_or(path.len());
        let (segment, rest) = path.split_at(end);
        let mut cur = match parent {
            Some(p) => b.child(p),
            None => *root,
        };
        let mut found = None;
        while let Some(x) = cur {
            if b.key_is(x, segment) {
                found = Some(x);
                break;
            }
            cur = b.sib(x);
        }
        let n = match found {
            Some(n) => n,
            None => {
                let n = b.new_node(segment)?;
                match parent {
                    Some(p) => {
                        b.set_parent(n, Some(p));
                        let first = b.child(p);
                        b.set_sib(n, first);
                        b.set_child(p, Some(n));
                    }
                    None => {
                        b.set_sib(n, *root);
                        *root = Some(n);
                    }
                }
                n
            }
        };
        if rest.is_empty() {
            return Some(n);
        }
        parent = Some(n);
        path = rest;
    }
}

/// One tree equivalent to a cascade (`dm_config_flatten`): every leaf of
/// every layer, bottom layer first, is set at its path in a new tree, so
/// upper layers override lower ones. As in the C library, nodes made
/// along the way are put first in their lists and values lose their
/// format flags. Returns the new root list.
pub fn flatten<'a, N: NodeView<'a>, B: Builder>(b: &mut B, layers_bottom_first: &[Option<N>]) -> Option<B::Node> {
    let mut root = None;
    let mut path = Vec::new();
    for &layer in layers_bottom_first {
        enumerate(b, &mut root, layer, &mut path);
    }
    root
}

fn enumerate<'a, N: NodeView<'a>, B: Builder>(b: &mut B, root: &mut Option<B::Node>, first: Option<N>, path: &mut Vec<u8>) {
    for n in siblings(first) {
        let len = path.len();
        path.push(b'/');
        path.extend_from_slice(n.key());
        match n.child() {
            Some(c) => enumerate(b, root, Some(c), path),
            None => {
                if let Some(target) = find_or_make(b, root, path) {
                    let v = n.value().and_then(|v| clone_values(b, v));
                    b.set_value(target, v);
                }
            }
        }
        path.truncate(len);
    }
}

/// Trees searched in order, the first having a path giving its node
/// (`struct dm_config_tree` with its `cascade` chain).
#[derive(Debug, Clone, Default)]
pub struct Cascade<'t> {
    layers: Vec<&'t ConfigTree>,
}

impl<'t> Cascade<'t> {
    /// A cascade of one tree.
    pub fn new(top: &'t ConfigTree) -> Cascade<'t> {
        Cascade { layers: vec![top] }
    }

    /// Puts `tree` under the present layers (searched after them).
    pub fn push_below(&mut self, tree: &'t ConfigTree) {
        self.layers.push(tree);
    }

    /// Removes the top layer and returns it.
    pub fn pop_top(&mut self) -> Option<&'t ConfigTree> {
        (!self.layers.is_empty()).then(|| self.layers.remove(0))
    }

    /// The node at `path` in the first layer that has it.
    pub fn find_node(&self, path: &str) -> Option<NodeRef<'t>> {
        find_in_layers(self.layers.iter().map(|t| t.root()), path.as_bytes())
    }

    /// The string at `path`, or `default` (see [`string_value`]).
    pub fn find_str<'d>(&self, path: &str, default: Option<&'d [u8]>) -> Option<&'d [u8]>
    where
        't: 'd,
    {
        match string_value(self.find_node(path), path.as_bytes(), default.is_some(), false) {
            Some(v) => match v.scalar() {
                Scalar::Str(s) => Some(s),
                _ => default,
            },
            None => default,
        }
    }

    /// The integer at `path`, or `default`.
    pub fn find_int64(&self, path: &str, default: i64) -> i64 {
        int_value(self.find_node(path)).unwrap_or(default)
    }

    /// The float at `path`, or `default`.
    pub fn find_float(&self, path: &str, default: f32) -> f32 {
        float_value(self.find_node(path)).unwrap_or(default)
    }

    /// The boolean at `path`, or `default`.
    pub fn find_bool(&self, path: &str, default: bool) -> bool {
        bool_value(self.find_node(path)).unwrap_or(default)
    }

    /// One tree with the same answers as the cascade (see [`flatten`]).
    pub fn flatten(&self) -> ConfigTree {
        let mut out = ConfigTree::new();
        let layers: Vec<_> = self.layers.iter().rev().map(|t| t.root()).collect();
        let root = flatten(&mut out, &layers);
        out.set_root(root);
        out
    }
}
