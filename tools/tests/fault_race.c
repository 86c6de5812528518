// SPDX-License-Identifier: GPL-2.0
/*
 * fault_race: /dev/mmlab faults raced as a threaded program races them.
 *
 *  - zero page: threads read and write the same fresh pages of a private
 *    mapping at once; every write must land in the process's own page
 *    (none lost), and afterwards the region's zero page must still be all
 *    zeroes, seen from another process's fresh mapping and from debugfs;
 *  - copy-on-write: after fork, parent and child each race a reader and a
 *    writer over the same inherited pages; each must see only its own
 *    writes over what was there at fork, never the other's;
 *  - a debugger's writes (/proc/self/mem, ->access) race the process's own
 *    writes and reads on pages it shares with a child after fork and on
 *    holes: none is lost, and the child's pages and the zero page see
 *    none of them;
 *  - a copy or a new page whose entry into the object fails (fail_rmap)
 *    is retried and loses no byte; fork, which cannot fail, is immune;
 *  - MADV_DONTNEED races writers and readers on the same pages while
 *    another thread splits and merges the vma next to them (mprotect);
 *    a read sees zero or a write of ours to that page, never another
 *    page's or process's data, and the pages the splits cross, never
 *    DONTNEEDed, keep their data;
 *  - MADV_DONTNEED races read faults on the pages it zaps: once madvise()
 *    returns, every page reads zero, never the data it zapped;
 *  - compaction migrates the pages of a mapping while another thread
 *    shrinks and grows it (vma splits) or MADV_DONTNEEDs it: no page the
 *    splits cross loses its data, every zapped page reads back zero;
 *  - oom_policy kill, with the faulter itself the biggest holder and the
 *    fault taken inside the kernel (read() into the mapping): the process
 *    is killed or read() fails; it does not spin in the kernel for ever.
 *
 * RACE_SECONDS (default 4) bounds each race. TAP, plan first.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "tools/tests/testlib.h"

#define DBG		"/sys/kernel/debug/mmlab"
#define ZERO_PAGE	DBG "/fault/zero_page"
#define OOM_POLICY	DBG "/fault/oom_policy"
#define FAIL_RMAP	DBG "/fail_rmap"
#define NR_CASES	20
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define RACE_PAGES	32
#define WRITERS		2
#define READERS		2
#define TAG(round, w, i)	(0x6d6d6c6100000000ULL | ((uint64_t)(round) << 20) | \
				 ((uint64_t)(w) << 16) | (i))

static double race_seconds = 4;

/* Each access really made, in program order of its thread: no volatile. */
static inline uint64_t rd(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void wr(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* nonzero_bytes of the zero page from debugfs; -1 if it cannot be read. */
static long zero_page_dirty(void)
{
	unsigned long pfn;
	long n = -1;
	FILE *f = fopen(ZERO_PAGE, "r");

	if (!f)
		return -1;
	if (fscanf(f, "pfn %lx nonzero_bytes %ld", &pfn, &n) != 2)
		n = -1;
	fclose(f);
	return n;
}

/* Words that are not zero in a fresh private mapping, read by a child. */
static long fresh_mapping_dirty_words(size_t n)
{
	int pipefd[2];
	long words = -1;
	pid_t pid;

	if (pipe(pipefd))
		exit(2);
	pid = fork();
	if (!pid) {
		uint64_t *p = (uint64_t *)dev_map(n, MAP_PRIVATE);
		size_t i;

		words = 0;
		for (i = 0; i < n * psz / 8; i++)
			words += p[i] != 0;
		if (write(pipefd[1], &words, sizeof(words)) != sizeof(words))
			_exit(3);
		_exit(0);
	}
	if (read(pipefd[0], &words, sizeof(words)) != sizeof(words))
		words = -1;
	waitpid(pid, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	return words;
}

/* --- Readers and writers on fresh pages ------------------------------------ */

struct race {
	pthread_barrier_t start;
	uint64_t *map;
	unsigned int round;
	unsigned long foreign;	/* readers: non-zero words not a tag of ours */
};

struct worker {
	struct race *race;
	int id;
	pthread_t thread;
};

static void *writer(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->race;
	size_t words = psz / 8;
	int i, k;

	pthread_barrier_wait(&r->start);
	for (k = 0; k < RACE_PAGES; k++) {
		i = (k + w->id * RACE_PAGES / WRITERS) % RACE_PAGES;
		wr(&r->map[i * words + w->id], TAG(r->round, w->id, i));
	}
	return NULL;
}

static int is_our_tag(uint64_t v, unsigned int round, int i)
{
	int w;

	for (w = 0; w < WRITERS; w++)
		if (v == TAG(round, w, i))
			return 1;
	return 0;
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->race;
	size_t words = psz / 8;
	unsigned long bad = 0;
	int i, k, j;

	pthread_barrier_wait(&r->start);
	for (k = 0; k < RACE_PAGES; k++) {
		i = (RACE_PAGES - 1 - k + w->id * 5) % RACE_PAGES;
		for (j = 0; j < WRITERS + 2; j++) {
			uint64_t v = rd(&r->map[i * words + j]);

			if (v && !is_our_tag(v, r->round, i))
				bad++;
		}
	}
	__atomic_add_fetch(&r->foreign, bad, __ATOMIC_RELAXED);
	return NULL;
}

/* One round: returns lost writes; *stray gets words that should be 0. */
static unsigned long race_round(struct race *r, unsigned long *stray)
{
	struct worker w[WRITERS + READERS];
	size_t words = psz / 8, i, j;
	unsigned long lost = 0;
	int t;

	r->map = (uint64_t *)dev_map(RACE_PAGES, MAP_PRIVATE);
	pthread_barrier_init(&r->start, NULL, WRITERS + READERS);
	for (t = 0; t < WRITERS + READERS; t++) {
		w[t].race = r;
		w[t].id = t < WRITERS ? t : t - WRITERS;
		if (pthread_create(&w[t].thread, NULL,
				   t < WRITERS ? writer : reader, &w[t]))
			exit(2);
	}
	for (t = 0; t < WRITERS + READERS; t++)
		pthread_join(w[t].thread, NULL);
	pthread_barrier_destroy(&r->start);
	for (i = 0; i < RACE_PAGES; i++) {
		for (j = 0; j < words; j++) {
			uint64_t v = rd(&r->map[i * words + j]);

			if (j < WRITERS)
				lost += v != TAG(r->round, j, i);
			else
				*stray += v != 0;
		}
	}
	munmap(r->map, RACE_PAGES * psz);
	return lost;
}

static void test_zero_page_race(void)
{
	unsigned long lost = 0, stray = 0, rounds = 0;
	double end = now() + race_seconds;
	struct race r = { 0 };
	long dirty_words, dirty_bytes;

	do {
		r.round = rounds++ & 0xfff;
		lost += race_round(&r, &stray);
	} while (now() < end);
	printf("# zero page race: %lu rounds of %d pages, %d writers, %d readers\n",
	       rounds, RACE_PAGES, WRITERS, READERS);
	printf("# report zero_page_race rounds %lu\n", rounds);
	printf("# report zero_page_race lost_writes %lu\n", lost);
	tap(lost == 0, "racing readers and writers: no write lost (%lu lost)",
	    lost);
	tap(r.foreign == 0 && stray == 0,
	    "racing readers and writers: no word but our writes (%lu read, %lu left)",
	    r.foreign, stray);
	dirty_words = fresh_mapping_dirty_words(RACE_PAGES);
	tap(dirty_words == 0,
	    "another process's fresh mapping reads zeroes (%ld words not)",
	    dirty_words);
	dirty_bytes = zero_page_dirty();
	printf("# report zero_page_race corrupted_words %ld\n",
	       (long)(r.foreign + stray) + (dirty_words < 0 ? 1 : dirty_words));
	printf("# report zero_page_race corrupted_zero_page_bytes %ld\n",
	       dirty_bytes < 0 ? 1 : dirty_bytes);
	tap(dirty_bytes == 0, "the zero page is all zeroes (%ld bytes not)",
	    dirty_bytes);
}

/* --- MADV_DONTNEED against faults and vma splits ---------------------------- */

#define KEEP(i, j)	(0x6b656570ULL << 32 | (uint64_t)(i) << 16 | (j))
/*
 * 6 MiB: the vma must cover the whole 2 MiB-aligned block around a split
 * for the core to send MMU_NOTIFY_CLEAR for it (split_huge_pmd_if_needed).
 */
#define DONTNEED_MAP_PAGES	1536
#define SPLIT_PAGE		516	/* 2 MiB + 16 KiB in */

/* Pages [@first, @end) of @map: word j of page i holds KEEP(i, j). */
static void fill_keep(char *map, size_t first, size_t end)
{
	size_t words = psz / 8, i, j;

	for (i = first; i < end; i++)
		for (j = 0; j < words; j++)
			wr((uint64_t *)(map + i * psz) + j, KEEP(i, j));
}

struct dontneed_race {
	uint64_t *map;		/* RACE_PAGES churned, the rest kept */
	int stop;
	unsigned long foreign;	/* words neither 0 nor a tag of that page */
	unsigned long zaps, splits;
};

struct dontneed_worker {
	struct dontneed_race *race;
	int id;
	pthread_t thread;
};

static void *dontneed_writer(void *arg)
{
	struct dontneed_worker *w = arg;
	struct dontneed_race *r = w->race;
	size_t words = psz / 8;
	int i;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
		for (i = 0; i < RACE_PAGES; i++)
			wr(&r->map[i * words + w->id], TAG(0, w->id, i));
	return NULL;
}

static void *dontneed_reader(void *arg)
{
	struct dontneed_worker *w = arg;
	struct dontneed_race *r = w->race;
	size_t words = psz / 8;
	unsigned long bad = 0;
	int i, j;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
		for (i = 0; i < RACE_PAGES; i++)
			for (j = 0; j < WRITERS + 2; j++) {
				uint64_t v = rd(&r->map[i * words + j]);

				if (v && !is_our_tag(v, 0, i))
					bad++;
			}
	__atomic_add_fetch(&r->foreign, bad, __ATOMIC_RELAXED);
	return NULL;
}

static void *dontneed_zapper(void *arg)
{
	struct dontneed_worker *w = arg;
	struct dontneed_race *r = w->race;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		madvise(r->map + w->id * 4 * psz / 8, RACE_PAGES / 2 * psz,
			MADV_DONTNEED);
		r->zaps++;
	}
	return NULL;
}

/* Split the vma in the kept half and merge it back, again and again. */
static void *dontneed_splitter(void *arg)
{
	struct dontneed_worker *w = arg;
	struct dontneed_race *r = w->race;
	char *kept = (char *)r->map + SPLIT_PAGE * psz;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		mprotect(kept, 4 * psz, PROT_READ);
		mprotect(kept, 4 * psz, PROT_READ | PROT_WRITE);
		r->splits++;
	}
	return NULL;
}

/* The rss column of fault/procs for this process: pages its objects hold. */
static long own_mmlab_rss(void)
{
	FILE *f = fopen(DBG "/fault/procs", "r");
	char line[512];
	long rss = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *last = strrchr(line, ' ');

		if (atoi(line) == getpid() && last)
			rss = atol(last + 1);
	}
	fclose(f);
	return rss;
}

