/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the 82576 VF migration driver knows of the VF: its BAR0 register
 * map, the PF<->VF mailbox and its messages, the descriptor formats.
 * Written for this driver from the device's public description (the
 * register map and formats a VF driver relies on); nothing here comes
 * from, or may be mixed with, the igb or igbvf drivers' headers.
 *
 * Formats are byte offsets into little-endian buffers: the logic reads
 * guest memory and stream bytes, never overlays C structures on them.
 */
#ifndef IGB_VF_MIG_REGS_H
#define IGB_VF_MIG_REGS_H

#include <linux/bits.h>

#define IGB_VFM_VENDOR_ID		0x8086
#define IGB_VFM_DEV_82576_VF		0x10ca

/* ---- BAR0 (16 KiB): registers; BAR3 holds MSI-X ---- */

#define IGB_VFM_BAR			0
#define IGB_VFM_BAR0_LEN		0x4000
#define IGB_VFM_QUEUES			2	/* RX and TX queues of a VF */
#define IGB_VFM_VECTORS			3	/* MSI-X vectors of a VF */

/* Device control: a write with RST resets the VF (the PF is told). */
#define IGB_VFM_CTRL			0x0000
#define IGB_VFM_CTRL_RST		BIT(26)
/* Device status, read only: link up. */
#define IGB_VFM_STATUS			0x0008
#define IGB_VFM_STATUS_LU		BIT(1)

/* Mailbox: 16 dwords shared with the PF, and the VF's control register. */
#define IGB_VFM_MBX_WORDS		16
#define IGB_VFM_MBX_MEM(i)		(0x0800 + 4 * (i))
#define IGB_VFM_MBX_CTL			0x0c40
#define IGB_VFM_MBX_REQ			BIT(0)	/* VF: message for the PF */
#define IGB_VFM_MBX_ACK			BIT(1)	/* VF: PF's message read */
#define IGB_VFM_MBX_VFU			BIT(2)	/* VF holds the buffer */
#define IGB_VFM_MBX_PFU			BIT(3)	/* PF holds the buffer */
#define IGB_VFM_MBX_PFSTS		BIT(4)	/* PF wrote a message */
#define IGB_VFM_MBX_PFACK		BIT(5)	/* PF read the VF's message */
#define IGB_VFM_MBX_RSTI		BIT(6)	/* PF reset in progress */
#define IGB_VFM_MBX_RSTD		BIT(7)	/* PF reset done */
/* Bits a read of the control register clears: never read it to save. */
#define IGB_VFM_MBX_READ_CLEARS		(IGB_VFM_MBX_PFSTS | \
					 IGB_VFM_MBX_PFACK | IGB_VFM_MBX_RSTD)

/* Interrupts (the page between the mailbox and the RX queues). */
#define IGB_VFM_EICS			0x1520	/* cause set, write only */
#define IGB_VFM_EIMS			0x1524	/* mask set; reads the mask */
#define IGB_VFM_EIMC			0x1528	/* mask clear, write only */
#define IGB_VFM_EIAC			0x152c	/* auto clear */
#define IGB_VFM_EIAM			0x1530	/* auto mask */
#define IGB_VFM_EICR			0x1580	/* cause, read clears: never */
#define IGB_VFM_EITR(v)			(0x1680 + 4 * (v))
#define IGB_VFM_IVAR0			0x1700	/* queue causes to vectors */
#define IGB_VFM_IVAR_MISC		0x1740	/* mailbox cause to a vector */
#define IGB_VFM_IVAR_VALID		BIT(7)
#define IGB_VFM_IVAR_VECTOR		0x3
#define IGB_VFM_EIMS_ALL		(BIT(IGB_VFM_VECTORS) - 1)

