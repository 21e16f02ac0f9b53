// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the 82576 VF migration logic
 * (drivers/net/ethernet/intel/igb/igb_vf_mig_*.c) against a simulated VF:
 * rings and buffers in a buffer standing for guest memory, a guest driver
 * that writes registers and mailbox messages as igbvf does, a device that
 * completes descriptors and disables queues on a VF reset, and a PF that
 * answers the mailbox.
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

#include "igb_vf_mig.h"
#include "vf_sim.h"

/* Guest memory layout (device addresses). */
#define RX_RING(q)	(SIM_BASE + 0x0000 + (q) * 0x2000)
#define TX_RING(q)	(SIM_BASE + 0x8000 + (q) * 0x2000)
#define TX_WB(q)	(SIM_BASE + 0xf000 + (q) * 0x40)
#define RX_BUF(i)	(SIM_BASE + 0x100000 + (u64)(i) * 2048)
#define RX_HDR(i)	(SIM_BASE + 0x300000 + (u64)(i) * 256)
#define RX_LEN		64
#define TX_LEN		64
#define SRRCTL_2K	(IGB_VFM_DESCTYPE_ONEBUF | 2)
#define SRRCTL_SPLIT	(IGB_VFM_DESCTYPE_SPLIT_ALWAYS | 2 | (128 << 2))
#define MISC_VEC	2

/* The simulated guest of one VF. */
struct guest {
	struct vf_sim *s;
	struct igb_vfm *m;
	u32 rx_tail;
	u32 rx_head;
	u32 next_buf;
	u32 ev;
};

struct fixture {
	struct vf_sim src_sim, dst_sim;
	struct igb_vfm src, dst;
	struct guest g, h;
};

static int setup_with(void **state, bool trapped)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	sim_init(&f->src_sim);
	sim_init(&f->dst_sim);
	if (igb_vfm_init(&f->src, &f->src_sim.seam, trapped) ||
	    igb_vfm_init(&f->dst, &f->dst_sim.seam, trapped))
		return -1;
	f->g.s = &f->src_sim;
	f->g.m = &f->src;
	f->h.s = &f->dst_sim;
	f->h.m = &f->dst;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, true);
}

static int setup_untrapped(void **state)
{
	return setup_with(state, false);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	igb_vfm_destroy(&f->src);
	igb_vfm_destroy(&f->dst);
	/* Every hold was released, every allocation freed. */
	assert_int_equal(f->src_sim.nr_holds, 0);
	assert_int_equal(f->dst_sim.nr_holds, 0);
	assert_int_equal(f->src_sim.allocs, 0);
	assert_int_equal(f->dst_sim.allocs, 0);
	sim_fini(&f->src_sim);
	sim_fini(&f->dst_sim);
	free(f);
	return 0;
}

static u32 bar(struct guest *g, u32 off)
{
	return g->s->bar[off / 4];
}

/* The device's side of a register write. */
static void device_write(struct guest *g, u32 off, u32 val)
{
	int q;

	if (off == IGB_VFM_CTRL && (val & IGB_VFM_CTRL_RST)) {
		for (q = 0; q < IGB_VFM_QUEUES; q++) {
			g->s->bar[IGB_VFM_RXDCTL(q) / 4] &= ~IGB_VFM_QUEUE_ENABLE;
			g->s->bar[IGB_VFM_TXDCTL(q) / 4] &= ~IGB_VFM_QUEUE_ENABLE;
		}
		return;
	}
	g->s->bar[off / 4] = val;
}

/* The guest writes a register: trapped, passed on, followed. */
static void gw(struct guest *g, u32 off, u32 val)
{
	g->ev |= igb_vfm_bar0_write(g->m, off, val);
	device_write(g, off, val);
	igb_vfm_bar0_written(g->m, off);
}

/* The guest writes a register of a page that is not trapped (TX). */
static void dw(struct guest *g, u32 off, u32 val)
{
	device_write(g, off, val);
}

/* The guest reads a trapped register. */
static u32 gr(struct guest *g, u32 off)
{
	return igb_vfm_bar0_read(g->m, off, bar(g, off));
}

/* A mailbox round trip: the guest sends @words, the PF answers @answer. */
static void mbx(struct guest *g, const u32 *words, u32 n, u32 answer)
{
	u32 i;

	for (i = 0; i < n; i++)
		gw(g, IGB_VFM_MBX_MEM(i), words[i]);
	gw(g, IGB_VFM_MBX_CTL, IGB_VFM_MBX_REQ);
	/* The PF writes its answer into the same words. */
	g->s->bar[IGB_VFM_MBX_MEM(0) / 4] = answer;
	assert_int_equal(gr(g, IGB_VFM_MBX_MEM(0)), answer);
	gw(g, IGB_VFM_MBX_CTL, IGB_VFM_MBX_ACK);
}

static void mbx_ok(struct guest *g, const u32 *words, u32 n)
{
	mbx(g, words, n, words[0] | IGB_VFM_MSG_ACK | IGB_VFM_MSG_CTS);
}

static void msg_reset(struct guest *g)
{
	const u32 w[] = { IGB_VFM_MSG_RESET };

	mbx(g, w, 1, IGB_VFM_MSG_RESET | IGB_VFM_MSG_ACK);
}

static void msg_mc(struct guest *g, u32 n, u16 first)
{
	u32 w[IGB_VFM_MBX_WORDS] = { IGB_VFM_MSG_SET_MULTICAST | n << 16 };
	u32 i;

	for (i = 0; i < n && i < 30; i++)
		w[1 + i / 2] |= (u32)(first + i) << (16 * (i % 2));
	mbx_ok(g, w, IGB_VFM_MBX_WORDS);
}

static void msg_vlan(struct guest *g, u32 vid, bool add, bool ok)
{
	const u32 w[] = { IGB_VFM_MSG_SET_VLAN | (add ? 1 << 16 : 0), vid };

	if (ok)
		mbx_ok(g, w, 2);
	else
		mbx(g, w, 2, w[0] | IGB_VFM_MSG_NACK | IGB_VFM_MSG_CTS);
}

static void msg_lpe(struct guest *g, u32 size)
{
	const u32 w[] = { IGB_VFM_MSG_SET_LPE, size };

	mbx_ok(g, w, 2);
}

static void msg_mac(struct guest *g, u32 info, u8 last)
{
	const u32 w[] = { IGB_VFM_MSG_SET_MAC | info << 16, 0x00000002U,
			  (u32)last << 8 };

	mbx_ok(g, w, 3);
}

/* The guest's ops of a log, oldest first. */
static void expect_log(const struct nic_vf_msglog *log, u32 n, ...)
{
	struct nic_vf_msg msg;
	u32 pos = 0, i = 0;
	va_list ap;

	va_start(ap, n);
	while (nic_vf_msglog_next(log, &pos, &msg)) {
		assert_true(i < n);
		assert_int_equal(msg.opcode, va_arg(ap, u32));
		i++;
	}
	va_end(ap);
	assert_int_equal(i, n);
}

/* RX queue 0 set up as igbvf does, then @n buffers posted. */
static void rx_setup(struct guest *g, u32 srrctl)
{
	gw(g, IGB_VFM_RXDCTL(0), 0);
	gw(g, IGB_VFM_RDBAL(0), (u32)RX_RING(0));
	gw(g, IGB_VFM_RDBAH(0), RX_RING(0) >> 32);
	gw(g, IGB_VFM_RDLEN(0), RX_LEN * IGB_VFM_DESC_SIZE);
	gw(g, IGB_VFM_RDH(0), 0);
	gw(g, IGB_VFM_RDT(0), 0);
	gw(g, IGB_VFM_SRRCTL(0), srrctl);
	gw(g, IGB_VFM_RXDCTL(0), IGB_VFM_QUEUE_ENABLE);
	g->rx_tail = 0;
	g->rx_head = 0;
}

