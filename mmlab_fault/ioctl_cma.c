// SPDX-License-Identifier: GPL-2.0
/*
 * The mmlab_cma ioctls of /dev/mmlab: CMA_ALLOC and CMA_RELEASE, whose
 * allocations live in the file's handle table (user.c), and COMPACT, which
 * runs compaction by hand as the debugfs compact file does.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mmlab_cma/mmlab_cma.h"
#include "fault.h"
#include "mmlab_uapi.h"

static_assert(MMLAB_USER_AREA_LEN == MMLAB_CMA_NAME_LEN);

/* --- CMA_ALLOC ------------------------------------------------------------------ */

static int mmlab_cma_alloc_check(const struct mmlab_ioc_cma_alloc *req)
{
	size_t len = strnlen(req->name, MMLAB_USER_AREA_LEN);

	if (req->reserved0 || req->handle || req->pfn ||
	    !mmlab_u64_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("cma_alloc: handle, pfn and reserved fields must be zero\n");
		return -EINVAL;
	}
	if (!len || len == MMLAB_USER_AREA_LEN ||
	    memchr_inv(req->name + len, 0, MMLAB_USER_AREA_LEN - len)) {
		pr_warn_ratelimited("cma_alloc: the area name must have 1..%d characters, a NUL and zeroes after it\n",
				    MMLAB_USER_AREA_LEN - 1);
		return -EINVAL;
	}
	if (!req->count) {
		pr_warn_ratelimited("cma_alloc: count is zero\n");
		return -EINVAL;
	}
	if (req->align >= MMLAB_MAX_ORDER) {
		pr_warn_ratelimited("cma_alloc: align order %u not below %d\n",
				    req->align, MMLAB_MAX_ORDER);
		return -EINVAL;
	}
	return 0;
}

/* Find the area, check the count against it, and return it in @area. */
static int mmlab_cma_lookup(const struct mmlab_ioc_cma_alloc *req,
			    struct mmlab_cma **area)
{
	struct mmlab_cma *c = mmlab_cma_find(req->name);

	if (!c) {
		pr_warn_ratelimited("cma_alloc: no CMA area '%*pE'\n",
				    (int)strnlen(req->name, MMLAB_USER_AREA_LEN),
				    req->name);
		return -ENOENT;
	}
	if (req->count > c->count) {
		pr_warn_ratelimited("cma_alloc: %llu pages, area %s has %lu\n",
				    req->count, c->name, c->count);
		return -E2BIG;
	}
	*area = c;
	return 0;
}

/* Allocate the pages of @req from @c and enter them; fills handle, pfn. */
static int mmlab_cma_alloc_locked(struct mmlab_file *mf, struct mmlab_cma *c,
				  struct mmlab_ioc_cma_alloc *req)
{
	struct mmlab_ref *ref;
	int err;

	lockdep_assert_held(&mf->lock);
	err = mmlab_refs_reserve(mf, "cma_alloc", 1, req->count << PAGE_SHIFT);
	if (err)
		return err;
	ref = kzalloc(sizeof(*ref), GFP_KERNEL_ACCOUNT);
	if (!ref)
		return -ENOMEM;
	ref->kind = MMLAB_REF_CMA;
	ref->bytes = req->count << PAGE_SHIFT;
	ref->cma.area = c;
	ref->cma.count = req->count;
	/* mmlab_cma logs a failure itself, ratelimited. */
	ref->cma.page = mmlab_cma_alloc(c, req->count, req->align, false);
	if (!ref->cma.page) {
		kfree(ref);
		return -ENOMEM;
	}
	err = mmlab_ref_add(mf, ref, &req->handle);
	if (err) {
		mmlab_cma_release(c, ref->cma.page, ref->cma.count);
		kfree(ref);
		return err;
	}
	req->pfn = mmlab_page_to_pfn(ref->cma.page);
	return 0;
}

/**
 * mmlab_ioc_cma_alloc() - MMLAB_IOC_CMA_ALLOC: contiguous pages of a CMA
 *	area.
 * @mf: the open file, which will own them.
 * @uarg: the caller's struct mmlab_ioc_cma_alloc.
 * @usize: its size.
 *
 * Return: 0; -EINVAL for a bad request, -ENOENT for an unknown area,
 * -E2BIG for more pages than the area has, -ENOSPC beyond the file's
 * limits, -EFAULT or -ENOMEM.
 */
