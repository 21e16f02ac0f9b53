// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vendor driver for QEMU's edu device that traps part of BAR0 on demand,
 * with the remap handshake: the sample behind the "irq" suite and a
 * working example of VFIO_IRQ_TYPE_REMAP_BAR_REGION.
 *
 * The story: some drivers must see every write the guest makes to a few
 * registers, but only some of the time (a NIC driver that tracks the pages
 * its device writes while a migration is saving must see the doorbells).
 * The rest of the time the VMM should map those registers into the guest
 * for speed.  edu_remap plays that driver with an operator's knob:
 *
 *   echo 0x0,0x1000 > /sys/module/edu_remap/parameters/trap   # page 0
 *   echo none > /sys/module/edu_remap/parameters/trap          # nothing
 *
 * The knob takes "<offset>,<length>" (page aligned, within BAR0's 1 MiB)
 * or "none".  A change applies at once to every open edu device the
 * driver owns, through vfio_pci_remap_set_traps(), and to devices opened
 * later.  vfio-pci then reports the new sparse-mmap areas, refuses new
 * mmaps of the trapped range and signals the VMM through the remap irq.
 * The driver counts the BAR0 writes that reach its .write callback, and
 * does the guest's 64-bit accesses to edu's DMA registers whole when they
 * come that way.
 *
 * It can only rely on seeing every write to the trapped range once the
 * VMM has dropped its old mapping, which the VMM says by acknowledging
 * the request.  Until then the driver is in "conservative" mode: here it
 * merely knows its write count may be incomplete; a real driver would,
 * for instance, report all guest memory dirty.  A VMM that never opts in
 * (stock QEMU) keeps its mappings and leaves the driver conservative for
 * as long as the trap stands; nothing waits and nothing breaks.  Traps set
 * when the device is opened need no handshake: nothing is mapped yet.
 *
 * Per-device state is in debugfs, /sys/kernel/debug/edu_remap/<bdf>:
 *
 *   open      1 while userspace has the device open
 *   trap      the trapped BAR0 range, "none" or "<offset>,<length>"
 *   requested generation of the driver's latest request (0: none)
 *   acked     latest generation userspace acknowledged (remap_acked)
 *   acks      number of remap_acked calls
 *   trap_failures  knob changes that could not be applied to the device
 *   writes    BAR0 writes that reached the driver
 *   mode      closed, direct (nothing trapped), conservative (trapped,
 *             not yet acknowledged) or trapping (every write to the
 *             trapped range reaches the driver)
 *
 * It shares the edu alias with the other samples; choose one with modprobe
 * blacklists (Documentation/driver-api/vfio-pci-vendor-ops.rst).
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vfio_pci_vendor.h>
#include <uapi/linux/vfio_pci_vendor.h>

#include "edu_regs.h"

/**
 * struct edu_remap - one edu device owned by the driver
 * @pdev: the device
 * @vdev: its vfio device while open, else NULL
 * @node: in edu_remap_open_list while open
 * @dentry: its debugfs file
 * @trapped: a range of BAR0 is trapped
 * @trap: that range
 * @requested: generation of the latest vfio_pci_remap_set_traps() call
 * @need_ack: generation that must be acknowledged before the driver may
 *            rely on @trap; 0 when it took effect at once (set at open)
 * @acked: latest generation reported by remap_acked
 * @acks: number of remap_acked calls
 * @trap_failures: knob changes that could not be applied to the device
 * @writes: BAR0 writes that reached edu_remap_write()
 *
 * Everything but @pdev, @dentry and @writes is protected by edu_remap_lock.
 */
struct edu_remap {
	struct pci_dev *pdev;
	struct vfio_device *vdev;
	struct list_head node;
	struct dentry *dentry;
	bool trapped;
	struct vfio_pci_trap trap;
	s64 requested;
	s64 need_ack;
	s64 acked;
	unsigned long acks;
	unsigned long trap_failures;
	atomic64_t writes;
};

/* Protects the knob, the list of open devices and their state. */
static DEFINE_MUTEX(edu_remap_lock);
static LIST_HEAD(edu_remap_open_list);
static bool trap_on;
static struct vfio_pci_trap trap_range;
static struct dentry *edu_remap_dir;

/* Apply the knob to one open device.  Caller holds edu_remap_lock. */
static int edu_remap_apply(struct edu_remap *edu, bool at_open)
{
	s64 gen;

	if (edu->trapped == trap_on &&
	    (!trap_on || (edu->trap.offset == trap_range.offset &&
			  edu->trap.len == trap_range.len)))
		return 0;

	gen = vfio_pci_remap_set_traps(edu->vdev, VFIO_PCI_BAR0_REGION_INDEX,
				       &trap_range, trap_on ? 1 : 0);
	if (gen < 0)
		return gen;
	edu->requested = gen;
	edu->trapped = trap_on;
	edu->trap = trap_range;
	/*
	 * Nothing can be mapped before the device is open, so a trap set at
	 * open holds at once; later ones hold once userspace acknowledges.
	 * Untrapping relies on nothing.
	 */
	edu->need_ack = trap_on && !at_open ? gen : 0;
	pci_dbg(edu->pdev, "edu_remap: request %lld: %s\n", gen,
		trap_on ? "trap" : "untrap");
	return 0;
}

static const char *edu_remap_mode(struct edu_remap *edu)
{
	if (!edu->vdev)
		return "closed";
	if (!edu->trapped)
		return "direct";
	if (!edu->need_ack || vfio_pci_remap_acked(edu->vdev, edu->need_ack))
		return "trapping";
	return "conservative";
}

/* ---- the knob ---- */

static int trap_set(const char *val, const struct kernel_param *kp)
{
	struct vfio_pci_trap t = {};
	struct edu_remap *edu;
	char buf[48], *comma;
	bool on;
	int ret;

	strscpy(buf, val, sizeof(buf));
	strim(buf);
	comma = strchr(buf, ',');
	if (!strcmp(buf, "none") || !strcmp(buf, "0") || !buf[0]) {
		on = false;
	} else if (comma) {
		*comma = '\0';
		if (kstrtou64(buf, 0, &t.offset) ||
		    kstrtou64(comma + 1, 0, &t.len))
			return -EINVAL;
		if (!t.len || !PAGE_ALIGNED(t.offset) || !PAGE_ALIGNED(t.len) ||
		    t.offset >= EDU_BAR0_SIZE ||
		    t.len > EDU_BAR0_SIZE - t.offset)
			return -EINVAL;
		on = true;
	} else {
		return -EINVAL;
	}

	mutex_lock(&edu_remap_lock);
	trap_on = on;
	trap_range = t;
	ret = 0;
	list_for_each_entry(edu, &edu_remap_open_list, node) {
		int err = edu_remap_apply(edu, false);

		if (err) {
			edu->trap_failures++;
			pci_warn(edu->pdev, "edu_remap: cannot set traps: %d\n",
				 err);
			ret = ret ?: err;
		}
	}
	mutex_unlock(&edu_remap_lock);
	return ret;
}

static int trap_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&edu_remap_lock);
	if (trap_on)
		n = sysfs_emit(buf, "0x%llx,0x%llx\n", trap_range.offset,
			       trap_range.len);
	else
		n = sysfs_emit(buf, "none\n");
	mutex_unlock(&edu_remap_lock);
	return n;
}

