# SPDX-License-Identifier: GPL-2.0-only
#
# Unit tests of the i40e VF migration driver's logic, against the
# simulated VF in vf_sim.c (the library's sources: nic_vf.mk).

I40E_DIR := $(TOP)/drivers/net/ethernet/intel/i40e
CFLAGS += -I$(I40E_DIR)

I40E_VFM_SRCS := $(addprefix $(I40E_DIR)/,i40e_vf_mig_desc.c \
		 i40e_vf_mig_vc.c i40e_vf_mig_state.c)

UNIT_TESTS += test_i40e_vf_mig
# Recursive: NIC_VF_SRCS is set by nic_vf.mk, included after this file.
test_i40e_vf_mig_SRCS = vf_sim.c $(NIC_VF_SRCS) $(I40E_VFM_SRCS)