static void test_dontneed_race(void)
{
	void *(*fn[])(void *) = { dontneed_writer, dontneed_writer,
				  dontneed_reader, dontneed_reader,
				  dontneed_zapper, dontneed_zapper,
				  dontneed_splitter };
	const int nr = ARRAY_SIZE(fn);
	struct dontneed_worker w[ARRAY_SIZE(fn)];
	struct dontneed_race r = { 0 };
	size_t words = psz / 8, i, j;
	unsigned long kept_bad = 0;
	long rss;
	int t;

	r.map = (uint64_t *)dev_map(DONTNEED_MAP_PAGES, MAP_PRIVATE);
	fill_keep((char *)r.map, RACE_PAGES, DONTNEED_MAP_PAGES);
	for (t = 0; t < nr; t++) {
		w[t].race = &r;
		w[t].id = t < 2 ? t : t < 4 ? t - 2 : t < 6 ? t - 4 : 0;
		if (pthread_create(&w[t].thread, NULL, fn[t], &w[t]))
			exit(2);
	}
	usleep(race_seconds * 1e6);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	for (t = 0; t < nr; t++)
		pthread_join(w[t].thread, NULL);
	for (i = RACE_PAGES; i < DONTNEED_MAP_PAGES; i++)
		for (j = 0; j < words; j++)
			kept_bad += rd(&r.map[i * words + j]) != KEEP(i, j);
	/* Still mapped, a page dropped by mistake would read right: ask. */
	rss = own_mmlab_rss();
	munmap(r.map, DONTNEED_MAP_PAGES * psz);
	printf("# dontneed race: %lu DONTNEEDs, %lu split and merge pairs\n",
	       r.zaps, r.splits);
	tap(r.foreign == 0 && r.zaps > 0,
	    "MADV_DONTNEED racing writers and readers: every word read is 0 or a write to that page (%lu not)",
	    r.foreign);
	tap(kept_bad == 0 && r.splits > 0 &&
	    rss >= DONTNEED_MAP_PAGES - RACE_PAGES,
	    "vma splits racing MADV_DONTNEED next door: the pages they cross keep their data (%lu words not) and stay held (rss %ld)",
	    kept_bad, rss);
}

