#!/bin/bash
# tests/lvm2/build.sh [BUILD_DIR]
#
# Builds LVM2 2.02.188 from ../shared/lvm2/LVM2.2.02.188.tgz (no network)
# into BUILD_DIR (default build/lvm2), once: a finished build leaves
# BUILD_DIR/.built holding the tarball's sha256, and a second run returns at
# once.  Tools, the bundled C libdm (1.02.172) and the test suite
# (make -C test) are built; nothing is installed outside BUILD_DIR.
#
# Environment: LVM2_TARBALL (default ../shared/lvm2/LVM2.2.02.188.tgz from
# the repository root), LVM2_JOBS (make -j, default the number of CPUs).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build/lvm2}
tarball=${LVM2_TARBALL:-$top/../shared/lvm2/LVM2.2.02.188.tgz}
sha=acc6093fb8ccccd896818d9ea39048f0cbf526161b4157376133f824dfafc080
jobs=${LVM2_JOBS:-$(nproc)}
say() { printf 'lvm2 build: %s\n' "$*" >&2; }

[ -r "$tarball" ] || { say "no source tarball at $tarball (set LVM2_TARBALL)"; exit 1; }
if [ -f "$out/.built" ] && [ "$(cat "$out/.built")" = "$sha" ] && [ -x "$out/src/tools/lvm" ]; then
	exit 0
fi
got=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$got" = "$sha" ] || { say "$tarball: sha256 $got, expected $sha"; exit 1; }

# Build dependencies (Debian): gcc, g++ (the test runner), make, libaio.
need=""
for p in gcc g++ make libaio-dev pkg-config; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	say "installing$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null
	apt-get install -y -qq --no-install-recommends $need </dev/null
fi

rm -rf "$out"
mkdir -p "$out"
say "unpacking into $out/src"
tar -xzf "$tarball" -C "$out"
mv "$out/LVM2.2.02.188" "$out/src"
cd "$out/src"
say "configuring"
./configure --prefix="$out/prefix" --disable-readline --disable-selinux \
	--disable-udev_sync --disable-udev_rules --disable-lvmetad --disable-lvmpolld \
	--disable-dmeventd --disable-blkid_wiping --enable-pkgconfig \
	--with-thin=internal --with-cache=internal --with-thin-check= \
	--with-thin-dump= --with-thin-repair= --with-thin-restore= \
	--with-cache-check= --with-cache-dump= --with-cache-repair= \
	--with-cache-restore= >"$out/configure.log" 2>&1 || { tail -30 "$out/configure.log" >&2; exit 1; }
say "make -j$jobs (a few minutes)"
make -j"$jobs" >"$out/make.log" 2>&1 || { tail -40 "$out/make.log" >&2; exit 1; }
make install >>"$out/make.log" 2>&1 || { tail -40 "$out/make.log" >&2; exit 1; }
make -C test -j"$jobs" >>"$out/make.log" 2>&1 || { tail -40 "$out/make.log" >&2; exit 1; }
echo "$sha" >"$out/.built"
say "done: $out/src/tools/lvm"
