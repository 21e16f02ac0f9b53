#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make install" / "make uninstall": the built modules of each kernel into
# <root>/lib/modules/<release>/updates/vfio-pci-vendor/, where depmod
# ranks them above the kernel's own vfio-pci.  A manifest in that folder
# lists what was installed, and uninstall removes exactly that.
#
# usage: install.sh install | uninstall
# <root> is INSTALL_MOD_PATH, else DESTDIR, else /.  Kernels as for
# kbuild.sh (KVER=, KDIR=, or every supported kernel with a build tree).
# The registry suite's test-only module is never installed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$top/out}
root=${INSTALL_MOD_PATH:-${DESTDIR:-}}
root=${root%/}
subdir=updates/vfio-pci-vendor
manifest_name=MANIFEST

die() {
	echo "install: $*" >&2
	exit 1
}

# Writing the system's module tree needs root; a staging root needs only
# write access, which mkdir tells.
need_write() {
	if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then
		die "writing /lib/modules/$1 needs root (sudo make $2), or stage" \
		    "elsewhere with INSTALL_MOD_PATH=<dir> or DESTDIR=<dir>"
	fi
}

# A staging root that holds only our modules has no index worth making
# (the package manager's depmod makes it where the modules land).
run_depmod() {
	local rel=$1
	if [ -z "$root" ]; then
		depmod "$rel"
	elif [ -f "$root/lib/modules/$rel/modules.order" ]; then
		depmod -b "$root" "$rel"
	else
		echo "$verb: depmod skipped for $rel: $root holds no module" \
		     "tree of that kernel (run depmod $rel where it is installed)"
	fi
}

do_install() {
	local rel=$1 dir=$2 dest ko n=0
	dest=$root/lib/modules/$rel/$subdir
	mapfile -t kos < <(cd "$dir" && find drivers samples -name '*.ko' | sort)
	[ ${#kos[@]} -gt 0 ] || die "no modules built for $rel in $dir (make modules)"
	need_write "$rel" install
	if [ -f "$dest/$manifest_name" ]; then
		remove_listed "$rel" quiet
	fi
	mkdir -p "$dest" || die "cannot create $dest"
	for ko in "${kos[@]}"; do
		install -D -m 0644 "$dir/$ko" "$dest/$ko"
		echo "$ko" >>"$dest/$manifest_name.new"
		n=$((n + 1))
	done
	mv "$dest/$manifest_name.new" "$dest/$manifest_name"
	run_depmod "$rel"
	echo "install: $n modules for $rel in $dest"
	if ls "$root/lib/modules/$rel/updates/dkms/vfio-pci.ko"* >/dev/null 2>&1; then
		echo "install: warning: the DKMS package's vfio-pci is installed" \
		     "for $rel too; remove one of the two" >&2
	fi
}

# Remove what the manifest lists, the manifest, and the folders left empty.
remove_listed() {
	local rel=$1 quiet=${2:-} dest f n=0
	dest=$root/lib/modules/$rel/$subdir
	while read -r f; do
		case $f in
		"" | /* | *..*) die "refusing a strange manifest line '$f' in $dest" ;;
		esac
		rm -f "$dest/$f"
		n=$((n + 1))
	done <"$dest/$manifest_name"
	rm -f "$dest/$manifest_name"
	find "$dest" -depth -type d -empty -delete
	rmdir "$root/lib/modules/$rel/updates" 2>/dev/null || true
	# What install created in a staging root (never the system's folders:
	# those hold the kernel's own modules).
	if [ -n "$root" ]; then
		rmdir "$root/lib/modules/$rel" "$root/lib/modules" "$root/lib" \
			2>/dev/null || true
	fi
	[ -n "$quiet" ] || echo "uninstall: removed $n modules for $rel from $dest"
}

do_uninstall() {
	local rel=$1
	if [ ! -f "$root/lib/modules/$rel/$subdir/$manifest_name" ]; then
		echo "uninstall: nothing installed for $rel by make install" \
		     "(no $root/lib/modules/$rel/$subdir/$manifest_name)"
		return 0
	fi
	need_write "$rel" uninstall
	remove_listed "$rel"
	run_depmod "$rel"
}

# Kernels to uninstall from: the ones asked for, else every release with
# a manifest (the build tree may be gone since).
uninstall_releases() {
	local m
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
	elif [ -n "${KDIR:-}" ]; then
		"$top/scripts/kernels.sh" release "$KDIR"
	else
		for m in "$root"/lib/modules/*/"$subdir/$manifest_name"; do
			[ -f "$m" ] || continue
			m=${m#"$root"/lib/modules/}
			echo "${m%%/*}"
		done
	fi
}

verb=${1:-}
case $verb in
install)
	dirs=$("$top/scripts/kbuild.sh" --dirs) || exit 1
	while read -r rel dir; do
		do_install "$rel" "$dir"
	done <<<"$dirs"
	;;
uninstall)
	rels=$(uninstall_releases)
	[ -n "$rels" ] || { echo "uninstall: nothing installed by make install"; exit 0; }
	for rel in $rels; do
		do_uninstall "$rel"
	done
	;;
*)
	echo "usage: $0 install | uninstall" >&2
	exit 2
	;;
esac
