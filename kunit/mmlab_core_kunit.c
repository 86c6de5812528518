// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mmlab_core: parsing and checking region ranges, descriptor
 * array sizing, and the invariants of the live regions and their
 * descriptors.
 *
 * The refusal helpers log one line per refusal, so this suite leaves
 * such lines in the kernel log; they are expected.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "mmlab_core/mmlab_core.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* --- Parsing ------------------------------------------------------------ */

static void mmlab_parse_one_test(struct kunit *test)
{
	struct mmlab_range r[MMLAB_MAX_REGIONS];
	int nr = -1;

	KUNIT_ASSERT_EQ(test, mmlab_parse_regions("64M@0x10000000", r,
						  MMLAB_MAX_REGIONS, &nr), 0);
	KUNIT_ASSERT_EQ(test, nr, 1);
	KUNIT_EXPECT_EQ(test, r[0].size, (u64)SZ_64M);
	KUNIT_EXPECT_EQ(test, (u64)r[0].base, 0x10000000ULL);
}

static void mmlab_parse_many_test(struct kunit *test)
{
	struct mmlab_range r[MMLAB_MAX_REGIONS];
	int nr = -1;

	KUNIT_ASSERT_EQ(test, mmlab_parse_regions("4m@1g,0x800000@256M,8K@0", r,
						  MMLAB_MAX_REGIONS, &nr), 0);
	KUNIT_ASSERT_EQ(test, nr, 3);
	KUNIT_EXPECT_EQ(test, r[0].size, (u64)SZ_4M);
	KUNIT_EXPECT_EQ(test, (u64)r[0].base, (u64)SZ_1G);
	KUNIT_EXPECT_EQ(test, r[1].size, (u64)SZ_8M);
	KUNIT_EXPECT_EQ(test, (u64)r[1].base, (u64)SZ_256M);
	KUNIT_EXPECT_EQ(test, r[2].size, (u64)SZ_8K);
	KUNIT_EXPECT_EQ(test, (u64)r[2].base, 0ULL);
}

static void mmlab_parse_hex_suffix_test(struct kunit *test)
{
	struct mmlab_range r[1];
	int nr = -1;

	/* A trailing hex digit is a digit, not the E (exa) suffix. */
	KUNIT_ASSERT_EQ(test, mmlab_parse_regions("0x1e@0xe", r, 1, &nr), 0);
	KUNIT_ASSERT_EQ(test, nr, 1);
	KUNIT_EXPECT_EQ(test, r[0].size, 0x1eULL);
	KUNIT_EXPECT_EQ(test, (u64)r[0].base, 0xeULL);
}

