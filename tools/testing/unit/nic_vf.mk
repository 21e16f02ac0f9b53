# SPDX-License-Identifier: GPL-2.0-only
#
# Unit tests of the vendor-neutral NIC VF migration library
# (drivers/vfio/pci/nic_vf), against the simulated VF in vf_sim.c.  The
# drivers' fragments (i40e.mk, igb.mk) link the same sources.

NIC_VF_DIR := $(TOP)/drivers/vfio/pci/nic_vf
CFLAGS += -I$(TOP)/include

NIC_VF_SRCS := $(addprefix $(NIC_VF_DIR)/,nic_vf_admin.c nic_vf_ring.c \
	       nic_vf_msglog.c nic_vf_regs.c nic_vf_capture.c nic_vf_chunk.c \
	       nic_vf_state.c nic_vf_restore.c)

UNIT_TESTS += test_nic_vf
test_nic_vf_SRCS := vf_sim.c $(NIC_VF_SRCS)

UNIT_TESTS += test_nic_vf_shadow
test_nic_vf_shadow_SRCS := $(NIC_VF_DIR)/nic_vf_shadow.c
