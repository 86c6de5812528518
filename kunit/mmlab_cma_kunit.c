// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mmlab_cma: CMA bitmap and alignment, pageblock isolation and
 * its undo, migration of movable test pages (a test owner with its own
 * movable operations and checksummed contents), busy retry around an
 * unmovable page, release restoring the pageblocks, compaction's scanners
 * bringing high-order blocks back after fragmenting a region, their fast
 * searches of the free lists, direct compaction's modes and deferral, and
 * an owner's unregistration (its rmmod) waiting for a page it isolated.
 *
 * The suite declares its own CMA area in region 0 and removes it.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "mmlab_cma/mmlab_cma.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PB		MMLAB_PAGEBLOCK_PAGES
#define PB_BYTES	(PB << PAGE_SHIFT)
#define AREA_BLOCKS	2
#define NR_FRAG		2048

/* --- A test owner with movable operations ------------------------------------ */

struct test_owner {
	spinlock_t lock;	/* the table and the pages' ISOLATED bits */
	int id;
	unsigned int nr;
	struct mmlab_page **pages;	/* slot -> page; page->private = slot + 1 */
};

static struct test_owner owner;
/* Migrations the owner saw, by mode. */
static atomic_t migrations[MMLAB_MIGRATE_SYNC + 1];
/* The first page the owner saw move since it was reset, and where to. */
static struct {
	bool seen;
	unsigned long src, dst;
} first_move;

static u32 pattern(unsigned int slot, unsigned int i)
{
	return slot * 2654435761U + i * 40503U + 17;
}

static void fill_page(struct mmlab_page *page, unsigned int slot)
{
	u32 *p = mmlab_page_address(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u32); i++)
		p[i] = pattern(slot, i);
}

static bool page_intact(struct mmlab_page *page, unsigned int slot)
{
	u32 *p = mmlab_page_address(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u32); i++)
		if (p[i] != pattern(slot, i))
			return false;
	return true;
}

static bool test_isolate(struct mmlab_page *page)
{
	bool ok = false;

	spin_lock(&owner.lock);
	if (mmlab_page_owner(page) == MMLAB_OWNER_TEST && page->private &&
	    !mmlab_page_test(page, MMLAB_PG_ISOLATED) &&
	    atomic_inc_not_zero(&page->_refcount)) {
		mmlab_page_set(page, MMLAB_PG_ISOLATED);
		ok = true;
	}
	spin_unlock(&owner.lock);
	return ok;
}

static int test_migrate(struct mmlab_page *dst, struct mmlab_page *src,
			enum mmlab_migrate_mode mode)
{
	unsigned long slot;

	atomic_inc(&migrations[mode]);
	spin_lock(&owner.lock);
	if (!src->private) {
		/* Dropped while isolated: test_putback() frees it. */
		spin_unlock(&owner.lock);
		return -EAGAIN;
	}
	if (!first_move.seen) {
		first_move.seen = true;
		first_move.src = mmlab_page_to_pfn(src);
		first_move.dst = mmlab_page_to_pfn(dst);
	}
	slot = src->private - 1;
	copy_page(mmlab_page_address(dst), mmlab_page_address(src));
	mmlab_page_set_owner(dst, MMLAB_OWNER_TEST);
	mmlab_page_set_movable(dst, owner.id);
	dst->private = slot + 1;
	owner.pages[slot] = dst;
	src->private = 0;
	mmlab_page_set_movable(src, 0);
	mmlab_page_clear(src, MMLAB_PG_ISOLATED);
	spin_unlock(&owner.lock);
	/* The isolation reference, then the owner's. */
	mmlab_put_page(src);
	mmlab_put_page(src);
	return 0;
}

static void test_putback(struct mmlab_page *page)
{
	spin_lock(&owner.lock);
	mmlab_page_clear(page, MMLAB_PG_ISOLATED);
	if (!page->private)	/* dropped while isolated */
		mmlab_page_set_movable(page, 0);
	spin_unlock(&owner.lock);
	mmlab_put_page(page);
}

static const struct mmlab_movable_operations test_ops = {
	.isolate_page = test_isolate,
	.migrate_page = test_migrate,
	.putback_page = test_putback,
};

/* Make @page (one reference, ours) a movable test page in @slot. */
static void adopt(struct mmlab_page *page, unsigned int slot)
{
	fill_page(page, slot);
	spin_lock(&owner.lock);
	page->private = slot + 1;
	owner.pages[slot] = page;
	mmlab_page_set_owner(page, MMLAB_OWNER_TEST);
	mmlab_page_set_movable(page, owner.id);
	spin_unlock(&owner.lock);
}

/*
 * Free the page in @slot (wherever it moved). A page a migration has
 * isolated stays movable until test_putback() gives it back: the pin the
 * isolation took on our operations is released through them.
 */
static void drop(unsigned int slot)
{
	struct mmlab_page *page;

	spin_lock(&owner.lock);
	page = owner.pages[slot];
	owner.pages[slot] = NULL;
	if (page) {
		page->private = 0;
		if (!mmlab_page_test(page, MMLAB_PG_ISOLATED))
			mmlab_page_set_movable(page, 0);
	}
	spin_unlock(&owner.lock);
	if (page)
		mmlab_put_page(page);
}

