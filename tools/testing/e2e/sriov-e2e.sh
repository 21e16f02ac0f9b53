#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "sriov-e2e": live migration of an L2 guest with a real SR-IOV VF
# (QEMU 10.0's emulated 82576 at level 0) while its traffic flows.  In the
# test guest the igb PF makes two VFs, the administrator gives VF 0 a MAC
# and a VLAN, both VFs are bound to vfio-pci, which loads igb_vf_migration
# by alias.  An L2 guest on VF 0 (igbvf, MTU 2000, a joined multicast
# group) pings the PF side every 50 ms while it is migrated to an L2 on
# VF 1 across network namespaces over TCP: by Debian's QEMU 7.2 (protocol
# v1), then by QEMU 10.0 (protocol v2).  Then a migration whose
# destination has no migration driver, which must fail with the source's
# stream running on.  Runs inside the test guest.
#
# SRIOV_CLIENTS (default "v1 v2") chooses the protocols, for a run by
# hand; without v1 the failure runs that QEMU 7.2 drives (corrupted
# stream, no destination driver) are left out too.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/sriov.sh"

trap 'l2_stop_all; l2_netns_teardown' EXIT

if ! sriov_prepare >"$VMT_DIR/sriov-prepare.log" 2>&1; then
	tap_not_ok "igb PF with two VFs, VF 0 given a MAC and VLAN, both bound to vfio-pci"
	tap_diag <"$VMT_DIR/sriov-prepare.log"
	exit 1
fi
tap_ok "igb PF $SRIOV_PF with VFs ${SRIOV_VFS[*]:0:2}, VF 0 given $(sriov_admin_of 0), L2 accel $L2ACCEL_NAME"

for vf in "${SRIOV_VFS[@]:0:2}"; do
	tap_result "VF $vf bound to vfio-pci, taken by igb_vf_migration (loaded by alias)" \
		"$([ "$(pci_driver_of "$vf")" = vfio-pci ] &&
		   [ "$(sriov_vendor_of "$vf")" = igb_vf_migration ]; echo $?)"
done
# Every tail write must reach igb_vf_migration's tracker: shapes it could
# not see are refused, an 8-byte write is split into two checked ones.
want=$'2@0x2818 EINVAL\n1@0x3819 EINVAL\n4@0x281a EINVAL\n8@0x2818 ok'
got=$("$BIN/vfio_write_shape" "${SRIOV_VFS[1]}" 0 2@0x2818 1@0x3819 4@0x281a 8@0x2818 2>&1)
tap_result "igb_vf_migration refuses 1-, 2- and unaligned 4-byte writes over tail registers, takes an 8-byte one ($(tr '\n' ';' <<<"$got"))" \
	"$([ "$got" = "$want" ]; echo $?)"
# A guest's function-level reset, forwarded by the VMM through the config
# region, reaches the migration engine like VFIO_DEVICE_RESET does.
want=$'stop -> running (ok)\nrunning_p2p -> running (ok)\nstop_copy -> running (ok)'
got=$("$BIN/vfio_flr" "${SRIOV_VFS[1]}" stop running_p2p stop_copy 2>&1)
tap_result "a guest's FLR through the config region brings VF 1 back to RUNNING from STOP, RUNNING_P2P and STOP_COPY ($(tr '\n' ';' <<<"$got"))" \
	"$([ "$got" = "$want" ]; echo $?)"
# The RX queue page through a mapping, as a guest writes it: the device's
# outside saving, passed on by igb_vf_migration while saving (from its
# timer, before a trapped access, at the stop); a save during which core
# refilled the mapping fails where the device's page was reachable (6.1).
got=$("$BIN/vfio_shadow" "${SRIOV_VFS[1]}" 2>&1)
rc=$?
tap_result "VF 1's RX tail written through the BAR mapping: seen by the driver only while saving, always reaching the device; a save whose mapping was refilled fails on 6.1 (whole refill), goes on on 6.12 ($(tr '\n' ';' <<<"$got"))" "$rc"
tap_result "VF 1 starts without the administrator's settings ($(sriov_admin_of 1))" \
	"$([ "$(sriov_admin_of 1)" != "$SRIOV_MAC vlan $SRIOV_VLAN" ]; echo $?)"

