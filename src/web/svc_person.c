/* Persons (stödsökande): registration, reading (audited), exit, identity, allowances. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/rates.h"
#include "web/service.h"
#include "web/svc_util.h"

#define IDENTITY_MAX_BYTES 16384

static const char *const identity_keys[] = { "name", "birth_date", "birth_country", "phone", "address", "notes",
					     "language", NULL };

/* json_string() of an enum's name, or null for "none" (v < 0). */
static json_t *enum_json(const struct enum_def *def, int v)
{
	return v >= 0 ? json_string(enum_name(def, v)) : json_null();
}

/*
 * The person's JSON; identity (decrypted JSON text) only when given. Built
 * key by key rather than with json_pack, which parses its format on every
 * call (a person read's hot path; the list calls it per person). The keys
 * are literals, hence _nocheck; the order is the answer's.
 */
static json_t *person_json(const struct db_person *p, const char *identity)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new_nocheck(o, "id", json_integer(p->id));
	json_object_set_new_nocheck(o, "code", json_string(p->code));
	json_object_set_new_nocheck(o, "organisation_id", json_integer(p->organisation_id));
	json_object_set_new_nocheck(o, "gender", json_string(enum_name(&enum_gender, (int)p->gender)));
	json_object_set_new_nocheck(o, "age_group", json_string(enum_name(&enum_age_group, (int)p->age_group)));
	json_object_set_new_nocheck(o, "birth_year", p->birth_year ? json_integer(p->birth_year) : json_null());
	json_object_set_new_nocheck(o, "exploitation_forms", svc_mask_json(&enum_exploitation, p->exploitation));
	json_object_set_new_nocheck(o, "places", svc_mask_json(&enum_place, p->places));
	json_object_set_new_nocheck(o, "violence", svc_mask_json(&enum_violence, p->violence));
	json_object_set_new_nocheck(o, "referral_source", enum_json(&enum_referral, p->referral_source));
	json_object_set_new_nocheck(o, "legal_status", enum_json(&enum_legal_status, p->legal_status));
	json_object_set_new_nocheck(o, "sweden_responsible", json_boolean(p->sweden_responsible));
	json_object_set_new_nocheck(o, "parent_id", p->parent_id ? json_integer(p->parent_id) : json_null());
	json_object_set_new_nocheck(o, "child_role",
				    enum_json(&enum_child_role,
					      p->child_role != CHILD_ROLE_NONE ? (int)p->child_role : -1));
	json_object_set_new_nocheck(o, "has_identity", json_boolean(p->has_identity));
	json_object_set_new_nocheck(o, "exit",
				    p->exit_on == DAY_NONE
					    ? json_null()
					    : json_pack("{s:o, s:s}", "date", svc_day_json(p->exit_on), "destination",
							enum_name(&enum_exit_destination, p->exit_destination)));
	json_object_set_new_nocheck(o, "identity_erased_on", svc_day_json(p->identity_erased_on));
	if (identity) {
		json_t *id = json_loads(identity, 0, NULL);
		json_object_set_new_nocheck(o, "identity", id ? id : json_null());
	}
	return o;
}

/*
 * Adds "period" to the person's JSON pj: null, or the running period on this
 * day ({"type","from","to","days_left","through_parent"}: to is the end of
 * the granted periods that follow each other without a gap, days_left counts
 * today and the last day). A person who left the programme has none.
 * Returns DB_OK or a store error.
 */
