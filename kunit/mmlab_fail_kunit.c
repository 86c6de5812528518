// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mmlab_fail: the fault injection points of mmlab_core's
 * fail.c. Knob refusals; the Nth call and every call failing; and for each
 * allocator an injected failure that must come back as a clean NULL with
 * nothing leaked: page allocation, slab objects and new slabs, bulk
 * allocation, vmalloc failing on a page and while mapping (partly mapped
 * areas unwound), and a CMA allocation failing after its pageblocks were
 * isolated (isolation undone, bitmap clear).
 *
 * Leaks are measured as region 0's free pages after draining the per-CPU
 * lists, before and after each case.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "mmlab_cma/mmlab_cma.h"
#include "mmlab_slub/mmlab_slub.h"

#define PB_BYTES	(MMLAB_PAGEBLOCK_PAGES << PAGE_SHIFT)

static const char * const points[] = {
	"fail_page_alloc", "fail_slab", "fail_vmalloc", "fail_cma",
};

static unsigned long free_pages_now(void)
{
	mmlab_drain_all_pages(0);
	return mmlab_zone_free_pages(0);
}

/* Fail the @nth call from now, @times times (-1: every @nth call). */
static void inject(struct kunit *test, const char *name, unsigned long nth,
		   int times)
{
	const struct mmlab_fail_config cfg = {
		.probability = 100, .interval = nth, .times = times,
		.verbose = 1,
	};

	KUNIT_ASSERT_EQ(test, mmlab_fail_configure(name, &cfg), 0);
}

static int test_init(struct kunit *test)
{
	if (!mmlab_zone(0))
		kunit_skip(test, "no region");
	return 0;
}

static void test_exit(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(points); i++)
		mmlab_fail_configure(points[i], NULL);
}

/* --- Knobs ---------------------------------------------------------------------- */

static void knob_refusals(struct kunit *test)
{
	struct mmlab_fail_config cfg = { .interval = 1, .times = 1 };

	KUNIT_EXPECT_EQ(test, mmlab_fail_configure("fail_nothing", &cfg),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, mmlab_fail_injected("fail_nothing"), -ENOENT);
	cfg.probability = 101;
	KUNIT_EXPECT_EQ(test, mmlab_fail_configure("fail_slab", &cfg), -EINVAL);
	cfg.probability = 100;
	cfg.interval = 0;
	KUNIT_EXPECT_EQ(test, mmlab_fail_configure("fail_slab", &cfg), -EINVAL);
	cfg.interval = 1;
	cfg.times = -2;
	KUNIT_EXPECT_EQ(test, mmlab_fail_configure("fail_slab", &cfg), -EINVAL);
	cfg.times = 1;
	cfg.space = -1;
	KUNIT_EXPECT_EQ(test, mmlab_fail_configure("fail_slab", &cfg), -EINVAL);
	cfg.space = 0;
	cfg.verbose = 3;
	KUNIT_EXPECT_EQ(test, mmlab_fail_configure("fail_slab", &cfg), -EINVAL);
	cfg.verbose = 0;
	KUNIT_EXPECT_EQ(test, mmlab_fail_configure("fail_slab", &cfg), 0);
	KUNIT_EXPECT_GE(test, mmlab_fail_injected("fail_slab"), 0);
}

/* --- Page allocation ------------------------------------------------------------- */

static void page_alloc_nth(struct kunit *test)
{
	long injected = mmlab_fail_injected("fail_page_alloc");
	unsigned long before = free_pages_now();
	struct mmlab_page *p[5];
	int i;

	inject(test, "fail_page_alloc", 3, 1);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = mmlab_alloc_pages_node(0, MMLAB_GFP_KERNEL, 1);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_EQ_MSG(test, !p[i], i == 2, "allocation %d", i + 1);
	KUNIT_EXPECT_EQ(test, mmlab_fail_injected("fail_page_alloc"),
			injected + 1);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (p[i])
			mmlab_free_pages(p[i], 1);
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
}

