// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mmlab_buddy: the invariants of the buddy allocator on the
 * live region 0 (split and merge, fallback and stealing, per-CPU lists,
 * watermarks and reserves, kswapd and its counters, bad page checks, CPU
 * hotplug, concurrency).
 *
 * Each test leaves the zone as it found it: every page it takes is freed,
 * the tunables it changes are restored, a CPU it takes offline is brought
 * back, a block the bad page checks take out is repaired and freed. The
 * watermark tests log one allocation-failure line or none (they pass
 * __MMLAB_GFP_NOWARN); each bad page test logs the "bad page state" lines
 * it provokes, one per case.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "mmlab_buddy/mmlab_buddy.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define TEST_NID	0
#define NOWAIT		(__MMLAB_GFP_NOWARN)

/* --- Helpers ------------------------------------------------------------ */

static struct mmlab_zone *test_zone(struct kunit *test)
{
	struct mmlab_zone *zone = mmlab_zone(TEST_NID);

	if (!zone)
		kunit_skip(test, "no region");
	return zone;
}

struct free_snapshot {
	unsigned long nr_free[MMLAB_MAX_ORDER];
	unsigned long free_pages;
};

static void snapshot(struct mmlab_zone *zone, struct free_snapshot *s)
{
	unsigned long flags;
	int o;

	mmlab_drain_all_pages(zone->nid);
	spin_lock_irqsave(&zone->lock, flags);
	for (o = 0; o < MMLAB_MAX_ORDER; o++)
		s->nr_free[o] = zone->free_area[o].nr_free;
	s->free_pages = zone->free_pages;
	spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * Walk every free list under the zone lock: each entry is a free head of
 * the list's order and type, aligned, inside the zone; per-order counts
 * match nr_free and the page sums match free_pages and free_cma.
 */
static void check_free_lists(struct kunit *test, struct mmlab_zone *zone)
{
	unsigned long count[MMLAB_MAX_ORDER] = { 0 };
	unsigned long nr_free[MMLAB_MAX_ORDER];
	unsigned long pages = 0, cma = 0, free_pages, free_cma;
	unsigned long flags, bad = 0;
	int o, mt;

	spin_lock_irqsave(&zone->lock, flags);
	for (o = 0; o < MMLAB_MAX_ORDER; o++) {
		nr_free[o] = zone->free_area[o].nr_free;
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++) {
			struct mmlab_page *page;

			list_for_each_entry(page, &zone->free_area[o].free_list[mt], lru) {
				unsigned long pfn = mmlab_page_to_pfn(page);

				if (!mmlab_page_test(page, MMLAB_PG_BUDDY) ||
				    mmlab_page_order(page) != o ||
				    mmlab_page_field(page, MMLAB_PG_MT_MASK,
						     MMLAB_PG_MT_SHIFT) != mt ||
				    pfn & ((1UL << o) - 1) ||
				    pfn < zone->first_usable_pfn ||
				    pfn + (1UL << o) > zone->end_pfn)
					bad++;
				count[o]++;
				if (mt != MMLAB_MIGRATE_ISOLATE)
					pages += 1UL << o;
				if (mt == MMLAB_MIGRATE_CMA)
					cma += 1UL << o;
			}
		}
	}
	free_pages = zone->free_pages;
	free_cma = zone->free_cma;
	spin_unlock_irqrestore(&zone->lock, flags);

	KUNIT_EXPECT_EQ(test, bad, 0UL);
	for (o = 0; o < MMLAB_MAX_ORDER; o++)
		KUNIT_EXPECT_EQ_MSG(test, count[o], nr_free[o], "order %d", o);
	KUNIT_EXPECT_EQ(test, pages, free_pages);
	KUNIT_EXPECT_EQ(test, cma, free_cma);
}

static void expect_same_free(struct kunit *test, struct mmlab_zone *zone,
			     const struct free_snapshot *before)
{
	struct free_snapshot after;
	int o;

	snapshot(zone, &after);
	KUNIT_EXPECT_EQ(test, after.free_pages, before->free_pages);
	for (o = 0; o < MMLAB_MAX_ORDER; o++)
		KUNIT_EXPECT_EQ_MSG(test, after.nr_free[o], before->nr_free[o],
				    "order %d", o);
}

static u32 next_rand(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

struct held {
	struct mmlab_page *page;
	unsigned int order;
};

/* Allocate, check the descriptor and stamp the memory with the pfn. */
static struct mmlab_page *take(struct kunit *test, struct mmlab_zone *zone,
			       mmlab_gfp_t gfp, unsigned int order)
{
	struct mmlab_page *page;
	unsigned long pfn;

	page = mmlab_alloc_pages_owner(zone->nid, gfp | __MMLAB_GFP_THISNODE,
				       order, MMLAB_OWNER_TEST);
	if (!page)
		return NULL;
	pfn = mmlab_page_to_pfn(page);
	KUNIT_EXPECT_EQ(test, pfn & ((1UL << order) - 1), 0UL);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(page), 1);
	KUNIT_EXPECT_EQ(test, (int)mmlab_page_owner(page), MMLAB_OWNER_TEST);
	KUNIT_EXPECT_FALSE(test, mmlab_page_test(page, MMLAB_PG_BUDDY |
						 MMLAB_PG_PCP));
	KUNIT_EXPECT_EQ(test, mmlab_page_test(page, MMLAB_PG_HEAD), order > 0);
	if (order)
		KUNIT_EXPECT_EQ(test, mmlab_page_order(page), order);
	*(unsigned long *)mmlab_page_address(page) = pfn;
	*(unsigned long *)(mmlab_page_address(page) +
			   (PAGE_SIZE << order) - sizeof(long)) = ~pfn;
	return page;
}

/* Check the stamp (a block handed out twice would have lost it) and free. */
static void give(struct kunit *test, struct mmlab_page *page,
		 unsigned int order)
{
	unsigned long pfn = mmlab_page_to_pfn(page);

	KUNIT_EXPECT_EQ(test, *(unsigned long *)mmlab_page_address(page), pfn);
	KUNIT_EXPECT_EQ(test, *(unsigned long *)(mmlab_page_address(page) +
			(PAGE_SIZE << order) - sizeof(long)), ~pfn);
	mmlab_free_pages(page, order);
}

static unsigned long pcp_total(struct mmlab_zone *zone)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->count);
	return sum;
}

static int block_type(struct mmlab_zone *zone, unsigned long pb)
{
	unsigned long pfn = max(zone->pageblock_base +
				pb * MMLAB_PAGEBLOCK_PAGES, zone->start_pfn);

	return mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(pfn));
}

static unsigned long count_blocks(struct mmlab_zone *zone, int mt)
{
	unsigned long pb, n = 0;

	for (pb = 0; pb < zone->nr_pageblocks; pb++)
		if (block_type(zone, pb) == mt)
			n++;
	return n;
}

/* --- Tests -------------------------------------------------------------- */

/*
 * At rest the lists are consistent; with nothing allocated the managed
 * range sits in the largest naturally aligned blocks that fit.
 */
static void mmlab_buddy_initial_state_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	unsigned long expect[MMLAB_MAX_ORDER] = { 0 };
	struct free_snapshot s;
	unsigned long pfn;
	int o;

	snapshot(zone, &s);
	check_free_lists(test, zone);
	KUNIT_EXPECT_LE(test, s.free_pages, zone->managed_pages);
	if (s.free_pages != zone->managed_pages)
		kunit_skip(test, "region in use by others: %lu of %lu free",
			   s.free_pages, zone->managed_pages);

	for (pfn = zone->first_usable_pfn; pfn < zone->end_pfn;) {
		o = min_t(int, __ffs(pfn), MMLAB_MAX_ORDER - 1);
		while (pfn + (1UL << o) > zone->end_pfn)
			o--;
		expect[o]++;
		pfn += 1UL << o;
	}
	for (o = 0; o < MMLAB_MAX_ORDER; o++)
		KUNIT_EXPECT_EQ_MSG(test, s.nr_free[o], expect[o], "order %d", o);
}

#define RANDOM_SLOTS	256
#define RANDOM_OPS	20000

/* Long random alloc/free sequences keep the lists consistent. */
static void mmlab_buddy_random_split_merge_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	static const mmlab_gfp_t types[] = {
		0, __MMLAB_GFP_MOVABLE, __MMLAB_GFP_RECLAIMABLE,
	};
	struct free_snapshot before;
	struct held *h;
	u32 rnd = 0x2545f491;
	unsigned long allocs = 0;
	int i;

	h = kunit_kcalloc(test, RANDOM_SLOTS, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	snapshot(zone, &before);

	for (i = 0; i < RANDOM_OPS; i++) {
		struct held *slot = &h[next_rand(&rnd) % RANDOM_SLOTS];

		if (slot->page) {
			give(test, slot->page, slot->order);
			slot->page = NULL;
			continue;
		}
		slot->order = next_rand(&rnd) % 7;
		slot->page = take(test, zone, NOWAIT |
				  types[next_rand(&rnd) % ARRAY_SIZE(types)],
				  slot->order);
		allocs += !!slot->page;
		if (i % 4000 == 0)
			check_free_lists(test, zone);
	}
	for (i = 0; i < RANDOM_SLOTS; i++)
		if (h[i].page)
			give(test, h[i].page, h[i].order);

	KUNIT_EXPECT_GT(test, allocs, RANDOM_OPS / 4UL);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/*
 * Unlink a held page chained through lru, which the owner may use while
 * the page is allocated; lru shares its words with private and _mapcount,
 * so give them back the values of an unmapped page before freeing it.
 */
static void unchain(struct mmlab_page *page)
{
	list_del(&page->lru);
	page->private = 0;
	atomic_set(&page->_mapcount, -1);
	page->_pad = 0;
}

static void give_list(struct kunit *test, struct list_head *list,
		      unsigned int order)
{
	struct mmlab_page *page, *next;

	list_for_each_entry_safe(page, next, list, lru) {
		unchain(page);
		mmlab_free_pages(page, order);
	}
}

/*
 * Unmovable allocations fall back into a movable pageblock once their own
 * lists are empty, and steal the whole block.
 */
static void mmlab_buddy_fallback_steal_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	long extfrag0 = mmlab_vm_state(MMLAB_EXTFRAG_FALLBACK);
	unsigned long unmovable0, limit = zone->managed_pages / 2, n = 0;
	struct mmlab_page *page = NULL;
	struct free_snapshot before;
	int ret;
	LIST_HEAD(held);

	snapshot(zone, &before);
	/* A small region may have no movable block left: make one. */
	if (!count_blocks(zone, MMLAB_MIGRATE_MOVABLE)) {
		page = mmlab_pfn_to_page(zone->first_usable_pfn);
		ret = mmlab_set_pageblock_migratetype(page,
						      MMLAB_MIGRATE_MOVABLE);
		KUNIT_ASSERT_EQ(test, ret, 0);
		page = NULL;
	}
	unmovable0 = count_blocks(zone, MMLAB_MIGRATE_UNMOVABLE);
	KUNIT_ASSERT_GT(test, count_blocks(zone, MMLAB_MIGRATE_MOVABLE), 0UL);

	while (mmlab_vm_state(MMLAB_EXTFRAG_FALLBACK) == extfrag0 && n < limit) {
		page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
					       __MMLAB_GFP_THISNODE, 0,
					       MMLAB_OWNER_TEST);
		if (!page)
			break;
		list_add(&page->lru, &held);
		n++;
	}
	KUNIT_EXPECT_GT(test, mmlab_vm_state(MMLAB_EXTFRAG_FALLBACK), extfrag0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	/* The last page came from the stolen block, now unmovable. */
	KUNIT_EXPECT_EQ(test, (int)mmlab_get_pageblock_migratetype(page),
			MMLAB_MIGRATE_UNMOVABLE);
	KUNIT_EXPECT_GT(test, count_blocks(zone, MMLAB_MIGRATE_UNMOVABLE),
			unmovable0);
	check_free_lists(test, zone);

	give_list(test, &held, 0);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/* What boost_watermark() caps a boost at: the factor of high, at least a pageblock. */
static unsigned long boost_cap(unsigned long high, int factor)
{
	return max_t(unsigned long, MMLAB_PAGEBLOCK_PAGES,
		     mult_frac(high, (unsigned long)factor, 10000UL));
}

static bool boost_locked(struct mmlab_zone *zone)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&zone->lock, flags);
	ret = mmlab_zone_boost_watermark(zone);
	spin_unlock_irqrestore(&zone->lock, flags);
	return ret;
}

