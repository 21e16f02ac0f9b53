#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo": the main job, end to end, in the test guest.  Prints what it
# did with figures, and "demo: ... ok" lines only for what it proved.
# Two boots: edu devices (pass-through, migrations by QEMU 7.2 and 10.0),
# then an igb device (an SR-IOV VF migrated by QEMU 10.0 with traffic, and
# its data path under stock vfio-pci and ours).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
export OUT=${OUT:-$top/out}
export KVER=${KVER:-$("$top/scripts/kernels.sh" default)}

. "$top/tools/testing/lib/vm-opts.sh"

# demo_boot <name> <guest script> [run-vm.sh options]
demo_boot() {
	local name=$1 script=$2 rc
	shift 2
	"$top/tools/testing/vm/run-vm.sh" --name "$name" --timeout 1500 "$@" -- \
		"$script" | grep -v '^ok - guest'
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || echo "demo: FAILED (guest console: $OUT/logs/$name.console.log)"
	return "$rc"
}

status=0
echo "demo: booting Debian's $KVER kernel under TCG (QEMU 10.0 at level 0, q35, intel-iommu, 2 edu devices)"
demo_boot demo tools/testing/demo-guest.sh "${NESTED_VM_OPTS[@]}" || status=1
echo "demo: booting Debian's $KVER kernel again, with an emulated 82576 (igb) whose VFs are real SR-IOV VFs to the guest"
demo_boot demo-sriov tools/testing/demo-sriov-guest.sh "${IGB_VM_OPTS[@]}" || status=1
exit "$status"
