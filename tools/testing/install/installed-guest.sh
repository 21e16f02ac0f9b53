#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install suite, in the test guest booted on a root where the DKMS package
# is installed (run-vm.sh --root ... --no-modtree), with vfio-pci.ids=
# for the edu devices on the kernel command line.  Everything loaded here
# is what the package installed.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

version=$(dpkg-query -W -f='${Version}' vfio-pci-vendor-ops-dkms 2>/dev/null)
tap_result "the package is installed in this root (version ${version:-none})" \
	"$([ -n "$version" ]; echo $?)"

path=$(modinfo -n vfio-pci 2>&1)
case $path in
"/lib/modules/$KVER/updates/dkms/vfio-pci.ko"*) rc=0 ;;
*) rc=1 ;;
esac
tap_result "modinfo -n vfio-pci: the package's module, $path" $rc
tap_result "modinfo -F version vfio-pci names the package's release" \
	"$([ "$(modinfo -F version vfio-pci)" = "$version" ]; echo $?)"
tap_result "no module of the source tree in this guest (nothing under updates/vfio-pci-vendor)" \
	"$([ ! -e "/lib/modules/$KVER/updates/vfio-pci-vendor" ]; echo $?)"

mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -lt 2 ]; then
	tap_not_ok "two edu devices present"
	exit 1
fi
dev0=${edus[0]} dev1=${edus[1]}
owner() { vfio_owner "$1"; }

# ---- vfio-pci.ids= on the kernel command line ----------------------------
grep -q 'vfio-pci.ids=1234:11e8' /proc/cmdline ||
	tap_not_ok "the guest was booted with vfio-pci.ids=1234:11e8"
tap_check "modprobe vfio-pci (ids= from the kernel command line)" modprobe vfio-pci
loaded_version=$(cat /sys/module/vfio_pci/version 2>/dev/null)
tap_result "the loaded vfio-pci is the package's (/sys/module/vfio_pci/version ${loaded_version:-absent}, vendor_drivers $(cat /sys/module/vfio_pci/parameters/vendor_drivers 2>/dev/null))" \
	"$([ "$loaded_version" = "$version" ] &&
	   [ "$(cat /sys/module/vfio_pci/parameters/vendor_drivers)" = auto ]; echo $?)"
got=$(vfio_owners_within 30 "$dev0" "$dev1")
tap_result "both edu devices bound by vfio-pci.ids= get edu_migration by alias ($got)" \
	"$([ "$got" = "edu_migration edu_migration" ]; echo $?)"
loaded=
for m in edu_skeleton edu_override edu_remap; do
	module_loaded "$m" && loaded+=" $m"
done
tap_result "the package's modprobe.d file keeps the teaching samples from autoloading${loaded:+ (loaded:$loaded)}" \
	"$([ -z "$loaded" ]; echo $?)"

# ---- one migration with the installed modules -----------------------------
# vfio_migration_v2 is a kselftest harness program: a line per case,
# "ok <n> migration_v2.<case>" passed, "ok <n> # SKIP <why>" skipped,
# "not ok <n> ..." failed; then "# PASSED: <n> / <n> tests passed." and
# exit status 0 when none failed.  A case about the destination must have
# passed (a skipped one names no case): a migration was made.
# shellcheck disable=SC2046
out=$(env $(guest_v2_env) VFIO_TEST_SRC_BDF="$dev0" VFIO_TEST_DST_BDF="$dev1" \
	"$BIN/vfio_migration_v2" 2>&1)
rc=$?
n_ok=$(grep -c '^ok [0-9]* migration_v2\.' <<<"$out")
n_skip=$(grep -c '^ok [0-9]* # SKIP' <<<"$out")
n_bad=$(grep -c '^not ok [0-9]' <<<"$out")
if [ "$rc" -eq 0 ] && [ "$n_bad" -eq 0 ] && [ "$n_ok" -gt 0 ] &&
   grep -q '^# PASSED: ' <<<"$out" &&
   grep -q '^ok [0-9]* migration_v2\..*destination' <<<"$out"; then
	tap_ok "v2 migration from $dev0 to $dev1 with the installed modules ($n_ok cases passed, $n_skip skipped)"
else
	tap_not_ok "v2 migration from $dev0 to $dev1 with the installed modules ($n_bad of $((n_ok + n_skip + n_bad)) cases failed, exit status $rc)"
	grep -E '^not ok |^# [^ ]*\.c:[0-9]+:|^# [^ ]*: Test terminated' <<<"$out" |
		head -n 20 | tap_diag
fi

# ---- driverctl ---------------------------------------------------------------
vfio_unbind "$dev0"
mount -t tmpfs tmpfs /etc/driverctl.d	# the root is read-only
tap_check "driverctl set-override $dev0 vfio-pci" driverctl set-override "$dev0" vfio-pci
tap_result "... binds it to vfio-pci with edu_migration ($(owner "$dev0"))" \
	"$([ "$(pci_driver_of "$dev0")" = vfio-pci ] && [ "$(owner "$dev0")" = edu_migration ]; echo $?)"
tap_result "... and saves the override ($(cat "/etc/driverctl.d/pci-$dev0" 2>/dev/null))" \
	"$([ "$(cat "/etc/driverctl.d/pci-$dev0" 2>/dev/null)" = vfio-pci ]; echo $?)"
pci_unbind "$dev0"
echo "$dev0" >"$PCI/drivers_probe"
tap_result "an override set by driverctl survives a rebind (unbind, drivers_probe: $(owner "$dev0"))" \
	"$([ "$(owner "$dev0")" = edu_migration ]; echo $?)"
# What driverctl's udev rule runs when the device appears at boot.
pci_unbind "$dev0"
echo >"$PCI/devices/$dev0/driver_override"
tap_check "driverctl load-override $dev0 (what its udev rule runs at boot)" \
	driverctl load-override "$dev0"
tap_result "... binds it again with edu_migration ($(owner "$dev0"))" \
	"$([ "$(owner "$dev0")" = edu_migration ]; echo $?)"
tap_check "driverctl unset-override $dev0" driverctl unset-override "$dev0"
override=$(cat "$PCI/devices/$dev0/driver_override")
tap_result "... clears the override (${override}) and forgets it" \
	"$([[ "$override" = "" || "$override" = "(null)" ]] &&
	   [ ! -e "/etc/driverctl.d/pci-$dev0" ]; echo $?)"

# ---- back to nothing -------------------------------------------------------
# (With ids= on the command line, vfio-pci took $dev0 back at the reprobe.)
vfio_unbind "$dev0"
vfio_unbind "$dev1"
tap_check "edu_migration and vfio-pci unload once the devices are released" \
	modprobe -r edu_migration vfio-pci
exit 0
