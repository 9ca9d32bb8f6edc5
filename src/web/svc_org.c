/*
 * Organisations and their certification (the state machine and checklist of
 * domain/certification.h), years (budget, four-eyes threshold and rates),
 * placement requests with the unmet requests per month, and consultations
 * with their yearly counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/certification.h"
#include "domain/money.h"
#include "domain/registers.h"
#include "store/report.h"
#include "web/service.h"
#include "web/svc_util.h"

#define NAME_MAX_CHARS 200
#define TEXT_MAX_CHARS 20000

static json_t *org_json(const struct db_org *o)
{
	json_t *cert = json_null();
	if (o->has_cert)
		cert = json_pack("{s:s, s:o}", "status", enum_name(&enum_cert_status, (int)o->cert.status), "date",
				 svc_day_json(o->cert.date));
	return json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:b}", "id", (json_int_t)o->id, "name", o->name, "kind",
			 enum_name(&enum_org_kind, (int)o->kind), "regions", svc_mask_json(&enum_region, o->regions),
			 "contact", o->contact ? o->contact : "", "certification", cert, "member", o->member);
}

int svc_recert_months(struct svc *s, int64_t *months)
{
	return db_setting_get(s->db, SETTING_RECERT_MONTHS, CERT_INTERVAL_DEFAULT_MONTHS, months) == DB_OK ? 0 : -1;
}

/* Adds "recertification_due_on" (null unless certified now) to the JSON o of
 * organisation id. Returns 0 or -1 (database). */
static int org_add_due(struct svc *s, json_t *o, int64_t id, int64_t months)
{
	struct cert_event *h;
	size_t n;
	if (db_cert_history(s->db, id, &h, &n) != DB_OK)
		return -1;
	json_object_set_new(o, "recertification_due_on", svc_day_json(cert_due(h, n, (int)months)));
	free(h);
	return 0;
}

json_t *svc_org_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "name", "kind", "regions", "contact", "member", NULL };
	struct vctx v;
	const char *name = NULL, *contact = "";
	int kind = 0, member = 0;
	uint32_t regions = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "name", V_REQUIRED | V_SINGLE_LINE, NAME_MAX_CHARS, &name);
	v_enum(&v, in, "kind", &enum_org_kind, V_REQUIRED, &kind);
	v_enum_set(&v, in, "regions", &enum_region, V_REQUIRED, &regions);
	v_string(&v, in, "contact", V_OPTIONAL | V_EMPTY_OK, 2000, &contact);
	v_bool(&v, in, "member", V_OPTIONAL, &member);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	int64_t id;
	if (db_begin(s->db) != DB_OK)
		return svc_db_fail(s, e);
	if (db_org_create(s->db, s->actor->user_id, name, (enum org_kind)kind, regions, contact, &id) != DB_OK ||
	    (member && db_org_set_member(s->db, s->actor->user_id, id, true) != DB_OK) || db_commit(s->db) != DB_OK) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	return svc_org_get(s, id, e);
}

json_t *svc_org_list(struct svc *s, struct svc_error *e)
{
	struct db_org *orgs;
	size_t n;
	int64_t months;
	if (svc_recert_months(s, &months) != 0 || db_org_list(s->db, &orgs, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!svc_sees_org(s, orgs[i].id))
			continue;
		json_t *o = org_json(&orgs[i]);
		json_array_append_new(arr, o);
		if (org_add_due(s, o, orgs[i].id, months) != 0) {
			db_org_list_free(orgs, n);
			json_decref(arr);
			return svc_db_fail(s, e);
		}
	}
	db_org_list_free(orgs, n);
	return json_pack("{s:o}", "organisations", arr);
}

/* Does name hold part, ASCII letters compared without case? */
static bool name_holds(const char *name, const char *part)
{
	size_t n = strlen(part);
	for (; *name; name++)
		if (strncasecmp(name, part, n) == 0)
			return true;
	return n == 0;
}

static int org_older_first(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "id"));
	return (x > y) - (x < y);
}

static int org_newer_first(const void *a, const void *b) { return org_older_first(b, a); }

