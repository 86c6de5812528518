// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of /dev/mmlab: anonymous memory backed only by the private regions,
 * with faults that mirror do_anonymous_page() and do_wp_page().
 *
 * The pages. The region's frames are normal pages to the kernel's mm
 * (mmlab_region_normal_pages(): the linear map covers them, with struct
 * pages): ptes map them as vm_normal_page() pages, so get_user_pages()
 * and everything built on it work on the mapping (ptrace, /proc/pid/mem,
 * process_vm_readv, O_DIRECT, vmsplice, pagemap PFNs, process-shared
 * futexes), madvise and mremap accept the vma, and RSS counts the pages.
 * kpage.c gives each page the address_space and index a shmem page would
 * have, and keeps a page the kernel still pins out of mmlab_buddy until
 * the pin goes.
 *
 * The vma. Every page a process sees must come from a region, copy-on-write
 * copies included, but the core's paths for a private file mapping
 * (do_cow_fault(), wp_page_copy()) allocate from the kernel's allocator.
 * They are taken only when the vma is not VM_SHARED, so ->mmap makes every
 * mapping VM_MIXEDMAP | VM_SHARED and clears VM_MAYSHARE of a MAP_PRIVATE
 * one (so that /proc/pid/maps still says 'p'). Then, in 6.1:
 *  - a fault on an absent pte goes to ->fault (do_read_fault() or
 *    do_shared_fault(), never do_cow_fault()), which decides and returns
 *    the page with a reference; finish_fault() installs it young, and
 *    dirty and writable for a write, as do_anonymous_page() does, or backs
 *    off if a racing fault installed a pte meanwhile;
 *  - with ->page_mkwrite the vma wants write-notify, so vm_page_prot is
 *    read-only and a write to a present pte goes through wp_page_shared()
 *    to ->page_mkwrite, which decides from the pte there, as do_wp_page()
 *    does: returning 0 lets the core make it writable once it has seen the
 *    pte is still vmf->orig_pte (wp_page_reuse()); to put another page
 *    there (the zero page's replacement, a copy) the object takes the new
 *    page, we zap the pte and return VM_FAULT_NOPAGE, and the access
 *    faults it in through ->fault (no module API installs a writable
 *    normal pte in place: two faults where the kernel takes one; the
 *    second is not counted);
 *  - the decision to reuse is 6.1's: a page the object got exclusively
 *    (new or copied: the object's XA_MARK_0, PageAnonExclusive) is
 *    reused; another is reused only if no other object holds it and the
 *    kernel holds no reference beyond its ptes (page_count() in
 *    do_wp_page()); otherwise it is copied;
 *  - ->mprotect and the install path keep the I-cache coherent for
 *    executable mappings (mmlab_user_sync_icache()).
 *  - mmap_region() pairs mapping_map_writable() by the flags it was called
 *    with, the i_mmap link and unlink pair mapping_allow_writable() and
 *    mapping_unmap_writable() by the vma's final flags: balanced.
 *
 * The objects. Each mmap() creates a struct mmlab_anon: an xarray pgoff ->
 * page with its lock, mmlab's anon_vma and page table in one. ->mmap gives
 * the vma a pgoff window of its own (vm_pgoff, 2^32 pages apart), so a
 * page keeps its index for life: split, moved, grown and forked vmas keep
 * the pgoff. The xarray is indexed from the window's base
 * (mmlab_anon_slot()), so its depth is that of the range, not of 2^32.
 * ->open of a vma of a private object in another mm is fork
 * (dup_mmap() calls it before copy_page_range()): the child gets an
 * object of its own holding every page of the parent's range (each page's
 * mapcount counts the objects that hold it), no page stays exclusive, and
 * the parent's ptes of the range are write-protected, as
 * copy_present_pte() does; copy_page_range() then copies them, read-only,
 * to the child. Shared objects are simply attached to the child's vma, and
 * their pages live until the object dies, as shmem's do. A private page
 * leaves the object when the last vma covering its index closes (partial
 * munmap, exit) or when MADV_DONTNEED zaps it: the mmu notifier marks
 * the pages of the zapped range that have no pte at its end
 * (MMLAB_XA_DROPPED) and a work item, or the next fault on the object,
 * drops them, so the next read sees the zero page. A fault racing the
 * zap either has its pte in before the zap passes (the notifier waits for
 * it on the page lock, which the fault holds until finish_fault() is
 * done) or takes the page for gone. A vma split sends the notifier a zap
 * that clears nothing; ->may_split tells it which.
 *
 * The reverse map (rmap.c) lists the (object, pgoff) pairs holding each
 * page; with the vmas of each object it gives every (mm, address) mapping
 * the page. Migration unmaps through unmap_mapping_pages() on mmlab's
 * i_mmap, which is what keeps a vma's page tables alive while we zap, and
 * moves a page only when no pin holds it.
 *
 * A copy-on-write copy enters the object before the page it replaces
 * leaves it (mmlab_anon_replace_page()): a failure in between loses
 * nothing. A fault that finds the region exhausted takes the OOM policy
 * (stats.c); a task already killed gets VM_FAULT_OOM, so that a fault
 * from the kernel (copy_to_user() into the mapping) fails instead of
 * retrying for ever.
 *
 * ->access stays for the one access get_user_pages() refuses: a forced
 * write (a debugger's breakpoint) into a private mapping without
 * PROT_WRITE, which the core allows only in a copy-on-write vma.
 *
 * Refused or different, with the error the kernel or we return (docs in
 * docs/mmap.md): MADV_FREE (EINVAL: anonymous vmas only), a non-zero
 * offset (EINVAL), MREMAP_DONTUNMAP (EINVAL). Regions whose frames are not
 * normal pages (an arm64 no-map node, an x86 kernel without ZONE_DEVICE)
 * cannot be mapped (ENODEV).
 *
 * Lock order:
 *	mm->mmap_lock (core)
 *	  mmlab_fault_rwsem (read: mmap, fault, open, close; write: migration)
 *	    mmlab_anon.lock (mutex)
 *	      mmlab_maps_lock (mutex: the lists of vmas and mms)
 *	      mmlab_rmap_lock (spinlock: every page's rmap list)
 *	      page lock, pte locks, i_mmap_rwsem, mmlab_buddy's locks
 * The mmu notifier runs under the zapper's locks and takes only the
 * objects' xarray locks and page locks: it never waits for an object's
 * mutex, which is held across allocations that may reclaim. A fault holds
 * the page lock of the page it maps from ->fault until the core's
 * finish_fault() is done.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "mmlab_buddy/mmlab_buddy.h"
#include "fault.h"
#include "mmap.h"
#include "mmlab_uapi.h"

DECLARE_RWSEM(mmlab_fault_rwsem);
DEFINE_MUTEX(mmlab_maps_lock);	/* the lists of vmas and mms */
LIST_HEAD(mmlab_all_vmas);
LIST_HEAD(mmlab_all_mms);

/* debugfs mmlab/fail_fault/: each page a fault allocates counts as a call. */
static DEFINE_MMLAB_FAIL_ATTR(fail_fault, "fail_fault");
/* debugfs mmlab/fail_rmap/: each page entering an object counts as a call. */
static DEFINE_MMLAB_FAIL_ATTR(fail_rmap, "fail_rmap");

/* Each mmap() gets a pgoff window this wide: room to grow by mremap. */
#define MMLAB_PGOFF_WINDOW	BIT(32)
/* The object's page at an index is its alone (PageAnonExclusive). */
#define MMLAB_XA_EXCLUSIVE	XA_MARK_0
/* A zap may clear the pte of the page at an index (mmu notifier). */
#define MMLAB_XA_ZAPPING	XA_MARK_1
/* MADV_DONTNEED zapped the page at an index: the object drops it. */
#define MMLAB_XA_DROPPED	XA_MARK_2

static struct mmlab_page *mmlab_zero_page;
static bool mmlab_mmap_unsupported;	/* a region has no normal pages */
static unsigned long mmlab_next_pgoff = MMLAB_PGOFF_WINDOW; /* maps_lock */
static atomic_long_t mmlab_user_pages = ATOMIC_LONG_INIT(0);
static struct workqueue_struct *mmlab_reap_wq;
static const struct vm_operations_struct mmlab_vm_ops;

/**
 * mmlab_fault_decide() - what a fault on a /dev/mmlab mapping does.
 * @shared: the object is MAP_SHARED.
 * @write: the fault is a write (absent pte or write-protected one).
 * @has_page: the object holds a page at the index.
 * @reusable: a write may keep that page: the object holds it exclusively,
 *	or no one else holds it (mmlab_anon_page_reusable()).
 *
 * A pure function: mm/memory.c's choice between do_anonymous_page(),
 * wp_page_copy() and wp_page_reuse(), and shmem's for shared objects.
 *
 * Return: the kind of fault.
 */
enum mmlab_fault_kind mmlab_fault_decide(bool shared, bool write,
					 bool has_page, bool reusable)
{
	if (shared)
		return has_page ? MMLAB_FAULT_MAP : MMLAB_FAULT_NEW;
	if (!has_page)
		return write ? MMLAB_FAULT_NEW : MMLAB_FAULT_ZERO;
	if (!write)
		return MMLAB_FAULT_MAP;
	return reusable ? MMLAB_FAULT_REUSE : MMLAB_FAULT_COPY;
}
EXPORT_SYMBOL_GPL(mmlab_fault_decide);

/* --- Objects ------------------------------------------------------------- */

static void mmlab_anon_reap_work(struct work_struct *work);

static void mmlab_anon_init(struct mmlab_anon *anon, struct mm_struct *mm,
			    struct address_space *mapping, bool shared)
{
	mutex_init(&anon->lock);
	refcount_set(&anon->ref, 1);
	xa_init(&anon->pages);
	INIT_LIST_HEAD(&anon->vmas);
	anon->mm = mm;
	anon->mapping = mapping;
	anon->shared = shared;
	INIT_WORK(&anon->reap_work, mmlab_anon_reap_work);
}

/**
 * mmlab_anon_create() - a new, empty anonymous memory object.
 * @mm: its process (private) or first process (shared); may be NULL in tests.
 * @mapping: the device's address_space, NULL in tests.
 * @shared: MAP_SHARED.
 *
 * Return: the object with one reference, or NULL.
 */
struct mmlab_anon *mmlab_anon_create(struct mm_struct *mm,
				     struct address_space *mapping, bool shared)
{
	struct mmlab_anon *anon = kzalloc(sizeof(*anon), GFP_KERNEL);

	if (anon)
		mmlab_anon_init(anon, mm, mapping, shared);
	return anon;
}
EXPORT_SYMBOL_GPL(mmlab_anon_create);

/* The object's hold on a page: a reference, a mapcount, the global RSS. */
static void mmlab_anon_hold_page(struct mmlab_page *page)
{
	mmlab_get_page(page);
	if (atomic_inc_return(&page->_mapcount) == 0)
		atomic_long_inc(&mmlab_user_pages);
}

/* The last object to let go retires the page (kpage.c). */
static void mmlab_anon_unhold_page(struct mmlab_page *page)
{
	if (atomic_add_negative(-1, &page->_mapcount)) {
		atomic_long_dec(&mmlab_user_pages);
		mmlab_user_page_retire(page);
		return;
	}
	mmlab_put_page(page);
}

/*
 * The reverse-map item of a page entering an object; fail_rmap fails it,
 * unless the caller cannot fail (fork: __GFP_NOFAIL).
 */
static int mmlab_anon_rmap_add(struct mmlab_anon *anon, pgoff_t index,
			       struct mmlab_page *page, gfp_t gfp)
{
	if (!(gfp & __GFP_NOFAIL) &&
	    mmlab_should_fail(&fail_rmap, sizeof(void *)))
		return -ENOMEM;
	return mmlab_rmap_add(page, anon, index, gfp);
}

/**
 * mmlab_anon_add_page() - make an object hold a page at an index.
 * @anon: the object, locked or not yet visible.
 * @index: the pgoff, free in @anon.
 * @page: an order-0 user page; gets a reference and a mapcount.
 * @gfp: for the xarray node and the rmap item.
 *
 * Return: 0, or -ENOMEM/-EBUSY with nothing changed.
 */
int mmlab_anon_add_page(struct mmlab_anon *anon, pgoff_t index,
			struct mmlab_page *page, gfp_t gfp)
{
	unsigned long slot = mmlab_anon_slot(anon, index);
	int err = xa_insert(&anon->pages, slot, page, gfp);

	if (err)
		return err;
	err = mmlab_anon_rmap_add(anon, index, page, gfp);
	if (err) {
		xa_erase(&anon->pages, slot);
		return err;
	}
	mmlab_anon_hold_page(page);
	anon->nr_pages++;
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_anon_add_page);

/**
 * mmlab_anon_replace_page() - put a new page in place of the one an object
 *	holds at an index: the object's side of wp_page_copy().
 * @anon: the object, locked.
 * @index: the pgoff, where @anon holds @old.
 * @old: the page there now.
 * @new: an order-0 user page with @old's contents; gets a reference and a
 *	mapcount.
 * @gfp: for the rmap item.
 *
 * @new enters the reverse map and the object before @old leaves them, so
 * the index is never empty and a failure leaves @old where it was: no data
 * is lost and no freed page stays in the object. The ptes that map @old
 * are the caller's to replace.
 *
 * Return: 0, or -ENOMEM with nothing changed.
 */
int mmlab_anon_replace_page(struct mmlab_anon *anon, pgoff_t index,
			    struct mmlab_page *old, struct mmlab_page *new,
			    gfp_t gfp)
{
	void *was;
	int err;

	err = mmlab_anon_rmap_add(anon, index, new, gfp);
	if (err)
		return err;
	mmlab_anon_hold_page(new);
	/* The slot exists: storing over it allocates nothing. */
	was = xa_store(&anon->pages, mmlab_anon_slot(anon, index), new, gfp);
	WARN_ON_ONCE(was != old);
	mmlab_rmap_del(old, anon, index);
	mmlab_anon_unhold_page(old);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_anon_replace_page);

/* Drop the object's hold on the page at @index; frees it on the last. */
static void mmlab_anon_drop_page(struct mmlab_anon *anon, pgoff_t index,
				 struct mmlab_page *page)
{
	xa_erase(&anon->pages, mmlab_anon_slot(anon, index));
	mmlab_rmap_del(page, anon, index);
	anon->nr_pages--;
	mmlab_anon_unhold_page(page);
}

/**
 * mmlab_anon_put() - drop a reference to an object; free it on the last.
 * @anon: the object.
 *
 * The last reference drops every page the object still holds.
 */
void mmlab_anon_put(struct mmlab_anon *anon)
{
	struct mmlab_page *page;
	unsigned long slot;

	if (!refcount_dec_and_test(&anon->ref))
		return;
	xa_for_each(&anon->pages, slot, page)
		mmlab_anon_drop_page(anon, mmlab_anon_index(anon, slot), page);
	xa_destroy(&anon->pages);
	WARN_ON(!list_empty(&anon->vmas));
	mutex_destroy(&anon->lock);
	kfree(anon);
}
EXPORT_SYMBOL_GPL(mmlab_anon_put);

/*
 * The pte at @addr of @mm, read under its lock; __pte(0) if none is
 * present. Under the object's lock only the hardware's accessed and dirty
 * bits of a pte of the object's vmas can change: every other change holds
 * the object's lock (faults, fork), mmlab_fault_rwsem for write
 * (migration) or the mmap_lock for write (mprotect, munmap).
 */
static pte_t mmlab_pte_at(struct mm_struct *mm, unsigned long addr)
{
	spinlock_t *ptl;	/* the pte's lock, from follow_pte() */
	pte_t *ptep, pte;

	if (follow_pte(mm, addr, &ptep, &ptl))
		return __pte(0);
	__acquire(ptl);	/* follow_pte() returned with it held */
	pte = ptep_get(ptep);
	pte_unmap_unlock(ptep, ptl);
	return pte;
}

/* --- MADV_DONTNEED ---------------------------------------------------------- */

/*
 * The page @anon holds at @index, unless MADV_DONTNEED is taking it: NULL
 * for a page marked for its zap (MMLAB_XA_ZAPPING) or dropped by it
 * (MMLAB_XA_DROPPED), as for a hole. One walk of the xarray, under its
 * lock, which the notifier holds to move a page from one mark to the
 * other.
 */
static struct mmlab_page *mmlab_anon_live_page(struct mmlab_anon *anon,
					       pgoff_t index)
{
	XA_STATE(xas, &anon->pages, mmlab_anon_slot(anon, index));
	struct mmlab_page *page;

	xas_lock(&xas);
	page = xas_load(&xas);
	if (page && (xas_get_mark(&xas, MMLAB_XA_ZAPPING) ||
		     xas_get_mark(&xas, MMLAB_XA_DROPPED)))
		page = NULL;
	xas_unlock(&xas);
	return page;
}

/* Drop every page MADV_DONTNEED marked; @anon locked. */
static void mmlab_anon_reap(struct mmlab_anon *anon)
{
	struct mmlab_page *page;
	unsigned long slot;

	if (!xa_marked(&anon->pages, MMLAB_XA_DROPPED))
		return;
	xa_for_each_marked(&anon->pages, slot, page, MMLAB_XA_DROPPED)
		mmlab_anon_drop_page(anon, mmlab_anon_index(anon, slot), page);
}

static void mmlab_anon_reap_work(struct work_struct *work)
{
	struct mmlab_anon *anon = container_of(work, struct mmlab_anon,
					       reap_work);

	down_read(&mmlab_fault_rwsem);
	mutex_lock(&anon->lock);
	mmlab_anon_reap(anon);
	mutex_unlock(&anon->lock);
	up_read(&mmlab_fault_rwsem);
	mmlab_anon_put(anon);
}

#ifdef CONFIG_MMU_NOTIFIER
/* The user address of @index in @vma, which covers it. */
static unsigned long mmlab_vma_address(struct vm_area_struct *vma,
				       pgoff_t index)
{
	return vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
}

/*
 * Will splitting @vma at @addr send the mmu notifier CLEAR of
 * vma_adjust_trans_huge()? In 6.1 (split_huge_pmd_if_needed()) it does
 * with THP, at an address inside a PMD the vma covers whole, when the mm
 * has a pmd table there (mm_find_pmd()).
 */
static bool mmlab_split_notifies(struct vm_area_struct *vma,
				 unsigned long addr)
{
	unsigned long pmd_start = addr & PMD_MASK;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) || pmd_start == addr ||
	    pmd_start < vma->vm_start || vma->vm_end - pmd_start < PMD_SIZE)
		return false;
	pgd = pgd_offset(vma->vm_mm, addr);
	if (!pgd_present(*pgd))
		return false;
	p4d = p4d_offset(pgd, addr);
	if (!p4d_present(*p4d))
		return false;
	pud = pud_offset(p4d, addr);
	return pud_present(*pud);
}

/*
 * ->may_split: @vma is about to split at @addr. The split's CLEAR, if it
 * sends one, is for a huge pmd our vmas never have and clears nothing:
 * note it, so that the notifier does not take it for MADV_DONTNEED and
 * drop the pages that have no pte (a migration's, until they are touched
 * again). The mmap_lock is held for write: no MADV_DONTNEED runs on the mm.
 */
static int mmlab_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	struct mmlab_anon *anon = vma->vm_private_data;

	if (!anon->shared && mmlab_split_notifies(vma, addr)) {
		anon->split_pmd = addr & PMD_MASK;
		WRITE_ONCE(anon->split_task, current);
	}
	return 0;
}

