/*
 * Users and their sessions.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

/* Reads USER_COLS starting at column `at` of the current row. */
static int user_read(struct db *db, sqlite3_stmt *st, int at, struct db_user *u)
{
	int role;

	memset(u, 0, sizeof *u);
	u->id = col_i64(st, at);
	role = col_enum(st, at + 3, &enum_role);
	if (col_copy(st, at + 1, u->username, sizeof u->username) != 0 ||
	    col_copy(st, at + 2, u->password_hash, sizeof u->password_hash) != 0 ||
	    col_copy(st, at + 6, u->lang, sizeof u->lang) != 0 || role < 0)
		return db_fail(db, "user %lld has an invalid field", (long long)u->id);
	u->role = (enum role)role;
	u->organisation_id = col_i64(st, at + 4);
	u->active = col_i64(st, at + 5) != 0;
	u->created_at = col_i64(st, at + 7);
	return DB_OK;
}

/* Refuses strings that would not fit the fixed fields of struct db_user. */
static int check_len(struct db *db, const char *what, const char *s, size_t max)
{
	if (s == NULL || s[0] == '\0')
		return db_fail(db, "%s is empty", what);
	if (strlen(s) >= max)
		return db_fail(db, "%s is longer than %zu bytes", what, max - 1);
	return DB_OK;
}

int db_user_create(struct db *db, int64_t actor, const char *username, const char *password_hash,
		   enum role role, int64_t organisation_id, const char *lang, int64_t *out_id)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (check_len(db, "the username", username, DB_USERNAME_MAX) != DB_OK ||
	    check_len(db, "the password hash", password_hash, DB_PWHASH_MAX) != DB_OK ||
	    check_len(db, "the language", lang, DB_LANG_MAX) != DB_OK)
		return DB_ERROR;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_USER_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_text(st, 1, username) | bind_text(st, 2, password_hash) | bind_enum(st, 3, &enum_role, (int)role) |
	    bind_id(st, 4, organisation_id) | bind_text(st, 5, lang) | bind_i64(st, 6, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "creating the user")) != DB_OK)
		goto out;
	*out_id = sqlite3_last_insert_rowid(db->conn);
	/* The username is not personal data of a victim; the role helps review. */
	if (snprintf(detail, sizeof detail, "role=%s", enum_name(&enum_role, (int)role)) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "user.create", "user", *out_id, detail);
out:
	return op_end(db, &op, rc);
}

/* Runs a user lookup statement whose ?1 is bound already. */
static int user_fetch(struct db *db, sqlite3_stmt *st, struct db_user *out)
{
	int rc = stmt_row(db, st, "reading the user");

	if (rc != DB_OK)
		return rc;
	rc = user_read(db, st, 0, out);
	stmt_done(st);
	return rc;
}

int db_user_get(struct db *db, int64_t id, struct db_user *out)
{
	sqlite3_stmt *st = db_stmt(db, ST_USER_GET);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, id))
		return db_fail_bind(db, st);
	return user_fetch(db, st, out);
}

int db_user_get_by_username(struct db *db, const char *username, struct db_user *out)
{
	sqlite3_stmt *st = db_stmt(db, ST_USER_GET_BY_NAME);

	if (st == NULL)
		return DB_ERROR;
	if (bind_text(st, 1, username))
		return db_fail_bind(db, st);
	return user_fetch(db, st, out);
}

/* A row_reader of USER_COLS at column 0 (a struct db_user owns nothing). */
static int user_row(struct db *db, sqlite3_stmt *st, void *row)
{
	return user_read(db, st, 0, row);
}

int db_user_list(struct db *db, struct db_user **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_USER_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return stmt_collect(db, st, "listing users", sizeof **out, user_row, NULL, out, n);
}

/*
 * Runs an UPDATE of one user by id (?1) with ?2 bound by the caller, in an
 * op, with an audit entry when action is not NULL. DB_NOTFOUND when no row
 * changed.
 */
static int user_update(struct db *db, int64_t actor, sqlite3_stmt *st, int64_t id, const char *action,
		       const char *detail)
{
	struct db_op op;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK) {
		stmt_done(st);
		return rc;
	}
	if ((rc = stmt_exec(db, st, "updating the user")) == DB_OK && sqlite3_changes(db->conn) == 0) {
		db_fail(db, "user %lld does not exist", (long long)id);
		rc = DB_NOTFOUND;
	}
	if (rc == DB_OK && action != NULL)
		rc = audit_append(db, actor, action, "user", id, detail);
	return op_end(db, &op, rc);
}

int db_user_set_active(struct db *db, int64_t actor, int64_t id, bool active)
{
	sqlite3_stmt *st = db_stmt(db, ST_USER_SET_ACTIVE);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, id) | bind_i64(st, 2, active ? 1 : 0))
		return db_fail_bind(db, st);
	return user_update(db, actor, st, id, "user.set_active", active ? "active=1" : "active=0");
}

