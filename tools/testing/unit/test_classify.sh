#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The failure classifier (tools/testing/lib/classify.sh) on constructed
# consoles and job outputs (fixtures/consoles/, see its README): which
# failures are the emulator's (run-tests.sh retries those once) and which
# are ours (never retried).  TAP lines "ok - classify: ...".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/testing/lib/tap.sh"
. "$top/tools/testing/lib/classify.sh"
fx=$top/tools/testing/unit/fixtures/consoles

# case, expected verdict, what the reason must mention
cases=(
	"watchdog-9p infra watchdog fired"
	"soft-lockup-kvm infra soft lockup"
	"timer-wakeup infra timer|stalls"
	"rcu-stall-mig ours vfio_pci_mig_set_state"
	"watchdog-ours ours vfio_pci_mig_wait_saved"
	"oops-edu ours edu_mig_load_regs"
	"slub-redzone ours vfio_pci_dirty_log_free"
	"boot-timer-panic infra before /init"
	"clean-fail ours refcount"
	"l2-reset infra reset itself"
	"l2-exited infra exited by itself"
	"l2-reset-warn ours igb_vfm_restore_queues"
	"l2-reset-survived ours administrator"
)
for c in "${cases[@]}"; do
	read -r name want re <<<"$c"
	got=$(classify_failure "$fx/$name.console.log" "$fx/$name.output")
	if [ "$(wc -l <<<"$got")" = 1 ] && [ "${got%%:*}" = "$want" ] &&
	   grep -qE "$re" <<<"$got"; then
		tap_ok "classify: $name is $want"
	else
		tap_not_ok "classify: $name is $want"
		echo "got: $got" | tap_diag
	fi
done

# No console at all (the guest never booted): ours.
got=$(classify_failure /nonexistent/console.log "$fx/clean-fail.output")
tap_result "classify: a missing console is ours" "$([ "${got%%:*}" = ours ]; echo $?)"

# An L2 guest that reset itself after a panic of its own (its console in
# the run folder) is not the emulator's.
tmp=$(mktemp -d)
mkdir -p "$tmp/l2-sriov-v1"
printf '%s\n' "1764122147.503881 Kernel panic - not syncing: Fatal exception in interrupt" \
	>"$tmp/l2-sriov-v1/src-serial.log"
got=$(classify_failure "$fx/l2-reset.console.log" "$fx/l2-reset.output" "$tmp")
tap_result "classify: an L2 reset after a panic on the L2 console is ours" \
	"$([ "${got%%:*}" = ours ]; echo $?)"
rm -rf "$tmp"

# Run as a script, it prints the same one line.
got=$("$top/tools/testing/lib/classify.sh" "$fx/watchdog-9p.console.log" "$fx/watchdog-9p.output")
tap_result "classify: classify.sh as a command prints one verdict line" \
	"$([ "$(wc -l <<<"$got")" = 1 ] && [ "${got%%:*}" = infra ]; echo $?)"
