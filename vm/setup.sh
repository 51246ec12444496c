#!/bin/bash
# vm/setup.sh [--force]
#
# Prepares everything vm/run.sh needs to boot the device-mapper test VM:
#   1. apt-get installs the host packages that are missing (apt-get update
#      only runs when something must be installed or looked up);
#   2. resolves Debian's current kernel (linux-image-amd64 -> linux-image-X),
#      downloads its .deb with `apt-get download` (no install);
#   3. builds a small initramfs: static busybox, vm/guest-init.sh as /init,
#      and the modules of vm/modules.conf with their dependencies in
#      `modprobe --show-depends` order.
# Everything is cached under ${DM_VM_CACHE:-/var/cache/devmapper-vm}/KVER, so
# a second run only checks and returns.  --force rebuilds the initramfs.
#
# Environment:
#   DM_VM_CACHE           cache directory (default /var/cache/devmapper-vm)
#   DM_VM_KERNEL_PKG      pin a kernel package, e.g. linux-image-6.1.0-56-amd64
#   DM_VM_EXTRA_PACKAGES  more Debian packages to install (space separated)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

force=0
for a in "$@"; do
    case $a in
        --force) force=1 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { print }' "$0"; exit 0 ;;
        *) dmvm_die "setup.sh: unknown argument '$a' (usage: setup.sh [--force])" ;;
    esac
done

say() { printf 'dm-vm setup: %s\n' "$*" >&2; }

mkdir -p "$DM_VM_CACHE" || dmvm_die "cannot create cache dir $DM_VM_CACHE (set DM_VM_CACHE)"
exec 9>"$DM_VM_CACHE/.lock"
if ! flock -w 900 9; then
    dmvm_die "timed out waiting for the lock $DM_VM_CACHE/.lock (another setup.sh?)"
fi

# ---------------------------------------------------------------- packages --
apt_updated=0
apt_update() {
    [ $apt_updated = 1 ] && return 0
    say "apt-get update"
    apt-get update -q </dev/null >&2 || dmvm_die "apt-get update failed"
    apt_updated=1
}

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

static_busybox() {
    [ -x /bin/busybox ] && ! LC_ALL=C ldd /bin/busybox >/dev/null 2>&1
}

want_pkgs=(qemu-system-x86 cpio kmod xz-utils udev dmsetup cryptsetup-bin)
# shellcheck disable=SC2206
want_pkgs+=(${DM_VM_EXTRA_PACKAGES:-})
static_busybox || want_pkgs+=(busybox-static)

missing=()
for p in "${want_pkgs[@]}"; do
    installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || dmvm_die "missing packages: ${missing[*]}; run as root or: apt-get install ${missing[*]}"
    apt_update
    say "apt-get install ${missing[*]}"
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2 ||
        dmvm_die "apt-get install ${missing[*]} failed"
else
    say "host packages present: ${want_pkgs[*]}"
fi
static_busybox || dmvm_die "/bin/busybox is missing or not statically linked (install busybox-static)"
command -v qemu-system-x86_64 >/dev/null || dmvm_die "qemu-system-x86_64 not found"

