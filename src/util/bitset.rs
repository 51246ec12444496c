//! Bitsets in libdm's memory layout, and the list parser of
//! `dm_bitset_parse_list`.
//!
//! The layout is the one the header's macros (`dm_bit`, `dm_bit_set`,
//! `dm_bit_set_all`, ...) assume: word 0 holds the number of bits `n`, then
//! `n / 32 + 1` words of bits follow, bit `i` in word `i / 32 + 1` at
//! position `i % 32`. (There is always one word more than `n` needs, as in
//! libdm.) [`Bitset`] owns such an array; the `words_*` functions work on
//! any slice in that layout, which is how the C entry points use them.

use std::fmt;

/// Bits per word of the layout (`DM_BITS_PER_INT`).
pub const BITS_PER_WORD: u32 = 32;

/// Number of `u32` elements of a bitset of `num_bits` bits, the count word
/// included (`num_bits / 32 + 2`, as libdm allocates).
pub fn layout_len(num_bits: u32) -> usize {
    (num_bits / BITS_PER_WORD) as usize + 2
}

/// Number of bit words (without the count word) that word 0 of `words`
/// announces: `words[0] / 32 + 1`.
fn announced_words(words: &[u32]) -> usize {
    words.first().map_or(0, |&n| (n / BITS_PER_WORD) as usize + 1)
}

fn word(words: &[u32], index: usize) -> u32 {
    words.get(index).copied().unwrap_or(0)
}

/// libdm's `dm_bitset_equal`: compares the bit words that `a`'s count
/// announces (word 0 itself is not compared). A word missing from `b` counts
/// as zero.
pub fn words_equal(a: &[u32], b: &[u32]) -> bool {
    (1..=announced_words(a).min(a.len().saturating_sub(1))).all(|i| word(a, i) == word(b, i))
}

/// libdm's `dm_bit_and` / `dm_bit_union`: `out[i] = op(a[i], b[i])` for the
/// bit words that `a`'s count announces. Missing words of `b` count as zero;
/// words beyond the end of `out` are not written.
pub fn words_combine(out: &mut [u32], a: &[u32], b: &[u32], op: impl Fn(u32, u32) -> u32) {
    let n = announced_words(a).min(a.len().saturating_sub(1));
    for (i, o) in out.iter_mut().enumerate().take(n + 1).skip(1) {
        *o = op(word(a, i), word(b, i));
    }
}

/// libdm's `dm_bit_get_next`: the lowest set bit after `last_bit` and below
/// the bitset's size, or -1.
pub fn words_next(words: &[u32], last_bit: i32) -> i32 {
    let size = word(words, 0) as i32; // libdm compares with (int) bs[0]
    let mut bit = last_bit.saturating_add(1).max(0);
    while bit < size {
        let w = (bit / 32) as usize;
        let Some(&value) = words.get(w + 1) else { return -1 };
        let shifted = value >> (bit % 32);
        if shifted != 0 {
            return bit + shifted.trailing_zeros() as i32;
        }
        bit = (bit - bit % 32).saturating_add(32);
    }
    -1
}

/// libdm's `dm_bit_get_prev`: the highest set bit before `last_bit`, or -1.
/// As in libdm the search starts in whatever word holds `last_bit - 1`, so
/// bits of the last word beyond the size (set by `dm_bit_set_all`) are seen;
/// a start beyond the array begins at its last bit instead of reading past
/// it.
pub fn words_prev(words: &[u32], last_bit: i32) -> i32 {
    let bit_words = words.len().saturating_sub(1);
    let limit = (bit_words as i64 * 32 - 1).min(i32::MAX as i64) as i32;
    let mut bit = last_bit.saturating_sub(1).min(limit);
    while bit >= 0 {
        let w = (bit / 32) as usize;
        let value = word(words, w + 1);
        let shifted = value << (31 - bit % 32);
        if shifted != 0 {
            return bit - shifted.leading_zeros() as i32;
        }
        bit = (bit & !31) - 1;
    }
    -1
}

/// libdm's `dm_bit_get_first`.
pub fn words_first(words: &[u32]) -> i32 {
    words_next(words, -1)
}

