#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo's in-guest half (see demo.sh).
set -u
. "$VMT_TOP/tools/testing/vm/guest-lib.sh"

fail() { echo "demo: FAILED: $*"; exit 1; }

mapfile -t edus < <(edu_devices)
[ ${#edus[@]} -ge 1 ] || fail "no edu device in the guest"
bdf=${edus[0]}
echo "demo: edu device $bdf in IOMMU group $(iommu_group_of "$bdf")"

modprobe vfio-pci || fail "modprobe vfio-pci"
echo "demo: loaded vfio-pci from $(modinfo -n vfio-pci)"
bind_vfio "$bdf" || fail "binding $bdf to vfio-pci"
echo "demo: $bdf bound to $(pci_driver_of "$bdf"), vendor driver: $(cat "$PCI/devices/$bdf/vfio_vendor_driver")"
out=$("$BIN/vfio_edu_id" "$bdf") || fail "reading the ID register: $out"
echo "demo: $out (read with pread on /dev/vfio/$(iommu_group_of "$bdf"))"
unbind_vfio "$bdf"
echo "demo: passthrough ok"
