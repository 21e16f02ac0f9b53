#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Suite "passthrough": one edu device driven through the whole VFIO device
# uAPI (vfio_passthrough) under each configuration, in one boot:
#   stock     Debian's in-tree vfio-pci (the reference)
#   none      our vfio-pci, no vendor driver (default ops)
#   skeleton  our vfio-pci with edu_skeleton
#   override  our vfio-pci with edu_override
# Each configuration's fingerprint ("R <category>.<key> <value>" lines) is
# compared with stock's, per category.  Stock runs twice (first and last)
# to show the fingerprint is reproducible.  Documented differences:
# edu_override traps BAR0's first page (sparse-mmap capability, mmap of
# page 0 refused), refuses factorial arguments above 12 with EINVAL and
# any write over the factorial register that is not 4 bytes at 0x08.
# Runs inside the guest (see run-vm.sh).
set -u
. "$VMT_TOP/tools/testing/lib/guest.sh"

# Every installed module with the edu alias: all but the wanted one are
# blacklisted in each configuration.
mapfile -t SAMPLES < <(modprobe -R vfio-pci:1234-11e8 2>/dev/null | sort -u)
WORK=/tmp/passthrough
mkdir -p "$WORK"

mapfile -t edus < <(pci_edu_devices)
if [ ${#edus[@]} -lt 1 ]; then
	tap_not_ok "an edu device is present"
	exit 1
fi
bdf=${edus[0]}
tap_diag <<<"device $bdf (IOMMU group $(pci_iommu_group "$bdf"))"

# Unbind and unload every vfio-pci flavour and vendor driver.
teardown() {
	local m
	vfio_unbind "$bdf"
	for m in "${SAMPLES[@]}" vfio_pci; do
		module_loaded "$m" && rmmod "$m"
	done
	module_clear_blacklist
	! module_loaded vfio_pci
}

# Load and bind one configuration; prints why it failed.
setup() {
	local cfg=$1 want m
	teardown || { echo "cannot unload the previous configuration"; return 1; }
	case $cfg in
	stock*)
		vfio_load_stock || { echo "cannot load stock vfio-pci"; return 1; }
		[ ! -e /sys/module/vfio_pci/parameters/vendor_drivers ] ||
			{ echo "the loaded vfio_pci is not the stock module"; return 1; }
		vfio_bind "$bdf" || { echo "bind failed"; return 1; }
		[ ! -e "$PCI/devices/$bdf/vfio_vendor_driver" ] ||
			{ echo "stock module has our sysfs attribute"; return 1; }
		return 0 ;;
	none) want=none ;;
	*) want=edu_$cfg ;;
	esac
	for m in "${SAMPLES[@]}"; do
		[ "$m" = "$want" ] || module_blacklist "$m"
	done
	modprobe vfio-pci || { echo "modprobe vfio-pci failed"; return 1; }
	[ -e /sys/module/vfio_pci/parameters/vendor_drivers ] ||
		{ echo "the loaded vfio_pci is not ours"; return 1; }
	vfio_bind "$bdf" || { echo "bind failed"; return 1; }
	local got
	got=$(cat "$PCI/devices/$bdf/vfio_vendor_driver")
	[ "$got" = "$want" ] ||
		{ echo "vfio_vendor_driver is '$got', expected '$want'"; return 1; }
}

# run_config <name>: fingerprint in $WORK/<name>.fp; TAP lines passed on.
run_config() {
	local cfg=$1 why
	if ! why=$(setup "$cfg" 2>&1); then
		tap_not_ok "$cfg: device bound for the configuration"
		tap_diag <<<"$why"
		: >"$WORK/$cfg.fp"
		return 1
	fi
	tap_ok "$cfg: $bdf bound, vendor driver: $(cat "$PCI/devices/$bdf/vfio_vendor_driver" 2>/dev/null || echo "n/a (stock module)")"
	VFIO_TEST_BDF=$bdf "$BIN/vfio_passthrough" >"$WORK/$cfg.out" 2>"$WORK/$cfg.err"
	tap_harness "$cfg" "$?" <"$WORK/$cfg.out"
	grep '^R ' "$WORK/$cfg.out" | sort >"$WORK/$cfg.fp"
	sed 's/^/# stderr: /' "$WORK/$cfg.err"
	[ -s "$WORK/$cfg.fp" ] || tap_not_ok "$cfg: vfio_passthrough printed a fingerprint"
}

