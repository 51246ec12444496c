//! C entry points: stats. A `struct dm_stats *` is a boxed [`CStats`]: the
//! Rust [`Stats`] handle plus the C strings and histograms handed out from
//! it (they stay valid until the next list, populate, bind or destroy, as in
//! libdm). A `struct dm_histogram *` is a boxed [`CHistogram`]: either bounds
//! made by the caller (freed with `dm_histogram_bounds_destroy`) or one
//! owned by a handle.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::*;
use std::ptr;

use crate::capi::arg::{self, handle, handle_mut, opt_out, opt_string, out, string, Out};
use crate::capi::cmem::CMem;
use crate::capi::handle::{self as h, CText, Castable, OwnershipBox};
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
    buffers: RefCell<Vec<CText>>,
}

/// C owns a stats handle: dm_stats_create makes it, dm_stats_destroy frees it.
impl Castable for dm_stats {
    type Ownership = OwnershipBox;
    type Rust = CStats;
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

/// C owns the bounds it makes (dm_histogram_bounds_from_*, freed with
/// dm_histogram_bounds_destroy); a stats handle owns those it hands out,
/// which C only reads.
impl Castable for dm_histogram {
    type Ownership = OwnershipBox;
    type Rust = CHistogram;
}

impl CStats {
    fn intern(&self, s: &str) -> *const c_char {
        let bytes: Vec<u8> = s.bytes().take_while(|&b| b != 0).collect();
        let mut strings = self.strings.borrow_mut();
        let c = strings.entry(bytes.clone()).or_insert_with(|| CString::new(bytes).unwrap_or_default());
        c.as_ptr()
    }

