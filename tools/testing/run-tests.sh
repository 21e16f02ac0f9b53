#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The test runner behind "make check": builds, then runs jobs (a suite on a
# kernel) and prints one TAP line per test,
#   ok N - <job>: <name>   /   not ok N - <job>: <name>
# ending with "N passed, N failed[, N skipped]".  Exits non-zero on any
# failure.  Guest console logs are kept in out/logs/, each job's output in
# out/jobs/<job>.log.
#
# Kernels: those "scripts/kernels.sh test" prints (the 6.1 series first,
# then 6.12), or KVER alone when it is set.  A job on the first kernel is
# named after its suite ("registry"), on another "<suite>@<series>"
# ("registry@6.12"); its command runs with KVER=<that release>.
#
# usage: run-tests.sh [job...]
#   <suite>            the suite on the first kernel
#   <suite>@<series>   the suite on the kernel of that series (registry@6.12)
#   @<series>          every suite that runs on that kernel: all on the
#                      first, SECOND_KERNEL_SUITES on the second
#   (nothing)          every suite on the first kernel, SECOND_KERNEL_SUITES
#                      on the second
#
# Environment:
#   LANES=N         jobs that may run at once (default: the CPUs, at most
#                   2); LANES=1 runs the jobs one after the other in the
#                   order above
#   PARALLEL_SMP=0  with more than one lane, guests of the suites without a
#                   --smp of their own keep their two vCPUs (each then
#                   needs the whole machine and runs alone); by default
#                   (1) they boot with one vCPU and share the machine
#   KVER=<release>  test that kernel only (its jobs have plain names)
#   VM_TIMEOUT_SCALE=N  multiply every guest's time limit by N (a slow
#                   kernel: make check-debug's; default 1)
#
# Scheduling: a job weighs the CPUs it keeps busy (1 for a host suite or a
# one-vCPU guest, 2 for a two-vCPU guest); jobs start, longest expected
# first, while their weights fit in LANES.  Expected times are the last
# run's wall times ($OUT/timings, "<job> <seconds>" lines), else the
# estimates below.  build and install compile a lot and never run
# together.  The build job of a kernel cleans and rebuilds its modules,
# which a guest of that kernel copies as it starts (run-vm.sh,
# mkmodtree.sh): no guest job of the kernel starts while its build job
# runs, and the build job waits for the kernel's running guests to have
# laid out their module trees.  (install's "make install" finds the
# modules built, by "make all" or the build job's last pass, and relinks
# nothing.)  Each job writes to its own file; its TAP lines are printed as
# one block when it ends, in the order jobs end.
#
# A guest job that fails with the emulator's signature (lib/classify.sh)
# is run once more; see finish_job.
#
# Where the time goes, as TAP comments: "# phase: ..." lines of the jobs
# (tap_phase), after each job's block "# job <job>: <p> passed, <f>
# failed[, <s> skipped] in <s>s", and before the last line "# time <job>
# <s>s" for each job (and retried attempt) by start, "# wall <s>s for <n>
# jobs in <LANES> lanes" and "# retries: <n> [(<jobs>)]".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
export OUT=${OUT:-$top/out}
. tools/testing/lib/tap.sh
. tools/testing/lib/vm-opts.sh
. tools/testing/lib/classify.sh

# The suites the second kernel runs in a full run (the first runs them
# all; unit is kernel independent and runs on the first only).
SECOND_KERNEL_SUITES=${SECOND_KERNEL_SUITES-"build vm registry passthrough migration migration-v2 fuzz irq qemu-e2e qemu10-e2e multi-device i40e sriov-e2e libvirt install"}

