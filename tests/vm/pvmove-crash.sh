#!/bin/bash
# Issue 5, proof 3 (host side; `make pvmove-crash`): the guest is powered
# off hard (sysrq o) at five points of a move, rebooted, and the move
# restarted from its saved state: it completes with every logged write
# intact, and the first pvmove mirror loaded after the unclean stop
# resynchronises (no nosync); after a clean stop (dmpvmove --stop) of a
# complete atomic copy, the restart uses nosync.
# usage: pvmove-crash.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$build/pvmove-crash
mkdir -p "$work"
passed=0 failed=0
run_case() { # MODE POINT HOW EXPECT
	local mode=$1 point=$2 how=$3 expect=$4 name="${1:-by-segment} ${3} at ${2}"
	"$top/vm/run.sh" --timeout 300 -- "$top/tests/vm/pvmove-crash-guest.sh" "$build" "$work" "$how" "$mode" "$point" > "$work/boot1.log" 2>&1
	if ! grep -q "powering off at $point" "$work/boot1.log"; then
		echo "FAIL $name: the first boot did not reach the point"; sed 's/^/    /' "$work/boot1.log" | tail -20
		failed=$((failed + 1)); return
	fi
	if "$top/vm/run.sh" --timeout 600 -- "$top/tests/vm/pvmove-crash-guest.sh" "$build" "$work" restart > "$work/boot2.log" 2>&1 &&
		grep -q "restart loaded: $expect" "$work/boot2.log"; then
		echo "PASS $name: restarted after reboot, completed, data intact, $expect"
		passed=$((passed + 1))
	else
		echo "FAIL $name (want $expect)"; sed 's/^/    /' "$work/boot2.log" | tail -20
		failed=$((failed + 1))
	fi
}
run_case "" running crash resync
run_case "" complete crash resync
run_case "" complete2 crash resync
run_case --atomic running crash resync
run_case --atomic synced crash resync
run_case --atomic synced stop nosync
rm -rf "$work"
echo "pvmove crash: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
