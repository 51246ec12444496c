//! Size units and percentages of the libdm ABI: `dm_units_to_factor`,
//! `dm_size_to_string`, and the fixed-point `dm_percent_t` helpers.
//!
//! The arithmetic follows libdm's exactly, including where it goes through
//! `double` or `float`, so that a C caller prints the same figures on this
//! library as on the C one. Where libdm converts an out-of-range floating
//! value to an integer (undefined in C), the value x86-64 code produces is
//! returned, and documented at the function.

use std::fmt;

/// `DM_PERCENT_0` of `dm_percent_range_t`.
pub const PERCENT_0: i32 = 0;
/// `DM_PERCENT_1`: one percent (the fraction's precision is 1/1000000 %).
pub const PERCENT_1: i32 = 1_000_000;
/// `DM_PERCENT_100`.
pub const PERCENT_100: i32 = 100 * PERCENT_1;

/// libdm's `_close_enough`: closer than `DBL_EPSILON`.
fn close_enough(a: f64, b: f64) -> bool {
    (a - b).abs() < f64::EPSILON
}

/// A `double` converted to `uint64_t` as x86-64 code does it: truncated,
/// and 0 for values of 2^64 and more (and NaN), where C leaves it undefined.
fn f64_to_u64_like_c(x: f64) -> u64 {
    if x.is_nan() || x >= 18_446_744_073_709_551_616.0 {
        0
    } else {
        x as u64
    }
}

/// A `double` converted to `int32_t` as x86-64 code does it: truncated, and
/// `INT32_MIN` for values out of range (and NaN), where C leaves it undefined.
fn f64_to_i32_like_c(x: f64) -> i32 {
    if x > -2_147_483_649.0 && x < 2_147_483_648.0 {
        x as i32
    } else {
        i32::MIN
    }
}

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// The length of a run of digits (`hex`: hexadecimal) from `i`.
fn digits_from(s: &[u8], i: usize, hex: bool) -> usize {
    let mut n = 0;
    while {
        let b = at(s, i + n);
        if hex {
            b.is_ascii_hexdigit()
        } else {
            b.is_ascii_digit()
        }
    } {
        n += 1;
    }
    n
}

/// An optional exponent (`e`/`E` for decimal, `p`/`P` for hexadecimal, then
/// an optional sign and at least one decimal digit) at `i`: its value
/// (saturated) and length, or (0, 0) when there is none.
fn exponent_at(s: &[u8], i: usize, marker: u8) -> (i64, usize) {
    if at(s, i).to_ascii_lowercase() != marker {
        return (0, 0);
    }
    let mut j = i + 1;
    let negative = at(s, j) == b'-';
    if matches!(at(s, j), b'+' | b'-') {
        j += 1;
    }
    let n = digits_from(s, j, false);
    if n == 0 {
        return (0, 0);
    }
    let mut e: i64 = 0;
    for &b in &s[j..j + n] {
        e = (e * 10 + i64::from(b - b'0')).min(1 << 40);
    }
    (if negative { -e } else { e }, j + n - i)
}