static void mmlab_parse_empty_test(struct kunit *test)
{
	struct mmlab_range r[1];
	int nr = -1;

	KUNIT_EXPECT_EQ(test, mmlab_parse_regions(NULL, r, 1, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0);
	nr = -1;
	KUNIT_EXPECT_EQ(test, mmlab_parse_regions("", r, 1, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0);
}

static const char * const mmlab_bad_strings[] = {
	"64M",				/* no base */
	"64M@",				/* empty base */
	"@0x10000000",			/* empty size */
	"64Q@0x10000000",		/* unknown suffix */
	"64MB@0x10000000",		/* junk after the suffix */
	"64M@0x10000000x",		/* junk after the base */
	"64M@@0x10000000",		/* two @ */
	"64M@0x10000000,",		/* empty last entry */
	",64M@0x10000000",		/* empty first entry */
	",",
	"sixty@four",
	"-64M@0x10000000",		/* negative */
	"64M@0x10000000 ",		/* trailing blank */
	"99999999999999999999@0",	/* more than 64 bits */
	"16E@0",			/* 2^64: overflows through the suffix */
	"0x10000000000000000@0",
	"4M@0x1000000000000000000000000000000000000000000000000",
};

static void mmlab_parse_bad_test(struct kunit *test)
{
	struct mmlab_range r[MMLAB_MAX_REGIONS];
	int i, nr;

	for (i = 0; i < ARRAY_SIZE(mmlab_bad_strings); i++) {
		nr = -1;
		KUNIT_EXPECT_EQ_MSG(test, mmlab_parse_regions(mmlab_bad_strings[i],
							      r, MMLAB_MAX_REGIONS,
							      &nr),
				    -EINVAL, "regions=%s", mmlab_bad_strings[i]);
		KUNIT_EXPECT_EQ_MSG(test, nr, 0, "regions=%s",
				    mmlab_bad_strings[i]);
	}
}

static void mmlab_parse_too_many_test(struct kunit *test)
{
	static const char nine[] = "4M@0,4M@4M,4M@8M,4M@12M,4M@16M,4M@20M,4M@24M,4M@28M,4M@32M";
	struct mmlab_range r[MMLAB_MAX_REGIONS];
	int nr = -1;

	KUNIT_EXPECT_EQ(test, mmlab_parse_regions("4M@0,4M@4M,4M@8M", r, 2, &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, nr, 0);
	KUNIT_EXPECT_EQ(test, mmlab_parse_regions("4M@0,4M@4M", r, 2, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test,
			mmlab_parse_regions(nine, r, MMLAB_MAX_REGIONS, &nr),
			-EINVAL);
}

/* --- Shape --------------------------------------------------------------- */

static int mmlab_shape(u64 size, u64 base)
{
	struct mmlab_range r = { .base = base, .size = size };

	return mmlab_check_range_shape(&r);
}

static void mmlab_shape_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_64M, 0x10000000), 0);
	KUNIT_EXPECT_EQ(test, mmlab_shape(MMLAB_MIN_REGION_SIZE, 0x10000000), 0);
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_4M + PAGE_SIZE, PAGE_SIZE), 0);
	/* The very top of the physical address space does not wrap. */
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_4M, 0ULL - SZ_4M), 0);

	KUNIT_EXPECT_EQ(test, mmlab_shape(0, 0x10000000), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_64M, 0x10000800), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_64M + 1, 0x10000000), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_shape(MMLAB_MIN_REGION_SIZE - PAGE_SIZE,
					  0x10000000), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_1M, 0x10000000), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_64M, 0ULL - SZ_4M), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_shape(~0ULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_shape(SZ_8M, 0ULL - SZ_4M), -EINVAL);
}

/* --- Overlap -------------------------------------------------------------- */

static void mmlab_conflict_test(struct kunit *test)
{
	struct mmlab_range a = { .base = SZ_256M, .size = SZ_64M };
	struct mmlab_range same = a;
	struct mmlab_range below = { .base = SZ_256M - SZ_64M, .size = SZ_64M };
	struct mmlab_range above = { .base = SZ_256M + SZ_64M, .size = SZ_4M };
	struct mmlab_range inside = { .base = SZ_256M + SZ_4M, .size = SZ_4M };
	struct mmlab_range tail = { .base = SZ_256M + SZ_64M - SZ_4M,
				    .size = SZ_8M };
	struct mmlab_range around = { .base = 0, .size = SZ_1G };
	struct mmlab_range same_base = { .base = SZ_256M, .size = SZ_4M };

	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &same), -EEXIST);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &below), 0);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&below, &a), 0);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &above), 0);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &inside), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&inside, &a), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &tail), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&tail, &a), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &around), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &same_base), -EBUSY);
}

static void mmlab_check_overlap_test(struct kunit *test)
{
	struct mmlab_range r[4] = {
		{ .base = SZ_256M, .size = SZ_64M },
		{ .base = SZ_256M + SZ_64M, .size = SZ_64M },	/* adjacent */
		{ .base = SZ_128M, .size = SZ_4M },
	};

	KUNIT_EXPECT_EQ(test, mmlab_check_overlap(r, 0), 0);
	KUNIT_EXPECT_EQ(test, mmlab_check_overlap(r, 1), 0);
	KUNIT_EXPECT_EQ(test, mmlab_check_overlap(r, 3), 0);

	r[3] = r[1];					/* duplicate */
	KUNIT_EXPECT_EQ(test, mmlab_check_overlap(r, 4), -EBUSY);
	r[3].base = SZ_256M + SZ_32M;			/* overlaps 0 and 1 */
	KUNIT_EXPECT_EQ(test, mmlab_check_overlap(r, 4), -EBUSY);
	r[3].base = SZ_128M - SZ_2M;			/* overlaps 2's head */
	KUNIT_EXPECT_EQ(test, mmlab_check_overlap(r, 4), -EBUSY);
	r[3].base = SZ_128M + SZ_4M;			/* adjacent to 2 */
	r[3].size = SZ_4M;
	KUNIT_EXPECT_EQ(test, mmlab_check_overlap(r, 4), 0);
}

