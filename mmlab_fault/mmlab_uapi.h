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
 *	at an address of a /dev/mmlab mapping maps: the pfn /proc/self/pagemap
 *	shows root, and whether the pte is writable and maps the zero page.
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

/*
 * Objects, kernel-virtual and contiguous allocations (ioctls 0x20-0x32).
 *
 * Caches, objects, vmalloc areas and CMA allocations are named by handles
 * of one table per open file, separate from the page block handles of
 * ALLOC_PAGES. Everything is released on the last close: objects first,
 * then the caches. One open file holds at most MMLAB_USER_MAX_HANDLES
 * handles and MMLAB_USER_MAX_BYTES bytes (objects counted by their
 * requested size, vmalloc areas and CMA allocations by their pages); a
 * request beyond either fails with ENOSPC.
 */
#define MMLAB_USER_NAME_LEN	32	/* cache names, with their NUL */
#define MMLAB_USER_AREA_LEN	16	/* CMA area names, with their NUL */
#define MMLAB_USER_MAX_HANDLES	65536	/* handles one open file holds */
#define MMLAB_USER_MAX_BYTES	(256ULL << 20)	/* bytes one open file holds */
#define MMLAB_OBJ_MAX_COUNT	4096	/* objects per OBJ_ALLOC/KMALLOC/OBJ_FREE */
#define MMLAB_CACHE_MAX_SIZE	32768	/* largest object of a user cache */

/* Flags of struct mmlab_ioc_cache_create: mmlab_slub_debug's letters. */
#define MMLAB_CACHE_SANITY	0x01U	/* 'F': consistency checks */
#define MMLAB_CACHE_RED_ZONE	0x02U	/* 'Z': red zone after objects */
#define MMLAB_CACHE_POISON	0x04U	/* 'P': poison free objects */
#define MMLAB_CACHE_STORE_USER	0x08U	/* 'U': alloc/free call sites */
#define MMLAB_CACHE_HWCACHE_ALIGN 0x10U	/* align objects to cache lines */
#define MMLAB_CACHE_FLAGS	0x1fU	/* every known flag */

/**
 * struct mmlab_ioc_cache_create - MMLAB_IOC_CACHE_CREATE: a new object
 *	cache, listed in slabinfo and slab/ under its name.
 * @name: in: 1 to MMLAB_USER_NAME_LEN-1 characters of [A-Za-z0-9-_.:],
 *	NUL-terminated, the rest zero; not "kmalloc-*". A name in use fails
 *	with EEXIST.
 * @size: in: object size, 1..MMLAB_CACHE_MAX_SIZE.
 * @align: in: 0 or a power of two up to the page size.
 * @flags: in: MMLAB_CACHE_*.
 * @reserved0: zero.
 * @handle: out: the cache's handle.
 * @reserved: zero.
 */
