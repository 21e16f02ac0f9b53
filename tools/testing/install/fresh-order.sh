#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's commands in the order a fresh machine runs them, without a
# fresh machine: in a private mount namespace the kernel images, module
# trees and build trees (/boot, /lib/modules, /usr/src) are hidden, as on
# a machine where nothing is installed yet.  A stand-in for "make deps"
# reveals them, as apt-get would, and a stand-in for each target's last
# step records what that step sees: the kernels, and the environment make
# handed it (no KVER or KDIR: the user gave none).  A Makefile that looked
# at the kernels before deps ran and passed on what it saw then fails here.  Run as root, on the host.
#
# usage: fresh-order.sh      prints TAP lines
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/testing/lib/tap.sh"

if [ "$(id -u)" != 0 ]; then
	tap_not_ok "fresh order: runs as root (mount namespaces)"
	exit 1
fi

want_build=$("$top/scripts/kernels.sh" build | tr '\n' ' ')
want_test=$("$top/scripts/kernels.sh" test | tr '\n' ' ')
if [ -z "$want_build" ] || [ -z "$want_test" ]; then
	tap_not_ok "fresh order: a supported kernel is installed to hide (make deps)"
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hidden="/boot /lib/modules /usr/src"

# Stand-in for deps: what apt-get install does to these folders, seen
# from here.  Idempotent, like the real one.
cat >"$work/deps" <<EOF
#!/bin/bash
for d in $hidden; do
	if mountpoint -q "\$d" && [ -e "\$d/.vmtest-hidden" ]; then
		umount "\$d" || exit 1
	fi
done
echo revealed >>"$work/deps.log"
EOF

# Stand-in for the last step of a target: what it would see.
cat >"$work/probe" <<EOF
#!/bin/bash
{
	echo "target=\$1"
	echo "env-kver=\${KVER-unset}"
	echo "env-kdir=\${KDIR-unset}"
	echo "build=\$("$top/scripts/kernels.sh" build | tr '\n' ' ')"
	echo "test=\$("$top/scripts/kernels.sh" test | tr '\n' ' ')"
} >"$work/probe-\$1.log"
EOF
chmod +x "$work/deps" "$work/probe"

# One target, from a hidden start.
run_target() {
	local target=$1
	rm -f "$work/deps.log" "$work"/probe-*.log
	unshare -m --propagation private bash -c '
		for d in '"$hidden"'; do
			mount -t tmpfs -o size=1m hidden "$d" &&
				touch "$d/.vmtest-hidden" || exit 1
		done
		"$1" build >/dev/null 2>&1 && { echo "kernels visible before deps"; exit 1; }
		make --no-print-directory -C "$2" "$3" OUT="$4/out" DEPS="$4/deps" \
			CHECK_RUN="$4/probe check" CHECK_DEBUG_RUN="$4/probe check-debug" \
			DEMO_RUN="$4/probe demo" \
			BENCH_RUN="$4/probe bench" SHELL_RUN="$4/probe vm-shell" \
			BUILD_RUN="$4/probe build-$3"
	' _ "$top/scripts/kernels.sh" "$top" "$target" "$work" >"$work/make-$target.log" 2>&1
}

check_probe() {
	local target=$1 probe=$2 log=$work/probe-$2.log
	if [ ! -f "$log" ]; then
		tap_not_ok "fresh order: make $target runs its step after deps"
		tap_diag <"$work/make-$target.log"
		return
	fi
	if grep -qx "env-kver=unset" "$log" && grep -qx "env-kdir=unset" "$log" &&
	   grep -qx "build=$want_build" "$log" && grep -qx "test=$want_test" "$log" &&
	   [ -f "$work/deps.log" ]; then
		tap_ok "fresh order: make $target on a machine without kernels: after deps, $probe sees ${want_test% }"
	else
		tap_not_ok "fresh order: make $target on a machine without kernels: after deps, $probe sees ${want_test% }"
		tap_diag <"$log"
		tap_diag <"$work/make-$target.log"
	fi
}

for target in check check-debug demo bench vm-shell; do
	run_target "$target"
	check_probe "$target" "$target"
	# demo, bench and vm-shell build first: that step must see them too.
	case $target in
	check*) ;;
	*) check_probe "$target" "build-$target" ;;
	esac
done
# make fuzz lists the kernels for its jobs, then runs the runner.
run_target fuzz
check_probe fuzz check

# Without deps, a build says what is missing instead of using an empty
# kernel release.
unshare -m --propagation private bash -c '
	for d in '"$hidden"'; do mount -t tmpfs -o size=1m hidden "$d" || exit 1; done
	make --no-print-directory -C "$1" modules OUT="$2/out"
' _ "$top" "$work" >"$work/modules.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "run 'make deps'" "$work/modules.log" &&
   ! grep -q "/lib/modules//build" "$work/modules.log"; then
	tap_ok "fresh order: make modules before deps fails and says to run make deps"
else
	tap_not_ok "fresh order: make modules before deps fails and says to run make deps"
	tap_diag <"$work/modules.log"
fi
exit 0
