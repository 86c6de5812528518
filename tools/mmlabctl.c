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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

static void err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
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
