/*
 * The audit log: an append-only hash chain. Each entry's hash is a BLAKE2b
 * MAC (keyed with the audit subkey) over the entry and the previous entry's
 * hash, so an entry cannot be changed, removed or moved without the key.
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* How far from its position db_audit_verify() looks for a moved entry. */
#define MOVE_WINDOW 256

/* Domain separation: bumped if the encoding below ever changes. */
static const char hash_domain[] = "nsp-audit-v1";

/* One entry as stored. The strings point into the statement's row. */
struct audit_row {
	int64_t id, at, user_id, entity_id;
	const char *action, *entity, *detail;
	size_t action_len, entity_len, detail_len;
	unsigned char prev_hash[DB_HASH_BYTES], hash[DB_HASH_BYTES];
	bool hashes_ok;              /* both hash columns are 32-byte blobs */
};

static void put_u64(crypto_generichash_state *h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	crypto_generichash_update(h, b, sizeof b);
}

/* Length first, so no two different field lists encode alike. */
static void put_str(crypto_generichash_state *h, const char *s, size_t len)
{
	put_u64(h, len);
	crypto_generichash_update(h, (const unsigned char *)s, len);
}

/* The hash of entry r as if it had id `id` (verify tries other ids for moved entries). */
static void audit_hash(const struct db *db, const struct audit_row *r, int64_t id,
		       unsigned char out[DB_HASH_BYTES])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, db->audit_key, sizeof db->audit_key, DB_HASH_BYTES);
	put_str(&h, hash_domain, sizeof hash_domain - 1);
	put_u64(&h, (uint64_t)id);
	put_u64(&h, (uint64_t)r->at);
	put_u64(&h, (uint64_t)r->user_id);
	put_str(&h, r->action, r->action_len);
	put_str(&h, r->entity, r->entity_len);
	put_u64(&h, (uint64_t)r->entity_id);
	put_str(&h, r->detail, r->detail_len);
	crypto_generichash_update(&h, r->prev_hash, DB_HASH_BYTES);
	crypto_generichash_final(&h, out, DB_HASH_BYTES);
	sodium_memzero(&h, sizeof h);
}

static const char *text_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

int audit_append(struct db *db, int64_t user_id, const char *action, const char *entity,
		 int64_t entity_id, const char *detail)
{
	struct audit_row r = { 0 };
	sqlite3_stmt *st;
	int rc;

	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if (action == NULL || action[0] == '\0')
		return db_fail(db, "an audit entry needs an action");
	/* The caller's op holds the write lock, so the head cannot move under us. */
	if ((rc = db_audit_head(db, &r.id, r.prev_hash)) != DB_OK)
		return rc;
	r.id++;
	r.at = db_now();
	r.user_id = user_id;
	r.entity_id = entity_id;
	r.action = action;
	r.action_len = strlen(action);
	r.entity = text_or_empty(entity);
	r.entity_len = strlen(r.entity);
	r.detail = text_or_empty(detail);
	r.detail_len = strlen(r.detail);
	audit_hash(db, &r, r.id, r.hash);

	if ((st = db_stmt(db, ST_AUDIT_INSERT)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, r.id) | bind_i64(st, 2, r.at) | bind_id(st, 3, user_id) |
	    bind_text(st, 4, r.action) | bind_text(st, 5, r.entity) | bind_id(st, 6, entity_id) |
	    bind_text(st, 7, r.detail) | bind_blob(st, 8, r.prev_hash, DB_HASH_BYTES) |
	    bind_blob(st, 9, r.hash, DB_HASH_BYTES))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, "writing the audit log");
}

int db_audit(struct db *db, int64_t user_id, const char *action, const char *entity,
	     int64_t entity_id, const char *detail)
{
	struct db_op op;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	return op_end(db, &op, audit_append(db, user_id, action, entity, entity_id, detail));
}

/* db_audit_read(), the group commit of read entries: audit_batch.c. */

