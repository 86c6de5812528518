// SPDX-License-Identifier: GPL-2.0
/*
 * The reverse map of mmlab's user pages and their migration.
 *
 * Each user page lists, through mmlab_page::private, the (object, pgoff)
 * pairs that hold it: a singly linked list of struct mmlab_rmap_item under
 * mmlab_rmap_lock. An object's vmas turn a pair into the (mm, address)
 * pairs that map the page (mmlab_rmap_walk()). The page's mapcount counts
 * the items; its refcount the items plus transient references (isolation).
 *
 * Migration (the movable operations registered with mmlab_buddy, for
 * mmlab_cma) takes mmlab_fault_rwsem for write, so that no fault, fork or
 * close runs: it unmaps the page from every mm through mmlab's i_mmap
 * (unmap_mapping_pages(), which zaps each vma covering the pgoff under
 * i_mmap_rwsem, the lock that keeps the page tables alive), freezes the
 * struct page's reference count at its base reference, as
 * folio_migrate_mapping() freezes the expected count, so that a page the
 * kernel pins (O_DIRECT, vmsplice) is not moved under the pin (-EAGAIN,
 * and the ptes fault back in), copies it, and points every object and the
 * rmap at the new page.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/cacheflush.h>

#include "mmlab_buddy/mmlab_buddy.h"
#include "mmap.h"

/**
 * struct mmlab_rmap_item - one object holding a page.
 * @next: the next item of the page.
 * @anon: the object.
 * @index: the pgoff at which it holds the page.
 */
struct mmlab_rmap_item {
	struct mmlab_rmap_item *next;
	struct mmlab_anon *anon;
	pgoff_t index;
};

static struct kmem_cache *mmlab_rmap_cache;
static DEFINE_SPINLOCK(mmlab_rmap_lock);
int mmlab_user_movable_id;
/* The migration unmapping now, under mmlab_fault_rwsem for write. */
struct task_struct *mmlab_migrating_task;

static struct mmlab_rmap_item **rmap_head(struct mmlab_page *page)
{
	return (struct mmlab_rmap_item **)&page->private;
}

/**
 * mmlab_rmap_add() - record that @anon holds @page at @index.
 * @page: a user page.
 * @anon: the object.
 * @index: the pgoff.
 * @gfp: for the item.
 *
 * Return: 0 or -ENOMEM.
 */
