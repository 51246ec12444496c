#!/bin/sh
# Debian's dmsetup (BIND_NOW: every imported symbol must resolve) starts on
# this library and reports both versions.
set -eu
build=$1
out=$(LD_LIBRARY_PATH="$build/lib" dmsetup version)
echo "$out"
lib=$(LD_LIBRARY_PATH="$build/lib" ldd "$(command -v dmsetup)" | awk '/libdevmapper/ {print $3}')
echo "dmsetup resolves libdevmapper to $lib"
case "$lib" in "$build"/lib/*) ;; *) echo "not this build" >&2; exit 1 ;; esac
echo "$out" | grep -q '^Library version: *1\.02\.214 (devmapper 1\.2\.214)$' || { echo "library version line missing" >&2; exit 1; }
echo "$out" | grep -q '^Driver version: *4\.' || { echo "driver version line missing" >&2; exit 1; }
