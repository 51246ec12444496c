//! The selection language: any bytes as a selection for a report with
//! fields of every type; accepted selections are then evaluated on a row.
#![no_main]
use devmapper::report::flags::*;
use devmapper::report::{FieldDef, Report, TypeDef, Value};
use libfuzzer_sys::fuzz_target;

fn field(id: &str, flags: u32) -> FieldDef {
    FieldDef { type_id: 1, flags, width: 4, id: id.into(), heading: id.into(), desc: String::new() }
}

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    let types = vec![TypeDef { id: 1, desc: "T".into(), prefix: "t_".into() }];
    let fields = vec![
        field("name", TYPE_STRING),
        field("count", TYPE_NUMBER),
        field("size", TYPE_SIZE),
        field("pct", TYPE_PERCENT),
        field("tags", TYPE_STRING_LIST),
        field("when", TYPE_TIME),
        field("left", TYPE_NUMBER | ALIGN_LEFT),
    ];
    if let Ok(mut rh) = Report::with_selection(None, types, fields, b"name", b" ", OUTPUT_BUFFERED, None, Some(data), None) {
        let row = vec![
            Some(Value::string(b"abc")),
            Some(Value::number("5".into(), 5)),
            Some(Value::number("1m".into(), 2048f64.to_bits())),
            Value::percent(50_000_000),
            Some(Value::string_list(&[b"x", b"y"], b",", true)),
            Some(Value::number("t".into(), 1_600_000_000)),
            Some(Value::number("1".into(), 1)),
        ];
        let n = rh.columns().len();
        let mut vals = row;
        vals.resize(n.max(vals.len()), None);
        vals.truncate(n);
        let _ = rh.add_row(vals, true);
        let _ = rh.output();
    }
});