json_t *svc_org_find(struct svc *s, const struct svc_org_query *q, struct svc_error *e)
{
	static const char *const orders[] = { "list.order_name", "list.order_newest", "list.order_oldest", NULL };
	int64_t limit = 0, offset;
	int status = -2; /* -2 any, -1 never certified, else enum cert_status */
	if (svc_query_page(q->limit, q->offset, &limit, &offset, e) != 0)
		return NULL;
	if (q->status && *q->status && strcmp(q->status, "none") != 0 &&
	    (status = enum_parse(&enum_cert_status, q->status)) < 0)
		return svc_fail_enum(e, "status", &enum_cert_status);
	if (q->status && strcmp(q->status, "none") == 0)
		status = -1;
	bool newest = q->order && strcmp(q->order, "newest") == 0, oldest = q->order && strcmp(q->order, "oldest") == 0;
	if (q->order && *q->order && !newest && !oldest && strcmp(q->order, "name") != 0)
		return svc_fail_choice(e, "order", orders);
	json_t *all = svc_org_list(s, e);
	if (!all)
		return NULL;
	json_t *rows = json_object_get(all, "organisations"), *match = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		const json_t *cert = json_object_get(o, "certification");
		int st = json_is_object(cert) ? enum_parse(&enum_cert_status, json_string_value(json_object_get(cert, "status")))
					      : -1;
		if ((status != -2 && st != status) ||
		    (q->name && !name_holds(json_string_value(json_object_get(o, "name")), q->name)))
			continue;
		json_array_append(match, o);
	}
	/* svc_org_list orders by name; the newest has the highest id. */
	size_t n = json_array_size(match);
	if (newest || oldest) {
		json_t **v = malloc((n ? n : 1) * sizeof *v);
		if (!v)
			abort();
		for (i = 0; i < n; i++)
			v[i] = json_array_get(match, i);
		qsort(v, n, sizeof *v, newest ? org_newer_first : org_older_first);
		json_t *sorted = json_array();
		for (i = 0; i < n; i++)
			json_array_append(sorted, v[i]);
		free(v);
		json_decref(match);
		match = sorted;
	}
	json_t *page = json_array();
	for (i = (size_t)offset; i < n && (limit <= 0 || i < (size_t)(offset + limit)); i++)
		json_array_append(page, json_array_get(match, i));
	json_decref(match);
	json_decref(all);
	return json_pack("{s:o, s:I}", "organisations", page, "total", (json_int_t)n);
}

json_t *svc_org_get(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_org o;
	if (!svc_sees_org(s, id))
		return svc_not_found(e);
	int rc = db_org_get(s->db, id, &o);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = org_json(&o);
	db_org_free(&o);
	char email[DB_EMAIL_MAX];
	if (svc_org_contact_email(s, id, email) != 0) {
		json_decref(out);
		return svc_db_fail(s, e);
	}
	json_object_set_new(out, "contact_email", *email ? json_string(email) : json_null());

	struct db_cert *certs;
	size_t n;
	int64_t months;
	if (svc_recert_months(s, &months) != 0 || org_add_due(s, out, id, months) != 0 ||
	    db_cert_list(s->db, id, &certs, &n) != DB_OK) {
		json_decref(out);
		return svc_db_fail(s, e);
	}
	json_t *hist = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *req = json_loads(certs[i].requirements ? certs[i].requirements : "{}", 0, NULL);
		json_t *ev = json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)certs[i].id, "status",
				       enum_name(&enum_cert_status, (int)certs[i].event.status), "date",
				       svc_day_json(certs[i].event.date), "requirements", req ? req : json_object());
		json_object_set_new(ev, "checklist_year",
				    certs[i].checklist_year ? json_integer(certs[i].checklist_year) : json_null());
		json_array_append_new(hist, ev);
	}
	db_cert_list_free(certs, n);
	json_object_set_new(out, "certification_history", hist);
	return out;
}

/*
 * Reads the "requirements" object of a certification event against the
 * checklist rs[0..n): every key must be an item of the checklist; a value is
 * true/false or {"met": bool, "note": "..."}. Fills met[] (items not named
 * are not met) and returns the normalised object to store (a new reference),
 * or NULL with v failed.
 */
