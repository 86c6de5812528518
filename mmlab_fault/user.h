/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_fault internals: the handle table of an open /dev/mmlab for
 * caches, objects, vmalloc areas and CMA allocations (user.c), shared by
 * the ioctls of ioctl_slub.c and ioctl_cma.c.
 */
#ifndef _MMLAB_FAULT_USER_H
#define _MMLAB_FAULT_USER_H

#include <linux/types.h>

struct mmlab_file;
struct mmlab_kmem_cache;
struct mmlab_cma;
struct mmlab_page;

/* Caches one open file may create. */
#define MMLAB_USER_MAX_CACHES	16

/**
 * enum mmlab_ref_kind - what a handle of the table names.
 * @MMLAB_REF_CACHE: a cache of CACHE_CREATE.
 * @MMLAB_REF_OBJ: an object of OBJ_ALLOC.
 * @MMLAB_REF_KMALLOC: an object of KMALLOC.
 * @MMLAB_REF_VMALLOC: an area of VMALLOC.
 * @MMLAB_REF_CMA: pages of CMA_ALLOC.
 * @MMLAB_REF_NR_KINDS: number of kinds.
 */
enum mmlab_ref_kind {
	MMLAB_REF_CACHE,
	MMLAB_REF_OBJ,
	MMLAB_REF_KMALLOC,
	MMLAB_REF_VMALLOC,
	MMLAB_REF_CMA,
	MMLAB_REF_NR_KINDS,
};

/**
 * struct mmlab_ref - one entry of the handle table.
 * @kind: what it names.
 * @bytes: what it counts against MMLAB_USER_MAX_BYTES.
 * @cache: MMLAB_REF_CACHE: the cache and its live objects.
 * @cache.s: the cache.
 * @cache.nr_objs: objects of this file allocated from it.
 * @obj: MMLAB_REF_OBJ and MMLAB_REF_KMALLOC: the object and, for OBJ,
 *	the table entry of its cache.
 * @obj.cache: that entry; NULL for KMALLOC.
 * @obj.p: the object.
 * @vaddr: MMLAB_REF_VMALLOC: the area.
 * @cma: MMLAB_REF_CMA: the area, the first page and the page count.
 * @cma.area: the CMA area.
 * @cma.page: the first page.
 * @cma.count: pages.
 */
struct mmlab_ref {
	enum mmlab_ref_kind kind;
	unsigned long bytes;
	union {
		struct {
			struct mmlab_kmem_cache *s;
			unsigned long nr_objs;
		} cache;
		struct {
			struct mmlab_ref *cache;
			void *p;
		} obj;
		void *vaddr;
		struct {
			struct mmlab_cma *area;
			struct mmlab_page *page;
			unsigned long count;
		} cma;
	};
};

void mmlab_refs_init(struct mmlab_file *mf);
void mmlab_refs_release(struct mmlab_file *mf);
int mmlab_refs_reserve(struct mmlab_file *mf, const char *what,
		       unsigned long nr, u64 bytes);
int mmlab_ref_add(struct mmlab_file *mf, struct mmlab_ref *ref, u64 *handle);
struct mmlab_ref *mmlab_ref_find(struct mmlab_file *mf, const char *what,
				 u64 handle, enum mmlab_ref_kind kind);
void mmlab_ref_put(struct mmlab_file *mf, u64 handle);
bool mmlab_u64_zero(const u64 *words, size_t n);
struct mmlab_ioc_handle;
int mmlab_handle_arg_in(struct mmlab_ioc_handle *req, void __user *uarg,
			size_t usize, const char *what);

long mmlab_ioc_held(struct mmlab_file *mf, void __user *uarg, size_t usize);
long mmlab_ioc_cache_create(struct mmlab_file *mf, void __user *uarg,
			    size_t usize);
long mmlab_ioc_cache_destroy(struct mmlab_file *mf, void __user *uarg,
			     size_t usize);
long mmlab_ioc_cache_shrink(struct mmlab_file *mf, void __user *uarg,
			    size_t usize);
long mmlab_ioc_obj_alloc(struct mmlab_file *mf, void __user *uarg,
			 size_t usize);
long mmlab_ioc_kmalloc(struct mmlab_file *mf, void __user *uarg, size_t usize);
long mmlab_ioc_obj_free(struct mmlab_file *mf, void __user *uarg,
			size_t usize);
long mmlab_ioc_vmalloc(struct mmlab_file *mf, void __user *uarg, size_t usize);
long mmlab_ioc_vfree(struct mmlab_file *mf, void __user *uarg, size_t usize);
long mmlab_ioc_cma_alloc(struct mmlab_file *mf, void __user *uarg,
			 size_t usize);
long mmlab_ioc_cma_release(struct mmlab_file *mf, void __user *uarg,
			   size_t usize);
long mmlab_ioc_compact(struct mmlab_file *mf, void __user *uarg, size_t usize);

#endif /* _MMLAB_FAULT_USER_H */
