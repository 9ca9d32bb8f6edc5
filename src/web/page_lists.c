/*
 * The lists a caseworker and the coordinator work through: applications and
 * decisions, newest first, filtered (case code, organisation, status, year,
 * a period ending within N days) and paged, with the helpers every list page
 * shares (the search form's parts, "Visar 1–50 av 212", previous and next).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "web/page.h"
#include "web/routes.h"

#define LIST_PER_PAGE 50

/* value %-encoded for a query string, appended to b. */
static void query_encode(struct buf *b, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		    *c == '_' || *c == '.')
			buf_printf(b, "%c", *c);
		else
			buf_printf(b, "%%%c%c", hex[*c >> 4], hex[*c & 15]);
	}
}

/* A link to another page of the list at path with the same filters. */
static void list_page_link(struct page *p, const char *path, const struct list_filter *f, size_t n, int64_t offset,
			   const char *key)
{
	struct buf href = BUF_INIT;
	buf_printf(&href, "%s?offset=%lld", path, (long long)offset);
	for (size_t i = 0; i < n; i++) {
		if (!f[i].value || !*f[i].value)
			continue;
		buf_printf(&href, "&%s=", f[i].name);
		query_encode(&href, f[i].value);
	}
	html_raw(&p->h, "<a");
	html_attr(&p->h, "href", buf_str(&href));
	html_raw(&p->h, ">");
	page_text(p, key);
	html_raw(&p->h, "</a>");
	buf_release(&href);
}

void page_list_paging(struct page *p, const char *path, const struct list_filter *f, size_t n, int64_t off,
		      int64_t per_page, int64_t total)
{
	if (off <= 0 && off + per_page >= total)
		return;
	html_raw(&p->h, "<p class=\"paging\">");
	if (off > 0)
		list_page_link(p, path, f, n, off > per_page ? off - per_page : 0, "list.previous");
	if (off > 0 && off + per_page < total)
		html_raw(&p->h, " \xC2\xB7 ");
	if (off + per_page < total)
		list_page_link(p, path, f, n, off + per_page, "list.next");
	html_raw(&p->h, "</p>");
}

void page_list_showing(struct page *p, const char *key, int64_t off, size_t shown, int64_t total)
{
	char first[24], last[24], all[24];
	snprintf(first, sizeof first, "%lld", (long long)(off + 1));
	snprintf(last, sizeof last, "%lld", (long long)(off + (int64_t)shown));
	snprintf(all, sizeof all, "%lld", (long long)total);
	html_raw(&p->h, "<p class=\"count\">");
	page_textv(p, key, first, last, all, NULL);
	html_raw(&p->h, "</p>");
}

bool page_list_filtered(const struct list_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].value && *f[i].value && strcmp(f[i].name, "order") != 0)
			return true;
	return false;
}

void page_filter_open(struct page *p, const char *path)
{
	html_raw(&p->h, "<form method=\"get\" class=\"filters\" role=\"search\"");
	html_attr(&p->h, "action", path);
	html_raw(&p->h, ">");
}

void page_filter_code(struct page *p, const char *value)
{
	html_raw(&p->h, "<span class=\"filter\"><label for=\"q-code\">");
	page_text(p, "persons.search_code");
	html_raw(&p->h, "</label> <input type=\"search\" id=\"q-code\" name=\"code\" class=\"code\" "
			"maxlength=\"24\" autocomplete=\"off\"");
	html_attr(&p->h, "value", value ? value : "");
	html_attr(&p->h, "placeholder", "NSP-2026-0042");
	html_raw(&p->h, "></span> ");
}

/* <select name=name> with an "any" choice and the given values and their words. */
static void select_open(struct page *p, const char *name, const char *label_key, const char *any_key)
{
	html_raw(&p->h, "<span class=\"filter\"><label");
	char id[40];
	snprintf(id, sizeof id, "q-%s", name);
	html_attr(&p->h, "for", id);
	html_raw(&p->h, ">");
	page_text(p, label_key);
	html_raw(&p->h, "</label> <select");
	html_attr(&p->h, "id", id);
	html_attr(&p->h, "name", name);
	html_raw(&p->h, "><option value=\"\">");
	page_text(p, any_key);
	html_raw(&p->h, "</option>");
}

static void select_option(struct page *p, const char *value, const char *text, const char *current)
{
	html_raw(&p->h, "<option");
	html_attr(&p->h, "value", value);
	html_flag(&p->h, "selected", current && strcmp(current, value) == 0);
	html_raw(&p->h, ">");
	html_text(&p->h, text);
	html_raw(&p->h, "</option>");
}

