// SPDX-License-Identifier: GPL-2.0
/*
 * boost_test: watermark boosting and kswapd waking kcompactd, seen from
 * user space as 6.1 shows them. TAP, run by boost.sh as root in the guest,
 * with kcompactd's own (proactive) runs switched off, so that only kswapd
 * wakes it.
 *
 *   boost_test NPAGES
 *	maps and fills NPAGES private pages of region 0 and unmaps all but
 *	one in 64 by pfn: every pageblock keeps free holes of order 5 and
 *	below. Then, alone on the CPU (cpu1 offline, SCHED_FIFO, RT
 *	throttling off, so that kswapd cannot run in between), it allocates
 *	unmovable pages until one of them falls back into a fragmented
 *	movable pageblock: zoneinfo's boost is then above 0 and min, low and
 *	high each rose by it. Back to normal scheduling, kswapd reclaims the
 *	boost: boost is 0 again, pageoutrun rose, and kswapd woke kcompactd
 *	(compact_daemon_wake rose; the trace has mm_compaction_wakeup_kcompactd
 *	from mmlab_kswapd0 and mm_compaction_kcompactd_wake).
 *
 * pfns come from MMLAB_IOC_PAGE_INFO. Every setting it changes (cpu1, the
 * RT runtime, the trace events) is put back before it reports.
 */
#include <sched.h>

#include "testlib.h"

#define ZONEINFO "/sys/kernel/debug/mmlab/zoneinfo"
#define CPU1 "/sys/devices/system/cpu/cpu1/online"
#define RT_RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define TRACING "/sys/kernel/tracing"
#define EV_WAKEUP TRACING "/events/mmlab/mm_compaction_wakeup_kcompactd/enable"
#define EV_WAKE TRACING "/events/mmlab/mm_compaction_kcompactd_wake/enable"
#define CHUNK 16

struct wmarks {
	long boost, min, low, high;
};

/* Region 0's boost and watermarks from zoneinfo; 0 if it cannot be read. */
static int read_wmarks(struct wmarks *w)
{
	char line[256];
	int in_zone = 0, got = 0;
	FILE *f = fopen(ZONEINFO, "r");

	if (!f)
		return 0;
	memset(w, 0, sizeof(*w));
	while (fgets(line, sizeof(line), f)) {
		long v;

		if (!strncmp(line, "Node ", 5)) {
			in_zone = !strncmp(line, "Node 0,", 7);
			continue;
		}
		if (!in_zone)
			continue;
		if (sscanf(line, " boost %ld", &v) == 1)
			w->boost = v, got++;
		else if (sscanf(line, " min %ld", &v) == 1)
			w->min = v, got++;
		else if (sscanf(line, " low %ld", &v) == 1)
			w->low = v, got++;
		else if (sscanf(line, " high %ld", &v) == 1)
			w->high = v, got++;
	}
	fclose(f);
	return got == 4;
}

static void read_first(const char *path, char *buf, size_t sz)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f && fgets(buf, sz, f))
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/* Map and touch @n pages, keep those whose pfn is a multiple of 64. */
static char *map_pfn_holes(size_t n)
{
	char *p = dev_map(n, MAP_PRIVATE);
	size_t i, run = 0;

	for (i = 0; i < n; i++)
		p[i * psz] = 1;
	for (i = 0; i < n; i++) {
		if (dev_pfn(p + i * psz) % 64)
			continue;
		if (i > run)
			munmap(p + run * psz, (i - run) * psz);
		run = i + 1;
	}
	if (n > run)
		munmap(p + run * psz, (n - run) * psz);
	return p;
}

/* @count unmovable order-0 pages of region 0, held by the open file. */
static int alloc_unmovable(unsigned int count)
{
	struct mmlab_ioc_block blocks[CHUNK];
	struct mmlab_ioc_alloc a;

	memset(&a, 0, sizeof(a));
	a.nid = 0;
	a.flags = MMLAB_ALLOC_NOWARN;
	a.count = count;
	a.blocks = (uintptr_t)blocks;
	if (ioctl(devfd, MMLAB_IOC_ALLOC_PAGES, &a))
		return 0;
	return a.nr_done;
}

