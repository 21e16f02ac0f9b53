#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, as root on Debian 12, every package the build, tests, packaging
# and demo need: both target kernels (6.1 and 6.12, image and headers of
# one version each), the emulators, the packaging tools.  Idempotent: when
# everything is present it changes nothing and does not touch the network.
# Without root it only says what is missing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$top/out}
kernels=$top/scripts/kernels.sh

packages=(
	# the 6.1 kernel and its build tree (versions must match)
	linux-image-amd64 linux-headers-amd64
	# checkpatch.pl and friends from 6.1's sources; 6.12's for the
	# iommufd build check
	linux-source-6.1 linux-source-6.12
	# toolchain and gates (flex to libssl-dev: modules_prepare of a kernel
	# source tree, for the iommufd build check)
	build-essential libc6-dev sparse perl python3
	flex bison bc libelf-dev libssl-dev
	# userspace unit tests and the fuzz target
	libcmocka-dev clang libclang-rt-14-dev
	# test guest: emulator, initramfs, module tools, networking
	qemu-system-x86 qemu-utils busybox-static kmod cpio gzip xz-utils
	iproute2 pciutils iputils-ping procps util-linux
	# the DKMS package: building it, checking it, installing it
	dkms debhelper dpkg-dev lintian
	# a way of binding devices the install suite proves
	driverctl
)

is_root() { [ "$(id -u)" = 0 ]; }

missing_packages() {
	local p status
	for p in "$@"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || echo "$p"
	done
}

apt_install() {
	echo "deps: installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

updated=0
apt_update() {
	[ $updated -eq 1 ] || apt-get update -q
	updated=1
}

mapfile -t missing < <(missing_packages "${packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	if ! is_root; then
		echo "deps: missing packages: ${missing[*]}" >&2
		echo "deps: run 'make deps' as root (apt-get) to install them" >&2
		exit 1
	fi
	apt_update
	apt_install "${missing[@]}"
fi

# 6.1: the security archive can move the image ahead of the headers; make
# sure a matching pair exists, installing the headers for the newest image.
if ! "$kernels" test 6.1 >/dev/null; then
	newest=$(ls /boot/vmlinuz-6.1.* 2>/dev/null | sed 's|/boot/vmlinuz-||' |
		 sort -V | tail -n1)
	if [ -n "$newest" ] && is_root; then
		apt_install "linux-headers-$newest" || true
	fi
	if ! "$kernels" test 6.1 >/dev/null; then
		echo "deps: no Debian 6.1 kernel with matching image and headers" \
		     "(installed: ${newest:-none}); install linux-image-amd64 and" \
		     "linux-headers-amd64 of one version" >&2
		exit 1
	fi
fi

# 6.12 (bookworm-security/backports name it <version>+deb12-amd64): the
# newest release whose signed image and headers are both in the archive.
# The archive sometimes has the headers of a newer release with only an
# unsigned image; Debian's own meta-packages would not pick that one.
newest_612() {
	local rel
	apt-cache pkgnames linux-headers-6.12. |
		grep -E '^linux-headers-6\.12\.[0-9]+\+deb12(\.[0-9]+)?-amd64$' |
		sed 's/^linux-headers-//' | sort -rV | while read -r rel; do
		# A name only referred to (by the unsigned image) shows empty.
		if [ -n "$(apt-cache show "linux-image-$rel" 2>/dev/null)" ]; then
			echo "$rel"
			break
		fi
	done
}

if ! "$kernels" test 6.12 >/dev/null; then
	if ! is_root; then
		echo "deps: no Debian 6.12 kernel with matching image and headers;" \
		     "run 'make deps' as root" >&2
		exit 1
	fi
	apt_update
	rel=$(newest_612)
	if [ -z "$rel" ]; then
		echo "deps: the archive offers no 6.12 kernel with a signed image and" \
		     "headers (linux-image-6.12.*+deb12-amd64)" >&2
		exit 1
	fi
	apt_install "linux-image-$rel" "linux-headers-$rel"
	"$kernels" test 6.12 >/dev/null || {
		echo "deps: installed linux-image-$rel and its headers, but they do" \
		     "not match" >&2
		exit 1
	}
fi

for rel in $("$kernels" test); do
	if [ ! -r "/boot/vmlinuz-$rel" ]; then
		echo "deps: the guest kernel image /boot/vmlinuz-$rel is not readable" >&2
		exit 1
	fi
done

# The install suite installs each kernel's headers package again in a
# throwaway root, as a kernel update would: keep the .debs at hand.
mkdir -p "$OUT/debs"
for rel in $("$kernels" test); do
	ls "$OUT/debs/linux-headers-${rel}_"*.deb >/dev/null 2>&1 && continue
	if ! is_root; then
		echo "deps: linux-headers-$rel.deb not downloaded yet; run" \
		     "'make deps' as root" >&2
		exit 1
	fi
	version=$(dpkg-query -W -f='${Version}' "linux-headers-$rel")
	(cd "$OUT/debs" && apt-get download -q "linux-headers-$rel=$version" 2>&1 |
		grep -v 'unsandboxed' || true)
	ls "$OUT/debs/linux-headers-${rel}_"*.deb >/dev/null 2>&1 || {
		echo "deps: could not download linux-headers-$rel=$version" >&2
		exit 1
	}
done

# QEMU 10.0 (migration protocol v2, emulated igb with SR-IOV) beside 7.2.
if is_root; then
	"$top/scripts/qemu10.sh" fetch
elif [ ! -x "$OUT/qemu10/usr/bin/qemu-system-x86_64" ]; then
	echo "deps: QEMU 10.0 not unpacked yet; run 'make deps' as root" >&2
	exit 1
fi

# libvirt 11.3 from bookworm-backports (the libvirt suite; Debian 12's own
# is 9.0): the daemon with its QEMU and node-device drivers, and virsh.
# Each package is pinned to backports by name: "-t bookworm-backports"
# would take systemd and more from there too.  The packages' scripts would
# start libvirtd on this machine; nothing here needs it, so a policy-rc.d
# of our own (when there is none, removed as this script exits) stops that.
libvirt_packages=(libvirt-daemon libvirt-daemon-driver-qemu
	libvirt-daemon-driver-nodedev libvirt-clients libvirt-common libvirt0
	libvirt-daemon-common libvirt-daemon-log)
libvirt_missing() {
	local p v
	for p in "${libvirt_packages[@]}"; do
		v=$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null || true)
		case $v in
		"install ok installed 1"[1-9].*) ;;
		*) echo "$p/bookworm-backports" ;;
		esac
	done
}
mapfile -t missing < <(libvirt_missing)
if [ ${#missing[@]} -gt 0 ]; then
	if ! is_root; then
		echo "deps: libvirt 11 from bookworm-backports missing: ${missing[*]}" >&2
		echo "deps: run 'make deps' as root" >&2
		exit 1
	fi
	apt_update
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt_install "${missing[@]}"
	[ -z "$(libvirt_missing)" ] || {
		echo "deps: libvirt 11 from bookworm-backports did not install" >&2
		exit 1
	}
fi
