// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vf_migration: live migration of Intel XL710/X710 and X722 virtual
 * functions assigned with vfio-pci.
 *
 * A vfio-pci vendor driver.  It takes a VF only when the VF's PF is driven
 * by the in-tree i40e driver, and reaches that PF only through public
 * interfaces: pci_physfn(), pci_iov_vf_id() and the PF netdev's
 * ndo_get_vf_config()/ndo_set_vf_*() under rtnl.  Nothing of i40e's own
 * headers is used.
 *
 * This file is the kernel side only: the trapped BAR0 writes, the remap
 * handshake and the migration callbacks.  The seam the logic runs on (guest
 * memory and dirty reporting through vfio-pci, the PF's netdev ops, BAR0
 * registers, memory) is the vendor-neutral library's
 * (<linux/nic_vf/host.h>), as is the logic's other half (<linux/nic_vf.h>);
 * this driver's own logic is in i40e_vf_mig_{state,vc,desc}.c.  The
 * operator's guide and the design are in
 * Documentation/networking/device_drivers/ethernet/intel/i40e_vf_migration.rst.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_vendor.h>
#include <uapi/linux/vfio_pci_vendor.h>

#include "i40e_vf_mig.h"
#include <linux/nic_vf/host.h>

#define DRV_NAME	"i40e_vf_migration"
#define PF_DRIVER	"i40e"

/* Our only device-specific irq: the remap request. */
#define REMAP_IRQ	0

/**
 * struct i40e_vfm_dev - one VF owned by this driver
 * @host: the VF, its PF, and while open its vfio device and BAR0 mapping
 * @saving: between start_saving and stop_saving
 * @remap_gen: generation of the request that traps the tails, 0 if none
 * @precise: precise dirty tracking was reached in this migration
 * @resuming: a stream is being loaded; start() applies it
 * @admin_checked: this stream's administrator settings matched the VF's
 * @quiesced: stop() turned bus mastering off
 * @m: the logic
 */
struct i40e_vfm_dev {
	struct nic_vf_host host;
	/** @lock: serialises trapped writes, migration callbacks, remap ack */
	struct mutex lock;
	bool saving;
	s64 remap_gen;
	bool precise;
	bool resuming;
	bool admin_checked;
	bool quiesced;
	struct i40e_vfm m;
};

static struct i40e_vfm_dev *to_dev(struct vfio_device *vdev)
{
	return vfio_pci_vendor_data(vdev);
}

/* ---- traps ---- */

static s64 set_traps(struct i40e_vfm_dev *d, bool saving)
{
	struct nic_vf_trap traps[I40E_VFM_MAX_TRAPS];

	BUILD_BUG_ON(I40E_VFM_MAX_TRAPS > VFIO_PCI_MAX_TRAPS);
	return nic_vf_host_set_traps(&d->host, traps,
				     i40e_vfm_traps(saving, traps));
}

/* Caller holds d->lock. */
static void go_precise(struct i40e_vfm_dev *d)
{
	int ret = i40e_vfm_tracking_precise(&d->m);

	d->precise = true;
	if (ret)
		pci_warn(d->host.pdev, "dirty tracking failed (%pe): this migration will fail rather than lose guest memory\n",
			 ERR_PTR(ret));
	else
		pci_info(d->host.pdev, "tail registers trapped: precise dirty tracking\n");
}

static void report_events(struct i40e_vfm_dev *d, u32 ev)
{
	const struct i40e_vfm_summary *s = d->m.cap.sum_dst;

	if (ev & I40E_VFM_EV_VERIFIED)
		pci_info(d->host.pdev, "guest renegotiated the configuration it had on the source (%u queue pairs, %u MAC and %u VLAN filters)\n",
			 s->num_qp, s->nr_mac, s->nr_vlan);
}

/* ---- device ops ---- */

/* One register: seen by the logic first, then written exactly as seen. */
static int i40e_vfm_write_reg(struct i40e_vfm_dev *d, struct vfio_device *vdev,
			      u32 off, u32 val)
{
	int ret;
	u32 ev;

	/* See the descriptors before the device does; keep writes ordered. */
	mutex_lock(&d->lock);
	ev = i40e_vfm_bar0_write(&d->m, off, val);
	ret = vfio_pci_vendor_bar_write(vdev, 0, off, val, sizeof(val));
	report_events(d, ev);
	mutex_unlock(&d->lock);
	return ret;
}

