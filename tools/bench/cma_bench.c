// SPDX-License-Identifier: GPL-2.0
/*
 * cma_bench: contiguous allocations from a CMA area half filled with
 * movable user pages, for the contiguous rows of `make bench` (issue 7).
 * The same program drives both sides through the same interface, the CMA
 * debugfs directory (write a page count to alloc, then to free):
 *
 *   kernel  /sys/kernel/debug/cma/AREA/ (CONFIG_CMA_DEBUGFS: the lab
 *           kernels; a cma= area on the command line), user pages from
 *           MAP_ANONYMOUS (THP off);
 *   mmlab   /sys/kernel/debug/mmlab/cma/AREA/, user pages from /dev/mmlab.
 *
 * Where a user page lies: /proc/self/pagemap for anonymous memory,
 * MMLAB_IOC_PAGE_INFO for /dev/mmlab (pagemap does not walk VM_PFNMAP).
 *
 * Before every allocation the area is filled again until user pages hold
 * half of it: user pages are touched 1 MiB at a time, and where each one
 * landed is looked up, until half the area's pages are ours (both
 * allocators put movable pages in CMA pageblocks once free CMA pages exceed
 * half of all free pages, __rmqueue, so the rest of memory fills as well;
 * nr_free_cma cannot tell: the kernel's per-CPU lists hold freed CMA
 * pages that count as neither free nor user pages); then user pages
 * outside the area, newest first, are released (MADV_DONTNEED, or munmap
 * of the page on /dev/mmlab, which refuses MADV_DONTNEED) until as much
 * memory as the area has been given back outside it: room for the
 * migration, and the pages an earlier allocation migrated out go too. An
 * allocation migrates the user pages in its way out of the area, as
 * cma_alloc -> alloc_contig_range does; how many were in its way depends
 * on where each allocator put them. Every user page carries a pattern (one word in
 * every 256 bytes, which keeps the fill cheap under TCG), checked when it
 * is released and at the end: the corrupted-byte count must be 0.
 *
 * Output, one line per size:
 *   cma,SIDE,PAGES,TRIES,OK,MIN_NS,AVG_NS,MAX_NS,P99_NS,FILL_PCT,MIGRATED
 * (times of the successful allocations only; FILL_PCT the mean part of the
 * area held by user pages before an allocation; MIGRATED the mean number
 * of user pages each allocation moved out of the area, counted by looking
 * them up again: the lab kernel has no VM event counters), then
 *   cma_check,SIDE,PAGES_CHECKED,CORRUPTED_BYTES
 *
 * Time is CLOCK_MONOTONIC, or on x86 with the jiffies clocksource (the
 * x86_64 lab kernel under TCG) the TSC, calibrated against it over 1 s.
 *
 * usage: cma_bench -s kernel|mmlab -a AREA [-n SIZES] [-t TRIES]
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "mmlab_fault/mmlab_uapi.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CHUNK_PAGES	256
#define STRIDE_WORDS	32	/* one patterned word per 256 bytes */
#define MAX_CHUNKS	4096
#define MAX_SIZES	16
#define MAX_TRIES	1024

struct side {
	const char *name;
	const char *cma_dir;
	int devfd;		/* /dev/mmlab, or -1 for anonymous memory */
};

static const struct side sides[] = {
	{ "kernel", "/sys/kernel/debug/cma", -1 },
	{ "mmlab", "/sys/kernel/debug/mmlab/cma", -1 },
};

static struct side side;
static char area_dir[256];
static long page_size;
static unsigned long base_pfn, area_pages;
static int pagemap_fd = -1;

/**
 * struct chunk - 1 MiB of user pages touched together.
 * @p: its address.
 * @id: its number, part of the pattern.
 * @live: pages still mapped and holding the pattern.
 * @nr_live: how many.
 * @in_area: how many of them are in the area, when last looked.
 */
struct chunk {
	char *p;
	unsigned long id;
	unsigned char live[CHUNK_PAGES];
	unsigned int nr_live;
	unsigned int in_area;
};

static struct chunk chunks[MAX_CHUNKS];
static int nr_chunks;
static unsigned long area_user_pages;	/* sum of the chunks' in_area */
static unsigned long next_chunk_id;

