#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The data-path benchmark's measuring tools, without a guest: bulk.py
# against l2_bulk over loopback, both ways and when the guest end fails,
# and the round-trip figures datapath.sh takes from a ping log.
# Prints "ok - datapath: ..." / "not ok - datapath: ..." lines.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
bulk=$top/tools/testing/bench/bulk.py
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; pkill -f "$work/l2_bulk"; rm -rf "$work"' EXIT
failed=0

check() {
	if [ "$2" = 0 ]; then
		echo "ok - datapath: $1"
	else
		echo "not ok - datapath: $1"
		failed=1
	fi
}

# Free ports, from the kernel.
mapfile -t ports < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s:
    x.bind(("127.0.0.1", 0))
for x in s:
    print(x.getsockname()[1])')
sink=${ports[0]} source=${ports[1]} closer=${ports[2]}

cc -O2 -Wall -Wextra -Werror -o "$work/l2_bulk" "$top/tools/testing/e2e/l2_bulk.c" ||
	{ check "l2_bulk builds" 1; exit 1; }
"$work/l2_bulk" "$sink" "$source" >"$work/l2_bulk.out" 2>&1 &
pids+=($!)
# A guest end that accepts and closes at once.
python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(4)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.close()' "$closer" >"$work/closer.out" 2>&1 &
pids+=($!)
for ((i = 0; i < 50; i++)); do
	grep -q L2-BULK "$work/l2_bulk.out" && grep -q listening "$work/closer.out" && break
	sleep 0.1
done

# "<bytes> <seconds> <rate>", rate = bytes / seconds (seconds rounded).
consistent() {
	awk '{ exit !(NF == 3 && $1 > 0 && $2 > 0 && ($3 * $2 / $1 - 1) ^ 2 < 0.0001) }' <<<"$1"
}

out=$(python3 "$bulk" tx 127.0.0.1 "$source" 0.5 2>&1)
rc=$?
check "tx: the guest's zeros counted for the time asked ($out)" \
	"$([ $rc = 0 ] && consistent "$out" &&
	   awk '{ exit !($2 >= 0.5 && $2 < 1.5) }' <<<"$out"; echo $?)"
out=$(python3 "$bulk" rx 127.0.0.1 "$sink" 0.5 2>&1)
rc=$?
check "rx: sent for the time asked, ended by the guest's close ($out)" \
	"$([ $rc = 0 ] && consistent "$out" &&
	   awk '{ exit !($2 >= 0.5) }' <<<"$out"; echo $?)"
out=$(python3 "$bulk" tx 127.0.0.1 "$source" 0.2 2>&1)
check "l2_bulk serves a second connection after the first closed ($out)" \
	"$(consistent "$out"; echo $?)"
out=$(python3 "$bulk" tx 127.0.0.1 "$closer" 0.5 2>&1)
rc=$?
check "tx: a guest that closes at once fails the measurement ($out)" \
	"$([ $rc = 1 ] && grep -q 'closed during the start' <<<"$out"; echo $?)"
# The sink's process ends; the source's (its child) serves on.
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null
out=$(python3 "$bulk" rx 127.0.0.1 "$sink" 0.5 2>&1)
rc=$?
check "rx: no guest listening fails the measurement ($out)" \
	"$([ $rc = 1 ] && grep -qi 'refused' <<<"$out"; echo $?)"
out=$(python3 "$bulk" up 127.0.0.1 "$sink" 0.5 2>&1)
check "an unknown direction is refused with the usage" \
	"$([ -n "$out" ] && grep -q usage <<<"$out"; echo $?)"

# datapath_rtt: 100 replies of 1..100 ms (shuffled) out of 103 sent.
# shellcheck source=/dev/null
. "$top/tools/testing/lib/datapath.sh"
for t in $(seq 1 100 | shuf); do
	echo "64 bytes from 10.77.0.2: icmp_seq=$t ttl=64 time=$t.000 ms"
done >"$work/ping.log"
echo "103 packets transmitted, 100 received, 2.9% packet loss" >>"$work/ping.log"
out=$(datapath_rtt "$work/ping.log" 103)
check "rtt: median 50 ms, 99th percentile 99 ms (nearest rank), 3 lost ($out)" \
	"$([ "$out" = "50000 99000 3" ]; echo $?)"
echo "64 bytes from 10.77.0.2: icmp_seq=1 ttl=64 time=0.250 ms" >"$work/one.log"
out=$(datapath_rtt "$work/one.log" 1)
check "rtt: one reply is its own median and percentile ($out)" \
	"$([ "$out" = "250 250 0" ]; echo $?)"
echo "2000 packets transmitted, 0 received, 100% packet loss" >"$work/none.log"
datapath_rtt "$work/none.log" 2000 >/dev/null
check "rtt: no reply at all fails" "$([ $? != 0 ]; echo $?)"
out="$(datapath_kbs 123456), $(datapath_kbs -)"
check "kbs: a transfer's rate in kB/s, a stalled one said so ($out)" \
	"$([ "$out" = "123 kB/s, stalled" ]; echo $?)"
exit "$failed"
