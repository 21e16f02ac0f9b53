#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark section "datapath", in-guest half (bench.sh boots it with an igb
# device): the L2 guest's network through an 82576 VF, not migrating, with
# VF 0 under each driver in turn (see datapath.sh).  Each cycle has one
# round per label, in an order that rotates from cycle to cycle:
#   stock      Debian's in-tree vfio-pci
#   ours       our vfio-pci with igb_vf_migration
#   all-dirty  the same with all_dirty=1
#   stock2     Debian's vfio-pci again (the A/A control)
# Every round loads its modules, binds, boots an L2 guest and measures its
# round trip and TCP throughput both ways, then stops the guest.  A round
# that fails (a nested guest under TCG now and then stalls at boot) is
# tried up to three times, each failure said on a "# " line; a third
# failure counts.  A TCP transfer that stalls does not fail its round: it
# is "-" in the round's line, said on its "# " line and counted by
# bench.sh (the L2 guest's memory is on huge pages, without which such
# stalls come: l2_hugepages_reserve in lib/l2.sh).  Results go to
# $VMT_DIR/datapath.raw, one line per round:
#   <boot> <cycle> <label> <rtt median us> <rtt p99 us> <tx B/s|-> <rx B/s|-> <lost echoes>
#
# usage: datapath-guest.sh <boot> <cycles> <echoes> <seconds>
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/sriov.sh"
. "$VMT_TOP/tools/testing/lib/datapath.sh"

boot=$1
cycles=$2
echoes=$3
seconds=$4
raw=$VMT_DIR/datapath.raw
LABELS=(stock ours all-dirty stock2)
TRIES=3
trap 'l2_stop_all; l2_netns_teardown' EXIT

sriov_prepare >"$VMT_DIR/datapath-prepare.log" 2>&1 ||
	{ echo "# datapath: setup failed"; exit 1; }
echo "# datapath: boot $boot: VF ${SRIOV_VFS[0]}, L2 accel $L2ACCEL_NAME, $cycles cycles of ${LABELS[*]}; $echoes echoes every 5 ms, ${seconds}s each way"
: >"$raw"
start=$(date +%s)
failures=0
in_a_row=0
log=$VMT_DIR/datapath-round.log

# round <cycle> <label>: one round; its line in the raw file, or why not.
round() {
	local med p99 tx rx lost
	if ! datapath_setup "$2" >"$log" 2>&1; then
		echo "cannot set up $2: $(tail -n 1 "$log")"
		return 1
	fi
	if ! datapath_measure "$2" "$echoes" "$seconds" >"$log" 2>&1; then
		l2_stop_all
		tail -n 1 "$log"
		return 1
	fi
	l2_stop_all
	read -r med p99 tx rx lost <<<"$DATAPATH_ROUND"
	echo "$boot $1 $2 $DATAPATH_ROUND" >>"$raw"
	echo "rtt median $med us, p99 $p99 us, $lost lost; tx $(datapath_kbs "$tx"), rx $(datapath_kbs "$rx"); memory on $DATAPATH_PAGES pages${DATAPATH_STALLED:+ (stalled: $DATAPATH_STALLED)}"
}

for ((c = 0; c < cycles && in_a_row < 3; c++)); do
	for ((i = 0; i < ${#LABELS[@]}; i++)); do
		label=${LABELS[$(((c + i) % ${#LABELS[@]}))]}
		for ((try = 1; try <= TRIES; try++)); do
			out=$(round "$c" "$label") && break
			echo "# datapath: boot $boot cycle $c $label failed (try $try of $TRIES): $out"
		done
		if [ "$try" -le "$TRIES" ]; then
			echo "# datapath: boot $boot cycle $c $label: $out"
			in_a_row=0
			continue
		fi
		failures=$((failures + 1))
		in_a_row=$((in_a_row + 1))
		if [ $in_a_row -ge 3 ]; then
			echo "# datapath: boot $boot: giving up after 3 failures in a row"
			break
		fi
	done
done
datapath_teardown >/dev/null 2>&1
echo "# datapath: boot $boot: $(wc -l <"$raw") rounds in $(($(date +%s) - start))s, $failures failed"
[ "$failures" -eq 0 ]