static int add_period(struct svc *s, const struct db_person *p, json_t *pj)
{
	struct db_running_period rp;
	day_t today = day_today();
	int rc = p->exit_on != DAY_NONE ? DB_NOTFOUND : db_person_running_period(s->db, p->id, today, &rp);
	if (rc == DB_NOTFOUND) {
		json_object_set_new(pj, "period", json_null());
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	json_object_set_new(pj, "period",
			    json_pack("{s:s, s:o, s:o, s:I, s:b}", "type", enum_name(&enum_app_type, rp.type), "from",
				      svc_day_json(rp.from), "to", svc_day_json(rp.to), "days_left",
				      (json_int_t)(rp.to - today + 1), "through_parent", rp.through_parent));
	return DB_OK;
}

/*
 * Loads person id if the actor may see it. Returns DB_OK, or fills e
 * (not found for other organisations) and returns -1.
 */
static int load_visible(struct svc *s, int64_t id, bool with_identity, struct db_person *p, struct svc_error *e)
{
	int rc = db_person_get(s->db, id, with_identity, p);
	if (rc == DB_NOTFOUND) {
		svc_not_found(e);
		return -1;
	}
	if (rc != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	if (!svc_sees_org(s, p->organisation_id)) {
		db_person_free(p);
		svc_not_theirs(s, e);
		return -1;
	}
	return 0;
}

/*
 * Validates the identity object: known keys, short strings, and a birth date
 * that is plausible: not in the future and in the birth year when the person
 * has one (birth_year 0: none), written to *birth_date. Returns its compact JSON text (caller frees
 * and wipes) or NULL with the errors recorded in v (or an earlier error).
 */
static char *identity_text(struct vctx *v, json_t *obj, int64_t birth_year, day_t *birth_date)
{
	const char *k;
	json_t *val;
	int errors_before = v->n_errors;
	v_push(v, "identity");
	v_known_keys(v, obj, identity_keys);
	json_object_foreach(obj, k, val) {
		const char *str;
		v_string(v, obj, k, V_OPTIONAL | V_EMPTY_OK | (strcmp(k, "notes") ? V_SINGLE_LINE : 0),
			 strcmp(k, "notes") ? 200 : 8000, &str);
	}
	const json_t *bd = json_object_get(obj, "birth_date");
	day_t d;
	if (bd && !json_is_null(bd) &&
	    v_day(v, obj, "birth_date", V_OPTIONAL, &d) == 1) {
		char year[8];
		snprintf(year, sizeof year, "%lld", (long long)birth_year);
		*birth_date = d;
		if (d > day_today())
			v_fail(v, "birth_date", "Födelsedatumet får inte ligga i framtiden.",
			       "The birth date must not be in the future.");
		else if (birth_year && day_year(d) != birth_year)
			v_fail(v, "birth_date", "Födelsedatumet stämmer inte med födelseåret.",
			       "The birth date does not agree with the birth year.");
	}
	v_pop(v);
	if (v->failed || v->n_errors != errors_before)
		return NULL;
	char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	if (text && strlen(text) > IDENTITY_MAX_BYTES) {
		sodium_memzero(text, strlen(text));
		free(text);
		v_fail(v, "identity", "Identitetsuppgifterna är för långa.", "The identity data is too long.");
		return NULL;
	}
	return text;
}

/* The birth year of p: its own, else that of the birth date of its
 * (decrypted) identity; 0 when neither is known. */
static int person_birth_year(const struct db_person *p)
{
	if (p->birth_year)
		return p->birth_year;
	json_t *id = p->identity ? json_loads(p->identity, 0, NULL) : NULL;
	const char *bd = json_string_value(json_object_get(id, "birth_date"));
	day_t d;
	int year = bd && day_parse(bd, &d) == 0 ? day_year(d) : 0;
	json_decref(id);
	return year;
}

json_t *svc_person_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	return svc_person_register(s, in, 0, e);
}

json_t *svc_person_register(struct svc *s, const json_t *in, int code_year, struct svc_error *e)
{
	static const char *const known[] = { "gender", "age_group", "birth_year", "exploitation_forms", "places",
					     "violence", "referral_source", "legal_status", "sweden_responsible",
					     "parent_id", "child_role", "identity", "organisation_id", NULL };
	struct vctx v;
	struct db_person_new p = { .referral_source = -1, .legal_status = -1, .child_role = CHILD_ROLE_NONE };
	int gender = 0, age = -1, role = -1, sweden = 0;
	int64_t birth_year = 0;
	json_t *ident = NULL;
	char *ident_text = NULL;
	day_t birth_date = DAY_NONE;
	int this_year = day_year(day_today());

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_enum(&v, in, "gender", &enum_gender, V_REQUIRED, &gender);
	v_enum(&v, in, "age_group", &enum_age_group, V_OPTIONAL, &age);
	v_int(&v, in, "birth_year", 1900, this_year, V_OPTIONAL, &birth_year);
	v_enum_set(&v, in, "exploitation_forms", &enum_exploitation, V_OPTIONAL | V_EMPTY_OK, &p.exploitation);
	v_enum_set(&v, in, "places", &enum_place, V_OPTIONAL | V_EMPTY_OK, &p.places);
	v_enum_set(&v, in, "violence", &enum_violence, V_OPTIONAL | V_EMPTY_OK, &p.violence);
	v_enum(&v, in, "referral_source", &enum_referral, V_OPTIONAL, &p.referral_source);
	v_enum(&v, in, "legal_status", &enum_legal_status, V_OPTIONAL, &p.legal_status);
	v_bool(&v, in, "sweden_responsible", V_OPTIONAL, &sweden);
	v_id(&v, in, "parent_id", V_OPTIONAL, &p.parent_id);
	v_enum(&v, in, "child_role", &enum_child_role, V_OPTIONAL, &role);
	v_object(&v, in, "identity", V_OPTIONAL, &ident);
	v_id(&v, in, "organisation_id", V_OPTIONAL, &p.organisation_id);
	if (age < 0 && birth_year == 0 && !v_has_error(&v, "age_group") && !v_has_error(&v, "birth_year"))
		v_fail(&v, "age_group", "Ange åldersgrupp eller födelseår.", "Give the age group or the birth year.");
	/* domain.md §5: derived from the birth year when it is known. */
	if (!v.failed && birth_year)
		age = this_year - birth_year < 18 ? AGE_CHILD : AGE_ADULT;
	if (!v.failed && age == AGE_CHILD && (role < 0 || p.parent_id == 0))
		v_fail(&v, role < 0 ? "child_role" : "parent_id",
		       "ett barn registreras med förälder och barnets roll (R11)",
		       "a child is registered with a parent and the child's role (R11)");
	if (!v.failed && age == AGE_ADULT && (role >= 0 || p.parent_id))
		v_fail(&v, role >= 0 ? "child_role" : "parent_id", "bara barn har förälder och roll",
		       "only children have a parent and a role");
	if (!v.failed && s->actor->role == ROLE_COORDINATOR && p.organisation_id == 0)
		v_fail(&v, "organisation_id", "ange organisationen som personen registreras för",
		       "name the organisation the person is registered for");
	/* Checked also after other errors, so that a form shows every one of them. */
	if (ident)
		ident_text = identity_text(&v, ident, v_has_error(&v, "birth_year") ? 0 : birth_year, &birth_date);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (s->actor->role == ROLE_CASEWORKER) {
		if (p.organisation_id && p.organisation_id != s->actor->organisation_id) {
			svc_fail_field(e, SVC_NOT_FOUND, "organisation_id", "organisationen finns inte",
				       "the organisation does not exist");
			goto out;
		}
		p.organisation_id = s->actor->organisation_id;
	}
	if (p.parent_id) {
		struct db_person parent;
		if (load_visible(s, p.parent_id, true, &parent, e) != 0) {
			snprintf(e->field, sizeof e->field, "parent_id");
			goto out;
		}
		int bad = parent.age_group != AGE_ADULT || parent.organisation_id != p.organisation_id;
		int parent_year = person_birth_year(&parent);
		db_person_free(&parent);
		if (bad) {
			svc_fail_field(e, SVC_INVALID, "parent_id",
				       "föräldern måste vara en vuxen som är registrerad hos samma organisation",
				       "the parent must be an adult registered with the same organisation");
			goto out;
		}
		/* A parent is born before the child: not after it, nor in the same year. */
		int child_year = birth_year ? (int)birth_year : birth_date != DAY_NONE ? day_year(birth_date) : 0;
		if (parent_year && child_year && parent_year >= child_year) {
			svc_fail_field(e, SVC_INVALID, birth_year ? "birth_year" : "identity.birth_date",
				       "Barnet är fött samma år som föräldern eller tidigare; ett barn föds efter sin förälder.",
				       "The child is born in the parent's birth year or before it; a child is born after its parent.");
			goto out;
		}
	}
	p.gender = (enum gender)gender;
	p.age_group = (enum age_group)age;
	p.birth_year = (int)birth_year;
	p.sweden_responsible = sweden;
	p.child_role = role >= 0 ? (enum child_role)role : CHILD_ROLE_NONE;
	p.identity_json = ident_text;
	p.code_year = code_year;

	int64_t id;
	char code[DB_CODE_MAX];
	int rc = db_person_create(s->db, s->actor->user_id, &p, &id, code);
	if (rc == DB_NOTFOUND) {
		svc_fail_field(e, SVC_NOT_FOUND, "organisation_id", "organisationen finns inte",
			       "the organisation does not exist");
		goto out;
	}
	if (rc != DB_OK) {
		svc_db_fail(s, e);
		goto out;
	}
	if (ident_text) {
		sodium_memzero(ident_text, strlen(ident_text));
		free(ident_text);
	}
	struct db_person created;
	if (db_person_get(s->db, id, false, &created) != DB_OK)
		return svc_db_fail(s, e);
	json_t *outj = person_json(&created, NULL);
	db_person_free(&created);
	return outj;
out:
	if (ident_text) {
		sodium_memzero(ident_text, strlen(ident_text));
		free(ident_text);
	}
	return NULL;
}

json_t *svc_person_get(struct svc *s, int64_t id, bool with_identity, struct svc_error *e)
{
	struct db_person p, *kids = NULL;
	size_t n = 0;
	bool opened;
	int rc;

	/* The person and the children in one read transaction (one snapshot, one
	 * lock of the WAL index); the audit entry, a write, after it. */
	if (db_read_begin(s->db, &opened) != DB_OK)
		return svc_db_fail(s, e);
	if (load_visible(s, id, with_identity, &p, e) != 0) {
		db_read_end(s->db, opened);
		return NULL;
	}
	rc = db_person_children(s->db, id, &kids, &n);
	json_t *out = person_json(&p, with_identity ? p.identity : NULL);
	if (rc == DB_OK)
		rc = add_period(s, &p, out);
	if (db_read_end(s->db, opened) != DB_OK)
		rc = DB_ERROR;
	/* Answered only once the read's entry is committed (db_audit_read). */
	if (rc != DB_OK ||
	    db_audit_read(s->db, s->actor->user_id, "person.read", "person", id, with_identity ? "identity" : NULL) != 0) {
		free(kids);
		db_person_free(&p);
		json_decref(out);
		return svc_db_fail(s, e);
	}
	db_person_free(&p);

	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)kids[i].id, "code",
						     kids[i].code, "gender", enum_name(&enum_gender, (int)kids[i].gender),
						     "age_group", enum_name(&enum_age_group, (int)kids[i].age_group),
						     "child_role", enum_name(&enum_child_role, (int)kids[i].child_role)));
	free(kids);
	json_object_set_new(out, "children", arr);
	return out;
}

