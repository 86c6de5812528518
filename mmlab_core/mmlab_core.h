/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_core: the private regions and their page descriptors.
 *
 * A region is a range of physical memory that the kernel reserved at boot
 * and that mmlab manages on its own; it plays the part of a NUMA node with
 * a single zone. Every page frame of a region has a struct mmlab_page, the
 * counterpart of struct page, in an array (mmlab's mem_map) kept in the
 * first pages of the region itself.
 *
 * The set of regions is fixed once mmlab_core has loaded: readers need no
 * lock to walk it.
 */
#ifndef _MMLAB_CORE_H
#define _MMLAB_CORE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/types.h>

struct dentry;
struct dev_pagemap;
struct resource;

#define MMLAB_MAX_REGIONS	8
#define MMLAB_REGION_NAME_LEN	16
/* The smallest region worth managing: one 4 MiB max-order block. */
#define MMLAB_MIN_REGION_SIZE	SZ_4M

/**
 * enum mmlab_page_owner - what a page frame is used for.
 * @MMLAB_OWNER_FREE: free, in mmlab_buddy's free lists or per-CPU lists.
 * @MMLAB_OWNER_RESERVED: never given out (the descriptor array itself).
 * @MMLAB_OWNER_KERNEL: allocated by kernel code through mmlab_buddy.
 * @MMLAB_OWNER_SLAB: a slab of mmlab_slub.
 * @MMLAB_OWNER_VMALLOC: backs an area of mmlab_slub's vmalloc mapper.
 * @MMLAB_OWNER_USER: anonymous memory mapped into processes by mmlab_fault.
 * @MMLAB_OWNER_ZERO: the region's shared zero page.
 * @MMLAB_OWNER_CMA: taken by a contiguous allocation of mmlab_cma.
 * @MMLAB_OWNER_TEST: allocated by a test or benchmark.
 * @MMLAB_NR_OWNERS: the number of owners.
 */
enum mmlab_page_owner {
	MMLAB_OWNER_FREE,
	MMLAB_OWNER_RESERVED,
	MMLAB_OWNER_KERNEL,
	MMLAB_OWNER_SLAB,
	MMLAB_OWNER_VMALLOC,
	MMLAB_OWNER_USER,
	MMLAB_OWNER_ZERO,
	MMLAB_OWNER_CMA,
	MMLAB_OWNER_TEST,
	MMLAB_NR_OWNERS
};

/*
 * Layout of mmlab_page::flags. The word is written only by whoever owns
 * the page at the time: mmlab_buddy under its zone lock while the page is
 * free, the allocating module while it holds the page. Readers that do not
 * own the page (the debugfs page map) take a racy snapshot, as
 * /proc/kpageflags does.
 */
#define MMLAB_PG_BUDDY		BIT(0)	/* head of a free block in a free list */
#define MMLAB_PG_PCP		BIT(1)	/* on a per-CPU list */
#define MMLAB_PG_HEAD		BIT(2)	/* head of an allocated block of order > 0 */
#define MMLAB_PG_TAIL		BIT(3)	/* tail page of an allocated block */
#define MMLAB_PG_ISOLATED	BIT(4)	/* taken aside for migration */
#define MMLAB_PG_MOVABLE	BIT(5)	/* has movable operations */
#define MMLAB_PG_ICACHE_CLEAN	BIT(6)	/* user page: I-cache coherent (PG_dcache_clean) */
#define MMLAB_PG_HWPOISON	BIT(7)	/* corrupted: never hand out again */
#define MMLAB_PG_FLAG_BITS	8

#define MMLAB_PG_ORDER_SHIFT	8	/* order of a free or allocated block */
#define MMLAB_PG_ORDER_MASK	GENMASK(11, 8)
#define MMLAB_PG_MT_SHIFT	12	/* migratetype, while on a per-CPU list */
#define MMLAB_PG_MT_MASK	GENMASK(14, 12)
#define MMLAB_PG_BAD		BIT(15)	/* bad state seen: out of circulation */
#define MMLAB_PG_OWNER_SHIFT	16
#define MMLAB_PG_OWNER_MASK	GENMASK(19, 16)
#define MMLAB_PG_MOVOPS_SHIFT	20	/* index of registered movable ops */
#define MMLAB_PG_MOVOPS_MASK	GENMASK(22, 20)
#define MMLAB_PG_REGION_SHIFT	28	/* region id, fixed at init */
#define MMLAB_PG_REGION_MASK	GENMASK(31, 28)

/**
 * struct mmlab_page - descriptor of one page frame of a region.
 * @flags: MMLAB_PG_* bits and the packed fields above.
 * @_refcount: references to an allocated page; 0 while free.
 * @lru: links the page into a free list, a per-CPU list, a slab partial
 *	list or a migration list, depending on its state.
 * @private: owner's word while allocated and off every list.
 * @_mapcount: number of user mappings minus one, as struct page's.
 * @_pad: unused: explicit padding to the size of @lru.
 *
 * 24 bytes on 64-bit, against 64 for struct page: the fields that the
 * kernel keeps for the page cache, memcg and compound pages have no use
 * here.
 */
struct mmlab_page {
	u32 flags;
	atomic_t _refcount;
	union {
		struct list_head lru;
		struct {
			unsigned long private;
			atomic_t _mapcount;
			u32 _pad;
		};
	};
};

/**
 * enum mmlab_map_kind - how the kernel reaches a region's memory.
 * @MMLAB_MAP_LINEAR: through the kernel's linear map (memremap found it).
 * @MMLAB_MAP_IOREMAP: through a cacheable ioremap in the vmalloc area
 *	(no-map reserved memory; memmap= ranges when the kernel has no
 *	ZONE_DEVICE).
 * @MMLAB_MAP_DEVICE: through the linear map, which memremap_pages() added
 *	for the range with ZONE_DEVICE struct pages (x86 memmap= ranges).
 */
enum mmlab_map_kind {
	MMLAB_MAP_LINEAR,
	MMLAB_MAP_IOREMAP,
	MMLAB_MAP_DEVICE,
};

/**
 * enum mmlab_region_source - where a region was described.
 * @MMLAB_SRC_PARAM: the regions= module parameter.
 * @MMLAB_SRC_DT: a device-tree node compatible with "mmlab,region".
 */
enum mmlab_region_source {
	MMLAB_SRC_PARAM,
	MMLAB_SRC_DT,
};

/**
 * struct mmlab_region - one private region: mmlab's NUMA node.
 * @id: node number, 0.. in order of discovery.
 * @name: "mmlab<id>", the zone name in the debugfs files.
 * @base: physical address of the first byte.
 * @size: bytes, a multiple of PAGE_SIZE.
 * @start_pfn: first page frame number.
 * @nr_pages: spanned (and present) page frames.
 * @nr_reserved: frames at the start that hold the descriptor array.
 * @virt: kernel virtual address of @base.
 * @pages: the descriptor array, one per frame, inside the region itself.
 * @map_kind: how @virt maps the region.
 * @source: where the region was described.
 * @kpages: every frame has a kernel struct page (mmlab_page_to_kpage() is
 *	valid): true for System RAM, arm64 no-map memory and ZONE_DEVICE
 *	ranges, false for an x86 memmap= range that covers whole memory
 *	sections when the kernel has no ZONE_DEVICE.
 * @pgmap: the ZONE_DEVICE page map of an MMLAB_MAP_DEVICE region.
 * @res: the "mmlab" resource claimed in /proc/iomem.
 * @dev: the platform device of a DT region, NULL otherwise.
 */
struct mmlab_region {
	int id;
	char name[MMLAB_REGION_NAME_LEN];
	phys_addr_t base;
	resource_size_t size;
	unsigned long start_pfn;
	unsigned long nr_pages;
	unsigned long nr_reserved;
	void *virt;
	struct mmlab_page *pages;
	enum mmlab_map_kind map_kind;
	enum mmlab_region_source source;
	bool kpages;
	struct dev_pagemap *pgmap;
	struct resource *res;
	struct device *dev;
};

/*
 * The region table, written only while mmlab_core loads and unloads (under
 * its regions lock) and read through the inline lookups below, which the
 * fault, free and page-walk paths of every module call.
 */
extern struct mmlab_region mmlab_region_table[MMLAB_MAX_REGIONS];
extern int mmlab_region_count;

/**
 * mmlab_nr_regions() - number of regions.
 *
 * Description:
 * The set is fixed once mmlab_core has loaded; ids run from 0 to the
 * returned value minus one.
 *
 * Return: the number of regions.
 */
static inline int mmlab_nr_regions(void)
{
	/* Pairs with the release in mmlab_add_region(). */
	return smp_load_acquire(&mmlab_region_count);
}

/**
 * mmlab_region() - look a region up by id.
 * @id: region id, as in mmlab_region::id and the MMLAB_PG_REGION bits.
 *
 * Return: the region, or NULL when @id names none.
 */
static inline struct mmlab_region *mmlab_region(int id)
{
	if (id < 0 || id >= mmlab_nr_regions())
		return NULL;
	return &mmlab_region_table[id];
}

/**
 * mmlab_pfn_region() - find the region that holds a page frame.
 * @pfn: page frame number.
 *
 * Return: the region, or NULL when @pfn lies outside every region.
 */
static inline struct mmlab_region *mmlab_pfn_region(unsigned long pfn)
{
	int i, nr = mmlab_nr_regions();

	for (i = 0; i < nr; i++) {
		struct mmlab_region *r = &mmlab_region_table[i];

		if (pfn >= r->start_pfn && pfn - r->start_pfn < r->nr_pages)
			return r;
	}
	return NULL;
}

/**
 * mmlab_virt_to_page() - descriptor of the page at a kernel address.
 * @addr: an address inside a region's mapping (mmlab_region::virt onwards).
 *
 * Return: the descriptor of the page that holds @addr, or NULL when @addr
 * lies outside every region's mapping.
 */
static inline struct mmlab_page *mmlab_virt_to_page(const void *addr)
{
	int i, nr = mmlab_nr_regions();

	for (i = 0; i < nr; i++) {
		struct mmlab_region *r = &mmlab_region_table[i];
		unsigned long off = (unsigned long)addr - (unsigned long)r->virt;

		if ((unsigned long)addr >= (unsigned long)r->virt &&
		    off < r->size)
			return &r->pages[off >> PAGE_SHIFT];
	}
	return NULL;
}

struct dentry *mmlab_debugfs_root(void);

/* Walk the regions in id order; @r is NULL after the loop. */
#define for_each_mmlab_region(r) \
	for (int __mmlab_rid = 0; ((r) = mmlab_region(__mmlab_rid)); __mmlab_rid++)

/* --- Descriptor <-> pfn <-> address ------------------------------------ */

/* A descriptor's region id is fixed at init, and names a region. */
static inline unsigned int mmlab_page_region_id(const struct mmlab_page *page)
{
	return (page->flags & MMLAB_PG_REGION_MASK) >> MMLAB_PG_REGION_SHIFT;
}

static inline struct mmlab_region *mmlab_page_region(const struct mmlab_page *page)
{
	return &mmlab_region_table[mmlab_page_region_id(page)];
}

static inline unsigned long mmlab_page_index(const struct mmlab_page *page)
{
	return page - mmlab_page_region(page)->pages;
}

static inline unsigned long mmlab_page_to_pfn(const struct mmlab_page *page)
{
	return mmlab_page_region(page)->start_pfn + mmlab_page_index(page);
}

/* NULL when @pfn lies outside every region. */
static inline struct mmlab_page *mmlab_pfn_to_page(unsigned long pfn)
{
	struct mmlab_region *r = mmlab_pfn_region(pfn);

	return r ? &r->pages[pfn - r->start_pfn] : NULL;
}

static inline void *mmlab_page_address(const struct mmlab_page *page)
{
	return mmlab_page_region(page)->virt +
	       (mmlab_page_index(page) << PAGE_SHIFT);
}

/*
 * The kernel's struct page for the same frame. Only where the region has
 * them (mmlab_region::kpages); see mmlab_region_normal_pages() for which
 * the kernel's mm can map to users.
 */
static inline struct page *mmlab_page_to_kpage(const struct mmlab_page *page)
{
	return pfn_to_page(mmlab_page_to_pfn(page));
}

/**
 * mmlab_region_normal_pages() - may the kernel's mm treat the region's
 *	frames as normal pages?
 * @r: the region.
 *
 * True when every frame has a struct page whose page_address() is the
 * region's own kernel mapping (System RAM in the linear map, or ZONE_DEVICE
 * pages memremap_pages() mapped there): such pages can be put in user page
 * tables with vm_insert_page() and then get_user_pages(), pagemap, futexes
 * and kmap work on them. Not for no-map memory or an ioremap alias.
 *
 * Return: whether the region's pages are normal pages to the kernel.
 */
static inline bool mmlab_region_normal_pages(const struct mmlab_region *r)
{
	return r->kpages && r->map_kind != MMLAB_MAP_IOREMAP;
}

/* --- Packed fields ------------------------------------------------------ */

static inline unsigned int mmlab_page_field(const struct mmlab_page *page,
					    u32 mask, unsigned int shift)
{
	return (READ_ONCE(page->flags) & mask) >> shift;
}

static inline void mmlab_page_set_field(struct mmlab_page *page, u32 mask,
					unsigned int shift, unsigned int val)
{
	WRITE_ONCE(page->flags, (page->flags & ~mask) | ((val << shift) & mask));
}

static inline unsigned int mmlab_page_order(const struct mmlab_page *page)
{
	return mmlab_page_field(page, MMLAB_PG_ORDER_MASK, MMLAB_PG_ORDER_SHIFT);
}

static inline void mmlab_page_set_order(struct mmlab_page *page,
					unsigned int order)
{
	mmlab_page_set_field(page, MMLAB_PG_ORDER_MASK, MMLAB_PG_ORDER_SHIFT,
			     order);
}

static inline enum mmlab_page_owner mmlab_page_owner(const struct mmlab_page *page)
{
	return mmlab_page_field(page, MMLAB_PG_OWNER_MASK, MMLAB_PG_OWNER_SHIFT);
}

static inline void mmlab_page_set_owner(struct mmlab_page *page,
					enum mmlab_page_owner owner)
{
	mmlab_page_set_field(page, MMLAB_PG_OWNER_MASK, MMLAB_PG_OWNER_SHIFT,
			     owner);
}

static inline bool mmlab_page_test(const struct mmlab_page *page, u32 bit)
{
	return READ_ONCE(page->flags) & bit;
}

static inline void mmlab_page_set(struct mmlab_page *page, u32 bit)
{
	WRITE_ONCE(page->flags, page->flags | bit);
}

static inline void mmlab_page_clear(struct mmlab_page *page, u32 bit)
{
	WRITE_ONCE(page->flags, page->flags & ~bit);
}

/* --- References ---------------------------------------------------------- */

static inline int mmlab_page_count(const struct mmlab_page *page)
{
	return atomic_read(&page->_refcount);
}

static inline void mmlab_page_ref_init(struct mmlab_page *page)
{
	atomic_set(&page->_refcount, 1);
}

static inline void mmlab_get_page(struct mmlab_page *page)
{
	WARN_ON_ONCE(atomic_inc_return(&page->_refcount) <= 1);
}

/* True when the caller dropped the last reference and must free the page. */
static inline bool mmlab_put_page_testzero(struct mmlab_page *page)
{
	return atomic_dec_and_test(&page->_refcount);
}

static inline int mmlab_page_mapcount(const struct mmlab_page *page)
{
	return atomic_read(&page->_mapcount) + 1;
}

/* --- Exported for the KUnit suite --------------------------------------- */

/**
 * struct mmlab_range - a physical range named by the regions= parameter.
 * @base: first byte.
 * @size: length in bytes.
 */
struct mmlab_range {
	phys_addr_t base;
	u64 size;
};

int mmlab_parse_regions(const char *str, struct mmlab_range *ranges,
			int max, int *nr);
int mmlab_check_range_shape(const struct mmlab_range *range);
int mmlab_check_overlap(const struct mmlab_range *ranges, int nr);
int mmlab_ranges_conflict(const struct mmlab_range *a,
			  const struct mmlab_range *b);
int mmlab_check_range_memory(const struct mmlab_range *range, bool *kpages);
unsigned long mmlab_nr_descriptor_pages(unsigned long nr_pages);

/* Fault injection points: mmlab_fail.h, the API of fail.c. */
#include "mmlab_core/mmlab_fail.h"

#endif /* _MMLAB_CORE_H */
