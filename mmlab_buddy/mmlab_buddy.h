/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_buddy: the page allocator of mmlab's private regions.
 *
 * Each region is a node with one zone. The zone keeps free lists per order
 * and migratetype, per-CPU lists for small orders, watermarks and a
 * kswapd-like thread, as mm/page_alloc.c and mm/vmscan.c do for the
 * kernel's zones.
 */
#ifndef _MMLAB_BUDDY_H
#define _MMLAB_BUDDY_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include "mmlab_core/mmlab_core.h"

struct task_struct;

/*
 * The orders of the kernel mmlab is built against: MAX_ORDER (11 in 6.1:
 * orders 0..10, blocks up to 4 MiB with 4 KiB pages) and pageblock_order
 * (include/linux/pageblock-flags.h): HUGETLB_PAGE_ORDER when the kernel has
 * CONFIG_HUGETLB_PAGE, 9 (2 MiB) on x86_64 and arm64 with 4 KiB pages, as
 * Debian's kernels; MAX_ORDER - 1 without it, as the lab kernels. A free
 * block of an order above the pageblock order spans several pageblocks.
 */
#define MMLAB_MAX_ORDER		MAX_ORDER
#define MMLAB_PAGEBLOCK_ORDER	((int)pageblock_order)
#define MMLAB_PAGEBLOCK_PAGES	pageblock_nr_pages

/**
 * enum mmlab_migratetype - mobility of a pageblock, as enum migratetype.
 * @MMLAB_MIGRATE_UNMOVABLE: kernel allocations that never move.
 * @MMLAB_MIGRATE_MOVABLE: user pages and others that migration can move.
 * @MMLAB_MIGRATE_RECLAIMABLE: allocations a shrinker can give back.
 * @MMLAB_MIGRATE_PCPTYPES: the number of types with per-CPU lists.
 * @MMLAB_MIGRATE_HIGHATOMIC: reserve for high-order atomic allocations.
 * @MMLAB_MIGRATE_CMA: a CMA area's pageblocks, lent to movable allocations.
 * @MMLAB_MIGRATE_ISOLATE: taken out of the allocator (CMA, offlining).
 * @MMLAB_MIGRATE_TYPES: the number of types.
 */
enum mmlab_migratetype {
	MMLAB_MIGRATE_UNMOVABLE,
	MMLAB_MIGRATE_MOVABLE,
	MMLAB_MIGRATE_RECLAIMABLE,
	MMLAB_MIGRATE_PCPTYPES,	/* the types that have per-CPU lists */
	MMLAB_MIGRATE_HIGHATOMIC = MMLAB_MIGRATE_PCPTYPES,
	MMLAB_MIGRATE_CMA,
	MMLAB_MIGRATE_ISOLATE,
	MMLAB_MIGRATE_TYPES
};

/*
 * Allocation flags: the GFP semantics that matter inside a region. The two
 * mobility bits sit where gfp_migratetype() finds them, so that
 * (flags & MMLAB_GFP_MOVABLE_MASK) >> MMLAB_GFP_MOVABLE_SHIFT is the
 * migratetype.
 */
typedef unsigned int __bitwise mmlab_gfp_t;

#define __MMLAB_GFP_MOVABLE		((__force mmlab_gfp_t)BIT(0))
#define __MMLAB_GFP_RECLAIMABLE		((__force mmlab_gfp_t)BIT(1))
#define __MMLAB_GFP_HIGH		((__force mmlab_gfp_t)BIT(2))	/* may dip below min */
#define __MMLAB_GFP_ZERO		((__force mmlab_gfp_t)BIT(3))
#define __MMLAB_GFP_DIRECT_RECLAIM	((__force mmlab_gfp_t)BIT(4))	/* may sleep */
#define __MMLAB_GFP_KSWAPD_RECLAIM	((__force mmlab_gfp_t)BIT(5))	/* may wake kswapd */
#define __MMLAB_GFP_NOWARN		((__force mmlab_gfp_t)BIT(6))
#define __MMLAB_GFP_THISNODE		((__force mmlab_gfp_t)BIT(7))	/* no other region */
#define __MMLAB_GFP_BITS		8

