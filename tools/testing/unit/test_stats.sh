#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The counter helpers (tools/testing/lib/stats.sh) on constructed dumps of
# vfio-pci's debugfs stats file: one counter's value, its growth between
# two dumps, a counter absent from a dump.  TAP lines "ok - stats: ...".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/testing/lib/tap.sh"
. "$top/tools/testing/lib/stats.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

expect() {
	tap_result "stats: $1 ($3)" "$([ "$2" = "$3" ]; echo $?)"
}

printf 'migration.saved 1\nmigration.loaded 0\nnic_vf.admin_applied 0x0\n' >"$work/before"
printf 'migration.saved 3\nmigration.loaded 0\nnic_vf.admin_applied 0x3\nigb.resumed 1\n' >"$work/after"

expect "a counter's value" 3 "$(stats_value "$work/after" migration.saved)"
expect "a name is matched whole, not as a prefix" "" "$(stats_value "$work/after" migration.save)"
expect "growth between two dumps" 2 "$(stats_delta "$work/before" "$work/after" migration.saved)"
expect "no growth" 0 "$(stats_delta "$work/before" "$work/after" migration.loaded)"
expect "a counter new in the second dump grows from 0" 1 "$(stats_delta "$work/before" "$work/after" igb.resumed)"
expect "a device without the file (no dump) counts 0" 0 "$(stats_delta "$work/none" "$work/none" igb.resumed)"
expect "a hexadecimal value is kept as printed" 0x3 "$(stats_value "$work/after" nic_vf.admin_applied)"
STATS_DIR=$work/debugfs
mkdir -p "$STATS_DIR/0000:01:00.0"
cp "$work/after" "$STATS_DIR/0000:01:00.0/stats"
expect "stats_get reads a device's file" 1 "$(stats_get 0000:01:00.0 igb.resumed)"
expect "stats_get of a device vfio-pci does not own is empty" "" "$(stats_get 0000:02:00.0 igb.resumed)"
exit 0