/*
 * Is @range the CLEAR of the split ->may_split noted? Its end uses the
 * note up; any other event of the splitting task, which comes after the
 * split, clears a note the split did not use (it failed before).
 */
static bool mmlab_mn_split_clear(struct mmlab_anon *anon,
				 const struct mmu_notifier_range *range,
				 bool end)
{
	bool split;

	if (READ_ONCE(anon->split_task) != current)
		return false;
	split = range->event == MMU_NOTIFY_CLEAR &&
		range->start == anon->split_pmd &&
		range->end == anon->split_pmd + PMD_SIZE;
	if (!split || end)
		WRITE_ONCE(anon->split_task, NULL);
	return split;
}

/*
 * The private object whose pages a zap of @range at its start or @end may
 * clear for MADV_DONTNEED, with the part of the range in its vma; NULL for
 * every other invalidation: another vma, a shared object, a zap of our own
 * (a fault's, ->access's or a migration's), a vma split's, or one that
 * clears nothing (MMU_NOTIFY_UNMAP is munmap and exit, which ->close
 * sees). The zapper holds the mmap_lock, which keeps the page tables for
 * mmlab_pte_at().
 */
static struct mmlab_anon *mmlab_mn_zap_target(const struct mmu_notifier_range *range,
					      bool end_of_zap, pgoff_t *first,
					      pgoff_t *last)
{
	struct vm_area_struct *vma = range->vma;
	unsigned long start, end;
	struct mmlab_anon *anon;

	if (!vma || vma->vm_ops != &mmlab_vm_ops ||
	    READ_ONCE(mmlab_migrating_task) == current)
		return NULL;
	anon = vma->vm_private_data;
	if (anon->shared || READ_ONCE(anon->zapper) == current ||
	    mmlab_mn_split_clear(anon, range, end_of_zap) ||
	    range->event != MMU_NOTIFY_CLEAR)
		return NULL;
	start = max(range->start, vma->vm_start);
	end = min(range->end, vma->vm_end);
	if (start >= end)
		return NULL;
	*first = linear_page_index(vma, start);
	*last = linear_page_index(vma, end - 1);
	return anon;
}

