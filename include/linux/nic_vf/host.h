/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf_host: the kernel half that NIC VF migration drivers share.
 *
 * The seam of <linux/nic_vf/seam.h> implemented over vfio-pci and the
 * VF's PF: guest memory and dirty reporting through the device's
 * container, the PF's administrator settings through its netdev's
 * ndo_get_vf_config() and ndo_set_vf_*() under rtnl (the only public path
 * into a PF driver), the VF's register BAR, and a VF reset.  Also the probe-time checks every
 * such driver makes and the conversion of its trapped pages into vfio-pci
 * traps.
 *
 * A driver embeds a struct nic_vf_host per VF, serialises all calls for
 * one VF itself, and gets the VF's seam from nic_vf_host_seam().
 */
#ifndef _LINUX_NIC_VF_HOST_H
#define _LINUX_NIC_VF_HOST_H

#include <linux/pci.h>
#include <linux/vfio.h>

#include <linux/nic_vf.h>

struct nic_vf_host;

/**
 * typedef nic_vf_reset_t - reset a VF the driver's way
 * @host: the VF, open
 *
 * Return: 0 or a negative errno.
 */
typedef int (*nic_vf_reset_t)(struct nic_vf_host *host);

/**
 * struct nic_vf_stats - what happened to a VF on this host, for debugfs
 * @restored: device states restored into the VF
 * @restore_failed: restores that failed
 * @admin_applied: administrator settings the last restore set through the
 *                 PF (a mask of BIT(NIC_VF_ADMIN_*))
 * @admin_differs: device states refused because the destination's
 *                 administrator settings differ from the source's
 * @admin_refused: settings the VMM could not set (no CAP_NET_ADMIN)
 */
struct nic_vf_stats {
	u32 restored;
	u32 restore_failed;
	u32 admin_applied;
	u32 admin_differs;
	u32 admin_refused;
};

/**
 * struct nic_vf_host - one VF, as the kernel glue sees it
 * @pdev: the VF
 * @pf: its PF
 * @vf_id: the VF's number on the PF (pci_iov_vf_id())
 * @bar: index of the register BAR
 * @vdev: the vfio device while it is open, else NULL
 * @regs: the register BAR's mapping while open, else NULL
 * @reset: how the seam's vf_reset resets the VF; NULL for a function-level
 *         reset (vfio_pci_vendor_reset_function(), retried while busy)
 * @opener: credentials of whoever opened the device, while it is open
 * @stats: counters, shown by nic_vf_dev_show_stats()
 */
struct nic_vf_host {
	struct pci_dev *pdev;
	struct pci_dev *pf;
	int vf_id;
	int bar;
	struct vfio_device *vdev;
	void __iomem *regs;
	nic_vf_reset_t reset;
	const struct cred *opener;
	struct nic_vf_stats stats;
};

void nic_vf_host_seam(struct nic_vf_host *host, struct nic_vf_seam *seam);
int nic_vf_host_probe(struct nic_vf_host *host, struct pci_dev *pdev,
		      const char *pf_driver, int bar,
		      resource_size_t min_len);
int nic_vf_host_open(struct nic_vf_host *host, struct vfio_device *vdev);
void nic_vf_host_close(struct nic_vf_host *host);
bool nic_vf_host_apply_admin(void);
int nic_vf_host_admin_verify(struct nic_vf_host *host,
			     const struct nic_vf_admin *want);
s64 nic_vf_host_set_traps(struct nic_vf_host *host,
			  const struct nic_vf_trap *traps, unsigned int nr);

#endif /* _LINUX_NIC_VF_HOST_H */
