//! Behaviour of the Rust configuration tree, one behaviour per test.

use super::parse::ParseOptions;
use super::tree::{ConfigTree, Value};
use super::{Cascade, NodeView, ParseError, Scalar, FMT_COMMON_ARRAY, FMT_COMMON_EXTRA_SPACES, FMT_INT_OCTAL, FMT_STRING_NO_QUOTES};

fn text(t: &ConfigTree) -> String {
    String::from_utf8(t.to_text()).unwrap()
}

fn parsed(s: &str) -> ConfigTree {
    ConfigTree::parse(s.as_bytes()).unwrap()
}

#[test]
fn sections_and_values_are_written_with_tabs_in_input_order() {
    let t = parsed("b = 1\na { y = \"x\" z = 2 }\n");
    assert_eq!(text(&t), "b=1\na {\n\ty=\"x\"\n\tz=2\n}\n");
}

#[test]
fn comments_are_skipped_but_a_hash_in_a_string_stays() {
    let t = parsed("# c\na = \"x#y\" # tail\n#end");
    assert_eq!(text(&t), "a=\"x#y\"\n");
}

#[test]
fn arrays_keep_their_elements_and_types() {
    let t = parsed("a = [1, \"s\", 2.5, 'q']");
    let a = t.find_node("a").unwrap();
    assert_eq!(a.value_list(), vec![Scalar::Int(1), Scalar::Str(b"s"), Scalar::Float(2.5), Scalar::Str(b"q")]);
    assert_eq!(text(&t), "a=[1,\"s\",2.500000,\"q\"]\n");
}

#[test]
fn an_empty_array_is_one_empty_array_element() {
    let t = parsed("a = []");
    assert_eq!(t.find_node("a").unwrap().value_list(), vec![Scalar::EmptyArray]);
    assert_eq!(text(&t), "a=[]\n");
}

#[test]
fn a_one_element_array_is_written_as_a_plain_value() {
    assert_eq!(text(&parsed("a = [\"x\"]")), "a=\"x\"\n");
}

#[test]
fn strings_without_commas_in_an_array_are_separate_elements() {
    assert_eq!(text(&parsed("a = [\"x\" \"y\"]")), "a=[\"x\",\"y\"]\n");
}

