#!/bin/bash
# The stats API program (c-tests/stats/stats_api.c) on the C library and on
# this one against the same kernel: the whole scenario, regions and groups
# made by one library and read and changed by the other, and a file map on
# an ext4 filesystem on a dm device. Outputs (stdout and stderr) must be the
# same line for line.
# usage: stats-api.sh BUILD_DIR
set -u
build=$1
bin=$build/c-tests/stats_api
export DM_DISABLE_UDEV=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=0 same=0 bad=0
compare() { # name ref other
	local n d
	n=$(wc -l < "$2")
	d=$(diff "$2" "$3" | grep -c '^<')
	total=$((total + n)) same=$((same + n - d))
	if [ "$d" -ne 0 ] || ! cmp -s "$2" "$3"; then
		bad=$((bad + 1))
		echo "DIFFERS: $1"
		diff "$2" "$3" | sed 's/^/    /' | head -40
	fi
}
zero() { dmsetup create sa --table "0 204800 zero"; }
gone() { dmsetup remove sa; }

# The whole scenario, on each library.
for lib in clib rs; do
	b=$bin; [ $lib = clib ] && b=$bin.clib
	zero; "$b" sa all > "$tmp/all.$lib" 2>&1; echo "exit $?" >> "$tmp/all.$lib"; gone
done
compare "the API scenario" "$tmp/all.clib" "$tmp/all.rs"

# Made by one library, read (and changed) by the other.
for pair in clib:clib rs:clib clib:rs; do
	m=${pair%%:*} r=${pair##*:}
	mb=$bin; [ "$m" = clib ] && mb=$bin.clib
	rb=$bin; [ "$r" = clib ] && rb=$bin.clib
	zero
	{ "$mb" sa make 2>&1; echo "make exit $?"; "$rb" sa read 2>&1; echo "read exit $?";
	  dmsetup message sa 0 @stats_list; } > "$tmp/cross.$m.$r"
	gone
done
compare "made by this library, read by the C library" "$tmp/cross.clib.clib" "$tmp/cross.rs.clib"
compare "made by the C library, read by this library" "$tmp/cross.clib.clib" "$tmp/cross.clib.rs"

# A file map on ext4 on a dm device.
for lib in clib rs; do
	b=$bin; [ $lib = clib ] && b=$bin.clib
	truncate -s 64M "$tmp/img"; L=$(losetup -f --show "$tmp/img")
	dmsetup create sf --table "0 131072 linear $L 0"
	mkfs.ext4 -q -E nodiscard,lazy_itable_init=0,lazy_journal_init=0 /dev/mapper/sf
	mkdir -p "$tmp/mnt" && mount /dev/mapper/sf "$tmp/mnt"
	dd if=/dev/zero of="$tmp/mnt/a" bs=1M count=3 status=none
	dd if=/dev/zero of="$tmp/mnt/gap" bs=1M count=1 status=none
	dd if=/dev/zero of="$tmp/mnt/a" bs=1M count=2 seek=3 conv=notrunc status=none
	rm "$tmp/mnt/gap"; sync
	"$b" sf filemap "$tmp/mnt/a" > "$tmp/fm.$lib" 2>&1; echo "exit $?" >> "$tmp/fm.$lib"
	umount "$tmp/mnt"; dmsetup remove sf; losetup -d "$L"; rm -f "$tmp/img"
done
compare "a file map on ext4" "$tmp/fm.clib" "$tmp/fm.rs"
grep -q "^file region" "$tmp/fm.clib" || { echo "no file regions were made"; bad=$((bad + 1)); }

echo "stats API output lines matching the C library: $same of $total"
[ "$bad" -eq 0 ]
