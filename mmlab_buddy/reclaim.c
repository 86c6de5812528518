// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_buddy: watermarks, kswapd, shrinkers and the compaction hook.
 *
 * Watermarks follow the kernel's __setup_per_zone_wmarks(): min_free_kbytes (by default
 * calculate_min_free_kbytes() of the regions' managed memory) is shared
 * between the zones in proportion to their size; low and high add
 * watermark_scale_factor/10000 of the zone (at least min/4) each.
 *
 * Watermark boosting, as boost_watermark(): a fallback that takes pages
 * of another migratetype's pageblock (below pageblock order) raises all
 * three watermarks by a pageblock, up to watermark_boost_factor/10000 of
 * high (at least a pageblock; 0 switches boosting off; none in zones
 * smaller than four pageblocks), and has rmqueue() wake kswapd.
 *
 * Each zone has a kswapd thread. The allocation slow path wakes it when a
 * zone is below low (or boosted); it drains the per-CPU lists and asks the
 * registered shrinkers for pages until the zone is back at high, then
 * reclaims the boost (balance_pgdat()'s nr_boost_reclaim), resets it and
 * wakes kcompactd for a pageblock. kswapd never compacts itself: before it
 * sleeps it wakes kcompactd for the order it was woken for, through the
 * compaction hook (kswapd_try_to_sleep()), and naps first to count
 * premature wakeups (see there). Direct reclaim in a boosted zone waits a
 * little for kswapd to reclaim the boost, as the kernel's stall does.
 *
 * Watermarks and the per-CPU high that follows low are set under
 * mmlab_wmark_mutex, then cpu_hotplug_lock for read (the number of CPUs
 * online must hold while high is shared between them).
 *
 * Locks: mmlab_shrinker_rwsem and mmlab_compact_rwsem are held for read
 * around callbacks, which may sleep and may allocate or free pages, and
 * for write to change the registrations. Neither is taken under a spinlock.
 * The boost changes under mmlab_zone::lock (raised by the allocator with
 * it held, lowered by kswapd and the watermark setup taking it).
 * Callbacks run with PF_MEMALLOC set, as the kernel's reclaim does, so an
 * allocation they make never enters direct reclaim again (which would take
 * the rwsems recursively).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/wait_bit.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

int mmlab_min_free_kbytes = 1024;
int mmlab_watermark_scale_factor = 10;
int mmlab_watermark_boost_factor = 15000;
static DEFINE_MUTEX(mmlab_wmark_mutex);

static LIST_HEAD(mmlab_shrinkers);
static DECLARE_RWSEM(mmlab_shrinker_rwsem);

static const struct mmlab_compact_ops *mmlab_compact_ops;
static DECLARE_RWSEM(mmlab_compact_rwsem);

/* --- Watermarks --------------------------------------------------------------- */

static unsigned long total_managed_pages(void)
{
	unsigned long total = 0;
	int i;

	for (i = 0; i < mmlab_nr_zones; i++)
		total += mmlab_zones[i]->managed_pages;
	return total;
}

/* The most min_free_kbytes may be: half of the managed memory, 256 MiB. */
static int max_min_free_kbytes(void)
{
	unsigned long kb = total_managed_pages() << (PAGE_SHIFT - 10);

	return min_t(unsigned long, kb / 2, 262144);
}

/**
 * mmlab_init_min_free_kbytes - the default of min_free_kbytes.
 *
 * As calculate_min_free_kbytes(): sqrt(managed kbytes * 16), clamped to
 * 128..262144, here over the regions' managed memory only.
 */
void mmlab_init_min_free_kbytes(void)
{
	unsigned long kb = total_managed_pages() << (PAGE_SHIFT - 10);

	mmlab_min_free_kbytes = clamp_t(unsigned long, int_sqrt(kb * 16),
					128, 262144);
	mmlab_min_free_kbytes = min(mmlab_min_free_kbytes,
				    max_min_free_kbytes());
}

static void zone_setup_watermarks(struct mmlab_zone *zone,
				  unsigned long pages_min,
				  unsigned long total)
{
	u64 tmp = div64_u64((u64)pages_min * zone->managed_pages, total);
	unsigned long flags;
	u64 gap;

	gap = mult_frac(zone->managed_pages, mmlab_watermark_scale_factor,
			10000);
	gap = max_t(u64, tmp >> 2, gap);
	spin_lock_irqsave(&zone->lock, flags);
	WRITE_ONCE(zone->watermark_boost, 0);
	WRITE_ONCE(zone->watermark[MMLAB_WMARK_MIN], tmp);
	WRITE_ONCE(zone->watermark[MMLAB_WMARK_LOW], tmp + gap);
	WRITE_ONCE(zone->watermark[MMLAB_WMARK_HIGH], tmp + 2 * gap);
	spin_unlock_irqrestore(&zone->lock, flags);
	mmlab_zone_update_pcp(zone, num_online_cpus());
	trace_mm_setup_per_zone_wmarks(zone->nid, zone->region->name,
				       mmlab_wmark_pages(zone, MMLAB_WMARK_MIN),
				       mmlab_wmark_pages(zone, MMLAB_WMARK_LOW),
				       mmlab_wmark_pages(zone, MMLAB_WMARK_HIGH));
}

/**
 * mmlab_setup_watermarks_cpuslocked - recompute every zone's watermarks.
 *
 * And the per-CPU high that follows low, for the CPUs online: the caller
 * holds cpus_read_lock() so that no CPU comes or goes unseen meanwhile.
 */
void mmlab_setup_watermarks_cpuslocked(void)
{
	unsigned long pages_min = mmlab_min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long total = total_managed_pages();
	int i;

	for (i = 0; i < mmlab_nr_zones; i++)
		zone_setup_watermarks(mmlab_zones[i], pages_min, total);
}

/**
 * mmlab_setup_watermarks - recompute every zone's watermarks.
 *
 * Return: 0.
 */
int mmlab_setup_watermarks(void)
{
	cpus_read_lock();
	mmlab_setup_watermarks_cpuslocked();
	cpus_read_unlock();
	return 0;
}

/**
 * mmlab_get_min_free_kbytes - the current min_free_kbytes.
 *
 * Return: the value, in kB.
 */
int mmlab_get_min_free_kbytes(void)
{
	return READ_ONCE(mmlab_min_free_kbytes);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_get_min_free_kbytes);

/**
 * mmlab_set_min_free_kbytes - set min_free_kbytes and recompute watermarks.
 * @kbytes: 0 up to half the managed memory (at most 262144).
 *
 * Return: 0, or -EINVAL when out of range.
 */
int mmlab_set_min_free_kbytes(int kbytes)
{
	if (kbytes < 0 || kbytes > max_min_free_kbytes()) {
		pr_warn("min_free_kbytes: %d out of range 0..%d\n", kbytes,
			max_min_free_kbytes());
		return -EINVAL;
	}
	mutex_lock(&mmlab_wmark_mutex);
	mmlab_min_free_kbytes = kbytes;
	mmlab_setup_watermarks();
	mutex_unlock(&mmlab_wmark_mutex);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_set_min_free_kbytes);

/**
 * mmlab_set_watermark_scale_factor - set the low/high watermark spacing.
 * @factor: 1..3000, in units of 1/10000 of the zone, as the sysctl.
 *
 * Return: 0, or -EINVAL when out of range.
 */
int mmlab_set_watermark_scale_factor(int factor)
{
	if (factor < 1 || factor > 3000) {
		pr_warn("watermark_scale_factor: %d out of range 1..3000\n",
			factor);
		return -EINVAL;
	}
	mutex_lock(&mmlab_wmark_mutex);
	mmlab_watermark_scale_factor = factor;
	mmlab_setup_watermarks();
	mutex_unlock(&mmlab_wmark_mutex);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_set_watermark_scale_factor);

/**
 * mmlab_get_watermark_boost_factor - the current watermark_boost_factor.
 *
 * Return: the factor, in units of 1/10000 of the high watermark.
 */
int mmlab_get_watermark_boost_factor(void)
{
	return READ_ONCE(mmlab_watermark_boost_factor);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_get_watermark_boost_factor);

/**
 * mmlab_set_watermark_boost_factor - how far a fragmenting fallback may boost.
 * @factor: 0 (no boosting) or more, in units of 1/10000 of the high
 *	watermark, as the sysctl vm.watermark_boost_factor (default 15000).
 *
 * Return: 0, or -EINVAL when negative.
 */
int mmlab_set_watermark_boost_factor(int factor)
{
	if (factor < 0) {
		pr_warn("watermark_boost_factor: %d is negative\n", factor);
		return -EINVAL;
	}
	WRITE_ONCE(mmlab_watermark_boost_factor, factor);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_set_watermark_boost_factor);

/**
 * mmlab_zone_boost_watermark - boost @zone's watermarks by a pageblock.
 * @zone: the zone; the caller holds its lock.
 *
 * As boost_watermark(): by a pageblock, up to watermark_boost_factor/10000
 * of the high watermark but at least a pageblock; nothing when the factor
 * is 0, the zone has fewer than four pageblocks or high is still 0.
 *
 * Return: true if the zone is boosted.
 */
bool mmlab_zone_boost_watermark(struct mmlab_zone *zone)
{
	int factor = READ_ONCE(mmlab_watermark_boost_factor);
	unsigned long max_boost;

	lockdep_assert_held(&zone->lock);
	if (!factor || MMLAB_PAGEBLOCK_PAGES * 4 > zone->managed_pages)
		return false;
	max_boost = mult_frac(zone->watermark[MMLAB_WMARK_HIGH],
			      (unsigned long)factor, 10000UL);
	if (!max_boost)
		return false;
	max_boost = max_t(unsigned long, MMLAB_PAGEBLOCK_PAGES, max_boost);
	WRITE_ONCE(zone->watermark_boost,
		   min(zone->watermark_boost + MMLAB_PAGEBLOCK_PAGES, max_boost));
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_zone_boost_watermark);

/* kswapd reclaimed (or gave up on) @boost pages of boost: take them off. */
static void zone_unboost(struct mmlab_zone *zone, unsigned long boost)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	WRITE_ONCE(zone->watermark_boost,
		   zone->watermark_boost - min(zone->watermark_boost, boost));
	spin_unlock_irqrestore(&zone->lock, flags);
	wake_up_var(&zone->watermark_boost);
}

