// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test-only vfio-pci vendor driver whose behaviour the registry tests
 * choose with module parameters: which device it claims, whether its probe
 * fails and with which errno, the name it registers under (to provoke a
 * duplicate), whether its ops are complete (to provoke a refused
 * registration, also of migration without dma_unmap or of more device irqs
 * than vfio-pci has room for), and whether it
 * registers at all (to tell the reference vfio-pci takes at registration
 * from the one the module loader takes for the symbol dependency).  It
 * counts the probes it sees so a test can tell whether the registry asked
 * it at all.
 *
 * It has no module alias: tests load it by name.  Never install it on a
 * real system.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/vfio_pci_vendor.h>
#include <uapi/linux/vfio_pci_vendor.h>

static char *vname = "test_vendor";
module_param(vname, charp, 0444);
MODULE_PARM_DESC(vname, "Name to register as (default test_vendor)");

static int probe_errno;
module_param(probe_errno, int, 0644);
MODULE_PARM_DESC(probe_errno, "Fail probe of a matching device with this errno (0: accept it)");

static ushort vendor_id = 0x1234;
module_param(vendor_id, ushort, 0644);
MODULE_PARM_DESC(vendor_id, "PCI vendor ID to claim (default 0x1234)");

static ushort device_id = 0x11e8;
module_param(device_id, ushort, 0644);
MODULE_PARM_DESC(device_id, "PCI device ID to claim (default 0x11e8)");

static bool incomplete;
module_param(incomplete, bool, 0444);
MODULE_PARM_DESC(incomplete, "Register without a remove callback (vfio-pci must refuse)");

static bool mig_no_unmap;
module_param(mig_no_unmap, bool, 0444);
MODULE_PARM_DESC(mig_no_unmap, "Register with migration but no dma_unmap (vfio-pci must refuse)");

static bool mig_v1;
module_param(mig_v1, bool, 0444);
MODULE_PARM_DESC(mig_v1, "Register v1 migration callbacks that save nothing and count sync_dirty calls");

static bool mig_log;
module_param(mig_log, bool, 0444);
MODULE_PARM_DESC(mig_log, "As mig_v1, with protocol v2 and device DMA logging too");

static bool mig_pin;
module_param(mig_pin, bool, 0444);
MODULE_PARM_DESC(mig_pin, "As mig_log, and start_saving marks IOVA 0 dirty through the container (it must be mapped)");

static uint mig_pin_pages = 1;
module_param(mig_pin_pages, uint, 0444);
MODULE_PARM_DESC(mig_pin_pages, "Pages mig_pin marks from IOVA 0 (default 1; more than 4, and than one pin batch of 512, take other paths; 0 makes start_saving fail)");

static bool mig_pin_late;
module_param(mig_pin_late, bool, 0444);
MODULE_PARM_DESC(mig_pin_late, "As mig_log, and stop_saving marks IOVA 0 dirty through the container, as a device write racing the end of a save does");

static int mig_fail_start;
module_param(mig_fail_start, int, 0444);
MODULE_PARM_DESC(mig_fail_start, "The start_saving call of this number (from 1) fails with -EIO");

static bool many_irqs;
module_param(many_irqs, bool, 0444);
MODULE_PARM_DESC(many_irqs, "Register with one device irq more than vfio-pci allows (vfio-pci must refuse)");

static bool noregister;
module_param(noregister, bool, 0444);
MODULE_PARM_DESC(noregister, "Load without registering (only links against vfio-pci)");

static atomic_t probes = ATOMIC_INIT(0);
static atomic_t owned = ATOMIC_INIT(0);
static atomic_t syncs = ATOMIC_INIT(0);
static atomic_t saving = ATOMIC_INIT(0);
static atomic_t starts = ATOMIC_INIT(0);
static atomic_t start_calls = ATOMIC_INIT(0);

static int counter_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops counter_ops = {
	.get = counter_get,
};

module_param_cb(probes, &counter_ops, &probes, 0444);
MODULE_PARM_DESC(probes, "Number of probe calls seen (read only)");
module_param_cb(owned, &counter_ops, &owned, 0444);
MODULE_PARM_DESC(owned, "Number of devices currently owned (read only)");
module_param_cb(syncs, &counter_ops, &syncs, 0444);
MODULE_PARM_DESC(syncs, "Number of sync_dirty calls seen with mig_v1 or mig_log (read only)");
module_param_cb(saving, &counter_ops, &saving, 0444);
MODULE_PARM_DESC(saving, "Devices between start_saving and stop_saving (read only)");
module_param_cb(starts, &counter_ops, &starts, 0444);
MODULE_PARM_DESC(starts, "Number of successful start_saving calls (read only)");

