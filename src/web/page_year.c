/*
 * The year (coordinator): budget, committed, paid, remaining; a monthly
 * chart of commitments and payments with a forecast from open decisions;
 * the year's settings (budget, rates, point rates). And the annual report
 * page (coordinator and funder).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "domain/report.h"
#include "report/export.h"
#include "report/tables.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

#define CHART_W 720
#define CHART_H 200
#define CHART_TOP 10

/* The year of the path, or -1 after replying 404. */
static int path_year(struct page *p)
{
	int64_t y = p->req->ids[0];
	if (y < DAY_MIN_YEAR || y > DAY_MAX_YEAR) {
		struct svc_error e;
		svc_fail(&e, SVC_NOT_FOUND, "året finns inte", "no such year");
		page_fail(p, &e);
		return -1;
	}
	return (int)y;
}

void page_year_current(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	page_redirectf(&p, "/years/%d", page_this_year());
}

/* Links to the year before and after. */
static void year_nav(struct page *p, const char *base, int year)
{
	char y[16];
	html_raw(&p->h, "<p class=\"year-nav\">");
	snprintf(y, sizeof y, "\xE2\x86\x90 %d", year - 1);
	page_link(p, y, "%s/%d", base, year - 1);
	html_raw(&p->h, " \xC2\xB7 ");
	snprintf(y, sizeof y, "%d \xE2\x86\x92", year + 1);
	page_link(p, y, "%s/%d", base, year + 1);
	html_raw(&p->h, "</p>");
}

/* One month's bar of a series. */
static void chart_bar(struct page *p, int month, int series, int64_t v, int64_t max, const char *cls, const char *key)
{
	int64_t hgt = v * CHART_H / max;
	int x = (month - 1) * (CHART_W / 12) + 6 + series * 16;
	char amount[64];
	money_format(v, amount, sizeof amount, 1);
	html_raw(&p->h, "<rect width=\"14\"");
	html_attrf(&p->h, "x", "%d", x);
	html_attrf(&p->h, "y", "%lld", (long long)(CHART_TOP + CHART_H - hgt));
	html_attrf(&p->h, "height", "%lld", (long long)hgt);
	html_attr(&p->h, "class", cls);
	html_raw(&p->h, "><title>");
	page_text(p, key);
	html_raw(&p->h, ": ");
	html_text(&p->h, amount);
	html_raw(&p->h, "</title></rect>");
}

/* The monthly chart (SVG, attributes only: the CSP forbids inline style) and its table. */
static void month_chart(struct page *p, const json_t *m)
{
	static const struct {
		const char *field, *cls, *key;
	} series[] = {
		{ "committed_ore", "bar s-committed", "year.committed" },
		{ "paid_ore", "bar s-paid", "year.paid" },
		{ "forecast_ore", "bar s-forecast", "year.forecast" },
	};
	const json_t *months = json_object_get(m, "months");
	int64_t max = 1;
	size_t i;
	json_t *x;
	json_array_foreach(months, i, x)
		for (size_t s = 0; s < 3; s++)
			if (page_int(x, series[s].field) > max)
				max = page_int(x, series[s].field);
	html_raw(&p->h, "<figure class=\"chart\"><svg role=\"img\"");
	html_attrf(&p->h, "viewBox", "0 0 %d %d", CHART_W, CHART_TOP + CHART_H + 24);
	html_attr(&p->h, "aria-label", page_t(p, "year.chart"));
	html_raw(&p->h, "><line class=\"base\" x1=\"0\"");
	html_attrf(&p->h, "x2", "%d", CHART_W);
	html_attrf(&p->h, "y1", "%d", CHART_TOP + CHART_H);
	html_attrf(&p->h, "y2", "%d", CHART_TOP + CHART_H);
	html_raw(&p->h, "/>");
	json_array_foreach(months, i, x) {
		int month = (int)page_int(x, "month");
		char key[16];
		for (size_t s = 0; s < 3; s++)
			if (page_int(x, series[s].field) > 0)
				chart_bar(p, month, (int)s, page_int(x, series[s].field), max, series[s].cls, series[s].key);
		snprintf(key, sizeof key, "month.%d", month);
		html_raw(&p->h, "<text class=\"axis\" text-anchor=\"middle\"");
		html_attrf(&p->h, "x", "%d", (month - 1) * (CHART_W / 12) + CHART_W / 24);
		html_attrf(&p->h, "y", "%d", CHART_TOP + CHART_H + 18);
		html_raw(&p->h, ">");
		page_text(p, key);
		html_raw(&p->h, "</text>");
	}
	html_raw(&p->h, "</svg><figcaption><ul class=\"legend\">");
	for (size_t s = 0; s < 3; s++) {
		html_raw(&p->h, "<li><span");
		html_attrf(&p->h, "class", "swatch %s", series[s].cls + 4);
		html_raw(&p->h, "></span>");
		page_text(p, series[s].key);
		html_raw(&p->h, "</li>");
	}
	html_raw(&p->h, "</ul></figcaption></figure>");
	page_table(p, "year.by_month", "year.month", "year.committed", "year.paid", "year.released", "year.forecast", NULL);
	json_array_foreach(months, i, x) {
		char key[16];
		snprintf(key, sizeof key, "month.%lld", (long long)page_int(x, "month"));
		html_raw(&p->h, "<tr><th scope=\"row\">");
		page_text(p, key);
		html_raw(&p->h, "</th>");
		const char *cols[] = { "committed_ore", "paid_ore", "released_ore", "forecast_ore" };
		for (size_t c = 0; c < 4; c++) {
			html_raw(&p->h, "<td class=\"num\">");
			page_money(p, json_object_get(x, cols[c]));
			html_raw(&p->h, "</td>");
		}
		html_raw(&p->h, "</tr>");
	}
	page_table_end(p);
	const json_t *after = json_object_get(m, "after_year");
	char paid_after[64], outstanding[64];
	money_format(page_int(after, "paid_ore"), paid_after, sizeof paid_after, 1);
	money_format(page_int(m, "outstanding_ore"), outstanding, sizeof outstanding, 1);
	html_raw(&p->h, "<p>");
	page_textv(p, "year.outstanding", outstanding, NULL);
	if (page_int(after, "paid_ore")) {
		html_raw(&p->h, " ");
		page_textv(p, "year.paid_after", paid_after, NULL);
	}
	html_raw(&p->h, "</p>");
}

