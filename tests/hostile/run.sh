#!/bin/sh
# Generates, builds and runs the hostile-input test (tests/hostile/gen.py)
# against this library (must export every function of the header and give
# 0 crashes and 0 hangs) and, for
# comparison only, against Debian's C library. Each run is in its own IPC
# namespace (the udev cookie functions make real semaphores) and in a
# scratch directory (dm_create_dir and friends make directories).
# usage: run.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$build/hostile
mkdir -p "$out/cwd"
python3 "$top/tests/hostile/gen.py" "$top/include/libdevmapper.h" "$top/abi" "$out/calls.c"
${CC:-cc} -std=gnu99 -O0 -Wall -Werror -I"$top/include" -I"$top/tests/hostile" -o "$out/hostile" "$out/calls.c" -ldl
cd "$out/cwd"
ns=""
if [ "$(id -u)" = 0 ] && unshare --ipc true 2>/dev/null; then ns="unshare --ipc"; fi
if [ -e /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1 ]; then
	$ns "$out/hostile" /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1 > "$out/clib.txt" 2>&1 || true
	echo "C library (comparison): $(tail -n 1 "$out/clib.txt" | sed 's/ (skipped.*//')"
fi
rc=0
$ns "$out/hostile" --require-all "$build/lib/libdevmapper.so.1.02" > "$out/ours.txt" 2>&1 || rc=$?
grep -E '^(CRASH|HANG|ABSENT)' "$out/ours.txt" || true
echo "this library: $(tail -n 1 "$out/ours.txt")"
exit $rc
