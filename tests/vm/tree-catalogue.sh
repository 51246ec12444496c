#!/bin/bash
# Runs the deptree target catalogue on the C library and on this one over
# the same three loop devices and compares the table lines the kernel got.
# usage: tree-catalogue.sh BUILD_DIR
set -u
build=$1
dir=$(mktemp -d)
truncate -s 16M "$dir/a" "$dir/b" "$dir/c"
a=$(losetup -f --show "$dir/a"); b=$(losetup -f --show "$dir/b"); c=$(losetup -f --show "$dir/c")
"$build/c-tests/tree_catalogue.clib" "$a" "$b" "$c" > "$dir/c.out" 2>&1
"$build/c-tests/tree_catalogue" "$a" "$b" "$c" > "$dir/rs.out" 2>&1
losetup -d "$a" "$b" "$c"
lines=$(grep -c '^cat-' "$dir/c.out")
if diff -u "$dir/c.out" "$dir/rs.out"; then
	echo "deptree catalogue: $lines table lines, identical on both libraries"
	rc=0
else
	echo "deptree catalogue: table lines differ (- C library, + devmapper)"
	rc=1
fi
grep -q '0 failed' "$dir/c.out" || { echo "the catalogue failed on the C library"; rc=1; }
rm -rf "$dir"
exit $rc
