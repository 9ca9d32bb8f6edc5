/*
 * The second factor of a login: TOTP secrets sealed like identity data
 * (XChaCha20-Poly1305 under subkey 5, the user id as associated data),
 * recovery codes stored as keyed BLAKE2b-256 hashes (subkey 6), and the
 * challenges that join a login's password step to its code step.
 *
 * Why recovery codes are hashed with keyed BLAKE2b and not argon2id
 * (crypto_pwhash_str): a code is 16 random characters of a 31-letter
 * alphabet, about 79 bits, so a slow hash adds nothing against guessing,
 * and the key lives outside the database, so a stolen database file alone
 * gives nothing to guess against at all. A keyed hash can also be looked
 * up directly (UNIQUE index) instead of trying the user's ten argon2id
 * strings in turn, which would cost ten 19 MiB hashes per attempt and
 * hand an attacker a cheap way to load the server.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEALED_BYTES (NONCE_BYTES + DB_TOTP_SECRET_BYTES + TAG_BYTES)

_Static_assert(DB_RECOVERY_CODE_MAX > 16, "a recovery code fits");

/* The user id, 8 bytes little endian: the associated data of the sealed
 * secret and the prefix of a recovery code's hash. */
static void user_id_bytes(int64_t id, unsigned char out[8])
{
	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)((uint64_t)id >> (8 * i));
}

/* Seals secret for user_id into sealed = nonce || ciphertext || tag. */
static void totp_seal(struct db *db, int64_t user_id, const unsigned char secret[DB_TOTP_SECRET_BYTES],
		      unsigned char sealed[SEALED_BYTES])
{
	unsigned char ad[8];
	unsigned long long clen;

	randombytes_buf(sealed, NONCE_BYTES);
	user_id_bytes(user_id, ad);
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed + NONCE_BYTES, &clen, secret, DB_TOTP_SECRET_BYTES,
						   ad, sizeof ad, NULL, sealed, db->totp_key);
}

/* Opens a sealed secret of user_id; -1 when it does not open. */
static int totp_open(struct db *db, int64_t user_id, const unsigned char *blob, size_t len,
		     unsigned char secret[DB_TOTP_SECRET_BYTES])
{
	unsigned char ad[8];
	unsigned long long mlen;

	user_id_bytes(user_id, ad);
	if (len != SEALED_BYTES ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt(secret, &mlen, NULL, blob + NONCE_BYTES, len - NONCE_BYTES,
						       ad, sizeof ad, blob, db->totp_key) != 0 ||
	    mlen != DB_TOTP_SECRET_BYTES) {
		sodium_memzero(secret, DB_TOTP_SECRET_BYTES);
		return db_fail(db, "the second-factor secret of user %lld does not open (altered, moved or another key)",
			       (long long)user_id);
	}
	return DB_OK;
}

/* The keyed BLAKE2b-256 of (user id, code): what recovery_codes stores. */
static int recovery_hash(struct db *db, int64_t user_id, const char *code, unsigned char out[DB_HASH_BYTES])
{
	crypto_generichash_state st;
	unsigned char id[8];
	size_t len = strlen(code);

	if (len == 0 || len >= DB_RECOVERY_CODE_MAX)
		return db_fail(db, "a recovery code has the wrong length");
	user_id_bytes(user_id, id);
	if (crypto_generichash_init(&st, db->recovery_key, sizeof db->recovery_key, DB_HASH_BYTES) != 0 ||
	    crypto_generichash_update(&st, id, sizeof id) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)code, len) != 0 ||
	    crypto_generichash_final(&st, out, DB_HASH_BYTES) != 0)
		return db_fail(db, "cannot hash the recovery code");
	return DB_OK;
}

