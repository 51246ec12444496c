//! Latency histograms: bounds given by a user ("10ms,20ms,1s"), the
//! kernel's `histogram:` argument, the counts of a `@stats_print` row, and
//! the text libdm makes of them (`dm_histogram_to_string`).

use super::StatsError;

/// Nanoseconds per microsecond.
pub const NSEC_PER_USEC: u64 = 1_000;
/// Nanoseconds per millisecond.
pub const NSEC_PER_MSEC: u64 = 1_000_000;
/// Nanoseconds per second.
pub const NSEC_PER_SEC: u64 = 1_000_000_000;

/// `DM_HISTOGRAM_SUFFIX`: bounds with ns/us/ms/s suffixes.
pub const SUFFIX: i32 = 0x1;
/// `DM_HISTOGRAM_VALUES`: bin counts.
pub const VALUES: i32 = 0x2;
/// `DM_HISTOGRAM_PERCENT`: bin counts as percentages of the sum.
pub const PERCENT: i32 = 0x4;
/// `DM_HISTOGRAM_BOUNDS_LOWER`: each bin's lower bound.
pub const BOUNDS_LOWER: i32 = 0x10;
/// `DM_HISTOGRAM_BOUNDS_UPPER`: each bin's upper bound.
pub const BOUNDS_UPPER: i32 = 0x20;
/// `DM_HISTOGRAM_BOUNDS_RANGE`: "lower-upper".
pub const BOUNDS_RANGE: i32 = 0x30;
const BOUNDS_MASK: i32 = 0x30;

/// Default widths of `dm_histogram_to_string` columns.
const BOUND_WIDTH_NOSUFFIX: i32 = 10;
const BOUND_WIDTH: i32 = 6;
const COUNT_WIDTH: i32 = 6;
const PERCENT_WIDTH: i32 = 6;

/// One bin: its upper bound (ns; `u64::MAX` for the last bin of a region's
/// histogram) and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bin {
    /// Upper bound in nanoseconds.
    pub upper: u64,
    /// Number of I/Os in the bin.
    pub count: u64,
}

/// A histogram: bins in increasing order of their upper bound, and the sum
/// of their counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Histogram {
    /// The bins.
    pub bins: Vec<Bin>,
    /// Sum of the counts.
    pub sum: u64,
}

impl Histogram {
    /// Bounds from a list of nanosecond values (`dm_histogram_bounds_from_uint64`:
    /// the list ends at its first zero, and may not be empty).
    pub fn from_bounds(bounds: &[u64]) -> Result<Histogram, StatsError> {
        let end = bounds.iter().position(|&b| b == 0).unwrap_or(bounds.len());
        if end == 0 {
            return Err(StatsError::Invalid("Could not parse empty histogram bounds array".into()));
        }
        Ok(Histogram { bins: bounds[..end].iter().map(|&upper| Bin { upper, count: 0 }).collect(), sum: 0 })
    }

    /// Parses user bounds as `dm_histogram_bounds_from_string` does: numbers
    /// separated by commas, each with an optional `ns`, `us`, `ms` or `s`
    /// suffix; a suffix stays in force for the numbers after it until another
    /// one is given. A trailing comma leaves a zero bound (which
    /// [`Histogram::kernel_arg`] then refuses, as libdm does).
    pub fn parse_bounds(text: &str) -> Result<Histogram, StatsError> {
        let s = text.as_bytes();
        let nr = 1 + s.iter().filter(|&&c| c == b',').count();
        let mut bins = vec![Bin::default(); nr];
        let bad = |c: u8| StatsError::Invalid(format!("Invalid character in histogram: {}", c as char));
        let at = |i: usize| s.get(i).copied().unwrap_or(0);
        let mut i = 0;
        let mut mult = 1u64;
        let mut n = 0;
        loop {
            let c = at(i);
            if !b"0123456789,muns".contains(&c) || c == 0 {
                return Err(bad(c));
            }
            if c == b',' {
                return Err(StatsError::Invalid(format!("Empty histogram bin not allowed: {text}")));
            }
            // strtoull's rule: saturating.
            let digits = crate::util::num::Digits::read(s.get(i..).unwrap_or_default(), 10);
            let value = digits.saturating();
            i += digits.len;
            if at(i) == b's' {
                mult = NSEC_PER_SEC;
                i += 1;
            } else if at(i) != 0 && at(i + 1) == b's' {
                mult = match at(i) {
                    b'm' => NSEC_PER_MSEC,
                    b'u' => NSEC_PER_USEC,
                    b'n' => 1,
                    c => return Err(bad(c)),
                };
                i += 2;
            } else if at(i) == b',' {
                i += 1;
            } else if at(i) != 0 {
                return Err(bad(at(i)));
            }
            if at(i) == b',' {
                i += 1;
            }
            if let Some(bin) = bins.get_mut(n) {
                bin.upper = value.saturating_mul(mult);
            }
            n += 1;
            if at(i) == 0 {
                break;
            }
        }
        Ok(Histogram { bins, sum: 0 })
    }

