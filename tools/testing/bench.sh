#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make bench": benchmark figures, section by section.  Each section boots
# the test guest as often as it needs (one guest at a time), and prints
#   bench: <name> <value> ...     the figures
#   # ...                         what was measured, per-boot detail
# Exits non-zero if a section could not measure what it reports.
#
# Environment:
#   BENCH_SECTIONS   sections to run (default: all, in order)
#   BENCH_BOOTS      boots per section (default 4)
#   BENCH_PAIRS      alternating pairs (cycles) per boot (default 40)
#   BENCH_SECONDS    length of one measurement (default 0.5)
#   BENCH_KERNELS    kernels (releases) to measure on (default: KVER if
#                    given, else every kernel the tests can boot)
#   BENCH_DATAPATH_{BOOTS,CYCLES,ECHOES,SECONDS}  the datapath section's
#                    boots (1), cycles per boot (4), pings per round
#                    (2000) and TCP seconds each way (10)
#   BENCH_TAILWRITE_ROUNDS  timed tail writes of each size (default 9)
#
# Add a section: write section_<name>, add <name> to SECTIONS.
# Sections are called indirectly, as section_<name>.
# shellcheck disable=SC2317
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
export OUT=${OUT:-$top/out}
# KVER given: that kernel only; else every testable kernel (see below).
KVER_GIVEN=${KVER:-}
export KVER=${KVER:-$(scripts/kernels.sh default)}
. tools/testing/lib/vm-opts.sh

SECTIONS=(passthrough datapath migration sriov tailwrite)
BOOTS=${BENCH_BOOTS:-4}
PAIRS=${BENCH_PAIRS:-40}
SECS=${BENCH_SECONDS:-0.5}
results=$OUT/bench
mkdir -p "$results"

# bench_boot <name> <timeout> [run-vm.sh options] -- <guest script...>:
# boot the guest for one run of a guest script; its "bench: " and "# "
# lines pass through.  Fails if the guest or the script failed.
bench_boot() {
	local name=$1 timeout=$2 out rc
	shift 2
	out=$(tools/testing/vm/run-vm.sh --name "$name" --timeout "$timeout" "$@")
	rc=$?
	grep -E '^(bench: |# )' <<<"$out"
	if [ "$rc" -ne 0 ]; then
		grep '^not ok' <<<"$out" | sed 's/^/# /'
		echo "# $name failed (console: $OUT/logs/$name.console.log)"
	fi
	return "$rc"
}

