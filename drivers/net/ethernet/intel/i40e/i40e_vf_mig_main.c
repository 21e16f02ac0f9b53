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
 * This file is the kernel side only: the seam the logic runs on (guest
 * memory and dirty reporting through vfio-pci, the PF's netdev ops, BAR0
 * registers, memory), the trapped BAR0 writes, the remap handshake and the
 * migration callbacks.  The logic is in i40e_vf_mig_{state,vc,desc}.c and
 * the vendor-neutral library (drivers/vfio/pci/nic_vf); the operator's
 * guide and the design are in
 * Documentation/networking/device_drivers/ethernet/intel/i40e_vf_migration.rst.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_vendor.h>
#include <uapi/linux/vfio_pci_vendor.h>

#include "i40e_vf_mig.h"

#define DRV_NAME	"i40e_vf_migration"
#define PF_DRIVER	"i40e"

/* The PF answers -EAGAIN while it is busy with another VF operation. */
#define PF_RETRIES	15
#define PF_RETRY_MS	20

/* Our only device-specific irq: the remap request. */
#define REMAP_IRQ	0

/**
 * struct i40e_vfm_dev - one VF owned by this driver
 * @pdev: the VF
 * @pf: its PF
 * @vf_id: the VF's number on the PF
 * @vdev: the vfio device while it is open, else NULL
 * @bar0: BAR0 mapping while open
 * @saving: between start_saving and stop_saving
 * @remap_gen: generation of the request that traps the tails, 0 if none
 * @precise: precise dirty tracking was reached in this migration
 * @resuming: a stream is being loaded; start() applies it
 * @quiesced: stop() turned bus mastering off
 * @m: the logic
 */
struct i40e_vfm_dev {
	struct pci_dev *pdev;
	struct pci_dev *pf;
	int vf_id;
	struct vfio_device *vdev;
	void __iomem *bar0;
	/** @lock: serialises trapped writes, migration callbacks, remap ack */
	struct mutex lock;
	bool saving;
	s64 remap_gen;
	bool precise;
	bool resuming;
	bool quiesced;
	struct i40e_vfm m;
};

static struct i40e_vfm_dev *to_dev(struct vfio_device *vdev)
{
	return vfio_pci_vendor_data(vdev);
}

/* ---- the seam ---- */

static int seam_dma_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct i40e_vfm_dev *d = ctx;

	return d->vdev ? vfio_pci_dma_read(d->vdev, iova, buf, len) : -ENODEV;
}

static int seam_dirty_mark(void *ctx, u64 iova, size_t len)
{
	struct i40e_vfm_dev *d = ctx;

	return d->vdev ? vfio_pci_dirty_mark(d->vdev, iova, len) : -ENODEV;
}

static int seam_dirty_hold(void *ctx, u64 iova, size_t len)
{
	struct i40e_vfm_dev *d = ctx;

	return d->vdev ? vfio_pci_dirty_hold(d->vdev, iova, len) : -ENODEV;
}

static void seam_dirty_release(void *ctx, u64 iova, size_t len)
{
	struct i40e_vfm_dev *d = ctx;

	if (d->vdev)
		vfio_pci_dirty_release(d->vdev, iova, len);
}

static int is_netdev(struct device *dev, void *data)
{
	return dev->class && !strcmp(dev->class->name, "net");
}

/* The PF's netdev, found as a child of its PCI device (so whatever network
 * namespace it lives in).  Caller holds rtnl; put_device() the result.
 */
static struct net_device *pf_netdev(struct i40e_vfm_dev *d,
				    struct device **child)
{
	struct net_device *nd;

	ASSERT_RTNL();
	*child = device_find_child(&d->pf->dev, NULL, is_netdev);
	if (!*child)
		return NULL;
	nd = to_net_dev(*child);
	if (nd->reg_state != NETREG_REGISTERED || !nd->netdev_ops) {
		put_device(*child);
		*child = NULL;
		return NULL;
	}
	return nd;
}

