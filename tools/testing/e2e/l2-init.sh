#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# PID 1 of the nested (L2) guest.  Loads the kernel modules the initramfs
# carries (if any, in dependency order), runs the program named by l2prog=
# on the kernel command line (default: just report that the guest is
# alive), then powers off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

if [ -f /modules.list ]; then
	for ko in $(cat /modules.list); do
		insmod "$ko" || echo "L2: insmod $ko failed"
	done
fi

prog=
for arg in $(cat /proc/cmdline); do
	case $arg in
	l2prog=*) prog=${arg#l2prog=} ;;
	esac
done

echo "L2: guest alive, kernel $(uname -r)"
if [ -n "$prog" ]; then
	# shellcheck disable=SC2086
	/bin/$prog
	echo "L2: $prog exited with $?"
fi
poweroff -f
