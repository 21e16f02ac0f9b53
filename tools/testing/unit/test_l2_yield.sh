#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# l2_yield_cpu (tools/testing/lib/l2.sh): while on, the script and what it
# starts from then on run at nice 10; what it started before (the L2
# QEMUs, the console readers) keeps its priority; off brings the script
# back.  TAP lines "ok - l2_yield: ...".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/testing/lib/tap.sh"
. "$top/tools/testing/lib/l2.sh"

# Field 19 of /proc/<pid>/stat, after the command name in parentheses.
nice_of() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f17
}
expect() {
	tap_result "l2_yield: $1 ($3)" "$([ "$2" = "$3" ]; echo $?)"
}

(
	base=$(nice_of "$BASHPID")
	sleep 30 &
	before=$!
	l2_yield_cpu on
	sleep 30 &
	after=$!
	expect "the script runs at nice 10" $((base + 10 > 19 ? 19 : base + 10)) "$(nice_of "$BASHPID")"
	expect "a process started while on inherits it" "$(nice_of "$BASHPID")" "$(nice_of "$after")"
	expect "a process started before keeps its priority" "$base" "$(nice_of "$before")"
	kill "$before" "$after"
	if [ "$(id -u)" = 0 ]; then
		l2_yield_cpu off
		expect "off brings the script back" 0 "$(nice_of "$BASHPID")"
	else
		tap_skip "l2_yield: off brings the script back" "raising a priority needs root"
	fi
)
