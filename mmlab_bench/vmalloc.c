// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench vmalloc: the cases of the kernel's lib/test_vmalloc.c, on
 * mmlab_vmalloc()/mmlab_vfree() and on vmalloc()/vfree():
 *
 *  fix_size        one page, touched, freed;
 *  full_fit        one page into holes of exactly that size, left by
 *                  freeing every other area of a long run;
 *  long_busy_list  one page while many areas stay allocated;
 *  random_size     1 to 100 pages (the same sequence on both sides);
 *  fix_align       five zeroed pages; test_vmalloc asks for THREAD_ALIGN
 *                  through __vmalloc_node(), which the kernel exports
 *                  only with CONFIG_TEST_VMALLOC, so the kernel side is
 *                  __vmalloc(__GFP_ZERO) and mmlab (no alignment
 *                  argument either) clears the pages itself;
 *  size_64k        64 KiB, the size of the target.
 *
 * test_vmalloc keeps 15000 areas busy and 16384 x CPUs holes; mmlab's
 * window (64 MiB by default) holds fewer, so both use bench_p.vbusy.
 * The figure is ns per case; tools/bench/run prints it as avg usec.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "mmlab_slub/mmlab_slub.h"
#include "bench.h"

#define ALIGN_PAGES	5

enum vcase { V_FIX_SIZE, V_FULL_FIT, V_LONG_BUSY, V_RANDOM, V_FIX_ALIGN,
	     V_64K, V_NR };

static const char * const vcase_names[V_NR] = {
	"vmalloc_fix_size", "vmalloc_full_fit", "vmalloc_long_busy_list",
	"vmalloc_random_size", "vmalloc_fix_align", "vmalloc_64k",
};

/*
 * mmlab_vmalloc() takes no gfp: with zero=1 (the kernel side then runs with
 * init_on_alloc=1 and zeroes every page it maps) mmlab's side zeroes the
 * area itself, so both sides do the same work.
 */
static void *v_alloc(bool kernel, unsigned long size)
{
	void *p;

	if (kernel)
		return vmalloc(size);
	p = mmlab_vmalloc(size);
	if (p && bench_p.zero)
		memset(p, 0, size);
	return p;
}

static void v_free(bool kernel, void *p)
{
	if (kernel)
		vfree(p);
	else
		mmlab_vfree(p);
}

static void *v_alloc_aligned(bool kernel)
{
	void *p;

	if (kernel)
		return __vmalloc(ALIGN_PAGES * PAGE_SIZE,
				 GFP_KERNEL | __GFP_ZERO);
	p = mmlab_vmalloc(ALIGN_PAGES * PAGE_SIZE);
	if (p)
		memset(p, 0, ALIGN_PAGES * PAGE_SIZE);
	return p;
}

static void free_all(bool kernel, void **ptrs, unsigned int n)
{
	while (n--)
		if (ptrs[n])
			v_free(kernel, ptrs[n]);
}

/*
 * The background of a case: @n areas kept busy (long_busy_list), or @n
 * pairs of which the second of each is freed again (full_fit's holes).
 */
static int setup(bool kernel, enum vcase c, void **ptrs, unsigned int n)
{
	unsigned int i, per = c == V_FULL_FIT ? 2 : 1;

	for (i = 0; i < n * per; i++) {
		ptrs[i] = v_alloc(kernel, PAGE_SIZE);
		if (!ptrs[i])
			return -ENOMEM;
	}
	for (i = 1; per == 2 && i < n * per; i += 2) {
		v_free(kernel, ptrs[i]);
		ptrs[i] = NULL;
	}
	return 0;
}

static unsigned long case_size(enum vcase c, struct rnd_state *rnd)
{
	switch (c) {
	case V_RANDOM:
		return (prandom_u32_state(rnd) % 100 + 1) * PAGE_SIZE;
	case V_64K:
		return SZ_64K;
	default:
		return PAGE_SIZE;
	}
}

static int timed_loop(const struct bench_row *row, bool kernel,
		      struct bench_res *res)
{
	enum vcase c = row->arg;
	struct rnd_state rnd;
	unsigned long i;
	u8 *p;
	u64 t0;

	prandom_seed_state(&rnd, 11);
	t0 = bench_now();
	for (i = 0; i < row->loops; i++) {
		p = c == V_FIX_ALIGN ? v_alloc_aligned(kernel) :
				       v_alloc(kernel, case_size(c, &rnd));
		if (unlikely(!p))
			return -ENOMEM;
		*p = 1;
		v_free(kernel, p);
	}
	res->ns = bench_now() - t0;
	res->ops = row->loops;
	res->iters = row->loops;
	return 0;
}

/* arg: the case. */
static int vcase_run(const struct bench_row *row, bool kernel,
		     struct bench_res *res)
{
	enum vcase c = row->arg;
	unsigned int n = 0;
	void **ptrs = NULL;
	int ret;

	if (c == V_FULL_FIT || c == V_LONG_BUSY) {
		n = bench_p.vbusy;
		ptrs = kvcalloc(2 * n, sizeof(*ptrs), GFP_KERNEL);
		if (!ptrs)
			return -ENOMEM;
		ret = setup(kernel, c, ptrs, n);
		if (ret)
			goto out;
	}
	ret = timed_loop(row, kernel, res);
out:
	if (ptrs) {
		free_all(kernel, ptrs, 2 * n);
		kvfree(ptrs);
	}
	return ret;
}

/**
 * bench_vmalloc() - the vmalloc group.
 *
 * Return: 0, or the error of a failed row (the others still ran).
 */
int bench_vmalloc(void)
{
	struct bench_row row = { .fn = vcase_run, .loops = bench_p.vloops };
	int c, ret = 0, err;

	for (c = 0; c < V_NR; c++) {
		row.arg = c;
		strscpy(row.name, vcase_names[c], sizeof(row.name));
		err = bench_run_row("vmalloc", &row);
		ret = ret ?: err;
	}
	mmlab_vmalloc_purge();
	return ret;
}