/*
 * boost_watermark() on a zone of the test's own: each fragmenting fallback
 * adds a pageblock, up to watermark_boost_factor/10000 of high but at least
 * a pageblock; factor 0, a factor that gives 0 pages of high, a high of 0
 * or a zone under four pageblocks boost nothing. The factor is a knob with the sysctl's range.
 */
static void mmlab_buddy_boost_watermark_test(struct kunit *test)
{
	struct mmlab_zone *zone = kunit_kzalloc(test, sizeof(*zone), GFP_KERNEL);
	int factor0 = mmlab_get_watermark_boost_factor();
	/* A cap between two and three pageblocks: the last step is partial. */
	unsigned long high = 2 * MMLAB_PAGEBLOCK_PAGES - 3, cap, prev = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, zone);
	spin_lock_init(&zone->lock);
	zone->managed_pages = 64 * MMLAB_PAGEBLOCK_PAGES;
	zone->watermark[MMLAB_WMARK_HIGH] = high;
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(15000), 0);
	cap = boost_cap(high, 15000);
	KUNIT_EXPECT_GT(test, cap, 2 * MMLAB_PAGEBLOCK_PAGES);
	KUNIT_EXPECT_LT(test, cap, 3 * MMLAB_PAGEBLOCK_PAGES);
	for (i = 1; i <= 5; i++) {
		KUNIT_EXPECT_TRUE(test, boost_locked(zone));
		KUNIT_EXPECT_EQ(test, zone->watermark_boost,
				min(prev + MMLAB_PAGEBLOCK_PAGES, cap));
		prev = zone->watermark_boost;
	}
	KUNIT_EXPECT_EQ(test, zone->watermark_boost, cap);

	/* A factor giving less than a pageblock still allows one pageblock... */
	zone->watermark_boost = 0;
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(100), 0);
	KUNIT_EXPECT_GT(test, mult_frac(high, 100UL, 10000UL), 0UL);
	KUNIT_EXPECT_TRUE(test, boost_locked(zone));
	KUNIT_EXPECT_TRUE(test, boost_locked(zone));
	KUNIT_EXPECT_EQ(test, zone->watermark_boost, MMLAB_PAGEBLOCK_PAGES);

	/* ...but one giving 0 pages of high boosts nothing. */
	zone->watermark_boost = 0;
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(1), 0);
	KUNIT_EXPECT_EQ(test, mult_frac(high, 1UL, 10000UL), 0UL);
	KUNIT_EXPECT_FALSE(test, boost_locked(zone));
	KUNIT_EXPECT_EQ(test, zone->watermark_boost, 0UL);

	/* Factor 0 switches boosting off. */
	zone->watermark_boost = 0;
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(0), 0);
	KUNIT_EXPECT_FALSE(test, boost_locked(zone));
	KUNIT_EXPECT_EQ(test, zone->watermark_boost, 0UL);

	/* No high watermark yet, or a zone too small: no boost. */
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(15000), 0);
	zone->watermark[MMLAB_WMARK_HIGH] = 0;
	KUNIT_EXPECT_FALSE(test, boost_locked(zone));
	zone->watermark[MMLAB_WMARK_HIGH] = high;
	zone->managed_pages = 4 * MMLAB_PAGEBLOCK_PAGES - 1;
	KUNIT_EXPECT_FALSE(test, boost_locked(zone));
	KUNIT_EXPECT_EQ(test, zone->watermark_boost, 0UL);

	KUNIT_EXPECT_EQ(test, mmlab_set_watermark_boost_factor(-1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_get_watermark_boost_factor(), 15000);
	KUNIT_EXPECT_EQ(test, mmlab_set_watermark_boost_factor(factor0), 0);
}

/* A page of pageblock @pb of @zone, as block_type() reads it. */
static struct mmlab_page *block_page(struct mmlab_zone *zone, unsigned long pb)
{
	return mmlab_pfn_to_page(max(zone->pageblock_base +
				     pb * MMLAB_PAGEBLOCK_PAGES, zone->start_pfn));
}

/* Put the pageblocks marked in @isolated back to @types. */
static void unisolate_blocks(struct kunit *test, struct mmlab_zone *zone,
			     unsigned long *isolated, u8 *types)
{
	unsigned long pb;

	for_each_set_bit(pb, isolated, zone->nr_pageblocks)
		KUNIT_EXPECT_EQ(test, mmlab_set_pageblock_migratetype(block_page(zone, pb),
								      types[pb]), 0);
	mmlab_drain_all_pages(TEST_NID);
}

/*
 * Isolate every movable or reclaimable pageblock but @keep's, so that an
 * unmovable allocation that falls back finds only the fragments of @keep.
 */
static void isolate_other_blocks(struct kunit *test, struct mmlab_zone *zone,
				 unsigned long keep, unsigned long *isolated,
				 u8 *types)
{
	unsigned long pb;

	for (pb = 0; pb < zone->nr_pageblocks; pb++) {
		int mt = block_type(zone, pb);

		if (pb == keep || (mt != MMLAB_MIGRATE_MOVABLE &&
				   mt != MMLAB_MIGRATE_RECLAIMABLE))
			continue;
		types[pb] = mt;
		KUNIT_ASSERT_EQ(test, mmlab_set_pageblock_migratetype(block_page(zone, pb),
								      MMLAB_MIGRATE_ISOLATE), 0);
		__set_bit(pb, isolated);
	}
}

static bool boost_gone(struct mmlab_zone *zone)
{
	return !READ_ONCE(zone->watermark_boost) &&
	       READ_ONCE(zone->kswapd_sleeping);
}

/*
 * An unmovable allocation that has to take pages from a movable pageblock
 * already split (a fragmenting fallback) boosts the watermarks, as
 * steal_suitable_fallback(), by whole pageblocks up to the cap.
 * It did not ask for kswapd, so nothing is flagged for rmqueue(). Woken,
 * kswapd finds the zone boosted, reclaims the boost and resets it to 0.
 */
static void mmlab_buddy_boost_fallback_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	long extfrag0 = mmlab_vm_state(MMLAB_EXTFRAG_FALLBACK);
	long runs0 = mmlab_vm_state(MMLAB_PAGEOUTRUN);
	unsigned long n = 0, boost, keep, *isolated;
	int factor0 = mmlab_get_watermark_boost_factor();
	struct mmlab_page *mpage, *page;
	struct free_snapshot before;
	u8 *types;
	int i;
	LIST_HEAD(held);

	if (zone->managed_pages < 4 * MMLAB_PAGEBLOCK_PAGES)
		kunit_skip(test, "zone too small to boost");
	isolated = kunit_kcalloc(test, BITS_TO_LONGS(zone->nr_pageblocks),
				 sizeof(long), GFP_KERNEL);
	types = kunit_kcalloc(test, zone->nr_pageblocks, 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, isolated);
	KUNIT_ASSERT_NOT_NULL(test, types);
	snapshot(zone, &before);
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(15000), 0);
	/* Setting the watermarks drops any boost left from earlier tests. */
	KUNIT_ASSERT_EQ(test, mmlab_set_min_free_kbytes(mmlab_get_min_free_kbytes()), 0);
	KUNIT_ASSERT_EQ(test, READ_ONCE(zone->watermark_boost), 0UL);

	/* One movable page splits a movable pageblock. */
	mpage = mmlab_alloc_pages_owner(TEST_NID, NOWAIT | __MMLAB_GFP_MOVABLE |
					__MMLAB_GFP_THISNODE, 0,
					MMLAB_OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, mpage);
	keep = (mmlab_page_to_pfn(mpage) - zone->pageblock_base) /
	       MMLAB_PAGEBLOCK_PAGES;
	KUNIT_ASSERT_EQ(test, block_type(zone, keep), MMLAB_MIGRATE_MOVABLE);
	isolate_other_blocks(test, zone, keep, isolated, types);

	while (!READ_ONCE(zone->watermark_boost) && n < zone->managed_pages) {
		page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
					       __MMLAB_GFP_THISNODE, 0,
					       MMLAB_OWNER_TEST);
		if (!page)
			break;
		list_add(&page->lru, &held);
		n++;
	}
	boost = READ_ONCE(zone->watermark_boost);
	KUNIT_EXPECT_GT(test, mmlab_vm_state(MMLAB_EXTFRAG_FALLBACK), extfrag0);
	KUNIT_EXPECT_GT(test, boost, 0UL);
	KUNIT_EXPECT_LE(test, boost,
			boost_cap(zone->watermark[MMLAB_WMARK_HIGH], 15000));
	KUNIT_EXPECT_EQ(test, boost % MMLAB_PAGEBLOCK_PAGES, 0UL);
	KUNIT_EXPECT_FALSE(test, test_bit(MMLAB_ZONE_BOOSTED_WATERMARK,
					  &zone->flags));

	unisolate_blocks(test, zone, isolated, types);
	give_list(test, &held, 0);
	mmlab_free_pages(mpage, 0);

	mmlab_wakeup_kswapd(TEST_NID, 0);
	for (i = 0; i < 250 && !boost_gone(zone); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->watermark_boost), 0UL);
	KUNIT_EXPECT_GT(test, mmlab_vm_state(MMLAB_PAGEOUTRUN), runs0);

	KUNIT_EXPECT_EQ(test, mmlab_set_watermark_boost_factor(factor0), 0);
	mmlab_drain_all_pages(TEST_NID);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/* Setting a pageblock's type moves its free pages; ISOLATE hides them. */
