/*
 * The coordinator's queue of submitted applications and the application
 * page: the person's history on a timeline, the computed amount, every rule
 * check, and the decision (grant, partly grant, deny, emergency).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

/* The why of a refused or not judged check, in the page's language. */
static void check_why(struct page *p, const json_t *c)
{
	html_raw(&p->h, "<br><span class=\"why\">");
	html_text(&p->h, page_s(c, p->lang == LANG_EN ? "message_en" : "message_sv"));
	html_raw(&p->h, "</span>");
}

/* R10's line adds what is left of this year's budget. */
static void budget_left(struct page *p, const json_t *checks)
{
	const json_t *left = json_object_get(checks, "budget_remaining_ore");
	html_raw(&p->h, "<br><span class=\"why\">");
	if (json_is_integer(left)) {
		char remaining[64];
		money_format(json_integer_value(left), remaining, sizeof remaining, 0);
		page_textv(p, "check.budget_left", remaining, NULL);
	} else {
		page_text(p, "check.no_budget");
	}
	html_raw(&p->h, "</span>");
}

/*
 * Every rule check of the application as it stands (the "checks" of
 * svc_application_checks, rules_check_all in the domain): each rule judged
 * on its own, so that every refusal shows at once with its reason; a rule
 * that cannot be judged yet says what it waits for; the rules that do not
 * concern the application are named on one line at the end.
 */
static void rule_checks(struct page *p, const json_t *checks)
{
	const json_t *all = json_object_get(checks, "checks");
	const json_t *c;
	size_t i, n_na = 0;
	html_raw(&p->h, "<p class=\"hint\">");
	page_text(p, "check.each_rule");
	html_raw(&p->h, "</p><ul class=\"checks\">");
	json_array_foreach(all, i, c) {
		const char *rule = page_s(c, "rule"), *status = page_s(c, "status");
		char key[32];
		if (!rule || !status)
			continue;
		bool ok = strcmp(status, "allowed") == 0, refused = strcmp(status, "refused") == 0;
		if (strcmp(status, "not_applicable") == 0) {
			n_na++;
			continue;
		}
		/* The input check is no rule: shown only when it refuses. */
		if (strcmp(rule, "application") == 0 && ok)
			continue;
		html_raw(&p->h, "<li");
		html_attr(&p->h, "class", ok ? "check ok" : refused ? "check fail" : "check skipped");
		html_raw(&p->h, "><span class=\"mark\">");
		page_text(p, ok ? "check.ok" : refused ? "check.fail" : "check.not_judged");
		html_raw(&p->h, "</span> ");
		if (strcmp(rule, "application") == 0) {
			page_text(p, "check.application");
		} else {
			snprintf(key, sizeof key, "rule.%s", rule);
			page_text(p, key);
		}
		if (!ok)
			check_why(p, c);
		if (strcmp(rule, "R10") == 0 && (ok || refused))
			budget_left(p, checks);
		html_raw(&p->h, "</li>");
	}
	if (n_na > 0) {
		bool sep = false;
		html_raw(&p->h, "<li class=\"check skipped na\"><span class=\"mark\">");
		page_text(p, "check.not_applicable");
		html_raw(&p->h, "</span> ");
		json_array_foreach(all, i, c) {
			const char *status = page_s(c, "status");
			if (!status || strcmp(status, "not_applicable") != 0)
				continue;
			/* The rule's id followed by its words, never the id alone. */
			char key[32];
			snprintf(key, sizeof key, "rule.%s", page_s(c, "rule") ? page_s(c, "rule") : "");
			if (sep)
				html_raw(&p->h, "; ");
			html_text(&p->h, i18n_has(p->lang, key) ? page_t(p, key) : page_s(c, "rule"));
			sep = true;
		}
		html_raw(&p->h, "<br><span class=\"why\">");
		page_text(p, "check.not_applicable_why");
		html_raw(&p->h, "</span></li>");
	}
	html_raw(&p->h, "</ul>");
}

/* The queue's column of rule checks: every refusal, one a line, or that all
 * rules are met. */
static void queue_refusals(struct page *p, const json_t *checks)
{
	const json_t *c;
	size_t i, n = 0;
	json_array_foreach(json_object_get(checks, "checks"), i, c) {
		const char *status = page_s(c, "status");
		if (!status || strcmp(status, "refused") != 0)
			continue;
		if (n++ > 0)
			html_raw(&p->h, "<br>");
		html_text(&p->h, page_s(c, p->lang == LANG_EN ? "message_en" : "message_sv"));
	}
	if (n == 0)
		page_text(p, "queue.checks_ok");
}

