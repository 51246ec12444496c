//! The selection language of `dm_report_init_with_selection` and
//! `dm_report_set_selection`:
//!
//! ```text
//! EXPR  := AND ( ("||" | "#") AND )*
//! AND   := TERM ( ("&&" | ",") TERM )*
//! TERM  := "!" "(" EXPR ")" | "(" EXPR ")" | FIELD OP VALUE
//! OP    := "=~" "!~" "=" "!=" ">=" ">" "<=" "<" "since" "after" "until" "before"
//! VALUE := number [unit | "%"] | string | [list] | {subset} | regex | time
//! ```
//!
//! Values are typed by the field: numbers, sizes (units, MiB by default),
//! percents, strings, string lists, times (ISO 8601 dates or `@seconds`),
//! and the caller's reserved values (names standing for values or ranges).

use super::flags::*;
use super::{FieldDef, FieldRef, Report, Sort, Value};
use crate::regex::Regex;

const CMP_UNCOMPARABLE: u32 = 0x0010_0000;
const CMP_EQUAL: u32 = 0x0020_0000;
const CMP_NOT: u32 = 0x0040_0000;
const CMP_GT: u32 = 0x0080_0000;
const CMP_LT: u32 = 0x0100_0000;
const CMP_REGEX: u32 = 0x0200_0000;
const CMP_NUMBER: u32 = 0x0400_0000;
const CMP_TIME: u32 = 0x0800_0000;
const CMP_MASK: u32 = 0x0FF0_0000;

const OP_CMP: &[(&str, u32, &str)] = &[
    ("=~", CMP_REGEX, "Matching regular expression. [regex]"),
    ("!~", CMP_REGEX | CMP_NOT, "Not matching regular expression. [regex]"),
    ("=", CMP_EQUAL, "Equal to. [number, size, percent, string, string list, time]"),
    ("!=", CMP_NOT | CMP_EQUAL, "Not equal to. [number, size, percent, string, string_list, time]"),
    (">=", CMP_NUMBER | CMP_TIME | CMP_GT | CMP_EQUAL, "Greater than or equal to. [number, size, percent, time]"),
    (">", CMP_NUMBER | CMP_TIME | CMP_GT, "Greater than. [number, size, percent, time]"),
    ("<=", CMP_NUMBER | CMP_TIME | CMP_LT | CMP_EQUAL, "Less than or equal to. [number, size, percent, time]"),
    ("<", CMP_NUMBER | CMP_TIME | CMP_LT, "Less than. [number, size, percent, time]"),
    ("since", CMP_TIME | CMP_GT | CMP_EQUAL, "Since specified time (same as '>='). [time]"),
    ("after", CMP_TIME | CMP_GT, "After specified time (same as '>'). [time]"),
    ("until", CMP_TIME | CMP_LT | CMP_EQUAL, "Until specified time (same as '<='). [time]"),
    ("before", CMP_TIME | CMP_LT, "Before specified time (same as '<'). [time]"),
];

const SEL_AND: u32 = 0x2;
const SEL_OR: u32 = 0x4;
const SEL_NOT: u32 = 0x100;
const SEL_PS: u32 = 0x1000;
const SEL_PE: u32 = 0x2000;
const SEL_LS: u32 = 0x10000;
const SEL_LE: u32 = 0x20000;
const SEL_SUBSET_LS: u32 = 0x40000;
const SEL_SUBSET_LE: u32 = 0x80000;

const OP_LOG: &[(&str, u32, &str)] = &[
    ("&&", SEL_AND, "All fields must match"),
    (",", SEL_AND, "All fields must match"),
    ("||", SEL_OR, "At least one field must match"),
    ("#", SEL_OR, "At least one field must match"),
    ("!", SEL_NOT, "Logical negation"),
    ("(", SEL_PS, "Left parenthesis"),
    (")", SEL_PE, "Right parenthesis"),
    ("[", SEL_LS, "List start"),
    ("]", SEL_LE, "List end"),
    ("{", SEL_SUBSET_LS, "List subset start"),
    ("}", SEL_SUBSET_LE, "List subset end"),
];

/// `DM_REPORT_FIELD_RESERVED_VALUE_*`.
pub const RESERVED_NAMED: u32 = 0x1;
/// A range: two values.
pub const RESERVED_RANGE: u32 = 0x2;
/// Computed at run time by a handler.
pub const RESERVED_DYNAMIC: u32 = 0x4;
/// Names recognised by a handler.
pub const RESERVED_FUZZY: u32 = 0x8;

/// A reserved value's value.
#[derive(Debug, Clone, PartialEq)]
pub enum ReservedValue {
    /// A number, percent or (as its bits) size.
    Num(u64),
    /// A range of numbers.
    NumRange(u64, u64),
    /// A size in sectors.
    Dbl(f64),
    /// A range of sizes.
    DblRange(f64, f64),
    /// A string.
    Str(Vec<u8>),
    /// A time.
    Time(i64),
    /// A range of times.
    TimeRange(i64, i64),
    /// Handled by the caller (dynamic values, fuzzy names): not supported
    /// by this engine, never matched.
    Handler,
}

impl ReservedValue {
    /// The value of a reserved value of `type_` (`RESERVED_*` flags) for a
    /// field of type `vtype`: `word(i)` reads its `i`th 64-bit word (a
    /// u64, f64 or time_t by the type), `string()` its string.
    pub fn read(type_: u32, vtype: u32, word: impl Fn(usize) -> u64, string: impl FnOnce() -> Vec<u8>) -> ReservedValue {
        use ReservedValue::*;
        if type_ & (RESERVED_DYNAMIC | RESERVED_FUZZY) != 0 {
            return Handler;
        }
        let range = type_ & RESERVED_RANGE != 0;
        match vtype {
            TYPE_NUMBER | TYPE_PERCENT if range => NumRange(word(0), word(1)),
            TYPE_NUMBER | TYPE_PERCENT => Num(word(0)),
            TYPE_SIZE if range => DblRange(f64::from_bits(word(0)), f64::from_bits(word(1))),
            TYPE_SIZE => Dbl(f64::from_bits(word(0))),
            TYPE_TIME if range => TimeRange(word(0) as i64, word(1) as i64),
            TYPE_TIME => Time(word(0) as i64),
            TYPE_STRING => Str(string()),
            _ => Handler,
        }
    }
}