struct mmlab_ioc_cache_create {
	char name[MMLAB_USER_NAME_LEN];
	__u32 size;
	__u32 align;
	__u32 flags;
	__u32 reserved0;
	__u64 handle;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_handle - one handle: CACHE_DESTROY, CACHE_SHRINK, VFREE,
 *	CMA_RELEASE.
 * @handle: in: a handle of the right kind held by this file (ENOENT
 *	otherwise). CACHE_DESTROY of a cache with objects fails with EBUSY.
 * @result: out: CACHE_SHRINK: pages given back; the others: pages (VFREE,
 *	CMA_RELEASE) or 0 (CACHE_DESTROY).
 * @reserved: zero.
 */
struct mmlab_ioc_handle {
	__u64 handle;
	__u64 result;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_obj_alloc - MMLAB_IOC_OBJ_ALLOC (objects of a cache) and
 *	MMLAB_IOC_KMALLOC (kmalloc objects of a size).
 * @cache: in: OBJ_ALLOC: the cache's handle; KMALLOC: zero.
 * @size: in: KMALLOC: bytes, 1 up to the largest block (INFO max_order);
 *	OBJ_ALLOC: zero.
 * @count: in: objects wanted, 1..MMLAB_OBJ_MAX_COUNT; entries of @handles.
 * @handles: in: user address of __u64[@count], filled with the handles of
 *	the first @nr_done objects. Allocation stops at the first failure:
 *	the ioctl succeeds if at least one object was allocated.
 * @nr_done: out: objects allocated.
 * @reserved0: zero.
 * @reserved: zero.
 */
struct mmlab_ioc_obj_alloc {
	__u64 cache;
	__u32 size;
	__u32 count;
	__u64 handles;
	__u32 nr_done;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_obj_free - MMLAB_IOC_OBJ_FREE: free objects of OBJ_ALLOC
 *	and KMALLOC by handle.
 * @handles: in: user address of __u64[@count].
 * @count: in: 1..MMLAB_OBJ_MAX_COUNT.
 * @nr_done: out: objects freed. All handles are checked first: one that
 *	is not an object of this file fails the call with ENOENT, a handle
 *	given twice with EINVAL, and nothing is freed.
 * @reserved: zero.
 */
struct mmlab_ioc_obj_free {
	__u64 handles;
	__u32 count;
	__u32 nr_done;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_vmalloc - MMLAB_IOC_VMALLOC: a virtually contiguous area
 *	of region pages, listed in vmallocinfo.
 * @size: in: bytes, 1..MMLAB_USER_MAX_BYTES, rounded up to pages.
 * @handle: out: the area's handle.
 * @nr_pages: out: pages mapped.
 * @reserved: zero.
 */
struct mmlab_ioc_vmalloc {
	__u64 size;
	__u64 handle;
	__u64 nr_pages;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_cma_alloc - MMLAB_IOC_CMA_ALLOC: contiguous pages from a
 *	CMA area.
 * @name: in: the area's name, NUL-terminated, the rest zero; ENOENT if no
 *	area has it.
 * @count: in: pages, 1 up to the area's size (E2BIG beyond).
 * @align: in: the first pfn is a multiple of 2^@align, 0..MMLAB_MAX_ORDER-1
 *	of the kernel (INFO max_order).
 * @reserved0: zero.
 * @handle: out: the allocation's handle.
 * @pfn: out: its first page frame.
 * @reserved: zero.
 */
struct mmlab_ioc_cma_alloc {
	char name[MMLAB_USER_AREA_LEN];
	__u64 count;
	__u32 align;
	__u32 reserved0;
	__u64 handle;
	__u64 pfn;
	__u64 reserved[2];
};

/* Results of MMLAB_IOC_COMPACT, as enum compact_result. */
#define MMLAB_COMPACT_SKIPPED		0	/* nothing to do */
#define MMLAB_COMPACT_COMPLETE		2	/* the scanners met */
#define MMLAB_COMPACT_PARTIAL_SKIPPED	3	/* stopped, nothing isolated */
#define MMLAB_COMPACT_SUCCESS		4	/* a block of @order is free */
/* Stopped early: a fatal signal, or no free page left to migrate into. */
#define MMLAB_COMPACT_CONTENDED		5

/**
 * struct mmlab_ioc_compact - MMLAB_IOC_COMPACT: compact regions by hand.
 * @nid: in: a region id, or MMLAB_NID_ANY for every region.
 * @order: in: stop once a free block of this order exists, 0..max_order-1;
 *	-1 for a full run.
 * @result: out: MMLAB_COMPACT_* of the last region compacted.
 * @nr_regions: out: regions compacted.
 * @migrate_scanned: out: pages the migrate scanners looked at.
 * @free_scanned: out: pages the free scanners looked at.
 * @isolated: out: pages isolated.
 * @migrated: out: pages that moved.
 * @failed: out: pages that did not move.
 * @reserved: zero.
 */
struct mmlab_ioc_compact {
	__s32 nid;
	__s32 order;
	__u32 result;
	__u32 nr_regions;
	__u64 migrate_scanned;
	__u64 free_scanned;
	__u64 isolated;
	__u64 migrated;
	__u64 failed;
	__u64 reserved[2];
};

/**
 * struct mmlab_ioc_held - MMLAB_IOC_HELD: what this file holds in its
 *	handle table. Every field is an output; all must be zero on input.
 * @caches: caches.
 * @objects: objects of OBJ_ALLOC and KMALLOC.
 * @vmallocs: vmalloc areas.
 * @cma_allocs: CMA allocations.
 * @bytes: bytes counted against MMLAB_USER_MAX_BYTES.
 * @reserved: zero.
 */
struct mmlab_ioc_held {
	__u64 caches;
	__u64 objects;
	__u64 vmallocs;
	__u64 cma_allocs;
	__u64 bytes;
	__u64 reserved[3];
};

#define MMLAB_IOC_INFO		_IOWR(MMLAB_IOC_MAGIC, 0x00, struct mmlab_ioc_info)
#define MMLAB_IOC_ALLOC_PAGES	_IOWR(MMLAB_IOC_MAGIC, 0x01, struct mmlab_ioc_alloc)
#define MMLAB_IOC_FREE_PAGES	_IOWR(MMLAB_IOC_MAGIC, 0x02, struct mmlab_ioc_free)
#define MMLAB_IOC_FREE_ALL	_IOWR(MMLAB_IOC_MAGIC, 0x03, struct mmlab_ioc_free_all)
#define MMLAB_IOC_PAGE_INFO	_IOWR(MMLAB_IOC_MAGIC, 0x10, struct mmlab_ioc_page_info)
#define MMLAB_IOC_CACHE_CREATE	_IOWR(MMLAB_IOC_MAGIC, 0x20, struct mmlab_ioc_cache_create)
#define MMLAB_IOC_CACHE_DESTROY	_IOWR(MMLAB_IOC_MAGIC, 0x21, struct mmlab_ioc_handle)
#define MMLAB_IOC_CACHE_SHRINK	_IOWR(MMLAB_IOC_MAGIC, 0x22, struct mmlab_ioc_handle)
#define MMLAB_IOC_OBJ_ALLOC	_IOWR(MMLAB_IOC_MAGIC, 0x23, struct mmlab_ioc_obj_alloc)
#define MMLAB_IOC_KMALLOC	_IOWR(MMLAB_IOC_MAGIC, 0x24, struct mmlab_ioc_obj_alloc)
#define MMLAB_IOC_OBJ_FREE	_IOWR(MMLAB_IOC_MAGIC, 0x25, struct mmlab_ioc_obj_free)
#define MMLAB_IOC_HELD		_IOWR(MMLAB_IOC_MAGIC, 0x26, struct mmlab_ioc_held)
#define MMLAB_IOC_VMALLOC	_IOWR(MMLAB_IOC_MAGIC, 0x28, struct mmlab_ioc_vmalloc)
#define MMLAB_IOC_VFREE		_IOWR(MMLAB_IOC_MAGIC, 0x29, struct mmlab_ioc_handle)
#define MMLAB_IOC_CMA_ALLOC	_IOWR(MMLAB_IOC_MAGIC, 0x30, struct mmlab_ioc_cma_alloc)
#define MMLAB_IOC_CMA_RELEASE	_IOWR(MMLAB_IOC_MAGIC, 0x31, struct mmlab_ioc_handle)
#define MMLAB_IOC_COMPACT	_IOWR(MMLAB_IOC_MAGIC, 0x32, struct mmlab_ioc_compact)

/* Sizes of the first version of each argument. */
#define MMLAB_INFO_SIZE_VER0		584
#define MMLAB_ALLOC_SIZE_VER0		48
#define MMLAB_FREE_SIZE_VER0		32
#define MMLAB_FREE_ALL_SIZE_VER0	32
#define MMLAB_PAGE_INFO_SIZE_VER0	40
#define MMLAB_CACHE_CREATE_SIZE_VER0	72
#define MMLAB_HANDLE_SIZE_VER0		32
#define MMLAB_OBJ_ALLOC_SIZE_VER0	48
#define MMLAB_OBJ_FREE_SIZE_VER0	32
#define MMLAB_HELD_SIZE_VER0		64
#define MMLAB_VMALLOC_SIZE_VER0		40
#define MMLAB_CMA_ALLOC_SIZE_VER0	64
#define MMLAB_COMPACT_SIZE_VER0		72

#endif /* _MMLAB_UAPI_H */
