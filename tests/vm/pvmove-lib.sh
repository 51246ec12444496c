# Shared pieces of the pvmove tests (sourced): a source, a destination and
# an "elsewhere" loop device over files in $work; four volumes made with
# Debian's dmsetup; a writer of checksummed 4 KiB blocks; table and data
# checks. Sizes in 512-byte sectors.
#   vol1: 2048 on the source at 0, 1024 elsewhere, 2048 on the source at 4096
#   vol2: 2048 on the source at 2048
#   vol3: 2048 on the source at 6144
#   vol4: 2048 elsewhere at 2048 (not moved)
# The destination is a dm-delay device over its loop device, so that the
# copy takes long enough to interrupt.

dev_of() { # major:minor of a block device path
	stat -L -c '%t %T' "$1" | { read -r ma mi; echo "$((0x$ma)):$((0x$mi))"; }
}

dm_path() { echo "/dev/dm-$(dmsetup info -c --noheadings -o minor "$1")"; }

# setup_devices WORK [fresh]: loop devices over WORK/{src,dst,other}; with
# "fresh" the files are (re)made empty.
setup_devices() {
	work=$1
	if [ "${2:-}" = fresh ]; then
		rm -f "$work/src" "$work/dst" "$work/other"
		truncate -s 8M "$work/src" "$work/other"
		truncate -s 16M "$work/dst"
	fi
	src_loop=$(losetup -f --show "$work/src")
	dst_loop=$(losetup -f --show "$work/dst")
	other_loop=$(losetup -f --show "$work/other")
	dmsetup create pvt-dst --table "0 32768 delay $dst_loop 0 0 $dst_loop 0 20"
	SRC=$(dev_of "$src_loop")
	DST=$(dev_of "$(dm_path pvt-dst)")
	OTHER=$(dev_of "$other_loop")
}

create_volumes() {
	printf '0 2048 linear %s 0\n2048 1024 linear %s 0\n3072 2048 linear %s 4096\n' "$SRC" "$OTHER" "$SRC" |
		dmsetup create vol1 -u PVT-vol1
	echo "0 2048 linear $SRC 2048" | dmsetup create vol2 -u PVT-vol2
	echo "0 2048 linear $SRC 6144" | dmsetup create vol3 -u PVT-vol3
	echo "0 2048 linear $OTHER 2048" | dmsetup create vol4 -u PVT-vol4
}

teardown() {
	for n in vol1 vol2 vol3 vol4 dmpvmove-${SRC%%:*}_${SRC##*:} dmpvmove-${SRC%%:*}_${SRC##*:}_mimage_0 dmpvmove-${SRC%%:*}_${SRC##*:}_mimage_1 pvt-dst; do
		dmsetup remove "$n" >/dev/null 2>&1
	done
	losetup -d "$src_loop" "$dst_loop" "$other_loop" 2>/dev/null
}

# block VOLUME INDEX SEQ: the 4 KiB block the writer puts at INDEX.
block() { yes "$1 block $2 write $3" | head -c 4096; }

# The blocks written: vol1 0-3 (first moved segment) and 384-387 (its
# third segment, at 3 MiB), vol2 0-3.
WRITES="vol1:0 vol1:1 vol1:2 vol1:3 vol1:384 vol1:385 vol1:386 vol1:387 vol2:0 vol2:1 vol2:2 vol2:3"

# writer LOG ROUNDS: writes every block ROUNDS times, logging "vol idx seq"
# after each write completes.
writer() {
	log=$1
	seq=1
	while [ "$seq" -le "$2" ]; do
		for w in $WRITES; do
			v=${w%%:*}; i=${w##*:}
			block "$v" "$i" "$seq" | dd of="$(dm_path "$v")" bs=4096 seek="$i" oflag=direct conv=notrunc status=none 2>/dev/null &&
				echo "$v $i $seq" >> "$log"
		done
		seq=$((seq + 1))
	done
}

# check_data LOG: every block reads back as last written.
check_data() {
	bad=0
	for w in $WRITES; do
		v=${w%%:*}; i=${w##*:}
		last=$(awk -v v="$v" -v i="$i" '$1 == v && $2 == i { s = $3 } END { print s }' "$1")
		[ -n "$last" ] || continue
		want=$(block "$v" "$i" "$last" | md5sum)
		got=$(dd if="$(dm_path "$v")" bs=4096 skip="$i" count=1 iflag=direct status=none | md5sum)
		if [ "$want" != "$got" ]; then
			echo "    $v block $i: not write $last"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -eq 0 ]
}

# moved_on DEV: every segment of vol1-3 that was on the source maps DEV.
moved_on() {
	for v in vol1 vol2 vol3; do
		dmsetup table "$v" | awk -v other="$OTHER" '$4 != other { print $4 }'
	done | grep -v -x "$1" | { ! grep -q .; }
}
