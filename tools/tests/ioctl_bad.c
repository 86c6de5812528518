// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_bad: /dev/mmlab refuses bad ioctl input with the documented error
 * and leaks nothing. TAP on stdout.
 *
 * Each case makes one bad call and checks its errno, then that the file
 * holds no more than it did. At the end every block is freed, and once
 * the per-CPU lists are drained (and the caches shrunk) the region's free
 * count is what it was. The object, vmalloc, CMA and compaction ioctls are
 * covered too: bad names, handles of the wrong kind or of another file,
 * zero and huge counts and sizes, double frees, a cache destroyed with
 * live objects, an unknown CMA area, and the per-file limits.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmlab_fault/mmlab_uapi.h"

#define DRAIN_KNOB	"/sys/kernel/debug/mmlab/drain"
#define SLAB_DIR	"/sys/kernel/debug/mmlab/slab"

/* The cases main() reports, the plan printed before the first. */
#define NR_CASES 112

static int nr_tests;
static int nr_failed;
static int fd;
static struct mmlab_ioc_info info;

static void report(int pass, const char *fmt, va_list ap)
{
	nr_tests++;
	if (!pass)
		nr_failed++;
	printf("%sok %d - ", pass ? "" : "not ", nr_tests);
	vprintf(fmt, ap);
	putchar('\n');
}

static void ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(pass, fmt, ap);
	va_end(ap);
}

/* ok if @ret is -1 with errno @want. */
static void fails_with(int ret, int want, const char *fmt, ...)
{
	int got = ret ? errno : 0;
	va_list ap;

	va_start(ap, fmt);
	report(ret == -1 && got == want, fmt, ap);
	va_end(ap);
	if (ret != -1 || got != want)
		printf("# got ret %d errno %d (%s), want errno %d (%s)\n", ret,
		       got, strerror(got), want, strerror(want));
}

static int get_info(struct mmlab_ioc_info *out)
{
	memset(out, 0, sizeof(*out));
	return ioctl(fd, MMLAB_IOC_INFO, out);
}

static unsigned long long held_blocks(void)
{
	struct mmlab_ioc_info now;

	if (get_info(&now))
		return ~0ULL;
	return now.held_blocks;
}

static unsigned long long total_free(void)
{
	struct mmlab_ioc_info now;
	unsigned long long sum = 0;
	unsigned int i;

	if (get_info(&now))
		return 0;
	for (i = 0; i < now.nr_regions; i++)
		sum += now.regions[i].free_pages;
	return sum;
}

static int drain(void)
{
	int d = open(DRAIN_KNOB, O_WRONLY);
	int ret;

	if (d < 0)
		return -1;
	ret = write(d, "1\n", 2) == 2 ? 0 : -1;
	close(d);
	return ret;
}

static void alloc_req(struct mmlab_ioc_alloc *req, struct mmlab_ioc_block *b,
		      unsigned int count)
{
	memset(req, 0, sizeof(*req));
	req->nid = MMLAB_NID_ANY;
	req->count = count;
	req->blocks = (unsigned long)b;
}

static void bad_alloc(void)
{
	struct mmlab_ioc_block b[2];
	struct mmlab_ioc_alloc req;
	void *ro;

	alloc_req(&req, b, 1);
	req.flags = ~MMLAB_ALLOC_FLAGS;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: unknown flags -> EINVAL");
	alloc_req(&req, b, 1);
	req.flags = MMLAB_ALLOC_MOVABLE | MMLAB_ALLOC_RECLAIMABLE;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: movable and reclaimable together -> EINVAL");
	alloc_req(&req, b, 1);
	req.reserved0 = 1;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: reserved0 non-zero -> EINVAL");
	alloc_req(&req, b, 1);
	req.reserved[1] = 1;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: reserved[1] non-zero -> EINVAL");
	alloc_req(&req, b, 1);
	req.nr_done = 1;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: output nr_done non-zero on input -> EINVAL");
	alloc_req(&req, b, 1);
	req.order = info.max_order;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: order %u (max_order) -> EINVAL", info.max_order);
	alloc_req(&req, b, 1);
	req.order = 0xffffffffU;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: order 0xffffffff -> EINVAL");
	alloc_req(&req, b, 1);
	req.nid = info.nr_regions;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: node %u (no such region) -> EINVAL", info.nr_regions);
	alloc_req(&req, b, 1);
	req.nid = -2;
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: node -2 -> EINVAL");
	alloc_req(&req, b, 0);
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EINVAL,
		   "ALLOC: count 0 -> EINVAL");
	alloc_req(&req, b, MMLAB_ALLOC_MAX_COUNT + 1);
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), E2BIG,
		   "ALLOC: count above the cap -> E2BIG");
	alloc_req(&req, NULL, 1);
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EFAULT,
		   "ALLOC: NULL block array -> EFAULT");
	alloc_req(&req, (void *)-4096L, 1);
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EFAULT,
		   "ALLOC: kernel-space block array -> EFAULT");
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	alloc_req(&req, ro, 1);
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req), EFAULT,
		   "ALLOC: read-only block array -> EFAULT");
	munmap(ro, 4096);
	fails_with(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, NULL), EFAULT,
		   "ALLOC: NULL argument -> EFAULT");
	ok(held_blocks() == 0, "no block held after the refused ALLOCs");
}

