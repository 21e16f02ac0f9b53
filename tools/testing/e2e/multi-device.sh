#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "multi-device": QEMU 10.0, with its default migration parameters,
# live-migrates an L2 guest that has two edu devices assigned; the guest
# program drives both and checks both on the destination.  QEMU 8.2 and
# later migrate a VM with more than one VFIO device only if every device
# offers P2P: the same VM with edu_migration's P2P turned off (p2p=0) is
# refused, saying why.  Then a VM with an igb VF (82576, SR-IOV) and an edu
# device: the guest pings the PF side through its VF and drives the edu
# device while QEMU 10.0 migrates it, and both are checked on the
# destination.  The test guest has four edu devices, two for each end, and
# an igb PF (IGB_VM_OPTS).  Runs inside the test guest.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/e2e.sh"
. "$VMT_TOP/tools/testing/lib/sriov.sh"

trap 'l2_stop_all; l2_netns_teardown' EXIT
e2e_need_qemu10 || exit 1

# bind_edus: the four edu devices to vfio-pci, with edu_migration.
bind_edus() {
	local bdf
	for bdf in "${E2E_EDU[@]:0:4}"; do
		vfio_bind "$bdf" || return 1
	done
}

module_only_edu_sample edu_migration
modprobe vfio-pci
mapfile -t E2E_EDU < <(pci_edu_devices)
if [ ${#E2E_EDU[@]} -lt 4 ] || ! bind_edus || ! l2_netns_setup; then
	tap_not_ok "four edu devices bound to vfio-pci with edu_migration, namespaces set up (${#E2E_EDU[@]} found)"
	exit 1
fi
l2_accel
tap_ok "four edu devices bound to vfio-pci with edu_migration, L2 accel $L2ACCEL_NAME"

# Without device DMA logging (Debian's 6.12), QEMU needs
# enable-migration=on, as in suite qemu10-e2e.
if guest_v2_env | grep -qx VFIO_TEST_NO_LOGGING=1; then
	v2_opts=enable-migration=on
else
	v2_opts=enable-migration=auto
fi
two=("vfio-pci,host=${E2E_EDU[0]},$v2_opts" "vfio-pci,host=${E2E_EDU[2]},$v2_opts")

out=$(QEMU=$QEMU10 e2e_qemu_blockers "${two[@]}")
tap_result "QEMU 10.0 sees no migration blocker in a VM with two of our devices (both offer P2P)" \
	"$(! grep -qi 'P2P\|blocked' <<<"$out"; echo $?)"
grep -i 'P2P\|blocked' <<<"$out" | tap_diag

L2QEMU=$QEMU10 L2_VFIO_OPTS=$v2_opts E2E_SRC_MORE=${E2E_EDU[2]} \
	E2E_DST_MORE=${E2E_EDU[3]} e2e_migrate multi
e2e_report multi
tap_result "QEMU 10.0 migrated a VM with two assigned devices, default parameters ($v2_opts)" \
	"$([ "$(l2_result status)" = completed ]; echo $?)"
e2e_tap_success "" "#1"

# An igb VF and an edu device in one VM: VF 0 and edu 0 on the source,
# VF 1 (set up by the operator as VF 0 is) and edu 1 on the destination.
l2_netns_teardown
if sriov_prepare >"$VMT_DIR/sriov-prepare.log" 2>&1 &&
   ip link set "$SRIOV_PF" vf 1 mac "$SRIOV_MAC" vlan "$SRIOV_VLAN"; then
	tap_ok "igb PF $SRIOV_PF with VFs ${SRIOV_VFS[*]:0:2} bound to vfio-pci ($(sriov_vendor_of "${SRIOV_VFS[0]}"))"
	vf_edu=("vfio-pci,host=${SRIOV_VFS[0]},$v2_opts" "vfio-pci,host=${E2E_EDU[0]},$v2_opts")
	out=$(QEMU=$QEMU10 e2e_qemu_blockers "${vf_edu[@]}")
	tap_result "QEMU 10.0 sees no migration blocker in a VM with an igb VF and an edu device" \
		"$(! grep -qi 'P2P\|blocked' <<<"$out"; echo $?)"
	grep -i 'P2P\|blocked' <<<"$out" | tap_diag

	SRIOV_EDU="${E2E_EDU[0]} ${E2E_EDU[1]}" sriov_migrate v2 vf-edu
	sriov_report vf-edu
	tap_diag <<<"$(l2_result edu_checks)"
	tap_result "QEMU 10.0 migrated a VM with an igb VF and an edu device, default parameters ($v2_opts)" \
		"$([ "$(l2_result status)" = completed ]; echo $?)"
	tap_result "VF + edu: the ping stream goes on from the destination ($(sriov_gap dst) replies there)" \
		"$([ "$(sriov_gap dst)" -ge 20 ] 2>/dev/null; echo $?)"
	tap_result "VF + edu: the guest's network checks on the destination ($(l2_result checks | tr '\n' ';'))" \
		"$([ "$(l2_result where)" = dst ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
	if guest_v2_env | grep -qx VFIO_TEST_PRECOPY=1; then
		vf_pre=$(sriov_stat dst migration.precopy_loaded)
		edu_pre=$(sriov_stat edu-dst migration.precopy_loaded)
		tap_result "VF + edu: the destination loaded both devices' pre-copy parts before the switch-over (VF $vf_pre, edu $edu_pre)" \
			"$([ "$vf_pre" -ge 1 ] && [ "$edu_pre" -ge 1 ]; echo $?)"
	fi
	E2E_TAP_PREFIX="VF + edu" e2e_tap_checks "$(l2_result where)" \
		"$(l2_result edu_dmas)" "$(l2_result downtime_ms)" \
		"$(l2_result edu_checks)"
	for vf in "${SRIOV_VFS[@]:0:2}"; do
		vfio_unbind "$vf"
	done
else
	tap_not_ok "igb PF with two VFs, both bound to vfio-pci"
	tap_diag <"$VMT_DIR/sriov-prepare.log"
fi

# The control: the same VM, the vendor without P2P.
for bdf in "${E2E_EDU[@]:0:4}"; do
	vfio_unbind "$bdf"
done
modprobe -r edu_migration
if modprobe edu_migration p2p=0 && bind_edus; then
	out=$(QEMU=$QEMU10 e2e_qemu_blockers "${two[@]}")
	tap_result "without P2P (edu_migration p2p=0), QEMU 10.0 blocks migrating the two-device VM, saying why" \
		"$(grep -q 'P2P' <<<"$out"; echo $?)"
	grep -i 'P2P' <<<"$out" | tap_diag
else
	tap_not_ok "edu_migration reloads with p2p=0 and takes the devices"
fi
for bdf in "${E2E_EDU[@]:0:4}"; do
	vfio_unbind "$bdf"
done
tap_check "igb_vf_migration, edu_migration and vfio-pci unload after the devices are released" \
	modprobe -r igb_vf_migration edu_migration vfio-pci
exit 0
