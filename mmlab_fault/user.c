// SPDX-License-Identifier: GPL-2.0
/*
 * The handle table of an open /dev/mmlab for what its ioctls allocate
 * outside the page allocator: caches, objects (cache and kmalloc), vmalloc
 * areas and CMA allocations, and the HELD ioctl that reports it.
 *
 * Every entry is a struct mmlab_ref in mmlab_file.refs under a handle;
 * user space only ever sees handles. An entry is added after its resource
 * was allocated and removed before it is freed, both under mmlab_file.lock.
 * An object entry points at its cache's entry, which counts the object:
 * a cache with objects cannot be destroyed, and the last close frees every
 * object before any cache.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mmlab_slub/mmlab_slub.h"
#include "mmlab_cma/mmlab_cma.h"
#include "fault.h"
#include "mmlab_uapi.h"

/**
 * mmlab_u64_zero() - whether an array of words is all zero.
 * @words: the array.
 * @n: its entries.
 *
 * Return: true if every word is zero.
 */
bool mmlab_u64_zero(const u64 *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (words[i])
			return false;
	return true;
}

/**
 * mmlab_refs_init() - set up the handle table of a newly opened file.
 * @mf: the file, zeroed.
 */
void mmlab_refs_init(struct mmlab_file *mf)
{
	xa_init_flags(&mf->refs, XA_FLAGS_ALLOC1);
}

static unsigned long mmlab_refs_total(const struct mmlab_file *mf)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < MMLAB_REF_NR_KINDS; i++)
		sum += mf->nr_refs[i];
	return sum;
}

/**
 * mmlab_refs_reserve() - check that @nr more entries of @bytes in all fit
 *	the file's limits.
 * @mf: the file, locked.
 * @what: the ioctl's name, for the log line.
 * @nr: entries wanted.
 * @bytes: bytes they would count.
 *
 * Return: 0, or -ENOSPC (with one log line) beyond MMLAB_USER_MAX_HANDLES
 * or MMLAB_USER_MAX_BYTES.
 */
int mmlab_refs_reserve(struct mmlab_file *mf, const char *what,
		       unsigned long nr, u64 bytes)
{
	unsigned long held = mmlab_refs_total(mf);

	lockdep_assert_held(&mf->lock);
	if (nr > MMLAB_USER_MAX_HANDLES - held) {
		pr_warn_ratelimited("%s: %lu more handles would exceed the %d an open file may hold (%lu held)\n",
				    what, nr, MMLAB_USER_MAX_HANDLES, held);
		return -ENOSPC;
	}
	if (bytes > MMLAB_USER_MAX_BYTES - mf->ref_bytes) {
		pr_warn_ratelimited("%s: %llu more bytes would exceed the %llu an open file may hold (%llu held)\n",
				    what, bytes, MMLAB_USER_MAX_BYTES,
				    mf->ref_bytes);
		return -ENOSPC;
	}
	return 0;
}

/**
 * mmlab_ref_add() - enter an allocated resource in the table.
 * @mf: the file, locked.
 * @ref: the entry, kmalloc'ed; the table owns it on success.
 * @handle: set to its handle.
 *
 * Return: 0 or -ENOMEM; on error the caller still owns @ref and its
 * resource.
 */
int mmlab_ref_add(struct mmlab_file *mf, struct mmlab_ref *ref, u64 *handle)
{
	u32 id;
	int err;

	lockdep_assert_held(&mf->lock);
	err = xa_alloc_cyclic(&mf->refs, &id, ref, xa_limit_32b, &mf->next_ref,
			      GFP_KERNEL_ACCOUNT);
	if (err < 0)
		return err;
	mf->nr_refs[ref->kind]++;
	mf->ref_bytes += ref->bytes;
	*handle = id;
	return 0;
}

/**
 * mmlab_ref_find() - the entry of a handle, if it is of @kind.
 * @mf: the file, locked.
 * @what: the ioctl's name, for the log line.
 * @handle: from user space.
 * @kind: the kind the ioctl takes.
 *
 * Return: the entry, or NULL (with one log line) when the file holds no
 * such handle of that kind.
 */
struct mmlab_ref *mmlab_ref_find(struct mmlab_file *mf, const char *what,
				 u64 handle, enum mmlab_ref_kind kind)
{
	struct mmlab_ref *ref = NULL;

	lockdep_assert_held(&mf->lock);
	if (handle && handle <= U32_MAX)
		ref = xa_load(&mf->refs, handle);
	if (ref && ref->kind == kind)
		return ref;
	pr_warn_ratelimited("%s: handle %llu is not one this file holds for it\n",
			    what, handle);
	return NULL;
}

