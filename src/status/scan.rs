//! The small set of C string primitives the status formats are defined by:
//! `sscanf` conversions with glibc's rules (leading white space skipped,
//! a sign accepted, overflow saturating, the value truncated to the
//! destination's width), `strchr`-based field skipping, `strstr`.
//!
//! Every function works on a byte slice and a position, reads nothing past
//! the slice and never panics. A position past the end reads as NUL, which
//! is what C sees at the terminator.

use crate::util::num::{CNum, Digits};

/// C's `isspace` in the C locale.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The byte at `i`, NUL past the end (the terminator C would read).
pub fn byte_at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// `s` up to its first NUL: what a C caller's string would be.
pub fn until_nul(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    }
}

/// Whether `needle` occurs in `s` from `from` on (C `strstr`).
pub fn contains(s: &[u8], from: usize, needle: &[u8]) -> bool {
    let hay = s.get(from..).unwrap_or(&[]);
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Skips `nr` fields, each ended by one space: the position after the
/// `nr`-th space from `pos`, or None when there are fewer spaces.
pub fn skip_fields(s: &[u8], mut pos: usize, nr: u64) -> Option<usize> {
    let mut left = nr;
    while left > 0 {
        let rest = s.get(pos..)?;
        let space = rest.iter().position(|&b| b == b' ')?;
        pos += space + 1;
        left -= 1;
    }
    Some(pos)
}

/// The number of space-separated fields (spaces plus one; 0 when empty).
pub fn count_fields(s: &[u8]) -> u64 {
    if s.is_empty() {
        return 0;
    }
    1 + s.iter().filter(|&&b| b == b' ').count() as u64
}

/// A number read by a `%d`/`%u`/`%lu` conversion, before truncation:
/// the low 64 bits as strtoul (unsigned) or strtol (signed) return them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Number {
    unsigned: u64,
    signed: i64,
}

/// One `sscanf` call in progress: feed it the format's directives in order;
/// after the first failure every later directive fails too, as sscanf stops.
#[derive(Debug, Clone)]
pub struct Scan<'a> {
    s: &'a [u8],
    pos: usize,
    failed: bool,
    skip_space: bool,
    assigned: u32,
}

impl<'a> Scan<'a> {
    /// Starts reading `s` at `pos`.
    pub fn new(s: &'a [u8], pos: usize) -> Self {
        Scan { s, pos: pos.min(s.len()), failed: false, skip_space: false, assigned: 0 }
    }

    /// How many conversions succeeded (sscanf's return value, with EOF
    /// counted as 0: no caller distinguishes them).
    pub fn assigned(&self) -> u32 {
        self.assigned
    }

    /// Whether every directive so far matched.
    pub fn ok(&self) -> bool {
        !self.failed
    }

    fn eat_space(&mut self) {
        while self.pos < self.s.len() && is_space(self.s[self.pos]) {
            self.pos += 1;
        }
    }

    /// A white-space directive: skips any amount of white space before the
    /// next directive.
    pub fn space(&mut self) -> &mut Self {
        self.skip_space = true;
        self
    }

    /// A literal character of the format.
    pub fn lit(&mut self, c: u8) -> &mut Self {
        if self.failed {
            return self;
        }
        if self.skip_space {
            self.eat_space();
            self.skip_space = false;
        }
        if self.pos < self.s.len() && self.s[self.pos] == c {
            self.pos += 1;
        } else {
            self.failed = true;
        }
        self
    }

    /// `%n`: the current position minus `base` (pass the position the scan
    /// started at to get what sscanf stores).
    pub fn n(&mut self, base: usize) -> Option<usize> {
        if self.failed {
            return None;
        }
        if self.skip_space {
            self.eat_space();
            self.skip_space = false;
        }
        Some(self.pos.saturating_sub(base))
    }

    /// The current position (for `%n` relative to the slice start).
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn number(&mut self) -> Option<Number> {
        if self.failed {
            return None;
        }
        self.eat_space();
        self.skip_space = false;
        let mut negative = false;
        if let Some(&c @ (b'+' | b'-')) = self.s.get(self.pos) {
            negative = c == b'-';
            self.pos += 1;
        }
        let digits = Digits::read(&self.s[self.pos..], 10);
        if digits.len == 0 {
            self.failed = true;
            return None;
        }
        self.pos += digits.len;
        // strtoul's and strtol's rules.
        let n = CNum { negative, digits, end: 0 };
        let (unsigned, signed) = (n.strtoull(), n.strtoll().0);
        self.assigned += 1;
        Some(Number { unsigned, signed })
    }