static u8 *desc(struct guest *g, u32 i)
{
	return sim_ptr(g->s, RX_RING(0) + i * IGB_VFM_DESC_SIZE);
}

/* The guest posts @n fresh buffers and writes the tail. */
static void rx_post(struct guest *g, u32 n, bool split)
{
	while (n--) {
		u8 *d = desc(g, g->rx_tail);

		nic_vf_put64(d, RX_BUF(g->next_buf));
		nic_vf_put64(d + 8, split ? RX_HDR(g->next_buf) : 0);
		g->next_buf++;
		g->rx_tail = (g->rx_tail + 1) % RX_LEN;
	}
	gw(g, IGB_VFM_RDT(0), g->rx_tail);
}

/* The device receives a frame into the descriptor at its head: it writes
 * the buffer(s) and the descriptor.  Returns the packet buffer.
 */
static u64 device_rx(struct guest *g)
{
	u8 *d = desc(g, g->rx_head);
	u64 buf = nic_vf_get64(d);

	memset(d, 0, 16);
	d[8] = IGB_VFM_RXD_DD;
	g->rx_head = (g->rx_head + 1) % RX_LEN;
	g->s->bar[IGB_VFM_RDH(0) / 4] = g->rx_head;
	return buf;
}

/* Pages the device wrote that no dirty sync has reported yet. */
struct pending {
	bool page[SIM_PAGES];
};

static void wrote(struct pending *p, u64 iova)
{
	p->page[(iova - SIM_BASE) / SIM_PAGE] = true;
}

/* A dirty sync: what it reports is no longer pending.  Returns the number
 * of pages reported.
 */
static unsigned int sync_pending(struct vf_sim *s, struct pending *p)
{
	static bool dirty[SIM_PAGES];
	unsigned int i, n = sim_sync(s, dirty);

	for (i = 0; i < SIM_PAGES; i++)
		if (dirty[i])
			p->page[i] = false;
	return n;
}

static unsigned int nr_pending(const struct pending *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < SIM_PAGES; i++)
		n += p->page[i];
	return n;
}

/* ---- traps, parsing ---- */

static void test_traps(void **state)
{
	struct nic_vf_trap t[NIC_VF_MAX_TRAPS];

	/* Only the mailbox page: the RX queue page is swapped for memory
	 * while saving (the library's), the TX page is read instead, and
	 * the interrupt page is written on every interrupt.
	 */
	assert_int_equal(igb_vfm_traps(t), 1);
	assert_int_equal(t[0].offset, IGB_VFM_PAGE_MBX);
	assert_int_equal(t[0].len, NIC_VF_TRAP_PAGE);
}

static void test_parse_rx(void **state)
{
	struct igb_vfm_rxq q;
	struct nic_vf_range r[2];
	u8 d[16] = {};

	igb_vfm_rxq_from_srrctl(&q, SRRCTL_2K);
	assert_int_equal(q.buf_len, 2048);
	assert_int_equal(q.hdr_len, 0);
	nic_vf_put64(d, SIM_BASE + 0x1000);
	assert_int_equal(igb_vfm_parse_rx(d, &q, r), 1);
	assert_int_equal(r[0].iova, SIM_BASE + 0x1000);
	assert_int_equal(r[0].len, 2048);
	/* Written back. */
	d[8] = IGB_VFM_RXD_DD;
	assert_int_equal(igb_vfm_parse_rx(d, &q, r), -ENOENT);

	/* Header split: two buffers. */
	igb_vfm_rxq_from_srrctl(&q, SRRCTL_SPLIT);
	assert_int_equal(q.hdr_len, 128);
	nic_vf_put64(d + 8, SIM_BASE + 0x2000);
	assert_int_equal(igb_vfm_parse_rx(d, &q, r), 2);
	assert_int_equal(r[1].iova, SIM_BASE + 0x2000);
	assert_int_equal(r[1].len, 128);
	/* Split without a header size: the largest. */
	igb_vfm_rxq_from_srrctl(&q, IGB_VFM_DESCTYPE_SPLIT);
	assert_int_equal(q.hdr_len, 960);
	/* No packet size: the PF's, at most 16 KiB. */
	igb_vfm_rxq_from_srrctl(&q, IGB_VFM_DESCTYPE_ONEBUF);
	assert_int_equal(q.buf_len, 16384);
	/* Legacy: the status is in byte 12. */
	igb_vfm_rxq_from_srrctl(&q, IGB_VFM_DESCTYPE_LEGACY | 2);
	memset(d + 8, 0, 8);
	d[8] = 0x41;	/* a length byte, not a status */
	assert_int_equal(igb_vfm_parse_rx(d, &q, r), 1);
	d[12] = IGB_VFM_RXD_DD;
	assert_int_equal(igb_vfm_parse_rx(d, &q, r), -ENOENT);
	/* A buffer that wraps the address space. */
	igb_vfm_rxq_from_srrctl(&q, SRRCTL_2K);
	memset(d, 0, 16);
	nic_vf_put64(d, ~0ULL - 100);
	assert_int_equal(igb_vfm_parse_rx(d, &q, r), -EINVAL);
	assert_int_equal(igb_vfm_parse_rx(d, NULL, r), -EINVAL);
}

/* ---- mailbox ---- */

static void test_mbx_lengths_and_checks(void **state)
{
	u8 m[64] = {};

	assert_int_equal(igb_vfm_msg_len(IGB_VFM_MSG_RESET), 4);
	assert_int_equal(igb_vfm_msg_len(IGB_VFM_MSG_SET_MAC), 12);
	assert_int_equal(igb_vfm_msg_len(IGB_VFM_MSG_SET_VLAN), 8);
	assert_int_equal(igb_vfm_msg_len(IGB_VFM_MSG_SET_LPE), 8);
	assert_int_equal(igb_vfm_msg_len(IGB_VFM_MSG_SET_MULTICAST), 4);
	assert_int_equal(igb_vfm_msg_len(IGB_VFM_MSG_SET_MULTICAST | 3 << 16),
			 12);
	/* The PF keeps 30 hashes: 15 words after the first. */
	assert_int_equal(igb_vfm_msg_len(IGB_VFM_MSG_SET_MULTICAST | 99 << 16),
			 64);

	nic_vf_put32(m, IGB_VFM_MSG_RESET);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_RESET, m, 4), 0);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_RESET, m, 8), -EINVAL);
	/* A reset with an argument is not a reset to the PF. */
	nic_vf_put32(m, IGB_VFM_MSG_RESET | 1 << 16);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_RESET, m, 4), -EINVAL);
	/* An answer is not a request. */
	nic_vf_put32(m, IGB_VFM_MSG_SET_LPE | IGB_VFM_MSG_ACK);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_SET_LPE, m, 8), -EINVAL);
	/* The type must be the one announced. */
	nic_vf_put32(m, IGB_VFM_MSG_SET_LPE);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_SET_VLAN, m, 8), -EINVAL);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_SET_LPE, m, 8), 0);

	/* MAC requests: a unicast address, a known argument. */
	nic_vf_put32(m, IGB_VFM_MSG_SET_MAC);
	memcpy(m + 4, "\x02\x00\x00\x00\x00\x05", 6);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_SET_MAC, m, 12), 0);
	nic_vf_put32(m, IGB_VFM_MSG_SET_MAC | 3 << 16);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_SET_MAC, m, 12), -EINVAL);
	nic_vf_put32(m, IGB_VFM_MSG_SET_MAC);
	m[4] = 0x01;
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_SET_MAC, m, 12), -EINVAL);
	/* The 6.1 PF refuses clearing the filters without an address. */
	memset(m + 4, 0, 6);
	nic_vf_put32(m, IGB_VFM_MSG_SET_MAC | 1 << 16);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_SET_MAC, m, 12), -EINVAL);
	/* Types the PF does not handle. */
	nic_vf_put32(m, 7);
	assert_int_equal(igb_vfm_mbx_check(7, m, 4), -EINVAL);
	nic_vf_put32(m, IGB_VFM_MSG_PF_CONTROL);
	assert_int_equal(igb_vfm_mbx_check(IGB_VFM_MSG_PF_CONTROL, m, 4),
			 -EINVAL);
}

