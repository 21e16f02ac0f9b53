// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the XL710/X722 VF migration logic
 * (drivers/net/ethernet/intel/i40e/i40e_vf_mig_*.c) against a simulated VF:
 * descriptor rings and admin queues in a buffer standing for guest memory,
 * a guest driver that posts messages and buffers and writes tails, a device
 * that completes descriptors, and a PF that follows i40e's rules.
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

#include "i40e_vf_mig.h"
#include "vf_sim.h"

/* Guest memory layout (device addresses). */
#define ATQ_RING	(SIM_BASE + 0x0000)
#define ARQ_RING	(SIM_BASE + 0x1000)
#define ATQ_BUF(i)	(SIM_BASE + 0x10000 + (i) * SIM_PAGE)
#define ARQ_BUF(i)	(SIM_BASE + 0x40000 + (i) * SIM_PAGE)
#define TX_RING(q)	(SIM_BASE + 0x80000 + (q) * 0x10000)
#define RX_RING(q)	(SIM_BASE + 0x180000 + (q) * 0x10000)
#define RX_BUF(q, i)	(SIM_BASE + 0x280000 + (q) * 0x40000 + (i) * 2048)
#define TX_BUF(i)	(SIM_BASE + 0x3c0000 + (i) * 2048)
#define AQ_LEN		32
#define TX_LEN		64
#define RX_LEN		32
#define RX_BUFSZ	2048
#define VSI		7

struct guest {
	struct vf_sim *s;
	struct i40e_vfm *m;
	u32 atq_tail;
	u32 rx_tail[I40E_VFM_QUEUES];
	u64 rx_ring[I40E_VFM_QUEUES];
	u32 tx_tail[I40E_VFM_QUEUES];
	u32 ev;
};

struct fixture {
	struct vf_sim src_sim, dst_sim;
	struct i40e_vfm src, dst;
	struct guest g, h;
};

static void guest_bind(struct guest *g, struct vf_sim *s, struct i40e_vfm *m)
{
	int q;

	memset(g, 0, sizeof(*g));
	g->s = s;
	g->m = m;
	for (q = 0; q < I40E_VFM_QUEUES; q++)
		g->rx_ring[q] = RX_RING(q);
}

static int setup_dev(void **state, u16 device)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	sim_init(&f->src_sim);
	sim_init(&f->dst_sim);
	if (i40e_vfm_init(&f->src, &f->src_sim.seam, device) ||
	    i40e_vfm_init(&f->dst, &f->dst_sim.seam, device))
		return -1;
	guest_bind(&f->g, &f->src_sim, &f->src);
	guest_bind(&f->h, &f->dst_sim, &f->dst);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_dev(state, I40E_VFM_DEV_XL710_VF);
}

static int setup_x722(void **state)
{
	return setup_dev(state, I40E_VFM_DEV_X722_VF);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int ret = 0;

	i40e_vfm_destroy(&f->src);
	i40e_vfm_destroy(&f->dst);
	/* Nothing held, nothing leaked, nothing released twice. */
	if (f->src_sim.nr_holds || f->dst_sim.nr_holds ||
	    f->src_sim.allocs || f->dst_sim.allocs ||
	    f->src_sim.bad_releases || f->dst_sim.bad_releases)
		ret = -1;
	sim_fini(&f->src_sim);
	sim_fini(&f->dst_sim);
	free(f);
	return ret;
}

/* ---- the guest driver ---- */

static void wr(struct guest *g, u32 off, u32 val)
{
	g->s->bar[off / 4] = val;
}

/* A trapped tail write: the driver sees it, then the device does. */
static u32 tail_write(struct guest *g, u32 off, u32 val)
{
	u32 ev = i40e_vfm_bar0_write(g->m, off, val);

	wr(g, off, val);
	g->ev |= ev;
	return ev;
}

static void put_aq_desc(u8 *d, u16 flags, u16 op, u16 len, u32 cookie,
			u64 addr)
{
	memset(d, 0, I40E_VFM_AQD_SIZE);
	nic_vf_put16(d + I40E_VFM_AQD_FLAGS, flags);
	nic_vf_put16(d + I40E_VFM_AQD_OPCODE, op);
	nic_vf_put16(d + I40E_VFM_AQD_DATALEN, len);
	nic_vf_put32(d + I40E_VFM_AQD_COOKIE_HI, cookie);
	nic_vf_put32(d + I40E_VFM_AQD_ADDR_HI, addr >> 32);
	nic_vf_put32(d + I40E_VFM_AQD_ADDR_LO, addr & 0xffffffff);
}

static void guest_aq_init(struct guest *g)
{
	u32 i;

	wr(g, I40E_VFM_ATQH, 0);
	wr(g, I40E_VFM_ATQT, 0);
	wr(g, I40E_VFM_ATQLEN, AQ_LEN | I40E_VFM_AQ_ENABLE);
	wr(g, I40E_VFM_ATQBAL, ATQ_RING & 0xffffffff);
	wr(g, I40E_VFM_ATQBAH, ATQ_RING >> 32);
	wr(g, I40E_VFM_ARQLEN, AQ_LEN | I40E_VFM_AQ_ENABLE);
	wr(g, I40E_VFM_ARQBAL, ARQ_RING & 0xffffffff);
	wr(g, I40E_VFM_ARQBAH, ARQ_RING >> 32);
	for (i = 0; i < AQ_LEN; i++)
		put_aq_desc(sim_ptr(g->s, ARQ_RING + 32 * i),
			    I40E_VFM_AQF_BUF | I40E_VFM_AQF_LB, 0, 4096, 0,
			    ARQ_BUF(i));
	/* The ARQ tail is not trapped outside saving. */
	wr(g, I40E_VFM_ARQT, AQ_LEN - 1);
	g->atq_tail = 0;
}

/* Post one descriptor on the ATQ as the guest would, and let it run. */
static u32 guest_send_raw(struct guest *g, u16 flags, u16 aqop, u32 op,
			  const void *msg, u32 len, u64 addr)
{
	u8 *d = sim_ptr(g->s, ATQ_RING + 32 * g->atq_tail);
	u32 ev;

	if (len && addr >= SIM_BASE && addr < SIM_BASE + SIM_SIZE)
		memcpy(sim_ptr(g->s, addr), msg, len > 4096 ? 4096 : len);
	put_aq_desc(d, flags, aqop, len, op, addr);
	g->atq_tail = (g->atq_tail + 1) % AQ_LEN;
	ev = tail_write(g, I40E_VFM_ATQT, g->atq_tail);
	/* Firmware completes it. */
	nic_vf_put16(d, flags | I40E_VFM_AQF_DD | 2);
	return ev;
}

static u32 guest_send(struct guest *g, u32 op, const void *msg, u32 len)
{
	u16 flags = len ? I40E_VFM_AQF_BUF | I40E_VFM_AQF_RD : 0;

	return guest_send_raw(g, flags, I40E_VFM_AQ_OP_TO_PF, op, msg, len,
			      ATQ_BUF(g->atq_tail));
}

/* ---- messages ---- */

static u32 m_version(u8 *b, u32 major, u32 minor)
{
	nic_vf_put32(b, major);
	nic_vf_put32(b + 4, minor);
	return 8;
}

static u32 m_u32(u8 *b, u32 v)
{
	nic_vf_put32(b, v);
	return 4;
}

struct qcfg {
	u64 tx_base, rx_base;
	u32 tx_len, rx_len, buf, max_pkt;
	u16 vsi_tx, vsi_rx, qid, qid_rx;
	bool headwb;
};

static void qcfg_default(struct qcfg *c, u16 q)
{
	memset(c, 0, sizeof(*c));
	c->tx_base = TX_RING(q);
	c->rx_base = RX_RING(q);
	c->tx_len = TX_LEN;
	c->rx_len = RX_LEN;
	c->buf = RX_BUFSZ;
	c->max_pkt = 1522;
	c->vsi_tx = VSI;
	c->vsi_rx = VSI;
	c->qid = q;
	c->qid_rx = q;
}

