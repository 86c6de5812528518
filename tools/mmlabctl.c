// SPDX-License-Identifier: GPL-2.0
/*
 * mmlabctl: the command line of mmlab.
 *
 * Drives the region's page allocator through the ioctls of /dev/mmlab
 * (mmlab_fault/mmlab_uapi.h) and shows its state from the debugfs files of
 * mmlab_buddy (/sys/kernel/debug/mmlab, or $MMLAB_DEBUGFS), which have the
 * formats of the kernel's /proc/buddyinfo, pagetypeinfo and zoneinfo.
 *
 * The session commands (`run`, `script`) create caches, allocate objects,
 * vmalloc areas and CMA ranges through the same file, see
 * docs/mmlabctl.md; like blocks, they are freed by the kernel on close.
 *
 * Blocks belong to the open file: they are freed when mmlabctl exits, so
 * `alloc` shows what the allocator hands out and gives it back at once,
 * while `hold` and `fragment` keep their blocks until SIGINT, SIGTERM or
 * --seconds.
 *
 * Exit status: 0 success, 1 the operation failed, 2 bad usage.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mmlab_fault/mmlab_uapi.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define NR_ORDERS_MAX	16
#define MAX_BLOCKS	0x1000000UL

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *prog = "mmlabctl";

static const char usage_text[] =
"usage: mmlabctl COMMAND [OPTIONS]\n"
"\n"
"commands:\n"
"  status            regions, watermarks, free pages per order and per type\n"
"  info              what /dev/mmlab reports (MMLAB_IOC_INFO)\n"
"  alloc [ALLOC]     allocate blocks, print 'handle H pfn 0xP order O node N'\n"
"                    per block, and free them on exit\n"
"  hold [ALLOC] [--seconds S] [--quiet]\n"
"                    allocate, then hold the blocks until SIGINT, SIGTERM\n"
"                    or S seconds; what it got is printed first, then\n"
"                    'holding N blocks P pages pid PID'\n"
"  fragment [--order O] [--type T] [--node N] [--keep-every K] [--seconds S]\n"
"                    fill the region with blocks of order O, free all but\n"
"                    every K-th by pfn (default 2), then hold the rest\n"
"  drain             drain the per-CPU lists of every region\n"
"  watch [--interval S] [--count N]\n"
"                    a refreshing view, like top: watermarks, free blocks\n"
"                    per order, kswapd and kcompactd counters, every S\n"
"                    seconds (default 2); N frames then exit (default: until\n"
"                    a signal)\n"
"  buddyinfo | pagetypeinfo | zoneinfo | vmstat | slabinfo | vmallocinfo\n"
"                    print mmlab's debugfs file of that name\n"
"  cma               list the CMA areas: base_pfn, count, used, maxchunk\n"
"  compact [REGION|all] [order=O]\n"
"                    compact one region or all (default), fully or until\n"
"                    a free block of order O exists; prints the counts\n"
"  fault [--pages N] [--fork]\n"
"                    map N private pages of /dev/mmlab (default 1), read\n"
"                    then write each, printing its pfn and the faults of\n"
"                    each kind; --fork: then a child writes them, exits,\n"
"                    and the parent writes again\n"
"  trace start [-o FILE] [-b KB] [EVENT...]\n"
"                    run 'trace-cmd record -e EVENT...' (default: -e mmlab,\n"
"                    every mmlab event) in the background into FILE\n"
"                    (default /tmp/mmlab.dat); returns once it records\n"
"  trace stop        stop it (SIGINT), wait for FILE, print the summary\n"
"  trace summary [FILE]\n"
"                    events per name, blocks per order, faults by kind,\n"
"                    CMA, migration, compaction, slab and kswapd figures\n"
"                    of FILE (trace-cmd report)\n"
"  run CMD [; CMD...]\n"
"                    run session commands on one open /dev/mmlab; what\n"
"                    they allocate is freed when mmlabctl exits\n"
"  script FILE|-     the same, one or more ';'-separated commands a line\n"
"                    from FILE or stdin ('#' starts a comment)\n"
"  help              this text\n"
"\n"
"ALLOC options:\n"
"  --node N          region N only (default: any region)\n"
"  --order O         block order, 0..max_order-1 (default 0)\n"
"  --type T          movable, unmovable (default) or reclaimable\n"
"  --high            may dip below the min watermark\n"
"  --zero            zeroed pages\n"
"  --atomic          do not sleep (implies --high, as GFP_ATOMIC)\n"
"  --nowarn          no allocation failure report in the kernel log\n"
"  --count N         number of blocks (default 1); stops at the first\n"
"                    failure\n"
"\n"
"session commands (run, script); the first failure ends the session:\n"
"  cache create NAME SIZE [align=A] [debug=FZPU] [hwalign]\n"
"  cache destroy NAME | cache shrink NAME\n"
"  obj alloc NAME N  N objects of cache NAME\n"
"  obj free NAME N   free its N newest objects\n"
"  kmalloc SIZE [N] | kfree SIZE [N]\n"
"                    N kmalloc objects of SIZE bytes; free the N newest\n"
"  vmalloc SIZE      prints 'vmalloc handle H size S pages P'\n"
"  vfree H|last|all\n"
"  cma alloc AREA N [align=O]\n"
"                    prints 'cma AREA handle H pfn 0xP pages N'\n"
"  cma release H|last|all\n"
"  compact [REGION|all] [order=O]\n"
"  held              what the open file holds (MMLAB_IOC_HELD)\n"
"  cat FILE          print FILE under mmlab's debugfs directory\n"
"  drain | echo WORDS | sleep S\n"
"  hold              wait for SIGINT or SIGTERM\n"
"\n"
"exit status: 0 ok, 1 the operation failed, 2 usage\n";

/**
 * struct opts - the options of every command.
 * @nid: region or MMLAB_NID_ANY.
 * @order: block order.
 * @flags: MMLAB_ALLOC_*.
 * @count: blocks to allocate.
 * @seconds: how long to hold, negative for until a signal.
 * @keep_every: fragment keeps every K-th block.
 * @quiet: hold prints no block lines.
 */
struct opts {
	int nid;
	unsigned int order;
	unsigned int flags;
	unsigned long count;
	long seconds;
	unsigned long keep_every;
	int quiet;
};

/**
 * struct blocks - blocks held by this process.
 * @v: the blocks.
 * @nr: entries used.
 * @cap: entries allocated.
 */
struct blocks {
	struct mmlab_ioc_block *v;
	unsigned long nr;
	unsigned long cap;
};

/* "mmlabctl: " and the message, on stderr, without a newline. */
static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
}

static void err_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mmlabctl help'.\n");
	return EXIT_USAGE;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static const char *debugfs_dir(void)
{
	const char *d = getenv("MMLAB_DEBUGFS");

	return d && *d ? d : "/sys/kernel/debug/mmlab";
}

static FILE *open_debugfs(const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", debugfs_dir(), name);
	f = fopen(path, "r");
	if (!f)
		err_msg("%s: %s", path, strerror(errno));
	return f;
}

/* --- /dev/mmlab ---------------------------------------------------------- */

static int open_dev(void)
{
	const char *path = getenv("MMLAB_DEV");
	int fd;

	if (!path || !*path)
		path = MMLAB_DEV_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		err_msg("%s: %s", path, strerror(errno));
	return fd;
}

