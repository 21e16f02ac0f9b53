#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "build": the modules build cleanly at W=1 and under sparse, every
# source passes checkpatch --strict, kernel-doc is clean and covers every
# exported symbol, and the userspace test programs build with -Werror.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tools/testing/lib/tap.sh
OUT=${OUT:-$top/out}
KVER=${KVER:-$(scripts/kernel-release.sh)}
KDIR=${KDIR:-/lib/modules/$KVER/build}
log=$OUT/gates
mkdir -p "$log"

kbuild() {
	make --no-print-directory -C "$KDIR" M="$top" "$@"
}

# Lines that are diagnostics about our own files.
our_diagnostics() {
	grep -E "^($top/)?(drivers|include|samples)/[^:]*:[0-9]+(:[0-9]+)?: (warning|error)" "$1"
}

# A gate passes when its command succeeds and it said nothing about our files.
gate() {
	local name=$1 file=$2 rc
	shift 2
	"$@" >"$file" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! our_diagnostics "$file" >/dev/null; then
		tap_ok "$name"
	else
		tap_not_ok "$name"
		{ our_diagnostics "$file" || tail -n 30 "$file"; } | head -n 40 | tap_diag
	fi
}

if [ -z "$KVER" ] || [ ! -f "$KDIR/Makefile" ]; then
	tap_not_ok "a Debian 6.1 build tree is installed (run make deps)"
	exit 1
fi

kbuild clean >/dev/null 2>&1
gate "modules build against $KVER with W=1 and no warning" "$log/w1.log" \
	kbuild W=1 modules
gate "sparse (C=2) reports nothing on our sources" "$log/sparse.log" \
	kbuild C=2 modules

# Kernel sources strictly; userspace test sources too, except that they may
# use the CamelCase names of external APIs (cmocka, libFuzzer).
mapfile -t kernel_sources < <(find drivers include samples -name '*.[ch]' \
	-not -name '*.mod.c' | sort)
mapfile -t tool_sources < <(find tools -name '*.[ch]' -not -name '*.mod.c' | sort)
{
	scripts/checkpatch.sh "${kernel_sources[@]}"
	scripts/checkpatch.sh --ignore CAMELCASE "${tool_sources[@]}"
} >"$log/checkpatch.log" 2>"$log/checkpatch.err"
nsrc=$((${#kernel_sources[@]} + ${#tool_sources[@]}))
if [ -s "$log/checkpatch.log" ] || grep -q "No such file\|checkpatch:" "$log/checkpatch.err"; then
	tap_not_ok "checkpatch --strict clean on $nsrc C sources"
	cat "$log/checkpatch.log" "$log/checkpatch.err" | head -n 40 | tap_diag
else
	tap_ok "checkpatch --strict clean on $nsrc C sources"
fi

"$KDIR/scripts/kernel-doc" -none "${kernel_sources[@]}" >"$log/kernel-doc.log" 2>&1
if [ -s "$log/kernel-doc.log" ]; then
	tap_not_ok "kernel-doc reports nothing on our kernel sources"
	head -n 40 "$log/kernel-doc.log" | tap_diag
else
	tap_ok "kernel-doc reports nothing on our kernel sources"
fi

# Every EXPORT_SYMBOL*(name) has a "name() - " kernel-doc line.
undocumented=()
while read -r sym; do
	grep -rqsE "^ \* $sym\(\) - " drivers include ||
		undocumented+=("$sym")
done < <(grep -rhoE 'EXPORT_SYMBOL(_GPL)?\([a-z0-9_]+\)' drivers samples |
	 sed -E 's/.*\((.*)\)/\1/' | sort -u)
if [ ${#undocumented[@]} -eq 0 ]; then
	tap_ok "every exported symbol has kernel-doc"
else
	tap_not_ok "every exported symbol has kernel-doc"
	printf '%s\n' "${undocumented[@]}" | tap_diag
fi

gate "userspace test programs build with -Werror" "$log/progs.log" \
	make --no-print-directory -C tools/testing OUT="$OUT"
exit 0
