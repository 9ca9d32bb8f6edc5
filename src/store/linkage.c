/*
 * Linkage keys and the coordinator's marks on pairs (migration 12, issue 19):
 * the store's side of src/domain/linkage.h. Keys are computed here, under the
 * linkage subkey, from an identity that is never kept.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static const char *const kind_names[] = { [DB_SUBJECT_PERSON] = "person", [DB_SUBJECT_CONTACT] = "contact" };

const char *db_subject_kind_name(enum db_subject_kind k)
{
	return k == DB_SUBJECT_CONTACT ? kind_names[DB_SUBJECT_CONTACT] : kind_names[DB_SUBJECT_PERSON];
}

int db_subject_kind_parse(const char *s)
{
	for (int k = 0; k < 2; k++)
		if (s != NULL && strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

/* Subjects in one order: persons first, then by id. */
static int subject_cmp(struct db_subject a, struct db_subject b)
{
	if (a.kind != b.kind)
		return a.kind < b.kind ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id;
}

static int bind_subject(sqlite3_stmt *st, int i, struct db_subject s)
{
	return bind_text(st, i, db_subject_kind_name(s.kind)) | bind_i64(st, i + 1, s.id);
}

static int remove_keys(struct db *db, struct db_subject subj)
{
	sqlite3_stmt *st = db_stmt(db, ST_LINK_DELETE);
	if (st == NULL)
		return DB_ERROR;
	if (bind_subject(st, 1, subj))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, "removing linkage keys");
}

/* Stores computed keys; the caller has an op open or none is needed (one statement). */
static int store_keys(struct db *db, struct db_subject subj, int64_t organisation_id, const struct linkage_keys *k)
{
	unsigned char blocks[LINKAGE_BLOCKS_MAX * 8], bloom[LINKAGE_BLOOM_BYTES];
	sqlite3_stmt *st = db_stmt(db, ST_LINK_UPSERT);

	if (st == NULL)
		return DB_ERROR;
	for (size_t i = 0; i < k->n_blocks; i++)
		for (size_t b = 0; b < 8; b++)
			blocks[8 * i + b] = (unsigned char)(k->blocks[i] >> (56 - 8 * b));
	for (size_t w = 0; w < LINKAGE_BLOOM_WORDS; w++)
		for (size_t b = 0; b < 8; b++)
			bloom[8 * w + b] = (unsigned char)(k->bloom[w] >> (56 - 8 * b));
	if (bind_subject(st, 1, subj) | bind_i64(st, 3, organisation_id) | bind_i64(st, 4, k->fields) |
	    (k->has_exact ? bind_blob(st, 5, k->exact, LINKAGE_EXACT_BYTES) : bind_blob(st, 5, NULL, 0)) |
	    bind_blob(st, 6, bloom, sizeof bloom) | bind_blob(st, 7, blocks, 8 * k->n_blocks) |
	    bind_i64(st, 8, db_now()))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, "storing linkage keys");
}

int db_linkage_set(struct db *db, struct db_subject subj, int64_t organisation_id,
		   const struct linkage_identity *ident)
{
	struct linkage_keys k;
	int rc;

	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if (ident == NULL || linkage_keys_compute(db->linkage_key, ident, &k) != 0)
		rc = remove_keys(db, subj);
	else
		rc = store_keys(db, subj, organisation_id, &k);
	sodium_memzero(&k, sizeof k);
	return rc;
}

int db_linkage_set_json(struct db *db, struct db_subject subj, int64_t organisation_id, const char *identity_json)
{
	if (identity_json == NULL)
		return remove_keys(db, subj);
	json_t *o = json_loads(identity_json, 0, NULL);
	if (o == NULL)
		return db_fail(db, "the identity data is not JSON");
	struct linkage_identity id = {
		.name = json_string_value(json_object_get(o, "name")),
		.birth_date = json_string_value(json_object_get(o, "birth_date")),
		.birth_country = json_string_value(json_object_get(o, "birth_country")),
	};
	int rc = db_linkage_set(db, subj, organisation_id, &id);
	/* Wipe the decoded strings before jansson frees them. */
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		if (json_is_string(v))
			sodium_memzero((void *)json_string_value(v), json_string_length(v));
	}
	json_decref(o);
	return rc;
}