/* An amount for a money field: "1 320 kr" with ordinary spaces (what money_parse_kr reads back). */
static void kr_value(const json_t *ore, char *buf, size_t size)
{
	if (!json_is_integer(ore) || money_format(json_integer_value(ore), buf, size, 0) < 0)
		buf[0] = '\0';
}

/* The year's settings: budget, daily rates and point rates. */
static void settings_form(struct page *p, int year, const json_t *y)
{
	html_raw(&p->h, "<section class=\"panel\" id=\"settings\"><h2>");
	page_text(p, "year.settings");
	html_raw(&p->h, "</h2><p class=\"hint\">");
	char from[16];
	snprintf(from, sizeof from, "%lld", (long long)page_int(y, "rates_from_year"));
	page_textv(p, "year.rates_from", from, NULL);
	html_raw(&p->h, "</p>");
	page_errors(p);
	page_form(p, "/years/%d", year);
	char v[64];
	kr_value(json_object_get(y, "budget_ore"), v, sizeof v);
	page_field(p, &(struct field){ .kind = FIELD_MONEY, .name = "budget_ore", .label = "year.budget",
				       .hint = "year.budget_hint", .value = v });
	/* Four-eyes: decisions above it need a second coordinator; empty = none. */
	kr_value(json_object_get(y, "four_eyes_ore"), v, sizeof v);
	page_field(p, &(struct field){ .kind = FIELD_MONEY, .name = "four_eyes_ore", .label = "year.four_eyes",
				       .hint = "year.four_eyes_hint", .value = v });
	html_raw(&p->h, "<fieldset class=\"group grid\"><legend>");
	page_text(p, "year.rates");
	html_raw(&p->h, "</legend>");
	const json_t *rates = json_object_get(y, "rates_ore");
	for (int c = 0; c < CODE__COUNT; c++) {
		if (c == CODE_POINT_ADULT || c == CODE_POINT_CHILD)
			continue;
		char name[64], label[64];
		snprintf(name, sizeof name, "rates_ore.%s", enum_name(&enum_code, c));
		snprintf(label, sizeof label, "code.%s", enum_name(&enum_code, c));
		kr_value(json_object_get(rates, enum_name(&enum_code, c)), v, sizeof v);
		page_field(p, &(struct field){ .kind = FIELD_MONEY, .name = name, .label = label, .value = v });
	}
	html_raw(&p->h, "</fieldset><fieldset class=\"group\"><legend>");
	page_text(p, "year.point_rates");
	html_raw(&p->h, "</legend>");
	const json_t *points = json_object_get(y, "point_rates");
	for (int c = 0; c < POINT__COUNT; c++) {
		const char *cat = enum_name(&enum_point_category, c);
		const json_t *pr = json_object_get(points, cat);
		char unit[64], rate[64];
		snprintf(unit, sizeof unit, "point_rates.%s.unit", cat);
		snprintf(rate, sizeof rate, "point_rates.%s.rate_ore", cat);
		kr_value(json_object_get(pr, "rate_ore"), v, sizeof v);
		html_raw(&p->h, "<fieldset class=\"pair\"><legend>");
		html_text(&p->h, i18n_enum(p->lang, &enum_point_category, c));
		html_raw(&p->h, "</legend>");
		page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = unit, .label = "year.unit",
					       .value = page_s(pr, "unit") });
		page_field(p, &(struct field){ .kind = FIELD_MONEY, .name = rate, .label = "year.rate", .value = v });
		html_raw(&p->h, "</fieldset>");
	}
	html_raw(&p->h, "</fieldset>");
	page_form_end(p, "year.save");
	html_raw(&p->h, "</section>");
}

