// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_slub: objects and kernel-virtual allocation in the mmlab regions.
 *
 * A shell for now: the module loads and unloads and does nothing else.
 * It will build on mmlab_buddy's and mmlab_core's exported API.
 *
 * Lock order: none yet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

static int __init mmlab_slub_init(void)
{
	return 0;
}
module_init(mmlab_slub_init);

static void __exit mmlab_slub_exit(void)
{
}
module_exit(mmlab_slub_exit);

MODULE_DESCRIPTION("mmlab: objects and kernel-virtual allocation in the mmlab regions");
MODULE_LICENSE("GPL");