int db_audit_head(struct db *db, int64_t *id, unsigned char hash[DB_HASH_BYTES])
{
	sqlite3_stmt *st = db_stmt(db, ST_AUDIT_HEAD);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	*id = 0;
	memset(hash, 0, DB_HASH_BYTES);
	rc = stmt_row(db, st, "reading the audit log");
	if (rc == DB_NOTFOUND)
		return DB_OK;            /* empty log: the chain starts from zeros */
	if (rc != DB_OK)
		return rc;
	*id = col_i64(st, 0);
	if (sqlite3_column_bytes(st, 1) != DB_HASH_BYTES) {
		stmt_done(st);
		return db_fail(db, "the newest audit entry has a damaged hash");
	}
	memcpy(hash, sqlite3_column_blob(st, 1), DB_HASH_BYTES);
	stmt_done(st);
	return DB_OK;
}

int db_audit_entry_hash(struct db *db, int64_t id, unsigned char hash[DB_HASH_BYTES])
{
	sqlite3_stmt *st = db_stmt(db, ST_AUDIT_RANGE);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	memset(hash, 0, DB_HASH_BYTES);
	if (bind_i64(st, 1, id) | bind_i64(st, 2, id))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "reading the audit log")) != DB_OK)
		return rc;
	/* Column 8 of AUDIT_COLS is the entry's hash (see audit_row_read). */
	if (sqlite3_column_bytes(st, 8) != DB_HASH_BYTES) {
		stmt_done(st);
		return db_fail(db, "audit entry %lld has a damaged hash", (long long)id);
	}
	memcpy(hash, sqlite3_column_blob(st, 8), DB_HASH_BYTES);
	stmt_done(st);
	return DB_OK;
}

/* Reads the current row of an ST_AUDIT_ALL / ST_AUDIT_RANGE statement. */
static void audit_row_read(sqlite3_stmt *st, struct audit_row *r)
{
	r->id = col_i64(st, 0);
	r->at = col_i64(st, 1);
	r->user_id = col_i64(st, 2);
	r->action = (const char *)sqlite3_column_text(st, 3);
	r->action_len = (size_t)sqlite3_column_bytes(st, 3);
	r->entity = (const char *)sqlite3_column_text(st, 4);
	r->entity_len = (size_t)sqlite3_column_bytes(st, 4);
	r->entity_id = col_i64(st, 5);
	r->detail = (const char *)sqlite3_column_text(st, 6);
	r->detail_len = (size_t)sqlite3_column_bytes(st, 6);
	r->action = text_or_empty(r->action);
	r->entity = text_or_empty(r->entity);
	r->detail = text_or_empty(r->detail);
	r->hashes_ok = sqlite3_column_bytes(st, 7) == DB_HASH_BYTES &&
		       sqlite3_column_bytes(st, 8) == DB_HASH_BYTES;
	if (r->hashes_ok) {
		memcpy(r->prev_hash, sqlite3_column_blob(st, 7), DB_HASH_BYTES);
		memcpy(r->hash, sqlite3_column_blob(st, 8), DB_HASH_BYTES);
	}
}

static bool hash_matches(const struct db *db, const struct audit_row *r, int64_t as_id)
{
	unsigned char h[DB_HASH_BYTES];

	audit_hash(db, r, as_id, h);
	return sodium_memcmp(h, r->hash, DB_HASH_BYTES) == 0;
}

/* The id under which r's hash verifies, searched near r->id; 0 when none. */
static int64_t original_id(const struct db *db, const struct audit_row *r)
{
	for (int64_t d = 1; d <= MOVE_WINDOW; d++) {
		if (hash_matches(db, r, r->id + d))
			return r->id + d;
		if (r->id - d >= 1 && hash_matches(db, r, r->id - d))
			return r->id - d;
	}
	return 0;
}

/* Whether the entry that belongs at position `pos` sits at some later
 * position (within the window): then entries were swapped, not dropped.
 * *found gets the answer; returns -1 when the log cannot be read. */
