// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated VF of vf_sim.h.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/errno.h>

#include "vf_sim.h"

static bool in_guest(u64 iova, size_t len)
{
	return len && iova >= SIM_BASE && iova - SIM_BASE < SIM_SIZE &&
	       len <= SIM_SIZE - (iova - SIM_BASE);
}

static void ev(struct vf_sim *s, int e)
{
	if (s->nr_events < SIM_MAX_EVENTS)
		s->events[s->nr_events++] = e;
}

static int sim_dma_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct vf_sim *s = ctx;

	s->dma_reads++;
	if (!in_guest(iova, len))
		return -EINVAL;
	memcpy(buf, s->mem + (iova - SIM_BASE), len);
	return 0;
}

static void pages_of(u64 iova, size_t len, u64 *first, u64 *last)
{
	*first = (iova - SIM_BASE) / SIM_PAGE;
	*last = (iova + len - 1 - SIM_BASE) / SIM_PAGE;
}

static int sim_mark(void *ctx, u64 iova, size_t len)
{
	struct vf_sim *s = ctx;
	u64 p, first, last;

	if (!in_guest(iova, len))
		return -EINVAL;
	pages_of(iova, len, &first, &last);
	for (p = first; p <= last; p++)
		s->dirty[p] = true;
	s->marks++;
	return 0;
}

static int sim_hold(void *ctx, u64 iova, size_t len)
{
	struct vf_sim *s = ctx;
	u64 p, first, last;
	int err = s->fail_hold;

	if (err) {
		s->fail_hold = 0;
		return err;
	}
	if (!in_guest(iova, len))
		return -EINVAL;
	if (s->nr_holds == s->cap_holds) {
		s->cap_holds = s->cap_holds ? 2 * s->cap_holds : 64;
		s->holds = realloc(s->holds, s->cap_holds * sizeof(*s->holds));
		if (!s->holds)
			abort();
	}
	s->holds[s->nr_holds].iova = iova;
	s->holds[s->nr_holds++].len = len;
	pages_of(iova, len, &first, &last);
	for (p = first; p <= last; p++) {
		s->pinned[p]++;
		s->dirty[p] = true;
	}
	return 0;
}

static void sim_release(void *ctx, u64 iova, size_t len)
{
	struct vf_sim *s = ctx;
	u64 p, first, last;
	unsigned int i;

	for (i = 0; i < s->nr_holds; i++)
		if (s->holds[i].iova == iova && s->holds[i].len == len)
			break;
	if (i == s->nr_holds) {
		s->bad_releases++;
		return;
	}
	s->holds[i] = s->holds[--s->nr_holds];
	pages_of(iova, len, &first, &last);
	for (p = first; p <= last; p++)
		s->pinned[p]--;
}

static int sim_pf_get(void *ctx, struct nic_vf_admin *cfg)
{
	struct vf_sim *s = ctx;

	if (s->pf_get_err)
		return s->pf_get_err;
	*cfg = s->pf;
	cfg->valid = NIC_VF_ADMIN_ALL & ~s->pf_unsupported;
	/* Like i40e, the PF does not report the VLAN protocol. */
	cfg->vlan_proto = 0;
	return 0;
}

/* The i40e PF's rules for the ndo_set_vf_* operations. */
static int sim_pf_set(void *ctx, enum nic_vf_admin_field f,
		      const struct nic_vf_admin *c)
{
	struct vf_sim *s = ctx;
	bool reset = false;

	if (s->pf_unsupported & BIT(f))
		return -EOPNOTSUPP;
	switch (f) {
	case NIC_VF_ADMIN_MAC:
		if (c->mac[0] & 1)
			return -EINVAL;
		memcpy(s->pf.mac, c->mac, 6);
		reset = true;
		break;
	case NIC_VF_ADMIN_VLAN:
		if (c->vlan > 4095 || c->qos > 7)
			return -EINVAL;
		if (c->vlan_proto != NIC_VF_VLAN_PROTO_8021Q)
			return -EPROTONOSUPPORT;
		s->pf.vlan = c->vlan;
		s->pf.qos = c->qos;
		reset = true;
		break;
	case NIC_VF_ADMIN_RATE:
		if (c->min_tx_rate || c->max_tx_rate > 40000)
			return -EINVAL;
		s->pf.max_tx_rate = c->max_tx_rate;
		break;
	case NIC_VF_ADMIN_SPOOFCHK:
		s->pf.spoofchk = c->spoofchk;
		break;
	case NIC_VF_ADMIN_TRUST:
		reset = s->pf.trusted != c->trusted;
		s->pf.trusted = c->trusted;
		break;
	case NIC_VF_ADMIN_LINK:
		if (c->link_state > NIC_VF_LINK_DISABLE)
			return -EINVAL;
		reset = c->link_state != NIC_VF_LINK_DISABLE;
		s->pf.link_state = c->link_state;
		break;
	default:
		return -EINVAL;
	}
	ev(s, SIM_EV_SET(f));
	if (reset)
		s->resets++;
	return 0;
}

