#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Part of suite "irq": Debian's stock QEMU 7.2, a VMM that knows nothing of
# the remap irq, runs an L2 guest on an edu device owned by edu_remap while
# the driver traps BAR0's register page.  The L2 program (edu_guest) sets
# the device up, keeps it doing DMA, then checks every register, the
# device buffer and the data of every transfer.
#
#  1. Trap requested while QEMU runs: nothing waits, QEMU keeps its
#     mapping (the guest's writes bypass the driver, which stays
#     conservative), the guest finishes intact and QEMU exits normally.
#  2. Trap set before QEMU opens the device: QEMU follows the sparse-mmap
#     areas, so the guest's register accesses reach the driver (trapping
#     at once), and the guest finishes intact.
#
# usage: irq-qemu.sh <edu_remap-bdf>   (inside the test guest, after irq.sh
# bound the device; debugfs mounted)
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"

bdf=$1
KNOB=/sys/module/edu_remap/parameters/trap
STATUS=/sys/kernel/debug/edu_remap/$bdf
NS=l2irq
L2DIR=${VMT_DIR:-/tmp}/l2-irq
# QEMU 7.2 would want a migration region with x-enable-migration=on.
L2_VFIO_OPTS=x-enable-migration=off

field() { awk -v k="$1" '$1 == k { print $2 }' "$STATUS"; }

check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_not_ok "$name"; fi
}

# ms_of <command...>: run it, print how long it took in milliseconds.
ms_of() {
	local t0=$EPOCHREALTIME
	"$@"
	echo $(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
}

# wait_exit <seconds>: until the L2 QEMU has exited; its status, or 124.
wait_exit() {
	local i
	for ((i = 0; i < $1 * 4; i++)); do
		if ! l2_alive irq; then
			wait "${L2PID[irq]}"
			return
		fi
		sleep 0.25
	done
	return 124
}

stop_qemu() {
	if l2_alive irq; then
		kill "${L2PID[irq]}" 2>/dev/null
		l2_exits irq 1 || kill -9 "${L2PID[irq]}" 2>/dev/null
	fi
	wait "${L2PID[irq]}" 2>/dev/null
}

# boot <run>: start QEMU on the device and wait for the guest's setup
# (minutes: the L2 guest runs nested in a TCG guest).
boot() {
	local t0=$SECONDS rc st=running try
	L2DIR=${VMT_DIR:-/tmp}/l2-irq-$1
	rm -rf "$L2DIR"
	# A nested guest under TCG occasionally dies or stalls while booting,
	# before it has printed a line: one retry, said out loud.
	for try in 1 2; do
		l2_start irq "$NS" "$bdf"
		l2_wait "$L2DIR/irq-serial.log" '^EDU-READY' 480 irq
		rc=$?
		[ $rc = 0 ] || [ -s "$L2DIR/irq-serial.log" ] || [ $try = 2 ] && break
		tap_diag <<<"run $1: the L2 guest never printed a line (attempt $try, wait status $rc); booting it again"
		stop_qemu
	done
	if [ $rc != 0 ]; then
		tap_not_ok "run $1: QEMU 7.2 boots the L2 guest and it sets the device up"
		if ! l2_alive irq; then
			wait "${L2PID[irq]}"
			st="exited with status $?"
		fi
		tap_diag <<<"after $((SECONDS - t0)) s (wait status $rc), QEMU $st"
		tail -n 20 "$L2DIR/irq-serial.log" "$L2DIR/irq-qemu.log" | tap_diag
		stop_qemu
		return 1
	fi
	tap_ok "run $1: QEMU 7.2 boots the L2 guest and it sets the device up ($((SECONDS - t0)) s)"
}

# finish <run>: let the guest check the device; its verdict.
finish() {
	local log=$L2DIR/irq-serial.log rc
	l2_console irq GO
	if ! l2_wait "$log" '^EDU-DONE ' 180 irq; then
		tap_not_ok "run $1: the guest's checks of registers, buffer and DMA data pass"
		tail -n 20 "$log" | tap_diag
		stop_qemu
		return 1
	fi
	check "run $1: the guest's checks of registers, buffer and DMA data pass ($(grep -a '^EDU-DONE' "$log" | awk '{print $3}') transfers)" \
		test "$(grep -a '^EDU-DONE ' "$log" | awk '{print $2}')" = 0
	grep -a '^EDU-CHECK.*FAIL' "$log" | tap_diag
	wait_exit 60
	rc=$?
	check "run $1: the guest powers off and QEMU exits normally (status $rc)" \
		test $rc = 0
	[ $rc = 124 ] && stop_qemu
}

ip netns add "$NS" || { tap_not_ok "network namespace for the L2 QEMU"; exit 1; }
trap 'stop_qemu; ip netns del "$NS" 2>/dev/null' EXIT
l2_accel
tap_diag <<<"L2 accel $L2ACCEL_NAME, $(qemu-system-x86_64 --version | head -n1)"

# ---- 1. a trap requested while QEMU 7.2 runs -------------------------------
echo none >"$KNOB"
if boot 1; then
	w0=$(field writes)
	ms=$(ms_of sh -c "echo 0x0,0x1000 >$KNOB")
	check "run 1: trapping page 0 under a running QEMU 7.2 returns at once (${ms} ms)" \
		test "$ms" -lt 2000
	check "run 1: QEMU never attached the remap irq, the driver stays conservative" \
		test "$(field mode)" = conservative
	sleep 5	# the guest keeps programming DMA through BAR0
	check "run 1: the guest still reaches the device through QEMU's old mapping (no write reached the driver: $(field writes))" \
		test "$(field writes)" = "$w0"
	check "run 1: the request stays unacknowledged" \
		test "$(field acked)" = 0 -a "$(field requested)" -gt 0
	finish 1
	check "run 1: QEMU's exit closed the device with the request outstanding" \
		test "$(field mode)" = closed
fi
echo none >"$KNOB"

# ---- 2. QEMU 7.2 opens the device while page 0 is trapped ------------------
echo 0x0,0x1000 >"$KNOB"
w0=$(field writes)
if boot 2; then
	check "run 2: a trap set at open holds at once (mode trapping)" \
		test "$(field mode)" = trapping
	w1=$(field writes)
	check "run 2: QEMU followed the sparse-mmap areas: the guest's register writes reach the driver ($((w1 - w0)))" \
		test "$w1" -gt "$w0"
	finish 2
fi
echo none >"$KNOB"
exit 0
