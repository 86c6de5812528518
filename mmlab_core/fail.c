// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_core: fault injection points, the one home of mmlab's fault
 * attributes (mmlab_fail.h). Each registered point gets a debugfs
 * directory /sys/kernel/debug/mmlab/<name>/ with the kernel's knobs:
 * probability, interval, times, space, verbose, and a read-only count of
 * the failures injected.
 *
 * A call fails, as in lib/fault-inject.c, when times is not 0, the space
 * left is used up, the call is the interval-th since the knobs were last
 * written, and a roll of 0..99 is below probability. So interval=N,
 * probability=100, times=1 fails the Nth call; times=-1 fails every Nth.
 *
 * Locking: mmlab_fail_lock serialises registration and every writer of
 * the knobs; the check itself takes no lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

static LIST_HEAD(mmlab_fail_list);
static DEFINE_MUTEX(mmlab_fail_lock);

static const char * const knob_names[MMLAB_FAIL_NR_KNOBS] = {
	[MMLAB_FAIL_PROBABILITY] = "probability",
	[MMLAB_FAIL_INTERVAL] = "interval",
	[MMLAB_FAIL_TIMES] = "times",
	[MMLAB_FAIL_SPACE] = "space",
	[MMLAB_FAIL_VERBOSE] = "verbose",
	[MMLAB_FAIL_INJECTED] = "injected",
};

/* Inclusive bounds of each writable knob. */
static const long knob_min[MMLAB_FAIL_NR_KNOBS] = {
	[MMLAB_FAIL_PROBABILITY] = 0,
	[MMLAB_FAIL_INTERVAL] = 1,
	[MMLAB_FAIL_TIMES] = -1,
	[MMLAB_FAIL_SPACE] = 0,
	[MMLAB_FAIL_VERBOSE] = 0,
};

static const long knob_max[MMLAB_FAIL_NR_KNOBS] = {
	[MMLAB_FAIL_PROBABILITY] = 100,
	[MMLAB_FAIL_INTERVAL] = LONG_MAX,
	[MMLAB_FAIL_TIMES] = INT_MAX,
	[MMLAB_FAIL_SPACE] = INT_MAX,
	[MMLAB_FAIL_VERBOSE] = 2,
};

/* --- The check ------------------------------------------------------------ */

static void fail_report(struct mmlab_fail_attr *attr, size_t size,
			unsigned long caller)
{
	long n = atomic_long_inc_return(&attr->injected);
	unsigned int verbose = READ_ONCE(attr->verbose);

	if (verbose >= 2)
		pr_notice_ratelimited("%s: injected failure %ld, size %zu, from %pS\n",
				      attr->name, n, size, (void *)caller);
	else if (verbose)
		pr_notice_ratelimited("%s: injected failure %ld, size %zu\n",
				      attr->name, n, size);
}

/**
 * __mmlab_should_fail() - the slow half of mmlab_should_fail().
 * @attr: the injection point, enabled.
 * @size: bytes the call asks for.
 * @caller: the return address of the failing function, for verbose 2.
 *
 * Context: any context.
 * Return: true when the call must fail.
 */
bool __mmlab_should_fail(struct mmlab_fail_attr *attr, size_t size,
			 unsigned long caller)
{
	unsigned long interval = READ_ONCE(attr->interval);
	int times = atomic_read(&attr->times);

	if (!times)
		return false;
	if (atomic_read(&attr->space) > (long)min_t(size_t, size, INT_MAX)) {
		atomic_sub(size, &attr->space);
		return false;
	}
	if (interval > 1 &&
	    atomic_long_inc_return(&attr->calls) % interval)
		return false;
	if (get_random_u32_below(100) >= READ_ONCE(attr->probability))
		return false;
	/* Another caller may have used the last failure meanwhile. */
	if (times > 0 && !atomic_add_unless(&attr->times, -1, 0))
		return false;
	fail_report(attr, size, caller);
	return true;
}
EXPORT_SYMBOL_GPL(__mmlab_should_fail);

/* --- Knobs ---------------------------------------------------------------- */

static long knob_get(struct mmlab_fail_attr *attr, enum mmlab_fail_knob knob)
{
	switch (knob) {
	case MMLAB_FAIL_PROBABILITY:
		return READ_ONCE(attr->probability);
	case MMLAB_FAIL_INTERVAL:
		return READ_ONCE(attr->interval);
	case MMLAB_FAIL_TIMES:
		return atomic_read(&attr->times);
	case MMLAB_FAIL_SPACE:
		return atomic_read(&attr->space);
	case MMLAB_FAIL_VERBOSE:
		return READ_ONCE(attr->verbose);
	default:
		return atomic_long_read(&attr->injected);
	}
}

