// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the vendor-neutral NIC VF migration library
 * (drivers/vfio/pci/nic_vf/): the administrator-state record, the
 * descriptor-ring tracker, the message log, the register save set, the
 * device state in the stream and the shared part of a restore, against
 * the simulated VF of vf_sim.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf.h>
#include "vf_sim.h"

static int setup(void **state)
{
	struct vf_sim *s = malloc(sizeof(*s));

	if (!s)
		return -1;
	sim_init(s);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct vf_sim *s = *state;

	sim_fini(s);
	free(s);
	return 0;
}

/* ---- administrator settings ---- */

static const struct nic_vf_admin sample_admin = {
	.valid = NIC_VF_ADMIN_ALL,
	.mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 },
	.vlan = 100,
	.qos = 3,
	.vlan_proto = NIC_VF_VLAN_PROTO_8021Q,
	.min_tx_rate = 0,
	.max_tx_rate = 1000,
	.spoofchk = true,
	.trusted = true,
	.link_state = NIC_VF_LINK_ENABLE,
};

static void test_admin_roundtrip(void **state)
{
	struct nic_vf_admin out;
	u8 buf[64];

	assert_int_equal(nic_vf_admin_save(&sample_admin, buf, sizeof(buf)),
			 NIC_VF_ADMIN_REC_LEN);
	/* Little endian on the wire, whatever the host. */
	assert_int_equal(buf[0], NIC_VF_ADMIN_REC_VERSION);
	assert_int_equal(buf[1], 0);
	assert_int_equal(buf[16], 100);
	assert_int_equal(buf[18], 0x00);
	assert_int_equal(buf[19], 0x81);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(nic_vf_admin_load(&out, buf, NIC_VF_ADMIN_REC_LEN), 0);
	assert_int_equal(out.valid, sample_admin.valid);
	assert_memory_equal(out.mac, sample_admin.mac, 6);
	assert_int_equal(out.vlan, 100);
	assert_int_equal(out.qos, 3);
	assert_int_equal(out.vlan_proto, NIC_VF_VLAN_PROTO_8021Q);
	assert_int_equal(out.max_tx_rate, 1000);
	assert_true(out.spoofchk);
	assert_true(out.trusted);
	assert_int_equal(out.link_state, NIC_VF_LINK_ENABLE);
	assert_int_equal(nic_vf_admin_save(&sample_admin, buf, 31), -ENOSPC);
}

/* Every way a record can be corrupt is refused, and leaves @out alone. */
static void test_admin_load_rejects(void **state)
{
	static const struct {
		int off;
		u8 val;
	} bad[] = {
		{ 0, 2 },		/* version */
		{ 2, 33 },		/* length field */
		{ 7, 0x80 },		/* unknown valid bit */
		{ 8, 0x01 },		/* multicast MAC */
		{ 14, 8 },		/* qos > 7 */
		{ 15, 3 },		/* link state */
		{ 17, 0x10 },		/* VLAN > 4095 */
		{ 18, 0x01 },		/* VLAN protocol */
		{ 28, 2 },		/* spoofchk not a boolean */
		{ 29, 2 },		/* trusted not a boolean */
		{ 30, 1 },		/* reserved */
		{ 31, 1 },		/* reserved */
	};
	struct nic_vf_admin out;
	u8 buf[NIC_VF_ADMIN_REC_LEN], mod[NIC_VF_ADMIN_REC_LEN];
	unsigned int i;

	assert_int_equal(nic_vf_admin_save(&sample_admin, buf, sizeof(buf)),
			 NIC_VF_ADMIN_REC_LEN);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(mod, buf, sizeof(buf));
		mod[bad[i].off] = bad[i].val;
		memset(&out, 0x5a, sizeof(out));
		assert_int_equal(nic_vf_admin_load(&out, mod, sizeof(mod)),
				 -EINVAL);
		assert_int_equal(out.vlan, 0x5a5a);
	}
	assert_int_equal(nic_vf_admin_load(&out, buf, sizeof(buf) - 1), -EINVAL);
	assert_int_equal(nic_vf_admin_load(&out, buf, 0), -EINVAL);
	/* The 802.1ad protocol is a valid record (a PF may refuse it). */
	memcpy(mod, buf, sizeof(buf));
	mod[18] = 0xa8;
	mod[19] = 0x88;
	assert_int_equal(nic_vf_admin_load(&out, mod, sizeof(mod)), 0);
	assert_int_equal(out.vlan_proto, NIC_VF_VLAN_PROTO_8021AD);
	/* Fields the PF did not report are not checked. */
	memcpy(mod, buf, sizeof(buf));
	mod[4] &= ~BIT(NIC_VF_ADMIN_LINK);
	mod[15] = 9;
	assert_int_equal(nic_vf_admin_load(&out, mod, sizeof(mod)), 0);
}

static void test_admin_save_rejects_invalid(void **state)
{
	struct nic_vf_admin a = sample_admin;
	u8 buf[64];

	a.mac[0] = 0x01;
	assert_int_equal(nic_vf_admin_save(&a, buf, sizeof(buf)), -EINVAL);
	a = sample_admin;
	a.vlan = 4096;
	assert_int_equal(nic_vf_admin_save(&a, buf, sizeof(buf)), -EINVAL);
}

static void test_admin_read(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_admin a;

	s->pf = sample_admin;
	s->pf_unsupported = BIT(NIC_VF_ADMIN_LINK);
	assert_int_equal(nic_vf_admin_read(&s->seam, &a), 0);
	assert_int_equal(a.valid, NIC_VF_ADMIN_ALL & ~BIT(NIC_VF_ADMIN_LINK));
	/* The sim, like i40e, leaves the protocol out: 802.1Q is meant. */
	assert_int_equal(a.vlan_proto, NIC_VF_VLAN_PROTO_8021Q);
	s->pf_get_err = -EAGAIN;
	assert_int_equal(nic_vf_admin_read(&s->seam, &a), -EAGAIN);
	assert_int_equal(a.valid, 0);
}

static void test_admin_apply_only_changes(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_admin_result r;
	struct nic_vf_admin want = sample_admin;

	s->pf = sample_admin;
	assert_int_equal(nic_vf_admin_apply(&s->seam, &want, &r), 0);
	assert_int_equal(r.applied, 0);
	assert_int_equal(r.unchanged, NIC_VF_ADMIN_ALL);
	assert_int_equal(s->resets, 0);
	assert_int_equal(s->nr_events, 0);

	want.max_tx_rate = 2000;
	want.spoofchk = false;
	assert_int_equal(nic_vf_admin_apply(&s->seam, &want, &r), 0);
	assert_int_equal(r.applied, BIT(NIC_VF_ADMIN_RATE) |
				    BIT(NIC_VF_ADMIN_SPOOFCHK));
	assert_int_equal(s->pf.max_tx_rate, 2000);
	assert_false(s->pf.spoofchk);
	/* Neither resets an i40e VF. */
	assert_int_equal(s->resets, 0);
}

static void test_admin_apply_order_and_resets(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_admin_result r;
	int f;

	/* A fresh destination PF: everything at defaults. */
	assert_int_equal(nic_vf_admin_apply(&s->seam, &sample_admin, &r), 0);
	assert_int_equal(r.applied, NIC_VF_ADMIN_ALL);
	for (f = 0; f < NIC_VF_ADMIN_NR; f++)
		assert_int_equal(s->events[f], SIM_EV_SET(f));
	assert_memory_equal(s->pf.mac, sample_admin.mac, 6);
	assert_int_equal(s->pf.vlan, 100);
	assert_int_equal(s->pf.qos, 3);
	assert_true(s->pf.trusted);
	/* MAC, VLAN, trust and link "enable" each reset an i40e VF. */
	assert_int_equal(s->resets, 4);
}

static void test_admin_apply_tolerates_unsupported(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_admin_result r;

	s->pf_unsupported = BIT(NIC_VF_ADMIN_LINK) | BIT(NIC_VF_ADMIN_TRUST);
	assert_int_equal(nic_vf_admin_apply(&s->seam, &sample_admin, &r), 0);
	assert_int_equal(r.unsupported, BIT(NIC_VF_ADMIN_LINK) |
					BIT(NIC_VF_ADMIN_TRUST));
	assert_int_equal(r.applied, NIC_VF_ADMIN_ALL & ~r.unsupported);
}