/* A caller built against a newer uapi: a longer argument. */
static void versions(void)
{
	struct {
		struct mmlab_ioc_alloc req;
		__u64 newer;
	} big;
	struct mmlab_ioc_block b[1];
	unsigned long cmd;

	cmd = _IOC(_IOC_READ | _IOC_WRITE, MMLAB_IOC_MAGIC,
		   _IOC_NR(MMLAB_IOC_ALLOC_PAGES), sizeof(big));
	alloc_req(&big.req, b, 1);
	big.newer = 1;
	fails_with(ioctl(fd, cmd, &big), E2BIG,
		   "ALLOC: longer argument, unknown field set -> E2BIG");
	big.newer = 0;
	ok(ioctl(fd, cmd, &big) == 0 && big.req.nr_done == 1,
	   "ALLOC: longer argument, unknown field zero -> allocates");
	ok(held_blocks() == 1, "that block is held");

	cmd = _IOC(_IOC_READ | _IOC_WRITE, MMLAB_IOC_MAGIC,
		   _IOC_NR(MMLAB_IOC_ALLOC_PAGES), MMLAB_ALLOC_SIZE_VER0 - 8);
	alloc_req(&big.req, b, 1);
	fails_with(ioctl(fd, cmd, &big), EINVAL,
		   "ALLOC: argument shorter than version 0 -> EINVAL");
	cmd = _IOC(_IOC_READ | _IOC_WRITE, MMLAB_IOC_MAGIC, 0x7f, 8);
	fails_with(ioctl(fd, cmd, &big), ENOTTY, "unknown ioctl -> ENOTTY");
	cmd = _IOC(_IOC_WRITE, MMLAB_IOC_MAGIC,
		   _IOC_NR(MMLAB_IOC_ALLOC_PAGES), sizeof(big.req));
	fails_with(ioctl(fd, cmd, &big), ENOTTY,
		   "ALLOC with the wrong direction -> ENOTTY");
}

static int free_req(__u64 *handles, unsigned int count,
		    struct mmlab_ioc_free *req)
{
	memset(req, 0, sizeof(*req));
	req->handles = (unsigned long)handles;
	req->count = count;
	return ioctl(fd, MMLAB_IOC_FREE_PAGES, req);
}

