# SPDX-License-Identifier: GPL-2.0-only
#
# A throwaway copy of this machine's root to install packages into
# (sourced by the install suite).  The host's root filesystem is the lower
# layer of an overlay whose upper layer is a tmpfs, so dpkg, DKMS and
# depmod run at the host's speed against its real packages and kernels,
# and every write vanishes with the mount namespace.  Call from a private
# mount namespace (unshare -m --propagation private).
#
# Why not inside the test guest: DKMS compiles every module once per
# kernel, minutes under TCG; here it takes seconds.  The test guest then
# boots with this copy as its root (run-vm.sh --root), so it loads what
# the package installed.

# overlay_root_make <folder>: the copy at <folder>/root, with /proc, /sys
# and /dev of the host.
overlay_root_make() {
	local base=$1
	mkdir -p "$base" &&
	mount -t tmpfs -o mode=0755 overlay-upper "$base" &&
	mkdir -p "$base/upper" "$base/work" "$base/root" &&
	mount -t overlay overlay-root \
		-o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root" ||
		return 1
	OVERLAY_ROOT=$base/root
	overlay_root_attach_mounts
}

# What commands run in the copy need: the host's /proc, /sys and /dev, and
# an empty /tmp and /run.
overlay_root_attach_mounts() {
	mount --rbind /proc "$OVERLAY_ROOT/proc" &&
	mount --rbind /sys "$OVERLAY_ROOT/sys" &&
	mount --rbind /dev "$OVERLAY_ROOT/dev" &&
	mount -t tmpfs tmpfs "$OVERLAY_ROOT/tmp" &&
	mount -t tmpfs tmpfs "$OVERLAY_ROOT/run"
}

# in_root <command...>: run a command in the copy, with a plain
# environment (what a root shell there would have).
in_root() {
	chroot "$OVERLAY_ROOT" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# Those mounts go before a guest exports the copy as its root: 9p would
# serve the host's /proc and /sys through them.
overlay_root_detach_mounts() {
	local m
	for m in run tmp dev sys proc; do
		umount -R "$OVERLAY_ROOT/$m" 2>/dev/null || umount -lR "$OVERLAY_ROOT/$m"
	done
}
