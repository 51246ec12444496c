#!/bin/sh
# Runs the report part's fuzz targets (selection parsing, regex compile),
# each for SECONDS (default 600) under nice, with the committed corpora in
# fuzz/corpus/<target>/ as seeds; new inputs go to build/fuzz/<target>/.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# usage: tools/fuzz-report.sh [SECONDS]
set -eu
secs=${1:-600}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/fuzz"
nice -n 19 cargo +nightly fuzz build -O report_selection regex_compile
for t in report_selection regex_compile; do
	mkdir -p "$top/build/fuzz/$t"
	nice -n 19 cargo +nightly fuzz run -O "$t" "$top/build/fuzz/$t" "corpus/$t" -- \
		-max_total_time="$secs" -max_len=512 -timeout=10 -print_final_stats=1 &
done
wait