static void bad_free(void)
{
	struct mmlab_ioc_free_all all;
	struct mmlab_ioc_block b[2];
	struct mmlab_ioc_alloc req;
	struct mmlab_ioc_free fr;
	unsigned long long before;
	__u64 h[2];
	int other;

	alloc_req(&req, b, 2);
	ok(ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req) == 0 && req.nr_done == 2 &&
	   b[0].handle && b[1].handle && b[0].handle != b[1].handle,
	   "ALLOC two blocks: two distinct non-zero handles");
	before = held_blocks();

	h[0] = b[1].handle + 1000;
	fails_with(free_req(h, 1, &fr), ENOENT, "FREE: unknown handle -> ENOENT");
	h[0] = 0;
	fails_with(free_req(h, 1, &fr), ENOENT, "FREE: handle 0 -> ENOENT");
	h[0] = b[0].handle;
	h[1] = b[1].handle + 1000;
	fails_with(free_req(h, 2, &fr), ENOENT,
		   "FREE: known then unknown handle -> ENOENT");
	ok(held_blocks() == before, "  ... and nothing was freed");
	h[1] = b[0].handle;
	fails_with(free_req(h, 2, &fr), EINVAL,
		   "FREE: the same handle twice -> EINVAL");
	ok(held_blocks() == before, "  ... and nothing was freed");
	fails_with(free_req(NULL, 1, &fr), EFAULT,
		   "FREE: NULL handle array -> EFAULT");
	fails_with(free_req(h, 0, &fr), EINVAL, "FREE: count 0 -> EINVAL");
	fails_with(free_req(h, MMLAB_ALLOC_MAX_COUNT + 1, &fr), E2BIG,
		   "FREE: count above the cap -> E2BIG");
	memset(&fr, 0, sizeof(fr));
	fr.handles = (unsigned long)h;
	fr.count = 1;
	fr.reserved[0] = 1;
	fails_with(ioctl(fd, MMLAB_IOC_FREE_PAGES, &fr), EINVAL,
		   "FREE: reserved non-zero -> EINVAL");
	ok(held_blocks() == before, "no block freed by the refused FREEs");

	other = open(MMLAB_DEV_PATH, O_RDWR);
	h[0] = b[0].handle;
	memset(&fr, 0, sizeof(fr));
	fr.handles = (unsigned long)h;
	fr.count = 1;
	errno = 0;
	fails_with(other < 0 ? -2 : ioctl(other, MMLAB_IOC_FREE_PAGES, &fr),
		   ENOENT, "FREE on another open file: its handle -> ENOENT");
	if (other >= 0)
		close(other);

	h[0] = b[0].handle;
	h[1] = b[1].handle;
	ok(free_req(h, 2, &fr) == 0 && fr.nr_done == 2,
	   "FREE both blocks: nr_done 2");
	fails_with(free_req(h, 1, &fr), ENOENT,
		   "FREE a freed handle again -> ENOENT");

	memset(&all, 0, sizeof(all));
	all.reserved[1] = 1;
	fails_with(ioctl(fd, MMLAB_IOC_FREE_ALL, &all), EINVAL,
		   "FREE_ALL: non-zero input -> EINVAL");
	memset(&all, 0, sizeof(all));
	ok(ioctl(fd, MMLAB_IOC_FREE_ALL, &all) == 0 && all.nr_blocks == 1 &&
	   all.nr_pages == 1,
	   "FREE_ALL frees the block left from the version test");
	ok(held_blocks() == 0, "nothing held after FREE_ALL");
}

/* --- Caches, objects, vmalloc, CMA, compaction ------------------------------ */

static int held(struct mmlab_ioc_held *h)
{
	memset(h, 0, sizeof(*h));
	return ioctl(fd, MMLAB_IOC_HELD, h);
}

/* ok if the file holds exactly @caches caches and @objects objects. */
static void holds(unsigned long long caches, unsigned long long objects,
		  const char *what)
{
	struct mmlab_ioc_held h = { 0 };

	ok(held(&h) == 0 && h.caches == caches && h.objects == objects &&
	   h.vmallocs == 0 && h.cma_allocs == 0,
	   "%s: %llu caches and %llu objects held (got %llu, %llu)", what,
	   caches, objects, (unsigned long long)h.caches,
	   (unsigned long long)h.objects);
}

static int cache_create(const char *name, __u32 size, __u32 align,
			__u32 flags, __u64 *handle)
{
	struct mmlab_ioc_cache_create req;
	int ret;

	memset(&req, 0, sizeof(req));
	memcpy(req.name, name, strnlen(name, sizeof(req.name) - 1));
	req.size = size;
	req.align = align;
	req.flags = flags;
	ret = ioctl(fd, MMLAB_IOC_CACHE_CREATE, &req);
	if (!ret && handle)
		*handle = req.handle;
	return ret;
}

static int handle_ioc(unsigned long cmd, __u64 handle)
{
	struct mmlab_ioc_handle req;

	memset(&req, 0, sizeof(req));
	req.handle = handle;
	return ioctl(fd, cmd, &req);
}

static int obj_alloc(unsigned long cmd, __u64 cache, __u32 size, __u32 count,
		     __u64 *handles, __u32 *nr_done)
{
	struct mmlab_ioc_obj_alloc req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.cache = cache;
	req.size = size;
	req.count = count;
	req.handles = (unsigned long)handles;
	ret = ioctl(fd, cmd, &req);
	if (nr_done)
		*nr_done = req.nr_done;
	return ret;
}

