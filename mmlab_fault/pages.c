// SPDX-License-Identifier: GPL-2.0
/*
 * The page allocator ioctls of /dev/mmlab: INFO, ALLOC_PAGES, FREE_PAGES
 * and FREE_ALL, and the table of blocks each open file holds.
 *
 * A block is recorded in the file's xarray under a handle before its pfn is
 * reported, and leaves the xarray before it goes back to mmlab_buddy, both
 * under the file's mutex: a handle always names exactly one held block.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmlab_buddy/mmlab_buddy.h"
#include "fault.h"
#include "mmlab_uapi.h"

/* Marks the handles of a FREE_PAGES call while they are checked. */
#define MMLAB_XA_MARK_FREEING	XA_MARK_1

static_assert(MMLAB_MAX_REGIONS <= MMLAB_UAPI_MAX_REGIONS);

/**
 * struct mmlab_held_block - one block an open file holds.
 * @page: its first page.
 * @order: its order.
 * @nid: its region.
 */
struct mmlab_held_block {
	struct mmlab_page *page;
	unsigned int order;
	int nid;
};

static bool mmlab_reserved_zero(const u64 *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (words[i])
			return false;
	return true;
}

/**
 * mmlab_file_init() - set up the state of a newly opened file.
 * @mf: zeroed state.
 */
void mmlab_file_init(struct mmlab_file *mf)
{
	mutex_init(&mf->lock);
	xa_init_flags(&mf->blocks, XA_FLAGS_ALLOC1);
}

/* Forget the block under @handle and give it back to mmlab_buddy. */
static void mmlab_block_free(struct mmlab_file *mf, unsigned long handle)
{
	struct mmlab_held_block *blk;

	lockdep_assert_held(&mf->lock);
	blk = xa_erase(&mf->blocks, handle);
	if (WARN_ON_ONCE(!blk))
		return;
	mmlab_free_pages(blk->page, blk->order);
	mf->nr_blocks--;
	mf->nr_pages -= 1UL << blk->order;
	kfree(blk);
}

static void mmlab_file_free_all(struct mmlab_file *mf,
				struct mmlab_ioc_free_all *res)
{
	struct mmlab_held_block *blk;
	unsigned long handle;

	lockdep_assert_held(&mf->lock);
	xa_for_each(&mf->blocks, handle, blk) {
		res->nr_blocks++;
		res->nr_pages += 1UL << blk->order;
		mmlab_block_free(mf, handle);
		cond_resched();
	}
}

/**
 * mmlab_file_release() - free everything an open file still holds.
 * @mf: the file, on its last close.
 */
void mmlab_file_release(struct mmlab_file *mf)
{
	struct mmlab_ioc_free_all res = {};

	mutex_lock(&mf->lock);
	mmlab_file_free_all(mf, &res);
	mutex_unlock(&mf->lock);
	xa_destroy(&mf->blocks);
	mutex_destroy(&mf->lock);
}

/* --- INFO ------------------------------------------------------------------ */

static void mmlab_fill_region(struct mmlab_ioc_region *out,
			      const struct mmlab_region *r)
{
	out->nid = r->id;
	out->start_pfn = r->start_pfn;
	out->nr_pages = r->nr_pages;
	out->nr_reserved = r->nr_reserved;
	out->managed_pages = mmlab_zone_managed_pages(r->id);
	out->free_pages = mmlab_zone_free_pages(r->id);
}

/**
 * mmlab_ioc_info() - MMLAB_IOC_INFO: describe the module and the regions.
 * @mf: the open file.
 * @uarg: the caller's struct mmlab_ioc_info, zeroed.
 * @usize: its size.
 *
 * Return: 0, -EINVAL for a non-zero input, -EFAULT, -E2BIG or -ENOMEM.
 */