    /// The Rust handle, about to change what it holds: the histograms
    /// handed out are dropped.
    fn changing(&mut self) -> &mut Stats {
        self.histograms.get_mut().clear();
        &mut self.stats
    }
}

/// The value, or None with the error logged (a line per line of it).
fn ok<T>(r: Result<T, StatsError>) -> Option<T> {
    r.map_err(|e| {
        for line in e.to_string().lines() {
            crate::log_error!(errno = e.errno(); "{line}");
        }
    })
    .ok()
}

/// A histogram argument, if it looks like one of ours.
fn histogram<'a>(function: &str, argument: &str, p: *const dm_histogram) -> Option<&'a CHistogram> {
    let c = handle(function, argument, p)?;
    if c.magic != HIST_MAGIC {
        crate::log_error!(errno = libc::EINVAL; "{function}: not a histogram handle");
        return None;
    }
    Some(c)
}

/// Optional bounds: NULL is none; other bounds are copied.
fn opt_bounds(function: &str, argument: &str, p: *const dm_histogram) -> Option<Option<Histogram>> {
    if p.is_null() {
        return Some(None);
    }
    histogram(function, argument, p).map(|b| Some(b.hist.clone()))
}

fn new_bounds(hist: Histogram) -> *mut dm_histogram {
    h::to_boxed_mut_ptr(CHistogram { magic: HIST_MAGIC, hist, owned: false, texts: RefCell::new(Vec::new()) })
}

/// `f` of the value, or 0 with the error logged.
fn on_ok<T>(r: Result<T, StatsError>, f: impl FnOnce(T) -> c_int) -> c_int {
    ok(r).map_or(0, f)
}

/// 1, or 0 with the error logged.
fn status(r: Result<(), StatsError>) -> c_int {
    on_ok(r, |()| 1)
}

/// Stores `v` through `out` if both exist; 1 or 0.
fn put<T>(out: Out<T>, v: Option<T>) -> c_int {
    v.map_or(0, |v| c_int::from(out.set(v)))
}

/// [`put`] of a result, its error logged.
fn put_ok<T>(out: Out<T>, r: Result<T, StatsError>) -> c_int {
    put(out, ok(r))
}

fn obj(t: ObjectType) -> dm_stats_obj_type_t {
    match t {
        ObjectType::None => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_NONE,
        ObjectType::Area => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_AREA,
        ObjectType::Region => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_REGION,
        ObjectType::Group => dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_GROUP,
    }
}

// ---- handles and binding -----------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create(program_id: *const c_char) -> *mut dm_stats {
    ffi!("dm_stats_create", ptr::null_mut(); program_id: opt_string => {
        h::to_boxed_mut_ptr(CStats {
            stats: Stats::new(crate::kernel::default_kernel(), program_id),
            strings: RefCell::new(HashMap::new()),
            histograms: RefCell::new(HashMap::new()),
            buffers: RefCell::new(Vec::new()),
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_destroy(dms: *mut dm_stats) {
    ffi!("dm_stats_destroy", () => { h::free_box(dms) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_devno(dms: *mut dm_stats, major: c_int, minor: c_int) -> c_int {
    ffi!("dm_stats_bind_devno", 0; dms: handle_mut => {
        dms.changing().bind_devno(major, minor);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_name(dms: *mut dm_stats, name: *const c_char) -> c_int {
    ffi!("dm_stats_bind_name", 0; dms: handle_mut, name: string => {
        dms.changing().bind_name(name);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_uuid(dms: *mut dm_stats, uuid: *const c_char) -> c_int {
    ffi!("dm_stats_bind_uuid", 0; dms: handle_mut, uuid: string => {
        dms.changing().bind_uuid(uuid);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_from_fd(dms: *mut dm_stats, fd: c_int) -> c_int {
    ffi!("dm_stats_bind_from_fd", 0; dms: handle_mut => {
        let Some(fd) = arg::fd(fd) else {
            crate::log_error!(errno = libc::EBADF; "fstat failed for fd {fd}.");
            return 0;
        };
        status(dms.changing().bind_from_fd(fd))
    })
}

fn supports_precise() -> c_int {
    stats::driver_supports_precise(&*crate::kernel::default_kernel()) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn dm_message_supports_precise_timestamps() -> c_int {
    ffi!("dm_message_supports_precise_timestamps", 0 => { supports_precise() })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_driver_supports_precise() -> c_int {
    ffi!("dm_message_supports_precise_timestamps", 0 => { supports_precise() })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_driver_supports_histogram() -> c_int {
    ffi!("dm_message_supports_precise_timestamps", 0 => { supports_precise() })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_precise_timestamps(dms: *const dm_stats, region_id: u64) -> c_int {
    ffi!("dm_stats_get_region_precise_timestamps", 0; dms: handle => dms.stats.region_precise(region_id) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_precise_timestamps(dms: *const dm_stats) -> c_int {
    ffi!("dm_stats_get_current_region_precise_timestamps", 0; dms: handle => dms.stats.region_precise(stats::CURRENT) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_list(dms: *mut dm_stats, program_id: *const c_char) -> c_int {
    ffi!("dm_stats_list", 0; dms: handle_mut, program_id: opt_string => status(dms.changing().list(program_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_populate(dms: *mut dm_stats, program_id: *const c_char, region_id: u64) -> c_int {
    ffi!("dm_stats_populate", 0; dms: handle_mut, program_id: opt_string => on_ok(dms.changing().populate(program_id, region_id), c_int::from))
}

/// Creates a region; `bounds` NULL for none.
#[allow(clippy::too_many_arguments)]
fn create_region(dms: *mut dm_stats, region_id: *mut u64, start: u64, len: u64, step: i64, precise: c_int, bounds: *mut dm_histogram, program_id: *const c_char, user_data: *const c_char) -> c_int {
    const NAME: &str = "dm_stats_create_region";
    require!("dm_stats_create_region", dms, 0);
    let Some(program_id) = opt_string(NAME, "program_id", program_id) else { return 0 };
    let Some(aux) = opt_string(NAME, "user_data", user_data) else { return 0 };
    let (Some(bounds), Some(c)) = (opt_bounds(NAME, "bounds", bounds), handle_mut(NAME, "dms", dms)) else { return 0 };
    on_ok(c.stats.create_region(start, len, step, precise, bounds.as_ref(), program_id, aux.unwrap_or("")), |id| {
        arg::Out::from(region_id).set(id);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region(dms: *mut dm_stats, region_id: *mut u64, start: u64, len: u64, step: i64, precise: c_int, bounds: *mut dm_histogram, program_id: *const c_char, user_data: *const c_char) -> c_int {
    ffi!("dm_stats_create_region", 0 => { create_region(dms, region_id, start, len, step, precise, bounds, program_id, user_data) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region_v1_02_104(dms: *mut dm_stats, region_id: *mut u64, start: u64, len: u64, step: i64, program_id: *const c_char, aux_data: *const c_char) -> c_int {
    ffi!("dm_stats_create_region", 0 => { create_region(dms, region_id, start, len, step, 0, ptr::null_mut(), program_id, aux_data) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region_v1_02_106(dms: *mut dm_stats, region_id: *mut u64, start: u64, len: u64, step: i64, precise: c_int, program_id: *const c_char, aux_data: *const c_char) -> c_int {
    ffi!("dm_stats_create_region", 0 => { create_region(dms, region_id, start, len, step, precise, ptr::null_mut(), program_id, aux_data) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_delete_region(dms: *mut dm_stats, region_id: u64) -> c_int {
    ffi!("dm_stats_delete_region", 0; dms: handle_mut => status(dms.changing().delete_region(region_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_clear_region(dms: *mut dm_stats, region_id: u64) -> c_int {
    ffi!("dm_stats_clear_region", 0; dms: handle => status(dms.stats.clear_region(region_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_print_region(dms: *mut dm_stats, region_id: u64, start_line: c_uint, num_lines: c_uint, clear: c_uint) -> *mut c_char {
    ffi!("dm_stats_print_region", ptr::null_mut(); dms: handle => ok(dms.stats.print_region(region_id, start_line, num_lines, clear != 0)).map_or(ptr::null_mut(), |text| {
        let buffer = CText::new(&text.replace('\0', ""));
        let p = buffer.as_ptr();
        dms.buffers.borrow_mut().push(buffer);
        p
    }))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_buffer_destroy(dms: *mut dm_stats, buffer: *mut c_char) {
    ffi!("dm_stats_buffer_destroy", (); dms: handle => {
        if buffer.is_null() {
            return;
        }
        let mut buffers = dms.buffers.borrow_mut();
        match buffers.iter().position(|b| b.as_ptr() == buffer) {
            Some(i) => drop(buffers.swap_remove(i)),
            None => crate::log_error!(errno = libc::EINVAL; "dm_stats_buffer_destroy: not a buffer of this handle"),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_regions(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_nr_regions", 0; dms: handle => dms.stats.nr_regions())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_groups(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_nr_groups", 0; dms: handle => dms.stats.nr_groups())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_region_present(dms: *const dm_stats, region_id: u64) -> c_int {
    ffi!("dm_stats_region_present", 0; dms: handle => dms.stats.region_present(region_id) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_nr_areas(dms: *const dm_stats, region_id: u64) -> u64 {
    ffi!("dm_stats_get_region_nr_areas", 0; dms: handle => dms.stats.region_nr_areas(region_id))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_areas(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_nr_areas", 0; dms: handle => dms.stats.nr_areas())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_group_present(dms: *const dm_stats, group_id: u64) -> c_int {
    ffi!("dm_stats_group_present", 0; dms: handle => dms.stats.group_present(group_id) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_nr_histogram_bins(dms: *const dm_stats, region_id: u64) -> c_int {
    ffi!("dm_stats_get_region_nr_histogram_bins", 0; dms: handle => dms.stats.region_nr_histogram_bins(region_id) as c_int)
}

// ---- histograms ---------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_from_string(bounds_str: *const c_char) -> *mut dm_histogram {
    ffi!("dm_histogram_bounds_from_string", ptr::null_mut(); bounds_str: string => ok(Histogram::parse_bounds(bounds_str)).map_or(ptr::null_mut(), new_bounds))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_from_uint64(bounds: *const u64) -> *mut dm_histogram {
    ffi!("dm_histogram_bounds_from_uint64", ptr::null_mut() => { ok(Histogram::from_bounds(arg::terminated(bounds, |&b| b == 0))).map_or(ptr::null_mut(), new_bounds) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_destroy(bounds: *mut dm_histogram) {
    ffi!("dm_histogram_bounds_destroy", () => {
        if bounds.is_null() {
            return;
        }
        let Some(b) = histogram("dm_histogram_bounds_destroy", "bounds", bounds) else { return };
        if b.owned {
            crate::log_error!(errno = libc::EINVAL; "Freeing invalid histogram bounds pointer {bounds:p}.");
            return;
        }
        h::free_box(bounds);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_histogram(dms: *const dm_stats, region_id: u64, area_id: u64) -> *mut dm_histogram {
    ffi!("dm_stats_get_histogram", ptr::null_mut(); dms: handle => {
        let key = dms.stats.resolve(region_id, area_id);
        let Some(hg) = dms.stats.histogram(region_id, area_id) else { return ptr::null_mut() };
        let mut map = dms.histograms.borrow_mut();
        let entry = map.entry(key).or_insert_with(|| Box::new(CHistogram { magic: HIST_MAGIC, hist: hg.clone(), owned: true, texts: RefCell::new(Vec::new()) }));
        entry.hist = hg;
        &**entry as *const CHistogram as *mut dm_histogram
    })
}

/// A histogram's data (see [`histogram`]).
fn hist_data<'a>(function: &str, argument: &str, p: *const dm_histogram) -> Option<&'a Histogram> {
    histogram(function, argument, p).map(|c| &c.hist)
}

fn bin_index(bin: c_int) -> usize {
    usize::try_from(bin).unwrap_or(usize::MAX)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_nr_bins(dmh: *const dm_histogram) -> c_int {
    ffi!("dm_histogram_get_nr_bins", 0; dmh: hist_data => dmh.nr_bins() as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_lower(dmh: *const dm_histogram, bin: c_int) -> u64 {
    ffi!("dm_histogram_get_bin_lower", 0; dmh: hist_data => dmh.bin_lower(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_upper(dmh: *const dm_histogram, bin: c_int) -> u64 {
    ffi!("dm_histogram_get_bin_upper", 0; dmh: hist_data => dmh.bin_upper(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_width(dmh: *const dm_histogram, bin: c_int) -> u64 {
    ffi!("dm_histogram_get_bin_width", 0; dmh: hist_data => dmh.bin_width(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_count(dmh: *const dm_histogram, bin: c_int) -> u64 {
    ffi!("dm_histogram_get_bin_count", 0; dmh: hist_data => dmh.bin_count(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_percent(dmh: *const dm_histogram, bin: c_int) -> dm_percent_t {
    ffi!("dm_histogram_get_bin_percent", 0; dmh: hist_data => dmh.bin_percent(bin_index(bin)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_sum(dmh: *const dm_histogram) -> u64 {
    ffi!("dm_histogram_get_sum", 0; dmh: hist_data => dmh.sum)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_to_string(dmh: *const dm_histogram, bin: c_int, width: c_int, flags: c_int) -> *const c_char {
    ffi!("dm_histogram_to_string", ptr::null(); dmh: histogram => {
        if bin >= dmh.hist.nr_bins() as c_int {
            crate::log_error!(errno = libc::EINVAL; "dm_histogram_to_string: no bin {bin}");
            return ptr::null();
        }
        let s = CString::new(dmh.hist.to_text(bin, width, flags)).unwrap_or_default();
        let p = s.as_ptr();
        dmh.texts.borrow_mut().push(s);
        p
    })
}

// ---- settings ------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_sampling_interval_ns(dms: *mut dm_stats, interval_ns: u64) {
    ffi!("dm_stats_set_sampling_interval_ns", (); dms: handle_mut => dms.stats.set_interval_ns(interval_ns))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_sampling_interval_ms(dms: *mut dm_stats, interval_ms: u64) {
    ffi!("dm_stats_set_sampling_interval_ms", (); dms: handle_mut => dms.stats.set_interval_ms(interval_ms))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_sampling_interval_ns(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_sampling_interval_ns", 0; dms: handle => dms.stats.interval_ns())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_sampling_interval_ms(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_sampling_interval_ms", 0; dms: handle => dms.stats.interval_ms())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_program_id(dms: *mut dm_stats, allow_empty: c_int, program_id: *const c_char) -> c_int {
    ffi!("dm_stats_set_program_id", 0; dms: handle_mut, program_id: opt_string => status(dms.stats.set_program_id(allow_empty != 0, program_id)))
}

// ---- region and area geometry -------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_start(dms: *const dm_stats, start: *mut u64, region_id: u64) -> c_int {
    ffi!("dm_stats_get_region_start", 0; dms: handle, start: opt_out => put(start, dms.stats.region_start(region_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_len(dms: *const dm_stats, len: *mut u64, region_id: u64) -> c_int {
    ffi!("dm_stats_get_region_len", 0; dms: handle, len: opt_out => put_ok(len, dms.stats.region_len(region_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_area_len(dms: *const dm_stats, len: *mut u64, region_id: u64) -> c_int {
    ffi!("dm_stats_get_region_area_len", 0; dms: handle, len: opt_out => put_ok(len, dms.stats.region_area_len(region_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_area_start(dms: *const dm_stats, start: *mut u64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_area_start", 0; dms: handle, start: opt_out => put(start, dms.stats.area_start(region_id, area_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_area_offset(dms: *const dm_stats, offset: *mut u64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_area_offset", 0; dms: handle, offset: opt_out => put(offset, dms.stats.area_offset(region_id, area_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_program_id(dms: *const dm_stats, region_id: u64) -> *const c_char {
    ffi!("dm_stats_get_region_program_id", ptr::null(); dms: handle => dms.intern(dms.stats.region_program_id(region_id).unwrap_or("")))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_aux_data(dms: *const dm_stats, region_id: u64) -> *const c_char {
    ffi!("dm_stats_get_region_aux_data", ptr::null(); dms: handle => dms.intern(dms.stats.region_aux_data(region_id).unwrap_or("")))
}

// ---- walks ------------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_init(dms: *mut dm_stats, flags: u64) -> c_int {
    ffi!("dm_stats_walk_init", 0; dms: handle_mut => status(dms.stats.walk_init(flags)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_start(dms: *mut dm_stats) {
    ffi!("dm_stats_walk_start", (); dms: handle_mut => dms.stats.walk_start())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_next(dms: *mut dm_stats) {
    ffi!("dm_stats_walk_next", (); dms: handle_mut => dms.stats.walk_next())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_next_region(dms: *mut dm_stats) {
    ffi!("dm_stats_walk_next_region", (); dms: handle_mut => dms.stats.walk_next_region())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_end(dms: *mut dm_stats) -> c_int {
    ffi!("dm_stats_walk_end", 1 => { h::opt_mut_from_ptr(dms).map_or(1, |c| c.stats.walk_end() as c_int) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_object_type(dms: *const dm_stats, region_id: u64, area_id: u64) -> dm_stats_obj_type_t {
    ffi!("dm_stats_object_type", dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_NONE; dms: handle => obj(dms.stats.object_type(region_id, area_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_current_object_type(dms: *const dm_stats) -> dm_stats_obj_type_t {
    ffi!("dm_stats_current_object_type", dm_stats_obj_type_t::DM_STATS_OBJECT_TYPE_NONE; dms: handle => obj(dms.stats.object_type(stats::CURRENT, stats::CURRENT)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_nr_areas(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_current_nr_areas", 0; dms: handle => dms.stats.region_nr_areas(dms.stats.cursor().region))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_current_region", 0; dms: handle => dms.stats.cursor().region)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area(dms: *const dm_stats) -> u64 {
    ffi!("dm_stats_get_current_area", 0; dms: handle => dms.stats.cursor().area & !stats::WALK_ALL)
}

// The `current` forms ask the same of the region or area the walk is at.

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_start(dms: *const dm_stats, start: *mut u64) -> c_int {
    ffi!("dm_stats_get_current_region_start", 0; dms: handle, start: opt_out => put(start, dms.stats.region_start(dms.stats.cursor().region)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_len(dms: *const dm_stats, len: *mut u64) -> c_int {
    ffi!("dm_stats_get_current_region_len", 0; dms: handle, len: opt_out => put_ok(len, dms.stats.region_len(dms.stats.cursor().region)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_area_len(dms: *const dm_stats, area_len: *mut u64) -> c_int {
    ffi!("dm_stats_get_current_region_area_len", 0; dms: handle, area_len: opt_out => put_ok(area_len, dms.stats.region_area_len(dms.stats.cursor().region)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_start(dms: *const dm_stats, start: *mut u64) -> c_int {
    ffi!("dm_stats_get_current_area_start", 0; dms: handle, start: opt_out => put(start, dms.stats.current_area_start()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_offset(dms: *const dm_stats, offset: *mut u64) -> c_int {
    ffi!("dm_stats_get_current_area_offset", 0; dms: handle, offset: opt_out => put(offset, dms.stats.current_area_offset()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_len(dms: *const dm_stats, start: *mut u64) -> c_int {
    ffi!("dm_stats_get_current_area_len", 0; dms: handle, start: opt_out => put_ok(start, dms.stats.region_area_len(dms.stats.cursor().region)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_program_id(dms: *const dm_stats) -> *const c_char {
    ffi!("dm_stats_get_current_region_program_id", ptr::null(); dms: handle => dms.intern(dms.stats.region_program_id(dms.stats.cursor().region).unwrap_or("")))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_aux_data(dms: *const dm_stats) -> *const c_char {
    ffi!("dm_stats_get_current_region_aux_data", ptr::null(); dms: handle => dms.intern(dms.stats.region_aux_data(dms.stats.cursor().region).unwrap_or("")))
}

// ---- groups and aliases --------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_group(dms: *mut dm_stats, group: *const c_char, alias: *const c_char, group_id: *mut u64) -> c_int {
    ffi!("dm_stats_create_group", 0; dms: handle_mut, group: string, alias: opt_string, group_id: opt_out => put_ok(group_id, dms.stats.create_group(group, alias)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_delete_group(dms: *mut dm_stats, group_id: u64, remove: c_int) -> c_int {
    ffi!("dm_stats_delete_group", 0; dms: handle_mut => status(dms.changing().delete_group(group_id, remove != 0)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_alias(dms: *mut dm_stats, group_id: u64, alias: *const c_char) -> c_int {
    ffi!("dm_stats_set_alias", 0; dms: handle_mut, alias: string => status(dms.stats.set_alias(group_id, alias)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_alias(dms: *const dm_stats, id: u64) -> *const c_char {
    ffi!("dm_stats_get_alias", ptr::null(); dms: handle => dms.stats.alias(id).map_or(ptr::null(), |a| dms.intern(a)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_group_id(dms: *const dm_stats, region_id: u64) -> u64 {
    ffi!("dm_stats_get_group_id", stats::GROUP_NONE; dms: handle => dms.stats.group_id(region_id))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_group_descriptor(dms: *const dm_stats, group_id: u64, buf: *mut *mut c_char) -> c_int {
    ffi!("dm_stats_get_group_descriptor", 0; dms: handle, buf: out => on_ok(dms.stats.group_descriptor(group_id), |d| c_int::from(buf.set(dms.intern(&d).cast_mut()))))
}

// ---- file maps ------------------------------------------------------------------------

/// A region id list ending with `DM_STATS_REGION_NOT_PRESENT`, allocated
/// like dm_malloc (the caller frees it with dm_free).
fn id_table(ids: Result<Vec<u64>, StatsError>) -> *mut u64 {
    let Some(mut ids) = ok(ids) else { return ptr::null_mut() };
    ids.push(stats::NOT_PRESENT);
    CMem::Malloc.copy(&ids).unwrap_or_else(|| {
        crate::log_error!(errno = libc::ENOMEM; "Could not allocate memory for region IDs.");
        ptr::null_mut()
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_regions_from_fd(dms: *mut dm_stats, fd: c_int, group: c_int, precise: c_int, bounds: *mut dm_histogram, alias: *const c_char) -> *mut u64 {
    ffi!("dm_stats_create_regions_from_fd", ptr::null_mut(); dms: handle_mut, alias: opt_string, bounds: opt_bounds => {
        let Some(fd) = arg::fd(fd) else {
            crate::log_error!(errno = libc::EBADF; "fstat failed for fd {fd}");
            return ptr::null_mut();
        };
        id_table(dms.changing().create_regions_from_fd(fd, group != 0, precise > 0, bounds.as_ref(), alias))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_update_regions_from_fd(dms: *mut dm_stats, fd: c_int, group_id: u64) -> *mut u64 {
    ffi!("dm_stats_update_regions_from_fd", ptr::null_mut(); dms: handle_mut => {
        let Some(fd) = arg::fd(fd) else {
            crate::log_error!(errno = libc::EBADF; "fstat failed for fd {fd}");
            return ptr::null_mut();
        };
        id_table(dms.changing().update_regions_from_fd(fd, group_id))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_filemapd_mode_from_string(mode_str: *const c_char) -> dm_filemapd_mode_t {
    ffi!("dm_filemapd_mode_from_string", dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_NONE; mode_str: opt_string => match ok(filemap::FollowMode::parse(mode_str)) {
        Some(filemap::FollowMode::Inode) => dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_INODE,
        Some(filemap::FollowMode::Path) => dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_PATH,
        Some(filemap::FollowMode::None) | None => dm_filemapd_mode_t::DM_FILEMAPD_FOLLOW_NONE,
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_start_filemapd(fd: c_int, group_id: u64, path: *const c_char, mode: c_int, foreground: c_uint, verbose: c_uint) -> c_int {
    ffi!("dm_stats_start_filemapd", 0; path: string => status(filemap::start_filemapd(fd, group_id, path, mode, foreground, verbose)))
}

// ---- counters and metrics ----------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_counter(dms: *const dm_stats, counter: c_int, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_counter", 0; dms: handle => ok(Counter::from_index(counter)).map_or(0, |k| dms.stats.counter(k, region_id, area_id)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_reads", 0; dms: handle => dms.stats.counter(Counter::Reads, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads_merged(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_reads_merged", 0; dms: handle => dms.stats.counter(Counter::ReadsMerged, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_sectors(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_read_sectors", 0; dms: handle => dms.stats.counter(Counter::ReadSectors, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_read_nsecs", 0; dms: handle => dms.stats.counter(Counter::ReadNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_writes", 0; dms: handle => dms.stats.counter(Counter::Writes, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes_merged(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_writes_merged", 0; dms: handle => dms.stats.counter(Counter::WritesMerged, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_sectors(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_write_sectors", 0; dms: handle => dms.stats.counter(Counter::WriteSectors, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_write_nsecs", 0; dms: handle => dms.stats.counter(Counter::WriteNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_io_in_progress(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_io_in_progress", 0; dms: handle => dms.stats.counter(Counter::IoInProgress, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_io_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_io_nsecs", 0; dms: handle => dms.stats.counter(Counter::IoNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_weighted_io_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_weighted_io_nsecs", 0; dms: handle => dms.stats.counter(Counter::WeightedIoNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_total_read_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_total_read_nsecs", 0; dms: handle => dms.stats.counter(Counter::TotalReadNsecs, region_id, area_id))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_total_write_nsecs(dms: *const dm_stats, region_id: u64, area_id: u64) -> u64 {
    ffi!("dm_stats_get_total_write_nsecs", 0; dms: handle => dms.stats.counter(Counter::TotalWriteNsecs, region_id, area_id))
}

/// A metric through an out-pointer; 1 or 0.
fn metric_out(c: &CStats, metric: Metric, region_id: u64, area_id: u64, value: Out<f64>) -> c_int {
    put(value, c.stats.metric(metric, region_id, area_id).ok())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_metric(dms: *const dm_stats, metric: c_int, region_id: u64, area_id: u64, value: *mut f64) -> c_int {
    ffi!("dm_stats_get_metric", 0; dms: handle, value: opt_out => ok(Metric::from_index(metric)).map_or(0, |m| metric_out(dms, m, region_id, area_id, value)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_rd_merges_per_sec(dms: *const dm_stats, rrqm: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_rd_merges_per_sec", 0; dms: handle, rrqm: opt_out => metric_out(dms, Metric::RdMergesPerSec, region_id, area_id, rrqm))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_wr_merges_per_sec(dms: *const dm_stats, wrqm: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_wr_merges_per_sec", 0; dms: handle, wrqm: opt_out => metric_out(dms, Metric::WrMergesPerSec, region_id, area_id, wrqm))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads_per_sec(dms: *const dm_stats, rd_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_reads_per_sec", 0; dms: handle, rd_s: opt_out => metric_out(dms, Metric::ReadsPerSec, region_id, area_id, rd_s))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes_per_sec(dms: *const dm_stats, wr_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_writes_per_sec", 0; dms: handle, wr_s: opt_out => metric_out(dms, Metric::WritesPerSec, region_id, area_id, wr_s))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_sectors_per_sec(dms: *const dm_stats, rsec_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_read_sectors_per_sec", 0; dms: handle, rsec_s: opt_out => metric_out(dms, Metric::ReadSectorsPerSec, region_id, area_id, rsec_s))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_sectors_per_sec(dms: *const dm_stats, wsec_s: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_write_sectors_per_sec", 0; dms: handle, wsec_s: opt_out => metric_out(dms, Metric::WriteSectorsPerSec, region_id, area_id, wsec_s))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_request_size(dms: *const dm_stats, arqsz: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_average_request_size", 0; dms: handle, arqsz: opt_out => metric_out(dms, Metric::AverageRequestSize, region_id, area_id, arqsz))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_service_time(dms: *const dm_stats, svctm: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_service_time", 0; dms: handle, svctm: opt_out => metric_out(dms, Metric::ServiceTime, region_id, area_id, svctm))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_queue_size(dms: *const dm_stats, qusz: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_average_queue_size", 0; dms: handle, qusz: opt_out => metric_out(dms, Metric::AverageQueueSize, region_id, area_id, qusz))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_wait_time(dms: *const dm_stats, await_: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_average_wait_time", 0; dms: handle, await_: opt_out => metric_out(dms, Metric::AverageWaitTime, region_id, area_id, await_))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_rd_wait_time(dms: *const dm_stats, await_: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_average_rd_wait_time", 0; dms: handle, await_: opt_out => metric_out(dms, Metric::AverageRdWaitTime, region_id, area_id, await_))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_wr_wait_time(dms: *const dm_stats, await_: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_average_wr_wait_time", 0; dms: handle, await_: opt_out => metric_out(dms, Metric::AverageWrWaitTime, region_id, area_id, await_))
}
#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_throughput(dms: *const dm_stats, tput: *mut f64, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_throughput", 0; dms: handle, tput: opt_out => metric_out(dms, Metric::Throughput, region_id, area_id, tput))
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_utilization(dms: *const dm_stats, util: *mut dm_percent_t, region_id: u64, area_id: u64) -> c_int {
    ffi!("dm_stats_get_utilization", 0; dms: handle, util: opt_out => put(util, dms.stats.utilization_percent(region_id, area_id).ok()))
}
