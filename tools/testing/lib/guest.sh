# SPDX-License-Identifier: GPL-2.0-only
#
# The test guest's environment and its own helpers (guest_*).  A script
# that runs inside the test guest (the job run-vm.sh writes sources this
# file) gets every helper of the guest from here: VMT_TOP is the source
# tree (read-only here), OUT its build output, KVER the running kernel.

. "$VMT_TOP/tools/testing/lib/tap.sh"
. "$VMT_TOP/tools/testing/lib/pci.sh"
. "$VMT_TOP/tools/testing/lib/vfio.sh"
. "$VMT_TOP/tools/testing/lib/module.sh"
. "$VMT_TOP/tools/testing/lib/stats.sh"

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

# guest_kernel_at_least <major> <minor>: is the running kernel that release or
# later?
guest_kernel_at_least() {
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
guest_v2_env() {
	guest_kernel_at_least 6 2 && echo VFIO_TEST_PRECOPY=1
	if guest_kernel_at_least 6 7 &&
	   ! grep -q '^CONFIG_IOMMUFD_DRIVER=y' "/boot/config-$KVER"; then
		echo VFIO_TEST_NO_LOGGING=1
	fi
	return 0
}
