#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run Kbuild over this tree for each kernel to build, one build folder per
# kernel ($OUT/kbuild/<release>), so builds for 6.1 and 6.12 never share an
# object file.  A build folder mirrors the sources as symbolic links; the
# compiler follows them, and error messages name the folder's paths.
#
# usage: kbuild.sh [make arguments...]     e.g. kbuild.sh W=1 modules
#        kbuild.sh --dirs                  print "<release> <build folder>"
#
# Which kernels: KDIR=<tree> (one tree), else KVER=<release> (one), else
# every installed kernel of a supported series (scripts/kernels.sh build).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$top/out}
KVER=${KVER:-}
KDIR=${KDIR:-}

# Kernel sources of the tree, relative to it.
kernel_sources() {
	(cd "$top" && find Kbuild drivers include samples \
		tools/testing/selftests/vfio-pci/modules \
		-type f \( -name Kbuild -o -name '*.[ch]' \) -not -name '*.mod.c' |
		sort)
}

# Bring the build folder's links in line with the tree.
sync_links() {
	local dir=$1 f
	mkdir -p "$dir"
	kernel_sources | while read -r f; do
		if [ ! -L "$dir/$f" ]; then
			mkdir -p "$dir/$(dirname "$f")"
			ln -sfn "$top/$f" "$dir/$f"
		fi
	done
	# Sources that went away.
	find "$dir" -xtype l -delete
}

# "<release> <tree>" per kernel to build.
targets() {
	local rel
	if [ -n "$KDIR" ]; then
		rel=$("$top/scripts/kernels.sh" release "$KDIR") || {
			echo "kbuild: $KDIR is not a configured kernel build tree" >&2
			return 1
		}
		echo "$rel $KDIR"
	elif [ -n "$KVER" ]; then
		if [ ! -f "/lib/modules/$KVER/build/Makefile" ]; then
			echo "kbuild: no build tree for $KVER at /lib/modules/$KVER/build" \
			     "(install linux-headers-$KVER, or run 'make deps')" >&2
			return 1
		fi
		echo "$KVER /lib/modules/$KVER/build"
	else
		"$top/scripts/kernels.sh" build | while read -r rel; do
			echo "$rel /lib/modules/$rel/build"
		done
		if [ "${PIPESTATUS[0]}" != 0 ]; then
			echo "kbuild: no build tree of a supported kernel (6.1 or 6.12)" \
			     "is installed: run 'make deps' as root, or give KVER= or KDIR=" >&2
			return 1
		fi
	fi
}

list=$(targets)

if [ "${1:-}" = --dirs ]; then
	while read -r rel kdir; do
		echo "$rel $OUT/kbuild/$rel"
	done <<<"$list"
	exit 0
fi

while read -r rel kdir; do
	dir=$OUT/kbuild/$rel
	sync_links "$dir"
	echo "kbuild: $rel ($kdir) in $dir"
	make --no-print-directory -C "$kdir" M="$dir" "$@"
done <<<"$list"