/* The bits with the kernel's names, for tracepoints' TP_printk(). */
#define show_mmlab_gfp_flags(flags)					\
	__print_flags(flags, "|",					\
		      {0x01UL, "__GFP_MOVABLE"},			\
		      {0x02UL, "__GFP_RECLAIMABLE"},			\
		      {0x04UL, "__GFP_HIGH"},				\
		      {0x08UL, "__GFP_ZERO"},				\
		      {0x10UL, "__GFP_DIRECT_RECLAIM"},			\
		      {0x20UL, "__GFP_KSWAPD_RECLAIM"},			\
		      {0x40UL, "__GFP_NOWARN"},				\
		      {0x80UL, "__GFP_THISNODE"})

#define MMLAB_GFP_MOVABLE_SHIFT		0
#define MMLAB_GFP_MOVABLE_MASK		(__MMLAB_GFP_MOVABLE | __MMLAB_GFP_RECLAIMABLE)

#define MMLAB_GFP_NOWAIT	(__MMLAB_GFP_KSWAPD_RECLAIM)
#define MMLAB_GFP_ATOMIC	(__MMLAB_GFP_HIGH | __MMLAB_GFP_KSWAPD_RECLAIM)
#define MMLAB_GFP_KERNEL	(__MMLAB_GFP_DIRECT_RECLAIM | __MMLAB_GFP_KSWAPD_RECLAIM)
#define MMLAB_GFP_USER		(MMLAB_GFP_KERNEL | __MMLAB_GFP_MOVABLE)

static inline enum mmlab_migratetype mmlab_gfp_migratetype(mmlab_gfp_t gfp)
{
	return (__force unsigned int)(gfp & MMLAB_GFP_MOVABLE_MASK) >>
	       MMLAB_GFP_MOVABLE_SHIFT;
}

/* --- Zones ---------------------------------------------------------------- */

/* Per-CPU lists for orders 0..MMLAB_PCP_MAX_ORDER of each per-CPU type. */
#define MMLAB_PCP_MAX_ORDER	3
#define MMLAB_NR_PCP_LISTS	(MMLAB_MIGRATE_PCPTYPES * (MMLAB_PCP_MAX_ORDER + 1))

/**
 * struct mmlab_free_area - the free blocks of one order, as struct free_area.
 * @free_list: one list per migratetype, linked through mmlab_page::lru.
 * @nr_free: blocks of this order on all of the lists.
 */
struct mmlab_free_area {
	struct list_head free_list[MMLAB_MIGRATE_TYPES];
	unsigned long nr_free;
};

/**
 * struct mmlab_per_cpu_pages - a CPU's cache of free pages of a zone.
 * @lock: protects the lists and @free_factor. As 6.1's pcp->lock: the
 *	owning CPU only tries it (preemption off, interrupts on) and goes
 *	to the zone when it is busy; a drainer on any CPU takes it.
 * @count: pages (not blocks) on the lists.
 * @high: free down to this many when @count exceeds it.
 * @batch: pages moved to or from the zone at once.
 * @free_factor: frees past @high in a row without an allocation; each
 *	doubles the pages the next one gives back (6.1's nr_pcp_free()).
 * @lists: one list per (order, migratetype), 6.1's order_to_pindex().
 */
struct mmlab_per_cpu_pages {
	spinlock_t lock;	/* see above */
	int count;
	int high;
	int batch;
	short free_factor;
	struct list_head lists[MMLAB_NR_PCP_LISTS];
};

/**
 * enum mmlab_zone_flags - bits of mmlab_zone::flags, as enum zone_flags.
 * @MMLAB_ZONE_BOOSTED_WATERMARK: boosted: wake kswapd after rmqueue.
 * @MMLAB_ZONE_RECLAIM_ACTIVE: kswapd is balancing the zone; the per-CPU
 *	lists keep at most four batches meanwhile (6.1's nr_pcp_high()).
 */
enum mmlab_zone_flags {
	MMLAB_ZONE_BOOSTED_WATERMARK,
	MMLAB_ZONE_RECLAIM_ACTIVE,
};

enum mmlab_zone_wmark {
	MMLAB_WMARK_MIN,
	MMLAB_WMARK_LOW,
	MMLAB_WMARK_HIGH,
	MMLAB_NR_WMARK
};

