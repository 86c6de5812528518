/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The user-space control interface of mmlab: ioctls on
 * /dev/mmlab (mode 0600, root).
 *
 * Everything a process allocates through the file descriptor belongs to
 * that open file and is freed when the last reference to it is closed.
 *
 * Versioning: the size encoded in each ioctl number is the size of the
 * argument structure the caller was built with. Structures only grow at
 * their end; the kernel accepts any size from the first version's
 * (MMLAB_*_SIZE_VER0) up to a page. Fields the kernel does not know must be
 * zero (-E2BIG otherwise); the kernel zero-fills fields the caller does not
 * know. Every reserved field must be zero on input (-EINVAL otherwise) and
 * is returned as zero.
 *
 * Usable from user space: only <linux/ioctl.h> and <linux/types.h>.
 */
#ifndef _MMLAB_UAPI_H
#define _MMLAB_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MMLAB_DEV_PATH		"/dev/mmlab"
#define MMLAB_UAPI_VERSION	1

/* Not taken in Documentation/userspace-api/ioctl/ioctl-number.rst (6.1). */
#define MMLAB_IOC_MAGIC		0xB9

#define MMLAB_UAPI_MAX_REGIONS	8	/* entries in mmlab_ioc_info.regions */
#define MMLAB_NID_ANY		(-1)	/* any region, in region order */
#define MMLAB_ALLOC_MAX_COUNT	65536	/* blocks per ALLOC or FREE call */

/**
 * struct mmlab_ioc_region - facts about one region (a node of one zone).
 * @nid: region id, the "Node %d" of the debugfs files.
 * @reserved0: zero.
 * @start_pfn: first page frame number.
 * @nr_pages: page frames spanned.
 * @nr_reserved: frames holding the region's own descriptors, never free.
 * @managed_pages: frames given to the allocator (its "managed").
 * @free_pages: free frames now, per-CPU lists excluded (its "pages free").
 * @reserved: zero.
 */