static void mmlab_buddy_pageblock_isolate_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	unsigned long pfn = round_up(zone->first_usable_pfn,
				     MMLAB_PAGEBLOCK_PAGES);
	struct free_snapshot before;
	unsigned long free_cma0 = READ_ONCE(zone->free_cma);
	struct mmlab_page *page;
	int old, ret;

	if (pfn + MMLAB_PAGEBLOCK_PAGES > zone->end_pfn)
		kunit_skip(test, "no whole pageblock");
	snapshot(zone, &before);
	page = mmlab_pfn_to_page(pfn);
	old = mmlab_get_pageblock_migratetype(page);
	if (!mmlab_page_test(page, MMLAB_PG_BUDDY) ||
	    mmlab_page_order(page) != MMLAB_MAX_ORDER - 1)
		kunit_skip(test, "pageblock in use");

	ret = mmlab_set_pageblock_migratetype(page, MMLAB_MIGRATE_ISOLATE);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, mmlab_zone_free_pages(TEST_NID),
			before.free_pages - MMLAB_PAGEBLOCK_PAGES);
	check_free_lists(test, zone);
	ret = mmlab_set_pageblock_migratetype(page, MMLAB_MIGRATE_TYPES);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);

	ret = mmlab_set_pageblock_migratetype(page, MMLAB_MIGRATE_CMA);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_cma),
			free_cma0 + MMLAB_PAGEBLOCK_PAGES);
	check_free_lists(test, zone);

	KUNIT_ASSERT_EQ(test, mmlab_set_pageblock_migratetype(page, old), 0);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/*
 * The helpers of mmlab_cma: a range of an isolated pageblock is taken as
 * lone pages and given back; a free block is taken for compaction.
 */
static void mmlab_buddy_take_range_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	unsigned long pfn = round_up(zone->first_usable_pfn,
				     MMLAB_PAGEBLOCK_PAGES);
	unsigned long start = pfn + 5, end = pfn + 300, p, flags, nr, again;
	struct free_snapshot before;
	struct mmlab_page *page;
	struct list_head *list;
	unsigned int order;
	int old, ret, busy = 0;

	if (pfn + MMLAB_PAGEBLOCK_PAGES > zone->end_pfn)
		kunit_skip(test, "no whole pageblock");
	snapshot(zone, &before);
	page = mmlab_pfn_to_page(pfn);
	if (!mmlab_page_test(page, MMLAB_PG_BUDDY) ||
	    mmlab_page_order(page) != MMLAB_MAX_ORDER - 1)
		kunit_skip(test, "pageblock in use");
	old = mmlab_get_pageblock_migratetype(page);

	KUNIT_EXPECT_EQ(test, mmlab_take_free_range(start, end,
						    MMLAB_OWNER_TEST), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmlab_test_range_isolated(zone->start_pfn,
							end), -EINVAL);
	ret = mmlab_set_pageblock_migratetype(page, MMLAB_MIGRATE_ISOLATE);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, mmlab_test_range_isolated(start, end), 0);
	KUNIT_ASSERT_EQ(test, mmlab_take_free_range(start, end,
						    MMLAB_OWNER_TEST), 0);
	KUNIT_EXPECT_EQ(test, mmlab_test_range_isolated(start, end), -EBUSY);
	for (p = start; p < end; p++) {
		struct mmlab_page *lone = mmlab_pfn_to_page(p);

		if (mmlab_page_count(lone) != 1 ||
		    mmlab_page_owner(lone) != MMLAB_OWNER_TEST)
			busy++;
	}
	KUNIT_EXPECT_EQ(test, busy, 0);
	check_free_lists(test, zone);
	for (p = start; p < end; p++)
		mmlab_free_pages(mmlab_pfn_to_page(p), 0);
	KUNIT_EXPECT_EQ(test, mmlab_test_range_isolated(pfn, pfn +
						MMLAB_PAGEBLOCK_PAGES), 0);
	KUNIT_ASSERT_EQ(test, mmlab_set_pageblock_migratetype(page, old), 0);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);

	/* One free block, taken for compaction and given back page by page. */
	page = NULL;
	spin_lock_irqsave(&zone->lock, flags);
	for (order = 3; order < MMLAB_MAX_ORDER && !page; order++) {
		list = &zone->free_area[order].free_list[MMLAB_MIGRATE_MOVABLE];
		page = list_first_entry_or_null(list, struct mmlab_page, lru);
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	if (!page)
		return;
	order--;
	spin_lock_irqsave(&zone->lock, flags);
	nr = __mmlab_isolate_free_page(page, order, MMLAB_OWNER_TEST);
	again = __mmlab_isolate_free_page(page, order, MMLAB_OWNER_TEST);
	spin_unlock_irqrestore(&zone->lock, flags);
	KUNIT_ASSERT_EQ(test, nr, 1UL << order);
	KUNIT_EXPECT_EQ(test, again, 0UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages),
			before.free_pages - nr);
	for (p = 0; p < nr; p++)
		mmlab_free_pages(page + p, 0);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/* Allocate @n order-0 pages of the test zone into @pages. */
static void take_pages(struct kunit *test, struct mmlab_page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		pages[i] = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
						   __MMLAB_GFP_THISNODE, 0,
						   MMLAB_OWNER_TEST);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
}

/* Per-CPU lists refill by batch, count what they hold, drain on demand. */
static void mmlab_buddy_pcp_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct mmlab_per_cpu_pages *pcp;
	struct mmlab_page *page, **pages;
	unsigned long free0, flags;
	int batch, high, count, i, n, listed, over = 0, unmarked = 0;

	mmlab_drain_all_pages(TEST_NID);
	KUNIT_EXPECT_EQ(test, pcp_total(zone), 0UL);

	preempt_disable();
	pcp = this_cpu_ptr(zone->pcp);
	batch = READ_ONCE(pcp->batch);
	high = READ_ONCE(pcp->high);
	free0 = READ_ONCE(zone->free_pages);
	page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT | __MMLAB_GFP_THISNODE,
				       0, MMLAB_OWNER_TEST);
	count = READ_ONCE(pcp->count);
	preempt_enable();
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, count, batch - 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0 - batch);

	/* Every page counted is on a list, and the other way round. */
	spin_lock_irqsave(&pcp->lock, flags);
	listed = 0;
	for (i = 0; i < MMLAB_NR_PCP_LISTS; i++) {
		struct mmlab_page *p;

		list_for_each_entry(p, &pcp->lists[i], lru) {
			unmarked += !mmlab_page_test(p, MMLAB_PG_PCP);
			listed += 1 << mmlab_page_order(p);
		}
	}
	count = pcp->count;
	spin_unlock_irqrestore(&pcp->lock, flags);
	/* Asserted outside the lock: a failure allocates. */
	KUNIT_EXPECT_EQ(test, unmarked, 0);
	KUNIT_EXPECT_EQ(test, listed, count);

	mmlab_free_pages(page, 0);
	mmlab_drain_all_pages(TEST_NID);
	KUNIT_EXPECT_EQ(test, pcp_total(zone), 0UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0);

	/* Freeing many pages on one CPU never lets its list pass high. */
	n = high + 4 * batch;
	pages = kunit_kcalloc(test, n, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	take_pages(test, pages, n);
	preempt_disable();
	pcp = this_cpu_ptr(zone->pcp);
	for (i = 0; i < n; i++) {
		mmlab_free_pages(pages[i], 0);
		if (READ_ONCE(pcp->count) >= high)
			over++;
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, over, 0);
	mmlab_drain_all_pages(TEST_NID);
	KUNIT_EXPECT_EQ(test, pcp_total(zone), 0UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0);
	check_free_lists(test, zone);
}

/*
 * Bulk allocation (6.1's alloc_pages_bulk_array()): entries already set
 * are kept, the others are filled with distinct allocated order-0 pages of
 * the owner asked for, taken from this CPU's list (refilled on the way);
 * a bad owner or region fills nothing; everything freed, the zone is as
 * before.
 */
#define BULK_PAGES	96

static void mmlab_buddy_bulk_alloc_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct mmlab_page **pages, *kept;
	unsigned long free0, got;
	int i, j, bad = 0, dup = 0;

	pages = kunit_kcalloc(test, BULK_PAGES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	mmlab_drain_all_pages(TEST_NID);
	free0 = READ_ONCE(zone->free_pages);
	kept = mmlab_alloc_pages_owner(TEST_NID, NOWAIT, 0, MMLAB_OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, kept);
	pages[BULK_PAGES / 3] = kept;	/* a hole-free start, then a kept entry */
	got = mmlab_alloc_pages_bulk(TEST_NID, NOWAIT, BULK_PAGES, pages,
				     MMLAB_OWNER_TEST);
	KUNIT_EXPECT_EQ(test, got, (unsigned long)BULK_PAGES);
	KUNIT_EXPECT_PTR_EQ(test, pages[BULK_PAGES / 3], kept);
	for (i = 0; i < BULK_PAGES; i++) {
		if (!pages[i] || mmlab_page_owner(pages[i]) != MMLAB_OWNER_TEST ||
		    mmlab_page_count(pages[i]) != 1 || mmlab_page_order(pages[i]) ||
		    mmlab_page_test(pages[i], MMLAB_PG_PCP | MMLAB_PG_BUDDY))
			bad++;
		for (j = 0; j < i; j++)
			dup += pages[j] == pages[i];
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, dup, 0);
	for (i = 0; i < BULK_PAGES; i++)
		mmlab_free_pages(pages[i], 0);

	memset(pages, 0, BULK_PAGES * sizeof(*pages));
	KUNIT_EXPECT_EQ(test, mmlab_alloc_pages_bulk(TEST_NID, NOWAIT, BULK_PAGES,
						     pages, MMLAB_OWNER_FREE), 0UL);
	KUNIT_EXPECT_EQ(test, mmlab_alloc_pages_bulk(MMLAB_MAX_REGIONS, NOWAIT,
						     BULK_PAGES, pages,
						     MMLAB_OWNER_TEST), 0UL);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], NULL);
	mmlab_drain_all_pages(TEST_NID);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0);
	check_free_lists(test, zone);
}

/*
 * With this CPU's lists locked (an interrupt arriving in the middle of the
 * fast path sees the same), allocation and free do not wait for the lock
 * (6.1's pcp_spin_trylock()): they use the zone, and the lists stay as
 * they were.
 */
static void mmlab_buddy_pcp_trylock_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct mmlab_per_cpu_pages *pcp;
	unsigned long free0, free_taken, free_given;
	int count0, count_taken, count_given;
	struct mmlab_page *page;

	mmlab_drain_all_pages(TEST_NID);
	preempt_disable();
	pcp = this_cpu_ptr(zone->pcp);
	spin_lock(&pcp->lock);
	count0 = pcp->count;
	free0 = READ_ONCE(zone->free_pages);
	page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT | __MMLAB_GFP_THISNODE,
				       0, MMLAB_OWNER_TEST);
	count_taken = pcp->count;
	free_taken = READ_ONCE(zone->free_pages);
	if (page)
		mmlab_free_pages(page, 0);
	count_given = pcp->count;
	free_given = READ_ONCE(zone->free_pages);
	spin_unlock(&pcp->lock);
	preempt_enable();

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, count_taken, count0);
	KUNIT_EXPECT_EQ(test, free_taken, free0 - 1);
	KUNIT_EXPECT_EQ(test, count_given, count0);
	KUNIT_EXPECT_EQ(test, free_given, free0);
	check_free_lists(test, zone);
}

/*
 * Frees past high in a row give back more each time (free_factor), never
 * leaving fewer than a batch nor keeping high or more; an allocation
 * halves free_factor; an order-1 free while it is raised empties the
 * lists (6.1's nr_pcp_free() and free_high).
 */
