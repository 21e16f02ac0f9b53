// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counters an operator or a test reads instead of parsing dmesg:
 * <debugfs>/vfio-pci/<domain:bus:slot.fn>/stats, one "name value" line
 * each, for as long as vfio-pci owns the device.  The engine's lines come
 * first ("migration.*", devices with migration only), then the vendor's
 * (its show_stats op).  Not a stable ABI: debugfs.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vfio_pci_vendor_priv.h"

static struct dentry *vfio_pci_debugfs_root;

static int stats_show(struct seq_file *m, void *unused)
{
	struct vfio_pci_device *vpdev = m->private;

	if (vfio_pci_mig_ops(vpdev))
		vfio_pci_mig_show_stats(vpdev, m);
	if (vpdev->vendor && vpdev->vendor->show_stats)
		vpdev->vendor->show_stats(&vpdev->core.vdev, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

void vfio_pci_debugfs_init(void)
{
	vfio_pci_debugfs_root = debugfs_create_dir("vfio-pci", NULL);
}

void vfio_pci_debugfs_exit(void)
{
	debugfs_remove(vfio_pci_debugfs_root);
}

/*
 * debugfs_remove() waits for readers in stats_show(), so the device and
 * its vendor data outlive every read.
 */
void vfio_pci_debugfs_add(struct vfio_pci_device *vpdev)
{
	struct pci_dev *pdev = vpdev->core.pdev;

	vpdev->debugfs = debugfs_create_dir(pci_name(pdev),
					    vfio_pci_debugfs_root);
	debugfs_create_file("stats", 0400, vpdev->debugfs, vpdev, &stats_fops);
}

void vfio_pci_debugfs_remove(struct vfio_pci_device *vpdev)
{
	debugfs_remove(vpdev->debugfs);
	vpdev->debugfs = NULL;
}
