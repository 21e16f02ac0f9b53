#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make deb": build the DKMS package vfio-pci-vendor-ops-dkms with Debian's
# own tools (dpkg-buildpackage, debhelper) from a staged copy of the
# kernel sources, into $OUT/deb/.  Needs debhelper and dpkg-dev (make deps);
# not root.
#
# usage: mkdeb.sh        prints the path of the .deb on its last line
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$top/out}
here=$top/scripts/package

die() {
	echo "deb: $*" >&2
	exit 1
}

for tool in dpkg-buildpackage dh dpkg-parsechangelog; do
	command -v "$tool" >/dev/null ||
		die "$tool is missing: run 'make deps' as root (debhelper, dpkg-dev)"
done

version=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)
header_version=$(sed -n 's/^#define VFIO_PCI_VENDOR_OPS_VERSION "\(.*\)"$/\1/p' \
	"$top/include/linux/vfio_pci_vendor.h")
[ "$version" = "$header_version" ] ||
	die "debian/changelog says $version, include/linux/vfio_pci_vendor.h" \
	    "says $header_version: make them agree"

dest=$OUT/deb
stage=$dest/build/vfio-pci-vendor-ops-$version
rm -rf "$dest/build"
mkdir -p "$stage"

# Kernel sources only (no objects of an in-tree build), and what the
# package installs beside them.
(cd "$top" && find Kbuild drivers include samples -type f \
	\( -name Kbuild -o -name '*.[ch]' \) -not -name '*.mod.c' |
	cpio -pdm --quiet "$stage")
cp "$top/dkms.conf" "$here/vfio-pci-vendor-ops.conf" "$stage/"
mkdir -p "$stage/Documentation/admin-guide"
cp "$top"/Documentation/admin-guide/*.rst "$stage/Documentation/admin-guide/"
cp -r "$here/debian" "$stage/debian"

(cd "$stage" && dpkg-buildpackage -b --no-sign >"$dest/build/build.log" 2>&1) || {
	tail -n 30 "$dest/build/build.log" >&2
	die "dpkg-buildpackage failed (log: $dest/build/build.log)"
}

deb=vfio-pci-vendor-ops-dkms_${version}_all.deb
rm -f "$dest"/*.deb
mv "$dest/build/$deb" "$dest/"
echo "deb: $dest/$deb"