/*
 * R15: the place the decision fills (organisation, police region, target
 * group) and its occupancy over the period applied for, before and with
 * this decision ("place" of svc_application_checks).
 */
static void place_panel(struct page *p, const json_t *a, const json_t *place, const json_t *orgs)
{
	char n1[24], n2[24], n3[24], n4[24];
	const char *org = NULL;
	size_t i;
	json_t *o;
	if (!app_type_is_daily_compensation((enum app_type)enum_parse(&enum_app_type, page_s(a, "type"))))
		return;
	html_raw(&p->h, "<h2>");
	page_text(p, "place.title");
	html_raw(&p->h, "</h2><p class=\"place\" id=\"place\">");
	if (!json_is_object(place)) {
		page_text(p, "place.none");
		html_raw(&p->h, "</p>");
		return;
	}
	json_array_foreach(json_object_get(orgs, "organisations"), i, o)
		if (page_int(o, "id") == page_int(a, "organisation_id"))
			org = page_s(o, "name");
	page_textv(p, "place.where", org ? org : "?", page_enum(p, &enum_region, page_s(place, "region")),
		   page_enum(p, &enum_target_group, page_s(place, "target_group")), NULL);
	html_raw(&p->h, "<br>");
	if (!json_is_integer(json_object_get(place, "places"))) {
		page_text(p, "place.undeclared");
	} else {
		snprintf(n1, sizeof n1, "%lld", (long long)page_int(place, "places"));
		snprintf(n2, sizeof n2, "%lld", (long long)page_int(place, "occupied_max"));
		snprintf(n4, sizeof n4, "%lld", (long long)page_int(place, "with_this"));
		page_textv(p, "place.load", n1, n2, page_s(place, "occupied_max_on") ? page_s(place, "occupied_max_on") : "",
			   n4, NULL);
		if (page_int(place, "days_over") > 0) {
			snprintf(n3, sizeof n3, "%lld", (long long)page_int(place, "days_over"));
			html_raw(&p->h, "<br><strong class=\"over\">");
			page_textv(p, "place.over", n3, page_s(place, "first_over_on"), NULL);
			html_raw(&p->h, "</strong>");
		}
	}
	html_raw(&p->h, "</p>");
}

/* The amount if granted in full, line by line. */
static void amount_table(struct page *p, const json_t *lines, const json_t *total)
{
	page_table(p, NULL, "decision.code", "decision.days", "decision.amount", NULL);
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l) {
		html_raw(&p->h, "<tr><td>");
		html_text(&p->h, page_enum(p, &enum_code, page_s(l, "code")));
		html_raw(&p->h, "</td><td class=\"num\">");
		html_int(&p->h, page_int(l, "days"));
		html_raw(&p->h, "</td><td class=\"num\">");
		page_money(p, json_object_get(l, "amount_ore"));
		html_raw(&p->h, "</td></tr>");
	}
	html_raw(&p->h, "<tr class=\"total\"><th scope=\"row\" colspan=\"2\">");
	page_text(p, "decision.total");
	html_raw(&p->h, "</th><td class=\"num\">");
	page_money(p, total);
	html_raw(&p->h, "</td></tr>");
	page_table_end(p);
}

/*
 * The person's granted periods on a timeline, with the period applied for
 * (when any) marked. Drawn as SVG (attributes, no inline style, so the
 * CSP holds) with the same periods as a table for screen readers and print.
 */