static void mmlab_buddy_pcp_free_factor_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	int batch, high, n, i, drains = 0, grew = 0, bad_left = 0, over = 0;
	int factor_max = 0, factor_before_alloc, factor_after_alloc, count;
	struct mmlab_per_cpu_pages *pcp;
	struct mmlab_page **pages, *page, *pair;
	unsigned long free0;

	mmlab_drain_all_pages(TEST_NID);
	free0 = READ_ONCE(zone->free_pages);
	pcp = raw_cpu_ptr(zone->pcp);
	batch = READ_ONCE(pcp->batch);
	high = READ_ONCE(pcp->high);
	if (high < 3 * batch)
		kunit_skip(test, "high %d leaves no room to scale a batch of %d",
			   high, batch);
	n = 4 * high;
	pages = kunit_kcalloc(test, n, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	take_pages(test, pages, n);
	pair = mmlab_alloc_pages_owner(TEST_NID, NOWAIT | __MMLAB_GFP_THISNODE,
				       1, MMLAB_OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, pair);

	preempt_disable();
	pcp = this_cpu_ptr(zone->pcp);
	pcp->free_factor = 0;
	for (i = 0; i < n; i++) {
		int before = pcp->count, factor = pcp->free_factor;

		mmlab_free_pages(pages[i], 0);
		if (pcp->count >= high)
			over++;
		if (pcp->count > before)
			continue;
		/* This free gave pages back. */
		drains++;
		if (pcp->count < batch)
			bad_left++;
		if (pcp->free_factor > factor)
			grew++;
		factor_max = max_t(int, factor_max, pcp->free_factor);
	}
	factor_before_alloc = pcp->free_factor;
	page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT | __MMLAB_GFP_THISNODE,
				       0, MMLAB_OWNER_TEST);
	factor_after_alloc = pcp->free_factor;
	if (page)
		mmlab_free_pages(page, 0);
	/* free_factor is raised again by the free above if it drained. */
	pcp->free_factor = max_t(short, pcp->free_factor, 1);
	mmlab_free_pages(pair, 1);
	count = pcp->count;
	preempt_enable();

	KUNIT_EXPECT_EQ(test, over, 0);
	KUNIT_EXPECT_GE(test, drains, 2);
	KUNIT_EXPECT_EQ(test, bad_left, 0);
	KUNIT_EXPECT_GE(test, grew, 1);
	KUNIT_EXPECT_GE(test, factor_max, 1);
	KUNIT_EXPECT_EQ(test, factor_after_alloc, factor_before_alloc >> 1);
	KUNIT_EXPECT_EQ(test, count, 0);
	mmlab_drain_all_pages(TEST_NID);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0);
	check_free_lists(test, zone);
}

/*
 * While kswapd balances the zone the lists keep less than four batches
 * (6.1's nr_pcp_high() under ZONE_RECLAIM_ACTIVE).
 */
static void mmlab_buddy_pcp_reclaim_active_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct mmlab_per_cpu_pages *pcp;
	struct mmlab_page **pages;
	int batch, high, limit, n, i, over = 0, peak = 0;
	unsigned long free0;

	mmlab_drain_all_pages(TEST_NID);
	free0 = READ_ONCE(zone->free_pages);
	pcp = raw_cpu_ptr(zone->pcp);
	batch = READ_ONCE(pcp->batch);
	high = READ_ONCE(pcp->high);
	limit = min(batch << 2, high);
	n = 2 * high;
	pages = kunit_kcalloc(test, n, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	take_pages(test, pages, n);

	preempt_disable();
	set_bit(MMLAB_ZONE_RECLAIM_ACTIVE, &zone->flags);
	pcp = this_cpu_ptr(zone->pcp);
	for (i = 0; i < n; i++) {
		mmlab_free_pages(pages[i], 0);
		peak = max(peak, pcp->count);
		if (pcp->count >= limit)
			over++;
	}
	clear_bit(MMLAB_ZONE_RECLAIM_ACTIVE, &zone->flags);
	preempt_enable();

	kunit_info(test, "batch %d high %d: at most %d kept while reclaiming\n",
		   batch, high, peak);
	KUNIT_EXPECT_EQ(test, over, 0);
	KUNIT_EXPECT_GT(test, peak, 0);
	mmlab_drain_all_pages(TEST_NID);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0);
}

struct wmark_state {
	int min_free_kbytes;
};

static void raise_watermarks(struct kunit *test, struct mmlab_zone *zone,
			     struct wmark_state *saved)
{
	int kb = (zone->managed_pages << (PAGE_SHIFT - 10)) / 8;

	saved->min_free_kbytes = mmlab_get_min_free_kbytes();
	KUNIT_ASSERT_EQ(test, mmlab_set_min_free_kbytes(kb), 0);
}

static void restore_watermarks(struct kunit *test, struct wmark_state *saved)
{
	KUNIT_EXPECT_EQ(test, mmlab_set_min_free_kbytes(saved->min_free_kbytes),
			0);
}

/*
 * A plain allocation is refused once free pages reach min; __MMLAB_GFP_HIGH
 * without reclaim still gets pages below min, down to min/2 - min/8 (the
 * ALLOC_MIN_RESERVE and ALLOC_NON_BLOCK cuts of __zone_watermark_ok()).
 * Neither wakes kswapd, so nothing else moves the free count meanwhile.
 */
static void mmlab_buddy_watermark_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	unsigned long min, floor, free, slack, normal = 0, atomic = 0;
	struct free_snapshot before;
	struct wmark_state saved;
	struct mmlab_page *page;
	LIST_HEAD(held);

	snapshot(zone, &before);
	raise_watermarks(test, zone, &saved);
	min = zone->watermark[MMLAB_WMARK_MIN];
	floor = min - min / 2;
	floor -= floor / 4;
	KUNIT_EXPECT_LT(test, min, zone->watermark[MMLAB_WMARK_LOW]);
	KUNIT_EXPECT_LT(test, zone->watermark[MMLAB_WMARK_LOW],
			zone->watermark[MMLAB_WMARK_HIGH]);
	/* Pages a plain allocation may not count. */
	slack = READ_ONCE(zone->nr_reserved_highatomic) +
		READ_ONCE(zone->free_cma);

	while ((page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
					       __MMLAB_GFP_THISNODE, 0,
					       MMLAB_OWNER_TEST))) {
		list_add(&page->lru, &held);
		normal++;
	}
	free = READ_ONCE(zone->free_pages);
	KUNIT_EXPECT_GT(test, normal, 0UL);
	KUNIT_EXPECT_LE(test, free, min + slack);
	/* Refused with plenty left: it was the watermark, not memory. */
	KUNIT_EXPECT_GT(test, free + pcp_total(zone), floor);
	KUNIT_EXPECT_FALSE(test, mmlab_zone_watermark_ok(TEST_NID, 0,
							 MMLAB_WMARK_MIN));

	while ((page = mmlab_alloc_pages_owner(TEST_NID, __MMLAB_GFP_HIGH |
					       NOWAIT | __MMLAB_GFP_THISNODE,
					       0, MMLAB_OWNER_TEST))) {
		list_add(&page->lru, &held);
		atomic++;
	}
	free = READ_ONCE(zone->free_pages);
	KUNIT_EXPECT_GT(test, atomic, 0UL);
	KUNIT_EXPECT_LT(test, free, min);
	KUNIT_EXPECT_LE(test, free, floor + slack);
	KUNIT_EXPECT_GT(test, free + pcp_total(zone), floor / 2);

	give_list(test, &held, 0);
	restore_watermarks(test, &saved);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/* Take order-0 pages without waking kswapd until free is just below low. */
static unsigned long fill_below_low(struct mmlab_zone *zone,
				    struct list_head *held)
{
	unsigned long low = zone->watermark[MMLAB_WMARK_LOW], n = 0;
	struct mmlab_page *page;

	while (READ_ONCE(zone->free_pages) >= low - 8) {
		page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
					       __MMLAB_GFP_THISNODE, 0,
					       MMLAB_OWNER_TEST);
		if (!page)
			break;
		list_add(&page->lru, held);
		n++;
	}
	return n;
}

/*
 * Once the zone is below low, a high-order __MMLAB_GFP_HIGH allocation
 * that cannot reclaim reserves its pageblock as HIGHATOMIC.
 */
static void mmlab_buddy_highatomic_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;
	struct wmark_state saved;
	struct mmlab_page *page;
	unsigned long pb;
	int old_mt, *types;
	LIST_HEAD(held);

	if (READ_ONCE(zone->nr_reserved_highatomic))
		kunit_skip(test, "a reserve exists already");
	types = kunit_kcalloc(test, zone->nr_pageblocks, sizeof(*types),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, types);
	for (pb = 0; pb < zone->nr_pageblocks; pb++)
		types[pb] = block_type(zone, pb);
	snapshot(zone, &before);
	raise_watermarks(test, zone, &saved);
	fill_below_low(zone, &held);
	KUNIT_ASSERT_LT(test, READ_ONCE(zone->free_pages),
			zone->watermark[MMLAB_WMARK_LOW]);

	page = mmlab_alloc_pages_owner(TEST_NID, __MMLAB_GFP_HIGH | NOWAIT |
				       __MMLAB_GFP_THISNODE, 2,
				       MMLAB_OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->nr_reserved_highatomic),
			MMLAB_PAGEBLOCK_PAGES);
	KUNIT_EXPECT_EQ(test, (int)mmlab_get_pageblock_migratetype(page),
			MMLAB_MIGRATE_HIGHATOMIC);
	KUNIT_EXPECT_EQ(test, count_blocks(zone, MMLAB_MIGRATE_HIGHATOMIC), 1UL);
	check_free_lists(test, zone);

	/* Give the block back its type from before the reservation. */
	old_mt = types[(mmlab_page_to_pfn(page) - zone->pageblock_base) /
		       MMLAB_PAGEBLOCK_PAGES];
	mmlab_free_pages(page, 2);
	give_list(test, &held, 0);
	mmlab_drain_all_pages(TEST_NID);
	KUNIT_EXPECT_EQ(test, mmlab_set_pageblock_migratetype(page, old_mt), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->nr_reserved_highatomic), 0UL);
	restore_watermarks(test, &saved);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

struct test_shrinker {
	struct mmlab_shrinker shrinker;
	spinlock_t lock;	/* protects pages and nr */
	struct list_head pages;
	unsigned long nr;
	atomic_t scans;
};

static unsigned long test_count(struct mmlab_shrinker *s, int nid)
{
	struct test_shrinker *ts = container_of(s, struct test_shrinker,
						shrinker);

	return READ_ONCE(ts->nr);
}

static unsigned long test_scan(struct mmlab_shrinker *s, int nid,
			       unsigned long nr_to_scan)
{
	struct test_shrinker *ts = container_of(s, struct test_shrinker,
						shrinker);
	unsigned long freed = 0;

	atomic_inc(&ts->scans);
	while (freed < nr_to_scan) {
		struct mmlab_page *page;

		spin_lock(&ts->lock);
		page = list_first_entry_or_null(&ts->pages, struct mmlab_page,
						lru);
		if (page) {
			unchain(page);
			ts->nr--;
		}
		spin_unlock(&ts->lock);
		if (!page)
			break;
		mmlab_free_pages(page, 0);
		freed++;
	}
	return freed;
}

