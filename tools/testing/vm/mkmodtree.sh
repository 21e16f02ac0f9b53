#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Lay out the guest's module tree on the host: our freshly built modules
# under updates/ beside a link to Debian's own kernel/ tree, indexed by the
# host's depmod.  The guest copies the index files and updates/ over its
# /lib/modules/<release>, which takes a second instead of running depmod
# over 9p under TCG (minutes).  The registry suite's test-only vendor
# driver (tools/testing/selftests/vfio-pci/modules/) is installed too; it
# has no alias, so nothing loads it unless a test asks for it by name.
#
# usage: mkmodtree.sh <kernel-release> <build-folder> <output-root>
# (the build folder is scripts/kbuild.sh's, $OUT/kbuild/<kernel-release>)
# KMODROOT=<folder>: the kernel's own modules are under <folder>/lib/modules
# instead of the host's /lib/modules; the guest does not have them, so
# they are copied into the tree (debug-kernel.sh's kernel, trimmed).
set -euo pipefail

kver=$1
src=$2
root=$3
dir=$root/lib/modules/$kver
kmods=${KMODROOT:-}/lib/modules/$kver

rm -rf "$root"
mkdir -p "$dir/updates/vfio-pci-vendor"
if [ "$kmods" = "/lib/modules/$kver" ]; then
	ln -s "$kmods/kernel" "$dir/kernel"
else
	cp -a "$kmods/kernel" "$dir/kernel"
fi
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$kmods/$f" "$dir/"
done
[ -f "$src/drivers/vfio/pci/vfio-pci.ko" ] ||
	{ echo "mkmodtree: no modules built for $kver in $src (make modules)" >&2; exit 1; }
(cd "$src" && find drivers samples tools/testing/selftests/vfio-pci/modules \
	-name '*.ko') | while read -r ko; do
	mkdir -p "$dir/updates/vfio-pci-vendor/$(dirname "$ko")"
	cp "$src/$ko" "$dir/updates/vfio-pci-vendor/$ko"
done
depmod -b "$root" "$kver"
[ ! -L "$dir/kernel" ] || rm "$dir/kernel"