/* RX queue q: base and length of the ring, buffer sizes, head, tail. */
#define IGB_VFM_RXQ(q)			(0x2800 + 0x100 * (q))
#define IGB_VFM_RDBAL(q)		(IGB_VFM_RXQ(q) + 0x00)
#define IGB_VFM_RDBAH(q)		(IGB_VFM_RXQ(q) + 0x04)
#define IGB_VFM_RDLEN(q)		(IGB_VFM_RXQ(q) + 0x08)
#define IGB_VFM_SRRCTL(q)		(IGB_VFM_RXQ(q) + 0x0c)
#define IGB_VFM_RDH(q)			(IGB_VFM_RXQ(q) + 0x10)
#define IGB_VFM_RDT(q)			(IGB_VFM_RXQ(q) + 0x18)
#define IGB_VFM_RXDCTL(q)		(IGB_VFM_RXQ(q) + 0x28)

/* TX queue q, and its optional head write-back address. */
#define IGB_VFM_TXQ(q)			(0x3800 + 0x100 * (q))
#define IGB_VFM_TDBAL(q)		(IGB_VFM_TXQ(q) + 0x00)
#define IGB_VFM_TDBAH(q)		(IGB_VFM_TXQ(q) + 0x04)
#define IGB_VFM_TDLEN(q)		(IGB_VFM_TXQ(q) + 0x08)
#define IGB_VFM_TDH(q)			(IGB_VFM_TXQ(q) + 0x10)
#define IGB_VFM_TDT(q)			(IGB_VFM_TXQ(q) + 0x18)
#define IGB_VFM_TXDCTL(q)		(IGB_VFM_TXQ(q) + 0x28)
#define IGB_VFM_TDWBAL(q)		(IGB_VFM_TXQ(q) + 0x38)
#define IGB_VFM_TDWBAH(q)		(IGB_VFM_TXQ(q) + 0x3c)
#define IGB_VFM_TDWBAL_EN		BIT(0)
#define IGB_VFM_TDWBAL_ADDR		(~0x3U)

/* Offsets within a queue's block (RX at 0x2800, TX at 0x3800, 0x100 each). */
#define IGB_VFM_Q_BAL			0x00
#define IGB_VFM_Q_BAH			0x04
#define IGB_VFM_Q_LEN			0x08
#define IGB_VFM_Q_SRRCTL		0x0c
#define IGB_VFM_Q_HEAD			0x10
#define IGB_VFM_Q_TAIL			0x18
#define IGB_VFM_Q_DCTL			0x28
#define IGB_VFM_Q_WBAL			0x38
#define IGB_VFM_Q_WBAH			0x3c

#define IGB_VFM_QUEUE_ENABLE		BIT(25)	/* in RXDCTL and TXDCTL */
/* Reads of a queue's control register until its enable bit reads 0. */
#define IGB_VFM_STOP_POLLS		16
/* What the device keeps of ring base, length and tail writes. */
#define IGB_VFM_BAL_MASK		(~0xfU)
#define IGB_VFM_LEN_MASK		0xffff0U
#define IGB_VFM_TAIL_MASK		0xffffU

/* SRRCTL: packet buffer size in KiB, header buffer size, descriptor type. */
#define IGB_VFM_SRRCTL_BSIZEPKT		0x7fU
#define IGB_VFM_SRRCTL_BSIZEPKT_SHIFT	10	/* to bytes */
#define IGB_VFM_SRRCTL_BSIZEHDR		0xf00U
#define IGB_VFM_SRRCTL_BSIZEHDR_SHIFT	2	/* to bytes, left */
#define IGB_VFM_DESCTYPE(t)		((u32)(t) << 25)
#define IGB_VFM_SRRCTL_DESCTYPE		IGB_VFM_DESCTYPE(7)
#define IGB_VFM_DESCTYPE_LEGACY		IGB_VFM_DESCTYPE(0)
#define IGB_VFM_DESCTYPE_ONEBUF		IGB_VFM_DESCTYPE(1)
#define IGB_VFM_DESCTYPE_SPLIT		IGB_VFM_DESCTYPE(2)
#define IGB_VFM_DESCTYPE_SPLIT_ALWAYS	IGB_VFM_DESCTYPE(5)
/* Without a per-queue size the PF's receive control decides: at most. */
#define IGB_VFM_RX_BUF_MAX		16384