static bool kswapd_settled(struct mmlab_zone *zone)
{
	return READ_ONCE(zone->kswapd_sleeping) &&
	       !READ_ONCE(zone->kswapd_pending) &&
	       READ_ONCE(zone->free_pages) >= zone->watermark[MMLAB_WMARK_HIGH];
}

/*
 * Below low, an allocation wakes kswapd; kswapd reclaims from the
 * shrinker until the zone is at high, then sleeps. It found the zone
 * balanced and was not woken early: neither *_wmark_hit_quickly counts.
 */
static void mmlab_buddy_kswapd_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	long runs0 = mmlab_vm_state(MMLAB_PAGEOUTRUN), high0, low0;
	struct test_shrinker *ts;
	struct free_snapshot before;
	struct wmark_state saved;
	struct mmlab_page *page;
	unsigned long low;
	int i;

	ts = kunit_kzalloc(test, sizeof(*ts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ts);
	spin_lock_init(&ts->lock);
	INIT_LIST_HEAD(&ts->pages);
	ts->shrinker.name = "mmlab_buddy_kunit";
	ts->shrinker.count = test_count;
	ts->shrinker.scan = test_scan;

	snapshot(zone, &before);
	raise_watermarks(test, zone, &saved);
	low = zone->watermark[MMLAB_WMARK_LOW];
	mmlab_wakeup_kswapd(TEST_NID, 0);	/* forget earlier failures */
	for (i = 0; i < 50 && !kswapd_settled(zone); i++)
		msleep(20);
	KUNIT_ASSERT_TRUE(test, kswapd_settled(zone));

	/* Ballast held for the shrinker, taken without waking kswapd. */
	ts->nr = fill_below_low(zone, &ts->pages);
	KUNIT_ASSERT_LT(test, READ_ONCE(zone->free_pages), low);
	KUNIT_ASSERT_EQ(test, mmlab_register_shrinker(&ts->shrinker), 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(zone->kswapd_sleeping));
	high0 = mmlab_vm_state(MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	low0 = mmlab_vm_state(MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY);

	/* This one may wake kswapd. */
	page = mmlab_alloc_pages_owner(TEST_NID, MMLAB_GFP_NOWAIT | NOWAIT |
				       __MMLAB_GFP_THISNODE, 0,
				       MMLAB_OWNER_TEST);
	if (page)
		mmlab_free_pages(page, 0);

	for (i = 0; i < 250 && !(atomic_read(&ts->scans) &&
				 kswapd_settled(zone)); i++)
		msleep(20);
	KUNIT_EXPECT_GT(test, atomic_read(&ts->scans), 0);
	KUNIT_EXPECT_GT(test, mmlab_vm_state(MMLAB_PAGEOUTRUN), runs0);
	KUNIT_EXPECT_GE(test, READ_ONCE(zone->free_pages),
			zone->watermark[MMLAB_WMARK_HIGH]);
	KUNIT_EXPECT_TRUE(test, kswapd_settled(zone));
	KUNIT_EXPECT_EQ(test, mmlab_vm_state(MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY),
			high0);
	KUNIT_EXPECT_EQ(test, mmlab_vm_state(MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY),
			low0);

	mmlab_unregister_shrinker(&ts->shrinker);
	test_scan(&ts->shrinker, TEST_NID, ULONG_MAX);
	restore_watermarks(test, &saved);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/*
 * A plain allocation refused at min succeeds with __MMLAB_GFP_DIRECT_RECLAIM:
 * direct reclaim drains the per-CPU lists and asks the shrinkers.
 */
static void mmlab_buddy_direct_reclaim_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	long stalls0 = mmlab_vm_state(MMLAB_ALLOCSTALL_NORMAL);
	long steal0 = mmlab_vm_state(MMLAB_PGSTEAL_DIRECT);
	struct free_snapshot before;
	struct wmark_state saved;
	struct test_shrinker *ts;
	struct mmlab_page *page;

	ts = kunit_kzalloc(test, sizeof(*ts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ts);
	spin_lock_init(&ts->lock);
	INIT_LIST_HEAD(&ts->pages);
	ts->shrinker.name = "mmlab_buddy_kunit";
	ts->shrinker.count = test_count;
	ts->shrinker.scan = test_scan;

	snapshot(zone, &before);
	raise_watermarks(test, zone, &saved);
	while ((page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
					       __MMLAB_GFP_THISNODE, 0,
					       MMLAB_OWNER_TEST))) {
		list_add(&page->lru, &ts->pages);
		ts->nr++;
	}
	KUNIT_ASSERT_EQ(test, mmlab_register_shrinker(&ts->shrinker), 0);

	page = mmlab_alloc_pages_owner(TEST_NID, __MMLAB_GFP_DIRECT_RECLAIM |
				       NOWAIT | __MMLAB_GFP_THISNODE, 0,
				       MMLAB_OWNER_TEST);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_GT(test, mmlab_vm_state(MMLAB_ALLOCSTALL_NORMAL), stalls0);
	KUNIT_EXPECT_GT(test, mmlab_vm_state(MMLAB_PGSTEAL_DIRECT), steal0);
	KUNIT_EXPECT_GT(test, atomic_read(&ts->scans), 0);
	if (page)
		mmlab_free_pages(page, 0);

	mmlab_unregister_shrinker(&ts->shrinker);
	test_scan(&ts->shrinker, TEST_NID, ULONG_MAX);
	restore_watermarks(test, &saved);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

#define MAX_COMPACT_CALLS	32

/* A fake compaction provider: answers @result, records the priorities. */
static struct {
	atomic_t calls;
	enum mmlab_compact_result result;
	enum mmlab_compact_priority prio[MAX_COMPACT_CALLS];
} fake_compact;

static enum mmlab_compact_result
test_try_to_compact(int nid, unsigned int order, mmlab_gfp_t gfp,
		    enum mmlab_compact_priority prio, struct mmlab_page **capture)
{
	int n = atomic_inc_return(&fake_compact.calls) - 1;

	*capture = NULL;

	if (n < MAX_COMPACT_CALLS)
		fake_compact.prio[n] = prio;
	return fake_compact.result;
}

static const struct mmlab_compact_ops test_compact_ops = {
	.try_to_compact = test_try_to_compact,
};

/*
 * Fill the test zone with blocks of @order, then make one more allocation
 * of @order and @mt that may sleep, with the fake provider answering
 * @result. Returns the calls the provider got; @stall and @fail get the
 * compact_stall and compact_fail it counted.
 */
static int direct_compact_once(struct kunit *test, unsigned int order,
			       mmlab_gfp_t mt, enum mmlab_compact_result result,
			       long *stall, long *fail)
{
	struct mmlab_zone *zone = test_zone(test);
	long stall0 = mmlab_vm_state(MMLAB_COMPACT_STALL);
	long fail0 = mmlab_vm_state(MMLAB_COMPACT_FAIL);
	struct free_snapshot before;
	struct mmlab_page *page;
	int boost_factor;
	LIST_HEAD(held);

	if (mmlab_set_compact_ops(&test_compact_ops))
		kunit_skip(test, "a compaction provider is registered");
	/* No boost left behind for the next cases (per-CPU high follows it). */
	boost_factor = mmlab_get_watermark_boost_factor();
	KUNIT_EXPECT_EQ(test, mmlab_set_watermark_boost_factor(0), 0);
	atomic_set(&fake_compact.calls, 0);
	fake_compact.result = result;
	snapshot(zone, &before);
	/* Until none is left, the per-CPU lists drained too. */
	do {
		while ((page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT | mt |
						       __MMLAB_GFP_THISNODE,
						       order,
						       MMLAB_OWNER_TEST)))
			list_add(&page->lru, &held);
		mmlab_drain_all_pages(TEST_NID);
		page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT | mt |
					       __MMLAB_GFP_THISNODE, order,
					       MMLAB_OWNER_TEST);
		if (page)
			list_add(&page->lru, &held);
	} while (page);

	page = mmlab_alloc_pages_owner(TEST_NID, __MMLAB_GFP_DIRECT_RECLAIM |
				       mt | NOWAIT | __MMLAB_GFP_THISNODE,
				       order, MMLAB_OWNER_TEST);
	mmlab_clear_compact_ops(&test_compact_ops);
	mmlab_set_watermark_boost_factor(boost_factor);
	if (page)
		list_add(&page->lru, &held);
	*stall = mmlab_vm_state(MMLAB_COMPACT_STALL) - stall0;
	*fail = mmlab_vm_state(MMLAB_COMPACT_FAIL) - fail0;
	give_list(test, &held, order);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
	return atomic_read(&fake_compact.calls);
}

/*
 * A costly allocation that finds no block compacts async first, then
 * harder, never below MMLAB_MIN_COMPACT_COSTLY_PRIORITY; every attempt
 * that compacted counts a stall and a failure, as
 * __alloc_pages_direct_compact() counts them.
 */
static void mmlab_buddy_direct_compact_test(struct kunit *test)
{
	const unsigned int order = MMLAB_MAX_ORDER - 1;
	long stall, fail;
	int calls, i;

	calls = direct_compact_once(test, order, __MMLAB_GFP_MOVABLE,
				    MMLAB_CR_COMPLETE, &stall, &fail);
	KUNIT_ASSERT_GE(test, calls, 2);
	KUNIT_ASSERT_LE(test, calls, MAX_COMPACT_CALLS);
	KUNIT_EXPECT_EQ(test, stall, (long)calls);
	KUNIT_EXPECT_EQ(test, fail, (long)calls);
	KUNIT_EXPECT_EQ(test, fake_compact.prio[0], MMLAB_COMPACT_PRIO_ASYNC);
	for (i = 1; i < calls; i++) {
		KUNIT_EXPECT_LE(test, fake_compact.prio[i],
				fake_compact.prio[i - 1]);
		KUNIT_EXPECT_EQ(test, fake_compact.prio[i],
				MMLAB_MIN_COMPACT_COSTLY_PRIORITY);
	}
}

/*
 * A movable allocation of a cheap order goes straight to reclaim and
 * sync compaction, and ends trying the hardest priority.
 */
static void mmlab_buddy_direct_compact_escalate_test(struct kunit *test)
{
	const unsigned int order = MMLAB_PAGE_ALLOC_COSTLY_ORDER - 1;
	long stall, fail;
	int calls, i;

	calls = direct_compact_once(test, order, __MMLAB_GFP_MOVABLE,
				    MMLAB_CR_COMPLETE, &stall, &fail);
	KUNIT_ASSERT_GE(test, calls, 2);
	KUNIT_ASSERT_LE(test, calls, MAX_COMPACT_CALLS);
	KUNIT_EXPECT_EQ(test, stall, (long)calls);
	for (i = 0; i < calls; i++)
		KUNIT_EXPECT_NE(test, fake_compact.prio[i],
				MMLAB_COMPACT_PRIO_ASYNC);
	KUNIT_EXPECT_EQ(test, fake_compact.prio[calls - 1],
			MMLAB_MIN_COMPACT_PRIORITY);
}

/*
 * Attempts that every zone skipped (too few free pages, or no need) are
 * no stall and no failure.
 */
