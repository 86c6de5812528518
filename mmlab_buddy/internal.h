/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_buddy internals shared by its files: not for other modules.
 */
#ifndef _MMLAB_BUDDY_INTERNAL_H
#define _MMLAB_BUDDY_INTERNAL_H

#include "mmlab_buddy/mmlab_buddy.h"

/* Allocation flags, as the kernel's ALLOC_* flags. */
#define MMLAB_ALLOC_WMARK_MIN		MMLAB_WMARK_MIN
#define MMLAB_ALLOC_WMARK_LOW		MMLAB_WMARK_LOW
#define MMLAB_ALLOC_WMARK_HIGH		MMLAB_WMARK_HIGH
#define MMLAB_ALLOC_WMARK_MASK		0x3
#define MMLAB_ALLOC_MIN_RESERVE		BIT(2)	/* __MMLAB_GFP_HIGH */
#define MMLAB_ALLOC_NON_BLOCK		BIT(3)	/* cannot reclaim */
#define MMLAB_ALLOC_HIGHATOMIC		BIT(4)	/* may use the highatomic reserve */
#define MMLAB_ALLOC_CMA			BIT(5)	/* may use CMA pageblocks */
#define MMLAB_ALLOC_KSWAPD		BIT(6)	/* may wake kswapd */
#define MMLAB_ALLOC_RESERVES		(MMLAB_ALLOC_MIN_RESERVE | \
					 MMLAB_ALLOC_NON_BLOCK | \
					 MMLAB_ALLOC_HIGHATOMIC)

extern struct mmlab_zone *mmlab_zones[MMLAB_MAX_REGIONS];
extern int mmlab_nr_zones;
extern const char * const mmlab_migratetype_names[MMLAB_MIGRATE_TYPES];

static inline struct mmlab_page *zone_pfn_page(struct mmlab_zone *zone,
					       unsigned long pfn)
{
	return &zone->region->pages[pfn - zone->start_pfn];
}

static inline unsigned long zone_page_pfn(struct mmlab_zone *zone,
					  const struct mmlab_page *page)
{
	return zone->start_pfn + (page - zone->region->pages);
}

static inline struct mmlab_zone *mmlab_page_zone(const struct mmlab_page *page)
{
	return mmlab_zones[mmlab_page_field(page, MMLAB_PG_REGION_MASK,
					    MMLAB_PG_REGION_SHIFT)];
}

/* page_alloc.c */
int mmlab_pfnblock_mt(struct mmlab_zone *zone, unsigned long pfn);
void mmlab_zone_drain(struct mmlab_zone *zone);
void mmlab_zone_drain_cpu(struct mmlab_zone *zone, int cpu);
void mmlab_zone_update_pcp(struct mmlab_zone *zone, int cpus);
int mmlab_nr_pcp_free(struct mmlab_per_cpu_pages *pcp, int high, int batch,
		      bool free_high);
int mmlab_nr_pcp_high(struct mmlab_per_cpu_pages *pcp, struct mmlab_zone *zone,
		      bool free_high);
bool mmlab_unreserve_highatomic(struct mmlab_zone *zone, int mt, bool force);
bool mmlab_zone_wmark_ok(struct mmlab_zone *zone, unsigned int order,
			 unsigned long mark, unsigned int alloc_flags,
			 long free_pages);

/* reclaim.c */
int mmlab_setup_watermarks(void);
void mmlab_setup_watermarks_cpuslocked(void);
void mmlab_init_min_free_kbytes(void);
int mmlab_kswapd_run(struct mmlab_zone *zone);
void mmlab_kswapd_stop(struct mmlab_zone *zone);
void mmlab_zone_wakeup_kswapd(struct mmlab_zone *zone, unsigned int order);
unsigned long mmlab_shrink_direct(struct mmlab_zone *zone,
				  unsigned long nr_to_scan);
enum mmlab_compact_result
mmlab_try_to_compact_pages(struct mmlab_zone **zl, int nr, unsigned int order,
			   mmlab_gfp_t gfp, enum mmlab_compact_priority prio,
			   struct mmlab_page **capture);
void mmlab_compaction_alloc_success(struct mmlab_zone *zone,
				    unsigned int order);
extern int mmlab_min_free_kbytes;
extern int mmlab_watermark_scale_factor;
extern int mmlab_watermark_boost_factor;

/* vmstat.c */
int mmlab_buddy_debugfs_init(void);
void mmlab_buddy_debugfs_exit(void);

/* pageinfo.c */
extern const struct file_operations mmlab_pageinfo_fops;
const char *mmlab_owner_name(u32 flags);

/* movable.c */
void mmlab_movable_ops_exit(void);

#endif /* _MMLAB_BUDDY_INTERNAL_H */
