// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: mmlab's allocators next to the kernel's own, timed in the
 * same boot on the same work (issue 7; docs/bench.md).
 *
 * Loading the module with groups=pages,objects,vmalloc (or "all") runs
 * those groups at once; writing group names to
 * /sys/kernel/debug/mmlab/bench/run runs them again. Either way the
 * results replace the text of /sys/kernel/debug/mmlab/bench/results: one
 * line per row, side and repeat,
 *
 *	row,GROUP,ROW,mmlab|kernel,REPEAT,OPS,NS_PER_OP
 *
 * plus "# config ..." lines saying which debug and hardening options were
 * on (they distort timing) and "fail,..." lines for a side that failed.
 * tools/bench/run collects them. mmlab-load does not load this module.
 *
 * Lock order: bench_mutex (one run at a time), then the allocators'.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "bench.h"

#define RESULTS_SIZE	SZ_1M
#define GROUPS_LEN	64

static char *groups = "";
module_param(groups, charp, 0444);
MODULE_PARM_DESC(groups, "groups to run at load: pages,objects,vmalloc or all (none)");
static unsigned long loops = 1000000;
module_param(loops, ulong, 0444);
MODULE_PARM_DESC(loops, "iterations of a short operation (1..100000000)");
static unsigned long vloops = 10000;
module_param(vloops, ulong, 0444);
MODULE_PARM_DESC(vloops, "iterations of a vmalloc case (1..10000000)");
static unsigned int repeat = 1;
module_param(repeat, uint, 0444);
MODULE_PARM_DESC(repeat, "runs of each row, sides interleaved (1..100)");
static unsigned int vbusy = 2048;
module_param(vbusy, uint, 0444);
MODULE_PARM_DESC(vbusy, "areas kept busy by long_busy_list (1..15000)");
static unsigned int batch;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch, "pages of the batch row (0: 4 x mmlab pcp high; ..65536)");
static bool zero;
module_param(zero, bool, 0444);
MODULE_PARM_DESC(zero, "mmlab zeroes its allocations, as init_on_alloc=1");

struct bench_params bench_p;

static DEFINE_MUTEX(bench_mutex);
static char *results;
static size_t results_len;
static bool results_full;
static struct dentry *bench_dir;

/**
 * bench_out() - append a line to the results text.
 * @fmt: printf format.
 *
 * Context: under bench_mutex.
 */
void bench_out(const char *fmt, ...)
{
	va_list args;
	size_t n;

	if (results_len + 1 >= RESULTS_SIZE) {
		results_full = true;
		return;
	}
	va_start(args, fmt);
	n = vscnprintf(results + results_len, RESULTS_SIZE - results_len,
		       fmt, args);
	va_end(args);
	results_len += n;
}

static int check_range(const char *name, unsigned long v, unsigned long lo,
		       unsigned long hi)
{
	if (v >= lo && v <= hi)
		return 0;
	pr_err("%s=%lu out of range %lu..%lu\n", name, v, lo, hi);
	return -EINVAL;
}

static int check_params(void)
{
	return check_range("loops", loops, 1, 100000000) ?:
	       check_range("vloops", vloops, 1, 10000000) ?:
	       check_range("repeat", repeat, 1, 100) ?:
	       check_range("vbusy", vbusy, 1, 15000) ?:
	       check_range("batch", batch, 0, 65536);
}

static void log_config(void)
{
	bench_out("# config init_on_alloc=%d init_on_free=%d mmlab_zero=%d\n",
		  want_init_on_alloc(GFP_KERNEL), want_init_on_free(),
		  bench_p.zero);
	bench_out("# config debug_vm=%d kasan=%d prove_locking=%d slub_debug_on=%d kfence=%d\n",
		  IS_ENABLED(CONFIG_DEBUG_VM), IS_ENABLED(CONFIG_KASAN),
		  IS_ENABLED(CONFIG_PROVE_LOCKING),
		  IS_ENABLED(CONFIG_SLUB_DEBUG_ON), IS_ENABLED(CONFIG_KFENCE));
	bench_out("# config freelist_random=%d freelist_hardened=%d",
		  IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM),
		  IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED));
	bench_out(" shuffle_page_allocator=%d hardened_usercopy=%d\n",
		  IS_ENABLED(CONFIG_SHUFFLE_PAGE_ALLOCATOR),
		  IS_ENABLED(CONFIG_HARDENED_USERCOPY));
	bench_out("# config cpus=%u loops=%lu vloops=%lu repeat=%u vbusy=%u\n",
		  num_online_cpus(), bench_p.loops, bench_p.vloops,
		  bench_p.repeat, bench_p.vbusy);
}

