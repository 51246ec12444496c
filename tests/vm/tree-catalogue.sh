#!/bin/bash
# Runs the deptree target catalogue on the C library and on this one over
# the same three loop devices and compares, line by line:
#  - what each program prints (builder results, how many devices each top
#    node uses, and every table as the kernel holds it, or "not loaded");
#  - every table line the library sent to the kernel (DM_TABLE_LOAD, as
#    strace decodes it), which also covers the tables the 6.1 kernel refuses.
# Then runs the catalogue of the builders Debian's C library lacks
# (writecache, integrity, cachevol, vdo) on this library and compares the
# same two outputs with tests/vm/newer-catalogue.expected (lines derived
# from upstream libdm's code and the kernel's table formats; its '#' lines
# say where each comes from).
# usage: tree-catalogue.sh BUILD_DIR [KEEP_DIR]   (KEEP_DIR: where to copy the
# raw outputs and strace logs)
set -u
build=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
rc=0

# The table lines of the DM_TABLE_LOAD ioctls in an strace log, device
# numbers replaced by their kind (dm devices are numbered in creation
# order, which the two libraries share, but the test does not rely on it).
sent_lines() {
	grep -a 'DM_TABLE_LOAD' "$1" |
		grep -ao '{sector_start=[0-9]*, length=[0-9]*, target_type="[^"]*", string="[^"]*"}' |
		sed -E 's/\{sector_start=([0-9]+), length=([0-9]+), target_type="([^"]*)", string="([^"]*)"\}/sent: \1 \2 \3 \4/' |
		sed -E 's#\b254:[0-9]+\b#<dm>#g; s#\b7:[0-9]+\b#<loop>#g; s#/dev/dm-[0-9]+#/dev/dm-N#g'
}

run() { # NAME BINARY: output in $dir/NAME.out, sent lines in $dir/NAME.sent
	truncate -s 256M "$dir/a" "$dir/b" "$dir/c"
	a=$(losetup -f --show "$dir/a"); b=$(losetup -f --show "$dir/b"); c=$(losetup -f --show "$dir/c")
	strace -f -qq -v -s 65536 -e trace=ioctl -o "$dir/$1.strace" "$2" "$a" "$b" "$c" > "$dir/$1.out" 2> "$dir/$1.err"
	losetup -d "$a" "$b" "$c"
	rm -f "$dir/a" "$dir/b" "$dir/c"
	sent_lines "$dir/$1.strace" > "$dir/$1.sent"
}

run c "$build/c-tests/tree_catalogue.clib"
run rs "$build/c-tests/tree_catalogue"
lines=$(grep -c '^cat-.*: [0-9]* [0-9]* ' "$dir/c.out")
sent=$(wc -l < "$dir/c.sent")
notloaded=$(grep -c 'not loaded' "$dir/c.out")
if diff -u "$dir/c.out" "$dir/rs.out" && diff -u "$dir/c.sent" "$dir/rs.sent"; then
	echo "deptree catalogue: $lines table lines read back and $sent table lines sent ($notloaded cases the kernel refused), identical on both libraries"
else
	echo "deptree catalogue: output or table lines sent differ (- C library, + devmapper)"
	echo "--- errors logged by the C library:"; cat "$dir/c.err"
	echo "--- errors logged by devmapper:"; cat "$dir/rs.err"
	rc=1
fi
grep -q ' 0 failed' "$dir/c.out" || { echo "the catalogue failed on the C library"; rc=1; }
[ "$sent" -gt 0 ] || { echo "no table line sent was captured (strace)"; rc=1; }

run new "$build/c-tests/newer_catalogue"
sed -E 's#meta_device:254:[0-9]+#meta_device:<dm>#' "$dir/new.out" | cat - "$dir/new.sent" > "$dir/new.all"
grep -v '^#' "$here/newer-catalogue.expected" > "$dir/new.expected"
if diff -u "$dir/new.expected" "$dir/new.all"; then
	echo "newer builders: $(grep -c '^new-.*: [0-9]* [0-9]* ' "$dir/new.out") table lines read back and $(wc -l < "$dir/new.sent") sent, as expected"
else
	echo "newer builders: output differs from tests/vm/newer-catalogue.expected (- expected, + devmapper)"
	cat "$dir/new.err"
	rc=1
fi
[ -n "${2:-}" ] && { mkdir -p "$2"; cp "$dir"/*.out "$dir"/*.err "$dir"/*.sent "$dir"/*.all "$dir"/*.strace "$2"/; }
rm -rf "$dir"
exit $rc