static void test_admin_verify(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_admin want = sample_admin;
	struct nic_vf_admin_result r;

	/* A destination the administrator set up: confirmed, nothing set. */
	s->pf = sample_admin;
	assert_int_equal(nic_vf_admin_verify(&s->seam, &want, &r), 0);
	assert_int_equal(r.unchanged, NIC_VF_ADMIN_ALL);
	assert_int_equal(r.differ, 0);
	assert_int_equal(s->nr_events, 0);

	/* Another MAC and no trust: refused, both named, still nothing set. */
	s->pf.mac[5] ^= 1;
	s->pf.trusted = false;
	assert_int_equal(nic_vf_admin_verify(&s->seam, &want, &r), -EPERM);
	assert_int_equal(r.differ, BIT(NIC_VF_ADMIN_MAC) | BIT(NIC_VF_ADMIN_TRUST));
	assert_int_equal(s->nr_events, 0);
	assert_int_equal(s->resets, 0);
	assert_string_equal(nic_vf_admin_field_name(NIC_VF_ADMIN_MAC), "mac");
	assert_string_equal(nic_vf_admin_field_name(NIC_VF_ADMIN_TRUST), "trust");

	/* What the PF does not report cannot be checked: tolerated. */
	s->pf = sample_admin;
	s->pf_unsupported = BIT(NIC_VF_ADMIN_LINK);
	assert_int_equal(nic_vf_admin_verify(&s->seam, &want, &r), 0);
	assert_int_equal(r.unsupported, BIT(NIC_VF_ADMIN_LINK));

	/* A PF that cannot report at all, or settings no PF reports. */
	s->pf_get_err = -EIO;
	assert_int_equal(nic_vf_admin_verify(&s->seam, &want, &r), -EIO);
	s->pf_get_err = 0;
	want.vlan = 5000;
	assert_int_equal(nic_vf_admin_verify(&s->seam, &want, &r), -EINVAL);
}

static void test_admin_apply_stops_on_refusal(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_admin want = sample_admin;
	struct nic_vf_admin_result r;

	/* i40e refuses 802.1ad port VLANs and any minimum rate. */
	want.vlan_proto = NIC_VF_VLAN_PROTO_8021AD;
	assert_int_equal(nic_vf_admin_apply(&s->seam, &want, &r),
			 -EPROTONOSUPPORT);
	assert_int_equal(r.applied, BIT(NIC_VF_ADMIN_MAC));
	assert_int_equal(s->pf.max_tx_rate, 0);

	want = sample_admin;
	want.min_tx_rate = 10;
	assert_int_equal(nic_vf_admin_apply(&s->seam, &want, &r), -EINVAL);
	assert_false(r.applied & BIT(NIC_VF_ADMIN_RATE));

	want = sample_admin;
	want.vlan = 5000;
	assert_int_equal(nic_vf_admin_apply(&s->seam, &want, &r), -EINVAL);
}

/* ---- ring tracker ---- */

/*
 * A test descriptor, 16 bytes: le64 address, le32 length, le32 flags
 * (bit 0 done, bit 1 malformed, bit 2 a second buffer right after).
 */
static int test_parse(const u8 *d, const void *priv, struct nic_vf_range *r)
{
	u64 addr = nic_vf_get64(d);
	u32 len = nic_vf_get32(d + 8), flags = nic_vf_get32(d + 12);

	if (flags & 1)
		return -ENOENT;
	if (flags & 2)
		return -EINVAL;
	if (!len)
		return 0;
	r[0].iova = addr;
	r[0].len = len;
	if (!(flags & 4))
		return 1;
	r[1].iova = addr + 0x10000;
	r[1].len = len;
	return 2;
}

static const struct nic_vf_ring_ops test_ring = {
	.name = "test",
	.desc_size = 16,
	.base_align = 64,
	.len_multiple = 4,
	.max_len = 64,
	.written_back = true,
	.parse = test_parse,
};

#define RING_BASE	(SIM_BASE + 0x1000)
#define BUF_BASE	(SIM_BASE + 0x100000)

static void put_desc(struct vf_sim *s, u32 idx, u64 addr, u32 len, u32 flags)
{
	u8 *d = sim_ptr(s, RING_BASE + 16 * idx);

	nic_vf_put64(d, addr);
	nic_vf_put32(d + 8, len);
	nic_vf_put32(d + 12, flags);
}

static u64 buf_of(u32 idx)
{
	return BUF_BASE + idx * SIM_PAGE;
}

static void fill_ring(struct vf_sim *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		put_desc(s, i, buf_of(i), 2048, 0);
}

static void test_ring_check_rules(void **state)
{
	assert_int_equal(nic_vf_ring_check(&test_ring, 0x1000, 16), 0);
	assert_int_equal(nic_vf_ring_check(&test_ring, 0x1020, 16), -EINVAL);
	assert_int_equal(nic_vf_ring_check(&test_ring, 0x1000, 6), -EINVAL);
	assert_int_equal(nic_vf_ring_check(&test_ring, 0x1000, 0), -EINVAL);
	assert_int_equal(nic_vf_ring_check(&test_ring, 0x1000, 68), -EINVAL);
	assert_int_equal(nic_vf_ring_check(&test_ring, ~0ULL - 63, 4), 0);
	assert_int_equal(nic_vf_ring_check(&test_ring, ~0ULL - 63, 8),
			 -EINVAL);
}

struct visits {
	u32 idx[64];
	u32 n;
};

static void record_visit(const u8 *desc, u32 idx, void *arg)
{
	struct visits *v = arg;

	v->idx[v->n++] = idx;
}

static void test_ring_conservative_marks_nothing(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;
	struct visits v = {};

	nic_vf_ring_init(&ring, &test_ring, NULL);
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	fill_ring(s, 16);
	assert_int_equal(nic_vf_ring_configure(&t, &ring, RING_BASE, 16, NULL),
			 0);
	nic_vf_tracker_begin(&t);
	assert_int_equal(t.mode, NIC_VF_TRACK_CONSERVATIVE);
	/* Tail writes are not all seen yet: nothing is even walked. */
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 8, record_visit, &v), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(nic_vf_tracker_mark(&t, BUF_BASE, 100), 0);
	assert_int_equal(s->nr_holds, 0);
	assert_int_equal(s->marks, 0);
	assert_int_equal(sim_sync(s, NULL), 0);
	nic_vf_tracker_end(&t);
}

static void test_ring_precise_posting_and_wrap(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;
	struct visits v = {};
	u32 i;

	nic_vf_ring_init(&ring, &test_ring, NULL);
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	nic_vf_tracker_begin(&t);
	assert_int_equal(nic_vf_tracker_precise(&t), 0);
	/* A ring configured while precise is held and scanned at once. */
	assert_int_equal(nic_vf_ring_configure(&t, &ring, RING_BASE, 16, NULL),
			 0);
	assert_true(sim_page_held(s, RING_BASE));
	assert_int_equal(s->nr_holds, 1);
	assert_false(ring.tail_known);
	/* The guest posts, then writes the tail: the first write rescans. */
	fill_ring(s, 12);
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 6, record_visit, &v), 0);
	assert_int_equal(v.n, 0);
	assert_true(ring.tail_known);
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 12, record_visit, &v), 6);
	assert_int_equal(v.n, 6);
	for (i = 0; i < 12; i++) {
		if (i >= 6)
			assert_int_equal(v.idx[i - 6], i);
		assert_true(sim_page_held(s, buf_of(i)));
	}
	fill_ring(s, 16);
	assert_false(sim_page_held(s, buf_of(12)));
	assert_int_equal(s->nr_holds, 13);

	/* Wrap: 12..15 then 0..3; slots 0..3 get new buffers. */
	for (i = 0; i < 4; i++)
		put_desc(s, i, buf_of(32 + i), 2048, 0);
	v.n = 0;
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 4, record_visit, &v), 8);
	assert_int_equal(v.n, 8);
	assert_int_equal(v.idx[0], 12);
	assert_int_equal(v.idx[3], 15);
	assert_int_equal(v.idx[4], 0);
	assert_int_equal(v.idx[7], 3);
	for (i = 0; i < 4; i++) {
		/* Re-posting a slot releases its old buffer. */
		assert_false(sim_page_held(s, buf_of(i)));
		assert_true(sim_page_held(s, buf_of(32 + i)));
	}
	assert_true(sim_page_held(s, buf_of(15)));
	assert_int_equal(s->nr_holds, 1 + 16);
	/* Same tail again: nothing new. */
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 4, NULL, NULL), 0);

	nic_vf_tracker_end(&t);
	assert_int_equal(s->nr_holds, 0);
	assert_int_equal(s->bad_releases, 0);
	assert_int_equal(s->allocs, 0);
}

