/*
 * CSV: the RFC 4180 field writer and the report as CSV (UTF-8 with a BOM so
 * that spreadsheet programs read å, ä, ö right; comma separated; one section
 * per table: a title record, a heading record, the rows, a blank record).
 */
#include "report/csv.h"

#include <string.h>

#include "report/render.h"

void csv_write_field(struct buf *out, const char *s, size_t len)
{
	bool quote = false, formula = false;

	if (len > 0) {
		unsigned char c0 = (unsigned char)s[0];
		formula = c0 == '=' || c0 == '+' || c0 == '-' || c0 == '@' || c0 == '\t' || c0 == '\r';
		quote = s[0] == ' ' || s[len - 1] == ' ';
	}
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n' || s[i] == '\0';
	if (!quote) {
		if (formula)
			buf_putc(out, '\'');
		buf_append(out, s, len);
		return;
	}
	buf_putc(out, '"');
	if (formula)
		buf_putc(out, '\'');
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '"')
			continue;
		buf_append(out, s + run, i + 1 - run); /* up to and including the quote */
		buf_putc(out, '"');
		run = i + 1;
	}
	buf_append(out, s + run, len - run);
	buf_putc(out, '"');
}

void csv_init(struct csv *w, struct buf *out)
{
	w->out = out;
	w->fields = 0;
}

void csv_text(struct csv *w, const char *s)
{
	if (w->fields++ > 0)
		buf_putc(w->out, ',');
	csv_write_field(w->out, s, strlen(s));
}

void csv_raw(struct csv *w, const char *s)
{
	if (w->fields++ > 0)
		buf_putc(w->out, ',');
	buf_puts(w->out, s);
}

void csv_end(struct csv *w)
{
	buf_puts(w->out, "\r\n");
	w->fields = 0;
}

void report_render_csv(const struct report_tables *ts, struct buf *out)
{
	struct csv w;
	char cell[RT_CELL_MAX];

	csv_init(&w, out);
	buf_puts(out, "\xEF\xBB\xBF"); /* UTF-8 byte order mark */
	csv_text(&w, ts->title);
	csv_end(&w);
	csv_text(&w, ts->note);
	csv_end(&w);
	csv_end(&w);
	for (int i = 0; i < ts->n; i++) {
		const struct rtable *t = &ts->t[i];
		csv_text(&w, t->title);
		csv_end(&w);
		csv_text(&w, t->corner);
		for (int c = 0; c < t->ncols; c++)
			csv_text(&w, t->cols[c]);
		csv_end(&w);
		for (int r = 0; r < t->nrows; r++) {
			csv_text(&w, t->rows[r].label);
			for (int c = 0; c < t->ncols; c++)
				csv_raw(&w, rt_cell_plain(t->kind, t->rows[r].v[c], cell));
			csv_end(&w);
		}
		if (t->note) {
			csv_text(&w, t->note);
			csv_end(&w);
		}
		csv_end(&w);
	}
}