/// One `struct dm_report_reserved_value`.
#[derive(Debug, Clone)]
pub struct ReservedDef {
    /// `DM_REPORT_FIELD_RESERVED_VALUE_*` | `DM_REPORT_FIELD_TYPE_*`.
    pub type_: u32,
    /// For per-field values (type NONE): the field's index.
    pub field_num: Option<u32>,
    /// The value.
    pub value: ReservedValue,
    /// The names standing for it.
    pub names: Vec<Vec<u8>>,
    /// Help text.
    pub description: String,
}

enum Operand {
    Str(Vec<u8>),
    Num(u64),
    Dbl(f64),
    Time(i64),
    Regex(Box<std::cell::RefCell<Regex>>),
    List { items: Vec<Vec<u8>>, kind: u32 },
}

struct FieldSel {
    prop: FieldRef,
    flags: u32,
    v1: Operand,
    v2: Option<Operand>,
}

enum Node {
    Item(Box<FieldSel>, bool),
    And(Vec<Node>, bool),
    Or(Vec<Node>, bool),
}

/// A parsed selection.
pub struct Selection {
    root: Option<Node>,
    add_new_fields: bool,
}

fn skip_space(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace() || **b == 0x0b).count();
    &s[n..]
}

/// `_tok_op`: the operator at the start of `s` (after spaces) among those
/// with a flag in `expect` (all when 0): its flags and the rest.
fn tok_op<'a>(table: &[(&str, u32, &str)], s: &'a [u8], expect: u32) -> (u32, &'a [u8]) {
    let s = skip_space(s);
    for (op, f, _) in table {
        if expect != 0 && f & expect == 0 {
            continue;
        }
        if s.starts_with(op.as_bytes()) {
            return (*f, &s[op.len()..]);
        }
    }
    (0, s)
}

fn quote_char(s: &[u8]) -> (u8, &[u8]) {
    match s.first() {
        Some(&c @ (b'"' | b'\'')) => (c, &s[1..]),
        _ => (0, s),
    }
}

/// `_tok_value_string`: (value, rest), or None for a missing end quote.
fn tok_string(s: &[u8], endchar: u8, end_flags: u32) -> Option<(&[u8], &[u8])> {
    if endchar != 0 {
        match s.iter().position(|&b| b == endchar) {
            Some(i) => Some((&s[..i], &s[i + 1..])),
            None => {
                crate::log_error!("Missing end quote.");
                None
            }
        }
    } else {
        let mut i = 0;
        while i < s.len() {
            if tok_op(OP_LOG, &s[i..], end_flags).0 != 0 || s[i] == b' ' {
                break;
            }
            i += 1;
        }
        Some((&s[..i], &s[i..]))
    }
}

fn tok_number(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut dot = false;
    let mut i = 0;
    while i < s.len() {
        if !dot && s[i] == b'.' {
            dot = true;
        } else if !s[i].is_ascii_digit() {
            break;
        }
        i += 1;
    }
    if i == 0 {
        None
    } else {
        Some((&s[..i], &s[i..]))
    }
}

fn lossy(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

/// `strtoull(s, NULL, 10)` where libdm checks errno: None when out of range.
fn strtoull(s: &[u8]) -> Option<u64> {
    crate::util::num::Digits::read(s, 10).checked()
}

fn strtod(s: &[u8]) -> f64 {
    let t = std::str::from_utf8(s).unwrap_or("");
    if t == "." {
        return 0.0;
    }
    t.parse::<f64>().unwrap_or(0.0)
}

fn dbl_equal(a: f64, b: f64) -> bool {
    (a - b).abs() < f64::EPSILON
}
fn dbl_greater(a: f64, b: f64) -> bool {
    a > b && !dbl_equal(a, b)
}
fn dbl_less(a: f64, b: f64) -> bool {
    a < b && !dbl_equal(a, b)
}

fn display_fields_and_error(rh: &Report, msg: String) {
    rh.display_fields(false, true);
    super::warn(" ");
    crate::log_error!("{msg}");
}

struct Parser<'r> {
    rh: &'r mut Report,
}

const SYNTAX_ERR: &str = "Selection syntax error at '";
const HELP_REF: &str = "Use 'help' for selection to get more help.";

