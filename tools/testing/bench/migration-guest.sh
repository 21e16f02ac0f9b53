#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark section "migration", in-guest half (bench.sh boots it once):
# live migrations of the edu L2 guest with QEMU's default parameters,
#   precise    edu_migration reports its device's writes (v1, QEMU 7.2)
#   all-dirty  edu_migration.all_dirty=1: type1 reports all memory dirty
#   all-dirty, pre-copy dirty tracking off (the way such a setup converges)
#   v2         QEMU 10.0, device DMA logging (type1 tracking where the
#              kernel has no logging: Debian's 6.12); on kernels with
#              PRE_COPY, with edu_migration's pre-copy part
#   v2-nopart  the same without the part (vfio_pci.precopy_part=0; only
#              on kernels with PRE_COPY)
#   v2-nodev   the same guest program and QEMU in VMs without any device:
#              the baseline the device's share of downtime is taken from
# The v2 modes take turns, run by run, so drift in the machine's speed
# falls on each alike.
# Prints one raw line per run on stdout:
#   run <label> <status> <total-ms> <downtime-ms> <device-bytes> <transfers> <guest-ok>
# and for each v2 run "part <label> yes|no" (the destination loaded a
# pre-copy part) and "driver <label> <set-p2p-ms> <save-ms>" (the time
# edu_migration spent in set_p2p, both ends added up: entering P2P waits
# for a transfer in flight; and in save), for v2 "tracking v2 device|iommu",
# and "stop-to-start <label> <ms>" (from the source VM's stop to the
# destination VM's start, QEMU's own checkpoints on one clock; "-" if not
# traced).
# usage: migration-guest.sh <runs per precise/v2 mode> <all-dirty cap seconds>
#                           [v1 | v2 | "v1 v2" (default)]
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/e2e.sh"
. "$VMT_TOP/tools/testing/lib/trace.sh"

runs=${1:-3}
cap=${2:-90}
trap 'l2_stop_all; l2_netns_teardown' EXIT

raw() {
	echo "run $1 $(l2_result status | tr ' ' _) $(l2_result total_ms -) $(l2_result downtime_ms -) $(l2_result device_bytes -) $(l2_result dmas 0) $(l2_result guest_ok 0)"
}

e2e_prepare || { echo "# migration bench: setup failed"; exit 1; }
echo "# migration bench: L2 accel $L2ACCEL_NAME, $runs runs per mode, all-dirty capped at ${cap}s"

modes=${3:-v1 v2}
if [[ " $modes " = *" v1 "* ]]; then
	for ((i = 1; i <= runs; i++)); do
		e2e_migrate precise
		raw precise
	done

	echo 1 >/sys/module/edu_migration/parameters/all_dirty
	E2E_TIMEOUT=$cap e2e_migrate all-dirty
	raw all-dirty
	L2_VFIO_OPTS=x-enable-migration=on,x-pre-copy-dirty-page-tracking=off \
		E2E_TIMEOUT=$cap e2e_migrate all-dirty-notrack
	raw all-dirty-notrack
	echo 0 >/sys/module/edu_migration/parameters/all_dirty
fi
[[ " $modes " = *" v2 "* ]] || exit 0

# Without device DMA logging (Debian's 6.12) QEMU's default refuses the
# device: "on" migrates it with type1 tracking (see qemu10-e2e.sh).
v2_opts=enable-migration=auto
guest_v2_env | grep -qx VFIO_TEST_NO_LOGGING=1 && v2_opts=enable-migration=on
v2_modes=(v2 v2-nodev)
guest_v2_env | grep -qx VFIO_TEST_PRECOPY=1 && v2_modes=(v2 v2-nopart v2-nodev)
part=/sys/module/vfio_pci/parameters/precopy_part
trace_setup edu_set_p2p edu_save ||
	echo "# migration bench: no function graph tracer, no driver figures"
# Both QEMU 10.0 ends log their downtime checkpoints.
export L2_QEMU_MORE=$QEMU_CHECKPOINTS
for ((i = 1; i <= runs; i++)); do
	for m in "${v2_modes[@]}"; do
		trace_clear
		[ "$m" = v2-nopart ] && echo 0 >"$part"
		E2E_NODEV=$([ "$m" = v2-nodev ] && echo 1 || echo 0) \
		L2QEMU="$VMT_TOP/scripts/qemu10.sh run" L2_VFIO_OPTS=$v2_opts \
			e2e_migrate "$m"
		raw "$m"
		[ "$m" = v2-nopart ] && echo 1 >"$part"
		# Whether the destination took a part (proof the modes differ).
		if dmesg | grep -q 'migration: pre-copy part loaded'; then
			echo "part $m yes"
		else
			echo "part $m no"
		fi
		echo "driver $m $(trace_ms edu_set_p2p) $(trace_ms edu_save)"
		echo "stop-to-start $m $(trace_stop_to_start_ms "$L2DIR/src-qemu.log" "$L2DIR/dst-qemu.log")"
		[ "$m" = v2 ] || continue
		if dmesg | grep -q 'device DMA logging started'; then
			echo "tracking v2 device"
		else
			echo "tracking v2 iommu"
		fi
	done
done
exit 0
