// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel half NIC VF migration drivers share (see <linux/nic_vf/host.h>): the
 * seam over vfio-pci and the PF's netdev, probe-time checks, traps.
 *
 * Reaching the PF: only through public paths.  The PF's net device is
 * found as a child of its PCI device (so in whatever network namespace it
 * lives), and its ndo_get_vf_config()/ndo_set_vf_*() are called under rtnl,
 * as "ip link show/set <pf> vf N ..." does.  A PF busy with another VF
 * operation answers -EAGAIN; such calls are retried for a while.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/vfio_pci_vendor.h>

#include <linux/nic_vf/host.h>

#define PF_RETRIES	15
#define PF_RETRY_MS	20

static int host_dma_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct nic_vf_host *h = ctx;

	return h->vdev ? vfio_pci_dma_read(h->vdev, iova, buf, len) : -ENODEV;
}

static int host_dirty_mark(void *ctx, u64 iova, size_t len)
{
	struct nic_vf_host *h = ctx;

	return h->vdev ? vfio_pci_dirty_mark(h->vdev, iova, len) : -ENODEV;
}

static int host_dirty_hold(void *ctx, u64 iova, size_t len)
{
	struct nic_vf_host *h = ctx;

	return h->vdev ? vfio_pci_dirty_hold(h->vdev, iova, len) : -ENODEV;
}

static void host_dirty_release(void *ctx, u64 iova, size_t len)
{
	struct nic_vf_host *h = ctx;

	if (h->vdev)
		vfio_pci_dirty_release(h->vdev, iova, len);
}

static int is_netdev(struct device *dev, void *data)
{
	return dev->class && !strcmp(dev->class->name, "net");
}

/* The PF's netdev.  Caller holds rtnl; put_device(*child) after use. */
static bool apply_admin_settings;
module_param(apply_admin_settings, bool, 0644);
MODULE_PARM_DESC(apply_admin_settings,
		 "Destination VFs take the administrator settings (MAC, VLAN, trust, spoof check...) from the migration stream, if the VMM that opened the VF has CAP_NET_ADMIN (default: N, the destination VF must already carry them)");

/**
 * nic_vf_host_apply_admin() - the operator's policy for a destination VF
 *
 * Return: true if the administrator settings in a stream are applied
 * (apply_admin_settings=1), false if a destination VF must already carry
 * them and the stream is refused otherwise (the default).
 */
bool nic_vf_host_apply_admin(void)
{
	return READ_ONCE(apply_admin_settings);
}
EXPORT_SYMBOL_GPL(nic_vf_host_apply_admin);

/**
 * nic_vf_host_admin_verify() - check a destination VF against the stream
 * @host: the destination VF
 * @want: the administrator settings the stream carries
 *
 * Return: 0 if the VF carries them (fields its PF does not report are not
 * checked); -EPERM, with a line naming each setting that differs, if not;
 * -EINVAL or the PF's error if they cannot be checked.
 */
int nic_vf_host_admin_verify(struct nic_vf_host *host,
			     const struct nic_vf_admin *want)
{
	struct nic_vf_admin_result res;
	struct nic_vf_seam seam;
	char names[64] = "";
	int f, ret, n = 0;

	nic_vf_host_seam(host, &seam);
	ret = nic_vf_admin_verify(&seam, want, &res);
	if (ret == -EPERM) {
		host->stats.admin_differs++;
		for (f = 0; f < NIC_VF_ADMIN_NR; f++)
			if (res.differ & BIT(f))
				n += scnprintf(names + n, sizeof(names) - n, "%s%s",
					       n ? ", " : "",
					       nic_vf_admin_field_name(f));
		pci_err(host->pdev, "VF %d's administrator settings differ from the source's (%s): set them on this host (ip link set <pf> vf %d ...) before migrating, or load vfio_pci_nic_vf with apply_admin_settings=1; refusing the device state\n",
			host->vf_id, names, host->vf_id);
	} else if (ret) {
		pci_err(host->pdev, "cannot check VF %d's administrator settings against the source's: %pe; refusing the device state\n",
			host->vf_id, ERR_PTR(ret));
	}
	return ret;
}
EXPORT_SYMBOL_GPL(nic_vf_host_admin_verify);

