// SPDX-License-Identifier: GPL-2.0
/*
 * stress: several processes load /dev/mmlab for a fixed time. TAP, run by
 * stress.sh as root in the guest.
 *
 *   stress SECONDS NPROC AREA LOW [SEED]
 *
 * NPROC workers, each with its own open file, loop until SECONDS have
 * passed over random operations: page blocks (ALLOC_PAGES/FREE_PAGES),
 * objects of a cache of their own, kmalloc objects, vmalloc areas, CMA
 * allocations from area AREA ("-" for none) and their release,
 * compaction, mmap of /dev/mmlab (private and shared) filled with a
 * checksummed pattern and checked before munmap, and fork: the child
 * checks every mapping, writes its own pattern to the private ones
 * (copy-on-write) and checks it, and the parent checks after the child
 * that its private pages did not change.
 *
 * A holder process keeps the region's free pages (MMLAB_IOC_INFO) near
 * LOW, the sum of the low watermarks: it holds what is above, gives back
 * when the workers push the region towards min, and twice a second dips
 * below LOW so that an allocation wakes kswapd.
 *
 * Expected failures (ENOMEM, ENOSPC, EBUSY, EAGAIN, SIGBUS of a fault
 * under pressure) are counted; any other error, a corrupted byte or a
 * worker that does not finish fails the run. The counts are printed as
 * "# count KIND N" lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmlab_fault/mmlab_uapi.h"

enum {
	C_PAGES_ALLOC, C_PAGES_FREE, C_OBJ_ALLOC, C_OBJ_FREE, C_KMALLOC,
	C_VMALLOC, C_VFREE, C_CMA_ALLOC, C_CMA_RELEASE, C_COMPACT, C_MMAP,
	C_MUNMAP, C_FORK, C_COW_COPY, C_PAGES_CHECKED, C_EXPECTED_FAIL,
	C_SIGBUS, C_UNEXPECTED, C_CORRUPT, C_HOLD_MAX, C_DIPS, C_ROUNDS,
	C_RAN_TO_END, C_NR
};

static const char * const cname[C_NR] = {
	"pages_alloc", "pages_free", "obj_alloc", "obj_free", "kmalloc",
	"vmalloc", "vfree", "cma_alloc", "cma_release", "compact", "mmap",
	"munmap", "fork", "cow_pages_written", "pages_checked",
	"expected_failures", "sigbus", "unexpected_errors", "corrupted_bytes",
	"holder_max_pages", "kswapd_dips", "worker_rounds",
	"processes_to_the_end"
};

#define MAX_BLOCKS	64
#define MAX_OBJS	256
#define MAX_VM		8
#define MAX_CMA		4
#define MAX_MAPS	4
#define MAP_PAGES	32

struct map {
	char *p;
	size_t n;
	int shared;
	uint64_t seed;
};

static long *cnt;		/* shared: C_NR counters per process */
static int devfd;
static size_t psz;
static time_t deadline;
static const char *area;
static unsigned int max_order;
static sigjmp_buf bus_jmp;
static int bus_armed;		/* set around accesses that may fault */

static int results, results_failed;	/* TAP cases printed, failed */

