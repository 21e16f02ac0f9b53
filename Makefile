# SPDX-License-Identifier: GPL-2.0-only
#
# vfio-pci with vendor ops: out-of-tree modules for Debian 12's 6.1 kernel,
# their userspace test programs, and the commands that prove them in a guest.
#
#   make            build the modules and the test programs
#   make check      install deps, build, run the gates and every test suite
#   make demo       live-migrate a VM with an assigned device, with figures
#   make bench      benchmarks (ratios against Debian's stock vfio-pci)
#   make vm-shell   interactive shell in the test guest, modules installed
#
# KDIR defaults to the newest Debian 6.1 build tree whose image and headers
# versions match; override with make KDIR=/path/to/build.

KDIR ?=
KVER := $(shell scripts/kernel-release.sh $(KDIR))
ifeq ($(KDIR),)
KDIR := /lib/modules/$(KVER)/build
endif
OUT := $(CURDIR)/out
TESTS ?=

export KVER KDIR OUT

.PHONY: all modules progs deps check check-run demo bench vm-shell clean

all: modules progs

modules:
	@test -n "$(KVER)" || { echo "no Debian 6.1 kernel found: run 'make deps'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

progs:
	$(MAKE) -C tools/testing OUT=$(OUT)

deps:
	@scripts/deps.sh

# deps may install the kernel, so evaluate KVER again in a fresh make.
check: deps
	@$(MAKE) --no-print-directory check-run

check-run:
	@tools/testing/run-tests.sh $(TESTS)

# Build quietly; show the log only if the build fails.
BUILD_QUIETLY = mkdir -p $(OUT) && $(MAKE) --no-print-directory all >$(OUT)/build.log 2>&1 || \
	{ tail -n 40 $(OUT)/build.log; echo "build failed (log: $(OUT)/build.log)"; exit 1; }

demo: deps
	@$(BUILD_QUIETLY)
	@tools/testing/demo.sh

bench: deps
	@$(BUILD_QUIETLY)
	@tools/testing/bench.sh

vm-shell: deps
	@$(BUILD_QUIETLY)
	@tools/testing/vm/run-vm.sh --shell

clean:
	-test -z "$(KVER)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/testing OUT=$(OUT) clean
	rm -rf $(OUT)