/// A hexadecimal floating constant after `0x`: `digits[.digits][p[+-]exp]`
/// with at least one digit, correctly rounded. Returns the value and the
/// length consumed from `i`, or None when no digit follows.
fn hex_float(s: &[u8], i: usize) -> Option<(f64, usize)> {
    let int_len = digits_from(s, i, true);
    let mut j = i + int_len;
    let mut frac_len = 0;
    if at(s, j) == b'.' {
        frac_len = digits_from(s, j + 1, true);
        if int_len + frac_len > 0 {
            j += 1 + frac_len;
        }
    }
    if int_len + frac_len == 0 {
        return None;
    }
    // Up to 15 significant hex digits (60 bits) are kept exactly; any
    // non-zero digit beyond sets a sticky low bit, which is enough for the
    // conversion to f64 (53 bits) to round correctly.
    let mut mantissa: u64 = 0;
    let mut kept = 0;
    let mut scale: i64 = 0; // binary exponent adjustment
    let mut sticky = false;
    let frac_start = i + int_len + 1;
    let digits = s[i..i + int_len].iter().chain(s[frac_start.min(s.len())..(frac_start + frac_len).min(s.len())].iter());
    for (k, &b) in digits.enumerate() {
        let d = (b as char).to_digit(16).unwrap_or(0) as u64;
        let in_fraction = k >= int_len;
        if kept == 0 && d == 0 {
            if in_fraction {
                scale -= 4;
            }
            continue;
        }
        if kept < 15 {
            mantissa = mantissa << 4 | d;
            kept += 1;
            if in_fraction {
                scale -= 4;
            }
        } else {
            sticky |= d != 0;
            if !in_fraction {
                scale += 4;
            }
        }
    }
    let (exp, exp_len) = exponent_at(s, j, b'p');
    j += exp_len;
    if sticky {
        mantissa = mantissa << 1 | 1;
        scale -= 1;
    }
    let e = (exp + scale).clamp(-5000, 5000) as i32;
    // mantissa as f64 is exact up to 2^53 and correctly rounded above; the
    // scaling by powers of two is exact unless the result leaves the range.
    let mut v = mantissa as f64;
    let mut e = e;
    while e > 0 {
        let step = e.min(1000);
        v *= 2f64.powi(step);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(1000);
        v /= 2f64.powi(step);
        e += step;
    }
    Some((v, j - i))
}

/// `strtod` in the C locale for a string that starts with a decimal digit:
/// the value and the number of bytes it used.
fn strtod_from_digit(s: &[u8]) -> (f64, usize) {
    if at(s, 0) == b'0' && matches!(at(s, 1), b'x' | b'X') {
        if let Some((v, n)) = hex_float(s, 2) {
            return (v, n + 2);
        }
        return (0.0, 1);
    }
    let int_len = digits_from(s, 0, false);
    let mut j = int_len;
    if at(s, j) == b'.' {
        j += 1 + digits_from(s, j + 1, false);
    }
    let (_, exp_len) = exponent_at(s, j, b'e');
    j += exp_len;
    // The prefix is ASCII and in Rust's float syntax, which rounds
    // correctly as glibc does; overflow gives infinity as strtod does.
    let text = std::str::from_utf8(&s[..j]).unwrap_or("0");
    (text.parse::<f64>().unwrap_or(0.0), j)
}

/// What [`units_to_factor`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Units {
    /// The factor in bytes, 0 when no unit was recognised.
    pub factor: u64,
    /// What `dm_units_to_factor` stores in `*unit_type`: the unit character
    /// for a canonical unit, `U` for a custom one (a number before the
    /// unit). None where libdm leaves it untouched (strict mode refusing
    /// more than one unit character).
    pub unit_type: Option<u8>,
    /// Where parsing stopped: just after the unit character, or 0 when no
    /// unit was recognised.
    pub end: usize,
}

