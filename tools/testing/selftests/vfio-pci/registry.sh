#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "registry": the vendor-driver registry of our vfio-pci, with real
# edu devices in the test guest.  Autoload by module alias on bind, the
# registration order, probe failures and the fallback to default ops, the
# vendor_drivers policy parameter, the sysfs attribute and dmesg lines an
# operator sees, and every reference-counting rule (checked against
# /sys/module/*/refcnt).
#
# The edu samples share the alias vfio-pci:1234-11e8; modprobe.d
# blacklists choose which of them an alias request may load (a blacklist
# does not stop loading a module by name).  vfio_pci_test_vendor is a
# test-only vendor driver with module parameters (see its source).
# Runs inside the guest (see run-vm.sh).
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

# Every installed module with the edu alias (the samples, and any added
# later): an alias request may load any of them unless blacklisted.
mapfile -t SAMPLES < <(modprobe -R vfio-pci:1234-11e8 2>/dev/null | sort -u)
TESTMOD=vfio_pci_test_vendor
ALL_VENDORS=("$TESTMOD" "${SAMPLES[@]}")
PARAM=/sys/module/vfio_pci/parameters/vendor_drivers

mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -lt 2 ]; then
	tap_not_ok "two edu devices are present (found ${#edus[@]})"
	exit 1
fi
dev0=${edus[0]}
dev1=${edus[1]}
tap_diag <<<"modules with the alias vfio-pci:1234-11e8: ${SAMPLES[*]}"
for m in edu_skeleton edu_override; do
	case " ${SAMPLES[*]} " in
	*" $m "*) ;;
	*) tap_not_ok "$m is installed with the alias vfio-pci:1234-11e8" ;;
	esac
done

# ---- helpers ---------------------------------------------------------------

# check <name> <command...>: ok when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_not_ok "$name"; fi
}

# result <name>: ok when the previous command succeeded.
result() { tap_result "$1" $?; }

# check_eq <name> <got> <want>
check_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		tap_diag <<<"got '$2', expected '$3'"
	fi
}

# A marker in the kernel log; since_mark prints what was logged after it.
MARK=0
mark() {
	MARK=$((MARK + 1))
	echo "vmtest-registry-mark-$MARK" >/dev/kmsg
}
since_mark() {
	dmesg | awk -v m="vmtest-registry-mark-$MARK\$" 'found { print } $0 ~ m { found = 1 }'
}
logged() { since_mark | grep -qF -- "$1"; }
count_logged() { since_mark | grep -cF -- "$1"; }

owner() { vfio_owner "$1"; }
owns_line() { echo "$1: vendor driver $2 (module $2) owns 1234:11e8"; }
default_line() { echo "$1: no vendor driver for 1234:11e8, default ops"; }
refcnt() { module_refcnt "$1"; }
param() { cat "$PARAM" 2>/dev/null || echo "<no parameter>"; }

# Only the named samples may be loaded by alias.
allow_autoload() {
	local m a
	module_clear_blacklist
	for m in "${SAMPLES[@]}"; do
		for a in "$@"; do [ "$m" = "$a" ] && continue 2; done
		module_blacklist "$m"
	done
}

# Is any of the alias-sharing samples, other than those named, loaded?
others_loaded() {
	local m a
	for m in "${SAMPLES[@]}"; do
		for a in "$@"; do [ "$m" = "$a" ] && continue 2; done
		module_loaded "$m" && return 0
	done
	return 1
}

# Back to nothing: devices unbound, no vendor driver, no vfio_pci.
reset_all() {
	local m
	vfio_unbind "$dev0"
	vfio_unbind "$dev1"
	for m in "${ALL_VENDORS[@]}" vfio_pci; do
		module_loaded "$m" && rmmod "$m" 2>/dev/null
	done
	module_clear_blacklist
	for m in "${ALL_VENDORS[@]}" vfio_pci; do
		module_loaded "$m" && return 1
	done
	return 0
}