int mmlab_rmap_add(struct mmlab_page *page, struct mmlab_anon *anon,
		   pgoff_t index, gfp_t gfp)
{
	struct mmlab_rmap_item *item = kmem_cache_alloc(mmlab_rmap_cache, gfp);

	if (!item)
		return -ENOMEM;
	item->anon = anon;
	item->index = index;
	spin_lock(&mmlab_rmap_lock);
	item->next = *rmap_head(page);
	*rmap_head(page) = item;
	spin_unlock(&mmlab_rmap_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_rmap_add);

/**
 * mmlab_rmap_del() - forget that @anon holds @page at @index.
 * @page: a user page.
 * @anon: the object.
 * @index: the pgoff.
 */
void mmlab_rmap_del(struct mmlab_page *page, struct mmlab_anon *anon,
		    pgoff_t index)
{
	struct mmlab_rmap_item **pp, *item = NULL;

	spin_lock(&mmlab_rmap_lock);
	for (pp = rmap_head(page); *pp; pp = &(*pp)->next) {
		if ((*pp)->anon == anon && (*pp)->index == index) {
			item = *pp;
			*pp = item->next;
			break;
		}
	}
	spin_unlock(&mmlab_rmap_lock);
	if (WARN_ON_ONCE(!item))
		return;
	kmem_cache_free(mmlab_rmap_cache, item);
}
EXPORT_SYMBOL_GPL(mmlab_rmap_del);

/**
 * mmlab_rmap_count() - how many (object, pgoff) pairs hold a page.
 * @page: a user page.
 *
 * Return: the number of items.
 */
int mmlab_rmap_count(struct mmlab_page *page)
{
	struct mmlab_rmap_item *item;
	int n = 0;

	spin_lock(&mmlab_rmap_lock);
	for (item = *rmap_head(page); item; item = item->next)
		n++;
	spin_unlock(&mmlab_rmap_lock);
	return n;
}
EXPORT_SYMBOL_GPL(mmlab_rmap_count);

static int __mmlab_rmap_walk(struct mmlab_page *page,
			     int (*fn)(struct mm_struct *mm,
				       unsigned long addr, void *arg),
			     void *arg)
{
	struct mmlab_rmap_item *item;
	struct mmlab_vma *mv;
	int ret = 0;

	lockdep_assert_held_write(&mmlab_fault_rwsem);
	for (item = *rmap_head(page); item && !ret; item = item->next) {
		list_for_each_entry(mv, &item->anon->vmas, anon_node) {
			struct vm_area_struct *vma = mv->vma;
			unsigned long off = item->index - vma->vm_pgoff;

			if (item->index < vma->vm_pgoff ||
			    off >= vma_pages(vma))
				continue;
			ret = fn(vma->vm_mm, vma->vm_start + (off << PAGE_SHIFT),
				 arg);
			if (ret)
				break;
		}
	}
	return ret;
}

/**
 * mmlab_rmap_walk() - call @fn for every (mm, address) mapping a page.
 * @page: a user page.
 * @fn: called with each pair; a non-zero return stops the walk.
 * @arg: passed to @fn.
 *
 * Takes mmlab_fault_rwsem for write: @fn must not fault on mmlab memory.
 *
 * Return: 0 or what @fn returned.
 */
int mmlab_rmap_walk(struct mmlab_page *page,
		    int (*fn)(struct mm_struct *mm, unsigned long addr,
			      void *arg),
		    void *arg)
{
	int ret;

	down_write(&mmlab_fault_rwsem);
	ret = __mmlab_rmap_walk(page, fn, arg);
	up_write(&mmlab_fault_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_rmap_walk);

/* --- Instruction cache ---------------------------------------------------- */

#ifdef CONFIG_ARM64
/*
 * Clean the D-cache and invalidate the I-cache to the point of
 * unification for the page's kernel alias (what sync_icache_aliases()
 * does for a PIPT I-cache), then the whole I-cache for the user alias of
 * a VIPT one, which the kernel alias does not reach. No IPI: returning to
 * user space is a context synchronisation event.
 */
static void mmlab_sync_icache_range(unsigned long start, unsigned long end)
{
	caches_clean_inval_pou(start, end);
	icache_inval_all_pou();
}
#else
static void mmlab_sync_icache_range(unsigned long start, unsigned long end)
{
	flush_icache_range(start, end);
}
#endif

/**
 * mmlab_user_sync_icache() - make a user page's contents visible to
 *	instruction fetch before an executable pte maps it.
 * @page: a user page or the zero page.
 *
 * The kernel wrote the page (zeroed, copied or migrated it) through its
 * own alias; the I-cache may still hold what the frame held before. As
 * arm64's __sync_icache_dcache() does with PG_dcache_clean, the page is
 * synchronised once, then MMLAB_PG_ICACHE_CLEAN says it is coherent;
 * every page the kernel writes is a newly allocated one, whose flags start
 * clear, or one ->access wrote (mmlab_user_sync_icache_written()). The
 * flag is set under mmlab_rmap_lock, which isolation also takes to write
 * the flags of a user page.
 */
void mmlab_user_sync_icache(struct mmlab_page *page)
{
	unsigned long kaddr = (unsigned long)mmlab_page_address(page);

	if (mmlab_page_test(page, MMLAB_PG_ICACHE_CLEAN))
		return;
	mmlab_sync_icache_range(kaddr, kaddr + PAGE_SIZE);
	spin_lock(&mmlab_rmap_lock);
	mmlab_page_set(page, MMLAB_PG_ICACHE_CLEAN);
	spin_unlock(&mmlab_rmap_lock);
}

/**
 * mmlab_user_sync_icache_written() - synchronise a user page the kernel
 *	has just written in place (->access: a debugger's write).
 * @page: a user page, held by the caller's locked object.
 *
 * The page may already be mapped executable, and no fault will come to
 * synchronise it: forget that it was coherent and synchronise it now, as
 * copy_to_user_page() does for the kernel's own pages.
 */
void mmlab_user_sync_icache_written(struct mmlab_page *page)
{
	spin_lock(&mmlab_rmap_lock);
	mmlab_page_clear(page, MMLAB_PG_ICACHE_CLEAN);
	spin_unlock(&mmlab_rmap_lock);
	mmlab_user_sync_icache(page);
}

/* --- Movable operations --------------------------------------------------- */

/**
 * mmlab_user_isolate() - take a user page aside for migration.
 * @page: any page.
 *
 * Takes a reference that mmlab_user_migrate() or mmlab_user_putback()
 * drops.
 *
 * Return: true if @page is a mapped user page now isolated.
 */
bool mmlab_user_isolate(struct mmlab_page *page)
{
	bool ok;

	/*
	 * The reference first, as isolate_movable_page() takes one before
	 * it looks: then the page cannot be freed and handed to another
	 * owner while we check that it is a user page that objects hold.
	 */
	if (!atomic_inc_not_zero(&page->_refcount))
		return false;
	spin_lock(&mmlab_rmap_lock);
	ok = mmlab_page_owner(page) == MMLAB_OWNER_USER &&
	     !mmlab_page_test(page, MMLAB_PG_ISOLATED) && *rmap_head(page);
	if (ok)
		mmlab_page_set(page, MMLAB_PG_ISOLATED);
	spin_unlock(&mmlab_rmap_lock);
	if (!ok)
		mmlab_put_page(page);
	return ok;
}
EXPORT_SYMBOL_GPL(mmlab_user_isolate);

/**
 * mmlab_user_putback() - give back a page isolated but not migrated.
 * @page: a page mmlab_user_isolate() took; freed if nothing holds it now.
 */
void mmlab_user_putback(struct mmlab_page *page)
{
	spin_lock(&mmlab_rmap_lock);
	mmlab_page_clear(page, MMLAB_PG_ISOLATED);
	spin_unlock(&mmlab_rmap_lock);
	mmlab_put_page(page);
}
EXPORT_SYMBOL_GPL(mmlab_user_putback);

/**
 * mmlab_user_migrate() - move an isolated user page to @dst.
 * @dst: a free-standing order-0 page just allocated (refcount 1); becomes
 *	a user page held by every object that held @src.
 * @src: an isolated user page.
 * @mode: MMLAB_MIGRATE_ASYNC: give up rather than wait for faults, fork
 *	or close to finish (as an asynchronous migration gives up on a locked
 *	folio).
 *
 * Unmaps @src from every mm, copies it, switches the objects and the rmap
 * to @dst, and drops every reference to @src, the isolation one included:
 * @src is freed.
 *
 * Return: 0; -EINVAL if @src is not isolated or @dst is not a lone order-0
 * page; -EAGAIN if nothing holds @src any more (put it back), if the
 * kernel pins it, or, in MMLAB_MIGRATE_ASYNC mode, if mmlab_fault_rwsem is
 * contended.
 */
int mmlab_user_migrate(struct mmlab_page *dst, struct mmlab_page *src,
		       enum mmlab_migrate_mode mode)
{
	struct mmlab_rmap_item *item;
	struct page *ksrc;
	int n = 0;

	if (!mmlab_page_test(src, MMLAB_PG_ISOLATED) || dst == src ||
	    mmlab_page_count(dst) != 1 ||
	    mmlab_page_test(dst, MMLAB_PG_HEAD | MMLAB_PG_TAIL)) {
		pr_warn_ratelimited("migrate: bad pages %#lx -> %#lx\n",
				    mmlab_page_to_pfn(src),
				    mmlab_page_to_pfn(dst));
		return -EINVAL;
	}
	if (mode == MMLAB_MIGRATE_ASYNC) {
		if (!down_write_trylock(&mmlab_fault_rwsem))
			return -EAGAIN;
	} else {
		down_write(&mmlab_fault_rwsem);
	}
	if (!*rmap_head(src)) {
		up_write(&mmlab_fault_rwsem);
		return -EAGAIN;
	}
	WRITE_ONCE(mmlab_migrating_task, current);
	for (item = *rmap_head(src); item; item = item->next)
		if (item->anon->mapping)
			unmap_mapping_pages(item->anon->mapping, item->index,
					    1, true);
	WRITE_ONCE(mmlab_migrating_task, NULL);
	ksrc = mmlab_page_to_kpage(src);
	if (!page_ref_freeze(ksrc, 1)) {
		/* Pinned: the ptes fault back in from the objects. */
		up_write(&mmlab_fault_rwsem);
		return -EAGAIN;
	}
	copy_page(mmlab_page_address(dst), mmlab_page_address(src));
	mmlab_kpage_copy_state(dst, src);
	mmlab_page_set_owner(dst, MMLAB_OWNER_USER);
	if (mmlab_user_movable_id > 0)
		mmlab_page_set_movable(dst, mmlab_user_movable_id);

	spin_lock(&mmlab_rmap_lock);
	for (item = *rmap_head(src); item; item = item->next) {
		xa_store(&item->anon->pages,
			 mmlab_anon_slot(item->anon, item->index), dst,
			 GFP_ATOMIC);
		n++;
	}
	*rmap_head(dst) = *rmap_head(src);
	*rmap_head(src) = NULL;
	atomic_set(&dst->_mapcount, n - 1);
	atomic_add(n - 1, &dst->_refcount);
	atomic_set(&src->_mapcount, -1);
	atomic_sub(n, &src->_refcount);
	mmlab_page_clear(src, MMLAB_PG_ISOLATED);
	spin_unlock(&mmlab_rmap_lock);
	page_ref_unfreeze(ksrc, 1);
	WARN_ON_ONCE(!mmlab_kpage_detach(src));
	up_write(&mmlab_fault_rwsem);
	mmlab_put_page(src);
	return 0;
}
EXPORT_SYMBOL_GPL(mmlab_user_migrate);

static const struct mmlab_movable_operations mmlab_user_movable_ops = {
	.isolate_page	= mmlab_user_isolate,
	.migrate_page	= mmlab_user_migrate,
	.putback_page	= mmlab_user_putback,
};

/**
 * mmlab_rmap_init() - the item cache and the movable operations.
 *
 * Return: 0 or -ENOMEM. Without a movable id user pages do not move.
 */
int mmlab_rmap_init(void)
{
	mmlab_rmap_cache = KMEM_CACHE(mmlab_rmap_item, 0);
	if (!mmlab_rmap_cache)
		return -ENOMEM;
	mmlab_user_movable_id = mmlab_register_movable_ops(&mmlab_user_movable_ops);
	if (mmlab_user_movable_id < 0)
		pr_warn("user pages will not be movable: %d\n",
			mmlab_user_movable_id);
	return 0;
}

/**
 * mmlab_rmap_exit() - undo mmlab_rmap_init().
 */
void mmlab_rmap_exit(void)
{
	if (mmlab_user_movable_id > 0)
		mmlab_unregister_movable_ops(mmlab_user_movable_id);
	mmlab_user_movable_id = 0;
	kmem_cache_destroy(mmlab_rmap_cache);
}
