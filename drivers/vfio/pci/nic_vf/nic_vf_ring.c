// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor-ring tracking: which guest pages a VF may write.
 *
 * A NIC's device writes guest memory for three reasons: completion
 * write-back into its descriptor rings, received data into the buffers the
 * guest posted, and a few side locations (head write-back).  The guest
 * posts buffers by writing descriptors into a ring and then the ring's tail
 * register; with the tail trapped, the tracker reads the newly posted
 * descriptors from guest memory before the device can act on them and
 * holds the buffers dirty until the device is certainly done with them.
 *
 * A hold (not a one-off mark) is needed because the device writes after
 * the post, possibly after the next dirty sync: a held page is reported at
 * every sync until released.  A slot's buffer is released when the guest
 * posts that slot again (it consumed the old buffer, so the device is done
 * with it) or when a scan finds the slot written back.
 *
 * Holding reports every posted buffer at every sync, written or not.  A
 * ring kind may instead mark on re-post (nic_vf_ring_ops.mark_on_repost):
 * the device writes a buffer only before the guest consumes it, and the
 * guest re-posts a slot only after consuming its buffer, so when a slot is
 * posted again its previous buffer is marked dirty once; buffers still
 * posted when the device is quiesced are marked then
 * (nic_vf_tracker_flush()), as are those of a ring reconfigured or
 * disabled while tracking.  Each written buffer is then reported once,
 * after its write and no later than the sync that follows the quiesce.
 *
 * At the quiesce, a driver that can read the device's head and tail says
 * so (nic_vf_ring_quiesced()): the slots from head up to tail still belong
 * to the device, which has not written their buffers, so only the others
 * are marked.  That is the handful the guest has not re-posted yet instead
 * of a whole ring, and it is inside the migration's downtime.
 *
 * Tracking is all or nothing: while the tracker is not precise it never
 * marks, so the IOMMU keeps reporting all guest memory dirty.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <linux/nic_vf/ring.h>

/* Descriptors read from guest memory in one go. */
#define BATCH	8

#define HELD_RING	BIT(0)
#define HELD_EXTRA	BIT(1)

static bool precise(const struct nic_vf_tracker *t)
{
	return t->mode == NIC_VF_TRACK_PRECISE;
}

static u32 ring_bytes(const struct nic_vf_ring *ring)
{
	return ring->len * ring->ops->desc_size;
}

static bool range_wraps(u64 iova, u64 len)
{
	return len && iova + (len - 1) < iova;
}

/* Errors that mean "not guest memory": the device cannot write there. */
static bool not_guest_memory(int err)
{
	return err == -EINVAL || err == -EFAULT;
}

/* Hold one range.  Return true if it is now held. */
static bool hold(struct nic_vf_tracker *t, const struct nic_vf_range *r)
{
	int ret;

	if (!r->len)
		return false;
	if (range_wraps(r->iova, r->len)) {
		t->stats.bad_addr++;
		return false;
	}
	ret = t->seam->ops->dirty_hold(t->seam->ctx, r->iova, r->len);
	if (!ret) {
		t->stats.holds++;
		return true;
	}
	if (not_guest_memory(ret))
		t->stats.bad_addr++;
	else if (!t->lost)
		t->lost = ret;
	return false;
}

static void release(struct nic_vf_tracker *t, struct nic_vf_range *r)
{
	if (!r->len)
		return;
	t->seam->ops->dirty_release(t->seam->ctx, r->iova, r->len);
	t->stats.releases++;
	r->len = 0;
}

static void ring_hold(struct nic_vf_tracker *t, struct nic_vf_ring *ring)
{
	struct nic_vf_range r = { ring->base, ring_bytes(ring) };
	u8 held = 0;

	if (ring->ops->written_back && hold(t, &r))
		held |= HELD_RING;
	if (hold(t, &ring->extra))
		held |= HELD_EXTRA;
	ring->held = held;
}

/* Report a range the device may have written, once. */
static void mark(struct nic_vf_tracker *t, const struct nic_vf_range *r)
{
	int ret;

	if (!r->len)
		return;
	ret = t->seam->ops->dirty_mark(t->seam->ctx, r->iova, r->len);
	if (!ret)
		t->stats.marks++;
	else if (not_guest_memory(ret))
		t->stats.bad_addr++;
	else if (!t->lost)
		t->lost = ret;
}