/* --- What the kernel says a range is ------------------------------------ */

static void mmlab_range_memory_test(struct kunit *test)
{
	struct mmlab_region *r0 = mmlab_region(0);
	struct mmlab_range r;
	struct page *page;
	bool kpages;

	/* A page the page allocator just handed out is not reserved. */
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	r.base = page_to_phys(page);
	r.size = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, mmlab_check_range_memory(&r, &kpages), -EBUSY);
	__free_page(page);

	/* Far beyond any RAM of the boards: nothing in /proc/iomem. */
	r.base = 1ULL << 52;
	r.size = SZ_4M;
	KUNIT_EXPECT_EQ(test, mmlab_check_range_memory(&r, &kpages), -EINVAL);

	/*
	 * The last page of System RAM below the board's region and the
	 * region's first page: partly System RAM.
	 */
	KUNIT_ASSERT_NOT_NULL(test, r0);
	r.base = r0->base - PAGE_SIZE;
	r.size = 2 * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, region_intersects(r.base, PAGE_SIZE,
						IORESOURCE_SYSTEM_RAM,
						IORES_DESC_NONE),
			REGION_INTERSECTS);
	KUNIT_EXPECT_EQ(test, mmlab_check_range_memory(&r, &kpages), -EBUSY);
}

/* Every region passes the check again, with the struct pages it recorded. */
static void mmlab_region_memory_test(struct kunit *test)
{
	struct mmlab_region *r;
	bool kpages;

	KUNIT_ASSERT_GE(test, mmlab_nr_regions(), 1);
	for_each_mmlab_region(r) {
		struct mmlab_range a = { .base = r->base, .size = r->size };
		unsigned long last = r->start_pfn + r->nr_pages - 1;

		kpages = !r->kpages;
		KUNIT_EXPECT_EQ_MSG(test, mmlab_check_range_memory(&a, &kpages),
				    0, "%s", r->name);
		KUNIT_EXPECT_EQ_MSG(test, kpages, r->kpages, "%s", r->name);
		if (!r->kpages)
			continue;
		KUNIT_EXPECT_TRUE(test, pfn_valid(r->start_pfn));
		KUNIT_EXPECT_TRUE(test, pfn_valid(last));
		KUNIT_EXPECT_TRUE(test, PageReserved(pfn_to_page(last)));
	}
}

/* --- Descriptor array size ---------------------------------------------- */

static void mmlab_descriptor_pages_test(struct kunit *test)
{
	unsigned long per_page = PAGE_SIZE / sizeof(struct mmlab_page);
	unsigned long n;

	KUNIT_EXPECT_EQ(test, sizeof(struct mmlab_page), (size_t)24);
	KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(0), 0UL);
	KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(1), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(per_page), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(per_page + 1), 2UL);
	KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(SZ_64M / PAGE_SIZE),
			DIV_ROUND_UP(SZ_64M / PAGE_SIZE * 24, PAGE_SIZE));
	if (PAGE_SIZE == SZ_4K) {
		KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(16384), 96UL);
		KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(1024), 6UL);
	}
	/* Always enough room, never a whole page too many. */
	for (n = 1; n < 5000; n += 7) {
		unsigned long d = mmlab_nr_descriptor_pages(n);

		KUNIT_EXPECT_GE(test, d * PAGE_SIZE, n * sizeof(struct mmlab_page));
		KUNIT_EXPECT_LT(test, (d - 1) * PAGE_SIZE,
				n * sizeof(struct mmlab_page));
	}
	KUNIT_EXPECT_EQ(test, mmlab_nr_descriptor_pages(ULONG_MAX), ULONG_MAX);
}

/* --- Live regions ---------------------------------------------------------- */