static void timeline(struct page *p, const json_t *granted, const json_t *app)
{
	day_t lo = DAY_NONE, hi = DAY_NONE, f = 0, t = 0;
	size_t i, rows = 0;
	json_t *g;
	json_t *all = json_array();
	json_array_foreach(granted, i, g) {
		if (json_is_string(json_object_get(g, "from")))
			json_array_append(all, g);
	}
	if (json_is_string(json_object_get(app, "from")))
		json_array_append_new(all, json_pack("{s:O, s:O, s:O, s:b}", "type", json_object_get(app, "type"),
						      "from", json_object_get(app, "from"), "to",
						      json_object_get(app, "to"), "proposed", 1));
	json_array_foreach(all, i, g) {
		day_parse(page_s(g, "from"), &f);
		day_parse(page_s(g, "to"), &t);
		if (lo == DAY_NONE || f < lo)
			lo = f;
		if (hi == DAY_NONE || t > hi)
			hi = t;
	}
	html_raw(&p->h, "<h2>");
	page_text(p, "history.title");
	html_raw(&p->h, "</h2>");
	if (json_array_size(all) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "history.none");
		html_raw(&p->h, "</p>");
		json_decref(all);
		return;
	}
	int64_t span = day_count(lo, hi);
	rows = json_array_size(all);
	html_raw(&p->h, "<figure class=\"timeline\"><svg role=\"img\" preserveAspectRatio=\"none\"");
	html_attrf(&p->h, "viewBox", "0 0 1000 %zu", rows * 28 + 24);
	html_attr(&p->h, "aria-label", page_t(p, "history.title"));
	html_raw(&p->h, ">");
	json_array_foreach(all, i, g) {
		day_parse(page_s(g, "from"), &f);
		day_parse(page_s(g, "to"), &t);
		int64_t x = (int64_t)(f - lo) * 1000 / span, w = day_count(f, t) * 1000 / span;
		html_raw(&p->h, "<rect height=\"20\" rx=\"3\"");
		html_attrf(&p->h, "x", "%lld", (long long)x);
		html_attrf(&p->h, "y", "%zu", i * 28);
		html_attrf(&p->h, "width", "%lld", (long long)(w < 4 ? 4 : w));
		html_attrf(&p->h, "class", "bar t-%s%s", page_s(g, "type"),
			   json_is_true(json_object_get(g, "proposed")) ? " proposed" : "");
		html_raw(&p->h, "><title>");
		html_text(&p->h, page_enum(p, &enum_app_type, page_s(g, "type")));
		html_raw(&p->h, " ");
		html_text(&p->h, page_s(g, "from"));
		html_raw(&p->h, " \xE2\x80\x93 ");
		html_text(&p->h, page_s(g, "to"));
		html_raw(&p->h, "</title></rect>");
	}
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];
	html_raw(&p->h, "<text x=\"0\" class=\"axis\"");
	html_attrf(&p->h, "y", "%zu", rows * 28 + 18);
	html_raw(&p->h, ">");
	html_text(&p->h, day_format(lo, d1));
	html_raw(&p->h, "</text><text x=\"1000\" text-anchor=\"end\" class=\"axis\"");
	html_attrf(&p->h, "y", "%zu", rows * 28 + 18);
	html_raw(&p->h, ">");
	html_text(&p->h, day_format(hi, d2));
	html_raw(&p->h, "</text></svg></figure>");
	page_table(p, NULL, "application.type", "application.from", "application.to", "decision.days",
		   "history.state", NULL);
	json_array_foreach(all, i, g) {
		day_parse(page_s(g, "from"), &f);
		day_parse(page_s(g, "to"), &t);
		html_raw(&p->h, "<tr><td>");
		html_text(&p->h, page_enum(p, &enum_app_type, page_s(g, "type")));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(g, "from"));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(g, "to"));
		html_raw(&p->h, "</td><td class=\"num\">");
		html_int(&p->h, day_count(f, t));
		html_raw(&p->h, "</td><td>");
		page_text(p, json_is_true(json_object_get(g, "proposed")) ? "history.applied" : "history.granted");
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	json_decref(all);
}

