//! The failed-device bits of a dm-raid superblock (the start of a raid
//! metadata sub-volume): counting them, and clearing them so that the
//! array rebuilds the devices replaced since.
//!
//! The layout is the kernel's (drivers/md/dm-raid.c), little endian:
//! magic "DmRd" at 0, compat_features at 4, failed_devices (u64) at 24,
//! flags at 60 and, with the 1.9.0 extension (compat_features bit 0),
//! three more u64 of failed-device bits at 120; 148 bytes in all.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;

/// Bytes read and written (one 4 KiB block, for 4K-native devices).
pub const SB_BUFSZ: usize = 4096;
const MAGIC: &[u8; 4] = b"DmRd";
const COMPAT_FEATURES: usize = 4;
const FAILED_DEVICES: usize = 24;
const FLAGS: usize = 60;
const EXTENDED_FAILED: usize = 120;
const EXTENDED_WORDS: usize = 3;
const SIZE_V190: usize = 148;
const FEATURE_SUPPORTS_V190: u32 = 1;

/// Why the failed devices could not be counted or cleared.
#[derive(Debug, thiserror::Error)]
pub enum RaidSbError {
    /// A system call failed; the text is libdm's (`log_sys_error`).
    #[error("{path}: {what} failed: {}", crate::kernel::strerror(*errno))]
    Io {
        /// The metadata volume.
        path: String,
        /// libdm's description of the step.
        what: &'static str,
        /// The error number (0 for a short read or write).
        errno: i32,
    },
    /// The block does not start with the dm-raid magic.
    #[error("No RAID signature on {0}.")]
    NoSignature(String),
}

impl RaidSbError {
    /// Logs what libdm logs for this failure: its text, with the error
    /// number of a failed system call.
    pub fn log(&self) {
        let errno = match self {
            RaidSbError::Io { errno, .. } => *errno,
            RaidSbError::NoSignature(_) => -1,
        };
        crate::dm_log!(crate::log::LOG_ERR, errno, "{self}");
    }
}

/// One superblock buffer, aligned for O_DIRECT.
#[repr(C, align(4096))]
pub struct Block(pub [u8; SB_BUFSZ]);

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn has_v190(b: &[u8; SB_BUFSZ]) -> bool {
    le32(b, COMPAT_FEATURES) & FEATURE_SUPPORTS_V190 != 0
}

/// Whether the block starts with the dm-raid magic.
pub fn has_signature(b: &[u8; SB_BUFSZ]) -> bool {
    &b[..4] == MAGIC
}

/// The number of failed devices the superblock records: the bits set in
/// the base word, or in the fullest word of the 1.9.0 extension.
pub fn count_failed(b: &[u8; SB_BUFSZ]) -> u32 {
    let mut r = le64(b, FAILED_DEVICES).count_ones();
    if has_v190(b) {
        for i in 0..EXTENDED_WORDS {
            r = r.max(le64(b, EXTENDED_FAILED + 8 * i).count_ones());
        }
    }
    r
}

/// Clears the failed-device bits, and zeroes everything after the
/// superblock proper (as the kernel expects when it reads it back).
pub fn clear_failed(b: &mut [u8; SB_BUFSZ]) {
    let size = if has_v190(b) { SIZE_V190 } else { FLAGS };
    b[size..].fill(0);
    b[FAILED_DEVICES..FAILED_DEVICES + 8].fill(0);
    if has_v190(b) {
        b[EXTENDED_FAILED..EXTENDED_FAILED + 8 * EXTENDED_WORDS].fill(0);
    }
}

fn io_error(path: &str, what: &'static str, e: &std::io::Error) -> RaidSbError {
    RaidSbError::Io { path: path.to_string(), what, errno: e.raw_os_error().unwrap_or(0) }
}

/// Reads the superblock on `path` (opened O_DIRECT and O_EXCL, read-write
/// when `clear`), returns its failed-device count and, when `clear`, writes
/// it back with the bits cleared.
pub fn count_or_clear(path: &str, clear: bool) -> Result<u32, RaidSbError> {
    let mut f = OpenOptions::new()
        .read(true)
        .write(clear)
        .custom_flags(libc::O_DIRECT | libc::O_EXCL)
        .open(path)
        .map_err(|e| io_error(path, "Failed to open RAID metadata volume", &e))?;
    let mut block = Box::new(Block([0u8; SB_BUFSZ]));
    match f.read(&mut block.0) {
        Ok(SB_BUFSZ) => {}
        Ok(_) => return Err(RaidSbError::Io { path: path.into(), what: "Failed to read RAID metadata volume", errno: 0 }),
        Err(e) => return Err(io_error(path, "Failed to read RAID metadata volume", &e)),
    }
    if !has_signature(&block.0) {
        return Err(RaidSbError::NoSignature(path.to_string()));
    }
    let failed = count_failed(&block.0);
    if clear {
        f.seek(SeekFrom::Start(0)).map_err(|e| io_error(path, "Failed to seek RAID metadata volume", &e))?;
        clear_failed(&mut block.0);
        match f.write(&block.0) {
            Ok(SB_BUFSZ) => {}
            Ok(_) => return Err(RaidSbError::Io { path: path.into(), what: "Failed to clear RAID metadata volume", errno: 0 }),
            Err(e) => return Err(io_error(path, "Failed to clear RAID metadata volume", &e)),
        }
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sb(v190: bool) -> [u8; SB_BUFSZ] {
        let mut b = [0u8; SB_BUFSZ];
        b[..4].copy_from_slice(MAGIC);
        b[COMPAT_FEATURES] = u8::from(v190);
        b[FAILED_DEVICES] = 0b101;
        b[EXTENDED_FAILED + 8] = 0b1111;
        b[200] = 0xff;
        b
    }

    #[test]
    fn a_pre_1_9_superblock_counts_the_base_word_only() {
        assert_eq!(count_failed(&sb(false)), 2);
    }

    #[test]
    fn the_extension_counts_its_fullest_word() {
        assert_eq!(count_failed(&sb(true)), 4);
    }

    #[test]
    fn clearing_zeroes_the_bits_and_the_tail() {
        let mut b = sb(true);
        clear_failed(&mut b);
        assert_eq!(count_failed(&b), 0);
        assert_eq!(b[200], 0);
        assert!(has_signature(&b));
    }

    #[test]
    fn a_missing_file_is_an_open_error_in_libdm_words() {
        let e = count_or_clear("/nonexistent/rmeta", false).unwrap_err();
        assert_eq!(e.to_string(), "/nonexistent/rmeta: Failed to open RAID metadata volume failed: No such file or directory");
    }
}
