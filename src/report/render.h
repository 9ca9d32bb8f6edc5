/*
 * The writers behind report_write_buf (export.c), one per form. Internal to
 * src/report/.
 */
#ifndef NSP_REPORT_RENDER_H
#define NSP_REPORT_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "domain/report.h"
#include "report/tables.h"
#include "util/buf.h"

int report_render_json(const struct report *r, struct buf *out, char *err, size_t errsz);
void report_render_csv(const struct report_tables *ts, struct buf *out);
void report_render_md(const struct report_tables *ts, struct buf *out);
void report_render_html(const struct report_tables *ts, struct buf *out);
int report_render_xlsx(const struct report_tables *ts, struct buf *out, char *err, size_t errsz);

/* The figure of a cell for spreadsheets (CSV): digits, kronor with a point
 * and two öre decimals only when öre are not zero ("1320.50"), ".." or "". */
const char *rt_cell_plain(enum rt_kind kind, int64_t v, char buf[RT_CELL_MAX]);

#endif
