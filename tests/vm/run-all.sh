#!/bin/sh
# The kernel test suite; runs inside the test VM as root (vm/run.sh), from
# the repository root, with BUILD_DIR holding the built library and the
# compiled c-tests.
# usage: run-all.sh BUILD_DIR
set -u
build=$1
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
suite() {
	name=$1; shift
	echo "== $name"
	if "$@"; then
		echo "PASS $name"; passed=$((passed + 1))
	else
		echo "FAIL $name"; failed=$((failed + 1))
	fi
}
suite "Rust task scenarios: same transcript on the simulated and the real kernel" \
	env DEVMAPPER_REAL_KERNEL=1 "$build/rust-tests/kernel_scenarios" --nocapture
suite "lifecycle (C program on this library)" "$build/c-tests/lifecycle"
suite "a device list larger than the first buffer" "$build/c-tests/many_devices"
suite "8 threads using the library at once" "$build/c-tests/threads"
suite "deptree: a three-layer stack on the C library" "$build/c-tests/tree_stack.clib"
suite "deptree: the same program on this library" "$build/c-tests/tree_stack"
suite "deptree: origin and snapshot on the C library" "$here/tree-snapshot.sh" "$build/c-tests/tree_snapshot.clib"
suite "deptree: the same program on this library" "$here/tree-snapshot.sh" "$build/c-tests/tree_snapshot"
suite "deptree: a catalogue of target builders gives the C library's table lines" "$here/tree-catalogue.sh" "$build"
suite "Debian dmsetup loads this library" "$here/dmsetup-loads.sh" "$build"
suite "Debian dmsetup: same output on both libraries" "$here/dmsetup-compare.sh" "$build" "$here/dmsetup-basic.cmds"
suite "Debian dmsetup: every device command, same output on both libraries" "$here/dmsetup-compare.sh" "$build" "$here/dmsetup-commands.cmds"
suite "Debian cryptsetup (LUKS2, plain) on both libraries, same tables" "$here/cryptsetup.sh" "$build"
# Further suites, one file per feature (each calls `suite`); udev stays last.
for part in "$here"/suites.d/*.sh; do
	[ -e "$part" ] && . "$part"
done
suite "udev cookies: systemd-udevd and the C library complete ours, we complete theirs (last: starts udevd)" "$here/udev.sh" "$build"
echo "vm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