static const struct kernel_param_ops trap_ops = {
	.set = trap_set,
	.get = trap_get,
};

module_param_cb(trap, &trap_ops, NULL, 0644);
MODULE_PARM_DESC(trap, "BAR0 range to trap on every open edu device: \"<offset>,<length>\" (page aligned) or \"none\"");

/* ---- per-device status in debugfs ---- */

static int edu_remap_status_show(struct seq_file *s, void *unused)
{
	struct edu_remap *edu = s->private;

	mutex_lock(&edu_remap_lock);
	seq_printf(s, "open %d\n", !!edu->vdev);
	if (edu->trapped)
		seq_printf(s, "trap 0x%llx,0x%llx\n", edu->trap.offset,
			   edu->trap.len);
	else
		seq_puts(s, "trap none\n");
	seq_printf(s, "requested %lld\n", edu->requested);
	seq_printf(s, "acked %lld\n", edu->acked);
	seq_printf(s, "acks %lu\n", edu->acks);
	seq_printf(s, "trap_failures %lu\n", edu->trap_failures);
	seq_printf(s, "writes %lld\n", (s64)atomic64_read(&edu->writes));
	seq_printf(s, "mode %s\n", edu_remap_mode(edu));
	mutex_unlock(&edu_remap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edu_remap_status);

/* ---- vendor driver ---- */

static void *edu_remap_probe(struct pci_dev *pdev)
{
	struct edu_remap *edu;

	if (pdev->vendor != EDU_VENDOR_ID || pdev->device != EDU_DEVICE_ID)
		return ERR_PTR(-ENODEV);

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return ERR_PTR(-ENOMEM);
	edu->pdev = pdev;
	INIT_LIST_HEAD(&edu->node);
	atomic64_set(&edu->writes, 0);
	edu->dentry = debugfs_create_file(pci_name(pdev), 0444, edu_remap_dir,
					  edu, &edu_remap_status_fops);
	return edu;
}

static void edu_remap_remove(void *vendor_data)
{
	struct edu_remap *edu = vendor_data;

	debugfs_remove(edu->dentry);
	kfree(edu);
}

static int edu_remap_open(struct vfio_device *vdev)
{
	struct edu_remap *edu = vfio_pci_vendor_data(vdev);
	int ret;

	ret = vfio_pci_vendor_open_device(vdev);
	if (ret)
		return ret;

	mutex_lock(&edu_remap_lock);
	edu->vdev = vdev;
	edu->trapped = false;
	edu->requested = 0;
	edu->need_ack = 0;
	edu->acked = 0;
	ret = edu_remap_apply(edu, true);
	if (ret)
		edu->vdev = NULL;
	else
		list_add_tail(&edu->node, &edu_remap_open_list);
	mutex_unlock(&edu_remap_lock);

	if (ret)
		vfio_pci_vendor_close_device(vdev);
	return ret;
}

static void edu_remap_close(struct vfio_device *vdev)
{
	struct edu_remap *edu = vfio_pci_vendor_data(vdev);

	/* Off the list first: the knob must not touch a closing device. */
	mutex_lock(&edu_remap_lock);
	list_del_init(&edu->node);
	edu->vdev = NULL;
	edu->trapped = false;
	edu->need_ack = 0;
	mutex_unlock(&edu_remap_lock);
	/* vfio-pci drops the traps and any outstanding request. */
	vfio_pci_vendor_close_device(vdev);
}

/*
 * edu's DMA registers only take 64-bit accesses, and vfio-pci's region
 * path (6.1) splits an 8-byte access in two 4-byte ones.  A VMM sends the
 * guest's accesses to trapped pages down that path, so do them whole.
 */
static void __iomem *edu_remap_wide(struct vfio_device *vdev, loff_t pos,
				    size_t count)
{
	u64 off = pos & VFIO_PCI_OFFSET_MASK;
	void __iomem *bar0;

	if (VFIO_PCI_OFFSET_TO_INDEX(pos) != VFIO_PCI_BAR0_REGION_INDEX ||
	    count != 8 || off < EDU_DMA_SRC || off > EDU_DMA_CMD || off % 8)
		return NULL;
	bar0 = vfio_pci_get_barmap(vdev, VFIO_PCI_BAR0_REGION_INDEX);
	return IS_ERR(bar0) ? NULL : bar0 + off;
}

static ssize_t edu_remap_read(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos)
{
	void __iomem *reg = edu_remap_wide(vdev, *ppos, count);
	u64 val;

	if (!reg)
		return vfio_pci_vendor_read(vdev, buf, count, ppos);
	/* As the default op: no access while memory decoding is off. */
	if (!vfio_pci_vendor_mem_begin(vdev))
		return -EIO;
	val = readq(reg);
	vfio_pci_vendor_mem_end(vdev);
	if (copy_to_user(buf, &val, sizeof(val)))
		return -EFAULT;
	*ppos += sizeof(val);
	return sizeof(val);
}

/* Every BAR0 write that is not made through a mapping arrives here. */
static ssize_t edu_remap_write(struct vfio_device *vdev,
			       const char __user *buf, size_t count,
			       loff_t *ppos)
{
	struct edu_remap *edu = vfio_pci_vendor_data(vdev);
	void __iomem *reg = edu_remap_wide(vdev, *ppos, count);
	u64 val;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_BAR0_REGION_INDEX)
		atomic64_inc(&edu->writes);
	if (!reg)
		return vfio_pci_vendor_write(vdev, buf, count, ppos);
	if (copy_from_user(&val, buf, sizeof(val)))
		return -EFAULT;
	if (!vfio_pci_vendor_mem_begin(vdev))
		return -EIO;
	writeq(val, reg);
	vfio_pci_vendor_mem_end(vdev);
	*ppos += sizeof(val);
	return sizeof(val);
}

