# bench-tree: the deptree benchmark of issue 4 (not a test, not in `make
# check`): in the VM, the same driver (benches/tree_activate.c) linked to
# this library and to Debian's C library activates and deactivates N = 200
# and N = 1000 thin volumes on one pool and N linear volumes; wall time and
# DM ioctl counts of each (see tests/vm/bench-tree.sh). Results in
# build/bench/bench-tree.txt. BENCH_NS="200" BENCH_REPS=1 for a quick run.
BENCH_DIR := $(OUT)/bench

.PHONY: bench-tree
bench-tree: lib vm-setup
	mkdir -p $(BENCH_DIR)
	$(CC) -std=gnu99 -O2 -Wall -Wextra -Werror -o $(BENCH_DIR)/tree_activate benches/tree_activate.c \
		$$(PKG_CONFIG_PATH=$(OUT)/pkgconfig pkg-config --cflags --libs devmapper)
	$(CC) -std=gnu99 -O2 -Wall -Wextra -Werror -I/usr/include -o $(BENCH_DIR)/tree_activate.clib \
		benches/tree_activate.c /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
	DM_VM_ENV="BENCH_NS BENCH_REPS" vm/run.sh --timeout 3000 -- tests/vm/bench-tree.sh $(BENCH_DIR) \
		> $(BENCH_DIR)/bench-tree.txt 2>&1; rc=$$?; cat $(BENCH_DIR)/bench-tree.txt; exit $$rc
