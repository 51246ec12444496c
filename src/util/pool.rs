//! The memory pool behind `dm_pool_*`: a chunk allocator that hands out raw
//! memory for C (and for Rust code that builds C structures).
//!
//! Think of a pool as one stack of memory: [`Pool::alloc`] takes the next
//! bytes, [`Pool::free`] releases an allocation *and everything allocated
//! after it*, [`Pool::empty`] releases everything, and dropping the pool
//! releases the memory. The stack is kept in chunks of raw memory that never
//! move, so every pointer handed out stays valid until one of those calls
//! releases it. Objects can also be grown piece by piece
//! ([`Pool::begin_object`], [`Pool::grow_object`], [`Pool::end_object`]);
//! a growing object moves to a fresh chunk when it outgrows its chunk.
//!
//! Locking ([`Pool::lock`]) follows libdm's release build: nothing stops a
//! write, but a checksum taken at lock time over every allocated byte (and
//! the allocation state) detects at unlock any change made in between.
//!
//! This module hands raw memory out, so it holds the `unsafe` blocks that
//! allocate, copy into and read that memory; each says why it is sound.

use std::alloc::{self, Layout};
use std::fmt;
use std::ptr::NonNull;

/// The alignment `dm_pool_alloc` gives (`__alignof__(double)`).
pub const DEFAULT_ALIGNMENT: usize = 8;

/// Alignment of every chunk's start.
const CHUNK_ALIGNMENT: usize = 16;

/// The smallest chunk (libdm rounds `chunk_hint` up to a power of two, at
/// least 1024, its chunk header included).
const MIN_CHUNK: usize = 1024;

/// Why a pool operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolError {
    /// The system allocator refused this many bytes (or the size overflows).
    OutOfMemory(usize),
    /// An alignment that is not a power of two.
    BadAlignment(usize),
    /// `free` got a pointer that no chunk of the pool holds.
    NotInPool,
    /// `end_object` without `begin_object`.
    NoObject,
    /// `lock` on a locked pool.
    AlreadyLocked(String),
    /// `unlock` on an unlocked pool.
    AlreadyUnlocked(String),
    /// `unlock` found the memory changed since `lock`.
    CrcMismatch(String),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::log::INTERNAL_ERROR as IE;
        match self {
            PoolError::OutOfMemory(n) => write!(f, "Out of memory.  Requested {n} bytes."),
            PoolError::BadAlignment(a) => write!(f, "{IE}pool alignment {a} is not a power of 2."),
            PoolError::NotInPool => write!(f, "{IE}pool_free asked to free pointer not in pool"),
            PoolError::NoObject => write!(f, "{IE}pool has no object being built."),
            PoolError::AlreadyLocked(name) => write!(f, "{IE}Pool {name} is already locked."),
            PoolError::AlreadyUnlocked(name) => write!(f, "{IE}Pool {name} is already unlocked."),
            PoolError::CrcMismatch(name) => write!(f, "{IE}Pool {name} crc mismatch."),
        }
    }
}

impl std::error::Error for PoolError {}

/// One block of raw memory; `used` bytes from the start are allocated.
struct Chunk {
    base: NonNull<u8>,
    size: usize,
    used: usize,
}

