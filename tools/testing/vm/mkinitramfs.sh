#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the test guest's initramfs: a static busybox plus the few stock
# modules needed to mount the host's root over virtio-9p.  Everything else
# (kmod, iproute2, QEMU, our modules and test programs) is read from the
# host's root once the guest has switched to it, so nothing is copied.
#
# usage: mkinitramfs.sh <kernel-release> <output.cpio.gz>
# KMODROOT=<folder>: the kernel's modules are under <folder>/lib/modules
# (a kernel built here, see debug-kernel.sh), not the host's /lib/modules.
set -euo pipefail

kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/kmod.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,newroot,modules}
cp /bin/busybox "$work/bin/busybox"
for applet in sh mount mkdir insmod switch_root cat echo poweroff sleep; do
	ln -s busybox "$work/bin/$applet"
done

# Resolve dependencies with the host's kmod against the guest's tree.
: >"$work/modules.list"
for mod in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "${KMODROOT:-/}" -S "$kver" --show-depends "$mod" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	name=$(kmod_copy_module "$ko" "$work/modules") || exit 1
	echo "/modules/$name" >>"$work/modules.list"
done

install -m 0755 "$here/initramfs-init.sh" "$work/init"

(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