/* Let go of a slot's buffers: released if held; if marked on re-post and
 * @written, reported first (the device may have written them).
 */
static void slot_drop(struct nic_vf_tracker *t, struct nic_vf_ring *ring,
		      struct nic_vf_range *r, bool written)
{
	if (!ring->ops->mark_on_repost) {
		release(t, r);
		return;
	}
	if (written)
		mark(t, r);
	r->len = 0;
}

/* The ring is gone or replaced.  @written: its buffers may have been
 * written meanwhile (the ring goes while tracking precisely).
 */
static void ring_release(struct nic_vf_tracker *t, struct nic_vf_ring *ring,
			 bool written)
{
	struct nic_vf_range r = { ring->base, ring_bytes(ring) };
	struct nic_vf_range extra = ring->extra;
	u32 i;

	if (ring->held & HELD_RING)
		release(t, &r);
	if (ring->held & HELD_EXTRA)
		release(t, &extra);
	ring->held = 0;
	if (!ring->slots)
		return;
	for (i = 0; i < ring->len * NIC_VF_DESC_RANGES; i++)
		slot_drop(t, ring, &ring->slots[i], written);
	t->seam->ops->free(t->seam->ctx, ring->slots);
	ring->slots = NULL;
}

static bool slot_equal(const struct nic_vf_range *a,
		       const struct nic_vf_range *b)
{
	int i;

	for (i = 0; i < NIC_VF_DESC_RANGES; i++)
		if (a[i].len != b[i].len || (a[i].len && a[i].iova != b[i].iova))
			return false;
	return true;
}

/* What the guest now posts in slot @idx replaces what it held. */
static void slot_update(struct nic_vf_tracker *t, struct nic_vf_ring *ring,
			u32 idx, const u8 *desc)
{
	struct nic_vf_range r[NIC_VF_DESC_RANGES] = {};
	struct nic_vf_range *slot;
	int i, n;

	n = ring->ops->parse(desc, ring->priv, r);
	if (n == -ENOENT) {
		t->stats.not_posted++;
		n = 0;
	} else if (n < 0 || n > NIC_VF_DESC_RANGES) {
		t->stats.malformed++;
		n = 0;
	} else {
		t->stats.posted++;
	}
	for (i = n; i < NIC_VF_DESC_RANGES; i++)
		r[i].len = 0;

	if (!ring->slots) {
		if (!n)
			return;
		ring->slots = t->seam->ops->zalloc(t->seam->ctx,
						   ring->len * NIC_VF_DESC_RANGES *
						   sizeof(*ring->slots));
		if (!ring->slots) {
			if (!t->lost)
				t->lost = -ENOMEM;
			return;
		}
	}
	slot = &ring->slots[idx * NIC_VF_DESC_RANGES];
	if (ring->ops->mark_on_repost) {
		/* The guest consumed the old buffers (maybe the same ones):
		 * report them, then remember the new ones.
		 */
		for (i = 0; i < NIC_VF_DESC_RANGES; i++) {
			slot_drop(t, ring, &slot[i], true);
			if (i < n && r[i].len && !range_wraps(r[i].iova, r[i].len))
				slot[i] = r[i];
			else if (i < n && r[i].len)
				t->stats.bad_addr++;
		}
		return;
	}
	if (slot_equal(slot, r))
		return;
	/* The old buffers are done with: the guest re-posted the slot. */
	for (i = 0; i < NIC_VF_DESC_RANGES; i++)
		release(t, &slot[i]);
	for (i = 0; i < n; i++)
		if (hold(t, &r[i]))
			slot[i] = r[i];
}

/* Descriptors [@idx, @idx + @n) (wrapping) were posted, or are scanned. */
static void walk(struct nic_vf_tracker *t, struct nic_vf_ring *ring, u32 idx,
		 u32 n, nic_vf_visit_t visit, void *arg)
{
	u32 size = ring->ops->desc_size;
	u8 batch[BATCH * NIC_VF_DESC_MAX];
	bool track = precise(t) && ring->ops->parse;

	while (n) {
		u32 cnt = n < BATCH ? n : BATCH;
		u32 i;

		if (cnt > ring->len - idx)
			cnt = ring->len - idx;

		if (t->seam->ops->dma_read(t->seam->ctx,
					   ring->base + (u64)idx * size,
					   batch, cnt * size)) {
			/* Not guest memory: the device cannot read it either. */
			t->stats.read_errors += cnt;
		} else {
			for (i = 0; i < cnt; i++) {
				if (track)
					slot_update(t, ring, idx + i,
						    batch + i * size);
				if (visit)
					visit(batch + i * size, idx + i, arg);
			}
		}
		idx = (idx + cnt) % ring->len;
		n -= cnt;
		/* One tail write may post a whole ring of thousands. */
		cond_resched();
	}
}

