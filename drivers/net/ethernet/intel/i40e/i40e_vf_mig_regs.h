/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the XL710/X722 VF migration driver knows of the VF: its BAR0
 * register map, its descriptor formats and the virtchnl messages its guest
 * driver sends the PF.  Written from the public description of the device
 * (the register map and formats a VF driver relies on); nothing here comes
 * from, or may be mixed with, the i40e driver's private headers.
 *
 * Formats are given as byte offsets into little-endian buffers: the logic
 * reads guest memory and stream bytes, never overlays C structures on them.
 */
#ifndef I40E_VF_MIG_REGS_H
#define I40E_VF_MIG_REGS_H

#include <linux/bits.h>

#define I40E_VFM_VENDOR_ID		0x8086
#define I40E_VFM_DEV_XL710_VF		0x154c	/* XL710/X710 VF */
#define I40E_VFM_DEV_X722_VF		0x37cd

/* ---- BAR0 (64 KiB) ---- */

#define I40E_VFM_BAR			0
#define I40E_VFM_BAR0_LEN		0x10000
#define I40E_VFM_QUEUES			16
#define I40E_VFM_VECTORS		16	/* besides vector 0 */
#define I40E_VFM_ITRS			3

#define I40E_VFM_QTX_TAIL(q)		(0x0000 + 4 * (q))
#define I40E_VFM_QRX_TAIL(q)		(0x2000 + 4 * (q))
#define I40E_VFM_TAIL_MASK		0x1fff
#define I40E_VFM_ITRN(itr, vec)		(0x2800 + 64 * (itr) + 4 * (vec))
#define I40E_VFM_ITR_INTERVAL		0xfff
#define I40E_VFM_DYN_CTLN(vec)		(0x3800 + 4 * (vec))
#define I40E_VFM_ICR0			0x4800	/* read clears: never read */
#define I40E_VFM_ICR0_ENA		0x5000
#define I40E_VFM_ICR0_ENA_CAUSES	0x7fffffffU	/* bit 31 reserved */
#define I40E_VFM_DYN_CTL0		0x5c00

/* Dynamic control: interrupt enable, and "no ITR update" on restore. */
#define I40E_VFM_DYN_INTENA		BIT(0)
#define I40E_VFM_DYN_ITR_NONE		(3 << 3)

/* Admin queues: ATQ carries the guest's messages, ARQ the PF's replies. */
#define I40E_VFM_ARQBAH			0x6000
#define I40E_VFM_ATQH			0x6400
#define I40E_VFM_ATQLEN			0x6800
#define I40E_VFM_ARQBAL			0x6c00
#define I40E_VFM_ARQT			0x7000
#define I40E_VFM_ARQH			0x7400
#define I40E_VFM_ATQBAH			0x7800
#define I40E_VFM_ATQBAL			0x7c00
#define I40E_VFM_ARQLEN			0x8000
#define I40E_VFM_ATQT			0x8400
#define I40E_VFM_RSTAT			0x8800
#define I40E_VFM_AQ_LEN_MASK		0x3ff
#define I40E_VFM_AQ_ENABLE		BIT(31)

#define I40E_VFM_HENA(i)		(0xc400 + 4 * (i))
#define I40E_VFM_HENA_REGS		2
#define I40E_VFM_HKEY(i)		(0xcc00 + 4 * (i))
#define I40E_VFM_HKEY_REGS		13
#define I40E_VFM_HLUT(i)		(0xd000 + 4 * (i))
#define I40E_VFM_HLUT_REGS		16

/* Trapping is per 4 KiB page; these pages hold the tails. */
#define I40E_VFM_PAGE_TX_TAILS		0x0000	/* only TX tails */
#define I40E_VFM_PAGE_RX_TAILS		0x2000	/* RX tails and ITRN */
#define I40E_VFM_PAGE_ARQ_TAIL		0x7000	/* ARQT, ARQH, ATQ base */
#define I40E_VFM_PAGE_ATQ_TAIL		0x8000	/* ATQT, ARQLEN, RSTAT */

/* ---- Data descriptors ---- */

/* TX, 16 bytes: le64 buffer address, le64 type/command/offset/size. */
#define I40E_VFM_TXD_SIZE		16
#define I40E_VFM_TXD_DTYPE_MASK		0xfULL
#define I40E_VFM_TXD_DTYPE_DATA		0x0
#define I40E_VFM_TXD_DTYPE_CONTEXT	0x1
#define I40E_VFM_TXD_DTYPE_DONE		0xf
#define I40E_VFM_TXD_BSZ_SHIFT		34
#define I40E_VFM_TXD_BSZ_MASK		0x3fffULL
#define I40E_VFM_TX_LEN_MULTIPLE	8

/* RX, 32 bytes (the PF always selects them).  As posted: le64 packet
 * buffer, le64 header buffer, 16 reserved bytes.  Written back: the
 * descriptor is overwritten, bit 0 of the second quadword is "done".
 */
#define I40E_VFM_RXD_SIZE		32
#define I40E_VFM_RXD_DD			BIT(0)
#define I40E_VFM_RX_LEN_MULTIPLE	32

#define I40E_VFM_RING_ALIGN		128
#define I40E_VFM_RING_MAX_XL710		8160
#define I40E_VFM_RING_MAX_X722		4096

/* ---- Admin queue descriptor, 32 bytes ---- */

#define I40E_VFM_AQD_SIZE		32
#define I40E_VFM_AQD_FLAGS		0	/* le16 */
#define I40E_VFM_AQD_OPCODE		2	/* le16 */
#define I40E_VFM_AQD_DATALEN		4	/* le16 */
#define I40E_VFM_AQD_COOKIE_HI		8	/* le32: virtchnl opcode */
#define I40E_VFM_AQD_ADDR_HI		24	/* le32 */
#define I40E_VFM_AQD_ADDR_LO		28	/* le32 */

