/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_fault internals of the mmap side: the anonymous-memory objects, the
 * reverse map, the fault-kind decision, the counters and the debugfs files.
 * See mmap.c for the design and the lock order.
 */
#ifndef _MMLAB_FAULT_MMAP_H
#define _MMLAB_FAULT_MMAP_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include "mmlab_buddy/mmlab_buddy.h"

struct file;
struct mm_struct;
struct address_space;
struct vm_area_struct;
struct mmlab_page;
struct mmlab_file;
struct mmu_notifier;
struct task_struct;

/**
 * enum mmlab_fault_kind - what a fault does, as mm/memory.c names it.
 * @MMLAB_FAULT_ZERO: read of an untouched private page: map the region's
 *	zero page read-only, allocate nothing (do_anonymous_page, read).
 * @MMLAB_FAULT_NEW: a zeroed page is allocated and mapped: write to an
 *	untouched page, write to the zero page, any first touch of a shared
 *	page (do_anonymous_page write; wp_page_copy of the zero page; shmem).
 * @MMLAB_FAULT_COPY: write to a page other objects still hold: copy it
 *	(wp_page_copy).
 * @MMLAB_FAULT_REUSE: write to a page only this object holds: make it
 *	writable in place (wp_page_reuse).
 * @MMLAB_FAULT_MAP: map a page the object already holds, as it is: a read
 *	after fork or migration unmapped it, any fault on a shared page that
 *	exists (do_swap_page, do_shared_fault).
 * @MMLAB_NR_FAULT_KINDS: the number of kinds.
 */
enum mmlab_fault_kind {
	MMLAB_FAULT_ZERO,
	MMLAB_FAULT_NEW,
	MMLAB_FAULT_COPY,
	MMLAB_FAULT_REUSE,
	MMLAB_FAULT_MAP,
	MMLAB_NR_FAULT_KINDS
};

enum mmlab_fault_kind mmlab_fault_decide(bool shared, bool write,
					 bool has_page, bool reusable);

/**
 * struct mmlab_anon - mmlab's anonymous memory object (its anon_vma and
 *	page table in one): the pages of one mapping of one process (private)
 *	or of one mapping and every process it was inherited by (shared).
 * @lock: serialises faults, fork and close on the object.
 * @ref: vmas attached, and a pending @reap_work.
 * @pages: pgoff -> struct mmlab_page, one per page the object holds,
 *	indexed by the pgoff less @base (mmlab_anon_slot()); marks (mmap.c):
 *	the page is the object's alone, a zap may clear its pte,
 *	MADV_DONTNEED cleared it and the page is to be dropped.
 * @base: the first pgoff of the object's window: every pgoff it holds is
 *	in [@base, @base + 2^32). 0 for objects made outside ->mmap (tests).
 * @vmas: the struct mmlab_vma of the attached vmas, under @lock.
 * @mm: the one mm of a private object; the first of a shared one.
 * @mapping: mmlab's address_space (the files' f_mapping), for
 *	unmap_mapping_pages().
 * @shared: MAP_SHARED: no copy-on-write, inherited as is by fork.
 * @nr_pages: entries in @pages.
 * @zapper: the task zapping a pte of the object for a fault, under @lock:
 *	the mmu notifier must not take that zap for MADV_DONTNEED.
 * @refault_index: the pgoff where a write fault just put a new page and
 *	zapped the pte, valid if @refault_pending: the access that faults
 *	it back in is the same fault, not counted again.
 * @refault_pending: see @refault_index.
 * @reap_work: drops the pages MADV_DONTNEED marked.
 * @split_task: the task splitting a vma of the object, when the split will
 *	send an mmu notifier CLEAR that clears nothing (->may_split), under
 *	the mmap_lock held for write, with
 * @split_pmd: the start of the PMD that CLEAR covers.
 */
struct mmlab_anon {
	struct mutex lock;		/* see above */
	refcount_t ref;
	struct xarray pages;
	pgoff_t base;
	struct list_head vmas;
	struct mm_struct *mm;
	struct address_space *mapping;
	bool shared;
	unsigned long nr_pages;
	struct task_struct *zapper;
	pgoff_t refault_index;
	bool refault_pending;
	struct work_struct reap_work;
	struct task_struct *split_task;
	unsigned long split_pmd;
};

/*
 * The slot of @anon's xarray for pgoff @index, and back: relative to the
 * window, so that a tree is only as deep as the range it holds needs (2
 * levels for 16 MiB, not the 6 an index past 2^32 takes).
 */
static inline unsigned long mmlab_anon_slot(const struct mmlab_anon *anon,
					    pgoff_t index)
{
	return index - anon->base;
}

static inline pgoff_t mmlab_anon_index(const struct mmlab_anon *anon,
				       unsigned long slot)
{
	return anon->base + slot;
}

