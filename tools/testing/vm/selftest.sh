#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "vm": the test guest itself can do what later suites rely on.
# Runs inside the guest (see run-vm.sh).
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

tap_result "guest runs Debian's $KVER kernel" \
	"$([ "$(uname -r)" = "$KVER" ]; echo $?)"

mapfile -t edus < <(pci_edu_devices)
groups_ok=1
[ ${#edus[@]} -ge 2 ] || groups_ok=0
seen=
for bdf in "${edus[@]}"; do
	g=$(pci_iommu_group "$bdf")
	members=$(ls "$PCI/devices/$bdf/iommu_group/devices" | wc -l)
	[ "$members" -eq 1 ] || groups_ok=0
	case " $seen " in *" $g "*) groups_ok=0 ;; esac
	seen="$seen $g"
done
grep -q DMAR /proc/iomem 2>/dev/null || dmesg | grep -q 'DMAR: Intel' || groups_ok=0
tap_result "intel-iommu active, ${#edus[@]} edu devices each alone in an IOMMU group" \
	$((1 - groups_ok))

bdf=${edus[0]}
modprobe vfio-pci
if vfio_bind "$bdf"; then
	tap_check "edu $bdf bound to vfio-pci reads ID 0x010000ed through the VFIO uAPI" \
		"$BIN/vfio_edu_id" "$bdf"
else
	tap_not_ok "edu $bdf bound to vfio-pci reads ID 0x010000ed through the VFIO uAPI"
fi
vfio_unbind "$bdf"

# A nested guest: kvm_amd when the CPU model offers SVM, else TCG.
l2_boot() {
	local accel=$1 log=/tmp/l2-$1.log
	timeout 240 qemu-system-x86_64 -accel "$accel" -cpu "$2" -m 128M \
		-display none -no-reboot -monitor none -serial stdio \
		-kernel "${L2_KIMAGE:-${KIMAGE:-/boot/vmlinuz-$KVER}}" -initrd "$OUT/l2-initramfs.gz" \
		-append "console=ttyS0 panic=-1" >"$log" 2>&1
	grep -q "L2: guest alive, kernel $KVER" "$log" || { tail -n 20 "$log"; return 1; }
}
if modprobe kvm_amd && [ -c /dev/kvm ]; then
	tap_check "nested QEMU $(qemu-system-x86_64 --version | head -n1 | awk '{print $4}') guest boots with kvm_amd" \
		l2_boot kvm host
else
	tap_diag <<<"kvm_amd not available, nested guest under TCG"
	tap_check "nested QEMU guest boots with TCG (no kvm_amd)" l2_boot tcg max
fi

# The watchdog of a hung job names each task's state and kernel stack: a
# reader of a FIFO nobody writes, asleep in the kernel, must show up.
watchdog_names_sleeper() {
	local fifo=/tmp/vmt-wd.fifo out=/tmp/vmt-wd.txt pid i ret=1
	rm -f "$fifo" "$out"
	mkfifo "$fifo" || return 1
	cat "$fifo" >/dev/null &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q fifo_open "/proc/$pid/stack" 2>/dev/null && break
		sleep 0.1
	done
	guest_watchdog 0 "$out"
	grep -q "^vmtest-watchdog: $pid (cat) state S wchan " "$out" &&
		grep -q "^vmtest-watchdog:    .*fifo_open" "$out" && ret=0
	[ $ret = 0 ] || cat "$out"
	kill "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$fifo" "$out"
	return $ret
}
tap_check "the hung-job watchdog names a sleeping task, its state and its kernel stack" \
	watchdog_names_sleeper

# Nested guests on 4 KiB pages, which dirty logging need not split (see
# run-vm.sh): the kernel and KVM took the command line's settings.
tap_result "nested guests' memory: transparent huge pages off, KVM's eager page split off" \
	"$(grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled &&
	   [ "$(cat /sys/module/kvm/parameters/eager_page_split 2>/dev/null)" = N ]; echo $?)"

# Every test guest runs the kernel's memory checkers (run-vm.sh), so a
# slab overrun or use after free of ours shows as a report.
slab=/sys/kernel/slab/kmalloc-64
tap_result "slab debugging on (kmalloc-64: red zones $(cat $slab/red_zone 2>/dev/null), poisoning $(cat $slab/poison 2>/dev/null), sanity checks $(cat $slab/sanity_checks 2>/dev/null)); freed memory wiped" \
	"$([ "$(cat $slab/red_zone $slab/poison $slab/sanity_checks 2>/dev/null | tr -d '\n')" = 111 ] &&
	   dmesg | grep -q 'mem auto-init:.*heap free:on'; echo $?)"

netns_pair() {
	ip netns add vmt-a && ip netns add vmt-b &&
	ip link add vmt-va netns vmt-a type veth peer name vmt-vb netns vmt-b &&
	ip -n vmt-a addr add 10.99.0.1/24 dev vmt-va &&
	ip -n vmt-b addr add 10.99.0.2/24 dev vmt-vb &&
	ip -n vmt-a link set vmt-va up && ip -n vmt-b link set vmt-vb up &&
	ip netns exec vmt-a ping -c 3 -W 2 10.99.0.2
}
tap_check "two network namespaces joined by veth pass traffic" netns_pair
ip netns del vmt-a 2>/dev/null
ip netns del vmt-b 2>/dev/null
exit 0