impl Chunk {
    fn new(size: usize) -> Result<Chunk, PoolError> {
        let layout = Layout::from_size_align(size.max(1), CHUNK_ALIGNMENT).map_err(|_| PoolError::OutOfMemory(size))?;
        // Zeroed, so that every byte is initialised: the checksum reads
        // allocations the caller may never have written.
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc::alloc_zeroed(layout) };
        let base = NonNull::new(base).ok_or(PoolError::OutOfMemory(size))?;
        Ok(Chunk { base, size, used: 0 })
    }

    fn addr(&self) -> usize {
        self.base.as_ptr() as usize
    }

    /// The offset of the first byte at or after `used` aligned to `align`.
    fn aligned_used(&self, align: usize) -> usize {
        let at = self.addr() + self.used;
        let pad = (align - at % align) % align;
        self.used + pad
    }

    /// The free bytes from `offset` on.
    fn room(&self, offset: usize) -> usize {
        self.size.saturating_sub(offset)
    }

    fn ptr_at(&self, offset: usize) -> NonNull<u8> {
        debug_assert!(offset <= self.size);
        // SAFETY: `offset <= size`, so the result lies in the allocation or
        // one past its end, and is not null.
        unsafe { NonNull::new_unchecked(self.base.as_ptr().add(offset)) }
    }

    fn allocated(&self) -> &[u8] {
        // SAFETY: `used <= size` bytes of a live allocation, all initialised
        // (zeroed when the chunk was allocated, written since only with
        // initialised values).
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.used) }
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        let layout = Layout::from_size_align(self.size.max(1), CHUNK_ALIGNMENT).expect("layout was valid at allocation");
        // SAFETY: `base` came from `alloc::alloc` with this same layout and
        // is freed once, here.
        unsafe { alloc::dealloc(self.base.as_ptr(), layout) }
    }
}

/// An object being built with `grow_object`: `len` bytes at `start` in
/// chunk `chunk`, not allocated until it ends. Always
/// `chunk < chunks.len()` and `start + len <= chunks[chunk].size`.
#[derive(Clone, Copy)]
struct Object {
    chunk: usize,
    start: usize,
    len: usize,
}

/// A memory pool.
pub struct Pool {
    name: Option<String>,
    chunk_size: usize,
    /// Oldest first; the last is the one allocations come from.
    chunks: Vec<Chunk>,
    /// One released chunk kept for reuse, so that alternating between free
    /// and alloc at a chunk boundary does not call the system allocator.
    spare: Option<Chunk>,
    object: Option<Object>,
    locked: bool,
    crc: u64,
    /// Rust values whose lifetime is the pool's (a `dm_regex` made in it).
    attached: Vec<Box<dyn std::any::Any + Send>>,
}

// SAFETY: the pool owns its chunks exclusively (no other Rust value points
// into them); moving it to another thread moves that ownership.
unsafe impl Send for Pool {}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("name", &self.name)
            .field("chunk_size", &self.chunk_size)
            .field("chunks", &self.chunks.len())
            .field("allocated", &self.allocated_bytes())
            .field("locked", &self.locked)
            .finish()
    }
}

impl Pool {
    /// A pool whose chunks are at least `chunk_hint` bytes (rounded up to a
    /// power of two, at least 1024). No memory is taken until the first
    /// allocation.
    pub fn new(name: Option<&str>, chunk_hint: usize) -> Pool {
        let wanted = chunk_hint.saturating_add(3 * std::mem::size_of::<usize>());
        let mut chunk_size = MIN_CHUNK;
        while chunk_size < wanted && chunk_size <= usize::MAX / 4 {
            chunk_size <<= 1;
        }
        Pool {
            name: name.map(str::to_string),
            chunk_size,
            chunks: Vec::new(),
            spare: None,
            object: None,
            locked: false,
            crc: 0,
            attached: Vec::new(),
        }
    }

    /// Keeps `value` alive until the pool is dropped, and returns a pointer
    /// to it that stays valid as long (libdm objects allocated "in" a pool
    /// with no destroy function of their own, such as `dm_regex`).
    pub fn attach<T: std::any::Any + Send>(&mut self, value: T) -> *mut T {
        let mut boxed = Box::new(value);
        let ptr: *mut T = &mut *boxed;
        self.attached.push(boxed);
        ptr
    }

