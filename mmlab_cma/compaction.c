// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_cma: compaction, as mm/compaction.c.
 *
 * compact_zone() runs two scanners over a region: the migrate scanner
 * from the bottom isolates movable pages, a pageblock at a time, up to
 * MMLAB_MIGRATE_BATCH; the free scanner from the top takes free blocks of
 * MOVABLE and CMA pageblocks (mmlab_isolate_free_page()) as migration
 * targets. Pages move up, free space gathers at the bottom, and the run
 * ends when the scanners meet or, for a given order, as soon as a free
 * block of that order exists.
 *
 * Compaction runs by hand (debugfs compact), for mmlab_buddy when a
 * high-order allocation fails (mmlab_set_compact_ops) and in a
 * kcompactd-like thread per region, mmlab_kcompactd<id>. kswapd wakes it
 * through the same hook (wakeup_kcompactd(), after reclaim and after
 * reclaiming a watermark boost); woken, it counts compact_daemon_wake and
 * compacts for the order asked (kcompactd_do_work()) unless deferred or
 * unsuitable. Every second it also looks on its own, mmlab's stand-in for
 * 6.1's proactive compaction: without a free block of pageblock order - 1
 * and with a fragmentation index above extfrag_threshold it compacts,
 * deferred after failures, counting no wakeup, as proactive_compact_node()
 * counts none. The module parameter compaction_proactiveness (0..100, 20,
 * vm.compaction_proactiveness's range) switches these runs off at 0; other
 * values do not scale them, as 6.1's fragmentation score would. Both
 * kinds of kcompactd run count compact_daemon_{migrate,free}_scanned;
 * every run counts compact_{migrate,free}_scanned when it ends, as
 * compact_zone() does.
 *
 * Locks: mmlab_compact_state::mutex (one run per region at a time) ->
 * the owners' locks inside their movable operations -> the zone lock
 * inside mmlab_buddy.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/freezer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

#define MMLAB_COMPACT_DEFER_SHIFT_MAX	6
/* As COMPACTION_HPAGE_ORDER: a PMD-sized block, whatever the pageblock. */
#define MMLAB_COMPACTION_HPAGE_ORDER	(PMD_SHIFT - PAGE_SHIFT)

/**
 * struct mmlab_compact_state - compaction state of one region.
 * @mutex: one compaction run at a time.
 * @kcompactd: the thread.
 * @wait: the thread sleeps here.
 * @wake: a wakeup is pending.
 * @order: the highest order asked since the thread last ran.
 * @considered: failed runs skipped since the last deferral.
 * @defer_shift: skip 2^defer_shift runs after a failure.
 */
struct mmlab_compact_state {
	struct mutex mutex;	/* see above */
	struct task_struct *kcompactd;
	wait_queue_head_t wait;
	bool wake;
	unsigned int order;
	unsigned int considered;
	unsigned int defer_shift;
};

static struct mmlab_compact_state *compact_state[MMLAB_MAX_REGIONS];
static int extfrag_threshold = 500;
static int compaction_proactiveness = 20;

/**
 * struct compact_control - one compaction run, as the kernel's.
 * @zone: the zone.
 * @order: the order wanted, -1 for a full run.
 * @migrate_pfn: next pfn of the migrate scanner.
 * @free_pfn: start of the next pageblock of the free scanner.
 * @migrate: pages isolated for migration.
 * @freepages: free target pages, linked through lru.
 * @nr_freepages: pages on @freepages.
 * @stats: what the run did.
 */
struct compact_control {
	struct mmlab_zone *zone;
	int order;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
	struct mmlab_migrate_batch migrate;
	struct list_head freepages;
	unsigned long nr_freepages;
	struct mmlab_compact_stats stats;
};

/* --- Fragmentation index ------------------------------------------------------ */

/**
 * mmlab_fragmentation_index - the kernel's fragmentation_index() of a region.
 * @nid: the region.
 * @order: the order of the wanted allocation.
 *
 * Return: -1000 when a free block of @order exists, 0 when nothing is
 * free, else 0..1000: towards 0 a failure would be for lack of memory,
 * towards 1000 for fragmentation. -EINVAL (below -1000) for bad input.
 */
int mmlab_fragmentation_index(int nid, unsigned int order)
{
	struct mmlab_zone *zone = mmlab_zone(nid);
	unsigned long total = 0, free_pages = 0, suitable = 0;
	unsigned long requested = 1UL << order;
	unsigned int o;

	if (!zone || order >= MMLAB_MAX_ORDER)
		return -EINVAL - 1000;
	for (o = 0; o < MMLAB_MAX_ORDER; o++) {
		unsigned long nr = READ_ONCE(zone->free_area[o].nr_free);

		total += nr;
		free_pages += nr << o;
		if (o >= order)
			suitable += nr << (o - order);
	}
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - div_u64(1000 + div_u64(free_pages * 1000ULL, requested),
			      total);
}
EXPORT_SYMBOL_GPL(mmlab_fragmentation_index);

/**
 * mmlab_get_extfrag_threshold - the current extfrag_threshold.
 *
 * Return: 0..1000.
 */
int mmlab_get_extfrag_threshold(void)
{
	return READ_ONCE(extfrag_threshold);
}
EXPORT_SYMBOL_GPL(mmlab_get_extfrag_threshold);

/**
 * mmlab_set_extfrag_threshold - set extfrag_threshold, as the sysctl.
 * @threshold: 0..1000.
 *
 * Return: 0 or -EINVAL (with one log line).
 */
int mmlab_set_extfrag_threshold(int threshold)
{
	if (threshold < 0 || threshold > 1000) {
		pr_warn("extfrag_threshold %d is outside 0..1000\n", threshold);
		return -EINVAL;
	}
	WRITE_ONCE(extfrag_threshold, threshold);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_set_extfrag_threshold);

static int extfrag_param_set(const char *val, const struct kernel_param *kp)
{
	int v, ret = kstrtoint(val, 0, &v);

	if (ret) {
		pr_warn("extfrag_threshold '%s' is not a number\n", val);
		return ret;
	}
	return mmlab_set_extfrag_threshold(v);
}

static const struct kernel_param_ops extfrag_param_ops = {
	.set = extfrag_param_set,
	.get = param_get_int,
};
module_param_cb(extfrag_threshold, &extfrag_param_ops, &extfrag_threshold, 0644);
MODULE_PARM_DESC(extfrag_threshold, "compact only when the fragmentation index is above this (0..1000, 500)");

static int proactiveness_param_set(const char *val,
				   const struct kernel_param *kp)
{
	int v, ret = kstrtoint(val, 0, &v);

	if (ret || v < 0 || v > 100) {
		pr_warn("compaction_proactiveness '%s' is not a number in 0..100\n",
			val);
		return -EINVAL;
	}
	WRITE_ONCE(compaction_proactiveness, v);
	return 0;
}

static const struct kernel_param_ops proactiveness_param_ops = {
	.set = proactiveness_param_set,
	.get = param_get_int,
};
module_param_cb(compaction_proactiveness, &proactiveness_param_ops,
		&compaction_proactiveness, 0644);
MODULE_PARM_DESC(compaction_proactiveness, "kcompactd compacts unasked unless 0 (0..100, 20)");

/* --- Scanners --------------------------------------------------------------------- */

static bool zone_has_free_block(struct mmlab_zone *zone, unsigned int order)
{
	static const int mts[] = { MMLAB_MIGRATE_UNMOVABLE, MMLAB_MIGRATE_MOVABLE,
				   MMLAB_MIGRATE_RECLAIMABLE, MMLAB_MIGRATE_CMA };
	unsigned int o, i;

	for (o = order; o < MMLAB_MAX_ORDER; o++)
		for (i = 0; i < ARRAY_SIZE(mts); i++)
			if (!list_empty(&zone->free_area[o].free_list[mts[i]]))
				return true;
	return false;
}

static bool suitable_target_block(struct mmlab_page *page)
{
	enum mmlab_migratetype mt = mmlab_get_pageblock_migratetype(page);

	return mt == MMLAB_MIGRATE_MOVABLE || mt == MMLAB_MIGRATE_CMA;
}

/* Take the free blocks of one pageblock; returns pages taken. */
static unsigned long isolate_freepages_block(struct compact_control *cc,
					     unsigned long start,
					     unsigned long end)
{
	unsigned long pfn, scanned = 0, taken = 0;

	for (pfn = start; pfn < end;) {
		struct mmlab_page *page = mmlab_pfn_to_page(pfn);
		unsigned long i, nr;
		unsigned int order;

		scanned++;
		if (!mmlab_page_test(page, MMLAB_PG_BUDDY)) {
			pfn++;
			continue;
		}
		order = min_t(unsigned int, mmlab_page_order(page),
			      MMLAB_MAX_ORDER - 1);
		nr = mmlab_isolate_free_page(page, order, MMLAB_OWNER_KERNEL);
		for (i = 0; i < nr; i++)
			list_add_tail(&page[i].lru, &cc->freepages);
		taken += nr;
		pfn += nr ? nr : 1;
	}
	cc->nr_freepages += taken;
	cc->stats.free_scanned += scanned;
	cc->stats.isolated += taken;
	mmlab_count_vm_events(MMLAB_COMPACT_ISOLATED, taken);
	trace_mm_compaction_isolate_freepages(start, end, scanned, taken);
	return taken;
}

/*
 * Take free blocks from the next suitable pageblocks below free_pfn, never
 * at or below the migrate scanner's pageblock.
 */
static void isolate_freepages(struct compact_control *cc)
{
	struct mmlab_zone *zone = cc->zone;
	unsigned long low = round_up(cc->migrate_pfn + 1, MMLAB_PAGEBLOCK_PAGES);

	while (cc->free_pfn >= low && cc->free_pfn >= zone->pageblock_base) {
		unsigned long block = cc->free_pfn;
		unsigned long start = max(block, zone->first_usable_pfn);
		unsigned long end = min(block + MMLAB_PAGEBLOCK_PAGES,
					zone->end_pfn);
		unsigned long taken = 0;

		cc->free_pfn = block - MMLAB_PAGEBLOCK_PAGES;
		if (block < MMLAB_PAGEBLOCK_PAGES)
			cc->free_pfn = 0;
		if (start < end && suitable_target_block(mmlab_pfn_to_page(start)))
			taken = isolate_freepages_block(cc, start, end);
		if (taken || !block)
			break;
	}
}

/* Migration target: a page of the free scanner (compaction_alloc). */
static struct mmlab_page *compaction_alloc(struct mmlab_page *src,
					   unsigned long private)
{
	struct compact_control *cc = (struct compact_control *)private;
	struct mmlab_page *page;

	if (list_empty(&cc->freepages))
		isolate_freepages(cc);
	page = list_first_entry_or_null(&cc->freepages, struct mmlab_page, lru);
	if (!page)
		return NULL;
	list_del(&page->lru);
	cc->nr_freepages--;
	/* lru shared these words: make it a lone page again. */
	page->private = 0;
	atomic_set(&page->_mapcount, -1);
	page->_pad = 0;
	return page;
}

/* An unused target goes back on the list (compaction_free). */
static void compaction_free(struct mmlab_page *page, unsigned long private)
{
	struct compact_control *cc = (struct compact_control *)private;

	list_add(&page->lru, &cc->freepages);
	cc->nr_freepages++;
}

static void release_freepages(struct compact_control *cc)
{
	struct mmlab_page *page, *next;

	list_for_each_entry_safe(page, next, &cc->freepages, lru) {
		list_del(&page->lru);
		page->private = 0;
		atomic_set(&page->_mapcount, -1);
		page->_pad = 0;
		mmlab_free_pages(page, 0);
	}
	cc->nr_freepages = 0;
}

/*
 * Isolate movable pages from migrate_pfn up to the end of its pageblock
 * or until the batch is full (isolate_migratepages).
 */
static void isolate_migratepages(struct compact_control *cc)
{
	unsigned long start = cc->migrate_pfn;
	unsigned long end = min(round_up(start + 1, MMLAB_PAGEBLOCK_PAGES),
				cc->zone->end_pfn);
	unsigned long pfn = start, scanned = 0;

	if (mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(start)) ==
	    MMLAB_MIGRATE_ISOLATE) {
		cc->migrate_pfn = end;
		return;
	}
	while (pfn < end && cc->migrate.nr < MMLAB_MIGRATE_BATCH) {
		struct mmlab_page *page = mmlab_pfn_to_page(pfn);

		scanned++;
		if (mmlab_page_test(page, MMLAB_PG_BUDDY)) {
			pfn += 1UL << min_t(unsigned int, mmlab_page_order(page),
					    MMLAB_MAX_ORDER - 1);
			continue;
		}
		if (mmlab_page_test(page, MMLAB_PG_MOVABLE) &&
		    mmlab_isolate_movable_page(page))
			cc->migrate.pages[cc->migrate.nr++] = page;
		pfn++;
	}
	cc->migrate_pfn = min(pfn, end);
	cc->stats.migrate_scanned += scanned;
	cc->stats.isolated += cc->migrate.nr;
	mmlab_count_vm_events(MMLAB_COMPACT_ISOLATED, cc->migrate.nr);
	trace_mm_compaction_isolate_migratepages(start, cc->migrate_pfn, scanned,
						 cc->migrate.nr);
}

