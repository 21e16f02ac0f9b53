#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the nested (L2) guest's initramfs: static busybox, the L2 init and
# any static programs given after the output name (installed in /bin).
#
# usage: mk-l2-initramfs.sh <output.cpio.gz> [program...]
set -euo pipefail

out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,tmp}
cp /bin/busybox "$work/bin/busybox"
for applet in sh mount cat echo poweroff sleep uname dmesg; do
	ln -s busybox "$work/bin/$applet"
done
for prog in "$@"; do
	install -m 0755 "$prog" "$work/bin/"
done
install -m 0755 "$here/l2-init.sh" "$work/init"

(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
