/*
 * The second factor of a login (TOTP, RFC 6238): the code step of a login,
 * enrolment with recovery codes, and a coordinator's reset.
 *
 * Decisions worth knowing:
 * - A code is accepted in the steps now-1, now and now+1 (30 s each), and
 *   each step only once per user (RFC 6238 §5.2): a code that was seen on
 *   the wire or over a shoulder cannot be replayed, not even within its own
 *   30 seconds. The enrolment's confirming code counts as used.
 * - A login challenge lives 5 minutes and allows 3 wrong codes; the user's
 *   wrong codes are also throttled like wrong passwords (key "t:<id>", and
 *   the client address), so a stolen password gives at most a handful of
 *   guesses at a 1-in-a-million code per challenge and a slowing trickle
 *   after that. Every failure is audited.
 * - An enrolled second factor is replaced only through a coordinator's reset
 *   (never by the user's own session, which may be a stolen cookie); a
 *   coordinator cannot reset their own.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/totp.h"
#include "web/service.h"
#include "web/svc_util.h"

#define CHALLENGE_TTL (5 * 60)
#define CHALLENGE_ATTEMPTS 3
#define TOTP_ISSUER "NSP"

/* Is a second factor required of this role? (Funders may enrol, but need not.) */
static bool required_for(enum role r)
{
	return r == ROLE_COORDINATOR || r == ROLE_CASEWORKER;
}

json_t *svc_login_challenge(struct svc *s, int64_t user_id, struct svc_error *e)
{
	char token[APP_TOKEN_MAX];
	unsigned char hash[DB_HASH_BYTES];
	int64_t now = (int64_t)time(NULL);

	app_new_token(token);
	if (db_session_token_hash(s->db, (const unsigned char *)token, strlen(token), hash) != DB_OK ||
	    db_challenge_delete_expired(s->db, now - CHALLENGE_TTL) != DB_OK ||
	    db_challenge_create(s->db, hash, user_id, now) != DB_OK ||
	    db_audit(s->db, user_id, "login.password_ok", "user", user_id, "second_factor=required") != DB_OK) {
		sodium_memzero(token, sizeof token);
		return svc_db_fail(s, e);
	}
	json_t *out = json_pack("{s:b, s:s}", "second_factor_required", 1, "challenge", token);
	sodium_memzero(token, sizeof token);
	return out;
}

/* A wrong code: counted against the challenge, throttled, audited; the answer says whether
 * the challenge is still good (field "code") or spent (no field: log in again). */
static json_t *code_refused(struct svc *s, const unsigned char hash[DB_HASH_BYTES], int64_t user_id,
			    const char *tkey, const char *akey, const char *what, struct svc_error *e)
{
	int64_t now = (int64_t)time(NULL);
	bool spent = false;

	app_throttle_fail(s->app, tkey, now);
	app_throttle_fail(s->app, akey, now);
	if (db_challenge_fail(s->db, hash, CHALLENGE_ATTEMPTS, &spent) != DB_OK ||
	    db_audit(s->db, user_id, "login.totp_failure", "user", user_id, what) != DB_OK)
		return svc_db_fail(s, e);
	if (spent)
		return svc_fail(e, SVC_UNAUTHENTICATED, "fel kod för många gånger; logga in igen",
				"too many wrong codes; log in again");
	return svc_fail_field(e, SVC_UNAUTHENTICATED, "code", "fel kod; försök igen med koden som appen visar nu",
			      "wrong code; try again with the code the app shows now");
}