static void page_alloc_every_call(struct kunit *test)
{
	unsigned long before = free_pages_now();
	struct mmlab_page *page;
	int i;

	inject(test, "fail_page_alloc", 1, -1);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_NULL(test, mmlab_alloc_pages_node(0, MMLAB_GFP_KERNEL,
							       i % 3));
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
	mmlab_fail_configure("fail_page_alloc", NULL);
	page = mmlab_alloc_pages_node(0, MMLAB_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mmlab_free_pages(page, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
}

/* space lets the first bytes through, as the kernel's knob does. */
static void page_alloc_space(struct kunit *test)
{
	const struct mmlab_fail_config cfg = {
		.probability = 100, .interval = 1, .times = 1,
		.space = 2 * PAGE_SIZE + 1,
	};
	struct mmlab_page *p[4];
	int i;

	KUNIT_ASSERT_EQ(test, mmlab_fail_configure("fail_page_alloc", &cfg), 0);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = mmlab_alloc_pages_node(0, MMLAB_GFP_KERNEL, 0);
	/* 1 byte left after two pages: the third call fails. */
	KUNIT_EXPECT_NOT_NULL(test, p[0]);
	KUNIT_EXPECT_NOT_NULL(test, p[1]);
	KUNIT_EXPECT_NULL(test, p[2]);
	KUNIT_EXPECT_NOT_NULL(test, p[3]);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		if (p[i])
			mmlab_free_pages(p[i], 0);
}

/* --- Slab ---------------------------------------------------------------------- */

static void slab_object_fails(struct kunit *test)
{
	unsigned long before = free_pages_now();
	struct mmlab_kmem_cache *s;
	void *obj;

	s = mmlab_kmem_cache_create("kunit-fail-obj", 96, 0, 0, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	obj = mmlab_kmem_cache_alloc(s, MMLAB_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	inject(test, "fail_slab", 1, 1);
	KUNIT_EXPECT_NULL(test, mmlab_kmem_cache_alloc(s, MMLAB_GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_free(s, obj);
	mmlab_kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
}

/* A fresh cache: call 1 is the object, call 2 the slab it needs. */
static void slab_new_slab_fails(struct kunit *test)
{
	unsigned long before = free_pages_now();
	struct mmlab_kmem_cache *s;
	void *obj;

	s = mmlab_kmem_cache_create("kunit-fail-slab", 200, 0, 0, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	inject(test, "fail_slab", 2, 1);
	KUNIT_EXPECT_NULL(test, mmlab_kmem_cache_alloc(s, MMLAB_GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
	obj = mmlab_kmem_cache_alloc(s, MMLAB_GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_free(s, obj);
	mmlab_kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
}

/* The 4th object of a bulk fails: the 3 before it are given back. */
static void slab_bulk_unwinds(struct kunit *test)
{
	unsigned long before = free_pages_now();
	struct mmlab_kmem_cache *s;
	void *objs[8];

	s = mmlab_kmem_cache_create("kunit-fail-bulk", 64, 0,
				    MMLAB_SLAB_CONSISTENCY_CHECKS, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	inject(test, "fail_slab", 5, 1);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_alloc_bulk(s, MMLAB_GFP_KERNEL,
							  ARRAY_SIZE(objs), objs),
			0);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_alloc_bulk(s, MMLAB_GFP_KERNEL,
							  ARRAY_SIZE(objs), objs),
			(int)ARRAY_SIZE(objs));
	mmlab_kmem_cache_free_bulk(s, ARRAY_SIZE(objs), objs);
	mmlab_kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
}

static void kmalloc_fails(struct kunit *test)
{
	void *p;

	inject(test, "fail_slab", 1, 1);
	KUNIT_EXPECT_NULL(test, mmlab_kmalloc(100, MMLAB_GFP_KERNEL));
	p = mmlab_kmalloc(100, MMLAB_GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
	mmlab_kfree(p);
}

/* --- vmalloc -------------------------------------------------------------------- */

static void vmalloc_check_unwound(struct kunit *test, unsigned long before,
				  unsigned long size)
{
	void *p;

	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
	mmlab_vmalloc_purge();
	p = mmlab_vmalloc(size);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x5a, size);
	mmlab_vfree(p);
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
}

/* The 5th page of 8 fails: the 4 allocated are freed. */
static void vmalloc_page_fails(struct kunit *test)
{
	unsigned long before = free_pages_now();

	inject(test, "fail_vmalloc", 5, 1);
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc(8 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mmlab_fail_injected("fail_vmalloc") > 0, true);
	vmalloc_check_unwound(test, before, 8 * PAGE_SIZE);
}

/* 8 pages allocated (calls 1-8), the 3rd mapping (call 11) fails. */
static void vmalloc_map_fails(struct kunit *test)
{
	unsigned long before = free_pages_now();

	inject(test, "fail_vmalloc", 11, 1);
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc(8 * PAGE_SIZE));
	vmalloc_check_unwound(test, before, 8 * PAGE_SIZE);
}

static void vmap_map_fails(struct kunit *test)
{
	unsigned long before = free_pages_now();
	struct mmlab_page *pages[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = mmlab_alloc_pages_node(0, MMLAB_GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	inject(test, "fail_vmalloc", 2, 1);
	KUNIT_EXPECT_NULL(test, mmlab_vmap(pages, ARRAY_SIZE(pages)));
	/* The caller's pages are untouched and still its own. */
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		KUNIT_EXPECT_EQ(test, mmlab_page_count(pages[i]), 1);
		mmlab_free_pages(pages[i], 0);
	}
	vmalloc_check_unwound(test, before, 4 * PAGE_SIZE);
}

/* --- CMA ------------------------------------------------------------------------- */

static void cma_alloc_fails_after_isolation(struct kunit *test)
{
	struct mmlab_page *page;
	unsigned long before;
	struct mmlab_cma *c;

	c = mmlab_cma_declare(0, ULONG_MAX, PB_BYTES, 0, 0, "kunit-fail");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(c), "declare: %ld", PTR_ERR(c));
	before = free_pages_now();
	inject(test, "fail_cma", 1, 1);
	KUNIT_EXPECT_NULL(test, mmlab_cma_alloc(c, 16, 0, true));
	KUNIT_EXPECT_EQ(test, mmlab_cma_used_pages(c), 0UL);
	KUNIT_EXPECT_EQ(test,
			mmlab_get_pageblock_migratetype(mmlab_pfn_to_page(c->base_pfn)),
			MMLAB_MIGRATE_CMA);
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
	/* The isolation was undone: the same range can be taken now. */
	page = mmlab_cma_alloc(c, 16, 0, true);
	KUNIT_EXPECT_NOT_NULL(test, page);
	if (page)
		KUNIT_EXPECT_TRUE(test, mmlab_cma_release(c, page, 16));
	KUNIT_EXPECT_EQ(test, mmlab_cma_used_pages(c), 0UL);
	KUNIT_EXPECT_EQ(test, free_pages_now(), before);
	mmlab_cma_remove(c);
}

static struct kunit_case mmlab_fail_cases[] = {
	KUNIT_CASE(knob_refusals),
	KUNIT_CASE(page_alloc_nth),
	KUNIT_CASE(page_alloc_every_call),
	KUNIT_CASE(page_alloc_space),
	KUNIT_CASE(slab_object_fails),
	KUNIT_CASE(slab_new_slab_fails),
	KUNIT_CASE(slab_bulk_unwinds),
	KUNIT_CASE(kmalloc_fails),
	KUNIT_CASE(vmalloc_page_fails),
	KUNIT_CASE(vmalloc_map_fails),
	KUNIT_CASE(vmap_map_fails),
	KUNIT_CASE(cma_alloc_fails_after_isolation),
	{}
};

static struct kunit_suite mmlab_fail_suite = {
	.name = "mmlab_fail",
	.init = test_init,
	.exit = test_exit,
	.test_cases = mmlab_fail_cases,
};

kunit_test_suite(mmlab_fail_suite);

MODULE_DESCRIPTION("KUnit suite mmlab_fail: injected allocation failures");
MODULE_LICENSE("GPL");
