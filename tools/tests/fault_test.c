// SPDX-License-Identifier: GPL-2.0
/*
 * fault_test: mmap of /dev/mmlab behaves as anonymous memory backed by the
 * region. TAP. Run as root in the guest, with MMLAB_REGION_BASE and
 * MMLAB_REGION_SIZE (hex bytes) in the environment.
 *
 * The fault kinds counted in /sys/kernel/debug/mmlab/fault/stats:
 * zero (read of an untouched private page), new (a zeroed page mapped),
 * cow_copy, cow_reuse, map (a page the object holds mapped again, e.g.
 * after a migration unmapped it).
 */
#include <setjmp.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testlib.h"

#define STATS "/sys/kernel/debug/mmlab/fault/stats"
#define OOM_POLICY "/sys/kernel/debug/mmlab/fault/oom_policy"
#define OOM_SMALL_PIECES 256
#define STR(x) STR_(x)
#define STR_(x) #x
/* Read a byte the compiler cannot drop. */
#define READ(x) ({ char __c = (x); asm volatile("" : : "r"(__c)); __c; })

/*
 * The cases main() reports: zero page 5, write faults 5, read then write 2,
 * fork cow 2 x 3, reuse 3, grandchildren 3 x 2, partial munmap 5, madvise
 * and mremap 7, mprotect 4, exec 2, shared 4, debugger access 8, bad
 * offset 1, unload 1, exhaustion 3, oom kill 2, rss and leaks 2.
 */
#define NR_CASES 69

enum { ZERO, NEW, COPY, REUSE, MAP, RSS, NR_STATS };
static const char *const stat_names[NR_STATS] = {
	"zero", "new", "cow_copy", "cow_reuse", "map", "rss"
};

struct stats {
	long v[NR_STATS];
};

static uint64_t region_lo, region_hi;	/* pfns */

static void read_stats(struct stats *s)
{
	char name[32];
	long val;
	FILE *f = fopen(STATS, "r");
	int i;

	memset(s, 0, sizeof(*s));
	if (!f)
		return;
	while (fscanf(f, "%31s %ld", name, &val) == 2)
		for (i = 0; i < NR_STATS; i++)
			if (!strcmp(name, stat_names[i]))
				s->v[i] = val;
	fclose(f);
}

/* Is @now - @before what @want says, for every counter? (-1: any) */
static int stats_delta(const struct stats *before, const long *want)
{
	struct stats now;
	int i, ok = 1;

	read_stats(&now);
	for (i = 0; i < NR_STATS; i++) {
		long d = now.v[i] - before->v[i];

		if (want[i] != -1 && d != want[i]) {
			printf("# %s: delta %ld, want %ld\n", stat_names[i], d,
			       want[i]);
			ok = 0;
		}
	}
	return ok;
}

/*
 * The pfn mapped at @addr: /proc/self/pagemap first (PFN bits 0-54, as
 * root), MMLAB_IOC_PAGE_INFO's reading of the pte if pagemap shows none
 * (anon_kernel checks that the two agree).
 */
static uint64_t pfn_of(void *addr)
{
	uint64_t pfn = pagemap_pfn(addr);

	return pfn ? pfn : dev_pfn(addr);
}

static int in_region(uint64_t pfn)
{
	return pfn >= region_lo && pfn < region_hi;
}

static char sink;

static void touch_read(char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sink += READ(p[i * psz]);
}

static void touch_write(char *p, size_t n, char v)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i * psz] = v;
}

