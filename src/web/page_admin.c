/*
 * The coordinator's registers: organisations (certification status and
 * history, occupancy), placement requests (also for caseworkers), the
 * consultations log and the users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

/* The minimum requirements of a certification (domain.md §3). The stored
 * checklist is data: requirements of other years show under their own key. */
static const char *const requirements[] = { "knowledge", "risk_assessment", "security_routines", "matching_support" };
#define N_REQUIREMENTS (sizeof requirements / sizeof requirements[0])

/* A form handler's ending: back to where with ?done=, or the page again with the error. */
static void after_post(struct page *p, json_t *out, struct svc_error *e, const char *where,
		       void (*again)(struct page *, unsigned))
{
	if (out) {
		json_decref(out);
		return page_redirect(p, where);
	}
	if (e->status == SVC_NOT_FOUND && !e->field[0])
		return page_fail(p, e);
	p->err = e;
	again(p, e->status == SVC_CONFLICT ? 409 : 400);
}

/* Posts the form after spec to fn and ends as after_post. */
static void post_form(struct http_request *req, const struct fj *spec, size_t n,
		      json_t *(*fn)(struct svc *, const json_t *, struct svc_error *), const char *where,
		      void (*again)(struct page *, unsigned))
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, n, &e);
	json_t *out = in ? fn(&p.svc, in, &e) : NULL;
	json_decref(in);
	after_post(&p, out, &e, where, again);
}

/* ---------------------------------------------------------------- organisations */

static void orgs_page(struct page *p, unsigned status)
{
	struct svc_error e;
	json_t *orgs = svc_org_list(&p->svc, &e);
	json_t *occ = orgs ? svc_page_occupancy(&p->svc, &e) : NULL;
	if (!occ) {
		json_decref(orgs);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "orgs.title"));
	page_h1(p, "orgs.title");
	page_notice(p);
	page_table(p, NULL, "organisation.name", "organisation.kind", "organisation.regions", "organisation.cert",
		   "organisation.occupancy", NULL);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(orgs, "organisations"), i, o) {
		const json_t *cert = json_object_get(o, "certification");
		html_raw(&p->h, "<tr><td>");
		page_link(p, page_s(o, "name"), "/organisations/%lld", (long long)page_int(o, "id"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_org_kind, page_s(o, "kind")));
		html_raw(&p->h, "</td><td>");
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(o, "regions"), k, r) {
			if (k)
				html_raw(&p->h, ", ");
			html_text(&p->h, page_enum(p, &enum_region, json_string_value(r)));
		}
		html_raw(&p->h, "</td><td>");
		if (json_is_object(cert)) {
			html_text(&p->h, page_enum(p, &enum_cert_status, page_s(cert, "status")));
			html_raw(&p->h, " ");
			page_day(p, json_object_get(cert, "date"));
		} else {
			page_text(p, "organisation.no_cert");
		}
		html_raw(&p->h, "</td><td class=\"num\">");
		json_array_foreach(json_object_get(occ, "organisations"), k, r) {
			if (page_int(r, "id") != page_int(o, "id"))
				continue;
			char persons[24], children[24];
			snprintf(persons, sizeof persons, "%lld", (long long)page_int(r, "persons"));
			snprintf(children, sizeof children, "%lld", (long long)page_int(r, "children"));
			page_textv(p, "organisation.housed", persons, children, NULL);
		}
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "<p class=\"hint\">");
	page_textv(p, "organisation.occupancy_hint", page_s(occ, "on"), NULL);
	html_raw(&p->h, "</p><section class=\"panel\"><h2>");
	page_text(p, "orgs.new");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	page_form(p, "/organisations");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "name", .label = "organisation.name", .required = true });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "kind", .label = "organisation.kind",
				       .def = &enum_org_kind, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "regions", .label = "organisation.regions",
				       .def = &enum_region, .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "contact", .label = "organisation.contact" });
	page_form_end(p, "orgs.create");
	html_raw(&p->h, "</section>");
	json_decref(orgs);
	json_decref(occ);
	page_end_status(p, status);
}

void page_orgs(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	orgs_page(&p, 200);
}

void page_org_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "name", FJ_STR }, { "kind", FJ_STR }, { "regions", FJ_SET }, { "contact", FJ_STR },
	};
	post_form(req, spec, sizeof spec / sizeof spec[0], svc_org_create, "/organisations?done=saved", orgs_page);
}