section() {
	tap_diag <<<"--- $*"
	if ! reset_all; then
		tap_not_ok "clean state before: $*"
		lsmod | grep -E 'vfio|edu' | tap_diag
	fi
}

# Every module's reference count, one "name count" per line.
all_refcnts() {
	local f
	for f in /sys/module/*/refcnt; do
		f=${f%/refcnt}
		echo "${f##*/} $(cat "$f/refcnt")"
	done
}

# ---- our vfio-pci, no vendor driver ----------------------------------------
section "default ops, the sysfs attribute"
allow_autoload
mark
modprobe vfio-pci
check "modprobe vfio-pci loads ours (updates/), with vendor_drivers=auto" \
	[ "$(param)" = auto ]
tap_diag <<<"vfio-pci is $(modinfo -n vfio-pci)"
base_refcnt=$(refcnt vfio_pci)
check_eq "vfio_pci refcnt is 0 with no vendor driver registered" "$base_refcnt" 0
vfio_bind "$dev0"
check_eq "bound without a vendor driver: vfio_vendor_driver reads none" \
	"$(owner "$dev0")" none
check "dmesg: \"no vendor driver for 1234:11e8, default ops\"" \
	logged "$(default_line "$dev0")"
! others_loaded
result "blacklisted samples were not loaded by the alias request"
tap_check "default ops: the device works (vfio_edu_id)" "$BIN/vfio_edu_id" "$dev0"

# ---- autoload on bind ------------------------------------------------------
section "autoload on bind"
allow_autoload edu_skeleton
modprobe vfio-pci
! module_loaded edu_skeleton
result "edu_skeleton is not loaded before the bind"
mark
vfio_bind "$dev0"
check "bind autoloads edu_skeleton by its alias vfio-pci:1234-11e8" \
	module_loaded edu_skeleton
check_eq "vfio_vendor_driver reads edu_skeleton" "$(owner "$dev0")" edu_skeleton
check "dmesg: \"vendor driver edu_skeleton (module edu_skeleton) owns 1234:11e8\"" \
	logged "$(owns_line "$dev0" edu_skeleton)"
check "dmesg: edu_skeleton registered before the device was offered" \
	logged "vendor driver edu_skeleton registered (module edu_skeleton)"
! others_loaded edu_skeleton
result "the other, blacklisted samples were not loaded"
tap_check "edu_skeleton: the device works (vfio_edu_id)" "$BIN/vfio_edu_id" "$dev0"

# ---- reference counts ------------------------------------------------------
section "reference counts"
allow_autoload edu_skeleton
modprobe vfio-pci
# The module loader itself pins a module whose symbols another one uses:
# measure that with a vendor module that links against vfio-pci but does
# not register.
modprobe "$TESTMOD" noregister=1
dep_ref=$(($(refcnt vfio_pci) - base_refcnt))
tap_diag <<<"a module using vfio-pci's symbols adds $dep_ref to its refcnt"
rmmod "$TESTMOD"
check_eq "a linked but unregistered module's reference goes with it" \
	"$(refcnt vfio_pci)" "$base_refcnt"
reg_refcnt=$((base_refcnt + dep_ref + 1))
modprobe edu_skeleton
check_eq "registering a vendor driver takes one reference on vfio_pci (besides the symbol dependency's)" \
	"$(refcnt vfio_pci)" "$reg_refcnt"
check_eq "a registered vendor driver owning nothing has refcnt 0" \
	"$(refcnt edu_skeleton)" 0
out=$(rmmod vfio_pci 2>&1)
rc=$?
[ "$rc" -ne 0 ] && module_loaded vfio_pci
result "rmmod vfio_pci fails while a vendor driver is registered"
tap_diag <<<"rmmod said: $out"
vfio_bind "$dev0"
check_eq "a successful probe pins the vendor module (refcnt 1)" \
	"$(refcnt edu_skeleton)" 1
