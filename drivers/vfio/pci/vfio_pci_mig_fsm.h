/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The migration engine's state machine: one set of device states behind
 * both uAPI protocols (v1 device_state bits, v2 MIG_DEVICE_STATE), and the
 * steps each transition takes.  Pure logic, shared with the unit tests.
 */
#ifndef VFIO_PCI_MIG_FSM_H
#define VFIO_PCI_MIG_FSM_H

#include <linux/bits.h>
#include <linux/types.h>

/**
 * enum vfio_pci_mig_state - device states of the migration engine
 * @MIG_RUNNING: running, not migrating
 * @MIG_STOP: quiesced, state frozen
 * @MIG_PRECOPY: running while saving (v1 RUNNING|SAVING)
 * @MIG_STOPCOPY: quiesced, device state readable (v1 SAVING, v2 STOP_COPY)
 * @MIG_RESUMING: receiving device state (v1 RESUMING, v2 RESUMING)
 * @MIG_RUNNING_P2P: running but initiating no DMA (v2 RUNNING_P2P)
 * @MIG_PRECOPY_P2P: pre-copy, initiating no DMA (v2 PRE_COPY_P2P)
 * @MIG_ERROR: a transition failed; only a device reset leaves it
 * @MIG_NR_STATES: number of states
 */
enum vfio_pci_mig_state {
	MIG_RUNNING,
	MIG_STOP,
	MIG_PRECOPY,
	MIG_STOPCOPY,
	MIG_RESUMING,
	MIG_RUNNING_P2P,
	MIG_PRECOPY_P2P,
	MIG_ERROR,
	MIG_NR_STATES,
};

/**
 * enum vfio_pci_mig_step - one action of a transition, run in order
 * @MIG_STEP_STOP: vendor stop(): quiesce the device
 * @MIG_STEP_START: vendor start(): let it run (applying resumed state)
 * @MIG_STEP_SAVE_BEGIN: vendor start_saving(): saving begins
 * @MIG_STEP_SNAPSHOT: engine builds the stream from vendor save()
 * @MIG_STEP_SAVE_END: vendor stop_saving(); engine drops the stream
 * @MIG_STEP_RESUME_BEGIN: vendor start_resuming(); engine readies a buffer
 * @MIG_STEP_RESUME_END: engine insists the stream was complete and loaded
 * @MIG_STEP_P2P_ON: vendor set_p2p(true): the device initiates no DMA
 * @MIG_STEP_P2P_OFF: vendor set_p2p(false): it may initiate DMA again
 *		      (nothing for a vendor without set_p2p)
 */
enum vfio_pci_mig_step {
	MIG_STEP_STOP,
	MIG_STEP_START,
	MIG_STEP_SAVE_BEGIN,
	MIG_STEP_SNAPSHOT,
	MIG_STEP_SAVE_END,
	MIG_STEP_RESUME_BEGIN,
	MIG_STEP_RESUME_END,
	MIG_STEP_P2P_ON,
	MIG_STEP_P2P_OFF,
};

#define MIG_MAX_STEPS	3

/* v1 device_state bits (uAPI: VFIO_DEVICE_STATE_V1_*) */
#define MIG_V1_RUNNING	BIT(0)
#define MIG_V1_SAVING	BIT(1)
#define MIG_V1_RESUMING	BIT(2)
#define MIG_V1_MASK	(MIG_V1_RUNNING | MIG_V1_SAVING | MIG_V1_RESUMING)
#define MIG_V1_ERROR	(MIG_V1_SAVING | MIG_V1_RESUMING)

int vfio_pci_mig_plan(enum vfio_pci_mig_state from,
		      enum vfio_pci_mig_state to,
		      enum vfio_pci_mig_step steps[MIG_MAX_STEPS]);
int vfio_pci_mig_from_v1(u32 device_state, enum vfio_pci_mig_state *state);
u32 vfio_pci_mig_to_v1(enum vfio_pci_mig_state state);
const char *vfio_pci_mig_state_name(enum vfio_pci_mig_state state);

static inline bool vfio_pci_mig_state_p2p(enum vfio_pci_mig_state state)
{
	return state == MIG_RUNNING_P2P || state == MIG_PRECOPY_P2P;
}

static inline bool vfio_pci_mig_state_precopy(enum vfio_pci_mig_state state)
{
	return state == MIG_PRECOPY || state == MIG_PRECOPY_P2P;
}

#endif /* VFIO_PCI_MIG_FSM_H */