static json_t *read_requirements(struct vctx *v, const json_t *req, const struct db_cert_requirement *rs, size_t n,
				 int checklist_year, bool *met)
{
	static const char *const item_known[] = { "met", "note", NULL };
	json_t *out = json_object();
	const char *k;
	json_t *val;
	for (size_t i = 0; i < n; i++)
		met[i] = false;
	v_push(v, "requirements");
	json_object_foreach((json_t *)req, k, val) {
		size_t i = 0;
		while (i < n && strcmp(rs[i].key, k) != 0)
			i++;
		if (i == n) {
			char sv[160], en[160];
			snprintf(sv, sizeof sv, "inget krav på checklistan för %d", checklist_year);
			snprintf(en, sizeof en, "not a requirement of the checklist of %d", checklist_year);
			v_fail(v, k, sv, en);
			break;
		}
		if (json_is_boolean(val)) {
			met[i] = json_is_true(val);
			json_object_set(out, k, val);
			continue;
		}
		if (!json_is_object(val)) {
			v_fail(v, k, "ett krav är true/false eller {\"met\": …, \"note\": …}",
			       "a requirement is true/false or {\"met\": …, \"note\": …}");
			break;
		}
		int m = 0;
		const char *note = NULL;
		v_push(v, k);
		v_known_keys(v, val, item_known);
		v_bool(v, val, "met", V_REQUIRED, &m);
		v_string(v, val, "note", V_OPTIONAL | V_EMPTY_OK, 2000, &note);
		v_pop(v);
		if (v->failed)
			break;
		met[i] = m;
		json_object_set_new(out, k, note ? json_pack("{s:b, s:s}", "met", m, "note", note)
						 : json_pack("{s:b}", "met", m));
	}
	v_pop(v);
	if (v->failed) {
		json_decref(out);
		return NULL;
	}
	/* Every item of the checklist is stored, so the history shows what was not met. */
	for (size_t i = 0; i < n; i++)
		if (!json_object_get(out, rs[i].key))
			json_object_set_new(out, rs[i].key, json_false());
	return out;
}

