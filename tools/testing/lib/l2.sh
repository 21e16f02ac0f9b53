# SPDX-License-Identifier: GPL-2.0-only
#
# Nested (L2) QEMU guests for the live-migration runs, sourced by the e2e
# scripts inside the test guest.  Each L2 QEMU runs in a network namespace,
# with its serial console and HMP monitor on FIFO pairs
# ($L2DIR/<role>-{ser,mon}.{in,out}) that are read into logs in the
# background.  Nothing here ever blocks on a dead QEMU: writes to a FIFO
# and every wait have timeouts.  Logs go to the run's folder (kept on the
# host); FIFOs live in tmpfs (9p cannot hold them).
#
# What l2_start boots can be changed through the environment (the defaults
# are the edu guest of the qemu-e2e suite):
#   L2QEMU        the L2 QEMU command (words split; default Debian's 7.2)
#   L2_MEM        guest memory (128M)
#   L2_INITRD     initramfs ($OUT/l2-initramfs.gz)
#   L2_APPEND     kernel command line (the edu guest's)
#   L2_VFIO_OPTS  options of the assigned vfio-pci device after host=
#                 (x-enable-migration=on, which QEMU 7.2 needs)
#   L2_SERIAL_TS  1: prefix each serial console line with the L1 time it
#                 arrived ($EPOCHREALTIME, seconds), for timing the guest
#   L2_QEMU_MORE  more QEMU options for both ends (words split), e.g.
#                 the benchmarks' trace of QEMU's downtime checkpoints
#   L2_HUGEPAGES  1: guest memory on 2 MiB huge pages, which the caller
#                 reserved first (l2_hugepages_reserve)

L2DIR=${L2DIR:-${VMT_DIR:-/tmp}/l2}
L2FIFO=${L2FIFO:-/tmp/l2fifo}
L2QEMU=${L2QEMU:-qemu-system-x86_64}
L2_MIG_PORT=4444
# Every port I/O exit of a nested guest costs milliseconds under TCG:
# pci=noearly skips the early PCI scans for an AGP aperture (20 s of the
# boot), quiet the kernel's lines on the emulated UART (another 20 s).
L2_EDU_APPEND="console=ttyS0 quiet pci=noearly iomem=relaxed mem=112M l2prog=edu_guest panic=-1"
declare -A L2PID
L2READERS=()

# A run's results, kept as files in its folder beside its logs (the suites
# read them after the run; e2e.sh and sriov.sh name theirs):
# l2_record <name> <value> records one, l2_result <name> [default] reads it
# (the default when the run did not record it), l2_results_clear forgets
# them before a new run.
l2_record() {
	mkdir -p "$L2DIR/result"
	printf '%s\n' "$2" >"$L2DIR/result/$1"
}
l2_result() {
	if [ -e "$L2DIR/result/$1" ]; then
		cat "$L2DIR/result/$1"
	else
		printf '%s' "${2-}"
	fi
}
l2_results_clear() {
	rm -rf "$L2DIR/result"
}

# Two namespaces joined by veth: source 10.99.0.1, destination 10.99.0.2.
l2_netns_setup() {
	ip netns add l2src && ip netns add l2dst &&
	ip link add l2veth-s netns l2src type veth peer name l2veth-d netns l2dst &&
	ip -n l2src addr add 10.99.0.1/24 dev l2veth-s &&
	ip -n l2dst addr add 10.99.0.2/24 dev l2veth-d &&
	ip -n l2src link set l2veth-s up && ip -n l2dst link set l2veth-d up &&
	ip -n l2src link set lo up && ip -n l2dst link set lo up
}

l2_netns_teardown() {
	ip netns del l2src 2>/dev/null
	ip netns del l2dst 2>/dev/null
}

# kvm_amd when the CPU model offers SVM, else TCG.
l2_accel() {
	if modprobe kvm_amd 2>/dev/null && [ -c /dev/kvm ]; then
		L2ACCEL=(-accel kvm -cpu host)
		L2ACCEL_NAME=kvm
	else
		L2ACCEL=(-accel tcg -cpu max)
		L2ACCEL_NAME=tcg
	fi
}

