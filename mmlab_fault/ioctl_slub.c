// SPDX-License-Identifier: GPL-2.0
/*
 * The mmlab_slub ioctls of /dev/mmlab: CACHE_CREATE, CACHE_DESTROY,
 * CACHE_SHRINK, OBJ_ALLOC, KMALLOC, OBJ_FREE, VMALLOC and VFREE. What they
 * allocate is entered in the file's handle table (user.c), which frees it
 * on the last close; user space only sees handles.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmlab_slub/mmlab_slub.h"
#include "fault.h"
#include "mmlab_uapi.h"

/* Marks the handles of an OBJ_FREE call while they are checked. */
#define MMLAB_REF_MARK_FREEING	XA_MARK_1

static_assert(MMLAB_USER_NAME_LEN == MMLAB_CACHE_NAME_LEN);
static_assert(MMLAB_CACHE_MAX_SIZE == 4 * MMLAB_KMALLOC_MAX_CACHE_SIZE);

/* The largest KMALLOC: one block of the highest order. */
#define MMLAB_USER_KMALLOC_MAX	(PAGE_SIZE << (MMLAB_MAX_ORDER - 1))

/* --- CACHE_CREATE ------------------------------------------------------------ */

/* The name: NUL-terminated, zero after, [A-Za-z0-9-_.:], not kmalloc-*. */
static int mmlab_check_cache_name(const char *name)
{
	size_t len = strnlen(name, MMLAB_USER_NAME_LEN);
	size_t i;

	if (len == MMLAB_USER_NAME_LEN || !len) {
		pr_warn_ratelimited("cache_create: the name must have 1..%d characters and a NUL\n",
				    MMLAB_USER_NAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!isalnum(name[i]) && !strchr("-_.:", name[i])) {
			pr_warn_ratelimited("cache_create: name '%*pE' has a character outside [A-Za-z0-9-_.:]\n",
					    (int)len, name);
			return -EINVAL;
		}
	}
	if (memchr_inv(name + len, 0, MMLAB_USER_NAME_LEN - len)) {
		pr_warn_ratelimited("cache_create: bytes after the name's NUL must be zero\n");
		return -EINVAL;
	}
	if (!strncmp(name, "kmalloc-", 8)) {
		pr_warn_ratelimited("cache_create: name '%s': kmalloc-* names are mmlab_slub's own\n",
				    name);
		return -EINVAL;
	}
	return 0;
}

static int mmlab_cache_create_check(const struct mmlab_ioc_cache_create *req)
{
	if (req->reserved0 || req->handle ||
	    !mmlab_u64_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("cache_create: handle and reserved fields must be zero\n");
		return -EINVAL;
	}
	if (!req->size || req->size > MMLAB_CACHE_MAX_SIZE) {
		pr_warn_ratelimited("cache_create: object size %u outside 1..%d\n",
				    req->size, MMLAB_CACHE_MAX_SIZE);
		return -EINVAL;
	}
	if (req->align && (!is_power_of_2(req->align) ||
			   req->align > PAGE_SIZE)) {
		pr_warn_ratelimited("cache_create: align %u is not 0 or a power of two up to %lu\n",
				    req->align, PAGE_SIZE);
		return -EINVAL;
	}
	if (req->flags & ~MMLAB_CACHE_FLAGS) {
		pr_warn_ratelimited("cache_create: unknown flags 0x%x\n",
				    req->flags & ~MMLAB_CACHE_FLAGS);
		return -EINVAL;
	}
	return mmlab_check_cache_name(req->name);
}

static unsigned long mmlab_cache_flags(u32 flags)
{
	unsigned long out = 0;

	if (flags & MMLAB_CACHE_SANITY)
		out |= MMLAB_SLAB_CONSISTENCY_CHECKS;
	if (flags & MMLAB_CACHE_RED_ZONE)
		out |= MMLAB_SLAB_RED_ZONE;
	if (flags & MMLAB_CACHE_POISON)
		out |= MMLAB_SLAB_POISON;
	if (flags & MMLAB_CACHE_STORE_USER)
		out |= MMLAB_SLAB_STORE_USER;
	if (flags & MMLAB_CACHE_HWCACHE_ALIGN)
		out |= MMLAB_SLAB_HWCACHE_ALIGN;
	return out;
}

