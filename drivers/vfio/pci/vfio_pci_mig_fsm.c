// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migration engine's transition table (states and steps are described
 * in vfio_pci_mig_fsm.h).  Pure logic, shared with the unit tests.
 */
#include <linux/errno.h>
#include <linux/kernel.h>

#include "vfio_pci_mig_fsm.h"

#define NONE		{ -1 }
#define S(...)		{ __VA_ARGS__, -1 }
#define INVALID		{ -2 }

/*
 * Steps for each (from, to) pair.  A transition to the same state is a
 * no-op; ERROR is never a target (the engine enters it on a failed step)
 * and never a source (only a device reset leaves it).  Saving and resuming
 * exclude each other, and a snapshot taken in stop-copy cannot go back to
 * pre-copy.
 *
 * The two P2P states are v2 only, and reached only by the arcs vfio core
 * takes (vfio_mig_get_next_state()); every other pair with a P2P state is
 * refused.  A stopped device becomes RUNNING_P2P by closing its DMA first
 * and then starting, so that loaded state is applied without the device
 * initiating anything; leaving P2P for STOP needs no P2P step, as a
 * stopped device initiates nothing either.  Every other way from a stopped
 * state into a running one (v1's, or v2's without P2P) ends with P2P off,
 * a no-op unless DMA was left quiesced (a v2 client's STOP, then v1).
 */
static const signed char plan[MIG_NR_STATES][MIG_NR_STATES][MIG_MAX_STEPS + 1] = {
	[MIG_RUNNING] = {
		[MIG_RUNNING]	= NONE,
		[MIG_STOP]	= S(MIG_STEP_STOP),
		[MIG_PRECOPY]	= S(MIG_STEP_SAVE_BEGIN),
		[MIG_STOPCOPY]	= S(MIG_STEP_SAVE_BEGIN, MIG_STEP_STOP,
				    MIG_STEP_SNAPSHOT),
		[MIG_RESUMING]	= S(MIG_STEP_STOP, MIG_STEP_RESUME_BEGIN),
		[MIG_ERROR]	= INVALID,
		[MIG_RUNNING_P2P] = S(MIG_STEP_P2P_ON),
		[MIG_PRECOPY_P2P] = INVALID,
	},
	[MIG_STOP] = {
		[MIG_RUNNING]	= S(MIG_STEP_START, MIG_STEP_P2P_OFF),
		[MIG_STOP]	= NONE,
		[MIG_PRECOPY]	= S(MIG_STEP_SAVE_BEGIN, MIG_STEP_START,
				    MIG_STEP_P2P_OFF),
		[MIG_STOPCOPY]	= S(MIG_STEP_SAVE_BEGIN, MIG_STEP_SNAPSHOT),
		[MIG_RESUMING]	= S(MIG_STEP_RESUME_BEGIN),
		[MIG_ERROR]	= INVALID,
		[MIG_RUNNING_P2P] = S(MIG_STEP_P2P_ON, MIG_STEP_START),
		[MIG_PRECOPY_P2P] = INVALID,
	},
	[MIG_PRECOPY] = {
		[MIG_RUNNING]	= S(MIG_STEP_SAVE_END),
		[MIG_STOP]	= S(MIG_STEP_STOP, MIG_STEP_SAVE_END),
		[MIG_PRECOPY]	= NONE,
		[MIG_STOPCOPY]	= S(MIG_STEP_STOP, MIG_STEP_SNAPSHOT),
		[MIG_RESUMING]	= INVALID,
		[MIG_ERROR]	= INVALID,
		[MIG_RUNNING_P2P] = INVALID,
		[MIG_PRECOPY_P2P] = S(MIG_STEP_P2P_ON),
	},
	[MIG_STOPCOPY] = {
		[MIG_RUNNING]	= S(MIG_STEP_SAVE_END, MIG_STEP_START,
				    MIG_STEP_P2P_OFF),
		[MIG_STOP]	= S(MIG_STEP_SAVE_END),
		[MIG_PRECOPY]	= INVALID,
		[MIG_STOPCOPY]	= NONE,
		[MIG_RESUMING]	= INVALID,
		[MIG_ERROR]	= INVALID,
		[MIG_RUNNING_P2P] = INVALID,
		[MIG_PRECOPY_P2P] = INVALID,
	},
	[MIG_RESUMING] = {
		[MIG_RUNNING]	= S(MIG_STEP_RESUME_END, MIG_STEP_START,
				    MIG_STEP_P2P_OFF),
		[MIG_STOP]	= S(MIG_STEP_RESUME_END),
		[MIG_PRECOPY]	= INVALID,
		[MIG_STOPCOPY]	= INVALID,
		[MIG_RESUMING]	= NONE,
		[MIG_ERROR]	= INVALID,
		[MIG_RUNNING_P2P] = INVALID,
		[MIG_PRECOPY_P2P] = INVALID,
	},
	[MIG_RUNNING_P2P] = {
		[MIG_RUNNING]	= S(MIG_STEP_P2P_OFF),
		[MIG_STOP]	= S(MIG_STEP_STOP),
		[MIG_PRECOPY]	= INVALID,
		[MIG_STOPCOPY]	= INVALID,
		[MIG_RESUMING]	= INVALID,
		[MIG_RUNNING_P2P] = NONE,
		[MIG_PRECOPY_P2P] = S(MIG_STEP_SAVE_BEGIN),
		[MIG_ERROR]	= INVALID,
	},
	[MIG_PRECOPY_P2P] = {
		[MIG_RUNNING]	= INVALID,
		[MIG_STOP]	= INVALID,
		[MIG_PRECOPY]	= S(MIG_STEP_P2P_OFF),
		[MIG_STOPCOPY]	= S(MIG_STEP_STOP, MIG_STEP_SNAPSHOT),
		[MIG_RESUMING]	= INVALID,
		[MIG_RUNNING_P2P] = S(MIG_STEP_SAVE_END),
		[MIG_PRECOPY_P2P] = NONE,
		[MIG_ERROR]	= INVALID,
	},
	[MIG_ERROR] = {
		[MIG_RUNNING]	= INVALID,
		[MIG_STOP]	= INVALID,
		[MIG_PRECOPY]	= INVALID,
		[MIG_STOPCOPY]	= INVALID,
		[MIG_RESUMING]	= INVALID,
		[MIG_ERROR]	= NONE,
		[MIG_RUNNING_P2P] = INVALID,
		[MIG_PRECOPY_P2P] = INVALID,
	},
};