/* The application's own fields. */
/* The application's facts; org_name (the applying organisation) is shown when given. */
static void application_facts(struct page *p, const json_t *a, const json_t *codes, const char *org_name)
{
	struct html *h = &p->h;
	const json_t *b = json_object_get(a, "basis");
	int type = enum_parse(&enum_app_type, page_s(a, "type") ? page_s(a, "type") : "");
	html_raw(h, "<dl class=\"facts\">");
	if (org_name)
		page_dl_row(p, "application.organisation", org_name);
	page_dl_row(p, "application.submitted_on", page_s(a, "submitted_on"));
	if (json_is_string(json_object_get(a, "from"))) {
		/* The length with its unit: nights of daily compensation, days otherwise. */
		char period[128];
		snprintf(period, sizeof period, "%s \xE2\x80\x93 %s (%lld %s)", page_s(a, "from"), page_s(a, "to"),
			 (long long)page_int(a, "days"),
			 page_t(p, type >= 0 && app_type_is_daily_compensation((enum app_type)type) ? "unit.nights"
												 : "unit.days"));
		page_dl_row(p, "application.period", period);
	}
	if (page_s(a, "region"))
		page_dl_row(p, "apply.region", page_enum(p, &enum_region, page_s(a, "region")));
	if (page_s(a, "target_group"))
		page_dl_row(p, "apply.target_group", page_enum(p, &enum_target_group, page_s(a, "target_group")));
	if (type == APP_ADMISSION)
		page_dl_row(p, "application.identified",
			    page_t(p, json_is_true(json_object_get(a, "identified")) ? "yes" : "no"));
	if (json_array_size(json_object_get(a, "children"))) {
		html_raw(h, "<div><dt>");
		page_text(p, "apply.children");
		html_raw(h, "</dt><dd>");
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(a, "children"), i, c) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)json_integer_value(c));
			if (i)
				html_raw(h, ", ");
			html_text(h, page_s(codes, key) ? page_s(codes, key) : key);
		}
		html_raw(h, "</dd></div>");
	}
	if (page_s(a, "category")) {
		page_dl_row(p, "application.category", page_enum(p, &enum_point_category, page_s(a, "category")));
		char units[24];
		snprintf(units, sizeof units, "%lld", (long long)page_int(a, "units"));
		page_dl_row(p, "application.units", units);
	}
	page_dl_row(p, "basis.kind", page_enum(p, &enum_basis_kind, page_s(b, "kind")));
	if (page_s(b, "actor")) {
		page_dl_row(p, "basis.actor", page_s(b, "actor"));
		page_dl_row(p, "basis.actor_kind", page_enum(p, &enum_actor_kind, page_s(b, "actor_kind")));
		page_dl_row(p, "basis.reason", page_s(b, "reason"));
		page_dl_row(p, "basis.reason_category", page_enum(p, &enum_reason_category, page_s(b, "reason_category")));
		page_dl_row(p, "basis.reference", page_s(b, "reference"));
	}
	if (page_s(a, "needs_assessment"))
		page_dl_row(p, "apply.needs_assessment", page_s(a, "needs_assessment"));
	if (page_s(a, "plan"))
		page_dl_row(p, "application.plan", page_s(a, "plan"));
	if (page_s(a, "evaluation"))
		page_dl_row(p, "application.evaluation", page_s(a, "evaluation"));
	if (page_s(a, "motivation"))
		page_dl_row(p, "application.motivation", page_s(a, "motivation"));
	html_raw(h, "</dl>");
}

/*
 * R13: the person's applications that wait for this admission (submitted
 * interventions), as a table, and as choices to decide together with it.
 * Returns the number of them; *housing is set when one is a housing period.
 */
static size_t waiting_panel(struct page *p, const json_t *waiting, bool *housing)
{
	size_t i, n = json_array_size(waiting);
	json_t *w;
	*housing = false;
	if (n == 0)
		return 0;
	html_raw(&p->h, "<section class=\"panel waiting\" id=\"waiting\"><h2>");
	page_text(p, "decide.waiting");
	html_raw(&p->h, "</h2><p>");
	page_text(p, "decide.waiting_hint");
	html_raw(&p->h, "</p>");
	page_table(p, NULL, "application.type", "application.submitted_on", "application.period", NULL);
	json_array_foreach(waiting, i, w) {
		if (app_type_is_daily_compensation((enum app_type)enum_parse(&enum_app_type, page_s(w, "type"))))
			*housing = true;
		html_raw(&p->h, "<tr><td>");
		page_link(p, page_enum(p, &enum_app_type, page_s(w, "type")), "/applications/%lld",
			  (long long)page_int(w, "id"));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(w, "submitted_on"));
		html_raw(&p->h, "</td><td>");
		page_period_cell(p, w);
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "</section>");
	return n;
}