/**
 * struct mmlab_zone - the one zone of a region, as struct zone.
 * @lock: protects the free areas, the pageblock bitmap and the counters
 *	below it; taken with interrupts off.
 * @region: the region the zone covers.
 * @nid: the region id, the zone's node.
 * @start_pfn: first pfn of the zone (the region's first pfn).
 * @spanned_pages: pfns spanned, descriptor pages included.
 * @managed_pages: pfns the allocator manages (after the descriptor pages).
 * @first_usable_pfn: the first managed pfn.
 * @end_pfn: one past the last pfn.
 * @watermark: min, low and high, in pages, before the boost.
 * @watermark_boost: pages added to every watermark after a fragmenting
 *	fallback (boost_watermark()), until kswapd has reclaimed it.
 * @flags: MMLAB_ZONE_* bits.
 * @free_pages: free pages on the free lists, isolated ones excluded.
 * @free_cma: free pages on the MMLAB_MIGRATE_CMA lists.
 * @cma_pages: pages in CMA pageblocks.
 * @nr_reserved_highatomic: pages in HIGHATOMIC pageblocks.
 * @pageblock_base: pfn of the first pageblock (aligned down).
 * @nr_pageblocks: pageblocks covering the zone.
 * @pageblock_flags: 3 bits of migratetype per pageblock.
 * @free_area: the free lists, per order.
 * @pcp: the per-CPU lists.
 * @kswapd: the zone's reclaim thread.
 * @kswapd_wait: kswapd sleeps here.
 * @kswapd_order: the highest order asked of kswapd since it last ran.
 * @kswapd_pending: a wakeup is pending.
 * @kswapd_sleeping: kswapd is asleep (racy, for tests and debugfs).
 * @kswapd_failures: balance runs in a row that freed nothing.
 * @capture_list: direct compactions capturing what their task frees
 *	(struct mmlab_capture_control), under @lock.
 * @nr_bad_pages: pages the bad page checks took out of circulation, as
 *	the kernel's bad_page() leaks them: never freed, never handed out.
 * @bad_page_reports: bad pages found, reported or rate-limited.
 */
struct mmlab_zone {
	spinlock_t lock;	/* see above */
	struct mmlab_region *region;
	int nid;
	unsigned long start_pfn;
	unsigned long spanned_pages;
	unsigned long managed_pages;
	unsigned long first_usable_pfn;
	unsigned long end_pfn;
	unsigned long watermark[MMLAB_NR_WMARK];
	unsigned long watermark_boost;
	unsigned long flags;
	unsigned long free_pages;
	unsigned long free_cma;
	unsigned long cma_pages;
	unsigned long nr_reserved_highatomic;
	unsigned long pageblock_base;
	unsigned long nr_pageblocks;
	unsigned long *pageblock_flags;
	struct mmlab_free_area free_area[MMLAB_MAX_ORDER];
	struct mmlab_per_cpu_pages __percpu *pcp;
	struct task_struct *kswapd;
	wait_queue_head_t kswapd_wait;
	unsigned int kswapd_order;
	bool kswapd_pending;
	bool kswapd_sleeping;
	int kswapd_failures;
	struct list_head capture_list;
	atomic_long_t nr_bad_pages;
	atomic_long_t bad_page_reports;
};

struct mmlab_zone *mmlab_zone(int nid);

/* Is the zone's kswapd at work (6.1's kswapd_is_running())? Racy, a hint. */
static inline bool mmlab_kswapd_is_running(struct mmlab_zone *zone)
{
	struct task_struct *t = READ_ONCE(zone->kswapd);

	return t && task_is_running(t);
}

/* --- Counters (/sys/kernel/debug/mmlab/vmstat) ------------------------------ */