/* --- MADV_DONTNEED against read faults on the pages it zaps ------------------ */

#define ZAP_PAGES	4

struct zap_read_race {
	uint64_t *map;
	int stop;
	unsigned long reads;
};

static void *zap_read_reader(void *arg)
{
	struct zap_read_race *r = arg;
	size_t words = psz / 8;
	unsigned long n = 0;
	int i;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
		for (i = 0; i < ZAP_PAGES; i++, n++)
			(void)rd(&r->map[i * words]);
	__atomic_add_fetch(&r->reads, n, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * The main thread writes a tag to ZAP_PAGES pages, MADV_DONTNEEDs them and
 * reads them back, while READERS threads keep reading them: their read
 * faults come before, during and after each zap. Once madvise() has
 * returned every page must read 0, as anonymous memory does: a fault
 * before the zap has its pte cleared by it, one after finds nothing.
 */
static void test_dontneed_read_race(void)
{
	unsigned long round, stale = 0, checked = 0;
	struct zap_read_race r = { 0 };
	pthread_t t[READERS];
	size_t words = psz / 8;
	double end;
	int i;

	r.map = (uint64_t *)dev_map(ZAP_PAGES, MAP_PRIVATE);
	for (i = 0; i < READERS; i++)
		if (pthread_create(&t[i], NULL, zap_read_reader, &r))
			exit(2);
	end = now() + race_seconds;
	for (round = 1; now() < end; round++) {
		for (i = 0; i < ZAP_PAGES; i++)
			wr(&r.map[i * words], TAG(round, 0, i));
		if (madvise(r.map, ZAP_PAGES * psz, MADV_DONTNEED))
			break;
		for (i = 0; i < ZAP_PAGES; i++, checked++)
			stale += rd(&r.map[i * words]) != 0;
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	munmap(r.map, ZAP_PAGES * psz);
	printf("# dontneed read race: %lu rounds, %lu reads by the other threads\n",
	       round - 1, r.reads);
	tap(stale == 0 && checked > 0 && r.reads > 0,
	    "MADV_DONTNEED racing read faults: every page reads 0 once madvise() returns (%lu of %lu did not)",
	    stale, checked);
}

/* --- Migration under vma splits and MADV_DONTNEED ---------------------------- */

#define PMD_BYTES	(2UL << 20)	/* a vma split notifies the PMD around it */
#define COMPACT_ALL	DBG "/compact"

/*
 * Two PMD-aligned PMDs of /dev/mmlab, each page filled with KEEP(), its
 * frames between those of another mapping that is then unmapped: the
 * holes that compaction moves the pages into. The splitter shrinks the
 * mapping by half a PMD and grows it back, again and again (each shrink
 * splits the vma inside the second PMD, and 6.1 sends an mmu notifier
 * CLEAR over that PMD, which clears nothing); the zapper MADV_DONTNEEDs
 * 16 pages at a time and reads them back.
 */
struct mig_race {
	char *map;
	size_t pages;	/* of the mapping: two PMDs */
	size_t kept;	/* what a shrink leaves: one and a half */
	int stop;
	unsigned long splits, zaps, nonzero, grow_failed;
};

/* @pages of /dev/mmlab at a PMD-aligned address, or NULL. */
static char *map_pmd_aligned(size_t pages)
{
	size_t len = pages * psz;
	char *resv, *at, *p;

	resv = mmap(NULL, len + PMD_BYTES, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		return NULL;
	at = (char *)(((uintptr_t)resv + PMD_BYTES - 1) & ~(PMD_BYTES - 1));
	p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
		 devfd, 0);
	if (at > resv)
		munmap(resv, at - resv);
	munmap(at + len, resv + len + PMD_BYTES - (at + len));
	return p == MAP_FAILED ? NULL : p;
}

static void *mig_splitter(void *arg)
{
	struct mig_race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		if (mremap(r->map, r->pages * psz, r->kept * psz, 0) == MAP_FAILED ||
		    mremap(r->map, r->kept * psz, r->pages * psz, 0) == MAP_FAILED) {
			r->grow_failed++;
			break;
		}
		r->splits++;
	}
	return NULL;
}

static void *mig_zapper(void *arg)
{
	struct mig_race *r = arg;
	size_t words = psz / 8, c, j, chunk = 16;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		for (c = 0; c + chunk <= r->pages; c += chunk) {
			uint64_t *w = (uint64_t *)(r->map + c * psz);

			madvise(w, chunk * psz, MADV_DONTNEED);
			for (j = 0; j < chunk * words; j++)
				r->nonzero += rd(&w[j]) != 0;
			fill_keep(r->map, c, c + chunk);
			r->zaps++;
		}
	}
	return NULL;
}

/*
 * One round: lay the mapping out between holes, run @fn beside a
 * compaction of every region, and count the words of pages [0, kept) that
 * lost their KEEP() data (split rounds) and the pages compaction moved.
 */
static int mig_round(struct mig_race *r, void *(*fn)(void *),
		     unsigned long *lost, long *migrated)
{
	size_t i, words = psz / 8;
	pthread_t thread;
	int compacted;
	char *holes;
	long m0, m1;

	r->map = map_pmd_aligned(r->pages);
	if (!r->map)
		return -1;
	holes = dev_map(r->pages, MAP_PRIVATE);
	for (i = 0; i < r->pages; i++) {	/* frames interleaved */
		wr((uint64_t *)(holes + i * psz), 1);
		fill_keep(r->map, i, i + 1);
	}
	munmap(holes, r->pages * psz);
	m0 = vmstat_value("pgmigrate_success");
	__atomic_store_n(&r->stop, 0, __ATOMIC_RELAXED);
	if (pthread_create(&thread, NULL, fn, r))
		tap_bail("pthread_create: %s", strerror(errno));
	compacted = write_file(COMPACT_ALL, "all");
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	if (!compacted)
		tap_bail("cannot write \"all\" to %s: %s", COMPACT_ALL,
			 strerror(errno));
	m1 = vmstat_value("pgmigrate_success");
	if (m0 >= 0 && m1 > m0)
		*migrated += m1 - m0;
	for (i = 0; fn == mig_splitter && i < r->kept * words; i++)
		*lost += rd((uint64_t *)r->map + i) != KEEP(i / words, i % words);
	munmap(r->map, r->pages * psz);
	return 0;
}

/*
 * Compaction moves the pages of a mapping while its vma splits (mremap
 * shrinks it) or MADV_DONTNEED zaps it: a split must not drop a page that
 * a migration had just unmapped (both clear-looking to the mmu notifier),
 * and a page MADV_DONTNEED zapped must read back zero even while its
 * migration was in flight.
 */
static void test_migration_race(void)
{
	struct mig_race r = { .pages = 2 * PMD_BYTES / psz };
	unsigned long lost = 0, rounds = 0;
	long migrated[2] = { 0, 0 };
	double end = now() + race_seconds;
	int ok = 1;

	r.kept = r.pages * 3 / 4;
	while (ok && (now() < end || !rounds)) {
		ok = !mig_round(&r, mig_splitter, &lost, &migrated[0]) &&
		     !mig_round(&r, mig_zapper, &lost, &migrated[1]);
		rounds++;
	}
	printf("# migration race: %lu rounds, %lu shrinks and grows (%lu failed), %ld moved\n",
	       rounds, r.splits, r.grow_failed, migrated[0]);
	printf("# migration race: %lu DONTNEEDs, %ld pages migrated\n",
	       r.zaps, migrated[1]);
	tap(ok && lost == 0 && r.splits > 0 && !r.grow_failed && migrated[0] > 0,
	    "compaction moving pages under vma splits: the pages keep their data (%lu words not)",
	    lost);
	tap(ok && r.nonzero == 0 && r.zaps > 0 && migrated[1] > 0,
	    "compaction moving pages under MADV_DONTNEED: each zapped page reads back zero (%lu words not)",
	    r.nonzero);
}

/* --- Copy-on-write races after fork ---------------------------------------- */

#define BASE(i, j)	(0x62617365ULL << 32 | (uint64_t)(i) << 16 | (j))

/* @n private pages, every word j of page i holding BASE(i, j). */
static uint64_t *map_base(size_t n)
{
	uint64_t *map = (uint64_t *)dev_map(n, MAP_PRIVATE);
	size_t words = psz / 8, i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < words; j++)
			wr(&map[i * words + j], BASE(i, j));
	return map;
}

