// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random input to mmlab for a bounded time. TAP, run by fuzz.sh as
 * root in the guest.
 *
 *   fuzz SECONDS [SEED]
 *
 * Prints the seed first: `fuzz SECONDS SEED` replays the same choices.
 * Until SECONDS have passed, rounds of: random writes to the writable
 * debugfs files under /sys/kernel/debug/mmlab (numbers, negative, huge,
 * words, empty), then a child process with a fresh open file that makes
 * random ioctls (known and unknown numbers, random sizes, flags, counts,
 * handles seen before, good and bad user pointers) and random mmap,
 * munmap, mremap, mprotect, madvise, touches, PAGE_INFO, fork and
 * close/reopen on /dev/mmlab; then every knob written is put back (the
 * fail_* points to their defaults, any CMA pages allocated through debugfs
 * freed).
 *
 * The child keeps track of every page it mapped from /dev/mmlab (maps[])
 * and gives munmap, mprotect, madvise, mremap and MAP_FIXED only ranges
 * within those: it never touches its own program memory. Its touches of
 * those pages run with SIGSEGV and SIGBUS caught (after a random mprotect
 * or munmap, or a fault failed by fail_fault or an exhausted region, they
 * are expected) and counted; anywhere else the signal kills the process.
 * A round that does not end within its alarm is a failure; rounds killed
 * by a signal are reported by signal, and fuzz.sh fails on any SIGSEGV
 * (SIGKILL can be oom_policy "kill" at work). Whether the kernel stayed
 * healthy is fuzz.sh's part.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmlab_fault/mmlab_uapi.h"

#define DBG		"/sys/kernel/debug/mmlab"
#define MAX_FILES	256
#define PATH_LEN	512
#define MAX_MAPS	8			/* before mmap evicts one */
#define POPULATE_MAX	(64UL << 20)		/* bytes a MAP_POPULATE faults */
#define MAX_RANGES	(2 * MAX_MAPS)		/* room for splits */
#define POOL		64
#define SCRATCH		(2UL << 20)
#define ROUND_OPS	300

static const unsigned long known[] = {
	MMLAB_IOC_INFO, MMLAB_IOC_ALLOC_PAGES, MMLAB_IOC_FREE_PAGES,
	MMLAB_IOC_FREE_ALL, MMLAB_IOC_PAGE_INFO, MMLAB_IOC_CACHE_CREATE,
	MMLAB_IOC_CACHE_DESTROY, MMLAB_IOC_CACHE_SHRINK, MMLAB_IOC_OBJ_ALLOC,
	MMLAB_IOC_KMALLOC, MMLAB_IOC_OBJ_FREE, MMLAB_IOC_HELD,
	MMLAB_IOC_VMALLOC, MMLAB_IOC_VFREE, MMLAB_IOC_CMA_ALLOC,
	MMLAB_IOC_CMA_RELEASE, MMLAB_IOC_COMPACT,
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const int advice[] = {
	MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
	MADV_DONTNEED, MADV_FREE, MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK,
	MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE,
	MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK, MADV_KEEPONFORK,
	MADV_COLD, MADV_PAGEOUT, 22 /* POPULATE_READ */, 23 /* _WRITE */,
	-1, 1000,
};

static const char * const words[] = {
	"0", "1", "2", "-1", "100", "101", "1000", "1001", "4096", "65536",
	"4294967296", "18446744073709551615", "-9223372036854775808", "abc",
	"", " ", "\n", "1x", "0x10", "all", "sigbus", "kill", "9", "3",
};

/* Pages of /dev/mmlab this process mapped: disjoint, page-aligned. */
struct map {
	char *p;
	size_t len;
};

static char files[MAX_FILES][PATH_LEN];
static int nfiles;
static unsigned char written[MAX_FILES];
static char orig[MAX_FILES][64];
static int devfd;
static size_t psz;
static char *scratch;
static __u64 pool[POOL];
static struct map maps[MAX_RANGES];
static int nmaps;
static sigjmp_buf jb;
static int armed;
/* Shared with the rounds: */
enum {
	ST_FAULTS_CAUGHT,	/* SIGSEGV/SIGBUS on a touch of our pages */
	ST_IOCTLS_OK,		/* ioctls that returned 0 */
	ST_FORKS_SEGV,		/* forked children killed by SIGSEGV */
	ST_NR
};

static long *stats;

static unsigned long rnd(unsigned long n)
{
	return n ? (unsigned long)random() % n : 0;
}

static __u64 rnd64(void)
{
	return ((__u64)random() << 62) ^ ((__u64)random() << 31) ^
		random();
}

/* Caught on a touch; anywhere else the process dies of it. */
static void on_signal(int sig)
{
	if (__atomic_load_n(&armed, __ATOMIC_SEQ_CST))
		siglongjmp(jb, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void arm(int on)
{
	__atomic_store_n(&armed, on, __ATOMIC_SEQ_CST);
}

/* --- debugfs ------------------------------------------------------------------ */

static void collect(const char *dir)
{
	char path[PATH_LEN];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) && nfiles < MAX_FILES) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%.200s/%.255s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			/* mmlab_bench's run takes minutes: not ours to fuzz. */
			if (strcmp(e->d_name, "bench"))
				collect(path);
		} else if (S_ISREG(st.st_mode) && (st.st_mode & 0200)) {
			strcpy(files[nfiles++], path);
		}
	}
	closedir(d);
}