static enum mmlab_compact_result compact_finished(struct compact_control *cc)
{
	if (cc->migrate_pfn >= cc->zone->end_pfn ||
	    round_down(cc->migrate_pfn, MMLAB_PAGEBLOCK_PAGES) >=
	    cc->free_pfn + MMLAB_PAGEBLOCK_PAGES)
		return MMLAB_CR_COMPLETE;
	if (cc->order >= 0 && zone_has_free_block(cc->zone, cc->order))
		return MMLAB_CR_SUCCESS;
	return MMLAB_CR_CONTINUE;
}

static enum mmlab_compact_result compact_zone(struct compact_control *cc)
{
	struct mmlab_zone *zone = cc->zone;
	enum mmlab_compact_result ret;

	cc->migrate_pfn = zone->first_usable_pfn;
	cc->free_pfn = round_down(zone->end_pfn - 1, MMLAB_PAGEBLOCK_PAGES);
	INIT_LIST_HEAD(&cc->freepages);
	trace_mm_compaction_begin(zone->first_usable_pfn, cc->migrate_pfn,
				  cc->free_pfn, zone->end_pfn, true);
	while ((ret = compact_finished(cc)) == MMLAB_CR_CONTINUE) {
		unsigned int ok = 0;
		int err;

		isolate_migratepages(cc);
		if (!cc->migrate.nr)
			continue;
		err = mmlab_migrate_pages(&cc->migrate, compaction_alloc,
					  compaction_free, (unsigned long)cc,
					  MMLAB_MIGRATE_SYNC, MMLAB_MR_COMPACTION,
					  &ok);
		cc->stats.migrated += ok;
		cc->stats.failed += cc->migrate.nr;
		mmlab_putback_movable_pages(&cc->migrate);
		if (err == -ENOMEM) {
			/* The free scanner met the migrate scanner. */
			ret = MMLAB_CR_COMPLETE;
			break;
		}
		cond_resched();
	}
	release_freepages(cc);
	if (ret == MMLAB_CR_COMPLETE && cc->order >= 0 &&
	    zone_has_free_block(zone, cc->order))
		ret = MMLAB_CR_SUCCESS;
	cc->stats.migrate_pfn = cc->migrate_pfn;
	cc->stats.free_pfn = cc->free_pfn;
	mmlab_count_vm_events(MMLAB_COMPACT_MIGRATE_SCANNED,
			      cc->stats.migrate_scanned);
	mmlab_count_vm_events(MMLAB_COMPACT_FREE_SCANNED, cc->stats.free_scanned);
	trace_mm_compaction_end(zone->first_usable_pfn, cc->migrate_pfn,
				cc->free_pfn, zone->end_pfn, true, ret);
	return ret;
}