static int get_info(int fd, struct mmlab_ioc_info *info)
{
	memset(info, 0, sizeof(*info));
	if (ioctl(fd, MMLAB_IOC_INFO, info)) {
		err_msg("MMLAB_IOC_INFO: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int blocks_reserve(struct blocks *b, unsigned long more)
{
	unsigned long cap = b->cap ? b->cap : 256;
	struct mmlab_ioc_block *v;

	if (more > MAX_BLOCKS - b->nr) {
		err_msg("more than %lu blocks", MAX_BLOCKS);
		return -1;
	}
	while (cap < b->nr + more)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	v = realloc(b->v, cap * sizeof(*v));
	if (!v) {
		err_msg("out of memory");
		return -1;
	}
	b->v = v;
	b->cap = cap;
	return 0;
}

/*
 * Allocate up to @count blocks in calls of at most @max_count, appending to
 * @b. Returns 0 if all came, else -errno of the call that stopped
 * (-ENOMEM for a partial call).
 */
static int alloc_blocks(int fd, const struct opts *o, unsigned long count,
			unsigned int max_count, struct blocks *b)
{
	struct mmlab_ioc_alloc req;
	unsigned long want;

	while (count) {
		want = count < max_count ? count : max_count;
		if (blocks_reserve(b, want))
			return -ENOMEM;
		memset(&req, 0, sizeof(req));
		req.nid = o->nid;
		req.order = o->order;
		req.flags = o->flags;
		req.count = want;
		req.blocks = (unsigned long)(b->v + b->nr);
		if (ioctl(fd, MMLAB_IOC_ALLOC_PAGES, &req))
			return -errno;
		b->nr += req.nr_done;
		count -= req.nr_done;
		if (req.nr_done < want)
			return -ENOMEM;
	}
	return 0;
}

static int free_handles(int fd, __u64 *handles, unsigned long nr,
			unsigned int max_count)
{
	struct mmlab_ioc_free req;
	unsigned long n;

	while (nr) {
		n = nr < max_count ? nr : max_count;
		memset(&req, 0, sizeof(req));
		req.handles = (unsigned long)handles;
		req.count = n;
		if (ioctl(fd, MMLAB_IOC_FREE_PAGES, &req)) {
			err_msg("MMLAB_IOC_FREE_PAGES: %s", strerror(errno));
			return -1;
		}
		handles += n;
		nr -= n;
	}
	return 0;
}

static void print_block(const struct mmlab_ioc_block *blk)
{
	printf("handle %llu pfn 0x%llx order %u node %d\n",
	       (unsigned long long)blk->handle, (unsigned long long)blk->pfn,
	       blk->order, blk->nid);
}

static unsigned long blocks_pages(const struct blocks *b)
{
	unsigned long i, pages = 0;

	for (i = 0; i < b->nr; i++)
		pages += 1UL << b->v[i].order;
	return pages;
}

/* Wait for SIGINT or SIGTERM (blocked by the caller), or @seconds. */
static void hold_wait(const struct blocks *b, long seconds)
{
	struct timespec ts = { .tv_sec = seconds };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	printf("holding %lu blocks %lu pages pid %d\n", b->nr, blocks_pages(b),
	       (int)getpid());
	fflush(stdout);
	if (seconds < 0) {
		while (sigwaitinfo(&set, NULL) < 0 && errno == EINTR)
			;
		return;
	}
	while (sigtimedwait(&set, NULL, &ts) < 0 && errno == EINTR)
		;
}

static void block_hold_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* --- Options ------------------------------------------------------------- */

enum {
	OPT_NODE = 256, OPT_ORDER, OPT_TYPE, OPT_HIGH, OPT_ZERO, OPT_ATOMIC,
	OPT_NOWARN, OPT_COUNT, OPT_SECONDS, OPT_KEEP, OPT_QUIET, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "node", required_argument, NULL, OPT_NODE },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "high", no_argument, NULL, OPT_HIGH },
	{ "zero", no_argument, NULL, OPT_ZERO },
	{ "atomic", no_argument, NULL, OPT_ATOMIC },
	{ "nowarn", no_argument, NULL, OPT_NOWARN },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "keep-every", required_argument, NULL, OPT_KEEP },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Which options each command takes, as a string of OPT_* - OPT_NODE + 'a'. */
#define ALLOC_OPTS	"abcdefgh"
#define HOLD_OPTS	ALLOC_OPTS "ik"
#define FRAG_OPTS	"abcij"

static int parse_type(const char *s, unsigned int *flags)
{
	*flags &= ~(MMLAB_ALLOC_MOVABLE | MMLAB_ALLOC_RECLAIMABLE);
	if (!strcmp(s, "movable"))
		*flags |= MMLAB_ALLOC_MOVABLE;
	else if (!strcmp(s, "reclaimable"))
		*flags |= MMLAB_ALLOC_RECLAIMABLE;
	else if (strcmp(s, "unmovable"))
		return -1;
	return 0;
}

static int parse_one(int c, struct opts *o)
{
	unsigned long v;

	switch (c) {
	case OPT_NODE:
		if (parse_ulong(optarg, MMLAB_UAPI_MAX_REGIONS - 1, &v))
			return usage_error("--node: bad region '%s'", optarg);
		o->nid = v;
		break;
	case OPT_ORDER:
		if (parse_ulong(optarg, 63, &v))
			return usage_error("--order: bad order '%s'", optarg);
		o->order = v;
		break;
	case OPT_TYPE:
		if (parse_type(optarg, &o->flags))
			return usage_error("--type: '%s' is not movable, unmovable or reclaimable",
					   optarg);
		break;
	case OPT_HIGH:
		o->flags |= MMLAB_ALLOC_HIGH;
		break;
	case OPT_ZERO:
		o->flags |= MMLAB_ALLOC_ZERO;
		break;
	case OPT_ATOMIC:
		o->flags |= MMLAB_ALLOC_ATOMIC;
		break;
	case OPT_NOWARN:
		o->flags |= MMLAB_ALLOC_NOWARN;
		break;
	case OPT_COUNT:
		if (parse_ulong(optarg, MAX_BLOCKS, &v) || !v)
			return usage_error("--count: bad count '%s'", optarg);
		o->count = v;
		break;
	case OPT_SECONDS:
		if (parse_ulong(optarg, 1UL << 30, &v))
			return usage_error("--seconds: bad duration '%s'", optarg);
		o->seconds = v;
		break;
	case OPT_KEEP:
		if (parse_ulong(optarg, MAX_BLOCKS, &v) || !v)
			return usage_error("--keep-every: bad number '%s'", optarg);
		o->keep_every = v;
		break;
	case OPT_QUIET:
		o->quiet = 1;
		break;
	default:
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, const char *allowed,
		      struct opts *o)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->nid = MMLAB_NID_ANY;
	o->count = 1;
	o->seconds = -1;
	o->keep_every = 2;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (c < OPT_NODE)
			return usage_error("%s: unknown option '%s'", argv[0],
					   argv[optind - 1]);
		if (!strchr(allowed, 'a' + c - OPT_NODE))
			return usage_error("%s: no option --%s", argv[0],
					   long_opts[c - OPT_NODE].name);
		rc = parse_one(c, o);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return usage_error("%s: unexpected argument '%s'", argv[0],
				   argv[optind]);
	return 0;
}

/* --- Commands ------------------------------------------------------------ */

static int cmd_alloc(int argc, char **argv, int hold)
{
	struct mmlab_ioc_info info;
	struct blocks b = { 0 };
	struct opts o;
	unsigned long i;
	int fd, rc, err;

	rc = parse_opts(argc, argv, hold ? HOLD_OPTS : ALLOC_OPTS, &o);
	if (rc)
		return rc;
	if (hold)
		block_hold_signals();
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	if (get_info(fd, &info)) {
		close(fd);
		return EXIT_FAIL;
	}
	err = alloc_blocks(fd, &o, o.count, info.max_count, &b);
	if (!hold || !o.quiet)
		for (i = 0; i < b.nr; i++)
			print_block(&b.v[i]);
	rc = 0;
	if (err && !b.nr) {
		err_msg("%s: %s", argv[0], strerror(-err));
		rc = EXIT_FAIL;
	} else if (err) {
		err_msg("%s: %lu of %lu blocks: %s", argv[0], b.nr, o.count,
			strerror(-err));
		if (!hold)
			rc = EXIT_FAIL;
	}
	if (hold && b.nr)
		hold_wait(&b, o.seconds);
	fflush(stdout);
	close(fd);
	free(b.v);
	return rc;
}

static int cmp_pfn(const void *a, const void *b)
{
	const struct mmlab_ioc_block *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* Free all blocks but every @keep-th by pfn; @b keeps those. */
static int thin_blocks(int fd, struct blocks *b, unsigned long keep,
		       unsigned int max_count)
{
	unsigned long i, nr_free = 0, nr_keep = 0;
	__u64 *handles;
	int rc;

	qsort(b->v, b->nr, sizeof(*b->v), cmp_pfn);
	handles = calloc(b->nr ? b->nr : 1, sizeof(*handles));
	if (!handles) {
		err_msg("out of memory");
		return -1;
	}
	for (i = 0; i < b->nr; i++) {
		if (i % keep)
			handles[nr_free++] = b->v[i].handle;
		else
			b->v[nr_keep++] = b->v[i];
	}
	rc = free_handles(fd, handles, nr_free, max_count);
	free(handles);
	if (!rc)
		b->nr = nr_keep;
	return rc;
}

static int cmd_fragment(int argc, char **argv)
{
	struct mmlab_ioc_info info;
	struct blocks b = { 0 };
	unsigned long filled;
	struct opts o;
	int fd, rc, err;

	rc = parse_opts(argc, argv, FRAG_OPTS, &o);
	if (rc)
		return rc;
	o.flags |= MMLAB_ALLOC_NOWARN;
	block_hold_signals();
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	rc = EXIT_FAIL;
	if (get_info(fd, &info))
		goto out;
	err = alloc_blocks(fd, &o, MAX_BLOCKS, info.max_count, &b);
	if (!b.nr) {
		err_msg("fragment: no block of order %u: %s", o.order,
			strerror(err ? -err : ENOMEM));
		goto out;
	}
	if (err != -ENOMEM)
		err_msg("fragment: filling stopped: %s", strerror(-err));
	filled = b.nr;
	if (thin_blocks(fd, &b, o.keep_every, info.max_count))
		goto out;
	printf("filled %lu blocks of order %u, freed %lu, kept every %lu-th by pfn\n",
	       filled, o.order, filled - b.nr, o.keep_every);
	hold_wait(&b, o.seconds);
	rc = 0;
out:
	fflush(stdout);
	close(fd);
	free(b.v);
	return rc;
}

static int cmd_info(int argc, char **argv)
{
	struct mmlab_ioc_info info;
	unsigned int i;
	int fd;

	if (argc > 1)
		return usage_error("info: unexpected argument '%s'", argv[1]);
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	if (get_info(fd, &info)) {
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	printf("version %u\nregions %u\nmax_order %u\n", info.version,
	       info.nr_regions, info.max_order);
	printf("page_size %lu\nmax_count %u\nalloc_flags 0x%x\n",
	       1UL << info.page_shift, info.max_count, info.alloc_flags);
	printf("held_blocks %llu\nheld_pages %llu\n",
	       (unsigned long long)info.held_blocks,
	       (unsigned long long)info.held_pages);
	for (i = 0; i < info.nr_regions && i < MMLAB_UAPI_MAX_REGIONS; i++) {
		const struct mmlab_ioc_region *r = &info.regions[i];

		printf("region %d start_pfn 0x%llx pages %llu ", r->nid,
		       (unsigned long long)r->start_pfn,
		       (unsigned long long)r->nr_pages);
		printf("reserved %llu managed %llu free %llu\n",
		       (unsigned long long)r->nr_reserved,
		       (unsigned long long)r->managed_pages,
		       (unsigned long long)r->free_pages);
	}
	return 0;
}

static int cat_file(const char *name)
{
	char buf[4096];
	size_t n;
	FILE *f;
	int rc = 0;

	f = open_debugfs(name);
	if (!f)
		return EXIT_FAIL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	if (ferror(f)) {
		err_msg("%s: %s", name, strerror(errno));
		rc = EXIT_FAIL;
	}
	fclose(f);
	return rc;
}

static int cmd_cat(int argc, char **argv)
{
	if (argc > 1)
		return usage_error("%s: unexpected argument '%s'", argv[0],
				   argv[1]);
	return cat_file(argv[0]);
}

static int cmd_drain(int argc, char **argv)
{
	char path[512];
	int fd;

	if (argc > 1)
		return usage_error("drain: unexpected argument '%s'", argv[1]);
	snprintf(path, sizeof(path), "%s/drain", debugfs_dir());
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2) {
		err_msg("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	return 0;
}

/* --- status -------------------------------------------------------------- */

static void status_watermarks(void)
{
	char line[512], zone[64];
	unsigned long v;
	int node;
	FILE *f;

	f = open_debugfs("zoneinfo");
	if (!f)
		return;
	printf("\nwatermarks (pages):\n");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %63s", &node, zone) == 2) {
			printf("  node %d zone %s:", node, zone);
			continue;
		}
		if (sscanf(line, " pages free %lu", &v) == 1)
			printf(" free %lu", v);
		else if (sscanf(line, " min %lu", &v) == 1)
			printf(" min %lu", v);
		else if (sscanf(line, " low %lu", &v) == 1)
			printf(" low %lu", v);
		else if (sscanf(line, " high %lu", &v) == 1)
			printf(" high %lu\n", v);
	}
	fclose(f);
}

static void status_buddyinfo(void)
{
	unsigned long nr[NR_ORDERS_MAX], pages;
	char line[512], zone[64], *p, *end;
	int node, i, n, off;
	FILE *f;

	f = open_debugfs("buddyinfo");
	if (!f)
		return;
	printf("\nfree blocks per order (buddyinfo):\n");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %63s%n", &node, zone, &off) != 2)
			continue;
		p = line + off;
		pages = 0;
		for (n = 0; n < NR_ORDERS_MAX; n++) {
			nr[n] = strtoul(p, &end, 10);
			if (end == p)
				break;
			pages += nr[n] << n;
			p = end;
		}
		printf("  node %d zone %s order", node, zone);
		for (i = 0; i < n; i++)
			printf(" %d:%lu", i, nr[i]);
		printf("  = %lu free pages\n", pages);
	}
	fclose(f);
}

static void status_pagetypeinfo(void)
{
	char line[1024];
	int in_free = 0;
	FILE *f;

	f = open_debugfs("pagetypeinfo");
	if (!f)
		return;
	printf("\nfree blocks per order and type (pagetypeinfo):\n");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Free pages count", 16))
			in_free = 1;
		else if (!strncmp(line, "Number of blocks", 16))
			in_free = 2;
		else if (line[0] == '\n')
			in_free = in_free == 2 ? 0 : in_free;
		if (in_free)
			printf("  %s", line);
	}
	fclose(f);
}