/* Reads a ST_LINK_ALL / ST_LINK_GET row into *row (a struct db_linkage_rec). */
static int rec_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_linkage_rec *r = row;
	const unsigned char *bloom = sqlite3_column_blob(st, 5), *blocks = sqlite3_column_blob(st, 6);
	int n_bloom = sqlite3_column_bytes(st, 5), n_blocks = sqlite3_column_bytes(st, 6);
	const unsigned char *exact = sqlite3_column_blob(st, 4);
	int n_exact = sqlite3_column_bytes(st, 4);
	int kind = db_subject_kind_parse((const char *)sqlite3_column_text(st, 0));

	memset(r, 0, sizeof *r);
	if (kind < 0 || n_bloom != LINKAGE_BLOOM_BYTES || n_blocks % 8 != 0 || n_blocks / 8 > LINKAGE_BLOCKS_MAX ||
	    (exact != NULL && n_exact != LINKAGE_EXACT_BYTES))
		return db_fail(db, "the linkage keys of %s %lld are damaged", sqlite3_column_text(st, 0),
			       (long long)col_i64(st, 1));
	r->subj = (struct db_subject){ (enum db_subject_kind)kind, col_i64(st, 1) };
	r->organisation_id = col_i64(st, 2);
	r->keys.fields = (unsigned)col_i64(st, 3);
	if (exact != NULL) {
		r->keys.has_exact = true;
		memcpy(r->keys.exact, exact, LINKAGE_EXACT_BYTES);
	}
	for (size_t w = 0; w < LINKAGE_BLOOM_WORDS; w++)
		for (size_t b = 0; b < 8; b++)
			r->keys.bloom[w] = r->keys.bloom[w] << 8 | bloom[8 * w + b];
	r->keys.n_blocks = (size_t)n_blocks / 8;
	for (size_t i = 0; i < r->keys.n_blocks; i++)
		for (size_t b = 0; b < 8; b++)
			r->keys.blocks[i] = r->keys.blocks[i] << 8 | blocks[8 * i + b];
	return DB_OK;
}

int db_linkage_all(struct db *db, struct db_linkage_rec **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_LINK_ALL);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return stmt_collect(db, st, "reading the linkage keys", sizeof **out, rec_read, NULL, out, n);
}

int db_linkage_get(struct db *db, struct db_subject subj, struct db_linkage_rec *out)
{
	sqlite3_stmt *st = db_stmt(db, ST_LINK_GET);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_subject(st, 1, subj))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "reading linkage keys")) != DB_OK)
		return rc;
	rc = rec_read(db, st, out);
	stmt_done(st);
	return rc;
}

/* Reads a ST_LINK_MARKS row into *row (a struct db_linkage_mark). */
static int mark_read(struct db *db, sqlite3_stmt *st, void *row)
{
	int ak = db_subject_kind_parse((const char *)sqlite3_column_text(st, 0));
	int bk = db_subject_kind_parse((const char *)sqlite3_column_text(st, 2));

	if (ak < 0 || bk < 0)
		return db_fail(db, "a mark on a pair names an unknown kind of record");
	*(struct db_linkage_mark *)row = (struct db_linkage_mark){
		.a = { (enum db_subject_kind)ak, col_i64(st, 1) },
		.b = { (enum db_subject_kind)bk, col_i64(st, 3) },
		.same = col_i64(st, 4) != 0,
		.marked_by = col_i64(st, 5),
		.marked_at = col_i64(st, 6),
	};
	return DB_OK;
}

int db_linkage_marks(struct db *db, struct db_linkage_mark **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_LINK_MARKS);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return stmt_collect(db, st, "reading the marks on pairs", sizeof **out, mark_read, NULL, out, n);
}

