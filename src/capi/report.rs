//! C entry points: report. A `struct dm_report *` is a boxed [`CReport`]:
//! the engine ([`crate::report::Report`]) plus what C callers hand over
//! (their field and type tables, private data) and the pool their report
//! functions allocate from. A `struct dm_report_field *` passed to a report
//! function is a [`CField`] that the `dm_report_field_*` setters fill.
//! A `struct dm_report_group *` is a boxed [`Group`].

use std::collections::HashMap;
use std::ffi::*;
use std::ptr;

use crate::capi::types::*;
use crate::report::flags::*;
use crate::report::{Column, FieldDef, Group, GroupKind, Report, ReservedDef, ReservedValue, Sort, TypeDef, Value};

/// `require!` for functions that return nothing.
macro_rules! require_void {
    ($name:literal, $ptr:ident) => {
        if $ptr.is_null() {
            $crate::capi::boundary::log_null($name, stringify!($ptr));
            return;
        }
    };
}

/// The C handle behind `struct dm_report *`.
pub struct CReport {
    engine: Report,
    mem: *mut dm_pool,
    fields: *const dm_report_field_type,
    types: *const dm_report_object_type,
    private: *mut c_void,
    cache: HashMap<Vec<u8>, *const c_void>,
    /// A pool allocation made before the first buffered row's values:
    /// freeing it releases everything the report functions allocated.
    mark: *mut c_void,
    /// The columns and their field flags (fixed once the report is made).
    columns: Vec<(Column, u32)>,
}

/// The C handle behind `struct dm_report_field *`.
pub struct CField {
    flags: u32,
    value: Option<Value>,
}

/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn bytes<'a>(p: *const c_char) -> Option<&'a [u8]> {
    if p.is_null() {
        None
    } else {
        // SAFETY: per this function's contract.
        Some(unsafe { CStr::from_ptr(p) }.to_bytes())
    }
}

fn fixed(a: &[c_char; 32]) -> String {
    let b: Vec<u8> = a.iter().map(|&c| c as u8).take_while(|&c| c != 0).collect();
    String::from_utf8_lossy(&b).into_owned()
}

fn lossy(p: Option<&[u8]>) -> String {
    p.map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
}

/// The caller's type table (up to the entry without a data function).
///
/// # Safety
/// `types` is NULL or such a table.
unsafe fn c_types(types: *const dm_report_object_type) -> Vec<TypeDef> {
    let mut out = Vec::new();
    if types.is_null() {
        return out;
    }
    let mut i = 0;
    loop {
        // SAFETY: the table is terminated by an entry without data_fn.
        let t = unsafe { &*types.add(i) };
        if t.data_fn.is_none() {
            break;
        }
        // SAFETY: desc and prefix are NULL or C strings.
        let (desc, prefix) = unsafe { (bytes(t.desc), bytes(t.prefix)) };
        out.push(TypeDef { id: t.id, desc: lossy(desc), prefix: lossy(prefix) });
        i += 1;
    }
    out
}

