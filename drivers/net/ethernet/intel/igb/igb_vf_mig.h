/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 82576 VF migration driver's logic, apart from the kernel: what it
 * does on each trapped register access, how it captures the guest's
 * mailbox configuration, what it saves, loads and restores.  The kernel
 * glue (igb_vf_mig_main.c) and the unit tests drive it through this API
 * and supply the seam (struct nic_vf_seam).
 */
#ifndef IGB_VF_MIG_H
#define IGB_VF_MIG_H

#include <linux/types.h>

#include <linux/nic_vf.h>
#include "igb_vf_mig_regs.h"

/* Rings: the RX queues, then the TX queues. */
#define IGB_VFM_RING_RX(q)	(q)
#define IGB_VFM_RING_TX(q)	(IGB_VFM_QUEUES + (q))
#define IGB_VFM_NR_RINGS	(2 * IGB_VFM_QUEUES)

/* The register save set (igb_vf_mig_state.c). */
#define IGB_VFM_NR_REGS		39

/* The message log's bounds: a mailbox message is at most 64 bytes. */
#define IGB_VFM_MSG_MAX		(4 * IGB_VFM_MBX_WORDS)
#define IGB_VFM_LOG_CAP		(16 * 1024)
#define IGB_VFM_LOG_ENTRIES	256

/* Format of the driver's state in the stream (nic_vf state chunks). */
#define IGB_VFM_STATE_VERSION	1
#define IGB_VFM_MAX_STATE	(32 * 1024)
#define IGB_VFM_TAG_MBOX	NIC_VF_TAG('M', 'B', 'O', 'X')
#define IGB_VFM_TAG_PRE		NIC_VF_TAG('P', 'R', 'E', 'C')

/* REGS chunk flags. */
#define IGB_VFM_REGS_ACTIVE	BIT(0)	/* a queue or an interrupt was on */
/* Pre-copy part flags. */
#define IGB_VFM_PRE_GUEST	BIT(0)	/* a guest driver had the VF */

/* Register restore groups. */
#define IGB_VFM_GROUP_IRQ	0

/* Log keys: a class in bits 31:16 (see NIC_VF_MSG_DROP_CLASS). */
#define IGB_VFM_KEY(class, n)	((u32)(class) << 16 | (n))
#define IGB_VFM_KEY_SINGLE	1	/* one entry per message type */
#define IGB_VFM_KEY_UC		2	/* extra unicast filters */
#define IGB_VFM_KEY_VLAN	3	/* one entry per VLAN ID */

/* Most extra unicast filters a summary tells apart. */
#define IGB_VFM_SUM_UC		8

/* igb_vfm_bar0_write() events, for the kernel log. */
#define IGB_VFM_EV_VERIFIED	BIT(0)	/* the guest sent its config again */
#define IGB_VFM_EV_GUEST_RESET	BIT(1)	/* the guest reset the VF */

/* Where a guest's configuration differs from another's. */
#define IGB_VFM_DIFF_MAC	BIT(0)
#define IGB_VFM_DIFF_UC		BIT(1)
#define IGB_VFM_DIFF_MC		BIT(2)
#define IGB_VFM_DIFF_VLAN	BIT(3)
#define IGB_VFM_DIFF_LPE	BIT(4)
#define IGB_VFM_DIFF_PROMISC	BIT(5)

/**
 * struct igb_vfm_rxq - what the device may write for one RX descriptor
 * @buf_len: bytes of the packet buffer
 * @hdr_len: bytes of the header buffer (header split), 0 without
 * @legacy: legacy descriptors (the status byte is elsewhere)
 */
struct igb_vfm_rxq {
	u32 buf_len;
	u32 hdr_len;
	bool legacy;
};

/**
 * struct igb_vfm_summary - a guest's mailbox configuration, host-neutral
 * @mac: the address the guest set (@mac_set)
 * @mac_set: it set one
 * @nr_uc: extra unicast filters
 * @uc_hash: order-independent hash of them
 * @mc_count: multicast addresses, as the guest counted them
 * @mc_hash: order-independent hash of the hashes the PF keeps
 * @nr_vlan: VLAN IDs added
 * @vlan_hash: order-independent hash of them
 * @lpe: largest frame the guest asked for, 0 if never
 * @promisc: promiscuous modes asked for (@promisc_set)
 * @promisc_set: the guest set them
 * @overflow: more unicast filters than IGB_VFM_SUM_UC
 */
struct igb_vfm_summary {
	u8 mac[NIC_VF_ETH_ALEN];
	bool mac_set;
	u32 nr_uc;
	u32 uc_hash;
	u32 mc_count;
	u32 mc_hash;
	u32 nr_vlan;
	u32 vlan_hash;
	u32 lpe;
	u32 promisc;
	bool promisc_set;
	bool overflow;
};

/**
 * struct igb_vfm_stats - counters, for the kernel log and the tests (the
 * message counters are the capture's, struct nic_vf_capture_stats)
 * @tail_writes: trapped tail writes
 * @mbx_requests: messages the guest sent its PF
 * @mbx_answers: answers of the PF matched to them
 * @guest_resets: VF resets the guest asked for (CTRL.RST)
 * @bad_ring: ring configurations the tracker refused
 * @indications: reset indications the guest read after a restore
 * @kicks: mailbox interrupts raised to make the guest look
 * @resumed: restores that resumed the guest's VF without a reset
 * @replayed: messages the driver sent the destination PF in the guest's
 *            place
 */
struct igb_vfm_stats {
	u64 tail_writes;
	u64 mbx_requests;
	u64 mbx_answers;
	u64 guest_resets;
	u64 bad_ring;
	u64 indications;
	u64 kicks;
	u64 resumed;
	u64 replayed;
};

