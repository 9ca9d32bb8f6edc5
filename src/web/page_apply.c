/*
 * Applying for admission or an intervention: one form per type that shows,
 * before anything is typed, what is left of the person's limits, which
 * children may be named (R7), the complementarity basis with its denial
 * fields (R2), and plan and evaluation where the rules ask (R4, R5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/registers.h"
#include "web/page.h"
#include "web/routes.h"

static const struct fj apply_spec[] = {
	{ "type", FJ_STR },
	{ "submitted_on", FJ_STR },
	{ "from", FJ_STR },
	{ "to", FJ_STR },
	{ "children", FJ_IDS },
	{ "category", FJ_STR },
	{ "units", FJ_INT },
	{ "basis.kind", FJ_STR },
	{ "basis.actor", FJ_STR },
	{ "basis.actor_kind", FJ_STR },
	{ "basis.reason", FJ_STR },
	{ "basis.reason_category", FJ_STR },
	{ "basis.reference", FJ_STR },
	{ "identified", FJ_BOOL },
	{ "needs_assessment", FJ_STR },
	{ "plan", FJ_STR },
	{ "evaluation", FJ_STR },
	{ "motivation", FJ_STR },
	{ "region", FJ_STR },
	{ "target_group", FJ_STR },
};

/* What the person has left of the type's limit, as a hint for the period. */
static void limit_hint(struct page *p, enum app_type t, const json_t *allowance, char *out, size_t size)
{
	const char *key = NULL, *limit = NULL;
	switch (t) {
	case APP_REFLECTION: key = "allowance.reflection"; limit = "reflection"; break;
	case APP_EXTENDED: key = "allowance.extended"; limit = "extended"; break;
	case APP_INTEGRATION_HOUSING:
	case APP_INTEGRATION_ADULT:
	case APP_INTEGRATION_CHILD: key = "allowance.integration"; limit = "integration"; break;
	default: out[0] = '\0'; return;
	}
	const json_t *l = json_object_get(allowance, limit);
	char left[24], max[24];
	snprintf(left, sizeof left, "%lld", (long long)(page_int(l, "max") - page_int(l, "used")));
	snprintf(max, sizeof max, "%lld", (long long)page_int(l, "max"));
	/* The catalogue text with its figures, as plain text for the hint. */
	struct html tmp = HTML_INIT;
	const char *args[] = { left, max };
	i18n_html(&tmp, p->lang, key, args, 2);
	snprintf(out, size, "%s", buf_str(&tmp.b));
	html_release(&tmp);
}

/* The complementarity basis (R2) with the fields of a public actor's refusal. */
static void basis_fields(struct page *p)
{
	html_raw(&p->h, "<fieldset class=\"group\"><legend>");
	page_text(p, "basis.title");
	html_raw(&p->h, "</legend><p class=\"hint\">");
	page_text(p, "basis.hint");
	html_raw(&p->h, "</p>");
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "basis.kind", .label = "basis.kind",
				       .def = &enum_basis_kind, .required = true });
	const char *denied = "basis.kind=public_actor_denied";
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "basis.actor", .label = "basis.actor",
				       .hint = "basis.actor_hint", .show_if = denied });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "basis.actor_kind", .label = "basis.actor_kind",
				       .def = &enum_actor_kind, .empty_choice = true, .show_if = denied });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "basis.reason", .label = "basis.reason",
				       .show_if = denied });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "basis.reason_category",
				       .label = "basis.reason_category", .def = &enum_reason_category,
				       .empty_choice = true, .show_if = denied });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "basis.reference", .label = "basis.reference",
				       .hint = "basis.reference_hint", .show_if = denied });
	html_raw(&p->h, "</fieldset>");
}

/* The children the person may name for the child supplement (R7). */
static void children_field(struct page *p, const json_t *allowance)
{
	struct choices cs;
	page_choices(&cs, json_object_get(allowance, "children_eligible"), "id", "code");
	page_field(p, &(struct field){ .kind = FIELD_CHECKS, .name = "children", .label = "apply.children",
				       .hint = "apply.children_hint", .choices = cs.c, .n_choices = cs.n });
	page_choices_release(&cs);
}

/*
 * The place of a daily-compensation period, so that occupancy counts against
 * the right capacity: the police region (one of the organisation's; chosen
 * when it has only one) and the target group (left to the service by
 * default, which derives it from the person and the children named, as
 * housing_target_group() does; the choice says what that will be).
 */
