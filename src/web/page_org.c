/*
 * The coordinator's organisation pages (domain.md §3, §4): the list with
 * certification, recertifications due and who is housed today; one
 * organisation with its certification history and checklist, its places
 * and its quality follow-up; the certification settings and the checklist
 * of each year; and the follow-up log (site visits, surveys, network
 * meetings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/certification.h"
#include "web/page.h"
#include "web/routes.h"

/* The label of a checklist item in the page's language. */
static const char *item_label(const struct page *p, const json_t *item)
{
	const char *l = page_s(item, p->lang == LANG_EN ? "label_en" : "label_sv");
	return l ? l : page_s(item, "key");
}

/* "2 av 5 platser upptagna" of an organisation's rows (places, occupied). */
static void occupancy_cell(struct page *p, const json_t *rows, int64_t unassigned)
{
	int64_t places = 0, occupied = unassigned;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		places += page_int(r, "places");
		occupied += page_int(r, "occupied");
	}
	char a[24], b[24];
	snprintf(a, sizeof a, "%lld", (long long)occupied);
	snprintf(b, sizeof b, "%lld", (long long)places);
	page_textv(p, "capacity.occupied_of", a, b, NULL);
}

/* ---------------------------------------------------------------- the list */

/* Organisations due for recertification within the window, or overdue. */
static void due_panel(struct page *p, const json_t *due)
{
	const json_t *rows = json_object_get(due, "organisations");
	char days[24];
	snprintf(days, sizeof days, "%lld", (long long)page_int(due, "days"));
	html_raw(&p->h, "<section class=\"panel\" id=\"due\"><h2>");
	page_textv(p, "cert.due_title", days, NULL);
	html_raw(&p->h, "</h2>");
	if (json_array_size(rows) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "cert.due_none");
		html_raw(&p->h, "</p></section>");
		return;
	}
	page_table(p, NULL, "organisation.name", "cert.certified_since", "cert.due_on", "cert.due_state", NULL);
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		char left[24], key[40];
		snprintf(left, sizeof left, "%lld", (long long)llabs((long long)page_int(o, "days_left")));
		html_raw(&p->h, "<tr><td>");
		page_link(p, page_s(o, "name"), "/organisations/%lld", (long long)page_int(o, "id"));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(o, "certified_since"));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(o, "due_on"));
		html_raw(&p->h, "</td><td>");
		if (json_is_true(json_object_get(o, "overdue"))) {
			html_raw(&p->h, "<span class=\"tag overdue\">");
			page_textv(p, page_count_key(p, "cert.overdue_by", llabs((long long)page_int(o, "days_left")), key, sizeof key), left, NULL);
			html_raw(&p->h, "</span>");
		} else {
			page_textv(p, page_count_key(p, "cert.due_in", llabs((long long)page_int(o, "days_left")), key, sizeof key), left, NULL);
		}
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "</section>");
}

#define ORGS_PER_PAGE 50

