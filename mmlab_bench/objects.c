// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench objects: mmlab's object caches and kmalloc against the
 * kernel's. One object allocated and freed again and again (the fast
 * path) for 64 B and 1 KiB, on one CPU and on all; batches of 10, 100 and
 * 1000 objects freed in allocation order or shuffled (as the SLUB sheaves
 * benchmark does), and freed on another CPU (the remote free path); the
 * bulk interface from 1 to 250 objects, 30/32/34 included (as Jesper
 * Brouer's slab_bulk_test01); a kmalloc size sweep.
 * Figures are per object.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/prandom.h>
#include <linux/slab.h>

#include "mmlab_slub/mmlab_slub.h"
#include "bench.h"

/**
 * struct obj_caches - the two caches of one object size.
 * @mm: mmlab's.
 * @k: the kernel's.
 */
struct obj_caches {
	struct mmlab_kmem_cache *mm;
	struct kmem_cache *k;
};

static struct obj_caches caches[2];	/* 64 B, 1 KiB */
static const unsigned int cache_sizes[2] = { 64, 1024 };

static void *obj_alloc(const struct bench_row *row, bool kernel)
{
	struct obj_caches *c = &caches[row->arg2];

	if (kernel)
		return kmem_cache_alloc(c->k, GFP_KERNEL | __GFP_NOWARN);
	return mmlab_kmem_cache_alloc(c->mm, bench_p.gfp | __MMLAB_GFP_NOWARN);
}

static void obj_free(const struct bench_row *row, bool kernel, void *obj)
{
	struct obj_caches *c = &caches[row->arg2];

	if (kernel)
		kmem_cache_free(c->k, obj);
	else
		mmlab_kmem_cache_free(c->mm, obj);
}

/* arg2: cache index. One alloc+free per iteration. */
static int obj_reuse(const struct bench_row *row, bool kernel,
		     struct bench_res *res)
{
	unsigned long i;
	void *obj;
	u64 t0;

	t0 = bench_now();
	for (i = 0; i < row->loops; i++) {
		obj = obj_alloc(row, kernel);
		if (unlikely(!obj))
			return -ENOMEM;
		obj_free(row, kernel, obj);
	}
	res->ns = bench_now() - t0;
	res->ops = row->loops;
	res->iters = row->loops;
	return 0;
}

/* The free order: in order, or the same shuffle every run (fixed seed). */
static void make_order(unsigned int *order, unsigned int n, bool shuffled)
{
	struct rnd_state rnd;
	unsigned int i, j;

	for (i = 0; i < n; i++)
		order[i] = i;
	if (!shuffled)
		return;
	prandom_seed_state(&rnd, 7);
	for (i = n - 1; i > 0; i--) {
		j = prandom_u32_state(&rnd) % (i + 1);
		swap(order[i], order[j]);
	}
}

/* arg: batch length, BIT(31) set for shuffled frees; cache 0 (64 B). */
static int obj_batch(const struct bench_row *row, bool kernel,
		     struct bench_res *res)
{
	unsigned long n = row->arg & ~BIT(31), i, it;
	bool shuffled = row->arg & BIT(31);
	unsigned int *order;
	void **objs;
	u64 t0;

	objs = kcalloc(n, sizeof(*objs) + sizeof(*order), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	order = (unsigned int *)(objs + n);
	make_order(order, n, shuffled);
	t0 = bench_now();
	for (it = 0; it < row->loops; it++) {
		for (i = 0; i < n; i++) {
			objs[i] = obj_alloc(row, kernel);
			if (unlikely(!objs[i]))
				break;
		}
		if (unlikely(i < n)) {
			while (i--)
				obj_free(row, kernel, objs[i]);
			kfree(objs);
			return -ENOMEM;
		}
		for (i = 0; i < n; i++)
			obj_free(row, kernel, objs[order[i]]);
	}
	res->ns = bench_now() - t0;
	kfree(objs);
	res->ops = n * row->loops;
	res->iters = row->loops;
	return 0;
}

static const struct bench_remote_ops remote_obj_ops = {
	.alloc = obj_alloc,
	.free = obj_free,
};

/* arg: batch length; arg2: cache index. Objects freed on another CPU. */
static int obj_remote_free(const struct bench_row *row, bool kernel,
			   struct bench_res *res)
{
	return bench_remote_free(row, kernel, &remote_obj_ops, res);
}

/* arg: bulk size; cache 0 (64 B). One bulk alloc + bulk free per iteration. */
static int obj_bulk(const struct bench_row *row, bool kernel,
		    struct bench_res *res)
{
	struct obj_caches *c = &caches[0];
	size_t n = row->arg;
	unsigned long it;
	void **objs;
	int got;
	u64 t0;

	objs = kcalloc(n, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	t0 = bench_now();
	for (it = 0; it < row->loops; it++) {
		if (kernel)
			got = kmem_cache_alloc_bulk(c->k, GFP_KERNEL, n, objs);
		else
			got = mmlab_kmem_cache_alloc_bulk(c->mm, bench_p.gfp,
							  n, objs);
		if (unlikely(got != n)) {
			kfree(objs);
			return -ENOMEM;
		}
		if (kernel)
			kmem_cache_free_bulk(c->k, n, objs);
		else
			mmlab_kmem_cache_free_bulk(c->mm, n, objs);
	}
	res->ns = bench_now() - t0;
	kfree(objs);
	res->ops = n * row->loops;
	res->iters = row->loops;
	return 0;
}

/* arg: size. kmalloc+kfree of one object per iteration. */
static int obj_kmalloc(const struct bench_row *row, bool kernel,
		       struct bench_res *res)
{
	unsigned long i;
	void *obj;
	u64 t0;

	t0 = bench_now();
	for (i = 0; i < row->loops; i++) {
		if (kernel)
			obj = kmalloc(row->arg, GFP_KERNEL | __GFP_NOWARN);
		else
			obj = mmlab_kmalloc(row->arg,
					    bench_p.gfp | __MMLAB_GFP_NOWARN);
		if (unlikely(!obj))
			return -ENOMEM;
		if (kernel)
			kfree(obj);
		else
			mmlab_kfree(obj);
	}
	res->ns = bench_now() - t0;
	res->ops = row->loops;
	res->iters = row->loops;
	return 0;
}

static void destroy_caches(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		if (caches[i].mm)
			mmlab_kmem_cache_destroy(caches[i].mm);
		kmem_cache_destroy(caches[i].k);
		caches[i].mm = NULL;
		caches[i].k = NULL;
	}
}

static int create_caches(void)
{
	char name[MMLAB_CACHE_NAME_LEN];
	int i;

	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		snprintf(name, sizeof(name), "bench_%u", cache_sizes[i]);
		caches[i].mm = mmlab_kmem_cache_create(name, cache_sizes[i],
						       0, 0, NULL);
		caches[i].k = kmem_cache_create(name, cache_sizes[i], 0, 0,
						NULL);
		if (!caches[i].mm || !caches[i].k) {
			destroy_caches();
			return -ENOMEM;
		}
	}
	return 0;
}

static int run_reuse(void)
{
	struct bench_row row = { .fn = obj_reuse, .loops = bench_p.loops };
	int i, ret = 0, err;

	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		row.arg2 = i;
		row.parallel = false;
		snprintf(row.name, sizeof(row.name), "kmem_cache_%u",
			 cache_sizes[i]);
		err = bench_run_row("objects", &row);
		ret = ret ?: err;
		row.parallel = true;
		snprintf(row.name, sizeof(row.name), "kmem_cache_%u_allcpus",
			 cache_sizes[i]);
		err = bench_run_row("objects", &row);
		ret = ret ?: err;
	}
	return ret;
}