# The destination's administrator settings, two policies:
#  v1 run: apply_admin_settings=1, the destination VF starts bare and the
#          driver applies the settings from the stream (the VMM that opened
#          the VF is privileged), as on a second host;
#  v2 run: the default, the operator (or libvirt) set the destination VF up
#          as on the source and the stream only confirms it: nothing is set.
ADMIN_POLICY=/sys/module/vfio_pci_nic_vf/parameters/apply_admin_settings
# How the destination brings the guest's VF back: the v1 run tells the
# guest's driver of a reset (guest_reset=1, the operator's fallback), the
# v2 run resumes the VF where it stopped (the default).
GUEST_RESET=/sys/module/igb_vf_migration/parameters/guest_reset
tap_result "destination policy by default: verify, not apply ($(cat $ADMIN_POLICY 2>/dev/null))" \
	"$([ "$(cat $ADMIN_POLICY 2>/dev/null)" = N ]; echo $?)"
clients=${SRIOV_CLIENTS:-v1 v2}
for client in $clients; do
	case $client in
	v1) who="QEMU 7.2 (v1), settings applied, guest told of a reset"
	    policy=1 reset=Y ;;
	v2) who="QEMU 10.0 (v2), settings verified, VF resumed"
	    policy=0 reset=N ;;
	esac
	echo $policy >$ADMIN_POLICY
	echo $reset >$GUEST_RESET
	if [ $policy = 1 ]; then
		ip link set "$SRIOV_PF" vf 1 mac 00:00:00:00:00:00 vlan 0 2>/dev/null
	else
		ip link set "$SRIOV_PF" vf 1 mac "$SRIOV_MAC" vlan "$SRIOV_VLAN"
	fi
	sriov_migrate "$client" "$client"
	sriov_report "$client"
	restored=$(sriov_stat dst nic_vf.restored)
	applied=$(sriov_stat_now dst nic_vf.admin_applied)
	if [ $policy = 1 ]; then
		tap_result "$who: the destination restored the VF and set the settings through the PF (restores $restored, applied ${applied:-?})" \
			"$([ "$restored" = 1 ] && [ $((${applied:-0})) -ne 0 ]; echo $?)"
	else
		tap_result "$who: the destination restored the VF and set nothing (restores $restored, applied ${applied:-?})" \
			"$([ "$restored" = 1 ] && [ "$applied" = 0x0 ]; echo $?)"
	fi
	tap_result "$who: migration completed over TCP between namespaces" \
		"$([ "$(l2_result status)" = completed ]; echo $?)"
	tap_result "$who: downtime reported ($(l2_result downtime_ms none) ms)" \
		"$([ -n "$(l2_result downtime_ms)" ]; echo $?)"
	tap_result "$who: the source's RX tail writes went straight to the device before the migration (driver saw $(l2_result idle_tail_writes none) while $(l2_result idle_replies none) replies came in) and through the driver while saving ($(l2_result saving_tail_writes none))" \
		"$([ "$(l2_result idle_tail_writes)" = 0 ] && [ "$(l2_result idle_replies 0)" -gt 0 ] &&
		   [ "$(l2_result saving_tail_writes 0)" -gt 0 ]; echo $?)"
	tap_result "$who: the stream continues from the destination ($(sriov_gap dst) replies there)" \
		"$([ "$(sriov_gap dst)" -ge 20 ] 2>/dev/null; echo $?)"
	tap_result "$who: longest gap in the stream $(sriov_gap gap_ms) ms (under 10 s)" \
		"$([ "$(sriov_gap gap_ms)" -lt 10000 ] 2>/dev/null; echo $?)"
	tap_result "$who: VF 1 has the administrator's MAC and VLAN ($(l2_result admin))" \
		"$([ "$(l2_result admin)" = "$SRIOV_MAC vlan $SRIOV_VLAN" ]; echo $?)"
	if [ $reset = Y ]; then
		tap_result "$who: destination told the guest driver of a VF reset" \
			"$([ "$(l2_result restored)" = 1 ]; echo $?)"
		tap_result "$who: the guest sent the destination PF its configuration again" \
			"$([ "$(l2_result verified)" = 1 ]; echo $?)"
	else
		tap_result "$who: the destination sent the PF the guest's configuration and resumed the VF" \
			"$([ "$(l2_result vf_resumed)" = 1 ] && [ "$(l2_result restored)" = 0 ]; echo $?)"
		tap_result "$who: the guest's link never went down (carrier changes: $(l2_result link_changes none))" \
			"$([ "$(l2_result link_changes)" = 0 ]; echo $?)"
	fi
	tap_result "$who: the guest's MTU holds end to end (${SRIOV_MTU}-byte frames from the PF side)" \
		"$([ "$(l2_result jumbo)" = 1 ]; echo $?)"
	tap_result "$who: the guest's multicast group reaches it on the destination" \
		"$([ "$(l2_result mcast)" = 1 ]; echo $?)"
	tap_result "$who: the guest's checks on the destination ($(l2_result checks | tr '\n' ';'))" \
		"$([ "$(l2_result where)" = dst ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
