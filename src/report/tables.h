/*
 * The annual report as a list of titled tables with Swedish headings: the
 * one layout that the CSV, Markdown, HTML and XLSX writers all render, so
 * that the forms cannot drift apart. (JSON has its own shape, api.md.)
 */
#ifndef NSP_REPORT_TABLES_H
#define NSP_REPORT_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/report.h"

#define RT_MAX_COLS 10
#define RT_MAX_ROWS 16
#define RT_MAX_TABLES 16

/* A cell with no figure at all (no budget set): shown empty / "–". */
#define RT_NONE INT64_MIN

enum rt_kind {
	RT_COUNT, /* person or event counts; REPORT_SUPPRESSED shows as ".." */
	RT_MONEY, /* öre */
};

struct rt_row {
	const char *label;
	int64_t v[RT_MAX_COLS];
};

/* All strings are static (labels.c). */
struct rtable {
	const char *key;        /* stable id: "persons", "interventions", ... (HTML anchors) */
	const char *title;      /* Swedish heading */
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
	const char *note;       /* exact or open data */
	bool open_data;
	int n;
	struct rtable t[RT_MAX_TABLES];
};

/* Lays r out as tables into *out (about 25 kB: allocate it, not on a small
 * stack). Nothing to free. */
void report_tables_build(const struct report *r, struct report_tables *out);

#endif
