// SPDX-License-Identifier: GPL-2.0
/*
 * slub_race: mmlab_slub's allocations raced from user space through the
 * /dev/mmlab ioctls. Modes:
 *
 *   slub_race race [--seconds S] [--procs P] [--threads T] [--cpu C]
 *		    [--sessions] [--name RUN]
 *	P processes of T threads each, every thread with its own open file
 *	(the ioctls of one file are serialized), run for S seconds (default
 *	$RACE_SECONDS, else 3): cache create and destroy, OBJ_ALLOC and
 *	OBJ_FREE of several caches (plain, cache-line aligned, red-zoned with
 *	sanity checks), KMALLOC of sizes from 8 bytes to 16 KiB, VMALLOC and
 *	VFREE, in random order. --cpu C pins every thread to CPU C before
 *	each step (a CPU going offline breaks a pinning; it is renewed).
 *	--sessions closes and reopens the file now and then, so that the
 *	last close frees what the file holds and destroys its caches. One
 *	TAP line: every call succeeded or failed only for lack of memory,
 *	and no process died; "# report RUN calls N" lines for make stress.
 *
 *   slub_race hold [--cpu C]
 *	On CPU C: a cache with three full slabs and a partial one, objects
 *	freed from each full slab (CPU partial slabs), kmalloc objects of
 *	three sizes. Prints "holding pid N" and waits for SIGUSR1; then
 *	frees everything wherever it runs by then, closes the file (the
 *	cache is destroyed) and prints "released". For the CPU hotplug test.
 *
 *   slub_race redzone
 *	Caches of objects smaller than a pointer with red zone and sanity
 *	checks, from CACHE_CREATE: objects allocated, freed and allocated
 *	again, then the cache's validate and debug_errors files. TAP lines.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "tools/tests/testlib.h"

#define SLAB_DIR	"/sys/kernel/debug/mmlab/slab"
#define NCACHES		3
#define MAX_HELD	512	/* objects one thread holds */
#define MAX_AREAS	8

static const struct {
	unsigned int size, align, flags;
} cache_kinds[NCACHES] = {
	{ 200, 0, 0 },
	{ 64, 0, MMLAB_CACHE_HWCACHE_ALIGN },
	{ 5, 0, MMLAB_CACHE_RED_ZONE | MMLAB_CACHE_SANITY },
};

static int opt_seconds = 3, opt_procs = 2, opt_threads = 3, opt_cpu = -1;
static int opt_sessions;
static const char *opt_name = "race";

/* What one thread holds: object handles, area handles, its caches. */
struct worker {
	int fd, id;
	unsigned int seed;
	uint64_t cache[NCACHES];
	unsigned int cache_objs[NCACHES];
	uint64_t obj[MAX_HELD];
	int obj_cache[MAX_HELD];	/* -1: kmalloc */
	unsigned int nobj;
	uint64_t area[MAX_AREAS];
	unsigned int narea;
	unsigned long ops, nomem, errors;
	char first_error[160];
};

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* Fails while the CPU is offline: then it runs elsewhere. */
	sched_setaffinity(0, sizeof(set), &set);
}

/* Count the result of one ioctl: ENOMEM and ENOSPC are expected. */
static int account(struct worker *w, int ret, const char *what)
{
	w->ops++;
	if (!ret)
		return 0;
	if (errno == ENOMEM || errno == ENOSPC) {
		w->nomem++;
		return -1;
	}
	if (!w->errors++)
		snprintf(w->first_error, sizeof(w->first_error),
			 "%s: %s", what, strerror(errno));
	return -1;
}

static void cache_create(struct worker *w, int k)
{
	struct mmlab_ioc_cache_create req;

	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), "race-%d-%d-%d", getpid(),
		 w->id, k);
	req.size = cache_kinds[k].size;
	req.align = cache_kinds[k].align;
	req.flags = cache_kinds[k].flags;
	if (!account(w, ioctl(w->fd, MMLAB_IOC_CACHE_CREATE, &req),
		     "cache_create"))
		w->cache[k] = req.handle;
}

static void cache_destroy(struct worker *w, int k)
{
	struct mmlab_ioc_handle req;

	memset(&req, 0, sizeof(req));
	req.handle = w->cache[k];
	if (!account(w, ioctl(w->fd, MMLAB_IOC_CACHE_DESTROY, &req),
		     "cache_destroy"))
		w->cache[k] = 0;
}

