#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "libvirt": migrated the way operators migrate.  Two libvirt hosts
# in the test guest (lib/libvirt.sh), each with its own namespaces; "virsh
# migrate --live" moves a domain between them, libvirt binding and giving
# back the devices itself:
#  - an edu device as a managed <hostdev>: libvirt binds it to vfio-pci
#    and our edu_migration loads by alias; with QEMU 10.0 (protocol v2),
#    then QEMU 7.2 (v1), the guest program's checks pass on the
#    destination.  Before the good run, two that must fail as libvirt
#    reports them, the source domain running on with a working device: a
#    migration cancelled with "virsh domjobabort", and a destination device
#    without a migration driver (vendor_drivers=off).
#  - an igb VF as an <interface type='hostdev'> with a MAC and a VLAN
#    (QEMU 10.0): each host owns an igb PF in its network namespace, and
#    libvirt sets each host's VF up through it; the guest's ping stream
#    goes on from the destination.  Before it, a destination whose VF
#    libvirt set up with another VLAN: the migration fails and the source
#    runs on.
#  - virsh nodedev-detach and nodedev-reattach, of an edu device and of a
#    VF that igbvf had.
# After each part, every device is back with the driver it had and no
# module reference is left.  Runs inside the test guest (LIBVIRT_VM_OPTS).
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"
. "$VMT_TOP/tools/testing/lib/l2.sh"
. "$VMT_TOP/tools/testing/lib/e2e.sh"
. "$VMT_TOP/tools/testing/lib/sriov.sh"
. "$VMT_TOP/tools/testing/lib/libvirt.sh"

DOM=lvguest
RUN=$VMT_DIR/libvirt
L2DIR=$RUN
mkdir -p "$RUN"

cleanup() {
	local h
	for h in a b; do
		lv_virsh "$h" destroy "$DOM" >/dev/null 2>&1
	done
	lv_host_stop_all
	L2PID=()
	l2_stop_all
	l2_netns_teardown
}
trap cleanup EXIT

# lv_create <device xml> <emulator> <prop> <type> <value>: start the domain
# on host a, console on the src FIFOs; its QEMU is then L2PID[src].
lv_create() {
	local xml=$L2DIR/src.xml
	l2_fifos src
	lv_domain_xml "$DOM" "$2" "$L2FIFO/src-ser" "$1" "$3" "$4" "$5" >"$xml"
	lv_virsh a create "$xml" >"$L2DIR/src-virsh.log" 2>&1 || return 1
	L2PID[src]=$(pgrep -n -f "path=$L2FIFO/src-ser")
}

# lv_migrate <name> [virsh migrate options...]: migrate the domain from
# host a to host b, whose device is LV_DST (LV_DST_VLAN: another VLAN for
# it), as an operator does; virsh's messages and exit status are kept in
# the part's folder (<name>-migrate.out, .rc).
lv_migrate() {
	local name=$1 rc
	shift
	lv_virsh a dumpxml --migratable "$DOM" >"$L2DIR/src-live.xml"
	python3 "$VMT_TOP/tools/testing/e2e/lv-dest-xml.py" "$L2DIR/src-live.xml" \
		"$L2DIR/dst.xml" "$LV_DST" "$L2FIFO/src-ser" "$L2FIFO/dst-ser" \
		${LV_DST_VLAN:+"$LV_DST_VLAN"} || return 1
	l2_fifos dst
	stats_dump "$LV_SRC" >"$L2DIR/stats-before-src"
	stats_dump "$LV_DST" >"$L2DIR/stats-before-dst"
	tap_phase "libvirt migration $name: started"
	lv_virsh a migrate --live --p2p --xml "$L2DIR/dst.xml" \
		--migrateuri "tcp://${LV_IP[b]}:$LV_MIG_PORT" "$@" \
		"$DOM" "$(lv_uri b)" >"$L2DIR/$name-migrate.out" 2>&1
	rc=$?
	echo "$rc" >"$L2DIR/$name-migrate.rc"
	tap_phase "libvirt migration $name: virsh exited $rc"
	return $rc
}

# lv_stat <src|dst> <counter>: how much a counter of the part's device
# grew since the last migration began.
lv_stat() {
	local dev=$LV_SRC
	[ "$1" = dst ] && dev=$LV_DST
	stats_dump "$dev" >"$L2DIR/stats-now-$1"
	stats_delta "$L2DIR/stats-before-$1" "$L2DIR/stats-now-$1" "$2"
}