/* Is compaction worth trying for @order (compaction_suitable)? */
static bool compaction_suitable(struct mmlab_zone *zone, int order)
{
	int fragindex;

	if (order < 0)
		return true;
	if (zone_has_free_block(zone, order))
		return false;
	/* Room for the pages to move, as __compaction_suitable() wants. */
	if (READ_ONCE(zone->free_pages) < zone->watermark[MMLAB_WMARK_LOW] +
					  (2UL << order))
		return false;
	fragindex = mmlab_fragmentation_index(zone->nid, order);
	return !(fragindex >= 0 && fragindex <= mmlab_get_extfrag_threshold());
}

/**
 * mmlab_compact_node - compact one region.
 * @nid: the region.
 * @order: stop once a free block of this order exists; -1 for a full run.
 * @stats: filled with what the run did, if not NULL.
 *
 * Sleeps; one run per region at a time.
 *
 * Return: how the run ended, or MMLAB_CR_SKIPPED for an unknown
 * region or an order out of range.
 */
enum mmlab_compact_result mmlab_compact_node(int nid, int order,
					     struct mmlab_compact_stats *stats)
{
	struct mmlab_zone *zone = mmlab_zone(nid);
	struct mmlab_compact_state *st;
	struct compact_control *cc;
	enum mmlab_compact_result ret;

