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

fetch() {
	if [ -x "$dest/usr/bin/qemu-system-x86_64" ]; then
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "qemu10: run as root to fetch QEMU 10.0 from bookworm-backports" >&2
		return 1
	fi
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		cat >"$sources" <<-EOF
		Types: deb
		URIs: http://deb.debian.org/debian
		Suites: bookworm-backports
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
		apt-get update -q
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

case ${1:-} in
fetch) fetch ;;
run) shift; run "$@" ;;
*) echo "usage: $0 fetch | run ARGS..." >&2; exit 2 ;;
esac
