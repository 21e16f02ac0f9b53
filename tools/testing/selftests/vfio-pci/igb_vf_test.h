/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the test programs that play an 82576 VF's guest driver share: RX
 * queue 0's registers (the datasheet's map), setting that queue up, and
 * the v1 migration region's state register.
 */
#ifndef IGB_VF_TEST_H
#define IGB_VF_TEST_H

#include <stdint.h>

#include "vfio_dev.h"

#define IGB_STATUS		0x0008
#define IGB_RXQ_PAGE		0x2000
#define IGB_RDBAL		0x2800
#define IGB_RDBAH		0x2804
#define IGB_RDLEN		0x2808
#define IGB_SRRCTL		0x280c
#define IGB_RDH			0x2810
#define IGB_RDT			0x2818
#define IGB_RXDCTL		0x2828
#define IGB_QUEUE_ENABLE	0x02000000U
#define IGB_SRRCTL_2K		0x02000002U	/* 2 KiB, one buffer, advanced */
#define IGB_SRRCTL_4K		0x02000004U	/* 4 KiB */
#define IGB_DESC_SIZE		16

#define V1_STATE		0x00
#define V1_PENDING		0x08
#define V1_RUNNING		1
#define V1_SAVING		2

/* Disable RX queue 0, give it @ring descriptors at @iova, enable it. */
static inline int igb_rx_setup(struct vfio_dev *d, uint64_t iova,
			       uint32_t ring, uint32_t srrctl)
{
	const struct { uint32_t reg, val; } steps[] = {
		{ IGB_RXDCTL, 0 },
		{ IGB_RDBAL, (uint32_t)iova },
		{ IGB_RDBAH, iova >> 32 },
		{ IGB_RDLEN, ring * IGB_DESC_SIZE },
		{ IGB_SRRCTL, srrctl },
		{ IGB_RDH, 0 },
		{ IGB_RDT, 0 },
		{ IGB_RXDCTL, IGB_QUEUE_ENABLE },
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(steps); i++)
		ret = vfio_write32(d, 0, steps[i].reg, steps[i].val);
	return ret;
}

/* The v1 migration region's device state. */
static inline int v1_state(struct vfio_dev *d, int index, uint32_t state)
{
	return vfio_region_write(d, index, V1_STATE, &state, sizeof(state));
}

#endif