static void mmlab_buddy_direct_compact_skipped_test(struct kunit *test)
{
	long stall, fail;
	int calls;

	calls = direct_compact_once(test, MMLAB_MAX_ORDER - 1,
				    __MMLAB_GFP_MOVABLE, MMLAB_CR_SKIPPED,
				    &stall, &fail);
	KUNIT_EXPECT_GT(test, calls, 0);
	KUNIT_EXPECT_EQ(test, stall, 0L);
	KUNIT_EXPECT_EQ(test, fail, 0L);
}

#define NR_THREADS	4
#define THREAD_OPS	4000
#define THREAD_SLOTS	64

struct worker {
	struct kunit *test;
	struct mmlab_zone *zone;
	struct completion done;
	u32 seed;
	unsigned long allocs;
	struct held held[THREAD_SLOTS];
};

static int worker_fn(void *data)
{
	struct worker *w = data;
	struct held *h = w->held;
	u32 rnd = w->seed;
	int i;

	for (i = 0; i < THREAD_OPS; i++) {
		struct held *slot = &h[next_rand(&rnd) % THREAD_SLOTS];

		if (slot->page) {
			give(w->test, slot->page, slot->order);
			slot->page = NULL;
		} else {
			slot->order = next_rand(&rnd) % 5;
			slot->page = take(w->test, w->zone,
					  NOWAIT | (i & 1 ? __MMLAB_GFP_MOVABLE : 0),
					  slot->order);
			w->allocs += !!slot->page;
		}
		if (i % 256 == 0)
			cond_resched();
	}
	for (i = 0; i < THREAD_SLOTS; i++)
		if (h[i].page)
			give(w->test, h[i].page, h[i].order);
	complete(&w->done);
	return 0;
}

/* Several threads allocating and freeing at once keep the invariants. */
static void mmlab_buddy_concurrent_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;
	struct worker *w;
	int i;

	w = kunit_kcalloc(test, NR_THREADS, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	snapshot(zone, &before);
	for (i = 0; i < NR_THREADS; i++) {
		struct task_struct *t;

		w[i].test = test;
		w[i].zone = zone;
		w[i].seed = 0x9e3779b9 * (i + 1);
		init_completion(&w[i].done);
		t = kthread_run(worker_fn, &w[i], "mmlab_buddy_kunit%d", i);
		if (IS_ERR(t))
			complete(&w[i].done);
		KUNIT_EXPECT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < NR_THREADS; i++) {
		wait_for_completion(&w[i].done);
		KUNIT_EXPECT_GT(test, w[i].allocs, THREAD_OPS / 4UL);
	}
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/* Cost of an alloc/free pair through the per-CPU lists and the zone. */
static void mmlab_buddy_speed_test(struct kunit *test)
{
	static const unsigned int orders[] = { 0, 3, 4, 9 };
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;
	int i, n;

	snapshot(zone, &before);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		ktime_t t0 = ktime_get();
		s64 ns;

		for (n = 0; n < 2000; n++) {
			struct mmlab_page *page;

			page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
						       __MMLAB_GFP_THISNODE,
						       orders[i],
						       MMLAB_OWNER_TEST);
			KUNIT_ASSERT_NOT_NULL(test, page);
			mmlab_free_pages(page, orders[i]);
		}
		ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
		kunit_info(test, "order %u: %lld ns per alloc+free\n",
			   orders[i], div_s64(ns, n));
	}
	expect_same_free(test, zone, &before);
}

static bool test_isolate(struct mmlab_page *page)
{
	return true;
}

static int test_migrate(struct mmlab_page *dst, struct mmlab_page *src,
			enum mmlab_migrate_mode mode)
{
	return -EAGAIN;
}

static void test_putback(struct mmlab_page *page)
{
}

static const struct mmlab_movable_operations test_movable_ops = {
	.isolate_page = test_isolate,
	.migrate_page = test_migrate,
	.putback_page = test_putback,
};

/*
 * Per-page state: zeroed allocations, references, tails, movable
 * operations found through the page.
 */
static void mmlab_buddy_page_state_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;
	struct mmlab_page *page;
	int id, i;

	snapshot(zone, &before);
	page = take(test, zone, NOWAIT | __MMLAB_GFP_ZERO, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(mmlab_page_address(page), 0xa5, PAGE_SIZE << 2);
	mmlab_free_pages(page, 2);
	mmlab_drain_all_pages(TEST_NID);
	for (i = 0; i < 8; i++) {
		page = mmlab_alloc_pages_owner(TEST_NID, NOWAIT |
					       __MMLAB_GFP_ZERO, 2,
					       MMLAB_OWNER_TEST);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_NULL(test, memchr_inv(mmlab_page_address(page), 0,
						   PAGE_SIZE << 2));
		KUNIT_EXPECT_TRUE(test, mmlab_page_test(page + 1,
							MMLAB_PG_TAIL));
		KUNIT_EXPECT_EQ(test, (int)mmlab_page_owner(page + 3),
				MMLAB_OWNER_TEST);
		/* A second reference keeps the block; the last one frees it. */
		mmlab_get_page(page);
		mmlab_put_page(page);
		KUNIT_EXPECT_EQ(test, mmlab_page_count(page), 1);
		KUNIT_EXPECT_FALSE(test, mmlab_page_test(page, MMLAB_PG_BUDDY));
		mmlab_put_page(page);
	}

	id = mmlab_register_movable_ops(&test_movable_ops);
	KUNIT_ASSERT_GT(test, id, 0);
	page = take(test, zone, NOWAIT | __MMLAB_GFP_MOVABLE, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_NULL(test, mmlab_page_movable_ops(page));
	mmlab_page_set_movable(page, id);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_page_movable_ops(page),
			    &test_movable_ops);
	mmlab_page_set_movable(page, 0);
	KUNIT_EXPECT_NULL(test, mmlab_page_movable_ops(page));
	mmlab_free_pages(page, 0);
	mmlab_unregister_movable_ops(id);
	KUNIT_EXPECT_EQ(test, mmlab_register_movable_ops(NULL), -EINVAL);
	expect_same_free(test, zone, &before);
}

/* Bad input is refused, not acted on. */
static void mmlab_buddy_bad_input_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;

	snapshot(zone, &before);
	KUNIT_EXPECT_NULL(test, mmlab_alloc_pages_owner(TEST_NID, NOWAIT,
							MMLAB_MAX_ORDER,
							MMLAB_OWNER_TEST));
	KUNIT_EXPECT_NULL(test, mmlab_alloc_pages_node(MMLAB_MAX_REGIONS,
						       NOWAIT, 0));
	KUNIT_EXPECT_EQ(test, mmlab_set_min_free_kbytes(-1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_register_shrinker(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_set_compact_ops(NULL), -EINVAL);
	expect_same_free(test, zone, &before);
}

/* --- kswapd's counters ------------------------------------------------------- */

static bool kswapd_counted_high(long high0)
{
	return mmlab_vm_state(MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY) > high0;
}

/* kswapd ran since PAGEOUTRUN was @runs, and went back to sleep. */
static bool kswapd_ran_and_settled(struct mmlab_zone *zone, long runs)
{
	return mmlab_vm_state(MMLAB_PAGEOUTRUN) > runs && kswapd_settled(zone);
}

/*
 * kswapd that finds the zone below high when it tries to sleep counts
 * kswapd_high_wmark_hit_quickly, as 6.1's kswapd_try_to_sleep() does: here
 * no shrinker can give anything, so every run leaves the zone below low.
 * Nothing wakes it early, so kswapd_low_wmark_hit_quickly stays.
 */
static void mmlab_buddy_kswapd_high_wmark_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	long high0, low0, runs;
	struct free_snapshot before;
	struct wmark_state saved;
	LIST_HEAD(held);
	int i;

	snapshot(zone, &before);
	raise_watermarks(test, zone, &saved);
	mmlab_wakeup_kswapd(TEST_NID, 0);	/* forget earlier failures */
	for (i = 0; i < 100 && !kswapd_settled(zone); i++)
		msleep(20);
	KUNIT_ASSERT_TRUE(test, kswapd_settled(zone));

	fill_below_low(zone, &held);
	KUNIT_ASSERT_LT(test, READ_ONCE(zone->free_pages),
			zone->watermark[MMLAB_WMARK_LOW]);
	high0 = mmlab_vm_state(MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	low0 = mmlab_vm_state(MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY);
	runs = mmlab_vm_state(MMLAB_PAGEOUTRUN);
	mmlab_wakeup_kswapd(TEST_NID, 0);

	for (i = 0; i < 250 && !kswapd_counted_high(high0); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, kswapd_counted_high(high0));
	KUNIT_EXPECT_GT(test, mmlab_vm_state(MMLAB_PAGEOUTRUN), runs);
	KUNIT_EXPECT_EQ(test, mmlab_vm_state(MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY),
			low0);

	/* Balanced again: kswapd's next run (on its back-off timer) sleeps. */
	give_list(test, &held, 0);
	restore_watermarks(test, &saved);
	runs = mmlab_vm_state(MMLAB_PAGEOUTRUN);
	for (i = 0; i < 250 && !kswapd_ran_and_settled(zone, runs); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, kswapd_ran_and_settled(zone, runs));
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/* --- Bad page checks ------------------------------------------------------- */

struct bad_state {
	long reports;
	long pages;
};

static void bad_read(struct mmlab_zone *zone, struct bad_state *b)
{
	b->reports = atomic_long_read(&zone->bad_page_reports);
	b->pages = atomic_long_read(&zone->nr_bad_pages);
}

/* @reports reports and @pages pages taken out since @b0. */
static void expect_bad(struct kunit *test, struct mmlab_zone *zone,
		       const struct bad_state *b0, long reports, long pages,
		       const char *what)
{
	struct bad_state b;

	bad_read(zone, &b);
	KUNIT_EXPECT_EQ_MSG(test, b.reports - b0->reports, reports,
			    "%s: reports", what);
	KUNIT_EXPECT_EQ_MSG(test, b.pages - b0->pages, pages,
			    "%s: pages taken out", what);
}

/*
 * A block the checks took out, once the test undid what it broke: give
 * it back as the allocated block it was, then free it.
 */
static void put_back_bad_block(struct kunit *test, struct mmlab_zone *zone,
			       struct mmlab_page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		KUNIT_EXPECT_TRUE(test, mmlab_page_test(page + i, MMLAB_PG_BAD));
		KUNIT_EXPECT_FALSE(test, mmlab_page_test(page + i, MMLAB_PG_BUDDY |
							 MMLAB_PG_PCP));
		mmlab_page_clear(page + i, MMLAB_PG_BAD);
		atomic_set(&page[i]._mapcount, -1);
	}
	atomic_set(&page->_refcount, 1);
	atomic_long_sub(1L << order, &zone->nr_bad_pages);
	mmlab_free_pages(page, order);
}

/*
 * A double free is reported once and ignored, wherever the block went:
 * onto a per-CPU list, a free list, or into a bigger free block.
 */
static void mmlab_buddy_bad_double_free_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;
	struct mmlab_page *page;
	unsigned long free0;
	struct bad_state b0;

	snapshot(zone, &before);
	bad_read(zone, &b0);

	/* On a per-CPU list. */
	page = take(test, zone, NOWAIT, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mmlab_free_pages(page, 0);
	free0 = READ_ONCE(zone->free_pages) + pcp_total(zone);
	mmlab_free_pages(page, 0);
	expect_bad(test, zone, &b0, 1, 0, "freed twice, per-CPU list");
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages) + pcp_total(zone),
			free0);

	/* On a free list: orders above the per-CPU ones go there directly. */
	page = take(test, zone, NOWAIT, MMLAB_PCP_MAX_ORDER + 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mmlab_free_pages(page, MMLAB_PCP_MAX_ORDER + 2);
	free0 = READ_ONCE(zone->free_pages);
	mmlab_free_pages(page, MMLAB_PCP_MAX_ORDER + 2);
	expect_bad(test, zone, &b0, 2, 0, "freed twice, free list");
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0);

	/* Inside a free block: the tail of a block merged after a drain. */
	page = take(test, zone, NOWAIT, 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mmlab_free_pages(page, 1);
	mmlab_drain_all_pages(TEST_NID);
	free0 = READ_ONCE(zone->free_pages);
	mmlab_free_pages(page + 1, 0);
	mmlab_put_page(page + 1);
	expect_bad(test, zone, &b0, 4, 0, "freed twice, inside a free block");
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages), free0);

	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/*
 * A block whose last reference goes while a page of it is still mapped is
 * reported once and taken out of circulation, never merged; on both free
 * paths, head or tail mapped. Frees of it afterwards are ignored quietly.
 */