static void org_page(struct page *p, unsigned status)
{
	struct svc_error e;
	int64_t id = p->req->ids[0];
	json_t *o = svc_org_get(&p->svc, id, &e);
	if (!o)
		return page_fail(p, &e);
	page_start(p, page_s(o, "name"));
	html_elem(&p->h, "h1", page_s(o, "name"));
	page_notice(p);
	html_raw(&p->h, "<dl class=\"facts\">");
	page_dl_row(p, "organisation.kind", page_enum(p, &enum_org_kind, page_s(o, "kind")));
	page_dl_row(p, "organisation.contact", page_s(o, "contact"));
	const json_t *cert = json_object_get(o, "certification");
	page_dl_row(p, "organisation.cert", json_is_object(cert) ? page_enum(p, &enum_cert_status, page_s(cert, "status"))
								  : page_t(p, "organisation.no_cert"));
	html_raw(&p->h, "</dl><h2>");
	page_text(p, "cert.history");
	html_raw(&p->h, "</h2>");
	page_table(p, NULL, "cert.date", "cert.status", "cert.requirements", NULL);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(o, "certification_history"), i, c) {
		html_raw(&p->h, "<tr><td>");
		page_day(p, json_object_get(c, "date"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_cert_status, page_s(c, "status")));
		html_raw(&p->h, "</td><td><ul class=\"plain\">");
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(c, "requirements"), k, v) {
			char key[64];
			snprintf(key, sizeof key, "cert.req.%s", k);
			html_raw(&p->h, "<li>");
			html_text(&p->h, i18n_has(p->lang, key) ? page_t(p, key) : k);
			html_raw(&p->h, ": ");
			if (json_is_boolean(v))
				page_text(p, json_is_true(v) ? "yes" : "no");
			else
				html_text(&p->h, json_string_value(v));
			html_raw(&p->h, "</li>");
		}
		html_raw(&p->h, "</ul></td></tr>");
	}
	page_table_end(p);

	html_raw(&p->h, "<section class=\"panel\"><h2>");
	page_text(p, "cert.new");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	page_form(p, "/organisations/%lld/certification", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "status", .label = "cert.status",
				       .def = &enum_cert_status, .required = true, .empty_choice = true });
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "cert.date",
				       .value = day_format(day_today(), today) });
	struct choice cs[N_REQUIREMENTS];
	char keys[N_REQUIREMENTS][48];
	for (size_t r = 0; r < N_REQUIREMENTS; r++) {
		snprintf(keys[r], sizeof keys[r], "cert.req.%s", requirements[r]);
		cs[r] = (struct choice){ requirements[r], page_t(p, keys[r]) };
	}
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "requirements", .label = "cert.requirements",
				       .hint = "cert.requirements_hint", .choices = cs, .n_choices = N_REQUIREMENTS });
	page_form_end(p, "cert.submit");
	html_raw(&p->h, "</section>");
	json_decref(o);
	page_end_status(p, status);
}

void page_org(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	org_page(&p, 200);
}

void page_org_cert(struct http_request *req)
{
	static const struct fj spec[] = { { "status", FJ_STR }, { "date", FJ_STR } };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, 2, &e);
	if (!in)
		return page_fail(&p, &e);
	/* The checklist: every requirement of the form, true when ticked. */
	json_t *req_obj = json_object();
	for (size_t r = 0; r < N_REQUIREMENTS; r++) {
		bool on = false;
		const char *v;
		for (size_t k = 0; (v = form_get_nth(p.in, "requirements", k)) != NULL; k++)
			on = on || strcmp(v, requirements[r]) == 0;
		json_object_set_new(req_obj, requirements[r], json_boolean(on));
	}
	json_object_set_new(in, "requirements", req_obj);
	json_t *out = svc_cert_add(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	char where[64];
	snprintf(where, sizeof where, "/organisations/%lld?done=saved", (long long)req->ids[0]);
	after_post(&p, out, &e, where, org_page);
}

/* ---------------------------------------------------------------- placement requests */