static u32 m_vsi_queues(u8 *b, u32 n, const struct qcfg *c)
{
	u32 i, len = I40E_VC_VSIQ_HDR + (n + 1) * I40E_VC_QPAIR_LEN;

	memset(b, 0, len);
	nic_vf_put16(b, VSI);
	nic_vf_put16(b + 2, n);
	for (i = 0; i < n; i++) {
		u8 *p = b + I40E_VC_VSIQ_HDR + i * I40E_VC_QPAIR_LEN;
		u8 *rx = p + I40E_VC_RXQ;

		nic_vf_put16(p + I40E_VC_TXQ_VSI, c[i].vsi_tx);
		nic_vf_put16(p + I40E_VC_TXQ_QID, c[i].qid);
		nic_vf_put16(p + I40E_VC_TXQ_RING_LEN, c[i].tx_len);
		nic_vf_put16(p + I40E_VC_TXQ_HEADWB_EN, c[i].headwb);
		nic_vf_put64(p + I40E_VC_TXQ_RING_ADDR, c[i].tx_base);
		nic_vf_put64(p + I40E_VC_TXQ_HEADWB_ADDR, SIM_BASE + 0x3000);
		nic_vf_put16(rx + I40E_VC_RXQ_VSI, c[i].vsi_rx);
		nic_vf_put16(rx + I40E_VC_RXQ_QID, c[i].qid_rx);
		nic_vf_put32(rx + I40E_VC_RXQ_RING_LEN, c[i].rx_len);
		nic_vf_put32(rx + I40E_VC_RXQ_BUF_SIZE, c[i].buf);
		nic_vf_put32(rx + I40E_VC_RXQ_MAX_PKT, c[i].max_pkt);
		nic_vf_put64(rx + I40E_VC_RXQ_RING_ADDR, c[i].rx_base);
	}
	return len;
}

static u32 m_vsi_queues_n(u8 *b, u32 n)
{
	struct qcfg c[I40E_VFM_QUEUES];
	u32 q;

	for (q = 0; q < n; q++)
		qcfg_default(&c[q], q);
	return m_vsi_queues(b, n, c);
}

static u32 m_irq_map(u8 *b, u32 n)
{
	u32 i, len = I40E_VC_IRQMAP_HDR + (n + 1) * I40E_VC_IRQMAP_LEN;

	memset(b, 0, len);
	nic_vf_put16(b, n);
	for (i = 0; i < n; i++) {
		u8 *p = b + I40E_VC_IRQMAP_HDR + i * I40E_VC_IRQMAP_LEN;

		nic_vf_put16(p, VSI);
		nic_vf_put16(p + 2, i);
		nic_vf_put16(p + 4, i ? BIT(i - 1) : 0);
		nic_vf_put16(p + 6, i ? BIT(i - 1) : 0);
	}
	return len;
}

static u32 m_qsel(u8 *b, u32 rx, u32 tx)
{
	memset(b, 0, I40E_VC_QSEL_LEN);
	nic_vf_put16(b, VSI);
	nic_vf_put32(b + 4, rx);
	nic_vf_put32(b + 8, tx);
	return I40E_VC_QSEL_LEN;
}

static u32 m_addrs(u8 *b, u32 n, u8 first)
{
	u32 i, len = I40E_VC_ADDR_HDR + (n + 1) * I40E_VC_ADDR_LEN;

	memset(b, 0, len);
	nic_vf_put16(b, VSI);
	nic_vf_put16(b + 2, n);
	for (i = 0; i < n; i++) {
		u8 *p = b + I40E_VC_ADDR_HDR + i * I40E_VC_ADDR_LEN;

		p[0] = 0x02;
		p[5] = first + i;
	}
	return len;
}

static u32 m_vlans(u8 *b, u32 n, u16 first)
{
	u32 i, len = I40E_VC_VLAN_HDR + (n + 1) * I40E_VC_VLAN_LEN;

	memset(b, 0, len);
	nic_vf_put16(b, VSI);
	nic_vf_put16(b + 2, n);
	for (i = 0; i < n; i++)
		nic_vf_put16(b + I40E_VC_VLAN_HDR + 2 * i, first + i);
	return len;
}

static u32 m_promisc(u8 *b, u16 flags)
{
	nic_vf_put16(b, VSI);
	nic_vf_put16(b + 2, flags);
	return 4;
}

static u32 m_rss(u8 *b, u16 n, u8 seed)
{
	u32 i;

	nic_vf_put16(b, VSI);
	nic_vf_put16(b + 2, n);
	for (i = 0; i < n + 1u; i++)
		b[4 + i] = seed + i;
	return I40E_VC_RSS_HDR + n + 1;
}

static u32 m_hena(u8 *b, u64 v)
{
	nic_vf_put64(b, v);
	return 8;
}

static u32 m_u16(u8 *b, u16 v)
{
	nic_vf_put16(b, v);
	return 2;
}

static u8 mb[4096 + 64];

/* What iavf does on probe or after a reset, with @nq queue pairs. */
static void guest_configure(struct guest *g, u32 nq, u32 caps)
{
	guest_aq_init(g);
	assert_int_equal(g->m->cap.stats.malformed, 0);
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	guest_send(g, I40E_VC_GET_VF_RESOURCES, mb, m_u32(mb, caps));
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues_n(mb, nq));
	guest_send(g, I40E_VC_CONFIG_IRQ_MAP, mb, m_irq_map(mb, nq + 1));
	guest_send(g, I40E_VC_CONFIG_RSS_KEY, mb, m_rss(mb, 52, 1));
	guest_send(g, I40E_VC_CONFIG_RSS_LUT, mb, m_rss(mb, 64, 9));
	guest_send(g, I40E_VC_SET_RSS_HENA, mb, m_hena(mb, 0x3f));
	guest_send(g, I40E_VC_ADD_ETH_ADDR, mb, m_addrs(mb, 2, 1));
	guest_send(g, I40E_VC_ADD_VLAN, mb, m_vlans(mb, 3, 10));
	guest_send(g, I40E_VC_CONFIG_PROMISC, mb, m_promisc(mb, 2));
	guest_send(g, I40E_VC_ENABLE_VLAN_STRIP, mb, 0);
	guest_send(g, I40E_VC_ENABLE_QUEUES, mb,
		   m_qsel(mb, BIT(nq) - 1, BIT(nq) - 1));
	assert_int_equal(g->m->cap.stats.malformed, 0);
}

#define GUEST_CAPS	(I40E_VC_CAP_L2 | I40E_VC_CAP_RSS_PF | I40E_VC_CAP_VLAN)

static void put_rx(struct vf_sim *s, u64 ring, u32 i, u64 buf)
{
	u8 *d = sim_ptr(s, ring + 32 * i);

	memset(d, 0, 32);
	nic_vf_put64(d, buf);
}

static void rx_writeback(struct vf_sim *s, u16 q, u32 i)
{
	u8 *d = sim_ptr(s, RX_RING(q) + 32 * i);

	memset(d, 0, 32);
	nic_vf_put64(d + 8, I40E_VFM_RXD_DD | (1500ULL << 38));
}

/* Post @n RX buffers from the tail on (wrapping), then write the tail. */
static void guest_post_rx(struct guest *g, u16 q, u32 n, u32 gen)
{
	u32 i, idx = g->rx_tail[q];

	for (i = 0; i < n; i++, idx = (idx + 1) % RX_LEN)
		put_rx(g->s, g->rx_ring[q], idx,
		       RX_BUF(q, (gen * RX_LEN + idx) % 128));
	g->rx_tail[q] = idx;
	tail_write(g, I40E_VFM_QRX_TAIL(q), idx);
}

static void guest_post_tx(struct guest *g, u16 q, u32 n)
{
	u32 i, idx = g->tx_tail[q];

	for (i = 0; i < n; i++, idx = (idx + 1) % TX_LEN) {
		u8 *d = sim_ptr(g->s, TX_RING(q) + 16 * idx);

		nic_vf_put64(d, TX_BUF(idx));
		nic_vf_put64(d + 8, I40E_VFM_TXD_DTYPE_DATA |
			     (1500ULL << I40E_VFM_TXD_BSZ_SHIFT));
	}
	g->tx_tail[q] = idx;
	/* Straight to the device: the TX tail page is never trapped. */
	wr(g, I40E_VFM_QTX_TAIL(q), idx);
}

/* The opcodes in a log, in order. */
static u32 log_ops(const struct nic_vf_msglog *log, u32 *ops, u32 max)
{
	struct nic_vf_msg msg;
	u32 pos = 0, n = 0;

	while (n < max && nic_vf_msglog_next(log, &pos, &msg))
		ops[n++] = msg.opcode;
	return n;
}