/**
 * struct igb_vfm - the migration logic of one VF
 * @seam: the VF's seam
 * @precise: while saving, every RX tail write reaches the logic (the RX
 *           queue page is swapped for memory), so tracking can be precise
 * @trk: dirty tracking of @rings
 * @rings: see IGB_VFM_RING_*
 * @rxq: per RX queue, what one descriptor gives the device
 * @cap: the guest's mailbox messages, as the PF applied them, and on a
 *       destination the comparison with the source's
 * @msg: one message, read from the mailbox
 * @pre_saved: the pre-copy part of this saving session was produced
 * @pre_admin: administrator settings of a loaded pre-copy part
 * @pre_flags: IGB_VFM_PRE_* of a loaded pre-copy part, 0 if none
 * @pre_admin_done: @pre_admin was set through the PF before the switch-over
 * @pre_reset_done: the VF was reset before the switch-over
 * @st: the device state, saved or loaded (REGS flags IGB_VFM_REGS_*)
 * @regs: register values, snapshot at stop or loaded
 * @regs_valid: @regs holds a snapshot of this stop
 * @stopped_rx: RXDCTL of each RX queue stop() disabled, 0 if none
 * @stopped_tx: TXDCTL of each TX queue stop() disabled, 0 if none
 * @rstd_pending: after a restore, the guest's next read of the mailbox
 *                control register shows "PF reset done"
 * @nack_pending: after a restore, the guest's next read of mailbox word 0
 *                (before it sends anything) shows a refusal without
 *                "clear to send", as a PF that reset the VF answers
 * @guest_reset: a restore tells the guest of a reset instead of resuming
 *               its VF (the operator's choice, or the fallback)
 * @resumed: the last restore resumed the guest's VF where it stopped
 * @resume_err: why the last restore could not resume it, 0 if it did
 * @stats: counters
 */
struct igb_vfm {
	struct nic_vf_seam seam;
	bool precise;
	struct nic_vf_tracker trk;
	struct nic_vf_ring rings[IGB_VFM_NR_RINGS];
	struct igb_vfm_rxq rxq[IGB_VFM_QUEUES];
	struct nic_vf_capture cap;
	u8 msg[IGB_VFM_MSG_MAX];
	bool pre_saved;
	struct nic_vf_admin pre_admin;
	u32 pre_flags;
	bool pre_admin_done;
	bool pre_reset_done;
	struct nic_vf_state st;
	u32 regs[IGB_VFM_NR_REGS];
	bool regs_valid;
	u32 stopped_rx[IGB_VFM_QUEUES];
	u32 stopped_tx[IGB_VFM_QUEUES];
	bool rstd_pending;
	bool nack_pending;
	bool guest_reset;
	bool resumed;
	int resume_err;
	struct igb_vfm_stats stats;
};

static inline u32 igb_vfm_rd(struct igb_vfm *m, u32 off)
{
	return m->seam.ops->reg_read(m->seam.ctx, off);
}

static inline void igb_vfm_wr(struct igb_vfm *m, u32 off, u32 val)
{
	m->seam.ops->reg_write(m->seam.ctx, off, val);
}

/* igb_vf_mig_state.c */
int igb_vfm_init(struct igb_vfm *m, const struct nic_vf_seam *seam,
		 bool precise);
void igb_vfm_destroy(struct igb_vfm *m);
unsigned int igb_vfm_traps(struct nic_vf_trap *traps);
void igb_vfm_sync_tx(struct igb_vfm *m);
void igb_vfm_vf_was_reset(struct igb_vfm *m);
u32 igb_vfm_bar0_write(struct igb_vfm *m, u32 offset, u32 value);
void igb_vfm_bar0_written(struct igb_vfm *m, u32 offset);
u32 igb_vfm_bar0_read(struct igb_vfm *m, u32 offset, u32 value);
int igb_vfm_saving_begin(struct igb_vfm *m);
void igb_vfm_saving_end(struct igb_vfm *m);
bool igb_vfm_stop(struct igb_vfm *m);
void igb_vfm_resume(struct igb_vfm *m);
ssize_t igb_vfm_save_precopy(struct igb_vfm *m, void *buf, size_t len);
int igb_vfm_load_precopy(struct igb_vfm *m, const void *buf, size_t len,
			 u32 version);
int igb_vfm_prepare(struct igb_vfm *m, struct nic_vf_admin_result *res);
int igb_vfm_restore(struct igb_vfm *m, bool run,
		    struct nic_vf_admin_result *res);
bool igb_vfm_kick(struct igb_vfm *m);

/* igb_vf_mig_mbx.c */
extern const struct nic_vf_msg_ops igb_vfm_mbx_ops;
u32 igb_vfm_msg_len(u32 word0);
int igb_vfm_mbx_check(u32 type, const u8 *msg, u32 len);
void igb_vfm_mbx_request(struct igb_vfm *m);
void igb_vfm_mbx_answer(struct igb_vfm *m);
int igb_vfm_summarize(const struct nic_vf_msglog *log,
		      struct igb_vfm_summary *s);
u32 igb_vfm_summary_diff(const struct igb_vfm_summary *a,
			 const struct igb_vfm_summary *b);

/* igb_vf_mig_replay.c */
int igb_vfm_replay(struct igb_vfm *m);

/* igb_vf_mig_desc.c */
extern const struct nic_vf_ring_ops igb_vfm_rx_ring;
extern const struct nic_vf_ring_ops igb_vfm_tx_ring;
int igb_vfm_parse_rx(const u8 *desc, const void *priv,
		     struct nic_vf_range *r);
void igb_vfm_rxq_from_srrctl(struct igb_vfm_rxq *q, u32 srrctl);

#endif /* IGB_VF_MIG_H */