static int cmd_status(int argc, char **argv)
{
	struct mmlab_ioc_info info;
	unsigned int i;
	int fd, rc = 0;

	if (argc > 1)
		return usage_error("status: unexpected argument '%s'", argv[1]);
	fd = open_dev();
	if (fd < 0 || get_info(fd, &info)) {
		rc = EXIT_FAIL;
		info.nr_regions = 0;
	}
	if (fd >= 0)
		close(fd);
	if (!rc)
		printf("mmlab uapi %u, %u region(s), orders 0..%u\n", info.version,
		       info.nr_regions, info.max_order - 1);
	for (i = 0; i < info.nr_regions && i < MMLAB_UAPI_MAX_REGIONS; i++) {
		const struct mmlab_ioc_region *r = &info.regions[i];

		printf("  mmlab%d: pfn 0x%llx-0x%llx, %llu pages, ", r->nid,
		       (unsigned long long)r->start_pfn,
		       (unsigned long long)(r->start_pfn + r->nr_pages - 1),
		       (unsigned long long)r->nr_pages);
		printf("%llu reserved, %llu managed, %llu free\n",
		       (unsigned long long)r->nr_reserved,
		       (unsigned long long)r->managed_pages,
		       (unsigned long long)r->free_pages);
	}
	status_watermarks();
	status_buddyinfo();
	status_pagetypeinfo();
	return rc;
}

/* --- watch ----------------------------------------------------------------- */

static const char * const watch_counters[] = {
	"nr_free_pages", "nr_free_cma", "pgalloc_normal", "pgfree",
	"allocstall_normal", "pageoutrun", "pgscan_kswapd", "pgsteal_kswapd",
	"kswapd_low_wmark_hit_quickly", "kswapd_high_wmark_hit_quickly",
	"compact_daemon_wake", "compact_stall", "compact_success",
	"compact_fail", "pgmigrate_success", "extfrag_fallback",
};

static void watch_vmstat(void)
{
	char line[256], name[128];
	unsigned long v;
	unsigned int i, n = 0;
	FILE *f;

	f = open_debugfs("vmstat");
	if (!f)
		return;
	printf("\nfree pages, kswapd and kcompactd (vmstat):\n");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lu", name, &v) != 2)
			continue;
		for (i = 0; i < ARRAY_SIZE(watch_counters); i++) {
			if (strcmp(name, watch_counters[i]))
				continue;
			printf("  %-30s %10lu", name, v);
			if (n++ % 2)
				printf("\n");
		}
	}
	if (n % 2)
		printf("\n");
	fclose(f);
}

static int parse_interval(const char *s, struct timespec *ts)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v >= 0.1 && v <= 3600))
		return -1;
	ts->tv_sec = (time_t)v;
	ts->tv_nsec = (long)((v - (double)ts->tv_sec) * 1e9);
	return 0;
}

static int cmd_watch(int argc, char **argv)
{
	struct timespec ts = { .tv_sec = 2 };
	unsigned long count = 0, frame;
	int clear = isatty(STDOUT_FILENO);
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			if (parse_interval(argv[++i], &ts))
				return usage_error("watch: bad interval '%s' (0.1..3600 seconds)",
						   argv[i]);
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (parse_ulong(argv[++i], 1000000, &count) || !count)
				return usage_error("watch: bad count '%s' (1..1000000)",
						   argv[i]);
		} else {
			return usage_error("watch: unexpected argument '%s'", argv[i]);
		}
	}
	for (frame = 1; !count || frame <= count; frame++) {
		if (frame > 1)
			nanosleep(&ts, NULL);
		if (clear)
			printf("\033[H\033[2J");
		printf("mmlabctl watch: frame %lu, every %ld.%01ld s\n", frame,
		       (long)ts.tv_sec, ts.tv_nsec / 100000000);
		status_watermarks();
		status_buddyinfo();
		watch_vmstat();
		fflush(stdout);
	}
	return 0;
}

/* --- Sessions: caches, objects, vmalloc, CMA on one open file ------------- */

#define SESSION_MAX_CACHES	64
#define SESSION_MAX_KGROUPS	64
#define SESSION_MAX_WORDS	16
#define SESSION_LINE_MAX	1024

/**
 * struct handles - handles of one kind held by a session, oldest first.
 * @v: the handles.
 * @nr: entries used.
 * @cap: entries allocated.
 */
struct handles {
	__u64 *v;
	unsigned long nr;
	unsigned long cap;
};

/**
 * struct ucache - a cache a session created.
 * @name: its name.
 * @handle: its handle.
 * @objs: its objects.
 */
struct ucache {
	char name[MMLAB_USER_NAME_LEN];
	__u64 handle;
	struct handles objs;
};

/**
 * struct kgroup - kmalloc objects of one size.
 * @size: bytes.
 * @objs: the objects.
 */
struct kgroup {
	unsigned int size;
	struct handles objs;
};

/**
 * struct session - what `run` and `script` hold on their open file.
 * @fd: /dev/mmlab.
 * @info: INFO of the file.
 * @caches: caches created, by name.
 * @nr_caches: entries of @caches.
 * @kgroups: kmalloc objects, by size.
 * @nr_kgroups: entries of @kgroups.
 * @vmallocs: vmalloc areas.
 * @cmas: CMA allocations.
 */
struct session {
	int fd;
	struct mmlab_ioc_info info;
	struct ucache caches[SESSION_MAX_CACHES];
	int nr_caches;
	struct kgroup kgroups[SESSION_MAX_KGROUPS];
	int nr_kgroups;
	struct handles vmallocs;
	struct handles cmas;
};

static int handles_add(struct handles *h, const __u64 *v, unsigned long n)
{
	unsigned long cap = h->cap ? h->cap : 64;
	__u64 *nv;

	while (cap < h->nr + n)
		cap *= 2;
	if (cap != h->cap) {
		nv = realloc(h->v, cap * sizeof(*nv));
		if (!nv) {
			err_msg("out of memory");
			return -1;
		}
		h->v = nv;
		h->cap = cap;
	}
	memcpy(h->v + h->nr, v, n * sizeof(*v));
	h->nr += n;
	return 0;
}

/* Drop @handle from @h; returns 0 if it was there. */
static int handles_del(struct handles *h, __u64 handle)
{
	unsigned long i;

	for (i = 0; i < h->nr; i++) {
		if (h->v[i] == handle) {
			memmove(h->v + i, h->v + i + 1,
				(h->nr - i - 1) * sizeof(*h->v));
			h->nr--;
			return 0;
		}
	}
	return -1;
}

/* ioctl with an error message naming the command; returns 0 or -1. */
static int sioctl(struct session *s, unsigned long cmd, void *arg,
		  const char *what)
{
	if (ioctl(s->fd, cmd, arg) == 0)
		return 0;
	err_msg("%s: %s", what, strerror(errno));
	return -1;
}

/* Parse "KEY=VALUE" into @out if @word starts with KEY=; 1 if it did. */
static int kv(const char *word, const char *key, const char **out)
{
	size_t n = strlen(key);

	if (strncmp(word, key, n) || word[n] != '=')
		return 0;
	*out = word + n + 1;
	return 1;
}

