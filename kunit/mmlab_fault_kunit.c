// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mmlab_fault: the fault-kind decision (do_anonymous_page,
 * wp_page_copy, wp_page_reuse and shmem's choices), the reverse map of user
 * pages, copy-on-write's replacement of a page in an object (under an
 * injected failure too), and their migration through the movable
 * operations, on objects that no process maps.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>

#include "mmlab_buddy/mmlab_buddy.h"
#include "mmlab_fault/mmap.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static void mmlab_decide_private_test(struct kunit *test)
{
	/* do_anonymous_page: read -> zero page, write -> new page */
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(false, false, false, false),
			MMLAB_FAULT_ZERO);
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(false, true, false, false),
			MMLAB_FAULT_NEW);
	/* a page held: read maps it, write reuses it or copies it */
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(false, false, true, true),
			MMLAB_FAULT_MAP);
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(false, false, true, false),
			MMLAB_FAULT_MAP);
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(false, true, true, true),
			MMLAB_FAULT_REUSE);
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(false, true, true, false),
			MMLAB_FAULT_COPY);
}

static void mmlab_decide_shared_test(struct kunit *test)
{
	/* shmem: any first touch allocates; never copy-on-write */
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(true, false, false, false),
			MMLAB_FAULT_NEW);
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(true, true, false, false),
			MMLAB_FAULT_NEW);
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(true, true, true, false),
			MMLAB_FAULT_MAP);
	KUNIT_EXPECT_EQ(test, mmlab_fault_decide(true, false, true, true),
			MMLAB_FAULT_MAP);
}

static unsigned long free_now(void)
{
	mmlab_drain_all_pages(-1);
	return mmlab_zone_free_pages(0);
}

static struct mmlab_page *user_page(struct kunit *test, u8 fill)
{
	struct mmlab_page *page;

	page = mmlab_alloc_pages_owner(NUMA_NO_NODE, MMLAB_GFP_USER, 0,
				       MMLAB_OWNER_USER);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(mmlab_page_address(page), fill, PAGE_SIZE);
	return page;
}

static int count_pairs(struct mm_struct *mm, unsigned long addr, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void mmlab_rmap_test(struct kunit *test)
{
	unsigned long free0;
	struct mmlab_anon *a, *b;
	struct mmlab_page *page;
	int pairs = 0;

	if (!mmlab_nr_regions())
		kunit_skip(test, "no region");
	free0 = free_now();
	a = mmlab_anon_create(NULL, NULL, false);
	b = mmlab_anon_create(NULL, NULL, false);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	page = user_page(test, 0x5a);

	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(a, 3, page, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, mmlab_page_mapcount(page), 1);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(page), 1);
	KUNIT_EXPECT_EQ(test, mmlab_anon_add_page(a, 3, page, GFP_KERNEL),
			-EBUSY);
	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(b, 3, page, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, mmlab_page_mapcount(page), 2);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(page), 2);
	mmlab_put_page(page);	/* the objects hold it now */
	KUNIT_EXPECT_EQ(test, mmlab_page_count(page), 2);
	/* no vma attached: no (mm, address) pair */
	KUNIT_EXPECT_EQ(test, mmlab_rmap_walk(page, count_pairs, &pairs), 0);
	KUNIT_EXPECT_EQ(test, pairs, 0);

	mmlab_anon_put(a);
	KUNIT_EXPECT_EQ(test, mmlab_page_mapcount(page), 1);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(page), 1);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(page), 1);
	mmlab_anon_put(b);
	KUNIT_EXPECT_EQ(test, free_now(), free0);
}

/* A window base as ->mmap gives (the second window): slots are pgoff - base. */
#define TEST_BASE	BIT(32)

/*
 * Copy-on-write's object side: the copy enters before the old page leaves,
 * and when it cannot enter (its rmap item fails) nothing changes at all.
 * Both objects have a window base, as a parent and its fork child: the
 * page at pgoff base + 5 sits in slot 5.
 */
