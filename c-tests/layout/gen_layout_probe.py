#!/usr/bin/env python3
"""Generate a C "layout probe" from the upstream libdevmapper.h.

Usage: gen_layout_probe.py [-o probe.c] [--cc gcc] /usr/include/libdevmapper.h

The generated program does `#include <libdevmapper.h>` (so whichever header
comes first on the -I path is measured) and prints one fact per line, in a
fixed order, as `key = value`.  Compiling it against two headers and diffing
the outputs compares their ABI/API surface:

  * structs/unions the header defines: sizeof, _Alignof; per member offsetof,
    sizeof and whether its type matches the upstream declaration; bitfields
    are probed by assigning all-ones to a zeroed struct and printing the
    value read back plus the bytes that changed (position + width);
  * enums: every constant's value, sizeof/underlying type of tagged enums;
  * typedefs: sizeof (not for function [pointer] or void typedefs) and
    whether the typedef matches the upstream type;
  * macros (DM_/dm_/RAID_/LIB_ ones #defined by the header): integer constant
    expressions print value, sizeof and C type; string literals print the
    string; other object-like macros print their stringified expansion;
    function-like macros print only whether they are defined.

No third-party modules: the header is run through `gcc -E` and the part that
comes from the header itself is parsed by the small declaration parser below
(enough for plain C declarations: no K&R, no nested function bodies besides
`static inline` definitions, which are skipped).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

MACRO_PREFIXES = ("DM_", "dm_", "RAID_", "LIB_")

# --------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------

TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>"(?:\\.|[^"\\])*")
  | (?P<chr>'(?:\\.|[^'\\])*')
  | (?P<id>[A-Za-z_]\w*)
  | (?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
  | (?P<punct>\.\.\.|->|<<=|>>=|[-+*/%&|^<>=!]=|&&|\|\||\+\+|--|<<|>>|\#\#
              |[{}()\[\];,.:?~!+\-*/%&|^<>=\#])
""", re.X)

QUALIFIERS = {"const", "volatile", "restrict", "__restrict", "__restrict__",
              "__const", "__volatile__", "_Atomic"}
STORAGE = {"typedef", "extern", "static", "inline", "__inline", "__inline__",
           "register", "auto", "_Noreturn", "__extension__", "_Thread_local"}
BASIC_TYPES = {"void", "char", "short", "int", "long", "float", "double",
               "signed", "unsigned", "_Bool", "_Complex", "__int128",
               "__signed__", "__unsigned__"}
ATTRIBUTE_KW = {"__attribute__", "__attribute", "__asm__", "__asm", "asm",
                "__declspec"}


def tokenize(text):
    toks = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise SyntaxError("cannot tokenize near %r" % text[pos:pos + 40])
        pos = m.end()
        if m.lastgroup != "ws":
            toks.append(m.group())
    return toks


def is_ident(t):
    return re.match(r"[A-Za-z_]\w*$", t) is not None


def join_tokens(toks):
    """Render tokens as readable C ('void *(*fn)(void *obj)')."""
    out = ""
    prev = None
    for t in toks:
        if prev is None:
            out = t
        elif prev in ("(", "[", "*") or t in (")", "]", ",", ";", "["):
            out += t
        elif t == "(" and prev == ")":
            out += t
        else:
            out += " " + t
        prev = t
    return out


# --------------------------------------------------------------------------
# Preprocessing helpers
# --------------------------------------------------------------------------

def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def header_tokens(cc, header):
    """Tokens of `gcc -E` output that originate from `header` itself."""
    real = os.path.realpath(header)
    src = '#include "%s"\n' % real
    p = run([cc, "-std=gnu99", "-E", "-x", "c", "-"], input=src)
    if p.returncode != 0:
        sys.exit("gcc -E failed:\n" + p.stderr)
    keep = []
    on = False
    for line in p.stdout.splitlines():
        m = re.match(r'#\s*\d+\s+"([^"]*)"', line)
        if m:
            on = os.path.realpath(m.group(1)) == real if os.path.exists(m.group(1)) else False
            continue
        if line.startswith("#"):        # #pragma etc.
            continue
        if on:
            keep.append(line)
    return tokenize("\n".join(keep))


