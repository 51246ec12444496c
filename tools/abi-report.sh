#!/bin/sh
# Counts exported functions and those still stubs (bodies made with
# not_implemented!), per C object.
# usage: abi-report.sh LIBRARY
set -eu
printf "%-10s %8s %6s\n" module functions stubs
here=$(cd "$(dirname "$0")/.." && pwd)
exported=$(objdump -T "$1" | awk '$0 !~ /\*UND\*/ && $3 == "DF" {print $NF "@" $(NF-1)}' | sort -u | wc -l)
awk '
	/extern "C" fn devmapper_/ { next }
	/extern "C" fn [a-z_0-9]+\(/ { match($0, /fn [a-z_0-9]+\(/); fn = substr($0, RSTART + 3, RLENGTH - 4); mod = FILENAME; sub(/.*\//, "", mod); sub(/\.rs$/, "", mod); total[mod]++ }
	/not_implemented!\(/ && fn != "" { stubs[mod]++; all++; fn = "" }
	END {
		for (m in total) printf "%-10s %8d %6d\n", m, total[m], stubs[m] + 0 | "sort"
		close("sort")
		for (m in total) sum += total[m]
		printf "stubs: %d of %d exported functions\n", all + 0, sum
	}' "$here"/src/capi/*.rs
echo "exported function symbols (each version counted): $exported"
