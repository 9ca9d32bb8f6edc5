/*
 * Persons: pseudonymous records with a case code, statistical attributes
 * and optional identity data sealed with XChaCha20-Poly1305. The identity
 * plaintext exists only in the caller's buffer and, after db_person_get(),
 * in a buffer the caller wipes with db_person_free(); it is never logged.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

/* The associated data of a sealed identity: the person id, 8 bytes little
 * endian. A blob copied to another row then fails to open. */
static void identity_ad(int64_t id, unsigned char ad[8])
{
	for (int i = 0; i < 8; i++)
		ad[i] = (unsigned char)((uint64_t)id >> (8 * i));
}

/* Seals json for person id into *blob = nonce || ciphertext (malloc'd, the
 * caller frees it); -1 when out of memory. */
static int identity_seal(struct db *db, int64_t id, const char *json, unsigned char **blob, size_t *len)
{
	size_t mlen = strlen(json);
	unsigned char ad[8];
	unsigned long long clen;
	unsigned char *b;

	*blob = NULL;
	if (mlen > SIZE_MAX - NONCE_BYTES - TAG_BYTES || (b = malloc(NONCE_BYTES + mlen + TAG_BYTES)) == NULL)
		return db_fail(db, "out of memory");
	randombytes_buf(b, NONCE_BYTES);
	identity_ad(id, ad);
	crypto_aead_xchacha20poly1305_ietf_encrypt(b + NONCE_BYTES, &clen, (const unsigned char *)json, mlen,
						   ad, sizeof ad, NULL, b, db->identity_key);
	*blob = b;
	*len = NONCE_BYTES + (size_t)clen;
	return DB_OK;
}

/* Opens a sealed identity of person id into *json (malloc'd, NUL-terminated;
 * the caller wipes and frees it). -1 when it does not open. */
static int identity_open(struct db *db, int64_t id, const unsigned char *blob, size_t len, char **json)
{
	unsigned long long mlen;
	unsigned char ad[8];
	unsigned char *m;

	*json = NULL;
	if (len < NONCE_BYTES + TAG_BYTES)
		return db_fail(db, "the identity data of person %lld is damaged", (long long)id);
	if ((m = malloc(len - NONCE_BYTES - TAG_BYTES + 1)) == NULL)
		return db_fail(db, "out of memory");
	identity_ad(id, ad);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, blob + NONCE_BYTES, len - NONCE_BYTES,
						       ad, sizeof ad, blob, db->identity_key) != 0) {
		free(m);
		return db_fail(db, "the identity data of person %lld does not open (altered, moved or another key)",
			       (long long)id);
	}
	/* Sealed from a C string, so a NUL inside means a foreign blob; it
	 * also lets db_person_free() find the whole plaintext with strlen(). */
	if (memchr(m, '\0', mlen) != NULL) {
		sodium_memzero(m, mlen);
		free(m);
		return db_fail(db, "the identity data of person %lld is damaged", (long long)id);
	}
	m[mlen] = '\0';
	*json = (char *)m;
	return DB_OK;
}

/* Seals json (NULL: removes the identity) into person id's row of
 * organisation org and computes its linkage keys (removes them with the
 * identity: a correction, not R12). DB_CONFLICT when the identity was erased
 * (R12). The caller has an op open. */
static int identity_store(struct db *db, int64_t id, int64_t org, const char *json)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	sqlite3_stmt *st;
	int rc;

	if (json != NULL && (rc = identity_seal(db, id, json, &blob, &len)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_PERSON_SET_IDENTITY)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, id) | (blob != NULL ? bind_blob(st, 2, blob, len) : sqlite3_bind_null(st, 2))) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "storing the identity")) == DB_OK && sqlite3_changes(db->conn) == 0) {
		db_fail(db, "the identity of person %lld was erased and cannot be set again", (long long)id);
		rc = DB_CONFLICT;
	}
	if (rc == DB_OK)
		rc = db_linkage_set_json(db, (struct db_subject){ DB_SUBJECT_PERSON, id }, org, json);
out:
	free(blob);
	return rc;
}

/*
 * A fresh code of year, NSP-YYYY-NNNNNNNN with eight random digits (issue 16:
 * a sequence across organisations let a caseworker count the others'
 * registrations from the codes of their own). Unique by the table's
 * constraint: the caller retries on DB_CONFLICT.
 */
