# SPDX-License-Identifier: GPL-2.0-only
#
# Live migration of an L2 guest with a real SR-IOV VF (QEMU 10.0's emulated
# 82576, driven in L1 by the in-tree igb) while it pings the PF side, for
# the sriov-e2e suite and the benchmarks.  Sourced inside the test guest
# after guest.sh and l2.sh; the test guest must have been booted
# with an igb device (see IGB_VM_OPTS in tools/testing/lib/vm-opts.sh).
#
# sriov_prepare: the PF makes two VFs; the administrator gives VF 0 a MAC
#   and a port VLAN; the PF side gets an address on that VLAN; both VFs
#   are bound to vfio-pci (which loads igb_vf_migration by alias);
#   namespaces for the two "hosts" are set up.
# sriov_migrate <client> <run> [monitor commands]: an L2 guest on VF 0
#   (igbvf, its own MTU and a joined multicast group) pings the PF side
#   every SRIOV_INTERVAL seconds while it is migrated to an L2 waiting on
#   VF 1, across the namespaces over TCP.  <client> is v1 (Debian's QEMU
#   7.2) or v2 (QEMU 10.0); the run's logs stay in $VMT_DIR/l2-sriov-<run>.
#   Its results: l2_result (l2.sh; names below); what the drivers
#   did, from their counters: sriov_stat.
# sriov_migrate_nodev <client> <run> [emul]: the same guest without any
#   device, or (emul) with an emulated NIC and its stream instead of the VF.


SRIOV_VF_ID=8086:10ca
SRIOV_MAC=02:00:00:00:00:10
SRIOV_VLAN=5
SRIOV_PF_IP=10.77.0.1
SRIOV_GUEST_IP=10.77.0.2
SRIOV_MTU=2000
SRIOV_GROUP=239.1.2.3
SRIOV_INTERVAL=${SRIOV_INTERVAL:-0.05}
SRIOV_TIMEOUT=${SRIOV_TIMEOUT:-300}
# Seconds of stream before and after the migration.
SRIOV_SETTLE=${SRIOV_SETTLE:-5}

# A run's results (l2_record, l2_result): status (QEMU's final migration
# status, or why the run stopped early), downtime_ms, total_ms, syncs,
# device_bytes, gap (the stream's figures, see sriov_gap), checks,
# guest_ok, where (src|dst: where the guest finished), admin (VF 1's
# settings), mcast, jumbo, verified, restored, vf_resumed, resumed
# (replies after a failure), paused, continued, src_runstate,
# src_reenabled, edu_checks, edu_dmas, link_changes, src_resets.

# A new run's defaults (in its $L2DIR).
sriov_reset_results() {
	local r
	l2_results_clear
	l2_record status none
	for r in guest_ok mcast jumbo verified restored vf_resumed \
		 src_reenabled edu_dmas; do
		l2_record $r 0
	done
	L2_GONE=
}

# Replies the guest has printed so far on a role's console.
sriov_replies() {
	grep -ac 'seq=' "$L2DIR/$1-serial.log"
}

# The run state of a role's VM ("running", "paused", ...), asked now;
# "gone" if its QEMU has exited.
sriov_runstate() {
	l2_alive "$1" || { echo gone; return 0; }
	l2_ask "$1" "info status" '^VM status:'
	grep -a '^VM status:' "$L2DIR/$1-mon.log" | tail -n1 | cut -d' ' -f3-
}

# Pause the source VM for SRIOV_SETTLE seconds, then continue it: the device
# is stopped (queues off) and started again outside any migration.  Records
# paused (replies while paused) and continued (replies in the SRIOV_SETTLE
# seconds after).
sriov_pause_continue() {
	local n
	l2_hmp src stop
	sleep 1
	n=$(sriov_replies src)
	sleep "$SRIOV_SETTLE"
	l2_record paused "$(($(sriov_replies src) - n))"
	l2_hmp src cont
	sleep 1
	n=$(sriov_replies src)
	sleep "$SRIOV_SETTLE"
	l2_record continued "$(($(sriov_replies src) - n))"
}