static void mmlab_regions_table_test(struct kunit *test)
{
	struct mmlab_region *r, *o;
	char name[MMLAB_REGION_NAME_LEN];
	int i, j;

	KUNIT_ASSERT_GE(test, mmlab_nr_regions(), 1);
	KUNIT_EXPECT_LE(test, mmlab_nr_regions(), MMLAB_MAX_REGIONS);
	KUNIT_EXPECT_NULL(test, mmlab_region(-1));
	KUNIT_EXPECT_NULL(test, mmlab_region(mmlab_nr_regions()));
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, mmlab_debugfs_root());

	i = 0;
	for_each_mmlab_region(r) {
		struct mmlab_range a = { .base = r->base, .size = r->size };

		KUNIT_EXPECT_EQ(test, r->id, i);
		snprintf(name, sizeof(name), "mmlab%d", i);
		KUNIT_EXPECT_STREQ(test, r->name, name);
		KUNIT_EXPECT_EQ(test, mmlab_check_range_shape(&a), 0);
		KUNIT_EXPECT_EQ(test, r->start_pfn, PHYS_PFN(r->base));
		KUNIT_EXPECT_EQ(test, r->nr_pages, PHYS_PFN(r->size));
		KUNIT_EXPECT_EQ(test, r->nr_reserved,
				mmlab_nr_descriptor_pages(r->nr_pages));
		KUNIT_EXPECT_LT(test, r->nr_reserved, r->nr_pages);
		KUNIT_EXPECT_PTR_EQ(test, (void *)r->pages, r->virt);
		KUNIT_EXPECT_NOT_NULL(test, r->res);
		if (r->res) {
			KUNIT_EXPECT_EQ(test, (u64)r->res->start, (u64)r->base);
			KUNIT_EXPECT_EQ(test, (u64)resource_size(r->res),
					(u64)r->size);
			KUNIT_EXPECT_STREQ(test, r->res->name, "mmlab");
		}
		if (r->source == MMLAB_SRC_DT)
			KUNIT_EXPECT_NOT_NULL(test, r->dev);
		else
			KUNIT_EXPECT_NULL(test, r->dev);
		if (r->map_kind != MMLAB_MAP_IOREMAP)
			KUNIT_EXPECT_PTR_EQ(test, r->virt, phys_to_virt(r->base));
		/* memremap_pages() gave the struct pages; nothing else does. */
		KUNIT_EXPECT_EQ(test, !!r->pgmap,
				r->map_kind == MMLAB_MAP_DEVICE);
		if (r->map_kind == MMLAB_MAP_DEVICE)
			KUNIT_EXPECT_TRUE(test, r->kpages);
		if (mmlab_region_normal_pages(r))	/* a descriptor page */
			KUNIT_EXPECT_EQ(test,
					page_ref_count(mmlab_page_to_kpage(&r->pages[0])),
					1);

		for (j = 0; j < i; j++) {
			struct mmlab_range b;

			o = mmlab_region(j);
			b.base = o->base;
			b.size = o->size;
			KUNIT_EXPECT_EQ(test, mmlab_ranges_conflict(&a, &b), 0);
		}
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, mmlab_nr_regions());
}

static void mmlab_descriptors_test(struct kunit *test)
{
	struct mmlab_region *r;
	unsigned long idx, bad_region, bad_reserved;

	KUNIT_ASSERT_GE(test, mmlab_nr_regions(), 1);
	for_each_mmlab_region(r) {
		bad_region = 0;
		bad_reserved = 0;
		for (idx = 0; idx < r->nr_pages; idx++) {
			struct mmlab_page *page = &r->pages[idx];

			if (mmlab_page_region(page) != r)
				bad_region++;
			/* The descriptor array's own pages stay reserved. */
			if (idx < r->nr_reserved &&
			    (mmlab_page_owner(page) != MMLAB_OWNER_RESERVED ||
			     mmlab_page_count(page) < 1))
				bad_reserved++;
		}
		KUNIT_EXPECT_EQ_MSG(test, bad_region, 0UL, "%s", r->name);
		KUNIT_EXPECT_EQ_MSG(test, bad_reserved, 0UL, "%s", r->name);
		/* The descriptor of page 0 lives in page 0. */
		KUNIT_EXPECT_PTR_EQ(test, mmlab_virt_to_page(&r->pages[0]),
				    &r->pages[0]);
		/* The last descriptor starts in the array's last page or so. */
		idx = ((r->nr_pages - 1) * sizeof(struct mmlab_page)) >> PAGE_SHIFT;
		KUNIT_EXPECT_LT(test, idx, r->nr_reserved);
		KUNIT_EXPECT_PTR_EQ(test,
				    mmlab_virt_to_page(&r->pages[r->nr_pages - 1]),
				    &r->pages[idx]);
	}
}

