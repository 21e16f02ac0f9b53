#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "migration-v2": migration protocol v2 (device feature, data files,
# DMA logging) driven by a userspace client (no QEMU), on two edu devices
# owned by the edu_migration sample.  Runs inside the test guest.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

module_only_edu_sample edu_migration
modprobe vfio-pci
WORK=/tmp/migration-v2
mkdir -p "$WORK"

mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -lt 2 ]; then
	tap_not_ok "two edu devices present"
	exit 1
fi
for bdf in "${edus[@]:0:2}"; do
	vfio_bind "$bdf"
done

# What the kernel lets the device offer (PRE_COPY, DMA logging) comes in
# the environment, one word per assignment.
# shellcheck disable=SC2046
env $(guest_v2_env) VFIO_TEST_SRC_BDF="${edus[0]}" VFIO_TEST_DST_BDF="${edus[1]}" \
	"$BIN/vfio_migration_v2" >"$WORK/vfio_migration_v2.out" 2>"$WORK/vfio_migration_v2.err"
tap_harness "v2 client" "$?" <"$WORK/vfio_migration_v2.out"
sed 's/^/# stderr: /' "$WORK/vfio_migration_v2.err"

# Writes the sample's filter cannot see are refused: not 4 bytes at a
# register, nor 8 at a 64-bit DMA register, over the factorial or DMA ones.
want=$'2@0x98 EINVAL\n4@0x9a EINVAL\n8@0x94 EINVAL\n1@0x8 EINVAL\n8@0x98 ok\n4@0x9c ok\n2@0x24 ok'
got=$("$BIN/vfio_write_shape" "${edus[0]}" 0 2@0x98 4@0x9a 8@0x94 1@0x08 8@0x98 4@0x9c 2@0x24 2>&1)
tap_result "edu_migration refuses odd-shaped writes over the DMA command and factorial registers, passes the rest ($(tr '\n' ';' <<<"$got"))" \
	"$([ "$got" = "$want" ]; echo $?)"

for bdf in "${edus[@]:0:2}"; do
	vfio_unbind "$bdf"
done
tap_check "edu_migration and vfio-pci unload after the devices are released" \
	modprobe -r edu_migration vfio-pci
exit 0