/*
 * The page @anon holds at @index is marked MMLAB_XA_ZAPPING: wait for a
 * fault that saw it unmarked and may still be installing it. Such a fault
 * holds the page's lock from its look at the mark until its pte is in
 * (mmlab_fault_lock_page()), so taking the lock once is enough; a fault
 * that looks later sees the mark. A page that took its place meanwhile (a
 * fault's copy, a migration's) is waited for in its turn. No reference is
 * taken: a region page's struct page lives as long as the region, and a
 * reference would make a racing fault copy a page it could reuse.
 */
static void mmlab_mn_wait_install(struct mmlab_anon *anon, pgoff_t index)
{
	unsigned long slot = mmlab_anon_slot(anon, index);
	struct mmlab_page *page;
	struct page *kp;

	while ((page = xa_load(&anon->pages, slot))) {
		kp = mmlab_page_to_kpage(page);
		lock_page(kp);
		unlock_page(kp);
		if (xa_load(&anon->pages, slot) == page)
			return;
	}
}

/*
 * What is left of MMU_NOTIFY_CLEAR on a private object is MADV_DONTNEED's
 * zap_page_range(). The start marks every page the object holds in the
 * range (MMLAB_XA_ZAPPING), mapped or not: a page a migration moved has no
 * pte until it is touched again, and MADV_DONTNEED drops it all the same,
 * as zap_pte_range() clears a migration entry. A fault that sees the mark
 * takes the page for gone, as one that comes after a zap of anonymous
 * memory finds nothing; one already installing the page is waited for,
 * so that the zap finds its pte. The end drops the marked pages whose pte
 * is gone. A pte there again maps a page no zap cleared (a CLEAR that is
 * not a zap): it keeps its page. The object's mutex is never taken (see
 * the lock order), and no zap of ours is non-blocking (the OOM reaper
 * leaves VM_SHARED vmas alone).
 */
static int mmlab_mn_invalidate_range_start(struct mmu_notifier *mn,
					   const struct mmu_notifier_range *range)
{
	struct mmlab_anon *anon;
	struct mmlab_page *page;
	pgoff_t first, last;
	unsigned long slot;

	anon = mmlab_mn_zap_target(range, false, &first, &last);
	if (!anon)
		return 0;
	if (!mmu_notifier_range_blockable(range))
		return -EAGAIN;
	xa_for_each_range(&anon->pages, slot, page, mmlab_anon_slot(anon, first),
			  mmlab_anon_slot(anon, last)) {
		xa_set_mark(&anon->pages, slot, MMLAB_XA_ZAPPING);
		mmlab_mn_wait_install(anon, mmlab_anon_index(anon, slot));
	}
	return 0;
}