static int random_code(struct db *db, int year, char code[DB_CODE_MAX])
{
	int n;

	if (year < DAY_MIN_YEAR || year > DAY_MAX_YEAR)
		return db_fail(db, "invalid code year %d", year);
	n = snprintf(code, DB_CODE_MAX, "NSP-%04d-%08u", year, 10000000u + randombytes_uniform(90000000u));
	if (n < 0 || n >= DB_CODE_MAX)
		return db_fail(db, "the person code does not fit");
	return DB_OK;
}

#define CODE_TRIES 8

int db_person_create(struct db *db, int64_t actor, const struct db_person_new *p, int64_t *out_id,
		     char code_out[DB_CODE_MAX])
{
	char code[DB_CODE_MAX];
	int year = p->code_year != 0 ? p->code_year : day_year(day_today());
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if (p->identity_json != NULL && db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if ((unsigned)p->gender >= GENDER__COUNT || (unsigned)p->age_group >= AGE__COUNT)
		return db_fail(db, "invalid gender or age group");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	/* A code or an id taken already (one chance in millions): draw both
	 * again. They are the only unique columns a conflict can come from. */
	for (int tries = 0;; tries++) {
		id = db_new_id();
		if ((rc = random_code(db, year, code)) != DB_OK)
			goto out;
		if ((st = db_stmt(db, ST_PERSON_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_text(st, 1, code) | bind_i64(st, 2, p->organisation_id) |
		    bind_enum(st, 3, &enum_gender, (int)p->gender) |
		    bind_enum(st, 4, &enum_age_group, (int)p->age_group) |
		    bind_id(st, 5, p->birth_year) /* 0 = unknown: NULL */ | bind_i64(st, 6, p->exploitation) |
		    bind_i64(st, 7, p->places) | bind_i64(st, 8, p->violence) |
		    bind_enum(st, 9, &enum_referral, p->referral_source) |
		    bind_enum(st, 10, &enum_legal_status, p->legal_status) | bind_i64(st, 11, p->sweden_responsible) |
		    bind_id(st, 12, p->parent_id) | bind_enum(st, 13, &enum_child_role, (int)p->child_role) |
		    bind_i64(st, 14, db_now()) | bind_i64(st, 15, id)) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		rc = stmt_exec(db, st, "registering the person");
		if (rc != DB_CONFLICT || tries + 1 >= CODE_TRIES)
			break;
	}
	if (rc != DB_OK)
		goto out;
	/* The id is the associated data, so the identity is sealed after the insert. */
	if (p->identity_json != NULL && (rc = identity_store(db, id, p->organisation_id, p->identity_json)) != DB_OK)
		goto out;
	if ((rc = audit_append(db, actor, "person.create", "person", id, NULL)) != DB_OK)
		goto out;
	*out_id = id;
	if (code_out != NULL)
		memcpy(code_out, code, sizeof code);
out:
	return op_end(db, &op, rc);
}

/* Reads PERSON_COLS of the current row into *row, a struct db_person
 * (identity left NULL, so it owns nothing). */
static int person_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_person *p = row;
	int gender = col_enum(st, 3, &enum_gender);
	int age = col_enum(st, 4, &enum_age_group);
	int referral = col_enum(st, 9, &enum_referral);
	int legal = col_enum(st, 10, &enum_legal_status);
	int role = col_enum(st, 13, &enum_child_role);
	int dest = col_enum(st, 16, &enum_exit_destination);

	memset(p, 0, sizeof *p);
	p->id = col_i64(st, 0);
	if (gender < 0 || age < 0 || referral == -2 || legal == -2 || role == -2 || dest == -2 ||
	    col_copy(st, 1, p->code, sizeof p->code) != 0)
		return db_fail(db, "person %lld has an invalid field", (long long)p->id);
	p->organisation_id = col_i64(st, 2);
	p->gender = (enum gender)gender;
	p->age_group = (enum age_group)age;
	p->birth_year = (int)col_i64(st, 5);
	p->exploitation = (uint32_t)col_i64(st, 6);
	p->places = (uint32_t)col_i64(st, 7);
	p->violence = (uint32_t)col_i64(st, 8);
	p->referral_source = referral;
	p->legal_status = legal;
	p->sweden_responsible = col_i64(st, 11) != 0;
	p->parent_id = col_i64(st, 12);
	p->child_role = role >= 0 ? (enum child_role)role : CHILD_ROLE_NONE;
	p->has_identity = col_i64(st, 14) != 0;
	p->exit_on = col_day(st, 15);
	p->exit_destination = dest;
	p->identity_erased_on = col_day(st, 17);
	p->created_at = col_i64(st, 18);
	return DB_OK;
}

/* Decrypts person id's identity into *json (NULL when none). */
static int identity_load(struct db *db, int64_t id, char **json)
{
	sqlite3_stmt *st;
	int rc;

	*json = NULL;
	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if ((rc = stmt_row_of(db, ST_PERSON_IDENTITY, id, "reading the identity", &st)) != DB_OK)
		return rc;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		rc = identity_open(db, id, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), json);
	stmt_done(st);
	return rc;
}

int db_person_get(struct db *db, int64_t id, bool with_identity, struct db_person *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt_row_of(db, ST_PERSON_GET, id, "reading the person", &st)) != DB_OK)
		return rc;
	rc = person_read(db, st, out);
	stmt_done(st);
	if (rc == DB_OK && with_identity && out->has_identity)
		rc = identity_load(db, id, &out->identity);
	return rc;
}