impl Parser<'_> {
    fn reserved_match(&self, r: &ReservedDef, name: &[u8]) -> bool {
        r.names.iter().any(|n| n.as_slice() == name)
    }

    /// `_get_reserved`: a reserved name at the start of `s` for this field.
    fn get_reserved<'a>(&self, ftype: u32, field: FieldRef, s: &'a [u8]) -> Option<(usize, &'a [u8], &'a [u8])> {
        let res = self.rh.reserved.as_ref()?;
        let FieldRef::User(field_num) = field else { return None };
        let (c, t) = quote_char(s);
        let (val, rest) = tok_string(t, c, SEL_AND | SEL_OR | SEL_PE)?;
        for (i, r) in res.iter().enumerate() {
            let ok = if r.type_ & TYPE_MASK == 0 {
                r.field_num == Some(field_num as u32) && self.reserved_match(r, val)
            } else {
                r.type_ & ftype != 0 && self.reserved_match(r, val)
            };
            if ok {
                return Some((i, val, rest));
            }
        }
        None
    }

    fn strictly_reserved(&self, field: FieldRef, t: u32, val: &Operand, fs: Option<&FieldSel>) -> bool {
        strictly_reserved(self.rh, field, t, val, fs)
    }

    fn selection<'a>(&mut self, s: &'a [u8]) -> Result<(Node, &'a [u8]), ()> {
        let r = self.selection_inner(s);
        if let Err(true) = r {
            crate::log_error!("{SYNTAX_ERR}{}'.", lossy(s));
            crate::log_error!("{HELP_REF}");
        }
        r.map_err(|_| ())
    }

    fn selection_inner<'a>(&mut self, s: &'a [u8]) -> Result<(Node, &'a [u8]), bool> {
        let t = skip_space(s);
        let n = t.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-').count();
        if n == 0 {
            crate::log_error!("Expecting field name");
            return Err(true);
        }
        let (name, after) = t.split_at(n);
        let field = match self.rh.get_field(name) {
            Some(f) => f,
            None => {
                display_fields_and_error(self.rh, format!("Unrecognised selection field: {}", lossy(name)));
                return Err(true);
            }
        };
        let fflags = self.rh.field_flags(field);
        if let FieldRef::Implicit(_) = field {
            if fflags & CMP_UNCOMPARABLE != 0 {
                display_fields_and_error(self.rh, format!("Selection field is uncomparable: {}.", lossy(name)));
                return Err(true);
            }
        }
        let fid = self.rh.field_id(field).to_string();
        let (mut flags, last) = tok_op(OP_CMP, after, 0);
        if flags == 0 {
            display_selection_help(self.rh);
            crate::log_error!("Unrecognised comparison operator: {}", lossy(after));
            return Err(true);
        }
        let ftype = fflags & TYPE_MASK;
        let mut reserved: Option<usize> = None;
        let v1: Operand;
        let mut v2: Option<Operand> = None;
        let rest: &[u8];
        if flags & CMP_REGEX != 0 {
            let t = skip_space(last);
            if t.is_empty() {
                crate::log_error!("Regular expression expected for selection field {fid}");
                return Err(true);
            }
            let c = match t[0] {
                b'(' => b')',
                b'{' => b'}',
                b'[' => b']',
                b'"' | b'\'' => t[0],
                _ => 0,
            };
            let body = if c != 0 { &t[1..] } else { t };
            let (val, r) = match tok_string(body, c, SEL_AND | SEL_OR | SEL_PE) {
                Some(x) => x,
                None => {
                    crate::log_error!("Failed to parse regex value for selection field {fid}.");
                    return Err(true);
                }
            };
            flags |= TYPE_STRING;
            rest = r;
            self.check_compat(field, flags, &fid)?;
            match Regex::new(&[val]) {
                Ok(re) => v1 = Operand::Regex(Box::new(std::cell::RefCell::new(re))),
                Err(_) => {
                    crate::log_error!("dm_report: failed to create regex matcher for selection field {fid}");
                    return Err(false);
                }
            }
        } else {
            if flags & CMP_NUMBER != 0 {
                if fflags & (TYPE_NUMBER | TYPE_SIZE | TYPE_PERCENT | TYPE_TIME) == 0 {
                    display_selection_help(self.rh);
                    crate::log_error!("Operator can be used only with number, size, time or percent fields: {}", lossy(t));
                    return Err(true);
                }
            } else if flags & CMP_TIME != 0 && fflags & TYPE_TIME == 0 {
                display_selection_help(self.rh);
                crate::log_error!("Operator can be used only with time fields: {}", lossy(t));
                return Err(true);
            }
            let custom_num = fflags == TYPE_SIZE || fflags == TYPE_NUMBER || fflags == TYPE_PERCENT;
            let custom_list = !custom_num && fflags & TYPE_TIME == 0 && fflags == TYPE_STRING_LIST;
            let s = skip_space(last);
            if let Some((ri, _, r)) = self.get_reserved(ftype, field, s) {
                reserved = Some(ri);
                if ftype == TYPE_TIME {
                    flags &= !CMP_NUMBER;
                } else if ftype == TYPE_NUMBER {
                    flags &= !CMP_TIME;
                }
                flags |= ftype;
                rest = r;
                let rv = &self.rh.reserved.as_ref().expect("reserved")[ri];
                let rtype = rv.type_;
                let value = rv.value.clone();
                self.check_compat(field, flags, &fid)?;
                if rtype & (RESERVED_DYNAMIC | RESERVED_FUZZY) != 0 {
                    crate::log_error!("dm_report: could not get reserved value while processing selection field {fid}");
                    return Err(false);
                }
                let (a, b) = reserved_operands(&value, flags & TYPE_MASK);
                v1 = a;
                v2 = b;
            } else {
                match ftype {
                    TYPE_STRING => {
                        let (c, t) = quote_char(s);
                        let (val, r) = match tok_string(t, c, SEL_AND | SEL_OR | SEL_PE) {
                            Some(x) => x,
                            None => {
                                crate::log_error!("Failed to parse string value for selection field {fid}.");
                                return Err(true);
                            }
                        };
                        flags |= TYPE_STRING;
                        rest = r;
                        self.check_compat(field, flags, &fid)?;
                        let op = Operand::Str(val.to_vec());
                        if self.strictly_reserved(field, TYPE_STRING, &op, None) {
                            crate::log_error!("String value {} found in selection is reserved.", lossy(val));
                            return Err(false);
                        }
                        v1 = op;
                    }
                    TYPE_STRING_LIST => {
                        if !custom_list {
                            crate::log_error!("{}Forbidden NULL custom detected.", crate::log::INTERNAL_ERROR);
                            return Err(true);
                        }
                        let (list, r) = match tok_string_list(&fid, s) {
                            Some(x) => x,
                            None => {
                                crate::log_error!("Failed to parse string list value for selection field {fid}.");
                                return Err(true);
                            }
                        };
                        flags |= TYPE_STRING_LIST;
                        rest = r;
                        self.check_compat(field, flags, &fid)?;
                        v1 = list;
                    }
                    TYPE_NUMBER | TYPE_SIZE | TYPE_PERCENT => {
                        let (num, mut r) = match tok_number(s) {
                            Some(x) => x,
                            None => {
                                crate::log_error!("Failed to parse numeric value for selection field {fid}.");
                                return Err(true);
                            }
                        };
                        let mut factor = 0u64;
                        if r.first() == Some(&b'%') {
                            r = &r[1..];
                            if ftype != TYPE_PERCENT {
                                crate::log_error!(
                                    "Found percent value but {} value expected for selection field {fid}.",
                                    if ftype == TYPE_NUMBER { "numeric" } else { "size" }
                                );
                                return Err(true);
                            }
                        } else {
                            if !custom_num {
                                crate::log_error!("{}Forbidden NULL custom detected.", crate::log::INTERNAL_ERROR);
                                return Err(true);
                            }
                            let u = crate::util::units::units_to_factor(r, false);
                            if u.factor != 0 {
                                factor = u.factor;
                                r = &r[u.end..];
                                if ftype != TYPE_SIZE {
                                    crate::log_error!(
                                        "Found size unit specifier but {} value expected for selection field {fid}.",
                                        if ftype == TYPE_NUMBER { "numeric" } else { "percent" }
                                    );
                                    return Err(true);
                                }
                            } else if ftype == TYPE_SIZE {
                                factor = 1024 * 1024;
                            }
                        }
                        flags |= ftype;
                        flags &= !CMP_TIME;
                        rest = r;
                        self.check_compat(field, flags, &fid)?;
                        v1 = self.number_operand(field, ftype, num, factor, &fid)?;
                    }
                    TYPE_TIME => {
                        let (t1, t2, r) = match tok_time(&fid, s) {
                            Some(x) => x,
                            None => {
                                crate::log_error!("Failed to parse time value for selection field {fid}.");
                                return Err(true);
                            }
                        };
                        flags |= TYPE_TIME;
                        flags &= !CMP_NUMBER;
                        rest = r;
                        self.check_compat(field, flags, &fid)?;
                        v1 = Operand::Time(t1);
                        v2 = t2.map(Operand::Time);
                    }
                    _ => {
                        self.check_compat(field, flags, &fid)?;
                        crate::log_error!("{}_create_field_selection: unknown type of selection field {fid}", crate::log::INTERNAL_ERROR);
                        return Err(false);
                    }
                }
            }
        }
        let _ = reserved;
        let fs = FieldSel { prop: field, flags, v1, v2 };
        Ok((Node::Item(Box::new(fs), false), skip_space(rest)))
    }

    fn number_operand(&self, field: FieldRef, ftype: u32, num: &[u8], factor: u64, fid: &str) -> Result<Operand, bool> {
        match ftype {
            TYPE_NUMBER => {
                let v = match strtoull(num) {
                    Some(v) => v,
                    None => {
                        crate::log_error!("Field selection value {} out of supported range for field {fid}.", lossy(num));
                        return Err(false);
                    }
                };
                let op = Operand::Num(v);
                if self.strictly_reserved(field, TYPE_NUMBER, &op, None) {
                    crate::log_error!("Numeric value {v} found in selection is reserved.");
                    return Err(false);
                }
                Ok(op)
            }
            TYPE_SIZE => {
                let mut d = strtod(num);
                if d.is_infinite() {
                    crate::log_error!("Field selection value {} out of supported range for field {fid}.", lossy(num));
                    return Err(false);
                }
                if factor != 0 {
                    d *= factor as f64;
                }
                d /= 512.0;
                let op = Operand::Dbl(d);
                if self.strictly_reserved(field, TYPE_SIZE, &op, None) {
                    crate::log_error!("Size value {d:.6} found in selection is reserved.");
                    return Err(false);
                }
                Ok(op)
            }
            _ => {
                let d = strtod(num);
                if !(0.0..=100.0).contains(&d) || d.is_infinite() {
                    crate::log_error!("Field selection value {} out of supported range for field {fid}.", lossy(num));
                    return Err(false);
                }
                let p = (1_000_000.0 * d) as i32;
                Ok(Operand::Num(p as i64 as u64))
            }
        }
    }

    fn check_compat(&mut self, field: FieldRef, flags: u32, fid: &str) -> Result<(), bool> {
        let idx = match self.rh.prop_of(field) {
            Some(i) => i,
            None => {
                if self.rh.selection.as_ref().is_some_and(|s| s.add_new_fields) {
                    let i = self.rh.add_prop(field, FLD_HIDDEN).map_err(|_| false)?;
                    let t = match field {
                        FieldRef::User(u) => self.rh.fields[u].type_id,
                        FieldRef::Implicit(_) => super::SPECIAL_REPORT_TYPE,
                    };
                    self.rh.report_types |= t;
                    i
                } else {
                    crate::log_error!("Unable to create selection with field '{fid}' which is not included in current report.");
                    return Err(false);
                }
            }
        };
        if self.rh.props[idx].flags & flags & TYPE_MASK == 0 {
            crate::log_error!("dm_report: incompatible comparison type for selection field {fid}");
            return Err(false);
        }
        Ok(())
    }

    fn ex<'a>(&mut self, s: &'a [u8]) -> Result<(Node, &'a [u8]), ()> {
        let (t, next) = tok_op(OP_LOG, s, SEL_NOT | SEL_PS);
        if t == SEL_NOT {
            let (t2, tmp) = tok_op(OP_LOG, next, SEL_PS);
            if t2 == 0 {
                crate::log_error!("Syntax error: left parenthesis expected at '{}'", lossy(next));
                return Err(());
            }
            let (mut n, next) = self.or_ex(tmp)?;
            set_not(&mut n);
            let (t3, tmp) = tok_op(OP_LOG, next, SEL_PE);
            if t3 == 0 {
                crate::log_error!("Syntax error: right parenthesis expected at '{}'", lossy(next));
                return Err(());
            }
            Ok((n, tmp))
        } else if t == SEL_PS {
            let (n, tmp) = self.or_ex(next)?;
            let (t3, after) = tok_op(OP_LOG, tmp, SEL_PE);
            if t3 == 0 {
                crate::log_error!("Syntax error: right parenthesis expected at '{}'", lossy(after));
                return Err(());
            }
            Ok((n, after))
        } else {
            self.selection(skip_space(s))
        }
    }

    fn and_ex<'a>(&mut self, s: &'a [u8]) -> Result<(Node, &'a [u8]), ()> {
        let mut items = Vec::new();
        let mut s = s;
        loop {
            let (n, next) = self.ex(s)?;
            items.push(n);
            let (t, tmp) = tok_op(OP_LOG, next, SEL_AND);
            if t == 0 {
                if items.len() == 1 {
                    return Ok((items.pop().expect("one"), next));
                }
                return Ok((Node::And(items, false), next));
            }
            s = tmp;
        }
    }

    fn or_ex<'a>(&mut self, s: &'a [u8]) -> Result<(Node, &'a [u8]), ()> {
        let mut items = Vec::new();
        let mut s = s;
        loop {
            let (n, next) = self.and_ex(s)?;
            items.push(n);
            let (t, tmp) = tok_op(OP_LOG, next, SEL_OR);
            if t == 0 {
                if items.len() == 1 {
                    return Ok((items.pop().expect("one"), next));
                }
                return Ok((Node::Or(items, false), next));
            }
            s = tmp;
        }
    }
}

