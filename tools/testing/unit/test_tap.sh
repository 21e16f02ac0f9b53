#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tap_harness (tools/testing/lib/tap.sh) on constructed kselftest harness
# output: results renamed, and the line that fails a program which died
# half-way, or whose exit status disagrees with its results.  TAP lines
# "ok - tap: ...".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/testing/lib/tap.sh"

# harness <plan> <result lines...>: a harness program's stdout.
harness() {
	local plan=$1
	shift
	printf 'TAP version 13\n1..%s\n# Starting %s tests from 1 test cases.\n' "$plan" "$plan"
	printf '%s\n#          OK  x\n' "$@"
}

# expect <what> <wanted output> <actual output>
expect() {
	tap_result "tap: $1" "$([ "$2" = "$3" ]; echo $?)"
	[ "$2" = "$3" ] || diff <(echo "$2") <(echo "$3") | tap_diag
}

got=$(harness 2 "ok 1 dev.first_case" "not ok 2 dev.second" | tap_harness cfg 1)
expect "harness results keep their status and lose number and fixture" \
	"ok - cfg: first case
not ok - cfg: second
ok - cfg: the harness ran all 2 cases (2 reported, 1 failed, exit status 1)" "$got"

got=$(harness 2 "ok 1 dev.a" "ok 2 dev.b" | tap_harness cfg 0 | tail -n1)
expect "a program whose every case passed, exit status 0, passes" \
	"ok - cfg: the harness ran all 2 cases (2 reported, 0 failed, exit status 0)" "$got"

got=$(harness 3 "ok 1 dev.a" | tap_harness cfg 0 | tail -n1)
expect "a program that stopped before its last case fails" \
	"not ok - cfg: the harness ran all 3 cases (1 reported, 0 failed, exit status 0)" "$got"

got=$(harness 1 "ok 1 dev.a" | tap_harness cfg 1 | tail -n1)
expect "an exit status of failure with every case passed fails" \
	"not ok - cfg: the harness ran all 1 cases (1 reported, 0 failed, exit status 1)" "$got"

got=$(harness 1 "not ok 1 dev.a" | tap_harness cfg 0 | tail -n1)
expect "an exit status of success with a case failed fails" \
	"not ok - cfg: the harness ran all 1 cases (1 reported, 1 failed, exit status 0)" "$got"

got=$(printf 'no plan at all\n' | tap_harness cfg 0)
expect "output without a plan fails" \
	"not ok - cfg: the harness ran all ? cases (0 reported, 0 failed, exit status 0)" "$got"

got=$(harness 1 "ok 1 # SKIP no device" | tap_harness cfg 0 | head -n1)
expect "a skipped case stays a TAP skip" "ok - cfg: # SKIP no device" "$got"

got=$(harness 1 "ok 1 # SKIP some_case: no device" | tap_harness cfg 0 | head -n1)
expect "a skip whose reason names the case names it" \
	"ok - cfg: some case # SKIP no device" "$got"
exit 0