def header_macros(cc, header):
    """(name, is_function_like) for the header's own DM_/dm_/... macros,
    in the order they are #defined in the header text."""
    real = os.path.realpath(header)
    p = run([cc, "-std=gnu99", "-dM", "-E", "-x", "c", "-"],
            input='#include "%s"\n' % real)
    if p.returncode != 0:
        sys.exit("gcc -dM -E failed:\n" + p.stderr)
    defined = {}
    for line in p.stdout.splitlines():
        m = re.match(r"#define ([A-Za-z_]\w*)(\(?)", line)
        if m:
            defined[m.group(1)] = bool(m.group(2))
    # Only macros the header itself #defines (not ones leaking in from
    # system headers), keeping the header's order; dedupe.
    with open(real) as f:
        text = f.read()
    names = []
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)", text, re.M):
        n = m.group(1)
        if n.startswith(MACRO_PREFIXES) and n in defined and n not in names:
            names.append(n)
    return [(n, defined[n]) for n in names]


# --------------------------------------------------------------------------
# Declaration parser
# --------------------------------------------------------------------------

class Aggregate:
    def __init__(self, kind, tag):
        self.kind = kind          # "struct"/"union"; None: typedef name
        self.tag = tag            # None when anonymous
        self.members = []


class Member:
    def __init__(self, name, spec, decl, bitwidth, inner):
        self.name = name          # None for an anonymous struct/union member
        self.spec = spec          # specifier tokens, None if not nameable
        self.decl = decl          # declarator tokens (incl. name)
        self.bitwidth = bitwidth  # token list, or None when not a bitfield
        self.inner = inner        # Aggregate for an untagged struct/union body


class Enum:
    def __init__(self, tag):
        self.tag = tag
        self.constants = []


class Typedef:
    def __init__(self, name, spec, decl):
        self.name = name
        self.spec = spec          # None if the base type has no name
        self.decl = decl