/* Debug letters F, Z, P, U: MMLAB_CACHE_SANITY .. MMLAB_CACHE_STORE_USER. */
static int parse_debug(const char *s, __u32 *flags)
{
	static const char letters[] = "FZPU";
	const char *p;

	for (; *s; s++) {
		p = strchr(letters, *s);
		if (!p)
			return -1;
		*flags |= 1U << (p - letters);
	}
	return 0;
}

static struct ucache *find_ucache(struct session *s, const char *name)
{
	int i;

	for (i = 0; i < s->nr_caches; i++)
		if (!strcmp(s->caches[i].name, name))
			return &s->caches[i];
	return NULL;
}

/* cache create NAME SIZE [align=A] [debug=FZPU] [hwalign] */
static int s_cache_create(struct session *s, int argc, char **argv)
{
	struct mmlab_ioc_cache_create req;
	unsigned long size, align = 0;
	const char *v;
	int i;

	if (argc < 4)
		return usage_error("cache create NAME SIZE [align=A] [debug=FZPU] [hwalign]");
	memset(&req, 0, sizeof(req));
	if (strlen(argv[2]) >= sizeof(req.name) ||
	    s->nr_caches >= SESSION_MAX_CACHES)
		return usage_error("cache create: name '%s' too long or too many caches",
				   argv[2]);
	if (parse_ulong(argv[3], 0xffffffffUL, &size))
		return usage_error("cache create: bad size '%s'", argv[3]);
	strcpy(req.name, argv[2]);
	req.size = size;
	for (i = 4; i < argc; i++) {
		if (kv(argv[i], "align", &v)) {
			if (parse_ulong(v, 0xffffffffUL, &align))
				return usage_error("cache create: bad align '%s'", v);
		} else if (kv(argv[i], "debug", &v)) {
			if (parse_debug(v, &req.flags))
				return usage_error("cache create: debug=%s: not F, Z, P, U",
						   v);
		} else if (!strcmp(argv[i], "hwalign")) {
			req.flags |= MMLAB_CACHE_HWCACHE_ALIGN;
		} else {
			return usage_error("cache create: unexpected '%s'", argv[i]);
		}
	}
	req.align = align;
	if (sioctl(s, MMLAB_IOC_CACHE_CREATE, &req, "cache create"))
		return EXIT_FAIL;
	strcpy(s->caches[s->nr_caches].name, req.name);
	s->caches[s->nr_caches].handle = req.handle;
	s->nr_caches++;
	printf("cache %s handle %llu\n", req.name,
	       (unsigned long long)req.handle);
	return 0;
}

/* cache destroy|shrink NAME */
static int s_cache_handle_cmd(struct session *s, int argc, char **argv)
{
	struct mmlab_ioc_handle req;
	int destroy = !strcmp(argv[1], "destroy");
	struct ucache *c;

	if (argc != 3)
		return usage_error("cache %s NAME", argv[1]);
	c = find_ucache(s, argv[2]);
	if (!c) {
		err_msg("cache %s: this session has no cache '%s'", argv[1],
			argv[2]);
		return EXIT_FAIL;
	}
	memset(&req, 0, sizeof(req));
	req.handle = c->handle;
	if (sioctl(s, destroy ? MMLAB_IOC_CACHE_DESTROY : MMLAB_IOC_CACHE_SHRINK,
		   &req, destroy ? "cache destroy" : "cache shrink"))
		return EXIT_FAIL;
	if (!destroy) {
		printf("cache %s shrunk: %llu pages freed\n", c->name,
		       (unsigned long long)req.result);
		return 0;
	}
	printf("cache %s destroyed\n", c->name);
	free(c->objs.v);
	*c = s->caches[--s->nr_caches];
	return 0;
}

static int s_cache(struct session *s, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "create"))
		return s_cache_create(s, argc, argv);
	if (argc >= 2 && (!strcmp(argv[1], "destroy") ||
			  !strcmp(argv[1], "shrink")))
		return s_cache_handle_cmd(s, argc, argv);
	return usage_error("cache create|destroy|shrink ...");
}

/* Allocate @count objects (of @cache, or kmalloc @size) into @h. */
static int alloc_objs(struct session *s, __u64 cache, unsigned int size,
		      unsigned long count, struct handles *h, const char *what)
{
	struct mmlab_ioc_obj_alloc req;
	__u64 *v;
	unsigned long n;
	int rc = 0;

	v = calloc(MMLAB_OBJ_MAX_COUNT, sizeof(*v));
	if (!v) {
		err_msg("out of memory");
		return EXIT_FAIL;
	}
	while (count && !rc) {
		n = count < MMLAB_OBJ_MAX_COUNT ? count : MMLAB_OBJ_MAX_COUNT;
		memset(&req, 0, sizeof(req));
		req.cache = cache;
		req.size = size;
		req.count = n;
		req.handles = (unsigned long)v;
		if (sioctl(s, cache ? MMLAB_IOC_OBJ_ALLOC : MMLAB_IOC_KMALLOC,
			   &req, what))
			rc = EXIT_FAIL;
		else if (handles_add(h, v, req.nr_done))
			rc = EXIT_FAIL;
		else if (req.nr_done < n)
			err_msg("%s: %u of %lu objects", what, req.nr_done, n);
		if (!rc && req.nr_done < n)
			rc = EXIT_FAIL;
		count -= n;
	}
	free(v);
	return rc;
}

/* Free the newest @count handles of @h. */
static int free_objs(struct session *s, struct handles *h,
		     unsigned long count, const char *what)
{
	struct mmlab_ioc_obj_free req;
	unsigned long n;

	if (count > h->nr) {
		err_msg("%s: %lu objects held, not %lu", what, h->nr, count);
		return EXIT_FAIL;
	}
	while (count) {
		n = count < MMLAB_OBJ_MAX_COUNT ? count : MMLAB_OBJ_MAX_COUNT;
		memset(&req, 0, sizeof(req));
		req.handles = (unsigned long)(h->v + h->nr - n);
		req.count = n;
		if (sioctl(s, MMLAB_IOC_OBJ_FREE, &req, what))
			return EXIT_FAIL;
		h->nr -= n;
		count -= n;
	}
	return 0;
}

/* obj alloc|free NAME N */
static int s_obj(struct session *s, int argc, char **argv)
{
	unsigned long count;
	struct ucache *c;
	int rc;

	if (argc != 4 || (strcmp(argv[1], "alloc") && strcmp(argv[1], "free")))
		return usage_error("obj alloc|free CACHE COUNT");
	if (parse_ulong(argv[3], MAX_BLOCKS, &count) || !count)
		return usage_error("obj %s: bad count '%s'", argv[1], argv[3]);
	c = find_ucache(s, argv[2]);
	if (!c) {
		err_msg("obj %s: this session has no cache '%s'", argv[1],
			argv[2]);
		return EXIT_FAIL;
	}
	if (!strcmp(argv[1], "alloc"))
		rc = alloc_objs(s, c->handle, 0, count, &c->objs, "obj alloc");
	else
		rc = free_objs(s, &c->objs, count, "obj free");
	printf("cache %s: %s %lu, holding %lu objects\n", c->name,
	       !strcmp(argv[1], "alloc") ? "allocated" : "freed",
	       rc ? 0 : count, c->objs.nr);
	return rc;
}

static struct kgroup *find_kgroup(struct session *s, unsigned int size,
				  int create)
{
	int i;

	for (i = 0; i < s->nr_kgroups; i++)
		if (s->kgroups[i].size == size)
			return &s->kgroups[i];
	if (!create || s->nr_kgroups == SESSION_MAX_KGROUPS)
		return NULL;
	s->kgroups[s->nr_kgroups].size = size;
	return &s->kgroups[s->nr_kgroups++];
}

/* kmalloc SIZE [N] | kfree SIZE [N] */
static int s_kmalloc(struct session *s, int argc, char **argv)
{
	int alloc = !strcmp(argv[0], "kmalloc");
	unsigned long size, count = 1;
	struct kgroup *g;
	int rc;

	if (argc < 2 || argc > 3 || parse_ulong(argv[1], 0xffffffffUL, &size) ||
	    (argc == 3 && (parse_ulong(argv[2], MAX_BLOCKS, &count) || !count)))
		return usage_error("%s SIZE [COUNT]", argv[0]);
	g = find_kgroup(s, size, alloc);
	if (!g) {
		err_msg("%s: no kmalloc objects of %lu bytes held", argv[0],
			size);
		return EXIT_FAIL;
	}
	if (alloc)
		rc = alloc_objs(s, 0, size, count, &g->objs, "kmalloc");
	else
		rc = free_objs(s, &g->objs, count, "kfree");
	printf("kmalloc %lu: %s %lu, holding %lu objects\n", size,
	       alloc ? "allocated" : "freed", rc ? 0 : count, g->objs.nr);
	return rc;
}

/* vmalloc SIZE */
static int s_vmalloc(struct session *s, int argc, char **argv)
{
	struct mmlab_ioc_vmalloc req;
	unsigned long size;

	if (argc != 2 || parse_ulong(argv[1], ~0UL, &size))
		return usage_error("vmalloc SIZE");
	memset(&req, 0, sizeof(req));
	req.size = size;
	if (sioctl(s, MMLAB_IOC_VMALLOC, &req, "vmalloc") ||
	    handles_add(&s->vmallocs, &req.handle, 1))
		return EXIT_FAIL;
	printf("vmalloc handle %llu size %lu pages %llu\n",
	       (unsigned long long)req.handle, size,
	       (unsigned long long)req.nr_pages);
	return 0;
}