static void mmlab_buddy_bad_mapped_free_test(struct kunit *test)
{
	static const struct {
		unsigned int order;
		unsigned int mapped;	/* which page of the block */
	} cases[] = {
		{ 0, 0 },			/* per-CPU path */
		{ 2, 3 },			/* per-CPU path, a tail */
		{ MMLAB_PCP_MAX_ORDER + 2, 0 },	/* direct path */
		{ MMLAB_PCP_MAX_ORDER + 2, 5 },	/* direct path, a tail */
	};
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;
	struct bad_state b0;
	int i;

	snapshot(zone, &before);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int order = cases[i].order;
		struct mmlab_page *page, *mapped;
		unsigned long free0;

		page = take(test, zone, NOWAIT, order);
		KUNIT_ASSERT_NOT_NULL(test, page);
		mapped = page + cases[i].mapped;
		atomic_set(&mapped->_mapcount, 0);	/* one mapping */
		bad_read(zone, &b0);
		free0 = READ_ONCE(zone->free_pages) + pcp_total(zone);

		mmlab_free_pages(page, order);
		expect_bad(test, zone, &b0, 1, 1L << order, "freed mapped");
		KUNIT_EXPECT_EQ(test, READ_ONCE(zone->free_pages) +
				pcp_total(zone), free0);
		KUNIT_EXPECT_TRUE(test, mmlab_page_test(mapped, MMLAB_PG_BAD));
		mmlab_put_page(page);
		mmlab_free_pages(page, order);
		expect_bad(test, zone, &b0, 1, 1L << order, "freed again");
		check_free_lists(test, zone);

		put_back_bad_block(test, zone, page, order);
		expect_bad(test, zone, &b0, 1, 0, "given back");
	}
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/*
 * Frees with the wrong order, of a tail page, of a page still on a free
 * list are each reported once and change nothing: the block stays with
 * its owner, the free block stays on its list.
 */
static void mmlab_buddy_bad_wrong_free_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct free_snapshot before;
	struct mmlab_page *page;
	struct bad_state b0;
	unsigned long flags;
	int order, mt;

	snapshot(zone, &before);
	bad_read(zone, &b0);
	page = take(test, zone, NOWAIT, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mmlab_free_pages(page, 1);
	mmlab_free_pages(page, 3);
	mmlab_free_pages(page, MMLAB_MAX_ORDER + 4);
	expect_bad(test, zone, &b0, 3, 0, "wrong order");
	mmlab_free_pages(page + 1, 0);
	mmlab_put_page(page + 3);
	expect_bad(test, zone, &b0, 5, 0, "tail page");
	KUNIT_EXPECT_EQ(test, mmlab_page_count(page), 1);
	KUNIT_EXPECT_TRUE(test, mmlab_page_test(page, MMLAB_PG_HEAD));
	KUNIT_EXPECT_TRUE(test, mmlab_page_test(page + 1, MMLAB_PG_TAIL));
	give(test, page, 2);
	expect_bad(test, zone, &b0, 5, 0, "freed right");
	expect_same_free(test, zone, &before);

	/* The biggest free block: nothing else in the suite takes it now. */
	page = NULL;
	spin_lock_irqsave(&zone->lock, flags);
	for (order = MMLAB_MAX_ORDER - 1; order >= 0 && !page; order--)
		for (mt = 0; mt < MMLAB_MIGRATE_PCPTYPES && !page; mt++)
			page = list_first_entry_or_null(&zone->free_area[order].free_list[mt],
							struct mmlab_page, lru);
	spin_unlock_irqrestore(&zone->lock, flags);
	KUNIT_ASSERT_NOT_NULL(test, page);
	order++;
	mmlab_free_pages(page, order);
	mmlab_free_pages(page, 0);
	mmlab_put_page(page);
	expect_bad(test, zone, &b0, 8, 0, "free block");
	KUNIT_EXPECT_TRUE(test, mmlab_page_test(page, MMLAB_PG_BUDDY));
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/*
 * A page written after it was freed (here: given a reference) is found
 * when an allocation takes it off this CPU's list, reported once and taken
 * out; the allocation gets another page. With CONFIG_DEBUG_VM, as the
 * kernel's check_new_pcp(); without it the check runs at refill only.
 */
static void mmlab_buddy_bad_alloc_test(struct kunit *test)
{
	const mmlab_gfp_t gfp = NOWAIT | __MMLAB_GFP_MOVABLE | __MMLAB_GFP_THISNODE;
	struct mmlab_zone *zone = test_zone(test);
	struct mmlab_page *page, *other;
	struct free_snapshot before;
	struct bad_state b0;
	int mt;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		kunit_skip(test, "without CONFIG_DEBUG_VM, checked at refill only");
	snapshot(zone, &before);
	bad_read(zone, &b0);
	preempt_disable();	/* one CPU's list throughout */
	page = mmlab_alloc_pages_owner(TEST_NID, gfp, 0, MMLAB_OWNER_TEST);
	mt = page ? mmlab_get_pageblock_migratetype(page) : -1;
	if (mt != MMLAB_MIGRATE_MOVABLE && mt != MMLAB_MIGRATE_CMA) {
		preempt_enable();
		mmlab_free_pages(page, 0);
		kunit_skip(test, "no page from a movable pageblock");
	}
	/* Freed to the head of the list the next allocation takes from. */
	mmlab_free_pages(page, 0);
	atomic_set(&page->_refcount, 1);
	other = mmlab_alloc_pages_owner(TEST_NID, gfp, 0, MMLAB_OWNER_TEST);
	preempt_enable();

	KUNIT_EXPECT_NOT_NULL(test, other);
	KUNIT_EXPECT_PTR_NE(test, other, page);
	expect_bad(test, zone, &b0, 1, 1, "written after free");
	KUNIT_EXPECT_TRUE(test, mmlab_page_test(page, MMLAB_PG_BAD));
	if (other)
		mmlab_free_pages(other, 0);

	/* Repaired as an allocated page: its lru words were list links. */
	WRITE_ONCE(page->flags, (page->flags & MMLAB_PG_REGION_MASK) |
		   (MMLAB_OWNER_TEST << MMLAB_PG_OWNER_SHIFT));
	page->private = 0;
	atomic_set(&page->_mapcount, -1);
	page->_pad = 0;
	atomic_long_dec(&zone->nr_bad_pages);
	mmlab_free_pages(page, 0);
	expect_bad(test, zone, &b0, 1, 0, "given back");
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

/* --- CPU hotplug --------------------------------------------------------------- */

/* An online CPU that can go offline while another stays, or -1. */
static int victim_cpu(void)
{
	int cpu, victim = -1;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		if (cpu_is_hotpluggable(cpu))
			victim = cpu;
	if (num_online_cpus() < 2)
		victim = -1;
	cpus_read_unlock();
	return victim;
}

static struct mmlab_per_cpu_pages *cpu_pcp(struct mmlab_zone *zone, int cpu)
{
	return per_cpu_ptr(zone->pcp, cpu);
}

/* Every list of @cpu's lists empty, and the count says so. */
static void expect_pcp_empty(struct kunit *test, struct mmlab_zone *zone,
			     int cpu, const char *when)
{
	struct mmlab_per_cpu_pages *pcp = cpu_pcp(zone, cpu);
	int i, count, listed = 0;
	unsigned long flags;

	/* Look under the lock, assert outside it: a failure allocates. */
	spin_lock_irqsave(&pcp->lock, flags);
	for (i = 0; i < MMLAB_NR_PCP_LISTS; i++)
		listed += !list_empty(&pcp->lists[i]);
	count = pcp->count;
	spin_unlock_irqrestore(&pcp->lock, flags);
	KUNIT_EXPECT_EQ_MSG(test, count, 0, "cpu %d %s", cpu, when);
	KUNIT_EXPECT_EQ_MSG(test, listed, 0, "cpu %d %s", cpu, when);
}

struct ipi_storm {
	struct mmlab_zone *zone;
	int cpu;
	atomic_t landed;
	atomic_t landed_inactive;
};

/* On the CPU going down, from an interrupt: one page through its lists. */
static void storm_alloc_free(void *data)
{
	struct ipi_storm *s = data;
	struct mmlab_page *page;

	page = mmlab_alloc_pages_owner(s->zone->nid, NOWAIT | __MMLAB_GFP_MOVABLE |
				       __MMLAB_GFP_THISNODE, 0,
				       MMLAB_OWNER_TEST);
	if (page)
		mmlab_free_pages(page, 0);
	atomic_inc(&s->landed);
	if (!cpu_active(smp_processor_id()))
		atomic_inc(&s->landed_inactive);
}

/* Interrupt the victim CPU with allocations until it is gone. */
static int storm_fn(void *data)
{
	struct ipi_storm *s = data;

	while (!kthread_should_stop()) {
		smp_call_function_single(s->cpu, storm_alloc_free, s, 1);
		cond_resched();
	}
	return 0;
}

/*
 * A CPU that allocates and frees right up to its death leaves nothing on
 * its lists: they are drained after it is dead (the kernel's
 * page_alloc_cpu_dead()), not on its way down, when interrupts still
 * refill them. It comes back with empty lists and the high it had; the
 * counters keep what it counted.
 */
static void mmlab_buddy_cpu_dead_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	int cpu = victim_cpu(), high, ret, i;
	struct free_snapshot before;
	struct task_struct *storm;
	struct ipi_storm *s;
	long allocs;

	if (cpu < 0)
		kunit_skip(test, "no second CPU that can go offline");
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->zone = zone;
	s->cpu = cpu;
	snapshot(zone, &before);
	high = READ_ONCE(cpu_pcp(zone, cpu)->high);

	storm = kthread_create(storm_fn, s, "mmlab_storm");
	KUNIT_ASSERT_FALSE(test, IS_ERR(storm));
	kthread_bind(storm, cpumask_any_but(cpu_online_mask, cpu));
	wake_up_process(storm);
	for (i = 0; i < 250 && atomic_read(&s->landed) < 64; i++)
		msleep(20);
	KUNIT_EXPECT_GE(test, atomic_read(&s->landed), 64);
	KUNIT_EXPECT_GT(test, READ_ONCE(cpu_pcp(zone, cpu)->count), 0);

	allocs = mmlab_vm_state(MMLAB_PGALLOC_NORMAL);
	ret = remove_cpu(cpu);
	kthread_stop(storm);
	if (ret)
		kunit_skip(test, "cpu %d cannot go offline: %d", cpu, ret);
	kunit_info(test, "cpu %d: %d allocations from interrupts, %d while going down\n",
		   cpu, atomic_read(&s->landed), atomic_read(&s->landed_inactive));
	expect_pcp_empty(test, zone, cpu, "offline");
	KUNIT_EXPECT_GE(test, mmlab_vm_state(MMLAB_PGALLOC_NORMAL), allocs);

	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	expect_pcp_empty(test, zone, cpu, "back online");
	KUNIT_EXPECT_EQ(test, READ_ONCE(cpu_pcp(zone, cpu)->high), high);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

struct pcp_reentry {
	struct mmlab_zone *zone;
	atomic_t landed;	/* interrupts that ran on the CPU */
	atomic_t inside;	/* ... that found its lists locked */
	atomic_t inside_served;	/* ... and still got and freed a page */
};

/* From an interrupt on the looping CPU: one page, whatever it was doing. */
static void reentry_alloc_free(void *data)
{
	struct pcp_reentry *r = data;
	struct mmlab_per_cpu_pages *pcp = this_cpu_ptr(r->zone->pcp);
	bool locked = !spin_trylock(&pcp->lock);
	struct mmlab_page *page;

	if (!locked)
		spin_unlock(&pcp->lock);

	page = mmlab_alloc_pages_owner(r->zone->nid, NOWAIT |
				       __MMLAB_GFP_THISNODE, 0,
				       MMLAB_OWNER_TEST);
	if (page)
		mmlab_free_pages(page, 0);
	atomic_inc(&r->landed);
	if (locked) {
		atomic_inc(&r->inside);
		if (page)
			atomic_inc(&r->inside_served);
	}
}

/* Bound to one CPU: allocate and free through its lists until stopped. */
static int reentry_loop(void *data)
{
	struct pcp_reentry *r = data;

	while (!kthread_should_stop()) {
		struct mmlab_page *page;

		page = mmlab_alloc_pages_owner(r->zone->nid, NOWAIT |
					       __MMLAB_GFP_THISNODE, 0,
					       MMLAB_OWNER_TEST);
		if (page)
			mmlab_free_pages(page, 0);
		cond_resched();
	}
	return 0;
}

#define REENTRY_MAX_IPIS	200000
#define REENTRY_WANTED		16

/*
 * The fast path runs with interrupts on (6.1 since "leave IRQs enabled
 * for per-cpu page allocations"): interrupts that allocate land while
 * the CPU holds its lists, find them locked, and are served by the zone
 * without waiting. With the lists taken under local_irq_save() no
 * interrupt would ever find them locked.
 */
static void mmlab_buddy_pcp_irq_reentry_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct task_struct *loop;
	struct pcp_reentry *r;
	struct free_snapshot before;
	int cpu, i;

	cpus_read_lock();
	cpu = num_online_cpus() < 2 ? -1 :
	      cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	cpus_read_unlock();
	if (cpu < 0 || cpu >= nr_cpu_ids)
		kunit_skip(test, "needs a second online CPU");
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->zone = zone;
	mmlab_drain_all_pages(TEST_NID);
	snapshot(zone, &before);

	loop = kthread_create(reentry_loop, r, "mmlab_reentry");
	KUNIT_ASSERT_FALSE(test, IS_ERR(loop));
	kthread_bind(loop, cpu);
	wake_up_process(loop);
	for (i = 0; i < REENTRY_MAX_IPIS &&
	     atomic_read(&r->inside_served) < REENTRY_WANTED; i++) {
		if (smp_call_function_single(cpu, reentry_alloc_free, r, 1))
			break;
		cond_resched();
	}
	kthread_stop(loop);

	kunit_info(test, "cpu %d: %d interrupts, %d found its lists locked, %d of them served\n",
		   cpu, atomic_read(&r->landed), atomic_read(&r->inside),
		   atomic_read(&r->inside_served));
	KUNIT_EXPECT_GE(test, atomic_read(&r->inside_served), REENTRY_WANTED);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->inside_served),
			atomic_read(&r->inside));
	mmlab_drain_all_pages(TEST_NID);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