static const struct nic_vf_ring_ops marked_ring = {
	.name = "marked",
	.desc_size = 16,
	.base_align = 64,
	.len_multiple = 4,
	.max_len = 64,
	.written_back = true,
	.mark_on_repost = true,
	.parse = test_parse,
};

/* A 16-slot marked ring whose tails are always seen, @n buffers posted. */
static void marked_ring_posted(struct vf_sim *s, struct nic_vf_tracker *t,
			       struct nic_vf_ring *ring, u32 n)
{
	nic_vf_ring_init(ring, &marked_ring, NULL);
	ring->tail_always_seen = true;
	nic_vf_tracker_init(t, &s->seam, ring, 1);
	fill_ring(s, n);
	assert_int_equal(nic_vf_ring_configure(t, ring, RING_BASE, 16, NULL),
			 0);
	assert_int_equal(nic_vf_ring_tail(t, ring, n, NULL, NULL), n);
}

static void test_ring_mark_on_repost(void **state)
{
	struct vf_sim *s = *state;
	bool dirty[SIM_PAGES];
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;
	u32 i;

	marked_ring_posted(s, &t, &ring, 8);
	nic_vf_tracker_begin(&t);
	assert_int_equal(nic_vf_tracker_precise(&t), 0);
	/* Only the ring is held; the posted buffers are just recorded. */
	assert_int_equal(s->nr_holds, 1);
	sim_sync(s, NULL);
	assert_int_equal(sim_sync(s, dirty), 1);
	assert_true(dirty[(RING_BASE - SIM_BASE) / SIM_PAGE]);

	/* The guest re-posts slots 8..11 (new) and 0..1 (the same buffers
	 * again): the old buffers of 0 and 1 are reported, once.
	 */
	fill_ring(s, 12);
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 12, NULL, NULL), 4);
	assert_int_equal(sim_sync(s, NULL), 1);
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 2, NULL, NULL), 6);
	assert_int_equal(sim_sync(s, dirty), 3);
	assert_true(dirty[(buf_of(0) - SIM_BASE) / SIM_PAGE]);
	assert_true(dirty[(buf_of(1) - SIM_BASE) / SIM_PAGE]);
	assert_int_equal(sim_sync(s, NULL), 1);
	assert_int_equal(t.stats.marks, 2);

	/* Quiesced: every buffer recorded is reported once more. */
	assert_int_equal(nic_vf_tracker_flush(&t), 0);
	assert_int_equal(sim_sync(s, dirty), 1 + 12);
	for (i = 0; i < 12; i++)
		assert_true(dirty[(buf_of(i) - SIM_BASE) / SIM_PAGE]);

	/* Disabled while precise: its buffers are reported (and the ring,
	 * released, once more).
	 */
	nic_vf_ring_disable(&t, &ring);
	assert_int_equal(sim_sync(s, NULL), 1 + 12);
	assert_int_equal(s->nr_holds, 0);
	nic_vf_tracker_end(&t);
	/* Not precise: a flush does nothing. */
	assert_int_equal(nic_vf_tracker_flush(&t), 0);
	assert_int_equal(sim_sync(s, NULL), 0);
	assert_int_equal(s->allocs, 0);
}

/* Quiesced with the device's head and tail: only the slots it handed
 * back are reported; without them, or with values off the ring, all are.
 */
static void test_ring_flush_device_owned(void **state)
{
	struct vf_sim *s = *state;
	bool dirty[SIM_PAGES];
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;
	u64 marks;
	u32 i;

	marked_ring_posted(s, &t, &ring, 12);
	/* Not tracking: a flush reports nothing and forgets the heads. */
	nic_vf_ring_quiesced(&ring, 3, 12);
	assert_int_equal(nic_vf_tracker_flush(&t), 0);
	assert_false(ring.owned_known);
	nic_vf_tracker_begin(&t);
	assert_int_equal(nic_vf_tracker_precise(&t), 0);
	sim_sync(s, NULL);
	sim_sync(s, NULL);

	/* The device wrote slots 0..2; 3..11 are still its own. */
	marks = t.stats.marks;
	nic_vf_ring_quiesced(&ring, 3, 12);
	assert_true(ring.owned_known);
	assert_int_equal(nic_vf_tracker_flush(&t), 0);
	assert_int_equal(t.stats.marks - marks, 3);
	assert_false(ring.owned_known);
	sim_sync(s, dirty);
	for (i = 0; i < 12; i++)
		assert_int_equal(dirty[(buf_of(i) - SIM_BASE) / SIM_PAGE],
				 i < 3);

	/* Wrapping: the device owns 14, 15, 0 and 1 of a re-posted ring. */
	fill_ring(s, 16);
	nic_vf_ring_tail(&t, &ring, 2, NULL, NULL);
	sim_sync(s, NULL);
	marks = t.stats.marks;
	nic_vf_ring_quiesced(&ring, 14, 2);
	nic_vf_tracker_flush(&t);
	assert_int_equal(t.stats.marks - marks, 12);
	sim_sync(s, dirty);
	for (i = 0; i < 16; i++)
		assert_int_equal(dirty[(buf_of(i) - SIM_BASE) / SIM_PAGE],
				 i >= 2 && i < 14);

	/* Each of these reports every recorded buffer: no heads given, the
	 * flush before consumed them; head equal to tail (the device owns
	 * nothing); a head or tail beyond the ring.
	 */
	for (i = 0; i < 4; i++) {
		if (i == 1)
			nic_vf_ring_quiesced(&ring, 5, 5);
		else if (i == 2)
			nic_vf_ring_quiesced(&ring, 16, 2);
		else if (i == 3)
			nic_vf_ring_quiesced(&ring, 3, 0x10002);
		marks = t.stats.marks;
		nic_vf_tracker_flush(&t);
		assert_int_equal(t.stats.marks - marks, 16);
	}
	nic_vf_tracker_end(&t);
	assert_int_equal(s->nr_holds, 0);
}

static void test_ring_release_keeps_last_report(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;
	bool dirty[SIM_PAGES];
	u64 pg = (buf_of(0) - SIM_BASE) / SIM_PAGE;

	nic_vf_ring_init(&ring, &test_ring, NULL);
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	nic_vf_tracker_begin(&t);
	nic_vf_tracker_precise(&t);
	nic_vf_ring_configure(&t, &ring, RING_BASE, 16, NULL);
	fill_ring(s, 16);
	nic_vf_ring_tail(&t, &ring, 1, NULL, NULL);
	/* Held: reported at every sync. */
	sim_sync(s, dirty);
	assert_true(dirty[pg]);
	sim_sync(s, dirty);
	assert_true(dirty[pg]);
	/* The device writes, the guest re-posts the slot elsewhere. */
	put_desc(s, 0, buf_of(40), 2048, 0);
	nic_vf_ring_tail(&t, &ring, 0, NULL, NULL);
	nic_vf_ring_tail(&t, &ring, 1, NULL, NULL);
	assert_false(sim_page_held(s, buf_of(0)));
	/* Released since the last sync: still reported once... */
	sim_sync(s, dirty);
	assert_true(dirty[pg]);
	/* ...and not after. */
	sim_sync(s, dirty);
	assert_false(dirty[pg]);
	nic_vf_tracker_end(&t);
	assert_int_equal(s->nr_holds, 0);
}

static void test_ring_bad_descriptors(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;

	nic_vf_ring_init(&ring, &test_ring, NULL);
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	nic_vf_tracker_begin(&t);
	nic_vf_tracker_precise(&t);
	nic_vf_ring_configure(&t, &ring, RING_BASE, 16, NULL);
	/* The first tail write finds the (empty) ring; count from here. */
	nic_vf_ring_tail(&t, &ring, 0, NULL, NULL);
	memset(&t.stats, 0, sizeof(t.stats));
	put_desc(s, 0, buf_of(0), 2048, 1);		/* done */
	put_desc(s, 1, buf_of(1), 2048, 2);		/* malformed */
	put_desc(s, 2, SIM_BASE + SIM_SIZE, 2048, 0);	/* not guest memory */
	put_desc(s, 3, ~0ULL - 100, 2048, 0);		/* wraps */
	put_desc(s, 4, buf_of(4), 0, 0);		/* no buffer */
	put_desc(s, 5, buf_of(5), 2048, 4);		/* two buffers */
	put_desc(s, 6, SIM_BASE + SIM_SIZE - 100, 2048, 0); /* straddles end */
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 7, NULL, NULL), 7);
	assert_int_equal(t.stats.not_posted, 1);
	assert_int_equal(t.stats.malformed, 1);
	assert_int_equal(t.stats.bad_addr, 3);
	assert_int_equal(t.stats.posted, 5);
	assert_true(sim_page_held(s, buf_of(5)));
	assert_true(sim_page_held(s, buf_of(5) + 0x10000));
	assert_false(sim_page_held(s, buf_of(0)));
	assert_false(sim_page_held(s, buf_of(1)));
	assert_int_equal(s->nr_holds, 1 + 2);
	/* Nothing of that is a tracking failure. */
	assert_int_equal(t.lost, 0);

	/* Tail beyond the ring; ring not configured. */
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 16, NULL, NULL), -EINVAL);
	nic_vf_ring_disable(&t, &ring);
	assert_int_equal(s->nr_holds, 0);
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 1, NULL, NULL), -ENODEV);
	assert_int_equal(t.stats.bad_tail, 2);
	nic_vf_tracker_end(&t);
}