/* Words of @n pages of @map that no longer hold BASE(i, j). */
static unsigned long base_changed(uint64_t *map, size_t n)
{
	size_t words = psz / 8, i, j;
	unsigned long bad = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < words; j++)
			bad += rd(&map[i * words + j]) != BASE(i, j);
	return bad;
}

struct cow {
	pthread_barrier_t start;
	uint64_t *map;
	uint64_t tag;
};

static void *cow_writer(void *arg)
{
	struct cow *c = arg;
	size_t words = psz / 8;
	int i;

	pthread_barrier_wait(&c->start);
	for (i = 0; i < RACE_PAGES; i++)
		wr(&c->map[i * words], c->tag | i);
	return NULL;
}

static void *cow_reader(void *arg)
{
	struct cow *c = arg;
	size_t words = psz / 8;
	uint64_t sum = 0;
	int i;

	pthread_barrier_wait(&c->start);
	for (i = RACE_PAGES - 1; i >= 0; i--)
		sum += rd(&c->map[i * words + 1]);
	return (void *)(uintptr_t)sum;
}

/* Race a reader and a writer; return words that are not ours or base. */
static unsigned long cow_side(uint64_t *map, uint64_t tag)
{
	struct cow c = { .map = map, .tag = tag };
	size_t words = psz / 8, i, j;
	unsigned long bad = 0;
	pthread_t w, r;

	pthread_barrier_init(&c.start, NULL, 2);
	if (pthread_create(&w, NULL, cow_writer, &c) ||
	    pthread_create(&r, NULL, cow_reader, &c))
		exit(2);
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	pthread_barrier_destroy(&c.start);
	for (i = 0; i < RACE_PAGES; i++)
		for (j = 0; j < words; j++)
			bad += rd(&map[i * words + j]) != (j ? BASE(i, j) : (tag | i));
	return bad;
}

