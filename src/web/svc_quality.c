/*
 * The certification checklist per year, the recertification interval and
 * the organisations due for recertification, and quality follow-up (site
 * visits, surveys, network meetings): domain.md §3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/certification.h"
#include "web/service.h"
#include "web/svc_util.h"

#define CHECKLIST_MAX_ITEMS 40
#define LABEL_MAX_CHARS 300
#define NOTES_MAX_CHARS 20000
#define FOLLOW_UP_MAX_ORGS 200

/* ---------------------------------------------------------------- the checklist */

json_t *svc_checklist_get(struct svc *s, const char *year, struct svc_error *e)
{
	int y = svc_query_year(year, day_year(day_today()), e);
	if (y < 0)
		return NULL;
	struct db_cert_requirement *rs;
	size_t n, n_years;
	int from, *years;
	if (db_cert_requirements(s->db, y, &from, &rs, &n) != DB_OK)
		return svc_db_fail(s, e);
	if (db_cert_requirement_years(s->db, &years, &n_years) != DB_OK) {
		db_cert_requirements_free(rs, n);
		return svc_db_fail(s, e);
	}
	json_t *items = json_array(), *jy = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:b}", "key", rs[i].key, "label_sv",
						       rs[i].label_sv, "label_en", rs[i].label_en, "required",
						       rs[i].required));
	for (size_t i = 0; i < n_years; i++)
		json_array_append_new(jy, json_integer(years[i]));
	db_cert_requirements_free(rs, n);
	free(years);
	return json_pack("{s:i, s:o, s:o, s:o}", "year", y, "from_year", from ? json_integer(from) : json_null(),
			 "requirements", items, "years", jy);
}

json_t *svc_checklist_put(struct svc *s, int year, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "requirements", NULL };
	static const char *const item_known[] = { "key", "label_sv", "label_en", "required", NULL };
	struct db_cert_requirement rs[CHECKLIST_MAX_ITEMS];
	struct vctx v;
	json_t *arr = NULL, *it;
	size_t i, n = 0;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_array(&v, in, "requirements", CHECKLIST_MAX_ITEMS, V_REQUIRED, &arr);
	json_array_foreach(arr, i, it) {
		const char *key = NULL, *sv = NULL, *en = NULL;
		int required = 1;
		if (v.failed)
			break;
		v_push(&v, "requirements");
		v_push_index(&v, i);
		if (!json_is_object(it)) {
			v_fail(&v, NULL, "ett krav är ett objekt", "a requirement is an object");
		} else {
			v_known_keys(&v, it, item_known);
			v_string(&v, it, "key", V_REQUIRED | V_SINGLE_LINE, CERT_REQ_KEY_MAX - 1, &key);
			v_string(&v, it, "label_sv", V_REQUIRED | V_SINGLE_LINE, LABEL_MAX_CHARS, &sv);
			v_string(&v, it, "label_en", V_REQUIRED | V_SINGLE_LINE, LABEL_MAX_CHARS, &en);
			v_bool(&v, it, "required", V_OPTIONAL, &required);
			if (!v.failed && !cert_key_valid(key))
				v_fail(&v, "key", "nyckeln består av a–z, 0–9 och _ och börjar med en bokstav",
				       "the key is a–z, 0–9 and _ and starts with a letter");
			for (size_t k = 0; !v.failed && k < n; k++)
				if (strcmp(rs[k].key, key) == 0)
					v_fail(&v, "key", "nyckeln finns redan på checklistan",
					       "the key is on the checklist already");
		}
		v_pop(&v);
		v_pop(&v);
		if (v.failed)
			break;
		snprintf(rs[n].key, sizeof rs[n].key, "%s", key);
		rs[n].label_sv = (char *)sv;
		rs[n].label_en = (char *)en;
		rs[n].required = required;
		n++;
	}
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_cert_requirements_put(s->db, s->actor->user_id, year, rs, n) != DB_OK)
		return svc_db_fail(s, e);
	char y[8];
	snprintf(y, sizeof y, "%d", year);
	return svc_checklist_get(s, y, e);
}

/* ---------------------------------------------------------------- settings */

json_t *svc_cert_settings_get(struct svc *s, struct svc_error *e)
{
	int64_t months;
	if (svc_recert_months(s, &months) != 0)
		return svc_db_fail(s, e);
	return json_pack("{s:I, s:i}", "recertification_months", (json_int_t)months, "due_window_days",
			 CERT_DUE_WINDOW_DAYS);
}

json_t *svc_cert_settings_put(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "recertification_months", NULL };
	struct vctx v;
	int64_t months = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_int(&v, in, "recertification_months", 1, CERT_INTERVAL_MAX_MONTHS, V_REQUIRED, &months);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_setting_put(s->db, s->actor->user_id, SETTING_RECERT_MONTHS, months) != DB_OK)
		return svc_db_fail(s, e);
	return svc_cert_settings_get(s, e);
}

/* ---------------------------------------------------------------- due for recertification */

