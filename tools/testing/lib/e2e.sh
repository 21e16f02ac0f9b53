# SPDX-License-Identifier: GPL-2.0-only
#
# One live migration of an L2 guest with an assigned edu device, by real
# QEMU, between network namespaces over TCP.  Sourced by the e2e suite, the
# demo and the benchmarks inside the test guest (needs guest.sh and
# l2.sh).
#
# e2e_prepare: bind the first two edu devices to vfio-pci with the
#   edu_migration sample (other edu samples blacklisted), set up namespaces.
# e2e_need_qemu10: QEMU10 set, or a not-ok line where QEMU 10.0 cannot run.
# e2e_qemu_blockers <device>...: QEMU's migration blockers for devices.
# e2e_migrate <mode>: boot the source L2 on edu 0, a destination listening
#   on edu 1, migrate, and leave results in E2E_* variables:
#   mode good      the real thing, QEMU's default migration parameters
#        nosample  destination device driven by plain default ops
#        corrupt   the device-state stream rewritten in transit
#        cancel    migration cancelled during pre-copy
#        roundtrip like good, then the destination migrates the guest
#                  back to a new source QEMU on edu 0 (role "back"; its
#                  status in the result back_status); the guest finishes there
#        any other name: like good (e.g. v2, upgrade), with
#   E2E_DST_QEMU, E2E_DST_VFIO_OPTS  the destination's QEMU and vfio-pci
#                  options, when they differ from the source's (L2QEMU...)
#   E2E_MACHINE    a machine type for both ends
#   E2E_CAPS       migration capabilities turned on at both ends before
#                  the migration starts (e.g. "return-path switchover-ack")
#   E2E_SRC_MORE, E2E_DST_MORE  more edu devices (addresses, space
#                  separated) assigned to the source and the destination VM
#                  after their first, in the same order on both ends
#   E2E_NODEV=1    the same guest program in VMs without any device (the
#                  benchmarks' baseline: the CPU writes what the transfers
#                  would; see edu_guest.c)
#   E2E_KEEP_SRC=1 a run that does not complete leaves the source running,
#                  its program unfinished, for the next run, which then
#                  boots no source of its own (result src_on: 1 when the
#                  source's program went on after the failure); runs that
#                  share a source share E2E_RUN_DIR (default l2-<mode>),
#                  each destination's logs kept as dst-<mode>-*.log
#   Its results, read with l2_result <name> [default] (l2.sh): status
#   (QEMU's final status), total_ms, downtime_ms, device_bytes, dmas
#   (transfers the guest completed), checks (the guest's check lines),
#   where (src|dst|back: where the guest program finished), guest_ok (1
#   when all its checks passed), back_status, src_on.

E2E_TIMEOUT=${E2E_TIMEOUT:-300}

# e2e_stat <src|dst> <counter>: how much a counter of edu 0 (src) or edu 1
# (dst) grew since the last e2e_migrate began (vfio-pci's debugfs stats).
e2e_stat() {
	local dev=${E2E_EDU[0]}
	[ "$1" = dst ] && dev=${E2E_EDU[1]}
	stats_dump "$dev" >"$L2DIR/stats-now-$1"
	stats_delta "$L2DIR/stats-before-$1" "$L2DIR/stats-now-$1" "$2"
}