# The PF's netdev, once igb has probed it.
sriov_pf_netdev() {
	local d
	for d in "$PCI"/drivers/igb/0000:*; do
		[ -d "$d/net" ] && ls "$d/net" && return 0
	done
	return 1
}

sriov_prepare() {
	local i vf
	modprobe igb || return 1
	for ((i = 0; i < 40; i++)); do
		SRIOV_PF=$(sriov_pf_netdev | head -n1) && [ -n "$SRIOV_PF" ] && break
		sleep 0.5
	done
	[ -n "${SRIOV_PF:-}" ] || { echo "no igb PF netdev"; return 1; }
	echo 2 >"/sys/class/net/$SRIOV_PF/device/sriov_numvfs" || return 1
	for ((i = 0; i < 40; i++)); do
		mapfile -t SRIOV_VFS < <(pci_devices "$SRIOV_VF_ID")
		[ ${#SRIOV_VFS[@]} -ge 2 ] && break
		sleep 0.5
	done
	[ ${#SRIOV_VFS[@]} -ge 2 ] || { echo "no VFs"; return 1; }
	ip link set "$SRIOV_PF" mtu $((SRIOV_MTU + 100)) up || return 1
	# The administrator's settings, before any guest driver starts.
	ip link set "$SRIOV_PF" vf 0 mac "$SRIOV_MAC" vlan "$SRIOV_VLAN" || return 1
	# The PF side of the stream, on the VF's port VLAN.
	modprobe 8021q || return 1
	ip link add link "$SRIOV_PF" name "$SRIOV_PF.$SRIOV_VLAN" type vlan id "$SRIOV_VLAN" &&
	ip link set "$SRIOV_PF.$SRIOV_VLAN" mtu "$SRIOV_MTU" up &&
	ip addr add "$SRIOV_PF_IP/24" dev "$SRIOV_PF.$SRIOV_VLAN" || return 1
	modprobe vfio-pci || return 1
	for vf in "${SRIOV_VFS[@]:0:2}"; do
		vfio_bind "$vf" || { echo "cannot bind $vf"; return 1; }
	done
	l2_netns_setup || return 1
	l2_accel
}

# The vendor driver that took a VF bound to vfio-pci.
sriov_vendor_of() {
	cat "$PCI/devices/$1/vfio_vendor_driver" 2>/dev/null
}

# The device of a role: src and dst are the VFs, edu-src and edu-dst the
# edu devices of SRIOV_EDU.
sriov_dev_of() {
	local edus
	read -ra edus <<<"${SRIOV_EDU:-}"
	case $1 in
	src) echo "${SRIOV_VFS[0]}" ;;
	dst) echo "${SRIOV_VFS[1]}" ;;
	edu-src) echo "${edus[0]:-none}" ;;
	edu-dst) echo "${edus[1]:-none}" ;;
	esac
}

# sriov_stat <role> <counter>: how much a counter of that role's device
# in the last run (vfio-pci's debugfs stats: migration.*, nic_vf.*, igb.*)
# grew since the run began; sriov_stat_now <role> <counter>: its value
# now.  The run's folder names its devices (dev-<role>), so both work
# after the run, whatever SRIOV_EDU is then.
sriov_stat() {
	stats_dump "$(cat "$L2DIR/dev-$1")" >"$L2DIR/stats-now-$1"
	stats_delta "$L2DIR/stats-before-$1" "$L2DIR/stats-now-$1" "$2"
}
sriov_stat_now() {
	stats_get "$(cat "$L2DIR/dev-$1")" "$2"
}

# "MAC vlan N" of VF n as the PF reports it; sriov_admin_of <n> <netns>
# <pf>: as another PF reports it, in a network namespace.
sriov_admin_of() {
	local ns=()
	[ -n "${2:-}" ] && ns=(-n "$2")
	ip "${ns[@]}" link show "${3:-$SRIOV_PF}" | awk -v vf="$1" '
		$1 == "vf" && $2 == vf {
			vlan = "none"
			for (i = 1; i <= NF; i++) {
				if ($i == "link/ether") mac = $(i + 1)
				if ($i == "vlan") { vlan = $(i + 1); sub(",", "", vlan) }
			}
			print mac, "vlan", vlan
		}'
}

