# SPDX-License-Identifier: GPL-2.0-only
#
# Timing a few kernel functions in the test guest for the benchmarks, with
# the kernel's function graph tracer (only the functions named are hooked,
# so nothing else slows down).  Sourced by the benchmarks' guest scripts.
#
# trace_setup <function>...: hook the functions and start tracing.
# trace_clear: forget what was traced so far (before each run).
# traced_ms <function>...: their traced durations added up, in ms; "-" if
#   none of them ran.

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

traced_ms() {
	awk -v fs="$*" 'BEGIN { n = split(fs, f, " ") }
		match($0, /[0-9]+\.[0-9]+ us/) {
			us = substr($0, RSTART, RLENGTH - 3)
			for (i = 1; i <= n; i++)
				if (index($0, f[i] "(") || index($0, f[i] " ")) { sum += us; found = 1 }
		}
		END { if (found) printf "%.2f\n", sum / 1000; else print "-" }' "$TRACING/trace"
}