json_t *svc_cert_add(struct svc *s, int64_t org_id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "status", "date", "requirements", NULL };
	struct vctx v;
	int status = 0;
	day_t date = day_today();
	json_t *req = NULL, *stored = NULL;
	struct db_cert_requirement *rs = NULL;
	struct cert_event *hist = NULL;
	struct cert_item *items = NULL;
	bool *met = NULL;
	size_t n_rs = 0, n_hist = 0;
	struct verdict verdict;
	char *text = NULL;
	json_t *out = NULL;
	int checklist_year = 0;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_enum(&v, in, "status", &enum_cert_status, V_REQUIRED, &status);
	v_day(&v, in, "date", V_OPTIONAL, &date);
	v_object(&v, in, "requirements", V_OPTIONAL, &req);
	if (!v.failed && date > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	/* Check-then-write in one transaction: nobody records another event in between. */
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	struct db_org o;
	int rc = db_org_get(s->db, org_id, &o);
	if (rc == DB_NOTFOUND) {
		svc_not_found(e);
		goto done;
	}
	if (rc != DB_OK) {
		svc_db_fail(s, e);
		goto done;
	}
	db_org_free(&o);
	if (db_cert_history(s->db, org_id, &hist, &n_hist) != DB_OK) {
		svc_db_fail(s, e);
		goto done;
	}
	switch (cert_check_event(hist, n_hist, (enum cert_status)status, date, &verdict)) {
	case CERT_EVENT_OK:
		break;
	case CERT_EVENT_TRANSITION:
		svc_fail_field(e, SVC_CONFLICT, "status", verdict.sv, verdict.en);
		goto done;
	case CERT_EVENT_DATE:
		svc_fail_field(e, SVC_INVALID, "date", verdict.sv, verdict.en);
		goto done;
	}
	if (db_cert_requirements(s->db, day_year(date), &checklist_year, &rs, &n_rs) != DB_OK) {
		svc_db_fail(s, e);
		goto done;
	}
	met = calloc(n_rs ? n_rs : 1, sizeof *met);
	items = calloc(n_rs ? n_rs : 1, sizeof *items);
	if (!met || !items) {
		svc_fail(e, SVC_INTERNAL, "slut på minne", "out of memory");
		goto done;
	}
	json_t *none = json_object();
	stored = read_requirements(&v, req ? req : none, rs, n_rs, checklist_year, met);
	json_decref(none);
	if (!stored) {
		svc_invalid(e, &v);
		goto done;
	}
	/* Every certification, renewal and reinstatement needs the required items met. */
	if (status == CERT_CERTIFIED) {
		size_t unmet = 0;
		for (size_t i = 0; i < n_rs; i++)
			items[i] = (struct cert_item){ rs[i].key, rs[i].required, met[i], rs[i].label_sv, rs[i].label_en };
		if (!cert_items_met(items, n_rs, &unmet, &verdict)) {
			char field[80];
			snprintf(field, sizeof field, "requirements.%s", rs[unmet].key);
			svc_fail_field(e, SVC_INVALID, field, verdict.sv, verdict.en);
			goto done;
		}
	}
	text = json_dumps(stored, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t id;
	if (!text || db_cert_record(s->db, s->actor->user_id, org_id, (enum cert_status)status, date, text,
				    checklist_year, &id) != DB_OK ||
	    db_commit(s->db) != 0) {
		svc_db_fail(s, e);
		goto done;
	}
	out = svc_org_get(s, org_id, e);
done:
	if (db_in_transaction(s->db))
		db_rollback(s->db);
	free(text);
	json_decref(stored);
	free(met);
	free(items);
	free(hist);
	db_cert_requirements_free(rs, n_rs);
	return out;
}

/* ---------------------------------------------------------------- years */

/* Validates a PUT /years body into *y, whose rates and point_rates arrays
 * (CODE__COUNT and POINT__COUNT long) the caller supplies: 0, or -1 with e filled. */
static int year_parse(const json_t *in, struct db_year *y, struct db_rate *rates, struct db_point_rate *points,
		      struct svc_error *e)
{
	static const char *const known[] = { "budget_ore", "four_eyes_ore", "rates_ore", "point_rates", NULL };
	struct vctx v;
	json_t *jr = NULL, *jp = NULL;
	const char *k;
	json_t *val;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	y->has_budget = v_int(&v, in, "budget_ore", 0, MONEY_MAX_ORE, V_OPTIONAL, &y->budget_ore) == 1;
	/* Four-eyes (none by default): decisions above it need a second coordinator.
	 * Like the budget, a PUT without it sets none. */
	y->has_four_eyes = v_int(&v, in, "four_eyes_ore", 0, MONEY_MAX_ORE, V_OPTIONAL, &y->four_eyes_ore) == 1;
	v_object(&v, in, "rates_ore", V_OPTIONAL, &jr);
	v_object(&v, in, "point_rates", V_OPTIONAL, &jp);
	if (jr) {
		v_push(&v, "rates_ore");
		json_object_foreach(jr, k, val) {
			int code = enum_parse(&enum_code, k);
			if (code < 0 || code == CODE_POINT_ADULT || code == CODE_POINT_CHILD) {
				v_fail(&v, k, "okänd insatskod för dygns- eller dagsersättning",
				       "unknown code of a daily or per-day rate");
				break;
			}
			int64_t ore;
			if (v_int(&v, jr, k, 0, MONEY_MAX_ORE, V_REQUIRED, &ore) != 1)
				break;
			rates[y->n_rates++] = (struct db_rate){ (enum code)code, ore };
		}
		v_pop(&v);
	}
	if (jp) {
		v_push(&v, "point_rates");
		json_object_foreach(jp, k, val) {
			int cat = enum_parse(&enum_point_category, k);
			const char *unit = NULL;
			int64_t ore = 0;
			if (cat < 0) {
				v_fail(&v, k, "okänd kategori av punktinsats", "unknown point-intervention category");
				break;
			}
			v_push(&v, k);
			v_string(&v, val, "unit", V_REQUIRED | V_SINGLE_LINE, 30, &unit);
			v_int(&v, val, "rate_ore", 0, MONEY_MAX_ORE, V_REQUIRED, &ore);
			v_pop(&v);
			if (v.failed)
				break;
			struct db_point_rate *p = &points[y->n_point_rates++];
			p->category = (enum point_category)cat;
			p->rate_ore = ore;
			snprintf(p->unit, sizeof p->unit, "%s", unit);
		}
		v_pop(&v);
	}
	if (v.failed) {
		svc_invalid(e, &v);
		return -1;
	}
	return 0;
}

int svc_year_apply(struct svc *s, int year, const json_t *in, struct svc_error *e)
{
	struct db_rate rates[CODE__COUNT];
	struct db_point_rate points[POINT__COUNT];
	struct db_year y = { .year = year, .rates = rates, .point_rates = points };
	if (year_parse(in, &y, rates, points, e) != 0)
		return -1;
	if (db_year_put(s->db, s->actor->user_id, &y) != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	return 0;
}

json_t *svc_year_put(struct svc *s, int year, const json_t *in, struct svc_error *e)
{
	struct db_rate rates[CODE__COUNT];
	struct db_point_rate points[POINT__COUNT];
	struct db_year y = { .year = year, .rates = rates, .point_rates = points };
	bool has;
	int64_t threshold;
	if (year_parse(in, &y, rates, points, e) != 0)
		return NULL;
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (db_year_four_eyes(s->db, year, &has, &threshold) != DB_OK) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	/* Four eyes on the control itself (domain.md §8): removing a threshold,
	 * or raising it so that fewer decisions need a second coordinator, is
	 * itself a proposal. Setting one, or a lower one, is stricter: at once. */
	if (has && (!y.has_four_eyes || y.four_eyes_ore > threshold)) {
		char summary[96];
		snprintf(summary, sizeof summary, "year=%d four_eyes_ore=%lld->%s", year, (long long)threshold,
			 y.has_four_eyes ? "raised" : "none");
		json_t *out = svc_change_propose(s, CHANGE_YEAR_SETTINGS, year, in, summary, e);
		if (!out || db_commit(s->db) != 0) {
			db_rollback(s->db);
			json_decref(out);
			return out ? svc_db_fail(s, e) : NULL;
		}
		return out;
	}
	if (db_year_put(s->db, s->actor->user_id, &y) != DB_OK || db_commit(s->db) != 0) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	return svc_year_get(s, year, e);
}

json_t *svc_year_get(struct svc *s, int year, struct svc_error *e)
{
	struct rate_table *tables;
	size_t n;
	if (db_rate_tables(s->db, &tables, &n) != DB_OK)
		return svc_db_fail(s, e);
	const struct rate_table *t = rates_for_year(tables, n, year);
	json_t *rates = json_object(), *points = json_object();
	for (int c = 0; c < CODE__COUNT; c++)
		if (c != CODE_POINT_ADULT && c != CODE_POINT_CHILD)
			json_object_set_new(rates, enum_name(&enum_code, c), json_integer(t->rate_ore[c]));
	for (int c = 0; c < POINT__COUNT; c++)
		json_object_set_new(points, enum_name(&enum_point_category, c),
				    json_pack("{s:s, s:I}", "unit", t->point[c].unit, "rate_ore",
					      (json_int_t)t->point[c].rate_ore));
	int from_year = t->year;
	free(tables);
	json_t *budget = svc_year_budget(s, year, e);
	if (!budget) {
		json_decref(rates);
		json_decref(points);
		return NULL;
	}
	json_object_set_new(budget, "rates_ore", rates);
	json_object_set_new(budget, "point_rates", points);
	json_object_set_new(budget, "rates_from_year", json_integer(from_year));
	bool has_four_eyes;
	int64_t four_eyes;
	if (db_year_four_eyes(s->db, year, &has_four_eyes, &four_eyes) != DB_OK) {
		json_decref(budget);
		return svc_db_fail(s, e);
	}
	json_object_set_new(budget, "four_eyes_ore", has_four_eyes ? json_integer(four_eyes) : json_null());
	return budget;
}

json_t *svc_year_budget(struct svc *s, int year, struct svc_error *e)
{
	struct budget b;
	int64_t by_code[CODE__COUNT];
	if (db_year_budget(s->db, year, &b) != DB_OK || db_paid_by_code(s->db, year, by_code) != DB_OK)
		return svc_db_fail(s, e);
	/* The report's "paid per intervention" (payments dated in the year, by line). */
	json_t *paid = json_object();
	for (int c = 0; c < CODE__COUNT; c++)
		json_object_set_new(paid, enum_name(&enum_code, c), json_integer(by_code[c]));
	/* api.md's fields, and the two figures of domain.md §8 the pages show beside them
	 * (src/domain/budget.h): paid_in_year_ore (the report's "paid") and open_ore.
	 * The threshold is in svc_year_get only. */
	return json_pack("{s:i, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "year", year, "budget_ore",
			 b.has_budget ? json_integer(b.budget_ore) : json_null(), "committed_ore",
			 (json_int_t)b.committed_ore, "paid_ore", (json_int_t)b.paid_ore, "released_ore",
			 (json_int_t)b.released_ore, "remaining_ore", (json_int_t)b.remaining_ore, "paid_in_year_ore",
			 (json_int_t)b.paid_in_year_ore, "open_ore", (json_int_t)b.open_ore, "paid_by_intervention_ore",
			 paid);
}

/* ---------------------------------------------------------------- placement requests */

static json_t *placement_json(const struct db_placement *p)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o}", "id", (json_int_t)p->id, "date", svc_day_json(p->date),
			 "region", enum_name(&enum_region, (int)p->region), "target_group",
			 enum_name(&enum_target_group, (int)p->target_group), "outcome",
			 enum_name(&enum_placement_outcome, (int)p->outcome), "organisation_id",
			 p->organisation_id ? json_integer(p->organisation_id) : json_null());
}