static void ring_scan(struct nic_vf_tracker *t, struct nic_vf_ring *ring)
{
	t->stats.rescans++;
	walk(t, ring, 0, ring->len, NULL, NULL);
}

/**
 * nic_vf_ring_init() - make @ring an unconfigured ring of kind @ops
 * @ring: the ring
 * @ops: its kind
 * @priv: passed to @ops->parse
 */
void nic_vf_ring_init(struct nic_vf_ring *ring,
		      const struct nic_vf_ring_ops *ops, const void *priv)
{
	memset(ring, 0, sizeof(*ring));
	ring->ops = ops;
	ring->priv = priv;
}
EXPORT_SYMBOL_GPL(nic_vf_ring_init);

/**
 * nic_vf_ring_check() - would a ring at @base of @len descriptors be valid?
 * @ops: the ring's kind (its alignment and length rules)
 * @base: device address of descriptor 0
 * @len: descriptors
 *
 * Return: 0, or -EINVAL for an empty ring, a misaligned base, a length that
 * is not a multiple of the kind's, too long, or a ring that wraps the
 * address space.
 */
int nic_vf_ring_check(const struct nic_vf_ring_ops *ops, u64 base, u32 len)
{
	if (!len || len > ops->max_len || len % ops->len_multiple ||
	    base & (ops->base_align - 1) ||
	    range_wraps(base, (u64)len * ops->desc_size))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_ring_check);

/**
 * nic_vf_tracker_init() - set up tracking for a VF's rings
 * @t: the tracker
 * @seam: the VF's seam
 * @rings: the rings, each set up with nic_vf_ring_init()
 * @nr_rings: how many
 */
void nic_vf_tracker_init(struct nic_vf_tracker *t,
			 const struct nic_vf_seam *seam,
			 struct nic_vf_ring *rings, unsigned int nr_rings)
{
	memset(t, 0, sizeof(*t));
	t->seam = seam;
	t->rings = rings;
	t->nr_rings = nr_rings;
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_init);

/**
 * nic_vf_ring_configure() - the guest (re)configured a ring
 * @t: the VF's tracker
 * @ring: the ring
 * @base: device address of descriptor 0
 * @len: descriptors
 * @extra: other memory the device writes for the ring, or NULL
 *
 * The device starts a configured ring at descriptor 0, but the guest may
 * have posted descriptors and written the tail before it configured the
 * ring (Intel's VF drivers do), so the tail is not assumed.  While tracking
 * precisely, the old ring's holds are dropped, the new ring's memory is
 * held and the ring is scanned for what is already posted.  On error the
 * ring is left as it was.
 *
 * Return: 0, or -EINVAL (see nic_vf_ring_check(); also a wrapping @extra).
 */
