// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the migration stream decoder: whatever the bytes,
 * validation must not read out of bounds, and a stream it accepts must walk
 * cleanly and re-encode to the same bytes.
 *
 * If the first input byte is odd, the harness fixes both checksums before
 * validating, so the fuzzer explores the structure behind them.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/crc32.h>
#include <linux/kernel.h>
#include "vfio_pci_mig_stream.h"

#define MAX_LEN 8192

static const struct vfio_pci_mig_identity id = {
	.vendor = 0x1234, .device = 0x11e8, .driver = "edu_migration",
	.version = 3,
};

static u32 crc(const void *p, size_t n)
{
	return ~crc32_le(~0U, p, n);
}

static void fix_checksums(u8 *buf, size_t len)
{
	struct vfio_pci_mig_hdr *h = (void *)buf;
	struct vfio_pci_mig_trailer *t;

	if (len < VFIO_PCI_MIG_MIN_LEN)
		return;
	h->hdr_crc = cpu_to_le32(crc(h, offsetof(typeof(*h), hdr_crc)));
	t = (void *)(buf + len - sizeof(*t));
	t->crc = cpu_to_le32(crc(buf, len - sizeof(*t)));
}

static void check_reencode(const u8 *buf, size_t len)
{
	static u64 out[MAX_LEN / 8];
	struct vfio_pci_mig_identity as_saved = id;
	struct vfio_pci_mig_writer w;
	const void *payload;
	size_t pos = 0, space;
	u32 plen;

	if (vfio_pci_mig_writer_init(&w, out, sizeof(out)))
		abort();
	while (vfio_pci_mig_next_section(buf, len, &pos, &payload, &plen)) {
		void *p = vfio_pci_mig_section_begin(&w, &space);

		if (!p || space < plen)
			abort();
		memcpy(p, payload, plen);
		if (vfio_pci_mig_section_end(&w, plen))
			abort();
	}
	/* An older state version is valid: write the one the stream has,
	 * and its flags (a pre-copy part).
	 */
	as_saved.version = vfio_pci_mig_stream_version(buf);
	w.flags = vfio_pci_mig_stream_flags(buf);
	if (vfio_pci_mig_writer_finish(&w, &as_saved) != (ssize_t)len ||
	    memcmp(out, buf, len))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u64 buf[MAX_LEN / 8];
	size_t len;

	if (size < 1 || size - 1 > MAX_LEN)
		return 0;
	len = size - 1;
	memcpy(buf, data + 1, len);
	if (data[0] & 1)
		fix_checksums((u8 *)buf, len);
	if (!vfio_pci_mig_validate(buf, len, &id, MAX_LEN, NULL))
		check_reencode((u8 *)buf, len);
	return 0;
}
