// SPDX-License-Identifier: GPL-2.0
/*
 * fault_bench: page faults of mmap(/dev/mmlab) against MAP_ANONYMOUS, for
 * mmlab_bench's fault rows (issue 7). Each side runs the same work; the two
 * alternate within each repeat.
 *
 *   page_fault1_procN / _threadsN  will-it-scale's page_fault1: map SIZE,
 *        write one byte of every page, unmap; N processes or threads at once,
 *        released together. The figure is wall time per fault over all
 *        workers (lower is better; its inverse is the throughput).
 *   fault_rw_read / fault_rw_write  read every page (zero page), then write
 *        every page (the write-protect fault); each pass per page.
 *   fork_cow  touch SIZE, fork, the child writes every page (copy on
 *        write) and exits; fork to wait, per page.
 *
 * Output lines, as mmlab_bench's: row,faults,ROW,mmlab|kernel,REP,OPS,NS
 * A side that fails prints fail,faults,ROW,SIDE,REP,ERRNO and the program
 * exits 1 at the end. The anonymous side asks for MADV_NOHUGEPAGE; the run
 * script also turns THP off.
 *
 * usage: fault_bench [-s MiB] [-c COW_MiB] [-i ITERS] [-r REPEAT] [-n MAXN]
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS	64

static size_t map_size = 128UL << 20;
static size_t cow_size = 64UL << 20;
static int iters = 1;
static int repeat = 1;
static int max_workers;
static long page_size;
static int failed;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A private mapping of @size on one side, or MAP_FAILED. */
static char *map_side(int mmlab, size_t size)
{
	char *p;
	int fd;

	if (!mmlab) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			madvise(p, size, MADV_NOHUGEPAGE);
		return p;
	}
	fd = open("/dev/mmlab", O_RDWR);
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	return p;
}

static void report(const char *row, int mmlab, int rep,
		   unsigned long long ops, unsigned long long ns)
{
	unsigned long long ps = ops ? ns * 1000 / ops : 0;

	printf("row,faults,%s,%s,%d,%llu,%llu.%03llu\n", row,
	       mmlab ? "mmlab" : "kernel", rep, ops, ps / 1000, ps % 1000);
	fflush(stdout);
}

static void report_fail(const char *row, int mmlab, int rep, int err)
{
	printf("fail,faults,%s,%s,%d,%d\n", row, mmlab ? "mmlab" : "kernel",
	       rep, -err);
	fflush(stdout);
	failed = 1;
}

/* One page_fault1 worker: iters x (map, write every page, unmap). */
static int pf1_work(int mmlab)
{
	char *p;
	size_t off;
	int i;

	for (i = 0; i < iters; i++) {
		p = map_side(mmlab, map_size);
		if (p == MAP_FAILED)
			return errno ? errno : ENOMEM;
		for (off = 0; off < map_size; off += page_size)
			p[off] = 1;
		munmap(p, map_size);
	}
	return 0;
}

struct start_gate {
	int ready;
	int go;
	int err;
};

static void gate_wait(struct start_gate *g)
{
	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&g->go, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void gate_open(struct start_gate *g, int n)
{
	while (__atomic_load_n(&g->ready, __ATOMIC_ACQUIRE) < n)
		sched_yield();
	__atomic_store_n(&g->go, 1, __ATOMIC_RELEASE);
}

struct thread_arg {
	struct start_gate *gate;
	int mmlab;
};

static void *pf1_thread(void *data)
{
	struct thread_arg *a = data;
	int err;

	gate_wait(a->gate);
	err = pf1_work(a->mmlab);
	if (err)
		__atomic_store_n(&a->gate->err, err, __ATOMIC_RELEASE);
	return NULL;
}

static int pf1_threads(int mmlab, int n, unsigned long long *ns)
{
	struct start_gate gate = { 0 };
	struct thread_arg arg = { &gate, mmlab };
	pthread_t tid[MAX_WORKERS];
	unsigned long long t0;
	int i;

	for (i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, pf1_thread, &arg))
			break;
	if (i < n) {
		gate.go = 1;
		gate.err = EAGAIN;
	} else {
		gate_open(&gate, n);
	}
	t0 = now_ns();
	while (i--)
		pthread_join(tid[i], NULL);
	*ns = now_ns() - t0;
	return gate.err;
}

