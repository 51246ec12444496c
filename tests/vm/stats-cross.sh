#!/bin/bash
# Regions and groups made by one library, read back and changed by the
# other: the same sequence of dmstats commands runs with the maker and the
# reader on the C library (the reference), then with ours making and the C
# library reading, and the C library making and ours reading. Every
# command's output and exit status, and the kernel's @stats_list after each
# step, must equal the reference.
# usage: stats-cross.sh BUILD_DIR
set -u
build=$1
export DM_DISABLE_UDEV=1
lib() { if [ "$1" = rs ]; then shift; LD_LIBRARY_PATH="$build/lib" "$@"; else shift; "$@"; fi; }
# The steps; $m runs dmstats on the making library, $r on the reading one.
steps() { # maker reader outdir: one file per step
	local m=$1 r=$2 dir=$3 i=0
	mkdir -p "$dir"
	dmsetup create stx --table "0 204800 zero" >/dev/null 2>&1
	for cmd in \
		"$m create stx --areas 2" \
		"$m create stx --start 0 --length 1000" \
		"$m create stx --start 1000 --length 1000 --userdata keep" \
		"$m create stx --bounds 1ms,5ms --start 0 --length 2000" \
		"$m group stx --regions 0-2 --alias grp" \
		"$r group stx --regions 2-3" \
		"$r group stx --regions 3 --alias solo" \
		"$r delete stx --regionid 1" \
		"$m delete stx --regionid 2" \
		"$r ungroup stx --groupid 0" \
		"$r ungroup stx --groupid 3" \
		"$m group stx --regions 0,3" \
		"$r delete stx --regionid 0" \
		"$r delete stx --allregions"; do
		set -- $cmd
		local who=$1; shift
		i=$((i + 1))
		{
			echo "\$ dmstats $*"
			lib "$who" timeout 30 dmstats "$@" 2>&1; echo "exit $?"
			dmsetup message stx 0 @stats_list
		} > "$dir/$(printf %02d $i)"
	done
	dmsetup remove stx
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
steps c c "$tmp/ref"; steps rs c "$tmp/rs-c"; steps c rs "$tmp/c-rs"
ok=0 all=0
for run in rs-c c-rs; do
	for f in "$tmp/ref"/*; do
		all=$((all + 1))
		g="$tmp/$run/${f##*/}"
		if cmp -s "$f" "$g"; then
			ok=$((ok + 1))
		else
			echo "DIFFERS ($run: ${run%%-*} made, ${run##*-} read):"
			diff "$f" "$g" | sed 's/^/    /'
		fi
	done
done
echo "cross-library stats steps matching the C library: $ok of $all"
[ "$ok" -eq "$all" ]