static void expect_log(const struct nic_vf_msglog *log, u32 n, ...)
{
	u32 ops[64], got, i;
	va_list ap;

	got = log_ops(log, ops, 64);
	assert_int_equal(got, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_int_equal(ops[i], va_arg(ap, u32));
	va_end(ap);
}

/* ---- descriptor parsing ---- */

/* A TX tail write, were a VMM to send it through the region, is not
 * followed: the ring is held whole and TX buffers are only read.
 */
static void test_tx_tail_ignored(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	u64 before;

	guest_configure(g, 2, GUEST_CAPS);
	before = f->src.stats.tail_writes;
	assert_int_equal(i40e_vfm_bar0_write(&f->src, I40E_VFM_QTX_TAIL(0), 3),
			 0);
	assert_int_equal(f->src.stats.tail_writes, before);
	assert_null(i40e_vfm_tx_ring.parse);
}

static void test_parse_rx(void **state)
{
	struct i40e_vfm_rxq q = { .buf_len = 3072 };
	struct nic_vf_range r[2] = {};
	u8 d[32] = {};

	nic_vf_put64(d, SIM_BASE + 0x5000);
	nic_vf_put64(d + 8, SIM_BASE + 0x9000);
	assert_int_equal(i40e_vfm_parse_rx(d, &q, r), 1);
	assert_int_equal(r[0].iova, SIM_BASE + 0x5000);
	assert_int_equal(r[0].len, 3072);
	q.hdr_len = 256;
	assert_int_equal(i40e_vfm_parse_rx(d, &q, r), 2);
	assert_int_equal(r[1].iova, SIM_BASE + 0x9000);
	assert_int_equal(r[1].len, 256);
	/* Written back. */
	nic_vf_put64(d + 8, I40E_VFM_RXD_DD | (64ULL << 38));
	assert_int_equal(i40e_vfm_parse_rx(d, &q, r), -ENOENT);
	/* Buffers that wrap; a queue without sizes. */
	q.hdr_len = 0;
	nic_vf_put64(d, ~0ULL - 100);
	nic_vf_put64(d + 8, 0);
	assert_int_equal(i40e_vfm_parse_rx(d, &q, r), -EINVAL);
	nic_vf_put64(d, SIM_BASE);
	q.hdr_len = 16;
	nic_vf_put64(d + 8, ~0ULL - 1);
	assert_int_equal(i40e_vfm_parse_rx(d, &q, r), -EINVAL);
	assert_int_equal(i40e_vfm_parse_rx(d, NULL, r), -EINVAL);
}

static void test_parse_aq(void **state)
{
	struct nic_vf_range r[2] = {};
	u8 d[32];
	u16 buf = I40E_VFM_AQF_BUF;

	put_aq_desc(d, buf | I40E_VFM_AQF_RD, 0x0801, 64, 3, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_atq(d, NULL, r), 0);
	put_aq_desc(d, buf, 0x0801, 64, 3, SIM_BASE + 0x2000);
	assert_int_equal(i40e_vfm_parse_atq(d, NULL, r), 1);
	assert_int_equal(r[0].iova, SIM_BASE + 0x2000);
	assert_int_equal(r[0].len, 64);
	put_aq_desc(d, 0, 0x0801, 64, 3, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_atq(d, NULL, r), 0);
	put_aq_desc(d, buf | I40E_VFM_AQF_DD, 0x0801, 64, 3, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_atq(d, NULL, r), -ENOENT);
	put_aq_desc(d, buf, 0x0801, 4097, 3, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_atq(d, NULL, r), -EINVAL);
	put_aq_desc(d, buf, 0x0801, 64, 3, ~0ULL - 8);
	assert_int_equal(i40e_vfm_parse_atq(d, NULL, r), -EINVAL);

	put_aq_desc(d, buf, 0, 4096, 0, SIM_BASE + 0x7000);
	assert_int_equal(i40e_vfm_parse_arq(d, NULL, r), 1);
	assert_int_equal(r[0].len, 4096);
	put_aq_desc(d, buf, 0, 60000, 0, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_arq(d, NULL, r), 1);
	assert_int_equal(r[0].len, 4096);	/* no PF message is longer */
	put_aq_desc(d, 0, 0, 4096, 0, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_arq(d, NULL, r), -EINVAL);
	put_aq_desc(d, buf, 0, 0, 0, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_arq(d, NULL, r), -EINVAL);
	put_aq_desc(d, buf | I40E_VFM_AQF_DD, 0, 4096, 0, SIM_BASE);
	assert_int_equal(i40e_vfm_parse_arq(d, NULL, r), -ENOENT);
	put_aq_desc(d, buf, 0, 4096, 0, ~0ULL - 4000);
	assert_int_equal(i40e_vfm_parse_arq(d, NULL, r), -EINVAL);
}

static void test_traps(void **state)
{
	struct nic_vf_trap t[I40E_VFM_MAX_TRAPS];

	assert_int_equal(i40e_vfm_traps(false, t), 1);
	assert_int_equal(t[0].offset, 0x8000);
	assert_int_equal(t[0].len, 0x1000);
	/* Not the TX tails' page: one trap per sent frame, for nothing. */
	assert_int_equal(i40e_vfm_traps(true, t), 3);
	assert_int_equal(t[0].offset, 0x2000);
	assert_int_equal(t[1].offset, 0x7000);
	assert_int_equal(t[2].offset, 0x8000);
	/* The pages hold what they are trapped for. */
	assert_int_equal(I40E_VFM_QRX_TAIL(15) & ~0xfffU, t[0].offset);
	assert_int_equal(I40E_VFM_ARQT & ~0xfffU, t[1].offset);
	assert_int_equal(I40E_VFM_ATQT & ~0xfffU, t[2].offset);
}

/* ---- virtchnl capture ---- */

static void test_capture_config_order(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct i40e_vfm_summary s;

	guest_configure(&f->g, 4, GUEST_CAPS);
	guest_send(&f->g, I40E_VC_GET_STATS, mb, m_qsel(mb, 0, 0));
	expect_log(&m->cap.log, 12, I40E_VC_VERSION, I40E_VC_GET_VF_RESOURCES,
		   I40E_VC_CONFIG_VSI_QUEUES, I40E_VC_CONFIG_IRQ_MAP,
		   I40E_VC_CONFIG_RSS_KEY, I40E_VC_CONFIG_RSS_LUT,
		   I40E_VC_SET_RSS_HENA, I40E_VC_ADD_ETH_ADDR,
		   I40E_VC_ADD_VLAN, I40E_VC_CONFIG_PROMISC,
		   I40E_VC_ENABLE_VLAN_STRIP, I40E_VC_ENABLE_QUEUES);
	assert_int_equal(m->cap.stats.msgs, 13);
	assert_int_equal(m->cap.stats.recorded, 12);
	assert_int_equal(m->cap.stats.ignored, 1);
	assert_int_equal(m->cap.log.flags, 0);
	assert_true(m->vf_v11);
	assert_int_equal(m->caps, GUEST_CAPS);
	assert_true(f->g.ev & I40E_VFM_EV_CAPTURED);

	assert_int_equal(i40e_vfm_summarize(&m->cap.log, &s), 0);
	assert_int_equal(s.num_qp, 4);
	assert_int_equal(s.tx_len[3], TX_LEN);
	assert_int_equal(s.rx_len[3], RX_LEN);
	assert_int_equal(s.rx_buf[0], RX_BUFSZ);
	assert_int_equal(s.rxq_en, 0xf);
	assert_int_equal(s.nr_mac, 2);
	assert_int_equal(s.nr_vlan, 3);
	assert_int_equal(s.promisc, 2);
	assert_int_equal(s.strip, 1);
	assert_int_equal(s.hena, 0x3f);
	assert_int_equal(s.caps, GUEST_CAPS);

	/* The data rings were given to the tracker. */
	assert_int_equal(m->rings[I40E_VFM_RING_RX(3)].base, RX_RING(3));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(3)].len, RX_LEN);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(0)].len, TX_LEN);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(4)].len, 0);
	assert_int_equal(m->rxq[2].buf_len, RX_BUFSZ);
	assert_int_equal(m->rings[I40E_VFM_RING_ATQ].len, AQ_LEN);
}

