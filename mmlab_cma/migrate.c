// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_cma: page migration and contiguous ranges.
 *
 * Migration moves pages that their owner registered movable operations
 * for (struct mmlab_movable_operations, mmlab_buddy's registry), as
 * mm/migrate.c moves non-LRU movable pages: isolate the page through its
 * owner (which takes a reference and marks it MMLAB_PG_ISOLATED), get a
 * destination page, let the owner move contents and users
 * (ops->migrate_page), put the page back on failure. migrate_pages()
 * passes over the batch up to ten times while pages answer -EAGAIN. The
 * calls go through mmlab_buddy's mmlab_movable_*() wrappers, which keep
 * the owner's operations registered while one of its pages is isolated.
 *
 * A contiguous range is taken as alloc_contig_range() does: isolate the
 * pageblocks around it (MMLAB_MIGRATE_ISOLATE: freed pages stay out of
 * the allocator), drain the per-CPU lists, migrate every movable page of
 * the range out of it, take the now free pages (mmlab_take_free_range())
 * and restore the pageblocks' type. A page that cannot move makes the
 * attempt fail with -EBUSY; so does a batch that still has pages after
 * MMLAB_CONTIG_TRIES migration attempts, retried at once as 6.1 does,
 * without sleeping; a fatal signal makes it fail with -EINTR.
 *
 * Locks: mmlab_isolate_mutex serialises pageblock isolation (check and set
 * of the ISOLATE type); the owner's locks are taken inside its operations,
 * the zone lock inside mmlab_buddy.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

#define MMLAB_MIGRATE_PASSES		10
#define MMLAB_CONTIG_TRIES		5

static DEFINE_MUTEX(mmlab_isolate_mutex);

/* --- Migration ----------------------------------------------------------- */

/**
 * mmlab_isolate_movable_page - take a movable page aside for migration.
 * @page: any page of a region.
 *
 * Asks the page's owner, through its movable operations, to isolate it:
 * the owner takes a reference and marks the page MMLAB_PG_ISOLATED.
 *
 * Return: true if the page is now isolated and must go through
 * mmlab_migrate_pages() or mmlab_putback_movable_pages().
 */
bool mmlab_isolate_movable_page(struct mmlab_page *page)
{
	if (mmlab_page_test(page, MMLAB_PG_BUDDY | MMLAB_PG_PCP |
			    MMLAB_PG_ISOLATED | MMLAB_PG_TAIL))
		return false;
	if (!mmlab_page_count(page))
		return false;
	return mmlab_movable_isolate(page);
}
EXPORT_SYMBOL_GPL(mmlab_isolate_movable_page);

/**
 * mmlab_putback_movable_pages - give back pages isolated but not migrated.
 * @batch: the pages; empty afterwards.
 */
void mmlab_putback_movable_pages(struct mmlab_migrate_batch *batch)
{
	unsigned int i;

	for (i = 0; i < batch->nr; i++)
		if (batch->pages[i])
			mmlab_movable_putback(batch->pages[i]);
	batch->nr = 0;
}
EXPORT_SYMBOL_GPL(mmlab_putback_movable_pages);

static void free_new_page(struct mmlab_page *dst, mmlab_free_page_t put_new_page,
			  unsigned long private)
{
	if (put_new_page)
		put_new_page(dst, private);
	else
		mmlab_free_pages(dst, 0);
}

/* 0 when @src moved (or was freed under us), -errno otherwise. */
static int migrate_one(struct mmlab_page *src, mmlab_new_page_t get_new_page,
		       mmlab_free_page_t put_new_page, unsigned long private,
		       enum mmlab_migrate_mode mode)
{
	struct mmlab_page *dst;
	int rc;

	/* Only the isolation reference is left: the owner freed it. */
	if (mmlab_page_count(src) == 1) {
		mmlab_movable_putback(src);
		return 0;
	}
	dst = get_new_page(src, private);
	if (!dst)
		return -ENOMEM;
	rc = mmlab_movable_migrate(dst, src, mode);
	if (rc)
		free_new_page(dst, put_new_page, private);
	return rc;
}

/* Drop the NULL slots of the batch. */
static void compact_batch(struct mmlab_migrate_batch *batch)
{
	unsigned int i, n = 0;

	for (i = 0; i < batch->nr; i++)
		if (batch->pages[i])
			batch->pages[n++] = batch->pages[i];
	batch->nr = n;
}

/**
 * mmlab_migrate_pages - migrate isolated pages, as migrate_pages().
 * @batch: pages isolated with mmlab_isolate_movable_page().
 * @get_new_page: returns a lone order-0 page with one reference for a
 *	source page, or NULL.
 * @put_new_page: frees an unused destination page; NULL for
 *	mmlab_free_pages(page, 0).
 * @private: passed to both.
 * @mode: how hard to try.
 * @reason: why, for the mm_migrate_pages event.
 * @nr_succeeded: pages migrated, if not NULL.
 *
 * Each page moves through its owner's migrate_page operation. Pages that
 * answer -EAGAIN are tried again on later passes; pages that fail for
 * good stay in @batch. The pages left in @batch on return must be given
 * back with mmlab_putback_movable_pages(). Counts pgmigrate_success and
 * pgmigrate_fail.
 *
 * Return: the number of pages not migrated, or -ENOMEM when no
 * destination page could be had (the rest were not tried).
 */
int mmlab_migrate_pages(struct mmlab_migrate_batch *batch,
			mmlab_new_page_t get_new_page,
			mmlab_free_page_t put_new_page, unsigned long private,
			enum mmlab_migrate_mode mode,
			enum mmlab_migrate_reason reason,
			unsigned int *nr_succeeded)
{
	unsigned int succeeded = 0, failed = 0, retry = 1, pass, i;
	int ret = 0;

	for (pass = 0; pass < MMLAB_MIGRATE_PASSES && retry; pass++) {
		retry = 0;
		failed = 0;
		for (i = 0; i < batch->nr; i++) {
			struct mmlab_page *page = batch->pages[i];
			int rc;

			if (!page)
				continue;
			rc = migrate_one(page, get_new_page, put_new_page,
					 private, mode);
			if (!rc) {
				succeeded++;
				batch->pages[i] = NULL;
			} else if (rc == -EAGAIN) {
				retry++;
			} else if (rc == -ENOMEM) {
				ret = -ENOMEM;
				goto out;
			} else {
				failed++;
			}
		}
		if (retry && mode != MMLAB_MIGRATE_ASYNC)
			cond_resched();
	}
out:
	compact_batch(batch);
	failed = batch->nr;
	mmlab_count_vm_events(MMLAB_PGMIGRATE_SUCCESS, succeeded);
	mmlab_count_vm_events(MMLAB_PGMIGRATE_FAIL, failed);
	trace_mm_migrate_pages(succeeded, failed, 0, 0, 0, mode, reason);
	if (nr_succeeded)
		*nr_succeeded = succeeded;
	return ret ? ret : failed;
}
EXPORT_SYMBOL_GPL(mmlab_migrate_pages);

/* --- Pageblock isolation -------------------------------------------------- */

static bool range_in_one_zone(unsigned long start_pfn, unsigned long end_pfn)
{
	struct mmlab_region *r = mmlab_pfn_region(start_pfn);

	return r && end_pfn > start_pfn && end_pfn <= r->start_pfn + r->nr_pages &&
	       mmlab_zone(r->id);
}

/**
 * mmlab_isolate_range - set the pageblocks of a range to ISOLATE.
 * @start_pfn: first pfn, pageblock aligned.
 * @end_pfn: one past the last, pageblock aligned.
 *
 * As start_isolate_page_range(): free pages of the pageblocks leave the
 * allocator; pages freed later stay out too. A pageblock isolated already
 * (by another contiguous allocation) makes it fail. Call
 * mmlab_drain_all_pages() afterwards for the per-CPU pages.
 *
 * Return: 0, -EINVAL for a bad range or -EBUSY.
 */
int mmlab_isolate_range(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn;

	if (!range_in_one_zone(start_pfn, end_pfn) ||
	    !IS_ALIGNED(start_pfn | end_pfn, MMLAB_PAGEBLOCK_PAGES))
		return -EINVAL;
	mutex_lock(&mmlab_isolate_mutex);
	for (pfn = start_pfn; pfn < end_pfn; pfn += MMLAB_PAGEBLOCK_PAGES) {
		if (mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(pfn)) ==
		    MMLAB_MIGRATE_ISOLATE) {
			mutex_unlock(&mmlab_isolate_mutex);
			return -EBUSY;
		}
	}
	for (pfn = start_pfn; pfn < end_pfn; pfn += MMLAB_PAGEBLOCK_PAGES)
		mmlab_set_pageblock_migratetype(mmlab_pfn_to_page(pfn),
						MMLAB_MIGRATE_ISOLATE);
	mutex_unlock(&mmlab_isolate_mutex);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_isolate_range);

