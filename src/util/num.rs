//! Numbers read as the C library reads them: one scanner of digits, and
//! for each way libdm turns digits into a number, its overflow rule by
//! name, so that every parser in this crate says which one it follows.
//!
//! | rule | C it imitates | too large |
//! |---|---|---|
//! | [`Digits::saturating`] | `strtoull` | `u64::MAX` |
//! | [`Digits::saturating_i64`] | `strtol`, `strtoll` (no sign) | `i64::MAX` |
//! | [`Digits::wrapping`] | a hand-written loop `n = n * 10 + d` | the value modulo 2^64 |
//! | [`Digits::checked`] | a loop that refuses what does not fit | `None` |
//! | [`CNum::strtoull`] | `strtoull(s, &end, base)` with space and sign | `u64::MAX` whatever the sign; a minus negates modulo 2^64 |
//! | [`CNum::strtoll`] | `strtoll(s, &end, base)` | `i64::MIN` or `i64::MAX`, and ERANGE |

/// C's `isspace` in the C locale.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A run of digits at the start of some text: how many bytes it took, its
/// value modulo 2^64, and whether the value itself is above `u64::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digits {
    /// Bytes taken (0: no digit there).
    pub len: usize,
    value: u64,
    overflow: bool,
}

impl Digits {
    /// The digits in `radix` (2 to 36; letters in either case) at the start
    /// of `s`.
    pub fn read(s: &[u8], radix: u32) -> Digits {
        let mut d = Digits { len: 0, value: 0, overflow: false };
        while let Some(v) = s.get(d.len).and_then(|&c| (c as char).to_digit(radix)) {
            let next = d.value.checked_mul(u64::from(radix)).and_then(|n| n.checked_add(u64::from(v)));
            d.overflow |= next.is_none();
            d.value = d.value.wrapping_mul(u64::from(radix)).wrapping_add(u64::from(v));
            d.len += 1;
        }
        d
    }

    /// Whether the value is above `u64::MAX`.
    pub fn overflowed(self) -> bool {
        self.overflow
    }

    /// `strtoull`'s rule: `u64::MAX` when too large.
    pub fn saturating(self) -> u64 {
        if self.overflow { u64::MAX } else { self.value }
    }

    /// `strtol`'s rule for a value without a sign: `i64::MAX` when too
    /// large.
    pub fn saturating_i64(self) -> i64 {
        self.checked().and_then(|v| i64::try_from(v).ok()).unwrap_or(i64::MAX)
    }

    /// A hand-written C loop's rule (`n = n * 10 + d` on a 64-bit
    /// unsigned): the value modulo 2^64.
    pub fn wrapping(self) -> u64 {
        self.value
    }

    /// None when the value is above `u64::MAX`.
    pub fn checked(self) -> Option<u64> {
        (!self.overflow).then_some(self.value)
    }
}

/// What C's `strtoull` and `strtoll` read at the start of some text:
/// white space, an optional sign, then digits in the base (with base 0,
/// `0x` followed by a hex digit means hexadecimal, a leading `0` octal,
/// anything else decimal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CNum {
    /// A minus sign came before the digits.
    pub negative: bool,
    /// The digits, without sign or base prefix.
    pub digits: Digits,
    /// Where C's `endptr` would point: after the digits, or 0 when there
    /// are none.
    pub end: usize,
}

impl CNum {
    /// Reads `s` as `strtoull(s, &end, base)` does (`base` 0, 8, 10 or 16).
    pub fn read(s: &[u8], base: u32) -> CNum {
        let mut i = s.iter().take_while(|&&b| is_c_space(b)).count();
        let negative = s.get(i) == Some(&b'-');
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let hex_prefix = s.get(i) == Some(&b'0') && matches!(s.get(i + 1), Some(b'x' | b'X')) && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let radix = match base {
            0 | 16 if hex_prefix => {
                i += 2;
                16
            }
            0 if s.get(i) == Some(&b'0') => 8,
            0 => 10,
            b => b,
        };
        let digits = Digits::read(&s[i..], radix);
        CNum { negative, digits, end: if digits.len == 0 { 0 } else { i + digits.len } }
    }

