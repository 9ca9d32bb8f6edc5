/*
 * The contact register (issue 19): a member organisation of the platform,
 * certified or not, records its contacts with persons who needed support
 * the public sector did not give and who are not in the programme. A
 * contact holds no identity: name, birth date and birth country, when
 * given, only make the linkage keys that let the report count each person
 * once, and are then wiped; they are never stored, logged or answered.
 * An organisation sees its own contacts, the coordinator every one, the
 * funder only the report's counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web/service.h"
#include "web/svc_util.h"

#define COUNTRY_MAX_CHARS 100

/* json_string() of an enum's name, or null for "none" (v < 0). */
static json_t *opt_enum_json(const struct enum_def *def, int v)
{
	return v >= 0 ? json_string(enum_name(def, v)) : json_null();
}

static json_t *contact_json(const struct db_contact *c)
{
	json_t *o = json_pack("{s:I, s:I, s:o, s:s, s:s, s:o, s:s, s:o, s:o}", "id", (json_int_t)c->id,
			      "organisation_id", (json_int_t)c->organisation_id, "date", svc_day_json(c->date),
			      "gender", enum_name(&enum_gender, (int)c->gender), "age_group",
			      enum_name(&enum_age_group, (int)c->age_group), "exploitation_forms",
			      svc_mask_json(&enum_exploitation, c->exploitation), "region",
			      enum_name(&enum_region, (int)c->region), "referral_source",
			      opt_enum_json(&enum_referral, c->referral_source), "missing_support",
			      svc_mask_json(&enum_support_need, c->missing_support));
	json_t *basis = c->basis < 0 ? json_null()
				     : json_pack("{s:s, s:o, s:o}", "kind", enum_name(&enum_basis_kind, c->basis),
						 "actor_kind", opt_enum_json(&enum_actor_kind, c->actor_kind),
						 "reason_category",
						 opt_enum_json(&enum_reason_category, c->reason_category));
	json_object_set_new(o, "basis", basis);
	return o;
}

/*
 * The identity a contact may carry for the linkage keys only: validated in
 * place (strings borrowed from the request), never copied into a record.
 */
struct contact_identity {
	json_t *obj;                /* the request's "identity" object (borrowed), or NULL */
	const char *name;
	const char *birth_country;
	const char *birth_date_text; /* YYYY-MM-DD as given, for the keys */
	day_t birth_date;
	bool present;
};

/* Reads "identity" {"name","birth_date","birth_country"} (all optional) into *id. */
static void identity_read(struct vctx *v, const json_t *in, struct contact_identity *id)
{
	static const char *const keys[] = { "name", "birth_date", "birth_country", NULL };
	json_t *obj = NULL;

	*id = (struct contact_identity){ .birth_date = DAY_NONE };
	if (v_object(v, in, "identity", V_OPTIONAL, &obj) != 1 || obj == NULL)
		return;
	id->obj = obj;
	v_push(v, "identity");
	v_known_keys(v, obj, keys);
	v_string(v, obj, "name", V_OPTIONAL | V_EMPTY_OK | V_SINGLE_LINE, 200, &id->name);
	v_string(v, obj, "birth_country", V_OPTIONAL | V_EMPTY_OK | V_SINGLE_LINE, COUNTRY_MAX_CHARS,
		 &id->birth_country);
	if (v_day(v, obj, "birth_date", V_OPTIONAL, &id->birth_date) == 1) {
		id->birth_date_text = json_string_value(json_object_get(obj, "birth_date"));
		if (id->birth_date > day_today())
			v_fail(v, "birth_date", "Födelsedatumet får inte ligga i framtiden.",
			       "The birth date must not be in the future.");
	}
	v_pop(v);
	id->present = (id->name && *id->name) || (id->birth_country && *id->birth_country) ||
		      id->birth_date != DAY_NONE;
}

/* Wipes the identity's strings in the request, which the caller owns: they
 * served the keys only (as db_linkage_set_json wipes what it decoded). */
static void identity_wipe(struct contact_identity *id)
{
	const char *k;
	json_t *val;
	if (id->obj == NULL)
		return;
	json_object_foreach(id->obj, k, val) {
		if (json_is_string(val))
			sodium_memzero((void *)json_string_value(val), json_string_length(val));
	}
}

/*
 * Whether organisation org may record contacts: a member of the platform.
 * 1 yes, 0 no (also when it does not exist: *exists false), -1 database error.
 */
static int org_is_member(struct svc *s, int64_t org, bool *exists)
{
	struct db_org o;
	int rc = db_org_get(s->db, org, &o);
	*exists = rc == DB_OK;
	if (rc == DB_NOTFOUND)
		return 0;
	if (rc != DB_OK)
		return -1;
	bool member = o.member;
	db_org_free(&o);
	return member ? 1 : 0;
}