static void test_capture_policies(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	struct i40e_vfm_summary s;

	guest_aq_init(g);
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	guest_send(g, I40E_VC_GET_VF_RESOURCES, mb, m_u32(mb, GUEST_CAPS));
	guest_send(g, I40E_VC_REQUEST_QUEUES, mb, m_u16(mb, 8));
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues_n(mb, 2));
	guest_send(g, I40E_VC_ENABLE_QUEUES, mb, m_qsel(mb, 3, 3));
	guest_send(g, I40E_VC_ADD_ETH_ADDR, mb, m_addrs(mb, 1, 1));
	guest_send(g, I40E_VC_ADD_ETH_ADDR, mb, m_addrs(mb, 1, 2));
	guest_send(g, I40E_VC_DEL_ETH_ADDR, mb, m_addrs(mb, 1, 1));
	guest_send(g, I40E_VC_GET_RSS_HENA_CAPS, mb, 0);
	/* Down and up again: latest wins, moved to the end. */
	guest_send(g, I40E_VC_DISABLE_QUEUES, mb, m_qsel(mb, 3, 3));
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues_n(mb, 3));
	guest_send(g, I40E_VC_ENABLE_QUEUES, mb, m_qsel(mb, 7, 7));
	guest_send(g, I40E_VC_ENABLE_VLAN_STRIP, mb, 0);
	guest_send(g, I40E_VC_DISABLE_VLAN_STRIP, mb, 0);
	/* The stripping pair shares one key: only the disable is left. */
	expect_log(&m->cap.log, 9, I40E_VC_VERSION, I40E_VC_GET_VF_RESOURCES,
		   I40E_VC_REQUEST_QUEUES, I40E_VC_ADD_ETH_ADDR,
		   I40E_VC_ADD_ETH_ADDR, I40E_VC_DEL_ETH_ADDR,
		   I40E_VC_CONFIG_VSI_QUEUES, I40E_VC_ENABLE_QUEUES,
		   I40E_VC_DISABLE_VLAN_STRIP);
	guest_send(g, I40E_VC_CONFIG_PROMISC, mb, m_promisc(mb, 1));
	assert_int_equal(m->cap.log.nr, 10);
	assert_int_equal(i40e_vfm_summarize(&m->cap.log, &s), 0);
	assert_int_equal(s.strip, 2);
	assert_int_equal(s.num_qp, 3);
	assert_int_equal(s.req_qp, 8);
	assert_int_equal(s.nr_mac, 1);
	assert_int_equal(s.rxq_en, 7);
	assert_int_equal(m->rings[I40E_VFM_RING_RX(2)].len, RX_LEN);

	/* A VF reset forgets all but the queue request the PF keeps. */
	guest_send(g, I40E_VC_RESET_VF, mb, 0);
	expect_log(&m->cap.log, 1, I40E_VC_REQUEST_QUEUES);
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 0);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(2)].len, 0);
	/* A new negotiation (VERSION) starts over too. */
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 0));
	guest_send(g, I40E_VC_GET_VF_RESOURCES, mb, 0);
	guest_send(g, I40E_VC_CONFIG_PROMISC, mb, m_promisc(mb, 1));
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 0));
	expect_log(&m->cap.log, 2, I40E_VC_REQUEST_QUEUES, I40E_VC_VERSION);
	assert_false(m->vf_v11);
	assert_int_equal(m->cap.stats.malformed, 0);
	/* A 1.0 guest sends no capabilities: the PF's defaults apply. */
	guest_send(g, I40E_VC_GET_VF_RESOURCES, mb, 0);
	assert_int_equal(m->caps, I40E_VC_CAPS_V10);
	assert_true(i40e_vfm_rss_by_registers(m->device, m->caps));
}

/* Each opcode with its correct length, and a builder for it. */
struct vc_case {
	u32 op;
	u32 (*build)(u8 *b);
};

static u32 b_version(u8 *b) { return m_version(b, 1, 1); }
static u32 b_caps(u8 *b) { return m_u32(b, GUEST_CAPS); }
static u32 b_vsiq(u8 *b) { return m_vsi_queues_n(b, 2); }
static u32 b_irq(u8 *b) { return m_irq_map(b, 3); }
static u32 b_qsel(u8 *b) { return m_qsel(b, 1, 1); }
static u32 b_addrs(u8 *b) { return m_addrs(b, 2, 5); }
static u32 b_vlans(u8 *b) { return m_vlans(b, 2, 5); }
static u32 b_promisc(u8 *b) { return m_promisc(b, 3); }
static u32 b_key(u8 *b) { return m_rss(b, 52, 3); }
static u32 b_lut(u8 *b) { return m_rss(b, 64, 3); }
static u32 b_hena(u8 *b) { return m_hena(b, 0xff); }
static u32 b_reqq(u8 *b) { return m_u16(b, 4); }
static u32 b_none(u8 *b) { return 0; }

static const struct vc_case vc_cases[] = {
	{ I40E_VC_VERSION, b_version },
	{ I40E_VC_RESET_VF, b_none },
	{ I40E_VC_GET_VF_RESOURCES, b_caps },
	{ I40E_VC_CONFIG_VSI_QUEUES, b_vsiq },
	{ I40E_VC_CONFIG_IRQ_MAP, b_irq },
	{ I40E_VC_ENABLE_QUEUES, b_qsel },
	{ I40E_VC_DISABLE_QUEUES, b_qsel },
	{ I40E_VC_ADD_ETH_ADDR, b_addrs },
	{ I40E_VC_DEL_ETH_ADDR, b_addrs },
	{ I40E_VC_ADD_VLAN, b_vlans },
	{ I40E_VC_DEL_VLAN, b_vlans },
	{ I40E_VC_CONFIG_PROMISC, b_promisc },
	{ I40E_VC_GET_STATS, b_qsel },
	{ I40E_VC_CONFIG_RSS_KEY, b_key },
	{ I40E_VC_CONFIG_RSS_LUT, b_lut },
	{ I40E_VC_GET_RSS_HENA_CAPS, b_none },
	{ I40E_VC_SET_RSS_HENA, b_hena },
	{ I40E_VC_ENABLE_VLAN_STRIP, b_none },
	{ I40E_VC_DISABLE_VLAN_STRIP, b_none },
	{ I40E_VC_REQUEST_QUEUES, b_reqq },
};

static void test_vc_check_lengths(void **state)
{
	static u8 b[4200];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vc_cases); i++) {
		u32 op = vc_cases[i].op, len = vc_cases[i].build(b);

		assert_int_equal(i40e_vfm_vc_check(op, b, len, true), 0);
		/* One byte more or less: the PF refuses it, so do we. */
		assert_int_equal(i40e_vfm_vc_check(op, b, len + 1, true),
				 -EINVAL);
		if (len)
			assert_int_equal(i40e_vfm_vc_check(op, b, len - 1,
							   true), -EINVAL);
		/* Any truncation. */
		if (len > 1)
			assert_int_equal(i40e_vfm_vc_check(op, b, 1, true),
					 -EINVAL);
	}
	/* Capabilities only from a 1.1 guest. */
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_GET_VF_RESOURCES, b, 4,
					   false), -EINVAL);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_GET_VF_RESOURCES, b, 0,
					   true), -EINVAL);
	/* Counts: zero, too many. */
	m_vsi_queues_n(b, 1);
	nic_vf_put16(b + 2, 0);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_CONFIG_VSI_QUEUES, b,
					   I40E_VC_VSIQ_HDR + 64, true),
			 -EINVAL);
	nic_vf_put16(b + 2, 17);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_CONFIG_VSI_QUEUES, b,
					   I40E_VC_VSIQ_HDR + 18 * 64, true),
			 -EINVAL);
	nic_vf_put16(b, 18);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_CONFIG_IRQ_MAP, b,
					   2 + 19 * 12, true), -EINVAL);
	nic_vf_put16(b + 2, 0);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_ADD_ETH_ADDR, b, 12, true),
			 -EINVAL);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_ADD_VLAN, b, 6, true),
			 -EINVAL);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_CONFIG_RSS_KEY, b, 5, true),
			 -EINVAL);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_CONFIG_RSS_LUT, b, 6, true),
			 -EINVAL);
	/* A count that asks for more than any buffer holds. */
	nic_vf_put16(b + 2, 0xffff);
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_ADD_ETH_ADDR, b, 4096,
					   true), -EINVAL);
	/* Opcodes not interpreted: events, unknown, advanced features. */
	assert_int_equal(i40e_vfm_vc_check(I40E_VC_EVENT, b, 0, true),
			 -EOPNOTSUPP);
	assert_int_equal(i40e_vfm_vc_check(0, b, 0, true), -EOPNOTSUPP);
	assert_int_equal(i40e_vfm_vc_check(4, b, 24, true), -EOPNOTSUPP);
	assert_int_equal(i40e_vfm_vc_check(45, b, 8, true), -EOPNOTSUPP);
	assert_int_equal(i40e_vfm_vc_check(0x80000000, b, 8, true),
			 -EOPNOTSUPP);
}

static void test_capture_rejects(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	u32 len;

	guest_aq_init(g);
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	/* Truncated and oversized messages never enter the log. */
	len = m_vsi_queues_n(mb, 2);
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, len - 64);
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, len + 8);
	assert_int_equal(m->cap.stats.malformed, 2);
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 0);
	/* Longer than the admin queue allows: not even read. */
	guest_send(g, I40E_VC_ADD_ETH_ADDR, mb, 4097);
	assert_int_equal(m->stats.oversized, 1);
	/* A length without a buffer. */
	guest_send_raw(g, I40E_VFM_AQF_RD, I40E_VFM_AQ_OP_TO_PF,
		       I40E_VC_SET_RSS_HENA, mb, 8, ATQ_BUF(0));
	assert_int_equal(m->cap.stats.malformed, 3);
	/* A buffer outside guest memory. */
	guest_send_raw(g, I40E_VFM_AQF_BUF | I40E_VFM_AQF_RD,
		       I40E_VFM_AQ_OP_TO_PF, I40E_VC_SET_RSS_HENA, mb, 8,
		       SIM_BASE + SIM_SIZE);
	assert_int_equal(m->stats.unreadable, 1);
	assert_true(m->cap.log.flags & NIC_VF_LOG_INCOMPLETE);
	/* Not a message to the PF. */
	guest_send_raw(g, 0, 0x0001, 0, mb, 0, 0);
	assert_int_equal(m->stats.other_aq, 1);
	/* Unknown opcodes. */
	guest_send(g, I40E_VC_EVENT, mb, 16);
	guest_send(g, 47, mb, 32);
	assert_int_equal(m->cap.stats.unknown, 2);
	expect_log(&m->cap.log, 1, I40E_VC_VERSION);
	/* The next VERSION starts a clean, complete log. */
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	assert_int_equal(m->cap.log.flags, 0);
}

