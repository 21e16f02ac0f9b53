/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's "edu" device: IDs, BAR0 registers and the DMA buffer, as the
 * samples, the in-guest tests and the nested guest's program use them.
 * Plain defines, usable from kernel and userspace C alike.
 */
#ifndef EDU_REGS_H
#define EDU_REGS_H

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8
#define EDU_ID_VALUE		0x010000ed	/* what EDU_ID reads */

/* BAR0 (1 MiB); below 0x80 only 4-byte accesses, 4 or 8 above */
#define EDU_BAR0_SIZE		0x100000
#define EDU_ID			0x00
#define EDU_LIVENESS		0x04	/* reads back the inverse of the write */
#define EDU_FACTORIAL		0x08	/* write n, read n! once computed */
#define EDU_STATUS		0x20
#define  EDU_STATUS_COMPUTING	0x01
#define  EDU_STATUS_IRQFACT	0x80	/* raise EDU_IRQ_FACT when computed */
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60	/* ORed into the irq status */
#define EDU_IRQ_ACK		0x64	/* cleared from the irq status */
#define  EDU_IRQ_FACT		0x001
#define  EDU_IRQ_DMA		0x100
#define EDU_DMA_SRC		0x80	/* 64-bit registers */
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_DMA_RUN		0x1	/* ignored without it; clears when done */
#define  EDU_DMA_TO_RAM		0x2	/* else RAM to device */
#define  EDU_DMA_IRQ		0x4	/* raise EDU_IRQ_DMA when done */

/*
 * The device's 4 KiB DMA buffer, as its DMA engine addresses it.  QEMU's
 * model aborts on a transfer that ends exactly at the buffer's end, so its
 * last byte is out of reach: at most EDU_BUF_USABLE bytes move at once.
 */
#define EDU_BUF_BASE		0x40000
#define EDU_BUF_SIZE		4096
#define EDU_BUF_USABLE		(EDU_BUF_SIZE - 1)

#endif /* EDU_REGS_H */
