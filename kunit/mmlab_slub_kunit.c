// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mmlab_slub: object layout and alignment, ctor, hardened free
 * pointers, the fast path and each slow path taken and counted, partial
 * list movement, shrink giving empty slabs back to the buddy, each debug
 * detection firing on a deliberately injected bug, kmalloc classes and
 * ksize, bulk operations, and many threads at once; the layout of small
 * red-zoned objects, a destroy refused while objects are left, a debug
 * allocation whose region is full, the nr_slab_* counters, a CPU going
 * offline with slabs, two frees of one object racing, a slab lookup
 * interrupted by the release of its slab, and a cache destroyed while a
 * bad free holds it.
 *
 * The debug tests make mmlab_slub log one line per injected bug; those
 * lines are expected.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/sort.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "mmlab_slub/internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define GFP	MMLAB_GFP_KERNEL

static struct mmlab_kmem_cache *make_cache(struct kunit *test,
					   const char *name, unsigned int size,
					   unsigned int align,
					   unsigned long flags,
					   void (*ctor)(void *))
{
	struct mmlab_kmem_cache *s;

	s = mmlab_kmem_cache_create(name, size, align, flags, ctor);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(s), "create %s: %ld", name,
			       PTR_ERR(s));
	return s;
}

static unsigned long st(struct mmlab_kmem_cache *s, enum mmlab_stat_item i)
{
	return mmlab_stat_sum(s, i);
}

static unsigned long nr_slabs(struct mmlab_kmem_cache *s)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < mmlab_nr_regions(); i++)
		n += READ_ONCE(s->node[i].nr_slabs);
	return n;
}

/* --- Layout ---------------------------------------------------------------------- */

static void layout_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	void *p[8];
	int i;

	s = make_cache(test, "kunit-layout", 40, 64, 0, NULL);
	KUNIT_EXPECT_EQ(test, s->size, 64U);
	KUNIT_EXPECT_EQ(test, s->objects, (unsigned int)((PAGE_SIZE << s->order) / 64));
	KUNIT_EXPECT_LT(test, s->offset, 40U);
	KUNIT_EXPECT_EQ(test, s->offset % sizeof(void *), 0UL);
	for (i = 0; i < 8; i++) {
		p[i] = mmlab_kmem_cache_alloc(s, GFP);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, (unsigned long)p[i] % 64, 0UL);
		KUNIT_EXPECT_PTR_EQ(test, mmlab_virt_to_slab(p[i])->cache, s);
		KUNIT_EXPECT_EQ(test, mmlab_page_owner(mmlab_virt_to_page(p[i])),
				MMLAB_OWNER_SLAB);
		memset(p[i], 0xa5, 40);
	}
	for (i = 0; i < 8; i++)
		mmlab_kmem_cache_free(s, p[i]);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_destroy(s);

	/*
	 * Debug layout, as calculate_sizes(): red zone after the object up to
	 * inuse, the free pointer at inuse, the tracks after it.
	 */
	s = make_cache(test, "kunit-layout-dbg", 24, 0,
		       MMLAB_SLAB_RED_ZONE | MMLAB_SLAB_POISON |
		       MMLAB_SLAB_STORE_USER, NULL);
	KUNIT_EXPECT_EQ(test, s->inuse, 32U);
	KUNIT_EXPECT_EQ(test, s->offset, 32U);
	KUNIT_EXPECT_EQ(test, mmlab_info_end(s), 40U);
	KUNIT_EXPECT_EQ(test, s->size,
			(unsigned int)ALIGN(40 + 2 * sizeof(struct mmlab_track),
					    sizeof(void *)));
	mmlab_kmem_cache_destroy(s);
}

static void order_test(struct kunit *test)
{
	unsigned int objs;

	KUNIT_EXPECT_EQ(test, mmlab_calculate_order(64, &objs), 0U);
	KUNIT_EXPECT_EQ(test, objs, (unsigned int)(PAGE_SIZE / 64));
	KUNIT_EXPECT_EQ(test, mmlab_calculate_order(8192, &objs), 3U);
	KUNIT_EXPECT_EQ(test, objs, 4U);
	mmlab_calculate_order(96, &objs);
	KUNIT_EXPECT_GE(test, objs, 1U);
}

static void bad_args_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;

	KUNIT_EXPECT_TRUE(test, IS_ERR(mmlab_kmem_cache_create("bad name", 8, 0, 0, NULL)));
	KUNIT_EXPECT_TRUE(test, IS_ERR(mmlab_kmem_cache_create("kunit-x", 0, 0, 0, NULL)));
	KUNIT_EXPECT_TRUE(test, IS_ERR(mmlab_kmem_cache_create("kunit-x", 8, 3, 0, NULL)));
	KUNIT_EXPECT_TRUE(test, IS_ERR(mmlab_kmem_cache_create("kmalloc-128", 8, 0, 0, NULL)));
	s = make_cache(test, "kunit-dup", 8, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mmlab_kmem_cache_create("kunit-dup", 8, 0, 0, NULL)),
			-EEXIST);
	mmlab_kmem_cache_destroy(s);
}

static void parse_debug_test(struct kunit *test)
{
	unsigned long f;

	KUNIT_EXPECT_EQ(test, mmlab_slub_parse_debug("FZPU", "a", &f), 0);
	KUNIT_EXPECT_EQ(test, f, (unsigned long)MMLAB_SLAB_DEBUG_FLAGS);
	KUNIT_EXPECT_EQ(test, mmlab_slub_parse_debug("Z,a,b;P,c", "b", &f), 0);
	KUNIT_EXPECT_EQ(test, f, (unsigned long)MMLAB_SLAB_RED_ZONE);
	KUNIT_EXPECT_EQ(test, mmlab_slub_parse_debug("Z,a,b;P,c", "c", &f), 0);
	KUNIT_EXPECT_EQ(test, f, (unsigned long)MMLAB_SLAB_POISON);
	KUNIT_EXPECT_EQ(test, mmlab_slub_parse_debug("Z,a", "d", &f), 0);
	KUNIT_EXPECT_EQ(test, f, 0UL);
	KUNIT_EXPECT_EQ(test, mmlab_slub_parse_debug("X", NULL, &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_slub_parse_debug("Z,", NULL, &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlab_slub_parse_debug(NULL, "a", &f), 0);
}

/* --- Ctor, hardened pointers ------------------------------------------------------- */

static atomic_t ctor_calls;

static void ctor_fn(void *obj)
{
	memset(obj, 0x5a, 32);
	atomic_inc(&ctor_calls);
}

static void ctor_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	u8 *p;
	int i;

	atomic_set(&ctor_calls, 0);
	s = make_cache(test, "kunit-ctor", 32, 0, 0, ctor_fn);
	KUNIT_EXPECT_GE(test, s->offset, 32U);	/* object kept intact */
	p = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), (int)s->objects);
	for (i = 0; i < 32; i++)
		KUNIT_EXPECT_EQ(test, p[i], 0x5a);
	mmlab_kmem_cache_free(s, p);
	p = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_EXPECT_EQ(test, p[31], 0x5a);
	mmlab_kmem_cache_free(s, p);
	mmlab_kmem_cache_destroy(s);
}

