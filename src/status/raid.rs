//! The `raid` target's status:
//!
//! ```text
//! <raid type> <#devices> <health chars> <in-sync>/<total regions>
//!   [<sync action> <mismatch count> [<data offset> [<journal char>]]]
//! ```
//! Fields are separated by single spaces (libdm counts spaces). The first
//! four fields are read as libdm reads them, with
//! `sscanf("%s %u %s %lu/%lu")`, the device count twice (once as `%d` to
//! size the health buffer). The corrections of misleading kernel states
//! after a successful parse are libdm 1.02.214's (changed in 1.02.198, see
//! docs/upstream.md): a health field longer than the device count is cut
//! to it, all legs `a` while resyncing or idle report the first leg `A`,
//! and some legs `a` at full sync while recovering or idle report one
//! region less in sync.

use super::scan::{count_fields, skip_fields, until_nul, Scan};
use super::{StatusError, Target};

/// A parsed raid status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RaidStatus {
    /// `raid1`, `raid5_ls`, ...
    pub raid_type: Vec<u8>,
    /// The device count as reported.
    pub dev_count: u32,
    /// One character per device: `A` alive, `a` alive not in sync, `D` dead.
    pub dev_health: Vec<u8>,
    /// Regions in sync.
    pub insync_regions: u64,
    /// All regions.
    pub total_regions: u64,
    /// `idle`, `frozen`, `resync`, `recover`, `check`, `repair` (target
    /// 1.5.0 and later).
    pub sync_action: Option<Vec<u8>>,
    /// Mismatches found by a check.
    pub mismatch_count: u64,
    /// The data offset while reshaping (target 1.9.0 and later).
    pub data_offset: u64,
}

/// Parses a raid status line.
pub fn parse(params: &str) -> Result<RaidStatus, StatusError> {
    parse_bytes(params.as_bytes())
}

/// Parses a raid status line given as bytes (read up to a NUL).
///
/// Lines where libdm 1.02.185 has undefined behaviour get a defined
/// result here: a health field longer than the device count is cut to the
/// count (as 1.02.214 does), and a pre-1.5.0 line (no sync action) gets no
/// correction.
pub fn parse_bytes(params: &[u8]) -> Result<RaidStatus, StatusError> {
    let s = until_nul(params);
    let bad = |detail: &'static str| StatusError::malformed_in(Target::Raid, detail, s);

    let fields = count_fields(s);
    if fields < 4 {
        return Err(bad(""));
    }
    const DEVS: &str = "<#devs> ";
    let count_at = skip_fields(s, 0, 1).ok_or_else(|| bad(DEVS))?;
    let count = Scan::new(s, count_at).i32().ok_or_else(|| bad(DEVS))?;

    const FIRST: &str = "<raid_type> <#devices> <health_chars> and <sync_ratio> ";
    // libdm allocates count + 1 bytes for the health characters first.
    let health_size = i64::from(count.wrapping_add(1)) as u64;
    let chunk = health_size.wrapping_add(super::LIBDM_CHUNK_OVERHEAD);
    if chunk > super::LIBDM_MAX_ALLOCATION {
        return Err(StatusError::HugeAllocation { chunk, then: Box::new(bad("")) });
    }
    let mut sc = Scan::new(s, 0);
    let raid_type = sc.word(None);
    let dev_count = sc.space().u32();
    let health = sc.space().word(None);
    let insync = sc.space().u64();
    let total = sc.lit(b'/').u64();
    let (Some(raid_type), Some(dev_count), Some(health), Some(insync), Some(total)) = (raid_type, dev_count, health, insync, total)
    else {
        return Err(bad(FIRST));
    };
    let mut st = RaidStatus {
        raid_type: raid_type.to_vec(),
        dev_count,
        // 1.02.214 keeps at most as many health characters as legs.
        dev_health: health[..health.len().min(count.max(0) as usize)].to_vec(),
        insync_regions: insync,
        total_regions: total,
        ..Default::default()
    };

    if fields >= 6 {
        const SECOND: &str = "<sync_action> and <mismatch_cnt> ";
        let action_at = skip_fields(s, 0, 4).ok_or_else(|| bad(SECOND))?;
        skip_fields(s, action_at, 1).ok_or_else(|| bad(SECOND))?;
        let mut sc = Scan::new(s, action_at);
        let action = sc.word(None);
        let mismatch = sc.space().u64();
        let (Some(action), Some(mismatch)) = (action, mismatch) else {
            return Err(bad(SECOND));
        };
        st.sync_action = Some(action.to_vec());
        st.mismatch_count = mismatch;
        if fields >= 7 {
            const THIRD: &str = "<data_offset>";
            let offset_at = skip_fields(s, 0, 6).ok_or_else(|| bad(THIRD))?;
            st.data_offset = Scan::new(s, offset_at).u64().ok_or_else(|| bad(THIRD))?;
        }
    }

    correct_misleading_states(&mut st, count);
    Ok(st)
}

