// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_cma: contiguous allocation, page migration and compaction in the
 * mmlab regions, as mm/cma.c, alloc_contig_range() of mm/page_alloc.c,
 * mm/migrate.c and mm/compaction.c do for the kernel's zones.
 *
 * cma.c       CMA areas (cma= parameter, mmlab,cma DT property), their
 *             bitmaps, mmlab_cma_alloc() and mmlab_cma_release().
 * migrate.c   the migration engine over mmlab_buddy's movable operations,
 *             pageblock isolation and mmlab_alloc_contig_range().
 * compaction.c  compact_zone()'s two scanners in async, sync-light and
 *             sync modes with skip hints and cached positions, the
 *             fragmentation index and compaction_suitable(), direct
 *             compaction for mmlab_buddy with 6.1's deferral, kcompactd.
 * debugfs.c   /sys/kernel/debug/mmlab/cma/<area>/ as mm/cma_debug.c,
 *             compact, extfrag_threshold and extfrag_index.
 *
 * Lock order (sleeping locks first, never taken under a spinlock):
 *   mmlab_cma_areas_mutex (the table of areas)
 *     mmlab_cma::alloc_mutex (one range isolation per area)
 *       mmlab_compact_state::mutex (one compaction run per region)
 *         mmlab_isolate_mutex (checking and setting ISOLATE pageblocks)
 *         owner locks inside the movable operations (mmlab_fault's rwsem)
 *           mmlab_per_cpu_pages::lock, mmlab_zone::lock (mmlab_buddy)
 *   mmlab_cma::lock, mmlab_cma::mem_head_lock and
 *   mmlab_compact_state::defer_lock are leaf spinlocks.
 * Compaction may run inside a CMA allocation's migration only through
 * mmlab_buddy's direct compaction, which the migration targets avoid by
 * allocating without __MMLAB_GFP_DIRECT_RECLAIM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "internal.h"

static int __init mmlab_cma_init(void)
{
	int ret;

	mmlab_cma_debugfs_init();
	mmlab_fail_attr_register(&mmlab_fail_cma);
	ret = mmlab_cma_setup_areas();
	if (ret)
		goto fail;
	ret = mmlab_compaction_init();
	if (ret)
		goto fail;
	return 0;

fail:
	mmlab_compaction_exit();
	mmlab_cma_remove_all();
	mmlab_fail_attr_unregister(&mmlab_fail_cma);
	mmlab_cma_debugfs_exit();
	return ret;
}
module_init(mmlab_cma_init);

static void __exit mmlab_cma_exit(void)
{
	mmlab_compaction_exit();
	mmlab_cma_remove_all();
	mmlab_fail_attr_unregister(&mmlab_fail_cma);
	mmlab_cma_debugfs_exit();
}
module_exit(mmlab_cma_exit);

MODULE_DESCRIPTION("mmlab: contiguous allocation, migration and compaction in the mmlab regions");
MODULE_LICENSE("GPL");
