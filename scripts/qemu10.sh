#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# QEMU 10.0 from Debian's bookworm-backports, beside the system's QEMU 7.2.
#
#   qemu10.sh fetch     (root) add the backports suite to apt's sources if
#                       needed, download the qemu-system-x86 packages of the
#                       backports version and unpack them into $OUT/qemu10;
#                       does nothing when they are already there
#   qemu10.sh run ARGS  run that qemu-system-x86_64 with ARGS
#   qemu10.sh run-moddir ARGS
#                       the same, its module folder named by
#                       QEMU_MODULE_DIR instead of mounted over the system
#                       one: what this QEMU exports over 9p keeps the
#                       system's modules, for a test guest that runs QEMU
#                       7.2 itself (libvirt probes every module type)
#
# Installing the package would replace QEMU 7.2, so it is only unpacked.
# Its module loader falls back to the system module folder, where 7.2's
# modules make it abort: "run" bind-mounts 10.0's own module folder over
# the system one in a private mount namespace (works on a read-only root).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$top/out}
dest=$OUT/qemu10
moddir=usr/lib/x86_64-linux-gnu/qemu
pkgs=(qemu-system-x86 qemu-system-common qemu-system-data qemu-system-modules-opengl)
sources=/etc/apt/sources.list.d/bookworm-backports.sources

# bookworm-backports in apt's sources (root).
add_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ &&
		return 0
	cat >"$sources" <<-EOF
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: bookworm-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get update -q
}

fetch() {
	# The suite in apt's sources, even when QEMU is here already: libvirt
	# comes from there too (deps.sh).
	if [ "$(id -u)" = 0 ]; then
		add_backports
	fi
	if [ -x "$dest/usr/bin/qemu-system-x86_64" ]; then
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "qemu10: run as root to fetch QEMU 10.0 from bookworm-backports" >&2
		return 1
	fi
	local tmp version p
	tmp=$(mktemp -d)
	version=$(apt-cache policy qemu-system-x86 |
		  awk '/bookworm-backports/ { print prev } { prev = $1 }' | head -n1)
	if [ -z "$version" ]; then
		version=$(apt-cache madison qemu-system-x86 |
			  awk -F'|' '/bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }')
	fi
	[ -n "$version" ] || { echo "qemu10: no backports version of qemu-system-x86" >&2; return 1; }
	(cd "$tmp" && for p in "${pkgs[@]}"; do apt-get download -q "$p=$version"; done)
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	for p in "$tmp"/*.deb; do
		dpkg-deb -x "$p" "$dest.tmp"
	done
	rm -rf "$tmp" "$dest"
	mv "$dest.tmp" "$dest"
	echo "qemu10: QEMU $version unpacked in $dest"
}

run() {
	[ -x "$dest/usr/bin/qemu-system-x86_64" ] ||
		{ echo "qemu10: not fetched (make deps)" >&2; exit 1; }
	exec unshare -m sh -c 'mount --bind "$0/'"$moddir"'" /'"$moddir"' &&
		exec "$0/usr/bin/qemu-system-x86_64" -L "$0/usr/share/qemu" \
			-L /usr/share/seabios "$@"' "$dest" "$@"
}

# A type whose module 10.0 lacks (not unpacked: spice) is then looked up
# in the system folder too; 10.0 refuses 7.2's module with a line on
# stderr, and only a device of that type would need it.
run_moddir() {
	[ -x "$dest/usr/bin/qemu-system-x86_64" ] ||
		{ echo "qemu10: not fetched (make deps)" >&2; exit 1; }
	QEMU_MODULE_DIR=$dest/$moddir exec "$dest/usr/bin/qemu-system-x86_64" \
		-L "$dest/usr/share/qemu" -L /usr/share/seabios "$@"
}

case ${1:-} in
fetch) fetch ;;
run) shift; run "$@" ;;
run-moddir) shift; run_moddir "$@" ;;
*) echo "usage: $0 fetch | run ARGS... | run-moddir ARGS..." >&2; exit 2 ;;
esac