static int run_batches(void)
{
	static const unsigned int lens[] = { 10, 100, 1000 };
	struct bench_row row = { .fn = obj_batch };
	int i, shuffled, ret = 0, err;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (shuffled = 0; shuffled < 2; shuffled++) {
			row.arg = lens[i] | (shuffled ? BIT(31) : 0);
			row.loops = bench_clamp_loops(bench_p.loops / lens[i], 1);
			snprintf(row.name, sizeof(row.name), "kmem_batch%u_%s",
				 lens[i], shuffled ? "shuffled" : "inorder");
			err = bench_run_row("objects", &row);
			ret = ret ?: err;
		}
	}
	return ret;
}

static int run_remote_free(void)
{
	struct bench_row row = { .fn = obj_remote_free, .arg = 1000 };
	int i, ret = 0, err;

	row.loops = bench_clamp_loops(bench_p.loops / row.arg, 1);
	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		row.arg2 = i;
		snprintf(row.name, sizeof(row.name), "kmem_cache_%u_remote_free",
			 cache_sizes[i]);
		err = bench_run_row("objects", &row);
		ret = ret ?: err;
	}
	return ret;
}

static int run_bulk(void)
{
	static const unsigned int sizes[] = {
		1, 2, 3, 4, 8, 16, 30, 32, 34, 48, 64, 128, 158, 250
	};
	struct bench_row row = { .fn = obj_bulk };
	int i, ret = 0, err;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		row.arg = sizes[i];
		row.loops = bench_clamp_loops(bench_p.loops / sizes[i], 1);
		snprintf(row.name, sizeof(row.name), "kmem_bulk%u", sizes[i]);
		err = bench_run_row("objects", &row);
		ret = ret ?: err;
	}
	return ret;
}

static int run_kmalloc(void)
{
	struct bench_row row = { .fn = obj_kmalloc };
	unsigned long size;
	int ret = 0, err;

	for (size = 8; size <= 4 * MMLAB_KMALLOC_MAX_CACHE_SIZE; size <<= 1) {
		row.arg = size;
		row.loops = bench_clamp_loops(size > MMLAB_KMALLOC_MAX_CACHE_SIZE ?
					      bench_p.loops / 16 : bench_p.loops, 1);
		snprintf(row.name, sizeof(row.name), "kmalloc_%lu", size);
		err = bench_run_row("objects", &row);
		ret = ret ?: err;
	}
	return ret;
}

/**
 * bench_objects() - the objects group.
 *
 * Return: 0, or the error of a failed row (the others still ran).
 */
int bench_objects(void)
{
	int ret, err;

	ret = create_caches();
	if (ret) {
		bench_out("fail,objects,create_caches,both,0,%d\n", ret);
		return ret;
	}
	ret = run_reuse();
	err = run_batches();
	ret = ret ?: err;
	err = run_remote_free();
	ret = ret ?: err;
	err = run_bulk();
	ret = ret ?: err;
	err = run_kmalloc();
	destroy_caches();
	return ret ?: err;
}