static void test_ring_unreadable_and_lost(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;

	nic_vf_ring_init(&ring, &test_ring, NULL);
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	nic_vf_tracker_begin(&t);
	nic_vf_tracker_precise(&t);
	/* A ring outside guest memory: nothing to hold or read. */
	assert_int_equal(nic_vf_ring_configure(&t, &ring, SIM_BASE + SIM_SIZE,
					       16, NULL), 0);
	assert_int_equal(t.stats.read_errors, 16);
	nic_vf_ring_tail(&t, &ring, 0, NULL, NULL);
	memset(&t.stats, 0, sizeof(t.stats));
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 3, NULL, NULL), 3);
	assert_int_equal(t.stats.read_errors, 3);
	assert_int_equal(t.lost, 0);

	/* A failure of tracking itself is remembered. */
	nic_vf_ring_configure(&t, &ring, RING_BASE, 16, NULL);
	fill_ring(s, 16);
	s->fail_hold = -ENOMEM;
	nic_vf_ring_tail(&t, &ring, 2, NULL, NULL);
	assert_int_equal(t.lost, -ENOMEM);
	assert_int_equal(nic_vf_tracker_precise(&t), -ENOMEM);
	/* So is running out of memory for the slot table. */
	nic_vf_tracker_end(&t);
	nic_vf_tracker_begin(&t);
	assert_int_equal(t.lost, 0);
	s->fail_alloc = 1;
	assert_int_equal(nic_vf_tracker_precise(&t), -ENOMEM);
	nic_vf_tracker_end(&t);
	assert_int_equal(s->nr_holds, 0);
	assert_int_equal(s->allocs, 0);
}

static void test_ring_precise_scans_posted(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;
	u32 i;

	nic_vf_ring_init(&ring, &test_ring, NULL);
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	/* Configured and used before saving: tails were not trapped. */
	nic_vf_ring_configure(&t, &ring, RING_BASE, 16, NULL);
	assert_false(ring.tail_known);
	fill_ring(s, 16);
	for (i = 0; i < 6; i++)		/* completed by the device */
		put_desc(s, i, 0, 0, 1);
	nic_vf_tracker_begin(&t);
	assert_int_equal(nic_vf_tracker_precise(&t), 0);
	assert_int_equal(t.stats.rescans, 1);
	for (i = 0; i < 16; i++)
		assert_int_equal(sim_page_held(s, buf_of(i)), i >= 6);
	assert_false(ring.tail_known);

	/* First trapped tail write: where were we?  Scan again. */
	for (i = 0; i < 6; i++)
		put_desc(s, i, buf_of(16 + i), 2048, 0);
	put_desc(s, 6, 0, 0, 1);
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 6, NULL, NULL), 0);
	assert_int_equal(t.stats.rescans, 2);
	assert_true(ring.tail_known);
	assert_true(sim_page_held(s, buf_of(16)));
	/* Slot 6 was found completed: its buffer is released. */
	assert_false(sim_page_held(s, buf_of(6)));
	assert_true(sim_page_held(s, buf_of(7)));
	nic_vf_tracker_end(&t);
	assert_int_equal(s->nr_holds, 0);
	assert_int_equal(s->bad_releases, 0);
}

static void test_ring_extra_and_always_seen(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_range wb = { SIM_BASE + 0x3000, 4 };
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;
	struct visits v = {};

	nic_vf_ring_init(&ring, &test_ring, NULL);
	ring.tail_always_seen = true;
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	fill_ring(s, 16);
	nic_vf_ring_configure(&t, &ring, RING_BASE, 16, &wb);
	/* Always seen: visited even while not tracking, nothing held. */
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 2, record_visit, &v), 2);
	assert_int_equal(v.n, 2);
	assert_int_equal(s->nr_holds, 0);
	nic_vf_tracker_begin(&t);
	nic_vf_tracker_precise(&t);
	assert_true(ring.tail_known);
	assert_true(sim_page_held(s, wb.iova));
	v.n = 0;
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 3, record_visit, &v), 1);
	assert_int_equal(v.idx[0], 2);
	nic_vf_tracker_end(&t);
	assert_true(ring.tail_known);
	assert_int_equal(s->nr_holds, 0);
	wb.iova = ~0ULL - 1;
	assert_int_equal(nic_vf_ring_configure(&t, &ring, RING_BASE, 16, &wb),
			 -EINVAL);
}

static void test_tracker_mark(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	bool dirty[SIM_PAGES];

	nic_vf_tracker_init(&t, &s->seam, NULL, 0);
	assert_int_equal(nic_vf_tracker_precise(&t), -EINVAL);
	nic_vf_tracker_begin(&t);
	nic_vf_tracker_precise(&t);
	assert_int_equal(nic_vf_tracker_mark(&t, SIM_BASE + 0x5000, 10), 0);
	assert_int_equal(nic_vf_tracker_mark(&t, 0, 10), 0);
	assert_int_equal(t.stats.bad_addr, 1);
	assert_int_equal(sim_sync(s, dirty), 1);
	assert_true(dirty[5]);
	/* A mark is reported once. */
	assert_int_equal(sim_sync(s, dirty), 0);
	nic_vf_tracker_end(&t);
}

/* ---- message log ---- */

static u8 logbuf[1024];

static void log_init(struct nic_vf_msglog *log)
{
	assert_int_equal(nic_vf_msglog_init(log, logbuf, sizeof(logbuf), 8,
					    64), 0);
}

/* The opcodes in the log, in order, as a string of digits. */
static void expect_ops(const struct nic_vf_msglog *log, const char *want)
{
	struct nic_vf_msg msg;
	char got[32] = "";
	u32 pos = 0, n = 0;

	while (nic_vf_msglog_next(log, &pos, &msg))
		got[n++] = '0' + msg.opcode;
	assert_string_equal(got, want);
	assert_int_equal(n, log->nr);
}

static void test_msglog_policies(void **state)
{
	struct nic_vf_msglog log;
	struct nic_vf_msg msg;
	u8 m[8] = { 1, 2, 3 };
	u32 pos = 0;

	log_init(&log);
	nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_CLEAR | NIC_VF_MSG_LATEST,
			     m, 8);
	nic_vf_msglog_record(&log, 9, 9, NIC_VF_MSG_LATEST | NIC_VF_MSG_STICKY,
			     m, 2);
	nic_vf_msglog_record(&log, 3, 3, NIC_VF_MSG_LATEST, m, 3);
	nic_vf_msglog_record(&log, 4, 4, NIC_VF_MSG_APPEND, m, 0);
	nic_vf_msglog_record(&log, 4, 4, NIC_VF_MSG_APPEND, m, 1);
	expect_ops(&log, "19344");
	/* Latest wins: replaced and moved to the end. */
	m[0] = 7;
	nic_vf_msglog_record(&log, 3, 3, NIC_VF_MSG_LATEST, m, 3);
	expect_ops(&log, "19443");
	/* A key shared by two opcodes. */
	nic_vf_msglog_record(&log, 5, 50, NIC_VF_MSG_LATEST, m, 1);
	nic_vf_msglog_record(&log, 6, 50, NIC_VF_MSG_LATEST, m, 1);
	expect_ops(&log, "194436");
	assert_true(nic_vf_msglog_next(&log, &pos, &msg));
	assert_int_equal(msg.len, 8);
	assert_true(nic_vf_msglog_next(&log, &pos, &msg));
	assert_true(msg.sticky);
	/* Ignored, then a reset keeps only sticky entries. */
	assert_int_equal(nic_vf_msglog_record(&log, 8, 8, NIC_VF_MSG_IGNORE,
					      m, 1), 0);
	expect_ops(&log, "194436");
	nic_vf_msglog_record(&log, 2, 2, NIC_VF_MSG_CLEAR, NULL, 0);
	expect_ops(&log, "9");
	assert_int_equal(nic_vf_msglog_record(&log, 2, 2, BIT(7), NULL, 0),
			 -EINVAL);
	nic_vf_msglog_clear(&log);
	expect_ops(&log, "");
}

