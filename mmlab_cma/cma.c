// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_cma: CMA areas, as mm/cma.c.
 *
 * An area is a pageblock-aligned range of a region whose pageblocks are
 * MMLAB_MIGRATE_CMA: mmlab_buddy lends their free pages to movable
 * allocations only. An allocation finds a free run in the area's bitmap
 * (one bit per 2^order_per_bit pages), marks it, and takes the range with
 * mmlab_alloc_contig_range(), which migrates the movable pages lent out;
 * when a page of the run cannot move it tries the next run (busy retry).
 *
 * Areas come from the cma= module parameter and from the mmlab,cma
 * property of a DT region node; the KUnit suite declares its own.
 *
 * Locks: mmlab_cma_areas_mutex (the table of areas) ->
 *	mmlab_cma::alloc_mutex (isolation and migration of a range) ->
 *	mmlab_cma::lock (the bitmap, interrupts off).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

DEFINE_MMLAB_FAIL_ATTR(mmlab_fail_cma, "fail_cma");

static struct mmlab_cma *mmlab_cma_areas[MMLAB_CMA_MAX_AREAS];
static int mmlab_cma_nr;
/* The table of areas: declare and remove; lookups by name. */
DEFINE_MUTEX(mmlab_cma_areas_mutex);

static char *cma;
module_param(cma, charp, 0444);
MODULE_PARM_DESC(cma, "CMA areas: SIZE[@OFFSET][:ALIGN][:NAME],... (in region cma_nid)");
static int cma_nid;
module_param(cma_nid, int, 0444);
MODULE_PARM_DESC(cma_nid, "region holding the cma= areas (0)");
static uint cma_order_per_bit;
module_param(cma_order_per_bit, uint, 0444);
MODULE_PARM_DESC(cma_order_per_bit, "pages per bitmap bit of the cma= areas, as an order (0)");

#define PAGEBLOCK_BYTES	(MMLAB_PAGEBLOCK_PAGES << PAGE_SHIFT)
#define MMLAB_CMA_ANYWHERE	ULONG_MAX

/* --- The table of areas ---------------------------------------------------- */

/**
 * mmlab_cma_nr_areas - the number of CMA areas.
 *
 * Return: the count.
 */
int mmlab_cma_nr_areas(void)
{
	return READ_ONCE(mmlab_cma_nr);
}
EXPORT_SYMBOL_GPL(mmlab_cma_nr_areas);

/**
 * mmlab_cma_area - a CMA area by index.
 * @idx: 0..mmlab_cma_nr_areas()-1.
 *
 * Return: the area, or NULL.
 */
struct mmlab_cma *mmlab_cma_area(int idx)
{
	if (idx < 0 || idx >= MMLAB_CMA_MAX_AREAS)
		return NULL;
	return READ_ONCE(mmlab_cma_areas[idx]);
}
EXPORT_SYMBOL_GPL(mmlab_cma_area);

/**
 * mmlab_cma_find - a CMA area by name.
 * @name: its name.
 *
 * Return: the area, or NULL.
 */
struct mmlab_cma *mmlab_cma_find(const char *name)
{
	struct mmlab_cma *found = NULL;
	int i;

	mutex_lock(&mmlab_cma_areas_mutex);
	for (i = 0; i < MMLAB_CMA_MAX_AREAS; i++)
		if (mmlab_cma_areas[i] && !strcmp(mmlab_cma_areas[i]->name, name))
			found = mmlab_cma_areas[i];
	mutex_unlock(&mmlab_cma_areas_mutex);
	return found;
}
EXPORT_SYMBOL_GPL(mmlab_cma_find);

/* --- Bitmap ------------------------------------------------------------------ */

static unsigned long cma_bitmap_maxno(struct mmlab_cma *c)
{
	return c->count >> c->order_per_bit;
}

static unsigned long cma_bitmap_aligned_mask(struct mmlab_cma *c,
					     unsigned int align_order)
{
	if (align_order <= c->order_per_bit)
		return 0;
	return (1UL << (align_order - c->order_per_bit)) - 1;
}

