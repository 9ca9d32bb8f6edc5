/* Organisations and certification, years (budget and rates), placement requests, consultations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
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
	return json_pack("{s:I, s:s, s:s, s:o, s:s, s:o}", "id", (json_int_t)o->id, "name", o->name, "kind",
			 enum_name(&enum_org_kind, (int)o->kind), "regions", svc_mask_json(&enum_region, o->regions),
			 "contact", o->contact ? o->contact : "", "certification", cert);
}

json_t *svc_org_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "name", "kind", "regions", "contact", NULL };
	struct vctx v;
	const char *name = NULL, *contact = "";
	int kind = 0;
	uint32_t regions = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "name", V_REQUIRED | V_SINGLE_LINE, NAME_MAX_CHARS, &name);
	v_enum(&v, in, "kind", &enum_org_kind, V_REQUIRED, &kind);
	v_enum_set(&v, in, "regions", &enum_region, V_REQUIRED, &regions);
	v_string(&v, in, "contact", V_OPTIONAL | V_EMPTY_OK, 2000, &contact);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	int64_t id;
	struct db_org o;
	if (db_org_create(s->db, s->actor->user_id, name, (enum org_kind)kind, regions, contact, &id) != DB_OK ||
	    db_org_get(s->db, id, &o) != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = org_json(&o);
	db_org_free(&o);
	return out;
}

json_t *svc_org_list(struct svc *s, struct svc_error *e)
{
	struct db_org *orgs;
	size_t n;
	if (db_org_list(s->db, &orgs, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (svc_sees_org(s, orgs[i].id))
			json_array_append_new(arr, org_json(&orgs[i]));
	db_org_list_free(orgs, n);
	return json_pack("{s:o}", "organisations", arr);
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

	struct db_cert *certs;
	size_t n;
	if (db_cert_list(s->db, id, &certs, &n) != DB_OK) {
		json_decref(out);
		return svc_db_fail(s, e);
	}
	json_t *hist = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *req = json_loads(certs[i].requirements ? certs[i].requirements : "{}", 0, NULL);
		json_array_append_new(hist, json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)certs[i].id, "status",
						      enum_name(&enum_cert_status, (int)certs[i].event.status),
						      "date", svc_day_json(certs[i].event.date), "requirements",
						      req ? req : json_object()));
	}
	db_cert_list_free(certs, n);
	json_object_set_new(out, "certification_history", hist);
	return out;
}

json_t *svc_cert_add(struct svc *s, int64_t org_id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "status", "date", "requirements", NULL };
	struct vctx v;
	int status = 0;
	day_t date = day_today();
	json_t *req = NULL;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_enum(&v, in, "status", &enum_cert_status, V_REQUIRED, &status);
	v_day(&v, in, "date", V_OPTIONAL, &date);
	v_object(&v, in, "requirements", V_OPTIONAL, &req);
	if (!v.failed && date > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (req) {
		/* The checklist is data: each requirement is true/false or a short note. */
		const char *k;
		json_t *val;
		v_push(&v, "requirements");
		json_object_foreach(req, k, val) {
			if (!json_is_boolean(val) && !json_is_string(val))
				v_fail(&v, k, "ett krav är sant/falskt eller en kort text",
				       "a requirement is true/false or a short text");
		}
		v_pop(&v);
	}
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	/* No checklist is stored as {}; the temporary object is ours to release. */
	json_t *none = req ? NULL : json_object();
	char *text = json_dumps(req ? req : none, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(none);
	int64_t id;
	int rc = text ? db_cert_add(s->db, s->actor->user_id, org_id, (enum cert_status)status, date, text, &id)
		      : DB_ERROR;
	free(text);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return svc_org_get(s, org_id, e);
}

/* ---------------------------------------------------------------- years */

json_t *svc_year_put(struct svc *s, int year, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "budget_ore", "rates_ore", "point_rates", NULL };
	struct vctx v;
	struct db_rate rates[CODE__COUNT];
	struct db_point_rate points[POINT__COUNT];
	struct db_year y = { .year = year, .rates = rates, .point_rates = points };
	json_t *jr = NULL, *jp = NULL;
	const char *k;
	json_t *val;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	y.has_budget = v_int(&v, in, "budget_ore", 0, MONEY_MAX_ORE, V_OPTIONAL, &y.budget_ore) == 1;
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
			rates[y.n_rates++] = (struct db_rate){ (enum code)code, ore };
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
			struct db_point_rate *p = &points[y.n_point_rates++];
			p->category = (enum point_category)cat;
			p->rate_ore = ore;
			snprintf(p->unit, sizeof p->unit, "%s", unit);
		}
		v_pop(&v);
	}
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_year_put(s->db, s->actor->user_id, &y) != DB_OK)
		return svc_db_fail(s, e);
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
	return budget;
}

json_t *svc_year_budget(struct svc *s, int year, struct svc_error *e)
{
	struct budget b;
	if (db_year_budget(s->db, year, &b) != DB_OK)
		return svc_db_fail(s, e);
	return json_pack("{s:i, s:o, s:I, s:I, s:I, s:I}", "year", year, "budget_ore",
			 b.has_budget ? json_integer(b.budget_ore) : json_null(), "committed_ore",
			 (json_int_t)b.committed_ore, "paid_ore", (json_int_t)b.paid_ore, "released_ore",
			 (json_int_t)b.released_ore, "remaining_ore", (json_int_t)b.remaining_ore);
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
	int y = year ? svc_parse_year(year) : 0;
	if (y < 0)
		return svc_fail_field(e, SVC_INVALID, "year", "ogiltigt år", "invalid year");
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
	int y = year ? svc_parse_year(year) : 0;
	if (y < 0)
		return svc_fail_field(e, SVC_INVALID, "year", "ogiltigt år", "invalid year");
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