static void orgs_page(struct page *p, unsigned status)
{
	static const char *const orders[] = { "newest", "name", NULL };
	static const char *const order_keys[] = { "list.order_newest", "list.order_name" };
	struct svc_error e;
	char limit[16];
	snprintf(limit, sizeof limit, "%d", ORGS_PER_PAGE);
	const char *order = http_query(p->req, "order");
	/* Newest first: the organisation added last is the one being set up. */
	struct svc_org_query q = { http_query(p->req, "name"), http_query(p->req, "status"),
				   order && *order ? order : "newest", limit, http_query(p->req, "offset") };
	json_t *orgs = svc_org_find(&p->svc, &q, &e);
	json_t *cap = orgs ? svc_capacity_overview(&p->svc, NULL, NULL, &e) : NULL;
	json_t *due = cap ? svc_cert_due(&p->svc, NULL, &e) : NULL;
	if (!due) {
		json_decref(orgs);
		json_decref(cap);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "orgs.title"));
	page_h1(p, "orgs.title");
	page_notice(p);
	html_raw(&p->h, "<p class=\"filters\">");
	page_link(p, page_t(p, "cert.page_title"), "/certification");
	html_raw(&p->h, " \xC2\xB7 ");
	page_link(p, page_t(p, "follow_ups.title"), "/follow-ups");
	html_raw(&p->h, " \xC2\xB7 ");
	page_link(p, page_t(p, "capacity.title"), "/capacity");
	html_raw(&p->h, "</p>");
	due_panel(p, due);
	const struct list_filter f[] = { { "name", q.name }, { "status", q.status }, { "order", order } };
	int64_t total = page_int(orgs, "total"), off = q.offset ? strtoll(q.offset, NULL, 10) : 0;
	size_t shown = json_array_size(json_object_get(orgs, "organisations"));
	page_filter_open(p, "/organisations");
	html_raw(&p->h, "<span class=\"filter\"><label for=\"q-name\">");
	page_text(p, "list.search_name");
	html_raw(&p->h, "</label> <input type=\"search\" id=\"q-name\" name=\"name\" maxlength=\"100\"");
	html_attr(&p->h, "value", q.name ? q.name : "");
	html_raw(&p->h, "></span> ");
	/* Each status of the latest certification, and never certified. */
	const char *statuses[CERT__COUNT + 2], *status_keys[CERT__COUNT + 1];
	char keys[CERT__COUNT][48];
	int ns = 0;
	for (; ns < enum_cert_status.count && ns < CERT__COUNT; ns++) {
		statuses[ns] = enum_cert_status.values[ns];
		snprintf(keys[ns], sizeof keys[ns], "cert_status.%s", statuses[ns]);
		status_keys[ns] = keys[ns];
	}
	statuses[ns] = "none";
	status_keys[ns] = "organisation.no_cert";
	statuses[ns + 1] = NULL;
	page_filter_choice(p, "status", "organisation.cert", "list.any_cert", statuses, status_keys, q.status);
	page_filter_choice(p, "order", "list.order", "list.order_newest", orders + 1, order_keys + 1, order);
	page_filter_close(p);
	if (shown == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "orgs.none_found");
		html_raw(&p->h, "</p>");
	} else {
		page_list_showing(p, "orgs.showing", off, shown, total);
	}
	page_table(p, NULL, "organisation.name", "organisation.kind", "organisation.regions", "organisation.cert",
		   "cert.due_on", "organisation.occupancy", NULL);
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
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(o, "recertification_due_on"));
		html_raw(&p->h, "</td><td class=\"num\">");
		const json_t *rows = NULL;
		int64_t unassigned = 0;
		json_array_foreach(json_object_get(cap, "organisations"), k, r)
			if (page_int(r, "id") == page_int(o, "id")) {
				rows = json_object_get(r, "places");
				unassigned = page_int(r, "unassigned_occupied");
			}
		occupancy_cell(p, rows, unassigned);
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	page_list_paging(p, "/organisations", f, 3, off, ORGS_PER_PAGE, total);
	html_raw(&p->h, "<p class=\"hint\">");
	page_textv(p, "organisation.occupancy_hint", page_s(cap, "on"), NULL);
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
	page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "member", .label = "organisation.member",
				       .hint = "organisation.member_hint" });
	page_form_end(p, "orgs.create");
	html_raw(&p->h, "</section>");
	json_decref(orgs);
	json_decref(cap);
	json_decref(due);
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
		{ "name", FJ_STR }, { "kind", FJ_STR }, { "regions", FJ_SET }, { "contact", FJ_STR }, { "member", FJ_BOOL },
	};
	page_post_form(req, spec, sizeof spec / sizeof spec[0], svc_org_create, "/organisations?done=saved", orgs_page);
}

/* ---------------------------------------------------------------- one organisation */

/* The checklist of a year (cached per page in *cache, an object year -> checklist). */
static const json_t *checklist_of(struct page *p, json_t *cache, int64_t year)
{
	char y[16];
	struct svc_error e;
	snprintf(y, sizeof y, "%lld", (long long)year);
	json_t *c = json_object_get(cache, y);
	if (!c && (c = svc_checklist_get(&p->svc, y, &e)) != NULL)
		json_object_set_new(cache, y, c);
	return c;
}

/* One item of an event's checklist: met or not, its label and note. */
static void event_item(struct page *p, const char *label, const json_t *v)
{
	bool met = json_is_true(v) || json_is_true(json_object_get(v, "met"));
	html_raw(&p->h, "<li");
	html_attr(&p->h, "class", met ? "met" : "unmet");
	html_raw(&p->h, "><span class=\"mark\">");
	page_text(p, met ? "cert.item_met" : "cert.item_unmet");
	html_raw(&p->h, "</span> ");
	html_text(&p->h, label);
	if (page_s(v, "note")) {
		html_raw(&p->h, " \xE2\x80\x93 ");
		html_text(&p->h, page_s(v, "note"));
	}
	html_raw(&p->h, "</li>");
}