/* BAR0 holds 32-bit registers: an 8-byte write is two of them, each seen
 * by the logic; any other size or alignment is refused, or it would reach
 * a tail register unseen.  The user's buffer is read once.
 */
static ssize_t i40e_vfm_write(struct vfio_device *vdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	u64 off = *ppos & VFIO_PCI_OFFSET_MASK;
	__le32 raw[2];
	unsigned int i;
	int ret;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) != VFIO_PCI_BAR0_REGION_INDEX ||
	    off >= I40E_VFM_BAR0_LEN)
		return vfio_pci_vendor_write(vdev, buf, count, ppos);
	if ((count != 4 && count != 8) || off % 4 ||
	    off + count > I40E_VFM_BAR0_LEN) {
		pci_info_ratelimited(d->host.pdev, "refused a %zu-byte BAR0 write at 0x%llx: registers are 32 bits wide\n",
				     count, off);
		return -EINVAL;
	}
	if (copy_from_user(raw, buf, count))
		return -EFAULT;
	for (i = 0; i < count / 4; i++) {
		ret = i40e_vfm_write_reg(d, vdev, off + 4 * i,
					 le32_to_cpu(raw[i]));
		if (ret && !i)
			return ret;
		if (ret)
			break;
	}
	*ppos += 4 * i;
	return 4 * i;
}

static int i40e_vfm_open(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	s64 gen;
	int ret;

	ret = vfio_pci_vendor_open_device(vdev);
	if (ret)
		return ret;

	mutex_lock(&d->lock);
	ret = nic_vf_host_open(&d->host, vdev);
	if (ret) {
		mutex_unlock(&d->lock);
		goto err;
	}
	d->saving = false;
	d->remap_gen = 0;
	d->resuming = false;
	d->quiesced = false;
	/* Opening reset the VF: the guest will configure it afresh. */
	i40e_vfm_vf_was_reset(&d->m);
	/* Nothing is mapped yet: the ATQ tail is trapped from the start. */
	gen = set_traps(d, false);
	if (gen < 0)
		nic_vf_host_close(&d->host);
	mutex_unlock(&d->lock);
	if (gen < 0) {
		ret = gen;
		goto err;
	}
	return 0;
err:
	vfio_pci_vendor_close_device(vdev);
	return ret;
}

static void i40e_vfm_close(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	/* vfio-pci ends a migration in progress and drops holds and traps. */
	vfio_pci_vendor_close_device(vdev);
	mutex_lock(&d->lock);
	if (d->m.cap.verify_pending && d->m.cap.verified)
		pci_warn(d->host.pdev, "guest never renegotiated the configuration it had on the source (differences 0x%x)\n",
			 d->m.cap.verify_diff);
	i40e_vfm_saving_end(&d->m);
	i40e_vfm_vf_was_reset(&d->m);
	nic_vf_capture_expect_none(&d->m.cap);
	nic_vf_host_close(&d->host);
	mutex_unlock(&d->lock);
}

static const struct vfio_device_ops i40e_vfm_device_ops = {
	.name		= "i40e-vf-migration",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
	VFIO_PCI_VENDOR_IOMMUFD_OPS
	.open_device	= i40e_vfm_open,
	.close_device	= i40e_vfm_close,
	.ioctl		= vfio_pci_vendor_ioctl,
	.device_feature	= vfio_pci_vendor_device_feature,
	.read		= vfio_pci_vendor_read,
	.write		= i40e_vfm_write,
	.mmap		= vfio_pci_vendor_mmap,
	.request	= vfio_pci_vendor_request,
	.match		= vfio_pci_vendor_match,
	.dma_unmap	= vfio_pci_vendor_dma_unmap,
};

/* ---- migration ---- */