/**
 * mmlab_undo_isolate_range - give isolated pageblocks a type again.
 * @start_pfn: first pfn, pageblock aligned.
 * @end_pfn: one past the last, pageblock aligned.
 * @mt: the type they get (the one they had).
 */
void mmlab_undo_isolate_range(unsigned long start_pfn, unsigned long end_pfn,
			      enum mmlab_migratetype mt)
{
	unsigned long pfn;

	if (!range_in_one_zone(start_pfn, end_pfn))
		return;
	mutex_lock(&mmlab_isolate_mutex);
	for (pfn = start_pfn; pfn < end_pfn; pfn += MMLAB_PAGEBLOCK_PAGES)
		mmlab_set_pageblock_migratetype(mmlab_pfn_to_page(pfn), mt);
	mutex_unlock(&mmlab_isolate_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_undo_isolate_range);

/* --- alloc_contig_range ------------------------------------------------------ */

struct contig_target {
	unsigned long start_pfn;
	unsigned long end_pfn;
	int nid;
};

/* A destination outside the range being emptied (alloc_migration_target). */
static struct mmlab_page *contig_new_page(struct mmlab_page *src,
					  unsigned long private)
{
	struct contig_target *t = (struct contig_target *)private;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		struct mmlab_page *dst;
		unsigned long pfn;

		dst = mmlab_alloc_pages_owner(t->nid, __MMLAB_GFP_MOVABLE |
					      __MMLAB_GFP_KSWAPD_RECLAIM |
					      __MMLAB_GFP_NOWARN, 0,
					      MMLAB_OWNER_KERNEL);
		if (!dst)
			return NULL;
		pfn = mmlab_page_to_pfn(dst);
		if (pfn < t->start_pfn || pfn >= t->end_pfn)
			return dst;
		/* A stale per-CPU page of the isolated range: it goes back
		 * to the ISOLATE lists.
		 */
		mmlab_free_pages(dst, 0);
	}
	return NULL;
}