/**
 * enum mmlab_vm_item - counters printed in the vmstat file, kernel names.
 * @MMLAB_NR_SLAB_RECLAIMABLE: slab pages a shrinker can free (mmlab_slub).
 * @MMLAB_NR_SLAB_UNRECLAIMABLE: other slab pages (mmlab_slub).
 * @MMLAB_PGFAULT: faults handled by mmlab_fault.
 * @MMLAB_PGALLOC_NORMAL: pages allocated (the zone is "normal").
 * @MMLAB_ALLOCSTALL_NORMAL: allocations that entered direct reclaim.
 * @MMLAB_PGFREE: pages freed.
 * @MMLAB_PGSCAN_KSWAPD: pages kswapd asked the shrinkers for.
 * @MMLAB_PGSCAN_DIRECT: pages direct reclaim asked the shrinkers for.
 * @MMLAB_PGSTEAL_KSWAPD: pages the shrinkers gave kswapd.
 * @MMLAB_PGSTEAL_DIRECT: pages the shrinkers gave direct reclaim.
 * @MMLAB_PAGEOUTRUN: kswapd balance runs.
 * @MMLAB_PGMIGRATE_SUCCESS: pages migrated (mmlab_cma).
 * @MMLAB_PGMIGRATE_FAIL: pages that failed to migrate (mmlab_cma).
 * @MMLAB_COMPACT_MIGRATE_SCANNED: compaction's migrate scanner (mmlab_cma).
 * @MMLAB_COMPACT_FREE_SCANNED: compaction's free scanner (mmlab_cma).
 * @MMLAB_COMPACT_ISOLATED: pages isolated by compaction (mmlab_cma).
 * @MMLAB_COMPACT_STALL: allocations that entered direct compaction.
 * @MMLAB_COMPACT_FAIL: direct compactions that did not help.
 * @MMLAB_COMPACT_SUCCESS: direct compactions that did.
 * @MMLAB_COMPACT_DAEMON_WAKE: kcompactd woken for work (mmlab_cma).
 * @MMLAB_COMPACT_DAEMON_MIGRATE_SCANNED: kcompactd's migrate scanner.
 * @MMLAB_COMPACT_DAEMON_FREE_SCANNED: kcompactd's free scanner.
 * @MMLAB_CMA_ALLOC_SUCCESS: contiguous allocations that succeeded (mmlab_cma).
 * @MMLAB_CMA_ALLOC_FAIL: contiguous allocations that failed (mmlab_cma).
 * @MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY: kswapd woken soon after it slept.
 * @MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY: kswapd found the zone balanced.
 * @MMLAB_EXTFRAG_FALLBACK: allocations that fell back to another
 *	migratetype (the kernel only traces them; mmlab counts them too).
 * @MMLAB_COMPACT_CAPTURE: direct compactions whose allocation got the block
 *	the run captured as its task freed it (6.1 neither counts nor traces
 *	them; mmlab counts them).
 * @MMLAB_NR_VM_ITEMS: the number of counters.
 *
 * nr_free_pages and nr_free_cma are read from the zones and printed first.
 */
enum mmlab_vm_item {
	MMLAB_NR_SLAB_RECLAIMABLE,
	MMLAB_NR_SLAB_UNRECLAIMABLE,
	MMLAB_PGFAULT,
	MMLAB_PGALLOC_NORMAL,
	MMLAB_ALLOCSTALL_NORMAL,
	MMLAB_PGFREE,
	MMLAB_PGSCAN_KSWAPD,
	MMLAB_PGSCAN_DIRECT,
	MMLAB_PGSTEAL_KSWAPD,
	MMLAB_PGSTEAL_DIRECT,
	MMLAB_PAGEOUTRUN,
	MMLAB_PGMIGRATE_SUCCESS,
	MMLAB_PGMIGRATE_FAIL,
	MMLAB_COMPACT_MIGRATE_SCANNED,
	MMLAB_COMPACT_FREE_SCANNED,
	MMLAB_COMPACT_ISOLATED,
	MMLAB_COMPACT_STALL,
	MMLAB_COMPACT_FAIL,
	MMLAB_COMPACT_SUCCESS,
	MMLAB_COMPACT_DAEMON_WAKE,
	MMLAB_COMPACT_DAEMON_MIGRATE_SCANNED,
	MMLAB_COMPACT_DAEMON_FREE_SCANNED,
	MMLAB_CMA_ALLOC_SUCCESS,
	MMLAB_CMA_ALLOC_FAIL,
	MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY,
	MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	MMLAB_EXTFRAG_FALLBACK,
	MMLAB_COMPACT_CAPTURE,
	MMLAB_NR_VM_ITEMS
};

/* Per-CPU, folded on read (mmlab_vm_state()): use the helpers below. */
DECLARE_PER_CPU(long, mmlab_vm_items[MMLAB_NR_VM_ITEMS]);

/**
 * mmlab_count_vm_events - add to an event counter.
 * @item: the counter.
 * @nr: how much.
 *
 * Inline, as the kernel's count_vm_events(): one per-CPU add.
 */
