# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for scripts that run inside the test guest (sourced by the job
# run-vm.sh writes).  VMT_TOP is the source tree (read-only here), OUT its
# build output, KVER the running kernel.

. "$VMT_TOP/tools/testing/lib/tap.sh"

BIN=$OUT/bin
EDU_ID=1234:11e8
PCI=/sys/bus/pci

# Install our modules under updates/ so kmod prefers them to the in-tree
# ones of the same name (depmod searches updates/ first), as an operator's
# "make modules_install" of an out-of-tree build would.  The index was made
# on the host by mkmodtree.sh.
guest_setup() {
	# Unset in a guest that uses what is installed (run-vm.sh --no-modtree).
	if [ -n "${VMT_MODTREE:-}" ]; then
		cp -a "$VMT_MODTREE/lib/modules/$KVER/." "/lib/modules/$KVER/"
	fi
	mkdir -p /run/modprobe.d
}

# A hung job can leave nothing on the console: tasks asleep killably (9p
# requests, mmap_lock) escape the hung-task detector and a test's own
# alarm(), and a hang in user space trips no detector at all.  So shortly
# before the host's limit, write each user task's state, wait channel and
# kernel stack to @2 (default the console; there, also the kernel's list of
# blocked tasks and each CPU's backtrace).  After the sleep only shell
# builtins and /proc: the host's root may be what hangs.
guest_watchdog() (
	local secs=$1 to=${2:-/dev/console} stat pid rest comm state ppid
	local wchan line
	sleep "$secs" || return
	exec >"$to" 2>&1
	echo "vmtest-watchdog: the job still runs after ${secs}s; user tasks:"
	for stat in /proc/[0-9]*/task/[0-9]*/stat; do
		read -r line <"$stat" 2>/dev/null || continue
		pid=${line%% *}
		comm=${line#*(}
		comm=${comm%)*}
		rest=${line##*) }
		state=${rest%% *}
		rest=${rest#* }
		ppid=${rest%% *}
		# Kernel threads and this shell tell nothing.
		if [ "$pid" = 2 ] || [ "$ppid" = 2 ] || [ "$pid" = "$BASHPID" ]; then
			continue
		fi
		wchan=
		read -r wchan <"${stat%/stat}/wchan" 2>/dev/null
		echo "vmtest-watchdog: $pid ($comm) state $state wchan ${wchan:-?}"
		while read -r line; do
			echo "vmtest-watchdog:    $line"
		done <"${stat%/stat}/stack" 2>/dev/null
	done
	if [ "$to" = /dev/console ]; then
		echo w >/proc/sysrq-trigger
		echo l >/proc/sysrq-trigger
	fi
)

# The in-tree (Debian) module file of a module name (6.12's are xz'd).
stock_module() {
	local f
	for f in "/lib/modules/$KVER/kernel/drivers/vfio/pci/$1.ko"*; do
		echo "$f"
		return 0
	done
}

# Load Debian's stock vfio-pci (our module has the same name, so at most
# one of the two is loaded at a time).
load_stock_vfio_pci() {
	modprobe vfio-pci-core && insmod "$(stock_module vfio-pci)" "$@"
}

# kernel_at_least <major> <minor>: is the running kernel that release or
# later?
kernel_at_least() {
	local v=${KVER%%[-+]*} maj min
	maj=${v%%.*}
	min=${v#*.}
	min=${min%%.*}
	[ "$maj" -gt "$1" ] || { [ "$maj" -eq "$1" ] && [ "$min" -ge "$2" ]; }
}

# What the running kernel lets a vendor offer a v2 migration client, as
# vfio_migration_v2's environment, one assignment a line (for env, or
# grep -qx): VFIO_TEST_PRECOPY=1 from 6.2 (PRE_COPY), and
# VFIO_TEST_NO_LOGGING=1 where the kernel is 6.7 or later without
# CONFIG_IOMMUFD_DRIVER (the bitmap DMA logging reports go through lives
# there).
v2_kernel_env() {
	kernel_at_least 6 2 && echo VFIO_TEST_PRECOPY=1
	if kernel_at_least 6 7 &&
	   ! grep -q '^CONFIG_IOMMUFD_DRIVER=y' "/boot/config-$KVER"; then
		echo VFIO_TEST_NO_LOGGING=1
	fi
	return 0
}

# BDFs of the devices with a given vendor:device, one per line.
pci_devices() {
	local want_vendor=0x${1%%:*} want_device=0x${1##*:} dev
	for dev in "$PCI"/devices/*; do
		[ "$(cat "$dev/vendor")" = "$want_vendor" ] &&
			[ "$(cat "$dev/device")" = "$want_device" ] &&
			basename "$dev"
	done
}

edu_devices() { pci_devices "$EDU_ID"; }

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

# Bind a device to vfio-pci through driver_override.
bind_vfio() {
	pci_unbind "$1"
	echo vfio-pci >"$PCI/devices/$1/driver_override"
	echo "$1" >"$PCI/drivers_probe"
	[ "$(pci_driver_of "$1")" = vfio-pci ]
}

unbind_vfio() {
	pci_unbind "$1"
	echo >"$PCI/devices/$1/driver_override"
}

# The vendor driver that owns a device bound to our vfio-pci ("none" for
# the default ops), or "<no attribute>" (not bound to it, or stock).
vendor_owner() {
	cat "$PCI/devices/$1/vfio_vendor_driver" 2>/dev/null || echo "<no attribute>"
}

# vendor_owners_within <seconds> <bdf...>: the devices' owners, once all
# are bound or the time is up.  Binds that vfio-pci's own init defers
# (ids=, a driver_override set before the load) complete from a work item
# after modprobe returns, the vendor module loading only then.
vendor_owners_within() {
	local secs=$1 i d out
	shift
	for ((i = 0; i <= secs * 10; i++)); do
		out=
		for d in "$@"; do out+="${out:+ }$(vendor_owner "$d")"; done
		[[ "$out" = *"<no attribute>"* ]] || break
		sleep 0.1
	done
	echo "$out"
}

iommu_group_of() {
	basename "$(readlink -f "$PCI/devices/$1/iommu_group")"
}

# Reference count of a loaded module, or "absent".
module_refcnt() {
	local m=${1//-/_}
	if [ -r "/sys/module/$m/refcnt" ]; then
		cat "/sys/module/$m/refcnt"
	else
		echo absent
	fi
}

module_loaded() { [ -d "/sys/module/${1//-/_}" ]; }

# Refuse a module by alias for the rest of this boot (modprobe.d blacklist).
blacklist_module() { echo "blacklist $1" >>/run/modprobe.d/vmtest.conf; }
clear_blacklist() { rm -f /run/modprobe.d/vmtest.conf; }

# Let only one of the vendor modules that claim the edu alias autoload.
only_edu_sample() {
	local m
	for m in $(awk '$2 == "vfio-pci:1234-11e8" { print $3 }' \
		   "/lib/modules/$KVER/modules.alias"); do
		[ "$m" = "$1" ] || blacklist_module "$m"
	done
}