#define I40E_VFM_AQF_DD			BIT(0)
#define I40E_VFM_AQF_RD			BIT(10)	/* buffer is read by firmware */
#define I40E_VFM_AQF_BUF		BIT(12)	/* indirect buffer attached */
#define I40E_VFM_AQF_LB			BIT(9)

#define I40E_VFM_AQ_OP_TO_PF		0x0801
#define I40E_VFM_AQ_OP_TO_VF		0x0802
#define I40E_VFM_AQ_BUF_MAX		4096
#define I40E_VFM_AQ_MAX_LEN		I40E_VFM_AQ_LEN_MASK
#define I40E_VFM_AQ_ALIGN		32

/* ---- virtchnl, VF to PF ---- */

#define I40E_VC_VERSION			1
#define I40E_VC_RESET_VF		2
#define I40E_VC_GET_VF_RESOURCES	3
#define I40E_VC_CONFIG_VSI_QUEUES	6
#define I40E_VC_CONFIG_IRQ_MAP		7
#define I40E_VC_ENABLE_QUEUES		8
#define I40E_VC_DISABLE_QUEUES		9
#define I40E_VC_ADD_ETH_ADDR		10
#define I40E_VC_DEL_ETH_ADDR		11
#define I40E_VC_ADD_VLAN		12
#define I40E_VC_DEL_VLAN		13
#define I40E_VC_CONFIG_PROMISC		14
#define I40E_VC_GET_STATS		15
#define I40E_VC_EVENT			17
#define I40E_VC_CONFIG_RSS_KEY		23
#define I40E_VC_CONFIG_RSS_LUT		24
#define I40E_VC_GET_RSS_HENA_CAPS	25
#define I40E_VC_SET_RSS_HENA		26
#define I40E_VC_ENABLE_VLAN_STRIP	27
#define I40E_VC_DISABLE_VLAN_STRIP	28
#define I40E_VC_REQUEST_QUEUES		29

/* Capabilities a 1.1 guest asks for in GET_VF_RESOURCES. */
#define I40E_VC_CAP_L2			BIT(0)
#define I40E_VC_CAP_RSS_AQ		BIT(3)
#define I40E_VC_CAP_RSS_REG		BIT(4)
#define I40E_VC_CAP_VLAN		BIT(16)
#define I40E_VC_CAP_RSS_PF		BIT(19)
/* What the PF assumes for a 1.0 guest, which sends none. */
#define I40E_VC_CAPS_V10		(I40E_VC_CAP_L2 | I40E_VC_CAP_RSS_REG | \
					 I40E_VC_CAP_VLAN)

/* Message lengths.  The PF accepts exactly these, including one unused
 * trailing element that the protocol's structures have always carried.
 */
#define I40E_VC_VERSION_LEN		8
#define I40E_VC_CAPS_LEN		4
#define I40E_VC_QSEL_LEN		12	/* enable/disable queues */
#define I40E_VC_PROMISC_LEN		4
#define I40E_VC_HENA_LEN		8
#define I40E_VC_REQQ_LEN		2

/* CONFIG_VSI_QUEUES: le16 vsi, le16 pairs, le32 pad, pairs of 64 bytes. */
#define I40E_VC_VSIQ_HDR		8
#define I40E_VC_QPAIR_LEN		64
#define I40E_VC_TXQ_VSI			0	/* le16 */
#define I40E_VC_TXQ_QID			2	/* le16 */
#define I40E_VC_TXQ_RING_LEN		4	/* le16 */
#define I40E_VC_TXQ_HEADWB_EN		6	/* le16 */
#define I40E_VC_TXQ_RING_ADDR		8	/* le64 */
#define I40E_VC_TXQ_HEADWB_ADDR		16	/* le64 */
#define I40E_VC_RXQ			24	/* RX half of a pair */
#define I40E_VC_RXQ_VSI			0	/* le16 */
#define I40E_VC_RXQ_QID			2	/* le16 */
#define I40E_VC_RXQ_RING_LEN		4	/* le32 */
#define I40E_VC_RXQ_HDR_SIZE		8	/* le16 */
#define I40E_VC_RXQ_SPLIT		10	/* le16 */
#define I40E_VC_RXQ_BUF_SIZE		12	/* le32 */
#define I40E_VC_RXQ_MAX_PKT		16	/* le32 */
#define I40E_VC_RXQ_RING_ADDR		24	/* le64 */
#define I40E_VC_RX_BUF_MAX		(16 * 1024 - 128)
#define I40E_VC_RX_HDR_MAX		(2 * 1024 - 64)
#define I40E_VC_RX_PKT_MIN		64
#define I40E_VC_RX_PKT_LIMIT		(16 * 1024)	/* exclusive */

/* CONFIG_IRQ_MAP: le16 count, maps of 12 bytes (six le16). */
#define I40E_VC_IRQMAP_HDR		2
#define I40E_VC_IRQMAP_LEN		12
#define I40E_VC_IRQMAP_MAX		(I40E_VFM_VECTORS + 1)

/* ADD/DEL_ETH_ADDR: le16 vsi, le16 count, entries of 8 (MAC, type, pad). */
#define I40E_VC_ADDR_HDR		4
#define I40E_VC_ADDR_LEN		8
/* ADD/DEL_VLAN: le16 vsi, le16 count, le16 IDs. */
#define I40E_VC_VLAN_HDR		4
#define I40E_VC_VLAN_LEN		2
/* CONFIG_RSS_KEY/LUT: le16 vsi, le16 count, bytes. */
#define I40E_VC_RSS_HDR			4

#endif /* I40E_VF_MIG_REGS_H */
