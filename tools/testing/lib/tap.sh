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
