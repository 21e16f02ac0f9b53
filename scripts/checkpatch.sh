#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the kernel's checkpatch.pl --strict over files given on the command
# line.  The script is taken from Debian's linux-source-6.1 tarball into
# $OUT/checkpatch on first use; it is never committed here.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$top/out}
dest=$out/checkpatch
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)

if [ ! -x "$dest/scripts/checkpatch.pl" ]; then
	[ -n "$tarball" ] || { echo "checkpatch: linux-source-6.1 is not installed" >&2; exit 2; }
	mkdir -p "$dest"
	tar -xf "$tarball" -C "$dest" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

exec perl "$dest/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types --no-summary -f "$@"