/* --- Shrinkers ------------------------------------------------------------------- */

/**
 * mmlab_register_shrinker - let kswapd and direct reclaim ask @s for pages.
 * @s: the shrinker, with @scan set; stays registered until unregistered.
 *
 * Return: 0, or -EINVAL without a scan callback.
 */
int mmlab_register_shrinker(struct mmlab_shrinker *s)
{
	if (!s || !s->scan)
		return -EINVAL;
	down_write(&mmlab_shrinker_rwsem);
	list_add_tail(&s->list, &mmlab_shrinkers);
	up_write(&mmlab_shrinker_rwsem);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_register_shrinker);

/**
 * mmlab_unregister_shrinker - stop calling @s.
 * @s: a registered shrinker.
 *
 * Waits for calls in progress to return.
 */
void mmlab_unregister_shrinker(struct mmlab_shrinker *s)
{
	down_write(&mmlab_shrinker_rwsem);
	list_del(&s->list);
	up_write(&mmlab_shrinker_rwsem);
}
EXPORT_SYMBOL_GPL(mmlab_unregister_shrinker);

/* Ask every shrinker for up to @nr_to_scan pages in all; returns freed. */
static unsigned long shrink_zone(struct mmlab_zone *zone,
				 unsigned long nr_to_scan)
{
	struct mmlab_shrinker *s;
	unsigned long freed = 0;
	unsigned int noreclaim;

	/* PF_MEMALLOC: what the shrinkers allocate does not reclaim again. */
	noreclaim = memalloc_noreclaim_save();
	down_read(&mmlab_shrinker_rwsem);
	list_for_each_entry(s, &mmlab_shrinkers, list) {
		if (freed >= nr_to_scan)
			break;
		if (s->count && !s->count(s, zone->nid))
			continue;
		freed += s->scan(s, zone->nid, nr_to_scan - freed);
	}
	up_read(&mmlab_shrinker_rwsem);
	memalloc_noreclaim_restore(noreclaim);
	return freed;
}

