// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_buddy: the buddy allocator of mmlab's private regions.
 *
 * Each region is a node with one zone (struct mmlab_zone). The zone keeps
 * the free blocks of every order 0..MMLAB_MAX_ORDER-1 on one list per
 * migratetype, linked through mmlab_page::lru; the head of a free block
 * carries MMLAB_PG_BUDDY, its order and the type of the list it is on.
 * Allocation takes the smallest block that fits and splits it (expand);
 * freeing merges a block with its buddy (pfn ^ (1 << order)) while the
 * buddy is a free head of the same order, as the kernel's allocator does.
 *
 * Every pageblock (MMLAB_PAGEBLOCK_PAGES pages, the kernel's
 * pageblock_order) has a migratetype. When the lists of the wanted type
 * are empty, the allocator falls back to another type, stealing whole
 * pageblocks when that limits fragmentation (__rmqueue_fallback). A free
 * block above the pageblock order spans several pageblocks: stealing it
 * changes them all, and a pageblock that changes type alone first splits
 * the free blocks across its edges (split_free_block_at), so that it
 * takes exactly its own free pages. MIGRATE_CMA blocks serve only movable
 * allocations; a HIGHATOMIC reserve serves high-order atomic ones; pages
 * freed into an ISOLATE block stay there, out of the free count.
 *
 * Orders 0..MMLAB_PCP_MAX_ORDER go through per-CPU lists refilled and
 * drained in batches. Watermarks gate every allocation; below low a
 * kswapd-like thread per zone is woken (reclaim.c). A fallback that
 * fragments a pageblock boosts the watermarks (boost_watermark(), in
 * reclaim.c) and, for an allocation that may wake kswapd, has rmqueue()
 * wake it to reclaim the boost. Counters and debugfs
 * files are in vmstat.c, the movable operations registry in movable.c.
 *
 * CPU hotplug, as the kernel's page_alloc_cpu_dead() at CPUHP_PAGE_ALLOC:
 * a dynamic state of the PREPARE section, whose callbacks run on a control
 * CPU while the CPU they are about is not running. Its teardown drains the
 * dead CPU's lists once nothing can refill them any more (an interrupt or
 * a bound thread could, after a drain done by the CPU itself on its way
 * down); its startup shares high with the CPU before the CPU runs. Modules
 * loaded later (mmlab_slub) register their own PREPARE states later, so
 * their teardowns, which may free pages, run before this drain. Counters
 * need no folding: they are summed over every possible CPU (vmstat.c).
 *
 * Bad pages, as the kernel's free_pages_prepare() and check_new_pages():
 * a free of a page that is not an allocated head of that order, or that is
 * free already, is reported and ignored; a block whose last reference goes
 * while a page of it is still mapped or a tail is damaged is reported and
 * taken out of circulation (MMLAB_PG_BAD, counted in nr_bad_pages) instead
 * of being merged into the free lists; so is a block that an allocation
 * finds written to while it was free (checked when it leaves the buddy
 * lists, and when it leaves a per-CPU list with CONFIG_DEBUG_VM). The
 * free-side checks run on every free, on both the per-CPU and the direct
 * path. No dump_stack() and no taint: the report is one line naming the
 * caller, and the kernel's own pages are not at stake.
 *
 * Lock order:
 *   shrinker/compaction rwsems (sleeping; never under the locks below)
 *   cpu_hotplug_lock (held by the hotplug callbacks)
 *     mmlab_per_cpu_pages::lock (preemption off, interrupts on; the
 *     owning CPU only ever tries it, a drainer takes it)
 *       mmlab_zone::lock (interrupts off)
 *
 * The per-CPU lists are locked as 6.1 locks them (pcp_spin_trylock): the
 * fast paths pin the task to its CPU and try the list lock with interrupts
 * on. An interrupt or softirq that allocates or frees on top of a holder
 * on the same CPU, or a CPU running while another drains its lists, fails
 * the trylock and uses the zone (allocation: rmqueue_buddy; free:
 * free_one_page) instead of waiting. A free that takes the lists past high
 * gives back a batch scaled by free_factor (frees in a row since the last
 * allocation); orders 1..3 freed that way empty the lists (free_high).
 *
 * A pageblock's migratetype is written under the zone lock and read
 * without it where a stale value is harmless (freeing to a per-CPU list,
 * as the kernel does), and rechecked under the lock where it matters.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

struct mmlab_zone *mmlab_zones[MMLAB_MAX_REGIONS];
int mmlab_nr_zones;
static int mmlab_cpuhp_state = -1;

/* debugfs mmlab/fail_page_alloc/: every allocation may be made to fail. */
static DEFINE_MMLAB_FAIL_ATTR(fail_page_alloc, "fail_page_alloc");

const char * const mmlab_migratetype_names[MMLAB_MIGRATE_TYPES] = {
	"Unmovable",
	"Movable",
	"Reclaimable",
	"HighAtomic",
	"CMA",
	"Isolate",
};

/* Where each type falls back to, in order of preference (6.1's fallbacks). */
static const int fallbacks[MMLAB_MIGRATE_PCPTYPES][MMLAB_MIGRATE_PCPTYPES - 1] = {
	[MMLAB_MIGRATE_UNMOVABLE]   = { MMLAB_MIGRATE_RECLAIMABLE, MMLAB_MIGRATE_MOVABLE },
	[MMLAB_MIGRATE_MOVABLE]     = { MMLAB_MIGRATE_RECLAIMABLE, MMLAB_MIGRATE_UNMOVABLE },
	[MMLAB_MIGRATE_RECLAIMABLE] = { MMLAB_MIGRATE_UNMOVABLE, MMLAB_MIGRATE_MOVABLE },
};

/* --- Pageblock migratetypes ------------------------------------------------ */

#define PB_BITS		3
#define PB_MASK		((1UL << PB_BITS) - 1)
#define PB_PER_WORD	(BITS_PER_LONG / PB_BITS)

static unsigned long pb_index(struct mmlab_zone *zone, unsigned long pfn)
{
	return (pfn - zone->pageblock_base) >> MMLAB_PAGEBLOCK_ORDER;
}

int mmlab_pfnblock_mt(struct mmlab_zone *zone, unsigned long pfn)
{
	unsigned long idx = pb_index(zone, pfn);
	unsigned long word = READ_ONCE(zone->pageblock_flags[idx / PB_PER_WORD]);

	return (word >> ((idx % PB_PER_WORD) * PB_BITS)) & PB_MASK;
}

/* Caller holds the zone lock (or owns the zone before it is published). */
static void set_pfnblock_migratetype(struct mmlab_zone *zone,
				     unsigned long pfn, int mt)
{
	unsigned long idx = pb_index(zone, pfn);
	unsigned long *word = &zone->pageblock_flags[idx / PB_PER_WORD];
	unsigned int shift = (idx % PB_PER_WORD) * PB_BITS;

	WRITE_ONCE(*word, (*word & ~(PB_MASK << shift)) |
			  ((unsigned long)mt << shift));
}

/* The managed pfns of the pageblock holding @pfn. */
static void pageblock_range(struct mmlab_zone *zone, unsigned long pfn,
			    unsigned long *start, unsigned long *end)
{
	*start = max(round_down(pfn, MMLAB_PAGEBLOCK_PAGES),
		     zone->first_usable_pfn);
	*end = min(round_down(pfn, MMLAB_PAGEBLOCK_PAGES) +
		   MMLAB_PAGEBLOCK_PAGES, zone->end_pfn);
}

/* --- Compaction capture ------------------------------------------------------- */

/* The current task's capture in @zone still waiting for a block (task_capc()). */
static struct mmlab_capture_control *task_capc(struct mmlab_zone *zone)
{
	struct mmlab_capture_control *capc;

	lockdep_assert_held(&zone->lock);
	if (likely(list_empty(&zone->capture_list)))
		return NULL;
	list_for_each_entry(capc, &zone->capture_list, list)
		if (capc->task == current && !capc->page)
			return capc;
	return NULL;
}

/*
 * Does @capc take the block of @order at @page, of a pageblock of type
 * @mt (compaction_capture())? Not from CMA or isolated pageblocks, and
 * below a pageblock not from a MOVABLE one, which it would pollute.
 * __free_one_page() asks only below MMLAB_MAX_ORDER - 1, as 6.1 does:
 * a block of the largest order is never captured.
 */
static bool compaction_capture(struct mmlab_capture_control *capc,
			       struct mmlab_page *page, unsigned int order,
			       int mt)
{
	if (!capc || order != capc->order)
		return false;
	if (mt == MMLAB_MIGRATE_CMA || mt == MMLAB_MIGRATE_ISOLATE)
		return false;
	if (order < MMLAB_PAGEBLOCK_ORDER && mt == MMLAB_MIGRATE_MOVABLE)
		return false;
	capc->page = page;
	return true;
}

/**
 * mmlab_capture_start - let a direct compaction capture what it frees.
 * @zone: the zone it compacts.
 * @capc: the claim, on the caller's stack until mmlab_capture_end().
 * @order: the order of the allocation it compacts for.
 *
 * From now until mmlab_capture_end(), the first block of @order the
 * current task frees into @zone and merges there (a drain of its per-CPU
 * lists, say) is kept for it, as 6.1's current->capture_control. Kernel
 * threads capture nothing, as in 6.1.
 */
void mmlab_capture_start(struct mmlab_zone *zone,
			 struct mmlab_capture_control *capc, unsigned int order)
{
	unsigned long flags;

	INIT_LIST_HEAD(&capc->list);
	capc->task = current;
	capc->order = order;
	capc->page = NULL;
	if (current->flags & PF_KTHREAD)
		return;
	spin_lock_irqsave(&zone->lock, flags);
	list_add(&capc->list, &zone->capture_list);
	spin_unlock_irqrestore(&zone->lock, flags);
}
EXPORT_SYMBOL_GPL(mmlab_capture_start);

/**
 * mmlab_capture_end - withdraw a claim set by mmlab_capture_start().
 * @zone: the zone.
 * @capc: the claim.
 *
 * Return: the captured block (off the free lists, its pages free pages
 * for the allocator to prepare), or NULL.
 */
struct mmlab_page *mmlab_capture_end(struct mmlab_zone *zone,
				     struct mmlab_capture_control *capc)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	list_del_init(&capc->list);
	spin_unlock_irqrestore(&zone->lock, flags);
	return capc->page;
}
EXPORT_SYMBOL_GPL(mmlab_capture_end);

/* --- Free lists --------------------------------------------------------------- */

static u32 page_region_bits(const struct mmlab_page *page)
{
	return page->flags & MMLAB_PG_REGION_MASK;
}

static void account_freepages(struct mmlab_zone *zone, long nr, int mt)
{
	if (mt == MMLAB_MIGRATE_ISOLATE)
		return;
	WRITE_ONCE(zone->free_pages, zone->free_pages + nr);
	if (mt == MMLAB_MIGRATE_CMA)
		WRITE_ONCE(zone->free_cma, zone->free_cma + nr);
}

static void add_to_free_list(struct mmlab_zone *zone, struct mmlab_page *page,
			     unsigned int order, int mt, bool tail)
{
	struct mmlab_free_area *area = &zone->free_area[order];

	WRITE_ONCE(page->flags, page_region_bits(page) | MMLAB_PG_BUDDY |
		   (order << MMLAB_PG_ORDER_SHIFT) |
		   ((u32)mt << MMLAB_PG_MT_SHIFT));
	if (tail)
		list_add_tail(&page->lru, &area->free_list[mt]);
	else
		list_add(&page->lru, &area->free_list[mt]);
	WRITE_ONCE(area->nr_free, area->nr_free + 1);
	account_freepages(zone, 1L << order, mt);
}

static int free_list_type(const struct mmlab_page *page)
{
	return mmlab_page_field(page, MMLAB_PG_MT_MASK, MMLAB_PG_MT_SHIFT);
}

static void del_from_free_list(struct mmlab_zone *zone, struct mmlab_page *page,
			       unsigned int order)
{
	struct mmlab_free_area *area = &zone->free_area[order];

	list_del(&page->lru);
	mmlab_page_clear(page, MMLAB_PG_BUDDY);
	WRITE_ONCE(area->nr_free, area->nr_free - 1);
	account_freepages(zone, -(1L << order), free_list_type(page));
}

static void move_to_free_list(struct mmlab_zone *zone, struct mmlab_page *page,
			      unsigned int order, int mt)
{
	del_from_free_list(zone, page, order);
	add_to_free_list(zone, page, order, mt, true);
}