static int write_file(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = write(fd, val, len);
	close(fd);
	return r < 0 ? -1 : 0;
}

static void read_first(const char *path, char *buf, size_t sz)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fscanf(f, "%63s", buf) != 1)
		buf[0] = 0;
	fclose(f);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int is_fail_knob(const char *path)
{
	return !!strstr(path, "/fail_");
}

static void debugfs_burst(void)
{
	char val[96];
	int k, i;
	size_t len;

	for (k = rnd(6); k >= 0; k--) {
		i = rnd(nfiles);
		if (!strcmp(base(files[i]), "compact") && rnd(4))
			continue;
		if (!written[i]) {
			read_first(files[i], orig[i], sizeof(orig[i]));
			written[i] = 1;
		}
		switch (rnd(4)) {
		case 0:
			len = snprintf(val, sizeof(val), "%lu", rnd(200));
			break;
		case 1:
			len = snprintf(val, sizeof(val), "%lld", (long long)rnd64());
			break;
		case 2:
			len = rnd(sizeof(val));
			for (size_t j = 0; j < len; j++)
				val[j] = rnd(256);
			break;
		default:
			len = snprintf(val, sizeof(val), "%s",
				       words[rnd(ARRAY_SIZE(words))]);
			break;
		}
		write_file(files[i], val, len);
	}
}

/* Put back every knob written; free CMA pages taken through debugfs. */
static void debugfs_restore(void)
{
	static const char * const fail_def[][2] = {
		{ "probability", "0" }, { "interval", "1" }, { "times", "1" },
		{ "space", "0" }, { "verbose", "1" },
	};
	char used[64], path[PATH_LEN];
	unsigned int j;
	int i;

	/* Probabilities first: an injection in between counts times down. */
	for (i = 0; i < nfiles; i++)
		if (is_fail_knob(files[i]) && !strcmp(base(files[i]), "probability"))
			write_file(files[i], "0", 1);
	for (i = 0; i < nfiles; i++) {
		const char *b = base(files[i]);

		if (!written[i] && !is_fail_knob(files[i]))
			continue;
		written[i] = 0;
		if (is_fail_knob(files[i])) {
			for (j = 0; j < 5; j++)
				if (!strcmp(b, fail_def[j][0]))
					write_file(files[i], fail_def[j][1],
						   strlen(fail_def[j][1]));
		} else if (!strcmp(b, "oom_policy")) {
			write_file(files[i], "sigbus", 6);
		} else if (!strcmp(b, "alloc")) {
			snprintf(path, sizeof(path), "%.*s/used",
				 (int)(b - files[i] - 1), files[i]);
			read_first(path, used, sizeof(used));
			snprintf(path, sizeof(path), "%.*s/free",
				 (int)(b - files[i] - 1), files[i]);
			if (atol(used) > 0)
				write_file(path, used, strlen(used));
		} else if (orig[i][0]) {
			write_file(files[i], orig[i], strlen(orig[i]));
		}
	}
}

