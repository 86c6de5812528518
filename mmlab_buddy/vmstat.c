// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_buddy: counters and the debugfs files, in the kernel's formats
 * (/proc/buddyinfo, pagetypeinfo, zoneinfo, vmstat and the extfrag files).
 *
 * /sys/kernel/debug/mmlab/: buddyinfo, pagetypeinfo, zoneinfo, vmstat,
 * extfrag_index, unusable_index, pageinfo (pageinfo.c), and the knobs drain,
 * min_free_kbytes, watermark_scale_factor and watermark_boost_factor (the
 * sysctls' meanings). A region is a node; its zone is named after it.
 * zoneinfo's min, low and high include the boost, as the kernel's do.
 *
 * Counters are per-CPU and summed on read over every possible CPU, so the
 * counts of a CPU that went offline stay in the sums: unlike the kernel's
 * vm events, summed over the online CPUs, they need no folding into a live
 * CPU when a CPU dies (vm_events_fold_cpu()). The files read nr_free
 * without the zone lock, as the kernel's do; pagetypeinfo takes the lock
 * once per (type, order) to count one list, capped as the kernel caps it.
 * zoneinfo's pagesets are those of the online CPUs, as the kernel's: a CPU
 * that went offline had its lists drained when it died.
 *
 * nr_bad_pages (zoneinfo and vmstat) counts the pages the bad page checks
 * took out of circulation: they are neither free nor held by anyone.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "internal.h"

DEFINE_PER_CPU(long, mmlab_vm_items[MMLAB_NR_VM_ITEMS]);
EXPORT_PER_CPU_SYMBOL_GPL(mmlab_vm_items);

static const char * const mmlab_vm_item_names[MMLAB_NR_VM_ITEMS] = {
	[MMLAB_NR_SLAB_RECLAIMABLE]		= "nr_slab_reclaimable",
	[MMLAB_NR_SLAB_UNRECLAIMABLE]		= "nr_slab_unreclaimable",
	[MMLAB_PGFAULT]				= "pgfault",
	[MMLAB_PGALLOC_NORMAL]			= "pgalloc_normal",
	[MMLAB_ALLOCSTALL_NORMAL]		= "allocstall_normal",
	[MMLAB_PGFREE]				= "pgfree",
	[MMLAB_PGSCAN_KSWAPD]			= "pgscan_kswapd",
	[MMLAB_PGSCAN_DIRECT]			= "pgscan_direct",
	[MMLAB_PGSTEAL_KSWAPD]			= "pgsteal_kswapd",
	[MMLAB_PGSTEAL_DIRECT]			= "pgsteal_direct",
	[MMLAB_PAGEOUTRUN]			= "pageoutrun",
	[MMLAB_PGMIGRATE_SUCCESS]		= "pgmigrate_success",
	[MMLAB_PGMIGRATE_FAIL]			= "pgmigrate_fail",
	[MMLAB_COMPACT_MIGRATE_SCANNED]		= "compact_migrate_scanned",
	[MMLAB_COMPACT_FREE_SCANNED]		= "compact_free_scanned",
	[MMLAB_COMPACT_ISOLATED]		= "compact_isolated",
	[MMLAB_COMPACT_STALL]			= "compact_stall",
	[MMLAB_COMPACT_FAIL]			= "compact_fail",
	[MMLAB_COMPACT_SUCCESS]			= "compact_success",
	[MMLAB_COMPACT_DAEMON_WAKE]		= "compact_daemon_wake",
	[MMLAB_COMPACT_DAEMON_MIGRATE_SCANNED]	= "compact_daemon_migrate_scanned",
	[MMLAB_COMPACT_DAEMON_FREE_SCANNED]	= "compact_daemon_free_scanned",
	[MMLAB_CMA_ALLOC_SUCCESS]		= "cma_alloc_success",
	[MMLAB_CMA_ALLOC_FAIL]			= "cma_alloc_fail",
	[MMLAB_KSWAPD_LOW_WMARK_HIT_QUICKLY]	= "kswapd_low_wmark_hit_quickly",
	[MMLAB_KSWAPD_HIGH_WMARK_HIT_QUICKLY]	= "kswapd_high_wmark_hit_quickly",
	[MMLAB_EXTFRAG_FALLBACK]		= "extfrag_fallback",
	[MMLAB_COMPACT_CAPTURE]			= "compact_capture",
};

static struct dentry *mmlab_buddy_files[11];

/* --- Counters ----------------------------------------------------------------- */

/**
 * mmlab_vm_state - the current value of a counter, summed over the CPUs.
 * @item: the counter.
 *
 * Return: the value (a state counter never reads below 0).
 */
long mmlab_vm_state(enum mmlab_vm_item item)
{
	long sum = 0;
	int cpu;

	if (item >= MMLAB_NR_VM_ITEMS)
		return 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu(mmlab_vm_items[item], cpu);
	return sum < 0 ? 0 : sum;
}
EXPORT_SYMBOL_GPL(mmlab_vm_state);

/* --- buddyinfo, pagetypeinfo, extfrag_index, unusable_index ---------------------- */

static unsigned long nr_free(struct mmlab_zone *zone, unsigned int order)
{
	return READ_ONCE(zone->free_area[order].nr_free);
}

static void zone_name_prefix(struct seq_file *m, struct mmlab_zone *zone)
{
	seq_printf(m, "Node %d, zone %8s ", zone->nid, zone->region->name);
}

static int buddyinfo_show(struct seq_file *m, void *v)
{
	unsigned int order;
	int i;

	for (i = 0; i < mmlab_nr_zones; i++) {
		zone_name_prefix(m, mmlab_zones[i]);
		for (order = 0; order < MMLAB_MAX_ORDER; order++)
			seq_printf(m, "%6lu ", nr_free(mmlab_zones[i], order));
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

/* Count one free list, capped, under a short hold of the zone lock. */
static unsigned long count_free_list(struct mmlab_zone *zone,
				     unsigned int order, int mt, bool *overflow)
{
	unsigned long n = 0, flags;
	struct list_head *pos;

	*overflow = false;
	spin_lock_irqsave(&zone->lock, flags);
	list_for_each(pos, &zone->free_area[order].free_list[mt]) {
		if (++n >= 100000) {
			*overflow = true;
			break;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return n;
}

static void pagetypeinfo_showfree(struct seq_file *m, struct mmlab_zone *zone)
{
	unsigned int order;
	int mt;

	for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++) {
		seq_printf(m, "Node %4d, zone %8s, type %12s ", zone->nid,
			   zone->region->name, mmlab_migratetype_names[mt]);
		for (order = 0; order < MMLAB_MAX_ORDER; order++) {
			bool overflow;
			unsigned long n = count_free_list(zone, order, mt,
							  &overflow);

			seq_printf(m, "%s%6lu ", overflow ? ">" : "", n);
			cond_resched();
		}
		seq_putc(m, '\n');
	}
}

static void pagetypeinfo_showblockcount(struct seq_file *m,
					struct mmlab_zone *zone)
{
	unsigned long count[MMLAB_MIGRATE_TYPES] = { 0 };
	unsigned long pb;
	int mt;

	for (pb = 0; pb < zone->nr_pageblocks; pb++) {
		mt = mmlab_pfnblock_mt(zone, zone->pageblock_base +
					      pb * MMLAB_PAGEBLOCK_PAGES);
		if (mt < MMLAB_MIGRATE_TYPES)
			count[mt]++;
	}
	zone_name_prefix(m, zone);
	for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
		seq_printf(m, "%12lu ", count[mt]);
	seq_putc(m, '\n');
}

static int pagetypeinfo_show(struct seq_file *m, void *v)
{
	unsigned int order;
	int i, mt;

	for (i = 0; i < mmlab_nr_zones; i++) {
		seq_printf(m, "Page block order: %d\n", MMLAB_PAGEBLOCK_ORDER);
		seq_printf(m, "Pages per block:  %lu\n", MMLAB_PAGEBLOCK_PAGES);
		seq_putc(m, '\n');
		seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
		for (order = 0; order < MMLAB_MAX_ORDER; order++)
			seq_printf(m, "%6d ", order);
		seq_putc(m, '\n');
		pagetypeinfo_showfree(m, mmlab_zones[i]);

		seq_printf(m, "\n%-23s", "Number of blocks type ");
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
			seq_printf(m, "%12s ", mmlab_migratetype_names[mt]);
		seq_putc(m, '\n');
		pagetypeinfo_showblockcount(m, mmlab_zones[i]);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagetypeinfo);

struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

static void fill_contig_page_info(struct mmlab_zone *zone,
				  unsigned int suitable_order,
				  struct contig_page_info *info)
{
	unsigned int order;

	memset(info, 0, sizeof(*info));
	for (order = 0; order < MMLAB_MAX_ORDER; order++) {
		unsigned long blocks = nr_free(zone, order);

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable += blocks <<
						      (order - suitable_order);
	}
}

/* 0: a failure would be for lack of memory; 1000: for fragmentation. */
static int fragmentation_index(unsigned int order, struct contig_page_info *info)
{
	unsigned long requested = 1UL << order;

	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - div_u64(1000 + div_u64(info->free_pages * 1000ULL,
					     requested),
			      info->free_blocks_total);
}

/* The share of free memory unusable for an allocation of @order. */
static int unusable_free_index(unsigned int order, struct contig_page_info *info)
{
	if (!info->free_pages)
		return 1000;
	return div_u64((info->free_pages -
			(info->free_blocks_suitable << order)) * 1000ULL,
		       info->free_pages);
}

/**
 * mmlab_fragmentation_index - the kernel's fragmentation_index() of a region.
 * @nid: the region.
 * @order: the order of the wanted allocation.
 *
 * Return: -1000 when a free block of @order exists, 0 when nothing is
 * free, else 0..1000: towards 0 a failure would be for lack of memory,
 * towards 1000 for fragmentation. -EINVAL (below -1000) for bad input.
 */
int mmlab_fragmentation_index(int nid, unsigned int order)
{
	struct mmlab_zone *zone = mmlab_zone(nid);
	struct contig_page_info info;

	if (!zone || order >= MMLAB_MAX_ORDER)
		return -EINVAL - 1000;
	fill_contig_page_info(zone, order, &info);
	return fragmentation_index(order, &info);
}
EXPORT_SYMBOL_GPL(mmlab_fragmentation_index);

/**
 * mmlab_extfrag_for_order - the percentage of a region's free memory that
 *	is in blocks smaller than @order (6.1's extfrag_for_order(), what
 *	proactive compaction scores).
 * @nid: the region.
 * @order: the order.
 *
 * Return: 0..100, 0 when nothing is free; -EINVAL for bad input.
 */
int mmlab_extfrag_for_order(int nid, unsigned int order)
{
	struct mmlab_zone *zone = mmlab_zone(nid);
	struct contig_page_info info;

	if (!zone || order >= MMLAB_MAX_ORDER)
		return -EINVAL;
	fill_contig_page_info(zone, order, &info);
	/* The unusable free index in percent; nothing free is no fragmentation. */
	return info.free_pages ? unusable_free_index(order, &info) / 10 : 0;
}
EXPORT_SYMBOL_GPL(mmlab_extfrag_for_order);

static int extfrag_index_show(struct seq_file *m, void *v)
{
	struct contig_page_info info;
	unsigned int order;
	int i, index;

	for (i = 0; i < mmlab_nr_zones; i++) {
		zone_name_prefix(m, mmlab_zones[i]);
		for (order = 0; order < MMLAB_MAX_ORDER; order++) {
			fill_contig_page_info(mmlab_zones[i], order, &info);
			index = fragmentation_index(order, &info);
			seq_printf(m, "%2d.%03d ", index / 1000,
				   abs(index % 1000));
		}
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

static int unusable_index_show(struct seq_file *m, void *v)
{
	struct contig_page_info info;
	unsigned int order;
	int i, index;

	for (i = 0; i < mmlab_nr_zones; i++) {
		zone_name_prefix(m, mmlab_zones[i]);
		for (order = 0; order < MMLAB_MAX_ORDER; order++) {
			fill_contig_page_info(mmlab_zones[i], order, &info);
			index = unusable_free_index(order, &info);
			seq_printf(m, "%d.%03d ", index / 1000, index % 1000);
		}
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

/* --- zoneinfo and vmstat ------------------------------------------------------------ */

static long total_bad(void)
{
	long sum = 0;
	int i;

	for (i = 0; i < mmlab_nr_zones; i++)
		sum += atomic_long_read(&mmlab_zones[i]->nr_bad_pages);
	return sum;
}

static unsigned long total_free(bool cma)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < mmlab_nr_zones; i++)
		sum += cma ? READ_ONCE(mmlab_zones[i]->free_cma) :
			     READ_ONCE(mmlab_zones[i]->free_pages);
	return sum;
}

static void zoneinfo_show_zone(struct seq_file *m, struct mmlab_zone *zone)
{
	int cpu;

	seq_printf(m, "Node %d, zone %8s", zone->nid, zone->region->name);
	seq_printf(m, "\n  pages free     %lu", READ_ONCE(zone->free_pages));
	seq_printf(m, "\n        boost    %lu", READ_ONCE(zone->watermark_boost));
	seq_printf(m, "\n        min      %lu", mmlab_wmark_pages(zone, MMLAB_WMARK_MIN));
	seq_printf(m, "\n        low      %lu", mmlab_wmark_pages(zone, MMLAB_WMARK_LOW));
	seq_printf(m, "\n        high     %lu", mmlab_wmark_pages(zone, MMLAB_WMARK_HIGH));
	seq_printf(m, "\n        spanned  %lu", zone->spanned_pages);
	seq_printf(m, "\n        present  %lu", zone->spanned_pages);
	seq_printf(m, "\n        managed  %lu", zone->managed_pages);
	seq_printf(m, "\n        cma      %lu", READ_ONCE(zone->cma_pages));
	seq_puts(m, "\n        protection: (0)");
	seq_printf(m, "\n      %-12s %lu", "nr_free_pages",
		   READ_ONCE(zone->free_pages));
	seq_printf(m, "\n      %-12s %lu", "nr_free_cma",
		   READ_ONCE(zone->free_cma));
	seq_printf(m, "\n      %-12s %ld", "nr_bad_pages",
		   atomic_long_read(&zone->nr_bad_pages));
	seq_puts(m, "\n  pagesets");
	for_each_online_cpu(cpu) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, cpu);

		seq_printf(m, "\n    cpu: %i", cpu);
		seq_printf(m, "\n              count: %i", READ_ONCE(pcp->count));
		seq_printf(m, "\n              high:  %i", READ_ONCE(pcp->high));
		seq_printf(m, "\n              batch: %i", READ_ONCE(pcp->batch));
		/* The zone counters are exact: no per-CPU drift to fold. */
		seq_printf(m, "\n  vm stats threshold: %d", 0);
	}
	seq_printf(m, "\n  node_unreclaimable:  %u",
		   READ_ONCE(zone->kswapd_failures) >= 16);
	seq_printf(m, "\n  start_pfn:           %lu", zone->start_pfn);
	seq_putc(m, '\n');
}

static int zoneinfo_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < mmlab_nr_zones; i++)
		zoneinfo_show_zone(m, mmlab_zones[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

static int vmstat_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "nr_free_pages %lu\n", total_free(false));
	seq_printf(m, "nr_free_cma %lu\n", total_free(true));
	seq_printf(m, "nr_bad_pages %ld\n", total_bad());
	for (i = 0; i < MMLAB_NR_VM_ITEMS; i++)
		seq_printf(m, "%s %ld\n", mmlab_vm_item_names[i],
			   mmlab_vm_state(i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

/* --- Knobs ------------------------------------------------------------------------- */

static int parse_int(const char __user *buf, size_t count, const char *name,
		     int *val)
{
	int ret = kstrtoint_from_user(buf, count, 0, val);

	if (ret)
		pr_warn("%s: not an integer\n", name);
	return ret;
}

static ssize_t drain_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	int val, ret = parse_int(buf, count, "drain", &val);

	if (ret)
		return ret;
	if (val != 1) {
		pr_warn("drain: write 1 to drain the per-CPU lists\n");
		return -EINVAL;
	}
	mmlab_drain_all_pages(-1);
	return count;
}

static const struct file_operations drain_fops = {
	.owner = THIS_MODULE,
	.write = drain_write,
	.llseek = noop_llseek,
};

/*
 * The integer knobs (the kernel's sysctls of the same names): each file
 * reads the value and takes a new one, which its setter checks and logs.
 */
struct mmlab_int_knob {
	const char *name;
	int (*get)(void);
	int (*set)(int val);
};

static int watermark_scale_factor_get(void)
{
	return READ_ONCE(mmlab_watermark_scale_factor);
}

static const struct mmlab_int_knob mmlab_int_knobs[] = {
	{ "min_free_kbytes", mmlab_get_min_free_kbytes,
	  mmlab_set_min_free_kbytes },
	{ "watermark_scale_factor", watermark_scale_factor_get,
	  mmlab_set_watermark_scale_factor },
	{ "watermark_boost_factor", mmlab_get_watermark_boost_factor,
	  mmlab_set_watermark_boost_factor },
};

static int int_knob_show(struct seq_file *m, void *v)
{
	const struct mmlab_int_knob *knob = m->private;

	seq_printf(m, "%d\n", knob->get());
	return 0;
}

static int int_knob_open(struct inode *inode, struct file *file)
{
	return single_open(file, int_knob_show, inode->i_private);
}

static ssize_t int_knob_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	const struct mmlab_int_knob *knob =
		((struct seq_file *)file->private_data)->private;
	int val, ret = parse_int(buf, count, knob->name, &val);

	if (!ret)
		ret = knob->set(val);
	return ret ? ret : count;
}

static const struct file_operations int_knob_fops = {
	.owner = THIS_MODULE,
	.open = int_knob_open,
	.read = seq_read,
	.write = int_knob_write,
	.llseek = seq_lseek,
	.release = single_release,
};

int mmlab_buddy_debugfs_init(void)
{
	struct dentry *root = mmlab_debugfs_root();
	int i, n = 0;

	if (IS_ERR_OR_NULL(root))
		return 0;
	mmlab_buddy_files[n++] = debugfs_create_file("buddyinfo", 0444, root,
						     NULL, &buddyinfo_fops);
	mmlab_buddy_files[n++] = debugfs_create_file("pagetypeinfo", 0400, root,
						     NULL, &pagetypeinfo_fops);
	mmlab_buddy_files[n++] = debugfs_create_file("zoneinfo", 0444, root,
						     NULL, &zoneinfo_fops);
	mmlab_buddy_files[n++] = debugfs_create_file("vmstat", 0444, root,
						     NULL, &vmstat_fops);
	mmlab_buddy_files[n++] = debugfs_create_file("extfrag_index", 0444,
						     root, NULL,
						     &extfrag_index_fops);
	mmlab_buddy_files[n++] = debugfs_create_file("unusable_index", 0444,
						     root, NULL,
						     &unusable_index_fops);
	mmlab_buddy_files[n++] = debugfs_create_file("pageinfo", 0400, root,
						     NULL, &mmlab_pageinfo_fops);
	mmlab_buddy_files[n++] = debugfs_create_file("drain", 0200, root,
						     NULL, &drain_fops);
	for (i = 0; i < ARRAY_SIZE(mmlab_int_knobs); i++)
		mmlab_buddy_files[n++] =
			debugfs_create_file(mmlab_int_knobs[i].name, 0644,
					    root, (void *)&mmlab_int_knobs[i],
					    &int_knob_fops);
	return 0;
}

void mmlab_buddy_debugfs_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(mmlab_buddy_files); i++) {
		debugfs_remove(mmlab_buddy_files[i]);
		mmlab_buddy_files[i] = NULL;
	}
}