static int obj_free(__u64 *handles, __u32 count)
{
	struct mmlab_ioc_obj_free req;

	memset(&req, 0, sizeof(req));
	req.handles = (unsigned long)handles;
	req.count = count;
	return ioctl(fd, MMLAB_IOC_OBJ_FREE, &req);
}

static void bad_cache_create(void)
{
	struct mmlab_ioc_cache_create req;

	fails_with(cache_create("", 64, 0, 0, NULL), EINVAL,
		   "CACHE_CREATE: empty name -> EINVAL");
	fails_with(cache_create("a/b", 64, 0, 0, NULL), EINVAL,
		   "CACHE_CREATE: name with '/' -> EINVAL");
	fails_with(cache_create("bad\tname", 64, 0, 0, NULL), EINVAL,
		   "CACHE_CREATE: name with a tab -> EINVAL");
	fails_with(cache_create("kmalloc-64", 64, 0, 0, NULL), EINVAL,
		   "CACHE_CREATE: a kmalloc-* name -> EINVAL");
	memset(&req, 0, sizeof(req));
	memset(req.name, 'a', sizeof(req.name));
	req.size = 64;
	fails_with(ioctl(fd, MMLAB_IOC_CACHE_CREATE, &req), EINVAL,
		   "CACHE_CREATE: name without a NUL -> EINVAL");
	memset(&req, 0, sizeof(req));
	strcpy(req.name, "ok");
	req.name[5] = 'x';
	req.size = 64;
	fails_with(ioctl(fd, MMLAB_IOC_CACHE_CREATE, &req), EINVAL,
		   "CACHE_CREATE: bytes after the NUL -> EINVAL");
	fails_with(cache_create("bad-size", 0, 0, 0, NULL), EINVAL,
		   "CACHE_CREATE: size 0 -> EINVAL");
	fails_with(cache_create("bad-size", MMLAB_CACHE_MAX_SIZE + 1, 0, 0,
				NULL), EINVAL,
		   "CACHE_CREATE: size above MMLAB_CACHE_MAX_SIZE -> EINVAL");
	fails_with(cache_create("bad-align", 64, 48, 0, NULL), EINVAL,
		   "CACHE_CREATE: align 48 -> EINVAL");
	fails_with(cache_create("bad-flags", 64, 0, ~MMLAB_CACHE_FLAGS, NULL),
		   EINVAL, "CACHE_CREATE: unknown flags -> EINVAL");
	memset(&req, 0, sizeof(req));
	strcpy(req.name, "bad-res");
	req.size = 64;
	req.reserved[1] = 1;
	fails_with(ioctl(fd, MMLAB_IOC_CACHE_CREATE, &req), EINVAL,
		   "CACHE_CREATE: reserved non-zero -> EINVAL");
	holds(0, 0, "after the refused CACHE_CREATEs");
}

