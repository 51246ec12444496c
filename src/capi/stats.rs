//! C entry points: stats. A `struct dm_stats *` is a boxed [`CStats`]: the
//! Rust [`Stats`] handle plus the C strings and histograms handed out from
//! it (they stay valid until the next list, populate, bind or destroy, as in
//! libdm). A `struct dm_histogram *` is a boxed [`CHistogram`]: either bounds
//! made by the caller (freed with `dm_histogram_bounds_destroy`) or one
//! owned by a handle.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::*;
use std::os::fd::BorrowedFd;
use std::ptr;

use crate::capi::boundary::c_str;
use crate::capi::types::*;
use crate::stats::{self, filemap, Counter, Histogram, Metric, ObjectType, Stats, StatsError};

/// What a `struct dm_stats *` points to.
pub struct CStats {
    stats: Stats,
    /// Interned C strings handed out (program ids, aux data, aliases...).
    strings: RefCell<HashMap<Vec<u8>, CString>>,
    /// Histograms handed out by `dm_stats_get_histogram`.
    histograms: RefCell<HashMap<(u64, u64, u64), Box<CHistogram>>>,
    /// Buffers from `dm_stats_print_region` not yet destroyed.
    buffers: RefCell<Vec<usize>>,
}

const HIST_MAGIC: u64 = 0x646d_6869_7374_6f67;

/// What a `struct dm_histogram *` points to.
pub struct CHistogram {
    magic: u64,
    hist: Histogram,
    /// Owned by a stats handle (not to be freed by the caller).
    owned: bool,
    /// Strings made by `dm_histogram_to_string`.
    texts: RefCell<Vec<CString>>,
}

impl CStats {
    fn intern(&self, s: &str) -> *const c_char {
        let bytes: Vec<u8> = s.bytes().take_while(|&b| b != 0).collect();
        let mut strings = self.strings.borrow_mut();
        let c = strings.entry(bytes.clone()).or_insert_with(|| CString::new(bytes).unwrap_or_default());
        c.as_ptr()
    }

    /// Drops the histograms handed out (their data is about to change).
    fn forget_histograms(&self) {
        self.histograms.borrow_mut().clear();
    }
}

fn log_err(e: &StatsError) {
    for line in e.to_string().lines() {
        crate::log_error!(errno = e.errno(); "{line}");
    }
}

/// `require!` for functions returning nothing.
macro_rules! require_void {
    ($name:literal, $ptr:ident) => {
        if $ptr.is_null() {
            $crate::capi::boundary::log_null($name, stringify!($ptr));
            return;
        }
    };
}

/// # Safety
/// `p` is non-NULL and from `dm_stats_create`, not destroyed.
unsafe fn h<'a>(p: *const dm_stats) -> &'a CStats {
    // SAFETY: per this function's contract.
    unsafe { &*(p as *const CStats) }
}

/// # Safety
/// As [`h`], and no other reference to the handle is live.
unsafe fn hm<'a>(p: *mut dm_stats) -> &'a mut CStats {
    // SAFETY: per this function's contract.
    unsafe { &mut *(p as *mut CStats) }
}

/// The histogram behind a C pointer, if it looks like one of ours.
///
/// # Safety
/// `p` is non-NULL and from this library.
unsafe fn hist<'a>(name: &str, p: *const dm_histogram) -> Option<&'a CHistogram> {
    // SAFETY: per this function's contract.
    let c = unsafe { &*(p as *const CHistogram) };
    if c.magic != HIST_MAGIC {
        crate::log_error!(errno = libc::EINVAL; "{name}: not a histogram handle");
        return None;
    }
    Some(c)
}

fn new_bounds(h: Histogram) -> *mut dm_histogram {
    Box::into_raw(Box::new(CHistogram { magic: HIST_MAGIC, hist: h, owned: false, texts: RefCell::new(Vec::new()) })) as *mut dm_histogram
}

/// Runs `f` on the handle, logging a failure; 1 or 0.
fn status(r: Result<(), StatsError>) -> c_int {
    match r {
        Ok(()) => 1,
        Err(e) => {
            log_err(&e);
            0
        }
    }
}

/// Stores `v` through `out` if both exist; 1 or 0.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn put<T>(out: *mut T, v: Option<T>) -> c_int {
    match v {
        Some(v) if !out.is_null() => {
            // SAFETY: non-NULL and writable per this function's contract.
            unsafe { *out = v };
            1
        }
        _ => 0,
    }
}

fn obj(t: ObjectType) -> dm_stats_obj_type_t {
    match t {
        ObjectType::None => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_NONE,
        ObjectType::Area => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_AREA,
        ObjectType::Region => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_REGION,
        ObjectType::Group => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_GROUP,
    }
}

/// An optional C string argument.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn opt_str<'a>(name: &str, what: &str, p: *const c_char) -> Result<Option<&'a str>, ()> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL and NUL-terminated per this function's contract.
    unsafe { c_str(name, what, p) }.map(Some).ok_or(())
}

