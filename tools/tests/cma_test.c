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
 *	asked for (proactive runs off while the holes are made, then 20,
 *	the default): within SECONDS kcompactd must compact on its own, as
 *	6.1's proactive compaction, driven by the fragmentation score
 *	(compact_daemon_migrate_scanned rises; compact_daemon_wake, which
 *	counts wakeups by kswapd, need not), migrate pages and leave a free
 *	block of order 9.
 *   cma_test proactive NPAGES SECONDS
 *	the same holes with compaction_proactiveness 0, then 20, then 90:
 *	each time kcompactd compacts by itself until order 9's unusable
 *	index is at the mark the setting asks (80%, then 10%), and no
 *	further, as 6.1's fragmentation score does.
 *   cma_test capture NPAGES pageblock|below
 *	the same holes, kcompactd's own runs off: a movable allocation of a
 *	pageblock (pagetypeinfo's order), alone on cpu0 (real-time,
 *	mmlab's kswapd and kcompactd pinned there), compacts and gets the
 *	block its compaction freed (compact_capture), as 6.1's
 *	capture_control, unless a pageblock is the largest order (the lab
 *	kernels, without hugetlbfs), which 6.1 never captures; one of half
 *	a pageblock (below) compacts too but captures nothing: 6.1 keeps
 *	blocks smaller than a MOVABLE pageblock for the free lists.
 *
 * pfns come from MMLAB_IOC_PAGE_INFO (the pte, as pagemap shows it).
 */
#include <dirent.h>
#include <sched.h>

#include "testlib.h"

#define BUDDYINFO "/sys/kernel/debug/mmlab/buddyinfo"
#define COMPACT "/sys/kernel/debug/mmlab/compact"
#define UNUSABLE "/sys/kernel/debug/mmlab/unusable_index"
#define PAGETYPEINFO "/sys/kernel/debug/mmlab/pagetypeinfo"
#define PROACTIVENESS "/sys/module/mmlab_cma/parameters/compaction_proactiveness"

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
/*
 * The values of a "Node N, zone NAME v0 v1 ..." line (buddyinfo,
 * unusable_index: one per order) into @v, at most @max; returns how many,
 * 0 for another line.
 */
static int zone_line_values(char *line, double *v, int max)
{
	char *s = strstr(line, "zone");
	int n = 0, k;

	if (!s)
		return 0;
	s += 4;
	while (*s == ' ')
		s++;
	while (*s && *s != ' ')
		s++;
	while (n < max && sscanf(s, "%lf%n", &v[n], &k) == 1) {
		s += k;
		n++;
	}
	return n;
}

/* The values of the first zone line of @path; returns how many, -1 unread. */
static int first_zone_values(const char *path, double *v, int max)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (!n && fgets(line, sizeof(line), f))
		n = zone_line_values(line, v, max);
	fclose(f);
	return n;
}