json_t *svc_login_totp(struct svc *s, const json_t *in, char csrf_out[DB_CSRF_MAX], struct svc_error *e)
{
	static const char *const known[] = { "challenge", "code", "recovery_code", NULL };
	const char *challenge = NULL, *code = NULL, *recovery = NULL;
	struct vctx v;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "challenge", V_REQUIRED | V_SINGLE_LINE, APP_TOKEN_MAX - 1, &challenge);
	v_string(&v, in, "code", V_OPTIONAL | V_SINGLE_LINE, 16, &code);
	v_string(&v, in, "recovery_code", V_OPTIONAL | V_SINGLE_LINE, 64, &recovery);
	if (!v.failed && (code == NULL) == (recovery == NULL))
		v_fail(&v, "code", "ange antingen koden från appen eller en reservkod",
		       "give either the code from the app or a recovery code");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}

	unsigned char hash[DB_HASH_BYTES];
	struct db_challenge c;
	struct db_user u;
	int64_t now = (int64_t)time(NULL);
	char tkey[32], akey[HTTP_CLIENT_ADDR_LEN + 4];
	snprintf(akey, sizeof akey, "a:%s", s->client_addr ? s->client_addr : "");
	/* Guessed challenges are throttled by address before they cost a lookup and an audit row. */
	const char *addr = s->client_addr ? s->client_addr : "";
	if (app_throttle_wait(s->app, akey, now) > 0) {
		app_audit_count(s->app, s->db, "login.throttled", addr, 0, now);
		return svc_fail_field(e, SVC_THROTTLED, "code", "för många misslyckade försök; vänta en stund och försök igen",
				      "too many failed attempts; wait a while and try again");
	}
	if (db_session_token_hash(s->db, (const unsigned char *)challenge, strlen(challenge), hash) != DB_OK)
		return svc_db_fail(s, e);
	int rc = db_challenge_get(s->db, hash, &c);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return svc_db_fail(s, e);
	if (rc == DB_OK && now - c.created_at > CHALLENGE_TTL) {
		db_challenge_delete(s->db, hash);
		rc = DB_NOTFOUND;
	}
	if (rc == DB_OK && (db_user_get(s->db, c.user_id, &u) != DB_OK || !u.active))
		rc = DB_NOTFOUND;
	if (rc == DB_NOTFOUND) {
		app_throttle_fail(s->app, akey, now);
		app_audit_count(s->app, s->db, "login.challenge_invalid", addr, 0, now);
		return svc_fail(e, SVC_UNAUTHENTICATED, "inloggningen har gått ut; logga in igen",
				"the login has expired; log in again");
	}

	snprintf(tkey, sizeof tkey, "t:%lld", (long long)u.id);
	/* The user's count of wrong codes slows down only addresses that have
	 * failed: the right code from a clean address is never refused. */
	if (app_throttle_failed(s->app, akey, now) && app_throttle_wait(s->app, tkey, now) > 0) {
		app_audit_count(s->app, s->db, "login.throttled", addr, 0, now);
		svc_fail(e, SVC_THROTTLED, "för många felaktiga koder; vänta en stund och försök igen",
			 "too many wrong codes; wait a while and try again");
		snprintf(e->field, sizeof e->field, "code");
		return NULL;
	}

	const char *how;
	if (code) {
		struct db_totp t;
		int64_t step = 0;
		how = "second_factor=totp";
		if (db_totp_get(s->db, u.id, true, &t) != DB_OK) {
			sodium_memzero(&t, sizeof t);
			return svc_db_fail(s, e);
		}
		int ok = t.confirmed && totp_verify(t.secret, sizeof t.secret, code, now, &step);
		sodium_memzero(&t, sizeof t);
		if (!ok)
			return code_refused(s, hash, u.id, tkey, akey, "code=wrong", e);
		rc = db_totp_use_step(s->db, u.id, step);
		if (rc == DB_CONFLICT)
			return code_refused(s, hash, u.id, tkey, akey, "code=replayed", e);
		if (rc != DB_OK)
			return svc_db_fail(s, e);
	} else {
		char norm[RECOVERY_CODE_CHARS + 1];
		how = "second_factor=recovery_code";
		if (recovery_code_normalise(recovery, norm) != 0)
			return code_refused(s, hash, u.id, tkey, akey, "recovery_code=wrong", e);
		rc = db_recovery_use(s->db, u.id, norm);
		sodium_memzero(norm, sizeof norm);
		if (rc == DB_NOTFOUND)
			return code_refused(s, hash, u.id, tkey, akey, "recovery_code=wrong", e);
		if (rc != DB_OK)
			return svc_db_fail(s, e);
	}

	/* Single use: of two requests racing with one challenge, one deletes
	 * it. The session opens in the same transaction, so a second factor's
	 * reset or a new password (both delete the user's challenges and end
	 * their sessions) commits before it, and the login fails, or after it,
	 * and ends the session: never in between. */
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	rc = db_challenge_delete(s->db, hash);
	if (rc != DB_OK) {
		db_rollback(s->db);
		if (rc == DB_NOTFOUND)
			return svc_fail(e, SVC_UNAUTHENTICATED, "inloggningen har gått ut; logga in igen",
					"the login has expired; log in again");
		return svc_db_fail(s, e);
	}
	char token[APP_TOKEN_MAX];
	if (app_session_start(s, u.id, token, csrf_out) != 0 ||
	    db_audit(s->db, u.id, "login.success", "user", u.id, how) != DB_OK || db_commit(s->db) != 0) {
		db_rollback(s->db);
		sodium_memzero(token, sizeof token);
		return svc_db_fail(s, e);
	}
	app_throttle_clear(s->app, tkey);
	json_t *out = json_pack("{s:s, s:o}", "token", token, "user", svc_user_json(&u));
	sodium_memzero(token, sizeof token);
	if (out && recovery) {
		struct db_totp t;
		if (db_totp_get(s->db, u.id, false, &t) == DB_OK)
			json_object_set_new(out, "recovery_codes_left", json_integer(t.recovery_left));
	}
	return out;
}

