/* Persons: the list, registering a person or a child, the person's own page, exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

#define PERSONS_PER_PAGE 100
/* A running period this close to its end is highlighted (an extension is applied for month by month). */
#define PERIOD_SOON_DAYS 7

/* "N dagar kvar" of a person's "period" (NULL or null: nothing), highlighted within PERIOD_SOON_DAYS. */
void page_days_left(struct page *p, const json_t *period)
{
	if (json_is_object(period))
		page_days_left_n(p, page_int(period, "days_left"));
}

void page_days_left_n(struct page *p, int64_t left)
{
	char n[24];
	snprintf(n, sizeof n, "%lld", (long long)left);
	if (left <= PERIOD_SOON_DAYS)
		html_raw(&p->h, "<span class=\"days-left soon\">");
	else
		html_raw(&p->h, "<span class=\"days-left\">");
	page_textv(p, left == 1 ? "period.day_left" : "period.days_left", n, NULL);
	html_raw(&p->h, "</span>");
}

const char *page_gender(const struct page *p, const json_t *person)
{
	const char *g = page_s(person, "gender"), *age = page_s(person, "age_group");
	if (g && age && strcmp(age, "child") == 0 && enum_parse(&enum_gender, g) >= 0) {
		char key[64];
		snprintf(key, sizeof key, "child_gender.%s", g);
		return page_t(p, key);
	}
	return page_enum(p, &enum_gender, g);
}

/* The search form of the persons list: case code, age group, in the programme or not. */
static void persons_filters(struct page *p, const struct svc_person_query *q)
{
	static const char *const statuses[] = { "in_programme", "exited", NULL };
	static const char *const status_keys[] = { "persons.status_in", "persons.status_exited" };
	page_filter_open(p, "/persons");
	page_filter_code(p, q->code);
	page_filter_enum(p, "age_group", "person.age_group", "persons.age_any", &enum_age_group, q->age_group);
	page_filter_choice(p, "status", "persons.status", "persons.status_any", statuses, status_keys, q->status);
	page_filter_close(p);
}

void page_persons(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	char limit[16];
	snprintf(limit, sizeof limit, "%d", PERSONS_PER_PAGE);
	/* Newest first: the persons registered last are the ones worked on. */
	struct svc_person_query q = { http_query(req, "code"),	 http_query(req, "age_group"),
				      http_query(req, "status"), "newest",
				      limit,			 http_query(req, "offset") };
	json_t *list = svc_person_list(&p.svc, &q, &e);
	if (!list)
		return page_fail(&p, &e);
	page_start(&p, page_t(&p, "persons.title"));
	page_h1(&p, "persons.title");
	html_raw(&p.h, "<p class=\"actions\"><a class=\"button\" href=\"/persons/new\">");
	page_text(&p, "persons.register");
	html_raw(&p.h, "</a>");
	/* The coordinator's possible duplicates across organisations: a task now and then, from here
	 * rather than from a menu that must fit on one line. */
	if (p.svc.actor->role == ROLE_COORDINATOR) {
		html_raw(&p.h, " <a href=\"/duplicates\">");
		page_text(&p, "duplicates.title");
		html_raw(&p.h, "</a>");
	}
	html_raw(&p.h, "</p>");
	persons_filters(&p, &q);
	bool filtered = (q.code && *q.code) || (q.age_group && *q.age_group) || (q.status && *q.status);
	json_t *persons = json_object_get(list, "persons");
	int64_t total = page_int(list, "total"), off = q.offset ? strtoll(q.offset, NULL, 10) : 0;
	if (json_array_size(persons) == 0) {
		html_raw(&p.h, "<p>");
		page_text(&p, filtered ? "persons.none_found" : "persons.none");
		html_raw(&p.h, "</p>");
	} else {
		page_list_showing(&p, "persons.showing", off, json_array_size(persons), total);
		page_table(&p, NULL, "person.code", "person.gender", "person.age_group", "person.child_role",
			   "period.ends", "period.left", "person.exit", NULL);
		size_t i;
		json_t *x;
		json_array_foreach(persons, i, x) {
			const json_t *period = json_object_get(x, "period");
			html_raw(&p.h, "<tr><td class=\"code\">");
			page_link(&p, page_s(x, "code"), "/persons/%lld", (long long)page_int(x, "id"));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_gender(&p, x));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_enum(&p, &enum_age_group, page_s(x, "age_group")));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_s(x, "child_role") ? page_enum(&p, &enum_child_role, page_s(x, "child_role"))
								: "\xE2\x80\x93");
			html_raw(&p.h, "</td><td>");
			if (json_is_object(period))
				page_day(&p, json_object_get(period, "to"));
			else
				html_raw(&p.h, "\xE2\x80\x93");
			html_raw(&p.h, "</td><td>");
			page_days_left(&p, period);
			html_raw(&p.h, "</td><td>");
			page_day(&p, json_object_get(json_object_get(x, "exit"), "date"));
			html_raw(&p.h, "</td></tr>");
		}
		page_table_end(&p);
	}
	const struct list_filter f[] = { { "code", q.code }, { "age_group", q.age_group }, { "status", q.status } };
	page_list_paging(&p, "/persons", f, 3, off, PERSONS_PER_PAGE, total);
	json_decref(list);
	page_end(&p);
}

