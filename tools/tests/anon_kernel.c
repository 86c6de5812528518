// SPDX-License-Identifier: GPL-2.0
/*
 * anon_kernel: the kernel treats /dev/mmlab memory as it treats anonymous
 * memory. TAP. Run as root in the guest, with MMLAB_REGION_BASE and
 * MMLAB_REGION_SIZE (hex bytes) in the environment.
 *
 * What the kernel's own code does with the pages: /proc/self/pagemap and
 * smaps see them (pfn in the region, Rss, dirty and referenced ptes),
 * get_user_pages() users reach them (process_vm_readv, vmsplice, a
 * process-shared futex), MAP_POPULATE prefaults, fork write-protects the
 * parent's ptes instead of dropping them, a page a pipe still holds is not
 * reused before the pipe lets go (the quarantine), a write to a page that
 * is no longer the process's alone but that a pipe holds copies it, as
 * do_wp_page() decides by the page's reference count, mprotect after
 * fork does not let a write skip the copy, and O_DIRECT reads and writes
 * the pages of a mapping (on /dev/ram0).
 */
#include <ctype.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "testlib.h"

#define NR_CASES 20
/* A RAM block device: brd, which the stock boards load at boot. */
#define TEST_BLOCK_DEV "/dev/ram0"

static uint64_t region_lo, region_hi;	/* pfns */

static int in_region(uint64_t pfn)
{
	return pfn >= region_lo && pfn < region_hi;
}