	if (!zone || nid >= MMLAB_MAX_REGIONS || !compact_state[nid] ||
	    order < -1 || order >= MMLAB_MAX_ORDER)
		return MMLAB_CR_SKIPPED;
	st = compact_state[nid];
	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	if (!cc)
		return MMLAB_CR_SKIPPED;
	cc->zone = zone;
	cc->order = order;
	mutex_lock(&st->mutex);
	ret = compact_zone(cc);
	mutex_unlock(&st->mutex);
	if (stats)
		*stats = cc->stats;
	kfree(cc);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_compact_node);

/* --- Direct compaction (mmlab_buddy's hook) ----------------------------------- */

static bool mmlab_try_to_compact(int nid, unsigned int order, mmlab_gfp_t gfp)
{
	struct mmlab_zone *zone = mmlab_zone(nid);

	if (!zone || order >= MMLAB_MAX_ORDER)
		return false;
	if (zone_has_free_block(zone, order))
		return true;
	if (!compaction_suitable(zone, order))
		return false;
	return mmlab_compact_node(nid, order, NULL) == MMLAB_CR_SUCCESS;
}

/* --- kcompactd ------------------------------------------------------------------ */

/**
 * mmlab_wakeup_kcompactd - ask a region's kcompactd for a block of @order.
 * @nid: the region.
 * @order: the order wanted.
 *
 * As wakeup_kcompactd(): nothing for order 0; the order is remembered,
 * and the thread woken only when compaction is suitable for it.
 */