static unsigned int count_intact(unsigned int first, unsigned int nr)
{
	unsigned int slot, ok = 0;

	for (slot = first; slot < first + nr; slot++) {
		struct mmlab_page *page;

		spin_lock(&owner.lock);
		page = owner.pages[slot];
		if (page && page_intact(page, slot))
			ok++;
		spin_unlock(&owner.lock);
	}
	return ok;
}

/* Take @nr free pages at @pfn of a CMA area as test pages (not movable). */
static int take_at(struct kunit *test, struct mmlab_cma *c, unsigned long pfn,
		   unsigned long nr)
{
	unsigned long block = round_down(pfn, PB);
	int ret;

	ret = mmlab_isolate_range(block, round_up(pfn + nr, PB));
	if (ret)
		return ret;
	mmlab_drain_all_pages(c->nid);
	ret = mmlab_take_free_range(pfn, pfn + nr, MMLAB_OWNER_TEST);
	mmlab_undo_isolate_range(block, round_up(pfn + nr, PB), MMLAB_MIGRATE_CMA);
	return ret;
}

/* --- Suite set-up ---------------------------------------------------------------- */

static struct mmlab_cma *area;

/* compaction_proactiveness before the suite: its cases run without it. */
static int saved_proactiveness;

static int suite_init(struct kunit_suite *suite)
{
	owner.nr = NR_FRAG;
	owner.pages = vzalloc(array_size(NR_FRAG, sizeof(*owner.pages)));
	if (!owner.pages)
		return -ENOMEM;
	spin_lock_init(&owner.lock);
	owner.id = mmlab_register_movable_ops(&test_ops);
	if (owner.id < 0) {
		vfree(owner.pages);
		return owner.id;
	}
	/*
	 * kcompactd's own runs would move the cases' pages under them, and
	 * make blocks the cases expect not to be there.
	 */
	saved_proactiveness = mmlab_get_compaction_proactiveness();
	return mmlab_set_compaction_proactiveness(0);
}

static void suite_exit(struct kunit_suite *suite)
{
	unsigned int slot;

	for (slot = 0; slot < owner.nr; slot++)
		drop(slot);
	mmlab_unregister_movable_ops(owner.id);
	vfree(owner.pages);
	mmlab_set_compaction_proactiveness(saved_proactiveness);
}

static int test_init(struct kunit *test)
{
	if (!mmlab_zone(0))
		kunit_skip(test, "no region");
	area = mmlab_cma_declare(0, ULONG_MAX, AREA_BLOCKS * PB_BYTES, 0, 0,
				 "kunit");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(area), "declare: %ld",
			       PTR_ERR(area));
	return 0;
}

static void test_exit(struct kunit *test)
{
	unsigned int slot;

	for (slot = 0; slot < owner.nr; slot++)
		drop(slot);
	if (!IS_ERR_OR_NULL(area))
		mmlab_cma_remove(area);
	area = NULL;
}

/* --- Cases ------------------------------------------------------------------------- */

static void cma_declare_refusals(struct kunit *test)
{
	struct mmlab_zone *zone = mmlab_zone(0);
	unsigned long off = (area->base_pfn - zone->start_pfn) << PAGE_SHIFT;

	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(0, ULONG_MAX, 0, 0, 0, "z")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(0, ULONG_MAX, PB_BYTES + PAGE_SIZE,
							0, 0, "u")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(0, ULONG_MAX, PB_BYTES,
							3 * PB_BYTES, 0, "a")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(0, ULONG_MAX,
							round_up(zone->spanned_pages << PAGE_SHIFT,
								 PB_BYTES) + PB_BYTES,
							0, 0, "big")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(0, off, PB_BYTES, 0, 0, "ovl")),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(0, ULONG_MAX, PB_BYTES, 0, 0,
							"kunit")), -EEXIST);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(MMLAB_MAX_REGIONS, ULONG_MAX,
							PB_BYTES, 0, 0, "nid")), -ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_cma_declare(0, 4096 + 1, PB_BYTES, 0, 0,
							"odd")), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(area->base_pfn)),
			MMLAB_MIGRATE_CMA);
}

static void cma_bitmap_alignment(struct kunit *test)
{
	struct mmlab_page *a, *b, *c;
	unsigned long pa, pb;

	a = mmlab_cma_alloc(area, 1, 0, false);
	KUNIT_ASSERT_NOT_NULL(test, a);
	pa = mmlab_page_to_pfn(a);
	KUNIT_EXPECT_EQ(test, pa, area->base_pfn);
	KUNIT_EXPECT_EQ(test, mmlab_page_owner(a), MMLAB_OWNER_CMA);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(a), 1);

	b = mmlab_cma_alloc(area, 3, 4, false);
	KUNIT_ASSERT_NOT_NULL(test, b);
	pb = mmlab_page_to_pfn(b);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(pb, 16));
	KUNIT_EXPECT_EQ(test, pb, area->base_pfn + 16);
	KUNIT_EXPECT_EQ(test, mmlab_cma_used_pages(area), 4UL);
	KUNIT_EXPECT_EQ(test, mmlab_cma_maxchunk(area), area->count - 19);

	KUNIT_EXPECT_NULL(test, mmlab_cma_alloc(area, 0, 0, true));
	KUNIT_EXPECT_NULL(test, mmlab_cma_alloc(area, area->count + 1, 0, true));
	c = mmlab_cma_alloc(area, area->count, 0, true);
	KUNIT_EXPECT_NULL(test, c);

	KUNIT_EXPECT_FALSE(test, mmlab_cma_release(area, a, 2));
	KUNIT_EXPECT_TRUE(test, mmlab_cma_release(area, a, 1));
	KUNIT_EXPECT_TRUE(test, mmlab_cma_release(area, b, 3));
	KUNIT_EXPECT_EQ(test, mmlab_cma_used_pages(area), 0UL);
	KUNIT_EXPECT_EQ(test, mmlab_cma_maxchunk(area), area->count);
}

