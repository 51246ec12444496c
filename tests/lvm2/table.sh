#!/bin/bash
# tests/lvm2/table.sh [C_RESULTS [OURS_RESULTS]] > docs/lvm2.md
#
# Writes the page docs/lvm2.md from the committed results: the list
# (tests/lvm2/list: order, family, why each test is there), the C library's
# results (tests/lvm2/c-results.tsv, measured once), ours
# (tests/lvm2/ours-results.tsv, the last full run) and the smoke subset
# (tests/lvm2/smoke), plus tests/lvm2/reasons (NAME<TAB>one line read from
# the logs, for tests that fail on both libraries; `make lvm2-table` fails
# when such a test has no reason yet).  Results files are suite.sh's
# results.tsv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
{ # one block, read whole before it runs
cres=${1:-$here/c-results.tsv}
ores=${2:-$here/ours-results.tsv}
list=$here/list
smoke=$here/smoke
reasons=$here/reasons
for f in "$list" "$cres"; do
	[ -r "$f" ] || { echo "table.sh: cannot read $f" >&2; exit 1; }
done
[ -r "$ores" ] || ores=/dev/null
[ -r "$reasons" ] || reasons=/dev/null
[ -r "$smoke" ] || smoke=/dev/null

awk -F'\t' -v head="$here/page-head.md" -v cres="$cres" -v ores="$ores" -v reasons="$reasons" -v smoke="$smoke" '
function mmss(s) { return (s ~ /^[0-9]+$/) ? sprintf("%d:%02d", s / 60, s % 60) : "?" }
function word(r) {
	if (r == "passed") return "pass"
	if (r == "failed") return "**fail**"
	if (r == "skipped") return "skip"
	if (r == "warnings") return "warned"
	if (r == "timeout") return "**timeout**"
	if (r == "") return "not run"
	return r
}
function ok(r) { return r == "passed" || r == "warnings" }
BEGIN {
	while ((getline l < cres) > 0) if (l !~ /^#/) { split(l, f, "\t"); cr[f[1]] = f[2]; cs[f[1]] = f[3] }
	while ((getline l < ores) > 0) if (l !~ /^#/) { split(l, f, "\t"); ors[f[1]] = f[2]; os[f[1]] = f[3]; oc[f[1]] = f[6]; commits[f[6]] = 1 }
	while ((getline l < reasons) > 0) if (l !~ /^#/ && l != "") { i = index(l, "\t"); why[substr(l, 1, i - 1)] = substr(l, i + 1) }
	while ((getline l < smoke) > 0) { sub(/#.*/, "", l); split(l, f, " "); if (f[1] != "") insmoke[f[1]] = 1 }
	FS = "#"
}
/^[ \t]*(#|$)/ { next }
{
	name = $1; gsub(/[ \t]/, "", name); name = substr(name, 1)
	sub(/^shell\//, "", name); sub(/\.sh$/, "", name)
	note = $0; sub(/^[^#]*#?[ \t]*/, "", note)
	n++; names[n] = name; notes[name] = note
}
END {
	# presence first: awk creates an element on any reference
	for (i = 1; i <= n; i++) { t = names[i]; hc[t] = (t in cr); ho[t] = (t in ors) }
	for (i = 1; i <= n; i++) {
		t = names[i]
		if (hc[t]) { nc[cr[t]]++; tc += cs[t] }
		if (ho[t]) { no[ors[t]]++; to += os[t]; nrun++ }
		if (ok(cr[t]) && ho[t] && !ok(ors[t])) regress++
		if (ok(cr[t]) && ok(ors[t])) both++
		if (hc[t] && ho[t] && !ok(cr[t]) && cr[t] != "skipped" && !ok(ors[t]) && ors[t] != "skipped") {
			bothfail++
			if (!(t in why)) { printf "table.sh: %s fails on both libraries and has no line in tests/lvm2/reasons\n", t > "/dev/stderr"; missing = 1 }
		}
	}
	ncommits = 0; for (c in commits) { ncommits++; onecommit = c }
	print "# LVM2 2.02.188 shell tests on both libraries"
	print ""
	while ((getline l < head) > 0) print l
	print ""
	print "## Results"
	print ""
	printf "**%d tests.** C library: %d passed, %d warned, %d failed, %d skipped, %d timed out; %d:%02d h of test time.\n", n, nc["passed"], nc["warnings"], nc["failed"], nc["skipped"], nc["timeout"], tc / 3600, (tc % 3600) / 60
	if (ncommits == 0) print "This library: not run yet."
	else printf "This library (%s): %d passed, %d warned, %d failed, %d skipped, %d timed out, %d not run; %d:%02d h. Pass on both: %d. Pass on C but not here: %d. Fail on both: %d.\n", (ncommits == 1 ? "commit " onecommit : ncommits " commits, per test below"), no["passed"], no["warnings"], no["failed"], no["skipped"], no["timeout"], n - nrun, to / 3600, (to % 3600) / 60, both, regress, bothfail
	print ""
	print "Results are LVM'"'"'s runner'"'"'s: pass, fail, skip (the test skipped itself: a missing"
	print "daemon such as dmeventd, a target version), warned (passed with warnings in its log),"
	print "timeout (no output for 1200 s, or the VM'"'"'s time ran out). Durations are the"
	print "guest'"'"'s wall clock under TCG on a 2-core host shared with other work: compare"
	print "them only roughly. (s) marks the smoke subset."
	print ""
	print "| test | what it covers | C 1.02.172 (time) | this library (time, commit) | why it fails on both |"
	print "|---|---|---|---|---|"
	for (i = 1; i <= n; i++) {
		t = names[i]
		c = hc[t] ? word(cr[t]) " (" mmss(cs[t]) ")" : "not run"
		o = ho[t] ? word(ors[t]) " (" mmss(os[t]) ", " oc[t] ")" : "not run"
		w = ""
		if (hc[t] && ho[t] && !ok(cr[t]) && cr[t] != "skipped" && !ok(ors[t]) && ors[t] != "skipped") w = why[t]
		printf "| `%s`%s | %s | %s | %s | %s |\n", t, (t in insmoke) ? " (s)" : "", notes[t], c, o, w
	}
	exit missing
}' "$list"
}
