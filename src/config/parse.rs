//! The config text parser, generic over the tree it builds ([`Builder`]).
//!
//! Grammar (libdm's): `file = node*`, `node = key ( '{' node* '}' | '='
//! value )`, `value = scalar | '[' (scalar ','?)* ']'`. A key is an
//! identifier or a quoted string and may be a path (`a/b/c`), which makes
//! or reuses the intermediate sections. Keys repeated in one section are
//! merged (sections) or replaced with a warning (values), unless the
//! duplicate check is off. Whether a number-like token is a value or a key
//! depends on the token before it, as in the C tokenizer.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::num::{strtod, strtoll};
use super::Scalar;

/// How deep sections may nest; the C library exhausts its stack a little
/// deeper than this (8 KiB per level on an 8 MiB stack).
pub const MAX_DEPTH: usize = 900;

/// Makes a tree: the parser's (and cloner's) only access to it.
pub trait Builder {
    /// A node handle.
    type Node: Copy + Eq + Hash;
    /// A value handle.
    type Value: Copy;
    /// A new node with `key`, no links, id 0; `None` when out of memory.
    fn new_node(&mut self, key: &[u8]) -> Option<Self::Node>;
    /// A new value holding `v` (flags 0, no next); `None` when out of memory.
    fn new_value(&mut self, v: Scalar<'_>) -> Option<Self::Value>;
    /// Links `next` after `v` in a value list.
    fn set_next(&mut self, v: Self::Value, next: Self::Value);
    /// Whether node `n` has a value.
    fn has_value(&self, n: Self::Node) -> bool;
    /// Sets the value list of `n`.
    fn set_value(&mut self, n: Self::Node, v: Option<Self::Value>);
    /// Whether the key of `n` equals `segment`.
    fn key_is(&self, n: Self::Node, segment: &[u8]) -> bool;
    /// The first child of `n`.
    fn child(&self, n: Self::Node) -> Option<Self::Node>;
    /// Sets the first child of `n`.
    fn set_child(&mut self, n: Self::Node, child: Option<Self::Node>);
    /// The next sibling of `n`.
    fn sib(&self, n: Self::Node) -> Option<Self::Node>;
    /// Sets the next sibling of `n`.
    fn set_sib(&mut self, n: Self::Node, sib: Option<Self::Node>);
    /// Sets the parent of `n`.
    fn set_parent(&mut self, n: Self::Node, parent: Option<Self::Node>);
    /// Sets the id of `n`.
    fn set_id(&mut self, n: Self::Node, id: i32);
}

/// What [`parse`] does besides parsing everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions<'s> {
    /// Make a new node for every key, even one already in the section
    /// (`dm_config_parse_without_dup_node_check`).
    pub no_dup_node_check: bool,
    /// Stop parsing sections after the second-level section of this name
    /// has been read; the top-level values after it are still read
    /// (`dm_config_parse_only_section`).
    pub stop_after_section: Option<&'s [u8]>,
}

/// Why a text did not parse. `Display` is the C library's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A token that the grammar does not allow here.
    #[error("Parse error at byte {byte} (line {line}): unexpected token")]
    UnexpectedToken {
        /// 1-based byte offset of the token.
        byte: usize,
        /// 1-based line.
        line: u32,
    },
    /// A quote with nothing after it.
    #[error("Parse error at byte {byte} (line {line}): expected a string token.")]
    ExpectedString {
        /// 1-based byte offset of the token.
        byte: usize,
        /// 1-based line.
        line: u32,
    },
    /// `"" = ...` and the like.
    #[error("Parse error at byte {byte} (line {line}): empty section identifier")]
    EmptyKey {
        /// 1-based byte offset of the token after the key.
        byte: usize,
        /// 1-based line.
        line: u32,
    },
    /// No value after `=` or in an array.
    #[error("Parse error at byte {byte} (line {line}): expected a value")]
    ExpectedValue {
        /// 1-based byte offset of the token.
        byte: usize,
        /// 1-based line.
        line: u32,
    },
    /// Sections nested deeper than [`MAX_DEPTH`].
    #[error("Parse error at byte {byte} (line {line}): sections nested too deep")]
    TooDeep {
        /// 1-based byte offset of the token.
        byte: usize,
        /// 1-based line.
        line: u32,
    },
    /// An integer out of the range of int64.
    #[error("Failed to read int token.")]
    BadInt,
    /// A float out of range.
    #[error("Failed to read float token.")]
    BadFloat,
    /// A token that cannot be taken (the C library fails to copy it).
    #[error("Failed to duplicate token.")]
    BadToken,
    /// The text holds no node (the C library fails without a message).
    #[error("no configuration node in the text")]
    Empty,
    /// The builder ran out of memory.
    #[error("Failed to allocate config node or value.")]
    OutOfMemory,
}