static void test_mbx_capture(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;
	struct igb_vfm_summary s;

	/* Nothing before the guest's reset is kept across it. */
	msg_lpe(g, 1000);
	expect_log(&m->cap.log, 1, IGB_VFM_MSG_SET_LPE);
	msg_reset(g);
	expect_log(&m->cap.log, 0);

	msg_mc(g, 3, 0x100);
	msg_mac(g, IGB_VFM_MAC_FILTER_ADD, 1);
	msg_mac(g, IGB_VFM_MAC_FILTER_ADD, 2);
	msg_vlan(g, 10, true, true);
	msg_vlan(g, 11, true, true);
	msg_vlan(g, 10, false, true);		/* latest per VLAN ID */
	msg_vlan(g, 12, true, false);		/* refused by the PF */
	msg_lpe(g, 1522);
	msg_mc(g, 2, 0x200);			/* the whole list again */
	msg_lpe(g, 2022);
	expect_log(&m->cap.log, 6, IGB_VFM_MSG_SET_MAC, IGB_VFM_MSG_SET_MAC,
		   IGB_VFM_MSG_SET_VLAN, IGB_VFM_MSG_SET_VLAN,
		   IGB_VFM_MSG_SET_MULTICAST, IGB_VFM_MSG_SET_LPE);
	assert_int_equal(m->cap.stats.refused, 1);
	assert_int_equal(m->stats.mbx_requests, 12);
	assert_int_equal(m->stats.mbx_answers, 12);

	/* Clearing the unicast filters forgets both. */
	msg_mac(g, IGB_VFM_MAC_FILTER_CLEAR, 9);
	expect_log(&m->cap.log, 4, IGB_VFM_MSG_SET_VLAN, IGB_VFM_MSG_SET_VLAN,
		   IGB_VFM_MSG_SET_MULTICAST, IGB_VFM_MSG_SET_LPE);
	msg_mac(g, IGB_VFM_MAC_PRIMARY, 7);

	assert_int_equal(igb_vfm_summarize(&m->cap.log, &s), 0);
	assert_int_equal(s.mc_count, 2);
	assert_int_equal(s.nr_vlan, 1);
	assert_int_equal(s.lpe, 2022);
	assert_int_equal(s.nr_uc, 0);
	assert_true(s.mac_set);
	assert_int_equal(s.mac[5], 7);
	assert_int_equal(m->cap.log.flags, 0);
}

static void test_mbx_answers(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;
	const u32 lpe[] = { IGB_VFM_MSG_SET_LPE, 1522 };
	const u32 vlan[] = { IGB_VFM_MSG_SET_VLAN | 1 << 16, 5 };

	msg_lpe(g, 3000);
	/* A reset answered "no MAC yet" still resets the configuration. */
	mbx(g, (const u32[]){ IGB_VFM_MSG_RESET }, 1,
	    IGB_VFM_MSG_RESET | IGB_VFM_MSG_NACK);
	expect_log(&m->cap.log, 0);

	/* The PF's own message is no answer: the request still waits. */
	gw(g, IGB_VFM_MBX_MEM(0), lpe[0]);
	gw(g, IGB_VFM_MBX_MEM(1), lpe[1]);
	gw(g, IGB_VFM_MBX_CTL, IGB_VFM_MBX_REQ);
	g->s->bar[IGB_VFM_MBX_MEM(0) / 4] = IGB_VFM_MSG_PF_CONTROL |
					      IGB_VFM_MSG_CTS;
	gw(g, IGB_VFM_MBX_CTL, IGB_VFM_MBX_ACK);
	assert_true(m->cap.req_pending);
	/* Nor is an answer to another type. */
	g->s->bar[IGB_VFM_MBX_MEM(0) / 4] = IGB_VFM_MSG_SET_VLAN |
					      IGB_VFM_MSG_ACK;
	gw(g, IGB_VFM_MBX_CTL, IGB_VFM_MBX_ACK);
	assert_true(m->cap.req_pending);
	/* A new request before the answer: the old one's fate is unknown. */
	mbx_ok(g, vlan, 2);
	assert_int_equal(m->cap.stats.unanswered, 1);
	assert_true(m->cap.log.flags & NIC_VF_LOG_INCOMPLETE);
	expect_log(&m->cap.log, 1, IGB_VFM_MSG_SET_VLAN);
	/* The next reset starts a complete log again. */
	msg_reset(g);
	assert_int_equal(m->cap.log.flags, 0);

	/* A malformed request never waits: its answer changes nothing. */
	mbx(g, (const u32[]){ 0x7 }, 1, 0x7 | IGB_VFM_MSG_NACK);
	assert_false(m->cap.req_pending);
	assert_int_equal(m->cap.stats.malformed, 1);
	expect_log(&m->cap.log, 0);
}

static void test_guest_reset_forgets(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;

	msg_reset(g);
	msg_lpe(g, 1522);
	rx_setup(g, SRRCTL_2K);
	assert_int_equal(m->rings[IGB_VFM_RING_RX(0)].len, RX_LEN);
	gw(g, IGB_VFM_CTRL, IGB_VFM_CTRL_RST);
	assert_true(g->ev & IGB_VFM_EV_GUEST_RESET);
	assert_int_equal(m->stats.guest_resets, 1);
	assert_int_equal(m->rings[IGB_VFM_RING_RX(0)].len, 0);
	expect_log(&m->cap.log, 0);
}

/* ---- dirty tracking ---- */