/* Bits to skip so that base_pfn + bits is aligned to 2^align_order. */
static unsigned long cma_bitmap_aligned_offset(struct mmlab_cma *c,
					       unsigned int align_order)
{
	return (c->base_pfn & ((1UL << align_order) - 1)) >> c->order_per_bit;
}

static unsigned long cma_bitmap_pages_to_bits(struct mmlab_cma *c,
					      unsigned long pages)
{
	return ALIGN(pages, 1UL << c->order_per_bit) >> c->order_per_bit;
}

static void cma_clear_bitmap(struct mmlab_cma *c, unsigned long pfn,
			     unsigned long count)
{
	unsigned long bitmap_no = (pfn - c->base_pfn) >> c->order_per_bit;
	unsigned long bits = cma_bitmap_pages_to_bits(c, count);
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	bitmap_clear(c->bitmap, bitmap_no, bits);
	spin_unlock_irqrestore(&c->lock, flags);
}

/**
 * mmlab_cma_used_pages - pages of an area allocated now.
 * @c: the area.
 *
 * Return: the count (the debugfs used file).
 */
unsigned long mmlab_cma_used_pages(struct mmlab_cma *c)
{
	unsigned long used, flags;

	spin_lock_irqsave(&c->lock, flags);
	used = bitmap_weight(c->bitmap, cma_bitmap_maxno(c));
	spin_unlock_irqrestore(&c->lock, flags);
	return used << c->order_per_bit;
}
EXPORT_SYMBOL_GPL(mmlab_cma_used_pages);

/**
 * mmlab_cma_maxchunk - the largest free run of an area.
 * @c: the area.
 *
 * Return: pages (the debugfs maxchunk file).
 */
