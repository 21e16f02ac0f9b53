# SPDX-License-Identifier: GPL-2.0-only
#
# run-vm.sh options for a test guest with real SR-IOV VFs: level 0 is QEMU
# 10.0 (QEMU 7.2 has no igb) with an emulated 82576 (igb) behind its own
# PCIe root port, on a user-mode network that reaches nothing, 3 GiB for
# the nested guests, and no edu device.  Sourced by run-tests.sh and
# bench.sh.
# shellcheck disable=SC2034
IGB_VM_OPTS=(--qemu10 --mem 3G --edu 0
	--qemu-arg -device --qemu-arg pcie-root-port,id=rpigb,chassis=9,slot=9
	--qemu-arg -netdev --qemu-arg user,id=igbnet,restrict=on
	--qemu-arg -device --qemu-arg igb,netdev=igbnet,bus=rpigb)
