#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Whose failure is it: the emulator's (TCG, nested SVM) or ours?  Given a
# failed guest job's console log and output, prints one line:
#   infra: <reason>   the failure has the emulator's signature
#   ours: <reason>    anything else (the default: never hide a failure)
#
# The emulator's signatures (NOTES.md has the history of each):
#  (a) the guest watchdog fired ("vmtest-watchdog:" lines) or the kernel
#      reported a stall or lockup (RCU stall, soft or hard lockup, lost
#      timer wakeup), and no stack frame anywhere in the console is in our
#      modules, and no Oops, BUG, general protection or WARNING line names
#      our code;
#  (b) an L2 guest reset itself (its QEMU exited by itself with status 0
#      under -no-reboot; the sriov suite gave up after two such resets) and
#      the console has no Oops, BUG, general protection or WARNING at all
#      (and, with a run folder, no L2 console shows a panic or oops);
#  (c) the guest's kernel panicked while booting, before it ran /init,
#      so before any module of ours could load (under a starved host the
#      IO-APIC timer check fails: "timer doesn't work through
#      Interrupt-remapped IO-APIC").
#
# usage: classify.sh <console log> <job output> [run folder]
#   or, sourced: classify_failure <console log> <job output> [run folder]

# Stack frames ("func+0x1c/0x90 [module]": oops and lockup traces, sysrq
# dumps, /proc/<pid>/stack lines of the watchdog) in our code: a function
# of ours (by prefix), or a module of ours in the brackets.  Our vfio-pci
# is "vfio_pci" (Debian's is too: a frame there counts as ours); Debian's
# vfio_pci_core does not.
CLASSIFY_OUR_FUNCS='(vfio_pci_vendor|vfio_pci_mig|vfio_pci_dirty|vfio_pci_remap|edu_|i40e_vf|igb_vf|nic_vf)'
CLASSIFY_OUR_MODS='(vfio_pci|vfio_pci_nic_vf|vfio_pci_test_vendor|edu_[a-z0-9_]+|i40e_vf_migration|igb_vf_migration)'
CLASSIFY_FRAME_RE='[A-Za-z0-9_.]+\+0x[0-9a-f]+/0x[0-9a-f]+( \[[A-Za-z0-9_]+\])?'
# Kernel failure lines, and the stalls and lockups of signature (a).
# "BUG <cache> (<taint>): <what>" is SLUB debugging's report.
CLASSIFY_BUG_RE='Oops|BUG:|BUG [^ ]+ \(|general protection|WARNING:|Kernel panic'
CLASSIFY_STALL_RE="rcu: INFO|rcu_sched self-detected|rcu_preempt detected stalls|soft lockup|timer wakeup didn't happen|hard LOCKUP"
# What a job prints when an L2 guest reset itself (lib/e2e.sh,
# sriov.sh).
CLASSIFY_RESET_RE='the L2 source guest reset itself|L2 QEMU that had exited by itself'

# The frames of ours in a console, one per line.
classify_our_frames() {
	grep -aoE "$CLASSIFY_FRAME_RE" "$1" 2>/dev/null |
		grep -aE "^$CLASSIFY_OUR_FUNCS|\[$CLASSIFY_OUR_MODS\]\$"
}

# Oops/BUG/GP/WARNING lines that name our code: a function or module of
# ours, or one of our source folders (a WARNING's "at <file>:<line>").
classify_our_bug_lines() {
	grep -aE "$CLASSIFY_BUG_RE" "$1" 2>/dev/null |
		grep -aE "(^|[^A-Za-z0-9_])$CLASSIFY_OUR_FUNCS|\[$CLASSIFY_OUR_MODS\]|samples/vfio-pci/|/kbuild/|drivers/vfio/pci/nic_vf/|(i40e|igb)/[a-z0-9_]*_vf_mig"
}

# A console line without its timestamp, shortened.
classify_line() {
	sed -E 's/^\[ *[0-9]+\.[0-9]+\] //; s/[[:space:]]+$//' | cut -c1-160
}

