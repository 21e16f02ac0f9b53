#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the release of the Debian 6.1 kernel to build and test against: the
# newest one whose image (/boot/vmlinuz-R) and build tree are both installed
# from packages of the same version.  With a KDIR argument, print that tree's
# release instead.  Prints nothing and fails when there is none.
set -u

if [ $# -gt 0 ] && [ -n "$1" ]; then
	# Debian's kernel.release holds the upstream version; the release
	# (module directory name) is UTS_RELEASE.
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$1/include/generated/utsrelease.h" 2>/dev/null | grep . || exit 1
	exit 0
fi

pkg_version() {
	local pkg
	pkg=$(dpkg-query -S "$1" 2>/dev/null | head -n1 | cut -d: -f1) || return 1
	[ -n "$pkg" ] || return 1
	dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null
}

for dir in /lib/modules/6.1.*; do
	[ -d "$dir" ] || continue
	rel=${dir##*/}
	[ -f "/boot/vmlinuz-$rel" ] && [ -f "$dir/build/Makefile" ] || continue
	vimg=$(pkg_version "/boot/vmlinuz-$rel") || continue
	vhdr=$(pkg_version "$(readlink -f "$dir/build")") || continue
	[ "$vimg" = "$vhdr" ] && echo "$vimg $rel"
done | sort -V | tail -n1 | awk '{ print $2 } END { exit NR == 0 }'