static void mmlab_mn_invalidate_range_end(struct mmu_notifier *mn,
					  const struct mmu_notifier_range *range)
{
	struct vm_area_struct *vma = range->vma;
	unsigned long slot, last_slot;
	struct mmlab_anon *anon;
	pgoff_t first, last;
	bool dropped = false;

	anon = mmlab_mn_zap_target(range, true, &first, &last);
	if (!anon)
		return;
	last_slot = mmlab_anon_slot(anon, last);
	for (slot = mmlab_anon_slot(anon, first);
	     xa_find(&anon->pages, &slot, last_slot, MMLAB_XA_ZAPPING); slot++) {
		unsigned long addr = mmlab_vma_address(vma,
						       mmlab_anon_index(anon, slot));
		bool gone = !pte_present(mmlab_pte_at(vma->vm_mm, addr));

		xa_lock(&anon->pages);
		if (gone)
			__xa_set_mark(&anon->pages, slot, MMLAB_XA_DROPPED);
		__xa_clear_mark(&anon->pages, slot, MMLAB_XA_ZAPPING);
		xa_unlock(&anon->pages);
		dropped |= gone;
		if (slot == last_slot)
			break;
	}
	if (!dropped)
		return;
	refcount_inc(&anon->ref);	/* a vma holds one: never the last */
	if (!queue_work(mmlab_reap_wq, &anon->reap_work))
		refcount_dec(&anon->ref);
}

static struct mmu_notifier *mmlab_mn_alloc(struct mm_struct *mm)
{
	struct mmu_notifier *mn = kzalloc(sizeof(*mn), GFP_KERNEL);

	return mn ?: ERR_PTR(-ENOMEM);
}

static void mmlab_mn_free(struct mmu_notifier *mn)
{
	kfree(mn);
}

static const struct mmu_notifier_ops mmlab_mn_ops = {
	.invalidate_range_start	= mmlab_mn_invalidate_range_start,
	.invalidate_range_end	= mmlab_mn_invalidate_range_end,
	.alloc_notifier		= mmlab_mn_alloc,
	.free_notifier		= mmlab_mn_free,
};

/* The mm's notifier, a reference for @vma; mmap_lock held for write. */
static struct mmu_notifier *mmlab_mn_get(struct vm_area_struct *vma)
{
	struct mmu_notifier *mn;

	if (!vma->vm_mm)	/* KUnit's vmas */
		return NULL;
	mn = mmu_notifier_get_locked(&mmlab_mn_ops, vma->vm_mm);
	if (!IS_ERR(mn))
		return mn;
	pr_warn_ratelimited("pid %d (%s): no mmu notifier (%pe): MADV_DONTNEED will keep the pages\n",
			    task_pid_nr(current), current->comm, mn);
	return NULL;
}

static void mmlab_mn_put(struct mmu_notifier *mn)
{
	if (mn)
		mmu_notifier_put(mn);
}
#else
/* No notifier without CONFIG_MMU_NOTIFIER: MADV_DONTNEED keeps the pages. */
static struct mmu_notifier *mmlab_mn_get(struct vm_area_struct *vma)
{
	return NULL;
}

static void mmlab_mn_put(struct mmu_notifier *mn)
{
}
#endif

/* --- Attached vmas and processes ------------------------------------------ */

static struct mmlab_mm *mmlab_mm_get(struct mm_struct *mm, gfp_t gfp)
{
	struct mmlab_mm *mmm;

	lockdep_assert_held(&mmlab_maps_lock);
	list_for_each_entry(mmm, &mmlab_all_mms, node)
		if (mmm->mm == mm)
			goto found;
	mmm = kzalloc(sizeof(*mmm), gfp);
	if (!mmm)
		return NULL;
	mmm->mm = mm;
	list_add_tail(&mmm->node, &mmlab_all_mms);
found:
	mmm->nr_vmas++;
	return mmm;
}

static void mmlab_mm_put(struct mmlab_mm *mmm)
{
	lockdep_assert_held(&mmlab_maps_lock);
	if (--mmm->nr_vmas)
		return;
	list_del(&mmm->node);
	kfree(mmm);
}

/* Attach @vma to @anon, which the caller has locked or owns alone. */
static int mmlab_attach(struct mmlab_anon *anon, struct vm_area_struct *vma,
			gfp_t gfp)
{
	struct mmlab_vma *mv = kzalloc(sizeof(*mv), gfp);

	if (!mv)
		return -ENOMEM;
	mv->vma = vma;
	mv->anon = anon;
	mv->notifier = mmlab_mn_get(vma);
	mutex_lock(&mmlab_maps_lock);
	mv->mmm = mmlab_mm_get(vma->vm_mm, gfp);
	if (!mv->mmm) {
		mutex_unlock(&mmlab_maps_lock);
		mmlab_mn_put(mv->notifier);
		kfree(mv);
		return -ENOMEM;
	}
	list_add_tail(&mv->all_node, &mmlab_all_vmas);
	mutex_unlock(&mmlab_maps_lock);
	list_add_tail(&mv->anon_node, &anon->vmas);
	return 0;
}

static struct mmlab_vma *mmlab_find_vma(struct mmlab_anon *anon,
					struct vm_area_struct *vma)
{
	struct mmlab_vma *mv;

	list_for_each_entry(mv, &anon->vmas, anon_node)
		if (mv->vma == vma)
			return mv;
	return NULL;
}

/* Off the lists of every attached vma and of its process; freed. */
static void mmlab_detach_mm(struct mmlab_vma *mv)
{
	mutex_lock(&mmlab_maps_lock);
	list_del(&mv->all_node);
	mmlab_mm_put(mv->mmm);
	mutex_unlock(&mmlab_maps_lock);
	mmlab_mn_put(mv->notifier);
	kfree(mv);
}

static bool mmlab_vma_covers(struct vm_area_struct *vma, pgoff_t index)
{
	return index >= vma->vm_pgoff && index - vma->vm_pgoff < vma_pages(vma);
}

/**
 * mmlab_vma_rss() - pages an attached vma's object holds in its range.
 * @mv: the vma, on the lists (caller holds mmlab_maps_lock).
 *
 * A snapshot: the object is not locked.
 *
 * Return: the number of pages.
 */
unsigned long mmlab_vma_rss(struct mmlab_vma *mv)
{
	struct vm_area_struct *vma = mv->vma;
	struct mmlab_anon *anon = mv->anon;
	pgoff_t first = READ_ONCE(vma->vm_pgoff);
	unsigned long slot, n = 0;
	struct mmlab_page *page;

	xa_for_each_range(&anon->pages, slot, page, mmlab_anon_slot(anon, first),
			  mmlab_anon_slot(anon, first + vma_pages(vma) - 1))
		if (!xa_get_mark(&anon->pages, slot, MMLAB_XA_DROPPED))
			n++;
	return n;
}

/* --- Faults ------------------------------------------------------------- */

static struct mmlab_page *mmlab_user_page_alloc(bool zero, pgoff_t index)
{
	mmlab_gfp_t gfp = MMLAB_GFP_USER | __MMLAB_GFP_NOWARN;
	struct mmlab_page *page;

	if (mmlab_should_fail(&fail_fault, PAGE_SIZE))
		return NULL;
	if (zero)
		gfp |= __MMLAB_GFP_ZERO;
	page = mmlab_alloc_pages_owner(NUMA_NO_NODE, gfp, 0, MMLAB_OWNER_USER);
	if (!page)
		return NULL;
	if (mmlab_user_movable_id > 0)
		mmlab_page_set_movable(page, mmlab_user_movable_id);
	mmlab_kpage_attach(page, index);
	return page;
}

/*
 * A new page for @index of @anon, zeroed (@old NULL) or a copy of @old that
 * replaces it in the object; the object's alone, locked. On failure: NULL,
 * *ret set, @anon unchanged.
 */
static struct mmlab_page *mmlab_fault_new_page(struct mmlab_anon *anon,
					       pgoff_t index,
					       struct mmlab_page *old,
					       vm_fault_t *ret)
{
	struct mmlab_page *page = mmlab_user_page_alloc(!old, index);
	int err;

	if (!page) {
		*ret = VM_FAULT_SIGBUS;
		return NULL;
	}
	/* Locked before anyone can find it: see mmlab_fault_lock_page(). */
	lock_page(mmlab_page_to_kpage(page));
	if (old) {
		copy_page(mmlab_page_address(page), mmlab_page_address(old));
		err = mmlab_anon_replace_page(anon, index, old, page,
					      GFP_KERNEL);
	} else {
		err = mmlab_anon_add_page(anon, index, page, GFP_KERNEL);
	}
	if (err) {
		unlock_page(mmlab_page_to_kpage(page));
		mmlab_user_page_discard(page);
		*ret = VM_FAULT_OOM;
		return NULL;
	}
	mmlab_put_page(page);	/* the object's reference keeps it */
	if (!anon->shared)
		xa_set_mark(&anon->pages, mmlab_anon_slot(anon, index),
			    MMLAB_XA_EXCLUSIVE);
	return page;
}

