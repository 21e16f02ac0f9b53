/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XL710/X722 VF migration driver's logic, apart from the kernel: what
 * it does on each trapped tail write, how it captures the guest's virtchnl
 * configuration, what it saves, loads and restores.  The kernel glue
 * (i40e_vf_mig_main.c) and the unit tests both drive it through this API
 * and supply the seam (struct nic_vf_seam).
 */
#ifndef I40E_VF_MIG_H
#define I40E_VF_MIG_H

#include <linux/types.h>

#include <linux/nic_vf.h>
#include "i40e_vf_mig_regs.h"

/* Rings: 16 TX, 16 RX, then the two admin queues. */
#define I40E_VFM_RING_TX(q)	(q)
#define I40E_VFM_RING_RX(q)	(I40E_VFM_QUEUES + (q))
#define I40E_VFM_RING_ATQ	(2 * I40E_VFM_QUEUES)
#define I40E_VFM_RING_ARQ	(2 * I40E_VFM_QUEUES + 1)
#define I40E_VFM_NR_RINGS	(2 * I40E_VFM_QUEUES + 2)

/* The register save set (i40e_vf_mig_state.c). */
#define I40E_VFM_NR_REGS	107

/* The message log's bounds. */
#define I40E_VFM_LOG_CAP	(32 * 1024)
#define I40E_VFM_LOG_ENTRIES	256

/* Format of the driver's state in the stream (nic_vf state chunks). */
#define I40E_VFM_STATE_VERSION	1
#define I40E_VFM_MAX_STATE	(64 * 1024)
#define I40E_VFM_TAG_VCHNL	NIC_VF_TAG('V', 'C', 'H', 'L')

/* REGS chunk flags. */
#define I40E_VFM_REGS_AQ_ACTIVE	BIT(0)	/* the guest's admin queue was on */
#define I40E_VFM_REGS_RSS_REG	BIT(1)	/* RSS is programmed by registers */

/* Register restore groups. */
#define I40E_VFM_GROUP_IRQ	0
#define I40E_VFM_GROUP_RSS	1

/* i40e_vfm_bar0_write() events. */
#define I40E_VFM_EV_VERIFIED	BIT(0)	/* the guest re-sent its config */
#define I40E_VFM_EV_CAPTURED	BIT(1)	/* a message was captured */

/* Result of comparing the guest's renegotiated configuration. */
#define I40E_VFM_DIFF_QUEUES	BIT(0)
#define I40E_VFM_DIFF_IRQ	BIT(1)
#define I40E_VFM_DIFF_QSTATE	BIT(2)
#define I40E_VFM_DIFF_PROMISC	BIT(3)
#define I40E_VFM_DIFF_STRIP	BIT(4)
#define I40E_VFM_DIFF_RSS	BIT(5)
#define I40E_VFM_DIFF_MAC	BIT(6)
#define I40E_VFM_DIFF_VLAN	BIT(7)
#define I40E_VFM_DIFF_CAPS	BIT(8)

/* Most distinct filters a summary keeps track of. */
#define I40E_VFM_SUM_FILTERS	64

/**
 * struct i40e_vfm_rxq - what the device may write for one RX descriptor
 * @buf_len: bytes of the packet buffer
 * @hdr_len: bytes of the header buffer (header split), 0 without
 */
struct i40e_vfm_rxq {
	u32 buf_len;
	u32 hdr_len;
};

/**
 * struct i40e_vfm_summary - the guest's configuration, host-neutral
 * @caps: capabilities asked for
 * @num_qp: queue pairs configured
 * @req_qp: queue pairs requested (REQUEST_QUEUES), 0 if never
 * @tx_len: TX ring lengths
 * @rx_len: RX ring lengths
 * @rx_buf: RX buffer sizes
 * @rx_max: RX largest packet
 * @irq_hash: hash of the vector map
 * @rxq_en: RX queues enabled
 * @txq_en: TX queues enabled
 * @promisc: promiscuous flags
 * @strip: VLAN stripping: 0 never set, 1 on, 2 off
 * @hena: RSS hash types
 * @key_hash: hash of the RSS key
 * @lut_hash: hash of the RSS LUT
 * @nr_mac: MAC filters
 * @mac_hash: order-independent hash of them
 * @nr_vlan: VLAN filters
 * @vlan_hash: order-independent hash of them
 * @overflow: more filters than I40E_VFM_SUM_FILTERS
 *
 * Ring and buffer addresses and VSI numbers are left out: they legitimately
 * differ after the guest renegotiates on another host.
 */