static void decision_form(struct page *p, const json_t *a, const json_t *waiting)
{
	enum app_type t = (enum app_type)enum_parse(&enum_app_type, page_s(a, "type"));
	char today[DAY_BUFSZ];
	bool waiting_housing = false;
	size_t n_waiting = t == APP_ADMISSION ? waiting_panel(p, waiting, &waiting_housing) : 0;
	page_panel(p, "decide.title");
	page_errors(p);
	page_form(p, "/applications/%lld/decide", (long long)page_int(a, "id"));
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "outcome", .label = "decide.outcome",
				       .def = &enum_outcome, .required = true });
	if (app_type_has_period(t)) {
		page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "from", .label = "decide.from",
					       .value = page_s(a, "from"), .show_if = "outcome=partly_granted" });
		page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "to", .label = "decide.to",
					       .hint = "decide.fewer_days", .value = page_s(a, "to"),
					       .show_if = "outcome=partly_granted" });
	}
	if (app_type_is_point(t)) {
		char units[24];
		snprintf(units, sizeof units, "%lld", (long long)page_int(a, "units"));
		page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "units", .label = "decide.units",
					       .value = units, .show_if = "outcome=partly_granted" });
	}
	if (app_type_is_daily_compensation(t))
		page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "emergency", .label = "decide.emergency",
					       .hint = "decide.emergency_hint" });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "reason", .label = "decide.reason",
				       .hint = "decide.reason_hint" });
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "decided_on", .label = "decide.decided_on",
				       .value = day_format(day_today(), today), .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "budget_override_reason",
				       .label = "decide.budget_override", .hint = "decide.budget_override_hint" });
	if (n_waiting > 0) {
		/* Decided together, admission first: granted in full when the
		 * admission is granted, denied with its reason when it is denied. */
		struct choice *cs = calloc(n_waiting, sizeof *cs);
		char (*ids)[24] = calloc(n_waiting, sizeof *ids);
		json_t *checked = json_array();
		if (!cs || !ids)
			abort();
		size_t i;
		json_t *w;
		json_array_foreach(waiting, i, w) {
			snprintf(ids[i], sizeof ids[i], "%lld", (long long)page_int(w, "id"));
			cs[i] = (struct choice){ ids[i], page_enum(p, &enum_app_type, page_s(w, "type")) };
			json_array_append_new(checked, json_string(ids[i]));
		}
		page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "together", .label = "decide.together",
					       .hint = "decide.together_hint", .choices = cs, .n_choices = n_waiting,
					       .values = checked });
		json_decref(checked);
		free(cs);
		free(ids);
	}
	if (app_type_is_daily_compensation(t) || waiting_housing)
		page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "over_capacity_reason",
					       .label = "decide.over_capacity", .hint = "decide.over_capacity_hint" });
	page_form_end(p, n_waiting > 0 ? "decide.submit_together" : "decide.submit");
	html_raw(&p->h, "</section>");
}

/* The username of user id from the user list (borrowed), or the id. */
static const char *username_of(const json_t *users, int64_t id, char buf[24])
{
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(users, "users"), i, u)
		if (page_int(u, "id") == id)
			return page_s(u, "username");
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

/*
 * Four-eyes: the decision proposed for the application, awaiting a second
 * coordinator. Another coordinator may approve or reject it; its proposer
 * may only withdraw it.
 */
static void proposal_panel(struct page *p, const json_t *a)
{
	struct svc_error e;
	json_t *prop = svc_proposal_get(&p->svc, page_int(a, "proposal_id"), &e);
	json_t *users = prop ? svc_user_list(&p->svc, &e) : NULL;
	char who[24], money[64];
	html_raw(&p->h, "<section class=\"panel proposal\" id=\"proposal\"><h2>");
	page_text(p, "proposal.title");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	if (!users) {
		html_raw(&p->h, "<p>");
		page_text(p, "proposal.unavailable");
		html_raw(&p->h, "</p></section>");
		json_decref(prop);
		return;
	}
	bool mine = page_int(prop, "proposed_by") == p->svc.actor->user_id;
	html_raw(&p->h, "<p class=\"warning\">");
	money_format(page_int(prop, "threshold_ore"), money, sizeof money, 1);
	page_textv(p, mine ? "proposal.yours" : "proposal.others", money, NULL);
	html_raw(&p->h, "</p><dl class=\"facts\">");
	page_dl_row(p, "decision.outcome", page_enum(p, &enum_outcome, page_s(prop, "outcome")));
	page_dl_row(p, "decision.decided_on", page_s(prop, "decided_on"));
	if (page_s(prop, "from")) {
		char period[64];
		snprintf(period, sizeof period, "%s \xE2\x80\x93 %s", page_s(prop, "from"), page_s(prop, "to"));
		page_dl_row(p, "application.period", period);
	}
	money_format(page_int(prop, "total_ore"), money, sizeof money, 1);
	page_dl_row(p, "decision.total", money);
	page_dl_row(p, "decision.reason", page_s(prop, "reason"));
	page_dl_row(p, "proposal.proposed_by", username_of(users, page_int(prop, "proposed_by"), who));
	html_raw(&p->h, "</dl>");
	if (!mine) {
		page_form(p, "/proposals/%lld/approve", (long long)page_int(prop, "id"));
		page_form_end(p, "proposal.approve");
	}
	page_form(p, "/proposals/%lld/reject", (long long)page_int(prop, "id"));
	if (!mine)
		page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "reason", .label = "proposal.reject_reason" });
	page_form_end(p, mine ? "proposal.withdraw" : "proposal.reject");
	html_raw(&p->h, "</section>");
	json_decref(prop);
	json_decref(users);
}

