/*
 * The report as an XLSX workbook (libxlsxwriter): one sheet per table, the
 * figures as numbers, a suppressed count as the text "..". libxlsxwriter
 * 1.1.4 writes only to a named file, so the workbook goes to a temporary
 * file (mkstemp, mode 0600: the funder's report is not open data) that is
 * read back into the buffer and always removed.
 *
 * Money is written as kronor: the cell value is öre / 100.0. That one
 * division is the only floating point here and it happens at the boundary:
 * a spreadsheet stores every number as a double, and this gives the double
 * nearest to the exact amount, the same one as typing it in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "report/render.h"

#define XLSX_ERR(err, errsz, what)                                                              \
	snprintf(err, errsz, "Rapporten kunde inte skrivas som XLSX (%s). / "                   \
			     "The report could not be written as XLSX (%s).", what, what)

struct xfmt {
	lxw_format *bold, *title, *count, *kr, *ore, *text_right;
};

/* Writes table t on its own sheet. Returns 0 or -1 (a libxlsxwriter error). */
static int xlsx_sheet(lxw_workbook *wb, const struct xfmt *f, const struct report_tables *ts,
		      const struct rtable *t)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet);
	lxw_row_t row = 0;
	lxw_error e = LXW_NO_ERROR;

	if (ws == NULL)
		return -1;
	worksheet_set_column(ws, 0, 0, 48, NULL);
	worksheet_set_column(ws, 1, (lxw_col_t)t->ncols, t->kind == RT_MONEY ? 16 : 13, NULL);
	e |= worksheet_write_string(ws, row++, 0, t->title, f->title);
	e |= worksheet_write_string(ws, row++, 0, ts->note, NULL);
	row++;
	e |= worksheet_write_string(ws, row, 0, t->corner, f->bold);
	for (int c = 0; c < t->ncols; c++)
		e |= worksheet_write_string(ws, row, (lxw_col_t)(c + 1), t->cols[c], f->bold);
	row++;
	for (int r = 0; r < t->nrows; r++, row++) {
		e |= worksheet_write_string(ws, row, 0, t->rows[r].label, NULL);
		for (int c = 0; c < t->ncols; c++) {
			int64_t v = t->rows[r].v[c];
			lxw_col_t col = (lxw_col_t)(c + 1);
			if (v == RT_NONE)
				continue;
			if (t->kind == RT_COUNT && v == REPORT_SUPPRESSED)
				e |= worksheet_write_string(ws, row, col, "..", f->text_right);
			else if (t->kind == RT_COUNT)
				e |= worksheet_write_number(ws, row, col, (double)v, f->count);
			else
				e |= worksheet_write_number(ws, row, col, (double)v / 100.0,
							    v % 100 == 0 ? f->kr : f->ore);
		}
	}
	if (t->note)
		e |= worksheet_write_string(ws, row + 1, 0, t->note, NULL);
	return e == LXW_NO_ERROR ? 0 : -1;
}

/* Appends the whole file at path to out. Returns 0 or -1. */
static int slurp(const char *path, struct buf *out)
{
	char chunk[8192];
	size_t n;
	FILE *in = fopen(path, "rb");
	int rc = 0;

	if (in == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		buf_append(out, chunk, n);
	if (ferror(in))
		rc = -1;
	fclose(in);
	return rc;
}

int report_render_xlsx(const struct report_tables *ts, struct buf *out, char *err, size_t errsz)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	lxw_workbook_options opt = { 0 };
	lxw_workbook *wb;
	struct xfmt f;
	int fd, rc = -1, n;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	n = snprintf(path, sizeof path, "%s/nsp-report-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof path) {
		XLSX_ERR(err, errsz, "TMPDIR");
		return -1;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		XLSX_ERR(err, errsz, strerror(errno));
		return -1;
	}
	close(fd);

	opt.tmpdir = (char *)dir;
	wb = workbook_new_opt(path, &opt);
	if (wb == NULL) {
		XLSX_ERR(err, errsz, "workbook_new");
		goto out_unlink;
	}
	f.bold = workbook_add_format(wb);
	f.title = workbook_add_format(wb);
	f.count = workbook_add_format(wb);
	f.kr = workbook_add_format(wb);
	f.ore = workbook_add_format(wb);
	f.text_right = workbook_add_format(wb);
	format_set_bold(f.bold);
	format_set_bold(f.title);
	format_set_font_size(f.title, 13);
	format_set_num_format(f.count, "0");
	format_set_num_format(f.kr, "#,##0");
	format_set_num_format(f.ore, "#,##0.00");
	format_set_align(f.text_right, LXW_ALIGN_RIGHT);

	int sheets_ok = 0;
	for (int i = 0; i < ts->n; i++)
		if (xlsx_sheet(wb, &f, ts, &ts->t[i]) != 0)
			sheets_ok = -1;
	lxw_error e = workbook_close(wb); /* writes the file and frees wb */
	if (sheets_ok != 0 || e != LXW_NO_ERROR) {
		XLSX_ERR(err, errsz, e != LXW_NO_ERROR ? lxw_strerror(e) : "worksheet");
		goto out_unlink;
	}
	if (slurp(path, out) != 0) {
		XLSX_ERR(err, errsz, "read back");
		goto out_unlink;
	}
	rc = 0;
out_unlink:
	unlink(path);
	return rc;
}