fn set_not(n: &mut Node) {
    match n {
        Node::Item(_, not) | Node::And(_, not) | Node::Or(_, not) => *not = true,
    }
}

fn reserved_operands(v: &ReservedValue, t: u32) -> (Operand, Option<Operand>) {
    match (v, t) {
        (ReservedValue::Num(n), TYPE_SIZE) => (Operand::Dbl(f64::from_bits(*n)), None),
        (ReservedValue::Num(n), _) => (Operand::Num(*n), None),
        (ReservedValue::NumRange(a, b), _) => (Operand::Num(*a), Some(Operand::Num(*b))),
        (ReservedValue::Dbl(d), _) => (Operand::Dbl(*d), None),
        (ReservedValue::DblRange(a, b), _) => (Operand::Dbl(*a), Some(Operand::Dbl(*b))),
        (ReservedValue::Str(s), _) => (Operand::Str(s.clone()), None),
        (ReservedValue::Time(a), _) => (Operand::Time(*a), None),
        (ReservedValue::TimeRange(a, b), _) => (Operand::Time(*a), Some(Operand::Time(*b))),
        (ReservedValue::Handler, _) => (Operand::Num(0), None),
    }
}

/// `_tok_value_string_list`.
fn tok_string_list<'a>(fid: &str, s: &'a [u8]) -> Option<(Operand, &'a [u8])> {
    let (op, _) = tok_op(OP_LOG, s, SEL_LS | SEL_SUBSET_LS);
    if op == 0 {
        let (c, t) = quote_char(s);
        let (val, rest) = tok_string(t, c, SEL_AND | SEL_OR | SEL_PE)?;
        return Some((Operand::List { items: vec![val.to_vec()], kind: SEL_OR | SEL_LS }, rest));
    }
    let end_expected = if op == SEL_LS { SEL_LE } else { SEL_SUBSET_LE };
    let flags = SEL_LE | SEL_SUBSET_LE | SEL_AND | SEL_OR;
    let mut s = &s[1..];
    let mut kind = 0;
    let mut items: Vec<Vec<u8>> = Vec::new();
    let mut hit = 0;
    while !s.is_empty() {
        s = skip_space(s);
        let (c, t) = quote_char(s);
        let (val, rest) = match tok_string(t, c, flags) {
            Some(x) => x,
            None => {
                crate::log_error!("Failed to parse string list value for selection field {fid}.");
                return None;
            }
        };
        s = skip_space(rest);
        let (h, tmp) = tok_op(OP_LOG, s, flags);
        hit = h;
        if hit == 0 {
            crate::log_error!("Invalid operator in selection list.");
            return None;
        }
        let list_end = hit & (SEL_LE | SEL_SUBSET_LE) != 0;
        if list_end && hit != end_expected {
            let ch = if end_expected == SEL_LE { "]" } else { "}" };
            crate::log_error!("List ended with incorrect character, expecting '{ch}'.");
            return None;
        }
        if kind != 0 {
            if !list_end && kind & hit == 0 {
                crate::log_error!("Only one type of logical operator allowed in selection list at a time.");
                return None;
            }
        } else if list_end {
            kind = if end_expected == SEL_LE { SEL_AND } else { SEL_OR };
        } else {
            kind = hit;
        }
        items.push(val.to_vec());
        s = tmp;
        if list_end {
            break;
        }
    }
    if hit & (SEL_LE | SEL_SUBSET_LE) == 0 {
        crate::log_error!("Missing list end for selection field {fid}");
        return None;
    }
    kind |= if end_expected == SEL_LE { SEL_LS } else { SEL_SUBSET_LS };
    items.sort();
    Some((Operand::List { items, kind }, s))
}

