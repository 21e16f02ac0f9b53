#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel "make check-debug" boots: Debian's 6.1 source
# (linux-source-6.1) with Debian's 6.1 config, trimmed to the modules the
# test guests load (localmodconfig), plus the kernel's heavy checkers:
# KASAN, PROVE_LOCKING (lockdep), DEBUG_ATOMIC_SLEEP and KMEMLEAK.  No
# debug info and no module signing, to keep the build within reach of two
# cores (about 40 minutes here from nothing).
#
# The result lives in $OUT/kdebug and is reused while the source package,
# the config and this script are the same:
#   linux-source-6.1/   the built tree (KDIR for our modules)
#   root/lib/modules/   its modules, installed (the guest's module tree)
#   release             the kernel release (UTS_RELEASE)
#
# usage: debug-kernel.sh         prints the release when the kernel is ready
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$top/out}
base=$OUT/kdebug
tree=$base/linux-source-6.1
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1) || true
config=$(ls /boot/config-6.1.*-amd64 2>/dev/null | sort -V | tail -n1) || true

if [ -z "$tarball" ] || [ -z "$config" ]; then
	echo "debug-kernel: linux-source-6.1 and a Debian 6.1 kernel config are needed (make deps)" >&2
	exit 1
fi

# What the test guests load (lsmod format for localmodconfig): the root
# over virtio-9p, VFIO, KVM for nested guests, igb and its VFs, and what
# the network tests use.
guest_modules="virtio_pci virtio_pci_legacy_dev virtio_pci_modern_dev
	9p 9pnet 9pnet_virtio netfs fscache overlay
	vfio vfio_iommu_type1 vfio_virqfd vfio_pci_core vfio_pci irqbypass
	kvm kvm_amd kvm_intel
	igb igbvf dca i2c_algo_bit ptp pps_core
	8021q garp mrp stp llc bridge tun tap veth dummy macvlan macvtap
	vhost vhost_net vhost_iotlb"

stamp="$(stat -c '%s %Y' "$tarball") $config $(sha1sum <"$0" | cut -c1-12)"
if [ "$(cat "$base/stamp" 2>/dev/null)" = "$stamp" ] && [ -s "$base/release" ]; then
	cat "$base/release"
	exit 0
fi

rm -rf "$base"
mkdir -p "$base"
log=$base/build.log
echo "debug-kernel: building in $base (log: $log)" >&2
tar -xf "$tarball" -C "$base"
cp "$config" "$tree/.config"
for m in $guest_modules; do
	echo "$m 0 0"
done >"$base/lsmod"
fail() {
	echo "debug-kernel: $1 failed; the end of $log:" >&2
	tail -n 30 "$log" >&2
	exit 1
}
make -C "$tree" LSMOD="$base/lsmod" localmodconfig </dev/null >"$log" 2>&1 ||
	fail localmodconfig
"$tree/scripts/config" --file "$tree/.config" \
	--set-str LOCALVERSION "-vfiodebug" --disable LOCALVERSION_AUTO \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--disable MODULE_SIG --disable DEBUG_INFO --enable DEBUG_INFO_NONE \
	--disable DEBUG_INFO_BTF --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	--enable DEBUG_KERNEL --enable KASAN --enable KASAN_GENERIC \
	--enable KASAN_OUTLINE --enable KASAN_VMALLOC \
	--enable PROVE_LOCKING --enable DEBUG_ATOMIC_SLEEP \
	--enable DEBUG_KMEMLEAK --disable DEBUG_KMEMLEAK_DEFAULT_OFF \
	--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 32000 \
	--disable DEBUG_KMEMLEAK_AUTO_SCAN
make -C "$tree" olddefconfig >>"$log" 2>&1 || fail olddefconfig
for opt in KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK; do
	grep -q "^CONFIG_$opt=y" "$tree/.config" || { echo "CONFIG_$opt is off" >>"$log"; fail config; }
done
make -C "$tree" -j"$(nproc)" bzImage modules >>"$log" 2>&1 || fail build
make -C "$tree" INSTALL_MOD_PATH="$base/root" INSTALL_MOD_STRIP=1 \
	modules_install >>"$log" 2>&1 || fail modules_install
"$top/scripts/kernels.sh" release "$tree" >"$base/release"
echo "$stamp" >"$base/stamp"
cat "$base/release"
