// SPDX-License-Identifier: GPL-2.0-only
/*
 * Encoding and validation of the migration engine's device-state stream
 * (layout in vfio_pci_mig_stream.h).  Pure logic, shared with the userspace
 * unit tests: nothing here allocates, sleeps or trusts a length it has not
 * checked against the buffer it holds.
 */
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vfio_pci_mig_stream.h"

#define HDR_SIZE	sizeof(struct vfio_pci_mig_hdr)
#define SECT_SIZE	sizeof(struct vfio_pci_mig_sect)
#define TRAILER_SIZE	sizeof(struct vfio_pci_mig_trailer)

static size_t pad8(size_t n)
{
	return (n + VFIO_PCI_MIG_ALIGN - 1) & ~(size_t)(VFIO_PCI_MIG_ALIGN - 1);
}

static u32 stream_crc(const void *buf, size_t len)
{
	return ~crc32_le(~0U, buf, len);
}

/**
 * vfio_pci_mig_writer_init() - start a stream in @buf
 * @w: writer state
 * @buf: destination, 8-byte aligned
 * @cap: its size
 *
 * Return: 0, or -ENOSPC if @cap cannot hold even an empty stream.
 */
int vfio_pci_mig_writer_init(struct vfio_pci_mig_writer *w, void *buf,
			     size_t cap)
{
	memset(w, 0, sizeof(*w));
	if (cap < VFIO_PCI_MIG_MIN_LEN)
		return -ENOSPC;
	w->buf = buf;
	w->cap = cap;
	w->len = HDR_SIZE;
	memset(buf, 0, HDR_SIZE);
	return 0;
}

/**
 * vfio_pci_mig_section_begin() - where the next section's payload goes
 * @w: writer state
 * @space: set to the most payload bytes the section can take
 *
 * Return: the payload area, or NULL if there is no room for another
 * section (or one is already begun).
 */
void *vfio_pci_mig_section_begin(struct vfio_pci_mig_writer *w, size_t *space)
{
	size_t reserve = w->len + SECT_SIZE + TRAILER_SIZE;

	*space = 0;
	if (w->open || reserve >= w->cap)
		return NULL;
	*space = (w->cap - reserve) & ~(size_t)(VFIO_PCI_MIG_ALIGN - 1);
	if (!*space)
		return NULL;
	w->open = true;
	return w->buf + w->len + SECT_SIZE;
}

/**
 * vfio_pci_mig_section_end() - close the section begun last
 * @w: writer state
 * @used: payload bytes written, at most the space section_begin gave
 *
 * Return: 0, -EINVAL if no section is open, -ENOSPC if @used is too large.
 */
int vfio_pci_mig_section_end(struct vfio_pci_mig_writer *w, size_t used)
{
	struct vfio_pci_mig_sect *s = (void *)(w->buf + w->len);
	size_t padded = pad8(used);

	if (!w->open)
		return -EINVAL;
	w->open = false;
	if (used > U32_MAX ||
	    w->len + SECT_SIZE + padded + TRAILER_SIZE > w->cap)
		return -ENOSPC;

	s->seq = cpu_to_le32(w->nr);
	s->len = cpu_to_le32(used);
	memset(w->buf + w->len + SECT_SIZE + used, 0, padded - used);
	w->len += SECT_SIZE + padded;
	w->nr++;
	return 0;
}

/**
 * vfio_pci_mig_section_cancel() - drop the section begun last
 * @w: writer state
 *
 * For a producer that turned out to have nothing more to write.
 */
void vfio_pci_mig_section_cancel(struct vfio_pci_mig_writer *w)
{
	w->open = false;
}

/**
 * vfio_pci_mig_writer_finish() - write header and trailer
 * @w: writer state, no section open
 * @id: identity recorded in the header
 *
 * Return: total stream length, or -EINVAL if a section is still open.
 */