static inline void mmlab_count_vm_events(enum mmlab_vm_item item,
					 unsigned long nr)
{
	if (item < MMLAB_NR_VM_ITEMS)
		this_cpu_add(mmlab_vm_items[item], nr);
}

/**
 * mmlab_count_vm_event - add one to an event counter.
 * @item: the counter.
 */
static inline void mmlab_count_vm_event(enum mmlab_vm_item item)
{
	mmlab_count_vm_events(item, 1);
}

/**
 * mmlab_mod_vm_state - change a state counter (nr_slab_*) by @delta.
 * @item: the counter.
 * @delta: how much, negative to decrease.
 */
static inline void mmlab_mod_vm_state(enum mmlab_vm_item item, long delta)
{
	if (item < MMLAB_NR_VM_ITEMS)
		this_cpu_add(mmlab_vm_items[item], delta);
}

long mmlab_vm_state(enum mmlab_vm_item item);

/* --- Allocation --------------------------------------------------------- */

struct mmlab_page *mmlab_alloc_pages_node(int nid, mmlab_gfp_t gfp,
					  unsigned int order);
struct mmlab_page *mmlab_alloc_pages(mmlab_gfp_t gfp, unsigned int order);
unsigned long mmlab_alloc_pages_bulk(int nid, mmlab_gfp_t gfp,
				     unsigned long nr,
				     struct mmlab_page **array,
				     enum mmlab_page_owner owner);
void mmlab_free_pages(struct mmlab_page *page, unsigned int order);
void mmlab_put_page(struct mmlab_page *page);
struct mmlab_page *mmlab_alloc_pages_owner(int nid, mmlab_gfp_t gfp,
					   unsigned int order,
					   enum mmlab_page_owner owner);

/* --- Zone state ----------------------------------------------------------- */

unsigned long mmlab_zone_free_pages(int nid);
unsigned long mmlab_zone_managed_pages(int nid);
int mmlab_fragmentation_index(int nid, unsigned int order);
int mmlab_extfrag_for_order(int nid, unsigned int order);
void mmlab_drain_all_pages(int nid);
void mmlab_drain_local_pages(int nid);
void mmlab_wakeup_kswapd(int nid, unsigned int order);
bool mmlab_zone_watermark_ok(int nid, unsigned int order,
			     enum mmlab_zone_wmark mark);

/**
 * mmlab_wmark_pages - a watermark as the allocator, kswapd and compaction
 *	use it: the boost included, as wmark_pages().
 * @zone: the zone.
 * @mark: which watermark.
 *
 * Return: pages.
 */
static inline unsigned long mmlab_wmark_pages(const struct mmlab_zone *zone,
					      enum mmlab_zone_wmark mark)
{
	return READ_ONCE(zone->watermark[mark]) +
	       READ_ONCE(zone->watermark_boost);
}

/* Tunables, as the debugfs knobs set them (exported for the KUnit suite). */
int mmlab_get_min_free_kbytes(void);
int mmlab_set_min_free_kbytes(int kbytes);
int mmlab_set_watermark_scale_factor(int factor);
int mmlab_get_watermark_boost_factor(void);
int mmlab_set_watermark_boost_factor(int factor);
bool mmlab_zone_boost_watermark(struct mmlab_zone *zone);

/* --- Pageblocks (for mmlab_cma) -------------------------------------------- */

enum mmlab_migratetype mmlab_get_pageblock_migratetype(const struct mmlab_page *page);
int mmlab_set_pageblock_migratetype(struct mmlab_page *page,
				    enum mmlab_migratetype mt);

/* Contiguous ranges and free blocks, for alloc_contig_range and compaction. */
int mmlab_test_range_isolated(unsigned long start_pfn, unsigned long end_pfn);
int mmlab_take_free_range(unsigned long start_pfn, unsigned long end_pfn,
			  enum mmlab_page_owner owner);
unsigned long __mmlab_isolate_free_page(struct mmlab_page *page,
					unsigned int order,
					enum mmlab_page_owner owner);

/* --- Reclaim and compaction hooks ------------------------------------------ */