/* Turn the static branch on or off to match the knobs. Sleeps. */
static void fail_update_key(struct mmlab_fail_attr *attr)
{
	lockdep_assert_held(&mmlab_fail_lock);
	if (attr->probability && atomic_read(&attr->times))
		static_branch_enable(&attr->active);
	else
		static_branch_disable(&attr->active);
}

/* Set a knob already checked against its bounds; restart the count. */
static void knob_set_locked(struct mmlab_fail_attr *attr,
			    enum mmlab_fail_knob knob, long val)
{
	switch (knob) {
	case MMLAB_FAIL_PROBABILITY:
		WRITE_ONCE(attr->probability, val);
		break;
	case MMLAB_FAIL_INTERVAL:
		WRITE_ONCE(attr->interval, val);
		break;
	case MMLAB_FAIL_TIMES:
		atomic_set(&attr->times, val);
		break;
	case MMLAB_FAIL_SPACE:
		atomic_set(&attr->space, val);
		break;
	case MMLAB_FAIL_VERBOSE:
		WRITE_ONCE(attr->verbose, val);
		break;
	default:
		return;
	}
	atomic_long_set(&attr->calls, 0);
	fail_update_key(attr);
}

static int knob_check(struct mmlab_fail_attr *attr, enum mmlab_fail_knob knob,
		      long val)
{
	if (knob >= MMLAB_FAIL_INJECTED) {
		pr_warn("%s/%s: read-only\n", attr->name, knob_names[knob]);
		return -EPERM;
	}
	if (val < knob_min[knob] || val > knob_max[knob]) {
		pr_warn("%s/%s: %ld out of range %ld..%ld\n", attr->name,
			knob_names[knob], val, knob_min[knob], knob_max[knob]);
		return -EINVAL;
	}
	return 0;
}

/* --- debugfs -------------------------------------------------------------- */

static ssize_t fail_knob_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct mmlab_fail_file *ff = file->private_data;
	char buf[24];
	int len;

	len = scnprintf(buf, sizeof(buf), "%ld\n", knob_get(ff->attr, ff->knob));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static int fail_parse(struct mmlab_fail_file *ff, const char __user *ubuf,
		      size_t count, long *val)
{
	const char *what = knob_names[ff->knob];
	char buf[24];

	if (!count || count >= sizeof(buf)) {
		pr_warn("%s/%s: write of %zu bytes, want a number\n",
			ff->attr->name, what, count);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (kstrtol(strim(buf), 0, val)) {
		pr_warn("%s/%s: not a number\n", ff->attr->name, what);
		return -EINVAL;
	}
	return 0;
}

static ssize_t fail_knob_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct mmlab_fail_file *ff = file->private_data;
	struct mmlab_fail_attr *attr = ff->attr;
	long val;
	int ret;

	ret = fail_parse(ff, ubuf, count, &val);
	if (!ret)
		ret = knob_check(attr, ff->knob, val);
	if (ret)
		return ret;
	mutex_lock(&mmlab_fail_lock);
	if (attr->registered)	/* not on its way out */
		knob_set_locked(attr, ff->knob, val);
	else
		ret = -ENODEV;
	mutex_unlock(&mmlab_fail_lock);
	return ret ? ret : count;
}

static const struct file_operations fail_knob_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fail_knob_read,
	.write = fail_knob_write,
	.llseek = default_llseek,
};

static void fail_debugfs_add(struct mmlab_fail_attr *attr)
{
	int i;

	attr->dir = debugfs_create_dir(attr->name, mmlab_debugfs_root());
	for (i = 0; i < MMLAB_FAIL_NR_KNOBS; i++) {
		attr->files[i].attr = attr;
		attr->files[i].knob = i;
		debugfs_create_file(knob_names[i],
				    i == MMLAB_FAIL_INJECTED ? 0400 : 0600,
				    attr->dir, &attr->files[i],
				    &fail_knob_fops);
	}
}

/* --- Registration ------------------------------------------------------------ */

static struct mmlab_fail_attr *fail_find_locked(const char *name)
{
	struct mmlab_fail_attr *attr;

	list_for_each_entry(attr, &mmlab_fail_list, node)
		if (!strcmp(attr->name, name))
			return attr;
	return NULL;
}