#define MMLAB_KSWAPD_MAX_FAILURES	16

/*
 * A boosted zone refuses allocations near the boosted watermarks until
 * kswapd has reclaimed the boost and reset it ("parallel allocations that
 * are near the watermark will stall or direct reclaim until kswapd is
 * finished", balance_pgdat()): wait for that a little, unless kswapd has
 * given up on the zone.
 */
static void wait_for_boost_reclaim(struct mmlab_zone *zone)
{
	if (!READ_ONCE(zone->watermark_boost) || !zone->kswapd ||
	    READ_ONCE(zone->kswapd_failures) >= MMLAB_KSWAPD_MAX_FAILURES)
		return;
	wait_var_event_timeout(&zone->watermark_boost,
			       !READ_ONCE(zone->watermark_boost), HZ / 10);
}

unsigned long mmlab_shrink_direct(struct mmlab_zone *zone,
				  unsigned long nr_to_scan)
{
	unsigned long freed;

	wait_for_boost_reclaim(zone);
	freed = shrink_zone(zone, nr_to_scan);

	mmlab_count_vm_events(MMLAB_PGSCAN_DIRECT, nr_to_scan);
	mmlab_count_vm_events(MMLAB_PGSTEAL_DIRECT, freed);
	return freed;
}

/* --- Compaction hook ------------------------------------------------------------- */

