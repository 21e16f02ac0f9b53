#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The nested (L2) guest's program of the sriov-e2e suite (busybox only; the
# in-tree igbvf driver is loaded by the L2 init).  Configures the VF's
# interface with the guest's own settings (an MTU, an address, a joined
# multicast group), then pings the PF side every l2interval seconds, each
# reply printed on the console, until "GO" arrives on the console; then
# prints its checks and the ping statistics.
#
# Kernel command line: l2ip=ADDR/LEN l2peer=ADDR l2mtu=N l2mcast=GROUP
#                      l2interval=SECS l2bulk=SINK_PORT,SOURCE_PORT
# l2interval=0 sends no stream; l2bulk serves the data-path benchmark's
# TCP connections (l2_bulk).
#
# Console lines: NET-READY <if> <mac> when the stream starts, the ping
# replies, then NET-LINK-CHANGES <carrier changes since NET-READY>,
# NET-CHECK <what> ok|bad <detail> and NET-DONE <failures>.
# With l2nodev on the command line (a VM without the VF, the benchmarks'
# baseline) only NET-READY none, and NET-DONE 0 after GO.
ip=10.77.0.2/24
peer=10.77.0.1
mtu=
group=
interval=0.05
bulk=
for arg in $(cat /proc/cmdline); do
	case $arg in
	l2ip=*) ip=${arg#l2ip=} ;;
	l2peer=*) peer=${arg#l2peer=} ;;
	l2mtu=*) mtu=${arg#l2mtu=} ;;
	l2mcast=*) group=${arg#l2mcast=} ;;
	l2interval=*) interval=${arg#l2interval=} ;;
	l2bulk=*) bulk=${arg#l2bulk=} ;;
	esac
done

ip link set lo up
# l2nodev: the benchmarks' baseline, the same guest without any device.
if grep -qw l2nodev /proc/cmdline; then
	echo "NET-READY none"
	while read -r cmd; do
		[ "$cmd" = GO ] && break
	done
	echo "NET-DONE 0"
	exit 0
fi
dev=
for d in /sys/class/net/*; do
	[ "${d##*/}" = lo ] || { dev=${d##*/}; break; }
done
if [ -z "$dev" ]; then
	echo "NET-FAIL no network interface"
	exit 1
fi
[ -n "$mtu" ] && ip link set "$dev" mtu "$mtu"
ip addr add "$ip" dev "$dev"
ip link set "$dev" up
# Answer pings sent to a joined multicast group.
echo 0 >/proc/sys/net/ipv4/icmp_echo_ignore_broadcasts
[ -n "$group" ] && l2_mcast "$group" "$dev" &
[ -n "$bulk" ] && l2_bulk "${bulk%,*}" "${bulk#*,}" &

i=0
until ping -c 1 -W 2 "$peer" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -ge 30 ]; then
		echo "NET-FAIL $peer unreachable from $dev"
		ip addr
		exit 1
	fi
done
echo "NET-READY $dev $(cat "/sys/class/net/$dev/address") mtu $(cat "/sys/class/net/$dev/mtu")"

# Link changes the guest's driver goes through from here on (a migration
# that resumes the VF has none).
changes0=$(cat "/sys/class/net/$dev/carrier_changes")
pinger=
if [ "$interval" != 0 ]; then
	ping -i "$interval" "$peer" &
	pinger=$!
fi
while read -r cmd; do
	[ "$cmd" = GO ] && break
done
if [ -n "$pinger" ]; then
	kill -INT "$pinger"
	wait "$pinger"
fi
echo "NET-LINK-CHANGES $(($(cat "/sys/class/net/$dev/carrier_changes") - changes0))"

fails=0
check() {
	if [ "$2" = ok ]; then
		echo "NET-CHECK $1 ok $3"
	else
		echo "NET-CHECK $1 bad $3"
		fails=$((fails + 1))
	fi
}
cur=$(cat "/sys/class/net/$dev/mtu")
[ -z "$mtu" ] || [ "$cur" = "$mtu" ] && r=ok || r=bad
check mtu "$r" "$cur"
if [ -n "$group" ]; then
	# The group's link-layer address, as /proc/net/dev_mcast lists it.
	hw=$(echo "$group" | awk -F. '{ printf "01005e%02x%02x%02x", $2 % 128, $3, $4 }')
	grep -q "$dev .*$hw" /proc/net/dev_mcast && r=ok || r=bad
	check mcast-joined "$r" "$group $hw"
fi
[ "$(cat "/sys/class/net/$dev/carrier")" = 1 ] && r=ok || r=bad
check carrier "$r" "$(cat "/sys/class/net/$dev/operstate")"
echo "NET-DONE $fails"