/* A preference, not a security change: not audited. */
int db_user_set_lang(struct db *db, int64_t id, const char *lang)
{
	sqlite3_stmt *st;

	if (check_len(db, "the language", lang, DB_LANG_MAX) != DB_OK)
		return DB_ERROR;
	if ((st = db_stmt(db, ST_USER_SET_LANG)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, id) | bind_text(st, 2, lang))
		return db_fail_bind(db, st);
	return user_update(db, 0, st, id, NULL, NULL);
}

int db_user_set_password_hash(struct db *db, int64_t actor, int64_t id, const char *password_hash)
{
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (check_len(db, "the password hash", password_hash, DB_PWHASH_MAX) != DB_OK)
		return DB_ERROR;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_USER_SET_PASSWORD)) == NULL)
		return op_end(db, &op, DB_ERROR);
	if (bind_i64(st, 1, id) | bind_text(st, 2, password_hash))
		return op_end(db, &op, db_fail_bind(db, st));
	rc = user_update(db, actor, st, id, "user.set_password", NULL);
	/* Whoever logged in with the old password is out, also half-way
	 * (the password step done, the code not yet given). */
	if (rc == DB_OK)
		rc = db_session_delete_user(db, id);
	if (rc == DB_OK)
		rc = db_challenge_delete_user(db, id);
	return op_end(db, &op, rc);
}

/* ------------------------------------------------------------ sessions */

int db_session_token_hash(struct db *db, const unsigned char *token, size_t len,
			  unsigned char out[DB_HASH_BYTES])
{
	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if (crypto_generichash(out, DB_HASH_BYTES, token, len, db->token_key, sizeof db->token_key) != 0)
		return db_fail(db, "cannot hash the session token");
	return DB_OK;
}

/* Sessions change on every request: they are not audited here (the web
 * layer audits logins and logouts). */
int db_session_create(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int64_t user_id,
		      const char *csrf, int64_t now)
{
	sqlite3_stmt *st;

	if (check_len(db, "the CSRF token", csrf, DB_CSRF_MAX) != DB_OK)
		return DB_ERROR;
	if ((st = db_stmt(db, ST_SESSION_INSERT)) == NULL)
		return DB_ERROR;
	if (bind_blob(st, 1, token_hash, DB_HASH_BYTES) | bind_i64(st, 2, user_id) | bind_text(st, 3, csrf) |
	    bind_i64(st, 4, now))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, "creating the session");
}

int db_session_get(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], struct db_session *out)
{
	sqlite3_stmt *st = db_stmt(db, ST_SESSION_GET);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_blob(st, 1, token_hash, DB_HASH_BYTES))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "reading the session")) != DB_OK)
		return rc;
	memset(out, 0, sizeof *out);
	memcpy(out->token_hash, token_hash, DB_HASH_BYTES);
	out->user_id = col_i64(st, 1);
	out->created_at = col_i64(st, 3);
	out->last_seen = col_i64(st, 4);
	if (col_copy(st, 2, out->csrf, sizeof out->csrf) != 0)
		rc = db_fail(db, "a session has an invalid CSRF token");
	else
		rc = user_read(db, st, 5, &out->user);
	stmt_done(st);
	return rc;
}

/* Runs a one-statement session change; DB_NOTFOUND when nothing changed and
 * must_change is set. */
static int session_exec(struct db *db, sqlite3_stmt *st, bool must_change, int64_t *changed)
{
	int rc = stmt_exec(db, st, "changing sessions");
	int64_t n = sqlite3_changes64(db->conn);

	if (rc != DB_OK)
		return rc;
	if (changed != NULL)
		*changed = n;
	if (must_change && n == 0) {
		db_fail(db, "no such session");
		return DB_NOTFOUND;
	}
	return DB_OK;
}

int db_session_touch(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, ST_SESSION_TOUCH);

	if (st == NULL)
		return DB_ERROR;
	if (bind_blob(st, 1, token_hash, DB_HASH_BYTES) | bind_i64(st, 2, now))
		return db_fail_bind(db, st);
	return session_exec(db, st, true, NULL);
}

int db_session_delete(struct db *db, const unsigned char token_hash[DB_HASH_BYTES])
{
	sqlite3_stmt *st = db_stmt(db, ST_SESSION_DELETE);

	if (st == NULL)
		return DB_ERROR;
	if (bind_blob(st, 1, token_hash, DB_HASH_BYTES))
		return db_fail_bind(db, st);
	return session_exec(db, st, true, NULL);
}

int db_session_delete_user(struct db *db, int64_t user_id)
{
	sqlite3_stmt *st = db_stmt(db, ST_SESSION_DELETE_USER);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, user_id))
		return db_fail_bind(db, st);
	return session_exec(db, st, false, NULL);
}

int db_session_delete_expired(struct db *db, int64_t idle_s, int64_t absolute_s, int64_t now,
			      int64_t *n_deleted)
{
	sqlite3_stmt *st = db_stmt(db, ST_SESSION_DELETE_EXPIRED);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, now - idle_s) | bind_i64(st, 2, now - absolute_s))
		return db_fail_bind(db, st);
	return session_exec(db, st, false, n_deleted);
}
