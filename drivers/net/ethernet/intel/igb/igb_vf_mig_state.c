// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 82576 VF's migration state: trapped register accesses, the queues
 * and their dirty tracking, quiescing, and the device state in the stream.
 *
 * Traps: the mailbox page, for the device's whole life.  With precise
 * tracking, the RX queue page is also swapped for memory while saving
 * (<linux/nic_vf/shadow.h>): the guest's writes to it then reach the
 * device only through igb_vfm_bar0_write(), and outside saving the page is
 * the device's, at full speed.  A stock VMM (QEMU 7.2, 10.0) maps BAR0
 * once and knows nothing of remap requests, so the page could not be
 * trapped only while saving; trapping it from open cost every RX refill a
 * trip through the VMM.  The interrupt page is never trapped: the guest's
 * interrupt handlers write it on every interrupt.
 *
 * Only RX needs its tail: the device overwrites an RX descriptor's buffer
 * address when it writes the frame back, so the buffers must be read when
 * posted.  TX buffers are only read by the device, which writes just the
 * TX ring and the head write-back word; both are held whole, and their
 * addresses are read from the device's registers at each point where the
 * VMM may read the dirty pages (igb_vfm_sync_tx()).  The TX page, written
 * once per transmitted frame, is therefore not trapped: a TX ring the
 * guest sets up, uses and abandons between two such points goes
 * unreported, memory the guest has given up by then.
 *
 * Stream: the three nic_vf state chunks (<linux/nic_vf/state.h>): ADMN,
 * REGS with IGB_VFM_REGS_* flags, and as MBOX the guest's mailbox
 * messages the PF applied.
 *
 * Restore policy: the administrator's settings first, through the
 * destination PF; then a VF reset and the interrupt registers (the shared
 * part, nic_vf_restore()).  Then the guest's VF is resumed where the
 * source stopped: the driver sends the PF the guest's configuration in
 * the guest's place (igb_vf_mig_replay.c) and gives each queue its ring,
 * head and tail back, so the guest's igbvf sees neither a reset nor a
 * link change.  If that cannot be done faithfully (or the operator chose
 * guest_reset=1), the guest is told instead, as a PF that reset itself
 * tells its VFs: its next read of the mailbox control register shows
 * "reset done", its next read of the mailbox shows a refusal without
 * "clear to send", and its mailbox interrupt fires.  The guest's igbvf
 * then resets the VF and sends its whole configuration again, which is
 * compared with the source's log.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "igb_vf_mig.h"

#define IRQ		IGB_VFM_GROUP_IRQ
#define SAVE_ONLY	NIC_VF_REG_SAVE_ONLY

/* The guest-visible registers a VF driver relies on.  Never the interrupt
 * cause (its read clears it) nor the mailbox control register (its read
 * clears the PF's notifications).  The interrupt mask is restored last,
 * once the vectors are mapped.  Queue registers are not restored with
 * these: resume_guest() writes them back once the PF knows the VF again.
 */
static const struct nic_vf_reg_block vfm_regs[] = {
	{ IGB_VFM_EITR(0), IGB_VFM_VECTORS, 4, 0xffff, 0, IRQ },
	{ IGB_VFM_IVAR0, 1, 4, ~0U, 0, IRQ },
	{ IGB_VFM_IVAR_MISC, 1, 4, 0xff, 0, IRQ },
	{ IGB_VFM_EIAC, 1, 4, IGB_VFM_EIMS_ALL, 0, IRQ },
	{ IGB_VFM_EIAM, 1, 4, IGB_VFM_EIMS_ALL, 0, IRQ },
	{ IGB_VFM_EIMS, 1, 4, IGB_VFM_EIMS_ALL, 0, IRQ },
	/* Base low and high, length, SRRCTL, head; tail; control. */
	{ IGB_VFM_RDBAL(0), 5, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_RDT(0), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_RXDCTL(0), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_RDBAL(1), 5, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_RDT(1), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_RXDCTL(1), 1, 4, 0, 0, SAVE_ONLY },
	/* Base low and high, length; head; tail; control; head write-back. */
	{ IGB_VFM_TDBAL(0), 3, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TDH(0), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TDT(0), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TXDCTL(0), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TDWBAL(0), 2, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TDBAL(1), 3, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TDH(1), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TDT(1), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TXDCTL(1), 1, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_TDWBAL(1), 2, 4, 0, 0, SAVE_ONLY },
	{ IGB_VFM_STATUS, 1, 4, 0, 0, SAVE_ONLY },
};