/* Userspace has dropped the mappings request @generation asked it to. */
static void edu_remap_acked(struct vfio_device *vdev, s64 generation)
{
	struct edu_remap *edu = vfio_pci_vendor_data(vdev);

	mutex_lock(&edu_remap_lock);
	/* Calls may race each other: keep the latest. */
	if (generation > edu->acked)
		edu->acked = generation;
	edu->acks++;
	pci_dbg(edu->pdev, "edu_remap: request %lld acknowledged, mode %s\n",
		generation, edu_remap_mode(edu));
	mutex_unlock(&edu_remap_lock);
}

static const struct vfio_device_ops edu_remap_device_ops = {
	.name		= "edu-remap",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= edu_remap_open,
	.close_device	= edu_remap_close,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= edu_remap_read,
	.write		= edu_remap_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

/* The remap irq: VFIO irq index VFIO_PCI_NUM_IRQS (5) on our devices. */
static const struct vfio_pci_vendor_irq edu_remap_irqs[] = {
	{
		.type		= VFIO_IRQ_TYPE_REMAP_BAR_REGION,
		.subtype	= VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION,
	},
};

static struct vfio_pci_vendor_driver_ops edu_remap_ops = {
	.name		= "edu_remap",
	.owner		= THIS_MODULE,
	.probe		= edu_remap_probe,
	.remove		= edu_remap_remove,
	.device_ops	= &edu_remap_device_ops,
	.irqs		= edu_remap_irqs,
	.num_irqs	= ARRAY_SIZE(edu_remap_irqs),
	.remap_acked	= edu_remap_acked,
};

static int __init edu_remap_init(void)
{
	int ret;

	edu_remap_dir = debugfs_create_dir("edu_remap", NULL);
	/* Register last: from here on devices may be probed. */
	ret = vfio_pci_vendor_register(&edu_remap_ops);
	if (ret)
		debugfs_remove_recursive(edu_remap_dir);
	return ret;
}
module_init(edu_remap_init);

static void __exit edu_remap_exit(void)
{
	vfio_pci_vendor_unregister(&edu_remap_ops);
	debugfs_remove_recursive(edu_remap_dir);
}
module_exit(edu_remap_exit);

VFIO_PCI_VENDOR_ALIAS(1234, 11e8);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci vendor driver for QEMU's edu device that traps BAR0 on demand, with the remap handshake");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
