#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Benchmark section "tailwrite", in-guest half (bench.sh boots it with an
# igb device): what one trapped RX tail write costs igb_vf_migration while
# saving, posting one descriptor or a whole ring (vfio_tail_bench plays the
# guest's driver on VF 0).  Rings of 4096 descriptors (igbvf's largest) and
# 65535 (the largest the register takes); buffers from a pool of 8192
# pages.  Prints, medians over <rounds> writes each:
#   bench: igb-tail-post-1-us                 one descriptor, ring 4096
#   bench: igb-tail-post-4095-us              a whole ring of 4096
#   bench: igb-tail-post-65534-us             a whole ring of 65535
#   bench: igb-tail-post-per-desc-ns          the last, per descriptor
# usage: tailwrite-guest.sh <rounds>
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/sriov.sh"

rounds=${1:-9}
trap l2_netns_teardown EXIT
# The PF, two VFs bound to our vfio-pci.
sriov_prepare >"$VMT_DIR/tailwrite-prepare.log" 2>&1 ||
	{ echo "# tailwrite: setup failed: $(tail -n1 "$VMT_DIR/tailwrite-prepare.log")"; exit 1; }
vf=${SRIOV_VFS[0]}
[ "$(sriov_vendor_of "$vf")" = igb_vf_migration ] ||
	{ echo "# tailwrite: VF $vf not taken by igb_vf_migration"; exit 1; }

# median <descriptors> <file>: of the "post" lines for that many
median() {
	awk -v n="$1" '$1 == "post" && $2 == n { print $3 }' "$2" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "nan" }'
}

status=0
for ring in 4096 65535; do
	out=$VMT_DIR/tailwrite-$ring.raw
	if ! "$BIN/vfio_tail_bench" "$vf" "$ring" 8192 "$rounds" >"$out" 2>"$out.err"; then
		echo "# tailwrite: ring $ring failed: $(head -n1 "$out.err")"
		status=1
		continue
	fi
	full=$(median $((ring - 1)) "$out")
	if [ "$ring" = 4096 ]; then
		awk -v v="$(median 1 "$out")" 'BEGIN { printf "bench: igb-tail-post-1-us %.1f us\n", v / 1000 }'
	else
		awk -v v="$full" -v n=$((ring - 1)) 'BEGIN { printf "bench: igb-tail-post-per-desc-ns %.0f ns\n", v / n }'
	fi
	awk -v v="$full" -v n=$((ring - 1)) 'BEGIN { printf "bench: igb-tail-post-%d-us %.0f us\n", n, v / 1000 }'
done
echo "# tailwrite: VF $vf, $rounds writes of each size, saving (v1), nothing received meanwhile"
for vf in "${SRIOV_VFS[@]:0:2}"; do
	vfio_unbind "$vf"
done
for m in igb_vf_migration vfio_pci_nic_vf vfio_pci; do
	module_loaded $m && rmmod $m
done
exit "$status"