/* pfn -> descriptor -> pfn, address -> descriptor -> address. */
static void mmlab_round_trip(struct kunit *test, struct mmlab_region *r,
			     unsigned long idx)
{
	unsigned long pfn = r->start_pfn + idx;
	struct mmlab_page *page = mmlab_pfn_to_page(pfn);
	void *addr = r->virt + (idx << PAGE_SHIFT);

	KUNIT_ASSERT_PTR_EQ(test, page, &r->pages[idx]);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_pfn_region(pfn), r);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_page_region(page), r);
	KUNIT_EXPECT_EQ(test, mmlab_page_index(page), idx);
	KUNIT_EXPECT_EQ(test, mmlab_page_to_pfn(page), pfn);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_page_address(page), addr);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_virt_to_page(addr), page);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_virt_to_page(addr + PAGE_SIZE - 1), page);
	if (r->kpages) {
		KUNIT_EXPECT_PTR_EQ(test, mmlab_page_to_kpage(page),
				    pfn_to_page(pfn));
		KUNIT_EXPECT_TRUE(test, PageReserved(mmlab_page_to_kpage(page)));
	}
	if (mmlab_region_normal_pages(r))
		KUNIT_EXPECT_PTR_EQ(test, page_address(mmlab_page_to_kpage(page)),
				    addr);
}

static void mmlab_round_trips_test(struct kunit *test)
{
	struct mmlab_region *r;
	unsigned long last, idx;
	int local;

	KUNIT_ASSERT_GE(test, mmlab_nr_regions(), 1);
	for_each_mmlab_region(r) {
		last = r->nr_pages - 1;
		mmlab_round_trip(test, r, 0);
		mmlab_round_trip(test, r, r->nr_reserved - 1);
		mmlab_round_trip(test, r, r->nr_reserved);
		mmlab_round_trip(test, r, r->nr_pages / 2);
		mmlab_round_trip(test, r, last);
		for (idx = 0; idx < r->nr_pages; idx += 97)
			KUNIT_EXPECT_EQ(test,
					mmlab_page_to_pfn(mmlab_pfn_to_page(r->start_pfn + idx)),
					r->start_pfn + idx);

		/* Just outside: not this region. */
		KUNIT_EXPECT_PTR_NE(test, mmlab_pfn_region(r->start_pfn - 1), r);
		KUNIT_EXPECT_PTR_NE(test, mmlab_pfn_region(r->start_pfn + r->nr_pages),
				    r);
		KUNIT_EXPECT_PTR_NE(test, mmlab_virt_to_page(r->virt - 1),
				    &r->pages[0]);
	}
	/* Memory that is no region's. */
	KUNIT_EXPECT_NULL(test, mmlab_virt_to_page(&local));
	KUNIT_EXPECT_NULL(test, mmlab_pfn_to_page(PHYS_PFN(1ULL << 52)));
}

static struct kunit_case mmlab_core_test_cases[] = {
	KUNIT_CASE(mmlab_parse_one_test),
	KUNIT_CASE(mmlab_parse_many_test),
	KUNIT_CASE(mmlab_parse_hex_suffix_test),
	KUNIT_CASE(mmlab_parse_empty_test),
	KUNIT_CASE(mmlab_parse_bad_test),
	KUNIT_CASE(mmlab_parse_too_many_test),
	KUNIT_CASE(mmlab_shape_test),
	KUNIT_CASE(mmlab_conflict_test),
	KUNIT_CASE(mmlab_check_overlap_test),
	KUNIT_CASE(mmlab_range_memory_test),
	KUNIT_CASE(mmlab_region_memory_test),
	KUNIT_CASE(mmlab_descriptor_pages_test),
	KUNIT_CASE(mmlab_regions_table_test),
	KUNIT_CASE(mmlab_descriptors_test),
	KUNIT_CASE(mmlab_round_trips_test),
	{}
};

static struct kunit_suite mmlab_core_test_suite = {
	.name = "mmlab_core",
	.test_cases = mmlab_core_test_cases,
};

kunit_test_suite(mmlab_core_test_suite);

MODULE_DESCRIPTION("KUnit suite mmlab_core: regions and page descriptors");
MODULE_LICENSE("GPL");
