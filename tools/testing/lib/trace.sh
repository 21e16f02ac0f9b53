# SPDX-License-Identifier: GPL-2.0-only
#
# Timing a few kernel functions in the test guest for the benchmarks, with
# the kernel's function graph tracer (only the functions named are hooked,
# so nothing else slows down).  Sourced by the benchmarks' guest scripts.
#
# trace_setup <function>...: hook the functions and start tracing.
# trace_clear: forget what was traced so far (before each run).
# trace_ms <function>...: their traced durations added up, in ms; "-" if
#   none of them ran.
# QEMU_CHECKPOINTS: QEMU options (L2_QEMU_MORE) that log QEMU's downtime
#   checkpoints (QEMU 8.2 and later) with the wall-clock time.
# trace_stop_to_start_ms <source log> <destination log>: from the source VM's
#   stop (src-downtime-start) to the destination VM's start
#   (dst-precopy-bh-vm-started), both QEMUs on this machine's clock, in ms;
#   "-" if either is missing.

TRACING=/sys/kernel/tracing

trace_setup() {
	[ -e "$TRACING/trace" ] || mount -t tracefs nodev "$TRACING" || return 1
	echo 0 >"$TRACING/tracing_on" &&
	echo "$*" >"$TRACING/set_ftrace_filter" &&
	echo function_graph >"$TRACING/current_tracer" &&
	# A call that slept ends on a line of its own: name it there too.
	echo 1 >"$TRACING/options/funcgraph-tail" &&
	echo 1 >"$TRACING/tracing_on"
}

trace_clear() {
	: >"$TRACING/trace" 2>/dev/null
}

trace_ms() {
	awk -v fs="$*" 'BEGIN { n = split(fs, f, " ") }
		match($0, /[0-9]+\.[0-9]+ us/) {
			us = substr($0, RSTART, RLENGTH - 3)
			for (i = 1; i <= n; i++)
				if (index($0, f[i] "(") || index($0, f[i] " ")) { sum += us; found = 1 }
		}
		END { if (found) printf "%.2f\n", sum / 1000; else print "-" }' "$TRACING/trace"
}

QEMU_CHECKPOINTS="-msg timestamp=on -trace vmstate_downtime_checkpoint"

# A checkpoint line: <pid>@<seconds>.<microseconds>:vmstate_downtime_checkpoint <name>
trace_stop_to_start_ms() {
	awk 'match($0, /@[0-9]+\.[0-9]+:vmstate_downtime_checkpoint /) {
		t = substr($0, RSTART + 1); sub(/:.*/, "", t)
		if (FILENAME == ARGV[1] && $NF == "src-downtime-start") t0 = t
		if (FILENAME == ARGV[2] && $NF == "dst-precopy-bh-vm-started") t1 = t
	     }
	     END { if (t0 != "" && t1 != "") printf "%.1f\n", (t1 - t0) * 1000; else print "-" }' \
		"$1" "$2" 2>/dev/null || echo -
}