/* --- ioctls ------------------------------------------------------------------- */

static __u64 field(void)
{
	switch (rnd(10)) {
	case 0: case 1: case 2: case 3: case 4:
		return 0;
	case 5:
		return pool[rnd(POOL)];
	case 6:
		return rnd(70000);
	case 7:
		return (uintptr_t)scratch + psz * rnd(4);
	case 8:
		return rnd(2) ? 0x10 : 0xffff888000000000ULL;
	default:
		return rnd64();
	}
}

static void harvest(const __u64 *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] && w[i] < (1ULL << 32))
			pool[rnd(POOL)] = w[i];
}

static void *page_of_pool(unsigned int n)
{
	__u64 *h = (__u64 *)(scratch + 3 * psz);
	unsigned int i;

	for (i = 0; i < n && i < 512; i++)
		h[i] = rnd(8) ? pool[rnd(POOL)] : field();
	return h;
}

/* A mostly valid argument for @cmd, in scratch. */
static void build(unsigned long cmd)
{
	union {
		struct mmlab_ioc_alloc a;
		struct mmlab_ioc_free f;
		struct mmlab_ioc_page_info pi;
		struct mmlab_ioc_cache_create cc;
		struct mmlab_ioc_handle h;
		struct mmlab_ioc_obj_alloc oa;
		struct mmlab_ioc_obj_free of;
		struct mmlab_ioc_vmalloc v;
		struct mmlab_ioc_cma_alloc c;
		struct mmlab_ioc_compact cp;
	} *u = (void *)scratch;
	unsigned int n = rnd(8) ? 1 + rnd(16) : rnd(100000);

	memset(scratch, 0, 2 * psz);
	switch (_IOC_NR(cmd)) {
	case 0x01:
		u->a.nid = rnd(2) ? MMLAB_NID_ANY : (int)rnd(3);
		u->a.order = rnd(4) ? rnd(4) : rnd(16);
		u->a.flags = rnd(2) ? MMLAB_ALLOC_NOWARN : rnd(128);
		u->a.count = n;
		u->a.blocks = (uintptr_t)scratch + psz;
		break;
	case 0x02:
	case 0x25:
		u->f.count = n;
		u->f.handles = (uintptr_t)page_of_pool(n);
		break;
	case 0x10:
		u->pi.addr = nmaps && rnd(4) ? (uintptr_t)maps[rnd(nmaps)].p +
			rnd(64) * psz : field();
		break;
	case 0x20:
		snprintf(u->cc.name, sizeof(u->cc.name), "%s%lu",
			 rnd(8) ? "fz-" : "kmalloc-", rnd(8));
		u->cc.size = rnd(4) ? 1 + rnd(4096) : rnd(1 << 20);
		u->cc.align = rnd(2) ? 1U << rnd(14) : rnd(100);
		u->cc.flags = rnd(64);
		break;
	case 0x21:
	case 0x22:
	case 0x29:
	case 0x31:
		u->h.handle = rnd(8) ? pool[rnd(POOL)] : field();
		break;
	case 0x23:
	case 0x24:
		u->oa.cache = _IOC_NR(cmd) == 0x23 ? pool[rnd(POOL)] : 0;
		u->oa.size = _IOC_NR(cmd) == 0x24 ? 1 + rnd(rnd(4) ? 512 : 1 << 22) : 0;
		u->oa.count = n;
		u->oa.handles = (uintptr_t)scratch + psz;
		break;
	case 0x28:
		u->v.size = rnd(4) ? 1 + rnd(1 << 18) : field();
		break;
	case 0x30:
		snprintf(u->c.name, sizeof(u->c.name), "%s", rnd(8) ? "fuzz" : "nope");
		u->c.count = rnd(4) ? 1 + rnd(512) : field();
		u->c.align = rnd(12);
		break;
	case 0x32:
		u->cp.nid = rnd(2) ? MMLAB_NID_ANY : (int)rnd(3);
		u->cp.order = (int)rnd(13) - 1;
		break;
	default:
		break;
	}
}