/**
 * vfio_pci_mig_plan() - steps that take the device from one state to another
 * @from: current state
 * @to: requested state
 * @steps: filled with the steps, in the order to run them
 *
 * Return: number of steps (0 for no change), or -EINVAL if the transition
 * is not allowed.
 */
int vfio_pci_mig_plan(enum vfio_pci_mig_state from,
		      enum vfio_pci_mig_state to,
		      enum vfio_pci_mig_step steps[MIG_MAX_STEPS])
{
	const signed char *p;
	int n;

	if ((unsigned int)from >= MIG_NR_STATES ||
	    (unsigned int)to >= MIG_NR_STATES)
		return -EINVAL;
	p = plan[from][to];
	if (p[0] == -2)
		return -EINVAL;
	for (n = 0; n < MIG_MAX_STEPS && p[n] >= 0; n++)
		steps[n] = p[n];
	return n;
}

/**
 * vfio_pci_mig_from_v1() - engine state for a v1 device_state value
 * @device_state: value written to the v1 region's device_state
 * @state: set to the engine state
 *
 * Return: 0, or -EINVAL for a combination v1 does not define (or the error
 * state, which userspace cannot request).
 */
int vfio_pci_mig_from_v1(u32 device_state, enum vfio_pci_mig_state *state)
{
	switch (device_state) {
	case 0:
		*state = MIG_STOP;
		return 0;
	case MIG_V1_RUNNING:
		*state = MIG_RUNNING;
		return 0;
	case MIG_V1_RUNNING | MIG_V1_SAVING:
		*state = MIG_PRECOPY;
		return 0;
	case MIG_V1_SAVING:
		*state = MIG_STOPCOPY;
		return 0;
	case MIG_V1_RESUMING:
		*state = MIG_RESUMING;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * vfio_pci_mig_to_v1() - v1 device_state value of an engine state
 * @state: engine state
 *
 * Return: the v1 bits (MIG_V1_ERROR for the error state).
 */
u32 vfio_pci_mig_to_v1(enum vfio_pci_mig_state state)
{
	static const u32 bits[MIG_NR_STATES] = {
		[MIG_RUNNING]	= MIG_V1_RUNNING,
		[MIG_STOP]	= 0,
		[MIG_PRECOPY]	= MIG_V1_RUNNING | MIG_V1_SAVING,
		[MIG_STOPCOPY]	= MIG_V1_SAVING,
		[MIG_RESUMING]	= MIG_V1_RESUMING,
		/* v1 has no P2P states: nearest meaning, never reached by v1 */
		[MIG_RUNNING_P2P] = MIG_V1_RUNNING,
		[MIG_PRECOPY_P2P] = MIG_V1_RUNNING | MIG_V1_SAVING,
		[MIG_ERROR]	= MIG_V1_ERROR,
	};

	return (unsigned int)state < MIG_NR_STATES ? bits[state] : MIG_V1_ERROR;
}

/**
 * vfio_pci_mig_state_name() - name of an engine state, for messages
 * @state: engine state
 *
 * Return: a static string.
 */
const char *vfio_pci_mig_state_name(enum vfio_pci_mig_state state)
{
	static const char * const names[MIG_NR_STATES] = {
		[MIG_RUNNING]	= "running",
		[MIG_STOP]	= "stop",
		[MIG_PRECOPY]	= "pre-copy",
		[MIG_STOPCOPY]	= "stop-copy",
		[MIG_RESUMING]	= "resuming",
		[MIG_RUNNING_P2P] = "running-p2p",
		[MIG_PRECOPY_P2P] = "pre-copy-p2p",
		[MIG_ERROR]	= "error",
	};

	return (unsigned int)state < MIG_NR_STATES ? names[state] : "invalid";
}