/* Index in regs[] of a register, or -1. */
static int reg_index(u32 offset)
{
	unsigned int i, j, idx = 0;

	for (i = 0; i < ARRAY_SIZE(vfm_regs); i++)
		for (j = 0; j < vfm_regs[i].count; j++, idx++)
			if (vfm_regs[i].offset + j * vfm_regs[i].stride ==
			    offset)
				return idx;
	return -1;
}

/* Saved value of register @off. */
static u32 saved(const struct igb_vfm *m, u32 off)
{
	return m->regs[reg_index(off)];
}

static void snapshot(struct igb_vfm *m)
{
	int q;

	nic_vf_regs_snapshot(&m->seam, vfm_regs, ARRAY_SIZE(vfm_regs),
			     m->regs);
	m->regs_valid = true;
	m->st.flags = 0;
	for (q = 0; q < IGB_VFM_QUEUES; q++)
		if ((saved(m, IGB_VFM_RXDCTL(q)) |
		     saved(m, IGB_VFM_TXDCTL(q))) &
		    IGB_VFM_QUEUE_ENABLE)
			m->st.flags |= IGB_VFM_REGS_ACTIVE;
	if (saved(m, IGB_VFM_EIMS) & IGB_VFM_EIMS_ALL)
		m->st.flags |= IGB_VFM_REGS_ACTIVE;
}

/* The stop's snapshot is the one saved; a save without a stop takes one. */
static void state_snapshot(struct nic_vf_state *st)
{
	struct igb_vfm *m = container_of(st, struct igb_vfm, st);

	if (!m->regs_valid)
		snapshot(m);
}

/* A stream begins: no pre-copy part either. */
static void state_load_begin(struct nic_vf_state *st)
{
	struct igb_vfm *m = container_of(st, struct igb_vfm, st);

	memset(&m->pre_admin, 0, sizeof(m->pre_admin));
	m->pre_flags = 0;
	m->pre_admin_done = false;
	m->pre_reset_done = false;
}

static const struct nic_vf_state_desc vfm_state = {
	.version	= IGB_VFM_STATE_VERSION,
	.log_tag	= IGB_VFM_TAG_MBOX,
	.blocks		= vfm_regs,
	.nr_blocks	= ARRAY_SIZE(vfm_regs),
	.flags_valid	= IGB_VFM_REGS_ACTIVE,
	.snapshot	= state_snapshot,
	.load_begin	= state_load_begin,
};

/**
 * igb_vfm_init() - set up the migration logic of one VF
 * @m: the VF's state, zeroed by the caller
 * @seam: its seam (copied)
 * @precise: RX tail writes reach the logic while saving (precise tracking)
 *
 * Return: 0, -EINVAL if the register table is inconsistent, -ENOMEM.
 */
int igb_vfm_init(struct igb_vfm *m, const struct nic_vf_seam *seam,
		 bool precise)
{
	int q;

	if (nic_vf_regs_count(vfm_regs, ARRAY_SIZE(vfm_regs)) !=
	    IGB_VFM_NR_REGS)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->seam = *seam;
	m->precise = precise;
	for (q = 0; q < IGB_VFM_QUEUES; q++) {
		nic_vf_ring_init(&m->rings[IGB_VFM_RING_RX(q)],
				 &igb_vfm_rx_ring, &m->rxq[q]);
		nic_vf_ring_init(&m->rings[IGB_VFM_RING_TX(q)],
				 &igb_vfm_tx_ring, NULL);
	}
	nic_vf_tracker_init(&m->trk, &m->seam, m->rings, IGB_VFM_NR_RINGS);
	nic_vf_state_init(&m->st, &vfm_state, &m->seam, &m->trk, &m->cap,
			  m->regs);
	return nic_vf_capture_init(&m->cap, &m->seam, &igb_vfm_mbx_ops, m,
				   IGB_VFM_LOG_CAP, IGB_VFM_LOG_ENTRIES,
				   IGB_VFM_MSG_MAX);
}

/**
 * igb_vfm_destroy() - release everything the logic holds
 * @m: the VF's state
 */
void igb_vfm_destroy(struct igb_vfm *m)
{
	nic_vf_tracker_end(&m->trk);
	nic_vf_capture_destroy(&m->cap);
}

