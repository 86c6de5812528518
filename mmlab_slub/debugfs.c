// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_slub debugfs, under mmlab_core's root (/sys/kernel/debug/mmlab):
 *	slabinfo	the /proc/slabinfo 2.1 format (mm/slab_common.c)
 *	slab/<cache>/	the files of /sys/kernel/slab/<cache>/ (mm/slub.c),
 *			one value each; validate and shrink take "1"
 *	vmallocinfo	the /proc/vmallocinfo format (mm/vmalloc.c)
 *
 * Object counts are exact: "objects" and slabinfo's <active_objs> are the
 * objects allocated and not freed (SLUB counts the whole CPU slab as
 * active).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

static struct dentry *slab_dir;
static struct dentry *top_files[2];

/* --- Counting ----------------------------------------------------------------- */

struct cache_counts {
	unsigned long slabs;
	unsigned long total_objects;
	unsigned long partial;
	unsigned long partial_free;
	unsigned long cpu_slabs;
	unsigned long node_slabs[MMLAB_MAX_REGIONS];
	unsigned long node_partial[MMLAB_MAX_REGIONS];
};

static void count_cache(struct mmlab_kmem_cache *s, struct cache_counts *cc)
{
	struct mmlab_slab *slab;
	unsigned long flags;
	int i, cpu;

	memset(cc, 0, sizeof(*cc));
	for (i = 0; i < mmlab_nr_regions(); i++) {
		struct mmlab_kmem_cache_node *n = &s->node[i];

		spin_lock_irqsave(&n->list_lock, flags);
		cc->node_slabs[i] = n->nr_slabs;
		cc->node_partial[i] = n->nr_partial;
		cc->slabs += n->nr_slabs;
		cc->total_objects += n->total_objects;
		cc->partial += n->nr_partial;
		list_for_each_entry(slab, &n->partial, list)
			cc->partial_free += slab->objects - slab->inuse;
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	for_each_possible_cpu(cpu) {
		struct mmlab_kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);

		cc->cpu_slabs += !!READ_ONCE(c->slab) + READ_ONCE(c->nr_partial);
	}
}

static unsigned long live_objects(struct mmlab_kmem_cache *s)
{
	long n = mmlab_stat_sum(s, ALLOC_TOTAL) - mmlab_stat_sum(s, FREE_TOTAL);

	return n > 0 ? n : 0;
}

/* --- slabinfo ------------------------------------------------------------------ */

static void *slabinfo_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&mmlab_slab_mutex);
	return seq_list_start_head(&mmlab_slab_caches, *pos);
}

static void *slabinfo_next(struct seq_file *m, void *p, loff_t *pos)
{
	return seq_list_next(p, &mmlab_slab_caches, pos);
}

static void slabinfo_stop(struct seq_file *m, void *p)
{
	mutex_unlock(&mmlab_slab_mutex);
}

static int slabinfo_show(struct seq_file *m, void *p)
{
	struct mmlab_kmem_cache *s;
	struct cache_counts cc;

	if (p == &mmlab_slab_caches) {
		seq_puts(m, "slabinfo - version: 2.1\n");
		seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
		seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
		seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
		seq_putc(m, '\n');
		return 0;
	}
	s = list_entry(p, struct mmlab_kmem_cache, list);
	count_cache(s, &cc);
	seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", s->name, live_objects(s),
		   cc.total_objects, s->size, s->objects, 1 << s->order);
	seq_printf(m, " : tunables %4u %4u %4u", 0, 0, 0);
	seq_printf(m, " : slabdata %6lu %6lu %6lu", cc.slabs, cc.slabs, 0UL);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations slabinfo_sops = {
	.start = slabinfo_start,
	.next = slabinfo_next,
	.stop = slabinfo_stop,
	.show = slabinfo_show,
};
DEFINE_SEQ_ATTRIBUTE(slabinfo);

/* --- Per-cache attributes ----------------------------------------------------------- */

enum cache_attr {
	A_OBJECT_SIZE, A_SLAB_SIZE, A_OBJS_PER_SLAB, A_ORDER, A_MIN_PARTIAL,
	A_CPU_PARTIAL, A_ALIGN, A_CTOR, A_RED_ZONE, A_POISON, A_STORE_USER,
	A_SANITY_CHECKS, A_PARTIAL, A_CPU_SLABS, A_OBJECTS, A_OBJECTS_PARTIAL,
	A_SLABS, A_TOTAL_OBJECTS, A_ALLOC_CALLS, A_FREE_CALLS, A_VALIDATE,
	A_SHRINK, NR_CACHE_ATTRS
};