/* A "Field: N kB" line of the smaps entry that starts at @addr; -1: none. */
static long smaps_kb(void *addr, const char *field)
{
	char line[256], start[32];
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t flen = strlen(field);
	int in = 0;
	long v = -1;

	if (!f)
		return -1;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)(uintptr_t)addr);
	while (fgets(line, sizeof(line), f)) {
		/* an entry's first line starts with its lower-case hex start */
		if (isxdigit((unsigned char)line[0]) &&
		    !isupper((unsigned char)line[0]))
			in = !strncmp(line, start, strlen(start));
		if (in && !strncmp(line, field, flen) && line[flen] == ':') {
			v = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* pagemap and smaps: what /proc shows of a written private mapping. */
static void test_proc_views(void)
{
	const size_t n = 16;
	char *p = dev_map(n, MAP_PRIVATE);
	uint64_t pfn;
	size_t i;
	int ok = 1;

	for (i = 0; i < n; i++)
		p[i * psz] = 'w';
	for (i = 0; i < n; i++) {
		pfn = pagemap_pfn(p + i * psz);
		ok &= pfn == dev_pfn(p + i * psz) && in_region(pfn);
	}
	tap(ok, "pagemap: each page shows its pfn, inside the region");
	tap(smaps_kb(p, "Rss") == (long)(n * psz / 1024),
	    "smaps: Rss counts the %zu pages (%ld kB)", n, smaps_kb(p, "Rss"));
	tap(smaps_kb(p, "Private_Dirty") == (long)(n * psz / 1024) &&
	    smaps_kb(p, "Referenced") == (long)(n * psz / 1024),
	    "smaps: the write faults installed dirty, young ptes (Private_Dirty %ld kB, Referenced %ld kB)",
	    smaps_kb(p, "Private_Dirty"), smaps_kb(p, "Referenced"));
	munmap(p, n * psz);
}

/* process_vm_readv and process_vm_writev go through get_user_pages(). */
static void test_process_vm(void)
{
	char *p = dev_map(2, MAP_PRIVATE), buf[64];
	struct iovec local = { buf, sizeof(buf) }, remote = { p + 100, sizeof(buf) };
	ssize_t r;

	memset(p, 'v', 2 * psz);
	memset(buf, 0, sizeof(buf));
	r = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	tap(r == (ssize_t)sizeof(buf) && buf[0] == 'v' && buf[63] == 'v',
	    "process_vm_readv reads the mapping (%zd)", r);
	memset(buf, 'W', sizeof(buf));
	remote.iov_base = p + psz;
	r = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	tap(r == (ssize_t)sizeof(buf) && p[psz] == 'W' && p[psz + 63] == 'W' &&
	    p[psz + 64] == 'v',
	    "process_vm_writev writes the mapping (%zd)", r);
	munmap(p, 2 * psz);
}

static long futex(uint32_t *uaddr, int op, uint32_t val,
		  const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/* Is task @pid asleep in a futex wait? */
static int in_futex_wait(pid_t pid)
{
	char path[64], wchan[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(wchan, sizeof(wchan), f))
		wchan[0] = 0;
	fclose(f);
	return !strncmp(wchan, "futex_wait", 10);
}

/* A process-shared futex (a PTHREAD_PROCESS_SHARED mutex's) across fork. */
static void test_shared_futex(void)
{
	uint32_t *w = (uint32_t *)dev_map(1, MAP_SHARED);
	struct timespec ts = { 0, 1000000 };
	long woken = -1, r;
	pid_t pid;
	int i;

	*w = 0;
	r = futex(w, FUTEX_WAIT, 1, &ts);
	tap(r == -1 && errno == EAGAIN,
	    "shared futex: FUTEX_WAIT on a changed value gives EAGAIN, not EFAULT (%s)",
	    strerror(errno));
	pid = fork();
	if (!pid) {
		while (futex(w, FUTEX_WAIT, 0, NULL) == -1 && errno == EINTR)
			;
		_exit(*w == 1 ? 0 : 1);
	}
	/* Wake only once the child sleeps on the word. */
	for (i = 0; i < 500 && !in_futex_wait(pid); i++)
		usleep(10000);
	*w = 1;
	woken = futex(w, FUTEX_WAKE, 1, NULL);
	tap(woken == 1 && wait_child(pid) == 0,
	    "shared futex: FUTEX_WAKE in the parent wakes the child waiting on the same word (%ld woken)",
	    woken);
	munmap(w, psz);
}

/* MAP_POPULATE faults every page in at mmap time. */
static void test_populate(void)
{
	const size_t n = 8;
	long new0 = fault_stat_value("new");
	char *p = mmap(NULL, n * psz, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, devfd, 0);
	size_t i;
	int ok = p != MAP_FAILED;

	for (i = 0; ok && i < n; i++)
		ok &= (dev_page_flags(p + i * psz) & MMLAB_PAGE_PRESENT) &&
		      in_region(dev_pfn(p + i * psz));
	tap(ok && fault_stat_value("new") - new0 == (long)n,
	    "MAP_POPULATE: all %zu pages mapped at mmap time (%ld new faults)",
	    n, fault_stat_value("new") - new0);
	if (p != MAP_FAILED)
		munmap(p, n * psz);
}

/* fork write-protects the parent's ptes, as copy_present_pte() does. */
static void test_fork_wrprotect(void)
{
	char *p = dev_map(2, MAP_PRIVATE);
	uint64_t pfn;
	uint32_t f;
	pid_t pid;

	p[0] = 'f';
	p[psz] = 'g';
	pfn = dev_pfn(p);
	pid = fork();
	if (!pid)	/* the pte is looked at before the read could fault */
		_exit((dev_page_flags(p) & MMLAB_PAGE_PRESENT) &&
		      dev_pfn(p) == pfn && p[0] == 'f' ? 0 : 1);
	f = dev_page_flags(p);
	tap((f & MMLAB_PAGE_PRESENT) && !(f & MMLAB_PAGE_WRITABLE) &&
	    dev_pfn(p) == pfn,
	    "fork: the parent's pte stays, write-protected");
	tap(wait_child(pid) == 0,
	    "fork: the child starts with the parent's ptes (same pfn, no fault)");
	munmap(p, 2 * psz);
}

/*
 * vmsplice() takes references on the pages; the pipe keeps the data after
 * munmap, the page is quarantined, not reused, until the pipe lets go.
 */
static void test_vmsplice_quarantine(void)
{
	char *p = dev_map(1, MAP_PRIVATE), buf[16];
	struct iovec iov = { NULL, psz };
	long q0 = settled_quarantine(), q1;
	int fds[2];
	ssize_t r;

	memset(p, 's', psz);
	iov.iov_base = p;
	if (pipe2(fds, O_NONBLOCK))	/* an empty pipe must not hang the test */
		tap_bail("pipe: %s", strerror(errno));
	r = vmsplice(fds[1], &iov, 1, 0);
	tap(r == (ssize_t)psz, "vmsplice of a mapping page (%zd)", r);
	munmap(p, psz);
	q1 = quarantined_pages();
	tap(q1 == q0 + 1,
	    "munmap with the pipe holding the page: quarantined, not freed");
	p = dev_map(64, MAP_PRIVATE);
	memset(p, 'x', 64 * psz);	/* would reuse the page if it were free */
	r = read(fds[0], buf, sizeof(buf));
	tap(r == (ssize_t)sizeof(buf) && buf[0] == 's' && buf[15] == 's',
	    "the pipe still reads the data spliced");
	munmap(p, 64 * psz);
	close(fds[0]);
	close(fds[1]);
	tap(q1 == q0 + 1 && settled_quarantine() == q0,
	    "the pipe closed: the page leaves the quarantine");
}

/*
 * O_DIRECT moves data between the block device and the mapping's pages
 * themselves (get_user_pages(), a bio per page): a write from a written
 * page, a read into a page never touched (faulted in for the write, a
 * page of the region), and no pin left behind once the I/O is done.
 */
static void test_odirect(void)
{
	char *p = dev_map(2, MAP_PRIVATE);
	long q0 = settled_quarantine();	/* earlier cases' pipes let go */
	long q1;
	ssize_t w, r;
	int fd, i;

	fd = open(TEST_BLOCK_DEV, O_RDWR | O_DIRECT);
	if (fd < 0 && errno == ENOENT) {
		munmap(p, 2 * psz);
		tap_skip("O_DIRECT pwrite from a mapping page", "no " TEST_BLOCK_DEV);
		tap_skip("O_DIRECT pread into an untouched mapping page", "no " TEST_BLOCK_DEV);
		tap_skip("O_DIRECT: no page pinned after the I/O", "no " TEST_BLOCK_DEV);
		return;
	}
	if (fd < 0)
		tap_bail("open %s O_DIRECT: %s", TEST_BLOCK_DEV, strerror(errno));
	for (i = 0; i < (int)psz; i++)
		p[i] = (char)(i * 7 + 3);
	w = pwrite(fd, p, psz, 0);
	tap(w == (ssize_t)psz, "O_DIRECT pwrite from a mapping page (%zd)", w);
	r = pread(fd, p + psz, psz, 0);
	tap(r == (ssize_t)psz && !memcmp(p, p + psz, psz) &&
	    in_region(dev_pfn(p + psz)),
	    "O_DIRECT pread into an untouched mapping page: the data, in a region page (%zd)",
	    r);
	close(fd);
	munmap(p, 2 * psz);
	q1 = settled_quarantine();
	tap(q1 == q0,
	    "O_DIRECT: no page pinned after the I/O (quarantined %ld -> %ld)",
	    q0, q1);
}

/*
 * After fork and the child's exit the page is no longer exclusive; a pipe
 * holding it makes the parent's write copy (page_count() > 1 in
 * do_wp_page()), so the pipe keeps what was spliced.
 */
static void test_cow_with_pin(void)
{
	char *p = dev_map(1, MAP_PRIVATE), buf[4];
	struct iovec iov = { NULL, psz };
	uint64_t pfn;
	int fds[2];
	pid_t pid;

	memset(p, 'A', psz);
	pfn = dev_pfn(p);
	pid = fork();
	if (!pid)
		_exit(0);
	wait_child(pid);
	iov.iov_base = p;
	if (pipe2(fds, O_NONBLOCK) ||
	    vmsplice(fds[1], &iov, 1, 0) != (ssize_t)psz)
		tap_bail("pipe/vmsplice: %s", strerror(errno));
	p[0] = 'B';
	tap(dev_pfn(p) != pfn && in_region(dev_pfn(p)) &&
	    read(fds[0], buf, sizeof(buf)) == sizeof(buf) && buf[0] == 'A',
	    "a write to a shared-then-pinned page copies it: the pipe keeps 'A'");
	close(fds[0]);
	close(fds[1]);
	munmap(p, psz);
}

/*
 * mprotect(PROT_READ) then PROT_WRITE after fork must not make the shared
 * page writable: the core upgrades a dirty read-only pte of a shared
 * mapping without a fault, so fork must leave the parent's ptes clean.
 */
static void test_mprotect_after_fork(void)
{
	char *p = dev_map(1, MAP_PRIVATE);
	int to_child[2], to_parent[2];
	char c;
	pid_t pid;

	p[0] = 'm';
	if (pipe(to_child) || pipe(to_parent))
		tap_bail("pipe: %s", strerror(errno));
	pid = fork();
	if (!pid) {
		if (write(to_parent[1], "r", 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(3);
		_exit(p[0] == 'm' ? 0 : 1);
	}
	if (read(to_parent[0], &c, 1) != 1)
		tap_bail("child: %s", strerror(errno));
	mprotect(p, psz, PROT_READ);
	mprotect(p, psz, PROT_READ | PROT_WRITE);
	p[0] = 'P';
	if (write(to_child[1], "w", 1) != 1)
		tap_bail("child: %s", strerror(errno));
	tap(wait_child(pid) == 0 && p[0] == 'P',
	    "mprotect read-only then writable after fork: the parent's write still copies (the child keeps 'm')");
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	munmap(p, psz);
}

/* The page is the process's alone since its fault: a write reuses it. */
static void test_exclusive_reuse(void)
{
	char *p = dev_map(1, MAP_PRIVATE);
	uint64_t pfn;
	pid_t pid;

	p[0] = 'e';
	pfn = dev_pfn(p);
	pid = fork();
	if (!pid)
		_exit(0);
	wait_child(pid);
	p[1] = 'f';	/* no pin: the count says it is ours again */
	tap(dev_pfn(p) == pfn && p[0] == 'e',
	    "after the child exits the write reuses the page (no copy)");
	munmap(p, psz);
}

int main(void)
{
	const char *b = getenv("MMLAB_REGION_BASE");
	const char *s = getenv("MMLAB_REGION_SIZE");

	tap_plan(NR_CASES);
	if (!b || !s)
		tap_bail("MMLAB_REGION_BASE/SIZE not set");
	test_open_dev();
	region_lo = strtoull(b, NULL, 16) / psz;
	region_hi = region_lo + strtoull(s, NULL, 16) / psz;

	test_proc_views();		/* 3 */
	test_process_vm();		/* 2 */
	test_shared_futex();		/* 2 */
	test_populate();		/* 1 */
	test_fork_wrprotect();		/* 2 */
	test_vmsplice_quarantine();	/* 4 */
	test_cow_with_pin();		/* 1 */
	test_exclusive_reuse();		/* 1 */
	test_mprotect_after_fork();	/* 1 */
	test_odirect();			/* 3 */
	return tap_done();
}
