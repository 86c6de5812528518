// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's struct pages of mmlab's user pages.
 *
 * /dev/mmlab maps region pages as normal pages (VM_MIXEDMAP ptes that
 * vm_normal_page() returns), so the kernel's mm takes references on their
 * struct pages: one per pte, one per get_user_pages() pin (O_DIRECT,
 * vmsplice, process_vm_readv, futexes). mmlab owns the frames; the kernel
 * only counts. Three rules follow.
 *
 * The mapping. A page handed to a process has page->mapping set to the
 * address_space of mmlab's own inode (on a pseudo filesystem, as DRM
 * does) and page->index to its pgoff in the object, as a shmem page has:
 * a process-shared futex keys on (mapping->host, index), the core marks
 * the page dirty through mapping->a_ops (noop_dirty_folio: nothing to
 * write back), and rmap walkers find the vmas in mapping->i_mmap, where
 * /dev/mmlab's files link them (mmlab_user_file_open()).
 *
 * The base reference. Every region page has a reference count of one for
 * the region's life (ZONE_DEVICE pages and reserved boot pages start so);
 * it must never reach zero, or put_page() would give the page to the
 * kernel's allocator (reserved pages) or call the pagemap's page_free
 * (ZONE_DEVICE).
 *
 * The quarantine. When the last object drops a page, its ptes are gone
 * but a pin may remain: a pipe still holding a vmsplice()d page, an
 * O_DIRECT read in flight. Handing the frame to mmlab_buddy then would let
 * the pin read or write another owner's data. So a page goes back only
 * once page_ref_freeze(page, 1) succeeds, which also stops a racing
 * get_user_pages_fast() from taking a new speculative reference; until
 * then it waits in the quarantine, rescanned every 100 ms, and the module
 * cannot be removed (each quarantined page pins it).
 *
 * Lock: mmlab_quarantine_lock serialises the scans, then the xarray's
 * lock; callers may sleep.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/page_ref.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

#include "mmlab_buddy/mmlab_buddy.h"
#include "mmap.h"

#define MMLAB_USER_FS_MAGIC	0x6d6d6c62	/* "mmlb" */
#define MMLAB_QUARANTINE_SCAN	msecs_to_jiffies(100)

static struct vfsmount *mmlab_user_mnt;
static struct inode *mmlab_user_inode;

static DEFINE_XARRAY(mmlab_quarantine);	/* pfn -> struct mmlab_page */
static DEFINE_MUTEX(mmlab_quarantine_lock);	/* one scan at a time */
static atomic_long_t mmlab_nr_quarantined = ATOMIC_LONG_INIT(0);
static void mmlab_quarantine_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mmlab_quarantine_work, mmlab_quarantine_work_fn);

static const struct address_space_operations mmlab_user_aops = {
	.dirty_folio	= noop_dirty_folio,
};