static void place_fields(struct page *p, const json_t *person)
{
	struct svc_error e;
	json_t *org = svc_org_get(&p->svc, page_int(person, "organisation_id"), &e);
	const json_t *regions = json_object_get(org, "regions");
	size_t n = json_array_size(regions), i;
	json_t *r;
	html_raw(&p->h, "<fieldset class=\"group\"><legend>");
	page_text(p, "apply.place");
	html_raw(&p->h, "</legend>");
	if (n > 0) {
		struct choice *cs = calloc(n, sizeof *cs);
		if (!cs)
			abort();
		json_array_foreach(regions, i, r)
			cs[i] = (struct choice){ json_string_value(r), page_enum(p, &enum_region, json_string_value(r)) };
		page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "region", .label = "apply.region",
					       .hint = "apply.region_hint", .choices = cs, .n_choices = n,
					       .value = n == 1 ? cs[0].value : NULL, .empty_choice = n > 1,
					       .required = n > 1 });
		free(cs);
	}
	int gender = enum_parse(&enum_gender, page_s(person, "gender"));
	int age = enum_parse(&enum_age_group, page_s(person, "age_group"));
	int alone = -1, with_children = -1;
	if (gender >= 0 && age >= 0) {
		alone = housing_target_group((enum gender)gender, (enum age_group)age, 0);
		with_children = housing_target_group((enum gender)gender, (enum age_group)age, 1);
	}
	char auto_text[256];
	if (alone >= 0 && with_children >= 0) {
		struct html tmp = HTML_INIT;
		const char *args[] = { i18n_enum(p->lang, &enum_target_group, alone),
				       i18n_enum(p->lang, &enum_target_group, with_children) };
		i18n_html(&tmp, p->lang, "apply.target_group_auto", args, 2);
		snprintf(auto_text, sizeof auto_text, "%s", buf_str(&tmp.b));
		html_release(&tmp);
	} else {
		snprintf(auto_text, sizeof auto_text, "%s", page_t(p, "apply.target_group_auto_unknown"));
	}
	struct choice groups[TARGET__COUNT + 1];
	groups[0] = (struct choice){ "", auto_text };
	for (int g = 0; g < TARGET__COUNT; g++)
		groups[g + 1] = (struct choice){ enum_name(&enum_target_group, g), i18n_enum(p->lang, &enum_target_group, g) };
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "target_group", .label = "apply.target_group",
				       .choices = groups, .n_choices = TARGET__COUNT + 1, .value = "" });
	html_raw(&p->h, "</fieldset>");
	json_decref(org);
}

/* t of apply_form() for the admission with its reflection period. */
#define T_ADMISSION_REFLECTION APP_TYPE__COUNT

/* The form for type t (or the list of types when t < 0). */
static void apply_form(struct page *p, int64_t person_id, int t, unsigned status)
{
	struct svc_error e;
	json_t *person = svc_person_get(&p->svc, person_id, false, &e);
	json_t *allowance = person ? svc_person_allowance(&p->svc, person_id, &e) : NULL;
	if (!allowance) {
		json_decref(person);
		return page_fail(p, &e);
	}
	struct html *h = &p->h;
	const char *code = page_s(person, "code");
	if (t < 0) {
		page_start(p, page_t(p, "apply.title"));
		page_h1(p, "apply.title");
		html_raw(h, "<p>");
		page_textv(p, "apply.for_person", code, NULL);
		html_raw(h, "</p><ul class=\"apply-links\"><li>");
		page_link(p, page_t(p, "apply.admission_reflection"), "/persons/%lld/apply?type=%s", (long long)person_id,
			  APPLY_ADMISSION_REFLECTION);
		html_raw(h, "</li>");
		for (int i = 0; i < APP_TYPE__COUNT; i++) {
			html_raw(h, "<li>");
			page_link(p, i18n_enum(p->lang, &enum_app_type, i), "/persons/%lld/apply?type=%s",
				  (long long)person_id, enum_name(&enum_app_type, i));
			html_raw(h, "</li>");
		}
		html_raw(h, "</ul>");
		goto done;
	}
	bool both = t == T_ADMISSION_REFLECTION;
	enum app_type type = both ? APP_REFLECTION : (enum app_type)t;
	const char *type_label = both ? page_t(p, "apply.admission_reflection") : i18n_enum(p->lang, &enum_app_type, t);
	page_start(p, type_label);
	html_raw(h, "<p class=\"eyebrow\">");
	page_textv(p, "apply.for_person", code, NULL);
	html_raw(h, "</p><h1>");
	html_text(h, type_label);
	html_raw(h, "</h1><section class=\"panel\"><h2>");
	page_text(p, "apply.left");
	html_raw(h, "</h2><p>");
	if (json_is_true(json_object_get(allowance, "admitted")))
		page_textv(p, "person.admitted_since", page_s(allowance, "admitted_on"), NULL);
	else if (page_s(allowance, "admission_pending_on"))
		page_textv(p, "apply.admission_waiting", page_s(allowance, "admission_pending_on"), NULL);
	else
		page_text(p, type == APP_ADMISSION || both ? "person.not_admitted" : "apply.admit_first");
	if (both) {
		html_raw(h, "<br>");
		page_text(p, "apply.admission_reflection_hint");
	}
	html_raw(h, "</p>");
	page_allowance(p, allowance);
	html_raw(h, "</section>");
	page_errors(p);
	page_form(p, "/persons/%lld/apply", (long long)person_id);
	page_field(p, &(struct field){ .kind = FIELD_HIDDEN, .name = "type",
				       .value = both ? APPLY_ADMISSION_REFLECTION : enum_name(&enum_app_type, t) });
	char today[DAY_BUFSZ];
	day_format(day_today(), today);
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "submitted_on", .label = "application.submitted_on",
				       .value = today, .required = true });
	if (type == APP_ADMISSION || both) {
		page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "identified", .label = "apply.identified",
					       .required = true });
		page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "needs_assessment",
					       .label = "apply.needs_assessment", .hint = "apply.needs_assessment_hint",
					       .required = true });
	}
	if (both) {
		html_raw(h, "<h2>");
		page_text(p, "apply.reflection_part");
		html_raw(h, "</h2>");
	}
	if (app_type_has_period(type)) {
		char hint[256];
		limit_hint(p, type, allowance, hint, sizeof hint);
		page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "from", .label = "application.from",
					       .required = true });
		page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "to", .label = "application.to",
					       .hint_text = hint, .hint = type == APP_EXTENDED ? "apply.month_by_month" : NULL,
					       .required = true });
	}
	if (app_type_is_daily_compensation(type)) {
		children_field(p, allowance);
		place_fields(p, person);
	}
	if (app_type_is_point(type)) {
		page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "category", .label = "application.category",
					       .hint = "apply.category_hint", .def = &enum_point_category,
					       .required = true, .empty_choice = true });
		page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "units", .label = "application.units",
					       .value = "1", .required = true });
		page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "motivation",
					       .label = "application.motivation" });
	}
	if (type == APP_EXTENDED || type == APP_INTEGRATION_HOUSING)
		page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "plan", .label = "application.plan",
					       .hint = type == APP_EXTENDED ? "apply.plan_extended" : "apply.plan_integration",
					       .required = true });
	if (type == APP_EXTENDED)
		page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "evaluation",
					       .label = "application.evaluation", .hint = "apply.evaluation_hint",
					       .required = true });
	basis_fields(p);
	page_form_end(p, "apply.submit");
