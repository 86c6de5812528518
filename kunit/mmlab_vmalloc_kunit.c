// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mmlab_vmalloc: contents readable through the mapping and
 * through mmlab_vmalloc_to_page, guard pages, VA hole reuse and merging in
 * the augmented free tree, lazy purge, vmap of caller pages, bad frees,
 * many threads at once, two vfree() of one area racing, and every page
 * back in the buddy at the end.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "mmlab_slub/internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static unsigned long free_region_pages(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < mmlab_nr_regions(); i++) {
		mmlab_drain_all_pages(i);
		n += mmlab_zone_free_pages(i);
	}
	return n;
}

static void contents_test(struct kunit *test)
{
	unsigned long before = free_region_pages();
	unsigned int i, npages = 5;
	struct mmlab_page *page;
	u32 *p;

	p = mmlab_vmalloc(npages * PAGE_SIZE - 100);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, mmlab_is_vmalloc_addr(p));
	KUNIT_EXPECT_EQ(test, (unsigned long)p % PAGE_SIZE, 0UL);
	for (i = 0; i < npages * PAGE_SIZE / 4; i++)
		p[i] = i * 2654435761U;
	for (i = 0; i < npages; i++) {
		u32 *lin;

		page = mmlab_vmalloc_to_page((void *)p + i * PAGE_SIZE + 8);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, mmlab_page_owner(page), MMLAB_OWNER_VMALLOC);
		lin = mmlab_page_address(page);
		KUNIT_EXPECT_EQ(test, lin[7], (u32)((i * PAGE_SIZE / 4 + 7) * 2654435761U));
		lin[9] = 0xdeadbeef;		/* and back through the mapping */
		KUNIT_EXPECT_EQ(test, p[i * PAGE_SIZE / 4 + 9], 0xdeadbeefU);
	}
	/* Guard page after the area, nothing before the window's start. */
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc_to_page((void *)p + npages * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, free_region_pages(), before - npages);
	mmlab_vfree(p);
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc_to_page(p));
	KUNIT_EXPECT_EQ(test, free_region_pages(), before);
}

static void hole_reuse_test(struct kunit *test)
{
	void *a, *b, *c, *d, *e;

	mmlab_vmalloc_purge();
	a = mmlab_vmalloc(PAGE_SIZE);
	b = mmlab_vmalloc(3 * PAGE_SIZE);
	c = mmlab_vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, a && b && c);
	/* Each area is followed by its guard page. */
	KUNIT_EXPECT_EQ(test, (unsigned long)(b - a), 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, (unsigned long)(c - b), 4 * PAGE_SIZE);
	mmlab_vfree(b);
	KUNIT_EXPECT_GT(test, mmlab_vmalloc_lazy_pages(), 0UL);
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_lazy_pages(), 0UL);
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
	d = mmlab_vmalloc(PAGE_SIZE);		/* lowest hole that fits */
	KUNIT_EXPECT_PTR_EQ(test, d, b);
	e = mmlab_vmalloc(2 * PAGE_SIZE);	/* does not fit the rest */
	KUNIT_EXPECT_GT(test, (unsigned long)e, (unsigned long)c);
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
	mmlab_vfree(a);
	mmlab_vfree(c);
	mmlab_vfree(d);
	mmlab_vfree(e);
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
}

static void merge_test(struct kunit *test)
{
	void *p[16];
	int i;

	mmlab_vmalloc_purge();
	KUNIT_ASSERT_EQ(test, mmlab_vmalloc_free_va(), mmlab_vmalloc_window_size());
	for (i = 0; i < 16; i++) {
		p[i] = mmlab_vmalloc((i % 4 + 1) * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	for (i = 0; i < 16; i += 2)
		mmlab_vfree(p[i]);
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
	KUNIT_EXPECT_LT(test, mmlab_vmalloc_largest_hole(), mmlab_vmalloc_window_size());
	for (i = 1; i < 16; i += 2)
		mmlab_vfree(p[i]);
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
	/* Everything merged back into one hole: the window. */
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_free_va(), mmlab_vmalloc_window_size());
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_largest_hole(), mmlab_vmalloc_window_size());
}

static void vmap_test(struct kunit *test)
{
	struct mmlab_page *pages[4];
	u8 *v;
	int i;

	for (i = 0; i < 4; i++) {
		pages[i] = mmlab_alloc_pages(MMLAB_GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		memset(mmlab_page_address(pages[i]), i + 1, PAGE_SIZE);
	}
	v = mmlab_vmap(pages, 4);
	KUNIT_ASSERT_NOT_NULL(test, v);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, v[i * PAGE_SIZE + 100], i + 1);
		KUNIT_EXPECT_PTR_EQ(test, mmlab_vmalloc_to_page(v + i * PAGE_SIZE),
				    pages[i]);
	}
	mmlab_vfree(v);			/* wrong call: refused */
	KUNIT_EXPECT_NOT_NULL(test, mmlab_vmalloc_to_page(v));
	mmlab_vunmap(v);
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc_to_page(v));
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, *(u8 *)mmlab_page_address(pages[i]), i + 1);
		mmlab_free_pages(pages[i], 0);
	}
}

static void bad_args_test(struct kunit *test)
{
	void *p = mmlab_vmalloc(PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, p);
	mmlab_vfree(p + PAGE_SIZE / 2);		/* not an area start: refused */
	KUNIT_EXPECT_NOT_NULL(test, mmlab_vmalloc_to_page(p));
	mmlab_vfree(p);
	mmlab_vfree(NULL);
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc(0));
	KUNIT_EXPECT_NULL(test, mmlab_vmalloc(mmlab_vmalloc_window_size()));
	KUNIT_EXPECT_NULL(test, mmlab_vmap(NULL, 0));
}