/*
 * May a write keep @page, which @anon holds at @index? As do_wp_page()
 * decides for an anonymous page: always if it is the object's exclusively
 * (PageAnonExclusive: it was new or copied here); otherwise only if no
 * other object holds it and the kernel holds no reference to it beyond its
 * ptes and the fault's own @extra (page_count()): a pin, a pipe buffer or
 * a racing get_user_pages() make the write copy, so that the pin keeps
 * seeing the page it pinned. Reusing makes the page exclusive again.
 */
static bool mmlab_anon_page_reusable(struct mmlab_anon *anon, pgoff_t index,
				     struct mmlab_page *page, int extra)
{
	if (xa_get_mark(&anon->pages, mmlab_anon_slot(anon, index),
			MMLAB_XA_EXCLUSIVE))
		return true;
	return mmlab_page_mapcount(page) == 1 &&
	       mmlab_kpage_refs(page) == extra;
}

/*
 * Hand @page to the core for the pte: finish_fault() installs it. An
 * object's page comes locked (mmlab_fault_lock_page()) and the core
 * unlocks it once the pte is in; the core locks the zero page itself.
 */
static vm_fault_t mmlab_fault_return(struct vm_fault *vmf,
				     struct mmlab_page *page)
{
	if (vmf->vma->vm_flags & VM_EXEC)
		mmlab_user_sync_icache(page);
	vmf->page = mmlab_page_to_kpage(page);
	get_page(vmf->page);
	return page == mmlab_zero_page ? 0 : VM_FAULT_LOCKED;
}

/*
 * Zap the ptes of @vma in [@start, @end), for a fault, ->access or
 * ->mprotect of ours: the mmu notifier must not take it for MADV_DONTNEED.
 * @anon locked.
 */
static void mmlab_zap_range(struct vm_area_struct *vma, struct mmlab_anon *anon,
			    unsigned long start, unsigned long end)
{
	WRITE_ONCE(anon->zapper, current);
	zap_page_range(vma, start, end - start);
	WRITE_ONCE(anon->zapper, NULL);
}

/* Zap the pte of @vma at @addr, as mmlab_zap_range(). */
static void mmlab_zap_pte(struct vm_area_struct *vma, struct mmlab_anon *anon,
			  unsigned long addr)
{
	mmlab_zap_range(vma, anon, addr & PAGE_MASK,
			(addr & PAGE_MASK) + PAGE_SIZE);
}

/**
 * struct mmlab_fault_result - what a fault did, for the counters.
 * @kind: the kind, MMLAB_NR_FAULT_KINDS when it backed off or is the
 *	second half of a fault already counted.
 * @page: the page it mapped or made writable.
 */
struct mmlab_fault_result {
	enum mmlab_fault_kind kind;
	struct mmlab_page *page;
};

/* Is this the access faulting back the page a write fault just put in? */
static bool mmlab_fault_is_refault(struct mmlab_anon *anon, pgoff_t index,
				   bool write)
{
	bool refault = anon->refault_pending && anon->refault_index == index &&
		       write;

	anon->refault_pending = false;
	return refault;
}

/*
 * Set *@pagep to the page @anon holds at the fault's index, locked, for a
 * fault that may map it (or copy it); to NULL for a hole, or for a page
 * MADV_DONTNEED is zapping or has zapped (mmlab_anon_live_page()), which
 * the fault drops, as one that comes after a zap of anonymous memory finds
 * nothing. The lock stays until the pte is in (the core unlocks the page
 * after finish_fault()), so that the zap either finds the pte or the fault
 * sees the mark: see mmlab_mn_wait_install(). @anon locked; the page lock
 * nests inside. The pte is looked at once the page is locked: a fault that
 * held the lock has put it in by then.
 *
 * Return: 0, or VM_FAULT_NOPAGE if there is a pte at the address.
 */
static vm_fault_t mmlab_fault_lock_page(struct vm_fault *vmf,
					struct mmlab_anon *anon,
					struct mmlab_page **pagep)
{
	struct mmlab_page *page = xa_load(&anon->pages,
					  mmlab_anon_slot(anon, vmf->pgoff));
	struct page *kp;

	*pagep = NULL;
	if (!page)
		return pte_present(mmlab_pte_at(vmf->vma->vm_mm, vmf->address)) ?
		       VM_FAULT_NOPAGE : 0;
	kp = mmlab_page_to_kpage(page);
	lock_page(kp);
	if (pte_present(mmlab_pte_at(vmf->vma->vm_mm, vmf->address))) {
		unlock_page(kp);
		return VM_FAULT_NOPAGE;
	}
	/* The object's mutex keeps the page there; only the marks move. */
	if (!mmlab_anon_live_page(anon, vmf->pgoff)) {
		unlock_page(kp);
		mmlab_anon_drop_page(anon, vmf->pgoff, page);
		return 0;
	}
	*pagep = page;
	return 0;
}

/*
 * ->fault: the core found no pte at the address. Another thread's fault may
 * have installed one since: mmlab_fault_lock_page() backs off then, as
 * finish_fault() would anyway.
 * A write to a read-only pte comes back through ->page_mkwrite, which
 * decides from that pte.
 */
static vm_fault_t mmlab_fault_absent(struct vm_fault *vmf,
				     struct mmlab_anon *anon,
				     struct mmlab_fault_result *res)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	pgoff_t index = vmf->pgoff;
	struct mmlab_page *page, *old;
	enum mmlab_fault_kind kind;
	vm_fault_t ret;

	ret = mmlab_fault_lock_page(vmf, anon, &page);
	if (ret)
		return ret;
	kind = mmlab_fault_decide(anon->shared, write, page,
				  page && mmlab_anon_page_reusable(anon, index,
								   page, 0));
	switch (kind) {
	case MMLAB_FAULT_ZERO:
		page = mmlab_zero_page;
		break;
	case MMLAB_FAULT_NEW:
	case MMLAB_FAULT_COPY:
		old = page;
		page = mmlab_fault_new_page(anon, index, old, &ret);
		if (old)
			unlock_page(mmlab_page_to_kpage(old));
		if (!page)
			return ret;
		break;
	case MMLAB_FAULT_REUSE:
		xa_set_mark(&anon->pages, mmlab_anon_slot(anon, index),
			    MMLAB_XA_EXCLUSIVE);
		break;
	default:	/* MAP: the object's page as it is */
		break;
	}
	if (!mmlab_fault_is_refault(anon, index, write)) {
		res->kind = kind;
		res->page = page;
	}
	return mmlab_fault_return(vmf, page);
}

/*
 * ->page_mkwrite from wp_page_shared(): a write hit the read-only pte
 * vmf->orig_pte. As do_wp_page() does, decide from that pte, not from what
 * the object holds: if the pte changed meanwhile (a racing fault got there
 * first), back off; if it maps the zero page, or a page the object no
 * longer holds (MADV_DONTNEED raced), a zeroed page replaces it; if it
 * maps a page the object may not reuse, a copy replaces it
 * (wp_page_copy()); else return 0 and the core makes the pte writable
 * once it has seen it is still orig_pte (wp_page_reuse()).
 */
static vm_fault_t mmlab_fault_wp(struct vm_fault *vmf, struct mmlab_anon *anon,
				 struct mmlab_fault_result *res)
{
	pte_t pte = mmlab_pte_at(vmf->vma->vm_mm, vmf->address);
	unsigned long slot = mmlab_anon_slot(anon, vmf->pgoff);
	struct mmlab_page *page = xa_load(&anon->pages, slot);
	enum mmlab_fault_kind kind;
	vm_fault_t ret = 0;