impl ParseError {
    /// Whether the C library logs this failure as an error (it fails
    /// silently on a text without nodes).
    pub fn is_logged(&self) -> bool {
        !matches!(self, ParseError::Empty)
    }

    /// Logs the failure as the C library does: as an error, or, when it
    /// fails silently, as a debug line after the name of `function`.
    pub fn log(&self, function: &str) {
        if self.is_logged() {
            crate::log_error!("{self}");
        } else {
            crate::log_debug!("{function}: {self}");
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Int,
    Float,
    Str,
    StrEscaped,
    StrBare,
    Eq,
    SectionB,
    SectionE,
    ArrayB,
    ArrayE,
    Ident,
    Comma,
    Eof,
}

/// C's `isspace` in the C locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The FxHash mix: fast, and good enough for keys of one parse.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

fn key_hash(segment: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(segment);
    h.write_u64(segment.len() as u64);
    h.finish()
}

/// (parent, hash of key) -> a node with that key under that parent.
type KeyIndex<N> = HashMap<(Option<N>, u64), N, BuildHasherDefault<FxHasher>>;

struct Parser<'t, 'b, B: Builder> {
    text: &'t [u8],
    tb: usize,
    te: usize,
    t: Tok,
    line: u32,
    b: &'b mut B,
    opts: ParseOptions<'t>,
    /// The key of the node whose value is being read.
    value_key: Vec<u8>,
    ignored_creation_time: u32,
    section_indent: u32,
    depth: usize,
    /// Top-level nodes, newest first (lists are built backwards and
    /// reversed at the end, as the C library does).
    root: Option<B::Node>,
    /// (parent, hash of key) -> a node with that key under that parent.
    index: KeyIndex<B::Node>,
}

/// Parses `text` into `b`; returns the first top-level node. Warnings
/// (duplicate values, repaired creation_time) are logged as they happen.
pub fn parse<'t, B: Builder>(b: &mut B, text: &'t [u8], opts: ParseOptions<'t>) -> Result<B::Node, ParseError> {
    let mut p = Parser {
        text,
        tb: 0,
        te: 0,
        t: Tok::Eof,
        line: 1,
        b,
        opts,
        value_key: Vec::new(),
        ignored_creation_time: 0,
        section_indent: 0,
        depth: 0,
        root: None,
        index: HashMap::default(),
    };
    p.next_token(Tok::SectionE);
    while p.t != Tok::Eof {
        p.section(None)?;
    }
    let root = p.root.ok_or(ParseError::Empty)?;
    Ok(reverse_all(p.b, root))
}

/// Reverses every sibling list of the tree from `head` (iteratively).
fn reverse_all<B: Builder>(b: &mut B, head: B::Node) -> B::Node {
    let reverse = |b: &mut B, head: B::Node| {
        let (mut left, mut prev) = (Some(head), None);
        while let Some(n) = left {
            left = b.sib(n);
            b.set_sib(n, prev);
            prev = Some(n);
        }
        prev.expect("a non-empty list")
    };
    let new_head = reverse(b, head);
    let mut todo = vec![new_head];
    while let Some(list) = todo.pop() {
        let mut n = Some(list);
        while let Some(node) = n {
            if let Some(c) = b.child(node) {
                let c = reverse(b, c);
                b.set_child(node, Some(c));
                todo.push(c);
            }
            n = b.sib(node);
        }
    }
    new_head
}

impl<'t, B: Builder> Parser<'t, '_, B> {
    fn at(&self) -> (usize, u32) {
        (self.tb + 1, self.line)
    }

    fn unexpected(&self) -> ParseError {
        let (byte, line) = self.at();
        ParseError::UnexpectedToken { byte, line }
    }

    fn byte(&self, i: usize) -> u8 {
        self.text[i]
    }

    fn eat_space(&mut self) {
        let end = self.text.len();
        while self.tb != end {
            let c = self.byte(self.te);
            if !is_space(c) {
                if c != b'#' {
                    break;
                }
                while self.te != end && self.byte(self.te) != b'\n' && self.byte(self.te) != 0 {
                    self.te += 1;
                }
            }
            while self.te != end {
                let c = self.byte(self.te);
                if c == b'\n' {
                    self.line += 1;
                } else if !is_space(c) {
                    break;
                }
                self.te += 1;
            }
            self.tb = self.te;
        }
    }

