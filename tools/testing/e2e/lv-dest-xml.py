#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
#
# The domain XML a libvirt migration gives the destination ("virsh migrate
# --xml"): the source's migratable XML with the destination host's device
# and console, as an operator would edit it.
#
# usage: lv-dest-xml.py <in> <out> <bdf> <old console> <new console> [vlan]
#   <bdf>   the destination's device for the domain's one assigned device
#           (a <hostdev> or an <interface type='hostdev'>)
#   vlan    a VLAN tag for the interface other than the source's (a
#           destination set up differently, for the failure test)
import sys
import xml.etree.ElementTree as ET

QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0'
USAGE = 'usage: lv-dest-xml.py <in> <out> <bdf> <old console> <new console> [vlan]'


def pci_attrs(bdf):
    dom, bus, rest = bdf.split(':')
    slot, fn = rest.split('.')
    return {'domain': '0x' + dom, 'bus': '0x' + bus, 'slot': '0x' + slot,
            'function': '0x' + fn}


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(USAGE)
    src, out, bdf, old_con, new_con = sys.argv[1:6]
    vlan = sys.argv[6] if len(sys.argv) == 7 else None
    ET.register_namespace('qemu', QEMU_NS)
    tree = ET.parse(src)
    devices = tree.getroot().find('devices')
    assigned = devices.findall('hostdev') + \
        devices.findall("interface[@type='hostdev']")
    if len(assigned) != 1:
        sys.exit('lv-dest-xml: want one assigned device, found %d' %
                 len(assigned))
    addr = assigned[0].find('source/address')
    addr.attrib.update(pci_attrs(bdf))
    if vlan is not None:
        assigned[0].find('vlan/tag').set('id', vlan)
    for src_el in devices.findall('serial/source'):
        if src_el.get('path') == old_con:
            src_el.set('path', new_con)
    tree.write(out)


if __name__ == '__main__':
    main()