/**
 * igb_vfm_traps() - the BAR0 pages to trap, for the device's whole life
 * @traps: filled in, at most NIC_VF_MAX_TRAPS entries
 *
 * Return: entries filled.
 */
unsigned int igb_vfm_traps(struct nic_vf_trap *traps)
{
	traps[0].offset = IGB_VFM_PAGE_MBX;
	traps[0].len = NIC_VF_TRAP_PAGE;
	return 1;
}

/**
 * igb_vfm_vf_was_reset() - the VF was reset (opened, closed, reset by the
 * user or by the guest)
 * @m: the VF
 *
 * The device disabled its queues and the PF forgot the guest's
 * configuration; a reset indication still owed to the guest is dropped.
 */
void igb_vfm_vf_was_reset(struct igb_vfm *m)
{
	nic_vf_tracker_disable_all(&m->trk);
	nic_vf_capture_forget(&m->cap);
	m->rstd_pending = false;
	m->nack_pending = false;
	memset(m->stopped_rx, 0, sizeof(m->stopped_rx));
	memset(m->stopped_tx, 0, sizeof(m->stopped_tx));
}

/* Which queue register @offset is: the queue, RX or TX, the offset in its
 * block.  Returns false for any other register.
 */
static bool queue_reg(u32 offset, int *q, bool *rx, u32 *reg)
{
	u32 base;

	if (offset >= IGB_VFM_RXQ(0) && offset < IGB_VFM_RXQ(IGB_VFM_QUEUES)) {
		base = IGB_VFM_RXQ(0);
		*rx = true;
	} else if (offset >= IGB_VFM_TXQ(0) &&
		   offset < IGB_VFM_TXQ(IGB_VFM_QUEUES)) {
		base = IGB_VFM_TXQ(0);
		*rx = false;
	} else {
		return false;
	}
	*q = (offset - base) / 0x100;
	*reg = (offset - base) % 0x100;
	return true;
}

/* Follow a queue as the device holds it: ring base and length, sizes,
 * head write-back, enable.
 */
static void queue_sync(struct igb_vfm *m, int q, bool rx)
{
	u32 blk = rx ? IGB_VFM_RXQ(q) : IGB_VFM_TXQ(q);
	struct nic_vf_ring *ring = &m->rings[rx ? IGB_VFM_RING_RX(q) :
					     IGB_VFM_RING_TX(q)];
	struct nic_vf_range wb = {};
	struct igb_vfm_rxq sizes;
	u32 len, dctl, tail;
	u64 base;

	dctl = igb_vfm_rd(m, blk + IGB_VFM_Q_DCTL);
	len = (igb_vfm_rd(m, blk + IGB_VFM_Q_LEN) & IGB_VFM_LEN_MASK) /
	      IGB_VFM_DESC_SIZE;
	if (!(dctl & IGB_VFM_QUEUE_ENABLE) || !len) {
		if (ring->len)
			nic_vf_ring_disable(&m->trk, ring);
		return;
	}
	base = (u64)igb_vfm_rd(m, blk + IGB_VFM_Q_BAH) << 32 |
	       (igb_vfm_rd(m, blk + IGB_VFM_Q_BAL) & IGB_VFM_BAL_MASK);
	if (rx) {
		igb_vfm_rxq_from_srrctl(&sizes, igb_vfm_rd(m, blk + IGB_VFM_Q_SRRCTL));
	} else {
		u32 wbal = igb_vfm_rd(m, blk + IGB_VFM_Q_WBAL);

		if (wbal & IGB_VFM_TDWBAL_EN) {
			wb.iova = (u64)igb_vfm_rd(m, blk + IGB_VFM_Q_WBAH) << 32 |
				  (wbal & IGB_VFM_TDWBAL_ADDR);
			wb.len = 4;
		}
	}
	if (ring->len == len && ring->base == base &&
	    (rx ? !memcmp(&sizes, &m->rxq[q], sizeof(sizes)) :
		  (ring->extra.iova == wb.iova && ring->extra.len == wb.len)))
		return;
	if (rx)
		m->rxq[q] = sizes;
	if (nic_vf_ring_configure(&m->trk, ring, base, len, rx ? NULL : &wb)) {
		m->stats.bad_ring++;
		nic_vf_ring_disable(&m->trk, ring);
		return;
	}
	/* The device keeps its tail across a reconfiguration: so do we. */
	tail = igb_vfm_rd(m, blk + IGB_VFM_Q_TAIL) & IGB_VFM_TAIL_MASK;
	if (m->precise && tail < len)
		ring->tail = tail;
}

