//! The owned Rust configuration tree: nodes and values in two arenas,
//! linked by index the way the C structs are linked by pointer (parent,
//! next sibling, first child, first value; next value).

use super::find::{self, bool_value, float_value, int_value, string_value};
use super::parse::{self, Builder, ParseError, ParseOptions};
use super::write::{write_nodes, LineSink};
use super::{NodeView, Scalar, ValueView};

/// A node of a [`ConfigTree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(u32);

/// A value (list element) of a [`ConfigTree`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueId(u32);

/// An owned scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f32),
    /// A string (bytes).
    Str(Vec<u8>),
    /// The element of an empty array `[]`.
    EmptyArray,
}

#[derive(Debug, Clone)]
struct NodeData {
    key: Box<[u8]>,
    parent: Option<NodeId>,
    sib: Option<NodeId>,
    child: Option<NodeId>,
    value: Option<ValueId>,
    id: i32,
}

#[derive(Debug, Clone)]
struct ValueData {
    value: Value,
    next: Option<ValueId>,
    flags: u32,
}

/// A configuration tree.
#[derive(Debug, Clone, Default)]
pub struct ConfigTree {
    nodes: Vec<NodeData>,
    values: Vec<ValueData>,
    root: Option<NodeId>,
}

/// A node of a tree, for reading.
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'t> {
    tree: &'t ConfigTree,
    id: NodeId,
}

/// A value of a tree, for reading.
#[derive(Debug, Clone, Copy)]
pub struct ValueRef<'t> {
    tree: &'t ConfigTree,
    id: ValueId,
}

impl ConfigTree {
    /// An empty tree.
    pub fn new() -> ConfigTree {
        ConfigTree::default()
    }

    /// Parses `text` (see [`parse::parse`]).
    pub fn parse(text: &[u8]) -> Result<ConfigTree, ParseError> {
        ConfigTree::parse_with(text, ParseOptions::default())
    }

    /// Parses `text` with `opts`.
    pub fn parse_with(text: &[u8], opts: ParseOptions<'_>) -> Result<ConfigTree, ParseError> {
        let mut t = ConfigTree::new();
        let root = parse::parse(&mut t, text, opts)?;
        t.root = Some(root);
        Ok(t)
    }