static bool page_is_buddy(const struct mmlab_page *buddy, unsigned int order)
{
	return mmlab_page_test(buddy, MMLAB_PG_BUDDY) &&
	       mmlab_page_order(buddy) == order;
}

static bool mt_mergeable(int mt)
{
	return mt < MMLAB_MIGRATE_PCPTYPES;
}

/* A page inside a free block, or a free head absorbed by a merge. */
static void set_page_free_tail(struct mmlab_page *page)
{
	WRITE_ONCE(page->flags, page_region_bits(page));
}

/*
 * Put a block on the free lists of type @mt, merging it with its buddies
 * as far as they are free, unless a direct compaction of the current task
 * captures it on the way. Caller holds the zone lock.
 */
static void __free_one_page(struct mmlab_zone *zone, unsigned long pfn,
			    unsigned int order, int mt)
{
	struct mmlab_capture_control *capc = task_capc(zone);
	struct mmlab_page *page = zone_pfn_page(zone, pfn);

	while (order < MMLAB_MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct mmlab_page *buddy;

		if (compaction_capture(capc, page, order, mt))
			return;

		if (buddy_pfn < zone->first_usable_pfn ||
		    buddy_pfn >= zone->end_pfn)
			break;
		buddy = zone_pfn_page(zone, buddy_pfn);
		if (!page_is_buddy(buddy, order))
			break;
		/* Never merge an isolated, CMA or reserve block with others. */
		if (order >= MMLAB_PAGEBLOCK_ORDER) {
			int buddy_mt = mmlab_pfnblock_mt(zone, buddy_pfn);

			if (mt != buddy_mt && (!mt_mergeable(mt) ||
					       !mt_mergeable(buddy_mt)))
				break;
		}
		del_from_free_list(zone, buddy, order);
		set_page_free_tail(buddy);
		set_page_free_tail(page);
		pfn &= buddy_pfn;
		page = zone_pfn_page(zone, pfn);
		order++;
	}
	add_to_free_list(zone, page, order, mt, false);
}

/* Give the upper halves of a block of order @high back, keeping @low. */
static void expand(struct mmlab_zone *zone, unsigned long pfn,
		   unsigned int low, unsigned int high, int mt)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(zone, zone_pfn_page(zone, pfn + size), high,
				 mt, false);
	}
}

/*
 * Move the free blocks of the pageblock holding @pfn to the @mt lists.
 * Returns the free pages moved; counts in @num_movable the allocated
 * pages that say they can move.
 */
static unsigned long move_freepages_block(struct mmlab_zone *zone,
					  unsigned long pfn, int mt,
					  unsigned long *num_movable)
{
	unsigned long start, end, moved = 0, movable = 0;

	pageblock_range(zone, pfn, &start, &end);
	for (pfn = start; pfn < end;) {
		struct mmlab_page *page = zone_pfn_page(zone, pfn);
		unsigned int order;

		if (!mmlab_page_test(page, MMLAB_PG_BUDDY)) {
			if (mmlab_page_test(page, MMLAB_PG_MOVABLE) ||
			    mmlab_page_owner(page) == MMLAB_OWNER_USER)
				movable++;
			pfn++;
			continue;
		}
		order = mmlab_page_order(page);
		move_to_free_list(zone, page, order, mt);
		pfn += 1UL << order;
		moved += 1UL << order;
	}
	if (num_movable)
		*num_movable = movable;
	return moved;
}

/* --- Bad pages --------------------------------------------------------------- */

/*
 * Flags a block never has while it is free, besides the allocator's own
 * (BUDDY, PCP, the order and migratetype of its head) and the region id:
 * finding one, or a reference, on a block being handed out means someone
 * wrote to its descriptor after freeing it (the kernel's
 * PAGE_FLAGS_CHECK_AT_PREP). The other pages of a free block carry the
 * region id only. The mapcount of a free page is not checked: it shares
 * its word with the list links.
 */
#define MMLAB_PG_CHECK_AT_PREP	(~(MMLAB_PG_BUDDY | MMLAB_PG_PCP |	\
				   MMLAB_PG_ORDER_MASK | MMLAB_PG_MT_MASK | \
				   MMLAB_PG_REGION_MASK))

/* As bad_page(): a burst of 60 reports, then quiet for the rest of the minute. */
static DEFINE_RATELIMIT_STATE(bad_page_rs, 60 * HZ, 60);

#define BAD_PAGE_FMT	"bad page state in process %s pfn:%05lx: %s (refcount:%d mapcount:%d flags:%#x owner:%s order:%u)"

/*
 * Report one bad page in one line: its state, and the caller of the free
 * (@ip) or the allocation that found it (@ip 0), as bad_page() dumps the
 * page and the stack.
 */
static void report_bad_page(struct mmlab_page *page, const char *reason,
			    unsigned int order, unsigned long ip)
{
	u32 flags = READ_ONCE(page->flags);
	unsigned long pfn = mmlab_page_to_pfn(page);
	int ref = mmlab_page_count(page), map = mmlab_page_mapcount(page);

	atomic_long_inc(&mmlab_page_zone(page)->bad_page_reports);
	if (!__ratelimit(&bad_page_rs))
		return;
	if (ip)
		pr_alert(BAD_PAGE_FMT " freed by %pS\n", current->comm, pfn,
			 reason, ref, map, flags, mmlab_owner_name(flags),
			 order, (void *)ip);
	else
		pr_alert(BAD_PAGE_FMT " found by an allocation\n",
			 current->comm, pfn, reason, ref, map, flags,
			 mmlab_owner_name(flags), order);
}

/*
 * Take a block out of circulation, as the kernel leaks a bad page: its
 * descriptors keep what they showed (for pageinfo and a post-mortem) and
 * get MMLAB_PG_BAD; frees of it are ignored from now on.
 */
static void take_out_bad_block(struct mmlab_page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++)
		WRITE_ONCE(page[i].flags, (page[i].flags &
					   ~(MMLAB_PG_BUDDY | MMLAB_PG_PCP)) |
			   MMLAB_PG_BAD);
	atomic_long_add(1UL << order, &mmlab_page_zone(page)->nr_bad_pages);
}

/*
 * Why a free of @page as a block of @order must not go ahead, NULL if it
 * may: checked before the reference is dropped, since only an allocated
 * head of that order has one to drop (a free block, a page on a per-CPU
 * list or inside a free block has none).
 */
static const char *free_refused_reason(const struct mmlab_page *page,
				       unsigned int order)
{
	u32 flags = READ_ONCE(page->flags);
	unsigned int head_order = flags & MMLAB_PG_HEAD ?
		(flags & MMLAB_PG_ORDER_MASK) >> MMLAB_PG_ORDER_SHIFT : 0;

	if (flags & MMLAB_PG_BUDDY)
		return "already free, on a free list";
	if (flags & MMLAB_PG_PCP)
		return "already free, on a per-CPU list";
	if (flags & MMLAB_PG_TAIL)
		return "tail page of a block";
	if (mmlab_page_count(page) <= 0)
		return "already free, zero refcount";
	if (order >= MMLAB_MAX_ORDER || order != head_order)
		return "freed with another order than allocated";
	return NULL;
}

/* What is wrong with page @i of a block whose last reference went. */
static const char *freed_page_bad_reason(const struct mmlab_page *page,
					 unsigned long i)
{
	if (mmlab_page_mapcount(page))
		return "still mapped, nonzero mapcount";
	if (!i)
		return NULL;
	if (!mmlab_page_test(page, MMLAB_PG_TAIL))
		return "tail page without its tail flag";
	if (mmlab_page_count(page))
		return "tail page with a nonzero refcount";
	return NULL;
}

/*
 * The block at @page lost its last reference: if a page of it is bad,
 * report the first one, take the block out and return true (free_pages_prepare()'s
 * free_page_is_bad() and free_tail_pages_check()).
 */
static bool free_block_is_bad(struct mmlab_page *page, unsigned int order,
			      unsigned long ip)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		const char *reason = freed_page_bad_reason(page + i, i);

		if (likely(!reason))
			continue;
		report_bad_page(page + i, reason, order, ip);
		take_out_bad_block(page, order);
		return true;
	}
	return false;
}

/* What is wrong with page @i of a free block being handed out, or NULL. */
static const char *new_page_bad_reason(const struct mmlab_page *page,
				       unsigned long i)
{
	u32 unexpected = i ? ~MMLAB_PG_REGION_MASK : MMLAB_PG_CHECK_AT_PREP;

	if (mmlab_page_count(page))
		return "free page with a nonzero refcount";
	if (READ_ONCE(page->flags) & unexpected)
		return "free page with flags set";
	return NULL;
}

/*
 * A block taken off a free or per-CPU list, about to be handed out: if a
 * page of it is bad, report the first one, take the block out and return
 * true; the caller takes another (check_new_pages()).
 */
static bool check_new_pages(struct mmlab_page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		const char *reason = new_page_bad_reason(page + i, i);

		if (likely(!reason))
			continue;
		report_bad_page(page + i, reason, order, 0);
		take_out_bad_block(page, order);
		return true;
	}
	return false;
}

/*
 * Where the allocation-side checks run, as the kernel places them: with
 * CONFIG_DEBUG_VM on every block leaving a per-CPU list, otherwise on
 * every block entering one (a refill); debug_pagealloc asks for both.
 * Blocks taken from the buddy lists directly are always checked.
 */
static bool check_pcp_refill(struct mmlab_page *page, unsigned int order)
{
	if (IS_ENABLED(CONFIG_DEBUG_VM) && !debug_pagealloc_enabled_static())
		return false;
	return check_new_pages(page, order);
}

static bool check_new_pcp(struct mmlab_page *page, unsigned int order)
{
	if (!IS_ENABLED(CONFIG_DEBUG_VM) && !debug_pagealloc_enabled_static())
		return false;
	return check_new_pages(page, order);
}

/* --- Taking blocks off the lists ------------------------------------------- */

static struct mmlab_page *__rmqueue_smallest(struct mmlab_zone *zone,
					     unsigned int order, int mt)
{
	unsigned int o;

	for (o = order; o < MMLAB_MAX_ORDER; o++) {
		struct mmlab_free_area *area = &zone->free_area[o];
		struct mmlab_page *page;

		page = list_first_entry_or_null(&area->free_list[mt],
						struct mmlab_page, lru);
		if (!page)
			continue;
		del_from_free_list(zone, page, o);
		expand(zone, zone_page_pfn(zone, page), order, o, mt);
		mmlab_page_set_order(page, order);
		return page;
	}
	return NULL;
}

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= MMLAB_PAGEBLOCK_ORDER)
		return true;
	return order >= MMLAB_PAGEBLOCK_ORDER / 2 ||
	       start_mt == MMLAB_MIGRATE_RECLAIMABLE ||
	       start_mt == MMLAB_MIGRATE_UNMOVABLE;
}

static int find_suitable_fallback(struct mmlab_free_area *area,
				  unsigned int order, int mt, bool *can_steal)
{
	int i;

	*can_steal = false;
	if (!area->nr_free)
		return -1;
	for (i = 0; i < ARRAY_SIZE(fallbacks[mt]); i++) {
		int fallback_mt = fallbacks[mt][i];

		if (list_empty(&area->free_list[fallback_mt]))
			continue;
		*can_steal = can_steal_fallback(order, mt);
		return fallback_mt;
	}
	return -1;
}

/*
 * A free block of @order at @pfn, at least a pageblock, goes to @mt whole:
 * every pageblock it spans takes @mt, as change_pageblock_range().
 */
static void change_pageblock_range(struct mmlab_zone *zone, unsigned long pfn,
				   unsigned int order, int mt)
{
	unsigned long end = pfn + (1UL << order);

	for (; pfn < end; pfn += MMLAB_PAGEBLOCK_PAGES)
		set_pfnblock_migratetype(zone, pfn, mt);
}

/*
 * Take the block @page (order @current_order, on a list of another type)
 * for @start_mt: claim its whole pageblock when allowed and when more than
 * half of the block is free or compatible, as steal_suitable_fallback().
 * A fallback inside a pageblock fragments it: boost the watermarks, and
 * have rmqueue() wake kswapd when the allocation may.
 */
