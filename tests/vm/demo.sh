#!/bin/bash
# make demo: Debian's unchanged dmsetup, running on this library, builds a
# small stack on the real kernel of the test VM, shows its tables and
# status, suspends and resumes it under I/O, and takes it apart.
# usage: demo.sh BUILD_DIR   (inside the VM, as root)
set -eu
build=$1
export LD_LIBRARY_PATH="$build/lib"
export DM_TRACE=/tmp/demo-trace.jsonl
# No udev daemon runs in the VM: as with the C library, DM_DISABLE_UDEV=1
# has the library itself keep /dev/mapper/<name>, which the tables use.
export DM_DISABLE_UDEV=1
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "dmsetup is $(command -v dmsetup), resolving libdevmapper to:"
ldd "$(command -v dmsetup)" | grep devmapper
step dmsetup version

truncate -s 64M /tmp/demo.img
loop=$(losetup -f --show /tmp/demo.img)
lm=$(lsblk -dno MAJ:MIN "$loop" | tr -d ' ')
echo "backing device: $loop ($lm)"

step dmsetup create demo-left --table "0 65536 linear $loop 0"
step dmsetup create demo-right --table "0 65536 linear $loop 65536"
step dmsetup create demo-stripe --table "0 131072 striped 2 64 /dev/mapper/demo-left 0 /dev/mapper/demo-right 0"
step dmsetup create demo-top -u DEMO-TOP --table "0 65536 linear /dev/mapper/demo-stripe 0
65536 8192 zero"
step dmsetup ls
step dmsetup table
step dmsetup status
step dmsetup deps demo-top
step dmsetup info demo-top

echo; echo "writing 16 MiB through demo-top, then suspending and resuming it"
dd if=/dev/urandom of=/tmp/demo.data bs=1M count=16 status=none
dd if=/tmp/demo.data of=/dev/mapper/demo-top bs=1M oflag=direct status=none
step dmsetup suspend demo-top
printf '\n\033[1m$ dmsetup info demo-top | grep State\033[0m\n'
dmsetup info demo-top | grep State
step dmsetup resume demo-top
before=$(md5sum < /tmp/demo.data | cut -d' ' -f1)
after=$(dd if=/dev/mapper/demo-top bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1)
echo "md5 written: $before  read back: $after"
[ "$before" = "$after" ]

step dmsetup remove demo-top
step dmsetup remove demo-stripe
step dmsetup remove demo-left demo-right
step dmsetup ls
losetup -d "$loop"
echo
echo "ioctls issued by this library (DM_TRACE): $(wc -l < "$DM_TRACE")"
head -3 "$DM_TRACE"
echo "demo: done"
