/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_slub internals shared by its files and its KUnit suites: not for
 * other modules.
 */
#ifndef _MMLAB_SLUB_INTERNAL_H
#define _MMLAB_SLUB_INTERNAL_H

#include <linux/list.h>
#include <linux/local_lock.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reciprocal_div.h>
#include <linux/spinlock.h>
#include <linux/stackdepot.h>
#include "mmlab_slub/mmlab_slub.h"

/* Per-cache event counters, as enum stat_item of CONFIG_SLUB_STATS. */
enum mmlab_stat_item {
	ALLOC_FASTPATH,		/* from the CPU freelist */
	ALLOC_SLOWPATH,		/* CPU freelist empty */
	ALLOC_REFILL,		/* CPU slab refilled from remote frees */
	CPU_PARTIAL_ALLOC,	/* CPU slab taken from the CPU partial list */
	ALLOC_FROM_PARTIAL,	/* slab taken from the node partial list */
	ALLOC_SLAB,		/* new slab from mmlab_buddy */
	ALLOC_NODE_MISMATCH,	/* CPU slab on the wrong node */
	FREE_FASTPATH,		/* to the CPU freelist */
	FREE_SLOWPATH,		/* to a slab that is not this CPU's */
	FREE_FROZEN,		/* to a slab held by some CPU */
	FREE_ADD_PARTIAL,	/* full slab put on the node partial list */
	FREE_REMOVE_PARTIAL,	/* empty slab taken off the node partial list */
	CPU_PARTIAL_FREE,	/* full slab put on the CPU partial list */
	CPU_PARTIAL_DRAIN,	/* CPU partial list moved to the node */
	FREE_SLAB,		/* slab given back to mmlab_buddy */
	DEACTIVATE_FULL,	/* CPU slab dropped while full */
	DEACTIVATE_EMPTY,	/* CPU slab dropped while empty */
	DEACTIVATE_PARTIAL,	/* CPU slab put back on the node partial list */
	CPUSLAB_FLUSH,		/* CPU slab flushed (shrink, validate) */
	ALLOC_TOTAL,		/* every successful allocation (see mmlab_stat_cpu()) */
	FREE_TOTAL,		/* every accepted free (see mmlab_stat_cpu()) */
	DEBUG_ERRORS,		/* errors the debug checks caught */
	NR_MMLAB_STATS
};

extern const char * const mmlab_stat_names[NR_MMLAB_STATS];

/**
 * struct mmlab_slab - the metadata of one slab.
 * @cache: the cache it belongs to.
 * @page: the first page of the slab (a block of 1 << cache->order pages).
 * @base: kernel address of the first object.
 * @freelist: free objects not held by a CPU, hardened pointers.
 * @inuse: objects not on @freelist (allocated or on a CPU freelist).
 * @objects: objects in the slab.
 * @frozen: the slab is a CPU slab or on a CPU partial list.
 * @discarded: the slab has left its node and is being given back; a free
 *	that finds it so (under the node lock) is a bad free.
 * @nid: region of the pages.
 * @list: on a node partial list or a CPU partial list.
 * @all: on the node list of every slab (for validate and destroy).
 * @rcu: frees this structure a grace period after the slab's pages went
 *	back, so that a racing free that found the slab through a page can
 *	still read it.
 *
 * The 24-byte mmlab_page cannot hold this (struct slab in the kernel
 * overlays struct page); every page of the slab points here through
 * mmlab_page::private instead.
 */
struct mmlab_slab {
	struct mmlab_kmem_cache *cache;
	struct mmlab_page *page;
	void *base;
	void *freelist;
	unsigned int inuse;
	unsigned int objects;
	bool frozen;
	bool discarded;
	int nid;
	struct list_head list;
	struct list_head all;
	struct rcu_head rcu;
};

/**
 * struct mmlab_kmem_cache_cpu - a cache's per-CPU state.
 * @freelist: objects of @slab this CPU may hand out, hardened pointers.
 * @tid: transaction id: moves on with every change of @freelist or @slab;
 *	the lockless fast paths swap @freelist and @tid together with one
 *	double-word cmpxchg, so the two stay first, adjacent, and the
 *	structure is allocated aligned to two words.
 * @slab: the active (frozen) slab, or NULL.
 * @partial: frozen partial slabs kept by this CPU.
 * @nr_partial: slabs on @partial.
 * @lock: local lock, irq-off; protects everything here but the lockless
 *	pop from and push to @freelist.
 * @stat: event counters.
 */