int db_linkage_mark(struct db *db, int64_t actor, struct db_subject a, struct db_subject b, bool same)
{
	struct db_op op;
	struct db_linkage_rec r;
	char detail[96];
	int rc;

	if (subject_cmp(a, b) == 0) {
		db_fail(db, "a record cannot be marked against itself");
		return DB_CONFLICT;
	}
	if (subject_cmp(a, b) > 0) {
		struct db_subject t = a;
		a = b;
		b = t;
	}
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = db_linkage_get(db, a, &r)) == DB_OK && (rc = db_linkage_get(db, b, &r)) == DB_OK) {
		sqlite3_stmt *st = db_stmt(db, ST_LINK_MARK_UPSERT);
		if (st == NULL)
			rc = DB_ERROR;
		else if (bind_subject(st, 1, a) | bind_subject(st, 3, b) | bind_i64(st, 5, same) |
			 bind_i64(st, 6, actor) | bind_i64(st, 7, db_now()))
			rc = db_fail_bind(db, st);
		else
			rc = stmt_exec(db, st, "marking a pair");
	}
	if (rc == DB_OK) {
		snprintf(detail, sizeof detail, "%s:%lld %s:%lld %s", db_subject_kind_name(a.kind), (long long)a.id,
			 db_subject_kind_name(b.kind), (long long)b.id, same ? "same" : "not_same");
		rc = audit_append(db, actor, "linkage.mark", db_subject_kind_name(a.kind), a.id, detail);
	}
	return op_end(db, &op, rc);
}

/* The index of s in recs[0..n) (sorted by subject_cmp), or n. */
static size_t find_rec(const struct db_linkage_rec *recs, size_t n, struct db_subject s)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = subject_cmp(recs[mid].subj, s);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

static int rec_cmp(const void *x, const void *y)
{
	return subject_cmp(((const struct db_linkage_rec *)x)->subj, ((const struct db_linkage_rec *)y)->subj);
}

/* Reads a ST_LINK_EXACT_SHARED row (kind, id, exact key) into *row (a struct db_linkage_rec). */
static int shared_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_linkage_rec *r = row;
	int kind = db_subject_kind_parse((const char *)sqlite3_column_text(st, 0));

	memset(r, 0, sizeof *r);
	if (kind < 0 || sqlite3_column_bytes(st, 2) != LINKAGE_EXACT_BYTES)
		return db_fail(db, "the linkage keys of %s %lld are damaged", sqlite3_column_text(st, 0),
			       (long long)col_i64(st, 1));
	r->subj = (struct db_subject){ (enum db_subject_kind)kind, col_i64(st, 1) };
	r->keys.has_exact = true;
	memcpy(r->keys.exact, sqlite3_column_blob(st, 2), LINKAGE_EXACT_BYTES);
	return DB_OK;
}

static int subject_order(const void *x, const void *y)
{
	return subject_cmp(*(const struct db_subject *)x, *(const struct db_subject *)y);
}

