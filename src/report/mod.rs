//! The report engine behind `dm_report_*`: field and object type tables,
//! rows of formatted values, sorting, the selection language, and the
//! output formats (aligned columns, separated values, field-name prefixes,
//! columns as rows, JSON) with report groups.
//!
//! The engine never calls C: the C boundary (`capi::report`) runs the
//! callers' data and report functions and hands each object's values to
//! [`Report::add_row`]. Output goes through the library log as libdm's
//! `log_print` does (level WARN, stdout), help texts as `log_warn`.

pub mod selection;

use std::cell::RefCell;
use std::rc::Rc;

pub use selection::{ReservedDef, ReservedValue};

/// `DM_REPORT_FIELD_*` flags (public part).
#[allow(missing_docs)]
pub mod flags {
    pub const ALIGN_MASK: u32 = 0x0000_000F;
    pub const ALIGN_LEFT: u32 = 0x0000_0001;
    pub const ALIGN_RIGHT: u32 = 0x0000_0002;
    pub const TYPE_MASK: u32 = 0x0000_0FF0;
    pub const TYPE_STRING: u32 = 0x0000_0010;
    pub const TYPE_NUMBER: u32 = 0x0000_0020;
    pub const TYPE_SIZE: u32 = 0x0000_0040;
    pub const TYPE_PERCENT: u32 = 0x0000_0080;
    pub const TYPE_STRING_LIST: u32 = 0x0000_0100;
    pub const TYPE_TIME: u32 = 0x0000_0200;
    pub const FIELD_MASK: u32 = 0x0000_0FFF;

    pub const OUTPUT_MASK: u32 = 0xFF;
    pub const OUTPUT_ALIGNED: u32 = 0x01;
    pub const OUTPUT_BUFFERED: u32 = 0x02;
    pub const OUTPUT_HEADINGS: u32 = 0x04;
    pub const OUTPUT_FIELD_NAME_PREFIX: u32 = 0x08;
    pub const OUTPUT_FIELD_UNQUOTED: u32 = 0x10;
    pub const OUTPUT_COLUMNS_AS_ROWS: u32 = 0x20;
    pub const OUTPUT_MULTIPLE_TIMES: u32 = 0x40;

    pub(crate) const RH_SORT_REQUIRED: u32 = 0x100;
    pub(crate) const RH_HEADINGS_PRINTED: u32 = 0x200;
    pub(crate) const RH_FIELD_CALC_NEEDED: u32 = 0x400;
    pub(crate) const RH_ALREADY_REPORTED: u32 = 0x800;

    pub(crate) const FLD_HIDDEN: u32 = 0x1000;
    pub(crate) const FLD_SORT_KEY: u32 = 0x2000;
    pub(crate) const FLD_ASCENDING: u32 = 0x4000;
    pub(crate) const FLD_DESCENDING: u32 = 0x8000;
    pub(crate) const FLD_COMPACTED: u32 = 0x10000;
    pub(crate) const FLD_COMPACT_ONE: u32 = 0x20000;
    pub(crate) const FLD_CMP_UNCOMPARABLE: u32 = 0x0010_0000;
}
use flags::*;

/// The reserved id of libdm's implicit "Special" object type.
pub const SPECIAL_REPORT_TYPE: u32 = 0x8000_0000;
const REPORT_TYPES_ALL: u32 = u32::MAX;

/// One field a caller defines (`struct dm_report_field_type`).
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// The object type it belongs to.
    pub type_id: u32,
    /// `DM_REPORT_FIELD_*` flags.
    pub flags: u32,
    /// Default width.
    pub width: i32,
    /// Name used to select it.
    pub id: String,
    /// Column heading.
    pub heading: String,
    /// Help text.
    pub desc: String,
}

/// One object type (`struct dm_report_object_type`).
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// A power of two.
    pub id: u32,
    /// Section title in help output.
    pub desc: String,
    /// Field id prefix.
    pub prefix: String,
}

/// A field's sort value.
#[derive(Debug, Clone, PartialEq)]
pub enum Sort {
    /// 64-bit number (numbers, sizes, times, percents).
    Num(u64),
    /// A C string.
    Str(Vec<u8>),
    /// The display text itself (a string field's usual sort value).
    Text,
    /// A string list: the items' (start, length) in the report text, sorted.
    List(Vec<(usize, usize)>),
}

/// A field's value in one row: its display text and its sort value.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What is displayed.
    pub text: Vec<u8>,
    /// What sorting and selection look at.
    pub sort: Sort,
}

impl Value {
    /// A string field value.
    pub fn string(s: &[u8]) -> Value {
        Value { text: s.to_vec(), sort: Sort::Text }
    }

    /// A number displayed in decimal.
    pub fn number(display: String, sort: u64) -> Value {
        Value { text: display.into_bytes(), sort: Sort::Num(sort) }
    }

    /// A percent (`dm_report_field_percent`): "" for DM_PERCENT_INVALID,
    /// else two decimals; None when it does not fit six characters.
    pub fn percent(p: i32) -> Option<Value> {
        let sort = Sort::Num(p as i64 as u64);
        if p == -1 {
            return Some(Value { text: Vec::new(), sort });
        }
        let s = format!("{:.2}", crate::util::units::percent_to_round_float(p, 2) as f64);
        if s.len() >= 7 {
            return None;
        }
        Some(Value { text: s.into_bytes(), sort })
    }

    /// A string list joined by `delimiter`; `sorted` sorts the displayed
    /// items too (the sort value is always sorted).
    pub fn string_list(items: &[&[u8]], delimiter: &[u8], sorted: bool) -> Value {
        let mut order: Vec<usize> = (0..items.len()).collect();
        if sorted {
            order.sort_by(|&a, &b| items[a].cmp(items[b]));
        }
        let mut text = Vec::new();
        let mut pos = vec![(0, 0); items.len()];
        for (n, &i) in order.iter().enumerate() {
            if n > 0 {
                text.extend_from_slice(delimiter);
            }
            pos[i] = (text.len(), items[i].len());
            text.extend_from_slice(items[i]);
        }
        let mut by_value: Vec<usize> = (0..items.len()).collect();
        by_value.sort_by(|&a, &b| items[a].cmp(items[b]));
        let list = by_value.iter().map(|&i| pos[i]).collect();
        Value { text, sort: Sort::List(list) }
    }

