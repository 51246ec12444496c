#!/bin/sh
# Runs c-tests/vm/tree_snapshot on two fresh loop devices, with the given
# binary (this library's build or the .clib one).
# usage: tree-snapshot.sh BINARY
set -eu
dir=$(mktemp -d)
truncate -s 8M "$dir/a" "$dir/b"
a=$(losetup -f --show "$dir/a")
b=$(losetup -f --show "$dir/b")
rc=0
"$1" "$a" "$b" || rc=$?
losetup -d "$a" "$b"
rm -rf "$dir"
exit $rc
