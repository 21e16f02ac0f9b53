# SPDX-License-Identifier: GPL-2.0-only
#
# PCI devices in the guest, through sysfs (pci_*).  Needs PCI and EDU_ID
# (guest.sh).

# BDFs of the devices with a given vendor:device, one per line.
pci_devices() {
	local want_vendor=0x${1%%:*} want_device=0x${1##*:} dev
	for dev in "$PCI"/devices/*; do
		[ "$(cat "$dev/vendor")" = "$want_vendor" ] &&
			[ "$(cat "$dev/device")" = "$want_device" ] &&
			basename "$dev"
	done
}

pci_edu_devices() { pci_devices "$EDU_ID"; }

# Name of the driver a device is bound to, or nothing.
pci_driver_of() {
	local link=$PCI/devices/$1/driver
	[ -e "$link" ] && basename "$(readlink -f "$link")"
}

pci_unbind() {
	local drv
	drv=$(pci_driver_of "$1") || return 0
	[ -n "$drv" ] && echo "$1" >"$PCI/drivers/$drv/unbind"
}

pci_iommu_group() {
	basename "$(readlink -f "$PCI/devices/$1/iommu_group")"
}