# paired_boots <section> <boots> <timeout> [run-vm.sh options] -- <guest
# script> [args...]: boot the guest <boots> times for a guest script that
# writes <section>.raw (its arguments: the boot number, then <args>).  A
# boot that fails is run once more (its console kept as
# <name>.try1.console.log); partial boots are not used.  Sets PAIRED_RAWS
# to the boots' raw files; fails if any boot failed twice.
paired_boots() {
	local section=$1 boots=$2 timeout=$3 b try failed=0 opts=() script name
	shift 3
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	script=$1
	shift
	PAIRED_RAWS=()
	for ((b = 1; b <= boots; b++)); do
		rm -f "$results/$section-$b.raw"
		name=bench-$section-$b${BOOT_SUFFIX:-}
		for try in 1 2; do
			if bench_boot "$name" "$timeout" "${opts[@]}" -- "$script" "$b" "$@"; then
				cp "$OUT/vm/$name/$section.raw" "$results/$section-$b.raw"
				PAIRED_RAWS+=("$results/$section-$b.raw")
				break
			fi
			if [ "$try" = 1 ]; then
				mv "$OUT/logs/$name.console.log" "$OUT/logs/$name.try1.console.log" 2>/dev/null
				echo "# $section: boot $b failed, once more (console: $OUT/logs/$name.try1.console.log)"
			else
				failed=1
			fi
		done
	done
	[ ${#PAIRED_RAWS[@]} -gt 0 ] || echo "# $section: no boot produced results"
	return "$failed"
}

# paired_ratios <section> -- NAME:COL:A:B...: ratio.py over PAIRED_RAWS,
# printed as per-boot comments and "bench: " lines.
paired_ratios() {
	local section=$1 ratios failed=0
	shift 2
	ratios=$(python3 tools/testing/bench/ratio.py "${PAIRED_RAWS[@]}" -- "$@") || failed=1
	awk -v s="$section" '$1 == "boot" { printf "# %s: boot %s %s %s (%d pairs)\n", s, $2, $3, $4, $5 }' <<<"$ratios"
	awk -v s="$section" -v b="${#PAIRED_RAWS[@]}" \
		'$1 != "boot" { printf "# %s: %s over %d pairs (%d boots)\n", s, $1, $5, b }' <<<"$ratios" | head -n 1
	awk '$1 != "boot" { print "bench: " $1, $2, $3, $4 }' <<<"$ratios"
	return "$failed"
}

# ---- passthrough: 4-byte pread throughput, ours against stock -------------
# Same device, same boot; stock and ours alternate round by round, each
# round reloading its driver (see bench/passthrough-guest.sh).  Ratios are
# of total ops over all pairs, ours / stock, with a 95% bootstrap interval
# (pairs resampled within each boot).
section_passthrough() {
	local failed=0 timeout
	# Four rounds a cycle; a round is two measurements plus ~1.5 s of
	# module reloading and binding under TCG; generous margin.
	timeout=$(awk -v p="$PAIRS" -v s="$SECS" 'BEGIN { printf "%d", 300 + p * 4 * (2 * s + 6) }')
	echo "# passthrough: $BOOTS boots x $PAIRS pairs per comparison, ${SECS}s per measurement (BAR0 and config space each), stock and ours alternating round by round"
	paired_boots passthrough "$BOOTS" "$timeout" -- \
		tools/testing/bench/passthrough-guest.sh "$PAIRS" "$SECS" || failed=1
	[ ${#PAIRED_RAWS[@]} -gt 0 ] || return 1
	awk '{ n[$3]++; b[$3] += $4; c[$3] += $5 }
	     END { for (l in n) printf "# passthrough: %-8s %4d rounds, mean %.0f BAR0 ops, %.0f config ops per round\n", l, n[l], b[l] / n[l], c[l] / n[l] }' \
		"${PAIRED_RAWS[@]}" | sort
	paired_ratios passthrough -- \
		passthrough-bar0-ratio:0:none:stock \
		passthrough-config-ratio:1:none:stock \
		passthrough-bar0-skeleton-ratio:0:skeleton:stock \
		passthrough-config-skeleton-ratio:1:skeleton:stock \
		passthrough-bar0-aa-ratio:0:stock2:stock \
		passthrough-config-aa-ratio:1:stock2:stock || failed=1
	return "$failed"
}

# ---- datapath: an igb VF's network, ours against stock, not migrating ----
# One boot with an igb device; the L2 guest on VF 0 under stock vfio-pci,
# ours (igb_vf_migration), ours with all_dirty=1 and stock again, round by
# round, four cycles so each label takes each place once (see
# bench/datapath-guest.sh).  Ratios ours / stock of the summed
# per-round figures, with a 95% bootstrap interval: RTT (median, p99)
# below 1 is better, throughput (tx: the guest sends) above 1.  A TCP
# transfer that stalled is left out of its ratio's pairs and counted in
# sriov-tcp-stalls (the emulated 82576's, on a fragmented IOMMU mapping:
# l2_hugepages_reserve in lib/l2.sh).
section_datapath() {
	local boots=${BENCH_DATAPATH_BOOTS:-1} cycles=${BENCH_DATAPATH_CYCLES:-4}
	local echoes=${BENCH_DATAPATH_ECHOES:-2000} secs=${BENCH_DATAPATH_SECONDS:-10}
	local failed=0 timeout spec specs=() l
	# A round: an L2 boot (up to 240 s), the echoes, both transfers.
	timeout=$(awk -v c="$cycles" -v e="$echoes" -v s="$secs" 'BEGIN { printf "%d", 600 + c * 4 * (360 + e * 0.01 + 4 * s) }')
	echo "# datapath: $boots boot(s) x $cycles cycles, L2 guest on an 82576 VF (QEMU 10.0), $echoes echoes, ${secs}s of TCP each way per round"
	paired_boots datapath "$boots" "$timeout" "${IGB_VM_OPTS[@]}" -- \
		tools/testing/bench/datapath-guest.sh "$cycles" "$echoes" "$secs" || failed=1
	[ ${#PAIRED_RAWS[@]} -gt 0 ] || return 1
	# A transfer that stalled is "-": out of its mean, counted.
	awk 'function add(c, v) { if (v == "-") { stalls[$3]++; all++ } else { sum[$3, c] += v; k[$3, c]++ } }
	     function mean(l, c) { return k[l, c] ? sum[l, c] / k[l, c] : 0 }
	     { n[$3]++; m[$3] += $4; p[$3] += $5; add("tx", $6); add("rx", $7); lost[$3] += $8 }
	     END {
		for (l in n) printf "# datapath: %-9s %2d rounds, mean RTT median %.0f us, p99 %.0f us, tx %.0f kB/s, rx %.0f kB/s, %d echoes lost, %d transfers stalled\n", l, n[l], m[l] / n[l], p[l] / n[l], mean(l, "tx") / 1000, mean(l, "rx") / 1000, lost[l], stalls[l]
		printf "bench: sriov-tcp-stalls %d transfers\n", all
	     }' "${PAIRED_RAWS[@]}" | sort
	for l in ours:ours all-dirty:alldirty stock2:aa; do
		for spec in rtt:0 rtt-p99:1 tx:2 rx:3; do
			if [ "${l#*:}" = ours ]; then
				specs+=("sriov-${spec%:*}-ratio:${spec#*:}:${l%:*}:stock")
			else
				specs+=("sriov-${spec%:*}-${l#*:}-ratio:${spec#*:}:${l%:*}:stock")
			fi
		done
	done
	paired_ratios datapath -- "${specs[@]}" || failed=1
	return "$failed"
}

# ---- migration: downtime and total time, precise against all-dirty -------
# One boot runs the qemu-e2e migration with QEMU's default parameters:
# BENCH_MIG_RUNS times with precise dirty reporting (v1, QEMU 7.2), once
# with the sample's reporting off (all_dirty=1; capped, it may never
# converge), once more so but with QEMU's pre-copy dirty tracking off, and
# BENCH_MIG_RUNS times each with QEMU 10.0 (v2): with the pre-copy part,
# without it (kernels with PRE_COPY), and the same VM without any device
# (the baseline of downtime-device-share-ms).  Figures are medians.
# BENCH_MIG_MODES=v1 or v2 runs only those.
section_migration() {
	local runs=${BENCH_MIG_RUNS:-3} cap=${BENCH_MIG_CAP:-90} raw
	raw=$results/migration.raw
	echo "# migration: 128 MiB L2 guest with an edu device, QEMU defaults, $runs runs per mode"
	if ! bench_boot "bench-migration${BOOT_SUFFIX:-}" 3600 "${NESTED_VM_OPTS[@]}" -- \
		tools/testing/bench/migration-guest.sh "$runs" "$cap" "${BENCH_MIG_MODES:-v1 v2}" >"$raw.out"; then
		cat "$raw.out"
		return 1
	fi
	grep '^# ' "$raw.out"
	grep -E '^(run|tracking|part|driver|stop-to-start) ' "$OUT/vm/bench-migration${BOOT_SUFFIX:-}/output" >"$raw"
	python3 tools/testing/bench/migration.py "$raw"
}

# ---- sriov: migrating an 82576 VF while traffic flows ---------------------
# One boot with an igb device (QEMU 10.0 at level 0).  The L2 guest pings
# the PF side every 50 ms; the gap is the longest the stream saw.  On a
# kernel without PRE_COPY (6.1): BENCH_SRIOV_RUNS migrations by QEMU 7.2
# with igb_vf_migration's precise dirty reporting, then one with
# all_dirty=1 (capped: it may never converge).  On a kernel with PRE_COPY
# (6.12): BENCH_SRIOV_RUNS migrations by QEMU 10.0 each with the pre-copy
# part, without it, with the guest told of a reset, of the same VM without
# any device, and of the same VM and stream on an emulated NIC (virtio-net)
# instead of the VF, taking turns.  Figures are medians.
section_sriov() {
	local runs=${BENCH_SRIOV_RUNS:-3} cap=${BENCH_SRIOV_CAP:-120} raw
	raw=$results/sriov.raw
	echo "# sriov: L2 guest on an 82576 VF pinging every 50 ms, QEMU defaults, $runs runs per mode"
	if ! bench_boot "bench-sriov${BOOT_SUFFIX:-}" 3600 "${IGB_VM_OPTS[@]}" -- \
		tools/testing/bench/sriov-guest.sh "$runs" "$cap" >"$raw.out"; then
		cat "$raw.out"
		return 1
	fi
	grep '^# ' "$raw.out"
	grep -E '^(run|part|driver|stop-to-start) ' "$OUT/vm/bench-sriov${BOOT_SUFFIX:-}/output" >"$raw"
	python3 tools/testing/bench/sriov.py "$raw"
}

# ---- tailwrite: one trapped RX tail write, one descriptor to a ring -------
# igb_vf_migration while saving, driven by vfio_tail_bench on VF 0 (see
# bench/tailwrite-guest.sh): medians of the write's time.
section_tailwrite() {
	bench_boot "bench-tailwrite${BOOT_SUFFIX:-}" 900 "${IGB_VM_OPTS[@]}" -- \
		tools/testing/bench/tailwrite-guest.sh "${BENCH_TAILWRITE_ROUNDS:-9}"
}

# Kernels: the first runs every section under plain names; the others run
# the sections in PER_KERNEL_SECTIONS, their names (and run names) ending
# in @<series>, so the two kernels' figures sit side by side.
PER_KERNEL_SECTIONS=(passthrough datapath migration sriov tailwrite)
if [ -n "${BENCH_KERNELS:-}" ]; then
	read -ra kernels <<<"$BENCH_KERNELS"
elif [ -n "${KVER_GIVEN:-}" ]; then
	kernels=("$KVER")
else
	mapfile -t kernels < <(scripts/kernels.sh test)
fi

# run_section <section> <kernel> <suffix>
run_section() {
	local s=$1 k=$2 sfx=$3
	(
		export KVER=$k
		results=$OUT/bench${sfx//@/-}
		mkdir -p "$results"
		BOOT_SUFFIX=${sfx//@/-}
		"section_$s"
	) | awk -v sfx="$sfx" '$1 == "bench:" { $2 = $2 sfx } { print; fflush() }'
	return "${PIPESTATUS[0]}"
}

status=0
for s in ${BENCH_SECTIONS:-${SECTIONS[*]}}; do
	if ! declare -F "section_$s" >/dev/null; then
		echo "bench.sh: unknown section '$s' (sections: ${SECTIONS[*]})" >&2
		exit 2
	fi
	for ((i = 0; i < ${#kernels[@]}; i++)); do
		sfx=
		if [ "$i" -gt 0 ]; then
			[[ " ${PER_KERNEL_SECTIONS[*]} " = *" $s "* ]] || continue
			sfx=@$(scripts/kernels.sh series "${kernels[$i]}")
		fi
		echo "# $s on ${kernels[$i]}"
		run_section "$s" "${kernels[$i]}" "$sfx" || status=1
	done
done
exit "$status"