# Use the L2 QEMU of a protocol: v1 is Debian's QEMU 7.2, v2 QEMU 10.0.
# With SRIOV_EDU set, the guest program drives the edu device too.
sriov_client() {
	local prog=net-guest.sh edu=
	L2_INITRD=$OUT/l2-net-initramfs-$KVER.gz
	if [ -n "${SRIOV_EDU:-}" ]; then
		# edu_guest's DMA memory lies above mem= (see edu_guest.c).
		prog=net-edu-guest.sh edu=" iomem=relaxed mem=112M"
		L2_INITRD=$OUT/l2-net-edu-initramfs-$KVER.gz
	fi
	L2_SERIAL_TS=1
	L2_APPEND="console=ttyS0 quiet pci=noearly panic=-1$edu l2prog=$prog l2ip=$SRIOV_GUEST_IP/24 l2peer=$SRIOV_PF_IP l2mtu=$SRIOV_MTU l2mcast=$SRIOV_GROUP l2interval=$SRIOV_INTERVAL"
	case $1 in
	v1)
		L2QEMU=qemu-system-x86_64
		L2_VFIO_OPTS=x-enable-migration=on
		;;
	v2)
		L2QEMU="$VMT_TOP/scripts/qemu10.sh run"
		# Without device DMA logging (Debian's 6.12) QEMU's default
		# refuses the device; "on" migrates it (see qemu10-e2e.sh).
		if guest_v2_env | grep -qx VFIO_TEST_NO_LOGGING=1; then
			L2_VFIO_OPTS=enable-migration=on
		else
			L2_VFIO_OPTS=enable-migration=auto
		fi
		;;
	esac
	export L2_INITRD L2_SERIAL_TS L2_APPEND L2QEMU L2_VFIO_OPTS
}

# Dirty syncs in the source's last "info migrate".
sriov_mig_syncs() {
	grep -a '^dirty sync count:' "$L2DIR/src-mon.log" | tail -n1 | awk '{print $4}'
}

# The guest's checks and the end of its stream, from where it runs now.
sriov_finish_guest() {
	local role=$1 log
	log=$L2DIR/$role-serial.log
	l2_console "$role" GO
	if ! l2_wait "$log" 'NET-DONE ' 60 "$role"; then
		l2_diag_silent "$role"
		l2_record checks "no NET-DONE from the $role guest"
		return 1
	fi
	l2_record where "$role"
	l2_record checks "$(grep -a 'NET-CHECK' "$log" | cut -d' ' -f2-)"
	# The lines carry the L1 time first (L2_SERIAL_TS).
	l2_record link_changes "$(grep -a 'NET-LINK-CHANGES ' "$log" | awk '{ print $3 }')"
	grep -aq 'NET-DONE 0' "$log" && l2_record guest_ok 1
	[ -n "${SRIOV_EDU:-}" ] || return 0
	if ! l2_wait "$log" 'EDU-DONE ' 120 "$role"; then
		l2_record edu_checks "no EDU-DONE from the $role guest"
		return 1
	fi
	# The lines carry the L1 time first (L2_SERIAL_TS).
	l2_record edu_checks "$(grep -a 'EDU-CHECK\|EDU-MISS' "$log" | cut -d' ' -f2-)"
	l2_record edu_dmas "$(grep -a 'EDU-DONE ' "$log" | awk '{ print $4 }')"
	return 0
}