static void freeptr_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	void *a, *b;
	unsigned long raw;

	s = make_cache(test, "kunit-fp", 64, 0, 0, NULL);
	migrate_disable();
	a = mmlab_kmem_cache_alloc(s, GFP);
	b = mmlab_kmem_cache_alloc(s, GFP);
	mmlab_kmem_cache_free(s, a);
	mmlab_kmem_cache_free(s, b);	/* b's free pointer -> a */
	raw = *(unsigned long *)(b + s->offset);
	KUNIT_EXPECT_NE(test, raw, (unsigned long)a);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_get_freepointer(s, b), a);
	mmlab_set_freepointer(s, b, a);
	KUNIT_EXPECT_EQ(test, *(unsigned long *)(b + s->offset), raw);
	migrate_enable();
	mmlab_kmem_cache_destroy(s);
}

/* --- Paths and counters ------------------------------------------------------------ */

static void fastpath_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	void *a, *b;

	s = make_cache(test, "kunit-fast", 128, 0, 0, NULL);
	migrate_disable();
	a = mmlab_kmem_cache_alloc(s, GFP);
	b = mmlab_kmem_cache_alloc(s, GFP);
	mmlab_kmem_cache_free(s, b);
	mmlab_kmem_cache_free(s, a);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_SLOWPATH), 1UL);
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_SLAB), 1UL);
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_FASTPATH), 1UL);
	KUNIT_EXPECT_EQ(test, st(s, FREE_FASTPATH), 2UL);
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_TOTAL), 2UL);
	KUNIT_EXPECT_EQ(test, st(s, FREE_TOTAL), 2UL);
	KUNIT_EXPECT_EQ(test, nr_slabs(s), 1UL);
	mmlab_kmem_cache_destroy(s);
}

/*
 * Fill three slabs, free one object of the first: it goes to the CPU
 * partial list; empty the active slab and the next allocation takes it
 * from there. With cpu_partial 0 it goes to the node partial list, from
 * which a flushed CPU then allocates.
 */
static void partial_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	unsigned int n, i;
	void **p;

	s = make_cache(test, "kunit-partial", 256, 0, 0, NULL);
	n = s->objects;
	p = kunit_kcalloc(test, 3 * n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);

	migrate_disable();
	for (i = 0; i < 3 * n; i++)
		p[i] = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_SLAB), 3UL);
	KUNIT_EXPECT_EQ(test, st(s, DEACTIVATE_FULL), 2UL);
	mmlab_kmem_cache_free(s, p[0]);		/* first slab: full -> CPU partial */
	KUNIT_EXPECT_EQ(test, st(s, FREE_SLOWPATH), 1UL);
	KUNIT_EXPECT_EQ(test, st(s, CPU_PARTIAL_FREE), 1UL);
	p[0] = mmlab_kmem_cache_alloc(s, GFP);	/* active slab full */
	KUNIT_EXPECT_EQ(test, st(s, CPU_PARTIAL_ALLOC), 1UL);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_virt_to_slab(p[0]),
			    mmlab_virt_to_slab(p[1]));
	migrate_enable();

	/* Node partial: no CPU partial list. */
	s->cpu_partial_slabs = 0;
	mmlab_kmem_cache_free(s, p[n]);		/* second slab: full -> node */
	KUNIT_EXPECT_EQ(test, st(s, FREE_ADD_PARTIAL), 1UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(s->node[mmlab_virt_to_slab(p[n])->nid].nr_partial), 1UL);
	mmlab_flush_all(s);
	p[n] = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_EXPECT_GE(test, st(s, ALLOC_FROM_PARTIAL), 1UL);

	/* Empty slabs beyond min_partial go back at once. */
	s->min_partial = 0;
	mmlab_flush_all(s);
	for (i = 0; i < 3 * n; i++)
		mmlab_kmem_cache_free(s, p[i]);
	KUNIT_EXPECT_GE(test, st(s, FREE_REMOVE_PARTIAL), 1UL);
	KUNIT_EXPECT_GE(test, st(s, FREE_SLAB), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, nr_slabs(s), 0UL);
	mmlab_kmem_cache_destroy(s);
}

static void shrink_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	unsigned long before, freed;
	unsigned int n, i;
	void **p;

	s = make_cache(test, "kunit-shrink", 512, 0, 0, NULL);
	n = 8 * s->objects;
	p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	mmlab_drain_all_pages(0);
	before = mmlab_zone_free_pages(0);
	for (i = 0; i < n; i++) {
		p[i] = mmlab_kmem_cache_alloc_node(s, GFP, 0);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_EXPECT_GE(test, nr_slabs(s), 8UL);
	for (i = 0; i < n; i++)
		mmlab_kmem_cache_free(s, p[i]);
	freed = mmlab_kmem_cache_shrink(s);
	KUNIT_EXPECT_GT(test, freed, 0UL);
	KUNIT_EXPECT_EQ(test, nr_slabs(s), 0UL);
	mmlab_drain_all_pages(0);
	KUNIT_EXPECT_EQ(test, mmlab_zone_free_pages(0), before);
	mmlab_kmem_cache_destroy(s);
}