static void fuzz_ioctl(void)
{
	unsigned long cmd = known[rnd(ARRAY_SIZE(known))];
	__u64 *w = (__u64 *)scratch;
	void *arg = scratch;
	size_t i, n;

	switch (rnd(8)) {
	case 0:
		cmd = _IOC(rnd(4), MMLAB_IOC_MAGIC, _IOC_NR(cmd), rnd(8192));
		n = _IOC_SIZE(cmd) / 8 + 1;
		for (i = 0; i < n; i++)
			w[i] = field();
		break;
	case 1:
		cmd = _IOC(rnd(4), rnd(2) ? MMLAB_IOC_MAGIC : rnd(256),
			   rnd(256), rnd(1024));
		n = _IOC_SIZE(cmd) / 8 + 1;
		for (i = 0; i < n; i++)
			w[i] = field();
		break;
	default:
		build(cmd);
		/* One word in four of the calls mutated. */
		if (!rnd(4))
			w[rnd(_IOC_SIZE(cmd) / 8 + 1)] = field();
		break;
	}
	if (!rnd(20))
		arg = (void *)(uintptr_t)field();
	if (!ioctl(devfd, cmd, arg)) {
		__atomic_add_fetch(&stats[ST_IOCTLS_OK], 1, __ATOMIC_RELAXED);
		harvest(w, 16);
		harvest((__u64 *)(scratch + psz), 48);
	}
}

/* --- mappings ----------------------------------------------------------------- */

static size_t rnd_len(void)
{
	switch (rnd(10)) {
	case 0:
		return rnd(3 * psz);
	case 1:
		return (size_t)1 << (20 + rnd(24));
	default:
		return (1 + rnd(32)) * psz;
	}
}

static size_t page_len(size_t len)
{
	return (len + psz - 1) & ~(psz - 1);
}

/* [p, p + len) is no longer ours (unmapped, moved or maybe replaced). */
static void forget(char *p, size_t len)
{
	char *end = p + len;
	int i;

	for (i = nmaps - 1; i >= 0; i--) {
		char *s = maps[i].p, *e = s + maps[i].len;

		if (e <= p || s >= end)
			continue;
		if (s < p && e > end) {		/* split: keep both sides */
			maps[i].len = p - s;
			if (nmaps < MAX_RANGES) {
				maps[nmaps].p = end;
				maps[nmaps++].len = e - end;
			} else {
				munmap(end, e - end);
			}
		} else if (s < p) {
			maps[i].len = p - s;
		} else if (e > end) {
			maps[i].p = end;
			maps[i].len = e - end;
		} else {
			maps[i] = maps[--nmaps];
		}
	}
}

/* [p, p + len) is a new mapping of /dev/mmlab. */
static void remember(char *p, size_t len)
{
	forget(p, len);
	if (nmaps == MAX_RANGES) {
		munmap(p, len);
		return;
	}
	maps[nmaps].p = p;
	maps[nmaps++].len = len;
}

static struct map *pick(void)
{
	return nmaps ? &maps[rnd(nmaps)] : NULL;
}

/* A random page-aligned range inside one of ours; 0 if there is none. */
static int pick_range(char **p, size_t *len)
{
	struct map *m = pick();
	size_t pages, first, n;

	if (!m)
		return 0;
	pages = m->len / psz;
	first = rnd(pages);
	n = pages - first;
	if (rnd(4))
		n = 1 + rnd(n < 8 ? n : 8);
	*p = m->p + first * psz;
	*len = n * psz;
	return 1;
}