static void mmlab_replace_test(struct kunit *test)
{
	struct mmlab_fail_config once = {
		.probability = 100, .interval = 1, .times = 1,
	};
	struct mmlab_page *old, *new;
	struct mmlab_anon *a, *b;
	unsigned long free0;

	if (!mmlab_nr_regions())
		kunit_skip(test, "no region");
	free0 = free_now();
	a = mmlab_anon_create(NULL, NULL, false);
	b = mmlab_anon_create(NULL, NULL, false);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	a->base = TEST_BASE;
	b->base = TEST_BASE;
	old = user_page(test, 0x11);
	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(a, TEST_BASE + 5, old,
						  GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(b, TEST_BASE + 5, old,
						  GFP_KERNEL), 0);
	mmlab_put_page(old);
	new = user_page(test, 0x11);

	KUNIT_ASSERT_EQ(test, mmlab_fail_configure("fail_rmap", &once), 0);
	KUNIT_EXPECT_EQ(test, mmlab_anon_replace_page(a, TEST_BASE + 5, old,
						      new, GFP_KERNEL), -ENOMEM);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&a->pages, 5), (void *)old);
	KUNIT_EXPECT_EQ(test, mmlab_page_mapcount(old), 2);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(old), 2);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(old), 2);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(new), 1);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(new), 0);

	KUNIT_EXPECT_EQ(test, mmlab_anon_replace_page(a, TEST_BASE + 5, old,
						      new, GFP_KERNEL), 0);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&a->pages, 5), (void *)new);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&b->pages, 5), (void *)old);
	KUNIT_EXPECT_EQ(test, mmlab_page_mapcount(old), 1);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(old), 1);
	KUNIT_EXPECT_EQ(test, mmlab_page_mapcount(new), 1);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(new), 1);
	KUNIT_EXPECT_EQ(test, a->nr_pages, 1UL);
	mmlab_put_page(new);	/* the object holds it now */
	KUNIT_EXPECT_EQ(test, mmlab_page_count(new), 1);

	mmlab_anon_put(a);
	mmlab_anon_put(b);
	KUNIT_EXPECT_EQ(test, free_now(), free0);
}

static void mmlab_migrate_test(struct kunit *test)
{
	struct mmlab_page *src, *dst, *kpage;
	struct mmlab_anon *a, *b;
	unsigned long free0;

	if (!mmlab_nr_regions())
		kunit_skip(test, "no region");
	free0 = free_now();
	a = mmlab_anon_create(NULL, NULL, false);
	b = mmlab_anon_create(NULL, NULL, true);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	a->base = TEST_BASE;	/* slot 7; b has none: slot 9 */
	src = user_page(test, 0xc3);
	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(a, TEST_BASE + 7, src,
						  GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(b, 9, src, GFP_KERNEL), 0);
	mmlab_put_page(src);

	/* refusals */
	kpage = mmlab_alloc_pages_owner(NUMA_NO_NODE, MMLAB_GFP_KERNEL, 0,
					MMLAB_OWNER_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kpage);
	KUNIT_EXPECT_FALSE(test, mmlab_user_isolate(kpage));
	KUNIT_EXPECT_EQ(test, mmlab_user_migrate(kpage, src, MMLAB_MIGRATE_SYNC), -EINVAL);

	/* isolate and put back */
	KUNIT_ASSERT_TRUE(test, mmlab_user_isolate(src));
	KUNIT_EXPECT_FALSE(test, mmlab_user_isolate(src));
	KUNIT_EXPECT_EQ(test, mmlab_page_count(src), 3);
	mmlab_user_putback(src);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(src), 2);

	/* migrate: both objects and the rmap switch to dst, src is freed */
	dst = user_page(test, 0);
	KUNIT_ASSERT_TRUE(test, mmlab_user_isolate(src));
	KUNIT_ASSERT_EQ(test, mmlab_user_migrate(dst, src, MMLAB_MIGRATE_SYNC), 0);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&a->pages, 7), (void *)dst);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&b->pages, 9), (void *)dst);
	KUNIT_EXPECT_EQ(test, mmlab_rmap_count(dst), 2);
	KUNIT_EXPECT_EQ(test, mmlab_page_mapcount(dst), 2);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(dst), 2);
	KUNIT_EXPECT_EQ(test, ((u8 *)mmlab_page_address(dst))[0], 0xc3);
	KUNIT_EXPECT_EQ(test, ((u8 *)mmlab_page_address(dst))[PAGE_SIZE - 1],
			0xc3);
	KUNIT_EXPECT_EQ(test, mmlab_page_owner(dst), MMLAB_OWNER_USER);

	/* a page nobody holds any more cannot migrate: put it back */
	KUNIT_ASSERT_TRUE(test, mmlab_user_isolate(dst));
	mmlab_anon_put(a);
	mmlab_anon_put(b);
	KUNIT_EXPECT_EQ(test, mmlab_user_migrate(kpage, dst, MMLAB_MIGRATE_SYNC), -EAGAIN);
	mmlab_user_putback(dst);
	mmlab_put_page(kpage);
	KUNIT_EXPECT_EQ(test, free_now(), free0);
}

