// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_cma: debugfs files.
 *
 * /sys/kernel/debug/mmlab/cma/<area>/ holds the files of the kernel's
 * /sys/kernel/debug/cma/<area>/ (mm/cma_debug.c, 6.1) in their formats:
 * alloc and free (write a page count; alloc keeps what it got on a list
 * that free gives back from), count, order_per_bit, used, maxchunk,
 * base_pfn ("%llu\n") and bitmap (u32 words in decimal).
 * /sys/kernel/debug/mmlab/compact compacts a region (write its id) or
 * every region ("all"); extfrag_threshold reads and sets the threshold.
 *
 * Lock: mmlab_cma::mem_head_lock protects the alloc file's list.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

static struct dentry *cma_root;
static struct dentry *compact_file;
static struct dentry *threshold_file;

/**
 * struct cma_mem - one allocation of the alloc file.
 * @node: on mmlab_cma::mem_head.
 * @p: the first page.
 * @n: pages.
 */
struct cma_mem {
	struct hlist_node node;
	struct mmlab_page *p;
	unsigned long n;
};

static int cma_ulong_get(void *data, u64 *val)
{
	*val = *(unsigned long *)data;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(cma_ulong_fops, cma_ulong_get, NULL, "%llu\n");

static int cma_uint_get(void *data, u64 *val)
{
	*val = *(unsigned int *)data;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(cma_uint_fops, cma_uint_get, NULL, "%llu\n");

static int cma_used_get(void *data, u64 *val)
{
	*val = mmlab_cma_used_pages(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(cma_used_fops, cma_used_get, NULL, "%llu\n");

static int cma_maxchunk_get(void *data, u64 *val)
{
	*val = mmlab_cma_maxchunk(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(cma_maxchunk_fops, cma_maxchunk_get, NULL, "%llu\n");

static void cma_add_to_mem_list(struct mmlab_cma *c, struct cma_mem *mem)
{
	spin_lock(&c->mem_head_lock);
	hlist_add_head(&mem->node, &c->mem_head);
	spin_unlock(&c->mem_head_lock);
}

static struct cma_mem *cma_get_entry_from_list(struct mmlab_cma *c)
{
	struct cma_mem *mem = NULL;

	spin_lock(&c->mem_head_lock);
	if (!hlist_empty(&c->mem_head)) {
		mem = hlist_entry(c->mem_head.first, struct cma_mem, node);
		hlist_del_init(&mem->node);
	}
	spin_unlock(&c->mem_head_lock);
	return mem;
}

/* Give back @count pages, whole allocations first (cma_free_mem). */
static int cma_free_mem(struct mmlab_cma *c, unsigned long count)
{
	struct cma_mem *mem;

	while (count) {
		mem = cma_get_entry_from_list(c);
		if (!mem)
			return 0;
		if (mem->n <= count) {
			mmlab_cma_release(c, mem->p, mem->n);
			count -= mem->n;
			kfree(mem);
		} else if (c->order_per_bit == 0) {
			mmlab_cma_release(c, mem->p, count);
			mem->p += count;
			mem->n -= count;
			count = 0;
			cma_add_to_mem_list(c, mem);
		} else {
			pr_debug("%s: cannot release partial block when order_per_bit != 0\n",
				 c->name);
			cma_add_to_mem_list(c, mem);
			break;
		}
	}
	return 0;
}

void mmlab_cma_debugfs_free_mem(struct mmlab_cma *c)
{
	cma_free_mem(c, ULONG_MAX);
}

static int cma_free_write(void *data, u64 val)
{
	struct mmlab_cma *c = data;

	if (!val || val > c->count) {
		pr_warn("%s: free: page count %llu is outside 1..%lu\n",
			c->name, val, c->count);
		return -EINVAL;
	}
	return cma_free_mem(c, val);
}
DEFINE_DEBUGFS_ATTRIBUTE(cma_free_fops, NULL, cma_free_write, "%llu\n");

static int cma_alloc_write(void *data, u64 val)
{
	struct mmlab_cma *c = data;
	struct cma_mem *mem;
	int err;

	if (!val || val > c->count) {
		pr_warn("%s: alloc: page count %llu is outside 1..%lu\n",
			c->name, val, c->count);
		return -EINVAL;
	}
	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	mem->p = __mmlab_cma_alloc(c, val, 0, false, &err);
	if (!mem->p) {
		kfree(mem);
		return err;
	}
	mem->n = val;
	cma_add_to_mem_list(c, mem);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(cma_alloc_fops, NULL, cma_alloc_write, "%llu\n");

void mmlab_cma_debugfs_add_area(struct mmlab_cma *c)
{
	struct dentry *d;

	if (IS_ERR_OR_NULL(cma_root))
		return;
	d = debugfs_create_dir(c->name, cma_root);
	c->dir = d;
	debugfs_create_file_unsafe("alloc", 0200, d, c, &cma_alloc_fops);
	debugfs_create_file_unsafe("free", 0200, d, c, &cma_free_fops);
	debugfs_create_file_unsafe("base_pfn", 0444, d, &c->base_pfn, &cma_ulong_fops);
	debugfs_create_file_unsafe("count", 0444, d, &c->count, &cma_ulong_fops);
	debugfs_create_file_unsafe("order_per_bit", 0444, d,
				   &c->order_per_bit, &cma_uint_fops);
	debugfs_create_file_unsafe("used", 0444, d, c, &cma_used_fops);
	debugfs_create_file_unsafe("maxchunk", 0444, d, c, &cma_maxchunk_fops);
	c->dfs_bitmap.array = (u32 *)c->bitmap;
	c->dfs_bitmap.n_elements = DIV_ROUND_UP(c->count >> c->order_per_bit,
						BITS_PER_BYTE * sizeof(u32));
	debugfs_create_u32_array("bitmap", 0444, d, &c->dfs_bitmap);
}

void mmlab_cma_debugfs_remove_area(struct mmlab_cma *c)
{
	debugfs_remove(c->dir);
	c->dir = NULL;
}

/* --- compact and extfrag_threshold ------------------------------------------ */

static ssize_t compact_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[16], *s;
	int nid, ret;

	if (len >= sizeof(buf)) {
		pr_warn("compact: write a region id or \"all\"\n");
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	s = strim(buf);
	if (!strcmp(s, "all")) {
		for (nid = 0; mmlab_zone(nid); nid++)
			mmlab_compact_node(nid, -1, NULL);
		return len;
	}
	ret = kstrtoint(s, 0, &nid);
	if (ret || !mmlab_zone(nid)) {
		pr_warn("compact: '%s' is neither a region id nor \"all\"\n", s);
		return -EINVAL;
	}
	mmlab_compact_node(nid, -1, NULL);
	return len;
}

static const struct file_operations compact_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = compact_write,
	.llseek = noop_llseek,
};

static int threshold_get(void *data, u64 *val)
{
	*val = mmlab_get_extfrag_threshold();
	return 0;
}

static int threshold_set(void *data, u64 val)
{
	return mmlab_set_extfrag_threshold(val > 1000 ? -1 : (int)val);
}
DEFINE_DEBUGFS_ATTRIBUTE(threshold_fops, threshold_get, threshold_set, "%llu\n");

void mmlab_cma_debugfs_init(void)
{
	struct dentry *root = mmlab_debugfs_root();

	if (IS_ERR_OR_NULL(root))
		return;
	cma_root = debugfs_create_dir("cma", root);
	compact_file = debugfs_create_file("compact", 0200, root, NULL,
					   &compact_fops);
	threshold_file = debugfs_create_file_unsafe("extfrag_threshold", 0644,
						    root, NULL, &threshold_fops);
}

void mmlab_cma_debugfs_exit(void)
{
	debugfs_remove(threshold_file);
	debugfs_remove(compact_file);
	debugfs_remove(cma_root);
	threshold_file = NULL;
	compact_file = NULL;
	cma_root = NULL;
}
