// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench timing, in the style of Jesper Brouer's time_bench: each row
 * runs its timed loop, the cost of the same number of iterations of an
 * empty loop is subtracted, and the figure is nanoseconds per operation.
 * The two sides of a row (mmlab, kernel) alternate within each repeat, so a
 * drift of the host clock hits both. Parallel rows run the loop on every
 * online CPU at once from kthreads bound to each CPU, released together.
 * Remote-free rows allocate a batch on one CPU and free it on another, the
 * frees timed (SLUB's remote free path; the other CPU's per-CPU lists).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "bench.h"

/* Picoseconds per iteration of an empty loop, measured once per run. */
static u64 baseline_ps;

/* Timings of the empty loop a baseline is the least of. */
#define BASELINE_TRIALS	32

static noinline u64 empty_loop(unsigned long loops)
{
	unsigned long i;
	u64 t0 = bench_now();

	for (i = 0; i < loops; i++)
		barrier();
	return bench_now() - t0;
}

/**
 * bench_measure_baseline() - time the empty loop, for subtraction.
 *
 * The baseline is the least of BASELINE_TRIALS timings of the loop. Every
 * row of the run has it subtracted, and anything that stretches a timing
 * (the vCPU preempted on a loaded host, a guest interrupt, the first run's
 * cold caches and, under TCG, its translation) only ever adds to it, and
 * one stretched timing taken as the baseline makes every row that costs
 * less per iteration come out as 0 ns. The least of many short timings is
 * the loop's own cost unless every one of them was stretched.
 */
void bench_measure_baseline(void)
{
	unsigned long loops = bench_clamp_loops(bench_p.loops, 1000);
	u64 best = U64_MAX;
	int i;

	for (i = 0; i < BASELINE_TRIALS; i++) {
		best = min(best, empty_loop(loops));
		cond_resched();
	}
	baseline_ps = div64_u64(best * 1000, loops);
	bench_out("# baseline empty loop %llu.%03llu ns per iteration (%lu loops, least of %d)\n",
		  baseline_ps / 1000, baseline_ps % 1000, loops,
		  BASELINE_TRIALS);
}

unsigned long bench_clamp_loops(unsigned long loops, unsigned long min)
{
	return max(loops, min);
}

struct par_ctx {
	const struct bench_row *row;
	bool kernel;
	atomic_t ready;
	atomic_t left;
	bool go;
	struct completion done;
	struct bench_res *res;	/* one per possible CPU */
	int err;
};

static int par_thread(void *data)
{
	struct par_ctx *p = data;
	int cpu = raw_smp_processor_id();
	int ret;

	atomic_inc(&p->ready);
	while (!READ_ONCE(p->go))
		cond_resched();
	ret = p->row->fn(p->row, p->kernel, &p->res[cpu]);
	if (ret)
		WRITE_ONCE(p->err, ret);
	if (atomic_dec_and_test(&p->left))
		complete(&p->done);
	return 0;
}

/* Run @row on every online CPU; the figure is the mean over the CPUs. */
static int par_run(const struct bench_row *row, bool kernel,
		   struct bench_res *res)
{
	struct par_ctx *p;
	unsigned int n = num_online_cpus(), started = 0;
	int cpu, ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->res = kcalloc(nr_cpu_ids, sizeof(*p->res), GFP_KERNEL);
	if (!p->res) {
		kfree(p);
		return -ENOMEM;
	}
	p->row = row;
	p->kernel = kernel;
	init_completion(&p->done);
	atomic_set(&p->left, n);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create_on_cpu(par_thread, p, cpu, "mmlab_bench/%u");
		if (IS_ERR(t))
			break;
		wake_up_process(t);
		started++;
	}
	/* Threads that never started count as done. */
	if (started < n && atomic_sub_and_test(n - started, &p->left))
		complete(&p->done);
	while (atomic_read(&p->ready) < started)
		usleep_range(500, 1000);
	WRITE_ONCE(p->go, true);
	wait_for_completion(&p->done);
	ret = started < n ? -ENOMEM : p->err;
	for_each_online_cpu(cpu) {
		res->ops += p->res[cpu].ops;
		res->iters += p->res[cpu].iters;
		res->ns += p->res[cpu].ns;
	}
	kfree(p->res);
	kfree(p);
	return ret;
}

/**
 * struct remote_ctx - a producer and a freer on two CPUs, one batch between.
 * @row: the row; @row->arg items per batch, @row->loops batches.
 * @kernel: which side.
 * @ops: the row's allocation and free.
 * @items: the batch in flight.
 * @filled: the producer filled @items (or set @stop).
 * @emptied: the freer freed @items (or saw @stop).
 * @done: the producer is finished; @ns and @err are final.
 * @stop: no more batches.
 * @ns: time the freer spent freeing.
 * @err: 0 or the producer's -ENOMEM.
 */
struct remote_ctx {
	const struct bench_row *row;
	bool kernel;
	const struct bench_remote_ops *ops;
	void **items;
	struct completion filled;
	struct completion emptied;
	struct completion done;
	bool stop;
	u64 ns;
	int err;
};

static int remote_freer(void *data)
{
	struct remote_ctx *c = data;
	unsigned long i;
	u64 t0;

	for (;;) {
		wait_for_completion(&c->filled);
		if (READ_ONCE(c->stop))
			break;
		t0 = bench_now();
		for (i = 0; i < c->row->arg; i++)
			c->ops->free(c->row, c->kernel, c->items[i]);
		c->ns += bench_now() - t0;
		complete(&c->emptied);
	}
	complete(&c->emptied);
	return 0;
}