    /// A value set with `dm_report_field_set_value` on a field of `flags`:
    /// `text` is displayed (`display_null`: the caller gave no text);
    /// `separate` reads the caller's own sort value, when it gave one, as
    /// a 64-bit number (`true`, numeric types) or as a string (`false`).
    pub fn given(text: Vec<u8>, flags: u32, display_null: bool, separate: Option<impl FnOnce(bool) -> Sort>) -> Value {
        if separate.is_none() && flags & TYPE_NUMBER != 0 {
            crate::log_warn!("{}Using string as sort value for numerical field.", crate::log::INTERNAL_ERROR);
        }
        let numeric = matches!(flags & TYPE_MASK, TYPE_NUMBER | TYPE_SIZE | TYPE_TIME | TYPE_PERCENT);
        let sort = match (flags & TYPE_MASK, separate) {
            (_, None) if display_null => Sort::Str(Vec::new()),
            (TYPE_STRING_LIST, _) => Sort::List(if text.is_empty() { Vec::new() } else { vec![(0, text.len())] }),
            (_, Some(read)) => read(numeric),
            (_, None) if numeric => Sort::Num(s_to_u64(&text)),
            (_, None) => Sort::Text,
        };
        Value { text, sort }
    }

    /// The sort value read as libdm reads it for string comparisons: the
    /// bytes a `const char *` to it would show.
    fn c_string(&self) -> std::borrow::Cow<'_, [u8]> {
        use std::borrow::Cow;
        match &self.sort {
            Sort::Str(s) => Cow::Borrowed(s),
            Sort::Text | Sort::List(_) => Cow::Borrowed(&self.text),
            Sort::Num(n) => Cow::Owned(n.to_le_bytes().iter().copied().take_while(|b| *b != 0).collect()),
        }
    }

    fn num(&self) -> u64 {
        match &self.sort {
            Sort::Num(n) => *n,
            Sort::Str(s) => s_to_u64(s),
            Sort::Text => s_to_u64(&self.text),
            Sort::List(_) => 0,
        }
    }
}

/// Eight bytes of a string read as a little-endian u64, as libdm does when
/// a numeric field's sort value is its string.
fn s_to_u64(s: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    for (d, v) in b.iter_mut().zip(s.iter()) {
        *d = *v;
    }
    u64::from_le_bytes(b)
}

/// Which field a column shows: one of the caller's, or an implicit one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRef {
    /// The caller's field at this index.
    User(usize),
    /// libdm's implicit field at this index of its implicit table.
    Implicit(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct Prop {
    pub(crate) field: FieldRef,
    pub(crate) sort_posn: u32,
    pub(crate) initial_width: i32,
    pub(crate) width: i32,
    pub(crate) type_idx: TypeRef,
    pub(crate) flags: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeRef {
    Special,
    User(usize),
}

/// What a column needs from the caller's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Call the data function of type `type_idx` and the report function
    /// of field `field`.
    User {
        /// Index in the field table.
        field: usize,
        /// Index in the type table.
        type_idx: usize,
    },
    /// The implicit "selected" field (the engine fills it).
    Selected,
    /// An implicit field with nothing to report (help).
    Nothing,
}

struct Row {
    values: Vec<Value>,
    selected: bool,
    sel_field: Option<usize>,
}

/// libdm's implicit fields: (id, heading, flags, width, description).
pub(crate) struct Implicit {
    id: &'static str,
    heading: &'static str,
    flags: u32,
    desc: &'static str,
}

const IMPLICIT_PLAIN: &[Implicit] = &[
    Implicit { id: "help", heading: "Help", flags: TYPE_NUMBER | FLD_CMP_UNCOMPARABLE, desc: "Show help." },
    Implicit { id: "?", heading: "Help", flags: TYPE_NUMBER | FLD_CMP_UNCOMPARABLE, desc: "Show help." },
];
const IMPLICIT_SEL: &[Implicit] = &[
    Implicit { id: "selected", heading: "Selected", flags: TYPE_NUMBER, desc: "Set if item passes selection criteria." },
    Implicit { id: "help", heading: "Help", flags: TYPE_NUMBER | FLD_CMP_UNCOMPARABLE, desc: "Show help." },
    Implicit { id: "?", heading: "Help", flags: TYPE_NUMBER | FLD_CMP_UNCOMPARABLE, desc: "Show help." },
];

/// libdm switches its implicit field table for good at the first
/// `dm_report_init_with_selection`; later plain reports see "selected" too.
static IMPLICIT_WITH_SELECTION: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn implicit_table() -> &'static [Implicit] {
    if IMPLICIT_WITH_SELECTION.load(std::sync::atomic::Ordering::Relaxed) {
        IMPLICIT_SEL
    } else {
        IMPLICIT_PLAIN
    }
}

#[cfg(test)]
thread_local! {
    /// Lines printed by this thread's reports (tests only).
    pub(crate) static CAPTURE: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

#[cfg(test)]
fn captured(line: &str) -> bool {
    CAPTURE.with(|c| match c.borrow_mut().as_mut() {
        Some(v) => {
            v.push(line.to_string());
            true
        }
        None => false,
    })
}

#[cfg(not(test))]
fn captured(_line: &str) -> bool {
    false
}

/// Prints a report line (libdm `log_print`).
pub(crate) fn print(line: &[u8]) {
    let line = String::from_utf8_lossy(line);
    if !captured(&line) {
        crate::dm_log!(crate::log::LOG_WARN, 0, "{}", line);
    }
}

/// Prints a help line (libdm `log_warn`).
pub(crate) fn warn(line: &str) {
    if !captured(line) {
        crate::log_warn!("{line}");
    }
}

/// Why a report could not be made or used; the details are logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// See the log.
    #[error("report failed (see the log)")]
    Failed,
}

type Res<T> = Result<T, ReportError>;
const FAIL: ReportError = ReportError::Failed;

/// A report.
pub struct Report {
    pub(crate) fields: Vec<FieldDef>,
    canonical: Vec<String>,
    pub(crate) types: Vec<TypeDef>,
    pub(crate) report_types: u32,
    pub(crate) field_prefix: String,
    output_field_name_prefix: Vec<u8>,
    pub(crate) flags: u32,
    separator: Vec<u8>,
    keys_count: u32,
    pub(crate) props: Vec<Prop>,
    rows: Vec<Row>,
    pub(crate) selection: Option<selection::Selection>,
    pub(crate) reserved: Option<Vec<ReservedDef>>,
    group: Option<GroupLink>,
}

struct GroupLink {
    group: Rc<RefCell<GroupState>>,
    item: u64,
    orig_flags: u32,
}