done

# A VMM without CAP_NET_ADMIN (the one that opened the VF), the apply
# policy and a destination VF without the settings: the driver may not
# change them, so the destination refuses.  Where the kernel has pre-copy
# the settings come in the pre-copy part: the destination refuses them
# while the source still runs, the migration fails and the source runs
# on; else the destination refuses to run after the switch-over.
# This run's first source is also reset from its monitor as the migration
# starts, as nested SVM under TCG now and then does by itself: the run
# must say so and migrate again.
if guest_v2_env | grep -qx VFIO_TEST_PRECOPY=1; then
	want=failed refused=migration.rejected_by_vendor
else
	want=completed refused=nic_vf.restore_failed
fi
echo 1 >$ADMIN_POLICY
ip link set "$SRIOV_PF" vf 1 mac 00:00:00:00:00:00 vlan 0 2>/dev/null
SRIOV_RESET_SOURCE=1 SRIOV_DST_NOADMIN=1 SRIOV_DST_CHECKS=0 sriov_migrate v2 noadmin
sriov_report "VMM without CAP_NET_ADMIN, bare destination VF"
tap_result "a source guest that resets itself as the migration starts: said, and migrated again ($(l2_result src_resets) reset, then $(l2_result status), as expected: $want)" \
	"$([ "$(l2_result src_resets)" = 1 ] && [ "$(l2_result status)" = "$want" ] &&
	   grep -q "status 0$" "$L2DIR.attempt1/src-exit"; echo $?)"
what="VMM without CAP_NET_ADMIN, bare destination VF"
n_refused=$(sriov_stat dst nic_vf.admin_refused)
n_failed=$(sriov_stat dst "$refused")
tap_result "$what: the destination could not change the settings, and failed ($n_refused refused, $refused $n_failed)" \
	"$([ "$n_refused" -ge 1 ] && [ "$n_failed" -ge 1 ]; echo $?)"
admin=$(sriov_admin_of 1)
tap_result "$what: VF 1 keeps its own settings (${admin:-?})" \
	"$([ -n "$admin" ] && [ "$admin" != "$SRIOV_MAC vlan $SRIOV_VLAN" ]; echo $?)"
if [ "$want" = failed ]; then
	tap_result "$what: refused before the switch-over, the source runs on ($(l2_result resumed 0) replies after the failure)" \
		"$([ "$(l2_result resumed 0)" -ge 10 ] && [ "$(l2_result where)" = src ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
fi

echo 0 >$ADMIN_POLICY

if [[ " $clients " != *" v1 "* ]]; then
	exit 0
fi

# The default policy and a destination VF the operator did not set up: the
# device state is refused as it is loaded, naming what differs, and the
# source runs on.
ip link set "$SRIOV_PF" vf 1 mac 00:00:00:00:00:00 vlan 0 2>/dev/null
sriov_migrate v1 mismatch "migrate_set_capability return-path on"
sriov_report "destination VF not set up"
what="destination VF without the source's settings"
tap_result "$what: migration does not complete ($(l2_result status))" \
	"$([ "$(l2_result status)" = failed ] || [ "$(l2_result status)" = cancelled ]; echo $?)"
