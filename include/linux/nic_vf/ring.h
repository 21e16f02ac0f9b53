/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: descriptor-ring tracking: tail writes, reading what the guest
 * posted, holding dirty every guest page the device may write.
 */
#ifndef _LINUX_NIC_VF_RING_H
#define _LINUX_NIC_VF_RING_H

#include <linux/types.h>
#include <linux/nic_vf/seam.h>

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
void nic_vf_tracker_disable_all(struct nic_vf_tracker *t);
void nic_vf_tracker_end(struct nic_vf_tracker *t);
void nic_vf_tracker_lose(struct nic_vf_tracker *t, int err);
void nic_vf_ring_tail_from_device(struct nic_vf_ring *ring, u32 tail);
int nic_vf_tracker_mark(struct nic_vf_tracker *t, u64 iova, size_t len);

#endif /* _LINUX_NIC_VF_RING_H */