/* Give back one handle of @h with @cmd; H or "all". */
static int release_handles(struct session *s, struct handles *h,
			   unsigned long cmd, const char *arg,
			   const char *what)
{
	struct mmlab_ioc_handle req;
	unsigned long v;

	if (!strcmp(arg, "all")) {
		while (h->nr)
			if (release_handles(s, h, cmd, "last", what))
				return EXIT_FAIL;
		return 0;
	}
	if (!strcmp(arg, "last")) {
		if (!h->nr)
			return 0;
		v = h->v[h->nr - 1];
	} else if (parse_ulong(arg, ~0UL, &v)) {
		return usage_error("%s: bad handle '%s'", what, arg);
	}
	memset(&req, 0, sizeof(req));
	req.handle = v;
	if (sioctl(s, cmd, &req, what))
		return EXIT_FAIL;
	handles_del(h, v);
	printf("%s handle %lu: %llu pages\n", what, v,
	       (unsigned long long)req.result);
	return 0;
}

static int s_vfree(struct session *s, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("vfree HANDLE|last|all");
	return release_handles(s, &s->vmallocs, MMLAB_IOC_VFREE, argv[1],
			       "vfree");
}

/* cma alloc AREA COUNT [align=O] | cma release HANDLE|last|all */
static int s_cma(struct session *s, int argc, char **argv)
{
	struct mmlab_ioc_cma_alloc req;
	unsigned long count, align = 0;
	const char *v;

	if (argc == 3 && !strcmp(argv[1], "release"))
		return release_handles(s, &s->cmas, MMLAB_IOC_CMA_RELEASE,
				       argv[2], "cma release");
	if ((argc != 4 && argc != 5) || strcmp(argv[1], "alloc") ||
	    strlen(argv[2]) >= sizeof(req.name) ||
	    parse_ulong(argv[3], ~0UL, &count) ||
	    (argc == 5 && (!kv(argv[4], "align", &v) ||
			   parse_ulong(v, 63, &align))))
		return usage_error("cma alloc AREA COUNT [align=ORDER] | %s",
				   "cma release HANDLE|last|all");
	memset(&req, 0, sizeof(req));
	strcpy(req.name, argv[2]);
	req.count = count;
	req.align = align;
	if (sioctl(s, MMLAB_IOC_CMA_ALLOC, &req, "cma alloc") ||
	    handles_add(&s->cmas, &req.handle, 1))
		return EXIT_FAIL;
	printf("cma %s handle %llu pfn 0x%llx pages %lu\n", req.name,
	       (unsigned long long)req.handle, (unsigned long long)req.pfn,
	       count);
	return 0;
}

static const char *const compact_results[] = {
	"skipped", "continue", "complete", "partial_skipped", "success",
	"contended", "deferred",
};

/* compact [REGION|all] [order=O], on @fd. */
static int do_compact(int fd, int argc, char **argv)
{
	struct mmlab_ioc_compact req;
	unsigned long v;
	const char *o;
	int i;

	memset(&req, 0, sizeof(req));
	req.nid = MMLAB_NID_ANY;
	req.order = -1;
	for (i = 1; i < argc; i++) {
		if (kv(argv[i], "order", &o)) {
			if (parse_ulong(o, 63, &v))
				return usage_error("compact: bad order '%s'", o);
			req.order = v;
		} else if (!strcmp(argv[i], "all")) {
			req.nid = MMLAB_NID_ANY;
		} else if (!parse_ulong(argv[i], MMLAB_UAPI_MAX_REGIONS - 1, &v)) {
			req.nid = v;
		} else {
			return usage_error("compact [REGION|all] [order=O]: unexpected '%s'",
					   argv[i]);
		}
	}
	if (ioctl(fd, MMLAB_IOC_COMPACT, &req)) {
		err_msg("compact: %s", strerror(errno));
		return EXIT_FAIL;
	}
	printf("compact regions %u result %s ", req.nr_regions,
	       req.result < ARRAY_SIZE(compact_results) ?
	       compact_results[req.result] : "?");
	printf("migrate_scanned %llu free_scanned %llu isolated %llu migrated %llu failed %llu\n",
	       (unsigned long long)req.migrate_scanned,
	       (unsigned long long)req.free_scanned,
	       (unsigned long long)req.isolated,
	       (unsigned long long)req.migrated,
	       (unsigned long long)req.failed);
	return 0;
}

static int s_compact(struct session *s, int argc, char **argv)
{
	return do_compact(s->fd, argc, argv);
}

static int s_held(struct session *s, int argc, char **argv)
{
	struct mmlab_ioc_held h;

	if (argc != 1)
		return usage_error("held: unexpected '%s'", argv[1]);
	memset(&h, 0, sizeof(h));
	if (sioctl(s, MMLAB_IOC_HELD, &h, "held"))
		return EXIT_FAIL;
	printf("held caches %llu objects %llu vmallocs %llu cma_allocs %llu bytes %llu\n",
	       (unsigned long long)h.caches, (unsigned long long)h.objects,
	       (unsigned long long)h.vmallocs,
	       (unsigned long long)h.cma_allocs, (unsigned long long)h.bytes);
	return 0;
}

static int s_cat(struct session *s, int argc, char **argv)
{
	if (argc != 2 || strstr(argv[1], ".."))
		return usage_error("cat FILE (a path under the mmlab debugfs directory)");
	return cat_file(argv[1]);
}

static int s_sleep(struct session *s, int argc, char **argv)
{
	unsigned long sec;

	if (argc != 2 || parse_ulong(argv[1], 1UL << 30, &sec))
		return usage_error("sleep SECONDS");
	sleep(sec);
	return 0;
}

static int s_hold(struct session *s, int argc, char **argv)
{
	sigset_t set;

	if (argc != 1)
		return usage_error("hold: unexpected '%s'", argv[1]);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	printf("holding pid %d\n", (int)getpid());
	fflush(stdout);
	while (sigwaitinfo(&set, NULL) < 0 && errno == EINTR)
		;
	return 0;
}

static int s_echo(struct session *s, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	putchar('\n');
	return 0;
}

static int s_drain(struct session *s, int argc, char **argv)
{
	return cmd_drain(argc, argv);
}

static const struct {
	const char *name;
	int (*fn)(struct session *s, int argc, char **argv);
} session_cmds[] = {
	{ "cache", s_cache }, { "obj", s_obj }, { "kmalloc", s_kmalloc },
	{ "kfree", s_kmalloc }, { "vmalloc", s_vmalloc },
	{ "vfree", s_vfree }, { "cma", s_cma }, { "compact", s_compact },
	{ "held", s_held }, { "cat", s_cat }, { "sleep", s_sleep },
	{ "hold", s_hold }, { "echo", s_echo }, { "drain", s_drain },
};

/* Run one command line (no ';'); 0, EXIT_FAIL or EXIT_USAGE. */
static int session_exec(struct session *s, char *line)
{
	char *argv[SESSION_MAX_WORDS + 1], *save, *w;
	unsigned int i;
	int argc = 0;

	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (*w == '#')
			break;
		if (argc == SESSION_MAX_WORDS)
			return usage_error("more than %d words in a command",
					   SESSION_MAX_WORDS);
		argv[argc++] = w;
	}
	if (!argc)
		return 0;
	argv[argc] = NULL;
	for (i = 0; i < ARRAY_SIZE(session_cmds); i++)
		if (!strcmp(argv[0], session_cmds[i].name))
			return session_cmds[i].fn(s, argc, argv);
	return usage_error("unknown session command '%s'", argv[0]);
}

/* Run the ';'-separated commands of @line; stop at the first failure. */
static int session_line(struct session *s, char *line)
{
	char *cmd, *save;
	int rc;

	for (cmd = strtok_r(line, ";", &save); cmd;
	     cmd = strtok_r(NULL, ";", &save)) {
		rc = session_exec(s, cmd);
		if (rc)
			return rc;
	}
	return 0;
}

static int session_open(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = open_dev();
	if (s->fd < 0)
		return -1;
	if (get_info(s->fd, &s->info)) {
		close(s->fd);
		return -1;
	}
	return 0;
}

/* Closing the file frees everything it holds, in the kernel. */
static void session_close(struct session *s)
{
	int i;

	fflush(stdout);
	close(s->fd);
	for (i = 0; i < s->nr_caches; i++)
		free(s->caches[i].objs.v);
	for (i = 0; i < s->nr_kgroups; i++)
		free(s->kgroups[i].objs.v);
	free(s->vmallocs.v);
	free(s->cmas.v);
}

static int cmd_run(int argc, char **argv)
{
	struct session s;
	size_t len = 1;
	char *line;
	int i, rc;

	if (argc < 2)
		return usage_error("run: no command");
	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	line = calloc(1, len);
	if (!line) {
		err_msg("out of memory");
		return EXIT_FAIL;
	}
	for (i = 1; i < argc; i++) {
		strcat(line, argv[i]);
		strcat(line, " ");
	}
	if (session_open(&s)) {
		free(line);
		return EXIT_FAIL;
	}
	block_hold_signals();
	rc = session_line(&s, line);
	session_close(&s);
	free(line);
	return rc;
}

