#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "i40e": what can be proven of the XL710/X722 VF migration driver
# without an XL710.  Its logic runs against a simulated VF in the unit
# suite; here, in the test guest on Debian's 6.1 kernel, the module itself:
# it loads (with the nic_vf library and our vfio-pci) and unloads cleanly,
# its two aliases are indexed so vfio-pci's request_module() finds it, and
# with no i40e PF present it never takes a device: each edu device bound
# to vfio-pci while it is registered gets the default ops.
# Runs inside the guest (see run-vm.sh).
# Helpers below run through check(), which shellcheck cannot follow.
# shellcheck disable=SC2317
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

MOD=i40e_vf_migration
LIB=vfio_pci_nic_vf
ALIASES=(vfio-pci:8086-154c vfio-pci:8086-37cd)
EDU_SAMPLES=(edu_skeleton edu_override edu_migration edu_remap)

check() {
	local name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_not_ok "$name"; fi
}

MARK=0
mark() {
	MARK=$((MARK + 1))
	echo "vmtest-i40e-mark-$MARK" >/dev/kmsg
}
since_mark() {
	dmesg | awk -v m="vmtest-i40e-mark-$MARK\$" 'found { print } $0 ~ m { found = 1 }'
}

logged() { since_mark | grep -q -- "$1"; }
not_logged() { ! since_mark | grep -qiE -- "$1"; }
not_loaded() { ! module_loaded "$1"; }
all_loaded() { module_loaded "$MOD" && module_loaded "$LIB" && module_loaded vfio_pci; }
cycle() { modprobe "$MOD" && modprobe -r "$MOD" && ! module_loaded "$MOD"; }
unload_deps() { modprobe -r "$LIB" && modprobe -r vfio-pci && ! module_loaded "$LIB"; }

unload_all() {
	local m
	for m in "$MOD" "${EDU_SAMPLES[@]}" "$LIB" vfio-pci; do
		module_loaded "$m" && modprobe -r "$m" 2>/dev/null
	done
	return 0
}

# ---- the module is installed and indexed ------------------------------------

modfile=$(modinfo -k "$KVER" -n "$MOD" 2>/dev/null)
check "$MOD is installed for $KVER (${modfile:-not found})" \
	test -n "$modfile" -a -f "$modfile"
case $modfile in
*/updates/*) tap_ok "$MOD is installed under updates/" ;;
*) tap_not_ok "$MOD is installed under updates/" ;;
esac

alias_file=/lib/modules/$KVER/modules.alias
for a in "${ALIASES[@]}"; do
	check "alias $a of $MOD is in modules.alias" \
		grep -qx "alias $a $MOD" "$alias_file"
	check "modprobe resolves $a to $MOD" \
		test "$(modprobe -R "$a" 2>/dev/null)" = "$MOD"
done

# Nothing here may be taken for an XL710: no i40e PF, no XL710 VF.
nvf=$( { pci_devices 8086:154c; pci_devices 8086:37cd; } | wc -l)
tap_diag <<<"XL710/X722 VFs present: $nvf; i40e loaded: $(module_loaded i40e && echo yes || echo no)"

# ---- load and unload ----------------------------------------------------------

unload_all
mark
check "modprobe $MOD loads it with $LIB and vfio-pci" \
	modprobe "$MOD"
check "$MOD, $LIB and vfio_pci are loaded" \
	all_loaded
check "vfio-pci registered vendor driver $MOD" \
	logged "vendor driver $MOD registered (module $MOD)"
check "$MOD depends on $LIB (module holders)" \
	test -e "/sys/module/$LIB/holders/$MOD"

# ---- it never takes a device that is not an i40e VF ---------------------------

mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -eq 0 ]; then
	tap_not_ok "edu devices are present to bind"
fi
# Only our driver may be asked: the edu samples would take the devices.
module_clear_blacklist
for m in "${EDU_SAMPLES[@]}"; do module_blacklist "$m"; done
for bdf in "${edus[@]}"; do
	mark
	if vfio_bind "$bdf"; then
		owner=$(cat "$PCI/devices/$bdf/vfio_vendor_driver" 2>/dev/null)
		check "edu $bdf bound to vfio-pci is not given to $MOD (owner: ${owner:-?})" \
			test -n "$owner" -a "$owner" != "$MOD"
		check "edu $bdf gets vfio-pci's default ops with $MOD registered" \
			test "$owner" = none
		check "edu $bdf: vfio-pci logged its default ops" \
			logged "$bdf: no vendor driver for 1234:11e8, default ops"
		check "edu $bdf: $MOD declined it as not its own (-ENODEV, silent)" \
			not_logged "vendor driver $MOD declined"
	else
		tap_not_ok "edu $bdf binds to vfio-pci"
	fi
	vfio_unbind "$bdf"
done
module_clear_blacklist
check "$MOD holds no reference after the devices are gone (refcnt 0)" \
	test "$(module_refcnt "$MOD")" = 0

mark
check "modprobe -r $MOD unloads it" modprobe -r "$MOD"
check "$MOD is gone" not_loaded "$MOD"
check "vfio-pci unregistered $MOD" \
	logged "vendor driver $MOD unregistered"

# A second cycle, then everything out, and nothing the kernel complained of.
mark
check "load and unload $MOD again" \
	cycle
check "$LIB and vfio-pci unload after it" \
	unload_deps
check "no warning, oops or error of the module logged during the cycles" \
	not_logged "WARNING|BUG|Oops|general protection|refcount|$MOD.*(error|fail)"
unload_all
exit 0
