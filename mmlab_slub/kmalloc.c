// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_slub kmalloc: the size classes of the kernel mmlab is built
 * against, as mm/slab_common.c makes them: kmalloc-N for every power of two
 * from KMALLOC_MIN_SIZE (2^KMALLOC_SHIFT_LOW) to KMALLOC_MAX_CACHE_SIZE
 * (2^KMALLOC_SHIFT_HIGH), plus kmalloc-96 when KMALLOC_MIN_SIZE <= 32 and
 * kmalloc-192 when it is <= 64. On x86_64 that is kmalloc-8 .. kmalloc-8k
 * with 96 and 192; on arm64, whose ARCH_DMA_MINALIGN of 128 makes
 * KMALLOC_MIN_SIZE 128, kmalloc-128 .. kmalloc-8k.
 *
 * The classes are indexed as kmalloc_caches[][] is: index n holds 2^n
 * bytes, index 1 is kmalloc-96 and index 2 kmalloc-192. A request of up to
 * 192 bytes finds its index in size_index[] (one entry per 8 bytes, filled
 * at init for KMALLOC_MIN_SIZE, as setup_kmalloc_cache_index_table()
 * does), a larger one from fls(size - 1), as kmalloc_slab().
 *
 * Requests above MMLAB_KMALLOC_MAX_CACHE_SIZE take a block of pages from
 * mmlab_buddy directly: owner MMLAB_OWNER_KERNEL, the order in the
 * descriptor and MMLAB_KMALLOC_LARGE in mmlab_page::private, so that kfree
 * and ksize know it from a slab object.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "trace.h"

/* size_index[] can say KMALLOC_SHIFT_LOW for the first entries only so. */
static_assert(!(KMALLOC_MIN_SIZE & (KMALLOC_MIN_SIZE - 1)) &&
	      KMALLOC_MIN_SIZE <= 256);

/* Requests of up to this many bytes are looked up in size_index[]. */
#define MMLAB_KMALLOC_SMALL	192

static struct mmlab_kmem_cache *mmlab_kmalloc_caches[MMLAB_KMALLOC_CACHES];
static u8 size_index[MMLAB_KMALLOC_SMALL / 8];

static unsigned int size_index_elem(size_t size)
{
	return (size - 1) / 8;
}

/**
 * mmlab_kmalloc_size() - the object size of a kmalloc index.
 * @index: 1 (96 bytes), 2 (192 bytes) or n (2^n bytes).
 *
 * Return: the size in bytes; the index need not have a class.
 */
unsigned int mmlab_kmalloc_size(unsigned int index)
{
	if (index == 1)
		return 96;
	if (index == 2)
		return 192;
	return 1U << index;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_kmalloc_size);

/* Whether this kernel has the class of @index, as create_kmalloc_caches(). */
static bool kmalloc_index_exists(unsigned int index)
{
	if (index == 1)
		return KMALLOC_MIN_SIZE <= 32;
	if (index == 2)
		return KMALLOC_MIN_SIZE <= 64;
	return index >= KMALLOC_SHIFT_LOW && index <= KMALLOC_SHIFT_HIGH;
}

/* The index of the smallest class that holds @size bytes, @size <= 192. */
static unsigned int small_kmalloc_index(size_t size)
{
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (kmalloc_index_exists(1) && size > 64 && size <= 96)
		return 1;
	if (kmalloc_index_exists(2) && size > 128 && size <= 192)
		return 2;
	return fls(size - 1);
}

static void setup_size_index(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(size_index); i++)
		size_index[i] = small_kmalloc_index((i + 1) * 8);
}

/**
 * mmlab_kmalloc_index() - the size class of a request.
 * @size: bytes, 1..MMLAB_KMALLOC_MAX_CACHE_SIZE.
 *
 * Return: the kmalloc index of the smallest class that holds @size.
 */
unsigned int mmlab_kmalloc_index(size_t size)
{
	if (size <= MMLAB_KMALLOC_SMALL)
		return size_index[size_index_elem(size)];
	return fls(size - 1);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_kmalloc_index);

/**
 * mmlab_kmalloc_cache() - a kmalloc cache.
 * @index: kmalloc index, as mmlab_kmalloc_index() returns.
 *
 * Return: the cache, or NULL when this kernel has no class of @index.
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
	slab = __mmlab_page_to_slab(page);
	if (slab)
		__mmlab_slab_free(slab, (void *)obj, _RET_IP_);
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
	slab = __mmlab_page_to_slab(page);
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

/* Creates the class of @index; it must exist on this kernel. */
static int kmalloc_cache_create(unsigned int index)
{
	unsigned int size = mmlab_kmalloc_size(index);
	char name[MMLAB_CACHE_NAME_LEN];
	struct mmlab_kmem_cache *s;

	kmalloc_name(name, sizeof(name), size);
	s = mmlab_kmem_cache_create(name, size, 0, 0, NULL);
	if (IS_ERR(s))
		return PTR_ERR(s);
	mmlab_kmalloc_caches[index] = s;
	return 0;
}

/**
 * mmlab_kmalloc_init() - create the kmalloc caches.
 *
 * Return: 0 or -errno.
 */
int mmlab_kmalloc_init(void)
{
	unsigned int i;
	int ret;

	setup_size_index();
	for (i = 0; i < MMLAB_KMALLOC_CACHES; i++) {
		if (!kmalloc_index_exists(i))
			continue;
		ret = kmalloc_cache_create(i);
		if (ret) {
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
