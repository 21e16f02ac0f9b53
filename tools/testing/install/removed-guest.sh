#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install suite, in the test guest booted on the root the package was
# purged from: Debian's own vfio-pci is what loads and binds again.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

tap_result "the package is gone from this root" \
	"$(! dpkg-query -W vfio-pci-vendor-ops-dkms >/dev/null 2>&1; echo $?)"
path=$(modinfo -n vfio-pci 2>&1)
case $path in
"/lib/modules/$KVER/kernel/drivers/vfio/pci/vfio-pci.ko"*) rc=0 ;;
*) rc=1 ;;
esac
tap_result "modinfo -n vfio-pci: the kernel's own again, $path" $rc
aliases=$(grep -c 'vfio-pci:' "/lib/modules/$KVER/modules.alias")
tap_result "no vendor alias left in modules.alias ($aliases)" \
	"$([ "$aliases" = 0 ]; echo $?)"

mapfile -t edus < <(pci_edu_devices)
dev0=${edus[0]}
tap_check "modprobe vfio-pci" modprobe vfio-pci
tap_result "the loaded vfio-pci is the kernel's (no version, no vendor_drivers parameter)" \
	"$([ ! -e /sys/module/vfio_pci/version ] &&
	   [ ! -e /sys/module/vfio_pci/parameters/vendor_drivers ]; echo $?)"
tap_check "stock vfio-pci binds $dev0" vfio_bind "$dev0"
tap_result "... without a vendor (no vfio_vendor_driver attribute)" \
	"$([ ! -e "$PCI/devices/$dev0/vfio_vendor_driver" ]; echo $?)"
tap_check "... and the device works through the VFIO uAPI" "$BIN/vfio_edu_id" "$dev0"
ours=$(lsmod | awk 'NR > 1 { print $1 }' |
       grep -E '^(edu_|i40e_vf_migration|igb_vf_migration|vfio_pci_nic_vf)')
tap_result "no module of ours is loaded${ours:+ ($ours)}" "$([ -z "$ours" ]; echo $?)"
vfio_unbind "$dev0"
tap_check "stock vfio-pci unloads" modprobe -r vfio-pci
exit 0