/* OBJ_ALLOC from cache @k, or KMALLOC of @size when @k < 0. */
static void obj_alloc(struct worker *w, int k, unsigned int size,
		      unsigned int count)
{
	struct mmlab_ioc_obj_alloc req;
	uint64_t handles[64];
	unsigned int i;

	if (count > MAX_HELD - w->nobj)
		count = MAX_HELD - w->nobj;
	if (count > 64)
		count = 64;
	if (!count || (k >= 0 && !w->cache[k]))
		return;
	memset(&req, 0, sizeof(req));
	req.cache = k >= 0 ? w->cache[k] : 0;
	req.size = k >= 0 ? 0 : size;
	req.count = count;
	req.handles = (uintptr_t)handles;
	if (account(w, ioctl(w->fd, k >= 0 ? MMLAB_IOC_OBJ_ALLOC :
					     MMLAB_IOC_KMALLOC, &req),
		    k >= 0 ? "obj_alloc" : "kmalloc"))
		return;
	for (i = 0; i < req.nr_done; i++) {
		w->obj[w->nobj] = handles[i];
		w->obj_cache[w->nobj] = k;
		w->nobj++;
	}
	if (k >= 0)
		w->cache_objs[k] += req.nr_done;
}

/* Free up to @count objects from a random place of the list. */
static void obj_free(struct worker *w, unsigned int count)
{
	struct mmlab_ioc_obj_free req;
	unsigned int start, i;

	if (!w->nobj)
		return;
	if (count > w->nobj)
		count = w->nobj;
	start = rand_r(&w->seed) % (w->nobj - count + 1);
	memset(&req, 0, sizeof(req));
	req.handles = (uintptr_t)&w->obj[start];
	req.count = count;
	if (account(w, ioctl(w->fd, MMLAB_IOC_OBJ_FREE, &req), "obj_free"))
		return;
	for (i = start; i < start + count; i++)
		if (w->obj_cache[i] >= 0)
			w->cache_objs[w->obj_cache[i]]--;
	memmove(&w->obj[start], &w->obj[start + count],
		(w->nobj - start - count) * sizeof(w->obj[0]));
	memmove(&w->obj_cache[start], &w->obj_cache[start + count],
		(w->nobj - start - count) * sizeof(w->obj_cache[0]));
	w->nobj -= count;
}

static void area_alloc(struct worker *w)
{
	struct mmlab_ioc_vmalloc req;

	if (w->narea == MAX_AREAS)
		return;
	memset(&req, 0, sizeof(req));
	req.size = (1 + rand_r(&w->seed) % 8) * psz - rand_r(&w->seed) % 64;
	if (!account(w, ioctl(w->fd, MMLAB_IOC_VMALLOC, &req), "vmalloc"))
		w->area[w->narea++] = req.handle;
}

static void area_free(struct worker *w)
{
	struct mmlab_ioc_handle req;
	unsigned int i;

	if (!w->narea)
		return;
	i = rand_r(&w->seed) % w->narea;
	memset(&req, 0, sizeof(req));
	req.handle = w->area[i];
	if (!account(w, ioctl(w->fd, MMLAB_IOC_VFREE, &req), "vfree"))
		w->area[i] = w->area[--w->narea];
}

static void session_open(struct worker *w)
{
	int k;

	w->fd = open(MMLAB_DEV_PATH, O_RDWR);
	if (w->fd < 0) {
		account(w, -1, "open");
		return;
	}
	w->nobj = 0;
	w->narea = 0;
	for (k = 0; k < NCACHES; k++) {
		w->cache[k] = 0;
		w->cache_objs[k] = 0;
		cache_create(w, k);
	}
}