/* ---------------------------------------------------------------- registering */

static const struct fj person_spec[] = {
	{ "organisation_id", FJ_INT }, { "gender", FJ_STR },	     { "age_group", FJ_STR },
	{ "birth_year", FJ_INT },      { "exploitation_forms", FJ_SET }, { "places", FJ_SET },
	{ "violence", FJ_SET },	       { "referral_source", FJ_STR },   { "legal_status", FJ_STR },
	{ "sweden_responsible", FJ_BOOL }, { "parent_id", FJ_INT },	 { "child_role", FJ_STR },
	{ "identity.name", FJ_STR },   { "identity.birth_date", FJ_STR }, { "identity.phone", FJ_STR },
	{ "identity.notes", FJ_STR },  { "identity.birth_country", FJ_STR },
};

/* The registration form; parent_id != 0 registers a child of that person. */
static void person_form(struct page *p, int64_t parent_id, const char *parent_code, unsigned status)
{
	struct html *h = &p->h;
	page_start(p, page_t(p, parent_id ? "person.new_child" : "person.new"));
	page_h1(p, parent_id ? "person.new_child" : "person.new");
	if (parent_id) {
		html_raw(h, "<p class=\"lead\">");
		page_textv(p, "person.child_of", parent_code, NULL);
		html_raw(h, "</p>");
	}
	page_errors(p);
	page_form(p, "/persons/new");
	html_raw(h, "<p class=\"hint\">");
	page_text(p, "person.pseudonymous");
	html_raw(h, "</p>");

	json_t *orgs = NULL;
	if (p->svc.actor->role == ROLE_COORDINATOR && !parent_id) {
		struct svc_error e;
		orgs = svc_org_list(&p->svc, &e);
		struct choices cs;
		page_choices(&cs, json_object_get(orgs, "organisations"), "id", "name");
		page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "organisation_id",
					       .label = "person.organisation", .choices = cs.c, .n_choices = cs.n,
					       .required = true, .empty_choice = true });
		page_choices_release(&cs);
	}
	html_raw(h, "<fieldset class=\"group\"><legend>");
	page_text(p, "person.statistics");
	html_raw(h, "</legend>");
	/* A child's gender in a child's words: flicka, pojke, annat, okänt. */
	struct choice child_genders[] = {
		{ "female", page_t(p, "child_gender.female") },
		{ "male", page_t(p, "child_gender.male") },
		{ "non_binary", page_t(p, "child_gender.non_binary") },
		{ "unknown", page_t(p, "child_gender.unknown") },
	};
	if (parent_id)
		page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "gender", .label = "person.gender",
					       .choices = child_genders,
					       .n_choices = sizeof child_genders / sizeof child_genders[0],
					       .required = true });
	else
		page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "gender", .label = "person.gender",
					       .def = &enum_gender, .required = true });
	if (parent_id) {
		char pid[24];
		snprintf(pid, sizeof pid, "%lld", (long long)parent_id);
		page_field(p, &(struct field){ .kind = FIELD_HIDDEN, .name = "parent_id", .value = pid });
		page_field(p, &(struct field){ .kind = FIELD_HIDDEN, .name = "age_group", .value = "child" });
		page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "child_role", .label = "person.child_role",
					       .hint = "person.child_role_hint", .def = &enum_child_role,
					       .required = true });
	} else {
		page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "age_group", .label = "person.age_group",
					       .hint = "person.age_group_hint", .def = &enum_age_group,
					       .value = "adult" });
	}
	page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "birth_year", .label = "person.birth_year",
				       .hint = "person.birth_year_hint" });
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "exploitation_forms",
				       .label = "person.exploitation_forms", .hint = "person.exploitation_hint",
				       .def = &enum_exploitation });
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "places", .label = "person.places",
				       .def = &enum_place });
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "violence", .label = "person.violence",
				       .def = &enum_violence });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "referral_source",
				       .label = "person.referral_source", .def = &enum_referral, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "legal_status", .label = "person.legal_status",
				       .def = &enum_legal_status, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "sweden_responsible",
				       .label = "person.sweden_responsible", .hint = "person.sweden_responsible_hint" });
	html_raw(h, "</fieldset><fieldset class=\"group\"><legend>");
	page_text(p, "person.identity");
	html_raw(h, "</legend><p class=\"hint\">");
	page_text(p, "person.identity_hint");
	html_raw(h, "</p>");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "identity.name", .label = "identity.name" });
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "identity.birth_date",
				       .label = "identity.birth_date" });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "identity.birth_country",
				       .label = "identity.birth_country" });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "identity.phone", .label = "identity.phone" });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "identity.notes", .label = "identity.notes" });
	html_raw(h, "</fieldset>");
	page_form_end(p, "person.submit");
	json_decref(orgs);
	page_end_status(p, status);
}

