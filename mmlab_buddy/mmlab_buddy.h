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

#include <linux/types.h>
#include "mmlab_core/mmlab_core.h"

/* 6.1's MAX_ORDER is 11: orders 0..10, blocks up to 4 MiB with 4 KiB pages. */
#define MMLAB_MAX_ORDER		11
#define MMLAB_PAGEBLOCK_ORDER	(MMLAB_MAX_ORDER - 1)
#define MMLAB_PAGEBLOCK_PAGES	(1UL << MMLAB_PAGEBLOCK_ORDER)

/**
 * enum mmlab_migratetype - mobility of a pageblock, as enum migratetype.
 * @MMLAB_MIGRATE_UNMOVABLE: kernel allocations that never move.
 * @MMLAB_MIGRATE_MOVABLE: user pages and others that migration can move.
 * @MMLAB_MIGRATE_RECLAIMABLE: allocations a shrinker can give back.
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

/* --- Allocation --------------------------------------------------------- */

struct mmlab_page *mmlab_alloc_pages_node(int nid, mmlab_gfp_t gfp,
					  unsigned int order);
struct mmlab_page *mmlab_alloc_pages(mmlab_gfp_t gfp, unsigned int order);
void mmlab_free_pages(struct mmlab_page *page, unsigned int order);
void mmlab_put_page(struct mmlab_page *page);

/* --- Zone state ----------------------------------------------------------- */

unsigned long mmlab_zone_free_pages(int nid);
unsigned long mmlab_zone_managed_pages(int nid);
void mmlab_drain_all_pages(int nid);
void mmlab_wakeup_kswapd(int nid, unsigned int order);

/* --- Pageblocks (for mmlab_cma) -------------------------------------------- */

enum mmlab_migratetype mmlab_get_pageblock_migratetype(const struct mmlab_page *page);
int mmlab_set_pageblock_migratetype(struct mmlab_page *page,
				    enum mmlab_migratetype mt);

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
 * struct mmlab_compact_ops - compaction, as mmlab_cma provides it.
 * @try_to_compact: compact region @nid until a free block of @order
 *	exists or nothing more can be done; returns true on success.
 *	Called by direct compaction (may sleep) and by kswapd.
 */
struct mmlab_compact_ops {
	bool (*try_to_compact)(int nid, unsigned int order, mmlab_gfp_t gfp);
};

int mmlab_set_compact_ops(const struct mmlab_compact_ops *ops);
void mmlab_clear_compact_ops(const struct mmlab_compact_ops *ops);

/* --- Movable pages --------------------------------------------------------- */

/**
 * struct mmlab_movable_operations - how an owner lets its pages move,
 *	as struct movable_operations does for the kernel.
 * @isolate_page: take @page aside for migration; false if it cannot move.
 * @migrate_page: move the contents and users of @src to @dst; 0 or -errno.
 *	On success the owner has dropped its reference to @src.
 * @putback_page: give back a page isolated but not migrated.
 */
struct mmlab_movable_operations {
	bool (*isolate_page)(struct mmlab_page *page);
	int (*migrate_page)(struct mmlab_page *dst, struct mmlab_page *src);
	void (*putback_page)(struct mmlab_page *page);
};

#define MMLAB_MAX_MOVABLE_OPS	7

int mmlab_register_movable_ops(const struct mmlab_movable_operations *ops);
void mmlab_unregister_movable_ops(int id);
void mmlab_page_set_movable(struct mmlab_page *page, int ops_id);
const struct mmlab_movable_operations *
mmlab_page_movable_ops(const struct mmlab_page *page);

#endif /* _MMLAB_BUDDY_H */