long mmlab_ioc_info(struct mmlab_file *mf, void __user *uarg, size_t usize)
{
	struct mmlab_ioc_info *info;
	struct mmlab_region *r;
	long err;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	err = mmlab_copy_arg_in(info, sizeof(*info), uarg, usize, "info");
	if (err)
		goto out;
	if (memchr_inv(info, 0, sizeof(*info))) {
		pr_warn_ratelimited("info: the argument must be zeroed on input\n");
		err = -EINVAL;
		goto out;
	}
	info->version = MMLAB_UAPI_VERSION;
	info->max_order = MMLAB_MAX_ORDER;
	info->page_shift = PAGE_SHIFT;
	info->max_count = MMLAB_ALLOC_MAX_COUNT;
	info->alloc_flags = MMLAB_ALLOC_FLAGS;
	for_each_mmlab_region(r)
		mmlab_fill_region(&info->regions[r->id], r);
	info->nr_regions = mmlab_nr_regions();
	mutex_lock(&mf->lock);
	info->held_blocks = mf->nr_blocks;
	info->held_pages = mf->nr_pages;
	mutex_unlock(&mf->lock);
	err = mmlab_copy_arg_out(uarg, usize, info, sizeof(*info), "info");
out:
	kfree(info);
	return err;
}

/* --- ALLOC_PAGES ----------------------------------------------------------- */

static mmlab_gfp_t mmlab_uapi_to_gfp(u32 flags, int nid)
{
	mmlab_gfp_t gfp;

	gfp = flags & MMLAB_ALLOC_ATOMIC ? MMLAB_GFP_ATOMIC : MMLAB_GFP_KERNEL;
	if (flags & MMLAB_ALLOC_MOVABLE)
		gfp |= __MMLAB_GFP_MOVABLE;
	if (flags & MMLAB_ALLOC_RECLAIMABLE)
		gfp |= __MMLAB_GFP_RECLAIMABLE;
	if (flags & MMLAB_ALLOC_HIGH)
		gfp |= __MMLAB_GFP_HIGH;
	if (flags & MMLAB_ALLOC_ZERO)
		gfp |= __MMLAB_GFP_ZERO;
	if (flags & MMLAB_ALLOC_NOWARN)
		gfp |= __MMLAB_GFP_NOWARN;
	if (nid != MMLAB_NID_ANY)
		gfp |= __MMLAB_GFP_THISNODE;
	return gfp;
}

static int mmlab_alloc_check(const struct mmlab_ioc_alloc *req)
{
	if (req->nr_done || req->reserved0 ||
	    !mmlab_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("alloc_pages: nr_done and reserved fields must be zero\n");
		return -EINVAL;
	}
	if (req->flags & ~MMLAB_ALLOC_FLAGS) {
		pr_warn_ratelimited("alloc_pages: unknown flags 0x%x\n",
				    req->flags & ~MMLAB_ALLOC_FLAGS);
		return -EINVAL;
	}
	if ((req->flags & MMLAB_ALLOC_MOVABLE) &&
	    (req->flags & MMLAB_ALLOC_RECLAIMABLE)) {
		pr_warn_ratelimited("alloc_pages: MOVABLE and RECLAIMABLE together\n");
		return -EINVAL;
	}
	if (req->order >= MMLAB_MAX_ORDER) {
		pr_warn_ratelimited("alloc_pages: order %u not below %d\n",
				    req->order, MMLAB_MAX_ORDER);
		return -EINVAL;
	}
	if (req->nid != MMLAB_NID_ANY &&
	    (req->nid < 0 || req->nid >= mmlab_nr_regions())) {
		pr_warn_ratelimited("alloc_pages: no region %d (%d regions)\n",
				    req->nid, mmlab_nr_regions());
		return -EINVAL;
	}
	if (!req->count) {
		pr_warn_ratelimited("alloc_pages: count is zero\n");
		return -EINVAL;
	}
	if (req->count > MMLAB_ALLOC_MAX_COUNT) {
		pr_warn_ratelimited("alloc_pages: count %u above %d\n",
				    req->count, MMLAB_ALLOC_MAX_COUNT);
		return -E2BIG;
	}
	return 0;
}

