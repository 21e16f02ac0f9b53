# SPDX-License-Identifier: GPL-2.0-only
#
# Unit tests of the 82576 VF migration driver's logic, against the
# simulated VF in vf_sim.c (the library's sources: nic_vf.mk).

IGB_DIR := $(TOP)/drivers/net/ethernet/intel/igb
CFLAGS += -I$(IGB_DIR)

IGB_VFM_SRCS := $(addprefix $(IGB_DIR)/,igb_vf_mig_desc.c \
		igb_vf_mig_mbx.c igb_vf_mig_state.c igb_vf_mig_replay.c)

UNIT_TESTS += test_igb_vf_mig
# Recursive: NIC_VF_SRCS is set by nic_vf.mk, included after this file.
test_igb_vf_mig_SRCS = vf_sim.c $(NIC_VF_SRCS) $(IGB_VFM_SRCS)
