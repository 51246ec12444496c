//! The `mirror` target's status line:
//!
//! ```text
//! <#legs> <major:minor>... <in-sync>/<total regions> <#health args> <health chars>
//!   [userspace] <#log args> <log type> [<major:minor>... <log health chars>]
//! ```
//! e.g. `2 254:1 254:2 200/200 1 AA 3 disk 254:0 A` or `2 254:1 254:2 5/200 1 AD 1 core`.

use super::scan::{byte_at, skip_fields, until_nul, Scan};
use super::{lossy, StatusError, Target};

/// The most legs a mirror can have (the kernel's kcopyd limit).
pub const MAX_LEGS: u32 = 8;

/// The state of one leg or log device, from its health character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum MirrorHealth {
    /// `A`: no failures.
    Alive = b'A',
    /// `F`: a flush failed.
    FlushFailed = b'F',
    /// `D`: a write failed.
    WriteFailed = b'D',
    /// `S`: resynchronisation failed.
    SyncFailed = b'S',
    /// `R`: a read failed (data unaffected).
    ReadFailed = b'R',
    /// `U`, or any other character.
    Unclassified = b'U',
}

impl MirrorHealth {
    /// The health a character stands for; an unknown one counts as
    /// unclassified.
    pub fn from_char(c: u8) -> MirrorHealth {
        match c {
            b'A' => MirrorHealth::Alive,
            b'F' => MirrorHealth::FlushFailed,
            b'D' => MirrorHealth::WriteFailed,
            b'S' => MirrorHealth::SyncFailed,
            b'R' => MirrorHealth::ReadFailed,
            _ => MirrorHealth::Unclassified,
        }
    }
}

/// One leg or log device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorDevice {
    /// Its health.
    pub health: MirrorHealth,
    /// The health character as the kernel printed it (libdm 1.02.185 hands
    /// this raw character to C callers; 0 when the line ended first).
    pub health_char: u8,
    /// Device major number.
    pub major: u32,
    /// Device minor number.
    pub minor: u32,
}

/// A parsed mirror status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorStatus {
    /// Regions in sync.
    pub insync_regions: u64,
    /// All regions.
    pub total_regions: u64,
    /// The legs, at most [`MAX_LEGS`].
    pub devs: Vec<MirrorDevice>,
    /// The log type (`core`, `disk`, `cluster-disk` ...): for a log with one
    /// argument, the whole rest of the line.
    pub log_type: Vec<u8>,
    /// The log devices (for a `disk` log only).
    pub logs: Vec<MirrorDevice>,
}

impl MirrorStatus {
    /// Whether every region is in sync.
    pub fn in_sync(&self) -> bool {
        self.insync_regions == self.total_regions
    }

    /// The log type as text.
    pub fn log_type_str(&self) -> String {
        lossy(&self.log_type)
    }
}

/// Parses a mirror status line.
pub fn parse(params: &str) -> Result<MirrorStatus, StatusError> {
    parse_bytes(params.as_bytes())
}

/// `%u:%u %n` at `pos`: a device number and the bytes it took.
fn dev_at(s: &[u8], pos: usize) -> Option<(u32, u32, usize)> {
    let mut sc = Scan::new(s, pos);
    let major = sc.u32();
    sc.lit(b':');
    let minor = sc.u32();
    let used = sc.space().n(pos)?;
    Some((major?, minor?, used))
}

/// `%u %n` at `pos`.
fn count_at(s: &[u8], pos: usize) -> Option<(u32, usize)> {
    let mut sc = Scan::new(s, pos);
    let n = sc.u32()?;
    Some((n, sc.space().n(pos)?))
}