/**
 * igb_vfm_sync_tx() - follow the TX queues, whose page is not trapped
 * @m: the VF
 *
 * Reads each TX queue's ring and head write-back address from the device,
 * so that what the device may write is held before the VMM reads the dirty
 * pages.  A queue stop() disabled is left as it was: its ring stays held
 * for the final sync.
 */
void igb_vfm_sync_tx(struct igb_vfm *m)
{
	int q;

	if (!m->precise)
		return;
	for (q = 0; q < IGB_VFM_QUEUES; q++)
		if (!m->stopped_tx[q])
			queue_sync(m, q, false);
}

/**
 * igb_vfm_bar0_write() - the guest writes a trapped BAR0 register
 * @m: the VF
 * @offset: register offset (4-byte aligned)
 * @value: value written
 *
 * Call before the write is passed on to the device: descriptors the write
 * posts and the message it sends are read while the device has not seen
 * them.  Then pass the write on and call igb_vfm_bar0_written().
 *
 * Return: IGB_VFM_EV_* events for the caller to report.
 */
u32 igb_vfm_bar0_write(struct igb_vfm *m, u32 offset, u32 value)
{
	bool verify = m->cap.verify_pending, rx;
	u32 reg, ev = 0;
	int q;

	if (offset == IGB_VFM_MBX_CTL) {
		/* An answer read first: a REQ in the same write is newer. */
		if (value & IGB_VFM_MBX_ACK)
			igb_vfm_mbx_answer(m);
		if (value & IGB_VFM_MBX_REQ)
			igb_vfm_mbx_request(m);
	} else if (offset == IGB_VFM_CTRL) {
		if (value & IGB_VFM_CTRL_RST) {
			m->stats.guest_resets++;
			igb_vfm_vf_was_reset(m);
			ev |= IGB_VFM_EV_GUEST_RESET;
		}
	} else if (queue_reg(offset, &q, &rx, &reg) &&
		   reg == IGB_VFM_Q_TAIL) {
		m->stats.tail_writes++;
		nic_vf_ring_tail(&m->trk,
				 &m->rings[rx ? IGB_VFM_RING_RX(q) :
					   IGB_VFM_RING_TX(q)],
				 value & IGB_VFM_TAIL_MASK, NULL, NULL);
	}
	if (verify && !m->cap.verify_pending)
		ev |= IGB_VFM_EV_VERIFIED;
	return ev;
}

/**
 * igb_vfm_bar0_written() - a trapped write reached the device
 * @m: the VF
 * @offset: register offset
 *
 * Ring configuration is read back from the device, which holds what it
 * will use; an RX queue's set-up also reads the TX queues'.
 */
void igb_vfm_bar0_written(struct igb_vfm *m, u32 offset)
{
	bool rx;
	u32 reg;
	int q;

	if (!queue_reg(offset, &q, &rx, &reg))
		return;
	switch (reg) {
	case IGB_VFM_Q_BAL:
	case IGB_VFM_Q_BAH:
	case IGB_VFM_Q_LEN:
	case IGB_VFM_Q_DCTL:
		queue_sync(m, q, rx);
		break;
	case IGB_VFM_Q_SRRCTL:
		if (rx)
			queue_sync(m, q, rx);
		break;
	case IGB_VFM_Q_WBAL:
	case IGB_VFM_Q_WBAH:
		if (!rx)
			queue_sync(m, q, rx);
		break;
	default:
		return;
	}
	/* A guest sets its TX queues up with its RX queues (igbvf: first). */
	if (rx)
		igb_vfm_sync_tx(m);
}

/**
 * igb_vfm_bar0_read() - the guest reads a trapped BAR0 register
 * @m: the VF
 * @offset: register offset (4-byte aligned)
 * @value: what the device returned
 *
 * Return: what the guest sees: the device's value, but for the reset
 * indication owed after a restore.
 */
u32 igb_vfm_bar0_read(struct igb_vfm *m, u32 offset, u32 value)
{
	if (offset == IGB_VFM_MBX_CTL && m->rstd_pending) {
		m->rstd_pending = false;
		m->stats.indications++;
		return value | IGB_VFM_MBX_RSTD;
	}
	if (offset == IGB_VFM_MBX_MEM(0) && m->nack_pending) {
		m->nack_pending = false;
		return IGB_VFM_MSG_NACK;
	}
	return value;
}