# Copy a serial console FIFO to a log, each line stamped with L1's time.
# Buffered reads: a shell loop reads a pipe a byte at a time, which under
# TCG is slow enough to hold up the guest's console and so its boot.
l2_ts_reader() {
	exec perl -MTime::HiRes=time -ne \
		'BEGIN { $| = 1 } s/\r?\n$//; printf "%.6f %s\n", time, $_'
}

# l2_start <role> <netns> <bdf> [qemu args...]: start an L2 QEMU in the
# background with the device <bdf> assigned (see the environment above);
# <bdf> none: no device assigned.
l2_start() {
	local role=$1 ns=$2 bdf=$3 qemu dev=() mem=()
	shift 3
	[ "$bdf" = none ] ||
		dev=(-device "vfio-pci,host=$bdf,${L2_VFIO_OPTS:-x-enable-migration=on}")
	[ "${L2_HUGEPAGES:-0}" = 1 ] &&
		mem=(-object "memory-backend-memfd,id=l2mem,size=${L2_MEM:-128M},hugetlb=on,hugetlbsize=2M"
		     -machine memory-backend=l2mem)
	read -ra qemu <<<"$L2QEMU ${L2_QEMU_MORE:-}"
	l2_fifos "$role"
	ulimit -l unlimited
	ip netns exec "$ns" "${qemu[@]}" -name "$role" "${L2ACCEL[@]}" \
		-m "${L2_MEM:-128M}" -nodefaults -display none -no-reboot \
		-kernel "${L2_KIMAGE:-${KIMAGE:-/boot/vmlinuz-$KVER}}" -initrd "${L2_INITRD:-$OUT/l2-initramfs.gz}" \
		-append "${L2_APPEND:-$L2_EDU_APPEND}" \
		-chardev "pipe,id=ser,path=$L2FIFO/$role-ser" -serial chardev:ser \
		-chardev "pipe,id=mon,path=$L2FIFO/$role-mon" -mon chardev=mon,mode=readline \
		"${mem[@]}" "${dev[@]}" "$@" >"$L2DIR/$role-qemu.log" 2>&1 &
	L2PID[$role]=$!
	tap_phase "L2 $role: boot started"
}

# l2_hugepages_reserve [size]: at least enough free 2 MiB huge pages for
# an L2 guest of L2_MEM or <size> (MiB, or with an M or G suffix) beside
# those already in use; fails when the kernel could not find them (memory
# too fragmented).  A data path
# measured on an igb VF needs them: QEMU's emulated 82576 drops a frame
# whose transmit buffer spans two 4 KiB pages that the test guest's IOMMU
# maps to memory that is not contiguous, and TCP then resends that frame
# for ever (the igb_vf_migration guide, its measured costs).
l2_hugepages_reserve() {
	local mib=${1:-${L2_MEM:-128M}} sys=/proc/sys/vm/nr_hugepages need have
	case $mib in
	*G) mib=$((${mib%G} * 1024)) ;;
	*M) mib=${mib%M} ;;
	esac
	need=$(( (mib + 1) / 2 ))
	have=$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)
	[ "$have" -ge "$need" ] && return 0
	echo $(($(cat "$sys") + need - have)) >"$sys"
	have=$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)
	[ "$have" -ge "$need" ] ||
		{ echo "l2_hugepages_reserve: $have of $need huge pages free"; return 1; }
}

# l2_yield_cpu on|off: while on, this script and whatever it starts from
# then on run at a low CPU priority (nice 10: about a tenth of the CPU
# against one busy QEMU thread, so its waits still move).  On the one-CPU
# test guest a migration's switch-over and the guest's first moments on
# the destination are what the runs time; the script's own polling (a few
# processes a second, ~15 ms each under TCG) must not take the CPU from
# them.  The L2 QEMUs and the FIFO readers, started before, keep theirs.
l2_yield_cpu() {
	local nice=0
	[ "$1" = on ] && nice=10
	# An absolute value: newer util-linux reads -n as an increment.
	renice --priority "$nice" -p "$BASHPID" >/dev/null
}

