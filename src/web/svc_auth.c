/* Login, logout, the current user and user administration. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/password.h"
#include "web/service.h"
#include "web/svc_util.h"

json_t *svc_user_json(const struct db_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:b, s:s}", "id", (json_int_t)u->id, "username", u->username,
			 "role", enum_name(&enum_role, (int)u->role), "organisation_id",
			 u->organisation_id ? json_integer(u->organisation_id) : json_null(), "active", u->active,
			 "lang", u->lang);
}

json_t *svc_login(struct svc *s, const json_t *in, char csrf_out[DB_CSRF_MAX], struct svc_error *e)
{
	struct vctx v;
	const char *username = NULL, *password = NULL;
	vctx_init(&v);
	v_string(&v, in, "username", V_REQUIRED | V_SINGLE_LINE, DB_USERNAME_MAX - 1, &username);
	v_string(&v, in, "password", V_REQUIRED, PASSWORD_MAX_LEN, &password);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	/* Lock-out without denial of service (README "Failed logins"): an address
	 * that fails waits, and so does an address guessing one username; the
	 * account's own count slows down only addresses that have failed, so a
	 * right password from an address that has not failed is never refused. */
	const char *addr = s->client_addr ? s->client_addr : "";
	char ukey[DB_USERNAME_MAX + 4], akey[HTTP_CLIENT_ADDR_LEN + 4], aukey[DB_USERNAME_MAX + HTTP_CLIENT_ADDR_LEN + 8];
	snprintf(ukey, sizeof ukey, "u:%s", username);
	snprintf(akey, sizeof akey, "a:%s", addr);
	snprintf(aukey, sizeof aukey, "au:%s\n%s", addr, username);
	int64_t now = (int64_t)time(NULL);
	int64_t wait = app_throttle_wait(s->app, akey, now), w2 = app_throttle_wait(s->app, aukey, now);
	if (w2 > wait)
		wait = w2;
	if (app_throttle_failed(s->app, akey, now) && (w2 = app_throttle_wait(s->app, ukey, now)) > wait)
		wait = w2;
	if (wait > 0) {
		app_audit_count(s->app, s->db, "login.throttled", addr, 0, now);
		return svc_fail(e, SVC_THROTTLED, "för många misslyckade inloggningar; vänta en stund och försök igen",
				"too many failed logins; wait a while and try again");
	}

	struct db_user u;
	int found = db_user_get_by_username(s->db, username, &u) == DB_OK && u.active;
	/* Unknown users are verified against a dummy hash: same answer, same time. */
	int ok = password_verify(found ? u.password_hash : NULL, password) && found;
	if (!ok) {
		app_throttle_fail(s->app, ukey, now);
		app_throttle_fail(s->app, akey, now);
		app_throttle_fail(s->app, aukey, now);
		app_audit_count(s->app, s->db, "login.failure", addr, 0, now);
		return svc_fail(e, SVC_UNAUTHENTICATED, "fel användarnamn eller lösenord",
				"wrong username or password");
	}
	app_throttle_clear(s->app, aukey);
	/* With a second factor enrolled, the password only earns a challenge (svc_totp.c). */
	struct db_totp t;
	if (db_totp_get(s->db, u.id, false, &t) != DB_OK)
		return svc_db_fail(s, e);
	if (t.confirmed) {
		csrf_out[0] = '\0';
		return svc_login_challenge(s, u.id, e);
	}
	char token[APP_TOKEN_MAX];
	if (app_session_start(s, u.id, token, csrf_out) != 0 ||
	    db_audit(s->db, u.id, "login.success", "user", u.id, NULL) != 0) {
		sodium_memzero(token, sizeof token);
		return svc_db_fail(s, e);
	}
	json_t *out = json_pack("{s:s, s:o}", "token", token, "user", svc_user_json(&u));
	sodium_memzero(token, sizeof token);
	return out;
}

json_t *svc_logout(struct svc *s, struct svc_error *e)
{
	if (db_session_delete(s->db, s->actor->token_hash) != DB_OK ||
	    db_audit(s->db, s->actor->user_id, "logout", "user", s->actor->user_id, NULL) != 0)
		return svc_db_fail(s, e);
	return json_object();
}