json_t *svc_person_list(struct svc *s, const struct svc_person_query *q, struct svc_error *e)
{
	struct db_person_filter f = { .age_group = -1, .in_programme = -1, .limit = 100 };
	char code[DB_CODE_MAX];
	int64_t total;
	if (svc_query_page(q->limit, q->offset, &f.limit, &f.offset, e) != 0)
		return NULL;
	static const char *const statuses[] = { "persons.status_in", "persons.status_exited", NULL };
	if (svc_query_code(q->code, code, sizeof code, e) != 0 ||
	    svc_query_order(q->order, false, &f.newest_first, e) != 0)
		return NULL;
	f.code = code;
	if (q->age_group && *q->age_group && (f.age_group = enum_parse(&enum_age_group, q->age_group)) < 0)
		return svc_fail_enum(e, "age_group", &enum_age_group);
	if (q->status && *q->status) {
		if (strcmp(q->status, "in_programme") == 0)
			f.in_programme = 1;
		else if (strcmp(q->status, "exited") == 0)
			f.in_programme = 0;
		else
			return svc_fail_choice(e, "status", statuses);
	}
	f.organisation_id = s->actor->role == ROLE_COORDINATOR ? 0 : s->actor->organisation_id;
	struct db_person *ps;
	size_t n;
	bool opened;
	if (db_read_begin(s->db, &opened) != DB_OK)
		return svc_db_fail(s, e);
	int rc = db_person_find(s->db, &f, &ps, &n, &total);
	json_t *arr = json_array();
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		json_t *pj = person_json(&ps[i], NULL);
		rc = add_period(s, &ps[i], pj);
		json_array_append_new(arr, pj);
	}
	free(ps);
	if (db_read_end(s->db, opened) != DB_OK)
		rc = DB_ERROR;
	if (rc != DB_OK) {
		json_decref(arr);
		return svc_db_fail(s, e);
	}
	char detail[64];
	snprintf(detail, sizeof detail, "%zu persons from offset %lld", n, (long long)f.offset);
	if (db_audit_read(s->db, s->actor->user_id, "person.list", "organisation", f.organisation_id, detail) != 0) {
		json_decref(arr);
		return svc_db_fail(s, e);
	}
	return json_pack("{s:o, s:I}", "persons", arr, "total", (json_int_t)total);
}

