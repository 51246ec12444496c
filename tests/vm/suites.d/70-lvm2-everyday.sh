# LVM2 2.02.188's unchanged tools, everyday commands (several LVs at once,
# vgchange -ay/-an, lvextend, lvreduce, lvrename, snapshot and merge, thin
# pool, thin volume and snapshot, pool extension, mirror down- and
# up-convert, pvmove by segment and --atomic, lvremove, vgremove), once on
# LVM2's C libdm and once on this library: exit status, messages and the
# resulting tables must be the same (tests/lvm2/everyday.sh). LVM2 is built
# by `make vm-check` (tests/lvm2/build.sh).
suite "LVM2's everyday commands: same exit status, messages and tables on the C library and on this library" \
	"$here/../lvm2/everyday.sh" "$build/lvm2" "$build/lib" "$build/lvm2-everyday"