/// Parses a mirror status line given as bytes (read up to a NUL).
pub fn parse_bytes(params: &[u8]) -> Result<MirrorStatus, StatusError> {
    let s = until_nul(params);
    let bad = || StatusError::malformed(Target::Mirror, s);

    let (legs, used) = count_at(s, 0).ok_or_else(bad)?;
    let mut pos = used;
    if legs > MAX_LEGS {
        return Err(StatusError::TooManyMirrorLegs { params: lossy(s) });
    }
    let mut devs = Vec::with_capacity(legs as usize);
    for _ in 0..legs {
        let (major, minor, used) = dev_at(s, pos).ok_or_else(bad)?;
        devs.push((major, minor));
        pos += used;
    }

    let mut sc = Scan::new(s, pos);
    let insync = sc.u64();
    sc.lit(b'/');
    let total = sc.u64();
    let used = sc.n(pos);
    let (insync_regions, total_regions, used) = match (insync, total, used) {
        (Some(i), Some(t), Some(u)) => (i, t, u),
        _ => return Err(bad()),
    };
    pos += used;

    let (health_args, used) = count_at(s, pos).ok_or_else(bad)?;
    pos += used;
    // One health character per leg, read where the health field starts
    // (a short field reads on into the next ones, as libdm does).
    let devs: Vec<MirrorDevice> = devs
        .iter()
        .enumerate()
        .map(|(i, &(major, minor))| MirrorDevice { health: MirrorHealth::from_char(byte_at(s, pos + i)), health_char: byte_at(s, pos + i), major, minor })
        .collect();
    pos = skip_fields(s, pos, u64::from(health_args)).ok_or_else(bad)?;

    if s[pos..].starts_with(b"userspace") {
        pos += 9;
    }
    let (log_args, used) = count_at(s, pos).ok_or_else(bad)?;
    pos += used;

    let mut logs = Vec::new();
    let log_type;
    if log_args == 1 {
        log_type = s[pos..].to_vec();
    } else {
        let next = skip_fields(s, pos, 1).ok_or_else(bad)?;
        log_type = s[pos..next - 1].to_vec();
        pos = next;
        if log_args > 2 && log_type == b"disk" {
            let count = log_args - 2;
            let mut found = Vec::new();
            for _ in 0..count {
                let (major, minor, used) = dev_at(s, pos).ok_or_else(bad)?;
                found.push((major, minor));
                pos += used;
            }
            logs = found
                .iter()
                .enumerate()
                .map(|(i, &(major, minor))| MirrorDevice {
                    health: MirrorHealth::from_char(byte_at(s, pos + i)),
                    health_char: byte_at(s, pos + i),
                    major,
                    minor,
                })
                .collect();
        }
    }

    Ok(MirrorStatus { insync_regions, total_regions, devs, log_type, logs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(health: MirrorHealth, major: u32, minor: u32) -> MirrorDevice {
        MirrorDevice { health, health_char: health as u8, major, minor }
    }

    #[test]
    fn a_two_leg_mirror_with_a_disk_log() {
        let s = parse("2 254:1 254:2 200/400 1 AD 3 disk 254:0 A").unwrap();
        assert_eq!(s.insync_regions, 200);
        assert_eq!(s.total_regions, 400);
        assert_eq!(s.devs, vec![dev(MirrorHealth::Alive, 254, 1), dev(MirrorHealth::WriteFailed, 254, 2)]);
        assert_eq!(s.log_type, b"disk");
        assert_eq!(s.logs, vec![dev(MirrorHealth::Alive, 254, 0)]);
        assert!(!s.in_sync());
    }

    #[test]
    fn a_core_log_takes_the_rest_of_the_line_as_its_type() {
        let s = parse("2 8:16 8:32 10/10 1 AA 1 core").unwrap();
        assert_eq!(s.log_type_str(), "core");
        assert!(s.logs.is_empty());
        assert!(s.in_sync());
    }

    #[test]
    fn a_cluster_log_has_no_log_devices() {
        let s = parse("2 8:16 8:32 10/10 1 AA 3 cluster 253:3 A").unwrap();
        assert_eq!(s.log_type, b"cluster");
        assert!(s.logs.is_empty());
    }

    #[test]
    fn the_userspace_marker_is_skipped() {
        let s = parse("1 8:16 1/1 1 A userspace 1 clustered-core").unwrap();
        assert_eq!(s.log_type, b"clustered-core");
    }

    #[test]
    fn more_than_eight_legs_is_an_internal_error() {
        assert_eq!(parse("9 1:1").unwrap_err(), StatusError::TooManyMirrorLegs { params: "9 1:1".into() });
        assert!(matches!(parse("4294967295").unwrap_err(), StatusError::TooManyMirrorLegs { .. }));
    }

    #[test]
    fn a_truncated_line_is_rejected_with_libdm_wording() {
        let e = parse("2 254:1 254:2 200/400").unwrap_err();
        assert_eq!(e.to_string(), "Failed to parse mirror status 2 254:1 254:2 200/400.");
    }

    #[test]
    fn an_empty_line_is_rejected() {
        assert!(parse("").is_err());
    }

    #[test]
    fn health_characters_past_the_end_read_as_unclassified() {
        let s = parse("2 1:1 1:2 1/1 0 1 core").unwrap();
        // The health field is "1 core": '1' and ' ' are unknown characters.
        assert_eq!(s.devs[0].health, MirrorHealth::Unclassified);
        assert_eq!(s.devs[0].health_char, b'1');
        let s = parse("2 1:1 1:2 1/1 1 A 1").unwrap();
        assert_eq!(s.log_type, b"");
        assert_eq!(s.devs[0].health, MirrorHealth::Alive);
    }

    #[test]
    fn a_huge_log_count_fails_without_allocating_for_it() {
        assert!(parse("1 1:1 1/1 1 A 4294967295 disk 1:2 A").is_err());
    }
}
