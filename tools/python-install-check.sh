#!/bin/sh
# Installs python/ with pip into a fresh venv (from a copy of the sources, so
# the tree stays clean) and checks that the installed package loads the given
# library and ships py.typed.
#   --offline: Debian's setuptools, no build isolation (no network needed)
#   --online:  plain `pip install`, as a user would (fetches setuptools)
# usage: python-install-check.sh --offline|--online LIBRARY
set -eu
mode=$1 lib=$(realpath "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp -r "$top/python" "$dir/src"
rm -rf "$dir/src/build" "$dir/src"/*.egg-info
if [ "$mode" = --offline ]; then
	/usr/bin/python3 -m venv --system-site-packages "$dir/venv"
	"$dir/venv/bin/pip" install -q --no-build-isolation --no-index "$dir/src"
else
	/usr/bin/python3 -m venv "$dir/venv"
	"$dir/venv/bin/pip" install -q "$dir/src"
fi
cd "$dir"
"$dir/venv/bin/python" - "$lib" <<'PY'
import os, sys
import devmapper
assert os.path.dirname(devmapper.__file__).startswith(sys.prefix), devmapper.__file__
assert os.path.exists(os.path.join(os.path.dirname(devmapper.__file__), "py.typed"))
info = devmapper.load(sys.argv[1])
assert info.path == os.path.realpath(sys.argv[1]), info
print(f"python-install-check: installed {devmapper.__version__} loads {info.implementation} {info.version}")
PY