static int i40e_vfm_start_saving(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	s64 gen;

	mutex_lock(&d->lock);
	i40e_vfm_saving_begin(&d->m);
	d->saving = true;
	d->precise = false;
	/* Ask the VMM to stop mmapping the tail pages. */
	gen = set_traps(d, true);
	d->remap_gen = gen > 0 ? gen : 0;
	if (gen > 0 && vfio_pci_remap_acked(vdev, gen))
		go_precise(d);
	mutex_unlock(&d->lock);
	return gen < 0 ? gen : 0;
}

static void i40e_vfm_remap_acked(struct vfio_device *vdev, s64 generation)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	if (d->saving && !d->precise && d->remap_gen &&
	    generation >= d->remap_gen)
		go_precise(d);
	mutex_unlock(&d->lock);
}

static void i40e_vfm_stop_saving(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	if (d->saving && !d->precise)
		pci_info(d->host.pdev, "saved without precise tracking (the VMM did not acknowledge the remap): all guest memory was reported dirty\n");
	i40e_vfm_saving_end(&d->m);
	d->saving = false;
	d->precise = false;
	d->remap_gen = 0;
	/* Give the VMM its mappings back. */
	if (d->host.vdev && set_traps(d, false) < 0)
		pci_warn(d->host.pdev, "could not restore the BAR0 mappings\n");
	mutex_unlock(&d->lock);
}

/* No DMA while stopped: turn bus mastering off (the VMM set it through
 * config space, so the register is the truth), start() turns it back on.
 */
static int i40e_vfm_stop(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	if (vfio_pci_vendor_bus_master(vdev, false))
		d->quiesced = true;
	mutex_unlock(&d->lock);
	return 0;
}

static int i40e_vfm_start(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	struct nic_vf_admin_result res;
	int ret = 0;

	mutex_lock(&d->lock);
	if (d->resuming) {
		d->resuming = false;
		ret = i40e_vfm_restore(&d->m, &res);
		if (ret)
			pci_err(d->host.pdev, "restoring the VF failed: %pe\n",
				ERR_PTR(ret));
		else
			pci_info(d->host.pdev, "restored: administrator settings applied 0x%x, unchanged 0x%x, unsupported by the PF 0x%x; the guest driver renegotiates after the VF reset\n",
				 res.applied, res.unchanged, res.unsupported);
	}
	if (d->quiesced) {
		vfio_pci_vendor_bus_master(vdev, true);
		d->quiesced = false;
	}
	mutex_unlock(&d->lock);
	return ret;
}

static int i40e_vfm_start_resuming(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	i40e_vfm_load_begin(&d->m);
	/* The operator's policy, fixed for this stream. */
	d->m.apply_admin = nic_vf_host_apply_admin();
	d->admin_checked = false;
	d->resuming = true;
	mutex_unlock(&d->lock);
	return 0;
}

static size_t i40e_vfm_pending_bytes(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	size_t n;

	mutex_lock(&d->lock);
	n = i40e_vfm_pending(&d->m);
	mutex_unlock(&d->lock);
	return n;
}

static ssize_t i40e_vfm_save_chunk(struct vfio_device *vdev, void *buf,
				   size_t len)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	ssize_t n;

	mutex_lock(&d->lock);
	n = i40e_vfm_save(&d->m, buf, len);
	mutex_unlock(&d->lock);
	if (n < 0)
		pci_err(d->host.pdev, "saving the VF state failed: %pe\n",
			ERR_PTR(n));
	return n;
}

static int i40e_vfm_load_chunk(struct vfio_device *vdev, const void *buf,
			       size_t len, u32 version)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	int ret;

	mutex_lock(&d->lock);
	ret = i40e_vfm_load(&d->m, buf, len, version);
	if (ret) {
		mutex_unlock(&d->lock);
		pci_err(d->host.pdev, "refusing a corrupt or foreign VF state\n");
		return ret;
	}
	/* Default policy: this VF must already carry the source's settings. */
	if (!d->m.apply_admin && (d->m.loaded & BIT(0)) && !d->admin_checked) {
		ret = nic_vf_host_admin_verify(&d->host, &d->m.admin);
		d->admin_checked = !ret;
	}
	mutex_unlock(&d->lock);
	return ret;
}

