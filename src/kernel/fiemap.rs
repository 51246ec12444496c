//! FS_IOC_FIEMAP: the physical extents of an open file.

use std::os::fd::{AsRawFd, BorrowedFd};

/// `FIEMAP_FLAG_SYNC`: sync the file before mapping.
const FIEMAP_FLAG_SYNC: u32 = 0x1;
/// `FIEMAP_EXTENT_LAST`: the last extent of the file.
pub const EXTENT_LAST: u32 = 0x1;
/// `FIEMAP_EXTENT_UNKNOWN`: the location is not known yet.
pub const EXTENT_UNKNOWN: u32 = 0x2;
/// `FIEMAP_EXTENT_DELALLOC`: delayed allocation, no location yet.
pub const EXTENT_DELALLOC: u32 = 0x4;
/// Extents asked for per ioctl.
const BATCH: usize = 64;

/// `struct fiemap_extent`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extent {
    /// Byte offset in the file.
    pub logical: u64,
    /// Byte offset on the device.
    pub physical: u64,
    /// Length in bytes.
    pub length: u64,
    reserved64: [u64; 2],
    /// FIEMAP_EXTENT_* flags.
    pub flags: u32,
    reserved: [u32; 3],
}

impl Extent {
    /// An extent (for tests).
    pub fn new(logical: u64, physical: u64, length: u64, flags: u32) -> Extent {
        Extent { logical, physical, length, flags, ..Extent::default() }
    }
}

/// `struct fiemap` followed by room for BATCH extents.
#[repr(C)]
struct Request {
    start: u64,
    length: u64,
    flags: u32,
    mapped_extents: u32,
    extent_count: u32,
    reserved: u32,
    extents: [Extent; BATCH],
}

mod sys {
    nix::ioctl_readwrite!(fs_ioc_fiemap, b'f', 11, [u8; 32]);
}
use sys::fs_ioc_fiemap;

/// Every extent of the file open at `fd`, in file order (after syncing it).
pub fn extents(fd: BorrowedFd<'_>) -> Result<Vec<Extent>, i32> {
    let mut out = Vec::new();
    let mut start = 0u64;
    loop {
        let mut req = Request {
            start,
            length: u64::MAX,
            flags: FIEMAP_FLAG_SYNC,
            mapped_extents: 0,
            extent_count: BATCH as u32,
            reserved: 0,
            extents: [Extent::default(); BATCH],
        };
        // SAFETY: FS_IOC_FIEMAP reads the 32-byte header and writes at most
        // `extent_count` extents after it; `req` holds that many and lives
        // across the call. The ioctl number encodes the header size, as the
        // kernel's does.
        let rc = unsafe { fs_ioc_fiemap(fd.as_raw_fd(), (&mut req as *mut Request).cast()) };
        if let Err(e) = rc {
            return Err(e as i32);
        }
        let n = (req.mapped_extents as usize).min(BATCH);
        if n == 0 {
            return Ok(out);
        }
        let batch = &req.extents[..n];
        out.extend_from_slice(batch);
        let last = batch[n - 1];
        if last.flags & EXTENT_LAST != 0 {
            return Ok(out);
        }
        start = last.logical + last.length;
    }
}