/**
 * struct mmlab_shrinker - a cache that kswapd may ask to give pages back.
 * @name: shown in the kswapd trace and debugfs.
 * @count: how many pages it could free now.
 * @scan: free up to @nr_to_scan pages of region @nid; returns pages freed.
 * @list: on the registered shrinkers list; private to mmlab_buddy.
 */
struct mmlab_shrinker {
	const char *name;
	unsigned long (*count)(struct mmlab_shrinker *s, int nid);
	unsigned long (*scan)(struct mmlab_shrinker *s, int nid,
			      unsigned long nr_to_scan);
	struct list_head list;
};

int mmlab_register_shrinker(struct mmlab_shrinker *s);
void mmlab_unregister_shrinker(struct mmlab_shrinker *s);

/**
 * enum mmlab_compact_result - what a compaction attempt did, as 6.1's
 *	enum compact_result, in its order: the higher, the more it did (a
 *	caller that compacts several regions keeps the highest).
 * @MMLAB_CR_SKIPPED: not tried (not enough free pages, or no need).
 * @MMLAB_CR_DEFERRED: not tried: recent runs for this order failed.
 * @MMLAB_CR_CONTINUE: still running (internal).
 * @MMLAB_CR_COMPLETE: the scanners met without a free block of the order.
 * @MMLAB_CR_PARTIAL_SKIPPED: the scanners met, part of the region skipped
 *	(cached positions or skip hints).
 * @MMLAB_CR_CONTENDED: an asynchronous run stopped for need_resched() or a
 *	fatal signal.
 * @MMLAB_CR_SUCCESS: a free block of the wanted order exists.
 */
enum mmlab_compact_result {
	MMLAB_CR_SKIPPED,
	MMLAB_CR_DEFERRED,
	MMLAB_CR_CONTINUE,
	MMLAB_CR_COMPLETE,
	MMLAB_CR_PARTIAL_SKIPPED,
	MMLAB_CR_CONTENDED,
	MMLAB_CR_SUCCESS,
};

/**
 * mmlab_compact_result_name - 6.1's name of a compaction result, as its
 *	tracepoints print it.
 * @result: the result.
 *
 * Return: "skipped", "deferred", ... "success"; "?" for no result.
 */
static inline const char *
mmlab_compact_result_name(enum mmlab_compact_result result)
{
	static const char * const names[] = {
		[MMLAB_CR_SKIPPED]		= "skipped",
		[MMLAB_CR_DEFERRED]		= "deferred",
		[MMLAB_CR_CONTINUE]		= "continue",
		[MMLAB_CR_COMPLETE]		= "complete",
		[MMLAB_CR_PARTIAL_SKIPPED]	= "partial_skipped",
		[MMLAB_CR_CONTENDED]		= "contended",
		[MMLAB_CR_SUCCESS]		= "success",
	};

	return (unsigned int)result < ARRAY_SIZE(names) ? names[result] : "?";
}

/**
 * enum mmlab_compact_priority - how hard direct compaction tries, as 6.1's
 *	enum compact_priority: lower is harder.
 * @MMLAB_COMPACT_PRIO_SYNC_FULL: MIGRATE_SYNC_LIGHT over the whole region,
 *	ignoring skip hints and pageblock types.
 * @MMLAB_COMPACT_PRIO_SYNC_LIGHT: MIGRATE_SYNC_LIGHT from the cached
 *	scanner positions, honouring skip hints.
 * @MMLAB_COMPACT_PRIO_ASYNC: MIGRATE_ASYNC: never blocks, gives up on
 *	contention; the first attempt of the allocator's slow path.
 */
enum mmlab_compact_priority {
	MMLAB_COMPACT_PRIO_SYNC_FULL,
	MMLAB_COMPACT_PRIO_SYNC_LIGHT,
	MMLAB_COMPACT_PRIO_ASYNC,
};

#define MMLAB_MIN_COMPACT_PRIORITY		MMLAB_COMPACT_PRIO_SYNC_FULL
#define MMLAB_MIN_COMPACT_COSTLY_PRIORITY	MMLAB_COMPACT_PRIO_SYNC_LIGHT
#define MMLAB_DEF_COMPACT_PRIORITY		MMLAB_COMPACT_PRIO_SYNC_LIGHT
#define MMLAB_INIT_COMPACT_PRIORITY		MMLAB_COMPACT_PRIO_ASYNC

/* As PAGE_ALLOC_COSTLY_ORDER. */
#define MMLAB_PAGE_ALLOC_COSTLY_ORDER	3