static void placements_page(struct page *p, unsigned status)
{
	struct svc_error e;
	char year[8];
	snprintf(year, sizeof year, "%d", page_this_year());
	json_t *list = svc_placement_list(&p->svc, year, &e);
	json_t *orgs = list && p->svc.actor->role == ROLE_COORDINATOR ? svc_org_list(&p->svc, &e) : NULL;
	if (!list || (p->svc.actor->role == ROLE_COORDINATOR && !orgs)) {
		json_decref(list);
		return page_fail(p, &e);
	}
	const json_t *rows = json_object_get(list, "placement_requests");
	page_start(p, page_t(p, "placements.title"));
	page_h1(p, "placements.title");
	page_notice(p);
	/* Requests without a place, per region and target group: the argument for capacity. */
	int64_t unmet[REGION__COUNT][TARGET__COUNT] = { { 0 } }, all[REGION__COUNT][TARGET__COUNT] = { { 0 } };
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		int reg = enum_parse(&enum_region, page_s(r, "region"));
		int tg = enum_parse(&enum_target_group, page_s(r, "target_group"));
		if (reg < 0 || tg < 0)
			continue;
		all[reg][tg]++;
		if (strcmp(page_s(r, "outcome"), "no_place_available") == 0)
			unmet[reg][tg]++;
	}
	html_raw(&p->h, "<div class=\"table-wrap\"><table><caption>");
	page_textv(p, "placements.summary", year, NULL);
	html_raw(&p->h, "</caption><thead><tr><th scope=\"col\">");
	page_text(p, "placement.region");
	html_raw(&p->h, "</th>");
	for (int t = 0; t < TARGET__COUNT; t++) {
		html_raw(&p->h, "<th scope=\"col\">");
		html_text(&p->h, i18n_enum(p->lang, &enum_target_group, t));
		html_raw(&p->h, "</th>");
	}
	html_raw(&p->h, "</tr></thead><tbody>");
	for (int reg = 0; reg < REGION__COUNT; reg++) {
		html_raw(&p->h, "<tr><th scope=\"row\">");
		html_text(&p->h, i18n_enum(p->lang, &enum_region, reg));
		html_raw(&p->h, "</th>");
		for (int t = 0; t < TARGET__COUNT; t++) {
			char a[24], b[24];
			snprintf(a, sizeof a, "%lld", (long long)unmet[reg][t]);
			snprintf(b, sizeof b, "%lld", (long long)all[reg][t]);
			html_raw(&p->h, "<td class=\"num\">");
			page_textv(p, "placements.cell", a, b, NULL);
			html_raw(&p->h, "</td>");
		}
		html_raw(&p->h, "</tr>");
	}
	page_table_end(p);

	html_raw(&p->h, "<section class=\"panel\"><h2>");
	page_text(p, "placements.new");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	page_form(p, "/placements");
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "placement.date",
				       .value = day_format(day_today(), today) });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "region", .label = "placement.region",
				       .def = &enum_region, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "target_group", .label = "placement.target_group",
				       .def = &enum_target_group, .required = true });
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "outcome", .label = "placement.outcome",
				       .def = &enum_placement_outcome, .required = true });
	if (orgs) {
		struct choices cs;
		page_choices(&cs, json_object_get(orgs, "organisations"), "id", "name");
		page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "organisation_id",
					       .label = "placement.organisation", .choices = cs.c, .n_choices = cs.n,
					       .empty_choice = true });
		page_choices_release(&cs);
	}
	page_form_end(p, "placements.submit");
	html_raw(&p->h, "</section>");

	page_table(p, "placements.list", "placement.date", "placement.region", "placement.target_group",
		   "placement.outcome", NULL);
	for (size_t k = json_array_size(rows); k-- > 0;) {
		r = json_array_get(rows, k);
		html_raw(&p->h, "<tr><td>");
		page_day(p, json_object_get(r, "date"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_region, page_s(r, "region")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_target_group, page_s(r, "target_group")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_placement_outcome, page_s(r, "outcome")));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	json_decref(list);
	json_decref(orgs);
	page_end_status(p, status);
}

void page_placements(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	placements_page(&p, 200);
}

void page_placement_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "date", FJ_STR }, { "region", FJ_STR }, { "target_group", FJ_STR }, { "outcome", FJ_STR },
		{ "organisation_id", FJ_INT },
	};
	post_form(req, spec, sizeof spec / sizeof spec[0], svc_placement_create, "/placements?done=saved",
		  placements_page);
}

/* ---------------------------------------------------------------- consultations */