    /// The name given at creation ("(null)" when there was none).
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("(null)")
    }

    /// Bytes allocated in all chunks (padding included).
    pub fn allocated_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.used).sum()
    }

    /// Makes a chunk with at least `size` bytes the current one, reusing the
    /// spare chunk when it is big enough.
    fn push_chunk(&mut self, size: usize) -> Result<(), PoolError> {
        let chunk = match self.spare.take() {
            Some(spare) if spare.size >= size => spare,
            other => {
                self.spare = other;
                Chunk::new(size)?
            }
        };
        self.chunks.push(chunk);
        Ok(())
    }

    /// `size` bytes aligned to `align` (a power of two), uninitialised.
    pub fn alloc(&mut self, size: usize, align: usize) -> Result<NonNull<u8>, PoolError> {
        if align == 0 || !align.is_power_of_two() {
            return Err(PoolError::BadAlignment(align));
        }
        let fits = |c: &Chunk| {
            let at = c.aligned_used(align);
            at <= c.size && c.room(at) >= size
        };
        if !self.chunks.last().is_some_and(fits) {
            let needed = size.checked_add(align).ok_or(PoolError::OutOfMemory(size))?;
            self.push_chunk(needed.max(self.chunk_size))?;
        }
        let chunk = self.chunks.last_mut().expect("a chunk was just made");
        let at = chunk.aligned_used(align);
        chunk.used = at + size;
        Ok(chunk.ptr_at(at))
    }

    /// `size` zeroed bytes aligned for any C scalar.
    pub fn zalloc(&mut self, size: usize) -> Result<NonNull<u8>, PoolError> {
        let p = self.alloc(size, DEFAULT_ALIGNMENT)?;
        // SAFETY: `alloc` returned `size` writable bytes at `p`.
        unsafe { p.as_ptr().write_bytes(0, size) };
        Ok(p)
    }

    /// A copy of `bytes` (aligned to `align`).
    pub fn copy_in(&mut self, bytes: &[u8], align: usize) -> Result<NonNull<u8>, PoolError> {
        let p = self.alloc(bytes.len(), align)?;
        // SAFETY: `alloc` returned `bytes.len()` writable bytes at `p`;
        // `copy` allows `bytes` to lie in the pool's own memory.
        unsafe { std::ptr::copy(bytes.as_ptr(), p.as_ptr(), bytes.len()) };
        Ok(p)
    }

    /// A NUL-terminated copy of `bytes` (which should hold no NUL).
    pub fn strdup(&mut self, bytes: &[u8]) -> Result<NonNull<u8>, PoolError> {
        let p = self.alloc(bytes.len() + 1, DEFAULT_ALIGNMENT)?;
        // SAFETY: `alloc` returned `len + 1` writable bytes at `p`.
        unsafe {
            std::ptr::copy(bytes.as_ptr(), p.as_ptr(), bytes.len());
            p.as_ptr().add(bytes.len()).write(0);
        }
        Ok(p)
    }

    /// Releases the allocation at `ptr` and everything allocated after it.
    /// The chunks that become unused are freed (one is kept for reuse).
    /// An object being built is abandoned.
    pub fn free(&mut self, ptr: *const u8) -> Result<(), PoolError> {
        let p = ptr as usize;
        // A pointer inside a chunk; failing that, one at a chunk's end (a
        // zero-sized allocation), which another chunk could start at.
        let index = self
            .chunks
            .iter()
            .rposition(|c| c.addr() <= p && p < c.addr() + c.size)
            .or_else(|| self.chunks.iter().rposition(|c| p == c.addr() + c.size))
            .ok_or(PoolError::NotInPool)?;
        self.release_from(index, p - self.chunks[index].addr());
        Ok(())
    }

    /// Keeps chunks `..=index`, the last of them allocated up to `offset`.
    fn release_from(&mut self, index: usize, offset: usize) {
        self.object = None;
        while self.chunks.len() > index + 1 {
            let mut chunk = self.chunks.pop().expect("len > index + 1");
            chunk.used = 0;
            if self.spare.as_ref().is_none_or(|s| s.size < chunk.size) {
                self.spare = Some(chunk);
            }
        }
        self.chunks[index].used = offset;
    }

    /// Releases every allocation; the pool stays usable.
    pub fn empty(&mut self) {
        if !self.chunks.is_empty() {
            self.release_from(0, 0);
        }
        self.object = None;
    }

    /// Starts building an object, with room for `hint` bytes if possible.
    /// An object already being built is abandoned.
    pub fn begin_object(&mut self, hint: usize) -> Result<(), PoolError> {
        self.object = None;
        let fits = |c: &Chunk| {
            let at = c.aligned_used(DEFAULT_ALIGNMENT);
            at <= c.size && c.room(at) >= hint
        };
        if !self.chunks.last().is_some_and(fits) {
            let needed = hint.checked_add(DEFAULT_ALIGNMENT).ok_or(PoolError::OutOfMemory(hint))?;
            self.push_chunk(needed.max(self.chunk_size))?;
        }
        let chunk = self.chunks.len() - 1;
        let last = &mut self.chunks[chunk];
        last.used = last.aligned_used(DEFAULT_ALIGNMENT).min(last.size);
        self.object = Some(Object { chunk, start: last.used, len: 0 });
        Ok(())
    }

    /// Appends `extra` to the object being built (starting one when none
    /// is). When the chunk is full the object moves to a new chunk, so a
    /// pointer into an unfinished object is not stable.
    pub fn grow_object(&mut self, extra: &[u8]) -> Result<(), PoolError> {
        if self.object.is_none() {
            self.begin_object(0)?;
        }
        let mut object = self.object.expect("begun");
        let total = object.len.checked_add(extra.len()).ok_or(PoolError::OutOfMemory(usize::MAX))?;
        let in_place = object.chunk + 1 == self.chunks.len() && self.chunks[object.chunk].room(object.start) >= total;
        if !in_place {
            let size = if total > self.chunk_size / 2 {
                total.checked_mul(2).ok_or(PoolError::OutOfMemory(total))?
            } else {
                self.chunk_size
            };
            self.push_chunk(size)?;
            let new_index = self.chunks.len() - 1;
            let (old, new) = self.chunks.split_at_mut(new_index);
            let (old, new) = (&old[object.chunk], &mut new[0]);
            // A fresh chunk's start is aligned (CHUNK_ALIGNMENT is a multiple
            // of the object alignment).
            new.used = 0;
            // SAFETY: `old` holds the object's `len` bytes at `start` (the
            // Object invariant); `new` has at least `total >= len` bytes;
            // they are different allocations.
            unsafe { std::ptr::copy_nonoverlapping(old.ptr_at(object.start).as_ptr(), new.base.as_ptr(), object.len) };
            object = Object { chunk: new_index, start: 0, len: object.len };
        }
        let dst = self.chunks[object.chunk].ptr_at(object.start + object.len);
        // SAFETY: the chunk has room for `total` bytes from `start`, so
        // `extra` fits at `start + len`; `copy` (not `copy_nonoverlapping`)
        // in case a caller appends bytes of the pool's own memory.
        unsafe { std::ptr::copy(extra.as_ptr(), dst.as_ptr(), extra.len()) };
        self.object = Some(Object { len: total, ..object });
        Ok(())
    }

    /// The length of the object being built.
    pub fn object_len(&self) -> Option<usize> {
        self.object.map(|o| o.len)
    }

    /// Finishes the object being built and returns its address.
    pub fn end_object(&mut self) -> Result<NonNull<u8>, PoolError> {
        let object = self.object.take().ok_or(PoolError::NoObject)?;
        let last = self.chunks.len() - 1;
        let chunk = &mut self.chunks[object.chunk];
        if object.chunk == last {
            chunk.used = chunk.used.max(object.start + object.len);
        }
        Ok(chunk.ptr_at(object.start))
    }

    /// Drops the object being built.
    pub fn abandon_object(&mut self) {
        self.object = None;
    }

    /// Whether the pool is locked.
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// Locks the pool; with `crc`, remembers a checksum of its memory.
    pub fn lock(&mut self, crc: bool) -> Result<(), PoolError> {
        if self.locked {
            return Err(PoolError::AlreadyLocked(self.name().to_string()));
        }
        if crc {
            self.crc = self.checksum();
        }
        self.locked = true;
        Ok(())
    }

    /// Unlocks the pool; with `crc`, fails when the memory changed since
    /// the checksum that `lock` took (the pool is unlocked all the same).
    pub fn unlock(&mut self, crc: bool) -> Result<(), PoolError> {
        if !self.locked {
            return Err(PoolError::AlreadyUnlocked(self.name().to_string()));
        }
        self.locked = false;
        if crc && self.crc != self.checksum() {
            return Err(PoolError::CrcMismatch(self.name().to_string()));
        }
        Ok(())
    }

    /// A checksum of the allocated bytes of every chunk and of where each
    /// chunk's allocations end. Zero for a pool without memory.
    pub fn checksum(&self) -> u64 {
        // FNV-1a over 8-byte words, with the chunk boundaries mixed in.
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut h: u64 = 0;
        let mut mix = |v: u64| h = (h ^ v).wrapping_mul(PRIME).rotate_left(5);
        for chunk in &self.chunks {
            mix(chunk.addr() as u64);
            mix(chunk.used as u64);
            let bytes = chunk.allocated();
            let mut words = bytes.chunks_exact(8);
            for w in &mut words {
                mix(u64::from_ne_bytes(w.try_into().expect("8 bytes")));
            }
            for &b in words.remainder() {
                mix(u64::from(b));
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: NonNull<u8>, n: usize) -> Vec<u8> {
        // SAFETY: test pointers come from the pool with at least n bytes.
        unsafe { std::slice::from_raw_parts(p.as_ptr(), n).to_vec() }
    }

    #[test]
    fn allocations_are_aligned_and_distinct() {
        let mut pool = Pool::new(Some("t"), 0);
        let mut seen = Vec::new();
        for size in [1usize, 3, 8, 13, 100, 2000, 0, 5] {
            let p = pool.alloc(size, DEFAULT_ALIGNMENT).unwrap();
            assert_eq!(p.as_ptr() as usize % 8, 0);
            seen.push((p.as_ptr() as usize, size));
        }
        seen.sort();
        for w in seen.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "overlap: {w:?}");
        }
        for align in [1usize, 2, 64, 4096] {
            let p = pool.alloc(10, align).unwrap();
            assert_eq!(p.as_ptr() as usize % align, 0);
        }
        assert_eq!(pool.alloc(1, 3), Err(PoolError::BadAlignment(3)));
        assert_eq!(pool.alloc(1, 0), Err(PoolError::BadAlignment(0)));
        assert!(matches!(pool.alloc(usize::MAX, 8), Err(PoolError::OutOfMemory(_))));
    }

    #[test]
    fn memory_stays_put_across_new_chunks() {
        let mut pool = Pool::new(None, 0);
        let first = pool.strdup(b"first").unwrap();
        for _ in 0..1000 {
            pool.alloc(100, 8).unwrap();
        }
        assert_eq!(read(first, 6), b"first\0");
        assert!(pool.chunks.len() > 50);
        assert_eq!(pool.name(), "(null)");
    }

    #[test]
    fn free_releases_the_object_and_everything_after() {
        let mut pool = Pool::new(Some("f"), 0);
        let a = pool.strdup(b"a").unwrap();
        let b = pool.strdup(b"b").unwrap();
        let used = pool.allocated_bytes();
        for _ in 0..100 {
            pool.alloc(100, 8).unwrap();
        }
        pool.free(b.as_ptr()).unwrap();
        assert_eq!(pool.chunks.len(), 1);
        assert!(pool.spare.is_some());
        assert!(pool.allocated_bytes() < used);
        assert_eq!(read(a, 2), b"a\0");
        // The next allocation reuses b's place.
        assert_eq!(pool.strdup(b"c").unwrap(), b);
        let outside = 0x10usize as *const u8;
        assert_eq!(pool.free(outside), Err(PoolError::NotInPool));
        pool.empty();
        assert_eq!(pool.allocated_bytes(), 0);
        assert_eq!(pool.strdup(b"again").unwrap(), a);
        let mut fresh = Pool::new(None, 0);
        fresh.empty();
        assert_eq!(fresh.free(a.as_ptr()), Err(PoolError::NotInPool));
    }

    #[test]
    fn zalloc_zeroes_reused_memory() {
        let mut pool = Pool::new(None, 0);
        let p = pool.copy_in(&[0xff; 64], 8).unwrap();
        pool.free(p.as_ptr()).unwrap();
        let z = pool.zalloc(64).unwrap();
        assert_eq!(read(z, 64), vec![0; 64]);
    }

    #[test]
    fn objects_grow_across_chunks() {
        let mut pool = Pool::new(Some("o"), 0);
        pool.alloc(1000, 8).unwrap();
        pool.begin_object(16).unwrap();
        let mut expected = Vec::new();
        for i in 0..500 {
            let piece = format!("{i},");
            pool.grow_object(piece.as_bytes()).unwrap();
            expected.extend_from_slice(piece.as_bytes());
        }
        pool.grow_object(b"\0").unwrap();
        expected.push(0);
        assert_eq!(pool.object_len(), Some(expected.len()));
        let obj = pool.end_object().unwrap();
        assert_eq!(read(obj, expected.len()), expected);
        assert_eq!(pool.end_object(), Err(PoolError::NoObject));
        // An abandoned object allocates nothing.
        let before = pool.allocated_bytes();
        pool.begin_object(8).unwrap();
        pool.grow_object(b"junk").unwrap();
        pool.abandon_object();
        assert!(pool.allocated_bytes() <= before + DEFAULT_ALIGNMENT);
        let next = pool.strdup(b"x").unwrap();
        assert_eq!(read(next, 2), b"x\0");
        // Growing without begin starts an object.
        pool.grow_object(b"yz\0").unwrap();
        assert_eq!(read(pool.end_object().unwrap(), 3), b"yz\0");
        // A large hint gets its own chunk.
        pool.begin_object(100_000).unwrap();
        pool.grow_object(&[7; 100_000]).unwrap();
        assert_eq!(read(pool.end_object().unwrap(), 100_000), vec![7; 100_000]);
    }

    #[test]
    fn lock_checksum_detects_changes() {
        let mut pool = Pool::new(Some("locked"), 0);
        let p = pool.strdup(b"hello world").unwrap();
        assert!(!pool.is_locked());
        pool.lock(true).unwrap();
        assert!(pool.is_locked());
        assert_eq!(pool.lock(true), Err(PoolError::AlreadyLocked("locked".into())));
        pool.unlock(true).unwrap();
        assert_eq!(pool.unlock(true), Err(PoolError::AlreadyUnlocked("locked".into())));

        pool.lock(true).unwrap();
        // SAFETY: p points to 12 bytes of pool memory.
        unsafe { p.as_ptr().add(10).write(b'D') };
        let err = pool.unlock(true).unwrap_err();
        assert_eq!(err.to_string(), "Internal error: Pool locked crc mismatch.");
        assert!(!pool.is_locked());

        // Without crc a change goes unnoticed.
        pool.lock(false).unwrap();
        // SAFETY: as above.
        unsafe { p.as_ptr().write(b'H') };
        pool.unlock(false).unwrap();

        // An allocation while locked changes the checksum too.
        pool.lock(true).unwrap();
        pool.alloc(8, 8).unwrap();
        assert!(pool.unlock(true).is_err());
        assert_eq!(Pool::new(None, 0).checksum(), 0);
    }

    #[test]
    fn chunk_size_rounds_up_to_a_power_of_two() {
        assert_eq!(Pool::new(None, 0).chunk_size, 1024);
        assert_eq!(Pool::new(None, 1000).chunk_size, 1024);
        assert_eq!(Pool::new(None, 1024).chunk_size, 2048);
        assert_eq!(Pool::new(None, 5000).chunk_size, 8192);
        assert!(Pool::new(None, usize::MAX).chunk_size.is_power_of_two());
    }
}
