# Python bindings (python/): pytest with the kernel tests, on both libraries,
# and the thin-pool example.
suite "python: pytest on this library and on the C library" "$here/python.sh" "$build"
suite "python: thin pool, two volumes and a snapshot (examples/thin_snapshot.py) on the C library" \
	env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 python/examples/thin_snapshot.py --library /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
suite "python: the same example on this library" \
	env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 python/examples/thin_snapshot.py --library "$build/lib/libdevmapper.so.1.02"
