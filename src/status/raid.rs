//! The `raid` target's status:
//!
//! ```text
//! <raid type> <#devices> <health chars> <in-sync>/<total regions>
//!   [<sync action> <mismatch count> [<data offset> [<journal char>]]]
//! ```
//! Fields are separated by single spaces (libdm counts spaces). The rules
//! are libdm 1.02.185's: the first four fields are read with
//! `sscanf("%s %u %s %lu/%lu")`, the device count twice (once as `%d` to
//! size the health buffer).

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
/// Lines where libdm 1.02.185 has undefined behaviour (a health field
/// longer than the device count, a first field after leading space, a
/// pre-1.5.0 line at full sync with some legs `a`) get a defined result
/// here: the whole field, and no correction without a sync action.
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
        dev_health: health.to_vec(),
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

    // The kernel reports full sync while legs are still 'a' (alive, not in
    // sync) and about to recover: libdm then reports one region less.
    if st.insync_regions == st.total_regions {
        let a = if count > 0 { st.dev_health.iter().take(count as usize).filter(|&&c| c == b'a').count() as u64 } else { 0 };
        if a > 0 && a < u64::from(st.dev_count) {
            if let Some(action) = st.sync_action.as_deref() {
                if action.eq_ignore_ascii_case(b"recover") || action.eq_ignore_ascii_case(b"idle") {
                    st.insync_regions = st.insync_regions.wrapping_sub(1);
                }
            }
        }
    }
    Ok(st)
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
