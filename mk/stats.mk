# I/O statistics (dm_stats, dm_histogram).
# stats-ctests: the C API program c-tests/stats/stats_api.c built against this
# library and against Debian's (stats_api.clib), run by the VM suite
# (tests/vm/suites.d/40-stats.sh).
.PHONY: stats-ctests stats-test stats-vm

stats-ctests: lib
	mkdir -p $(OUT)/c-tests
	cc -std=gnu99 -Wall -Wextra -Werror -o $(OUT)/c-tests/stats_api c-tests/stats/stats_api.c \
		$$(PKG_CONFIG_PATH=$(OUT)/pkgconfig pkg-config --cflags --libs devmapper)
	cc -std=gnu99 -Wall -Wextra -Werror -I/usr/include -o $(OUT)/c-tests/stats_api.clib c-tests/stats/stats_api.c \
		/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1

# The unit tests of the stats module alone (also part of `make test`).
stats-test:
	$(CARGO) test --locked --lib stats

# Only the stats VM suites, the API program and Debian's dmstats (about
# 4 minutes; also part of the VM suite of make check).
stats-vm: stats-ctests vm-setup
	vm/run.sh --timeout 600 --load-scaled -- tests/vm/only.sh $(OUT) 40

vm-check: stats-ctests
CHECK_EXTRA += stats-ctests