static void test_rx_precise(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;
	static struct pending p;
	unsigned int i, n, most = 0;

	memset(&p, 0, sizeof(p));
	rx_setup(g, SRRCTL_2K);
	rx_post(g, RX_LEN - 1, false);
	/* Not saving: nothing is held, marked or read. */
	assert_int_equal(g->s->nr_holds, 0);
	assert_int_equal(g->s->dma_reads, 0);

	assert_int_equal(igb_vfm_saving_begin(m), 0);
	assert_int_equal(m->trk.mode, NIC_VF_TRACK_PRECISE);
	/* The ring is held; posted buffers nobody wrote are not reported. */
	assert_true(sim_page_held(g->s, RX_RING(0)));
	sim_sync(g->s, NULL);
	assert_int_equal(sim_sync(g->s, NULL), 1);

	/* Traffic: the device writes, the guest takes the frame and posts a
	 * new buffer; syncs now and then.  Each sync reports little more
	 * than the frames received since the last one.
	 */
	for (i = 0; i < 3 * RX_LEN; i++) {
		wrote(&p, device_rx(g));
		wrote(&p, RX_RING(0));
		if (i % 5 == 4)
			rx_post(g, 5, false);
		if (i % 10 == 9) {
			n = sync_pending(g->s, &p);
			most = n > most ? n : most;
		}
	}
	assert_true(most <= 10);
	/* Written and not yet re-posted: still unreported... */
	wrote(&p, device_rx(g));
	wrote(&p, device_rx(g));
	sync_pending(g->s, &p);
	assert_true(nr_pending(&p) >= 1);
	/* ...until the device is quiesced. */
	igb_vfm_stop(m);
	sync_pending(g->s, &p);
	assert_int_equal(nr_pending(&p), 0);
	assert_int_equal(m->trk.lost, 0);
	assert_true(m->trk.stats.marks > 3 * RX_LEN);

	igb_vfm_saving_end(m);
	assert_int_equal(g->s->nr_holds, 0);
	assert_int_equal(g->s->bad_releases, 0);
}

static u64 page_of(u64 iova)
{
	return (iova - SIM_BASE) / SIM_PAGE;
}

/* A queue that does not stop at once: its enable bit reads back set. */
static void rxq_keeps_running(struct vf_sim *s, u32 off, void *arg)
{
	if (off == IGB_VFM_RXDCTL(0))
		s->bar[off / 4] |= IGB_VFM_QUEUE_ENABLE;
}

/* At the stop, only what the device handed back and the guest has not
 * re-posted is reported, unless the device's head cannot be trusted.
 */
static void test_rx_stop_reports_handed_back(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;
	static bool dirty[SIM_PAGES];
	u64 marks, b[3];
	int round, i;

	for (round = 0; round < 3; round++) {
		g->next_buf = 0;
		rx_setup(g, SRRCTL_2K);
		rx_post(g, RX_LEN - 1, false);
		assert_int_equal(igb_vfm_saving_begin(m), 0);
		sim_sync(g->s, NULL);
		sim_sync(g->s, NULL);
		for (i = 0; i < 3; i++)
			b[i] = device_rx(g);
		if (round == 1)
			g->s->bar[IGB_VFM_RDH(0) / 4] = RX_LEN + 3;
		if (round == 2)
			g->s->write_hook = rxq_keeps_running;
		marks = m->trk.stats.marks;
		igb_vfm_stop(m);
		g->s->write_hook = NULL;
		sim_sync(g->s, dirty);
		for (i = 0; i < 3; i++)
			assert_true(dirty[page_of(b[i])]);
		if (round) {
			/* Every recorded buffer: the slot left empty has none. */
			assert_int_equal(m->trk.stats.marks - marks, RX_LEN - 1);
			assert_true(dirty[page_of(RX_BUF(RX_LEN - 2))]);
		} else {
			/* Slots 0..2; RX_LEN - 1 was never posted. */
			assert_int_equal(m->trk.stats.marks - marks, 3);
			assert_false(dirty[page_of(RX_BUF(4))]);
			assert_false(dirty[page_of(RX_BUF(RX_LEN - 2))]);
		}
		assert_int_equal(m->trk.lost, 0);
		igb_vfm_resume(m);
		igb_vfm_saving_end(m);
		assert_int_equal(g->s->nr_holds, 0);
	}
}

static void test_rx_split_and_reconfigure(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;
	static struct pending p;
	u64 buf;

	memset(&p, 0, sizeof(p));
	rx_setup(g, SRRCTL_2K);
	rx_post(g, 8, false);
	assert_int_equal(igb_vfm_saving_begin(m), 0);
	sim_sync(g->s, NULL);
	wrote(&p, device_rx(g));

	/* The guest resets its queue with header split (igbvf's jumbo
	 * frames) and posts while we are saving: what the old ring may have
	 * received is reported.
	 */
	g->next_buf = 100;
	rx_setup(g, SRRCTL_SPLIT);
	assert_int_equal(m->rxq[0].hdr_len, 128);
	sync_pending(g->s, &p);
	assert_int_equal(nr_pending(&p), 0);
	rx_post(g, 8, true);
	/* Both buffers of a descriptor are reported once it is re-posted. */
	buf = device_rx(g);
	wrote(&p, buf);
	wrote(&p, RX_HDR(100));
	g->rx_tail = 0;
	g->next_buf = 200;
	rx_post(g, 1, true);
	sync_pending(g->s, &p);
	assert_int_equal(nr_pending(&p), 0);
	/* Disabled while saving: all it may have received is reported. */
	wrote(&p, device_rx(g));
	wrote(&p, RX_HDR(101));
	gw(g, IGB_VFM_RXDCTL(0), 0);
	assert_false(sim_page_held(g->s, RX_RING(0)));
	sync_pending(g->s, &p);
	assert_int_equal(nr_pending(&p), 0);
	igb_vfm_saving_end(m);
}

static void test_tx_ring_and_head_writeback(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;
	unsigned int reads;

	/* The TX page is not trapped: the device alone sees these. */
	dw(g, IGB_VFM_TDBAL(1), (u32)TX_RING(1));
	dw(g, IGB_VFM_TDBAH(1), 0);
	dw(g, IGB_VFM_TDLEN(1), TX_LEN * IGB_VFM_DESC_SIZE);
	dw(g, IGB_VFM_TDWBAL(1), (u32)TX_WB(1) | IGB_VFM_TDWBAL_EN);
	dw(g, IGB_VFM_TXDCTL(1), IGB_VFM_QUEUE_ENABLE);
	assert_int_equal(m->rings[IGB_VFM_RING_TX(1)].len, 0);
	/* Saving reads the TX queues from the device. */
	assert_int_equal(igb_vfm_saving_begin(m), 0);
	assert_int_equal(m->rings[IGB_VFM_RING_TX(1)].len, TX_LEN);
	assert_true(sim_page_held(g->s, TX_RING(1)));
	assert_true(sim_page_held(g->s, TX_WB(1)));
	/* TX tails tell nothing: the device only reads TX buffers. */
	reads = g->s->dma_reads;
	dw(g, IGB_VFM_TDT(1), 5);
	igb_vfm_sync_tx(m);
	assert_int_equal(g->s->dma_reads, reads);
	assert_int_equal(m->stats.tail_writes, 0);
	/* Head write-back off, ring moved: seen at the next sync point. */
	dw(g, IGB_VFM_TDWBAL(1), 0);
	dw(g, IGB_VFM_TDBAL(1), (u32)TX_RING(0));
	assert_true(sim_page_held(g->s, TX_WB(1)));
	assert_false(sim_page_held(g->s, TX_RING(0)));
	igb_vfm_sync_tx(m);
	assert_false(sim_page_held(g->s, TX_WB(1)));
	assert_false(sim_page_held(g->s, TX_RING(1)));
	assert_true(sim_page_held(g->s, TX_RING(0)));
	/* After the quiesce the ring stays held for the final sync, though
	 * the device's queue is now disabled.
	 */
	assert_true(igb_vfm_stop(m));
	igb_vfm_sync_tx(m);
	assert_true(sim_page_held(g->s, TX_RING(0)));
	igb_vfm_resume(m);
	/* The guest turns the queue off: released at the next sync point. */
	dw(g, IGB_VFM_TXDCTL(1), 0);
	igb_vfm_sync_tx(m);
	assert_false(sim_page_held(g->s, TX_RING(0)));
	igb_vfm_saving_end(m);
}

