//! Writing a tree back as text, line by line, exactly as the C library
//! does: one tab per level (at most 32), `key=value`, `key {` ... `}`,
//! arrays as `[a, b]`, strings quoted with `"` and `\` escaped, floats as
//! `%f`, and the `DM_CONFIG_VALUE_FMT_*` flags of the first value.

use super::num::format_f;
use super::{NodeView, Scalar, ValueView, FMT_COMMON_ARRAY, FMT_COMMON_EXTRA_SPACES, FMT_INT_OCTAL, FMT_STRING_NO_QUOTES};

const MAX_INDENT: usize = 32;
const TABS: [u8; MAX_INDENT] = [b'\t'; MAX_INDENT];

/// Where the lines go.
pub trait LineSink<N> {
    /// Called before the lines of node `n`, with its indentation.
    fn prefix(&mut self, _n: N, _indent: &[u8]) {}
    /// One line (no newline) of node `n`. `false` stops the writing, which
    /// then fails. The buffer may be changed (the C sink appends a NUL).
    fn line(&mut self, n: N, line: &mut Vec<u8>) -> bool;
    /// Called after the lines of node `n`, with its indentation.
    fn suffix(&mut self, _n: N, _indent: &[u8]) {}
}

/// Collects the lines as text, each followed by a newline.
impl<N> LineSink<N> for Vec<u8> {
    fn line(&mut self, _n: N, line: &mut Vec<u8>) -> bool {
        self.extend_from_slice(line);
        self.push(b'\n');
        true
    }
}

/// Writes `first` and (unless `only_one`) its following siblings, with
/// their subtrees. Returns whether every line was taken.
pub fn write_nodes<'a, N: NodeView<'a>>(first: Option<N>, only_one: bool, out: &mut impl LineSink<N>) -> bool {
    let mut buf = Vec::with_capacity(128);
    write_level(first, only_one, out, 0, &mut buf)
}

fn needs_quotes(key: &[u8]) -> bool {
    key.iter().any(|&c| matches!(c, b'#' | b'"' | b'!'))
}

fn push_escaped(buf: &mut Vec<u8>, s: &[u8]) {
    for &c in s {
        if c == b'"' || c == b'\\' {
            buf.push(b'\\');
        }
        buf.push(c);
    }
}

fn write_level<'a, N: NodeView<'a>>(first: Option<N>, only_one: bool, out: &mut impl LineSink<N>, level: usize, buf: &mut Vec<u8>) -> bool {
    let indent = &TABS[..level.min(MAX_INDENT)];
    let mut next = first;
    while let Some(n) = next {
        let value = n.value();
        let flags = value.map_or(0, |v| v.format_flags());
        let extra: &[u8] = if flags & FMT_COMMON_EXTRA_SPACES != 0 { b" " } else { b"" };
        let as_array = flags & FMT_COMMON_ARRAY != 0;

        out.prefix(n, indent);
        buf.clear();
        buf.extend_from_slice(indent);
        let key = n.key();
        if needs_quotes(key) {
            buf.push(b'"');
            push_escaped(buf, key);
            buf.push(b'"');
        } else {
            buf.extend_from_slice(key);
        }
        match value {
            None => {
                buf.extend_from_slice(b" {");
                if !out.line(n, buf) || !write_level(n.child(), false, out, level + 1, buf) {
                    return false;
                }
                buf.clear();
                buf.extend_from_slice(indent);
                buf.push(b'}');
            }
            Some(v) => {
                buf.extend_from_slice(extra);
                buf.push(b'=');
                buf.extend_from_slice(extra);
                let empty = |v: N::Value| matches!(v.scalar(), Scalar::EmptyArray);
                if v.next().is_some() {
                    buf.push(b'[');
                    buf.extend_from_slice(extra);
                    let mut cur = Some(v);
                    while let Some(x) = cur.filter(|&x| !empty(x)) {
                        write_value(buf, x);
                        cur = x.next();
                        if cur.is_some_and(|y| !empty(y)) {
                            buf.push(b',');
                            buf.extend_from_slice(extra);
                        }
                    }
                    buf.extend_from_slice(extra);
                    buf.push(b']');
                } else {
                    let bracket = as_array && !empty(v);
                    if bracket {
                        buf.push(b'[');
                        buf.extend_from_slice(extra);
                    }
                    write_value(buf, v);
                    if bracket {
                        buf.extend_from_slice(extra);
                        buf.push(b']');
                    }
                }
            }
        }
        if !out.line(n, buf) {
            return false;
        }
        out.suffix(n, indent);
        if only_one {
            break;
        }
        next = n.sib();
    }
    true
}

/// Appends one scalar as the C library writes it.
fn write_value<'a, V: ValueView<'a>>(buf: &mut Vec<u8>, v: V) {
    let flags = v.format_flags();
    match v.scalar() {
        Scalar::Str(s) => {
            let quote = flags & FMT_STRING_NO_QUOTES == 0;
            if quote {
                buf.push(b'"');
            }
            push_escaped(buf, s);
            if quote {
                buf.push(b'"');
            }
        }
        Scalar::Float(f) => format_f(f as f64, buf),
        Scalar::Int(i) => {
            use std::io::Write;
            if flags & FMT_INT_OCTAL != 0 {
                let _ = write!(buf, "0{:o}", i as u64);
            } else {
                let _ = write!(buf, "{i}");
            }
        }
        Scalar::EmptyArray => {
            buf.extend_from_slice(if flags & FMT_COMMON_EXTRA_SPACES != 0 { b"[ ]" } else { b"[]" });
        }
        Scalar::Unknown(t) => crate::log_error!("_write_value: Unknown value type: {t}"),
    }
}
