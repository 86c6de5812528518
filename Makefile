# SPDX-License-Identifier: GPL-2.0
#
# mmlab: build the modules against a kernel's headers, and run the project's
# checks, demo and benchmarks on QEMU boards.
#
#   make                 build the modules for the running kernel (or KDIR)
#   make install         modules_install + depmod
#   make dkms-install    add, build and install through DKMS
#   make check           every test on every board; ends "N passed, M failed"
#   make demo            boot the arm64 board and show the region
#   make bench           mmlab vs the kernel's allocators on the stock boards
#                        of both arches; tables and charts in bench/results
#   make style           checkpatch.pl --strict on our sources
#   make sparse          a sparse (C=2) build

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
MMLAB_CACHE ?= /var/cache/mmlab
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) \
	$(if $(ARCH),ARCH=$(ARCH)) $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

export MMLAB_CACHE

.PHONY: all modules clean install dkms-install check style sparse demo bench stress

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

check:
	tools/check

style:
	tools/style

sparse:
	tools/sparse

demo:
	tools/demo

# BENCH_ARGS: e.g. --arch x86_64 --profile quick (tools/bench/run --help)
bench:
	tools/bench/run $(BENCH_ARGS)

# STRESS_ARGS: e.g. --seconds 60 --boards x86_64-lab (tools/stress --help);
# writes docs/reliability.md
stress:
	tools/stress $(STRESS_ARGS)