    /// The first top-level node.
    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| self.node(id))
    }

    /// Replaces the top-level list.
    pub fn set_root(&mut self, root: Option<NodeId>) {
        self.root = root;
    }

    /// Reading access to `id`.
    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { tree: self, id }
    }

    /// Reading access to value `id`.
    pub fn value(&self, id: ValueId) -> ValueRef<'_> {
        ValueRef { tree: self, id }
    }

    /// A new unlinked section node.
    pub fn create_node(&mut self, key: &[u8]) -> NodeId {
        self.nodes.push(NodeData { key: key.into(), parent: None, sib: None, child: None, value: None, id: 0 });
        NodeId(self.nodes.len() as u32 - 1)
    }

    /// A new unlinked value.
    pub fn create_value(&mut self, value: Value) -> ValueId {
        self.values.push(ValueData { value, next: None, flags: 0 });
        ValueId(self.values.len() as u32 - 1)
    }

    /// Makes `node` a value node holding `list` (an array when more than
    /// one, `[]` when empty); returns the first value.
    pub fn set_values(&mut self, node: NodeId, list: Vec<Value>) -> ValueId {
        let list = if list.is_empty() { vec![Value::EmptyArray] } else { list };
        let ids: Vec<ValueId> = list.into_iter().map(|v| self.create_value(v)).collect();
        for pair in ids.windows(2) {
            self.values[pair[0].0 as usize].next = Some(pair[1]);
        }
        self.nodes[node.0 as usize].value = Some(ids[0]);
        ids[0]
    }

    /// Sets the `DM_CONFIG_VALUE_FMT_*` flags of a value.
    pub fn set_format_flags(&mut self, value: ValueId, flags: u32) {
        self.values[value.0 as usize].flags = flags;
    }

    /// The format flags of a value.
    pub fn format_flags(&self, value: ValueId) -> u32 {
        self.values[value.0 as usize].flags
    }

    /// Appends `child` (unlinked) as the last child of `parent`, or as the
    /// last top-level node when `parent` is `None`.
    pub fn append_child(&mut self, parent: Option<NodeId>, child: NodeId) {
        self.nodes[child.0 as usize].parent = parent;
        self.nodes[child.0 as usize].sib = None;
        let first = match parent {
            Some(p) => self.nodes[p.0 as usize].child,
            None => self.root,
        };
        match first {
            None => match parent {
                Some(p) => self.nodes[p.0 as usize].child = Some(child),
                None => self.root = Some(child),
            },
            Some(mut n) => {
                while let Some(s) = self.nodes[n.0 as usize].sib {
                    n = s;
                }
                self.nodes[n.0 as usize].sib = Some(child);
            }
        }
    }

    /// Unlinks `child` from the children of `parent` (`dm_config_remove_node`);
    /// `false` when it is not one of them.
    pub fn remove_child(&mut self, parent: NodeId, child: NodeId) -> bool {
        find::remove_child(self, parent, child)
    }

    /// Copies `node` of `from` (with its following siblings when
    /// `with_siblings`) into this tree, unlinked.
    pub fn clone_from_node(&mut self, node: NodeRef<'_>, with_siblings: bool) -> NodeId {
        find::clone_nodes(self, node, with_siblings).expect("the arena does not run out of memory")
    }

    /// The node at `path` from the top-level list.
    pub fn find_node(&self, path: &str) -> Option<NodeRef<'_>> {
        self.root().and_then(|r| r.find(path))
    }

    /// The whole tree as text (`dm_config_write_node` on the root).
    pub fn to_text(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_nodes(self.root(), false, &mut out);
        out
    }
}

impl<'t> NodeRef<'t> {
    fn data(&self) -> &'t NodeData {
        &self.tree.nodes[self.id.0 as usize]
    }

    /// This node's id in its tree.
    pub fn node_id(&self) -> NodeId {
        self.id
    }

    /// The children, in order.
    pub fn children(self) -> impl Iterator<Item = NodeRef<'t>> {
        super::siblings(self.child())
    }

    /// The values, in order (empty for a section).
    pub fn value_list(self) -> Vec<Scalar<'t>> {
        super::values(self.value()).map(|v| v.scalar()).collect()
    }

    /// The node at `path` from this node and its siblings.
    pub fn find(self, path: &str) -> Option<NodeRef<'t>> {
        find::find_node(Some(self), path.as_bytes())
    }

    /// The string at `path`, or `default` (`dm_config_find_str`).
    pub fn find_str(self, path: &str, default: Option<&'t [u8]>) -> Option<&'t [u8]> {
        self.find_str_inner(path, default, false)
    }

    /// As [`NodeRef::find_str`], an empty string counting as a value.
    pub fn find_str_allow_empty(self, path: &str, default: Option<&'t [u8]>) -> Option<&'t [u8]> {
        self.find_str_inner(path, default, true)
    }

    fn find_str_inner(self, path: &str, default: Option<&'t [u8]>, allow_empty: bool) -> Option<&'t [u8]> {
        match string_value(self.find(path), path.as_bytes(), default.is_some(), allow_empty).map(|v| v.scalar()) {
            Some(Scalar::Str(s)) => Some(s),
            _ => default,
        }
    }

    /// The integer at `path`, or `default`.
    pub fn find_int64(self, path: &str, default: i64) -> i64 {
        int_value(self.find(path)).unwrap_or(default)
    }

    /// The float at `path`, or `default`.
    pub fn find_float(self, path: &str, default: f32) -> f32 {
        float_value(self.find(path)).unwrap_or(default)
    }

    /// The boolean at `path`, or `default`.
    pub fn find_bool(self, path: &str, default: bool) -> bool {
        bool_value(self.find(path)).unwrap_or(default)
    }

    /// The subtree as text: this node and, unless `only_one`, its
    /// following siblings.
    pub fn to_text(self, only_one: bool) -> Vec<u8> {
        let mut out = Vec::new();
        write_nodes(Some(self), only_one, &mut out);
        out
    }

    /// Writes lines to a sink (see [`LineSink`]).
    pub fn write(self, only_one: bool, sink: &mut impl LineSink<NodeRef<'t>>) -> bool {
        write_nodes(Some(self), only_one, sink)
    }
}

impl<'t> NodeView<'t> for NodeRef<'t> {
    type Value = ValueRef<'t>;
    fn key(self) -> &'t [u8] {
        &self.data().key
    }
    fn parent(self) -> Option<Self> {
        self.data().parent.map(|id| self.tree.node(id))
    }
    fn sib(self) -> Option<Self> {
        self.data().sib.map(|id| self.tree.node(id))
    }
    fn child(self) -> Option<Self> {
        self.data().child.map(|id| self.tree.node(id))
    }
    fn value(self) -> Option<ValueRef<'t>> {
        self.data().value.map(|id| self.tree.value(id))
    }
    fn id(self) -> i32 {
        self.data().id
    }
}