e2e_prepare() {
	local bdf
	module_only_edu_sample edu_migration
	modprobe vfio-pci || return 1
	mapfile -t E2E_EDU < <(pci_edu_devices)
	[ ${#E2E_EDU[@]} -ge 2 ] || return 1
	for bdf in "${E2E_EDU[@]:0:2}"; do
		vfio_bind "$bdf" || return 1
	done
	l2_netns_setup || return 1
	l2_accel
}

# Rebind a device, choosing whether a vendor driver may take it.
e2e_rebind() {
	local bdf=$1 policy=$2
	echo "$policy" >/sys/module/vfio_pci/parameters/vendor_drivers
	vfio_unbind "$bdf"
	vfio_bind "$bdf"
	echo auto >/sys/module/vfio_pci/parameters/vendor_drivers
}

# The guest program finishes where "GO" is sent; collect its verdict.
e2e_finish_guest() {
	local role=$1 log
	log=$L2DIR/$role-serial.log
	l2_console "$role" GO
	if ! l2_wait "$log" '^EDU-DONE ' 120 "$role"; then
		l2_diag_silent "$role"
		l2_record checks "no EDU-DONE from the $role guest"
		l2_record guest_ok 0
		return 1
	fi
	l2_record where "$role"
	l2_record checks "$(grep -a '^EDU-CHECK\|^EDU-MISS' "$log")"
	l2_record dmas "$(grep -a '^EDU-DONE ' "$log" | awk '{print $3}')"
	if [ "$(grep -a '^EDU-DONE ' "$log" | awk '{print $2}')" = 0 ]; then
		l2_record guest_ok 1
	else
		l2_record guest_ok 0
	fi
}

# e2e_progress_grows <command> <n> <seconds>: wait until the number the
# command prints has grown by n (a guest's progress); fails if it did not
# in time.
e2e_progress_grows() {
	local before end=$((SECONDS + $3))
	before=$("$1")
	while [ $SECONDS -lt $end ]; do
		[ "$("$1")" -ge $((before + $2)) ] && return 0
		sleep 0.5	# the guest's next lines
	done
	return 1
}

# The source's latest EDU-PROGRESS count (its transfers so far).
e2e_src_progress() {
	grep -a '^EDU-PROGRESS ' "$L2DIR/src-serial.log" | tail -n1 | awk '{ print $2 + 0 }'
}

e2e_migrate() {
	local mode=$1 port=$L2_MIG_PORT st i reuse=0 before
	L2_GONE=
	# A source a failed run kept: reused, with its folder.
	if [ "${E2E_KEPT:-0}" = 1 ] && l2_alive src; then
		reuse=1
	fi
	E2E_KEPT=0
	# Each run keeps its own logs (in the run's folder on the host).
	L2DIR=${E2E_RUN_DIR:-${VMT_DIR:-/tmp}/l2-$mode}
	[ $reuse = 1 ] || rm -rf "$L2DIR"
	l2_results_clear
	l2_record status none
	l2_record dmas 0
	l2_record guest_ok 0
	dmesg -C

	[ "$mode" = nosample ] && e2e_rebind "${E2E_EDU[1]}" off
	mkdir -p "$L2DIR"
	stats_dump "${E2E_EDU[0]}" >"$L2DIR/stats-before-src"
	stats_dump "${E2E_EDU[1]}" >"$L2DIR/stats-before-dst"
	local machine=() src_more=() dst_more=() b cap
	local src_dev=${E2E_EDU[0]} dst_dev=${E2E_EDU[1]}
	local append=${L2_APPEND:-$L2_EDU_APPEND}
	if [ "${E2E_NODEV:-0}" = 1 ]; then
		src_dev=none dst_dev=none append="$append l2nodev"
	fi
	[ -n "${E2E_MACHINE:-}" ] && machine=(-machine "$E2E_MACHINE")
	for b in ${E2E_SRC_MORE:-}; do
		src_more+=(-device "vfio-pci,host=$b,${L2_VFIO_OPTS:-x-enable-migration=on}")
	done
	for b in ${E2E_DST_MORE:-}; do
		dst_more+=(-device "vfio-pci,host=$b,${E2E_DST_VFIO_OPTS:-${L2_VFIO_OPTS:-x-enable-migration=on}}")
	done
	# A nested guest under TCG occasionally stalls while booting: one
	# retry, said out loud.
	for i in 1 2; do
		[ $reuse = 1 ] && break
		L2_APPEND=$append \
			l2_start src l2src "$src_dev" "${machine[@]}" "${src_more[@]}"
		l2_wait "$L2DIR/src-serial.log" '^EDU-READY' 150 src && break
		# The console is quiet: where the vCPU is says more.
		l2_ask src "info registers" '^RIP='
		{
			echo "L2 source guest not ready (attempt $i): $(tail -n1 "$L2DIR/src-serial.log")"
			grep -a -m1 '^RIP=' "$L2DIR/src-mon.log"
		} | tap_diag
		l2_stop_all
		mv "$L2DIR/src-serial.log" "$L2DIR/src-serial.attempt$i.log"
		i=fail
	done
	if [ "$i" = fail ]; then
		l2_record status "source guest not ready"
		return 1
	fi
	tap_phase "L2 src: ready (mode $mode)"
	L2QEMU=${E2E_DST_QEMU:-${L2QEMU:-}} \
	L2_VFIO_OPTS=${E2E_DST_VFIO_OPTS:-${L2_VFIO_OPTS:-}} L2_APPEND=$append \
		l2_start dst l2dst "$dst_dev" "${machine[@]}" "${dst_more[@]}" \
		-incoming "tcp:10.99.0.2:$L2_MIG_PORT"
	if ! l2_wait_listen; then
		l2_record status "destination not listening"
		return 1
	fi
	tap_phase "L2 dst: ready, listening (mode $mode)"

	if [ "$mode" = corrupt ]; then
		port=$((L2_MIG_PORT + 1))
		l2_corrupt_proxy "$port" 1000
	fi
	# Capabilities: the destination's first, seen set before the source
	# connects.
	for cap in ${E2E_CAPS:-}; do
		l2_hmp dst "migrate_set_capability $cap on"
		l2_hmp src "migrate_set_capability $cap on"
	done
	if [ -n "${E2E_CAPS:-}" ]; then
		l2_hmp dst "info migrate_capabilities"
		cap=${E2E_CAPS##* }
		if ! l2_wait "$L2DIR/dst-mon.log" "^$cap: on" 30 dst; then
			l2_record status "capability $cap not set on the destination"
			l2_stop_all
			return 1
		fi
	fi
	# Failure paths: let the source learn the destination's verdict.
	case $mode in
	nosample|corrupt|cancel)
		l2_hmp src "migrate_set_capability return-path on" ;;
	esac
	[ "$mode" = cancel ] && l2_hmp src "migrate_set_parameter max-bandwidth 1"
	tap_phase "migration $mode: started"
	l2_hmp src "migrate -d tcp:10.99.0.2:$port"
	if [ "$mode" = cancel ]; then
		sleep 3
		l2_hmp src migrate_cancel
	fi
	l2_record status "$(l2_mig_wait "$E2E_TIMEOUT")"
	tap_phase "migration $mode: ended, $(l2_result status)"

	if [ "$(l2_result status)" = completed ]; then
		l2_mig_figures
		l2_record downtime_ms "$L2_DOWNTIME_MS"
		l2_record total_ms "$L2_TOTAL_MS"
		l2_record device_bytes "$L2_DEVICE_BYTES"
		if [ "$mode" = roundtrip ]; then
			e2e_migrate_back
		else
			e2e_finish_guest dst
		fi
	else
		# Still running when we gave up: cancel, as an operator would.
		case $(l2_result status) in
		failed|cancelled) ;;
		*)
			l2_hmp src migrate_cancel
			l2_mig_wait 60 >/dev/null
			l2_record status "not-converged-in-${E2E_TIMEOUT}s"
			;;
		esac
		# Failed or cancelled: the source must run on with its device.
		if [ "${E2E_KEEP_SRC:-0}" = 1 ] && l2_alive src; then
			# Its program goes on: two more progress lines (40
			# transfers), then the next run takes it over.
			if e2e_progress_grows e2e_src_progress 40 60; then
				l2_record src_on 1
			else
				l2_record src_on 0
			fi
			l2_record where src
			l2_record dmas "$(e2e_src_progress)"
			l2_quit dst
			for f in "$L2DIR"/dst-*.log; do
				[ -e "$f" ] && mv "$f" "${f/\/dst-//dst-$mode-}"
			done
			E2E_KEPT=1
			[ "$mode" = nosample ] && e2e_rebind "${E2E_EDU[1]}" auto
			return 0
		fi
		sleep 2
		e2e_finish_guest src
	fi
	l2_stop_all
	[ "$mode" = nosample ] && e2e_rebind "${E2E_EDU[1]}" auto
	return 0
}

