// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mmlab: the misc device, its open files and the ioctl dispatch.
 *
 * An ioctl is dispatched on its number alone; the size in the command is the
 * size of the caller's structure, which may be older (shorter) or newer
 * (longer) than the module's: mmlab_copy_arg_in() and mmlab_copy_arg_out()
 * reconcile the two as copy_struct_from_user() does for clone3().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fault.h"
#include "mmap.h"
#include "mmlab_uapi.h"

/**
 * struct mmlab_ioc_desc - how one ioctl number is handled.
 * @name: for log lines.
 * @min_size: the size of the first version of its argument.
 * @handler: does the work; gets the caller's argument and its size.
 */
struct mmlab_ioc_desc {
	const char *name;
	size_t min_size;
	long (*handler)(struct mmlab_file *mf, void __user *uarg, size_t usize);
};

static const struct mmlab_ioc_desc mmlab_iocs[] = {
	[_IOC_NR(MMLAB_IOC_INFO)] = {
		"info", MMLAB_INFO_SIZE_VER0, mmlab_ioc_info },
	[_IOC_NR(MMLAB_IOC_ALLOC_PAGES)] = {
		"alloc_pages", MMLAB_ALLOC_SIZE_VER0, mmlab_ioc_alloc_pages },
	[_IOC_NR(MMLAB_IOC_FREE_PAGES)] = {
		"free_pages", MMLAB_FREE_SIZE_VER0, mmlab_ioc_free_pages },
	[_IOC_NR(MMLAB_IOC_FREE_ALL)] = {
		"free_all", MMLAB_FREE_ALL_SIZE_VER0, mmlab_ioc_free_all },
	[_IOC_NR(MMLAB_IOC_PAGE_INFO)] = {
		"page_info", MMLAB_PAGE_INFO_SIZE_VER0, mmlab_ioc_page_info },
	[_IOC_NR(MMLAB_IOC_CACHE_CREATE)] = {
		"cache_create", MMLAB_CACHE_CREATE_SIZE_VER0,
		mmlab_ioc_cache_create },
	[_IOC_NR(MMLAB_IOC_CACHE_DESTROY)] = {
		"cache_destroy", MMLAB_HANDLE_SIZE_VER0,
		mmlab_ioc_cache_destroy },
	[_IOC_NR(MMLAB_IOC_CACHE_SHRINK)] = {
		"cache_shrink", MMLAB_HANDLE_SIZE_VER0, mmlab_ioc_cache_shrink },
	[_IOC_NR(MMLAB_IOC_OBJ_ALLOC)] = {
		"obj_alloc", MMLAB_OBJ_ALLOC_SIZE_VER0, mmlab_ioc_obj_alloc },
	[_IOC_NR(MMLAB_IOC_KMALLOC)] = {
		"kmalloc", MMLAB_OBJ_ALLOC_SIZE_VER0, mmlab_ioc_kmalloc },
	[_IOC_NR(MMLAB_IOC_OBJ_FREE)] = {
		"obj_free", MMLAB_OBJ_FREE_SIZE_VER0, mmlab_ioc_obj_free },
	[_IOC_NR(MMLAB_IOC_HELD)] = {
		"held", MMLAB_HELD_SIZE_VER0, mmlab_ioc_held },
	[_IOC_NR(MMLAB_IOC_VMALLOC)] = {
		"vmalloc", MMLAB_VMALLOC_SIZE_VER0, mmlab_ioc_vmalloc },
	[_IOC_NR(MMLAB_IOC_VFREE)] = {
		"vfree", MMLAB_HANDLE_SIZE_VER0, mmlab_ioc_vfree },
	[_IOC_NR(MMLAB_IOC_CMA_ALLOC)] = {
		"cma_alloc", MMLAB_CMA_ALLOC_SIZE_VER0, mmlab_ioc_cma_alloc },
	[_IOC_NR(MMLAB_IOC_CMA_RELEASE)] = {
		"cma_release", MMLAB_HANDLE_SIZE_VER0, mmlab_ioc_cma_release },
	[_IOC_NR(MMLAB_IOC_COMPACT)] = {
		"compact", MMLAB_COMPACT_SIZE_VER0, mmlab_ioc_compact },
};

/*
 * The first version of each argument is what the uapi header says it is:
 * the sizes are part of the ABI.
 */
static_assert(sizeof(struct mmlab_ioc_info) == MMLAB_INFO_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_alloc) == MMLAB_ALLOC_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_free) == MMLAB_FREE_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_free_all) == MMLAB_FREE_ALL_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_page_info) == MMLAB_PAGE_INFO_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_cache_create) ==
	      MMLAB_CACHE_CREATE_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_handle) == MMLAB_HANDLE_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_obj_alloc) == MMLAB_OBJ_ALLOC_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_obj_free) == MMLAB_OBJ_FREE_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_held) == MMLAB_HELD_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_vmalloc) == MMLAB_VMALLOC_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_cma_alloc) == MMLAB_CMA_ALLOC_SIZE_VER0);