static void cma_order_per_bit(struct kunit *test)
{
	struct mmlab_cma *c2;
	struct mmlab_page *p;

	c2 = mmlab_cma_declare(0, ULONG_MAX, PB_BYTES, 0, 2, "kunit-opb");
	KUNIT_ASSERT_FALSE(test, IS_ERR(c2));
	p = mmlab_cma_alloc(c2, 5, 0, false);
	KUNIT_EXPECT_NOT_NULL(test, p);
	/* 5 pages take two bits of four pages. */
	KUNIT_EXPECT_EQ(test, mmlab_cma_used_pages(c2), 8UL);
	if (p)
		KUNIT_EXPECT_TRUE(test, mmlab_cma_release(c2, p, 5));
	KUNIT_EXPECT_EQ(test, mmlab_cma_used_pages(c2), 0UL);
	mmlab_cma_remove(c2);
}

static void isolation_and_undo(struct kunit *test)
{
	unsigned long start = area->base_pfn, end = start + PB;
	struct mmlab_page *page = mmlab_pfn_to_page(start);
	struct mmlab_zone *zone = mmlab_zone(0);
	unsigned long cma_pages = zone->cma_pages;

	KUNIT_ASSERT_EQ(test, mmlab_isolate_range(start, end), 0);
	KUNIT_EXPECT_EQ(test, mmlab_get_pageblock_migratetype(page),
			MMLAB_MIGRATE_ISOLATE);
	KUNIT_EXPECT_EQ(test, mmlab_isolate_range(start, end), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmlab_isolate_range(start + 1, end), -EINVAL);
	mmlab_drain_all_pages(0);
	KUNIT_EXPECT_EQ(test, mmlab_test_range_isolated(start, end), 0);
	mmlab_undo_isolate_range(start, end, MMLAB_MIGRATE_CMA);
	KUNIT_EXPECT_EQ(test, mmlab_get_pageblock_migratetype(page),
			MMLAB_MIGRATE_CMA);
	KUNIT_EXPECT_EQ(test, zone->cma_pages, cma_pages);
	/* Not isolated any more: the test says busy. */
	KUNIT_EXPECT_EQ(test, mmlab_test_range_isolated(start, end), -EBUSY);
}

static void migrate_movable_pages(struct kunit *test)
{
	unsigned long pfn = area->base_pfn + 100, i, nr = 64;
	long before = mmlab_vm_state(MMLAB_PGMIGRATE_SUCCESS);
	struct mmlab_page *got;

	KUNIT_ASSERT_EQ(test, take_at(test, area, pfn, nr), 0);
	for (i = 0; i < nr; i++)
		adopt(mmlab_pfn_to_page(pfn + i), i);

	got = mmlab_cma_alloc(area, area->count, 0, false);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, mmlab_page_to_pfn(got), area->base_pfn);
	for (i = 0; i < nr; i++) {
		unsigned long p = mmlab_page_to_pfn(owner.pages[i]);

		KUNIT_EXPECT_TRUE(test, p < area->base_pfn ||
				  p >= area->base_pfn + area->count);
	}
	KUNIT_EXPECT_EQ(test, count_intact(0, nr), (unsigned int)nr);
	KUNIT_EXPECT_GE(test, mmlab_vm_state(MMLAB_PGMIGRATE_SUCCESS) - before,
			(long)nr);
	KUNIT_EXPECT_TRUE(test, mmlab_cma_release(area, got, area->count));
}

static void busy_retry_around_unmovable(struct kunit *test)
{
	unsigned long pfn = area->base_pfn + 7;
	long fails = mmlab_vm_state(MMLAB_CMA_ALLOC_FAIL);
	struct mmlab_page *pin, *got, *again;

	KUNIT_ASSERT_EQ(test, take_at(test, area, pfn, 1), 0);
	pin = mmlab_pfn_to_page(pfn);

	/* The first pageblock holds the pinned page: the second one fits. */
	got = mmlab_cma_alloc(area, PB, MMLAB_PAGEBLOCK_ORDER, false);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, mmlab_page_to_pfn(got), area->base_pfn + PB);
	/* Nothing else fits; the pinned page did not move. */
	again = mmlab_cma_alloc(area, PB, MMLAB_PAGEBLOCK_ORDER, true);
	KUNIT_EXPECT_NULL(test, again);
	KUNIT_EXPECT_EQ(test, mmlab_vm_state(MMLAB_CMA_ALLOC_FAIL) - fails, 1L);
	KUNIT_EXPECT_EQ(test, mmlab_page_owner(pin), MMLAB_OWNER_TEST);
	/* Around the pin, small allocations still work. */
	again = mmlab_cma_alloc(area, 4, 0, false);
	KUNIT_EXPECT_NOT_NULL(test, again);
	if (again) {
		KUNIT_EXPECT_NE(test, mmlab_page_to_pfn(again), pfn);
		mmlab_cma_release(area, again, 4);
	}
	KUNIT_EXPECT_TRUE(test, mmlab_cma_release(area, got, PB));
	mmlab_free_pages(pin, 0);
}