/// Recognises a unit specifier, as `dm_units_to_factor`: `h`/`H`/`r`/`R`
/// (human-readable, factor 1), `b`/`B` (1), `s`/`S` (512), and
/// `k m g t p e` (powers of 1024) or `K M G T P E` (powers of 1000), each
/// optionally preceded by a number (`8k`, `1.5M`, parsed as C's `strtod`
/// does in the C locale). In `strict` mode only one character may follow
/// the number. The string ends at its first NUL or at the end of the slice.
///
/// A custom factor that does not fit in 64 bits is 0 (x86-64 C behaviour;
/// undefined in C); an integral one wraps, as libdm's integer arithmetic.
pub fn units_to_factor(units: &[u8], strict: bool) -> Units {
    let none = Units { factor: 0, unit_type: None, end: 0 };
    let mut custom = 0.0;
    let mut v: u64 = 1;
    let mut pos = 0;
    if at(units, 0).is_ascii_digit() {
        let (value, used) = strtod_from_digit(units);
        if used == 0 {
            return none;
        }
        custom = value;
        // strtoull(units, NULL, 10): saturating.
        v = crate::util::num::Digits::read(units, 10).saturating();
        if v as f64 == custom {
            custom = 0.0; // integer arithmetic
        }
        pos = used;
    }
    let c = at(units, pos);
    if strict && c != 0 && at(units, pos + 1) != 0 {
        return none;
    }
    let mut unit_type = if v == 1 { c } else { b'U' };
    const K: u64 = 1024;
    const KD: u64 = 1000;
    let multiplier = match c {
        b'h' | b'H' | b'r' | b'R' => {
            v = 1;
            unit_type = c;
            1
        }
        b'b' | b'B' => 1,
        b's' | b'S' => 512,
        b'k' => K,
        b'm' => K.pow(2),
        b'g' => K.pow(3),
        b't' => K.pow(4),
        b'p' => K.pow(5),
        b'e' => K.pow(6),
        b'K' => KD,
        b'M' => KD.pow(2),
        b'G' => KD.pow(3),
        b'T' => KD.pow(4),
        b'P' => KD.pow(5),
        b'E' => KD.pow(6),
        _ => return Units { factor: 0, unit_type: Some(unit_type), end: 0 },
    };
    let factor = if close_enough(custom, 0.0) {
        v.wrapping_mul(multiplier)
    } else {
        f64_to_u64_like_c(custom * multiplier as f64)
    };
    Units { factor, unit_type: Some(unit_type), end: pos + 1 }
}

/// `dm_size_suffix_t`: how a unit is written after a size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeSuffix {
    /// `Megabyte` (`DM_SIZE_LONG`)
    Long = 0,
    /// `MB` or `MiB` (`DM_SIZE_SHORT`)
    Short = 1,
    /// `M` or `m` (`DM_SIZE_UNIT`)
    Unit = 2,
}

impl SizeSuffix {
    /// The enum from its C value.
    pub fn from_c(v: i32) -> Option<SizeSuffix> {
        match v {
            0 => Some(SizeSuffix::Long),
            1 => Some(SizeSuffix::Short),
            2 => Some(SizeSuffix::Unit),
            _ => None,
        }
    }
}

/// Why [`size_to_string`] could not format a size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeError {
    /// A unit that names a fixed factor but that [`units_to_factor`] does
    /// not give one for (`u`, `U` with no factor given). libdm logs
    /// this as an internal error.
    InconsistentUnits {
        /// The unit asked for.
        unit_type: u8,
        /// What `units_to_factor` made of it.
        recognised: u8,
    },
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeError::InconsistentUnits { unit_type, recognised } => {
                write!(f, "Inconsistent units: {} and {}.", *unit_type as char, *recognised as char)
            }
        }
    }
}

// The suffix table of dm_size_to_string: [long, short, unit] per row.
const BASE_UNKNOWN: usize = 0;
const BASE_SHARED: usize = 1;
const BASE_1024: usize = 8;
const BASE_1000: usize = 15;
const BASE_SPECIAL: usize = 21;
const NUM_UNIT_PREFIXES: usize = 6;
const NUM_SPECIAL: usize = 3;

const SIZE_STR: [[&str; 3]; 25] = [
    // BASE_UNKNOWN
    ["         ", "   ", " "],
    // BASE_SHARED: suffixes that do not tell 1000 from 1024
    [" Exabyte", " EB", "E"],
    [" Petabyte", " PB", "P"],
    [" Terabyte", " TB", "T"],
    [" Gigabyte", " GB", "G"],
    [" Megabyte", " MB", "M"],
    [" Kilobyte", " KB", "K"],
    [" Byte    ", " B", "B"],
    // BASE_1024
    [" Exbibyte", " EiB", "e"],
    [" Pebibyte", " PiB", "p"],
    [" Tebibyte", " TiB", "t"],
    [" Gibibyte", " GiB", "g"],
    [" Mebibyte", " MiB", "m"],
    [" Kibibyte", " KiB", "k"],
    [" Byte    ", " B", "b"],
    // BASE_1000
    [" Exabyte", " EB", "E"],
    [" Petabyte", " PB", "P"],
    [" Terabyte", " TB", "T"],
    [" Gigabyte", " GB", "G"],
    [" Megabyte", " MB", "M"],
    [" Kilobyte", " kB", "K"],
    // BASE_SPECIAL (its first row is also BASE_1000's bytes)
    [" Byte    ", " B ", "B"],
    [" Units   ", " Un", "U"],
    [" Sectors ", " Se", "S"],
    ["         ", "   ", " "],
];

