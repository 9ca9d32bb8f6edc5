/*
 * A growable byte buffer, always NUL-terminated, for building text without
 * unbounded copies. Allocation failure aborts: nsp cannot do anything
 * sensible without memory, and every caller would otherwise have to unwind.
 */
#ifndef NSP_BUF_H
#define NSP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
/* printf-style append of data that is NOT user input (numbers, fixed formats). */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Escapes & < > " ' for HTML text and attribute values. */
void buf_html(struct buf *b, const char *s);
/* Returns the text ("" when empty); the buffer keeps ownership. */
const char *buf_str(const struct buf *b);
/* Hands the storage to the caller (free() it) and resets b. Never NULL. */
char *buf_detach(struct buf *b);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);

#endif