static void test_capture_atq_wrap_and_stale(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	int i;

	guest_aq_init(g);
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	for (i = 0; i < 40; i++)
		guest_send(g, I40E_VC_ADD_VLAN, mb, m_vlans(mb, 1, i));
	assert_int_equal(m->cap.stats.recorded, 41);
	assert_int_equal(m->stats.stale, 0);
	/*
	 * Reinitialising at the same base: tail 0 looks like a wrap over
	 * completed descriptors, which are skipped.
	 */
	tail_write(g, I40E_VFM_ATQT, 0);
	g->atq_tail = 0;
	assert_int_equal(m->stats.stale, AQ_LEN - 41 % AQ_LEN);
	assert_int_equal(m->cap.stats.recorded, 41);
	guest_send(g, I40E_VC_ADD_VLAN, mb, m_vlans(mb, 1, 99));
	assert_int_equal(m->cap.stats.recorded, 42);
	/* A queue that is not enabled is not followed. */
	wr(g, I40E_VFM_ATQLEN, AQ_LEN);
	guest_send(g, I40E_VC_ADD_VLAN, mb, m_vlans(mb, 1, 100));
	assert_int_equal(m->cap.stats.recorded, 42);
	assert_int_equal(m->rings[I40E_VFM_RING_ATQ].len, 0);
}

static void test_capture_atq_moved(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;

	guest_aq_init(g);
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	guest_send(g, I40E_VC_ADD_VLAN, mb, m_vlans(mb, 1, 1));
	/* The guest moves its ATQ: the new ring starts at 0. */
	memset(sim_ptr(g->s, ATQ_RING + 0x800), 0, 32 * 16);
	wr(g, I40E_VFM_ATQLEN, 16 | I40E_VFM_AQ_ENABLE);
	wr(g, I40E_VFM_ATQBAL, (ATQ_RING + 0x800) & 0xffffffff);
	{
		u8 *d = sim_ptr(g->s, ATQ_RING + 0x800);

		memcpy(sim_ptr(g->s, ATQ_BUF(20)), mb, m_vlans(mb, 1, 2));
		put_aq_desc(d, I40E_VFM_AQF_BUF | I40E_VFM_AQF_RD,
			    I40E_VFM_AQ_OP_TO_PF, 8, I40E_VC_ADD_VLAN,
			    ATQ_BUF(20));
		tail_write(g, I40E_VFM_ATQT, 1);
	}
	assert_int_equal(m->rings[I40E_VFM_RING_ATQ].base, ATQ_RING + 0x800);
	assert_int_equal(m->rings[I40E_VFM_RING_ATQ].len, 16);
	assert_int_equal(m->cap.stats.recorded, 3);
	/* A misaligned queue cannot be followed: the log says so. */
	wr(g, I40E_VFM_ATQBAL, (ATQ_RING + 0x808) & 0xffffffff);
	tail_write(g, I40E_VFM_ATQT, 2);
	assert_int_equal(m->rings[I40E_VFM_RING_ATQ].len, 0);
	assert_true(m->cap.log.flags & NIC_VF_LOG_INCOMPLETE);
}

/* ---- data rings from CONFIG_VSI_QUEUES ---- */

static void test_rings_follow_pf_rules(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	struct qcfg c[3];
	int q;

	guest_aq_init(g);
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	for (q = 0; q < 3; q++)
		qcfg_default(&c[q], q);
	/* Not 128-byte aligned: the PF rounds the base down. */
	c[0].rx_base += 0x48;
	c[0].tx_base += 0x7f;
	c[0].headwb = true;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 3, c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].base, RX_RING(0));
	assert_int_equal(m->rings[I40E_VFM_RING_TX(0)].base, TX_RING(0));
	assert_int_equal(m->rings[I40E_VFM_RING_TX(0)].extra.len, 4);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(1)].extra.len, 0);
	assert_int_equal(m->rings[I40E_VFM_RING_RX(2)].len, RX_LEN);

	/*
	 * Pair 1's RX length is not a multiple of 32: the PF stops there,
	 * keeping pair 0's new and pairs 1 and 2's old configuration.
	 */
	for (q = 0; q < 3; q++) {
		qcfg_default(&c[q], q);
		c[q].rx_len = 64;
		c[q].tx_len = 128;
	}
	c[1].rx_len = 40;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 3, c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 64);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(0)].len, 128);
	assert_int_equal(m->rings[I40E_VFM_RING_RX(1)].len, RX_LEN);
	assert_int_equal(m->rings[I40E_VFM_RING_RX(2)].len, RX_LEN);
	/* Same with a TX length not a multiple of 8. */
	c[1].rx_len = 64;
	c[1].tx_len = 20;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 3, c));
	assert_int_equal(m->rings[I40E_VFM_RING_TX(1)].len, TX_LEN);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(2)].len, TX_LEN);
	/* Other refusals of the PF: queue IDs, VSI, sizes. */
	qcfg_default(&c[1], 1);
	c[1].qid_rx = 2;
	c[2].tx_len = 256;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 3, c));
	assert_int_equal(m->rings[I40E_VFM_RING_TX(2)].len, TX_LEN);
	qcfg_default(&c[1], 1);
	c[1].vsi_rx = VSI + 1;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 2, c));
	qcfg_default(&c[1], 1);
	c[1].max_pkt = 63;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 2, c));
	c[1].max_pkt = 16384;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 2, c));
	qcfg_default(&c[1], 1);
	c[1].buf = 16384;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 2, c));
	qcfg_default(&c[1], 1);
	c[1].qid = 16;
	c[1].qid_rx = 16;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 2, c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(1)].len, RX_LEN);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(1)].len, TX_LEN);

	/* Longest rings: 8160 descriptors on an XL710. */
	qcfg_default(&c[0], 0);
	c[0].rx_len = 8160;
	c[0].tx_len = 8160;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 1, c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 8160);
	c[0].rx_len = 8192;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 1, c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 8160);
	/* A zero length leaves the queue without a ring. */
	c[0].rx_len = 0;
	c[0].tx_len = 0;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 1, c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 0);
	assert_int_equal(m->rings[I40E_VFM_RING_TX(0)].len, 0);
	/* A tiny buffer size: the device writes up to the packet size. */
	qcfg_default(&c[0], 0);
	c[0].buf = 100;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 1, c));
	assert_int_equal(m->rxq[0].buf_len, 1522);
	assert_int_equal(m->cap.stats.malformed, 0);
}

static void test_rings_x722_limit(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	struct qcfg c;

	guest_aq_init(g);
	guest_send(g, I40E_VC_VERSION, mb, m_version(mb, 1, 1));
	qcfg_default(&c, 0);
	c.rx_len = 4096;
	c.tx_len = 4096;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 1, &c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 4096);
	c.rx_len = 4128;
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 1, &c));
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 4096);
	/* On an X722 with AQ RSS asked for, RSS is by admin commands. */
	assert_false(i40e_vfm_rss_by_registers(I40E_VFM_DEV_X722_VF,
					       I40E_VC_CAP_RSS_AQ));
	assert_true(i40e_vfm_rss_by_registers(I40E_VFM_DEV_XL710_VF,
					      I40E_VC_CAP_RSS_AQ));
}

/* ---- dirty tracking ---- */

static void expect_range(bool *exp, u64 iova, u64 len)
{
	u64 p;

	for (p = (iova - SIM_BASE) / SIM_PAGE;
	     p <= (iova + len - 1 - SIM_BASE) / SIM_PAGE; p++)
		exp[p] = true;
}

static void assert_dirty_set(struct vf_sim *s, const bool *exp)
{
	bool got[SIM_PAGES];
	unsigned int p;

	sim_sync(s, got);
	for (p = 0; p < SIM_PAGES; p++)
		if (got[p] != exp[p])
			fail_msg("page %u (iova 0x%llx): dirty %d, expected %d",
				 p, (unsigned long long)(SIM_BASE + p * SIM_PAGE),
				 got[p], exp[p]);
}