unsigned long mmlab_cma_maxchunk(struct mmlab_cma *c)
{
	unsigned long maxchunk = 0, start, end, flags;
	unsigned long bitmap_maxno = cma_bitmap_maxno(c);

	spin_lock_irqsave(&c->lock, flags);
	for (start = 0;; start = end) {
		start = find_next_zero_bit(c->bitmap, bitmap_maxno, start);
		if (start >= bitmap_maxno)
			break;
		end = find_next_bit(c->bitmap, bitmap_maxno, start);
		maxchunk = max(end - start, maxchunk);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return maxchunk << c->order_per_bit;
}
EXPORT_SYMBOL_GPL(mmlab_cma_maxchunk);

/* --- Allocation -------------------------------------------------------------- */

static const char *alloc_err_reason(int ret)
{
	switch (ret) {
	case -ENOMEM:
		return "no free range fits";
	case -EBUSY:
		return "every range that fits holds a page that cannot move";
	case -EINTR:
		return "a fatal signal is pending";
	default:
		return "bad request";
	}
}

/**
 * __mmlab_cma_alloc - mmlab_cma_alloc() that says why it failed.
 * @c: the area.
 * @count: pages wanted.
 * @align: the first pfn is a multiple of 2^@align.
 * @no_warn: no log line on failure.
 * @err: 0, or why NULL was returned: -EINVAL for a bad request, -ENOMEM
 *	when no free run of the bitmap fits, -EBUSY when every run that fit
 *	held a page that could not move, -EINTR when the caller got a fatal
 *	signal.
 *
 * Return: the first page, or NULL.
 */
struct mmlab_page *__mmlab_cma_alloc(struct mmlab_cma *c, unsigned long count,
				     unsigned int align, bool no_warn, int *err)
{
	unsigned long mask, offset, bitmap_maxno, bitmap_count, bitmap_no;
	unsigned long start = 0, pfn = 0, flags;
	struct mmlab_page *page = NULL;
	int ret = -EINVAL;

	if (!c || !c->count || !c->bitmap) {
		*err = -EINVAL;
		return NULL;
	}
	trace_cma_alloc_start(c->name, count, align);
	if (!count || count > c->count || align >= BITS_PER_LONG)
		goto out;

	mask = cma_bitmap_aligned_mask(c, align);
	offset = cma_bitmap_aligned_offset(c, align);
	bitmap_maxno = cma_bitmap_maxno(c);
	bitmap_count = cma_bitmap_pages_to_bits(c, count);
	if (bitmap_count > bitmap_maxno)
		goto out;

	for (;;) {
		spin_lock_irqsave(&c->lock, flags);
		bitmap_no = bitmap_find_next_zero_area_off(c->bitmap,
							   bitmap_maxno, start,
							   bitmap_count, mask,
							   offset);
		if (bitmap_no >= bitmap_maxno) {
			spin_unlock_irqrestore(&c->lock, flags);
			/* Nothing fitted at all, or only busy runs did. */
			if (ret != -EBUSY)
				ret = -ENOMEM;
			break;
		}
		bitmap_set(c->bitmap, bitmap_no, bitmap_count);
		spin_unlock_irqrestore(&c->lock, flags);

		pfn = c->base_pfn + (bitmap_no << c->order_per_bit);
		mutex_lock(&c->alloc_mutex);
		ret = mmlab_alloc_contig_range(pfn, pfn + count,
					       MMLAB_MIGRATE_CMA);
		mutex_unlock(&c->alloc_mutex);
		if (!ret) {
			page = mmlab_pfn_to_page(pfn);
			break;
		}
		cma_clear_bitmap(c, pfn, count);
		if (ret != -EBUSY)
			break;
		trace_cma_alloc_busy_retry(c->name, pfn, mmlab_pfn_to_page(pfn),
					   count, align);
		start = bitmap_no + mask + 1;
	}
out:
	trace_cma_alloc_finish(c->name, page ? pfn : 0, page, count, align);
	if (page) {
		mmlab_count_vm_event(MMLAB_CMA_ALLOC_SUCCESS);
		*err = 0;
		return page;
	}
	mmlab_count_vm_event(MMLAB_CMA_ALLOC_FAIL);
	if (!no_warn)
		pr_err_ratelimited("%s: alloc failed, req-size: %lu pages, align %u, ret: %d (%s)\n",
				   c->name, count, align, ret, alloc_err_reason(ret));
	*err = ret;
	return NULL;
}

/**
 * mmlab_cma_alloc - allocate pages from a CMA area, as cma_alloc().
 * @c: the area.
 * @count: pages wanted.
 * @align: the first pfn is a multiple of 2^@align pages.
 * @no_warn: no log line on failure.
 *
 * Sleeps. Every page of the result is a lone order-0 page owned by
 * MMLAB_OWNER_CMA with one reference; give them back with
 * mmlab_cma_release(). Counts cma_alloc_success or cma_alloc_fail.
 *
 * Return: the first page, or NULL.
 */
struct mmlab_page *mmlab_cma_alloc(struct mmlab_cma *c, unsigned long count,
				   unsigned int align, bool no_warn)
{
	int err;

	return __mmlab_cma_alloc(c, count, align, no_warn, &err);
}
EXPORT_SYMBOL_GPL(mmlab_cma_alloc);

static bool cma_pages_ok(const struct mmlab_page *pages, unsigned long count)
{
	unsigned long i;

	for (i = 0; i < count; i++)
		if (mmlab_page_owner(pages + i) != MMLAB_OWNER_CMA ||
		    mmlab_page_count(pages + i) != 1)
			return false;
	return true;
}

/**
 * mmlab_cma_release - give back pages of mmlab_cma_alloc(), as cma_release().
 * @c: the area.
 * @pages: the first page allocated.
 * @count: the pages allocated.
 *
 * Return: false (and one log line) when @pages is not an allocation of
 * this area, true when the pages were freed.
 */
bool mmlab_cma_release(struct mmlab_cma *c, const struct mmlab_page *pages,
		       unsigned long count)
{
	unsigned long pfn;

	if (!c || !pages || !count)
		return false;
	pfn = mmlab_page_to_pfn(pages);
	if (pfn < c->base_pfn || pfn >= c->base_pfn + c->count)
		return false;
	if (count > c->base_pfn + c->count - pfn || !cma_pages_ok(pages, count)) {
		pr_err("%s: release of pfn %#lx count %lu: not allocated from this area\n",
		       c->name, pfn, count);
		return false;
	}
	mmlab_free_contig_range(pfn, count);
	cma_clear_bitmap(c, pfn, count);
	trace_cma_release(c->name, pfn, pages, count);
	return true;
}
EXPORT_SYMBOL_GPL(mmlab_cma_release);

/* --- Declaring areas --------------------------------------------------------- */

static bool overlaps_area(unsigned long base, unsigned long count,
			  const char **other)
{
	int i;

	for (i = 0; i < MMLAB_CMA_MAX_AREAS; i++) {
		struct mmlab_cma *c = mmlab_cma_areas[i];

		if (c && base < c->base_pfn + c->count &&
		    c->base_pfn < base + count) {
			*other = c->name;
			return true;
		}
	}
	return false;
}

/*
 * Check that no page of [base, base + count) is allocated: isolate the
 * pageblocks, drain, test, and give them back their types. Returns 0 or
 * -EBUSY.
 */
static int range_all_free(unsigned long base, unsigned long count)
{
	unsigned long nr_blocks = count / MMLAB_PAGEBLOCK_PAGES, i;
	u8 *old;
	int ret;

	old = kcalloc(nr_blocks, sizeof(*old), GFP_KERNEL);
	if (!old)
		return -ENOMEM;
	for (i = 0; i < nr_blocks; i++)
		old[i] = mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(base +
					i * MMLAB_PAGEBLOCK_PAGES));
	ret = mmlab_isolate_range(base, base + count);
	if (!ret) {
		mmlab_drain_all_pages(mmlab_pfn_region(base)->id);
		ret = mmlab_test_range_isolated(base, base + count);
		for (i = 0; i < nr_blocks; i++)
			mmlab_set_pageblock_migratetype(mmlab_pfn_to_page(base +
						i * MMLAB_PAGEBLOCK_PAGES), old[i]);
	}
	kfree(old);
	return ret;
}

