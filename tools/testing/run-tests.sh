#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The test runner behind "make check": builds, then runs the suites (all, or
# those named as arguments) and prints one TAP line per test,
#   ok N - <suite>: <name>   /   not ok N - <suite>: <name>
# ending with "N passed, N failed[, N skipped]".  Exits non-zero on any
# failure.  Guest console logs are kept in out/logs/.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
export OUT=${OUT:-$top/out}
export KVER=${KVER:-$(scripts/kernels.sh default)}
. tools/testing/lib/tap.sh
. tools/testing/lib/vm-opts.sh

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
	[irq]="irq 1500 tools/testing/selftests/vfio-pci/irq.sh ${IRQ_VM_OPTS[*]}"
	[qemu10-e2e]="qemu10-e2e 1500 tools/testing/e2e/qemu10-e2e.sh ${NESTED_VM_OPTS[*]}"
	[qemu-e2e]="qemu-e2e 1500 tools/testing/e2e/qemu-e2e.sh ${NESTED_VM_OPTS[*]}"
	[i40e]="i40e 400 tools/testing/selftests/vfio-pci/i40e.sh"
	[sriov-e2e]="sriov-e2e 1800 tools/testing/e2e/sriov-e2e.sh ${IGB_VM_OPTS[*]}"
)
order=(build unit install vm registry passthrough migration migration-v2 irq qemu-e2e qemu10-e2e i40e sriov-e2e)

n=0 passed=0 failed=0 skipped=0

# Number and prefix the raw "ok - name" lines of one suite.
report() {
	local suite=$1 line status rest
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
		echo "$status $n - $suite: $rest"
	done
}

run_suite() {
	local suite=$1 spec=${suite_cmd[$1]} name timeout script opts
	case $spec in
	tools/*) "$top/$spec" 2>&1 ;;
	*)
		read -r name timeout script opts <<<"$spec"
		if [ "$built" != 0 ]; then
			tap_not_ok "modules and test programs built (see the build suite)"
			return
		fi
		# shellcheck disable=SC2086
		tools/testing/vm/run-vm.sh --name "$name" --timeout "$timeout" \
			$opts -- "$script" 2>&1
		;;
	esac
}

if [ $# -gt 0 ]; then
	wanted=("$@")
else
	wanted=("${order[@]}")
fi
for suite in "${wanted[@]}"; do
	if [ -z "${suite_cmd[$suite]+x}" ]; then
		echo "unknown suite '$suite'; suites: ${order[*]}" >&2
		exit 2
	fi
done

# Everything later suites need; the build suite reports on it in detail.
mkdir -p "$OUT"
make --no-print-directory all >"$OUT/build.log" 2>&1
built=$?

for suite in "${wanted[@]}"; do
	report "$suite" < <(run_suite "$suite")
done

echo "$passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed -eq 0 ]