void mmlab_wakeup_kcompactd(int nid, unsigned int order)
{
	struct mmlab_zone *zone = mmlab_zone(nid);
	struct mmlab_compact_state *st;

	if (!order || !zone || nid >= MMLAB_MAX_REGIONS ||
	    order >= MMLAB_MAX_ORDER)
		return;
	st = compact_state[nid];
	if (!st || !st->kcompactd)
		return;
	if (order > READ_ONCE(st->order))
		WRITE_ONCE(st->order, order);
	if (!compaction_suitable(zone, order))
		return;
	trace_mm_compaction_wakeup_kcompactd(nid, order, 0);
	WRITE_ONCE(st->wake, true);
	wake_up_interruptible(&st->wait);
}
EXPORT_SYMBOL_GPL(mmlab_wakeup_kcompactd);

static const struct mmlab_compact_ops mmlab_cma_compact_ops = {
	.try_to_compact = mmlab_try_to_compact,
	.wakeup_kcompactd = mmlab_wakeup_kcompactd,
};

static bool compaction_deferred(struct mmlab_compact_state *st)
{
	if (++st->considered >= (1U << st->defer_shift)) {
		st->considered = 0;
		return false;
	}
	return true;
}

/*
 * One kcompactd run: success resets the deferral; a run that found no
 * block defers the next ones and drains the per-CPU lists, where freed
 * buddies may wait to merge (kcompactd_do_work()). Both kinds of run
 * count the daemon's scanners.
 */