# The guest's progress on the source: edu transfers or ping replies.
lv_src_progress() {
	if [ "$LV_KIND" = net ]; then
		sriov_replies src
	else
		e2e_src_progress
	fi
}

# The source runs on with a working device after a failed migration: 40
# more transfers (two progress lines) or 40 more replies (2 s of stream).
lv_src_runs_on() {
	[ "$(lv_virsh a domstate "$DOM")" = running ] &&
		e2e_progress_grows lv_src_progress 40 90
}

# lv_tap_released <what> <bdf>=<driver>...: each device back with the
# driver it had before libvirt took it ("" for none), none left to
# vfio-pci.
lv_tap_released() {
	local what=$1 d bad='' now=''
	shift
	for d in "$@"; do
		now+="${now:+ }$(pci_driver_of "${d%%=*}")"
		[ "$(pci_driver_of "${d%%=*}")" = "${d#*=}" ] || bad=1
	done
	tap_result "$what: libvirt gave the devices back to the drivers they had (${now:-none})" \
		"$([ -z "$bad" ]; echo $?)"
}

# lv_tap_refs <what> <vendor module>: no module reference left once no
# device is bound: none on the vendor module (each device it owns holds
# one), and on vfio-pci only its users' and one for each registered
# vendor driver (vfio_pci_vendor_register()).
lv_tap_refs() {
	local what=$1 vendor=$2 e v m want=0
	e=$(module_refcnt "$vendor")
	v=$(module_unheld_refs vfio_pci)
	for m in edu_migration igb_vf_migration; do
		module_loaded "$m" && want=$((want + 1))
	done
	tap_result "$what: no module reference left ($vendor $e; vfio_pci $v beyond its users', $want vendors registered)" \
		"$({ [ "$e" = 0 ] || [ "$e" = absent ]; } && [ "$v" = "$want" ]; echo $?)"
}

# lv_boot <what> <device xml> <emulator> <prop> <type> <value>: the domain
# on host a, its guest program ready.
lv_boot() {
	local what=$1 ready=EDU-READY i drv owner
	shift
	[ "$LV_KIND" = net ] && ready='NET-READY|NET-FAIL'
	for i in 1 2; do
		if ! lv_create "$@"; then
			tap_not_ok "$what: libvirt starts the domain with $LV_SRC assigned"
			tap_diag <"$L2DIR/src-virsh.log"
			return 1
		fi
		drv=$(pci_driver_of "$LV_SRC")
		owner=$(vfio_owner "$LV_SRC")
		l2_wait "$L2DIR/src-serial.log" "$ready" 240 src &&
			! grep -aq NET-FAIL "$L2DIR/src-serial.log" && break
		# A nested guest under TCG now and then stalls as it boots:
		# once more, said out loud.
		echo "$what: the guest is not ready (attempt $i): $(tail -n1 "$L2DIR/src-serial.log")" | tap_diag
		lv_virsh a destroy "$DOM" >/dev/null 2>&1
		L2PID=()
		l2_stop_all
		mv "$L2DIR/src-serial.log" "$L2DIR/src-serial.attempt$i.log"
		i=fail
	done
	tap_ok "$what: libvirt starts the domain with $LV_SRC assigned"
	tap_result "$what: libvirt bound $LV_SRC to vfio-pci, our $LV_VENDOR loaded by alias ($drv, $owner)" \
		"$([ "$drv" = vfio-pci ] && [ "$owner" = "$LV_VENDOR" ]; echo $?)"
	if [ "$i" = fail ]; then
		tap_not_ok "$what: the domain's guest program is ready"
		tail -n 5 "$L2DIR/src-serial.attempt2.log" "$RUN/lv-a/log/qemu/$DOM.log" | tap_diag
		return 1
	fi
	tap_phase "$what: domain on host a ready"
}

# lv_jobinfo: what libvirt reports of the completed migration (on the
# destination), as "# " lines; its total downtime (ms) in the part's
# result downtime_ms.
lv_jobinfo() {
	lv_virsh b domjobinfo --completed "$DOM" >"$L2DIR/domjobinfo"
	tap_diag <"$L2DIR/domjobinfo"
	l2_record status completed
	l2_record downtime_ms "$(lv_jobfigure 'Total downtime')"
	l2_record total_ms "$(lv_jobfigure 'Time elapsed')"
}