/*
 * A known traffic pattern: two queue pairs, RX buffers posted, traffic in
 * both directions, buffers re-posted.  The dirty set must be exactly the
 * rings, the admin queues' device-written memory and the RX buffers that
 * were posted since the previous sync or are still posted.
 */
static void test_dirty_known_pattern(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	struct vf_sim *s = &f->src_sim;
	static bool exp[SIM_PAGES];
	u32 i, q;

	guest_configure(g, 2, GUEST_CAPS);
	for (q = 0; q < 2; q++)
		guest_post_rx(g, q, RX_LEN - 1, 0);
	guest_post_tx(g, 0, 5);

	/* Saving, tails not trapped yet: conservative, nothing marked. */
	i40e_vfm_saving_begin(m);
	guest_post_tx(g, 0, 5);
	assert_int_equal(s->nr_holds, 0);
	assert_int_equal(sim_sync(s, NULL), 0);

	/* The VMM acknowledged the remap: precise from here. */
	assert_int_equal(i40e_vfm_tracking_precise(m), 0);
	memset(exp, 0, sizeof(exp));
	expect_range(exp, ATQ_RING, AQ_LEN * 32);
	expect_range(exp, ARQ_RING, AQ_LEN * 32);
	for (i = 0; i < AQ_LEN; i++)		/* posted ARQ buffers */
		expect_range(exp, ARQ_BUF(i), 4096);
	for (q = 0; q < 2; q++) {
		expect_range(exp, TX_RING(q), TX_LEN * 16);
		expect_range(exp, RX_RING(q), RX_LEN * 32);
		/* Every slot was filled once; all but one posted. */
		for (i = 0; i < RX_LEN; i++)
			expect_range(exp, RX_BUF(q, i), RX_BUFSZ);
	}
	assert_dirty_set(s, exp);

	/*
	 * Traffic: queue 0 receives 10 packets, the guest re-posts those
	 * slots with buffers of the next generation; 20 packets are sent.
	 */
	for (i = 0; i < 10; i++)
		rx_writeback(s, 0, i);
	guest_post_rx(g, 0, 10, 1);
	guest_post_tx(g, 1, 20);
	/* Pages released since the last sync are reported once more. */
	for (i = 0; i < 10; i++)
		expect_range(exp, RX_BUF(0, RX_LEN + (i + RX_LEN - 1) % RX_LEN),
			     RX_BUFSZ);
	assert_dirty_set(s, exp);
	/* TX buffers are never dirty. */
	for (i = 0; i < 20; i++)
		assert_false(sim_page_held(s, TX_BUF(i)));

	/* Next sync: the released buffers are gone, new ones stay. */
	memset(exp, 0, sizeof(exp));
	expect_range(exp, ATQ_RING, AQ_LEN * 32);
	expect_range(exp, ARQ_RING, AQ_LEN * 32);
	for (i = 0; i < AQ_LEN; i++)
		expect_range(exp, ARQ_BUF(i), 4096);
	for (q = 0; q < 2; q++) {
		expect_range(exp, TX_RING(q), TX_LEN * 16);
		expect_range(exp, RX_RING(q), RX_LEN * 32);
	}
	/* Queue 1 as posted; queue 0: slots 31 and 0..8 re-posted with
	 * generation 1, slot 9 completed and not yet re-posted, 10..30 as
	 * they were.
	 */
	for (i = 0; i < RX_LEN - 1; i++)
		expect_range(exp, RX_BUF(1, i), RX_BUFSZ);
	for (i = 10; i < RX_LEN - 1; i++)
		expect_range(exp, RX_BUF(0, i), RX_BUFSZ);
	for (i = 0; i < 9; i++)
		expect_range(exp, RX_BUF(0, RX_LEN + i), RX_BUFSZ);
	expect_range(exp, RX_BUF(0, RX_LEN + RX_LEN - 1), RX_BUFSZ);
	assert_false(sim_page_held(s, RX_BUF(0, 9)));
	assert_dirty_set(s, exp);

	/* A message and an ARQ refill while tracking. */
	guest_send(g, I40E_VC_ADD_VLAN, mb, m_vlans(mb, 1, 7));
	tail_write(g, I40E_VFM_ARQT, 0);
	assert_int_equal(m->trk.lost, 0);
	assert_int_equal(m->trk.stats.malformed, 0);

	i40e_vfm_saving_end(m);
	assert_int_equal(s->nr_holds, 0);
	sim_sync(s, NULL);
	assert_int_equal(sim_sync(s, NULL), 0);
}

static void test_dirty_queue_reconfigured_while_tracking(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	struct vf_sim *s = &f->src_sim;
	struct qcfg c;

	guest_configure(g, 1, GUEST_CAPS);
	guest_post_rx(g, 0, 8, 0);
	i40e_vfm_saving_begin(m);
	i40e_vfm_tracking_precise(m);
	assert_true(sim_page_held(s, RX_RING(0)));
	assert_true(sim_page_held(s, RX_BUF(0, 3)));
	/* The guest moves queue 0's rings: old holds go, new ring held. */
	qcfg_default(&c, 0);
	c.rx_base = RX_RING(5);
	c.tx_base = TX_RING(5);
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues(mb, 1, &c));
	assert_false(sim_page_held(s, RX_RING(0)));
	assert_false(sim_page_held(s, RX_BUF(0, 3)));
	assert_true(sim_page_held(s, RX_RING(5)));
	assert_true(sim_page_held(s, TX_RING(5)));
	/* The new ring's postings are held from its first tail write. */
	g->rx_tail[0] = 0;
	g->rx_ring[0] = RX_RING(5);
	guest_post_rx(g, 0, 4, 2);
	assert_true(sim_page_held(s, RX_BUF(0, 64)));
	/* A VF reset by the guest drops every data ring. */
	guest_send(g, I40E_VC_RESET_VF, mb, 0);
	assert_false(sim_page_held(s, RX_RING(5)));
	assert_false(sim_page_held(s, RX_BUF(0, 64)));
	i40e_vfm_saving_end(m);
}

/*
 * iavf posts its RX buffers and writes the tails before it sends
 * CONFIG_VSI_QUEUES: configuring a ring while tracking must find them.
 */
static void test_dirty_buffers_posted_before_config(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	struct vf_sim *s = &f->src_sim;
	u32 i;

	guest_configure(g, 1, GUEST_CAPS);
	i40e_vfm_saving_begin(m);
	assert_int_equal(i40e_vfm_tracking_precise(m), 0);
	/* Queue 1 comes up: buffers and tail first (its ring is unknown). */
	guest_post_rx(g, 1, RX_LEN - 1, 0);
	assert_false(sim_page_held(s, RX_BUF(1, 0)));
	assert_int_equal(m->trk.stats.bad_tail, 1);
	guest_send(g, I40E_VC_CONFIG_VSI_QUEUES, mb, m_vsi_queues_n(mb, 2));
	for (i = 0; i < RX_LEN - 1; i++)
		assert_true(sim_page_held(s, RX_BUF(1, i)));
	assert_true(sim_page_held(s, RX_RING(1)));
	/* Later postings are followed from the next tail write on. */
	for (i = 0; i < 4; i++)
		rx_writeback(s, 1, i);
	guest_post_rx(g, 1, 4, 1);
	assert_true(sim_page_held(s, RX_BUF(1, RX_LEN + RX_LEN - 1)));
	assert_true(sim_page_held(s, RX_BUF(1, RX_LEN + 2)));
	assert_false(sim_page_held(s, RX_BUF(1, 0)));
	assert_int_equal(m->trk.lost, 0);
	i40e_vfm_saving_end(m);
}

static void test_dirty_failure_fails_save(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;
	struct guest *g = &f->g;
	u8 buf[I40E_VFM_MAX_STATE];

	guest_configure(g, 1, GUEST_CAPS);
	i40e_vfm_saving_begin(m);
	i40e_vfm_tracking_precise(m);
	f->src_sim.fail_hold = -ENOMEM;
	guest_post_rx(g, 0, 4, 0);
	assert_int_equal(m->trk.lost, -ENOMEM);
	/* Saving must fail rather than lose guest memory. */
	assert_int_equal(nic_vf_state_save(&m->st, buf, sizeof(buf)), -EIO);
	i40e_vfm_saving_end(m);
	/* The next migration starts clean. */
	i40e_vfm_saving_begin(m);
	assert_true(nic_vf_state_save(&m->st, buf, sizeof(buf)) > 0);
	i40e_vfm_saving_end(m);
}

/* ---- save and restore ---- */

struct stream {
	u8 buf[I40E_VFM_MAX_STATE];
	size_t off[8];
	size_t len[8];
	int nr;
};

