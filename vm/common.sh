# Shared by setup.sh and run.sh (sourced, not executed).

DM_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DM_VM_CACHE=${DM_VM_CACHE:-/var/cache/devmapper-vm}

dmvm_log() { printf 'dm-vm: %s\n' "$*" >&2; }
dmvm_die() { printf 'dm-vm: error: %s\n' "$*" >&2; exit 125; }

# Key of the initramfs: changes whenever anything that goes into it changes
# (guest init, module list, the builder in setup.sh, the busybox binary).
dmvm_initramfs_key() {
    cat "$DM_VM_DIR/guest-init.sh" "$DM_VM_DIR/modules.conf" \
        "$DM_VM_DIR/setup.sh" /bin/busybox 2>/dev/null | sha256sum | cut -c1-16
}

# Prints "KVER" of the kernel selected by the last setup.sh, if any.
dmvm_current_kver() {
    [ -r "$DM_VM_CACHE/current" ] && cat "$DM_VM_CACHE/current"
}

# Succeeds when the cache holds a bootable kernel + up-to-date initramfs.
dmvm_ready() {
    local kver key
    kver=$(dmvm_current_kver) || return 1
    [ -n "$kver" ] || return 1
    key=$(dmvm_initramfs_key)
    [ -s "$DM_VM_CACHE/$kver/vmlinuz" ] && [ -s "$DM_VM_CACHE/$kver/initramfs-$key.img" ]
}