    /// `strtoull`'s value: `u64::MAX` when too large whatever the sign,
    /// otherwise a minus negates modulo 2^64.
    pub fn strtoull(self) -> u64 {
        match self.digits.checked() {
            None => u64::MAX,
            Some(v) if self.negative => v.wrapping_neg(),
            Some(v) => v,
        }
    }

    /// `strtoll`'s value, and whether it was out of range (ERANGE: the
    /// value is then `i64::MIN` or `i64::MAX`).
    pub fn strtoll(self) -> (i64, bool) {
        match (self.negative, self.digits.checked()) {
            (false, Some(v)) if v <= i64::MAX as u64 => (v as i64, false),
            (true, Some(v)) if v <= 1 << 63 => ((v as i64).wrapping_neg(), false),
            (false, _) => (i64::MAX, true),
            (true, _) => (i64::MIN, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CNum, Digits};

    #[test]
    fn digits_stop_at_the_first_byte_that_is_not_one() {
        let d = Digits::read(b"4096k", 10);
        assert_eq!((d.len, d.checked()), (4, Some(4096)));
        assert_eq!(Digits::read(b"x1", 10).len, 0);
        assert_eq!(Digits::read(b"fF9g", 16).checked(), Some(0xff9));
    }

    #[test]
    fn each_rule_says_what_a_value_too_large_becomes() {
        let max = Digits::read(b"18446744073709551615", 10);
        assert_eq!((max.checked(), max.overflowed()), (Some(u64::MAX), false));
        let big = Digits::read(b"18446744073709551616", 10);
        assert_eq!(big.len, 20);
        assert_eq!(big.saturating(), u64::MAX);
        assert_eq!(big.wrapping(), 0);
        assert_eq!(big.checked(), None);
        assert_eq!(big.saturating_i64(), i64::MAX);
        assert_eq!(Digits::read(b"9223372036854775808", 10).saturating_i64(), i64::MAX);
        assert_eq!(Digits::read(b"9223372036854775807", 10).saturating_i64(), i64::MAX);
        assert_eq!(Digits::read(b"42", 10).saturating_i64(), 42);
    }

    #[test]
    fn strtoull_skips_space_takes_a_sign_and_detects_the_base() {
        assert_eq!(CNum::read(b"  42x", 0), CNum { negative: false, digits: Digits::read(b"42", 10), end: 4 });
        assert_eq!(CNum::read(b"0x1F=", 0).strtoull(), 31);
        assert_eq!(CNum::read(b"010", 0).strtoull(), 8);
        assert_eq!(CNum::read(b"09", 0).strtoull(), 0);
        assert_eq!(CNum::read(b"0x", 0).end, 1);
        assert_eq!(CNum::read(b"-1", 0).strtoull(), u64::MAX);
        assert_eq!(CNum::read(b"-99999999999999999999", 10).strtoull(), u64::MAX);
        assert_eq!(CNum::read(b"+", 0).end, 0);
        assert_eq!(CNum::read(b"010", 10).strtoull(), 10);
    }

    #[test]
    fn strtoll_clamps_to_the_range_and_reports_it() {
        assert_eq!(CNum::read(b"-17 ", 0).strtoll(), (-17, false));
        assert_eq!(CNum::read(b"9223372036854775807", 0).strtoll(), (i64::MAX, false));
        assert_eq!(CNum::read(b"9223372036854775808", 0).strtoll(), (i64::MAX, true));
        assert_eq!(CNum::read(b"-9223372036854775808", 0).strtoll(), (i64::MIN, false));
        assert_eq!(CNum::read(b"-9223372036854775809", 0).strtoll(), (i64::MIN, true));
        assert_eq!(CNum::read(b"-99999999999999999999", 0).strtoll(), (i64::MIN, true));
    }
}
