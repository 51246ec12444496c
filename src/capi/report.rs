//! C entry points: report. A `struct dm_report *` is a boxed [`CReport`]:
//! the engine ([`crate::report::Report`]) plus what C callers hand over
//! (their field and type tables, private data) and the pool their report
//! functions allocate from. A `struct dm_report_field *` passed to a report
//! function is a [`CField`] that the `dm_report_field_*` setters fill.
//! A `struct dm_report_group *` is a boxed [`Group`].

use std::collections::HashMap;
use std::ffi::*;
use std::ptr;
use std::rc::Rc;

use crate::capi::arg::{self, bytes, c_ref, deref, handle, handle_mut, lossy, text};
use crate::capi::handle::{self as h, opt_mut_from_ptr, opt_ref_from_ptr, Castable, OwnershipBox, OwnershipLent};
use crate::capi::pool;
use crate::capi::types::*;
use crate::report::flags::*;
use crate::report::{Column, FieldDef, Group, GroupKind, Report, ReservedDef, ReservedValue, Sort, TypeDef, Value};

/// The C handle behind `struct dm_report *`.
pub struct CReport {
    engine: Report,
    mem: *mut dm_pool,
    /// The caller's tables, which outlive the report (libdm's contract).
    fields: *const dm_report_field_type,
    types: *const dm_report_object_type,
    private: *mut c_void,
    cache: HashMap<Vec<u8>, *const c_void>,
    /// A pool allocation made before the first buffered row's values:
    /// freeing it releases everything the report functions allocated.
    mark: *mut c_void,
    /// The columns and their field flags (fixed once the report is made).
    columns: Rc<[(Column, u32)]>,
}

/// C owns a report: dm_report_init* makes it, dm_report_free frees it.
impl Castable for dm_report {
    type Ownership = OwnershipBox;
    type Rust = CReport;
}

/// C owns a group: dm_report_group_create makes it, _destroy frees it.
impl Castable for dm_report_group {
    type Ownership = OwnershipBox;
    type Rust = Group;
}

/// The C handle behind `struct dm_report_field *`: lent to a report
/// function, which fills it with a `dm_report_field_*` setter.
pub struct CField {
    flags: u32,
    value: Option<Value>,
}

impl Castable for dm_report_field {
    type Ownership = OwnershipLent;
    type Rust = CField;
}