/// libdm's `dm_bit_get_last`: `dm_bit_get_prev(bs, bs[0] + 1)`.
pub fn words_last(words: &[u32]) -> i32 {
    let start = (word(words, 0) as i64 + 1).min(i32::MAX as i64) as i32;
    words_prev(words, start)
}

/// An owned bitset in libdm's layout.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitset {
    words: Vec<u32>,
}

impl Bitset {
    /// An empty bitset able to hold `num_bits` bits.
    pub fn new(num_bits: u32) -> Bitset {
        let mut words = vec![0; layout_len(num_bits)];
        words[0] = num_bits;
        Bitset { words }
    }

    /// The number of bits it holds (word 0).
    pub fn num_bits(&self) -> u32 {
        self.words[0]
    }

    /// The whole array in libdm's layout, count word first.
    pub fn as_words(&self) -> &[u32] {
        &self.words
    }

    fn index(i: u32) -> (usize, u32) {
        ((i / BITS_PER_WORD) as usize + 1, 1 << (i % BITS_PER_WORD))
    }

    /// Whether bit `i` is set (false beyond the array).
    pub fn get(&self, i: u32) -> bool {
        let (w, mask) = Self::index(i);
        self.words.get(w).is_some_and(|v| v & mask != 0)
    }

    /// Sets bit `i`; returns false (and changes nothing) when `i` is beyond
    /// the array.
    pub fn set(&mut self, i: u32) -> bool {
        let (w, mask) = Self::index(i);
        match self.words.get_mut(w) {
            Some(v) => {
                *v |= mask;
                true
            }
            None => false,
        }
    }

    /// Clears bit `i`.
    pub fn clear(&mut self, i: u32) {
        let (w, mask) = Self::index(i);
        if let Some(v) = self.words.get_mut(w) {
            *v &= !mask;
        }
    }

    /// Clears every bit.
    pub fn clear_all(&mut self) {
        self.words[1..].iter_mut().for_each(|w| *w = 0);
    }

    /// The lowest set bit.
    pub fn first(&self) -> Option<u32> {
        u32::try_from(words_first(&self.words)).ok()
    }

    /// The lowest set bit after `bit`.
    pub fn next(&self, bit: u32) -> Option<u32> {
        u32::try_from(words_next(&self.words, i32::try_from(bit).ok()?)).ok()
    }

    /// The highest set bit below the size.
    pub fn last(&self) -> Option<u32> {
        let size = i32::try_from(self.num_bits()).unwrap_or(i32::MAX);
        u32::try_from(words_prev(&self.words, size)).ok()
    }

    /// The highest set bit before `bit`.
    pub fn prev(&self, bit: u32) -> Option<u32> {
        u32::try_from(words_prev(&self.words, i32::try_from(bit).unwrap_or(i32::MAX))).ok()
    }

    /// The set bits in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(self.first(), |&b| self.next(b))
    }

    /// Number of set bits.
    pub fn count(&self) -> u32 {
        self.words[1..].iter().map(|w| w.count_ones()).sum()
    }

    /// Keeps only the bits also set in `other` (`dm_bit_and`).
    pub fn and_with(&mut self, other: &Bitset) {
        let a = self.words.clone();
        words_combine(&mut self.words, &a, &other.words, |x, y| x & y);
    }

    /// Adds the bits set in `other` (`dm_bit_union`).
    pub fn union_with(&mut self, other: &Bitset) {
        let a = self.words.clone();
        words_combine(&mut self.words, &a, &other.words, |x, y| x | y);
    }

    /// Whether the same bits are set, in libdm's sense (`dm_bitset_equal`).
    pub fn same_bits(&self, other: &Bitset) -> bool {
        words_equal(&self.words, &other.words)
    }

    /// Parses a list such as `"1,3-5, 8"` (see [`parse_list`]).
    pub fn parse_list(text: &[u8], min_num_bits: usize) -> Result<Bitset, ParseError> {
        parse_list(text, min_num_bits)
    }
}

impl fmt::Debug for Bitset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bitset({} bits: ", self.num_bits())?;
        f.debug_list().entries(self.iter()).finish()?;
        write!(f, ")")
    }
}