static void set_area_type(struct mmlab_cma *c, enum mmlab_migratetype mt)
{
	unsigned long pfn;

	for (pfn = c->base_pfn; pfn < c->base_pfn + c->count;
	     pfn += MMLAB_PAGEBLOCK_PAGES)
		mmlab_set_pageblock_migratetype(mmlab_pfn_to_page(pfn), mt);
}

/* Find and claim a free aligned range; mmlab_cma_areas_mutex held. */
static int place_area(struct mmlab_zone *zone, unsigned long offset,
		      unsigned long count, unsigned long align_pages,
		      const char *name, unsigned long *base_out)
{
	const char *other;
	unsigned long base;
	int ret;

	if (offset != MMLAB_CMA_ANYWHERE) {
		base = zone->start_pfn + offset;
		if (!IS_ALIGNED(base, align_pages) ||
		    base < zone->first_usable_pfn ||
		    base + count > zone->end_pfn || base + count < base) {
			pr_err("%s: offset %#lx is unaligned or outside the usable pages of %s\n",
			       name, offset << PAGE_SHIFT, zone->region->name);
			return -EINVAL;
		}
		if (overlaps_area(base, count, &other)) {
			pr_err("%s: overlaps CMA area %s\n", name, other);
			return -EBUSY;
		}
		ret = range_all_free(base, count);
		if (ret == -EBUSY)
			pr_err("%s: pages at offset %#lx are already allocated\n",
			       name, offset << PAGE_SHIFT);
		*base_out = base;
		return ret;
	}
	/* Top down, as the kernel places its areas as high as it can. */
	base = round_down(zone->end_pfn - count, align_pages);
	for (; base >= zone->first_usable_pfn && base + count > base;
	     base -= align_pages) {
		if (overlaps_area(base, count, &other))
			continue;
		ret = range_all_free(base, count);
		if (ret == -ENOMEM)
			return ret;
		if (!ret) {
			*base_out = base;
			return 0;
		}
		if (base < align_pages)
			break;
	}
	pr_err("%s: no free aligned range of %lu pages in %s\n", name, count,
	       zone->region->name);
	return -ENOMEM;
}