# sriov_migrate <v1|v2> <run> [monitor commands before migrating...]
# sriov_migrate_once, and once more if the source guest reset itself
# before the migration completed: its QEMU exited by itself with status 0
# (-no-reboot), its console names no panic or oops, and its program had
# not finished (a source told GO after a failure prints NET-DONE and
# powers off by itself too).  Nested SVM under TCG does that now and then
# as the source's dirty logging starts or ends (NOTES.md); a guest that
# fails for a reason of its own says so on its console first, and is not
# given a second chance.  The result src_resets
# counts the resets; the first attempt's logs stay in <logs>.attempt1.
# SRIOV_RESET_SOURCE=1 resets the source guest from its monitor as the
# first attempt's migration starts (the test of this retry).
sriov_migrate() {
	local resets=0
	for SRIOV_ATTEMPT in 1 2; do
		sriov_migrate_once "$@"
		l2_yield_cpu off
		l2_record src_resets $resets
		[ "$(l2_result status)" = completed ] && return 0
		sriov_source_reset_itself || return 0
		resets=$SRIOV_ATTEMPT
		l2_record src_resets $resets
		echo "$2: the L2 source guest reset itself (QEMU status $(l2_result status), attempt $SRIOV_ATTEMPT), last console line: $(grep -a . "$L2DIR/src-serial.log" | tail -n1)" |
			tap_diag
		[ "$SRIOV_ATTEMPT" = 2 ] && return 0
		rm -rf "$L2DIR.attempt1"
		mv "$L2DIR" "$L2DIR.attempt1"
		ip link set "$SRIOV_PF" vf 1 mac 00:00:00:00:00:00 vlan 0 2>/dev/null
	done
}

# Did the last run's source guest reset itself (see sriov_migrate)?
sriov_source_reset_itself() {
	[[ " ${L2_GONE:-} " == *" src:0 "* ]] &&
		! grep -aqE 'Kernel panic|BUG:|Oops|general protection|double fault|NET-DONE' \
			"$L2DIR/src-serial.log"
}