/// `_tok_value_time`: `@seconds` or an ISO 8601 date-time, as (start,
/// end of range if a range, rest).
fn tok_time<'a>(fid: &str, s: &'a [u8]) -> Option<(i64, Option<i64>, &'a [u8])> {
    let s = skip_space(s);
    if s.first() == Some(&b'@') {
        let (num, rest) = tok_number(&s[1..])?;
        let t = match strtoull(num) {
            Some(t) => t,
            None => {
                crate::log_error!("Field selection value {} out of supported range for field {fid}.", lossy(num));
                return None;
            }
        };
        return Some((t as i64, None, rest));
    }
    let (c, t) = quote_char(s);
    let (val, rest) = tok_string(t, c, SEL_AND | SEL_OR | SEL_PE)?;
    let (t1, t2) = crate::util::time::parse_date_time(val)?;
    Some((t1, t2, rest))
}

fn strictly_reserved(rh: &Report, field: FieldRef, t: u32, val: &Operand, fs: Option<&FieldSel>) -> bool {
    let Some(res) = rh.reserved.as_ref() else { return false };
    // libdm compares per-field values by index, implicit fields included.
    let (FieldRef::User(field_num) | FieldRef::Implicit(field_num)) = field;
    for r in res {
        if r.type_ & RESERVED_NAMED != 0 {
            continue;
        }
        let applies = if r.type_ & TYPE_MASK == 0 { r.field_num == Some(field_num as u32) } else { r.type_ & t != 0 };
        if applies && value_strictly_reserved(t, &r.value, r.type_ & RESERVED_RANGE != 0, val, fs) {
            return true;
        }
    }
    false
}

