# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel modules in the guest: loaded, referenced, refused (module_*).

# Reference count of a loaded module, or "absent".
module_refcnt() {
	local m=${1//-/_}
	if [ -r "/sys/module/$m/refcnt" ]; then
		cat "/sys/module/$m/refcnt"
	else
		echo absent
	fi
}

# References to a loaded module other than its users' (each module that
# uses its symbols holds one, listed in holders/): what open devices and
# the like still hold.  "absent" when it is not loaded.
module_unheld_refs() {
	local m=${1//-/_} h n=0
	[ -r "/sys/module/$m/refcnt" ] || { echo absent; return 0; }
	for h in "/sys/module/$m/holders/"*; do
		[ -e "$h" ] && n=$((n + 1))
	done
	echo $(($(cat "/sys/module/$m/refcnt") - n))
}

module_loaded() { [ -d "/sys/module/${1//-/_}" ]; }

# Refuse a module by alias for the rest of this boot (modprobe.d blacklist).
module_blacklist() { echo "blacklist $1" >>/run/modprobe.d/vmtest.conf; }

module_clear_blacklist() { rm -f /run/modprobe.d/vmtest.conf; }

# Let only one of the vendor modules that claim the edu alias autoload.
module_only_edu_sample() {
	local m
	for m in $(awk '$2 == "vfio-pci:1234-11e8" { print $3 }' \
		   "/lib/modules/$KVER/modules.alias"); do
		[ "$m" = "$1" ] || module_blacklist "$m"
	done
}
