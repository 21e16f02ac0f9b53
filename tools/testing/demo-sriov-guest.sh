#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo's second boot, with an igb device (see demo.sh): an L2 guest on
# an 82576 VF, passing traffic, live-migrated by QEMU 10.0 to a second VF;
# then the same guest's network on the VF under Debian's stock vfio-pci
# and under ours, not migrating.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/sriov.sh"
. "$VMT_TOP/tools/testing/lib/datapath.sh"

trap 'l2_stop_all; l2_netns_teardown' EXIT
fail() { echo "demo: FAILED: $*"; exit 1; }
ECHOES=1000
SECONDS_EACH=5

sriov_prepare >"$VMT_DIR/sriov-prepare.log" 2>&1 ||
	fail "making two VFs and binding them to vfio-pci ($(tail -n1 "$VMT_DIR/sriov-prepare.log"))"
echo "demo: igb PF $SRIOV_PF made 2 VFs; the administrator gave VF 0 MAC $SRIOV_MAC and VLAN $SRIOV_VLAN, then VF 1 the same (the destination)"
for vf in "${SRIOV_VFS[@]:0:2}"; do
	echo "demo: VF $vf bound to $(pci_driver_of "$vf"), vendor driver $(sriov_vendor_of "$vf") (loaded by its alias)"
done
ip link set "$SRIOV_PF" vf 1 mac "$SRIOV_MAC" vlan "$SRIOV_VLAN" ||
	fail "setting VF 1 up as the destination"

label="QEMU 10.0 (v2), SR-IOV"
echo "demo: $label: L2 guest (128 MiB, $L2ACCEL_NAME) on VF 0 pinging the PF side every ${SRIOV_INTERVAL}s, migrating to VF 1 over TCP (namespaces l2src -> l2dst)"
sriov_migrate v2 demo
echo "demo: $label: QEMU says: $(l2_result status), total $(l2_result total_ms ?) ms, downtime $(l2_result downtime_ms ?) ms; device state $(l2_result device_bytes ?) bytes"
echo "demo: $label: the guest's traffic: longest gap $(sriov_gap gap_ms) ms across the migration, $(sriov_gap lost) echo requests lost, $(sriov_gap dst) replies on the destination"
echo "demo: $label: the guest's link changes: $(l2_result link_changes ?); VF resumed where it stopped, no reset for the guest driver: $([ "$(l2_result vf_resumed)" = 1 ] && echo yes || echo no)"
echo "demo: $label: VF 1 after the migration: $(l2_result admin ?); the guest checked on the $(l2_result where ?) side:"
while read -r what; do
	[ -n "$what" ] && echo "demo: $label:   ${what#NET-CHECK }"
done <<<"$(l2_result checks)"
mig=fail
[ "$(l2_result status)" = completed ] && [ "$(l2_result where)" = dst ] &&
	[ "$(l2_result guest_ok)" = 1 ] && [ "$(l2_result vf_resumed)" = 1 ] &&
	[ "$(l2_result link_changes)" = 0 ] && mig=ok

# The data path, one round per driver (figures only: one round is no
# benchmark, `make bench` has the spread).
declare -A fig
for label in stock ours; do
	if ! datapath_setup "$label" >"$VMT_DIR/datapath-round.log" 2>&1 ||
		! datapath_measure "$label" "$ECHOES" "$SECONDS_EACH" >>"$VMT_DIR/datapath-round.log" 2>&1; then
		l2_stop_all
		fail "data path under $label: $(tail -n1 "$VMT_DIR/datapath-round.log")"
	fi
	l2_stop_all
	fig[$label]=$DATAPATH_ROUND
	read -r med p99 tx rx lost <<<"$DATAPATH_ROUND"
	echo "demo: data path, $label vfio-pci$([ "$label" = ours ] && echo " with igb_vf_migration"): $ECHOES echoes, RTT median $med us, p99 $p99 us, $lost lost; TCP ${SECONDS_EACH}s each way, guest sends $(datapath_kbs "$tx"), receives $(datapath_kbs "$rx")${DATAPATH_STALLED:+ (stalled: $DATAPATH_STALLED)}"
done
datapath_teardown >/dev/null 2>&1
# A stalled transfer has no figure, so no ratio.
awk -v s="${fig[stock]}" -v o="${fig[ours]}" 'function r(i) {
		return (a[i] == "-" || b[i] == "-") ? "n/a" : sprintf("%.2f", b[i] / a[i])
	}
	BEGIN {
		split(s, a); split(o, b)
		printf "demo: data path, ours / stock: RTT %s, tx %s, rx %s (one round each; make bench gives the spread)\n", r(1), r(3), r(4)
	}'

echo "demo: SR-IOV migration $mig"
[ "$mig" = ok ] || fail "the SR-IOV migration did not pass every check"
echo "demo: sriov ok"
