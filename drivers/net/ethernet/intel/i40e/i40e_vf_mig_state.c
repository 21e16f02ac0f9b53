// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VF's migration state: trapped tail writes, the dirty-tracking phases,
 * and the device state in the stream.
 *
 * Stream: the three nic_vf state chunks (<linux/nic_vf/state.h>): ADMN,
 * REGS with I40E_VFM_REGS_* flags, and the guest's virtchnl messages as
 * VCHL.
 *
 * Restore policy (design in Documentation/networking/device_drivers/
 * ethernet/intel/i40e_vf_migration.rst): the administrator's settings
 * first, through the PF; then a VF reset, after which the guest's iavf
 * renegotiates and re-sends its own configuration; then the interrupt (and
 * register-based RSS) registers.  The admin queue registers are saved but
 * never restored: a disabled admin queue is how the guest notices the
 * reset.  The captured messages are compared with what the guest re-sends.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "i40e_vf_mig.h"

#define IRQ		I40E_VFM_GROUP_IRQ
#define RSS		I40E_VFM_GROUP_RSS
#define SAVE_ONLY	NIC_VF_REG_SAVE_ONLY

/* The guest-visible registers a VF driver relies on.  Never ICR0, whose
 * read clears the causes.  Dynamic control is restored without its
 * triggers and with "no ITR update", ITR intervals separately.
 */
static const struct nic_vf_reg_block vfm_regs[] = {
	{ I40E_VFM_ITRN(0, 0), I40E_VFM_VECTORS, 4, I40E_VFM_ITR_INTERVAL, 0, IRQ },
	{ I40E_VFM_ITRN(1, 0), I40E_VFM_VECTORS, 4, I40E_VFM_ITR_INTERVAL, 0, IRQ },
	{ I40E_VFM_ITRN(2, 0), I40E_VFM_VECTORS, 4, I40E_VFM_ITR_INTERVAL, 0, IRQ },
	{ I40E_VFM_DYN_CTLN(0), I40E_VFM_VECTORS, 4, I40E_VFM_DYN_INTENA,
	  I40E_VFM_DYN_ITR_NONE, IRQ },
	{ I40E_VFM_ICR0_ENA, 1, 4, I40E_VFM_ICR0_ENA_CAUSES, 0, IRQ },
	{ I40E_VFM_DYN_CTL0, 1, 4, I40E_VFM_DYN_INTENA, I40E_VFM_DYN_ITR_NONE,
	  IRQ },
	{ I40E_VFM_HENA(0), I40E_VFM_HENA_REGS, 4, ~0U, 0, RSS },
	{ I40E_VFM_HKEY(0), I40E_VFM_HKEY_REGS, 4, ~0U, 0, RSS },
	{ I40E_VFM_HLUT(0), I40E_VFM_HLUT_REGS, 4, ~0U, 0, RSS },
	{ I40E_VFM_ATQBAL, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ATQBAH, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ATQLEN, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ATQH, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ATQT, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ARQBAL, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ARQBAH, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ARQLEN, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ARQH, 1, 4, 0, 0, SAVE_ONLY },
	{ I40E_VFM_ARQT, 1, 4, 0, 0, SAVE_ONLY },
};

/* Index in regs[] of a save-only register, for the state flags. */
static int reg_index(u32 offset)
{
	unsigned int i, idx = 0;

	for (i = 0; i < ARRAY_SIZE(vfm_regs); i++) {
		if (vfm_regs[i].count == 1 && vfm_regs[i].offset == offset)
			return idx;
		idx += vfm_regs[i].count;
	}
	return -1;
}

static void snapshot(struct nic_vf_state *st)
{
	struct i40e_vfm *m = container_of(st, struct i40e_vfm, st);
	int atq = reg_index(I40E_VFM_ATQLEN), arq = reg_index(I40E_VFM_ARQLEN);

	nic_vf_regs_snapshot(&m->seam, vfm_regs, ARRAY_SIZE(vfm_regs),
			     m->regs);
	st->flags = 0;
	if ((m->regs[atq] | m->regs[arq]) & I40E_VFM_AQ_ENABLE)
		st->flags |= I40E_VFM_REGS_AQ_ACTIVE;
	if (m->caps && i40e_vfm_rss_by_registers(m->device, m->caps))
		st->flags |= I40E_VFM_REGS_RSS_REG;
}