#define RACE_WORKERS	2
#define RACE_CYCLES	6
#define RACE_SLOTS	32

struct race_worker {
	struct kunit *test;
	struct mmlab_zone *zone;
	u32 seed;
	unsigned long allocs;
	struct held held[RACE_SLOTS];
};

/* Blocks of every order, of every per-CPU type, until told to stop. */
static int race_worker_fn(void *data)
{
	static const mmlab_gfp_t types[] = {
		0, __MMLAB_GFP_MOVABLE, __MMLAB_GFP_RECLAIMABLE,
	};
	struct race_worker *w = data;
	u32 rnd = w->seed;
	int i;

	while (!kthread_should_stop()) {
		struct held *slot = &w->held[next_rand(&rnd) % RACE_SLOTS];

		if (slot->page) {
			give(w->test, slot->page, slot->order);
			slot->page = NULL;
		} else {
			slot->order = next_rand(&rnd) % MMLAB_MAX_ORDER;
			slot->page = take(w->test, w->zone, NOWAIT |
					  types[next_rand(&rnd) % ARRAY_SIZE(types)],
					  slot->order);
			w->allocs += !!slot->page;
		}
		cond_resched();
	}
	for (i = 0; i < RACE_SLOTS; i++)
		if (w->held[i].page)
			give(w->test, w->held[i].page, w->held[i].order);
	return 0;
}

/* Drains and watermark changes (per-CPU high follows low) meanwhile. */
static int race_tuner_fn(void *data)
{
	int kb = *(int *)data, n = 0;

	while (!kthread_should_stop()) {
		mmlab_drain_all_pages(TEST_NID);
		mmlab_set_min_free_kbytes(n++ & 1 ? kb : kb * 2);
		usleep_range(500, 1000);
	}
	mmlab_set_min_free_kbytes(kb);
	return 0;
}

/*
 * CPU hotplug while both CPUs allocate and free blocks of every order and
 * another thread drains and changes the watermarks: each time the CPU is
 * down its lists are empty; afterwards every page is back, the lists are
 * consistent and every CPU has the high of the CPUs online (lockdep and
 * KASAN watch the locking).
 */
static void mmlab_buddy_hotplug_race_test(struct kunit *test)
{
	struct mmlab_zone *zone = test_zone(test);
	struct task_struct *tasks[RACE_WORKERS + 1];
	int cpu = victim_cpu(), kb, i, c, high;
	struct free_snapshot before;
	struct race_worker *w;

	if (cpu < 0)
		kunit_skip(test, "no second CPU that can go offline");
	w = kunit_kcalloc(test, RACE_WORKERS, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	snapshot(zone, &before);
	high = READ_ONCE(cpu_pcp(zone, cpu)->high);
	kb = mmlab_get_min_free_kbytes();
	for (i = 0; i < RACE_WORKERS; i++) {
		w[i].test = test;
		w[i].zone = zone;
		w[i].seed = 0x85ebca6b * (i + 1);
		tasks[i] = kthread_run(race_worker_fn, &w[i], "mmlab_race%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(tasks[i]));
	}
	tasks[i] = kthread_run(race_tuner_fn, &kb, "mmlab_race_tuner");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tasks[i]));

	for (c = 0; c < RACE_CYCLES; c++) {
		int ret = remove_cpu(cpu);

		KUNIT_EXPECT_EQ(test, ret, 0);
		if (ret)
			break;
		expect_pcp_empty(test, zone, cpu, "offline");
		msleep(20);
		KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
		msleep(20);
	}
	for (i = 0; i <= RACE_WORKERS; i++)
		kthread_stop(tasks[i]);
	for (i = 0; i < RACE_WORKERS; i++)
		KUNIT_EXPECT_GT(test, w[i].allocs, 0UL);

	KUNIT_EXPECT_EQ(test, mmlab_get_min_free_kbytes(), kb);
	for_each_possible_cpu(c)
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(cpu_pcp(zone, c)->high), high,
				    "cpu %d", c);
	check_free_lists(test, zone);
	expect_same_free(test, zone, &before);
}

static struct kunit_case mmlab_buddy_cases[] = {
	KUNIT_CASE(mmlab_buddy_initial_state_test),
	KUNIT_CASE(mmlab_buddy_random_split_merge_test),
	KUNIT_CASE(mmlab_buddy_fallback_steal_test),
	KUNIT_CASE(mmlab_buddy_boost_watermark_test),
	KUNIT_CASE(mmlab_buddy_boost_fallback_test),
	KUNIT_CASE(mmlab_buddy_pageblock_isolate_test),
	KUNIT_CASE(mmlab_buddy_take_range_test),
	KUNIT_CASE(mmlab_buddy_pcp_test),
	KUNIT_CASE(mmlab_buddy_bulk_alloc_test),
	KUNIT_CASE(mmlab_buddy_pcp_trylock_test),
	KUNIT_CASE(mmlab_buddy_pcp_free_factor_test),
	KUNIT_CASE(mmlab_buddy_pcp_reclaim_active_test),
	KUNIT_CASE(mmlab_buddy_watermark_test),
	KUNIT_CASE(mmlab_buddy_highatomic_test),
	KUNIT_CASE(mmlab_buddy_kswapd_test),
	KUNIT_CASE(mmlab_buddy_kswapd_high_wmark_test),
	KUNIT_CASE(mmlab_buddy_direct_reclaim_test),
	KUNIT_CASE(mmlab_buddy_direct_compact_test),
	KUNIT_CASE(mmlab_buddy_direct_compact_escalate_test),
	KUNIT_CASE(mmlab_buddy_direct_compact_skipped_test),
	KUNIT_CASE(mmlab_buddy_concurrent_test),
	KUNIT_CASE(mmlab_buddy_page_state_test),
	KUNIT_CASE(mmlab_buddy_bad_double_free_test),
	KUNIT_CASE(mmlab_buddy_bad_mapped_free_test),
	KUNIT_CASE(mmlab_buddy_bad_wrong_free_test),
	KUNIT_CASE(mmlab_buddy_bad_alloc_test),
	KUNIT_CASE(mmlab_buddy_cpu_dead_test),
	KUNIT_CASE(mmlab_buddy_pcp_irq_reentry_test),
	KUNIT_CASE(mmlab_buddy_hotplug_race_test),
	KUNIT_CASE(mmlab_buddy_speed_test),
	KUNIT_CASE(mmlab_buddy_bad_input_test),
	{}
};

static struct kunit_suite mmlab_buddy_suite = {
	.name = "mmlab_buddy",
	.test_cases = mmlab_buddy_cases,
};

kunit_test_suite(mmlab_buddy_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for mmlab_buddy");
