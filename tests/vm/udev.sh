#!/bin/sh
# udev synchronisation (cookies) on the real kernel with systemd-udevd and
# Debian's device-mapper rules (55-dm.rules, 95-dm-notify.rules; they run
# Debian's /sbin/dmsetup, i.e. the C library): cookies made by this library
# are completed by the C library and the C library's cookies by this one.
# Runs in the test VM as root:
#   vm/run.sh --udev -- tests/vm/udev.sh BUILD_DIR
# Without --udev it starts systemd-udevd itself and stops it at the end
# (that is how tests/vm/run-all.sh runs it, last).
# usage: udev.sh BUILD_DIR
#   UDEV_CYCLES=N   create/rename/remove cycles of the C program (default 67,
#                   201 synchronised operations; about 1 s a cycle under TCG
#                   on an idle 2-core host)
set -u
build=$1
prog=$build/c-tests/udev_cookies
# Waits are bounded by the library: as long as udev's event timeout (180 s),
# which also covers a host loaded by other VMs; the library's default is
# what runs here.
# Debian's dmsetup on the C library (never LD_LIBRARY_PATH), bounded: the C
# library's own waits are not.
cdmsetup() { env -u LD_LIBRARY_PATH timeout 180 dmsetup "$@"; }
passed=0 failed=0
check() {
	name=$1; shift
	if "$@"; then
		echo "ok - $name"; passed=$((passed + 1))
	else
		echo "not ok - $name"; failed=$((failed + 1))
	fi
}
is_value() { [ "$("$prog" value "$1")" = "$2" ]; }
# /dev/mapper/NAME is udev's link to ../dm-MINOR
udev_link() {
	minor=$(cdmsetup info -c --noheadings -o minor "$1" 2>/dev/null) || return 1
	[ "$(readlink "/dev/mapper/$1")" = "../dm-$minor" ]
}
no_node() { [ ! -e "/dev/mapper/$1" ] && [ ! -L "/dev/mapper/$1" ]; }
# a cookie value with udev flags in its upper half, as DM_COOKIE carries it
with_flags() { printf '0x%08X\n' $(( ($1 & 0xFFFF) | ($2 << 16) )); }
cleanup_devices() {
	for d in dmrs-udev-a dmrs-udev-b dmrs-udev-x dmrs-udev-y dmrs-udev-bad \
		dmrs-udev-shared-0 dmrs-udev-shared-1 dmrs-udev-shared-2; do
		cdmsetup remove "$d" >/dev/null 2>&1
	done
}

started=0
if [ ! -S /run/udev/control ]; then
	/lib/systemd/systemd-udevd --daemon || { echo "cannot start systemd-udevd" >&2; exit 1; }
	started=1
	i=0
	while [ ! -S /run/udev/control ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
fi
stop_udev() {
	[ $started = 1 ] || return 0
	udevadm settle --timeout=60 >/dev/null 2>&1
	udevadm control --exit >/dev/null 2>&1
	# systemd-udevd 252 leaves its control socket behind when it exits, and
	# a socket there makes both libraries believe udev runs: wait until the
	# daemon stops answering, then remove it.
	i=0
	while udevadm control --ping >/dev/null 2>&1 && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	rm -f /run/udev/control
}
trap stop_udev EXIT
udevadm control --log-level=err >/dev/null 2>&1
cleanup_devices

echo "# the C program on this library: ${UDEV_CYCLES:-67} create/rename/remove cycles, then special cases"
check "C program: cookies keep /dev/mapper as udev makes it" "$prog" ${UDEV_CYCLES:-67}

echo "# a cookie of this library, completed by the C library"
c=$("$prog" create-cookie)
case $c in 0x0D4D????) prefix=1 ;; *) prefix=0 ;; esac
check "dm_udev_create_cookie: $c has the 0x0D4D prefix" [ $prefix = 1 ]
check "its semaphore is at 1" is_value "$c" 1
"$prog" inc "$c" && "$prog" inc "$c"
check "two dm_task_set_cookie on it: 3" is_value "$c" 3
check "dmsetup udevcomplete (C) takes one" sh -c "env -u LD_LIBRARY_PATH dmsetup udevcomplete $c >/dev/null"
check "dmsetup udevcomplete (C) given udev flags in the value, as DM_COOKIE has them" \
	sh -c "env -u LD_LIBRARY_PATH dmsetup udevcomplete $(with_flags "$c" 0x0061) >/dev/null"
check "back to 1" is_value "$c" 1
check "dm_udev_wait returns" "$prog" wait "$c"
check "and the semaphore is gone" is_value "$c" -1

echo "# a cookie of this library on real devices: udev completes it, the C library waits"
c=$("$prog" create dmrs-udev-x 0)
check "create with a new cookie, no wait ($c)" [ -n "$c" ]
check "dmsetup udevreleasecookie (C dm_udev_wait) returns" cdmsetup udevreleasecookie "$c"
check "the semaphore is gone" is_value "$c" -1
check "udev made /dev/mapper/dmrs-udev-x -> ../dm-N" udev_link dmrs-udev-x
c=$("$prog" remove dmrs-udev-x 0)
check "remove with a new cookie; dmsetup udevreleasecookie (C) returns" cdmsetup udevreleasecookie "$c"
check "the semaphore and the link are gone" sh -c "[ \"\$('$prog' value $c)\" = -1 ] && [ ! -L /dev/mapper/dmrs-udev-x ]"

echo "# cookies of the C library, completed and waited for by this one"
c=$(cdmsetup udevcreatecookie)
check "dmsetup udevcreatecookie (C): $c" [ -n "$c" ]
"$prog" inc "$c"
check "our dm_task_set_cookie takes a count on it: 2" is_value "$c" 2
check "our dm_udev_complete" "$prog" complete "$c"
check "back to 1" is_value "$c" 1
check "dmsetup udevreleasecookie (C) releases it" cdmsetup udevreleasecookie "$c"
check "gone" is_value "$c" -1

c=$(cdmsetup udevcreatecookie)
check "our create on a C library cookie" sh -c "'$prog' create dmrs-udev-y $c >/dev/null"
check "dmsetup (C) creates and removes another device on that cookie (--udevcookie, no wait)" sh -c "
	env -u LD_LIBRARY_PATH timeout 180 dmsetup create dmrs-udev-x --udevcookie $c --table '0 8 zero' &&
	env -u LD_LIBRARY_PATH timeout 180 dmsetup remove dmrs-udev-x --udevcookie $c"
check "our dm_udev_wait releases the C library's cookie" "$prog" wait "$c"
check "gone" is_value "$c" -1
check "udev made /dev/mapper/dmrs-udev-y -> ../dm-N" udev_link dmrs-udev-y
check "no dmrs-udev-x node left" no_node dmrs-udev-x
c=$("$prog" remove dmrs-udev-y 0) && "$prog" wait "$c"
check "dmrs-udev-y removed with our cookie; no node left" no_node dmrs-udev-y

cleanup_devices
left=$(ipcs -s | awk '/^0x/' | wc -l)
check "ipcs -s: no semaphore left" [ "$left" -eq 0 ]
[ "$left" -eq 0 ] || ipcs -s
echo "udev: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