    /// The region's bounds as the kernel reports them in `@stats_list`
    /// (`histogram:10,20,300`, in the region's time unit): the given bounds
    /// and a last, unbounded bin.
    pub fn from_kernel_spec(spec: &str, timescale: u64) -> Result<Histogram, StatsError> {
        let mut bins = Vec::new();
        for word in spec.split(',') {
            let value: u64 = word
                .parse()
                .map_err(|_| StatsError::Parse(format!("Invalid histogram description: {spec}")))?;
            bins.push(Bin { upper: value.saturating_mul(timescale), count: 0 });
        }
        bins.push(Bin { upper: u64::MAX, count: 0 });
        Ok(Histogram { bins, sum: 0 })
    }

    /// This region's histogram filled with the counts of a `@stats_print`
    /// row ("n1:n2:...").
    pub fn with_counts(&self, counts: &str) -> Result<Histogram, StatsError> {
        let mut h = self.clone();
        let values: Vec<&str> = counts.split(':').collect();
        if values.len() != h.bins.len() {
            return Err(StatsError::Parse(format!(
                "Histogram data has {} bins, the region {}: {counts}",
                values.len(),
                h.bins.len()
            )));
        }
        h.sum = 0;
        for (bin, v) in h.bins.iter_mut().zip(values) {
            bin.count = v
                .parse()
                .map_err(|_| StatsError::Parse(format!("Invalid histogram data: {counts}")))?;
            h.sum = h.sum.saturating_add(bin.count);
        }
        Ok(h)
    }

    /// The `histogram:` argument of `@stats_create` (without the prefix).
    /// Bounds must not decrease; any bound that is not a whole number of
    /// milliseconds turns `precise` on, and the values are then sent in
    /// nanoseconds, otherwise in milliseconds.
    pub fn kernel_arg(&self, precise: &mut bool) -> Result<String, StatsError> {
        if self.bins.is_empty() {
            return Err(StatsError::Invalid("Cannot format empty histogram description.".into()));
        }
        if self.bins.windows(2).any(|w| w[1].upper < w[0].upper) {
            return Err(StatsError::Invalid("Histogram boundaries must be in order of increasing magnitude.".into()));
        }
        if self.bins.iter().any(|b| b.upper % NSEC_PER_MSEC != 0) {
            *precise = true;
        }
        let scale = if *precise { 1 } else { NSEC_PER_MSEC };
        Ok(self.bins.iter().map(|b| (b.upper / scale).to_string()).collect::<Vec<_>>().join(","))
    }

    /// Number of bins.
    pub fn nr_bins(&self) -> usize {
        self.bins.len()
    }

    /// Lower bound of `bin` (the previous bin's upper bound, 0 for the first).
    pub fn bin_lower(&self, bin: usize) -> u64 {
        if bin == 0 {
            0
        } else {
            self.bins.get(bin - 1).map_or(0, |b| b.upper)
        }
    }

    /// Upper bound of `bin`.
    pub fn bin_upper(&self, bin: usize) -> u64 {
        self.bins.get(bin).map_or(0, |b| b.upper)
    }

    /// Width of `bin`.
    pub fn bin_width(&self, bin: usize) -> u64 {
        self.bin_upper(bin).wrapping_sub(self.bin_lower(bin))
    }

    /// Count of `bin`.
    pub fn bin_count(&self, bin: usize) -> u64 {
        self.bins.get(bin).map_or(0, |b| b.count)
    }

    /// Count of `bin` as a `dm_percent_t` of the sum.
    pub fn bin_percent(&self, bin: usize) -> i32 {
        let (value, width) = (self.bin_count(bin), self.bin_width(bin));
        if self.sum == 0 || value == 0 || width == 0 {
            return 0;
        }
        crate::util::units::make_percent(value, self.sum)
    }