/* The plaintext holds no NUL (identity_open), so strlen() covers all of it. */
void db_person_free(struct db_person *p)
{
	if (p == NULL || p->identity == NULL)
		return;
	sodium_memzero(p->identity, strlen(p->identity));
	free(p->identity);
	p->identity = NULL;
}

/* Collects every row of a PERSON_COLS statement (bound by the caller); free(*out). */
static int person_collect(struct db *db, sqlite3_stmt *st, struct db_person **out, size_t *n)
{
	return stmt_collect(db, st, "listing persons", sizeof **out, person_read, NULL, out, n);
}

int db_person_list(struct db *db, int64_t organisation_id, int64_t limit, int64_t offset,
		   struct db_person **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, organisation_id != 0 ? ST_PERSON_LIST_ORG : ST_PERSON_LIST_ALL);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	/* LIMIT -1: no limit. */
	if (bind_i64(st, 1, limit > 0 ? limit : -1) | bind_i64(st, 2, offset > 0 ? offset : 0) |
	    (organisation_id != 0 ? bind_i64(st, 3, organisation_id) : 0))
		return db_fail_bind(db, st);
	return person_collect(db, st, out, n);
}

/* Binds the filter of PERSON_FILTER (?3..?6) and the page (?1, ?2). */
static int bind_person_filter(sqlite3_stmt *st, const struct db_person_filter *f)
{
	return bind_i64(st, 1, f->limit > 0 ? f->limit : -1) | bind_i64(st, 2, f->offset > 0 ? f->offset : 0) |
	       bind_i64(st, 3, f->organisation_id) | bind_text(st, 4, f->code && *f->code ? f->code : NULL) |
	       bind_enum(st, 5, &enum_age_group, f->age_group) | bind_i64(st, 6, f->in_programme);
}

int db_person_find(struct db *db, const struct db_person_filter *f, struct db_person **out, size_t *n,
		   int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, ST_PERSON_FIND_COUNT);
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_person_filter(st, f))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "counting persons")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*total = col_i64(st, 0);
	stmt_done(st);
	st = db_stmt(db, f->newest_first ? ST_PERSON_FIND_NEWEST : ST_PERSON_FIND);
	if (st == NULL)
		return DB_ERROR;
	if (bind_person_filter(st, f))
		return db_fail_bind(db, st);
	return person_collect(db, st, out, n);
}

int db_person_running_period(struct db *db, int64_t person_id, day_t on, struct db_running_period *out)
{
	sqlite3_stmt *st = db_stmt(db, ST_PERSON_PERIODS);
	bool found = false;
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, person_id) | bind_day(st, 2, on) | bind_enum(st, 3, &enum_outcome, OUTCOME_GRANTED) |
	    bind_enum(st, 4, &enum_outcome, OUTCOME_PARTLY_GRANTED))
		return db_fail_bind(db, st);
	/* Rows by start: the first covering `on` opens the chain, each one that
	 * starts by the day after its end lengthens it. */
	while ((rc = stmt_row(db, st, "reading the running period")) == DB_OK) {
		day_t from = col_day(st, 1), to = col_day(st, 2);
		if (!found) {
			if (from <= on && to >= on) {
				found = true;
				out->type = col_enum(st, 0, &enum_app_type);
				out->from = from;
				out->to = to;
				out->through_parent = col_i64(st, 3) != 0;
			}
		} else if (from <= out->to + 1 && to > out->to) {
			out->to = to;
		}
	}
	if (rc != DB_NOTFOUND)
		return rc;
	return found ? DB_OK : DB_NOTFOUND;
}