static_assert(sizeof(struct mmlab_ioc_compact) == MMLAB_COMPACT_SIZE_VER0);

/**
 * mmlab_copy_arg_in() - copy an ioctl argument of any version in.
 * @karg: the module's structure.
 * @ksize: its size.
 * @uarg: the caller's structure.
 * @usize: its size, from the ioctl number.
 * @what: the ioctl's name, for the log line.
 *
 * Return: 0; -EFAULT if @uarg cannot be read; -E2BIG if the caller's
 * structure is longer and the part the module does not know is not zero.
 */
int mmlab_copy_arg_in(void *karg, size_t ksize, const void __user *uarg,
		      size_t usize, const char *what)
{
	int err = copy_struct_from_user(karg, ksize, uarg, usize);

	if (err == -EFAULT)
		pr_warn_ratelimited("%s: cannot read the argument at %p\n",
				    what, uarg);
	else if (err)
		pr_warn_ratelimited("%s: %zu-byte argument has non-zero fields beyond the %zu this module knows\n",
				    what, usize, ksize);
	return err;
}

/**
 * mmlab_copy_arg_out() - copy an ioctl result of any version out.
 * @uarg: the caller's structure.
 * @usize: its size, from the ioctl number.
 * @karg: the module's structure.
 * @ksize: its size.
 * @what: the ioctl's name, for the log line.
 *
 * The caller's fields beyond @ksize were checked to be zero on the way in
 * and are left alone.
 *
 * Return: 0 or -EFAULT.
 */
int mmlab_copy_arg_out(void __user *uarg, size_t usize, const void *karg,
		       size_t ksize, const char *what)
{
	if (copy_to_user(uarg, karg, min(usize, ksize))) {
		pr_warn_ratelimited("%s: cannot write the result to %p\n",
				    what, uarg);
		return -EFAULT;
	}
	return 0;
}

static const struct mmlab_ioc_desc *mmlab_ioc_lookup(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct mmlab_ioc_desc *desc;

	if (_IOC_TYPE(cmd) != MMLAB_IOC_MAGIC || nr >= ARRAY_SIZE(mmlab_iocs))
		return NULL;
	desc = &mmlab_iocs[nr];
	if (!desc->handler || _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return NULL;
	return desc;
}

static long mmlab_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct mmlab_file *mf = file->private_data;
	const struct mmlab_ioc_desc *desc = mmlab_ioc_lookup(cmd);
	size_t usize = _IOC_SIZE(cmd);

	if (!desc) {
		pr_warn_ratelimited("unknown ioctl 0x%08x\n", cmd);
		return -ENOTTY;
	}
	if (usize < desc->min_size || usize > PAGE_SIZE) {
		pr_warn_ratelimited("%s: argument size %zu outside %zu..%lu\n",
				    desc->name, usize, desc->min_size,
				    PAGE_SIZE);
		return -EINVAL;
	}
	return desc->handler(mf, (void __user *)arg, usize);
}

static int mmlab_dev_open(struct inode *inode, struct file *file)
{
	struct mmlab_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return -ENOMEM;
	mmlab_file_init(mf);
	mmlab_refs_init(mf);
	file->private_data = mf;
	mmlab_user_file_open(file);
	return 0;
}

static int mmlab_dev_release(struct inode *inode, struct file *file)
{
	struct mmlab_file *mf = file->private_data;

	mmlab_refs_release(mf);
	mmlab_file_release(mf);
	kfree(mf);
	return 0;
}

static const struct file_operations mmlab_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= mmlab_dev_open,
	.release	= mmlab_dev_release,
	.unlocked_ioctl	= mmlab_dev_ioctl,
	.mmap		= mmlab_dev_mmap,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice mmlab_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "mmlab",
	.fops	= &mmlab_dev_fops,
	.mode	= 0600,
};

/**
 * mmlab_dev_register() - create /dev/mmlab.
 *
 * Return: 0 or the error of misc_register().
 */
int mmlab_dev_register(void)
{
	int err = misc_register(&mmlab_miscdev);

	if (err)
		pr_err("cannot register /dev/mmlab: %d\n", err);
	return err;
}

/**
 * mmlab_dev_unregister() - remove /dev/mmlab.
 *
 * No file can be open: each holds a reference to the module.
 */
void mmlab_dev_unregister(void)
{
	misc_deregister(&mmlab_miscdev);
}