static void consultations_page(struct page *p, unsigned status)
{
	struct svc_error e;
	json_t *list = svc_consultation_list(&p->svc, NULL, &e);
	if (!list)
		return page_fail(p, &e);
	page_start(p, page_t(p, "consultations.title"));
	page_h1(p, "consultations.title");
	page_notice(p);
	html_raw(&p->h, "<p class=\"hint\">");
	page_text(p, "consultations.no_personal_data");
	html_raw(&p->h, "</p><section class=\"panel\"><h2>");
	page_text(p, "consultations.new");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	page_form(p, "/consultations");
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "consultation.date",
				       .value = day_format(day_today(), today) });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "asker", .label = "consultation.asker",
				       .def = &enum_asker, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "region", .label = "consultation.region",
				       .def = &enum_region, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "topic", .label = "consultation.topic",
				       .required = true });
	page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "minutes", .label = "consultation.minutes",
				       .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "outcome", .label = "consultation.outcome" });
	page_form_end(p, "consultations.submit");
	html_raw(&p->h, "</section>");
	page_table(p, "consultations.log", "consultation.date", "consultation.asker", "consultation.region",
		   "consultation.topic", "consultation.minutes", "consultation.outcome", NULL);
	const json_t *rows = json_object_get(list, "consultations");
	for (size_t k = json_array_size(rows); k-- > 0;) {
		json_t *c = json_array_get(rows, k);
		html_raw(&p->h, "<tr><td>");
		page_day(p, json_object_get(c, "date"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_asker, page_s(c, "asker")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_region, page_s(c, "region")));
		html_raw(&p->h, "</td><td>");
		page_str(p, json_object_get(c, "topic"));
		html_raw(&p->h, "</td><td class=\"num\">");
		html_int(&p->h, page_int(c, "minutes"));
		html_raw(&p->h, "</td><td>");
		page_str(p, json_object_get(c, "outcome"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	json_decref(list);
	page_end_status(p, status);
}

void page_consultations(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	consultations_page(&p, 200);
}

void page_consultation_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "date", FJ_STR }, { "asker", FJ_STR }, { "region", FJ_STR },
		{ "topic", FJ_STR }, { "minutes", FJ_INT }, { "outcome", FJ_STR },
	};
	post_form(req, spec, sizeof spec / sizeof spec[0], svc_consultation_create, "/consultations?done=saved",
		  consultations_page);
}

/* ---------------------------------------------------------------- users */

static void users_page(struct page *p, unsigned status)
{
	struct svc_error e;
	json_t *users = svc_user_list(&p->svc, &e);
	json_t *orgs = users ? svc_org_list(&p->svc, &e) : NULL;
	if (!orgs) {
		json_decref(users);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "users.title"));
	page_h1(p, "users.title");
	page_notice(p);
	page_table(p, NULL, "user.username", "user.role", "user.organisation", "user.state", "user.action", NULL);
	size_t i, k;
	json_t *u, *o;
	json_array_foreach(json_object_get(users, "users"), i, u) {
		bool active = json_is_true(json_object_get(u, "active"));
		html_raw(&p->h, "<tr><td>");
		html_text(&p->h, page_s(u, "username"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_role, page_s(u, "role")));
		html_raw(&p->h, "</td><td>");
		json_array_foreach(json_object_get(orgs, "organisations"), k, o)
			if (page_int(o, "id") == page_int(u, "organisation_id"))
				html_text(&p->h, page_s(o, "name"));
		html_raw(&p->h, "</td><td>");
		page_text(p, active ? "user.active" : "user.inactive");
		html_raw(&p->h, "</td><td>");
		if (page_int(u, "id") != p->svc.actor->user_id) {
			if (active)
				page_form(p, "/users/%lld/deactivate", (long long)page_int(u, "id"));
			else
				page_form(p, "/users/%lld/activate", (long long)page_int(u, "id"));
			html_raw(&p->h, "<button class=\"small\">");
			page_text(p, active ? "user.deactivate" : "user.activate");
			html_raw(&p->h, "</button></form>");
		}
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);

	html_raw(&p->h, "<section class=\"panel\"><h2>");
	page_text(p, "users.new");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	page_form(p, "/users");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "username", .label = "user.username", .required = true });
	page_field(p, &(struct field){ .kind = FIELD_PASSWORD, .name = "password", .label = "user.password",
				       .hint = "user.password_hint", .required = true });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "role", .label = "user.role", .def = &enum_role,
				       .required = true, .empty_choice = true });
	struct choices cs;
	page_choices(&cs, json_object_get(orgs, "organisations"), "id", "name");
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "organisation_id", .label = "user.organisation",
				       .hint = "user.organisation_hint", .choices = cs.c, .n_choices = cs.n,
				       .empty_choice = true });
	page_choices_release(&cs);
	page_form_end(p, "users.create");
	html_raw(&p->h, "</section>");
	json_decref(users);
	json_decref(orgs);
	page_end_status(p, status);
}

void page_users(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	users_page(&p, 200);
}

void page_user_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "username", FJ_STR }, { "password", FJ_STR }, { "role", FJ_STR }, { "organisation_id", FJ_INT },
	};
	post_form(req, spec, sizeof spec / sizeof spec[0], svc_user_create, "/users?done=saved", users_page);
}

static void set_active(struct http_request *req, bool active)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	json_t *out = svc_user_set_active(&p.svc, req->ids[0], active, &e);
	after_post(&p, out, &e, "/users?done=saved", users_page);
}

void page_user_deactivate(struct http_request *req) { set_active(req, false); }
void page_user_activate(struct http_request *req) { set_active(req, true); }
