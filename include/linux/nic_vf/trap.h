/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: which register pages a driver traps.
 */
#ifndef _LINUX_NIC_VF_TRAP_H
#define _LINUX_NIC_VF_TRAP_H

#include <linux/types.h>

/* Trapping is per 4 KiB page, the VF BAR's smallest unit. */
#define NIC_VF_TRAP_PAGE	0x1000

/**
 * struct nic_vf_trap - a range of the register BAR to trap
 * @offset: start
 * @len: length
 */
struct nic_vf_trap {
	u32 offset;
	u32 len;
};

#define NIC_VF_MAX_TRAPS	4

#endif /* _LINUX_NIC_VF_TRAP_H */