static const struct nic_vf_state_desc vfm_state = {
	.version	= I40E_VFM_STATE_VERSION,
	.log_tag	= I40E_VFM_TAG_VCHNL,
	.blocks		= vfm_regs,
	.nr_blocks	= ARRAY_SIZE(vfm_regs),
	.flags_valid	= I40E_VFM_REGS_AQ_ACTIVE | I40E_VFM_REGS_RSS_REG,
	.snapshot	= snapshot,
};

/**
 * i40e_vfm_init() - set up the migration logic of one VF
 * @m: the VF's state, zeroed by the caller
 * @seam: its seam (copied)
 * @device: its PCI device ID
 *
 * Return: 0, -ENODEV for a device this driver does not know, -ENOMEM.
 */
int i40e_vfm_init(struct i40e_vfm *m, const struct nic_vf_seam *seam,
		  u16 device)
{
	int q, ret;

	if (device != I40E_VFM_DEV_XL710_VF && device != I40E_VFM_DEV_X722_VF)
		return -ENODEV;
	if (nic_vf_regs_count(vfm_regs, ARRAY_SIZE(vfm_regs)) !=
	    I40E_VFM_NR_REGS)
		return -EINVAL;

	memset(m, 0, sizeof(*m));
	m->seam = *seam;
	m->device = device;
	m->max_ring = device == I40E_VFM_DEV_X722_VF ?
		      I40E_VFM_RING_MAX_X722 : I40E_VFM_RING_MAX_XL710;

	for (q = 0; q < I40E_VFM_QUEUES; q++) {
		nic_vf_ring_init(&m->rings[I40E_VFM_RING_TX(q)],
				 &i40e_vfm_tx_ring, NULL);
		nic_vf_ring_init(&m->rings[I40E_VFM_RING_RX(q)],
				 &i40e_vfm_rx_ring, &m->rxq[q]);
	}
	nic_vf_ring_init(&m->rings[I40E_VFM_RING_ATQ], &i40e_vfm_atq_ring,
			 NULL);
	nic_vf_ring_init(&m->rings[I40E_VFM_RING_ARQ], &i40e_vfm_arq_ring,
			 NULL);
	/* The ATQ tail is trapped for the device's whole life. */
	m->rings[I40E_VFM_RING_ATQ].tail_always_seen = true;
	nic_vf_tracker_init(&m->trk, &m->seam, m->rings, I40E_VFM_NR_RINGS);
	nic_vf_state_init(&m->st, &vfm_state, &m->seam, &m->trk, &m->cap,
			  m->regs);

	m->msgbuf = seam->ops->zalloc(seam->ctx, I40E_VFM_AQ_BUF_MAX);
	if (!m->msgbuf)
		return -ENOMEM;
	ret = nic_vf_capture_init(&m->cap, &m->seam, &i40e_vfm_vc_ops, m,
				  I40E_VFM_LOG_CAP, I40E_VFM_LOG_ENTRIES,
				  I40E_VFM_AQ_BUF_MAX);
	if (ret) {
		seam->ops->free(seam->ctx, m->msgbuf);
		m->msgbuf = NULL;
		return ret;
	}
	return 0;
}

/**
 * i40e_vfm_destroy() - release everything the logic holds
 * @m: the VF's state
 */
void i40e_vfm_destroy(struct i40e_vfm *m)
{
	const struct nic_vf_seam *s = &m->seam;

	if (!m->msgbuf)
		return;
	nic_vf_tracker_end(&m->trk);
	nic_vf_capture_destroy(&m->cap);
	s->ops->free(s->ctx, m->msgbuf);
	m->msgbuf = NULL;
}

