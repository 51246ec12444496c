# devmapper: libdevmapper in Rust. `make` builds the shared library, header
# and pkg-config file; `make check` runs every test (see README.md).

PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/sbin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# Where the separate debug info goes: gdb finds a `.debug` directory next to
# the library by itself; a distribution points it at its debug tree, e.g.
# DEBUGDIR=/usr/lib/debug/usr/lib/x86_64-linux-gnu (the files carry a
# .gnu_debuglink and the build id, so either lookup works).
DEBUGDIR ?= $(LIBDIR)/.debug
BINDEBUGDIR ?= $(BINDIR)/.debug

CARGO ?= cargo
CC ?= cc
SONAME := libdevmapper.so.1.02
TOP := $(abspath .)
OUT := $(TOP)/build
LIB := $(OUT)/lib/$(SONAME)
RELEASE := $(TOP)/target/release

.PHONY: deps all lib header check test clippy abi-check abi-report layout-check header-check \
	diff-check c-tests vm-setup vm-check demo install clean pvmove-crash

all: lib

# The Rust staticlib, relinked into a shared object by the system linker with
# the version script generated from abi/*.symbols (see README: "Symbol versions").
lib: $(LIB)

$(LIB): FORCE
	$(CARGO) build --release --locked
	mkdir -p $(OUT)/lib $(OUT)/pkgconfig
	$(CC) -shared -o $@.tmp -Wl,-soname,$(SONAME) -Wl,-z,now \
		-Wl,--version-script=$(RELEASE)/libdevmapper.map \
		-Wl,--whole-archive $(RELEASE)/libdevmapper.a -Wl,--no-whole-archive \
		-Wl,--gc-sections -lpthread -ldl -lm -lc
	mv $@.tmp $@
	install -D -m 0755 $(RELEASE)/dmpvmove $(OUT)/bin/dmpvmove
	ln -sf $(SONAME) $(OUT)/lib/libdevmapper.so.1.02.1
	ln -sf $(SONAME) $(OUT)/lib/libdevmapper.so
	sed -e 's|@PREFIX@|$(TOP)|; s|@LIBDIR@|$(OUT)/lib|; s|@INCLUDEDIR@|$(TOP)/include|; s|@RPATH@|-Wl,-rpath,$${libdir} |' \
		pkgconfig/devmapper.pc.in > $(OUT)/pkgconfig/devmapper.pc

FORCE:

# Refresh the committed header from the one build.rs generated.
header: lib
	cp $(RELEASE)/libdevmapper.h include/libdevmapper.h

# The library and the tool are installed stripped, their debug info apart
# (objcopy --only-keep-debug, then --strip-unneeded --add-gnu-debuglink),
# as distributions ship them.
install: lib
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(DEBUGDIR) $(DESTDIR)$(BINDEBUGDIR)
	mkdir -p $(OUT)/strip
	objcopy --only-keep-debug $(LIB) $(OUT)/strip/$(SONAME).debug
	objcopy --strip-unneeded --remove-section=.comment --add-gnu-debuglink=$(OUT)/strip/$(SONAME).debug \
		$(LIB) $(OUT)/strip/$(SONAME)
	objcopy --only-keep-debug $(OUT)/bin/dmpvmove $(OUT)/strip/dmpvmove.debug
	objcopy --strip-unneeded --remove-section=.comment --add-gnu-debuglink=$(OUT)/strip/dmpvmove.debug \
		$(OUT)/bin/dmpvmove $(OUT)/strip/dmpvmove
	install -m 0755 $(OUT)/strip/dmpvmove $(DESTDIR)$(BINDIR)/dmpvmove
	install -m 0644 $(OUT)/strip/dmpvmove.debug $(DESTDIR)$(BINDEBUGDIR)/dmpvmove.debug
	install -m 0755 $(OUT)/strip/$(SONAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	install -m 0644 $(OUT)/strip/$(SONAME).debug $(DESTDIR)$(DEBUGDIR)/$(SONAME).debug
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libdevmapper.so.1.02.1
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libdevmapper.so
	install -m 0644 include/libdevmapper.h $(DESTDIR)$(INCLUDEDIR)/libdevmapper.h
	install -m 0644 include/devmapper-pvmove.h $(DESTDIR)$(INCLUDEDIR)/devmapper-pvmove.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@RPATH@||' \
		pkgconfig/devmapper.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/devmapper.pc

# ---- tests ---------------------------------------------------------------

# Each mk/*.mk adds its own targets, and the fast ones to CHECK_EXTRA.
CHECK_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

check: deps
	$(MAKE) test clippy header-check abi-check abi-report layout-check c-tests diff-check $(CHECK_EXTRA) vm-check
	@echo "make check: all passed"

deps:
	tools/install-deps.sh

test:
	$(CARGO) test --locked

clippy:
	$(CARGO) clippy --locked --all-targets -- -D warnings

header-check: lib
	tools/check-header.sh $(RELEASE)/libdevmapper.h include/libdevmapper.h

abi-check: lib
	tools/check-abi.sh $(LIB) abi

abi-report: lib
	@tools/abi-report.sh $(LIB)

layout-check: lib
	c-tests/layout/run.sh /usr/include $(TOP)/include

# The same inputs through Debian's C library and ours, outputs compared.
diff-check: lib
	tests/diff/strings/run.sh $(OUT)
	tests/diff/run-pool-hash.sh $(OUT)

c-tests: lib
	c-tests/run-host.sh $(OUT)
	tools/check-install.sh

vm-setup:
	vm/setup.sh

# The pvmove crash proof: the guest powered off at six points, rebooted,
# the move restarted (several boots; minutes).
pvmove-crash: lib vm-setup
	tests/vm/pvmove-crash.sh $(OUT)

vm-check: lib vm-setup
	c-tests/build.sh $(OUT)
	tools/build-vm-rust-tests.sh $(OUT)
	tests/lvm2/build.sh $(OUT)/lvm2
	tests/lvm2/deps.sh
	vm/run.sh --timeout 1800 --load-scaled -- tests/vm/run-all.sh $(OUT)

demo: deps
	$(MAKE) lib vm-setup
	c-tests/build.sh $(OUT)
	tests/lvm2/build.sh $(OUT)/lvm2
	vm/run.sh --timeout 2400 -- sh -c 'tests/vm/demo.sh $(OUT) && tests/vm/demo-lvm2.sh $(OUT)'

clean:
	$(CARGO) clean
	rm -rf $(OUT)