fn unit_char(row: usize) -> u8 {
    SIZE_STR[row][SizeSuffix::Unit as usize].as_bytes()[0]
}

/// Formats a size given in 512-byte sectors, as `dm_size_to_string`.
///
/// `unit_type` picks the unit: a letter of `b s k m g t p e` (any case when
/// `use_si_units` is false; with it, lower case is powers of 1024 and upper
/// case powers of 1000), `u`/`U` (a custom `unit_factor`), or anything else
/// for human-readable output that picks the largest unit the size reaches
/// (`H` and `R` in powers of 1000; `r`/`R` print `<` before a figure that
/// was rounded up). `unit_factor` 0 means the factor of `unit_type`. The
/// suffix is always printed in human-readable mode. Byte and sector counts
/// have no decimals, everything else two.
pub fn size_to_string(
    size: u64,
    unit_type: u8,
    use_si_units: bool,
    unit_factor: u64,
    include_suffix: bool,
    suffix: SizeSuffix,
) -> Result<String, SizeError> {
    let upper = unit_type.to_ascii_uppercase();
    let mut found: Option<(usize, usize)> = None;
    if !use_si_units {
        found = (0..NUM_UNIT_PREFIXES).find(|&s| upper == unit_char(BASE_SHARED + s)).map(|s| (BASE_SHARED, s));
    } else {
        for base in [BASE_1000, BASE_1024] {
            if found.is_none() {
                found = (0..NUM_UNIT_PREFIXES).find(|&s| unit_type == unit_char(base + s)).map(|s| (base, s));
            }
        }
    }
    if found.is_none() {
        found = (0..NUM_SPECIAL).find(|&s| upper == unit_char(BASE_SPECIAL + s)).map(|s| (BASE_SPECIAL, s));
    }
    let suffix_of = |row: usize| SIZE_STR[row][suffix as usize];

    if size == 0 {
        let (base, s) = found.unwrap_or((BASE_UNKNOWN, 0));
        return Ok(format!("0{}", if include_suffix { suffix_of(base + s) } else { "" }));
    }

    let size = size.wrapping_mul(512);
    let mut prefix = "";
    let mut include_suffix = include_suffix;
    let (base, s, byte) = match found {
        Some((base, s)) => {
            let mut factor = unit_factor;
            if factor == 0 {
                let u = units_to_factor(&[unit_type], true);
                let recognised = u.unit_type.unwrap_or(0);
                if u.factor == 0 || recognised != unit_type {
                    return Err(SizeError::InconsistentUnits { unit_type, recognised });
                }
                factor = u.factor;
            }
            (base, s, factor)
        }
        None => {
            let (units, mut base) =
                if unit_type == b'H' || unit_type == b'R' { (1000u64, BASE_1000) } else { (1024u64, BASE_1024) };
            if !use_si_units {
                base = BASE_SHARED;
            }
            let mut byte = units.pow(6);
            let mut s = 0;
            while s < NUM_UNIT_PREFIXES && size < byte {
                byte /= units;
                s += 1;
            }
            if s < NUM_UNIT_PREFIXES && (unit_type == b'R' || unit_type == b'r') {
                // '<' when printing two decimals rounds the figure up.
                let d = 100.0 * size as f64 / byte as f64;
                if !close_enough(d.floor(), d.round_ties_even()) {
                    prefix = "<";
                }
            }
            include_suffix = true;
            (base, s, byte)
        }
    };
    let precision = match unit_char(base + s).to_ascii_uppercase() {
        b'B' | b'S' => 0,
        _ => 2,
    };
    Ok(format!(
        "{prefix}{:.*}{}",
        precision,
        size as f64 / byte as f64,
        if include_suffix { suffix_of(base + s) } else { "" }
    ))
}

