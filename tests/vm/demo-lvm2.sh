#!/bin/bash
# make demo, part 2: LVM2 2.02.188's unchanged tools (built by
# tests/lvm2/build.sh; they link libdevmapper.so.1.02) running on this
# library in the test VM: a volume group on loop devices, linear volumes,
# a thin pool with a thin volume and a thin snapshot, a pvmove with its
# progress, and the ioctls the library issued for each command.
# usage: demo-lvm2.sh BUILD_DIR   (inside the VM, as root)
set -eu
build=$1
sbin=$build/lvm2/prefix/sbin
export LD_LIBRARY_PATH="$build/lib"
export DM_TRACE=/tmp/demo-lvm2-trace.jsonl
export LVM_SYSTEM_DIR=/tmp/demo-lvm
"$(dirname "$0")/../lvm2/lvm-conf.sh" "$LVM_SYSTEM_DIR" /tmp/demo-lvmlock
: >"$DM_TRACE"
# Each command, then how many device-mapper ioctls this library issued for it.
lvm() {
	local before after
	before=$(wc -l <"$DM_TRACE")
	printf '\n\033[1m# %s\033[0m\n' "$*"
	local out rc=0
	out=$("$sbin/$1" "${@:2}" 2>&1) || rc=$?
	# A quiet command prints nothing: grep then finds no line, not an error.
	printf '%s\n' "$out" | grep -v -e "NOT backed up" -e "not zeroed" -e '^$' || true
	[ "$rc" -eq 0 ] || { echo "  ($1 failed: exit status $rc)"; return "$rc"; }
	after=$(wc -l <"$DM_TRACE")
	echo "  [$((after - before)) device-mapper ioctls]"
}
show() { printf '\n\033[1m# %s\033[0m\n' "$*"; "$@"; }

echo "LVM2's lvm is $sbin/lvm, resolving libdevmapper to:"
ldd "$sbin/lvm" | grep devmapper
lvm lvm version

for i in 1 2; do truncate -s 256M "/tmp/demo-pv$i"; done
pv1=$(losetup -f --show /tmp/demo-pv1)
pv2=$(losetup -f --show /tmp/demo-pv2)
lvm pvcreate -q "$pv1" "$pv2"
lvm vgcreate -q demo "$pv1" "$pv2"
for lv in home var log; do lvm lvcreate -q -Zn -L 16M -n "$lv" demo "$pv1"; done
lvm lvcreate -q -Zn -L 64M -T demo/pool "$pv1"
lvm lvcreate -q -V 48M -T demo/pool -n data
echo; echo "writing 8 MiB to demo/data"
dd if=/dev/urandom of=/tmp/demo-data bs=1M count=8 status=none
dd if=/tmp/demo-data of=/dev/mapper/demo-data bs=1M oflag=direct status=none
lvm lvcreate -q -s -n data-snap demo/data
lvm lvchange -ay -K demo/data-snap
lvm lvs -o lv_name,lv_attr,lv_size,pool_lv,origin,data_percent demo
show dmsetup ls --tree
lvm pvmove -i 2 "$pv1" "$pv2"
lvm lvs -a -o lv_name,devices demo
same=$(cmp -n 8388608 /tmp/demo-data /dev/mapper/demo-data--snap && echo "the same" || echo "DIFFERENT")
echo; echo "the thin snapshot after the pvmove holds $same data as was written"
[ "$same" = "the same" ]
lvm vgchange -an demo
lvm vgremove -f demo
show dmsetup ls
losetup -d "$pv1" "$pv2"
echo
echo "ioctls issued by this library for all of the above (DM_TRACE): $(wc -l <"$DM_TRACE")"
echo "demo (LVM2): done"