    /// `%lu` / `%llu` (FMTu64).
    pub fn u64(&mut self) -> Option<u64> {
        self.number().map(|n| n.unsigned)
    }

    /// `%u` (FMTu32): strtoul's result truncated to 32 bits.
    pub fn u32(&mut self) -> Option<u32> {
        self.number().map(|n| n.unsigned as u32)
    }

    /// `%d`: strtol's result truncated to 32 bits.
    pub fn i32(&mut self) -> Option<i32> {
        self.number().map(|n| n.signed as i32)
    }

    /// `%s` (with an optional maximum width): a run of non-space bytes.
    pub fn word(&mut self, max: Option<usize>) -> Option<&'a [u8]> {
        if self.failed {
            return None;
        }
        self.eat_space();
        self.skip_space = false;
        let start = self.pos;
        while self.pos < self.s.len() && !is_space(self.s[self.pos]) {
            if max.is_some_and(|m| self.pos - start >= m) {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            self.failed = true;
            return None;
        }
        self.assigned += 1;
        Some(&self.s[start..self.pos])
    }
}

/// C `strtoull(s, NULL, 0)` on a short string: base from the prefix (0x
/// hex, 0 octal, else decimal), an optional sign, as many digits as match,
/// 0 when none do; saturating at `u64::MAX` like strtoull.
pub fn strtoull_base0(s: &[u8]) -> u64 {
    CNum::read(s, 0).strtoull()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_conversion_skips_space_and_stops_at_a_non_digit() {
        let mut sc = Scan::new(b"  42x", 0);
        assert_eq!(sc.u64(), Some(42));
        assert_eq!(sc.pos(), 4);
    }

    #[test]
    fn unsigned_overflow_saturates_and_a_minus_wraps() {
        assert_eq!(Scan::new(b"99999999999999999999", 0).u64(), Some(u64::MAX));
        assert_eq!(Scan::new(b"-1", 0).u64(), Some(u64::MAX));
        assert_eq!(Scan::new(b"-1", 0).u32(), Some(u32::MAX));
        assert_eq!(Scan::new(b"4294967296", 0).u32(), Some(0));
    }

    #[test]
    fn signed_conversion_saturates_as_long_then_truncates_to_int() {
        assert_eq!(Scan::new(b"99999999999999999999", 0).i32(), Some(-1));
        assert_eq!(Scan::new(b"-99999999999999999999", 0).i32(), Some(0));
        assert_eq!(Scan::new(b"-7", 0).i32(), Some(-7));
    }

    #[test]
    fn a_sign_without_digits_is_a_matching_failure() {
        let mut sc = Scan::new(b"- 5", 0);
        assert_eq!(sc.u64(), None);
        assert_eq!(sc.assigned(), 0);
    }

    #[test]
    fn a_literal_must_follow_without_space_unless_the_format_has_one() {
        let mut sc = Scan::new(b"5 /6", 0);
        sc.u64();
        sc.lit(b'/');
        assert!(!sc.ok());
        let mut sc = Scan::new(b"5 /6", 0);
        sc.u64();
        sc.space().lit(b'/');
        assert_eq!(sc.u64(), Some(6));
    }

    #[test]
    fn percent_n_after_a_space_directive_counts_the_skipped_space() {
        let mut sc = Scan::new(b"5   x", 0);
        sc.u32();
        assert_eq!(sc.space().n(0), Some(4));
    }

    #[test]
    fn skip_fields_needs_one_space_per_field() {
        assert_eq!(skip_fields(b"a b c", 0, 2), Some(4));
        assert_eq!(skip_fields(b"a b c", 0, 3), None);
        assert_eq!(skip_fields(b"a b", 0, u64::MAX), None);
    }

    #[test]
    fn strtoull_base0_reads_hex_octal_and_decimal_prefixes() {
        assert_eq!(strtoull_base0(b"0x1f"), 31);
        assert_eq!(strtoull_base0(b"017"), 15);
        assert_eq!(strtoull_base0(b"08"), 0);
        assert_eq!(strtoull_base0(b"12ab"), 12);
        assert_eq!(strtoull_base0(b"0x"), 0);
        assert_eq!(strtoull_base0(b"abc"), 0);
    }
}
