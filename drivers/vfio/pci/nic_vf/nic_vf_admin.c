// SPDX-License-Identifier: GPL-2.0-only
/*
 * The administrator's settings of a VF: read from the PF on the source,
 * carried in the stream as a small versioned record, re-applied through the
 * PF on the destination before anything of the guest's is restored.
 *
 * Record, format version 1, little endian, NIC_VF_ADMIN_REC_LEN bytes:
 *
 *   0  le16 version      2  le16 length       4  le32 valid
 *   8  u8 mac[6]        14  u8 qos           15  u8 link_state
 *  16  le16 vlan        18  le16 vlan_proto  20  le32 min_tx_rate
 *  24  le32 max_tx_rate 28  u8 spoofchk      29  u8 trusted
 *  30  le16 reserved (zero)
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <linux/nic_vf/admin.h>
#include <linux/nic_vf/bytes.h>
#include <linux/nic_vf/seam.h>

#define VLAN_ID_MAX	4095
#define QOS_MAX		7

/* Values a PF could have reported and a destination PF could accept. */
static int admin_check(const struct nic_vf_admin *a)
{
	if (a->valid & ~NIC_VF_ADMIN_ALL)
		return -EINVAL;
	/* A multicast address is never a VF's own. */
	if ((a->valid & BIT(NIC_VF_ADMIN_MAC)) && (a->mac[0] & 1))
		return -EINVAL;
	if ((a->valid & BIT(NIC_VF_ADMIN_VLAN)) &&
	    (a->vlan > VLAN_ID_MAX || a->qos > QOS_MAX ||
	     (a->vlan_proto != NIC_VF_VLAN_PROTO_8021Q &&
	      a->vlan_proto != NIC_VF_VLAN_PROTO_8021AD)))
		return -EINVAL;
	if ((a->valid & BIT(NIC_VF_ADMIN_LINK)) &&
	    a->link_state > NIC_VF_LINK_DISABLE)
		return -EINVAL;
	return 0;
}

/**
 * nic_vf_admin_read() - read a VF's administrator settings from its PF
 * @seam: the VF's seam
 * @admin: filled in; @admin->valid tells which fields the PF reported
 *
 * Return: 0 or the PF's error.
 */
int nic_vf_admin_read(const struct nic_vf_seam *seam,
		      struct nic_vf_admin *admin)
{
	int ret;

	memset(admin, 0, sizeof(*admin));
	ret = seam->ops->pf_get(seam->ctx, admin);
	if (ret) {
		memset(admin, 0, sizeof(*admin));
		return ret;
	}
	admin->valid &= NIC_VF_ADMIN_ALL;
	/* Some PFs leave the protocol out: 802.1Q is what they mean. */
	if ((admin->valid & BIT(NIC_VF_ADMIN_VLAN)) && !admin->vlan_proto)
		admin->vlan_proto = NIC_VF_VLAN_PROTO_8021Q;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_admin_read);

/**
 * nic_vf_admin_save() - serialise administrator settings
 * @admin: the settings
 * @buf: destination
 * @len: its size
 *
 * Return: bytes written (NIC_VF_ADMIN_REC_LEN), -ENOSPC if @len is too
 * small, -EINVAL if the settings could not be loaded back.
 */
ssize_t nic_vf_admin_save(const struct nic_vf_admin *admin, void *buf,
			  size_t len)
{
	u8 *p = buf;

	if (admin_check(admin))
		return -EINVAL;
	if (len < NIC_VF_ADMIN_REC_LEN)
		return -ENOSPC;
	memset(p, 0, NIC_VF_ADMIN_REC_LEN);
	nic_vf_put16(p, NIC_VF_ADMIN_REC_VERSION);
	nic_vf_put16(p + 2, NIC_VF_ADMIN_REC_LEN);
	nic_vf_put32(p + 4, admin->valid);
	memcpy(p + 8, admin->mac, NIC_VF_ETH_ALEN);
	p[14] = admin->qos;
	p[15] = admin->link_state;
	nic_vf_put16(p + 16, admin->vlan);
	nic_vf_put16(p + 18, admin->vlan_proto);
	nic_vf_put32(p + 20, admin->min_tx_rate);
	nic_vf_put32(p + 24, admin->max_tx_rate);
	p[28] = admin->spoofchk;
	p[29] = admin->trusted;
	return NIC_VF_ADMIN_REC_LEN;
}
EXPORT_SYMBOL_GPL(nic_vf_admin_save);

/**
 * nic_vf_admin_load() - parse and check a serialised record
 * @admin: filled in on success, untouched on error
 * @buf: the record
 * @len: its exact length
 *
 * Return: 0, or -EINVAL for a record of another length or version, with
 * reserved bits set, or with a value no PF accepts.
 */
int nic_vf_admin_load(struct nic_vf_admin *admin, const void *buf,
		      size_t len)
{
	const u8 *p = buf;
	struct nic_vf_admin a = {};

	if (len != NIC_VF_ADMIN_REC_LEN ||
	    nic_vf_get16(p) != NIC_VF_ADMIN_REC_VERSION ||
	    nic_vf_get16(p + 2) != NIC_VF_ADMIN_REC_LEN ||
	    nic_vf_get16(p + 30) || p[28] > 1 || p[29] > 1)
		return -EINVAL;
	a.valid = nic_vf_get32(p + 4);
	memcpy(a.mac, p + 8, NIC_VF_ETH_ALEN);
	a.qos = p[14];
	a.link_state = p[15];
	a.vlan = nic_vf_get16(p + 16);
	a.vlan_proto = nic_vf_get16(p + 18);
	a.min_tx_rate = nic_vf_get32(p + 20);
	a.max_tx_rate = nic_vf_get32(p + 24);
	a.spoofchk = p[28];
	a.trusted = p[29];
	if (admin_check(&a))
		return -EINVAL;
	*admin = a;
	return 0;
}
EXPORT_SYMBOL_GPL(nic_vf_admin_load);

