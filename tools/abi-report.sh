#!/bin/sh
# Counts the exported functions per C object and those that do nothing
# (tools/abi-noop.py reads every body in src/capi: a body that only logs or
# returns a constant, or that ignores all its arguments, counts; calls into
# other src/capi functions are followed). Fails when one is found that
# abi/noop-by-design.txt does not explain.
# usage: abi-report.sh LIBRARY
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
exported=$(objdump -T "$1" | awk '$0 !~ /\*UND\*/ && $3 == "DF" {print $NF "@" $(NF-1)}' | sort -u | wc -l)
echo "exported function symbols (each version counted): $exported"
exec python3 "$here/tools/abi-noop.py" "$1" "$here/src/capi" "$here/abi/noop-by-design.txt"