/* A guest sets its TX queues up before its RX queues: an RX queue's
 * set-up, which is trapped, also reads the TX queues.
 */
static void test_tx_followed_by_rx_setup(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;

	assert_int_equal(igb_vfm_saving_begin(m), 0);
	dw(g, IGB_VFM_TDBAL(0), (u32)TX_RING(0));
	dw(g, IGB_VFM_TDLEN(0), TX_LEN * IGB_VFM_DESC_SIZE);
	dw(g, IGB_VFM_TXDCTL(0), IGB_VFM_QUEUE_ENABLE);
	assert_false(sim_page_held(g->s, TX_RING(0)));
	rx_setup(g, SRRCTL_2K);
	assert_true(sim_page_held(g->s, TX_RING(0)));
	igb_vfm_saving_end(m);
}

static void test_untrapped_is_conservative(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;

	rx_setup(g, SRRCTL_2K);
	rx_post(g, 8, false);
	assert_int_equal(igb_vfm_saving_begin(m), 0);
	/* Nothing is held or marked: the IOMMU reports all memory dirty. */
	assert_int_equal(m->trk.mode, NIC_VF_TRACK_CONSERVATIVE);
	assert_int_equal(g->s->nr_holds, 0);
	assert_int_equal(g->s->marks, 0);
	igb_vfm_saving_end(m);
}

static void test_hold_failure_fails_save(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;
	u8 buf[IGB_VFM_MAX_STATE];

	rx_setup(g, SRRCTL_2K);
	rx_post(g, 8, false);
	g->s->fail_hold = -ENOMEM;
	assert_int_equal(igb_vfm_saving_begin(m), -ENOMEM);
	igb_vfm_stop(m);
	assert_int_equal(nic_vf_state_save(&m->st, buf, sizeof(buf)), -EIO);
	igb_vfm_saving_end(m);
}

/* ---- stop, save, load, restore ---- */

/* A guest that configured its VF as igbvf does. */
static void guest_up(struct guest *g, u32 lpe)
{
	msg_reset(g);
	msg_mc(g, 2, 0x30);
	msg_vlan(g, 7, true, true);
	gw(g, IGB_VFM_EITR(0), 0x190);
	gw(g, IGB_VFM_IVAR0, 0x8180);
	gw(g, IGB_VFM_IVAR_MISC, IGB_VFM_IVAR_VALID | MISC_VEC);
	g->s->bar[IGB_VFM_EIAC / 4] = IGB_VFM_EIMS_ALL;
	g->s->bar[IGB_VFM_EIMS / 4] = IGB_VFM_EIMS_ALL;
	dw(g, IGB_VFM_TDBAL(0), (u32)TX_RING(0));
	dw(g, IGB_VFM_TDLEN(0), TX_LEN * IGB_VFM_DESC_SIZE);
	dw(g, IGB_VFM_TXDCTL(0), IGB_VFM_QUEUE_ENABLE);
	rx_setup(g, SRRCTL_2K);
	msg_lpe(g, lpe);
	rx_post(g, RX_LEN - 1, false);
}

struct stream {
	u8 chunk[3][4096];
	ssize_t len[3];
};

static void save_all(struct igb_vfm *m, struct stream *st)
{
	int i;

	for (i = 0; i < 3; i++) {
		st->len[i] = nic_vf_state_save(&m->st, st->chunk[i],
					       sizeof(st->chunk[i]));
		assert_true(st->len[i] > NIC_VF_CHUNK_HDR);
	}
	assert_int_equal(nic_vf_state_save(&m->st, st->chunk[0], 4096), 0);
}

/* The three chunks, after a load_begin (and a pre-copy part) or not. */
static int load_chunks(struct igb_vfm *m, const struct stream *st)
{
	int i, ret;

	for (i = 0; i < 3; i++) {
		ret = nic_vf_state_load(&m->st, st->chunk[i], st->len[i],
					IGB_VFM_STATE_VERSION);
		if (ret)
			return ret;
	}
	return 0;
}

static int load_all(struct igb_vfm *m, const struct stream *st)
{
	nic_vf_state_load_begin(&m->st);
	return load_chunks(m, st);
}

