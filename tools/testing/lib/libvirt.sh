# SPDX-License-Identifier: GPL-2.0-only
#
# Two libvirt "hosts" inside the test guest (lv_*), for the libvirt suite.
# Each host is libvirtd in its own network namespace (l2src 10.99.0.1 or
# l2dst 10.99.0.2, l2.sh's), mount namespace and hostname, with its own
# /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and
# /var/log/libvirt, and its own host UUID; the two talk over TCP.  Debian
# ships only the monolithic libvirtd (no virtqemud), started here without
# systemd.  Needs guest.sh, l2.sh and sriov.sh.
#
# A host's configuration and logs are in $L2DIR/lv-<host> (kept on the
# host), its state in tmpfs.

LV_MIG_PORT=49152
declare -A LV_NS=([a]=l2src [b]=l2dst)
declare -A LV_IP=([a]=10.99.0.1 [b]=10.99.0.2)
declare -A LV_PID

# The libvirt-daemon-driver-qemu that the suite needs (make deps).
lv_have() {
	command -v libvirtd >/dev/null && command -v virsh >/dev/null &&
		[ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ]
}

lv_uri() { echo "qemu+tcp://${LV_IP[$1]}/system"; }

# lv_virsh <host> <args...>: virsh against a host, from its namespace.
lv_virsh() {
	local h=$1
	shift
	timeout 300 ip netns exec "${LV_NS[$h]}" virsh -q -c "$(lv_uri "$h")" "$@"
}

# The configuration both files need; see Documentation/admin-guide.
# LV_LOG_LEVEL and LV_LOG_FILTERS (libvirtd.conf's words) make libvirtd's
# log say more.
lv_write_conf() {
	local h=$1 etc=$2 ip=${LV_IP[$1]}
	mkdir -p "$etc/qemu"
	cat >"$etc/libvirtd.conf" <<-EOF
	listen_tls = 0
	listen_tcp = 1
	listen_addr = "$ip"
	auth_tcp = "none"
	auth_unix_ro = "none"
	auth_unix_rw = "none"
	host_uuid = "$(lv_host_uuid "$h")"
	log_outputs = "${LV_LOG_LEVEL:-3}:file:/var/log/libvirt/libvirtd.log"
	${LV_LOG_FILTERS:+log_filters = \"$LV_LOG_FILTERS\"}
	EOF
	cat >"$etc/qemu.conf" <<-EOF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	namespaces = [ ]
	cgroup_controllers = [ ]
	stdio_handler = "file"
	migration_address = "$ip"
	migration_host = "$ip"
	EOF
}

# A distinct UUID per host: libvirt refuses to migrate to "the same host".
lv_host_uuid() {
	case $1 in
	a) echo 6c1a1e5e-0a0a-4a0a-8a0a-00000000000a ;;
	*) echo 6c1a1e5e-0a0a-4a0a-8a0a-00000000000b ;;
	esac
}

# lv_host_start <host>: start libvirtd for host a or b and wait until it
# answers over TCP (it probes each QEMU first: slow under TCG).
lv_host_start() {
	local h=$1 dir=$L2DIR/lv-$1 end
	mkdir -p "$dir/etc" "$dir/log/qemu"
	lv_write_conf "$h" "$dir/etc"
	mkdir -p /run/libvirt
	ip netns exec "${LV_NS[$h]}" unshare --mount --uts --propagation private \
		sh -c 'hostname "lvhost-$0" &&
			mount --bind "$1/etc" /etc/libvirt &&
			mount -t tmpfs tmpfs /run/libvirt &&
			mount -t tmpfs tmpfs /var/lib/libvirt &&
			mount -t tmpfs tmpfs /var/cache/libvirt &&
			mount --bind "$1/log" /var/log/libvirt &&
			exec libvirtd --listen -f /etc/libvirt/libvirtd.conf \
				-p /run/libvirt/libvirtd.pid' "$h" "$dir" \
		>"$dir/libvirtd.out" 2>&1 &
	LV_PID[$h]=$!
	end=$((SECONDS + 120))
	while [ $SECONDS -lt $end ]; do
		timeout 20 ip netns exec "${LV_NS[$h]}" \
			virsh -q -c "$(lv_uri "$h")" uri >/dev/null 2>&1 && return 0
		kill -0 "${LV_PID[$h]}" 2>/dev/null || return 1
		sleep 0.5	# the daemon is still starting
	done
	return 1
}

lv_host_stop_all() {
	local h
	for h in "${!LV_PID[@]}"; do
		kill "${LV_PID[$h]}" 2>/dev/null
		wait "${LV_PID[$h]}" 2>/dev/null
	done
	LV_PID=()
}

