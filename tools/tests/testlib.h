/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testlib.h: what the C test programs share. TAP lines and the plan,
 * /dev/mmlab opened once (devfd) with the page size (psz), its pages
 * mapped, and the pfn behind a mapped address. Header only: every test
 * is one static program (tools/Makefile).
 *
 * The plan comes first: tap_plan(N) before the first case, N the cases
 * the program reports when it runs to its end; tap_done() at the end
 * returns 1 unless exactly N were reported and none failed. A program
 * that cannot run its cases (no /dev/mmlab, a missing CMA area) bails out
 * with tap_bail(): a failure, never a skip. A shell test runs it with
 * lib.sh's subtest, and tools/check reads its cases.
 */
#ifndef MMLAB_TESTLIB_H
#define MMLAB_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab_fault/mmlab_uapi.h"

static int tap_n, tap_failed, tap_planned = -1, devfd = -1;
static size_t psz;

/* The plan, before the first case: the program reports @n cases. */
static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Give up: "Bail out! ..." (a failure for the harness), exit status 2. */
static inline void tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(2);
}

/* One TAP line: "ok N - ..." if @cond, else "not ok N - ...". */
static inline void tap(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/*
 * A case that cannot run here: "ok N - DESC # SKIP WHY". tools/check fails
 * it unless tools/tests/expected-skips lists it for the board.
 */
static inline void tap_skip(const char *desc, const char *why)
{
	tap_n++;
	printf("ok %d - %s # SKIP %s\n", tap_n, desc, why);
	fflush(stdout);
}

/*
 * The end: the exit status, 0 when the plan was printed, exactly that many
 * cases were reported and none failed; 1 otherwise.
 */
static inline int tap_done(void)
{
	if (tap_planned < 0) {
		printf("# no plan: tap_plan() must come before the first case\n");
		return 1;
	}
	if (tap_n != tap_planned) {
		printf("# planned %d cases, reported %d\n", tap_planned, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

/*
 * Line-buffered stdout, psz, and /dev/mmlab opened read-write into devfd;
 * bails out if it cannot be opened.
 */
static inline void test_open_dev(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	psz = sysconf(_SC_PAGESIZE);
	devfd = open(MMLAB_DEV_PATH, O_RDWR);
	if (devfd < 0)
		tap_bail("cannot open %s: %s", MMLAB_DEV_PATH, strerror(errno));
}

/* @n pages of /dev/mmlab, read-write, @flags MAP_PRIVATE or MAP_SHARED. */
static inline char *dev_map(size_t n, int flags)
{
	void *p = mmap(NULL, n * psz, PROT_READ | PROT_WRITE, flags, devfd, 0);

	if (p == MAP_FAILED) {
		perror("mmap /dev/mmlab");
		exit(2);
	}
	return p;
}

/* The caller's pte at @addr, from MMLAB_IOC_PAGE_INFO; 0 on success. */
static inline int dev_page_info(void *addr, struct mmlab_ioc_page_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->addr = (uintptr_t)addr;
	return ioctl(devfd, MMLAB_IOC_PAGE_INFO, pi);
}

/* The pfn mapped at @addr, from MMLAB_IOC_PAGE_INFO; 0 if none. */
static inline uint64_t dev_pfn(void *addr)
{
	struct mmlab_ioc_page_info pi;

	return dev_page_info(addr, &pi) ? 0 : pi.pfn;
}

/* The MMLAB_PAGE_* flags of the pte at @addr; 0 if none. */
static inline uint32_t dev_page_flags(void *addr)
{
	struct mmlab_ioc_page_info pi;

	return dev_page_info(addr, &pi) ? 0 : pi.flags;
}

/* The pfn /proc/self/pagemap gives for @addr (root sees pfns); 0: none. */
static inline uint64_t pagemap_pfn(void *addr)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (uintptr_t)addr / psz * 8) != 8)
		e = 0;
	close(fd);
	if (!(e >> 63))
		return 0;
	return e & ((1ULL << 55) - 1);
}

/* A child's exit status, 128 + the signal that killed it, or -1. */
static inline int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Write @s to the file @path; 1 on success, 0 otherwise. */
static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return 0;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok;
}

#define MMLAB_DRAIN	"/sys/kernel/debug/mmlab/drain"
#define MMLAB_FAULT_STATS "/sys/kernel/debug/mmlab/fault/stats"

/* The value of the "NAME VALUE" line @name of the file @path, or -1. */
static inline long keyed_value(const char *path, const char *name)
{
	char key[64];
	long v, found = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/* A counter of fault/stats, or -1. */
static inline long fault_stat_value(const char *name)
{
	return keyed_value(MMLAB_FAULT_STATS, name);
}

/* The "quarantined" line of fault/stats; 0 without the file. */
static inline long quarantined_pages(void)
{
	long q = fault_stat_value("quarantined");

	return q > 0 ? q : 0;
}

/*
 * Pages in mmlab_fault's quarantine are on their way back: a reference
 * the kernel held (a pipe's, a racing fault's, another CPU's zap) when
 * their last object let go. Wait up to 5 s for the quarantine to empty
 * (it is rescanned every 100 ms); what is left in it then.
 */
static inline long settled_quarantine(void)
{
	unsigned int i;

	for (i = 0; i < 250 && quarantined_pages() > 0; i++)
		usleep(20000);
	return quarantined_pages();
}

/*
 * Free pages of every region, per-CPU lists drained first: pages a CPU
 * freed last sit there, and are not counted free (as NR_FREE_PAGES).
 * The quarantine is let settle first. -1 if MMLAB_IOC_INFO fails.
 */
static inline long drained_free_pages(void)
{
	struct mmlab_ioc_info info;
	unsigned int i;
	long n = 0;

	settled_quarantine();
	write_file(MMLAB_DRAIN, "1");
	memset(&info, 0, sizeof(info));
	if (ioctl(devfd, MMLAB_IOC_INFO, &info))
		return -1;
	for (i = 0; i < info.nr_regions && i < MMLAB_UAPI_MAX_REGIONS; i++)
		n += info.regions[i].free_pages;
	return n;
}

#define MMLAB_CMA_DIR	"/sys/kernel/debug/mmlab/cma"

/* A number of CMA area @area's debugfs file @file, or -1. */
static inline long cma_area_value(const char *area, const char *file)
{
	char path[512];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), MMLAB_CMA_DIR "/%s/%s", area, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%li", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

#define MMLAB_VMSTAT	"/sys/kernel/debug/mmlab/vmstat"

/* A counter of mmlab's vmstat file, or -1. */
static inline long vmstat_value(const char *name)
{
	return keyed_value(MMLAB_VMSTAT, name);
}

#endif /* MMLAB_TESTLIB_H */