/* A VF reset clears what the guest driver set up in BAR0. */
static int sim_vf_reset(void *ctx)
{
	struct vf_sim *s = ctx;

	if (s->reset_err)
		return s->reset_err;
	memset(s->bar, 0, sizeof(s->bar));
	s->resets++;
	ev(s, SIM_EV_RESET);
	return 0;
}

static u32 sim_reg_read(void *ctx, u32 off)
{
	struct vf_sim *s = ctx;

	return off < SIM_BAR_LEN && !(off % 4) ? s->bar[off / 4] : ~0U;
}

static void sim_reg_write(void *ctx, u32 off, u32 val)
{
	struct vf_sim *s = ctx;

	if (off < SIM_BAR_LEN && !(off % 4))
		s->bar[off / 4] = val;
	ev(s, SIM_EV_REG(off));
	if (s->write_hook)
		s->write_hook(s, off, s->hook_arg);
}

static void *sim_zalloc(void *ctx, size_t size)
{
	struct vf_sim *s = ctx;

	if (s->fail_alloc) {
		s->fail_alloc--;
		return NULL;
	}
	s->allocs++;
	return calloc(1, size);
}

static void sim_free(void *ctx, void *p)
{
	struct vf_sim *s = ctx;

	if (p)
		s->allocs--;
	free(p);
}

static const struct nic_vf_seam_ops sim_ops = {
	.dma_read	= sim_dma_read,
	.dirty_mark	= sim_mark,
	.dirty_hold	= sim_hold,
	.dirty_release	= sim_release,
	.pf_get		= sim_pf_get,
	.pf_set		= sim_pf_set,
	.vf_reset	= sim_vf_reset,
	.reg_read	= sim_reg_read,
	.reg_write	= sim_reg_write,
	.zalloc		= sim_zalloc,
	.free		= sim_free,
};

void sim_init(struct vf_sim *s)
{
	memset(s, 0, sizeof(*s));
	s->mem = calloc(1, SIM_SIZE);
	if (!s->mem)
		abort();
	s->pf.vlan_proto = NIC_VF_VLAN_PROTO_8021Q;
	s->seam.ops = &sim_ops;
	s->seam.ctx = s;
}

void sim_fini(struct vf_sim *s)
{
	free(s->mem);
	free(s->holds);
	s->mem = NULL;
	s->holds = NULL;
}

void *sim_ptr(struct vf_sim *s, u64 iova)
{
	return s->mem + (iova - SIM_BASE);
}

unsigned int sim_sync(struct vf_sim *s, bool *out)
{
	unsigned int p, n = 0;

	for (p = 0; p < SIM_PAGES; p++) {
		if (out)
			out[p] = s->dirty[p];
		n += s->dirty[p];
		s->dirty[p] = s->pinned[p] > 0;
	}
	return n;
}

bool sim_page_held(struct vf_sim *s, u64 iova)
{
	return s->pinned[(iova - SIM_BASE) / SIM_PAGE] > 0;
}

unsigned int sim_events(struct vf_sim *s, int e)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr_events; i++)
		n += s->events[i] == e;
	return n;
}

int sim_event_index(struct vf_sim *s, int e)
{
	unsigned int i;

	for (i = 0; i < s->nr_events; i++)
		if (s->events[i] == e)
			return i;
	return -1;
}