json_t *svc_placement_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "date", "region", "target_group", "outcome", "organisation_id", NULL };
	struct vctx v;
	struct db_placement p = { .date = day_today() };
	int region = 0, group = 0, outcome = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_day(&v, in, "date", V_OPTIONAL, &p.date);
	v_enum(&v, in, "region", &enum_region, V_REQUIRED, &region);
	v_enum(&v, in, "target_group", &enum_target_group, V_REQUIRED, &group);
	v_enum(&v, in, "outcome", &enum_placement_outcome, V_REQUIRED, &outcome);
	v_id(&v, in, "organisation_id", V_OPTIONAL, &p.organisation_id);
	if (!v.failed && p.date > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (s->actor->role == ROLE_CASEWORKER) {
		if (p.organisation_id && p.organisation_id != s->actor->organisation_id)
			return svc_fail_field(e, SVC_NOT_FOUND, "organisation_id", "organisationen finns inte",
					      "the organisation does not exist");
		p.organisation_id = s->actor->organisation_id;
	}
	p.region = (enum region)region;
	p.target_group = (enum target_group)group;
	p.outcome = (enum placement_outcome)outcome;
	int rc = db_placement_create(s->db, s->actor->user_id, &p, &p.id);
	if (rc == DB_NOTFOUND)
		return svc_fail_field(e, SVC_NOT_FOUND, "organisation_id", "organisationen finns inte",
				      "the organisation does not exist");
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return placement_json(&p);
}

