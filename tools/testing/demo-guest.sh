#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo's in-guest half (see demo.sh): an edu device through our
# vfio-pci, then live migrations of a nested guest that uses it, by
# Debian's QEMU 7.2 (protocol v1) and by QEMU 10.0 (protocol v2).
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/e2e.sh"

trap 'l2_stop_all; l2_netns_teardown' EXIT
fail() { echo "demo: FAILED: $*"; exit 1; }

if ! e2e_prepare; then
	fail "binding two edu devices to vfio-pci with edu_migration"
fi
src=${E2E_EDU[0]} dst=${E2E_EDU[1]}
echo "demo: vfio-pci from $(modinfo -n vfio-pci)"
for bdf in "$src" "$dst"; do
	echo "demo: $bdf (IOMMU group $(pci_iommu_group "$bdf")) bound to $(pci_driver_of "$bdf"), vendor driver $(cat "$PCI/devices/$bdf/vfio_vendor_driver")"
done
out=$("$BIN/vfio_edu_id" "$src") || fail "reading the ID register: $out"
echo "demo: $out, read with pread() on the VFIO device file"

# One migration; prints its figures and checks, returns its verdict.
demo_migrate() {
	local label=$1 what
	shift
	echo "demo: $label: L2 guest (128 MiB, $L2ACCEL_NAME) with edu $src assigned, migrating to edu $dst over TCP (namespaces l2src -> l2dst)"
	"$@"
	echo "demo: $label: QEMU says: $(l2_result status), total $(l2_result total_ms ?) ms, downtime $(l2_result downtime_ms ?) ms; device state $(l2_result device_bytes ?) bytes"
	echo "demo: $label: the guest issued $(l2_result dmas) device-to-RAM transfers across the migration, then checked on the $(l2_result where ?) side:"
	while read -r what; do
		[ -n "$what" ] && echo "demo: $label:   ${what#EDU-CHECK }"
	done <<<"$(l2_result checks)"
	[ "$(l2_result status)" = completed ] && [ "$(l2_result where)" = dst ] && [ "$(l2_result guest_ok)" = 1 ]
}

v1=fail v2=fail
demo_migrate "QEMU $(qemu-system-x86_64 --version | awk 'NR==1 {print $4}') (v1)" \
	e2e_migrate good && v1=ok
if L2QEMU="$VMT_TOP/scripts/qemu10.sh run" L2_VFIO_OPTS=enable-migration=auto \
	demo_migrate "QEMU 10.0 (v2)" e2e_migrate v2; then
	v2=ok
	dmesg | grep -q 'device DMA logging started' &&
		echo "demo: QEMU 10.0 (v2): dirty pages came from the device's DMA log"
fi

echo "demo: v1 migration $v1, v2 migration $v2"
[ "$v1" = ok ] && [ "$v2" = ok ] || fail "a migration did not pass every check"
echo "demo: migration ok"
