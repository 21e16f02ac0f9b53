/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated SR-IOV NIC VF behind the nic_vf seam, for the unit tests:
 * guest memory seen through an IOMMU container, the type1 IOMMU's dirty
 * bitmap (pins keep pages dirty at every sync, unpins leave the bit until
 * the next sync), the VF's BAR0 registers, and a PF that stores the
 * administrator's settings and follows the i40e PF's rules.
 */
#ifndef VF_SIM_H
#define VF_SIM_H

#include <linux/types.h>

#include <linux/nic_vf.h>

#define SIM_PAGE	4096ULL
#define SIM_BASE	0x100000ULL		/* first guest IOVA */
#define SIM_SIZE	(4ULL << 20)		/* guest memory mapped */
#define SIM_PAGES	(SIM_SIZE / SIM_PAGE)
#define SIM_BAR_LEN	0x10000
#define SIM_MAX_EVENTS	512

/* Event log entries, to check the order of PF, reset and register work. */
#define SIM_EV_SET(f)	(0x100 + (f))
#define SIM_EV_RESET	0x200
#define SIM_EV_REG(off)	(0x10000 + (off))

struct sim_hold {
	u64 iova;
	size_t len;
};

struct vf_sim {
	u8 *mem;
	u32 bar[SIM_BAR_LEN / 4];
	int pinned[SIM_PAGES];
	bool dirty[SIM_PAGES];
	struct sim_hold *holds;
	unsigned int nr_holds;
	unsigned int cap_holds;
	unsigned int bad_releases;
	unsigned int marks;
	unsigned int dma_reads;	/* guest memory reads through the seam */
	int fail_hold;		/* errno for the next dirty_hold, once */
	int fail_alloc;		/* fail the next n allocations */
	unsigned int allocs;

	/* PF side */
	struct nic_vf_admin pf;
	u32 pf_unsupported;	/* fields the PF has no operation for */
	int pf_get_err;
	unsigned int resets;	/* VF resets, by the PF or by vf_reset */
	int reset_err;

	/* Called after each register write through the seam. */
	void (*write_hook)(struct vf_sim *s, u32 off, void *arg);
	void *hook_arg;

	int events[SIM_MAX_EVENTS];
	unsigned int nr_events;

	struct nic_vf_seam seam;
};

void sim_init(struct vf_sim *s);
void sim_fini(struct vf_sim *s);
void *sim_ptr(struct vf_sim *s, u64 iova);
/* A dirty sync: which pages are reported, then the bitmap is repopulated. */
unsigned int sim_sync(struct vf_sim *s, bool *out);
bool sim_page_held(struct vf_sim *s, u64 iova);
unsigned int sim_events(struct vf_sim *s, int ev);
int sim_event_index(struct vf_sim *s, int ev);

#endif