/* Trapping is per 4 KiB page: the mailbox and the RX queues. */
#define IGB_VFM_PAGE_MBX		0x0000	/* CTRL, STATUS, mailbox */
#define IGB_VFM_PAGE_IRQ		0x1000	/* interrupts: never trapped */
#define IGB_VFM_PAGE_RXQ		0x2000
#define IGB_VFM_PAGE_TXQ		0x3000	/* never trapped: read instead */

/* ---- Descriptors, 16 bytes ---- */

#define IGB_VFM_DESC_SIZE		16
#define IGB_VFM_RING_ALIGN		16	/* the device ignores bits 3:0 */
#define IGB_VFM_RING_MAX		(IGB_VFM_LEN_MASK / IGB_VFM_DESC_SIZE)

/* RX, advanced, as posted: le64 packet buffer, le64 header buffer (bit 0
 * must be clear).  Written back, the second quadword holds the status:
 * bit 0 "done".  Legacy (DESCTYPE 0, not in QEMU's model): le64 buffer,
 * then the status at byte 12, bit 0 "done".
 */
#define IGB_VFM_RXD_PKT			0
#define IGB_VFM_RXD_HDR			8
#define IGB_VFM_RXD_DD			BIT(0)	/* byte 8 */
#define IGB_VFM_RXD_LEGACY_STATUS	12

/* TX, as posted: le64 buffer, le32 command/type/length, le32 offload and
 * status; the device writes the status back (bit 0 of byte 12 "done").
 * TX buffers are only read.
 */
#define IGB_VFM_TXD_STATUS		12
#define IGB_VFM_TXD_DD			BIT(0)

/* ---- Mailbox messages, VF to PF ---- */

/* Word 0: the message type in bits 15:0, an argument in bits 23:16, and
 * in the PF's answer one of ACK or NACK, with CTS while the VF may talk.
 */
#define IGB_VFM_MSG_TYPE		0xffffU
#define IGB_VFM_MSG_INFO_SHIFT		16
#define IGB_VFM_MSG_INFO		(0xffU << IGB_VFM_MSG_INFO_SHIFT)
#define IGB_VFM_MSG_ACK			BIT(31)
#define IGB_VFM_MSG_NACK		BIT(30)
#define IGB_VFM_MSG_CTS			BIT(29)

#define IGB_VFM_MSG_RESET		0x01	/* reset done; PF answers MAC */
#define IGB_VFM_MSG_SET_MAC		0x02	/* info: see below; MAC */
#define IGB_VFM_MSG_SET_MULTICAST	0x03	/* info: count; le16 hashes */
#define IGB_VFM_MSG_SET_VLAN		0x04	/* info: 1 add; le32 VLAN ID */
#define IGB_VFM_MSG_SET_LPE		0x05	/* le32 largest frame */
#define IGB_VFM_MSG_SET_PROMISC		0x06	/* info: modes */
#define IGB_VFM_MSG_PF_CONTROL		0x0100	/* from the PF */

/* SET_MAC arguments: the VF's address, or its extra unicast filters. */
#define IGB_VFM_MAC_PRIMARY		0
#define IGB_VFM_MAC_FILTER_CLEAR	1
#define IGB_VFM_MAC_FILTER_ADD		2
/* SET_PROMISC argument bits; the 6.1 PF applies only multicast. */
#define IGB_VFM_PROMISC_UNICAST		BIT(0)
#define IGB_VFM_PROMISC_MULTICAST	BIT(1)

#define IGB_VFM_MC_HASHES		30	/* the PF keeps this many */
#define IGB_VFM_VLAN_ID			0xfffU
#define IGB_VFM_FRAME_MAX		9216	/* the PF caps the frame size */

#endif /* IGB_VF_MIG_REGS_H */