/* One TAP case of the end of the run. */
static void result(int pass, const char *fmt, ...)
{
	va_list ap;

	results_failed += !pass;
	printf("%sok %d - ", pass ? "" : "not ", ++results);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void add(int c, long v)
{
	__atomic_add_fetch(&cnt[c], v, __ATOMIC_RELAXED);
}

static void arm(int on)
{
	__atomic_store_n(&bus_armed, on, __ATOMIC_SEQ_CST);
}

static void on_sigbus(int sig)
{
	if (__atomic_load_n(&bus_armed, __ATOMIC_SEQ_CST))
		siglongjmp(bus_jmp, 1);
	_exit(4);
}

/* Count an ioctl failure: expected under pressure, or not. */
static void failed(const char *what)
{
	int e = errno;

	if (e == ENOMEM || e == ENOSPC || e == EBUSY || e == EAGAIN ||
	    e == EINTR) {
		add(C_EXPECTED_FAIL, 1);
		return;
	}
	add(C_UNEXPECTED, 1);
	printf("# %d: %s: %s\n", getpid(), what, strerror(e));
	fflush(stdout);
}

static uint64_t word(uint64_t seed, size_t page, size_t i)
{
	uint64_t x = seed ^ (page << 20) ^ i ^ 0x9e3779b97f4a7c15ULL;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	return x ^ (x >> 29);
}

static void fill(char *p, uint64_t seed, size_t page)
{
	uint64_t *w = (uint64_t *)(p + page * psz);
	size_t i;

	for (i = 0; i < psz / 8; i++)
		w[i] = word(seed, page, i);
}

static long check(const char *p, uint64_t seed, size_t page)
{
	const uint64_t *w = (const uint64_t *)(p + page * psz);
	long bad = 0;
	size_t i;
	int b;

	for (i = 0; i < psz / 8; i++) {
		uint64_t d = w[i] ^ word(seed, page, i);

		for (b = 0; d && b < 8; b++)
			bad += !!((d >> (b * 8)) & 0xff);
	}
	return bad;
}

/* Check every page of @m against @seed; -1 if a fault raised SIGBUS. */
static long check_map(struct map *m, uint64_t seed)
{
	long bad = 0;
	size_t i;

	arm(1);
	if (sigsetjmp(bus_jmp, 1)) {
		arm(0);
		add(C_SIGBUS, 1);
		return -1;
	}
	for (i = 0; i < m->n; i++)
		bad += check(m->p, seed, i);
	arm(0);
	add(C_PAGES_CHECKED, m->n);
	return bad;
}

static long ms_rand(long n)
{
	return n > 0 ? random() % n : 0;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* --- The holder -------------------------------------------------------------- */

static long region_free(void)
{
	struct mmlab_ioc_info info;
	long f = 0;
	unsigned int i;

	memset(&info, 0, sizeof(info));
	if (ioctl(devfd, MMLAB_IOC_INFO, &info))
		return -1;
	for (i = 0; i < info.nr_regions && i < MMLAB_UAPI_MAX_REGIONS; i++)
		f += info.regions[i].free_pages;
	return f;
}

#define HOLD_MAX	262144

static __u64 *hold;
static long nhold;

/* Hold @n more order-0 pages: unmovable first, then movable. */
static void hold_more(long n)
{
	static struct mmlab_ioc_block blk[4096];
	unsigned int flags = MMLAB_ALLOC_NOWARN;
	struct mmlab_ioc_alloc a;
	unsigned int i;

	while (n > 0 && nhold < HOLD_MAX) {
		memset(&a, 0, sizeof(a));
		a.nid = MMLAB_NID_ANY;
		a.flags = flags;
		a.count = n < 4096 ? n : 4096;
		if (a.count > HOLD_MAX - nhold)
			a.count = HOLD_MAX - nhold;
		a.blocks = (uintptr_t)blk;
		if (ioctl(devfd, MMLAB_IOC_ALLOC_PAGES, &a)) {
			if (errno != ENOMEM && errno != EINTR) {
				failed("ALLOC_PAGES");
				return;
			}
			if (flags & MMLAB_ALLOC_MOVABLE)
				return;
			flags |= MMLAB_ALLOC_MOVABLE;
			continue;
		}
		for (i = 0; i < a.nr_done; i++)
			hold[nhold++] = blk[i].handle;
		n -= a.nr_done;
	}
}

static void hold_less(long n)
{
	struct mmlab_ioc_free f;

	while (n > 0 && nhold > 0) {
		memset(&f, 0, sizeof(f));
		f.count = n < 4096 ? n : 4096;
		if (f.count > nhold)
			f.count = nhold;
		f.handles = (uintptr_t)&hold[nhold - f.count];
		if (ioctl(devfd, MMLAB_IOC_FREE_PAGES, &f)) {
			failed("FREE_PAGES");
			return;
		}
		nhold -= f.count;
		n -= f.count;
	}
}

static void holder(long low, long margin)
{
	long target = low + margin, free_now;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long long next_dip = 0;

	hold = calloc(HOLD_MAX, sizeof(*hold));
	if (!hold)
		_exit(2);
	while (time(NULL) < deadline) {
		free_now = region_free();
		if (free_now < 0) {
			failed("INFO");
			break;
		}
		if (free_now > target + 16)
			hold_more(free_now - target);
		else if (free_now < target - margin / 2)
			hold_less(target - free_now);
		if (now_ms() >= next_dip) {
			next_dip = now_ms() + 500;
			/* Below low, then one more allocation: kswapd wakes. */
			free_now = region_free();
			if (free_now > low - 8)
				hold_more(free_now - low + 8);
			hold_more(4);
			add(C_DIPS, 1);
			nanosleep(&ts, NULL);
			hold_less(margin / 2);
		}
		if (nhold > cnt[C_HOLD_MAX])
			cnt[C_HOLD_MAX] = nhold;
		nanosleep(&ts, NULL);
	}
	if (time(NULL) >= deadline)
		add(C_RAN_TO_END, 1);
	_exit(0);
}

/* --- The workers ------------------------------------------------------------- */

struct worker {
	__u64 blocks[MAX_BLOCKS];
	int nblocks;
	__u64 cache;
	__u64 objs[MAX_OBJS];
	int nobjs;
	__u64 kobjs[MAX_OBJS];
	int nkobjs;
	__u64 vm[MAX_VM];
	int nvm;
	__u64 cma[MAX_CMA];
	int ncma;
	struct map maps[MAX_MAPS];
	int nmaps;
};

static void op_pages(struct worker *w)
{
	struct mmlab_ioc_block blk[8];
	struct mmlab_ioc_alloc a;
	struct mmlab_ioc_free f;
	int i, n;

	if (w->nblocks > MAX_BLOCKS - 8 || (w->nblocks && random() & 1)) {
		n = 1 + ms_rand(w->nblocks);
		memset(&f, 0, sizeof(f));
		f.handles = (uintptr_t)&w->blocks[w->nblocks - n];
		f.count = n;
		if (ioctl(devfd, MMLAB_IOC_FREE_PAGES, &f))
			failed("FREE_PAGES");
		else
			w->nblocks -= n;
		add(C_PAGES_FREE, 1);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.nid = MMLAB_NID_ANY;
	a.order = ms_rand(max_order < 3 ? max_order : 3);
	a.flags = MMLAB_ALLOC_NOWARN | (random() & 1 ? MMLAB_ALLOC_MOVABLE : 0) |
		  (random() & 1 ? MMLAB_ALLOC_ZERO : 0);
	a.count = 1 + ms_rand(8);
	a.blocks = (uintptr_t)blk;
	add(C_PAGES_ALLOC, 1);
	if (ioctl(devfd, MMLAB_IOC_ALLOC_PAGES, &a)) {
		failed("ALLOC_PAGES");
		return;
	}
	for (i = 0; i < (int)a.nr_done; i++)
		w->blocks[w->nblocks++] = blk[i].handle;
}

static void free_objs(__u64 *objs, int *nobjs, int n)
{
	struct mmlab_ioc_obj_free f;

	memset(&f, 0, sizeof(f));
	f.handles = (uintptr_t)&objs[*nobjs - n];
	f.count = n;
	add(C_OBJ_FREE, 1);
	if (ioctl(devfd, MMLAB_IOC_OBJ_FREE, &f))
		failed("OBJ_FREE");
	else
		*nobjs -= n;
}

static void op_objs(struct worker *w, int kmalloc)
{
	__u64 *objs = kmalloc ? w->kobjs : w->objs;
	int *nobjs = kmalloc ? &w->nkobjs : &w->nobjs;
	struct mmlab_ioc_obj_alloc a;

	if (*nobjs > MAX_OBJS - 32 || (*nobjs && random() & 1)) {
		free_objs(objs, nobjs, 1 + ms_rand(*nobjs));
		return;
	}
	memset(&a, 0, sizeof(a));
	if (kmalloc)
		a.size = 1 + ms_rand(random() & 1 ? 256 : 8192);
	else
		a.cache = w->cache;
	a.count = 1 + ms_rand(32);
	a.handles = (uintptr_t)&objs[*nobjs];
	add(kmalloc ? C_KMALLOC : C_OBJ_ALLOC, 1);
	if (ioctl(devfd, kmalloc ? MMLAB_IOC_KMALLOC : MMLAB_IOC_OBJ_ALLOC, &a)) {
		failed(kmalloc ? "KMALLOC" : "OBJ_ALLOC");
		return;
	}
	*nobjs += a.nr_done;
}

static int release(unsigned long cmd, __u64 h, const char *what)
{
	struct mmlab_ioc_handle x;

	memset(&x, 0, sizeof(x));
	x.handle = h;
	if (ioctl(devfd, cmd, &x)) {
		failed(what);
		return -1;
	}
	return 0;
}

static void op_vmalloc(struct worker *w)
{
	struct mmlab_ioc_vmalloc v;

	if (w->nvm == MAX_VM || (w->nvm && random() & 1)) {
		add(C_VFREE, 1);
		if (!release(MMLAB_IOC_VFREE, w->vm[w->nvm - 1], "VFREE"))
			w->nvm--;
		return;
	}
	memset(&v, 0, sizeof(v));
	v.size = 1 + ms_rand(16 * psz);
	add(C_VMALLOC, 1);
	if (ioctl(devfd, MMLAB_IOC_VMALLOC, &v)) {
		failed("VMALLOC");
		return;
	}
	w->vm[w->nvm++] = v.handle;
}

static void op_cma(struct worker *w)
{
	struct mmlab_ioc_cma_alloc c;

	if (!strcmp(area, "-"))
		return;
	if (w->ncma == MAX_CMA || (w->ncma && random() & 1)) {
		add(C_CMA_RELEASE, 1);
		if (!release(MMLAB_IOC_CMA_RELEASE, w->cma[w->ncma - 1],
			     "CMA_RELEASE"))
			w->ncma--;
		return;
	}
	memset(&c, 0, sizeof(c));
	strncpy(c.name, area, sizeof(c.name) - 1);
	c.count = 1 + ms_rand(64);
	c.align = ms_rand(4);
	add(C_CMA_ALLOC, 1);
	if (ioctl(devfd, MMLAB_IOC_CMA_ALLOC, &c)) {
		failed("CMA_ALLOC");
		return;
	}
	w->cma[w->ncma++] = c.handle;
}

static void op_compact(void)
{
	struct mmlab_ioc_compact c;

	memset(&c, 0, sizeof(c));
	c.nid = MMLAB_NID_ANY;
	c.order = ms_rand(max_order);
	add(C_COMPACT, 1);
	if (ioctl(devfd, MMLAB_IOC_COMPACT, &c))
		failed("COMPACT");
}

static void unmap(struct worker *w, int i)
{
	munmap(w->maps[i].p, w->maps[i].n * psz);
	w->maps[i] = w->maps[--w->nmaps];
	add(C_MUNMAP, 1);
}

static void op_mmap(struct worker *w)
{
	struct map *m;
	long bad;
	size_t i;
	int k;

	if (w->nmaps == MAX_MAPS || (w->nmaps && random() & 1)) {
		k = ms_rand(w->nmaps);
		bad = check_map(&w->maps[k], w->maps[k].seed);
		if (bad > 0)
			add(C_CORRUPT, bad);
		unmap(w, k);
		return;
	}
	m = &w->maps[w->nmaps];
	m->n = 1 + ms_rand(MAP_PAGES);
	m->shared = random() & 1;
	m->seed = ((uint64_t)random() << 32) | random();
	m->p = mmap(NULL, m->n * psz, PROT_READ | PROT_WRITE,
		    m->shared ? MAP_SHARED : MAP_PRIVATE, devfd, 0);
	add(C_MMAP, 1);
	if (m->p == MAP_FAILED) {
		failed("mmap");
		return;
	}
	w->nmaps++;
	arm(1);
	if (sigsetjmp(bus_jmp, 1)) {
		arm(0);
		add(C_SIGBUS, 1);
		unmap(w, w->nmaps - 1);
		return;
	}
	for (i = 0; i < m->n; i++)
		fill(m->p, m->seed, i);
	arm(0);
}

/* Globals, not locals: they keep their values across siglongjmp(). */
static long child_bad;
static int child_k;

/* The child: check everything, write its own pattern on private maps. */
static void fork_child(struct worker *w)
{
	long r;

	for (child_k = 0; child_k < w->nmaps; child_k++) {
		struct map *m = &w->maps[child_k];

		r = check_map(m, m->seed);
		if (r < 0)
			continue;
		child_bad += r;
		if (m->shared)
			continue;
		arm(1);
		if (sigsetjmp(bus_jmp, 1)) {
			arm(0);
			add(C_SIGBUS, 1);
			continue;
		}
		fill(m->p, ~m->seed, 0);
		arm(0);
		add(C_COW_COPY, 1);
		r = check(m->p, ~m->seed, 0);
		child_bad += r;
	}
	if (child_bad)
		add(C_CORRUPT, child_bad);
	_exit(0);
}

static void op_fork(struct worker *w)
{
	long bad = 0, r;
	pid_t pid;
	int k, st;

	add(C_FORK, 1);
	pid = fork();
	if (pid < 0) {
		failed("fork");
		return;
	}
	if (!pid)
		fork_child(w);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		add(C_UNEXPECTED, 1);
		printf("# %d: fork child status %#x\n", getpid(), st);
		fflush(stdout);
	}
	for (k = 0; k < w->nmaps; k++) {
		r = check_map(&w->maps[k], w->maps[k].seed);
		if (r > 0)
			bad += r;
	}
	if (bad)
		add(C_CORRUPT, bad);
}

static void worker(int id)
{
	struct mmlab_ioc_cache_create cc;
	struct worker *w = calloc(1, sizeof(*w));
	int r, k;

	srandom(random() + id * 7919);
	if (!w)
		_exit(2);
	memset(&cc, 0, sizeof(cc));
	snprintf(cc.name, sizeof(cc.name), "stress-%d", id);
	cc.size = 8 + ms_rand(2048);
	cc.flags = ms_rand(MMLAB_CACHE_FLAGS + 1);
	if (ioctl(devfd, MMLAB_IOC_CACHE_CREATE, &cc))
		failed("CACHE_CREATE");	/* injected: no cache objects */
	else
		w->cache = cc.handle;
	while (time(NULL) < deadline) {
		r = ms_rand(100);
		if (r < 20)
			op_pages(w);
		else if (r < 35 && w->cache)
			op_objs(w, 0);
		else if (r < 50)
			op_objs(w, 1);
		else if (r < 60)
			op_vmalloc(w);
		else if (r < 68)
			op_cma(w);
		else if (r < 70)
			op_compact();
		else if (r < 95)
			op_mmap(w);
		else
			op_fork(w);
		add(C_ROUNDS, 1);
	}
	add(C_RAN_TO_END, 1);
	/* Give back half by hand, leave the rest to the last close. */
	while (w->nmaps)
		op_mmap(w);
	if (w->nobjs)
		free_objs(w->objs, &w->nobjs, w->nobjs);
	if (id & 1)
		_exit(0);
	if (w->nkobjs)
		free_objs(w->kobjs, &w->nkobjs, w->nkobjs);
	for (k = 0; k < w->ncma; k++)
		release(MMLAB_IOC_CMA_RELEASE, w->cma[k], "CMA_RELEASE");
	for (k = 0; k < w->nvm; k++)
		release(MMLAB_IOC_VFREE, w->vm[k], "VFREE");
	if (w->cache)
		release(MMLAB_IOC_CACHE_DESTROY, w->cache, "CACHE_DESTROY");
	_exit(0);
}

static pid_t spawn(void (*fn)(int), int id)
{
	pid_t pid = fork();

	if (!pid) {
		close(devfd);
		devfd = open(MMLAB_DEV_PATH, O_RDWR);
		if (devfd < 0) {
			perror(MMLAB_DEV_PATH);
			_exit(2);
		}
		fn(id);
	}
	return pid;
}

static long low_wmark, hold_margin;

static void run_holder(int id)
{
	holder(low_wmark, hold_margin);
}

int main(int argc, char **argv)
{
	struct mmlab_ioc_info info;
	struct sigaction sa;
	pid_t pids[65];
	int nproc, i, st, bad_exit = 0;
	unsigned long seed;
	long secs;

	if (argc < 5) {
		fprintf(stderr, "usage: stress SECONDS NPROC AREA LOW [SEED]\n");
		return 2;
	}
	secs = atol(argv[1]);
	nproc = atoi(argv[2]);
	area = argv[3];
	low_wmark = atol(argv[4]);
	seed = argc > 5 ? strtoul(argv[5], NULL, 0) : (unsigned long)time(NULL);
	if (nproc < 1 || nproc > 64 || secs < 1)
		return 2;
	printf("1..6\n# seed %lu\n", seed);
	srandom(seed);
	psz = sysconf(_SC_PAGESIZE);
	devfd = open(MMLAB_DEV_PATH, O_RDWR);
	if (devfd < 0) {
		perror(MMLAB_DEV_PATH);
		return 2;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(devfd, MMLAB_IOC_INFO, &info)) {
		perror("MMLAB_IOC_INFO");
		return 2;
	}
	max_order = info.max_order;
	cnt = mmap(NULL, sizeof(long) * C_NR, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cnt == MAP_FAILED)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	hold_margin = 160 * nproc;
	deadline = time(NULL) + secs;
	fflush(stdout);
	pids[0] = spawn(run_holder, 0);
	for (i = 1; i <= nproc; i++)
		pids[i] = spawn(worker, i);
	for (i = 0; i <= nproc; i++) {
		if (pids[i] < 0 || waitpid(pids[i], &st, 0) != pids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st)) {
			bad_exit++;
			printf("# process %d ended with status %#x\n", i, st);
		}
	}
	for (i = 0; i < C_NR; i++)
		printf("# count %s %ld\n", cname[i], cnt[i]);
	result(cnt[C_RAN_TO_END] == nproc + 1 && cnt[C_ROUNDS] >= nproc,
	       "stress ran %ld s: %d workers and a holder to the end (%ld did), %ld worker rounds",
	       secs, nproc, cnt[C_RAN_TO_END], cnt[C_ROUNDS]);
	result(!bad_exit, "every process finished cleanly");
	result(!cnt[C_UNEXPECTED], "no unexpected error (%ld)", cnt[C_UNEXPECTED]);
	result(!cnt[C_CORRUPT], "0 corrupted bytes in %ld pages checked (%ld)",
	       cnt[C_PAGES_CHECKED], cnt[C_CORRUPT]);
	result(cnt[C_PAGES_ALLOC] && cnt[C_OBJ_ALLOC] && cnt[C_KMALLOC] &&
	       cnt[C_VMALLOC] && cnt[C_COMPACT] && cnt[C_MMAP] && cnt[C_FORK] &&
	       (cnt[C_CMA_ALLOC] || !strcmp(area, "-")),
	       "every kind of operation ran");
	result(cnt[C_HOLD_MAX] > 0, "the holder held pages (max %ld)", cnt[C_HOLD_MAX]);
	return results_failed ? 1 : 0;
}