json_t *svc_person_exit(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "date", "destination", NULL };
	struct vctx v;
	day_t date = day_today();
	int dest = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_day(&v, in, "date", V_OPTIONAL, &date);
	v_enum(&v, in, "destination", &enum_exit_destination, V_REQUIRED, &dest);
	if (!v.failed && date > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	struct db_person p;
	if (load_visible(s, id, false, &p, e) != 0)
		return NULL;
	db_person_free(&p);
	int rc = db_person_set_exit(s->db, s->actor->user_id, id, date, (enum exit_destination)dest);
	if (rc == DB_CONFLICT)
		return svc_fail(e, SVC_CONFLICT, "personen har redan lämnat programmet",
				"the person has left the programme already");
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return svc_person_get(s, id, false, e);
}

json_t *svc_person_set_identity(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	struct vctx v;
	json_t *ident = NULL;
	struct db_person p;
	/* The person first: the birth date is checked against the birth year. */
	int rc = load_visible(s, id, false, &p, e);
	if (rc != 0)
		return NULL;
	int birth_year = p.birth_year;
	db_person_free(&p);
	vctx_init(&v);
	v_object(&v, in, "identity", V_REQUIRED, &ident);
	day_t birth_date = DAY_NONE;
	char *text = v.failed ? NULL : identity_text(&v, ident, birth_year, &birth_date);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	rc = db_person_set_identity(s->db, s->actor->user_id, id, text);
	if (rc == DB_CONFLICT)
		svc_fail(e, SVC_CONFLICT, "identitetsuppgifterna är gallrade (R12) och kan inte återställas",
			 "the identity data has been erased (R12) and cannot be restored");
	else if (rc != DB_OK)
		svc_db_fail(s, e);
	sodium_memzero(text, strlen(text));
	free(text);
	return rc == DB_OK ? svc_person_get(s, id, true, e) : NULL;
}

