/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_vf: the vendor-neutral half of NIC VF live-migration drivers.
 *
 * What every SR-IOV NIC VF driver of this kind needs, written once:
 *
 *   seam      the few kernel services the logic uses (guest memory reads,
 *             dirty reporting, the PF's administrator settings, VF reset,
 *             BAR registers, memory), as function pointers, so that this
 *             logic also builds in the userspace unit tests
 *   admin     the administrator's settings of a VF (MAC, VLAN, QoS, spoof
 *             check, trust, link state, rate): read, stream, re-apply
 *   ring      descriptor-ring tracking: tail writes, reading what the guest
 *             posted, holding dirty every guest page the device may write
 *   msglog    a bounded log of the guest's configuration messages to the PF
 *   capture   the skeleton that turns the messages a guest sends its PF
 *             (admin queue, mailbox) into that log: format check, the
 *             PF's answer, the driver's policy, and on a destination the
 *             check that the guest sent its configuration again
 *   regs      a register save set described by a table
 *   chunks    the framing of a driver's state in the migration stream
 *   state     that state: settings, registers and messages, saved and
 *             checked chunk by chunk
 *   traps     which register pages a driver traps, as 4 KiB pages
 *   restore   the shared part of a restore: settings, VF reset, registers
 *
 * A driver supplies only its formats: descriptor parsers, message checks
 * and policies, its register table.  The kernel half that both drivers
 * share (the seam over vfio-pci and the PF's netdev) is <linux/nic_vf/host.h>.
 *
 * Each part has its header in <linux/nic_vf/>; this one includes them all.
 * Pure logic: those headers and the nic_vf_*.c files they declare (but
 * nic_vf_host.c) include nothing but <linux/types.h>, <linux/errno.h>,
 * <linux/kernel.h>, <linux/string.h> and <linux/bits.h>.  Nothing here
 * trusts a byte that came from the guest or from a stream.
 */
#ifndef _LINUX_NIC_VF_H
#define _LINUX_NIC_VF_H

#include <linux/nic_vf/bytes.h>
#include <linux/nic_vf/admin.h>
#include <linux/nic_vf/seam.h>
#include <linux/nic_vf/ring.h>
#include <linux/nic_vf/msglog.h>
#include <linux/nic_vf/regs.h>
#include <linux/nic_vf/capture.h>
#include <linux/nic_vf/chunk.h>
#include <linux/nic_vf/trap.h>
#include <linux/nic_vf/restore.h>
#include <linux/nic_vf/state.h>

#endif /* _LINUX_NIC_VF_H */
