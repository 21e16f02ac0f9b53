#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "install": the tree installed the ways an operator installs it,
# on the host (as root) and in the test guest.
#
#  - the README's commands in a fresh machine's order (fresh-order.sh);
#  - make install / uninstall into a staging root, and their refusals;
#  - make deb, lintian, and what the package holds;
#  - the package installed with dpkg into a throwaway copy of this
#    machine's root (overlay-root.sh): DKMS builds it for every kernel with
#    headers, names a kernel whose build fails and goes on, builds it again
#    when a kernel's headers arrive; the test guest boots that root and
#    uses the installed modules (installed-guest.sh); the package purged,
#    nothing of it stays, and the guest binds stock vfio-pci again
#    (removed-guest.sh).
#
# KVER is the kernel the guests boot and whose headers "arrive" (the other
# supported kernel's headers stay installed).  With --common, the checks
# that do not depend on a kernel run too (the 6.1 run does them).
#
# usage: install.sh [--common]      (TAP lines)
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top" || exit 1
. tools/testing/lib/tap.sh
. tools/testing/install/overlay-root.sh
OUT=${OUT:-$top/out}
KVER=${KVER:-$(scripts/kernels.sh default)}
export OUT KVER
# This suite runs a user's own make commands: the variables of the make
# that started it ("make check KVER=<release>") must not reach them
# through MAKEFLAGS.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS
common=0
[ "${1:-}" = --common ] && common=1

NAME=vfio-pci-vendor-ops
PKG=vfio-pci-vendor-ops-dkms
OURS='vfio-pci|vfio_pci_nic_vf|i40e_vf_migration|igb_vf_migration|edu_migration|edu_skeleton|edu_override|edu_remap'

if [ "$(id -u)" != 0 ]; then
	tap_not_ok "install: runs as root"
	exit 1
fi

# Everything below runs in a private mount namespace: nothing mounted here
# outlives the suite or reaches the host.
if [ -z "${VMT_INSTALL_NS:-}" ]; then
	VMT_INSTALL_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

work=$OUT/install/$KVER
rm -rf "$work"
mkdir -p "$work"
log() { cat >>"$work/steps.log"; }

phase() { echo "# phase: $* ($(date +%T))"; }