int db_person_count(struct db *db, int64_t organisation_id, int64_t *count)
{
	sqlite3_stmt *st = db_stmt(db, organisation_id != 0 ? ST_PERSON_COUNT_ORG : ST_PERSON_COUNT_ALL);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (organisation_id != 0 && bind_i64(st, 1, organisation_id))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "counting persons")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*count = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

int db_person_children(struct db *db, int64_t parent_id, struct db_person **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PERSON_CHILDREN);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, parent_id))
		return db_fail_bind(db, st);
	return person_collect(db, st, out, n);
}

/* DB_NOTFOUND unless person id exists; the message names the id. */
static int person_exists(struct db *db, int64_t id)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt_row_of(db, ST_PERSON_GET, id, "reading the person", &st)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			db_fail(db, "person %lld does not exist", (long long)id);
		return rc;
	}
	stmt_done(st);
	return DB_OK;
}

int db_person_set_identity(struct db *db, int64_t actor, int64_t id, const char *json)
{
	struct db_op op;
	int rc;

	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	struct db_person p;
	if ((rc = db_person_get(db, id, false, &p)) == DB_OK && (rc = identity_store(db, id, p.organisation_id, json)) == DB_OK)
		rc = audit_append(db, actor, json != NULL ? "person.set_identity" : "person.remove_identity",
				  "person", id, NULL);
	return op_end(db, &op, rc);
}

int db_person_set_exit(struct db *db, int64_t actor, int64_t id, day_t on, enum exit_destination dest)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (on == DAY_NONE || (unsigned)dest >= EXIT__COUNT)
		return db_fail(db, "an exit needs a date and a destination");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = person_exists(db, id)) != DB_OK)
		goto out;
	if ((st = db_stmt(db, ST_PERSON_SET_EXIT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, id) | bind_day(st, 2, on) | bind_enum(st, 3, &enum_exit_destination, (int)dest)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "recording the exit")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) == 0) {
		rc = DB_CONFLICT;
		db_fail(db, "person %lld has exited already", (long long)id);
		goto out;
	}
	if (snprintf(detail, sizeof detail, "destination=%s", enum_name(&enum_exit_destination, (int)dest)) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "person.exit", "person", id, detail);
out:
	return op_end(db, &op, rc);
}

int db_person_erase_identity(struct db *db, int64_t actor, int64_t id, day_t on)
{
	bool own = !db_in_transaction(db);
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (on == DAY_NONE)
		return db_fail(db, "an erasure needs a date");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_PERSON_ERASE)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, id) | bind_day(st, 2, on)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "erasing the identity")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) == 0) {
		rc = DB_NOTFOUND;
		db_fail(db, "person %lld does not exist", (long long)id);
		goto out;
	}
	rc = audit_append(db, actor, "person.erase_identity", "person", id, NULL);
out:
	rc = op_end(db, &op, rc);
	/*
	 * secure_delete zeroes the old cell in the page that the update wrote
	 * to the WAL; the file and older WAL frames still hold the sealed
	 * blob until a checkpoint copies the page back. Checkpoint now (best
	 * effort: readers may keep old frames until they finish).
	 */
	if (rc == DB_OK && own)
		(void)db_run(db, ST_CHECKPOINT);
	return rc;
}

/* Reads a ST_PERSON_EXITS_WITH_IDENTITY row into *row (a struct db_exit). */
static int exit_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_exit *x = row;

	(void)db;
	x->person_id = col_i64(st, 0);
	x->exit_on = col_day(st, 1);
	return DB_OK;
}

int db_person_exits_with_identity(struct db *db, struct db_exit **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PERSON_EXITS_WITH_IDENTITY);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return stmt_collect(db, st, "reading the exits", sizeof **out, exit_read, NULL, out, n);
}