static void test_msglog_bounds(void **state)
{
	struct nic_vf_msglog log;
	u8 m[64] = {};
	int i;

	log_init(&log);
	assert_int_equal(nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_APPEND,
					      m, 65), -EMSGSIZE);
	assert_true(log.flags & NIC_VF_LOG_OVERFLOW);
	nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_CLEAR, NULL, 0);
	assert_int_equal(log.flags, 0);
	/* Eight entries at most. */
	for (i = 0; i < 8; i++)
		assert_int_equal(nic_vf_msglog_record(&log, 1, 1,
						      NIC_VF_MSG_APPEND, m, 1),
				 0);
	assert_int_equal(nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_APPEND,
					      m, 1), -ENOSPC);
	assert_true(log.flags & NIC_VF_LOG_OVERFLOW);
	/* And no more bytes than the buffer. */
	nic_vf_msglog_clear(&log);
	assert_int_equal(nic_vf_msglog_init(&log, logbuf, 200, 8, 64), 0);
	assert_int_equal(nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_APPEND,
					      m, 64), 0);
	assert_int_equal(nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_APPEND,
					      m, 64), 0);
	assert_int_equal(nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_APPEND,
					      m, 64), -ENOSPC);
	assert_int_equal(log.used, 160);
	assert_int_equal(nic_vf_msglog_init(&log, NULL, 200, 8, 64), -EINVAL);
	assert_int_equal(nic_vf_msglog_init(&log, logbuf, 8, 8, 64), -EINVAL);
}

static u8 logbuf2[1024];

static ssize_t sample_log(struct nic_vf_msglog *log, u8 *out, size_t len)
{
	u8 m[13];

	memset(m, 0x42, sizeof(m));
	log_init(log);
	nic_vf_msglog_record(log, 1, 1, NIC_VF_MSG_LATEST, m, 8);
	nic_vf_msglog_record(log, 2, 2, NIC_VF_MSG_LATEST | NIC_VF_MSG_STICKY,
			     m, 13);
	nic_vf_msglog_record(log, 3, 3, NIC_VF_MSG_APPEND, m, 0);
	log->flags |= NIC_VF_LOG_INCOMPLETE;
	return nic_vf_msglog_save(log, out, len);
}

static void test_msglog_save_load(void **state)
{
	struct nic_vf_msglog log, in;
	struct nic_vf_msg msg;
	u8 blob[512];
	ssize_t n = sample_log(&log, blob, sizeof(blob));
	u32 pos = 0;

	assert_int_equal(n, NIC_VF_LOG_HDR_LEN + 16 + 8 + 16 + 16 + 16);
	assert_int_equal(nic_vf_msglog_save(&log, blob, 40), -ENOSPC);
	assert_int_equal(nic_vf_msglog_init(&in, logbuf2, sizeof(logbuf2), 8,
					    64), 0);
	assert_int_equal(nic_vf_msglog_load(&in, blob, n), 0);
	assert_int_equal(in.nr, 3);
	assert_int_equal(in.flags, NIC_VF_LOG_INCOMPLETE);
	assert_true(nic_vf_msglog_next(&in, &pos, &msg));
	assert_true(nic_vf_msglog_next(&in, &pos, &msg));
	assert_int_equal(msg.opcode, 2);
	assert_int_equal(msg.len, 13);
	assert_true(msg.sticky);
	assert_int_equal(msg.data[12], 0x42);
	assert_true(nic_vf_msglog_next(&in, &pos, &msg));
	assert_int_equal(msg.len, 0);
	assert_false(nic_vf_msglog_next(&in, &pos, &msg));
}

static void test_msglog_load_rejects(void **state)
{
	static const struct {
		int off;
		u8 val;
	} bad[] = {
		{ 0, 2 },		/* version */
		{ 2, 4 },		/* unknown log flag */
		{ 4, 2 },		/* entry count */
		{ 8, 0x50 },		/* byte count */
		{ 12, 1 },		/* reserved */
		{ 16 + 8, 9 },		/* first entry's length */
		{ 16 + 8, 200 },	/* longer than a message may be */
		{ 16 + 12, 2 },		/* unknown entry flag */
		{ 16 + 14, 1 },		/* entry reserved */
		{ 16 + 24 + 16 + 13, 1 }, /* padding not zero */
	};
	struct nic_vf_msglog log, in;
	u8 blob[512], mod[512];
	ssize_t n = sample_log(&log, blob, sizeof(blob));
	unsigned int i;

	assert_int_equal(nic_vf_msglog_init(&in, logbuf2, sizeof(logbuf2), 8,
					    64), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(mod, blob, n);
		mod[bad[i].off] = bad[i].val;
		assert_int_equal(nic_vf_msglog_load(&in, mod, n), -EINVAL);
		assert_int_equal(in.nr, 0);
	}
	/* Truncated anywhere. */
	for (i = 0; i < (unsigned int)n; i++)
		assert_int_equal(nic_vf_msglog_load(&in, blob, i), -EINVAL);
	/* Beyond the receiving log's bounds. */
	assert_int_equal(nic_vf_msglog_init(&in, logbuf2, 64, 8, 64), 0);
	assert_int_equal(nic_vf_msglog_load(&in, blob, n), -EINVAL);
	assert_int_equal(nic_vf_msglog_init(&in, logbuf2, sizeof(logbuf2), 2,
					    64), 0);
	assert_int_equal(nic_vf_msglog_load(&in, blob, n), -EINVAL);
	assert_int_equal(nic_vf_msglog_init(&in, logbuf2, sizeof(logbuf2), 8,
					    12), 0);
	assert_int_equal(nic_vf_msglog_load(&in, blob, n), -EINVAL);
}

static void test_msglog_drop_class(void **state)
{
	struct nic_vf_msglog log;
	u8 m[4] = {};

	log_init(&log);
	nic_vf_msglog_record(&log, 1, 0x10001, NIC_VF_MSG_LATEST, m, 4);
	nic_vf_msglog_record(&log, 2, 0x20000, NIC_VF_MSG_APPEND, m, 4);
	nic_vf_msglog_record(&log, 3, 0x20000, NIC_VF_MSG_APPEND, m, 4);
	nic_vf_msglog_record(&log, 4, 0x30005, NIC_VF_MSG_LATEST, m, 4);
	expect_ops(&log, "1234");
	/* Forget the class of 0x2xxxx, log nothing. */
	assert_int_equal(nic_vf_msglog_record(&log, 5, 0x2ffff,
					      NIC_VF_MSG_DROP_CLASS, m, 4), 0);
	expect_ops(&log, "14");
	/* Forget a class and add under it at once. */
	nic_vf_msglog_record(&log, 6, 0x30000, NIC_VF_MSG_DROP_CLASS |
			     NIC_VF_MSG_APPEND, m, 4);
	expect_ops(&log, "16");
	assert_int_equal(NIC_VF_KEY_CLASS(0x30005), 3);
}

/* ---- capture skeleton ---- */

struct cap_drv {
	unsigned int applied;
	u32 last_op;
};

/* A toy protocol: opcode 1 clears, 2 latest wins, 3 appends, 4 is a
 * query, 9 is unknown; a message starting with 0xff is refused.
 */
static int cap_check(void *drv, u32 op, const u8 *msg, u32 len)
{
	if (op == 9)
		return -EOPNOTSUPP;
	return len && msg[0] == 0xff ? -EINVAL : 0;
}

static unsigned int cap_policy(void *drv, u32 op, const u8 *msg, u32 len,
			       u32 *key)
{
	*key = op;
	switch (op) {
	case 1:
		return NIC_VF_MSG_CLEAR;
	case 3:
		return NIC_VF_MSG_APPEND;
	case 4:
		return NIC_VF_MSG_IGNORE;
	default:
		return NIC_VF_MSG_LATEST;
	}
}

static void cap_applied(void *drv, u32 op, const u8 *msg, u32 len)
{
	struct cap_drv *d = drv;

	if (!d)
		return;
	d->applied++;
	d->last_op = op;
}

