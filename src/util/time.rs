//! Local-time conversions for the report selection's date-time values
//! (libdm parses `YYYY-MM-DD hh:mm:ss +hh:mm` with the C library's
//! `mktime`, so the same local time zone rules apply).

/// A broken-down time as C's `struct tm` fields that matter here.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tm {
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
}

/// How a broken-down local time becomes seconds since the epoch.
pub(crate) trait Zone {
    /// C's `mktime`: local broken-down time to seconds since the epoch.
    fn mktime(&self, t: &Tm) -> i64;
    /// libdm's `_local_tz_offset`: seconds the zone is east of UTC at `t_local`.
    fn offset(&self, t_local: i64) -> i64;
}

/// The process's local time zone (`TZ`, `/etc/localtime`), as libdm uses it.
pub(crate) struct LocalZone;

impl Zone for LocalZone {
    fn mktime(&self, t: &Tm) -> i64 {
        mktime(t)
    }
    fn offset(&self, t_local: i64) -> i64 {
        local_tz_offset(t_local)
    }
}

/// A zone a fixed number of seconds east of UTC, without daylight saving:
/// what the local zone is for a process whose `TZ` names such a zone. Lets
/// tests pin the zone without touching the process environment.
#[cfg(test)]
pub(crate) struct FixedZone(pub i64);

#[cfg(test)]
impl Zone for FixedZone {
    fn mktime(&self, t: &Tm) -> i64 {
        // Days from 1970-01-01 to the civil date (Howard Hinnant's
        // days_from_civil), months and days as mktime normalises them.
        let (mut y, mut m) = (t.year + 1900, t.mon);
        y += m.div_euclid(12);
        m = m.rem_euclid(12) + 1;
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + t.mday - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146097 + doe - 719468;
        days * 86400 + t.hour * 3600 + t.min * 60 + t.sec - self.0
    }
    fn offset(&self, _t_local: i64) -> i64 {
        self.0
    }
}

fn mktime(t: &Tm) -> i64 {
    // SAFETY: an all-zero tm is a valid value to fill in.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    tm.tm_year = t.year as i32;
    tm.tm_mon = t.mon as i32;
    tm.tm_mday = t.mday as i32;
    tm.tm_hour = t.hour as i32;
    tm.tm_min = t.min as i32;
    tm.tm_sec = t.sec as i32;
    tm.tm_isdst = -1;
    tm.tm_wday = -1;
    tm.tm_yday = -1;
    // SAFETY: tm is a valid struct tm owned by this frame.
    unsafe { libc::mktime(&mut tm) as i64 }
}

/// libdm's `_local_tz_offset`.
fn local_tz_offset(t_local: i64) -> i64 {
    // SAFETY: an all-zero tm is a valid value to fill in.
    let mut g: libc::tm = unsafe { std::mem::zeroed() };
    let t = t_local as libc::time_t;
    // SAFETY: both pointers are valid for the call.
    unsafe { libc::gmtime_r(&t, &mut g) };
    // SAFETY: g is a valid struct tm.
    let mut t_gmt = unsafe { libc::mktime(&mut g) } as i64;
    if g.tm_isdst > 0 {
        t_gmt -= 3600;
    }
    t_local - t_gmt
}

const DAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(month: i64, year: i64) -> i64 {
    if month == 0 {
        // libdm asks with a 0-based month here (and reads before its
        // table for January); 31 is what a correct table would say.
        return 31;
    }
    if !(1..=12).contains(&month) {
        return 0;
    }
    if month == 2 && leap(year) {
        DAYS[1] + 1
    } else {
        DAYS[(month - 1) as usize]
    }
}

/// C `strtol` on a string starting with a digit: (value, digits used),
/// saturating at `i64::MAX`.
fn strtol(s: &[u8]) -> (i64, usize) {
    let d = crate::util::num::Digits::read(s, 10);
    (d.saturating_i64(), d.len)
}