# l2_fifos <role>: the role's serial console and monitor FIFO pairs, each
# output copied to its log in the background.
l2_fifos() {
	local role=$1 f
	mkdir -p "$L2DIR" "$L2FIFO"
	for f in ser mon; do
		rm -f "$L2FIFO/$role-$f.in" "$L2FIFO/$role-$f.out"
		mkfifo "$L2FIFO/$role-$f.in" "$L2FIFO/$role-$f.out"
	done
	: >"$L2DIR/$role-serial.log"
	: >"$L2DIR/$role-mon.log"
	# Readers first, so QEMU's writes never fill a FIFO; drop the CRs.
	if [ "${L2_SERIAL_TS:-0}" = 1 ]; then
		l2_ts_reader <"$L2FIFO/$role-ser.out" >>"$L2DIR/$role-serial.log" &
		L2READERS+=($!)
	else
		sed -u 's/\r$//' "$L2FIFO/$role-ser.out" >>"$L2DIR/$role-serial.log" &
	fi
	sed -u 's/\r$//' "$L2FIFO/$role-mon.out" >>"$L2DIR/$role-mon.log" &
}

l2_alive() {
	kill -0 "${L2PID[$1]}" 2>/dev/null
}

# l2_diag_silent <role>: why a running guest printed nothing, as "# "
# lines: its run state and instruction pointer (its monitor), and where
# each thread of its QEMU is in the test guest's kernel (a vCPU thread
# stuck in a driver shows there).
l2_diag_silent() {
	local role=$1 pid t
	l2_alive "$role" || return 0
	pid=${L2PID[$role]}
	l2_ask "$role" "info status" '^VM status'
	l2_ask "$role" "info registers" '^RIP='
	{
		echo "$role guest silent: $(grep -a 'VM status' "$L2DIR/$role-mon.log" | tail -n1)"
		grep -a '^RIP=' "$L2DIR/$role-mon.log" | tail -n1
		for t in /proc/"$pid"/task/*; do
			echo "$role QEMU thread $(cat "$t/comm" 2>/dev/null):" \
				"$(sed 's/.*) //; s/ .*//' "$t/stat" 2>/dev/null)" \
				"$(cat "$t/wchan" 2>/dev/null)" \
				"$(head -n 4 "$t/stack" 2>/dev/null | awk '{printf "%s ", $2}')"
		done
	} | tap_diag
}

# Send a line to a role's monitor or serial console, never blocking long.
l2_hmp() {
	timeout 5 bash -c 'echo "$1" >"$2"' _ "$2" "$L2FIFO/$1-mon.in"
}

# l2_ask <role> <command> <regex> [seconds]: send a monitor command and
# wait (10 s by default) for its answer: one more line matching <regex> in
# the role's monitor log.  Fails if none came or QEMU is gone.
l2_ask() {
	local role=$1 re=$3 secs=${4:-10} log=$L2DIR/$1-mon.log n i
	n=$(grep -acE "$re" "$log" 2>/dev/null)
	l2_hmp "$role" "$2" || return 1
	for ((i = 0; i < secs * 10; i++)); do
		[ "$(grep -acE "$re" "$log" 2>/dev/null)" -gt "${n:-0}" ] && return 0
		l2_alive "$role" || return 1
		sleep 0.1
	done
	return 1
}

# l2_exits <role> <seconds>: wait until the role's QEMU has exited.
l2_exits() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		l2_alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

l2_console() {
	timeout 5 bash -c 'echo "$1" >"$2"' _ "$2" "$L2FIFO/$1-ser.in"
}

# l2_wait <file> <regex> <seconds> [role]: wait for a line; fail early if
# the role's QEMU died.
l2_wait() {
	local file=$1 re=$2 secs=$3 role=${4:-} i
	for ((i = 0; i < secs * 4; i++)); do
		grep -aEq "$re" "$file" 2>/dev/null && return 0
		if [ -n "$role" ] && ! l2_alive "$role"; then
			grep -aEq "$re" "$file" 2>/dev/null && return 0
			return 2
		fi
		sleep 0.25
	done
	return 1
}

# Wait for the destination to listen for the incoming migration.
# l2_wait_listen [namespace role]: the destination (default: l2dst, dst).
l2_wait_listen() {
	local ns=${1:-l2dst} role=${2:-dst} i
	for ((i = 0; i < 120; i++)); do
		ip netns exec "$ns" ss -ltn 2>/dev/null | grep -q ":$L2_MIG_PORT " &&
			return 0
		l2_alive "$role" || return 2
		sleep 0.5
	done
	return 1
}