done:
	json_decref(person);
	json_decref(allowance);
	page_end_status(p, status);
}

void page_apply(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	const char *type = http_query(req, "type");
	apply_form(&p, req->ids[0],
		   type && strcmp(type, APPLY_ADMISSION_REFLECTION) == 0 ? T_ADMISSION_REFLECTION
		   : type					       ? enum_parse(&enum_app_type, type)
								       : -1,
		   200);
}

/*
 * The one form for an admission with its reflection period as the API's
 * request: the admission (date, identification, needs assessment, basis)
 * and "together" the reflection period (period, children, place). A new
 * reference; in is the form's JSON.
 */
static json_t *admission_reflection_json(json_t *in)
{
	static const char *const period_keys[] = { "from", "to", "children", "region", "target_group" };
	json_t *refl = json_pack("{s:s}", "type", "reflection");
	for (size_t k = 0; k < sizeof period_keys / sizeof period_keys[0]; k++) {
		json_t *v = json_object_get(in, period_keys[k]);
		if (v) {
			json_object_set(refl, period_keys[k], v);
			json_object_del(in, period_keys[k]);
		}
	}
	json_object_set_new(in, "type", json_string("admission"));
	json_object_set_new(in, "together", json_pack("[o]", refl));
	return in;
}

void page_apply_post(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	const char *type_in = page_in(&p, "type");
	bool both = type_in && strcmp(type_in, APPLY_ADMISSION_REFLECTION) == 0;
	int type = both ? T_ADMISSION_REFLECTION : enum_parse(&enum_app_type, type_in);
	json_t *in = page_form_json(&p, apply_spec, sizeof apply_spec / sizeof apply_spec[0], &e);
	json_t *out = NULL;
	if (in) {
		json_object_set_new(in, "person_id", json_integer(req->ids[0]));
		if (both)
			in = admission_reflection_json(in);
		out = svc_application_create(&p.svc, in, &e);
		json_decref(in);
	}
	if (!out) {
		if (e.status == SVC_NOT_FOUND && strcmp(e.field, "person_id") == 0)
			return page_fail(&p, &e);
		/* The reflection part's fields are the form's own. */
		if (both && strncmp(e.field, "together[0].", 12) == 0)
			memmove(e.field, e.field + 12, strlen(e.field + 12) + 1);
		p.err = &e;
		return apply_form(&p, req->ids[0], type, page_form_status(&e));
	}
	int64_t id = page_int(out, "id");
	json_decref(out);
	page_redirectf(&p, "/applications/%lld?done=applied", (long long)id);
}