# ------------------------------------------------------------------ kernel --
resolve_kernel_pkg() {
    if [ -n "${DM_VM_KERNEL_PKG:-}" ]; then
        echo "$DM_VM_KERNEL_PKG"
        return
    fi
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
pkg_version() {
    apt-cache show --no-all-versions "$1" 2>/dev/null | awk '$1 == "Version:" { print $2; exit }'
}

kpkg=$(resolve_kernel_pkg)
kpkgver=
[ -n "$kpkg" ] && kpkgver=$(pkg_version "$kpkg")
if [ -z "$kpkg" ] || [ -z "$kpkgver" ]; then
    if [ "$(id -u)" = 0 ] && [ $apt_updated = 0 ]; then
        apt_update || true
        kpkg=$(resolve_kernel_pkg)
        [ -n "$kpkg" ] && kpkgver=$(pkg_version "$kpkg")
    fi
fi
if [ -z "$kpkg" ] || [ -z "$kpkgver" ]; then
    cur=$(dmvm_current_kver || true)
    if [ -n "$cur" ] && [ -s "$DM_VM_CACHE/$cur/vmlinuz" ] && ls "$DM_VM_CACHE/$cur"/*.deb >/dev/null 2>&1; then
        say "warning: cannot resolve linux-image-amd64 with apt-cache; keeping cached kernel $cur"
        kpkg=linux-image-$cur
        kpkgver=$(cat "$DM_VM_CACHE/$cur/package-version")
    else
        dmvm_die "cannot resolve the kernel package: 'apt-cache depends linux-image-amd64' found nothing"
    fi
fi
kver=${kpkg#linux-image-}
kdir=$DM_VM_CACHE/$kver
say "kernel: $kpkg $kpkgver (cache $kdir)"
mkdir -p "$kdir"

deb=
if [ -s "$kdir/vmlinuz" ] && [ "$(cat "$kdir/package-version" 2>/dev/null)" = "$kpkgver" ]; then
    deb=$(ls "$kdir"/*.deb 2>/dev/null | head -n1 || true)
fi
work=$(mktemp -d "$DM_VM_CACHE/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -z "$deb" ]; then
    t0=$(date +%s)
    chmod 755 "$work"
    id _apt >/dev/null 2>&1 && chown _apt "$work"
    say "apt-get download $kpkg=$kpkgver"
    (cd "$work" && apt-get download -q "$kpkg=$kpkgver" </dev/null >&2) ||
        dmvm_die "apt-get download $kpkg=$kpkgver failed"
    newdeb=$(ls "$work"/*.deb | head -n1)
    rm -f "$kdir"/*.deb "$kdir"/initramfs-*.img "$kdir"/vmlinux "$kdir"/vmlinux.unusable
    mv "$newdeb" "$kdir/"
    deb=$kdir/$(basename "$newdeb")
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" ./boot/ 2>/dev/null ||
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" boot/
    cp "$work/boot/vmlinuz-$kver" "$kdir/vmlinuz.tmp" && mv "$kdir/vmlinuz.tmp" "$kdir/vmlinuz"
    cp "$work/boot/config-$kver" "$kdir/config"
    echo "$kpkgver" >"$kdir/package-version"
    rm -rf "$work/boot"
    say "downloaded $(basename "$deb") in $(( $(date +%s) - t0 )) s"
else
    say "kernel package cached: $(basename "$deb")"
fi

# Uncompressed ELF kernel for QEMU's PVH boot: decompressing the bzImage
# in the guest takes about 3 s under TCG.  Falls back to the bzImage.
extract_vmlinux() {
    local img=$1 out=$2 magic tool off
    for magic in "xz:\xfd7zXZ" "zstd:\x28\xb5\x2f\xfd" "gzip:\x1f\x8b\x08"; do
        tool=${magic%%:*}
        command -v "$tool" >/dev/null || continue
        for off in $(LC_ALL=C grep -aboP "${magic#*:}" "$img" 2>/dev/null | cut -d: -f1 | head -n 5); do
            tail -c +$((off + 1)) "$img" | "$tool" -dc >"$out" 2>/dev/null
            if [ "$(head -c 4 "$out" | od -An -c | tr -d ' ')" = '177ELF' ]; then
                return 0
            fi
        done
    done
    rm -f "$out"
    return 1
}
if [ ! -s "$kdir/vmlinux" ] && [ ! -e "$kdir/vmlinux.unusable" ]; then
    if grep -q '^CONFIG_PVH=y' "$kdir/config" && extract_vmlinux "$kdir/vmlinuz" "$work/vmlinux"; then
        mv "$work/vmlinux" "$kdir/vmlinux"
        say "extracted the uncompressed kernel for PVH boot ($(( $(stat -c %s "$kdir/vmlinux") / 1048576 )) MiB)"
    else
        touch "$kdir/vmlinux.unusable"
        say "note: no PVH-bootable vmlinux could be extracted; booting the bzImage (slower)"
    fi
fi

# --------------------------------------------------------------- initramfs --
# Drop the appended module signature: the kernel does not enforce signatures
# and verifying them costs noticeable time per module under TCG.
strip_module_sig() {
    local f=$1 size magic siglen
    size=$(stat -c %s "$f")
    magic=$(tail -c 28 "$f")
    [ "$magic" = "~Module signature appended~" ] || return 0
    # struct module_signature (12 bytes) precedes the magic; sig_len is its
    # last 4 bytes, big endian
    siglen=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
    truncate -s $((size - 28 - 12 - siglen)) "$f"
}

key=$(dmvm_initramfs_key)
img=$kdir/initramfs-$key.img
if [ $force = 1 ] || [ ! -s "$img" ]; then
    t0=$(date +%s)
    say "building initramfs $(basename "$img")"
    root=$work/root
    mkdir -p "$root"
    dpkg-deb -x "$deb" "$root"
    if [ ! -d "$root/lib/modules/$kver" ] && [ -d "$root/usr/lib/modules/$kver" ]; then
        mkdir -p "$root/lib/modules"
        ln -s "../../usr/lib/modules/$kver" "$root/lib/modules/$kver"
    fi
    [ -d "$root/lib/modules/$kver" ] || dmvm_die "no /lib/modules/$kver in $deb"
    depmod -b "$root" "$kver"

    st=$work/initramfs
    mkdir -p "$st"/{bin,sbin,dev,proc,sys,host,xfer,orig,tmp,run,lib/modules}
    cp /bin/busybox "$st/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -s busybox "$st/bin/$applet"
    done
    ln -s ../bin/busybox "$st/sbin/modprobe"   # the kernel's module helper
    cp "$DM_VM_DIR/guest-init.sh" "$st/init"
    chmod 755 "$st/init"
    echo "$kver" >"$st/kernel-version"

    mdir=$st/lib/modules/$kver
    mkdir -p "$mdir"
    order=$st/lib/modules/order
    : >"$order"
    declare -A copied=()
    chain=0
    while read -r class mod modparams; do
        case $class in ''|'#'*) continue ;; esac
        case $class in core|want|opt) ;; *) dmvm_die "modules.conf: bad class '$class'" ;; esac
        if ! deps=$(modprobe -d "$root" -S "$kver" --show-depends "$mod" 2>&1); then
            case $class in
                core) dmvm_die "kernel $kver has no module $mod: $deps" ;;
                *) say "warning: kernel $kver has no module $mod (skipped)"; continue ;;
            esac
        fi
        mapfile -t lines <<<"$deps"
        n=${#lines[@]}
        for ((i = 0; i < n; i++)); do
            set -- ${lines[i]}
            [ "${1:-}" = insmod ] || continue   # "builtin NAME": nothing to load
            src=$2
            shift 2
            params="$*"
            rel=${src#"$root/lib/modules/$kver/"}
            case $rel in
                /*) dmvm_die "unexpected module path $src" ;;
                *.ko) dst=$rel ;;
                *.ko.xz|*.ko.zst|*.ko.gz) dst=${rel%.*} ;;
                *) dmvm_die "unexpected module file $src" ;;
            esac
            if [ -z "${copied[$dst]:-}" ]; then
                mkdir -p "$(dirname "$mdir/$dst")"
                case $rel in
                    *.ko) cp "$src" "$mdir/$dst" ;;
                    *.ko.xz) xz -dc "$src" >"$mdir/$dst" ;;
                    *.ko.zst) zstd -qdc "$src" >"$mdir/$dst" ;;
                    *.ko.gz) gzip -dc "$src" >"$mdir/$dst" ;;
                esac
                [ "${DM_VM_KEEP_MODULE_SIGS:-0}" = 1 ] || strip_module_sig "$mdir/$dst"
                copied[$dst]=1
            fi
            # last line is the module itself, the others its dependencies
            c=dep
            if [ $i = $((n - 1)) ]; then
                c=$class
                params="$params ${modparams%%#*}"
            fi
            echo $chain $c $dst $params >>"$order"
        done
        chain=$((chain + 1))
    done <"$DM_VM_DIR/modules.conf"
    for f in modules.builtin modules.builtin.modinfo modules.order; do
        [ -e "$root/lib/modules/$kver/$f" ] && cp "$root/lib/modules/$kver/$f" "$mdir/"
    done
    depmod -b "$st" "$kver"

    (cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$img.tmp"
    mv "$img.tmp" "$img"
    # drop initramfs images of older harness versions (not in use for a day)
    find "$kdir" -maxdepth 1 -name 'initramfs-*.img' ! -name "$(basename "$img")" -mmin +1440 -delete 2>/dev/null || true
    say "initramfs built in $(( $(date +%s) - t0 )) s: ${#copied[@]} modules, $(du -k "$img" | cut -f1) KiB"
else
    say "initramfs cached: $(basename "$img")"
fi

echo "$kver" >"$DM_VM_CACHE/current.tmp.$$"
mv "$DM_VM_CACHE/current.tmp.$$" "$DM_VM_CACHE/current"
say "ready: kernel $kver, initramfs $img"
