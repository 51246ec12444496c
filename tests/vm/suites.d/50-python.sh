# Python bindings (python/): pytest with the kernel tests, on both libraries,
# and the thin-pool example.
suite "python: pytest on this library and on the C library" "$here/python.sh" "$build"
suite "python: thin pool, two volumes and a snapshot (examples/thin_snapshot.py) on the C library" \
	env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 python/examples/thin_snapshot.py --library /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
# On this library the example fails today: activating a new thin pool through
# the deptree does not send the pool's messages (create_thin), which the C
# library does (test_a_tree_activating_a_new_thin_pool_sends_its_messages is a
# strict xfail on this library for it). Enable once that is fixed:
# suite "python: the same example on this library" \
#	env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 python/examples/thin_snapshot.py --library "$build/lib/libdevmapper.so.1.02"