/* Appends the otpauth URI of the user's secret and its base32 form to o. 0 or -1. */
static int add_secret(json_t *o, const char *username, const unsigned char *secret, size_t len)
{
	char b32[TOTP_BASE32_MAX];
	struct buf uri = BUF_INIT;
	int rc = -1;

	if (totp_base32(secret, len, b32) == 0 && totp_uri(&uri, TOTP_ISSUER, username, secret, len) == 0 &&
	    json_object_set_new(o, "secret", json_string(b32)) == 0 &&
	    json_object_set_new(o, "otpauth_uri", json_string(buf_str(&uri))) == 0)
		rc = 0;
	sodium_memzero(b32, sizeof b32);
	if (uri.data)
		sodium_memzero(uri.data, uri.len);
	buf_release(&uri);
	return rc;
}

json_t *svc_totp_status(struct svc *s, bool with_pending_secret, struct svc_error *e)
{
	struct db_totp t;
	const struct actor *a = s->actor;

	if (db_totp_get(s->db, a->user_id, with_pending_secret, &t) != DB_OK) {
		sodium_memzero(&t, sizeof t);
		return svc_db_fail(s, e);
	}
	json_t *out = json_pack("{s:b, s:b, s:b, s:i}", "required", required_for(a->role), "enrolled", t.confirmed,
				"pending", t.present && !t.confirmed, "recovery_codes_left", t.recovery_left);
	if (out && t.confirmed)
		json_object_set_new(out, "enrolled_on", svc_day_json(day_of_instant(t.confirmed_at)));
	if (out && with_pending_secret && t.present && !t.confirmed &&
	    add_secret(out, a->username, t.secret, sizeof t.secret) != 0) {
		json_decref(out);
		out = NULL;
	}
	sodium_memzero(&t, sizeof t);
	if (!out)
		return svc_fail(e, SVC_INTERNAL, "minnet räcker inte", "out of memory");
	return out;
}