fn fixed(a: &[c_char; 32]) -> String {
    let b = a.map(|c| c as u8);
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// Value `i` of the 64-bit values (u64, f64 or time_t, by the field type)
/// a reserved value or sort value points to.
fn u64_at(p: *const c_void, i: usize) -> u64 {
    // SAFETY: trust boundary (as `capi::arg`): the header's contract for
    // such a value is at least `i + 1` readable 64-bit values.
    unsafe { ptr::read_unaligned(p.cast::<u64>().add(i)) }
}

/// The caller's reserved values, converted by type (up to the entry with a
/// NULL value).
fn c_reserved(res: *const dm_report_reserved_value, fields: &[FieldDef]) -> Option<Vec<ReservedDef>> {
    if res.is_null() {
        return None;
    }
    let mut out = Vec::new();
    for r in arg::terminated(res, |r| r.value.is_null()) {
        let names = arg::terminated(r.names, |n| n.is_null()).iter().map(|&n| text(n).unwrap_or_default().to_vec()).collect();
        let (field_num, vtype, vptr) = match deref(r.value.cast::<dm_report_field_reserved_value>()) {
            // A per-field reserved value points to this struct.
            Some(frv) if r.r#type & TYPE_MASK == 0 => (Some(frv.field_num), fields.get(frv.field_num as usize).map_or(0, |f| f.flags & TYPE_MASK), frv.value),
            _ => (None, r.r#type & TYPE_MASK, r.value),
        };
        let value = if vptr.is_null() {
            ReservedValue::Handler
        } else {
            ReservedValue::read(r.r#type, vtype, |i| u64_at(vptr, i), || text(vptr.cast()).unwrap_or_default().to_vec())
        };
        out.push(ReservedDef { type_: r.r#type, field_num, value, names, description: lossy(r.description) });
    }
    Some(out)
}

#[allow(clippy::too_many_arguments)]
fn init(
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
    // The caller's tables: up to the entry without a data function or
    // without a report function.
    let tv = arg::terminated(types, |t| t.data_fn.is_none()).iter().map(|t| TypeDef { id: t.id, desc: lossy(t.desc), prefix: lossy(t.prefix) }).collect();
    let field_defs: Vec<FieldDef> = arg::terminated(fields, |f| f.report_fn.is_none()).iter().map(|f| FieldDef { type_id: f.r#type, flags: f.flags, width: f.width, id: fixed(&f.id), heading: fixed(&f.heading), desc: lossy(f.desc) }).collect();
    let (of, sep, keys) = (text(output_fields).unwrap_or(b""), text(output_separator).unwrap_or(b""), text(sort_keys));
    let rt = arg::deref_mut(report_types);
    let engine = match selection {
        None => Report::new(rt, tv, field_defs, of, sep, output_flags, keys),
        Some(sel) => {
            let res = c_reserved(reserved, &field_defs);
            Report::with_selection(rt, tv, field_defs, of, sep, output_flags, keys, text(sel), res)
        }
    };
    let Ok(engine) = engine else { return ptr::null_mut() };
    let mem = pool::create(Some("report"), 10 * 1024);
    let columns = engine.columns().into_iter().enumerate().map(|(i, c)| (c, engine.column_flags(i))).collect();
    h::to_boxed_mut_ptr(CReport { engine, mem, fields, types, private: private_data, cache: HashMap::new(), mark: ptr::null_mut(), columns })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_value_cache_set(rh: *mut dm_report, name: *const c_char, data: *const c_void) -> c_int {
    ffi!("dm_report_value_cache_set", 0; rh: handle_mut, name: bytes => {
        rh.cache.insert(name.to_vec(), data);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_value_cache_get(rh: *mut dm_report, name: *const c_char) -> *const c_void {
    ffi!("dm_report_value_cache_get", ptr::null(); rh: handle, name: bytes => rh.cache.get(name).copied().unwrap_or(ptr::null()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_init(report_types: *mut u32, types: *const dm_report_object_type, fields: *const dm_report_field_type, output_fields: *const c_char, output_separator: *const c_char, output_flags: u32, sort_keys: *const c_char, private_data: *mut c_void) -> *mut dm_report {
    ffi!("dm_report_init", ptr::null_mut() => {
        require!("dm_report_init", types, ptr::null_mut());
        require!("dm_report_init", fields, ptr::null_mut());
        init(report_types, types, fields, output_fields, output_separator, output_flags, sort_keys, None, ptr::null(), private_data)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_init_with_selection(report_types: *mut u32, types: *const dm_report_object_type, fields: *const dm_report_field_type, output_fields: *const c_char, output_separator: *const c_char, output_flags: u32, sort_keys: *const c_char, selection: *const c_char, reserved_values: *const dm_report_reserved_value, private_data: *mut c_void) -> *mut dm_report {
    ffi!("dm_report_init_with_selection", ptr::null_mut() => {
        require!("dm_report_init_with_selection", types, ptr::null_mut());
        require!("dm_report_init_with_selection", fields, ptr::null_mut());
        init(report_types, types, fields, output_fields, output_separator, output_flags, sort_keys, Some(selection), reserved_values, private_data)
    })
}

/// libdm's `_do_report_object`.
fn do_report_object(rh: *mut dm_report, object: *mut c_void, do_output: bool, selected: arg::Out<c_int>) -> c_int {
    if rh.is_null() {
        crate::log_error!("{}_do_report_object: dm_report handler is NULL.", crate::log::INTERNAL_ERROR);
        return 0;
    }
    if !do_output && selected.is_null() {
        crate::log_error!("{}_do_report_object: output not requested and selected output variable is NULL too.", crate::log::INTERNAL_ERROR);
        return 0;
    }
    // Short borrows only: report functions call back into this report.
    let report = || opt_mut_from_ptr(rh).expect("checked non-NULL");
    let r = report();
    if r.engine.already_reported() {
        return 1;
    }
    if r.mark.is_null() && do_output {
        r.mark = pool::alloc(r.mem, 1);
    }
    let (columns, fields, types, mem, private) = (r.columns.clone(), r.fields, r.types, r.mem, r.private);
    let mut values = Vec::with_capacity(columns.len());
    for &(col, flags) in columns.iter() {
        let Column::User { field, type_idx } = col else {
            values.push(None);
            continue;
        };
        // The caller's tables, which outlive the report.
        let (Some(f), Some(t)) = (deref(fields.wrapping_add(field)), deref(types.wrapping_add(type_idx))) else { return 0 };
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
        let data = base.cast::<u8>().wrapping_add(f.offset as usize).cast::<c_void>();
        let mut cf = CField { flags, value: None };
        // SAFETY: the caller's report function with its own arguments.
        if unsafe { (f.report_fn.expect("field has a report_fn"))(rh, mem, ptr::addr_of_mut!(cf).cast(), data, private) } == 0 {
            crate::log_error!("_do_report_object: report function failed for field {}", id());
            return 0;
        }
        values.push(cf.value);
    }
    let r = report();
    match r.engine.add_row(values, do_output) {
        Ok(sel) => {
            selected.set(c_int::from(sel));
            if r.engine.is_empty() && !r.mark.is_null() && r.engine.flags & OUTPUT_BUFFERED == 0 {
                release_rows_memory(r);
            }
            1
        }
        Err(_) => 0,
    }
}

/// Frees what the report functions allocated for rows no longer kept:
/// every value from after the mark belongs to rows that are gone.
fn release_rows_memory(r: &mut CReport) {
    if !r.mark.is_null() {
        pool::free(r.mem, r.mark);
        r.mark = ptr::null_mut();
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_object(rh: *mut dm_report, object: *mut c_void) -> c_int {
    ffi!("dm_report_object", 0 => { do_report_object(rh, object, true, ptr::null_mut::<c_int>().into()) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_object_is_selected(rh: *mut dm_report, object: *mut c_void, do_output: c_int, selected: *mut c_int) -> c_int {
    ffi!("dm_report_object_is_selected", 0 => { do_report_object(rh, object, do_output != 0, selected.into()) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_compact_fields(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_compact_fields", 0 => {
        match opt_mut_from_ptr(rh) {
            Some(r) => c_int::from(r.engine.compact_fields(None).is_ok()),
            None => {
                crate::log_error!("dm_report_enable_compact_output: dm report handler is NULL.");
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_compact_given_fields(rh: *mut dm_report, fields: *const c_char) -> c_int {
    ffi!("dm_report_compact_given_fields", 0; rh: handle_mut => c_int::from(rh.engine.compact_fields(Some(text(fields))).is_ok()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_is_empty(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_is_empty", 1; rh: handle => c_int::from(rh.engine.is_empty()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_destroy_rows(rh: *mut dm_report) {
    ffi!("dm_report_destroy_rows", (); rh: handle_mut => {
        rh.engine.destroy_rows();
        release_rows_memory(rh);
    })
}

fn output(rh: &mut CReport) -> c_int {
    let ok = rh.engine.output().is_ok();
    if rh.engine.is_empty() {
        release_rows_memory(rh);
    }
    c_int::from(ok)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_output(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_output", 0; rh: handle_mut => output(rh))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_column_headings(rh: *mut dm_report) -> c_int {
    ffi!("dm_report_column_headings", 0; rh: handle_mut => c_int::from(rh.engine.column_headings().is_ok()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_free(rh: *mut dm_report) {
    ffi!("dm_report_free", () => {
        let Some(mem) = handle("dm_report_free", "rh", rh).map(|r| r.mem) else { return };
        h::free_box(rh);
        pool::destroy(mem);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_set_output_field_name_prefix(rh: *mut dm_report, report_prefix: *const c_char) -> c_int {
    ffi!("dm_report_set_output_field_name_prefix", 0; rh: handle_mut, report_prefix: bytes => {
        rh.engine.set_output_field_name_prefix(report_prefix);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_set_selection(rh: *mut dm_report, selection: *const c_char) -> c_int {
    ffi!("dm_report_set_selection", 0; rh: handle_mut => c_int::from(rh.engine.set_selection(text(selection)).is_ok()))
}

/// Gives a field being reported its value; 1.
fn set(field: &mut CField, value: Value) -> c_int {
    field.value = Some(value);
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string(rh: *mut dm_report, field: *mut dm_report_field, data: *const *const c_char) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_string", 0; field: handle_mut, data: c_ref => match text(*data) {
        Some(s) => set(field, Value::string(s)),
        None => {
            crate::log_error!("dm_report_field_string: dm_pool_strdup failed");
            0
        }
    })
}

/// The items of a `struct dm_list` of `struct dm_str_list`.
fn str_list(head: &dm_list) -> Vec<&[u8]> {
    let mut out = Vec::new();
    // A circular list whose items start with their dm_list.
    let mut n = head.n.cast_const();
    while let Some(item) = deref(n.cast::<dm_str_list>()).filter(|_| !ptr::eq(n, head)) {
        out.push(text(item.str).unwrap_or(b""));
        n = item.list.n;
    }
    out
}

fn field_string_list(field: &mut CField, data: &dm_list, delimiter: *const c_char, sorted: bool) -> c_int {
    set(field, Value::string_list(&str_list(data), text(delimiter).unwrap_or(b","), sorted))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string_list(rh: *mut dm_report, field: *mut dm_report_field, data: *const dm_list, delimiter: *const c_char) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_string_list", 0; field: handle_mut, data: c_ref => field_string_list(field, data, delimiter, true))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string_list_unsorted(rh: *mut dm_report, field: *mut dm_report_field, data: *const dm_list, delimiter: *const c_char) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_string_list_unsorted", 0; field: handle_mut, data: c_ref => field_string_list(field, data, delimiter, false))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_int32(rh: *mut dm_report, field: *mut dm_report_field, data: *const i32) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_int32", 0; field: handle_mut, data: c_ref => set(field, Value::number(data.to_string(), *data as i64 as u64)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_uint32(rh: *mut dm_report, field: *mut dm_report_field, data: *const u32) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_uint32", 0; field: handle_mut, data: c_ref => set(field, Value::number(data.to_string(), u64::from(*data))))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_int(rh: *mut dm_report, field: *mut dm_report_field, data: *const c_int) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_int", 0; field: handle_mut, data: c_ref => set(field, Value::number(data.to_string(), *data as i64 as u64)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_uint64(rh: *mut dm_report, field: *mut dm_report_field, data: *const u64) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_uint64", 0; field: handle_mut, data: c_ref => set(field, Value::number(data.to_string(), *data)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_percent(rh: *mut dm_report, field: *mut dm_report_field, data: *const dm_percent_t) -> c_int {
    let _ = rh;
    ffi!("dm_report_field_percent", 0; field: handle_mut, data: c_ref => match Value::percent(*data) {
        Some(val) => set(field, val),
        None => {
            crate::log_error!("dm_report_field_percent: percentage too large.");
            0
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_set_value(field: *mut dm_report_field, value: *const c_void, sortvalue: *const c_void) {
    ffi!("dm_report_field_set_value", (); field: handle_mut => {
        // The display string (or NULL).
        let text = text(value.cast()).unwrap_or(b"").to_vec();
        // A numeric sort value is a 64-bit value (time_t for times); other
        // sort values are C strings.
        let separate = (!sortvalue.is_null() && sortvalue != value).then_some(|numeric| {
            if numeric {
                Sort::Num(u64_at(sortvalue, 0))
            } else {
                Sort::Str(arg::text(sortvalue.cast()).unwrap_or(b"").to_vec())
            }
        });
        field.value = Some(Value::given(text, field.flags, value.is_null(), separate));
    })
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
            Some(k) => Group::create(k, radix).map_or(ptr::null_mut(), h::to_boxed_mut_ptr),
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
        let Some(g) = opt_ref_from_ptr(group) else { return 1 };
        // For basic and JSON groups the data is a name (a C string).
        let rep = opt_mut_from_ptr(report).map(|r| (&mut r.engine, report as usize));
        c_int::from(g.push(rep, text(data.cast())).is_ok())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_pop(group: *mut dm_report_group) -> c_int {
    ffi!("dm_report_group_pop", 0 => { opt_ref_from_ptr(group).map_or(1, |g| c_int::from(g.pop().is_ok())) })
}

fn output_and_pop_all(g: &Group) -> c_int {
    // The handle of a report pushed into this group and not freed (the
    // caller's contract, as in libdm).
    c_int::from(g.output_and_pop_all(|rh| opt_mut_from_ptr(rh as *mut dm_report).map_or(0, output) != 0).is_ok())
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_output_and_pop_all(group: *mut dm_report_group) -> c_int {
    ffi!("dm_report_group_output_and_pop_all", 0; group: handle => output_and_pop_all(group))
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_destroy(group: *mut dm_report_group) -> c_int {
    ffi!("dm_report_group_destroy", 0 => {
        let Some(g) = opt_ref_from_ptr(group) else { return 1 };
        let r = output_and_pop_all(g);
        h::free_box(group);
        r
    })
}