json_t *svc_placement_list(struct svc *s, const char *year, struct svc_error *e)
{
	int y = svc_query_year(year, 0, e);
	if (y < 0)
		return NULL;
	struct db_placement *ps;
	size_t n;
	if (db_placement_list(s->db, y, -1, &ps, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (s->actor->role == ROLE_COORDINATOR || ps[i].organisation_id == s->actor->organisation_id)
			json_array_append_new(arr, placement_json(&ps[i]));
	free(ps);
	return json_pack("{s:o}", "placement_requests", arr);
}

json_t *svc_placement_unmet(struct svc *s, const char *year, struct svc_error *e)
{
	int y = svc_query_year(year, day_year(day_today()), e);
	if (y < 0)
		return NULL;
	struct db_placement *ps;
	size_t n;
	if (db_placement_list(s->db, y, -1, &ps, &n) != DB_OK)
		return svc_db_fail(s, e);
	struct placement_fact *facts = calloc(n ? n : 1, sizeof *facts);
	struct placement_tally *t = calloc(1, sizeof *t);
	if (!facts || !t) {
		free(ps);
		free(facts);
		free(t);
		return svc_fail(e, SVC_INTERNAL, "slut på minne", "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		facts[i] = (struct placement_fact){ ps[i].date, ps[i].region, ps[i].target_group, ps[i].outcome };
	free(ps);
	placement_tally(facts, n, y, t);
	free(facts);

	json_t *months = json_array(), *rows = json_array();
	json_t *by_month = json_array(), *by_region = json_object(), *by_group = json_object();
	int64_t unmet_all = 0, requests_all = 0;
	for (int m = 0; m < 12; m++) {
		char label[24];
		snprintf(label, sizeof label, "%04d-%02d", y, m + 1);
		json_array_append_new(months, json_string(label));
		int64_t sum = 0;
		for (int r = 0; r < REGION__COUNT; r++)
			for (int g = 0; g < TARGET__COUNT; g++)
				sum += t->unmet[m][r][g];
		json_array_append_new(by_month, json_integer(sum));
	}
	/* One row per region and target group, zeros included: the shape never changes. */
	for (int r = 0; r < REGION__COUNT; r++) {
		int64_t region_unmet = 0;
		for (int g = 0; g < TARGET__COUNT; g++) {
			json_t *per_month = json_array();
			int64_t unmet = 0, requests = 0;
			for (int m = 0; m < 12; m++) {
				json_array_append_new(per_month, json_integer(t->unmet[m][r][g]));
				unmet += t->unmet[m][r][g];
				requests += t->requests[m][r][g];
			}
			json_array_append_new(rows, json_pack("{s:s, s:s, s:o, s:I, s:I}", "region",
							      enum_name(&enum_region, r), "target_group",
							      enum_name(&enum_target_group, g), "unmet", per_month,
							      "unmet_total", (json_int_t)unmet, "requests_total",
							      (json_int_t)requests));
			region_unmet += unmet;
			unmet_all += unmet;
			requests_all += requests;
		}
		json_object_set_new(by_region, enum_name(&enum_region, r), json_integer(region_unmet));
	}
	for (int g = 0; g < TARGET__COUNT; g++) {
		int64_t sum = 0;
		for (int m = 0; m < 12; m++)
			for (int r = 0; r < REGION__COUNT; r++)
				sum += t->unmet[m][r][g];
		json_object_set_new(by_group, enum_name(&enum_target_group, g), json_integer(sum));
	}
	free(t);
	return json_pack("{s:i, s:o, s:o, s:{s:o, s:o, s:o, s:I, s:I}}", "year", y, "months", months, "rows", rows,
			 "totals", "by_month", by_month, "by_region", by_region, "by_target_group", by_group,
			 "unmet", (json_int_t)unmet_all, "requests", (json_int_t)requests_all);
}

/* ---------------------------------------------------------------- consultations */

static json_t *consultation_json(const struct db_consultation *c)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)c->id, "date",
			 svc_day_json(c->date), "asker", enum_name(&enum_asker, (int)c->asker), "region",
			 enum_name(&enum_region, (int)c->region), "topic", c->topic ? c->topic : "", "minutes",
			 (json_int_t)c->minutes, "outcome", c->outcome ? c->outcome : "");
}

json_t *svc_consultation_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "date", "asker", "region", "topic", "minutes", "outcome", NULL };
	struct vctx v;
	struct db_consultation c = { .date = day_today() };
	int asker = 0, region = 0;
	const char *topic = NULL, *outcome = "";
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_day(&v, in, "date", V_OPTIONAL, &c.date);
	v_enum(&v, in, "asker", &enum_asker, V_REQUIRED, &asker);
	v_enum(&v, in, "region", &enum_region, V_REQUIRED, &region);
	v_string(&v, in, "topic", V_REQUIRED, 2000, &topic);
	v_int(&v, in, "minutes", 0, 100000, V_REQUIRED, &c.minutes);
	v_string(&v, in, "outcome", V_OPTIONAL | V_EMPTY_OK, 2000, &outcome);
	if (!v.failed && c.date > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	/* §9: no personal data of the person discussed; an identity number is the one we can see. */
	if (!v.failed && text_has_personal_number(topic))
		v_fail(&v, "topic", "skriv inget personnummer; loggen får inte innehålla personuppgifter",
		       "write no personal identity number; the log must hold no personal data");
	if (!v.failed && text_has_personal_number(outcome))
		v_fail(&v, "outcome", "skriv inget personnummer; loggen får inte innehålla personuppgifter",
		       "write no personal identity number; the log must hold no personal data");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	c.asker = (enum asker)asker;
	c.region = (enum region)region;
	c.topic = (char *)topic;
	c.outcome = (char *)outcome;
	if (db_consultation_create(s->db, s->actor->user_id, &c, &c.id) != DB_OK)
		return svc_db_fail(s, e);
	return consultation_json(&c);
}