# sriov_migrate_once <v1|v2> <run> [monitor commands before migrating...]
# Logs of the run are kept in $VMT_DIR/l2-sriov-<run>.  SRIOV_PAUSE=1
# pauses and continues the source first (sriov_pause_continue);
# SRIOV_CORRUPT_AT=N sends the migration through corrupt-proxy.py, which
# flips the device-state stream's byte N after its magic.
# SRIOV_DST_NOADMIN=1 runs the destination QEMU without CAP_NET_ADMIN (as
# under libvirt); SRIOV_DST_CHECKS=0 skips the checks of the guest on the
# destination after a completed migration (for a destination that is
# expected to refuse the device state).  SRIOV_EDU="<src> <dst>" assigns
# each end an edu device too, which the guest program drives as well
# (results edu_checks and edu_dmas).
sriov_migrate_once() {
	local client=$1 run=$2 i st port=$L2_MIG_PORT prefix= reenabled
	local src_edu=() dst_edu=() edu
	shift 2
	L2DIR=${VMT_DIR:-/tmp}/l2-sriov-$run
	rm -rf "$L2DIR"
	sriov_reset_results
	mkdir -p "$L2DIR"
	dmesg -C
	for st in src dst edu-src edu-dst; do
		sriov_dev_of $st >"$L2DIR/dev-$st"
		stats_dump "$(cat "$L2DIR/dev-$st")" >"$L2DIR/stats-before-$st"
	done
	sriov_client "$client"
	if [ -n "${SRIOV_EDU:-}" ]; then
		read -ra edu <<<"$SRIOV_EDU"
		src_edu=(-device "vfio-pci,host=${edu[0]},${L2_VFIO_OPTS:-x-enable-migration=on}")
		dst_edu=(-device "vfio-pci,host=${edu[1]},${L2_VFIO_OPTS:-x-enable-migration=on}")
	fi

	# A nested guest under TCG occasionally stalls while booting: one
	# retry, said out loud.
	for i in 1 2; do
		l2_start src l2src "${SRIOV_VFS[0]}" "${src_edu[@]}"
		l2_wait "$L2DIR/src-serial.log" 'NET-READY|NET-FAIL' 240 src &&
			! grep -aq NET-FAIL "$L2DIR/src-serial.log" &&
			{ [ -z "${SRIOV_EDU:-}" ] ||
			  l2_wait "$L2DIR/src-serial.log" 'EDU-READY' 120 src; } && break
		echo "L2 source guest not ready (attempt $i): $(tail -n1 "$L2DIR/src-serial.log")" | tap_diag
		l2_stop_all
		mv "$L2DIR/src-serial.log" "$L2DIR/src-serial.attempt$i.log"
		i=fail
	done
	if [ "$i" = fail ]; then
		l2_record status "source guest not ready"
		return 1
	fi
	tap_phase "$run: L2 src ready"
	sleep "$SRIOV_SETTLE"
	[ "${SRIOV_PAUSE:-0}" = 1 ] && sriov_pause_continue
	# The driver's restarts so far: a pause has one of its own.
	reenabled=$(sriov_stat src igb.restarted)
	[ "${SRIOV_DST_NOADMIN:-0}" = 1 ] && prefix="setpriv --bounding-set -net_admin "
	L2QEMU="$prefix$L2QEMU" \
		l2_start dst l2dst "${SRIOV_VFS[1]}" "${dst_edu[@]}" -incoming "tcp:10.99.0.2:$L2_MIG_PORT"
	if ! l2_wait_listen; then
		l2_record status "destination not listening"
		return 1
	fi
	tap_phase "$run: L2 dst ready, listening"
	if [ -n "${SRIOV_CORRUPT_AT:-}" ]; then
		port=$((L2_MIG_PORT + 1))
		if ! l2_corrupt_proxy "$port" "$SRIOV_CORRUPT_AT"; then
			l2_record status "proxy not listening"
			return 1
		fi
	fi
	for st in "$@"; do
		l2_hmp src "$st"
	done
	# Tail writes the driver saw while the stream ran and nothing was
	# saved: the RX queue page is the device's then.
	l2_record idle_tail_writes "$(sriov_stat src igb.tail_writes)"
	l2_record idle_replies "$(sriov_replies src)"
	tap_phase "$run: migration started (attempt ${SRIOV_ATTEMPT:-1})"
	l2_yield_cpu on
	l2_hmp src "migrate -d tcp:10.99.0.2:$port"
	[ "${SRIOV_RESET_SOURCE:-0}" = 1 ] && [ "${SRIOV_ATTEMPT:-1}" = 1 ] &&
		l2_hmp src system_reset
	l2_record status "$(l2_mig_wait "$SRIOV_TIMEOUT")"
	tap_phase "$run: migration ended, $(l2_result status)"
	if [ "$(l2_result status)" != completed ]; then
		# Never converged or failed: the source must run on.
		l2_record syncs "$(sriov_mig_syncs)"
		l2_hmp src migrate_cancel
		sleep 1
		i=$(sriov_replies src)
		sleep "$SRIOV_SETTLE"
		l2_record resumed "$(($(sriov_replies src) - i))"
		l2_record src_runstate "$(sriov_runstate src)"
		[ "$(sriov_stat src igb.restarted)" -gt "$reenabled" ] &&
			l2_record src_reenabled 1
		sriov_finish_guest src
		l2_stop_all
		dmesg >"$L2DIR/dmesg.txt"
		return 0
	fi
	[ "${SRIOV_DST_CHECKS:-1}" = 0 ] || sriov_dst_stream
	l2_record saving_tail_writes \
		"$(($(sriov_stat src igb.tail_writes) - $(l2_result idle_tail_writes)))"
	l2_mig_figures
	l2_record downtime_ms "$L2_DOWNTIME_MS"
	l2_record total_ms "$L2_TOTAL_MS"
	l2_record device_bytes "$L2_DEVICE_BYTES"
	l2_record syncs "$(sriov_mig_syncs)"
	if [ "${SRIOV_DST_CHECKS:-1}" = 0 ]; then
		# Until the destination VF was restored, or refused to be.
		for ((i = 0; i < 240; i++)); do
			[ $(($(sriov_stat dst nic_vf.restored) +
			     $(sriov_stat dst nic_vf.restore_failed))) -gt 0 ] && break
			sleep 0.25
		done
		l2_record admin "$(sriov_admin_of 1)"
		l2_stop_all
		dmesg >"$L2DIR/dmesg.txt"
		return 0
	fi

	l2_record admin "$(sriov_admin_of 1)"
	sriov_dst_probe "$SRIOV_PF.$SRIOV_VLAN"
	[ "$(sriov_stat dst igb.config_verified)" -gt 0 ] && l2_record verified 1
	[ "$(sriov_stat dst igb.reset_told)" -gt 0 ] && l2_record restored 1
	[ "$(sriov_stat dst igb.resumed)" -gt 0 ] && l2_record vf_resumed 1
	l2_stop_all
	dmesg >"$L2DIR/dmesg.txt"
	return 0
}

