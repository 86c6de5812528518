# SPDX-License-Identifier: GPL-2.0
#
# mmlab: build the modules against a kernel's headers, and run the project's
# checks, demo and benchmarks on QEMU boards.
#
#   make                 build the modules for the running kernel (or KDIR)
#   make install         modules_install + depmod
#   make dkms-install    add, build and install through DKMS
#   make check           every test on every board; ends "N passed, M failed"
#   make check TESTS=fault.sh,cma.sh BOARDS=x86_64-lab LAYERS=guest
#                        a part of it: those in-guest tests, on that board,
#                        that layer only (each comma-separated; empty: all)
#   make demo            boot the arm64 board and show the region
#   make setup           install what the checks and boards need (check and
#                        demo do it first; tools/setup-host says what changes)
#   make bench           mmlab vs the kernel's allocators on the stock boards
#                        of both arches; tables and charts in bench/results
#   make style           checkpatch.pl --strict and kernel-doc on our sources
#   make sparse          a sparse (C=2) build
#   make help            this list

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
MMLAB_CACHE ?= /var/cache/mmlab
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) \
	$(if $(ARCH),ARCH=$(ARCH)) $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

export MMLAB_CACHE

# make check's selection, passed to tools/prepare-host and tools/check:
# LAYERS (host,kunit,guest), BOARDS (x86_64-stock,x86_64-lab,arm64-stock,
# arm64-lab; x86_64-kcsan too) and TESTS (in-guest test scripts), each
# comma-separated; empty means all. JOBS: boots run at once (tools/check
# --jobs; default one per two CPUs, at least 1).
SELECT = $(if $(LAYERS),--layers $(LAYERS)) $(if $(BOARDS),--boards $(BOARDS)) \
	$(if $(JOBS),--jobs $(JOBS))

.PHONY: all modules clean install dkms-install check style sparse demo bench \
	stress setup help

all: modules

modules:
	$(KMAKE) modules

clean:
	$(KMAKE) clean
	rm -rf tools/out

install: modules
	$(KMAKE) modules_install
	depmod -a $(KERNELRELEASE)

dkms-install:
	dkms add $(CURDIR) || true
	dkms build mmlab/$(VERSION) -k $(KERNELRELEASE)
	dkms install mmlab/$(VERSION) -k $(KERNELRELEASE)

# What a new machine lacks is installed first, so that make check and make
# demo can each be the first command (tools/setup-host says what it
# changes). make check's preparation (tools/prepare-host) also builds the
# lab kernels while the packages install; it fails only when the packages
# cannot be installed (a kernel that does not build is reported by
# tools/check, with its log).
setup:
	tools/setup-host

# TESTS=, BOARDS= and LAYERS= on make's command line would reach every make
# below (MAKEFLAGS; TESTS= would replace tools/Makefile's list of programs):
# they go to the tools as options only.
CLEAN_ENV = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u TESTS -u BOARDS -u LAYERS -u JOBS

check:
	$(CLEAN_ENV) tools/prepare-host $(SELECT)
	$(CLEAN_ENV) tools/check $(SELECT) $(if $(TESTS),--tests $(TESTS))

style: setup
	tools/style

sparse: setup
	tools/sparse

demo: setup
	tools/demo

# BENCH_ARGS: e.g. --arch x86_64 --profile quick (tools/bench/run --help)
bench:
	tools/bench/run $(BENCH_ARGS)

# STRESS_ARGS: e.g. --seconds 60 --boards x86_64-lab (tools/stress --help);
# writes docs/reliability.md
stress:
	tools/stress $(STRESS_ARGS)

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))