static void save_all(struct i40e_vfm *m, struct stream *st)
{
	size_t pos = 0;
	ssize_t n;

	st->nr = 0;
	while ((n = nic_vf_state_save(&m->st, st->buf + pos,
				      sizeof(st->buf) - pos)) > 0) {
		st->off[st->nr] = pos;
		st->len[st->nr++] = n;
		pos += n;
		assert_true(st->nr < 8);
	}
	assert_int_equal(n, 0);
	assert_int_equal(st->nr, 3);
	assert_int_equal(pos, nic_vf_state_pending(&m->st));
}

static int load_all(struct i40e_vfm *m, struct stream *st)
{
	int i, ret;

	nic_vf_state_load_begin(&m->st);
	for (i = 0; i < st->nr; i++) {
		ret = nic_vf_state_load(&m->st, st->buf + st->off[i],
					st->len[i], I40E_VFM_STATE_VERSION);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct nic_vf_admin src_admin = {
	.mac = { 0x02, 0, 0, 0, 0, 0x42 },
	.vlan = 20,
	.qos = 5,
	.max_tx_rate = 500,
	.spoofchk = true,
	.trusted = false,
	.link_state = NIC_VF_LINK_AUTO,
};

/* Source: a configured guest, administrator settings, registers. */
static void source_ready(struct fixture *f, u32 caps)
{
	struct vf_sim *s = &f->src_sim;
	int i;

	s->pf = src_admin;
	s->pf.vlan_proto = NIC_VF_VLAN_PROTO_8021Q;
	guest_configure(&f->g, 2, caps);
	for (i = 0; i < I40E_VFM_VECTORS; i++) {
		s->bar[I40E_VFM_ITRN(0, i) / 4] = 0x10000 | (0x20 + i);
		s->bar[I40E_VFM_DYN_CTLN(i) / 4] = 0x7 | (2 << 3) | (9 << 5);
	}
	s->bar[I40E_VFM_ICR0_ENA / 4] = 0xc0000000;
	s->bar[I40E_VFM_DYN_CTL0 / 4] = 0x1;
	for (i = 0; i < I40E_VFM_HKEY_REGS; i++)
		s->bar[I40E_VFM_HKEY(i) / 4] = 0xabc00 + i;
	s->bar[I40E_VFM_HENA(1) / 4] = 0x80000001;
	i40e_vfm_saving_begin(&f->src);
}

static void test_save_restore_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct vf_sim *d = &f->dst_sim;
	struct i40e_vfm *m = &f->dst;
	static struct stream st;
	struct nic_vf_admin_result res;
	int last_set, reset, first_reg, i;

	source_ready(f, GUEST_CAPS);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);

	assert_int_equal(load_all(m, &st), 0);
	m->st.apply_admin = true;
	assert_int_equal(i40e_vfm_restore(m, &res), 0);
	/* Administrator settings, through the PF, with its resets. */
	assert_memory_equal(d->pf.mac, src_admin.mac, 6);
	assert_int_equal(d->pf.vlan, 20);
	assert_int_equal(d->pf.qos, 5);
	assert_int_equal(d->pf.max_tx_rate, 500);
	assert_true(d->pf.spoofchk);
	assert_int_equal(res.applied, BIT(NIC_VF_ADMIN_MAC) |
				      BIT(NIC_VF_ADMIN_VLAN) |
				      BIT(NIC_VF_ADMIN_RATE) |
				      BIT(NIC_VF_ADMIN_SPOOFCHK));
	/* ...before the VF reset, which comes before the registers. */
	last_set = sim_event_index(d, SIM_EV_SET(NIC_VF_ADMIN_SPOOFCHK));
	reset = sim_event_index(d, SIM_EV_RESET);
	first_reg = sim_event_index(d, SIM_EV_REG(I40E_VFM_ITRN(0, 0)));
	assert_true(last_set >= 0);
	assert_true(last_set < reset);
	assert_true(reset < first_reg);
	/* Registers: ITR intervals, dynamic control without triggers. */
	assert_int_equal(d->bar[I40E_VFM_ITRN(0, 3) / 4], 0x23);
	assert_int_equal(d->bar[I40E_VFM_DYN_CTLN(3) / 4],
			 I40E_VFM_DYN_INTENA | I40E_VFM_DYN_ITR_NONE);
	assert_int_equal(d->bar[I40E_VFM_ICR0_ENA / 4], 0x40000000);
	assert_int_equal(d->bar[I40E_VFM_DYN_CTL0 / 4],
			 I40E_VFM_DYN_INTENA | I40E_VFM_DYN_ITR_NONE);
	/* RSS is by messages for this guest: its registers are left. */
	assert_int_equal(sim_events(d, SIM_EV_REG(I40E_VFM_HKEY(0))), 0);
	/* The admin queues are never restored: the guest sees a reset. */
	assert_int_equal(sim_events(d, SIM_EV_REG(I40E_VFM_ATQLEN)), 0);
	assert_int_equal(sim_events(d, SIM_EV_REG(I40E_VFM_ARQBAL)), 0);
	assert_int_equal(d->bar[I40E_VFM_ARQLEN / 4], 0);
	assert_true(m->cap.verify_pending);
	assert_int_equal(m->cap.log.nr, 0);

	/* The guest's iavf renegotiates and re-sends the same setup. */
	f->h.ev = 0;
	guest_configure(&f->h, 2, GUEST_CAPS);
	assert_true(f->h.ev & I40E_VFM_EV_VERIFIED);
	assert_false(m->cap.verify_pending);
	assert_int_equal(m->cap.verify_diff, 0);
	/* Its rings are tracked on the destination too. */
	assert_int_equal(m->rings[I40E_VFM_RING_RX(1)].len, RX_LEN);
	for (i = 0; i < 2; i++)
		assert_int_equal(((struct i40e_vfm_summary *)m->cap.sum_dst)->rx_len[i], RX_LEN);
}

static void test_restore_detects_different_config(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->dst;
	static struct stream st;

	source_ready(f, GUEST_CAPS);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);
	assert_int_equal(load_all(m, &st), 0);
	assert_int_equal(i40e_vfm_restore(m, NULL), 0);
	/* The destination PF gave fewer queues: the guest uses one. */
	f->h.ev = 0;
	guest_configure(&f->h, 1, GUEST_CAPS);
	assert_false(f->h.ev & I40E_VFM_EV_VERIFIED);
	assert_true(m->cap.verify_pending);
	assert_true(m->cap.verified);
	assert_true(m->cap.verify_diff & I40E_VFM_DIFF_QUEUES);
	assert_true(m->cap.verify_diff & I40E_VFM_DIFF_QSTATE);
	assert_false(m->cap.verify_diff & I40E_VFM_DIFF_MAC);
}

static void test_restore_rss_registers(void **state)
{
	struct fixture *f = *state;
	struct vf_sim *d = &f->dst_sim;
	static struct stream st;
	int i;

	/* A guest that takes the PF's default: RSS by registers. */
	source_ready(f, I40E_VC_CAP_L2);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);
	assert_int_equal(load_all(&f->dst, &st), 0);
	assert_true(f->dst.st.flags & I40E_VFM_REGS_RSS_REG);
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), 0);
	for (i = 0; i < I40E_VFM_HKEY_REGS; i++)
		assert_int_equal(d->bar[I40E_VFM_HKEY(i) / 4], 0xabc00 + i);
	assert_int_equal(d->bar[I40E_VFM_HENA(1) / 4], 0x80000001);
	assert_int_equal(sim_events(d, SIM_EV_REG(I40E_VFM_HLUT(15))), 1);
}

static void test_restore_idle_vf_no_reset(void **state)
{
	struct fixture *f = *state;
	static struct stream st;

	/* No guest driver ever touched the VF. */
	f->src_sim.pf.vlan_proto = NIC_VF_VLAN_PROTO_8021Q;
	i40e_vfm_saving_begin(&f->src);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);
	assert_int_equal(load_all(&f->dst, &st), 0);
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), 0);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 0);
	assert_int_equal(f->dst_sim.resets, 0);
	assert_false(f->dst.cap.verify_pending);
}

static void test_restore_refused_by_pf(void **state)
{
	struct fixture *f = *state;
	static struct stream st;
	u8 *rec;

	source_ready(f, GUEST_CAPS);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);
	/* A record from a PF that allowed an 802.1ad port VLAN. */
	rec = st.buf + st.off[0] + NIC_VF_CHUNK_HDR;
	nic_vf_put16(rec + 18, NIC_VF_VLAN_PROTO_8021AD);
	assert_int_equal(load_all(&f->dst, &st), 0);
	f->dst.st.apply_admin = true;
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), -EPROTONOSUPPORT);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 0);
	/* And one with a minimum rate, which i40e never accepts. */
	nic_vf_put16(rec + 18, NIC_VF_VLAN_PROTO_8021Q);
	nic_vf_put32(rec + 20, 100);
	memset(&f->dst_sim.pf, 0, sizeof(f->dst_sim.pf));
	assert_int_equal(load_all(&f->dst, &st), 0);
	f->dst.st.apply_admin = true;
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), -EINVAL);
}