# lv_net_prepare: two igb PFs (LIBVIRT_VM_OPTS), one per host: each makes
# a VF (LV_VF[host]), then moves to its host's network namespace
# (LV_PF[host], where libvirt looks for it to set the VF up), with the
# same MAC (the guest's peer on either host) and an address on the port
# VLAN there.  The VFs keep no host driver, as VFs meant for VMs: a VF
# netdev left in the first namespace would hide from libvirt's sysfs,
# which it reads to find the VF's PF.
declare -A LV_PF LV_VF
lv_net_prepare() {
	local h d pf pfs=() i=0 end=$((SECONDS + 30)) ns mac
	modprobe igb && modprobe 8021q || return 1
	while :; do
		pfs=()
		for d in "$PCI"/drivers/igb/0000:*; do
			[ -d "$d/net" ] && pfs+=("${d##*/}")
		done
		[ ${#pfs[@]} -ge 2 ] && break
		[ $SECONDS -lt $end ] || { echo "want two igb PFs, found ${#pfs[@]}"; return 1; }
		sleep 0.5	# igb's probe
	done
	for h in a b; do
		d=$PCI/devices/${pfs[$i]}
		i=$((i + 1))
		LV_PF[$h]=$(ls "$d/net")
		echo 1 >"$d/sriov_numvfs" || return 1
		LV_VF[$h]=$(basename "$(readlink -f "$d/virtfn0")")
	done
	mac=$(cat "/sys/class/net/${LV_PF[a]}/address")
	ip link set "${LV_PF[b]}" address "$mac" || return 1
	for h in a b; do
		ns=${LV_NS[$h]}
		pf=${LV_PF[$h]}
		ip link set "$pf" netns "$ns" &&
		ip -n "$ns" link set "$pf" mtu $((SRIOV_MTU + 100)) up &&
		ip -n "$ns" link add link "$pf" name "$pf.$SRIOV_VLAN" type vlan id "$SRIOV_VLAN" &&
		ip -n "$ns" link set "$pf.$SRIOV_VLAN" mtu "$SRIOV_MTU" up &&
		ip -n "$ns" addr add "$SRIOV_PF_IP/24" dev "$pf.$SRIOV_VLAN" || return 1
	done
}

# "MAC vlan N" of a host's VF, as its PF reports it.
lv_vf_admin() {
	sriov_admin_of 0 "${LV_NS[$1]}" "${LV_PF[$1]}"
}

# lv_emulator_qemu10: a path libvirt can run as <emulator> for QEMU 10.0
# (its own module folder needs scripts/qemu10.sh's mount namespace).
lv_emulator_qemu10() {
	local w=/tmp/lv-qemu-system-x86_64-10
	printf '#!/bin/sh\nexec %s/scripts/qemu10.sh run "$@"\n' "$VMT_TOP" >"$w"
	chmod 755 "$w"
	echo "$w"
}

# lv_pci_address <bdf>: a host device's address as libvirt writes it.
lv_pci_address() {
	local bdf=$1 bus slot
	bus=${bdf#*:}
	slot=${bus#*:}
	bus=${bus%%:*}
	echo "<address domain='0x${bdf%%:*}' bus='0x$bus' slot='0x${slot%.*}' function='0x${slot#*.}'/>"
}

# lv_nodedev <bdf>: libvirt's name of a PCI device (pci_0000_01_00_0).
lv_nodedev() {
	local n=${1//[:.]/_}
	echo "pci_$n"
}

# lv_hostdev_xml <bdf>: a device assigned as a managed hostdev.
lv_hostdev_xml() {
	cat <<-EOF
	<hostdev mode='subsystem' type='pci' managed='yes'>
	  <source>
	    $(lv_pci_address "$1")
	  </source>
	  <alias name='ua-dev0'/>
	</hostdev>
	EOF
}

# lv_interface_xml <bdf> <mac> <vlan>: a VF assigned as a network
# interface: libvirt sets its MAC and port VLAN through the PF first.
lv_interface_xml() {
	cat <<-EOF
	<interface type='hostdev' managed='yes'>
	  <mac address='$2'/>
	  <source>
	    $(lv_pci_address "$1" | sed "s/<address /<address type='pci' /")
	  </source>
	  <vlan>
	    <tag id='$3'/>
	  </vlan>
	  <alias name='ua-dev0'/>
	</interface>
	EOF
}

# lv_domain_xml <name> <emulator> <serial fifo> <device xml> <migration
# option name> <type> <value>: an L2 guest (l2.sh's; L2_MEM_MB, L2_INITRD
# and L2_APPEND change it) with one assigned device (alias ua-dev0), the
# migration property set on it with qemu:override.
lv_domain_xml() {
	local name=$1 emu=$2 fifo=$3 dev=$4 prop=$5 ptype=$6 pval=$7
	local type=qemu cpu="<cpu mode='maximum'/>"
	if [ "$L2ACCEL_NAME" = kvm ]; then
		type=kvm
		cpu="<cpu mode='host-passthrough'/>"
	fi
	cat <<-EOF
	<domain type='$type' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
	  <name>$name</name>
	  <memory unit='MiB'>${L2_MEM_MB:-128}</memory>
	  <vcpu>1</vcpu>
	  <os>
	    <type arch='x86_64' machine='q35'>hvm</type>
	    <kernel>${L2_KIMAGE:-${KIMAGE:-/boot/vmlinuz-$KVER}}</kernel>
	    <initrd>${L2_INITRD:-$OUT/l2-initramfs.gz}</initrd>
	    <cmdline>${L2_APPEND:-$L2_EDU_APPEND}</cmdline>
	  </os>
	  $cpu
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <emulator>$emu</emulator>
	    <controller type='usb' model='none'/>
	    <serial type='pipe'>
	      <source path='$fifo'/>
	    </serial>
	    $dev
	    <memballoon model='none'/>
	  </devices>
	  <qemu:override>
	    <qemu:device alias='ua-dev0'>
	      <qemu:frontend>
	        <qemu:property name='$prop' type='$ptype' value='$pval'/>
	      </qemu:frontend>
	    </qemu:device>
	  </qemu:override>
	</domain>
	EOF
}
