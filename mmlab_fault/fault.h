/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab_fault internals: the state of an open /dev/mmlab and the ioctl
 * handlers, shared by the files of the module.
 */
#ifndef _MMLAB_FAULT_INTERNAL_H
#define _MMLAB_FAULT_INTERNAL_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "user.h"

/**
 * struct mmlab_file - what one open file of /dev/mmlab owns.
 * @lock: serialises the ioctls of this file; taken before the allocator's
 *	locks, never inside them.
 * @blocks: handle -> struct mmlab_held_block, handles from 1 up, cyclic.
 * @next_handle: where the cyclic handle allocation resumes.
 * @nr_blocks: blocks in @blocks.
 * @nr_pages: pages in those blocks.
 * @refs: handle -> struct mmlab_ref (user.c): caches, objects, vmalloc
 *	areas and CMA allocations; handles from 1 up, cyclic.
 * @next_ref: where the cyclic handle allocation of @refs resumes.
 * @nr_refs: entries in @refs, per kind.
 * @ref_bytes: bytes those entries count against MMLAB_USER_MAX_BYTES.
 */
struct mmlab_file {
	struct mutex lock;		/* see above */
	struct xarray blocks;
	u32 next_handle;
	unsigned long nr_blocks;
	unsigned long nr_pages;
	struct xarray refs;
	u32 next_ref;
	unsigned long nr_refs[MMLAB_REF_NR_KINDS];
	u64 ref_bytes;
};

void mmlab_file_init(struct mmlab_file *mf);
void mmlab_file_release(struct mmlab_file *mf);

long mmlab_ioc_info(struct mmlab_file *mf, void __user *uarg, size_t usize);
long mmlab_ioc_alloc_pages(struct mmlab_file *mf, void __user *uarg,
			   size_t usize);
long mmlab_ioc_free_pages(struct mmlab_file *mf, void __user *uarg,
			  size_t usize);
long mmlab_ioc_free_all(struct mmlab_file *mf, void __user *uarg,
			size_t usize);

int mmlab_copy_arg_in(void *karg, size_t ksize, const void __user *uarg,
		      size_t usize, const char *what);
int mmlab_copy_arg_out(void __user *uarg, size_t usize, const void *karg,
		       size_t ksize, const char *what);

int mmlab_dev_register(void);
void mmlab_dev_unregister(void);

#endif /* _MMLAB_FAULT_INTERNAL_H */
