// SPDX-License-Identifier: GPL-2.0
/*
 * fail_test: the user-space side of fail_inject.sh and security.sh.
 *
 *   fail_test touch N [shared]  map N pages of /dev/mmlab, write a byte to
 *                               each, print "touched T sigbus S": the pages
 *                               written and the writes that got SIGBUS
 *   fail_test poke              map one page and write to it, no handler:
 *                               dies of SIGBUS when the fault fails
 *   fail_test hold N SECONDS    map N pages, close the fd, write every
 *                               page, print "mapped", then sleep (lifetime.sh)
 *   fail_test marker ROUNDS N   each round: fill N mapped pages with a
 *                               marker, unmap them, map N pages again
 *                               (private and shared), read and write them,
 *                               and count the marker words seen; print
 *                               "rounds R pages P marker_words M"
 *
 * Exit status: 0 when the program ran (the shell script asserts on what it
 * printed), 2 on bad usage or when /dev/mmlab cannot be mapped.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MARKER	0x6d6d6c61624d524bULL	/* "mmlabMRK" */

static int devfd = -1;
static size_t psz;
static sigjmp_buf jb;
/* Globals, not locals: they keep their values across siglongjmp(). */
static size_t touch_i, bus;

static void on_bus(int sig)
{
	siglongjmp(jb, sig);
}

static char *map(size_t npages, int flags)
{
	void *p = mmap(NULL, npages * psz, PROT_READ | PROT_WRITE, flags,
		       devfd, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "fail_test: mmap /dev/mmlab: %s\n",
			strerror(errno));
		exit(2);
	}
	return p;
}

/* Write one byte to each page; count the writes that got SIGBUS. */
static int cmd_touch(size_t n, int flags)
{
	struct sigaction sa = { .sa_handler = on_bus };
	char *p = map(n, flags);

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	for (touch_i = 0; touch_i < n; touch_i++) {
		if (sigsetjmp(jb, 1)) {
			bus++;
			continue;
		}
		p[touch_i * psz] = 1;
	}
	signal(SIGBUS, SIG_DFL);
	munmap(p, n * psz);
	/* n - bus: a count kept in the loop may be stored before the write. */
	printf("touched %zu sigbus %zu\n", n - bus, bus);
	return 0;
}

static int cmd_poke(void)
{
	char *p = map(1, MAP_PRIVATE);

	p[0] = 1;
	munmap(p, psz);
	printf("poked\n");
	return 0;
}

static int cmd_hold(size_t n, unsigned int seconds)
{
	char *p = map(n, MAP_PRIVATE);
	size_t i;

	close(devfd);
	for (i = 0; i < n; i++)
		p[i * psz] = 1;
	printf("mapped %zu pages\n", n);
	sleep(seconds);
	munmap(p, n * psz);
	return 0;
}

static void fill_marker(char *p, size_t n)
{
	uint64_t *w = (uint64_t *)p;
	size_t i;

	for (i = 0; i < n * psz / sizeof(*w); i++)
		w[i] = MARKER;
}

static size_t count_marker(const char *p, size_t n)
{
	const uint64_t *w = (const uint64_t *)p;
	size_t i, found = 0;

	for (i = 0; i < n * psz / sizeof(*w); i++)
		found += w[i] == MARKER;
	return found;
}

/* Map @n fresh pages: read faults, then write faults; count markers. */
static size_t fresh_markers(size_t n, int flags)
{
	char *p = map(n, flags);
	size_t i, found;

	found = count_marker(p, n);		/* zero page or new pages */
	for (i = 0; i < n; i++)
		p[i * psz + 1] = 0;		/* new pages */
	found += count_marker(p, n);
	munmap(p, n * psz);
	return found;
}

static int cmd_marker(unsigned long rounds, size_t n)
{
	unsigned long r;
	size_t found = 0;
	char *p;

	for (r = 0; r < rounds; r++) {
		p = map(n, r & 1 ? MAP_SHARED : MAP_PRIVATE);
		fill_marker(p, n);
		if (count_marker(p, n) != n * psz / sizeof(uint64_t)) {
			fprintf(stderr, "fail_test: marker did not stick\n");
			return 2;
		}
		munmap(p, n * psz);
		found += fresh_markers(n, MAP_PRIVATE);
		found += fresh_markers(n, MAP_SHARED);
	}
	printf("rounds %lu pages %zu marker_words %zu\n", rounds, n, found);
	return 0;
}

static int bad_usage(void)
{
	fprintf(stderr,
		"usage: fail_test touch N [shared] | poke | hold N SECONDS | marker ROUNDS N\n");
	return 2;
}

int main(int argc, char **argv)
{
	psz = sysconf(_SC_PAGESIZE);
	if (argc < 2)
		return bad_usage();
	devfd = open("/dev/mmlab", O_RDWR);
	if (devfd < 0) {
		fprintf(stderr, "fail_test: /dev/mmlab: %s\n", strerror(errno));
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(argv[1], "touch") && (argc == 3 || argc == 4))
		return cmd_touch(strtoul(argv[2], NULL, 0),
				 argc == 4 && !strcmp(argv[3], "shared") ?
				 MAP_SHARED : MAP_PRIVATE);
	if (!strcmp(argv[1], "poke") && argc == 2)
		return cmd_poke();
	if (!strcmp(argv[1], "hold") && argc == 4)
		return cmd_hold(strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0));
	if (!strcmp(argv[1], "marker") && argc == 4)
		return cmd_marker(strtoul(argv[2], NULL, 0),
				  strtoul(argv[3], NULL, 0));
	return bad_usage();
}