int nic_vf_ring_configure(struct nic_vf_tracker *t, struct nic_vf_ring *ring,
			  u64 base, u32 len, const struct nic_vf_range *extra)
{
	int ret = nic_vf_ring_check(ring->ops, base, len);

	if (ret)
		return ret;
	if (extra && range_wraps(extra->iova, extra->len))
		return -EINVAL;

	ring_release(t, ring, precise(t));
	ring->owned_known = false;
	ring->base = base;
	ring->len = len;
	ring->extra = extra ? *extra : (struct nic_vf_range){};
	ring->tail = 0;
	ring->tail_known = ring->tail_always_seen;
	if (precise(t)) {
		ring_hold(t, ring);
		if (ring->ops->parse)
			ring_scan(t, ring);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_ring_configure);

/**
 * nic_vf_ring_disable() - the ring is gone (queue reset, VF reset)
 * @t: the VF's tracker
 * @ring: the ring
 */
void nic_vf_ring_disable(struct nic_vf_tracker *t, struct nic_vf_ring *ring)
{
	ring_release(t, ring, precise(t));
	ring->owned_known = false;
	ring->len = 0;
	ring->tail = 0;
	ring->tail_known = false;
	ring->extra = (struct nic_vf_range){};
}
EXPORT_SYMBOL_GPL(nic_vf_ring_disable);

/**
 * nic_vf_ring_tail() - the guest wrote a ring's tail register
 * @t: the VF's tracker
 * @ring: the ring
 * @tail: the value written
 * @visit: called for each newly posted descriptor, in ring order, when the
 *         previous tail is known (may be NULL)
 * @arg: passed to @visit
 *
 * Call before the write reaches the device.  When tracking precisely, the
 * buffers of the newly posted descriptors are held; if the previous tail
 * is not known (tracking just began), the whole ring is scanned instead.
 *
 * Return: descriptors newly posted, -ENODEV for an unconfigured ring,
 * -EINVAL for a tail beyond the ring (the device ignores both).
 */
int nic_vf_ring_tail(struct nic_vf_tracker *t, struct nic_vf_ring *ring,
		     u32 tail, nic_vf_visit_t visit, void *arg)
{
	u32 n;

	if (!ring->len) {
		t->stats.bad_tail++;
		return -ENODEV;
	}
	if (tail >= ring->len) {
		t->stats.bad_tail++;
		return -EINVAL;
	}
	if (!ring->tail_known) {
		if (!precise(t) && !ring->tail_always_seen)
			return 0;
		ring->tail = tail;
		ring->tail_known = true;
		if (precise(t) && ring->ops->parse)
			ring_scan(t, ring);
		return 0;
	}
	n = (tail + ring->len - ring->tail) % ring->len;
	/* Descriptors are read only if someone looks at them. */
	if (n && (visit || (precise(t) && ring->ops->parse)))
		walk(t, ring, ring->tail, n, visit, arg);
	ring->tail = tail;
	return n;
}
EXPORT_SYMBOL_GPL(nic_vf_ring_tail);

/**
 * nic_vf_tracker_begin() - saving begins, tracking is not established yet
 * @t: the tracker
 *
 * Conservative: nothing is marked, so all guest memory stays dirty.
 */
void nic_vf_tracker_begin(struct nic_vf_tracker *t)
{
	if (t->mode != NIC_VF_TRACK_OFF)
		return;
	t->mode = NIC_VF_TRACK_CONSERVATIVE;
	t->lost = 0;
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_begin);

/**
 * nic_vf_tracker_precise() - every tail write now reaches the tracker
 * @t: the tracker, saving
 *
 * Holds every configured ring's memory and every buffer currently posted
 * in it (a full scan), then tracks tail writes.  Rings whose tail was not
 * seen until now are scanned again at their next tail write.
 *
 * Return: 0, or the error that makes precise tracking incomplete.
 */
int nic_vf_tracker_precise(struct nic_vf_tracker *t)
{
	unsigned int i;

	if (t->mode == NIC_VF_TRACK_OFF)
		return -EINVAL;
	if (precise(t))
		return t->lost;
	t->mode = NIC_VF_TRACK_PRECISE;
	for (i = 0; i < t->nr_rings; i++) {
		struct nic_vf_ring *ring = &t->rings[i];

		if (!ring->len)
			continue;
		ring_hold(t, ring);
		if (!ring->tail_always_seen)
			ring->tail_known = false;
		if (ring->ops->parse)
			ring_scan(t, ring);
	}
	return t->lost;
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_precise);

/**
 * nic_vf_ring_tail_from_device() - the ring's tail, read from the device
 * @ring: the ring
 * @tail: the device's tail register
 *
 * For a driver that sees every tail write from now on (it read @tail after
 * making sure of that): later writes are walked from @tail instead of
 * scanning the whole ring again.  A tail beyond the ring is ignored.
 */
void nic_vf_ring_tail_from_device(struct nic_vf_ring *ring, u32 tail)
{
	if (!ring->len || tail >= ring->len)
		return;
	ring->tail = tail;
	ring->tail_known = true;
}
EXPORT_SYMBOL_GPL(nic_vf_ring_tail_from_device);

/**
 * nic_vf_ring_quiesced() - the device's head and tail of a stopped ring
 * @ring: the ring; its device no longer writes
 * @head: the device's head register: the next descriptor it would use
 * @tail: the device's tail register
 *
 * For the next nic_vf_tracker_flush() only.  The device owns the
 * descriptors from @head up to, not including, @tail and writes a buffer
 * only before it hands the descriptor back by moving its head past it, so
 * the flush leaves those slots' buffers unmarked.  Values beyond the ring
 * (a device that misreports) are ignored: the flush then marks them all.
 */
void nic_vf_ring_quiesced(struct nic_vf_ring *ring, u32 head, u32 tail)
{
	ring->owned_known = ring->len && head < ring->len && tail < ring->len;
	ring->hw_head = head;
	ring->hw_tail = tail;
}
EXPORT_SYMBOL_GPL(nic_vf_ring_quiesced);

/* Mark what the guest owns of a ring that marks on re-post. */
static void ring_flush(struct nic_vf_tracker *t, struct nic_vf_ring *ring)
{
	u32 idx = 0, n = ring->len, i;

	/* Head equal to tail: the device owns nothing. */
	if (ring->owned_known && ring->hw_head != ring->hw_tail) {
		idx = ring->hw_tail;
		n = (ring->hw_head + ring->len - ring->hw_tail) % ring->len;
	}
	for (; n; n--, idx = (idx + 1) % ring->len)
		for (i = 0; i < NIC_VF_DESC_RANGES; i++)
			mark(t, &ring->slots[idx * NIC_VF_DESC_RANGES + i]);
}

/**
 * nic_vf_tracker_flush() - the device is quiesced: report what it may have
 * written and not yet reported
 * @t: the tracker
 *
 * For rings that mark on re-post, every buffer written back and not yet
 * re-posted is marked dirty once; they stay recorded.  Without
 * nic_vf_ring_quiesced() for a ring, that is every buffer it has recorded.
 * Held memory needs nothing.  Call it after the device stops writing and
 * before the VMM's last dirty sync.  Does nothing unless tracking is
 * precise.
 *
 * Return: 0, or the error that makes precise tracking incomplete.
 */
int nic_vf_tracker_flush(struct nic_vf_tracker *t)
{
	bool track = precise(t);
	unsigned int i;

	for (i = 0; i < t->nr_rings; i++) {
		struct nic_vf_ring *ring = &t->rings[i];

		if (track && ring->ops->mark_on_repost && ring->slots)
			ring_flush(t, ring);
		ring->owned_known = false;
	}
	return track ? t->lost : 0;
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_flush);

/**
 * nic_vf_tracker_disable_all() - every ring off, as a VF reset leaves them
 * @t: the tracker
 */
void nic_vf_tracker_disable_all(struct nic_vf_tracker *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_rings; i++)
		nic_vf_ring_disable(t, &t->rings[i]);
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_disable_all);