    /// `dm_histogram_to_string`: one bin (`bin >= 0`) or all of them, with
    /// bounds, counts or percentages as `flags` ask, padded to `width`
    /// (0: the default widths; negative: no padding).
    pub fn to_text(&self, bin: i32, width: i32, flags: i32) -> String {
        let bounds = flags & BOUNDS_MASK;
        let values = flags & VALUES != 0;
        let (start, last) = if bin < 0 { (0i64, self.bins.len() as i64 - 1) } else { (bin as i64, bin as i64) };
        let minwidth = if width < 0 || !values {
            0
        } else if width != 0 {
            width
        } else if flags & PERCENT != 0 {
            PERCENT_WIDTH
        } else {
            COUNT_WIDTH
        };
        let mut width = minwidth;
        let mut sep = if values && width == 0 { ":" } else { "" };
        let mut bounds_text = String::new();
        let mut out = String::new();
        let mut b = start;
        while b <= last {
            let i = b as usize;
            if bounds != 0 {
                let default_width = if flags & SUFFIX == 0 { BOUND_WIDTH_NOSUFFIX } else { BOUND_WIDTH };
                let bounds_width = if width == 0 { 0 } else { default_width };
                bounds_text = bounds_string(self.bin_lower(i), self.bin_upper(i), flags, bounds_width);
                sep = if width != 0 || !values { "," } else { ":" };
                if width != 0 {
                    width -= bounds_text.len() as i32 - (bounds_width + 1);
                }
                width = width.max(0);
            }
            if b == last {
                sep = "";
            }
            let w = width as usize;
            if flags & PERCENT != 0 {
                let value = crate::util::units::percent_to_float(self.bin_percent(i));
                out.push_str(&format!("{bounds_text}{:>w$.2}%{sep}", f64::from(value)));
            } else if values {
                out.push_str(&format!("{bounds_text}{:>w$}{sep}", self.bin_count(i)));
            } else if bounds != 0 {
                out.push_str(&format!("{bounds_text}{sep}"));
            }
            width = minwidth;
            b += 1;
        }
        out
    }
}

/// A nanosecond value in the largest unit that divides it.
fn with_suffix(value: u64) -> (u64, &'static str) {
    if value.is_multiple_of(NSEC_PER_SEC) {
        (value / NSEC_PER_SEC, "s")
    } else if value.is_multiple_of(NSEC_PER_MSEC) {
        (value / NSEC_PER_MSEC, "ms")
    } else if value.is_multiple_of(NSEC_PER_USEC) {
        (value / NSEC_PER_USEC, "us")
    } else {
        (value, "ns")
    }
}