vfio_bind "$dev1"
check_eq "each owned device holds its own reference (two devices: refcnt 2)" \
	"$(refcnt edu_skeleton)" 2
out=$(rmmod edu_skeleton 2>&1)
rc=$?
[ "$rc" -ne 0 ] && module_loaded edu_skeleton && [ "$(owner "$dev0")" = edu_skeleton ]
result "rmmod edu_skeleton fails while it owns devices"
tap_diag <<<"rmmod said: $out"
vfio_unbind "$dev1"
check_eq "unbinding one device drops its reference (refcnt 1)" \
	"$(refcnt edu_skeleton)" 1
! rmmod edu_skeleton 2>/dev/null && module_loaded edu_skeleton
result "rmmod edu_skeleton still fails while it owns one device"
vfio_unbind "$dev0"
check_eq "after the last unbind the vendor module is free (refcnt 0)" \
	"$(refcnt edu_skeleton)" 0
mark
check "rmmod edu_skeleton succeeds once it owns nothing" rmmod edu_skeleton
check "dmesg: module_exit unregistered edu_skeleton" \
	logged "vendor driver edu_skeleton unregistered"
check_eq "unregistering dropped vfio_pci's reference" \
	"$(refcnt vfio_pci)" "$base_refcnt"
check "rmmod vfio_pci succeeds with no vendor driver registered" rmmod vfio_pci
modprobe vfio-pci
! module_loaded edu_skeleton
result "edu_skeleton is not loaded after vfio-pci was reloaded"
mark
vfio_bind "$dev0"
module_loaded edu_skeleton && [ "$(owner "$dev0")" = edu_skeleton ] && logged "$(owns_line "$dev0" edu_skeleton)"
result "after rmmod and reload of vfio-pci, a bind autoloads edu_skeleton again"
vfio_unbind "$dev0"

# Load, bind, unbind, unload, several times over.
cycles_ok=1
for i in 1 2 3 4 5; do
	rmmod edu_skeleton 2>/dev/null
	rmmod vfio_pci 2>/dev/null
	if module_loaded vfio_pci || module_loaded edu_skeleton; then
		tap_diag <<<"cycle $i: could not unload"
		cycles_ok=0
		break
	fi
	modprobe vfio-pci && vfio_bind "$dev0"
	if [ "$(owner "$dev0")" != edu_skeleton ] ||
	   [ "$(refcnt edu_skeleton)" != 1 ] ||
	   [ "$(refcnt vfio_pci)" != "$reg_refcnt" ] ||
	   ! "$BIN/vfio_edu_id" "$dev0" >/dev/null; then
		tap_diag <<<"cycle $i: owner $(owner "$dev0"), refcnt edu_skeleton $(refcnt edu_skeleton), vfio_pci $(refcnt vfio_pci)"
		cycles_ok=0
	fi
	vfio_unbind "$dev0"
done
rmmod edu_skeleton && rmmod vfio_pci || cycles_ok=0
check "5 unload/reload cycles of vfio-pci and edu_skeleton: autoload, ownership and refcounts each time" \
	[ $cycles_ok = 1 ]

# ---- a vendor loaded after the bind ----------------------------------------
section "a vendor driver loaded after the bind"
allow_autoload
modprobe vfio-pci
vfio_bind "$dev0"
check_eq "bound with every sample blacklisted: none" "$(owner "$dev0")" none
mark
modprobe edu_skeleton
check_eq "a vendor loaded after the bind does not steal the device" \
	"$(owner "$dev0")" none
check_eq "... and holds no reference for it" "$(refcnt edu_skeleton)" 0
! logged "edu_skeleton: taking the device" && ! logged "owns 1234:11e8"
result "... and was not offered it (no probe, no dmesg claim)"
tap_check "the device still works with default ops" "$BIN/vfio_edu_id" "$dev0"
vfio_unbind "$dev0"
vfio_bind "$dev0"
check_eq "a rebind hands the device to the now-registered vendor" \
	"$(owner "$dev0")" edu_skeleton