static void test_stop_and_resume(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g;
	struct igb_vfm *m = g->m;

	guest_up(g, 1522);
	assert_true(igb_vfm_stop(m));
	/* The queues are off, heads and tails untouched. */
	assert_false(bar(g, IGB_VFM_RXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	assert_false(bar(g, IGB_VFM_TXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	assert_int_equal(bar(g, IGB_VFM_RDT(0)), RX_LEN - 1);
	/* The state says they were on. */
	assert_true(m->st.flags & IGB_VFM_REGS_ACTIVE);
	/* A cancelled migration: they run on. */
	igb_vfm_resume(m);
	assert_true(bar(g, IGB_VFM_RXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	assert_true(bar(g, IGB_VFM_TXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	assert_false(igb_vfm_stop(&f->dst));
}

static void test_migrate_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g, *h = &f->h;
	struct nic_vf_admin_result res;
	struct stream st;
	int reset, ivar;

	f->src_sim.pf.mac[0] = 0x02;
	f->src_sim.pf.mac[5] = 0x10;
	f->src_sim.pf.vlan = 5;
	f->src_sim.pf.vlan_proto = NIC_VF_VLAN_PROTO_8021Q;
	guest_up(g, 2022);
	assert_int_equal(igb_vfm_saving_begin(g->m), 0);
	igb_vfm_stop(g->m);
	save_all(g->m, &st);
	igb_vfm_saving_end(g->m);

	/* The operator's choice (guest_reset=1): the guest is told. */
	h->m->guest_reset = true;
	assert_int_equal(load_all(h->m, &st), 0);
	f->dst_sim.nr_events = 0;
	/* Verified at load (the default policy): a restore sets nothing. */
	assert_int_equal(igb_vfm_restore(h->m, true, &res), 0);
	assert_int_equal(res.applied, 0);
	assert_false(h->m->resumed);
	assert_int_equal(h->m->resume_err, -EPERM);
	assert_int_equal(h->m->stats.replayed, 0);
	assert_int_equal(f->dst_sim.pf.vlan, 0);
	assert_int_equal(load_all(h->m, &st), 0);
	f->dst_sim.nr_events = 0;
	h->m->st.apply_admin = true;
	assert_int_equal(igb_vfm_restore(h->m, true, &res), 0);
	/* The administrator's settings first, then the reset, then the
	 * interrupt registers, then the mailbox interrupt.
	 */
	assert_true(res.applied & BIT(NIC_VF_ADMIN_MAC));
	assert_true(res.applied & BIT(NIC_VF_ADMIN_VLAN));
	assert_int_equal(f->dst_sim.pf.vlan, 5);
	assert_int_equal(f->dst_sim.pf.mac[5], 0x10);
	reset = sim_event_index(&f->dst_sim, SIM_EV_RESET);
	ivar = sim_event_index(&f->dst_sim, SIM_EV_REG(IGB_VFM_IVAR_MISC));
	assert_true(sim_event_index(&f->dst_sim,
				    SIM_EV_SET(NIC_VF_ADMIN_VLAN)) < reset);
	assert_true(reset >= 0 && reset < ivar);
	assert_true(ivar < sim_event_index(&f->dst_sim, SIM_EV_REG(IGB_VFM_EIMS)));
	assert_true(sim_event_index(&f->dst_sim, SIM_EV_REG(IGB_VFM_EIMS)) <
		    sim_event_index(&f->dst_sim, SIM_EV_REG(IGB_VFM_EICS)));
	assert_int_equal(bar(h, IGB_VFM_EICS), BIT(MISC_VEC));
	assert_int_equal(bar(h, IGB_VFM_IVAR0), 0x8180);
	assert_int_equal(bar(h, IGB_VFM_EITR(0)), 0x190);
	/* No queue register is written: the guest sets them up again. */
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_REG(IGB_VFM_RXDCTL(0))), 0);

	/* The guest reads "reset done" once, and a refusal once. */
	assert_int_equal(gr(h, IGB_VFM_MBX_CTL), IGB_VFM_MBX_RSTD);
	assert_int_equal(gr(h, IGB_VFM_MBX_CTL), 0);
	h->s->bar[IGB_VFM_MBX_MEM(0) / 4] = IGB_VFM_MSG_SET_LPE |
					      IGB_VFM_MSG_ACK;
	assert_int_equal(gr(h, IGB_VFM_MBX_MEM(0)), IGB_VFM_MSG_NACK);
	assert_int_equal(gr(h, IGB_VFM_MBX_MEM(0)),
			 IGB_VFM_MSG_SET_LPE | IGB_VFM_MSG_ACK);
	assert_int_equal(h->m->stats.indications, 1);

	/* igbvf resets and sends its configuration again. */
	assert_true(h->m->cap.verify_pending);
	gw(h, IGB_VFM_CTRL, IGB_VFM_CTRL_RST);
	h->ev = 0;
	guest_up(h, 1522);
	assert_false(h->ev & IGB_VFM_EV_VERIFIED);
	assert_true(h->m->cap.verify_diff & IGB_VFM_DIFF_LPE);
	msg_lpe(h, 2022);
	assert_true(h->ev & IGB_VFM_EV_VERIFIED);
	assert_false(h->m->cap.verify_pending);
	assert_int_equal(h->m->cap.verify_diff, 0);
}

/* Pre-copy: the settings and the VF reset before the switch-over, once. */
static void test_precopy_prepares(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g, *h = &f->h;
	struct nic_vf_admin_result res;
	struct stream st;
	u8 pre[512];
	ssize_t n;

	f->src_sim.pf.vlan = 7;
	f->src_sim.pf.vlan_proto = NIC_VF_VLAN_PROTO_8021Q;
	guest_up(g, 1522);
	assert_int_equal(igb_vfm_saving_begin(g->m), 0);
	n = igb_vfm_save_precopy(g->m, pre, sizeof(pre));
	assert_true(n > NIC_VF_CHUNK_HDR);
	assert_int_equal(igb_vfm_save_precopy(g->m, pre, sizeof(pre)), 0);
	igb_vfm_stop(g->m);
	save_all(g->m, &st);

	h->m->guest_reset = true;
	nic_vf_state_load_begin(&h->m->st);
	h->m->st.apply_admin = true;
	assert_int_equal(igb_vfm_load_precopy(h->m, pre, n,
					      IGB_VFM_STATE_VERSION), 0);
	/* One part, of this format only. */
	assert_int_equal(igb_vfm_load_precopy(h->m, pre, n,
					      IGB_VFM_STATE_VERSION), -EINVAL);
	f->dst_sim.nr_events = 0;
	assert_int_equal(igb_vfm_prepare(h->m, &res), 0);
	assert_true(res.applied & BIT(NIC_VF_ADMIN_VLAN));
	assert_int_equal(f->dst_sim.pf.vlan, 7);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 1);

	/* The switch-over: neither again; the guest is still told. */
	assert_int_equal(load_chunks(h->m, &st), 0);
	f->dst_sim.nr_events = 0;
	assert_int_equal(igb_vfm_restore(h->m, true, &res), 0);
	assert_int_equal(res.applied, 0);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 0);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_SET(NIC_VF_ADMIN_VLAN)), 0);
	assert_int_equal(gr(h, IGB_VFM_MBX_CTL), IGB_VFM_MBX_RSTD);

	/* Settings changed after the part: the switch-over sets them and
	 * resets again.
	 */
	nic_vf_state_load_begin(&h->m->st);
	h->m->st.apply_admin = true;
	assert_int_equal(igb_vfm_load_precopy(h->m, pre, n,
					      IGB_VFM_STATE_VERSION), 0);
	assert_int_equal(igb_vfm_prepare(h->m, &res), 0);
	igb_vfm_resume(g->m);
	igb_vfm_saving_end(g->m);
	f->src_sim.pf.vlan = 9;
	assert_int_equal(igb_vfm_saving_begin(g->m), 0);
	igb_vfm_stop(g->m);
	save_all(g->m, &st);
	assert_int_equal(load_chunks(h->m, &st), 0);
	f->dst_sim.nr_events = 0;
	assert_int_equal(igb_vfm_restore(h->m, true, &res), 0);
	assert_true(res.applied & BIT(NIC_VF_ADMIN_VLAN));
	assert_int_equal(f->dst_sim.pf.vlan, 9);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 1);

	/* The verify policy, settings changed after the part (the operator
	 * changed the destination VF to match): the reset is done again.
	 */
	nic_vf_state_load_begin(&h->m->st);
	h->m->st.apply_admin = false;
	assert_int_equal(igb_vfm_load_precopy(h->m, pre, n,
					      IGB_VFM_STATE_VERSION), 0);
	assert_int_equal(igb_vfm_prepare(h->m, &res), 0);
	assert_int_equal(load_chunks(h->m, &st), 0);
	f->dst_sim.nr_events = 0;
	assert_int_equal(igb_vfm_restore(h->m, true, &res), 0);
	assert_int_equal(res.applied, 0);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 1);

	/* The VF in P2P: the restore raises no interrupt. */
	nic_vf_state_load_begin(&h->m->st);
	assert_int_equal(load_chunks(h->m, &st), 0);
	f->dst_sim.nr_events = 0;
	assert_int_equal(igb_vfm_restore(h->m, false, &res), 0);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_REG(IGB_VFM_EICS)), 0);
	assert_true(igb_vfm_kick(h->m));
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_REG(IGB_VFM_EICS)), 1);

	/* A part with a reserved bit set is refused. */
	nic_vf_state_load_begin(&h->m->st);
	pre[NIC_VF_CHUNK_HDR + 4] = 1;
	assert_int_equal(igb_vfm_load_precopy(h->m, pre, n,
					      IGB_VFM_STATE_VERSION), -EINVAL);
}

/*
 * The destination PF on the VF's mailbox, as the 6.1 igb PF answers: on
 * REQ it takes the message, acknowledges it and answers in the same
 * words, with "clear to send" once the VF said it was reset.
 */
struct sim_pf_mbx {
	u32 got[64];		/* first words received, in order */
	unsigned int n;
	u32 refuse;		/* BIT(type): answered with NACK */
	bool silent;		/* never answers */
	bool no_cts;		/* never says "clear to send" */
	bool cts;
	bool head_lost;		/* RX head writes do not hold */
	bool busy;		/* the VF never gets the buffer (VFU) */
	u32 src_log_flags;	/* NIC_VF_LOG_* of the source's log */
};

