// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the migration stream (drivers/vfio/pci/vfio_pci_mig_stream.c):
 * encode/decode round trips and every rejection path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "vfio_pci_mig_stream.h"

#define BUF_SIZE 4096

static const struct vfio_pci_mig_identity edu_id = {
	.vendor = 0x1234, .device = 0x11e8, .driver = "edu_migration",
	.version = 2,
};

static u64 aligned_buf[BUF_SIZE / 8];

/* Build a stream with sections of the given lengths, bytes set to i+1. */
static ssize_t build(void *buf, size_t cap, const size_t *lens, int n,
		     const struct vfio_pci_mig_identity *id)
{
	struct vfio_pci_mig_writer w;
	int i;

	if (vfio_pci_mig_writer_init(&w, buf, cap))
		return -1;
	for (i = 0; i < n; i++) {
		size_t space;
		u8 *p = vfio_pci_mig_section_begin(&w, &space);

		if (!p || space < lens[i])
			return -1;
		memset(p, i + 1, lens[i]);
		if (vfio_pci_mig_section_end(&w, lens[i]))
			return -1;
	}
	return vfio_pci_mig_writer_finish(&w, id);
}

static ssize_t build_default(void)
{
	static const size_t lens[] = { 5, 16, 0, 100 };

	return build(aligned_buf, sizeof(aligned_buf), lens, 4, &edu_id);
}

static int validate(size_t len, const char **why)
{
	return vfio_pci_mig_validate(aligned_buf, len, &edu_id, BUF_SIZE, why);
}

static void test_round_trip(void **state)
{
	static const size_t lens[] = { 5, 16, 0, 100 };
	ssize_t len = build_default();
	const void *payload;
	size_t pos = 0;
	u32 plen;
	int i = 0;

	assert_true(len > 0);
	assert_int_equal(len % 8, 0);
	assert_int_equal(validate(len, NULL), 0);
	assert_int_equal(vfio_pci_mig_stream_version(aligned_buf), 2);
	while (vfio_pci_mig_next_section(aligned_buf, len, &pos, &payload, &plen)) {
		const u8 *p = payload;
		size_t j;

		assert_true(i < 4);
		assert_int_equal(plen, lens[i]);
		for (j = 0; j < plen; j++)
			assert_int_equal(p[j], i + 1);
		i++;
	}
	assert_int_equal(i, 4);
}

static void test_empty_stream(void **state)
{
	ssize_t len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &edu_id);
	const void *payload;
	size_t pos = 0;
	u32 plen;

	assert_int_equal(len, VFIO_PCI_MIG_MIN_LEN);
	assert_int_equal(validate(len, NULL), 0);
	assert_int_equal(vfio_pci_mig_next_section(aligned_buf, len, &pos,
						   &payload, &plen), 0);
}

static void test_writer_limits(void **state)
{
	struct vfio_pci_mig_writer w;
	u64 small[4];
	size_t space;
	void *p;

	assert_int_equal(vfio_pci_mig_writer_init(&w, small, sizeof(small)),
			 -ENOSPC);
	assert_int_equal(vfio_pci_mig_writer_init(&w, aligned_buf, 128), 0);
	p = vfio_pci_mig_section_begin(&w, &space);
	assert_non_null(p);
	assert_int_equal(space, 128 - 72 - 8 - 8);
	/* A second begin while one is open is refused. */
	assert_null(vfio_pci_mig_section_begin(&w, &space));
	assert_int_equal(vfio_pci_mig_section_end(&w, 41), -ENOSPC);
	/* Ending twice is refused; finishing with a section open too. */
	assert_int_equal(vfio_pci_mig_section_end(&w, 0), -EINVAL);
	p = vfio_pci_mig_section_begin(&w, &space);
	assert_non_null(p);
	assert_int_equal(vfio_pci_mig_writer_finish(&w, &edu_id), -EINVAL);
	assert_int_equal(vfio_pci_mig_section_end(&w, 40), 0);
	/* Full: no room for another section header and payload. */
	assert_null(vfio_pci_mig_section_begin(&w, &space));
	assert_int_equal(vfio_pci_mig_writer_finish(&w, &edu_id), 128);
	assert_int_equal(vfio_pci_mig_validate(aligned_buf, 128, &edu_id, 128,
					       NULL), 0);
}

static void test_section_cancel(void **state)
{
	struct vfio_pci_mig_writer w;
	const void *payload;
	size_t space, pos = 0;
	ssize_t len;
	u32 plen;
	u8 *p;

	assert_int_equal(vfio_pci_mig_writer_init(&w, aligned_buf, 256), 0);
	assert_non_null(vfio_pci_mig_section_begin(&w, &space));
	vfio_pci_mig_section_cancel(&w);
	/* The writer accepts a new section and the cancelled one is gone. */
	p = vfio_pci_mig_section_begin(&w, &space);
	assert_non_null(p);
	memset(p, 0x5a, 3);
	assert_int_equal(vfio_pci_mig_section_end(&w, 3), 0);
	len = vfio_pci_mig_writer_finish(&w, &edu_id);
	assert_int_equal(validate(len, NULL), 0);
	assert_int_equal(vfio_pci_mig_next_section(aligned_buf, len, &pos,
						   &payload, &plen), 1);
	assert_int_equal(plen, 3);
	assert_int_equal(vfio_pci_mig_next_section(aligned_buf, len, &pos,
						   &payload, &plen), 0);
}