# sriov_dst_stream: right after a completed migration, the stream from
# the destination for SRIOV_SETTLE seconds, left alone: on the one-CPU
# test guest this script's own polling would take the CPU from the L2
# guest's first moments on the destination and lengthen the gap being
# measured (NOTES.md, 2026-12-05).  Then at least one reply from there,
# within 60 s.
sriov_dst_stream() {
	sleep "$SRIOV_SETTLE"
	l2_wait "$L2DIR/dst-serial.log" 'seq=' 60 dst
}

# sriov_dst_probe <PF side's VLAN interface> [netns]: after
# sriov_dst_stream, the guest's own settings seen from the PF side (in
# that namespace): a frame larger than the default needs the guest's
# largest-frame setting, a ping to the group needs its multicast list
# (results jumbo, mcast); then the guest's checks (sriov_finish_guest) and
# the stream's figures (gap).
sriov_dst_probe() {
	local pfside=()
	[ -n "${2:-}" ] && pfside=(ip netns exec "$2")
	"${pfside[@]}" ping -c 2 -W 3 -s $((SRIOV_MTU - 100)) -M do "$SRIOV_GUEST_IP" \
		>"$L2DIR/jumbo.log" 2>&1 && l2_record jumbo 1
	"${pfside[@]}" ping -c 3 -W 3 -I "$1" "$SRIOV_GROUP" >"$L2DIR/mcast.log" 2>&1
	grep -q "from $SRIOV_GUEST_IP" "$L2DIR/mcast.log" && l2_record mcast 1
	sriov_finish_guest dst
	sriov_record_gap
}

# The stream's figures across the migration (result gap, see sriov_gap).
sriov_record_gap() {
	l2_record gap "$(python3 "$VMT_TOP/tools/testing/e2e/stream-gap.py" \
		"$L2DIR/src-serial.log" "$L2DIR/dst-serial.log")"
}