class Parser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0
        self.aggregates = []      # every tagged struct/union with a body
        self.enums = []           # every enum with a body
        self.typedefs = []
        self.defined_tags = set()

    # -- small helpers --
    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def expect(self, tok):
        if self.peek() != tok:
            raise SyntaxError("expected %r, got %r near %s" %
                              (tok, self.peek(), " ".join(self.t[self.i:self.i + 12])))
        self.i += 1

    def skip_balanced(self):
        """Skip a (...) / [...] / {...} group starting at the current token."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        depth = 0
        while True:
            t = self.peek()
            if t is None:
                raise SyntaxError("unbalanced brackets")
            self.i += 1
            if t in pairs:
                depth += 1
            elif t in pairs.values():
                depth -= 1
                if depth == 0:
                    return

    def skip_attributes(self):
        while self.peek() in ATTRIBUTE_KW:
            self.i += 1
            if self.peek() == "(":
                self.skip_balanced()

    # -- grammar --
    def parse_unit(self):
        while self.peek() is not None:
            if self.peek() == ";":
                self.i += 1
                continue
            self.parse_declaration(None)

    def parse_specifiers(self):
        """Returns (spec tokens or None if unnamed aggregate, is_typedef,
        inner anonymous Aggregate or None)."""
        spec, is_typedef, seen_type, nameable, inner = [], False, False, True, None
        while True:
            t = self.peek()
            if t in STORAGE:
                is_typedef |= t == "typedef"
                self.i += 1
            elif t in ATTRIBUTE_KW:
                self.skip_attributes()
            elif t in QUALIFIERS or t in BASIC_TYPES:
                spec.append(t)
                seen_type |= t in BASIC_TYPES
                self.i += 1
            elif t in ("struct", "union", "enum"):
                self.i += 1
                self.skip_attributes()
                tag = None
                if is_ident(self.peek()) and self.peek() != "{":
                    tag = self.peek()
                    self.i += 1
                self.skip_attributes()
                if self.peek() == "{":
                    if t == "enum":
                        self.parse_enum_body(tag)
                    else:
                        agg = self.parse_aggregate_body(t, tag)
                        if tag is None:
                            inner = agg
                if tag is None:
                    nameable = False
                else:
                    spec += [t, tag]
                seen_type = True
            elif t is not None and is_ident(t) and not seen_type:
                spec.append(t)    # typedef name
                seen_type = True
                self.i += 1
            else:
                break
        return (spec if nameable else None), is_typedef, inner

    def parse_declarator(self):
        """Collect one declarator; returns (decl tokens, bitwidth tokens)."""
        decl, depth = [], 0
        while True:
            t = self.peek()
            if t is None:
                raise SyntaxError("unterminated declaration")
            if depth == 0 and t in (",", ";", ":", "=", "{"):
                break
            if t in ATTRIBUTE_KW:
                self.skip_attributes()
                continue
            if t in ("(", "["):
                depth += 1
            elif t in (")", "]"):
                depth -= 1
            decl.append(t)
            self.i += 1
        bitwidth = None
        if self.peek() == ":":
            self.i += 1
            bitwidth = []
            while self.peek() not in (",", ";"):
                bitwidth.append(self.peek())
                self.i += 1
        if self.peek() == "=":            # initializer: skip to , or ;
            depth = 0
            while not (depth == 0 and self.peek() in (",", ";")):
                t = self.peek()
                depth += t in "([{"
                depth -= t in ")]}"
                self.i += 1
        return decl, bitwidth

    def parse_declaration(self, agg):
        """One declaration at file scope (agg None) or member declaration."""
        spec, is_typedef, inner = self.parse_specifiers()
        if self.peek() == ";":            # e.g. 'struct x { ... };'
            self.i += 1
            if agg is not None and inner is not None:
                agg.members.append(Member(None, None, [], None, inner))
            return
        while True:
            decl, bitwidth = self.parse_declarator()
            name = declarator_name(decl)
            if agg is not None:
                agg.members.append(Member(name, spec, decl, bitwidth, inner))
            elif is_typedef and name:
                self.typedefs.append(Typedef(name, spec, decl))
                if inner is not None and decl == [name]:
                    # 'typedef struct { ... } name;': probe it as 'name'.
                    inner.tag = name
                    inner.kind = None
                    self.aggregates.append(inner)
                    inner = None
            if self.peek() == "{":        # function definition: skip body
                self.skip_balanced()
                return
            if self.peek() == ",":
                self.i += 1
                continue
            self.expect(";")
            return

    def parse_aggregate_body(self, kind, tag):
        agg = Aggregate(kind, tag)
        self.expect("{")
        while self.peek() != "}":
            if self.peek() == ";":
                self.i += 1
                continue
            self.parse_declaration(agg)
        self.expect("}")
        if tag is not None:
            self.aggregates.append(agg)
            self.defined_tags.add((kind, tag))
        return agg

    def parse_enum_body(self, tag):
        en = Enum(tag)
        self.expect("{")
        while self.peek() != "}":
            en.constants.append(self.peek())
            self.i += 1
            self.skip_attributes()
            depth = 0                     # skip '= value'
            while not (depth == 0 and self.peek() in (",", "}")):
                t = self.peek()
                depth += t in "([{"
                depth -= t in ")]}"
                self.i += 1
            if self.peek() == ",":
                self.i += 1
        self.expect("}")
        self.enums.append(en)
        if tag is not None:
            self.defined_tags.add(("enum", tag))


def declarator_name(decl):
    """The declared identifier: first identifier that is not a qualifier
    (parameter lists always come after the name)."""
    for t in decl:
        if is_ident(t) and t not in QUALIFIERS:
            return t
    return None


def declarator_kind(decl, name):
    """'function', 'function pointer', 'array', 'incomplete array',
    'pointer' or 'plain', judged from the tokens around the name."""
    k = decl.index(name)
    after = decl[k + 1:]
    if after[:1] == ["("]:
        return "function"
    if after[:1] == ["["]:
        return "incomplete array" if after[:2] == ["[", "]"] else "array"
    if after[:1] == [")"]:
        rest = after
        while rest[:1] == [")"]:
            rest = rest[1:]
        if rest[:1] == ["("]:
            return "function pointer"
    if "*" in decl[:k]:
        return "pointer"
    return "plain"


# --------------------------------------------------------------------------
# Macro classification (by compiling test snippets against the header)
# --------------------------------------------------------------------------

def failing_lines(cc, header, body_lines):
    """Compile header + body_lines (one test per line); return the set of
    0-based body line indexes that produced an error, or None if the errors
    could not be attributed to lines."""
    real = os.path.realpath(header)
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "t.c")
        with open(src, "w") as f:
            f.write('#include "%s"\n' % real)
            f.write("\n".join(body_lines) + "\n")
        # -ftrack-macro-expansion=0: report errors at the expansion site.
        p = run([cc, "-std=gnu99", "-ftrack-macro-expansion=0", "-fsyntax-only",
                 "-fmax-errors=0", src])
        if p.returncode == 0:
            return set()
        bad = set()
        for m in re.finditer(r"^(.*?):(\d+):\d+: error:", p.stderr, re.M):
            if m.group(1) != src:
                return None
            bad.add(int(m.group(2)) - 2)
        return bad or None


def select_macros(cc, header, names, make_test):
    """Names for which make_test(name) compiles cleanly."""
    alive = list(names)
    while alive:
        bad = failing_lines(cc, header, [make_test(n) for n in alive])
        if bad is None:                   # fall back to one compile per name
            return [n for n in alive
                    if failing_lines(cc, header, [make_test(n)]) == set()]
        if not bad:
            return alive
        alive = [n for k, n in enumerate(alive) if k not in bad]
    return alive


def classify_macros(cc, header, macros):
    obj = [n for n, fn in macros if not fn]
    # Integer constant expression: '&' needs integer operands and
    # _Static_assert needs a constant expression.
    ints = set(select_macros(cc, header, obj,
                             lambda n: "_Static_assert(((%s) & 0) == 0, \"\");" % n))
    # String literal: only a string literal can initialize a char array.
    strs = set(select_macros(cc, header, [n for n in obj if n not in ints],
                             lambda n: "static const char probe_s_%s[] = %s;" % (n, n)))
    kinds = {}
    for n, fn in macros:
        kinds[n] = ("function-like" if fn else "int" if n in ints
                    else "string" if n in strs else "other")
    return kinds


# --------------------------------------------------------------------------
# C code generation
# --------------------------------------------------------------------------

def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


PRELUDE = r"""/* Generated by gen_layout_probe.py from %(header)s -- do not edit. */
#include <libdevmapper.h>   /* first, so it must be self-contained */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Name of an integer type (enums show their underlying type). */
#define PROBE_TYPE(x) _Generic((x), \
	_Bool: "_Bool", char: "char", signed char: "signed char", \
	unsigned char: "unsigned char", short: "short", \
	unsigned short: "unsigned short", int: "int", \
	unsigned int: "unsigned int", long: "long", \
	unsigned long: "unsigned long", long long: "long long", \
	unsigned long long: "unsigned long long", default: "other")