/* The last close frees every object and area and destroys the caches. */
static void session_close(struct worker *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static void step(struct worker *w)
{
	unsigned int r = rand_r(&w->seed) % 100;
	int k = rand_r(&w->seed) % NCACHES;

	if (r < 35) {
		obj_alloc(w, k, 0, 1 + rand_r(&w->seed) % 48);
	} else if (r < 55) {
		obj_alloc(w, -1, 8 << (rand_r(&w->seed) % 12),
			  1 + rand_r(&w->seed) % 16);
	} else if (r < 85) {
		obj_free(w, 1 + rand_r(&w->seed) % 40);
	} else if (r < 91) {
		area_alloc(w);
	} else if (r < 97) {
		area_free(w);
	} else if (w->cache[k] && !w->cache_objs[k]) {
		cache_destroy(w, k);
		if (!w->cache[k])
			cache_create(w, k);
	} else if (opt_sessions) {
		session_close(w);
		session_open(w);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	double end = now() + opt_seconds;

	pin(opt_cpu);
	session_open(w);
	while (now() < end) {
		pin(opt_cpu);
		if (w->fd < 0)
			session_open(w);
		else
			step(w);
	}
	session_close(w);
	return NULL;
}

/* One process: T threads; writes "ops nomem errors" and the first error. */
static int race_process(int out, int idx)
{
	struct worker *w = calloc(opt_threads, sizeof(*w));
	pthread_t *t = calloc(opt_threads, sizeof(*t));
	unsigned long ops = 0, nomem = 0, errors = 0;
	char line[256], first[160] = "";
	int i;

	if (!w || !t)
		return 1;
	for (i = 0; i < opt_threads; i++) {
		w[i].id = i;
		w[i].fd = -1;
		w[i].seed = getpid() * 7919 + i * 104729 + time(NULL);
		if (pthread_create(&t[i], NULL, worker_fn, &w[i]))
			return 1;
	}
	for (i = 0; i < opt_threads; i++) {
		pthread_join(t[i], NULL);
		ops += w[i].ops;
		nomem += w[i].nomem;
		errors += w[i].errors;
		if (w[i].errors && !first[0])
			snprintf(first, sizeof(first), "%s", w[i].first_error);
	}
	snprintf(line, sizeof(line), "%lu %lu %lu %d %s\n", ops, nomem, errors,
		 idx, first[0] ? first : "-");
	if (write(out, line, strlen(line)) < 0)
		return 1;
	return 0;
}

static int cmd_race(void)
{
	unsigned long ops = 0, nomem = 0, errors = 0, o, n, e;
	int pfd[2], i, status, died = 0, reports = 0, idx;
	char buf[512], first[200] = "", *p;
	FILE *f;

	tap_plan(1);
	if (pipe(pfd))
		tap_bail("pipe: %s", strerror(errno));
	for (i = 0; i < opt_procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (!pid) {
			close(pfd[0]);
			_exit(race_process(pfd[1], i));
		}
	}
	close(pfd[1]);
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			died++;
	f = fdopen(pfd[0], "r");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%lu %lu %lu %d", &o, &n, &e, &idx) != 4)
			continue;
		reports++;
		ops += o;
		nomem += n;
		errors += e;
		p = strchr(buf, '\n');
		if (p)
			*p = '\0';
		if (e && !first[0])
			snprintf(first, sizeof(first), " (first: %.160s)", buf);
	}
	printf("# %lu calls, %lu refused for lack of memory, %lu unexpected errors%s\n",
	       ops, nomem, errors, first);
	printf("# report %s calls %lu\n", opt_name, ops);
	printf("# report %s calls_refused_nomem %lu\n", opt_name, nomem);
	tap(!died && reports == opt_procs && !errors && ops > 0,
	    "race: %d processes x %d threads%s%s for %d s: %lu calls, no unexpected error, no process died",
	    opt_procs, opt_threads, opt_cpu >= 0 ? " pinned to a CPU" : "",
	    opt_sessions ? " with sessions ending" : "", opt_seconds, ops);
	return tap_done();
}

/* --- hold ---------------------------------------------------------------- */

static long slab_value(const char *cache, const char *file)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), SLAB_DIR "/%s/%s", cache, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int cmd_hold(void)
{
	struct worker w;
	char name[40];
	unsigned int i;
	long per_slab;
	sigset_t set;
	int sig;

	memset(&w, 0, sizeof(w));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pin(opt_cpu);
	w.fd = open(MMLAB_DEV_PATH, O_RDWR);
	if (w.fd < 0) {
		perror("open " MMLAB_DEV_PATH);
		return 2;
	}
	cache_create(&w, 0);
	snprintf(name, sizeof(name), "race-%d-0-0", getpid());
	per_slab = slab_value(name, "objs_per_slab");
	if (!w.cache[0] || per_slab < 1 || 3 * per_slab + 1 > MAX_HELD / 2) {
		fprintf(stderr, "hold: cache %s: objs_per_slab %ld\n", name,
			per_slab);
		return 2;
	}
	/* Three full slabs and one more object: a CPU slab. */
	for (i = 0; i < 3 * per_slab + 1; i += 64)
		obj_alloc(&w, 0, 0, 3 * per_slab + 1 - i);
	/* One freed from each full slab: CPU partial slabs. */
	for (i = 0; i < 3; i++) {
		struct mmlab_ioc_obj_free req;

		memset(&req, 0, sizeof(req));
		req.handles = (uintptr_t)&w.obj[i * per_slab];
		req.count = 1;
		account(&w, ioctl(w.fd, MMLAB_IOC_OBJ_FREE, &req), "obj_free");
	}
	obj_alloc(&w, -1, 64, 40);
	obj_alloc(&w, -1, 1024, 10);
	obj_alloc(&w, -1, 8192, 3);
	if (w.errors || w.nomem) {
		fprintf(stderr, "hold: %s\n", w.first_error);
		return 2;
	}
	printf("holding pid %d cache %s objects %u\n", getpid(), name, w.nobj);
	fflush(stdout);
	while (sigwait(&set, &sig) || sig != SIGUSR1)
		;
	close(w.fd);		/* frees the objects, destroys the cache */
	printf("released\n");
	return 0;
}