/**
 * struct mmlab_capture_control - a direct compaction's claim on the blocks
 *	its task frees (6.1's struct capture_control): the first block of
 *	@order that @task frees into the zone while the claim is up goes to
 *	@page instead of the free lists, unless it is in a CMA or isolated
 *	pageblock, or below a pageblock and in a MOVABLE one.
 * @list: on the zone's capture list, under the zone lock.
 * @task: the compacting task.
 * @order: the order of its allocation.
 * @page: the captured block, or NULL.
 */
struct mmlab_capture_control {
	struct list_head list;
	struct task_struct *task;
	unsigned int order;
	struct mmlab_page *page;
};

void mmlab_capture_start(struct mmlab_zone *zone,
			 struct mmlab_capture_control *capc, unsigned int order);
struct mmlab_page *mmlab_capture_end(struct mmlab_zone *zone,
				     struct mmlab_capture_control *capc);

/**
 * struct mmlab_compact_ops - compaction, as mmlab_cma provides it.
 * @try_to_compact: direct compaction of region @nid for a block of
 *	@order at @prio, as compact_zone_order() with 6.1's deferral;
 *	returns what it did, and in *@capture a block of @order the run
 *	captured (mmlab_capture_start()) or NULL. May sleep.
 * @alloc_success: the allocation that compacted region @nid for @order
 *	got its block there: reset the deferral (compaction_defer_reset()
 *	with alloc_success). May be NULL.
 * @wakeup_kcompactd: ask region @nid's kcompactd for a free block of
 *	@order, as wakeup_kcompactd(); called by kswapd. May be NULL.
 */
struct mmlab_compact_ops {
	enum mmlab_compact_result (*try_to_compact)(int nid, unsigned int order,
						    mmlab_gfp_t gfp,
						    enum mmlab_compact_priority prio,
						    struct mmlab_page **capture);
	void (*alloc_success)(int nid, unsigned int order);
	void (*wakeup_kcompactd)(int nid, unsigned int order);
};

int mmlab_set_compact_ops(const struct mmlab_compact_ops *ops);
void mmlab_clear_compact_ops(const struct mmlab_compact_ops *ops);

/* --- Movable pages --------------------------------------------------------- */

/**
 * enum mmlab_migrate_mode - as enum migrate_mode.
 * @MMLAB_MIGRATE_ASYNC: never sleep.
 * @MMLAB_MIGRATE_SYNC_LIGHT: may sleep, not for long.
 * @MMLAB_MIGRATE_SYNC: may sleep.
 */
enum mmlab_migrate_mode {
	MMLAB_MIGRATE_ASYNC,
	MMLAB_MIGRATE_SYNC_LIGHT,
	MMLAB_MIGRATE_SYNC,
};

/**
 * struct mmlab_movable_operations - how an owner lets its pages move,
 *	as struct movable_operations does for the kernel.
 * @isolate_page: take @page aside for migration; false if it cannot move.
 * @migrate_page: move the contents and users of @src to @dst; 0 or -errno.
 *	On success the owner has dropped its reference to @src. In
 *	MMLAB_MIGRATE_ASYNC mode it must not sleep on a lock: -EAGAIN
 *	instead.
 * @putback_page: give back a page isolated but not migrated.
 */
struct mmlab_movable_operations {
	bool (*isolate_page)(struct mmlab_page *page);
	int (*migrate_page)(struct mmlab_page *dst, struct mmlab_page *src,
			    enum mmlab_migrate_mode mode);
	void (*putback_page)(struct mmlab_page *page);
};

#define MMLAB_MAX_MOVABLE_OPS	7

int mmlab_register_movable_ops(const struct mmlab_movable_operations *ops);
void mmlab_unregister_movable_ops(int id);
void mmlab_page_set_movable(struct mmlab_page *page, int ops_id);
const struct mmlab_movable_operations *
mmlab_page_movable_ops(const struct mmlab_page *page);
bool mmlab_movable_isolate(struct mmlab_page *page);
int mmlab_movable_migrate(struct mmlab_page *dst, struct mmlab_page *src,
			  enum mmlab_migrate_mode mode);
void mmlab_movable_putback(struct mmlab_page *page);

#endif /* _MMLAB_BUDDY_H */