impl Report {
    /// `dm_report_init`: `report_types` in and out, the type and field
    /// tables, the output field list, separator, flags and sort keys.
    pub fn new(
        report_types: Option<&mut u32>,
        types: Vec<TypeDef>,
        fields: Vec<FieldDef>,
        output_fields: &[u8],
        separator: &[u8],
        output_flags: u32,
        sort_keys: Option<&[u8]>,
    ) -> Res<Report> {
        if types.iter().any(|t| t.id & SPECIAL_REPORT_TYPE != 0) {
            crate::log_error!("{}dm_report_init: definition of report types given contains reserved identifier", crate::log::INTERNAL_ERROR);
            return Err(FAIL);
        }
        let mut flags = output_flags & OUTPUT_MASK;
        if output_flags & OUTPUT_COLUMNS_AS_ROWS != 0 {
            flags |= OUTPUT_BUFFERED;
            flags &= !OUTPUT_ALIGNED;
        }
        if output_flags & OUTPUT_BUFFERED != 0 {
            flags |= RH_SORT_REQUIRED;
        }
        flags |= RH_FIELD_CALC_NEEDED;
        let rt = report_types.as_ref().map_or(0, |t| **t);
        let mut rh = Report {
            fields,
            canonical: Vec::new(),
            types,
            report_types: rt,
            field_prefix: String::new(),
            output_field_name_prefix: Vec::new(),
            flags,
            separator: separator.to_vec(),
            keys_count: 0,
            props: Vec::new(),
            rows: Vec::new(),
            selection: None,
            reserved: None,
            group: None,
        };
        rh.field_prefix = match rh.find_type(rh.report_types) {
            Some(TypeRef::User(i)) => rh.types[i].prefix.clone(),
            Some(TypeRef::Special) => "special_".to_string(),
            None => String::new(),
        };
        let mut canonical = Vec::with_capacity(rh.fields.len());
        for f in &rh.fields {
            canonical.push(canonical_name(f.id.as_bytes()).ok_or(FAIL)?.0);
        }
        rh.canonical = canonical;
        rh.parse_fields(output_fields, true)?;
        rh.parse_keys(sort_keys, true)?;
        rh.parse_fields(output_fields, false)?;
        rh.parse_keys(sort_keys, false)?;
        rh.update_types(report_types);
        if rh.help_requested() {
            rh.display_fields(true, false);
            warn(" ");
            rh.flags |= RH_ALREADY_REPORTED;
        }
        Ok(rh)
    }

    /// `dm_report_init_with_selection`.
    #[allow(clippy::too_many_arguments)]
    pub fn with_selection(
        mut report_types: Option<&mut u32>,
        types: Vec<TypeDef>,
        fields: Vec<FieldDef>,
        output_fields: &[u8],
        separator: &[u8],
        output_flags: u32,
        sort_keys: Option<&[u8]>,
        selection: Option<&[u8]>,
        reserved: Option<Vec<ReservedDef>>,
    ) -> Res<Report> {
        IMPLICIT_WITH_SELECTION.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut rh = Report::new(report_types.as_deref_mut(), types, fields, output_fields, separator, output_flags, sort_keys)?;
        let sel = match selection {
            Some(s) if !s.is_empty() => s,
            _ => return Ok(rh),
        };
        if let Some(res) = &reserved {
            if !selection::check_reserved_supported(&rh.fields, res) {
                crate::log_error!(
                    "{}dm_report_init_with_selection: trying to register unsupported reserved value type, skipping report selection",
                    crate::log::INTERNAL_ERROR
                );
                return Ok(rh);
            }
        }
        rh.reserved = reserved;
        if sel.eq_ignore_ascii_case(b"help") || sel == b"?" {
            rh.display_fields(false, true);
            warn(" ");
            selection::display_selection_help(&rh);
            rh.flags |= RH_ALREADY_REPORTED;
            return Ok(rh);
        }
        if !selection::set_selection(&mut rh, Some(sel), true) {
            return Err(FAIL);
        }
        rh.update_types(report_types);
        Ok(rh)
    }

    fn update_types(&self, report_types: Option<&mut u32>) {
        if let Some(t) = report_types {
            *t = self.report_types & !SPECIAL_REPORT_TYPE;
        }
    }