/*
 * Alone on cpu0 at real-time priority, nothing else runs until we sleep:
 * allocate until the boost shows (or @limit pages), read zoneinfo then.
 */
static long provoke_boost(long limit, struct wmarks *w)
{
	struct sched_param rt = { .sched_priority = 50 }, normal = { 0 };
	long got = 0;

	if (sched_setscheduler(0, SCHED_FIFO, &rt))
		tap_bail("SCHED_FIFO: %s", strerror(errno));
	while (got < limit && read_wmarks(w) && !w->boost) {
		int n = alloc_unmovable(CHUNK);

		if (!n)
			break;
		got += n;
	}
	read_wmarks(w);
	sched_setscheduler(0, SCHED_OTHER, &normal);
	return got;
}

static int trace_has(const char *what, const char *comm)
{
	char line[512];
	int found = 0;
	FILE *f = fopen(TRACING "/trace", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, what) && (!comm || strstr(line, comm)))
			found = 1;
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, wake0, runs0, got, i;
	struct wmarks before, boosted, after;
	char rt0[32];
	char *p;

	tap_plan(7);
	test_open_dev();
	if (n <= 0)
		tap_bail("usage: boost_test NPAGES");
	read_first(RT_RUNTIME, rt0, sizeof(rt0));
	if (!rt0[0])
		tap_bail("cannot read %s", RT_RUNTIME);
	p = map_pfn_holes(n);
	/* What the fill boosted, kswapd has reclaimed by now. */
	for (i = 0; i < 100 && read_wmarks(&before) && before.boost; i++)
		usleep(100000);
	if (!read_wmarks(&before) || before.boost)
		tap_bail("region 0 still boosted (%ld) before the test", before.boost);
	wake0 = vmstat_value("compact_daemon_wake");
	runs0 = vmstat_value("pageoutrun");
	write_file(TRACING "/trace", "");
	write_file(EV_WAKEUP, "1");
	write_file(EV_WAKE, "1");

	if (!write_file(CPU1, "0"))
		tap_bail("cannot take cpu1 offline");
	write_file(RT_RUNTIME, "-1");
	got = provoke_boost(n, &boosted);
	write_file(RT_RUNTIME, rt0);
	write_file(CPU1, "1");
	printf("# %ld unmovable pages; boost %ld\n", got, boosted.boost);
	printf("# min %ld -> %ld, low %ld -> %ld, high %ld -> %ld\n", before.min,
	       boosted.min, before.low, boosted.low, before.high, boosted.high);

	tap(boosted.boost > 0,
	    "a fragmenting fallback boosted the watermarks: boost %ld in zoneinfo",
	    boosted.boost);
	tap(boosted.min == before.min + boosted.boost &&
	    boosted.low == before.low + boosted.boost &&
	    boosted.high == before.high + boosted.boost,
	    "min, low and high each rose by the boost");

	for (i = 0; i < 200; i++) {
		if (read_wmarks(&after) && !after.boost &&
		    vmstat_value("compact_daemon_wake") > wake0)
			break;
		usleep(100000);
	}
	tap(read_wmarks(&after) && after.boost == 0 && after.min == before.min,
	    "kswapd reclaimed the boost: boost %ld, min %ld", after.boost, after.min);
	tap(vmstat_value("pageoutrun") > runs0, "kswapd ran: pageoutrun %ld -> %ld",
	    runs0, vmstat_value("pageoutrun"));
	tap(vmstat_value("compact_daemon_wake") > wake0,
	    "kcompactd was woken: compact_daemon_wake %ld -> %ld", wake0,
	    vmstat_value("compact_daemon_wake"));
	tap(trace_has("mm_compaction_wakeup_kcompactd: nid=0", "mmlab_kswapd0"),
	    "mmlab_kswapd0 woke it (mm_compaction_wakeup_kcompactd)");
	tap(trace_has("mm_compaction_kcompactd_wake: nid=0", "mmlab_kcompactd"),
	    "mmlab_kcompactd0 woke (mm_compaction_kcompactd_wake)");
	write_file(EV_WAKEUP, "0");
	write_file(EV_WAKE, "0");
	munmap(p, n * psz);
	return tap_done();
}