static int belongs_later(struct db *db, int64_t pos, bool *found)
{
	sqlite3_stmt *st = db_stmt(db, ST_AUDIT_RANGE);
	struct audit_row r;
	int rc = SQLITE_DONE;

	*found = false;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, pos + 1) | bind_i64(st, 2, pos + MOVE_WINDOW))
		return db_fail_bind(db, st);
	while (!*found && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		audit_row_read(st, &r);
		*found = r.hashes_ok && hash_matches(db, &r, pos);
	}
	if (!*found && rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "reading the audit log");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	return DB_OK;
}

static void report(struct audit_report *out, enum audit_problem p, int64_t id, const char *en, const char *sv)
{
	out->problem = p;
	out->entry_id = id;
	if (snprintf(out->message, sizeof out->message, "audit entry %lld %s / granskningsloggens post %lld %s",
		     (long long)id, en, (long long)id, sv) < 0)
		out->message[0] = '\0';
}

/*
 * Classifies the first entry that does not verify at its position:
 * - its id jumps past the expected one: entries before it were removed;
 * - its hash verifies with its own id but it links to a different
 *   predecessor: the entry before it was removed (and the ids closed up);
 * - its hash verifies under another id: it was moved; if the entry that
 *   belongs here turns up later the entries were reordered, else removed;
 * - otherwise its content or hash was altered.
 */
static int classify(struct db *db, const struct audit_row *r, int64_t expected_id,
		    const unsigned char prev[DB_HASH_BYTES], struct audit_report *out)
{
	char en[96], sv[96];
	bool later;

	if (r->id != expected_id) {
		if (snprintf(en, sizeof en, "follows a gap: entries %lld to %lld were removed",
			     (long long)expected_id, (long long)(r->id - 1)) < 0 ||
		    snprintf(sv, sizeof sv, "följer efter en lucka: posterna %lld till %lld har tagits bort",
			     (long long)expected_id, (long long)(r->id - 1)) < 0)
			en[0] = sv[0] = '\0';
		report(out, AUDIT_REMOVED, r->id, en, sv);
		return DB_OK;
	}
	if (!r->hashes_ok) {
		report(out, AUDIT_ALTERED, r->id, "was altered", "har ändrats");
		return DB_OK;
	}
	if (hash_matches(db, r, r->id)) {
		if (sodium_memcmp(r->prev_hash, prev, DB_HASH_BYTES) == 0)
			return DB_OK;    /* not broken: the caller does not call us for this */
		report(out, AUDIT_REMOVED, r->id, "does not follow the entry before it: an entry was removed",
		       "följer inte på posten före den: en post har tagits bort");
		return DB_OK;
	}
	if (original_id(db, r) == 0) {
		report(out, AUDIT_ALTERED, r->id, "was altered", "har ändrats");
		return DB_OK;
	}
	if (belongs_later(db, r->id, &later) != DB_OK)
		return DB_ERROR;
	if (later)
		report(out, AUDIT_REORDERED, r->id, "is out of order: entries were reordered",
		       "ligger i fel ordning: poster har flyttats");
	else
		report(out, AUDIT_REMOVED, r->id, "was moved up: an entry before it was removed",
		       "har flyttats upp: en post före den har tagits bort");
	return DB_OK;
}

