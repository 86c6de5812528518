// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_cma: compaction, as mm/compaction.c.
 *
 * compact_zone() runs two scanners over a region: the migrate scanner
 * from the bottom isolates movable pages, a pageblock at a time, up to
 * MMLAB_MIGRATE_BATCH; the free scanner from the top takes free pages of
 * MOVABLE and CMA pageblocks (__mmlab_isolate_free_page()) as migration
 * targets, as many as the batch needs, resuming where it stopped. Pages
 * move up, free space gathers at the bottom, and the run ends when the
 * scanners meet or, for a given order, once a pageblock is finished and a
 * free block of that order is there for the allocation's migratetype.
 *
 * For a given order both scanners first search the MOVABLE free lists, as
 * 6.1 does, a few entries at a time (fewer after every fruitless search
 * of the run), rotating each list so that the next search sees other
 * blocks: the free scanner for a block below the order near the top of the
 * space between the scanners, which it takes whole
 * (fast_isolate_freepages()); the migrate scanner, for orders above
 * PAGE_ALLOC_COSTLY_ORDER, for a pageblock near the bottom that already
 * has a large free block, which it empties next
 * (fast_find_migrateblock()). Only when a search finds nothing do the
 * scanners walk pageblocks; an async free scanner then looks at every
 * 32nd pfn of a pageblock until a pageblock gives targets.
 *
 * How hard a run tries, as 6.1:
 * - MIGRATE_ASYNC (direct compaction's first attempt, the allocator's
 *   slow path before reclaim): the migrate scanner takes only pageblocks
 *   of the allocation's migratetype (MOVABLE and CMA for a movable one),
 *   owners may not block (-EAGAIN), and the run gives up (CONTENDED) when
 *   its free scanner finds the zone lock held (it only tries it first), or
 *   when another run holds the region. Every run reschedules between
 *   pageblocks, and stops (CONTENDED) on a fatal signal.
 * - MIGRATE_SYNC_LIGHT (direct compaction's retries, kcompactd, proactive
 *   runs): every pageblock; owners may wait.
 * - MIGRATE_SYNC (debugfs compact, MMLAB_IOC_COMPACT; 6.1's
 *   compact_node()): the whole region, skip hints ignored.
 * Runs that are not whole-region start where the last ones stopped (the
 * cached scanner positions) and skip pageblocks recently found useless
 * (the skip hints, 6.1's PB_migrate_skip): a pageblock the migrate scanner
 * finished without isolating a page, or the free scanner finished. Hints
 * are cleared when kswapd wakes kcompactd after direct compaction's
 * scanners met (reset_isolation_suitable() in kswapd_try_to_sleep()), and
 * when a fully deferred order tries again (compaction_restarting()).
 *
 * When the migrate scanner leaves a block of the wanted order it migrated
 * pages from, the run drains this CPU's per-CPU lists, where the freed
 * pages wait, so that they merge and the run can see its block. A direct
 * compaction captures that block as its task frees it (mmlab_buddy's
 * mmlab_capture_start(), 6.1's capture_control): the run stops and the
 * allocation gets it before anyone else can (compact_capture counts it).
 *
 * Direct compaction (mmlab_buddy's hook, mmlab_try_to_compact()) is
 * deferred per region as 6.1 does per zone: after a failed non-async run
 * for order N, orders >= N skip 2^defer_shift attempts (up to 64), until
 * an allocation of that order succeeds after compacting.
 * compaction_suitable() decides whether a run can help: not when the
 * allocation would succeed now, not without (boosted) low (costly orders)
 * or min watermark plus twice the block in free pages, and for costly
 * orders not when the fragmentation index is at or below
 * extfrag_threshold (a failure would be for lack of memory).
 *
 * kcompactd, one thread per region, mmlab_kcompactd<id>: kswapd wakes it
 * (wakeup_kcompactd(), after reclaim and after reclaiming a watermark
 * boost); woken, it counts compact_daemon_wake and compacts for the order
 * asked unless deferred or unsuitable, MIGRATE_SYNC_LIGHT. Every half
 * second it also looks on its own, 6.1's proactive compaction: the
 * region's fragmentation score (the share of free memory outside blocks of
 * MMLAB_COMPACTION_HPAGE_ORDER, 0..100) above 100 - compaction_proactiveness
 * + 10 starts a whole-region run, counting no wakeup, that stops once the
 * score is at 100 - compaction_proactiveness (never below 5), or when kswapd
 * starts; a run that did not lower the score rests 64 periods. 0 switches
 * these runs off; writing a non-zero value makes kcompactd look at once.
 * kcompactd's runs count compact_daemon_{migrate,free}_scanned;
 * every run counts compact_{migrate,free}_scanned when it ends.
 *
 * Locks: mmlab_compact_state::mutex (one run per region at a time; async
 * runs only try it) -> the owners' locks inside their movable operations
 * -> the zone lock inside mmlab_buddy. The fast searches hold the zone
 * lock themselves (interrupts off) while they walk a free list, and take
 * the block found with __mmlab_isolate_free_page() under it.
 * mmlab_compact_state::defer_lock (the deferral counters) nests inside
 * nothing. The module's parameter lock (kernel_param_lock()) guards
 * compact_state[] against the compaction_proactiveness setter, which wakes
 * the threads.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/freezer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

#define MMLAB_COMPACT_MAX_DEFER_SHIFT	6
/* As COMPACTION_HPAGE_ORDER: a PMD-sized block, whatever the pageblock. */
#define MMLAB_COMPACTION_HPAGE_ORDER	(PMD_SHIFT - PAGE_SHIFT)
/* kcompactd looks for work unasked this often (HPAGE_FRAG_CHECK_INTERVAL_MSEC). */
#define MMLAB_KCOMPACTD_PERIOD		msecs_to_jiffies(500)

/**
 * struct mmlab_compact_state - compaction state of one region, the
 *	compact_* fields of 6.1's struct zone.
 * @mutex: one compaction run at a time; guards the fields below up to
 *	@skip.
 * @cached_migrate_pfn: where the migrate scanner restarts, for async [0]
 *	and sync [1] runs.
 * @cached_free_pfn: where the free scanner restarts.
 * @init_migrate_pfn: the first pfn a migrate scanner can take.
 * @blockskip_flush: direct compaction's scanners met: clear the skip hints
 *	when kswapd next wakes kcompactd.
 * @skip: one skip hint per pageblock (PB_migrate_skip).
 * @defer_lock: guards @considered, @defer_shift and @order_failed.
 * @considered: attempts skipped since the last deferral.
 * @defer_shift: skip 2^defer_shift attempts after a failure.
 * @order_failed: the lowest order that failed; lower orders never defer.
 * @proactive_trigger: compaction_proactiveness was written: check now.
 * @kcompactd: the thread.
 * @wait: the thread sleeps here.
 * @wake: a wakeup is pending.
 * @order: the highest order asked since the thread last ran.
 */
struct mmlab_compact_state {
	struct mutex mutex;	/* see above */
	unsigned long cached_migrate_pfn[2];
	unsigned long cached_free_pfn;
	unsigned long init_migrate_pfn;
	bool blockskip_flush;
	unsigned long *skip;
	spinlock_t defer_lock;	/* see above */
	unsigned int considered;
	unsigned int defer_shift;
	int order_failed;
	bool proactive_trigger;
	struct task_struct *kcompactd;
	wait_queue_head_t wait;
	bool wake;
	unsigned int order;
};

static struct mmlab_compact_state *compact_state[MMLAB_MAX_REGIONS];
static int extfrag_threshold = 500;
static int compaction_proactiveness = 20;

/**
 * struct compact_control - one compaction run, as the kernel's.
 * @zone: the zone.
 * @st: its compaction state.
 * @order: the order wanted, -1 for a full run.
 * @migratetype: the migratetype of the allocation compacted for.
 * @mode: MMLAB_MIGRATE_ASYNC, _SYNC_LIGHT or _SYNC.
 * @direct: direct compaction (an allocation waits for it).
 * @whole_zone: from the region's ends, not the cached positions.
 * @ignore_skip_hint: take pageblocks whatever their skip hint; set none.
 * @ignore_block_suitable: take free pages from pageblocks of any type.
 * @proactive: kcompactd's unasked run: it stops once the fragmentation
 *	score is down to the low mark.
 * @contended: an async run found the zone lock held, or a fatal signal.
 * @capc: direct compaction's claim on the blocks its task frees, or NULL.
 * @last_migrated_pfn: where the migrate scanner last isolated pages that
 *	migrated, 0 once the per-CPU lists holding them were drained.
 * @migrate_pfn: next pfn of the migrate scanner.
 * @free_pfn: next pfn of the free scanner (it scans down a pageblock at a
 *	time, each pageblock up from here or from its start).
 * @fast_start_pfn: the lowest pageblock the fast migrate search chose, where
 *	the linear scan resumes once the search fails; ULONG_MAX once used.
 * @fast_search_fail: fast searches of the free lists that found nothing;
 *	each halves the next one's length (freelist_scan_limit()).
 * @search_order: the order the fast free search starts at: the last one
 *	that gave a target, or the next one down after a search wrapped.
 * @migrate: pages isolated for migration.
 * @freepages: free target pages, linked through lru.
 * @nr_freepages: pages on @freepages.
 * @stats: what the run did.
 */
struct compact_control {
	struct mmlab_zone *zone;
	struct mmlab_compact_state *st;
	int order;
	int migratetype;
	enum mmlab_migrate_mode mode;
	bool direct;
	bool whole_zone;
	bool ignore_skip_hint;
	bool ignore_block_suitable;
	bool proactive;
	bool contended;
	struct mmlab_capture_control *capc;
	unsigned long last_migrated_pfn;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
	unsigned long fast_start_pfn;
	unsigned int fast_search_fail;
	int search_order;
	struct mmlab_migrate_batch migrate;
	struct list_head freepages;
	unsigned long nr_freepages;
	struct mmlab_compact_stats stats;
};

/* --- Knobs ---------------------------------------------------------------------- */

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

/*
 * A write of a non-zero compaction_proactiveness makes every kcompactd
 * check its region now, as the 6.1 sysctl handler does. Runs with the
 * module's parameter lock held, which init and exit take to publish and
 * withdraw compact_state[].
 */
static void trigger_proactive_compaction(void)
{
	int nid;

	for (nid = 0; nid < MMLAB_MAX_REGIONS; nid++) {
		struct mmlab_compact_state *st = compact_state[nid];

		if (!st || READ_ONCE(st->proactive_trigger))
			continue;
		WRITE_ONCE(st->proactive_trigger, true);
		wake_up_interruptible(&st->wait);
	}
}

/* Set compaction_proactiveness, the module's parameter lock held. */
static void set_proactiveness(int value)
{
	WRITE_ONCE(compaction_proactiveness, value);
	if (value)
		trigger_proactive_compaction();
}

/**
 * mmlab_set_compaction_proactiveness - set compaction_proactiveness, as the
 *	sysctl: a non-zero value makes every kcompactd look at its region now.
 * @value: 0..100.
 *
 * Return: 0 or -EINVAL (with one log line).
 */
int mmlab_set_compaction_proactiveness(int value)
{
	if (value < 0 || value > 100) {
		pr_warn("compaction_proactiveness %d is outside 0..100\n", value);
		return -EINVAL;
	}
	kernel_param_lock(THIS_MODULE);
	set_proactiveness(value);
	kernel_param_unlock(THIS_MODULE);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_set_compaction_proactiveness);

/**
 * mmlab_get_compaction_proactiveness - the current compaction_proactiveness.
 *
 * Return: 0..100.
 */
int mmlab_get_compaction_proactiveness(void)
{
	return READ_ONCE(compaction_proactiveness);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_get_compaction_proactiveness);

static int proactiveness_param_set(const char *val,
				   const struct kernel_param *kp)
{
	int v, ret = kstrtoint(val, 0, &v);

	if (ret || v < 0 || v > 100) {
		pr_warn("compaction_proactiveness '%s' is not a number in 0..100\n",
			val);
		return -EINVAL;
	}
	set_proactiveness(v);
	return 0;
}

static const struct kernel_param_ops proactiveness_param_ops = {
	.set = proactiveness_param_set,
	.get = param_get_int,
};
module_param_cb(compaction_proactiveness, &proactiveness_param_ops,
		&compaction_proactiveness, 0644);
MODULE_PARM_DESC(compaction_proactiveness, "how hard kcompactd compacts unasked: the fragmentation score it aims below is 100 minus this (0 = never; 0..100, 20)");

/* --- Skip hints and cached positions -------------------------------------------- */

static unsigned long pageblock_index(struct mmlab_zone *zone, unsigned long pfn)
{
	return (pfn - zone->pageblock_base) / MMLAB_PAGEBLOCK_PAGES;
}

static unsigned long zone_nr_pageblocks(struct mmlab_zone *zone)
{
	return DIV_ROUND_UP(zone->end_pfn - zone->pageblock_base,
			    MMLAB_PAGEBLOCK_PAGES);
}

static unsigned long last_pageblock_pfn(struct mmlab_zone *zone)
{
	return round_down(zone->end_pfn - 1, MMLAB_PAGEBLOCK_PAGES);
}

/* @pfn's pageblock's first pfn in the region (pageblock_start_pfn()). */
static unsigned long block_first_pfn(struct mmlab_zone *zone, unsigned long pfn)
{
	return max(round_down(pfn, MMLAB_PAGEBLOCK_PAGES),
		   zone->first_usable_pfn);
}

/* One past @pfn's pageblock's last pfn in the region (pageblock_end_pfn()). */
static unsigned long block_end_pfn(struct mmlab_zone *zone, unsigned long pfn)
{
	return min(round_down(pfn, MMLAB_PAGEBLOCK_PAGES) +
		   MMLAB_PAGEBLOCK_PAGES, zone->end_pfn);
}

/* Worth scanning, or skipped recently (isolation_suitable())? */
static bool isolation_suitable(struct compact_control *cc, unsigned long pfn)
{
	return cc->ignore_skip_hint ||
	       !test_bit(pageblock_index(cc->zone, pfn), cc->st->skip);
}

static void mark_pageblock_skip(struct compact_control *cc, unsigned long pfn)
{
	if (!cc->ignore_skip_hint)
		set_bit(pageblock_index(cc->zone, pfn), cc->st->skip);
}

static void reset_cached_positions(struct mmlab_compact_state *st,
				   struct mmlab_zone *zone)
{
	st->cached_migrate_pfn[0] = st->init_migrate_pfn;
	st->cached_migrate_pfn[1] = st->init_migrate_pfn;
	st->cached_free_pfn = last_pageblock_pfn(zone);
}

/* Clear every skip hint (__reset_isolation_suitable()); mutex held. */
static void reset_isolation_suitable(struct mmlab_compact_state *st,
				     struct mmlab_zone *zone)
{
	bitmap_zero(st->skip, zone_nr_pageblocks(zone));
	reset_cached_positions(st, zone);
	WRITE_ONCE(st->blockskip_flush, false);
}

/* Where async and sync runs restart: never backwards. */
static void update_cached_migrate(struct compact_control *cc, unsigned long pfn)
{
	struct mmlab_compact_state *st = cc->st;

	if (cc->ignore_skip_hint)
		return;
	if (pfn > st->cached_migrate_pfn[0])
		st->cached_migrate_pfn[0] = pfn;
	if (cc->mode != MMLAB_MIGRATE_ASYNC && pfn > st->cached_migrate_pfn[1])
		st->cached_migrate_pfn[1] = pfn;
}

/* The free scanner finished the pageblock at @pfn (update_pageblock_skip()). */
static void update_pageblock_skip(struct compact_control *cc, unsigned long pfn)
{
	if (cc->ignore_skip_hint)
		return;
	mark_pageblock_skip(cc, pfn);
	if (pfn < cc->st->cached_free_pfn)
		cc->st->cached_free_pfn = pfn;
}

/* --- The free scanner ------------------------------------------------------------- */

/*
 * Take the zone lock for the free scanner (compact_lock_irqsave()): an
 * async run only tries it at first; finding it held makes the run
 * contended, and it ends at the next check, with the lock taken this time.
 */
static void compact_lock_zone(struct compact_control *cc, unsigned long *flags)
	__acquires(&cc->zone->lock)
{
	if (cc->mode == MMLAB_MIGRATE_ASYNC && !cc->contended) {
		if (spin_trylock_irqsave(&cc->zone->lock, *flags))
			return;
		cc->contended = true;
	}
	spin_lock_irqsave(&cc->zone->lock, *flags);
}

/*
 * Can the free scanner take pages from this pageblock
 * (suitable_migration_target())? Not a pageblock that is one free block
 * (breaking it up would cost more than compaction gains), else a MOVABLE
 * or CMA one, or any at the highest priority.
 */
static bool suitable_migration_target(struct compact_control *cc,
				      struct mmlab_page *page)
{
	enum mmlab_migratetype mt;

	if (mmlab_page_test(page, MMLAB_PG_BUDDY) &&
	    mmlab_page_order(page) >= MMLAB_PAGEBLOCK_ORDER)
		return false;
	if (cc->ignore_block_suitable)
		return true;
	mt = mmlab_get_pageblock_migratetype(page);
	return mt == MMLAB_MIGRATE_MOVABLE || mt == MMLAB_MIGRATE_CMA;
}

/* Put the pages of a block just taken on the run's list of targets. */
static void add_freepages(struct compact_control *cc, struct mmlab_page *page,
			  unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		list_add_tail(&page[i].lru, &cc->freepages);
	cc->nr_freepages += nr;
	cc->stats.isolated += nr;
	mmlab_count_vm_events(MMLAB_COMPACT_ISOLATED, nr);
}

/*
 * Take the free blocks among the pfns *@start, *@start + @stride, ... below
 * @end, under the zone lock, until the batch has a target per page or a
 * block cannot be taken (the watermark: stop, as 6.1 does, *@stop set).
 * Returns the next pfn to look at; adds to *@scanned.
 */
static unsigned long isolate_free_chunk(struct compact_control *cc,
					unsigned long pfn, unsigned long end,
					unsigned int stride,
					unsigned long *scanned, bool *stop)
{
	unsigned long flags;

	compact_lock_zone(cc, &flags);
	for (; pfn < end; pfn += stride) {
		struct mmlab_page *page = mmlab_pfn_to_page(pfn);
		unsigned long nr;

		(*scanned)++;
		if (!mmlab_page_test(page, MMLAB_PG_BUDDY))
			continue;
		nr = __mmlab_isolate_free_page(page, mmlab_page_order(page),
					       MMLAB_OWNER_KERNEL);
		if (!nr) {
			*stop = true;
			break;
		}
		add_freepages(cc, page, nr);
		*scanned += nr - 1;
		if (cc->nr_freepages >= cc->migrate.nr) {
			pfn += nr;
			*stop = true;
			break;
		}
		pfn += nr - 1;
	}
	spin_unlock_irqrestore(&cc->zone->lock, flags);
	return pfn;
}

/*
 * Take free pages from *@start up to @end, looking at every @stride-th pfn,
 * until the migration batch has a target per page; *@start is left where
 * the scan stopped. The zone lock is dropped every MMLAB_MIGRATE_BATCH
 * pfns (6.1's COMPACT_CLUSTER_MAX), to let interrupts in and reschedule.
 * A block taken counts as scanned page by page, as 6.1 counts it.
 */
static unsigned long isolate_freepages_block(struct compact_control *cc,
					     unsigned long *start,
					     unsigned long end,
					     unsigned int stride)
{
	unsigned long pfn = *start, scanned = 0, before = cc->nr_freepages;
	bool stop = false;

	while (pfn < end && !stop) {
		unsigned long chunk_end = round_up(pfn + 1, MMLAB_MIGRATE_BATCH);

		pfn = isolate_free_chunk(cc, pfn, min(chunk_end, end), stride,
					 &scanned, &stop);
		cond_resched();
	}
	trace_mm_compaction_isolate_freepages(*start, min(pfn, end), scanned,
					      cc->nr_freepages - before);
	*start = min(pfn, end);
	cc->stats.free_scanned += scanned;
	return cc->nr_freepages - before;
}

/*
 * How many free-list entries a fast search may look at: the scanner's
 * batch, halved by every search of this run that found nothing, plus one
 * (freelist_scan_limit()).
 */
static unsigned int freelist_scan_limit(struct compact_control *cc)
{
	return (MMLAB_MIGRATE_BATCH >> min(cc->fast_search_fail,
					   BITS_PER_LONG - 1U)) + 1;
}

/*
 * The fast free search looked at the entries of @freelist from the tail up
 * to @page: move the entries before @page to the tail, so that the ones it
 * looked at lead the list and the next search, from the tail, looks at
 * other blocks first (move_freelist_head()).
 */
static void rotate_searched_to_head(struct list_head *freelist,
				    struct mmlab_page *page)
{
	LIST_HEAD(searched);

	if (list_is_first(&page->lru, freelist))
		return;
	list_cut_before(&searched, freelist, &page->lru);
	list_splice_tail(&searched, freelist);
}

/*
 * The fast migrate search looked at the entries of @freelist from the head
 * down to @page: move them to the tail (move_freelist_tail()).
 */
static void rotate_searched_to_tail(struct list_head *freelist,
				    struct mmlab_page *page)
{
	LIST_HEAD(searched);

	if (list_is_last(&page->lru, freelist))
		return;
	list_cut_position(&searched, freelist, &page->lru);
	list_splice_tail(&searched, freelist);
}

/*
 * A fast free search wrapped round the orders below cc->order: the next
 * search starts one order lower (next_search_order()'s wrap).
 */
static void rotate_search_order(struct compact_control *cc)
{
	cc->search_order = cc->search_order > 0 ? cc->search_order - 1 :
						  cc->order - 1;
}

/* The order the fast free search looks at after @order, -1 when done. */
static int next_search_order(struct compact_control *cc, int order)
{
	order = order > 0 ? order - 1 : cc->order - 1;
	if (order != cc->search_order)
		return order;
	rotate_search_order(cc);
	return -1;
}

/*
 * The fast free search found a target block at @pfn: unless the batch has
 * its targets, or this is async direct compaction (the cheap attempt),
 * take the rest of that pageblock's free pages too, and mark the pageblock
 * skipped if it could not fill the batch (fast_isolate_around()).
 */
static void fast_isolate_around(struct compact_control *cc, unsigned long pfn)
{
	unsigned long start = block_first_pfn(cc->zone, pfn);

	if (cc->nr_freepages >= cc->migrate.nr)
		return;
	if (cc->direct && cc->mode == MMLAB_MIGRATE_ASYNC)
		return;
	isolate_freepages_block(cc, &start, block_end_pfn(cc->zone, pfn), 1);
	if (cc->nr_freepages < cc->migrate.nr)
		mark_pageblock_skip(cc, pfn);
}

/*
 * Search a MOVABLE free list from its tail for a target at or above
 * @low_pfn; remember in *@highest the highest pageblock seen and in *@near
 * the highest block at or above @min_pfn. Look at up to *@limit entries,
 * counted in *@seen; a candidate in *@near halves *@limit. The entries
 * looked at go to the head. Returns the block found at or above @low_pfn,
 * or NULL. Zone lock held.
 */
static struct mmlab_page *search_free_list(struct compact_control *cc,
					   struct list_head *freelist,
					   unsigned long low_pfn,
					   unsigned long min_pfn,
					   unsigned int *limit,
					   unsigned int *seen,
					   unsigned long *highest,
					   struct mmlab_page **near)
{
	struct mmlab_page *page, *last = NULL;

	*seen = 0;
	list_for_each_entry_reverse(page, freelist, lru) {
		unsigned long pfn = mmlab_page_to_pfn(page);

		last = page;
		(*seen)++;
		if (pfn >= *highest)
			*highest = block_first_pfn(cc->zone, pfn);
		if (pfn >= low_pfn) {
			rotate_searched_to_head(freelist, page);
			return page;
		}
		if (pfn >= min_pfn &&
		    (!*near || pfn > mmlab_page_to_pfn(*near))) {
			*near = page;
			*limit >>= 1;	/* a candidate: shorten the search */
		}
		if (*seen >= *limit)
			break;
	}
	if (*near)
		rotate_searched_to_head(freelist, *near);
	else if (last)
		rotate_searched_to_head(freelist, last);
	return NULL;
}

/*
 * Where the fast free search gives up at the start of a run: the linear
 * scan starts at the highest pageblock seen with a free movable block, if
 * it is in the top half of the space between the scanners, else, for
 * direct compaction, at the bottom of that half (pessimistic). Returns
 * that pageblock, to take free pages around, or 0.
 */
static unsigned long fast_free_scan_start(struct compact_control *cc,
					  unsigned long highest,
					  unsigned long min_pfn)
{
	if (highest >= min_pfn)
		cc->free_pfn = highest;
	else if (cc->direct)
		cc->free_pfn = min_pfn;
	else
		return 0;
	return cc->free_pfn;
}

/*
 * The free scanner's fast path (6.1's fast_isolate_freepages()): before
 * scanning pageblocks, search the MOVABLE free lists of the orders below
 * cc->order, from their tails, for a block in the top quarter of the space
 * between the scanners, else for the highest one in the top half, and take
 * it whole. The search starts at the order that last gave a target and
 * goes round the orders below cc->order once; each list searched is
 * rotated so that the next search looks at other blocks. It is short:
 * freelist_scan_limit() halves with every fruitless search of the run, and
 * each list is searched half as far as the one before it once the limit is
 * reached; only a run's first search, from the top of the region, looks at
 * up to half a pageblock's worth of entries. A whole-region run (order -1)
 * does not search.
 */
static void fast_isolate_freepages(struct compact_control *cc)
{
	struct mmlab_zone *zone = cc->zone;
	unsigned int limit = max(1U, freelist_scan_limit(cc) >> 1);
	unsigned long low_pfn, min_pfn, distance, highest = 0, around = 0;
	unsigned int scanned = 0;
	struct mmlab_page *page = NULL;
	bool scan_start = false;
	int order;

	if (cc->order <= 0 || cc->free_pfn <= cc->migrate_pfn)
		return;
	if (cc->free_pfn >= last_pageblock_pfn(zone)) {
		limit = MMLAB_PAGEBLOCK_PAGES >> 1;
		scan_start = true;
	}
	distance = cc->free_pfn - cc->migrate_pfn;
	low_pfn = round_down(cc->free_pfn - (distance >> 2),
			     MMLAB_PAGEBLOCK_PAGES);
	min_pfn = round_down(cc->free_pfn - (distance >> 1),
			     MMLAB_PAGEBLOCK_PAGES);
	cc->search_order = min(cc->order - 1, cc->search_order);

	for (order = cc->search_order; !page && order >= 0;
	     order = next_search_order(cc, order)) {
		struct mmlab_free_area *area = &zone->free_area[order];
		struct mmlab_page *near = NULL;
		unsigned long flags, nr = 0;
		unsigned int seen;

		if (!READ_ONCE(area->nr_free))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		page = search_free_list(cc,
					&area->free_list[MMLAB_MIGRATE_MOVABLE],
					low_pfn, min_pfn, &limit, &seen, &highest,
					&near);
		if (page) {
			cc->fast_search_fail = 0;
			cc->search_order = order;
		} else {
			page = near;
		}
		if (page) {
			nr = __mmlab_isolate_free_page(page, order,
						       MMLAB_OWNER_KERNEL);
			if (nr)
				add_freepages(cc, page, nr);
		}
		spin_unlock_irqrestore(&zone->lock, flags);
		scanned += seen + (nr ? nr - 1 : 0);
		if (page && !nr) {
			/* Below the watermark: stop searching. */
			rotate_search_order(cc);
			page = NULL;
			break;
		}
		if (seen >= limit)
			limit = max(1U, limit >> 1);
	}

	if (page) {
		around = mmlab_page_to_pfn(page);
	} else {
		cc->fast_search_fail++;
		if (scan_start)
			around = fast_free_scan_start(cc, highest, min_pfn);
	}
	if (highest && highest >= cc->st->cached_free_pfn &&
	    !cc->ignore_skip_hint)
		cc->st->cached_free_pfn = highest - min(highest,
						       MMLAB_PAGEBLOCK_PAGES);
	cc->stats.free_scanned += scanned;
	if (around)
		fast_isolate_around(cc, around);
}

/*
 * Take free pages for the migration batch: first by a search of the free
 * lists (fast_isolate_freepages()), else from the pageblocks below
 * free_pfn, never at or below the migrate scanner's pageblock
 * (isolate_freepages()). An async run looks at every 32nd pfn of a
 * pageblock at first, and at every pfn of the next once a pageblock gave
 * targets; a fruitless pageblock doubles the stride again. free_pfn is
 * left where the next call resumes: in the pageblock where this one
 * stopped, or the one below if it finished.
 */
static void isolate_freepages(struct compact_control *cc)
{
	struct mmlab_zone *zone = cc->zone;
	unsigned int stride = cc->mode == MMLAB_MIGRATE_ASYNC ?
			      MMLAB_MIGRATE_BATCH : 1;
	unsigned long low, isolate_start, block;

	fast_isolate_freepages(cc);
	if (cc->nr_freepages)
		return;

	low = round_up(cc->migrate_pfn + 1, MMLAB_PAGEBLOCK_PAGES);
	isolate_start = cc->free_pfn;
	block = round_down(isolate_start, MMLAB_PAGEBLOCK_PAGES);
	while (block >= low && block >= zone->pageblock_base) {
		unsigned long end = block_end_pfn(zone, block);
		unsigned long first = block_first_pfn(zone, block);
		unsigned long taken = 0;

		isolate_start = max(isolate_start, first);
		if (isolate_start < end &&
		    suitable_migration_target(cc, mmlab_pfn_to_page(first)) &&
		    isolation_suitable(cc, block)) {
			taken = isolate_freepages_block(cc, &isolate_start, end,
							stride);
			if (isolate_start >= end)
				update_pageblock_skip(cc, block);
			if (cc->nr_freepages >= cc->migrate.nr) {
				if (isolate_start >= end)
					isolate_start = block -
						min(block, MMLAB_PAGEBLOCK_PAGES);
				break;
			}
			if (isolate_start < end)
				break;	/* stopped early: do not go on */
			stride = taken ? 1 : min(MMLAB_MIGRATE_BATCH, stride << 1);
		}
		if (block < MMLAB_PAGEBLOCK_PAGES) {
			isolate_start = 0;
			break;
		}
		block -= MMLAB_PAGEBLOCK_PAGES;
		isolate_start = block;
		cond_resched();
	}
	cc->free_pfn = isolate_start;
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

/* Free the unused targets; returns the highest pfn freed, 0 for none. */
static unsigned long release_freepages(struct compact_control *cc)
{
	struct mmlab_page *page, *next;
	unsigned long high = 0;

	list_for_each_entry_safe(page, next, &cc->freepages, lru) {
		list_del(&page->lru);
		page->private = 0;
		atomic_set(&page->_mapcount, -1);
		page->_pad = 0;
		high = max(high, mmlab_page_to_pfn(page));
		mmlab_free_pages(page, 0);
	}
	cc->nr_freepages = 0;
	return high;
}

/* --- The migrate scanner -------------------------------------------------------- */

/*
 * Can the migrate scanner take pages from this pageblock
 * (suitable_migration_source())? Async direct compaction takes only the
 * pageblocks the allocation's type would use: it is the cheap attempt.
 */
static bool suitable_migration_source(struct compact_control *cc,
				      struct mmlab_page *page)
{
	enum mmlab_migratetype mt;

	if (cc->mode != MMLAB_MIGRATE_ASYNC || !cc->direct)
		return true;
	mt = mmlab_get_pageblock_migratetype(page);
	if (cc->migratetype == MMLAB_MIGRATE_MOVABLE)
		return mt == MMLAB_MIGRATE_MOVABLE || mt == MMLAB_MIGRATE_CMA;
	return mt == cc->migratetype;
}

/* Is migrate_pfn at the start of a pageblock (or of the region)? */
static bool migrate_at_block_start(struct compact_control *cc)
{
	return IS_ALIGNED(cc->migrate_pfn, MMLAB_PAGEBLOCK_PAGES) ||
	       cc->migrate_pfn == cc->zone->first_usable_pfn;
}

/*
 * Is the pageblock at migrate_pfn to be passed over? Then step past it. A
 * pageblock the fast search chose (@fast) has just been given its skip
 * hint, so that no other run picks it: take it whatever the hint says.
 */
static bool skip_migrate_block(struct compact_control *cc, unsigned long end,
			       bool fast)
{
	struct mmlab_page *page = mmlab_pfn_to_page(cc->migrate_pfn);

	if (mmlab_get_pageblock_migratetype(page) == MMLAB_MIGRATE_ISOLATE ||
	    (migrate_at_block_start(cc) && !fast &&
	     !isolation_suitable(cc, cc->migrate_pfn))) {
		cc->migrate_pfn = end;
		return true;
	}
	if (!suitable_migration_source(cc, page)) {
		cc->migrate_pfn = end;
		update_cached_migrate(cc, end);
		return true;
	}
	return false;
}

/* The fast migrate search chose the block at @pfn (update_fast_start_pfn()). */
static void update_fast_start_pfn(struct compact_control *cc, unsigned long pfn)
{
	if (cc->fast_start_pfn == ULONG_MAX)
		return;
	if (!cc->fast_start_pfn || pfn < cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
}

/*
 * A fast migrate search failed: the linear scan goes on from the lowest
 * pageblock the earlier searches of this run chose, once
 * (reinit_migrate_pfn()).
 */
static void reinit_migrate_pfn(struct compact_control *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == ULONG_MAX)
		return;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = ULONG_MAX;
}

/*
 * Should the migrate scanner search the free lists before its next
 * pageblock? Not for a run that ignores the skip hints (they keep a search
 * from choosing a pageblock again), nor in the middle of a pageblock (a
 * scan resumed after a full batch), nor for orders up to
 * PAGE_ALLOC_COSTLY_ORDER (a linear scan frees enough for those), nor for
 * direct compaction of a non-movable allocation (it would empty a movable
 * pageblock for a small unmovable one).
 */
static bool fast_migrate_search_wanted(struct compact_control *cc)
{
	return !cc->ignore_skip_hint && migrate_at_block_start(cc) &&
	       cc->order > MMLAB_PAGE_ALLOC_COSTLY_ORDER &&
	       !(cc->direct && cc->migratetype != MMLAB_MIGRATE_MOVABLE);
}

/*
 * Search the MOVABLE free list of @order, from its head, for a free block
 * below @high_pfn in a pageblock without a skip hint, up to *@scanned
 * reaching @limit. The entries looked at go to the tail. Returns the block,
 * or NULL. Zone lock held.
 */
static struct mmlab_page *search_migrate_list(struct compact_control *cc,
					      struct list_head *freelist,
					      unsigned long high_pfn,
					      unsigned int limit,
					      unsigned int *scanned)
{
	struct mmlab_page *page;

	list_for_each_entry(page, freelist, lru) {
		unsigned long pfn = mmlab_page_to_pfn(page);

		if ((*scanned)++ >= limit) {
			rotate_searched_to_tail(freelist, page);
			return NULL;
		}
		if (pfn >= high_pfn || !isolation_suitable(cc, pfn))
			continue;
		rotate_searched_to_tail(freelist, page);
		return page;
	}
	return NULL;
}

/*
 * The migrate scanner's fast path (6.1's fast_find_migrateblock()): before
 * a pageblock, search the MOVABLE free lists of orders cc->order - 1 down to
 * PAGE_ALLOC_COSTLY_ORDER for a large free block near the scanner: in the
 * first half of the space between the scanners when the run starts, else
 * in its first eighth. Its pageblock already has that much free, so
 * emptying it takes fewer migrations; the scanner jumps there and gives the
 * pageblock a skip hint so that no other search picks it. When a search
 * finds nothing, the linear scan goes on from the lowest pageblock this
 * run's searches chose.
 *
 * Return: true if the search chose a pageblock (at migrate_pfn now).
 */
static bool fast_find_migrateblock(struct compact_control *cc)
{
	struct mmlab_zone *zone = cc->zone;
	unsigned int limit = freelist_scan_limit(cc), scanned = 0;
	unsigned long distance, high_pfn;
	struct mmlab_page *page = NULL;
	int order;

	if (!fast_migrate_search_wanted(cc) || cc->free_pfn <= cc->migrate_pfn)
		return false;
	distance = (cc->free_pfn - cc->migrate_pfn) >> 1;
	if (cc->migrate_pfn != zone->first_usable_pfn)
		distance >>= 2;
	high_pfn = round_down(cc->migrate_pfn + distance, MMLAB_PAGEBLOCK_PAGES);

	for (order = cc->order - 1;
	     order >= MMLAB_PAGE_ALLOC_COSTLY_ORDER && !page && scanned < limit;
	     order--) {
		struct mmlab_free_area *area = &zone->free_area[order];
		unsigned long flags;

		if (!READ_ONCE(area->nr_free))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		page = search_migrate_list(cc,
					   &area->free_list[MMLAB_MIGRATE_MOVABLE],
					   high_pfn, limit, &scanned);
		if (page)
			mark_pageblock_skip(cc, mmlab_page_to_pfn(page));
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	cc->stats.migrate_scanned += scanned;

	if (page) {
		unsigned long pfn = mmlab_page_to_pfn(page);

		update_fast_start_pfn(cc, pfn);
		cc->migrate_pfn = block_first_pfn(zone, pfn);
		cc->fast_search_fail = 0;
		return true;
	}
	cc->fast_search_fail++;
	reinit_migrate_pfn(cc);
	return false;
}

/*
 * Isolate movable pages from migrate_pfn, or from the pageblock the fast
 * search chose, up to the end of its pageblock or until the batch is full
 * (isolate_migratepages). A pageblock scanned to its end without a page
 * isolated gets a skip hint.
 */
static void isolate_migratepages(struct compact_control *cc)
{
	bool fast = fast_find_migrateblock(cc);
	unsigned long start = cc->migrate_pfn, pfn = start, scanned = 0;
	unsigned long end = block_end_pfn(cc->zone, start);

	if (skip_migrate_block(cc, end, fast))
		return;
	if (IS_ALIGNED(start, MMLAB_PAGEBLOCK_PAGES))
		cond_resched();
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
	if (cc->migrate_pfn == end) {
		if (!cc->migrate.nr)
			mark_pageblock_skip(cc, end - 1);
		update_cached_migrate(cc, end);
	}
	cc->stats.migrate_scanned += scanned;
	cc->stats.isolated += cc->migrate.nr;
	mmlab_count_vm_events(MMLAB_COMPACT_ISOLATED, cc->migrate.nr);
	trace_mm_compaction_isolate_migratepages(start, cc->migrate_pfn, scanned,
						 cc->migrate.nr);
}

/* --- One run ------------------------------------------------------------------- */

/* As can_steal_fallback(): would an allocation of @mt take a block of @order? */
static bool can_steal_fallback(unsigned int order, int mt)
{
	return order >= MMLAB_PAGEBLOCK_ORDER / 2 ||
	       mt == MMLAB_MIGRATE_RECLAIMABLE || mt == MMLAB_MIGRATE_UNMOVABLE;
}

/*
 * Is a free block of @order there for an allocation of @mt
 * (__compact_finished()'s test)? Its own type, CMA for a movable one, or
 * a type it would steal a block from.
 */
static bool free_block_for(struct mmlab_zone *zone, unsigned int order, int mt)
{
	unsigned int o;
	int other;

	for (o = order; o < MMLAB_MAX_ORDER; o++) {
		struct mmlab_free_area *area = &zone->free_area[o];

		if (!list_empty(&area->free_list[mt]))
			return true;
		if (mt == MMLAB_MIGRATE_MOVABLE &&
		    !list_empty(&area->free_list[MMLAB_MIGRATE_CMA]))
			return true;
		if (!can_steal_fallback(o, mt))
			continue;
		for (other = 0; other < MMLAB_MIGRATE_PCPTYPES; other++)
			if (other != mt &&
			    !list_empty(&area->free_list[other]))
				return true;
	}
	return false;
}

/*
 * Proactive compaction's fragmentation score of a region (6.1's
 * fragmentation_score_zone()): the share of free memory outside blocks of
 * MMLAB_COMPACTION_HPAGE_ORDER, 0..100, weighted by the zone's share of
 * its node, which for a region's one zone is present / (present + 1).
 */
static unsigned int fragmentation_score(struct mmlab_zone *zone)
{
	int extfrag = mmlab_extfrag_for_order(zone->nid,
					      MMLAB_COMPACTION_HPAGE_ORDER);

	if (extfrag <= 0)
		return 0;
	return div_u64((u64)zone->spanned_pages * extfrag,
		       zone->spanned_pages + 1);
}

/*
 * The score a proactive run aims at or below (@low), and the score above
 * which one starts (fragmentation_score_wmark()): 100 - proactiveness,
 * never below 5, and 10 more to start.
 */
static unsigned int fragmentation_score_wmark(bool low)
{
	unsigned int wmark_low = max(100 - READ_ONCE(compaction_proactiveness),
				     5);

	return low ? wmark_low : min(wmark_low + 10, 100U);
}

/* A proactive run goes on until the score is down to the low mark. */
static enum mmlab_compact_result
proactive_compact_finished(struct mmlab_zone *zone)
{
	if (mmlab_kswapd_is_running(zone))
		return MMLAB_CR_PARTIAL_SKIPPED;
	if (fragmentation_score(zone) > fragmentation_score_wmark(true))
		return MMLAB_CR_CONTINUE;
	return MMLAB_CR_SUCCESS;
}

static bool scanners_met(struct compact_control *cc)
{
	return cc->migrate_pfn >= cc->zone->end_pfn ||
	       round_down(cc->migrate_pfn, MMLAB_PAGEBLOCK_PAGES) >=
	       round_down(cc->free_pfn, MMLAB_PAGEBLOCK_PAGES);
}

static enum mmlab_compact_result compact_finished(struct compact_control *cc)
{
	if (scanners_met(cc)) {
		if (!cc->ignore_skip_hint)
			reset_cached_positions(cc->st, cc->zone);
		if (cc->direct)
			WRITE_ONCE(cc->st->blockskip_flush, true);
		return cc->whole_zone ? MMLAB_CR_COMPLETE :
					MMLAB_CR_PARTIAL_SKIPPED;
	}
	if (cc->contended || fatal_signal_pending(current))
		return MMLAB_CR_CONTENDED;
	if (cc->proactive)
		return proactive_compact_finished(cc->zone);
	if (cc->order < 0)
		return MMLAB_CR_CONTINUE;
	/* Finish the pageblock: fewer fallbacks later (6.1). */
	if (!IS_ALIGNED(cc->migrate_pfn, MMLAB_PAGEBLOCK_PAGES))
		return MMLAB_CR_CONTINUE;
	if (free_block_for(cc->zone, cc->order, cc->migratetype))
		return MMLAB_CR_SUCCESS;
	return MMLAB_CR_CONTINUE;
}

/* Start at the region's ends or where the last runs stopped. */
static void compact_start_positions(struct compact_control *cc)
{
	struct mmlab_compact_state *st = cc->st;
	struct mmlab_zone *zone = cc->zone;
	bool sync = cc->mode != MMLAB_MIGRATE_ASYNC;

	cc->migrate_pfn = zone->first_usable_pfn;
	cc->free_pfn = last_pageblock_pfn(zone);
	if (cc->whole_zone)
		return;
	if (st->cached_free_pfn >= zone->first_usable_pfn &&
	    st->cached_free_pfn < zone->end_pfn)
		cc->free_pfn = st->cached_free_pfn;
	else
		st->cached_free_pfn = cc->free_pfn;
	if (st->cached_migrate_pfn[sync] >= zone->first_usable_pfn &&
	    st->cached_migrate_pfn[sync] < zone->end_pfn) {
		cc->migrate_pfn = st->cached_migrate_pfn[sync];
	} else {
		st->cached_migrate_pfn[0] = cc->migrate_pfn;
		st->cached_migrate_pfn[1] = cc->migrate_pfn;
	}
	if (cc->migrate_pfn <= st->init_migrate_pfn)
		cc->whole_zone = true;
}

/* Migrate the batch; false when the run must stop (targets ran out). */
static bool compact_migrate_batch(struct compact_control *cc)
{
	unsigned int ok = 0;
	int err;

	err = mmlab_migrate_pages(&cc->migrate, compaction_alloc,
				  compaction_free, (unsigned long)cc, cc->mode,
				  MMLAB_MR_COMPACTION, &ok);
	cc->stats.migrated += ok;
	cc->stats.failed += cc->migrate.nr;
	mmlab_putback_movable_pages(&cc->migrate);
	if (err == -ENOMEM && !scanners_met(cc)) {
		cc->contended = true;
		return false;
	}
	/* Async direct compaction skips the rest of a block that failed. */
	if (err && cc->direct && cc->mode == MMLAB_MIGRATE_ASYNC &&
	    cc->order > 0) {
		cc->migrate_pfn = min(round_up(cc->migrate_pfn, 1UL << cc->order),
				      cc->zone->end_pfn);
		cc->last_migrated_pfn = 0;	/* nothing there to merge */
	}
	return true;
}

/*
 * The migrate scanner left the block of cc->order it last migrated from:
 * drain this CPU's per-CPU lists, where the pages freed by migration wait,
 * so that they merge now, and compact_finished() sees the block, or the
 * capture takes it (6.1's lru_add_drain_cpu_zone() in compact_zone()).
 */
static void compact_drain_migrated(struct compact_control *cc)
{
	unsigned long block;

	if (cc->order <= 0 || !cc->last_migrated_pfn)
		return;
	block = round_down(cc->migrate_pfn, 1UL << cc->order);
	if (cc->last_migrated_pfn >= block)
		return;
	mmlab_drain_local_pages(cc->zone->nid);
	cc->last_migrated_pfn = 0;
}

static bool compact_captured(struct compact_control *cc)
{
	return cc->capc && READ_ONCE(cc->capc->page);
}

/* Give back unused targets; the free scanner restarts no lower than them. */
static void compact_release(struct compact_control *cc)
{
	unsigned long high = release_freepages(cc);

	if (!high || cc->ignore_skip_hint)
		return;
	high = round_down(high, MMLAB_PAGEBLOCK_PAGES);
	if (high > cc->st->cached_free_pfn)
		cc->st->cached_free_pfn = high;
}

/* Is this a deferred order that is trying again (compaction_restarting())? */
static bool compaction_restarting(struct mmlab_compact_state *st, int order)
{
	bool ret;

	spin_lock(&st->defer_lock);
	ret = order >= st->order_failed &&
	      st->defer_shift == MMLAB_COMPACT_MAX_DEFER_SHIFT &&
	      st->considered >= (1U << st->defer_shift);
	spin_unlock(&st->defer_lock);
	return ret;
}

/* One run, the region's mutex held (compact_zone()). */
static enum mmlab_compact_result compact_zone(struct compact_control *cc)
{
	struct mmlab_zone *zone = cc->zone;
	bool sync = cc->mode != MMLAB_MIGRATE_ASYNC;
	enum mmlab_compact_result ret;

	if (cc->order >= 0 && compaction_restarting(cc->st, cc->order))
		reset_isolation_suitable(cc->st, zone);
	compact_start_positions(cc);
	cc->fast_start_pfn = 0;
	INIT_LIST_HEAD(&cc->freepages);
	trace_mm_compaction_begin(zone->first_usable_pfn, cc->migrate_pfn,
				  cc->free_pfn, zone->end_pfn, sync);
	while ((ret = compact_finished(cc)) == MMLAB_CR_CONTINUE) {
		unsigned long start = cc->migrate_pfn;

		isolate_migratepages(cc);
		if (cc->migrate.nr) {
			cc->last_migrated_pfn = start;
			if (!compact_migrate_batch(cc)) {
				ret = MMLAB_CR_CONTENDED;
				break;
			}
		}
		compact_drain_migrated(cc);
		if (compact_captured(cc)) {
			ret = MMLAB_CR_SUCCESS;
			break;
		}
		cond_resched();
	}
	mmlab_putback_movable_pages(&cc->migrate);
	compact_release(cc);
	cc->stats.migrate_pfn = cc->migrate_pfn;
	cc->stats.free_pfn = cc->free_pfn;
	mmlab_count_vm_events(MMLAB_COMPACT_MIGRATE_SCANNED,
			      cc->stats.migrate_scanned);
	mmlab_count_vm_events(MMLAB_COMPACT_FREE_SCANNED, cc->stats.free_scanned);
	trace_mm_compaction_end(zone->first_usable_pfn, cc->migrate_pfn,
				cc->free_pfn, zone->end_pfn, sync, ret);
	return ret;
}

/* --- Suitability and deferral --------------------------------------------------- */

/**
 * mmlab_compaction_suitable - can compaction help an allocation of @order
 *	(6.1's compaction_suitable())?
 * @zone: the region's zone.
 * @order: the order of the allocation; -1 for a full run (always
 *	MMLAB_CR_CONTINUE).
 *
 * Return: MMLAB_CR_SUCCESS when the allocation would succeed now (min
 * watermark, a block of @order free); MMLAB_CR_SKIPPED when there are too
 * few free pages to migrate into (the boosted low watermark for costly
 * orders, min for others, plus twice the block) or, for a costly order,
 * when the fragmentation index says a failure would be for lack of memory;
 * else MMLAB_CR_CONTINUE.
 */
enum mmlab_compact_result
mmlab_compaction_suitable(struct mmlab_zone *zone, int order)
{
	enum mmlab_compact_result ret = MMLAB_CR_CONTINUE;
	enum mmlab_zone_wmark mark;
	unsigned long free, need;
	int fragindex;

	if (order < 0)
		return MMLAB_CR_CONTINUE;
	if (mmlab_zone_watermark_ok(zone->nid, order, MMLAB_WMARK_MIN)) {
		ret = MMLAB_CR_SUCCESS;
		goto out;
	}
	mark = order > MMLAB_PAGE_ALLOC_COSTLY_ORDER ? MMLAB_WMARK_LOW :
						       MMLAB_WMARK_MIN;
	need = mmlab_wmark_pages(zone, mark) + (2UL << order);
	free = READ_ONCE(zone->free_pages);
	free -= min(free, READ_ONCE(zone->nr_reserved_highatomic));
	if (free <= need) {
		ret = MMLAB_CR_SKIPPED;
		goto out;
	}
	if (order > MMLAB_PAGE_ALLOC_COSTLY_ORDER) {
		fragindex = mmlab_fragmentation_index(zone->nid, order);
		if (fragindex >= 0 && fragindex <= mmlab_get_extfrag_threshold())
			ret = MMLAB_CR_SKIPPED;
	}
out:
	trace_mm_compaction_suitable(zone->nid, order, ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_compaction_suitable);

/* Skip this attempt at @order (compaction_deferred())? */
static bool compaction_deferred(struct mmlab_compact_state *st, int nid,
				int order)
{
	unsigned int limit;
	bool ret = false;

	spin_lock(&st->defer_lock);
	limit = 1U << st->defer_shift;
	if (order >= st->order_failed) {
		if (++st->considered >= limit)
			st->considered = limit;
		else
			ret = true;
	}
	if (ret)
		trace_mm_compaction_deferred(nid, order, st->considered,
					     st->defer_shift, st->order_failed);
	spin_unlock(&st->defer_lock);
	return ret;
}

/* A run for @order failed: skip more attempts next (defer_compaction()). */
static void defer_compaction(struct mmlab_compact_state *st, int nid,
			     int order)
{
	spin_lock(&st->defer_lock);
	st->considered = 0;
	if (st->defer_shift < MMLAB_COMPACT_MAX_DEFER_SHIFT)
		st->defer_shift++;
	if (order < st->order_failed)
		st->order_failed = order;
	trace_mm_compaction_defer_compaction(nid, order, st->considered,
					     st->defer_shift, st->order_failed);
	spin_unlock(&st->defer_lock);
}

/*
 * Compaction for @order succeeded (compaction_defer_reset()); with
 * @alloc_success the allocation got its block, and deferral starts over.
 */
static void compaction_defer_reset(struct mmlab_compact_state *st, int nid,
				   int order, bool alloc_success)
{
	spin_lock(&st->defer_lock);
	if (alloc_success) {
		st->considered = 0;
		st->defer_shift = 0;
	}
	if (order >= st->order_failed)
		st->order_failed = order + 1;
	trace_mm_compaction_defer_reset(nid, order, st->considered,
					st->defer_shift, st->order_failed);
	spin_unlock(&st->defer_lock);
}

/* --- Runs ---------------------------------------------------------------------------- */

static struct mmlab_compact_state *region_state(int nid)
{
	if (nid < 0 || nid >= MMLAB_MAX_REGIONS || !mmlab_zone(nid))
		return NULL;
	return compact_state[nid];
}

/**
 * mmlab_reset_isolation_suitable - forget the skip hints and the cached
 *	scanner positions of a region, as kswapd's reset_isolation_suitable()
 *	does after direct compaction's scanners met.
 * @nid: the region.
 */
void mmlab_reset_isolation_suitable(int nid)
{
	struct mmlab_compact_state *st = region_state(nid);

	if (!st)
		return;
	mutex_lock(&st->mutex);
	reset_isolation_suitable(st, mmlab_zone(nid));
	mutex_unlock(&st->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_reset_isolation_suitable);

/* A run of @mode for @order on @nid's region; NULL without memory. */
static struct compact_control *compact_control_alloc(int nid, int order,
						     int migratetype,
						     enum mmlab_migrate_mode mode,
						     gfp_t gfp)
{
	struct compact_control *cc = kzalloc(sizeof(*cc), gfp);

	if (!cc)
		return NULL;
	cc->zone = mmlab_zone(nid);
	cc->st = compact_state[nid];
	cc->order = order;
	cc->search_order = order;
	cc->migratetype = migratetype;
	cc->mode = mode;
	return cc;
}

/*
 * An async run that found the region held by another run gives up at once.
 * In 6.1 the same run would start and stop at the first contended lock, so
 * trace it as a run that began where it would have and ended contended: a
 * user reading the trace sees the attempt, as on the kernel.
 */
static enum mmlab_compact_result compact_give_up_contended(struct compact_control *cc)
{
	struct mmlab_zone *zone = cc->zone;
	unsigned long migrate_pfn = READ_ONCE(cc->st->cached_migrate_pfn[0]);
	unsigned long free_pfn = READ_ONCE(cc->st->cached_free_pfn);

	if (migrate_pfn < zone->first_usable_pfn || migrate_pfn >= zone->end_pfn)
		migrate_pfn = zone->first_usable_pfn;
	if (free_pfn < zone->first_usable_pfn || free_pfn >= zone->end_pfn)
		free_pfn = last_pageblock_pfn(zone);
	trace_mm_compaction_begin(zone->first_usable_pfn, migrate_pfn, free_pfn,
				  zone->end_pfn, false);
	trace_mm_compaction_end(zone->first_usable_pfn, migrate_pfn, free_pfn,
				zone->end_pfn, false, MMLAB_CR_CONTENDED);
	return MMLAB_CR_CONTENDED;
}

/*
 * Run @cc on its region: async runs give up if another holds the region,
 * others wait for it (killable).
 */
static enum mmlab_compact_result run_compaction(struct compact_control *cc)
{
	enum mmlab_compact_result ret;

	if (cc->mode == MMLAB_MIGRATE_ASYNC) {
		if (!mutex_trylock(&cc->st->mutex))
			return compact_give_up_contended(cc);
	} else if (mutex_lock_killable(&cc->st->mutex)) {
		return MMLAB_CR_CONTENDED;
	}
	ret = compact_zone(cc);
	mutex_unlock(&cc->st->mutex);
	return ret;
}

/**
 * mmlab_compact_node - compact one region by hand, as 6.1's compact_node().
 * @nid: the region.
 * @order: stop once a free block of this order exists; -1 for a full run.
 * @stats: filled with what the run did, if not NULL.
 *
 * MIGRATE_SYNC over the whole region, skip hints ignored. Sleeps; one run
 * per region at a time.
 *
 * Return: how the run ended, or MMLAB_CR_SKIPPED for an unknown
 * region or an order out of range.
 */
enum mmlab_compact_result mmlab_compact_node(int nid, int order,
					     struct mmlab_compact_stats *stats)
{
	struct mmlab_compact_state *st = region_state(nid);
	struct compact_control *cc;
	enum mmlab_compact_result ret;

	if (!st || order < -1 || order >= MMLAB_MAX_ORDER)
		return MMLAB_CR_SKIPPED;
	cc = compact_control_alloc(nid, order, MMLAB_MIGRATE_MOVABLE,
				   MMLAB_MIGRATE_SYNC, GFP_KERNEL);
	if (!cc)
		return MMLAB_CR_SKIPPED;
	cc->whole_zone = true;
	cc->ignore_skip_hint = true;
	ret = run_compaction(cc);
	if (stats)
		*stats = cc->stats;
	kfree(cc);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_compact_node);

/*
 * A direct compaction run at @prio (compact_zone_order()), capturing the
 * first block of @order its task frees: *@capture, and then success.
 */
static enum mmlab_compact_result
compact_zone_order(struct mmlab_zone *zone, unsigned int order,
		   mmlab_gfp_t gfp, enum mmlab_compact_priority prio,
		   struct mmlab_page **capture)
{
	struct mmlab_capture_control capc;
	enum mmlab_compact_result ret;
	struct compact_control *cc;

	ret = mmlab_compaction_suitable(zone, order);
	if (ret != MMLAB_CR_CONTINUE)
		return ret;
	cc = compact_control_alloc(zone->nid, order, mmlab_gfp_migratetype(gfp),
				   prio == MMLAB_COMPACT_PRIO_ASYNC ?
				   MMLAB_MIGRATE_ASYNC : MMLAB_MIGRATE_SYNC_LIGHT,
				   GFP_NOIO);
	if (!cc)
		return MMLAB_CR_SKIPPED;
	cc->direct = true;
	cc->whole_zone = prio == MMLAB_MIN_COMPACT_PRIORITY;
	cc->ignore_skip_hint = prio == MMLAB_MIN_COMPACT_PRIORITY;
	cc->ignore_block_suitable = prio == MMLAB_MIN_COMPACT_PRIORITY;
	if (capture) {
		mmlab_capture_start(zone, &capc, order);
		cc->capc = &capc;
	}
	ret = run_compaction(cc);
	kfree(cc);
	if (capture) {
		*capture = mmlab_capture_end(zone, &capc);
		if (*capture)
			ret = MMLAB_CR_SUCCESS;
	}
	return ret;
}

/**
 * mmlab_try_to_compact - direct compaction of one region, mmlab_buddy's
 *	hook (6.1's try_to_compact_pages() for one zone).
 * @nid: the region.
 * @order: the order of the allocation, >= 1.
 * @gfp: its flags (the migratetype decides what async runs take).
 * @prio: how hard to try.
 * @capture: if not NULL, set to a block of @order the run captured (freed
 *	by this task into the region, mmlab_capture_start()), or NULL.
 *
 * Deferred orders are not tried except at MMLAB_MIN_COMPACT_PRIORITY; a
 * failed non-async run defers, a successful one resets the failed order.
 *
 * Return: what the attempt did: MMLAB_CR_SKIPPED (nothing tried: bad
 * input or compaction_suitable()), _DEFERRED, _COMPLETE, _PARTIAL_SKIPPED,
 * _CONTENDED or _SUCCESS.
 */
enum mmlab_compact_result
mmlab_try_to_compact(int nid, unsigned int order, mmlab_gfp_t gfp,
		     enum mmlab_compact_priority prio, struct mmlab_page **capture)
{
	struct mmlab_compact_state *st = region_state(nid);
	enum mmlab_compact_result ret;

	if (capture)
		*capture = NULL;
	if (!st || !order || order >= MMLAB_MAX_ORDER ||
	    prio > MMLAB_COMPACT_PRIO_ASYNC)
		return MMLAB_CR_SKIPPED;
	trace_mm_compaction_try_to_compact_pages(order,
						 (__force unsigned int)gfp, prio);
	if (prio > MMLAB_MIN_COMPACT_PRIORITY &&
	    compaction_deferred(st, nid, order))
		return MMLAB_CR_DEFERRED;
	ret = compact_zone_order(mmlab_zone(nid), order, gfp, prio, capture);
	if (ret == MMLAB_CR_SUCCESS)
		compaction_defer_reset(st, nid, order, false);
	else if (prio != MMLAB_COMPACT_PRIO_ASYNC &&
		 (ret == MMLAB_CR_COMPLETE || ret == MMLAB_CR_PARTIAL_SKIPPED))
		defer_compaction(st, nid, order);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_try_to_compact);

/**
 * mmlab_compaction_alloc_success - the allocation that compacted region
 *	@nid got its block of @order: deferral starts over and the skip
 *	hints stay (6.1's __alloc_pages_direct_compact(): no
 *	compact_blockskip_flush, compaction_defer_reset() with alloc_success).
 * @nid: the region.
 * @order: the order.
 */
void mmlab_compaction_alloc_success(int nid, unsigned int order)
{
	struct mmlab_compact_state *st = region_state(nid);

	if (!st || order >= MMLAB_MAX_ORDER)
		return;
	WRITE_ONCE(st->blockskip_flush, false);
	compaction_defer_reset(st, nid, order, true);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_compaction_alloc_success);

/* --- kcompactd ------------------------------------------------------------------ */

/**
 * mmlab_wakeup_kcompactd - ask a region's kcompactd for a block of @order.
 * @nid: the region.
 * @order: the order wanted.
 *
 * As wakeup_kcompactd(), called where kswapd goes back to sleep: the skip
 * hints are cleared if direct compaction's scanners met since
 * (reset_isolation_suitable()); nothing more for order 0; the order is
 * remembered, and the thread woken only when compaction is suitable.
 */
void mmlab_wakeup_kcompactd(int nid, unsigned int order)
{
	struct mmlab_compact_state *st = region_state(nid);
	struct mmlab_zone *zone = mmlab_zone(nid);

	if (!st || !st->kcompactd || order >= MMLAB_MAX_ORDER)
		return;
	if (READ_ONCE(st->blockskip_flush) && mutex_trylock(&st->mutex)) {
		reset_isolation_suitable(st, zone);
		mutex_unlock(&st->mutex);
	}
	if (!order)
		return;
	if (order > READ_ONCE(st->order))
		WRITE_ONCE(st->order, order);
	if (mmlab_compaction_suitable(zone, order) != MMLAB_CR_CONTINUE)
		return;
	trace_mm_compaction_wakeup_kcompactd(nid, order, 0);
	WRITE_ONCE(st->wake, true);
	wake_up_interruptible(&st->wait);
}
EXPORT_SYMBOL_GPL(mmlab_wakeup_kcompactd);

static const struct mmlab_compact_ops mmlab_cma_compact_ops = {
	.try_to_compact = mmlab_try_to_compact,
	.alloc_success = mmlab_compaction_alloc_success,
	.wakeup_kcompactd = mmlab_wakeup_kcompactd,
};

/*
 * One kcompactd run for @order, MIGRATE_SYNC_LIGHT, or with @proactive an
 * unasked whole-region run (@order -1); counts the daemon's scanners.
 */
static enum mmlab_compact_result kcompactd_compact(struct mmlab_zone *zone,
						   int order, bool proactive)
{
	struct compact_control *cc;
	enum mmlab_compact_result ret;

	cc = compact_control_alloc(zone->nid, order, MMLAB_MIGRATE_UNMOVABLE,
				   MMLAB_MIGRATE_SYNC_LIGHT, GFP_KERNEL);
	if (!cc)
		return MMLAB_CR_SKIPPED;
	cc->whole_zone = proactive;
	cc->ignore_skip_hint = proactive;
	cc->proactive = proactive;
	ret = run_compaction(cc);
	mmlab_count_vm_events(MMLAB_COMPACT_DAEMON_MIGRATE_SCANNED,
			      cc->stats.migrate_scanned);
	mmlab_count_vm_events(MMLAB_COMPACT_DAEMON_FREE_SCANNED,
			      cc->stats.free_scanned);
	kfree(cc);
	return ret;
}

/*
 * Woken for @order (kcompactd_do_work()): the wakeup counts, then a run
 * unless deferred or unsuitable. Success resets the failed order; a run
 * that met the scanners without a block drains the per-CPU lists, where
 * freed buddies may wait to merge, and defers.
 */
static void kcompactd_do_work(struct mmlab_zone *zone,
			      struct mmlab_compact_state *st,
			      unsigned int order)
{
	enum mmlab_compact_result ret;

	trace_mm_compaction_kcompactd_wake(zone->nid, order, 0);
	mmlab_count_vm_event(MMLAB_COMPACT_DAEMON_WAKE);
	if (!order || compaction_deferred(st, zone->nid, order) ||
	    mmlab_compaction_suitable(zone, order) != MMLAB_CR_CONTINUE)
		return;
	ret = kcompactd_compact(zone, order, false);
	if (ret == MMLAB_CR_SUCCESS) {
		compaction_defer_reset(st, zone->nid, order, false);
	} else if (ret == MMLAB_CR_COMPLETE || ret == MMLAB_CR_PARTIAL_SKIPPED) {
		mmlab_drain_all_pages(zone->nid);
		defer_compaction(st, zone->nid, order);
	}
}

/* Would an unasked run help (should_proactive_compact_node())? */
static bool should_proactive_compact(struct mmlab_zone *zone)
{
	if (!READ_ONCE(compaction_proactiveness) ||
	    mmlab_kswapd_is_running(zone))
		return false;
	return fragmentation_score(zone) > fragmentation_score_wmark(false);
}

/*
 * Unasked (proactive_compact_node()): a whole-region run that stops once
 * the score is at the low mark, counting no wakeup. Returns how long to
 * sleep before the next look: 64 periods when the run did not lower the
 * score.
 */
static long kcompactd_proactive(struct mmlab_zone *zone)
{
	unsigned int prev;

	if (!should_proactive_compact(zone))
		return MMLAB_KCOMPACTD_PERIOD;
	prev = fragmentation_score(zone);
	kcompactd_compact(zone, -1, true);
	if (fragmentation_score(zone) >= prev)
		return MMLAB_KCOMPACTD_PERIOD << MMLAB_COMPACT_MAX_DEFER_SHIFT;
	return MMLAB_KCOMPACTD_PERIOD;
}

static bool kcompactd_work_requested(struct mmlab_compact_state *st)
{
	return READ_ONCE(st->wake) || READ_ONCE(st->proactive_trigger) ||
	       kthread_should_stop();
}

static int kcompactd(void *data)
{
	struct mmlab_zone *zone = data;
	struct mmlab_compact_state *st = compact_state[zone->nid];
	long timeout = MMLAB_KCOMPACTD_PERIOD;

	set_freezable();
	while (!kthread_should_stop()) {
		/* Nothing to look for unasked: sleep until woken. */
		if (!READ_ONCE(compaction_proactiveness))
			timeout = MAX_SCHEDULE_TIMEOUT;
		trace_mm_compaction_kcompactd_sleep(zone->nid);
		wait_event_freezable_timeout(st->wait,
					     kcompactd_work_requested(st),
					     timeout);
		if (kthread_should_stop())
			break;
		if (xchg(&st->wake, false)) {
			kcompactd_do_work(zone, st, xchg(&st->order, 0));
			timeout = MMLAB_KCOMPACTD_PERIOD;
			continue;
		}
		timeout = kcompactd_proactive(zone);
		WRITE_ONCE(st->proactive_trigger, false);
	}
	return 0;
}

static struct mmlab_compact_state *compact_state_alloc(struct mmlab_zone *zone)
{
	struct mmlab_compact_state *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return NULL;
	st->skip = bitmap_zalloc(zone_nr_pageblocks(zone), GFP_KERNEL);
	if (!st->skip) {
		kfree(st);
		return NULL;
	}
	mutex_init(&st->mutex);
	spin_lock_init(&st->defer_lock);
	init_waitqueue_head(&st->wait);
	st->order_failed = MMLAB_MAX_ORDER;
	st->init_migrate_pfn = zone->first_usable_pfn;
	reset_cached_positions(st, zone);
	return st;
}

static void compact_state_free(struct mmlab_compact_state *st)
{
	bitmap_free(st->skip);
	kfree(st);
}

int mmlab_compaction_init(void)
{
	int nid, ret;

	for (nid = 0; nid < MMLAB_MAX_REGIONS && mmlab_zone(nid); nid++) {
		struct mmlab_compact_state *st;
		struct task_struct *t;

		st = compact_state_alloc(mmlab_zone(nid));
		if (!st)
			return -ENOMEM;
		kernel_param_lock(THIS_MODULE);
		compact_state[nid] = st;
		kernel_param_unlock(THIS_MODULE);
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
		kernel_param_lock(THIS_MODULE);
		compact_state[nid] = NULL;
		kernel_param_unlock(THIS_MODULE);
		compact_state_free(st);
	}
}
