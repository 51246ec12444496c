#!/usr/bin/env python3
"""Finds the exported functions of the library that do nothing, by reading
the Rust source of src/capi.

Every function in src/capi (exported or not) is parsed into its parameters
and body. A body's tokens are then judged with what is known of the
functions it calls, until nothing changes (a fixed point over the calls
inside src/capi):

- a function DOES NOTHING when, once logging (log_*!), NULL checks
  (require!, require_void!), not_implemented! and the panic boundary (ffi!)
  are set aside, its body has no effect and reads no argument: no call
  other than to src/capi functions that do nothing themselves (and the
  constants ptr::null/null_mut, Some/None/Ok/Err), no method call, no
  assignment, no macro other than those; what is left is a constant.
- a function IGNORES ITS ARGUMENTS when it has at least one and none of
  them is read except inside the macros set aside, or passed as a whole to
  a src/capi function that ignores that argument.

Calls out of src/capi (into the Rust API) count as doing something: the
exported functions are meant to convert and delegate, and the Rust API is
tested on its own.

The exported functions are the library's (objdump -T: every FUNC symbol of a
version node), each found by its Rust name (NAME, or NAME_base /
NAME_v1_02_NNN for older versions, see build.rs) or in shim.c (the variadic
ones, written in C, listed apart).

Functions that do nothing by design (as in libdm's release build, or
because their work is done elsewhere), and the known ones not done yet, are
listed in abi/noop-by-design.txt with the reason; the report prints them. Exit status 1 when any other
exported function does nothing or ignores all its arguments, when a listed
one no longer does nothing (the list must stay true), or when an exported
function has no definition found.

usage: abi-noop.py LIBRARY SRC_CAPI_DIR ALLOWLIST (abi/noop-by-design.txt)
"""
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PUNCT3 = {"<<=", ">>=", "..=", "..."}
PUNCT2 = {"::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=",
          "<<", ">>", ".."}
ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<<=", ">>="}
KEYWORDS = {"return", "if", "else", "let", "unsafe", "as", "mut", "true", "false", "match", "ref", "const",
            "Some", "None", "Ok", "Err", "crate", "self", "super", "std", "core", "libc", "ptr", "_"}
PURE_CALLS = {"null", "null_mut", "Some", "Ok", "Err"}
# Macros set aside: their arguments are neither effects nor reads.
QUIET_MACROS = {"require", "require_void", "not_implemented"}
# The panic boundary: its body is the function's body.
TRANSPARENT_MACROS = {"ffi"}