check_eq "... which then holds a reference" "$(refcnt edu_skeleton)" 1

# ---- two vendors for one device --------------------------------------------
section "two vendor drivers matching one device"
allow_autoload
modprobe vfio-pci
modprobe edu_override
modprobe edu_skeleton
modprobe "$TESTMOD"
mark
vfio_bind "$dev0"
check_eq "the first registered (edu_override) wins over edu_skeleton and test_vendor" \
	"$(owner "$dev0")" edu_override
! logged "edu_skeleton: taking the device" && [ "$(refcnt edu_skeleton)" = 0 ] && [ "$(cat /sys/module/$TESTMOD/parameters/probes)" = 0 ]
result "the other vendors were not used (no probe logged, refcnt 0, test_vendor asked 0 times)"
vfio_unbind "$dev0"
rmmod edu_override
vfio_bind "$dev0"
check_eq "after unloading the winner, a rebind goes to the next registered (edu_skeleton)" \
	"$(owner "$dev0")" edu_skeleton
check_eq "... and the winner was not autoloaded again (blacklisted)" \
	"$(module_loaded edu_override && echo loaded || echo absent)" absent
vfio_unbind "$dev0"
rmmod edu_skeleton
vfio_bind "$dev0"
check_eq "after unloading that one too, test_vendor owns it" \
	"$(owner "$dev0")" test_vendor
vfio_unbind "$dev0"
modprobe edu_skeleton
vfio_bind "$dev0"
check_eq "registration order, not the name, decides: test_vendor still beats a later edu_skeleton" \
	"$(owner "$dev0")" test_vendor

# ---- probe failure ---------------------------------------------------------
section "probe failure falls back"
allow_autoload
modprobe vfio-pci
modprobe "$TESTMOD" probe_errno=5
mark
vfio_bind "$dev0"
check_eq "a vendor whose probe fails (EIO) does not get the device: none" \
	"$(owner "$dev0")" none
check "dmesg: \"vendor driver test_vendor declined: -EIO\"" \
	logged "$dev0: vendor driver test_vendor declined: -EIO"
check "dmesg: default ops after the failed probe" logged "$(default_line "$dev0")"
check_eq "the failed probe dropped its module reference" "$(refcnt "$TESTMOD")" 0
check_eq "test_vendor was asked once" \
	"$(cat /sys/module/$TESTMOD/parameters/probes)" 1
tap_check "after a failed vendor probe, default ops work fully (vfio_passthrough)" \
	env VFIO_TEST_BDF="$dev0" "$BIN/vfio_passthrough"
vfio_unbind "$dev0"
modprobe edu_skeleton
mark
vfio_bind "$dev0"
check_eq "a failing first vendor passes the device on to the next one (edu_skeleton)" \
	"$(owner "$dev0")" edu_skeleton
check "... after test_vendor declined it again" \
	logged "vendor driver test_vendor declined: -EIO"
check_eq "... which left test_vendor without a reference" "$(refcnt "$TESTMOD")" 0
vfio_unbind "$dev0"
echo 19 >"/sys/module/$TESTMOD/parameters/probe_errno"
mark
vfio_bind "$dev0"
! logged "declined" && [ "$(owner "$dev0")" = edu_skeleton ]
result "a probe returning ENODEV declines silently (nothing logged for it)"
vfio_unbind "$dev0"
echo 0x1111 >"/sys/module/$TESTMOD/parameters/device_id"
echo 0 >"/sys/module/$TESTMOD/parameters/probe_errno"
rmmod edu_skeleton
vfio_bind "$dev0"
check_eq "a vendor that matches another device ID declines edu: none" \
	"$(owner "$dev0")" none