static int cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(unsigned long *)a, y = *(unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * A bulk allocation spans several slabs (the CPU freelist runs dry and is
 * refilled on the way) and hands out distinct objects; a bulk free of them
 * in a mixed order, with a NULL and an object of another cache among them,
 * frees every object of the cache (a slab's objects chained together),
 * skips the NULL and reports the stranger once.
 */
static void bulk_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s, *other;
	void **p, **sorted, *stranger;
	int i;

	p = kunit_kcalloc(test, 102, sizeof(*p), GFP_KERNEL);
	sorted = kunit_kcalloc(test, 100, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, sorted);
	s = make_cache(test, "kunit-bulk", 48, 0, 0, NULL);
	other = make_cache(test, "kunit-bulk-other", 48, 0, 0, NULL);
	KUNIT_ASSERT_EQ(test, mmlab_kmem_cache_alloc_bulk(s, GFP, 100, p), 100);
	KUNIT_EXPECT_GT(test, nr_slabs(s), 1UL);
	memcpy(sorted, p, 100 * sizeof(*p));
	sort(sorted, 100, sizeof(*sorted), cmp_ptr, NULL);
	for (i = 1; i < 100; i++)
		KUNIT_EXPECT_PTR_NE(test, sorted[i], sorted[i - 1]);
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_TOTAL), 100UL);
	for (i = 0; i < 100; i += 2)	/* interleave the slabs' objects */
		swap(p[i], p[99 - i]);
	stranger = mmlab_kmem_cache_alloc(other, GFP);
	KUNIT_ASSERT_NOT_NULL(test, stranger);
	p[100] = NULL;
	p[101] = stranger;
	swap(p[101], p[50]);
	mmlab_kmem_cache_free_bulk(s, 102, p);
	KUNIT_EXPECT_EQ(test, st(s, FREE_TOTAL), 100UL);
	KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_free(other, stranger);
	mmlab_kmem_cache_destroy(other);
	mmlab_kmem_cache_destroy(s);
}

/* --- Debug detections ---------------------------------------------------------------- */

static void double_free_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	void *a, *b;

	/* Red zone: the inactive pattern tells a freed object. */
	s = make_cache(test, "kunit-df-z", 64, 0, MMLAB_SLAB_RED_ZONE, NULL);
	a = mmlab_kmem_cache_alloc(s, GFP);
	b = mmlab_kmem_cache_alloc(s, GFP);
	mmlab_kmem_cache_free(s, a);
	mmlab_kmem_cache_free(s, b);
	mmlab_kmem_cache_free(s, a);
	KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 1UL);
	KUNIT_EXPECT_EQ(test, st(s, FREE_TOTAL), 2UL);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	a = mmlab_kmem_cache_alloc(s, GFP);	/* still usable */
	b = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	mmlab_kmem_cache_free(s, a);
	mmlab_kmem_cache_free(s, b);
	mmlab_kmem_cache_destroy(s);

	/* Sanity checks: the object is found on the freelist. */
	s = make_cache(test, "kunit-df-f", 64, 0,
		       MMLAB_SLAB_CONSISTENCY_CHECKS, NULL);
	a = mmlab_kmem_cache_alloc(s, GFP);
	mmlab_kmem_cache_free(s, a);
	mmlab_kmem_cache_free(s, a);
	KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_destroy(s);

	/* No debug: the naive check of the freelist head. */
	s = make_cache(test, "kunit-df-none", 64, 0, 0, NULL);
	migrate_disable();
	a = mmlab_kmem_cache_alloc(s, GFP);
	mmlab_kmem_cache_free(s, a);
	mmlab_kmem_cache_free(s, a);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_destroy(s);
}

static void wrong_cache_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s1, *s2;
	void *a;

	s1 = make_cache(test, "kunit-wc1", 64, 0, 0, NULL);
	s2 = make_cache(test, "kunit-wc2", 64, 0, 0, NULL);
	a = mmlab_kmem_cache_alloc(s1, GFP);
	mmlab_kmem_cache_free(s2, a);
	KUNIT_EXPECT_EQ(test, st(s2, DEBUG_ERRORS), 1UL);
	KUNIT_EXPECT_EQ(test, st(s2, FREE_TOTAL), 0UL);
	mmlab_kmem_cache_free(s1, a + 8);	/* not an object start */
	KUNIT_EXPECT_EQ(test, st(s1, DEBUG_ERRORS), 1UL);
	mmlab_kmem_cache_free(s1, a);
	KUNIT_EXPECT_EQ(test, st(s1, FREE_TOTAL), 1UL);
	mmlab_kmem_cache_destroy(s1);
	mmlab_kmem_cache_destroy(s2);
}

static void redzone_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	u8 *a;

	s = make_cache(test, "kunit-rz", 60, 0, MMLAB_SLAB_RED_ZONE, NULL);
	a = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_ASSERT_NOT_NULL(test, a);
	a[60] = 0;				/* one byte past the object */
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), -EINVAL);
	KUNIT_EXPECT_EQ(test, a[60], SLUB_RED_ACTIVE);	/* restored */
	a[61] = 0;
	mmlab_kmem_cache_free(s, a);
	KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 1UL);
	KUNIT_EXPECT_EQ(test, st(s, FREE_TOTAL), 1UL);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_destroy(s);
}

/*
 * Objects smaller than a pointer in a red-zoned cache: the free pointer
 * goes after the red zone (calculate_sizes()), so freeing an object leaves
 * its red zone intact and the next allocation finds nothing wrong.
 */
static void small_redzone_test(struct kunit *test)
{
	static const unsigned long flags[] = {
		MMLAB_SLAB_RED_ZONE,
		MMLAB_SLAB_RED_ZONE | MMLAB_SLAB_CONSISTENCY_CHECKS,
	};
	struct mmlab_kmem_cache *s;
	unsigned int size, f;
	char name[32];
	u8 *a, *b;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		for (size = 1; size < sizeof(void *); size++) {
			snprintf(name, sizeof(name), "kunit-rz%u-%u", size, f);
			s = make_cache(test, name, size, 0, flags[f], NULL);
			KUNIT_EXPECT_GE_MSG(test, s->offset, s->inuse,
					    "size %u", size);
			KUNIT_EXPECT_EQ(test, s->inuse, (unsigned int)sizeof(void *));
			a = mmlab_kmem_cache_alloc(s, GFP);
			b = mmlab_kmem_cache_alloc(s, GFP);
			KUNIT_ASSERT_TRUE(test, a && b);
			memset(a, 0x11, size);
			memset(b, 0x22, size);
			mmlab_kmem_cache_free(s, a);
			mmlab_kmem_cache_free(s, b);
			KUNIT_EXPECT_EQ_MSG(test, mmlab_kmem_cache_validate(s), 0,
					    "size %u", size);
			a = mmlab_kmem_cache_alloc(s, GFP);
			KUNIT_ASSERT_NOT_NULL(test, a);
			KUNIT_EXPECT_EQ_MSG(test, st(s, DEBUG_ERRORS), 0UL,
					    "size %u", size);
			KUNIT_EXPECT_EQ(test, a[size], SLUB_RED_ACTIVE);
			a[size] = 0;		/* one byte past: still caught */
			mmlab_kmem_cache_free(s, a);
			KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 1UL);
			mmlab_kmem_cache_destroy(s);
		}
	}
}