    pub(crate) fn implicit(&self, i: usize) -> &'static Implicit {
        &implicit_table()[i]
    }

    fn find_type(&self, id: u32) -> Option<TypeRef> {
        if id == SPECIAL_REPORT_TYPE {
            return Some(TypeRef::Special);
        }
        self.types.iter().position(|t| t.id == id).map(TypeRef::User)
    }

    pub(crate) fn field_id(&self, f: FieldRef) -> &str {
        match f {
            FieldRef::User(i) => &self.fields[i].id,
            FieldRef::Implicit(i) => self.implicit(i).id,
        }
    }

    pub(crate) fn field_flags(&self, f: FieldRef) -> u32 {
        match f {
            FieldRef::User(i) => self.fields[i].flags,
            FieldRef::Implicit(i) => self.implicit(i).flags,
        }
    }

    fn field_heading(&self, f: FieldRef) -> &str {
        match f {
            FieldRef::User(i) => &self.fields[i].heading,
            FieldRef::Implicit(i) => self.implicit(i).heading,
        }
    }

    fn field_type_id(&self, f: FieldRef) -> u32 {
        match f {
            FieldRef::User(i) => self.fields[i].type_id,
            FieldRef::Implicit(_) => SPECIAL_REPORT_TYPE,
        }
    }

    // ---- help -----------------------------------------------------------

    fn type_desc_prefix(&self, t: TypeRef) -> (&str, &str, u32) {
        match t {
            TypeRef::Special => ("Special", "special_", SPECIAL_REPORT_TYPE),
            TypeRef::User(i) => (&self.types[i].desc, &self.types[i].prefix, self.types[i].id),
        }
    }

    fn display_fields_more(&self, implicit: bool, mut id_len: usize, all_item: bool, show_types: bool) {
        let list: Vec<(FieldRef, &str, &str, u32, u32)> = if implicit {
            implicit_table().iter().enumerate().map(|(i, f)| (FieldRef::Implicit(i), f.id, f.desc, f.flags, SPECIAL_REPORT_TYPE)).collect()
        } else {
            self.fields.iter().enumerate().map(|(i, f)| (FieldRef::User(i), f.id.as_str(), f.desc.as_str(), f.flags, f.type_id)).collect()
        };
        for (_, id, ..) in &list {
            id_len = id_len.max(id.len());
        }
        for t in &self.types {
            id_len = id_len.max(t.prefix.len() + 3);
        }
        // libdm compares the description pointers; identical literals are
        // one string in C programs, so equal texts are one section here.
        let mut last: Option<String> = None;
        for (_, id, desc, fflags, type_id) in &list {
            let t = match self.find_type(*type_id) {
                Some(t) => t,
                None => {
                    crate::log_debug!("{}Field type undefined.", crate::log::INTERNAL_ERROR);
                    continue;
                }
            };
            let (tdesc, tprefix, tid) = self.type_desc_prefix(t);
            if last.as_deref() != Some(tdesc) {
                if last.as_ref().is_some_and(|l| !l.is_empty()) {
                    warn(" ");
                }
                warn(&format!("{tdesc} Fields"));
                let dashes = "-------------------------------------------------------------------------------";
                warn(&dashes[..(tdesc.len() + 7).min(dashes.len())]);
                if all_item && tid != SPECIAL_REPORT_TYPE {
                    let pad = id_len.saturating_sub(3 + tprefix.len());
                    warn(&format!("  {tprefix}all{:pad$} - All fields in this section.", ""));
                }
            }
            let mut line = format!("  {id:<id_len$} - {desc}");
            if show_types {
                line.push_str(" [");
                if fflags & FLD_CMP_UNCOMPARABLE != 0 {
                    line.push_str("unselectable ");
                }
                line.push_str(type_name(fflags & TYPE_MASK));
                line.push(']');
            }
            warn(&line);
            last = Some(tdesc.to_string());
        }
    }

    pub(crate) fn display_fields(&self, all_item: bool, show_types: bool) {
        let mut id_len = implicit_table().iter().map(|f| f.id.len()).max().unwrap_or(0);
        id_len = id_len.max(self.fields.iter().map(|f| f.id.len()).max().unwrap_or(0));
        self.display_fields_more(false, id_len, all_item, show_types);
        warn(" ");
        self.display_fields_more(true, id_len, all_item, show_types);
    }

    // ---- field lists ----------------------------------------------------

    /// libdm's `_get_field`: the field a (possibly prefixed, underscored)
    /// name means.
    pub(crate) fn get_field(&self, name: &[u8]) -> Option<FieldRef> {
        if name.is_empty() {
            return None;
        }
        let canon = canonical_name(name)?.0;
        let prefix = self.field_prefix.as_bytes();
        for (i, f) in implicit_table().iter().enumerate() {
            if is_same_field(f.id.as_bytes(), canon.as_bytes(), prefix) {
                return Some(FieldRef::Implicit(i));
            }
        }
        for (i, c) in self.canonical.iter().enumerate() {
            if is_same_field(c.as_bytes(), canon.as_bytes(), prefix) {
                return Some(FieldRef::User(i));
            }
        }
        None
    }

    fn all_match(&self, field: &[u8]) -> u32 {
        let mut report_types = 0;
        let mut unprefixed = false;
        let mut field = field.to_vec();
        if field.eq_ignore_ascii_case(b"all") {
            if self.field_prefix.is_empty() {
                return if self.report_types != 0 { self.report_types } else { REPORT_TYPES_ALL };
            }
            unprefixed = true;
            field = self.field_prefix.as_bytes().to_vec();
            report_types = self.report_types;
        }
        let canon = match canonical_name(&field) {
            Some(c) => c.0,
            None => return report_types,
        };
        let canon = canon.as_bytes();
        let flen = canon.len();
        for t in &self.types {
            if t.prefix.is_empty() {
                continue;
            }
            let pl = t.prefix.len() - 1;
            let pref_ok = canon.len() >= pl && t.prefix.as_bytes()[..pl].eq_ignore_ascii_case(&canon[..pl]);
            if pref_ok
                && ((unprefixed && flen == pl)
                    || (flen == pl + 3 && canon[pl..].eq_ignore_ascii_case(b"all")))
            {
                report_types |= t.id;
            }
        }
        report_types
    }

    pub(crate) fn add_prop(&mut self, field: FieldRef, extra: u32) -> Res<usize> {
        let type_id = self.field_type_id(field);
        let type_idx = match self.find_type(type_id) {
            Some(t) => t,
            None => {
                crate::log_error!("dm_report: field not match: {}", self.field_id(field));
                return Err(FAIL);
            }
        };
        let width = match field {
            FieldRef::User(i) => self.fields[i].width,
            FieldRef::Implicit(_) => 8,
        };
        let p = Prop {
            field,
            sort_posn: 0,
            initial_width: width,
            width,
            type_idx,
            flags: (self.field_flags(field) & FIELD_MASK) | extra,
        };
        if p.flags & FLD_HIDDEN != 0 {
            self.props.insert(0, p);
            Ok(0)
        } else {
            self.props.push(p);
            Ok(self.props.len() - 1)
        }
    }

    fn field_match(&mut self, name: &[u8], type_only: bool) -> bool {
        if name.is_empty() {
            return false;
        }
        if let Some(f) = self.get_field(name) {
            if type_only {
                self.report_types |= self.field_type_id(f);
                return true;
            }
            return self.add_prop(f, 0).is_ok();
        }
        let t = self.all_match(name);
        if t != 0 {
            if type_only {
                self.report_types |= t;
                return true;
            }
            for i in 0..self.fields.len() {
                if self.fields[i].type_id & t != 0 && self.add_prop(FieldRef::User(i), 0).is_err() {
                    return false;
                }
            }
            return true;
        }
        false
    }

    fn parse_fields(&mut self, format: &[u8], type_only: bool) -> Res<()> {
        for word in words(format) {
            if !self.field_match(word, type_only) {
                self.display_fields(true, false);
                warn(" ");
                crate::log_error!("Unrecognised field: {}", String::from_utf8_lossy(word));
                return Err(FAIL);
            }
        }
        Ok(())
    }

    pub(crate) fn prop_of(&self, f: FieldRef) -> Option<usize> {
        self.props.iter().position(|p| p.field == f)
    }

    fn key_match(&mut self, key: &[u8], type_only: bool) -> bool {
        if key.is_empty() {
            return false;
        }
        let (dir, name) = match key[0] {
            b'+' => (FLD_ASCENDING, &key[1..]),
            b'-' => (FLD_DESCENDING, &key[1..]),
            _ => (FLD_ASCENDING, key),
        };
        if name.is_empty() {
            crate::log_error!("dm_report: Missing sort field name");
            return false;
        }
        let f = match self.get_field(name) {
            Some(f) => f,
            None => return false,
        };
        let idx = match self.prop_of(f) {
            Some(i) => i,
            None => {
                if type_only {
                    self.report_types |= self.field_type_id(f);
                    return true;
                }
                match self.add_prop(f, FLD_HIDDEN) {
                    Ok(i) => i,
                    Err(_) => return false,
                }
            }
        };
        if type_only {
            return true;
        }
        if self.props[idx].flags & FLD_SORT_KEY != 0 {
            crate::log_warn!("dm_report: Ignoring duplicate sort field: {}.", self.field_id(f));
            return true;
        }
        self.props[idx].flags |= FLD_SORT_KEY | dir;
        self.props[idx].sort_posn = self.keys_count;
        self.keys_count += 1;
        true
    }

    fn parse_keys(&mut self, keys: Option<&[u8]>, type_only: bool) -> Res<()> {
        let keys = match keys {
            Some(k) => k,
            None => return Ok(()),
        };
        for word in words(keys) {
            if !self.key_match(word, type_only) {
                self.display_fields(true, false);
                warn(" ");
                crate::log_error!("dm_report: Unrecognised field: {}", String::from_utf8_lossy(word));
                return Err(FAIL);
            }
        }
        Ok(())
    }

    fn help_requested(&self) -> bool {
        self.props.iter().any(|p| matches!(p.field, FieldRef::Implicit(i) if matches!(self.implicit(i).id, "help" | "?")))
    }

    // ---- rows -----------------------------------------------------------

    /// The columns an object must be reported for, in order.
    pub fn columns(&self) -> Vec<Column> {
        self.props
            .iter()
            .map(|p| match p.field {
                FieldRef::User(i) => Column::User {
                    field: i,
                    type_idx: match p.type_idx {
                        TypeRef::User(t) => t,
                        TypeRef::Special => usize::MAX,
                    },
                },
                FieldRef::Implicit(i) if self.implicit(i).id == "selected" => Column::Selected,
                FieldRef::Implicit(_) => Column::Nothing,
            })
            .collect()
    }

    /// Whether objects are ignored (help was shown instead).
    pub fn already_reported(&self) -> bool {
        self.flags & RH_ALREADY_REPORTED != 0
    }

    /// The field type flags of column `i` (for the value setters).
    pub fn column_flags(&self, i: usize) -> u32 {
        self.props[i].flags
    }

    /// Adds an object's values (one per column; a column the caller's
    /// report function left unset is empty). Returns whether the object
    /// passes the selection, and whether it was kept (`do_output`), after
    /// printing it at once for unbuffered reports.
    pub fn add_row(&mut self, values: Vec<Option<Value>>, do_output: bool) -> Res<bool> {
        self.sync_group();
        let mut sel_field = None;
        let values: Vec<Value> = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                if matches!(self.props[i].field, FieldRef::Implicit(f) if self.implicit(f).id == "selected") {
                    sel_field = Some(i);
                    return Value::number("1".into(), 1);
                }
                v.unwrap_or(Value { text: Vec::new(), sort: Sort::Text })
            })
            .collect();
        let mut row = Row { values, selected: true, sel_field };
        let selected = selection::check_row(self, &row.values);
        if !selected {
            row.selected = false;
            if row.sel_field.is_none() && self.flags & OUTPUT_MULTIPLE_TIMES == 0 {
                return Ok(false);
            }
            if let Some(i) = row.sel_field {
                row.values[i] = Value::number("0".into(), 0);
                if self.props[i].flags & FLD_HIDDEN != 0 && self.flags & OUTPUT_MULTIPLE_TIMES == 0 {
                    return Ok(false);
                }
            }
        }
        if !do_output {
            return Ok(row.selected);
        }
        self.rows.push(row);
        if self.flags & OUTPUT_BUFFERED == 0 {
            self.output()?;
        }
        Ok(selected)
    }

    /// `dm_report_set_selection`: a new selection, applied to the rows
    /// already buffered.
    pub fn set_selection(&mut self, sel: Option<&[u8]>) -> Res<()> {
        if !selection::set_selection(self, sel, false) {
            return Err(FAIL);
        }
        self.reset_widths();
        let mut rows = std::mem::take(&mut self.rows);
        for row in rows.iter_mut() {
            row.selected = selection::check_row(self, &row.values);
            if let Some(i) = row.sel_field {
                row.values[i] = if row.selected { Value::number("1".into(), 1) } else { Value::number("0".into(), 0) };
            }
        }
        self.rows = rows;
        Ok(())
    }

    fn reset_widths(&mut self) {
        for p in self.props.iter_mut() {
            p.width = p.initial_width;
        }
        self.flags |= RH_FIELD_CALC_NEEDED;
    }

    /// `dm_report_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// `dm_report_destroy_rows`.
    pub fn destroy_rows(&mut self) {
        self.rows.clear();
        self.reset_widths();
    }

    /// `dm_report_set_output_field_name_prefix` (upper-cased).
    pub fn set_output_field_name_prefix(&mut self, prefix: &[u8]) {
        self.output_field_name_prefix = prefix.to_ascii_uppercase();
    }

    /// `dm_report_compact_fields` / `dm_report_compact_given_fields`.
    pub fn compact_fields(&mut self, given: Option<Option<&[u8]>>) -> Res<()> {
        let global = given.is_none();
        if let Some(Some(list)) = given {
            for word in words(list) {
                match self.get_field(word) {
                    Some(f) => {
                        if let Some(i) = self.prop_of(f) {
                            self.props[i].flags |= FLD_COMPACT_ONE;
                        }
                    }
                    None => {
                        crate::log_error!("dm_report: Unrecognized field: {}", String::from_utf8_lossy(word));
                        return Err(FAIL);
                    }
                }
            }
        }
        if self.flags & OUTPUT_BUFFERED == 0 || self.rows.is_empty() {
            return Ok(());
        }
        for p in self.props.iter_mut() {
            if p.flags & FLD_HIDDEN != 0 {
                continue;
            }
            if global || p.flags & FLD_COMPACT_ONE != 0 {
                p.flags |= FLD_COMPACTED | FLD_HIDDEN;
            }
        }
        for row in &self.rows {
            for (i, v) in row.values.iter().enumerate() {
                if !v.text.is_empty() && self.props[i].flags & FLD_COMPACTED != 0 {
                    self.props[i].flags &= !(FLD_COMPACTED | FLD_HIDDEN);
                }
            }
        }
        Ok(())
    }

    // ---- output ---------------------------------------------------------

    fn recalculate(&mut self) {
        for row in &self.rows {
            if row.sel_field.is_some() || row.selected {
                for (i, v) in row.values.iter().enumerate() {
                    let len = v.text.len() as i32;
                    if len > self.props[i].width {
                        self.props[i].width = len;
                    }
                }
            }
        }
        self.flags &= !RH_FIELD_CALC_NEEDED;
    }

    fn headings(&mut self) {
        self.flags |= RH_HEADINGS_PRINTED;
        if self.flags & OUTPUT_HEADINGS == 0 {
            return;
        }
        let mut line = Vec::new();
        let last = self.props.len().saturating_sub(1);
        for (i, p) in self.props.iter().enumerate() {
            if p.flags & FLD_HIDDEN != 0 {
                continue;
            }
            let heading = self.field_heading(p.field).as_bytes();
            if self.flags & OUTPUT_ALIGNED != 0 {
                pad(&mut line, heading, p.width, false);
            } else {
                line.extend_from_slice(heading);
            }
            if i != last {
                line.extend_from_slice(&self.separator);
            }
        }
        print(&line);
    }

    /// `dm_report_column_headings`.
    pub fn column_headings(&mut self) -> Res<()> {
        self.sync_group();
        if self.flags & OUTPUT_COLUMNS_AS_ROWS != 0 {
            return Ok(());
        }
        if self.flags & RH_FIELD_CALC_NEEDED != 0 {
            self.recalculate();
        }
        self.headings();
        Ok(())
    }

    fn sort_rows(&mut self) {
        if self.keys_count == 0 {
            return;
        }
        let mut keys: Vec<(usize, u32)> = Vec::new();
        for posn in 0..self.keys_count {
            if let Some(i) = self.props.iter().position(|p| p.flags & FLD_SORT_KEY != 0 && p.sort_posn == posn) {
                keys.push((i, self.props[i].flags));
            }
        }
        // Percents sort by value since libdm 1.02.214 (1.02.185 compared
        // the bytes of the number as a C string).
        let numeric_key: Vec<bool> =
            keys.iter().map(|(_, f)| f & (TYPE_NUMBER | TYPE_SIZE | TYPE_TIME | TYPE_PERCENT) != 0).collect();
        // Precompute each row's key bytes once.
        self.rows.sort_by(|a, b| {
            for (k, &(i, f)) in keys.iter().enumerate() {
                let ord = if numeric_key[k] {
                    a.values[i].num().cmp(&b.values[i].num())
                } else {
                    cmp_c_strings(&a.values[i], &b.values[i])
                };
                if ord == std::cmp::Ordering::Equal {
                    continue;
                }
                return if f & FLD_ASCENDING != 0 { ord } else { ord.reverse() };
            }
            std::cmp::Ordering::Equal
        });
    }

    fn output_field(&self, line: &mut Vec<u8>, i: usize, v: &Value, json: JsonMode) {
        let p = &self.props[i];
        if json != JsonMode::None {
            line.push(b'"');
            line.extend_from_slice(self.field_id(p.field).as_bytes());
            line.extend_from_slice(b"\":");
            if p.flags & TYPE_STRING_LIST != 0 {
                if json == JsonMode::Std {
                    line.push(b'[');
                    if let Sort::List(items) = &v.sort {
                        let mut order = items.clone();
                        order.sort_by_key(|(start, _)| *start);
                        for (n, (s, l)) in order.iter().enumerate() {
                            if n > 0 {
                                line.push(b',');
                            }
                            line.push(b'"');
                            json_escape(line, &v.text[*s..*s + *l]);
                            line.push(b'"');
                        }
                    }
                    line.push(b']');
                } else {
                    line.push(b'"');
                    json_escape(line, &v.text);
                    line.push(b'"');
                }
                return;
            }
            let numeric = json == JsonMode::Std && p.flags & (TYPE_NUMBER | TYPE_PERCENT) != 0;
            if !numeric {
                line.push(b'"');
            }
            if numeric && v.text.is_empty() {
                line.extend_from_slice(b"null");
            } else {
                json_escape(line, &v.text);
            }
            if !numeric {
                line.push(b'"');
            }
            return;
        }
        let prefixed = self.flags & OUTPUT_FIELD_NAME_PREFIX != 0;
        let quoted = self.flags & OUTPUT_FIELD_UNQUOTED == 0;
        if prefixed {
            line.extend_from_slice(&self.output_field_name_prefix);
            line.extend_from_slice(self.field_id(p.field).to_ascii_uppercase().as_bytes());
            line.push(b'=');
            if quoted {
                line.push(b'\'');
            }
        }
        if self.flags & OUTPUT_ALIGNED != 0 {
            let mut align = p.flags & ALIGN_MASK;
            if align == 0 {
                align = if p.flags & (TYPE_NUMBER | TYPE_SIZE) != 0 { ALIGN_RIGHT } else { ALIGN_LEFT };
            }
            if align & ALIGN_LEFT != 0 {
                pad(line, &v.text, p.width, false);
            } else if align & ALIGN_RIGHT != 0 {
                pad(line, &v.text, p.width, true);
            }
        } else {
            line.extend_from_slice(&v.text);
        }
        if prefixed && quoted {
            line.push(b'\'');
        }
    }

    fn json_mode(&self) -> JsonMode {
        match &self.group {
            Some(l) => match l.group.borrow().kind {
                GroupKind::Json => JsonMode::Plain,
                GroupKind::JsonStd => JsonMode::Std,
                _ => JsonMode::None,
            },
            None => JsonMode::None,
        }
    }

    fn output_as_rows(&mut self) -> Res<()> {
        let json = self.json_mode();
        for (i, p) in self.props.iter().enumerate() {
            if p.flags & FLD_HIDDEN != 0 {
                continue;
            }
            let mut line = Vec::new();
            if self.flags & OUTPUT_HEADINGS != 0 {
                line.extend_from_slice(self.field_heading(p.field).as_bytes());
                line.extend_from_slice(&self.separator);
            }
            for (r, row) in self.rows.iter().enumerate() {
                self.output_field(&mut line, i, &row.values[i], json);
                if r + 1 != self.rows.len() {
                    line.extend_from_slice(&self.separator);
                }
            }
            print(&line);
        }
        self.destroy_rows();
        Ok(())
    }

    fn output_as_columns(&mut self) -> Res<()> {
        if self.flags & RH_HEADINGS_PRINTED == 0 {
            self.headings();
        }
        let json = self.json_mode();
        let indent = self.group.as_ref().map(|l| l.group.borrow().indent);
        let last_displayed = self.rows.iter().rposition(|r| r.sel_field.is_some() || r.selected);
        for (r, row) in self.rows.iter().enumerate() {
            if !(row.sel_field.is_some() || row.selected) {
                continue;
            }
            let mut line = Vec::new();
            if let Some(ind) = indent {
                line.extend(std::iter::repeat_n(b' ', ind.max(0) as usize));
            }
            if json != JsonMode::None {
                line.push(b'{');
            }
            let mut delim = false;
            for (i, v) in row.values.iter().enumerate() {
                if self.props[i].flags & FLD_HIDDEN != 0 {
                    continue;
                }
                if delim {
                    if json != JsonMode::None {
                        line.extend_from_slice(b", ");
                    } else {
                        line.extend_from_slice(&self.separator);
                    }
                } else {
                    delim = true;
                }
                self.output_field(&mut line, i, v, json);
            }
            if json != JsonMode::None {
                line.push(b'}');
                if Some(r) != last_displayed {
                    line.push(b',');
                }
            }
            print(&line);
        }
        if self.flags & OUTPUT_MULTIPLE_TIMES == 0 {
            self.destroy_rows();
        }
        Ok(())
    }

    /// `dm_report_output`.
    pub fn output(&mut self) -> Res<()> {
        self.sync_group();
        if self.json_mode() != JsonMode::None {
            self.prepare_json_output()?;
        }
        let r = self.output_inner();
        if r.is_ok() {
            if let Some(l) = &self.group {
                if let Some(it) = l.group.borrow_mut().item_mut(l.item) {
                    it.output_done = true;
                }
            }
        }
        r
    }

    fn output_inner(&mut self) -> Res<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        if self.flags & RH_FIELD_CALC_NEEDED != 0 {
            self.recalculate();
        }
        if self.flags & RH_SORT_REQUIRED != 0 {
            self.sort_rows();
        }
        if let Some(l) = &self.group {
            let g = l.group.borrow();
            if g.kind == GroupKind::Basic {
                if let Some(it) = g.item(l.item) {
                    let name = it.data.clone().unwrap_or_default();
                    if g.parent_finished(it) > 0 {
                        print(b"");
                    }
                    print(name.as_bytes());
                    print("=".repeat(name.len()).as_bytes());
                }
            }
        }
        if self.flags & OUTPUT_COLUMNS_AS_ROWS != 0 {
            self.output_as_rows()
        } else {
            self.output_as_columns()
        }
    }

    fn prepare_json_output(&mut self) -> Res<()> {
        let link = self.group.as_ref().ok_or(FAIL)?;
        let mut g = link.group.borrow_mut();
        g.json_start();
        let (done, needs_closing) = match g.item(link.item) {
            Some(it) => (it.output_done, it.needs_closing),
            None => return Err(FAIL),
        };
        if done && self.rows.is_empty() {
            return Ok(());
        }
        if g.items.last().map(|i| i.id) != Some(link.item) {
            crate::log_error!("dm_report: dm_report_output: interleaved reports detected for JSON output");
            return Err(FAIL);
        }
        if needs_closing {
            crate::log_error!("dm_report: dm_report_output: unfinished JSON output detected");
            return Err(FAIL);
        }
        g.json_array_start(link.item);
        if let Some(it) = g.item_mut(link.item) {
            it.needs_closing = true;
        }
        Ok(())
    }

    /// Restores the flags a group changed once the report's group item is
    /// gone (popped), as libdm does at pop time.
    fn sync_group(&mut self) {
        let gone = match &self.group {
            Some(l) => l.group.borrow().item(l.item).is_none(),
            None => false,
        };
        if gone {
            if let Some(l) = self.group.take() {
                self.flags = l.orig_flags;
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonMode {
    None,
    Plain,
    Std,
}

/// A string inside JSON quotes: `"` and, since libdm 1.02.207, the escape
/// character `\` itself are escaped with a backslash.
fn json_escape(line: &mut Vec<u8>, s: &[u8]) {
    for &b in s {
        if b == b'"' || b == b'\\' {
            line.push(b'\\');
        }
        line.push(b);
    }
}

fn cmp_c_strings(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (&a.sort, &b.sort) {
        (Sort::Str(x), Sort::Str(y)) => x.cmp(y),
        (Sort::Text, Sort::Text) => a.text.cmp(&b.text),
        _ => a.c_string().cmp(&b.c_string()),
    }
}

/// `%-*.*s` / `%*.*s`: `s` cut to `width` bytes and padded to it.
fn pad(line: &mut Vec<u8>, s: &[u8], width: i32, right: bool) {
    let w = width.max(0) as usize;
    let s = &s[..s.len().min(w)];
    if right {
        line.extend(std::iter::repeat_n(b' ', w - s.len()));
        line.extend_from_slice(s);
    } else {
        line.extend_from_slice(s);
        line.extend(std::iter::repeat_n(b' ', w - s.len()));
    }
}

/// Comma-separated words as libdm reads them: consecutive commas are
/// skipped, but commas at the end leave one empty word (which no field
/// matches).
fn words(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = s;
    let mut done = s.is_empty();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while let [b',', tail @ ..] = rest {
            rest = tail;
        }
        let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
        let (w, tail) = rest.split_at(end);
        rest = tail;
        if rest.is_empty() {
            done = true;
        }
        Some(w)
    })
}

/// libdm's canonical field name: underscores dropped, at most 31
/// characters; None (logged) when longer. The flag says whether it differs.
fn canonical_name(field: &[u8]) -> Option<(String, bool)> {
    let mut out = Vec::new();
    let mut diff = false;
    for (i, &c) in field.iter().enumerate() {
        if c == 0 {
            break;
        }
        if c == b'_' {
            diff = true;
            continue;
        }
        if out.len() + 1 >= 32 {
            crate::log_error!("{}: field name too long.", String::from_utf8_lossy(&field[i..]));
            return None;
        }
        out.push(c);
    }
    Some((String::from_utf8_lossy(&out).into_owned(), diff))
}

/// libdm's `_is_same_field`: equal ignoring case, or equal after the
/// definition's prefix (the type prefix without its last character).
fn is_same_field(def: &[u8], given: &[u8], prefix: &[u8]) -> bool {
    if def.eq_ignore_ascii_case(given) {
        return true;
    }
    if prefix.is_empty() {
        return false;
    }
    let pl = prefix.len() - 1;
    def.len() >= pl && prefix[..pl].eq_ignore_ascii_case(&def[..pl]) && def[pl..].eq_ignore_ascii_case(given)
}

pub(crate) fn type_name(t: u32) -> &'static str {
    match t {
        TYPE_STRING => "string",
        TYPE_NUMBER => "number",
        TYPE_SIZE => "size",
        TYPE_PERCENT => "percent",
        TYPE_TIME => "time",
        TYPE_STRING_LIST => "string list",
        _ => "unknown",
    }
}

