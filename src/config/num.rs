//! Number conversions as C's `strtoll(s, NULL, 0)`, `strtod` and `"%f"`
//! perform them (the C library reads and writes numbers with these).

/// `strtoll(text, NULL, 0)`: the value and whether it overflowed (ERANGE,
/// value clamped). Reading stops at the first byte that does not fit, or
/// at the end of `text`.
pub fn strtoll(text: &[u8]) -> (i64, bool) {
    crate::util::num::CNum::read(text, 0).strtoll()
}

/// `strtod(text, NULL)` for the decimal forms the config tokenizer lets
/// through (`[+-]digits.digits[e[+-]digits]`, `.digits`): the value and
/// whether it was out of range (ERANGE: overflow to infinity, or a
/// non-zero number that underflowed).
pub fn strtod(text: &[u8]) -> (f64, bool) {
    let mut i = 0;
    while i < text.len() && matches!(text[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let start = i;
    if matches!(text.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_digits = text[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut nonzero = text[i..i + int_digits].iter().any(|&c| c != b'0');
    i += int_digits;
    let mut frac_digits = 0;
    if text.get(i) == Some(&b'.') {
        frac_digits = text[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if int_digits + frac_digits > 0 {
            nonzero |= text[i + 1..i + 1 + frac_digits].iter().any(|&c| c != b'0');
            i += 1 + frac_digits;
        }
    }
    if int_digits + frac_digits == 0 {
        return (0.0, false);
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(text.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = text[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits > 0 {
            i = j + exp_digits;
        }
    }
    let literal = std::str::from_utf8(&text[start..i]).unwrap_or("0");
    let value: f64 = literal.parse().unwrap_or(0.0);
    let range = value.is_infinite() || (nonzero && (value == 0.0 || value.is_subnormal()));
    (value, range)
}

/// `printf("%f", x)` as glibc writes it.
pub fn format_f(x: f64, out: &mut Vec<u8>) {
    use std::io::Write;
    if x.is_nan() {
        out.extend_from_slice(if x.is_sign_negative() { b"-nan" } else { b"nan" });
    } else if x.is_infinite() {
        out.extend_from_slice(if x < 0.0 { b"-inf" } else { b"inf" });
    } else {
        let _ = write!(out, "{x:.6}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoll_detects_the_base_from_the_prefix() {
        assert_eq!(strtoll(b"42"), (42, false));
        assert_eq!(strtoll(b"010"), (8, false));
        assert_eq!(strtoll(b"0x1F="), (31, false));
        assert_eq!(strtoll(b"0x"), (0, false));
        assert_eq!(strtoll(b"09"), (0, false));
        assert_eq!(strtoll(b"-17 "), (-17, false));
        assert_eq!(strtoll(b"+"), (0, false));
    }

    #[test]
    fn strtoll_clamps_and_reports_overflow() {
        assert_eq!(strtoll(b"9223372036854775807"), (i64::MAX, false));
        assert_eq!(strtoll(b"9223372036854775808"), (i64::MAX, true));
        assert_eq!(strtoll(b"-9223372036854775808"), (i64::MIN, false));
        assert_eq!(strtoll(b"-99999999999999999999"), (i64::MIN, true));
    }

    #[test]
    fn strtod_reads_the_decimal_forms() {
        assert_eq!(strtod(b"1.5"), (1.5, false));
        assert_eq!(strtod(b".5"), (0.5, false));
        assert_eq!(strtod(b"-2."), (-2.0, false));
        assert_eq!(strtod(b"1.5e3x"), (1500.0, false));
        assert_eq!(strtod(b"1.5e"), (1.5, false));
        assert_eq!(strtod(b"-."), (0.0, false));
        assert!(strtod(b"1.0e999").1);
        assert!(strtod(b"1.0e-999").1);
        assert!(!strtod(b"0.0e-999").1);
    }

    #[test]
    fn percent_f_has_six_decimals_and_c_spellings() {
        let f = |x: f64| {
            let mut v = Vec::new();
            format_f(x, &mut v);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(f(2.5), "2.500000");
        assert_eq!(f(-0.0), "-0.000000");
        assert_eq!(f(0.0078125), "0.007812");
        assert_eq!(f(f64::INFINITY), "inf");
        assert_eq!(f(-f64::NAN), "-nan");
        assert_eq!(f(1e30f32 as f64), "1000000015047466219876688855040.000000");
    }
}
