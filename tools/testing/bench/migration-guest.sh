#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark section "migration", in-guest half (bench.sh boots it once):
# live migrations of the edu L2 guest with QEMU's default parameters,
#   precise    edu_migration reports its device's writes (v1, QEMU 7.2)
#   all-dirty  edu_migration.all_dirty=1: type1 reports all memory dirty
#   all-dirty, pre-copy dirty tracking off (the way such a setup converges)
#   v2         QEMU 10.0, device DMA logging (type1 tracking where the
#              kernel has no logging: Debian's 6.12)
# Prints one raw line per run on stdout:
#   run <label> <status> <total-ms> <downtime-ms> <device-bytes> <transfers> <guest-ok>
# usage: migration-guest.sh <runs per precise/v2 mode> <all-dirty cap seconds>
set -u
. "$VMT_TOP/tools/testing/vm/guest-lib.sh"
. "$VMT_TOP/tools/testing/e2e/l2lib.sh"
. "$VMT_TOP/tools/testing/e2e/migrate-lib.sh"

runs=${1:-3}
cap=${2:-90}
trap 'l2_stop_all; l2_netns_teardown' EXIT

raw() {
	echo "run $1 ${E2E_STATUS// /_} ${E2E_TOTAL_MS:--} ${E2E_DOWNTIME_MS:--} ${E2E_DEVICE_BYTES:--} ${E2E_DMAS:-0} ${E2E_GUEST_OK:-0}"
}

e2e_prepare || { echo "# migration bench: setup failed"; exit 1; }
echo "# migration bench: L2 accel $L2ACCEL_NAME, $runs runs per mode, all-dirty capped at ${cap}s"

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

# Without device DMA logging (Debian's 6.12) QEMU's default refuses the
# device: "on" migrates it with type1 tracking (see qemu10-e2e.sh).
v2_opts=enable-migration=auto
v2_kernel_options | grep -q -- --no-logging && v2_opts=enable-migration=on
for ((i = 1; i <= runs; i++)); do
	L2QEMU="$VMT_TOP/scripts/qemu10.sh run" L2_VFIO_OPTS=$v2_opts \
		e2e_migrate v2
	raw v2
	if dmesg | grep -q 'device DMA logging started'; then
		echo "tracking v2 device"
	else
		echo "tracking v2 iommu"
	fi
done
exit 0