static int pf_get_once(struct i40e_vfm_dev *d, struct ifla_vf_info *ivi)
{
	struct device *child;
	struct net_device *nd;
	int ret = -ENODEV;

	rtnl_lock();
	nd = pf_netdev(d, &child);
	if (nd) {
		ret = nd->netdev_ops->ndo_get_vf_config ?
		      nd->netdev_ops->ndo_get_vf_config(nd, d->vf_id, ivi) :
		      -EOPNOTSUPP;
		put_device(child);
	}
	rtnl_unlock();
	return ret;
}

static int seam_pf_get(void *ctx, struct nic_vf_admin *cfg)
{
	struct i40e_vfm_dev *d = ctx;
	struct ifla_vf_info ivi;
	int ret, i;

	for (i = 0; i < PF_RETRIES; i++) {
		/* Defaults as rtnetlink sets them: -1 is "not reported". */
		memset(&ivi, 0, sizeof(ivi));
		ivi.spoofchk = -1;
		ivi.trusted = -1;
		ivi.rss_query_en = -1;
		ivi.linkstate = IFLA_VF_LINK_STATE_AUTO;
		ivi.vlan_proto = htons(ETH_P_8021Q);
		ret = pf_get_once(d, &ivi);
		if (ret != -EAGAIN)
			break;
		msleep(PF_RETRY_MS);
	}
	if (ret)
		return ret;

	cfg->valid = BIT(NIC_VF_ADMIN_MAC) | BIT(NIC_VF_ADMIN_VLAN) |
		     BIT(NIC_VF_ADMIN_RATE) | BIT(NIC_VF_ADMIN_LINK);
	memcpy(cfg->mac, ivi.mac, ETH_ALEN);
	cfg->vlan = ivi.vlan;
	cfg->qos = ivi.qos;
	cfg->vlan_proto = ntohs(ivi.vlan_proto);
	cfg->min_tx_rate = ivi.min_tx_rate;
	cfg->max_tx_rate = ivi.max_tx_rate;
	cfg->link_state = ivi.linkstate;
	if (ivi.spoofchk != (u32)-1) {
		cfg->valid |= BIT(NIC_VF_ADMIN_SPOOFCHK);
		cfg->spoofchk = ivi.spoofchk;
	}
	if (ivi.trusted != (u32)-1) {
		cfg->valid |= BIT(NIC_VF_ADMIN_TRUST);
		cfg->trusted = ivi.trusted;
	}
	return 0;
}