struct mmlab_ioc_region {
	__s32 nid;
	__u32 reserved0;
	__u64 start_pfn;
	__u64 nr_pages;
	__u64 nr_reserved;
	__u64 managed_pages;
	__u64 free_pages;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_info - MMLAB_IOC_INFO: what this kernel offers.
 * @version: MMLAB_UAPI_VERSION of the running module.
 * @nr_regions: valid entries in @regions.
 * @max_order: orders 0..max_order-1 can be allocated.
 * @page_shift: log2 of the page size.
 * @max_count: the largest count ALLOC and FREE accept.
 * @alloc_flags: the MMLAB_ALLOC_* flags this kernel knows.
 * @held_blocks: blocks this open file holds.
 * @held_pages: pages in those blocks.
 * @reserved: zero.
 * @regions: one entry per region.
 *
 * Every field is an output; all must be zero on input.
 */
struct mmlab_ioc_info {
	__u32 version;
	__u32 nr_regions;
	__u32 max_order;
	__u32 page_shift;
	__u32 max_count;
	__u32 alloc_flags;
	__u64 held_blocks;
	__u64 held_pages;
	__u64 reserved[4];
	struct mmlab_ioc_region regions[MMLAB_UAPI_MAX_REGIONS];
};

/* Flags of struct mmlab_ioc_alloc: the GFP semantics of mmlab_buddy. */
#define MMLAB_ALLOC_MOVABLE	0x01U	/* movable migratetype */
#define MMLAB_ALLOC_RECLAIMABLE	0x02U	/* reclaimable migratetype */
#define MMLAB_ALLOC_HIGH	0x04U	/* may dip below the min watermark */
#define MMLAB_ALLOC_ZERO	0x08U	/* zero the pages */
#define MMLAB_ALLOC_ATOMIC	0x10U	/* never sleep (implies HIGH) */
#define MMLAB_ALLOC_NOWARN	0x20U	/* no failure report in the log */
#define MMLAB_ALLOC_FLAGS	0x3fU	/* every known flag */

/**
 * struct mmlab_ioc_block - one allocated block, as ALLOC reports it.
 * @handle: names the block in FREE; never 0.
 * @pfn: page frame number of its first page.
 * @nid: region it came from.
 * @order: its order.
 */
struct mmlab_ioc_block {
	__u64 handle;
	__u64 pfn;
	__s32 nid;
	__u32 order;
};

/**
 * struct mmlab_ioc_alloc - MMLAB_IOC_ALLOC_PAGES: allocate @count blocks.
 * @nid: in: region id, or MMLAB_NID_ANY. A region id means that region only.
 * @order: in: 0..max_order-1.
 * @flags: in: MMLAB_ALLOC_*; MOVABLE and RECLAIMABLE exclude each other,
 *	neither means unmovable.
 * @count: in: blocks wanted, 1..MMLAB_ALLOC_MAX_COUNT; also the number of
 *	entries of @blocks.
 * @blocks: in: user address of struct mmlab_ioc_block[@count], filled with
 *	the first @nr_done entries.
 * @nr_done: out: blocks allocated. Allocation stops at the first failure:
 *	the ioctl succeeds if at least one block was allocated and fails with
 *	ENOMEM (or the error of the first block) if none was.
 * @reserved0: zero.
 * @reserved: zero.
 */
struct mmlab_ioc_alloc {
	__s32 nid;
	__u32 order;
	__u32 flags;
	__u32 count;
	__u64 blocks;
	__u32 nr_done;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_free - MMLAB_IOC_FREE_PAGES: free blocks by handle.
 * @handles: in: user address of __u64[@count].
 * @count: in: 1..MMLAB_ALLOC_MAX_COUNT.
 * @nr_done: out: blocks freed. All handles are checked before any block is
 *	freed: an unknown handle fails the call with ENOENT, a handle given
 *	twice with EINVAL, and nothing is freed.
 * @reserved: zero.
 */
struct mmlab_ioc_free {
	__u64 handles;
	__u32 count;
	__u32 nr_done;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_free_all - MMLAB_IOC_FREE_ALL: free every block held.
 * @nr_blocks: out: blocks freed.
 * @nr_pages: out: pages freed.
 * @reserved: zero.
 */
struct mmlab_ioc_free_all {
	__u64 nr_blocks;
	__u64 nr_pages;
	__u64 reserved[2];
};

/* Flags of struct mmlab_ioc_page_info. */
#define MMLAB_PAGE_PRESENT	0x01U	/* a pte maps the address */
#define MMLAB_PAGE_WRITABLE	0x02U	/* the pte is writable */
#define MMLAB_PAGE_ZERO		0x04U	/* it maps the region's zero page */

/**
 * struct mmlab_ioc_page_info - MMLAB_IOC_PAGE_INFO: what the caller's pte
 *	at an address of a /dev/mmlab mapping maps. /proc/self/pagemap cannot
 *	tell: 6.1's page walk skips VM_PFNMAP vmas, as these mappings are.
 * @addr: in: an address inside a /dev/mmlab mapping of the caller.
 * @pfn: out: the page frame the pte maps, 0 if none.
 * @flags: out: MMLAB_PAGE_*.
 * @reserved0: zero.
 * @reserved: zero.
 */
struct mmlab_ioc_page_info {
	__u64 addr;
	__u64 pfn;
	__u32 flags;
	__u32 reserved0;
	__u64 reserved[2];
};

#define MMLAB_IOC_INFO		_IOWR(MMLAB_IOC_MAGIC, 0x00, struct mmlab_ioc_info)
#define MMLAB_IOC_ALLOC_PAGES	_IOWR(MMLAB_IOC_MAGIC, 0x01, struct mmlab_ioc_alloc)
#define MMLAB_IOC_FREE_PAGES	_IOWR(MMLAB_IOC_MAGIC, 0x02, struct mmlab_ioc_free)
#define MMLAB_IOC_FREE_ALL	_IOWR(MMLAB_IOC_MAGIC, 0x03, struct mmlab_ioc_free_all)
#define MMLAB_IOC_PAGE_INFO	_IOWR(MMLAB_IOC_MAGIC, 0x10, struct mmlab_ioc_page_info)

/* Sizes of the first version of each argument. */
#define MMLAB_INFO_SIZE_VER0		584
#define MMLAB_ALLOC_SIZE_VER0		48
#define MMLAB_FREE_SIZE_VER0		32
#define MMLAB_FREE_ALL_SIZE_VER0	32
#define MMLAB_PAGE_INFO_SIZE_VER0	40

#endif /* _MMLAB_UAPI_H */
