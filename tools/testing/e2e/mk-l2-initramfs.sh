#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the nested (L2) guest's initramfs: static busybox, the L2 init and
# any static programs (or busybox scripts) given after the output name
# (installed in /bin).
#
# usage: mk-l2-initramfs.sh [options] <output.cpio.gz> [program...]
# options:
#   --kver K         kernel release the modules are taken from
#   --modules "M.."  kernel modules to include, with their dependencies
#                    (resolved by the host's kmod against /lib/modules/K,
#                    or $KMODROOT/lib/modules/K when KMODROOT is set);
#                    the L2 init loads them in dependency order
#   --applets "A.."  busybox applets to link besides the default ones
set -euo pipefail

kver=
modules=
applets=
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--applets) applets=$2; shift 2 ;;
	*) break ;;
	esac
done
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/kmod.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,tmp}
cp /bin/busybox "$work/bin/busybox"
# shellcheck disable=SC2086
for applet in sh mount cat echo poweroff sleep uname dmesg $applets; do
	ln -sf busybox "$work/bin/$applet"
done
for prog in "$@"; do
	install -m 0755 "$prog" "$work/bin/"
done
install -m 0755 "$here/l2-init.sh" "$work/init"

if [ -n "$modules" ]; then
	[ -n "$kver" ] || { echo "mk-l2-initramfs: --modules needs --kver" >&2; exit 2; }
	mkdir -p "$work/modules"
	: >"$work/modules.list"
	# shellcheck disable=SC2086
	for mod in $modules; do
		modprobe -d "${KMODROOT:-/}" -S "$kver" --show-depends "$mod" |
			awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r ko; do
		name=$(kmod_copy_module "$ko" "$work/modules") || exit 1
		echo "/modules/$name" >>"$work/modules.list"
	done
fi

(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