/* Allocate one block and record it; fills @out. */
static int mmlab_block_alloc(struct mmlab_file *mf, int nid, mmlab_gfp_t gfp,
			     unsigned int order, struct mmlab_ioc_block *out)
{
	struct mmlab_held_block *blk;
	struct mmlab_page *page;
	u32 handle;
	int err;

	lockdep_assert_held(&mf->lock);
	blk = kmalloc(sizeof(*blk), GFP_KERNEL_ACCOUNT);
	if (!blk)
		return -ENOMEM;
	page = mmlab_alloc_pages_owner(nid == MMLAB_NID_ANY ? NUMA_NO_NODE : nid,
				       gfp, order, MMLAB_OWNER_TEST);
	if (!page) {
		kfree(blk);
		return -ENOMEM;
	}
	blk->page = page;
	blk->order = order;
	blk->nid = mmlab_page_region(page)->id;
	err = xa_alloc_cyclic(&mf->blocks, &handle, blk, xa_limit_32b,
			      &mf->next_handle, GFP_KERNEL_ACCOUNT);
	if (err < 0) {
		mmlab_free_pages(page, order);
		kfree(blk);
		return err;
	}
	mf->nr_blocks++;
	mf->nr_pages += 1UL << order;
	out->handle = handle;
	out->pfn = mmlab_page_to_pfn(page);
	out->nid = blk->nid;
	out->order = order;
	return 0;
}

/*
 * Allocate up to req->count blocks, writing each to @ublocks, and stop at
 * the first failure. Returns the error of the first block that failed, 0
 * if all succeeded.
 */
static int mmlab_alloc_blocks(struct mmlab_file *mf,
			      struct mmlab_ioc_alloc *req,
			      struct mmlab_ioc_block __user *ublocks)
{
	mmlab_gfp_t gfp = mmlab_uapi_to_gfp(req->flags, req->nid);
	struct mmlab_ioc_block out = {};
	int err = 0;

	mutex_lock(&mf->lock);
	while (req->nr_done < req->count) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		err = mmlab_block_alloc(mf, req->nid, gfp, req->order, &out);
		if (err)
			break;
		if (copy_to_user(&ublocks[req->nr_done], &out, sizeof(out))) {
			mmlab_block_free(mf, out.handle);
			pr_warn_ratelimited("alloc_pages: cannot write block %u to %p\n",
					    req->nr_done, ublocks);
			err = -EFAULT;
			break;
		}
		req->nr_done++;
		cond_resched();
	}
	mutex_unlock(&mf->lock);
	return err;
}

/**
 * mmlab_ioc_alloc_pages() - MMLAB_IOC_ALLOC_PAGES: allocate blocks.
 * @mf: the open file, which will own them.
 * @uarg: the caller's struct mmlab_ioc_alloc.
 * @usize: its size.
 *
 * Return: 0 if at least one block was allocated (nr_done says how many);
 * otherwise -EINVAL or -E2BIG for a bad request, -EFAULT, or the error of
 * the first block (-ENOMEM when the region refused it).
 */
long mmlab_ioc_alloc_pages(struct mmlab_file *mf, void __user *uarg,
			   size_t usize)
{
	struct mmlab_ioc_alloc req;
	struct mmlab_ioc_block __user *ublocks;
	size_t bytes;
	int err;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, "alloc_pages");
	if (err)
		return err;
	err = mmlab_alloc_check(&req);
	if (err)
		return err;
	ublocks = u64_to_user_ptr(req.blocks);
	if (check_mul_overflow((size_t)req.count, sizeof(*ublocks), &bytes) ||
	    !access_ok(ublocks, bytes) || clear_user(ublocks, bytes)) {
		pr_warn_ratelimited("alloc_pages: cannot write %u blocks at %p\n",
				    req.count, ublocks);
		return -EFAULT;
	}
	err = mmlab_alloc_blocks(mf, &req, ublocks);
	if (!req.nr_done)
		return err;
	/* Some blocks were allocated: report them, whatever stopped us. */
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req),
				  "alloc_pages");
}

/* --- FREE_PAGES ------------------------------------------------------------ */

static void mmlab_unmark(struct mmlab_file *mf, const u64 *handles,
			 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xa_clear_mark(&mf->blocks, handles[i], MMLAB_XA_MARK_FREEING);
}