/**
 * i40e_vfm_traps() - the BAR0 pages to trap
 * @saving: a migration is saving the device
 * @traps: filled in, at most I40E_VFM_MAX_TRAPS entries
 *
 * Always the ATQ tail page, for the capture; while saving also the pages of
 * the RX and ARQ tails, for dirty tracking.  Not the TX tails, written once
 * per transmitted frame: the device only reads TX buffers, and the rings it
 * writes back into are known from the guest's CONFIG_VSI_QUEUES and held
 * whole.
 *
 * Return: entries filled.
 */
unsigned int i40e_vfm_traps(bool saving, struct nic_vf_trap *traps)
{
	static const u32 pages[] = {
		I40E_VFM_PAGE_RX_TAILS, I40E_VFM_PAGE_ARQ_TAIL,
		I40E_VFM_PAGE_ATQ_TAIL,
	};
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		if (!saving && pages[i] != I40E_VFM_PAGE_ATQ_TAIL)
			continue;
		traps[n].offset = pages[i];
		traps[n++].len = NIC_VF_TRAP_PAGE;
	}
	return n;
}

/* Follow the admin queue registers: the guest sets a queue up (base and
 * length with the enable bit) before it writes the tail.
 */
static struct nic_vf_ring *aq_ring(struct i40e_vfm *m, bool atq)
{
	const struct nic_vf_seam *s = &m->seam;
	struct nic_vf_ring *ring =
		&m->rings[atq ? I40E_VFM_RING_ATQ : I40E_VFM_RING_ARQ];
	u32 lenreg = s->ops->reg_read(s->ctx, atq ? I40E_VFM_ATQLEN :
						    I40E_VFM_ARQLEN);
	u32 len = lenreg & I40E_VFM_AQ_LEN_MASK;
	u64 base;

	if (!(lenreg & I40E_VFM_AQ_ENABLE) || !len) {
		nic_vf_ring_disable(&m->trk, ring);
		return NULL;
	}
	base = (u64)s->ops->reg_read(s->ctx, atq ? I40E_VFM_ATQBAH :
						   I40E_VFM_ARQBAH) << 32 |
	       s->ops->reg_read(s->ctx, atq ? I40E_VFM_ATQBAL :
					      I40E_VFM_ARQBAL);
	if (ring->len == len && ring->base == base)
		return ring;
	if (nic_vf_ring_configure(&m->trk, ring, base, len, NULL)) {
		m->stats.bad_ring++;
		nic_vf_ring_disable(&m->trk, ring);
		if (atq)
			m->cap.log.flags |= NIC_VF_LOG_INCOMPLETE;
		return NULL;
	}
	return ring;
}

/**
 * i40e_vfm_bar0_write() - the guest wrote a trapped BAR0 register
 * @m: the VF
 * @offset: register offset
 * @value: value written (4-byte write)
 *
 * Call before the write is passed on to the device: descriptors are read
 * while the device has not seen them.  Only the RX and admin queue tails
 * matter here (TX tails, written through the region by a VMM that does not
 * map BAR0, tell nothing: TX buffers are only read).
 *
 * Return: I40E_VFM_EV_* events for the caller to report.
 */
u32 i40e_vfm_bar0_write(struct i40e_vfm *m, u32 offset, u32 value)
{
	struct nic_vf_ring *ring;
	bool verify = m->cap.verify_pending;
	u64 msgs = m->cap.stats.msgs;
	u32 ev = 0;

	if (offset % 4)
		return 0;
	if (offset >= I40E_VFM_QRX_TAIL(0) &&
	    offset < I40E_VFM_QRX_TAIL(I40E_VFM_QUEUES)) {
		ring = &m->rings[I40E_VFM_RING_RX((offset -
						   I40E_VFM_QRX_TAIL(0)) / 4)];
		value &= I40E_VFM_TAIL_MASK;
	} else if (offset == I40E_VFM_ATQT || offset == I40E_VFM_ARQT) {
		ring = aq_ring(m, offset == I40E_VFM_ATQT);
		value &= I40E_VFM_AQ_LEN_MASK;
		if (!ring)
			return 0;
	} else {
		return 0;
	}

	m->stats.tail_writes++;
	if (ring == &m->rings[I40E_VFM_RING_ATQ])
		nic_vf_ring_tail(&m->trk, ring, value, i40e_vfm_atq_visit, m);
	else
		nic_vf_ring_tail(&m->trk, ring, value, NULL, NULL);

	if (m->cap.stats.msgs != msgs)
		ev |= I40E_VFM_EV_CAPTURED;
	if (verify && !m->cap.verify_pending)
		ev |= I40E_VFM_EV_VERIFIED;
	return ev;
}