/// Why a list did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// A character other than digits, `-`, `,` and white space, at this byte
    /// offset.
    BadCharacter(usize),
    /// White space between the digits of one value or range, at this offset.
    InnerSpace(usize),
    /// A `-` with no number before it, a second `-`, or none after it.
    BadRange(usize),
    /// A range whose start is above its end.
    Descending(u32, u32),
    /// A number too large for a bitset.
    TooLarge(usize),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::BadCharacter(at) => write!(f, "unexpected character at offset {at}"),
            ParseError::InnerSpace(at) => write!(f, "white space inside a number or range at offset {at}"),
            ParseError::BadRange(at) => write!(f, "malformed range at offset {at}"),
            ParseError::Descending(a, b) => write!(f, "range {a}-{b} is descending"),
            ParseError::TooLarge(at) => write!(f, "number too large at offset {at}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// The largest bit number a list may name. Beyond it libdm's unsigned
/// arithmetic wraps (and writes past the array); here the list is refused.
pub const MAX_LIST_BIT: u32 = i32::MAX as u32 - 1;

/// C's `isspace` in the C locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Parses the kernel's bitmap list notation as `dm_bitset_parse_list` does:
/// comma-separated values (`5`) and inclusive ranges (`2-7`); white space is
/// allowed around a value or range but not inside one; empty items (`1,,2`,
/// a trailing comma) are skipped. The bitset is sized to hold the highest
/// bit named, or `min_num_bits` when that is larger (`""` gives an empty set
/// of `min_num_bits` bits). A NUL byte ends the list.
pub fn parse_list(text: &[u8], min_num_bits: usize) -> Result<Bitset, ParseError> {
    let text = match text.iter().position(|&c| c == 0) {
        Some(end) => &text[..end],
        None => text,
    };
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let mut pos = 0;
    let mut prev_c: u8 = 0;
    let mut size: u64 = 0;
    loop {
        // One item: a value or a range, up to a ',' or the end.
        let mut digits = 0usize;
        let mut in_range = false;
        let mut at_start = true;
        let (mut a, mut b) = (0u64, 0u64);
        let mut ended_by_comma = false;
        while pos < text.len() {
            let c = text[pos];
            let old = prev_c;
            prev_c = c;
            pos += 1;
            if is_space(c) {
                continue;
            }
            if c == b',' {
                ended_by_comma = true;
                break;
            }
            if digits != 0 && is_space(old) {
                return Err(ParseError::InnerSpace(pos - 1));
            }
            if c == b'-' {
                if at_start || in_range {
                    return Err(ParseError::BadRange(pos - 1));
                }
                in_range = true;
                at_start = true;
                b = 0;
                continue;
            }
            if !c.is_ascii_digit() {
                return Err(ParseError::BadCharacter(pos - 1));
            }
            b = b * 10 + u64::from(c - b'0');
            if b > u64::from(MAX_LIST_BIT) {
                return Err(ParseError::TooLarge(pos - 1));
            }
            if !in_range {
                a = b;
            }
            at_start = false;
            digits += 1;
        }
        if digits != 0 {
            if at_start && in_range {
                return Err(ParseError::BadRange(pos.saturating_sub(1)));
            }
            if a > b {
                return Err(ParseError::Descending(a as u32, b as u32));
            }
            size = size.max(b + 1);
            ranges.push((a as u32, b as u32));
        }
        if !(ended_by_comma && pos < text.len()) {
            break;
        }
    }
    let min = u64::try_from(min_num_bits).unwrap_or(u64::MAX);
    if min_num_bits != 0 && size < min {
        size = min;
    }
    let size = u32::try_from(size).map_err(|_| ParseError::TooLarge(0))?;
    let mut set = Bitset::new(size);
    for (a, b) in ranges {
        for bit in a..=b {
            set.set(bit);
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(s: &str) -> Vec<u32> {
        parse_list(s.as_bytes(), 0).unwrap().iter().collect()
    }

    #[test]
    fn layout_matches_the_header_macros() {
        let mut b = Bitset::new(64);
        assert_eq!(b.as_words().len(), 4);
        assert_eq!(b.as_words()[0], 64);
        b.set(33);
        assert_eq!(b.as_words()[2], 2);
        assert!(b.get(33) && !b.get(32));
        b.clear(33);
        assert!(!b.get(33));
        assert_eq!(Bitset::new(0).as_words(), &[0, 0]);
        assert_eq!(layout_len(31), 2);
        assert_eq!(layout_len(32), 3);
    }

    #[test]
    fn first_next_last_prev() {
        let mut b = Bitset::new(100);
        assert_eq!(b.first(), None);
        assert_eq!(b.last(), None);
        for i in [0, 31, 32, 63, 64, 99] {
            b.set(i);
        }
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![0, 31, 32, 63, 64, 99]);
        assert_eq!(b.last(), Some(99));
        assert_eq!(b.prev(99), Some(64));
        assert_eq!(b.prev(32), Some(31));
        assert_eq!(b.prev(0), None);
        assert_eq!(b.next(99), None);
        assert_eq!(b.count(), 6);
        assert_eq!(words_next(b.as_words(), -5), 0);
        assert_eq!(words_prev(b.as_words(), i32::MAX), 99);
    }

    #[test]
    fn next_stops_at_the_size_but_last_sees_the_spare_word() {
        // dm_bit_set_all sets every bit of every word, also beyond the size.
        let mut w = Bitset::new(10).as_words().to_vec();
        w[1] = u32::MAX;
        assert_eq!(words_next(&w, 8), 9);
        assert_eq!(words_next(&w, 9), -1);
        // As libdm: get_last starts at bit n, which lies in the array.
        assert_eq!(words_last(&w), 10);
    }

    #[test]
    fn and_union_equal() {
        let mut a = parse_list(b"1-5,40", 64).unwrap();
        let b = parse_list(b"4-8", 64).unwrap();
        let mut u = a.clone();
        u.union_with(&b);
        assert_eq!(u.iter().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6, 7, 8, 40]);
        a.and_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![4, 5]);
        assert!(a.same_bits(&parse_list(b"4,5", 64).unwrap()));
        assert!(!a.same_bits(&b));
        // Shorter second operand: its missing words count as zero.
        let short = Bitset::new(4);
        let mut out = vec![0u32; 4];
        words_combine(&mut out, u.as_words(), short.as_words(), |x, y| x | y);
        assert_eq!(&out[1..], &u.as_words()[1..]);
        let mut tiny = vec![0u32; 2];
        words_combine(&mut tiny, u.as_words(), u.as_words(), |x, y| x | y);
        assert_eq!(tiny[1], u.as_words()[1]);
    }

    #[test]
    fn parse_lists_and_ranges() {
        assert_eq!(bits("1,2,3"), vec![1, 2, 3]);
        assert_eq!(bits("0-3,8"), vec![0, 1, 2, 3, 8]);
        assert_eq!(bits(" 1 , 2-3 ,"), vec![1, 2, 3]);
        assert_eq!(bits("1,,2"), vec![1, 2]);
        assert_eq!(bits("5-5"), vec![5]);
        assert_eq!(parse_list(b"", 0).unwrap().num_bits(), 0);
        assert_eq!(parse_list(b"", 7).unwrap().num_bits(), 7);
        assert_eq!(parse_list(b"9", 0).unwrap().num_bits(), 10);
        assert_eq!(parse_list(b"9", 5).unwrap().num_bits(), 10);
        assert_eq!(parse_list(b"9", 500).unwrap().num_bits(), 500);
        assert_eq!(bits("3\0,5"), vec![3]);
    }

    #[test]
    fn parse_refuses_malformed_lists() {
        for bad in ["-1", "1-", "1--2", "1-2-3", "3-1", "a", "1 2", "1 -2", "1- 2", "1,x", "1.5", "99999999999"] {
            assert!(parse_list(bad.as_bytes(), 0).is_err(), "{bad:?} parsed");
        }
        assert_eq!(parse_list(b"3-1", 0), Err(ParseError::Descending(3, 1)));
        assert!(parse_list(format!("{}", MAX_LIST_BIT + 1).as_bytes(), 0).is_err());
    }
}