void page_filter_choice(struct page *p, const char *name, const char *label_key, const char *any_key,
			const char *const *values, const char *const *keys, const char *current)
{
	select_open(p, name, label_key, any_key);
	for (size_t i = 0; values[i]; i++)
		select_option(p, values[i], page_t(p, keys[i]), current);
	html_raw(&p->h, "</select></span> ");
}

void page_filter_enum(struct page *p, const char *name, const char *label_key, const char *any_key,
		      const struct enum_def *def, const char *current)
{
	select_open(p, name, label_key, any_key);
	for (int v = 0; v < def->count; v++)
		select_option(p, def->values[v], i18n_enum(p->lang, def, v), current);
	html_raw(&p->h, "</select></span> ");
}

void page_filter_orgs(struct page *p, const json_t *orgs, const char *current)
{
	select_open(p, "organisation_id", "organisation.name", "list.any_org");
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(orgs, "organisations"), i, o) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)page_int(o, "id"));
		select_option(p, id, page_s(o, "name"), current);
	}
	html_raw(&p->h, "</select></span> ");
}

void page_filter_year(struct page *p, const char *current)
{
	html_raw(&p->h, "<span class=\"filter\"><label for=\"q-year\">");
	page_text(p, "list.year");
	html_raw(&p->h, "</label> <input type=\"number\" id=\"q-year\" name=\"year\" class=\"year\" min=\"2000\" "
			"max=\"2200\" inputmode=\"numeric\"");
	html_attr(&p->h, "value", current ? current : "");
	html_raw(&p->h, "></span> ");
}

void page_filter_date(struct page *p, const char *name, const char *label_key, const char *current)
{
	char id[40];
	snprintf(id, sizeof id, "q-%s", name);
	html_raw(&p->h, "<span class=\"filter\"><label");
	html_attr(&p->h, "for", id);
	html_raw(&p->h, ">");
	page_text(p, label_key);
	html_raw(&p->h, "</label> <input type=\"date\" class=\"date\"");
	html_attr(&p->h, "id", id);
	html_attr(&p->h, "name", name);
	html_attr(&p->h, "value", current ? current : "");
	html_raw(&p->h, "></span> ");
}

void page_filter_close(struct page *p)
{
	html_raw(&p->h, "<button class=\"small\">");
	page_text(p, "persons.search");
	html_raw(&p->h, "</button></form>");
}

/* The name of organisation id in orgs' list, or NULL. */
static const char *org_name(const json_t *orgs, int64_t id)
{
	size_t k;
	json_t *o;
	json_array_foreach(json_object_get(orgs, "organisations"), k, o)
		if (page_int(o, "id") == id)
			return page_s(o, "name");
	return NULL;
}

void page_period_cell(struct page *p, const json_t *x)
{
	if (json_is_string(json_object_get(x, "from"))) {
		html_raw(&p->h, "<span class=\"nowrap\">");
		page_day(p, json_object_get(x, "from"));
		/* The dash stays with the first day: "2026-12-08 –" / "2026-12-12" when it wraps. */
		html_raw(&p->h, " \xE2\x80\x93</span> <span class=\"nowrap\">");
		page_day(p, json_object_get(x, "to"));
		html_raw(&p->h, "</span>");
	} else {
		/* One-off help and admission have no period: say so once, not "– – –". */
		html_raw(&p->h, "<span class=\"muted\">");
		page_text(p, "application.no_period");
		html_raw(&p->h, "</span>");
	}
}

/* ---------------------------------------------------------------- applications */

