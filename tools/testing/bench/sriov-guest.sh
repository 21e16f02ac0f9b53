#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark section "sriov", in-guest half (bench.sh boots it once, with an
# igb device): live migrations of the L2 guest on an 82576 VF while it
# pings the PF side every 50 ms, QEMU 7.2 (v1) with QEMU's defaults,
#   precise    igb_vf_migration reports the pages the VF writes
#   all-dirty  igb_vf_migration all_dirty=1: type1 reports all memory dirty
# Prints one raw line per run on stdout:
#   run <label> <status> <total-ms> <downtime-ms> <gap-ms> <guest-ok>
# usage: sriov-guest.sh <precise runs> <all-dirty cap seconds>
set -u
. "$VMT_TOP/tools/testing/vm/guest-lib.sh"
. "$VMT_TOP/tools/testing/e2e/l2lib.sh"
. "$VMT_TOP/tools/testing/e2e/sriov-lib.sh"

runs=${1:-3}
cap=${2:-120}
trap 'l2_stop_all; l2_netns_teardown' EXIT

raw() {
	echo "run $1 ${SRIOV_STATUS// /_} ${SRIOV_TOTAL_MS:--} ${SRIOV_DOWNTIME_MS:--} $(sriov_gap gap_ms | grep . || echo -) ${SRIOV_GUEST_OK:-0}"
}

# VF 1 starts bare each time, as in the suite.
migrate() {
	ip link set "$SRIOV_PF" vf 1 mac 00:00:00:00:00:00 vlan 0 2>/dev/null
	sriov_migrate v1 "$1"
	raw "$1"
}

sriov_prepare >"$VMT_DIR/sriov-prepare.log" 2>&1 ||
	{ echo "# sriov bench: setup failed"; exit 1; }
echo "# sriov bench: L2 accel $L2ACCEL_NAME, $runs precise runs, all-dirty capped at ${cap}s"

for ((i = 1; i <= runs; i++)); do
	migrate precise
done

# all_dirty is a load-time parameter: reload the driver under the VFs.
for vf in "${SRIOV_VFS[@]:0:2}"; do
	unbind_vfio "$vf"
done
rmmod igb_vf_migration || { echo "# sriov bench: cannot unload igb_vf_migration"; exit 1; }
modprobe igb_vf_migration all_dirty=1 || exit 1
for vf in "${SRIOV_VFS[@]:0:2}"; do
	bind_vfio "$vf" || { echo "# sriov bench: cannot bind $vf"; exit 1; }
done
SRIOV_TIMEOUT=$cap migrate all-dirty
exit 0