def tokenize(text):
    """Rust tokens as (kind, text): ident, lit, punct. Comments dropped."""
    toks, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif re.match(r'(?:b|c)?r#*"', text[i:i + 8]) and (c == "r" or text[i + 1:i + 2] == "r"):
            m = re.match(r'(?:b|c)?r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            i = n if j < 0 else j + len(end)
            toks.append(("lit", "STR"))
        elif c == '"' or (c in "bc" and text[i + 1:i + 2] == '"'):
            i += 1 if c == '"' else 2
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            toks.append(("lit", "STR"))
        elif c == "'" or (c == "b" and text[i + 1:i + 2] == "'"):
            j = i + (2 if c == "b" else 1)
            if text[j:j + 1] == "\\":
                k = text.find("'", j + 2)
                i = k + 1
                toks.append(("lit", "CHAR"))
            elif text[j + 1:j + 2] == "'":
                i = j + 2
                toks.append(("lit", "CHAR"))
            else:  # a lifetime
                m = re.match(r"'[A-Za-z_]\w*", text[i:])
                i += m.end() if m else 1
        elif c.isalpha() or c == "_":
            m = re.match(r"(?:r#)?[A-Za-z_]\w*", text[i:])
            word = m.group(0)
            if word.startswith("r#"):
                word = word[2:]
            toks.append(("ident", word))
            i += m.end()
        elif c.isdigit():
            m = re.match(r"[0-9][0-9A-Za-z_]*(?:\.[0-9][0-9A-Za-z_]*)?", text[i:])
            toks.append(("lit", "NUM"))
            i += m.end()
        else:
            for p in (text[i:i + 3], text[i:i + 2]):
                if p in PUNCT3 or p in PUNCT2:
                    toks.append(("punct", p))
                    i += len(p)
                    break
            else:
                toks.append(("punct", c))
                i += 1
    return toks


def match_close(toks, i):
    """Index of the bracket closing the one at i."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    open_, close, depth = toks[i][1], pairs[toks[i][1]], 0
    for j in range(i, len(toks)):
        if toks[j] == ("punct", open_):
            depth += 1
        elif toks[j] == ("punct", close):
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced")


def split_top(toks):
    """Splits a token list at top-level commas."""
    parts, cur, depth = [], [], 0
    for t in toks:
        if t[0] == "punct" and t[1] in "([{":
            depth += 1
        elif t[0] == "punct" and t[1] in ")]}":
            depth -= 1
        if t == ("punct", ",") and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


class Fn:
    def __init__(self, name, path, params, body, exported):
        self.name, self.path, self.params, self.body = name, path, params, body
        self.exported = exported  # #[no_mangle]
        self.noop = True
        self.ignored = [True] * len(params)


def parse_fns(path):
    toks = tokenize(path.read_text())
    fns, i = [], 0
    while i < len(toks) - 2:
        if toks[i] == ("ident", "fn") and toks[i + 1][0] == "ident":
            name, j = toks[i + 1][1], i + 2
            if toks[j] == ("punct", "<"):  # generics
                depth = 0
                while True:
                    depth += {"<": 1, ">": -1}.get(toks[j][1], 0) if toks[j][0] == "punct" else 0
                    j += 1
                    if depth == 0:
                        break
            if toks[j] != ("punct", "("):
                i += 1
                continue
            close = match_close(toks, j)
            params = []
            for p in split_top(toks[j + 1:close]):
                idents = [t[1] for t in p if t[0] == "ident" and t[1] != "mut"]
                if idents and ("punct", ":") in p:
                    params.append(idents[0])
            k = close + 1
            while k < len(toks) and toks[k] not in (("punct", "{"), ("punct", ";")):
                k += 1
            if k < len(toks) and toks[k] == ("punct", "{"):
                end = match_close(toks, k)
                # the attributes since the previous item
                h = i - 1
                while h >= 0 and toks[h] not in (("punct", "}"), ("punct", ";")):
                    h -= 1
                exported = ("ident", "no_mangle") in toks[h + 1:i] or ("ident", "export_name") in toks[h + 1:i]
                fns.append(Fn(name, path, params, toks[k + 1:end], exported))
                i = end
                continue
        i += 1
    return fns


def strip_macros(body):
    """The body without the quiet macros' invocations and with the
    transparent ones' wrappers removed (their name, the function-name
    string and the `fail =>` part)."""
    out, i = [], 0
    while i < len(body):
        t = body[i]
        if t[0] == "ident" and i + 2 < len(body) and body[i + 1] == ("punct", "!") and body[i + 2][1] in "([{":
            end = match_close(body, i + 2)
            # a path before the macro (crate::log_error!) goes with it
            while out and out[-1] == ("punct", "::") and len(out) > 1 and out[-2][0] == "ident":
                out = out[:-2]
            if t[1] in QUIET_MACROS or t[1].startswith("log_"):
                i = end + 1
                continue
            if t[1] in TRANSPARENT_MACROS:
                inner = body[i + 3:end]
                arrow = inner.index(("punct", "=>")) if ("punct", "=>") in inner else -1
                out.append(("punct", "{"))
                out.extend(strip_macros(inner[arrow + 1:]))
                # the failure value is a constant expression: keep it, so
                # that a call in it still counts
                parts = split_top(inner[:arrow])
                for p in parts[1:]:
                    out.append(("punct", ";"))
                    out.extend(strip_macros(p))
                out.append(("punct", "}"))
                i = end + 1
                continue
            out.append(("macro", t[1]))
            out.extend(strip_macros(body[i + 2:end + 1]))
            i = end + 1
            continue
        out.append(t)
        i += 1
    return out


def resolve(by_name, name, prefix, here):
    cands = by_name.get(name, [])
    if prefix and prefix not in ("self", "super", "crate", "capi"):
        # A path names its module: `libc::malloc` is not capi's `malloc`.
        cands = [f for f in cands if f.path.stem == prefix]
    if len(cands) > 1:
        cands = [f for f in cands if f.path == here] or cands
    return cands[0] if len(cands) == 1 else None


def judge(f, by_name):
    """(noop, ignored per parameter) of f given what is known of callees."""
    body = strip_macros(f.body)
    noop = True
    params = set(f.params)
    in_let = False
    for i, (kind, text) in enumerate(body):
        prev = body[i - 1] if i else ("punct", "")
        nxt = body[i + 1] if i + 1 < len(body) else ("punct", "")
        if kind == "macro":
            noop = False  # a macro not known to be harmless
        elif (kind, text) == ("ident", "let"):
            in_let = True
        elif (kind, text) == ("punct", ";"):
            in_let = False
        elif kind == "punct" and text in ASSIGN and not in_let:
            noop = False
        elif kind == "ident" and prev == ("punct", "."):
            noop = False  # a method call or a field
        elif kind == "ident" and nxt == ("punct", "(") and text not in params and text not in PURE_CALLS:
            prefix = body[i - 2][1] if prev == ("punct", "::") and i >= 2 else None
            g = resolve(by_name, text, prefix, f.path)
            noop = noop and g is not None and g.noop
    # A parameter is read unless it only appears as a whole argument of
    # calls to src/capi functions that ignore that argument.
    used = {text for i, (kind, text) in enumerate(body)
            if kind == "ident" and text in params and not inside_ignoring_call(body, i, by_name, f)}
    if used:
        noop = False
    return noop, [p not in used for p in f.params]


def inside_ignoring_call(body, i, by_name, f):
    """Whether the parameter at i is a whole argument of a call to a src/capi
    function that ignores that argument."""
    # find the innermost open paren before i
    depth = 0
    for j in range(i - 1, -1, -1):
        t = body[j]
        if t[0] == "punct" and t[1] in ")]}":
            depth += 1
        elif t[0] == "punct" and t[1] in "([{":
            if depth:
                depth -= 1
                continue
            if t[1] != "(" or j == 0 or body[j - 1][0] != "ident":
                return False
            name = body[j - 1][1]
            prefix = body[j - 3][1] if j >= 3 and body[j - 2] == ("punct", "::") else None
            g = resolve(by_name, name, prefix, f.path)
            if g is None:
                return False
            close = match_close(body, j)
            for k, arg in enumerate(split_top(body[j + 1:close])):
                if any(body[i] is t2 for t2 in arg):
                    whole = len([t2 for t2 in arg if t2[0] == "ident" and t2[1] in f.params]) == 1 and (
                        len(arg) == 1 or arg[1] == ("ident", "as"))
                    return whole and k < len(g.ignored) and g.ignored[k]
            return False
    return False


def exported(lib):
    """(name, Rust function name) of every exported function symbol: the
    default version is NAME, an older one (objdump shows it in parentheses)
    NAME_base for Base and NAME_v1_02_NNN for DM_1_02_NNN (build.rs)."""
    out = subprocess.run(["objdump", "-T", lib], capture_output=True, text=True, check=True).stdout
    syms = set()
    for line in out.splitlines():
        m = re.search(r"\sDF\s+\.text\s+\S+\s+(\(?)([A-Za-z0-9_.]+)\)?\s+(\w+)$", line)
        if not m:
            continue
        hidden, ver, name = m.groups()
        if not hidden:
            syms.add((name, name))
        elif ver == "Base":
            syms.add((name, name + "_base"))
        else:
            syms.add((name, name + "_v" + ver.split("DM_", 1)[1]))
    return syms


def main():
    lib, capi, allow_file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    allowed = {}
    for line in allow_file.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, kind, why = line.split(" ", 2)
            if kind not in ("by-design", "not-done"):
                sys.exit(f"{allow_file}: {name}: the kind is by-design or not-done, not {kind}")
            allowed[name] = (kind, why.strip())
    fns = []
    for path in sorted(capi.rglob("*.rs")):
        fns.extend(parse_fns(path))
    by_name = defaultdict(list)
    for f in fns:
        by_name[f.name].append(f)
    # Greatest fixed point: start from "does nothing, ignores everything"
    # and take back what the bodies disprove until nothing changes.
    changed = True
    while changed:
        changed = False
        for f in fns:
            noop, ignored = judge(f, by_name)
            if noop != f.noop or ignored != f.ignored:
                f.noop, f.ignored, changed = noop, ignored, True
    shim = (capi / "shim.c").read_text() if (capi / "shim.c").exists() else ""
    c_defined = set(re.findall(r"^\w[\w\s\*]*?\b(dm_\w+)\s*\([^;]*$", shim, re.M))
    rows, missing, found = defaultdict(lambda: [0, 0, 0]), [], []
    for sym, impl in sorted(exported(lib)):
        defs = [f for f in fns if f.exported and f.name == impl]
        if not defs:
            if impl in c_defined:
                rows["shim.c (C)"][0] += 1
            else:
                missing.append(sym if sym == impl else f"{sym} ({impl})")
            continue
        for f in defs:
            mod = f.path.stem
            rows[mod][0] += 1
            kinds = []
            if f.noop:
                kinds.append("does nothing (logs or returns a constant)")
            if f.params and all(f.ignored):
                kinds.append("ignores all its arguments")
            if kinds:
                found.append((f.name, mod, "; ".join(kinds)))
                if f.name in allowed:
                    rows[mod][2] += 1
                else:
                    rows[mod][1] += 1
    print("%-12s %9s %12s %10s" % ("module", "functions", "do-nothing", "listed"))
    for mod in sorted(rows):
        print("%-12s %9d %12d %10d" % (mod, *rows[mod]))
    total = sum(r[0] for r in rows.values())
    bad = [x for x in found if x[0] not in allowed]
    for name, mod, kind in found:
        tag = "%s: %s" % allowed[name] if name in allowed else "NOT DONE, and not listed"
        print(f"  {name} ({mod}.rs): {kind} [{tag}]")
    for sym in missing:
        print(f"  {sym}: exported, but no definition found in {capi}")
    stale = sorted(set(allowed) - {x[0] for x in found})
    for name in stale:
        print(f"  {name}: listed in {allow_file.name}, but it does something now: take it off the list")
    not_done = [x for x in found if allowed.get(x[0], ("",))[0] == "not-done"]
    print(f"exported functions that do nothing: {len(bad) + len(not_done)} of {total} "
          f"({len(not_done)} known, {len(bad)} not listed), and {len(found) - len(bad) - len(not_done)} "
          f"by design ({allow_file.name})")
    return 1 if bad or missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