/// The caller's field table (up to the entry without a report function).
///
/// # Safety
/// `fields` is NULL or such a table.
unsafe fn c_fields(fields: *const dm_report_field_type) -> Vec<FieldDef> {
    let mut out = Vec::new();
    if fields.is_null() {
        return out;
    }
    let mut i = 0;
    loop {
        // SAFETY: the table is terminated by an entry without report_fn.
        let f = unsafe { &*fields.add(i) };
        if f.report_fn.is_none() {
            break;
        }
        // SAFETY: desc is NULL or a C string.
        let desc = unsafe { bytes(f.desc) };
        out.push(FieldDef { type_id: f.r#type, flags: f.flags, width: f.width, id: fixed(&f.id), heading: fixed(&f.heading), desc: lossy(desc) });
        i += 1;
    }
    out
}

/// # Safety
/// `p` points to `n` readable u64/f64/i64 values (by `kind`).
unsafe fn read_u64(p: *const c_void, i: usize) -> u64 {
    // SAFETY: per this function's contract.
    unsafe { ptr::read_unaligned((p as *const u64).add(i)) }
}

/// The caller's reserved values, converted by type.
///
/// # Safety
/// `res` is NULL or an array terminated by an entry with a NULL value, as
/// the header describes.
unsafe fn c_reserved(res: *const dm_report_reserved_value, fields: &[FieldDef]) -> Option<Vec<ReservedDef>> {
    if res.is_null() {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // SAFETY: per this function's contract.
        let r = unsafe { &*res.add(i) };
        if r.value.is_null() {
            break;
        }
        let mut names = Vec::new();
        if !r.names.is_null() {
            let mut j = 0;
            loop {
                // SAFETY: names is a NULL-terminated array of C strings.
                let n = unsafe { *r.names.add(j) };
                if n.is_null() {
                    break;
                }
                // SAFETY: a C string.
                names.push(unsafe { CStr::from_ptr(n) }.to_bytes().to_vec());
                j += 1;
            }
        }
        let (field_num, vtype, vptr) = if r.r#type & TYPE_MASK == 0 {
            // SAFETY: a per-field reserved value points to this struct.
            let frv = unsafe { &*(r.value as *const dm_report_field_reserved_value) };
            let t = fields.get(frv.field_num as usize).map_or(0, |f| f.flags & TYPE_MASK);
            (Some(frv.field_num), t, frv.value)
        } else {
            (None, r.r#type & TYPE_MASK, r.value)
        };
        let range = r.r#type & crate::report::selection::RESERVED_RANGE != 0;
        let value = if r.r#type & (crate::report::selection::RESERVED_DYNAMIC | crate::report::selection::RESERVED_FUZZY) != 0 || vptr.is_null() {
            ReservedValue::Handler
        } else {
            // SAFETY: the value has the type the header gives for its field type.
            unsafe {
                match vtype {
                    TYPE_NUMBER | TYPE_PERCENT if range => ReservedValue::NumRange(read_u64(vptr, 0), read_u64(vptr, 1)),
                    TYPE_NUMBER | TYPE_PERCENT => ReservedValue::Num(read_u64(vptr, 0)),
                    TYPE_SIZE if range => ReservedValue::DblRange(f64::from_bits(read_u64(vptr, 0)), f64::from_bits(read_u64(vptr, 1))),
                    TYPE_SIZE => ReservedValue::Dbl(f64::from_bits(read_u64(vptr, 0))),
                    TYPE_TIME if range => ReservedValue::TimeRange(read_u64(vptr, 0) as i64, read_u64(vptr, 1) as i64),
                    TYPE_TIME => ReservedValue::Time(read_u64(vptr, 0) as i64),
                    TYPE_STRING => ReservedValue::Str(CStr::from_ptr(vptr as *const c_char).to_bytes().to_vec()),
                    _ => ReservedValue::Handler,
                }
            }
        };
        // SAFETY: description is NULL or a C string.
        let description = lossy(unsafe { bytes(r.description) });
        out.push(ReservedDef { type_: r.r#type, field_num, value, names, description });
        i += 1;
    }
    Some(out)
}

/// # Safety
/// `rh` comes from `dm_report_init*` and is not freed; no other reference
/// to it is live.
unsafe fn creport<'a>(rh: *mut dm_report) -> &'a mut CReport {
    // SAFETY: per this function's contract.
    unsafe { &mut *(rh as *mut CReport) }
}

#[allow(clippy::too_many_arguments)]
unsafe fn init(
    report_types: *mut u32,
    types: *const dm_report_object_type,
    fields: *const dm_report_field_type,
    output_fields: *const c_char,
    output_separator: *const c_char,
    output_flags: u32,
    sort_keys: *const c_char,
    selection: Option<*const c_char>,
    reserved: *const dm_report_reserved_value,
    private_data: *mut c_void,
) -> *mut dm_report {
    // SAFETY: the tables and strings follow the header's contract.
    let (tv, fv) = unsafe { (c_types(types), c_fields(fields)) };
    // SAFETY: as above.
    let (of, sep, keys) = unsafe { (bytes(output_fields).unwrap_or(b""), bytes(output_separator).unwrap_or(b""), bytes(sort_keys)) };
    // SAFETY: report_types is NULL or points to a u32.
    let rt = unsafe { report_types.as_mut() };
    let engine = match selection {
        None => Report::new(rt, tv, fv, of, sep, output_flags, keys),
        Some(sel) => {
            // SAFETY: as above.
            let res = unsafe { c_reserved(reserved, &c_fields(fields)) };
            // SAFETY: selection is NULL or a C string.
            let sel = unsafe { bytes(sel) };
            Report::with_selection(rt, tv, fv, of, sep, output_flags, keys, sel, res)
        }
    };
    let engine = match engine {
        Ok(e) => e,
        Err(_) => return ptr::null_mut(),
    };
    // SAFETY: creating a pool has no preconditions.
    let mem = unsafe { crate::capi::pool::dm_pool_create(c"report".as_ptr(), 10 * 1024) };
    if mem.is_null() {
        crate::log_error!("dm_report_init: allocation of memory pool failed");
        return ptr::null_mut();
    }
    let columns = engine.columns().into_iter().enumerate().map(|(i, c)| (c, engine.column_flags(i))).collect();
    let rh = CReport { engine, mem, fields, types, private: private_data, cache: HashMap::new(), mark: ptr::null_mut(), columns };
    Box::into_raw(Box::new(rh)) as *mut dm_report
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_value_cache_set(rh: *mut dm_report, name: *const c_char, data: *const c_void) -> c_int {
    ffi!("dm_report_value_cache_set", 0 => {
        require!("dm_report_value_cache_set", rh, 0);
        require!("dm_report_value_cache_set", name, 0);
        // SAFETY: a live report and a C string.
        let (r, name) = unsafe { (creport(rh), CStr::from_ptr(name).to_bytes().to_vec()) };
        r.cache.insert(name, data);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_value_cache_get(rh: *mut dm_report, name: *const c_char) -> *const c_void {
    ffi!("dm_report_value_cache_get", ptr::null() => {
        require!("dm_report_value_cache_get", rh, ptr::null());
        require!("dm_report_value_cache_get", name, ptr::null());
        // SAFETY: a live report and a C string.
        let (r, name) = unsafe { (creport(rh), CStr::from_ptr(name).to_bytes()) };
        r.cache.get(name).copied().unwrap_or(ptr::null())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_init(report_types: *mut u32, types: *const dm_report_object_type, fields: *const dm_report_field_type, output_fields: *const c_char, output_separator: *const c_char, output_flags: u32, sort_keys: *const c_char, private_data: *mut c_void) -> *mut dm_report {
    ffi!("dm_report_init", ptr::null_mut() => {
        require!("dm_report_init", types, ptr::null_mut());
        require!("dm_report_init", fields, ptr::null_mut());
        // SAFETY: the caller's tables and strings, per the header.
        unsafe { init(report_types, types, fields, output_fields, output_separator, output_flags, sort_keys, None, ptr::null(), private_data) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_init_with_selection(report_types: *mut u32, types: *const dm_report_object_type, fields: *const dm_report_field_type, output_fields: *const c_char, output_separator: *const c_char, output_flags: u32, sort_keys: *const c_char, selection: *const c_char, reserved_values: *const dm_report_reserved_value, private_data: *mut c_void) -> *mut dm_report {
    ffi!("dm_report_init_with_selection", ptr::null_mut() => {
        require!("dm_report_init_with_selection", types, ptr::null_mut());
        require!("dm_report_init_with_selection", fields, ptr::null_mut());
        // SAFETY: the caller's tables and strings, per the header.
        unsafe { init(report_types, types, fields, output_fields, output_separator, output_flags, sort_keys, Some(selection), reserved_values, private_data) }
    })
}

/// libdm's `_do_report_object`.
unsafe fn do_report_object(rh: *mut dm_report, object: *mut c_void, do_output: bool, selected: *mut c_int) -> c_int {
    if !do_output && selected.is_null() {
        crate::log_error!("{}_do_report_object: output not requested and selected output variable is NULL too.", crate::log::INTERNAL_ERROR);
        return 0;
    }
    // Short borrows only: report functions call back into this report.
    let (columns, fields, types, mem, private) = {
        // SAFETY: a live report.
        let r = unsafe { creport(rh) };
        if r.engine.already_reported() {
            return 1;
        }
        if r.mark.is_null() && do_output {
            // SAFETY: the report's own pool.
            r.mark = unsafe { crate::capi::pool::dm_pool_alloc(r.mem, 1) };
        }
        ((r.columns.as_ptr(), r.columns.len()), r.fields, r.types, r.mem, r.private)
    };
    let (cols, ncols) = (columns.0, columns.1);
    // SAFETY: the column list is not changed while objects are reported
    // (report functions cannot add columns).
    let columns = unsafe { std::slice::from_raw_parts(cols, ncols) };
    let mut values = Vec::with_capacity(columns.len());
    for &(col, flags) in columns {
        match col {
            Column::User { field, type_idx } => {
                // SAFETY: the caller's tables, which outlive the report.
                let (f, t) = unsafe { (&*fields.add(field), &*types.add(type_idx)) };
                let id = || fixed(&f.id);
                if object.is_null() {
                    crate::log_error!("{}_report_get_field_data: missing object.", crate::log::INTERNAL_ERROR);
                    crate::log_error!("_do_report_object: no data assigned to field {}", id());
                    return 0;
                }
                // SAFETY: the caller's data function on its object.
                let base = unsafe { (t.data_fn.expect("type has a data_fn"))(object) };
                if base.is_null() {
                    crate::log_error!("_do_report_object: no data assigned to field {}", id());
                    return 0;
                }
                // SAFETY: the offset is within the object the caller describes.
                let data = unsafe { (base as *const u8).add(f.offset as usize) } as *const c_void;
                let mut cf = CField { flags, value: None };
                let report_fn = f.report_fn.expect("field has a report_fn");
                // SAFETY: the caller's report function with its own arguments.
                let ok = unsafe { report_fn(rh, mem, &mut cf as *mut CField as *mut dm_report_field, data, private) };
                if ok == 0 {
                    crate::log_error!("_do_report_object: report function failed for field {}", id());
                    return 0;
                }
                values.push(cf.value);
            }
            Column::Selected | Column::Nothing => values.push(None),
        }
    }
    // SAFETY: a live report; no C call below.
    let r = unsafe { creport(rh) };
    match r.engine.add_row(values, do_output) {
        Ok(sel) => {
            if !selected.is_null() {
                // SAFETY: the caller's int.
                unsafe { *selected = c_int::from(sel) };
            }
            if r.engine.is_empty() && !r.mark.is_null() && r.engine.flags & OUTPUT_BUFFERED == 0 {
                release_rows_memory(r);
            }
            1
        }
        Err(_) => 0,
    }
}

/// Frees what the report functions allocated for rows no longer kept.
fn release_rows_memory(r: &mut CReport) {
    if !r.mark.is_null() {
        // SAFETY: mark was allocated from this pool, and every value from
        // after it belongs to rows that are gone.
        unsafe { crate::capi::pool::dm_pool_free(r.mem, r.mark) };
        r.mark = ptr::null_mut();
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_object(rh: *mut dm_report, object: *mut c_void) -> c_int {
    ffi!("dm_report_object", 0 => {
        if rh.is_null() {
            crate::log_error!("{}_do_report_object: dm_report handler is NULL.", crate::log::INTERNAL_ERROR);
            return 0;
        }
        // SAFETY: a live report.
        unsafe { do_report_object(rh, object, true, ptr::null_mut()) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_object_is_selected(rh: *mut dm_report, object: *mut c_void, do_output: c_int, selected: *mut c_int) -> c_int {
    ffi!("dm_report_object_is_selected", 0 => {
        if rh.is_null() {
            crate::log_error!("{}_do_report_object: dm_report handler is NULL.", crate::log::INTERNAL_ERROR);
            return 0;
        }
        // SAFETY: a live report.
        unsafe { do_report_object(rh, object, do_output != 0, selected) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_compact_fields(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_compact_fields", 0 => {
        if rh.is_null() {
            crate::log_error!("dm_report_enable_compact_output: dm report handler is NULL.");
            return 0;
        }
        // SAFETY: a live report.
        c_int::from(unsafe { creport(rh) }.engine.compact_fields(None).is_ok())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_compact_given_fields(rh: *mut dm_report, fields: *const c_char) -> c_int {
    ffi!("dm_report_compact_given_fields", 0 => {
        require!("dm_report_compact_given_fields", rh, 0);
        // SAFETY: a live report and a C string or NULL.
        let (r, f) = unsafe { (creport(rh), bytes(fields)) };
        c_int::from(r.engine.compact_fields(Some(f)).is_ok())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_is_empty(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_is_empty", 1 => {
        require!("dm_report_is_empty", rh, 1);
        // SAFETY: a live report.
        c_int::from(unsafe { creport(rh) }.engine.is_empty())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_destroy_rows(rh: *mut dm_report) {
    ffi!("dm_report_destroy_rows", () => {
        require_void!("dm_report_destroy_rows", rh);
        // SAFETY: a live report.
        let r = unsafe { creport(rh) };
        r.engine.destroy_rows();
        release_rows_memory(r);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_output(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_output", 0 => {
        require!("dm_report_output", rh, 0);
        // SAFETY: a live report.
        let r = unsafe { creport(rh) };
        let ok = r.engine.output().is_ok();
        if r.engine.is_empty() {
            release_rows_memory(r);
        }
        c_int::from(ok)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_column_headings(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_column_headings", 0 => {
        require!("dm_report_column_headings", rh, 0);
        // SAFETY: a live report.
        c_int::from(unsafe { creport(rh) }.engine.column_headings().is_ok())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_free(rh: *mut dm_report) {
    ffi!("dm_report_free", () => {
        require_void!("dm_report_free", rh);
        // SAFETY: the caller gives back a report from dm_report_init*, once.
        let r = unsafe { Box::from_raw(rh as *mut CReport) };
        // SAFETY: the report's own pool.
        unsafe { crate::capi::pool::dm_pool_destroy(r.mem) };
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_set_output_field_name_prefix(rh: *mut dm_report, report_prefix: *const c_char) -> c_int {
    ffi!("dm_report_set_output_field_name_prefix", 0 => {
        require!("dm_report_set_output_field_name_prefix", rh, 0);
        require!("dm_report_set_output_field_name_prefix", report_prefix, 0);
        // SAFETY: a live report and a C string.
        let (r, p) = unsafe { (creport(rh), CStr::from_ptr(report_prefix).to_bytes()) };
        r.engine.set_output_field_name_prefix(p);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_set_selection(rh: *mut dm_report, selection: *const c_char) -> c_int {
    ffi!("dm_report_set_selection", 0 => {
        require!("dm_report_set_selection", rh, 0);
        // SAFETY: a live report and a C string or NULL.
        let (r, s) = unsafe { (creport(rh), bytes(selection)) };
        c_int::from(r.engine.set_selection(s).is_ok())
    })
}

/// # Safety
/// `field` is the `dm_report_field` a report function was given.
unsafe fn cfield<'a>(field: *mut dm_report_field) -> &'a mut CField {
    // SAFETY: per this function's contract.
    unsafe { &mut *(field as *mut CField) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string(rh: *mut dm_report, field: *mut dm_report_field, data: *const *const c_char) -> c_int {
    ffi!("dm_report_field_string", 0 => {
        require!("dm_report_field_string", field, 0);
        require!("dm_report_field_string", data, 0);
        let _ = rh;
        // SAFETY: a field being reported and a pointer to a C string.
        let (f, s) = unsafe { (cfield(field), bytes(*data)) };
        let s = match s {
            Some(s) => s,
            None => {
                crate::log_error!("dm_report_field_string: dm_pool_strdup failed");
                return 0;
            }
        };
        f.value = Some(Value::string(s));
        1
    })
}

/// The items of a `struct dm_list` of `struct dm_str_list`.
///
/// # Safety
/// `head` is a valid list of `dm_str_list` with C strings.
unsafe fn str_list<'a>(head: *const dm_list) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    // SAFETY: a circular list whose items start with their dm_list.
    unsafe {
        let mut n = (*head).n as *const dm_list;
        while !n.is_null() && n != head {
            let item = n as *const dm_str_list;
            out.push(bytes((*item).str).unwrap_or(b""));
            n = (*n).n;
        }
    }
    out
}

unsafe fn field_string_list(field: *mut dm_report_field, data: *const dm_list, delimiter: *const c_char, sorted: bool) -> c_int {
    // SAFETY: per the callers' contracts.
    let (f, items, delim) = unsafe { (cfield(field), str_list(data), bytes(delimiter).unwrap_or(b",")) };
    f.value = Some(Value::string_list(&items, delim, sorted));
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string_list(rh: *mut dm_report, field: *mut dm_report_field, data: *const dm_list, delimiter: *const c_char) -> c_int {
    ffi!("dm_report_field_string_list", 0 => {
        require!("dm_report_field_string_list", field, 0);
        require!("dm_report_field_string_list", data, 0);
        let _ = rh;
        // SAFETY: a field being reported, a string list, a C string or NULL.
        unsafe { field_string_list(field, data, delimiter, true) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string_list_unsorted(rh: *mut dm_report, field: *mut dm_report_field, data: *const dm_list, delimiter: *const c_char) -> c_int {
    ffi!("dm_report_field_string_list_unsorted", 0 => {
        require!("dm_report_field_string_list_unsorted", field, 0);
        require!("dm_report_field_string_list_unsorted", data, 0);
        let _ = rh;
        // SAFETY: a field being reported, a string list, a C string or NULL.
        unsafe { field_string_list(field, data, delimiter, false) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_int32(rh: *mut dm_report, field: *mut dm_report_field, data: *const i32) -> c_int {
    ffi!("dm_report_field_int32", 0 => {
        require!("dm_report_field_int32", field, 0);
        require!("dm_report_field_int32", data, 0);
        let _ = rh;
        // SAFETY: a field being reported and an int32.
        let (f, v) = unsafe { (cfield(field), *data) };
        f.value = Some(Value::number(v.to_string(), v as i64 as u64));
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_uint32(rh: *mut dm_report, field: *mut dm_report_field, data: *const u32) -> c_int {
    ffi!("dm_report_field_uint32", 0 => {
        require!("dm_report_field_uint32", field, 0);
        require!("dm_report_field_uint32", data, 0);
        let _ = rh;
        // SAFETY: a field being reported and a uint32.
        let (f, v) = unsafe { (cfield(field), *data) };
        f.value = Some(Value::number(v.to_string(), v as u64));
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_int(rh: *mut dm_report, field: *mut dm_report_field, data: *const c_int) -> c_int {
    ffi!("dm_report_field_int", 0 => {
        require!("dm_report_field_int", field, 0);
        require!("dm_report_field_int", data, 0);
        let _ = rh;
        // SAFETY: a field being reported and an int.
        let (f, v) = unsafe { (cfield(field), *data) };
        f.value = Some(Value::number(v.to_string(), v as i64 as u64));
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_uint64(rh: *mut dm_report, field: *mut dm_report_field, data: *const u64) -> c_int {
    ffi!("dm_report_field_uint64", 0 => {
        require!("dm_report_field_uint64", field, 0);
        require!("dm_report_field_uint64", data, 0);
        let _ = rh;
        // SAFETY: a field being reported and a uint64.
        let (f, v) = unsafe { (cfield(field), *data) };
        f.value = Some(Value::number(v.to_string(), v));
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_percent(rh: *mut dm_report, field: *mut dm_report_field, data: *const dm_percent_t) -> c_int {
    ffi!("dm_report_field_percent", 0 => {
        require!("dm_report_field_percent", field, 0);
        require!("dm_report_field_percent", data, 0);
        let _ = rh;
        // SAFETY: a field being reported and a dm_percent_t.
        let (f, v) = unsafe { (cfield(field), *data) };
        match Value::percent(v) {
            Some(val) => {
                f.value = Some(val);
                1
            }
            None => {
                crate::log_error!("dm_report_field_percent: percentage too large.");
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_set_value(field: *mut dm_report_field, value: *const c_void, sortvalue: *const c_void) {
    ffi!("dm_report_field_set_value", () => {
        require_void!("dm_report_field_set_value", field);
        // SAFETY: a field being reported.
        let f = unsafe { cfield(field) };
        // SAFETY: value is the display string (or NULL).
        let text = unsafe { bytes(value as *const c_char) }.unwrap_or(b"").to_vec();
        let sv = if sortvalue.is_null() { value } else { sortvalue };
        let t = f.flags & TYPE_MASK;
        if sv == value && f.flags & TYPE_NUMBER != 0 {
            crate::log_warn!("{}Using string as sort value for numerical field.", crate::log::INTERNAL_ERROR);
        }
        let sort = if sv.is_null() {
            Sort::Str(Vec::new())
        } else if sv == value {
            match t {
                TYPE_NUMBER | TYPE_SIZE | TYPE_TIME | TYPE_PERCENT => {
                    let mut b = [0u8; 8];
                    for (d, s) in b.iter_mut().zip(text.iter()) {
                        *d = *s;
                    }
                    Sort::Num(u64::from_le_bytes(b))
                }
                TYPE_STRING_LIST => Sort::List(if text.is_empty() { Vec::new() } else { vec![(0, text.len())] }),
                _ => Sort::Text,
            }
        } else {
            match t {
                // SAFETY: a numeric sort value is a 64-bit value (time_t for times).
                TYPE_NUMBER | TYPE_SIZE | TYPE_TIME | TYPE_PERCENT => Sort::Num(unsafe { read_u64(sv, 0) }),
                TYPE_STRING_LIST => Sort::List(if text.is_empty() { Vec::new() } else { vec![(0, text.len())] }),
                // SAFETY: other sort values are C strings.
                _ => Sort::Str(unsafe { bytes(sv as *const c_char) }.unwrap_or(b"").to_vec()),
            }
        };
        f.value = Some(Value { text, sort });
    })
}

/// # Safety
/// `g` comes from `dm_report_group_create` and is not destroyed.
unsafe fn cgroup<'a>(g: *mut dm_report_group) -> &'a Group {
    // SAFETY: per this function's contract.
    unsafe { &*(g as *const Group) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_create(r#type: c_int, data: *mut c_void) -> *mut dm_report_group {
    ffi!("dm_report_group_create", ptr::null_mut() => {
        let _ = data;
        // SAFETY: localeconv returns the C library's static lconv, whose
        // decimal_point is a NUL-terminated string; its first byte is read
        // at once.
        let radix = unsafe { *(*libc::localeconv()).decimal_point } as u8;
        match GroupKind::from_c(r#type) {
            Some(k) => match Group::create(k, radix) {
                Ok(g) => Box::into_raw(Box::new(g)) as *mut dm_report_group,
                Err(_) => ptr::null_mut(),
            },
            None => {
                crate::log_error!("dm_report: dm_report_group_create: unknown group type {}", r#type);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_push(group: *mut dm_report_group, report: *mut dm_report, data: *mut c_void) -> c_int {
    ffi!("dm_report_group_push", 0 => {
        if group.is_null() {
            return 1;
        }
        // SAFETY: a live group.
        let g = unsafe { cgroup(group) };
        // SAFETY: for basic and JSON groups the data is a name (C string).
        let name = unsafe { bytes(data as *const c_char) };
        let rep = if report.is_null() {
            None
        } else {
            // SAFETY: a live report.
            Some((&mut unsafe { creport(report) }.engine, report as usize))
        };
        c_int::from(g.push(rep, name).is_ok())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_pop(group: *mut dm_report_group) -> c_int {
    ffi!("dm_report_group_pop", 0 => {
        if group.is_null() {
            return 1;
        }
        // SAFETY: a live group.
        c_int::from(unsafe { cgroup(group) }.pop().is_ok())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_output_and_pop_all(group: *mut dm_report_group) -> c_int {
    ffi!("dm_report_group_output_and_pop_all", 0 => {
        require!("dm_report_group_output_and_pop_all", group, 0);
        // SAFETY: a live group.
        let g = unsafe { cgroup(group) };
        while !g.top_is_root() {
            if let Some(Some(h)) = g.top_report() {
                // SAFETY: the handle of a report pushed into this group and
                // not freed (the caller's contract, as in libdm).
                if unsafe { dm_report_output(h as *mut dm_report) } == 0 {
                    return 0;
                }
            }
            if g.pop().is_err() {
                return 0;
            }
        }
        g.finish_all();
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_destroy(group: *mut dm_report_group) -> c_int {
    ffi!("dm_report_group_destroy", 0 => {
        if group.is_null() {
            return 1;
        }
        // SAFETY: a live group.
        let r = unsafe { dm_report_group_output_and_pop_all(group) };
        // SAFETY: the caller gives back a group from dm_report_group_create, once.
        drop(unsafe { Box::from_raw(group as *mut Group) });
        r
    })
}
