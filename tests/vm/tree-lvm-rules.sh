#!/bin/sh
# Runs c-tests/vm/tree_lvm_rules (this library's build or the .clib one)
# with systemd-udevd running: started here when it is not (and stopped at
# the end), as tests/vm/udev.sh does, so the suite can run it before the
# udev suite. Two 64 MiB loop devices; devices named dmrs-rules-* a failing
# run leaves are removed (tests/vm/scenario.sh). Afterwards no udev cookie
# semaphore may be left.
# usage: tree-lvm-rules.sh BINARY [ENV=VALUE...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
shift
# The library bounds its udev waits (30 s by default); a loaded host can be
# slower. The C library's waits are unbounded: timeout(1) bounds the run.
export DM_UDEV_WAIT_TIMEOUT=${DM_UDEV_WAIT_TIMEOUT:-120}
started=0
if ! udevadm control --ping --timeout=10 >/dev/null 2>&1; then
	# (a socket left by an earlier udevd would make both libraries believe
	# udev is running)
	rm -f /run/udev/control
	/lib/systemd/systemd-udevd --daemon || { echo "cannot start systemd-udevd" >&2; exit 1; }
	started=1
	# each exec costs up to a second or two under TCG on a loaded host
	i=0
	while [ ! -S /run/udev/control ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
	udevadm control --log-level=err >/dev/null 2>&1
fi
# Stops the udevd started here and removes its control socket, which
# systemd-udevd 252 leaves behind: the suites after this one (udev.sh
# starts its own udevd when there is no socket) must not believe udev is
# running.
stop_udev() {
	[ $started = 1 ] || return 0
	udevadm settle --timeout=60 >/dev/null 2>&1
	udevadm control --exit >/dev/null 2>&1
	udevadm control --ping --timeout=5 >/dev/null 2>&1 || rm -f /run/udev/control
}
trap stop_udev EXIT
sems_before=$(ipcs -s | awk '/^0x/' | wc -l)
rc=0
timeout 1200 "$here/scenario.sh" dmrs-rules- 2 64M "$bin" "$@" || rc=$?
udevadm settle --timeout=60 >/dev/null 2>&1
sems=$(ipcs -s | awk '/^0x/' | wc -l)
if [ "$sems" -gt "$sems_before" ]; then
	echo "not ok - udev cookie semaphores left behind: $sems (before: $sems_before)"
	ipcs -s
	[ $rc -ne 0 ] || rc=1
else
	echo "ok - no udev cookie semaphore left behind"
fi
exit $rc