/* The parent named by ?parent= (GET) or parent_id (POST): its code, or fails the page. */
static int load_parent(struct page *p, const char *id_text, int64_t *parent_id, char *code, size_t codesz)
{
	struct svc_error e;
	*parent_id = 0;
	if (!id_text || !*id_text)
		return 0;
	int64_t id = strtoll(id_text, NULL, 10);
	json_t *codes = svc_page_person_codes(&p->svc, &id, id > 0 ? 1 : 0, &e);
	if (!codes) {
		page_fail(p, &e);
		return -1;
	}
	const char *c = json_string_value(json_object_get(codes, id_text));
	if (c) {
		snprintf(code, codesz, "%s", c);
		*parent_id = id;
	}
	json_decref(codes);
	if (!c) {
		svc_fail(&e, SVC_NOT_FOUND, "personen finns inte", "the person does not exist");
		page_fail(p, &e);
		return -1;
	}
	return 0;
}

void page_person_new(struct http_request *req)
{
	struct page p;
	int64_t parent;
	char code[DB_CODE_MAX] = "";
	page_init(&p, req);
	if (load_parent(&p, http_query(req, "parent"), &parent, code, sizeof code) != 0)
		return;
	person_form(&p, parent, code, 200);
}

void page_person_create(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	int64_t parent;
	char code[DB_CODE_MAX] = "";
	page_init(&p, req);
	if (page_parse(&p) != 0 || load_parent(&p, page_in(&p, "parent_id"), &parent, code, sizeof code) != 0)
		return;
	json_t *in = page_form_json(&p, person_spec, sizeof person_spec / sizeof person_spec[0], &e);
	json_t *out = in ? svc_person_create(&p.svc, in, &e) : NULL;
	json_decref(in);
	if (!out) {
		p.err = &e;
		return person_form(&p, parent, code, page_form_status(&e));
	}
	int64_t id = page_int(out, "id");
	json_decref(out);
	page_redirectf(&p, "/persons/%lld?done=registered", (long long)id);
}

/* ---------------------------------------------------------------- the person's page */

/* "a, b, c" of the labels of an array of enum names. */
static void enum_list(struct page *p, const struct enum_def *def, const json_t *names)
{
	size_t i;
	json_t *x;
	if (json_array_size(names) == 0) {
		html_raw(&p->h, "\xE2\x80\x93");
		return;
	}
	json_array_foreach(names, i, x) {
		if (i)
			html_raw(&p->h, ", ");
		html_text(&p->h, page_enum(p, def, json_string_value(x)));
	}
}