# Suites in the order they run, and what runs them: a host script, or
# "<run name> <timeout> <guest script> [run-vm.sh options...]" for a suite
# that runs in the test guest (the options change run-vm.sh's defaults,
# e.g. the level-0 QEMU and its devices).
declare -A suite_cmd=(
	[build]="tools/testing/gates.sh --common"
	[install]="tools/testing/install/install.sh --common"
	[unit]="tools/testing/unit/run.sh"
	[vm]="vm 400 tools/testing/vm/selftest.sh"
	[registry]="registry 900 tools/testing/selftests/vfio-pci/registry.sh"
	[passthrough]="passthrough 900 tools/testing/selftests/vfio-pci/passthrough.sh"
	[migration]="migration 600 tools/testing/selftests/vfio-pci/migration.sh"
	[migration-v2]="migration-v2 600 tools/testing/selftests/vfio-pci/migration-v2.sh"
	[fuzz]="fuzz 600 tools/testing/selftests/vfio-pci/fuzz.sh"
	[irq]="irq 1500 tools/testing/selftests/vfio-pci/irq.sh ${IRQ_VM_OPTS[*]}"
	[qemu10-e2e]="qemu10-e2e 1500 tools/testing/e2e/qemu10-e2e.sh ${NESTED_VM_OPTS[*]}"
	[qemu-e2e]="qemu-e2e 1500 tools/testing/e2e/qemu-e2e.sh ${NESTED_VM_OPTS[*]}"
	[multi-device]="multi-device 1800 tools/testing/e2e/multi-device.sh ${IGB_VM_OPTS[*]} --edu 4"
	[i40e]="i40e 400 tools/testing/selftests/vfio-pci/i40e.sh"
	[sriov-e2e]="sriov-e2e 1800 tools/testing/e2e/sriov-e2e.sh ${IGB_VM_OPTS[*]}"
	[libvirt]="libvirt 1500 tools/testing/e2e/libvirt.sh ${LIBVIRT_VM_OPTS[*]}"
)
# Host suites on the kernels after the first: the kernel-independent
# checks (--common) are the first kernel's.
declare -A suite_cmd_other=(
	[build]="tools/testing/gates.sh"
	[install]="tools/testing/install/install.sh"
)
order=(build unit install vm registry passthrough migration migration-v2 fuzz irq qemu-e2e qemu10-e2e multi-device i40e sriov-e2e libvirt)
# Wall times (seconds) to expect of a job $OUT/timings does not know.
declare -A suite_est=(
	[build]=300 [unit]=120 [install]=200 [vm]=90 [registry]=120
	[passthrough]=150 [migration]=120 [migration-v2]=100 [fuzz]=150 [irq]=160
	[qemu-e2e]=460 [qemu10-e2e]=230 [multi-device]=420 [i40e]=40
	[sriov-e2e]=560 [libvirt]=500
)

# Test hooks (tools/testing/unit/test_run_tests.sh), not for users:
# RUN_TESTS_KERNELS="<release>..." stands in for the installed kernels;
# RUN_TESTS_FAKE_DIR=<folder> runs <folder>/<job> (else <folder>/<suite>)
# instead of each job's command, with that command as its arguments, and
# builds nothing first.
fake=${RUN_TESTS_FAKE_DIR:-}

if [ -n "${RUN_TESTS_KERNELS:-}" ]; then
	read -ra kernels <<<"$RUN_TESTS_KERNELS"
elif [ -n "${KVER:-}" ]; then
	kernels=("$KVER")
else
	mapfile -t kernels < <(scripts/kernels.sh test)
fi
# None testable: the suites on "no kernel" say what is missing.
[ ${#kernels[@]} -gt 0 ] || kernels=("")
series=()
for k in "${kernels[@]}"; do
	series+=("$(scripts/kernels.sh series "$k" || echo "$k")")
done

if [ -z "${LANES:-}" ]; then
	LANES=$(nproc 2>/dev/null || echo 1)
	[ "$LANES" -le 2 ] || LANES=2
fi
PARALLEL_SMP=${PARALLEL_SMP:-1}
VM_TIMEOUT_SCALE=${VM_TIMEOUT_SCALE:-1}

usage_error() {
	echo "run-tests.sh: $*" >&2
	echo "jobs: <suite>, <suite>@<series>, @<series>; suites: ${order[*]}; series: ${series[*]}" >&2
	exit 2
}

case $LANES in
'' | *[!0-9]* | 0) usage_error "LANES must be a number of at least 1, not '$LANES'" ;;
esac
case $VM_TIMEOUT_SCALE in
'' | *[!0-9]* | 0) usage_error "VM_TIMEOUT_SCALE must be a number of at least 1, not '$VM_TIMEOUT_SCALE'" ;;
esac
for s in $SECOND_KERNEL_SUITES; do
	[ -n "${suite_cmd[$s]+x}" ] || usage_error "SECOND_KERNEL_SUITES: unknown suite '$s'"