static void pf_mbx_hook(struct vf_sim *s, u32 off, void *arg)
{
	struct sim_pf_mbx *pf = arg;
	u32 *ctl = &s->bar[IGB_VFM_MBX_CTL / 4];
	u32 w0, type;

	if (off == IGB_VFM_RDH(0) && pf->head_lost)
		s->bar[off / 4] = 0;
	if (off == IGB_VFM_MBX_CTL && pf->busy)
		*ctl &= ~IGB_VFM_MBX_VFU;
	if (off != IGB_VFM_MBX_CTL || !(*ctl & IGB_VFM_MBX_REQ))
		return;
	*ctl &= ~IGB_VFM_MBX_REQ;
	if (pf->silent)
		return;
	w0 = s->bar[IGB_VFM_MBX_MEM(0) / 4];
	type = w0 & IGB_VFM_MSG_TYPE;
	assert_true(pf->n < ARRAY_SIZE(pf->got));
	pf->got[pf->n++] = w0;
	if (type == IGB_VFM_MSG_RESET) {
		pf->cts = true;
		w0 |= IGB_VFM_MSG_ACK;
	} else {
		w0 |= pf->refuse & BIT(type) ? IGB_VFM_MSG_NACK :
					       IGB_VFM_MSG_ACK;
		if (pf->cts && !pf->no_cts)
			w0 |= IGB_VFM_MSG_CTS;
	}
	s->bar[IGB_VFM_MBX_MEM(0) / 4] = w0;
	*ctl |= IGB_VFM_MBX_PFACK | IGB_VFM_MBX_PFSTS;
}

/* A source that stopped with traffic flowing, and its stream loaded on
 * the destination, whose PF answers through @pf.  The source's log
 * carries @pf->src_log_flags (a log that overflowed or holds a message
 * the capture did not understand).
 */
static void resume_setup(struct fixture *f, struct sim_pf_mbx *pf,
			 struct stream *st)
{
	struct guest *g = &f->g, *h = &f->h;

	guest_up(g, 2022);
	device_rx(g);
	device_rx(g);
	device_rx(g);
	g->m->cap.log.flags |= pf->src_log_flags;
	assert_int_equal(igb_vfm_saving_begin(g->m), 0);
	igb_vfm_stop(g->m);
	save_all(g->m, st);
	igb_vfm_saving_end(g->m);
	f->dst_sim.write_hook = pf_mbx_hook;
	f->dst_sim.hook_arg = pf;
	assert_int_equal(load_all(h->m, st), 0);
	f->dst_sim.nr_events = 0;
}