static void op_mmap(void)
{
	int prot = rnd(8), flags = rnd(2) ? MAP_SHARED : MAP_PRIVATE;
	void *hint = NULL;
	off_t off = rnd(8) ? 0 : (off_t)rnd(16) * psz;
	size_t len = rnd_len();
	char *p;

	/*
	 * MAP_POPULATE faults every page in, as for anonymous memory: up to
	 * 8 TiB here would take far longer than a round (the kernel would
	 * map the zero page 2^31 times too).
	 */
	if (!rnd(4) && len <= POPULATE_MAX)
		flags |= MAP_POPULATE;
	if (!rnd(8))
		flags |= MAP_NORESERVE;
	/* Over one of ours only, never over the program's memory. */
	if (!rnd(6) && pick_range(&p, &len)) {
		hint = p;
		flags |= MAP_FIXED;
		if (len > POPULATE_MAX)
			flags &= ~MAP_POPULATE;
	}
	if (nmaps >= MAX_MAPS && !hint) {
		munmap(maps[0].p, maps[0].len);
		maps[0] = maps[--nmaps];
	}
	p = mmap(hint, len, prot, flags, devfd, off);
	if (p == MAP_FAILED) {
		/* A failed MAP_FIXED may have unmapped the old pages. */
		if (hint)
			forget(hint, len);
		return;
	}
	remember(p, page_len(len));
}

static void op_range(int what)
{
	size_t len, new_len;
	int k;
	char *p, *q;

	if (!pick_range(&p, &len))
		return;
	switch (what) {
	case 0:
		if (!munmap(p, len))
			forget(p, len);
		break;
	case 1:
		mprotect(p, len, rnd(8));
		break;
	case 2:
		k = advice[rnd(ARRAY_SIZE(advice))];
		/* MADV_POPULATE_READ/WRITE: as MAP_POPULATE, bounded */
		if ((k == 22 || k == 23) && len > POPULATE_MAX)
			len = POPULATE_MAX;
		madvise(p, len, k);
		break;
	default:
		new_len = rnd_len();
		q = mremap(p, len, new_len, rnd(2) ? MREMAP_MAYMOVE : 0);
		if (q != MAP_FAILED) {
			forget(p, len);
			remember(q, page_len(new_len));
		}
		break;
	}
}

/* Globals, not locals: they keep their values across siglongjmp(). */
static size_t touch_off;
static int touch_k;

static void op_touch(void)
{
	struct map *m = pick();
	struct mmlab_ioc_page_info pi;

	if (!m)
		return;
	for (touch_k = rnd(8); touch_k >= 0; touch_k--) {
		touch_off = rnd(m->len);
		arm(1);
		if (sigsetjmp(jb, 1)) {
			arm(0);
			__atomic_add_fetch(&stats[ST_FAULTS_CAUGHT], 1,
					   __ATOMIC_RELAXED);
			continue;
		}
		if (rnd(2))
			m->p[touch_off] = (char)touch_off;
		else
			touch_off += m->p[touch_off] & 1;
		arm(0);
		memset(&pi, 0, sizeof(pi));
		pi.addr = (uintptr_t)m->p + touch_off;
		ioctl(devfd, MMLAB_IOC_PAGE_INFO, &pi);
	}
}

static void op_fork(void)
{
	pid_t pid = fork();
	int st, k;

	if (pid < 0)
		return;
	if (!pid) {
		alarm(10);
		for (k = 0; k < 8; k++)
			rnd(3) ? op_touch() : op_range(rnd(4));
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGSEGV)
		__atomic_add_fetch(&stats[ST_FORKS_SEGV], 1, __ATOMIC_RELAXED);
}