/* What is left of the limits (R3, R4, R6), in words. */
void page_allowance(struct page *p, const json_t *allowance)
{
	static const struct {
		const char *key, *text;
	} limits[] = {
		{ "reflection", "allowance.reflection" },
		{ "extended", "allowance.extended" },
		{ "integration", "allowance.integration" },
	};
	html_raw(&p->h, "<ul class=\"allowance\">");
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		const json_t *l = json_object_get(allowance, limits[i].key);
		char left[24], max[24];
		snprintf(left, sizeof left, "%lld", (long long)(page_int(l, "max") - page_int(l, "used")));
		snprintf(max, sizeof max, "%lld", (long long)page_int(l, "max"));
		html_raw(&p->h, "<li>");
		char key[40];
		page_textv(p, page_count_key(p, limits[i].text, page_int(l, "max") - page_int(l, "used"), key, sizeof key), left, max, NULL);
		html_raw(&p->h, "</li>");
	}
	html_raw(&p->h, "</ul>");
}

static void person_facts(struct page *p, const json_t *person)
{
	struct html *h = &p->h;
	html_raw(h, "<dl class=\"facts\">");
	page_dl_row(p, "person.gender", page_gender(p, person));
	page_dl_row(p, "person.age_group", page_enum(p, &enum_age_group, page_s(person, "age_group")));
	if (page_s(person, "child_role"))
		page_dl_row(p, "person.child_role", page_enum(p, &enum_child_role, page_s(person, "child_role")));
	if (json_is_integer(json_object_get(person, "birth_year"))) {
		char y[16];
		snprintf(y, sizeof y, "%lld", (long long)page_int(person, "birth_year"));
		page_dl_row(p, "person.birth_year", y);
	}
	html_raw(h, "<div><dt>");
	page_text(p, "person.exploitation_forms");
	html_raw(h, "</dt><dd>");
	enum_list(p, &enum_exploitation, json_object_get(person, "exploitation_forms"));
	html_raw(h, "</dd></div><div><dt>");
	page_text(p, "person.places");
	html_raw(h, "</dt><dd>");
	enum_list(p, &enum_place, json_object_get(person, "places"));
	html_raw(h, "</dd></div><div><dt>");
	page_text(p, "person.violence");
	html_raw(h, "</dt><dd>");
	enum_list(p, &enum_violence, json_object_get(person, "violence"));
	html_raw(h, "</dd></div>");
	page_dl_row(p, "person.referral_source", page_enum(p, &enum_referral, page_s(person, "referral_source")));
	page_dl_row(p, "person.legal_status", page_enum(p, &enum_legal_status, page_s(person, "legal_status")));
	page_dl_row(p, "person.sweden_responsible",
		    page_t(p, json_is_true(json_object_get(person, "sweden_responsible")) ? "yes" : "no"));
	html_raw(h, "</dl>");
}

/* Which form of the person's page an error belongs to (shown beside its
 * fields there, and only there). */
enum person_form { FORM_EXIT, FORM_IDENTITY };

/* Every key of the identity data (svc_person.c accepts these), in the order
 * shown; the form carries all of them, so replacing the data loses none. */
static const char *const identity_keys[] = { "name", "birth_date", "birth_country", "phone", "address", "language",
					     "notes" };
#define IDENTITY_KEYS (sizeof identity_keys / sizeof identity_keys[0])

/* The identity edit form, filled with the stored data (or, shown again
 * after an error, with what was typed). POSTs to the person's own URL:
 * nothing personal travels in a URL. */