static void kcompactd_compact(struct mmlab_zone *zone,
			      struct mmlab_compact_state *st,
			      unsigned int order)
{
	struct mmlab_compact_stats stats = {};
	enum mmlab_compact_result ret;

	ret = mmlab_compact_node(zone->nid, order, &stats);
	if (ret == MMLAB_CR_SUCCESS) {
		st->defer_shift = 0;
		st->considered = 0;
	} else {
		if (ret == MMLAB_CR_COMPLETE || ret == MMLAB_CR_PARTIAL_SKIPPED)
			mmlab_drain_all_pages(zone->nid);
		if (st->defer_shift < MMLAB_COMPACT_DEFER_SHIFT_MAX)
			st->defer_shift++;
	}
	mmlab_count_vm_events(MMLAB_COMPACT_DAEMON_MIGRATE_SCANNED,
			      stats.migrate_scanned);
	mmlab_count_vm_events(MMLAB_COMPACT_DAEMON_FREE_SCANNED,
			      stats.free_scanned);
}

/* Woken for @order (kcompactd_do_work()): the wakeup counts, then maybe a run. */
static void kcompactd_do_work(struct mmlab_zone *zone,
			      struct mmlab_compact_state *st,
			      unsigned int order)
{
	trace_mm_compaction_kcompactd_wake(zone->nid, order, 0);
	mmlab_count_vm_event(MMLAB_COMPACT_DAEMON_WAKE);
	if (!order || compaction_deferred(st) ||
	    !compaction_suitable(zone, order))
		return;
	kcompactd_compact(zone, st, order);
}

/* Unasked, every second: look for the largest blocks, counting no wakeup. */
static void kcompactd_proactive(struct mmlab_zone *zone,
				struct mmlab_compact_state *st)
{
	unsigned int order = MMLAB_COMPACTION_HPAGE_ORDER;

	if (!READ_ONCE(compaction_proactiveness) ||
	    !compaction_suitable(zone, order) || compaction_deferred(st))
		return;
	kcompactd_compact(zone, st, order);
}

static int kcompactd(void *data)
{
	struct mmlab_zone *zone = data;
	struct mmlab_compact_state *st = compact_state[zone->nid];

	set_freezable();
	while (!kthread_should_stop()) {
		trace_mm_compaction_kcompactd_sleep(zone->nid);
		wait_event_freezable_timeout(st->wait, READ_ONCE(st->wake) ||
					     kthread_should_stop(), HZ);
		if (kthread_should_stop())
			break;
		if (xchg(&st->wake, false))
			kcompactd_do_work(zone, st, xchg(&st->order, 0));
		else
			kcompactd_proactive(zone, st);
	}
	return 0;
}

int mmlab_compaction_init(void)
{
	int nid, ret;

	for (nid = 0; nid < MMLAB_MAX_REGIONS && mmlab_zone(nid); nid++) {
		struct mmlab_compact_state *st = kzalloc(sizeof(*st), GFP_KERNEL);
		struct task_struct *t;

		if (!st)
			return -ENOMEM;
		mutex_init(&st->mutex);
		init_waitqueue_head(&st->wait);
		compact_state[nid] = st;
		t = kthread_run(kcompactd, mmlab_zone(nid), "mmlab_kcompactd%d",
				nid);
		if (IS_ERR(t)) {
			pr_err("cannot start mmlab_kcompactd%d: %ld\n", nid,
			       PTR_ERR(t));
			return PTR_ERR(t);
		}
		st->kcompactd = t;
	}
	ret = mmlab_set_compact_ops(&mmlab_cma_compact_ops);
	if (ret)
		pr_err("cannot install the compaction hook: %d\n", ret);
	return ret;
}

void mmlab_compaction_exit(void)
{
	int nid;

	mmlab_clear_compact_ops(&mmlab_cma_compact_ops);
	for (nid = 0; nid < MMLAB_MAX_REGIONS; nid++) {
		struct mmlab_compact_state *st = compact_state[nid];

		if (!st)
			continue;
		if (st->kcompactd)
			kthread_stop(st->kcompactd);
		kfree(st);
		compact_state[nid] = NULL;
	}
}
