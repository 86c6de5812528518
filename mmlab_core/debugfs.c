// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_core: the debugfs root /sys/kernel/debug/mmlab/ and its "regions"
 * file, one fixed-column line per region; "kpages" says whether every
 * frame of the region has a kernel struct page.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *mmlab_debugfs;

/**
 * mmlab_debugfs_root() - the mmlab directory in debugfs.
 *
 * Description:
 * Every module puts its files under /sys/kernel/debug/mmlab/; mmlab_core
 * creates the directory at load and removes it, recursively, at unload.
 *
 * Return: the directory's dentry (an error pointer when debugfs is not
 * available, which the debugfs functions accept as a parent).
 */
struct dentry *mmlab_debugfs_root(void)
{
	return mmlab_debugfs;
}
EXPORT_SYMBOL_GPL(mmlab_debugfs_root);

#define MMLAB_REGIONS_FMT "%-8s %-18s %-18s %10s %10s %6s %-7s %-6s %-6s %s\n"

static int mmlab_regions_show(struct seq_file *m, void *v)
{
	struct mmlab_region *r;

	seq_printf(m, MMLAB_REGIONS_FMT, "name", "base", "size", "pages",
		   "reserved", "desc_b", "map", "source", "kpages", "virt");
	for_each_mmlab_region(r) {
		seq_printf(m, "%-8s %#018llx %#018llx %10lu %10lu %6zu %-7s %-6s %-6s %p\n",
			   r->name, (u64)r->base, (u64)r->size, r->nr_pages,
			   r->nr_reserved, sizeof(struct mmlab_page),
			   mmlab_map_name(r->map_kind),
			   mmlab_source_name(r->source),
			   r->kpages ? "yes" : "no", r->virt);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mmlab_regions);

void mmlab_debugfs_init(void)
{
	mmlab_debugfs = debugfs_create_dir("mmlab", NULL);
	debugfs_create_file("regions", 0444, mmlab_debugfs, NULL,
			    &mmlab_regions_fops);
}

void mmlab_debugfs_exit(void)
{
	debugfs_remove_recursive(mmlab_debugfs);
	mmlab_debugfs = NULL;
}