static int pf_set_once(struct i40e_vfm_dev *d, enum nic_vf_admin_field f,
		       const struct nic_vf_admin *c)
{
	const struct net_device_ops *ops;
	u8 mac[ETH_ALEN];
	struct device *child;
	struct net_device *nd;
	int ret = -EOPNOTSUPP;

	rtnl_lock();
	nd = pf_netdev(d, &child);
	if (!nd) {
		rtnl_unlock();
		return -ENODEV;
	}
	ops = nd->netdev_ops;
	switch (f) {
	case NIC_VF_ADMIN_MAC:
		memcpy(mac, c->mac, ETH_ALEN);
		if (ops->ndo_set_vf_mac)
			ret = ops->ndo_set_vf_mac(nd, d->vf_id, mac);
		break;
	case NIC_VF_ADMIN_VLAN:
		if (ops->ndo_set_vf_vlan)
			ret = ops->ndo_set_vf_vlan(nd, d->vf_id, c->vlan, c->qos,
						   htons(c->vlan_proto));
		break;
	case NIC_VF_ADMIN_RATE:
		if (ops->ndo_set_vf_rate)
			ret = ops->ndo_set_vf_rate(nd, d->vf_id, c->min_tx_rate,
						   c->max_tx_rate);
		break;
	case NIC_VF_ADMIN_SPOOFCHK:
		if (ops->ndo_set_vf_spoofchk)
			ret = ops->ndo_set_vf_spoofchk(nd, d->vf_id,
						       c->spoofchk);
		break;
	case NIC_VF_ADMIN_TRUST:
		if (ops->ndo_set_vf_trust)
			ret = ops->ndo_set_vf_trust(nd, d->vf_id, c->trusted);
		break;
	case NIC_VF_ADMIN_LINK:
		if (ops->ndo_set_vf_link_state)
			ret = ops->ndo_set_vf_link_state(nd, d->vf_id,
							 c->link_state);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	put_device(child);
	rtnl_unlock();
	return ret;
}

static int seam_pf_set(void *ctx, enum nic_vf_admin_field f,
		       const struct nic_vf_admin *c)
{
	struct i40e_vfm_dev *d = ctx;
	int ret, i;

	for (i = 0; i < PF_RETRIES; i++) {
		ret = pf_set_once(d, f, c);
		if (ret != -EAGAIN)
			break;
		msleep(PF_RETRY_MS);
	}
	return ret;
}

/* A function-level reset of the VF, which the PF handles as a VF reset.
 * The "try" variant: someone holding the device lock (an unbind waiting
 * for the VMM to close the device) must not deadlock with us.
 */
static int seam_vf_reset(void *ctx)
{
	struct i40e_vfm_dev *d = ctx;
	int ret, i;

	for (i = 0; i < PF_RETRIES; i++) {
		ret = pci_try_reset_function(d->pdev);
		if (ret != -EAGAIN)
			break;
		msleep(PF_RETRY_MS);
	}
	return ret;
}

static u32 seam_reg_read(void *ctx, u32 off)
{
	struct i40e_vfm_dev *d = ctx;

	return d->bar0 ? ioread32(d->bar0 + off) : ~0U;
}

static void seam_reg_write(void *ctx, u32 off, u32 val)
{
	struct i40e_vfm_dev *d = ctx;

	if (d->bar0)
		iowrite32(val, d->bar0 + off);
}

static void *seam_zalloc(void *ctx, size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static void seam_free(void *ctx, void *p)
{
	kvfree(p);
}

static const struct nic_vf_seam_ops i40e_vfm_seam_ops = {
	.dma_read	= seam_dma_read,
	.dirty_mark	= seam_dirty_mark,
	.dirty_hold	= seam_dirty_hold,
	.dirty_release	= seam_dirty_release,
	.pf_get		= seam_pf_get,
	.pf_set		= seam_pf_set,
	.vf_reset	= seam_vf_reset,
	.reg_read	= seam_reg_read,
	.reg_write	= seam_reg_write,
	.zalloc		= seam_zalloc,
	.free		= seam_free,
};

/* ---- traps ---- */

/* The logic's 4 KiB trap pages, as page-aligned vfio-pci traps. */
static unsigned int host_traps(bool saving, struct vfio_pci_trap *out)
{
	struct i40e_vfm_trap t[I40E_VFM_MAX_TRAPS];
	unsigned int i, j, n, nr = 0;

	n = i40e_vfm_traps(saving, t);
	for (i = 0; i < n; i++) {
		u64 off = ALIGN_DOWN(t[i].offset, PAGE_SIZE);

		for (j = 0; j < nr; j++)
			if (out[j].offset == off)
				break;
		if (j < nr)
			continue;
		out[nr].offset = off;
		out[nr++].len = PAGE_SIZE;
	}
	return nr;
}

static s64 set_traps(struct i40e_vfm_dev *d, bool saving)
{
	struct vfio_pci_trap traps[VFIO_PCI_MAX_TRAPS];
	unsigned int n;

	BUILD_BUG_ON(I40E_VFM_MAX_TRAPS > VFIO_PCI_MAX_TRAPS);
	n = host_traps(saving, traps);
	return vfio_pci_remap_set_traps(d->vdev, VFIO_PCI_BAR0_REGION_INDEX,
					traps, n);
}

/* Caller holds d->lock. */
static void go_precise(struct i40e_vfm_dev *d)
{
	int ret = i40e_vfm_tracking_precise(&d->m);

	d->precise = true;
	if (ret)
		pci_warn(d->pdev, "dirty tracking failed (%pe): this migration will fail rather than lose guest memory\n",
			 ERR_PTR(ret));
	else
		pci_info(d->pdev, "tail registers trapped: precise dirty tracking\n");
}

static void report_events(struct i40e_vfm_dev *d, u32 ev)
{
	const struct i40e_vfm_summary *s = &d->m.sum_dst;

	if (ev & I40E_VFM_EV_VERIFIED)
		pci_info(d->pdev, "guest renegotiated the configuration it had on the source (%u queue pairs, %u MAC and %u VLAN filters)\n",
			 s->num_qp, s->nr_mac, s->nr_vlan);
}

/* ---- device ops ---- */

static ssize_t i40e_vfm_write(struct vfio_device *vdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	u64 off = *ppos & VFIO_PCI_OFFSET_MASK;
	__le32 raw;
	ssize_t ret;
	u32 ev;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) != VFIO_PCI_BAR0_REGION_INDEX ||
	    count != sizeof(raw) || off % 4 || off >= I40E_VFM_BAR0_LEN)
		return vfio_pci_vendor_write(vdev, buf, count, ppos);
	if (copy_from_user(&raw, buf, sizeof(raw)))
		return -EFAULT;

	/* See the descriptors before the device does; keep writes ordered. */
	mutex_lock(&d->lock);
	ev = i40e_vfm_bar0_write(&d->m, off, le32_to_cpu(raw));
	ret = vfio_pci_vendor_write(vdev, buf, count, ppos);
	report_events(d, ev);
	mutex_unlock(&d->lock);
	return ret;
}