static void steal_suitable_fallback(struct mmlab_zone *zone,
				    struct mmlab_page *page,
				    unsigned int current_order, int start_mt,
				    unsigned int alloc_flags, bool whole_block)
{
	unsigned long pfn = zone_page_pfn(zone, page);
	unsigned long free_pages, movable_pages, alike_pages;
	int old_mt = mmlab_pfnblock_mt(zone, pfn);

	if (old_mt == MMLAB_MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= MMLAB_PAGEBLOCK_ORDER) {
		change_pageblock_range(zone, pfn, current_order, start_mt);
		goto single_page;
	}
	if (mmlab_zone_boost_watermark(zone) && (alloc_flags & MMLAB_ALLOC_KSWAPD))
		set_bit(MMLAB_ZONE_BOOSTED_WATERMARK, &zone->flags);
	if (!whole_block)
		goto single_page;

	free_pages = move_freepages_block(zone, pfn, start_mt, &movable_pages);
	if (start_mt == MMLAB_MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_mt == MMLAB_MIGRATE_MOVABLE)
		alike_pages = MMLAB_PAGEBLOCK_PAGES - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (!free_pages)
		goto single_page;
	if (free_pages + alike_pages >= MMLAB_PAGEBLOCK_PAGES / 2)
		set_pfnblock_migratetype(zone, pfn, start_mt);
	return;

single_page:
	move_to_free_list(zone, page, current_order, start_mt);
}

/*
 * No block of @start_mt: take the largest block of a fallback type (the
 * smallest, for movable allocations that cannot steal the pageblock).
 */
static bool __rmqueue_fallback(struct mmlab_zone *zone, unsigned int order,
			       int start_mt, unsigned int alloc_flags)
{
	struct mmlab_free_area *area;
	struct mmlab_page *page;
	int current_order, fallback_mt = -1;
	bool can_steal = false;
	unsigned long pfn;

	for (current_order = MMLAB_MAX_ORDER - 1; current_order >= (int)order;
	     current_order--) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order,
						     start_mt, &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_mt == MMLAB_MIGRATE_MOVABLE &&
		    current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (current_order = order; current_order < MMLAB_MAX_ORDER;
	     current_order++) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order,
						     start_mt, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (WARN_ON_ONCE(fallback_mt == -1))
		return false;

do_steal:
	page = list_first_entry(&area->free_list[fallback_mt],
				struct mmlab_page, lru);
	pfn = zone_page_pfn(zone, page);
	steal_suitable_fallback(zone, page, current_order, start_mt,
				alloc_flags, can_steal);
	mmlab_count_vm_event(MMLAB_EXTFRAG_FALLBACK);
	trace_mm_page_alloc_extfrag(pfn, order, current_order, start_mt,
				    fallback_mt,
				    mmlab_pfnblock_mt(zone, pfn) == start_mt);
	return true;
}

/* Caller holds the zone lock. */
static struct mmlab_page *__rmqueue(struct mmlab_zone *zone, unsigned int order,
				    int mt, unsigned int alloc_flags)
{
	struct mmlab_page *page;

	/* Balance movable allocations between normal and CMA blocks. */
	if ((alloc_flags & MMLAB_ALLOC_CMA) &&
	    zone->free_cma > zone->free_pages / 2) {
		page = __rmqueue_smallest(zone, order, MMLAB_MIGRATE_CMA);
		if (page)
			return page;
	}
	for (;;) {
		page = __rmqueue_smallest(zone, order, mt);
		if (page)
			return page;
		if (alloc_flags & MMLAB_ALLOC_CMA) {
			page = __rmqueue_smallest(zone, order, MMLAB_MIGRATE_CMA);
			if (page)
				return page;
		}
		if (!__rmqueue_fallback(zone, order, mt, alloc_flags))
			return NULL;
	}
}

static struct mmlab_page *rmqueue_buddy(struct mmlab_zone *zone,
					unsigned int order,
					unsigned int alloc_flags, int mt)
{
	struct mmlab_page *page;
	unsigned long flags;

	do {
		page = NULL;
		spin_lock_irqsave(&zone->lock, flags);
		if (alloc_flags & MMLAB_ALLOC_HIGHATOMIC)
			page = __rmqueue_smallest(zone, order,
						  MMLAB_MIGRATE_HIGHATOMIC);
		if (!page)
			page = __rmqueue(zone, order, mt, alloc_flags);
		/* Failing an atomic allocation now is worse than a future one. */
		if (!page && (alloc_flags & MMLAB_ALLOC_NON_BLOCK))
			page = __rmqueue_smallest(zone, order,
						  MMLAB_MIGRATE_HIGHATOMIC);
		spin_unlock_irqrestore(&zone->lock, flags);
	} while (page && check_new_pages(page, order));
	return page;
}

/*
 * kswapd gives up on a zone after failing runs in a row (the kernel's
 * node_unreclaimable); a zone that is back at high is worth trying again.
 * Caller holds the zone lock.
 */
static void zone_reset_kswapd_failures(struct mmlab_zone *zone)
{
	if (unlikely(zone->kswapd_failures) &&
	    zone->free_pages >= mmlab_wmark_pages(zone, MMLAB_WMARK_HIGH))
		WRITE_ONCE(zone->kswapd_failures, 0);
}

/* --- Per-CPU lists ------------------------------------------------------------- */

/*
 * As 6.1's pcp_spin_trylock(): pin the task to its CPU for the lookup and
 * try the lock, interrupts left on. The trylock fails when an interrupt
 * or softirq on this CPU comes in while the lock is held, or while another
 * CPU drains the lists; the caller then goes to the zone instead. On UP a
 * trylock cannot fail, so interrupts are turned off around it there.
 */
#if defined(CONFIG_SMP) || defined(CONFIG_PREEMPT_RT)
#define pcp_trylock_prepare(flags)	do { } while (0)
#define pcp_trylock_finish(flags)	do { } while (0)
#define pcp_lock_maybe_irqsave(pcp, flags)	spin_lock(&(pcp)->lock)
#define pcp_unlock_maybe_irqrestore(pcp, flags)	spin_unlock(&(pcp)->lock)
#else
#define pcp_trylock_prepare(flags)	local_irq_save(flags)
#define pcp_trylock_finish(flags)	local_irq_restore(flags)
#define pcp_lock_maybe_irqsave(pcp, flags)		\
	spin_lock_irqsave(&(pcp)->lock, flags)
#define pcp_unlock_maybe_irqrestore(pcp, flags)	\
	spin_unlock_irqrestore(&(pcp)->lock, flags)
#endif

/* This CPU's lists, the task pinned to the CPU (pcpu_task_pin()). */
static struct mmlab_per_cpu_pages *pcp_pin(struct mmlab_zone *zone)
{
	preempt_disable();
	return this_cpu_ptr(zone->pcp);
}

static void pcp_unpin(void)
{
	preempt_enable();
}

/* The list of (@order, @mt): 6.1's order_to_pindex(), order-major. */
static int pcp_index(int mt, unsigned int order)
{
	return order * MMLAB_MIGRATE_PCPTYPES + mt;
}

static unsigned int pindex_to_order(int pindex)
{
	return pindex / MMLAB_MIGRATE_PCPTYPES;
}

/* How far 6.1 lets free_factor scale a batch (CONFIG_PCP_BATCH_SCALE_MAX). */
#ifdef CONFIG_PCP_BATCH_SCALE_MAX
#define MMLAB_PCP_BATCH_SCALE_MAX	CONFIG_PCP_BATCH_SCALE_MAX
#else
#define MMLAB_PCP_BATCH_SCALE_MAX	5
#endif

/*
 * Take up to @count blocks for a per-CPU list; returns how many went on
 * it (a bad block found on the way is taken off the free lists but not
 * put on the list).
 */
