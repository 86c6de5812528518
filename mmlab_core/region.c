// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_core: the table of regions, and setting up and tearing down one
 * region: check its pages, claim it in /proc/iomem, map it and build its
 * descriptor array.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/io.h>
#include <linux/memremap.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/page-flags.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>

#ifdef CONFIG_X86
#include <asm/e820/api.h>
#endif

#include "internal.h"

/* Serialises adding and removing regions; readers go without it. */
static DEFINE_MUTEX(mmlab_regions_lock);
struct mmlab_region mmlab_region_table[MMLAB_MAX_REGIONS];
EXPORT_SYMBOL_GPL(mmlab_region_table);
/* Resources that had to be inserted under a busy System RAM entry. */
static bool mmlab_res_inserted[MMLAB_MAX_REGIONS];
int mmlab_region_count;
EXPORT_SYMBOL_GPL(mmlab_region_count);
static bool mmlab_sealed;

/*
 * The first frame of @range without a kernel struct page that is
 * PageReserved, or the frame past its end when every one has one.
 */
static unsigned long mmlab_first_unreserved_pfn(const struct mmlab_range *range)
{
	unsigned long pfn = PHYS_PFN(range->base);
	unsigned long end = pfn + PHYS_PFN(range->size);

	for (; pfn < end; pfn++) {
		if (!pfn_valid(pfn) || !PageReserved(pfn_to_page(pfn)))
			break;
		if (!(pfn % 4096))
			cond_resched();
	}
	return pfn;
}

static int mmlab_add_ram_bytes(struct resource *res, void *arg)
{
	*(u64 *)arg += resource_size(res);
	return 0;
}

/*
 * Bytes of @range that System RAM resources cover. region_intersects()
 * says "intersects" for a range partly in System RAM and partly in no
 * resource at all (past the end of RAM on arm64, where nothing follows).
 */
static u64 mmlab_ram_bytes(const struct mmlab_range *range)
{
	u64 covered = 0;

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
			    range->base, range->base + range->size - 1,
			    &covered, mmlab_add_ram_bytes);
	return covered;
}

/*
 * A range inside System RAM: all of it must be, and the page allocator
 * must never hand one of its frames out, so each must be PageReserved (a
 * reserved-memory node without no-map on arm64). System RAM always has
 * struct pages.
 */
static int mmlab_check_ram_range(const struct mmlab_range *range)
{
	unsigned long end = PHYS_PFN(range->base + range->size);
	unsigned long pfn;

	if (mmlab_ram_bytes(range) != range->size) {
		pr_err("range %#llx@%#llx: partly System RAM in /proc/iomem\n",
		       range->size, (u64)range->base);
		return -EBUSY;
	}
	pfn = mmlab_first_unreserved_pfn(range);
	if (pfn == end)
		return 0;
	pr_err("range %#llx@%#llx: not reserved: pfn %#lx belongs to the page allocator\n",
	       range->size, (u64)range->base, pfn);
	return -EBUSY;
}

#ifdef CONFIG_X86
/*
 * memmap=SIZE$BASE makes RAM "Reserved" in the kernel's e820 table, not
 * in the firmware's own one, where what the firmware reserved (BIOS
 * areas, holes such as AMD's HyperTransport window) stays reserved: only
 * RAM of the firmware's table is memory we may take.
 */
static bool mmlab_firmware_ram(const struct mmlab_range *range)
{
	static const enum e820_type not_ram[] = {
		E820_TYPE_RESERVED, E820_TYPE_ACPI, E820_TYPE_NVS,
		E820_TYPE_UNUSABLE, E820_TYPE_PMEM, E820_TYPE_PRAM,
		E820_TYPE_SOFT_RESERVED,
	};
	u64 end = range->base + range->size;
	int i;

	for (i = 0; i < ARRAY_SIZE(not_ram); i++)
		if (e820__mapped_raw_any(range->base, end, not_ram[i]))
			return false;
	return e820__mapped_raw_any(range->base, end, E820_TYPE_RAM);
}
#else
/* No firmware memory map to ask: the iomem and struct page checks decide. */
static bool mmlab_firmware_ram(const struct mmlab_range *range)
{
	return true;
}
#endif

/* True when reserved iomem resources cover all of @range. */
static bool mmlab_range_in_reserved_resources(const struct mmlab_range *range)
{
	return region_intersects(range->base, range->size, IORESOURCE_MEM,
				 IORES_DESC_RESERVED) == REGION_INTERSECTS;
}