static struct net_device *pf_netdev(struct nic_vf_host *h,
				    struct device **child)
{
	struct net_device *nd;

	ASSERT_RTNL();
	*child = device_find_child(&h->pf->dev, NULL, is_netdev);
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

static int pf_get_once(struct nic_vf_host *h, struct ifla_vf_info *ivi)
{
	struct device *child;
	struct net_device *nd;
	int ret = -ENODEV;

	rtnl_lock();
	nd = pf_netdev(h, &child);
	if (nd) {
		ret = nd->netdev_ops->ndo_get_vf_config ?
		      nd->netdev_ops->ndo_get_vf_config(nd, h->vf_id, ivi) :
		      -EOPNOTSUPP;
		put_device(child);
	}
	rtnl_unlock();
	return ret;
}

static int host_pf_get(void *ctx, struct nic_vf_admin *cfg)
{
	struct nic_vf_host *h = ctx;
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
		ret = pf_get_once(h, &ivi);
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

static int pf_set_once(struct nic_vf_host *h, enum nic_vf_admin_field f,
		       const struct nic_vf_admin *c)
{
	const struct net_device_ops *ops;
	const struct cred *old_cred;
	u8 mac[ETH_ALEN];
	struct device *child;
	struct net_device *nd;
	int ret = -EOPNOTSUPP;
	bool allowed;

	if (!h->opener)
		return -ENODEV;
	rtnl_lock();
	nd = pf_netdev(h, &child);
	if (!nd) {
		rtnl_unlock();
		return -ENODEV;
	}
	ops = nd->netdev_ops;
	/*
	 * The settings come from a migration stream, which anyone holding
	 * the device fd can write: changing what isolates the VF (its MAC,
	 * VLAN, spoof check, trust...) takes what "ip link set ... vf" takes,
	 * of whoever opened the device (not of whoever passed the fd on).
	 */
	old_cred = override_creds(h->opener);
	allowed = ns_capable(dev_net(nd)->user_ns, CAP_NET_ADMIN);
	revert_creds(old_cred);
	if (!allowed) {
		put_device(child);
		rtnl_unlock();
		return -EPERM;
	}
	switch (f) {
	case NIC_VF_ADMIN_MAC:
		memcpy(mac, c->mac, ETH_ALEN);
		if (ops->ndo_set_vf_mac)
			ret = ops->ndo_set_vf_mac(nd, h->vf_id, mac);
		break;
	case NIC_VF_ADMIN_VLAN:
		if (ops->ndo_set_vf_vlan)
			ret = ops->ndo_set_vf_vlan(nd, h->vf_id, c->vlan, c->qos,
						   htons(c->vlan_proto));
		break;
	case NIC_VF_ADMIN_RATE:
		if (ops->ndo_set_vf_rate)
			ret = ops->ndo_set_vf_rate(nd, h->vf_id, c->min_tx_rate,
						   c->max_tx_rate);
		break;
	case NIC_VF_ADMIN_SPOOFCHK:
		if (ops->ndo_set_vf_spoofchk)
			ret = ops->ndo_set_vf_spoofchk(nd, h->vf_id,
						       c->spoofchk);
		break;
	case NIC_VF_ADMIN_TRUST:
		if (ops->ndo_set_vf_trust)
			ret = ops->ndo_set_vf_trust(nd, h->vf_id, c->trusted);
		break;
	case NIC_VF_ADMIN_LINK:
		if (ops->ndo_set_vf_link_state)
			ret = ops->ndo_set_vf_link_state(nd, h->vf_id,
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

static int host_pf_set(void *ctx, enum nic_vf_admin_field f,
		       const struct nic_vf_admin *c)
{
	struct nic_vf_host *h = ctx;
	int ret, i;

	for (i = 0; i < PF_RETRIES; i++) {
		ret = pf_set_once(h, f, c);
		if (ret != -EAGAIN)
			break;
		msleep(PF_RETRY_MS);
	}
	if (ret == -EPERM) {
		h->stats.admin_refused++;
		pci_warn(h->pdev, "the VMM may not change VF %d's administrator settings (no CAP_NET_ADMIN): set them on the destination PF (ip link set <pf> vf %d ...) before migrating\n",
			 h->vf_id, h->vf_id);
	}
	return ret;
}

/* Core's reset: BAR mappings zapped, under core's memory lock.  It only
 * tries the device lock: someone holding it (an unbind waiting for the
 * VMM to close the device) must not deadlock with us, so retry a little.
 */
static int host_flr(struct nic_vf_host *h)
{
	int ret, i;

	for (i = 0; i < PF_RETRIES; i++) {
		ret = vfio_pci_vendor_reset_function(h->vdev);
		if (ret != -EAGAIN)
			break;
		msleep(PF_RETRY_MS);
	}
	return ret;
}

static int host_vf_reset(void *ctx)
{
	struct nic_vf_host *h = ctx;

	if (!h->vdev)
		return -ENODEV;
	return h->reset ? h->reset(h) : host_flr(h);
}

/* Not while the user has memory decoding off, the VF is in D3 or reset. */
static u32 host_reg_read(void *ctx, u32 off)
{
	struct nic_vf_host *h = ctx;
	u32 val = ~0U;

	if (h->regs && vfio_pci_vendor_mem_begin(h->vdev)) {
		val = ioread32(h->regs + off);
		vfio_pci_vendor_mem_end(h->vdev);
	}
	return val;
}

static void host_reg_write(void *ctx, u32 off, u32 val)
{
	struct nic_vf_host *h = ctx;

	if (h->regs && vfio_pci_vendor_mem_begin(h->vdev)) {
		iowrite32(val, h->regs + off);
		vfio_pci_vendor_mem_end(h->vdev);
	}
}

/* Sized by what the guest programs: charged to the VMM. */
static void *host_zalloc(void *ctx, size_t size)
{
	return kvzalloc(size, GFP_KERNEL_ACCOUNT);
}

static void host_free(void *ctx, void *p)
{
	kvfree(p);
}

static void host_pause(void *ctx, unsigned int us)
{
	usleep_range(us, 2 * us);
}

static const struct nic_vf_seam_ops host_seam_ops = {
	.dma_read	= host_dma_read,
	.dirty_mark	= host_dirty_mark,
	.dirty_hold	= host_dirty_hold,
	.dirty_release	= host_dirty_release,
	.pf_get		= host_pf_get,
	.pf_set		= host_pf_set,
	.vf_reset	= host_vf_reset,
	.reg_read	= host_reg_read,
	.reg_write	= host_reg_write,
	.zalloc		= host_zalloc,
	.free		= host_free,
	.pause		= host_pause,
};

/**
 * nic_vf_host_seam() - the seam of <linux/nic_vf.h> over vfio-pci and the PF
 * @host: the VF; it must outlive the seam
 * @seam: filled in
 *
 * Guest memory, dirty reporting and the VF reset answer -ENODEV, register
 * reads all ones, while the device is not open.
 */
void nic_vf_host_seam(struct nic_vf_host *host, struct nic_vf_seam *seam)
{
	seam->ops = &host_seam_ops;
	seam->ctx = host;
}
EXPORT_SYMBOL_GPL(nic_vf_host_seam);

/* Without the PF's device lock: the PF may hold it while it creates the VF
 * that is being probed.  A VF exists only while its PF driver keeps SR-IOV
 * on, so the driver read here stays bound for the probe.
 */
static bool pf_driven_by(struct pci_dev *pf, const char *name)
{
	struct device_driver *drv = READ_ONCE(pf->dev.driver);

	return drv && !strcmp(drv->name, name);
}

/**
 * nic_vf_host_probe() - may a driver take this VF, and with which PF?
 * @host: filled in on success (zeroed first)
 * @pdev: the device vfio-pci offers
 * @pf_driver: name of the PF driver the migration driver works with
 * @bar: index of the register BAR
 * @min_len: least length of that BAR
 *
 * The caller checks the device IDs.  This checks that @pdev is a VF whose
 * PF is bound to @pf_driver, learns its VF number and checks the BAR.
 *
 * Return: 0, or -ENODEV when the device is not one to take.
 */
int nic_vf_host_probe(struct nic_vf_host *host, struct pci_dev *pdev,
		      const char *pf_driver, int bar,
		      resource_size_t min_len)
{
	struct pci_dev *pf;
	int vf_id;

	memset(host, 0, sizeof(*host));
	if (!pdev->is_virtfn || bar < 0 || bar >= PCI_STD_NUM_BARS)
		return -ENODEV;
	pf = pci_physfn(pdev);
	if (!pf_driven_by(pf, pf_driver))
		return -ENODEV;
	vf_id = pci_iov_vf_id(pdev);
	if (vf_id < 0)
		return -ENODEV;
	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, bar) < min_len)
		return -ENODEV;
	host->pdev = pdev;
	host->pf = pf;
	host->vf_id = vf_id;
	host->bar = bar;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_host_probe);

/**
 * nic_vf_host_open() - the device was opened: map its register BAR
 * @host: the VF
 * @vdev: its vfio device, after vfio_pci_vendor_open_device() succeeded
 *
 * Return: 0, or vfio_pci_get_barmap()'s error.
 */
int nic_vf_host_open(struct nic_vf_host *host, struct vfio_device *vdev)
{
	void __iomem *regs = vfio_pci_get_barmap(vdev, host->bar);

	if (IS_ERR(regs))
		return PTR_ERR(regs);
	host->vdev = vdev;
	host->regs = regs;
	/* Open runs in the opener's context: its rights decide pf_set. */
	host->opener = get_current_cred();
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_host_open);

/**
 * nic_vf_host_close() - the device is closed: no more access through it
 * @host: the VF
 */
void nic_vf_host_close(struct nic_vf_host *host)
{
	host->vdev = NULL;
	host->regs = NULL;
	if (host->opener)
		put_cred(host->opener);
	host->opener = NULL;
}
EXPORT_SYMBOL_GPL(nic_vf_host_close);

/**
 * nic_vf_host_set_traps() - trap register pages of the VF's BAR
 * @host: the VF, open
 * @traps: the driver's ranges (any alignment; each trapped by whole pages)
 * @nr: entries in @traps; 0 untraps the BAR
 *
 * The ranges are widened to the host's pages and merged; see
 * vfio_pci_remap_set_traps() for what a trap does to mappings the VMM
 * already has.
 *
 * Return: the request's generation (> 0), -ENODEV if the device is not
 * open, -E2BIG for more distinct pages than vfio-pci traps per BAR, or
 * vfio_pci_remap_set_traps()'s error.
 */
s64 nic_vf_host_set_traps(struct nic_vf_host *host,
			  const struct nic_vf_trap *traps, unsigned int nr)
{
	struct vfio_pci_trap out[VFIO_PCI_MAX_TRAPS];
	unsigned int i, j, n = 0;

	if (!host->vdev)
		return -ENODEV;
	for (i = 0; i < nr; i++) {
		u64 start = ALIGN_DOWN((u64)traps[i].offset, PAGE_SIZE);
		u64 end = ALIGN((u64)traps[i].offset + traps[i].len, PAGE_SIZE);

		if (!traps[i].len)
			continue;
		for (j = 0; j < n; j++)
			if (out[j].offset == start && out[j].len == end - start)
				break;
		if (j < n)
			continue;
		if (n == VFIO_PCI_MAX_TRAPS)
			return -E2BIG;
		out[n].offset = start;
		out[n++].len = end - start;
	}
	return vfio_pci_remap_set_traps(host->vdev, host->bar, out, n);
}
EXPORT_SYMBOL_GPL(nic_vf_host_set_traps);