/* A page the kernel pins does not move; once unpinned it does. */
static void mmlab_migrate_pinned_test(struct kunit *test)
{
	struct mmlab_page *src, *dst;
	struct mmlab_anon *a;
	struct page *ksrc;
	unsigned long free0;

	if (!mmlab_nr_regions())
		kunit_skip(test, "no region");
	free0 = free_now();
	a = mmlab_anon_create(NULL, NULL, false);
	KUNIT_ASSERT_NOT_NULL(test, a);
	src = user_page(test, 0x5a);
	mmlab_kpage_attach(src, 11);
	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(a, 11, src, GFP_KERNEL), 0);
	mmlab_put_page(src);
	ksrc = mmlab_page_to_kpage(src);
	KUNIT_EXPECT_EQ(test, mmlab_kpage_refs(src), 0);

	get_page(ksrc);		/* what get_user_pages() takes */
	KUNIT_EXPECT_EQ(test, mmlab_kpage_refs(src), 1);
	dst = user_page(test, 0);
	KUNIT_ASSERT_TRUE(test, mmlab_user_isolate(src));
	KUNIT_EXPECT_EQ(test, mmlab_user_migrate(dst, src, MMLAB_MIGRATE_SYNC),
			-EAGAIN);
	mmlab_user_putback(src);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&a->pages, 11), (void *)src);
	KUNIT_EXPECT_EQ(test, page_ref_count(ksrc), 2);

	put_page(ksrc);
	KUNIT_ASSERT_TRUE(test, mmlab_user_isolate(src));
	KUNIT_ASSERT_EQ(test, mmlab_user_migrate(dst, src, MMLAB_MIGRATE_SYNC), 0);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&a->pages, 11), (void *)dst);
	/* dst took src's place in mmlab's address_space; src left it */
	KUNIT_EXPECT_EQ(test, mmlab_page_to_kpage(dst)->index, 11UL);
	KUNIT_EXPECT_NOT_NULL(test, mmlab_page_to_kpage(dst)->mapping);
	KUNIT_EXPECT_NULL(test, ksrc->mapping);
	KUNIT_EXPECT_EQ(test, page_ref_count(ksrc), 1);
	mmlab_anon_put(a);
	KUNIT_EXPECT_NULL(test, mmlab_page_to_kpage(dst)->mapping);
	KUNIT_EXPECT_EQ(test, free_now(), free0);
}

/* A page dropped while the kernel pins it waits until the pin goes. */
static void mmlab_quarantine_test(struct kunit *test)
{
	struct mmlab_page *page;
	struct mmlab_anon *a;
	unsigned long free0;
	struct page *kp;
	long q0;

	if (!mmlab_nr_regions())
		kunit_skip(test, "no region");
	q0 = mmlab_quarantine_scan();
	free0 = free_now();
	a = mmlab_anon_create(NULL, NULL, false);
	KUNIT_ASSERT_NOT_NULL(test, a);
	page = user_page(test, 0x77);
	mmlab_kpage_attach(page, 13);
	KUNIT_ASSERT_EQ(test, mmlab_anon_add_page(a, 13, page, GFP_KERNEL), 0);
	mmlab_put_page(page);
	kp = mmlab_page_to_kpage(page);
	get_page(kp);		/* a pipe holding a vmsplice()d page */
	mmlab_anon_put(a);

	KUNIT_EXPECT_EQ(test, mmlab_quarantined(), q0 + 1);
	KUNIT_EXPECT_EQ(test, mmlab_page_owner(page), MMLAB_OWNER_USER);
	KUNIT_EXPECT_EQ(test, mmlab_page_count(page), 1);
	KUNIT_EXPECT_EQ(test, free_now(), free0 - 1);
	KUNIT_EXPECT_EQ(test, mmlab_quarantine_scan(), q0 + 1);
	/* the pinned data stays what it was */
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(kp))[PAGE_SIZE / 2], 0x77);

	put_page(kp);
	KUNIT_EXPECT_EQ(test, mmlab_quarantine_scan(), q0);
	KUNIT_EXPECT_NULL(test, kp->mapping);
	KUNIT_EXPECT_EQ(test, page_ref_count(kp), 1);
	KUNIT_EXPECT_EQ(test, free_now(), free0);
}

static struct kunit_case mmlab_fault_cases[] = {
	KUNIT_CASE(mmlab_decide_private_test),
	KUNIT_CASE(mmlab_decide_shared_test),
	KUNIT_CASE(mmlab_rmap_test),
	KUNIT_CASE(mmlab_replace_test),
	KUNIT_CASE(mmlab_migrate_test),
	KUNIT_CASE(mmlab_migrate_pinned_test),
	KUNIT_CASE(mmlab_quarantine_test),
	{}
};

static struct kunit_suite mmlab_fault_suite = {
	.name = "mmlab_fault",
	.test_cases = mmlab_fault_cases,
};

kunit_test_suite(mmlab_fault_suite);

MODULE_DESCRIPTION("KUnit suite mmlab_fault");
MODULE_LICENSE("GPL");
