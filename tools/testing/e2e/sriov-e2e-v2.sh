#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "sriov-e2e" on the second kernel (6.12): its QEMU 10.0 (v2) runs,
# the ones whose path differs between kernels (pre-copy, no device DMA
# logging, type1 tracking).  The v1 runs' kernel path is the same as
# qemu-e2e@6.12's, which runs in full.  Runs inside the test guest.
SRIOV_CLIENTS=v2 exec "$VMT_TOP/tools/testing/e2e/sriov-e2e.sh"