static int cmd_script(int argc, char **argv)
{
	char line[SESSION_LINE_MAX];
	struct session s;
	FILE *f = stdin;
	int rc = 0;

	if (argc != 2)
		return usage_error("script FILE|-");
	if (strcmp(argv[1], "-")) {
		f = fopen(argv[1], "r");
		if (!f) {
			err_msg("%s: %s", argv[1], strerror(errno));
			return EXIT_FAIL;
		}
	}
	if (session_open(&s)) {
		if (f != stdin)
			fclose(f);
		return EXIT_FAIL;
	}
	block_hold_signals();
	while (!rc && fgets(line, sizeof(line), f))
		rc = session_line(&s, line);
	session_close(&s);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* --- One-shot: compact, cma, slabinfo, vmallocinfo ------------------------ */

static int cmd_compact(int argc, char **argv)
{
	int fd, rc;

	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	rc = do_compact(fd, argc, argv);
	close(fd);
	return rc;
}

/* Read one number from the debugfs file cma/AREA/FILE; -1 on error. */
static long long cma_value(const char *area, const char *file)
{
	char name[512];
	long long v = -1;
	FILE *f;

	snprintf(name, sizeof(name), "cma/%s/%s", area, file);
	f = open_debugfs(name);
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int cmd_cma(int argc, char **argv)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	if (argc > 1)
		return usage_error("cma: unexpected argument '%s'", argv[1]);
	snprintf(path, sizeof(path), "%s/cma", debugfs_dir());
	dir = opendir(path);
	if (!dir) {
		err_msg("%s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	printf("%-16s %10s %10s %10s %10s\n", "area", "base_pfn", "count",
	       "used", "maxchunk");
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		printf("%-16s %#10llx %10lld %10lld %10lld\n", d->d_name,
		       cma_value(d->d_name, "base_pfn"),
		       cma_value(d->d_name, "count"),
		       cma_value(d->d_name, "used"),
		       cma_value(d->d_name, "maxchunk"));
	}
	closedir(dir);
	return 0;
}

/* --- fault: the fault kinds, shown on a private mapping ------------------ */

#define FAULT_PAGES_MAX	4096

static const char *const fault_kinds[] = {
	"zero", "new", "cow_copy", "cow_reuse", "map",
};

/* The fault counters of debugfs fault/stats into @v; -1 if unreadable. */
static int fault_stats(long *v)
{
	char name[32];
	unsigned int i;
	long val;
	FILE *f;

	memset(v, 0, ARRAY_SIZE(fault_kinds) * sizeof(*v));
	f = open_debugfs("fault/stats");
	if (!f)
		return -1;
	while (fscanf(f, "%31s %ld", name, &val) == 2)
		for (i = 0; i < ARRAY_SIZE(fault_kinds); i++)
			if (!strcmp(name, fault_kinds[i]))
				v[i] = val;
	fclose(f);
	return 0;
}

/* Print "faults WHAT: zero Z new N ..." as counted since @before. */
static void fault_print_delta(const char *what, const long *before)
{
	long now[ARRAY_SIZE(fault_kinds)];
	unsigned int i;

	if (fault_stats(now))
		return;
	printf("faults %s:", what);
	for (i = 0; i < ARRAY_SIZE(fault_kinds); i++)
		printf(" %s %ld", fault_kinds[i], now[i] - before[i]);
	printf("\n");
}

/* The pfn the caller's pte maps at @addr (MMLAB_IOC_PAGE_INFO), 0 if none. */
static unsigned long long page_pfn(int fd, const void *addr,
				   unsigned int *flags)
{
	struct mmlab_ioc_page_info pi;

	memset(&pi, 0, sizeof(pi));
	pi.addr = (unsigned long)addr;
	if (ioctl(fd, MMLAB_IOC_PAGE_INFO, &pi)) {
		err_msg("MMLAB_IOC_PAGE_INFO: %s", strerror(errno));
		return 0;
	}
	*flags = pi.flags;
	return pi.pfn;
}

/* Read a byte the compiler cannot drop. */
static char read_byte(const char *p)
{
	char c = *p;

	asm volatile("" : : "r"(c));
	return c;
}

/* Touch each of @n pages of @p (write if @do_write), printing its pfn. */
static void fault_touch(int fd, char *p, unsigned long n, long psz,
			int do_write, const char *who)
{
	unsigned long long pfn;
	unsigned int flags = 0;
	unsigned long i;
	char sink = 0;

	for (i = 0; i < n; i++) {
		if (do_write)
			p[i * psz] = 1;
		else
			sink += read_byte(p + i * psz);
		pfn = page_pfn(fd, p + i * psz, &flags);
		printf("%s %-5s page %lu addr %p pfn 0x%llx%s\n", who,
		       do_write ? "write" : "read", i, (void *)(p + i * psz), pfn,
		       flags & MMLAB_PAGE_ZERO ? " zero-page" : "");
	}
	(void)sink;
}

/* fault [--pages N] [--fork]: read, then write, a private mapping. */
static int cmd_fault(int argc, char **argv)
{
	long before[ARRAY_SIZE(fault_kinds)], psz = sysconf(_SC_PAGESIZE);
	unsigned long n = 1;
	int i, fd, do_fork = 0, st;
	pid_t pid;
	char *p;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pages") && i + 1 < argc) {
			if (parse_ulong(argv[++i], FAULT_PAGES_MAX, &n) || !n)
				return usage_error("fault: bad page count '%s' (1..%d)",
						   argv[i], FAULT_PAGES_MAX);
		} else if (!strcmp(argv[i], "--fork")) {
			do_fork = 1;
		} else {
			return usage_error("fault: unexpected argument '%s'", argv[i]);
		}
	}
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAIL;
	p = mmap(NULL, n * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		err_msg("fault: mmap: %s", strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	printf("mapped %lu private page(s) of /dev/mmlab at %p pid %d\n", n,
	       (void *)p, (int)getpid());
	fault_stats(before);
	fault_touch(fd, p, n, psz, 0, "parent");
	fault_print_delta("after reading", before);
	fault_stats(before);
	fault_touch(fd, p, n, psz, 1, "parent");
	fault_print_delta("after writing", before);
	if (do_fork) {
		fflush(stdout);
		fault_stats(before);
		pid = fork();
		if (pid < 0) {
			err_msg("fault: fork: %s", strerror(errno));
		} else if (!pid) {
			fault_touch(fd, p, n, psz, 1, "child");
			fflush(stdout);
			_exit(0);
		} else {
			waitpid(pid, &st, 0);
			fault_print_delta("in the child (it wrote first, then exited)",
					  before);
			fault_stats(before);
			fault_touch(fd, p, n, psz, 1, "parent");
			fault_print_delta("after the parent wrote again", before);
		}
	}
	munmap(p, n * psz);
	close(fd);
	return 0;
}

/* --- trace: trace-cmd record in the background ---------------------------- */

#define TRACE_FILE		"/tmp/mmlab.dat"
#define TRACE_STATE		"/tmp/mmlabctl-trace.state"
#define TRACE_READY		"Hit Ctrl^C to stop recording"
#define TRACE_MAX_EVENTS	32
#define TRACE_START_SECONDS	120
#define TRACE_STOP_SECONDS	600
#define TRACE_MAX_NAMES		64
#define TRACE_MAX_ORDER		16

/**
 * struct trace_state - what `trace start` leaves for `trace stop`.
 * @pid: trace-cmd, leader of its own process group.
 * @monitor: the mmlabctl process that waits for it.
 * @file: the trace file.
 * @log: trace-cmd's output.
 * @done: trace-cmd exited; @status is its wait status.
 * @status: wait status.
 */
struct trace_state {
	int pid;
	int monitor;
	char file[600];
	char log[600];
	int done;
	int status;
};

/* A write whose failure has nobody to be told to. */
static void write_quiet(int fd, const void *buf, size_t n)
{
	if (write(fd, buf, n) != (ssize_t)n)
		return;
}

static const char *trace_state_path(void)
{
	const char *p = getenv("MMLAB_TRACE_STATE");

	return p && *p ? p : TRACE_STATE;
}

/* 0 if read, -1 if there is no state file (or it is unreadable). */
static int trace_state_read(struct trace_state *t)
{
	char line[600];
	FILE *f;

	memset(t, 0, sizeof(*t));
	f = fopen(trace_state_path(), "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "pid ", 4)) {
			t->pid = atoi(line + 4);
		} else if (!strncmp(line, "monitor ", 8)) {
			t->monitor = atoi(line + 8);
		} else if (!strncmp(line, "file ", 5)) {
			snprintf(t->file, sizeof(t->file), "%s", line + 5);
		} else if (!strncmp(line, "log ", 4)) {
			snprintf(t->log, sizeof(t->log), "%s", line + 4);
		} else if (!strncmp(line, "status ", 7)) {
			t->done = 1;
			t->status = atoi(line + 7);
		}
	}
	fclose(f);
	return t->pid > 0 ? 0 : -1;
}

/* The first executable @name in $PATH into @out; -1 if none. */
static int find_in_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;

	if (!path)
		path = "/usr/bin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		snprintf(out, len, "%.*s/%s", (int)(end - p), p, name);
		if (end > p && !access(out, X_OK))
			return 0;
	}
	return -1;
}

static int trace_cmd_found(const char *what)
{
	char path[512];

	if (!find_in_path("trace-cmd", path, sizeof(path)))
		return 1;
	err_msg("%s: trace-cmd is not in PATH: %s; %s", what,
		"install it (Debian: apt-get install trace-cmd)",
		"the board image has /usr/bin/trace-cmd");
	return 0;
}

/*
 * Copy what trace-cmd writes on @master to @logfd; tell @ready when it
 * records. Returns 1 if it said it records.
 */