void page_applications(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	bool coordinator = p.svc.actor->role == ROLE_COORDINATOR;
	char limit[16];
	snprintf(limit, sizeof limit, "%d", LIST_PER_PAGE);
	struct svc_application_query q = {
		.status = http_query(req, "status"), .organisation_id = coordinator ? http_query(req, "organisation_id") : NULL,
		.code = http_query(req, "code"),     .year = http_query(req, "year"),
		.order = "newest",		     .limit = limit,
		.offset = http_query(req, "offset"),
	};
	json_t *list = svc_application_list(&p.svc, &q, &e);
	json_t *orgs = list ? svc_org_list(&p.svc, &e) : NULL;
	const json_t *apps = json_object_get(list, "applications");
	json_t *codes = orgs ? page_person_codes(&p, apps, "person_id", &e) : NULL;
	if (!codes) {
		json_decref(list);
		json_decref(orgs);
		return page_fail(&p, &e);
	}
	const struct list_filter f[] = { { "code", q.code },
					 { "status", q.status },
					 { "organisation_id", q.organisation_id },
					 { "year", q.year } };
	size_t nf = sizeof f / sizeof f[0];
	page_start(&p, page_t(&p, "applications.title"));
	page_h1(&p, "applications.title");
	if (coordinator) {
		html_raw(&p.h, "<p class=\"filters\">");
		page_link(&p, page_t(&p, "applications.to_queue"), "/queue");
		html_raw(&p.h, "</p>");
	}
	page_filter_open(&p, "/applications");
	page_filter_code(&p, q.code);
	page_filter_enum(&p, "status", "application.status", "list.any_status", &enum_app_status, q.status);
	if (coordinator)
		page_filter_orgs(&p, orgs, q.organisation_id);
	page_filter_year(&p, q.year);
	page_filter_close(&p);
	int64_t total = page_int(list, "total"), off = q.offset ? strtoll(q.offset, NULL, 10) : 0;
	size_t n = json_array_size(apps), i;
	json_t *a;
	if (n == 0) {
		html_raw(&p.h, "<p>");
		page_text(&p, page_list_filtered(f, nf) ? "applications.none_found" : "applications.none");
		html_raw(&p.h, "</p>");
	} else {
		page_list_showing(&p, "applications.showing", off, n, total);
		if (coordinator)
			page_table(&p, NULL, "application.submitted_on", "person.code", "organisation.name",
				   "application.type", "application.period", "application.status", NULL);
		else
			page_table(&p, NULL, "application.submitted_on", "person.code", "application.type",
				   "application.period", "application.status", NULL);
		json_array_foreach(apps, i, a) {
			html_raw(&p.h, "<tr><td>");
			page_day(&p, json_object_get(a, "submitted_on"));
			html_raw(&p.h, "</td><td class=\"code\">");
			/* The link sits on the case code, what a caseworker looks for. */
			page_link(&p, page_person_code(codes, page_int(a, "person_id")), "/applications/%lld",
				  (long long)page_int(a, "id"));
			html_raw(&p.h, "</td><td>");
			if (coordinator) {
				html_text(&p.h, org_name(orgs, page_int(a, "organisation_id")));
				html_raw(&p.h, "</td><td>");
			}
			html_text(&p.h, page_enum(&p, &enum_app_type, page_s(a, "type")));
			html_raw(&p.h, "</td><td>");
			page_period_cell(&p, a);
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_enum(&p, &enum_app_status, page_s(a, "status")));
			html_raw(&p.h, "</td></tr>");
		}
		page_table_end(&p);
	}
	page_list_paging(&p, "/applications", f, nf, off, LIST_PER_PAGE, total);
	json_decref(list);
	json_decref(orgs);
	json_decref(codes);
	page_end(&p);
}

/* ---------------------------------------------------------------- decisions */

/* The state of a decision's money in words: open, closed, or nothing to pay (0 kr). */
void page_decision_state(struct page *p, const json_t *d)
{
	const char *state = page_s(d, "state");
	const char *key = !state			     ? "decision.is_open"
			  : strcmp(state, "closed") == 0	     ? "decision.closed"
			  : strcmp(state, "nothing_to_pay") == 0 ? "decision.nothing_to_pay"
							     : "decision.is_open";
	page_text(p, key);
}