	if (!pte_present(pte) || pte_write(pte) ||
	    pte_pfn(pte) != pte_pfn(vmf->orig_pte))
		return VM_FAULT_NOPAGE;
	anon->refault_pending = false;
	if (page && pte_pfn(pte) != mmlab_page_to_pfn(page)) {
		/* A racing fault put a page in the object: map that one. */
		mmlab_zap_pte(vmf->vma, anon, vmf->address);
		return VM_FAULT_NOPAGE;
	}
	kind = mmlab_fault_decide(anon->shared, true, page,
				  page && mmlab_anon_page_reusable(anon,
								   vmf->pgoff,
								   page, 1));
	res->kind = kind;
	res->page = page;
	if (kind == MMLAB_FAULT_REUSE)
		xa_set_mark(&anon->pages, slot, MMLAB_XA_EXCLUSIVE);
	if (kind == MMLAB_FAULT_REUSE || kind == MMLAB_FAULT_MAP)
		return 0;
	page = mmlab_fault_new_page(anon, vmf->pgoff, page, &ret);
	if (!page) {
		res->kind = MMLAB_NR_FAULT_KINDS;
		return ret;
	}
	/* No pte of it yet: the refault's ->fault takes the page lock. */
	unlock_page(mmlab_page_to_kpage(page));
	res->page = page;
	mmlab_zap_pte(vmf->vma, anon, vmf->address);
	anon->refault_index = vmf->pgoff;
	anon->refault_pending = true;
	return VM_FAULT_NOPAGE;
}

static vm_fault_t mmlab_out_of_memory(struct vm_fault *vmf)
{
	/*
	 * A task with SIGKILL pending (the victim we chose may be the
	 * faulter itself) must not wait for memory: VM_FAULT_OOM lets a
	 * user-mode fault return to die, and makes a kernel-mode one
	 * (copy_to_user() into the mapping) fail with -EFAULT instead of
	 * faulting again for ever.
	 */
	if (fatal_signal_pending(current))
		return VM_FAULT_OOM;
	if (mmlab_oom_kill_wanted() && mmlab_oom_kill()) {
		if (fatal_signal_pending(current))
			return VM_FAULT_OOM;
		/* Let the victim exit, then fault again. */
		schedule_timeout_killable(msecs_to_jiffies(20));
		return VM_FAULT_NOPAGE;
	}
	pr_warn_ratelimited("pid %d (%s): region exhausted at %#lx, SIGBUS\n",
			    task_pid_nr(current), current->comm,
			    vmf->address);
	return VM_FAULT_SIGBUS;
}

static vm_fault_t mmlab_handle_fault(struct vm_fault *vmf, bool wp)
{
	struct mmlab_fault_result res = { .kind = MMLAB_NR_FAULT_KINDS };
	struct mmlab_anon *anon = vmf->vma->vm_private_data;
	struct mmlab_vma *mv;
	vm_fault_t ret;

	down_read(&mmlab_fault_rwsem);
	mutex_lock(&anon->lock);
	mmlab_anon_reap(anon);
	if (wp)
		ret = mmlab_fault_wp(vmf, anon, &res);
	else
		ret = mmlab_fault_absent(vmf, anon, &res);
	mv = mmlab_find_vma(anon, vmf->vma);
	if (!(ret & VM_FAULT_ERROR) && res.kind < MMLAB_NR_FAULT_KINDS && mv)
		mmlab_count_fault(mv->mmm, res.kind, vmf->address,
				  mmlab_page_to_pfn(res.page));
	mutex_unlock(&anon->lock);
	up_read(&mmlab_fault_rwsem);
	if (ret & VM_FAULT_SIGBUS)
		return mmlab_out_of_memory(vmf);
	return ret;
}

static vm_fault_t mmlab_vm_fault(struct vm_fault *vmf)
{
	return mmlab_handle_fault(vmf, false);
}

/*
 * From do_shared_fault(): the page our ->fault just decided on for a write,
 * to be installed writable. The core unlocked it in between, and a
 * MADV_DONTNEED may have marked it since: lock it again and look, as
 * mmlab_fault_lock_page() does.
 * If it is no longer the object's page there, or is being zapped, fault
 * again.
 */
static vm_fault_t mmlab_fault_relock(struct vm_fault *vmf)
{
	struct mmlab_anon *anon = vmf->vma->vm_private_data;
	struct mmlab_page *page;

	lock_page(vmf->page);
	page = mmlab_anon_live_page(anon, vmf->pgoff);
	if (page && mmlab_page_to_kpage(page) == vmf->page)
		return VM_FAULT_LOCKED;
	unlock_page(vmf->page);
	return VM_FAULT_NOPAGE;
}

static vm_fault_t mmlab_vm_page_mkwrite(struct vm_fault *vmf)
{
	if (pte_none(vmf->orig_pte))
		return mmlab_fault_relock(vmf);
	return mmlab_handle_fault(vmf, true);
}

/*
 * mprotect() adding PROT_WRITE to a private mapping: change_protection()
 * makes a dirty read-only pte of a shared mapping writable without a fault
 * (can_change_pte_writable()), and ours can be one that must copy (fork
 * left it dirty, or it was reused, made read-only and shared by a fork
 * since). Drop the range's ptes before: each write faults and decides.
 */
static void mmlab_mprotect_write(struct vm_area_struct *vma,
				 struct mmlab_anon *anon, unsigned long start,
				 unsigned long end)
{
	mutex_lock(&anon->lock);
	mmlab_zap_range(vma, anon, start, end);
	mutex_unlock(&anon->lock);
}

/*
 * ->mprotect: before the core changes the ptes. Adding PROT_WRITE to a
 * private mapping: see mmlab_mprotect_write(). Adding PROT_EXEC: the pages
 * already mapped become executable without a fault, so make each one's
 * instruction cache coherent now.
 */