differs=$(sriov_stat dst nic_vf.admin_differs)
tap_result "$what: the destination refused the state ($differs refusals for settings that differ)" \
	"$([ "$differs" -ge 1 ]; echo $?)"
# The operator's line (documented in the admin guide) names the settings.
tap_result "$what: the operator's dmesg line names the settings (mac, vlan)" \
	"$(grep -q "administrator settings differ from the source's (mac, vlan)" "$L2DIR/dmesg.txt"; echo $?)"
admin=$(sriov_admin_of 1)
tap_result "$what: VF 1 keeps its own settings (${admin:-?})" \
	"$([ -n "$admin" ] && [ "$admin" != "$SRIOV_MAC vlan $SRIOV_VLAN" ]; echo $?)"
tap_result "$what: the source runs on ($(l2_result resumed 0) replies after the failure)" \
	"$([ "$(l2_result resumed 0)" -ge 10 ] && [ "$(l2_result where)" = src ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
sriov_diag_failed_source

# The device state corrupted in transit: the destination refuses it after
# the source stopped (its queues off) for the last pass, so the source must
# run on where it stopped.
ip link set "$SRIOV_PF" vf 1 mac 00:00:00:00:00:00 vlan 0 2>/dev/null
SRIOV_CORRUPT_AT=100 sriov_migrate v1 corrupt "migrate_set_capability return-path on"
sriov_report "stream corrupted in transit"
what="device-state stream corrupted in transit"
tap_result "$what: migration does not complete ($(l2_result status))" \
	"$([ "$(l2_result status)" = failed ] || [ "$(l2_result status)" = cancelled ]; echo $?)"
bad=$(sriov_stat dst migration.rejected_checksum)
tap_result "$what: the destination refused it for its checksum ($bad)" \
	"$([ "$bad" -ge 1 ]; echo $?)"
tap_result "$what: the source, stopped for the last pass, runs on ($(l2_result resumed 0) replies after the failure)" \
	"$([ "$(l2_result src_reenabled)" = 1 ] && [ "$(l2_result resumed 0)" -ge 10 ] &&
	   [ "$(l2_result where)" = src ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
sriov_diag_failed_source

# A destination VF without the migration driver: no vfio section to load,
# so the destination fails at once, usually before the source stops.
ip link set "$SRIOV_PF" vf 1 mac 00:00:00:00:00:00 vlan 0 2>/dev/null
echo off >/sys/module/vfio_pci/parameters/vendor_drivers
vfio_unbind "${SRIOV_VFS[1]}"
vfio_bind "${SRIOV_VFS[1]}"
echo auto >/sys/module/vfio_pci/parameters/vendor_drivers
# The source is first paused and continued outside any migration: the
# driver's stop and start, deterministic; then the failed migration (whose
# source may or may not reach stop-copy before the failure is known).
SRIOV_PAUSE=1 sriov_migrate v1 nodriver "migrate_set_capability return-path on"
sriov_report "no driver on the destination"
tap_result "source paused and continued: its stream runs on ($(l2_result continued 0) replies in ${SRIOV_SETTLE} s after, $(l2_result paused ?) while paused)" \
	"$([ "$(l2_result continued 0)" -ge 10 ] && [ "$(sriov_stat src igb.restarted)" -ge 1 ]; echo $?)"
tap_result "destination without igb_vf_migration: migration does not complete ($(l2_result status))" \
	"$([ "$(l2_result status)" = failed ] || [ "$(l2_result status)" = cancelled ]; echo $?)"
tap_result "destination without igb_vf_migration: the source's stream runs on ($(l2_result resumed 0) replies after the failure)" \
	"$([ "$(l2_result resumed 0)" -ge 10 ] && [ "$(l2_result where)" = src ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
sriov_diag_failed_source
exit 0