/* Create the cache of @req and enter it; fills req->handle. */
static int mmlab_cache_create(struct mmlab_file *mf,
			      struct mmlab_ioc_cache_create *req)
{
	struct mmlab_kmem_cache *s;
	struct mmlab_ref *ref;
	int err;

	lockdep_assert_held(&mf->lock);
	if (mf->nr_refs[MMLAB_REF_CACHE] >= MMLAB_USER_MAX_CACHES) {
		pr_warn_ratelimited("cache_create: an open file may hold %d caches\n",
				    MMLAB_USER_MAX_CACHES);
		return -ENOSPC;
	}
	err = mmlab_refs_reserve(mf, "cache_create", 1, 0);
	if (err)
		return err;
	ref = kzalloc(sizeof(*ref), GFP_KERNEL_ACCOUNT);
	if (!ref)
		return -ENOMEM;
	/* mmlab_slub logs its own refusal (a name in use: -EEXIST). */
	s = mmlab_kmem_cache_create(req->name, req->size, req->align,
				    mmlab_cache_flags(req->flags), NULL);
	if (IS_ERR(s)) {
		kfree(ref);
		return PTR_ERR(s);
	}
	ref->kind = MMLAB_REF_CACHE;
	ref->cache.s = s;
	err = mmlab_ref_add(mf, ref, &req->handle);
	if (err) {
		mmlab_kmem_cache_destroy(s);
		kfree(ref);
	}
	return err;
}

/**
 * mmlab_ioc_cache_create() - MMLAB_IOC_CACHE_CREATE: a new object cache.
 * @mf: the open file, which will own it.
 * @uarg: the caller's struct mmlab_ioc_cache_create.
 * @usize: its size.
 *
 * Return: 0; -EINVAL for a bad request, -EEXIST for a name in use,
 * -ENOSPC beyond the file's limits, -E2BIG, -EFAULT or -ENOMEM.
 */
long mmlab_ioc_cache_create(struct mmlab_file *mf, void __user *uarg,
			    size_t usize)
{
	struct mmlab_ioc_cache_create req;
	int err;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, "cache_create");
	if (err)
		return err;
	err = mmlab_cache_create_check(&req);
	if (err)
		return err;
	mutex_lock(&mf->lock);
	err = mmlab_cache_create(mf, &req);
	mutex_unlock(&mf->lock);
	if (err)
		return err;
	err = mmlab_copy_arg_out(uarg, usize, &req, sizeof(req),
				 "cache_create");
	if (err) {
		mutex_lock(&mf->lock);
		mmlab_ref_put(mf, req.handle);
		mutex_unlock(&mf->lock);
	}
	return err;
}

/* --- One handle: CACHE_DESTROY, CACHE_SHRINK, VFREE ------------------------- */

/**
 * mmlab_ioc_cache_destroy() - MMLAB_IOC_CACHE_DESTROY: destroy a cache.
 * @mf: the open file that holds it.
 * @uarg: the caller's struct mmlab_ioc_handle.
 * @usize: its size.
 *
 * Return: 0; -ENOENT for a handle that is not a cache of this file;
 * -EBUSY while it has objects; -EINVAL, -E2BIG or -EFAULT.
 */
long mmlab_ioc_cache_destroy(struct mmlab_file *mf, void __user *uarg,
			     size_t usize)
{
	struct mmlab_ioc_handle req;
	struct mmlab_ref *ref;
	int err;

	err = mmlab_handle_arg_in(&req, uarg, usize, "cache_destroy");
	if (err)
		return err;
	mutex_lock(&mf->lock);
	ref = mmlab_ref_find(mf, "cache_destroy", req.handle, MMLAB_REF_CACHE);
	if (!ref) {
		err = -ENOENT;
	} else if (ref->cache.nr_objs) {
		pr_warn_ratelimited("cache_destroy: %s has %lu objects of this file\n",
				    mmlab_kmem_cache_name(ref->cache.s),
				    ref->cache.nr_objs);
		err = -EBUSY;
	} else {
		mmlab_ref_put(mf, req.handle);
	}
	mutex_unlock(&mf->lock);
	if (err)
		return err;
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req),
				  "cache_destroy");
}

