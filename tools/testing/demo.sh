#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo": the main job, end to end, in the test guest.  Prints what it
# did with figures, and "demo: ... ok" lines only for what it proved.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
export OUT=${OUT:-$top/out}
export KVER=${KVER:-$("$top/scripts/kernels.sh" default)}

. "$top/tools/testing/lib/vm-opts.sh"

echo "demo: booting Debian's $KVER kernel under TCG (QEMU 10.0 at level 0, q35, intel-iommu, 2 edu devices)"
"$top/tools/testing/vm/run-vm.sh" --name demo --timeout 1500 "${NESTED_VM_OPTS[@]}" -- \
	tools/testing/demo-guest.sh | grep -v '^ok - guest'
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || echo "demo: FAILED (guest console: $OUT/logs/demo.console.log)"
exit "$rc"