int db_audit_verify(struct db *db, struct audit_report *out)
{
	unsigned char prev[DB_HASH_BYTES] = { 0 };
	int64_t expected_id = 1;
	sqlite3_stmt *st;
	struct audit_row r;
	int rc;

	memset(out, 0, sizeof *out);
	if (db_require_keys(db) != DB_OK || (st = db_stmt(db, ST_AUDIT_ALL)) == NULL)
		return DB_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		audit_row_read(st, &r);
		out->checked++;
		if (r.id != expected_id || !r.hashes_ok || !hash_matches(db, &r, r.id) ||
		    sodium_memcmp(r.prev_hash, prev, DB_HASH_BYTES) != 0) {
			rc = classify(db, &r, expected_id, prev, out);
			stmt_done(st);
			return rc;
		}
		memcpy(prev, r.hash, DB_HASH_BYTES);
		expected_id = r.id + 1;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "reading the audit log");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	out->problem = AUDIT_OK;
	if (snprintf(out->message, sizeof out->message,
		     "audit log intact (%lld entries) / granskningsloggen är oförändrad (%lld poster)",
		     (long long)out->checked, (long long)out->checked) < 0)
		out->message[0] = '\0';
	return DB_OK;
}

/* The settings row of the key-check value. */
#define KEY_CHECK_SETTING "key_check"

/* A 63-bit keyed hash that tells this database's key from any other (not a
 * secret: it reveals nothing of the key). Never 0. */
static int64_t key_check_value(const struct db *db)
{
	static const char what[] = "nsp key check v1";
	unsigned char h[8];
	int64_t v;
	crypto_generichash(h, sizeof h, (const unsigned char *)what, sizeof what - 1, db->audit_key,
			   sizeof db->audit_key);
	memcpy(&v, h, sizeof v);
	v &= INT64_MAX;
	return v ? v : 1;
}

static void wrong_key(struct db *db)
{
	db_fail(db, "the key file does not belong to this database (its key-check value differs) / "
		    "nyckelfilen hör inte till databasen (kontrollvärdet skiljer sig)");
}

int db_audit_check_key(struct db *db)
{
	unsigned char head[DB_HASH_BYTES];
	struct audit_row r;
	sqlite3_stmt *st;
	int64_t id, stored = 0;
	int rc;

	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	/* The stored key-check value decides (issue 16): also on an empty log. */
	if ((st = db_stmt(db, ST_SETTING_GET)) == NULL)
		return DB_ERROR;
	if (bind_text(st, 1, KEY_CHECK_SETTING))
		return db_fail_bind(db, st);
	rc = stmt_row(db, st, "reading the key-check value");
	if (rc == DB_OK) {
		stored = col_i64(st, 0);
		stmt_done(st);
		if (stored != key_check_value(db)) {
			wrong_key(db);
			return DB_CONFLICT;
		}
		return DB_OK;
	}
	if (rc != DB_NOTFOUND)
		return rc;
	/* A database from before the value: the newest audit entry tells, then the value is kept. */
	if (db_audit_head(db, &id, head) != DB_OK)
		return DB_ERROR;
	if (id == 0)
		return db_key_check_store(db); /* nothing written yet: this key is the first */
	if ((st = db_stmt(db, ST_AUDIT_RANGE)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, id) | bind_i64(st, 2, id))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "reading the newest audit entry")) != DB_OK)
		return rc;
	audit_row_read(st, &r);
	rc = r.hashes_ok && hash_matches(db, &r, r.id) ? DB_OK : DB_CONFLICT;
	stmt_done(st);
	if (rc == DB_CONFLICT)
		db_fail(db, "the newest audit entry does not verify: the key file does not belong to this database, "
			    "or the entry was altered (run nsp audit verify) / den senaste granskningsposten stämmer inte: "
			    "nyckelfilen hör inte till databasen, eller posten är ändrad (kör nsp audit verify)");
	return rc == DB_OK ? db_key_check_store(db) : rc;
}

int db_key_check_store(struct db *db)
{
	struct db_op op;
	sqlite3_stmt *st;
	int rc;

	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if (db->readonly)
		return DB_OK; /* a reader leaves it to the next writer */
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_SETTING_PUT)) == NULL)
		return op_end(db, &op, DB_ERROR);
	if (bind_text(st, 1, KEY_CHECK_SETTING) | bind_i64(st, 2, key_check_value(db)))
		return op_end(db, &op, db_fail_bind(db, st));
	return op_end(db, &op, stmt_exec(db, st, "storing the key-check value"));
}