/**
 * mmlab_ioc_cache_shrink() - MMLAB_IOC_CACHE_SHRINK: free a cache's empty
 *	slabs.
 * @mf: the open file that holds it.
 * @uarg: the caller's struct mmlab_ioc_handle; result gets the pages freed.
 * @usize: its size.
 *
 * Return: 0; -ENOENT for a handle that is not a cache of this file;
 * -EINVAL, -E2BIG or -EFAULT.
 */
long mmlab_ioc_cache_shrink(struct mmlab_file *mf, void __user *uarg,
			    size_t usize)
{
	struct mmlab_ioc_handle req;
	struct mmlab_ref *ref;
	int err;

	err = mmlab_handle_arg_in(&req, uarg, usize, "cache_shrink");
	if (err)
		return err;
	mutex_lock(&mf->lock);
	ref = mmlab_ref_find(mf, "cache_shrink", req.handle, MMLAB_REF_CACHE);
	if (ref)
		req.result = mmlab_kmem_cache_shrink(ref->cache.s);
	mutex_unlock(&mf->lock);
	if (!ref)
		return -ENOENT;
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req),
				  "cache_shrink");
}

/* --- OBJ_ALLOC and KMALLOC --------------------------------------------------- */

static int mmlab_obj_alloc_check(const struct mmlab_ioc_obj_alloc *req,
				 bool kmalloc, const char *what)
{
	if (req->nr_done || req->reserved0 ||
	    !mmlab_u64_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("%s: nr_done and reserved fields must be zero\n",
				    what);
		return -EINVAL;
	}
	if (kmalloc && req->cache) {
		pr_warn_ratelimited("kmalloc: cache must be zero\n");
		return -EINVAL;
	}
	if (!kmalloc && req->size) {
		pr_warn_ratelimited("obj_alloc: size must be zero (the cache's)\n");
		return -EINVAL;
	}
	if (kmalloc && !req->size) {
		pr_warn_ratelimited("kmalloc: size is zero\n");
		return -EINVAL;
	}
	if (kmalloc && req->size > MMLAB_USER_KMALLOC_MAX) {
		pr_warn_ratelimited("kmalloc: size %u above %lu\n", req->size,
				    MMLAB_USER_KMALLOC_MAX);
		return -E2BIG;
	}
	if (!req->count) {
		pr_warn_ratelimited("%s: count is zero\n", what);
		return -EINVAL;
	}
	if (req->count > MMLAB_OBJ_MAX_COUNT) {
		pr_warn_ratelimited("%s: count %u above %d\n", what, req->count,
				    MMLAB_OBJ_MAX_COUNT);
		return -E2BIG;
	}
	return 0;
}

/* Allocate one object (of @cache, or kmalloc @size) and enter it. */
static int mmlab_obj_alloc_one(struct mmlab_file *mf, struct mmlab_ref *cache,
			       u32 size, u64 *handle)
{
	mmlab_gfp_t gfp = MMLAB_GFP_KERNEL | __MMLAB_GFP_NOWARN;
	struct mmlab_ref *ref;
	int err;

	ref = kzalloc(sizeof(*ref), GFP_KERNEL_ACCOUNT);
	if (!ref)
		return -ENOMEM;
	ref->kind = cache ? MMLAB_REF_OBJ : MMLAB_REF_KMALLOC;
	ref->bytes = size;
	ref->obj.cache = cache;
	ref->obj.p = cache ? mmlab_kmem_cache_alloc(cache->cache.s, gfp) :
			     mmlab_kmalloc(size, gfp);
	if (!ref->obj.p) {
		kfree(ref);
		return -ENOMEM;
	}
	if (cache)
		cache->cache.nr_objs++;
	err = mmlab_ref_add(mf, ref, handle);
	if (err) {
		/* Not entered: free it as mmlab_ref_put() would. */
		if (cache) {
			mmlab_kmem_cache_free(cache->cache.s, ref->obj.p);
			cache->cache.nr_objs--;
		} else {
			mmlab_kfree(ref->obj.p);
		}
		kfree(ref);
	}
	return err;
}