static void test_truncated(void **state)
{
	ssize_t len = build_default();
	const char *why = NULL;

	assert_int_equal(validate(len - 8, &why), -ENODATA);
	assert_string_equal(why, "truncated");
	assert_int_equal(validate(40, NULL), -ENODATA);
	assert_int_equal(validate(0, NULL), -ENODATA);
}

static void test_trailing_garbage(void **state)
{
	ssize_t len = build_default();

	assert_int_equal(validate(len + 8, NULL), -EINVAL);
}

static void test_bad_magic(void **state)
{
	ssize_t len = build_default();

	((u8 *)aligned_buf)[0] ^= 0xff;
	assert_int_equal(validate(len, NULL), -EINVAL);
}

static void test_header_corruption(void **state)
{
	ssize_t len = build_default();
	const char *why;

	/* Flip one bit of the declared total length: header CRC catches it. */
	((u8 *)aligned_buf)[offsetof(struct vfio_pci_mig_hdr, total_len)] ^= 8;
	assert_int_equal(validate(len, &why), -EBADMSG);
	assert_string_equal(why, "header checksum mismatch");
}

static void test_payload_corruption(void **state)
{
	ssize_t len = build_default();
	const char *why;

	((u8 *)aligned_buf)[sizeof(struct vfio_pci_mig_hdr) + 8 + 2] ^= 1;
	assert_int_equal(validate(len, &why), -EBADMSG);
	assert_string_equal(why, "stream checksum mismatch");
}

static void test_bad_trailer(void **state)
{
	ssize_t len = build_default();

	((u8 *)aligned_buf)[len - 8] ^= 1;
	assert_int_equal(validate(len, NULL), -EINVAL);
}

/* Swap the first two sections (same lengths) and fix no checksum. */
static void test_reordered(void **state)
{
	static const size_t lens[] = { 8, 8 };
	ssize_t len = build(aligned_buf, sizeof(aligned_buf), lens, 2, &edu_id);
	u8 *p = (u8 *)aligned_buf + sizeof(struct vfio_pci_mig_hdr);
	u8 tmp[16];
	const char *why;

	assert_true(len > 0);
	memcpy(tmp, p, 16);
	memcpy(p, p + 16, 16);
	memcpy(p + 16, tmp, 16);
	assert_int_equal(validate(len, &why), -EINVAL);
	assert_string_equal(why, "sections out of order");
}

/* A section that claims more bytes than the stream has. */
static void test_oversized_section(void **state)
{
	ssize_t len = build_default();
	struct vfio_pci_mig_sect *s =
		(void *)((u8 *)aligned_buf + sizeof(struct vfio_pci_mig_hdr));
	const char *why;

	s->len = cpu_to_le32(0xfffffff0);
	assert_int_equal(validate(len, &why), -EINVAL);
	assert_string_equal(why, "section longer than the stream");
}

static void test_nonzero_padding(void **state)
{
	ssize_t len = build_default();

	/* First section has 5 payload bytes, so bytes 5..7 are padding. */
	((u8 *)aligned_buf)[sizeof(struct vfio_pci_mig_hdr) + 8 + 6] = 0xaa;
	assert_int_equal(validate(len, NULL), -EINVAL);
}

static void test_foreign_device(void **state)
{
	struct vfio_pci_mig_identity other = edu_id;
	ssize_t len;
	const char *why;

	other.device = 0x154c;
	len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &other);
	assert_int_equal(validate(len, &why), -ENODEV);
	assert_string_equal(why, "saved from a different PCI device");

	other = edu_id;
	strcpy(other.driver, "edu_skeleton");
	len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &other);
	assert_int_equal(validate(len, &why), -ENODEV);
	assert_string_equal(why, "saved by a different vendor driver");
}

static void test_versions(void **state)
{
	struct vfio_pci_mig_identity newer = edu_id, older = edu_id;
	ssize_t len;

	newer.version = 3;
	len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &newer);
	assert_int_equal(validate(len, NULL), -EOPNOTSUPP);

	older.version = 1;
	len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &older);
	assert_int_equal(validate(len, NULL), 0);
	assert_int_equal(vfio_pci_mig_stream_version(aligned_buf), 1);

	/* Found by the fuzz target: version 0 is not a version. */
	older.version = 0;
	len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &older);
	assert_int_equal(validate(len, NULL), -EINVAL);
}