static void identity_form(struct page *p, int64_t id, const json_t *ident, bool failed)
{
	html_raw(&p->h, "<details class=\"identity-edit\"");
	html_flag(&p->h, "open", failed);
	html_raw(&p->h, "><summary>");
	page_text(p, "person.edit_identity");
	html_raw(&p->h, "</summary><p class=\"hint\">");
	page_text(p, "person.edit_identity_hint");
	html_raw(&p->h, "</p>");
	page_errors(p);
	page_form(p, "/persons/%lld/identity", (long long)id);
	for (size_t i = 0; i < IDENTITY_KEYS; i++) {
		char name[32];
		snprintf(name, sizeof name, "identity.%s", identity_keys[i]);
		enum field_kind kind = strcmp(identity_keys[i], "notes") == 0	   ? FIELD_TEXTAREA
				       : strcmp(identity_keys[i], "birth_date") == 0 ? FIELD_DATE
										     : FIELD_TEXT;
		page_field(p, &(struct field){ .kind = kind, .name = name, .label = name,
					       .value = page_s(ident, identity_keys[i]) });
	}
	page_form_end(p, "person.save_identity");
	html_raw(&p->h, "</details>");
}

static void person_identity(struct page *p, const json_t *person, bool failed)
{
	const json_t *id = json_object_get(person, "identity");
	html_raw(&p->h, "<section class=\"identity\" id=\"identity\"><h2>");
	page_text(p, "person.identity");
	html_raw(&p->h, "</h2>");
	/* R12 is final: after erasure there is nothing to show and nothing to edit. */
	if (json_is_string(json_object_get(person, "identity_erased_on"))) {
		html_raw(&p->h, "<p>");
		page_textv(p, "person.identity_erased", page_s(person, "identity_erased_on"), NULL);
		html_raw(&p->h, "</p></section>");
		return;
	}
	if (!json_is_object(id) || json_object_size(id) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "person.no_identity");
		html_raw(&p->h, "</p>");
	} else {
		html_raw(&p->h, "<dl class=\"facts\">");
		for (size_t i = 0; i < IDENTITY_KEYS; i++) {
			char key[32];
			snprintf(key, sizeof key, "identity.%s", identity_keys[i]);
			if (page_s(id, identity_keys[i]))
				page_dl_row(p, key, page_s(id, identity_keys[i]));
		}
		html_raw(&p->h, "</dl>");
	}
	identity_form(p, page_int(person, "id"), json_is_object(id) ? id : NULL, failed);
	html_raw(&p->h, "</section>");
}

/* The person's applications with their outcome. */
static void person_applications(struct page *p, const json_t *apps)
{
	html_raw(&p->h, "<h2>");
	page_text(p, "person.applications");
	html_raw(&p->h, "</h2>");
	if (json_array_size(apps) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "person.no_applications");
		html_raw(&p->h, "</p>");
		return;
	}
	page_table(p, NULL, "application.type", "application.submitted_on", "application.period", "application.status",
		   "decision.total", NULL);
	size_t i;
	json_t *a;
	json_array_foreach(apps, i, a) {
		const json_t *d = json_object_get(a, "decision");
		html_raw(&p->h, "<tr><td>");
		page_link(p, page_enum(p, &enum_app_type, page_s(a, "type")), "/applications/%lld",
			  (long long)page_int(a, "id"));
		html_raw(&p->h, "</td><td>");
		page_day(p, json_object_get(a, "submitted_on"));
		html_raw(&p->h, "</td><td>");
		page_period_cell(p, a); /* "Ingen period", never "– – –" */
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, json_is_object(d) ? page_enum(p, &enum_outcome, page_s(d, "outcome"))
						  : page_enum(p, &enum_app_status, page_s(a, "status")));
		html_raw(&p->h, "</td><td class=\"num\">");
		page_money(p, json_is_object(d) ? json_object_get(d, "total_ore") : NULL);
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
}

/* Links to apply for each type that fits the person's age group. */
static void apply_links(struct page *p, int64_t id, bool child)
{
	html_raw(&p->h, "<h2>");
	page_text(p, "person.apply");
	html_raw(&p->h, "</h2><ul class=\"apply-links\">");
	/* The most common case first: admission and a reflection period at once (R13). */
	if (!child) {
		html_raw(&p->h, "<li class=\"first\">");
		page_link(p, page_t(p, "apply.admission_reflection"), "/persons/%lld/apply?type=%s", (long long)id,
			  APPLY_ADMISSION_REFLECTION);
		html_raw(&p->h, "</li>");
	}
	for (int t = 0; t < APP_TYPE__COUNT; t++) {
		bool child_type = t == APP_INTEGRATION_CHILD || t == APP_POINT_CHILD;
		bool adult_type = t == APP_INTEGRATION_ADULT || t == APP_POINT_ADULT || app_type_is_daily_compensation(t);
		if ((child && adult_type) || (!child && child_type))
			continue;
		html_raw(&p->h, "<li>");
		page_link(p, i18n_enum(p->lang, &enum_app_type, t), "/persons/%lld/apply?type=%s", (long long)id,
			  enum_name(&enum_app_type, t));
		html_raw(&p->h, "</li>");
	}
	html_raw(&p->h, "</ul>");
}

