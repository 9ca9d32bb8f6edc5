/*
 * recv() in front of the C library's: see head_guard.h for why.
 *
 * One slot per descriptor. Only the thread that serves a connection reads
 * its socket, arms it and asks about it (libmicrohttpd gives a connection
 * to one thread), so a slot's scanner needs no lock; `armed` is atomic
 * because arming and reading may still be seen from two threads when a
 * descriptor is reused for a new connection.
 */
#define _GNU_SOURCE
#include "web/head_guard.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "web/form.h"

struct slot {
	atomic_int armed;
	struct form_head_scan scan;
};

static struct slot slots[HEAD_GUARD_FDS];

typedef ssize_t (*recv_fn)(int, void *, size_t, int);
static _Atomic(recv_fn) real_recv;

void head_guard_arm(int fd)
{
	if (fd < 0 || fd >= HEAD_GUARD_FDS)
		return;
	form_head_scan_init(&slots[fd].scan);
	atomic_store(&slots[fd].armed, 1);
}

void head_guard_disarm(int fd)
{
	if (fd >= 0 && fd < HEAD_GUARD_FDS)
		atomic_store(&slots[fd].armed, 0);
}

int head_guard_bad(int fd)
{
	return fd >= 0 && fd < HEAD_GUARD_FDS && atomic_load(&slots[fd].armed) &&
	       slots[fd].scan.state == FORM_SCAN_BAD;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	recv_fn real = atomic_load(&real_recv);
	ssize_t n;

	if (real == NULL) {
		/* The next recv() after this program's: the C library's (or a
		 * sanitizer's in front of it). Found once; a race finds the same. */
		real = (recv_fn)dlsym(RTLD_NEXT, "recv");
		if (real == NULL) {
			errno = ENOSYS;
			return -1;
		}
		atomic_store(&real_recv, real);
	}
	n = real(fd, buf, len, flags);
	if (n > 0 && !(flags & MSG_PEEK) && fd >= 0 && fd < HEAD_GUARD_FDS && atomic_load(&slots[fd].armed))
		form_head_scan(&slots[fd].scan, buf, (size_t)n);
	return n;
}