static int trace_pump(int master, int logfd, int ready)
{
	char buf[4096 + sizeof(TRACE_READY)];
	size_t keep = 0;
	int said = 0;
	ssize_t n;

	for (;;) {
		n = read(master, buf + keep, sizeof(buf) - keep - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return said;
		write_quiet(logfd, buf + keep, n);
		keep += n;
		buf[keep] = 0;
		if (!said && strstr(buf, TRACE_READY)) {
			said = 1;
			write_quiet(ready, "ok", 2);
		}
		/* Keep a tail: the line may come in two reads. */
		if (keep > sizeof(TRACE_READY)) {
			memmove(buf, buf + keep - sizeof(TRACE_READY),
				sizeof(TRACE_READY));
			keep = sizeof(TRACE_READY);
		}
	}
}

/* A pseudo-terminal: trace-cmd's stdout is then line-buffered. */
static int open_pty(int *master, int *slave)
{
	struct termios tio;
	char *name;

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return -1;
	name = grantpt(*master) || unlockpt(*master) ? NULL : ptsname(*master);
	*slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
	if (*slave < 0) {
		close(*master);
		return -1;
	}
	if (!tcgetattr(*slave, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(*slave, TCSANOW, &tio);
	}
	return 0;
}

/*
 * The monitor: its own session, trace-cmd as its child on a pty, its
 * output into the log, its exit status into the state file. Never returns.
 */
static void trace_monitor(char **args, const char *file, const char *log,
			  int ready)
{
	int master, slave, logfd, null, said, st;
	char tmp[600];
	pid_t pid;
	FILE *f;

	setsid();
	null = open("/dev/null", O_RDWR);
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		write_quiet(ready, "cannot create the log", 21);
		_exit(1);
	}
	if (null < 0 || open_pty(&master, &slave)) {
		write_quiet(ready, "no pseudo-terminal", 18);
		_exit(1);
	}
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	pid = fork();
	if (!pid) {
		setpgid(0, 0);
		dup2(slave, STDOUT_FILENO);
		dup2(slave, STDERR_FILENO);
		close(ready);
		execvp(args[0], args);
		_exit(127);
	}
	close(slave);
	if (pid < 0)
		_exit(1);
	snprintf(tmp, sizeof(tmp), "%s.tmp", trace_state_path());
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "pid %d\nmonitor %d\nfile %s\nlog %s\n", (int)pid,
			(int)getpid(), file, log);
		if (fclose(f) || rename(tmp, trace_state_path()))
			f = NULL;
	}
	if (!f) {
		kill(-pid, SIGINT);
		write_quiet(ready, "no state", 8);
		_exit(1);
	}
	said = trace_pump(master, logfd, ready);
	if (!said)
		write_quiet(ready, "exited", 6);
	close(ready);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	f = fopen(trace_state_path(), "a");
	if (f) {
		fprintf(f, "status %d\n", st);
		fclose(f);
	}
	_exit(0);
}

/* Print trace-cmd's output (the log) to stderr. */
static void trace_show_log(const char *log)
{
	char line[512];
	FILE *f = fopen(log, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "  trace-cmd: %s", line);
	fclose(f);
}

static int trace_alive(const struct trace_state *t)
{
	return !t->done && t->monitor > 0 && !kill(t->monitor, 0);
}

/* SYSTEM, EVENT or SYSTEM:EVENT, maybe with '*': what trace-cmd -e takes. */
static int event_name_ok(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_:*", *s))
			return 0;
	return 1;
}

