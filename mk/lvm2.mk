# LVM2 2.02.188's own shell test suite in the test VM, on LVM2's bundled C
# libdm (1.02.172) and on this library (tests/lvm2/suite.sh; docs/lvm2.md).
# LVM2 is built from ../shared/lvm2 by tests/lvm2/build.sh (no network).
#
#   make lvm2-suite      the list (tests/lvm2/list) on this library; hours.
#                        Resumes: a test with a result in build/lvm2-suite/ours
#                        is not run again (LVM2_SUITE_OPTS='--rerun all', or
#                        failed, or stale: run with another library file)
#   make lvm2-suite-c    the same on the C library (build/lvm2-suite/c); its
#                        committed results are tests/lvm2/c-results.tsv
#   make lvm2-smoke      the smoke subset (tests/lvm2/smoke, about 10 min) on
#                        this library, always afresh; fails if a test that
#                        passes on the C library fails here
#   make lvm2-table      docs/lvm2.md from the committed results
#
# LIST= (or LVM2_LIST=) a file or names (comma-separated) runs other tests;
# LVM2_LIB=FILE tests another build of this library (e.g. another
# worktree's; the commit of its repository is recorded); LVM2_SUITE_OPTS
# passes options to tests/lvm2/suite.sh (--help).  The VM settings (one CPU
# per guest, two guests at once, 9p cache loose) are suite.sh's defaults,
# measured in docs/lvm2.md.
.PHONY: lvm2-build lvm2-suite lvm2-suite-c lvm2-smoke lvm2-table
LVM2_LIST ?= $(if $(LIST),$(LIST),tests/lvm2/list)
LVM2_LIB ?= $(LIB)
LVM2_SUITE_OPTS ?=

lvm2-build:
	tests/lvm2/build.sh $(OUT)/lvm2

lvm2-suite: lib vm-setup
	tests/lvm2/suite.sh --lib ours --ours-lib $(LVM2_LIB) --list $(LVM2_LIST) $(LVM2_SUITE_OPTS)

lvm2-suite-c: vm-setup
	tests/lvm2/suite.sh --lib c --list $(LVM2_LIST) $(LVM2_SUITE_OPTS)

lvm2-smoke: lib vm-setup
	tests/lvm2/suite.sh --lib ours --ours-lib $(LVM2_LIB) --list tests/lvm2/smoke \
		--results $(OUT)/lvm2-suite/smoke --rerun all --compare tests/lvm2/c-results.tsv

lvm2-table:
	tests/lvm2/table.sh >docs/lvm2.md.tmp || { rm -f docs/lvm2.md.tmp; exit 1; }
	mv docs/lvm2.md.tmp docs/lvm2.md

# In make check: the smoke subset (six tests, about 4 minutes of VM time
# idle); every one passes on the C library and must pass here.
CHECK_EXTRA += lvm2-smoke
