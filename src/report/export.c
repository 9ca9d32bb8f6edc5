/*
 * report_write: picks the writer of a format (render.h) and shares the cell
 * texts that the table writers use.
 */
#include "report/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "report/render.h"

static const char *const format_names[REPORT_FORMAT__COUNT] = { "json", "csv", "md", "html", "xlsx" };
static const char *const content_types[REPORT_FORMAT__COUNT] = {
	"application/json",
	"text/csv; charset=utf-8",
	"text/markdown; charset=utf-8",
	"text/html; charset=utf-8",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

int report_format_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (int f = 0; f < REPORT_FORMAT__COUNT; f++)
		if (strcmp(s, format_names[f]) == 0)
			return f;
	return -1;
}

const char *report_format_name(enum report_format f)
{
	return (unsigned)f < REPORT_FORMAT__COUNT ? format_names[f] : "?";
}

const char *report_format_content_type(enum report_format f)
{
	return (unsigned)f < REPORT_FORMAT__COUNT ? content_types[f] : "application/octet-stream";
}

const char *report_format_extension(enum report_format f)
{
	return report_format_name(f);
}

const char *rt_cell_text(enum rt_kind kind, int64_t v, int nbsp, char buf[RT_CELL_MAX])
{
	if (v == RT_NONE)
		snprintf(buf, RT_CELL_MAX, "–");
	else if (kind == RT_COUNT && v == REPORT_SUPPRESSED)
		snprintf(buf, RT_CELL_MAX, "..");
	else if (kind == RT_MONEY) {
		if (money_format(v, buf, RT_CELL_MAX, nbsp) < 0)
			snprintf(buf, RT_CELL_MAX, "?");
	} else
		snprintf(buf, RT_CELL_MAX, "%lld", (long long)v);
	return buf;
}

const char *rt_cell_plain(enum rt_kind kind, int64_t v, char buf[RT_CELL_MAX])
{
	if (v == RT_NONE)
		buf[0] = '\0';
	else if (kind == RT_COUNT && v == REPORT_SUPPRESSED)
		snprintf(buf, RT_CELL_MAX, "..");
	else if (kind == RT_MONEY && v % 100 != 0)
		snprintf(buf, RT_CELL_MAX, "%s%lld.%02lld", v < 0 ? "-" : "",
			 (long long)(v / 100 < 0 ? -(v / 100) : v / 100),
			 (long long)(v % 100 < 0 ? -(v % 100) : v % 100));
	else if (kind == RT_MONEY)
		snprintf(buf, RT_CELL_MAX, "%lld", (long long)(v / 100));
	else
		snprintf(buf, RT_CELL_MAX, "%lld", (long long)v);
	return buf;
}

int report_write_buf(const struct report *r, enum report_format f, enum lang l, struct buf *out, char *err,
		     size_t errsz)
{
	struct report_tables *ts;
	int rc = 0;

	if ((unsigned)f >= REPORT_FORMAT__COUNT) {
		snprintf(err, errsz, "Okänt rapportformat. / Unknown report format.");
		return -1;
	}
	if ((unsigned)l >= LANG__COUNT) {
		snprintf(err, errsz, "Okänt språk. / Unknown language.");
		return -1;
	}
	if (f == REPORT_JSON)
		return report_render_json(r, out, err, errsz);
	ts = malloc(sizeof *ts);
	if (ts == NULL) {
		snprintf(err, errsz, "Slut på minne. / Out of memory.");
		return -1;
	}
	report_tables_build(r, l, ts);
	switch (f) {
	case REPORT_CSV: report_render_csv(ts, out); break;
	case REPORT_MD: report_render_md(ts, out); break;
	case REPORT_HTML: report_render_html(ts, out); break;
	case REPORT_XLSX: rc = report_render_xlsx(ts, out, err, errsz); break;
	default: break;
	}
	free(ts);
	return rc;
}

int report_write(const struct report *r, enum report_format f, enum lang l, FILE *out, char *err,
		 size_t errsz)
{
	struct buf b = BUF_INIT;
	int rc = report_write_buf(r, f, l, &b, err, errsz);

	if (rc == 0 && b.len > 0 && (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0)) {
		snprintf(err, errsz, "Rapporten kunde inte skrivas ut. / The report could not be written.");
		rc = -1;
	}
	buf_release(&b);
	return rc;
}