impl<'t> ValueView<'t> for ValueRef<'t> {
    fn scalar(self) -> Scalar<'t> {
        match &self.tree.values[self.id.0 as usize].value {
            Value::Int(i) => Scalar::Int(*i),
            Value::Float(f) => Scalar::Float(*f),
            Value::Str(s) => Scalar::Str(s),
            Value::EmptyArray => Scalar::EmptyArray,
        }
    }
    fn next(self) -> Option<Self> {
        self.tree.values[self.id.0 as usize].next.map(|id| self.tree.value(id))
    }
    fn format_flags(self) -> u32 {
        self.tree.values[self.id.0 as usize].flags
    }
}

impl Builder for ConfigTree {
    type Node = NodeId;
    type Value = ValueId;
    fn new_node(&mut self, key: &[u8]) -> Option<NodeId> {
        Some(self.create_node(key))
    }
    fn new_value(&mut self, v: Scalar<'_>) -> Option<ValueId> {
        let v = match v {
            Scalar::Int(i) => Value::Int(i),
            Scalar::Float(f) => Value::Float(f),
            Scalar::Str(s) => Value::Str(s.to_vec()),
            Scalar::EmptyArray => Value::EmptyArray,
            Scalar::Unknown(_) => Value::Int(0),
        };
        Some(self.create_value(v))
    }
    fn set_next(&mut self, v: ValueId, next: ValueId) {
        self.values[v.0 as usize].next = Some(next);
    }
    fn has_value(&self, n: NodeId) -> bool {
        self.nodes[n.0 as usize].value.is_some()
    }
    fn set_value(&mut self, n: NodeId, v: Option<ValueId>) {
        self.nodes[n.0 as usize].value = v;
    }
    fn key_is(&self, n: NodeId, segment: &[u8]) -> bool {
        *self.nodes[n.0 as usize].key == *segment
    }
    fn child(&self, n: NodeId) -> Option<NodeId> {
        self.nodes[n.0 as usize].child
    }
    fn set_child(&mut self, n: NodeId, child: Option<NodeId>) {
        self.nodes[n.0 as usize].child = child;
    }
    fn sib(&self, n: NodeId) -> Option<NodeId> {
        self.nodes[n.0 as usize].sib
    }
    fn set_sib(&mut self, n: NodeId, sib: Option<NodeId>) {
        self.nodes[n.0 as usize].sib = sib;
    }
    fn set_parent(&mut self, n: NodeId, parent: Option<NodeId>) {
        self.nodes[n.0 as usize].parent = parent;
    }
    fn set_id(&mut self, n: NodeId, id: i32) {
        self.nodes[n.0 as usize].id = id;
    }
}