static const char * const attr_names[NR_CACHE_ATTRS] = {
	"object_size", "slab_size", "objs_per_slab", "order", "min_partial",
	"cpu_partial", "align", "ctor", "red_zone", "poison", "store_user",
	"sanity_checks", "partial", "cpu_slabs", "objects", "objects_partial",
	"slabs", "total_objects", "alloc_calls", "free_calls", "validate",
	"shrink",
};

/* A file's private data: the cache, with the attribute in the low bits. */
struct cache_file {
	struct mmlab_kmem_cache *s;
	unsigned int attr;
};

static void show_per_node(struct seq_file *m, unsigned long total,
			  const unsigned long *per_node)
{
	int i;

	seq_printf(m, "%lu", total);
	for (i = 0; i < mmlab_nr_regions(); i++)
		if (per_node[i])
			seq_printf(m, " N%d=%lu", i, per_node[i]);
	seq_putc(m, '\n');
}

/* --- alloc_calls / free_calls ---------------------------------------------------------- */

struct location {
	unsigned long addr;
	depot_stack_handle_t handle;
	unsigned long count;
	unsigned long min_age, max_age, sum_age;
	int min_pid, max_pid;
	unsigned long cpus;	/* first BITS_PER_LONG CPUs */
};

#define MAX_LOCATIONS	256

static void add_location(struct location *loc, unsigned int *nr,
			 struct mmlab_track *t)
{
	unsigned long age = jiffies - t->when;
	struct location *l;
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (loc[i].addr == t->addr && loc[i].handle == t->handle)
			break;
	if (i == *nr) {
		if (*nr == MAX_LOCATIONS)
			return;
		l = &loc[(*nr)++];
		l->addr = t->addr;
		l->handle = t->handle;
		l->min_age = age;
		l->min_pid = t->pid;
		l->max_pid = t->pid;
	}
	l = &loc[i];
	l->count++;
	l->sum_age += age;
	l->min_age = min(l->min_age, age);
	l->max_age = max(l->max_age, age);
	l->min_pid = min(l->min_pid, t->pid);
	l->max_pid = max(l->max_pid, t->pid);
	if (t->cpu < BITS_PER_LONG)
		__set_bit(t->cpu, &l->cpus);
}

static void collect_slab(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
			 enum mmlab_track_item item, struct location *loc,
			 unsigned int *nr, unsigned long *free_map)
{
	bool want_free = item == TRACK_FREE;
	unsigned int i;
	void *p;

	bitmap_zero(free_map, slab->objects);
	for (p = slab->freelist; p; p = mmlab_get_freepointer(s, p))
		__set_bit((p - slab->base) / s->size, free_map);
	for (i = 0; i < slab->objects; i++) {
		struct mmlab_track *t;

		if (test_bit(i, free_map) != want_free)
			continue;
		t = mmlab_get_track(s, mmlab_slab_obj(s, slab, i), item);
		if (t->addr)
			add_location(loc, nr, t);
	}
}

static void show_location(struct seq_file *m, struct location *l)
{
	unsigned long *entries;
	unsigned int j, n;

	seq_printf(m, "%7ld ", l->count);
	if (l->addr)
		seq_printf(m, "%pS", (void *)l->addr);
	else
		seq_puts(m, "<not-available>");
	if (l->min_age != l->max_age)
		seq_printf(m, " age=%ld/%ld/%ld", l->min_age,
			   l->sum_age / l->count, l->max_age);
	else
		seq_printf(m, " age=%ld", l->min_age);
	if (l->min_pid != l->max_pid)
		seq_printf(m, " pid=%d-%d", l->min_pid, l->max_pid);
	else
		seq_printf(m, " pid=%d", l->min_pid);
	if (num_online_cpus() > 1 && l->cpus)
		seq_printf(m, " cpus=%*pbl", BITS_PER_LONG, &l->cpus);
	if (l->handle) {
		n = stack_depot_fetch(l->handle, &entries);
		seq_putc(m, '\n');
		for (j = 0; j < n; j++)
			seq_printf(m, "        %pS\n", (void *)entries[j]);
	}
	seq_putc(m, '\n');
}

static int show_calls(struct seq_file *m, struct mmlab_kmem_cache *s,
		      enum mmlab_track_item item)
{
	unsigned long *free_map, flags;
	struct mmlab_slab *slab;
	struct location *loc;
	unsigned int nr = 0, i;