static void bad_objects(void)
{
	__u64 c, c2, h[4];
	void *ro;
	__u32 n;
	int other;

	ok(cache_create("ioctl-bad", 128, 0, 0, &c) == 0 && c,
	   "CACHE_CREATE ioctl-bad: a handle");
	fails_with(cache_create("ioctl-bad", 128, 0, 0, NULL), EEXIST,
		   "CACHE_CREATE: a name in use -> EEXIST");
	fails_with(obj_alloc(MMLAB_IOC_OBJ_ALLOC, c + 1000, 0, 1, h, NULL),
		   ENOENT, "OBJ_ALLOC: unknown cache handle -> ENOENT");
	fails_with(obj_alloc(MMLAB_IOC_OBJ_ALLOC, c, 0, 0, h, NULL), EINVAL,
		   "OBJ_ALLOC: count 0 -> EINVAL");
	fails_with(obj_alloc(MMLAB_IOC_OBJ_ALLOC, c, 0,
			     MMLAB_OBJ_MAX_COUNT + 1, h, NULL), E2BIG,
		   "OBJ_ALLOC: count above MMLAB_OBJ_MAX_COUNT -> E2BIG");
	fails_with(obj_alloc(MMLAB_IOC_OBJ_ALLOC, c, 8, 1, h, NULL), EINVAL,
		   "OBJ_ALLOC: a size -> EINVAL");
	fails_with(obj_alloc(MMLAB_IOC_OBJ_ALLOC, c, 0, 1, NULL, NULL), EFAULT,
		   "OBJ_ALLOC: NULL handle array -> EFAULT");
	fails_with(obj_alloc(MMLAB_IOC_KMALLOC, 0, 0, 1, h, NULL), EINVAL,
		   "KMALLOC: size 0 -> EINVAL");
	fails_with(obj_alloc(MMLAB_IOC_KMALLOC, 0, 0x7fffffff, 1, h, NULL),
		   E2BIG, "KMALLOC: huge size -> E2BIG");
	fails_with(obj_alloc(MMLAB_IOC_KMALLOC, c, 64, 1, h, NULL), EINVAL,
		   "KMALLOC: a cache handle -> EINVAL");
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fails_with(obj_alloc(MMLAB_IOC_OBJ_ALLOC, c, 0, 1, ro, NULL), EFAULT,
		   "OBJ_ALLOC: read-only handle array -> EFAULT");
	munmap(ro, 4096);
	holds(1, 0, "after the refused allocations");

	ok(obj_alloc(MMLAB_IOC_OBJ_ALLOC, c, 0, 2, h, &n) == 0 && n == 2 &&
	   h[0] && h[1] && h[0] != h[1] && h[0] != c && h[1] != c,
	   "OBJ_ALLOC 2: two distinct handles");
	ok(obj_alloc(MMLAB_IOC_KMALLOC, 0, 100, 1, h + 2, &n) == 0 && n == 1,
	   "KMALLOC 100: one handle");
	holds(1, 3, "after OBJ_ALLOC and KMALLOC");
	fails_with(handle_ioc(MMLAB_IOC_CACHE_DESTROY, c), EBUSY,
		   "CACHE_DESTROY with live objects -> EBUSY");
	fails_with(handle_ioc(MMLAB_IOC_CACHE_DESTROY, h[0]), ENOENT,
		   "CACHE_DESTROY of an object handle -> ENOENT");
	fails_with(handle_ioc(MMLAB_IOC_CACHE_SHRINK, 0), ENOENT,
		   "CACHE_SHRINK of handle 0 -> ENOENT");
	fails_with(handle_ioc(MMLAB_IOC_VFREE, h[2]), ENOENT,
		   "VFREE of a kmalloc handle -> ENOENT");

	h[3] = h[0];
	fails_with(obj_free(h, 0), EINVAL, "OBJ_FREE: count 0 -> EINVAL");
	fails_with(obj_free(h, MMLAB_OBJ_MAX_COUNT + 1), E2BIG,
		   "OBJ_FREE: count above the cap -> E2BIG");
	c2 = c;
	fails_with(obj_free(&c2, 1), ENOENT,
		   "OBJ_FREE: a cache handle -> ENOENT");
	fails_with(obj_free(h, 4), EINVAL,
		   "OBJ_FREE: the same handle twice -> EINVAL");
	holds(1, 3, "  ... and nothing was freed");
	other = open(MMLAB_DEV_PATH, O_RDWR);
	errno = 0;
	{
		struct mmlab_ioc_obj_free req = { 0 };

		req.handles = (unsigned long)h;
		req.count = 1;
		fails_with(other < 0 ? -2 : ioctl(other, MMLAB_IOC_OBJ_FREE,
						  &req),
			   ENOENT, "OBJ_FREE on another open file -> ENOENT");
	}
	if (other >= 0)
		close(other);
	ok(obj_free(h, 3) == 0, "OBJ_FREE the three objects");
	fails_with(obj_free(h, 1), ENOENT,
		   "OBJ_FREE a freed handle again -> ENOENT");
	ok(handle_ioc(MMLAB_IOC_CACHE_SHRINK, c) == 0, "CACHE_SHRINK");
	ok(handle_ioc(MMLAB_IOC_CACHE_DESTROY, c) == 0,
	   "CACHE_DESTROY of the empty cache");
	fails_with(handle_ioc(MMLAB_IOC_CACHE_DESTROY, c), ENOENT,
		   "CACHE_DESTROY again -> ENOENT");
	holds(0, 0, "after the frees");
}