/**
 * igb_vfm_saving_begin() - device writes must be reported from now on
 * @m: the VF
 *
 * With precise tracking, the caller has swapped the RX queue page, so
 * every RX tail write from now on is seen: tracking is precise at once
 * (every ring's memory and every posted buffer held, found by a scan of
 * each ring).  Without, nothing is reported and the IOMMU keeps reporting
 * all guest memory dirty.
 *
 * Return: 0, or the error that makes precise tracking incomplete (the save
 * then fails).
 */
int igb_vfm_saving_begin(struct igb_vfm *m)
{
	int q, ret;

	m->st.save_step = 0;
	nic_vf_tracker_begin(&m->trk);
	if (!m->precise)
		return 0;
	/* The device's view, in case a reset changed it behind our back. */
	for (q = 0; q < IGB_VFM_QUEUES; q++) {
		queue_sync(m, q, true);
		queue_sync(m, q, false);
	}
	ret = nic_vf_tracker_precise(&m->trk);
	/* Every RX tail write is seen from here on. */
	for (q = 0; q < IGB_VFM_QUEUES; q++)
		nic_vf_ring_tail_from_device(&m->rings[IGB_VFM_RING_RX(q)],
					     igb_vfm_rd(m, IGB_VFM_RDT(q)) &
					     IGB_VFM_TAIL_MASK);
	return ret;
}

/**
 * igb_vfm_saving_end() - no more reason to report device writes
 * @m: the VF
 */
void igb_vfm_saving_end(struct igb_vfm *m)
{
	nic_vf_tracker_end(&m->trk);
	m->st.save_step = 0;
	m->pre_saved = false;
}

/* Is a queue whose enable bit was cleared stopped yet? */
static bool queue_stopped(struct igb_vfm *m, u32 dctl)
{
	int i;

	for (i = 0; i < IGB_VFM_STOP_POLLS; i++)
		if (!(igb_vfm_rd(m, dctl) & IGB_VFM_QUEUE_ENABLE))
			return true;
	return false;
}

/* Tell the tracker which slots of a stopped RX queue the device still
 * owns: it wrote none of their buffers.
 */
static void rx_stopped(struct igb_vfm *m, int q)
{
	if (!m->stopped_rx[q] || !queue_stopped(m, IGB_VFM_RXDCTL(q)))
		return;
	nic_vf_ring_quiesced(&m->rings[IGB_VFM_RING_RX(q)],
			     igb_vfm_rd(m, IGB_VFM_RDH(q)) & IGB_VFM_TAIL_MASK,
			     igb_vfm_rd(m, IGB_VFM_RDT(q)) & IGB_VFM_TAIL_MASK);
}

/**
 * igb_vfm_stop() - quiesce the VF: no more DMA, no more received frames
 * @m: the VF; its guest no longer runs
 *
 * Takes the register snapshot that is saved, then disables every enabled
 * queue.  A disabled queue keeps its head and tail, and the PF's switch
 * drops frames for it, so igb_vfm_resume() continues exactly where the VF
 * stopped (a cancelled migration).  While saving, the buffers the device
 * wrote since their last report are then reported: those of the slots
 * between each RX tail and head, or every recorded one if a queue did not
 * stop.
 *
 * Return: true if a queue was disabled.
 */
bool igb_vfm_stop(struct igb_vfm *m)
{
	bool any = false;
	u32 v;
	int q;

	/* The TX rings as they are now are what the final sync must see. */
	igb_vfm_sync_tx(m);
	snapshot(m);
	for (q = 0; q < IGB_VFM_QUEUES; q++) {
		v = saved(m, IGB_VFM_RXDCTL(q));
		if (v & IGB_VFM_QUEUE_ENABLE) {
			igb_vfm_wr(m, IGB_VFM_RXDCTL(q), v & ~IGB_VFM_QUEUE_ENABLE);
			m->stopped_rx[q] = v;
			any = true;
		}
		v = saved(m, IGB_VFM_TXDCTL(q));
		if (v & IGB_VFM_QUEUE_ENABLE) {
			igb_vfm_wr(m, IGB_VFM_TXDCTL(q), v & ~IGB_VFM_QUEUE_ENABLE);
			m->stopped_tx[q] = v;
			any = true;
		}
	}
	for (q = 0; q < IGB_VFM_QUEUES; q++)
		rx_stopped(m, q);
	nic_vf_tracker_flush(&m->trk);
	return any;
}