# The second leg of a round trip, from e2e_migrate (whose machine options
# it uses): the source QEMU quits, releasing edu 0, and a new one there
# takes the guest back from the destination.
e2e_migrate_back() {
	l2_quit src
	l2_start back l2src "${E2E_EDU[0]}" "${machine[@]}" \
		-incoming "tcp:10.99.0.1:$L2_MIG_PORT"
	if ! l2_wait_listen l2src back; then
		l2_record back_status "not listening"
		return 1
	fi
	tap_phase "L2 back: ready, listening"
	tap_phase "migration back: started"
	l2_hmp dst "migrate -d tcp:10.99.0.1:$L2_MIG_PORT"
	l2_record back_status "$(l2_mig_wait "$E2E_TIMEOUT" dst)"
	tap_phase "migration back: ended, $(l2_result back_status)"
	[ "$(l2_result back_status)" = completed ] && e2e_finish_guest back
}

# e2e_need_qemu10: QEMU10 set to the command that runs QEMU 10.0; where
# it cannot run, a not-ok line and failure.
e2e_need_qemu10() {
	QEMU10="$VMT_TOP/scripts/qemu10.sh run"
	"$VMT_TOP/scripts/qemu10.sh" run --version >/dev/null 2>&1 && return 0
	tap_not_ok "QEMU 10.0 runs in the test guest (scripts/qemu10.sh)"
	return 1
}