/*
 * Checks that the actor may record contact c for its organisation (a
 * caseworker: their own; the coordinator names one) and that the
 * organisation is a member of the platform. Returns 0, or -1 with e filled.
 */
static int contact_org_allowed(struct svc *s, struct db_contact *c, struct svc_error *e)
{
	if (s->actor->role == ROLE_CASEWORKER) {
		if (c->organisation_id && c->organisation_id != s->actor->organisation_id) {
			svc_fail_field(e, SVC_NOT_FOUND, "organisation_id", "Organisationen finns inte.",
				       "The organisation does not exist.");
			return -1;
		}
		c->organisation_id = s->actor->organisation_id;
	} else if (!c->organisation_id) {
		svc_fail_field(e, SVC_INVALID, "organisation_id", "Ange vilken medlemsorganisation som hade kontakten.",
			       "Name the member organisation that had the contact.");
		return -1;
	}
	bool exists;
	int member = org_is_member(s, c->organisation_id, &exists);
	if (member < 0) {
		svc_db_fail(s, e);
		return -1;
	}
	if (!exists) {
		svc_fail_field(e, SVC_NOT_FOUND, "organisation_id", "Organisationen finns inte.",
			       "The organisation does not exist.");
		return -1;
	}
	if (member)
		return 0;
	if (s->actor->role == ROLE_CASEWORKER)
		svc_fail(e, SVC_FORBIDDEN, "Din organisation är inte medlem i plattformen och kan inte registrera kontakter.",
			 "Your organisation is not a member of the platform and cannot record contacts.");
	else
		svc_fail_field(e, SVC_INVALID, "organisation_id", "Organisationen är inte medlem i plattformen.",
			       "The organisation is not a member of the platform.");
	return -1;
}

json_t *svc_contact_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "date", "gender", "age_group", "exploitation_forms", "region",
					     "referral_source", "missing_support", "basis", "identity",
					     "organisation_id", NULL };
	static const char *const basis_keys[] = { "kind", "actor_kind", "reason_category", NULL };
	struct vctx v;
	struct db_contact c = { .date = day_today(), .referral_source = -1, .basis = -1, .actor_kind = -1,
				.reason_category = -1 };
	struct contact_identity ident;
	int gender = 0, age = 0, region = 0;
	json_t *basis = NULL, *out = NULL;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_day(&v, in, "date", V_OPTIONAL, &c.date);
	v_enum(&v, in, "gender", &enum_gender, V_REQUIRED, &gender);
	v_enum(&v, in, "age_group", &enum_age_group, V_REQUIRED, &age);
	v_enum_set(&v, in, "exploitation_forms", &enum_exploitation, V_OPTIONAL | V_EMPTY_OK, &c.exploitation);
	v_enum(&v, in, "region", &enum_region, V_REQUIRED, &region);
	v_enum(&v, in, "referral_source", &enum_referral, V_OPTIONAL, &c.referral_source);
	v_enum_set(&v, in, "missing_support", &enum_support_need, V_REQUIRED, &c.missing_support);
	if (v_object(&v, in, "basis", V_OPTIONAL, &basis) == 1 && basis) {
		v_push(&v, "basis");
		v_known_keys(&v, basis, basis_keys);
		v_enum(&v, basis, "kind", &enum_basis_kind, V_REQUIRED, &c.basis);
		v_enum(&v, basis, "actor_kind", &enum_actor_kind, V_OPTIONAL, &c.actor_kind);
		v_enum(&v, basis, "reason_category", &enum_reason_category, V_OPTIONAL, &c.reason_category);
		/* The actor and its reason say who refused: only when one did (R2's categories). */
		if (c.basis == BASIS_NO_DESIGNATED_ACTOR && (c.actor_kind >= 0 || c.reason_category >= 0))
			v_fail(&v, c.actor_kind >= 0 ? "actor_kind" : "reason_category",
			       "Ange myndighet och skäl bara när en offentlig aktör har nekat.",
			       "Give the actor and its reason only when a public actor refused.");
		v_pop(&v);
	}
	v_id(&v, in, "organisation_id", V_OPTIONAL, &c.organisation_id);
	identity_read(&v, in, &ident);
	if (!v_has_error(&v, "date") && c.date > day_today())
		v_fail(&v, "date", "Datumet får inte ligga i framtiden.", "The date must not be in the future.");
	if (v.failed) {
		svc_invalid(e, &v);
		goto out;
	}
	if (contact_org_allowed(s, &c, e) != 0)
		goto out;
	c.gender = (enum gender)gender;
	c.age_group = (enum age_group)age;
	c.region = (enum region)region;
	/* The contact and its linkage keys in one transaction; the identity
	 * itself goes no further than linkage_keys_compute(). */
	int rc = db_begin(s->db);
	if (rc == DB_OK)
		rc = db_contact_create(s->db, s->actor->user_id, &c, &c.id);
	if (rc == DB_OK && ident.present) {
		struct linkage_identity li = { ident.name, ident.birth_date_text, ident.birth_country };
		rc = db_linkage_set(s->db, (struct db_subject){ DB_SUBJECT_CONTACT, c.id }, c.organisation_id, &li);
	}
	if (rc == DB_OK)
		rc = db_commit(s->db);
	if (rc != DB_OK) {
		db_rollback(s->db);
		svc_db_fail(s, e);
		goto out;
	}
	out = contact_json(&c);
