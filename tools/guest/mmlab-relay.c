// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab-relay: run the board command on a pseudo-terminal and relay what it
 * prints to the result channel, framed so that the host can tell whether
 * every byte arrived.
 *
 *	mmlab-relay FD CMD [ARG...]
 *
 * tools/mmlab-vm builds it static for the board and the guest's /init runs
 * the board command through it, FD being the result channel (hvc0, a
 * virtio console on both architectures).
 *
 * CMD runs in a session of its own whose controlling terminal is the slave
 * side of a pty in raw mode (no \n -> \r\n, no echo): its stdout and stderr
 * are a terminal, as when they were the channel itself, so stdio buffers
 * them by line; its stdin is /dev/null. Every byte read from the master
 * side is written to FD as it comes. When CMD has exited and the terminal
 * has no writer left (the kernel hangs up CMD's foreground process group
 * when CMD, the session leader, exits; a process that ignores that and
 * stays silent for IDLE_MS is left behind), mmlab-relay writes the trailer
 *
 *	\n
 *	mmlab-vm: end LEN CRC\n
 *	mmlab-vm: exit STATUS\n
 *
 * LEN is the number of bytes relayed, CRC their CRC-32 (zlib's crc32(), 8
 * lower-case hex digits) and STATUS CMD's exit status (128 + N when signal
 * N killed it). The newline before the end line is always written, so both
 * trailer lines stand on their own lines whatever CMD's last byte was; the
 * host, knowing LEN, drops it. The host compares LEN and CRC with what it
 * received: a short or damaged transcript is a board failure, not a
 * shorter test log.
 *
 * Exit status: CMD's; 125 when the relay itself cannot run (bad usage, no
 * pty, CMD not found: said on stderr and on FD when it can).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define EXIT_RELAY	125
#define IDLE_MS		2000

struct transcript {
	int fd;
	unsigned long long len;
	uint32_t crc;
};

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

static void say(int fd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	write_all(STDERR_FILENO, line, n);
	if (fd >= 0)
		write_all(fd, line, n);
}

static void make_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return;
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
}

/* The pty's master side, or -1; its slave's name in @name. */
static int open_pty(char *name, size_t size)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0)
		return -1;
	if (grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, name, size)) {
		close(master);
		return -1;
	}
	return master;
}

/* In the child: CMD in a new session on the slave, never returns. */
static void run_command(int slave, char **argv, int out)
{
	int null = open("/dev/null", O_RDONLY);

	setsid();
	if (null < 0 || ioctl(slave, TIOCSCTTY, 0) ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(slave, STDOUT_FILENO) < 0 ||
	    dup2(slave, STDERR_FILENO) < 0) {
		say(out, "mmlab-relay: cannot set up the terminal: %s\n",
		    strerror(errno));
		_exit(EXIT_RELAY);
	}
	if (slave > STDERR_FILENO)
		close(slave);
	if (null > STDERR_FILENO)
		close(null);
	if (out > STDERR_FILENO)
		close(out);
	execvp(argv[0], argv);
	fprintf(stderr, "mmlab-relay: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Copy what the master has to the channel. 1 while the terminal may give
 * more, 0 once it is hung up or idle after CMD exited, -1 when the channel
 * cannot be written.
 */
static int relay_some(int master, struct transcript *t, int cmd_done)
{
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	unsigned char buf[4096];
	ssize_t n;
	int r;

	r = poll(&pfd, 1, cmd_done ? IDLE_MS : 100);
	if (r < 0)
		return errno == EINTR ? 1 : 0;
	if (r == 0)
		return cmd_done ? 0 : 1;
	n = read(master, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;	/* EIO: no process holds the slave any more */
	if (write_all(t->fd, buf, n))
		return -1;
	t->len += n;
	t->crc = crc32_update(t->crc, buf, n);
	return 1;
}

static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_RELAY;
}

int main(int argc, char **argv)
{
	struct transcript t = { .crc = 0 };
	char slave_name[64], trailer[128];
	int master, slave, status = 0, done = 0, r, n;
	pid_t pid;

	if (argc < 3) {
		say(-1, "usage: mmlab-relay FD CMD [ARG...]\n");
		return EXIT_RELAY;
	}
	t.fd = atoi(argv[1]);
	if (fcntl(t.fd, F_GETFD) < 0) {
		say(-1, "mmlab-relay: fd %s is not open\n", argv[1]);
		return EXIT_RELAY;
	}
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	make_raw(t.fd);
	master = open_pty(slave_name, sizeof(slave_name));
	slave = master < 0 ? -1 : open(slave_name, O_RDWR | O_NOCTTY);
	if (slave < 0) {
		say(t.fd, "mmlab-relay: no pseudo-terminal: %s\n", strerror(errno));
		return EXIT_RELAY;
	}
	make_raw(slave);
	pid = fork();
	if (pid < 0) {
		say(t.fd, "mmlab-relay: fork: %s\n", strerror(errno));
		return EXIT_RELAY;
	}
	if (pid == 0) {
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		run_command(slave, argv + 2, t.fd);
	}
	/* From here on only CMD and what it starts hold the slave. */
	close(slave);
	do {
		if (!done && waitpid(pid, &status, WNOHANG) == pid)
			done = 1;
		r = relay_some(master, &t, done);
	} while (r > 0);
	if (!done)
		waitpid(pid, &status, 0);
	if (r < 0) {
		say(-1, "mmlab-relay: result channel write failed: %s\n",
		    strerror(errno));
		return EXIT_RELAY;
	}
	n = snprintf(trailer, sizeof(trailer),
		     "\nmmlab-vm: end %llu %08x\nmmlab-vm: exit %d\n",
		     t.len, t.crc, exit_status(status));
	if (write_all(t.fd, trailer, n))
		return EXIT_RELAY;
	tcdrain(t.fd);
	return exit_status(status);
}