/* Fill the batch; on failure free what was taken and return -ENOMEM. */
static int remote_fill(struct remote_ctx *c)
{
	unsigned long i;

	for (i = 0; i < c->row->arg; i++) {
		c->items[i] = c->ops->alloc(c->row, c->kernel);
		if (unlikely(!c->items[i])) {
			while (i--)
				c->ops->free(c->row, c->kernel, c->items[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

static int remote_producer(void *data)
{
	struct remote_ctx *c = data;
	unsigned long it;

	for (it = 0; it < c->row->loops; it++) {
		c->err = remote_fill(c);
		if (c->err)
			break;
		complete(&c->filled);
		wait_for_completion(&c->emptied);
		cond_resched();
	}
	WRITE_ONCE(c->stop, true);
	complete(&c->filled);
	wait_for_completion(&c->emptied);
	complete(&c->done);
	return 0;
}

/* The first two online CPUs, or -ENODEV when there is only one. */
static int remote_cpus(int *a, int *b)
{
	*a = cpumask_first(cpu_online_mask);
	*b = cpumask_next(*a, cpu_online_mask);
	return *b < nr_cpu_ids ? 0 : -ENODEV;
}

/**
 * bench_remote_free() - allocate batches on one CPU, free them on another.
 * @row: the row: @row->arg items per batch, @row->loops batches.
 * @kernel: which side runs.
 * @ops: the allocation and the free of one item.
 * @res: filled with the frees' time and count.
 *
 * A producer kthread bound to the first online CPU fills a batch and hands
 * it to a freer bound to the second, which frees it while the producer
 * waits; only the frees are timed.
 *
 * Return: 0, -ENODEV with a single online CPU, -ENOMEM.
 */
int bench_remote_free(const struct bench_row *row, bool kernel,
		      const struct bench_remote_ops *ops,
		      struct bench_res *res)
{
	struct task_struct *prod, *freer;
	struct remote_ctx *c;
	int a, b, ret;

	ret = remote_cpus(&a, &b);
	if (ret)
		return ret;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->items = kvcalloc(row->arg, sizeof(*c->items), GFP_KERNEL);
	if (!c->items) {
		kfree(c);
		return -ENOMEM;
	}
	c->row = row;
	c->kernel = kernel;
	c->ops = ops;
	init_completion(&c->filled);
	init_completion(&c->emptied);
	init_completion(&c->done);
	freer = kthread_create_on_cpu(remote_freer, c, b, "mmlab_bench_free/%u");
	if (IS_ERR(freer)) {
		ret = PTR_ERR(freer);
		goto out;
	}
	prod = kthread_create_on_cpu(remote_producer, c, a, "mmlab_bench/%u");
	if (IS_ERR(prod)) {
		/* The freer exits when it sees stop. */
		WRITE_ONCE(c->stop, true);
		complete(&c->filled);
		wake_up_process(freer);
		wait_for_completion(&c->emptied);
		ret = PTR_ERR(prod);
		goto out;
	}
	wake_up_process(freer);
	wake_up_process(prod);
	wait_for_completion(&c->done);
	ret = c->err;
	res->ns = c->ns;
	res->ops = row->arg * row->loops;
	res->iters = res->ops;
out:
	kvfree(c->items);
	kfree(c);
	return ret;
}

static u64 ps_per_op(const struct bench_res *r)
{
	u64 base = div64_u64(baseline_ps * r->iters, 1000);
	u64 ns = r->ns > base ? r->ns - base : 0;

	return r->ops ? div64_u64(ns * 1000, r->ops) : 0;
}

static int run_side(const char *group, const struct bench_row *row,
		    bool kernel, unsigned int rep)
{
	struct bench_res res = {};
	u64 ps;
	int ret;

	ret = row->parallel ? par_run(row, kernel, &res) :
			      row->fn(row, kernel, &res);
	if (ret == -ENODEV) {
		bench_out("# skip %s,%s,%s: needs two online CPUs\n", group,
			  row->name, kernel ? "kernel" : "mmlab");
		return 0;
	}
	if (ret) {
		bench_out("fail,%s,%s,%s,%u,%d\n", group, row->name,
			  kernel ? "kernel" : "mmlab", rep, ret);
		return ret;
	}
	ps = ps_per_op(&res);
	bench_out("row,%s,%s,%s,%u,%llu,%llu.%03llu\n", group, row->name,
		  kernel ? "kernel" : "mmlab", rep, res.ops, ps / 1000,
		  ps % 1000);
	return 0;
}

/**
 * bench_run_row() - run both sides of a row, bench_p.repeat times.
 * @group: the row's group, the first column of the output.
 * @row: the row.
 *
 * Each repeat runs mmlab, then the kernel; a failure of one side is
 * reported in the output and the row goes on.
 *
 * Return: 0, or the last side's error.
 */
int bench_run_row(const char *group, const struct bench_row *row)
{
	unsigned int rep;
	int ret = 0, err;

	for (rep = 0; rep < bench_p.repeat; rep++) {
		err = run_side(group, row, false, rep);
		if (err)
			ret = err;
		err = run_side(group, row, true, rep);
		if (err)
			ret = err;
		cond_resched();
	}
	return ret;
}
