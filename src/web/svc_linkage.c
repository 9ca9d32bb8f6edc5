/*
 * Duplicate hints for the coordinator (issue 19): pairs of records that may
 * be one person, across organisations and within one, with their similarity
 * and which fields agree, never an identity; and the coordinator's word on a
 * pair ("same person" / "not the same"). Coordinator only: a caseworker or
 * the funder learns nothing of it (routes.c answers 403 before this runs,
 * and these functions refuse again).
 */
#include <stdlib.h>
#include <string.h>

#include "domain/linkage.h"
#include "store/store.h"
#include "web/svc_util.h"

/* At most this many pairs in the list (the highest similarity first). */
#define PAIRS_MAX 500

static const char *const field_names[LINK__FIELDS] = {
	[LINK_NAME] = "name", [LINK_BIRTH_DATE] = "birth_date", [LINK_BIRTH_COUNTRY] = "birth_country"
};

static json_t *forbidden(struct svc_error *e)
{
	return svc_fail(e, SVC_FORBIDDEN, "bara samordnaren ser dubbletter",
			"only the coordinator sees duplicates");
}

/* Similarity to two decimals, so that the list says no more than it needs. */
static json_t *similarity_json(double d)
{
	return json_real((double)(int)(d * 100 + 0.5) / 100);
}

/* A subject as the list shows it: kind, id, the person's case code, the organisation. */
static json_t *subject_json(struct svc *s, const struct db_linkage_rec *r, const struct db_org *orgs, size_t n_orgs)
{
	json_t *o = json_pack("{s:s, s:I, s:I}", "kind", db_subject_kind_name(r->subj.kind), "id",
			      (json_int_t)r->subj.id, "organisation_id", (json_int_t)r->organisation_id);
	const char *org_name = NULL;
	for (size_t i = 0; i < n_orgs; i++)
		if (orgs[i].id == r->organisation_id)
			org_name = orgs[i].name;
	json_object_set_new(o, "organisation", org_name ? json_string(org_name) : json_null());
	if (r->subj.kind == DB_SUBJECT_PERSON) {
		struct db_person p;
		if (db_person_get(s->db, r->subj.id, false, &p) == DB_OK) {
			json_object_set_new(o, "code", json_string(p.code));
			db_person_free(&p);
		}
	}
	return o;
}

/* One pair's JSON: the subjects, similarity, fields, the mark if any. */
static json_t *pair_json(struct svc *s, const struct db_linkage_rec *a, const struct db_linkage_rec *b,
			 const struct linkage_compare *c, const struct db_linkage_mark *mark, const struct db_org *orgs,
			 size_t n_orgs)
{
	json_t *fields = json_object();
	for (int f = 0; f < LINK__FIELDS; f++) {
		json_t *v = json_null();
		if (c->both & (1u << f))
			v = json_pack("{s:o, s:b}", "similarity", similarity_json(c->dice[f]), "agrees",
				      (c->agree & (1u << f)) != 0);
		json_object_set_new(fields, field_names[f], v);
	}
	json_t *o = json_pack("{s:o, s:o, s:o, s:b, s:b, s:o}", "a", subject_json(s, a, orgs, n_orgs), "b",
			      subject_json(s, b, orgs, n_orgs), "similarity", similarity_json(c->score), "exact", c->exact,
			      "across_organisations", a->organisation_id != b->organisation_id, "fields", fields);
	json_object_set_new(o, "mark", mark ? json_string(mark->same ? "same" : "not_same") : json_null());
	return o;
}

/* The index of subj in recs (ordered as db_linkage_all), or n. */
static size_t rec_index(const struct db_linkage_rec *recs, size_t n, struct db_subject subj)
{
	for (size_t i = 0; i < n; i++)
		if (recs[i].subj.kind == subj.kind && recs[i].subj.id == subj.id)
			return i;
	return n;
}

/* A listed pair: indexes, comparison, mark. */
struct listed {
	size_t a, b;
	struct linkage_compare cmp;
	const struct db_linkage_mark *mark;
};

/* Unmarked pairs first, then by similarity, highest first. */
static int listed_cmp(const void *x, const void *y)
{
	const struct listed *p = x, *q = y;
	if ((p->mark != NULL) != (q->mark != NULL))
		return p->mark != NULL ? 1 : -1;
	if (p->cmp.score != q->cmp.score)
		return p->cmp.score > q->cmp.score ? -1 : 1;
	return p->a != q->a ? (p->a < q->a ? -1 : 1) : (p->b < q->b ? -1 : p->b > q->b);
}