/* One event's checklist in the order of its checklist version, then any
 * item that version does not know (events recorded before checklists were
 * data) under its key. */
static void event_items(struct page *p, const json_t *event, json_t *cache)
{
	const json_t *req = json_object_get(event, "requirements");
	const json_t *list = json_is_integer(json_object_get(event, "checklist_year"))
				     ? json_object_get(checklist_of(p, cache, page_int(event, "checklist_year")),
						       "requirements")
				     : NULL;
	html_raw(&p->h, "<ul class=\"plain checklist\">");
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		const json_t *v = json_object_get(req, page_s(item, "key"));
		if (v)
			event_item(p, item_label(p, item), v);
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)req, k, v) {
		bool known = false;
		json_array_foreach(list, i, item)
			known = known || strcmp(page_s(item, "key"), k) == 0;
		if (!known)
			event_item(p, k, v);
	}
	html_raw(&p->h, "</ul>");
}

/* The form of a new certification event, with today's checklist. */
static void cert_form(struct page *p, int64_t id, const json_t *checklist)
{
	const json_t *items = json_object_get(checklist, "requirements");
	size_t n = json_array_size(items), i;
	struct choice *cs = calloc(n ? n : 1, sizeof *cs);
	char (*labels)[360] = calloc(n ? n : 1, sizeof *labels);
	json_t *item;
	if (!cs || !labels)
		abort();
	json_array_foreach(items, i, item) {
		snprintf(labels[i], sizeof labels[i], "%s%s", item_label(p, item),
			 json_is_true(json_object_get(item, "required")) ? "" : page_t(p, "cert.optional"));
		cs[i] = (struct choice){ page_s(item, "key"), labels[i] };
	}
	html_raw(&p->h, "<section class=\"panel\"><h2>");
	page_text(p, "cert.new");
	html_raw(&p->h, "</h2><p class=\"hint\">");
	page_text(p, "cert.machine_hint");
	html_raw(&p->h, "</p>");
	page_form(p, "/organisations/%lld/certification", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "status", .label = "cert.status",
				       .def = &enum_cert_status, .required = true, .empty_choice = true });
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "cert.date",
				       .value = day_format(day_today(), today) });
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "requirements", .label = "cert.requirements",
				       .hint = "cert.requirements_hint", .choices = cs, .n_choices = n });
	page_form_end(p, "cert.submit");
	html_raw(&p->h, "</section>");
	free(cs);
	free(labels);
}

/* The places of a housing organisation: what there is and who is housed, and the form. */
static void places_section(struct page *p, const json_t *o, const json_t *cap)
{
	int64_t id = page_int(o, "id");
	const char *kind = page_s(o, "kind");
	bool housing = kind && (strcmp(kind, "protected_housing") == 0 || strcmp(kind, "safe_housing") == 0);
	html_raw(&p->h, "<section class=\"panel\" id=\"places\"><h2>");
	page_text(p, "capacity.places");
	html_raw(&p->h, "</h2>");
	const json_t *rows = json_object_get(cap, "places");
	if (json_array_size(rows) > 0) {
		page_table(p, NULL, "placement.region", "placement.target_group", "capacity.places_col",
			   "capacity.occupied", "capacity.available", NULL);
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			html_raw(&p->h, "<tr><td>");
			html_text(&p->h, page_enum(p, &enum_region, page_s(r, "region")));
			html_raw(&p->h, "</td><td>");
			html_text(&p->h, page_enum(p, &enum_target_group, page_s(r, "target_group")));
			html_raw(&p->h, "</td><td class=\"num\">");
			html_int(&p->h, page_int(r, "places"));
			html_raw(&p->h, "</td><td class=\"num\">");
			html_int(&p->h, page_int(r, "occupied"));
			html_raw(&p->h, "</td><td class=\"num\">");
			page_available(p, r);
			html_raw(&p->h, "</td></tr>");
		}
		page_table_end(p);
	}
	if (page_int(cap, "unassigned_occupied") > 0) {
		char n[24];
		snprintf(n, sizeof n, "%lld", (long long)page_int(cap, "unassigned_occupied"));
		html_raw(&p->h, "<p class=\"warning\">");
		char key[40];
		page_textv(p, page_count_key(p, "capacity.unassigned", page_int(cap, "unassigned_occupied"), key, sizeof key), n, NULL);
		html_raw(&p->h, "</p>");
	}
	if (!housing) {
		html_raw(&p->h, "<p class=\"hint\">");
		page_text(p, "capacity.not_housing");
		html_raw(&p->h, "</p></section>");
		return;
	}
	page_form(p, "/organisations/%lld/capacity", (long long)id);
	size_t k;
	json_t *reg;
	json_array_foreach(json_object_get(o, "regions"), k, reg) {
		const char *region = json_string_value(reg);
		html_raw(&p->h, "<fieldset class=\"pair\"><legend>");
		html_text(&p->h, page_enum(p, &enum_region, region));
		html_raw(&p->h, "</legend>");
		for (int g = 0; g < TARGET__COUNT; g++) {
			const char *group = enum_name(&enum_target_group, g);
			char name[64], label[48], value[24] = "";
			snprintf(name, sizeof name, "places.%s.%s", region, group);
			snprintf(label, sizeof label, "target_group.%s", group);
			size_t i;
			json_t *r;
			json_array_foreach(rows, i, r)
				if (strcmp(page_s(r, "region"), region) == 0 && strcmp(page_s(r, "target_group"), group) == 0)
					snprintf(value, sizeof value, "%lld", (long long)page_int(r, "places"));
			page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = name, .label = label, .value = value });
		}
		html_raw(&p->h, "</fieldset>");
	}
	page_form_end(p, "capacity.save");
	html_raw(&p->h, "</section>");
}

