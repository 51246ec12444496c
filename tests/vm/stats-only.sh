#!/bin/sh
# Runs only the stats suites (tests/vm/suites.d/40-stats.sh) in the VM.
# usage: stats-only.sh BUILD_DIR
build=$1
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
suite() {
	name=$1; shift
	echo "== $name"
	if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
. "$here/suites.d/40-stats.sh"
echo "stats: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