/**
 * igb_vfm_resume() - undo igb_vfm_stop(): the VF runs on where it stopped
 * @m: the VF
 */
void igb_vfm_resume(struct igb_vfm *m)
{
	int q;

	for (q = 0; q < IGB_VFM_QUEUES; q++) {
		if (m->stopped_rx[q])
			igb_vfm_wr(m, IGB_VFM_RXDCTL(q), m->stopped_rx[q]);
		if (m->stopped_tx[q])
			igb_vfm_wr(m, IGB_VFM_TXDCTL(q), m->stopped_tx[q]);
	}
	memset(m->stopped_rx, 0, sizeof(m->stopped_rx));
	memset(m->stopped_tx, 0, sizeof(m->stopped_tx));
	m->regs_valid = false;
}

/* Pre-copy part: flags, reserved, the administrator's settings. */
#define PRE_HDR		8

/**
 * igb_vfm_save_precopy() - the pre-copy part, with the VF running
 * @m: the VF
 * @buf: where
 * @len: room
 *
 * One chunk: the administrator's settings, and whether a guest driver has
 * the VF (its mailbox log is not empty), so that a destination can check
 * or set the settings and reset its VF before the switch-over.  The
 * stop-copy state repeats the settings: they are what counts.
 *
 * Return: chunk length, 0 after the chunk, -ENOSPC, or the PF's error
 * reading the settings.
 */
ssize_t igb_vfm_save_precopy(struct igb_vfm *m, void *buf, size_t len)
{
	u8 *p = buf, *pl = p + NIC_VF_CHUNK_HDR;
	struct nic_vf_admin admin;
	ssize_t n;
	int ret;

	if (m->pre_saved)
		return 0;
	if (len < NIC_VF_CHUNK_HDR + PRE_HDR)
		return -ENOSPC;
	ret = nic_vf_admin_read(&m->seam, &admin);
	if (ret)
		return ret;
	memset(pl, 0, PRE_HDR);
	if (nic_vf_restore_needs_reset(&m->cap.log, false))
		nic_vf_put32(pl, IGB_VFM_PRE_GUEST);
	n = nic_vf_admin_save(&admin, pl + PRE_HDR,
			      len - NIC_VF_CHUNK_HDR - PRE_HDR);
	if (n < 0)
		return n;
	nic_vf_chunk_header(p, IGB_VFM_TAG_PRE, IGB_VFM_STATE_VERSION,
			    PRE_HDR + n);
	m->pre_saved = true;
	return NIC_VF_CHUNK_HDR + PRE_HDR + n;
}

/**
 * igb_vfm_load_precopy() - take the chunk of a validated pre-copy part
 * @m: the VF, resuming
 * @buf: the chunk
 * @len: its length
 * @version: the part's state format version
 *
 * Return: 0, or -EINVAL to reject the migration.
 */
int igb_vfm_load_precopy(struct igb_vfm *m, const void *buf, size_t len,
			 u32 version)
{
	static const u32 tags[] = { IGB_VFM_TAG_PRE };
	const u8 *p;
	u32 plen, flags;
	int ret;

	if (version != IGB_VFM_STATE_VERSION)
		return -EINVAL;
	ret = nic_vf_chunk_open(buf, len, IGB_VFM_STATE_VERSION, tags,
				ARRAY_SIZE(tags), m->pre_flags ? 1 : 0, &p, &plen);
	if (ret < 0)
		return ret;
	if (plen < PRE_HDR)
		return -EINVAL;
	flags = nic_vf_get32(p);
	if ((flags & ~IGB_VFM_PRE_GUEST) || nic_vf_get32(p + 4))
		return -EINVAL;
	ret = nic_vf_admin_load(&m->pre_admin, p + PRE_HDR, plen - PRE_HDR);
	if (ret)
		return ret;
	/* Non-zero once loaded, so a second chunk is refused. */
	m->pre_flags = flags | BIT(31);
	return 0;
}