static int rmqueue_bulk(struct mmlab_zone *zone, unsigned int order,
			int count, struct list_head *list, int mt,
			unsigned int alloc_flags)
{
	unsigned long flags;
	int i, listed = 0;

	spin_lock_irqsave(&zone->lock, flags);
	for (i = 0; i < count; i++) {
		struct mmlab_page *page = __rmqueue(zone, order, mt, alloc_flags);

		if (!page)
			break;
		if (unlikely(check_pcp_refill(page, order)))
			continue;
		mmlab_page_set(page, MMLAB_PG_PCP);
		list_add_tail(&page->lru, list);
		listed++;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return listed;
}

/* The next non-empty list after @pindex, round-robin; @count > 0 says one is. */
static int next_pcp_list(struct mmlab_per_cpu_pages *pcp, int pindex)
{
	do {
		if (++pindex >= MMLAB_NR_PCP_LISTS)
			pindex = 0;
	} while (list_empty(&pcp->lists[pindex]));
	return pindex;
}

/*
 * Give @count pages of a per-CPU list set back to the zone, as 6.1's
 * free_pcppages_bulk(): the list at @pindex first, then round-robin, a
 * list's coldest blocks first until it is empty or @count is reached.
 * Caller holds pcp->lock.
 */
static void free_pcppages_bulk(struct mmlab_zone *zone, int count,
			       struct mmlab_per_cpu_pages *pcp, int pindex)
{
	unsigned long flags;

	count = min(count, pcp->count);
	pindex--;
	spin_lock_irqsave(&zone->lock, flags);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		pindex = next_pcp_list(pcp, pindex);
		list = &pcp->lists[pindex];
		order = pindex_to_order(pindex);
		do {
			struct mmlab_page *page;
			unsigned long pfn;
			int mt;

			page = list_last_entry(list, struct mmlab_page, lru);
			list_del(&page->lru);
			mt = free_list_type(page);
			pfn = zone_page_pfn(zone, page);
			pcp->count -= 1 << order;
			count -= 1 << order;
			if (mmlab_pfnblock_mt(zone, pfn) == MMLAB_MIGRATE_ISOLATE)
				mt = MMLAB_MIGRATE_ISOLATE;
			trace_mm_page_pcpu_drain(pfn, order, mt);
			set_page_free_tail(page);
			__free_one_page(zone, pfn, order, mt);
		} while (count > 0 && !list_empty(list));
	}
	zone_reset_kswapd_failures(zone);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* Take a block off @list, refilling it from the zone when it is empty. */
static __always_inline struct mmlab_page *
__rmqueue_pcplist(struct mmlab_zone *zone, unsigned int order, int mt,
		  unsigned int alloc_flags, struct mmlab_per_cpu_pages *pcp,
		  struct list_head *list)
{
	struct mmlab_page *page;

	do {
		if (list_empty(list)) {
			int batch = READ_ONCE(pcp->batch);
			int n;

			/* A batch of 1 keeps nothing on the lists. */
			if (batch > 1)
				batch = max(batch >> order, 2);
			n = rmqueue_bulk(zone, order, batch, list, mt,
					 alloc_flags);
			pcp->count += n << order;
			if (list_empty(list))
				return NULL;
		}
		page = list_first_entry(list, struct mmlab_page, lru);
		list_del(&page->lru);
		pcp->count -= 1 << order;
	} while (check_new_pcp(page, order));
	return page;
}

/*
 * NULL when the lists are busy (an interrupt came in on top of them, or a
 * drain runs) or the zone is dry: the caller goes to the zone.
 */
static struct mmlab_page *rmqueue_pcplist(struct mmlab_zone *zone,
					  unsigned int order, int mt,
					  unsigned int alloc_flags)
{
	struct mmlab_per_cpu_pages *pcp;
	struct mmlab_page *page;
	unsigned long __maybe_unused flags;

	pcp_trylock_prepare(flags);
	pcp = pcp_pin(zone);
	if (!spin_trylock(&pcp->lock)) {
		pcp_unpin();
		pcp_trylock_finish(flags);
		return NULL;
	}
	/* An allocation halves what the next frees give back (nr_pcp_free). */
	pcp->free_factor >>= 1;
	page = __rmqueue_pcplist(zone, order, mt, alloc_flags, pcp,
				 &pcp->lists[pcp_index(mt, order)]);
	spin_unlock(&pcp->lock);
	pcp_unpin();
	pcp_trylock_finish(flags);
	return page;
}

static void free_one_page(struct mmlab_zone *zone, unsigned long pfn,
			  unsigned int order)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(zone, pfn, order, mmlab_pfnblock_mt(zone, pfn));
	zone_reset_kswapd_failures(zone);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/**
 * mmlab_nr_pcp_free() - pages a free that took the lists to high gives back.
 * @pcp: the CPU's lists, locked.
 * @high: the count that made the free give pages back.
 * @batch: the lists' batch.
 * @free_high: a small high-order block freed while frees run ahead.
 *
 * As 6.1's nr_pcp_free(): all of them for @free_high; else a batch doubled
 * for each such free in a row since the last allocation (raising
 * free_factor), at least a batch and leaving at least a batch.
 *
 * Return: the number of pages to give back.
 */
int mmlab_nr_pcp_free(struct mmlab_per_cpu_pages *pcp, int high, int batch,
		      bool free_high)
{
	int min_nr_free, max_nr_free;

	if (unlikely(free_high))
		return pcp->count;
	if (unlikely(high < batch))
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free &&
	    pcp->free_factor < MMLAB_PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return clamp(batch, min_nr_free, max_nr_free);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_nr_pcp_free);

/**
 * mmlab_nr_pcp_high() - the count that makes a free give pages back.
 * @pcp: the CPU's lists.
 * @zone: their zone.
 * @free_high: a small high-order block freed while frees run ahead.
 *
 * As 6.1's nr_pcp_high(): 0 for @free_high, at most four batches while
 * kswapd balances the zone, else the lists' high.
 *
 * Return: the count.
 */
int mmlab_nr_pcp_high(struct mmlab_per_cpu_pages *pcp, struct mmlab_zone *zone,
		      bool free_high)
{
	int high = READ_ONCE(pcp->high);

	if (unlikely(!high || free_high))
		return 0;
	if (!test_bit(MMLAB_ZONE_RECLAIM_ACTIVE, &zone->flags))
		return high;
	return min(READ_ONCE(pcp->batch) << 2, high);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_nr_pcp_high);

/*
 * Put a block on the lists; past high, give some back. Orders 1..3 freed
 * while frees run ahead of allocations empty the lists (6.1's free_high):
 * high-order blocks parked on a CPU fragment the zone.
 */
static void free_unref_page_commit(struct mmlab_zone *zone,
				   struct mmlab_per_cpu_pages *pcp,
				   struct mmlab_page *page, int mt,
				   unsigned int order)
{
	int pcp_mt = mt < MMLAB_MIGRATE_PCPTYPES ? mt : MMLAB_MIGRATE_MOVABLE;
	int pindex = pcp_index(pcp_mt, order);
	bool free_high;
	int high;

	/* The block's own type goes with it, for the zone list it returns to. */
	WRITE_ONCE(page->flags, page_region_bits(page) | MMLAB_PG_PCP |
		   (order << MMLAB_PG_ORDER_SHIFT) |
		   ((u32)mt << MMLAB_PG_MT_SHIFT));
	list_add(&page->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	free_high = pcp->free_factor && order &&
		    order <= MMLAB_PCP_MAX_ORDER;
	high = mmlab_nr_pcp_high(pcp, zone, free_high);
	if (pcp->count >= high) {
		int batch = READ_ONCE(pcp->batch);

		free_pcppages_bulk(zone, mmlab_nr_pcp_free(pcp, high, batch,
							   free_high),
				   pcp, pindex);
	}
}

static void free_unref_page(struct mmlab_zone *zone, struct mmlab_page *page,
			    unsigned long pfn, unsigned int order)
{
	struct mmlab_per_cpu_pages *pcp;
	int mt = mmlab_pfnblock_mt(zone, pfn);
	unsigned long __maybe_unused flags;

	/*
	 * Only the per-CPU types are cached; HIGHATOMIC and CMA blocks go on
	 * the movable lists, isolated ones straight back to the zone.
	 */
	if (mt == MMLAB_MIGRATE_ISOLATE) {
		free_one_page(zone, pfn, order);
		return;
	}
	pcp_trylock_prepare(flags);
	pcp = pcp_pin(zone);
	if (spin_trylock(&pcp->lock)) {
		free_unref_page_commit(zone, pcp, page, mt, order);
		spin_unlock(&pcp->lock);
		pcp_unpin();
	} else {
		pcp_unpin();
		/* The lists are busy: straight to the zone, as 6.1. */
		free_one_page(zone, pfn, order);
	}
	pcp_trylock_finish(flags);
}

/**
 * mmlab_zone_drain_cpu - give a CPU's per-CPU pages back to the zone.
 * @zone: the zone.
 * @cpu: the CPU, online or not.
 *
 * As 6.1's drain_pages_zone(): in chunks of at most a fully scaled batch,
 * the lock dropped in between so that the CPU's own allocations and
 * interrupts are not kept off its lists for long.
 */
void mmlab_zone_drain_cpu(struct mmlab_zone *zone, int cpu)
{
	struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, cpu);
	unsigned long __maybe_unused flags;
	int count;

	do {
		pcp_lock_maybe_irqsave(pcp, flags);
		count = pcp->count;
		if (count) {
			int chunk = min(count, READ_ONCE(pcp->batch) <<
					MMLAB_PCP_BATCH_SCALE_MAX);

			free_pcppages_bulk(zone, chunk, pcp, 0);
			count -= chunk;
		}
		pcp_unlock_maybe_irqrestore(pcp, flags);
	} while (count);
}

/*
 * Drain every possible CPU's lists of @zone (an offline CPU's are empty
 * but cost only a lock). No cpus_read_lock(), as drain_all_pages() takes
 * none: a CPU dying meanwhile is drained by mmlab_cpu_dead() under the
 * same pcp->lock, one coming up starts with empty lists.
 */
void mmlab_zone_drain(struct mmlab_zone *zone)
{
	int cpu;

	for_each_possible_cpu(cpu)
		mmlab_zone_drain_cpu(zone, cpu);
}

/* zone_batchsize() and zone_highsize() of 6.1, for one zone. */
static int zone_batchsize(struct mmlab_zone *zone)
{
	int batch = min_t(unsigned long, zone->managed_pages >> 10,
			  SZ_1M / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	return max(batch, 1);
}

/* @cpus: the CPUs that share the low watermark's worth of per-CPU pages. */
static int zone_highsize(struct mmlab_zone *zone, int batch, int cpus)
{
	int high = mmlab_wmark_pages(zone, MMLAB_WMARK_LOW) / max(cpus, 1);

	return max(high, batch << 2);
}

/*
 * Set every CPU's batch and high for @cpus CPUs sharing the zone. Caller
 * holds the hotplug lock (a hotplug callback, or cpus_read_lock()), so
 * @cpus stays true and two updates never interleave.
 */
void mmlab_zone_update_pcp(struct mmlab_zone *zone, int cpus)
{
	int batch = zone_batchsize(zone);
	int high = zone_highsize(zone, batch, cpus);
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, cpu);

		WRITE_ONCE(pcp->batch, batch);
		WRITE_ONCE(pcp->high, high);
	}
}

/* --- Watermarks and the highatomic reserve ------------------------------------ */

/**
 * mmlab_zone_wmark_ok - may an allocation take pages from @zone now?
 * @zone: the zone.
 * @order: the order of the allocation.
 * @mark: the watermark in pages.
 * @alloc_flags: MMLAB_ALLOC_* of the allocation.
 * @free_pages: the zone's free pages, as read by the caller.
 *
 * As __zone_watermark_ok(): free pages the allocation cannot use (the
 * highatomic reserve, CMA for non-movable ones) do not count; reserve
 * users may dip below @mark; a high-order request needs a free block of
 * at least @order it may use.
 *
 * Return: true if the allocation may go ahead.
 */