# e2e_qemu_blockers <device>...: what "info migrate" of QEMU (QEMU, else
# L2QEMU) says of a VM holding the devices, before it runs an instruction.
e2e_qemu_blockers() {
	local qemu d devs=()
	read -ra qemu <<<"${QEMU:-$L2QEMU}"
	for d in "$@"; do
		devs+=(-device "$d")
	done
	ulimit -l unlimited
	printf 'info migrate\nquit\n' |
		timeout 60 "${qemu[@]}" -S -nodefaults -display none "${L2ACCEL[@]}" \
			-m 64M "${devs[@]}" -monitor stdio 2>&1
}

# Human-readable summary of the last run, as "# " lines.
e2e_report() {
	{
		echo "mode $1: QEMU status $(l2_result status)$(l2_result back_status | sed 's/^./, back: &/'), accel $L2ACCEL_NAME"
		[ -n "$(l2_result total_ms)" ] &&
			echo "total $(l2_result total_ms) ms, downtime $(l2_result downtime_ms) ms, device state $(l2_result device_bytes) bytes"
		echo "guest program finished on $(l2_result where ?) after $(l2_result dmas) device-to-RAM transfers"
		[ -n "${L2_GONE:-}" ] &&
			echo "L2 QEMU that had exited by itself (role:status): $L2_GONE"
		l2_result checks
	} | tap_diag
}

# e2e_tap_checks <where> <transfers> <downtime ms> <check lines> [tags]:
# TAP lines for a migration that must have completed with every check;
# the tags are those of the guest's devices ("" "#1": two; default one).
# E2E_TAP_PREFIX, if set, starts each line's name.
e2e_tap_checks() {
	local where=$1 dmas=$2 downtime=$3 checks=$4 what tag
	local p=${E2E_TAP_PREFIX:+$E2E_TAP_PREFIX: }
	shift 4
	local tags=("$@")
	[ $# -gt 0 ] || tags=("")
	tap_result "${p}guest program finished on the destination" \
		"$([ "$where" = dst ]; echo $?)"
	for tag in "${tags[@]}"; do
		for what in liveness factorial status irq-status dma-registers device-buffer dma-to-ram; do
			tap_result "${p}destination: $what carried across${tag:+ (device $tag)}" \
				"$(grep -q "^EDU-CHECK $what$tag ok" <<<"$checks"; echo $?)"
		done
	done
	tap_result "${p}device-to-RAM DMA kept running during the migration (${dmas:-0} transfers)" \
		"$([ "${dmas:-0}" -ge 5 ]; echo $?)"
	tap_result "${p}downtime reported by QEMU (${downtime:-none} ms)" \
		"$([ -n "$downtime" ]; echo $?)"
}

# e2e_tap_success [tags]: e2e_tap_checks for the last run.
e2e_tap_success() {
	e2e_tap_checks "$(l2_result where)" "$(l2_result dmas)" \
		"$(l2_result downtime_ms)" "$(l2_result checks)" "$@"
}