static int all_zero(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* --- tests ---------------------------------------------------------------- */

static void test_zero_page(void)
{
	const size_t n = 16;
	long fp = drained_free_pages();
	struct stats s;
	uint64_t pfn0;
	int same = 1;
	size_t i;
	char *p;

	read_stats(&s);
	p = dev_map(n, MAP_PRIVATE);
	touch_read(p, n);
	pfn0 = pfn_of(p);
	for (i = 1; i < n; i++)
		same &= pfn_of(p + i * psz) == pfn0;
	tap(same && pfn0, "zero page: %zu read faults share one pfn %#llx",
	    n, (unsigned long long)pfn0);
	tap(in_region(pfn0), "zero page: its pfn is in the region");
	printf("# pagemap shows pfn %#llx\n", (unsigned long long)pagemap_pfn(p));
	tap(all_zero(p, n * psz), "zero page: reads as zeroes");
	tap(stats_delta(&s, (long[]){ n, 0, 0, 0, 0, 0 }),
	    "zero page: counted as %zu zero faults, rss unchanged", n);
	tap(drained_free_pages() == fp, "zero page: region free pages unchanged");
	munmap(p, n * psz);
}

static void test_write_faults(void)
{
	const size_t n = 8;
	long fp = drained_free_pages();
	struct stats s;
	int ok = 1, distinct = 1;
	size_t i, j;
	char *p;

	read_stats(&s);
	p = dev_map(n, MAP_PRIVATE);
	for (i = 0; i < n; i++) {
		p[i * psz] = 1;
		ok &= all_zero(p + i * psz + 1, psz - 1);
	}
	tap(ok, "write faults: new pages are zeroed");
	ok = 1;
	for (i = 0; i < n; i++) {
		ok &= in_region(pfn_of(p + i * psz));
		for (j = 0; j < i; j++)
			distinct &= pfn_of(p + i * psz) != pfn_of(p + j * psz);
	}
	tap(ok && distinct, "write faults: %zu distinct pfns in the region", n);
	tap(stats_delta(&s, (long[]){ 0, n, 0, 0, 0, n }),
	    "write faults: %zu new faults, rss +%zu", n, n);
	tap(drained_free_pages() == fp - (long)n, "write faults: region lost %zu pages",
	    n);
	munmap(p, n * psz);
	tap(drained_free_pages() == fp, "write faults: munmap gives them back");
}

static void test_read_then_write(void)
{
	struct stats s;
	uint64_t z, w;
	char *p;

	p = dev_map(1, MAP_PRIVATE);
	read_stats(&s);
	sink += READ(p[100]);
	z = pfn_of(p);
	p[100] = 7;
	w = pfn_of(p);
	tap(z != w && in_region(w) && p[100] == 7 && !p[0],
	    "read then write: the zero page is replaced by a new page");
	tap(stats_delta(&s, (long[]){ 1, 1, 0, 0, 0, 1 }),
	    "read then write: one zero fault, one new fault");
	munmap(p, psz);
}

/* Fork COW: @child_first says who writes first. */
static void test_fork_cow(int child_first)
{
	const size_t n = 4;
	int to_child[2], to_parent[2];
	uint64_t before[4];
	struct stats s;
	char c = 0, *p;
	int ok = 1, rc;
	size_t i;
	pid_t pid;
	const char *who = child_first ? "child writes first" :
					"parent writes first";

	p = dev_map(n, MAP_PRIVATE);
	for (i = 0; i < n; i++) {
		memset(p + i * psz, 'a' + i, psz);
		before[i] = pfn_of(p + i * psz);
	}
	if (pipe(to_child) || pipe(to_parent))
		exit(2);
	read_stats(&s);
	pid = fork();
	if (!pid) {
		int bad = 0;

		for (i = 0; i < n; i++) {
			bad |= p[i * psz] != (char)('a' + i);
			bad |= pfn_of(p + i * psz) != before[i];
		}
		if (!child_first && read(to_child[0], &c, 1) != 1)
			_exit(3);
		for (i = 0; i < n; i++)
			p[i * psz + 1] = 'C';
		for (i = 0; i < n; i++) {
			bad |= !in_region(pfn_of(p + i * psz));
			bad |= p[i * psz] != (char)('a' + i);
			bad |= child_first ?
			       pfn_of(p + i * psz) == before[i] :
			       pfn_of(p + i * psz) != before[i];
		}
		if (write(to_parent[1], "x", 1) != 1)
			_exit(3);
		if (read(to_child[0], &c, 1) != 1)
			_exit(3);
		for (i = 0; i < n; i++)
			bad |= p[i * psz + 1] != 'C' || p[i * psz + 2] != 'a' + (char)i;
		_exit(bad ? 1 : 0);
	}
	if (!child_first) {
		for (i = 0; i < n; i++)
			p[i * psz + 2] = 'P';
		for (i = 0; i < n; i++)
			ok &= pfn_of(p + i * psz) != before[i] &&
			      in_region(pfn_of(p + i * psz));
		if (write(to_child[1], "x", 1) != 1)
			exit(2);
		if (read(to_parent[0], &c, 1) != 1)
			exit(2);
	} else {
		if (read(to_parent[0], &c, 1) != 1)
			exit(2);
		for (i = 0; i < n; i++)
			p[i * psz + 2] = 'P';
		for (i = 0; i < n; i++)
			ok &= pfn_of(p + i * psz) == before[i];
	}
	for (i = 0; i < n; i++)
		ok &= p[i * psz + 1] == (char)('a' + i) && p[i * psz + 2] == 'P';
	if (child_first) {
		/* The child's writes to offset 2 would show here: none. */
		if (write(to_child[1], "x", 1) != 1)
			exit(2);
	} else {
		if (write(to_child[1], "x", 1) != 1)
			exit(2);
	}
	rc = wait_child(pid);
	tap(rc == 0, "fork cow (%s): the child sees the data as of fork, then its own", who);
	tap(ok, "fork cow (%s): the parent never sees the child's writes", who);
	/*
	 * First writer copies, second reuses, as copy_present_pte() and
	 * do_wp_page() have it: fork write-protected the ptes of both and
	 * nothing else faults. The copies of the child went with its exit:
	 * rss as before.
	 */
	tap(stats_delta(&s, (long[]){ 0, 0, n, n, 0, 0 }),
	    "fork cow (%s): %zu copies, %zu reuses, no other fault", who, n, n);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	munmap(p, n * psz);
}

static void test_reuse_after_child_exit(void)
{
	struct stats s;
	uint64_t pfn;
	pid_t pid;
	char *p;

	p = dev_map(1, MAP_PRIVATE);
	p[0] = 5;
	pfn = pfn_of(p);
	pid = fork();
	if (!pid)
		_exit(p[0] == 5 ? 0 : 1);
	tap(wait_child(pid) == 0, "reuse: child read the page and exited");
	read_stats(&s);
	p[1] = 6;
	tap(pfn_of(p) == pfn && p[0] == 5,
	    "reuse: sole owner again, the write reuses the page");
	tap(stats_delta(&s, (long[]){ 0, 0, 0, 1, 0, 0 }),
	    "reuse: one cow_reuse fault");
	munmap(p, psz);
}

/*
 * Parent, child, grandchild; @order says who exits first: 0 grandchild
 * first, 1 child first (the grandchild outlives it), 2 parent's mapping
 * goes first.
 */
static void test_grandchildren(int order)
{
	const size_t n = 3;
	long fp = drained_free_pages();
	int ok = 1, rc;
	size_t i;
	pid_t pid;
	char *p;

	p = dev_map(n, MAP_PRIVATE);
	touch_write(p, n, 'p');
	pid = fork();
	if (!pid) {
		pid_t g;
		int bad = 0;

		p[psz] = 'c';
		g = fork();
		if (!g) {
			if (order == 1)
				usleep(50000);	/* the child exits first */
			bad |= p[0] != 'p' || p[psz] != 'c' || p[2 * psz] != 'p';
			p[2 * psz] = 'g';
			bad |= !in_region(pfn_of(p + 2 * psz));
			usleep(20000);
			bad |= p[0] != 'p' || p[psz] != 'c' || p[2 * psz] != 'g';
			_exit(bad);
		}
		if (order == 1)
			_exit(0);
		p[0] = 'C';
		rc = wait_child(g);
		bad |= rc != 0 || p[2 * psz] != 'p' || p[0] != 'C';
		_exit(bad);
	}
	if (order == 2) {
		munmap(p, n * psz);
		p = NULL;
	} else {
		for (i = 0; i < n; i++)
			p[i * psz + 1] = 'P';
	}
	rc = wait_child(pid);
	if (p)
		for (i = 0; i < n; i++)
			ok &= p[i * psz] == 'p';
	tap(rc == 0 && ok,
	    "grandchildren (exit order %d): each sees its own writes only",
	    order);
	if (order == 1)
		usleep(150000);	/* the orphaned grandchild */
	if (p)
		munmap(p, n * psz);
	tap(drained_free_pages() == fp, "grandchildren (exit order %d): no page left",
	    order);
}

static void test_partial_munmap(void)
{
	const size_t n = 8;
	long fp = drained_free_pages();
	struct stats s;
	char *p;

	p = dev_map(n, MAP_PRIVATE);
	touch_write(p, n, 'x');
	read_stats(&s);
	tap(!munmap(p + 3 * psz, 2 * psz), "partial munmap: the middle goes");
	tap(stats_delta(&s, (long[]){ 0, 0, 0, 0, 0, -2 }),
	    "partial munmap: rss -2");
	tap(drained_free_pages() == fp - (long)(n - 2),
	    "partial munmap: two pages back to the region");
	tap(p[0] == 'x' && p[2 * psz] == 'x' && p[5 * psz] == 'x' &&
	    p[7 * psz] == 'x', "partial munmap: the rest keeps its data");
	p[7 * psz + 1] = 'y';
	munmap(p, 3 * psz);
	munmap(p + 5 * psz, 3 * psz);
	tap(drained_free_pages() == fp, "partial munmap: everything back after the rest");
}

/*
 * MADV_DONTNEED frees a private mapping's pages (the next read sees the
 * zero page) and keeps a shared one's (shmem); mremap grows, moves (the
 * pages go along) and shrinks.
 */
static void test_madvise_mremap(void)
{
	uint64_t pfn1;
	long fp;
	char *p, *q;
	int r;

	p = dev_map(16, MAP_PRIVATE);
	munmap(p + 4 * psz, 12 * psz);	/* room to grow and to move to */
	touch_write(p, 4, 'm');
	pfn1 = pfn_of(p + psz);
	fp = drained_free_pages();
	r = madvise(p, psz, MADV_DONTNEED);
	tap(r == 0, "MADV_DONTNEED on a private mapping succeeds");
	tap(all_zero(p, psz) && drained_free_pages() == fp + 1,
	    "MADV_DONTNEED: the next read sees zeroes, the page is back in the region");
	tap(p[psz] == 'm' && p[3 * psz] == 'm' && pfn_of(p + psz) == pfn1,
	    "MADV_DONTNEED: the other pages keep their data");
	q = mremap(p, 4 * psz, 8 * psz, 0);
	tap(q == p && p[3 * psz] == 'm' && all_zero(p + 4 * psz, 4 * psz),
	    "mremap grows in place: old data kept, new pages read zeroes");
	p[7 * psz] = 'g';
	q = mremap(p, 2 * psz, 2 * psz, MREMAP_MAYMOVE | MREMAP_FIXED,
		   p + 12 * psz);
	tap(q == p + 12 * psz && q[psz] == 'm' && pfn_of(q + psz) == pfn1 &&
	    p[7 * psz] == 'g',
	    "mremap moves: the pages go along (same pfn, same data)");
	munmap(q, 2 * psz);
	q = mremap(p + 2 * psz, 6 * psz, 2 * psz, 0);
	tap(q == p + 2 * psz && q[psz] == 'm',
	    "mremap shrinking works");
	munmap(q, 2 * psz);

	p = dev_map(2, MAP_SHARED);
	touch_write(p, 2, 'S');
	madvise(p, 2 * psz, MADV_DONTNEED);
	tap(p[0] == 'S' && p[psz] == 'S',
	    "MADV_DONTNEED on a shared mapping keeps the data (shmem)");
	munmap(p, 2 * psz);
}

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, sig);
}