struct i40e_vfm_summary {
	u32 caps;
	u32 num_qp;
	u32 req_qp;
	u32 tx_len[I40E_VFM_QUEUES];
	u32 rx_len[I40E_VFM_QUEUES];
	u32 rx_buf[I40E_VFM_QUEUES];
	u32 rx_max[I40E_VFM_QUEUES];
	u32 irq_hash;
	u32 rxq_en;
	u32 txq_en;
	u32 promisc;
	u32 strip;
	u64 hena;
	u32 key_hash;
	u32 lut_hash;
	u32 nr_mac;
	u32 mac_hash;
	u32 nr_vlan;
	u32 vlan_hash;
	bool overflow;
};

/**
 * struct i40e_vfm_stats - counters, for dmesg and the tests (the message
 * counters are the capture's, struct nic_vf_capture_stats)
 * @tail_writes: trapped tail writes
 * @oversized: buffers longer than the admin queue allows
 * @unreadable: message buffers not in guest memory
 * @stale: ATQ descriptors already completed when seen
 * @other_aq: ATQ commands other than messages to the PF
 * @bad_ring: ring configurations the tracker refused
 */
struct i40e_vfm_stats {
	u64 tail_writes;
	u64 oversized;
	u64 unreadable;
	u64 stale;
	u64 other_aq;
	u64 bad_ring;
};

/**
 * struct i40e_vfm - the migration logic of one VF
 * @seam: the VF's seam
 * @device: PCI device ID (XL710 or X722 VF)
 * @max_ring: longest data ring the PF accepts for this device
 * @trk: dirty tracking of @rings
 * @rings: see I40E_VFM_RING_*
 * @rxq: per RX queue, what one descriptor gives the device
 * @cap: the guest's configuration messages, as captured (its log), and on a
 *       destination the comparison with the source's
 * @msgbuf: one message, read from guest memory
 * @vf_v11: the guest announced virtchnl 1.1
 * @caps: capabilities the guest asked for
 * @st: the device state, saved or loaded (REGS flags I40E_VFM_REGS_*)
 * @regs: register values, saved or loaded
 * @stats: counters
 */
struct i40e_vfm {
	struct nic_vf_seam seam;
	u16 device;
	u32 max_ring;
	struct nic_vf_tracker trk;
	struct nic_vf_ring rings[I40E_VFM_NR_RINGS];
	struct i40e_vfm_rxq rxq[I40E_VFM_QUEUES];
	struct nic_vf_capture cap;
	u8 *msgbuf;
	bool vf_v11;
	u32 caps;
	struct nic_vf_state st;
	u32 regs[I40E_VFM_NR_REGS];
	struct i40e_vfm_stats stats;
};

#define I40E_VFM_MAX_TRAPS	NIC_VF_MAX_TRAPS

/* i40e_vf_mig_state.c */
int i40e_vfm_init(struct i40e_vfm *m, const struct nic_vf_seam *seam,
		  u16 device);
void i40e_vfm_destroy(struct i40e_vfm *m);
unsigned int i40e_vfm_traps(bool saving, struct nic_vf_trap *traps);
u32 i40e_vfm_bar0_write(struct i40e_vfm *m, u32 offset, u32 value);
void i40e_vfm_saving_begin(struct i40e_vfm *m);
int i40e_vfm_tracking_precise(struct i40e_vfm *m);
void i40e_vfm_saving_end(struct i40e_vfm *m);
void i40e_vfm_vf_was_reset(struct i40e_vfm *m);
int i40e_vfm_restore(struct i40e_vfm *m, struct nic_vf_admin_result *res);

/* i40e_vf_mig_vc.c */
extern const struct nic_vf_msg_ops i40e_vfm_vc_ops;
int i40e_vfm_vc_check(u32 op, const u8 *msg, u32 len, bool v11);
int i40e_vfm_capture(struct i40e_vfm *m, u32 op, const u8 *msg, u32 len);
void i40e_vfm_atq_visit(const u8 *desc, u32 idx, void *arg);
bool i40e_vfm_rss_by_registers(u16 device, u32 caps);
int i40e_vfm_summarize(const struct nic_vf_msglog *log,
		       struct i40e_vfm_summary *s);
u32 i40e_vfm_summary_diff(const struct i40e_vfm_summary *a,
			  const struct i40e_vfm_summary *b);

/* i40e_vf_mig_desc.c */
extern const struct nic_vf_ring_ops i40e_vfm_tx_ring;
extern const struct nic_vf_ring_ops i40e_vfm_rx_ring;
extern const struct nic_vf_ring_ops i40e_vfm_atq_ring;
extern const struct nic_vf_ring_ops i40e_vfm_arq_ring;
int i40e_vfm_parse_rx(const u8 *desc, const void *priv,
		      struct nic_vf_range *r);
int i40e_vfm_parse_atq(const u8 *desc, const void *priv,
		       struct nic_vf_range *r);
int i40e_vfm_parse_arq(const u8 *desc, const void *priv,
		       struct nic_vf_range *r);

#endif /* I40E_VF_MIG_H */