static int pf1_procs(int mmlab, int n, unsigned long long *ns)
{
	struct start_gate *gate;
	unsigned long long t0;
	int i, status, err = 0;
	pid_t pid;

	gate = mmap(NULL, sizeof(*gate), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (gate == MAP_FAILED)
		return errno;
	memset(gate, 0, sizeof(*gate));
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid == 0) {
			gate_wait(gate);
			_exit(pf1_work(mmlab));
		}
		if (pid < 0) {
			err = errno;
			break;
		}
	}
	if (err)
		gate->go = 1;
	else
		gate_open(gate, n);
	t0 = now_ns();
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			err = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
	*ns = now_ns() - t0;
	munmap(gate, sizeof(*gate));
	return err;
}

static void run_pf1(int rep)
{
	unsigned long long ns = 0, ops;
	char row[48];
	int n, mmlab, threads, err;

	for (threads = 0; threads < 2; threads++) {
		for (n = 1; n <= max_workers; n++) {
			snprintf(row, sizeof(row), "page_fault1_%s%d",
				 threads ? "threads" : "proc", n);
			ops = (unsigned long long)n * iters * (map_size / page_size);
			for (mmlab = 1; mmlab >= 0; mmlab--) {
				err = threads ? pf1_threads(mmlab, n, &ns) :
						pf1_procs(mmlab, n, &ns);
				if (err)
					report_fail(row, mmlab, rep, err);
				else
					report(row, mmlab, rep, ops, ns);
			}
		}
	}
}

static void run_rw(int rep)
{
	unsigned long long t0, t1, t2, pages = map_size / page_size;
	char *p;
	size_t off;
	int mmlab;
	char sink = 0;

	for (mmlab = 1; mmlab >= 0; mmlab--) {
		p = map_side(mmlab, map_size);
		if (p == MAP_FAILED) {
			report_fail("fault_rw_read", mmlab, rep, errno);
			report_fail("fault_rw_write", mmlab, rep, errno);
			continue;
		}
		t0 = now_ns();
		for (off = 0; off < map_size; off += page_size)
			sink += p[off];
		t1 = now_ns();
		for (off = 0; off < map_size; off += page_size)
			p[off] = sink + 1;
		t2 = now_ns();
		munmap(p, map_size);
		report("fault_rw_read", mmlab, rep, pages, t1 - t0);
		report("fault_rw_write", mmlab, rep, pages, t2 - t1);
	}
}

static void touch(char *p, size_t size, char v)
{
	size_t off;

	for (off = 0; off < size; off += page_size)
		p[off] = v;
}

static void run_cow(int rep)
{
	unsigned long long t0, ns;
	int mmlab, status;
	char *p;
	pid_t pid;

	for (mmlab = 1; mmlab >= 0; mmlab--) {
		p = map_side(mmlab, cow_size);
		if (p == MAP_FAILED) {
			report_fail("fork_cow", mmlab, rep, errno);
			continue;
		}
		touch(p, cow_size, 1);
		t0 = now_ns();
		pid = fork();
		if (pid == 0) {
			touch(p, cow_size, 2);
			_exit(p[0] == 2 ? 0 : 1);
		}
		status = -1;
		if (pid > 0)
			waitpid(pid, &status, 0);
		ns = now_ns() - t0;
		if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
		    p[0] != 1)
			report_fail("fork_cow", mmlab, rep, pid < 0 ? errno : EIO);
		else
			report("fork_cow", mmlab, rep, cow_size / page_size, ns);
		munmap(p, cow_size);
	}
}

static int parse(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "s:c:i:r:n:")) != -1) {
		long v = strtol(optarg, NULL, 0);

		if (v < 1 || v > 4096)
			return -1;
		switch (c) {
		case 's':
			map_size = (size_t)v << 20;
			break;
		case 'c':
			cow_size = (size_t)v << 20;
			break;
		case 'i':
			iters = v;
			break;
		case 'r':
			repeat = v;
			break;
		case 'n':
			max_workers = v > MAX_WORKERS ? MAX_WORKERS : v;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
	int rep;

	page_size = sysconf(_SC_PAGESIZE);
	max_workers = sysconf(_SC_NPROCESSORS_ONLN);
	if (max_workers > MAX_WORKERS)
		max_workers = MAX_WORKERS;
	if (parse(argc, argv)) {
		fprintf(stderr, "usage: fault_bench [-s MiB] [-c COW_MiB] [-i ITERS]");
		fprintf(stderr, " [-r REPEAT] [-n MAXN] (1..4096 each)\n");
		return 2;
	}
	printf("# config fault map=%zu MiB cow=%zu MiB iters=%d workers=1..%d\n",
	       map_size >> 20, cow_size >> 20, iters, max_workers);
	for (rep = 0; rep < repeat; rep++) {
		run_pf1(rep);
		run_rw(rep);
		run_cow(rep);
	}
	return failed;
}