static void poison_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	u8 *a, *b;

	s = make_cache(test, "kunit-poison", 64, 0, MMLAB_SLAB_POISON, NULL);
	a = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_ASSERT_NOT_NULL(test, a);
	mmlab_kmem_cache_free(s, a);
	KUNIT_EXPECT_EQ(test, a[0], POISON_FREE);
	KUNIT_EXPECT_EQ(test, a[63], POISON_END);
	a[10] = 0x42;				/* write after free */
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), -EINVAL);
	KUNIT_EXPECT_EQ(test, a[10], POISON_FREE);	/* restored */
	a[20] = 0x42;				/* again; caught at allocation */
	b = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 1UL);
	mmlab_kmem_cache_free(s, b);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	mmlab_kmem_cache_destroy(s);
}

static void store_user_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	struct mmlab_track *t;
	void *a;

	s = make_cache(test, "kunit-user", 32, 0, MMLAB_SLAB_STORE_USER, NULL);
	a = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_ASSERT_NOT_NULL(test, a);
	t = mmlab_get_track(s, a, TRACK_ALLOC);
	KUNIT_EXPECT_NE(test, t->addr, 0UL);
	KUNIT_EXPECT_NE(test, (unsigned long)t->handle, 0UL);
	KUNIT_EXPECT_EQ(test, t->pid, current->pid);
	mmlab_kmem_cache_free(s, a);
	t = mmlab_get_track(s, a, TRACK_FREE);
	KUNIT_EXPECT_NE(test, t->addr, 0UL);
	mmlab_kmem_cache_destroy(s);
}

/* --- Destroy, nodes, counters, hotplug --------------------------------------------- */

/*
 * A destroy with an object left is refused as kmem_cache_destroy() does
 * when shutdown fails: the cache stays listed, with its debugfs directory,
 * and usable; once the object is freed a destroy succeeds.
 */
static void destroy_busy_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	void *a, *b;

	s = make_cache(test, "kunit-busy", 96, 0, 0, NULL);
	a = mmlab_kmem_cache_alloc(s, GFP);
	KUNIT_ASSERT_NOT_NULL(test, a);
	mmlab_kmem_cache_destroy(s);		/* refused: one object left */
	KUNIT_ASSERT_TRUE(test, mmlab_cache_listed(s));
	KUNIT_EXPECT_NOT_NULL(test, s->debugfs);
	b = mmlab_kmem_cache_alloc(s, GFP);	/* still usable */
	KUNIT_EXPECT_NOT_NULL(test, b);
	mmlab_kmem_cache_free(s, b);
	mmlab_kmem_cache_free(s, a);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	KUNIT_EXPECT_EQ(test, st(s, FREE_TOTAL), 2UL);
	mmlab_kmem_cache_destroy(s);
	KUNIT_EXPECT_FALSE(test, mmlab_cache_listed(s));
}

struct filler {
	struct mmlab_page **pages;
	unsigned long nr;
};

/* Take every page region @nid gives without reclaim. */
static void fill_region(struct kunit *test, struct filler *f, int nid)
{
	unsigned long max = mmlab_zone(nid)->managed_pages;
	struct mmlab_page *page;

	f->nr = 0;
	f->pages = kvcalloc(max, sizeof(*f->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->pages);
	while (f->nr < max) {
		page = mmlab_alloc_pages_node(nid, __MMLAB_GFP_THISNODE |
						   __MMLAB_GFP_NOWARN, 0);
		if (!page)
			break;
		f->pages[f->nr++] = page;
	}
}

static void unfill_region(struct filler *f)
{
	while (f->nr)
		mmlab_free_pages(f->pages[--f->nr], 0);
	kvfree(f->pages);
}

/*
 * A node-specific allocation from a debug cache when that region is full:
 * the buddy falls back to another region and the object comes from that
 * new slab (a node is a preference, as in SLUB), with one slab allocated;
 * it used to loop, allocating slabs it never used. fail_slab bounds the
 * loop: after a few slabs every one fails.
 */
static void debug_node_fallback_test(struct kunit *test)
{
	struct mmlab_fail_config bound = {
		.probability = 100, .interval = 1, .times = -1,
	};
	struct mmlab_kmem_cache *s;
	struct mmlab_slab *slab;
	struct filler f;
	void *obj;

	if (mmlab_nr_regions() < 2)
		kunit_skip(test, "one region (slub_nodes.sh runs this with two)");
	s = make_cache(test, "kunit-dbg-node", 64, 0,
		       MMLAB_SLAB_CONSISTENCY_CHECKS | MMLAB_SLAB_RED_ZONE, NULL);
	fill_region(test, &f, 0);
	bound.space = s->object_size + 3 * (PAGE_SIZE << s->order);
	KUNIT_ASSERT_EQ(test, mmlab_fail_configure("fail_slab", &bound), 0);
	obj = mmlab_kmem_cache_alloc_node(s, GFP, 0);
	mmlab_fail_configure("fail_slab", NULL);
	unfill_region(&f);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab = mmlab_virt_to_slab(obj);
	KUNIT_EXPECT_NE(test, slab->nid, 0);
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_SLAB), 1UL);
	KUNIT_EXPECT_EQ(test, nr_slabs(s), 1UL);
	KUNIT_EXPECT_EQ(test, st(s, DEBUG_ERRORS), 0UL);
	mmlab_kmem_cache_free(s, obj);
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	/* With room again, region 0 serves it. */
	obj = mmlab_kmem_cache_alloc_node(s, GFP, 0);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, mmlab_virt_to_slab(obj)->nid, 0);
	mmlab_kmem_cache_free(s, obj);
	mmlab_kmem_cache_destroy(s);
}

static unsigned long slab_pages(struct mmlab_kmem_cache *s)
{
	return nr_slabs(s) << s->order;
}

/*
 * nr_slab_reclaimable and nr_slab_unreclaimable follow every slab given
 * and taken back, exactly, each for its kind of cache (account_slab()).
 */
