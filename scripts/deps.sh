#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, as root on Debian 12, every package the build, tests and demo
# need.  Idempotent: when everything is present it changes nothing and does
# not touch the network.  Without root it only says what is missing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

packages=(
	# target kernel and its build tree (versions must match)
	linux-image-amd64 linux-headers-amd64
	# checkpatch.pl and friends are taken from the source tarball
	linux-source-6.1
	# toolchain and gates
	build-essential libc6-dev sparse perl python3
	# userspace unit tests and the fuzz target
	libcmocka-dev clang libclang-rt-14-dev
	# test guest: emulator, initramfs, module tools, networking
	qemu-system-x86 qemu-utils busybox-static kmod cpio gzip xz-utils
	iproute2 pciutils iputils-ping procps util-linux
)

missing_packages() {
	local p status
	for p in "${packages[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || echo "$p"
	done
}

mapfile -t missing < <(missing_packages)

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing packages: ${missing[*]}" >&2
		echo "deps: run 'make deps' as root (apt-get) to install them" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The security archive can move the image ahead of the headers: make sure a
# matching pair exists, installing the headers for the newest image if not.
if ! "$top/scripts/kernel-release.sh" >/dev/null; then
	newest=$(ls /boot/vmlinuz-6.1.* 2>/dev/null | sed 's|/boot/vmlinuz-||' |
		 sort -V | tail -n1)
	if [ -n "$newest" ] && [ "$(id -u)" = 0 ]; then
		echo "deps: installing linux-headers-$newest to match the image"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			"linux-headers-$newest" || true
	fi
	if ! "$top/scripts/kernel-release.sh" >/dev/null; then
		echo "deps: no Debian 6.1 kernel with matching image and headers" \
		     "(installed: ${newest:-none}); install linux-image-amd64 and" \
		     "linux-headers-amd64 of one version" >&2
		exit 1
	fi
fi

if [ ! -r /boot/vmlinuz-"$("$top/scripts/kernel-release.sh")" ]; then
	echo "deps: the guest kernel image is not readable" >&2
	exit 1
fi

# QEMU 10.0 (migration protocol v2, emulated igb with SR-IOV) beside 7.2.
if [ "$(id -u)" = 0 ]; then
	"$top/scripts/qemu10.sh" fetch
elif [ ! -x "${OUT:-$top/out}/qemu10/usr/bin/qemu-system-x86_64" ]; then
	echo "deps: QEMU 10.0 not unpacked yet; run 'make deps' as root" >&2
	exit 1
fi
