//! String helpers of the libdm ABI: splitting words and LVM device names,
//! building device-mapper names and uuids, quoting and unquoting, and the
//! `major:minor` form of a device number.
//!
//! Everything works on bytes, because C strings need not be UTF-8. Where
//! libdm works in place on a caller's buffer, the function here does the
//! same on a byte slice and reports offsets into it; the C entry points in
//! `capi::strings` turn those into pointers.

/// The C locale's `isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The byte at `i`, or NUL past the end (so a slice behaves like a C string
/// whether or not it carries its terminator).
fn at(buf: &[u8], i: usize) -> u8 {
    buf.get(i).copied().unwrap_or(0)
}

/// Splits `buf` in place into at most `max` words separated by C-locale
/// white space, as `dm_split_words`: the byte after each word taken is
/// overwritten with NUL (when it is not already the end). Returns the
/// offsets at which the words start. Quotes and `#` are ordinary characters
/// (libdm documents `ignore_comments` as "not implemented").
///
/// The string ends at the first NUL in `buf` or at the end of the slice.
pub fn split_words(buf: &mut [u8], max: usize) -> Vec<usize> {
    let mut words = Vec::new();
    let mut i = 0;
    while words.len() < max {
        while at(buf, i) != 0 && is_c_space(at(buf, i)) {
            i += 1;
        }
        if at(buf, i) == 0 {
            break;
        }
        words.push(i);
        while at(buf, i) != 0 && !is_c_space(at(buf, i)) {
            i += 1;
        }
        if at(buf, i) != 0 {
            buf[i] = 0;
            i += 1;
        }
    }
    words
}

/// One component of an LVM device name, unquoted in place from `start`:
/// `--` becomes `-`, a single `-` followed by something ends the component
/// (a `-` that is the last character is kept). Writes the NUL that ends the
/// unquoted component and returns where the next component starts.
fn unquote_component(buf: &mut [u8], start: usize) -> usize {
    let mut c = start;
    let mut o = start;
    while at(buf, c) != 0 {
        if at(buf, c + 1) != 0 && at(buf, c) == b'-' {
            if at(buf, c + 1) == b'-' {
                c += 1;
            } else {
                break;
            }
        }
        buf[o] = buf[c];
        o += 1;
        c += 1;
    }
    let next = if at(buf, c) != 0 { c + 1 } else { c };
    if o < buf.len() {
        buf[o] = 0;
    }
    next
}

/// Where the three parts of a split LVM name start in the buffer (each
/// NUL-terminated after [`split_lvm_name_in_place`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LvmNameOffsets {
    /// Always 0: the volume group name starts the buffer.
    pub vg: usize,
    /// Where the logical volume name starts.
    pub lv: usize,
    /// Where the layer starts (an empty string when there is none).
    pub layer: usize,
}

/// Splits a device-mapper name `<vg>-<lv>[-<layer>]` in place, undoing the
/// `--` quoting of hyphens, exactly as `dm_split_lvm_name`: missing parts
/// are empty strings, anything after a second unquoted `-` in the layer is
/// cut off. `buf` must hold the name followed by its NUL terminator (a
/// slice without one is treated as if it ended in NUL, but the last
/// component then cannot be terminated in place).
pub fn split_lvm_name_in_place(buf: &mut [u8]) -> LvmNameOffsets {
    let lv = unquote_component(buf, 0);
    let layer = unquote_component(buf, lv);
    unquote_component(buf, layer);
    LvmNameOffsets { vg: 0, lv, layer }
}

/// The parts of an LVM device name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LvmName {
    /// The volume group.
    pub vg: Vec<u8>,
    /// The logical volume (empty when missing).
    pub lv: Vec<u8>,
    /// The layer (empty when missing).
    pub layer: Vec<u8>,
}

/// Splits a device-mapper name into volume group, logical volume and layer
/// (see [`split_lvm_name_in_place`]).
pub fn split_lvm_name(name: &[u8]) -> LvmName {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let mut buf = name[..end].to_vec();
    buf.push(0);
    let off = split_lvm_name_in_place(&mut buf);
    let part = |from: usize| {
        let len = buf[from..].iter().position(|&b| b == 0).unwrap_or(buf.len() - from);
        buf[from..from + len].to_vec()
    };
    LvmName { vg: part(off.vg), lv: part(off.lv), layer: part(off.layer) }
}