static void release_restores_pageblocks(struct kunit *test)
{
	struct mmlab_zone *zone = mmlab_zone(0);
	unsigned long cma_pages = zone->cma_pages, pfn;
	struct mmlab_page *got;

	got = mmlab_cma_alloc(area, area->count, 0, false);
	KUNIT_ASSERT_NOT_NULL(test, got);
	for (pfn = area->base_pfn; pfn < area->base_pfn + area->count; pfn += PB)
		KUNIT_EXPECT_EQ(test,
				mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(pfn)),
				MMLAB_MIGRATE_CMA);
	KUNIT_EXPECT_TRUE(test, mmlab_cma_release(area, got, area->count));
	mmlab_drain_all_pages(0);
	KUNIT_EXPECT_EQ(test, zone->cma_pages, cma_pages);
	/* Every page is free again: isolating finds the range empty. */
	KUNIT_ASSERT_EQ(test, mmlab_isolate_range(area->base_pfn,
						  area->base_pfn + area->count), 0);
	mmlab_drain_all_pages(0);
	KUNIT_EXPECT_EQ(test, mmlab_test_range_isolated(area->base_pfn,
							area->base_pfn + area->count), 0);
	mmlab_undo_isolate_range(area->base_pfn, area->base_pfn + area->count,
				 MMLAB_MIGRATE_CMA);
	KUNIT_EXPECT_EQ(test, mmlab_cma_used_pages(area), 0UL);
}

static unsigned long high_order_free(struct mmlab_zone *zone)
{
	unsigned long nr = 0;
	unsigned int o;

	for (o = MMLAB_PAGEBLOCK_ORDER - 1; o < MMLAB_MAX_ORDER; o++)
		nr += READ_ONCE(zone->free_area[o].nr_free) << o;
	return nr;
}

static void compaction_brings_high_orders_back(struct kunit *test)
{
	struct mmlab_zone *zone = mmlab_zone(0);
	struct mmlab_compact_stats st;
	enum mmlab_compact_result res;
	unsigned long before, after;
	unsigned int slot, kept = 0;

	/* The suite's area stays out of the way. */
	mmlab_cma_remove(area);
	area = NULL;
	for (slot = 0; slot < NR_FRAG; slot++) {
		struct mmlab_page *page;

		page = mmlab_alloc_pages_owner(0, MMLAB_GFP_USER |
					       __MMLAB_GFP_NOWARN |
					       __MMLAB_GFP_THISNODE, 0,
					       MMLAB_OWNER_TEST);
		if (!page)
			break;
		adopt(page, slot);
	}
	KUNIT_ASSERT_GT(test, slot, NR_FRAG / 2);
	/* Keep one page in eight: holes everywhere the pages were. */
	for (slot = 0; slot < NR_FRAG; slot++) {
		if (slot % 8)
			drop(slot);
		else if (owner.pages[slot])
			kept++;
	}
	mmlab_drain_all_pages(0);
	before = high_order_free(zone);
	atomic_set(&migrations[MMLAB_MIGRATE_SYNC], 0);

	res = mmlab_compact_node(0, -1, &st);
	/* By hand is MIGRATE_SYNC, as compact_node(). */
	KUNIT_EXPECT_EQ(test, atomic_read(&migrations[MMLAB_MIGRATE_SYNC]),
			(int)st.migrated);
	KUNIT_EXPECT_TRUE(test, res == MMLAB_CR_COMPLETE || res == MMLAB_CR_SUCCESS);
	/* The scanners met. */
	KUNIT_EXPECT_GE(test, st.migrate_pfn + 2 * PB, st.free_pfn);
	KUNIT_EXPECT_GT(test, st.migrated, 0UL);
	mmlab_drain_all_pages(0);
	after = high_order_free(zone);
	kunit_info(test, "order>=%u free pages %lu -> %lu, migrated %lu, failed %lu, scanned %lu/%lu\n",
		   MMLAB_PAGEBLOCK_ORDER - 1, before, after, st.migrated,
		   st.failed, st.migrate_scanned, st.free_scanned);
	KUNIT_EXPECT_GT(test, after, before);
	for (slot = 0; slot < NR_FRAG; slot += 8)
		if (owner.pages[slot])
			KUNIT_EXPECT_TRUE(test, page_intact(owner.pages[slot], slot));
	KUNIT_EXPECT_EQ(test, count_intact(0, NR_FRAG), kept);
}

static void fragmentation_index(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mmlab_fragmentation_index(0, 0), -1000);
	KUNIT_EXPECT_LT(test, mmlab_fragmentation_index(MMLAB_MAX_REGIONS, 0), -1000);
	KUNIT_EXPECT_EQ(test, mmlab_set_extfrag_threshold(1001), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_get_extfrag_threshold(), 500);
}

/* --- Unregistering an owner while one of its pages is isolated --------------- */

struct unregister_call {
	int id;
	struct completion done;
};

static int unregister_thread(void *arg)
{
	struct unregister_call *call = arg;

	mmlab_unregister_movable_ops(call->id);
	complete(&call->done);
	return 0;
}

/* A test page of owner id @id, not in the owner's table (never migrated). */
static struct mmlab_page *loose_test_page(struct kunit *test, int id)
{
	struct mmlab_page *page;

