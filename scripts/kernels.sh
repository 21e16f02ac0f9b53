#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Which kernels this tree builds and tests against.  Supported series are
# Debian's LTS lines 6.1 (Debian 12) and 6.12 (Debian 13; Debian 12 carries
# it too).  Everything is read from the machine at the moment of the call,
# never cached, so a step that installs a kernel is seen by the next one.
#
#   kernels.sh build          every installed release of a supported series
#                             with a build tree (/lib/modules/R/build), oldest
#                             series first
#   kernels.sh test [SERIES]  per series (or only SERIES), the newest release
#                             whose image (/boot/vmlinuz-R) and build tree
#                             are installed from packages of one version
#   kernels.sh default        the kernel a test runs on when none is named:
#                             the first line of "test"
#   kernels.sh series R       the series of release R (6.1 or 6.12)
#   kernels.sh release KDIR   the release of the build tree KDIR
#
# Prints one release per line; fails (status 1) when it prints nothing.
set -u

SERIES=(6.1 6.12)

series_of() {
	local s
	for s in "${SERIES[@]}"; do
		case $1 in
		"$s".*) echo "$s"; return 0 ;;
		esac
	done
	return 1
}

release_of() {
	# Debian's kernel.release holds the upstream version; the release
	# (module directory name) is UTS_RELEASE.
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$1/include/generated/utsrelease.h" 2>/dev/null | grep .
}

pkg_version() {
	local pkg
	pkg=$(dpkg-query -S "$1" 2>/dev/null | head -n1 | cut -d: -f1)
	[ -n "$pkg" ] || return 1
	dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null
}

# Installed releases with a build tree, "series release" per line.
with_build_tree() {
	local dir rel s
	for dir in /lib/modules/*; do
		rel=${dir##*/}
		s=$(series_of "$rel") || continue
		[ -f "$dir/build/Makefile" ] || continue
		echo "$s $rel"
	done
}

build() {
	with_build_tree | sort -V | awk '{ print $2 } END { exit NR == 0 }'
}

testable() {
	local want=${1:-} s rel vimg vhdr
	with_build_tree | while read -r s rel; do
		[ -z "$want" ] || [ "$s" = "$want" ] || continue
		[ -f "/boot/vmlinuz-$rel" ] || continue
		vimg=$(pkg_version "/boot/vmlinuz-$rel") || continue
		vhdr=$(pkg_version "$(readlink -f "/lib/modules/$rel/build")") || continue
		[ "$vimg" = "$vhdr" ] && echo "$s $vimg $rel"
	done | sort -V | awk '
		$1 != prev && NR > 1 { print last }
		{ prev = $1; last = $3 }
		END { if (NR > 0) print last; exit NR == 0 }'
}

case ${1:-} in
build) build ;;
test) testable "${2:-}" ;;
default) testable | head -n1 | grep . ;;
series) [ $# -eq 2 ] && series_of "$2" ;;
release) [ $# -eq 2 ] && release_of "$2" ;;
*)
	echo "usage: $0 build | test [SERIES] | default | series RELEASE | release KDIR" >&2
	exit 2
	;;
esac
