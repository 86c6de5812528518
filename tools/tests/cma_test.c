// SPDX-License-Identifier: GPL-2.0
/*
 * cma_test: user pages of a /dev/mmlab mapping survive CMA allocations and
 * compaction that migrate them. TAP, run by cma.sh as root in the guest.
 *
 * Each mode prints its plan first and bails out (a failure) when it cannot
 * run, e.g. without the CMA area it was given.
 *
 *   cma_test verify AREA NPAGES
 *	maps NPAGES private pages, fills them with a checksummed pattern,
 *	counts those that sit in CMA area AREA, creates ./ready, then reads
 *	every byte in passes (and rewrites a few pages) until ./stop exists;
 *	reports corrupted bytes, pages whose pfn changed, and pages found in
 *	a range the area's bitmap says is allocated.
 *   cma_test frag NPAGES
 *	maps and fills NPAGES pages, unmaps seven of every eight (holes
 *	everywhere), compacts every region through debugfs and checks that
 *	buddyinfo's high orders came back and the kept pages are intact.
 *   cma_test kcompactd NPAGES SECONDS
 *	holes by pfn (one page of eight kept) over (nearly) the whole
 *	region, so that no block of order 9 stays free, and no compaction
 *	asked for: within SECONDS kcompactd must compact on its own, as
 *	6.1's proactive compaction, driven by the fragmentation index
 *	(compact_daemon_migrate_scanned rises; compact_daemon_wake, which
 *	counts wakeups by kswapd, need not), migrate pages and leave a free
 *	block of order 9.
 *
 * pfns come from MMLAB_IOC_PAGE_INFO (the pte, as pagemap shows it).
 */
#include "testlib.h"

#define BUDDYINFO "/sys/kernel/debug/mmlab/buddyinfo"
#define COMPACT "/sys/kernel/debug/mmlab/compact"

static uint64_t word(size_t page, size_t i)
{
	uint64_t x = (page << 20) ^ i ^ 0x9e3779b97f4a7c15ULL;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	return x ^ (x >> 29);
}

static void fill(char *p, size_t page)
{
	uint64_t *w = (uint64_t *)(p + page * psz);
	size_t i;

	for (i = 0; i < psz / 8; i++)
		w[i] = word(page, i);
}

/* Bytes of @page that differ from the pattern. */
static long check(const char *p, size_t page)
{
	const uint64_t *w = (const uint64_t *)(p + page * psz);
	long bad = 0;
	size_t i;

	for (i = 0; i < psz / 8; i++) {
		uint64_t d = w[i] ^ word(page, i);
		int b;

		for (b = 0; b < 8; b++)
			bad += !!((d >> (b * 8)) & 0xff);
	}
	return bad;
}

/* The area's bitmap (order_per_bit 0 assumed by cma.sh), one u32 a word. */
static int read_bitmap(const char *area, uint32_t *bits, size_t nwords)
{
	char path[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), MMLAB_CMA_DIR "/%s/bitmap", area);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < nwords && fscanf(f, "%u", &bits[n]) == 1)
		n++;
	fclose(f);
	return n == nwords ? 0 : -1;
}

static char *map_fill(size_t n)
{
	char *p = dev_map(n, MAP_PRIVATE);
	size_t i;

	for (i = 0; i < n; i++)
		fill(p, i);
	return p;
}

static int do_verify(const char *area, size_t n)
{
	long base = cma_area_value(area, "base_pfn"), count = cma_area_value(area, "count");
	uint64_t *pfn0 = calloc(n, sizeof(*pfn0));
	uint32_t *bits;
	size_t i, in_area = 0, moved = 0, in_alloc = 0, nwords;
	long bad = 0, passes = 0;
	char *p;

	tap_plan(4);
	if (base < 0 || count <= 0)
		tap_bail("no CMA area %s", area);
	if (!pfn0)
		tap_bail("out of memory");
	nwords = (count + 31) / 32;
	bits = calloc(nwords, sizeof(*bits));
	p = map_fill(n);
	for (i = 0; i < n; i++) {
		pfn0[i] = dev_pfn(p + i * psz);
		in_area += pfn0[i] >= (uint64_t)base &&
			   pfn0[i] < (uint64_t)(base + count);
	}
	tap(in_area > 0, "%zu pages mapped and filled, %zu in CMA area %s",
	    n, in_area, area);
	printf("# area %s: pfn %#lx, %ld pages\n", area, base, count);
	close(open("ready", O_CREAT | O_WRONLY, 0644));

	while (access("stop", F_OK)) {
		for (i = 0; i < n; i++)
			bad += check(p, i);
		/* Writes after migration land in the new page. */
		for (i = passes % 7; i < n; i += 97)
			fill(p, i);
		passes++;
	}
	for (i = 0; i < n; i++)
		bad += check(p, i);
	printf("# allocations, releases and compactions ran meanwhile\n");
	tap(bad == 0, "%ld corrupted bytes over %ld verify passes",
	    bad, passes + 1);

	for (i = 0; i < n; i++) {
		uint64_t pfn = dev_pfn(p + i * psz);

		moved += pfn != pfn0[i];
		if (pfn >= (uint64_t)base && pfn < (uint64_t)(base + count) &&
		    bits) {
			uint64_t bit = pfn - base;

			in_alloc += (bits[bit / 32] >> (bit % 32)) & 1;
		}
	}
	tap(moved > 0, "%zu of %zu pages moved (their pfn changed)", moved, n);
	if (bits && !read_bitmap(area, bits, nwords)) {
		in_alloc = 0;
		for (i = 0; i < n; i++) {
			uint64_t pfn = dev_pfn(p + i * psz), bit;

			if (pfn < (uint64_t)base || pfn >= (uint64_t)(base + count))
				continue;
			bit = pfn - base;
			in_alloc += (bits[bit / 32] >> (bit % 32)) & 1;
		}
		tap(in_alloc == 0, "no user page sits in an allocated CMA range (%zu do)",
		    in_alloc);
	} else {
		tap(0, "read the bitmap of %s", area);
	}
	munmap(p, n * psz);
	return tap_done();
}

