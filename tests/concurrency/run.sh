#!/bin/sh
# Runs the concurrency test on this library and on the C library, one after
# the other, in the VM (vm/run.sh, with or without --udev).
# usage: run.sh BUILD_DIR [PROCS THREADS SECONDS]   (default 8 8 120)
set -u
build=$1
procs=${2:-8} threads=${3:-8} seconds=${4:-120}
rc=0
"$build/c-tests/conc" "$procs" "$threads" "$seconds" || rc=1
"$build/c-tests/conc.clib" "$procs" "$threads" "$seconds" || echo "(the C library's run failed; reported, not judged)"
exit $rc