json_t *svc_totp_start(struct svc *s, struct svc_error *e)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	_Static_assert(TOTP_SECRET_BYTES == DB_TOTP_SECRET_BYTES, "secret size");

	randombytes_buf(secret, sizeof secret);
	int rc = db_totp_begin(s->db, s->actor->user_id, s->actor->user_id, secret);
	if (rc == DB_CONFLICT) {
		sodium_memzero(secret, sizeof secret);
		return svc_fail(e, SVC_CONFLICT,
				"tvåstegsverifiering är redan inställd; en samordnare kan återställa den",
				"a second factor is enrolled already; a coordinator can reset it");
	}
	if (rc != DB_OK) {
		sodium_memzero(secret, sizeof secret);
		return svc_db_fail(s, e);
	}
	json_t *out = json_object();
	if (add_secret(out, s->actor->username, secret, sizeof secret) != 0) {
		json_decref(out);
		out = svc_fail(e, SVC_INTERNAL, "minnet räcker inte", "out of memory");
	}
	sodium_memzero(secret, sizeof secret);
	return out;
}

json_t *svc_totp_confirm(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "code", NULL };
	const char *code = NULL;
	struct vctx v;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "code", V_REQUIRED | V_SINGLE_LINE, 16, &code);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	struct db_totp t;
	int64_t step = 0;
	if (db_totp_get(s->db, s->actor->user_id, true, &t) != DB_OK) {
		sodium_memzero(&t, sizeof t);
		return svc_db_fail(s, e);
	}
	if (!t.present || t.confirmed) {
		bool confirmed = t.confirmed;
		sodium_memzero(&t, sizeof t);
		return confirmed
			       ? svc_fail(e, SVC_CONFLICT, "tvåstegsverifiering är redan inställd",
					  "a second factor is enrolled already")
			       : svc_fail(e, SVC_CONFLICT, "börja med att hämta en ny nyckel (POST /api/v1/me/totp)",
					  "start the enrolment first (POST /api/v1/me/totp)");
	}
	int ok = totp_verify(t.secret, sizeof t.secret, code, (int64_t)time(NULL), &step);
	sodium_memzero(&t, sizeof t);
	if (!ok)
		return svc_fail_field(e, SVC_INVALID, "code",
				      "koden stämmer inte; kontrollera att telefonens klocka går rätt och skriv koden som visas nu",
				      "the code is wrong; check that the phone's clock is right and type the code shown now");

	char shown[RECOVERY_CODES][RECOVERY_CODE_MAX], norm[RECOVERY_CODES][RECOVERY_CODE_CHARS + 1];
	const char *codes[RECOVERY_CODES];
	for (int i = 0; i < RECOVERY_CODES; i++) {
		recovery_code_new(shown[i]);
		if (recovery_code_normalise(shown[i], norm[i]) != 0)
			return svc_fail(e, SVC_INTERNAL, "ett internt fel inträffade", "an internal error occurred");
		codes[i] = norm[i];
	}
	int rc = db_totp_confirm(s->db, s->actor->user_id, step, codes, RECOVERY_CODES);
	sodium_memzero(norm, sizeof norm);
	json_t *out = NULL;
	if (rc == DB_NOTFOUND)
		svc_fail(e, SVC_CONFLICT, "inskrivningen har redan slutförts eller återställts",
			 "the enrolment was completed or reset meanwhile");
	else if (rc != DB_OK)
		svc_db_fail(s, e);
	else {
		json_t *list = json_array();
		for (int i = 0; i < RECOVERY_CODES; i++)
			json_array_append_new(list, json_string(shown[i]));
		out = json_pack("{s:b, s:o}", "enrolled", 1, "recovery_codes", list);
	}
	sodium_memzero(shown, sizeof shown);
	return out;
}

json_t *svc_user_totp_reset(struct svc *s, int64_t id, struct svc_error *e)
{
	if (id == s->actor->user_id)
		return svc_fail(e, SVC_CONFLICT, "en annan samordnare måste återställa din tvåstegsverifiering",
				"another coordinator must reset your second factor");
	/* Ends the user's sessions too: whoever holds one may be the one who took the phone. */
	int rc = db_totp_reset_user(s->db, s->actor->user_id, id);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	struct db_user u;
	if (db_user_get(s->db, id, &u) != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = svc_user_json(&u);
	json_object_set_new(out, "second_factor", json_string("none"));
	return out;
}