done

# ---- the jobs -----------------------------------------------------------
selected=()
declare -A job_suite job_kidx job_run job_opts job_weight job_est job_attempt

add_job() {
	local suite=$1 k=$2 name=$1
	[ "$k" -eq 0 ] || name+="@${series[$k]}"
	[ -z "${job_suite[$name]+x}" ] || return 0
	selected+=("$name")
	job_suite[$name]=$suite
	job_kidx[$name]=$k
	job_attempt[$name]=1
}

kernel_index() {
	local i
	for i in "${!series[@]}"; do
		[ "${series[$i]}" = "$1" ] && echo "$i" && return 0
	done
	return 1
}

# The suites a kernel runs when it is not given suite by suite.
kernel_suites() {
	local s
	for s in "${order[@]}"; do
		if [ "$1" -eq 0 ] ||
		   { [ "$s" != unit ] && [[ " $SECOND_KERNEL_SUITES " == *" $s "* ]]; }; then
			echo "$s"
		fi
	done
}

select_jobs() {
	local arg=$1 suite=$1 k=0 s
	case $arg in
	*@*)
		suite=${arg%%@*}
		k=$(kernel_index "${arg#*@}") ||
			usage_error "no testable kernel of series '${arg#*@}' (kernels: ${kernels[*]})"
		;;
	esac
	if [ -z "$suite" ]; then
		for s in $(kernel_suites "$k"); do
			add_job "$s" "$k"
		done
		return 0
	fi
	[ -n "${suite_cmd[$suite]+x}" ] || usage_error "unknown suite '$suite'"
	[ "$suite" != unit ] || [ "$k" -eq 0 ] ||
		usage_error "unit is kernel independent: it runs on the first kernel only"
	add_job "$suite" "$k"
}

