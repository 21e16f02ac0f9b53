# SPDX-License-Identifier: GPL-2.0-only
#
# Module files for busybox-based initramfs images (sourced).

# kmod_copy_module <module file> <folder>: copy a module into the folder as a
# plain .ko, whatever its compression (Debian's 6.12 modules are .ko.xz,
# which busybox's insmod cannot read); print the copy's name.
kmod_copy_module() {
	local src=$1 dir=$2 base
	base=$(basename "$src")
	case $src in
	*.ko.xz) base=${base%.xz}; xz -dc "$src" >"$dir/$base" ;;
	*.ko.zst) base=${base%.zst}; zstd -qdc "$src" >"$dir/$base" ;;
	*.ko.gz) base=${base%.gz}; gzip -dc "$src" >"$dir/$base" ;;
	*) cp "$src" "$dir/$base" ;;
	esac || return 1
	echo "$base"
}