/*
 * Allocate up to req->count objects, writing each handle to @uhandles, and
 * stop at the first failure. Returns that failure's error, 0 if none.
 */
static int mmlab_obj_alloc_loop(struct mmlab_file *mf,
				struct mmlab_ioc_obj_alloc *req,
				struct mmlab_ref *cache, u32 size,
				u64 __user *uhandles, const char *what)
{
	u64 handle;
	int err = 0;

	while (req->nr_done < req->count) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		err = mmlab_obj_alloc_one(mf, cache, size, &handle);
		if (err) {
			pr_warn_ratelimited("%s: out of memory after %u of %u objects of %u bytes\n",
					    what, req->nr_done, req->count,
					    size);
			break;
		}
		if (put_user(handle, &uhandles[req->nr_done])) {
			mmlab_ref_put(mf, handle);
			pr_warn_ratelimited("%s: cannot write handle %u to %p\n",
					    what, req->nr_done, uhandles);
			err = -EFAULT;
			break;
		}
		req->nr_done++;
		cond_resched();
	}
	return err;
}

/* Check the cache handle and the limits, then allocate. */
static int mmlab_obj_alloc_locked(struct mmlab_file *mf,
				  struct mmlab_ioc_obj_alloc *req,
				  u64 __user *uhandles, const char *what)
{
	struct mmlab_ref *cache = NULL;
	u32 size = req->size;
	int err;

	lockdep_assert_held(&mf->lock);
	if (!size) {	/* OBJ_ALLOC */
		cache = mmlab_ref_find(mf, what, req->cache, MMLAB_REF_CACHE);
		if (!cache)
			return -ENOENT;
		size = mmlab_kmem_cache_size(cache->cache.s);
	}
	err = mmlab_refs_reserve(mf, what, req->count, (u64)size * req->count);
	if (err)
		return err;
	return mmlab_obj_alloc_loop(mf, req, cache, size, uhandles, what);
}

static long mmlab_obj_alloc_common(struct mmlab_file *mf, void __user *uarg,
				   size_t usize, bool kmalloc)
{
	const char *what = kmalloc ? "kmalloc" : "obj_alloc";
	struct mmlab_ioc_obj_alloc req;
	u64 __user *uhandles;
	int err;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, what);
	if (err)
		return err;
	err = mmlab_obj_alloc_check(&req, kmalloc, what);
	if (err)
		return err;
	uhandles = u64_to_user_ptr(req.handles);
	if (!access_ok(uhandles, (size_t)req.count * sizeof(u64)) ||
	    clear_user(uhandles, (size_t)req.count * sizeof(u64))) {
		pr_warn_ratelimited("%s: cannot write %u handles at %p\n", what,
				    req.count, uhandles);
		return -EFAULT;
	}
	mutex_lock(&mf->lock);
	err = mmlab_obj_alloc_locked(mf, &req, uhandles, what);
	mutex_unlock(&mf->lock);
	if (!req.nr_done)
		return err;
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req), what);
}

/**
 * mmlab_ioc_obj_alloc() - MMLAB_IOC_OBJ_ALLOC: objects of a cache.
 * @mf: the open file, which will own them.
 * @uarg: the caller's struct mmlab_ioc_obj_alloc.
 * @usize: its size.
 *
 * Return: 0 if at least one object was allocated (nr_done says how many);
 * otherwise -EINVAL or -E2BIG for a bad request, -ENOENT for a handle that
 * is not a cache of this file, -ENOSPC beyond the file's limits, -EFAULT,
 * -EINTR or -ENOMEM.
 */
long mmlab_ioc_obj_alloc(struct mmlab_file *mf, void __user *uarg,
			 size_t usize)
{
	return mmlab_obj_alloc_common(mf, uarg, usize, false);
}

/**
 * mmlab_ioc_kmalloc() - MMLAB_IOC_KMALLOC: kmalloc objects of a size.
 * @mf: the open file, which will own them.
 * @uarg: the caller's struct mmlab_ioc_obj_alloc.
 * @usize: its size.
 *
 * Return: as mmlab_ioc_obj_alloc(); -E2BIG for a size above the largest
 * block.
 */
long mmlab_ioc_kmalloc(struct mmlab_file *mf, void __user *uarg, size_t usize)
{
	return mmlab_obj_alloc_common(mf, uarg, usize, true);
}