if [ $# -gt 0 ]; then
	for a in "$@"; do
		select_jobs "$a"
	done
else
	for k in "${!kernels[@]}"; do
		select_jobs "@${series[$k]}"
	done
fi

is_guest() {
	case ${suite_cmd[${job_suite[$1]}]} in
	tools/*) return 1 ;;
	esac
	return 0
}

declare -A last_time
if [ -f "$OUT/timings" ]; then
	while read -r j s; do
		[[ $s =~ ^[0-9]+$ ]] && last_time[$j]=$s
	done <"$OUT/timings"
fi

smp_re='.* --smp ([0-9]+) '
for j in "${selected[@]}"; do
	s=${job_suite[$j]}
	job_est[$j]=${last_time[$j]:-${suite_est[$s]:-100}}
	job_weight[$j]=1
	is_guest "$j" || continue
	read -r run _ _ opts <<<"${suite_cmd[$s]}"
	# Unique per job: two guests never share out/vm/<run> or a console.
	[ "${job_kidx[$j]}" -eq 0 ] || run+="-${series[${job_kidx[$j]}]}"
	job_run[$j]=$run
	if [ "$LANES" -gt 1 ] && [ "$PARALLEL_SMP" = 1 ] && [[ " $opts " != *" --smp "* ]]; then
		opts+="${opts:+ }--smp 1"
	fi
	job_opts[$j]=$opts
	# The vCPUs it runs (run-vm.sh's default is 2; the last --smp counts).
	w=2
	[[ " $opts " =~ $smp_re ]] && w=${BASH_REMATCH[1]}
	[ "$w" -le "$LANES" ] || w=$LANES
	[ "$w" -ge 1 ] || w=1
	job_weight[$j]=$w
done

# The order jobs are considered in: as selected in one lane, else the
# longest expected first (ties as selected).
if [ "$LANES" -eq 1 ]; then
	pending=("${selected[@]}")
else
	mapfile -t pending < <(for i in "${!selected[@]}"; do
		echo "${job_est[${selected[$i]}]} $i ${selected[$i]}"
	done | sort -k1,1nr -k2,2n | cut -d' ' -f3)
fi

# ---- running a job ------------------------------------------------------
jobdir=$OUT/jobs
mkdir -p "$jobdir" "$OUT/logs"

# The command of a job, run with KVER set, its output going to its file.
job_command() {
	local j=$1 suite=${job_suite[$1]} spec argv f timeout script
	spec=${suite_cmd[$suite]}
	if [ "${job_kidx[$j]}" -gt 0 ] && [ -n "${suite_cmd_other[$suite]+x}" ]; then
		spec=${suite_cmd_other[$suite]}
	fi
	if is_guest "$j"; then
		read -r _ timeout script _ <<<"$spec"
		# shellcheck disable=SC2206
		argv=(tools/testing/vm/run-vm.sh --name "${job_run[$j]}"
			--timeout "$((timeout * VM_TIMEOUT_SCALE))"
			${job_opts[$j]} -- "$script")
	else
		# shellcheck disable=SC2206
		argv=($spec)
	fi
	if [ -n "$fake" ]; then
		for f in "$fake/$j" "$fake/$suite"; do
			[ -x "$f" ] && exec "$f" "${argv[@]}"
		done
		tap_not_ok "no fake command for $j in $fake"
		return 1
	fi
	if is_guest "$j" && [ "$built" != 0 ]; then
		tap_not_ok "modules and test programs built (see the build suite)"
		return 1
	fi
	"${argv[@]}"
}

now() { echo "${EPOCHSECONDS:-$(date +%s)}"; }

declare -A pid_job job_t0 job_seq job_secs retry_reason
running_weight=0
launched=0
time_rows=()
retried=()
first_start=
tick=

launch() {
	local j=$1 run
	if is_guest "$j"; then
		# A console or job file left from an earlier run must not be
		# taken for this one's (classify_failure, past_modtree).
		run=${job_run[$j]}
		rm -f "$OUT/logs/$run.console.log" "$OUT/vm/$run/job"
	fi
	(
		export KVER=${kernels[${job_kidx[$j]}]} RUN_TESTS_JOB=$j
		export RUN_TESTS_ATTEMPT=${job_attempt[$j]}
		job_command "$j"
	) >"$jobdir/$j.log" 2>&1 </dev/null &
	pid_job[$!]=$j
	job_t0[$j]=$(now)
	launched=$((launched + 1))
	job_seq[$j]=$launched
	: "${first_start:=${job_t0[$j]}}"
	running_weight=$((running_weight + job_weight[$j]))
}

# A guest job has copied its kernel's modules once run-vm.sh has written
# the guest's job file (after mkmodtree.sh).
past_modtree() {
	[ -e "$OUT/vm/${job_run[$1]}/job" ]
}

compiles() {
	case ${job_suite[$1]} in
	build | install) return 0 ;;
	esac
	return 1
}

# May job $1 not start while job $2 runs?
conflicts() {
	local a=$1 b=$2
	compiles "$a" && compiles "$b" && return 0
	[ "${job_kidx[$a]}" = "${job_kidx[$b]}" ] || return 1
	if [ "${job_suite[$b]}" = build ] && is_guest "$a"; then
		return 0
	fi
	if [ "${job_suite[$a]}" = build ] && is_guest "$b" && ! past_modtree "$b"; then
		return 0
	fi
	return 1
}

# Start what may start: in order, while weights fit; a job that does not
# fit holds back those after it (else a two-vCPU guest might never find
# the machine free), a job in conflict with a running one does not.
schedule() {
	local i j r blocked
	for i in "${!pending[@]}"; do
		j=${pending[$i]}
		[ $((running_weight + job_weight[$j])) -le "$LANES" ] || break
		blocked=0
		for r in "${pid_job[@]}"; do
			conflicts "$j" "$r" && blocked=1 && break
		done
		[ $blocked -eq 0 ] || continue
		launch "$j"
		unset 'pending[i]'
	done
	pending=("${pending[@]}")
}

# kill_tree <pid>: a job and everything it started (timeout(1) in run-vm.sh
# leaves the job's process group, so the tree, leaves first).
kill_tree() {
	local c
	for c in $(pgrep -P "$1"); do
		kill_tree "$c"
	done
	kill "$1" 2>/dev/null
}

interrupted() {
	local pid
	for pid in "${!pid_job[@]}"; do
		kill_tree "$pid"
	done
	[ -z "$tick" ] || kill "$tick" 2>/dev/null
	echo "# interrupted: ${pid_job[*]} stopped"
	exit 130
}
trap interrupted INT TERM

n=0 passed=0 failed=0 skipped=0

# Number and prefix the raw "ok - name" lines of one job.
report() {
	local job=$1 line status rest
	while IFS= read -r line; do
		case $line in
		"ok - "*) status=ok; rest=${line#ok - } ;;
		"not ok - "*) status="not ok"; rest=${line#not ok - } ;;
		"#"*) echo "$line"; continue ;;
		*) continue ;;
		esac
		n=$((n + 1))
		if [ "$status" = ok ]; then
			case $rest in
			*"# SKIP"*) skipped=$((skipped + 1)) ;;
			*) passed=$((passed + 1)) ;;
			esac
		else
			failed=$((failed + 1))
		fi
		echo "$status $n - $job: $rest"
	done
}

# finish_job <job> <exit status>: a job ended.  A guest job that failed
# is classified (lib/classify.sh).  On its first attempt, a failure with
# the emulator's signature ("infra") is not reported: the job goes back to
# the head of the queue, its first attempt's output kept in
# out/jobs/<job>.attempt1.log, its console in
# out/logs/<run>.attempt1.console.log and its run folder in
# out/vm/<run>.attempt1.  When the second attempt ends, its block is
# printed after one line
#   # retried: <job>: <reason> (...)
# A comment line, rather than text appended to a test line: a TAP line's
# "# ..." after the name is a directive, and one that TAP does not know
# would turn into part of the test's name, or be taken for a SKIP by our
# own count.  A failure classified "ours" is never retried, nor is a
# second attempt.
finish_job() {
	local j=$1 rc=$2 out=$jobdir/$1.log secs verdict="" run p0=$passed f0=$failed s0=$skipped n0=$n
	secs=$(($(now) - job_t0[$j]))
	run=${job_run[$j]:-}
	if is_guest "$j" && { [ "$rc" -ne 0 ] || grep -q '^not ok' "$out"; }; then
		verdict=$(classify_failure "$OUT/logs/$run.console.log" "$out" "$OUT/vm/$run")
		if [ "${job_attempt[$j]}" -eq 1 ] && [ "${verdict%%:*}" = infra ]; then
			time_rows+=("${job_seq[$j]} $j.attempt1 $secs")
			mv "$out" "$jobdir/$j.attempt1.log"
			if [ -f "$OUT/logs/$run.console.log" ]; then
				cp "$OUT/logs/$run.console.log" "$OUT/logs/$run.attempt1.console.log"
			fi
			rm -rf "$OUT/vm/$run.attempt1"
			[ ! -d "$OUT/vm/$run" ] || mv "$OUT/vm/$run" "$OUT/vm/$run.attempt1"
			retry_reason[$j]=${verdict#infra: }
			retried+=("$j")
			job_attempt[$j]=2
			pending=("$j" "${pending[@]}")
			return 0
		fi
	fi
	time_rows+=("${job_seq[$j]} $j $secs")
	job_secs[$j]=$secs
	if [ "${job_attempt[$j]}" -gt 1 ]; then
		echo "# retried: $j: ${retry_reason[$j]} (first attempt: $jobdir/$j.attempt1.log, console $OUT/logs/$run.attempt1.console.log)"
	fi
	report "$j" <"$out"
	if [ $n -eq "$n0" ]; then
		report "$j" <<<"not ok - the job printed no test result (exit status $rc, output $out)"
	fi
	[ -z "$verdict" ] || echo "# classified $j: $verdict"
	echo "# job $j: $((passed - p0)) passed, $((failed - f0)) failed$(
		[ $((skipped - s0)) -eq 0 ] || echo ", $((skipped - s0)) skipped") in ${secs}s"
}

# ---- the run ------------------------------------------------------------
# Everything later jobs need; the build suite reports on it in detail.
built=0
if [ -z "$fake" ]; then
	make --no-print-directory all >"$OUT/build.log" 2>&1
	built=$?
	# The guests' initramfs images, made here so that two guests starting
	# at once do not both write one (run-vm.sh makes a missing or stale
	# one).
	for k in $(for j in "${selected[@]}"; do
			is_guest "$j" || [ "${job_suite[$j]}" = install ] &&
				echo "${kernels[${job_kidx[$j]}]}"
		done | sort -u); do
		initrd=$OUT/initramfs-$k.gz
		if [ ! -f "$initrd" ] || [ "$initrd" -ot tools/testing/vm/initramfs-init.sh ] ||
		   [ "$initrd" -ot tools/testing/vm/mkinitramfs.sh ]; then
			tools/testing/vm/mkinitramfs.sh "$k" "$initrd" >>"$OUT/build.log" 2>&1
		fi
	done
	tap_phase "modules and test programs built (make all: status $built)"
fi

while [ ${#pending[@]} -gt 0 ] || [ ${#pid_job[@]} -gt 0 ]; do
	schedule
	if [ ${#pid_job[@]} -eq 0 ]; then
		# Cannot be: with nothing running, the first job fits.
		echo "# run-tests.sh: cannot start ${pending[*]}" >&2
		break
	fi
	# A job may be waiting for a running guest to pass a point
	# (past_modtree): look again every second.
	if [ ${#pending[@]} -gt 0 ] && [ -z "$tick" ]; then
		sleep 1 &
		tick=$!
	fi
	pid=
	wait -n -p pid "${!pid_job[@]}" ${tick:+"$tick"}
	rc=$?
	if [ -z "$pid" ]; then
		continue
	elif [ "$pid" = "$tick" ]; then
		tick=
		continue
	fi
	j=${pid_job[$pid]}
	unset 'pid_job[$pid]'
	running_weight=$((running_weight - job_weight[$j]))
	finish_job "$j" "$rc"
done
last_end=$(now)
[ -z "$tick" ] || kill "$tick" 2>/dev/null

# This run's times, and the last run's of the jobs not run now.
{
	for j in "${!job_secs[@]}"; do
		echo "$j ${job_secs[$j]}"
	done
	for j in "${!last_time[@]}"; do
		[ -n "${job_secs[$j]+x}" ] || echo "$j ${last_time[$j]}"
	done
} | sort >"$OUT/timings.new" && mv "$OUT/timings.new" "$OUT/timings"

# Where the time went: each job (attempt) by start, then the whole.
for row in "${time_rows[@]}"; do
	echo "$row"
done | sort -s -n -k1,1 | while read -r _ j s; do
	echo "# time $j ${s}s"
done
echo "# wall $((last_end - ${first_start:-$last_end}))s for ${#selected[@]} jobs in $LANES lanes"
echo "# retries: ${#retried[@]}$([ ${#retried[@]} -eq 0 ] || echo " (${retried[*]})")"

echo "$passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed -eq 0 ]
