/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: the administrator's settings of a VF (MAC, VLAN, QoS, spoof
 * check, trust, link state, rate): read from the PF, saved in the stream,
 * applied or verified on a destination.
 */
#ifndef _LINUX_NIC_VF_ADMIN_H
#define _LINUX_NIC_VF_ADMIN_H

#include <linux/bits.h>
#include <linux/types.h>

struct nic_vf_seam;

/* The settings, in the order they are applied on a destination. */
enum nic_vf_admin_field {
	NIC_VF_ADMIN_MAC,
	NIC_VF_ADMIN_VLAN,	/* VLAN ID, QoS and protocol together */
	NIC_VF_ADMIN_RATE,	/* min and max TX rate together */
	NIC_VF_ADMIN_SPOOFCHK,
	NIC_VF_ADMIN_TRUST,
	NIC_VF_ADMIN_LINK,
	NIC_VF_ADMIN_NR,
};

#define NIC_VF_ADMIN_ALL	((1U << NIC_VF_ADMIN_NR) - 1)

/* Link state values, as IFLA_VF_LINK_STATE_* numbers them. */
#define NIC_VF_LINK_AUTO	0
#define NIC_VF_LINK_ENABLE	1
#define NIC_VF_LINK_DISABLE	2

#define NIC_VF_VLAN_PROTO_8021Q		0x8100
#define NIC_VF_VLAN_PROTO_8021AD	0x88a8

#define NIC_VF_ETH_ALEN		6

/**
 * struct nic_vf_admin - what the host administrator set for one VF
 * @valid: BIT(enum nic_vf_admin_field) of each field the PF reported
 * @mac: MAC address (all zero: none set)
 * @vlan: port VLAN ID, 0 for none
 * @qos: 802.1p priority of the port VLAN
 * @vlan_proto: NIC_VF_VLAN_PROTO_8021Q or _8021AD (host byte order)
 * @min_tx_rate: Mbit/s, 0 for none
 * @max_tx_rate: Mbit/s, 0 for none
 * @spoofchk: MAC/VLAN anti-spoof checking on
 * @trusted: VF trusted (may change its MAC, go promiscuous)
 * @link_state: NIC_VF_LINK_*
 */
struct nic_vf_admin {
	u32 valid;
	u8 mac[NIC_VF_ETH_ALEN];
	u16 vlan;
	u8 qos;
	u16 vlan_proto;
	u32 min_tx_rate;
	u32 max_tx_rate;
	bool spoofchk;
	bool trusted;
	u8 link_state;
};

/* Serialised size of struct nic_vf_admin, format version 1. */
#define NIC_VF_ADMIN_REC_LEN	32
#define NIC_VF_ADMIN_REC_VERSION	1

/**
 * struct nic_vf_admin_result - what nic_vf_admin_apply() or
 *                              nic_vf_admin_verify() found, per field
 * @applied: fields set through the PF
 * @unchanged: fields already as wanted (not touched, so no VF reset)
 * @unsupported: fields the PF has no operation for, or does not report
 *               (tolerated)
 * @differ: fields the destination PF reports otherwise (verify only)
 */
struct nic_vf_admin_result {
	u32 applied;
	u32 unchanged;
	u32 unsupported;
	u32 differ;
};

int nic_vf_admin_read(const struct nic_vf_seam *seam,
		      struct nic_vf_admin *admin);
ssize_t nic_vf_admin_save(const struct nic_vf_admin *admin, void *buf,
			  size_t len);
int nic_vf_admin_load(struct nic_vf_admin *admin, const void *buf,
		      size_t len);
int nic_vf_admin_apply(const struct nic_vf_seam *seam,
		       const struct nic_vf_admin *want,
		       struct nic_vf_admin_result *res);
int nic_vf_admin_verify(const struct nic_vf_seam *seam,
			const struct nic_vf_admin *want,
			struct nic_vf_admin_result *res);
const char *nic_vf_admin_field_name(enum nic_vf_admin_field field);

#endif /* _LINUX_NIC_VF_ADMIN_H */
