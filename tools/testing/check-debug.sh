#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make check-debug": the suites of our code that run in a single test
# guest (no nested guest), booted on the debug kernel (debug-kernel.sh: Debian's
# 6.1 with KASAN, lockdep, DEBUG_ATOMIC_SLEEP and kmemleak).  A report of
# any of them fails the guest's console check; kmemleak's scan after each
# job fails the job on a leak.  Our modules are built against that
# kernel's tree, so they are instrumented too.
#
# The kernel is built once (about 40 minutes on two cores) and kept in
# $OUT/kdebug; the run's outputs go to $OUT/check-debug.  The guests run
# several times slower than on Debian's kernel: their time limits are
# scaled (VM_TIMEOUT_SCALE, default 4).
#
# usage: check-debug.sh [job...]       default: the suites below
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$top/out}
# Not vm: it checks the test bed itself.
SUITES="registry passthrough migration migration-v2 fuzz irq i40e"

rel=$("$top/tools/testing/debug-kernel.sh") || exit 1
export KVER=$rel
export KDIR=$OUT/kdebug/linux-source-6.1
export KIMAGE=$KDIR/arch/x86/boot/bzImage
export KMODROOT=$OUT/kdebug/root
export OUT=$OUT/check-debug
export VM_TIMEOUT_SCALE=${VM_TIMEOUT_SCALE:-4}
# A nested guest (irq's QEMU client) runs nothing of ours in its kernel:
# Debian's 6.1 boots in it, a debug kernel would outlast the limits.
stock=$("$top/scripts/kernels.sh" test 6.1) || exit 1
export L2_KIMAGE=/boot/vmlinuz-$stock
echo "# check-debug: kernel $KVER ($KIMAGE)"
# shellcheck disable=SC2086
exec "$top/tools/testing/run-tests.sh" ${*:-$SUITES}