/* Free pages in blocks of order >= @min, every region; -1 unreadable. */
static long high_order_pages(int min)
{
	char line[512];
	double v[32];
	long total = 0;
	FILE *f = fopen(BUDDYINFO, "r");
	int o, n;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n = zone_line_values(line, v, 32);
		for (o = min; o < n; o++)
			total += (long)v[o] << o;
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
 * Keep one pfn of each aligned group of eight, at an offset that moves
 * with the group (3 is prime to 8): no free block of order 3 or more is
 * left between kept pages, and a scan at a stride of 32 pfns, as 6.1's
 * async free scanner starts, does not land on kept pages only, as it
 * would if every multiple of eight were kept.
 */
static int pfn_kept(unsigned long long pfn)
{
	return pfn % 8 == (pfn / 8 * 3) % 8;
}

/*
 * Map and fill @n pages, then unmap all but one pfn in eight
 * (pfn_kept()): holes in every pageblock the mapping touched, whatever
 * order the allocator handed the pages out in. The kept pages' indexes
 * are written to @kept; returns how many there are.
 */
static char *map_pfn_holes(size_t n, size_t *kept, size_t *nkept)
{
	char *p = map_fill(n);
	size_t i, run = 0;

	*nkept = 0;
	for (i = 0; i < n; i++) {
		if (!pfn_kept(dev_pfn(p + i * psz)))
			continue;
		unmap_run(p, run, i);
		kept[(*nkept)++] = i;
		run = i + 1;
	}
	unmap_run(p, run, n);
	return p;
}

/*
 * What a corrupted page @page of @p holds instead of its pattern: zeroes,
 * another page's pattern (which of the @n), or something else; said on a
 * diagnostic line with its pfn now.
 */
static void describe_bad_page(char *p, size_t page, size_t n, long bad)
{
	const uint64_t *w = (const uint64_t *)(p + page * psz);
	size_t i, zero = 0;
	long from = -1;

	for (i = 0; i < psz / 8; i++)
		zero += !w[i];
	for (i = 0; i < n && from < 0; i++)
		if (w[0] == word(i, 0) && w[1] == word(i, 1))
			from = (long)i;
	printf("#   page %zu (pfn %#llx now): %ld bad bytes, %zu zero words, holds %s %ld\n",
	       page, (unsigned long long)dev_pfn(p + page * psz), bad, zero,
	       from >= 0 ? "the pattern of page" : "no page's pattern, first word",
	       from >= 0 ? from : (long)w[0]);
}

/* Bad bytes in the pages map_pfn_holes() kept; the first bad ones said. */
static long kept_pages_bad_bytes(char *p, const size_t *kept, size_t nkept,
				 size_t n)
{
	long bad = 0, b;
	size_t i, nbad = 0;

	for (i = 0; i < nkept; i++) {
		b = check(p, kept[i]);
		if (b && nbad++ < 8)
			describe_bad_page(p, kept[i], n, b);
		bad += b;
	}
	if (nbad)
		printf("#   %zu of %zu kept pages are bad\n", nbad, nkept);
	return bad;
}

static int set_proactiveness(int v)
{
	char s[16];

	snprintf(s, sizeof(s), "%d", v);
	return write_file(PROACTIVENESS, s);
}

static int do_kcompactd(size_t n, int seconds)
{
	const int min = 9;
	long high = -1, scan = -1, mig = -1, bad;
	long scan0 = vmstat_value("compact_daemon_migrate_scanned");
	long mig0 = vmstat_value("pgmigrate_success");
	long stall0 = vmstat_value("compact_stall");
	size_t *kept = calloc(n, sizeof(*kept)), nkept;
	char *p;
	int t;

	tap_plan(5);
	if (!kept)
		tap_bail("out of memory");
	/*
	 * kcompactd's own runs wait until the holes are made: a run during
	 * the fill isolates whole free blocks as its targets, and the fill,
	 * which leaves 400 pages, would find the region below its min
	 * watermark. From here on nobody asks for compaction: faults are
	 * order 0, and proactiveness back at 20 is 6.1's default.
	 */
	if (!set_proactiveness(0))
		tap_bail("cannot write %s", PROACTIVENESS);
	p = map_pfn_holes(n, kept, &nkept);
	set_proactiveness(20);
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
	bad = kept_pages_bad_bytes(p, kept, nkept, n);
	tap(bad == 0, "the %zu kept pages are intact (%ld bad bytes)", nkept, bad);
	free(kept);
	return tap_done();
}

/* Run @pid on CPU 0 only (@only0), or on every CPU. */
static int pin_cpu0(pid_t pid, int only0)
{
	long i, n = sysconf(_SC_NPROCESSORS_CONF);
	cpu_set_t set;

	CPU_ZERO(&set);
	for (i = 0; i < (only0 ? 1 : n) && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	return sched_setaffinity(pid, sizeof(set), &set);
}

/*
 * Call @fn for each of mmlab's kswapd and kcompactd threads; returns the
 * number of calls that returned 0.
 */
typedef int (*thread_fn)(pid_t pid, void *arg);

static int visit_mmlab_threads(thread_fn fn, void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int done = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) &&
		    (!strncmp(comm, "mmlab_kswapd", 12) ||
		     !strncmp(comm, "mmlab_kcompactd", 15)) &&
		    !fn(atoi(e->d_name), arg))
			done++;
		fclose(f);
	}
	closedir(d);
	return done;
}

static int pin_thread(pid_t pid, void *only0)
{
	return pin_cpu0(pid, *(int *)only0);
}

/* Pin (or unpin) mmlab's kswapd and kcompactd threads to CPU 0. */
static int pin_mmlab_threads(int only0)
{
	return visit_mmlab_threads(pin_thread, &only0);
}

static int any_thread(pid_t pid, void *unused)
{
	return 0;
}

/* 0 when @pid is not running (state R: 6.1's task_is_running()). */
static int thread_idle(pid_t pid, void *unused)
{
	char path[64], stat[256], *s;
	FILE *f;
	int idle = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	s = fgets(stat, sizeof(stat), f) ? strrchr(stat, ')') : NULL;
	if (s)
		idle = s[1] == ' ' && s[2] != 'R';
	fclose(f);
	return !idle;
}