static int mmlab_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, unsigned long newflags)
{
	struct mmlab_anon *anon = vma->vm_private_data;
	pgoff_t first = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	pgoff_t last = first + ((end - start) >> PAGE_SHIFT) - 1;
	struct mmlab_page *page;
	unsigned long slot;

	if (!anon->shared && (newflags & VM_WRITE) &&
	    !(vma->vm_flags & VM_WRITE))
		mmlab_mprotect_write(vma, anon, start, end);
	if (!(newflags & VM_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	mmlab_user_sync_icache(mmlab_zero_page);
	mutex_lock(&anon->lock);
	xa_for_each_range(&anon->pages, slot, page, mmlab_anon_slot(anon, first),
			  mmlab_anon_slot(anon, last))
		mmlab_user_sync_icache(page);
	mutex_unlock(&anon->lock);
	return 0;
}

/* --- Access by the kernel for another process: ptrace, /proc/pid/mem --- */

/*
 * A write by ->access may not go where a write from the process itself
 * could not: as get_user_pages() with FOLL_FORCE allows, a private mapping
 * is written whatever its protection (a debugger's breakpoint), a shared
 * one only when it is writable.
 */
static bool mmlab_access_may_write(struct vm_area_struct *vma,
				   struct mmlab_anon *anon)
{
	if (vma->vm_flags & VM_WRITE)
		return true;
	return !anon->shared && (vma->vm_flags & VM_MAYWRITE);
}

/*
 * The page ->access writes at @index of @anon: what a write fault there
 * would make writable. A hole gets a zeroed page, a page other objects
 * hold too is replaced by a copy (mmlab_fault_decide() decides, as for a
 * fault); the pte at @addr, which may map the zero page or the page
 * replaced read-only, is zapped, and the next access faults the new page
 * in. Shared objects never map the zero page and never copy: no pte to
 * zap. NULL when no page could be had.
 */
static struct mmlab_page *mmlab_access_write_page(struct vm_area_struct *vma,
						  struct mmlab_anon *anon,
						  pgoff_t index,
						  unsigned long addr)
{
	struct mmlab_page *page = xa_load(&anon->pages,
					  mmlab_anon_slot(anon, index));
	enum mmlab_fault_kind kind;
	vm_fault_t ret;

	kind = mmlab_fault_decide(anon->shared, true, page,
				  page && mmlab_anon_page_reusable(anon, index,
								   page, 0));
	if (kind != MMLAB_FAULT_NEW && kind != MMLAB_FAULT_COPY)
		return page;
	page = mmlab_fault_new_page(anon, index, page, &ret);
	if (!page)
		return NULL;
	/* No pte of it yet: the next fault takes the page lock. */
	unlock_page(mmlab_page_to_kpage(page));
	if (!anon->shared)
		mmlab_zap_pte(vma, anon, addr);
	return page;
}

/* Copy @len bytes at @offset of the page at @index out of or into @buf. */
static int mmlab_access_page(struct vm_area_struct *vma,
			     struct mmlab_anon *anon, unsigned long addr,
			     void *buf, int len, bool write)
{
	pgoff_t index = linear_page_index(vma, addr);
	unsigned long offset = offset_in_page(addr);
	struct mmlab_page *page;

	if (!write) {
		page = xa_load(&anon->pages, mmlab_anon_slot(anon, index));
		if (page)
			memcpy(buf, mmlab_page_address(page) + offset, len);
		else
			memset(buf, 0, len);	/* the zero page's bytes */
		return len;
	}
	page = mmlab_access_write_page(vma, anon, index, addr);
	if (!page)
		return -ENOMEM;
	memcpy(mmlab_page_address(page) + offset, buf, len);
	/* The pte may already be executable: no fault will sync it. */
	mmlab_user_sync_icache_written(page);
	return len;
}

/*
 * ->access: __access_remote_vm() (ptrace PEEKDATA/POKEDATA, /proc/pid/mem)
 * calls this when get_user_pages() refused: a forced write into a private
 * mapping without PROT_WRITE (a breakpoint), which the core allows only in
 * a copy-on-write vma, and ours is VM_SHARED to the core. At most up to
 * the end of the page at @addr; the caller loops. Reads allocate nothing
 * (a hole reads as zeroes, as the zero page); writes make the page the
 * process's own first, as a write fault would, so neither the zero page
 * nor another process's copy-on-write page is ever written.
 */
static int mmlab_vm_access(struct vm_area_struct *vma, unsigned long addr,
			   void *buf, int len, int write)
{
	struct mmlab_anon *anon = vma->vm_private_data;
	int ret;

	len = min_t(int, len, PAGE_SIZE - offset_in_page(addr));
	if (write && !mmlab_access_may_write(vma, anon)) {
		pr_warn_ratelimited("access: pid %d (%s): %#lx is a read-only shared mapping\n",
				    task_pid_nr(current), current->comm, addr);
		return -EFAULT;
	}
	down_read(&mmlab_fault_rwsem);
	mutex_lock(&anon->lock);
	mmlab_anon_reap(anon);
	ret = mmlab_access_page(vma, anon, addr, buf, len, write);
	mutex_unlock(&anon->lock);
	up_read(&mmlab_fault_rwsem);
	if (ret < 0)
		pr_warn_ratelimited("access: pid %d (%s): no page for a write at %#lx\n",
				    task_pid_nr(current), current->comm, addr);
	return ret;
}

/* --- vma lifecycle ----------------------------------------------------- */

/*
 * Write-protect a parent's pte at fork. It stays dirty (a module cannot
 * set_pte_at() on arm64: mte_sync_tags() is not exported), which the core
 * takes for a pte ->page_mkwrite already allowed: ->mprotect drops such
 * ptes before mprotect(PROT_WRITE) could make them writable.
 */
static int mmlab_wrprotect_pte(pte_t *ptep, unsigned long addr, void *data)
{
	struct mm_struct *mm = data;
	pte_t pte = ptep_get(ptep);

	if (pte_present(pte) && pte_write(pte))
		ptep_set_wrprotect(mm, addr, ptep);
	return 0;
}

/*
 * fork(): @vma is the child's copy of a vma of the private object @parent.
 * The child's object holds every page of the range too, none stays
 * exclusive, and the parent's ptes become read-only, as
 * copy_present_pte() makes them for a copy-on-write mapping (dup_mmap()
 * holds the parent's mmap_lock for write and flushes its TLB at the end);
 * copy_page_range() then copies those ptes to the child.
 */
static void mmlab_fork_private(struct vm_area_struct *vma,
			       struct mmlab_anon *parent)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOFAIL;
	pgoff_t first = vma->vm_pgoff, last = first + vma_pages(vma) - 1;
	struct mmlab_anon *child;
	struct mmlab_page *page;
	unsigned long slot;

	child = kzalloc(sizeof(*child), gfp);
	mmlab_anon_init(child, vma->vm_mm, parent->mapping, false);
	child->base = parent->base;	/* the same pgoffs, the same slots */

	mutex_lock(&parent->lock);
	mmlab_anon_reap(parent);
	xa_for_each_range(&parent->pages, slot, page,
			  mmlab_anon_slot(parent, first),
			  mmlab_anon_slot(parent, last)) {
		WARN_ON(mmlab_anon_add_page(child, mmlab_anon_index(parent, slot),
					    page, gfp));
		xa_clear_mark(&parent->pages, slot, MMLAB_XA_EXCLUSIVE);
	}
	apply_to_existing_page_range(parent->mm, vma->vm_start,
				     vma->vm_end - vma->vm_start,
				     mmlab_wrprotect_pte, parent->mm);
	mutex_unlock(&parent->lock);

	mmlab_attach(child, vma, gfp);
	vma->vm_private_data = child;
}

static void mmlab_vm_open(struct vm_area_struct *vma)
{
	struct mmlab_anon *anon = vma->vm_private_data;

	down_read(&mmlab_fault_rwsem);
	if (!anon->shared && anon->mm != vma->vm_mm) {
		mmlab_fork_private(vma, anon);
	} else {
		/* split, mremap's copy, or a shared object inherited */
		mutex_lock(&anon->lock);
		refcount_inc(&anon->ref);
		mmlab_attach(anon, vma, GFP_KERNEL | __GFP_NOFAIL);
		mutex_unlock(&anon->lock);
	}
	up_read(&mmlab_fault_rwsem);
}

/* Drop the pages of @vma's range that no other vma of @anon covers. */
static void mmlab_release_range(struct mmlab_anon *anon,
				struct vm_area_struct *vma)
{
	pgoff_t first = vma->vm_pgoff, last = first + vma_pages(vma) - 1;
	struct mmlab_page *page;
	struct mmlab_vma *mv;
	unsigned long slot;

	xa_for_each_range(&anon->pages, slot, page, mmlab_anon_slot(anon, first),
			  mmlab_anon_slot(anon, last)) {
		pgoff_t index = mmlab_anon_index(anon, slot);
		bool covered = false;

		list_for_each_entry(mv, &anon->vmas, anon_node)
			if (mmlab_vma_covers(mv->vma, index))
				covered = true;
		if (!covered)
			mmlab_anon_drop_page(anon, index, page);
	}
}

static void mmlab_vm_close(struct vm_area_struct *vma)
{
	struct mmlab_anon *anon = vma->vm_private_data;
	struct mmlab_vma *mv;

	down_read(&mmlab_fault_rwsem);
	mutex_lock(&anon->lock);
	mv = mmlab_find_vma(anon, vma);
	if (!WARN_ON(!mv))
		list_del(&mv->anon_node);	/* it covers nothing now */
	if (!anon->shared)
		mmlab_release_range(anon, vma);
	/*
	 * The process leaves mmlab's lists only once its pages are back: an
	 * oom_policy kill waits for a victim while it is listed, and a victim
	 * gone from the lists with its pages not yet freed would let the
	 * faulter, then the only holder, choose itself.
	 */
	if (mv)
		mmlab_detach_mm(mv);
	mutex_unlock(&anon->lock);
	mmlab_anon_put(anon);
	up_read(&mmlab_fault_rwsem);
}

static const struct vm_operations_struct mmlab_vm_ops = {
	.open		= mmlab_vm_open,
	.close		= mmlab_vm_close,
	.fault		= mmlab_vm_fault,
	.page_mkwrite	= mmlab_vm_page_mkwrite,
	.mprotect	= mmlab_vm_mprotect,
	.access		= mmlab_vm_access,
#ifdef CONFIG_MMU_NOTIFIER
	.may_split	= mmlab_vm_may_split,
#endif
};

/**
 * mmlab_dev_mmap() - ->mmap of /dev/mmlab: anonymous memory from the region.
 * @file: the open device.
 * @vma: the new vma, not yet visible.
 *
 * Return: 0; -EINVAL for a non-zero offset or more than 2^32 pages;
 * -ENODEV without a zero page or when a region's frames are not normal
 * pages; -ENOSPC when the pgoff space is used up; -ENOMEM.
 */
int mmlab_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	bool shared = vma->vm_flags & VM_MAYSHARE;
	unsigned long npages = vma_pages(vma);
	struct mmlab_anon *anon;
	int err;

	if (vma->vm_pgoff) {
		pr_warn_ratelimited("mmap: offset %#lx: must be 0\n",
				    vma->vm_pgoff << PAGE_SHIFT);
		return -EINVAL;
	}
	if (npages > MMLAB_PGOFF_WINDOW) {
		pr_warn_ratelimited("mmap: %lu pages: at most %lu\n", npages,
				    MMLAB_PGOFF_WINDOW);
		return -EINVAL;
	}
	if (!mmlab_zero_page) {
		pr_warn_ratelimited("mmap: no zero page, no region\n");
		return -ENODEV;
	}
	if (mmlab_mmap_unsupported) {
		pr_warn_ratelimited("mmap: a region's frames are not normal pages to the kernel (see the load log)\n");
		return -ENODEV;
	}
	anon = mmlab_anon_create(vma->vm_mm, file->f_mapping, shared);
	if (!anon)
		return -ENOMEM;

	down_read(&mmlab_fault_rwsem);
	mutex_lock(&mmlab_maps_lock);
	if (mmlab_next_pgoff > ULONG_MAX - 2 * MMLAB_PGOFF_WINDOW) {
		mutex_unlock(&mmlab_maps_lock);
		pr_warn_ratelimited("mmap: %lu pages: no pgoff range left\n",
				    npages);
		err = -ENOSPC;
		goto out;
	}
	vma->vm_pgoff = mmlab_next_pgoff;
	anon->base = vma->vm_pgoff;	/* not visible to anyone yet */
	mmlab_next_pgoff += MMLAB_PGOFF_WINDOW;
	mutex_unlock(&mmlab_maps_lock);

	mutex_lock(&anon->lock);
	err = mmlab_attach(anon, vma, GFP_KERNEL);
	mutex_unlock(&anon->lock);
	if (err)
		goto out;
	vma->vm_flags |= VM_MIXEDMAP | VM_SHARED;
	if (!shared)
		vma->vm_flags &= ~VM_MAYSHARE;
	vma->vm_ops = &mmlab_vm_ops;
	vma->vm_private_data = anon;
	up_read(&mmlab_fault_rwsem);
	return 0;
out:
	up_read(&mmlab_fault_rwsem);
	mmlab_anon_put(anon);
	return err;
}