json_t *svc_person_allowance(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_person p;
	if (load_visible(s, id, false, &p, e) != 0)
		return NULL;
	db_person_free(&p);
	struct person_facts f;
	struct granted *g;
	size_t ng;
	if (db_person_facts(s->db, id, &f, &g, &ng) != DB_OK)
		return svc_db_fail(s, e);
	int64_t refl = person_granted_days(&f, APP_REFLECTION), ext = person_granted_days(&f, APP_EXTENDED);
	int64_t integ = person_granted_days(&f, APP_INTEGRATION_HOUSING) +
			person_granted_days(&f, APP_INTEGRATION_ADULT) + person_granted_days(&f, APP_INTEGRATION_CHILD);
	json_t *out = json_pack("{s:b, s:o, s:o, s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I}}", "admitted",
				f.admitted_on != DAY_NONE && f.exit_on == DAY_NONE, "admitted_on",
				svc_day_json(f.admitted_on), "exit_on", svc_day_json(f.exit_on), "reflection", "used",
				(json_int_t)refl, "max", (json_int_t)rates_max_days(CODE_REFLECTION), "extended", "used",
				(json_int_t)ext, "max", (json_int_t)rates_max_days(CODE_EXTENDED), "integration", "used",
				(json_int_t)integ, "max", (json_int_t)rates_max_days(CODE_INTEGRATION_ADULT));
	json_t *periods = json_array();
	for (size_t i = 0; i < ng; i++)
		json_array_append_new(periods, json_pack("{s:I, s:s, s:o, s:o, s:o}", "decision_id",
							 (json_int_t)g[i].decision_id, "type",
							 enum_name(&enum_app_type, (int)g[i].type), "from",
							 svc_day_json(g[i].from), "to", svc_day_json(g[i].to),
							 "decided_on", svc_day_json(g[i].decided_on)));
	free(g);
	json_object_set_new(out, "granted", periods);
	/* R13: an intervention may be applied for while this admission waits. */
	json_object_set_new(out, "admission_pending_on",
			    f.admission_pending ? svc_day_json(f.admission_pending_on) : json_null());

	struct db_person *kids;
	size_t n;
	if (db_person_children(s->db, id, &kids, &n) != DB_OK) {
		json_decref(out);
		return svc_db_fail(s, e);
	}
	/* R7: only the person's own children who live with them may be named. */
	json_t *eligible = json_array();
	for (size_t i = 0; i < n; i++)
		if (kids[i].child_role == CHILD_PRIMARY || kids[i].child_role == CHILD_SECONDARY)
			json_array_append_new(eligible, json_pack("{s:I, s:s}", "id", (json_int_t)kids[i].id, "code",
								  kids[i].code));
	free(kids);
	json_object_set_new(out, "children_eligible", eligible);
	return out;
}
