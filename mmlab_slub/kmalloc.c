// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_slub kmalloc: size classes kmalloc-8 .. kmalloc-8k plus kmalloc-96
 * and kmalloc-192, as mm/slab_common.c's kmalloc caches. Requests above
 * MMLAB_KMALLOC_MAX_CACHE_SIZE take a block of pages from mmlab_buddy
 * directly: owner MMLAB_OWNER_KERNEL, the order in the descriptor and
 * MMLAB_KMALLOC_LARGE in mmlab_page::private, so that kfree and ksize know
 * it from a slab object.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

static const unsigned int kmalloc_sizes[MMLAB_KMALLOC_CACHES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192
};

static struct mmlab_kmem_cache *mmlab_kmalloc_caches[MMLAB_KMALLOC_CACHES];

/**
 * mmlab_kmalloc_index() - the size class of a request.
 * @size: bytes, 1..MMLAB_KMALLOC_MAX_CACHE_SIZE.
 *
 * Return: the index of the smallest class that holds @size.
 */
unsigned int mmlab_kmalloc_index(size_t size)
{
	unsigned int i;

	for (i = 0; i < MMLAB_KMALLOC_CACHES - 1; i++)
		if (size <= kmalloc_sizes[i])
			break;
	return i;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_kmalloc_index);

/**
 * mmlab_kmalloc_cache() - a kmalloc cache.
 * @index: size class.
 *
 * Return: the cache.
 */
struct mmlab_kmem_cache *mmlab_kmalloc_cache(unsigned int index)
{
	return index < MMLAB_KMALLOC_CACHES ? mmlab_kmalloc_caches[index] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_kmalloc_cache);

static void *mmlab_kmalloc_large(size_t size, mmlab_gfp_t gfp, int nid)
{
	unsigned int order = get_order(size);
	struct mmlab_page *page;

	if (order >= MMLAB_MAX_ORDER)
		return NULL;
	if (nid != NUMA_NO_NODE)
		page = mmlab_alloc_pages_node(nid, gfp, order);
	else
		page = mmlab_alloc_pages(gfp, order);
	if (!page)
		return NULL;
	mmlab_page_set_owner(page, MMLAB_OWNER_KERNEL);
	mmlab_page_set_order(page, order);
	WRITE_ONCE(page->private, MMLAB_KMALLOC_LARGE);
	return mmlab_page_address(page);
}

/**
 * mmlab_kmalloc_node() - allocate @size bytes from region @nid.
 * @size: bytes; 0 gives ZERO_SIZE_PTR.
 * @gfp: MMLAB_GFP_* flags.
 * @nid: region, or NUMA_NO_NODE.
 *
 * Context: any context when @gfp does not allow direct reclaim.
 * Return: the memory, or NULL.
 */
void *mmlab_kmalloc_node(size_t size, mmlab_gfp_t gfp, int nid)
{
	struct mmlab_kmem_cache *s;
	size_t alloc;
	void *p;

	if (!size)
		return ZERO_SIZE_PTR;
	if (size > MMLAB_KMALLOC_MAX_CACHE_SIZE) {
		p = mmlab_kmalloc_large(size, gfp, nid);
		alloc = PAGE_SIZE << get_order(size);
	} else {
		s = mmlab_kmalloc_caches[mmlab_kmalloc_index(size)];
		p = __mmlab_slab_alloc(s, gfp, nid, _RET_IP_);
		alloc = s->size;
	}
	trace_kmalloc(_RET_IP_, p, size, alloc, gfp, nid);
	return p;
}
EXPORT_SYMBOL_GPL(mmlab_kmalloc_node);

/**
 * mmlab_kmalloc() - allocate @size bytes.
 * @size: bytes; 0 gives ZERO_SIZE_PTR.
 * @gfp: MMLAB_GFP_* flags.
 *
 * Context: any context when @gfp does not allow direct reclaim.
 * Return: the memory, or NULL.
 */