fn value_strictly_reserved(t: u32, rv: &ReservedValue, res_range: bool, val: &Operand, fs: Option<&FieldSel>) -> bool {
    let sel_range = fs.is_some_and(|f| f.v2.is_some());
    match t & TYPE_MASK {
        TYPE_NUMBER => {
            let v = match val {
                Operand::Num(n) => *n,
                _ => return false,
            };
            let (fs1, fs2) = match fs {
                Some(FieldSel { v1: Operand::Num(a), v2, .. }) => (
                    Some(*a),
                    match v2 {
                        Some(Operand::Num(b)) => Some(*b),
                        _ => None,
                    },
                ),
                _ => (None, None),
            };
            let (r0, r1) = match rv {
                ReservedValue::NumRange(a, b) => (*a, *b),
                ReservedValue::Num(a) => (*a, *a),
                _ => return false,
            };
            if res_range && sel_range {
                (v >= r0 && v <= r1) || (fs1 == Some(r0) && fs2 == Some(r1))
            } else if res_range {
                (v >= r0 && v <= r1) || fs1.is_some_and(|a| a >= r0 && a <= r1)
            } else if sel_range {
                v == r0 || (fs1.is_some_and(|a| a >= r0) && fs2.is_some_and(|b| b <= r0))
            } else {
                v == r0 || fs1 == Some(r0)
            }
        }
        TYPE_STRING => {
            let (v, r) = match (val, rv) {
                (Operand::Str(v), ReservedValue::Str(r)) => (v, r),
                _ => return false,
            };
            v == r || matches!(fs, Some(FieldSel { v1: Operand::Str(a), .. }) if a == r)
        }
        TYPE_SIZE => {
            let v = match val {
                Operand::Dbl(d) => *d,
                _ => return false,
            };
            let (r0, r1) = match rv {
                ReservedValue::DblRange(a, b) => (*a, *b),
                ReservedValue::Dbl(a) => (*a, *a),
                ReservedValue::Num(n) => (f64::from_bits(*n), f64::from_bits(*n)),
                _ => return false,
            };
            let fs1 = match fs {
                Some(FieldSel { v1: Operand::Dbl(a), .. }) => Some(*a),
                _ => None,
            };
            let fs2 = match fs {
                Some(FieldSel { v2: Some(Operand::Dbl(b)), .. }) => Some(*b),
                _ => None,
            };
            let ge = |a: f64, b: f64| dbl_greater(a, b) || dbl_equal(a, b);
            let le = |a: f64, b: f64| dbl_less(a, b) || dbl_equal(a, b);
            if res_range && sel_range {
                (ge(v, r0) && le(v, r1)) || (fs1.is_some_and(|a| dbl_equal(a, r0)) && fs2.is_some_and(|b| dbl_equal(b, r1)))
            } else if res_range {
                (ge(v, r0) && le(v, r1)) || fs1.is_some_and(|a| ge(a, r0) && le(a, r1))
            } else if sel_range {
                (ge(v, r0) && le(v, r0)) || (fs1.is_some_and(|a| ge(a, r0)) && fs2.is_some_and(|b| le(b, r0)))
            } else {
                dbl_equal(v, r0) || fs1.is_some_and(|a| dbl_equal(a, r0))
            }
        }
        _ => false,
    }
}

/// Parses `sel` into the report's selection (libdm's
/// `_report_set_selection`); `add_new_fields` adds hidden columns for
/// fields the output does not show. False (logged) on a syntax error.
pub(crate) fn set_selection(rh: &mut Report, sel: Option<&[u8]>, add_new_fields: bool) -> bool {
    match rh.selection.as_mut() {
        Some(s) => s.root = None,
        None => rh.selection = Some(Selection { root: None, add_new_fields: false }),
    }
    let sel = match sel {
        Some(s) if !s.is_empty() && !s.eq_ignore_ascii_case(b"all") => s,
        _ => return true,
    };
    if let Some(s) = rh.selection.as_mut() {
        s.add_new_fields = add_new_fields;
    }
    let mut p = Parser { rh };
    let (node, fin) = match p.or_ex(sel) {
        Ok(x) => x,
        Err(()) => return false,
    };
    let next = skip_space(fin);
    if !next.is_empty() {
        crate::log_error!("Expecting logical operator");
        crate::log_error!("{SYNTAX_ERR}{}'.", lossy(next));
        crate::log_error!("{HELP_REF}");
        return false;
    }
    if let Some(s) = rh.selection.as_mut() {
        s.root = Some(node);
    }
    true
}