void page_decisions(struct http_request *req)
{
	static const char *const states[] = { "open", "closed", "nothing_to_pay", NULL };
	static const char *const state_keys[] = { "decision.is_open", "decision.closed", "decision.nothing_to_pay" };
	static const char *const ends[] = { "7", "14", "30", NULL };
	static const char *const ends_keys[] = { "list.ends_7", "list.ends_14", "list.ends_30" };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	bool coordinator = p.svc.actor->role == ROLE_COORDINATOR;
	char limit[16];
	snprintf(limit, sizeof limit, "%d", LIST_PER_PAGE);
	/* ?open=1 of older links reads as the open state. */
	const char *state = http_query(req, "state");
	const char *open = http_query(req, "open");
	if ((!state || !*state) && open && strcmp(open, "1") == 0)
		state = "open";
	struct svc_decision_query q = {
		.state = state,
		.year = http_query(req, "year"),
		.emergency = http_query(req, "emergency"),
		.organisation_id = coordinator ? http_query(req, "organisation_id") : NULL,
		.code = http_query(req, "code"),
		.ends_within = http_query(req, "ends_within"),
		.order = "newest",
		.limit = limit,
		.offset = http_query(req, "offset"),
	};
	json_t *list = svc_decision_list(&p.svc, &q, &e);
	json_t *orgs = list ? svc_org_list(&p.svc, &e) : NULL;
	const json_t *ds = json_object_get(list, "decisions");
	json_t *codes = orgs ? page_person_codes(&p, ds, "person_id", &e) : NULL;
	if (!codes) {
		json_decref(list);
		json_decref(orgs);
		return page_fail(&p, &e);
	}
	const struct list_filter f[] = { { "code", q.code },	   { "state", q.state },
					 { "organisation_id", q.organisation_id },
					 { "year", q.year },	   { "ends_within", q.ends_within },
					 { "emergency", q.emergency } };
	size_t nf = sizeof f / sizeof f[0];
	page_start(&p, page_t(&p, "decisions.title"));
	page_h1(&p, "decisions.title");
	html_raw(&p.h, "<p class=\"filters\">");
	/* R2e: the emergency decisions still waiting for the responsible actor. */
	page_link(&p, page_t(&p, "decisions.emergency_open"), "/decisions?emergency=open");
	html_raw(&p.h, "</p>");
	page_filter_open(&p, "/decisions");
	page_filter_code(&p, q.code);
	page_filter_choice(&p, "state", "decision.state", "list.any_state", states, state_keys, q.state);
	if (coordinator)
		page_filter_orgs(&p, orgs, q.organisation_id);
	page_filter_year(&p, q.year);
	page_filter_choice(&p, "ends_within", "list.ends_within", "list.ends_any", ends, ends_keys, q.ends_within);
	if (q.emergency && *q.emergency) {
		html_raw(&p.h, "<input type=\"hidden\" name=\"emergency\"");
		html_attr(&p.h, "value", q.emergency);
		html_raw(&p.h, ">");
	}
	page_filter_close(&p);
	int64_t total = page_int(list, "total"), off = q.offset ? strtoll(q.offset, NULL, 10) : 0;
	size_t n = json_array_size(ds);
	if (n == 0) {
		html_raw(&p.h, "<p>");
		page_text(&p, q.emergency	     ? "decisions.no_emergency_open"
			      : page_list_filtered(f, nf) ? "decisions.none_found"
						       : "decisions.none");
		html_raw(&p.h, "</p>");
	} else {
		page_list_showing(&p, "decisions.showing", off, n, total);
		page_table(&p, NULL, "decision.decided_on", "person.code", "application.type", "decision.outcome",
			   "application.period", "period.left", "decision.total", "decision.paid", "decision.state", NULL);
		day_t today = day_today();
		for (size_t k = 0; k < n; k++) {
			const json_t *d = json_array_get(ds, k);
			html_raw(&p.h, "<tr><td>");
			page_day(&p, json_object_get(d, "decided_on"));
			html_raw(&p.h, "</td><td class=\"code\">");
			/* The link sits on the case code, what a caseworker looks for. */
			page_link(&p, page_person_code(codes, page_int(d, "person_id")), "/decisions/%lld",
				  (long long)page_int(d, "id"));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_enum(&p, &enum_app_type, page_s(d, "type")));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_enum(&p, &enum_outcome, page_s(d, "outcome")));
			if (json_is_true(json_object_get(d, "emergency"))) {
				html_raw(&p.h, " <span class=\"tag\">");
				page_text(&p, json_is_string(json_object_get(d, "emergency_cleared_on"))
						      ? "decision.emergency"
						      : "decision.emergency_open");
				html_raw(&p.h, "</span>");
			}
			html_raw(&p.h, "</td><td>");
			page_period_cell(&p, d);
			html_raw(&p.h, "</td><td>");
			day_t from, to;
			/* Days left of a granted period running today, not closed. */
			if (page_s(d, "to") && page_s(d, "from") && day_parse(page_s(d, "to"), &to) == 0 &&
			    day_parse(page_s(d, "from"), &from) == 0 && from <= today && to >= today &&
			    strcmp(page_s(d, "outcome") ? page_s(d, "outcome") : "", "denied") != 0 &&
			    !json_is_string(json_object_get(d, "closed_on")))
				page_days_left_n(&p, to - today + 1);
			html_raw(&p.h, "</td><td class=\"num\">");
			page_money(&p, json_object_get(d, "total_ore"));
			html_raw(&p.h, "</td><td class=\"num\">");
			page_money(&p, json_object_get(d, "paid_ore"));
			html_raw(&p.h, "</td><td>");
			page_decision_state(&p, d);
			html_raw(&p.h, "</td></tr>");
		}
		page_table_end(&p);
	}
	page_list_paging(&p, "/decisions", f, nf, off, LIST_PER_PAGE, total);
	json_decref(list);
	json_decref(orgs);
	json_decref(codes);
	page_end(&p);
}
