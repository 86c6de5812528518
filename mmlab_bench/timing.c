// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench timing, in the style of Jesper Brouer's time_bench: each row
 * runs its timed loop, the cost of the same number of iterations of an
 * empty loop is subtracted, and the figure is nanoseconds per operation.
 * The two sides of a row (mmlab, kernel) alternate within each repeat, so a
 * drift of the host clock hits both. Parallel rows run the loop on every
 * online CPU at once from kthreads bound to each CPU, released together.
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
 */
void bench_measure_baseline(void)
{
	unsigned long loops = bench_clamp_loops(bench_p.loops, 1000);

	baseline_ps = div64_u64(empty_loop(loops) * 1000, loops);
	bench_out("# baseline empty loop %llu.%03llu ns per iteration (%lu loops)\n",
		  baseline_ps / 1000, baseline_ps % 1000, loops);
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