static int mmlab_user_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MMLAB_USER_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type mmlab_user_fs = {
	.name			= "mmlab_user",
	.init_fs_context	= mmlab_user_fs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

/**
 * mmlab_user_file_open() - link an open /dev/mmlab to mmlab's inode.
 * @file: the file being opened.
 *
 * Its vmas then go to the i_mmap of the address_space the pages point to.
 */
void mmlab_user_file_open(struct file *file)
{
	file->f_mapping = mmlab_user_inode->i_mapping;
}

/**
 * mmlab_kpage_attach() - make the struct page of a page given to a
 *	process a page of mmlab's address_space at @index.
 * @page: a user page or the zero page, not mapped anywhere yet.
 * @index: its pgoff in the objects that hold it.
 */
void mmlab_kpage_attach(struct mmlab_page *page, pgoff_t index)
{
	struct page *kp = mmlab_page_to_kpage(page);

	WARN_ON_ONCE(page_ref_count(kp) != 1 || page_mapped(kp));
	kp->index = index;
	WRITE_ONCE(kp->mapping, mmlab_user_inode->i_mapping);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_kpage_attach);

/**
 * mmlab_kpage_copy_state() - give a migration's new page the old one's
 *	place in mmlab's address_space.
 * @dst: the new page, not mapped anywhere yet.
 * @src: the user page it replaces.
 */
void mmlab_kpage_copy_state(struct mmlab_page *dst, struct mmlab_page *src)
{
	mmlab_kpage_attach(dst, mmlab_page_to_kpage(src)->index);
}

/**
 * mmlab_kpage_detach() - take a user page's struct page back from the
 *	kernel, if nothing but the base reference holds it: no pte, no pin,
 *	no speculative reference.
 * @page: a user page.
 *
 * Return: true if the struct page is back to its state in a free page.
 */
bool mmlab_kpage_detach(struct mmlab_page *page)
{
	struct page *kp = mmlab_page_to_kpage(page);

	if (!page_ref_freeze(kp, 1))
		return false;
	WRITE_ONCE(kp->mapping, NULL);
	kp->index = 0;
	ClearPageDirty(kp);
	ClearPageReferenced(kp);
	ClearPageActive(kp);
	page_ref_unfreeze(kp, 1);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_kpage_detach);

/**
 * mmlab_kpage_refs() - references the kernel holds on a user page beyond
 *	the base one and its ptes.
 * @page: a user page.
 *
 * Return: the pins and transient references (a fault in progress counts).
 */
int mmlab_kpage_refs(struct mmlab_page *page)
{
	struct page *kp = mmlab_page_to_kpage(page);

	return page_ref_count(kp) - 1 - page_mapcount(kp);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_kpage_refs);

/**
 * mmlab_user_page_retire() - the last object let go of a page: free it,
 *	or quarantine it while the kernel still references it.
 * @page: a user page no object holds; the caller's reference is taken.
 */
void mmlab_user_page_retire(struct mmlab_page *page)
{
	unsigned long pfn = mmlab_page_to_pfn(page);

	if (mmlab_kpage_detach(page)) {
		mmlab_put_page(page);
		return;
	}
	if (WARN_ON_ONCE(xa_insert(&mmlab_quarantine, pfn, page,
				   GFP_KERNEL | __GFP_NOFAIL)))
		return;	/* leaked, never reused while referenced */
	if (atomic_long_inc_return(&mmlab_nr_quarantined) == 1)
		__module_get(THIS_MODULE);
	queue_delayed_work(system_wq, &mmlab_quarantine_work,
			   MMLAB_QUARANTINE_SCAN);
}

/**
 * mmlab_user_page_discard() - free a user page that was never mapped (a
 *	fault that failed after the allocation).
 * @page: the page, with the caller's only reference.
 */
void mmlab_user_page_discard(struct mmlab_page *page)
{
	WARN_ON_ONCE(!mmlab_kpage_detach(page));
	mmlab_put_page(page);
}

/**
 * mmlab_quarantine_scan() - free the quarantined pages the kernel let go.
 *
 * Return: the pages still quarantined.
 */
long mmlab_quarantine_scan(void)
{
	struct mmlab_page *page;
	unsigned long pfn;
	long left;

	mutex_lock(&mmlab_quarantine_lock);
	xa_for_each(&mmlab_quarantine, pfn, page) {
		if (!mmlab_kpage_detach(page))
			continue;
		xa_erase(&mmlab_quarantine, pfn);
		mmlab_put_page(page);
		left = atomic_long_dec_return(&mmlab_nr_quarantined);
		if (!left)
			module_put(THIS_MODULE);
	}
	mutex_unlock(&mmlab_quarantine_lock);
	return atomic_long_read(&mmlab_nr_quarantined);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_quarantine_scan);

/**
 * mmlab_quarantined() - pages waiting for the kernel to drop its pins.
 *
 * Return: the number of pages.
 */
long mmlab_quarantined(void)
{
	return atomic_long_read(&mmlab_nr_quarantined);
}
EXPORT_SYMBOL_IF_KUNIT(mmlab_quarantined);

static void mmlab_quarantine_work_fn(struct work_struct *work)
{
	if (mmlab_quarantine_scan())
		queue_delayed_work(system_wq, &mmlab_quarantine_work,
				   MMLAB_QUARANTINE_SCAN);
}

/**
 * mmlab_kpage_init() - mmlab's inode for the user pages.
 *
 * Return: 0 or a negative errno.
 */
int mmlab_kpage_init(void)
{
	mmlab_user_mnt = kern_mount(&mmlab_user_fs);
	if (IS_ERR(mmlab_user_mnt))
		return PTR_ERR(mmlab_user_mnt);
	mmlab_user_inode = alloc_anon_inode(mmlab_user_mnt->mnt_sb);
	if (IS_ERR(mmlab_user_inode)) {
		kern_unmount(mmlab_user_mnt);
		return PTR_ERR(mmlab_user_inode);
	}
	mmlab_user_inode->i_mapping->a_ops = &mmlab_user_aops;
	return 0;
}

/**
 * mmlab_kpage_exit() - undo mmlab_kpage_init(). No page can be left in
 *	the quarantine: each holds the module.
 */
void mmlab_kpage_exit(void)
{
	cancel_delayed_work_sync(&mmlab_quarantine_work);
	WARN_ON(!xa_empty(&mmlab_quarantine));
	iput(mmlab_user_inode);
	kern_unmount(mmlab_user_mnt);
}