/* --- OBJ_FREE ------------------------------------------------------------------ */

static bool mmlab_is_obj(const struct mmlab_ref *ref)
{
	return ref && (ref->kind == MMLAB_REF_OBJ ||
		       ref->kind == MMLAB_REF_KMALLOC);
}

static void mmlab_obj_unmark(struct mmlab_file *mf, const u64 *handles,
			     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xa_clear_mark(&mf->refs, handles[i], MMLAB_REF_MARK_FREEING);
}

/* Check every handle names a distinct object of the file, marking each. */
static int mmlab_obj_check_handles(struct mmlab_file *mf, const u64 *handles,
				   unsigned int count)
{
	unsigned int i;
	int err = 0;

	lockdep_assert_held(&mf->lock);
	for (i = 0; i < count; i++) {
		if (!handles[i] || handles[i] > U32_MAX ||
		    !mmlab_is_obj(xa_load(&mf->refs, handles[i]))) {
			pr_warn_ratelimited("obj_free: handle %llu (entry %u) is not an object of this file\n",
					    handles[i], i);
			err = -ENOENT;
			break;
		}
		if (xa_get_mark(&mf->refs, handles[i], MMLAB_REF_MARK_FREEING)) {
			pr_warn_ratelimited("obj_free: handle %llu given twice\n",
					    handles[i]);
			err = -EINVAL;
			break;
		}
		xa_set_mark(&mf->refs, handles[i], MMLAB_REF_MARK_FREEING);
	}
	if (err)
		mmlab_obj_unmark(mf, handles, i);
	return err;
}

static int mmlab_obj_free_check(const struct mmlab_ioc_obj_free *req)
{
	if (req->nr_done ||
	    !mmlab_u64_zero(req->reserved, ARRAY_SIZE(req->reserved))) {
		pr_warn_ratelimited("obj_free: nr_done and reserved fields must be zero\n");
		return -EINVAL;
	}
	if (!req->count) {
		pr_warn_ratelimited("obj_free: count is zero\n");
		return -EINVAL;
	}
	if (req->count > MMLAB_OBJ_MAX_COUNT) {
		pr_warn_ratelimited("obj_free: count %u above %d\n", req->count,
				    MMLAB_OBJ_MAX_COUNT);
		return -E2BIG;
	}
	return 0;
}

/**
 * mmlab_ioc_obj_free() - MMLAB_IOC_OBJ_FREE: free objects by handle.
 * @mf: the open file that holds them.
 * @uarg: the caller's struct mmlab_ioc_obj_free.
 * @usize: its size.
 *
 * Either every handle is freed or none is.
 *
 * Return: 0; -ENOENT for a handle that is not an object of this file;
 * -EINVAL for a handle given twice or a bad request; -E2BIG, -EFAULT or
 * -ENOMEM.
 */
long mmlab_ioc_obj_free(struct mmlab_file *mf, void __user *uarg,
			size_t usize)
{
	struct mmlab_ioc_obj_free req;
	unsigned int i;
	u64 *handles;
	int err;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, "obj_free");
	if (err)
		return err;
	err = mmlab_obj_free_check(&req);
	if (err)
		return err;
	handles = memdup_user(u64_to_user_ptr(req.handles),
			      (size_t)req.count * sizeof(*handles));
	if (IS_ERR(handles)) {
		pr_warn_ratelimited("obj_free: cannot read %u handles at %p\n",
				    req.count, u64_to_user_ptr(req.handles));
		return PTR_ERR(handles);
	}
	mutex_lock(&mf->lock);
	err = mmlab_obj_check_handles(mf, handles, req.count);
	if (!err) {
		for (i = 0; i < req.count; i++) {
			mmlab_ref_put(mf, handles[i]);
			cond_resched();
		}
		req.nr_done = req.count;
	}
	mutex_unlock(&mf->lock);
	kfree(handles);
	if (err)
		return err;
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req), "obj_free");
}

/* --- VMALLOC and VFREE --------------------------------------------------------- */

