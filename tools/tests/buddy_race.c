// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_race: the page allocator's side of buddy_race.sh, through the
 * ALLOC_PAGES and FREE_PAGES ioctls of /dev/mmlab, from a process pinned
 * to one CPU (so that what it frees lands on that CPU's per-CPU lists).
 *
 *   buddy_race cycle CPU
 *	allocate blocks of every order, most of them of the per-CPU orders,
 *	and free them all, on CPU; then exit.
 *   buddy_race churn CPU SECONDS SEED
 *	for SECONDS, allocate and free blocks of random orders (every order)
 *	and types, holding up to 64 blocks, pinning itself to CPU again
 *	whenever CPU comes back after going offline; free everything.
 *
 * Each prints TAP lines (its own numbering, the caller renumbers) and a
 * "# stats" line: blocks allocated and freed, allocations refused for lack
 * of memory, how often it pinned itself again.
 */
#include <sched.h>
#include <time.h>

#include "testlib.h"

#define SLOTS		64
#define PCP_ORDERS	4	/* orders with per-CPU lists in mmlab_buddy */

static unsigned int max_order;
static unsigned long allocs, frees, enomem, repins;

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Still on @cpu? If the kernel moved us while it was offline, go back. */
static void repin(int cpu)
{
	if (sched_getcpu() != cpu && !pin(cpu))
		repins++;
}

/* One block of @order in region 0, or 0 (handle) if refused. */
static uint64_t alloc_one(unsigned int order, unsigned int flags, int *err)
{
	struct mmlab_ioc_block blk;
	struct mmlab_ioc_alloc req;

	memset(&req, 0, sizeof(req));
	req.nid = 0;
	req.order = order;
	req.flags = flags | MMLAB_ALLOC_NOWARN;
	req.count = 1;
	req.blocks = (uintptr_t)&blk;
	*err = 0;
	if (ioctl(devfd, MMLAB_IOC_ALLOC_PAGES, &req)) {
		if (errno != ENOMEM)
			*err = errno;
		enomem += errno == ENOMEM;
		return 0;
	}
	allocs++;
	return blk.handle;
}

static int free_one(uint64_t handle)
{
	struct mmlab_ioc_free req;

	memset(&req, 0, sizeof(req));
	req.handles = (uintptr_t)&handle;
	req.count = 1;
	if (ioctl(devfd, MMLAB_IOC_FREE_PAGES, &req))
		return errno;
	frees++;
	return 0;
}

static int read_max_order(void)
{
	struct mmlab_ioc_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(devfd, MMLAB_IOC_INFO, &info))
		return -1;
	max_order = info.max_order;
	return info.nr_regions ? 0 : -1;
}

static void print_stats(void)
{
	printf("# stats allocs %lu frees %lu enomem %lu repins %lu\n",
	       allocs, frees, enomem, repins);
}

/*
 * Blocks of every order, freed on @cpu: its per-CPU lists fill up. Freed
 * highest order first: an order-1..3 block freed after a run of frees
 * that passed high empties the lists (6.1's free_high), order-0 frees
 * always leave at least a batch there.
 */
static int cycle(int cpu)
{
	uint64_t handles[512];
	unsigned int order, n = 0, i;
	int err = 0, ferr = 0;

	tap_plan(3);
	tap(!pin(cpu), "pinned to cpu %d", cpu);
	for (order = 0; order < max_order && !err; order++) {
		unsigned int want = order < PCP_ORDERS ? 96 >> order : 1;

		for (i = 0; i < want && n < 512 && !err; i++) {
			uint64_t h = alloc_one(order, i & 1 ? MMLAB_ALLOC_MOVABLE : 0,
					       &err);

			if (h)
				handles[n++] = h;
		}
	}
	for (i = n; i-- > 0;)
		ferr = ferr ? ferr : free_one(handles[i]);
	tap(!err && n > 0, "%u blocks of orders 0..%u allocated on cpu %d (%s)",
	    n, max_order - 1, cpu, err ? strerror(err) : "no error");
	tap(!ferr, "all of them freed on cpu %d (%s)", cpu,
	    ferr ? strerror(ferr) : "no error");
	print_stats();
	return tap_done();
}

static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Random blocks of every order and type on @cpu for @secs seconds. */
static int churn(int cpu, double secs, uint32_t seed)
{
	static const unsigned int types[] = {
		0, MMLAB_ALLOC_MOVABLE, MMLAB_ALLOC_RECLAIMABLE,
	};
	uint64_t held[SLOTS] = { 0 };
	double end = now() + secs;
	unsigned long rounds = 0;
	int err = 0, ferr = 0, i;

	tap_plan(3);
	pin(cpu);
	if (!seed)
		seed = 1;
	while (now() < end && !err && !ferr) {
		uint64_t *slot = &held[next_rand(&seed) % SLOTS];

		if (*slot) {
			ferr = free_one(*slot);
			*slot = 0;
		} else {
			/* Mostly the per-CPU orders, every order now and then. */
			unsigned int order = next_rand(&seed) % 4 ?
				next_rand(&seed) % PCP_ORDERS :
				next_rand(&seed) % max_order;

			*slot = alloc_one(order, types[next_rand(&seed) % 3], &err);
		}
		if (++rounds % 64 == 0)
			repin(cpu);
	}
	for (i = 0; i < SLOTS; i++)
		if (held[i] && !ferr)
			ferr = free_one(held[i]);
	tap(!err, "%lu rounds on cpu %d: no allocation error but ENOMEM (%s)",
	    rounds, cpu, err ? strerror(err) : "none");
	tap(!ferr, "random blocks on cpu %d: every one freed (%s)", cpu,
	    ferr ? strerror(ferr) : "no error");
	tap(allocs > 0, "random blocks on cpu %d: %lu allocated", cpu, allocs);
	print_stats();
	return tap_done();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: buddy_race cycle CPU | churn CPU SECONDS SEED\n");
		return 2;
	}
	devfd = open(MMLAB_DEV_PATH, O_RDWR);
	if (devfd < 0 || read_max_order()) {
		fprintf(stderr, "buddy_race: %s: %s\n", MMLAB_DEV_PATH,
			strerror(errno));
		return 2;
	}
	if (!strcmp(argv[1], "cycle"))
		return cycle(atoi(argv[2]));
	if (!strcmp(argv[1], "churn") && argc == 5)
		return churn(atoi(argv[2]), atof(argv[3]),
			     strtoul(argv[4], NULL, 0));
	fprintf(stderr, "buddy_race: bad arguments\n");
	return 2;
}