// ---- groups ---------------------------------------------------------------

/// `dm_report_group_type_t` (JsonStd is upstream's later addition, value 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// One report.
    Single,
    /// Reports one after another, each under its name.
    Basic,
    /// One JSON object.
    Json,
    /// JSON with numbers and lists as JSON types.
    JsonStd,
}

impl GroupKind {
    /// From the C value.
    pub fn from_c(v: i32) -> Option<GroupKind> {
        match v {
            0 => Some(GroupKind::Single),
            1 => Some(GroupKind::Basic),
            2 => Some(GroupKind::Json),
            3 => Some(GroupKind::JsonStd),
            _ => None,
        }
    }
}

struct Item {
    id: u64,
    /// The report's C handle, when the item is a report.
    report: Option<usize>,
    data: Option<String>,
    parent: Option<u64>,
    output_done: bool,
    needs_closing: bool,
    finished_count: u32,
}

/// The shared state of a report group.
pub struct GroupState {
    kind: GroupKind,
    /// Bottom first: the root item, then pushed items; the last is the top.
    items: Vec<Item>,
    indent: i32,
    next_id: u64,
}

/// A report group (`struct dm_report_group`).
pub struct Group(Rc<RefCell<GroupState>>);

impl GroupState {
    fn item(&self, id: u64) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
    fn item_mut(&mut self, id: u64) -> Option<&mut Item> {
        self.items.iter_mut().find(|i| i.id == id)
    }
    fn parent_finished(&self, it: &Item) -> u32 {
        it.parent.and_then(|p| self.item(p)).map_or(0, |p| p.finished_count)
    }

