// SPDX-License-Identifier: GPL-2.0
/*
 * labuser: user pages of /dev/mmlab for the guided labs (docs/labs/).
 * Prints what each step did, in words, with the pfn and flags of the pte
 * (MMLAB_IOC_PAGE_INFO, which also says whether the pte is writable).
 *
 *   labuser zero N
 *	maps N private pages, reads each (read faults: the zero page), then
 *	writes the first (a write fault: a new zeroed page of its own).
 *   labuser cow
 *	writes one private page, forks; the child reads it (the same pfn,
 *	read-only), writes it (a copy: a new pfn); then the parent writes it
 *	(no other holder left: reused in place, the same pfn).
 *   labuser fill N [K]
 *	maps N private pages and writes a pattern in each; with K, unmaps
 *	all but every K-th page by pfn (holes all over the region; each run
 *	of unmapped pages in one munmap, so few vma splits); says how
 *	many pages lie in each CMA area, prints "holding P pages pid PID",
 *	then waits for SIGINT or SIGTERM and checks every byte: prints
 *	"verified P pages: B bad bytes, M moved" (moved: the pfn changed,
 *	by migration). Exit 1 if a byte was wrong.
 *
 * Exit status: 0 ok, 1 a step failed, 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmlab_fault/mmlab_uapi.h"
#include "testlib.h"

/* Read a byte the compiler cannot drop. */
#define READ(x) ({ char __c = (x); asm volatile("" : : "r"(__c)); __c; })