#[test]
fn double_quoted_escapes_are_undone_and_redone() {
    let t = parsed(r#"a = "q\"b\\c\n""#);
    assert_eq!(t.find_node("a").unwrap().value_list(), vec![Scalar::Str(br#"q"b\c\n"#)]);
    assert_eq!(text(&t), "a=\"q\\\"b\\\\c\\\\n\"\n");
}

#[test]
fn keys_with_hash_quote_or_bang_are_quoted_on_output() {
    assert_eq!(text(&parsed("\"k#1\" = 1 \"k!\" = 2 plain = 3")), "\"k#1\"=1\n\"k!\"=2\nplain=3\n");
}

#[test]
fn a_path_key_makes_nested_sections() {
    let t = parsed("a/b/c = 1 a { d = 2 }");
    assert_eq!(text(&t), "a {\n\tb {\n\t\tc=1\n\t}\n\td=2\n}\n");
}

#[test]
fn numbers_follow_strtoll_with_base_detection() {
    let t = parsed("a = 010 b = -5 c = +7 d = 09");
    let root = t.root().unwrap();
    assert_eq!(root.find_int64("a", 0), 8);
    assert_eq!(root.find_int64("b", 0), -5);
    assert_eq!(root.find_int64("c", 0), 7);
    assert_eq!(root.find_int64("d", 1), 0);
}

#[test]
fn floats_are_read_as_float_and_written_with_six_decimals() {
    let t = parsed("a = .5 b = -1.25 c = 5.");
    assert_eq!(text(&t), "a=0.500000\nb=-1.250000\nc=5.000000\n");
}

#[test]
fn an_out_of_range_integer_fails_the_parse() {
    assert_eq!(ConfigTree::parse(b"a = 99999999999999999999").unwrap_err(), ParseError::BadInt);
}

#[test]
fn an_out_of_range_creation_time_is_repaired() {
    let t = parsed("creation_time = 99999999999999999999");
    assert_eq!(t.root().unwrap().find_int64("creation_time", 0), 1_527_120_000);
}

#[test]
fn an_out_of_range_float_fails_the_parse() {
    assert_eq!(ConfigTree::parse(b"a = 1.0e999").unwrap_err(), ParseError::BadFloat);
}

#[test]
fn a_parse_error_names_the_byte_and_line() {
    let e = ConfigTree::parse(b"a = 1\nb = ]\n").unwrap_err();
    assert_eq!(e.to_string(), "Parse error at byte 11 (line 2): expected a value");
}

#[test]
fn an_unclosed_section_is_an_unexpected_end() {
    let e = ConfigTree::parse(b"a { b = 1\n").unwrap_err();
    assert_eq!(e.to_string(), "Parse error at byte 11 (line 2): unexpected token");
}

#[test]
fn an_empty_key_is_refused() {
    let e = ConfigTree::parse(b"\"\" = 1").unwrap_err();
    assert_eq!(e.to_string(), "Parse error at byte 4 (line 1): empty section identifier");
}

#[test]
fn a_text_without_nodes_fails_silently() {
    let e = ConfigTree::parse(b"# nothing\n").unwrap_err();
    assert_eq!(e, ParseError::Empty);
    assert!(!e.is_logged());
}

#[test]
fn a_nul_byte_ends_the_text() {
    assert_eq!(text(&parsed("a = 1\n\0b = 2")), "a=1\n");
}

#[test]
fn nesting_deeper_than_the_limit_fails_without_crashing() {
    let deep = "a {".repeat(super::parse::MAX_DEPTH + 1);
    assert!(matches!(ConfigTree::parse(deep.as_bytes()), Err(ParseError::TooDeep { .. })));
}

#[test]
fn indentation_stops_growing_at_32_tabs() {
    let s = format!("{}x = 1{}", "s {".repeat(40), "}".repeat(40));
    let out = text(&parsed(&s));
    assert!(out.contains(&format!("\n{}x=1\n", "\t".repeat(32))));
}

#[test]
fn duplicate_sections_are_merged() {
    assert_eq!(text(&parsed("s { a = 1 } s { b = 2 }")), "s {\n\ta=1\n\tb=2\n}\n");
}

#[test]
fn a_duplicate_value_replaces_the_first() {
    assert_eq!(text(&parsed("v = 1 v = 2")), "v=2\n");
}

#[test]
fn without_the_dup_check_every_key_is_a_new_node() {
    let opts = ParseOptions { no_dup_node_check: true, ..Default::default() };
    let t = ConfigTree::parse_with(b"v = 1 v = 2", opts).unwrap();
    assert_eq!(text(&t), "v=1\nv=2\n");
    assert_eq!(t.root().unwrap().find_int64("v", 0), 1);
}

#[test]
fn parse_only_section_stops_after_the_named_section_and_reads_the_tail() {
    let src = b"vg {\n\tphysical_volumes {\n\t\tpv0 { d = 1 }\n\t}\n\tlogical_volumes {\n\t\tlv0 { x = 1 }\n\t}\n}\nversion = 1\n";
    let opts = ParseOptions { no_dup_node_check: true, stop_after_section: Some(b"physical_volumes") };
    let t = ConfigTree::parse_with(src, opts).unwrap();
    assert_eq!(text(&t), "vg {\n\tphysical_volumes {\n\t\tpv0 {\n\t\t\td=1\n\t\t}\n\t}\n}\nversion=1\n");
}

#[test]
fn find_walks_path_segments_and_skips_extra_slashes() {
    let t = parsed("a { b { c = 3 } }");
    assert_eq!(t.root().unwrap().find_int64("//a//b/c", 0), 3);
    assert!(t.find_node("a/b/").is_none());
    assert!(t.find_node("a/x").is_none());
}

#[test]
fn find_str_refuses_an_empty_string_unless_allowed() {
    let t = parsed("e = \"\" s = \"x\" i = 1");
    let r = t.root().unwrap();
    assert_eq!(r.find_str("e", Some(b"d")), Some(&b"d"[..]));
    assert_eq!(r.find_str_allow_empty("e", Some(b"d")), Some(&b""[..]));
    assert_eq!(r.find_str("s", None), Some(&b"x"[..]));
    assert_eq!(r.find_str("i", Some(b"d")), Some(&b"d"[..]));
}

#[test]
fn typed_getters_use_the_default_for_another_type() {
    let t = parsed("i = 1 f = 1.5 s = \"x\"");
    let r = t.root().unwrap();
    assert_eq!(r.find_int64("f", -1), -1);
    assert_eq!(r.find_float("f", 0.0), 1.5);
    assert_eq!(r.find_float("i", -2.0), -2.0);
    assert_eq!(r.find_int64("missing", 9), 9);
}

#[test]
fn booleans_are_integers_or_known_words() {
    let t = parsed("a = 0 b = 2 c = \"Yes\" d = \"off\" e = \"maybe\"");
    let r = t.root().unwrap();
    assert!(!r.find_bool("a", true));
    assert!(r.find_bool("b", false));
    assert!(r.find_bool("c", false));
    assert!(!r.find_bool("d", true));
    assert!(r.find_bool("e", true));
}

#[test]
fn a_cascade_answers_from_the_first_layer_that_has_the_path() {
    let low = parsed("g { a = 1 b = 2 }");
    let top = parsed("g { a = 10 }");
    let mut c = Cascade::new(&top);
    c.push_below(&low);
    assert_eq!(c.find_int64("g/a", 0), 10);
    assert_eq!(c.find_int64("g/b", 0), 2);
    assert_eq!(c.pop_top().map(|t| t.to_text()), Some(top.to_text()));
    assert_eq!(c.find_int64("g/a", 0), 1);
}

#[test]
fn flattening_a_cascade_overrides_lower_values_newest_first() {
    let low = parsed("g { a = 1 b = 2 }");
    let top = parsed("g { a = 10 }");
    let mut c = Cascade::new(&top);
    c.push_below(&low);
    assert_eq!(text(&c.flatten()), "g {\n\tb=2\n\ta=10\n}\n");
}

#[test]
fn format_flags_change_spacing_brackets_octal_and_quotes() {
    let mut t = ConfigTree::new();
    let n = t.create_node(b"i");
    let v = t.set_values(n, vec![Value::Int(8)]);
    t.set_format_flags(v, FMT_INT_OCTAL | FMT_COMMON_ARRAY | FMT_COMMON_EXTRA_SPACES);
    t.append_child(None, n);
    let s = t.create_node(b"s");
    let v = t.set_values(s, vec![Value::Str(b"a\"b".to_vec())]);
    t.set_format_flags(v, FMT_STRING_NO_QUOTES);
    t.append_child(None, s);
    assert_eq!(text(&t), "i = [ 010 ]\ns=a\\\"b\n");
}

#[test]
fn a_built_tree_links_parents_and_appends_children_in_order() {
    let mut t = ConfigTree::new();
    let sec = t.create_node(b"sec");
    t.append_child(None, sec);
    for k in [b"x", b"y"] {
        let n = t.create_node(k);
        t.set_values(n, vec![]);
        t.append_child(Some(sec), n);
    }
    assert_eq!(text(&t), "sec {\n\tx=[]\n\ty=[]\n}\n");
    assert_eq!(t.find_node("sec/y").unwrap().parent().unwrap().key(), b"sec");
}

#[test]
fn removing_a_child_unlinks_only_that_child() {
    let mut t = parsed("s { a = 1 b = 2 c = 3 }");
    let s = t.find_node("s").unwrap().node_id();
    let b = t.find_node("s/b").unwrap().node_id();
    assert!(t.remove_child(s, b));
    assert!(!t.remove_child(s, b));
    assert_eq!(text(&t), "s {\n\ta=1\n\tc=3\n}\n");
}

#[test]
fn a_clone_copies_keys_values_and_ids_but_not_flags_or_parents() {
    let src = parsed("s { a = [1, 2] } t = 1");
    let mut dst = ConfigTree::new();
    let copy = dst.clone_from_node(src.root().unwrap(), true);
    dst.set_root(Some(copy));
    assert_eq!(dst.to_text(), src.to_text());
    assert!(dst.find_node("s/a").unwrap().parent().is_none());
    let mut one = ConfigTree::new();
    let c = one.clone_from_node(src.root().unwrap(), false);
    one.set_root(Some(c));
    assert_eq!(text(&one), "s {\n\ta=[1,2]\n}\n");
}

#[test]
fn writing_one_node_leaves_out_its_siblings() {
    let t = parsed("a = 1 b = 2");
    assert_eq!(t.root().unwrap().to_text(true), b"a=1\n");
}

#[test]
fn arbitrary_bytes_parse_or_fail_without_panicking() {
    let mut seed = 0x1234_5678u32;
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let alphabet = b"a=1{}[],\"'#\n /.-x\\\0";
                alphabet[(seed >> 16) as usize % alphabet.len()]
            })
            .collect();
        if let Ok(t) = ConfigTree::parse(&bytes) {
            let _ = t.to_text();
        }
    }
}