# Did an L2 guest reset itself, by what the job printed?  Prints the line.
# A reset the sriov suite survived (its first attempt's, followed by a
# completed second one, or the reset its own test injects) is not the
# failure: only the line of a second attempt counts there.  "exited by
# itself" counts when a role's status is 0 (a reset under -no-reboot).
classify_l2_reset() {
	local line zero=' [A-Za-z0-9_-]+:0 '
	while IFS= read -r line; do
		case $line in
		*"the L2 source guest reset itself"*"attempt 1)"*) continue ;;
		*"the L2 source guest reset itself"*) ;;
		*"exited by itself"*)
			[[ " ${line##*): } " =~ $zero ]] || continue
			;;
		*) continue ;;
		esac
		line=${line#\# }
		echo "${line%%, last console line*}" | cut -c1-160
		return 0
	done < <(grep -aE "$CLASSIFY_RESET_RE" "$1" 2>/dev/null)
	return 1
}

classify_failure() {
	local console=$1 output=$2 rundir=${3:-} frame line reset watchdog
	if [ ! -s "$console" ]; then
		echo "ours: no console log ($console): the guest did not boot, or the job failed before it"
		return 0
	fi
	frame=$(classify_our_frames "$console" | head -n1)
	if [ -n "$frame" ]; then
		echo "ours: a stack frame of our code in the console: $frame"
		return 0
	fi
	line=$(classify_our_bug_lines "$console" | head -n1 | classify_line)
	if [ -n "$line" ]; then
		echo "ours: a kernel failure line names our code: $line"
		return 0
	fi
	# (c) a panic before /init: nothing of ours had run.
	line=$(grep -a -m1 'Kernel panic' "$console" | classify_line)
	if [ -n "$line" ] && ! grep -aq 'Run /init as init process' "$console"; then
		echo "infra: the guest kernel panicked while booting, before /init ($line)"
		return 0
	fi
	# (a) the watchdog or a stall, none of it ours.
	watchdog=$(grep -a -m1 'vmtest-watchdog:' "$console" | classify_line)
	watchdog=${watchdog#vmtest-watchdog: }
	line=$(grep -aE -m1 "$CLASSIFY_STALL_RE" "$console" | classify_line)
	if [ -n "$watchdog" ] || [ -n "$line" ]; then
		echo "infra: ${watchdog:+the guest watchdog fired (${watchdog%; user tasks:})}${watchdog:+${line:+; }}${line:+the kernel reported: $line}; no frame of ours in the console"
		return 0
	fi
	# (b) an L2 guest reset itself, the console clean.
	if reset=$(classify_l2_reset "$output"); then
		line=$(grep -aE -m1 "$CLASSIFY_BUG_RE" "$console" | classify_line)
		if [ -n "$line" ]; then
			echo "ours: an L2 guest reset itself, but the console has: $line"
			return 0
		fi
		if [ -n "$rundir" ] && [ -d "$rundir" ]; then
			line=$(find "$rundir" -name '*-serial*.log' -print0 2>/dev/null |
				xargs -0 -r grep -aE -m1 -h 'Kernel panic|BUG:|Oops|general protection|double fault' |
				head -n1 | classify_line)
			if [ -n "$line" ]; then
				echo "ours: an L2 guest reset itself, but an L2 console has: $line"
				return 0
			fi
		fi
		echo "infra: an L2 guest reset itself ($reset), no Oops, BUG or WARNING in the console"
		return 0
	fi
	line=$(grep -aE -m1 "$CLASSIFY_BUG_RE|blocked for more than|segfault at|possible (circular|recursive) locking" \
		"$console" | classify_line)
	if [ -n "$line" ]; then
		echo "ours: the console has: $line"
		return 0
	fi
	line=$(grep -a -m1 '^not ok' "$output" 2>/dev/null | cut -c1-160)
	echo "ours: ${line:-the job failed} (console clean)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	if [ $# -lt 2 ]; then
		echo "usage: $0 <console log> <job output> [run folder]" >&2
		exit 2
	fi
	classify_failure "$@"
fi