/* Map @req->size bytes and enter the area; fills handle and nr_pages. */
static noinline int mmlab_user_vmalloc(struct mmlab_file *mf,
				       struct mmlab_ioc_vmalloc *req)
{
	u64 bytes = PAGE_ALIGN(req->size);
	struct mmlab_ref *ref;
	int err;

	lockdep_assert_held(&mf->lock);
	err = mmlab_refs_reserve(mf, "vmalloc", 1, bytes);
	if (err)
		return err;
	ref = kzalloc(sizeof(*ref), GFP_KERNEL_ACCOUNT);
	if (!ref)
		return -ENOMEM;
	ref->kind = MMLAB_REF_VMALLOC;
	ref->bytes = bytes;
	ref->vaddr = mmlab_vmalloc(bytes);
	if (!ref->vaddr) {
		kfree(ref);
		pr_warn_ratelimited("vmalloc: no area of %llu bytes\n", bytes);
		return -ENOMEM;
	}
	err = mmlab_ref_add(mf, ref, &req->handle);
	if (err) {
		mmlab_vfree(ref->vaddr);
		kfree(ref);
		return err;
	}
	req->nr_pages = bytes >> PAGE_SHIFT;
	return 0;
}

/**
 * mmlab_ioc_vmalloc() - MMLAB_IOC_VMALLOC: a virtually contiguous area.
 * @mf: the open file, which will own it.
 * @uarg: the caller's struct mmlab_ioc_vmalloc.
 * @usize: its size.
 *
 * Return: 0; -EINVAL for a bad request, -E2BIG for a size above
 * MMLAB_USER_MAX_BYTES, -ENOSPC beyond the file's limits, -EFAULT or
 * -ENOMEM.
 */
long mmlab_ioc_vmalloc(struct mmlab_file *mf, void __user *uarg, size_t usize)
{
	struct mmlab_ioc_vmalloc req;
	int err;

	err = mmlab_copy_arg_in(&req, sizeof(req), uarg, usize, "vmalloc");
	if (err)
		return err;
	if (req.handle || req.nr_pages ||
	    !mmlab_u64_zero(req.reserved, ARRAY_SIZE(req.reserved))) {
		pr_warn_ratelimited("vmalloc: handle, nr_pages and reserved fields must be zero\n");
		return -EINVAL;
	}
	if (!req.size) {
		pr_warn_ratelimited("vmalloc: size is zero\n");
		return -EINVAL;
	}
	if (req.size > MMLAB_USER_MAX_BYTES) {
		pr_warn_ratelimited("vmalloc: size %llu above %llu\n", req.size,
				    MMLAB_USER_MAX_BYTES);
		return -E2BIG;
	}
	mutex_lock(&mf->lock);
	err = mmlab_user_vmalloc(mf, &req);
	mutex_unlock(&mf->lock);
	if (err)
		return err;
	err = mmlab_copy_arg_out(uarg, usize, &req, sizeof(req), "vmalloc");
	if (err) {
		mutex_lock(&mf->lock);
		mmlab_ref_put(mf, req.handle);
		mutex_unlock(&mf->lock);
	}
	return err;
}

/**
 * mmlab_ioc_vfree() - MMLAB_IOC_VFREE: free an area of VMALLOC.
 * @mf: the open file that holds it.
 * @uarg: the caller's struct mmlab_ioc_handle; result gets its pages.
 * @usize: its size.
 *
 * Return: 0; -ENOENT for a handle that is not an area of this file;
 * -EINVAL, -E2BIG or -EFAULT.
 */
long mmlab_ioc_vfree(struct mmlab_file *mf, void __user *uarg, size_t usize)
{
	struct mmlab_ioc_handle req;
	struct mmlab_ref *ref;
	int err;

	err = mmlab_handle_arg_in(&req, uarg, usize, "vfree");
	if (err)
		return err;
	mutex_lock(&mf->lock);
	ref = mmlab_ref_find(mf, "vfree", req.handle, MMLAB_REF_VMALLOC);
	if (ref) {
		req.result = ref->bytes >> PAGE_SHIFT;
		mmlab_ref_put(mf, req.handle);
	}
	mutex_unlock(&mf->lock);
	if (!ref)
		return -ENOENT;
	return mmlab_copy_arg_out(uarg, usize, &req, sizeof(req), "vfree");
}