static int check_area_shape(struct mmlab_zone *zone, unsigned long size,
			    unsigned long align, unsigned int order_per_bit,
			    const char *name)
{
	if (!size) {
		pr_err("%s: size is zero\n", name);
		return -EINVAL;
	}
	if (!is_power_of_2(align) || align < PAGEBLOCK_BYTES) {
		pr_err("%s: alignment %#lx is not a power of two of at least the pageblock size %#lx\n",
		       name, align, PAGEBLOCK_BYTES);
		return -EINVAL;
	}
	if (!IS_ALIGNED(size, PAGEBLOCK_BYTES)) {
		pr_err("%s: size %#lx is not a multiple of the pageblock size %#lx\n",
		       name, size, PAGEBLOCK_BYTES);
		return -EINVAL;
	}
	if ((size >> PAGE_SHIFT) > zone->managed_pages) {
		pr_err("%s: size %#lx is larger than %s\n", name, size,
		       zone->region->name);
		return -EINVAL;
	}
	if (order_per_bit > MMLAB_PAGEBLOCK_ORDER) {
		pr_err("%s: order_per_bit %u is above the pageblock order %u\n",
		       name, order_per_bit, MMLAB_PAGEBLOCK_ORDER);
		return -EINVAL;
	}
	return 0;
}

