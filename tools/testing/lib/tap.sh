# SPDX-License-Identifier: GPL-2.0-only
#
# TAP helpers for test scripts, on the host and in the guest.  A script
# prints "ok - <name>" / "not ok - <name>" lines (and "# ..." diagnostics);
# run-tests.sh numbers them and prefixes the suite name.

tap_ok() { echo "ok - $*"; }
tap_not_ok() { echo "not ok - $*"; }
tap_skip() { echo "ok - $1 # SKIP $2"; }
tap_diag() { sed 's/^/# /'; }

# tap_phase <text>: a "# phase: <text> (+<s>s)" line, <s> the seconds since
# the script that sourced this file started; where a suite's time goes.
TAP_T0=${TAP_T0:-${EPOCHSECONDS:-$(date +%s)}}
tap_phase() {
	echo "# phase: $* (+$((${EPOCHSECONDS:-$(date +%s)} - TAP_T0))s)"
}

# tap_result <name> <status>: ok when status is 0.
tap_result() {
	if [ "$2" -eq 0 ]; then tap_ok "$1"; else tap_not_ok "$1"; fi
}

# tap_check <name> <command...>: run the command, ok when it succeeds; its
# output becomes diagnostics when it fails.
tap_check() {
	local name=$1 log rc
	shift
	log=$(mktemp)
	"$@" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		tap_ok "$name"
	else
		tap_not_ok "$name"
		echo "exit status $rc" | tap_diag
		tail -n 40 "$log" | tap_diag
	fi
	rm -f "$log"
	return $rc
}

# tap_harness <prefix> <exit status>: a kselftest harness program's TAP,
# read on stdin, as this bed's lines: "ok 3 fixture.some_case" becomes
# "ok - <prefix>: some case".  Then one line more: every case the
# program planned reported, and its exit status agrees with the results
# (a program that died half-way fails it).
tap_harness() {
	local prefix=$1 rc=$2 line status name skip plan='' n=0 failed=0
	while IFS= read -r line; do
		case $line in
		1..*) plan=${line#1..} ;;
		"ok "[0-9]*|"not ok "[0-9]*)
			status=${line%% [0-9]*}
			name=${line#"$status" }
			name=${name#* }
			case $name in
			"# SKIP "[a-z]*_*": "*)
				# The 6.1 harness names no skipped case: our
				# programs start the reason with it.
				name=${name#"# SKIP "}
				skip=${name#*: }
				name=${name%%: *}
				name="${name//_/ } # SKIP $skip" ;;
			"# "*) ;;
			*) name=${name#*.}; name=${name//_/ } ;;
			esac
			echo "$status - $prefix: $name"
			n=$((n + 1))
			[ "$status" = ok ] || failed=$((failed + 1))
			;;
		esac
	done
	tap_result "$prefix: the harness ran all ${plan:-?} cases ($n reported, $failed failed, exit status $rc)" \
		"$([ -n "$plan" ] && [ "$n" = "$plan" ] &&
		   [ "$((failed == 0))" = "$((rc == 0))" ]; echo $?)"
}