/// Whether a row's values pass the selection.
pub(crate) fn check_row(rh: &Report, values: &[Value]) -> bool {
    match rh.selection.as_ref().and_then(|s| s.root.as_ref()) {
        Some(root) => check(rh, root, values),
        None => true,
    }
}

fn check(rh: &Report, n: &Node, values: &[Value]) -> bool {
    let (r, not) = match n {
        Node::Item(fs, not) => {
            let mut r = true;
            for (i, p) in rh.props.iter().enumerate() {
                if p.field == fs.prop && !compare(rh, &values[i], p.flags, fs) {
                    r = false;
                }
            }
            (r, *not)
        }
        Node::Or(list, not) => (list.iter().any(|c| check(rh, c, values)), *not),
        Node::And(list, not) => (list.iter().all(|c| check(rh, c, values)), *not),
    };
    r != not
}

fn compare(rh: &Report, v: &Value, pflags: u32, fs: &FieldSel) -> bool {
    let fid = rh.field_id(fs.prop);
    if fs.flags & CMP_REGEX != 0 {
        let s = v.c_string();
        let m = match &fs.v1 {
            Operand::Regex(re) => re.borrow_mut().matches(&s).is_some(),
            _ => false,
        };
        return if fs.flags & CMP_NOT != 0 { !m } else { m };
    }
    match pflags & TYPE_MASK {
        TYPE_PERCENT | TYPE_NUMBER => {
            let n = v.num();
            if pflags & TYPE_MASK == TYPE_PERCENT && n > 100_000_000 {
                return false;
            }
            cmp_int(rh, fs, n, fid)
        }
        TYPE_SIZE => cmp_double(rh, fs, f64::from_bits(v.num()), fid),
        TYPE_STRING => {
            let s = v.c_string();
            let sel = match &fs.v1 {
                Operand::Str(x) => x,
                _ => return false,
            };
            match fs.flags & CMP_MASK {
                CMP_EQUAL => *s == **sel,
                f if f == CMP_NOT | CMP_EQUAL => *s != **sel,
                _ => {
                    crate::log_error!("{}_cmp_field_string: unsupported string comparison type for selection field {fid}", crate::log::INTERNAL_ERROR);
                    false
                }
            }
        }
        TYPE_STRING_LIST => {
            let (items, kind) = match &fs.v1 {
                Operand::List { items, kind } => (items, *kind),
                _ => return false,
            };
            let list: Vec<&[u8]> = match &v.sort {
                Sort::List(pos) => pos.iter().map(|(s, l)| &v.text[*s..*s + *l]).collect(),
                _ => Vec::new(),
            };
            let r = if kind & SEL_OR != 0 {
                if list.is_empty() {
                    items.iter().any(|i| i.is_empty())
                } else {
                    items.iter().any(|i| list.contains(&i.as_slice()))
                }
            } else if list.is_empty() {
                items.len() == 1 && items[0].is_empty()
            } else if kind & SEL_SUBSET_LS != 0 {
                items.iter().all(|i| list.contains(&i.as_slice()))
            } else {
                list.len() == items.len() && list.iter().zip(items).all(|(a, b)| *a == b.as_slice())
            };
            if fs.flags & CMP_NOT != 0 {
                !r
            } else {
                r
            }
        }
        TYPE_TIME => cmp_time(rh, fs, v.num() as i64, fid),
        _ => {
            crate::log_error!("{}_compare_selection_field: unknown field type for field {fid}", crate::log::INTERNAL_ERROR);
            false
        }
    }
}

fn cmp_int(rh: &Report, fs: &FieldSel, val: u64, fid: &str) -> bool {
    let s1 = match fs.v1 {
        Operand::Num(n) => n,
        _ => 0,
    };
    let range = fs.v2.is_some();
    let s2 = match fs.v2 {
        Some(Operand::Num(n)) => n,
        _ => 0,
    };
    let reserved = || strictly_reserved(rh, fs.prop, TYPE_NUMBER, &Operand::Num(val), Some(fs));
    match fs.flags & CMP_MASK {
        CMP_EQUAL => {
            if range {
                val >= s1 && val <= s2
            } else {
                val == s1
            }
        }
        f if f == CMP_NOT | CMP_EQUAL => {
            if range {
                !(val >= s1 && val <= s2)
            } else {
                val != s1
            }
        }
        f if f == CMP_NUMBER | CMP_GT => !reserved() && if range { val > s2 } else { val > s1 },
        f if f == CMP_NUMBER | CMP_GT | CMP_EQUAL => !reserved() && val >= s1,
        f if f == CMP_NUMBER | CMP_LT => !reserved() && val < s1,
        f if f == CMP_NUMBER | CMP_LT | CMP_EQUAL => !reserved() && if range { val <= s2 } else { val <= s1 },
        _ => {
            crate::log_error!("{}_cmp_field_int: unsupported number comparison type for field {fid}", crate::log::INTERNAL_ERROR);
            false
        }
    }
}