    fn next_token(&mut self, prev: Tok) {
        let values_allowed = matches!(prev, Tok::Eq | Tok::ArrayB | Tok::Comma);
        let end = self.text.len();
        // A rewound position (see `stop_here`) may be before the token.
        self.tb = self.te;
        self.eat_space();
        if self.tb >= end || self.byte(self.tb) == 0 {
            self.t = Tok::Eof;
            return;
        }
        let c = self.byte(self.tb);
        let mut te = self.tb + 1;
        let more = |te: usize| te != end && self.text[te] != 0;
        self.t = match c {
            b'{' => Tok::SectionB,
            b'}' => Tok::SectionE,
            b'[' => Tok::ArrayB,
            b']' => Tok::ArrayE,
            b',' => Tok::Comma,
            b'=' => Tok::Eq,
            b'"' => {
                while more(te) && self.text[te] != b'"' {
                    if self.text[te] == b'\\' && more(te + 1) {
                        te += 1;
                    }
                    te += 1;
                }
                if more(te) {
                    te += 1;
                }
                Tok::StrEscaped
            }
            b'\'' => {
                while more(te) && self.text[te] != b'\'' {
                    te += 1;
                }
                if more(te) {
                    te += 1;
                }
                Tok::Str
            }
            b'.' | b'0'..=b'9' | b'+' | b'-' if values_allowed => {
                let mut t = if c == b'.' { Tok::Float } else { Tok::Int };
                while te != end {
                    let d = self.text[te];
                    if !d.is_ascii_digit() {
                        if d == b'.' && t != Tok::Float {
                            t = Tok::Float;
                            te += 1;
                            continue;
                        }
                        break;
                    }
                    te += 1;
                }
                t
            }
            _ => {
                while more(te) {
                    let d = self.text[te];
                    if is_space(d) || matches!(d, b'#' | b'=' | b'{' | b'}') {
                        break;
                    }
                    te += 1;
                }
                if values_allowed {
                    Tok::StrBare
                } else {
                    Tok::Ident
                }
            }
        };
        self.te = te;
    }

    fn expect(&mut self, t: Tok) -> Result<(), ParseError> {
        if self.t != t {
            return Err(self.unexpected());
        }
        self.next_token(t);
        Ok(())
    }

