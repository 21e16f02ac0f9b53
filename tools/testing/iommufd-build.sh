#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build check for kernels with iommufd (RHEL 10, upstream defaults), which
# Debian's 6.12 is not: the modules compile against linux-source-6.12
# configured as Debian's kernel plus IOMMUFD, VFIO_DEVICE_CDEV (and so
# IOMMUFD_DRIVER), and every vfio_device_ops carries core's iommufd
# callbacks.  Only modules_prepare is run on that tree (no vmlinux, so
# modpost cannot resolve symbols: it warns instead), which takes about a
# minute here with the tree kept in $OUT between runs.
#
# usage: iommufd-build.sh      prints TAP lines
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/testing/lib/tap.sh"
OUT=${OUT:-$top/out}
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1)
config=$(ls /boot/config-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -n1)
base=$OUT/iommufd
tree=$base/linux-source-6.12
ours=$base/ours

if [ -z "$tarball" ] || [ -z "$config" ]; then
	tap_not_ok "iommufd build: linux-source-6.12 and a Debian 6.12 config are installed (make deps)"
	exit 1
fi

# The prepared tree is reused while the tarball and config are the same.
stamp="$(stat -c '%s %Y' "$tarball") $config"
if [ "$(cat "$base/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$base"
	mkdir -p "$base"
	if ! tar -xf "$tarball" -C "$base" 2>"$base/extract.log"; then
		tap_not_ok "iommufd build: extract $tarball"
		tap_diag <"$base/extract.log"
		exit 1
	fi
	cp "$config" "$tree/.config"
	"$tree/scripts/config" --file "$tree/.config" \
		--enable IOMMUFD --enable VFIO_DEVICE_CDEV \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--disable DEBUG_INFO_BTF
	if ! make -C "$tree" -j2 olddefconfig modules_prepare >"$base/prepare.log" 2>&1; then
		tap_not_ok "iommufd build: modules_prepare of linux-source-6.12 with IOMMUFD"
		tail -n 20 "$base/prepare.log" | tap_diag
		exit 1
	fi
	echo "$stamp" >"$base/stamp"
fi
on=$(grep -cE '^CONFIG_(IOMMUFD|IOMMUFD_DRIVER|VFIO_DEVICE_CDEV)=y' "$tree/.config")
tap_result "iommufd build: the tree has IOMMUFD, IOMMUFD_DRIVER and VFIO_DEVICE_CDEV on" \
	"$([ "$on" = 3 ]; echo $?)"

rm -rf "$ours"
mkdir -p "$ours"
(cd "$top" && find Kbuild drivers include samples -type f \
	\( -name Kbuild -o -name '*.[ch]' \) -not -name '*.mod.c' |
	cpio -pdm --quiet "$ours")
make -C "$tree" M="$ours" W=1 KBUILD_MODPOST_WARN=1 -j2 modules >"$base/build.log" 2>&1
rc=$?
diags=$(grep -E "^$ours/[^:]*:[0-9]+(:[0-9]+)?: (warning|error)" "$base/build.log")
if [ $rc -eq 0 ] && [ -z "$diags" ]; then
	tap_ok "iommufd build: the modules compile with W=1 and no warning against 6.12 with IOMMUFD"
else
	tap_not_ok "iommufd build: the modules compile with W=1 and no warning against 6.12 with IOMMUFD"
	{ [ -n "$diags" ] && echo "$diags" || tail -n 20 "$base/build.log"; } | head -n 30 | tap_diag
fi

# Every module with device ops binds through iommufd with core's helpers.
missing=
while read -r ko; do
	# Not a pipe: grep -q stops reading early, and pipefail would see nm's SIGPIPE.
	grep -q ' vfio_iommufd_physical_bind$' <(nm -u "$ko") || missing+=" ${ko##*/}"
done < <(find "$ours" -name '*.ko' | grep -v nic_vf)
tap_result "iommufd build: every module with device ops uses core's iommufd callbacks${missing:+ (not:$missing)}" \
	"$([ -z "$missing" ] && [ $rc -eq 0 ]; echo $?)"
# vfio-pci imports the namespace the DMA-logging bitmap lives in.
ns=$(modinfo -F import_ns "$ours/drivers/vfio/pci/vfio-pci.ko" 2>/dev/null)
tap_result "iommufd build: vfio-pci imports namespace IOMMUFD for the DMA-logging bitmap (${ns:-none})" \
	"$([ "$ns" = IOMMUFD ]; echo $?)"
