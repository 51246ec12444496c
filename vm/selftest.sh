#!/bin/bash
# vm/selftest.sh [--quick]
#
# Proves the test VM works, using Debian's own dmsetup (the C libdevmapper)
# against the guest's real device-mapper.  Boots the VM several times:
#   - exit status plumbing: `run.sh -- false` is 1, `run.sh -- sh -c 'exit 7'` is 7
#   - the guest checks (this script with --guest): dmsetup version, mounts,
#     zero device, loop + linear device, loaded targets, guest-own /tmp
#   - argument quoting, DM_VM_ENV, a cwd under the host's /tmp
#   - --udev: udev-managed /dev/mapper links, no semaphore left
#   - two concurrent runs, and the timeout (exit 124)   [skipped by --quick]
# Prints PASS/FAIL per step and "N passed, N failed" last; exits 1 if any
# step failed.
set -u

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0
failed=0

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {  # check NAME COMMAND...: PASS if COMMAND succeeds
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        pass "$name"
    else
        fail "$name: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
    fi
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

# ============================================================ in the guest ==
guest_main() {
    local nonce=$1 loopfile loopdev out sz dev

    check "dmsetup version" sh -c 'dmsetup version && dmsetup version | grep -q "Driver version"'
    dmsetup version | sed 's/^/    /'

    for m in /proc:proc /sys:sysfs /dev:devtmpfs /tmp:tmpfs /run:tmpfs /dev/shm:tmpfs; do
        local mp=${m%%:*} fs=${m#*:}
        out=$(awk -v mp="$mp" '$5 == mp { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); break } }' /proc/self/mountinfo | tail -n1)
        if [ "$out" = "$fs" ]; then pass "guest mount $mp is $fs"; else fail "guest mount $mp is '$out', want $fs"; fi
    done
    [ "$(pwd -P)" = "$DMVM_EXPECT_CWD" ] && pass "cwd is $DMVM_EXPECT_CWD" || fail "cwd is $(pwd -P), want $DMVM_EXPECT_CWD"
    [ "${DM_VM_GUEST:-}" = 1 ] && pass "DM_VM_GUEST=1" || fail "DM_VM_GUEST not set"
    [ -c /dev/mapper/control ] && pass "/dev/mapper/control exists" || fail "/dev/mapper/control missing"
    echo "written by the guest" >"/tmp/dm-vm-selftest-$nonce" || fail "cannot write guest /tmp"

    # zero target.  Without a udev daemon Debian's dmsetup leaves
    # /dev/mapper/NAME to udev ("trust_udev"), so use the kernel's dm-N node.
    check "dmsetup create t0 zero" dmsetup create t0 --table '0 2048 zero'
    out=$(dmsetup table t0 2>&1)
    [ "${out% }" = "0 2048 zero" ] && pass "dmsetup table t0 = '0 2048 zero'" || fail "dmsetup table t0 = '$out'"
    dev=/dev/$(dmsetup info -c --noheadings -o blkdevname t0 2>/dev/null)
    [ -b "$dev" ] && pass "t0 is $dev" || fail "no block device for t0 ($dev)"
    sz=$(blockdev --getsz "$dev" 2>&1)
    [ "$sz" = 2048 ] && pass "blockdev --getsz $dev = 2048" || fail "blockdev --getsz $dev = '$sz'"
    check "t0 reads zeros" cmp -n 1048576 "$dev" /dev/zero
    check "dmsetup remove t0" dmsetup remove t0
    if dmsetup info t0 >/dev/null 2>&1 || [ -b "$dev" ]; then fail "t0 still exists after remove"; else pass "t0 gone"; fi

    # with DM_DISABLE_UDEV=1 libdevmapper manages /dev/mapper itself
    check "DM_DISABLE_UDEV=1 dmsetup create t1" env DM_DISABLE_UDEV=1 dmsetup create t1 --table '0 8 zero'
    [ -b /dev/mapper/t1 ] && pass "/dev/mapper/t1 made by libdevmapper" || fail "/dev/mapper/t1 missing"
    check "DM_DISABLE_UDEV=1 dmsetup remove t1" env DM_DISABLE_UDEV=1 dmsetup remove t1
    [ -e /dev/mapper/t1 ] && fail "/dev/mapper/t1 left behind" || pass "/dev/mapper/t1 removed"

    # loop device over a file in the guest's /tmp, linear device on it
    loopfile=/tmp/dm-vm-loop.img
    truncate -s 8M "$loopfile"
    if loopdev=$(losetup -f --show "$loopfile" 2>&1); then
        pass "losetup $loopdev"
        check "dmsetup create l0 linear $loopdev 2048" dmsetup create l0 --table "0 8192 linear $loopdev 2048"
        out=$(dmsetup table l0 2>&1)
        case $out in "0 8192 linear "*" 2048") pass "dmsetup table l0 = '$out'" ;; *) fail "dmsetup table l0 = '$out'" ;; esac
        dev=/dev/$(dmsetup info -c --noheadings -o blkdevname l0 2>/dev/null)
        sz=$(blockdev --getsz "$dev" 2>&1)
        [ "$sz" = 8192 ] && pass "blockdev --getsz $dev = 8192" || fail "blockdev --getsz $dev = '$sz'"
        printf 'dm-vm-linear-%s' "$nonce" | dd of="$dev" bs=512 seek=10 conv=sync,fsync oflag=direct status=none
        out=$(dd if="$loopdev" bs=512 skip=$((2048 + 10)) count=1 iflag=direct status=none | tr -d '\0')
        [ "$out" = "dm-vm-linear-$nonce" ] && pass "linear write lands at sector 2058 of $loopdev" ||
            fail "linear mapping: read '$out' from the loop device"
        check "dmsetup remove l0" dmsetup remove l0
        check "losetup -d $loopdev" losetup -d "$loopdev"
    else
        fail "losetup: $loopdev"
    fi
    rm -f "$loopfile"

    # the targets of the modules run.sh loads
    out=$(dmsetup targets 2>&1)
    local t missing=
    for t in linear striped error zero mirror snapshot snapshot-origin snapshot-merge \
             thin-pool thin cache raid crypt flakey delay integrity; do
        echo "$out" | grep -q "^$t " || missing="$missing $t"
    done
    [ -z "$missing" ] && pass "dmsetup targets lists all expected targets" || fail "targets missing:$missing"
    finish
}

