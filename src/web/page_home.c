/*
 * The start page: for a caseworker their persons and open applications,
 * the periods ending within a week (an extension is applied for month by
 * month) and the decisions waiting for a payment claim; for the coordinator
 * the queue, the year's money and the same work lists over all
 * organisations. The funder has only the annual report.
 */
#include <stdio.h>
#include <stdlib.h>

#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

#define ENDING_WITHIN_DAYS 7
#define HOME_PERSONS 10

/* Opens the panel of title_key; when rows is empty it says none_key, closes
 * the panel and returns false (nothing to list). */
static bool list_panel(struct page *p, const char *title_key, const json_t *rows, const char *none_key)
{
	page_panel(p, title_key);
	if (json_array_size(rows) > 0)
		return true;
	html_raw(&p->h, "<p>");
	page_text(p, none_key);
	html_raw(&p->h, "</p></section>");
	return false;
}

/* Periods ending soon: each with a link to apply for the extension. */
static void ending_list(struct page *p, const json_t *rows)
{
	if (!list_panel(p, "home.ending", rows, "home.ending_none"))
		return;
	page_table(p, NULL, "person.code", "application.type", "application.to", "period.left", "home.next_step", NULL);
	size_t i;
	json_t *r;
	day_t today = day_today();
	json_array_foreach(rows, i, r) {
		day_t to;
		html_raw(&p->h, "<tr><td class=\"code\">");
		page_link(p, page_s(r, "person_code"), "/persons/%lld", (long long)page_int(r, "person_id"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_app_type, page_s(r, "type")));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(r, "to"));
		html_raw(&p->h, "</td><td>");
		if (page_s(r, "to") && day_parse(page_s(r, "to"), &to) == 0)
			page_days_left_n(p, to - today + 1);
		html_raw(&p->h, "</td><td>");
		page_link(p, page_t(p, "home.apply_extension"), "/persons/%lld/apply?type=extended",
			  (long long)page_int(r, "person_id"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "</section>");
}

static void unclaimed_list(struct page *p, const json_t *rows)
{
	if (!list_panel(p, "home.unclaimed", rows, "home.unclaimed_none"))
		return;
	page_table(p, NULL, "person.code", "application.type", "decision.decided_on", "decision.total",
		   "home.next_step", NULL);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		html_raw(&p->h, "<tr><td class=\"code\">");
		page_link(p, page_s(r, "person_code"), "/persons/%lld", (long long)page_int(r, "person_id"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_app_type, page_s(r, "type")));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(r, "decided_on"));
		html_raw(&p->h, "</td><td class=\"num\">");
		page_money(p, json_object_get(r, "total_ore"));
		html_raw(&p->h, "</td><td>");
		page_link(p, page_t(p, "home.claim"), "/decisions/%lld", (long long)page_int(r, "decision_id"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "</section>");
}

/* The organisation's submitted applications. */
static void open_applications(struct page *p, const json_t *apps, const json_t *codes)
{
	if (!list_panel(p, "home.open_applications", apps, "home.open_none"))
		return;
	page_table(p, NULL, "person.code", "application.type", "application.submitted_on", NULL);
	size_t i;
	json_t *a;
	json_array_foreach(apps, i, a) {
		html_raw(&p->h, "<tr><td class=\"code\">");
		html_text(&p->h, page_person_code(codes, page_int(a, "person_id")));
		html_raw(&p->h, "</td><td>");
		page_link(p, page_enum(p, &enum_app_type, page_s(a, "type")), "/applications/%lld",
			  (long long)page_int(a, "id"));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(a, "submitted_on"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "<p>");
	page_link(p, page_t(p, "home.all_applications"), "/applications?status=submitted");
	html_raw(&p->h, "</p></section>");
}

static void own_persons(struct page *p, const json_t *list)
{
	html_raw(&p->h, "<section class=\"panel\"><h2>");
	page_text(p, "home.persons");
	html_raw(&p->h, "</h2><ul class=\"codes recent\">");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(list, "persons"), i, x) {
		html_raw(&p->h, "<li>");
		page_link(p, page_s(x, "code"), "/persons/%lld", (long long)page_int(x, "id"));
		if (json_is_object(json_object_get(x, "period"))) {
			html_raw(&p->h, " ");
			page_days_left(p, json_object_get(x, "period"));
		}
		html_raw(&p->h, "</li>");
	}
	html_raw(&p->h, "</ul><p class=\"actions\"><a class=\"button\" href=\"/persons/new\">");
	page_text(p, "persons.register");
	html_raw(&p->h, "</a> <a href=\"/persons\">");
	page_text(p, "home.all_persons");
	html_raw(&p->h, "</a></p></section>");
}

/* The coordinator's view of the year's money: the figures of every money page (page_money_figures). */
static void year_summary(struct page *p, const json_t *b)
{
	char year[16];
	snprintf(year, sizeof year, "%lld", (long long)page_int(b, "year"));
	html_raw(&p->h, "<section class=\"panel\" id=\"year-money\"><h2>");
	page_textv(p, "home.year", year, NULL);
	html_raw(&p->h, "</h2>");
	page_money_figures(p, b);
	html_raw(&p->h, "<p>");
	page_link(p, page_t(p, "home.year_details"), "/years/%s", year);
	html_raw(&p->h, "</p></section>");
}

void page_home(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (p.svc.actor->role == ROLE_FUNDER)
		return page_redirect(&p, "/report");
	bool coordinator = p.svc.actor->role == ROLE_COORDINATOR;
	char limit[16];
	snprintf(limit, sizeof limit, "%d", HOME_PERSONS);
	json_t *work = svc_page_worklists(&p.svc, ENDING_WITHIN_DAYS, &e);
	/* The coordinator counts the whole queue; a caseworker sees the newest open ones. */
	json_t *apps = work ? svc_application_list(&p.svc,
						   &(struct svc_application_query){ .status = "submitted",
										    .order = coordinator ? NULL : "newest",
										    .limit = coordinator ? NULL : limit },
						   &e)
			    : NULL;
	json_t *more = NULL, *codes = NULL;
	if (apps)
		more = coordinator ? svc_year_budget(&p.svc, page_this_year(), &e)
				   : svc_person_list(&p.svc, &(struct svc_person_query){ .order = "newest", .limit = limit }, &e);
	if (more)
		codes = page_person_codes(&p, json_object_get(apps, "applications"), "person_id", &e);
	if (!codes) {
		json_decref(work);
		json_decref(apps);
		json_decref(more);
		return page_fail(&p, &e);
	}
	page_start(&p, page_t(&p, "home.title"));
	page_h1(&p, "home.title");
	page_notice(&p);
	if (coordinator) {
		int64_t n = page_int(apps, "total");
		char count[24];
		snprintf(count, sizeof count, "%lld", (long long)n);
		html_raw(&p.h, "<section class=\"panel\"><h2>");
		page_text(&p, "nav.queue");
		html_raw(&p.h, "</h2><p>");
		char key[40];
		page_textv(&p, page_count_key(&p, "home.queue_count", n, key, sizeof key), count, NULL);
		html_raw(&p.h, " <a class=\"button\" href=\"/queue\">");
		page_text(&p, "home.to_queue");
		html_raw(&p.h, "</a></p></section>");
		year_summary(&p, more);
	}
	ending_list(&p, json_object_get(work, "ending"));
	unclaimed_list(&p, json_object_get(work, "unclaimed"));
	if (!coordinator) {
		html_raw(&p.h, "<div class=\"columns\">");
		open_applications(&p, json_object_get(apps, "applications"), codes);
		own_persons(&p, more);
		html_raw(&p.h, "</div>");
	}
	json_decref(work);
	json_decref(apps);
	json_decref(more);
	json_decref(codes);
	page_end(&p);
}