struct mmlab_kmem_cache_cpu {
	void *freelist;
	unsigned long tid;
	struct mmlab_slab *slab;
	struct list_head partial;
	unsigned int nr_partial;
	local_lock_t lock;
	unsigned long stat[NR_MMLAB_STATS];
};

/**
 * struct mmlab_kmem_cache_node - a cache's state in one region.
 * @list_lock: protects the lists and the freelist/inuse/frozen of the
 *	slabs of this node.
 * @partial: unfrozen slabs with free objects.
 * @nr_partial: slabs on @partial.
 * @all_slabs: every slab of this node.
 * @nr_slabs: slabs on @all_slabs.
 * @total_objects: objects in those slabs.
 */
struct mmlab_kmem_cache_node {
	spinlock_t list_lock;	/* see above */
	struct list_head partial;
	unsigned long nr_partial;
	struct list_head all_slabs;
	unsigned long nr_slabs;
	unsigned long total_objects;
};

/**
 * struct mmlab_track - who last allocated or freed an object.
 * @addr: the caller.
 * @handle: stack trace in the stack depot.
 * @cpu: CPU it ran on.
 * @pid: task.
 * @when: jiffies.
 */
struct mmlab_track {
	unsigned long addr;
	depot_stack_handle_t handle;
	int cpu;
	int pid;
	unsigned long when;
};

enum mmlab_track_item { TRACK_ALLOC, TRACK_FREE };

/**
 * struct mmlab_kmem_cache - an object cache, as struct kmem_cache.
 * @cpu_slab: per-CPU state.
 * @flags: MMLAB_SLAB_* flags.
 * @min_partial: node partial slabs kept even when empty.
 * @cpu_partial_slabs: CPU partial slabs kept before draining to the node.
 * @size: bytes per object slot, metadata included.
 * @object_size: bytes the user asked for.
 * @allocflags: MMLAB_GFP_* flags every slab of the cache is allocated with.
 * @offset: free pointer offset inside the slot.
 * @inuse: end of the object and its red zone; a free pointer placed
 *	outside the object sits at @inuse (as mm/slub.c's s->inuse).
 * @align: object alignment.
 * @reciprocal_size: @size as reciprocal_value(), to divide an offset by
 *	@size with a multiply (free_check()).
 * @red_left: unused; kept 0 (no left red zone).
 * @order: slab order.
 * @objects: objects per slab.
 * @random: free pointer obfuscation key.
 * @ctor: constructor, or NULL.
 * @name: the cache name.
 * @refcount: users (1; kmalloc caches are never destroyed by users).
 * @list: on the cache list (mmlab_slab_caches) from creation until a
 *	destroy that found no object left.
 * @debugfs: the cache's debugfs directory.
 * @node: one per region.
 */
struct mmlab_kmem_cache {
	struct mmlab_kmem_cache_cpu __percpu *cpu_slab;
	unsigned long flags;
	unsigned long min_partial;
	unsigned int cpu_partial_slabs;
	mmlab_gfp_t allocflags;
	unsigned int size;
	unsigned int object_size;
	unsigned int offset;
	unsigned int inuse;
	unsigned int align;
	struct reciprocal_value reciprocal_size;
	unsigned int red_left;
	unsigned int order;
	unsigned int objects;
	unsigned long random;
	void (*ctor)(void *obj);
	char name[MMLAB_CACHE_NAME_LEN];
	int refcount;
	struct list_head list;
	struct dentry *debugfs;
	struct mmlab_kmem_cache_node node[MMLAB_MAX_REGIONS];
};

extern struct mutex mmlab_slab_mutex;
extern struct list_head mmlab_slab_caches;

#define MMLAB_KMALLOC_LARGE	0x4c47524bUL	/* private of a large kmalloc */

/* slub.c */
void *__mmlab_slab_alloc(struct mmlab_kmem_cache *s, mmlab_gfp_t gfp, int nid,
			 unsigned long addr);
