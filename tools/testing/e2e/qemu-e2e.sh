#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "qemu-e2e": Debian's QEMU 7.2 live-migrates an L2 guest whose edu
# device is driven by the edu_migration sample, between two network
# namespaces over TCP; then there and back (the restored device migrates
# on); then three runs that must fail cleanly.  Runs inside the test guest.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/e2e.sh"

trap 'l2_stop_all; l2_netns_teardown' EXIT

if ! e2e_prepare; then
	tap_not_ok "two edu devices bound to vfio-pci with edu_migration, namespaces set up"
	exit 1
fi
tap_ok "two edu devices bound to vfio-pci with edu_migration, L2 accel $L2ACCEL_NAME"

# The real migration.
e2e_migrate good
e2e_report good
tap_result "QEMU 7.2 migration completed over TCP between namespaces" \
	"$([ "$(l2_result status)" = completed ]; echo $?)"
e2e_tap_success
tap_result "device state bytes reported ($(l2_result device_bytes none))" \
	"$([ -n "$(l2_result device_bytes)" ]; echo $?)"

# There and back: the destination's device, restored, is a source in turn.
e2e_migrate roundtrip
e2e_report roundtrip
tap_result "there and back: both migrations completed ($(l2_result status), back: $(l2_result back_status none))" \
	"$([ "$(l2_result status)" = completed ] && [ "$(l2_result back_status)" = completed ]; echo $?)"
tap_result "there and back: the guest program finished on the first device, every check passed ($(l2_result dmas) transfers)" \
	"$([ "$(l2_result where)" = back ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"

# The failure runs share one source, as an operator's VM would live
# through failed attempts: each must leave it running with its device,
# the next migrates it again; the last one's end checks everything the
# source's program saw across all three.
for mode in nosample corrupt cancel; do
	case $mode in
	nosample) what="destination device without the migration sample" ;;
	corrupt) what="device-state stream corrupted in transit" ;;
	cancel) what="migration cancelled during pre-copy" ;;
	esac
	keep=1
	[ "$mode" = cancel ] && keep=0
	E2E_RUN_DIR=$VMT_DIR/l2-failures E2E_KEEP_SRC=$keep e2e_migrate "$mode"
	e2e_report "$mode"
	tap_result "$what: migration does not complete ($(l2_result status))" \
		"$([ "$(l2_result status)" = failed ] || [ "$(l2_result status)" = cancelled ]; echo $?)"
	if [ "$keep" = 1 ]; then
		tap_result "$what: the source guest runs on with its device ($(l2_result dmas) transfers so far)" \
			"$([ "$(l2_result src_on)" = 1 ]; echo $?)"
	else
		tap_result "$what: the source guest runs on, device intact after three failed migrations ($(l2_result dmas) transfers)" \
			"$([ "$(l2_result where)" = src ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
	fi
	if [ "$mode" = corrupt ]; then
		bad=$(e2e_stat dst migration.rejected_checksum)
		tap_result "$what: destination refused it for its checksum ($bad)" \
			"$([ "$bad" -ge 1 ]; echo $?)"
	fi
done
exit 0
