#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "migration": the v1 migration region driven by a userspace client
# (no QEMU), on two edu devices owned by the edu_migration sample.
# Runs inside the test guest.
set -u
. "$VMT_TOP/tools/testing/vm/guest-lib.sh"

only_edu_sample edu_migration
modprobe vfio-pci

mapfile -t edus < <(edu_devices)
if [ ${#edus[@]} -lt 2 ]; then
	tap_not_ok "two edu devices present"
	exit 1
fi
owners=
for bdf in "${edus[@]:0:2}"; do
	bind_vfio "$bdf"
	owners+=" $(cat "$PCI/devices/$bdf/vfio_vendor_driver")"
done
tap_result "edu_migration autoloaded and owns both edu devices" \
	"$([ "$owners" = " edu_migration edu_migration" ]; echo $?)"

"$BIN/vfio_migration" "${edus[0]}" "${edus[1]}"

# Every rejected stream left a reason in the kernel log.
tap_result "rejections are logged (dmesg names the reason)" \
	"$(dmesg | grep -q 'migration: stream rejected: stream checksum mismatch' &&
	   dmesg | grep -q 'saved from a different PCI device'; echo $?)"

for bdf in "${edus[@]:0:2}"; do
	unbind_vfio "$bdf"
done
tap_check "edu_migration and vfio-pci unload after the devices are released" \
	modprobe -r edu_migration vfio-pci
exit 0
