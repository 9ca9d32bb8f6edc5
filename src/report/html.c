/*
 * The report as one standalone HTML file: the tables, and SVG bar charts by
 * gender drawn here (no script, no external file). Every text goes through
 * buf_html (util/buf.h), the one escaping writer; buf_printf only ever
 * formats numbers and fixed markup. The charts work in print and in black
 * and white: each bucket has its own hatching and every bar is labelled
 * with its bucket and figure, so nothing depends on colour.
 */
#include <stdint.h>
#include <string.h>

#include "report/render.h"

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:64rem;"
	"margin:2rem auto;padding:0 1rem;color:#000;background:#fff;line-height:1.4}"
	"table{border-collapse:collapse;margin:.5rem 0 1rem}"
	"th,td{border:1px solid #555;padding:.2rem .5rem;vertical-align:top}"
	"thead th{background:#eee}"
	"td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"tbody th{text-align:left;font-weight:normal}"
	"figure{margin:0 0 2rem}figcaption{font-style:italic}"
	"svg{max-width:100%;height:auto}"
	".note{font-size:.9rem}"
	"@media print{body{margin:0;max-width:none}section,figure{break-inside:avoid}"
	"thead th{background:none}}";

/* One hatching per bucket (enum bucket order, total unused), drawn in black
 * on white: {rotation, kind} where kind 0 = lines, 1 = crossed lines,
 * 2 = solid dark, 3 = dots, 4 = empty. */
static const struct {
	int rotate;
	int kind;
} hatch[BUCKET__COUNT] = {
	[BUCKET_WOMEN] = { 45, 0 },       [BUCKET_MEN] = { 0, 2 },
	[BUCKET_TRANS_WOMEN] = { 45, 1 }, [BUCKET_TRANS_MEN] = { 90, 0 },
	[BUCKET_NON_BINARY] = { 0, 3 },   [BUCKET_GIRLS] = { -45, 0 },
	[BUCKET_BOYS] = { 0, 0 },         [BUCKET_UNKNOWN] = { 0, 4 },
	[BUCKET_TOTAL] = { 0, 4 },
};

static void html_open(struct buf *out, const char *tag, const char *text, const char *close)
{
	buf_puts(out, tag);
	buf_html(out, text);
	buf_puts(out, close);
}

static void svg_patterns(struct buf *out, int chart)
{
	buf_puts(out, "<defs>");
	for (int b = 0; b < BUCKET_TOTAL; b++) {
		buf_printf(out,
			   "<pattern id=\"c%d-b%d\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
			   " patternTransform=\"rotate(%d)\"><rect width=\"6\" height=\"6\" fill=\"%s\"/>",
			   chart, b, hatch[b].rotate, hatch[b].kind == 2 ? "#333" : "#fff");
		switch (hatch[b].kind) {
		case 0:
			buf_puts(out, "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#000\" stroke-width=\"2\"/>");
			break;
		case 1:
			buf_puts(out, "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#000\" stroke-width=\"1.5\"/>"
				      "<line x1=\"0\" y1=\"0\" x2=\"6\" y2=\"0\" stroke=\"#000\" stroke-width=\"1.5\"/>");
			break;
		case 3:
			buf_puts(out, "<circle cx=\"3\" cy=\"3\" r=\"1.4\" fill=\"#000\"/>");
			break;
		default:
			break;
		}
		buf_puts(out, "</pattern>");
	}
	buf_puts(out, "</defs>");
}

enum {
	CH_WIDTH = 720, CH_LABEL_X = 24, CH_BAR_X = 150, CH_BAR_MAX = 470,
	CH_HEAD = 22, CH_ROW = 18, CH_GAP = 8,
};

/* Height of the chart of t, from the same walk as svg_chart draws. */
static int chart_height(const struct rtable *t)
{
	int y = 4;
	for (int r = 0; r < t->nrows; r++) {
		int bars = 0;
		y += CH_HEAD;
		for (int c = 0; c < t->ncols; c++)
			if (t->col_bucket[c] >= 0 && t->col_bucket[c] != BUCKET_TOTAL && t->rows[r].v[c] != 0)
				bars++;
		y += (bars ? bars : 1) * CH_ROW + CH_GAP;
	}
	return y + 4;
}

/*
 * Horizontal bars: for each row of t its label, then one bar per bucket
 * with a non-zero figure, labelled "bucket" at the left and the figure at
 * the bar's end. A suppressed figure gets no bar, only "..".
 */