#define PROBE_STR(x) #x
#define PROBE_XSTR(x) PROBE_STR(x)
/* Does the member at 'path' of 'agg' have the type T? */
#define PROBE_MEMBER_IS(agg, path, T) \
	__builtin_types_compatible_p(__typeof__(&((agg *)0)->path), T *)

static volatile unsigned long long probe_ones = ~0ULL;

static void probe_u(const char *key, unsigned long long v)
{
	printf("%%s = %%llu\n", key, v);
}

static void probe_s(const char *key, long long v)
{
	printf("%%s = %%lld\n", key, v);
}

static void probe_t(const char *key, const char *v)
{
	printf("%%s = %%s\n", key, v);
}

/* String value, with non-printable bytes escaped. */
static void probe_q(const char *key, const char *v)
{
	printf("%%s = \"", key);
	for (; *v; v++)
		if (*v >= 0x20 && *v < 0x7f && *v != '"' && *v != '\\')
			putchar(*v);
		else
			printf("\\x%%02x", (unsigned char)*v);
	printf("\"\n");
}

/* The bytes that are non-zero, as '[first..last] hex'. */
static void probe_bytes(const char *key, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t lo = 0, hi = n, i;

	while (lo < n && !b[lo])
		lo++;
	while (hi > lo && !b[hi - 1])
		hi--;
	if (lo == n) {
		printf("%%s = none\n", key);
		return;
	}
	printf("%%s = [%%zu..%%zu] ", key, lo, hi - 1);
	for (i = lo; i < hi; i++)
		printf("%%02x", b[i]);
	printf("\n");
}
"""


class Emitter:
    def __init__(self):
        self.typedefs = []      # file-scope helper typedefs (upstream types)
        self.body = []          # statements in main()
        self.nfacts = 0
        self.notes = []         # things that could not be probed

    def fact(self, fn, key, expr):
        self.body.append("\tprobe_%s(%s, %s);" % (fn, c_str(key), expr))
        self.nfacts += 1

    def raw(self, line):
        self.body.append(line)

    def type_alias(self, spec, decl, name):
        """File-scope typedef with upstream's type for 'name'; returns the
        alias, or None when the type has no name (untagged body)."""
        if spec is None or name is None:
            return None
        alias = "probe_type%d" % len(self.typedefs)
        decl = [alias if x == name else x for x in decl]
        self.typedefs.append("typedef %s;" % join_tokens(spec + decl))
        return alias


def emit_aggregate(em, agg, defined_tags):
    a = "%s %s" % (agg.kind, agg.tag) if agg.kind else agg.tag
    em.fact("u", "sizeof(%s)" % a, "sizeof(%s)" % a)
    em.fact("u", "_Alignof(%s)" % a, "_Alignof(%s)" % a)
    emit_members(em, a, agg, "")


def emit_members(em, a, agg, prefix):
    for m in agg.members:
        if m.name is None and m.inner is None:
            # Unnamed bitfield (padding): only visible through the offsets
            # and bit positions of the members around it.
            continue
        if m.name is None:
            # Anonymous struct/union member: its members belong to 'a'.
            emit_members(em, a, m.inner, prefix)
            continue
        path = prefix + m.name
        key = "%s.%s" % (a, path)
        if m.bitwidth is not None:
            # Bitfield: set it to all-ones on a zeroed object, read it back
            # and show which bytes changed (position, width and signedness).
            em.raw("\t{ %s o; memset(&o, 0, sizeof o); o.%s = probe_ones;" % (a, path))
            em.fact("u", key + ": bitfield all-ones value", "(unsigned long long)o.%s" % path)
            em.fact("bytes", key + ": bitfield all-ones bytes", "&o, sizeof o")
            em.raw("\t}")
            continue
        kind = declarator_kind(m.decl, m.name)
        em.fact("u", "offsetof(%s, %s)" % (a, path), "offsetof(%s, %s)" % (a, path))
        if kind == "incomplete array":
            # Flexible array member: no sizeof; compare the element size.
            em.fact("u", "sizeof(%s[0])" % key, "sizeof(((%s *)0)->%s[0])" % (a, path))
        else:
            em.fact("u", "sizeof(%s)" % key, "sizeof(((%s *)0)->%s)" % (a, path))
        alias = em.type_alias(m.spec, m.decl, m.name)
        if alias:
            em.fact("u", "%s: declared as '%s'" % (key, join_tokens(m.spec + m.decl)),
                    "PROBE_MEMBER_IS(%s, %s, %s)" % (a, path, alias))
        elif m.inner is not None:
            # Member of an untagged struct/union type: recurse into it.
            emit_members(em, a, m.inner, path + ".")
        else:
            em.notes.append("no type check for %s (unnamed type)" % key)


def emit_enum(em, en):
    for c in en.constants:
        em.fact("s", "enum constant %s" % c, "(long long)%s" % c)
    if en.tag:
        e = "enum %s" % en.tag
        em.fact("u", "sizeof(%s)" % e, "sizeof(%s)" % e)
        em.fact("t", "underlying type of %s" % e, "PROBE_TYPE((%s)0)" % e)


def emit_typedef(em, td, defined_tags):
    kind = declarator_kind(td.decl, td.name)
    base_void = td.spec == ["void"] and kind == "plain"
    incomplete = (td.spec is not None and len(td.spec) >= 2
                  and td.spec[-2] in ("struct", "union", "enum")
                  and (td.spec[-2], td.spec[-1]) not in defined_tags
                  and kind in ("plain", "array"))
    if kind in ("function", "function pointer", "incomplete array") or base_void or incomplete:
        why = "void" if base_void else "incomplete type" if incomplete else kind
        em.notes.append("no sizeof for typedef %s (%s)" % (td.name, why))
    else:
        em.fact("u", "sizeof(%s)" % td.name, "sizeof(%s)" % td.name)
    alias = em.type_alias(td.spec, td.decl, td.name)
    if alias:
        em.fact("u", "typedef %s: declared as '%s'" % (td.name, join_tokens(td.spec + td.decl)),
                "__builtin_types_compatible_p(%s, %s)" % (td.name, alias))
    else:
        em.notes.append("no type check for typedef %s (unnamed type)" % td.name)


def emit_macro(em, name, kind):
    """Macro facts, each guarded by #ifdef so a missing macro is reported
    as '<undefined>' rather than breaking the build."""
    if kind == "int":
        facts = [("u", "#define %s" % name, "(unsigned long long)(%s)" % name),
                 ("u", "sizeof(%s)" % name, "sizeof(%s)" % name),
                 ("t", "type of %s" % name, "PROBE_TYPE(%s)" % name)]
    elif kind == "string":
        facts = [("q", "#define %s" % name, name),
                 ("u", "sizeof(%s)" % name, "sizeof(%s)" % name)]
    elif kind == "other":
        facts = [("q", "#define %s (expansion text)" % name, "PROBE_XSTR(%s)" % name)]
        em.notes.append("macro %s is neither an integer constant nor a string:"
                        " comparing its expansion text" % name)
    else:
        facts = [("t", "#define %s(...)" % name, '"defined"')]
    em.raw("#ifdef %s" % name)
    for fn, key, expr in facts:
        em.fact(fn, key, expr)
    em.raw("#else")
    for fn, key, expr in facts:
        em.body.append('\tprobe_t(%s, "<undefined>");' % c_str(key))
    em.raw("#endif")


def generate(cc, header):
    p = Parser(header_tokens(cc, header))
    p.parse_unit()
    macros = header_macros(cc, header)
    kinds = classify_macros(cc, header, macros)

    em = Emitter()
    em.raw("\t/* structs and unions */")
    for agg in p.aggregates:
        emit_aggregate(em, agg, p.defined_tags)
    em.raw("\t/* enums */")
    for en in p.enums:
        emit_enum(em, en)
    em.raw("\t/* typedefs */")
    for td in p.typedefs:
        emit_typedef(em, td, p.defined_tags)
    em.raw("\t/* macros */")
    for name, _ in macros:
        emit_macro(em, name, kinds[name])

    out = [PRELUDE % {"header": header}]
    out.append("/* Upstream's declared types, for __builtin_types_compatible_p. */")
    out += em.typedefs
    out.append("\nint main(void)\n{")
    out += em.body
    out.append("\treturn 0;\n}\n")

    counts = {k: sum(1 for v in kinds.values() if v == k)
              for k in ("int", "string", "other", "function-like")}
    stats = ("%d facts: %d structs/unions, %d enums, %d typedefs, "
             "macros: %d integer, %d string, %d other, %d function-like"
             % (em.nfacts, len(p.aggregates), len(p.enums), len(p.typedefs),
                counts["int"], counts["string"], counts["other"],
                counts["function-like"]))
    return "\n".join(out), stats, em.notes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("header", help="upstream libdevmapper.h")
    ap.add_argument("-o", "--output", help="write the probe here (default stdout)")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list what could not be probed")
    args = ap.parse_args()

    src, stats, notes = generate(args.cc, args.header)
    if args.output:
        with open(args.output, "w") as f:
            f.write(src)
    else:
        sys.stdout.write(src)
    print("gen_layout_probe: " + stats, file=sys.stderr)
    if args.verbose:
        for n in notes:
            print("gen_layout_probe: note: " + n, file=sys.stderr)


if __name__ == "__main__":
    main()