/*
 * Wait up to @seconds until every kswapd and kcompactd of mmlab has been
 * idle for half a second: kcompactd's unasked runs stand aside while
 * kswapd runs (6.1's kswapd_is_running()).
 */
static int wait_mmlab_threads_idle(int seconds)
{
	int t, quiet = 0, nr = visit_mmlab_threads(any_thread, NULL);

	for (t = 0; t < seconds * 10 && quiet < 5; t++) {
		quiet = visit_mmlab_threads(thread_idle, NULL) == nr ?
			quiet + 1 : 0;
		usleep(100000);
	}
	return quiet >= 5;
}

/* unusable_index of the first region at @order, per mille; -1 unreadable. */
static long unusable_permille(int order)
{
	double v[32];

	if (first_zone_values(UNUSABLE, v, 32) <= order)
		return -1;
	return (long)(v[order] * 1000 + 0.5);
}

/*
 * Set compaction_proactiveness to @value, which makes kcompactd look at
 * once (after waiting for mmlab's kswapd and kcompactd to be idle: its
 * unasked runs stand aside while kswapd runs), and wait up to @seconds for
 * the run to start and then stop (its migrate scanner counter rises, then
 * holds for 1.5 s: longer than its half-second period). Returns the
 * per-CPU-drained unusable index of order 9, or -1 when it never ran or
 * never stopped.
 */
static long proactive_run(int value, int seconds)
{
	long scan0, last, now;
	int t, still = 0;

	wait_mmlab_threads_idle(seconds);
	scan0 = vmstat_value("compact_daemon_migrate_scanned");
	last = scan0;
	set_proactiveness(value);
	for (t = 0; t < seconds * 2; t++) {
		usleep(500000);
		now = vmstat_value("compact_daemon_migrate_scanned");
		still = now == last ? still + 1 : 0;
		last = now;
		if (now > scan0 && still >= 3)
			break;
	}
	if (last <= scan0 || still < 3)
		return -1;
	write_file(MMLAB_DRAIN, "1");
	return unusable_permille(9);
}

/*
 * 6.1's proactive compaction scales with compaction_proactiveness: an
 * unasked run starts above a fragmentation score of 110 - proactiveness
 * and stops once the score is at or below 100 - proactiveness (never
 * below 5). The score is the share of free memory outside order-9 blocks,
 * what unusable_index shows for order 9 (per mille; the score truncates,
 * so the index may be up to 1.9 points above the mark).
 */
static int do_proactive(size_t n, int seconds)
{
	size_t *kept = calloc(n, sizeof(*kept)), nkept;
	long u0, u20, u90, stall0 = vmstat_value("compact_stall"), bad;
	char *p;

	tap_plan(6);
	if (!kept)
		tap_bail("out of memory");
	tap(set_proactiveness(0),
	    "compaction_proactiveness 0: no unasked runs while the region is fragmented");
	p = map_pfn_holes(n, kept, &nkept);
	write_file(MMLAB_DRAIN, "1");
	u0 = unusable_permille(9);
	tap(u0 > 900, "fragmented: %ld per mille of free memory outside order-9 blocks", u0);
	u20 = proactive_run(20, seconds);
	tap(u20 >= 600 && u20 < 820,
	    "proactiveness 20: kcompactd stopped at its mark of 80%%, not beyond (unusable %ld per mille)",
	    u20);
	u90 = proactive_run(90, seconds);
	tap(u90 >= 0 && u90 < 120,
	    "proactiveness 90: kcompactd went on down to its mark of 10%% (unusable %ld per mille)",
	    u90);
	tap(vmstat_value("compact_stall") == stall0, "no direct compaction ran (compact_stall %ld)",
	    stall0);
	bad = kept_pages_bad_bytes(p, kept, nkept, n);
	tap(bad == 0, "the %zu kept pages are intact (%ld bad bytes)", nkept, bad);
	set_proactiveness(20);
	free(kept);
	return tap_done();
}

/*
 * Allocate one block of @order, movable, in region 0, alone on CPU 0 at
 * real-time priority with mmlab's kswapd and kcompactd pinned there too:
 * they cannot compact meanwhile, so what compaction frees, only the
 * allocation's own compaction frees.
 */