json_t *svc_me(struct svc *s, struct svc_error *e)
{
	struct db_user u;
	if (db_user_get(s->db, s->actor->user_id, &u) != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = svc_user_json(&u);
	json_t *second = svc_totp_status(s, false, e);
	if (!second) {
		json_decref(out);
		return NULL;
	}
	json_object_set_new(out, "second_factor", second);
	json_t *notices = svc_me_notices(s, e);
	if (!notices) {
		json_decref(out);
		return NULL;
	}
	json_object_set_new(out, "notices", notices);
	return out;
}

json_t *svc_set_lang(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const langs[] = { "sv", "en" };
	static const struct enum_def enum_lang = { "lang", langs, 2 };
	struct vctx v;
	int lang;
	vctx_init(&v);
	v_enum(&v, in, "lang", &enum_lang, V_REQUIRED, &lang);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_user_set_lang(s->db, s->actor->user_id, langs[lang]) != DB_OK)
		return svc_db_fail(s, e);
	return json_pack("{s:s}", "lang", langs[lang]);
}

json_t *svc_user_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "username", "password", "role", "organisation_id", "lang", NULL };
	struct vctx v;
	const char *username = NULL, *password = NULL;
	int role = -1;
	int64_t org = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "username", V_REQUIRED | V_SINGLE_LINE, DB_USERNAME_MAX - 1, &username);
	v_string(&v, in, "password", V_REQUIRED, PASSWORD_MAX_LEN, &password);
	v_enum(&v, in, "role", &enum_role, V_REQUIRED, &role);
	v_id(&v, in, "organisation_id", V_OPTIONAL, &org);
	const char *lang = "sv";
	v_string(&v, in, "lang", V_OPTIONAL | V_SINGLE_LINE, 2, &lang);
	if (!v.failed && strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0)
		v_fail(&v, "lang", "språket måste vara sv eller en", "the language must be sv or en");
	if (!v.failed && role == ROLE_CASEWORKER && org == 0)
		v_fail(&v, "organisation_id", "en handläggare måste höra till en organisation",
		       "a caseworker must belong to an organisation");
	if (!v.failed && role != ROLE_CASEWORKER && org != 0)
		v_fail(&v, "organisation_id", "bara handläggare hör till en organisation",
		       "only caseworkers belong to an organisation");
	const char *why_sv, *why_en;
	if (!v.failed && password_acceptable(password, &why_sv, &why_en) != 0)
		v_fail(&v, "password", why_sv, why_en);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (org) {
		struct db_org o;
		int rc = db_org_get(s->db, org, &o);
		if (rc == DB_NOTFOUND)
			return svc_fail_field(e, SVC_INVALID, "organisation_id", "organisationen finns inte",
					      "the organisation does not exist");
		if (rc != DB_OK)
			return svc_db_fail(s, e);
		db_org_free(&o);
	}
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(password, hash) != 0)
		return svc_fail(e, SVC_INTERNAL, "lösenordet kunde inte hashas", "the password could not be hashed");
	int64_t id;
	int rc;
	if (role == ROLE_COORDINATOR) {
		/* Four eyes on the control itself (domain.md §8): while a threshold
		 * is set, a new coordinator — a second pair of eyes one could log
		 * in as — waits for another coordinator's approval. */
		bool any;
		struct db_user taken;
		if (db_four_eyes_any(s->db, &any) != DB_OK)
			return svc_db_fail(s, e);
		rc = db_user_get_by_username(s->db, username, &taken);
		if (rc == DB_OK)
			return svc_fail_field(e, SVC_CONFLICT, "username", "användarnamnet är upptaget",
					      "the username is taken");
		if (rc != DB_NOTFOUND)
			return svc_db_fail(s, e);
		if (any) {
			char summary[160];
			json_t *payload = json_pack("{s:s, s:s, s:s, s:s}", "username", username, "role", "coordinator",
						    "lang", lang, "password_hash", hash);
			sodium_memzero(hash, sizeof hash);
			snprintf(summary, sizeof summary, "user_create role=coordinator username=%s", username);
			json_t *out = payload ? svc_change_propose(s, CHANGE_USER_CREATE, 0, payload, summary, e)
					      : svc_fail(e, SVC_INTERNAL, "internt fel", "internal error");
			json_decref(payload);
			return out;
		}
	}
	rc = db_user_create(s->db, s->actor->user_id, username, hash, (enum role)role, org, lang, &id);
	sodium_memzero(hash, sizeof hash);
	if (rc == DB_CONFLICT)
		return svc_fail_field(e, SVC_CONFLICT, "username", "användarnamnet är upptaget",
				      "the username is taken");
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	struct db_user u;
	if (db_user_get(s->db, id, &u) != DB_OK)
		return svc_db_fail(s, e);
	return svc_user_json(&u);
}

