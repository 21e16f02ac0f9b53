// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nic_vf library module: vendor-neutral helpers that NIC VF migration
 * drivers of vfio-pci share.  The pure logic (<linux/nic_vf.h>) is in the
 * other nic_vf_*.c files, also built by the userspace unit tests; the
 * kernel half (<linux/nic_vf/host.h>) in nic_vf_host.c.
 */
#include <linux/module.h>
#include <linux/vfio_pci_vendor.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Vendor-neutral helpers for NIC VF live-migration drivers of vfio-pci");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