static void slab_vmstat_test(struct kunit *test)
{
	static const struct {
		unsigned long flags;
		enum mmlab_vm_item item, other;
	} kinds[] = {
		{ 0, MMLAB_NR_SLAB_UNRECLAIMABLE, MMLAB_NR_SLAB_RECLAIMABLE },
		{ MMLAB_SLAB_RECLAIM_ACCOUNT, MMLAB_NR_SLAB_RECLAIMABLE,
		  MMLAB_NR_SLAB_UNRECLAIMABLE },
		{ MMLAB_SLAB_RECLAIM_ACCOUNT | MMLAB_SLAB_POISON,
		  MMLAB_NR_SLAB_RECLAIMABLE, MMLAB_NR_SLAB_UNRECLAIMABLE },
	};
	struct mmlab_kmem_cache *s;
	long before, other;
	unsigned int k, i, n;
	char name[32];
	void **p;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		snprintf(name, sizeof(name), "kunit-vmstat%u", k);
		s = make_cache(test, name, 1024, 0, kinds[k].flags, NULL);
		n = 5 * s->objects;
		p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		before = mmlab_vm_state(kinds[k].item);
		other = mmlab_vm_state(kinds[k].other);
		for (i = 0; i < n; i++) {
			p[i] = mmlab_kmem_cache_alloc(s, GFP);
			KUNIT_ASSERT_NOT_NULL(test, p[i]);
			KUNIT_EXPECT_EQ(test, mmlab_vm_state(kinds[k].item) - before,
					(long)slab_pages(s));
		}
		KUNIT_EXPECT_GE(test, nr_slabs(s), 5UL);
		KUNIT_EXPECT_EQ(test, mmlab_vm_state(kinds[k].other), other);
		for (i = 0; i < n; i++)
			mmlab_kmem_cache_free(s, p[i]);
		mmlab_kmem_cache_shrink(s);
		KUNIT_EXPECT_EQ(test, nr_slabs(s), 0UL);
		KUNIT_EXPECT_EQ(test, mmlab_vm_state(kinds[k].item), before);
		KUNIT_EXPECT_EQ(test, mmlab_vm_state(kinds[k].other), other);
		mmlab_kmem_cache_destroy(s);
	}
}

struct cpu_alloc {
	struct mmlab_kmem_cache *s;
	void **p;
	unsigned int n;
	struct completion done;
};

/*
 * Fill a few slabs, then free the first object of each full one: those
 * slabs go to this CPU's partial list, the last stays its CPU slab.
 */
static int alloc_on_cpu_fn(void *data)
{
	struct cpu_alloc *ca = data;
	unsigned int i;

	for (i = 0; i < ca->n; i++)
		ca->p[i] = mmlab_kmem_cache_alloc(ca->s, GFP);
	for (i = 0; i + ca->s->objects < ca->n; i += ca->s->objects) {
		mmlab_kmem_cache_free(ca->s, ca->p[i]);
		ca->p[i] = NULL;
	}
	complete(&ca->done);
	return 0;
}

/*
 * A CPU that dies with a CPU slab and CPU partial slabs gives them back
 * (the CPUHP teardown, as slub_cpu_dead()): its objects freed while it is
 * offline, the cache is destroyed and every page is back in the buddy.
 */
static void cpu_dead_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	unsigned long before;
	struct task_struct *t;
	struct cpu_alloc ca;
	unsigned int i;
	int err;

	if (num_online_cpus() < 2 || !cpu_online(1))
		kunit_skip(test, "cpu1 is not online");
	s = make_cache(test, "kunit-cpudead", 256, 0, 0, NULL);
	s->min_partial = 0;	/* every empty slab goes back at once */
	ca.s = s;
	ca.n = 3 * s->objects + 1;
	ca.p = kunit_kcalloc(test, ca.n, sizeof(*ca.p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ca.p);
	init_completion(&ca.done);
	mmlab_drain_all_pages(0);
	before = mmlab_zone_free_pages(0);
	t = kthread_create(alloc_on_cpu_fn, &ca, "mmlab_slub_kunit/cpu1");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, 1);
	wake_up_process(t);
	wait_for_completion(&ca.done);
	KUNIT_ASSERT_NOT_NULL(test, ca.p[ca.n - 1]);
	KUNIT_EXPECT_EQ(test, st(s, CPU_PARTIAL_FREE), 3UL);

	err = remove_cpu(1);
	if (err)
		kunit_skip(test, "cpu1 cannot go offline: %d", err);
	for (i = 0; i < ca.n; i++)
		mmlab_kmem_cache_free(s, ca.p[i]);
	mmlab_kmem_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, nr_slabs(s), 0UL);
	mmlab_kmem_cache_destroy(s);
	KUNIT_EXPECT_FALSE(test, mmlab_cache_listed(s));
	mmlab_drain_all_pages(0);
	KUNIT_EXPECT_EQ(test, mmlab_zone_free_pages(0), before);
	KUNIT_EXPECT_EQ(test, add_cpu(1), 0);
	if (mmlab_cache_listed(s))	/* old leak: gone once cpu1 is back */
		mmlab_kmem_cache_destroy(s);
}

/*
 * Two threads free one object at the same moment, many times: one free
 * must win and the other be reported as a bad free; never a crash, a
 * freed slab structure read, or the object freed twice. The cache gives
 * each empty slab back at once, so the loser often races with the release
 * of the slab itself. Rounds are kept in step by two counters.
 */
#define RACE_ROUNDS	2000

struct free_race {
	struct mmlab_kmem_cache *s;
	void *obj;
	atomic_t go, done;
	struct completion exited;
	bool kfree;		/* mmlab_kfree(), else mmlab_kmem_cache_free() */
};

static void race_wait(atomic_t *ctr, int target)
{
	while (atomic_read_acquire(ctr) < target) {
		cpu_relax();
		cond_resched();		/* both threads may share one CPU */
	}
}

static void race_free(struct free_race *fr)
{
	void *obj = READ_ONCE(fr->obj);

	if (fr->kfree)
		mmlab_kfree(obj);
	else
		mmlab_kmem_cache_free(fr->s, obj);
}

static int free_racer_fn(void *data)
{
	struct free_race *fr = data;
	int r;

	for (r = 1; r <= RACE_ROUNDS; r++) {
		race_wait(&fr->go, r);
		race_free(fr);
		atomic_inc_return(&fr->done);
		race_wait(&fr->done, 2 * r);
	}
	complete(&fr->exited);
	return 0;
}