static void die(const char *what)
{
	fprintf(stderr, "labuser: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct mmlab_ioc_page_info pte_of(const void *addr)
{
	struct mmlab_ioc_page_info pi;

	memset(&pi, 0, sizeof(pi));
	pi.addr = (uintptr_t)addr;
	if (ioctl(devfd, MMLAB_IOC_PAGE_INFO, &pi))
		die("MMLAB_IOC_PAGE_INFO");
	return pi;
}

/* "pfn 0x50123 read-only zero-page", or "not present". */
static const char *describe(const void *addr)
{
	static char buf[96];
	struct mmlab_ioc_page_info pi = pte_of(addr);

	if (!(pi.flags & MMLAB_PAGE_PRESENT))
		return "not present";
	snprintf(buf, sizeof(buf), "pfn %#llx %s%s", (unsigned long long)pi.pfn,
		 pi.flags & MMLAB_PAGE_WRITABLE ? "writable" : "read-only",
		 pi.flags & MMLAB_PAGE_ZERO ? " zero-page" : "");
	return buf;
}

static char *map_private(size_t n)
{
	char *p = mmap(NULL, n * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		       devfd, 0);

	if (p == MAP_FAILED)
		die("mmap /dev/mmlab");
	return p;
}

static int zeroes(const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += !p[i];
	return n;
}

static int do_zero(size_t n)
{
	char sink = 0, *p = map_private(n);
	size_t i;

	printf("mapped %zu private pages: page 0 %s\n", n, describe(p));
	for (i = 0; i < n; i++) {
		sink += READ(p[i * psz]);
		printf("read page %zu: %s\n", i, describe(p + i * psz));
	}
	p[0] = 'x';
	printf("wrote page 0: %s, %d of %zu bytes still zero\n", describe(p),
	       zeroes(p, psz), psz);
	for (i = 1; i < n; i++)
		printf("page %zu: %s\n", i, describe(p + i * psz));
	munmap(p, n * psz);
	return sink != 0;
}

static int do_cow(void)
{
	int to_child[2], to_parent[2], st;
	char c, *p = map_private(1);
	pid_t pid;

	memset(p, 'P', psz);
	printf("parent: wrote the page: %s\n", describe(p));
	if (pipe(to_child) || pipe(to_parent))
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		c = READ(p[0]);
		printf("child: read '%c': %s\n", c, describe(p));
		p[0] = 'C';
		printf("child: wrote 'C': %s\n", describe(p));
		fflush(stdout);
		if (write(to_parent[1], "x", 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(1);
		_exit(p[0] == 'C' && p[1] == 'P' ? 0 : 1);
	}
	if (read(to_parent[0], &c, 1) != 1)
		die("read from the child");
	printf("parent: reads '%c' (not the child's 'C')\n", READ(p[0]));
	p[1] = 'Q';
	printf("parent: wrote 'Q': %s\n", describe(p));
	if (write(to_child[1], "x", 1) != 1)
		die("write to the child");
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	munmap(p, psz);
	return 0;
}

static uint64_t word(size_t page, size_t i)
{
	uint64_t x = ((uint64_t)page << 24) ^ i ^ 0x9e3779b97f4a7c15ULL;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29);
}

struct upage {
	char *addr;
	uint64_t pfn;
	size_t idx;
};

static int cmp_pfn(const void *a, const void *b)
{
	const struct upage *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* How many of @pg lie in each CMA area. */
static void report_cma(const struct upage *pg, size_t n)
{
	DIR *dir = opendir(MMLAB_CMA_DIR);
	struct dirent *d;
	size_t i, in;
	long base, count;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		base = cma_area_value(d->d_name, "base_pfn");
		count = cma_area_value(d->d_name, "count");
		for (i = 0, in = 0; i < n; i++)
			in += pg[i].pfn >= (uint64_t)base &&
			      pg[i].pfn < (uint64_t)(base + count);
		printf("in cma area %s: %zu pages\n", d->d_name, in);
	}
	closedir(dir);
}

/* Unmap the runs of pages of @p that @keep does not mark, in one call each. */
static void unmap_runs(char *p, const char *keep, size_t n)
{
	size_t i = 0, start;

	while (i < n) {
		if (keep[i]) {
			i++;
			continue;
		}
		for (start = i; i < n && !keep[i]; i++)
			;
		if (munmap(p + start * psz, (i - start) * psz))
			die("munmap");
	}
}

static int do_fill(size_t n, size_t keep)
{
	struct upage *pg = calloc(n, sizeof(*pg));
	char *flag = calloc(n, 1), *p = map_private(n);
	size_t i, j, kept = 0, bad = 0, moved = 0;
	sigset_t set;

	if (!pg || !flag)
		die("calloc");
	for (i = 0; i < n; i++) {
		uint64_t *w = (uint64_t *)(p + i * psz);

		for (j = 0; j < psz / 8; j++)
			w[j] = word(i, j);
		pg[i].addr = p + i * psz;
		pg[i].idx = i;
		pg[i].pfn = pte_of(pg[i].addr).pfn;
	}
	/* Keep every keep-th page by pfn; unmap the others, run by run. */
	qsort(pg, n, sizeof(*pg), cmp_pfn);
	for (i = 0; i < n; i++) {
		if (keep && i % keep)
			continue;
		flag[pg[i].idx] = 1;
		pg[kept++] = pg[i];
	}
	unmap_runs(p, flag, n);
	free(flag);
	printf("mapped %zu pages, kept %zu", n, kept);
	if (keep)
		printf(" (every %zu-th by pfn)", keep);
	printf(", pfns %#llx-%#llx\n", (unsigned long long)pg[0].pfn,
	       (unsigned long long)pg[kept - 1].pfn);
	report_cma(pg, kept);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("holding %zu pages pid %d\n", kept, (int)getpid());
	fflush(stdout);
	while (sigwaitinfo(&set, NULL) < 0 && errno == EINTR)
		;
	for (i = 0; i < kept; i++) {
		const uint64_t *w = (const uint64_t *)pg[i].addr;

		for (j = 0; j < psz / 8; j++)
			bad += w[j] != word(pg[i].idx, j);
		moved += pte_of(pg[i].addr).pfn != pg[i].pfn;
	}
	printf("verified %zu pages: %zu bad bytes, %zu moved\n", kept, bad * 8,
	       moved);
	return bad ? 1 : 0;
}

static int bad_usage(void)
{
	fprintf(stderr, "usage: labuser zero N | cow | fill N [KEEP_EVERY]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long n = 0, k = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	psz = sysconf(_SC_PAGESIZE);
	if (argc < 2)
		return bad_usage();
	if (argc >= 3)
		n = strtoul(argv[2], NULL, 0);
	if (argc == 4)
		k = strtoul(argv[3], NULL, 0);
	devfd = open("/dev/mmlab", O_RDWR | O_CLOEXEC);
	if (devfd < 0)
		die("/dev/mmlab");
	if (!strcmp(argv[1], "zero") && argc == 3 && n > 0 && n <= 4096)
		return do_zero(n);
	if (!strcmp(argv[1], "cow") && argc == 2)
		return do_cow();
	if (!strcmp(argv[1], "fill") && (argc == 3 || argc == 4) && n > 0 &&
	    n <= (1UL << 20) && (argc == 3 || k > 0))
		return do_fill(n, k);
	return bad_usage();
}