long mmlab_ioc_cma_alloc(struct mmlab_file *mf, void __user *uarg,
			 size_t usize)
{
	struct mmlab_ioc_cma_alloc req;
	struct mmlab_cma *c;
	int err;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, "cma_alloc");
	if (err)
		return err;
	err = mmlab_cma_alloc_check(&req);
	if (!err)
		err = mmlab_cma_lookup(&req, &c);
	if (err)
		return err;
	mutex_lock(&mf->lock);
	err = mmlab_cma_alloc_locked(mf, c, &req);
	mutex_unlock(&mf->lock);
	if (err)
		return err;
	err = mmlab_copy_arg_out(uarg, usize, &req, sizeof(req), "cma_alloc");
	if (err) {
		mutex_lock(&mf->lock);
		mmlab_ref_put(mf, req.handle);
		mutex_unlock(&mf->lock);
	}
	return err;
}

/**
 * mmlab_ioc_cma_release() - MMLAB_IOC_CMA_RELEASE: give back the pages of
 *	a CMA_ALLOC.
 * @mf: the open file that holds them.
 * @uarg: the caller's struct mmlab_ioc_handle; result gets the pages.
 * @usize: its size.
 *
 * Return: 0; -ENOENT for a handle that is not a CMA allocation of this
 * file; -EINVAL, -E2BIG or -EFAULT.
 */
long mmlab_ioc_cma_release(struct mmlab_file *mf, void __user *uarg,
			   size_t usize)
{
	struct mmlab_ioc_handle req;
	struct mmlab_ref *ref;
	int err;

	err = mmlab_handle_arg_in(&req, uarg, usize, "cma_release");
	if (err)
		return err;
	mutex_lock(&mf->lock);
	ref = mmlab_ref_find(mf, "cma_release", req.handle, MMLAB_REF_CMA);
	if (ref) {
		req.result = ref->cma.count;
		mmlab_ref_put(mf, req.handle);
	}
	mutex_unlock(&mf->lock);
	if (!ref)
		return -ENOENT;
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req),
				  "cma_release");
}

/* --- COMPACT -------------------------------------------------------------------- */

static int mmlab_compact_check(const struct mmlab_ioc_compact *req)
{
	if (req->result || req->nr_regions || req->migrate_scanned ||
	    req->free_scanned || req->isolated || req->migrated ||
	    req->failed ||
	    !mmlab_u64_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("compact: output and reserved fields must be zero\n");
		return -EINVAL;
	}
	if (req->nid != MMLAB_NID_ANY &&
	    (req->nid < 0 || req->nid >= mmlab_nr_regions())) {
		pr_warn_ratelimited("compact: no region %d (%d regions)\n",
				    req->nid, mmlab_nr_regions());
		return -EINVAL;
	}
	if (req->order < -1 || req->order >= MMLAB_MAX_ORDER) {
		pr_warn_ratelimited("compact: order %d outside -1..%d\n",
				    req->order, MMLAB_MAX_ORDER - 1);
		return -EINVAL;
	}
	return 0;
}

/* The uapi's MMLAB_COMPACT_* for what a run by hand returned. */
static __u32 mmlab_compact_result_uapi(enum mmlab_compact_result ret)
{
	switch (ret) {
	case MMLAB_CR_COMPLETE:
		return MMLAB_COMPACT_COMPLETE;
	case MMLAB_CR_PARTIAL_SKIPPED:
		return MMLAB_COMPACT_PARTIAL_SKIPPED;
	case MMLAB_CR_CONTENDED:
		return MMLAB_COMPACT_CONTENDED;
	case MMLAB_CR_SUCCESS:
		return MMLAB_COMPACT_SUCCESS;
	default:
		return MMLAB_COMPACT_SKIPPED;
	}
}

static void mmlab_compact_one(struct mmlab_ioc_compact *req, int nid)
{
	struct mmlab_compact_stats st = {};

	req->result = mmlab_compact_result_uapi(mmlab_compact_node(nid,
								   req->order,
								   &st));
	req->nr_regions++;
	req->migrate_scanned += st.migrate_scanned;
	req->free_scanned += st.free_scanned;
	req->isolated += st.isolated;
	req->migrated += st.migrated;
	req->failed += st.failed;
}

/**
 * mmlab_ioc_compact() - MMLAB_IOC_COMPACT: compact one region or all.
 * @mf: the open file (compaction takes none of its state).
 * @uarg: the caller's struct mmlab_ioc_compact.
 * @usize: its size.
 *
 * Return: 0; -EINVAL for a bad region or order, -E2BIG or -EFAULT.
 */
long mmlab_ioc_compact(struct mmlab_file *mf, void __user *uarg, size_t usize)
{
	struct mmlab_ioc_compact req;
	int err, nid;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, "compact");
	if (err)
		return err;
	err = mmlab_compact_check(&req);
	if (err)
		return err;
	if (req.nid != MMLAB_NID_ANY)
		mmlab_compact_one(&req, req.nid);
	else
		for (nid = 0; nid < mmlab_nr_regions(); nid++)
			mmlab_compact_one(&req, nid);
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req), "compact");
}