static void run_free_race(struct kunit *test, struct free_race *fr)
{
	struct task_struct *t;
	int r;

	atomic_set(&fr->go, 0);
	atomic_set(&fr->done, 0);
	init_completion(&fr->exited);
	t = kthread_create(free_racer_fn, fr, "mmlab_slub_kunit/race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	if (num_online_cpus() > 1)
		kthread_bind(t, cpumask_last(cpu_online_mask));
	wake_up_process(t);
	for (r = 1; r <= RACE_ROUNDS; r++) {
		WRITE_ONCE(fr->obj, mmlab_kmem_cache_alloc(fr->s, GFP));
		KUNIT_ASSERT_NOT_NULL(test, fr->obj);
		atomic_inc_return(&fr->go);
		race_free(fr);
		atomic_inc_return(&fr->done);
		race_wait(&fr->done, 2 * r);
		if (!(r % 64))
			cond_resched();
	}
	wait_for_completion(&fr->exited);
}

static void free_race_test(struct kunit *test)
{
	static const unsigned long flags[] = {
		MMLAB_SLAB_CONSISTENCY_CHECKS, MMLAB_SLAB_RED_ZONE,
		MMLAB_SLAB_POISON,
	};
	struct free_race *fr;
	unsigned long before;
	unsigned int i;
	char name[32];

	fr = kunit_kzalloc(test, sizeof(*fr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fr);
	mmlab_drain_all_pages(0);
	before = mmlab_zone_free_pages(0);
	for (i = 0; i < 2 * ARRAY_SIZE(flags); i++) {
		snprintf(name, sizeof(name), "kunit-race%u", i);
		fr->s = make_cache(test, name, 2048, 0, flags[i / 2], NULL);
		fr->s->min_partial = 0;
		fr->kfree = i % 2;
		run_free_race(test, fr);
		KUNIT_EXPECT_EQ_MSG(test, st(fr->s, ALLOC_TOTAL),
				    (unsigned long)RACE_ROUNDS, "%s", name);
		KUNIT_EXPECT_EQ_MSG(test, st(fr->s, FREE_TOTAL),
				    (unsigned long)RACE_ROUNDS, "%s", name);
		KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(fr->s), 0);
		mmlab_kmem_cache_shrink(fr->s);
		KUNIT_EXPECT_EQ(test, nr_slabs(fr->s), 0UL);
		mmlab_kmem_cache_destroy(fr->s);
	}
	mmlab_drain_all_pages(0);
	KUNIT_EXPECT_EQ(test, mmlab_zone_free_pages(0), before);
}

/*
 * A slab lookup interrupted by the release of its slab, as a double kfree
 * racing with the free that empties the slab: each round allocates the one
 * object of a slab (a debug cache with min_partial 0, so that freeing it
 * gives the slab back to the buddy at once) and arms a timer on this CPU
 * that frees it, while the test looks the object's slab up, as kfree and
 * ksize do, until the timer has run. The interrupt lands anywhere in the
 * lookup, now and then between its reading that the page is a slab and its
 * reading the slab pointer. Every lookup must find the cache's slab or
 * none; never what the buddy's free list links, which share the word with
 * the slab pointer, make of a slab.
 */
#define LOOKUP_ROUNDS	1000

struct lookup_race {
	struct hrtimer timer;
	struct mmlab_kmem_cache *s;
	void *obj;
	bool freed;
};

static enum hrtimer_restart lookup_race_free(struct hrtimer *timer)
{
	struct lookup_race *lr = container_of(timer, struct lookup_race, timer);

	mmlab_kmem_cache_free(lr->s, lr->obj);
	WRITE_ONCE(lr->freed, true);
	return HRTIMER_NORESTART;
}

/*
 * Look the object's slab up until the timer freed it; count the answers.
 * One read-side section for the lot keeps the loop tight, so that the
 * interrupt lands in the lookup itself more often.
 */
static void lookup_until_freed(struct lookup_race *lr, unsigned long *in_slab,
			       unsigned long *not_slab, unsigned long *wrong)
{
	struct mmlab_slab *slab;

	rcu_read_lock();
	while (!READ_ONCE(lr->freed)) {
		slab = mmlab_virt_to_slab(lr->obj);
		if (!slab)
			(*not_slab)++;
		else if (READ_ONCE(slab->cache) == lr->s)
			(*in_slab)++;
		else
			(*wrong)++;
	}
	rcu_read_unlock();
}

static void lookup_release_race_test(struct kunit *test)
{
	unsigned long in_slab = 0, not_slab = 0, wrong = 0;
	struct lookup_race *lr;
	int r;

	lr = kunit_kzalloc(test, sizeof(*lr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lr);
	lr->s = make_cache(test, "kunit-lookup", 2048, 0,
			   MMLAB_SLAB_CONSISTENCY_CHECKS, NULL);
	lr->s->min_partial = 0;
	hrtimer_init(&lr->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	lr->timer.function = lookup_race_free;
	for (r = 0; r < LOOKUP_ROUNDS; r++) {
		lr->obj = mmlab_kmem_cache_alloc(lr->s, GFP);
		KUNIT_ASSERT_NOT_NULL(test, lr->obj);
		WRITE_ONCE(lr->freed, false);
		migrate_disable();	/* the timer fires on this CPU */
		hrtimer_start(&lr->timer,
			      ns_to_ktime(get_random_u32() % (20 * NSEC_PER_USEC)),
			      HRTIMER_MODE_REL_PINNED);
		lookup_until_freed(lr, &in_slab, &not_slab, &wrong);
		migrate_enable();
		if (!(r % 64))
			cond_resched();
	}
	hrtimer_cancel(&lr->timer);
	kunit_info(test, "lookups: %lu found the slab, %lu none, %lu wrong\n",
		   in_slab, not_slab, wrong);
	KUNIT_EXPECT_EQ(test, wrong, 0UL);
	KUNIT_EXPECT_EQ(test, st(lr->s, FREE_TOTAL), (unsigned long)LOOKUP_ROUNDS);
	KUNIT_EXPECT_EQ(test, nr_slabs(lr->s), 0UL);
	mmlab_kmem_cache_destroy(lr->s);
}

/*
 * A bad free holds a slab's cache under rcu_read_lock() from its lookup on
 * (kfree() reads slab->cache and frees into it), while another thread
 * frees the object, so that the slab goes back, and destroys the cache:
 * the destroy must not free the cache before the reader is done. The
 * reader waits for the destroy up to DESTROY_WAIT_MS, then lets go.
 */
#define DESTROY_WAIT_MS	500

struct destroy_race {
	struct mmlab_kmem_cache *s;
	void *obj;
	struct completion looked_up, exited;
	bool destroyed;
};

static int destroy_racer_fn(void *data)
{
	struct destroy_race *dr = data;

	wait_for_completion(&dr->looked_up);
	mmlab_kmem_cache_free(dr->s, dr->obj);
	mmlab_kmem_cache_destroy(dr->s);
	WRITE_ONCE(dr->destroyed, true);
	complete(&dr->exited);
	return 0;
}

/* Bind @t to an online CPU other than this one, when there is one. */
static void bind_elsewhere(struct task_struct *t)
{
	unsigned int cpu;

	migrate_disable();
	cpu = cpumask_any_but(cpu_online_mask, smp_processor_id());
	migrate_enable();
	if (cpu < nr_cpu_ids)
		kthread_bind(t, cpu);
}

static void destroy_under_lookup_test(struct kunit *test)
{
	struct mmlab_kmem_cache *found = NULL;
	struct destroy_race *dr;
	struct mmlab_slab *slab;
	struct task_struct *t;
	bool destroyed_early;
	ktime_t until;

	dr = kunit_kzalloc(test, sizeof(*dr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dr);
	dr->s = make_cache(test, "kunit-destroy-rcu", 256, 0,
			   MMLAB_SLAB_CONSISTENCY_CHECKS, NULL);
	dr->s->min_partial = 0;
	dr->obj = mmlab_kmem_cache_alloc(dr->s, GFP);
	KUNIT_ASSERT_NOT_NULL(test, dr->obj);
	init_completion(&dr->looked_up);
	init_completion(&dr->exited);
	t = kthread_create(destroy_racer_fn, dr, "mmlab_slub_kunit/destroy");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	bind_elsewhere(t);
	wake_up_process(t);

	rcu_read_lock();
	slab = mmlab_virt_to_slab(dr->obj);
	if (slab)
		found = READ_ONCE(slab->cache);
	complete(&dr->looked_up);
	until = ktime_add_ms(ktime_get(), DESTROY_WAIT_MS);
	while (!READ_ONCE(dr->destroyed) && ktime_before(ktime_get(), until))
		cpu_relax();
	destroyed_early = READ_ONCE(dr->destroyed);
	rcu_read_unlock();

	wait_for_completion(&dr->exited);
	KUNIT_EXPECT_PTR_EQ(test, found, dr->s);
	KUNIT_EXPECT_FALSE_MSG(test, destroyed_early,
			       "the cache was freed under a reader of its slab");
}

/* --- kmalloc --------------------------------------------------------------------------- */

static void kmalloc_test(struct kunit *test)
{
	static const size_t sizes[] = {
		1, 8, 9, 33, 65, 96, 97, 129, 193, 500, 1000, 3000, 8192,
	};
	unsigned int i;
	void *p;

	/* The usable size is the class the running kernel would pick. */
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = mmlab_kmalloc(sizes[i], GFP);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ_MSG(test, mmlab_ksize(p),
				    kmalloc_size_roundup(sizes[i]),
				    "size %zu", sizes[i]);
		memset(p, 0x11, sizes[i]);
		mmlab_kfree(p);
	}
	p = mmlab_kmalloc(10000, GFP);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, mmlab_ksize(p), (size_t)(PAGE_SIZE << get_order(10000)));
	KUNIT_EXPECT_EQ(test, mmlab_page_owner(mmlab_virt_to_page(p)),
			MMLAB_OWNER_KERNEL);
	mmlab_kfree(p);
	p = mmlab_kzalloc(200, GFP);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, 200));
	mmlab_kfree(p);
	KUNIT_EXPECT_PTR_EQ(test, mmlab_kmalloc(0, GFP), ZERO_SIZE_PTR);
	mmlab_kfree(NULL);
	mmlab_kfree(ZERO_SIZE_PTR);
}