/* Summary: the number of entries of each opcode. */
static int cap_summarize(const struct nic_vf_msglog *log, void *sum)
{
	struct nic_vf_msg msg;
	u32 *n = sum, pos = 0;

	memset(n, 0, 4 * sizeof(u32));
	while (nic_vf_msglog_next(log, &pos, &msg)) {
		if (msg.opcode > 3 || msg.opcode == 1)
			return -EINVAL;
		n[msg.opcode]++;
	}
	return 0;
}

static u32 cap_diff(const void *a, const void *b)
{
	const u32 *x = a, *y = b;
	u32 i, d = 0;

	for (i = 0; i < 4; i++)
		if (x[i] != y[i])
			d |= BIT(i);
	return d;
}

static const struct nic_vf_msg_ops cap_ops = {
	.check = cap_check,
	.policy = cap_policy,
	.applied = cap_applied,
	.summarize = cap_summarize,
	.diff = cap_diff,
	.sum_size = 4 * sizeof(u32),
};

static void test_capture_msg(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_capture c;
	struct cap_drv d = {};
	u8 m[16] = { 1 }, bad[2] = { 0xff };

	assert_int_equal(nic_vf_capture_init(&c, &s->seam, &cap_ops, &d, 1024,
					     8, 8), 0);
	assert_int_equal(nic_vf_capture_msg(&c, 2, m, 4), 0);
	assert_int_equal(nic_vf_capture_msg(&c, 3, m, 4), 0);
	assert_int_equal(nic_vf_capture_msg(&c, 3, m, 4), 0);
	assert_int_equal(nic_vf_capture_msg(&c, 4, m, 4), 0);
	expect_ops(&c.log, "233");
	assert_int_equal(d.applied, 4);
	assert_int_equal(c.stats.ignored, 1);
	assert_int_equal(c.stats.recorded, 3);
	/* Refused: not applied, not logged. */
	assert_int_equal(nic_vf_capture_msg(&c, 2, bad, 2), -EINVAL);
	assert_int_equal(c.stats.malformed, 1);
	assert_int_equal(d.applied, 4);
	/* Unknown: the log is incomplete. */
	assert_int_equal(nic_vf_capture_msg(&c, 9, m, 4), -EOPNOTSUPP);
	assert_true(c.log.flags & NIC_VF_LOG_INCOMPLETE);
	assert_int_equal(c.stats.msgs, 6);
	/* Too long for the log. */
	assert_int_equal(nic_vf_capture_msg(&c, 2, m, 9), -EMSGSIZE);
	assert_int_equal(c.stats.log_full, 1);
	/* A VF reset forgets the log and its flags. */
	nic_vf_capture_forget(&c);
	assert_int_equal(c.log.flags, 0);
	expect_ops(&c.log, "");
	/* The driver lost one: counted; an unreadable one marks incomplete. */
	nic_vf_capture_lost(&c, -EINVAL);
	assert_int_equal(c.stats.malformed, 2);
	assert_int_equal(c.log.flags, 0);
	nic_vf_capture_lost(&c, -EFAULT);
	assert_true(c.log.flags & NIC_VF_LOG_INCOMPLETE);
	nic_vf_capture_destroy(&c);
	assert_int_equal(s->allocs, 0);
}

static void test_capture_request_answer(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_capture c;
	struct cap_drv d = {};
	u8 m[16] = { 5 };

	assert_int_equal(nic_vf_capture_init(&c, &s->seam, &cap_ops, &d, 1024,
					     8, 8), 0);
	assert_int_equal(nic_vf_capture_answer(&c, true), -ENOENT);
	assert_int_equal(nic_vf_capture_request(&c, 2, m, 4), 0);
	/* Nothing happens before the answer. */
	expect_ops(&c.log, "");
	assert_int_equal(d.applied, 0);
	m[0] = 6;	/* the caller's buffer may change meanwhile */
	assert_int_equal(nic_vf_capture_answer(&c, true), 0);
	expect_ops(&c.log, "2");
	assert_int_equal(d.last_op, 2);
	assert_int_equal(c.log.buf[NIC_VF_MSG_HDR_LEN], 5);
	/* Refused by the PF. */
	assert_int_equal(nic_vf_capture_request(&c, 3, m, 4), 0);
	assert_int_equal(nic_vf_capture_answer(&c, false), 0);
	assert_int_equal(c.stats.refused, 1);
	expect_ops(&c.log, "2");
	/* Superseded before its answer. */
	assert_int_equal(nic_vf_capture_request(&c, 3, m, 4), 0);
	assert_int_equal(nic_vf_capture_request(&c, 2, m, 4), 0);
	assert_int_equal(c.stats.unanswered, 1);
	assert_true(c.log.flags & NIC_VF_LOG_INCOMPLETE);
	/* A VF reset drops the waiting request too. */
	nic_vf_capture_forget(&c);
	assert_int_equal(nic_vf_capture_answer(&c, true), -ENOENT);
	/* A refused format never waits. */
	m[0] = 0xff;
	assert_int_equal(nic_vf_capture_request(&c, 2, m, 4), -EINVAL);
	assert_false(c.req_pending);
	m[0] = 0;
	assert_int_equal(nic_vf_capture_request(&c, 2, m, 9), -EMSGSIZE);
	assert_true(c.log.flags & NIC_VF_LOG_OVERFLOW);
	assert_false(c.req_pending);
	nic_vf_capture_destroy(&c);
}

static void test_capture_verify(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_capture src, dst;
	u8 saved[1024], m[4] = {};
	ssize_t n;

	assert_int_equal(nic_vf_capture_init(&src, &s->seam, &cap_ops, NULL,
					     1024, 8, 8), 0);
	assert_int_equal(nic_vf_capture_init(&dst, &s->seam, &cap_ops, NULL,
					     1024, 8, 8), 0);
	nic_vf_capture_msg(&src, 2, m, 4);
	nic_vf_capture_msg(&src, 3, m, 4);
	n = nic_vf_msglog_save(&src.log, saved, sizeof(saved));
	assert_true(n > 0);

	nic_vf_capture_expect_none(&dst);
	assert_int_equal(nic_vf_capture_expect(&dst, saved, n), 0);
	nic_vf_capture_restart(&dst);
	assert_true(dst.verify_pending);
	nic_vf_capture_msg(&dst, 3, m, 4);
	assert_true(dst.verify_pending);
	assert_true(dst.verified);
	assert_int_equal(dst.verify_diff, BIT(2));
	nic_vf_capture_msg(&dst, 2, m, 4);
	assert_false(dst.verify_pending);
	assert_int_equal(dst.verify_diff, 0);

	/* A source log the capture could not have made is refused. */
	nic_vf_msglog_record(&src.log, 1, 1, NIC_VF_MSG_LATEST, m, 4);
	n = nic_vf_msglog_save(&src.log, saved, sizeof(saved));
	assert_int_equal(nic_vf_capture_expect(&dst, saved, n), -EINVAL);
	assert_int_equal(dst.expected.nr, 0);
	assert_int_equal(nic_vf_capture_expect(&dst, saved, 3), -EINVAL);
	/* Nothing to compare with: no comparison. */
	nic_vf_capture_restart(&dst);
	assert_false(dst.verify_pending);
	/* An incomplete source log is not compared either. */
	nic_vf_capture_forget(&src);
	nic_vf_capture_msg(&src, 2, m, 4);
	nic_vf_capture_msg(&src, 9, m, 4);
	n = nic_vf_msglog_save(&src.log, saved, sizeof(saved));
	assert_int_equal(nic_vf_capture_expect(&dst, saved, n), 0);
	nic_vf_capture_restart(&dst);
	assert_false(dst.verify_pending);
	nic_vf_capture_destroy(&src);
	nic_vf_capture_destroy(&dst);
}

static void test_capture_init_fails(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_capture c;
	int n;

	/* Whichever allocation fails, nothing is left allocated. */
	for (n = 1; n <= 5; n++) {
		s->fail_alloc = n;
		assert_int_equal(nic_vf_capture_init(&c, &s->seam, &cap_ops,
						     NULL, 1024, 8, 8),
				 -ENOMEM);
		assert_int_equal(s->allocs, 0);
		assert_null(c.seam);
		nic_vf_capture_destroy(&c);
	}
	s->fail_alloc = 0;
	/* Bounds no log can hold. */
	assert_int_equal(nic_vf_capture_init(&c, &s->seam, &cap_ops, NULL,
					     8, 8, 8), -EINVAL);
	assert_int_equal(s->allocs, 0);
}

/* ---- chunks ---- */

