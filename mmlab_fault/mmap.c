// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of /dev/mmlab: anonymous memory backed only by the private regions,
 * with faults that mirror do_anonymous_page() and do_wp_page().
 *
 * The vma. Every page a process sees must come from a region, copy-on-write
 * copies included, but the core's paths for a private file mapping
 * (do_cow_fault(), wp_page_copy()) allocate from the kernel's allocator.
 * They are taken only when the vma is not VM_SHARED, so ->mmap makes every
 * mapping VM_PFNMAP | VM_SHARED | VM_DONTEXPAND | VM_DONTDUMP |
 * VM_WIPEONFORK and clears VM_MAYSHARE of a MAP_PRIVATE one (so that
 * /proc/pid/maps still says 'p'). Then, in 6.1:
 *  - a fault on an absent pte goes to ->fault (do_read_fault() or
 *    do_shared_fault(), never do_cow_fault()); we install the pfn with
 *    vmf_insert_pfn_prot() and return VM_FAULT_NOPAGE;
 *  - with ->pfn_mkwrite the vma wants write-notify, so vm_page_prot is
 *    read-only and a write to a present pte goes through wp_pfn_shared() to
 *    ->pfn_mkwrite: returning 0 lets the core make the pte writable (reuse);
 *    to put another page there we zap_vma_ptes() and insert the new pfn;
 *  - both decide from the pte actually there, read under its lock once the
 *    object's lock is held, as the core re-checks orig_pte: ->fault backs
 *    off if a racing fault installed a pte meanwhile (vmf_insert_pfn_prot()
 *    would silently keep it), ->pfn_mkwrite backs off unless the pte is
 *    still vmf->orig_pte, and then copies or replaces the page that pte
 *    maps (the zero page, or a page shared after fork), never makes it
 *    writable unless the object holds it alone;
 *  - ->mprotect and the install path keep the I-cache coherent for
 *    executable mappings (mmlab_user_sync_icache()).
 *  - mmap_region() pairs mapping_map_writable() by the flags it was called
 *    with, the i_mmap link and unlink pair mapping_allow_writable() and
 *    mapping_unmap_writable() by the vma's final flags: balanced.
 *
 * The objects. Each mmap() creates a struct mmlab_anon: an xarray pgoff ->
 * page with its lock, mmlab's anon_vma and page table in one. ->mmap gives
 * the vma a pgoff range of its own (vm_pgoff, as anonymous vmas get
 * addr >> PAGE_SHIFT), so a page keeps its index for life: split vmas and
 * forked vmas keep the pgoff, mremap is refused. ->open of a vma of a
 * private object in another mm is fork (dup_mmap() calls it before
 * copy_page_range()): the child gets an object of its own holding every
 * page of the parent's range (copy-on-write: each page's mapcount counts
 * the objects that hold it), and the parent's ptes of the range are zapped
 * so that its next write faults too; with no pte left in the parent
 * copy_page_range() copies none (VM_WIPEONFORK skips it anyway, but
 * MADV_KEEPONFORK can clear that flag). Shared objects are simply attached
 * to the child's vma, and their pages live until the object dies, as
 * shmem's do. A private page leaves the object when the last vma covering
 * its index closes (partial munmap, exit).
 *
 * The reverse map (rmap.c) lists the (object, pgoff) pairs holding each
 * page; with the vmas of each object it gives every (mm, address) mapping
 * the page. Migration unmaps through unmap_mapping_pages() on the device's
 * i_mmap, which is what keeps a vma's page tables alive while we zap.
 *
 * A copy-on-write copy enters the object before the page it replaces
 * leaves it (mmlab_anon_replace_page()): a failure in between loses
 * nothing. A fault that finds the region exhausted takes the OOM policy
 * (stats.c); a task already killed gets VM_FAULT_OOM, so that a fault
 * from the kernel (copy_to_user() into the mapping) fails instead of
 * retrying for ever.
 *
 * The kernel's own accesses for another process: get_user_pages() refuses
 * VM_PFNMAP, and ptrace PEEKDATA/POKEDATA and /proc/pid/mem then fall back
 * to ->access, which reads the object's pages through the region's kernel
 * mapping and writes them as a write fault would make them writable
 * (mmlab_vm_access()). Why the region's pages are not mapped as normal
 * pages that get_user_pages() would take: docs/mmap.md.
 *
 * Refused, with the error the kernel or we return (docs in README.md):
 * MADV_DONTNEED and MADV_FREE (EINVAL: madvise refuses VM_PFNMAP), growing
 * mremap (EFAULT: VM_DONTEXPAND), moving mremap (EINVAL from ->mremap),
 * a non-zero offset (EINVAL), get_user_pages() on the range (EFAULT:
 * process_vm_readv, O_DIRECT, vmsplice, shared futexes).
 *
 * Lock order:
 *	mm->mmap_lock (core)
 *	  mmlab_fault_rwsem (read: mmap, fault, open, close; write: migration)
 *	    mmlab_anon.lock (mutex)
 *	      mmlab_maps_lock (mutex: the lists of vmas and mms)
 *	      mmlab_rmap_lock (spinlock: every page's rmap list)
 *	      pte locks, i_mmap_rwsem, mmlab_buddy's locks
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

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

static struct mmlab_page *mmlab_zero_page;
static unsigned long mmlab_next_pgoff = 1;	/* under mmlab_maps_lock */
static atomic_long_t mmlab_user_pages = ATOMIC_LONG_INIT(0);

/**
 * mmlab_fault_decide() - what a fault on a /dev/mmlab mapping does.
 * @shared: the object is MAP_SHARED.
 * @write: the fault is a write (absent pte or write-protected one).
 * @has_page: the object holds a page at the index.
 * @mapcount: objects holding that page (1 when only this one).
 *
 * A pure function: mm/memory.c's choice between do_anonymous_page(),
 * wp_page_copy() and wp_page_reuse(), and shmem's for shared objects.
 *
 * Return: the kind of fault.
 */
enum mmlab_fault_kind mmlab_fault_decide(bool shared, bool write,
					 bool has_page, int mapcount)
{
	if (shared)
		return has_page ? MMLAB_FAULT_MAP : MMLAB_FAULT_NEW;
	if (!has_page)
		return write ? MMLAB_FAULT_NEW : MMLAB_FAULT_ZERO;
	if (!write)
		return MMLAB_FAULT_MAP;
	return mapcount > 1 ? MMLAB_FAULT_COPY : MMLAB_FAULT_REUSE;
}
EXPORT_SYMBOL_GPL(mmlab_fault_decide);

/* --- Objects ------------------------------------------------------------- */

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

	if (!anon)
		return NULL;
	mutex_init(&anon->lock);
	refcount_set(&anon->ref, 1);
	xa_init(&anon->pages);
	INIT_LIST_HEAD(&anon->vmas);
	anon->mm = mm;
	anon->mapping = mapping;
	anon->shared = shared;
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

static void mmlab_anon_unhold_page(struct mmlab_page *page)
{
	if (atomic_add_negative(-1, &page->_mapcount))
		atomic_long_dec(&mmlab_user_pages);
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
	int err = xa_insert(&anon->pages, index, page, gfp);

	if (err)
		return err;
	err = mmlab_anon_rmap_add(anon, index, page, gfp);
	if (err) {
		xa_erase(&anon->pages, index);
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
	was = xa_store(&anon->pages, index, new, gfp);
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
	xa_erase(&anon->pages, index);
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
	unsigned long index;

	if (!refcount_dec_and_test(&anon->ref))
		return;
	xa_for_each(&anon->pages, index, page)
		mmlab_anon_drop_page(anon, index, page);
	xa_destroy(&anon->pages);
	WARN_ON(!list_empty(&anon->vmas));
	mutex_destroy(&anon->lock);
	kfree(anon);
}
EXPORT_SYMBOL_GPL(mmlab_anon_put);

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
	mutex_lock(&mmlab_maps_lock);
	mv->mmm = mmlab_mm_get(vma->vm_mm, gfp);
	if (!mv->mmm) {
		mutex_unlock(&mmlab_maps_lock);
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
	pgoff_t first = READ_ONCE(vma->vm_pgoff);
	unsigned long index, n = 0;
	struct mmlab_page *page;

	xa_for_each_range(&mv->anon->pages, index, page, first,
			  first + vma_pages(vma) - 1)
		n++;
	return n;
}

/* --- Faults ------------------------------------------------------------- */

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

static struct mmlab_page *mmlab_user_page_alloc(bool zero)
{
	mmlab_gfp_t gfp = MMLAB_GFP_USER | __MMLAB_GFP_NOWARN;
	struct mmlab_page *page;

	if (mmlab_should_fail(&fail_fault, PAGE_SIZE))
		return NULL;
	if (zero)
		gfp |= __MMLAB_GFP_ZERO;
	page = mmlab_alloc_pages_owner(NUMA_NO_NODE, gfp, 0, MMLAB_OWNER_USER);
	if (page && mmlab_user_movable_id > 0)
		mmlab_page_set_movable(page, mmlab_user_movable_id);
	return page;
}

/*
 * A new page for @index of @anon, zeroed (@old NULL) or a copy of @old that
 * replaces it in the object. On failure: NULL, *ret set, @anon unchanged.
 */
static struct mmlab_page *mmlab_fault_new_page(struct mmlab_anon *anon,
					       pgoff_t index,
					       struct mmlab_page *old,
					       vm_fault_t *ret)
{
	struct mmlab_page *page = mmlab_user_page_alloc(!old);
	int err;

	if (!page) {
		*ret = VM_FAULT_SIGBUS;
		return NULL;
	}
	if (old) {
		copy_page(mmlab_page_address(page), mmlab_page_address(old));
		err = mmlab_anon_replace_page(anon, index, old, page,
					      GFP_KERNEL);
	} else {
		err = mmlab_anon_add_page(anon, index, page, GFP_KERNEL);
	}
	mmlab_put_page(page);	/* the object's reference keeps it, if any */
	if (err) {
		*ret = VM_FAULT_OOM;
		return NULL;
	}
	return page;
}

/* Map @page at the fault address, where the caller saw no pte. */
static vm_fault_t mmlab_map_page(struct vm_fault *vmf, struct mmlab_page *page,
				 bool writable)
{
	struct vm_area_struct *vma = vmf->vma;
	pgprot_t prot = writable ? vm_get_page_prot(vma->vm_flags) :
				   vma->vm_page_prot;

	if (vma->vm_flags & VM_EXEC)
		mmlab_user_sync_icache(page);
	return vmf_insert_pfn_prot(vma, vmf->address, mmlab_page_to_pfn(page),
				   prot);
}

/* Put @page writable at the fault address in place of the pte there. */
static vm_fault_t mmlab_remap_page(struct vm_fault *vmf,
				   struct mmlab_page *page)
{
	zap_vma_ptes(vmf->vma, vmf->address, PAGE_SIZE);
	return mmlab_map_page(vmf, page, true);
}

/**
 * struct mmlab_fault_result - what a fault did, for the counters.
 * @kind: the kind, MMLAB_NR_FAULT_KINDS when it backed off.
 * @page: the page it mapped or made writable.
 */
struct mmlab_fault_result {
	enum mmlab_fault_kind kind;
	struct mmlab_page *page;
};

/*
 * ->fault: the core found no pte at the address. Another thread's fault may
 * have installed one since; as do_anonymous_page() re-checks the pte under
 * its lock, back off then and let the access retry: a write to a read-only
 * pte comes back through ->pfn_mkwrite, which decides from that pte.
 */
static vm_fault_t mmlab_fault_absent(struct vm_fault *vmf,
				     struct mmlab_anon *anon,
				     struct mmlab_fault_result *res)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	struct mmlab_page *page;
	enum mmlab_fault_kind kind;
	vm_fault_t ret = 0;

	if (pte_present(mmlab_pte_at(vmf->vma->vm_mm, vmf->address)))
		return VM_FAULT_NOPAGE;
	page = xa_load(&anon->pages, vmf->pgoff);
	kind = mmlab_fault_decide(anon->shared, write, page,
				  page ? mmlab_page_mapcount(page) : 0);
	switch (kind) {
	case MMLAB_FAULT_ZERO:
		page = mmlab_zero_page;
		break;
	case MMLAB_FAULT_NEW:
	case MMLAB_FAULT_COPY:
		page = mmlab_fault_new_page(anon, vmf->pgoff, page, &ret);
		if (!page)
			return ret;
		break;
	default:	/* REUSE, MAP: the object's page as it is */
		break;
	}
	res->kind = kind;
	res->page = page;
	return mmlab_map_page(vmf, page, write);
}

/*
 * ->pfn_mkwrite: a write hit the read-only pte vmf->orig_pte. As
 * do_wp_page() does, decide from that pte, not from what the object holds:
 * if the pte changed meanwhile (a racing fault got there first), back off;
 * if it maps the zero page, a zeroed page replaces it; if it maps a page
 * other objects hold too, a copy replaces it (wp_page_copy()); if only this
 * object holds it, return 0 and finish_mkwrite_fault() makes the pte
 * writable once it has seen it is still orig_pte (wp_page_reuse()).
 */
static vm_fault_t mmlab_fault_wp(struct vm_fault *vmf, struct mmlab_anon *anon,
				 struct mmlab_fault_result *res)
{
	pte_t pte = mmlab_pte_at(vmf->vma->vm_mm, vmf->address);
	struct mmlab_page *page = xa_load(&anon->pages, vmf->pgoff);
	struct mmlab_page *mapped = page ? page : mmlab_zero_page;
	enum mmlab_fault_kind kind;
	vm_fault_t ret = 0;

	if (!pte_present(pte) || pte_write(pte) ||
	    pte_pfn(pte) != pte_pfn(vmf->orig_pte))
		return VM_FAULT_NOPAGE;
	if (WARN_ON_ONCE(pte_pfn(pte) != mmlab_page_to_pfn(mapped))) {
		/* Not what the object holds: drop it, the retry maps that. */
		zap_vma_ptes(vmf->vma, vmf->address, PAGE_SIZE);
		return VM_FAULT_NOPAGE;
	}
	kind = mmlab_fault_decide(anon->shared, true, page,
				  page ? mmlab_page_mapcount(page) : 0);
	if (kind == MMLAB_FAULT_NEW || kind == MMLAB_FAULT_COPY) {
		page = mmlab_fault_new_page(anon, vmf->pgoff, page, &ret);
		if (!page)
			return ret;
		ret = mmlab_remap_page(vmf, page);
	}
	res->kind = kind;
	res->page = page;
	return ret;
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

static vm_fault_t mmlab_vm_pfn_mkwrite(struct vm_fault *vmf)
{
	return mmlab_handle_fault(vmf, true);
}

/*
 * mprotect() adding PROT_EXEC: the pages already mapped become executable
 * without a fault, so make each one's instruction cache coherent now.
 */
static int mmlab_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, unsigned long newflags)
{
	struct mmlab_anon *anon = vma->vm_private_data;
	pgoff_t first = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	pgoff_t last = first + ((end - start) >> PAGE_SHIFT) - 1;
	struct mmlab_page *page;
	unsigned long index;

	if (!(newflags & VM_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	mmlab_user_sync_icache(mmlab_zero_page);
	mutex_lock(&anon->lock);
	xa_for_each_range(&anon->pages, index, page, first, last)
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
	struct mmlab_page *page = xa_load(&anon->pages, index);
	enum mmlab_fault_kind kind;
	vm_fault_t ret;

	kind = mmlab_fault_decide(anon->shared, true, page,
				  page ? mmlab_page_mapcount(page) : 0);
	if (kind != MMLAB_FAULT_NEW && kind != MMLAB_FAULT_COPY)
		return page;
	page = mmlab_fault_new_page(anon, index, page, &ret);
	if (page && !anon->shared)
		zap_vma_ptes(vma, addr & PAGE_MASK, PAGE_SIZE);
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
		page = xa_load(&anon->pages, index);
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
 * ->access: get_user_pages() refuses VM_PFNMAP vmas, and then
 * __access_remote_vm() (ptrace PEEKDATA/POKEDATA, /proc/pid/mem) calls
 * this to read or write the process's memory through the kernel's alias of
 * the region. At most up to the end of the page at @addr; the caller
 * loops. Reads allocate nothing (a hole reads as zeroes, as the zero
 * page); writes make the page the process's own first, as a write fault
 * would, so neither the zero page nor another process's copy-on-write page
 * is ever written.
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
	ret = mmlab_access_page(vma, anon, addr, buf, len, write);
	mutex_unlock(&anon->lock);
	up_read(&mmlab_fault_rwsem);
	if (ret < 0)
		pr_warn_ratelimited("access: pid %d (%s): no page for a write at %#lx\n",
				    task_pid_nr(current), current->comm, addr);
	return ret;
}

/* --- vma lifecycle ----------------------------------------------------- */

/* fork(): @vma is the child's copy of a vma of the private object @parent. */
static void mmlab_fork_private(struct vm_area_struct *vma,
			       struct mmlab_anon *parent)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOFAIL;
	pgoff_t first = vma->vm_pgoff, last = first + vma_pages(vma) - 1;
	struct mmlab_anon *child;
	struct mmlab_page *page;
	struct mmlab_vma *mv;
	unsigned long index;

	child = kzalloc(sizeof(*child), gfp);
	mutex_init(&child->lock);
	refcount_set(&child->ref, 1);
	xa_init(&child->pages);
	INIT_LIST_HEAD(&child->vmas);
	child->mm = vma->vm_mm;
	child->mapping = parent->mapping;

	mutex_lock(&parent->lock);
	xa_for_each_range(&parent->pages, index, page, first, last)
		WARN_ON(mmlab_anon_add_page(child, index, page, gfp));
	/* Write-protect the parent: dup_mmap() holds its mmap_lock. */
	list_for_each_entry(mv, &parent->vmas, anon_node)
		if (mv->vma->vm_start == vma->vm_start &&
		    mv->vma->vm_mm == parent->mm)
			zap_vma_ptes(mv->vma, vma->vm_start,
				     vma->vm_end - vma->vm_start);
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
	unsigned long index;

	xa_for_each_range(&anon->pages, index, page, first, last) {
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

static int mmlab_vm_mremap(struct vm_area_struct *vma)
{
	pr_warn_ratelimited("pid %d (%s): mremap cannot move a /dev/mmlab mapping\n",
			    task_pid_nr(current), current->comm);
	return -EINVAL;
}

static const struct vm_operations_struct mmlab_vm_ops = {
	.open		= mmlab_vm_open,
	.close		= mmlab_vm_close,
	.mremap		= mmlab_vm_mremap,
	.fault		= mmlab_vm_fault,
	.pfn_mkwrite	= mmlab_vm_pfn_mkwrite,
	.mprotect	= mmlab_vm_mprotect,
	.access		= mmlab_vm_access,
};

/**
 * mmlab_dev_mmap() - ->mmap of /dev/mmlab: anonymous memory from the region.
 * @file: the open device.
 * @vma: the new vma, not yet visible.
 *
 * Return: 0; -EINVAL for a non-zero offset; -ENODEV without a zero page;
 * -ENOSPC when the pgoff space is used up; -ENOMEM.
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
	if (!mmlab_zero_page) {
		pr_warn_ratelimited("mmap: no zero page, no region\n");
		return -ENODEV;
	}
	anon = mmlab_anon_create(vma->vm_mm, file->f_mapping, shared);
	if (!anon)
		return -ENOMEM;

	down_read(&mmlab_fault_rwsem);
	mutex_lock(&mmlab_maps_lock);
	if (npages >= ULONG_MAX - mmlab_next_pgoff) {
		mutex_unlock(&mmlab_maps_lock);
		pr_warn_ratelimited("mmap: %lu pages: no pgoff range left\n",
				    npages);
		err = -ENOSPC;
		goto out;
	}
	vma->vm_pgoff = mmlab_next_pgoff;
	mmlab_next_pgoff += npages + 1;
	mutex_unlock(&mmlab_maps_lock);

	mutex_lock(&anon->lock);
	err = mmlab_attach(anon, vma, GFP_KERNEL);
	mutex_unlock(&anon->lock);
	if (err)
		goto out;
	vma->vm_flags |= VM_PFNMAP | VM_SHARED | VM_DONTEXPAND | VM_DONTDUMP |
			 VM_WIPEONFORK;
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

/**
 * mmlab_mmap_init() - allocate the region's zero page.
 *
 * Return: 0; without a region mmap is refused but the module loads.
 */
int mmlab_mmap_init(void)
{
	mmlab_zero_page = mmlab_alloc_pages_owner(NUMA_NO_NODE,
						  MMLAB_GFP_KERNEL |
						  __MMLAB_GFP_ZERO, 0,
						  MMLAB_OWNER_ZERO);
	if (!mmlab_zero_page)
		pr_warn("no zero page: mmap of /dev/mmlab will fail\n");
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
	WARN_ON(atomic_long_read(&mmlab_user_pages));
	WARN(dirty, "mmlab_fault: zero page pfn %#lx has %lu non-zero bytes\n",
	     pfn, dirty);
	mmlab_put_page(mmlab_zero_page);
	mmlab_zero_page = NULL;
}