/*
 * The classes are the running kernel's: every request up to the largest
 * class goes to the class kmalloc_size_roundup() names, and each class
 * mmlab has is one the kernel has (its size rounds up to itself).
 */
static void kmalloc_classes_test(struct kunit *test)
{
	struct mmlab_kmem_cache *s;
	unsigned int i, classes = 0;
	size_t size;

	for (size = 1; size <= MMLAB_KMALLOC_MAX_CACHE_SIZE; size++) {
		s = mmlab_kmalloc_cache(mmlab_kmalloc_index(size));
		KUNIT_ASSERT_NOT_NULL_MSG(test, s, "size %zu", size);
		KUNIT_ASSERT_EQ_MSG(test, (size_t)mmlab_kmem_cache_size(s),
				    kmalloc_size_roundup(size), "size %zu", size);
	}
	for (i = 0; i < MMLAB_KMALLOC_CACHES; i++) {
		s = mmlab_kmalloc_cache(i);
		if (!s)
			continue;
		classes++;
		KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_size(s), mmlab_kmalloc_size(i));
		KUNIT_EXPECT_EQ_MSG(test, kmalloc_size_roundup(mmlab_kmalloc_size(i)),
				    (size_t)mmlab_kmalloc_size(i), "index %u", i);
	}
	KUNIT_EXPECT_GT(test, classes, 0U);
}

/* --- Threads ----------------------------------------------------------------------------- */

struct thread_arg {
	struct mmlab_kmem_cache *s;
	struct completion done;
	int errors;
};

static int stress_fn(void *data)
{
	struct thread_arg *ta = data;
	void *p[64] = { NULL };
	int i, j;

	for (i = 0; i < 3000; i++) {
		j = get_random_u32() % 64;
		if (p[j]) {
			if (*(unsigned long *)p[j] != (unsigned long)p[j])
				ta->errors++;
			mmlab_kfree(p[j]);
			p[j] = NULL;
		} else if (j & 1) {
			p[j] = mmlab_kmalloc(8 + get_random_u32() % 2000, GFP);
		} else {
			p[j] = mmlab_kmem_cache_alloc(ta->s, GFP);
		}
		if (p[j])
			*(unsigned long *)p[j] = (unsigned long)p[j];
		if (!(i % 500))
			cond_resched();
	}
	for (j = 0; j < 64; j++)
		mmlab_kfree(p[j]);
	complete(&ta->done);
	return 0;
}

static void threads_test(struct kunit *test)
{
	struct thread_arg ta[4];
	struct mmlab_kmem_cache *s;
	struct task_struct *t;
	int i;

	s = make_cache(test, "kunit-threads", 72, 0, 0, NULL);
	for (i = 0; i < 4; i++) {
		ta[i].s = s;
		ta[i].errors = 0;
		init_completion(&ta[i].done);
		t = kthread_run(stress_fn, &ta[i], "mmlab_slub_kunit/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < 4; i++) {
		wait_for_completion(&ta[i].done);
		KUNIT_EXPECT_EQ(test, ta[i].errors, 0);
	}
	KUNIT_EXPECT_EQ(test, st(s, ALLOC_TOTAL), st(s, FREE_TOTAL));
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(s), 0);
	for (i = 0; i < MMLAB_KMALLOC_CACHES; i++)
		if (mmlab_kmalloc_cache(i))	/* indexes without a class */
			KUNIT_EXPECT_EQ(test,
					mmlab_kmem_cache_validate(mmlab_kmalloc_cache(i)), 0);
	mmlab_kmem_cache_destroy(s);
}