/* Orders due rows by due date, then name. */
static int due_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "due_on")), json_string_value(json_object_get(y, "due_on")));
	return c ? c : strcmp(json_string_value(json_object_get(x, "name")), json_string_value(json_object_get(y, "name")));
}

json_t *svc_cert_due(struct svc *s, const char *days, struct svc_error *e)
{
	int64_t window = CERT_DUE_WINDOW_DAYS, months;
	if (days) {
		char *end;
		long long d = strtoll(days, &end, 10);
		if (!*days || *end || d < 0 || d > 3660)
			return svc_fail_field(e, SVC_INVALID, "days", "days är 0–3660", "days is 0–3660");
		window = d;
	}
	struct db_org *orgs;
	size_t n, k = 0;
	if (svc_recert_months(s, &months) != 0 || db_org_list(s->db, &orgs, &n) != DB_OK)
		return svc_db_fail(s, e);
	day_t today = day_today(), until = today + (day_t)window;
	json_t **rows = calloc(n ? n : 1, sizeof *rows);
	if (!rows) {
		db_org_list_free(orgs, n);
		return svc_fail(e, SVC_INTERNAL, "slut på minne", "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct cert_event *h;
		size_t nh;
		if (db_cert_history(s->db, orgs[i].id, &h, &nh) != DB_OK) {
			for (size_t j = 0; j < k; j++)
				json_decref(rows[j]);
			free(rows);
			db_org_list_free(orgs, n);
			return svc_db_fail(s, e);
		}
		day_t since = cert_certified_since(h, nh), due = cert_due(h, nh, (int)months);
		free(h);
		/* Overdue ones are listed too: they are the most urgent. */
		if (due == DAY_NONE || due > until)
			continue;
		rows[k++] = json_pack("{s:I, s:s, s:o, s:o, s:I, s:b}", "id", (json_int_t)orgs[i].id, "name",
				      orgs[i].name, "certified_since", svc_day_json(since), "due_on", svc_day_json(due),
				      "days_left", (json_int_t)(due - today), "overdue", due < today);
	}
	db_org_list_free(orgs, n);
	qsort(rows, k, sizeof *rows, due_cmp);
	json_t *arr = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append_new(arr, rows[i]);
	free(rows);
	return json_pack("{s:o, s:I, s:I, s:o}", "today", svc_day_json(today), "days", (json_int_t)window,
			 "recertification_months", (json_int_t)months, "organisations", arr);
}

/* ---------------------------------------------------------------- follow-up */

static json_t *follow_up_json(const struct db_follow_up *f)
{
	json_t *orgs = json_array();
	for (size_t i = 0; i < f->n_orgs; i++)
		json_array_append_new(orgs, json_integer(f->orgs[i]));
	return json_pack("{s:I, s:s, s:o, s:s, s:o}", "id", (json_int_t)f->id, "kind",
			 enum_name(&enum_follow_up_kind, f->kind), "date", svc_day_json(f->date), "notes",
			 f->notes ? f->notes : "", "organisation_ids", orgs);
}

json_t *svc_follow_up_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "kind", "date", "notes", "organisation_ids", NULL };
	struct vctx v;
	int kind = 0;
	day_t date = day_today();
	const char *notes = "";
	int64_t orgs[FOLLOW_UP_MAX_ORGS];
	size_t n = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_enum(&v, in, "kind", &enum_follow_up_kind, V_REQUIRED, &kind);
	v_day(&v, in, "date", V_OPTIONAL, &date);
	v_string(&v, in, "notes", V_OPTIONAL | V_EMPTY_OK, NOTES_MAX_CHARS, &notes);
	v_id_array(&v, in, "organisation_ids", FOLLOW_UP_MAX_ORGS, V_REQUIRED, orgs, &n);
	if (!v.failed && date > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	struct db_follow_up f = { .kind = kind, .date = date, .notes = (char *)notes, .orgs = orgs, .n_orgs = n };
	int rc = db_follow_up_create(s->db, s->actor->user_id, kind, date, notes, orgs, n, &f.id);
	if (rc == DB_NOTFOUND)
		return svc_fail_field(e, SVC_NOT_FOUND, "organisation_ids", "en organisation finns inte",
				      "an organisation does not exist");
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return follow_up_json(&f);
}

json_t *svc_follow_up_list(struct svc *s, const char *organisation, const char *year, struct svc_error *e)
{
	int64_t org = 0;
	int y = svc_query_year(year, 0, e);
	if (y < 0)
		return NULL;
	if (organisation) {
		char *end;
		long long v = strtoll(organisation, &end, 10);
		if (*organisation < '1' || *organisation > '9' || *end || v <= 0)
			return svc_fail_field(e, SVC_INVALID, "organisation_id", "ogiltigt id", "invalid id");
		org = v;
	}
	struct db_follow_up *fs;
	size_t n;
	if (db_follow_up_list(s->db, org, y, &fs, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, follow_up_json(&fs[i]));
	db_follow_up_list_free(fs, n);
	return json_pack("{s:o}", "follow_ups", arr);
}
