# SPDX-License-Identifier: GPL-2.0-only
#
# Unit tests of the vendor-neutral NIC VF migration library
# (drivers/vfio/pci/nic_vf) and of the i40e VF migration driver's logic,
# both against the simulated VF in vf_sim.c.

NIC_VF_DIR := $(TOP)/drivers/vfio/pci/nic_vf
I40E_DIR := $(TOP)/drivers/net/ethernet/intel/i40e
CFLAGS += -I$(NIC_VF_DIR) -I$(I40E_DIR)

NIC_VF_SRCS := $(addprefix $(NIC_VF_DIR)/,nic_vf_admin.c nic_vf_ring.c \
	       nic_vf_msglog.c nic_vf_regs.c)
I40E_VFM_SRCS := $(addprefix $(I40E_DIR)/,i40e_vf_mig_desc.c \
		 i40e_vf_mig_vc.c i40e_vf_mig_state.c)

UNIT_TESTS += test_nic_vf test_i40e_vf_mig
test_nic_vf_SRCS := vf_sim.c $(NIC_VF_SRCS)
test_i40e_vf_mig_SRCS := vf_sim.c $(NIC_VF_SRCS) $(I40E_VFM_SRCS)