fn cmp_double(rh: &Report, fs: &FieldSel, val: f64, fid: &str) -> bool {
    let s1 = match fs.v1 {
        Operand::Dbl(n) => n,
        _ => 0.0,
    };
    let range = fs.v2.is_some();
    let s2 = match fs.v2 {
        Some(Operand::Dbl(n)) => n,
        _ => 0.0,
    };
    let ge = |a: f64, b: f64| dbl_greater(a, b) || dbl_equal(a, b);
    let le = |a: f64, b: f64| dbl_less(a, b) || dbl_equal(a, b);
    let reserved = || strictly_reserved(rh, fs.prop, TYPE_SIZE, &Operand::Dbl(val), Some(fs));
    match fs.flags & CMP_MASK {
        CMP_EQUAL => {
            if range {
                ge(val, s1) && le(val, s2)
            } else {
                dbl_equal(val, s1)
            }
        }
        f if f == CMP_NOT | CMP_EQUAL => {
            if range {
                !(ge(val, s1) && le(val, s2))
            } else {
                !dbl_equal(val, s1)
            }
        }
        f if f == CMP_NUMBER | CMP_GT => !reserved() && if range { dbl_greater(val, s2) } else { dbl_greater(val, s1) },
        f if f == CMP_NUMBER | CMP_GT | CMP_EQUAL => !reserved() && ge(val, s1),
        f if f == CMP_NUMBER | CMP_LT => !reserved() && dbl_less(val, s1),
        f if f == CMP_NUMBER | CMP_LT | CMP_EQUAL => !reserved() && if range { le(val, s2) } else { le(val, s1) },
        _ => {
            crate::log_error!("{}_cmp_field_double: unsupported number comparison type for selection field {fid}", crate::log::INTERNAL_ERROR);
            false
        }
    }
}

fn cmp_time(_rh: &Report, fs: &FieldSel, val: i64, fid: &str) -> bool {
    let s1 = match fs.v1 {
        Operand::Time(n) => n,
        _ => 0,
    };
    let range = fs.v2.is_some();
    let s2 = match fs.v2 {
        Some(Operand::Time(n)) => n,
        _ => 0,
    };
    match fs.flags & CMP_MASK {
        CMP_EQUAL => {
            if range {
                val >= s1 && val <= s2
            } else {
                val == s1
            }
        }
        // libdm's "!=" on a time range is the same test as "=".
        f if f == CMP_NOT | CMP_EQUAL => {
            if range {
                val >= s1 && val <= s2
            } else {
                val != s1
            }
        }
        f if f == CMP_TIME | CMP_GT => {
            if range {
                val > s2
            } else {
                val > s1
            }
        }
        f if f == CMP_TIME | CMP_GT | CMP_EQUAL => val >= s1,
        f if f == CMP_TIME | CMP_LT => val < s1,
        f if f == CMP_TIME | CMP_LT | CMP_EQUAL => {
            if range {
                val <= s2
            } else {
                val <= s1
            }
        }
        _ => {
            crate::log_error!("{}_cmp_field_time: unsupported time comparison type for field {fid}", crate::log::INTERNAL_ERROR);
            false
        }
    }
}

/// libdm's `_check_reserved_values_supported`.
pub(crate) fn check_reserved_supported(fields: &[FieldDef], res: &[ReservedDef]) -> bool {
    let supported = TYPE_NUMBER | TYPE_SIZE | TYPE_PERCENT | TYPE_STRING | TYPE_TIME;
    let with_range = TYPE_NUMBER | TYPE_SIZE | TYPE_PERCENT | TYPE_TIME;
    for r in res {
        if r.type_ & TYPE_MASK != 0 {
            if r.type_ & supported == 0 || (r.type_ & RESERVED_RANGE != 0 && r.type_ & with_range == 0) {
                crate::log_error!(
                    "{}_check_reserved_values_supported: global reserved value for type 0x{:x} not supported",
                    crate::log::INTERNAL_ERROR,
                    r.type_
                );
                return false;
            }
        } else {
            let f = match r.field_num.and_then(|n| fields.get(n as usize)) {
                Some(f) => f,
                None => return false,
            };
            if f.flags & supported == 0 {
                crate::log_error!(
                    "{}_check_reserved_values_supported: field-specific reserved value of type 0x{:x} for field {} not supported",
                    crate::log::INTERNAL_ERROR,
                    f.flags & TYPE_MASK,
                    f.id
                );
                return false;
            }
        }
    }
    true
}

/// libdm's selection help (`-S help`).
pub(crate) fn display_selection_help(rh: &Report) {
    let w = super::warn;
    w("Selection operands");
    w("------------------");
    w("  field               - Reporting field.");
    w("  number              - Non-negative integer value.");
    w("  size                - Floating point value with units, 'm' unit used by default if not specified.");
    w("  percent             - Non-negative integer with or without % suffix.");
    w("  string              - Characters quoted by ' or \" or unquoted.");
    w("  string list         - Strings enclosed by [ ] or { } and elements delimited by either");
    w("                        \"all items must match\" or \"at least one item must match\" operator.");
    w("  regular expression  - Characters quoted by ' or \" or unquoted.");
    w(" ");
    if let Some(res) = &rh.reserved {
        w("Reserved values");
        w("---------------");
        let shown: Vec<&ReservedDef> = res.iter().take_while(|r| r.type_ != 0).collect();
        let width = shown.iter().map(|r| r.names.iter().map(|n| n.len() + 2).sum::<usize>()).max().unwrap_or(0);
        for r in shown {
            let names: Vec<String> = r.names.iter().map(|n| lossy(n)).collect();
            w(&format!("  {:<width$} - {} [{}]", names.join(", "), r.description, super::type_name(r.type_)));
        }
        w(" ");
    }
    w("Selection operators");
    w("-------------------");
    w("  Comparison operators:");
    for (op, _, desc) in OP_CMP {
        w(&format!("    {op:>6}  - {desc}"));
    }
    w(" ");
    w("  Logical and grouping operators:");
    for (op, _, desc) in OP_LOG {
        w(&format!("    {op:>4}  - {desc}"));
    }
    w(" ");
}

/// Parses a selection against a report, for fuzzing and tests: whether it
/// was accepted.
pub fn parse_for_test(rh: &mut Report, sel: &[u8]) -> bool {
    set_selection(rh, Some(sel), true)
}