static void bad_vmalloc(void)
{
	struct mmlab_ioc_vmalloc req;

	memset(&req, 0, sizeof(req));
	fails_with(ioctl(fd, MMLAB_IOC_VMALLOC, &req), EINVAL,
		   "VMALLOC: size 0 -> EINVAL");
	req.size = MMLAB_USER_MAX_BYTES + 1;
	fails_with(ioctl(fd, MMLAB_IOC_VMALLOC, &req), E2BIG,
		   "VMALLOC: size above MMLAB_USER_MAX_BYTES -> E2BIG");
	req.size = ~0ULL;
	fails_with(ioctl(fd, MMLAB_IOC_VMALLOC, &req), E2BIG,
		   "VMALLOC: size 2^64-1 -> E2BIG");
	memset(&req, 0, sizeof(req));
	req.size = 4096;
	req.handle = 1;
	fails_with(ioctl(fd, MMLAB_IOC_VMALLOC, &req), EINVAL,
		   "VMALLOC: handle set on input -> EINVAL");
	memset(&req, 0, sizeof(req));
	req.size = 5000;
	ok(ioctl(fd, MMLAB_IOC_VMALLOC, &req) == 0 && req.handle &&
	   req.nr_pages == (5000 + (1UL << info.page_shift) - 1) >>
	   info.page_shift, "VMALLOC 5000: a handle, %llu pages",
	   (unsigned long long)req.nr_pages);
	fails_with(handle_ioc(MMLAB_IOC_CMA_RELEASE, req.handle), ENOENT,
		   "CMA_RELEASE of a vmalloc handle -> ENOENT");
	ok(handle_ioc(MMLAB_IOC_VFREE, req.handle) == 0, "VFREE");
	fails_with(handle_ioc(MMLAB_IOC_VFREE, req.handle), ENOENT,
		   "VFREE again -> ENOENT");
	{
		struct mmlab_ioc_handle h = { 0 };

		h.handle = 1;
		h.reserved[0] = 1;
		fails_with(ioctl(fd, MMLAB_IOC_VFREE, &h), EINVAL,
			   "VFREE: reserved non-zero -> EINVAL");
	}
}

static int cma_alloc(const char *name, __u64 count, __u32 align)
{
	struct mmlab_ioc_cma_alloc req;

	memset(&req, 0, sizeof(req));
	memcpy(req.name, name, strnlen(name, sizeof(req.name) - 1));
	req.count = count;
	req.align = align;
	return ioctl(fd, MMLAB_IOC_CMA_ALLOC, &req);
}

static void bad_cma_compact(void)
{
	struct mmlab_ioc_cma_alloc req;
	struct mmlab_ioc_compact cr;

	fails_with(cma_alloc("no-such-area", 1, 0), ENOENT,
		   "CMA_ALLOC: unknown area -> ENOENT");
	fails_with(cma_alloc("", 1, 0), EINVAL,
		   "CMA_ALLOC: empty area name -> EINVAL");
	memset(&req, 0, sizeof(req));
	memset(req.name, 'a', sizeof(req.name));
	req.count = 1;
	fails_with(ioctl(fd, MMLAB_IOC_CMA_ALLOC, &req), EINVAL,
		   "CMA_ALLOC: area name without a NUL -> EINVAL");
	fails_with(cma_alloc("x", 0, 0), EINVAL,
		   "CMA_ALLOC: count 0 -> EINVAL");
	fails_with(cma_alloc("x", 1, info.max_order), EINVAL,
		   "CMA_ALLOC: align order max_order -> EINVAL");
	fails_with(handle_ioc(MMLAB_IOC_CMA_RELEASE, 12345), ENOENT,
		   "CMA_RELEASE: unknown handle -> ENOENT");

	memset(&cr, 0, sizeof(cr));
	cr.nid = info.nr_regions;
	cr.order = -1;
	fails_with(ioctl(fd, MMLAB_IOC_COMPACT, &cr), EINVAL,
		   "COMPACT: no such region -> EINVAL");
	memset(&cr, 0, sizeof(cr));
	cr.nid = MMLAB_NID_ANY;
	cr.order = info.max_order;
	fails_with(ioctl(fd, MMLAB_IOC_COMPACT, &cr), EINVAL,
		   "COMPACT: order max_order -> EINVAL");
	cr.order = -2;
	fails_with(ioctl(fd, MMLAB_IOC_COMPACT, &cr), EINVAL,
		   "COMPACT: order -2 -> EINVAL");
	memset(&cr, 0, sizeof(cr));
	cr.nid = MMLAB_NID_ANY;
	cr.order = -1;
	cr.migrated = 1;
	fails_with(ioctl(fd, MMLAB_IOC_COMPACT, &cr), EINVAL,
		   "COMPACT: output field set on input -> EINVAL");
	cr.migrated = 0;
	ok(ioctl(fd, MMLAB_IOC_COMPACT, &cr) == 0 &&
	   cr.nr_regions == info.nr_regions,
	   "COMPACT every region: %u regions", cr.nr_regions);
}

