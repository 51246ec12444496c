#!/usr/bin/env python3
"""Generates the hostile-input test: one C file that calls every exported
function of libdevmapper (the names of abi/*.symbols, the prototypes of
include/libdevmapper.h) through dlopen/dlsym, each call in its own child
process, first with sensible valid arguments and then with one argument at
a time made hostile: NULL for each pointer, "", an over-long string and an
invalid name for each string, 0 and the maximum for each integer.

usage: gen.py HEADER SYMBOLS_DIR OUT.c
"""
import re
import sys
from pathlib import Path

header, symdir, out = sys.argv[1], sys.argv[2], sys.argv[3]

names = []
for f in sorted(Path(symdir).glob("*.symbols")):
    for line in f.read_text().split():
        n = line.split("@")[0]
        if n.startswith("dm_") or n.startswith("devmapper_"):
            if n not in names:
                names.append(n)

# Symbols exported only at an older, non-default version (name@VER and no
# name@@VER): dlsym does not find them, dlvsym does.
old_only = {}
defaults = set()
for f in sorted(Path(symdir).glob("*.symbols")):
    for line in f.read_text().split():
        if "@@" in line:
            defaults.add(line.split("@")[0])
        elif "@" in line:
            old_only.setdefault(line.split("@")[0], line.split("@")[1])
old_only = {k: v for k, v in old_only.items() if k not in defaults}

protos = {}
for line in Path(header).read_text().splitlines():
    m = re.match(r"^(?:extern\s+)?([A-Za-z_][\w\s\*]*?[\s\*])(\w+)\((.*)\);$", line)
    if m and not line.startswith("typedef"):
        protos[m.group(2)] = (m.group(1).strip(), m.group(3).strip())


def split_params(params):
    if params in ("", "void"):
        return []
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur.strip())
    return out


def param_type(p):
    # Drop the parameter's name (the last identifier), keep the type.
    m = re.match(r"^(.*?)(\w+)$", p)
    t = m.group(1).strip() if m and m.group(1).strip() not in ("", "const", "struct", "unsigned") else p
    return re.sub(r"\s+", " ", t.replace("*", " * ")).replace(" * ", "*").replace("  ", " ").strip()


def norm(t):
    t = re.sub(r"\bconst\b", "", t)
    return re.sub(r"\s+", " ", t).replace(" *", "*").strip()


UNSIGNED = {"uint64_t": "UINT64_MAX", "uint32_t": "UINT32_MAX", "size_t": "SIZE_MAX", "unsigned int": "UINT_MAX",
            "uint16_t": "UINT16_MAX", "dm_percent_t": None}
SIGNED = {"int": "INT_MAX", "int64_t": "INT64_MAX"}
FNPTR = {"dm_putline_fn", "dm_node_callback_fn", "dm_mountinfo_line_callback_fn", "dm_log_with_errno_fn",
         "dm_log_fn", "dm_hash_iterate_fn"}
OBJECT = {
    "struct dm_task*": "mk_task()",
    "struct dm_pool*": "mk_pool()",
    "struct dm_tree*": "mk_tree()",
    "struct dm_tree_node*": "mk_node()",
    "dm_tree_node*": "mk_node()",
    "struct dm_hash_table*": "mk_hash()",
    "struct dm_hash_node*": "mk_hash_node()",
    "struct dm_list*": "mk_list()",
    "struct dm_list**": "mk_ptr(mk_list())",
    "dm_bitset_t": "mk_bitset()",
    "struct dm_config_tree*": "mk_cft()",
    "struct dm_config_node*": "mk_cn()",
    "struct dm_config_value*": "mk_cv()",
    "struct dm_stats*": "mk_stats()",
    "struct dm_timestamp*": "mk_ts()",
    "struct dm_histogram*": "mk_hist()",
    "struct dm_regex*": "mk_regex()",
    "struct dm_report*": "mk_report()",
    "struct dm_report_group*": "mk_report_group()",
    "FILE*": "mk_file()",
    "char*": "mk_str()",
    "char**": "mk_ptr(mk_str())",
    "char* *": "mk_strv()",
}
# Arguments that must come from a particular constructor to be valid.
SPECIAL = {
    ("dm_pool_free", 1): "mk_pool_chunk()",
    ("dm_free_wrapper", 0): "malloc(16)",
    ("dm_realloc_wrapper", 0): "malloc(16)",
    ("dm_regex_create", 1): "mk_strv()",
    ("dm_hash_remove_binary", 1): "mk_str()",
}
# Calls made before the function under test (in the same child).
PRELUDE = {
    "dm_pool_grow_object": "begin_object();",
    "dm_pool_end_object": "begin_object();",
    "dm_pool_abandon_object": "begin_object();",
}