	if (!(s->flags & MMLAB_SLAB_STORE_USER)) {
		seq_puts(m, "No data\n");
		return 0;
	}
	loc = kvcalloc(MAX_LOCATIONS, sizeof(*loc), GFP_KERNEL);
	free_map = bitmap_zalloc(s->objects, GFP_KERNEL);
	if (!loc || !free_map) {
		kvfree(loc);
		bitmap_free(free_map);
		return -ENOMEM;
	}
	for (i = 0; i < mmlab_nr_regions(); i++) {
		struct mmlab_kmem_cache_node *n = &s->node[i];

		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry(slab, &n->all_slabs, all)
			collect_slab(s, slab, item, loc, &nr, free_map);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	for (i = 0; i < nr; i++)
		show_location(m, &loc[i]);
	if (!nr)
		seq_puts(m, "No data\n");
	kvfree(loc);
	bitmap_free(free_map);
	return 0;
}

static int cache_attr_show(struct seq_file *m, void *v)
{
	struct cache_file *cf = m->private;
	struct mmlab_kmem_cache *s = cf->s;
	struct cache_counts cc;

	count_cache(s, &cc);
	switch (cf->attr) {
	case A_OBJECT_SIZE:
		seq_printf(m, "%u\n", s->object_size);
		break;
	case A_SLAB_SIZE:
		seq_printf(m, "%u\n", s->size);
		break;
	case A_OBJS_PER_SLAB:
		seq_printf(m, "%u\n", s->objects);
		break;
	case A_ORDER:
		seq_printf(m, "%u\n", s->order);
		break;
	case A_MIN_PARTIAL:
		seq_printf(m, "%lu\n", s->min_partial);
		break;
	case A_CPU_PARTIAL:
		seq_printf(m, "%u\n", s->cpu_partial_slabs);
		break;
	case A_ALIGN:
		seq_printf(m, "%u\n", s->align);
		break;
	case A_CTOR:
		if (s->ctor)
			seq_printf(m, "%pS\n", s->ctor);
		break;
	case A_RED_ZONE:
		seq_printf(m, "%d\n", !!(s->flags & MMLAB_SLAB_RED_ZONE));
		break;
	case A_POISON:
		seq_printf(m, "%d\n", !!(s->flags & MMLAB_SLAB_POISON));
		break;
	case A_STORE_USER:
		seq_printf(m, "%d\n", !!(s->flags & MMLAB_SLAB_STORE_USER));
		break;
	case A_SANITY_CHECKS:
		seq_printf(m, "%d\n",
			   !!(s->flags & MMLAB_SLAB_CONSISTENCY_CHECKS));
		break;
	case A_PARTIAL:
		show_per_node(m, cc.partial, cc.node_partial);
		break;
	case A_CPU_SLABS:
		seq_printf(m, "%lu\n", cc.cpu_slabs);
		break;
	case A_OBJECTS:
		seq_printf(m, "%lu\n", live_objects(s));
		break;
	case A_OBJECTS_PARTIAL:
		seq_printf(m, "%lu\n", cc.partial_free);
		break;
	case A_SLABS:
		show_per_node(m, cc.slabs, cc.node_slabs);
		break;
	case A_TOTAL_OBJECTS:
		seq_printf(m, "%lu\n", cc.total_objects);
		break;
	case A_ALLOC_CALLS:
		return show_calls(m, s, TRACK_ALLOC);
	case A_FREE_CALLS:
		return show_calls(m, s, TRACK_FREE);
	default:	/* validate, shrink: write-only actions, read as 0 */
		seq_puts(m, "0\n");
	}
	return 0;
}

static int cache_attr_open(struct inode *inode, struct file *file)
{
	return single_open(file, cache_attr_show, inode->i_private);
}

static ssize_t cache_attr_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct cache_file *cf = ((struct seq_file *)file->private_data)->private;
	char buf[4] = "";
	int ret;

	if (len > sizeof(buf) - 1 || copy_from_user(buf, ubuf, len))
		goto bad;
	buf[len] = '\0';
	if (strcmp(strim(buf), "1"))
		goto bad;
	if (cf->attr == A_VALIDATE) {
		ret = mmlab_kmem_cache_validate(cf->s);
		if (ret)
			return ret;
	} else {
		mmlab_kmem_cache_shrink(cf->s);
	}
	return len;
bad:
	pr_err("%s/%s: write \"1\" to run it\n", cf->s->name,
	       attr_names[cf->attr]);
	return -EINVAL;
}