/* The organisation's follow-up and the form of a new one about it. */
static void follow_up_section(struct page *p, int64_t id, const json_t *list)
{
	html_raw(&p->h, "<section class=\"panel\" id=\"follow-up\"><h2>");
	page_text(p, "follow_ups.title");
	html_raw(&p->h, "</h2>");
	const json_t *rows = json_object_get(list, "follow_ups");
	if (json_array_size(rows) > 0) {
		page_table(p, NULL, "follow_up.date", "follow_up.kind", "follow_up.notes", NULL);
		size_t i;
		json_t *f;
		json_array_foreach(rows, i, f) {
			html_raw(&p->h, "<tr><td>");
			page_day(p, json_object_get(f, "date"));
			html_raw(&p->h, "</td><td>");
			html_text(&p->h, page_enum(p, &enum_follow_up_kind, page_s(f, "kind")));
			html_raw(&p->h, "</td><td>");
			page_str(p, json_object_get(f, "notes"));
			html_raw(&p->h, "</td></tr>");
		}
		page_table_end(p);
	}
	/* The certification form on the same page has a "date" too: these fields
	 * are named apart (ids must be unique) and renamed by the handler. */
	page_form(p, "/organisations/%lld/follow-ups", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "follow_up.kind", .label = "follow_up.kind",
				       .def = &enum_follow_up_kind, .required = true });
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "follow_up.date", .label = "follow_up.date",
				       .value = day_format(day_today(), today) });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "follow_up.notes", .label = "follow_up.notes" });
	page_form_end(p, "follow_up.submit");
	html_raw(&p->h, "</section>");
}

/* E-mail notices (issue 17): where the organisation's notices go. */
static void contact_email_form(struct page *p, int64_t id, const json_t *o)
{
	html_raw(&p->h, "<section class=\"panel\" id=\"contact-email\"><h2>");
	page_text(p, "notice.contact_email");
	html_raw(&p->h, "</h2><p class=\"hint\">");
	page_text(p, "notice.contact_email_hint");
	html_raw(&p->h, "</p>");
	page_form(p, "/organisations/%lld/contact-email", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "contact_email", .label = "notice.contact_email",
				       .value = page_s(o, "contact_email") });
	page_form_end(p, "notice.save");
	html_raw(&p->h, "<p>");
	page_link(p, page_t(p, "outbox.title"), "/outbox");
	html_raw(&p->h, "</p></section>");
}

/* Membership of the platform (issue 19): a member organisation records contacts, certified or not. */
static void member_form(struct page *p, int64_t id, const json_t *o)
{
	bool member = json_is_true(json_object_get(o, "member"));
	html_raw(&p->h, "<section class=\"panel\" id=\"member\"><h2>");
	page_text(p, "organisation.member");
	html_raw(&p->h, "</h2><p class=\"hint\">");
	page_text(p, "organisation.member_hint");
	html_raw(&p->h, "</p>");
	page_form(p, "/organisations/%lld/member", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_HIDDEN, .name = "member", .value = member ? "0" : "1" });
	page_form_end(p, member ? "organisation.member_end" : "organisation.member_make");
	html_raw(&p->h, "</section>");
}