guest_args() {  # prints its arguments, one per line, bracketed
    printf '[%s]\n' "$@"
    printf 'ENV1=[%s]\n' "${DMVM_SELFTEST_ENV1-unset}"
    printf 'ENV2=[%s]\n' "${DMVM_SELFTEST_ENV2-unset}"
    printf 'NOTPASSED=[%s]\n' "${DMVM_SELFTEST_NOTPASSED-unset}"
    printf 'CWD=[%s]\n' "$(pwd -P)"
    cat ./marker
}

guest_udev() {
    local link sems
    pgrep -x systemd-udevd >/dev/null && pass "systemd-udevd is running" || fail "systemd-udevd not running"
    check "dmsetup create u0 (udev)" dmsetup create u0 --table '0 2048 zero'
    udevadm settle 2>/dev/null
    link=$(readlink /dev/mapper/u0 2>&1)
    case $link in ../dm-[0-9]*) pass "/dev/mapper/u0 -> $link (made by udev)" ;; *) fail "/dev/mapper/u0 is not a udev link: '$link'" ;; esac
    check "dmsetup remove u0 (udev)" dmsetup remove u0
    udevadm settle 2>/dev/null
    [ -e /dev/mapper/u0 ] && fail "/dev/mapper/u0 left behind" || pass "/dev/mapper/u0 removed"
    sems=$(ipcs -s | awk '$1 ~ /^0x/' | wc -l)
    [ "$sems" = 0 ] && pass "no semaphore left (ipcs -s)" || fail "$sems semaphores left: $(ipcs -s)"
    finish
}

case ${1:-} in
    --guest) guest_main "$2" ;;
    --guest-args) shift; guest_args "$@"; exit ;;
    --guest-udev) guest_udev ;;
esac

# ============================================================= on the host ==
quick=0
[ "${1:-}" = --quick ] && quick=1
RUN=$VM_DIR/run.sh
cd "$VM_DIR/.." || exit 1

echo "== setup"
t0=$(date +%s.%N)
if "$VM_DIR/setup.sh"; then pass "setup.sh"; else fail "setup.sh"; finish; fi

echo "== exit status plumbing"
t1=$(date +%s.%N)
"$RUN" -- true
rc=$?
t2=$(date +%s.%N)
[ $rc = 0 ] && pass "run.sh -- true exits 0" || fail "run.sh -- true exits $rc"
"$RUN" -- false
rc=$?
[ $rc = 1 ] && pass "run.sh -- false exits 1" || fail "run.sh -- false exits $rc"
"$RUN" -- sh -c 'exit 7'
rc=$?
[ $rc = 7 ] && pass "run.sh -- sh -c 'exit 7' exits 7" || fail "run.sh -- sh -c 'exit 7' exits $rc"
out=$("$RUN" -- /nonexistent/command 2>&1)
rc=$?
[ $rc = 127 ] && pass "missing command exits 127" || fail "missing command exits $rc: $out"