int db_linkage_distinct(struct db *db, const struct db_subject *set, size_t n, int64_t *distinct)
{
	struct db_linkage_rec *recs = NULL;
	struct db_linkage_mark *marks = NULL;
	struct linkage_mark *lm = NULL;
	struct linkage_keys *keys = NULL;
	struct db_subject *members = NULL;
	size_t *group = NULL;
	bool *in_set = NULL;
	size_t n_recs = 0, n_marks = 0, n_lm = 0, count = 0;
	int rc;

	*distinct = 0;
	/* Only records that share an exact key or carry a mark can be one person
	 * with another; every other record of the set is a person of its own. */
	sqlite3_stmt *st = db_stmt(db, ST_LINK_EXACT_SHARED);
	if (st == NULL)
		return DB_ERROR;
	if ((rc = stmt_collect(db, st, "reading the shared linkage keys", sizeof *recs, shared_read, NULL, &recs,
			       &n_recs)) != DB_OK)
		return rc;
	if ((rc = db_linkage_marks(db, &marks, &n_marks)) != DB_OK)
		goto out;
	struct db_linkage_rec *grown = realloc(recs, (n_recs + 2 * n_marks + 1) * sizeof *recs);
	if (grown == NULL) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	recs = grown;
	for (size_t i = 0; i < n_marks; i++) {
		memset(&recs[n_recs], 0, 2 * sizeof *recs);
		recs[n_recs++].subj = marks[i].a;
		recs[n_recs++].subj = marks[i].b;
	}
	/* One record per subject: a marked subject may share a key too (its key is kept). */
	qsort(recs, n_recs, sizeof *recs, rec_cmp);
	size_t w = 0;
	for (size_t i = 0; i < n_recs; i++) {
		if (w > 0 && subject_cmp(recs[w - 1].subj, recs[i].subj) == 0) {
			if (recs[i].keys.has_exact)
				recs[w - 1] = recs[i];
			continue;
		}
		recs[w++] = recs[i];
	}
	n_recs = w;
	lm = malloc((n_marks ? n_marks : 1) * sizeof *lm);
	group = malloc((n_recs ? n_recs : 1) * sizeof *group);
	in_set = calloc(n_recs ? n_recs : 1, sizeof *in_set);
	keys = malloc((n_recs ? n_recs : 1) * sizeof *keys);
	members = malloc((n ? n : 1) * sizeof *members);
	if (lm == NULL || group == NULL || in_set == NULL || keys == NULL || members == NULL) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_marks; i++)
		lm[n_lm++] = (struct linkage_mark){ find_rec(recs, n_recs, marks[i].a), find_rec(recs, n_recs, marks[i].b),
						    marks[i].same };
	for (size_t i = 0; i < n_recs; i++)
		keys[i] = recs[i].keys;
	if (linkage_groups(keys, n_recs, lm, n_lm, group) != 0) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	/* The set, each subject once: linked ones by their group, the others one each. */
	if (n > 0)
		memcpy(members, set, n * sizeof *members);
	qsort(members, n, sizeof *members, subject_order);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && subject_cmp(members[i - 1], members[i]) == 0)
			continue;
		size_t at = find_rec(recs, n_recs, members[i]);
		if (at == n_recs)
			count++;
		else
			in_set[at] = true;
	}
	size_t linked;
	if (linkage_distinct(group, in_set, n_recs, &linked) != 0) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	*distinct = (int64_t)(count + linked);
out:
	free(recs);
	free(marks);
	free(lm);
	free(keys);
	free(members);
	free(group);
	free(in_set);
	return rc;
}

int db_linkage_same_persons(struct db *db, int64_t person_id, int64_t **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_LINK_SAME_PERSONS);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, person_id))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "reading the linked persons", sizeof **out, row_i64, NULL, out, n);
}

/* A person who needs keys: id and organisation. */
struct missing {
	int64_t id, organisation_id;
};
static int missing_read(struct db *db, sqlite3_stmt *st, void *row)
{
	(void)db;
	*(struct missing *)row = (struct missing){ col_i64(st, 0), col_i64(st, 1) };
	return DB_OK;
}

int db_linkage_backfill(struct db *db, int64_t *done)
{
	struct missing *m = NULL;
	size_t n = 0;
	struct db_op op;
	int rc;

	if (done != NULL)
		*done = 0;
	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	sqlite3_stmt *st = db_stmt(db, ST_LINK_PERSONS_MISSING);
	if (st == NULL)
		return DB_ERROR;
	if ((rc = stmt_collect(db, st, "finding persons without linkage keys", sizeof *m, missing_read, NULL, &m,
			       &n)) != DB_OK || n == 0)
		return rc;
	if ((rc = op_begin(db, &op)) != DB_OK) {
		free(m);
		return rc;
	}
	for (size_t i = 0; i < n && rc == DB_OK; i++) {
		struct db_person p;
		if ((rc = db_person_get(db, m[i].id, true, &p)) != DB_OK)
			break;
		if (p.identity != NULL)
			rc = db_linkage_set_json(db, (struct db_subject){ DB_SUBJECT_PERSON, p.id }, p.organisation_id,
						 p.identity);
		db_person_free(&p);
	}
	rc = op_end(db, &op, rc);
	if (rc == DB_OK && done != NULL)
		*done = (int64_t)n;
	free(m);
	return rc;
}