/* The decision of a decided application, in short. */
static void decision_summary(struct page *p, const json_t *d)
{
	html_raw(&p->h, "<section class=\"panel\"><h2>");
	page_text(p, "decision.title");
	html_raw(&p->h, "</h2><dl class=\"facts\">");
	page_dl_row(p, "decision.outcome", page_enum(p, &enum_outcome, page_s(d, "outcome")));
	page_dl_row(p, "decision.decided_on", page_s(d, "decided_on"));
	page_dl_row(p, "decision.reason", page_s(d, "reason"));
	if (page_s(d, "over_capacity_reason"))
		page_dl_row(p, "decision.over_capacity_reason", page_s(d, "over_capacity_reason"));
	if (json_is_integer(json_object_get(d, "approved_by")))
		page_dl_row(p, "proposal.approved", page_t(p, "yes"));
	html_raw(&p->h, "</dl>");
	amount_table(p, json_object_get(d, "lines"), json_object_get(d, "total_ore"));
	html_raw(&p->h, "<p>");
	page_link(p, page_t(p, "decision.open"), "/decisions/%lld", (long long)page_int(d, "id"));
	html_raw(&p->h, "</p></section>");
}

static void application_page(struct page *p, int64_t id, unsigned status)
{
	struct svc_error e;
	json_t *a = svc_application_get(&p->svc, id, &e), *person = NULL, *allowance = NULL, *checks = NULL,
	       *codes = NULL, *orgs = NULL, *waiting = NULL;
	if (!a)
		return page_fail(p, &e);
	int64_t pid = page_int(a, "person_id");
	bool coordinator = p->svc.actor->role == ROLE_COORDINATOR;
	bool submitted = strcmp(page_s(a, "status"), "submitted") == 0;
	person = svc_person_get(&p->svc, pid, false, &e);
	if (person)
		allowance = svc_person_allowance(&p->svc, pid, &e);
	if (allowance && coordinator && submitted)
		checks = svc_application_checks(&p->svc, id, &e);
	if (checks)
		orgs = svc_org_list(&p->svc, &e);
	/* R13: an admission's page shows the applications waiting for it. */
	if (orgs && strcmp(page_s(a, "type"), "admission") == 0) {
		char pid_s[24];
		snprintf(pid_s, sizeof pid_s, "%lld", (long long)pid);
		waiting = svc_application_list(&p->svc, &(struct svc_application_query){ .status = "submitted", .person_id = pid_s }, &e);
		if (!waiting) {
			json_decref(orgs);
			orgs = NULL;
		} else {
			json_t *apps = json_object_get(waiting, "applications");
			for (size_t k = json_array_size(apps); k-- > 0;)
				if (strcmp(page_s(json_array_get(apps, k), "type"), "admission") == 0)
					json_array_remove(apps, k);
		}
	}
	if (allowance && (!coordinator || !submitted || (checks && orgs))) {
		codes = page_person_codes(p, json_object_get(a, "children"), NULL, &e);
	}
	if (!codes)
		goto fail;

	struct html *h = &p->h;
	const char *type_label = page_enum(p, &enum_app_type, page_s(a, "type"));
	page_start(p, type_label);
	html_raw(h, "<p class=\"eyebrow\">");
	page_text(p, "application.title");
	html_raw(h, " \xC2\xB7 ");
	page_link(p, page_s(person, "code"), "/persons/%lld", (long long)pid);
	html_raw(h, "</p><h1>");
	html_text(h, type_label);
	html_raw(h, "</h1>");
	page_notice(p);
	html_raw(h, "<p><span class=\"status\">");
	html_text(h, page_enum(p, &enum_app_status, page_s(a, "status")));
	html_raw(h, "</span>");
	if (json_is_true(json_object_get(a, "awaiting_approval"))) {
		html_raw(h, " <span class=\"tag awaiting\">");
		page_text(p, "proposal.awaiting");
		html_raw(h, "</span>");
	}
	html_raw(h, "</p><div class=\"columns\"><section>");
	/* The coordinator sees which organisation applies (a caseworker knows her own). */
	json_t *org = coordinator ? svc_org_get(&p->svc, page_int(a, "organisation_id"), &e) : NULL;
	application_facts(p, a, codes, page_s(org, "name"));
	json_decref(org);
	html_raw(h, "</section>");
	if (checks) {
		html_raw(h, "<section><h2>");
		page_text(p, "check.title");
		html_raw(h, "</h2>");
		rule_checks(p, checks);
		html_raw(h, "<h2>");
		page_text(p, "check.amount");
		html_raw(h, "</h2>");
		amount_table(p, json_object_get(checks, "lines"), json_object_get(checks, "total_ore"));
		place_panel(p, a, json_object_get(checks, "place"), orgs);
		html_raw(h, "</section>");
	}
	html_raw(h, "</div>");
	if (coordinator) {
		timeline(p, json_object_get(allowance, "granted"), submitted ? a : NULL);
		html_raw(h, "<h2>");
		page_text(p, "apply.left");
		html_raw(h, "</h2>");
		page_allowance(p, allowance);
	}
	if (json_is_object(json_object_get(a, "decision")))
		decision_summary(p, json_object_get(a, "decision"));
	else if (coordinator && json_is_true(json_object_get(a, "awaiting_approval")))
		proposal_panel(p, a);
	else if (coordinator)
		decision_form(p, a, json_object_get(waiting, "applications"));
	json_decref(a);
	json_decref(person);
	json_decref(allowance);
	json_decref(checks);
	json_decref(orgs);
	json_decref(waiting);
	json_decref(codes);
	page_end_status(p, status);
	return;
fail:
	json_decref(a);
	json_decref(person);
	json_decref(allowance);
	json_decref(checks);
	json_decref(orgs);
	json_decref(waiting);
	page_fail(p, &e);
}

