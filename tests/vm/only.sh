#!/bin/sh
# Runs only some parts of the VM suite (tests/vm/suites.d), for a quicker
# look at one area: e.g. `vm/run.sh -- tests/vm/only.sh build 20 50` runs
# 20-scenarios.sh and 50-python.sh.
# usage: only.sh BUILD_DIR PREFIX...
build=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
suite() {
	name=$1; shift
	echo "== $name"
	if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
for prefix in "$@"; do
	for part in "$here"/suites.d/"$prefix"*.sh; do
		[ -e "$part" ] || { echo "no part $prefix in $here/suites.d"; exit 2; }
		. "$part"
	done
done
echo "vm parts: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
