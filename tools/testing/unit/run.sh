#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "unit": the cmocka unit tests of the pure-logic files, the test of
# corrupt-proxy.py, the tests of the failure classifier, of the test
# runner, of the benchmarks' summaries and measuring tools, then the
# stream decoder's fuzz target for a bounded time (FUZZ_SECONDS, default 20).
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/testing/lib/tap.sh"
OUT=${OUT:-$top/out}
unit=$OUT/unit

if ! make --no-print-directory -C "$top/tools/testing/unit" OUT="$OUT" \
	>"$OUT/unit-build.log" 2>&1; then
	tap_not_ok "unit tests build"
	tail -n 30 "$OUT/unit-build.log" | tap_diag
	exit 1
fi

for t in "$unit"/test_*; do
	name=$(basename "$t")
	name=${name#test_}
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 |
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			status=${line%% [0-9]*}
			echo "$status - $name: ${line#* - }"
			;;
		"#"*) echo "$line" ;;
		esac
	done
	[ "${PIPESTATUS[0]}" -eq 0 ] || tap_not_ok "$name: test program exited cleanly"
done

# The test tool that corrupts a migration stream in transit.
python3 "$top/tools/testing/unit/test_corrupt_proxy.py" ||
	tap_not_ok "corrupt_proxy: test program exited cleanly"

# The test bed's own logic, without a guest: the failure classifier on
# constructed consoles, the harness-to-TAP filter, the counter helpers,
# the L2 runs' CPU priority, and the test runner with stand-in jobs (seconds).
"$top/tools/testing/unit/test_classify.sh" ||
	tap_not_ok "classify: test program exited cleanly"
"$top/tools/testing/unit/test_tap.sh" ||
	tap_not_ok "tap: test program exited cleanly"
"$top/tools/testing/unit/test_stats.sh" ||
	tap_not_ok "stats: test program exited cleanly"
"$top/tools/testing/unit/test_l2_yield.sh" ||
	tap_not_ok "l2_yield: test program exited cleanly"
python3 "$top/tools/testing/unit/test_run_tests.py" ||
	tap_not_ok "run_tests: test program exited cleanly"
# The benchmarks' summaries of their raw figures.
python3 "$top/tools/testing/unit/test_bench_summary.py" ||
	tap_not_ok "bench_summary: test program exited cleanly"
# The data-path benchmark's measuring tools, over loopback.
"$top/tools/testing/unit/test_datapath.sh" ||
	tap_not_ok "datapath: test program exited cleanly"

fuzz=$unit/fuzz_mig_stream
secs=${FUZZ_SECONDS:-20}
if [ -x "$fuzz" ]; then
	corpus=$OUT/fuzz-corpus
	mkdir -p "$corpus"
	if "$fuzz" -max_total_time="$secs" -rss_limit_mb=1024 \
		-artifact_prefix="$OUT/fuzz-" "$corpus" "$top/tools/testing/unit/corpus" \
		>"$OUT/fuzz.log" 2>&1; then
		runs=$(grep -oE 'Done [0-9]+ runs' "$OUT/fuzz.log" | awk '{print $2}')
		tap_ok "mig_stream: fuzzed decoder ${secs}s (${runs:-?} inputs), no crash or leak"
	else
		tap_not_ok "mig_stream: fuzzed decoder ${secs}s, no crash or leak"
		tail -n 30 "$OUT/fuzz.log" | tap_diag
	fi
else
	tap_not_ok "mig_stream: fuzz target built"
fi