out:
	/* Whatever the answer, nothing of the identity outlives the request. */
	identity_wipe(&ident);
	return out;
}

json_t *svc_contact_get(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_contact c;
	int rc = db_contact_get(s->db, id, &c);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	if (!svc_sees_org(s, c.organisation_id))
		return svc_not_theirs(s, e);
	/* A contact holds no identity, but it is a record about a person: audited as one. */
	if (db_audit_read(s->db, s->actor->user_id, "contact.read", "contact", id, NULL) != 0)
		return svc_db_fail(s, e);
	return contact_json(&c);
}

/* An enum filter of the URL: -1 when not given; -2 with e filled when not a name of def. */
static int query_enum(const char *q, const struct enum_def *def, const char *field, struct svc_error *e)
{
	if (!q || !*q)
		return -1;
	int v = enum_parse(def, q);
	if (v < 0) {
		svc_fail_field(e, SVC_INVALID, field, "Värdet finns inte i listan.", "The value is not one of the list.");
		return -2;
	}
	return v;
}

/* A day filter of the URL into *d (DAY_NONE when not given); -1 with e filled when not a day. */
static int query_day(const char *q, const char *field, day_t *d, struct svc_error *e)
{
	*d = DAY_NONE;
	if (!q || !*q)
		return 0;
	if (day_parse(q, d) != 0) {
		svc_fail_field(e, SVC_INVALID, field, "Datumet skrivs ÅÅÅÅ-MM-DD.", "The date is written YYYY-MM-DD.");
		return -1;
	}
	return 0;
}

json_t *svc_contact_list(struct svc *s, const struct svc_contact_query *q, struct svc_error *e)
{
	struct db_contact_filter f = { .limit = 100 };
	if (svc_query_page(q->limit, q->offset, &f.limit, &f.offset, e) != 0 ||
	    query_day(q->from, "from", &f.from, e) != 0 || query_day(q->to, "to", &f.to, e) != 0 ||
	    (f.gender = query_enum(q->gender, &enum_gender, "gender", e)) == -2 ||
	    (f.age_group = query_enum(q->age_group, &enum_age_group, "age_group", e)) == -2 ||
	    (f.region = query_enum(q->region, &enum_region, "region", e)) == -2)
		return NULL;
	if (q->order && *q->order && strcmp(q->order, "newest") != 0 && strcmp(q->order, "oldest") != 0)
		return svc_fail_field(e, SVC_INVALID, "order", "Ordningen är newest eller oldest.",
				      "The order is newest or oldest.");
	f.oldest_first = q->order && strcmp(q->order, "oldest") == 0;
	if (s->actor->role == ROLE_COORDINATOR) {
		if (q->organisation_id && *q->organisation_id) {
			char *end;
			long long id = strtoll(q->organisation_id, &end, 10);
			if (*end || id <= 0)
				return svc_fail_field(e, SVC_INVALID, "organisation_id", "Ange organisationens nummer.",
						      "Give the organisation's number.");
			f.organisation_id = id;
		}
	} else {
		f.organisation_id = s->actor->organisation_id;
	}
	struct db_contact *cs;
	size_t n;
	int64_t total;
	if (db_contact_find(s->db, &f, &cs, &n, &total) != DB_OK)
		return svc_db_fail(s, e);
	char detail[64];
	snprintf(detail, sizeof detail, "%zu contacts from offset %lld", n, (long long)f.offset);
	if (db_audit_read(s->db, s->actor->user_id, "contact.list", "organisation", f.organisation_id, detail) != 0) {
		free(cs);
		return svc_db_fail(s, e);
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, contact_json(&cs[i]));
	free(cs);
	return json_pack("{s:o, s:I}", "contacts", arr, "total", (json_int_t)total);
}

json_t *svc_org_set_member(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "member", NULL };
	struct vctx v;
	int member = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_bool(&v, in, "member", V_REQUIRED, &member);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	int rc = db_org_set_member(s->db, s->actor->user_id, id, member != 0);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return svc_org_get(s, id, e);
}