ssize_t vfio_pci_mig_writer_finish(struct vfio_pci_mig_writer *w,
				   const struct vfio_pci_mig_identity *id)
{
	struct vfio_pci_mig_hdr *h = (void *)w->buf;
	struct vfio_pci_mig_trailer *t;

	if (w->open)
		return -EINVAL;

	memset(h, 0, HDR_SIZE);
	h->magic = cpu_to_le64(VFIO_PCI_MIG_MAGIC);
	h->format = cpu_to_le16(VFIO_PCI_MIG_FORMAT);
	h->hdr_len = cpu_to_le16(HDR_SIZE);
	h->pci_vendor = cpu_to_le16(id->vendor);
	h->pci_device = cpu_to_le16(id->device);
	memcpy(h->driver, id->driver, strnlen(id->driver, sizeof(h->driver) - 1));
	h->driver_version = cpu_to_le32(id->version);
	h->nr_sections = cpu_to_le32(w->nr);
	h->total_len = cpu_to_le64(w->len + TRAILER_SIZE);
	h->flags = cpu_to_le32(w->flags);
	h->hdr_crc = cpu_to_le32(stream_crc(h, offsetof(typeof(*h), hdr_crc)));

	t = (void *)(w->buf + w->len);
	t->end = cpu_to_le32(VFIO_PCI_MIG_END);
	t->crc = cpu_to_le32(stream_crc(w->buf, w->len));
	w->len += TRAILER_SIZE;
	return w->len;
}