# Names of the non-const char * parameters that are output buffers.
OUTPUT_BUFFERS = {"dest", "buf", "out", "version"}


def pname(p):
    m = re.match(r"^.*?(\w+)$", p)
    return m.group(1) if m else ""


def values(fn, i, t, name="", prev=""):
    """(valid expression, [(label, hostile expression)]). The maximum of a
    length that follows a buffer is labelled "max-lie": no callee can check
    a length against a buffer it is only given a pointer to."""
    n = norm(t)
    lie = re.search(r"len|size|num|count", name) and "*" in prev and norm(prev) not in OBJECT.keys() - {"char*", "char**"}
    if (fn, i) in SPECIAL:
        v = SPECIAL[(fn, i)]
    elif n in OBJECT:
        v = OBJECT[n]
    elif t in FNPTR:
        return f"({t}) dummy_fn", [("NULL", "NULL")]
    elif "*" in n:
        v = "scratch()"
    elif n in UNSIGNED:
        mx = UNSIGNED[n]
        return "16" if n == "size_t" else "1", ([("0", "0"), ("max-lie" if lie else "max", mx)] if mx else [])
    elif n in SIGNED:
        return "1", [("0", "0"), ("max-lie" if lie else "max", SIGNED[n]), ("-1-lie" if lie else "-1", "-1")]
    elif n in ("float", "double"):
        return "1.0", []
    elif n == "char":
        return "'a'", []
    elif n == "mode_t":
        return "0755", []
    elif n in ("uid_t", "gid_t"):
        return "0", []
    else:
        return "0", [("0", "0"), ("-1", "-1")]  # enums by int, other typedefs
    hostile = [("NULL", "NULL")]
    # Hostile contents for the strings a function reads: every const
    # char *, and the non-const ones it changes in place (dm_split_words,
    # dm_unescape_*). A non-const output buffer's contents are never read,
    # so an empty, long or invalid string there tests nothing.
    if n == "char*" and ("const" in t or name not in OUTPUT_BUFFERS):
        hostile += [("empty", "mk_strv_of(\"\")"), ("long", "long_str()"), ("invalid", "mk_strv_of(\"bad/name\\n\\t%s\")")]
    return v, hostile


calls = []
skipped = []
for fn in names:
    if fn not in protos:
        skipped.append(fn)
        continue
    ret, params = protos[fn]
    plist = split_params(params)
    if any("..." in p for p in plist):
        skipped.append(fn)
        continue
    types = [param_type(p) for p in plist]
    vals = [values(fn, i, t, pname(plist[i]), plist[i - 1] if i else "") for i, t in enumerate(types)]
    base = [v[0] for v in vals]
    calls.append((fn, "valid", base))
    for i, (_, hostile) in enumerate(vals):
        for label, expr in hostile:
            args = list(base)
            args[i] = expr
            calls.append((fn, f"arg{i + 1}={label}", args))

with open(out, "w") as o:
    o.write("/* Generated by tests/hostile/gen.py: do not edit. */\n")
    o.write('#include "runtime.h"\n\n')
    for k, (fn, label, args) in enumerate(calls):
        o.write(f"static void c{k}(void)\n{{\n\t__typeof__({fn}) *f = (__typeof__({fn}) *) sym(\"{fn}\");\n")
        o.write(f"\t{PRELUDE.get(fn, '')}\n\tif (f) f({', '.join(args)});\n}}\n")
    o.write("\nconst struct hostile_call calls[] = {\n")
    for k, (fn, label, args) in enumerate(calls):
        o.write(f'\t{{ "{fn}", "{label}", c{k} }},\n')
    o.write("\t{ NULL, NULL, NULL }\n};\n")
    o.write(f"const int functions_called = {len(names) - len(skipped)};\n")
    o.write("const char *const old_versions[] = {\n")
    for k, v in sorted(old_only.items()):
        o.write(f'\t"{k}", "{v}",\n')
    o.write("\tNULL\n};\n")
    o.write("const char *const functions_skipped[] = {\n")
    for fn in skipped:
        o.write(f'\t"{fn}",\n')
    o.write("\tNULL\n};\n")
print(f"gen.py: {len(calls)} calls of {len(names) - len(skipped)} functions; skipped (variadic or not in the header): {' '.join(skipped)}")
