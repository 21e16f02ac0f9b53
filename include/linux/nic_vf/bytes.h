/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: little-endian fields of guest messages, descriptors and saved
 * state, read and written on byte buffers.
 */
#ifndef _LINUX_NIC_VF_BYTES_H
#define _LINUX_NIC_VF_BYTES_H

#include <linux/types.h>

/* Little-endian field access on byte buffers (no alignment assumed). */
static inline u16 nic_vf_get16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static inline u32 nic_vf_get32(const u8 *p)
{
	return nic_vf_get16(p) | (u32)nic_vf_get16(p + 2) << 16;
}

static inline u64 nic_vf_get64(const u8 *p)
{
	return nic_vf_get32(p) | (u64)nic_vf_get32(p + 4) << 32;
}

static inline void nic_vf_put16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static inline void nic_vf_put32(u8 *p, u32 v)
{
	nic_vf_put16(p, v & 0xffff);
	nic_vf_put16(p + 2, v >> 16);
}

static inline void nic_vf_put64(u8 *p, u64 v)
{
	nic_vf_put32(p, v & 0xffffffff);
	nic_vf_put32(p + 4, v >> 32);
}

#endif /* _LINUX_NIC_VF_BYTES_H */