#if defined(__x86_64__)
static double tsc_per_ns;	/* 0: CLOCK_MONOTONIC */
#endif

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "cma_bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long long now_ns(void)
{
#if defined(__x86_64__)
	if (tsc_per_ns)
		return (unsigned long long)(__rdtsc() / tsc_per_ns);
#endif
	return mono_ns();
}

/* On a jiffies clocksource, time with the TSC (x86 only). */
static void pick_clock(void)
{
	char cs[64] = "";
	FILE *f;

	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "r");
	if (f) {
		if (!fgets(cs, sizeof(cs), f))
			cs[0] = 0;
		fclose(f);
	}
	if (!strstr(cs, "jiffies"))
		return;
#if defined(__x86_64__)
	{
		unsigned long long t0 = mono_ns(), c0 = __rdtsc(), t1;

		do
			t1 = mono_ns();
		while (t1 - t0 < 1000000000ULL);
		tsc_per_ns = (double)(__rdtsc() - c0) / (t1 - t0);
		printf("# clock: jiffies clocksource, TSC at %.3f GHz\n",
		       tsc_per_ns);
	}
#else
	printf("# clock: jiffies clocksource, coarse figures\n");
#endif
}

/* The number a debugfs file of the area holds. */
static unsigned long read_ulong(const char *path)
{
	unsigned long v = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot open %s", path);
	if (fscanf(f, "%lu", &v) != 1)
		die("no number in %s", path);
	fclose(f);
	return v;
}

