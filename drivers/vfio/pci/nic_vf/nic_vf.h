/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: the vendor-neutral half of NIC VF live-migration drivers.
 *
 * What every SR-IOV NIC VF driver of this kind needs, written once:
 *
 *   seam      the few kernel services the logic uses (guest memory reads,
 *             dirty reporting, the PF's administrator settings, VF reset,
 *             BAR registers, memory), as function pointers, so that this
 *             logic also builds in the userspace unit tests
 *   admin     the administrator's settings of a VF (MAC, VLAN, QoS, spoof
 *             check, trust, link state, rate): read, stream, re-apply
 *   ring      descriptor-ring tracking: tail writes, reading what the guest
 *             posted, holding dirty every guest page the device may write
 *   msglog    a bounded log of the guest's configuration messages to the PF
 *   capture   the skeleton that turns the messages a guest sends its PF
 *             (admin queue, mailbox) into that log: format check, the
 *             PF's answer, the driver's policy, and on a destination the
 *             check that the guest sent its configuration again
 *   regs      a register save set described by a table
 *   chunks    the framing of a driver's state in the migration stream
 *   traps     which register pages a driver traps, as 4 KiB pages
 *   restore   the shared part of a restore: settings, VF reset, registers
 *
 * A driver supplies only its formats: descriptor parsers, message checks
 * and policies, its register table.  The kernel half that both drivers
 * share (the seam over vfio-pci and the PF's netdev) is nic_vf_host.h.
 *
 * Pure logic: this header and the nic_vf_*.c files it declares (but
 * nic_vf_host.c) include nothing but <linux/types.h>, <linux/errno.h>,
 * <linux/kernel.h>, <linux/string.h> and <linux/bits.h>.  Nothing here
 * trusts a byte that came from the guest or from a stream.
 */
#ifndef NIC_VF_H
#define NIC_VF_H

#include <linux/bits.h>
#include <linux/types.h>

/* Little-endian field access on byte buffers (no alignment assumed). */
static inline u16 nic_vf_get16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static inline u32 nic_vf_get32(const u8 *p)
{
	return nic_vf_get16(p) | (u32)nic_vf_get16(p + 2) << 16;
}

static inline u64 nic_vf_get64(const u8 *p)
{
	return nic_vf_get32(p) | (u64)nic_vf_get32(p + 4) << 32;
}

static inline void nic_vf_put16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static inline void nic_vf_put32(u8 *p, u32 v)
{
	nic_vf_put16(p, v & 0xffff);
	nic_vf_put16(p + 2, v >> 16);
}

static inline void nic_vf_put64(u8 *p, u64 v)
{
	nic_vf_put32(p, v & 0xffffffff);
	nic_vf_put32(p + 4, v >> 32);
}

/* ------------------------------------------------------------------ */
/* Administrator settings of a VF                                     */

/* The settings, in the order they are applied on a destination. */
enum nic_vf_admin_field {
	NIC_VF_ADMIN_MAC,
	NIC_VF_ADMIN_VLAN,	/* VLAN ID, QoS and protocol together */
	NIC_VF_ADMIN_RATE,	/* min and max TX rate together */
	NIC_VF_ADMIN_SPOOFCHK,
	NIC_VF_ADMIN_TRUST,
	NIC_VF_ADMIN_LINK,
	NIC_VF_ADMIN_NR,
};

#define NIC_VF_ADMIN_ALL	((1U << NIC_VF_ADMIN_NR) - 1)

/* Link state values, as IFLA_VF_LINK_STATE_* numbers them. */
#define NIC_VF_LINK_AUTO	0
#define NIC_VF_LINK_ENABLE	1
#define NIC_VF_LINK_DISABLE	2

#define NIC_VF_VLAN_PROTO_8021Q		0x8100
#define NIC_VF_VLAN_PROTO_8021AD	0x88a8

#define NIC_VF_ETH_ALEN		6

/**
 * struct nic_vf_admin - what the host administrator set for one VF
 * @valid: BIT(enum nic_vf_admin_field) of each field the PF reported
 * @mac: MAC address (all zero: none set)
 * @vlan: port VLAN ID, 0 for none
 * @qos: 802.1p priority of the port VLAN
 * @vlan_proto: NIC_VF_VLAN_PROTO_8021Q or _8021AD (host byte order)
 * @min_tx_rate: Mbit/s, 0 for none
 * @max_tx_rate: Mbit/s, 0 for none
 * @spoofchk: MAC/VLAN anti-spoof checking on
 * @trusted: VF trusted (may change its MAC, go promiscuous)
 * @link_state: NIC_VF_LINK_*
 */
struct nic_vf_admin {
	u32 valid;
	u8 mac[NIC_VF_ETH_ALEN];
	u16 vlan;
	u8 qos;
	u16 vlan_proto;
	u32 min_tx_rate;
	u32 max_tx_rate;
	bool spoofchk;
	bool trusted;
	u8 link_state;
};

/* Serialised size of struct nic_vf_admin, format version 1. */
#define NIC_VF_ADMIN_REC_LEN	32
#define NIC_VF_ADMIN_REC_VERSION	1

/**
 * struct nic_vf_admin_result - what nic_vf_admin_apply() or
 *                              nic_vf_admin_verify() found, per field
 * @applied: fields set through the PF
 * @unchanged: fields already as wanted (not touched, so no VF reset)
 * @unsupported: fields the PF has no operation for, or does not report
 *               (tolerated)
 * @differ: fields the destination PF reports otherwise (verify only)
 */
struct nic_vf_admin_result {
	u32 applied;
	u32 unchanged;
	u32 unsupported;
	u32 differ;
};

/* ------------------------------------------------------------------ */
/* The seam                                                           */

/**
 * struct nic_vf_seam_ops - the kernel services the pure logic uses
 * @dma_read: read @len bytes of guest memory at device address @iova;
 *            0, or -EINVAL/-EFAULT when the range is not guest memory
 * @dirty_mark: report [@iova, @iova + @len) dirty once (the device wrote
 *              it already); errors as @dirty_hold
 * @dirty_hold: keep [@iova, @iova + @len) reported dirty at every sync
 *              until @dirty_release of the same range (the device may
 *              write it later); -EINVAL/-EFAULT when the range is not
 *              guest memory the device can reach, any other errno when
 *              dirty tracking itself failed
 * @dirty_release: end a @dirty_hold
 * @pf_get: read the VF's administrator settings from its PF; sets
 *          @cfg->valid to what the PF reports
 * @pf_set: set one administrator setting through the PF (values in @cfg);
 *          -EOPNOTSUPP when the PF has no operation for it
 * @vf_reset: reset the VF so its guest driver renegotiates
 * @reg_read: read a 32-bit register of the VF's register BAR
 * @reg_write: write one
 * @zalloc: zeroed memory for the logic's tables, NULL on failure
 * @free: give it back (NULL is allowed)
 * @pause: optional; let about @us microseconds pass (the logic polls the
 *         device, e.g. waiting for its PF's answer)
 *
 * All callbacks may sleep; the caller serialises them per VF.
 */
struct nic_vf_seam_ops {
	int (*dma_read)(void *ctx, u64 iova, void *buf, size_t len);
	int (*dirty_mark)(void *ctx, u64 iova, size_t len);
	int (*dirty_hold)(void *ctx, u64 iova, size_t len);
	void (*dirty_release)(void *ctx, u64 iova, size_t len);
	int (*pf_get)(void *ctx, struct nic_vf_admin *cfg);
	int (*pf_set)(void *ctx, enum nic_vf_admin_field field,
		      const struct nic_vf_admin *cfg);
	int (*vf_reset)(void *ctx);
	u32 (*reg_read)(void *ctx, u32 offset);
	void (*reg_write)(void *ctx, u32 offset, u32 value);
	void *(*zalloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr);
	void (*pause)(void *ctx, unsigned int us);
};

/**
 * struct nic_vf_seam - the seam of one VF
 * @ops: the services
 * @ctx: passed to each of them
 */
struct nic_vf_seam {
	const struct nic_vf_seam_ops *ops;
	void *ctx;
};

int nic_vf_admin_read(const struct nic_vf_seam *seam,
		      struct nic_vf_admin *admin);
ssize_t nic_vf_admin_save(const struct nic_vf_admin *admin, void *buf,
			  size_t len);
int nic_vf_admin_load(struct nic_vf_admin *admin, const void *buf,
		      size_t len);
int nic_vf_admin_apply(const struct nic_vf_seam *seam,
		       const struct nic_vf_admin *want,
		       struct nic_vf_admin_result *res);
int nic_vf_admin_verify(const struct nic_vf_seam *seam,
			const struct nic_vf_admin *want,
			struct nic_vf_admin_result *res);
const char *nic_vf_admin_field_name(enum nic_vf_admin_field field);

/* ------------------------------------------------------------------ */
/* Descriptor rings                                                   */

/**
 * struct nic_vf_range - guest memory the device may write
 * @iova: device address
 * @len: bytes; 0 for an empty entry
 */
struct nic_vf_range {
	u64 iova;
	u32 len;
};

/* Most ranges one descriptor may give the device (packet and header). */
#define NIC_VF_DESC_RANGES	2
/* Largest descriptor the tracker handles, bytes. */
#define NIC_VF_DESC_MAX		32

/**
 * struct nic_vf_ring_ops - a kind of descriptor ring, as a driver sees it
 * @name: for messages
 * @desc_size: bytes per descriptor: 8, 16 or 32
 * @base_align: the ring base must be a multiple of this (power of two)
 * @len_multiple: the ring length (descriptors) must be a multiple of this
 * @max_len: most descriptors in a ring
 * @written_back: the device writes into the ring itself (completion
 *                write-back), so the ring's memory is held while tracking
 * @mark_on_repost: the buffers are not held but marked dirty when their
 *                  slot is posted again and at nic_vf_tracker_flush() (see
 *                  nic_vf_ring.c); for devices that write a buffer only
 *                  before its descriptor is handed back to the guest
 * @parse: given one descriptor as the guest posted it, fill @r (at most
 *         NIC_VF_DESC_RANGES entries) with the guest memory the device may
 *         write for it and return how many; return -ENOENT if the
 *         descriptor is not posted (already written back, or empty) and
 *         -EINVAL if it is malformed.  @priv is the ring's.  NULL when the
 *         device writes no buffer for this ring's descriptors.
 */
struct nic_vf_ring_ops {
	const char *name;
	u32 desc_size;
	u32 base_align;
	u32 len_multiple;
	u32 max_len;
	bool written_back;
	bool mark_on_repost;
	int (*parse)(const u8 *desc, const void *priv, struct nic_vf_range *r);
};

/**
 * struct nic_vf_ring - one descriptor ring of a VF
 * @ops: its kind
 * @priv: passed to @ops->parse (e.g. the queue's buffer sizes)
 * @base: device address of descriptor 0
 * @len: descriptors; 0 while the ring is not configured
 * @tail: the last tail value seen
 * @tail_known: @tail is the device's tail (every tail write was seen)
 * @tail_always_seen: the driver traps this ring's tail for its whole life,
 *                    so @tail stays known across tracking phases
 * @held: what of the ring's own memory and of @extra is held (private)
 * @owned_known: @hw_head and @hw_tail are the quiesced device's, given by
 *               nic_vf_ring_quiesced() for the next nic_vf_tracker_flush()
 * @hw_head: the quiesced device's head
 * @hw_tail: the quiesced device's tail
 * @extra: other memory the device writes for this ring (head write-back)
 * @slots: per descriptor, the ranges held (or recorded, for rings that
 *         mark on re-post) for it, while tracking precisely
 */
struct nic_vf_ring {
	const struct nic_vf_ring_ops *ops;
	const void *priv;
	u64 base;
	u32 len;
	u32 tail;
	bool tail_known;
	bool tail_always_seen;
	u8 held;
	bool owned_known;
	u32 hw_head;
	u32 hw_tail;
	struct nic_vf_range extra;
	struct nic_vf_range *slots;
};

/**
 * enum nic_vf_track_mode - how a VF's DMA writes are reported
 * @NIC_VF_TRACK_OFF: not saving; nothing reported
 * @NIC_VF_TRACK_CONSERVATIVE: saving, but nothing is marked, so the IOMMU
 *                             keeps reporting all guest memory dirty
 * @NIC_VF_TRACK_PRECISE: saving, every page the device may write is held
 */
enum nic_vf_track_mode {
	NIC_VF_TRACK_OFF,
	NIC_VF_TRACK_CONSERVATIVE,
	NIC_VF_TRACK_PRECISE,
};

/**
 * struct nic_vf_track_stats - counters of a tracker
 * @posted: descriptors seen posted
 * @not_posted: descriptors skipped as not posted (written back, empty)
 * @malformed: descriptors the parser refused
 * @bad_addr: ranges that are not guest memory (nothing to hold)
 * @bad_tail: tail writes beyond the ring or to an unconfigured ring
 * @read_errors: descriptors that could not be read from guest memory
 * @holds: ranges held
 * @releases: ranges released
 * @marks: ranges marked (rings that mark on re-post)
 * @rescans: whole-ring scans
 */
struct nic_vf_track_stats {
	u64 posted;
	u64 not_posted;
	u64 malformed;
	u64 bad_addr;
	u64 bad_tail;
	u64 read_errors;
	u64 holds;
	u64 releases;
	u64 marks;
	u64 rescans;
};

/**
 * struct nic_vf_tracker - dirty tracking of one VF's rings
 * @seam: the VF's seam
 * @rings: the driver's rings
 * @nr_rings: how many
 * @mode: see enum nic_vf_track_mode
 * @lost: first error that made precise tracking incomplete, 0 if none;
 *        saving must then fail rather than lose guest memory
 * @stats: counters
 */
struct nic_vf_tracker {
	const struct nic_vf_seam *seam;
	struct nic_vf_ring *rings;
	unsigned int nr_rings;
	enum nic_vf_track_mode mode;
	int lost;
	struct nic_vf_track_stats stats;
};

/**
 * typedef nic_vf_visit_t - called for each descriptor a tail write posts
 * @desc: the descriptor as read from guest memory
 * @idx: its index in the ring
 * @arg: the caller's
 */
typedef void (*nic_vf_visit_t)(const u8 *desc, u32 idx, void *arg);

void nic_vf_ring_init(struct nic_vf_ring *ring,
		      const struct nic_vf_ring_ops *ops, const void *priv);
int nic_vf_ring_check(const struct nic_vf_ring_ops *ops, u64 base, u32 len);
void nic_vf_tracker_init(struct nic_vf_tracker *t,
			 const struct nic_vf_seam *seam,
			 struct nic_vf_ring *rings, unsigned int nr_rings);
int nic_vf_ring_configure(struct nic_vf_tracker *t, struct nic_vf_ring *ring,
			  u64 base, u32 len, const struct nic_vf_range *extra);
void nic_vf_ring_disable(struct nic_vf_tracker *t, struct nic_vf_ring *ring);
int nic_vf_ring_tail(struct nic_vf_tracker *t, struct nic_vf_ring *ring,
		     u32 tail, nic_vf_visit_t visit, void *arg);
void nic_vf_tracker_begin(struct nic_vf_tracker *t);
int nic_vf_tracker_precise(struct nic_vf_tracker *t);
void nic_vf_ring_quiesced(struct nic_vf_ring *ring, u32 head, u32 tail);
int nic_vf_tracker_flush(struct nic_vf_tracker *t);
void nic_vf_tracker_end(struct nic_vf_tracker *t);
int nic_vf_tracker_mark(struct nic_vf_tracker *t, u64 iova, size_t len);

/* ------------------------------------------------------------------ */
/* Message log                                                        */

/* What to do with a message (nic_vf_msglog_record() @action bits). */
#define NIC_VF_MSG_IGNORE	0	/* not configuration: not recorded */
#define NIC_VF_MSG_CLEAR	BIT(0)	/* forget non-sticky entries first */
#define NIC_VF_MSG_LATEST	BIT(1)	/* replaces entries of the same key */
#define NIC_VF_MSG_APPEND	BIT(2)	/* added after the others */
#define NIC_VF_MSG_STICKY	BIT(3)	/* survives NIC_VF_MSG_CLEAR */
#define NIC_VF_MSG_DROP_CLASS	BIT(4)	/* forget entries of the key's class
					 * (bits 31:16 of the key) first
					 */
#define NIC_VF_KEY_CLASS(key)	((key) >> 16)

/* nic_vf_msglog.flags */
#define NIC_VF_LOG_OVERFLOW	BIT(0)	/* a message did not fit */
#define NIC_VF_LOG_INCOMPLETE	BIT(1)	/* a message was not understood */
#define NIC_VF_LOG_FLAGS	(NIC_VF_LOG_OVERFLOW | NIC_VF_LOG_INCOMPLETE)

/* Per-entry header in the log and the stream. */
#define NIC_VF_MSG_HDR_LEN	16
/* Stream header of a saved log. */
#define NIC_VF_LOG_HDR_LEN	16
#define NIC_VF_LOG_VERSION	1

/**
 * struct nic_vf_msglog - a bounded log of a guest's configuration messages
 * @buf: entries, each a NIC_VF_MSG_HDR_LEN header and the message padded
 *       to 8 bytes
 * @cap: size of @buf
 * @used: bytes of @buf in use
 * @nr: entries
 * @max_nr: most entries
 * @max_msg: longest message kept
 * @flags: NIC_VF_LOG_*
 */
struct nic_vf_msglog {
	u8 *buf;
	u32 cap;
	u32 used;
	u32 nr;
	u32 max_nr;
	u32 max_msg;
	u32 flags;
};

/**
 * struct nic_vf_msg - one logged message
 * @opcode: the driver's message number
 * @key: the key the message was recorded under
 * @len: bytes at @data
 * @sticky: recorded with NIC_VF_MSG_STICKY
 * @data: the message, inside the log
 */
struct nic_vf_msg {
	u32 opcode;
	u32 key;
	u32 len;
	bool sticky;
	const u8 *data;
};

int nic_vf_msglog_init(struct nic_vf_msglog *log, void *buf, u32 cap,
		       u32 max_nr, u32 max_msg);
void nic_vf_msglog_clear(struct nic_vf_msglog *log);
int nic_vf_msglog_record(struct nic_vf_msglog *log, u32 opcode, u32 key,
			 unsigned int action, const void *data, size_t len);
bool nic_vf_msglog_next(const struct nic_vf_msglog *log, u32 *pos,
			struct nic_vf_msg *msg);
ssize_t nic_vf_msglog_save(const struct nic_vf_msglog *log, void *buf,
			   size_t len);
int nic_vf_msglog_load(struct nic_vf_msglog *log, const void *buf,
		       size_t len);

/* ------------------------------------------------------------------ */
/* Register save set                                                  */

/**
 * struct nic_vf_reg_block - registers saved and restored alike
 * @offset: of the first register in the BAR
 * @count: registers
 * @stride: bytes between them
 * @keep: bits of the saved value written back on restore
 * @set: bits always set on restore (e.g. "do not update" selectors)
 * @group: restore group: restored only when BIT(@group) is asked for;
 *         NIC_VF_REG_SAVE_ONLY for registers only saved
 */
struct nic_vf_reg_block {
	u32 offset;
	u16 count;
	u16 stride;
	u32 keep;
	u32 set;
	u8 group;
};

#define NIC_VF_REG_SAVE_ONLY	31
#define NIC_VF_REGS_MAX		512
#define NIC_VF_REGS_VERSION	1

unsigned int nic_vf_regs_count(const struct nic_vf_reg_block *blocks,
			       unsigned int nr);
void nic_vf_regs_snapshot(const struct nic_vf_seam *seam,
			  const struct nic_vf_reg_block *blocks,
			  unsigned int nr, u32 *vals);
void nic_vf_regs_restore(const struct nic_vf_seam *seam,
			 const struct nic_vf_reg_block *blocks,
			 unsigned int nr, const u32 *vals, u32 groups);
ssize_t nic_vf_regs_save(const struct nic_vf_reg_block *blocks,
			 unsigned int nr, const u32 *vals, void *buf,
			 size_t len);
int nic_vf_regs_load(const struct nic_vf_reg_block *blocks, unsigned int nr,
		     u32 *vals, const void *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Capture of the guest's messages to its PF                          */

/**
 * struct nic_vf_msg_ops - a driver's VF-to-PF message protocol
 * @check: would the PF accept the format of message @op?  0, -EINVAL if
 *         the PF refuses it (it is not logged), -EOPNOTSUPP if the driver
 *         does not interpret it (the log is marked incomplete)
 * @policy: how a message the PF applied enters the log: NIC_VF_MSG_*
 *          actions, and its key in @key
 * @applied: optional; the PF applied the message (the driver follows its
 *           side effects, e.g. rings the message configures).  Runs before
 *           the message is logged.
 * @summarize: optional; the configuration a log holds, without what
 *             legitimately differs between hosts, into @sum (@sum_size
 *             bytes); -EINVAL for a log the capture could not have made
 * @diff: where two summaries differ, driver-defined bits, 0 if they agree
 * @sum_size: bytes of a summary
 *
 * @drv, passed to @check, @policy and @applied, is the driver's.
 */
struct nic_vf_msg_ops {
	int (*check)(void *drv, u32 op, const u8 *msg, u32 len);
	unsigned int (*policy)(void *drv, u32 op, const u8 *msg, u32 len,
			       u32 *key);
	void (*applied)(void *drv, u32 op, const u8 *msg, u32 len);
	int (*summarize)(const struct nic_vf_msglog *log, void *sum);
	u32 (*diff)(const void *a, const void *b);
	size_t sum_size;
};

/**
 * struct nic_vf_capture_stats - counters of a capture
 * @msgs: messages seen
 * @recorded: messages logged
 * @ignored: messages the policy does not log (queries)
 * @malformed: messages the format check refused (so does the PF)
 * @unknown: messages the driver does not interpret
 * @refused: requests the PF answered with a refusal
 * @unanswered: requests superseded or cancelled before their answer
 * @log_full: messages the log could not keep
 */
struct nic_vf_capture_stats {
	u64 msgs;
	u64 recorded;
	u64 ignored;
	u64 malformed;
	u64 unknown;
	u64 refused;
	u64 unanswered;
	u64 log_full;
};

/**
 * struct nic_vf_capture - what a guest configured through its PF
 * @seam: the VF's seam (memory)
 * @ops: the driver's protocol
 * @drv: passed to @ops
 * @log: the messages the PF applied, under the driver's policy
 * @expected: on a destination, the source's log
 * @sum_src: summary of @expected
 * @sum_dst: summary of @log at the last comparison
 * @req: a request waiting for the PF's answer (mailbox style)
 * @req_op: its opcode
 * @req_len: its length; 0 with @req_pending false
 * @req_pending: @req holds a request
 * @verify_pending: the guest has not yet sent again the configuration it
 *                  had on the source; checked at each message logged
 * @verified: a comparison was made
 * @verify_diff: @ops->diff of the last comparison (~0 if @log could not be
 *               summarized)
 * @stats: counters
 */
struct nic_vf_capture {
	const struct nic_vf_seam *seam;
	const struct nic_vf_msg_ops *ops;
	void *drv;
	struct nic_vf_msglog log;
	struct nic_vf_msglog expected;
	void *sum_src;
	void *sum_dst;
	u8 *req;
	u32 req_op;
	u32 req_len;
	bool req_pending;
	bool verify_pending;
	bool verified;
	u32 verify_diff;
	struct nic_vf_capture_stats stats;
};

int nic_vf_capture_init(struct nic_vf_capture *c,
			const struct nic_vf_seam *seam,
			const struct nic_vf_msg_ops *ops, void *drv, u32 cap,
			u32 max_nr, u32 max_msg);
void nic_vf_capture_destroy(struct nic_vf_capture *c);
int nic_vf_capture_msg(struct nic_vf_capture *c, u32 op, const u8 *msg,
		       u32 len);
int nic_vf_capture_request(struct nic_vf_capture *c, u32 op, const u8 *msg,
			   u32 len);
int nic_vf_capture_answer(struct nic_vf_capture *c, bool applied);
void nic_vf_capture_lost(struct nic_vf_capture *c, int err);
void nic_vf_capture_forget(struct nic_vf_capture *c);
void nic_vf_capture_expect_none(struct nic_vf_capture *c);
int nic_vf_capture_expect(struct nic_vf_capture *c, const void *buf,
			  size_t len);
void nic_vf_capture_restart(struct nic_vf_capture *c);

/* ------------------------------------------------------------------ */
/* Chunks of a driver's state in the stream                           */

/*
 * Chunk header, NIC_VF_CHUNK_HDR bytes, little endian: le32 tag (four
 * ASCII characters), le16 format version, le16 flags (zero), le32 payload
 * length, le32 reserved (zero).  The payload follows.
 */
#define NIC_VF_CHUNK_HDR	16
/* Four characters as a chunk tag, read as a little-endian u32. */
#define NIC_VF_TAG(a, b, c, d)	((u32)(a) | (u32)(b) << 8 | \
				 (u32)(c) << 16 | (u32)(d) << 24)

void nic_vf_chunk_header(void *buf, u32 tag, u16 version, u32 len);
int nic_vf_chunk_open(const void *buf, size_t len, u16 version,
		      const u32 *tags, unsigned int nr_tags, u32 loaded,
		      const u8 **payload, u32 *plen);

/* ------------------------------------------------------------------ */
/* Trapped register pages                                             */

/* Trapping is per 4 KiB page, the VF BAR's smallest unit. */
#define NIC_VF_TRAP_PAGE	0x1000

/**
 * struct nic_vf_trap - a range of the register BAR to trap
 * @offset: start
 * @len: length
 */
struct nic_vf_trap {
	u32 offset;
	u32 len;
};

#define NIC_VF_MAX_TRAPS	4

/* ------------------------------------------------------------------ */
/* Restore: the shared part                                               */

/**
 * struct nic_vf_restore_plan - what a destination puts back, in order
 * @admin: administrator settings (applied first: on some PFs they reset
 *         the VF, which would undo anything done before them)
 * @reset: reset the VF afterwards, so that the PF forgets what it held
 *         for the VF before the guest's configuration comes back
 * @blocks: register table (may be NULL)
 * @nr_blocks: entries in @blocks
 * @vals: saved values, nic_vf_regs_count() of them
 * @groups: restore groups to write
 */
struct nic_vf_restore_plan {
	const struct nic_vf_admin *admin;
	bool reset;
	const struct nic_vf_reg_block *blocks;
	unsigned int nr_blocks;
	const u32 *vals;
	u32 groups;
};

bool nic_vf_restore_needs_reset(const struct nic_vf_msglog *log,
				bool guest_driver_active);
int nic_vf_restore(const struct nic_vf_seam *seam,
		   const struct nic_vf_restore_plan *plan,
		   struct nic_vf_admin_result *res);

#endif /* NIC_VF_H */