static void test_restore_needs_whole_stream(void **state)
{
	struct fixture *f = *state;
	static struct stream st;

	source_ready(f, GUEST_CAPS);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);
	st.nr = 2;
	assert_int_equal(load_all(&f->dst, &st), 0);
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), -EINVAL);
	assert_int_equal(f->dst_sim.nr_events, 0);
	/* Restore consumes the load. */
	st.nr = 3;
	assert_int_equal(load_all(&f->dst, &st), 0);
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), 0);
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), -EINVAL);
}

/* One corrupt byte (or field) in a chunk, and the stream is refused. */
static void expect_rejected(struct fixture *f, struct stream *st, int chunk,
			    size_t off, u8 val)
{
	static struct stream mod;

	mod = *st;
	mod.buf[mod.off[chunk] + off] = val;
	assert_int_equal(load_all(&f->dst, &mod), -EINVAL);
}

static void test_stream_rejects(void **state)
{
	struct fixture *f = *state;
	static struct stream st, mod;
	u8 *p;
	size_t regs, vlog;
	int i;

	source_ready(f, GUEST_CAPS);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);
	assert_int_equal(load_all(&f->dst, &st), 0);

	for (i = 0; i < 3; i++) {
		expect_rejected(f, &st, i, 0, 'X');	/* tag */
		expect_rejected(f, &st, i, 4, 2);	/* chunk version */
		expect_rejected(f, &st, i, 6, 1);	/* flags */
		expect_rejected(f, &st, i, 8, st.buf[st.off[i] + 8] + 1);
		expect_rejected(f, &st, i, 12, 1);	/* reserved */
	}
	/* The stream's own version. */
	nic_vf_state_load_begin(&f->dst.st);
	assert_int_equal(nic_vf_state_load(&f->dst.st, st.buf, st.len[0], 2),
			 -EINVAL);
	assert_int_equal(nic_vf_state_load(&f->dst.st, st.buf, 15, 1),
			 -EINVAL);
	/* Order, duplicates, a chunk missing. */
	mod = st;
	mod.off[0] = st.off[1];
	mod.len[0] = st.len[1];
	mod.off[1] = st.off[0];
	mod.len[1] = st.len[0];
	assert_int_equal(load_all(&f->dst, &mod), -EINVAL);
	mod = st;
	mod.off[1] = st.off[0];
	mod.len[1] = st.len[0];
	assert_int_equal(load_all(&f->dst, &mod), -EINVAL);
	mod = st;
	mod.off[1] = st.off[2];
	mod.len[1] = st.len[2];
	mod.nr = 2;
	assert_int_equal(load_all(&f->dst, &mod), -EINVAL);
	/* Truncated chunks. */
	for (i = 0; i < 3; i++) {
		mod = st;
		mod.len[i]--;
		assert_int_equal(load_all(&f->dst, &mod), -EINVAL);
	}

	/* Inside the chunks. */
	expect_rejected(f, &st, 0, 16 + 15, 7);		/* link state */
	regs = 16;
	expect_rejected(f, &st, 1, regs, 0x80);		/* unknown flag */
	expect_rejected(f, &st, 1, regs + 4, 1);	/* reserved */
	expect_rejected(f, &st, 1, regs + 8 + 2, 3);	/* register table */
	expect_rejected(f, &st, 1, regs + 8 + 8, 0x04); /* a block offset */
	vlog = 16;
	expect_rejected(f, &st, 2, vlog + 4, 40);	/* entry count */
	/* First entry (VERSION): opcode, key, length, sticky flag. */
	expect_rejected(f, &st, 2, vlog + 16, 4);	/* an unknown opcode */
	expect_rejected(f, &st, 2, vlog + 16, I40E_VC_RESET_VF);
	expect_rejected(f, &st, 2, vlog + 16, I40E_VC_GET_STATS);
	expect_rejected(f, &st, 2, vlog + 16 + 4, 9);	/* key */
	expect_rejected(f, &st, 2, vlog + 16 + 8, 16);	/* length */
	expect_rejected(f, &st, 2, vlog + 16 + 12, 1);	/* sticky */
	/* Third entry (CONFIG_VSI_QUEUES): its pair count. */
	p = st.buf + st.off[2] + vlog + 16;
	p += 16 + 8 + 16 + 8;
	assert_int_equal(nic_vf_get32(p), I40E_VC_CONFIG_VSI_QUEUES);
	expect_rejected(f, &st, 2, p - (st.buf + st.off[2]) + 16 + 2, 3);
	/* What was loaded before the bad chunk is never applied. */
	assert_int_equal(i40e_vfm_restore(&f->dst, NULL), -EINVAL);
	assert_int_equal(f->dst_sim.nr_events, 0);
}

/* Any single corrupt byte: refused or harmless, never a crash. */
static void test_stream_byte_flips(void **state)
{
	struct fixture *f = *state;
	static struct stream st, mod;
	int c, accepted = 0, rejected = 0;
	size_t i;

	source_ready(f, GUEST_CAPS);
	save_all(&f->src, &st);
	i40e_vfm_saving_end(&f->src);
	for (c = 0; c < 3; c++) {
		for (i = 0; i < st.len[c]; i++) {
			mod = st;
			mod.buf[mod.off[c] + i] ^= 0x81;
			if (!load_all(&f->dst, &mod)) {
				accepted++;
				/* Header bytes are never harmless. */
				assert_true(i >= NIC_VF_CHUNK_HDR);
			} else {
				rejected++;
			}
		}
	}
	/* Values (MAC bytes, registers, ring addresses) may change. */
	assert_true(accepted > 0);
	assert_true(rejected > 0);
	nic_vf_state_load_begin(&f->dst.st);
}

static void test_vf_reset_forgets(void **state)
{
	struct fixture *f = *state;
	struct i40e_vfm *m = &f->src;

	guest_configure(&f->g, 2, GUEST_CAPS);
	guest_send(&f->g, I40E_VC_REQUEST_QUEUES, mb, m_u16(mb, 4));
	i40e_vfm_vf_was_reset(m);
	expect_log(&m->cap.log, 1, I40E_VC_REQUEST_QUEUES);
	assert_int_equal(m->rings[I40E_VFM_RING_RX(0)].len, 0);
	assert_int_equal(m->rings[I40E_VFM_RING_ATQ].len, 0);
	assert_int_equal(m->caps, 0);
}

static void test_init_rejects(void **state)
{
	struct vf_sim *s = malloc(sizeof(*s));
	struct i40e_vfm *m = malloc(sizeof(*m));

	assert_non_null(s);
	assert_non_null(m);
	sim_init(s);
	assert_int_equal(i40e_vfm_init(m, &s->seam, 0x1572), -ENODEV);
	s->fail_alloc = 1;
	assert_int_equal(i40e_vfm_init(m, &s->seam, I40E_VFM_DEV_XL710_VF),
			 -ENOMEM);
	assert_int_equal(s->allocs, 0);
	i40e_vfm_destroy(m);
	assert_int_equal(i40e_vfm_init(m, &s->seam, I40E_VFM_DEV_X722_VF), 0);
	assert_int_equal(m->max_ring, 4096);
	i40e_vfm_destroy(m);
	i40e_vfm_destroy(m);
	assert_int_equal(s->allocs, 0);
	sim_fini(s);
	free(s);
	free(m);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tx_tail_ignored),
		T(test_parse_rx),
		T(test_parse_aq),
		T(test_traps),
		T(test_capture_config_order),
		T(test_capture_policies),
		T(test_vc_check_lengths),
		T(test_capture_rejects),
		T(test_capture_atq_wrap_and_stale),
		T(test_capture_atq_moved),
		T(test_rings_follow_pf_rules),
		cmocka_unit_test_setup_teardown(test_rings_x722_limit,
						setup_x722, teardown),
		T(test_dirty_known_pattern),
		T(test_dirty_queue_reconfigured_while_tracking),
		T(test_dirty_buffers_posted_before_config),
		T(test_dirty_failure_fails_save),
		T(test_save_restore_roundtrip),
		T(test_restore_detects_different_config),
		T(test_restore_rss_registers),
		T(test_restore_idle_vf_no_reset),
		T(test_restore_refused_by_pf),
		T(test_restore_needs_whole_stream),
		T(test_stream_rejects),
		T(test_stream_byte_flips),
		T(test_vf_reset_forgets),
		cmocka_unit_test(test_init_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