# A figure (ms) of the completed job, by its name in domjobinfo.
lv_jobfigure() {
	awk -F: -v name="$1" '$1 == name { gsub(/[^0-9]/, "", $2); print $2 }' \
		"$L2DIR/domjobinfo"
}

# lv_good <what>: the migration that must work, then the checks of the
# part's kind (lv_checks_edu, lv_checks_net).
lv_good() {
	local what=$1 owner
	if ! lv_migrate good; then
		tap_not_ok "$what: virsh migrate --live moved the domain to host b"
		tap_diag <"$L2DIR/good-migrate.out"
		return 1
	fi
	tap_ok "$what: virsh migrate --live moved the domain to host b"
	L2PID[dst]=$(pgrep -n -f "path=$L2FIFO/dst-ser")
	# Before the guest program ends, and its VM with it.
	owner=$(vfio_owner "$LV_DST")
	tap_result "$what: the device moved with the domain ($LV_DST: $owner)" \
		"$([ "$owner" = "$LV_VENDOR" ]; echo $?)"
	lv_jobinfo
	"lv_checks_$LV_KIND" "$what" "$(l2_result downtime_ms)"
	lv_tap_released "$what: source" "$LV_SRC=$LV_SRC_DRV"
}

lv_checks_edu() {
	e2e_finish_guest dst
	E2E_TAP_PREFIX=$1 e2e_tap_checks "$(l2_result where)" "$(l2_result dmas)" \
		"$2" "$(l2_result checks)"
}

# What the destination's VF and guest show after a completed migration:
# the stream goes on from there, frames of the guest's MTU and its
# multicast group reach it from the PF side, libvirt set the VF up as on
# the source and our driver only verified it.
lv_checks_net() {
	local what=$1 downtime=$2 admin restored applied
	sriov_dst_stream
	# While the destination VM runs: the VF's settings and counters go
	# with the domain.
	admin=$(lv_vf_admin b)
	restored=$(lv_stat dst nic_vf.restored)
	applied=$(lv_stat dst nic_vf.admin_applied)
	l2_record admin "$admin"
	sriov_dst_probe "${LV_PF[b]}.$SRIOV_VLAN" "${LV_NS[b]}"
	sriov_report "$what"
	tap_result "$what: downtime reported by libvirt (${downtime:-none} ms)" \
		"$([ -n "$downtime" ]; echo $?)"
	tap_result "$what: libvirt set host b's VF up as on host a ($admin)" \
		"$([ "$admin" = "$SRIOV_MAC vlan $SRIOV_VLAN" ]; echo $?)"
	tap_result "$what: the destination restored the VF and set nothing itself (restores $restored, applied $applied)" \
		"$([ "$restored" = 1 ] && [ "$applied" = 0 ]; echo $?)"
	tap_result "$what: the stream continues from the destination ($(sriov_gap dst) replies there, longest gap $(sriov_gap gap_ms) ms)" \
		"$([ "$(sriov_gap dst)" -ge 20 ] 2>/dev/null; echo $?)"
	tap_result "$what: the guest's MTU and multicast group hold on the destination" \
		"$([ "$(l2_result jumbo)" = 1 ] && [ "$(l2_result mcast)" = 1 ]; echo $?)"
	tap_result "$what: the guest's checks on the destination ($(l2_result checks | tr '\n' ';'))" \
		"$([ "$(l2_result where)" = dst ] && [ "$(l2_result guest_ok)" = 1 ]; echo $?)"
}

# lv_end <what>: no domain left; every device back, no reference left.
lv_end() {
	lv_virsh a destroy "$DOM" >/dev/null 2>&1
	lv_virsh b destroy "$DOM" >/dev/null 2>&1
	L2PID=()
	l2_stop_all
	lv_tap_released "$1, domain gone" "$LV_SRC=$LV_SRC_DRV" "$LV_DST=$LV_DST_DRV"
	lv_tap_refs "$1" "$LV_VENDOR"
}

# lv_part <folder> <kind> <vendor module> <src bdf> <dst bdf>: the next
# part's devices (and the drivers they have now) and logs.
lv_part() {
	L2DIR=$RUN/$1
	mkdir -p "$L2DIR"
	l2_results_clear
	l2_record guest_ok 0
	LV_KIND=$2 LV_VENDOR=$3 LV_SRC=$4 LV_DST=$5
	LV_SRC_DRV=$(pci_driver_of "$4")
	LV_DST_DRV=$(pci_driver_of "$5")
}

