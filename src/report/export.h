/*
 * Writing the annual report (src/domain/report.h) in the five forms of
 * domain.md §10: JSON for machines (exactly api.md's shape, null for a
 * suppressed count), CSV and XLSX for spreadsheets, Markdown and HTML (with
 * SVG bar charts by gender) for reading. All forms take their words from
 * the i18n catalogues through src/report/labels.c, in Swedish by default or
 * in English, and their layout from src/report/tables.c. JSON has names,
 * not words: it is the same in every language.
 */
#ifndef NSP_REPORT_EXPORT_H
#define NSP_REPORT_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "domain/report.h"
#include "i18n/i18n.h"
#include "util/buf.h"

enum report_format { REPORT_JSON, REPORT_CSV, REPORT_MD, REPORT_HTML, REPORT_XLSX, REPORT_FORMAT__COUNT };

/* "json", "csv", "md", "html", "xlsx" -> the format; -1 for anything else (or NULL). */
int report_format_parse(const char *s);
/* The name above; "?" when out of range. */
const char *report_format_name(enum report_format f);
/* The MIME type with charset where it applies, e.g. "text/csv; charset=utf-8". */
const char *report_format_content_type(enum report_format f);
/* The file name extension without the dot ("md", "xlsx", ...). */
const char *report_format_extension(enum report_format f);

/*
 * Appends the report r in format f, with the headings and labels of
 * language l, to out (a struct buf from util/buf.h: text forms are UTF-8;
 * CSV starts with a BOM; XLSX is the binary file). The figures do not
 * depend on l.
 * On failure returns -1 with one sentence in Swedish and English in err;
 * out may then hold a partial document, which the caller discards. The
 * caller owns out (buf_release). XLSX goes through a temporary file (mode
 * 0600 in $TMPDIR or /tmp), which is always removed.
 */
int report_write_buf(const struct report *r, enum report_format f, enum lang l, struct buf *out, char *err,
		     size_t errsz);

/* As report_write_buf, written to out (not closed). -1 also when writing fails. */
int report_write(const struct report *r, enum report_format f, enum lang l, FILE *out, char *err,
		 size_t errsz);

#endif