/* One fork: parent and child race on their sides, then check. */
static int cow_round(unsigned long *parent_bad, unsigned long *child_bad)
{
	uint64_t *map;
	int status, go[2];
	pid_t pid;
	char c = 0;

	map = map_base(RACE_PAGES);
	if (pipe(go))
		exit(2);
	pid = fork();
	if (!pid) {
		unsigned long bad = cow_side(map, 0x6368696cULL << 32);

		/* Check again once the parent has written too. */
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		bad += cow_side(map, 0x6368696cULL << 32) != 0;
		_exit(bad ? 1 : 0);
	}
	*parent_bad += cow_side(map, 0x70617265ULL << 32);
	if (write(go[1], &c, 1) != 1)
		exit(2);
	waitpid(pid, &status, 0);
	*child_bad += !WIFEXITED(status) || WEXITSTATUS(status);
	close(go[0]);
	close(go[1]);
	munmap(map, RACE_PAGES * psz);
	return 0;
}

static void test_cow_race(void)
{
	unsigned long parent_bad = 0, child_bad = 0, rounds = 0;
	double end = now() + race_seconds;

	do {
		cow_round(&parent_bad, &child_bad);
		rounds++;
	} while (now() < end);
	printf("# cow race: %lu forks of %d pages\n", rounds, RACE_PAGES);
	printf("# report cow_race forks %lu\n", rounds);
	printf("# report cow_race corrupted_words %lu\n", parent_bad);
	printf("# report cow_race corrupted_child_rounds %lu\n", child_bad);
	tap(parent_bad == 0,
	    "after fork, the parent sees only its writes and what was there (%lu words not)",
	    parent_bad);
	tap(child_bad == 0,
	    "after fork, the child sees only its writes and what was there (%lu rounds not)",
	    child_bad);
}