vfio_unbind "$dev0"
echo 0x11e8 >"/sys/module/$TESTMOD/parameters/device_id"
vfio_bind "$dev0"
[ "$(owner "$dev0")" = test_vendor ] && [ "$(cat /sys/module/$TESTMOD/parameters/owned)" = 1 ] && [ "$(refcnt "$TESTMOD")" = 1 ]
result "with its probe fixed, the same vendor takes the device and counts it"
vfio_unbind "$dev0"
check_eq "remove was called on unbind (owned 0)" \
	"$(cat /sys/module/$TESTMOD/parameters/owned)" 0

# ---- registration refused --------------------------------------------------
section "registration refused"
modprobe vfio-pci
modprobe edu_skeleton
before=$(refcnt vfio_pci)
mark
# insmod, not modprobe: kmod's modprobe reports EEXIST from init as success.
out=$(insmod "$(modinfo -n "$TESTMOD")" vname=edu_skeleton 2>&1)
rc=$?
[ "$rc" -ne 0 ] && ! module_loaded $TESTMOD && grep -q 'File exists' <<<"$out"
result "a second vendor driver named edu_skeleton is refused (insmod fails: EEXIST)"
tap_diag <<<"insmod said: $out"
check "dmesg: \"vendor driver edu_skeleton: already registered\"" \
	logged "vendor driver edu_skeleton: already registered"
check_eq "the refused registration left vfio_pci's refcnt unchanged" \
	"$(refcnt vfio_pci)" "$before"
# refused <parameter> <what> <dmesg line>: the test vendor loaded with the
# parameter must be refused with EINVAL, say why, and take no reference.
refused() {
	mark
	out=$(modprobe "$TESTMOD" "$1" 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] && ! module_loaded $TESTMOD && grep -q 'Invalid argument' <<<"$out"
	result "$2 is refused (modprobe fails: EINVAL)"
	check "dmesg: \"$3\"" logged "$3"
	check_eq "... and vfio_pci's refcnt is unchanged" "$(refcnt vfio_pci)" "$before"
}
refused incomplete=1 "a vendor driver without remove()" \
	"vendor driver test_vendor: incomplete ops, not registered"
refused mig_no_unmap=1 "a migration vendor driver without dma_unmap" \
	"vendor driver test_vendor: migration needs .dma_unmap in the device ops, not registered"
refused many_irqs=1 "a vendor driver declaring more device irqs than vfio-pci has room for" \
	"vendor driver test_vendor: 9 device irqs, at most 8 are supported, not registered"
vfio_bind "$dev0"
check_eq "the registered edu_skeleton is unaffected" "$(owner "$dev0")" edu_skeleton

# ---- the vendor_drivers parameter ------------------------------------------
section "the vendor_drivers parameter"
allow_autoload edu_skeleton
modprobe vfio-pci
check_eq "vendor_drivers defaults to auto" "$(param)" auto
echo off >"$PARAM"
check_eq "vendor_drivers=off is accepted at run time" "$(param)" off
vfio_bind "$dev0"
[ "$(owner "$dev0")" = none ] && ! module_loaded edu_skeleton
result "off: a bind loads no vendor driver (edu_skeleton not autoloaded)"
vfio_unbind "$dev0"
modprobe edu_skeleton
vfio_bind "$dev0"
[ "$(owner "$dev0")" = none ] && [ "$(refcnt edu_skeleton)" = 0 ]
result "off: a loaded vendor driver is not used either (none, refcnt 0)"
tap_check "off: the device works with default ops" "$BIN/vfio_edu_id" "$dev0"
vfio_unbind "$dev0"
rmmod edu_skeleton
echo noautoload >"$PARAM"
check_eq "vendor_drivers=noautoload is accepted" "$(param)" noautoload
vfio_bind "$dev0"
[ "$(owner "$dev0")" = none ] && ! module_loaded edu_skeleton
result "noautoload: a bind loads nothing (none, edu_skeleton absent)"
vfio_unbind "$dev0"
modprobe edu_skeleton
vfio_bind "$dev0"
check_eq "noautoload: a vendor driver loaded by the operator is used" \
	"$(owner "$dev0")" edu_skeleton