/// The bounds part of one bin's text.
fn bounds_string(lower: u64, upper: u64, flags: i32, width: i32) -> String {
    let mut bounds = flags & BOUNDS_MASK;
    let ((lower, l_suff), (upper_shown, u_suff)) =
        if flags & SUFFIX != 0 { (with_suffix(lower), with_suffix(upper)) } else { ((lower, ""), (upper, "")) };
    let sep = if flags & VALUES != 0 { ":" } else { "" };
    let bound = if bounds > BOUNDS_LOWER {
        if upper == u64::MAX {
            bounds = BOUNDS_UPPER;
            format!(">{lower}{l_suff}")
        } else {
            format!("{upper_shown}{u_suff}")
        }
    } else {
        format!("{lower}{l_suff}")
    };
    let w = width.max(0) as usize;
    match bounds {
        BOUNDS_LOWER | BOUNDS_UPPER => format!("{bound:>w$}{sep}"),
        _ => format!("{lower}{l_suff}-{bound}{sep}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uppers(h: &Histogram) -> Vec<u64> {
        h.bins.iter().map(|b| b.upper).collect()
    }

    #[test]
    fn bounds_with_suffixes_are_nanoseconds() {
        let h = Histogram::parse_bounds("10ns,20us,30ms,2s").unwrap();
        assert_eq!(uppers(&h), vec![10, 20_000, 30_000_000, 2_000_000_000]);
    }

    #[test]
    fn a_suffix_stays_in_force_for_later_bounds() {
        let h = Histogram::parse_bounds("1ms,2,3").unwrap();
        assert_eq!(uppers(&h), vec![1_000_000, 2_000_000, 3_000_000]);
    }

    #[test]
    fn bounds_without_suffix_are_nanoseconds() {
        assert_eq!(uppers(&Histogram::parse_bounds("5,7").unwrap()), vec![5, 7]);
    }

    #[test]
    fn an_empty_bin_is_refused() {
        assert_eq!(
            Histogram::parse_bounds(",1"),
            Err(StatsError::Invalid("Empty histogram bin not allowed: ,1".into()))
        );
        // As in libdm, a doubled comma after a number is skipped over and
        // leaves a zero bound at the end.
        assert_eq!(uppers(&Histogram::parse_bounds("1,,2").unwrap()), vec![1, 2, 0]);
    }

    #[test]
    fn a_bad_character_or_suffix_is_refused() {
        assert!(Histogram::parse_bounds("1x").is_err());
        assert!(Histogram::parse_bounds("1ks").is_err());
        assert!(Histogram::parse_bounds("").is_err());
    }

    #[test]
    fn uint64_bounds_end_at_the_first_zero() {
        assert_eq!(uppers(&Histogram::from_bounds(&[5, 6, 0, 9]).unwrap()), vec![5, 6]);
        assert!(Histogram::from_bounds(&[0]).is_err());
    }

    #[test]
    fn the_kernel_argument_is_in_milliseconds_unless_precise() {
        let h = Histogram::parse_bounds("10ms,20ms,1s").unwrap();
        let mut precise = false;
        assert_eq!(h.kernel_arg(&mut precise).unwrap(), "10,20,1000");
        assert!(!precise);
        let h = Histogram::parse_bounds("100us,1ms").unwrap();
        assert_eq!(h.kernel_arg(&mut precise).unwrap(), "100000,1000000");
        assert!(precise);
    }

    #[test]
    fn decreasing_bounds_are_refused() {
        let h = Histogram::parse_bounds("2ms,1ms").unwrap();
        assert!(h.kernel_arg(&mut false).is_err());
    }

    #[test]
    fn the_kernel_spec_gets_an_unbounded_last_bin() {
        let h = Histogram::from_kernel_spec("10,20", NSEC_PER_MSEC).unwrap();
        assert_eq!(uppers(&h), vec![10_000_000, 20_000_000, u64::MAX]);
    }

    fn sample() -> Histogram {
        Histogram::from_kernel_spec("10,20", NSEC_PER_MSEC).unwrap().with_counts("1:3:0").unwrap()
    }

    #[test]
    fn counts_fill_the_bins_and_the_sum() {
        let h = sample();
        assert_eq!(h.bins.iter().map(|b| b.count).collect::<Vec<_>>(), vec![1, 3, 0]);
        assert_eq!(h.sum, 4);
        assert!(h.with_counts("1:2").is_err());
    }

    #[test]
    fn bin_geometry() {
        let h = sample();
        assert_eq!((h.bin_lower(0), h.bin_upper(0), h.bin_width(1)), (0, 10_000_000, 10_000_000));
        assert_eq!(h.bin_percent(1), crate::util::units::make_percent(3, 4));
        assert_eq!(h.bin_percent(2), 0);
    }

    #[test]
    fn text_of_bounds_and_counts_without_padding() {
        let h = sample();
        assert_eq!(h.to_text(-1, -1, VALUES | BOUNDS_UPPER | SUFFIX), "10ms:1:20ms:3:>20ms:0");
        assert_eq!(h.to_text(-1, -1, VALUES), "1:3:0");
        assert_eq!(h.to_text(-1, -1, BOUNDS_RANGE | SUFFIX), "0s-10ms,10ms-20ms,>20ms");
        assert_eq!(h.to_text(-1, 0, VALUES | BOUNDS_UPPER | SUFFIX), "  10ms:     1,  20ms:     3, >20ms:     0");
        assert_eq!(h.to_text(1, -1, BOUNDS_LOWER), "10000000");
    }

    #[test]
    fn text_with_default_widths() {
        let h = sample();
        assert_eq!(h.to_text(-1, 0, VALUES), "     1     3     0");
        assert_eq!(h.to_text(0, 0, VALUES | BOUNDS_UPPER | SUFFIX), "  10ms:     1");
        assert_eq!(h.to_text(-1, -1, PERCENT | VALUES), "25.00%:75.00%:0.00%");
    }
}