/* Check every handle names a distinct held block, marking each. */
static int mmlab_check_handles(struct mmlab_file *mf, const u64 *handles,
			       unsigned int count)
{
	unsigned int i;
	int err = 0;

	lockdep_assert_held(&mf->lock);
	for (i = 0; i < count; i++) {
		if (handles[i] > U32_MAX || !xa_load(&mf->blocks, handles[i])) {
			pr_warn_ratelimited("free_pages: handle %llu (entry %u) is not held by this file\n",
					    handles[i], i);
			err = -ENOENT;
			break;
		}
		if (xa_get_mark(&mf->blocks, handles[i],
				MMLAB_XA_MARK_FREEING)) {
			pr_warn_ratelimited("free_pages: handle %llu given twice\n",
					    handles[i]);
			err = -EINVAL;
			break;
		}
		xa_set_mark(&mf->blocks, handles[i], MMLAB_XA_MARK_FREEING);
	}
	if (err)
		mmlab_unmark(mf, handles, i);
	return err;
}

static int mmlab_free_check(const struct mmlab_ioc_free *req)
{
	if (req->nr_done ||
	    !mmlab_reserved_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("free_pages: nr_done and reserved fields must be zero\n");
		return -EINVAL;
	}
	if (!req->count) {
		pr_warn_ratelimited("free_pages: count is zero\n");
		return -EINVAL;
	}
	if (req->count > MMLAB_ALLOC_MAX_COUNT) {
		pr_warn_ratelimited("free_pages: count %u above %d\n",
				    req->count, MMLAB_ALLOC_MAX_COUNT);
		return -E2BIG;
	}
	return 0;
}

/**
 * mmlab_ioc_free_pages() - MMLAB_IOC_FREE_PAGES: free blocks by handle.
 * @mf: the open file that holds them.
 * @uarg: the caller's struct mmlab_ioc_free.
 * @usize: its size.
 *
 * Either every handle is freed or none is.
 *
 * Return: 0; -ENOENT for a handle this file does not hold; -EINVAL for a
 * handle given twice or a bad request; -E2BIG, -EFAULT or -ENOMEM.
 */
long mmlab_ioc_free_pages(struct mmlab_file *mf, void __user *uarg,
			  size_t usize)
{
	struct mmlab_ioc_free req;
	size_t bytes;
	u64 *handles;
	unsigned int i;
	int err;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, "free_pages");
	if (err)
		return err;
	err = mmlab_free_check(&req);
	if (err)
		return err;
	if (check_mul_overflow((size_t)req.count, sizeof(*handles), &bytes))
		return -E2BIG;
	handles = vmemdup_user(u64_to_user_ptr(req.handles), bytes);
	if (IS_ERR(handles)) {
		pr_warn_ratelimited("free_pages: cannot read %u handles at %p\n",
				    req.count, u64_to_user_ptr(req.handles));
		return PTR_ERR(handles);
	}

	mutex_lock(&mf->lock);
	err = mmlab_check_handles(mf, handles, req.count);
	if (!err) {
		for (i = 0; i < req.count; i++) {
			mmlab_block_free(mf, handles[i]);
			cond_resched();
		}
		req.nr_done = req.count;
	}
	mutex_unlock(&mf->lock);
	kvfree(handles);
	if (err)
		return err;
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req), "free_pages");
}

/* --- FREE_ALL -------------------------------------------------------------- */

/**
 * mmlab_ioc_free_all() - MMLAB_IOC_FREE_ALL: free every block of the file.
 * @mf: the open file.
 * @uarg: the caller's struct mmlab_ioc_free_all, zeroed.
 * @usize: its size.
 *
 * Return: 0, -EINVAL for a non-zero input, -E2BIG or -EFAULT.
 */
long mmlab_ioc_free_all(struct mmlab_file *mf, void __user *uarg, size_t usize)
{
	struct mmlab_ioc_free_all res;
	int err;

	err = mmlab_copy_arg_in(&res, sizeof(res), uarg, usize, "free_all");
	if (err)
		return err;
	if (memchr_inv(&res, 0, sizeof(res))) {
		pr_warn_ratelimited("free_all: the argument must be zeroed on input\n");
		return -EINVAL;
	}
	mutex_lock(&mf->lock);
	mmlab_file_free_all(mf, &res);
	mutex_unlock(&mf->lock);
	return mmlab_copy_arg_out(uarg, usize, &res, sizeof(res), "free_all");
}
