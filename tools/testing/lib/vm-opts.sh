# SPDX-License-Identifier: GPL-2.0-only
#
# run-vm.sh options shared by run-tests.sh, bench.sh and demo.sh.
# shellcheck disable=SC2034

# A test guest that migrates nested (L2) KVM guests: level 0 is QEMU 10.0,
# one vCPU.  Under TCG a vCPU of the test guest now and then loses its
# local timer or a wakeup for good and the guest wedges; which level-0
# QEMU does it more depends on the suite.  qemu-e2e under Debian's 7.2:
# 3 wedges in about 10 runs, under 10.0 none in 4 (so the migration
# suites, the demo and the benchmark run there); irq under 10.0: 2 in 4,
# under 7.2 none seen (so irq stays on 7.2).  With two vCPUs, L2 guests
# also misbehaved as their migrations ran: an igb VF's guest reset itself
# (below; one vCPU cured it), an edu guest fell silent after a round trip,
# another crawled while dirtying 3000 pages/s (each seen once, on two
# vCPUs; NOTES.md).
NESTED_VM_OPTS=(--qemu10 --smp 1)


# A test guest with real SR-IOV VFs: level 0 is QEMU 10.0 (QEMU 7.2 has no
# igb) with an emulated 82576 (igb) behind its own PCIe root port, on a
# user-mode network that reaches nothing, 3 GiB for the nested guests and
# no edu device.  With two vCPUs, the L2 guest on the VF now and then
# reset itself (a triple fault, nested SVM under TCG) as its migration's
# dirty logging started or ended: 2 of 5 migrations with huge pages, 2 of
# 5 in CI without them; with one vCPU, 0 of 10 with huge pages (NOTES.md).
# Each migration takes about a fifth longer.
IGB_VM_OPTS=("${NESTED_VM_OPTS[@]}" --mem 3G --edu 0
	--qemu-arg -device --qemu-arg pcie-root-port,id=rpigb,chassis=9,slot=9
	--qemu-arg -netdev --qemu-arg user,id=igbnet,restrict=on
	--qemu-arg -device --qemu-arg igb,netdev=igbnet,bus=rpigb)

# The irq suite: one vCPU, fully preemptible kernel.  Its eventfd and
# remap traffic bounces wakeups between vCPUs like no other suite, and with
# two vCPUs its test guest wedged under both level-0 QEMUs: 2 of 4 runs
# under 10.0 (CPU 1's local timer dead), once in CI under 7.2 (no line on
# the console for 1490 s).  With one vCPU there is no cross-vCPU wakeup to
# lose.  Its race test then interleaves far less (no stale ack in most
# runs, against hundreds on two vCPUs; NOTES.md); preempt=full at least
# lets a kernel path be preempted anywhere.
IRQ_VM_OPTS=(--smp 1 --kernel-arg preempt=full)

# The libvirt suite's test guest: two edu devices and two igb PFs (one for
# each libvirt host, each on its own user-mode network), one vCPU.  It runs
# QEMU 7.2 as well as 10.0, and libvirt loads every module of a QEMU it
# probes: level 0 is 10.0 with its modules found through QEMU_MODULE_DIR,
# so the host root it exports keeps 7.2's (with NESTED_VM_OPTS' mount,
# 7.2 aborts on 10.0's modules).
LIBVIRT_VM_OPTS=(--qemu10-moddir --smp 1 --mem 3G
	--qemu-arg -device --qemu-arg pcie-root-port,id=rpigb,chassis=9,slot=9
	--qemu-arg -netdev --qemu-arg user,id=igbnet,restrict=on
	--qemu-arg -device --qemu-arg igb,netdev=igbnet,bus=rpigb
	--qemu-arg -device --qemu-arg pcie-root-port,id=rpigb2,chassis=10,slot=10
	--qemu-arg -netdev --qemu-arg user,id=igbnet2,restrict=on
	--qemu-arg -device --qemu-arg igb,netdev=igbnet2,bus=rpigb2)