/*
 * Isolate the next batch of movable pages of the range from *@pfn on.
 * Free pages and tails are stepped over; a page someone else holds
 * isolated is left for the final check. Returns 0, or -EBUSY at a page
 * that cannot move at all (no movable operations).
 */
static int isolate_contig_batch(struct contig_target *t, unsigned long *pfn,
				struct mmlab_migrate_batch *batch)
{
	while (*pfn < t->end_pfn && batch->nr < MMLAB_MIGRATE_BATCH) {
		struct mmlab_page *page = mmlab_pfn_to_page(*pfn);

		if (mmlab_page_test(page, MMLAB_PG_BUDDY)) {
			*pfn += 1UL << min_t(unsigned int, mmlab_page_order(page),
					     MMLAB_MAX_ORDER - 1);
			continue;
		}
		(*pfn)++;
		if (mmlab_page_test(page, MMLAB_PG_PCP) ||
		    !mmlab_page_count(page) ||
		    mmlab_page_test(page, MMLAB_PG_TAIL))
			continue;	/* free, or checked at the end */
		if (mmlab_isolate_movable_page(page)) {
			batch->pages[batch->nr++] = page;
			continue;
		}
		if (!mmlab_page_test(page, MMLAB_PG_MOVABLE))
			return -EBUSY;
	}
	return 0;
}