/**
 * i40e_vfm_saving_begin() - saving begins; tracking is not established
 * @m: the VF
 *
 * Until i40e_vfm_tracking_precise(), nothing is marked: the IOMMU keeps
 * reporting all guest memory dirty.
 */
void i40e_vfm_saving_begin(struct i40e_vfm *m)
{
	m->st.save_step = 0;
	nic_vf_tracker_begin(&m->trk);
}

/**
 * i40e_vfm_tracking_precise() - the tail pages are trapped for certain
 * @m: the VF, saving
 *
 * Return: 0, or the error that makes precise tracking incomplete (the save
 * then fails).
 */
int i40e_vfm_tracking_precise(struct i40e_vfm *m)
{
	aq_ring(m, true);
	aq_ring(m, false);
	return nic_vf_tracker_precise(&m->trk);
}

/**
 * i40e_vfm_saving_end() - saving ended or was cancelled
 * @m: the VF
 */
void i40e_vfm_saving_end(struct i40e_vfm *m)
{
	nic_vf_tracker_end(&m->trk);
	m->st.save_step = 0;
}

/**
 * i40e_vfm_vf_was_reset() - the VF was reset (function reset by the user)
 * @m: the VF
 *
 * The PF clears every queue and filter of a reset VF; the guest will
 * renegotiate, so its previous configuration is forgotten (but for what the
 * PF itself keeps across resets).
 */
void i40e_vfm_vf_was_reset(struct i40e_vfm *m)
{
	nic_vf_tracker_disable_all(&m->trk);
	nic_vf_capture_forget(&m->cap);
	m->vf_v11 = false;
	m->caps = 0;
}

/**
 * i40e_vfm_restore() - apply a loaded state to the destination VF
 * @m: the VF, stopped, with a whole stream loaded
 * @res: what was done with the administrator's settings (may be NULL)
 *
 * See the restore policy at the top of this file.  The capture starts
 * afresh: what the guest re-sends is compared with the source's log when
 * it enables its queues again.
 *
 * Return: 0, -EINVAL if a chunk is missing, or the PF's or the reset's
 * error.
 */
int i40e_vfm_restore(struct i40e_vfm *m, struct nic_vf_admin_result *res)
{
	struct nic_vf_restore_plan plan = {
		.admin = m->st.apply_admin ? &m->st.admin : NULL,
		.blocks = vfm_regs,
		.nr_blocks = ARRAY_SIZE(vfm_regs),
		.vals = m->regs,
		.groups = BIT(I40E_VFM_GROUP_IRQ),
	};
	int ret;

	if (m->st.loaded != NIC_VF_STATE_ALL)
		return -EINVAL;
	plan.reset = nic_vf_restore_needs_reset(&m->cap.expected, m->st.flags &
						I40E_VFM_REGS_AQ_ACTIVE);
	if (m->st.flags & I40E_VFM_REGS_RSS_REG)
		plan.groups |= BIT(I40E_VFM_GROUP_RSS);

	ret = nic_vf_restore(&m->seam, &plan, res);
	m->st.loaded = 0;
	if (ret)
		return ret;

	/* The destination VF starts with nothing configured. */
	nic_vf_tracker_disable_all(&m->trk);
	nic_vf_capture_restart(&m->cap);
	m->vf_v11 = false;
	m->caps = 0;
	return 0;
}
