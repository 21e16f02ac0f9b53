#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "qemu10-e2e": QEMU 10.0 (migration protocol v2) live-migrates the
# same L2 guest and edu device as suite qemu-e2e, with default migration
# parameters and enable-migration=auto, between network namespaces over
# TCP; then the upgrade path, QEMU 7.2 (v1) to QEMU 10.0 (v2).  Runs
# inside the test guest.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/e2e.sh"

trap 'l2_stop_all; l2_netns_teardown' EXIT
e2e_need_qemu10 || exit 1
if ! e2e_prepare; then
	tap_not_ok "two edu devices bound to vfio-pci with edu_migration, namespaces set up"
	exit 1
fi
tap_ok "QEMU $("$VMT_TOP/scripts/qemu10.sh" run --version | awk 'NR==1 {print $4}') ready, L2 accel $L2ACCEL_NAME"

# Both ends QEMU 10.0: protocol v2.  Where the kernel carries device DMA
# logging (6.1), QEMU's default accepts the device and tracks its writes
# through the log.  Where it cannot (6.7 and later without
# CONFIG_IOMMUFD_DRIVER: Debian's 6.12), QEMU's default refuses a device
# with neither device nor iommufd dirty tracking; enable-migration=on
# migrates it with the IOMMU's (type1) dirty tracking, which the device's
# pre-copy makes precise.
if guest_v2_env | grep -qx VFIO_TEST_NO_LOGGING=1; then
	out=$(QEMU=$QEMU10 e2e_qemu_blockers "vfio-pci,host=${E2E_EDU[0]},enable-migration=auto")
	tap_result "without device DMA logging, QEMU 10.0's enable-migration=auto blocks migration, saying why" \
		"$(grep -q "doesn't support device and IOMMU dirty tracking" <<<"$out"; echo $?)"
	v2_opts=enable-migration=on
	v2_stat=migration.precopy_entered
	v2_what="the IOMMU's dirty tracking, precise from the device's pre-copy"
else
	v2_opts=enable-migration=auto
	v2_stat=migration.logging_started
	v2_what="the device's DMA log"
fi
L2QEMU=$QEMU10 L2_VFIO_OPTS=$v2_opts e2e_migrate v2
e2e_report v2
tap_result "QEMU 10.0 migration completed with default parameters ($v2_opts)" \
	"$([ "$(l2_result status)" = completed ]; echo $?)"
e2e_tap_success
n=$(e2e_stat src "$v2_stat")
tap_result "QEMU 10.0 tracked the device's writes with $v2_what ($v2_stat $n)" \
	"$([ "$n" -ge 1 ]; echo $?)"

# Where the kernel has pre-copy, the device's pre-copy part travels while
# the VM runs; with switchover-ack the source waits for the destination to
# have loaded it before it stops the VM.
if guest_v2_env | grep -qx VFIO_TEST_PRECOPY=1; then
	L2QEMU=$QEMU10 L2_VFIO_OPTS=$v2_opts E2E_CAPS="return-path switchover-ack" \
		e2e_migrate switchover-ack
	e2e_report switchover-ack
	tap_result "QEMU 10.0 with switchover-ack: migration completed, every check passes ($(l2_result status))" \
		"$([ "$(l2_result status)" = completed ] && [ "$(l2_result where)" = dst ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
	n=$(e2e_stat dst migration.precopy_loaded)
	tap_result "the destination loaded the device's pre-copy part before the switch-over ($n)" \
		"$([ "$n" -ge 1 ]; echo $?)"
fi

# Upgrade path: a QEMU 7.2 source (v1) to a QEMU 10.0 destination (v2),
# on a machine type both know.
E2E_DST_QEMU=$QEMU10 E2E_DST_VFIO_OPTS=enable-migration=on \
	E2E_MACHINE=pc-q35-7.2 e2e_migrate upgrade
e2e_report upgrade
if [ "$(l2_result status)" = completed ] && [ "$(l2_result guest_ok)" = 1 ] && [ "$(l2_result where)" = dst ]; then
	tap_ok "upgrade path: QEMU 7.2 (v1) to QEMU 10.0 (v2) migrates, every check passes"
else
	tap_not_ok "upgrade path: QEMU 7.2 (v1) to QEMU 10.0 (v2) migrates ($(l2_result status))"
	tail -n 5 "$L2DIR/dst-qemu.log" | tap_diag
fi
exit 0