static int i40e_vfm_open(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	void __iomem *bar0;
	s64 gen;
	int ret;

	ret = vfio_pci_vendor_open_device(vdev);
	if (ret)
		return ret;
	bar0 = vfio_pci_get_barmap(vdev, I40E_VFM_BAR);
	if (IS_ERR(bar0)) {
		ret = PTR_ERR(bar0);
		goto err;
	}

	mutex_lock(&d->lock);
	d->vdev = vdev;
	d->bar0 = bar0;
	d->saving = false;
	d->remap_gen = 0;
	d->resuming = false;
	d->quiesced = false;
	/* Opening reset the VF: the guest will configure it afresh. */
	i40e_vfm_vf_was_reset(&d->m);
	/* Nothing is mapped yet: the ATQ tail is trapped from the start. */
	gen = set_traps(d, false);
	if (gen < 0) {
		d->vdev = NULL;
		d->bar0 = NULL;
	}
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
	if (d->m.verify_pending && d->m.verified)
		pci_warn(d->pdev, "guest never renegotiated the configuration it had on the source (differences 0x%x)\n",
			 d->m.verify_diff);
	i40e_vfm_saving_end(&d->m);
	i40e_vfm_vf_was_reset(&d->m);
	d->m.verify_pending = false;
	d->vdev = NULL;
	d->bar0 = NULL;
	mutex_unlock(&d->lock);
}

static const struct vfio_device_ops i40e_vfm_device_ops = {
	.name		= "i40e-vf-migration",
	.init		= vfio_pci_vendor_init_dev,
	.release	= vfio_pci_vendor_release_dev,
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
		pci_info(d->pdev, "saved without precise tracking (the VMM did not acknowledge the remap): all guest memory was reported dirty\n");
	i40e_vfm_saving_end(&d->m);
	d->saving = false;
	d->precise = false;
	d->remap_gen = 0;
	/* Give the VMM its mappings back. */
	if (d->vdev && set_traps(d, false) < 0)
		pci_warn(d->pdev, "could not restore the BAR0 mappings\n");
	mutex_unlock(&d->lock);
}

