// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the migration state machine
 * (drivers/vfio/pci/vfio_pci_mig_fsm.c): every pair of states, and the v1
 * device_state encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/errno.h>
#include <linux/kernel.h>
#include "vfio_pci_mig_fsm.h"

static int plan(enum vfio_pci_mig_state from, enum vfio_pci_mig_state to,
		enum vfio_pci_mig_step *steps)
{
	return vfio_pci_mig_plan(from, to, steps);
}

static void expect(enum vfio_pci_mig_state from, enum vfio_pci_mig_state to,
		   int n, ...)
{
	enum vfio_pci_mig_step steps[MIG_MAX_STEPS];
	va_list ap;
	int i;

	assert_int_equal(plan(from, to, steps), n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_int_equal(steps[i], va_arg(ap, int));
	va_end(ap);
}

static void expect_invalid(enum vfio_pci_mig_state from,
			   enum vfio_pci_mig_state to)
{
	enum vfio_pci_mig_step steps[MIG_MAX_STEPS];

	assert_int_equal(plan(from, to, steps), -EINVAL);
}

static void test_same_state_is_noop(void **state)
{
	int s;

	for (s = 0; s < MIG_NR_STATES; s++)
		expect(s, s, 0);
}

static void test_from_running(void **state)
{
	expect(MIG_RUNNING, MIG_STOP, 1, MIG_STEP_STOP);
	expect(MIG_RUNNING, MIG_PRECOPY, 1, MIG_STEP_SAVE_BEGIN);
	expect(MIG_RUNNING, MIG_STOPCOPY, 3, MIG_STEP_SAVE_BEGIN,
	       MIG_STEP_STOP, MIG_STEP_SNAPSHOT);
	expect(MIG_RUNNING, MIG_RESUMING, 2, MIG_STEP_STOP,
	       MIG_STEP_RESUME_BEGIN);
}

static void test_from_stop(void **state)
{
	/* P2P off last: a no-op unless a v2 client left DMA quiesced. */
	expect(MIG_STOP, MIG_RUNNING, 2, MIG_STEP_START, MIG_STEP_P2P_OFF);
	expect(MIG_STOP, MIG_PRECOPY, 3, MIG_STEP_SAVE_BEGIN, MIG_STEP_START,
	       MIG_STEP_P2P_OFF);
	expect(MIG_STOP, MIG_STOPCOPY, 2, MIG_STEP_SAVE_BEGIN,
	       MIG_STEP_SNAPSHOT);
	expect(MIG_STOP, MIG_RESUMING, 1, MIG_STEP_RESUME_BEGIN);
}

static void test_from_precopy(void **state)
{
	expect(MIG_PRECOPY, MIG_RUNNING, 1, MIG_STEP_SAVE_END);
	expect(MIG_PRECOPY, MIG_STOP, 2, MIG_STEP_STOP, MIG_STEP_SAVE_END);
	expect(MIG_PRECOPY, MIG_STOPCOPY, 2, MIG_STEP_STOP, MIG_STEP_SNAPSHOT);
	expect_invalid(MIG_PRECOPY, MIG_RESUMING);
}

static void test_from_stopcopy(void **state)
{
	expect(MIG_STOPCOPY, MIG_RUNNING, 3, MIG_STEP_SAVE_END,
	       MIG_STEP_START, MIG_STEP_P2P_OFF);
	expect(MIG_STOPCOPY, MIG_STOP, 1, MIG_STEP_SAVE_END);
	expect_invalid(MIG_STOPCOPY, MIG_PRECOPY);
	expect_invalid(MIG_STOPCOPY, MIG_RESUMING);
}

static void test_from_resuming(void **state)
{
	expect(MIG_RESUMING, MIG_RUNNING, 3, MIG_STEP_RESUME_END,
	       MIG_STEP_START, MIG_STEP_P2P_OFF);
	expect(MIG_RESUMING, MIG_STOP, 1, MIG_STEP_RESUME_END);
	expect_invalid(MIG_RESUMING, MIG_PRECOPY);
	expect_invalid(MIG_RESUMING, MIG_STOPCOPY);
}

static void test_p2p_arcs(void **state)
{
	expect(MIG_RUNNING, MIG_RUNNING_P2P, 1, MIG_STEP_P2P_ON);
	expect(MIG_RUNNING_P2P, MIG_RUNNING, 1, MIG_STEP_P2P_OFF);
	expect(MIG_RUNNING_P2P, MIG_STOP, 1, MIG_STEP_STOP);
	/* Loaded state is applied with DMA already closed. */
	expect(MIG_STOP, MIG_RUNNING_P2P, 2, MIG_STEP_P2P_ON, MIG_STEP_START);
	expect(MIG_RUNNING_P2P, MIG_PRECOPY_P2P, 1, MIG_STEP_SAVE_BEGIN);
	expect(MIG_PRECOPY, MIG_PRECOPY_P2P, 1, MIG_STEP_P2P_ON);
	expect(MIG_PRECOPY_P2P, MIG_PRECOPY, 1, MIG_STEP_P2P_OFF);
	expect(MIG_PRECOPY_P2P, MIG_RUNNING_P2P, 1, MIG_STEP_SAVE_END);
	expect(MIG_PRECOPY_P2P, MIG_STOPCOPY, 2, MIG_STEP_STOP,
	       MIG_STEP_SNAPSHOT);
}

/*
 * vfio core reaches the P2P states by single arcs only: every pair that is
 * not one of them is refused, so no engine path skips a P2P step.
 */
static void test_p2p_only_by_core_arcs(void **state)
{
	static const struct { int from, to; } arcs[] = {
		{ MIG_RUNNING, MIG_RUNNING_P2P },
		{ MIG_RUNNING_P2P, MIG_RUNNING },
		{ MIG_RUNNING_P2P, MIG_STOP },
		{ MIG_STOP, MIG_RUNNING_P2P },
		{ MIG_RUNNING_P2P, MIG_PRECOPY_P2P },
		{ MIG_PRECOPY, MIG_PRECOPY_P2P },
		{ MIG_PRECOPY_P2P, MIG_PRECOPY },
		{ MIG_PRECOPY_P2P, MIG_RUNNING_P2P },
		{ MIG_PRECOPY_P2P, MIG_STOPCOPY },
	};
	enum vfio_pci_mig_step steps[MIG_MAX_STEPS];
	int from, to, n, found;
	unsigned int i;

	for (from = 0; from < MIG_NR_STATES; from++) {
		for (to = 0; to < MIG_NR_STATES; to++) {
			if (from == to || (!vfio_pci_mig_state_p2p(from) &&
					   !vfio_pci_mig_state_p2p(to)))
				continue;
			found = 0;
			for (i = 0; i < ARRAY_SIZE(arcs); i++)
				found |= arcs[i].from == from && arcs[i].to == to;
			n = plan(from, to, steps);
			if (found)
				assert_true(n > 0);
			else
				assert_int_equal(n, -EINVAL);
		}
	}
}

static void test_p2p_predicates(void **state)
{
	int s;

	for (s = 0; s < MIG_NR_STATES; s++) {
		assert_int_equal(vfio_pci_mig_state_p2p(s),
				 s == MIG_RUNNING_P2P || s == MIG_PRECOPY_P2P);
		assert_int_equal(vfio_pci_mig_state_precopy(s),
				 s == MIG_PRECOPY || s == MIG_PRECOPY_P2P);
	}
	assert_string_equal(vfio_pci_mig_state_name(MIG_RUNNING_P2P),
			    "running-p2p");
	assert_string_equal(vfio_pci_mig_state_name(MIG_PRECOPY_P2P),
			    "pre-copy-p2p");
}

static void test_error_is_sticky(void **state)
{
	int s;

	for (s = 0; s < MIG_NR_STATES; s++) {
		if (s != MIG_ERROR) {
			expect_invalid(MIG_ERROR, s);
			expect_invalid(s, MIG_ERROR);
		}
	}
}

static void test_out_of_range(void **state)
{
	expect_invalid(MIG_NR_STATES, MIG_RUNNING);
	expect_invalid(MIG_RUNNING, MIG_NR_STATES);
	expect_invalid(-1, MIG_RUNNING);
}

static void test_v1_encoding(void **state)
{
	static const struct {
		u32 bits;
		int ret;
		enum vfio_pci_mig_state s;
	} cases[] = {
		{ 0, 0, MIG_STOP },
		{ 1, 0, MIG_RUNNING },
		{ 2, 0, MIG_STOPCOPY },
		{ 3, 0, MIG_PRECOPY },
		{ 4, 0, MIG_RESUMING },
		{ 5, -EINVAL },			/* running and resuming */
		{ 6, -EINVAL },			/* the error state */
		{ 7, -EINVAL },
		{ 8, -EINVAL },			/* undefined bit */
		{ 0xffffffff, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum vfio_pci_mig_state s = MIG_NR_STATES;

		assert_int_equal(vfio_pci_mig_from_v1(cases[i].bits, &s),
				 cases[i].ret);
		if (!cases[i].ret) {
			assert_int_equal(s, cases[i].s);
			assert_int_equal(vfio_pci_mig_to_v1(s), cases[i].bits);
		}
	}
	assert_int_equal(vfio_pci_mig_to_v1(MIG_ERROR), 6);
}

static void test_state_names(void **state)
{
	assert_string_equal(vfio_pci_mig_state_name(MIG_STOPCOPY), "stop-copy");
	assert_string_equal(vfio_pci_mig_state_name(MIG_NR_STATES), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_state_is_noop),
		cmocka_unit_test(test_from_running),
		cmocka_unit_test(test_from_stop),
		cmocka_unit_test(test_from_precopy),
		cmocka_unit_test(test_from_stopcopy),
		cmocka_unit_test(test_from_resuming),
		cmocka_unit_test(test_p2p_arcs),
		cmocka_unit_test(test_p2p_only_by_core_arcs),
		cmocka_unit_test(test_p2p_predicates),
		cmocka_unit_test(test_error_is_sticky),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_v1_encoding),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests_name("mig_fsm", tests, NULL, NULL);
}
