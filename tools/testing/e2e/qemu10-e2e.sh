#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "qemu10-e2e": QEMU 10.0 (migration protocol v2) live-migrates the
# same L2 guest and edu device as suite qemu-e2e, with default migration
# parameters and enable-migration=auto, between network namespaces over
# TCP; then the upgrade path, QEMU 7.2 (v1) to QEMU 10.0 (v2).  Runs
# inside the test guest.
set -u
. "$VMT_TOP/tools/testing/vm/guest-lib.sh"
. "$VMT_TOP/tools/testing/e2e/l2lib.sh"
. "$VMT_TOP/tools/testing/e2e/migrate-lib.sh"

trap 'l2_stop_all; l2_netns_teardown' EXIT
QEMU10="$VMT_TOP/scripts/qemu10.sh run"

if ! "$VMT_TOP/scripts/qemu10.sh" run --version >/dev/null 2>&1; then
	tap_not_ok "QEMU 10.0 runs in the test guest (scripts/qemu10.sh)"
	exit 1
fi
if ! e2e_prepare; then
	tap_not_ok "two edu devices bound to vfio-pci with edu_migration, namespaces set up"
	exit 1
fi
tap_ok "QEMU $("$VMT_TOP/scripts/qemu10.sh" run --version | awk 'NR==1 {print $4}') ready, L2 accel $L2ACCEL_NAME"

# Both ends QEMU 10.0: protocol v2, device dirty tracking.
L2QEMU=$QEMU10 L2_VFIO_OPTS=enable-migration=auto e2e_migrate v2
e2e_report v2
tap_result "QEMU 10.0 migration completed with default parameters" \
	"$([ "$E2E_STATUS" = completed ]; echo $?)"
e2e_tap_success
tap_result "QEMU 10.0 used the device's DMA log for dirty tracking" \
	"$(dmesg | grep -q 'device DMA logging started'; echo $?)"

# Upgrade path: a QEMU 7.2 source (v1) to a QEMU 10.0 destination (v2),
# on a machine type both know.
E2E_DST_QEMU=$QEMU10 E2E_DST_VFIO_OPTS=enable-migration=on \
	E2E_MACHINE=pc-q35-7.2 e2e_migrate upgrade
e2e_report upgrade
if [ "$E2E_STATUS" = completed ] && [ "$E2E_GUEST_OK" = 1 ] && [ "$E2E_WHERE" = dst ]; then
	tap_ok "upgrade path: QEMU 7.2 (v1) to QEMU 10.0 (v2) migrates, every check passes"
else
	tap_not_ok "upgrade path: QEMU 7.2 (v1) to QEMU 10.0 (v2) migrates ($E2E_STATUS)"
	tail -n 5 "$L2DIR/dst-qemu.log" | tap_diag
fi
exit 0