static void test_chunks(void **state)
{
	static const u32 tags[] = { NIC_VF_TAG('A', 'B', 'C', 'D'),
				    NIC_VF_TAG('E', 'F', 'G', 'H') };
	u8 c[NIC_VF_CHUNK_HDR + 4] = {}, bad[sizeof(c)];
	const u8 *p;
	unsigned int i;
	u32 plen;

	nic_vf_chunk_header(c, tags[1], 3, 4);
	assert_memory_equal(c, "EFGH\x03\x00\x00\x00\x04", 9);
	/* Second chunk before the first. */
	assert_int_equal(nic_vf_chunk_open(c, sizeof(c), 3, tags, 2, 0, &p,
					   &plen), -EINVAL);
	assert_int_equal(nic_vf_chunk_open(c, sizeof(c), 3, tags, 2, BIT(0),
					   &p, &plen), 1);
	assert_ptr_equal(p, c + NIC_VF_CHUNK_HDR);
	assert_int_equal(plen, 4);
	/* Repeated. */
	assert_int_equal(nic_vf_chunk_open(c, sizeof(c), 3, tags, 2, 3, &p,
					   &plen), -EINVAL);
	/* Another version, a wrong length, a truncated header. */
	assert_int_equal(nic_vf_chunk_open(c, sizeof(c), 2, tags, 2, 1, &p,
					   &plen), -EINVAL);
	assert_int_equal(nic_vf_chunk_open(c, sizeof(c) - 1, 3, tags, 2, 1,
					   &p, &plen), -EINVAL);
	assert_int_equal(nic_vf_chunk_open(c, 8, 3, tags, 2, 1, &p, &plen),
			 -EINVAL);
	/* Any header byte changed: tag, version, flags, length, reserved. */
	for (i = 0; i < NIC_VF_CHUNK_HDR; i++) {
		memcpy(bad, c, sizeof(c));
		bad[i] ^= 0x10;
		assert_int_equal(nic_vf_chunk_open(bad, sizeof(bad), 3, tags,
						   2, 1, &p, &plen), -EINVAL);
	}
}

/* A ring kind whose descriptors give the device no buffer to write. */
static const struct nic_vf_ring_ops unparsed_ring = {
	.name = "unparsed",
	.desc_size = 16,
	.base_align = 64,
	.len_multiple = 4,
	.max_len = 64,
	.written_back = true,
};

static void test_ring_unparsed_reads_nothing(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_tracker t;
	struct nic_vf_ring ring;

	nic_vf_ring_init(&ring, &unparsed_ring, NULL);
	ring.tail_always_seen = true;
	nic_vf_tracker_init(&t, &s->seam, &ring, 1);
	assert_int_equal(nic_vf_ring_configure(&t, &ring, RING_BASE, 16, NULL),
			 0);
	nic_vf_tracker_begin(&t);
	assert_int_equal(nic_vf_tracker_precise(&t), 0);
	assert_true(sim_page_held(s, RING_BASE));
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 5, NULL, NULL), 5);
	assert_int_equal(nic_vf_ring_tail(&t, &ring, 2, NULL, NULL), 13);
	/* Only the ring is held; no descriptor was ever read. */
	assert_int_equal(s->dma_reads, 0);
	assert_int_equal(s->nr_holds, 1);
	nic_vf_tracker_end(&t);
	assert_int_equal(s->nr_holds, 0);
}

/* ---- registers and restore ---- */

static const struct nic_vf_reg_block blocks[] = {
	{ 0x100, 3, 8, 0xff, 0, 0 },
	{ 0x200, 1, 4, 0x1, 0x18, 0 },
	{ 0x300, 2, 4, ~0U, 0, 1 },
	{ 0x400, 1, 4, 0, 0, NIC_VF_REG_SAVE_ONLY },
};

static void test_regs_snapshot_restore(void **state)
{
	struct vf_sim *s = *state;
	u32 vals[7], i;

	assert_int_equal(nic_vf_regs_count(blocks, ARRAY_SIZE(blocks)), 7);
	for (i = 0; i < 3; i++)
		s->bar[(0x100 + 8 * i) / 4] = 0x1234 + i;
	s->bar[0x200 / 4] = 0x7;
	s->bar[0x300 / 4] = 0xdead;
	s->bar[0x304 / 4] = 0xbeef;
	s->bar[0x400 / 4] = 0x8000001f;
	nic_vf_regs_snapshot(&s->seam, blocks, ARRAY_SIZE(blocks), vals);
	assert_int_equal(vals[1], 0x1235);
	assert_int_equal(vals[6], 0x8000001f);

	memset(s->bar, 0, sizeof(s->bar));
	nic_vf_regs_restore(&s->seam, blocks, ARRAY_SIZE(blocks), vals, BIT(0));
	assert_int_equal(s->bar[0x108 / 4], 0x35);	/* kept bits only */
	assert_int_equal(s->bar[0x200 / 4], 0x19);	/* plus forced bits */
	assert_int_equal(s->bar[0x300 / 4], 0);		/* group 1 not asked */
	assert_int_equal(s->bar[0x400 / 4], 0);		/* never restored */
	nic_vf_regs_restore(&s->seam, blocks, ARRAY_SIZE(blocks), vals, BIT(1));
	assert_int_equal(s->bar[0x304 / 4], 0xbeef);
	assert_int_equal(s->bar[0x400 / 4], 0);
}

static void test_regs_save_load(void **state)
{
	u32 vals[7] = { 1, 2, 3, 4, 5, 6, 0xfedcba98 }, out[7];
	struct nic_vf_reg_block other[ARRAY_SIZE(blocks)];
	u8 blob[128], mod[128];
	ssize_t n;
	int i;

	n = nic_vf_regs_save(blocks, ARRAY_SIZE(blocks), vals, blob,
			     sizeof(blob));
	assert_int_equal(n, 8 + 4 * 8 + 7 * 4);
	assert_int_equal(nic_vf_regs_save(blocks, ARRAY_SIZE(blocks), vals,
					  blob, n - 1), -ENOSPC);
	assert_int_equal(nic_vf_regs_load(blocks, ARRAY_SIZE(blocks), out,
					  blob, n), 0);
	assert_memory_equal(out, vals, sizeof(vals));

	/* Another table, another version, another length: refused. */
	memcpy(other, blocks, sizeof(blocks));
	other[1].offset = 0x204;
	memset(out, 0, sizeof(out));
	assert_int_equal(nic_vf_regs_load(other, ARRAY_SIZE(other), out, blob,
					  n), -EINVAL);
	assert_int_equal(nic_vf_regs_load(blocks, 3, out, blob, n), -EINVAL);
	assert_int_equal(out[0], 0);
	for (i = 0; i < n; i++)
		assert_int_equal(nic_vf_regs_load(blocks, ARRAY_SIZE(blocks),
						  out, blob, i), -EINVAL);
	memcpy(mod, blob, n);
	mod[0] = 9;
	assert_int_equal(nic_vf_regs_load(blocks, ARRAY_SIZE(blocks), out, mod,
					  n), -EINVAL);
	memcpy(mod, blob, n);
	mod[8 + 8 + 6] = 5;	/* a block's stride */
	assert_int_equal(nic_vf_regs_load(blocks, ARRAY_SIZE(blocks), out, mod,
					  n), -EINVAL);
}

/* ---- the device state in the stream ---- */

#define STATE_FLAG	BIT(0)
#define STATE_LOG_TAG	NIC_VF_TAG('T', 'L', 'O', 'G')

struct state_drv {
	struct nic_vf_state st;
	struct nic_vf_tracker trk;
	struct nic_vf_capture cap;
	struct cap_drv d;
	u32 regs[7];
	unsigned int snapshots;
	unsigned int load_begins;
};

static void state_snapshot(struct nic_vf_state *st)
{
	struct state_drv *sd = container_of(st, struct state_drv, st);

	nic_vf_regs_snapshot(st->seam, blocks, ARRAY_SIZE(blocks), sd->regs);
	st->flags = sd->regs[6] ? STATE_FLAG : 0;
	sd->snapshots++;
}

static void state_load_begin(struct nic_vf_state *st)
{
	container_of(st, struct state_drv, st)->load_begins++;
}

static const struct nic_vf_state_desc state_desc = {
	.version = 2,
	.log_tag = STATE_LOG_TAG,
	.blocks = blocks,
	.nr_blocks = ARRAY_SIZE(blocks),
	.flags_valid = STATE_FLAG,
	.snapshot = state_snapshot,
	.load_begin = state_load_begin,
};