/* Reads a ST_PERSON_GRANTED row into *row (a struct granted). */
static int granted_read(struct db *db, sqlite3_stmt *st, void *row)
{
	int type = col_enum(st, 1, &enum_app_type);
	int category = col_enum(st, 5, &enum_point_category);

	if (type < 0 || category == -2)
		return db_fail(db, "decision %lld has an invalid field", (long long)col_i64(st, 0));
	*(struct granted *)row = (struct granted){
		.decision_id = col_i64(st, 0),
		.type = (enum app_type)type,
		.from = col_day(st, 2),
		.to = col_day(st, 3),
		.decided_on = col_day(st, 4),
		.category = category >= 0 ? (enum point_category)category : POINT_OTHER,
	};
	return DB_OK;
}

/* The granted decisions of person_id (ST_PERSON_GRANTED) into *out (free()). */
static int granted_of(struct db *db, int64_t person_id, struct granted **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PERSON_GRANTED);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, person_id) | bind_enum(st, 2, &enum_outcome, OUTCOME_GRANTED) |
	    bind_enum(st, 3, &enum_outcome, OUTCOME_PARTLY_GRANTED))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "reading the person's decisions", sizeof **out, granted_read, NULL, out, n);
}

/* Appends to *g (count rows) the granted decisions of every person marked
 * the same person as person_id (issue 19: R3-R6 across a linked pair);
 * *n_linked: how many were appended. *g may move; it stays the caller's. */
static int linked_granted(struct db *db, int64_t person_id, struct granted **g, size_t count, size_t *n_linked)
{
	int64_t *ids;
	size_t n_ids, total = count;
	int rc;

	*n_linked = 0;
	if ((rc = db_linkage_same_persons(db, person_id, &ids, &n_ids)) != DB_OK)
		return rc;
	for (size_t i = 0; i < n_ids && rc == DB_OK; i++) {
		struct granted *more;
		size_t m;
		if ((rc = granted_of(db, ids[i], &more, &m)) != DB_OK || m == 0) {
			free(more);
			continue;
		}
		struct granted *grown = realloc(*g, (total + m) * sizeof *grown);
		if (grown == NULL) {
			free(more);
			rc = db_fail(db, "out of memory");
			break;
		}
		memcpy(grown + total, more, m * sizeof *more);
		*g = grown;
		total += m;
		free(more);
	}
	free(ids);
	*n_linked = total - count;
	return rc;
}

int db_person_facts(struct db *db, int64_t person_id, struct person_facts *out,
		    struct granted **granted_out, size_t *n)
{
	struct db_person p;
	struct granted *g;
	size_t count;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	*granted_out = NULL;
	*n = 0;
	if ((rc = db_person_get(db, person_id, false, &p)) != DB_OK)
		return rc;
	out->id = p.id;
	out->age_group = p.age_group;
	out->child_role = p.child_role;
	out->parent_id = p.parent_id;
	out->sweden_responsible = p.sweden_responsible;
	out->exit_on = p.exit_on;
	out->admitted_on = DAY_NONE;
	out->admission_pending_on = out->admission_denied_on = DAY_NONE;

	if ((st = db_stmt(db, ST_PERSON_ADMISSION_STATE)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, person_id) | bind_enum(st, 2, &enum_app_type, APP_ADMISSION) |
	    bind_enum(st, 3, &enum_app_status, STATUS_SUBMITTED) | bind_enum(st, 4, &enum_outcome, OUTCOME_DENIED))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "reading the person's admission")) != DB_OK)
		return rc;
	out->admission_pending_on = col_day(st, 0);
	out->admission_denied_on = col_day(st, 1);
	out->admission_pending = out->admission_pending_on != DAY_NONE;
	out->admission_denied = out->admission_denied_on != DAY_NONE;
	stmt_done(st);

	if ((rc = granted_of(db, person_id, &g, &count)) != DB_OK)
		return rc;
	/* Rows come by decided_on: the first granted admission is the admission. */
	for (size_t i = 0; i < count && out->admitted_on == DAY_NONE; i++)
		if (g[i].type == APP_ADMISSION)
			out->admitted_on = g[i].decided_on;
	/* The linked persons' decisions follow the person's own in the same array. */
	size_t n_linked = 0;
	if ((rc = linked_granted(db, person_id, &g, count, &n_linked)) != DB_OK) {
		free(g);
		return rc;
	}
	out->granted = g;
	out->n_granted = count;
	out->linked = n_linked ? g + count : NULL;
	out->n_linked = n_linked;
	*granted_out = g;
	*n = count;
	return DB_OK;
}