# ---- kernel-independent checks ------------------------------------------
if [ $common -eq 1 ]; then
	phase "fresh order"
	# As a user would run them: no kernel chosen.
	env -u KVER -u KDIR tools/testing/install/fresh-order.sh

	phase "make install and uninstall"
	stage=$work/stage
	env -u KVER -u KDIR make --no-print-directory install INSTALL_MOD_PATH="$stage" \
		>"$work/make-install.log" 2>&1
	rc=$?
	built=$(cd "$OUT/kbuild/$KVER" && find drivers samples -name '*.ko' | sort)
	installed=$(cd "$stage/lib/modules/$KVER/updates/vfio-pci-vendor" 2>/dev/null &&
		    find . -name '*.ko' | sed 's|^\./||' | sort)
	if [ $rc -eq 0 ] && [ -n "$built" ] && [ "$built" = "$installed" ] &&
	   ! grep -rqs vfio_pci_test_vendor "$stage"; then
		tap_ok "make install INSTALL_MOD_PATH= puts the $(wc -l <<<"$built") modules of $KVER under updates/vfio-pci-vendor, not the test-only one"
	else
		tap_not_ok "make install INSTALL_MOD_PATH= puts the modules of $KVER under updates/vfio-pci-vendor, not the test-only one"
		tap_diag <"$work/make-install.log"
	fi
	for rel in $(scripts/kernels.sh build); do
		if [ ! -f "$stage/lib/modules/$rel/updates/vfio-pci-vendor/MANIFEST" ]; then
			tap_not_ok "make install without KVER installs for every kernel ($rel missing)"
			rel=
			break
		fi
	done
	[ -z "${rel:-}" ] || tap_ok "make install without KVER installs for every built kernel"
	env -u KVER -u KDIR make --no-print-directory uninstall DESTDIR="$stage" \
		>"$work/make-uninstall.log" 2>&1
	rc=$?
	left=$(find "$stage" -mindepth 1 2>/dev/null)
	if [ $rc -eq 0 ] && [ -z "$left" ]; then
		tap_ok "make uninstall DESTDIR= removes exactly what was installed (nothing left)"
	else
		tap_not_ok "make uninstall DESTDIR= removes exactly what was installed (nothing left)"
		{ cat "$work/make-uninstall.log"; echo "$left"; } | head -n 20 | tap_diag
	fi

	# A file of someone else's in our folder survives an uninstall.
	make --no-print-directory install KVER="$KVER" INSTALL_MOD_PATH="$stage" >/dev/null 2>&1
	touch "$stage/lib/modules/$KVER/updates/vfio-pci-vendor/not-ours.ko"
	make --no-print-directory uninstall KVER="$KVER" INSTALL_MOD_PATH="$stage" >/dev/null 2>&1
	left=$(cd "$stage" && find . -type f | sed 's|^\./||')
	tap_result "make uninstall leaves a file it did not install" \
		"$([ "$left" = "lib/modules/$KVER/updates/vfio-pci-vendor/not-ours.ko" ]; echo $?)"
	rm -rf "$stage"

	out=$(make --no-print-directory install KVER=6.1.0-0-none INSTALL_MOD_PATH="$stage" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -q "no build tree for 6.1.0-0-none" <<<"$out" &&
	   grep -q "linux-headers-6.1.0-0-none" <<<"$out"; then
		tap_ok "make install for a kernel without headers fails and names the package to install"
	else
		tap_not_ok "make install for a kernel without headers fails and names the package to install"
		tap_diag <<<"$out"
	fi
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		scripts/install.sh install 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -q "needs root" <<<"$out" && grep -q INSTALL_MOD_PATH <<<"$out"; then
		tap_ok "make install without root into the system fails and says how to stage instead"
	else
		tap_not_ok "make install without root into the system fails and says how to stage instead"
		tap_diag <<<"$out"
	fi
fi

# ---- the package --------------------------------------------------------
phase "make deb"
out=$(make --no-print-directory deb 2>&1)
rc=$?
deb=$(sed -n 's/^deb: //p' <<<"$out" | tail -n1)
if [ $rc -ne 0 ] || [ ! -f "$deb" ]; then
	tap_not_ok "make deb builds $PKG"
	tap_diag <<<"$out"
	exit 1
fi
tap_ok "make deb builds $(basename "$deb")"
if [ $common -eq 1 ]; then
	# lintian refuses to be quiet as root; run it as nobody on a copy.
	cp "$deb" "$work/"
	chmod 0755 "$work"
	lint=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		lintian --pedantic -I "$work/$(basename "$deb")" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$lint" ]; then
		tap_ok "lintian --pedantic reports nothing on the package"
	else
		tap_not_ok "lintian --pedantic reports nothing on the package"
		tap_diag <<<"$lint"
	fi
	files=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	src=./usr/src/$NAME-$(dpkg-deb -f "$deb" Version)
	bad=$(grep -E '\.(o|ko|cmd|mod)$|/tools/|Makefile$' <<<"$files")
	if grep -qx "$src/dkms.conf" <<<"$files" && grep -qx "$src/Kbuild" <<<"$files" &&
	   grep -qx "$src/drivers/vfio/pci/vfio_pci_main.c" <<<"$files" &&
	   grep -qx "./lib/modprobe.d/$NAME.conf" <<<"$files" && [ -z "$bad" ]; then
		tap_ok "the package holds sources, dkms.conf and the modprobe.d file; no objects, no tests"
	else
		tap_not_ok "the package holds sources, dkms.conf and the modprobe.d file; no objects, no tests"
		tap_diag <<<"$bad"
	fi
fi

# ---- installed into a copy of this machine ------------------------------
phase "dpkg -i into a copy of this machine's root"
if ! overlay_root_make "$work/ovl" 2>"$work/overlay.log"; then
	tap_not_ok "a throwaway copy of this machine's root (overlay on tmpfs)"
	tap_diag <"$work/overlay.log"
	exit 1
fi
R=$OVERLAY_ROOT
headers_deb=$(ls "$OUT/debs/linux-headers-${KVER}_"*.deb 2>/dev/null | head -n1)
if [ -z "$headers_deb" ]; then
	tap_not_ok "linux-headers-$KVER's .deb is at hand (make deps)"
	exit 1
fi
cp "$deb" "$headers_deb" "$R/tmp/"

# KVER's headers are not there yet (they arrive below); a kernel whose
# headers are broken is.
in_root dpkg --purge --force-depends "linux-headers-$KVER" >"$work/purge-headers.log" 2>&1
broken=6.12.0-0-broken
mkdir -p "$R/lib/modules/$broken/build/include"
printf 'modules:\n\t@echo "this kernel tree is broken on purpose" >&2; false\n' \
	>"$R/lib/modules/$broken/build/Makefile"
if [ -e "$R/lib/modules/$KVER/build" ]; then
	tap_not_ok "the copy starts without $KVER's headers"
	tap_diag <"$work/purge-headers.log"
fi
(cd "$work/ovl/upper" && find . -xdev | sort) >"$work/upper-before.txt"

in_root dpkg -i "/tmp/$(basename "$deb")" >"$work/dpkg-i.log" 2>&1
rc=$?
others=$(scripts/kernels.sh build | grep -vx "$KVER")
ok=1
for rel in $others; do
	grep -q "built and installed for $rel" "$work/dpkg-i.log" || ok=0
	ls "$R/lib/modules/$rel/updates/dkms/vfio-pci.ko"* >/dev/null 2>&1 || ok=0
done
if [ $rc -eq 0 ] && [ $ok -eq 1 ] && [ -n "$others" ]; then
	tap_ok "dpkg -i: DKMS builds and installs the modules for every kernel with headers ($(echo $others))"
else
	tap_not_ok "dpkg -i: DKMS builds and installs the modules for every kernel with headers ($(echo $others))"
	tap_diag <"$work/dpkg-i.log"
fi
if grep -q "build for kernel $broken FAILED; log: .*make-$broken.log" "$work/dpkg-i.log" &&
   grep -q "not installed for: $broken (the other kernels are fine)" "$work/dpkg-i.log" &&
   [ $rc -eq 0 ]; then
	tap_ok "a kernel whose build fails is named with its log, and the install goes on"
else
	tap_not_ok "a kernel whose build fails is named with its log, and the install goes on"
	tap_diag <"$work/dpkg-i.log"
fi
tap_result "no build for $KVER, whose headers are not installed" \
	"$(! ls "$R/lib/modules/$KVER/updates/dkms/"* >/dev/null 2>&1; echo $?)"
rm -rf "${R:?}/lib/modules/$broken"

phase "linux-headers-$KVER arrives"
in_root dpkg -i "/tmp/$(basename "$headers_deb")" >"$work/dpkg-headers.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && ls "$R/lib/modules/$KVER/updates/dkms/vfio-pci.ko"* >/dev/null 2>&1 &&
   in_root dkms status -m "$NAME" -k "$KVER" | grep -q ': installed'; then
	tap_ok "installing linux-headers-$KVER builds the modules for it (DKMS's kernel hook)"
else
	tap_not_ok "installing linux-headers-$KVER builds the modules for it (DKMS's kernel hook)"
	tap_diag <"$work/dpkg-headers.log"
fi

phase "guest on the installed package"
overlay_root_detach_mounts
tools/testing/vm/run-vm.sh --name "install-pkg-$KVER" --timeout 600 \
	--smp 1 --root "$R" --no-modtree --kernel-arg vfio-pci.ids=1234:11e8 -- \
	tools/testing/install/installed-guest.sh
overlay_root_attach_mounts

phase "dpkg --purge"
in_root dpkg --purge "$PKG" >"$work/dpkg-purge.log" 2>&1
rc=$?
tap_result "dpkg --purge $PKG" "$rc"
[ $rc -eq 0 ] || tap_diag <"$work/dpkg-purge.log"

# Every file the purge left in the copy's upper layer that was not there
# before the install, and differs from the host's own, is a leftover.
# dpkg's database and logs, and DKMS's own signing key, are not ours.
leftovers=$(cd "$work/ovl/upper" && find . -xdev -type f | sort |
	comm -23 - "$work/upper-before.txt" |
	grep -vE '^\./(var/lib/dpkg|var/log|var/cache/debconf)/|^\./var/lib/dkms/mok\.' |
	while read -r f; do
		cmp -s "$f" "/${f#./}" 2>/dev/null || echo "${f#.}"
	done)
if [ -z "$leftovers" ]; then
	tap_ok "after the purge nothing of the package is left (sources, DKMS tree, modules, indexes, modprobe.d)"
else
	tap_not_ok "after the purge nothing of the package is left (sources, DKMS tree, modules, indexes, modprobe.d)"
	head -n 30 <<<"$leftovers" | tap_diag
fi
found=$(find "$R/lib/modules" -regextype egrep -regex ".*/($OURS)\.ko(\.xz|\.zst)?" 2>/dev/null |
	grep -v '/kernel/')
tap_result "no module of ours in any kernel's tree after the purge" \
	"$([ -z "$found" ]; echo $?)"
[ -z "$found" ] || tap_diag <<<"$found"

phase "guest after the purge"
overlay_root_detach_mounts
tools/testing/vm/run-vm.sh --name "install-removed-$KVER" --timeout 300 \
	--smp 1 --root "$R" --no-modtree -- \
	tools/testing/install/removed-guest.sh
exit 0