static const struct file_operations cache_attr_fops = {
	.owner = THIS_MODULE,
	.open = cache_attr_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = cache_attr_write,
};

static int stat_show(struct seq_file *m, void *v)
{
	struct cache_file *cf = m->private;
	unsigned long sum = 0;
	int cpu;

	for_each_online_cpu(cpu)
		sum += mmlab_stat_cpu(cf->s, cpu, cf->attr);
	seq_printf(m, "%lu", sum);
	for_each_online_cpu(cpu) {
		unsigned long x = mmlab_stat_cpu(cf->s, cpu, cf->attr);

		if (x)
			seq_printf(m, " C%d=%lu", cpu, x);
	}
	seq_putc(m, '\n');
	return 0;
}

static int stat_open(struct inode *inode, struct file *file)
{
	return single_open(file, stat_show, inode->i_private);
}

static const struct file_operations stat_fops = {
	.owner = THIS_MODULE,
	.open = stat_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * The cache_file records of a cache live in one array, freed with the
 * directory; it hangs off the directory inode's i_private.
 */
struct cache_files {
	struct cache_file attrs[NR_CACHE_ATTRS];
	struct cache_file stats[NR_MMLAB_STATS];
};

/**
 * mmlab_cache_debugfs_add() - create slab/<cache>/.
 * @s: the cache.
 *
 * Context: mmlab_slab_mutex held.
 */
void mmlab_cache_debugfs_add(struct mmlab_kmem_cache *s)
{
	struct cache_files *cf;
	unsigned int i;
	umode_t mode;

	if (IS_ERR_OR_NULL(slab_dir))
		return;
	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return;
	s->debugfs = debugfs_create_dir(s->name, slab_dir);
	if (IS_ERR(s->debugfs)) {
		kfree(cf);
		s->debugfs = NULL;
		return;
	}
	d_inode(s->debugfs)->i_private = cf;
	for (i = 0; i < NR_CACHE_ATTRS; i++) {
		cf->attrs[i].s = s;
		cf->attrs[i].attr = i;
		mode = (i == A_VALIDATE || i == A_SHRINK) ? 0600 : 0400;
		debugfs_create_file(attr_names[i], mode, s->debugfs,
				    &cf->attrs[i], &cache_attr_fops);
	}
	for (i = 0; i < NR_MMLAB_STATS; i++) {
		cf->stats[i].s = s;
		cf->stats[i].attr = i;
		debugfs_create_file(mmlab_stat_names[i], 0400, s->debugfs,
				    &cf->stats[i], &stat_fops);
	}
}

/**
 * mmlab_cache_debugfs_remove() - remove slab/<cache>/.
 * @s: the cache.
 *
 * Waits for open readers to leave the files' operations.
 */
void mmlab_cache_debugfs_remove(struct mmlab_kmem_cache *s)
{
	void *cf;

	if (!s->debugfs)
		return;
	cf = d_inode(s->debugfs)->i_private;
	debugfs_remove_recursive(s->debugfs);
	s->debugfs = NULL;
	kfree(cf);
}

static int vmallocinfo_open(struct inode *inode, struct file *file)
{
	return single_open(file, mmlab_vmallocinfo_show, NULL);
}

static const struct file_operations vmallocinfo_fops = {
	.owner = THIS_MODULE,
	.open = vmallocinfo_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * mmlab_slub_debugfs_init() - create slabinfo, slab/ and vmallocinfo.
 */
void mmlab_slub_debugfs_init(void)
{
	struct dentry *root = mmlab_debugfs_root();

	if (IS_ERR_OR_NULL(root))
		return;
	slab_dir = debugfs_create_dir("slab", root);
	top_files[0] = debugfs_create_file("slabinfo", 0444, root, NULL,
					   &slabinfo_fops);
	top_files[1] = debugfs_create_file("vmallocinfo", 0400, root, NULL,
					   &vmallocinfo_fops);
}

/**
 * mmlab_slub_debugfs_exit() - remove slabinfo, slab/ and vmallocinfo.
 */
void mmlab_slub_debugfs_exit(void)
{
	debugfs_remove(top_files[0]);
	debugfs_remove(top_files[1]);
	debugfs_remove_recursive(slab_dir);
	slab_dir = NULL;
}