    fn json_start(&mut self) {
        if self.indent == 0 {
            print(b"{");
            self.indent += 4;
        }
    }

    fn print_indented(&self, extra: i32, s: &str) {
        let _ = extra;
        let mut line = vec![b' '; self.indent.max(0) as usize];
        line.extend_from_slice(s.as_bytes());
        print(&line);
    }

    fn json_array_start(&mut self, id: u64) {
        let (name, parent) = match self.item(id) {
            Some(it) => (it.data.clone().unwrap_or_default(), it.parent),
            None => return,
        };
        let (pfinished, pparent, pdata) = match parent.and_then(|p| self.item(p)) {
            Some(p) => (p.finished_count, p.parent.is_some(), p.data.is_some()),
            None => (0, false, false),
        };
        if pfinished > 0 {
            self.print_indented(0, ",");
        }
        if pparent && pdata {
            self.print_indented(0, "{");
            self.indent += 4;
        }
        self.print_indented(0, &format!("\"{name}\": ["));
        self.indent += 4;
    }
}

impl Group {
    /// `dm_report_group_create` in a locale whose decimal point (radix
    /// character) is `radix`: a JSON_STD group needs `.` (libdm 1.02.207
    /// refuses it otherwise, as its numbers would not be JSON).
    pub fn create(kind: GroupKind, radix: u8) -> Result<Group, ReportError> {
        if kind == GroupKind::JsonStd && radix != b'.' {
            crate::log_error!(
                "dm_report: dm_report_group_create: the locale's decimal point {:?} cannot be used for JSON_STD output",
                char::from(radix)
            );
            return Err(FAIL);
        }
        Ok(Group::new(kind))
    }

