#!/bin/sh
# Fault scenario: Debian's dmsetup creates a device from a table (create,
# load, resume; with udev running, a cookie and a wait), on whichever
# library LD_LIBRARY_PATH selects. Same protocol as the C scenarios (see
# scenario.h): setup, run (one process: exec), recover (create again,
# compare the data, remove).
set -u
dev0=${FAULT_DEV0:-/dev/ram0}
name=dmrs-fdm
table="0 4096 linear $dev0 0"
case "$1" in
setup) exit 4 ;;
run) exec dmsetup create "$name" --table "$table" ;;
recover)
	dmsetup info "$name" >/dev/null 2>&1 || dmsetup create "$name" --table "$table" || echo "scenario: recovery create failed" >&2
	rc=0
	minor=$(dmsetup info -c --noheadings -o minor "$name" 2>/dev/null | tr -d ' ')
	if [ -n "$minor" ] && ! cmp -s -n 2097152 "/dev/dm-$minor" "$dev0"; then
		echo "scenario: DATA differs on $name" >&2; rc=3
	fi
	dmsetup remove "$name" || { [ "$rc" = 0 ] && rc=1; }
	[ "$rc" = 0 ] || exit "$rc"
	;;
*) echo "usage: $0 setup|run|recover" >&2; exit 2 ;;
esac