if ! lv_have; then
	tap_not_ok "libvirt 11 (libvirtd, virsh, the QEMU driver) is installed (make deps)"
	exit 1
fi
e2e_need_qemu10 || exit 1
module_only_edu_sample edu_migration
modprobe vfio-pci
mapfile -t EDU < <(pci_edu_devices)
if [ ${#EDU[@]} -lt 2 ] || ! l2_netns_setup; then
	tap_not_ok "two edu devices and two network namespaces"
	exit 1
fi
l2_accel
if ! lv_net_prepare >"$RUN/net-prepare.log" 2>&1; then
	tap_not_ok "an igb PF with a VF in each host's network namespace"
	tap_diag <"$RUN/net-prepare.log"
	exit 1
fi
tap_ok "host a owns igb PF ${LV_PF[a]} (VF ${LV_VF[a]}), host b ${LV_PF[b]} (VF ${LV_VF[b]}); L2 accel $L2ACCEL_NAME"
for h in a b; do
	if ! lv_host_start "$h"; then
		tap_not_ok "libvirtd of host $h answers over TCP"
		tail -n 20 "$RUN/lv-$h/libvirtd.out" "$RUN/lv-$h/log/libvirtd.log" | tap_diag
		exit 1
	fi
done
tap_ok "two libvirt hosts ($(lv_virsh a version | awk '/library/ { print $NF; exit }')), each in its own namespaces, answer over TCP"
EMU10=$(lv_emulator_qemu10)

# QEMU 10.0 with an edu device, and the two failures.
lv_part qemu10 edu edu_migration "${EDU[0]}" "${EDU[1]}"
if lv_boot "QEMU 10.0" "$(lv_hostdev_xml "$LV_SRC")" "$EMU10" enable-migration string on; then
	# A cancelled migration: slow (1 MiB/s) so it is still running.
	lv_migrate abort --bandwidth 1 &
	mig=$!
	end=$((SECONDS + 60))
	while [ $SECONDS -lt $end ]; do
		lv_virsh a domjobinfo "$DOM" 2>/dev/null | grep -q '^Job type:.*Unbounded' && break
		sleep 0.5	# the job starts once the destination is ready
	done
	lv_virsh a domjobabort "$DOM" >"$L2DIR/abort-domjobabort.out" 2>&1
	wait "$mig"
	tap_result "virsh domjobabort: virsh migrate fails, saying so ($(head -n1 "$L2DIR/abort-migrate.out"))" \
		"$([ "$(cat "$L2DIR/abort-migrate.rc")" != 0 ] && grep -qi 'cancel\|abort' "$L2DIR/abort-migrate.out"; echo $?)"
	tap_result "virsh domjobabort: the source domain runs on, its device working" \
		"$(lv_src_runs_on; echo $?)"
	lv_tap_released "virsh domjobabort: destination" "$LV_DST=$LV_DST_DRV"

	# A destination whose device gets no migration driver.
	echo off >/sys/module/vfio_pci/parameters/vendor_drivers
	lv_migrate nodriver
	rc=$?
	echo auto >/sys/module/vfio_pci/parameters/vendor_drivers
	tap_result "destination without a migration driver: virsh migrate fails, saying why ($(grep -m1 -i 'error' "$L2DIR/nodriver-migrate.out" | sed 's/.*: //'))" \
		"$([ "$rc" != 0 ] && grep -qi 'migration' "$L2DIR/nodriver-migrate.out"; echo $?)"
	tap_result "destination without a migration driver: the source domain runs on, its device working" \
		"$(lv_src_runs_on; echo $?)"
	lv_tap_released "destination without a migration driver" "$LV_DST=$LV_DST_DRV"

	lv_good "QEMU 10.0"
fi
lv_end "QEMU 10.0"

# QEMU 7.2 (protocol v1): x-enable-migration, a bool, through the same
# qemu:override; our vfio-pci offers the v1 region it needs.
lv_part qemu72 edu edu_migration "${EDU[0]}" "${EDU[1]}"
lv_boot "QEMU 7.2" "$(lv_hostdev_xml "$LV_SRC")" /usr/bin/qemu-system-x86_64 \
	x-enable-migration bool true && lv_good "QEMU 7.2"
lv_end "QEMU 7.2"

# An igb VF as the domain's network interface (QEMU 10.0).
lv_part sriov net igb_vf_migration "${LV_VF[a]}" "${LV_VF[b]}"
sriov_client v2
if lv_boot "SR-IOV" "$(lv_interface_xml "$LV_SRC" "$SRIOV_MAC" "$SRIOV_VLAN")" \
	"$EMU10" enable-migration string on; then
	tap_result "SR-IOV: libvirt set host a's VF up through its PF ($(lv_vf_admin a))" \
		"$([ "$(lv_vf_admin a)" = "$SRIOV_MAC vlan $SRIOV_VLAN" ]; echo $?)"
	sleep "$SRIOV_SETTLE"	# a stretch of the stream before migrating
	dmesg -C
	LV_DST_VLAN=$((SRIOV_VLAN + 1)) lv_migrate vlan
	rc=$?
	dmesg >"$L2DIR/vlan-dmesg.txt"
	tap_result "destination VF set up with another VLAN: virsh migrate fails ($(grep -m1 -i 'error' "$L2DIR/vlan-migrate.out" | sed 's/.*: //'))" \
		"$([ "$rc" != 0 ]; echo $?)"
	# The device is released with its counters when the destination
	# QEMU exits: the line the admin guide tells operators to look for.
	tap_result "destination VF set up with another VLAN: our driver refused the device state, saying why" \
		"$(grep -q "administrator settings differ from the source's (vlan)" "$L2DIR/vlan-dmesg.txt"; echo $?)"
	tap_result "destination VF set up with another VLAN: the source domain runs on, its stream flowing" \
		"$(lv_src_runs_on; echo $?)"
	lv_tap_released "destination VF set up with another VLAN" "$LV_DST=$LV_DST_DRV"
	lv_good "SR-IOV"
fi
lv_end "SR-IOV"

# What an operator does by hand: nodedev-detach binds a device to
# vfio-pci (our vendor driver loads), nodedev-reattach gives it back.
lv_part nodedev edu edu_migration "${EDU[0]}" "${EDU[1]}"
nd=$(lv_nodedev "$LV_SRC")
lv_virsh a nodedev-detach "$nd" >"$L2DIR/nodedev.out" 2>&1
tap_result "virsh nodedev-detach $nd: bound to vfio-pci, edu_migration owns it ($(pci_driver_of "$LV_SRC"), $(vfio_owner "$LV_SRC"))" \
	"$([ "$(pci_driver_of "$LV_SRC")" = vfio-pci ] && [ "$(vfio_owner "$LV_SRC")" = edu_migration ]; echo $?)"
lv_virsh a nodedev-reattach "$nd" >>"$L2DIR/nodedev.out" 2>&1
lv_tap_released "virsh nodedev-reattach" "$LV_SRC=$LV_SRC_DRV"
lv_tap_refs "virsh nodedev-reattach" edu_migration
# A VF that a host driver (igbvf) had: it goes back to it.
modprobe igbvf
echo "${LV_VF[a]}" >"$PCI/drivers_probe"
lv_part nodedev-vf net igb_vf_migration "${LV_VF[a]}" "${LV_VF[b]}"
nd=$(lv_nodedev "$LV_SRC")
lv_virsh a nodedev-detach "$nd" >"$L2DIR/nodedev.out" 2>&1
tap_result "virsh nodedev-detach $nd (a VF igbvf had): bound to vfio-pci, igb_vf_migration owns it ($(pci_driver_of "$LV_SRC"), $(vfio_owner "$LV_SRC"))" \
	"$([ "$LV_SRC_DRV" = igbvf ] && [ "$(pci_driver_of "$LV_SRC")" = vfio-pci ] && [ "$(vfio_owner "$LV_SRC")" = igb_vf_migration ]; echo $?)"
lv_virsh a nodedev-reattach "$nd" >>"$L2DIR/nodedev.out" 2>&1
lv_tap_released "virsh nodedev-reattach of the VF" "$LV_SRC=$LV_SRC_DRV"
lv_tap_refs "virsh nodedev-reattach of the VF" igb_vf_migration
tap_result "with every device given back, the vendor modules unload (modprobe -r edu_migration igb_vf_migration)" \
	"$(modprobe -r edu_migration igb_vf_migration; echo $?)"
tap_result "then vfio-pci unloads too ($(module_refcnt vfio_pci) references left)" \
	"$(modprobe -r vfio-pci; echo $?)"
exit 0