/* --- redzone ------------------------------------------------------------- */

static int write_one(const char *cache, const char *file)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), SLAB_DIR "/%s/%s", cache, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	return ret;
}

static int cmd_redzone(void)
{
	struct worker w;
	char name[MMLAB_USER_NAME_LEN];
	unsigned int size, round;
	int err;

	tap_plan(sizeof(void *) - 1);
	memset(&w, 0, sizeof(w));
	w.fd = devfd;
	for (size = 1; size < sizeof(void *); size++) {
		struct mmlab_ioc_cache_create req;

		memset(&req, 0, sizeof(req));
		snprintf(name, sizeof(name), "rz-%d-%u", getpid(), size);
		memcpy(req.name, name, sizeof(req.name));
		req.size = size;
		req.flags = MMLAB_CACHE_RED_ZONE | MMLAB_CACHE_SANITY;
		if (ioctl(devfd, MMLAB_IOC_CACHE_CREATE, &req)) {
			tap(0, "cache of %u-byte objects with red zone: create: %s",
			    size, strerror(errno));
			continue;
		}
		w.cache[0] = req.handle;
		w.nobj = 0;
		w.cache_objs[0] = 0;
		for (round = 0; round < 2; round++) {
			obj_alloc(&w, 0, 0, 32);
			while (w.nobj)
				obj_free(&w, w.nobj);
		}
		err = write_one(name, "validate");
		tap(!w.errors && !err && slab_value(name, "debug_errors") == 0,
		    "%u-byte objects with red zone: allocated, freed, allocated again: validate %s, debug_errors %ld",
		    size, err ? strerror(-err) : "clean",
		    slab_value(name, "debug_errors"));
		cache_destroy(&w, 0);
	}
	return tap_done();
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: slub_race race [--seconds S] [--procs P] [--threads T] [--cpu C] [--sessions] [--name RUN]\n"
		"       slub_race hold [--cpu C]\n"
		"       slub_race redzone\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *env = getenv("RACE_SECONDS");
	int i;

	if (env && atoi(env) > 0)
		opt_seconds = atoi(env);
	if (argc < 2)
		bad_usage();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--sessions"))
			opt_sessions = 1;
		else if (i + 1 >= argc)
			bad_usage();
		else if (!strcmp(argv[i], "--seconds"))
			opt_seconds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--procs"))
			opt_procs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads"))
			opt_threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cpu"))
			opt_cpu = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--name"))
			opt_name = argv[++i];
		else
			bad_usage();
	}
	if (opt_procs < 1 || opt_threads < 1 || opt_seconds < 1)
		bad_usage();
	test_open_dev();
	if (!strcmp(argv[1], "race"))
		return cmd_race();
	if (!strcmp(argv[1], "hold"))
		return cmd_hold();
	if (!strcmp(argv[1], "redzone"))
		return cmd_redzone();
	bad_usage();
	return 2;
}
