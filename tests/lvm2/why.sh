#!/bin/bash
# tests/lvm2/why.sh [RESULTS_DIR] [TEST...]
#
# For each failed (or timed-out) test of a suite.sh results directory
# (default build/lvm2-suite/ours), prints where the test stopped, read from
# its log: the last command the test script ran (LVM's xtrace lines,
# "#NAME.sh:LINE+ command") and the error lines LVM's tools printed just
# before it.  A help for writing tests/lvm2/reasons and for debugging; it
# reads logs, it decides nothing.
set -euo pipefail
{ # one block, read whole before it runs
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/build/lvm2-suite/ours}
shift || true
[ -d "$dir/logs" ] || { echo "why.sh: no logs in $dir" >&2; exit 1; }
if [ $# -gt 0 ]; then
	tests=("$@")
else
	mapfile -t tests < <(cat "$dir"/*.result 2>/dev/null | awk -F'\t' '$2 == "failed" || $2 == "timeout" { print $1 }')
fi
for t in "${tests[@]}"; do
	log=$dir/logs/$t.log
	[ -f "$log" ] || { printf '%s\t(no log)\n' "$t"; continue; }
	# the log up to the first stack trace (the failure), without the dumped
	# script ("## Line:") and the config dump
	awk '/set \+vx; STACKTRACE/ { exit } !/## (Line|LVMCONF):/' "$log" >"/tmp/why.$$"
	cmd=$(grep -E "^\[ *[0-9:]+\] #$t\.sh:[0-9]+\+ " "/tmp/why.$$" | tail -1 | sed -E 's/^\[ *[0-9:]+\] #//' || true)
	errs=$(grep -E "^\[ *[0-9:]+\] (  [A-Za-z].*(fail|Fail|error|Error|not |Invalid|No such|Internal|abort|Can.t|Cannot|WARNING)|.*: line [0-9]+: )" "/tmp/why.$$" |
		grep -v "NOT backed up" | tail -3 | sed -E 's/^\[ *[0-9:]+\] +//; s/^[^ ]*\/(shell\/[^ ]*: line)/\1/' | tr "\n" "|" | sed "s/|$//" || true)
	rm -f "/tmp/why.$$"
	printf '%s\t%s\t%s\n' "$t" "${cmd:-?}" "${errs:-}"
done
}