    /// `dm_report_group_create`, whatever the locale.
    pub fn new(kind: GroupKind) -> Group {
        let root = Item { id: 0, report: None, data: None, parent: None, output_done: false, needs_closing: false, finished_count: 0 };
        Group(Rc::new(RefCell::new(GroupState { kind, items: vec![root], indent: 0, next_id: 1 })))
    }

    /// `dm_report_group_push`: a report (with its C handle) or a named
    /// sub-group (`name`).
    pub fn push(&self, report: Option<(&mut Report, usize)>, name: Option<&[u8]>) -> Res<()> {
        let mut g = self.0.borrow_mut();
        let id = g.next_id;
        g.next_id += 1;
        let parent = g.items.iter().rev().find(|i| i.report.is_none()).map(|i| i.id);
        let data = name.map(|n| String::from_utf8_lossy(n).into_owned());
        let kind = g.kind;
        let is_report = report.is_some();
        match kind {
            GroupKind::Single => {
                let count = g.items.iter().filter(|i| i.report.is_some()).count() + usize::from(is_report);
                if count > 1 {
                    crate::log_error!("dm_report: unable to add more than one report to current report group");
                    return Err(FAIL);
                }
            }
            GroupKind::Basic => {
                if !is_report && data.is_none() {
                    let pf = parent.and_then(|p| g.item(p)).map_or(0, |p| p.finished_count);
                    if pf > 0 {
                        print(b"");
                    }
                }
            }
            GroupKind::Json | GroupKind::JsonStd => {}
        }
        let handle = report.as_ref().map(|(_, h)| *h);
        g.items.push(Item { id, report: handle, data: data.clone(), parent, output_done: false, needs_closing: false, finished_count: 0 });
        if let Some((rh, _)) = report {
            rh.sync_group();
            let orig = rh.flags;
            match kind {
                GroupKind::Basic => {
                    if rh.flags & OUTPUT_BUFFERED == 0 {
                        rh.flags &= !OUTPUT_MULTIPLE_TIMES;
                    }
                }
                GroupKind::Json | GroupKind::JsonStd => {
                    rh.flags &= !(OUTPUT_ALIGNED | OUTPUT_HEADINGS | OUTPUT_COLUMNS_AS_ROWS);
                    rh.flags |= OUTPUT_BUFFERED;
                }
                GroupKind::Single => {}
            }
            rh.group = Some(GroupLink { group: self.0.clone(), item: id, orig_flags: orig });
        } else if matches!(kind, GroupKind::Json | GroupKind::JsonStd) {
            g.json_start();
            if data.is_some() {
                g.json_array_start(id);
            } else {
                let pp = parent.and_then(|p| g.item(p)).map(|p| (p.parent.is_some(), p.finished_count));
                match pp {
                    Some((true, pf)) => {
                        if pf > 0 {
                            g.print_indented(0, ",");
                        }
                        g.print_indented(0, "{");
                        g.indent += 4;
                    }
                    _ => {
                        crate::log_error!("dm_report: can't use unnamed object at top level of JSON output");
                        g.items.pop();
                        return Err(FAIL);
                    }
                }
            }
            if let Some(it) = g.item_mut(id) {
                it.output_done = true;
                it.needs_closing = true;
            }
        }
        Ok(())
    }