static void round_child(void)
{
	int k;

	alarm(30);
	devfd = open(MMLAB_DEV_PATH, O_RDWR);
	if (devfd < 0)
		_exit(2);
	for (k = 0; k < ROUND_OPS; k++) {
		switch (rnd(12)) {
		case 0: case 1: case 2: case 3:
			fuzz_ioctl();
			break;
		case 4: case 5:
			op_mmap();
			break;
		case 6:
			op_range(rnd(4));
			break;
		case 7: case 8: case 9:
			op_touch();
			break;
		case 10:
			if (!rnd(4))
				op_fork();
			break;
		default:
			if (!rnd(8)) {
				close(devfd);
				devfd = open(MMLAB_DEV_PATH, O_RDWR);
				if (devfd < 0)
					_exit(2);
			}
			break;
		}
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	long rounds = 0, completed = 0, killed = 0, hung = 0, other = 0, secs;
	long by_sig[NSIG] = { 0 };
	struct sigaction sa;
	unsigned long seed;
	time_t deadline;
	int st, sig;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: fuzz SECONDS [SEED]\n");
		return 2;
	}
	secs = atol(argv[1]);
	seed = argc > 2 ? strtoul(argv[2], NULL, 0) : (unsigned long)time(NULL);
	printf("1..4\n# seed %lu (replay: fuzz %ld %lu)\n", seed, secs, seed);
	fflush(stdout);
	srandom(seed);
	psz = sysconf(_SC_PAGESIZE);
	scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stats = mmap(NULL, ST_NR * sizeof(*stats), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED || stats == MAP_FAILED)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	collect(DBG);
	printf("# %d writable debugfs files\n", nfiles);
	deadline = time(NULL) + secs;
	while (time(NULL) < deadline) {
		rounds++;
		debugfs_burst();
		pool[rnd(POOL)] = rnd64();
		fflush(stdout);
		pid = fork();
		if (!pid) {
			srandom(seed + rounds);
			round_child();
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			other++;
		} else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
			hung++;
			printf("# round %ld did not end in time\n", rounds);
		} else if (WIFSIGNALED(st)) {
			killed++;
			sig = WTERMSIG(st);
			by_sig[sig < NSIG ? sig : 0]++;
			if (sig != SIGKILL && killed <= 20)
				printf("# round %ld killed by %s (replay: fuzz %ld %lu)\n",
				       rounds, strsignal(sig), secs, seed);
		} else if (WEXITSTATUS(st)) {
			other++;
			printf("# round %ld exited %d\n", rounds, WEXITSTATUS(st));
		} else {
			completed++;
		}
		debugfs_restore();
	}
	debugfs_restore();
	printf("# report fuzz rounds %ld\n", rounds);
	printf("# report fuzz ops %ld\n", rounds * ROUND_OPS);
	printf("# report fuzz rounds_completed %ld\n", completed);
	printf("# report fuzz rounds_killed_by_signal %ld\n", killed);
	printf("# report fuzz rounds_killed_by_sigsegv %ld\n", by_sig[SIGSEGV]);
	printf("# report fuzz rounds_killed_by_sigbus %ld\n", by_sig[SIGBUS]);
	printf("# report fuzz rounds_killed_by_sigkill %ld\n", by_sig[SIGKILL]);
	printf("# report fuzz forks_killed_by_sigsegv %ld\n",
	       stats[ST_FORKS_SEGV]);
	printf("# report fuzz debugfs_files %d\n", nfiles);
	printf("# report fuzz ioctls_accepted %ld\n", stats[ST_IOCTLS_OK]);
	printf("# report fuzz own_faults_caught %ld\n", stats[ST_FAULTS_CAUGHT]);
	printf("%sok 1 - fuzz: %ld rounds, seed %lu\n", rounds ? "" : "not ", rounds, seed);
	printf("%sok 2 - fuzz: no round hung (%ld)\n", hung ? "not " : "", hung);
	printf("%sok 3 - fuzz: no round failed to start or open (%ld)\n",
	       other ? "not " : "", other);
	printf("%sok 4 - fuzz: %d writable debugfs files found\n", nfiles ? "" : "not ", nfiles);
	return !rounds || hung || other || !nfiles;
}