void page_application(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	application_page(&p, req->ids[0], 200);
}

void page_decide(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "outcome", FJ_STR }, { "reason", FJ_STR }, { "decided_on", FJ_STR }, { "from", FJ_STR },
		{ "to", FJ_STR },      { "units", FJ_INT },  { "emergency", FJ_BOOL }, { "budget_override_reason", FJ_STR },
		{ "over_capacity_reason", FJ_STR }, { "together", FJ_IDS },
	};
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, sizeof spec / sizeof spec[0], &e);
	if (!in)
		return page_fail(&p, &e);
	/* Only a partial grant names a smaller part; otherwise what was applied for is decided. */
	if (strcmp(page_in(&p, "outcome") ? page_in(&p, "outcome") : "", "partly_granted") != 0) {
		json_object_del(in, "from");
		json_object_del(in, "to");
		json_object_del(in, "units");
	}
	/* R13: the applications decided together with the admission, as the
	 * admission is: granted in full, or denied with the same reason. */
	json_t *ids = json_incref(json_object_get(in, "together"));
	json_object_del(in, "together");
	if (json_array_size(ids) > 0) {
		const char *outcome = page_in(&p, "outcome") ? page_in(&p, "outcome") : "";
		json_t *arr = json_array(), *over = json_object_get(in, "over_capacity_reason");
		size_t i;
		json_t *id;
		json_array_foreach(ids, i, id) {
			json_t *item = json_pack("{s:O, s:s}", "application_id", id, "outcome",
						 strcmp(outcome, "granted") == 0 ? "granted" : "denied");
			static const char *const copied[] = { "reason", "decided_on" };
			for (size_t k = 0; k < 2; k++)
				if (json_object_get(in, copied[k]))
					json_object_set(item, copied[k], json_object_get(in, copied[k]));
			if (over)
				json_object_set(item, "over_capacity_reason", over);
			json_array_append_new(arr, item);
		}
		json_object_set_new(in, "together", arr);
	}
	json_decref(ids);
	json_t *out = svc_decision_create(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	if (!out) {
		if (e.status == SVC_NOT_FOUND)
			return page_fail(&p, &e);
		p.err = &e;
		/* A decision check ("decision") concerns the granted part. */
		if (e.rule && strcmp(e.rule, "decision") == 0)
			p.rule_field = "outcome";
		return application_page(&p, req->ids[0], page_form_status(&e));
	}
	/* Four-eyes: above the year's threshold the decision waits for another coordinator. */
	if (json_is_true(json_object_get(out, "awaiting_approval"))) {
		json_decref(out);
		return page_redirectf(&p, "/applications/%lld?done=proposed", (long long)req->ids[0]);
	}
	json_decref(out);
	page_redirect(&p, "/queue?done=decided");
}