/**
 * mmlab_fail_attr_register() - make an injection point configurable.
 * @attr: defined with DEFINE_MMLAB_FAIL_ATTR(); its name must be unique.
 *
 * Creates /sys/kernel/debug/mmlab/<name>/. The point starts disabled.
 *
 * Context: process context; sleeps.
 * Return: 0, or -EEXIST when the name is taken.
 */
int mmlab_fail_attr_register(struct mmlab_fail_attr *attr)
{
	int ret = 0;

	mutex_lock(&mmlab_fail_lock);
	if (attr->registered || fail_find_locked(attr->name)) {
		pr_err("%s: fault injection point registered twice\n",
		       attr->name);
		ret = -EEXIST;
	} else {
		list_add_tail(&attr->node, &mmlab_fail_list);
		attr->registered = true;
		fail_debugfs_add(attr);
	}
	mutex_unlock(&mmlab_fail_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_fail_attr_register);

/**
 * mmlab_fail_attr_unregister() - remove an injection point.
 * @attr: registered with mmlab_fail_attr_register().
 *
 * Removes the debugfs directory (waiting for readers and writers in it)
 * and disables the point.
 *
 * Context: process context; sleeps.
 */
void mmlab_fail_attr_unregister(struct mmlab_fail_attr *attr)
{
	struct dentry *dir;

	mutex_lock(&mmlab_fail_lock);
	if (!attr->registered) {
		mutex_unlock(&mmlab_fail_lock);
		return;
	}
	list_del(&attr->node);
	attr->registered = false;
	static_branch_disable(&attr->active);
	dir = attr->dir;
	attr->dir = NULL;
	mutex_unlock(&mmlab_fail_lock);
	/* Outside the lock: a writer in a file holds it while we wait. */
	debugfs_remove_recursive(dir);
}
EXPORT_SYMBOL_GPL(mmlab_fail_attr_unregister);

static int fail_config_check(struct mmlab_fail_attr *attr,
			     const struct mmlab_fail_config *cfg)
{
	const long vals[] = {
		[MMLAB_FAIL_PROBABILITY] = cfg->probability,
		[MMLAB_FAIL_INTERVAL] = min_t(unsigned long, cfg->interval,
					      LONG_MAX),
		[MMLAB_FAIL_TIMES] = cfg->times,
		[MMLAB_FAIL_SPACE] = cfg->space,
		[MMLAB_FAIL_VERBOSE] = cfg->verbose,
	};
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		ret = knob_check(attr, i, vals[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * mmlab_fail_configure() - set every knob of an injection point at once.
 * @name: the point, e.g. "fail_page_alloc".
 * @cfg: the knobs; NULL puts back the defaults (disabled).
 *
 * For in-kernel tests; user space writes the debugfs files. Restarts the
 * interval count and leaves the injected count alone.
 *
 * Context: process context; sleeps.
 * Return: 0, -ENOENT for an unknown point, -EINVAL for a knob out of range.
 */
int mmlab_fail_configure(const char *name, const struct mmlab_fail_config *cfg)
{
	static const struct mmlab_fail_config defaults = {
		.interval = 1, .times = 1, .verbose = 1,
	};
	struct mmlab_fail_attr *attr;
	int ret;

	if (!cfg)
		cfg = &defaults;
	mutex_lock(&mmlab_fail_lock);
	attr = fail_find_locked(name);
	ret = attr ? fail_config_check(attr, cfg) : -ENOENT;
	if (!ret) {
		WRITE_ONCE(attr->probability, cfg->probability);
		WRITE_ONCE(attr->interval, cfg->interval);
		atomic_set(&attr->times, cfg->times);
		atomic_set(&attr->space, cfg->space);
		WRITE_ONCE(attr->verbose, cfg->verbose);
		atomic_long_set(&attr->calls, 0);
		fail_update_key(attr);
	}
	mutex_unlock(&mmlab_fail_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_fail_configure);

/**
 * mmlab_fail_injected() - failures an injection point has injected.
 * @name: the point.
 *
 * Return: the count since the point was registered, or -ENOENT.
 */
long mmlab_fail_injected(const char *name)
{
	struct mmlab_fail_attr *attr;
	long n = -ENOENT;

	mutex_lock(&mmlab_fail_lock);
	attr = fail_find_locked(name);
	if (attr)
		n = atomic_long_read(&attr->injected);
	mutex_unlock(&mmlab_fail_lock);
	return n;
}
EXPORT_SYMBOL_GPL(mmlab_fail_injected);