    /// `dm_report_group_pop`.
    pub fn pop(&self) -> Res<()> {
        let mut g = self.0.borrow_mut();
        if g.items.is_empty() {
            crate::log_error!("dm_report: dm_report_group_pop: group has no items");
            return Err(FAIL);
        }
        let top = g.items.len() - 1;
        if matches!(g.kind, GroupKind::Json | GroupKind::JsonStd) && g.items[top].output_done && g.items[top].needs_closing {
            if g.items[top].data.is_some() {
                g.indent -= 4;
                g.print_indented(0, "]");
            }
            let parent = g.items[top].parent;
            let pinfo = parent.and_then(|p| g.item(p)).map(|p| (p.data.is_some(), p.parent.is_some()));
            if let Some((true, true)) = pinfo {
                g.indent -= 4;
                g.print_indented(0, "}");
            }
            g.items[top].needs_closing = false;
        }
        let it = g.items.pop().expect("checked non-empty");
        if let Some(p) = it.parent.and_then(|p| g.item_mut(p)) {
            p.finished_count += 1;
        }
        Ok(())
    }

    /// `dm_report_group_output_and_pop_all`: each item above the root,
    /// from the top down, has its report (if any) output by `output` (given
    /// the report's C handle; false stops with an error) and is popped;
    /// then the group is finished.
    pub fn output_and_pop_all(&self, mut output: impl FnMut(usize) -> bool) -> Res<()> {
        while !self.top_is_root() {
            if let Some(Some(rh)) = self.top_report() {
                if !output(rh) {
                    return Err(FAIL);
                }
            }
            self.pop()?;
        }
        self.finish_all();
        Ok(())
    }

    /// The report handles of the items from the top down (for
    /// `dm_report_group_output_and_pop_all`), None for non-report items.
    fn top_report(&self) -> Option<Option<usize>> {
        let g = self.0.borrow();
        g.items.last().map(|i| if i.parent.is_none() { None } else { i.report })
    }

    /// Whether the top item is the root.
    fn top_is_root(&self) -> bool {
        self.0.borrow().items.last().is_some_and(|i| i.parent.is_none())
    }

    /// The tail of `dm_report_group_output_and_pop_all`, after the caller
    /// output and popped every item above the root.
    pub fn finish_all(&self) {
        let mut g = self.0.borrow_mut();
        if let Some(root) = g.items.iter_mut().find(|i| i.parent.is_none()) {
            root.finished_count = 0;
        }
        if matches!(g.kind, GroupKind::Json | GroupKind::JsonStd) {
            g.json_start();
            print(b"}");
            g.indent -= 4;
        }
    }
}

#[cfg(test)]
mod tests;