/* trace start [-o FILE] [-b KB] [EVENT...] */
static int trace_start(int argc, char **argv)
{
	char *args[2 * TRACE_MAX_EVENTS + 8], file[512], log[520], cwd[256];
	const char *out = TRACE_FILE, *events[TRACE_MAX_EVENTS];
	int i, na = 0, ne = 0, ready[2];
	struct pollfd pfd;
	struct trace_state t;
	unsigned long kb = 0;
	char buf[32] = "";
	pid_t m;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
			if (parse_ulong(argv[++i], 1UL << 20, &kb) || !kb)
				return usage_error("trace start: bad buffer size '%s' (%s)",
						   argv[i], "KiB per CPU");
		} else if (!event_name_ok(argv[i])) {
			return usage_error("trace start: unexpected argument '%s'", argv[i]);
		} else if (ne == TRACE_MAX_EVENTS) {
			return usage_error("trace start: more than %d events",
					   TRACE_MAX_EVENTS);
		} else {
			events[ne++] = argv[i];
		}
	}
	if (!*out || strlen(out) > 400)
		return usage_error("trace start: bad output file '%s'", out);
	if (!trace_cmd_found("trace start"))
		return EXIT_FAIL;
	if (!trace_state_read(&t)) {
		if (trace_alive(&t)) {
			err_msg("trace start: trace-cmd (pid %d) already records into %s: %s",
				t.pid, t.file, "run 'mmlabctl trace stop' first");
			return EXIT_FAIL;
		}
		unlink(trace_state_path());
	}
	if (out[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		snprintf(file, sizeof(file), "%s", out);
	else
		snprintf(file, sizeof(file), "%s/%s", cwd, out);
	snprintf(log, sizeof(log), "%s.log", file);
	i = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (i < 0) {
		err_msg("trace start: %s: %s", log, strerror(errno));
		return EXIT_FAIL;
	}
	close(i);

	args[na++] = "trace-cmd";
	args[na++] = "record";
	args[na++] = "-o";
	args[na++] = file;
	if (kb) {
		snprintf(buf, sizeof(buf), "%lu", kb);
		args[na++] = "-b";
		args[na++] = buf;
	}
	if (!ne)
		events[ne++] = "mmlab";
	for (i = 0; i < ne; i++) {
		args[na++] = "-e";
		args[na++] = (char *)events[i];
	}
	args[na] = NULL;

	if (pipe(ready)) {
		err_msg("trace start: pipe: %s", strerror(errno));
		return EXIT_FAIL;
	}
	fflush(NULL);
	m = fork();
	if (m < 0) {
		err_msg("trace start: fork: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (!m) {
		close(ready[0]);
		trace_monitor(args, file, log, ready[1]);
	}
	close(ready[1]);
	pfd.fd = ready[0];
	pfd.events = POLLIN;
	memset(buf, 0, sizeof(buf));
	if (poll(&pfd, 1, TRACE_START_SECONDS * 1000) > 0 &&
	    read(ready[0], buf, sizeof(buf) - 1) > 0 && !strcmp(buf, "ok")) {
		close(ready[0]);
		printf("trace: trace-cmd (pid %d) records", trace_state_read(&t) ?
		       -1 : t.pid);
		for (i = 0; i < ne; i++)
			printf(" %s", events[i]);
		printf(" into %s; 'mmlabctl trace stop' ends it\n", file);
		return 0;
	}
	close(ready[0]);
	if (!buf[0]) {
		/* No word in time: end it rather than leave it running. */
		if (!trace_state_read(&t))
			kill(-t.pid, SIGINT);
		snprintf(buf, sizeof(buf), "no answer");
	}
	err_msg("trace start: trace-cmd did not start recording (%s); its output:",
		buf);
	trace_show_log(log);
	waitpid(m, NULL, 0);
	unlink(trace_state_path());
	return EXIT_FAIL;
}

/**
 * struct trace_sum - what a trace holds, from `trace-cmd report`.
 * @names: event names, in order of first appearance.
 * @counts: events per name.
 * @nr_names: entries used.
 * @total: events.
 * @alloc: blocks allocated per order.
 * @alloc_failed: failed allocations (pfn printed as 0).
 * @free: blocks freed per order.
 * @cma_asked: pages asked by cma_alloc_start.
 * @cma_done: successful cma_alloc_finish.
 * @cma_failed: failed ones (pfn 0).
 * @cma_pages: pages of the successful ones.
 * @cma_released: pages released.
 * @migrated: mm_migrate_pages nr_succeeded, summed.
 * @migrate_failed: nr_failed, summed.
 * @compact_end: mm_compaction_end per status.
 * @kmalloc_bytes: bytes_req of kmalloc, summed.
 */
struct trace_sum {
	char names[TRACE_MAX_NAMES][48];
	unsigned long counts[TRACE_MAX_NAMES];
	int nr_names;
	unsigned long total;
	unsigned long alloc[TRACE_MAX_ORDER];
	unsigned long alloc_failed;
	unsigned long free[TRACE_MAX_ORDER];
	unsigned long cma_asked, cma_done, cma_failed, cma_pages, cma_released;
	unsigned long migrated, migrate_failed;
	unsigned long compact_end[ARRAY_SIZE(compact_results)];
	unsigned long kmalloc_bytes;
};

static unsigned long trace_count(const struct trace_sum *s, const char *name)
{
	int i;

	for (i = 0; i < s->nr_names; i++)
		if (!strcmp(s->names[i], name))
			return s->counts[i];
	return 0;
}

/* The value of " KEY=" in the fields @f, as a number; @def if absent. */
static unsigned long field_ul(const char *f, const char *key,
			      unsigned long def)
{
	size_t n = strlen(key);
	const char *p;

	for (p = f; (p = strstr(p, key)); p += n)
		if ((p == f || p[-1] == ' ') && p[n] == '=')
			return strtoul(p + n + 1, NULL, 0);
	return def;
}

/* The word value of " KEY=" in @f into @out ("" if absent). */
static void field_word(const char *f, const char *key, char *out, size_t len)
{
	size_t n = strlen(key);
	const char *p;

	*out = 0;
	for (p = f; (p = strstr(p, key)); p += n)
		if ((p == f || p[-1] == ' ') && p[n] == '=') {
			p += n + 1;
			snprintf(out, len, "%.*s", (int)strcspn(p, "\n "), p);
			return;
		}
}

static void trace_sum_event(struct trace_sum *s, const char *ev,
			    const char *f)
{
	unsigned long order = field_ul(f, "order", TRACE_MAX_ORDER);
	char word[32];
	unsigned int i;

	if (!strcmp(ev, "mm_page_alloc")) {
		if (!field_ul(f, "pfn", 0))
			s->alloc_failed++;
		else if (order < TRACE_MAX_ORDER)
			s->alloc[order]++;
	} else if (!strcmp(ev, "mm_page_free") && order < TRACE_MAX_ORDER) {
		s->free[order]++;
	} else if (!strcmp(ev, "cma_alloc_start")) {
		s->cma_asked += field_ul(f, "count", 0);
	} else if (!strcmp(ev, "cma_alloc_finish")) {
		if (field_ul(f, "pfn", 0)) {
			s->cma_done++;
			s->cma_pages += field_ul(f, "count", 0);
		} else {
			s->cma_failed++;
		}
	} else if (!strcmp(ev, "cma_release")) {
		s->cma_released += field_ul(f, "count", 0);
	} else if (!strcmp(ev, "mm_migrate_pages")) {
		s->migrated += field_ul(f, "nr_succeeded", 0);
		s->migrate_failed += field_ul(f, "nr_failed", 0);
	} else if (!strcmp(ev, "mm_compaction_end")) {
		field_word(f, "status", word, sizeof(word));
		for (i = 0; i < ARRAY_SIZE(compact_results); i++)
			if (!strcmp(word, compact_results[i]))
				s->compact_end[i]++;
	} else if (!strcmp(ev, "kmalloc")) {
		s->kmalloc_bytes += field_ul(f, "bytes_req", 0);
	}
}

/*
 * One line of `trace-cmd report`: "COMM-PID [CPU] TIME: EVENT: FIELDS".
 * Other lines (the header) are skipped.
 */
static void trace_sum_line(struct trace_sum *s, char *line)
{
	char *p = line, *ev, *end;
	int i;

	/* The CPU column: " [digits]". */
	for (;;) {
		p = strstr(p, " [");
		if (!p)
			return;
		p += 2;
		if (*p >= '0' && *p <= '9' && p[strspn(p, "0123456789")] == ']')
			break;
	}
	p += strspn(p, "0123456789") + 1;
	p += strspn(p, " ");
	p += strcspn(p, " ");		/* the timestamp and its ':' */
	ev = p + strspn(p, " ");
	end = strchr(ev, ':');
	if (!end || end == ev || strcspn(ev, " ") < (size_t)(end - ev))
		return;
	*end = 0;
	s->total++;
	for (i = 0; i < s->nr_names; i++)
		if (!strcmp(s->names[i], ev))
			break;
	if (i == s->nr_names && i < TRACE_MAX_NAMES) {
		snprintf(s->names[i], sizeof(s->names[i]), "%s", ev);
		s->nr_names++;
	}
	if (i < s->nr_names)
		s->counts[i]++;
	trace_sum_event(s, ev, end + 1);
}

static void trace_print_orders(const char *what, const unsigned long *v)
{
	unsigned long pages = 0;
	unsigned int o;

	printf("%s orders:", what);
	for (o = 0; o < TRACE_MAX_ORDER; o++) {
		if (v[o])
			printf(" %u:%lu", o, v[o]);
		pages += v[o] << o;
	}
	printf(" pages %lu", pages);
}

static void trace_print_sum(const struct trace_sum *s, const char *file)
{
	unsigned long faults;
	unsigned int i;
	char name[48];
	int n;

	printf("events: %lu in %s\n", s->total, file);
	for (n = 0; n < s->nr_names; n++)
		printf("  %-40s %8lu\n", s->names[n], s->counts[n]);
	if (trace_count(s, "mm_page_alloc")) {
		trace_print_orders("alloc", s->alloc);
		printf(" failed %lu\n", s->alloc_failed);
	}
	if (trace_count(s, "mm_page_free")) {
		trace_print_orders("free", s->free);
		printf("\n");
	}
	for (i = 0, faults = 0; i < ARRAY_SIZE(fault_kinds); i++) {
		snprintf(name, sizeof(name), "mmlab_fault_%s", fault_kinds[i]);
		faults += trace_count(s, name);
	}
	if (faults) {
		printf("faults:");
		for (i = 0; i < ARRAY_SIZE(fault_kinds); i++) {
			snprintf(name, sizeof(name), "mmlab_fault_%s",
				 fault_kinds[i]);
			printf(" %s %lu", fault_kinds[i], trace_count(s, name));
		}
		printf("\n");
	}
	if (trace_count(s, "cma_alloc_start") || trace_count(s, "cma_release")) {
		printf("cma: asked %lu alloc %lu pages %lu failed %lu",
		       s->cma_asked, s->cma_done, s->cma_pages, s->cma_failed);
		printf(" busy_retry %lu release %lu pages %lu\n",
		       trace_count(s, "cma_alloc_busy_retry"),
		       trace_count(s, "cma_release"), s->cma_released);
	}
	if (trace_count(s, "mm_migrate_pages"))
		printf("migrate: calls %lu succeeded %lu failed %lu\n",
		       trace_count(s, "mm_migrate_pages"), s->migrated,
		       s->migrate_failed);
	if (trace_count(s, "mm_compaction_begin") ||
	    trace_count(s, "mm_compaction_end")) {
		printf("compaction: runs %lu ends",
		       trace_count(s, "mm_compaction_begin"));
		for (i = 0; i < ARRAY_SIZE(compact_results); i++)
			printf(" %s %lu", compact_results[i], s->compact_end[i]);
		printf("\n");
	}
	if (trace_count(s, "kmalloc") || trace_count(s, "kfree") ||
	    trace_count(s, "kmem_cache_alloc") ||
	    trace_count(s, "kmem_cache_free")) {
		printf("slab: kmalloc %lu bytes_req %lu kfree %lu",
		       trace_count(s, "kmalloc"), s->kmalloc_bytes,
		       trace_count(s, "kfree"));
		printf(" kmem_cache_alloc %lu kmem_cache_free %lu\n",
		       trace_count(s, "kmem_cache_alloc"),
		       trace_count(s, "kmem_cache_free"));
	}
	if (trace_count(s, "mm_vmscan_kswapd_wake") ||
	    trace_count(s, "mm_vmscan_kswapd_sleep"))
		printf("kswapd: wake %lu sleep %lu\n",
		       trace_count(s, "mm_vmscan_kswapd_wake"),
		       trace_count(s, "mm_vmscan_kswapd_sleep"));
}

/* Run `trace-cmd report -i FILE` and print the summary of what it shows. */
static int trace_summary_of(const char *file)
{
	int fds[2], st, rc = 0;
	struct trace_sum *s;
	char line[4096];
	pid_t pid;
	FILE *f;

	if (!trace_cmd_found("trace summary"))
		return EXIT_FAIL;
	if (access(file, R_OK)) {
		err_msg("trace summary: %s: %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || pipe(fds)) {
		err_msg("trace summary: %s", strerror(errno));
		free(s);
		return EXIT_FAIL;
	}
	fflush(NULL);
	pid = fork();
	if (!pid) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("trace-cmd", "trace-cmd", "report", "-i", file,
		       (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (f && fgets(line, sizeof(line), f))
		trace_sum_line(s, line);
	if (f)
		fclose(f);
	else
		close(fds[0]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st)) {
		err_msg("trace summary: trace-cmd report -i %s failed", file);
		rc = EXIT_FAIL;
	} else {
		trace_print_sum(s, file);
	}
	free(s);
	return rc;
}

/* trace stop: SIGINT to trace-cmd, wait until it has written the file. */
static int trace_stop(int argc, char **argv)
{
	struct timespec ts = { .tv_nsec = 100000000 };
	struct trace_state t;
	struct stat sb;
	long i;

	if (argc > 1)
		return usage_error("trace stop: unexpected argument '%s'", argv[1]);
	if (trace_state_read(&t)) {
		err_msg("trace stop: no recording (%s): start one with 'mmlabctl trace start'",
			trace_state_path());
		return EXIT_FAIL;
	}
	if (!t.done && !trace_alive(&t)) {
		err_msg("trace stop: the recording of pid %d went away without a status; %s",
			t.pid, "state removed");
		unlink(trace_state_path());
		return EXIT_FAIL;
	}
	if (!t.done && kill(-t.pid, SIGINT) && kill(t.pid, SIGINT))
		err_msg("trace stop: kill %d: %s", t.pid, strerror(errno));
	for (i = 0; !t.done && i < TRACE_STOP_SECONDS * 10L; i++) {
		nanosleep(&ts, NULL);
		if (trace_state_read(&t))
			break;
	}
	if (!t.done) {
		err_msg("trace stop: trace-cmd (pid %d) did not finish in %d s",
			t.pid, TRACE_STOP_SECONDS);
		return EXIT_FAIL;
	}
	unlink(trace_state_path());
	if (!WIFEXITED(t.status) || WEXITSTATUS(t.status)) {
		err_msg("trace stop: trace-cmd ended with %s %d; its output:",
			WIFEXITED(t.status) ? "status" : "signal",
			WIFEXITED(t.status) ? WEXITSTATUS(t.status) :
			WTERMSIG(t.status));
		trace_show_log(t.log);
		return EXIT_FAIL;
	}
	printf("trace: trace-cmd (pid %d) stopped: %s, %lld bytes\n", t.pid,
	       t.file, stat(t.file, &sb) ? -1LL : (long long)sb.st_size);
	return trace_summary_of(t.file);
}

/* trace start|stop|summary */
static int cmd_trace(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "start"))
		return trace_start(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "stop"))
		return trace_stop(argc - 1, argv + 1);
	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "summary"))
		return trace_summary_of(argc == 3 ? argv[2] : TRACE_FILE);
	return usage_error("trace start [-o FILE] [-b KB] [EVENT...] | %s",
			   "trace stop | trace summary [FILE]");
}

static int cmd_help(int argc, char **argv)
{
	fputs(usage_text, stdout);
	return 0;
}

static int cmd_hold(int argc, char **argv)
{
	return cmd_alloc(argc, argv, 1);
}

static int cmd_alloc_once(int argc, char **argv)
{
	return cmd_alloc(argc, argv, 0);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "status", cmd_status },
	{ "info", cmd_info },
	{ "alloc", cmd_alloc_once },
	{ "hold", cmd_hold },
	{ "fragment", cmd_fragment },
	{ "drain", cmd_drain },
	{ "watch", cmd_watch },
	{ "buddyinfo", cmd_cat },
	{ "pagetypeinfo", cmd_cat },
	{ "zoneinfo", cmd_cat },
	{ "vmstat", cmd_cat },
	{ "slabinfo", cmd_cat },
	{ "vmallocinfo", cmd_cat },
	{ "cma", cmd_cma },
	{ "compact", cmd_compact },
	{ "fault", cmd_fault },
	{ "trace", cmd_trace },
	{ "run", cmd_run },
	{ "script", cmd_script },
	{ "help", cmd_help },
	{ "--help", cmd_help },
	{ "-h", cmd_help },
};

int main(int argc, char **argv)
{
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[1]);
}