/// How many times `c` occurs in `s` (`dm_count_chars`).
pub fn count_chars(s: &[u8], c: u8) -> usize {
    s.iter().filter(|&&b| b == c).count()
}

/// The size of the buffer `escape_double_quotes` needs: the string with
/// each `"` and `\` doubled, plus the terminating NUL (`dm_escaped_len`).
pub fn escaped_len(s: &[u8]) -> usize {
    s.len() + count_chars(s, b'"') + count_chars(s, b'\\') + 1
}

/// Quotes each `"` and `\` with a backslash (`dm_escape_double_quotes`).
pub fn escape_double_quotes(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(escaped_len(s));
    for &b in s {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}

/// Undoes [`escape_double_quotes`] in place: `\"` becomes `"` and `\\`
/// becomes `\`; any other backslash stays. Returns the new length (the
/// caller terminates the string there).
pub fn unescape_double_quotes(buf: &mut [u8]) -> usize {
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let (mut src, mut out) = (0, 0);
    while src < len {
        let mut s = buf[src];
        src += 1;
        if s == b'\\' && src < len && (buf[src] == b'"' || buf[src] == b'\\') {
            s = buf[src];
            src += 1;
        }
        buf[out] = s;
        out += 1;
    }
    out
}

/// The result of [`unescape_colons_and_at_signs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unescaped {
    /// The length of the unescaped string.
    pub len: usize,
    /// Offset of the first `:` that was not escaped, in the unescaped string.
    pub first_colon: Option<usize>,
    /// Offset of the first `@` that was not escaped, in the unescaped string.
    pub first_at_sign: Option<usize>,
}

/// Unescapes `\:`, `\@` and `\\` in place and finds the first unescaped
/// `:` and `@` (`dm_unescape_colons_and_at_signs`, used for device names
/// given as PVs).
pub fn unescape_colons_and_at_signs(buf: &mut [u8]) -> Unescaped {
    const SPECIAL: [u8; 2] = [b':', b'@'];
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let mut first = [None, None];
    let (mut src, mut out) = (0, 0);
    while src < len {
        let mut s = buf[src];
        src += 1;
        for (i, &c) in SPECIAL.iter().enumerate() {
            if s == b'\\' && src < len && (buf[src] == c || buf[src] == b'\\') {
                s = buf[src];
                src += 1;
                break;
            }
            if s == c && first[i].is_none() {
                first[i] = Some(out);
            }
        }
        buf[out] = s;
        out += 1;
    }
    Unescaped { len: out, first_colon: first[0], first_at_sign: first[1] }
}

fn push_quoting_hyphens(out: &mut Vec<u8>, s: &[u8]) {
    for &b in s {
        if b == b'-' {
            out.push(b'-');
        }
        out.push(b);
    }
}

/// `<vg>-<lv>[-<layer>]` with each `-` inside a part doubled
/// (`dm_build_dm_name`). No `-` separates a layer that starts with `_`
/// (`_mlog`, `_mimage_0` ...); an empty layer is no layer.
pub fn build_dm_name(vg: &[u8], lv: &[u8], layer: Option<&[u8]>) -> Vec<u8> {
    let layer = layer.unwrap_or(b"");
    let mut out = Vec::with_capacity(vg.len() + lv.len() + layer.len() + 8);
    push_quoting_hyphens(&mut out, vg);
    out.push(b'-');
    push_quoting_hyphens(&mut out, lv);
    if !layer.is_empty() {
        if layer[0] != b'_' {
            out.push(b'-');
        }
        push_quoting_hyphens(&mut out, layer);
    }
    out
}

/// `<prefix><lvid>[-<layer>]`, nothing quoted (`dm_build_dm_uuid`).
pub fn build_dm_uuid(prefix: &[u8], lvid: &[u8], layer: Option<&[u8]>) -> Vec<u8> {
    let layer = layer.unwrap_or(b"");
    let mut out = Vec::with_capacity(prefix.len() + lvid.len() + layer.len() + 1);
    out.extend_from_slice(prefix);
    out.extend_from_slice(lvid);
    if !layer.is_empty() {
        out.push(b'-');
        out.extend_from_slice(layer);
    }
    out
}