vfio_unbind "$dev0"
mark
out=$( { echo bogus >"$PARAM"; } 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q 'Invalid argument' <<<"$out"
result "a bad value is refused with EINVAL"
tap_diag <<<"the write said: $out"
check_eq "... and the value is unchanged" "$(param)" noautoload
check "dmesg: vendor_drivers: \"bogus\" is not one of auto, noautoload, off" \
	logged 'vendor_drivers: "bogus" is not one of auto, noautoload, off'
echo auto >"$PARAM"
check_eq "vendor_drivers=auto restores autoload" "$(param)" auto
rmmod edu_skeleton
vfio_bind "$dev0"
[ "$(owner "$dev0")" = edu_skeleton ]
result "auto: the next bind autoloads edu_skeleton again"
vfio_unbind "$dev0"
rmmod edu_skeleton
rmmod vfio_pci
modprobe vfio-pci vendor_drivers=off
check_eq "vendor_drivers=off as a load-time parameter" "$(param)" off
vfio_bind "$dev0"
[ "$(owner "$dev0")" = none ] && ! module_loaded edu_skeleton
result "load-time off: bind gives none and loads nothing"
vfio_unbind "$dev0"
rmmod vfio_pci
mark
out=$(modprobe vfio-pci vendor_drivers=bogus 2>&1)
rc=$?
[ "$rc" -ne 0 ] && ! module_loaded vfio_pci && grep -q 'Invalid argument' <<<"$out"
result "a bad load-time value makes modprobe fail (EINVAL) and nothing stays loaded"
check "dmesg: the bad load-time value is named" \
	logged 'vendor_drivers: "bogus" is not one of auto, noautoload, off'

# ---- devices bound while vfio-pci itself loads ----------------------------
# driver_override or ids= set before "modprobe vfio-pci" (driverctl, a
# modprobe.d "options vfio-pci ids=..." line) makes vfio-pci probe devices
# from its own module init: those are binds too, and must get their vendor
# driver without hanging the load.

# load_in_time <seconds> <modprobe args...>: 0 when modprobe succeeded in
# time.  A load still running then is stuck: the module-loader helpers it
# waits for are killed (by pid) so that the test can go on.
load_in_time() {
	local secs=$1 pid p i
	shift
	modprobe "$@" &
	pid=$!
	for ((i = 0; i < secs * 2; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.5
	done
	tap_diag <<<"modprobe $* still running after ${secs}s; kernel stacks:"
	for p in $pid $(pgrep -f "modprobe -q -- vfio-pci:"); do
		{ echo "pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline")"; head -n 6 "/proc/$p/stack"; } 2>/dev/null | tap_diag
	done
	# Each device probed during the init may wait on its own helper.
	for ((i = 0; i < 30; i++)); do
		for p in $(pgrep -f "modprobe -q -- vfio-pci:"); do
			kill -9 "$p"
		done
		sleep 1
		kill -0 "$pid" 2>/dev/null || break
	done
	wait "$pid"
	return 124
}

section "devices bound while vfio-pci loads"
allow_autoload edu_skeleton
echo vfio-pci >"$PCI/devices/$dev0/driver_override"
mark
load_in_time 30 vfio-pci
result "modprobe vfio-pci with a device's driver_override already set finishes (30 s)"
check_eq "... and the device bound during vfio-pci's init gets its vendor driver" \
	"$(vfio_owners_within 30 "$dev0")" edu_skeleton
logged "$dev0: bind deferred until vfio-pci has loaded"
result "dmesg: the bind was deferred until vfio-pci had loaded"
check_eq "... and bound once, by edu_skeleton" \
	"$(count_logged "$(owns_line "$dev0" edu_skeleton)")" 1
vfio_unbind "$dev0"
rmmod edu_skeleton 2>/dev/null
rmmod vfio_pci 2>/dev/null

section "devices bound by ids= while vfio-pci loads"
allow_autoload edu_skeleton
load_in_time 30 vfio-pci ids=1234:11e8
result "modprobe vfio-pci ids=1234:11e8 finishes (30 s)"
check_eq "... and the devices it binds get their vendor driver" \
	"$(vfio_owners_within 30 "$dev0" "$dev1")" "edu_skeleton edu_skeleton"
vfio_unbind "$dev0"
vfio_unbind "$dev1"
rmmod edu_skeleton 2>/dev/null
rmmod vfio_pci 2>/dev/null

# The operator's way of making ids= stick: an options line in modprobe.d.
section "devices bound by 'options vfio-pci ids=' in modprobe.d"
allow_autoload edu_skeleton
echo "options vfio-pci ids=1234:11e8" >/run/modprobe.d/vmtest-ids.conf
load_in_time 30 vfio-pci
result "modprobe vfio-pci with ids= in modprobe.d finishes (30 s)"
check_eq "... and the devices it binds get their vendor driver" \
	"$(vfio_owners_within 30 "$dev0" "$dev1")" "edu_skeleton edu_skeleton"
rm -f /run/modprobe.d/vmtest-ids.conf
vfio_unbind "$dev0"
vfio_unbind "$dev1"
rmmod edu_skeleton 2>/dev/null
rmmod vfio_pci 2>/dev/null

# Without autoload nothing waits for a module: ids= binds before modprobe
# returns, as with stock vfio-pci.
section "ids= with vendor_drivers=noautoload binds synchronously"
allow_autoload edu_skeleton
load_in_time 30 vfio-pci ids=1234:11e8 vendor_drivers=noautoload
result "modprobe vfio-pci ids=1234:11e8 vendor_drivers=noautoload finishes (30 s)"
check_eq "... and both devices are bound with default ops when it returns" \
	"$(owner "$dev0") $(owner "$dev1")" "none none"
check "... and no vendor module was loaded" eval "! others_loaded"
vfio_unbind "$dev0"
vfio_unbind "$dev1"
rmmod vfio_pci 2>/dev/null

# ---- bind/unbind loop: no leaked reference ---------------------------------
section "bind/unbind loop"
allow_autoload edu_skeleton
modprobe vfio-pci
vfio_bind "$dev0" && vfio_unbind "$dev0"	# autoloads edu_skeleton
before=$(all_refcnts)
mark
loop_ok=1
for i in $(seq 1 50); do
	vfio_bind "$dev0" || loop_ok=0
	[ "$(owner "$dev0")" = edu_skeleton ] || loop_ok=0
	if [ $((i % 10)) = 0 ]; then
		"$BIN/vfio_edu_id" "$dev0" >/dev/null || loop_ok=0
	fi
	vfio_unbind "$dev0"
done
after=$(all_refcnts)
check "50 binds and unbinds: each handed to edu_skeleton, the device opened every 10th" \
	[ $loop_ok = 1 ]
check_eq "50 binds logged 50 \"owns\" lines" \
	"$(count_logged "$(owns_line "$dev0" edu_skeleton)")" 50
if [ "$before" = "$after" ]; then
	tap_ok "no module reference leaked over 50 binds ($(wc -l <<<"$before") modules' refcnt compared)"
else
	tap_not_ok "no module reference leaked over 50 binds"
	diff <(echo "$before") <(echo "$after") | tap_diag
fi
check_eq "edu_skeleton is free after the loop" "$(refcnt edu_skeleton)" 0
check_eq "vfio_pci holds exactly the registration's and the dependency's references" \
	"$(refcnt vfio_pci)" "$reg_refcnt"

section "end"
check "everything unloads at the end" reset_all
exit 0