/* --- A debugger's writes racing the process's faults ----------------------- */

#define DBG_TAG(i)	(0x64656275ULL << 32 | (i))
#define OWN_TAG(i)	(0x6f776e00ULL << 32 | (i))
#define FORK_TAG(i)	(0x666f726bULL << 32 | (i))

struct dbg {
	pthread_barrier_t start;
	uint64_t *map;
	int memfd;
	unsigned long failed;	/* /proc/self/mem writes that did not go */
};

/* Word 1 of every page, through /proc/self/mem (the kernel's ->access). */
static void *dbg_writer(void *arg)
{
	struct dbg *d = arg;
	size_t words = psz / 8;
	int i;

	pthread_barrier_wait(&d->start);
	for (i = 0; i < RACE_PAGES; i++) {
		uint64_t v = DBG_TAG(i);
		off_t off = (off_t)(uintptr_t)&d->map[i * words + 1];

		if (pwrite(d->memfd, &v, 8, off) != 8)
			d->failed++;
	}
	return NULL;
}

/* Word 2 of every page, by the process itself. */
static void *own_writer(void *arg)
{
	struct dbg *d = arg;
	size_t words = psz / 8;
	int i;

	pthread_barrier_wait(&d->start);
	for (i = RACE_PAGES - 1; i >= 0; i--)
		wr(&d->map[i * words + 2], OWN_TAG(i));
	return NULL;
}

/* Word 3 of every page, read (the holes map the zero page). */
static void *own_reader(void *arg)
{
	struct dbg *d = arg;
	size_t words = psz / 8;
	uint64_t sum = 0;
	int i;

	pthread_barrier_wait(&d->start);
	for (i = 0; i < RACE_PAGES; i++)
		sum += rd(&d->map[i * words + 3]);
	return (void *)(uintptr_t)sum;
}

/*
 * Words of @map not as expected: word 0 FORK_TAG on even pages (written
 * before fork), words 1 and 2 the debugger's and the process's own tags
 * when @raced, zero everywhere else.
 */
static unsigned long dbg_check(uint64_t *map, int raced)
{
	size_t words = psz / 8, i, j;
	unsigned long bad = 0;

	for (i = 0; i < RACE_PAGES; i++)
		for (j = 0; j < words; j++) {
			uint64_t want = 0;

			if (j == 0 && !(i % 2))
				want = FORK_TAG(i);
			else if (j == 1 && raced)
				want = DBG_TAG(i);
			else if (j == 2 && raced)
				want = OWN_TAG(i);
			bad += rd(&map[i * words + j]) != want;
		}
	return bad;
}

