#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "build": the modules build cleanly at W=1 and under sparse against
# KVER's build tree; with --common also what does not depend on a kernel:
# every source passes checkpatch --strict, kernel-doc is clean and covers
# every exported symbol, and the userspace test programs build with
# -Werror.
#
# usage: gates.sh [--common]
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tools/testing/lib/tap.sh
OUT=${OUT:-$top/out}
KVER=${KVER:-$(scripts/kernels.sh default)}
KDIR=/lib/modules/$KVER/build
export KVER OUT
common=0
[ "${1:-}" = --common ] && common=1
log=$OUT/gates/$KVER
mkdir -p "$log"
builddir=$OUT/kbuild/$KVER

kbuild() {
	KDIR= scripts/kbuild.sh "$@"
}

# Lines that are diagnostics about our own files (in the kernel's build
# folder of this tree, scripts/kbuild.sh).
our_diagnostics() {
	grep -E "^(($top|$builddir)/)?(drivers|include|samples)/[^:]*:[0-9]+(:[0-9]+)?: (warning|error)" "$1"
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
	tap_not_ok "a build tree of a supported kernel is installed (run make deps)"
	exit 1
fi

kbuild clean >/dev/null 2>&1
gate "modules build against $KVER with W=1 and no warning" "$log/w1.log" \
	kbuild W=1 modules
gate "sparse (C=2) reports nothing on our sources" "$log/sparse.log" \
	kbuild C=2 modules

# Kernels with iommufd (not Debian's): a build-only check on 6.12's sources.
if [ "$(scripts/kernels.sh series "$KVER")" = 6.12 ]; then
	tools/testing/iommufd-build.sh
fi

[ $common -eq 1 ] || exit 0

# Kernel sources strictly; userspace test sources too, except that they may
# use the CamelCase names of external APIs (cmocka, libFuzzer).
# The compat header is the one place that tests kernel versions
# (LINUX_VERSION_CODE against KERNEL_VERSION(), which checkpatch also
# takes for a constant on the left): those two checks are off there only.
compat=include/linux/vfio_pci_compat.h
mapfile -t kernel_sources < <(find drivers include samples -name '*.[ch]' \
	-not -name '*.mod.c' | sort)
mapfile -t tool_sources < <(find tools -name '*.[ch]' -not -name '*.mod.c' | sort)
{
	scripts/checkpatch.sh $(printf '%s\n' "${kernel_sources[@]}" | grep -vx "$compat")
	scripts/checkpatch.sh --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON "$compat"
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

# One release number: the modules' and the package's.
hv=$(sed -n 's/^#define VFIO_PCI_VENDOR_OPS_VERSION "\(.*\)"$/\1/p' include/linux/vfio_pci_vendor.h)
cv=$(dpkg-parsechangelog -l scripts/package/debian/changelog -S Version 2>/dev/null)
tap_result "the modules and the package name one release ($hv, changelog $cv)" \
	"$([ -n "$hv" ] && [ "$hv" = "$cv" ]; echo $?)"

gate "userspace test programs build with -Werror" "$log/progs.log" \
	make --no-print-directory -C tools/testing OUT="$OUT"
exit 0