int db_totp_get(struct db *db, int64_t user_id, bool with_secret, struct db_totp *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	out->last_step = -1;
	if (with_secret && db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if ((st = db_stmt(db, ST_TOTP_GET)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, user_id))
		return db_fail_bind(db, st);
	rc = stmt_row(db, st, "reading the second factor");
	if (rc == DB_NOTFOUND)
		return DB_OK; /* none stored: present stays false */
	if (rc != DB_OK)
		return rc;
	out->present = true;
	out->confirmed = sqlite3_column_type(st, 1) != SQLITE_NULL;
	out->confirmed_at = col_i64(st, 1);
	out->last_step = col_i64(st, 2);
	out->recovery_left = (int)col_i64(st, 3);
	if (with_secret)
		rc = totp_open(db, user_id, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
			       out->secret);
	stmt_done(st);
	return rc;
}

int db_totp_begin(struct db *db, int64_t actor, int64_t user_id, const unsigned char secret[DB_TOTP_SECRET_BYTES])
{
	unsigned char sealed[SEALED_BYTES];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	totp_seal(db, user_id, secret, sealed);
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_TOTP_BEGIN)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, user_id) | bind_blob(st, 2, sealed, sizeof sealed) | bind_i64(st, 3, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "starting the enrolment")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) == 0) {
		db_fail(db, "user %lld has a second factor already", (long long)user_id);
		rc = DB_CONFLICT;
		goto out;
	}
	rc = audit_append(db, actor, "totp.enrol_start", "user", user_id, NULL);
out:
	return op_end(db, &op, rc);
}

int db_totp_confirm(struct db *db, int64_t user_id, int64_t step, const char *const *codes, size_t n)
{
	unsigned char hash[DB_HASH_BYTES];
	char detail[32];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_TOTP_CONFIRM)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, user_id) | bind_i64(st, 2, db_now()) | bind_i64(st, 3, step)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "confirming the enrolment")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) == 0) {
		db_fail(db, "user %lld has no pending enrolment", (long long)user_id);
		rc = DB_NOTFOUND;
		goto out;
	}
	if ((st = db_stmt(db, ST_RECOVERY_DELETE_USER)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, user_id)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "replacing the recovery codes")) != DB_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((rc = recovery_hash(db, user_id, codes[i], hash)) != DB_OK)
			goto out;
		if ((st = db_stmt(db, ST_RECOVERY_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_i64(st, 1, user_id) | bind_blob(st, 2, hash, sizeof hash)) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		if ((rc = stmt_exec(db, st, "storing a recovery code")) != DB_OK)
			goto out;
	}
	if (snprintf(detail, sizeof detail, "recovery_codes=%zu", n) < 0)
		detail[0] = '\0';
	rc = audit_append(db, user_id, "totp.enrol", "user", user_id, detail);
out:
	return op_end(db, &op, rc);
}

int db_totp_use_step(struct db *db, int64_t user_id, int64_t step)
{
	sqlite3_stmt *st = db_stmt(db, ST_TOTP_USE_STEP);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, user_id) | bind_i64(st, 2, step))
		return db_fail_bind(db, st);
	if ((rc = stmt_exec(db, st, "recording the code's time step")) != DB_OK)
		return rc;
	if (sqlite3_changes(db->conn) == 0) {
		db_fail(db, "the code of user %lld was used already", (long long)user_id);
		return DB_CONFLICT;
	}
	return DB_OK;
}

int db_recovery_use(struct db *db, int64_t user_id, const char *code)
{
	unsigned char hash[DB_HASH_BYTES];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (db_require_keys(db) != DB_OK || recovery_hash(db, user_id, code, hash) != DB_OK)
		return DB_ERROR;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_RECOVERY_USE)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, user_id) | bind_blob(st, 2, hash, sizeof hash) | bind_i64(st, 3, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "using a recovery code")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) == 0) {
		db_fail(db, "no such unused recovery code");
		rc = DB_NOTFOUND;
		goto out;
	}
	rc = audit_append(db, user_id, "totp.recovery_used", "user", user_id, NULL);
out:
	return op_end(db, &op, rc);
}

/* Runs statement s with ?1 = user_id and no rows; the caller has an op open. */
static int exec_user(struct db *db, enum stmt s, int64_t user_id, const char *what)
{
	sqlite3_stmt *st = db_stmt(db, s);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, user_id))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, what);
}