static void person_children(struct page *p, const json_t *person)
{
	const json_t *kids = json_object_get(person, "children");
	html_raw(&p->h, "<h2>");
	page_text(p, "person.children");
	html_raw(&p->h, "</h2>");
	if (json_array_size(kids) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "person.no_children");
		html_raw(&p->h, "</p>");
	} else {
		html_raw(&p->h, "<ul>");
		size_t i;
		json_t *k;
		json_array_foreach(kids, i, k) {
			html_raw(&p->h, "<li>");
			page_link(p, page_s(k, "code"), "/persons/%lld", (long long)page_int(k, "id"));
			html_raw(&p->h, " \xE2\x80\x93 ");
			html_text(&p->h, page_gender(p, k));
			html_raw(&p->h, ", ");
			html_text(&p->h, page_enum(p, &enum_child_role, page_s(k, "child_role")));
			html_raw(&p->h, "</li>");
		}
		html_raw(&p->h, "</ul>");
	}
	html_raw(&p->h, "<p>");
	page_link(p, page_t(p, "person.add_child"), "/persons/new?parent=%lld", (long long)page_int(person, "id"));
	html_raw(&p->h, "</p>");
}

static void exit_form(struct page *p, const json_t *person)
{
	const json_t *ex = json_object_get(person, "exit");
	html_raw(&p->h, "<h2>");
	page_text(p, "person.exit");
	html_raw(&p->h, "</h2>");
	if (json_is_object(ex)) {
		html_raw(&p->h, "<p>");
		page_textv(p, "person.exited", page_s(ex, "date"),
			   page_enum(p, &enum_exit_destination, page_s(ex, "destination")), NULL);
		html_raw(&p->h, "</p>");
		return;
	}
	html_raw(&p->h, "<details");
	html_flag(&p->h, "open", p->err != NULL);
	html_raw(&p->h, "><summary>");
	page_text(p, "person.register_exit");
	html_raw(&p->h, "</summary>");
	page_errors(p);
	page_form(p, "/persons/%lld/exit", (long long)page_int(person, "id"));
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "person.exit_date" });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "destination", .label = "person.exit_destination",
				       .def = &enum_exit_destination, .required = true, .empty_choice = true });
	page_form_end(p, "person.register_exit");
	html_raw(&p->h, "</details>");
}

