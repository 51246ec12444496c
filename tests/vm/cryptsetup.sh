#!/bin/bash
# Debian's cryptsetup (unchanged) on this library and on the C library, on a
# loop device over a file in the guest's /tmp. The same sequence runs twice,
# first with BUILD_DIR/lib first on LD_LIBRARY_PATH, then on the C library:
# LUKS2 luksFormat (pbkdf2, 1000 iterations; fixed UUID and volume key so both
# runs give the same tables), open, status, resize, close, and plain-mode
# open and close. After each open `dmsetup table --showkeys`, always run on
# the C library, records the mapping; the tables and the `cryptsetup status`
# outputs of the two runs must be the same. Data written through the mapping
# on one library must read back (md5) after reopening on the other.
# run-all.sh runs it without a udev daemon: cryptsetup then uses no udev
# cookies and libdevmapper makes the /dev/mapper nodes itself. It passes
# under `vm/run.sh --udev` (cookies, udev's nodes) as well. LUKS2 keeps the
# volume key in the kernel keyring, so its table shows the key's description;
# the plain-mode table shows the key itself.
# usage: cryptsetup.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
loop=
passed=0 failed=0

cleanup() {
	for n in cs-luks cs-x cs-plain; do
		dmsetup remove "$n" >/dev/null 2>&1
	done
	[ -n "$loop" ] && losetup -d "$loop"
	rm -rf "$tmp"
}
trap cleanup EXIT

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
# step NAME COMMAND...: runs COMMAND, output to $tmp/log, PASS when it exits 0
step() {
	local name=$1; shift
	if "$@" > "$tmp/log" 2>&1; then
		pass "$name"
	else
		fail "$name (exit $?)"; sed 's/^/    /' "$tmp/log"
	fi
}
# on LIB COMMAND...: COMMAND on this library (rs) or the C library (c)
on() {
	local lib=$1; shift
	if [ "$lib" = rs ]; then
		LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"
	else
		env -u LD_LIBRARY_PATH "$@"
	fi
}
cs() { local lib=$1; shift; on "$lib" cryptsetup "$@"; }
# record FILE NAME: the C library's dmsetup table --showkeys of NAME
record() { env -u LD_LIBRARY_PATH dmsetup table --showkeys "$2" > "$1" 2>&1; }
# same NAME FILE_A FILE_B
same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1"
		echo "  this library:"; sed 's/^/    /' "$2"
		echo "  C library:"; sed 's/^/    /' "$3"
	fi
}
# gone NAME: the device no longer exists (if it does, it is removed, so that
# the next steps start clean)
gone() {
	env -u LD_LIBRARY_PATH dmsetup info "$1" >/dev/null 2>&1 || return 0
	env -u LD_LIBRARY_PATH dmsetup remove "$1"
	return 1
}
md5_of() { # DEVICE: md5 of the first MiB
	dd if="$1" bs=1M count=1 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1
}
check_md5() { # NAME DEVICE EXPECTED
	local got
	got=$(md5_of "$2")
	if [ "$got" = "$3" ]; then pass "$1"; else fail "$1 (md5 $got, wrote $3)"; fi
}

mkdir -p /run/cryptsetup
truncate -s 64M "$tmp/disk.img"
loop=$(losetup -f --show "$tmp/disk.img") || { echo "FAIL losetup"; exit 1; }
head -c 256 /dev/urandom > "$tmp/keyfile"
head -c 64 /dev/urandom > "$tmp/volume.key"
head -c 1M /dev/urandom > "$tmp/data"
data_md5=$(md5sum < "$tmp/data" | cut -d' ' -f1)
uuid=4f1d1a5e-6c1e-4c2b-9d4e-0123456789ab
echo "loop device $loop; cryptsetup $(cryptsetup --version)"

# LUKS2 on LIB: format, open, table, status, write, resize, table, status, close
luks() {
	local lib=$1 name=cs-luks
	step "$lib: luksFormat --type luks2" cs "$lib" luksFormat --type luks2 --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 -q --uuid "$uuid" --volume-key-file "$tmp/volume.key" \
		--key-file "$tmp/keyfile" "$loop"
	step "$lib: open" cs "$lib" open --key-file "$tmp/keyfile" "$loop" "$name"
	step "$lib: /dev/mapper/$name is a block device" test -b "/dev/mapper/$name"
	record "$tmp/$lib.table.open" "$name"
	sed 's/^/    table: /' "$tmp/$lib.table.open"
	step "$lib: status" cs "$lib" status "$name"
	cp "$tmp/log" "$tmp/$lib.status.open"
	step "$lib: write 1 MiB through /dev/mapper/$name" \
		dd if="$tmp/data" of="/dev/mapper/$name" bs=1M oflag=direct conv=nocreat
	check_md5 "$lib: read back" "/dev/mapper/$name" "$data_md5"
	step "$lib: resize --size 16384" cs "$lib" resize --size 16384 --key-file "$tmp/keyfile" "$name"
	record "$tmp/$lib.table.resized" "$name"
	sed 's/^/    table: /' "$tmp/$lib.table.resized"
	step "$lib: status after resize" cs "$lib" status "$name"
	cp "$tmp/log" "$tmp/$lib.status.resized"
	step "$lib: close" cs "$lib" close "$name"
	step "$lib: device gone after close" gone "$name"
	step "$lib: /dev/mapper/$name removed" test ! -e "/dev/mapper/$name"
}

# open the volume LIB formatted and wrote on OTHER, check the data, close
cross() {
	local lib=$1 other=$2
	step "$other: open the volume written on $lib" cs "$other" open --key-file "$tmp/keyfile" "$loop" cs-x
	check_md5 "$other: data written on $lib reads back" /dev/mapper/cs-x "$data_md5"
	step "$other: close" cs "$other" close cs-x
	gone cs-x
}

plain() {
	local lib=$1 name=cs-plain
	step "$lib: open --type plain" cs "$lib" open --type plain --cipher aes-xts-plain64 \
		--key-size 512 --key-file "$tmp/keyfile" "$loop" "$name"
	step "$lib: /dev/mapper/$name is a block device" test -b "/dev/mapper/$name"
	record "$tmp/$lib.table.plain" "$name"
	sed 's/^/    table: /' "$tmp/$lib.table.plain"
	step "$lib: status (plain)" cs "$lib" status "$name"
	cp "$tmp/log" "$tmp/$lib.status.plain"
	step "$lib: close (plain)" cs "$lib" close "$name"
	step "$lib: plain device gone after close" gone "$name"
	step "$lib: /dev/mapper/$name removed" test ! -e "/dev/mapper/$name"
}

luks rs
cross rs c
luks c
cross c rs
plain rs
plain c
same "table after open: same on both libraries" "$tmp/rs.table.open" "$tmp/c.table.open"
same "status after open: same on both libraries" "$tmp/rs.status.open" "$tmp/c.status.open"
same "table after resize: same on both libraries" "$tmp/rs.table.resized" "$tmp/c.table.resized"
same "status after resize: same on both libraries" "$tmp/rs.status.resized" "$tmp/c.status.resized"
same "plain table: same on both libraries" "$tmp/rs.table.plain" "$tmp/c.table.plain"
same "plain status: same on both libraries" "$tmp/rs.status.plain" "$tmp/c.status.plain"

echo "cryptsetup: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