/**
 * mmlab_check_range_memory() - check that the kernel gave a range away.
 * @range: a range accepted by mmlab_check_range_shape().
 * @kpages: set, on success, to whether every frame of @range has a kernel
 *	struct page.
 *
 * The iomem resource tree says what the range is, as page_is_ram() and
 * the drivers given memory at boot ask it:
 *  - all System RAM (an arm64 reserved-memory node without no-map): the
 *    linear map covers it and every frame must be PageReserved;
 *  - partly System RAM: refused;
 *  - no System RAM: reserved resources must cover it. x86 gives the range
 *    of memmap=SIZE$BASE a "Reserved" entry (IORES_DESC_RESERVED), with
 *    no struct pages where the range covers whole memory sections; the
 *    firmware's own e820 table must list it as RAM. arm64 gives a no-map
 *    reserved-memory node a "reserved" entry without a descriptor; the
 *    kernel's memmap covers it and keeps it PageReserved, which is then
 *    what we check.
 *
 * Return: 0, -EBUSY when a frame belongs to the page allocator or the
 * range is partly System RAM, -EINVAL when the range is neither System
 * RAM nor reserved memory; one log line on failure.
 */
int mmlab_check_range_memory(const struct mmlab_range *range, bool *kpages)
{
	unsigned long end = PHYS_PFN(range->base + range->size);
	int ret;

	switch (region_intersects(range->base, range->size,
				  IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE)) {
	case REGION_INTERSECTS:
		ret = mmlab_check_ram_range(range);
		if (!ret)
			*kpages = true;
		return ret;
	case REGION_MIXED:
		pr_err("range %#llx@%#llx: partly System RAM in /proc/iomem\n",
		       range->size, (u64)range->base);
		return -EBUSY;
	default:
		break;
	}
	if (!mmlab_firmware_ram(range)) {
		pr_err("range %#llx@%#llx: outside RAM: the firmware's memory map does not give it as RAM\n",
		       range->size, (u64)range->base);
		return -EINVAL;
	}
	*kpages = mmlab_first_unreserved_pfn(range) == end;
	if (*kpages || mmlab_range_in_reserved_resources(range))
		return 0;
	pr_err("range %#llx@%#llx: outside RAM: no Reserved entry in /proc/iomem covers it\n",
	       range->size, (u64)range->base);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_check_range_memory);

/* Refuse a range that meets one of the regions already set up. */
static int mmlab_check_against_regions(const struct mmlab_range *range)
{
	int i, ret;

	for (i = 0; i < mmlab_region_count; i++) {
		struct mmlab_region *r = &mmlab_region_table[i];
		struct mmlab_range other = { .base = r->base, .size = r->size };

		ret = mmlab_ranges_conflict(range, &other);
		if (!ret)
			continue;
		pr_err("range %#llx@%#llx: %s %s (%#llx@%#llx)\n",
		       range->size, (u64)range->base,
		       ret == -EEXIST ? "duplicates" : "overlaps", r->name,
		       (u64)r->size, (u64)r->base);
		return -EBUSY;
	}
	return 0;
}

/*
 * Claim the range as "mmlab" in /proc/iomem. A reserved range that is
 * still mapped (arm64 reserved-memory without no-map) sits inside a busy
 * "System RAM" entry, where request_mem_region() cannot nest: insert our
 * entry under it instead.
 */
