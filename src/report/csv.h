/*
 * A small RFC 4180 CSV writer. Kept apart so that the fuzzers can target
 * csv_write_field directly.
 */
#ifndef NSP_REPORT_CSV_H
#define NSP_REPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Appends the len bytes of s (any bytes, NUL included) to out as one CSV
 * field: in double quotes, with every quote doubled, when it holds a comma,
 * quote, CR, LF or NUL or starts or ends with a space; as is otherwise. A
 * text that a spreadsheet would run as a formula (first byte = + - @ TAB or
 * CR) gets a leading apostrophe first (OWASP "CSV injection"); numbers are
 * written with csv_write_number and never get one. No separator is written.
 */
void csv_write_field(struct buf *out, const char *s, size_t len);

/* A record being written: fields are separated by commas, records end in CRLF. */
struct csv {
	struct buf *out;
	int fields;       /* fields written in the current record */
};

void csv_init(struct csv *w, struct buf *out);
/* A text field (NUL-terminated) through csv_write_field. */
void csv_text(struct csv *w, const char *s);
/* A field that is already a number or ".." (never quoted, never prefixed). */
void csv_raw(struct csv *w, const char *s);
/* Ends the record with CRLF (also an empty record: a blank line). */
void csv_end(struct csv *w);

#endif
