#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The pass-through benchmark's in-guest half (bench.sh runs it in each
# boot).  One edu device; each cycle has four rounds, one per label, in an
# order that rotates from cycle to cycle:
#   stock     Debian's in-tree vfio-pci
#   none      our vfio-pci, no vendor driver
#   skeleton  our vfio-pci with edu_skeleton
#   stock2    Debian's vfio-pci again (the A/A control)
# Every round loads its module(s), binds, measures (vfio_bench: BAR0 then
# config space, <seconds> each), unbinds and unloads, so consecutive rounds
# never share a loaded driver.  Results go to $VMT_DIR/passthrough.raw,
# one line per round: "<boot> <cycle> <label> <bar0 ops> <config ops>".
#
# usage: passthrough-guest.sh <boot> <cycles> <seconds>
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

boot=$1
cycles=$2
seconds=$3
raw=$VMT_DIR/passthrough.raw
LABELS=(stock none skeleton stock2)

mapfile -t edus < <(pci_edu_devices)
[ ${#edus[@]} -ge 1 ] || { echo "# bench: no edu device"; exit 1; }
# Alternate the device between boots, so no one device's speed dominates.
bdf=${edus[$(((boot - 1) % ${#edus[@]}))]}
# Every module with the edu alias is blacklisted: "none" rounds must get
# no vendor driver, "skeleton" rounds load edu_skeleton by name.
for m in $(modprobe -R vfio-pci:1234-11e8 2>/dev/null); do
	module_blacklist "$m"
done

teardown() {
	vfio_unbind "$bdf"
	module_loaded edu_skeleton && rmmod edu_skeleton
	module_loaded vfio_pci && rmmod vfio_pci
	! module_loaded vfio_pci
}

# Load and bind for a label; fails unless the right driver owns the device.
setup() {
	case $1 in
	stock*)
		vfio_load_stock && vfio_bind "$bdf" &&
			[ ! -e "$PCI/devices/$bdf/vfio_vendor_driver" ] ;;
	none)
		modprobe vfio-pci && vfio_bind "$bdf" &&
			[ "$(cat "$PCI/devices/$bdf/vfio_vendor_driver")" = none ] ;;
	skeleton)
		modprobe vfio-pci && modprobe edu_skeleton && vfio_bind "$bdf" &&
			[ "$(cat "$PCI/devices/$bdf/vfio_vendor_driver")" = edu_skeleton ] ;;
	esac
}

echo "# bench: boot $boot: device $bdf, $cycles cycles of ${LABELS[*]}, ${seconds}s per region per round"
: >"$raw"
start=$(date +%s)
failures=0
in_a_row=0
for ((c = 0; c < cycles && in_a_row < 4; c++)); do
	for ((i = 0; i < ${#LABELS[@]}; i++)); do
		label=${LABELS[$(((c + i) % ${#LABELS[@]}))]}
		if ! out=$({ teardown && setup "$label"; } 2>&1); then
			echo "# bench: boot $boot cycle $c: cannot set up $label: $(tail -n 1 <<<"$out")"
		elif ! out=$("$BIN/vfio_bench" "$bdf" "$seconds" 2>&1); then
			echo "# bench: boot $boot cycle $c $label: $out"
		else
			bar0=$(awk '$1 == "bar0" { print $2 }' <<<"$out")
			config=$(awk '$1 == "config" { print $2 }' <<<"$out")
			echo "$boot $c $label $bar0 $config" >>"$raw"
			in_a_row=0
			continue
		fi
		failures=$((failures + 1))
		in_a_row=$((in_a_row + 1))
		if [ $in_a_row -ge 4 ]; then
			echo "# bench: boot $boot: giving up after 4 failures in a row"
			break
		fi
	done
done
teardown >/dev/null 2>&1
echo "# bench: boot $boot: $(wc -l <"$raw") rounds in $(($(date +%s) - start))s, $failures failed"
[ "$failures" -eq 0 ]