/*
 * The lockless CPU freelist against an interrupt on the same CPU, as a
 * driver allocating in its handler: another CPU sends this one interrupts
 * (function-call IPIs) without pause, and the handler, every other time,
 * takes two objects and gives the first back, keeping the second: the
 * freelist's head is then the same object as before with another next,
 * the ABA the tid is there to catch (the time between, it frees the one it
 * kept). Meanwhile the test pops and pushes in a loop, and now and then an
 * interrupt lands between a pop's read of the freelist and its swap. No
 * object may be handed out twice: the one the test holds is never the one
 * the handler keeps, and the mark the test wrote in it is intact.
 */
#define IRQ_RACE_TIME		(2 * HZ)
#define IRQ_RACE_MARK		0x1a2b3c4dUL

struct irq_race {
	struct mmlab_kmem_cache *s;
	unsigned int cpu;
	unsigned long *held;
	unsigned long ticks;
	bool stop;
	struct completion exited;
};

static void irq_race_handler(void *data)
{
	struct irq_race *ir = data;
	unsigned long *a, *b;

	if (ir->held) {
		mmlab_kmem_cache_free(ir->s, ir->held);
		WRITE_ONCE(ir->held, NULL);
	} else {
		a = mmlab_kmem_cache_alloc(ir->s, MMLAB_GFP_ATOMIC);
		b = mmlab_kmem_cache_alloc(ir->s, MMLAB_GFP_ATOMIC);
		mmlab_kmem_cache_free(ir->s, a);
		if (b)
			*b = IRQ_RACE_MARK;
		WRITE_ONCE(ir->held, b);
	}
	ir->ticks++;
}

static int irq_race_sender(void *data)
{
	struct irq_race *ir = data;

	while (!READ_ONCE(ir->stop)) {
		smp_call_function_single(ir->cpu, irq_race_handler, ir, 1);
		cond_resched();
	}
	complete(&ir->exited);
	return 0;
}

static void irq_fastpath_race_test(struct kunit *test)
{
	unsigned long i, end, twice = 0, failed = 0, *obj;
	struct task_struct *t;
	struct irq_race *ir;

	if (num_online_cpus() < 2)
		kunit_skip(test, "one CPU online: no other CPU to interrupt this one");
	ir = kunit_kzalloc(test, sizeof(*ir), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ir);
	ir->s = make_cache(test, "kunit-irq-race", 64, 0, 0, NULL);
	init_completion(&ir->exited);
	migrate_disable();	/* the interrupts are sent to this CPU */
	ir->cpu = smp_processor_id();
	t = kthread_create(irq_race_sender, ir, "mmlab_slub_kunit/ipi");
	if (IS_ERR(t)) {
		migrate_enable();
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(t));
		return;
	}
	bind_elsewhere(t);
	wake_up_process(t);
	end = jiffies + IRQ_RACE_TIME;
	for (i = 0; time_before(jiffies, end); i++) {
		obj = mmlab_kmem_cache_alloc(ir->s, MMLAB_GFP_ATOMIC);
		if (!obj) {
			failed++;
			continue;
		}
		WRITE_ONCE(*obj, i);
		if (obj == READ_ONCE(ir->held))
			twice++;
		if (READ_ONCE(*obj) != i)	/* the handler marked it */
			twice++;
		mmlab_kmem_cache_free(ir->s, obj);
		if (!(i % 1024))
			cond_resched();
	}
	WRITE_ONCE(ir->stop, true);
	wait_for_completion(&ir->exited);
	migrate_enable();
	mmlab_kmem_cache_free(ir->s, ir->held);
	kunit_info(test, "%lu rounds, %lu interrupts, %lu objects handed out twice\n",
		   i, ir->ticks, twice);
	KUNIT_EXPECT_GT(test, ir->ticks, 0UL);
	KUNIT_EXPECT_EQ(test, twice, 0UL);
	KUNIT_EXPECT_EQ(test, failed, 0UL);
	KUNIT_EXPECT_EQ(test, st(ir->s, DEBUG_ERRORS), 0UL);
	KUNIT_EXPECT_EQ(test, st(ir->s, ALLOC_TOTAL), st(ir->s, FREE_TOTAL));
	KUNIT_EXPECT_EQ(test, mmlab_kmem_cache_validate(ir->s), 0);
	mmlab_kmem_cache_destroy(ir->s);
}

static struct kunit_case mmlab_slub_cases[] = {
	KUNIT_CASE(layout_test),
	KUNIT_CASE(order_test),
	KUNIT_CASE(bad_args_test),
	KUNIT_CASE(parse_debug_test),
	KUNIT_CASE(ctor_test),
	KUNIT_CASE(freeptr_test),
	KUNIT_CASE(fastpath_test),
	KUNIT_CASE(partial_test),
	KUNIT_CASE(shrink_test),
	KUNIT_CASE(bulk_test),
	KUNIT_CASE(double_free_test),
	KUNIT_CASE(wrong_cache_test),
	KUNIT_CASE(redzone_test),
	KUNIT_CASE(poison_test),
	KUNIT_CASE(store_user_test),
	KUNIT_CASE(small_redzone_test),
	KUNIT_CASE(destroy_busy_test),
	KUNIT_CASE(debug_node_fallback_test),
	KUNIT_CASE(slab_vmstat_test),
	KUNIT_CASE(cpu_dead_test),
	KUNIT_CASE(free_race_test),
	KUNIT_CASE(lookup_release_race_test),
	KUNIT_CASE(destroy_under_lookup_test),
	KUNIT_CASE(kmalloc_test),
	KUNIT_CASE(kmalloc_classes_test),
	KUNIT_CASE(threads_test),
	KUNIT_CASE(irq_fastpath_race_test),
	{}
};

static struct kunit_suite mmlab_slub_suite = {
	.name = "mmlab_slub",
	.test_cases = mmlab_slub_cases,
};

kunit_test_suite(mmlab_slub_suite);

MODULE_DESCRIPTION("KUnit suite mmlab_slub");
MODULE_LICENSE("GPL");