/* One round: fork, then race in the parent; both sides check. */
static void dbg_round(int memfd, unsigned long *lost, unsigned long *child_bad,
		      unsigned long *failed)
{
	struct dbg d = { .memfd = memfd };
	size_t words = psz / 8;
	pthread_t t[3];
	int status, go[2], i;
	pid_t pid;
	char c = 0;

	d.map = (uint64_t *)dev_map(RACE_PAGES, MAP_PRIVATE);
	for (i = 0; i < RACE_PAGES; i += 2)
		wr(&d.map[i * words], FORK_TAG(i));
	if (pipe(go))
		exit(2);
	pid = fork();
	if (!pid) {
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(dbg_check(d.map, 0) ? 1 : 0);
	}
	pthread_barrier_init(&d.start, NULL, 3);
	if (pthread_create(&t[0], NULL, dbg_writer, &d) ||
	    pthread_create(&t[1], NULL, own_writer, &d) ||
	    pthread_create(&t[2], NULL, own_reader, &d))
		exit(2);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&d.start);
	*lost += dbg_check(d.map, 1);
	*failed += d.failed;
	if (write(go[1], &c, 1) != 1)
		exit(2);
	waitpid(pid, &status, 0);
	*child_bad += !WIFEXITED(status) || WEXITSTATUS(status);
	close(go[0]);
	close(go[1]);
	munmap(d.map, RACE_PAGES * psz);
}

static void test_debugger_race(void)
{
	unsigned long lost = 0, child_bad = 0, failed = 0, rounds = 0;
	double end = now() + race_seconds;
	int memfd = open("/proc/self/mem", O_RDWR);

	if (memfd < 0)
		tap_bail("cannot open /proc/self/mem: %s", strerror(errno));
	do {
		dbg_round(memfd, &lost, &child_bad, &failed);
		rounds++;
	} while (now() < end);
	close(memfd);
	printf("# debugger race: %lu rounds of %d pages, %lu writes failed\n",
	       rounds, RACE_PAGES, failed);
	printf("# report debugger_race rounds %lu\n", rounds);
	printf("# report debugger_race lost_words %lu\n", lost);
	printf("# report debugger_race corrupted_child_rounds %lu\n",
	       child_bad);
	tap(lost == 0 && failed == 0,
	    "a debugger's writes racing the process's faults: none lost (%lu words wrong, %lu writes failed)",
	    lost, failed);
	tap(child_bad == 0,
	    "a debugger's writes after fork never reach the child's pages (%lu rounds not)",
	    child_bad);
}

/* --- Copies under injected failure ----------------------------------------- */

static int set_fail_rmap(const char *prob, const char *interval,
			 const char *times)
{
	return write_file(FAIL_RMAP "/verbose", "0") &&
	       write_file(FAIL_RMAP "/interval", interval) &&
	       write_file(FAIL_RMAP "/times", times) &&
	       write_file(FAIL_RMAP "/probability", prob);
}

