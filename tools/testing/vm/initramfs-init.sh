#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# PID 1 of the test guest.  Mounts the host's root read-only over virtio-9p,
# gives it writable tmpfs where a running system writes, lays an overlay on
# /lib/modules so depmod can add our modules, mounts the run's output folder
# (tag "vmtest", read-write) and hands over to the job the host left there.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

for ko in $(cat /modules.list); do
	insmod "$ko" || echo "vmtest-init: insmod $ko failed"
done

opts=trans=virtio,version=9p2000.L,msize=512000
if ! mount -t 9p -o "$opts,ro,cache=loose" hostroot /newroot; then
	echo "vmtest-init: cannot mount the host root"
	poweroff -f
fi

for d in tmp run var/tmp root; do
	mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d"
done

# The tree and the output folder (kernel command line vmtop=, vmout=,
# which reach init as variables), wherever they are on the host.
for share in "vmtop:${vmtop:-}" "vmout:${vmout:-}"; do
	path=${share#*:}
	[ -n "$path" ] || continue
	mkdir -p "/newroot$path" 2>/dev/null
	mount -t 9p -o "$opts,ro,cache=loose" "${share%%:*}" "/newroot$path" ||
		echo "vmtest-init: cannot mount ${share%%:*} at $path"
done

mkdir -p /newroot/run/vmtest /newroot/run/modules/upper /newroot/run/modules/work
mount -t 9p -o "$opts" vmtest /newroot/run/vmtest
mount -t overlay -o lowerdir=/newroot/lib/modules,upperdir=/newroot/run/modules/upper,workdir=/newroot/run/modules/work \
	overlay /newroot/lib/modules

mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
ln -s /proc/self/fd /newroot/dev/fd
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm

exec switch_root /newroot /bin/sh -c \
	'/bin/bash /run/vmtest/job; sync; /bin/busybox poweroff -f'