echo "== device-mapper in the guest (Debian's dmsetup)"
nonce=$$-$RANDOM
out=$(DMVM_EXPECT_CWD=$(pwd -P) DM_VM_ENV=DMVM_EXPECT_CWD "$RUN" -- bash "$VM_DIR/selftest.sh" --guest "$nonce")
rc=$?
echo "$out" | sed 's/^/  guest: /'
gp=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
[ $rc = 0 ] && [ -n "$gp" ] && pass "guest checks ($gp)" || fail "guest checks (exit $rc)"
[ -e "/tmp/dm-vm-selftest-$nonce" ] && fail "guest /tmp write reached the host's /tmp" ||
    pass "guest /tmp is not the host's /tmp"
rm -f "/tmp/dm-vm-selftest-$nonce"

echo "== quoting, DM_VM_ENV, cwd under the host's /tmp"
tdir=$(mktemp -d /tmp/dm-vm-selftest.XXXXXX)
mkdir -p "$tdir/sub dir"
echo "marker $nonce" >"$tdir/sub dir/marker"
args=('a b' "c'd" 'e"f' '$HOME' '' '*' 'x
y' '\n' ';' '--')
expect=$({ printf '[%s]\n' "${args[@]}"; printf 'ENV1=[%s]\n' 'v a l'; printf 'ENV2=[%s]\n' "it's \$x"
          echo 'NOTPASSED=[unset]'; echo "CWD=[$tdir/sub dir]"; echo "marker $nonce"; })
out=$(cd "$tdir/sub dir" && DMVM_SELFTEST_ENV1='v a l' DMVM_SELFTEST_ENV2="it's \$x" DMVM_SELFTEST_NOTPASSED=1 \
      DM_VM_ENV='DMVM_SELFTEST_ENV1 DMVM_SELFTEST_ENV2' "$RUN" -- bash "$VM_DIR/selftest.sh" --guest-args "${args[@]}")
rc=$?
if [ $rc = 0 ] && [ "$out" = "$expect" ]; then
    pass "arguments, environment and /tmp cwd arrive intact"
else
    fail "arguments/environment/cwd (exit $rc)"
    diff <(echo "$expect") <(echo "$out") | sed 's/^/    /'
fi
rm -rf "$tdir"

echo "== --udev"
out=$("$RUN" --udev -- bash "$VM_DIR/selftest.sh" --guest-udev)
rc=$?
echo "$out" | sed 's/^/  guest: /'
[ $rc = 0 ] && pass "udev checks" || fail "udev checks (exit $rc)"

if [ $quick = 0 ]; then
    echo "== two concurrent runs"
    o1=$(mktemp) o2=$(mktemp)
    "$RUN" -- sh -c 'dmsetup create c0 --table "0 8 zero" && dmsetup table c0 && echo one' >"$o1" 2>&1 &
    p1=$!
    "$RUN" -- sh -c 'dmsetup create c0 --table "0 16 zero" && dmsetup table c0 && echo two' >"$o2" 2>&1 &
    p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    if [ $r1 = 0 ] && [ $r2 = 0 ] && [ "$(cat "$o1")" = "$(printf '0 8 zero \none')" ] &&
       [ "$(cat "$o2")" = "$(printf '0 16 zero \ntwo')" ]; then
        pass "two concurrent VMs, separate device-mapper state"
    else
        fail "concurrent runs: exit $r1/$r2, output: $(cat "$o1" "$o2" | tr '\n' ' ')"
    fi
    rm -f "$o1" "$o2"

    echo "== timeout"
    ts=$(date +%s)
    out=$("$RUN" --timeout 25 -- sleep 300 2>&1)
    rc=$?
    te=$(date +%s)
    if [ $rc = 124 ] && echo "$out" | grep -q TIMEOUT && [ $((te - ts)) -lt 60 ]; then
        pass "hung guest is killed: exit 124 after $((te - ts)) s"
    else
        fail "timeout: exit $rc after $((te - ts)) s: $(echo "$out" | head -n 3)"
    fi
    # a failed run keeps its directory for inspection: drop this expected one
    kept=$(echo "$out" | sed -n 's/^dm-vm: per-run directory kept: \(\/tmp\/dm-vm\.[A-Za-z0-9]*\)$/\1/p')
    [ -n "$kept" ] && rm -rf "$kept"
fi

awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "timing: setup.sh %.1f s, run.sh -- true %.1f s\n", b - a, c - b }'
finish
