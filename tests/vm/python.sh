#!/bin/sh
# The Python binding's tests against the real kernel, on this library and on
# Debian's C library (both must pass). usage: python.sh BUILD_DIR
set -u
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
py=/usr/bin/python3
rc=0
for pair in "$build/lib/libdevmapper.so.1.02:devmapper" "/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1:c"; do
	lib=${pair%:*}
	echo "# pytest, kernel tests included, on $lib"
	DEVMAPPER_LIBRARY=$lib DEVMAPPER_EXPECT=${pair##*:} DEVMAPPER_KERNEL_TESTS=1 PYTHONDONTWRITEBYTECODE=1 \
		$py -m pytest -p no:cacheprovider -q -rsx --durations=6 -m "not subprocess" "$top/python/tests" || rc=1
done
exit $rc
