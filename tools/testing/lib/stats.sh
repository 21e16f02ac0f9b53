# SPDX-License-Identifier: GPL-2.0-only
#
# vfio-pci's counters (debugfs vfio-pci/<bdf>/stats: "migration.*" from the
# engine, "nic_vf.*" and "<vendor>.*" from vendor drivers), for tests that
# check what the kernel did without reading its log lines.  In the guest.

STATS_DIR=/sys/kernel/debug/vfio-pci

# stats_dump <bdf>: the device's counters, one "name value" line each;
# nothing when vfio-pci does not own it.
stats_dump() {
	[ -d "$STATS_DIR" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	cat "$STATS_DIR/$1/stats" 2>/dev/null
	return 0
}

# stats_get <bdf> <name>: one counter's value, or nothing when absent.
stats_get() {
	stats_dump "$1" | awk -v k="$2" '$1 == k { print $2 }'
}

# stats_value <file> <name>: a counter in a dump saved by stats_dump.
stats_value() {
	awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null
}

# stats_delta <before file> <after file> <name>: how much a counter grew
# between two dumps (a counter absent from a dump counts as 0).
stats_delta() {
	local a b
	a=$(stats_value "$1" "$3")
	b=$(stats_value "$2" "$3")
	echo $((${b:-0} - ${a:-0}))
}
