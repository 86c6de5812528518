// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_fault: /dev/mmlab, the user-space side of mmlab.
 *
 * The misc device /dev/mmlab (mode 0600, root) is the one control interface
 * that user space, mmlabctl first, uses to drive every mmlab module. Its
 * ioctls are declared in mmlab_uapi.h; the structures are versioned by the
 * size in the ioctl number and carry reserved fields that must be zero.
 *
 * Page allocator ioctls (pages.c): a process allocates blocks of a given
 * order, migratetype and GFP behaviour from mmlab_buddy, gets a handle and
 * the pfn of each, frees them by handle or all at once. The blocks belong
 * to the open file: an xarray of handle -> (page, order, nid) in struct
 * mmlab_file, and releasing the file frees whatever is left, so a killed
 * experiment never leaks region pages.
 *
 * Object, kernel-virtual and contiguous allocation ioctls (user.c,
 * ioctl_slub.c, ioctl_cma.c): a process creates mmlab_slub caches,
 * allocates and frees their objects and kmalloc objects, vmallocs and
 * vfrees, allocates and releases CMA ranges of mmlab_cma, and runs
 * compaction by hand. All of it sits in a second per-file xarray of
 * handles (struct mmlab_ref), bounded per file in handles and bytes;
 * the last close frees the objects first, then the caches.
 *
 * mmap (mmap.c, rmap.c, stats.c): anonymous memory backed by the region,
 * with faults that mirror do_anonymous_page and do_wp_page, a reverse map
 * and movable operations for migration; mmap.c has its own lock order.
 *
 * Lock order:
 *	mmlab_file.lock (mutex, one per open file; may sleep under it)
 *	  mmlab_file.blocks and .refs xa_lock (taken by the xarray API)
 *	  mmlab_slub's and mmlab_cma's locks (inside their calls)
 *	  mmlab_buddy's locks (taken inside mmlab_alloc/free_pages)
 * No lock of this module is taken from mmlab_buddy's callbacks.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "fault.h"
#include "mmap.h"

static int __init mmlab_fault_init(void)
{
	int err = mmlab_rmap_init();

	if (err)
		return err;
	err = mmlab_kpage_init();
	if (err)
		goto out_rmap;
	err = mmlab_mmap_init();
	if (err)
		goto out_kpage;
	mmlab_stats_init();
	err = mmlab_dev_register();
	if (err)
		goto out_stats;
	return 0;

out_stats:
	mmlab_stats_exit();
	mmlab_mmap_exit();
out_kpage:
	mmlab_kpage_exit();
out_rmap:
	mmlab_rmap_exit();
	return err;
}

static void __exit mmlab_fault_exit(void)
{
	mmlab_dev_unregister();
	mmlab_stats_exit();
	mmlab_mmap_exit();
	mmlab_kpage_exit();
	mmlab_rmap_exit();
}

module_init(mmlab_fault_init);
module_exit(mmlab_fault_exit);

MODULE_DESCRIPTION("mmlab: /dev/mmlab, the user-space control interface");
MODULE_LICENSE("GPL");