/* Write @count to the area's @file; 0 or -errno. */
static int area_write(const char *file, unsigned long count)
{
	char path[300], buf[32];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", area_dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("cannot open %s", path);
	len = snprintf(buf, sizeof(buf), "%lu\n", count);
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static uint64_t pattern(unsigned long id, unsigned long page, size_t i)
{
	return (id << 32 ^ page << 16 ^ i) * 0x9e3779b97f4a7c15ULL;
}

static void fill_page(char *p, unsigned long id, unsigned long page)
{
	uint64_t *w = (uint64_t *)(p + page * page_size);
	size_t i;

	for (i = 0; i < page_size / sizeof(*w); i += STRIDE_WORDS)
		w[i] = pattern(id, page, i);
}

static unsigned long bad_bytes(const char *p, unsigned long id,
			       unsigned long page)
{
	const uint64_t *w = (const uint64_t *)(p + page * page_size);
	unsigned long bad = 0;
	size_t i;
	int b;

	for (i = 0; i < page_size / sizeof(*w); i += STRIDE_WORDS) {
		uint64_t d = w[i] ^ pattern(id, page, i);

		for (b = 0; b < 8; b++)
			bad += !!((d >> (b * 8)) & 0xff);
	}
	return bad;
}

static char *map_chunk(void)
{
	size_t len = CHUNK_PAGES * page_size;
	char *p;

	if (side.devfd >= 0)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 side.devfd, 0);
	else
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (side.devfd < 0)
		madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

/*
 * The frame behind @addr: MMLAB_IOC_PAGE_INFO for /dev/mmlab (a VM_PFNMAP
 * mapping, which /proc/self/pagemap reports as a hole), pagemap otherwise.
 */
static uint64_t pfn_of(const char *addr)
{
	struct mmlab_ioc_page_info pi;
	uint64_t e = 0;
	off_t off = (uintptr_t)addr / page_size * sizeof(e);

	if (side.devfd >= 0) {
		memset(&pi, 0, sizeof(pi));
		pi.addr = (uintptr_t)addr;
		if (ioctl(side.devfd, MMLAB_IOC_PAGE_INFO, &pi))
			return 0;
		if (pi.pfn)
			return pi.pfn;
		/* Migrated: the pte comes back on the next touch. */
		__atomic_load_n(addr, __ATOMIC_RELAXED);
		if (ioctl(side.devfd, MMLAB_IOC_PAGE_INFO, &pi))
			return 0;
		return pi.pfn;
	}
	if (pread(pagemap_fd, &e, sizeof(e), off) != sizeof(e))
		return 0;
	return (e >> 63) ? e & ((1ULL << 55) - 1) : 0;
}

static int in_area(const char *addr)
{
	uint64_t pfn = pfn_of(addr);

	return pfn >= base_pfn && pfn < base_pfn + area_pages;
}

/* Look up where each live page of @c is; update the counts. */
static void count_chunk(struct chunk *c)
{
	unsigned long pg;
	unsigned int n = 0;

	for (pg = 0; pg < CHUNK_PAGES; pg++)
		if (c->live[pg] && in_area(c->p + pg * page_size))
			n++;
	area_user_pages += n;
	area_user_pages -= c->in_area;
	c->in_area = n;
}

/* After an allocation: pages only leave the area, so only look there. */
static void recount(void)
{
	int i;

	for (i = 0; i < nr_chunks; i++)
		if (chunks[i].in_area)
			count_chunk(&chunks[i]);
}

/* Touch chunks until user pages hold half the area; -1 if memory ran out. */
static int refill(void)
{
	unsigned long pg;
	struct chunk *c;
	char *p;

	recount();
	while (area_user_pages < area_pages / 2) {
		if (nr_chunks == MAX_CHUNKS)
			return -1;
		p = map_chunk();
		if (!p)
			return -1;
		for (pg = 0; pg < CHUNK_PAGES; pg++)
			fill_page(p, next_chunk_id, pg);
		c = &chunks[nr_chunks++];
		c->p = p;
		c->id = next_chunk_id++;
		memset(c->live, 1, CHUNK_PAGES);
		c->nr_live = CHUNK_PAGES;
		c->in_area = 0;
		count_chunk(c);
	}
	return 0;
}

/* Give one user page back to its allocator. */
static void release_page(char *addr)
{
	if (side.devfd >= 0)
		munmap(addr, page_size);
	else
		madvise(addr, page_size, MADV_DONTNEED);
}

/*
 * Forget the chunks with no live page. An anonymous chunk is still mapped
 * (MADV_DONTNEED keeps the range): unmap it. A /dev/mmlab chunk was
 * unmapped page by page, and a newer chunk may already sit in its holes.
 */
static void compact_chunks(void)
{
	int i, kept = 0;

	for (i = 0; i < nr_chunks; i++) {
		if (!chunks[i].nr_live) {
			if (side.devfd < 0)
				munmap(chunks[i].p, CHUNK_PAGES * page_size);
			continue;
		}
		chunks[kept++] = chunks[i];
	}
	nr_chunks = kept;
}

/*
 * Check, then release, live pages outside the area, newest chunk first,
 * up to @limit pages. Returns the corrupted bytes found.
 */
static unsigned long drop_outside(unsigned long limit, unsigned long *checked)
{
	unsigned long bad = 0, dropped = 0, pg;
	struct chunk *c;
	char *addr;
	int i;

	for (i = nr_chunks - 1; i >= 0 && dropped < limit; i--) {
		c = &chunks[i];
		for (pg = 0; pg < CHUNK_PAGES && dropped < limit; pg++) {
			addr = c->p + pg * page_size;
			if (!c->live[pg] || in_area(addr))
				continue;
			bad += bad_bytes(c->p, c->id, pg);
			(*checked)++;
			release_page(addr);
			c->live[pg] = 0;
			c->nr_live--;
			dropped++;
		}
	}
	compact_chunks();
	return bad;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* @tries allocations of @pages; prints the row. */
static void run_size(unsigned long pages, int tries, unsigned long *bad,
		     unsigned long *checked)
{
	static unsigned long long ns[MAX_TRIES];
	unsigned long long t0, sum = 0;
	unsigned long u0, moved = 0;
	double fill = 0;
	int t, ok = 0, err = 0, p99;

	for (t = 0; t < tries; t++) {
		if (refill())
			fprintf(stderr, "cma_bench: %s: could not fill the area\n",
				side.name);
		*bad += drop_outside(area_pages, checked);
		fill += 100.0 * area_user_pages / area_pages;
		u0 = area_user_pages;
		t0 = now_ns();
		err = area_write("alloc", pages);
		if (!err) {
			ns[ok] = now_ns() - t0;
			sum += ns[ok++];
			if (area_write("free", pages))
				die("%s: free failed", side.name);
			recount();
			moved += u0 - area_user_pages;
		}
	}
	if (!ok) {
		printf("cma,%s,%lu,%d,0,0,0,0,0,%.1f,0\n", side.name, pages,
		       tries, fill / tries);
		fprintf(stderr, "cma_bench: %s: %lu pages: %s\n", side.name,
			pages, strerror(-err));
		return;
	}
	qsort(ns, ok, sizeof(ns[0]), cmp_ull);
	p99 = (ok * 99 + 99) / 100 - 1;
	printf("cma,%s,%lu,%d,%d,%llu,%llu,%llu,%llu,%.1f,%lu\n", side.name,
	       pages, tries, ok, ns[0], sum / ok, ns[ok - 1], ns[p99],
	       fill / tries, moved / ok);
	fflush(stdout);
}

static unsigned long check_all(unsigned long *checked)
{
	unsigned long bad = 0, pg;
	int i;

	for (i = 0; i < nr_chunks; i++) {
		for (pg = 0; pg < CHUNK_PAGES; pg++) {
			if (!chunks[i].live[pg])
				continue;
			bad += bad_bytes(chunks[i].p, chunks[i].id, pg);
			(*checked)++;
		}
	}
	return bad;
}

static int parse_sizes(char *list, unsigned long *sizes)
{
	char *tok, *end;
	int n = 0;

	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		if (n == MAX_SIZES)
			die("more than 16 sizes in %s", list);
		sizes[n] = strtoul(tok, &end, 10);
		if (*end || !sizes[n])
			die("bad size '%s'", tok);
		n++;
	}
	return n;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: cma_bench -s kernel|mmlab -a AREA [-n PAGES,...] [-t TRIES]\n");
	exit(2);
}

static void open_side(const char *name, const char *area)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sides); i++)
		if (!strcmp(name, sides[i].name))
			side = sides[i];
	if (!side.name || strchr(area, '/') || strlen(area) > 64)
		bad_usage();
	if (!strcmp(name, "mmlab")) {
		side.devfd = open("/dev/mmlab", O_RDWR);
		if (side.devfd < 0)
			die("cannot open %s", "/dev/mmlab");
	}
	snprintf(area_dir, sizeof(area_dir), "%s/%s", side.cma_dir, area);
	if (access(area_dir, F_OK))
		die("no CMA area %s", area_dir);
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap_fd < 0)
		die("cannot open %s", "/proc/self/pagemap");
}

