// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VF's register save set, described by the driver's table.
 *
 * Saved register set: le16 version, le16 blocks, le32 values, then each
 * block's le32 offset, le16 count, le16 stride, then the values (le32).
 * The layout is carried so that a destination refuses a set taken with a
 * different table instead of writing values to the wrong registers.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf/bytes.h>
#include <linux/nic_vf/regs.h>

#define REGS_HDR_LEN	8
#define BLOCK_LEN	8

/**
 * nic_vf_regs_count() - registers a table describes
 * @blocks: the table
 * @nr: entries
 *
 * Return: the number of values nic_vf_regs_snapshot() stores.
 */
unsigned int nic_vf_regs_count(const struct nic_vf_reg_block *blocks,
			       unsigned int nr)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		n += blocks[i].count;
	return n;
}
EXPORT_SYMBOL_GPL(nic_vf_regs_count);

/**
 * nic_vf_regs_snapshot() - read every register of a table
 * @seam: the VF's seam
 * @blocks: the table (it must not list registers whose read has side
 *          effects, such as read-to-clear causes)
 * @nr: entries
 * @vals: nic_vf_regs_count() values, in table order
 */
void nic_vf_regs_snapshot(const struct nic_vf_seam *seam,
			  const struct nic_vf_reg_block *blocks,
			  unsigned int nr, u32 *vals)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++)
		for (j = 0; j < blocks[i].count; j++)
			*vals++ = seam->ops->reg_read(seam->ctx,
						      blocks[i].offset +
						      j * blocks[i].stride);
}
EXPORT_SYMBOL_GPL(nic_vf_regs_snapshot);

/**
 * nic_vf_regs_restore() - write saved registers back
 * @seam: the VF's seam
 * @blocks: the table
 * @nr: entries
 * @vals: values from nic_vf_regs_snapshot() or nic_vf_regs_load()
 * @groups: BIT(group) of each restore group to write
 *
 * Each register of a selected group gets (saved & keep) | set.
 */
void nic_vf_regs_restore(const struct nic_vf_seam *seam,
			 const struct nic_vf_reg_block *blocks,
			 unsigned int nr, const u32 *vals, u32 groups)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		const struct nic_vf_reg_block *b = &blocks[i];
		bool on = b->group != NIC_VF_REG_SAVE_ONLY &&
			  (groups & BIT(b->group));

		for (j = 0; j < b->count; j++, vals++)
			if (on)
				seam->ops->reg_write(seam->ctx,
						     b->offset + j * b->stride,
						     (*vals & b->keep) | b->set);
	}
}
EXPORT_SYMBOL_GPL(nic_vf_regs_restore);

/**
 * nic_vf_regs_save_len() - bytes nic_vf_regs_save() writes for a table
 * @blocks: the table
 * @nr: entries
 *
 * Return: the length of the saved set.
 */
size_t nic_vf_regs_save_len(const struct nic_vf_reg_block *blocks,
			    unsigned int nr)
{
	return REGS_HDR_LEN + nr * BLOCK_LEN + nic_vf_regs_count(blocks, nr) * 4;
}
EXPORT_SYMBOL_GPL(nic_vf_regs_save_len);

/**
 * nic_vf_regs_save() - serialise saved registers with their layout
 * @blocks: the table
 * @nr: entries
 * @vals: the values
 * @buf: destination
 * @len: its size
 *
 * Return: bytes written, -ENOSPC, or -EINVAL for a table too large.
 */
ssize_t nic_vf_regs_save(const struct nic_vf_reg_block *blocks,
			 unsigned int nr, const u32 *vals, void *buf,
			 size_t len)
{
	unsigned int n = nic_vf_regs_count(blocks, nr), i;
	size_t need = nic_vf_regs_save_len(blocks, nr);
	u8 *p = buf;

	if (nr > U16_MAX || n > NIC_VF_REGS_MAX)
		return -EINVAL;
	if (len < need)
		return -ENOSPC;
	nic_vf_put16(p, NIC_VF_REGS_VERSION);
	nic_vf_put16(p + 2, nr);
	nic_vf_put32(p + 4, n);
	p += REGS_HDR_LEN;
	for (i = 0; i < nr; i++, p += BLOCK_LEN) {
		nic_vf_put32(p, blocks[i].offset);
		nic_vf_put16(p + 4, blocks[i].count);
		nic_vf_put16(p + 6, blocks[i].stride);
	}
	for (i = 0; i < n; i++, p += 4)
		nic_vf_put32(p, vals[i]);
	return need;
}
EXPORT_SYMBOL_GPL(nic_vf_regs_save);

/**
 * nic_vf_regs_load() - parse saved registers taken with the same table
 * @blocks: the table
 * @nr: entries
 * @vals: filled with nic_vf_regs_count() values; untouched on error
 * @buf: the saved set
 * @len: its exact length
 *
 * Return: 0, or -EINVAL for another version, another table or length.
 */
int nic_vf_regs_load(const struct nic_vf_reg_block *blocks, unsigned int nr,
		     u32 *vals, const void *buf, size_t len)
{
	unsigned int n = nic_vf_regs_count(blocks, nr), i;
	const u8 *p = buf;

	if (len < REGS_HDR_LEN || nic_vf_get16(p) != NIC_VF_REGS_VERSION ||
	    nic_vf_get16(p + 2) != nr || nic_vf_get32(p + 4) != n ||
	    len != REGS_HDR_LEN + (size_t)nr * BLOCK_LEN + (size_t)n * 4)
		return -EINVAL;
	p += REGS_HDR_LEN;
	for (i = 0; i < nr; i++, p += BLOCK_LEN)
		if (nic_vf_get32(p) != blocks[i].offset ||
		    nic_vf_get16(p + 4) != blocks[i].count ||
		    nic_vf_get16(p + 6) != blocks[i].stride)
			return -EINVAL;
	for (i = 0; i < n; i++, p += 4)
		vals[i] = nic_vf_get32(p);
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_regs_load);
