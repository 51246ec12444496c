# Deptree target builders (raid, cache, cachevol, writecache, integrity, vdo):
# bad parameters compared with Debian's C library (no kernel needed). The
# table lines themselves are compared on the real kernel by the VM suite
# (tests/vm/tree-catalogue.sh, already in tests/vm/run-all.sh).
.PHONY: targets-diff
targets-diff: lib
	tests/diff/run-tree-targets.sh $(OUT)
CHECK_EXTRA += targets-diff