int main(int argc, char **argv)
{
	char defsizes[] = "1,512,1024,4096,16384";
	unsigned long sizes[MAX_SIZES], bad = 0, checked = 0;
	char path[300], *list = defsizes;
	const char *sname = NULL, *area = NULL;
	int opt, tries = 32, n, i;

	while ((opt = getopt(argc, argv, "s:a:n:t:")) != -1) {
		switch (opt) {
		case 's':
			sname = optarg;
			break;
		case 'a':
			area = optarg;
			break;
		case 'n':
			list = optarg;
			break;
		case 't':
			tries = atoi(optarg);
			break;
		default:
			bad_usage();
		}
	}
	if (!sname || !area || tries < 1 || tries > MAX_TRIES)
		bad_usage();
	page_size = sysconf(_SC_PAGESIZE);
	n = parse_sizes(list, sizes);
	open_side(sname, area);
	snprintf(path, sizeof(path), "%s/base_pfn", area_dir);
	base_pfn = read_ulong(path);
	snprintf(path, sizeof(path), "%s/count", area_dir);
	area_pages = read_ulong(path);
	if (!area_pages)
		die("area %s has no pages", area_dir);
	pick_clock();
	printf("# %s area %s: base_pfn %lu, %lu pages\n", side.name, area,
	       base_pfn, area_pages);
	for (i = 0; i < n; i++) {
		if (sizes[i] > area_pages) {
			printf("# %s: %lu pages is larger than the area\n",
			       side.name, sizes[i]);
			continue;
		}
		run_size(sizes[i], tries, &bad, &checked);
	}
	bad += check_all(&checked);
	printf("cma_check,%s,%lu,%lu\n", side.name, checked, bad);
	return bad ? 1 : 0;
}