void *mmlab_kmalloc(size_t size, mmlab_gfp_t gfp)
{
	return mmlab_kmalloc_node(size, gfp, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(mmlab_kmalloc);

/**
 * mmlab_kzalloc() - allocate @size zeroed bytes.
 * @size: bytes.
 * @gfp: MMLAB_GFP_* flags.
 *
 * Return: the memory, or NULL.
 */
void *mmlab_kzalloc(size_t size, mmlab_gfp_t gfp)
{
	return mmlab_kmalloc_node(size, gfp | __MMLAB_GFP_ZERO, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(mmlab_kzalloc);

static bool is_large_kmalloc(const struct mmlab_page *page, const void *obj)
{
	return mmlab_page_owner(page) == MMLAB_OWNER_KERNEL &&
	       READ_ONCE(page->private) == MMLAB_KMALLOC_LARGE &&
	       obj == mmlab_page_address(page);
}

/*
 * Take the large kmalloc at @obj for freeing: of two racing kfree() calls
 * only one clears the mark, the other is a bad free.
 */
static bool claim_large_kmalloc(struct mmlab_page *page, const void *obj)
{
	return is_large_kmalloc(page, obj) &&
	       cmpxchg(&page->private, MMLAB_KMALLOC_LARGE, 0) ==
	       MMLAB_KMALLOC_LARGE;
}

/**
 * mmlab_kfree() - free memory from mmlab_kmalloc().
 * @obj: the memory; NULL and ZERO_SIZE_PTR are ignored.
 *
 * A pointer that mmlab_kmalloc() did not return is reported with one log
 * line and ignored.
 *
 * Context: any context.
 */
void mmlab_kfree(const void *obj)
{
	struct mmlab_page *page;
	struct mmlab_slab *slab;

	if (ZERO_OR_NULL_PTR(obj))
		return;
	trace_kfree(_RET_IP_, obj);
	page = mmlab_virt_to_page(obj);
	if (!page) {
		pr_err_ratelimited("kfree of %p, not in a region\n", obj);
		return;
	}
	/* The slab stays readable until the unlock (see slub.c). */
	rcu_read_lock();
	slab = mmlab_virt_to_slab(obj);
	if (slab)
		__mmlab_slab_free(READ_ONCE(slab->cache), (void *)obj, _RET_IP_);
	rcu_read_unlock();
	if (slab)
		return;
	if (!claim_large_kmalloc(page, obj)) {
		pr_err_ratelimited("kfree of %p, not a kmalloc object\n", obj);
		return;
	}
	mmlab_free_pages(page, mmlab_page_order(page));
}
EXPORT_SYMBOL_GPL(mmlab_kfree);

/**
 * mmlab_ksize() - usable size of a kmalloc or cache object.
 * @obj: the object.
 *
 * Return: bytes usable at @obj (0 for NULL or a foreign pointer).
 */
size_t mmlab_ksize(const void *obj)
{
	struct mmlab_page *page;
	struct mmlab_slab *slab;
	size_t size = 0;

	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	page = mmlab_virt_to_page(obj);
	if (!page)
		return 0;
	rcu_read_lock();
	slab = mmlab_virt_to_slab(obj);
	if (slab) {
		struct mmlab_kmem_cache *s = READ_ONCE(slab->cache);

		size = mmlab_cache_debug(s) ? s->object_size : s->size;
	}
	rcu_read_unlock();
	if (slab)
		return size;
	if (is_large_kmalloc(page, obj))
		return PAGE_SIZE << mmlab_page_order(page);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_ksize);

static void kmalloc_name(char *buf, size_t len, unsigned int size)
{
	if (size >= 1024)
		snprintf(buf, len, "kmalloc-%uk", size / 1024);
	else
		snprintf(buf, len, "kmalloc-%u", size);
}

/**
 * mmlab_kmalloc_init() - create the kmalloc caches.
 *
 * Return: 0 or -errno.
 */
int mmlab_kmalloc_init(void)
{
	char name[MMLAB_CACHE_NAME_LEN];
	unsigned int i;

	for (i = 0; i < MMLAB_KMALLOC_CACHES; i++) {
		kmalloc_name(name, sizeof(name), kmalloc_sizes[i]);
		mmlab_kmalloc_caches[i] =
			mmlab_kmem_cache_create(name, kmalloc_sizes[i], 0, 0,
						NULL);
		if (IS_ERR(mmlab_kmalloc_caches[i])) {
			int ret = PTR_ERR(mmlab_kmalloc_caches[i]);

			mmlab_kmalloc_caches[i] = NULL;
			mmlab_kmalloc_exit();
			return ret;
		}
	}
	return 0;
}

/**
 * mmlab_kmalloc_exit() - destroy the kmalloc caches.
 */
void mmlab_kmalloc_exit(void)
{
	unsigned int i;

	for (i = 0; i < MMLAB_KMALLOC_CACHES; i++) {
		mmlab_kmem_cache_destroy(mmlab_kmalloc_caches[i]);
		mmlab_kmalloc_caches[i] = NULL;
	}
}
