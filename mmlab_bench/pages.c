// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench pages: mmlab_alloc_pages()/mmlab_free_pages() against
 * alloc_pages()/__free_pages(): order-0 alloc+free (the per-CPU path), on
 * one CPU and on all at once; orders 0 to 10; a batch larger than the
 * per-CPU high mark allocated, then freed, the two timed apart (as
 * mmtests' pagealloc-micro does); the same batch freed on another CPU.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "bench.h"

#define BATCH_MAX	65536

static void *page_alloc(bool kernel, unsigned int order)
{
	if (kernel)
		return alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
	return mmlab_alloc_pages(bench_p.gfp | __MMLAB_GFP_NOWARN, order);
}

static void page_free(bool kernel, void *page, unsigned int order)
{
	if (kernel)
		__free_pages(page, order);
	else
		mmlab_free_pages(page, order);
}

/* arg: order. One alloc+free per iteration. */
static int pages_alloc_free(const struct bench_row *row, bool kernel,
			    struct bench_res *res)
{
	unsigned int order = row->arg;
	unsigned long i;
	u64 t0;
	void *p;

	t0 = bench_now();
	for (i = 0; i < row->loops; i++) {
		p = page_alloc(kernel, order);
		if (unlikely(!p))
			return -ENOMEM;
		page_free(kernel, p, order);
	}
	res->ns = bench_now() - t0;
	res->ops = row->loops;
	res->iters = row->loops;
	return 0;
}

static void free_batch(bool kernel, void **pages, unsigned long n)
{
	while (n--)
		page_free(kernel, pages[n], 0);
}

/*
 * arg: pages in the batch; arg2: 0 reports the allocation, 1 the free.
 * Each iteration allocates the whole batch, then frees it.
 */
static int pages_batch(const struct bench_row *row, bool kernel,
		       struct bench_res *res)
{
	unsigned long n = row->arg, i, it;
	void **pages;
	u64 t0, t1, t2;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (it = 0; it < row->loops; it++) {
		t0 = bench_now();
		for (i = 0; i < n; i++) {
			pages[i] = page_alloc(kernel, 0);
			if (unlikely(!pages[i]))
				break;
		}
		t1 = bench_now();
		free_batch(kernel, pages, i);
		t2 = bench_now();
		if (i < n) {
			kvfree(pages);
			return -ENOMEM;
		}
		res->ns += row->arg2 ? t2 - t1 : t1 - t0;
		cond_resched();
	}
	kvfree(pages);
	res->ops = n * row->loops;
	res->iters = res->ops;
	return 0;
}

static void *remote_page_alloc(const struct bench_row *row, bool kernel)
{
	return page_alloc(kernel, 0);
}

static void remote_page_free(const struct bench_row *row, bool kernel,
			     void *page)
{
	page_free(kernel, page, 0);
}

static const struct bench_remote_ops remote_page_ops = {
	.alloc = remote_page_alloc,
	.free = remote_page_free,
};

/* arg: pages per batch. Order-0 pages freed on another CPU. */
static int pages_remote_free(const struct bench_row *row, bool kernel,
			     struct bench_res *res)
{
	return bench_remote_free(row, kernel, &remote_page_ops, res);
}

/* Four times the largest per-CPU high mark of mmlab's first zone. */
static unsigned long default_batch(void)
{
	struct mmlab_zone *zone = mmlab_zone(0);
	int cpu, high = 0;

	if (!zone)
		return 1024;
	for_each_online_cpu(cpu)
		high = max(high, READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->high));
	return clamp_t(unsigned long, 4UL * high, 1024, BATCH_MAX);
}

static int run_orders(void)
{
	struct bench_row row = { .fn = pages_alloc_free };
	unsigned int order;
	int ret = 0, err;

	for (order = 0; order < MMLAB_MAX_ORDER; order++) {
		snprintf(row.name, sizeof(row.name), "page_order%u", order);
		row.arg = order;
		row.loops = bench_clamp_loops((bench_p.loops / 4) >> order, 4);
		err = bench_run_row("pages", &row);
		if (err)
			ret = err;
	}
	return ret;
}

static int run_batch(void)
{
	struct bench_row row = { .fn = pages_batch };
	unsigned long n = bench_p.batch ?: default_batch();
	int ret, err;

	row.arg = n;
	row.loops = bench_clamp_loops(bench_p.loops / 4 / n, 1);
	bench_out("# config batch=%lu pages\n", n);
	strscpy(row.name, "page_batch_alloc", sizeof(row.name));
	ret = bench_run_row("pages", &row);
	row.arg2 = 1;
	strscpy(row.name, "page_batch_free", sizeof(row.name));
	err = bench_run_row("pages", &row);
	ret = ret ?: err;
	row.fn = pages_remote_free;
	strscpy(row.name, "page_remote_free", sizeof(row.name));
	err = bench_run_row("pages", &row);
	return ret ?: err;
}

/**
 * bench_pages() - the pages group.
 *
 * Return: 0, or the error of a failed row (the others still ran).
 */
int bench_pages(void)
{
	struct bench_row row = { .name = "page_order0_pcp",
				 .fn = pages_alloc_free,
				 .loops = bench_p.loops };
	int ret, err;

	ret = bench_run_row("pages", &row);
	strscpy(row.name, "page_order0_pcp_allcpus", sizeof(row.name));
	row.parallel = true;
	err = bench_run_row("pages", &row);
	ret = ret ?: err;
	err = run_orders();
	ret = ret ?: err;
	err = run_batch();
	return ret ?: err;
}