json_t *svc_duplicates_list(struct svc *s, struct svc_error *e)
{
	struct db_linkage_rec *recs = NULL;
	struct db_linkage_mark *marks = NULL;
	struct linkage_keys *keys = NULL;
	struct linkage_pair *pairs = NULL;
	struct listed *list = NULL;
	struct db_org *orgs = NULL;
	size_t n_recs = 0, n_marks = 0, n_pairs = 0, n_list = 0, n_orgs = 0;
	json_t *out = NULL;

	if (s->actor->role != ROLE_COORDINATOR)
		return forbidden(e);
	if (db_linkage_all(s->db, &recs, &n_recs) != DB_OK || db_linkage_marks(s->db, &marks, &n_marks) != DB_OK ||
	    db_org_list(s->db, &orgs, &n_orgs) != DB_OK) {
		svc_db_fail(s, e);
		goto out;
	}
	keys = malloc((n_recs ? n_recs : 1) * sizeof *keys);
	if (keys == NULL) {
		svc_fail(e, SVC_INTERNAL, "minnet räckte inte", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_recs; i++)
		keys[i] = recs[i].keys;
	if (linkage_pairs(keys, n_recs, LINKAGE_THRESHOLD, &pairs, &n_pairs) != 0 ||
	    (list = malloc((n_pairs + n_marks + 1) * sizeof *list)) == NULL) {
		svc_fail(e, SVC_INTERNAL, "minnet räckte inte", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_pairs; i++)
		list[n_list++] = (struct listed){ pairs[i].a, pairs[i].b, pairs[i].cmp, NULL };
	/* Every marked pair is listed with its mark, a hint or not (any more). */
	for (size_t m = 0; m < n_marks; m++) {
		size_t a = rec_index(recs, n_recs, marks[m].a), b = rec_index(recs, n_recs, marks[m].b), i;
		if (a == n_recs || b == n_recs)
			continue;
		if (a > b) {
			size_t t = a;
			a = b;
			b = t;
		}
		for (i = 0; i < n_list && !(list[i].a == a && list[i].b == b); i++)
			;
		if (i == n_list) {
			list[n_list] = (struct listed){ .a = a, .b = b };
			linkage_compare(&keys[a], &keys[b], &list[n_list++].cmp);
		}
		list[i].mark = &marks[m];
	}
	qsort(list, n_list, sizeof *list, listed_cmp);
	json_t *arr = json_array();
	for (size_t i = 0; i < n_list && i < PAIRS_MAX; i++)
		json_array_append_new(arr, pair_json(s, &recs[list[i].a], &recs[list[i].b], &list[i].cmp, list[i].mark,
						     orgs, n_orgs));
	/* No identity is read, but which records may be one person is itself sensitive. */
	if (db_audit_read(s->db, s->actor->user_id, "linkage.list", "linkage", 0, NULL) != 0) {
		json_decref(arr);
		svc_db_fail(s, e);
		goto out;
	}
	out = json_pack("{s:o, s:f, s:I}", "pairs", arr, "threshold", LINKAGE_THRESHOLD, "total", (json_int_t)n_list);
out:
	free(recs);
	free(marks);
	free(keys);
	free(pairs);
	free(list);
	db_org_list_free(orgs, n_orgs);
	return out;
}

json_t *svc_duplicates_mark(struct svc *s, int64_t a_id, int64_t b_id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "same", "a_kind", "b_kind", NULL };
	struct vctx v;
	int same = 0;
	const char *a_kind = NULL, *b_kind = NULL;

	if (s->actor->role != ROLE_COORDINATOR)
		return forbidden(e);
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_bool(&v, in, "same", V_REQUIRED, &same);
	v_string(&v, in, "a_kind", V_OPTIONAL, 16, &a_kind);
	v_string(&v, in, "b_kind", V_OPTIONAL, 16, &b_kind);
	if (a_kind && db_subject_kind_parse(a_kind) < 0)
		v_fail(&v, "a_kind", "ange sorten som \"person\" eller \"contact\"", "give the kind as \"person\" or \"contact\"");
	if (b_kind && db_subject_kind_parse(b_kind) < 0)
		v_fail(&v, "b_kind", "ange sorten som \"person\" eller \"contact\"", "give the kind as \"person\" or \"contact\"");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	struct db_subject a = { a_kind ? (enum db_subject_kind)db_subject_kind_parse(a_kind) : DB_SUBJECT_PERSON, a_id };
	struct db_subject b = { b_kind ? (enum db_subject_kind)db_subject_kind_parse(b_kind) : DB_SUBJECT_PERSON, b_id };
	int rc = db_linkage_mark(s->db, s->actor->user_id, a, b, same != 0);
	if (rc == DB_NOTFOUND)
		return svc_fail(e, SVC_NOT_FOUND, "paret finns inte bland dubblettkandidaterna (en av dem saknar identitetsuppgifter)",
				"the pair is not among the duplicate candidates (one of them has no identity data)");
	if (rc == DB_CONFLICT)
		return svc_fail(e, SVC_CONFLICT, "en post kan inte markeras mot sig själv",
				"a record cannot be marked against itself");
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return json_pack("{s:{s:s, s:I}, s:{s:s, s:I}, s:s}", "a", "kind", db_subject_kind_name(a.kind), "id",
			 (json_int_t)a.id, "b", "kind", db_subject_kind_name(b.kind), "id", (json_int_t)b.id, "mark",
			 same ? "same" : "not_same");
}