# sriov_migrate_nodev <v1|v2> <run> [emul]: the benchmarks' baseline, the
# same L2 guest (initramfs, command line, memory, QEMU) in VMs without any
# device, migrated the same way after the same settling time.  With emul
# the VMs have an emulated NIC instead (virtio-net on the namespaces' taps,
# sriov_emul_net_setup) and the guest streams its pings to
# SRIOV_EMUL_PEER: the gap a guest feels with no VF at all.  Results:
# l2_result.
sriov_migrate_nodev() {
	local client=$1 run=$2 append nic=()
	L2DIR=${VMT_DIR:-/tmp}/l2-sriov-$run
	rm -rf "$L2DIR"
	sriov_reset_results
	sriov_client "$client"
	if [ "${3:-}" = emul ]; then
		# net-guest.sh takes the last l2ip= and l2peer=.
		append="$L2_APPEND l2ip=$SRIOV_EMUL_GUEST/24 l2peer=$SRIOV_EMUL_PEER"
		nic=(-netdev "tap,id=emul,ifname=$SRIOV_EMUL_TAP,script=no,downscript=no"
		     -device "virtio-net-pci,netdev=emul,mac=$SRIOV_EMUL_MAC")
	else
		append="$L2_APPEND l2nodev"
	fi
	L2_APPEND=$append l2_start src l2src none "${nic[@]}"
	if ! l2_wait "$L2DIR/src-serial.log" 'NET-READY|NET-FAIL' 240 src ||
	   grep -aq NET-FAIL "$L2DIR/src-serial.log"; then
		l2_record status "source guest not ready"
		l2_stop_all
		return 1
	fi
	sleep "$SRIOV_SETTLE"
	L2_APPEND=$append l2_start dst l2dst none "${nic[@]}" -incoming "tcp:10.99.0.2:$L2_MIG_PORT"
	if ! l2_wait_listen; then
		l2_record status "destination not listening"
		l2_stop_all
		return 1
	fi
	l2_yield_cpu on
	l2_hmp src "migrate -d tcp:10.99.0.2:$L2_MIG_PORT"
	l2_record status "$(l2_mig_wait "$SRIOV_TIMEOUT")"
	if [ "$(l2_result status)" = completed ]; then
		[ ${#nic[@]} -eq 0 ] || sriov_dst_stream
		l2_mig_figures
		l2_record downtime_ms "$L2_DOWNTIME_MS"
		l2_record total_ms "$L2_TOTAL_MS"
		sriov_finish_guest dst
		[ ${#nic[@]} -eq 0 ] || sriov_record_gap
	fi
	l2_yield_cpu off
	l2_stop_all
	return 0
}

# The emulated NIC's network (sriov_migrate_nodev ... emul): in each host's
# namespace a bridge joins the VM's tap to a veth whose other end is a port
# of a bridge here, which holds SRIOV_EMUL_PEER.  After the namespaces
# (l2_netns_setup); sriov_emul_net_teardown removes what stays here.
SRIOV_EMUL_PEER=10.78.0.1
SRIOV_EMUL_GUEST=10.78.0.2
SRIOV_EMUL_MAC=02:00:00:00:00:20
SRIOV_EMUL_TAP=l2emul-tap
sriov_emul_net_setup() {
	local r
	modprobe -a tun veth bridge || return 1
	ip link add l2emul type bridge &&
	ip addr add "$SRIOV_EMUL_PEER/24" dev l2emul &&
	ip link set l2emul up || return 1
	for r in src dst; do
		ip link add "l2emul-$r" type veth peer name l2emul-up netns "l2$r" &&
		ip link set "l2emul-$r" master l2emul up &&
		ip -n "l2$r" link add l2emul type bridge &&
		ip -n "l2$r" tuntap add "$SRIOV_EMUL_TAP" mode tap &&
		ip -n "l2$r" link set l2emul-up master l2emul up &&
		ip -n "l2$r" link set "$SRIOV_EMUL_TAP" master l2emul up &&
		ip -n "l2$r" link set l2emul up || return 1
	done
}
sriov_emul_net_teardown() {
	ip link del l2emul-src 2>/dev/null
	ip link del l2emul-dst 2>/dev/null
	ip link del l2emul 2>/dev/null
	return 0
}

# A figure of the stream, e.g. sriov_gap gap_ms.
sriov_gap() {
	tr ' ' '\n' <<<"$(l2_result gap)" | sed -n "s/^$1=//p"
}

sriov_report() {
	{
		echo "$1: QEMU status $(l2_result status), L2 accel $L2ACCEL_NAME, total $(l2_result total_ms ?) ms, downtime $(l2_result downtime_ms ?) ms, dirty syncs $(l2_result syncs ?), device state $(l2_result device_bytes ?) bytes"
		echo "$1: stream $(l2_result gap)"
		echo "$1: VF 1 after migration: $(l2_result admin ?); the guest's link changes: $(l2_result link_changes ?)"
		[ -n "${L2_GONE:-}" ] &&
			echo "$1: L2 QEMU that had exited by itself (role:status): $L2_GONE"
		[ "$(l2_result src_resets 0)" -gt 0 ] &&
			echo "$1: attempts whose source guest reset itself (lines above): $(l2_result src_resets)"
		[ -n "$(l2_result paused)" ] &&
			echo "$1: source paused then continued: $(l2_result paused) replies while paused, $(l2_result continued) after"
		[ -n "$(l2_result src_runstate)" ] &&
			echo "$1: source VM $(l2_result src_runstate) after the failure, queues re-enabled after a stop: $(l2_result src_reenabled)"
		l2_result checks
	} | tap_diag
}

# After a failed migration whose source did not run on: what the
# destination said, the source's last console lines and the VFs' kernel
# lines.
sriov_diag_failed_source() {
	[ "$(l2_result resumed 0)" -ge 10 ] && [ "$(l2_result guest_ok)" = 1 ] && return 0
	{
		echo "source QEMU said:"
		tail -n 5 "$L2DIR/src-qemu.log"
		echo "destination QEMU said:"
		tail -n 5 "$L2DIR/dst-qemu.log"
		echo "source console, last lines:"
		tail -n 15 "$L2DIR/src-serial.log"
		echo "kernel lines of the VFs:"
		grep -a -e igb_vf_migration -e vfio "$L2DIR/dmesg.txt" | tail -n 20
	} | tap_diag
}
