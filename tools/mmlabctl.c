// SPDX-License-Identifier: GPL-2.0
/*
 * mmlabctl: the command line of mmlab.
 *
 * Drives the region's page allocator through the ioctls of /dev/mmlab
 * (mmlab_fault/mmlab_uapi.h) and shows its state from the debugfs files of
 * mmlab_buddy (/sys/kernel/debug/mmlab, or $MMLAB_DEBUGFS), which have the
 * formats of the kernel's /proc/buddyinfo, pagetypeinfo and zoneinfo.
 *
 * Blocks belong to the open file: they are freed when mmlabctl exits, so
 * `alloc` shows what the allocator hands out and gives it back at once,
 * while `hold` and `fragment` keep their blocks until SIGINT, SIGTERM or
 * --seconds.
 *
 * Exit status: 0 success, 1 the operation failed, 2 bad usage.
 */

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
"  buddyinfo | pagetypeinfo | zoneinfo | vmstat\n"
"                    print mmlab's debugfs file of that name\n"
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
	{ "buddyinfo", cmd_cat },
	{ "pagetypeinfo", cmd_cat },
	{ "zoneinfo", cmd_cat },
	{ "vmstat", cmd_cat },
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