/**
 * mmlab_set_compact_ops - install the compaction provider (mmlab_cma).
 * @ops: the operations; one provider at a time.
 *
 * Return: 0, -EINVAL for NULL ops, -EBUSY if another is installed.
 */
int mmlab_set_compact_ops(const struct mmlab_compact_ops *ops)
{
	int ret = 0;

	if (!ops || !ops->try_to_compact)
		return -EINVAL;
	down_write(&mmlab_compact_rwsem);
	if (mmlab_compact_ops)
		ret = -EBUSY;
	else
		mmlab_compact_ops = ops;
	up_write(&mmlab_compact_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_set_compact_ops);

/**
 * mmlab_clear_compact_ops - remove the compaction provider.
 * @ops: the operations installed by mmlab_set_compact_ops().
 *
 * Waits for calls in progress to return.
 */
void mmlab_clear_compact_ops(const struct mmlab_compact_ops *ops)
{
	down_write(&mmlab_compact_rwsem);
	if (mmlab_compact_ops == ops)
		mmlab_compact_ops = NULL;
	up_write(&mmlab_compact_rwsem);
}
EXPORT_SYMBOL_GPL(mmlab_clear_compact_ops);

/* kswapd asks kcompactd for a block of @order (wakeup_kcompactd()). */
static void wakeup_kcompactd(struct mmlab_zone *zone, unsigned int order)
{
	down_read(&mmlab_compact_rwsem);
	if (mmlab_compact_ops && mmlab_compact_ops->wakeup_kcompactd)
		mmlab_compact_ops->wakeup_kcompactd(zone->nid, order);
	up_read(&mmlab_compact_rwsem);
}

/**
 * mmlab_try_to_compact_pages - direct compaction over a zonelist, as
 *	try_to_compact_pages().
 * @zl: the zones, in order.
 * @nr: how many.
 * @order: the order of the allocation.
 * @gfp: its flags.
 * @prio: how hard to try.
 * @capture: set to a block of @order a run captured, or NULL.
 *
 * Zone by zone through the provider, stopping at the first that reports
 * success, or when an async attempt should reschedule or the task has a
 * fatal signal. MMLAB_CR_SKIPPED without a provider.
 *
 * Return: the most any zone did (the highest enum mmlab_compact_result).
 */
enum mmlab_compact_result
mmlab_try_to_compact_pages(struct mmlab_zone **zl, int nr, unsigned int order,
			   mmlab_gfp_t gfp, enum mmlab_compact_priority prio,
			   struct mmlab_page **capture)
{
	enum mmlab_compact_result rc = MMLAB_CR_SKIPPED, status;
	unsigned int noreclaim;
	int i;

	*capture = NULL;
	noreclaim = memalloc_noreclaim_save();
	down_read(&mmlab_compact_rwsem);
	for (i = 0; mmlab_compact_ops && i < nr; i++) {
		status = mmlab_compact_ops->try_to_compact(zl[i]->nid, order,
							   gfp, prio, capture);
		rc = max(rc, status);
		if (status == MMLAB_CR_SUCCESS)
			break;
		if ((prio == MMLAB_COMPACT_PRIO_ASYNC && need_resched()) ||
		    fatal_signal_pending(current))
			break;
	}
	up_read(&mmlab_compact_rwsem);
	memalloc_noreclaim_restore(noreclaim);
	return rc;
}

/**
 * mmlab_compaction_alloc_success - an allocation got its block of @order
 *	in @zone after compacting: tell the provider (its deferral resets).
 * @zone: where the block came from.
 * @order: the order.
 */
void mmlab_compaction_alloc_success(struct mmlab_zone *zone,
				    unsigned int order)
{
	down_read(&mmlab_compact_rwsem);
	if (mmlab_compact_ops && mmlab_compact_ops->alloc_success)
		mmlab_compact_ops->alloc_success(zone->nid, order);
	up_read(&mmlab_compact_rwsem);
}

/* --- kswapd ------------------------------------------------------------------------ */

static bool zone_balanced(struct mmlab_zone *zone, unsigned int order)
{
	return mmlab_zone_wmark_ok(zone, order, mmlab_wmark_pages(zone, MMLAB_WMARK_HIGH),
				 MMLAB_ALLOC_CMA, READ_ONCE(zone->free_pages));
}

/* Pages to ask the shrinkers for: up to high, or the boost left. */
static unsigned long reclaim_target(struct mmlab_zone *zone,
				    unsigned int order,
				    unsigned long nr_boost_reclaim)
{
	unsigned long high = mmlab_wmark_pages(zone, MMLAB_WMARK_HIGH);
	unsigned long free = READ_ONCE(zone->free_pages);

	if (nr_boost_reclaim)
		return nr_boost_reclaim;
	return high > free ? high - free : 1UL << order;
}

/*
 * After a boosted run: take the boost kswapd started with off the zone,
 * reclaimed or not (a zone that needs it boosts again), and have kcompactd
 * defragment pageblocks in the space reclaim made.
 */
static void finish_boosted_reclaim(struct mmlab_zone *zone, unsigned long boost)
{
	zone_unboost(zone, boost);
	wakeup_kcompactd(zone, MMLAB_PAGEBLOCK_ORDER);
}

/*
 * Reclaim until the zone is at high, then reclaim the boost it had when
 * kswapd started, as balance_pgdat(): below high the boost is ignored
 * until high is met; a boost pass that reclaims nothing ends the run.
 * Once enough is reclaimed for compaction to make a block of *@order
 * (compact_gap()), reclaim goes on for order 0 (kswapd_shrink_node()):
 * the block is kcompactd's to make. Returns pages reclaimed.
 */
static unsigned long balance_zone(struct mmlab_zone *zone, unsigned int *order)
{
	unsigned long boost = READ_ONCE(zone->watermark_boost);
	unsigned long nr_boost_reclaim = boost, reclaimed = 0;
	int pass;

	mmlab_count_vm_event(MMLAB_PAGEOUTRUN);
	/* The per-CPU lists keep less while kswapd works (set_reclaim_active). */
	set_bit(MMLAB_ZONE_RECLAIM_ACTIVE, &zone->flags);
	for (pass = 0; pass < 8 && !kthread_should_stop(); pass++) {
		bool balanced = zone_balanced(zone, *order);
		unsigned long want, got;

		if (!balanced)
			nr_boost_reclaim = 0;
		else if (!nr_boost_reclaim)
			break;
		mmlab_zone_drain(zone);
		if (!nr_boost_reclaim && zone_balanced(zone, *order))
			break;
		want = reclaim_target(zone, *order, nr_boost_reclaim);
		got = shrink_zone(zone, want);
		mmlab_count_vm_events(MMLAB_PGSCAN_KSWAPD, want);
		mmlab_count_vm_events(MMLAB_PGSTEAL_KSWAPD, got);
		reclaimed += got;
		nr_boost_reclaim -= min(nr_boost_reclaim, got);
		if (*order && reclaimed >= (2UL << *order))
			*order = 0;
		if (!got)
			break;
		cond_resched();
	}
	clear_bit(MMLAB_ZONE_RECLAIM_ACTIVE, &zone->flags);
	if (boost)
		finish_boosted_reclaim(zone, boost);
	return reclaimed;
}

/*
 * May kswapd go to sleep? Not with a wakeup pending; yes once the zone is
 * balanced, or hopeless (prepare_kswapd_sleep(): the shrinkers gave
 * nothing for MMLAB_KSWAPD_MAX_FAILURES runs in a row).
 */
static bool kswapd_can_sleep(struct mmlab_zone *zone)
{
	if (READ_ONCE(zone->kswapd_pending))
		return false;
	return zone_balanced(zone, 0) ||
	       READ_ONCE(zone->kswapd_failures) >= MMLAB_KSWAPD_MAX_FAILURES;
}

static void kswapd_sleep(struct mmlab_zone *zone, long timeout)
{
	trace_mm_vmscan_kswapd_sleep(zone->nid);
	WRITE_ONCE(zone->kswapd_sleeping, true);
	if (!kthread_should_stop())
		schedule_timeout(timeout);
	WRITE_ONCE(zone->kswapd_sleeping, false);
}

/*
 * kswapd tried to sleep and could not: count why, as 6.1's
 * kswapd_try_to_sleep() does. Woken during its nap, the zone went below
 * low soon after kswapd balanced it (low_wmark_hit_quickly); not woken,
 * the zone is below high already (high_wmark_hit_quickly). A zone still
 * balanced, with a wakeup pending, counts nothing: kswapd just runs again.
 */
static void kswapd_count_no_sleep(struct mmlab_zone *zone, long remaining)
{
	if (remaining)
		mmlab_count_vm_event(MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY);
	else if (!zone_balanced(zone, 0))
		mmlab_count_vm_event(MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
}

/*
 * Sleep until woken. When kswapd may sleep it wakes kcompactd for
 * @alloc_order, the order it was woken for (reclaim freed the memory,
 * compaction makes the block), and naps (HZ/10); after a
 * full nap, if it still may, it sleeps until woken and counts nothing.
 * Otherwise it counts (above) and goes back to work, at once if woken or
 * with a wakeup pending; after a run that left the zone below high, the
 * kernel runs again at once too, mmlab backs off for a second, to retry on
 * a timer rather than loop over shrinkers that give nothing.
 */
static void kswapd_try_to_sleep(struct mmlab_zone *zone,
				unsigned int alloc_order)
{
	long remaining = 0;
	DEFINE_WAIT(wait);

	if (freezing(current) || kthread_should_stop())
		return;
	/* Before prepare_to_wait(): the compaction hook takes a rwsem. */
	if (alloc_order && kswapd_can_sleep(zone))
		wakeup_kcompactd(zone, alloc_order);
	prepare_to_wait(&zone->kswapd_wait, &wait, TASK_INTERRUPTIBLE);
	if (kswapd_can_sleep(zone)) {
		remaining = schedule_timeout(HZ / 10);
		finish_wait(&zone->kswapd_wait, &wait);
		prepare_to_wait(&zone->kswapd_wait, &wait, TASK_INTERRUPTIBLE);
	}
	if (!remaining && kswapd_can_sleep(zone)) {
		kswapd_sleep(zone, MAX_SCHEDULE_TIMEOUT);
	} else if (!kthread_should_stop()) {
		kswapd_count_no_sleep(zone, remaining);
		if (!remaining && !READ_ONCE(zone->kswapd_pending))
			kswapd_sleep(zone, HZ);
	}
	finish_wait(&zone->kswapd_wait, &wait);
}

static int mmlab_kswapd(void *data)
{
	struct mmlab_zone *zone = data;
	unsigned int alloc_order = 0;

	set_freezable();
	while (!kthread_should_stop()) {
		unsigned int order;

		kswapd_try_to_sleep(zone, alloc_order);
		if (try_to_freeze() || kthread_should_stop())
			continue;
		WRITE_ONCE(zone->kswapd_pending, false);
		alloc_order = xchg(&zone->kswapd_order, 0);
		order = alloc_order;
		trace_mm_vmscan_kswapd_wake(zone->nid, 0, alloc_order);
		if (balance_zone(zone, &order) || zone_balanced(zone, order))
			zone->kswapd_failures = 0;
		else
			zone->kswapd_failures++;
	}
	return 0;
}

/**
 * mmlab_zone_wakeup_kswapd - wake the zone's kswapd if the zone is below low.
 * @zone: the zone.
 * @order: the order of the allocation that needs pages.
 *
 * A boosted zone wakes it even above low: it has the boost to reclaim.
 */
void mmlab_zone_wakeup_kswapd(struct mmlab_zone *zone, unsigned int order)
{
	unsigned int cur;

	if (!zone->kswapd)
		return;
	do {
		cur = READ_ONCE(zone->kswapd_order);
		if (cur >= order)
			break;
	} while (cmpxchg(&zone->kswapd_order, cur, order) != cur);

	if (mmlab_zone_wmark_ok(zone, order, mmlab_wmark_pages(zone, MMLAB_WMARK_LOW),
				MMLAB_ALLOC_CMA, READ_ONCE(zone->free_pages)) &&
	    !READ_ONCE(zone->watermark_boost))
		return;
	/* Hopeless: the shrinkers gave nothing for a while. */
	if (READ_ONCE(zone->kswapd_failures) >= MMLAB_KSWAPD_MAX_FAILURES)
		return;
	if (READ_ONCE(zone->kswapd_pending))
		return;
	trace_mm_vmscan_wakeup_kswapd(zone->nid, 0, order);
	WRITE_ONCE(zone->kswapd_pending, true);
	wake_up_interruptible(&zone->kswapd_wait);
}

/**
 * mmlab_wakeup_kswapd - wake a region's kswapd if it is below low.
 * @nid: the region id.
 * @order: the order of the allocation that needs pages.
 */
void mmlab_wakeup_kswapd(int nid, unsigned int order)
{
	struct mmlab_zone *zone = mmlab_zone(nid);

	if (zone && order < MMLAB_MAX_ORDER) {
		/* An explicit wakeup also retries a zone kswapd gave up on. */
		WRITE_ONCE(zone->kswapd_failures, 0);
		mmlab_zone_wakeup_kswapd(zone, order);
	}
}
EXPORT_SYMBOL_GPL(mmlab_wakeup_kswapd);

int mmlab_kswapd_run(struct mmlab_zone *zone)
{
	struct task_struct *t;

	t = kthread_run(mmlab_kswapd, zone, "mmlab_kswapd%d", zone->nid);
	if (IS_ERR(t)) {
		pr_err("%s: cannot start kswapd: %ld\n", zone->region->name,
		       PTR_ERR(t));
		return PTR_ERR(t);
	}
	zone->kswapd = t;
	return 0;
}

void mmlab_kswapd_stop(struct mmlab_zone *zone)
{
	if (zone->kswapd) {
		kthread_stop(zone->kswapd);
		zone->kswapd = NULL;
	}
}