json_t *svc_user_list(struct svc *s, struct svc_error *e)
{
	struct db_user *users;
	size_t n;
	if (db_user_list(s->db, &users, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		struct db_totp t;
		if (db_totp_get(s->db, users[i].id, false, &t) != DB_OK) {
			free(users);
			json_decref(arr);
			return svc_db_fail(s, e);
		}
		json_t *u = svc_user_json(&users[i]);
		json_object_set_new(u, "second_factor", json_string(t.confirmed ? "enrolled" : t.present ? "pending" : "none"));
		json_array_append_new(arr, u);
	}
	free(users);
	return json_pack("{s:o}", "users", arr);
}

int svc_user_create_apply(struct svc *s, const json_t *payload, int64_t *result_id, struct svc_error *e)
{
	const char *username = json_string_value(json_object_get(payload, "username"));
	const char *hash = json_string_value(json_object_get(payload, "password_hash"));
	const char *lang = json_string_value(json_object_get(payload, "lang"));
	if (!username || !hash || !lang) {
		svc_fail(e, SVC_INTERNAL, "förslaget är skadat", "the proposal is damaged");
		return -1;
	}
	int rc = db_user_create(s->db, s->actor->user_id, username, hash, ROLE_COORDINATOR, 0, lang, result_id);
	if (rc == DB_CONFLICT) {
		svc_fail_field(e, SVC_CONFLICT, "username", "användarnamnet har tagits sedan förslaget gjordes",
			       "the username has been taken since the proposal was made");
		return -1;
	}
	if (rc != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	return 0;
}

int svc_user_activate_apply(struct svc *s, int64_t id, struct svc_error *e)
{
	int rc = db_user_set_active(s->db, s->actor->user_id, id, true);
	if (rc == DB_NOTFOUND) {
		svc_not_found(e);
		return -1;
	}
	if (rc != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	return 0;
}

json_t *svc_user_set_active(struct svc *s, int64_t id, bool active, struct svc_error *e)
{
	if (id == s->actor->user_id && !active)
		return svc_fail(e, SVC_CONFLICT, "du kan inte inaktivera dig själv", "you cannot deactivate yourself");
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (active) {
		/* Four eyes on the control itself (domain.md §8): re-activating a
		 * coordinator while a threshold is set waits for another one. */
		struct db_user target;
		bool any;
		int grc = db_user_get(s->db, id, &target);
		if (grc == DB_NOTFOUND) {
			db_rollback(s->db);
			return svc_not_found(e);
		}
		if (grc != DB_OK || db_four_eyes_any(s->db, &any) != DB_OK) {
			db_rollback(s->db);
			return svc_db_fail(s, e);
		}
		if (any && target.role == ROLE_COORDINATOR && !target.active) {
			char summary[160];
			json_t *payload = json_pack("{s:I, s:s}", "user_id", (json_int_t)id, "username", target.username);
			snprintf(summary, sizeof summary, "user_activate role=coordinator user=%lld", (long long)id);
			json_t *out = payload ? svc_change_propose(s, CHANGE_USER_ACTIVATE, id, payload, summary, e) : NULL;
			json_decref(payload);
			if (!out || db_commit(s->db) != 0) {
				db_rollback(s->db);
				json_decref(out);
				return out ? svc_db_fail(s, e) : (payload ? NULL : svc_fail(e, SVC_INTERNAL, "internt fel", "internal error"));
			}
			return out;
		}
	}
	int rc = db_user_set_active(s->db, s->actor->user_id, id, active);
	if (rc == DB_OK && !active)
		rc = db_session_delete_user(s->db, id); /* their sessions end at once */
	if (rc == DB_NOTFOUND) {
		db_rollback(s->db);
		return svc_not_found(e);
	}
	if (rc != DB_OK || db_commit(s->db) != 0) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	struct db_user u;
	if (db_user_get(s->db, id, &u) != DB_OK)
		return svc_db_fail(s, e);
	return svc_user_json(&u);
}