int db_totp_reset(struct db *db, int64_t actor, int64_t user_id)
{
	struct db_user u;
	struct db_op op;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = db_user_get(db, user_id, &u)) != DB_OK)
		goto out;
	if ((rc = exec_user(db, ST_TOTP_DELETE, user_id, "removing the second factor")) != DB_OK ||
	    (rc = exec_user(db, ST_RECOVERY_DELETE_USER, user_id, "removing the recovery codes")) != DB_OK ||
	    (rc = exec_user(db, ST_CHALLENGE_DELETE_USER, user_id, "removing login challenges")) != DB_OK)
		goto out;
	rc = audit_append(db, actor, "totp.reset", "user", user_id, NULL);
out:
	return op_end(db, &op, rc);
}

int db_totp_reset_user(struct db *db, int64_t actor, int64_t user_id)
{
	struct db_op op;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	/* Whoever holds a session of the user now may be the one who took the phone. */
	if ((rc = db_totp_reset(db, actor, user_id)) == DB_OK)
		rc = db_session_delete_user(db, user_id);
	return op_end(db, &op, rc);
}

/* ------------------------------------------------------------ login challenges */

int db_challenge_create(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int64_t user_id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, ST_CHALLENGE_INSERT);

	if (st == NULL)
		return DB_ERROR;
	if (bind_blob(st, 1, token_hash, DB_HASH_BYTES) | bind_i64(st, 2, user_id) | bind_i64(st, 3, now))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, "creating the login challenge");
}

int db_challenge_get(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], struct db_challenge *out)
{
	sqlite3_stmt *st = db_stmt(db, ST_CHALLENGE_GET);
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return DB_ERROR;
	if (bind_blob(st, 1, token_hash, DB_HASH_BYTES))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "reading the login challenge")) != DB_OK)
		return rc;
	out->user_id = col_i64(st, 0);
	out->created_at = col_i64(st, 1);
	out->attempts = (int)col_i64(st, 2);
	stmt_done(st);
	return DB_OK;
}

/* Runs statement s with ?1 = token_hash (and ?2 = extra when has_extra); *changed gets the rows changed. */
static int exec_challenge(struct db *db, enum stmt s, const unsigned char token_hash[DB_HASH_BYTES],
			  bool has_extra, int64_t extra, int64_t *changed)
{
	sqlite3_stmt *st = db_stmt(db, s);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_blob(st, 1, token_hash, DB_HASH_BYTES) | (has_extra ? bind_i64(st, 2, extra) : 0))
		return db_fail_bind(db, st);
	if ((rc = stmt_exec(db, st, "changing the login challenge")) != DB_OK)
		return rc;
	*changed = sqlite3_changes64(db->conn);
	return DB_OK;
}

int db_challenge_fail(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int max_attempts, bool *spent)
{
	int64_t changed = 0;
	struct db_op op;
	int rc;

	if (spent != NULL)
		*spent = false;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = exec_challenge(db, ST_CHALLENGE_FAIL, token_hash, false, 0, &changed)) != DB_OK)
		goto out;
	if ((rc = exec_challenge(db, ST_CHALLENGE_DELETE_SPENT, token_hash, true, max_attempts, &changed)) != DB_OK)
		goto out;
	if (spent != NULL)
		*spent = changed > 0;
out:
	return op_end(db, &op, rc);
}

int db_challenge_delete(struct db *db, const unsigned char token_hash[DB_HASH_BYTES])
{
	int64_t changed = 0;
	int rc = exec_challenge(db, ST_CHALLENGE_DELETE, token_hash, false, 0, &changed);

	if (rc == DB_OK && changed == 0) {
		db_fail(db, "no such login challenge");
		return DB_NOTFOUND;
	}
	return rc;
}

int db_challenge_delete_user(struct db *db, int64_t user_id)
{
	return exec_user(db, ST_CHALLENGE_DELETE_USER, user_id, "removing login challenges");
}

int db_challenge_delete_expired(struct db *db, int64_t before)
{
	sqlite3_stmt *st = db_stmt(db, ST_CHALLENGE_DELETE_EXPIRED);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, before))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, "deleting expired login challenges");
}
