#!/bin/bash
# tests/lvm2/deps.sh
#
# Installs the Debian packages LVM2's shell test suite calls on the host root
# (the test VM chroots into it), if any is missing.  Idempotent; apt-get runs
# only when something is missing.  Build dependencies of LVM2 itself are
# tests/lvm2/build.sh's, the VM's (QEMU, kernel) vm/setup.sh's.
#
#   e2fsprogs   mkfs.ext2/3/4, fsck, resize2fs, tune2fs (filesystems on LVs)
#   util-linux  blkid, blockdev, blkdiscard, wipefs, lsblk (Essential anyway)
#   mount       losetup (the suite's backing loop device)
#   fdisk       sfdisk
#   procps      pgrep, ps;  psmisc: fuser, killall
#   diffutils   diff, cmp;  coreutils: dd, md5sum, truncate, timeout
#   libaio1     LVM's tools link it
#   kmod        modprobe (the suite calls it; failures are harmless there)
#   thin-provisioning-tools  thin_restore, thin_dump, thin_check: tests such
#               as lvextend-thin-full skip without them (LVM itself is built
#               without thin_check, as in ../shared/lvm2/README.md)
set -euo pipefail
need="e2fsprogs util-linux mount fdisk procps psmisc diffutils coreutils libaio1 kmod thin-provisioning-tools"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || { echo "lvm2 deps: missing$missing and not root" >&2; exit 1; }
	echo "lvm2 deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null
	apt-get install -y -qq --no-install-recommends $missing </dev/null
fi
