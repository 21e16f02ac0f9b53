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
#     v2-reset   the destination tells the guest's driver of a VF reset
#                instead of resuming the VF (igb_vf_migration.guest_reset=1)
#     v2-nodev   the same L2 guest without any device: the baseline
#     v2-emul    the same L2 guest and stream on an emulated NIC
#                (virtio-net) instead of the VF: the gap a guest feels
#                when no VF is involved at all
# Prints one raw line per run on stdout:
#   run <label> <status> <total-ms> <downtime-ms> <gap-ms> <guest-ok>
# and for each v2 run "part <label> yes|no <restore-ms>" (the destination
# loaded a pre-copy part; the destination VF's switch-over work) and
# "driver <label> <restore-ms> <prepare-ms> <stop-save-ms>" (the driver's
# own share of it, igb_vfm_restore(); the preparation done before the
# switch-over, igb_vfm_prepare(); the source's stop and save inside QEMU's
# downtime, igb_vfm_stop() and nic_vf_state_save(); "-" where none ran), timed
# by the kernel's function graph tracer with only those functions hooked,
# and "stop-to-start <label> <ms>" (from the source VM's stop to the
# destination VM's start, QEMU's own checkpoints on one clock: the outage
# the guest has, destination work included; "-" if not traced).
# usage: sriov-guest.sh <runs per mode> <all-dirty cap seconds> [v1|v2]
#   (default: v2 on kernels with PRE_COPY, else v1)
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/sriov.sh"
. "$VMT_TOP/tools/testing/lib/trace.sh"

runs=${1:-3}
cap=${2:-120}
modes=${3:-}
if [ -z "$modes" ]; then
	modes=v1
	guest_v2_env | grep -qx VFIO_TEST_PRECOPY=1 && modes=v2
fi
trap 'l2_stop_all; sriov_emul_net_teardown; l2_netns_teardown' EXIT

raw() {
	echo "run $1 $(l2_result status | tr " " _) $(l2_result total_ms -) $(l2_result downtime_ms -) $(sriov_gap gap_ms | grep . || echo -) $(l2_result guest_ok 0)"
}

# Milliseconds from the destination's "device state loaded" to its
# "restored:" line (the switch-over work on the destination VF, which
# QEMU's downtime figure does not see: it is taken on the source), or -.
restore_ms() {
	awk 'match($0, /^\[ *[0-9.]+\]/) { t = substr($0, 2, RLENGTH - 2) + 0 }
	     /migration: device state loaded/ { t0 = t }
	     /restored: administrator settings/ && t0 { t1 = t }
	     END { if (t0 && t1) printf "%.1f\n", (t1 - t0) * 1000; else print "-" }' \
		"$L2DIR/dmesg.txt" 2>/dev/null || echo -
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
	trace_setup igb_vfm_restore igb_vfm_prepare igb_vfm_stop nic_vf_state_save ||
		echo "# sriov bench: no function graph tracer, no driver figures"
	# Both QEMU 10.0 ends log their downtime checkpoints.
	export L2_QEMU_MORE=$QEMU_CHECKPOINTS
	v2_modes=(v2 v2-reset v2-nodev v2-emul)
	guest_v2_env | grep -qx VFIO_TEST_PRECOPY=1 &&
		v2_modes=(v2 v2-nopart v2-reset v2-nodev v2-emul)
	sriov_emul_net_setup >>"$VMT_DIR/sriov-prepare.log" 2>&1 ||
		{ echo "# sriov bench: no network for the emulated NIC"; exit 1; }
	part=/sys/module/vfio_pci/parameters/precopy_part
	reset=/sys/module/igb_vf_migration/parameters/guest_reset
	for ((i = 1; i <= runs; i++)); do
		for m in "${v2_modes[@]}"; do
			dmesg -C
			trace_clear
			case $m in
			v2) migrate v2 v2 ;;
			v2-nopart)
				echo 0 >"$part"
				migrate v2 v2-nopart
				echo 1 >"$part"
				;;
			v2-reset)
				echo 1 >"$reset"
				migrate v2 v2-reset
				echo 0 >"$reset"
				;;
			v2-nodev)
				sriov_migrate_nodev v2 v2-nodev
				raw v2-nodev
				;;
			v2-emul)
				sriov_migrate_nodev v2 v2-emul emul
				raw v2-emul
				;;
			esac
			if grep -q 'migration: pre-copy part loaded' "$L2DIR/dmesg.txt" 2>/dev/null; then
				echo "part $m yes $(restore_ms)"
			else
				echo "part $m no $(restore_ms)"
			fi
			echo "driver $m $(trace_ms igb_vfm_restore) $(trace_ms igb_vfm_prepare)" \
				"$(trace_ms igb_vfm_stop nic_vf_state_save)"
			echo "stop-to-start $m $(trace_stop_to_start_ms "$L2DIR/src-qemu.log" "$L2DIR/dst-qemu.log")"
		done
	done
	exit 0
fi

for ((i = 1; i <= runs; i++)); do
	migrate v1 precise
done

# all_dirty is a load-time parameter: reload the driver under the VFs.
for vf in "${SRIOV_VFS[@]:0:2}"; do
	vfio_unbind "$vf"
done
rmmod igb_vf_migration || { echo "# sriov bench: cannot unload igb_vf_migration"; exit 1; }
modprobe igb_vf_migration all_dirty=1 || exit 1
for vf in "${SRIOV_VFS[@]:0:2}"; do
	vfio_bind "$vf" || { echo "# sriov bench: cannot bind $vf"; exit 1; }
done
SRIOV_TIMEOUT=$cap migrate v1 all-dirty
exit 0
