#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "fuzz": vfio_fuzz's seeded random walk over the device uAPI of an
# edu device, under stock vfio-pci (the reference: its errnos are what a
# VFIO user expects) and under ours with each vendor driver of the
# samples.  Each run must see only expected errnos; afterwards the device
# unbinds and every module unloads (nothing leaked a reference), and the
# console stays free of oops, warnings and slab reports (run-vm.sh).
# FUZZ_SEED replays a seed (printed by every run); FUZZ_OPS sets the
# budget per configuration.
# Runs inside the guest (see run-vm.sh).
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

SEED=${FUZZ_SEED:-$(date +%s)}
OPS=${FUZZ_OPS:-1500}
WORK=/tmp/fuzz
mkdir -p "$WORK"
mapfile -t SAMPLES < <(modprobe -R vfio-pci:1234-11e8 2>/dev/null | sort -u)
mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -lt 1 ]; then
	tap_not_ok "an edu device is present"
	exit 1
fi
bdf=${edus[0]}
tap_diag <<<"seed $SEED, $OPS operations per configuration (replay: FUZZ_SEED=$SEED)"

for cfg in stock none "${SAMPLES[@]}"; do
	module_clear_blacklist
	if [ "$cfg" = stock ]; then
		vfio_load_stock
	else
		for m in "${SAMPLES[@]}"; do
			[ "$m" = "$cfg" ] || module_blacklist "$m"
		done
		if [ "$cfg" = none ]; then
			modprobe vfio-pci vendor_drivers=off
		else
			modprobe vfio-pci
		fi
	fi
	vfio_bind "$bdf"
	owner=$(cat "$PCI/devices/$bdf/vfio_vendor_driver" 2>/dev/null || echo stock)
	env VFIO_TEST_BDF="$bdf" VFIO_FUZZ_SEED="$SEED" VFIO_FUZZ_OPS="$OPS" \
		"$BIN/vfio_fuzz" >"$WORK/$cfg.out" 2>&1
	rc=$?
	grep -E '^# (seed|[0-9]+ calls|.*vfio_fuzz\.c)' "$WORK/$cfg.out"
	tap_harness "$cfg ($owner)" "$rc" <"$WORK/$cfg.out"
	vfio_unbind "$bdf"
	mods=(vfio_pci)
	[ "$cfg" = stock ] || [ "$cfg" = none ] || mods=("$cfg" vfio_pci)
	tap_check "$cfg: the device unbinds and ${mods[*]} unload after the walk" \
		modprobe -r "${mods[@]}"
done
module_clear_blacklist
exit 0