/* The person's own page: the only one that shows identity data. */
static void person_page(struct page *p, int64_t id, unsigned status, enum person_form failed)
{
	struct svc_error e;
	json_t *person = svc_person_get(&p->svc, id, true, &e);
	if (!person)
		return page_fail(p, &e);
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	json_t *allowance = svc_person_allowance(&p->svc, id, &e);
	json_t *apps = allowance ? svc_application_list(&p->svc, &(struct svc_application_query){ .person_id = idtext }, &e) : NULL;
	if (!apps) {
		json_decref(person);
		json_decref(allowance);
		return page_fail(p, &e);
	}
	struct html *h = &p->h;
	page_start(p, page_s(person, "code"));
	html_raw(h, "<p class=\"eyebrow\">");
	page_text(p, "person.code");
	html_raw(h, "</p><h1 class=\"code\">");
	html_text(h, page_s(person, "code"));
	html_raw(h, "</h1>");
	page_notice(p);
	if (json_is_integer(json_object_get(person, "parent_id"))) {
		html_raw(h, "<p>");
		page_link(p, page_t(p, "person.parent"), "/persons/%lld", (long long)page_int(person, "parent_id"));
		html_raw(h, "</p>");
	}
	html_raw(h, "<div class=\"columns\"><section><h2>");
	page_text(p, "person.statistics");
	html_raw(h, "</h2>");
	person_facts(p, person);
	html_raw(h, "</section><section><h2>");
	page_text(p, "person.programme");
	html_raw(h, "</h2><p>");
	const json_t *period = json_object_get(person, "period");
	bool is_child = page_s(person, "age_group") && strcmp(page_s(person, "age_group"), "child") == 0;
	if (json_is_true(json_object_get(allowance, "admitted")))
		page_textv(p, "person.admitted_since", page_s(allowance, "admitted_on"), NULL);
	else if ((json_is_object(period) && json_is_true(json_object_get(period, "through_parent"))) ||
		 (is_child && !json_is_object(json_object_get(person, "exit")) &&
		  json_is_integer(json_object_get(person, "parent_id"))))
		/* A child is covered through the parent's support (domain.md §5), not admitted itself. */
		page_text(p, "period.through_parent");
	else
		page_text(p, "person.not_admitted");
	html_raw(h, "</p>");
	if (json_is_object(period)) {
		html_raw(h, "<p class=\"period\">");
		page_textv(p, "period.running", page_s(period, "from"), page_s(period, "to"), NULL);
		html_raw(h, " ");
		page_days_left(p, period);
		html_raw(h, "</p>");
	}
	page_allowance(p, allowance);
	html_raw(h, "</section></div>");
	const struct svc_error *err = p->err;
	const struct form *in = p->in;
	p->err = failed == FORM_IDENTITY ? err : NULL;
	p->in = failed == FORM_IDENTITY ? in : NULL;
	person_identity(p, person, failed == FORM_IDENTITY && err != NULL);
	p->err = failed == FORM_EXIT ? err : NULL;
	p->in = failed == FORM_EXIT ? in : NULL;
	bool child = strcmp(page_s(person, "age_group") ? page_s(person, "age_group") : "", "child") == 0;
	if (!child)
		person_children(p, person);
	person_applications(p, json_object_get(apps, "applications"));
	if (!json_is_object(json_object_get(person, "exit")))
		apply_links(p, id, child);
	exit_form(p, person);
	p->err = err;
	p->in = in;
	json_decref(person);
	json_decref(allowance);
	json_decref(apps);
	page_end_status(p, status);
}

void page_person(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	person_page(&p, req->ids[0], 200, FORM_EXIT);
}

/* The ending of a form on the person's page: with out (taken) back to it with
 * ?done=done; else the page again with e beside form (404 for a missing person). */
static void person_post_end(struct page *p, json_t *out, struct svc_error *e, enum person_form form,
			    const char *done)
{
	int64_t id = p->req->ids[0];
	if (!out) {
		if (e->status == SVC_NOT_FOUND)
			return page_fail(p, e);
		p->err = e;
		return person_page(p, id, page_form_status(e), form);
	}
	json_decref(out);
	page_redirectf(p, "/persons/%lld?done=%s", (long long)id, done);
}

void page_person_exit(struct http_request *req)
{
	static const struct fj spec[] = { { "date", FJ_STR }, { "destination", FJ_STR } };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, 2, &e);
	json_t *out = in ? svc_person_exit(&p.svc, req->ids[0], in, &e) : NULL;
	json_decref(in);
	person_post_end(&p, out, &e, FORM_EXIT, "exited");
}

/* Replaces the identity data from the form on the person's page. */
void page_person_identity(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "identity.name", FJ_STR },	 { "identity.birth_date", FJ_STR }, { "identity.phone", FJ_STR },
		{ "identity.address", FJ_STR }, { "identity.language", FJ_STR },   { "identity.notes", FJ_STR },
		{ "identity.birth_country", FJ_STR },
	};
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, sizeof spec / sizeof spec[0], &e);
	/* Every field emptied: the identity is replaced by nothing. */
	if (in && !json_is_object(json_object_get(in, "identity")))
		json_object_set_new(in, "identity", json_object());
	json_t *out = in ? svc_person_set_identity(&p.svc, req->ids[0], in, &e) : NULL;
	json_decref(in);
	person_post_end(&p, out, &e, FORM_IDENTITY, "identity_saved");
}
