/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: a register save set described by a table.
 */
#ifndef _LINUX_NIC_VF_REGS_H
#define _LINUX_NIC_VF_REGS_H

#include <linux/types.h>
#include <linux/nic_vf/seam.h>

/**
 * struct nic_vf_reg_block - registers saved and restored alike
 * @offset: of the first register in the BAR
 * @count: registers
 * @stride: bytes between them
 * @keep: bits of the saved value written back on restore
 * @set: bits always set on restore (e.g. "do not update" selectors)
 * @group: restore group: restored only when BIT(@group) is asked for;
 *         NIC_VF_REG_SAVE_ONLY for registers only saved
 */
struct nic_vf_reg_block {
	u32 offset;
	u16 count;
	u16 stride;
	u32 keep;
	u32 set;
	u8 group;
};

#define NIC_VF_REG_SAVE_ONLY	31
#define NIC_VF_REGS_MAX		512
#define NIC_VF_REGS_VERSION	1

unsigned int nic_vf_regs_count(const struct nic_vf_reg_block *blocks,
			       unsigned int nr);
size_t nic_vf_regs_save_len(const struct nic_vf_reg_block *blocks,
			    unsigned int nr);
void nic_vf_regs_snapshot(const struct nic_vf_seam *seam,
			  const struct nic_vf_reg_block *blocks,
			  unsigned int nr, u32 *vals);
void nic_vf_regs_restore(const struct nic_vf_seam *seam,
			 const struct nic_vf_reg_block *blocks,
			 unsigned int nr, const u32 *vals, u32 groups);
ssize_t nic_vf_regs_save(const struct nic_vf_reg_block *blocks,
			 unsigned int nr, const u32 *vals, void *buf,
			 size_t len);
int nic_vf_regs_load(const struct nic_vf_reg_block *blocks, unsigned int nr,
		     u32 *vals, const void *buf, size_t len);

#endif /* _LINUX_NIC_VF_REGS_H */
