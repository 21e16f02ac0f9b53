#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "migration": the v1 migration region driven by a userspace client
# (no QEMU), on two edu devices owned by the edu_migration sample.
# Runs inside the test guest.
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

module_only_edu_sample edu_migration
modprobe vfio-pci
WORK=/tmp/migration
mkdir -p "$WORK"

mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -lt 2 ]; then
	tap_not_ok "two edu devices present"
	exit 1
fi
owners=
for bdf in "${edus[@]:0:2}"; do
	vfio_bind "$bdf"
	owners+=" $(cat "$PCI/devices/$bdf/vfio_vendor_driver")"
done
tap_result "edu_migration autoloaded and owns both edu devices" \
	"$([ "$owners" = " edu_migration edu_migration" ]; echo $?)"

VFIO_TEST_SRC_BDF=${edus[0]} VFIO_TEST_DST_BDF=${edus[1]} "$BIN/vfio_migration" \
	>"$WORK/vfio_migration.out" 2>"$WORK/vfio_migration.err"
tap_harness "v1 client" "$?" <"$WORK/vfio_migration.out"
sed 's/^/# stderr: /' "$WORK/vfio_migration.err"

# The client's corrupted and foreign streams were counted as such, and the
# operator's dmesg line names the reason (the documented format).
checksum=0 identity=0
for bdf in "${edus[@]:0:2}"; do
	n=$(stats_get "$bdf" migration.rejected_checksum)
	checksum=$((checksum + ${n:-0}))
	n=$(stats_get "$bdf" migration.rejected_identity)
	identity=$((identity + ${n:-0}))
done
tap_result "rejected streams are counted by reason (checksum $checksum, another device $identity)" \
	"$([ "$checksum" -ge 1 ] && [ "$identity" -ge 1 ]; echo $?)"
tap_result "the operator's dmesg line names the reason" \
	"$(dmesg | grep -q 'migration: stream rejected: stream checksum mismatch (-EBADMSG)'; echo $?)"

for bdf in "${edus[@]:0:2}"; do
	vfio_unbind "$bdf"
done

tap_check "edu_migration and vfio-pci unload after the devices are released" \
	modprobe -r edu_migration vfio-pci

# Before each of a v1 client's dirty syncs (it reads pending_bytes first),
# the engine lets the vendor bring its reports up to date (sync_dirty):
# the test vendor counts the calls.  No autoload, so edu_migration stays
# out of the way.
TESTMOD=vfio_pci_test_vendor
modprobe vfio-pci
echo noautoload >/sys/module/vfio_pci/parameters/vendor_drivers
insmod "$(modinfo -n $TESTMOD)" mig_v1=1
vfio_bind "${edus[0]}"
owner=$(cat "$PCI/devices/${edus[0]}/vfio_vendor_driver")
"$BIN/vfio_mig_sync" "${edus[0]}" 3
rc=$?
syncs=$(cat /sys/module/$TESTMOD/parameters/syncs)
tap_result "a vendor's sync_dirty runs at each of a v1 client's pending_bytes reads (owner $owner, client exit $rc, $syncs calls for 3 reads)" \
	"$([ "$owner" = test_vendor ] && [ "$rc" = 0 ] && [ "$syncs" = 3 ]; echo $?)"
vfio_unbind "${edus[0]}"
rmmod $TESTMOD
# And before each device DMA-log report (protocol v2), where the kernel
# offers the log.
insmod "$(modinfo -n $TESTMOD)" mig_log=1
vfio_bind "${edus[0]}"
"$BIN/vfio_mig_sync" "${edus[0]}" 4 log
rc=$?
syncs=$(cat /sys/module/$TESTMOD/parameters/syncs)
if [ "$rc" = 3 ]; then
	tap_skip "a vendor's sync_dirty runs before each DMA-log report" "no device DMA logging on $KVER"
