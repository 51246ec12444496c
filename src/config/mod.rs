//! Configuration trees: the text format libdm's `dm_config_*` functions read
//! and write (LVM's configuration files and metadata).
//!
//! A tree is nodes with a key, each either a section (child nodes) or a
//! value (one scalar, or a list of scalars written as an array). The
//! algorithms (parsing, writing, path lookup, typed getters, cloning,
//! flattening a cascade) are written once, generically:
//! - over [`NodeView`]/[`ValueView`] to read a tree, and
//! - over [`Builder`] to make one,
//!
//! so that they run unchanged on the owned Rust tree of [`tree`] and on the
//! C structs (`struct dm_config_node`, ...) the C entry points keep in a
//! pool. Behaviour, messages and output follow Debian's libdevmapper
//! 1.02.185 byte for byte (checked by `make config-diff`).

pub mod find;
#[cfg(test)]
mod behaviour;
pub mod num;
pub mod parse;
pub mod tree;
pub mod write;

pub use find::{find_node, Cascade};
pub use parse::{parse, Builder, ParseError, ParseOptions};
pub use tree::{ConfigTree, NodeId, NodeRef, Value, ValueId};
pub use write::{write_nodes, LineSink};

/// Value format flag: write a single value as a one-element array.
pub const FMT_COMMON_ARRAY: u32 = 0x0000_0001;
/// Value format flag: spaces around `=` and inside arrays.
pub const FMT_COMMON_EXTRA_SPACES: u32 = 0x0000_0002;
/// Value format flag for integers: octal with a leading 0.
pub const FMT_INT_OCTAL: u32 = 0x0001_0000;
/// Value format flag for strings: no quotes around the string.
pub const FMT_STRING_NO_QUOTES: u32 = 0x0001_0000;

/// The type codes of `dm_config_value_type_t`.
pub const TYPE_INT: i32 = 0;
/// `DM_CFG_FLOAT`.
pub const TYPE_FLOAT: i32 = 1;
/// `DM_CFG_STRING`.
pub const TYPE_STRING: i32 = 2;
/// `DM_CFG_EMPTY_ARRAY`.
pub const TYPE_EMPTY_ARRAY: i32 = 3;

/// One scalar of a value list, borrowed from the tree that holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    /// `DM_CFG_INT`.
    Int(i64),
    /// `DM_CFG_FLOAT`.
    Float(f32),
    /// `DM_CFG_STRING` (bytes, no NUL).
    Str(&'a [u8]),
    /// `DM_CFG_EMPTY_ARRAY`: the one element of `[]`.
    EmptyArray,
    /// A type code a C caller stored that is none of the above.
    Unknown(i32),
}

impl Scalar<'_> {
    /// The `dm_config_value_type_t` code.
    pub fn type_code(&self) -> i32 {
        match self {
            Scalar::Int(_) => TYPE_INT,
            Scalar::Float(_) => TYPE_FLOAT,
            Scalar::Str(_) => TYPE_STRING,
            Scalar::EmptyArray => TYPE_EMPTY_ARRAY,
            Scalar::Unknown(t) => *t,
        }
    }
}

/// Read access to one element of a value list.
pub trait ValueView<'a>: Copy {
    /// The scalar held.
    fn scalar(self) -> Scalar<'a>;
    /// The next element of the list.
    fn next(self) -> Option<Self>;
    /// The `DM_CONFIG_VALUE_FMT_*` flags.
    fn format_flags(self) -> u32;
}

/// Read access to one node of a tree.
pub trait NodeView<'a>: Copy {
    /// The value list type.
    type Value: ValueView<'a>;
    /// The key (bytes, no NUL).
    fn key(self) -> &'a [u8];
    /// Whether the key equals `segment`.
    fn key_is(self, segment: &[u8]) -> bool {
        self.key() == segment
    }
    /// The parent node, if any.
    fn parent(self) -> Option<Self>;
    /// The next sibling.
    fn sib(self) -> Option<Self>;
    /// The first child.
    fn child(self) -> Option<Self>;
    /// The first element of the value list: `None` for a section.
    fn value(self) -> Option<Self::Value>;
    /// The caller-defined id.
    fn id(self) -> i32;
}

/// The nodes of a sibling list, from `first` on.
pub fn siblings<'a, N: NodeView<'a>>(first: Option<N>) -> impl Iterator<Item = N> {
    std::iter::successors(first, |n| n.sib())
}

/// The elements of a value list, from `first` on.
pub fn values<'a, V: ValueView<'a>>(first: Option<V>) -> impl Iterator<Item = V> {
    std::iter::successors(first, |v| v.next())
}

/// `true`, `false` or `None` for a string libdm reads as a boolean:
/// y/yes/on/true and n/no/off/false, in any case.
pub fn str_to_bool(s: &[u8]) -> Option<bool> {
    const TRUE: [&[u8]; 4] = [b"y", b"yes", b"on", b"true"];
    const FALSE: [&[u8]; 4] = [b"n", b"no", b"off", b"false"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        Some(true)
    } else if FALSE.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        Some(false)
    } else {
        None
    }
}

/// Whether `v` reads as a boolean (`dm_config_value_is_bool`): any integer,
/// or a string [`str_to_bool`] knows.
pub fn value_is_bool<'a, V: ValueView<'a>>(v: V) -> bool {
    match v.scalar() {
        Scalar::Int(_) => true,
        Scalar::Str(s) => str_to_bool(s).is_some(),
        _ => false,
    }
}

/// libdm's quick guess whether `text` holds a config section
/// (`dm_config_maybe_section`): as many `{` as `}`, and some.
pub fn maybe_section(text: &[u8]) -> bool {
    let open = crate::util::strings::count_chars(text, b'{');
    let close = crate::util::strings::count_chars(text, b'}');
    open != 0 && close != 0 && open == close
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_words_are_read_in_any_case() {
        assert_eq!(str_to_bool(b"YeS"), Some(true));
        assert_eq!(str_to_bool(b"on"), Some(true));
        assert_eq!(str_to_bool(b"Off"), Some(false));
        assert_eq!(str_to_bool(b"n"), Some(false));
        assert_eq!(str_to_bool(b"1"), None);
        assert_eq!(str_to_bool(b""), None);
    }

    #[test]
    fn a_section_guess_needs_balanced_and_present_braces() {
        assert!(maybe_section(b"a { b { } }"));
        assert!(!maybe_section(b"a { b { }"));
        assert!(!maybe_section(b"a = 1"));
    }
}