static void state_drv_init(struct vf_sim *s, struct state_drv *sd)
{
	memset(sd, 0, sizeof(*sd));
	nic_vf_tracker_init(&sd->trk, &s->seam, NULL, 0);
	assert_int_equal(nic_vf_capture_init(&sd->cap, &s->seam, &cap_ops,
					     &sd->d, 1024, 8, 8), 0);
	nic_vf_state_init(&sd->st, &state_desc, &s->seam, &sd->trk, &sd->cap,
			  sd->regs);
}

static int state_load_all(struct state_drv *sd, u8 (*c)[256],
			  const ssize_t *len, u32 version)
{
	int i, ret;

	nic_vf_state_load_begin(&sd->st);
	for (i = 0; i < NIC_VF_STATE_CHUNKS; i++) {
		ret = nic_vf_state_load(&sd->st, c[i], len[i], version);
		if (ret)
			return ret;
	}
	return 0;
}

static void test_state_save_load(void **state)
{
	struct vf_sim *s = *state;
	struct state_drv *src = malloc(sizeof(*src)), *dst = malloc(sizeof(*dst));
	u8 c[NIC_VF_STATE_CHUNKS][256], msg[4] = { 1 }, mod[256];
	ssize_t len[NIC_VF_STATE_CHUNKS], total = 0;
	int i;

	assert_non_null(src);
	assert_non_null(dst);
	s->pf = sample_admin;
	s->bar[0x400 / 4] = 0x8000001f;
	state_drv_init(s, src);
	state_drv_init(s, dst);
	assert_int_equal(nic_vf_capture_msg(&src->cap, 3, msg, 4), 0);

	/* Three chunks, the size announced, the driver's tag and version. */
	for (i = 0; i < NIC_VF_STATE_CHUNKS; i++) {
		len[i] = nic_vf_state_save(&src->st, c[i], sizeof(c[i]));
		assert_true(len[i] > NIC_VF_CHUNK_HDR);
		assert_int_equal(c[i][4], 2);
		total += len[i];
	}
	assert_int_equal(nic_vf_state_save(&src->st, mod, sizeof(mod)), 0);
	assert_int_equal(total, nic_vf_state_pending(&src->st));
	assert_int_equal(src->snapshots, 1);
	assert_memory_equal(c[NIC_VF_STATE_LOG], "TLOG", 4);

	/* Loaded whole: settings, registers and flags as saved. */
	assert_int_equal(state_load_all(dst, c, len, 2), 0);
	assert_int_equal(dst->st.loaded, NIC_VF_STATE_ALL);
	assert_int_equal(dst->load_begins, 1);
	assert_memory_equal(&dst->st.admin, &sample_admin,
			    sizeof(sample_admin));
	assert_memory_equal(dst->regs, src->regs, sizeof(src->regs));
	assert_int_equal(dst->st.flags, STATE_FLAG);

	/* Another version; a REGS flag the driver does not define. */
	assert_int_equal(state_load_all(dst, c, len, 1), -EINVAL);
	memcpy(mod, c[NIC_VF_STATE_REGS], len[NIC_VF_STATE_REGS]);
	c[NIC_VF_STATE_REGS][NIC_VF_CHUNK_HDR] |= 2;
	assert_int_equal(state_load_all(dst, c, len, 2), -EINVAL);
	assert_true(dst->st.loaded == BIT(NIC_VF_STATE_ADMIN));
	memcpy(c[NIC_VF_STATE_REGS], mod, len[NIC_VF_STATE_REGS]);
	/* Out of order: the log before the registers. */
	nic_vf_state_load_begin(&dst->st);
	assert_int_equal(dst->st.loaded, 0);
	assert_int_equal(nic_vf_state_load(&dst->st, c[0], len[0], 2), 0);
	assert_int_equal(nic_vf_state_load(&dst->st, c[2], len[2], 2),
			 -EINVAL);

	/* Tracking lost during the migration: no state to send. */
	src->st.save_step = 0;
	src->trk.lost = -EFAULT;
	assert_int_equal(nic_vf_state_save(&src->st, c[0], sizeof(c[0])),
			 -EIO);
	/* No room for a header, or for the registers' own. */
	src->trk.lost = 0;
	assert_int_equal(nic_vf_state_save(&src->st, c[0], 15), -ENOSPC);
	src->st.save_step = NIC_VF_STATE_REGS;
	assert_int_equal(nic_vf_state_save(&src->st, c[1],
					   NIC_VF_CHUNK_HDR + 4), -ENOSPC);

	nic_vf_capture_destroy(&src->cap);
	nic_vf_capture_destroy(&dst->cap);
	free(src);
	free(dst);
	assert_int_equal(s->allocs, 0);
}

static void test_restore_policy(void **state)
{
	struct vf_sim *s = *state;
	struct nic_vf_msglog log;
	u8 m[1] = {};

	log_init(&log);
	assert_false(nic_vf_restore_needs_reset(&log, false));
	assert_true(nic_vf_restore_needs_reset(&log, true));
	nic_vf_msglog_record(&log, 1, 1, NIC_VF_MSG_APPEND, m, 1);
	assert_true(nic_vf_restore_needs_reset(&log, false));
	nic_vf_msglog_clear(&log);
	log.flags = NIC_VF_LOG_INCOMPLETE;
	assert_true(nic_vf_restore_needs_reset(&log, false));
	(void)s;
}

static void test_restore_order(void **state)
{
	struct vf_sim *s = *state;
	u32 vals[7] = { 1, 2, 3, 4, 5, 6, 7 };
	struct nic_vf_restore_plan plan = {
		.admin = &sample_admin,
		.reset = true,
		.blocks = blocks,
		.nr_blocks = ARRAY_SIZE(blocks),
		.vals = vals,
		.groups = BIT(0) | BIT(1),
	};
	struct nic_vf_admin_result r;
	int last_set, reset, first_reg;

	assert_int_equal(nic_vf_restore(&s->seam, &plan, &r), 0);
	assert_int_equal(r.applied, NIC_VF_ADMIN_ALL);
	last_set = sim_event_index(s, SIM_EV_SET(NIC_VF_ADMIN_LINK));
	reset = sim_event_index(s, SIM_EV_RESET);
	first_reg = sim_event_index(s, SIM_EV_REG(0x100));
	/* Admin settings, then the reset, then registers. */
	assert_true(last_set >= 0 && last_set < reset && reset < first_reg);
	assert_int_equal(s->bar[0x300 / 4], 5);
	assert_int_equal(sim_events(s, SIM_EV_REG(0x400)), 0);

	/* A refused setting stops everything after it. */
	s->nr_events = 0;
	memset(&s->pf, 0, sizeof(s->pf));
	s->pf_unsupported = 0;
	plan.groups = 0;
	{
		struct nic_vf_admin bad = sample_admin;

		bad.min_tx_rate = 5;
		plan.admin = &bad;
		assert_int_equal(nic_vf_restore(&s->seam, &plan, &r), -EINVAL);
	}
	assert_int_equal(sim_events(s, SIM_EV_RESET), 0);
	/* A failed reset too. */
	s->nr_events = 0;
	s->reset_err = -EAGAIN;
	plan.admin = NULL;
	plan.groups = BIT(0);
	assert_int_equal(nic_vf_restore(&s->seam, &plan, &r), -EAGAIN);
	assert_int_equal(r.applied, 0);
	assert_int_equal(s->nr_events, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_admin_roundtrip),
		T(test_admin_load_rejects),
		T(test_admin_save_rejects_invalid),
		T(test_admin_read),
		T(test_admin_apply_only_changes),
		T(test_admin_apply_order_and_resets),
		T(test_admin_apply_tolerates_unsupported),
		T(test_admin_apply_stops_on_refusal),
		T(test_admin_verify),
		T(test_ring_check_rules),
		T(test_ring_conservative_marks_nothing),
		T(test_ring_precise_posting_and_wrap),
		T(test_ring_release_keeps_last_report),
		T(test_ring_mark_on_repost),
		T(test_ring_flush_device_owned),
		T(test_ring_bad_descriptors),
		T(test_ring_unreadable_and_lost),
		T(test_ring_precise_scans_posted),
		T(test_ring_extra_and_always_seen),
		T(test_tracker_mark),
		T(test_msglog_policies),
		T(test_msglog_bounds),
		T(test_msglog_save_load),
		T(test_msglog_load_rejects),
		T(test_msglog_drop_class),
		T(test_capture_msg),
		T(test_capture_request_answer),
		T(test_capture_verify),
		T(test_capture_init_fails),
		T(test_chunks),
		T(test_ring_unparsed_reads_nothing),
		T(test_regs_snapshot_restore),
		T(test_regs_save_load),
		T(test_state_save_load),
		T(test_restore_policy),
		T(test_restore_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