# Lines of one category, without the "R " prefix.
category() { sed -n "s/^R \($2\.[^ ]*\) /\1 /p" "$1"; }

# Documented differences: "<config> <key> <extended regex for its value>".
EXPECTED_DIFF=$(cat <<'EOF'
override info.region.0 ^flags=0xf size=0x100000 offset=0x0 caps=sparse\[0x1000\+0xff000\]$
override info.region.0.minsz ^ok argsz=[0-9]+ flags=0xf cap_offset=0$
override mmap.bar0.whole ^EINVAL$
override bar0.fact13 ^write=EINVAL wait=ok read=0x1c8cfc00$
override bar0.fact-write2@8 ^write=EINVAL wait=ok read=0x1c8cfc00$
override bar0.fact-write8@8 ^write=EINVAL wait=ok read=0x1c8cfc00$
override bar0.fact-write8@4 ^write=EINVAL wait=ok read=0x1c8cfc00$
EOF
)

# compare <config> <category>: prints the keys whose values differ from
# stock's beyond the documented differences (nothing when identical).
compare() {
	local cfg=$1 cat=$2 ref=$WORK/stock.fp key value
	local -A mine=() theirs=() allowed=()
	while read -r key value; do theirs[$key]=$value; done < <(category "$ref" "$cat")
	while read -r key value; do mine[$key]=$value; done < <(category "$WORK/$cfg.fp" "$cat")
	while read -r c key value; do
		[ "$c" = "$cfg" ] && allowed[$key]=$value
	done <<<"$EXPECTED_DIFF"
	[ ${#theirs[@]} -gt 0 ] || { echo "no $cat results from stock"; return 1; }
	for key in "${!theirs[@]}" "${!mine[@]}"; do
		[ "${mine[$key]-<missing>}" = "${theirs[$key]-<missing>}" ] && continue
		if [ -n "${allowed[$key]+x}" ] && [[ ${mine[$key]-} =~ ${allowed[$key]} ]]; then
			continue
		fi
		echo "$key: $cfg '${mine[$key]-<missing>}' stock '${theirs[$key]-<missing>}'"
	done | sort -u
}

CATEGORIES=(info feature config bar0 mmap msi intx reset badinput)

# The device starts from a state no later run sees (never enabled): one
# warm-up run under stock so that every compared run starts alike.
run_config stock-warmup >/dev/null
run_config stock
run_config none
run_config skeleton
run_config override
# A filter must write the value it checked, even when the user's buffer
# changes under the kernel's copy (vfio_write_race makes it change).
VFIO_TEST_BDF=$bdf "$BIN/vfio_write_race" >"$WORK/race.out" 2>"$WORK/race.err"
tap_harness override "$?" <"$WORK/race.out"
sed 's/^/# stderr: /' "$WORK/race.err"
run_config stock-again
teardown

diffs=$(diff "$WORK/stock.fp" "$WORK/stock-again.fp")
tap_result "stock: two runs in one boot give identical fingerprints ($(wc -l <"$WORK/stock.fp") results)" \
	"$([ -z "$diffs" ] && [ -s "$WORK/stock.fp" ]; echo $?)"
[ -z "$diffs" ] || head -n 20 <<<"$diffs" | tap_diag

for cfg in none skeleton override; do
	for cat in "${CATEGORIES[@]}"; do
		out=$(compare "$cfg" "$cat")
		rc=$?
		[ -z "$out" ] || rc=1
		extra=
		if [ "$cfg" = override ]; then
			case $cat in
			info) extra=" except BAR0's sparse-mmap capability (page 0 trapped)" ;;
			mmap) extra=" except mmap of BAR0 page 0 refused" ;;
			bar0) extra=" except factorial 13 and odd-shaped writes over it refused with EINVAL" ;;
			esac
		fi
		tap_result "$cfg: $cat results identical to stock vfio-pci$extra" "$rc"
		[ -z "$out" ] || head -n 20 <<<"$out" | tap_diag
	done
done

# The documented differences must be real, not just tolerated.
value_of() { sed -n "s/^R $2 //p" "$WORK/$1.fp"; }
while read -r cfg key regex; do
	v=$(value_of "$cfg" "$key")
	s=$(value_of stock "$key")
	ok=1
	[[ $v =~ $regex ]] && [ "$v" != "$s" ] && ok=0
	tap_result "$cfg: documented difference $key present ('$v', stock '$s')" "$ok"
done <<<"$EXPECTED_DIFF"
exit 0