else
	tap_result "a vendor's sync_dirty runs before each DMA-log report (client exit $rc, $syncs calls for 4 reports)" \
		"$([ "$rc" = 0 ] && [ "$syncs" = 4 ]; echo $?)"
fi
vfio_unbind "${edus[0]}"
rmmod $TESTMOD
# Once the device pinned a page through type1, type1 reports only pinned
# pages of it: a save that ends with the device running again must leave
# reporting on (a v2 client's next migration may track dirty pages before
# the device hears of it) until the device is closed; the next save
# restarts the vendor's saving (two saves, two start_saving calls).  A pin
# racing the end of a save (in the vendor's stop_saving) turns reporting
# back on at once (one more start_saving); if that start fails, reporting
# is off until the next save and the operator is told.  A save that
# pinned nothing ends it.
#   <module parameters> <reporting after save 1> <after save 2> <starts> <what>
PIN_CASES=$(cat <<'EOF'
mig_pin=1 1 1 2 a save that pinned a page leaves reporting on until close
mig_pin_late=1 1 1 3 a pin racing the end of a save turns reporting back on
mig_pin_late=1,mig_fail_start=2 0 1 2 a failed start after a late pin leaves reporting off until the next save
mig_log=1 0 0 2 a save that pinned nothing ends reporting with it
EOF
)
while read -r params want1 want starts_want what; do
	dmesg -C
	# shellcheck disable=SC2086 # one word per parameter
	insmod "$(modinfo -n $TESTMOD)" ${params//,/ }
	vfio_bind "${edus[0]}"
	out=$("$BIN/vfio_mig_sync" "${edus[0]}" pin /sys/module/$TESTMOD/parameters/saving)
	rc=$?
	after1=$(sed -n 's/^saving after save 1: //p' <<<"$out")
	after=$(sed -n 's/^saving after the session: //p' <<<"$out")
	closed=$(cat /sys/module/$TESTMOD/parameters/saving)
	starts=$(cat /sys/module/$TESTMOD/parameters/starts)
	# Counted, and the warning (documented in the admin guide) is the
	# operator's sign of the failed start.
	lost=$(stats_get "${edus[0]}" migration.reporting_lost)
	warned=0
	dmesg | grep -q 'device writes go unreported after a save in which the device pinned pages' && warned=1
	warn_want=0
	[ "$params" = "${params#*mig_fail_start}" ] || warn_want=1
	tap_result "$what (client exit $rc, reporting after save 1: $after1, after save 2: $after, after close: $closed, start_saving calls: $starts, reporting lost: $lost, warned: $warned)" \
		"$([ "$rc" = 0 ] && [ "$after1" = "$want1" ] && [ "$after" = "$want" ] &&
		   [ "$closed" = 0 ] && [ "$starts" = "$starts_want" ] &&
		   [ "$lost" = "$warn_want" ] && [ "$warned" = "$warn_want" ]; echo $?)"
	vfio_unbind "${edus[0]}"
	rmmod $TESTMOD
done <<<"$PIN_CASES"
# A device write over many pages is reported page by page, through type1:
# more pages than vfio-pci keeps room for on its stack (4), and than one
# pin batch (512).  Exactly those pages, not the next one mapped.
for pages in 5 600; do
	insmod "$(modinfo -n $TESTMOD)" mig_pin=1 mig_pin_pages=$pages
	vfio_bind "${edus[0]}"
	out=$("$BIN/vfio_mig_sync" "${edus[0]}" dirty $((pages + 1)))
	rc=$?
	tap_result "a mark of $pages pages reports each of them and no other (client exit $rc, $out)" \
		"$([ "$rc" = 0 ] &&
		   [ "$out" = "dirty: $pages of $((pages + 1)) pages, first 0, last $((pages - 1))" ]
		   echo $?)"
	vfio_unbind "${edus[0]}"
	rmmod $TESTMOD
done
tap_check "vfio-pci unloads after the device is released" modprobe -r vfio-pci
exit 0
