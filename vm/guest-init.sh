#!/bin/sh
# /init of the device-mapper test VM's initramfs (runs under static busybox).
#
# Loads the modules listed in /lib/modules/order, mounts the host's root
# (9p tag "hostroot") on /host and the per-run directory (9p tag "dmvmxfer")
# on /xfer, gives /host its own proc, sys, dev, tmp and run, then runs
# /xfer/cmd.sh chrooted into /host with stdout+stderr going to /xfer/out,
# writes the exit status to /xfer/status and powers off.
# Everything this script prints goes to the kernel console (ttyS0), which
# run.sh writes to a log file, never to the user's terminal.

export PATH=/bin
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

log() { echo "dm-vm-init: $*"; }

xfer_ok=0
fail() {
    log "FATAL: $*"
    if [ $xfer_ok = 1 ]; then
        echo "$*" >>/xfer/error
    fi
    sync
    poweroff -f
    while :; do sleep 60; done
}

T0=$(cut -d' ' -f1 /proc/uptime)
log "init started at ${T0}s uptime, kernel $(uname -r)"

udev=0
p9cache=none
for w in $(cat /proc/cmdline); do
    case $w in
        dmvm.udev=1) udev=1 ;;
        dmvm.9pcache=*) p9cache=${w#dmvm.9pcache=} ;;
    esac
done

# --- modules -----------------------------------------------------------------
# /lib/modules/order has lines "CHAIN CLASS PATH [PARAMS]": each chain is a
# module of modules.conf preceded by its dependencies.  Even and odd chains
# are loaded in parallel (both vCPUs are busy), then whatever failed, e.g. by
# racing for a shared dependency, is retried in order, one by one.
kver=$(uname -r)

is_loaded() {
    local n=${1##*/}
    n=${n%.ko}
    n=$(echo "$n" | tr - _)
    [ -e "/sys/module/$n/initstate" ]
}

load_stream() {  # $1 = 0|1: parity of the chains to load; $2 = failure file
    local chain class path params
    : >"$2"
    while read -r chain class path params; do
        [ $((chain % 2)) = "$1" ] || continue
        is_loaded "$path" && continue
        # shellcheck disable=SC2086
        insmod "/lib/modules/$kver/$path" $params 2>/dev/null ||
            is_loaded "$path" || echo "$chain $class $path $params" >>"$2"
    done </lib/modules/order
}

load_stream 0 /tmp/pass1.0 &
load_stream 1 /tmp/pass1.1
wait

: >/tmp/modfail.want
: >/tmp/modfail.opt
cat /tmp/pass1.0 /tmp/pass1.1 | sort -n -s -k1,1 >/tmp/pass1
while read -r chain class path params; do
    is_loaded "$path" && continue
    # shellcheck disable=SC2086
    if ! out=$(insmod "/lib/modules/$kver/$path" $params 2>&1); then
        log "module $path ($class) failed to load: $out"
        case $class in
            core) fail "cannot load required module $path: $out" ;;
            want) echo "$path: $out" >>/tmp/modfail.want ;;
            *) echo "$path: $out" >>/tmp/modfail.opt ;;
        esac
    fi
done </tmp/pass1
log "modules loaded at $(cut -d' ' -f1 /proc/uptime)s ($(wc -l </tmp/pass1) retried)"

# --- shares ------------------------------------------------------------------
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$opts" dmvmxfer /xfer || fail "cannot mount the per-run 9p share (tag dmvmxfer)"
xfer_ok=1
mount -t 9p -o "$opts,cache=$p9cache" hostroot /host || fail "cannot mount the host root 9p share (tag hostroot)"
cp /tmp/modfail.want /tmp/modfail.opt /xfer/ 2>/dev/null

# keep a view of the host's /tmp and /run: the guest gets its own below
mkdir -p /orig/tmp /orig/run
mount -o bind /host/tmp /orig/tmp || fail "cannot bind /host/tmp"
mount -o bind /host/run /orig/run || fail "cannot bind /host/run"

mount -t proc proc /host/proc || fail "cannot mount /host/proc"
mount -t sysfs sysfs /host/sys || fail "cannot mount /host/sys"
mount -t devtmpfs devtmpfs /host/dev || fail "cannot mount /host/dev"
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /host/dev/pts || log "devpts mount failed"
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm || fail "cannot mount /host/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fail "cannot mount /host/tmp"
mount -t tmpfs -o mode=755 tmpfs /host/run || fail "cannot mount /host/run"
ln -sfn /proc/self/fd /host/dev/fd
ln -sfn /proc/self/fd/0 /host/dev/stdin
ln -sfn /proc/self/fd/1 /host/dev/stdout
ln -sfn /proc/self/fd/2 /host/dev/stderr
mkdir -p /host/dev/mapper /host/run/lock /host/run/dm-vm
chmod 1777 /host/run/lock
# the guest kernel's modules, for `modprobe -d /run/dm-vm/modroot MODULE`
mkdir -p "/host/run/dm-vm/modroot/lib/modules/$kver"
mount -o bind,ro "/lib/modules/$kver" "/host/run/dm-vm/modroot/lib/modules/$kver" ||
    log "cannot bind the module tree into /run/dm-vm/modroot"

# host paths under /tmp or /run that the command needs (e.g. its cwd)
if [ -s /xfer/binds ]; then
    while read -r p; do
        case $p in
            /tmp/*|/run/*)
                if [ -d "/orig$p" ]; then
                    mkdir -p "/host$p" && mount -o bind "/orig$p" "/host$p" ||
                        fail "cannot bind host $p into the guest"
                fi
                ;;
        esac
    done </xfer/binds
fi

hostname dm-vm 2>/dev/null
ip link set lo up 2>/dev/null

cp /xfer/cmd.sh /host/run/dm-vm/cmd.sh || fail "cannot copy cmd.sh"

# --- udev --------------------------------------------------------------------
# udevadm ignores trigger/settle/control requests in a chroot unless told
export SYSTEMD_IGNORE_CHROOT=1
if [ $udev = 1 ]; then
    if chroot /host /lib/systemd/systemd-udevd --daemon; then
        chroot /host udevadm trigger --action=add --subsystem-match=block --subsystem-match=misc
        chroot /host udevadm settle --timeout=120 || log "udevadm settle failed"
        log "udevd started"
    else
        fail "cannot start /lib/systemd/systemd-udevd in the host root (is udev installed?)"
    fi
fi

# --- the command -------------------------------------------------------------
T1=$(cut -d' ' -f1 /proc/uptime)
echo "$T1" >/xfer/t-start
log "running command at ${T1}s uptime"
env -i chroot /host /bin/bash /run/dm-vm/cmd.sh </dev/null >>/xfer/out 2>&1
rc=$?
T2=$(cut -d' ' -f1 /proc/uptime)
log "command exited with status $rc at ${T2}s uptime"

if [ $udev = 1 ]; then
    chroot /host udevadm settle --timeout=60 >/dev/null 2>&1
    chroot /host udevadm control --exit >/dev/null 2>&1 || killall systemd-udevd 2>/dev/null
fi

echo "$T2" >/xfer/t-end
echo "$rc" >/xfer/status.tmp && mv /xfer/status.tmp /xfer/status
sync
poweroff -f
while :; do sleep 60; done