/**
 * igb_vfm_prepare() - before the switch-over, what the pre-copy part allows
 * @m: the destination VF, resuming, with a pre-copy part loaded
 * @res: what was done with the administrator's settings (may be NULL)
 *
 * The administrator's settings (under the apply policy) and, if a guest
 * driver had the source's VF, the VF reset: the restore then skips them
 * (see igb_vfm_restore()).  Nothing of the guest is touched.
 *
 * Return: 0, or the PF's or the reset's error.
 */
int igb_vfm_prepare(struct igb_vfm *m, struct nic_vf_admin_result *res)
{
	struct nic_vf_restore_plan plan = {
		.admin = m->st.apply_admin ? &m->pre_admin : NULL,
		.reset = m->pre_flags & IGB_VFM_PRE_GUEST,
	};
	int ret;

	ret = nic_vf_restore(&m->seam, &plan, res);
	if (ret)
		return ret;
	m->pre_admin_done = !!plan.admin;
	m->pre_reset_done = plan.reset;
	return 0;
}

/* Do two settings records say the same (as they are saved)? */
static bool admin_same(const struct nic_vf_admin *a,
		       const struct nic_vf_admin *b)
{
	u8 ra[NIC_VF_ADMIN_REC_LEN], rb[NIC_VF_ADMIN_REC_LEN];

	return nic_vf_admin_save(a, ra, sizeof(ra)) == sizeof(ra) &&
	       nic_vf_admin_save(b, rb, sizeof(rb)) == sizeof(rb) &&
	       !memcmp(ra, rb, sizeof(ra));
}

/* Give one queue its saved ring, head and tail back.  @run: enable it
 * (else it is left disabled as a stop leaves it, for igb_vfm_resume()).
 * Return: 0, or -EIO if the device does not hold the head written.
 */
static int queue_restore(struct igb_vfm *m, int q, bool rx, bool run)
{
	u32 blk = rx ? IGB_VFM_RXQ(q) : IGB_VFM_TXQ(q);
	u32 dctl = saved(m, blk + IGB_VFM_Q_DCTL);
	u32 head = saved(m, blk + IGB_VFM_Q_HEAD) & IGB_VFM_TAIL_MASK;
	static const u32 rx_setup[] = { IGB_VFM_Q_BAL, IGB_VFM_Q_BAH,
					IGB_VFM_Q_LEN, IGB_VFM_Q_SRRCTL };
	static const u32 tx_setup[] = { IGB_VFM_Q_BAL, IGB_VFM_Q_BAH,
					IGB_VFM_Q_LEN, IGB_VFM_Q_WBAL,
					IGB_VFM_Q_WBAH };
	const u32 *setup = rx ? rx_setup : tx_setup;
	int i, n = rx ? ARRAY_SIZE(rx_setup) : ARRAY_SIZE(tx_setup);

	if (!(dctl & IGB_VFM_QUEUE_ENABLE))
		return 0;
	for (i = 0; i < n; i++)
		igb_vfm_wr(m, blk + setup[i], saved(m, blk + setup[i]));
	/* The head is written while the queue is off, as the 82576 wants. */
	igb_vfm_wr(m, blk + IGB_VFM_Q_HEAD, head);
	if ((igb_vfm_rd(m, blk + IGB_VFM_Q_HEAD) & IGB_VFM_TAIL_MASK) != head)
		return -EIO;
	if (run)
		igb_vfm_wr(m, blk + IGB_VFM_Q_DCTL, dctl);
	else if (rx)
		m->stopped_rx[q] = dctl;
	else
		m->stopped_tx[q] = dctl;
	igb_vfm_wr(m, blk + IGB_VFM_Q_TAIL, saved(m, blk + IGB_VFM_Q_TAIL));
	if (run)
		queue_sync(m, q, rx);
	return 0;
}

/* Every queue off, as a VF reset leaves them. */
static void queues_off(struct igb_vfm *m)
{
	int q;

	for (q = 0; q < IGB_VFM_QUEUES; q++) {
		igb_vfm_wr(m, IGB_VFM_RXDCTL(q), 0);
		igb_vfm_wr(m, IGB_VFM_TXDCTL(q), 0);
	}
	nic_vf_tracker_disable_all(&m->trk);
	memset(m->stopped_rx, 0, sizeof(m->stopped_rx));
	memset(m->stopped_tx, 0, sizeof(m->stopped_tx));
}

/* The guest's VF as the source left it: its configuration sent to the PF
 * again (igb_vfm_replay()), then its queues.  Return: 0, or why not.
 */