static void test_mprotect(void)
{
	struct sigaction sa = { .sa_handler = on_segv };
	uint64_t pfn;
	int sig;
	char *p;

	sigaction(SIGSEGV, &sa, NULL);
	p = dev_map(2, MAP_PRIVATE);
	p[0] = 'w';
	pfn = pfn_of(p);
	tap(!mprotect(p, 2 * psz, PROT_READ), "mprotect PROT_READ");
	sig = sigsetjmp(jb, 1);
	if (!sig)
		p[1] = 'z';
	tap(sig == SIGSEGV && p[0] == 'w' && p[1] == 0,
	    "mprotect: a write to a read-only mapping gets SIGSEGV");
	tap(!mprotect(p, 2 * psz, PROT_READ | PROT_WRITE),
	    "mprotect PROT_READ|PROT_WRITE");
	p[1] = 'v';
	tap(p[0] == 'w' && p[1] == 'v' && pfn_of(p) == pfn,
	    "mprotect: writable again, same page");
	signal(SIGSEGV, SIG_DFL);
	munmap(p, 2 * psz);
}

/* Machine code of "return @v" at @p; its length. */
static size_t put_return(void *p, uint16_t v)
{
#if defined(__x86_64__)
	unsigned char code[] = { 0xb8, v & 0xff, v >> 8, 0, 0, 0xc3 };
#elif defined(__aarch64__)
	uint32_t code[] = { 0x52800000 | (uint32_t)v << 5, 0xd65f03c0 };
#endif
	memcpy(p, code, sizeof(code));
	return sizeof(code);
}

