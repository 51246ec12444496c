#!/bin/sh
# The leak soak (1 000 000 tasks, 10 000 trees) on this library and on the
# C library, in the VM (the C library's dm_task_create needs the kernel).
# usage: soak-vm.sh BUILD_DIR
set -u
build=$1
rc=0
"$build/c-tests/soak" || rc=1
"$build/c-tests/soak.clib" || echo "(the C library's soak failed; reported, not judged)"
exit $rc