/* One of the report's tables, laid out as every export lays it out (report/tables.h). */
static void report_table(struct page *p, const struct rtable *t)
{
	char cell[RT_CELL_MAX];
	html_raw(&p->h, "<section");
	html_attr(&p->h, "id", t->key);
	html_raw(&p->h, "><h2>");
	html_text(&p->h, t->title);
	html_raw(&p->h, "</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">");
	html_text(&p->h, t->corner);
	html_raw(&p->h, "</th>");
	for (int c = 0; c < t->ncols; c++) {
		html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
		html_text(&p->h, t->cols[c]);
		html_raw(&p->h, "</th>");
	}
	html_raw(&p->h, "</tr></thead><tbody>");
	for (int r = 0; r < t->nrows; r++) {
		html_raw(&p->h, "<tr");
		html_attr(&p->h, "data-code", t->rows[r].id);
		html_raw(&p->h, "><th scope=\"row\">");
		html_text(&p->h, t->rows[r].label);
		html_raw(&p->h, "</th>");
		for (int c = 0; c < t->ncols; c++) {
			html_raw(&p->h, "<td class=\"num\">");
			html_text(&p->h, rt_cell_text(t->kind, t->rows[r].v[c], 1, cell));
			html_raw(&p->h, "</td>");
		}
		html_raw(&p->h, "</tr>");
	}
	html_raw(&p->h, "</tbody></table></div>");
	if (t->note) {
		html_raw(&p->h, "<p class=\"note\">");
		html_text(&p->h, t->note);
		html_raw(&p->h, "</p>");
	}
	html_raw(&p->h, "</section>");
}

/* "Utbetalt per insats(typ)" on the year page: the report's own table (the same
 * rows, labels and figures: the budget's paid_by_intervention_ore is the
 * report's query, db_paid_by_code), a child supplement on its own row. */
static void paid_by_code_table(struct page *p, const json_t *budget)
{
	int64_t paid[CODE__COUNT];
	const json_t *by_code = json_object_get(budget, "paid_by_intervention_ore");
	struct report_tables *ts = malloc(sizeof *ts);
	if (!ts)
		abort();
	for (int c = 0; c < CODE__COUNT; c++)
		paid[c] = page_int(by_code, enum_name(&enum_code, c));
	report_tables_paid_by_code(paid, page_int(budget, "paid_in_year_ore"), p->lang, ts);
	report_table(p, &ts->t[0]);
	free(ts);
}

static void year_page(struct page *p, int year, unsigned status)
{
	struct svc_error e;
	json_t *y = svc_year_get(&p->svc, year, &e);
	json_t *m = y ? svc_page_year_months(&p->svc, year, &e) : NULL;
	if (!m) {
		json_decref(y);
		return page_fail(p, &e);
	}
	char title[64];
	snprintf(title, sizeof title, "%s %d", page_t(p, "year.title"), year);
	page_start(p, title);
	html_elem(&p->h, "h1", title);
	year_nav(p, "/years", year);
	page_notice(p);
	if (!json_is_integer(json_object_get(y, "budget_ore"))) {
		html_raw(&p->h, "<p class=\"warning\">");
		page_text(p, "year.no_budget");
		html_raw(&p->h, "</p>");
	}
	page_money_figures(p, y);
	paid_by_code_table(p, y);
	html_raw(&p->h, "<h2>");
	page_text(p, "year.chart");
	html_raw(&p->h, "</h2>");
	month_chart(p, m);
	settings_form(p, year, y);
	json_decref(y);
	json_decref(m);
	page_end_status(p, status);
}

void page_year(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	int year = path_year(&p);
	if (year >= 0)
		year_page(&p, year, 200);
}

void page_year_post(struct http_request *req)
{
	enum { N = 2 + CODE__COUNT + 2 * POINT__COUNT };
	struct fj spec[N];
	char names[N][64];
	size_t n = 0;
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	int year = path_year(&p);
	if (year < 0 || page_parse(&p) != 0)
		return;
	spec[n++] = (struct fj){ "budget_ore", FJ_KR };
	spec[n++] = (struct fj){ "four_eyes_ore", FJ_KR };
	for (int c = 0; c < CODE__COUNT; c++) {
		if (c == CODE_POINT_ADULT || c == CODE_POINT_CHILD)
			continue;
		snprintf(names[n], sizeof names[n], "rates_ore.%s", enum_name(&enum_code, c));
		spec[n] = (struct fj){ names[n], FJ_KR };
		n++;
	}
	for (int c = 0; c < POINT__COUNT; c++) {
		snprintf(names[n], sizeof names[n], "point_rates.%s.unit", enum_name(&enum_point_category, c));
		spec[n] = (struct fj){ names[n], FJ_STR };
		n++;
		snprintf(names[n], sizeof names[n], "point_rates.%s.rate_ore", enum_name(&enum_point_category, c));
		spec[n] = (struct fj){ names[n], FJ_KR };
		n++;
	}
	json_t *in = page_form_json(&p, spec, n, &e);
	json_t *out = in ? svc_year_put(&p.svc, year, in, &e) : NULL;
	json_decref(in);
	if (!out) {
		p.err = &e;
		return year_page(&p, year, 400);
	}
	bool awaiting = json_is_true(json_object_get(out, "awaiting_approval"));
	json_decref(out);
	if (awaiting) /* four eyes on the threshold itself: it waits on the users page */
		return page_redirect(&p, "/users?done=change_proposed");
	page_redirectf(&p, "/years/%d?done=saved", year);
}

/* ---------------------------------------------------------------- the annual report */

void page_report_current(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	page_redirectf(&p, "/reports/%d", page_this_year());
}

/* The report's tables; in place of its money table, the year's money figures as the start
 * and year pages show them (budget, committed and paid dated in the year are three of them). */
static void report_body(struct page *p, const struct report_tables *ts, const json_t *budget)
{
	html_raw(&p->h, "<p class=\"note\">");
	html_text(&p->h, ts->note);
	html_raw(&p->h, "</p>");
	for (int i = 0; i < ts->n; i++) {
		if (strcmp(ts->t[i].key, "money") != 0) {
			report_table(p, &ts->t[i]);
			continue;
		}
		html_raw(&p->h, "<section id=\"money\"><h2>");
		html_text(&p->h, ts->t[i].title);
		html_raw(&p->h, "</h2>");
		page_money_figures(p, budget);
		html_raw(&p->h, "</section>");
	}
}

void page_report(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	int year = path_year(&p);
	if (year < 0)
		return;
	/* The tables every export renders: the same figures, labels and order. */
	struct report_tables *ts = malloc(sizeof *ts);
	json_t *budget = NULL;
	if (!ts)
		svc_fail(&e, SVC_INTERNAL, "slut på minne", "out of memory");
	else if (svc_report_tables(&p.svc, year, ts, &e) == 0)
		budget = svc_year_budget(&p.svc, year, &e);
	if (!budget) {
		free(ts);
		return page_fail(&p, &e);
	}
	char title[64];
	snprintf(title, sizeof title, "%s %d", page_t(&p, "report.title"), year);
	page_start(&p, title);
	html_elem(&p.h, "h1", title);
	year_nav(&p, "/reports", year);
	html_raw(&p.h, "<p class=\"downloads\">");
	page_text(&p, "report.download");
	static const char *const formats[] = { "html", "md", "csv", "xlsx", "json" };
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		char label[8];
		snprintf(label, sizeof label, "%s", formats[i]);
		for (char *c = label; *c; c++)
			*c = (char)(*c - 'a' + 'A');
		html_raw(&p.h, " ");
		page_link(&p, label, "/api/v1/reports/annual/%d?format=%s", year, formats[i]);
	}
	html_raw(&p.h, "</p>");
	report_body(&p, ts, budget);
	free(ts);
	json_decref(budget);
	page_end(&p);
}