    /// The contents of a quoted token (first and last byte dropped).
    fn string_token(&self) -> Result<&'t [u8], ParseError> {
        if self.te < self.tb + 2 {
            let (byte, line) = self.at();
            return Err(ParseError::ExpectedString { byte, line });
        }
        Ok(&self.text[self.tb + 1..self.te - 1])
    }

    fn token(&self) -> Result<&'t [u8], ParseError> {
        self.text.get(self.tb..self.te).ok_or(ParseError::BadToken)
    }

    fn section(&mut self, parent: Option<B::Node>) -> Result<B::Node, ParseError> {
        if self.depth >= MAX_DEPTH {
            let (byte, line) = self.at();
            return Err(ParseError::TooDeep { byte, line });
        }
        let key: std::borrow::Cow<'t, [u8]> = match self.t {
            Tok::StrEscaped => {
                let k = unescape(self.string_token()?);
                self.expect(Tok::StrEscaped)?;
                k.into()
            }
            Tok::Str => {
                let k = self.string_token()?;
                self.expect(Tok::Str)?;
                k.into()
            }
            _ => {
                let k = self.token()?;
                self.expect(Tok::Ident)?;
                k.into()
            }
        };
        if key.is_empty() {
            let (byte, line) = self.at();
            return Err(ParseError::EmptyKey { byte, line });
        }
        let node = self.find_or_make(parent, &key)?;
        if self.t == Tok::SectionB {
            if self.opts.stop_after_section.is_some() {
                self.section_indent += 1;
            }
            self.expect(Tok::SectionB)?;
            self.depth += 1;
            while self.t != Tok::SectionE {
                self.section(Some(node))?;
            }
            self.depth -= 1;
            self.expect(Tok::SectionE)?;
            if let Some(stop) = self.opts.stop_after_section {
                self.section_indent -= 1;
                if self.section_indent == 1 && *key == *stop {
                    self.skip_to_last_section_end();
                }
            }
        } else {
            self.expect(Tok::Eq)?;
            // The node's own key: the last segment of the path.
            let own = key.rsplit(|&c| c == b'/').next().unwrap_or(&[]);
            self.value_key.clear();
            self.value_key.extend_from_slice(own);
            let v = self.value()?;
            if self.b.has_value(node) {
                crate::log_warn!("WARNING: Ignoring duplicate config value: {}", String::from_utf8_lossy(&key));
            }
            self.b.set_value(node, Some(v));
        }
        Ok(node)
    }

    /// After the section to stop after: continue at the last "\n}\n" of
    /// the text (the end of the enclosing top-level section), if any.
    fn skip_to_last_section_end(&mut self) {
        let mut te = self.text.len().saturating_sub(1);
        while te > self.tb {
            if te >= 2 && self.text[te - 2] == b'\n' && self.text[te - 1] == b'}' && self.text[te] == b'\n' {
                self.t = Tok::SectionE;
                break;
            }
            te -= 1;
        }
        self.te = te;
    }

    fn find_or_make(&mut self, mut parent: Option<B::Node>, mut path: &[u8]) -> Result<B::Node, ParseError> {
        loop {
            while let [b'/', rest @ ..] = path {
                path = rest;
            }
            let end = path.iter().position(|&c| c == b'/').unwrap_or(path.len());
            let (segment, rest) = path.split_at(end);
            let found = if self.opts.no_dup_node_check { None } else { self.lookup(parent, segment) };
            let node = match found {
                Some(n) => n,
                None => self.make(parent, segment)?,
            };
            if rest.is_empty() {
                return Ok(node);
            }
            parent = Some(node);
            path = rest;
        }
    }

    fn lookup(&self, parent: Option<B::Node>, segment: &[u8]) -> Option<B::Node> {
        let n = *self.index.get(&(parent, key_hash(segment)))?;
        if self.b.key_is(n, segment) {
            return Some(n);
        }
        // A hash collision: look through the siblings.
        let mut c = match parent {
            Some(p) => self.b.child(p),
            None => self.root,
        };
        while let Some(x) = c {
            if self.b.key_is(x, segment) {
                return Some(x);
            }
            c = self.b.sib(x);
        }
        None
    }

    fn make(&mut self, parent: Option<B::Node>, segment: &[u8]) -> Result<B::Node, ParseError> {
        let n = self.b.new_node(segment).ok_or(ParseError::OutOfMemory)?;
        match parent {
            Some(p) => {
                self.b.set_parent(n, Some(p));
                let first = self.b.child(p);
                self.b.set_sib(n, first);
                self.b.set_child(p, Some(n));
            }
            None => {
                self.b.set_sib(n, self.root);
                self.root = Some(n);
            }
        }
        if !self.opts.no_dup_node_check {
            self.index.entry((parent, key_hash(segment))).or_insert(n);
        }
        Ok(n)
    }

    fn value(&mut self) -> Result<B::Value, ParseError> {
        if self.t != Tok::ArrayB {
            return self.scalar();
        }
        self.expect(Tok::ArrayB)?;
        let (mut head, mut last) = (None, None);
        while self.t != Tok::ArrayE {
            let v = self.scalar()?;
            match last {
                None => head = Some(v),
                Some(l) => self.b.set_next(l, v),
            }
            last = Some(v);
            if self.t == Tok::Comma {
                self.expect(Tok::Comma)?;
            }
        }
        self.expect(Tok::ArrayE)?;
        match head {
            Some(h) => Ok(h),
            None => self.b.new_value(Scalar::EmptyArray).ok_or(ParseError::OutOfMemory),
        }
    }

    fn scalar(&mut self) -> Result<B::Value, ParseError> {
        let t = self.t;
        let v = match t {
            Tok::Int => {
                let (mut i, overflow) = strtoll(&self.text[self.tb..]);
                if overflow {
                    if self.value_key != b"creation_time" {
                        return Err(ParseError::BadInt);
                    }
                    // Old 32-bit LVM wrote invalid creation times.
                    i = 1_527_120_000;
                    if self.ignored_creation_time == 0 {
                        crate::log_warn!("WARNING: Invalid creation_time found in metadata (repaired with next metadata update).");
                    }
                    self.ignored_creation_time += 1;
                }
                self.b.new_value(Scalar::Int(i))
            }
            Tok::Float => {
                let (f, range) = strtod(&self.text[self.tb..]);
                if range {
                    return Err(ParseError::BadFloat);
                }
                self.b.new_value(Scalar::Float(f as f32))
            }
            Tok::Str => {
                let s = self.string_token()?;
                self.b.new_value(Scalar::Str(s))
            }
            Tok::StrBare => {
                let s = self.token()?;
                self.b.new_value(Scalar::Str(s))
            }
            Tok::StrEscaped => {
                let s = unescape(self.string_token()?);
                self.b.new_value(Scalar::Str(&s))
            }
            _ => {
                let (byte, line) = self.at();
                return Err(ParseError::ExpectedValue { byte, line });
            }
        };
        let v = v.ok_or(ParseError::OutOfMemory)?;
        self.expect(t)?;
        Ok(v)
    }
}

/// `\"` -> `"` and `\\` -> `\` (`dm_unescape_double_quotes`).
fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = s.to_vec();
    let len = crate::util::strings::unescape_double_quotes(&mut out);
    out.truncate(len);
    out
}