/* Approves (approve) or rejects a proposed decision; back to its application. */
static void proposal_resolve(struct http_request *req, bool approve)
{
	static const struct fj spec[] = { { "reason", FJ_STR } };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *prop = svc_proposal_get(&p.svc, req->ids[0], &e);
	if (!prop)
		return page_fail(&p, &e);
	int64_t app = page_int(prop, "application_id");
	json_decref(prop);
	json_t *in = approve ? json_object() : page_form_json(&p, spec, 1, &e);
	json_t *out = !in ? NULL : approve ? svc_proposal_approve(&p.svc, req->ids[0], in, &e)
					   : svc_proposal_reject(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	if (!out) {
		if (e.status == SVC_NOT_FOUND && !e.field[0])
			return page_fail(&p, &e);
		p.err = &e;
		return application_page(&p, app, page_form_status(&e));
	}
	json_decref(out);
	page_redirectf(&p, "/applications/%lld?done=%s", (long long)app, approve ? "approved" : "rejected");
}

void page_proposal_approve(struct http_request *req) { proposal_resolve(req, true); }
void page_proposal_reject(struct http_request *req) { proposal_resolve(req, false); }

void page_queue(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	json_t *list = svc_application_list(&p.svc, &(struct svc_application_query){ .status = "submitted" }, &e);
	json_t *orgs = list ? svc_org_list(&p.svc, &e) : NULL;
	if (!orgs) {
		json_decref(list);
		return page_fail(&p, &e);
	}
	const json_t *apps = json_object_get(list, "applications");
	size_t n = json_array_size(apps), i;
	json_t *a;
	json_t *codes = page_person_codes(&p, apps, "person_id", &e);
	if (!codes) {
		json_decref(list);
		json_decref(orgs);
		return page_fail(&p, &e);
	}
	page_start(&p, page_t(&p, "queue.title"));
	page_h1(&p, "queue.title");
	page_notice(&p);
	if (n == 0) {
		html_raw(&p.h, "<p>");
		page_text(&p, "queue.empty");
		html_raw(&p.h, "</p>");
	} else {
		page_table(&p, NULL, "application.submitted_on", "person.code", "organisation.name", "application.type",
			   "application.period", "check.amount", "check.title", NULL);
		json_array_foreach(apps, i, a) {
			json_t *chk = svc_application_checks(&p.svc, page_int(a, "id"), &e);
			const char *org = NULL;
			size_t k;
			json_t *o;
			json_array_foreach(json_object_get(orgs, "organisations"), k, o)
				if (page_int(o, "id") == page_int(a, "organisation_id"))
					org = page_s(o, "name");
			html_raw(&p.h, "<tr><td>");
			page_day(&p, json_object_get(a, "submitted_on"));
			html_raw(&p.h, "</td><td class=\"code\">");
			html_text(&p.h, page_person_code(codes, page_int(a, "person_id")));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, org);
			html_raw(&p.h, "</td><td>");
			page_link(&p, page_enum(&p, &enum_app_type, page_s(a, "type")), "/applications/%lld",
				  (long long)page_int(a, "id"));
			if (json_is_true(json_object_get(a, "awaiting_approval"))) {
				html_raw(&p.h, " <span class=\"tag awaiting\">");
				page_text(&p, "proposal.awaiting");
				html_raw(&p.h, "</span>");
			}
			html_raw(&p.h, "</td><td>");
			page_period_cell(&p, a);
			html_raw(&p.h, "</td><td class=\"num\">");
			page_money(&p, json_object_get(chk, "total_ore"));
			html_raw(&p.h, "</td><td>");
			if (!chk)
				html_raw(&p.h, "?");
			else
				queue_refusals(&p, chk);
			html_raw(&p.h, "</td></tr>");
			json_decref(chk);
		}
		page_table_end(&p);
	}
	json_decref(list);
	json_decref(orgs);
	json_decref(codes);
	page_end(&p);
}