static int resume_guest(struct igb_vfm *m, bool run)
{
	int q, ret;

	if (m->guest_reset)
		return -EPERM;
	ret = igb_vfm_replay(m);
	if (ret)
		return ret;
	for (q = 0; q < IGB_VFM_QUEUES && !ret; q++) {
		ret = queue_restore(m, q, true, run);
		if (!ret)
			ret = queue_restore(m, q, false, run);
	}
	if (ret)
		queues_off(m);
	return ret;
}

/**
 * igb_vfm_restore() - apply a loaded state to the destination VF
 * @m: the VF, stopped, with a whole stream loaded
 * @run: the VF runs next (else it is in P2P: its queues stay off until
 *	igb_vfm_resume(), and the caller kicks when it leaves P2P)
 * @res: what was done with the administrator's settings (may be NULL)
 *
 * See the restore policy at the top of this file.  What igb_vfm_prepare()
 * did before the switch-over is not done again: the settings, if the
 * stop-copy state carries the same, and the VF reset, if nothing was set
 * through the PF since.  @m->resumed says which way the guest's VF came
 * back, @m->resume_err why it was not resumed.
 *
 * Return: 0, -EINVAL if a chunk is missing, or the PF's or the reset's
 * error.
 */
int igb_vfm_restore(struct igb_vfm *m, bool run,
		    struct nic_vf_admin_result *res)
{
	struct nic_vf_restore_plan plan = {
		.admin = m->st.apply_admin ? &m->st.admin : NULL,
		.blocks = vfm_regs,
		.nr_blocks = ARRAY_SIZE(vfm_regs),
		.vals = m->regs,
		.groups = BIT(IGB_VFM_GROUP_IRQ),
	};
	bool guest, same;
	int ret;

	m->resumed = false;
	m->resume_err = 0;
	if (m->st.loaded != NIC_VF_STATE_ALL)
		return -EINVAL;
	guest = nic_vf_restore_needs_reset(&m->cap.expected,
					   m->st.flags & IGB_VFM_REGS_ACTIVE);
	same = admin_same(&m->pre_admin, &m->st.admin);
	/* Done before the switch-over, unless the settings changed since. */
	if (m->pre_admin_done && same)
		plan.admin = NULL;
	plan.reset = guest && (!m->pre_reset_done || !same || plan.admin);
	/* A VF nobody configured: the settings, nothing of a guest. */
	if (!guest)
		plan.groups = 0;
	ret = nic_vf_restore(&m->seam, &plan, res);
	m->st.loaded = 0;
	m->pre_flags = 0;
	m->pre_admin_done = false;
	m->pre_reset_done = false;
	if (ret)
		return ret;

	/* The destination VF starts with nothing configured. */
	nic_vf_tracker_disable_all(&m->trk);
	nic_vf_capture_restart(&m->cap);
	m->regs_valid = false;
	if (!guest)
		return 0;

	m->resume_err = resume_guest(m, run);
	if (!m->resume_err) {
		m->resumed = true;
		m->stats.resumed++;
		return 0;
	}
	/* Else the guest sets its VF up again, from a clean start. */
	nic_vf_capture_restart(&m->cap);
	m->rstd_pending = true;
	m->nack_pending = true;
	if (run)
		igb_vfm_kick(m);
	return 0;
}

/**
 * igb_vfm_kick() - raise the guest's mailbox interrupt, if it still has to
 * learn of the reset
 * @m: the VF, restored
 *
 * The interrupt makes igbvf look at its mailbox at once rather than at its
 * next watchdog run (every two seconds).  It may be lost if the VMM has
 * not set up the VF's interrupts yet when the VF starts running: the
 * caller repeats it until the guest read the reset indication.
 *
 * Return: true if the interrupt was raised; false if the guest already
 * read the indication, or had no mailbox vector enabled.
 */
bool igb_vfm_kick(struct igb_vfm *m)
{
	u32 misc = saved(m, IGB_VFM_IVAR_MISC);
	u32 eims = saved(m, IGB_VFM_EIMS);
	u32 vec = BIT(misc & IGB_VFM_IVAR_VECTOR);

	if (!m->rstd_pending || !(misc & IGB_VFM_IVAR_VALID) ||
	    !(eims & vec & IGB_VFM_EIMS_ALL))
		return false;
	igb_vfm_wr(m, IGB_VFM_EICS, vec);
	m->stats.kicks++;
	return true;
}