void __mmlab_slab_free(struct mmlab_slab *slab, void *obj, unsigned long addr);
struct mmlab_slab *__mmlab_page_to_slab(const struct mmlab_page *page);
struct mmlab_slab *mmlab_virt_to_slab(const void *obj);
void *mmlab_get_freepointer(struct mmlab_kmem_cache *s, void *obj);
void mmlab_set_freepointer(struct mmlab_kmem_cache *s, void *obj, void *fp);
unsigned long mmlab_stat_sum(struct mmlab_kmem_cache *s,
			     enum mmlab_stat_item item);
unsigned long mmlab_stat_cpu(struct mmlab_kmem_cache *s, int cpu,
			     enum mmlab_stat_item item);
void mmlab_flush_all(struct mmlab_kmem_cache *s);
unsigned long mmlab_cache_shrink_node(struct mmlab_kmem_cache *s, int nid);
unsigned int mmlab_calculate_order(unsigned int size, unsigned int *objects);
int mmlab_slub_parse_debug(const char *str, const char *name,
			   unsigned long *flags);
int mmlab_cache_count_free(struct mmlab_kmem_cache *s, unsigned long *objs,
			   unsigned long *partial_objs, unsigned long *cpu);
bool mmlab_cache_listed(struct mmlab_kmem_cache *s);

static inline void *mmlab_slab_obj(struct mmlab_kmem_cache *s,
				   struct mmlab_slab *slab, unsigned int i)
{
	return slab->base + (size_t)i * s->size;
}

static inline bool mmlab_cache_debug(const struct mmlab_kmem_cache *s)
{
	return s->flags & MMLAB_SLAB_DEBUG_FLAGS;
}

/* The free pointer sits after the object and its red zone. */
static inline bool mmlab_freeptr_outside(const struct mmlab_kmem_cache *s)
{
	return s->offset >= s->inuse;
}

/* End of the object's metadata before the tracks (get_info_end()). */
static inline unsigned int mmlab_info_end(const struct mmlab_kmem_cache *s)
{
	return mmlab_freeptr_outside(s) ? s->inuse + sizeof(void *) : s->inuse;
}

/* debug.c */
void mmlab_debug_init_object(struct mmlab_kmem_cache *s, void *obj);
bool mmlab_debug_alloc(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
		       void *obj, unsigned long addr);
bool mmlab_debug_free(struct mmlab_kmem_cache *s, struct mmlab_slab *slab,
		      void *obj, unsigned long addr);
int mmlab_debug_validate_slab(struct mmlab_kmem_cache *s,
			      struct mmlab_slab *slab);
struct mmlab_track *mmlab_get_track(struct mmlab_kmem_cache *s, void *obj,
				    enum mmlab_track_item item);
int mmlab_debug_setup(void);
extern char *mmlab_slub_debug;

/* kmalloc.c */
int mmlab_kmalloc_init(void);
void mmlab_kmalloc_exit(void);
unsigned int mmlab_kmalloc_index(size_t size);
unsigned int mmlab_kmalloc_size(unsigned int index);
struct mmlab_kmem_cache *mmlab_kmalloc_cache(unsigned int index);
/* kmalloc indexes 0..KMALLOC_SHIFT_HIGH, as kmalloc_caches[][]; 0 unused */
#define MMLAB_KMALLOC_CACHES	(KMALLOC_SHIFT_HIGH + 1)

/* vmalloc.c */
int mmlab_vmalloc_check_param(void);
int mmlab_vmalloc_init(void);
void mmlab_vmalloc_exit(void);
unsigned long mmlab_vmalloc_window_start(void);
unsigned long mmlab_vmalloc_window_size(void);
unsigned long mmlab_vmalloc_lazy_pages(void);
unsigned long mmlab_vmalloc_free_va(void);
unsigned long mmlab_vmalloc_largest_hole(void);
int mmlab_vmalloc_check_tree(void);

/* debugfs.c */
void mmlab_slub_debugfs_init(void);
void mmlab_slub_debugfs_exit(void);
void mmlab_cache_debugfs_add(struct mmlab_kmem_cache *s);
void mmlab_cache_debugfs_remove(struct mmlab_kmem_cache *s);
int mmlab_vmallocinfo_show(struct seq_file *m, void *v);

#endif /* _MMLAB_SLUB_INTERNAL_H */
