/*
 * The contact register's page (issue 19): a member organisation's contacts
 * with persons outside the programme, newest first with filters and pages,
 * and the form that records one. The identity fields of the form only make
 * the linkage keys (svc_contact_create): the page says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/page.h"
#include "web/routes.h"

#define CONTACTS_PER_PAGE 50

/* The list's filters as they are in the URL (the coordinator's organisation too). */
static void contact_filters(const struct svc_contact_query *q, struct list_filter f[6])
{
	f[0] = (struct list_filter){ "from", q->from };
	f[1] = (struct list_filter){ "to", q->to };
	f[2] = (struct list_filter){ "gender", q->gender };
	f[3] = (struct list_filter){ "age_group", q->age_group };
	f[4] = (struct list_filter){ "region", q->region };
	f[5] = (struct list_filter){ "organisation_id", q->organisation_id };
}

static void contacts_filters(struct page *p, const struct svc_contact_query *q, const json_t *orgs)
{
	page_filter_open(p, "/contacts");
	page_filter_date(p, "from", "contacts.from", q->from);
	page_filter_date(p, "to", "contacts.to", q->to);
	page_filter_enum(p, "gender", "contact.gender", "contacts.any", &enum_gender, q->gender);
	page_filter_enum(p, "age_group", "contact.age_group", "contacts.any", &enum_age_group, q->age_group);
	page_filter_enum(p, "region", "contact.region", "contacts.any", &enum_region, q->region);
	if (orgs)
		page_filter_orgs(p, orgs, q->organisation_id);
	page_filter_close(p);
}

/* The labels of the names in array a over def, joined by ", "; "–" for none. */
static void enum_list(struct page *p, const struct enum_def *def, const json_t *a)
{
	size_t i;
	json_t *v;
	if (json_array_size(a) == 0) {
		html_raw(&p->h, "\xE2\x80\x93");
		return;
	}
	json_array_foreach(a, i, v) {
		if (i > 0)
			html_raw(&p->h, ", ");
		html_text(&p->h, page_enum(p, def, json_string_value(v)));
	}
}

/* Why the support was missing: the basis, the actor that refused and its reason; "–" for none. */
static void basis_cell(struct page *p, const json_t *basis)
{
	if (!json_is_object(basis)) {
		html_raw(&p->h, "\xE2\x80\x93");
		return;
	}
	html_text(&p->h, page_enum(p, &enum_basis_kind, page_s(basis, "kind")));
	if (page_s(basis, "actor_kind")) {
		html_raw(&p->h, ": ");
		html_text(&p->h, page_enum(p, &enum_actor_kind, page_s(basis, "actor_kind")));
	}
	if (page_s(basis, "reason_category")) {
		html_raw(&p->h, " (");
		html_text(&p->h, page_enum(p, &enum_reason_category, page_s(basis, "reason_category")));
		html_raw(&p->h, ")");
	}
}

/* The name of organisation id among orgs ({"organisations":[...]}), or "". */
static const char *org_name(const json_t *orgs, int64_t id)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(orgs, "organisations"), i, o)
		if (page_int(o, "id") == id)
			return page_s(o, "name");
	return "";
}

/* The form: a caseworker's for their own organisation, the coordinator's names a member organisation. */
static void contact_form(struct page *p, const json_t *orgs)
{
	page_panel(p, "contacts.new");
	page_errors(p);
	page_form(p, "/contacts");
	if (orgs) {
		/* Only member organisations record contacts. */
		json_t *members = json_array();
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(orgs, "organisations"), i, o)
			if (json_is_true(json_object_get(o, "member")))
				json_array_append(members, o);
		struct choices cs;
		page_choices(&cs, members, "id", "name");
		page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "organisation_id",
					       .label = "contact.organisation", .choices = cs.c, .n_choices = cs.n,
					       .required = true, .empty_choice = true });
		page_choices_release(&cs);
		json_decref(members);
	}
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "contact.date",
				       .value = day_format(day_today(), today), .required = true });
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "gender", .label = "contact.gender",
				       .def = &enum_gender, .required = true });
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "age_group", .label = "contact.age_group",
				       .def = &enum_age_group, .value = "adult", .required = true });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "region", .label = "contact.region",
				       .def = &enum_region, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "exploitation_forms",
				       .label = "contact.exploitation_forms", .def = &enum_exploitation });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "referral_source",
				       .label = "contact.referral_source", .def = &enum_referral, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "missing_support",
				       .label = "contact.missing_support", .hint = "contact.missing_support_hint",
				       .def = &enum_support_need, .required = true });
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "basis.kind", .label = "contact.basis",
				       .def = &enum_basis_kind, .id = "basis" });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "basis.actor_kind", .label = "contact.actor_kind",
				       .def = &enum_actor_kind, .empty_choice = true,
				       .show_if = "basis.kind=public_actor_denied" });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "basis.reason_category",
				       .label = "contact.reason_category", .def = &enum_reason_category,
				       .empty_choice = true, .show_if = "basis.kind=public_actor_denied" });
	html_raw(&p->h, "<fieldset class=\"group\"><legend>");
	page_text(p, "contact.identity");
	html_raw(&p->h, "</legend><p class=\"hint\">");
	page_text(p, "contact.identity_hint");
	html_raw(&p->h, "</p>");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "identity.name", .label = "contact.name" });
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "identity.birth_date", .label = "contact.birth_date" });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "identity.birth_country",
				       .label = "contact.birth_country" });
	html_raw(&p->h, "</fieldset>");
	page_form_end(p, "contacts.submit");
	html_raw(&p->h, "</section>");
}

