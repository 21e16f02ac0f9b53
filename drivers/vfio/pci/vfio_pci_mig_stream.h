/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device-state stream of vfio-pci's migration engine.
 *
 * Pure logic: this header and vfio_pci_mig_stream.c build in the kernel and
 * in the userspace unit tests (tools/testing/unit), so they include only
 * basic kernel headers that the unit tests provide.
 *
 * Layout, all integers little endian, every part 8-byte aligned:
 *
 *   header    struct vfio_pci_mig_hdr: magic, format, identity of the device
 *             and vendor driver, number of sections, total length, flags,
 *             CRC32 of the header itself
 *   sections  struct vfio_pci_mig_sect (sequence number, payload length)
 *             followed by the payload, zero-padded to 8 bytes; one section
 *             per chunk the vendor's save() produced, in order
 *   trailer   struct vfio_pci_mig_trailer: end marker and CRC32 of every
 *             byte before it
 *
 * A reader checks the header as soon as it has it (identity, bounds) and the
 * whole stream before any section is given to the vendor.
 *
 * A v2 migration may carry two such streams back to back: a pre-copy part
 * (flag VFIO_PCI_MIG_F_PRECOPY), read while the device still runs, then the
 * stop-copy stream, which alone is complete.  Each is validated on its own.
 */
#ifndef VFIO_PCI_MIG_STREAM_H
#define VFIO_PCI_MIG_STREAM_H

#include <linux/types.h>

#define VFIO_PCI_MIG_MAGIC	0x47494d4943504656ULL	/* "VFPCIMIG" */
#define VFIO_PCI_MIG_END	0x2e444e45U		/* "END." */
#define VFIO_PCI_MIG_FORMAT	1
#define VFIO_PCI_MIG_NAME_LEN	32
#define VFIO_PCI_MIG_ALIGN	8

/* Header flags; a reader refuses any other bit. */
#define VFIO_PCI_MIG_F_PRECOPY	0x1U	/* a pre-copy part, not the state */
#define VFIO_PCI_MIG_F_KNOWN	VFIO_PCI_MIG_F_PRECOPY

struct vfio_pci_mig_hdr {
	__le64 magic;
	__le16 format;
	__le16 hdr_len;
	__le16 pci_vendor;
	__le16 pci_device;
	char driver[VFIO_PCI_MIG_NAME_LEN];
	__le32 driver_version;
	__le32 nr_sections;
	__le64 total_len;
	__le32 flags;
	__le32 hdr_crc;
};

struct vfio_pci_mig_sect {
	__le32 seq;
	__le32 len;
};

struct vfio_pci_mig_trailer {
	__le32 end;
	__le32 crc;
};

/**
 * struct vfio_pci_mig_identity - what a stream says it is for
 * @vendor: PCI vendor ID of the device
 * @device: PCI device ID of the device
 * @driver: vendor driver name, NUL terminated
 * @version: the vendor driver's state format version
 */
struct vfio_pci_mig_identity {
	u16 vendor;
	u16 device;
	char driver[VFIO_PCI_MIG_NAME_LEN];
	u32 version;
};

/**
 * struct vfio_pci_mig_writer - builds a stream in a caller's buffer
 * @buf: the buffer
 * @cap: its size
 * @len: bytes written so far
 * @nr: sections written so far
 * @flags: header flags (VFIO_PCI_MIG_F_*), set by the caller before finish
 * @open: a section has been begun and not yet ended
 */
struct vfio_pci_mig_writer {
	u8 *buf;
	size_t cap;
	size_t len;
	u32 nr;
	u32 flags;
	bool open;
};

/* Smallest possible stream: header and trailer, no section. */
#define VFIO_PCI_MIG_MIN_LEN \
	(sizeof(struct vfio_pci_mig_hdr) + sizeof(struct vfio_pci_mig_trailer))

int vfio_pci_mig_writer_init(struct vfio_pci_mig_writer *w, void *buf,
			     size_t cap);
void *vfio_pci_mig_section_begin(struct vfio_pci_mig_writer *w,
				 size_t *space);
int vfio_pci_mig_section_end(struct vfio_pci_mig_writer *w, size_t used);
void vfio_pci_mig_section_cancel(struct vfio_pci_mig_writer *w);
ssize_t vfio_pci_mig_writer_finish(struct vfio_pci_mig_writer *w,
				   const struct vfio_pci_mig_identity *id);

int vfio_pci_mig_check_header(const void *buf, size_t len,
			      const struct vfio_pci_mig_identity *expect,
			      u64 max_len, u64 *total_len, const char **why);
int vfio_pci_mig_validate(const void *buf, size_t len,
			  const struct vfio_pci_mig_identity *expect,
			  u64 max_len, const char **why);
int vfio_pci_mig_next_section(const void *buf, size_t len, size_t *pos,
			      const void **payload, u32 *payload_len);
u32 vfio_pci_mig_stream_version(const void *buf);
u32 vfio_pci_mig_stream_flags(const void *buf);

#endif /* VFIO_PCI_MIG_STREAM_H */