# l2_corrupt_proxy <port> <offset>: in the destination's namespace, listen
# on <port> and forward one migration to the destination's port, flipping
# the byte <offset> bytes after the device-state stream's magic (see
# corrupt-proxy.py); wait until it listens.  Its log is $L2DIR/proxy.log.
l2_corrupt_proxy() {
	local port=$1 offset=$2 i
	ip netns exec l2dst python3 "$VMT_TOP/tools/testing/e2e/corrupt-proxy.py" \
		10.99.0.2 "$port" 10.99.0.2 "$L2_MIG_PORT" "$offset" \
		>"$L2DIR/proxy.log" 2>&1 &
	# Python starts slowly over 9p under TCG.
	for ((i = 0; i < 120; i++)); do
		ip netns exec l2dst ss -ltn | grep -q ":$port " && return 0
		sleep 0.5
	done
	return 1
}

# Latest "Migration status" a migrating role's monitor reported (src).
l2_mig_status() {
	grep -a 'Migration status:' "$L2DIR/${1:-src}-mon.log" | tail -n1 | awk '{print $3}'
}

# l2_mig_wait <seconds> [role]: poll the migrating role's (src) "info
# migrate" until the status is final; prints it.
l2_mig_wait() {
	local end=$((SECONDS + $1)) role=${2:-src} st
	while [ $SECONDS -lt $end ]; do
		l2_ask "$role" "info migrate" 'Migration status:' ||
			l2_alive "$role" || break
		st=$(l2_mig_status "$role")
		case $st in
		completed|failed|cancelled) echo "$st"; return 0 ;;
		esac
		sleep 1	# the poll's period
	done
	echo "${st:-unknown}"
	return 1
}

# A figure from the last "info migrate" answer, e.g. "downtime" -> ms.
l2_mig_figure() {
	grep -a "^$1:" "$L2DIR/src-mon.log" | tail -n1 | awk '{print $2}'
}

# After a completed migration: L2_DOWNTIME_MS and L2_TOTAL_MS as the source
# reports them (its first answer may still lack them), and L2_DEVICE_BYTES,
# the device-state size vfio-pci logged.
l2_mig_figures() {
	local i
	for i in 1 2 3; do
		l2_ask src "info migrate" 'Migration status:'
		L2_DOWNTIME_MS=$(l2_mig_figure downtime)
		[ -n "$L2_DOWNTIME_MS" ] && [ "$L2_DOWNTIME_MS" != 0 ] && break
	done
	L2_TOTAL_MS=$(grep -a '^total time:' "$L2DIR/src-mon.log" | tail -n1 | awk '{print $3}')
	L2_DEVICE_BYTES=$(dmesg | sed -n 's/.*migration: device state saved, \([0-9]*\) bytes.*/\1/p' | tail -n1)
}

# Stop every L2 QEMU still running and its FIFO readers.
# Quit one role's QEMU (a source whose guest has moved on) and forget it.
l2_quit() {
	local role=$1
	l2_alive "$role" && l2_hmp "$role" quit
	l2_exits "$role" 10
	kill -9 "${L2PID[$role]}" 2>/dev/null
	wait "${L2PID[$role]}" 2>/dev/null
	unset 'L2PID[$role]'
}

# A QEMU that had exited by itself before is named in L2_GONE with its exit
# status ("src:135" is a SIGBUS), and its status is kept in
# $L2DIR/<role>-exit.
l2_stop_all() {
	local role f st
	local -A gone=()
	for role in "${!L2PID[@]}"; do
		if l2_alive "$role"; then
			l2_hmp "$role" quit
		else
			gone[$role]=1
		fi
	done
	L2_GONE=
	for role in "${!L2PID[@]}"; do
		if ! l2_exits "$role" 1; then
			kill "${L2PID[$role]}" 2>/dev/null
			l2_exits "$role" 1 || kill -9 "${L2PID[$role]}" 2>/dev/null
		fi
		wait "${L2PID[$role]}" 2>/dev/null
		st=$?
		if [ -n "${gone[$role]:-}" ]; then
			L2_GONE+="${L2_GONE:+ }$role:$st"
			echo "exited by itself with status $st" >"$L2DIR/$role-exit"
		fi
	done
	L2PID=()
	pkill -f "sed -u s/.*$L2FIFO/" 2>/dev/null
	for f in "${L2READERS[@]}"; do
		kill "$f" 2>/dev/null
	done
	L2READERS=()
}