static int reject(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

/**
 * vfio_pci_mig_check_header() - check a stream's header
 * @buf: start of the stream
 * @len: bytes available at @buf (at least the header's size)
 * @expect: identity of the device the stream is to be loaded into
 * @max_len: largest total length the reader accepts
 * @total_len: set to the stream's declared total length
 * @why: set to a reason when rejected (may be NULL)
 *
 * Checks everything the header alone can tell, so a reader can refuse a
 * foreign or oversized stream before buffering it.
 *
 * Return: 0; -EAGAIN if @len is shorter than a header; -EINVAL for a
 * malformed header; -EBADMSG if its checksum is wrong; -EOPNOTSUPP for an
 * unknown format or a newer vendor state version; -ENODEV if it was saved
 * from a different device or vendor driver; -EFBIG if it is longer than
 * @max_len.
 */
int vfio_pci_mig_check_header(const void *buf, size_t len,
			      const struct vfio_pci_mig_identity *expect,
			      u64 max_len, u64 *total_len, const char **why)
{
	const struct vfio_pci_mig_hdr *h = buf;
	size_t name_len;
	u64 total;

	if (len < HDR_SIZE)
		return reject(why, "shorter than a header", -EAGAIN);
	if (le64_to_cpu(h->magic) != VFIO_PCI_MIG_MAGIC)
		return reject(why, "bad magic", -EINVAL);
	if (le16_to_cpu(h->hdr_len) != HDR_SIZE)
		return reject(why, "bad header length", -EINVAL);
	if (le32_to_cpu(h->hdr_crc) !=
	    stream_crc(h, offsetof(typeof(*h), hdr_crc)))
		return reject(why, "header checksum mismatch", -EBADMSG);
	if (le16_to_cpu(h->format) != VFIO_PCI_MIG_FORMAT)
		return reject(why, "unknown stream format", -EOPNOTSUPP);
	name_len = strnlen(h->driver, VFIO_PCI_MIG_NAME_LEN);
	if ((le32_to_cpu(h->flags) & ~VFIO_PCI_MIG_F_KNOWN) ||
	    name_len == VFIO_PCI_MIG_NAME_LEN ||
	    memchr_inv(h->driver + name_len, 0, VFIO_PCI_MIG_NAME_LEN - name_len))
		return reject(why, "malformed header", -EINVAL);
	if (le16_to_cpu(h->pci_vendor) != expect->vendor ||
	    le16_to_cpu(h->pci_device) != expect->device)
		return reject(why, "saved from a different PCI device", -ENODEV);
	if (strncmp(h->driver, expect->driver, VFIO_PCI_MIG_NAME_LEN))
		return reject(why, "saved by a different vendor driver", -ENODEV);
	if (!h->driver_version)
		return reject(why, "malformed header", -EINVAL);
	if (le32_to_cpu(h->driver_version) > expect->version)
		return reject(why, "newer vendor state version", -EOPNOTSUPP);

	total = le64_to_cpu(h->total_len);
	if (total < VFIO_PCI_MIG_MIN_LEN || total % VFIO_PCI_MIG_ALIGN)
		return reject(why, "bad total length", -EINVAL);
	if (total > max_len)
		return reject(why, "longer than this device accepts", -EFBIG);
	if (le32_to_cpu(h->nr_sections) > (total - VFIO_PCI_MIG_MIN_LEN) / SECT_SIZE)
		return reject(why, "more sections than the length allows", -EINVAL);

	*total_len = total;
	return 0;
}

/**
 * vfio_pci_mig_validate() - check a complete stream
 * @buf: the stream
 * @len: its length as received
 * @expect: identity of the device it is to be loaded into
 * @max_len: largest total length accepted
 * @why: set to a reason when rejected (may be NULL)
 *
 * Return: 0 if @buf is exactly one well-formed stream for @expect whose
 * checksums match; otherwise the errors of vfio_pci_mig_check_header(),
 * -ENODATA if @len is shorter than the declared length (truncated),
 * -EINVAL for a malformed section list or trailer, -EBADMSG for a checksum
 * mismatch.
 */
int vfio_pci_mig_validate(const void *buf, size_t len,
			  const struct vfio_pci_mig_identity *expect,
			  u64 max_len, const char **why)
{
	const struct vfio_pci_mig_hdr *h = buf;
	const struct vfio_pci_mig_trailer *t;
	const u8 *p = buf;
	size_t pos = HDR_SIZE, end;
	u32 i, nr;
	u64 total;
	int ret;

	ret = vfio_pci_mig_check_header(buf, len, expect, max_len, &total, why);
	if (ret == -EAGAIN)
		return reject(why, "truncated before the end of the header",
			      -ENODATA);
	if (ret)
		return ret;
	if (len < total)
		return reject(why, "truncated", -ENODATA);
	if (len > total)
		return reject(why, "data after the end of the stream", -EINVAL);

	end = total - TRAILER_SIZE;
	nr = le32_to_cpu(h->nr_sections);
	for (i = 0; i < nr; i++) {
		const struct vfio_pci_mig_sect *s = (const void *)(p + pos);
		size_t plen, padded;

		if (end - pos < SECT_SIZE)
			return reject(why, "section header past the end", -EINVAL);
		if (le32_to_cpu(s->seq) != i)
			return reject(why, "sections out of order", -EINVAL);
		plen = le32_to_cpu(s->len);
		padded = pad8(plen);
		if (padded > end - pos - SECT_SIZE)
			return reject(why, "section longer than the stream", -EINVAL);
		if (memchr_inv(p + pos + SECT_SIZE + plen, 0, padded - plen))
			return reject(why, "nonzero section padding", -EINVAL);
		pos += SECT_SIZE + padded;
	}
	if (pos != end)
		return reject(why, "section count does not match the length",
			      -EINVAL);

	t = (const void *)(p + end);
	if (le32_to_cpu(t->end) != VFIO_PCI_MIG_END)
		return reject(why, "bad end marker", -EINVAL);
	if (le32_to_cpu(t->crc) != stream_crc(buf, end))
		return reject(why, "stream checksum mismatch", -EBADMSG);
	return 0;
}

/**
 * vfio_pci_mig_next_section() - iterate over a validated stream's sections
 * @buf: a stream that passed vfio_pci_mig_validate()
 * @len: its length
 * @pos: cursor; start at 0
 * @payload: set to the next section's payload
 * @payload_len: set to its length
 *
 * Return: 1 when a section was returned, 0 at the end.
 */
int vfio_pci_mig_next_section(const void *buf, size_t len, size_t *pos,
			      const void **payload, u32 *payload_len)
{
	const struct vfio_pci_mig_sect *s;
	const u8 *p = buf;

	if (*pos < HDR_SIZE)
		*pos = HDR_SIZE;
	if (*pos + SECT_SIZE > len - TRAILER_SIZE)
		return 0;
	s = (const void *)(p + *pos);
	*payload = p + *pos + SECT_SIZE;
	*payload_len = le32_to_cpu(s->len);
	*pos += SECT_SIZE + pad8(*payload_len);
	return 1;
}

/**
 * vfio_pci_mig_stream_version() - vendor state version of a checked stream
 * @buf: a stream whose header passed vfio_pci_mig_check_header()
 *
 * Return: the version the vendor driver wrote it in.
 */
u32 vfio_pci_mig_stream_version(const void *buf)
{
	const struct vfio_pci_mig_hdr *h = buf;

	return le32_to_cpu(h->driver_version);
}

/**
 * vfio_pci_mig_stream_flags() - header flags of a checked stream
 * @buf: a stream whose header passed vfio_pci_mig_check_header()
 *
 * Return: VFIO_PCI_MIG_F_* bits.
 */
u32 vfio_pci_mig_stream_flags(const void *buf)
{
	const struct vfio_pci_mig_hdr *h = buf;

	return le32_to_cpu(h->flags);
}