static void org_page(struct page *p, unsigned status)
{
	struct svc_error e;
	int64_t id = p->req->ids[0];
	char year[16], org[24];
	snprintf(year, sizeof year, "%d", page_this_year());
	snprintf(org, sizeof org, "%lld", (long long)id);
	json_t *o = svc_org_get(&p->svc, id, &e);
	json_t *cap = o ? svc_capacity_get(&p->svc, id, NULL, &e) : NULL;
	json_t *fu = cap ? svc_follow_up_list(&p->svc, org, NULL, &e) : NULL;
	json_t *checklist = fu ? svc_checklist_get(&p->svc, year, &e) : NULL;
	if (!checklist) {
		json_decref(o);
		json_decref(cap);
		json_decref(fu);
		return page_fail(p, &e);
	}
	json_t *cache = json_object();
	page_start(p, page_s(o, "name"));
	html_elem(&p->h, "h1", page_s(o, "name"));
	page_notice(p);
	page_errors(p);
	html_raw(&p->h, "<dl class=\"facts\">");
	page_dl_row(p, "organisation.kind", page_enum(p, &enum_org_kind, page_s(o, "kind")));
	page_dl_row(p, "organisation.contact", page_s(o, "contact"));
	page_dl_row(p, "notice.contact_email", page_s(o, "contact_email") ? page_s(o, "contact_email")
									 : page_t(p, "notice.no_contact_email"));
	const json_t *cert = json_object_get(o, "certification");
	page_dl_row(p, "organisation.cert", json_is_object(cert) ? page_enum(p, &enum_cert_status, page_s(cert, "status"))
								  : page_t(p, "organisation.no_cert"));
	page_dl_row(p, "cert.due_on", page_s(o, "recertification_due_on"));
	page_dl_row(p, "organisation.member", page_t(p, json_is_true(json_object_get(o, "member")) ? "organisation.member_yes"
												     : "organisation.member_no"));
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
		html_raw(&p->h, "</td><td>");
		event_items(p, c, cache);
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	contact_email_form(p, id, o);
	member_form(p, id, o);
	cert_form(p, id, checklist);
	places_section(p, o, cap);
	follow_up_section(p, id, fu);
	json_decref(cache);
	json_decref(o);
	json_decref(cap);
	json_decref(fu);
	json_decref(checklist);
	page_end_status(p, status);
}

void page_org(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	org_page(&p, 200);
}

/* Ends as page_after_post: back to the organisation's page with ?done= and fragment (may be ""). */
static void org_after(struct page *p, json_t *out, struct svc_error *e, const char *fragment)
{
	char where[96];
	snprintf(where, sizeof where, "/organisations/%lld?done=saved%s", (long long)p->req->ids[0], fragment);
	page_after_post(p, out, e, where, org_page);
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
	/* The checklist of the event's year: every item, true when ticked. */
	day_t d = day_today();
	const char *date = page_in(&p, "date");
	if (date)
		day_parse(date, &d);
	char year[16];
	snprintf(year, sizeof year, "%d", day_year(d));
	json_t *checklist = svc_checklist_get(&p.svc, year, &e);
	if (!checklist) {
		json_decref(in);
		return page_fail(&p, &e);
	}
	json_t *req_obj = json_object();
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(checklist, "requirements"), i, item) {
		bool on = false;
		const char *v;
		for (size_t k = 0; (v = form_get_nth(p.in, "requirements", k)) != NULL; k++)
			on = on || strcmp(v, page_s(item, "key")) == 0;
		json_object_set_new(req_obj, page_s(item, "key"), json_boolean(on));
	}
	json_decref(checklist);
	json_object_set_new(in, "requirements", req_obj);
	json_t *out = svc_cert_add(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	org_after(&p, out, &e, "");
}