/// A `dm_percent_t` as a float (`dm_percent_to_float`), never `-0`.
pub fn percent_to_float(percent: i32) -> f32 {
    percent as f32 / PERCENT_1 as f32 + 0.0
}

/// A percentage rounded for printing with `digits` decimals
/// (`dm_percent_to_round_float`): a value above 0 never prints as 0 and a
/// value below 100 never as 100; otherwise the same as
/// [`percent_to_float`]. More than 10 digits count as 10.
pub fn percent_to_round_float(percent: i32, digits: u32) -> f32 {
    const POWER10: [f32; 11] = [1.0, 0.1, 0.01, 0.001, 0.0001, 0.00001, 0.000001, 0.0000001, 0.00000001, 0.000000001, 0.0000000001];
    let digits = (digits as usize).min(POWER10.len() - 1);
    let f = percent_to_float(percent);
    // Computed in float, as libdm does.
    let r = PERCENT_1 as f32 * POWER10[digits];
    let p = percent as f32;
    if p < r && percent > PERCENT_0 {
        POWER10[digits]
    } else if p > PERCENT_100 as f32 - r && percent < PERCENT_100 {
        (PERCENT_100 as f32 - r) / PERCENT_1 as f32
    } else {
        f
    }
}

/// `numerator / denominator` as a `dm_percent_t` (`dm_make_percent`): 0 and
/// 100 % only when exact, never rounded to; a zero denominator is 100 %.
/// A ratio above 21.47 (out of `int32_t` range) gives `INT32_MIN`, as libdm
/// does on x86-64 (undefined in C).
pub fn make_percent(numerator: u64, denominator: u64) -> i32 {
    if denominator == 0 {
        return PERCENT_100;
    }
    if numerator == 0 {
        return PERCENT_0;
    }
    if numerator == denominator {
        return PERCENT_100;
    }
    match f64_to_i32_like_c(PERCENT_100 as f64 * (numerator as f64 / denominator as f64)) {
        PERCENT_100 => PERCENT_100 - 1,
        PERCENT_0 => PERCENT_0 + 1,
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str, strict: bool) -> (u64, Option<char>, usize) {
        let r = units_to_factor(s.as_bytes(), strict);
        (r.factor, r.unit_type.map(|c| c as char), r.end)
    }

    #[test]
    fn canonical_units() {
        let expect: [(&str, u64); 20] = [
            ("h", 1), ("H", 1), ("r", 1), ("R", 1), ("b", 1), ("B", 1), ("s", 512), ("S", 512),
            ("k", 1 << 10), ("K", 1000), ("m", 1 << 20), ("M", 1_000_000), ("g", 1 << 30),
            ("G", 1_000_000_000), ("t", 1 << 40), ("T", 1_000_000_000_000), ("p", 1 << 50),
            ("P", 1_000_000_000_000_000), ("e", 1 << 60), ("E", 1_000_000_000_000_000_000),
        ];
        for (s, f) in expect {
            for strict in [false, true] {
                assert_eq!(u(s, strict), (f, s.chars().next(), 1), "{s}");
            }
        }
    }

    #[test]
    fn custom_units_are_type_u() {
        assert_eq!(u("8k", true), (8192, Some('U'), 2));
        assert_eq!(u("8K", true), (8000, Some('U'), 2));
        assert_eq!(u("3S", false), (1536, Some('U'), 2));
        assert_eq!(u("08k", false), (8192, Some('U'), 3));
        assert_eq!(u("0k", false), (0, Some('U'), 2));
        // A leading 1 keeps the unit's own character, even with decimals.
        assert_eq!(u("1k", false), (1024, Some('k'), 2));
        assert_eq!(u("1.5k", false), (1536, Some('k'), 4));
        assert_eq!(u("1e3k", false), (1_024_000, Some('k'), 4));
        // A number before h/H/r/R is ignored.
        assert_eq!(u("8h", false), (1, Some('h'), 2));
    }

    #[test]
    fn numbers_parse_like_strtod() {
        assert_eq!(u("10.00001m", false), (10_485_770, Some('U'), 9));
        assert_eq!(u("3.k", false), (3072, Some('U'), 3));
        assert_eq!(u("1e+2k", false), (102_400, Some('k'), 5));
        assert_eq!(u("1e", false).0, 1 << 60); // "1" and the unit e
        assert_eq!(u("1e+", false), (1 << 60, Some('e'), 2));
        assert_eq!(u("0x10k", false), (16384, Some('U'), 5));
        assert_eq!(u("0x1p4k", false), (16384, Some('U'), 6));
        assert_eq!(u("0x.8k", false), (512, Some('U'), 5));
        assert_eq!(u("0x1.8p1m", false), (3 << 20, Some('U'), 8));
        assert_eq!(u("0x1P-1k", false), (512, Some('U'), 7));
        assert_eq!(u("0xk", false), (0, Some('U'), 0)); // "0", then 'x'
        assert_eq!(u("0.0000000000000000001k", false), (0, Some('U'), 22));
    }

    #[test]
    fn big_numbers() {
        assert_eq!(u("18446744073709551615b", false), (u64::MAX, Some('U'), 21));
        assert_eq!(u("18446744073709551616b", false), (u64::MAX, Some('U'), 21));
        assert_eq!(u("20000000000000000000b", false), (0, Some('U'), 21));
        assert_eq!(u("1e400k", false), (0, Some('k'), 6));
        // Integral: wraps as libdm's uint64_t multiplication.
        assert_eq!(u("100000e", false).0, 100_000u64.wrapping_mul(1 << 60));
    }

    #[test]
    fn invalid_and_strict() {
        assert_eq!(u("", false), (0, Some('\0'), 0));
        assert_eq!(u("x", false), (0, Some('x'), 0));
        assert_eq!(u("u", false), (0, Some('u'), 0));
        assert_eq!(u("8", false), (0, Some('U'), 0));
        assert_eq!(u(" 8k", false), (0, Some(' '), 0));
        assert_eq!(u(".5k", false), (0, Some('.'), 0));
        assert_eq!(u("1.5.5k", false), (0, Some('.'), 0));
        assert_eq!(u("kk", false), (1024, Some('k'), 1));
        assert_eq!(u("kk", true), (0, None, 0));
        assert_eq!(u("8kk", true), (0, None, 0));
        assert_eq!(u("8kk", false), (8192, Some('U'), 2));
    }

    fn s(size: u64, t: char, si: bool, inc: bool, sf: SizeSuffix) -> String {
        size_to_string(size, t as u8, si, 0, inc, sf).unwrap()
    }

    #[test]
    fn human_readable_sizes() {
        use SizeSuffix::*;
        assert_eq!(s(0, 'h', false, true, Long), "0         ");
        assert_eq!(s(0, 'h', false, false, Long), "0");
        assert_eq!(s(1, 'h', false, false, Long), "512 Byte    ");
        assert_eq!(s(2, 'h', false, true, Short), "1.00 KB");
        assert_eq!(s(2, 'h', true, true, Short), "1.00 KiB");
        assert_eq!(s(2, 'h', true, true, Unit), "1.00k");
        assert_eq!(s(2, 'H', true, true, Short), "1.02 kB");
        assert_eq!(s(1, 'h', true, true, Unit), "512b");
        assert_eq!(s(1, 'H', true, true, Short), "512 B ");
        assert_eq!(s(123_456_789, 'h', false, true, Unit), "58.87G");
        assert_eq!(s(123_456_789, 'H', false, true, Unit), "63.21G");
        assert_eq!(s(0xff_ffff_ffff_ffff, 'h', false, true, Long), "16.00 Exabyte");
        // Unknown unit letters are human-readable too.
        assert_eq!(s(2048, 'x', false, true, Long), "1.00 Megabyte");
    }

    #[test]
    fn rounded_up_figures_get_a_less_than_sign() {
        use SizeSuffix::*;
        assert_eq!(s(4095, 'r', false, true, Unit), "<2.00M");
        assert_eq!(s(4096, 'r', false, true, Unit), "2.00M");
        assert_eq!(s(2048, 'R', false, true, Short), "<1.05 MB");
        assert_eq!(s(1953125, 'R', false, true, Short), "1.00 GB");
        assert_eq!(s(1, 'r', false, true, Unit), "512B");
    }

    #[test]
    fn fixed_units() {
        use SizeSuffix::*;
        assert_eq!(s(3, 'b', false, true, Long), "1536 Byte    ");
        assert_eq!(s(3, 'b', false, true, Short), "1536 B ");
        assert_eq!(s(3, 's', false, true, Short), "3 Se");
        assert_eq!(s(3, 'S', true, true, Unit), "3S");
        assert_eq!(s(1, 'k', false, true, Long), "0.50 Kilobyte");
        assert_eq!(s(1, 'K', false, true, Unit), "0.51K");
        assert_eq!(s(1, 'K', true, true, Short), "0.51 kB");
        assert_eq!(s(1, 'k', true, true, Short), "0.50 KiB");
        assert_eq!(s(1, 'k', true, false, Short), "0.50");
        assert_eq!(s(0, 'm', false, true, Short), "0 MB");
        assert_eq!(s(256, 'm', false, false, Unit), "0.12"); // 0.125, ties to even as printf
        assert_eq!(s(0, 'u', false, true, Long), "0 Units   ");
    }

    #[test]
    fn custom_factor_and_inconsistent_units() {
        assert_eq!(size_to_string(16, b'U', false, 8192, true, SizeSuffix::Short).unwrap(), "1.00 Un");
        assert_eq!(size_to_string(16, b'k', true, 8192, true, SizeSuffix::Unit).unwrap(), "1.00k");
        for t in [b'u', b'U'] {
            assert!(matches!(
                size_to_string(1, t, false, 0, true, SizeSuffix::Unit),
                Err(SizeError::InconsistentUnits { .. })
            ));
        }
    }

    #[test]
    fn percent_conversions() {
        assert_eq!(percent_to_float(PERCENT_100), 100.0);
        assert_eq!(percent_to_float(PERCENT_1 / 2), 0.5);
        assert!(percent_to_float(0).is_sign_positive());
        assert_eq!(percent_to_round_float(1, 2), 0.01f32);
        assert_eq!(percent_to_round_float(99_999_999, 0), 99.0);
        assert_eq!(percent_to_round_float(99_999_999, 11), percent_to_round_float(99_999_999, 10));
        assert_eq!(percent_to_round_float(PERCENT_100, 2), 100.0);
        assert_eq!(percent_to_round_float(0, 2), 0.0);
        assert_eq!(percent_to_round_float(50 * PERCENT_1, 2), 50.0);
    }

    #[test]
    fn making_percentages() {
        assert_eq!(make_percent(1, 0), PERCENT_100);
        assert_eq!(make_percent(0, 0), PERCENT_100);
        assert_eq!(make_percent(0, 5), PERCENT_0);
        assert_eq!(make_percent(5, 5), PERCENT_100);
        assert_eq!(make_percent(1, 3), 33_333_333);
        assert_eq!(make_percent(999_999_999, 1_000_000_000), PERCENT_100 - 1);
        assert_eq!(make_percent(1, 1_000_000_000_000), 1);
        assert_eq!(make_percent(21, 1), 2_100_000_000);
        assert_eq!(make_percent(22, 1), i32::MIN);
        assert_eq!(make_percent(u64::MAX, u64::MAX - 1), PERCENT_100 - 1);
    }
}