static int check_area_name(const char *name)
{
	int i;

	if (!*name || strlen(name) >= MMLAB_CMA_NAME_LEN ||
	    strpbrk(name, "/ \t\n")) {
		pr_err("bad CMA area name '%s': 1..%d characters, no '/' or space\n",
		       name, MMLAB_CMA_NAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < MMLAB_CMA_MAX_AREAS; i++)
		if (mmlab_cma_areas[i] && !strcmp(mmlab_cma_areas[i]->name, name)) {
			pr_err("%s: a CMA area of this name exists\n", name);
			return -EEXIST;
		}
	return 0;
}

static struct mmlab_cma *new_area(int nid, unsigned long base,
				  unsigned long count,
				  unsigned int order_per_bit, const char *name)
{
	unsigned long bits = count >> order_per_bit;
	struct mmlab_cma *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->bitmap = bitmap_zalloc(bits, GFP_KERNEL);
	if (!c->bitmap) {
		kfree(c);
		return NULL;
	}
	c->nid = nid;
	c->base_pfn = base;
	c->count = count;
	c->order_per_bit = order_per_bit;
	spin_lock_init(&c->lock);
	mutex_init(&c->alloc_mutex);
	INIT_HLIST_HEAD(&c->mem_head);
	spin_lock_init(&c->mem_head_lock);
	strscpy(c->name, name, sizeof(c->name));
	return c;
}

/**
 * mmlab_cma_declare - carve a CMA area out of a region.
 * @nid: the region.
 * @offset: pages from the region's start, or ULONG_MAX for "the highest
 *	free aligned range".
 * @size: bytes, a multiple of the pageblock size.
 * @align: bytes, a power of two of at least the pageblock size; 0 for the
 *	pageblock size.
 * @order_per_bit: pages per bitmap bit, as an order.
 * @name: the area's name, unique; NULL for "cma<index>".
 *
 * Every page of the range must be free; its pageblocks become
 * MMLAB_MIGRATE_CMA. Each refusal logs one line.
 *
 * Return: the area or an ERR_PTR: -EINVAL (bad size, alignment, offset,
 * name), -ENODEV (no such region), -EBUSY (overlap, pages allocated),
 * -EEXIST (name taken), -ENOSPC (too many areas), -ENOMEM.
 */
struct mmlab_cma *mmlab_cma_declare(int nid, unsigned long offset,
				    unsigned long size, unsigned long align,
				    unsigned int order_per_bit,
				    const char *name)
{
	struct mmlab_zone *zone = mmlab_zone(nid);
	char defname[MMLAB_CMA_NAME_LEN];
	struct mmlab_cma *c = NULL;
	unsigned long base = 0;
	int idx, ret;

	mutex_lock(&mmlab_cma_areas_mutex);
	for (idx = 0; idx < MMLAB_CMA_MAX_AREAS && mmlab_cma_areas[idx]; idx++)
		;
	if (!name) {
		snprintf(defname, sizeof(defname), "cma%d", idx);
		name = defname;
	}
	ret = -ENODEV;
	if (!zone) {
		pr_err("%s: no region %d\n", name, nid);
		goto out;
	}
	ret = -ENOSPC;
	if (idx >= MMLAB_CMA_MAX_AREAS) {
		pr_err("%s: more than %d CMA areas\n", name, MMLAB_CMA_MAX_AREAS);
		goto out;
	}
	if (!align)
		align = PAGEBLOCK_BYTES;
	ret = check_area_name(name);
	if (!ret)
		ret = check_area_shape(zone, size, align, order_per_bit, name);
	if (ret)
		goto out;
	if (offset != MMLAB_CMA_ANYWHERE && !IS_ALIGNED(offset, PAGE_SIZE)) {
		pr_err("%s: offset %#lx is not page aligned\n", name, offset);
		ret = -EINVAL;
		goto out;
	}
	ret = place_area(zone, offset == MMLAB_CMA_ANYWHERE ? offset :
			 offset >> PAGE_SHIFT, size >> PAGE_SHIFT,
			 align >> PAGE_SHIFT, name, &base);
	if (ret)
		goto out;
	ret = -ENOMEM;
	c = new_area(nid, base, size >> PAGE_SHIFT, order_per_bit, name);
	if (!c)
		goto out;
	set_area_type(c, MMLAB_MIGRATE_CMA);
	WRITE_ONCE(mmlab_cma_areas[idx], c);
	mmlab_cma_nr = max(mmlab_cma_nr, idx + 1);
	mmlab_cma_debugfs_add_area(c);
	ret = 0;
out:
	mutex_unlock(&mmlab_cma_areas_mutex);
	return ret ? ERR_PTR(ret) : c;
}
EXPORT_SYMBOL_GPL(mmlab_cma_declare);

/**
 * mmlab_cma_remove - give an area's pageblocks back to movable use.
 * @c: an area of mmlab_cma_declare().
 *
 * Frees what the debugfs alloc file kept; allocations still held by
 * others are reported and stay allocated (as kernel pages).
 */
void mmlab_cma_remove(struct mmlab_cma *c)
{
	unsigned long used;
	int i;

	if (!c)
		return;
	mmlab_cma_debugfs_remove_area(c);
	mmlab_cma_debugfs_free_mem(c);
	mutex_lock(&mmlab_cma_areas_mutex);
	for (i = 0; i < MMLAB_CMA_MAX_AREAS; i++)
		if (mmlab_cma_areas[i] == c)
			WRITE_ONCE(mmlab_cma_areas[i], NULL);
	while (mmlab_cma_nr && !mmlab_cma_areas[mmlab_cma_nr - 1])
		mmlab_cma_nr--;
	mutex_unlock(&mmlab_cma_areas_mutex);
	used = mmlab_cma_used_pages(c);
	if (used)
		pr_warn("%s: removed with %lu pages still allocated\n", c->name,
			used);
	set_area_type(c, MMLAB_MIGRATE_MOVABLE);
	bitmap_free(c->bitmap);
	kfree(c);
}
EXPORT_SYMBOL_GPL(mmlab_cma_remove);

void mmlab_cma_remove_all(void)
{
	int i;

	for (i = MMLAB_CMA_MAX_AREAS - 1; i >= 0; i--)
		mmlab_cma_remove(mmlab_cma_areas[i]);
}

/* --- Module parameter and device tree ---------------------------------------- */

/*
 * One area of the cma= parameter: SIZE[@OFFSET][:ALIGN][:NAME]. A field
 * after ':' that parses as a size is ALIGN, otherwise it is NAME.
 */
static int parse_one_area(char *spec)
{
	unsigned long size, offset = MMLAB_CMA_ANYWHERE, align = 0;
	char *name = NULL, *field, *end;
	struct mmlab_cma *c;

	field = strsep(&spec, ":");
	size = memparse(field, &end);
	if (end == field || (*end && *end != '@'))
		goto bad;
	if (*end == '@') {
		field = end + 1;
		offset = memparse(field, &end);
		if (end == field || *end)
			goto bad;
	}
	while ((field = strsep(&spec, ":"))) {
		unsigned long v = memparse(field, &end);

		if (end != field && !*end && !align && !name)
			align = v;
		else if (!name && *field)
			name = field;
		else
			goto bad;
	}
	c = mmlab_cma_declare(cma_nid, offset, size, align, cma_order_per_bit,
			      name);
	return PTR_ERR_OR_ZERO(c);
bad:
	pr_err("cma=: bad area '%s': want SIZE[@OFFSET][:ALIGN][:NAME]\n",
	       field ? field : "");
	return -EINVAL;
}

static int parse_cma_param(void)
{
	char *copy, *s, *spec;
	int ret = 0;

	if (!cma || !*cma)
		return 0;
	copy = kstrdup(cma, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	s = copy;
	while (!ret && (spec = strsep(&s, ",")))
		ret = parse_one_area(spec);
	kfree(copy);
	return ret;
}

/*
 * DT: on a "mmlab,region" node, mmlab,cma = <size>... (u32 bytes, one per
 * area, placed top down) with optional mmlab,cma-names = "a", ... and
 * mmlab,cma-alignment = <bytes>.
 */
static int parse_region_dt(struct mmlab_region *r)
{
	struct device_node *np = r->dev ? r->dev->of_node : NULL;
	u32 sizes[MMLAB_CMA_MAX_AREAS], align = 0;
	int n, i;

	if (!np || !of_find_property(np, "mmlab,cma", NULL))
		return 0;
	n = of_property_count_u32_elems(np, "mmlab,cma");
	if (n <= 0 || n > MMLAB_CMA_MAX_AREAS ||
	    of_property_read_u32_array(np, "mmlab,cma", sizes, n)) {
		pr_err("%pOF: mmlab,cma must hold 1..%d u32 sizes\n", np,
		       MMLAB_CMA_MAX_AREAS);
		return -EINVAL;
	}
	if (of_find_property(np, "mmlab,cma-alignment", NULL) &&
	    of_property_read_u32(np, "mmlab,cma-alignment", &align)) {
		pr_err("%pOF: mmlab,cma-alignment must be one u32\n", np);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const char *name = NULL;
		struct mmlab_cma *c;

		of_property_read_string_index(np, "mmlab,cma-names", i, &name);
		c = mmlab_cma_declare(r->id, MMLAB_CMA_ANYWHERE, sizes[i], align,
				      0, name);
		if (IS_ERR(c))
			return PTR_ERR(c);
	}
	return 0;
}

/* One line per area, once all were accepted: a refusal logs only itself. */
static void report_areas(void)
{
	struct mmlab_cma *c;
	int i;

	mutex_lock(&mmlab_cma_areas_mutex);
	for (i = 0; i < mmlab_cma_nr; i++) {
		c = mmlab_cma_areas[i];
		if (c)
			pr_info("%s: %lu pages at pfn %#lx in %s, order_per_bit %u\n",
				c->name, c->count, c->base_pfn,
				mmlab_region(c->nid)->name, c->order_per_bit);
	}
	mutex_unlock(&mmlab_cma_areas_mutex);
}

int mmlab_cma_setup_areas(void)
{
	struct mmlab_region *r;
	int ret;

	for_each_mmlab_region(r) {
		ret = parse_region_dt(r);
		if (ret)
			return ret;
	}
	ret = parse_cma_param();
	if (!ret)
		report_areas();
	return ret;
}