void page_org_capacity(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	/* The grid of the form (places.<region>.<group>) as the API's rows; empty and 0 leave a row out. */
	json_t *rows = json_array();
	for (int r = 0; r < REGION__COUNT; r++)
		for (int g = 0; g < TARGET__COUNT; g++) {
			char name[64];
			snprintf(name, sizeof name, "places.%s.%s", enum_name(&enum_region, r), enum_name(&enum_target_group, g));
			const char *v = page_in(&p, name);
			if (!v || !*v || strcmp(v, "0") == 0)
				continue;
			char *end;
			long long n = strtoll(v, &end, 10);
			json_array_append_new(rows, json_pack("{s:s, s:s, s:o}", "region", enum_name(&enum_region, r),
							      "target_group", enum_name(&enum_target_group, g), "places",
							      *end ? json_string(v) : json_integer(n)));
		}
	json_t *in = json_pack("{s:o}", "places", rows);
	json_t *out = svc_capacity_put(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	org_after(&p, out, &e, "#places");
}

void page_org_follow_up(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "follow_up.kind", FJ_STR }, { "follow_up.date", FJ_STR }, { "follow_up.notes", FJ_STR },
	};
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *form = page_form_json(&p, spec, sizeof spec / sizeof spec[0], &e);
	if (!form)
		return page_fail(&p, &e);
	/* {"follow_up":{...}} is the request itself, about this organisation. */
	json_t *in = json_object_get(form, "follow_up");
	in = in ? json_incref(in) : json_object();
	json_decref(form);
	json_object_set_new(in, "organisation_ids", json_pack("[I]", (json_int_t)req->ids[0]));
	json_t *out = svc_follow_up_create(&p.svc, in, &e);
	json_decref(in);
	if (!out && e.field[0]) {
		char field[sizeof e.field];
		if (snprintf(field, sizeof field, "follow_up.%.100s", e.field) > 0)
			memcpy(e.field, field, sizeof e.field);
	}
	org_after(&p, out, &e, "#follow-up");
}

/* ---------------------------------------------------------------- certification settings and checklists */

/* The year of ?year= (else this year); -1 when it is not a year. */
static int query_year(struct page *p)
{
	const char *y = http_query(p->req, "year");
	if (!y)
		return page_this_year();
	int v = 0;
	for (const char *c = y; *c; c++) {
		if (*c < '0' || *c > '9' || v > DAY_MAX_YEAR)
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v >= DAY_MIN_YEAR && v <= DAY_MAX_YEAR ? v : -1;
}

static void certification_page(struct page *p, unsigned status)
{
	struct svc_error e;
	int year = query_year(p);
	if (year < 0) {
		svc_fail(&e, SVC_NOT_FOUND, "året finns inte", "no such year");
		return page_fail(p, &e);
	}
	char y[16];
	snprintf(y, sizeof y, "%d", year);
	json_t *settings = svc_cert_settings_get(&p->svc, &e);
	json_t *list = settings ? svc_checklist_get(&p->svc, y, &e) : NULL;
	json_t *due = list ? svc_cert_due(&p->svc, NULL, &e) : NULL;
	if (!due) {
		json_decref(settings);
		json_decref(list);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "cert.page_title"));
	page_h1(p, "cert.page_title");
	page_notice(p);
	page_errors(p);
	due_panel(p, due);

	html_raw(&p->h, "<section class=\"panel\" id=\"checklist\"><h2>");
	page_textv(p, "cert.checklist_of", y, NULL);
	html_raw(&p->h, "</h2><p class=\"year-nav\">");
	char prev[16], next[16];
	snprintf(prev, sizeof prev, "\xE2\x86\x90 %d", year - 1);
	snprintf(next, sizeof next, "%d \xE2\x86\x92", year + 1);
	page_link(p, prev, "/certification?year=%d#checklist", year - 1);
	html_raw(&p->h, " \xC2\xB7 ");
	page_link(p, next, "/certification?year=%d#checklist", year + 1);
	html_raw(&p->h, "</p><p class=\"hint\">");
	if (json_is_integer(json_object_get(list, "from_year")) && page_int(list, "from_year") != year) {
		char from[16];
		snprintf(from, sizeof from, "%lld", (long long)page_int(list, "from_year"));
		page_textv(p, "cert.checklist_inherited", from, NULL);
	} else {
		page_text(p, "cert.checklist_own");
	}
	html_raw(&p->h, "</p>");
	/* Labels only: a requirement's key is the API's name, not a word for the page. */
	page_table(p, NULL, "cert.item", "cert.item_required", "cert.item_action", NULL);
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(list, "requirements"), i, item) {
		html_raw(&p->h, "<tr><td>");
		html_text(&p->h, item_label(p, item));
		html_raw(&p->h, "</td><td>");
		page_text(p, json_is_true(json_object_get(item, "required")) ? "yes" : "no");
		html_raw(&p->h, "</td><td>");
		page_form(p, "/certification/requirements/%d/remove", year);
		html_raw(&p->h, "<input type=\"hidden\" name=\"key\"");
		html_attr(&p->h, "value", page_s(item, "key"));
		html_raw(&p->h, "><button class=\"small\">");
		page_text(p, "cert.item_remove");
		html_raw(&p->h, "</button></form></td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "<h3>");
	page_textv(p, "cert.item_new", y, NULL);
	html_raw(&p->h, "</h3>");
	page_form(p, "/certification/requirements/%d", year);
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "label_sv", .label = "cert.item_label_sv",
				       .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "label_en", .label = "cert.item_label_en",
				       .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "key", .label = "cert.item_key",
				       .hint = "cert.item_key_hint" });
	page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "required", .label = "cert.item_required",
				       .value = "1" });
	page_form_end(p, "cert.item_add");
	html_raw(&p->h, "</section>");

	page_panel(p, "cert.settings");
	page_form(p, "/certification/settings");
	char months[24];
	snprintf(months, sizeof months, "%lld", (long long)page_int(settings, "recertification_months"));
	page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "recertification_months",
				       .label = "cert.interval", .hint = "cert.interval_hint", .value = months,
				       .required = true });
	page_form_end(p, "cert.submit");
	html_raw(&p->h, "</section>");
	json_decref(settings);
	json_decref(list);
	json_decref(due);
	page_end_status(p, status);
}