// ---- handles and binding -----------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create(program_id: *const c_char) -> *mut dm_stats {
    ffi!("dm_stats_create", ptr::null_mut() => {
        // SAFETY: NULL or a C string per the C contract.
        let Ok(pid) = (unsafe { opt_str("dm_stats_create", "program_id", program_id) }) else { return ptr::null_mut() };
        let c = CStats {
            stats: Stats::new(crate::kernel::default_kernel(), pid),
            strings: RefCell::new(HashMap::new()),
            histograms: RefCell::new(HashMap::new()),
            buffers: RefCell::new(Vec::new()),
        };
        Box::into_raw(Box::new(c)) as *mut dm_stats
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_destroy(dms: *mut dm_stats) {
    ffi!("dm_stats_destroy", () => {
        if dms.is_null() {
            return;
        }
        // SAFETY: from dm_stats_create, destroyed once, per the C contract.
        let c = unsafe { Box::from_raw(dms as *mut CStats) };
        for b in c.buffers.borrow_mut().drain(..) {
            // SAFETY: each was made by CString::into_raw in dm_stats_print_region.
            drop(unsafe { CString::from_raw(b as *mut c_char) });
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_devno(dms: *mut dm_stats, major: c_int, minor: c_int) -> c_int {
    ffi!("dm_stats_bind_devno", 0 => {
        require!("dm_stats_bind_devno", dms, 0);
        // SAFETY: a live handle per the C contract.
        let c = unsafe { hm(dms) };
        c.forget_histograms();
        c.stats.bind_devno(major, minor);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_name(dms: *mut dm_stats, name: *const c_char) -> c_int {
    ffi!("dm_stats_bind_name", 0 => {
        require!("dm_stats_bind_name", dms, 0);
        // SAFETY: a C string per the C contract.
        let Some(name) = (unsafe { c_str("dm_stats_bind_name", "name", name) }) else { return 0 };
        // SAFETY: a live handle per the C contract.
        let c = unsafe { hm(dms) };
        c.forget_histograms();
        c.stats.bind_name(name);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_uuid(dms: *mut dm_stats, uuid: *const c_char) -> c_int {
    ffi!("dm_stats_bind_uuid", 0 => {
        require!("dm_stats_bind_uuid", dms, 0);
        // SAFETY: a C string per the C contract.
        let Some(uuid) = (unsafe { c_str("dm_stats_bind_uuid", "uuid", uuid) }) else { return 0 };
        // SAFETY: a live handle per the C contract.
        let c = unsafe { hm(dms) };
        c.forget_histograms();
        c.stats.bind_uuid(uuid);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_from_fd(dms: *mut dm_stats, fd: c_int) -> c_int {
    ffi!("dm_stats_bind_from_fd", 0 => {
        require!("dm_stats_bind_from_fd", dms, 0);
        if fd < 0 {
            crate::log_error!(errno = libc::EBADF; "fstat failed for fd {fd}.");
            return 0;
        }
        // SAFETY: the caller's open descriptor, borrowed for this call only.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        // SAFETY: a live handle per the C contract.
        let c = unsafe { hm(dms) };
        c.forget_histograms();
        status(c.stats.bind_from_fd(fd))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_message_supports_precise_timestamps() -> c_int {
    ffi!("dm_message_supports_precise_timestamps", 0 => {
        stats::driver_supports_precise(&*crate::kernel::default_kernel()) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_driver_supports_precise() -> c_int {
    // SAFETY: no arguments.
    unsafe { dm_message_supports_precise_timestamps() }
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_driver_supports_histogram() -> c_int {
    // SAFETY: no arguments.
    unsafe { dm_message_supports_precise_timestamps() }
}

/// The body of a function on a handle that it only reads.
macro_rules! on {
    ($name:literal, $dms:ident, $fail:expr, |$c:ident| $body:expr) => {
        ffi!($name, $fail => {
            require!($name, $dms, $fail);
            // SAFETY: a live handle per the C contract.
            let $c = unsafe { h($dms) };
            $body
        })
    };
}

/// The body of a function that changes a handle.
macro_rules! on_mut {
    ($name:literal, $dms:ident, $fail:expr, |$c:ident| $body:expr) => {
        ffi!($name, $fail => {
            require!($name, $dms, $fail);
            // SAFETY: a live handle per the C contract, not otherwise borrowed.
            let $c = unsafe { hm($dms) };
            $body
        })
    };
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_precise_timestamps(dms: *const dm_stats, region_id: u64) -> c_int {
    on!("dm_stats_get_region_precise_timestamps", dms, 0, |c| c.stats.region_precise(region_id) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_precise_timestamps(dms: *const dm_stats) -> c_int {
    on!("dm_stats_get_current_region_precise_timestamps", dms, 0, |c| c.stats.region_precise(stats::CURRENT) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_list(dms: *mut dm_stats, program_id: *const c_char) -> c_int {
    on_mut!("dm_stats_list", dms, 0, |c| {
        // SAFETY: NULL or a C string per the C contract.
        let Ok(pid) = (unsafe { opt_str("dm_stats_list", "program_id", program_id) }) else { return 0 };
        c.forget_histograms();
        status(c.stats.list(pid))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_populate(dms: *mut dm_stats, program_id: *const c_char, region_id: u64) -> c_int {
    on_mut!("dm_stats_populate", dms, 0, |c| {
        // SAFETY: NULL or a C string per the C contract.
        let Ok(pid) = (unsafe { opt_str("dm_stats_populate", "program_id", program_id) }) else { return 0 };
        c.forget_histograms();
        match c.stats.populate(pid, region_id) {
            Ok(found) => found as c_int,
            Err(e) => {
                log_err(&e);
                0
            }
        }
    })
}

/// Creates a region; `bounds` NULL for none.
///
/// # Safety
/// The pointers are NULL or valid per the C contract.
#[allow(clippy::too_many_arguments)]
unsafe fn create_region(
    name: &'static str,
    dms: *mut dm_stats,
    region_id: *mut u64,
    start: u64,
    len: u64,
    step: i64,
    precise: c_int,
    bounds: *mut dm_histogram,
    program_id: *const c_char,
    aux_data: *const c_char,
) -> c_int {
    if dms.is_null() {
        crate::capi::boundary::log_null(name, "dms");
        return 0;
    }
    // SAFETY: NULL or C strings per the C contract.
    let Ok(pid) = (unsafe { opt_str(name, "program_id", program_id) }) else { return 0 };
    // SAFETY: as above.
    let Ok(aux) = (unsafe { opt_str(name, "user_data", aux_data) }) else { return 0 };
    let b = if bounds.is_null() {
        None
    } else {
        // SAFETY: a histogram from this library per the C contract.
        match unsafe { hist(name, bounds) } {
            Some(b) => Some(b.hist.clone()),
            None => return 0,
        }
    };
    // SAFETY: a live handle per the C contract.
    let c = unsafe { hm(dms) };
    match c.stats.create_region(start, len, step, precise, b.as_ref(), pid, aux.unwrap_or("")) {
        Ok(id) => {
            if !region_id.is_null() {
                // SAFETY: non-NULL out-pointer.
                unsafe { *region_id = id };
            }
            1
        }
        Err(e) => {
            log_err(&e);
            0
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region(dms: *mut dm_stats, region_id: *mut u64, start: u64, len: u64, step: i64, precise: c_int, bounds: *mut dm_histogram, program_id: *const c_char, user_data: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, checked inside.
    ffi!("dm_stats_create_region", 0 => { unsafe { create_region("dm_stats_create_region", dms, region_id, start, len, step, precise, bounds, program_id, user_data) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region_v1_02_104(dms: *mut dm_stats, region_id: *mut u64, start: u64, len: u64, step: i64, program_id: *const c_char, aux_data: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, checked inside.
    ffi!("dm_stats_create_region", 0 => { unsafe { create_region("dm_stats_create_region", dms, region_id, start, len, step, 0, ptr::null_mut(), program_id, aux_data) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region_v1_02_106(dms: *mut dm_stats, region_id: *mut u64, start: u64, len: u64, step: i64, precise: c_int, program_id: *const c_char, aux_data: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, checked inside.
    ffi!("dm_stats_create_region", 0 => { unsafe { create_region("dm_stats_create_region", dms, region_id, start, len, step, precise, ptr::null_mut(), program_id, aux_data) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_delete_region(dms: *mut dm_stats, region_id: u64) -> c_int {
    on_mut!("dm_stats_delete_region", dms, 0, |c| {
        c.forget_histograms();
        status(c.stats.delete_region(region_id))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_clear_region(dms: *mut dm_stats, region_id: u64) -> c_int {
    on!("dm_stats_clear_region", dms, 0, |c| status(c.stats.clear_region(region_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_print_region(dms: *mut dm_stats, region_id: u64, start_line: c_uint, num_lines: c_uint, clear: c_uint) -> *mut c_char {
    on!("dm_stats_print_region", dms, ptr::null_mut(), |c| {
        match c.stats.print_region(region_id, start_line, num_lines, clear != 0) {
            Ok(text) => {
                let p = CString::new(text.replace('\0', "")).unwrap_or_default().into_raw();
                c.buffers.borrow_mut().push(p as usize);
                p
            }
            Err(e) => {
                log_err(&e);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_buffer_destroy(dms: *mut dm_stats, buffer: *mut c_char) {
    ffi!("dm_stats_buffer_destroy", () => {
        require_void!("dm_stats_buffer_destroy", dms);
        if buffer.is_null() {
            return;
        }
        // SAFETY: a live handle per the C contract.
        let c = unsafe { h(dms) };
        let mut buffers = c.buffers.borrow_mut();
        match buffers.iter().position(|&b| b == buffer as usize) {
            Some(i) => {
                buffers.swap_remove(i);
                // SAFETY: made by CString::into_raw in dm_stats_print_region and not freed since.
                drop(unsafe { CString::from_raw(buffer) });
            }
            None => crate::log_error!(errno = libc::EINVAL; "dm_stats_buffer_destroy: not a buffer of this handle"),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_regions(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_nr_regions", dms, 0, |c| c.stats.nr_regions())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_groups(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_nr_groups", dms, 0, |c| c.stats.nr_groups())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_region_present(dms: *const dm_stats, region_id: u64) -> c_int {
    on!("dm_stats_region_present", dms, 0, |c| c.stats.region_present(region_id) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_nr_areas(dms: *const dm_stats, region_id: u64) -> u64 {
    on!("dm_stats_get_region_nr_areas", dms, 0, |c| c.stats.region_nr_areas(region_id))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_areas(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_nr_areas", dms, 0, |c| c.stats.nr_areas())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_group_present(dms: *const dm_stats, group_id: u64) -> c_int {
    on!("dm_stats_group_present", dms, 0, |c| c.stats.group_present(group_id) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_nr_histogram_bins(dms: *const dm_stats, region_id: u64) -> c_int {
    on!("dm_stats_get_region_nr_histogram_bins", dms, 0, |c| c.stats.region_nr_histogram_bins(region_id) as c_int)
}

// ---- histograms ---------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_from_string(bounds_str: *const c_char) -> *mut dm_histogram {
    ffi!("dm_histogram_bounds_from_string", ptr::null_mut() => {
        // SAFETY: a C string per the C contract.
        let Some(s) = (unsafe { c_str("dm_histogram_bounds_from_string", "bounds_str", bounds_str) }) else { return ptr::null_mut() };
        match Histogram::parse_bounds(s) {
            Ok(h) => new_bounds(h),
            Err(e) => {
                log_err(&e);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_from_uint64(bounds: *const u64) -> *mut dm_histogram {
    ffi!("dm_histogram_bounds_from_uint64", ptr::null_mut() => {
        let mut v = Vec::new();
        if !bounds.is_null() {
            let mut i = 0;
            loop {
                // SAFETY: a zero-terminated array per the C contract; reading stops at the zero.
                let b = unsafe { *bounds.add(i) };
                if b == 0 {
                    break;
                }
                v.push(b);
                i += 1;
            }
        }
        match Histogram::from_bounds(&v) {
            Ok(h) => new_bounds(h),
            Err(e) => {
                log_err(&e);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_destroy(bounds: *mut dm_histogram) {
    ffi!("dm_histogram_bounds_destroy", () => {
        if bounds.is_null() {
            return;
        }
        // SAFETY: from this library per the C contract.
        let Some(b) = (unsafe { hist("dm_histogram_bounds_destroy", bounds) }) else { return };
        if b.owned {
            crate::log_error!(errno = libc::EINVAL; "Freeing invalid histogram bounds pointer {bounds:p}.");
            return;
        }
        // SAFETY: a caller-owned histogram made by Box::into_raw, freed once.
        let mut b = unsafe { Box::from_raw(bounds as *mut CHistogram) };
        b.magic = 0;
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_histogram(dms: *const dm_stats, region_id: u64, area_id: u64) -> *mut dm_histogram {
    on!("dm_stats_get_histogram", dms, ptr::null_mut(), |c| {
        let cur = c.stats.cursor();
        let key = (if region_id == stats::CURRENT { cur.region } else { region_id }, if area_id == stats::CURRENT { cur.area } else { area_id }, if region_id == stats::CURRENT { cur.group } else { 0 });
        let Some(hg) = c.stats.histogram(region_id, area_id) else { return ptr::null_mut() };
        let mut map = c.histograms.borrow_mut();
        let entry = map.entry(key).or_insert_with(|| Box::new(CHistogram { magic: HIST_MAGIC, hist: hg.clone(), owned: true, texts: RefCell::new(Vec::new()) }));
        if entry.hist != hg {
            entry.hist = hg;
        }
        &**entry as *const CHistogram as *mut dm_histogram
    })
}

/// The body of a histogram getter.
macro_rules! on_hist {
    ($name:literal, $dmh:ident, $fail:expr, |$hh:ident| $body:expr) => {
        ffi!($name, $fail => {
            require!($name, $dmh, $fail);
            // SAFETY: a histogram from this library per the C contract.
            let Some(c) = (unsafe { hist($name, $dmh) }) else { return $fail };
            let $hh = &c.hist;
            $body
        })
    };
}

fn bin_index(bin: c_int) -> usize {
    usize::try_from(bin).unwrap_or(usize::MAX)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_nr_bins(dmh: *const dm_histogram) -> c_int {
    on_hist!("dm_histogram_get_nr_bins", dmh, 0, |x| x.nr_bins() as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_lower(dmh: *const dm_histogram, bin: c_int) -> u64 {
    on_hist!("dm_histogram_get_bin_lower", dmh, 0, |x| x.bin_lower(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_upper(dmh: *const dm_histogram, bin: c_int) -> u64 {
    on_hist!("dm_histogram_get_bin_upper", dmh, 0, |x| x.bin_upper(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_width(dmh: *const dm_histogram, bin: c_int) -> u64 {
    on_hist!("dm_histogram_get_bin_width", dmh, 0, |x| x.bin_width(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_count(dmh: *const dm_histogram, bin: c_int) -> u64 {
    on_hist!("dm_histogram_get_bin_count", dmh, 0, |x| x.bin_count(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_percent(dmh: *const dm_histogram, bin: c_int) -> dm_percent_t {
    on_hist!("dm_histogram_get_bin_percent", dmh, 0, |x| x.bin_percent(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_sum(dmh: *const dm_histogram) -> u64 {
    on_hist!("dm_histogram_get_sum", dmh, 0, |x| x.sum)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_to_string(dmh: *const dm_histogram, bin: c_int, width: c_int, flags: c_int) -> *const c_char {
    ffi!("dm_histogram_to_string", ptr::null() => {
        require!("dm_histogram_to_string", dmh, ptr::null());
        // SAFETY: a histogram from this library per the C contract.
        let Some(c) = (unsafe { hist("dm_histogram_to_string", dmh) }) else { return ptr::null() };
        if bin >= c.hist.nr_bins() as c_int {
            crate::log_error!(errno = libc::EINVAL; "dm_histogram_to_string: no bin {bin}");
            return ptr::null();
        }
        let s = CString::new(c.hist.to_text(bin, width, flags)).unwrap_or_default();
        let p = s.as_ptr();
        c.texts.borrow_mut().push(s);
        p
    })
}

// ---- settings ------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_sampling_interval_ns(dms: *mut dm_stats, interval_ns: u64) {
    ffi!("dm_stats_set_sampling_interval_ns", () => {
        require_void!("dm_stats_set_sampling_interval_ns", dms);
        // SAFETY: a live handle per the C contract.
        unsafe { hm(dms) }.stats.set_interval_ns(interval_ns);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_sampling_interval_ms(dms: *mut dm_stats, interval_ms: u64) {
    ffi!("dm_stats_set_sampling_interval_ms", () => {
        require_void!("dm_stats_set_sampling_interval_ms", dms);
        // SAFETY: a live handle per the C contract.
        unsafe { hm(dms) }.stats.set_interval_ns(interval_ms.wrapping_mul(stats::histogram::NSEC_PER_MSEC));
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_sampling_interval_ns(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_sampling_interval_ns", dms, 0, |c| c.stats.interval_ns())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_sampling_interval_ms(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_sampling_interval_ms", dms, 0, |c| c.stats.interval_ns() / stats::histogram::NSEC_PER_MSEC)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_program_id(dms: *mut dm_stats, allow_empty: c_int, program_id: *const c_char) -> c_int {
    on_mut!("dm_stats_set_program_id", dms, 0, |c| {
        // SAFETY: NULL or a C string per the C contract.
        let Ok(pid) = (unsafe { opt_str("dm_stats_set_program_id", "program_id", program_id) }) else { return 0 };
        status(c.stats.set_program_id(allow_empty != 0, pid))
    })
}

// ---- region and area geometry -------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_start(dms: *const dm_stats, start: *mut u64, region_id: u64) -> c_int {
    // SAFETY: `start` is an out-pointer per the C contract.
    on!("dm_stats_get_region_start", dms, 0, |c| unsafe { put(start, c.stats.region_start(region_id)) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_len(dms: *const dm_stats, len: *mut u64, region_id: u64) -> c_int {
    on!("dm_stats_get_region_len", dms, 0, |c| match c.stats.region_len(region_id) {
        // SAFETY: `len` is an out-pointer per the C contract.
        Ok(v) => unsafe { put(len, Some(v)) },
        Err(e) => {
            log_err(&e);
            0
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_area_len(dms: *const dm_stats, len: *mut u64, region_id: u64) -> c_int {
    on!("dm_stats_get_region_area_len", dms, 0, |c| match c.stats.region_area_len(region_id) {
        // SAFETY: `len` is an out-pointer per the C contract.
        Ok(v) => unsafe { put(len, Some(v)) },
        Err(e) => {
            log_err(&e);
            0
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_area_start(dms: *const dm_stats, start: *mut u64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: `start` is an out-pointer per the C contract.
    on!("dm_stats_get_area_start", dms, 0, |c| unsafe { put(start, c.stats.area_start(region_id, area_id)) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_area_offset(dms: *const dm_stats, offset: *mut u64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: `offset` is an out-pointer per the C contract.
    on!("dm_stats_get_area_offset", dms, 0, |c| unsafe { put(offset, c.stats.area_offset(region_id, area_id)) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_program_id(dms: *const dm_stats, region_id: u64) -> *const c_char {
    on!("dm_stats_get_region_program_id", dms, ptr::null(), |c| c.intern(c.stats.region_program_id(region_id).unwrap_or("")))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_aux_data(dms: *const dm_stats, region_id: u64) -> *const c_char {
    on!("dm_stats_get_region_aux_data", dms, ptr::null(), |c| c.intern(c.stats.region_aux_data(region_id).unwrap_or("")))
}

// ---- walks ------------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_init(dms: *mut dm_stats, flags: u64) -> c_int {
    on_mut!("dm_stats_walk_init", dms, 0, |c| status(c.stats.walk_init(flags)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_start(dms: *mut dm_stats) {
    ffi!("dm_stats_walk_start", () => {
        require_void!("dm_stats_walk_start", dms);
        // SAFETY: a live handle per the C contract.
        unsafe { hm(dms) }.stats.walk_start();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_next(dms: *mut dm_stats) {
    ffi!("dm_stats_walk_next", () => {
        require_void!("dm_stats_walk_next", dms);
        // SAFETY: a live handle per the C contract.
        unsafe { hm(dms) }.stats.walk_next();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_next_region(dms: *mut dm_stats) {
    ffi!("dm_stats_walk_next_region", () => {
        require_void!("dm_stats_walk_next_region", dms);
        // SAFETY: a live handle per the C contract.
        unsafe { hm(dms) }.stats.walk_next_region();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_end(dms: *mut dm_stats) -> c_int {
    ffi!("dm_stats_walk_end", 1 => {
        if dms.is_null() {
            return 1;
        }
        // SAFETY: a live handle per the C contract.
        unsafe { hm(dms) }.stats.walk_end() as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_object_type(dms: *const dm_stats, region_id: u64, area_id: u64) -> dm_stats_obj_type_t {
    on!("dm_stats_object_type", dms, dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_NONE, |c| obj(c.stats.object_type(region_id, area_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_current_object_type(dms: *const dm_stats) -> dm_stats_obj_type_t {
    on!("dm_stats_current_object_type", dms, dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_NONE, |c| obj(c.stats.object_type(stats::CURRENT, stats::CURRENT)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_nr_areas(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_current_nr_areas", dms, 0, |c| c.stats.region_nr_areas(c.stats.cursor().region))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_current_region", dms, 0, |c| c.stats.cursor().region)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area(dms: *const dm_stats) -> u64 {
    on!("dm_stats_get_current_area", dms, 0, |c| c.stats.cursor().area & !stats::WALK_ALL)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_start(dms: *const dm_stats, start: *mut u64) -> c_int {
    // SAFETY: forwarded pointers per the C contract.
    on!("dm_stats_get_current_region_start", dms, 0, |c| unsafe { dm_stats_get_region_start(dms, start, c.stats.cursor().region) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_len(dms: *const dm_stats, len: *mut u64) -> c_int {
    // SAFETY: forwarded pointers per the C contract.
    on!("dm_stats_get_current_region_len", dms, 0, |c| unsafe { dm_stats_get_region_len(dms, len, c.stats.cursor().region) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_area_len(dms: *const dm_stats, area_len: *mut u64) -> c_int {
    // SAFETY: forwarded pointers per the C contract.
    on!("dm_stats_get_current_region_area_len", dms, 0, |c| unsafe { dm_stats_get_region_area_len(dms, area_len, c.stats.cursor().region) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_start(dms: *const dm_stats, start: *mut u64) -> c_int {
    on!("dm_stats_get_current_area_start", dms, 0, |c| {
        let cur = c.stats.cursor();
        // SAFETY: forwarded pointers per the C contract.
        unsafe { dm_stats_get_area_start(dms, start, cur.region, cur.area) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_offset(dms: *const dm_stats, offset: *mut u64) -> c_int {
    on!("dm_stats_get_current_area_offset", dms, 0, |c| {
        let cur = c.stats.cursor();
        // SAFETY: forwarded pointers per the C contract.
        unsafe { dm_stats_get_area_offset(dms, offset, cur.region, cur.area) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_len(dms: *const dm_stats, start: *mut u64) -> c_int {
    // SAFETY: forwarded pointers per the C contract.
    on!("dm_stats_get_current_area_len", dms, 0, |c| unsafe { dm_stats_get_region_area_len(dms, start, c.stats.cursor().region) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_program_id(dms: *const dm_stats) -> *const c_char {
    // SAFETY: forwarded pointer per the C contract.
    on!("dm_stats_get_current_region_program_id", dms, ptr::null(), |c| unsafe { dm_stats_get_region_program_id(dms, c.stats.cursor().region) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_aux_data(dms: *const dm_stats) -> *const c_char {
    // SAFETY: forwarded pointer per the C contract.
    on!("dm_stats_get_current_region_aux_data", dms, ptr::null(), |c| unsafe { dm_stats_get_region_aux_data(dms, c.stats.cursor().region) })
}

// ---- groups and aliases --------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_group(dms: *mut dm_stats, group: *const c_char, alias: *const c_char, group_id: *mut u64) -> c_int {
    on_mut!("dm_stats_create_group", dms, 0, |c| {
        // SAFETY: a C string per the C contract.
        let Some(members) = (unsafe { c_str("dm_stats_create_group", "group", group) }) else { return 0 };
        // SAFETY: NULL or a C string per the C contract.
        let Ok(alias) = (unsafe { opt_str("dm_stats_create_group", "alias", alias) }) else { return 0 };
        match c.stats.create_group(members, alias) {
            // SAFETY: `group_id` is an out-pointer per the C contract.
            Ok(id) => unsafe { put(group_id, Some(id)) },
            Err(e) => {
                log_err(&e);
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_delete_group(dms: *mut dm_stats, group_id: u64, remove: c_int) -> c_int {
    on_mut!("dm_stats_delete_group", dms, 0, |c| {
        c.forget_histograms();
        status(c.stats.delete_group(group_id, remove != 0))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_alias(dms: *mut dm_stats, group_id: u64, alias: *const c_char) -> c_int {
    on_mut!("dm_stats_set_alias", dms, 0, |c| {
        // SAFETY: a C string per the C contract.
        let Some(alias) = (unsafe { c_str("dm_stats_set_alias", "alias", alias) }) else { return 0 };
        status(c.stats.set_alias(group_id, alias))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_alias(dms: *const dm_stats, id: u64) -> *const c_char {
    on!("dm_stats_get_alias", dms, ptr::null(), |c| match c.stats.alias(id) {
        Some(a) => c.intern(a),
        None => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_group_id(dms: *const dm_stats, region_id: u64) -> u64 {
    on!("dm_stats_get_group_id", dms, stats::GROUP_NONE, |c| c.stats.group_id(region_id))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_group_descriptor(dms: *const dm_stats, group_id: u64, buf: *mut *mut c_char) -> c_int {
    on!("dm_stats_get_group_descriptor", dms, 0, |c| {
        require!("dm_stats_get_group_descriptor", buf, 0);
        let Some(d) = c.stats.group_descriptor(group_id) else {
            crate::log_error!(errno = libc::EINVAL; "Group ID {group_id} does not exist");
            return 0;
        };
        // SAFETY: `buf` is a non-NULL out-pointer per the C contract.
        unsafe { *buf = c.intern(&d) as *mut c_char };
        1
    })
}

// ---- file maps ------------------------------------------------------------------------

/// A region id list ending with `DM_STATS_REGION_NOT_PRESENT`, allocated
/// like dm_malloc (the caller frees it with dm_free).
fn id_table(ids: &[u64]) -> *mut u64 {
    let n = ids.len() + 1;
    // SAFETY: malloc has no preconditions; the size cannot overflow for a list of region ids.
    let p = unsafe { libc::malloc(n * std::mem::size_of::<u64>()) } as *mut u64;
    if p.is_null() {
        crate::log_error!(errno = libc::ENOMEM; "Could not allocate memory for region IDs.");
        return p;
    }
    for (i, &id) in ids.iter().chain(std::iter::once(&stats::NOT_PRESENT)).enumerate() {
        // SAFETY: `p` has room for `n` values and i < n.
        unsafe { p.add(i).write(id) };
    }
    p
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_regions_from_fd(dms: *mut dm_stats, fd: c_int, group: c_int, precise: c_int, bounds: *mut dm_histogram, alias: *const c_char) -> *mut u64 {
    on_mut!("dm_stats_create_regions_from_fd", dms, ptr::null_mut(), |c| {
        // SAFETY: NULL or a C string per the C contract.
        let Ok(alias) = (unsafe { opt_str("dm_stats_create_regions_from_fd", "alias", alias) }) else { return ptr::null_mut() };
        let b = if bounds.is_null() {
            None
        } else {
            // SAFETY: a histogram from this library per the C contract.
            match unsafe { hist("dm_stats_create_regions_from_fd", bounds) } {
                Some(b) => Some(b.hist.clone()),
                None => return ptr::null_mut(),
            }
        };
        if fd < 0 {
            crate::log_error!(errno = libc::EBADF; "fstat failed for fd {fd}");
            return ptr::null_mut();
        }
        // SAFETY: the caller's open descriptor, borrowed for this call only.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        c.forget_histograms();
        match c.stats.create_regions_from_fd(fd, group != 0, precise > 0, b.as_ref(), alias) {
            Ok(ids) => id_table(&ids),
            Err(e) => {
                log_err(&e);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_update_regions_from_fd(dms: *mut dm_stats, fd: c_int, group_id: u64) -> *mut u64 {
    on_mut!("dm_stats_update_regions_from_fd", dms, ptr::null_mut(), |c| {
        if fd < 0 {
            crate::log_error!(errno = libc::EBADF; "fstat failed for fd {fd}");
            return ptr::null_mut();
        }
        // SAFETY: the caller's open descriptor, borrowed for this call only.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        c.forget_histograms();
        match c.stats.update_regions_from_fd(fd, group_id) {
            Ok(ids) => id_table(&ids),
            Err(e) => {
                log_err(&e);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_filemapd_mode_from_string(mode_str: *const c_char) -> dm_filemapd_mode_t {
    ffi!("dm_filemapd_mode_from_string", dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_NONE => {
        // SAFETY: NULL or a C string per the C contract.
        let Ok(s) = (unsafe { opt_str("dm_filemapd_mode_from_string", "mode_str", mode_str) }) else {
            return dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_NONE;
        };
        match filemap::FollowMode::parse(s) {
            Ok(filemap::FollowMode::Inode) => dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_INODE,
            Ok(filemap::FollowMode::Path) => dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_PATH,
            Ok(filemap::FollowMode::None) => dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_NONE,
            Err(e) => {
                log_err(&e);
                dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_NONE
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_start_filemapd(fd: c_int, group_id: u64, path: *const c_char, mode: c_int, foreground: c_uint, verbose: c_uint) -> c_int {
    ffi!("dm_stats_start_filemapd", 0 => {
        // SAFETY: a C string per the C contract.
        let Some(path) = (unsafe { c_str("dm_stats_start_filemapd", "path", path) }) else { return 0 };
        status(filemap::start_filemapd(fd, group_id, path, mode, foreground, verbose))
    })
}

// ---- counters and metrics ----------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_counter(dms: *const dm_stats, counter: c_int, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_counter", dms, 0, |c| match Counter::from_index(counter) {
        Some(k) => c.stats.counter(k, region_id, area_id),
        None => {
            crate::log_error!(errno = libc::EINVAL; "Attempt to read invalid counter: {counter}");
            0
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_reads", dms, 0, |c| c.stats.counter(Counter::Reads, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads_merged(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_reads_merged", dms, 0, |c| c.stats.counter(Counter::ReadsMerged, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_sectors(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_read_sectors", dms, 0, |c| c.stats.counter(Counter::ReadSectors, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_read_nsecs", dms, 0, |c| c.stats.counter(Counter::ReadNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_writes", dms, 0, |c| c.stats.counter(Counter::Writes, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes_merged(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_writes_merged", dms, 0, |c| c.stats.counter(Counter::WritesMerged, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_sectors(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_write_sectors", dms, 0, |c| c.stats.counter(Counter::WriteSectors, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_write_nsecs", dms, 0, |c| c.stats.counter(Counter::WriteNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_io_in_progress(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_io_in_progress", dms, 0, |c| c.stats.counter(Counter::IoInProgress, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_io_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_io_nsecs", dms, 0, |c| c.stats.counter(Counter::IoNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_weighted_io_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_weighted_io_nsecs", dms, 0, |c| c.stats.counter(Counter::WeightedIoNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_total_read_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_total_read_nsecs", dms, 0, |c| c.stats.counter(Counter::TotalReadNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_total_write_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    on!("dm_stats_get_total_write_nsecs", dms, 0, |c| c.stats.counter(Counter::TotalWriteNsecs, region_id, area_id))
}

/// A metric through an out-pointer; 1 or 0.
///
/// # Safety
/// `dms` is NULL or a live handle; `value` NULL or writable.
unsafe fn metric_out(name: &str, dms: *const dm_stats, metric: c_int, region_id: u64, area_id: u64, value: *mut f64) -> c_int {
    if dms.is_null() {
        crate::capi::boundary::log_null(name, "dms");
        return 0;
    }
    // SAFETY: a live handle per this function's contract.
    let c = unsafe { h(dms) };
    let Some(m) = Metric::from_index(metric) else {
        crate::log_error!(errno = libc::EINVAL; "Attempt to read invalid metric: {metric}");
        return 0;
    };
    match c.stats.metric(m, region_id, area_id) {
        // SAFETY: `value` is an out-pointer per this function's contract.
        Ok(v) => unsafe { put(value, Some(v)) },
        Err(_) => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_metric(dms: *const dm_stats, metric: c_int, region_id: u64, area_id: u64, value: *mut f64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_metric", 0 => { unsafe { metric_out("dm_stats_get_metric", dms, metric, region_id, area_id, value) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_rd_merges_per_sec(dms: *const dm_stats, rrqm: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_rd_merges_per_sec", 0 => { unsafe { metric_out("dm_stats_get_rd_merges_per_sec", dms, Metric::RdMergesPerSec as c_int, region_id, area_id, rrqm) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_wr_merges_per_sec(dms: *const dm_stats, wrqm: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_wr_merges_per_sec", 0 => { unsafe { metric_out("dm_stats_get_wr_merges_per_sec", dms, Metric::WrMergesPerSec as c_int, region_id, area_id, wrqm) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads_per_sec(dms: *const dm_stats, rd_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_reads_per_sec", 0 => { unsafe { metric_out("dm_stats_get_reads_per_sec", dms, Metric::ReadsPerSec as c_int, region_id, area_id, rd_s) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes_per_sec(dms: *const dm_stats, wr_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_writes_per_sec", 0 => { unsafe { metric_out("dm_stats_get_writes_per_sec", dms, Metric::WritesPerSec as c_int, region_id, area_id, wr_s) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_sectors_per_sec(dms: *const dm_stats, rsec_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_read_sectors_per_sec", 0 => { unsafe { metric_out("dm_stats_get_read_sectors_per_sec", dms, Metric::ReadSectorsPerSec as c_int, region_id, area_id, rsec_s) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_sectors_per_sec(dms: *const dm_stats, wsec_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_write_sectors_per_sec", 0 => { unsafe { metric_out("dm_stats_get_write_sectors_per_sec", dms, Metric::WriteSectorsPerSec as c_int, region_id, area_id, wsec_s) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_request_size(dms: *const dm_stats, arqsz: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_average_request_size", 0 => { unsafe { metric_out("dm_stats_get_average_request_size", dms, Metric::AverageRequestSize as c_int, region_id, area_id, arqsz) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_service_time(dms: *const dm_stats, svctm: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_service_time", 0 => { unsafe { metric_out("dm_stats_get_service_time", dms, Metric::ServiceTime as c_int, region_id, area_id, svctm) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_queue_size(dms: *const dm_stats, qusz: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_average_queue_size", 0 => { unsafe { metric_out("dm_stats_get_average_queue_size", dms, Metric::AverageQueueSize as c_int, region_id, area_id, qusz) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_wait_time(dms: *const dm_stats, await_: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_average_wait_time", 0 => { unsafe { metric_out("dm_stats_get_average_wait_time", dms, Metric::AverageWaitTime as c_int, region_id, area_id, await_) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_rd_wait_time(dms: *const dm_stats, await_: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_average_rd_wait_time", 0 => { unsafe { metric_out("dm_stats_get_average_rd_wait_time", dms, Metric::AverageRdWaitTime as c_int, region_id, area_id, await_) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_wr_wait_time(dms: *const dm_stats, await_: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_average_wr_wait_time", 0 => { unsafe { metric_out("dm_stats_get_average_wr_wait_time", dms, Metric::AverageWrWaitTime as c_int, region_id, area_id, await_) } })
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_throughput(dms: *const dm_stats, tput: *mut f64, region_id: u64, area_id: u64) -> c_int {
    // SAFETY: the caller's pointers per the C contract.
    ffi!("dm_stats_get_throughput", 0 => { unsafe { metric_out("dm_stats_get_throughput", dms, Metric::Throughput as c_int, region_id, area_id, tput) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_utilization(dms: *const dm_stats, util: *mut dm_percent_t, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_utilization", 0 => {
        let mut v = 0.0f64;
        // SAFETY: the caller's handle; `v` is a local.
        if unsafe { metric_out("dm_stats_get_utilization", dms, Metric::Utilization as c_int, region_id, area_id, &mut v) } == 0 {
            return 0;
        }
        let one = crate::util::units::PERCENT_1 as f64;
        // SAFETY: `util` is an out-pointer per the C contract.
        unsafe { put(util, Some(crate::util::units::make_percent((one * v) as u64, one as u64))) }
    })
}
