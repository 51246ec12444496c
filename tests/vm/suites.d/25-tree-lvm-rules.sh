# The deptree rules LVM relies on (libdm-deptree.c), one group of checks per
# rule (c-tests/vm/tree_lvm_rules.c), on the C library and on ours. The
# wrapper starts systemd-udevd for the run (rules 2 and 3 check udev's
# /dev/mapper links) and stops it again, removing its socket, so the suites
# after it (udev.sh last) see no udev.
suite "deptree: LVM's rules (no-number devices, tree cookie, PRELOADED callback, clear_inactive, merge, resume delays, renames, thin messages, suspended counter) on the C library, with udevd" \
	"$here/tree-lvm-rules.sh" "$build/c-tests/tree_lvm_rules.clib"
suite "deptree: LVM's rules on this library, with udevd" \
	"$here/tree-lvm-rules.sh" "$build/c-tests/tree_lvm_rules"