static void svg_chart(struct buf *out, const struct report_tables *ts, const struct rtable *t, int chart)
{
	int64_t max = 1;
	int y = 4, height = chart_height(t);
	char num[RT_CELL_MAX];

	for (int r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++)
			if (t->col_bucket[c] >= 0 && t->col_bucket[c] != BUCKET_TOTAL && t->rows[r].v[c] > max)
				max = t->rows[r].v[c];

	buf_printf(out, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
			"aria-labelledby=\"c%d-title\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
			"font-family=\"sans-serif\" font-size=\"12\">",
		   chart, CH_WIDTH, height, CH_WIDTH, height);
	buf_printf(out, "<title id=\"c%d-title\">", chart);
	buf_html(out, t->chart);
	buf_puts(out, "</title>");
	svg_patterns(out, chart);
	for (int r = 0; r < t->nrows; r++) {
		int bars = 0;
		buf_printf(out, "<text x=\"4\" y=\"%d\" font-weight=\"bold\" font-size=\"13\">", y + 15);
		buf_html(out, t->rows[r].label);
		buf_puts(out, "</text>");
		y += CH_HEAD;
		for (int c = 0; c < t->ncols; c++) {
			int b = t->col_bucket[c];
			int64_t v = t->rows[r].v[c];
			if (b < 0 || b == BUCKET_TOTAL || v == 0)
				continue;
			bars++;
			buf_printf(out, "<text x=\"%d\" y=\"%d\">", CH_LABEL_X, y + 13);
			buf_html(out, t->cols[c]);
			buf_puts(out, "</text>");
			if (v < 0) {
				buf_printf(out, "<text x=\"%d\" y=\"%d\">", CH_BAR_X, y + 13);
				buf_html(out, ts->chart_suppressed);
				buf_puts(out, "</text>");
			} else {
				/* max / CH_BAR_MAX first when v * CH_BAR_MAX could overflow */
				int w = max > INT64_MAX / CH_BAR_MAX ? (int)(v / (max / CH_BAR_MAX))
								    : (int)(v * CH_BAR_MAX / max);
				if (w < 2)
					w = 2;
				buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" "
						"fill=\"url(#c%d-b%d)\" stroke=\"#000\"/>",
					   CH_BAR_X, y + 2, w, chart, b);
				buf_printf(out, "<text x=\"%d\" y=\"%d\">", CH_BAR_X + w + 6, y + 13);
				buf_html(out, rt_cell_text(RT_COUNT, v, 0, num));
				buf_puts(out, "</text>");
			}
			y += CH_ROW;
		}
		if (bars == 0) {
			buf_printf(out, "<text x=\"%d\" y=\"%d\" font-style=\"italic\">", CH_LABEL_X, y + 13);
			buf_html(out, ts->chart_none);
			buf_puts(out, "</text>");
			y += CH_ROW;
		}
		y += CH_GAP;
	}
	buf_puts(out, "</svg>");
	html_open(out, "<figcaption>", t->chart, "</figcaption></figure>\n");
}

static void html_table(struct buf *out, const struct rtable *t)
{
	char cell[RT_CELL_MAX];

	buf_puts(out, "<table>\n<thead><tr>");
	html_open(out, "<th scope=\"col\">", t->corner, "</th>");
	for (int c = 0; c < t->ncols; c++)
		html_open(out, "<th scope=\"col\">", t->cols[c], "</th>");
	buf_puts(out, "</tr></thead>\n<tbody>\n");
	for (int r = 0; r < t->nrows; r++) {
		html_open(out, "<tr><th scope=\"row\">", t->rows[r].label, "</th>");
		for (int c = 0; c < t->ncols; c++)
			html_open(out, "<td>", rt_cell_text(t->kind, t->rows[r].v[c], 1, cell), "</td>");
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, "</tbody>\n</table>\n");
}

void report_render_html(const struct report_tables *ts, struct buf *out)
{
	int charts = 0;

	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");
	buf_puts(out, i18n_code(ts->lang));
	buf_puts(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	html_open(out, "<title>", ts->title, "</title>\n");
	buf_puts(out, "<style>");
	buf_puts(out, style);
	buf_puts(out, "</style>\n</head>\n<body>\n<header>\n");
	html_open(out, "<h1>", ts->title, "</h1>\n");
	html_open(out, "<p class=\"note\">", ts->note, "</p>\n");
	buf_puts(out, "</header>\n<main>\n");
	for (int i = 0; i < ts->n; i++) {
		const struct rtable *t = &ts->t[i];
		html_open(out, "<section id=\"", t->key, "\">\n");
		html_open(out, "<h2>", t->title, "</h2>\n");
		html_table(out, t);
		if (t->note)
			html_open(out, "<p class=\"note\">", t->note, "</p>\n");
		if (t->chart)
			svg_chart(out, ts, t, charts++);
		buf_puts(out, "</section>\n");
	}
	buf_puts(out, "</main>\n</body>\n</html>\n");
}