/**
 * nic_vf_tracker_end() - saving ended or was cancelled
 * @t: the tracker
 *
 * Releases every hold.  Tails stop being seen, so they become unknown.
 */
void nic_vf_tracker_end(struct nic_vf_tracker *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_rings; i++) {
		struct nic_vf_ring *ring = &t->rings[i];

		ring_release(t, ring, false);
		if (!ring->tail_always_seen)
			ring->tail_known = false;
	}
	t->mode = NIC_VF_TRACK_OFF;
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_end);

/**
 * nic_vf_tracker_lose() - the driver cannot see every post while saving
 * @t: the tracker, saving
 * @err: why (a negative errno); the save then fails with it
 */
void nic_vf_tracker_lose(struct nic_vf_tracker *t, int err)
{
	if (t->mode != NIC_VF_TRACK_OFF && !t->lost)
		t->lost = err;
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_lose);

/**
 * nic_vf_tracker_mark() - report memory the device has already written
 * @t: the tracker
 * @iova: start
 * @len: bytes
 *
 * Does nothing unless tracking is precise (a mark would end the IOMMU's
 * all-dirty reporting before tracking is complete).
 *
 * Return: 0, or the error that makes precise tracking incomplete.
 */
int nic_vf_tracker_mark(struct nic_vf_tracker *t, u64 iova, size_t len)
{
	int ret;

	if (!precise(t) || !len)
		return 0;
	if (range_wraps(iova, len)) {
		t->stats.bad_addr++;
		return 0;
	}
	ret = t->seam->ops->dirty_mark(t->seam->ctx, iova, len);
	if (!ret || not_guest_memory(ret)) {
		if (ret)
			t->stats.bad_addr++;
		return 0;
	}
	if (!t->lost)
		t->lost = ret;
	return ret;
}
EXPORT_SYMBOL_GPL(nic_vf_tracker_mark);