	page = mmlab_alloc_pages_owner(NUMA_NO_NODE, MMLAB_GFP_KERNEL, 0,
				       MMLAB_OWNER_TEST);
	KUNIT_ASSERT_NOT_NULL(test, page);
	spin_lock(&owner.lock);
	page->private = 1;
	mmlab_page_set_movable(page, id);
	spin_unlock(&owner.lock);
	return page;
}

static void free_loose_test_page(struct mmlab_page *page)
{
	spin_lock(&owner.lock);
	page->private = 0;
	mmlab_page_set_movable(page, 0);
	spin_unlock(&owner.lock);
	mmlab_put_page(page);
}

/*
 * rmmod of an owner while migration holds one of its pages: the id closes
 * to new isolations at once, and mmlab_unregister_movable_ops() returns
 * only once the isolated page went back through the owner's operations.
 */
static void unregister_waits_for_isolated(struct kunit *test)
{
	struct mmlab_page *page, *other;
	struct unregister_call call;
	struct task_struct *t;
	int i, id;

	id = mmlab_register_movable_ops(&test_ops);
	KUNIT_ASSERT_GT(test, id, 0);
	page = loose_test_page(test, id);
	other = loose_test_page(test, id);
	KUNIT_ASSERT_TRUE(test, mmlab_isolate_movable_page(page));

	call.id = id;
	init_completion(&call.done);
	t = kthread_run(unregister_thread, &call, "mmlab-kunit-unreg");
	if (IS_ERR(t)) {
		mmlab_movable_putback(page);
		mmlab_unregister_movable_ops(id);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		goto out;
	}
	for (i = 0; i < 250 && mmlab_page_movable_ops(other); i++)
		msleep(20);
	KUNIT_EXPECT_NULL(test, mmlab_page_movable_ops(other));
	KUNIT_EXPECT_FALSE(test, mmlab_isolate_movable_page(other));
	msleep(200);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&call.done),
			       "unregistered while a page is still isolated");
	mmlab_movable_putback(page);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&call.done, 10 * HZ),
			0UL);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(page), 1);
out:
	free_loose_test_page(other);
	free_loose_test_page(page);
}

/* --- Direct compaction: modes, source pageblocks, deferral ------------------ */

/* Region 0, full: pages not ours in @held, ours in slots. */
struct full_zone {
	unsigned long free_before;
	struct mmlab_page **held;
	unsigned long nr_held;
	unsigned int slots;
	int boost_factor;
	int threshold;
};

/*
 * Take every free page of region 0 without waking kswapd and without
 * boosting (kswapd would wake kcompactd, whose runs share the deferral
 * counters): the first NR_FRAG as movable test pages if @movable, the
 * rest held as plain pages. Then free seven in eight of ours, or of the
 * first NR_FRAG held ones, and one in eight of the rest held: free pages
 * everywhere, no high-order block.
 */
static void fill_zone(struct kunit *test, struct full_zone *fz, bool movable)
{
	const mmlab_gfp_t gfp = __MMLAB_GFP_MOVABLE | __MMLAB_GFP_NOWARN |
				__MMLAB_GFP_THISNODE;
	unsigned long i, max = mmlab_zone_managed_pages(0);
	struct mmlab_page *page;
	unsigned int slot = 0;

	mmlab_cma_remove(area);
	area = NULL;
	fz->held = vcalloc(max, sizeof(*fz->held));
	KUNIT_ASSERT_NOT_NULL(test, fz->held);
	fz->nr_held = 0;
	mmlab_drain_all_pages(0);
	fz->free_before = mmlab_zone_free_pages(0);
	fz->boost_factor = mmlab_get_watermark_boost_factor();
	fz->threshold = mmlab_get_extfrag_threshold();
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(0), 0);
	while (fz->nr_held < max &&
	       (page = mmlab_alloc_pages_owner(0, gfp, 0, MMLAB_OWNER_TEST))) {
		if (movable && slot < NR_FRAG)
			adopt(page, slot++);
		else
			fz->held[fz->nr_held++] = page;
	}
	fz->slots = slot;
	for (slot = 0; slot < fz->slots; slot++)
		if (slot % 8)
			drop(slot);
	for (i = 0; i < fz->nr_held; i++) {
		bool hole = !movable && i < NR_FRAG ? i % 8 : !(i % 8);

		if (hole) {
			mmlab_free_pages(fz->held[i], 0);
			fz->held[i] = NULL;
		}
	}
	mmlab_drain_all_pages(0);
}

/* Free everything fill_zone() took: the region is as it was. */
static void empty_zone(struct kunit *test, struct full_zone *fz)
{
	unsigned long i;
	unsigned int slot;

	for (i = 0; i < fz->nr_held; i++)
		if (fz->held[i])
			mmlab_free_pages(fz->held[i], 0);
	vfree(fz->held);
	for (slot = 0; slot < fz->slots; slot++)
		drop(slot);
	mmlab_drain_all_pages(0);
	KUNIT_EXPECT_EQ(test, mmlab_zone_free_pages(0), fz->free_before);
	mmlab_set_watermark_boost_factor(fz->boost_factor);
	mmlab_set_extfrag_threshold(fz->threshold);
}

/* A costly order below a pageblock: what compaction is asked for. */
static unsigned int test_order(void)
{
	return MMLAB_PAGEBLOCK_ORDER - 1;
}