static int alloc_alone(unsigned int order, struct mmlab_ioc_block *block)
{
	struct sched_param rt = { .sched_priority = 50 }, normal = { 0 };
	struct mmlab_ioc_alloc a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.nid = 0;
	a.order = order;
	a.flags = MMLAB_ALLOC_MOVABLE;
	a.count = 1;
	a.blocks = (uintptr_t)block;
	if (pin_cpu0(0, 1) || pin_mmlab_threads(1) < 2 ||
	    sched_setscheduler(0, SCHED_FIFO, &rt))
		tap_bail("cannot run alone on cpu0: %s", strerror(errno));
	ret = ioctl(devfd, MMLAB_IOC_ALLOC_PAGES, &a);
	if (ret)
		ret = -errno;
	sched_setscheduler(0, SCHED_OTHER, &normal);
	pin_mmlab_threads(0);
	pin_cpu0(0, 0);
	return ret ? ret : a.nr_done == 1 ? 0 : -ENOMEM;
}

/* The number of orders, buddyinfo's columns (MAX_ORDER); -1 unreadable. */
static int max_order(void)
{
	double v[32];

	return first_zone_values(BUDDYINFO, v, 32);
}

/* The regions' pageblock order, from pagetypeinfo; -1 unreadable. */
static int pageblock_order(void)
{
	char line[256];
	int order = -1;
	FILE *f = fopen(PAGETYPEINFO, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Page block order: %d", &order) == 1)
			break;
	fclose(f);
	return order;
}

/*
 * Direct compaction captures the block it frees (6.1's capture_control):
 * with the region in holes and kcompactd's own runs off, a movable
 * allocation of a pageblock (@below: of half a pageblock) compacts; a
 * pageblock's block goes to it straight from the free path
 * (compact_capture), half a pageblock's, in a MOVABLE pageblock, does not.
 */
static int do_capture(size_t n, int below)
{
	size_t *kept = calloc(n, sizeof(*kept)), nkept;
	long stall0 = vmstat_value("compact_stall");
	long success0 = vmstat_value("compact_success");
	long capture0 = vmstat_value("compact_capture");
	int order = pageblock_order() - below;
	struct mmlab_ioc_block block = { 0 };
	long bad, captured;
	char *p;
	int ret;

	tap_plan(6);
	if (!kept || order < 1)
		tap_bail("out of memory, or no pageblock order (%d)", order);
	if (!set_proactiveness(0))
		tap_bail("cannot switch kcompactd's own runs off");
	p = map_pfn_holes(n, kept, &nkept);
	write_file(MMLAB_DRAIN, "1");
	tap(high_order_pages(order) == 0, "no free block of order %d before (%ld pages in them)",
	    order, high_order_pages(order));
	ret = alloc_alone(order, &block);
	tap(ret == 0 && block.pfn % (1UL << order) == 0,
	    "the order-%d allocation got an aligned block (pfn %#llx): %s",
	    order, (unsigned long long)block.pfn, ret ? strerror(-ret) : "ok");
	tap(vmstat_value("compact_stall") > stall0 &&
	    vmstat_value("compact_success") > success0,
	    "it compacted, successfully (compact_stall %ld -> %ld, compact_success %ld -> %ld)",
	    stall0, vmstat_value("compact_stall"), success0,
	    vmstat_value("compact_success"));
	captured = vmstat_value("compact_capture") - capture0;
	if (below)
		tap(capture0 >= 0 && captured == 0,
		    "it took the block from the free lists: half a pageblock of a MOVABLE pageblock is not captured (compact_capture +%ld)",
		    captured);
	else if (order < max_order() - 1)
		tap(capture0 >= 0 && captured == 1,
		    "the pageblock was captured as compaction freed it (compact_capture +%ld)",
		    captured);
	else
		tap(capture0 >= 0 && captured == 0,
		    "a pageblock of the largest order (%d) is not captured: 6.1 checks below it only (compact_capture +%ld)",
		    order, captured);
	bad = kept_pages_bad_bytes(p, kept, nkept, n);
	tap(bad == 0, "the %zu kept pages are intact (%ld bad bytes)", nkept, bad);
	tap(set_proactiveness(20), "compaction_proactiveness back to 20");
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
	if (argc == 4 && !strcmp(argv[1], "proactive"))
		return do_proactive(strtoul(argv[2], NULL, 0), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "capture") &&
	    (!strcmp(argv[3], "pageblock") || !strcmp(argv[3], "below")))
		return do_capture(strtoul(argv[2], NULL, 0),
				  !strcmp(argv[3], "below"));
	fprintf(stderr, "usage: cma_test verify AREA NPAGES | frag NPAGES |");
	fprintf(stderr, " kcompactd NPAGES SECONDS | proactive NPAGES SECONDS |");
	fprintf(stderr, " capture NPAGES pageblock|below\n");
	return 2;
}