struct bench_group {
	const char *name;
	int (*run)(void);
};

static const struct bench_group bench_groups[] = {
	{ "pages", bench_pages },
	{ "objects", bench_objects },
	{ "vmalloc", bench_vmalloc },
};

/* Check every name of @list before running any group. */
static int parse_groups(char *list, unsigned long *mask)
{
	char *name;
	int i;

	*mask = 0;
	while ((name = strsep(&list, ",\n "))) {
		if (!*name)
			continue;
		if (!strcmp(name, "all")) {
			*mask = BIT(ARRAY_SIZE(bench_groups)) - 1;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(bench_groups); i++)
			if (!strcmp(name, bench_groups[i].name))
				break;
		if (i == ARRAY_SIZE(bench_groups)) {
			pr_err("unknown group '%s' (pages, objects, vmalloc, all)\n",
			       name);
			return -EINVAL;
		}
		*mask |= BIT(i);
	}
	return 0;
}

static int run_groups(unsigned long mask)
{
	int i, ret, err = 0;
	u64 t0;

	results_len = 0;
	results_full = false;
	log_config();
	bench_measure_baseline();
	for (i = 0; i < ARRAY_SIZE(bench_groups); i++) {
		if (!(mask & BIT(i)))
			continue;
		t0 = bench_now();
		ret = bench_groups[i].run();
		pr_info("group %s done in %llu ms%s\n", bench_groups[i].name,
			div_u64(bench_now() - t0, NSEC_PER_MSEC),
			ret ? ", some rows failed" : "");
		if (ret)
			err = ret;
	}
	if (results_full)
		pr_warn("results truncated at %u bytes\n", RESULTS_SIZE);
	bench_out("# end\n");
	return err;
}

static int run_list(char *list)
{
	unsigned long mask;
	int ret;

	ret = parse_groups(list, &mask);
	if (ret || !mask)
		return ret;
	mutex_lock(&bench_mutex);
	ret = run_groups(mask);
	mutex_unlock(&bench_mutex);
	return ret;
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	char buf[GROUPS_LEN];
	int ret;

	if (count >= sizeof(buf)) {
		pr_err("run: at most %zu bytes of group names\n",
		       sizeof(buf) - 1);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = run_list(buf);
	return ret ? ret : count;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.llseek = noop_llseek,
};

static int results_show(struct seq_file *m, void *v)
{
	mutex_lock(&bench_mutex);
	seq_write(m, results, results_len);
	mutex_unlock(&bench_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results);

static int __init bench_init(void)
{
	char list[GROUPS_LEN];
	unsigned long mask;
	int ret;

	ret = check_params();
	if (ret)
		return ret;
	if (strscpy(list, groups, sizeof(list)) < 0) {
		pr_err("groups: at most %zu bytes\n", sizeof(list) - 1);
		return -EINVAL;
	}
	bench_p = (struct bench_params) {
		.loops = loops, .vloops = vloops, .repeat = repeat,
		.vbusy = vbusy, .batch = batch, .zero = zero,
		.gfp = MMLAB_GFP_KERNEL | (zero ? __MMLAB_GFP_ZERO : 0),
	};
	results = vzalloc(RESULTS_SIZE);
	if (!results)
		return -ENOMEM;
	bench_dir = debugfs_create_dir("bench", mmlab_debugfs_root());
	debugfs_create_file("results", 0444, bench_dir, NULL, &results_fops);
	debugfs_create_file("run", 0200, bench_dir, NULL, &run_fops);
	ret = parse_groups(list, &mask);
	if (ret) {
		debugfs_remove_recursive(bench_dir);
		vfree(results);
		return ret;
	}
	/* A failed row is in the results; only bad input fails the load. */
	if (mask) {
		mutex_lock(&bench_mutex);
		run_groups(mask);
		mutex_unlock(&bench_mutex);
	}
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	vfree(results);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("mmlab benchmarks against the kernel's allocators");
MODULE_LICENSE("GPL");