void page_certification(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	certification_page(&p, 200);
}

void page_cert_settings(struct http_request *req)
{
	static const struct fj spec[] = { { "recertification_months", FJ_INT } };
	page_post_form(req, spec, 1, svc_cert_settings_put, "/certification?done=saved", certification_page);
}

/* Makes key (a cert_key_from_label() key) differ from every key of items: "_2", "_3" … */
static void key_unique(const json_t *items, char key[CERT_REQ_KEY_MAX])
{
	char base[CERT_REQ_KEY_MAX];
	snprintf(base, sizeof base, "%s", key);
	for (int k = 2;; k++) {
		bool taken = false;
		size_t i;
		const json_t *item;
		json_array_foreach(items, i, item)
			taken = taken || strcmp(page_s(item, "key"), key) == 0;
		if (!taken)
			return;
		char suffix[16];
		int w = snprintf(suffix, sizeof suffix, "_%d", k);
		size_t keep = strlen(base);
		if (keep + (size_t)w > CERT_REQ_KEY_MAX - 1)
			keep = CERT_REQ_KEY_MAX - 1 - (size_t)w;
		snprintf(key, CERT_REQ_KEY_MAX, "%.*s%s", (int)keep, base, suffix);
	}
}

/*
 * Changes the checklist of the year in the path: the checklist in force
 * for it (its own or inherited) with item added (when add) or the item
 * named `key` removed, stored as that year's own.
 */
static void checklist_change(struct http_request *req, bool add)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	int64_t year = req->ids[0];
	if (year < DAY_MIN_YEAR || year > DAY_MAX_YEAR) {
		svc_fail(&e, SVC_NOT_FOUND, "året finns inte", "no such year");
		return page_fail(&p, &e);
	}
	char y[24], where[80];
	snprintf(y, sizeof y, "%lld", (long long)year);
	json_t *list = svc_checklist_get(&p.svc, y, &e);
	if (!list)
		return page_fail(&p, &e);
	json_t *items = json_array();
	const char *key = page_in(&p, "key");
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(list, "requirements"), i, item)
		if (add || !key || strcmp(page_s(item, "key"), key) != 0)
			json_array_append(items, item);
	json_decref(list);
	char made[CERT_REQ_KEY_MAX];
	if (add && (!key || !*key)) {
		/* No key typed: one made from the English text, numbered when taken. */
		const char *en = page_in(&p, "label_en");
		cert_key_from_label(en && *en ? en : page_in(&p, "label_sv"), made);
		key_unique(items, made);
		key = made;
	}
	if (add) {
		json_t *n = json_pack("{s:s, s:s, s:s, s:b}", "key", key, "label_sv",
				      page_in(&p, "label_sv") ? page_in(&p, "label_sv") : "", "label_en",
				      page_in(&p, "label_en") ? page_in(&p, "label_en") : "", "required",
				      page_in(&p, "required") != NULL);
		json_array_append_new(items, n);
	}
	json_t *in = json_pack("{s:o}", "requirements", items);
	json_t *out = svc_checklist_put(&p.svc, (int)year, in, &e);
	json_decref(in);
	/* The validator names the new item by its index; the form knows it by its name. */
	if (!out && add && strncmp(e.field, "requirements[", 13) == 0) {
		const char *dot = strchr(e.field, '.');
		char field[VCTX_FIELD_MAX];
		snprintf(field, sizeof field, "%s", dot ? dot + 1 : "key");
		snprintf(e.field, sizeof e.field, "%s", field);
	}
	snprintf(where, sizeof where, "/certification?year=%lld&done=saved#checklist", (long long)year);
	page_after_post(&p, out, &e, where, certification_page);
}