static int mmlab_claim(struct mmlab_region *r, bool *inserted)
{
	struct resource *res;

	*inserted = false;
	r->res = request_mem_region(r->base, r->size, "mmlab");
	if (r->res)
		return 0;

	if (region_intersects(r->base, r->size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_INTERSECTS)
		goto busy;
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return -ENOMEM;
	res->name = "mmlab";
	res->start = r->base;
	res->end = r->base + r->size - 1;
	res->flags = IORESOURCE_MEM | IORESOURCE_BUSY;
	if (insert_resource(&iomem_resource, res)) {
		kfree(res);
		goto busy;
	}
	r->res = res;
	*inserted = true;
	return 0;

busy:
	pr_err("range %#llx@%#llx: already claimed by another driver in /proc/iomem\n",
	       (u64)r->size, (u64)r->base);
	return -EBUSY;
}

static void mmlab_unclaim(struct mmlab_region *r, bool inserted)
{
	if (inserted) {
		remove_resource(r->res);
		kfree(r->res);
	} else {
		release_mem_region(r->base, r->size);
	}
	r->res = NULL;
}

#ifdef CONFIG_ZONE_DEVICE
/*
 * A ZONE_DEVICE page's reference count reaches zero only when the last
 * reference goes, mmlab's own included: mmlab keeps one on every frame for
 * the region's life, so this is a reference-count bug.
 */
static void mmlab_device_page_free(struct page *page)
{
	WARN_ONCE(1, "mmlab: pfn %#lx: the reference mmlab holds was dropped\n",
		  page_to_pfn(page));
}

static const struct dev_pagemap_ops mmlab_pagemap_ops = {
	.page_free = mmlab_device_page_free,
};

/*
 * Give a range outside System RAM (x86 memmap=) struct pages in the linear
 * map, as a driver of device memory does: memremap_pages() adds both for
 * the range, in ZONE_DEVICE, each page PageReserved with a reference count
 * of one. Those pages are normal pages to the kernel's mm
 * (mmlab_region_normal_pages()).
 */
static int mmlab_map_device(struct mmlab_region *r)
{
	struct dev_pagemap *pgmap = kzalloc(sizeof(*pgmap), GFP_KERNEL);
	void *virt;

	if (!pgmap)
		return -ENOMEM;
	pgmap->type = MEMORY_DEVICE_GENERIC;
	pgmap->range.start = r->base;
	pgmap->range.end = r->base + r->size - 1;
	pgmap->nr_range = 1;
	pgmap->ops = &mmlab_pagemap_ops;
	virt = memremap_pages(pgmap, NUMA_NO_NODE);
	if (IS_ERR(virt)) {
		pr_info("range %#llx@%#llx: memremap_pages: %pe; mapping it without struct pages\n",
			(u64)r->size, (u64)r->base, virt);
		kfree(pgmap);
		return PTR_ERR(virt);
	}
	r->virt = virt;
	r->pgmap = pgmap;
	r->map_kind = MMLAB_MAP_DEVICE;
	r->kpages = true;
	return 0;
}

/* Every frame must be back to mmlab's one reference before the unmap. */
static void mmlab_unmap_device(struct mmlab_region *r)
{
	unsigned long i;

	for (i = 0; i < r->nr_pages; i++) {
		struct page *page = pfn_to_page(r->start_pfn + i);

		if (WARN_ONCE(page_ref_count(page) != 1,
			      "mmlab: pfn %#lx: %d references at unload\n",
			      r->start_pfn + i, page_ref_count(page)))
			return;	/* leak the map rather than free in use */
		if (!(i % 4096))
			cond_resched();
	}
	memunmap_pages(r->pgmap);
	kfree(r->pgmap);
	r->pgmap = NULL;
}
#else
static int mmlab_map_device(struct mmlab_region *r)
{
	return -EOPNOTSUPP;
}

static void mmlab_unmap_device(struct mmlab_region *r)
{
}
#endif

/*
 * Map the region write-back: System RAM through the linear map, a range
 * outside it with ZONE_DEVICE struct pages when the kernel has them, else
 * through an ioremap_cache alias.
 */
static int mmlab_map(struct mmlab_region *r)
{
	bool ram = region_intersects(r->base, r->size, IORESOURCE_SYSTEM_RAM,
				     IORES_DESC_NONE) == REGION_INTERSECTS;

	if (!ram && IS_ENABLED(CONFIG_ZONE_DEVICE) && !mmlab_map_device(r))
		return 0;
	r->virt = memremap(r->base, r->size, MEMREMAP_WB);
	if (!r->virt) {
		pr_err("range %#llx@%#llx: cannot map it write-back\n",
		       (u64)r->size, (u64)r->base);
		return -ENOMEM;
	}
	if (ram && r->virt == phys_to_virt(r->base))
		r->map_kind = MMLAB_MAP_LINEAR;
	else
		r->map_kind = MMLAB_MAP_IOREMAP;
	return 0;
}

static void mmlab_unmap(struct mmlab_region *r)
{
	if (r->map_kind == MMLAB_MAP_DEVICE)
		mmlab_unmap_device(r);
	else
		memunmap(r->virt);
	r->virt = NULL;
}

/*
 * Build the descriptor array in the first pages of the region: those
 * pages are reserved for good, every other one starts free.
 */
static void mmlab_init_descriptors(struct mmlab_region *r)
{
	u32 region_bits = (u32)r->id << MMLAB_PG_REGION_SHIFT;
	unsigned long i;

	r->pages = r->virt;
	for (i = 0; i < r->nr_pages; i++) {
		struct mmlab_page *page = &r->pages[i];
		bool reserved = i < r->nr_reserved;

		page->flags = region_bits;
		mmlab_page_set_owner(page, reserved ? MMLAB_OWNER_RESERVED :
						      MMLAB_OWNER_FREE);
		atomic_set(&page->_refcount, reserved ? 1 : 0);
		INIT_LIST_HEAD(&page->lru);
		if (!(i % 4096))
			cond_resched();
	}
}

static const char * const mmlab_source_names[] = {
	[MMLAB_SRC_PARAM] = "param",
	[MMLAB_SRC_DT] = "dt",
};

static const char * const mmlab_map_names[] = {
	[MMLAB_MAP_LINEAR] = "linear",
	[MMLAB_MAP_IOREMAP] = "ioremap",
	[MMLAB_MAP_DEVICE] = "device",
};

const char *mmlab_source_name(enum mmlab_region_source source)
{
	return mmlab_source_names[source];
}

const char *mmlab_map_name(enum mmlab_map_kind kind)
{
	return mmlab_map_names[kind];
}

/**
 * mmlab_add_region() - check, claim, map and describe a new region.
 * @range: the physical range.
 * @source: where it was described.
 * @dev: its platform device (a reference is taken), or NULL.
 *
 * Return: 0, or the error code of the first refusal, which logged one
 * line saying why.
 */
int mmlab_add_region(const struct mmlab_range *range,
		     enum mmlab_region_source source, struct device *dev)
{
	struct mmlab_region *r;
	bool inserted, kpages;
	int ret;

	mutex_lock(&mmlab_regions_lock);
	if (mmlab_sealed) {
		pr_err("range %#llx@%#llx: appeared after mmlab_core loaded; reload the module set to use it\n",
		       range->size, (u64)range->base);
		ret = -EBUSY;
		goto out;
	}
	if (mmlab_region_count == MMLAB_MAX_REGIONS) {
		pr_err("range %#llx@%#llx: too many regions (at most %d)\n",
		       range->size, (u64)range->base, MMLAB_MAX_REGIONS);
		ret = -EINVAL;
		goto out;
	}
	ret = mmlab_check_range_shape(range);
	if (!ret)
		ret = mmlab_check_against_regions(range);
	if (!ret)
		ret = mmlab_check_range_memory(range, &kpages);
	if (ret)
		goto out;

	r = &mmlab_region_table[mmlab_region_count];
	memset(r, 0, sizeof(*r));
	r->id = mmlab_region_count;
	snprintf(r->name, sizeof(r->name), "mmlab%d", r->id);
	r->base = range->base;
	r->size = range->size;
	r->start_pfn = PHYS_PFN(r->base);
	r->nr_pages = PHYS_PFN(r->size);
	r->nr_reserved = mmlab_nr_descriptor_pages(r->nr_pages);
	r->source = source;
	r->kpages = kpages;

	ret = mmlab_claim(r, &inserted);
	if (ret)
		goto out;
	ret = mmlab_map(r);
	if (ret) {
		mmlab_unclaim(r, inserted);
		goto out;
	}
	mmlab_init_descriptors(r);
	r->dev = get_device(dev);
	mmlab_res_inserted[r->id] = inserted;

	pr_info("%s: %llu MiB at [mem %#llx-%#llx] from %s, %lu pages, %lu for descriptors, %s map\n",
		r->name, (u64)r->size >> 20, (u64)r->base,
		(u64)(r->base + r->size - 1), mmlab_source_name(source),
		r->nr_pages, r->nr_reserved, mmlab_map_name(r->map_kind));
	/* Publish the filled-in region; pairs with mmlab_nr_regions(). */
	smp_store_release(&mmlab_region_count, mmlab_region_count + 1);
out:
	mutex_unlock(&mmlab_regions_lock);
	return ret;
}

/* Refuse regions from now on: the set is fixed once the module is up. */
void mmlab_seal_regions(void)
{
	mutex_lock(&mmlab_regions_lock);
	mmlab_sealed = true;
	mutex_unlock(&mmlab_regions_lock);
}

/* Undo every mmlab_add_region(), newest first. */
void mmlab_remove_all_regions(void)
{
	mutex_lock(&mmlab_regions_lock);
	while (mmlab_region_count) {
		struct mmlab_region *r = &mmlab_region_table[mmlab_region_count - 1];

		/* Unpublish before tearing down; pairs with mmlab_nr_regions(). */
		smp_store_release(&mmlab_region_count, mmlab_region_count - 1);
		mmlab_unmap(r);
		mmlab_unclaim(r, mmlab_res_inserted[r->id]);
		put_device(r->dev);
		memset(r, 0, sizeof(*r));
	}
	mutex_unlock(&mmlab_regions_lock);
}