/// The smallest buffer size `dm_format_dev` accepts at all.
pub const FORMAT_DEV_MIN_BUFSIZE: usize = 8;

/// `major:minor`, the form the kernel takes in tables.
pub fn format_dev(major: u32, minor: u32) -> String {
    format!("{major}:{minor}")
}

/// Writes `text` and a NUL at the start of `buf`, cut to fit as snprintf
/// does; whether it all fitted. `buf` must not be empty.
pub fn write_cut(buf: &mut [u8], text: &[u8]) -> bool {
    let len = text.len().min(buf.len() - 1);
    buf[..len].copy_from_slice(&text[..len]);
    buf[len] = 0;
    len == text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_cut_cuts_as_snprintf() {
        let mut buf = [0xffu8; 4];
        assert!(write_cut(&mut buf, b"abc"));
        assert_eq!(&buf, b"abc\0");
        assert!(!write_cut(&mut buf, b"abcd"));
        assert_eq!(&buf, b"abc\0");
        assert!(!write_cut(&mut buf[..1], b"x"));
        assert_eq!(buf[0], 0);
    }

    fn words(s: &str, max: usize) -> (Vec<String>, Vec<u8>) {
        let mut buf = s.as_bytes().to_vec();
        buf.push(0);
        let starts = split_words(&mut buf, max);
        let w = starts
            .iter()
            .map(|&i| {
                let len = buf[i..].iter().position(|&b| b == 0).unwrap();
                String::from_utf8(buf[i..i + len].to_vec()).unwrap()
            })
            .collect();
        (w, buf)
    }

    #[test]
    fn split_words_on_any_c_space() {
        assert_eq!(words("  lead\ttrail \n", 8).0, ["lead", "trail"]);
        assert_eq!(words("a\x0bb\x0cc\rd", 8).0, ["a", "b", "c", "d"]);
        assert!(words("", 8).0.is_empty());
        assert!(words(" \t ", 8).0.is_empty());
    }

    #[test]
    fn split_words_stops_at_max_and_terminates_the_last_word() {
        let (w, buf) = words("a b  c", 2);
        assert_eq!(w, ["a", "b"]);
        assert_eq!(buf, b"a\0b\0 c\0");
        let (w, buf) = words("a b", 0);
        assert!(w.is_empty());
        assert_eq!(buf, b"a b\0");
    }

    #[test]
    fn split_words_has_no_quotes_or_comments() {
        assert_eq!(words("\"quoted word\" # c", 8).0, ["\"quoted", "word\"", "#", "c"]);
        assert_eq!(words("x\\ y", 8).0, ["x\\", "y"]);
    }

    #[test]
    fn split_words_without_a_terminator_in_the_slice() {
        let mut buf = *b"ab cd";
        assert_eq!(split_words(&mut buf, 4), [0, 3]);
        assert_eq!(&buf, b"ab\0cd");
    }

    fn lvm(name: &str) -> (String, String, String) {
        let n = split_lvm_name(name.as_bytes());
        let s = |v: Vec<u8>| String::from_utf8(v).unwrap();
        (s(n.vg), s(n.lv), s(n.layer))
    }

    #[test]
    fn split_lvm_name_parts_and_quoted_hyphens() {
        let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(lvm("vg-lv"), t("vg", "lv", ""));
        assert_eq!(lvm("vg-lv-layer"), t("vg", "lv", "layer"));
        assert_eq!(lvm("vg--x-lv"), t("vg-x", "lv", ""));
        assert_eq!(lvm("x----y-z"), t("x--y", "z", ""));
        assert_eq!(lvm("vg---lv"), t("vg-", "lv", ""));
        assert_eq!(lvm("vg-lv-l-extra"), t("vg", "lv", "l"));
        assert_eq!(lvm("vg"), t("vg", "", ""));
        assert_eq!(lvm(""), t("", "", ""));
    }

    #[test]
    fn split_lvm_name_keeps_a_trailing_hyphen() {
        let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(lvm("vg-"), t("vg-", "", ""));
        assert_eq!(lvm("-"), t("-", "", ""));
        assert_eq!(lvm("--"), t("-", "", ""));
        assert_eq!(lvm("---"), t("--", "", ""));
        assert_eq!(lvm("-lv"), t("", "lv", ""));
        assert_eq!(lvm("a-b--"), t("a", "b-", ""));
    }

    #[test]
    fn split_lvm_name_in_place_offsets() {
        let mut buf = b"vg-lv-layer\0".to_vec();
        let off = split_lvm_name_in_place(&mut buf);
        assert_eq!(off, LvmNameOffsets { vg: 0, lv: 3, layer: 6 });
        assert_eq!(buf, b"vg\0lv\0layer\0");
    }

    #[test]
    fn build_name_quotes_hyphens_and_skips_the_hyphen_before_underscore() {
        assert_eq!(build_dm_name(b"vg", b"lv", None), b"vg-lv");
        assert_eq!(build_dm_name(b"vg", b"lv", Some(b"")), b"vg-lv");
        assert_eq!(build_dm_name(b"v-g", b"l-v", Some(b"la-yer")), b"v--g-l--v-la--yer");
        assert_eq!(build_dm_name(b"vg", b"lv", Some(b"_mlog")), b"vg-lv_mlog");
        assert_eq!(build_dm_name(b"", b"", Some(b"-x")), b"----x");
        // What it builds, split_lvm_name takes apart again.
        let n = split_lvm_name(&build_dm_name(b"a-b", b"c--d", Some(b"e-f")));
        assert_eq!((n.vg, n.lv), (b"a-b".to_vec(), b"c--d".to_vec()));
        assert_eq!(n.layer, b"e-f");
    }

    #[test]
    fn build_uuid_joins_without_quoting() {
        assert_eq!(build_dm_uuid(b"LVM-", b"abc", None), b"LVM-abc");
        assert_eq!(build_dm_uuid(b"LVM-", b"abc", Some(b"")), b"LVM-abc");
        assert_eq!(build_dm_uuid(b"LVM-", b"a-c", Some(b"_mlog")), b"LVM-a-c-_mlog");
    }

    #[test]
    fn escaping_double_quotes_and_backslashes() {
        assert_eq!(escape_double_quotes(br#"a"b\c"#), br#"a\"b\\c"#);
        assert_eq!(escaped_len(br#"a"b\c"#), 8);
        assert_eq!(escaped_len(b""), 1);
        for s in [&b"plain"[..], br#"\""#, br#"x\y\"#, br#"\\\""#, b""] {
            let mut e = escape_double_quotes(s);
            assert_eq!(e.len() + 1, escaped_len(s));
            let len = unescape_double_quotes(&mut e);
            assert_eq!(&e[..len], s, "round trip of {s:?}");
        }
    }

    #[test]
    fn unescaping_double_quotes_leaves_other_backslashes() {
        let un = |s: &[u8]| {
            let mut b = s.to_vec();
            let n = unescape_double_quotes(&mut b);
            b.truncate(n);
            b
        };
        assert_eq!(un(br#"\a\b"#), br#"\a\b"#);
        assert_eq!(un(br#"tr\"#), br#"tr\"#);
        assert_eq!(un(br#"\\\""#), br#"\""#);
    }

    #[test]
    fn unescaping_colons_and_at_signs() {
        let un = |s: &[u8]| {
            let mut b = s.to_vec();
            let r = unescape_colons_and_at_signs(&mut b);
            (b[..r.len].to_vec(), r.first_colon, r.first_at_sign)
        };
        assert_eq!(un(b"a:b@c"), (b"a:b@c".to_vec(), Some(1), Some(3)));
        assert_eq!(un(br"\@x:y\:z@w"), (b"@x:y:z@w".to_vec(), Some(2), Some(6)));
        assert_eq!(un(br"\\:"), (br"\:".to_vec(), Some(1), None));
        assert_eq!(un(br"\\\:"), (br"\:".to_vec(), None, None));
        assert_eq!(un(br"a\\@"), (br"a\@".to_vec(), None, Some(2)));
        assert_eq!(un(br"a\b\"), (br"a\b\".to_vec(), None, None));
    }

    #[test]
    fn counting_and_formatting() {
        assert_eq!(count_chars(b"a-b--c", b'-'), 3);
        assert_eq!(count_chars(b"", b'-'), 0);
        assert_eq!(format_dev(253, 0), "253:0");
        assert_eq!(format_dev(u32::MAX, u32::MAX), "4294967295:4294967295");
    }
}