static void lazy_test(struct kunit *test)
{
	unsigned long lazy_before;
	void *p;
	int i;

	mmlab_vmalloc_purge();
	for (i = 0; i < 8; i++) {
		p = mmlab_vmalloc(PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, p);
		lazy_before = mmlab_vmalloc_lazy_pages();
		mmlab_vfree(p);
		KUNIT_EXPECT_EQ(test, mmlab_vmalloc_lazy_pages(), lazy_before + 2);
	}
	/* Above the threshold the purge happens by itself. */
	for (i = 0; i < 64; i++) {
		p = mmlab_vmalloc(256 * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, p);
		mmlab_vfree(p);
	}
	KUNIT_EXPECT_LT(test, mmlab_vmalloc_lazy_pages(),
			mmlab_vmalloc_window_size() / PAGE_SIZE / 4 + 1);
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
}

struct vthread {
	struct completion done;
	int errors;
};

static int vstress_fn(void *data)
{
	struct vthread *vt = data;
	unsigned long *p[8] = { NULL };
	unsigned long n[8];
	int i, j;

	for (i = 0; i < 400; i++) {
		j = get_random_u32() % 8;
		if (p[j]) {
			if (p[j][0] != (unsigned long)p[j] ||
			    p[j][n[j] * PAGE_SIZE / sizeof(long) - 1] != n[j])
				vt->errors++;
			mmlab_vfree(p[j]);
			p[j] = NULL;
			continue;
		}
		n[j] = 1 + get_random_u32() % 6;
		p[j] = mmlab_vmalloc(n[j] * PAGE_SIZE);
		if (p[j]) {
			p[j][0] = (unsigned long)p[j];
			p[j][n[j] * PAGE_SIZE / sizeof(long) - 1] = n[j];
		}
	}
	for (j = 0; j < 8; j++)
		mmlab_vfree(p[j]);
	complete(&vt->done);
	return 0;
}

static void threads_test(struct kunit *test)
{
	unsigned long before = free_region_pages();
	struct vthread vt[4];
	struct task_struct *t;
	int i;

	for (i = 0; i < 4; i++) {
		vt[i].errors = 0;
		init_completion(&vt[i].done);
		t = kthread_run(vstress_fn, &vt[i], "mmlab_vmalloc_kunit/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < 4; i++) {
		wait_for_completion(&vt[i].done);
		KUNIT_EXPECT_EQ(test, vt[i].errors, 0);
	}
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_free_va(), mmlab_vmalloc_window_size());
	KUNIT_EXPECT_EQ(test, free_region_pages(), before);
}

/*
 * Two threads vfree() one area at the same moment, many times: one takes
 * the area, the other finds none and is a bad free (one log line); the
 * pages go back once, the trees stay whole. Rounds are kept in step by
 * two counters.
 */
#define VFREE_ROUNDS	500

struct vfree_race {
	void *addr;
	atomic_t go, done;
	struct completion exited;
};

static void vrace_wait(atomic_t *ctr, int target)
{
	while (atomic_read_acquire(ctr) < target) {
		cpu_relax();
		cond_resched();		/* both threads may share one CPU */
	}
}

static int vfree_racer_fn(void *data)
{
	struct vfree_race *vr = data;
	int r;

	for (r = 1; r <= VFREE_ROUNDS; r++) {
		vrace_wait(&vr->go, r);
		mmlab_vfree(READ_ONCE(vr->addr));
		atomic_inc_return(&vr->done);
		vrace_wait(&vr->done, 2 * r);
	}
	complete(&vr->exited);
	return 0;
}

static void vfree_race_test(struct kunit *test)
{
	unsigned long before = free_region_pages();
	struct vfree_race *vr;
	struct task_struct *t;
	int r;

	vr = kunit_kzalloc(test, sizeof(*vr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vr);
	init_completion(&vr->exited);
	t = kthread_create(vfree_racer_fn, vr, "mmlab_vmalloc_kunit/race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	if (num_online_cpus() > 1)
		kthread_bind(t, cpumask_last(cpu_online_mask));
	wake_up_process(t);
	for (r = 1; r <= VFREE_ROUNDS; r++) {
		WRITE_ONCE(vr->addr, mmlab_vmalloc((1 + r % 4) * PAGE_SIZE));
		KUNIT_ASSERT_NOT_NULL(test, vr->addr);
		atomic_inc_return(&vr->go);
		mmlab_vfree(vr->addr);
		atomic_inc_return(&vr->done);
		vrace_wait(&vr->done, 2 * r);
	}
	wait_for_completion(&vr->exited);
	mmlab_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_check_tree(), 0);
	KUNIT_EXPECT_EQ(test, mmlab_vmalloc_free_va(), mmlab_vmalloc_window_size());
	KUNIT_EXPECT_EQ(test, free_region_pages(), before);
}

static struct kunit_case mmlab_vmalloc_cases[] = {
	KUNIT_CASE(contents_test),
	KUNIT_CASE(hole_reuse_test),
	KUNIT_CASE(merge_test),
	KUNIT_CASE(vmap_test),
	KUNIT_CASE(bad_args_test),
	KUNIT_CASE(lazy_test),
	KUNIT_CASE(threads_test),
	KUNIT_CASE(vfree_race_test),
	{}
};

static struct kunit_suite mmlab_vmalloc_suite = {
	.name = "mmlab_vmalloc",
	.test_cases = mmlab_vmalloc_cases,
};

kunit_test_suite(mmlab_vmalloc_suite);

MODULE_DESCRIPTION("KUnit suite mmlab_vmalloc");
MODULE_LICENSE("GPL");
