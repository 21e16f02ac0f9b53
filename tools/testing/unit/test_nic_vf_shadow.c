// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the followed registers of a page swapped for memory
 * (drivers/vfio/pci/nic_vf/nic_vf_shadow.c): what the guest changed in the
 * page goes to the device in the driver's order and once; the page shows
 * what the device changed by itself unless the guest wrote first; a write
 * that came another way is not passed on again; and what is left when the
 * page goes back to the device goes on only if the guest has not written
 * the device since.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/errno.h>
#include <linux/kernel.h>

#include <linux/nic_vf/shadow.h>

/* An RX queue's set-up, enable last but one, tail last (igb's order). */
#define BAL	0x2800
#define LEN	0x2808
#define HEAD	0x2810
#define TAIL	0x2818
#define CTL	0x2828

static const u32 regs[] = { BAL, LEN, HEAD, CTL, TAIL };

struct dev {
	u32 reg[0x4000 / 4];	/* the device's registers, by offset */
	u32 log_off[32];	/* writes it got, in order */
	u32 log_val[32];
	unsigned int writes;
	bool unreadable;	/* reads fail (memory off, a reset) */
	u32 page[1024];		/* the swapped page */
	struct nic_vf_shadow_regs r;
};

static int dev_read(void *ctx, u32 off, u32 *val)
{
	struct dev *d = ctx;

	if (d->unreadable)
		return -EIO;
	*val = d->reg[off / 4];
	return 0;
}

static int dev_write(void *ctx, u32 off, u32 val)
{
	struct dev *d = ctx;

	d->reg[off / 4] = val;
	if (d->writes < ARRAY_SIZE(d->log_off)) {
		d->log_off[d->writes] = off;
		d->log_val[d->writes] = val;
	}
	d->writes++;
	return 0;
}

static const struct nic_vf_shadow_ops ops = {
	.read = dev_read,
	.write = dev_write,
};

static u32 *guest(struct dev *d, u32 off)
{
	return &d->page[(off % 4096) / 4];
}

static int setup(void **state)
{
	struct dev *d = calloc(1, sizeof(*d));

	if (!d)
		return -1;
	d->reg[BAL / 4] = 0x1000;
	d->reg[LEN / 4] = 4096;
	d->reg[HEAD / 4] = 3;
	d->reg[CTL / 4] = 1;
	d->reg[TAIL / 4] = 7;
	d->r.words = d->page;
	d->r.regs = regs;
	d->r.nr = ARRAY_SIZE(regs);
	d->r.ops = &ops;
	d->r.ctx = d;
	nic_vf_shadow_fill(&d->r);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_fill(void **state)
{
	struct dev *d = *state;

	/* The guest reads what the device holds; nothing to pass on. */
	assert_int_equal(*guest(d, TAIL), 7);
	assert_int_equal(*guest(d, HEAD), 3);
	assert_false(nic_vf_shadow_changed(&d->r));
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 0);
	assert_int_equal(d->writes, 0);
}

static void test_order_and_once(void **state)
{
	struct dev *d = *state;

	/* Written tail first, set-up after: the device gets the set-up,
	 * then the enable, then the tail.
	 */
	*guest(d, TAIL) = 9;
	*guest(d, CTL) = 3;
	*guest(d, BAL) = 0x2000;
	assert_true(nic_vf_shadow_changed(&d->r));
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 3);
	assert_int_equal(d->writes, 3);
	assert_int_equal(d->log_off[0], BAL);
	assert_int_equal(d->log_val[0], 0x2000);
	assert_int_equal(d->log_off[1], CTL);
	assert_int_equal(d->log_off[2], TAIL);
	assert_int_equal(d->log_val[2], 9);
	assert_int_equal(d->r.forwarded, 3);
	assert_int_equal(d->r.flushes, 1);
	/* Passed on once. */
	assert_false(nic_vf_shadow_changed(&d->r));
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 0);
	assert_int_equal(d->writes, 3);
	/* The same value again is no change (the device has it). */
	*guest(d, TAIL) = 9;
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 0);
}

static void test_read_back(void **state)
{
	struct dev *d = *state;

	/* The device moved its head, and a VF reset cleared the enable. */
	d->reg[HEAD / 4] = 40;
	d->reg[CTL / 4] = 0;
	*guest(d, TAIL) = 11;
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 1);
	assert_int_equal(*guest(d, HEAD), 40);
	assert_int_equal(*guest(d, CTL), 0);
	/* Nothing the device changed goes back to it. */
	assert_int_equal(d->writes, 1);
	assert_false(nic_vf_shadow_changed(&d->r));
	/* A later write of the old head is a change the device gets. */
	*guest(d, HEAD) = 3;
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 1);
	assert_int_equal(d->reg[HEAD / 4], 3);

	/* The guest wrote before the read-back: its value stays, and goes
	 * on at the next pass.
	 */
	d->reg[CTL / 4] = 5;
	*guest(d, CTL) = 1;
	nic_vf_shadow_read_back(&d->r);
	assert_int_equal(*guest(d, CTL), 1);
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 1);
	assert_int_equal(d->reg[CTL / 4], 1);
}

static void test_written_elsewhere(void **state)
{
	struct dev *d = *state;

	/* A VMM's region write reached the device: the page shows it and
	 * it does not go on again.
	 */
	d->reg[TAIL / 4] = 20;
	assert_true(nic_vf_shadow_written(&d->r, TAIL, 20));
	assert_int_equal(*guest(d, TAIL), 20);
	assert_false(nic_vf_shadow_changed(&d->r));
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 0);
	assert_int_equal(d->writes, 0);
	/* A register not followed changes nothing. */
	assert_false(nic_vf_shadow_written(&d->r, 0x3818, 5));
	assert_false(nic_vf_shadow_changed(&d->r));
}

static void test_drain(void **state)
{
	struct dev *d = *state;

	/* Left in the page at the swap back, the device untouched since:
	 * it goes on.
	 */
	*guest(d, TAIL) = 12;
	assert_int_equal(nic_vf_shadow_drain(&d->r), 1);
	assert_int_equal(d->reg[TAIL / 4], 12);
	/* Left in the page, but the guest has written the device itself
	 * since: that write is newer and stays.
	 */
	*guest(d, TAIL) = 14;
	d->reg[TAIL / 4] = 15;
	assert_int_equal(nic_vf_shadow_drain(&d->r), 0);
	assert_int_equal(d->reg[TAIL / 4], 15);
	assert_int_equal(d->writes, 1);
}

static void test_unreadable(void **state)
{
	struct dev *d = *state;

	/* A device that cannot be read says nothing: the page keeps what
	 * it shows, and nothing is drained on a guess.
	 */
	d->unreadable = true;
	d->reg[HEAD / 4] = 40;
	*guest(d, TAIL) = 12;
	assert_int_equal(nic_vf_shadow_pass_on(&d->r), 1);
	assert_int_equal(*guest(d, HEAD), 3);
	*guest(d, TAIL) = 13;
	assert_int_equal(nic_vf_shadow_drain(&d->r), 0);
	assert_int_equal(d->reg[TAIL / 4], 12);
	/* Readable again: the head the device moved shows. */
	d->unreadable = false;
	nic_vf_shadow_read_back(&d->r);
	assert_int_equal(*guest(d, HEAD), 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_and_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_written_elsewhere, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
