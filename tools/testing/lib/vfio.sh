# SPDX-License-Identifier: GPL-2.0-only
#
# Binding devices to vfio-pci, ours or Debian's, and who owns them
# (vfio_*).  In the guest (guest.sh).

# The in-tree (Debian) module file of a module name (6.12's are xz'd).
vfio_stock_module() {
	local f
	for f in "/lib/modules/$KVER/kernel/drivers/vfio/pci/$1.ko"*; do
		echo "$f"
		return 0
	done
}

# Load Debian's stock vfio-pci (our module has the same name, so at most
# one of the two is loaded at a time).
vfio_load_stock() {
	modprobe vfio-pci-core && insmod "$(vfio_stock_module vfio-pci)" "$@"
}

# Bind a device to vfio-pci through driver_override.
vfio_bind() {
	pci_unbind "$1"
	echo vfio-pci >"$PCI/devices/$1/driver_override"
	echo "$1" >"$PCI/drivers_probe"
	[ "$(pci_driver_of "$1")" = vfio-pci ]
}

vfio_unbind() {
	pci_unbind "$1"
	echo >"$PCI/devices/$1/driver_override"
}

# The vendor driver that owns a device bound to our vfio-pci ("none" for
# the default ops), or "<no attribute>" (not bound to it, or stock).
vfio_owner() {
	cat "$PCI/devices/$1/vfio_vendor_driver" 2>/dev/null || echo "<no attribute>"
}

# vfio_owners_within <seconds> <bdf...>: the devices' owners, once all
# are bound or the time is up.  Binds that vfio-pci's own init defers
# (ids=, a driver_override set before the load) complete from a work item
# after modprobe returns, the vendor module loading only then.
vfio_owners_within() {
	local secs=$1 i d out
	shift
	for ((i = 0; i <= secs * 10; i++)); do
		out=
		for d in "$@"; do out+="${out:+ }$(vfio_owner "$d")"; done
		[[ "$out" = *"<no attribute>"* ]] || break
		sleep 0.1
	done
	echo "$out"
}
