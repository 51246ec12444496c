#!/bin/sh
# Runs one scenario program (c-tests/vm/tree_*.c, this library's build or
# the .clib one) on COUNT fresh loop devices of SIZE each, and afterwards
# removes any device-mapper device whose name starts with NAME_PREFIX that
# a failing run left behind (so that the next suite starts clean).
# usage: scenario.sh NAME_PREFIX COUNT SIZE BINARY [ENV=VALUE...]
set -eu
prefix=$1 count=$2 size=$3 bin=$4
shift 4
dir=$(mktemp -d)
loops=""
i=0
while [ "$i" -lt "$count" ]; do
	truncate -s "$size" "$dir/$i"
	loops="$loops $(losetup -f --show "$dir/$i")"
	i=$((i + 1))
done
rc=0
# shellcheck disable=SC2086
env "$@" "$bin" $loops || rc=$?
left=$(DM_DISABLE_UDEV=1 dmsetup info -c --noheadings -o name 2>/dev/null | grep "^$prefix" || true)
if [ -n "$left" ]; then
	echo "# left behind (removing): $(echo $left)"
	[ "$rc" -ne 0 ] || rc=1
	for round in 1 2 3 4 5; do
		for n in $left; do DM_DISABLE_UDEV=1 dmsetup resume "$n" 2>/dev/null || true; done
		for n in $left; do DM_DISABLE_UDEV=1 dmsetup remove "$n" 2>/dev/null || true; done
		left=$(DM_DISABLE_UDEV=1 dmsetup info -c --noheadings -o name 2>/dev/null | grep "^$prefix" || true)
		[ -n "$left" ] || break
	done
fi
# shellcheck disable=SC2086
losetup -d $loops
rm -rf "$dir"
exit $rc
