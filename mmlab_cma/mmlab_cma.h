/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_cma: contiguous allocation, page migration and compaction inside
 * mmlab's regions, as mm/cma.c, mm/migrate.c and mm/compaction.c do for
 * the kernel's zones.
 */
#ifndef _MMLAB_CMA_H
#define _MMLAB_CMA_H

#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include "mmlab_buddy/mmlab_buddy.h"

struct dentry;

#define MMLAB_CMA_MAX_AREAS	8
#define MMLAB_CMA_NAME_LEN	16

/**
 * struct mmlab_cma - a CMA area, as struct cma.
 * @nid: the region holding it.
 * @base_pfn: first pfn, pageblock aligned.
 * @count: pages, a whole number of pageblocks.
 * @order_per_bit: each bitmap bit stands for 2^order_per_bit pages.
 * @bitmap: one bit per 2^order_per_bit pages, set while allocated.
 * @lock: protects @bitmap; a spinlock, as cma->lock.
 * @alloc_mutex: serialises the isolation and migration of ranges of the
 *	area (two allocations never isolate the same pageblock).
 * @mem_head: debugfs allocations kept to be freed by the free file.
 * @mem_head_lock: protects @mem_head.
 * @dfs_bitmap: the bitmap as the u32 array debugfs prints.
 * @dir: the area's debugfs directory.
 * @name: the area's name.
 */
struct mmlab_cma {
	int nid;
	unsigned long base_pfn;
	unsigned long count;
	unsigned int order_per_bit;
	unsigned long *bitmap;
	spinlock_t lock;	/* see above */
	struct mutex alloc_mutex;	/* see above */
	struct hlist_head mem_head;
	spinlock_t mem_head_lock;	/* see above */
	struct debugfs_u32_array dfs_bitmap;
	struct dentry *dir;
	char name[MMLAB_CMA_NAME_LEN];
};

/* --- CMA areas -------------------------------------------------------------- */

int mmlab_cma_nr_areas(void);
struct mmlab_cma *mmlab_cma_area(int idx);
struct mmlab_cma *mmlab_cma_find(const char *name);
struct mmlab_cma *mmlab_cma_declare(int nid, unsigned long offset,
				    unsigned long size, unsigned long align,
				    unsigned int order_per_bit,
				    const char *name);
void mmlab_cma_remove(struct mmlab_cma *cma);

struct mmlab_page *mmlab_cma_alloc(struct mmlab_cma *cma, unsigned long count,
				   unsigned int align, bool no_warn);
bool mmlab_cma_release(struct mmlab_cma *cma, const struct mmlab_page *pages,
		       unsigned long count);
unsigned long mmlab_cma_used_pages(struct mmlab_cma *cma);
unsigned long mmlab_cma_maxchunk(struct mmlab_cma *cma);

/* --- Contiguous ranges (alloc_contig_range) ------------------------------- */

int mmlab_isolate_range(unsigned long start_pfn, unsigned long end_pfn);
void mmlab_undo_isolate_range(unsigned long start_pfn, unsigned long end_pfn,
			      enum mmlab_migratetype mt);
int mmlab_alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn,
			     enum mmlab_migratetype mt);
void mmlab_free_contig_range(unsigned long pfn, unsigned long nr_pages);

/* --- Migration --------------------------------------------------------------- */

/**
 * enum mmlab_migrate_reason - as enum migrate_reason, the ones mmlab has.
 * @MMLAB_MR_COMPACTION: compaction.
 * @MMLAB_MR_SYSCALL: an explicit request (KUnit, debugfs).
 * @MMLAB_MR_CONTIG_RANGE: a contiguous allocation (CMA).
 */
enum mmlab_migrate_reason {
	MMLAB_MR_COMPACTION = 0,
	MMLAB_MR_SYSCALL = 3,
	MMLAB_MR_CONTIG_RANGE = 6,
};

/* Pages isolated for one migration call; compaction's COMPACT_CLUSTER_MAX. */
#define MMLAB_MIGRATE_BATCH	32

/**
 * struct mmlab_migrate_batch - pages isolated for migration.
 * @nr: pages in @pages.
 * @pages: isolated through their movable operations.
 *
 * The kernel links isolated pages through page->lru; an isolated user page
 * of mmlab still uses the words that share mmlab_page::lru (its mapcount
 * and rmap), so isolated pages travel in an array instead.
 */
struct mmlab_migrate_batch {
	unsigned int nr;
	struct mmlab_page *pages[MMLAB_MIGRATE_BATCH];
};

typedef struct mmlab_page *(*mmlab_new_page_t)(struct mmlab_page *src,
					       unsigned long private);
typedef void (*mmlab_free_page_t)(struct mmlab_page *dst,
				  unsigned long private);

bool mmlab_isolate_movable_page(struct mmlab_page *page);
void mmlab_putback_movable_pages(struct mmlab_migrate_batch *batch);
int mmlab_migrate_pages(struct mmlab_migrate_batch *batch,
			mmlab_new_page_t get_new_page,
			mmlab_free_page_t put_new_page, unsigned long private,
			enum mmlab_migrate_mode mode,
			enum mmlab_migrate_reason reason,
			unsigned int *nr_succeeded);

/* --- Compaction ---------------------------------------------------------------- */

/**
 * struct mmlab_compact_stats - what one compaction run did.
 * @migrate_scanned: pages the migrate scanner looked at.
 * @free_scanned: pages the free scanner looked at.
 * @isolated: pages isolated (both scanners).
 * @migrated: pages that moved.
 * @failed: pages that did not move.
 * @migrate_pfn: where the migrate scanner stopped.
 * @free_pfn: where the free scanner stopped.
 */
struct mmlab_compact_stats {
	unsigned long migrate_scanned;
	unsigned long free_scanned;
	unsigned long isolated;
	unsigned long migrated;
	unsigned long failed;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
};

enum mmlab_compact_result mmlab_compact_node(int nid, int order,
					     struct mmlab_compact_stats *stats);
void mmlab_wakeup_kcompactd(int nid, unsigned int order);
int mmlab_get_extfrag_threshold(void);
int mmlab_set_extfrag_threshold(int threshold);
/* Exported for the KUnit suite only (EXPORT_SYMBOL_IF_KUNIT). */
enum mmlab_compact_result mmlab_compaction_suitable(struct mmlab_zone *zone,
						    int order);
enum mmlab_compact_result
mmlab_try_to_compact(int nid, unsigned int order, mmlab_gfp_t gfp,
		     enum mmlab_compact_priority prio, struct mmlab_page **capture);
void mmlab_reset_isolation_suitable(int nid);
int mmlab_set_compaction_proactiveness(int value);
int mmlab_get_compaction_proactiveness(void);
void mmlab_compaction_alloc_success(int nid, unsigned int order);

#endif /* _MMLAB_CMA_H */