/**
 * struct mmlab_mm - what mmlab knows of one process (mm).
 * @node: on the list of every mmlab_mm, under mmlab_maps_lock.
 * @mm: the mm; alive while any of its vmas is attached.
 * @nr_vmas: attached vmas of this mm.
 * @oom_victim: oom_policy kill sent it SIGKILL; its pages are on their way
 *	back (under mmlab_maps_lock).
 * @faults: faults by kind.
 */
struct mmlab_mm {
	struct list_head node;
	struct mm_struct *mm;
	int nr_vmas;
	bool oom_victim;
	atomic_long_t faults[MMLAB_NR_FAULT_KINDS];
};

/**
 * struct mmlab_vma - one vma attached to an object.
 * @anon_node: on mmlab_anon.vmas.
 * @all_node: on the list of every attached vma, under mmlab_maps_lock.
 * @vma: the vma.
 * @anon: its object.
 * @mmm: its process.
 * @notifier: the mmu notifier of its mm, a reference held (NULL if none
 *	could be registered: MADV_DONTNEED then keeps the pages).
 */
struct mmlab_vma {
	struct list_head anon_node;
	struct list_head all_node;
	struct vm_area_struct *vma;
	struct mmlab_anon *anon;
	struct mmlab_mm *mmm;
	struct mmu_notifier *notifier;
};

extern struct rw_semaphore mmlab_fault_rwsem;
extern struct mutex mmlab_maps_lock;
extern struct list_head mmlab_all_vmas;
extern struct list_head mmlab_all_mms;

/* mmap.c */
int mmlab_dev_mmap(struct file *file, struct vm_area_struct *vma);
int mmlab_mmap_init(void);
void mmlab_mmap_exit(void);
unsigned long mmlab_vma_rss(struct mmlab_vma *mv);
long mmlab_user_pages_count(void);
long mmlab_ioc_page_info(struct mmlab_file *mf, void __user *uarg,
			 size_t usize);
struct mmlab_anon *mmlab_anon_create(struct mm_struct *mm,
				     struct address_space *mapping,
				     bool shared);
void mmlab_anon_put(struct mmlab_anon *anon);
int mmlab_anon_add_page(struct mmlab_anon *anon, pgoff_t index,
			struct mmlab_page *page, gfp_t gfp);
int mmlab_anon_replace_page(struct mmlab_anon *anon, pgoff_t index,
			    struct mmlab_page *old, struct mmlab_page *new,
			    gfp_t gfp);
unsigned long mmlab_zero_page_check(unsigned long *pfn);

/* kpage.c */
void mmlab_user_file_open(struct file *file);
void mmlab_kpage_attach(struct mmlab_page *page, pgoff_t index);
void mmlab_kpage_copy_state(struct mmlab_page *dst, struct mmlab_page *src);
int mmlab_kpage_refs(struct mmlab_page *page);
bool mmlab_kpage_detach(struct mmlab_page *page);
void mmlab_user_page_retire(struct mmlab_page *page);
void mmlab_user_page_discard(struct mmlab_page *page);
long mmlab_quarantine_scan(void);
long mmlab_quarantined(void);
int mmlab_kpage_init(void);
void mmlab_kpage_exit(void);

/* rmap.c */
int mmlab_rmap_init(void);
void mmlab_rmap_exit(void);
int mmlab_rmap_add(struct mmlab_page *page, struct mmlab_anon *anon,
		   pgoff_t index, gfp_t gfp);
void mmlab_rmap_del(struct mmlab_page *page, struct mmlab_anon *anon,
		    pgoff_t index);
int mmlab_rmap_count(struct mmlab_page *page);
int mmlab_rmap_walk(struct mmlab_page *page,
		    int (*fn)(struct mm_struct *mm, unsigned long addr,
			      void *arg),
		    void *arg);
bool mmlab_user_isolate(struct mmlab_page *page);
int mmlab_user_migrate(struct mmlab_page *dst, struct mmlab_page *src,
		       enum mmlab_migrate_mode mode);
void mmlab_user_putback(struct mmlab_page *page);
void mmlab_user_sync_icache(struct mmlab_page *page);
void mmlab_user_sync_icache_written(struct mmlab_page *page);
extern int mmlab_user_movable_id;
extern struct task_struct *mmlab_migrating_task;

/* stats.c */
void mmlab_count_fault(struct mmlab_mm *mmm, enum mmlab_fault_kind kind,
		       unsigned long address, unsigned long pfn);
long mmlab_fault_count(enum mmlab_fault_kind kind);
bool mmlab_oom_kill_wanted(void);
bool mmlab_oom_kill(void);
int mmlab_stats_init(void);
void mmlab_stats_exit(void);

#endif /* _MMLAB_FAULT_MMAP_H */