struct block_type {
	unsigned long pfn;
	u8 mt;
};

/* Make the pageblocks of our kept pages UNMOVABLE; returns how many. */
static unsigned int mark_our_blocks(struct full_zone *fz, struct block_type *bt)
{
	unsigned int slot, n = 0, i;

	for (slot = 0; slot < fz->slots; slot += 8) {
		unsigned long pfn = round_down(mmlab_page_to_pfn(owner.pages[slot]),
					       PB);

		for (i = 0; i < n && bt[i].pfn != pfn; i++)
			;
		if (i < n)
			continue;
		bt[n].pfn = pfn;
		bt[n].mt = mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(pfn));
		mmlab_set_pageblock_migratetype(mmlab_pfn_to_page(pfn),
						MMLAB_MIGRATE_UNMOVABLE);
		n++;
	}
	return n;
}

/*
 * Async direct compaction for a movable allocation migrates only out of
 * MOVABLE and CMA pageblocks, and tells the owners not to block; the
 * hardest priority takes every pageblock, MIGRATE_SYNC_LIGHT.
 */
static void direct_compaction_modes(struct kunit *test)
{
	struct mmlab_zone *zone = mmlab_zone(0);
	enum mmlab_compact_result res;
	struct block_type *bt;
	unsigned int slot, i, n;
	struct full_zone fz;

	fill_zone(test, &fz, true);
	bt = kunit_kcalloc(test, fz.slots / 8 + 1, sizeof(*bt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bt);
	KUNIT_ASSERT_EQ(test, mmlab_compaction_suitable(zone, test_order()),
			MMLAB_CR_CONTINUE);
	n = mark_our_blocks(&fz, bt);
	for (i = 0; i < ARRAY_SIZE(migrations); i++)
		atomic_set(&migrations[i], 0);

	res = mmlab_try_to_compact(0, test_order(), MMLAB_GFP_USER,
				   MMLAB_COMPACT_PRIO_ASYNC, NULL);
	KUNIT_EXPECT_NE(test, res, MMLAB_CR_SUCCESS);
	KUNIT_EXPECT_EQ(test, atomic_read(&migrations[MMLAB_MIGRATE_ASYNC]), 0);

	res = mmlab_try_to_compact(0, test_order(), MMLAB_GFP_USER,
				   MMLAB_MIN_COMPACT_PRIORITY, NULL);
	KUNIT_EXPECT_NE(test, res, MMLAB_CR_DEFERRED);
	KUNIT_EXPECT_GT(test, atomic_read(&migrations[MMLAB_MIGRATE_SYNC_LIGHT]),
			0);
	KUNIT_EXPECT_EQ(test, atomic_read(&migrations[MMLAB_MIGRATE_SYNC]), 0);

	for (slot = 0; slot < fz.slots; slot += 8)
		KUNIT_EXPECT_TRUE(test, page_intact(owner.pages[slot], slot));
	for (i = 0; i < n; i++)
		mmlab_set_pageblock_migratetype(mmlab_pfn_to_page(bt[i].pfn),
						bt[i].mt);
	mmlab_compaction_alloc_success(0, 0);
	empty_zone(test, &fz);
}

/* --- Compaction's fast searches of the free lists ---------------------------- */

/* What fast_zone() set up: fill_zone()'s, and min_free_kbytes. */
struct fast_zone {
	struct full_zone fz;
	unsigned long *pfn;		/* slot -> pfn before the run */
	unsigned long b, p, t2, chunk;	/* see fast_zone() */
	int min_free_kbytes;
};

static bool in_block(unsigned long pfn, unsigned long start, unsigned long nr)
{
	return pfn >= start && pfn < start + nr;
}

/* Where fast_zone() puts a page of region 0: 0 hold, 1 adopt, 2 free. */
static int fast_zone_role(struct fast_zone *z, unsigned long pfn,
			  unsigned long mid)
{
	if (in_block(pfn, z->p + 64, 32))
		return 2;	/* an order-5 block in P */
	if (in_block(pfn, z->b, PB) || in_block(pfn, z->p, PB))
		return 1;
	if (in_block(pfn, z->t2, PB))
		return in_block(pfn, z->chunk, 64) ? 2 : 0;
	return pfn >= mid && !((pfn - mid) % 2) ? 2 : 0;
}

/*
 * Region 0, every page taken (min_free_kbytes 0, no boost; the suite has
 * kcompactd's own runs off), then: B, the first whole pageblock, all
 * movable test pages; P, two pageblocks up, the same but for a free
 * order-5 block; the top half every other page free (order 0), except T2,
 * the pageblock below the last, which has one free order-6 block at
 * @chunk; everything else held. No skip hints, no deferral.
 */
static void fast_zone(struct kunit *test, struct fast_zone *z)
{
	const mmlab_gfp_t gfp = __MMLAB_GFP_MOVABLE | __MMLAB_GFP_NOWARN |
				__MMLAB_GFP_THISNODE;
	unsigned long i, max = mmlab_zone_managed_pages(0), first, last, mid;
	struct mmlab_zone *zone = mmlab_zone(0);
	struct full_zone *fz = &z->fz;
	struct mmlab_page *page;
	unsigned int round;

	mmlab_cma_remove(area);
	area = NULL;
	first = round_up(zone->first_usable_pfn, PB);
	last = round_down(zone->end_pfn, PB) - PB;
	KUNIT_ASSERT_GE_MSG(test, last, first + 11 * PB,
			    "region 0 has fewer than 12 whole pageblocks");
	KUNIT_ASSERT_LE(test, 2 * PB, (unsigned long)NR_FRAG);
	mid = first + ((last - first) / PB + 1) / 2 * PB;
	z->b = first;
	z->p = first + 2 * PB;
	z->t2 = last - PB;
	z->chunk = z->t2 + PB / 2;
	fz->held = vcalloc(max, sizeof(*fz->held));
	z->pfn = kunit_kcalloc(test, NR_FRAG, sizeof(*z->pfn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fz->held);
	KUNIT_ASSERT_NOT_NULL(test, z->pfn);

	z->min_free_kbytes = mmlab_get_min_free_kbytes();
	fz->boost_factor = mmlab_get_watermark_boost_factor();
	fz->threshold = mmlab_get_extfrag_threshold();
	KUNIT_ASSERT_EQ(test, mmlab_set_watermark_boost_factor(0), 0);
	KUNIT_ASSERT_EQ(test, mmlab_set_min_free_kbytes(0), 0);
	rcu_barrier();		/* slabs freed after a grace period */
	mmlab_drain_all_pages(0);
	fz->free_before = mmlab_zone_free_pages(0);
	fz->nr_held = 0;
	/*
	 * Again after a drain: other CPUs' lists may hold a few, and other
	 * users of the region (slab caches, the fault module's reaper) may
	 * free pages meanwhile. A few stray free pages cannot make a block
	 * the searches would take before ours.
	 */
	for (round = 0; round < 8 && mmlab_zone_free_pages(0); round++) {
		while (fz->nr_held < max &&
		       (page = mmlab_alloc_pages_owner(0, gfp, 0,
						       MMLAB_OWNER_TEST)))
			fz->held[fz->nr_held++] = page;
		mmlab_drain_all_pages(0);
	}
	KUNIT_ASSERT_LE_MSG(test, mmlab_zone_free_pages(0), 8UL,
			    "region 0 not filled");

	fz->slots = 0;
	for (i = 0; i < fz->nr_held; i++) {
		unsigned long pfn = mmlab_page_to_pfn(fz->held[i]);

		switch (fast_zone_role(z, pfn, mid)) {
		case 1:
			z->pfn[fz->slots] = pfn;
			adopt(fz->held[i], fz->slots++);
			fz->held[i] = NULL;
			break;
		case 2:
			mmlab_free_pages(fz->held[i], 0);
			fz->held[i] = NULL;
			break;
		}
	}
	mmlab_drain_all_pages(0);
	mmlab_reset_isolation_suitable(0);
	mmlab_compaction_alloc_success(0, 0);
}

static void fast_zone_undo(struct kunit *test, struct fast_zone *z)
{
	empty_zone(test, &z->fz);
	mmlab_set_min_free_kbytes(z->min_free_kbytes);
}

/*
 * Direct compaction for a costly order searches the free lists first, as
 * 6.1 does: the migrate scanner jumps to P, the pageblock near the bottom
 * that already has a free order-5 block (fast_find_migrateblock()), not to
 * B, the first one, that a linear scan would empty; the free scanner takes
 * the order-6 block of T2 near the top whole (fast_isolate_freepages()),
 * not the order-0 pages of the top pageblock where a linear scan starts.
 * Emptying P is enough: B stays where it is.
 */
static void fast_searches_pick_from_free_lists(struct kunit *test)
{
	unsigned int slot, bad = 0, b_moved = 0, p_stayed = 0;
	enum mmlab_compact_result res;
	struct mmlab_page *head;
	struct fast_zone z;

	fast_zone(test, &z);
	spin_lock(&owner.lock);
	first_move.seen = false;
	spin_unlock(&owner.lock);

	res = mmlab_try_to_compact(0, test_order(), MMLAB_GFP_USER,
				   MMLAB_COMPACT_PRIO_SYNC_LIGHT, NULL);
	KUNIT_EXPECT_EQ(test, res, MMLAB_CR_SUCCESS);
	KUNIT_EXPECT_TRUE(test, first_move.seen);
	kunit_info(test, "B %#lx P %#lx T2 block %#lx: first move %#lx -> %#lx\n",
		   z.b, z.p, z.chunk, first_move.src, first_move.dst);
	KUNIT_EXPECT_TRUE_MSG(test, in_block(first_move.src, z.p, PB),
			      "the first page moved came from %#lx, not P",
			      first_move.src);
	KUNIT_EXPECT_TRUE_MSG(test, in_block(first_move.dst, z.chunk, 64),
			      "the first page moved went to %#lx, not T2's block",
			      first_move.dst);
	/* Counted, not expected one by one: a failure is one line, not 2048. */
	for (slot = 0; slot < z.fz.slots; slot++) {
		unsigned long now = mmlab_page_to_pfn(owner.pages[slot]);

		bad += !page_intact(owner.pages[slot], slot);
		if (in_block(z.pfn[slot], z.b, PB))
			b_moved += now != z.pfn[slot];
		else
			p_stayed += in_block(now, z.p, PB);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "test pages not intact");
	KUNIT_EXPECT_EQ_MSG(test, b_moved, 0U, "pages of B moved");
	KUNIT_EXPECT_EQ_MSG(test, p_stayed, 0U, "pages of P still in P");
	mmlab_drain_all_pages(0);
	head = mmlab_pfn_to_page(z.p);
	KUNIT_EXPECT_TRUE(test, mmlab_page_test(head, MMLAB_PG_BUDDY) &&
			  mmlab_page_order(head) >= test_order());
	fast_zone_undo(test, &z);
}

static bool deferred(unsigned int order, enum mmlab_compact_priority prio)
{
	return mmlab_try_to_compact(0, order, MMLAB_GFP_USER, prio, NULL) ==
	       MMLAB_CR_DEFERRED;
}

/*
 * A failed sync attempt for order N defers the next ones as 6.1 does:
 * 2^defer_shift attempts considered, the shift growing by one per
 * failure; async attempts count too; lower orders and the hardest priority
 * are never deferred; an allocation that succeeds after compacting starts
 * it over.
 */
static void direct_compaction_defers(struct kunit *test)
{
	const enum mmlab_compact_priority light = MMLAB_COMPACT_PRIO_SYNC_LIGHT;
	struct mmlab_zone *zone = mmlab_zone(0);
	unsigned int order = test_order();
	enum mmlab_compact_result res;
	struct full_zone fz;

	fill_zone(test, &fz, false);
	/* A failure would be for fragmentation, whatever the index says. */
	KUNIT_ASSERT_EQ(test, mmlab_set_extfrag_threshold(0), 0);
	KUNIT_ASSERT_EQ(test, mmlab_compaction_suitable(zone, order),
			MMLAB_CR_CONTINUE);
	mmlab_compaction_alloc_success(0, 0);	/* no deferral to start */

	res = mmlab_try_to_compact(0, order, MMLAB_GFP_USER, light, NULL);
	KUNIT_EXPECT_TRUE(test, res == MMLAB_CR_COMPLETE ||
			  res == MMLAB_CR_PARTIAL_SKIPPED);
	/* Shift 1: one attempt skipped, the next runs and fails again. */
	KUNIT_EXPECT_TRUE(test, deferred(order, MMLAB_COMPACT_PRIO_ASYNC));
	KUNIT_EXPECT_FALSE(test, deferred(order, light));
	/* Shift 2: three skipped, the fourth runs. */
	KUNIT_EXPECT_TRUE(test, deferred(order, light));
	KUNIT_EXPECT_TRUE(test, deferred(order + 1, light));
	KUNIT_EXPECT_TRUE(test, deferred(order, light));
	KUNIT_EXPECT_FALSE(test, deferred(order, light));
	/* The hardest priority is never deferred, and its failure defers. */
	KUNIT_EXPECT_FALSE(test, deferred(order, MMLAB_MIN_COMPACT_PRIORITY));
	KUNIT_EXPECT_TRUE(test, deferred(order, light));
	/* Below the order that failed: never deferred. */
	KUNIT_EXPECT_FALSE(test, deferred(order - 1, light));
	/* The allocation got its block: a fresh start. */
	mmlab_compaction_alloc_success(0, order + 1);
	KUNIT_EXPECT_FALSE(test, deferred(order, light));
	mmlab_compaction_alloc_success(0, 0);
	empty_zone(test, &fz);
}

/* A contiguous allocation by a task with a fatal signal stops: -EINTR. */
static void contig_range_stops_on_fatal_signal(struct kunit *test)
{
	unsigned long pfn = area->base_pfn;
	int ret;

	allow_signal(SIGKILL);
	send_sig(SIGKILL, current, 1);
	ret = mmlab_alloc_contig_range(pfn, pfn + PB, MMLAB_MIGRATE_CMA);
	flush_signals(current);
	disallow_signal(SIGKILL);
	if (!ret)
		mmlab_free_contig_range(pfn, PB);
	KUNIT_EXPECT_EQ(test, ret, -EINTR);
	/* The pageblocks got their type back. */
	KUNIT_EXPECT_EQ(test, mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(pfn)),
			MMLAB_MIGRATE_CMA);
	KUNIT_EXPECT_EQ(test, mmlab_alloc_contig_range(pfn, pfn + PB,
						       MMLAB_MIGRATE_CMA), 0);
	mmlab_free_contig_range(pfn, PB);
}

static struct kunit_case mmlab_cma_cases[] = {
	KUNIT_CASE(cma_declare_refusals),
	KUNIT_CASE(cma_bitmap_alignment),
	KUNIT_CASE(cma_order_per_bit),
	KUNIT_CASE(isolation_and_undo),
	KUNIT_CASE(migrate_movable_pages),
	KUNIT_CASE(busy_retry_around_unmovable),
	KUNIT_CASE(release_restores_pageblocks),
	KUNIT_CASE(fragmentation_index),
	KUNIT_CASE(compaction_brings_high_orders_back),
	KUNIT_CASE(unregister_waits_for_isolated),
	KUNIT_CASE(direct_compaction_modes),
	KUNIT_CASE(direct_compaction_defers),
	KUNIT_CASE(fast_searches_pick_from_free_lists),
	KUNIT_CASE(contig_range_stops_on_fatal_signal),
	{}
};

static struct kunit_suite mmlab_cma_suite = {
	.name = "mmlab_cma",
	.suite_init = suite_init,
	.suite_exit = suite_exit,
	.init = test_init,
	.exit = test_exit,
	.test_cases = mmlab_cma_cases,
};

kunit_test_suite(mmlab_cma_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for mmlab_cma");
