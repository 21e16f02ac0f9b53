#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark section "sriov", in-guest half (bench.sh boots it once, with an
# igb device): live migrations of the L2 guest on an 82576 VF while it
# pings the PF side every 50 ms, with QEMU's defaults.  The destination VF
# carries the administrator's settings, as an operator (or libvirt) sets
# it up, and the driver verifies them (the default policy).
#   v1 modes, QEMU 7.2:
#     precise    igb_vf_migration reports the pages the VF writes
#     all-dirty  igb_vf_migration all_dirty=1: type1 reports all memory dirty
#   v2 modes, QEMU 10.0, taking turns run by run:
#     v2         with igb_vf_migration's pre-copy part (kernels with PRE_COPY)
#     v2-nopart  the part turned off (vfio_pci.precopy_part=0)
#     v2-nodev   the same L2 guest without any device: the baseline
# Prints one raw line per run on stdout:
#   run <label> <status> <total-ms> <downtime-ms> <gap-ms> <guest-ok>
# and for each v2 run "part <label> yes|no" (the destination loaded a
# pre-copy part).
# usage: sriov-guest.sh <runs per mode> <all-dirty cap seconds> [v1|v2]
#   (default: v2 on kernels with PRE_COPY, else v1)
set -u
. "$VMT_TOP/tools/testing/vm/guest-lib.sh"
. "$VMT_TOP/tools/testing/e2e/l2lib.sh"
. "$VMT_TOP/tools/testing/e2e/sriov-lib.sh"

runs=${1:-3}
cap=${2:-120}
modes=${3:-}
if [ -z "$modes" ]; then
	modes=v1
	v2_kernel_options | grep -q -- --precopy && modes=v2
fi
trap 'l2_stop_all; l2_netns_teardown' EXIT

raw() {
	echo "run $1 ${SRIOV_STATUS// /_} ${SRIOV_TOTAL_MS:--} ${SRIOV_DOWNTIME_MS:--} $(sriov_gap gap_ms | grep . || echo -) ${SRIOV_GUEST_OK:-0}"
}

# VF 1 set up as VF 0 each time, as the operator would.
migrate() {
	ip link set "$SRIOV_PF" vf 1 mac "$SRIOV_MAC" vlan "$SRIOV_VLAN" || return 1
	sriov_migrate "$1" "$2"
	raw "$2"
}

sriov_prepare >"$VMT_DIR/sriov-prepare.log" 2>&1 ||
	{ echo "# sriov bench: setup failed"; exit 1; }
echo "# sriov bench: L2 accel $L2ACCEL_NAME, $runs runs per mode ($modes), all-dirty capped at ${cap}s"

if [ "$modes" = v2 ]; then
	v2_modes=(v2 v2-nodev)
	v2_kernel_options | grep -q -- --precopy && v2_modes=(v2 v2-nopart v2-nodev)
	part=/sys/module/vfio_pci/parameters/precopy_part
	for ((i = 1; i <= runs; i++)); do
		for m in "${v2_modes[@]}"; do
			dmesg -C
			case $m in
			v2) migrate v2 v2 ;;
			v2-nopart)
				echo 0 >"$part"
				migrate v2 v2-nopart
				echo 1 >"$part"
				;;
			v2-nodev)
				sriov_migrate_nodev v2 v2-nodev
				raw v2-nodev
				;;
			esac
			if grep -q 'migration: pre-copy part loaded' "$L2DIR/dmesg.txt" 2>/dev/null; then
				echo "part $m yes"
			else
				echo "part $m no"
			fi
		done
	done
	exit 0
fi

for ((i = 1; i <= runs; i++)); do
	migrate v1 precise
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
SRIOV_TIMEOUT=$cap migrate v1 all-dirty
exit 0