/* Give the resource of @ref back to the module that allocated it. */
static void mmlab_ref_free_resource(struct mmlab_ref *ref)
{
	switch (ref->kind) {
	case MMLAB_REF_CACHE:
		mmlab_kmem_cache_destroy(ref->cache.s);
		break;
	case MMLAB_REF_OBJ:
		mmlab_kmem_cache_free(ref->obj.cache->cache.s, ref->obj.p);
		ref->obj.cache->cache.nr_objs--;
		break;
	case MMLAB_REF_KMALLOC:
		mmlab_kfree(ref->obj.p);
		break;
	case MMLAB_REF_VMALLOC:
		mmlab_vfree(ref->vaddr);
		break;
	case MMLAB_REF_CMA:
		mmlab_cma_release(ref->cma.area, ref->cma.page,
				  ref->cma.count);
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

/**
 * mmlab_ref_put() - remove a handle from the table and free its resource.
 * @mf: the file, locked.
 * @handle: a handle of the table; a cache must have no object left.
 */
void mmlab_ref_put(struct mmlab_file *mf, u64 handle)
{
	struct mmlab_ref *ref;

	lockdep_assert_held(&mf->lock);
	ref = xa_erase(&mf->refs, handle);
	if (WARN_ON_ONCE(!ref))
		return;
	mf->nr_refs[ref->kind]--;
	mf->ref_bytes -= ref->bytes;
	mmlab_ref_free_resource(ref);
	kfree(ref);
}

/* Free every entry; caches last, once their objects are gone. */
static void mmlab_refs_free_all(struct mmlab_file *mf)
{
	struct mmlab_ref *ref;
	unsigned long handle;

	lockdep_assert_held(&mf->lock);
	xa_for_each(&mf->refs, handle, ref) {
		if (ref->kind != MMLAB_REF_CACHE)
			mmlab_ref_put(mf, handle);
		cond_resched();
	}
	xa_for_each(&mf->refs, handle, ref)
		mmlab_ref_put(mf, handle);
}

/**
 * mmlab_refs_release() - free everything in the table, on the last close.
 * @mf: the file.
 */
void mmlab_refs_release(struct mmlab_file *mf)
{
	mutex_lock(&mf->lock);
	mmlab_refs_free_all(mf);
	mutex_unlock(&mf->lock);
	xa_destroy(&mf->refs);
}

/**
 * mmlab_handle_arg_in() - copy in and check a struct mmlab_ioc_handle.
 * @req: filled.
 * @uarg: the caller's structure.
 * @usize: its size.
 * @what: the ioctl's name.
 *
 * Return: 0, -EINVAL when result or a reserved field is set, -E2BIG or
 * -EFAULT.
 */
int mmlab_handle_arg_in(struct mmlab_ioc_handle *req, void __user *uarg,
			size_t usize, const char *what)
{
	int err = mmlab_copy_arg_in(req, sizeof(*req), uarg, usize, what);

	if (err)
		return err;
	if (req->result ||
	    !mmlab_u64_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("%s: result and reserved fields must be zero\n",
				    what);
		return -EINVAL;
	}
	return 0;
}

/**
 * mmlab_ioc_held() - MMLAB_IOC_HELD: what the handle table holds.
 * @mf: the open file.
 * @uarg: the caller's struct mmlab_ioc_held, zeroed.
 * @usize: its size.
 *
 * Return: 0, -EINVAL for a non-zero input, -E2BIG or -EFAULT.
 */
long mmlab_ioc_held(struct mmlab_file *mf, void __user *uarg, size_t usize)
{
	struct mmlab_ioc_held held;
	int err;

	err = mmlab_copy_arg_in(&held, sizeof(held), uarg, usize, "held");
	if (err)
		return err;
	if (memchr_inv(&held, 0, sizeof(held))) {
		pr_warn_ratelimited("held: the argument must be zeroed on input\n");
		return -EINVAL;
	}
	mutex_lock(&mf->lock);
	held.caches = mf->nr_refs[MMLAB_REF_CACHE];
	held.objects = mf->nr_refs[MMLAB_REF_OBJ] +
		       mf->nr_refs[MMLAB_REF_KMALLOC];
	held.vmallocs = mf->nr_refs[MMLAB_REF_VMALLOC];
	held.cma_allocs = mf->nr_refs[MMLAB_REF_CMA];
	held.bytes = mf->ref_bytes;
	mutex_unlock(&mf->lock);
	return mmlab_copy_arg_out(uarg, usize, &held, sizeof(held), "held");
}