static void *test_vendor_probe(struct pci_dev *pdev)
{
	int err = abs(READ_ONCE(probe_errno));

	atomic_inc(&probes);
	if (pdev->vendor != READ_ONCE(vendor_id) ||
	    pdev->device != READ_ONCE(device_id))
		return ERR_PTR(-ENODEV);
	if (err) {
		pci_info(pdev, "test_vendor: failing probe with %d\n", -err);
		return ERR_PTR(-err);
	}
	atomic_inc(&owned);
	pci_info(pdev, "test_vendor: taking the device\n");
	return pdev;
}

static void test_vendor_remove(void *vendor_data)
{
	atomic_dec(&owned);
}

static const struct vfio_device_ops test_vendor_device_ops = {
	.name		= "vfio-pci-test-vendor",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= vfio_pci_vendor_open_device,
	.close_device	= vfio_pci_vendor_close_device,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= vfio_pci_vendor_read,
	.write		= vfio_pci_vendor_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

/* The same without dma_unmap (type1 would never let it pin a page). */
static struct vfio_device_ops test_vendor_no_unmap_ops;

static int test_mig_nop(struct vfio_device *vdev)
{
	return 0;
}

static int test_mig_start_saving(struct vfio_device *vdev)
{
	int ret = 0;

	if (mig_pin)
		ret = vfio_pci_dirty_mark(vdev, 0,
					  (size_t)mig_pin_pages * PAGE_SIZE);

	if (atomic_inc_return(&start_calls) == mig_fail_start)
		ret = -EIO;
	if (!ret) {
		atomic_inc(&saving);
		atomic_inc(&starts);
	}
	return ret;
}

static void test_mig_stop_saving(struct vfio_device *vdev)
{
	if (mig_pin_late)
		vfio_pci_dirty_mark(vdev, 0, PAGE_SIZE);
	atomic_dec(&saving);
}

static ssize_t test_mig_save(struct vfio_device *vdev, void *buf, size_t len)
{
	return 0;
}

static int test_mig_load(struct vfio_device *vdev, const void *buf,
			 size_t len, u32 version)
{
	return 0;
}

static void test_mig_sync_dirty(struct vfio_device *vdev)
{
	atomic_inc(&syncs);
}

/*
 * Complete migration ops that save nothing; init picks the protocols:
 * v2 for mig_no_unmap (only the missing dma_unmap is wrong), v1 for the
 * engine's calls around a v1 client's dirty syncs, both and device DMA
 * logging for mig_log (it reports nothing: no DMA), mig_pin and
 * mig_pin_late.
 */
static struct vfio_pci_migration_ops test_mig_ops = {
	.version	= 1,
	.max_state_size	= PAGE_SIZE,
	.start_saving	= test_mig_start_saving,
	.stop_saving	= test_mig_stop_saving,
	.stop		= test_mig_nop,
	.start		= test_mig_nop,
	.start_resuming	= test_mig_nop,
	.save		= test_mig_save,
	.load		= test_mig_load,
	.sync_dirty	= test_mig_sync_dirty,
};

static const struct vfio_pci_vendor_irq
test_vendor_irqs[VFIO_PCI_MAX_VENDOR_IRQS + 1] = {
	[0 ... VFIO_PCI_MAX_VENDOR_IRQS] = {
		.type		= VFIO_IRQ_TYPE_REMAP_BAR_REGION,
		.subtype	= VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION,
	},
};

static struct vfio_pci_vendor_driver_ops test_vendor_ops = {
	.owner		= THIS_MODULE,
	.probe		= test_vendor_probe,
	.remove		= test_vendor_remove,
	.device_ops	= &test_vendor_device_ops,
};

static int __init test_vendor_init(void)
{
	test_vendor_ops.name = vname;
	if (incomplete)
		test_vendor_ops.remove = NULL;
	if (mig_no_unmap) {
		test_vendor_no_unmap_ops = test_vendor_device_ops;
		test_vendor_no_unmap_ops.dma_unmap = NULL;
		test_vendor_ops.device_ops = &test_vendor_no_unmap_ops;
		test_mig_ops.protocols = VFIO_PCI_MIGRATION_V2;
	}
	if (mig_v1)
		test_mig_ops.protocols = VFIO_PCI_MIGRATION_V1;
	if (mig_log || mig_pin || mig_pin_late) {
		test_mig_ops.protocols = VFIO_PCI_MIGRATION_V1 |
					 VFIO_PCI_MIGRATION_V2;
		test_mig_ops.reports_all_dma = true;
	}
	if (test_mig_ops.protocols)
		test_vendor_ops.migration = &test_mig_ops;
	if (many_irqs) {
		test_vendor_ops.irqs = test_vendor_irqs;
		test_vendor_ops.num_irqs = ARRAY_SIZE(test_vendor_irqs);
	}
	if (noregister)
		return 0;
	return vfio_pci_vendor_register(&test_vendor_ops);
}
module_init(test_vendor_init);

static void __exit test_vendor_exit(void)
{
	if (!noregister)
		vfio_pci_vendor_unregister(&test_vendor_ops);
}
module_exit(test_vendor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only vfio-pci vendor driver with a configurable probe");
