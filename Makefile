# SPDX-License-Identifier: GPL-2.0-only
#
# vfio-pci with vendor ops: out-of-tree modules for Debian's 6.1 and 6.12
# LTS kernels, their userspace test programs, packaging, and the commands
# that prove them in a guest.
#
#   make                build the modules (every supported kernel installed)
#                       and the test programs
#   make check          install deps, build, run the gates and every suite
#   make check-debug    the single-guest suites on a debug kernel (KASAN,
#                       lockdep, kmemleak) built here from linux-source-6.1
#   make demo           live-migrate a VM with an assigned device, with figures
#   make bench          benchmarks (ratios against Debian's stock vfio-pci)
#   make vm-shell       interactive shell in the test guest, modules installed
#   make install        install the modules under /lib/modules/<release>/updates
#                       (alias modules_install; INSTALL_MOD_PATH or DESTDIR
#                       stage them elsewhere), then depmod
#   make uninstall      remove exactly what make install installed
#   make deb            the DKMS package (out/deb/vfio-pci-vendor-ops-dkms_*.deb)
#   make deps           install, as root, what all of the above needs
#
# KVER=<release> or KDIR=<build tree> select one kernel.  Nothing here
# looks at the installed kernels when the Makefile is read: the scripts do,
# when they run, so a kernel that "make deps" installs is seen by the step
# after it.

OUT ?= $(CURDIR)/out
TESTS ?=

# The steps, as variables so a test can stand in for one (see
# tools/testing/install/fresh-order.sh).
DEPS ?= scripts/deps.sh
BUILD_RUN ?= $(MAKE) --no-print-directory all
CHECK_RUN ?= tools/testing/run-tests.sh
CHECK_DEBUG_RUN ?= tools/testing/check-debug.sh
DEMO_RUN ?= tools/testing/demo.sh
BENCH_RUN ?= tools/testing/bench.sh
SHELL_RUN ?= tools/testing/vm/run-vm.sh --shell

# KVER and KDIR, when given, reach the scripts as make passes every
# command-line variable on; when not given, they stay unset.
export OUT

.PHONY: all modules progs deps check check-debug fuzz demo bench vm-shell install \
	modules_install uninstall deb clean

all: modules progs

modules:
	+@scripts/kbuild.sh modules

progs:
	$(MAKE) -C tools/testing OUT=$(OUT)

deps:
	@$(DEPS)

# Build quietly; show the log only if the build fails.
BUILD_QUIETLY = mkdir -p $(OUT) && $(BUILD_RUN) >$(OUT)/build.log 2>&1 || \
	{ tail -n 40 $(OUT)/build.log; echo "build failed (log: $(OUT)/build.log)"; exit 1; }

check: deps
	@$(CHECK_RUN) $(TESTS)

# Not part of check: building the kernel takes about 40 minutes the
# first time, and its guests run several times slower.
check-debug: deps
	@$(CHECK_DEBUG_RUN) $(TESTS)

# The fuzz suite with a long budget on every kernel (make check runs a
# short one); FUZZ_SEED=<n> replays a seed a run printed.
fuzz: deps
	@jobs=fuzz; [ -n "$(KVER)" ] || for k in $$(scripts/kernels.sh test | tail -n +2); do \
		jobs="$$jobs fuzz@$$(scripts/kernels.sh series $$k)"; done; \
	FUZZ_OPS=$${FUZZ_OPS:-20000} $(CHECK_RUN) $(or $(TESTS),$$jobs)

demo: deps
	@$(BUILD_QUIETLY)
	@$(DEMO_RUN)

bench: deps
	@$(BUILD_QUIETLY)
	@$(BENCH_RUN)

vm-shell: deps
	@$(BUILD_QUIETLY)
	@$(SHELL_RUN)

install modules_install: modules
	@scripts/install.sh install

uninstall:
	@scripts/install.sh uninstall

deb:
	@scripts/package/mkdeb.sh

clean:
	rm -rf $(OUT)/kbuild
	$(MAKE) -C tools/testing OUT=$(OUT) clean
	rm -rf $(OUT)