/// The kernel's health characters and sync ratio can mislead around a
/// resync or a recovery; libdm 1.02.214 corrects what it reports. `count`
/// is the device count as read with `%d` (the legs whose health is looked
/// at). Both corrections need a sync action (target 1.5.0 and later).
fn correct_misleading_states(st: &mut RaidStatus, count: i32) {
    let Some(action) = st.sync_action.as_deref() else { return };
    let is = |word: &[u8]| action.eq_ignore_ascii_case(word);
    let legs = u64::from(st.dev_count);
    let unsynced = st.dev_health.iter().take(count.max(0) as usize).filter(|&&c| c == b'a').count() as u64;
    if unsynced == 0 {
        return;
    }
    if unsynced == legs {
        // Every leg 'a' during the initial resync (or once idle after it):
        // the resync copies from the first leg, which holds the data.
        if is(b"resync") || is(b"idle") {
            st.dev_health[0] = b'A';
        }
    } else if unsynced < legs && st.insync_regions == st.total_regions && (is(b"recover") || is(b"idle")) {
        // Full sync reported while some legs are still 'a': a recovery is
        // about to start, so not 100 % yet.
        st.insync_regions = st.insync_regions.wrapping_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_current_raid1_line() {
        let s = parse("raid1 2 AA 2048/2048 idle 0 0 -").unwrap();
        assert_eq!(s.raid_type, b"raid1");
        assert_eq!(s.dev_count, 2);
        assert_eq!(s.dev_health, b"AA");
        assert_eq!((s.insync_regions, s.total_regions), (2048, 2048));
        assert_eq!(s.sync_action.as_deref(), Some(&b"idle"[..]));
    }

    #[test]
    fn a_pre_1_5_line_has_no_sync_action() {
        let s = parse("raid5_ls 3 AAA 10/20").unwrap();
        assert_eq!(s.sync_action, None);
        assert_eq!(s.mismatch_count, 0);
    }

    #[test]
    fn the_reported_device_count_is_kept() {
        let s = parse("raid1 5 AA 1/1 idle 0").unwrap();
        assert_eq!((s.dev_count, s.dev_health.as_slice()), (5, &b"AA"[..]));
    }

    #[test]
    fn a_recovering_leg_at_full_sync_is_not_reported_complete() {
        let s = parse("raid1 2 Aa 100/100 recover 0 0").unwrap();
        assert_eq!(s.insync_regions, 99);
    }

    #[test]
    fn all_legs_unsynced_while_resyncing_report_the_first_leg_in_sync() {
        let s = parse("raid1 2 aa 10/20 resync 0 0 -").unwrap();
        assert_eq!((s.dev_health.as_slice(), s.insync_regions), (&b"Aa"[..], 10));
    }

    #[test]
    fn all_legs_unsynced_when_idle_report_the_first_leg_in_sync() {
        let s = parse("raid10 4 aaaa 100/100 idle 0 0 -").unwrap();
        assert_eq!((s.dev_health.as_slice(), s.insync_regions), (&b"Aaaa"[..], 100));
    }

    #[test]
    fn all_legs_unsynced_while_recovering_stay_unsynced() {
        assert_eq!(parse("raid1 2 aa 5/20 recover 0 0 -").unwrap().dev_health, b"aa");
    }

    #[test]
    fn the_sync_action_is_compared_ignoring_case() {
        assert_eq!(parse("raid1 2 aa 5/20 RESYNC 0").unwrap().dev_health, b"Aa");
    }

    #[test]
    fn some_legs_unsynced_at_full_sync_while_resyncing_keep_the_full_count() {
        assert_eq!(parse("raid1 2 Aa 100/100 resync 0").unwrap().insync_regions, 100);
    }

    #[test]
    fn a_health_field_longer_than_the_device_count_is_cut_to_it() {
        let s = parse("raid1 2 AAA 1/1 idle 0").unwrap();
        assert_eq!((s.dev_count, s.dev_health.as_slice()), (2, &b"AA"[..]));
    }

    #[test]
    fn three_fields_are_rejected() {
        assert_eq!(parse("raid1 2 AA").unwrap_err().to_string(), "Failed to parse raid params: raid1 2 AA");
    }

    #[test]
    fn a_bad_device_count_names_the_field() {
        assert_eq!(parse("raid1 x AA 1/1").unwrap_err().to_string(), "Failed to parse <#devs> raid params: raid1 x AA 1/1");
    }

    #[test]
    fn a_bad_mismatch_count_names_its_fields() {
        assert_eq!(
            parse("raid1 2 AA 1/1 idle x").unwrap_err().to_string(),
            "Failed to parse <sync_action> and <mismatch_cnt> raid params: raid1 2 AA 1/1 idle x"
        );
    }

    #[test]
    fn a_device_count_libdm_cannot_allocate_for_is_its_allocator_failure() {
        let e = parse("raid1 99999999 AA 1/1").unwrap_err();
        assert_eq!(e.to_string(), "Huge memory allocation (size 100000032) rejected - metadata corruption?");
    }

    #[test]
    fn a_pre_1_5_line_with_unsynced_legs_needs_no_sync_action() {
        // libdm 1.02.185 dereferences the missing sync action here.
        assert_eq!(parse("raid1 2 Aa 10/10").unwrap().insync_regions, 10);
    }
}
