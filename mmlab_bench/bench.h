/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_bench internals: rows, their timing, the results buffer.
 */
#ifndef _MMLAB_BENCH_H
#define _MMLAB_BENCH_H

#include <linux/types.h>
#include "mmlab_buddy/mmlab_buddy.h"

/**
 * struct bench_params - the knobs of one run, checked at load or write.
 * @loops: iterations of a short operation (alloc+free of one object).
 * @vloops: iterations of a vmalloc case, as test_vmalloc's test_loop_count.
 * @repeat: runs of each row; mmlab and kernel alternate within a row.
 * @vbusy: areas kept busy by long_busy_list.
 * @batch: pages of the pages batch row; 0 picks four times mmlab's pcp high.
 * @zero: mmlab zeroes what it allocates (the kernel's init_on_alloc).
 * @gfp: the mmlab gfp for kernel-style allocations (zero applied).
 */
struct bench_params {
	unsigned long loops;
	unsigned long vloops;
	unsigned int repeat;
	unsigned int vbusy;
	unsigned int batch;
	bool zero;
	mmlab_gfp_t gfp;
};

extern struct bench_params bench_p;

/**
 * struct bench_res - what one timed run of one side of a row did.
 * @ops: operations counted (the unit of the figure).
 * @iters: iterations of the timed loop (for the empty-loop baseline).
 * @ns: elapsed nanoseconds of the timed section.
 */
struct bench_res {
	u64 ops;
	u64 iters;
	u64 ns;
};

struct bench_row;

/* One side of a row: run it, fill @res; 0 or -errno. */
typedef int (*bench_fn)(const struct bench_row *row, bool kernel,
			struct bench_res *res);

/**
 * struct bench_row - one line of the table: the same work on both sides.
 * @name: stable identifier, as the CSV shows it.
 * @fn: runs one side.
 * @arg: row argument (order, object size, batch length...).
 * @arg2: second argument (shuffle, alloc or free half...).
 * @loops: timed loop iterations.
 * @parallel: run @fn on every online CPU at once (per-CPU kthreads).
 */
struct bench_row {
	char name[40];
	bench_fn fn;
	unsigned long arg;
	unsigned long arg2;
	unsigned long loops;
	bool parallel;
};

static inline u64 bench_now(void)
{
	return ktime_get_ns();
}

/**
 * struct bench_remote_ops - one allocation and one free of a remote-free row.
 * @alloc: allocates one item on the producer's CPU; NULL on failure.
 * @free: frees one item, called on the other CPU.
 */
struct bench_remote_ops {
	void *(*alloc)(const struct bench_row *row, bool kernel);
	void (*free)(const struct bench_row *row, bool kernel, void *item);
};

void bench_out(const char *fmt, ...) __printf(1, 2);
int bench_remote_free(const struct bench_row *row, bool kernel,
		      const struct bench_remote_ops *ops,
		      struct bench_res *res);
int bench_run_row(const char *group, const struct bench_row *row);
unsigned long bench_clamp_loops(unsigned long loops, unsigned long min);
void bench_measure_baseline(void);

int bench_pages(void);
int bench_objects(void);
int bench_vmalloc(void);

#endif /* _MMLAB_BENCH_H */