/* The per-file limits: bytes, then handles. */
static void limits(void)
{
	struct mmlab_ioc_vmalloc req;
	__u32 n, total = 0;
	int i, err = 0;
	__u64 *v;

	v = calloc(MMLAB_OBJ_MAX_COUNT, sizeof(*v));
	fails_with(obj_alloc(MMLAB_IOC_KMALLOC, 0, 1U << 22, MMLAB_OBJ_MAX_COUNT,
			     v, NULL), ENOSPC,
		   "KMALLOC of more than MMLAB_USER_MAX_BYTES in all -> ENOSPC");
	holds(0, 0, "  ... and nothing was allocated");
	for (i = 0; v && i <= MMLAB_USER_MAX_HANDLES / MMLAB_OBJ_MAX_COUNT; i++) {
		n = 0;
		if (obj_alloc(MMLAB_IOC_KMALLOC, 0, 8, MMLAB_OBJ_MAX_COUNT, v,
			      &n)) {
			err = errno;
			break;
		}
		total += n;
	}
	ok(err == ENOSPC && total == MMLAB_USER_MAX_HANDLES,
	   "KMALLOC beyond MMLAB_USER_MAX_HANDLES -> ENOSPC after %u objects",
	   total);
	free(v);
	memset(&req, 0, sizeof(req));
	req.size = 4096;
	fails_with(ioctl(fd, MMLAB_IOC_VMALLOC, &req), ENOSPC,
		   "VMALLOC with every handle taken -> ENOSPC");
	holds(0, total, "with every handle taken");
}

/* Give back the empty slabs every cache keeps, so free pages compare. */
static void shrink_caches(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir;
	int s;

	dir = opendir(SLAB_DIR);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/shrink", SLAB_DIR,
			 d->d_name);
		s = open(path, O_WRONLY);
		if (s < 0)
			continue;
		if (write(s, "1\n", 2) != 2)
			printf("# %s: %s\n", path, strerror(errno));
		close(s);
	}
	closedir(dir);
}

int main(void)
{
	struct mmlab_ioc_info bad;
	unsigned long long start;
	int drained, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", NR_CASES);
	fd = open(MMLAB_DEV_PATH, O_RDWR);
	ok(fd >= 0, "open %s", MMLAB_DEV_PATH);
	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", MMLAB_DEV_PATH,
		       strerror(errno));
		return 2;
	}
	rc = get_info(&info);
	ok(rc == 0 && info.version == MMLAB_UAPI_VERSION &&
	   info.nr_regions > 0, "INFO: version %u, %u region(s)",
	   info.version, info.nr_regions);
	memset(&bad, 0, sizeof(bad));
	bad.reserved[0] = 1;
	fails_with(ioctl(fd, MMLAB_IOC_INFO, &bad), EINVAL,
		   "INFO: non-zero input -> EINVAL");
	shrink_caches();
	drained = drain() == 0;
	start = total_free();

	bad_alloc();
	versions();
	bad_free();
	bad_cache_create();
	bad_objects();
	bad_vmalloc();
	bad_cma_compact();
	limits();

	close(fd);
	fd = open(MMLAB_DEV_PATH, O_RDWR);
	shrink_caches();
	ok(drained && drain() == 0 && total_free() == start,
	   "free pages back to %llu after drain of %s (now %llu)", start,
	   DRAIN_KNOB, total_free());
	close(fd);
	if (nr_tests != NR_CASES) {
		printf("# planned %d cases, reported %d\n", NR_CASES, nr_tests);
		return 1;
	}
	return nr_failed ? 1 : 0;
}