static long fail_rmap_injected(void)
{
	FILE *f = fopen(FAIL_RMAP "/injected", "r");
	long n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static void test_copy_under_failure(void)
{
	const size_t n = 64;
	size_t words = psz / 8, i, j;
	unsigned long bad = 0;
	uint64_t *map;
	long injected0;
	int status, go[2];
	pid_t pid;
	char c = 0;

	if (access(FAIL_RMAP, F_OK)) {
		tap(1, "copies under fail_rmap lose no byte # SKIP no %s",
		    FAIL_RMAP);
		tap(1, "fresh pages under fail_rmap # SKIP no %s", FAIL_RMAP);
		return;
	}
	map = map_base(n);
	if (pipe(go))
		exit(2);
	pid = fork();
	if (!pid) {
		/* Hold every page (copy-on-write) until the parent is done. */
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(base_changed(map, n) ? 1 : 0);
	}
	injected0 = fail_rmap_injected();
	/* Every other page entering an object fails: half the copies. */
	if (!set_fail_rmap("100", "2", "-1"))
		exit(2);
	for (i = 0; i < n; i++)
		wr(&map[i * words + 1], ~BASE(i, 1));
	set_fail_rmap("0", "1", "0");
	for (i = 0; i < n; i++)
		for (j = 0; j < words; j++)
			bad += rd(&map[i * words + j]) !=
			       (j == 1 ? ~BASE(i, 1) : BASE(i, j));
	if (write(go[1], &c, 1) != 1)
		exit(2);
	waitpid(pid, &status, 0);
	printf("# fail_rmap injected %ld failures\n",
	       fail_rmap_injected() - injected0);
	printf("# report fail_rmap_copy corrupted_words %lu\n",
	       bad + (WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1));
	tap(bad == 0 && WIFEXITED(status) && !WEXITSTATUS(status) &&
	    fail_rmap_injected() > injected0,
	    "copies under fail_rmap lose no byte (parent %lu words wrong, child status %#x)",
	    bad, status);
	munmap(map, n * psz);
	close(go[0]);
	close(go[1]);

	/* New pages over the zero page, same failures. */
	map = (uint64_t *)dev_map(n, MAP_PRIVATE);
	bad = 0;
	for (i = 0; i < n; i++)
		bad += rd(&map[i * words + 2]) != 0;
	if (!set_fail_rmap("100", "2", "-1"))
		exit(2);
	for (i = 0; i < n; i++)
		wr(&map[i * words + 2], BASE(i, 2));
	set_fail_rmap("0", "1", "0");
	for (i = 0; i < n; i++)
		for (j = 0; j < words; j++)
			bad += rd(&map[i * words + j]) != (j == 2 ? BASE(i, 2) : 0);
	printf("# report fail_rmap_new corrupted_words %lu\n", bad);
	tap(bad == 0,
	    "fresh pages under fail_rmap: every write kept, the rest zero (%lu words not)",
	    bad);
	munmap(map, n * psz);
}

/* fork() cannot fail a page's entry into the child's object. */
static void test_fork_under_failure(void)
{
	const size_t n = 32;
	uint64_t *map;
	int status;
	pid_t pid;

	if (access(FAIL_RMAP, F_OK)) {
		tap(1, "fork under fail_rmap # SKIP no %s", FAIL_RMAP);
		return;
	}
	map = map_base(n);
	if (!set_fail_rmap("100", "1", "-1"))
		exit(2);
	pid = fork();
	if (!pid)
		_exit(base_changed(map, n) ? 1 : 0);
	waitpid(pid, &status, 0);
	set_fail_rmap("0", "1", "0");
	printf("# report fork_fail_rmap lost_child_pages %d\n",
	       !(WIFEXITED(status) && !WEXITSTATUS(status)));
	tap(WIFEXITED(status) && !WEXITSTATUS(status),
	    "fork with fail_rmap failing every call: the child inherits every page (status %#x)",
	    status);
	munmap(map, n * psz);
}

/* --- OOM kill of the faulter, the fault taken in the kernel --------------- */

static void test_oom_kill_in_kernel(void)
{
	long fp = drained_free_pages();
	/* Half the region in user mode, the rest must come inside read(). */
	size_t fill = fp > 0 ? fp / 2 : 0, more = fp > 0 ? fp : 0, i;
	int status = 0, zfd, done = 0;
	double end;
	pid_t pid;

	if (!fill || !write_file(OOM_POLICY, "kill")) {
		tap(1, "oom kill of a faulter inside read() # SKIP no %s or region too small",
		    OOM_POLICY);
		return;
	}
	pid = fork();
	if (!pid) {
		char *p = dev_map(fill + more, MAP_PRIVATE);
		ssize_t r;

		for (i = 0; i < fill; i++)
			p[i * psz] = 1;
		zfd = open("/dev/zero", O_RDONLY);
		/* The region runs out inside this read: a kernel-mode fault. */
		r = read(zfd, p + fill * psz, more * psz);
		_exit(r < 0 ? 10 : 11);
	}
	end = now() + 60;
	while (now() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			done = 1;
			break;
		}
		usleep(50000);
	}
	write_file(OOM_POLICY, "sigbus");
	if (!done) {
		kill(pid, SIGKILL);
		printf("# the child still runs after 60 s: spinning in the kernel\n");
	}
	tap(done && ((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
		     (WIFEXITED(status) && WEXITSTATUS(status) == 10)),
	    "oom kill of a faulter inside read(): killed or EFAULT, no endless retry (status %#x)",
	    status);
	for (i = 0; i < 100 && drained_free_pages() != fp; i++)
		usleep(20000);
	tap(drained_free_pages() == fp, "oom kill inside read(): every page back");
}

int main(void)
{
	const char *s = getenv("RACE_SECONDS");
	long fp0, fp1, dirty;

	if (s && atof(s) > 0)
		race_seconds = atof(s);
	tap_plan(NR_CASES);
	test_open_dev();
	fp0 = drained_free_pages();
	test_zero_page_race();
	test_cow_race();
	test_debugger_race();
	test_dontneed_race();
	test_dontneed_read_race();
	test_migration_race();
	test_copy_under_failure();
	test_fork_under_failure();
	test_oom_kill_in_kernel();
	dirty = fresh_mapping_dirty_words(RACE_PAGES);
	tap(dirty == 0 && zero_page_dirty() == 0,
	    "at the end the zero page is still all zeroes");
	fp1 = drained_free_pages();
	printf("# report leaked_pages %ld\n", fp0 - fp1);
	tap(fp1 == fp0, "nothing leaked: free pages %ld, at start %ld", fp1,
	    fp0);
	return tap_done();
}
