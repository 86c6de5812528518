// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_core: the table of regions, and setting up and tearing down one
 * region: check its pages, claim it in /proc/iomem, map it and build its
 * descriptor array.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/page-flags.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>

#include "internal.h"

/* Serialises adding and removing regions; readers go without it. */
static DEFINE_MUTEX(mmlab_regions_lock);
static struct mmlab_region mmlab_regions[MMLAB_MAX_REGIONS];
/* Resources that had to be inserted under a busy System RAM entry. */
static bool mmlab_res_inserted[MMLAB_MAX_REGIONS];
static int mmlab_nr;
static bool mmlab_sealed;

/**
 * mmlab_nr_regions() - number of regions.
 *
 * Description:
 * The set is fixed once mmlab_core has loaded; ids run from 0 to the
 * returned value minus one.
 *
 * Return: the number of regions.
 */
int mmlab_nr_regions(void)
{
	/* Pairs with the release in mmlab_add_region(). */
	return smp_load_acquire(&mmlab_nr);
}
EXPORT_SYMBOL_GPL(mmlab_nr_regions);

/**
 * mmlab_region() - look a region up by id.
 * @id: region id, as in mmlab_region::id and the MMLAB_PG_REGION bits.
 *
 * Return: the region, or NULL when @id names none.
 */
struct mmlab_region *mmlab_region(int id)
{
	if (id < 0 || id >= mmlab_nr_regions())
		return NULL;
	return &mmlab_regions[id];
}
EXPORT_SYMBOL_GPL(mmlab_region);

/**
 * mmlab_pfn_region() - find the region that holds a page frame.
 * @pfn: page frame number.
 *
 * Return: the region, or NULL when @pfn lies outside every region.
 */
struct mmlab_region *mmlab_pfn_region(unsigned long pfn)
{
	int i, nr = mmlab_nr_regions();

	for (i = 0; i < nr; i++) {
		struct mmlab_region *r = &mmlab_regions[i];

		if (pfn >= r->start_pfn && pfn - r->start_pfn < r->nr_pages)
			return r;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(mmlab_pfn_region);

/**
 * mmlab_virt_to_page() - descriptor of the page at a kernel address.
 * @addr: an address inside a region's mapping (mmlab_region::virt onwards).
 *
 * Return: the descriptor of the page that holds @addr, or NULL when @addr
 * lies outside every region's mapping.
 */
struct mmlab_page *mmlab_virt_to_page(const void *addr)
{
	int i, nr = mmlab_nr_regions();

	for (i = 0; i < nr; i++) {
		struct mmlab_region *r = &mmlab_regions[i];
		unsigned long off = (unsigned long)addr - (unsigned long)r->virt;

		if ((unsigned long)addr >= (unsigned long)r->virt &&
		    off < r->size)
			return &r->pages[off >> PAGE_SHIFT];
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(mmlab_virt_to_page);

/**
 * mmlab_check_range_pages() - check that the kernel gave a range away.
 * @range: a range accepted by mmlab_check_range_shape().
 *
 * Every page frame of @range must have a struct page (pfn_valid()) and be
 * PageReserved: the page allocator never hands such a page out. A range
 * the kernel failed to reserve at boot has pages that are not.
 *
 * Return: 0, -EINVAL when a frame is outside RAM, -EBUSY when a frame
 * belongs to the page allocator; one log line either way.
 */
int mmlab_check_range_pages(const struct mmlab_range *range)
{
	unsigned long pfn = PHYS_PFN(range->base);
	unsigned long end = pfn + PHYS_PFN(range->size);

	for (; pfn < end; pfn++) {
		if (!pfn_valid(pfn)) {
			pr_err("range %#llx@%#llx: outside RAM (no struct page for pfn %#lx)\n",
			       range->size, (u64)range->base, pfn);
			return -EINVAL;
		}
		if (!PageReserved(pfn_to_page(pfn))) {
			pr_err("range %#llx@%#llx: not reserved: pfn %#lx belongs to the page allocator\n",
			       range->size, (u64)range->base, pfn);
			return -EBUSY;
		}
		cond_resched();
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_check_range_pages);

/* Refuse a range that meets one of the regions already set up. */
static int mmlab_check_against_regions(const struct mmlab_range *range)
{
	int i, ret;

	for (i = 0; i < mmlab_nr; i++) {
		struct mmlab_region *r = &mmlab_regions[i];
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

static int mmlab_map(struct mmlab_region *r)
{
	r->virt = memremap(r->base, r->size, MEMREMAP_WB);
	if (!r->virt) {
		pr_err("range %#llx@%#llx: cannot map it write-back\n",
		       (u64)r->size, (u64)r->base);
		return -ENOMEM;
	}
	if (r->virt == phys_to_virt(r->base) &&
	    region_intersects(r->base, r->size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) == REGION_INTERSECTS)
		r->map_kind = MMLAB_MAP_LINEAR;
	else
		r->map_kind = MMLAB_MAP_IOREMAP;
	return 0;
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
	bool inserted;
	int ret;

	mutex_lock(&mmlab_regions_lock);
	if (mmlab_sealed) {
		pr_err("range %#llx@%#llx: appeared after mmlab_core loaded; reload the module set to use it\n",
		       range->size, (u64)range->base);
		ret = -EBUSY;
		goto out;
	}
	if (mmlab_nr == MMLAB_MAX_REGIONS) {
		pr_err("range %#llx@%#llx: too many regions (at most %d)\n",
		       range->size, (u64)range->base, MMLAB_MAX_REGIONS);
		ret = -EINVAL;
		goto out;
	}
	ret = mmlab_check_range_shape(range);
	if (!ret)
		ret = mmlab_check_against_regions(range);
	if (!ret)
		ret = mmlab_check_range_pages(range);
	if (ret)
		goto out;

	r = &mmlab_regions[mmlab_nr];
	memset(r, 0, sizeof(*r));
	r->id = mmlab_nr;
	snprintf(r->name, sizeof(r->name), "mmlab%d", r->id);
	r->base = range->base;
	r->size = range->size;
	r->start_pfn = PHYS_PFN(r->base);
	r->nr_pages = PHYS_PFN(r->size);
	r->nr_reserved = mmlab_nr_descriptor_pages(r->nr_pages);
	r->source = source;

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
	smp_store_release(&mmlab_nr, mmlab_nr + 1);
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
	while (mmlab_nr) {
		struct mmlab_region *r = &mmlab_regions[mmlab_nr - 1];

		/* Unpublish before tearing down; pairs with mmlab_nr_regions(). */
		smp_store_release(&mmlab_nr, mmlab_nr - 1);
		memunmap(r->virt);
		mmlab_unclaim(r, mmlab_res_inserted[r->id]);
		put_device(r->dev);
		memset(r, 0, sizeof(*r));
	}
	mutex_unlock(&mmlab_regions_lock);
}