/*
 * Migrate the movable pages of [start, end) out of it, as
 * __alloc_contig_migrate_range(): a batch at a time, a batch whose pages
 * did not all move tried again at once, up to MMLAB_CONTIG_TRIES times in
 * all, then -EBUSY. No sleeping between tries: the caller's final check
 * decides, and mmlab_cma_alloc() moves on to another range. A fatal signal
 * ends it with -EINTR, so a killed task does not migrate a whole area.
 * Returns 0, -EINTR, -EBUSY or -ENOMEM (no destination page).
 */
static int migrate_range(struct contig_target *t)
{
	struct mmlab_migrate_batch batch = { .nr = 0 };
	unsigned long pfn = t->start_pfn;
	unsigned int tries = 0;
	int ret = 0;

	while (pfn < t->end_pfn || batch.nr) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (!batch.nr) {
			ret = isolate_contig_batch(t, &pfn, &batch);
			if (ret)
				break;
			tries = 0;
			if (!batch.nr)
				continue;
		} else if (++tries == MMLAB_CONTIG_TRIES) {
			ret = -EBUSY;
			break;
		}
		ret = mmlab_migrate_pages(&batch, contig_new_page, NULL,
					  (unsigned long)t, MMLAB_MIGRATE_SYNC,
					  MMLAB_MR_CONTIG_RANGE, NULL);
		if (ret == -ENOMEM)
			break;
		ret = 0;
		cond_resched();
	}
	mmlab_putback_movable_pages(&batch);
	return ret;
}

/**
 * mmlab_alloc_contig_range - take a range of pages, as alloc_contig_range().
 * @start_pfn: first pfn.
 * @end_pfn: one past the last pfn; the range lies in one region.
 * @mt: the type of the range's pageblocks, restored at the end.
 *
 * Isolates the pageblocks around the range, migrates its movable pages
 * elsewhere, and takes its pages as lone order-0 pages owned by
 * MMLAB_OWNER_CMA with one reference each. Sleeps.
 *
 * Return: 0; -EBUSY when a page cannot move, did not move in
 * MMLAB_CONTIG_TRIES tries, was not free at the end, or a pageblock is
 * isolated already; -EINTR when a fatal signal is pending; -ENOMEM when
 * no destination page was left or debugfs mmlab/fail_cma injected a
 * failure; -EINVAL for a bad range.
 */
int mmlab_alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn,
			     enum mmlab_migratetype mt)
{
	struct contig_target t = {
		.start_pfn = start_pfn,
		.end_pfn = end_pfn,
	};
	unsigned long outer_start = round_down(start_pfn, MMLAB_PAGEBLOCK_PAGES);
	unsigned long outer_end = round_up(end_pfn, MMLAB_PAGEBLOCK_PAGES);
	struct mmlab_region *r = mmlab_pfn_region(start_pfn);
	int ret;

	might_sleep();
	if (!r || !range_in_one_zone(outer_start, outer_end) ||
	    mt >= MMLAB_MIGRATE_ISOLATE)
		return -EINVAL;
	t.nid = r->id;
	ret = mmlab_isolate_range(outer_start, outer_end);
	if (ret)
		return ret;
	mmlab_drain_all_pages(t.nid);
	if (mmlab_should_fail(&mmlab_fail_cma,
			      (end_pfn - start_pfn) << PAGE_SHIFT)) {
		ret = -ENOMEM;	/* injected, after the isolation */
		goto undo;
	}
	ret = migrate_range(&t);
	if (ret)
		goto undo;
	/* Pages freed by the migration may wait on per-CPU lists. */
	mmlab_drain_all_pages(t.nid);
	ret = mmlab_take_free_range(start_pfn, end_pfn, MMLAB_OWNER_CMA);
undo:
	mmlab_undo_isolate_range(outer_start, outer_end, mt);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_alloc_contig_range);

/**
 * mmlab_free_contig_range - free pages taken by mmlab_alloc_contig_range().
 * @pfn: first pfn.
 * @nr_pages: pages.
 */
void mmlab_free_contig_range(unsigned long pfn, unsigned long nr_pages)
{
	for (; nr_pages; nr_pages--, pfn++) {
		mmlab_free_pages(mmlab_pfn_to_page(pfn), 0);
		if (!(nr_pages % 256))
			cond_resched();
	}
}
EXPORT_SYMBOL_GPL(mmlab_free_contig_range);