json_t *svc_consultation_list(struct svc *s, const char *year, struct svc_error *e)
{
	int y = svc_query_year(year, 0, e);
	if (y < 0)
		return NULL;
	struct db_consultation *cs;
	size_t n;
	if (db_consultation_list(s->db, y, &cs, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, consultation_json(&cs[i]));
	db_consultation_list_free(cs, n);
	return json_pack("{s:o}", "consultations", arr);
}

/* Adds count to the member named key of o (creating it at 0). */
static void count_into(json_t *o, const char *key, int64_t count)
{
	json_t *cur = json_object_get(o, key);
	json_object_set_new(o, key, json_integer((cur ? json_integer_value(cur) : 0) + count));
}

/* Orders the topic counts: most asked first, then by topic. */
static int topic_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "count"));
	json_int_t cy = json_integer_value(json_object_get(y, "count"));
	if (cx != cy)
		return cx < cy ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "topic")), json_string_value(json_object_get(y, "topic")));
}

json_t *svc_consultation_summary(struct svc *s, const char *year, struct svc_error *e)
{
	int y = svc_query_year(year, day_year(day_today()), e);
	if (y < 0)
		return NULL;
	struct db_consultation *cs;
	size_t n;
	if (db_consultation_list(s->db, y, &cs, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *by_asker = json_object(), *by_region = json_object(), *topics = json_object();
	for (int a = 0; a < ASKER__COUNT; a++)
		json_object_set_new(by_asker, enum_name(&enum_asker, a), json_integer(0));
	for (int r = 0; r < REGION__COUNT; r++)
		json_object_set_new(by_region, enum_name(&enum_region, r), json_integer(0));
	int64_t minutes = 0;
	for (size_t i = 0; i < n; i++) {
		count_into(by_asker, enum_name(&enum_asker, (int)cs[i].asker), 1);
		count_into(by_region, enum_name(&enum_region, (int)cs[i].region), 1);
		/* The same topic written with other spaces around it is the same topic. */
		const char *t = cs[i].topic ? cs[i].topic : "";
		size_t lead = strspn(t, " \t\r\n"), len = strlen(t + lead);
		while (len > 0 && strchr(" \t\r\n", t[lead + len - 1]))
			len--;
		char *key = strndup(t + lead, len);
		if (key) {
			count_into(topics, key, 1);
			free(key);
		}
		minutes += cs[i].minutes;
	}
	db_consultation_list_free(cs, n);
	size_t nt = json_object_size(topics), k = 0;
	json_t **rows = calloc(nt ? nt : 1, sizeof *rows);
	if (!rows) {
		json_decref(topics);
		json_decref(by_asker);
		json_decref(by_region);
		return svc_fail(e, SVC_INTERNAL, "slut på minne", "out of memory");
	}
	const char *key;
	json_t *val;
	json_object_foreach(topics, key, val)
		rows[k++] = json_pack("{s:s, s:I}", "topic", key, "count", (json_int_t)json_integer_value(val));
	json_decref(topics);
	qsort(rows, k, sizeof *rows, topic_cmp);
	json_t *by_topic = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append_new(by_topic, rows[i]);
	free(rows);
	json_t *out = json_pack("{s:i, s:I, s:I, s:o, s:o, s:o}", "year", y, "total", (json_int_t)n, "minutes",
				(json_int_t)minutes, "by_asker", by_asker, "by_region", by_region, "by_topic", by_topic);
	/* The funder sees categories only (issue 16): who asked and from which
	 * region; a topic is free text, which may describe one person's case. */
	if (out && s->actor->role == ROLE_FUNDER)
		json_object_del(out, "by_topic");
	return out;
}
