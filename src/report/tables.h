/*
 * The annual report as a list of titled tables with headings in one
 * language (Swedish by default, or English): the one layout that the CSV,
 * Markdown, HTML and XLSX writers all render, so that the forms cannot
 * drift apart. Every word comes from the i18n catalogues (labels.h); the
 * writers add none of their own. (JSON has its own shape, api.md.)
 */
#ifndef NSP_REPORT_TABLES_H
#define NSP_REPORT_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/report.h"
#include "i18n/i18n.h"

#define RT_MAX_COLS 10
#define RT_MAX_ROWS 16
#define RT_MAX_TABLES 20

/* A cell with no figure at all (no budget set): shown empty / "–". */
#define RT_NONE INT64_MIN

enum rt_kind {
	RT_COUNT, /* person or event counts; REPORT_SUPPRESSED shows as ".." */
	RT_MONEY, /* öre */
};

struct rt_row {
	const char *label;
	const char *id;         /* a stable name of the row (the intervention's code), or NULL */
	int64_t v[RT_MAX_COLS];
};

/* All strings are static (the catalogues of labels.h). */
struct rtable {
	const char *key;        /* stable id: "persons", "interventions", ... (HTML anchors) */
	const char *title;      /* heading */
	const char *sheet;      /* XLSX sheet name: at most 31 characters, none of []:*?/\ */
	const char *corner;     /* heading of the label column */
	const char *note;       /* a line under the table, or NULL */
	const char *chart;      /* caption of a bar chart by gender, or NULL for none */
	enum rt_kind kind;
	int ncols;
	const char *cols[RT_MAX_COLS];
	int col_bucket[RT_MAX_COLS]; /* enum bucket of a column, -1 for others */
	int nrows;
	struct rt_row rows[RT_MAX_ROWS];
};

struct report_tables {
	char title[96];         /* "Nationella Stödprogrammet – Årsrapport 2025" */
	enum lang lang;         /* the language of every text here */
	const char *note;       /* exact or open data */
	const char *chart_none; /* a chart's row without any bar */
	const char *chart_suppressed; /* a suppressed figure in a chart */
	bool open_data;
	int missing;            /* words the catalogue lacked, shown as their key or "?" (logged) */
	int n;
	struct rtable t[RT_MAX_TABLES];
};

/* Lays r out as tables with the words of language l into *out (about 25 kB:
 * allocate it, not on a small stack). Nothing to free. */
void report_tables_build(const struct report *r, enum lang l, struct report_tables *out);
/* Only the report's "paid per intervention" table (out->t[0]), from the payments
 * dated in the year by code and their total: the year page shows it as the
 * report does. */
void report_tables_paid_by_code(const int64_t paid_ore[CODE__COUNT], int64_t total_ore, enum lang l,
				struct report_tables *out);

#define RT_CELL_MAX 48

/*
 * The text of a cell for reading (Markdown, HTML): a count as digits, a
 * suppressed count as "..", RT_NONE as "–", money as "3 115 133 kr" (the
 * spaces U+00A0 when nbsp). Writes into buf (RT_CELL_MAX bytes); returns buf.
 */
const char *rt_cell_text(enum rt_kind kind, int64_t v, int nbsp, char buf[RT_CELL_MAX]);

#endif
