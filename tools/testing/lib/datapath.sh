# SPDX-License-Identifier: GPL-2.0-only
#
# The network of an L2 guest on an 82576 VF, not migrating, under one
# driver or another: the benchmark's datapath section and the demo.
# Sourced inside the test guest after guest.sh, l2.sh and
# sriov.sh, and used after sriov_prepare.
#
# datapath_setup <label>: unload everything, then load and bind VF 0 for
#   stock*     Debian's in-tree vfio-pci
#   ours       our vfio-pci with igb_vf_migration (the mailbox page
#              trapped; the RX queue page swapped only while saving)
#   all-dirty  the same with all_dirty=1 (the RX page never swapped)
#   and fail unless that driver owns VF 0.
# datapath_measure <label> <echoes> <seconds>: boot the L2 guest (QEMU
#   10.0, its memory on huge pages) on VF 0 and measure from this side of
#   the PF:
#   - the round trip of <echoes> pings every 5 ms to the guest (iputils
#     ping), median and 99th percentile;
#   - the TCP throughput the guest sends (tx) and receives (rx), <seconds>
#     each (bench/bulk.py here, l2_bulk in the guest).
#   Sets DATAPATH_ROUND="<rtt median us> <rtt p99 us> <tx B/s> <rx B/s>
#   <lost echoes>"; a transfer that failed (it stalled: see
#   l2_hugepages_reserve) is "-" there and said in DATAPATH_STALLED
#   ("tx: <why>; ..."), the round trip still counts.  DATAPATH_PAGES says
#   what the guest's memory was on: "2M", or "4K" when the huge pages
#   could not be had.  Fails only without a guest or an echo reply.  The
#   guest runs on until l2_stop_all.  Logs in $VMT_DIR/l2-datapath-<label>.
# datapath_kbs <B/s or ->: "<n> kB/s", or "stalled".
# datapath_teardown: both VFs unbound, the modules unloaded.

DATAPATH_SINK=5001
DATAPATH_SOURCE=5002

datapath_teardown() {
	local f
	for f in "${SRIOV_VFS[@]:0:2}"; do
		vfio_unbind "$f"
	done
	# Users first: the VF driver, its NIC library, vfio-pci.
	for f in igb_vf_migration vfio_pci_nic_vf vfio_pci; do
		module_loaded $f && { rmmod $f || return 1; }
	done
	return 0
}

# Stock vfio-pci offers no migration: QEMU must not ask for it.
datapath_setup() {
	local vf=${SRIOV_VFS[0]} dirty=/sys/module/igb_vf_migration/parameters/all_dirty
	datapath_teardown || return 1
	case $1 in
	stock*)
		DATAPATH_VFIO_OPTS=enable-migration=off
		vfio_load_stock && vfio_bind "$vf" &&
			[ ! -e "$PCI/devices/$vf/vfio_vendor_driver" ] ;;
	ours)
		DATAPATH_VFIO_OPTS=
		modprobe vfio-pci && vfio_bind "$vf" &&
			[ "$(sriov_vendor_of "$vf")" = igb_vf_migration ] &&
			[ "$(cat "$dirty")" = N ] ;;
	all-dirty)
		DATAPATH_VFIO_OPTS=
		modprobe vfio-pci && modprobe igb_vf_migration all_dirty=1 &&
			vfio_bind "$vf" &&
			[ "$(sriov_vendor_of "$vf")" = igb_vf_migration ] &&
			[ "$(cat "$dirty")" = Y ] ;;
	*)
		echo "datapath_setup: unknown label $1"
		return 1 ;;
	esac
}

# "<median us> <p99 us> <lost>" of a ping log (nearest-rank percentiles).
datapath_rtt() {
	grep -o 'time=[0-9.]*' "$1" | cut -d= -f2 | sort -g |
		awk -v sent="$2" '{ t[NR] = $1 * 1000 }
		     END {
			if (!NR) exit 1
			m = int((NR + 1) / 2); p = int(NR * 0.99 + 0.999)
			printf "%.0f %.0f %d\n", t[m], t[p], sent - NR
		     }'
}

# Not to be called in a subshell: the guest must stay known to l2.sh.
datapath_measure() {
	local label=$1 echoes=$2 seconds=$3 rtt tx rx med p99 lost huge=1
	local bulk=$VMT_TOP/tools/testing/bench/bulk.py
	DATAPATH_ROUND=
	DATAPATH_STALLED=
	L2DIR=$VMT_DIR/l2-datapath-$label
	rm -rf "$L2DIR"
	DATAPATH_PAGES=2M
	l2_hugepages_reserve || { DATAPATH_PAGES=4K; huge=0; }
	# The guest sends no stream; it serves the bulk transfers instead.
	SRIOV_INTERVAL=0 sriov_client v2
	L2_APPEND="$L2_APPEND l2bulk=$DATAPATH_SINK,$DATAPATH_SOURCE"
	[ -n "$DATAPATH_VFIO_OPTS" ] && L2_VFIO_OPTS=$DATAPATH_VFIO_OPTS
	L2_HUGEPAGES=$huge l2_start src l2src "${SRIOV_VFS[0]}"
	if ! l2_wait "$L2DIR/src-serial.log" 'NET-READY|NET-FAIL' 240 src ||
		grep -aq NET-FAIL "$L2DIR/src-serial.log" ||
		! l2_wait "$L2DIR/src-serial.log" 'L2-BULK' 30 src; then
		echo "L2 guest not ready: $(grep -a . "$L2DIR/src-serial.log" | tail -n1)"
		return 1
	fi
	ping -c "$echoes" -i 0.005 -W 1 "$SRIOV_GUEST_IP" >"$L2DIR/ping.log" 2>&1
	rtt=$(datapath_rtt "$L2DIR/ping.log" "$echoes") ||
		{ echo "no echo reply"; return 1; }
	tx=$(python3 "$bulk" tx "$SRIOV_GUEST_IP" "$DATAPATH_SOURCE" "$seconds" 2>&1) ||
		{ DATAPATH_STALLED="tx: $tx"; tx=-; }
	rx=$(python3 "$bulk" rx "$SRIOV_GUEST_IP" "$DATAPATH_SINK" "$seconds" 2>&1) ||
		{ DATAPATH_STALLED="${DATAPATH_STALLED:+$DATAPATH_STALLED; }rx: $rx"; rx=-; }
	read -r med p99 lost <<<"$rtt"
	DATAPATH_ROUND="$med $p99 ${tx##* } ${rx##* } $lost"
}

datapath_kbs() {
	if [ "$1" = - ]; then
		echo stalled
	else
		echo "$(($1 / 1000)) kB/s"
	fi
}
