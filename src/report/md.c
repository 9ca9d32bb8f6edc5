/*
 * The report as Markdown: the tables of the 2025 report with their
 * headings (Swedish, or English), figures right-aligned.
 */
#include <string.h>

#include "report/render.h"

/* Text for a Markdown table cell or heading: backslash, pipe and the
 * characters that start emphasis, code or links are escaped; line breaks
 * become spaces so that a cell never ends its row. */
static void md_text(struct buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': case '|': case '*': case '_': case '`': case '[': case ']': case '<': case '>':
			buf_putc(out, '\\');
			buf_putc(out, *s);
			break;
		case '\r': case '\n':
			buf_putc(out, ' ');
			break;
		default:
			buf_putc(out, *s);
		}
	}
}

void report_render_md(const struct report_tables *ts, struct buf *out)
{
	char cell[RT_CELL_MAX];

	buf_puts(out, "# ");
	md_text(out, ts->title);
	buf_puts(out, "\n\n");
	md_text(out, ts->note);
	buf_puts(out, "\n");
	for (int i = 0; i < ts->n; i++) {
		const struct rtable *t = &ts->t[i];
		buf_puts(out, "\n## ");
		md_text(out, t->title);
		buf_puts(out, "\n\n| ");
		md_text(out, t->corner);
		for (int c = 0; c < t->ncols; c++) {
			buf_puts(out, " | ");
			md_text(out, t->cols[c]);
		}
		buf_puts(out, " |\n|---");
		for (int c = 0; c < t->ncols; c++)
			buf_puts(out, "|---:");
		buf_puts(out, "|\n");
		for (int r = 0; r < t->nrows; r++) {
			buf_puts(out, "| ");
			md_text(out, t->rows[r].label);
			for (int c = 0; c < t->ncols; c++) {
				buf_puts(out, " | ");
				md_text(out, rt_cell_text(t->kind, t->rows[r].v[c], 0, cell));
			}
			buf_puts(out, " |\n");
		}
		if (t->note) {
			buf_puts(out, "\n");
			md_text(out, t->note);
			buf_puts(out, "\n");
		}
	}
}