static void test_too_long_for_reader(void **state)
{
	ssize_t len = build_default();
	u64 total;

	assert_int_equal(vfio_pci_mig_check_header(aligned_buf, len, &edu_id,
						   len - 8, &total, NULL),
			 -EFBIG);
	assert_int_equal(vfio_pci_mig_check_header(aligned_buf, len, &edu_id,
						   len, &total, NULL), 0);
	assert_int_equal(total, len);
}

static void test_header_needs_whole_header(void **state)
{
	u64 total;

	build_default();
	assert_int_equal(vfio_pci_mig_check_header(aligned_buf, 71, &edu_id,
						   BUF_SIZE, &total, NULL),
			 -EAGAIN);
}

static void test_unknown_format(void **state)
{
	ssize_t len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &edu_id);
	struct vfio_pci_mig_hdr *h = (void *)aligned_buf;

	/* A future format with a correct header checksum is still refused. */
	h->format = cpu_to_le16(2);
	h->hdr_crc = cpu_to_le32(~crc32_le(~0U, h, offsetof(typeof(*h), hdr_crc)));
	assert_int_equal(validate(len, NULL), -EOPNOTSUPP);
}

static void test_section_count_lies(void **state)
{
	ssize_t len = build_default();
	struct vfio_pci_mig_hdr *h = (void *)aligned_buf;
	const char *why;

	h->nr_sections = cpu_to_le32(3);
	h->hdr_crc = cpu_to_le32(~crc32_le(~0U, h, offsetof(typeof(*h), hdr_crc)));
	assert_int_equal(validate(len, &why), -EINVAL);
	assert_string_equal(why, "section count does not match the length");

	h->nr_sections = cpu_to_le32(0x7fffffff);
	h->hdr_crc = cpu_to_le32(~crc32_le(~0U, h, offsetof(typeof(*h), hdr_crc)));
	assert_int_equal(validate(len, &why), -EINVAL);
	assert_string_equal(why, "more sections than the length allows");
}

/* Found by the fuzz target: bytes after the name's NUL must be zero. */
static void test_name_padding(void **state)
{
	ssize_t len = build(aligned_buf, sizeof(aligned_buf), NULL, 0, &edu_id);
	struct vfio_pci_mig_hdr *h = (void *)aligned_buf;
	const char *why;

	h->driver[VFIO_PCI_MIG_NAME_LEN - 4] = 9;
	h->hdr_crc = cpu_to_le32(~crc32_le(~0U, h, offsetof(typeof(*h), hdr_crc)));
	assert_int_equal(validate(len, &why), -EINVAL);
	assert_string_equal(why, "malformed header");

	memset(h->driver, 'x', VFIO_PCI_MIG_NAME_LEN);
	h->hdr_crc = cpu_to_le32(~crc32_le(~0U, h, offsetof(typeof(*h), hdr_crc)));
	assert_int_equal(validate(len, &why), -EINVAL);
}

/* The pre-copy flag travels in the header; any other bit is refused. */
static void test_flags(void **state)
{
	struct vfio_pci_mig_hdr *h = (void *)aligned_buf;
	struct vfio_pci_mig_writer w;
	const char *why;
	ssize_t len;

	len = build_default();
	assert_int_equal(validate(len, NULL), 0);
	assert_int_equal(vfio_pci_mig_stream_flags(aligned_buf), 0);

	assert_int_equal(vfio_pci_mig_writer_init(&w, aligned_buf,
						  sizeof(aligned_buf)), 0);
	w.flags = VFIO_PCI_MIG_F_PRECOPY;
	len = vfio_pci_mig_writer_finish(&w, &edu_id);
	assert_true(len > 0);
	assert_int_equal(validate(len, NULL), 0);
	assert_int_equal(vfio_pci_mig_stream_flags(aligned_buf),
			 VFIO_PCI_MIG_F_PRECOPY);

	h->flags = cpu_to_le32(VFIO_PCI_MIG_F_PRECOPY | 0x80000000U);
	h->hdr_crc = cpu_to_le32(~crc32_le(~0U, h, offsetof(typeof(*h), hdr_crc)));
	assert_int_equal(validate(len, &why), -EINVAL);
	assert_string_equal(why, "malformed header");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty_stream),
		cmocka_unit_test(test_writer_limits),
		cmocka_unit_test(test_section_cancel),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_header_corruption),
		cmocka_unit_test(test_payload_corruption),
		cmocka_unit_test(test_bad_trailer),
		cmocka_unit_test(test_reordered),
		cmocka_unit_test(test_oversized_section),
		cmocka_unit_test(test_nonzero_padding),
		cmocka_unit_test(test_foreign_device),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_too_long_for_reader),
		cmocka_unit_test(test_header_needs_whole_header),
		cmocka_unit_test(test_unknown_format),
		cmocka_unit_test(test_section_count_lies),
		cmocka_unit_test(test_name_padding),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests_name("mig_stream", tests, NULL, NULL);
}
