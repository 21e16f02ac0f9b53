# SPDX-License-Identifier: GPL-2.0-only
#
# run-vm.sh options shared by run-tests.sh, bench.sh and demo.sh.
# shellcheck disable=SC2034

# A test guest that runs nested (L2) KVM guests: level 0 is QEMU 10.0.
# Under Debian's QEMU 7.2, TCG's emulation of SVM now and then wedged the
# test guest while nested guests came and went (lost cross-CPU interrupts:
# soft lockups in smp_call_function, an RCU stall with the other CPU idle,
# 3 of 10 qemu-e2e runs); see NOTES.md.
NESTED_VM_OPTS=(--qemu10)

# A test guest with real SR-IOV VFs: level 0 is QEMU 10.0 (QEMU 7.2 has no
# igb) with an emulated 82576 (igb) behind its own PCIe root port, on a
# user-mode network that reaches nothing, 3 GiB for the nested guests, and
# no edu device.
IGB_VM_OPTS=("${NESTED_VM_OPTS[@]}" --mem 3G --edu 0
	--qemu-arg -device --qemu-arg pcie-root-port,id=rpigb,chassis=9,slot=9
	--qemu-arg -netdev --qemu-arg user,id=igbnet,restrict=on
	--qemu-arg -device --qemu-arg igb,netdev=igbnet,bus=rpigb)