void page_checklist_add(struct http_request *req) { checklist_change(req, true); }
void page_checklist_remove(struct http_request *req) { checklist_change(req, false); }

/* ---------------------------------------------------------------- follow-up log */

static void follow_ups_page(struct page *p, unsigned status)
{
	struct svc_error e;
	json_t *list = svc_follow_up_list(&p->svc, NULL, NULL, &e);
	json_t *orgs = list ? svc_org_list(&p->svc, &e) : NULL;
	if (!orgs) {
		json_decref(list);
		return page_fail(p, &e);
	}
	const json_t *all = json_object_get(orgs, "organisations");
	page_start(p, page_t(p, "follow_ups.title"));
	page_h1(p, "follow_ups.title");
	page_notice(p);
	html_raw(&p->h, "<p class=\"hint\">");
	page_text(p, "follow_ups.hint");
	html_raw(&p->h, "</p><section class=\"panel\"><h2>");
	page_text(p, "follow_ups.new");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	page_form(p, "/follow-ups");
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "kind", .label = "follow_up.kind",
				       .def = &enum_follow_up_kind, .required = true });
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "follow_up.date",
				       .value = day_format(day_today(), today) });
	struct choices cs;
	page_choices(&cs, all, "id", "name");
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "organisation_ids", .label = "follow_up.organisations",
				       .choices = cs.c, .n_choices = cs.n, .required = true });
	page_choices_release(&cs);
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "notes", .label = "follow_up.notes" });
	page_form_end(p, "follow_up.submit");
	html_raw(&p->h, "</section>");
	page_table(p, NULL, "follow_up.date", "follow_up.kind", "follow_up.organisations", "follow_up.notes", NULL);
	size_t i, k, j;
	json_t *f, *id, *o;
	json_array_foreach(json_object_get(list, "follow_ups"), i, f) {
		html_raw(&p->h, "<tr><td>");
		page_day(p, json_object_get(f, "date"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_follow_up_kind, page_s(f, "kind")));
		html_raw(&p->h, "</td><td>");
		json_array_foreach(json_object_get(f, "organisation_ids"), k, id) {
			json_array_foreach(all, j, o)
				if (page_int(o, "id") == json_integer_value(id)) {
					if (k)
						html_raw(&p->h, ", ");
					page_link(p, page_s(o, "name"), "/organisations/%lld", (long long)page_int(o, "id"));
				}
		}
		html_raw(&p->h, "</td><td>");
		page_str(p, json_object_get(f, "notes"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	json_decref(list);
	json_decref(orgs);
	page_end_status(p, status);
}

void page_follow_ups(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	follow_ups_page(&p, 200);
}

void page_follow_up_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "kind", FJ_STR }, { "date", FJ_STR }, { "notes", FJ_STR }, { "organisation_ids", FJ_IDS },
	};
	page_post_form(req, spec, sizeof spec / sizeof spec[0], svc_follow_up_create, "/follow-ups?done=saved",
		  follow_ups_page);
}

void page_org_contact_email(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	const char *email = page_in(&p, "contact_email");
	json_t *in = json_pack("{s:s}", "contact_email", email ? email : "");
	json_t *out = svc_org_set_contact_email(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	org_after(&p, out, &e, "#contact-email");
}

void page_org_member(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	const char *member = page_in(&p, "member");
	json_t *in = json_pack("{s:b}", "member", member && strcmp(member, "1") == 0);
	json_t *out = svc_org_set_member(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	org_after(&p, out, &e, "#member");
}