/* Free pages in blocks of order >= @min over every region of buddyinfo. */
static long high_order_pages(int min)
{
	char line[512];
	long total = 0;
	FILE *f = fopen(BUDDYINFO, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *s = strstr(line, "zone");
		long v;
		int o = 0, k;

		if (!s)
			continue;
		s += 4;
		while (*s == ' ')
			s++;
		while (*s && *s != ' ')
			s++;
		while (sscanf(s, "%ld%n", &v, &k) == 1) {
			if (o >= min)
				total += v << o;
			o++;
			s += k;
		}
	}
	fclose(f);
	return total;
}

static int compact_all(void)
{
	int fd = open(COMPACT, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, "all", 3) == 3;
	close(fd);
	return ok ? 0 : -1;
}

/*
 * Unmap pages [@first, @end) of @p, if any: one munmap per run of pages,
 * not one per page (every munmap in the middle of a mapping splits its vma,
 * which costs milliseconds on a debug kernel under TCG).
 */
static void unmap_run(char *p, size_t first, size_t end)
{
	if (end > first)
		munmap(p + first * psz, (end - first) * psz);
}

/* Map and fill @n pages, then unmap seven of every eight. */
static char *map_holes(size_t n)
{
	char *p = map_fill(n);
	size_t i;

	for (i = 0; i < n; i += 8)
		unmap_run(p, i + 1, i + 8 < n ? i + 8 : n);
	return p;
}

static long kept_bad_bytes(char *p, size_t n)
{
	long bad = 0;
	size_t i;

	for (i = 0; i < n; i += 8)
		bad += check(p, i);
	return bad;
}

/*
 * Map and fill @n pages, then unmap all but those whose pfn is a multiple
 * of eight: holes in every pageblock the mapping touched, whatever order
 * the allocator handed the pages out in. The kept pages' indexes are
 * written to @kept; returns how many there are.
 */
static char *map_pfn_holes(size_t n, size_t *kept, size_t *nkept)
{
	char *p = map_fill(n);
	size_t i, run = 0;

	*nkept = 0;
	for (i = 0; i < n; i++) {
		if (dev_pfn(p + i * psz) % 8)
			continue;
		unmap_run(p, run, i);
		kept[(*nkept)++] = i;
		run = i + 1;
	}
	unmap_run(p, run, n);
	return p;
}

static int do_kcompactd(size_t n, int seconds)
{
	const int min = 9;
	long high = -1, scan = -1, mig = -1, bad = 0;
	long scan0 = vmstat_value("compact_daemon_migrate_scanned");
	long mig0 = vmstat_value("pgmigrate_success");
	long stall0 = vmstat_value("compact_stall");
	size_t *kept = calloc(n, sizeof(*kept)), nkept, i;
	char *p;
	int t;

	tap_plan(5);
	if (!kept)
		tap_bail("out of memory");
	/* From here on nobody asks for compaction: faults are order 0. */
	p = map_pfn_holes(n, kept, &nkept);
	for (t = 0; t < seconds * 10; t++) {
		high = high_order_pages(min);
		scan = vmstat_value("compact_daemon_migrate_scanned");
		mig = vmstat_value("pgmigrate_success");
		if (scan > scan0 && mig > mig0 && high > 0)
			break;
		usleep(100000);
	}
	tap(scan0 >= 0 && scan > scan0,
	    "kcompactd compacted by itself: compact_daemon_migrate_scanned %ld -> %ld",
	    scan0, scan);
	tap(mig0 >= 0 && mig > mig0, "and migrated pages: pgmigrate_success %ld -> %ld",
	    mig0, mig);
	tap(vmstat_value("compact_stall") == stall0, "no direct compaction ran (compact_stall %ld)",
	    stall0);
	tap(high > 0, "a free block of order >= %d exists after %d.%d s (%ld pages in such blocks)",
	    min, t / 10, t % 10, high);
	for (i = 0; i < nkept; i++)
		bad += check(p, kept[i]);
	tap(bad == 0, "the %zu kept pages are intact (%ld bad bytes)", nkept, bad);
	free(kept);
	return tap_done();
}

static int do_frag(size_t n)
{
	const int min = 9;
	long before, after, bad;
	char *p;

	tap_plan(3);
	p = map_holes(n);
	before = high_order_pages(min);
	tap(compact_all() == 0, "write \"all\" to %s", COMPACT);
	after = high_order_pages(min);
	tap(after > before, "free pages in blocks of order >= %d: %ld before compaction, %ld after",
	    min, before, after);
	bad = kept_bad_bytes(p, n);
	tap(bad == 0, "the %zu kept pages are intact after compaction (%ld bad bytes)",
	    (n + 7) / 8, bad);
	return tap_done();
}

int main(int argc, char **argv)
{
	test_open_dev();
	if (argc == 4 && !strcmp(argv[1], "verify"))
		return do_verify(argv[2], strtoul(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "frag"))
		return do_frag(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "kcompactd"))
		return do_kcompactd(strtoul(argv[2], NULL, 0), atoi(argv[3]));
	fprintf(stderr, "usage: cma_test verify AREA NPAGES | frag NPAGES |");
	fprintf(stderr, " kcompactd NPAGES SECONDS\n");
	return 2;
}