static void i40e_vfm_reset(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	d->resuming = false;
	/* The reset restored the command register STOP had changed. */
	if (d->quiesced) {
		vfio_pci_vendor_bus_master(vdev, true);
		d->quiesced = false;
	}
	i40e_vfm_vf_was_reset(&d->m);
	mutex_unlock(&d->lock);
}

static void i40e_vfm_error(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	d->resuming = false;
	if (d->quiesced) {
		vfio_pci_vendor_bus_master(vdev, true);
		d->quiesced = false;
	}
	mutex_unlock(&d->lock);
}

static const struct vfio_pci_migration_ops i40e_vfm_migration_ops = {
	.protocols	= VFIO_PCI_MIGRATION_V1 | VFIO_PCI_MIGRATION_V2,
	.version	= I40E_VFM_STATE_VERSION,
	.max_state_size	= I40E_VFM_MAX_STATE,
	.start_saving	= i40e_vfm_start_saving,
	.stop_saving	= i40e_vfm_stop_saving,
	.stop		= i40e_vfm_stop,
	.start		= i40e_vfm_start,
	.start_resuming	= i40e_vfm_start_resuming,
	.pending_bytes	= i40e_vfm_pending_bytes,
	.save		= i40e_vfm_save_chunk,
	.load		= i40e_vfm_load_chunk,
	.reset		= i40e_vfm_reset,
	.error		= i40e_vfm_error,
};

static const struct vfio_pci_vendor_irq i40e_vfm_irqs[] = {
	[REMAP_IRQ] = {
		.type = VFIO_IRQ_TYPE_REMAP_BAR_REGION,
		.subtype = VFIO_IRQ_SUBTYPE_REMAP_BAR_REGION,
	},
};

/* ---- probe ---- */

static void *i40e_vfm_probe(struct pci_dev *pdev)
{
	struct i40e_vfm_dev *d;
	struct nic_vf_seam seam;
	int ret;

	if (pdev->vendor != I40E_VFM_VENDOR_ID ||
	    (pdev->device != I40E_VFM_DEV_XL710_VF &&
	     pdev->device != I40E_VFM_DEV_X722_VF))
		return ERR_PTR(-ENODEV);

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	ret = nic_vf_host_probe(&d->host, pdev, PF_DRIVER, I40E_VFM_BAR,
				I40E_VFM_BAR0_LEN);
	if (ret) {
		kfree(d);
		return ERR_PTR(ret);
	}
	mutex_init(&d->lock);
	nic_vf_host_seam(&d->host, &seam);
	ret = i40e_vfm_init(&d->m, &seam, pdev->device);
	if (ret) {
		mutex_destroy(&d->lock);
		kfree(d);
		return ERR_PTR(ret);
	}
	pci_info(pdev, "VF %d of %s: live migration by %s\n", d->host.vf_id,
		 pci_name(d->host.pf), DRV_NAME);
	return d;
}

static void i40e_vfm_remove(void *data)
{
	struct i40e_vfm_dev *d = data;

	i40e_vfm_destroy(&d->m);
	mutex_destroy(&d->lock);
	kfree(d);
}

static struct vfio_pci_vendor_driver_ops i40e_vfm_vendor_ops = {
	.name		= DRV_NAME,
	.owner		= THIS_MODULE,
	.probe		= i40e_vfm_probe,
	.remove		= i40e_vfm_remove,
	.device_ops	= &i40e_vfm_device_ops,
	.irqs		= i40e_vfm_irqs,
	.num_irqs	= ARRAY_SIZE(i40e_vfm_irqs),
	.migration	= &i40e_vfm_migration_ops,
	.remap_acked	= i40e_vfm_remap_acked,
};

module_vfio_pci_vendor_driver(i40e_vfm_vendor_ops);

VFIO_PCI_VENDOR_ALIAS(8086, 154c);
VFIO_PCI_VENDOR_ALIAS(8086, 37cd);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Live migration of Intel XL710/X722 VFs assigned with vfio-pci");
MODULE_VERSION(VFIO_PCI_VENDOR_OPS_VERSION);