/* Bus mastering on or off in the command register.  Caller holds d->lock. */
static void set_master(struct i40e_vfm_dev *d, bool on)
{
	u16 cmd;

	pci_read_config_word(d->pdev, PCI_COMMAND, &cmd);
	if (on)
		cmd |= PCI_COMMAND_MASTER;
	else
		cmd &= ~PCI_COMMAND_MASTER;
	pci_write_config_word(d->pdev, PCI_COMMAND, cmd);
}

/* No DMA while stopped: turn bus mastering off (the VMM set it through
 * config space, so the register is the truth), start() turns it back on.
 */
static int i40e_vfm_stop(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);
	u16 cmd;

	mutex_lock(&d->lock);
	pci_read_config_word(d->pdev, PCI_COMMAND, &cmd);
	if (cmd & PCI_COMMAND_MASTER) {
		set_master(d, false);
		d->quiesced = true;
	}
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
			pci_err(d->pdev, "restoring the VF failed: %pe\n",
				ERR_PTR(ret));
		else
			pci_info(d->pdev, "restored: administrator settings applied 0x%x, unchanged 0x%x, unsupported by the PF 0x%x; the guest driver renegotiates after the VF reset\n",
				 res.applied, res.unchanged, res.unsupported);
	}
	if (d->quiesced) {
		set_master(d, true);
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
		pci_err(d->pdev, "saving the VF state failed: %pe\n",
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
	mutex_unlock(&d->lock);
	if (ret)
		pci_err(d->pdev, "refusing a corrupt or foreign VF state\n");
	return ret;
}

static void i40e_vfm_reset(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	d->resuming = false;
	i40e_vfm_vf_was_reset(&d->m);
	mutex_unlock(&d->lock);
}

static void i40e_vfm_error(struct vfio_device *vdev)
{
	struct i40e_vfm_dev *d = to_dev(vdev);

	mutex_lock(&d->lock);
	d->resuming = false;
	if (d->quiesced) {
		set_master(d, true);
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

/* Without the PF's device lock: the PF may hold it while it creates the VF
 * that is being probed.  A VF exists only while its PF driver keeps SR-IOV
 * on, so the driver read here stays bound for the probe.
 */
static bool pf_is_i40e(struct pci_dev *pf)
{
	struct device_driver *drv = READ_ONCE(pf->dev.driver);

	return drv && !strcmp(drv->name, PF_DRIVER);
}

static void *i40e_vfm_probe(struct pci_dev *pdev)
{
	struct nic_vf_seam seam = { .ops = &i40e_vfm_seam_ops };
	struct i40e_vfm_dev *d;
	struct pci_dev *pf;
	int vf_id, ret;

	if (pdev->vendor != I40E_VFM_VENDOR_ID ||
	    (pdev->device != I40E_VFM_DEV_XL710_VF &&
	     pdev->device != I40E_VFM_DEV_X722_VF) ||
	    !pdev->is_virtfn)
		return ERR_PTR(-ENODEV);
	pf = pci_physfn(pdev);
	if (!pf_is_i40e(pf))
		return ERR_PTR(-ENODEV);
	vf_id = pci_iov_vf_id(pdev);
	if (vf_id < 0)
		return ERR_PTR(-ENODEV);
	if (pci_resource_len(pdev, I40E_VFM_BAR) < I40E_VFM_BAR0_LEN)
		return ERR_PTR(-ENODEV);

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->pdev = pdev;
	d->pf = pf;
	d->vf_id = vf_id;
	mutex_init(&d->lock);
	seam.ctx = d;
	ret = i40e_vfm_init(&d->m, &seam, pdev->device);
	if (ret) {
		mutex_destroy(&d->lock);
		kfree(d);
		return ERR_PTR(ret);
	}
	pci_info(pdev, "VF %d of %s: live migration by %s\n", vf_id,
		 pci_name(pf), DRV_NAME);
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
