/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_slub: object caches, kmalloc size classes and a vmalloc-style
 * mapper on top of mmlab_buddy, as mm/slub.c and mm/vmalloc.c provide them
 * for the kernel.
 */
#ifndef _MMLAB_SLUB_H
#define _MMLAB_SLUB_H

#include <linux/slab.h>
#include <linux/types.h>
#include "mmlab_buddy/mmlab_buddy.h"

struct mmlab_kmem_cache;

/* Cache flags: the debug features, as SLAB_* (mm/slab.h). */
#define MMLAB_SLAB_CONSISTENCY_CHECKS	BIT(0)	/* 'F': sanity checks */
#define MMLAB_SLAB_RED_ZONE		BIT(1)	/* 'Z': red zone after objects */
#define MMLAB_SLAB_POISON		BIT(2)	/* 'P': poison free objects */
#define MMLAB_SLAB_STORE_USER		BIT(3)	/* 'U': alloc/free call sites */
#define MMLAB_SLAB_HWCACHE_ALIGN	BIT(4)	/* align objects to cache lines */
#define MMLAB_SLAB_RECLAIM_ACCOUNT	BIT(5)	/* objects a shrinker frees */
#define MMLAB_SLAB_DEBUG_FLAGS		(MMLAB_SLAB_CONSISTENCY_CHECKS | \
					 MMLAB_SLAB_RED_ZONE | \
					 MMLAB_SLAB_POISON | \
					 MMLAB_SLAB_STORE_USER)

#define MMLAB_CACHE_NAME_LEN		32

/*
 * The largest kmalloc served by a size class, the kernel's
 * KMALLOC_MAX_CACHE_SIZE (two pages with SLUB); larger goes to pages.
 */
#define MMLAB_KMALLOC_MAX_CACHE_SIZE	KMALLOC_MAX_CACHE_SIZE

struct mmlab_kmem_cache *
mmlab_kmem_cache_create(const char *name, unsigned int size,
			unsigned int align, unsigned long flags,
			void (*ctor)(void *));
void mmlab_kmem_cache_destroy(struct mmlab_kmem_cache *s);
void *mmlab_kmem_cache_alloc(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp);
void *mmlab_kmem_cache_alloc_node(struct mmlab_kmem_cache *s,
				  mmlab_gfp_t gfp, int nid);
void mmlab_kmem_cache_free(struct mmlab_kmem_cache *s, void *obj);
int mmlab_kmem_cache_alloc_bulk(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp,
				size_t nr, void **p);
void mmlab_kmem_cache_free_bulk(struct mmlab_kmem_cache *s, size_t nr,
				void **p);
unsigned long mmlab_kmem_cache_shrink(struct mmlab_kmem_cache *s);
int mmlab_kmem_cache_validate(struct mmlab_kmem_cache *s);
const char *mmlab_kmem_cache_name(const struct mmlab_kmem_cache *s);
unsigned int mmlab_kmem_cache_size(const struct mmlab_kmem_cache *s);

void *mmlab_kmalloc(size_t size, mmlab_gfp_t gfp);
void *mmlab_kmalloc_node(size_t size, mmlab_gfp_t gfp, int nid);
void *mmlab_kzalloc(size_t size, mmlab_gfp_t gfp);
void mmlab_kfree(const void *obj);
size_t mmlab_ksize(const void *obj);

void *mmlab_vmalloc(unsigned long size);
void mmlab_vfree(const void *addr);
void *mmlab_vmap(struct mmlab_page **pages, unsigned int count);
void mmlab_vunmap(const void *addr);
struct mmlab_page *mmlab_vmalloc_to_page(const void *addr);
bool mmlab_is_vmalloc_addr(const void *addr);
void mmlab_vmalloc_purge(void);

#endif /* _MMLAB_SLUB_H */