/* The guest's VF comes back as it was: no reset for the guest to see. */
static void test_restore_resumes(void **state)
{
	struct fixture *f = *state;
	struct guest *g = &f->g, *h = &f->h;
	struct sim_pf_mbx pf = {};
	struct stream st;
	struct nic_vf_msg msg;
	u32 pos = 0, i = 1, q;

	resume_setup(f, &pf, &st);
	assert_int_equal(igb_vfm_restore(h->m, true, NULL), 0);
	assert_true(h->m->resumed);
	assert_int_equal(h->m->resume_err, 0);
	/* The reset message, then the source's log in order. */
	assert_int_equal(pf.got[0], IGB_VFM_MSG_RESET);
	while (nic_vf_msglog_next(&g->m->cap.log, &pos, &msg))
		assert_int_equal(pf.got[i++], nic_vf_get32(msg.data));
	assert_int_equal(pf.n, i);
	assert_int_equal(h->m->stats.replayed, i);
	/* Logged again as the guest's, equal to the source's. */
	expect_log(&h->m->cap.log, 3, IGB_VFM_MSG_SET_MULTICAST,
		   IGB_VFM_MSG_SET_VLAN, IGB_VFM_MSG_SET_LPE);
	assert_false(h->m->cap.verify_pending);
	/* Rings, heads and tails as the source had them, queues on. */
	for (q = IGB_VFM_RDBAL(0); q <= IGB_VFM_RDH(0); q += 4)
		assert_int_equal(bar(h, q), bar(g, q));
	assert_int_not_equal(bar(h, IGB_VFM_RDH(0)), 0);
	assert_int_equal(bar(h, IGB_VFM_RDT(0)), bar(g, IGB_VFM_RDT(0)));
	assert_int_equal(bar(h, IGB_VFM_TDBAL(0)), bar(g, IGB_VFM_TDBAL(0)));
	assert_int_equal(bar(h, IGB_VFM_TDLEN(0)), bar(g, IGB_VFM_TDLEN(0)));
	assert_true(bar(h, IGB_VFM_RXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	assert_true(bar(h, IGB_VFM_TXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	/* The head was written while the queue was off. */
	assert_true(sim_event_index(&f->dst_sim, SIM_EV_REG(IGB_VFM_RDH(0))) <
		    sim_event_index(&f->dst_sim, SIM_EV_REG(IGB_VFM_RXDCTL(0))));
	/* The tracker follows the ring the device uses. */
	assert_int_equal(h->m->rings[IGB_VFM_RING_RX(0)].len, RX_LEN);
	assert_int_equal(h->m->rings[IGB_VFM_RING_RX(0)].tail,
			 bar(g, IGB_VFM_RDT(0)));
	/* Nothing tells the guest of a reset, nothing kicks it. */
	assert_false(h->m->rstd_pending);
	assert_false(igb_vfm_kick(h->m));
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_REG(IGB_VFM_EICS)), 0);
	h->s->bar[IGB_VFM_MBX_CTL / 4] = 0;
	assert_int_equal(gr(h, IGB_VFM_MBX_CTL), 0);
	assert_true(gr(h, IGB_VFM_MBX_MEM(0)) & IGB_VFM_MSG_CTS);
	assert_int_equal(h->m->stats.indications, 0);
	/* Migrating on from here: the resumed ring is tracked at once. */
	assert_int_equal(igb_vfm_saving_begin(h->m), 0);
	assert_true(sim_page_held(h->s, RX_RING(0)));
	assert_true(sim_page_held(h->s, TX_RING(0)));
	igb_vfm_saving_end(h->m);
}

/* In P2P the queues stay off until it ends. */
static void test_restore_resumes_in_p2p(void **state)
{
	struct fixture *f = *state;
	struct guest *h = &f->h;
	struct sim_pf_mbx pf = {};
	struct stream st;

	resume_setup(f, &pf, &st);
	assert_int_equal(igb_vfm_restore(h->m, false, NULL), 0);
	assert_true(h->m->resumed);
	assert_false(bar(h, IGB_VFM_RXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	assert_false(bar(h, IGB_VFM_TXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	igb_vfm_resume(h->m);
	assert_true(bar(h, IGB_VFM_RXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
	assert_true(bar(h, IGB_VFM_TXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
}

/* Any doubt: the guest is told of a reset and sets its VF up itself. */
static void test_restore_resume_falls_back(void **state)
{
	static const struct {
		const char *what;
		struct sim_pf_mbx pf;
		int err;
	} cases[] = {
		{ "a refused message", { .refuse = BIT(IGB_VFM_MSG_SET_LPE) },
		  -EPROTO },
		{ "a PF that never answers", { .silent = true }, -ETIMEDOUT },
		{ "no clear-to-send at the end", { .no_cts = true }, -EPROTO },
		{ "a head that does not hold", { .head_lost = true }, -EIO },
		{ "a mailbox the VF never gets", { .busy = true }, -EBUSY },
		{ "a source log that overflowed",
		  { .src_log_flags = NIC_VF_LOG_OVERFLOW }, -EOPNOTSUPP },
		{ "a source message not understood",
		  { .src_log_flags = NIC_VF_LOG_INCOMPLETE }, -EOPNOTSUPP },
	};
	struct fixture *f = *state;
	struct guest *h = &f->h;
	unsigned int i;
	u64 kicks;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sim_pf_mbx pf = cases[i].pf;
		struct stream st;

		print_message("case: %s\n", cases[i].what);
		resume_setup(f, &pf, &st);
		/* The kick is counted, not found in the events: a busy
		 * mailbox's polls fill the simulation's event log.
		 */
		kicks = h->m->stats.kicks;
		h->s->bar[IGB_VFM_EICS / 4] = 0;
		assert_int_equal(igb_vfm_restore(h->m, true, NULL), 0);
		assert_false(h->m->resumed);
		assert_int_equal(h->m->resume_err, cases[i].err);
		/* Queues off, log empty, the guest told and kicked. */
		assert_false(bar(h, IGB_VFM_RXDCTL(0)) & IGB_VFM_QUEUE_ENABLE);
		assert_int_equal(h->m->rings[IGB_VFM_RING_RX(0)].len, 0);
		assert_int_equal(h->m->cap.log.nr, 0);
		/* A source log that is not whole cannot be checked against. */
		assert_int_equal(h->m->cap.verify_pending, !pf.src_log_flags);
		assert_true(h->m->rstd_pending);
		assert_int_equal(h->m->stats.kicks, kicks + 1);
		assert_int_not_equal(bar(h, IGB_VFM_EICS), 0);
		h->s->bar[IGB_VFM_MBX_CTL / 4] = 0;
		assert_int_equal(gr(h, IGB_VFM_MBX_CTL), IGB_VFM_MBX_RSTD);
		/* Next case from a clean source and destination. */
		gw(&f->g, IGB_VFM_CTRL, IGB_VFM_CTRL_RST);
		gw(h, IGB_VFM_CTRL, IGB_VFM_CTRL_RST);
		f->dst_sim.write_hook = NULL;
	}
}

static void test_restore_without_guest(void **state)
{
	struct fixture *f = *state;
	struct stream st;

	igb_vfm_stop(&f->src);
	save_all(&f->src, &st);
	assert_false(f->src.st.flags & IGB_VFM_REGS_ACTIVE);
	assert_int_equal(load_all(&f->dst, &st), 0);
	assert_int_equal(igb_vfm_restore(&f->dst, true, NULL), 0);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 0);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_REG(IGB_VFM_EICS)), 0);
	assert_int_equal(gr(&f->h, IGB_VFM_MBX_CTL), 0);
	assert_false(f->dst.cap.verify_pending);
	/* A restore needs a whole stream, once. */
	assert_int_equal(igb_vfm_restore(&f->dst, true, NULL), -EINVAL);
}

static void test_restore_refused(void **state)
{
	struct fixture *f = *state;
	struct stream st;

	guest_up(&f->g, 1522);
	f->src_sim.pf.min_tx_rate = 10;	/* this PF refuses it */
	igb_vfm_stop(&f->src);
	save_all(&f->src, &st);
	assert_int_equal(load_all(&f->dst, &st), 0);
	f->dst.st.apply_admin = true;
	assert_int_equal(igb_vfm_restore(&f->dst, true, NULL), -EINVAL);
	assert_int_equal(sim_events(&f->dst_sim, SIM_EV_RESET), 0);
	assert_false(f->dst.rstd_pending);
}

static void test_load_rejects(void **state)
{
	struct fixture *f = *state;
	struct stream st, bad;
	int i;

	guest_up(&f->g, 1522);
	igb_vfm_stop(&f->src);
	save_all(&f->src, &st);

	/* Out of order, repeated, or missing chunks. */
	nic_vf_state_load_begin(&f->dst.st);
	assert_int_equal(nic_vf_state_load(&f->dst.st, st.chunk[1], st.len[1], 1),
			 -EINVAL);
	assert_int_equal(nic_vf_state_load(&f->dst.st, st.chunk[0], st.len[0], 1), 0);
	assert_int_equal(nic_vf_state_load(&f->dst.st, st.chunk[0], st.len[0], 1),
			 -EINVAL);
	assert_int_equal(igb_vfm_restore(&f->dst, true, NULL), -EINVAL);
	/* Another format version. */
	nic_vf_state_load_begin(&f->dst.st);
	assert_int_equal(nic_vf_state_load(&f->dst.st, st.chunk[0], st.len[0], 2),
			 -EINVAL);

	/* One flipped byte in each part of each chunk. */
	for (i = 0; i < 3; i++) {
		static const int offs[] = { 0, 4, 6, 8, 12, NIC_VF_CHUNK_HDR,
					    NIC_VF_CHUNK_HDR + 4 };
		unsigned int k;

		for (k = 0; k < ARRAY_SIZE(offs); k++) {
			bad = st;
			bad.chunk[i][offs[k]] ^= 0x40;
			assert_int_equal(load_all(&f->dst, &bad), -EINVAL);
		}
		/* Truncated. */
		bad = st;
		bad.len[i]--;
		assert_int_equal(load_all(&f->dst, &bad), -EINVAL);
	}
	/* A log with a message the capture never logs (a clear request). */
	bad = st;
	{
		u8 *e = bad.chunk[2] + NIC_VF_CHUNK_HDR + NIC_VF_LOG_HDR_LEN;

		/* First entry: the multicast list; make it a reset. */
		nic_vf_put32(e, IGB_VFM_MSG_RESET);
		nic_vf_put32(e + NIC_VF_MSG_HDR_LEN, IGB_VFM_MSG_RESET);
	}
	assert_int_equal(load_all(&f->dst, &bad), -EINVAL);
	assert_int_equal(load_all(&f->dst, &st), 0);
}

static void test_summary_diff(void **state)
{
	struct igb_vfm_summary a = {}, b;

	a.mc_count = 2;
	a.lpe = 1522;
	b = a;
	assert_int_equal(igb_vfm_summary_diff(&a, &b), 0);
	b.mc_hash = 1;
	b.lpe = 9000;
	b.nr_vlan = 1;
	assert_int_equal(igb_vfm_summary_diff(&a, &b),
			 IGB_VFM_DIFF_MC | IGB_VFM_DIFF_LPE | IGB_VFM_DIFF_VLAN);
	b = a;
	b.mac_set = true;
	b.promisc_set = true;
	b.overflow = true;
	assert_int_equal(igb_vfm_summary_diff(&a, &b),
			 IGB_VFM_DIFF_MAC | IGB_VFM_DIFF_PROMISC |
			 IGB_VFM_DIFF_UC);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traps),
		cmocka_unit_test(test_parse_rx),
		cmocka_unit_test(test_mbx_lengths_and_checks),
		cmocka_unit_test(test_summary_diff),
		T(test_mbx_capture),
		T(test_mbx_answers),
		T(test_guest_reset_forgets),
		T(test_rx_precise),
		T(test_rx_stop_reports_handed_back),
		T(test_rx_split_and_reconfigure),
		T(test_tx_ring_and_head_writeback),
		T(test_tx_followed_by_rx_setup),
		cmocka_unit_test_setup_teardown(test_untrapped_is_conservative,
						setup_untrapped, teardown),
		T(test_hold_failure_fails_save),
		T(test_stop_and_resume),
		T(test_migrate_roundtrip),
		T(test_precopy_prepares),
		T(test_restore_resumes),
		T(test_restore_resumes_in_p2p),
		T(test_restore_resume_falls_back),
		T(test_restore_without_guest),
		T(test_restore_refused),
		T(test_load_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