bool mmlab_zone_wmark_ok(struct mmlab_zone *zone, unsigned int order,
			 unsigned long mark, unsigned int alloc_flags,
			 long free_pages)
{
	long min = mark;
	unsigned int o;
	int mt;

	/* What this allocation cannot use, as __zone_watermark_unusable_free(). */
	free_pages -= (1L << order) - 1;
	if (!(alloc_flags & MMLAB_ALLOC_RESERVES))
		free_pages -= READ_ONCE(zone->nr_reserved_highatomic);
	if (!(alloc_flags & MMLAB_ALLOC_CMA))
		free_pages -= READ_ONCE(zone->free_cma);
	if (alloc_flags & MMLAB_ALLOC_MIN_RESERVE) {
		min -= min / 2;
		if (alloc_flags & MMLAB_ALLOC_NON_BLOCK)
			min -= min / 4;
	}
	if (free_pages <= min)
		return false;
	if (!order)
		return true;

	for (o = order; o < MMLAB_MAX_ORDER; o++) {
		struct mmlab_free_area *area = &zone->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < MMLAB_MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				return true;
		if ((alloc_flags & MMLAB_ALLOC_CMA) &&
		    !list_empty(&area->free_list[MMLAB_MIGRATE_CMA]))
			return true;
		if ((alloc_flags & MMLAB_ALLOC_HIGHATOMIC) &&
		    !list_empty(&area->free_list[MMLAB_MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_zone_wmark_ok);

static void reserve_highatomic_pageblock(struct mmlab_zone *zone,
					 struct mmlab_page *page)
{
	unsigned long max_managed = zone->managed_pages / 100 +
				    MMLAB_PAGEBLOCK_PAGES;
	unsigned long pfn = zone_page_pfn(zone, page);
	unsigned long flags;
	int mt;

	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed)
		return;
	spin_lock_irqsave(&zone->lock, flags);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out;
	mt = mmlab_pfnblock_mt(zone, pfn);
	if (mt_mergeable(mt)) {
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + MMLAB_PAGEBLOCK_PAGES);
		set_pfnblock_migratetype(zone, pfn, MMLAB_MIGRATE_HIGHATOMIC);
		move_freepages_block(zone, pfn, MMLAB_MIGRATE_HIGHATOMIC, NULL);
	}
out:
	spin_unlock_irqrestore(&zone->lock, flags);
}

/**
 * mmlab_unreserve_highatomic - give a highatomic pageblock back to @mt.
 * @zone: the zone.
 * @mt: the migratetype that needs the pages.
 * @force: release even the last reserved pageblock.
 *
 * Return: true if free pages moved.
 */
bool mmlab_unreserve_highatomic(struct mmlab_zone *zone, int mt, bool force)
{
	unsigned long flags;
	unsigned int order;
	bool ret = false;

	if (!force && READ_ONCE(zone->nr_reserved_highatomic) <=
		      MMLAB_PAGEBLOCK_PAGES)
		return false;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < MMLAB_MAX_ORDER && !ret; order++) {
		struct mmlab_free_area *area = &zone->free_area[order];
		struct mmlab_page *page;
		unsigned long pfn;

		page = list_first_entry_or_null(&area->free_list[MMLAB_MIGRATE_HIGHATOMIC],
						struct mmlab_page, lru);
		if (!page)
			continue;
		pfn = zone_page_pfn(zone, page);
		if (mmlab_pfnblock_mt(zone, pfn) == MMLAB_MIGRATE_HIGHATOMIC)
			WRITE_ONCE(zone->nr_reserved_highatomic,
				   zone->nr_reserved_highatomic -
				   min(MMLAB_PAGEBLOCK_PAGES,
				       zone->nr_reserved_highatomic));
		set_pfnblock_migratetype(zone, pfn, mt);
		ret = move_freepages_block(zone, pfn, mt, NULL) > 0;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return ret;
}

/* --- Allocation ------------------------------------------------------------------ */

/* The per-CPU lists first; the zone (and its reserves) when they are dry. */
static struct mmlab_page *rmqueue(struct mmlab_zone *zone, unsigned int order,
				  unsigned int alloc_flags, int mt)
{
	struct mmlab_page *page = NULL;

	if (order <= MMLAB_PCP_MAX_ORDER)
		page = rmqueue_pcplist(zone, order, mt, alloc_flags);
	if (!page)
		page = rmqueue_buddy(zone, order, alloc_flags, mt);
	/* A fallback boosted the watermarks: kswapd has the boost to reclaim. */
	if (unlikely(test_bit(MMLAB_ZONE_BOOSTED_WATERMARK, &zone->flags))) {
		clear_bit(MMLAB_ZONE_BOOSTED_WATERMARK, &zone->flags);
		mmlab_zone_wakeup_kswapd(zone, 0);
	}
	return page;
}

/* Make a block taken off the free lists an allocated one of @owner. */
static __always_inline void prep_new_block(struct mmlab_page *page,
					   unsigned int order, mmlab_gfp_t gfp,
					   enum mmlab_page_owner owner)
{
	u32 region = page_region_bits(page);
	u32 own = (u32)owner << MMLAB_PG_OWNER_SHIFT;
	unsigned long i;

	for (i = 1; i < (1UL << order); i++) {
		struct mmlab_page *tail = page + i;

		WRITE_ONCE(tail->flags, region | own | MMLAB_PG_TAIL);
		tail->private = 0;
		atomic_set(&tail->_mapcount, -1);
		tail->_pad = 0;
	}
	WRITE_ONCE(page->flags, region | own |
		   (order ? MMLAB_PG_HEAD | (order << MMLAB_PG_ORDER_SHIFT) : 0));
	page->private = 0;
	atomic_set(&page->_mapcount, -1);
	page->_pad = 0;
	mmlab_page_ref_init(page);

	if (gfp & __MMLAB_GFP_ZERO)
		memset(mmlab_page_address(page), 0, PAGE_SIZE << order);
}

static void prep_new_page(struct mmlab_page *page, unsigned int order,
			  mmlab_gfp_t gfp, enum mmlab_page_owner owner)
{
	prep_new_block(page, order, gfp, owner);
	mmlab_count_vm_events(MMLAB_PGALLOC_NORMAL, 1UL << order);
}

/* The zones to try, preferred first; returns how many. */
static int zonelist(int nid, mmlab_gfp_t gfp, struct mmlab_zone **zl)
{
	int i, n = 0, first = nid >= 0 ? nid : 0;

	if (first >= mmlab_nr_zones)
		return 0;
	zl[n++] = mmlab_zones[first];
	if (nid >= 0 && (gfp & __MMLAB_GFP_THISNODE))
		return n;
	for (i = 0; i < mmlab_nr_zones; i++)
		if (i != first)
			zl[n++] = mmlab_zones[i];
	return n;
}

/*
 * An atomic order-0 allocation checks min without the boost, as
 * zone_watermark_fast() does: boosting is for kswapd, not for failing
 * GFP_ATOMIC.
 */
static bool atomic_wmark_ok_unboosted(struct mmlab_zone *zone,
				      unsigned int order,
				      unsigned int alloc_flags)
{
	unsigned int atomic = MMLAB_ALLOC_MIN_RESERVE | MMLAB_ALLOC_NON_BLOCK;

	if (order || (alloc_flags & atomic) != atomic ||
	    (alloc_flags & MMLAB_ALLOC_WMARK_MASK) != MMLAB_ALLOC_WMARK_MIN ||
	    !READ_ONCE(zone->watermark_boost))
		return false;
	return mmlab_zone_wmark_ok(zone, 0, READ_ONCE(zone->watermark[MMLAB_WMARK_MIN]),
				   alloc_flags, READ_ONCE(zone->free_pages));
}

/* A block from @zone if its watermark allows, or NULL. */
static struct mmlab_page *get_page_from_zone(struct mmlab_zone *zone,
					     unsigned int order,
					     unsigned int alloc_flags, int mt)
{
	unsigned long mark = mmlab_wmark_pages(zone, alloc_flags &
					       MMLAB_ALLOC_WMARK_MASK);
	struct mmlab_page *page;

	if (!mmlab_zone_wmark_ok(zone, order, mark, alloc_flags,
				 READ_ONCE(zone->free_pages)) &&
	    !atomic_wmark_ok_unboosted(zone, order, alloc_flags))
		return NULL;
	page = rmqueue(zone, order, alloc_flags, mt);
	if (page && order && (alloc_flags & MMLAB_ALLOC_HIGHATOMIC))
		reserve_highatomic_pageblock(zone, page);
	return page;
}

static struct mmlab_page *get_page_from_freelist(struct mmlab_zone **zl, int nr,
						 unsigned int order,
						 unsigned int alloc_flags,
						 int mt)
{
	struct mmlab_page *page;
	int i;

	for (i = 0; i < nr; i++) {
		page = get_page_from_zone(zl[i], order, alloc_flags, mt);
		if (page)
			return page;
	}
	return NULL;
}

static unsigned int gfp_to_alloc_flags(mmlab_gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = MMLAB_ALLOC_WMARK_MIN;

	if (gfp & __MMLAB_GFP_HIGH)
		alloc_flags |= MMLAB_ALLOC_MIN_RESERVE;
	if (gfp & __MMLAB_GFP_KSWAPD_RECLAIM)
		alloc_flags |= MMLAB_ALLOC_KSWAPD;
	if (!(gfp & __MMLAB_GFP_DIRECT_RECLAIM)) {
		alloc_flags |= MMLAB_ALLOC_NON_BLOCK;
		if (order && (alloc_flags & MMLAB_ALLOC_MIN_RESERVE))
			alloc_flags |= MMLAB_ALLOC_HIGHATOMIC;
	}
	if (mmlab_gfp_migratetype(gfp) == MMLAB_MIGRATE_MOVABLE)
		alloc_flags |= MMLAB_ALLOC_CMA;
	return alloc_flags;
}

#define MMLAB_MAX_RECLAIM_RETRIES	4
#define MMLAB_MAX_COMPACT_RETRIES	16

/*
 * Direct compaction, then the free lists (__alloc_pages_direct_compact()):
 * a block the run captured is the allocation's, else it tries the lists.
 * compact_stall and its outcome, compact_success or compact_fail, count
 * only when some zone was compacted, not when every one was skipped.
 */
static struct mmlab_page *
alloc_pages_direct_compact(struct mmlab_zone **zl, int nr, mmlab_gfp_t gfp,
			   unsigned int order, unsigned int alloc_flags, int mt,
			   enum mmlab_compact_priority prio,
			   enum mmlab_compact_result *result)
{
	struct mmlab_page *page;

	*result = MMLAB_CR_SKIPPED;
	if (!order)
		return NULL;
	*result = mmlab_try_to_compact_pages(zl, nr, order, gfp, prio, &page);
	if (*result == MMLAB_CR_SKIPPED)
		return NULL;
	mmlab_count_vm_event(MMLAB_COMPACT_STALL);
	if (page)
		mmlab_count_vm_event(MMLAB_COMPACT_CAPTURE);
	else
		page = get_page_from_freelist(zl, nr, order, alloc_flags, mt);
	if (page) {
		mmlab_compaction_alloc_success(mmlab_page_zone(page), order);
		mmlab_count_vm_event(MMLAB_COMPACT_SUCCESS);
		return page;
	}
	mmlab_count_vm_event(MMLAB_COMPACT_FAIL);
	cond_resched();
	return NULL;
}

/*
 * Compact again, and how hard (should_compact_retry())? A run that found
 * a block but lost it retries at the same priority, up to
 * MMLAB_MAX_COMPACT_RETRIES (a quarter for costly orders); one that failed
 * or withdrew (deferred, contended, part of the region skipped) retries
 * one priority harder, down to MMLAB_MIN_COMPACT_PRIORITY
 * (MMLAB_MIN_COMPACT_COSTLY_PRIORITY for costly orders); a skipped one
 * leaves it to reclaim.
 */
static bool should_compact_retry(unsigned int order,
				 enum mmlab_compact_result result,
				 enum mmlab_compact_priority *prio,
				 int *retries)
{
	enum mmlab_compact_priority min_prio, old_prio = *prio;
	int max_retries = MMLAB_MAX_COMPACT_RETRIES, old_retries = *retries;
	bool ret = false;

	if (!order || fatal_signal_pending(current))
		return false;
	if (result == MMLAB_CR_SKIPPED)
		goto out;
	if (result == MMLAB_CR_SUCCESS) {
		if (order > MMLAB_PAGE_ALLOC_COSTLY_ORDER)
			max_retries /= 4;
		if (++*retries <= max_retries) {
			ret = true;
			goto out;
		}
	}
	min_prio = order > MMLAB_PAGE_ALLOC_COSTLY_ORDER ?
		   MMLAB_MIN_COMPACT_COSTLY_PRIORITY : MMLAB_MIN_COMPACT_PRIORITY;
	if (*prio > min_prio) {
		(*prio)--;
		*retries = 0;
		ret = true;
	}
out:
	trace_compact_retry(order, old_prio, result, old_retries, max_retries,
			    ret);
	return ret;
}

/* One round of direct reclaim over the zonelist; returns pages freed. */
static unsigned long direct_reclaim_round(struct mmlab_zone **zl, int nr,
					  unsigned int order, int mt)
{
	unsigned long progress = 0, got;
	int i;

	mmlab_count_vm_event(MMLAB_ALLOCSTALL_NORMAL);
	for (i = 0; i < nr; i++) {
		unsigned long want = mmlab_wmark_pages(zl[i], MMLAB_WMARK_HIGH);
		unsigned long free = READ_ONCE(zl[i]->free_pages);

		got = mmlab_shrink_direct(zl[i], max(want > free ? want - free : 0,
						     1UL << order));
		/* Reclaim works again: let kswapd try this zone. */
		if (got)
			WRITE_ONCE(zl[i]->kswapd_failures, 0);
		progress += got;
		/* Pages shrinkers freed may sit on per-CPU lists. */
		mmlab_zone_drain(zl[i]);
		if (mmlab_unreserve_highatomic(zl[i], mt, false))
			progress++;
	}
	return progress;
}

/*
 * The slow path, as __alloc_pages_slowpath(): wake kswapd, try the min
 * watermark; a costly order, or a high order that is not movable, first
 * tries async compaction; then rounds of direct reclaim and compaction,
 * compaction growing harder as should_compact_retry() says. mmlab's
 * shrinkers often have nothing to give, so compaction retries do not wait
 * for reclaim progress (6.1 would go to the OOM killer instead).
 */
static struct mmlab_page *alloc_pages_slowpath(struct mmlab_zone **zl, int nr,
					       mmlab_gfp_t gfp,
					       unsigned int order, int mt)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	enum mmlab_compact_priority prio = MMLAB_DEF_COMPACT_PRIORITY;
	enum mmlab_compact_result result;
	int i, reclaim_retries = 0, compact_retries = 0;
	struct mmlab_page *page;
	unsigned long progress;

	if (alloc_flags & MMLAB_ALLOC_KSWAPD)
		for (i = 0; i < nr; i++)
			mmlab_zone_wakeup_kswapd(zl[i], order);

	page = get_page_from_freelist(zl, nr, order, alloc_flags, mt);
	/* No reclaim from inside reclaim (shrinkers, compaction, kswapd). */
	if (page || !(gfp & __MMLAB_GFP_DIRECT_RECLAIM) ||
	    (current->flags & PF_MEMALLOC))
		return page;

	if (order > MMLAB_PAGE_ALLOC_COSTLY_ORDER ||
	    (order && mt != MMLAB_MIGRATE_MOVABLE)) {
		page = alloc_pages_direct_compact(zl, nr, gfp, order,
						  alloc_flags, mt,
						  MMLAB_INIT_COMPACT_PRIORITY,
						  &result);
		if (page)
			return page;
	}

	for (;;) {
		progress = direct_reclaim_round(zl, nr, order, mt);
		page = get_page_from_freelist(zl, nr, order, alloc_flags, mt);
		if (page)
			return page;
		page = alloc_pages_direct_compact(zl, nr, gfp, order,
						  alloc_flags, mt, prio, &result);
		if (page)
			return page;
		if (++reclaim_retries < MMLAB_MAX_RECLAIM_RETRIES &&
		    (progress || reclaim_retries == 1)) {
			cond_resched();
			continue;
		}
		if (!should_compact_retry(order, result, &prio,
					  &compact_retries))
			break;
		cond_resched();
	}
	if (progress)
		return NULL;
	/* Last resort, as the kernel does before OOM. */
	for (i = 0; i < nr; i++)
		mmlab_unreserve_highatomic(zl[i], mt, true);
	return get_page_from_freelist(zl, nr, order, alloc_flags, mt);
}

/* The first attempt's flags: the low watermark, CMA for movable. */
static unsigned int fast_alloc_flags(mmlab_gfp_t gfp, int mt)
{
	unsigned int alloc_flags = MMLAB_ALLOC_WMARK_LOW;

	if (mt == MMLAB_MIGRATE_MOVABLE)
		alloc_flags |= MMLAB_ALLOC_CMA;
	/* As alloc_flags_nofragment(): a boosting fallback may wake kswapd. */
	if (gfp & __MMLAB_GFP_KSWAPD_RECLAIM)
		alloc_flags |= MMLAB_ALLOC_KSWAPD;
	return alloc_flags;
}

/*
 * The preferred zone could not serve the allocation from its free lists:
 * the other zones (unless __MMLAB_GFP_THISNODE), then the slow path over
 * all of them. The zonelist is built here only, off the fast path.
 */
static noinline struct mmlab_page *
alloc_pages_fallback(int nid, mmlab_gfp_t gfp, unsigned int order,
		     unsigned int alloc_flags, int mt)
{
	struct mmlab_zone *zl[MMLAB_MAX_REGIONS];
	struct mmlab_page *page;
	int nr = zonelist(nid, gfp, zl);

	page = get_page_from_freelist(zl + 1, nr - 1, order, alloc_flags, mt);
	if (!page)
		page = alloc_pages_slowpath(zl, nr, gfp, order, mt);
	if (!page && !(gfp & __MMLAB_GFP_NOWARN))
		pr_warn_ratelimited("page allocation failure: order:%u, mode:%#x, nid:%d, free:%lu\n",
				    order, (__force unsigned int)gfp, nid,
				    READ_ONCE(zl[0]->free_pages));
	return page;
}

/**
 * mmlab_alloc_pages_owner - allocate a block of pages for an owner.
 * @nid: the preferred region, or NUMA_NO_NODE for the first one.
 * @gfp: __MMLAB_GFP_* flags.
 * @order: the block is 2^@order pages, @order < MMLAB_MAX_ORDER.
 * @owner: the MMLAB_OWNER_* recorded in every page of the block.
 *
 * Tries the preferred region, then the others unless __MMLAB_GFP_THISNODE.
 * The head page has refcount 1; a block of order > 0 has MMLAB_PG_HEAD on
 * its head and MMLAB_PG_TAIL on the rest. May sleep only with
 * __MMLAB_GFP_DIRECT_RECLAIM.
 * debugfs mmlab/fail_page_alloc/ can make it fail (mmlab_fail.h).
 *
 * Return: the head page, or NULL.
 */
struct mmlab_page *mmlab_alloc_pages_owner(int nid, mmlab_gfp_t gfp,
					   unsigned int order,
					   enum mmlab_page_owner owner)
{
	int mt = mmlab_gfp_migratetype(gfp);
	struct mmlab_page *page = NULL;
	unsigned int alloc_flags;

	if (gfp & __MMLAB_GFP_DIRECT_RECLAIM)
		might_sleep();
	if (order >= MMLAB_MAX_ORDER || mt >= MMLAB_MIGRATE_PCPTYPES ||
	    owner == MMLAB_OWNER_FREE || owner >= MMLAB_NR_OWNERS ||
	    nid < NUMA_NO_NODE || nid >= mmlab_nr_zones) {
		if (!(gfp & __MMLAB_GFP_NOWARN))
			pr_warn_ratelimited("bad allocation request: nid %d order %u gfp %#x owner %d\n",
					    nid, order,
					    (__force unsigned int)gfp, owner);
		return NULL;
	}
	if (mmlab_should_fail(&fail_page_alloc, PAGE_SIZE << order))
		goto out;
	if (unlikely(!mmlab_nr_zones))	/* @nid was checked above */
		goto out;

	alloc_flags = fast_alloc_flags(gfp, mt);
	/* The preferred zone first: the zonelist only when it cannot serve. */
	page = get_page_from_zone(mmlab_zones[nid >= 0 ? nid : 0], order,
				  alloc_flags, mt);
	if (!page)
		page = alloc_pages_fallback(nid, gfp, order, alloc_flags, mt);
	if (page)
		prep_new_page(page, order, gfp, owner);
out:
	if (trace_mm_page_alloc_enabled())
		trace_mm_page_alloc(page ? mmlab_page_to_pfn(page) : -1UL,
				    order, (__force unsigned long)gfp, mt);
	return page;
}
EXPORT_SYMBOL_GPL(mmlab_alloc_pages_owner);

/*
 * Fill @array from @zone's per-CPU list of @mt under one lock; stops at
 * the first entry it cannot fill. Returns how many it filled.
 */
static unsigned long alloc_pages_bulk_pcp(struct mmlab_zone *zone,
					  mmlab_gfp_t gfp, int mt,
					  unsigned int alloc_flags,
					  unsigned long nr,
					  struct mmlab_page **array,
					  enum mmlab_page_owner owner)
{
	struct mmlab_per_cpu_pages *pcp;
	unsigned long __maybe_unused flags;
	unsigned long i, got = 0;
	struct list_head *list;

	pcp_trylock_prepare(flags);
	pcp = pcp_pin(zone);
	if (!spin_trylock(&pcp->lock)) {
		pcp_unpin();
		pcp_trylock_finish(flags);
		return 0;
	}
	pcp->free_factor >>= 1;
	list = &pcp->lists[pcp_index(mt, 0)];
	for (i = 0; i < nr; i++) {
		struct mmlab_page *page;

		if (array[i])
			continue;
		page = __rmqueue_pcplist(zone, 0, mt, alloc_flags, pcp, list);
		if (!page)
			break;
		prep_new_block(page, 0, gfp, owner);
		array[i] = page;
		got++;
	}
	spin_unlock(&pcp->lock);
	pcp_unpin();
	pcp_trylock_finish(flags);
	mmlab_count_vm_events(MMLAB_PGALLOC_NORMAL, got);
	return got;
}

/**
 * mmlab_alloc_pages_bulk - allocate order-0 pages into an array.
 * @nid: the preferred region, or NUMA_NO_NODE.
 * @gfp: __MMLAB_GFP_* flags.
 * @nr: entries of @array.
 * @array: the pages; entries that are not NULL are kept and skipped.
 * @owner: the MMLAB_OWNER_* of every page.
 *
 * As 6.1's alloc_pages_bulk_array(): when the preferred region's free
 * pages are above its low watermark by @nr, the pages come from this CPU's
 * list, taken once for them all and refilled in batches; else, or when
 * the list's lock is busy, one page comes through
 * mmlab_alloc_pages_owner() (and so reclaim and compaction). As in 6.1,
 * no mm_page_alloc event is emitted for the pages taken in bulk.
 *
 * Context: may sleep only with __MMLAB_GFP_DIRECT_RECLAIM.
 * Return: how many entries of @array hold a page (filled at the start,
 * without holes, unless the caller's array had some); the caller
 * allocates the rest or gives up.
 */
unsigned long mmlab_alloc_pages_bulk(int nid, mmlab_gfp_t gfp,
				     unsigned long nr,
				     struct mmlab_page **array,
				     enum mmlab_page_owner owner)
{
	int mt = mmlab_gfp_migratetype(gfp);
	unsigned long populated = 0, got, mark;
	unsigned int alloc_flags;
	struct mmlab_zone *zone;

	while (populated < nr && array[populated])
		populated++;
	if (populated == nr)
		return nr;
	if (nr - populated == 1 || nid < NUMA_NO_NODE ||
	    nid >= mmlab_nr_zones || !mmlab_nr_zones ||
	    mt >= MMLAB_MIGRATE_PCPTYPES || owner == MMLAB_OWNER_FREE ||
	    owner >= MMLAB_NR_OWNERS ||
	    static_branch_unlikely(&fail_page_alloc.active))
		goto single;
	zone = mmlab_zones[nid >= 0 ? nid : 0];
	alloc_flags = fast_alloc_flags(gfp, mt);
	mark = mmlab_wmark_pages(zone, MMLAB_ALLOC_WMARK_LOW) + nr;
	if (!mmlab_zone_wmark_ok(zone, 0, mark, alloc_flags,
				 READ_ONCE(zone->free_pages)))
		goto single;
	got = alloc_pages_bulk_pcp(zone, gfp, mt, alloc_flags, nr - populated,
				   array + populated, owner);
	if (!got)
		goto single;
	while (populated < nr && array[populated])
		populated++;
	return populated;
single:
	array[populated] = mmlab_alloc_pages_owner(nid, gfp, 0, owner);
	return array[populated] ? populated + 1 : populated;
}
EXPORT_SYMBOL_GPL(mmlab_alloc_pages_bulk);

/**
 * mmlab_alloc_pages_node - allocate a block of pages for kernel use.
 * @nid: the preferred region, or NUMA_NO_NODE.
 * @gfp: __MMLAB_GFP_* flags.
 * @order: the block is 2^@order pages.
 *
 * As mmlab_alloc_pages_owner() with owner MMLAB_OWNER_KERNEL.
 *
 * Return: the head page, or NULL.
 */
struct mmlab_page *mmlab_alloc_pages_node(int nid, mmlab_gfp_t gfp,
					  unsigned int order)
{
	return mmlab_alloc_pages_owner(nid, gfp, order, MMLAB_OWNER_KERNEL);
}
EXPORT_SYMBOL_GPL(mmlab_alloc_pages_node);

/**
 * mmlab_alloc_pages - allocate a block of pages from any region.
 * @gfp: __MMLAB_GFP_* flags.
 * @order: the block is 2^@order pages.
 *
 * Return: the head page, or NULL.
 */
struct mmlab_page *mmlab_alloc_pages(mmlab_gfp_t gfp, unsigned int order)
{
	return mmlab_alloc_pages_owner(NUMA_NO_NODE, gfp, order,
				       MMLAB_OWNER_KERNEL);
}
EXPORT_SYMBOL_GPL(mmlab_alloc_pages);

/* --- Freeing ----------------------------------------------------------------------- */

/*
 * The block lost its last reference: check it (both free paths), then make
 * every page of it a free page. Returns false if it was bad and is out.
 */
static bool free_pages_prepare(struct mmlab_page *page, unsigned int order,
			       unsigned long ip)
{
	unsigned long i;

	if (unlikely(free_block_is_bad(page, order, ip)))
		return false;
	for (i = 1; i < (1UL << order); i++) {
		struct mmlab_page *tail = page + i;

		set_page_free_tail(tail);
		atomic_set(&tail->_refcount, 0);
	}
	set_page_free_tail(page);
	mmlab_count_vm_events(MMLAB_PGFREE, 1UL << order);
	return true;
}

static void __mmlab_free_pages(struct mmlab_page *page, unsigned int order,
			       unsigned long ip)
{
	struct mmlab_zone *zone = mmlab_page_zone(page);
	unsigned long pfn = zone_page_pfn(zone, page);

	trace_mm_page_free(pfn, order);
	if (!free_pages_prepare(page, order, ip))
		return;
	if (order <= MMLAB_PCP_MAX_ORDER)
		free_unref_page(zone, page, pfn, order);
	else
		free_one_page(zone, pfn, order);
}

/*
 * Drop a reference to the block at @page; free it on the last. A free the
 * block's state refuses is reported (with @ip, the caller) and ignored; a
 * block already taken out as bad is ignored quietly, it was reported then.
 */
static void free_pages_ip(struct mmlab_page *page, unsigned int order,
			  unsigned long ip)
{
	const char *reason;
	int ref;

	if (unlikely(mmlab_page_test(page, MMLAB_PG_BAD)))
		return;
	reason = free_refused_reason(page, order);
	if (unlikely(reason)) {
		report_bad_page(page, reason, order, ip);
		return;
	}
	ref = atomic_dec_return(&page->_refcount);
	if (likely(ref > 0))
		return;
	/*
	 * Below zero: another free of the same reference won the race and
	 * freed the block. It is not given the count back: the block may be
	 * handed out again already, and the allocation check reports a
	 * block that is still at -1.
	 */
	if (unlikely(ref < 0)) {
		report_bad_page(page, "already free, refcount below zero",
				order, ip);
		return;
	}
	__mmlab_free_pages(page, order, ip);
}

/**
 * mmlab_free_pages - drop a reference to a block; free it on the last.
 * @page: the head page, as returned by an allocation.
 * @order: the order it was allocated with.
 *
 * As the kernel's __free_pages() with its bad page checks: a free with the
 * wrong order, of a tail page or of a page that is free already is
 * reported ("bad page state") and ignored; a block whose last reference
 * goes while a page of it is still mapped, or with a damaged tail, is
 * reported and taken out of circulation instead of being freed. An owner
 * that linked a page through mmlab_page::lru gives it back with
 * _mapcount at -1, as it got it: that word shares the links.
 */
void mmlab_free_pages(struct mmlab_page *page, unsigned int order)
{
	if (page)
		free_pages_ip(page, order, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_free_pages);

/**
 * mmlab_put_page - drop a reference to a block; free it on the last.
 * @page: the head page of an allocated block of any order.
 *
 * The order is the one the head records; checks as mmlab_free_pages().
 */
void mmlab_put_page(struct mmlab_page *page)
{
	unsigned int order;

	if (!page)
		return;
	order = mmlab_page_test(page, MMLAB_PG_HEAD) ? mmlab_page_order(page) : 0;
	free_pages_ip(page, order, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_put_page);

/* --- Zone state ----------------------------------------------------------------------- */

/**
 * mmlab_zone - the zone of a region.
 * @nid: the region id.
 *
 * Return: the zone, or NULL if there is no region @nid.
 */
struct mmlab_zone *mmlab_zone(int nid)
{
	if (nid < 0 || nid >= mmlab_nr_zones)
		return NULL;
	return mmlab_zones[nid];
}
EXPORT_SYMBOL_GPL(mmlab_zone);

/**
 * mmlab_zone_free_pages - free pages on a region's free lists.
 * @nid: the region id.
 *
 * Pages on per-CPU lists and in isolated pageblocks are not counted, as
 * NR_FREE_PAGES does not count them.
 *
 * Return: the count, 0 for an unknown region.
 */
unsigned long mmlab_zone_free_pages(int nid)
{
	struct mmlab_zone *zone = mmlab_zone(nid);

	return zone ? READ_ONCE(zone->free_pages) : 0;
}
EXPORT_SYMBOL_GPL(mmlab_zone_free_pages);

/**
 * mmlab_zone_managed_pages - pages a region's allocator manages.
 * @nid: the region id.
 *
 * Return: the count, 0 for an unknown region.
 */
unsigned long mmlab_zone_managed_pages(int nid)
{
	struct mmlab_zone *zone = mmlab_zone(nid);

	return zone ? zone->managed_pages : 0;
}
EXPORT_SYMBOL_GPL(mmlab_zone_managed_pages);

/**
 * mmlab_drain_all_pages - give every CPU's per-CPU pages back.
 * @nid: the region, or a negative value for every region.
 */
void mmlab_drain_all_pages(int nid)
{
	int i;

	for (i = 0; i < mmlab_nr_zones; i++)
		if (nid < 0 || nid == i)
			mmlab_zone_drain(mmlab_zones[i]);
}
EXPORT_SYMBOL_GPL(mmlab_drain_all_pages);

/**
 * mmlab_drain_local_pages - give back the per-CPU pages of a region on the
 *	CPU the caller runs on (6.1's drain_local_pages()), so that the
 *	blocks it just freed merge.
 * @nid: the region.
 */
void mmlab_drain_local_pages(int nid)
{
	struct mmlab_zone *zone = mmlab_zone(nid);

	if (zone)
		mmlab_zone_drain_cpu(zone, raw_smp_processor_id());
}
EXPORT_SYMBOL_GPL(mmlab_drain_local_pages);

/**
 * mmlab_zone_watermark_ok - would an allocation pass a watermark now?
 * @nid: the region id.
 * @order: the order of the allocation.
 * @mark: which watermark.
 *
 * Return: true if free pages stay above @mark and a block of @order is
 * free, as mmlab_zone_wmark_ok() of a plain allocation.
 */
bool mmlab_zone_watermark_ok(int nid, unsigned int order,
			     enum mmlab_zone_wmark mark)
{
	struct mmlab_zone *zone = mmlab_zone(nid);

	if (!zone || mark >= MMLAB_NR_WMARK || order >= MMLAB_MAX_ORDER)
		return false;
	return mmlab_zone_wmark_ok(zone, order, mmlab_wmark_pages(zone, mark), 0,
				 READ_ONCE(zone->free_pages));
}
EXPORT_SYMBOL_GPL(mmlab_zone_watermark_ok);

/* --- Pageblocks ------------------------------------------------------------------------- */

/**
 * mmlab_get_pageblock_migratetype - the migratetype of a page's pageblock.
 * @page: any page of a region.
 *
 * Return: the MMLAB_MIGRATE_* of the pageblock (a racy read).
 */
enum mmlab_migratetype mmlab_get_pageblock_migratetype(const struct mmlab_page *page)
{
	struct mmlab_zone *zone = mmlab_page_zone(page);

	return mmlab_pfnblock_mt(zone, zone_page_pfn(zone, page));
}
EXPORT_SYMBOL_GPL(mmlab_get_pageblock_migratetype);

static void account_block_type(struct mmlab_zone *zone, unsigned long pfn,
			       int old_mt, int mt)
{
	unsigned long start, end, nr;

	pageblock_range(zone, pfn, &start, &end);
	nr = end > start ? end - start : 0;
	if (old_mt == MMLAB_MIGRATE_HIGHATOMIC)
		zone->nr_reserved_highatomic -= min(MMLAB_PAGEBLOCK_PAGES,
						    zone->nr_reserved_highatomic);
	if (mt == MMLAB_MIGRATE_HIGHATOMIC)
		zone->nr_reserved_highatomic += MMLAB_PAGEBLOCK_PAGES;
	/* A CMA block stays CMA while it is isolated for an allocation. */
	if (mt == MMLAB_MIGRATE_CMA && old_mt != MMLAB_MIGRATE_ISOLATE)
		zone->cma_pages += nr;
	if (old_mt == MMLAB_MIGRATE_CMA && mt != MMLAB_MIGRATE_ISOLATE)
		zone->cma_pages -= min(nr, zone->cma_pages);
}

static void split_free_block_at(struct mmlab_zone *zone, unsigned long boundary);

/**
 * mmlab_set_pageblock_migratetype - change the migratetype of a pageblock.
 * @page: any page of the pageblock.
 * @mt: the new type.
 *
 * The free blocks of the pageblock move to the lists of @mt (leaving or
 * entering the free count when @mt or the old type is ISOLATE). Pages on
 * per-CPU lists stay there: call mmlab_drain_all_pages() afterwards to
 * bring them in, as the kernel's isolation does.
 *
 * Return: 0, or -EINVAL for a bad type or a page outside every zone.
 */
int mmlab_set_pageblock_migratetype(struct mmlab_page *page,
				    enum mmlab_migratetype mt)
{
	struct mmlab_zone *zone;
	unsigned long pfn, flags;
	int old_mt;

	if (!page || mt >= MMLAB_MIGRATE_TYPES)
		return -EINVAL;
	zone = mmlab_page_zone(page);
	if (!zone)
		return -EINVAL;
	pfn = zone_page_pfn(zone, page);

	spin_lock_irqsave(&zone->lock, flags);
	old_mt = mmlab_pfnblock_mt(zone, pfn);
	if (old_mt != mt) {
		account_block_type(zone, pfn, old_mt, mt);
		set_pfnblock_migratetype(zone, pfn, mt);
		split_free_block_at(zone, round_down(pfn, MMLAB_PAGEBLOCK_PAGES));
		split_free_block_at(zone, round_down(pfn, MMLAB_PAGEBLOCK_PAGES) +
				    MMLAB_PAGEBLOCK_PAGES);
		move_freepages_block(zone, pfn, mt, NULL);
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_set_pageblock_migratetype);

/* --- Contiguous ranges and free blocks (for mmlab_cma) ------------------------------ */

/*
 * The free block that holds @pfn: its head and order. Caller holds the
 * zone lock. A block of order o holding @pfn starts at @pfn rounded down
 * to 2^o, so trying every order finds it, as the kernel's
 * test_pages_isolated() walk does.
 */
static bool find_free_block(struct mmlab_zone *zone, unsigned long pfn,
			    unsigned long *head, unsigned int *order)
{
	unsigned int o;

	for (o = 0; o < MMLAB_MAX_ORDER; o++) {
		unsigned long h = round_down(pfn, 1UL << o);

		if (h < zone->first_usable_pfn)
			break;
		if (page_is_buddy(zone_pfn_page(zone, h), o)) {
			*head = h;
			*order = o;
			return true;
		}
	}
	return false;
}

/* The zone holding all of [@start, @end), or NULL. */
static struct mmlab_zone *range_zone(unsigned long start, unsigned long end)
{
	struct mmlab_page *page = mmlab_pfn_to_page(start);
	struct mmlab_zone *zone;

	if (!page || end <= start)
		return NULL;
	zone = mmlab_page_zone(page);
	if (!zone || start < zone->first_usable_pfn || end > zone->end_pfn)
		return NULL;
	return zone;
}

/* Every page of the range free, in ISOLATE pageblocks. Zone lock held. */
static bool range_free_isolated(struct mmlab_zone *zone, unsigned long start,
				unsigned long end)
{
	unsigned long pfn, head;
	unsigned int order;

	for (pfn = start; pfn < end; pfn += MMLAB_PAGEBLOCK_PAGES -
	     (pfn & (MMLAB_PAGEBLOCK_PAGES - 1)))
		if (mmlab_pfnblock_mt(zone, pfn) != MMLAB_MIGRATE_ISOLATE)
			return false;
	for (pfn = start; pfn < end; pfn = head + (1UL << order)) {
		if (!find_free_block(zone, pfn, &head, &order))
			return false;
		if (free_list_type(zone_pfn_page(zone, head)) !=
		    MMLAB_MIGRATE_ISOLATE)
			return false;
	}
	return true;
}

/* Free [@start, @end) as naturally aligned blocks of type @mt. */
static void free_span(struct mmlab_zone *zone, unsigned long start,
		      unsigned long end, int mt)
{
	while (start < end) {
		unsigned int order = min_t(unsigned int, __ffs(start),
					   MMLAB_MAX_ORDER - 1);

		while (start + (1UL << order) > end)
			order--;
		set_page_free_tail(zone_pfn_page(zone, start));
		__free_one_page(zone, start, order, mt);
		start += 1UL << order;
	}
}

/*
 * Make the pageblock boundary @boundary a boundary of free blocks: a free
 * block that spans it (of an order above the pageblock order) is freed
 * again as naturally aligned pieces on each side, each with the type of
 * its own pageblock, as split_free_page() for isolate_single_pageblock().
 * The pieces merge again only where __free_one_page() allows it, so a
 * pageblock that changes type alone takes exactly its own free pages.
 * Caller holds the zone lock.
 */
static void split_free_block_at(struct mmlab_zone *zone, unsigned long boundary)
{
	unsigned long head, end, pfn, piece_end;
	unsigned int order;

	if (boundary <= zone->first_usable_pfn || boundary >= zone->end_pfn ||
	    !find_free_block(zone, boundary, &head, &order) || head == boundary)
		return;
	end = head + (1UL << order);
	del_from_free_list(zone, zone_pfn_page(zone, head), order);
	set_page_free_tail(zone_pfn_page(zone, head));
	for (pfn = head; pfn < end; pfn = piece_end) {
		piece_end = min(round_down(pfn, MMLAB_PAGEBLOCK_PAGES) +
				MMLAB_PAGEBLOCK_PAGES, end);
		if (pfn < boundary)
			piece_end = min(piece_end, boundary);
		free_span(zone, pfn, piece_end, mmlab_pfnblock_mt(zone, pfn));
	}
}

/* A lone order-0 page with one reference, owned by @owner. */
static void prep_lone_page(struct mmlab_page *page, enum mmlab_page_owner owner)
{
	WRITE_ONCE(page->flags, page_region_bits(page) |
		   ((u32)owner << MMLAB_PG_OWNER_SHIFT));
	page->private = 0;
	atomic_set(&page->_mapcount, -1);
	page->_pad = 0;
	mmlab_page_ref_init(page);
}

/**
 * mmlab_test_range_isolated - is a range free and isolated?
 * @start_pfn: first pfn.
 * @end_pfn: one past the last pfn.
 *
 * As the kernel's test_pages_isolated(): every pageblock of the range is
 * MMLAB_MIGRATE_ISOLATE and every page is in a free block on an ISOLATE
 * free list (call mmlab_drain_all_pages() first to bring in per-CPU pages).
 *
 * Return: 0; -EBUSY if a page is still in use; -EINVAL if the range is
 * not inside one zone's managed pages.
 */
int mmlab_test_range_isolated(unsigned long start_pfn, unsigned long end_pfn)
{
	struct mmlab_zone *zone = range_zone(start_pfn, end_pfn);
	unsigned long flags;
	bool ok;

	if (!zone)
		return -EINVAL;
	spin_lock_irqsave(&zone->lock, flags);
	ok = range_free_isolated(zone, start_pfn, end_pfn);
	spin_unlock_irqrestore(&zone->lock, flags);
	return ok ? 0 : -EBUSY;
}
EXPORT_SYMBOL_GPL(mmlab_test_range_isolated);

/**
 * mmlab_take_free_range - take the free pages of an isolated range.
 * @start_pfn: first pfn.
 * @end_pfn: one past the last pfn.
 * @owner: the owner recorded in every page taken.
 *
 * The counterpart of the kernel's isolate_freepages_range() at the end of
 * alloc_contig_range(): under the zone lock, checks as
 * mmlab_test_range_isolated() does, then takes every free block covering
 * the range off the ISOLATE lists, gives the parts outside the range back
 * and turns each page of the range into a lone order-0 page with one
 * reference. Nothing is taken when a page is busy. Free with
 * mmlab_free_pages(page, 0) on each page.
 *
 * Return: 0, -EBUSY or -EINVAL as mmlab_test_range_isolated().
 */
int mmlab_take_free_range(unsigned long start_pfn, unsigned long end_pfn,
			  enum mmlab_page_owner owner)
{
	struct mmlab_zone *zone = range_zone(start_pfn, end_pfn);
	unsigned long pfn, head = 0, flags;
	unsigned int order = 0;

	if (!zone || owner == MMLAB_OWNER_FREE || owner >= MMLAB_NR_OWNERS)
		return -EINVAL;
	spin_lock_irqsave(&zone->lock, flags);
	if (!range_free_isolated(zone, start_pfn, end_pfn)) {
		spin_unlock_irqrestore(&zone->lock, flags);
		return -EBUSY;
	}
	for (pfn = start_pfn; pfn < end_pfn; pfn = head + (1UL << order)) {
		unsigned long end;

		find_free_block(zone, pfn, &head, &order);
		end = head + (1UL << order);
		del_from_free_list(zone, zone_pfn_page(zone, head), order);
		set_page_free_tail(zone_pfn_page(zone, head));
		if (head < start_pfn)
			free_span(zone, head, start_pfn, MMLAB_MIGRATE_ISOLATE);
		if (end > end_pfn)
			free_span(zone, end_pfn, end, MMLAB_MIGRATE_ISOLATE);
	}
	for (pfn = start_pfn; pfn < end_pfn; pfn++)
		prep_lone_page(zone_pfn_page(zone, pfn), owner);
	spin_unlock_irqrestore(&zone->lock, flags);
	mmlab_count_vm_events(MMLAB_PGALLOC_NORMAL, end_pfn - start_pfn);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_take_free_range);

/**
 * __mmlab_isolate_free_page - take a free block for compaction.
 * @page: the head of a free block on the free lists of @page's zone.
 * @order: its order.
 * @owner: the owner recorded in the pages taken.
 *
 * As the kernel's __isolate_free_page() followed by split_page(), for the
 * compaction scanners, which find @page under the zone lock: refuses a
 * page that is not the head of a free block of @order, a block of an
 * isolated or highatomic pageblock, and one whose taking would leave the
 * zone below its min watermark; else takes it as 2^@order lone order-0
 * pages with one reference each. Which pageblocks are worth taking from
 * is the scanners' choice. Free the unused pages with
 * mmlab_free_pages(page, 0).
 *
 * Context: the zone lock of @page's zone held, interrupts off.
 * Return: the number of pages taken (2^@order), or 0.
 */
unsigned long __mmlab_isolate_free_page(struct mmlab_page *page,
					unsigned int order,
					enum mmlab_page_owner owner)
{
	struct mmlab_zone *zone = mmlab_page_zone(page);
	unsigned long i, nr = 1UL << order;
	int mt;

	lockdep_assert_held(&zone->lock);
	if (order >= MMLAB_MAX_ORDER || owner == MMLAB_OWNER_FREE ||
	    owner >= MMLAB_NR_OWNERS || !page_is_buddy(page, order))
		return 0;
	mt = free_list_type(page);
	if (mt == MMLAB_MIGRATE_ISOLATE || mt == MMLAB_MIGRATE_HIGHATOMIC ||
	    zone->free_pages < mmlab_wmark_pages(zone, MMLAB_WMARK_MIN) + nr)
		return 0;
	del_from_free_list(zone, page, order);
	for (i = 0; i < nr; i++)
		prep_lone_page(page + i, owner);
	mmlab_count_vm_events(MMLAB_PGALLOC_NORMAL, nr);
	return nr;
}
EXPORT_SYMBOL_GPL(__mmlab_isolate_free_page);

/* --- Set up and tear down ------------------------------------------------------------- */

/* Free the managed range as the largest naturally aligned blocks. */
static void zone_free_all(struct mmlab_zone *zone)
{
	u32 region = ((u32)zone->nid << MMLAB_PG_REGION_SHIFT) &
		     MMLAB_PG_REGION_MASK;
	unsigned long pfn, flags;

	for (pfn = zone->first_usable_pfn; pfn < zone->end_pfn; pfn++) {
		struct mmlab_page *page = zone_pfn_page(zone, pfn);

		WRITE_ONCE(page->flags, region);
		atomic_set(&page->_refcount, 0);
		INIT_LIST_HEAD(&page->lru);
	}

	spin_lock_irqsave(&zone->lock, flags);
	pfn = zone->first_usable_pfn;
	while (pfn < zone->end_pfn) {
		unsigned int order = pfn ? min_t(unsigned int, __ffs(pfn),
						 MMLAB_MAX_ORDER - 1)
					 : MMLAB_MAX_ORDER - 1;

		while (pfn + (1UL << order) > zone->end_pfn)
			order--;
		__free_one_page(zone, pfn, order,
				mmlab_pfnblock_mt(zone, pfn));
		pfn += 1UL << order;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}

static int zone_init_pcp(struct mmlab_zone *zone)
{
	int cpu, i;

	zone->pcp = alloc_percpu(struct mmlab_per_cpu_pages);
	if (!zone->pcp)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, cpu);

		spin_lock_init(&pcp->lock);
		for (i = 0; i < MMLAB_NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
		pcp->batch = 1;
		pcp->high = 4;
	}
	return 0;
}

static void zone_free(struct mmlab_zone *zone)
{
	if (!zone)
		return;
	free_percpu(zone->pcp);
	kfree(zone->pageblock_flags);
	kfree(zone);
}

static struct mmlab_zone *zone_create(struct mmlab_region *r)
{
	struct mmlab_zone *zone;
	unsigned long pb, words;
	int i;

	if (r->nr_reserved >= r->nr_pages) {
		pr_err("%s: no page left after %lu descriptor pages\n",
		       r->name, r->nr_reserved);
		return ERR_PTR(-EINVAL);
	}
	zone = kzalloc(sizeof(*zone), GFP_KERNEL);
	if (!zone)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&zone->lock);
	init_waitqueue_head(&zone->kswapd_wait);
	INIT_LIST_HEAD(&zone->capture_list);
	zone->region = r;
	zone->nid = r->id;
	zone->start_pfn = r->start_pfn;
	zone->spanned_pages = r->nr_pages;
	zone->first_usable_pfn = r->start_pfn + r->nr_reserved;
	zone->end_pfn = r->start_pfn + r->nr_pages;
	zone->managed_pages = r->nr_pages - r->nr_reserved;
	zone->pageblock_base = round_down(r->start_pfn, MMLAB_PAGEBLOCK_PAGES);
	zone->nr_pageblocks = DIV_ROUND_UP(zone->end_pfn - zone->pageblock_base,
					   MMLAB_PAGEBLOCK_PAGES);
	words = DIV_ROUND_UP(zone->nr_pageblocks, PB_PER_WORD);
	zone->pageblock_flags = kcalloc(words, sizeof(long), GFP_KERNEL);
	for (i = 0; i < MMLAB_MAX_ORDER; i++) {
		int mt;

		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[i].free_list[mt]);
	}
	if (!zone->pageblock_flags || zone_init_pcp(zone)) {
		zone_free(zone);
		return ERR_PTR(-ENOMEM);
	}
	for (pb = 0; pb < zone->nr_pageblocks; pb++)
		set_pfnblock_migratetype(zone, zone->pageblock_base +
					 pb * MMLAB_PAGEBLOCK_PAGES,
					 MMLAB_MIGRATE_MOVABLE);
	zone_free_all(zone);
	return zone;
}

/*
 * CPUHP_BP_PREPARE_DYN startup, on a control CPU before @cpu runs: it will
 * share the per-CPU high, and is not in the online mask yet. Its lists
 * were drained when it died (or never used) and nothing ran on it since.
 */
static int mmlab_cpu_up_prepare(unsigned int cpu)
{
	int i;

	for (i = 0; i < mmlab_nr_zones; i++) {
		WARN_ON_ONCE(per_cpu_ptr(mmlab_zones[i]->pcp, cpu)->count);
		mmlab_zone_update_pcp(mmlab_zones[i], num_online_cpus() + 1);
	}
	return 0;
}

/*
 * CPUHP_BP_PREPARE_DYN teardown, on a control CPU after @cpu is dead (or
 * when bringing it up failed): nothing can refill its lists any more, so
 * give them back, as the kernel's page_alloc_cpu_dead() does, and share
 * high between the CPUs left.
 */
static int mmlab_cpu_dead(unsigned int cpu)
{
	int i;

	for (i = 0; i < mmlab_nr_zones; i++) {
		mmlab_zone_drain_cpu(mmlab_zones[i], cpu);
		mmlab_zone_update_pcp(mmlab_zones[i], num_online_cpus());
	}
	return 0;
}

/*
 * Watermarks and per-CPU high from the CPUs online now, and the hotplug
 * state that follows them, under one hold of the hotplug lock: no CPU can
 * come or go in between unseen.
 */
static int mmlab_buddy_cpus_init(void)
{
	int ret;

	cpus_read_lock();
	mmlab_setup_watermarks_cpuslocked();
	ret = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_BP_PREPARE_DYN,
						   "mmlab/buddy:prepare",
						   mmlab_cpu_up_prepare,
						   mmlab_cpu_dead);
	cpus_read_unlock();
	if (ret < 0)
		return ret;
	mmlab_cpuhp_state = ret;
	return 0;
}

static void mmlab_buddy_teardown(void)
{
	int i;

	if (mmlab_cpuhp_state >= 0) {
		cpuhp_remove_state_nocalls(mmlab_cpuhp_state);
		mmlab_cpuhp_state = -1;
	}
	for (i = 0; i < mmlab_nr_zones; i++)
		mmlab_kswapd_stop(mmlab_zones[i]);
	for (i = 0; i < mmlab_nr_zones; i++) {
		struct mmlab_zone *zone = mmlab_zones[i];
		unsigned long bad = atomic_long_read(&zone->nr_bad_pages);

		/* Every possible CPU: an offline one's lists are empty. */
		mmlab_zone_drain(zone);
		if (bad)
			pr_warn("%s: %lu bad pages were taken out of circulation\n",
				zone->region->name, bad);
		if (zone->free_pages + bad != zone->managed_pages)
			pr_warn("%s: %lu pages still allocated at unload\n",
				zone->region->name,
				zone->managed_pages - zone->free_pages - bad);
		zone_free(zone);
		mmlab_zones[i] = NULL;
	}
	mmlab_nr_zones = 0;
}

static int __init mmlab_buddy_init(void)
{
	struct mmlab_region *r;
	int i, ret;

	for_each_mmlab_region(r) {
		struct mmlab_zone *zone = zone_create(r);

		if (IS_ERR(zone)) {
			ret = PTR_ERR(zone);
			goto fail;
		}
		mmlab_zones[r->id] = zone;
		mmlab_nr_zones = r->id + 1;
	}
	if (!mmlab_nr_zones)
		pr_info("no region: nothing to manage\n");

	mmlab_init_min_free_kbytes();
	ret = mmlab_buddy_cpus_init();
	if (ret)
		goto fail;
	for (i = 0; i < mmlab_nr_zones; i++) {
		ret = mmlab_kswapd_run(mmlab_zones[i]);
		if (ret)
			goto fail;
	}
	mmlab_buddy_debugfs_init();
	mmlab_fail_attr_register(&fail_page_alloc);

	for (i = 0; i < mmlab_nr_zones; i++)
		pr_info("%s: %lu pages managed, %lu free, watermarks %lu/%lu/%lu\n",
			mmlab_zones[i]->region->name,
			mmlab_zones[i]->managed_pages,
			mmlab_zones[i]->free_pages,
			mmlab_wmark_pages(mmlab_zones[i], MMLAB_WMARK_MIN),
			mmlab_wmark_pages(mmlab_zones[i], MMLAB_WMARK_LOW),
			mmlab_wmark_pages(mmlab_zones[i], MMLAB_WMARK_HIGH));
	return 0;

fail:
	pr_err("cannot set up the zones: %d\n", ret);
	mmlab_buddy_teardown();
	return ret;
}

static void __exit mmlab_buddy_exit(void)
{
	mmlab_fail_attr_unregister(&fail_page_alloc);
	mmlab_buddy_debugfs_exit();
	mmlab_movable_ops_exit();
	mmlab_buddy_teardown();
}

module_init(mmlab_buddy_init);
module_exit(mmlab_buddy_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmlab: buddy page allocator of the private regions");