fn skip_space(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && (s[i].is_ascii_whitespace() || s[i] == 0x0b) {
        i += 1;
    }
    i
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Range {
    None,
    Second,
    Minute,
    Hour,
    Day,
    Month,
    Year,
}

/// Three numbers separated by `delim`, as libdm reads dates and times:
/// (n1, n2, n3, length adjusted to the standard field widths, end).
fn triple(s: &[u8], start: usize, delim: u8, widths: [i64; 3]) -> (i64, i64, i64, i64, usize) {
    let (n1, l1) = strtol(&s[start..]);
    let mut end = start + l1;
    let (mut n2, mut n3) = (-1, -1);
    let mut len: i64 = 0;
    if s.get(end) == Some(&delim) {
        len += widths[0] - l1 as i64;
        let p = end + 1;
        if s.get(p).is_some_and(|b| b.is_ascii_digit()) {
            let (v, l) = strtol(&s[p..]);
            n2 = v;
            end = p + l;
            len += widths[1] - l as i64;
            if s.get(end) == Some(&delim) {
                let p = end + 1;
                let (v, l) = strtol(&s[p..]);
                n3 = v;
                end = p + l;
                len += widths[2] - l as i64;
            }
        } else {
            end = p;
        }
    }
    (n1, n2, n3, len + (end - start) as i64, end)
}

/// Parses libdm's selection date-time format: the first second and, for
/// a date or time given without all its parts, the last second of the
/// period it names. None (logged) when malformed.
pub fn parse_date_time(s: &[u8]) -> Option<(i64, Option<i64>)> {
    parse_date_time_in(s, &LocalZone)
}

/// [`parse_date_time`] with local times read in `zone`.
pub(crate) fn parse_date_time_in(s: &[u8], zone: &dyn Zone) -> Option<(i64, Option<i64>)> {
    // date
    if !s.first().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    let (mut y, mut mo, mut d, len, end) = triple(s, 0, b'-', [4, 2, 2]);
    let mut range = Range::None;
    if d == -1 {
        if mo == -1 {
            match len {
                4 => {
                    range = Range::Year;
                    mo = 1;
                    d = 1;
                }
                6 => {
                    range = Range::Month;
                    d = 1;
                    mo = y % 100;
                    y /= 100;
                }
                8 => {
                    range = Range::Day;
                    d = y % 100;
                    mo = (y / 100) % 100;
                    y /= 10000;
                }
                _ => {
                    crate::log_error!("Incorrect date format.");
                    return None;
                }
            }
        } else if len == 7 {
            range = Range::Month;
            d = 1;
        } else {
            crate::log_error!("Incorrect date format.");
            return None;
        }
    }
    if !(1..=12).contains(&mo) {
        crate::log_error!("Specified month out of range.");
        return None;
    }
    if d < 1 || d > days_in_month(mo, y) {
        crate::log_error!("Specified day out of range.");
        return None;
    }
    if range == Range::None {
        range = Range::Day;
    }
    let mut tm = Tm { year: y - 1900, mon: mo - 1, mday: d, hour: 0, min: 0, sec: 0 };
    let mut i = skip_space(s, end);
    // time
    if s.get(i).is_some_and(|b| b.is_ascii_digit()) {
        let (mut h, mut mi, mut sec, len, end) = triple(s, i, b':', [2, 2, 2]);
        let trange;
        if sec == -1 {
            if mi == -1 {
                match len {
                    2 => {
                        trange = Range::Hour;
                        mi = 0;
                        sec = 0;
                    }
                    4 => {
                        trange = Range::Minute;
                        sec = 0;
                        mi = h % 100;
                        h /= 100;
                    }
                    6 => {
                        trange = Range::Second;
                        sec = h % 100;
                        mi = (h / 100) % 100;
                        h /= 10000;
                    }
                    _ => {
                        crate::log_error!("Incorrect time format.");
                        return None;
                    }
                }
            } else if len == 5 {
                trange = Range::Minute;
                sec = 0;
            } else {
                crate::log_error!("Incorrect time format.");
                return None;
            }
        } else {
            trange = Range::None;
        }
        if !(0..=23).contains(&h) {
            crate::log_error!("Specified hours out of range.");
            return None;
        }
        if !(0..=60).contains(&mi) {
            crate::log_error!("Specified minutes out of range.");
            return None;
        }
        if !(0..=60).contains(&sec) {
            crate::log_error!("Specified seconds out of range.");
            return None;
        }
        if range != Range::Day {
            crate::log_error!("Full date specification needed.");
            return None;
        }
        tm.hour = h;
        tm.min = mi;
        tm.sec = sec;
        range = trange;
        i = skip_space(s, end);
    }
    // time zone
    let mut tz: Option<i64> = None;
    if i < s.len() {
        let mut sign = 1;
        let mut p = i;
        let c = s[p];
        let ok = if c.is_ascii_digit() {
            true
        } else if c == b'+' || c == b'-' {
            if c == b'-' {
                sign = -1;
            }
            p += 1;
            true
        } else {
            false
        };
        if ok {
            let (mut n1, l1) = strtol(&s[p..]);
            let mut end = p + l1;
            let mut n2 = -1;
            let mut len: i64 = 0;
            let mut base = p;
            if s.get(end) == Some(&b':') {
                len = 2 - l1 as i64;
                base = end + 1;
                if s.get(base).is_some_and(|b| b.is_ascii_digit()) {
                    let (v, l) = strtol(&s[base..]);
                    n2 = v;
                    end = base + l;
                    len = 2 - l as i64;
                } else {
                    end = base;
                }
            }
            let len = len + end as i64 - base as i64;
            if n2 == -1 {
                match len {
                    2 => n2 = 0,
                    4 => {
                        n2 = n1 % 100;
                        n1 /= 100;
                    }
                    _ => return None,
                }
            }
            if !(0..=60).contains(&n2) || !(0..=14).contains(&n1) {
                return None;
            }
            tz = Some(sign * (n1 * 3600 + n2 * 60));
            i = skip_space(s, end);
        } else {
            i = skip_space(s, i);
        }
    }
    if i < s.len() {
        return None;
    }
    // the end of the period
    let mut up = tm;
    let dim = |m: i64, y: i64| days_in_month(m, y);
    'bump: {
        if range <= Range::Second && range != Range::None && up.sec < 59 {
            up.sec += 1;
            break 'bump;
        }
        if range != Range::None && range <= Range::Minute && up.min < 59 {
            up.min += 1;
            break 'bump;
        }
        if range != Range::None && range <= Range::Hour && up.hour < 23 {
            up.hour += 1;
            break 'bump;
        }
        // libdm passes the 0-based month and 1900-based year here.
        if range != Range::None && range <= Range::Day && up.mday < dim(up.mon, up.year) {
            up.mday += 1;
            break 'bump;
        }
        if range != Range::None && range <= Range::Month && up.mon < 11 {
            up.mon += 1;
            break 'bump;
        }
        if range != Range::None {
            up.year += 1;
        }
    }
    let has_range = range != Range::None;
    let mut t1 = zone.mktime(&tm);
    let mut t2 = zone.mktime(&up) - 1;
    if let Some(off) = tz {
        let off = off - zone.offset(t1);
        t1 -= off;
        t2 -= off;
    }
    Some((t1, if has_range { Some(t2) } else { None }))
}