static bool field_equal(const struct nic_vf_admin *a,
			const struct nic_vf_admin *b,
			enum nic_vf_admin_field f)
{
	switch (f) {
	case NIC_VF_ADMIN_MAC:
		return !memcmp(a->mac, b->mac, NIC_VF_ETH_ALEN);
	case NIC_VF_ADMIN_VLAN:
		return a->vlan == b->vlan && a->qos == b->qos &&
		       a->vlan_proto == b->vlan_proto;
	case NIC_VF_ADMIN_RATE:
		return a->min_tx_rate == b->min_tx_rate &&
		       a->max_tx_rate == b->max_tx_rate;
	case NIC_VF_ADMIN_SPOOFCHK:
		return a->spoofchk == b->spoofchk;
	case NIC_VF_ADMIN_TRUST:
		return a->trusted == b->trusted;
	case NIC_VF_ADMIN_LINK:
		return a->link_state == b->link_state;
	default:
		return false;
	}
}

/**
 * nic_vf_admin_apply() - make a VF's administrator settings what they were
 * @seam: the destination VF's seam
 * @want: the settings read on the source
 * @res: filled in with what was done to each field (may be NULL)
 *
 * Only fields that differ from what the destination PF reports now are set
 * (on some PFs each set resets the VF), in enum nic_vf_admin_field order.
 * A field the PF cannot set (-EOPNOTSUPP) is skipped and reported in
 * @res->unsupported; any other refusal stops here.
 *
 * Return: 0, or the first error of the PF other than -EOPNOTSUPP.
 */
int nic_vf_admin_apply(const struct nic_vf_seam *seam,
		       const struct nic_vf_admin *want,
		       struct nic_vf_admin_result *res)
{
	struct nic_vf_admin_result r = {};
	struct nic_vf_admin cur;
	int f, ret = 0;

	if (admin_check(want))
		return -EINVAL;
	/* A PF that cannot report is set field by field, blindly. */
	if (nic_vf_admin_read(seam, &cur))
		cur.valid = 0;

	for (f = 0; f < NIC_VF_ADMIN_NR; f++) {
		if (!(want->valid & BIT(f)))
			continue;
		if ((cur.valid & BIT(f)) && field_equal(want, &cur, f)) {
			r.unchanged |= BIT(f);
			continue;
		}
		ret = seam->ops->pf_set(seam->ctx, f, want);
		if (ret == -EOPNOTSUPP) {
			r.unsupported |= BIT(f);
			ret = 0;
			continue;
		}
		if (ret)
			break;
		r.applied |= BIT(f);
	}
	if (res)
		*res = r;
	return ret;
}
EXPORT_SYMBOL_GPL(nic_vf_admin_apply);

/**
 * nic_vf_admin_verify() - does a VF already carry the source's settings?
 * @seam: the destination VF's seam
 * @want: the settings read on the source
 * @res: filled in: @res->differ names the fields the destination PF reports
 *       otherwise, @res->unsupported those it does not report (may be NULL)
 *
 * The default policy of a destination: the administrator (or libvirt, as
 * it does for a hostdev interface) sets the VF up before the migration;
 * the stream only confirms it.  Nothing is changed.
 *
 * Return: 0 if every field the PF reports matches; -EPERM if one differs;
 * -EINVAL for settings no PF could have reported; or the PF's error.
 */
int nic_vf_admin_verify(const struct nic_vf_seam *seam,
			const struct nic_vf_admin *want,
			struct nic_vf_admin_result *res)
{
	struct nic_vf_admin_result r = {};
	struct nic_vf_admin cur;
	int f, ret;

	if (admin_check(want))
		return -EINVAL;
	ret = nic_vf_admin_read(seam, &cur);
	if (ret)
		return ret;
	for (f = 0; f < NIC_VF_ADMIN_NR; f++) {
		if (!(want->valid & BIT(f)))
			continue;
		if (!(cur.valid & BIT(f)))
			r.unsupported |= BIT(f);
		else if (field_equal(want, &cur, f))
			r.unchanged |= BIT(f);
		else
			r.differ |= BIT(f);
	}
	if (res)
		*res = r;
	return r.differ ? -EPERM : 0;
}
EXPORT_SYMBOL_GPL(nic_vf_admin_verify);

/**
 * nic_vf_admin_field_name() - a setting's name, as "ip link" spells it
 * @field: the setting
 *
 * Return: "mac", "vlan", "rate", "spoofchk", "trust", "state" or "?".
 */
const char *nic_vf_admin_field_name(enum nic_vf_admin_field field)
{
	switch (field) {
	case NIC_VF_ADMIN_MAC:
		return "mac";
	case NIC_VF_ADMIN_VLAN:
		return "vlan";
	case NIC_VF_ADMIN_RATE:
		return "rate";
	case NIC_VF_ADMIN_SPOOFCHK:
		return "spoofchk";
	case NIC_VF_ADMIN_TRUST:
		return "trust";
	case NIC_VF_ADMIN_LINK:
		return "state";
	default:
		return "?";
	}
}
EXPORT_SYMBOL_GPL(nic_vf_admin_field_name);
