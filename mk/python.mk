# Python bindings (python/, pure Python over ctypes): see python/README.md.
#   python-check          host tests (no kernel) on this library and on Debian's
#                         C library, plus an offline `pip install` into a venv
#   python-install-check  the plain `pip install ./python` a user runs (fetches
#                         setuptools from PyPI for the isolated build)
# The kernel tests and the thin-pool example run in the VM suite
# (tests/vm/suites.d/50-python.sh).
.PHONY: python-check python-install-check

PYTHON_SYS ?= /usr/bin/python3
CLIB_PATH ?= /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1

python-check: lib
	for pair in "$(LIB):devmapper" "$(CLIB_PATH):c"; do \
		echo "python-check: pytest on $${pair%:*}"; \
		DEVMAPPER_LIBRARY=$${pair%:*} DEVMAPPER_EXPECT=$${pair##*:} PYTHONDONTWRITEBYTECODE=1 \
			$(PYTHON_SYS) -m pytest -p no:cacheprovider -q python/tests || exit 1; \
	done
	tools/python-install-check.sh --offline $(LIB)

python-install-check: lib
	tools/python-install-check.sh --online $(LIB)

CHECK_EXTRA += python-check