/* Fill @info from the caller's pte at info->addr; mmap_lock held. */
static int mmlab_page_info_locked(struct mm_struct *mm,
				  struct mmlab_ioc_page_info *info)
{
	struct vm_area_struct *vma = vma_lookup(mm, info->addr);
	pte_t pte;

	if (!vma || vma->vm_ops != &mmlab_vm_ops) {
		pr_warn_ratelimited("page_info: %#llx is not in a /dev/mmlab mapping\n",
				    info->addr);
		return -EINVAL;
	}
	info->pfn = 0;
	info->flags = 0;
	pte = mmlab_pte_at(mm, info->addr);
	if (!pte_present(pte))
		return 0;	/* nothing mapped there */
	info->pfn = pte_pfn(pte);
	info->flags = MMLAB_PAGE_PRESENT;
	if (pte_write(pte))
		info->flags |= MMLAB_PAGE_WRITABLE;
	if (mmlab_zero_page && info->pfn == mmlab_page_to_pfn(mmlab_zero_page))
		info->flags |= MMLAB_PAGE_ZERO;
	return 0;
}

/**
 * mmlab_ioc_page_info() - MMLAB_IOC_PAGE_INFO: the pfn mapped at an address.
 * @mf: the open file (unused: the caller's own mm is looked at).
 * @uarg: struct mmlab_ioc_page_info.
 * @usize: its size.
 *
 * Return: 0; -EFAULT, -E2BIG, or -EINVAL for non-zero reserved fields or an
 * address outside every /dev/mmlab mapping of the caller.
 */
long mmlab_ioc_page_info(struct mmlab_file *mf, void __user *uarg,
			 size_t usize)
{
	struct mmlab_ioc_page_info info;
	struct mm_struct *mm = current->mm;
	int err;

	err = mmlab_copy_arg_in(&info, sizeof(info), uarg, usize, "page_info");
	if (err)
		return err;
	if (info.reserved0 || info.reserved[0] || info.reserved[1]) {
		pr_warn_ratelimited("page_info: reserved fields must be zero\n");
		return -EINVAL;
	}
	if (!mm)
		return -EINVAL;
	mmap_read_lock(mm);
	err = mmlab_page_info_locked(mm, &info);
	mmap_read_unlock(mm);
	if (err)
		return err;
	return mmlab_copy_arg_out(uarg, usize, &info, sizeof(info), "page_info");
}

/**
 * mmlab_user_pages_count() - pages held by the objects, each counted once.
 *
 * Return: the global mmlab RSS, in pages.
 */
long mmlab_user_pages_count(void)
{
	return atomic_long_read(&mmlab_user_pages);
}

/**
 * mmlab_zero_page_check() - how many bytes of the zero page are not zero.
 * @pfn: set to the zero page's pfn, 0 without one.
 *
 * Every private mapping's untouched pages read through the zero page: a
 * byte that is not zero there is another process's data, leaked.
 *
 * Return: the number of non-zero bytes.
 */
unsigned long mmlab_zero_page_check(unsigned long *pfn)
{
	const u8 *p;
	unsigned long n = 0;
	size_t i;

	*pfn = 0;
	if (!mmlab_zero_page)
		return 0;
	*pfn = mmlab_page_to_pfn(mmlab_zero_page);
	p = mmlab_page_address(mmlab_zero_page);
	for (i = 0; i < PAGE_SIZE; i++)
		n += READ_ONCE(p[i]) != 0;
	return n;
}

/*
 * mmap needs every region's frames to be normal pages: a user page may
 * come from any region. One log line per region that has none.
 */
static bool mmlab_regions_mappable(void)
{
	struct mmlab_region *r;
	bool ok = true;

	for_each_mmlab_region(r) {
		if (mmlab_region_normal_pages(r))
			continue;
		pr_warn("%s: %s map, kernel struct pages %s: its frames are not normal pages, mmap of /dev/mmlab will fail (drop no-map from its reserved-memory node; x86 needs CONFIG_ZONE_DEVICE)\n",
			r->name, r->map_kind == MMLAB_MAP_IOREMAP ?
			"ioremap" : "linear", r->kpages ? "yes" : "no");
		ok = false;
	}
	return ok;
}

/**
 * mmlab_mmap_init() - allocate the region's zero page and the work queue
 *	of the MADV_DONTNEED reaper.
 *
 * Return: 0 or -ENOMEM; without a region, or with one whose frames are not
 * normal pages, mmap is refused but the module loads.
 */
int mmlab_mmap_init(void)
{
	mmlab_reap_wq = alloc_workqueue("mmlab_reap", 0, 0);
	if (!mmlab_reap_wq)
		return -ENOMEM;
	mmlab_mmap_unsupported = !mmlab_regions_mappable();
	mmlab_zero_page = mmlab_alloc_pages_owner(NUMA_NO_NODE,
						  MMLAB_GFP_KERNEL |
						  __MMLAB_GFP_ZERO, 0,
						  MMLAB_OWNER_ZERO);
	if (!mmlab_zero_page)
		pr_warn("no zero page: mmap of /dev/mmlab will fail\n");
	else if (!mmlab_mmap_unsupported)
		mmlab_kpage_attach(mmlab_zero_page, 0);
	mmlab_fail_attr_register(&fail_fault);
	mmlab_fail_attr_register(&fail_rmap);
	return 0;
}

/**
 * mmlab_mmap_exit() - free the zero page. No mapping can be left: each
 * holds the file, which holds the module.
 */
void mmlab_mmap_exit(void)
{
	unsigned long pfn, dirty = mmlab_zero_page_check(&pfn);

	mmlab_fail_attr_unregister(&fail_rmap);
	mmlab_fail_attr_unregister(&fail_fault);
	destroy_workqueue(mmlab_reap_wq);	/* drains pending reaps */
	mmu_notifier_synchronize();		/* frees the notifiers put */
	WARN_ON(atomic_long_read(&mmlab_user_pages));
	WARN(dirty, "mmlab_fault: zero page pfn %#lx has %lu non-zero bytes\n",
	     pfn, dirty);
	if (mmlab_zero_page && !mmlab_mmap_unsupported)
		WARN_ON(!mmlab_kpage_detach(mmlab_zero_page));
	mmlab_put_page(mmlab_zero_page);
	mmlab_zero_page = NULL;
}
