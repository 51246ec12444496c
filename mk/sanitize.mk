# Sanitizers and leaks: the host C tests and a short soak under valgrind
# (fast: in make check), the raw-memory Rust tests under Miri (nightly, if
# obtainable), and the full leak soak (1 000 000 tasks, 10 000 trees; RSS
# flat after warm-up) on both libraries in the VM.
.PHONY: sanitize valgrind-check soak
CHECK_EXTRA += valgrind-check

valgrind-check: lib
	tests/sanitize/valgrind.sh $(OUT)

soak: lib vm-setup
	mkdir -p $(OUT)/c-tests
	$(CC) -std=gnu99 -O2 -Wall -Wextra -Werror -o $(OUT)/c-tests/soak c-tests/soak/soak.c \
		$$(PKG_CONFIG_PATH=$(OUT)/pkgconfig pkg-config --cflags --libs devmapper)
	$(CC) -std=gnu99 -O2 -Wall -Wextra -Werror -I/usr/include -o $(OUT)/c-tests/soak.clib c-tests/soak/soak.c \
		/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
	vm/run.sh --timeout 1800 -- tests/sanitize/soak-vm.sh $(OUT)

sanitize: valgrind-check soak
	tests/sanitize/miri.sh