static int call_at(void *p)
{
	int (*fn)(void) = (int (*)(void))p;

	__builtin___clear_cache((char *)p, (char *)p + 64);
	return fn();
}

/*
 * Code in a mapping: made executable by mprotect() (the pages already
 * there get their I-cache synchronised), then copied on write in a child
 * and run there while the parent runs its own. QEMU does not model the
 * I-cache, so this checks that executable /dev/mmlab memory works, not
 * that the cache maintenance is needed.
 */
static void test_exec(void)
{
	int status, rc_parent;
	char *p = dev_map(2, MAP_PRIVATE);
	pid_t pid;

	put_return(p, 0x1234);
	if (mprotect(p, 2 * psz, PROT_READ | PROT_EXEC)) {
		tap(0, "exec: mprotect PROT_EXEC: %s", strerror(errno));
		tap(0, "exec: the child runs its copied code (not tried)");
		munmap(p, 2 * psz);
		return;
	}
	tap(call_at(p) == 0x1234, "exec: code written, then PROT_EXEC, runs");
	pid = fork();
	if (!pid) {
		if (mprotect(p, 2 * psz, PROT_READ | PROT_WRITE))
			_exit(2);
		put_return(p, 0x5678);	/* a copy-on-write copy */
		if (mprotect(p, 2 * psz, PROT_READ | PROT_WRITE | PROT_EXEC))
			_exit(3);
		_exit(call_at(p) == 0x5678 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	rc_parent = call_at(p);
	tap(WIFEXITED(status) && !WEXITSTATUS(status) && rc_parent == 0x1234,
	    "exec: the child runs its copied code, the parent its own (status %#x)",
	    status);
	munmap(p, 2 * psz);
}

/*
 * @len bytes at @addr of this process through /proc/self/mem, as a
 * debugger reads and writes another's: the kernel's __access_remote_vm().
 * Bytes done, or -1 with errno.
 */
static ssize_t mem_rw(void *addr, void *rbuf, const void *wbuf, size_t len)
{
	int fd = open("/proc/self/mem", O_RDWR);
	off_t off = (off_t)(uintptr_t)addr;
	ssize_t r;

	if (fd < 0)
		return -1;
	r = wbuf ? pwrite(fd, wbuf, len, off) : pread(fd, rbuf, len, off);
	if (r < 0)
		printf("# /proc/self/mem %s at %p: %s\n",
		       wbuf ? "write" : "read", addr, strerror(errno));
	close(fd);
	return r;
}

static ssize_t mem_read(void *addr, void *buf, size_t len)
{
	return mem_rw(addr, buf, NULL, len);
}

static ssize_t mem_write(void *addr, const void *buf, size_t len)
{
	return mem_rw(addr, NULL, buf, len);
}

static int all_byte(const char *p, size_t len, char v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/* Reads: a written page as it is, an untouched one as zeroes. */
static void test_mem_read(void)
{
	char *buf = malloc(2 * psz), *p = dev_map(2, MAP_PRIVATE);
	struct stats s;
	long fp;
	ssize_t r;

	memset(p, 'r', psz);
	fp = drained_free_pages();
	read_stats(&s);
	memset(buf, 'x', 2 * psz);
	r = mem_read(p, buf, 2 * psz);
	tap(r == (ssize_t)(2 * psz) && all_byte(buf, psz, 'r'),
	    "/proc/self/mem reads a written page (read %zd)", r);
	/* get_user_pages() faults the zero page in, as for anonymous memory */
	tap(r == (ssize_t)(2 * psz) && all_zero(buf + psz, psz) &&
	    stats_delta(&s, (long[]){ 1, 0, 0, 0, 0, 0 }) &&
	    (dev_page_flags(p + psz) & MMLAB_PAGE_ZERO) &&
	    drained_free_pages() == fp,
	    "/proc/self/mem reads an untouched page as zeroes: the zero page, nothing allocated");
	munmap(p, 2 * psz);
	free(buf);
}

/* A write to an untouched page gets a page of its own, never the zero page. */
static void test_mem_write_new(void)
{
	char *p = dev_map(2, MAP_PRIVATE);
	uint64_t zero;
	ssize_t r;

	touch_read(p, 2);
	zero = pfn_of(p);
	r = mem_write(p + 10, "hello", 5);
	tap(r == 5 && !memcmp(p + 10, "hello", 5) && all_zero(p, 10) &&
	    pfn_of(p) != zero && in_region(pfn_of(p)) &&
	    pfn_of(p + psz) == zero && all_zero(p + psz, psz),
	    "/proc/self/mem writes an untouched page: a new page, the zero page stays zero");
	munmap(p, 2 * psz);
}

/*
 * ptrace: a tracee forked with the page written; PEEKDATA reads its word,
 * POKEDATA writes its copy only (the page is shared copy-on-write with the
 * tracer until then).
 */
static void test_ptrace(void)
{
	static const char before[8] = "parent", after[8] = "poked!";
	char *p = dev_map(1, MAP_PRIVATE);
	uint64_t pfn;
	long word, r;
	int peek_ok, st = 0;
	pid_t pid;

	memcpy(p, before, 8);
	pfn = pfn_of(p);
	pid = fork();
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(memcmp(p, after, 8) ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		tap(0, "ptrace PEEKDATA reads the tracee's page (no stop: %#x)", st);
		tap(0, "ptrace POKEDATA writes the tracee's copy only (not tried)");
		munmap(p, psz);
		return;
	}
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, p, NULL);
	peek_ok = !errno && !memcmp(&word, before, 8);
	tap(peek_ok, "ptrace PEEKDATA reads the tracee's page (%s)",
	    strerror(errno));
	memcpy(&word, after, 8);
	r = ptrace(PTRACE_POKEDATA, pid, p, (void *)word);
	if (r)
		printf("# POKEDATA: %s\n", strerror(errno));
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	st = wait_child(pid);
	tap(!r && st == 0 && !memcmp(p, before, 8) && pfn_of(p) == pfn,
	    "ptrace POKEDATA writes the tracee's copy only (tracee %d)", st);
	munmap(p, psz);
}

/*
 * As get_user_pages() with FOLL_FORCE: a read-only private mapping is
 * written (a breakpoint), a read-only shared one is not. Into a page never
 * touched the write puts a new page (->access), which the process's next
 * read faults in; into one shared with a child since fork, a copy.
 */
static void test_mem_write_readonly(void)
{
	char *p = dev_map(3, MAP_PRIVATE), *q = dev_map(1, MAP_SHARED);
	ssize_t rp, rq, rh, rc;
	int pipefd[2], st = -1;
	char c = 0;
	pid_t pid;

	p[0] = 'x';
	p[2 * psz] = 'f';
	q[0] = 's';
	if (pipe(pipefd))
		exit(2);
	pid = fork();
	if (!pid) {
		/* Hold the third page until the parent has written it. */
		if (read(pipefd[0], &c, 1) != 1)
			_exit(3);
		_exit(p[2 * psz] == 'f' ? 0 : 4);
	}
	mprotect(p, 3 * psz, PROT_READ);
	mprotect(q, psz, PROT_READ);
	rp = mem_write(p, "y", 1);
	rq = mem_write(q, "w", 1);
	tap(rp == 1 && p[0] == 'y' && rq == -1 && q[0] == 's',
	    "/proc/self/mem writes a read-only private mapping, not a read-only shared one");
	rh = mem_write(p + psz, "h", 1);
	rc = mem_write(p + 2 * psz, "c", 1);
	if (write(pipefd[1], "g", 1) != 1)
		exit(2);
	waitpid(pid, &st, 0);
	tap(rh == 1 && p[psz] == 'h' && rc == 1 && p[2 * psz] == 'c' &&
	    WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "/proc/self/mem writes a read-only hole and a page shared since fork: the process reads them, the child keeps its page (%d)",
	    st);
	close(pipefd[0]);
	close(pipefd[1]);
	munmap(p, 3 * psz);
	munmap(q, psz);
}

/* A debugger's write into code: the new code runs. */
static void test_mem_write_exec(void)
{
	char *p = dev_map(1, MAP_PRIVATE), code[16];
	size_t n;
	int before;

	put_return(p, 0x1111);
	if (mprotect(p, psz, PROT_READ | PROT_EXEC)) {
		tap(0, "/proc/self/mem writes code that then runs (mprotect: %s)",
		    strerror(errno));
		munmap(p, psz);
		return;
	}
	before = call_at(p);
	n = put_return(code, 0x2222);
	tap(before == 0x1111 && mem_write(p, code, n) == (ssize_t)n &&
	    call_at(p) == 0x2222,
	    "/proc/self/mem writes code into an executable mapping, which runs it");
	munmap(p, psz);
}

/* A write into a shared mapping is seen by every process that maps it. */
static void test_mem_write_shared(void)
{
	char *p = dev_map(1, MAP_SHARED), c;
	int go[2], rc;
	uint64_t pfn;
	ssize_t r;
	pid_t pid;

	p[0] = 's';
	pfn = pfn_of(p);
	if (pipe(go))
		exit(2);
	pid = fork();
	if (!pid) {
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(p[0] == 'w' ? 0 : 1);
	}
	r = mem_write(p, "w", 1);
	if (write(go[1], "x", 1) != 1)
		exit(2);
	rc = wait_child(pid);
	tap(r == 1 && rc == 0 && p[0] == 'w' && pfn_of(p) == pfn,
	    "/proc/self/mem writes a shared page in place, the child sees it");
	close(go[0]);
	close(go[1]);
	munmap(p, psz);
}

static void test_debugger_access(void)
{
	test_mem_read();
	test_mem_write_new();
	test_ptrace();
	test_mem_write_readonly();
	test_mem_write_exec();
	test_mem_write_shared();
}

static void test_shared(void)
{
	const size_t n = 4;
	long fp = drained_free_pages();
	uint64_t pfn[4];
	int ok = 1;
	size_t i;
	pid_t pid;
	char *p;

	p = dev_map(n, MAP_SHARED);
	for (i = 0; i < n; i++) {
		p[i * psz] = 's';
		pfn[i] = pfn_of(p + i * psz);
		ok &= in_region(pfn[i]);
	}
	pid = fork();
	if (!pid) {
		int bad = 0;

		for (i = 0; i < n; i++) {
			bad |= p[i * psz] != 's';
			p[i * psz] = 'k';
			bad |= pfn_of(p + i * psz) != pfn[i];
		}
		_exit(bad);
	}
	tap(wait_child(pid) == 0, "shared: the child sees and writes the same pages");
	for (i = 0; i < n; i++)
		ok &= p[i * psz] == 'k' && pfn_of(p + i * psz) == pfn[i];
	tap(ok, "shared: the parent sees the child's writes, no copy");
	munmap(p + psz, psz);
	tap(p[0] == 'k' && p[2 * psz] == 'k',
	    "shared: partial munmap keeps the rest");
	munmap(p, n * psz);
	tap(drained_free_pages() == fp, "shared: all pages back after the last unmap");
}

static void on_bus(int sig)
{
	_exit(42);
}

static void test_exhaustion(void)
{
	long fp = drained_free_pages();
	size_t n = (region_hi - region_lo) + 16, i;
	pid_t pid;
	char *p;
	int rc;

	pid = fork();
	if (!pid) {
		signal(SIGBUS, on_bus);
		p = dev_map(n, MAP_PRIVATE);
		for (i = 0; i < n; i++)
			p[i * psz] = 1;
		_exit(0);
	}
	rc = wait_child(pid);
	tap(rc == 42, "exhaustion: SIGBUS when the region cannot supply a page");
	tap(drained_free_pages() == fp, "exhaustion: every page back after the exit");
	p = dev_map(2, MAP_PRIVATE);
	p[0] = 1;
	tap(p[0] == 1 && in_region(pfn_of(p)),
	    "exhaustion: the next mapping works");
	munmap(p, 2 * psz);
}

/* @n pages of the mapping in @pieces mappings, each written with @v. */
static void hold_in_pieces(size_t n, size_t pieces, char v)
{
	size_t i, each = n / pieces;

	for (i = 0; i < pieces; i++) {
		size_t len = i == pieces - 1 ? n - i * each : each;

		touch_write(dev_map(len, MAP_PRIVATE), len, v);
	}
}

/*
 * oom_policy kill: a holds 55% of the free pages in @pieces mappings, b
 * faults in 80%. a, the biggest holder when b first runs short, must be
 * the only one killed, and b must go on. With many small mappings, a's
 * exit gives its pages back one vma at a time: soon a holds fewer pages
 * than b, and b, still short of pages, must wait for a rather than choose
 * itself. OOM_SMALL_PIECES mappings (of about 35 pages in a 64 MiB region)
 * give that many steps; a mapping per page gave no more steps that matter
 * and cost two minutes of mmap calls on a debug kernel under TCG.
 */
static void oom_kill_round(size_t pieces, const char *how)
{
	long fp = drained_free_pages();
	size_t big = fp * 55 / 100, more = fp * 80 / 100, i;
	int go[2], rc_a, rc_b;
	pid_t a, b;
	char c;

	if (!write_file(OOM_POLICY, "kill")) {
		tap(0, "oom_policy kill, %s: no %s", how, OOM_POLICY);
		tap(0, "oom_policy kill, %s: every page back", how);
		return;
	}
	if (pipe(go))
		exit(2);
	a = fork();
	if (!a) {
		hold_in_pieces(big, pieces, 'a');
		if (write(go[1], "x", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	if (read(go[0], &c, 1) != 1)
		exit(2);
	b = fork();
	if (!b) {
		touch_write(dev_map(more, MAP_PRIVATE), more, 'b');
		_exit(0);
	}
	rc_b = wait_child(b);
	rc_a = wait_child(a);
	write_file(OOM_POLICY, "sigbus");
	tap(rc_a == 128 + SIGKILL && rc_b == 0,
	    "oom_policy kill, %s: the biggest holder is killed, the faulter goes on (a %d, b %d)",
	    how, rc_a, rc_b);
	for (i = 0; i < 50 && drained_free_pages() != fp; i++)
		usleep(20000);
	tap(drained_free_pages() == fp, "oom_policy kill, %s: every page back",
	    how);
	close(go[0]);
	close(go[1]);
}

static void test_oom_kill(void)
{
	oom_kill_round(1, "one mapping");
	oom_kill_round(OOM_SMALL_PIECES, STR(OOM_SMALL_PIECES) " small mappings");
}

static void test_unload_refused(void)
{
	char *p = dev_map(1, MAP_PRIVATE);
	int r;

	p[0] = 1;
	close(devfd);	/* only the mapping holds the file now */
	r = syscall(SYS_delete_module, "mmlab_fault", O_NONBLOCK);
	tap(r == -1 && (errno == EWOULDBLOCK || errno == EBUSY),
	    "unload is refused while a mapping exists (its file is closed)");
	munmap(p, psz);
	devfd = open(MMLAB_DEV_PATH, O_RDWR);
	if (devfd < 0)
		exit(2);
}

static void test_bad_offset(void)
{
	void *q = mmap(NULL, psz, PROT_READ, MAP_PRIVATE, devfd, psz);

	tap(q == MAP_FAILED && errno == EINVAL,
	    "a non-zero offset is refused with EINVAL");
}

int main(void)
{
	const char *b = getenv("MMLAB_REGION_BASE");
	const char *s = getenv("MMLAB_REGION_SIZE");
	struct stats st0, st1;
	long fp0, fp1;
	int i, counted = 1;

	tap_plan(NR_CASES);
	if (!b || !s)
		tap_bail("MMLAB_REGION_BASE/SIZE not set");
	test_open_dev();
	region_lo = strtoull(b, NULL, 16) / psz;
	region_hi = region_lo + strtoull(s, NULL, 16) / psz;
	fp0 = drained_free_pages();
	read_stats(&st0);
	printf("# region pfns %#llx-%#llx, free pages %ld\n",
	       (unsigned long long)region_lo, (unsigned long long)region_hi,
	       fp0);

	test_zero_page();
	test_write_faults();
	test_read_then_write();
	test_fork_cow(1);
	test_fork_cow(0);
	test_reuse_after_child_exit();
	for (i = 0; i < 3; i++)
		test_grandchildren(i);
	test_partial_munmap();
	test_madvise_mremap();
	test_mprotect();
	test_exec();
	test_shared();
	test_debugger_access();
	test_bad_offset();
	test_unload_refused();
	test_exhaustion();
	test_oom_kill();

	read_stats(&st1);
	for (i = 0; i < NR_STATS; i++)
		printf("# %s %ld\n", stat_names[i], st1.v[i] - st0.v[i]);
	counted = st1.v[RSS] == st0.v[RSS];
	tap(counted, "rss back to its start value");
	fp1 = drained_free_pages();
	tap(fp1 == fp0, "nothing leaked: free pages %ld, at start %ld", fp1,
	    fp0);
	return tap_done();
}