static void contacts_list(struct page *p, const json_t *list, const json_t *orgs, const struct svc_contact_query *q)
{
	const json_t *rows = json_object_get(list, "contacts");
	int64_t total = page_int(list, "total"), off = q->offset ? strtoll(q->offset, NULL, 10) : 0;
	struct list_filter f[6];
	contact_filters(q, f);
	if (off < 0)
		off = 0;
	html_raw(&p->h, "<section id=\"contacts-list\"><h2>");
	page_text(p, "contacts.list");
	html_raw(&p->h, "</h2>");
	contacts_filters(p, q, orgs);
	if (json_array_size(rows) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, page_list_filtered(f, 6) ? "contacts.none_found" : "contacts.none");
		html_raw(&p->h, "</p></section>");
		return;
	}
	page_list_showing(p, "contacts.showing", off, json_array_size(rows), total);
	if (orgs)
		page_table(p, NULL, "contact.date", "contact.organisation", "contact.gender", "contact.age_group",
			   "contact.region", "contact.exploitation_forms", "contact.missing_support", "contact.basis", NULL);
	else
		page_table(p, NULL, "contact.date", "contact.gender", "contact.age_group", "contact.region",
			   "contact.exploitation_forms", "contact.missing_support", "contact.basis", NULL);
	size_t i;
	json_t *c;
	json_array_foreach(rows, i, c) {
		html_raw(&p->h, "<tr><td>");
		page_day(p, json_object_get(c, "date"));
		if (orgs) {
			html_raw(&p->h, "</td><td>");
			html_text(&p->h, org_name(orgs, page_int(c, "organisation_id")));
		}
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_gender, page_s(c, "gender")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_age_group, page_s(c, "age_group")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_region, page_s(c, "region")));
		html_raw(&p->h, "</td><td>");
		enum_list(p, &enum_exploitation, json_object_get(c, "exploitation_forms"));
		html_raw(&p->h, "</td><td>");
		enum_list(p, &enum_support_need, json_object_get(c, "missing_support"));
		html_raw(&p->h, "</td><td>");
		basis_cell(p, json_object_get(c, "basis"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	page_list_paging(p, "/contacts", f, 6, off, CONTACTS_PER_PAGE, total);
	html_raw(&p->h, "</section>");
}

static void contacts_page(struct page *p, unsigned status)
{
	struct svc_error e;
	char limit[16];
	snprintf(limit, sizeof limit, "%d", CONTACTS_PER_PAGE);
	struct http_request *req = p->req;
	struct svc_contact_query q = {
		http_query(req, "from"), http_query(req, "to"), http_query(req, "gender"),
		http_query(req, "age_group"), http_query(req, "region"), http_query(req, "organisation_id"),
		"newest", limit, http_query(req, "offset"),
	};
	bool coordinator = p->svc.actor->role == ROLE_COORDINATOR;
	json_t *list = svc_contact_list(&p->svc, &q, &e);
	json_t *orgs = list && coordinator ? svc_org_list(&p->svc, &e) : NULL;
	json_t *own = list && !coordinator ? svc_org_get(&p->svc, p->svc.actor->organisation_id, &e) : NULL;
	if (!list || (coordinator ? !orgs : !own)) {
		json_decref(list);
		json_decref(orgs);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "contacts.title"));
	page_h1(p, "contacts.title");
	page_notice(p);
	html_raw(&p->h, "<p class=\"lead\">");
	page_text(p, "contacts.lead");
	html_raw(&p->h, "</p>");
	if (coordinator || json_is_true(json_object_get(own, "member"))) {
		contact_form(p, orgs);
	} else {
		html_raw(&p->h, "<p class=\"warning\">");
		page_text(p, "contacts.not_member");
		html_raw(&p->h, "</p>");
	}
	contacts_list(p, list, orgs, &q);
	json_decref(list);
	json_decref(orgs);
	json_decref(own);
	page_end_status(p, status);
}

void page_contacts(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	contacts_page(&p, 200);
}

void page_contact_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "organisation_id", FJ_INT },	   { "date", FJ_STR },
		{ "gender", FJ_STR },		   { "age_group", FJ_STR },
		{ "region", FJ_STR },		   { "exploitation_forms", FJ_SET },
		{ "referral_source", FJ_STR },	   { "missing_support", FJ_SET },
		{ "basis.kind", FJ_STR },	   { "basis.actor_kind", FJ_STR },
		{ "basis.reason_category", FJ_STR }, { "identity.name", FJ_STR },
		{ "identity.birth_date", FJ_STR }, { "identity.birth_country", FJ_STR },
	};
	page_post_form(req, spec, sizeof spec / sizeof spec[0], svc_contact_create, "/contacts?done=saved",
		       contacts_page);
}
