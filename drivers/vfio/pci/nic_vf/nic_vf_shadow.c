// SPDX-License-Identifier: GPL-2.0-only
/*
 * The followed registers of a page swapped for memory (see
 * <linux/nic_vf/shadow.h>): what the guest changed there, passed on.
 *
 * Each followed register whose word in the page differs from what the
 * device was last known to hold goes to the logic and the device, in the
 * driver's order.  Afterwards every followed register is read back: where
 * the device changed by itself (a head, a VF reset) and the guest has not
 * written since, the page takes the device's value, so the guest reads
 * what the device holds and a later write of the old value still counts
 * as a change.  The compare-and-exchange keeps a guest write that races
 * the read-back.
 */
#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/kernel.h>

#include <linux/nic_vf/shadow.h>

#define PAGE_WORDS	1024	/* 32-bit words of a 4 KiB page */

static u32 *word(const struct nic_vf_shadow_regs *r, u32 off)
{
	return &r->words[(off / sizeof(u32)) % PAGE_WORDS];
}

/**
 * nic_vf_shadow_fill() - the page and @r->last take the device's values
 * @r: the registers; nothing maps the page yet
 */
void nic_vf_shadow_fill(struct nic_vf_shadow_regs *r)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++) {
		if (r->ops->read(r->ctx, r->regs[i], &r->last[i]))
			r->last[i] = 0;
		WRITE_ONCE(*word(r, r->regs[i]), r->last[i]);
	}
}
EXPORT_SYMBOL_GPL(nic_vf_shadow_fill);

/**
 * nic_vf_shadow_changed() - has the guest written something new?
 * @r: the registers
 *
 * Return: true if a register differs from what was passed on.  Safe
 * without the VF's lock (a hint: a pass decides under it).
 */
bool nic_vf_shadow_changed(const struct nic_vf_shadow_regs *r)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (READ_ONCE(*word(r, r->regs[i])) != READ_ONCE(r->last[i]))
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(nic_vf_shadow_changed);

/**
 * nic_vf_shadow_read_back() - the page takes the device's values where the
 * guest has not written since
 * @r: the registers
 */
void nic_vf_shadow_read_back(struct nic_vf_shadow_regs *r)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++) {
		u32 dev;

		if (r->ops->read(r->ctx, r->regs[i], &dev))
			continue;
		if (dev != r->last[i] &&
		    cmpxchg(word(r, r->regs[i]), r->last[i], dev) == r->last[i])
			r->last[i] = dev;
	}
}
EXPORT_SYMBOL_GPL(nic_vf_shadow_read_back);

/**
 * nic_vf_shadow_pass_on() - pass the guest's changes on, in order
 * @r: the registers
 *
 * Return: registers passed on (then read back).
 */
unsigned int nic_vf_shadow_pass_on(struct nic_vf_shadow_regs *r)
{
	unsigned int i, n = 0;

	for (i = 0; i < r->nr; i++) {
		u32 val = READ_ONCE(*word(r, r->regs[i]));

		if (val == r->last[i])
			continue;
		r->ops->write(r->ctx, r->regs[i], val);
		WRITE_ONCE(r->last[i], val);
		n++;
	}
	if (!n)
		return 0;
	r->forwarded += n;
	r->flushes++;
	nic_vf_shadow_read_back(r);
	return n;
}
EXPORT_SYMBOL_GPL(nic_vf_shadow_pass_on);

/**
 * nic_vf_shadow_written() - a write reached a register another way
 * @r: the registers
 * @off: the register
 * @val: what the device got
 *
 * The newest value: the page shows it, and it is not passed on again.
 *
 * Return: true if @off is one of the followed registers.
 */
bool nic_vf_shadow_written(struct nic_vf_shadow_regs *r, u32 off, u32 val)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++) {
		if (r->regs[i] != off)
			continue;
		WRITE_ONCE(*word(r, off), val);
		WRITE_ONCE(r->last[i], val);
		return true;
	}
	return false;
}
EXPORT_SYMBOL_GPL(nic_vf_shadow_written);

/**
 * nic_vf_shadow_drain() - the page is the device's again: what is left
 * @r: the registers; nothing maps the page any more
 *
 * What the guest wrote to the page before the swap back and was not
 * passed on goes on now, except where the device no longer holds what was
 * last passed on: the guest has written the device itself since, and
 * that write is newer, or the device cannot be read to tell.
 *
 * Return: registers passed on.
 */
unsigned int nic_vf_shadow_drain(struct nic_vf_shadow_regs *r)
{
	unsigned int i, n = 0;

	for (i = 0; i < r->nr; i++) {
		u32 val = READ_ONCE(*word(r, r->regs[i])), dev;

		if (val == r->last[i] ||
		    r->ops->read(r->ctx, r->regs[i], &dev) || dev != r->last[i])
			continue;
		r->ops->write(r->ctx, r->regs[i], val);
		r->last[i] = val;
		n++;
	}
	r->forwarded += n;
	return n;
}
EXPORT_SYMBOL_GPL(nic_vf_shadow_drain);
