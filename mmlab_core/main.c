// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_core: the private regions of mmlab and their page descriptors.
 *
 * A region is a range of physical memory that the kernel reserved at boot
 * (memmap=SIZE$BASE on x86, a /reserved-memory child in the device tree)
 * and that mmlab manages on its own, as a NUMA node with one zone. Regions
 * come from the regions= module parameter ("64M@0x10000000[,...]") and
 * from "mmlab,region" device-tree nodes, both at module load. Before a
 * region is used the range must be page-aligned, big enough and disjoint
 * from the other regions; the iomem resource tree must show that the
 * kernel gave it away: either System RAM whose every frame is PageReserved
 * (arm64 reserved-memory without no-map), or no System RAM at all and
 * covered by "Reserved" resources (x86 memmap=SIZE$BASE) or by struct
 * pages that are all PageReserved (arm64 no-map). The range must be free
 * in /proc/iomem, where we claim it as "mmlab". Anything else is refused
 * with one log line.
 *
 * Each region is mapped write-back: the linear map when the kernel still
 * maps it (System RAM); for a range outside System RAM, the linear map and
 * ZONE_DEVICE struct pages that memremap_pages() adds when the kernel has
 * ZONE_DEVICE (x86 memmap= on Debian's kernel); an ioremap_cache alias
 * otherwise (arm64 no-map). In the first two cases the region's frames are
 * normal pages to the kernel's mm (mmlab_region_normal_pages()), which
 * mmlab_fault needs to give them to processes as the kernel's own pages;
 * mmlab keeps one reference on each of their struct pages for the
 * region's life. Whether every frame has a kernel struct page at all is
 * recorded (mmlab_region::kpages): an x86 range that covers whole memory
 * sections has none without ZONE_DEVICE. Each region then gets an array of
 * struct mmlab_page, one per frame, in its own first pages, as mem_map
 * lives in the memory it describes. Those pages are owned by
 * MMLAB_OWNER_RESERVED; every other page starts MMLAB_OWNER_FREE for
 * mmlab_buddy to take over.
 *
 * mmlab_core also owns the debugfs directory /sys/kernel/debug/mmlab/
 * where every module puts its files, and its "regions" file.
 *
 * Lock order:
 *   device_lock (driver core, around a DT probe)
 *     mmlab_regions_lock (adding and removing regions)
 *       resource_lock (request_mem_region, insert_resource)
 *
 * The set of regions is fixed once the module has loaded: readers walk it
 * without a lock (mmlab_nr_regions() is an acquire, the add a release),
 * and the modules that use the regions hold mmlab_core by its symbols, so
 * it cannot unload under them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "internal.h"

static char *regions;
module_param(regions, charp, 0444);
MODULE_PARM_DESC(regions,
		 "physical ranges reserved at boot, SIZE@BASE[,SIZE@BASE...] (e.g. 64M@0x10000000)");

static int __init mmlab_add_param_regions(void)
{
	struct mmlab_range ranges[MMLAB_MAX_REGIONS];
	int nr, i, ret;

	ret = mmlab_parse_regions(regions, ranges, MMLAB_MAX_REGIONS, &nr);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		ret = mmlab_check_range_shape(&ranges[i]);
		if (ret)
			return ret;
	}
	ret = mmlab_check_overlap(ranges, nr);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		ret = mmlab_add_region(&ranges[i], MMLAB_SRC_PARAM, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

static void __init mmlab_build_checks(void)
{
	if (IS_ENABLED(CONFIG_64BIT))
		BUILD_BUG_ON(sizeof(struct mmlab_page) != 24);
	BUILD_BUG_ON(MMLAB_MAX_REGIONS >
		     (MMLAB_PG_REGION_MASK >> MMLAB_PG_REGION_SHIFT) + 1);
	BUILD_BUG_ON(MMLAB_NR_OWNERS >
		     (MMLAB_PG_OWNER_MASK >> MMLAB_PG_OWNER_SHIFT) + 1);
}

static int __init mmlab_core_init(void)
{
	int ret;

	mmlab_build_checks();

	ret = mmlab_add_param_regions();
	if (ret)
		goto err_regions;
	ret = mmlab_dt_init();
	if (ret)
		goto err_regions;
	if (!mmlab_nr_regions()) {
		pr_err("no region: reserve memory at boot and load with regions=SIZE@BASE (x86: memmap=64M$0x10000000 and regions=64M@0x10000000) or add an \"mmlab,region\" device-tree node\n");
		ret = -ENODEV;
		goto err_dt;
	}
	mmlab_seal_regions();
	mmlab_debugfs_init();
	return 0;

err_dt:
	mmlab_dt_exit();
err_regions:
	mmlab_remove_all_regions();
	return ret;
}
module_init(mmlab_core_init);

static void __exit mmlab_core_exit(void)
{
	mmlab_debugfs_exit();
	mmlab_dt_exit();
	mmlab_remove_all_regions();
}
module_exit(mmlab_core_exit);

MODULE_DESCRIPTION("mmlab: private memory regions and their page descriptors");
MODULE_AUTHOR("mmlab developers");
MODULE_LICENSE("GPL");
