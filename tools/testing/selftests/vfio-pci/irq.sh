#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "irq": device-specific irqs and the remap protocol in the test
# guest.  edu device 0 is owned by samples/vfio-pci/edu_remap (one remap
# irq, a knob that traps BAR0 pages), edu device 1 by vfio_pci_test_vendor
# (a vendor driver without irqs).  vfio_irq (a kselftest harness
# program) runs the uAPI tests, driving the reference client's library
# (remap_client.c); then the reference client program itself follows a
# trap and an untrap, and irq-qemu.sh runs stock QEMU 7.2 (which never
# opts in) on the device.  Runs inside the guest (see run-vm.sh).
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

TESTMOD=vfio_pci_test_vendor
KNOB=/sys/module/edu_remap/parameters/trap
DEBUGFS=/sys/kernel/debug
WORK=/tmp/irq
mkdir -p "$WORK"

check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_not_ok "$name"; fi
}

owner() { cat "$PCI/devices/$1/vfio_vendor_driver" 2>/dev/null || echo "<none>"; }

mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -lt 2 ]; then
	tap_not_ok "two edu devices are present (found ${#edus[@]})"
	exit 1
fi
remap=${edus[0]}
plain=${edus[1]}

mountpoint -q "$DEBUGFS" || mount -t debugfs debugfs "$DEBUGFS"
module_only_edu_sample edu_remap
modprobe vfio-pci
# The test vendor registers first and takes the plain device; told to
# decline (ENODEV) from then on, it lets the next bind go to edu_remap.
modprobe "$TESTMOD"
vfio_bind "$plain"
echo 19 >"/sys/module/$TESTMOD/parameters/probe_errno"
vfio_bind "$remap"
check "edu_remap is autoloaded by its alias and owns $remap" \
	test "$(owner "$remap")" = edu_remap
check "a vendor driver without irqs (test_vendor) owns $plain" \
	test "$(owner "$plain")" = test_vendor
check "edu_remap's debugfs status for $remap says closed, nothing trapped" \
	grep -qx "mode closed" "$DEBUGFS/edu_remap/$remap"

# The knob refuses what it cannot apply and keeps its value.
bad=0
for v in bogus 0x1,0x1000 0x0,0x1001 0x0,0 0x0,0x200000 0x100000,0x1000; do
	echo "$v" >"$KNOB" 2>/dev/null && { bad=1; echo "# accepted $v"; }
done
check "the trap knob refuses unaligned, empty and out-of-BAR ranges" \
	test $bad = 0 -a "$(cat "$KNOB")" = none

VFIO_TEST_REMAP_BDF=$remap VFIO_TEST_PLAIN_BDF=$plain "$BIN/vfio_irq" \
	>"$WORK/vfio_irq.out" 2>"$WORK/vfio_irq.err"
tap_harness vfio_irq "$?" <"$WORK/vfio_irq.out"
sed 's/^/# stderr: /' "$WORK/vfio_irq.err"

# ---- the reference client program, end to end -----------------------------
echo none >"$KNOB"
out=/tmp/vfio_remap_client.out
"$BIN/vfio_remap_client" -n 2 -t 120 "$remap" >"$out" 2>&1 &
pid=$!

# wait_for <regex> <seconds>: until the client printed a matching line.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -qE "$1" "$out" && return 0
		kill -0 "$pid" 2>/dev/null || { grep -qE "$1" "$out"; return; }
		sleep 0.1
	done
	return 1
}

ok=1
wait_for '^ready$' 60 || ok=0
[ $ok = 1 ] && echo 0x0,0x1000 >"$KNOB"
[ $ok = 1 ] && { wait_for '^acked generation 1 ' 60 || ok=0; }
trapped=$(grep -c '^mode trapping$' "$DEBUGFS/edu_remap/$remap")
[ $ok = 1 ] && echo none >"$KNOB"
wait "$pid"
rc=$?
expect=(
	'^remap irq: index 5$'
	'^region 0: mapped \[0x0, 0x100000\)$'
	'^opted in: eventfd attached to irq 5$'
	'^region 0: unmapped \[0x0, 0x100000\)$'
	'^region 0: mapped \[0x1000, 0x100000\)$'
	'^acked generation 1 \(regions 0x1\)$'
	'^region 0: unmapped \[0x1000, 0x100000\)$'
	'^acked generation 2 \(regions 0x1\)$'
	'^done: 2 requests acknowledged, 0 stale'
)
missing=()
for re in "${expect[@]}"; do
	grep -qE "$re" "$out" || missing+=("$re")
done
if [ $ok = 1 ] && [ $rc = 0 ] && [ ${#missing[@]} = 0 ] && [ "$trapped" = 1 ]; then
	tap_ok "vfio_remap_client follows a trap and an untrap: remaps, acknowledges, exits 0"
else
	tap_not_ok "vfio_remap_client follows a trap and an untrap: remaps, acknowledges, exits 0"
	tap_diag <<<"exit status $rc, driver trapping after the first ack: $trapped, missing: ${missing[*]}"
	tap_diag <"$out"
fi

# ---- stock QEMU 7.2, a VMM that never opts in ------------------------------
"$VMT_TOP/tools/testing/selftests/vfio-pci/irq-qemu.sh" "$remap"

echo none >"$KNOB"
failures=$(stats_value "$DEBUGFS/edu_remap/$remap" trap_failures)
check "edu_remap applied every trap change to the device ($failures failures)" \
	test "$failures" = 0
vfio_unbind "$remap"
vfio_unbind "$plain"
check "edu_remap, the test vendor and vfio-pci unload (no reference left behind)" \
	rmmod edu_remap "$TESTMOD" vfio_pci
exit 0
