/* The application object, per-thread connections, authentication and the error mapping. */
#include "web/app.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "web/form.h"
#include "web/routes.h"
#include "web/service.h"

#define THROTTLE_SLOTS 4096
#define THROTTLE_PROBES 8
#define THROTTLE_MAX_WAIT (15 * 60)
#define THROTTLE_FORGET (60 * 60)

struct throttle_slot {
	uint64_t key;      /* SipHash of the key text; 0 = free */
	int64_t last_fail; /* Unix seconds */
	int failures;
};

/* Counted audit events (issue 16): one row per (action, address, minute). */
#define AUDIT_COUNT_SLOTS 256
struct audit_count {
	char action[32];
	char addr[HTTP_CLIENT_ADDR_LEN];
	int64_t user_id;
	int64_t minute;  /* Unix minutes; 0 = free */
	unsigned count;
};

struct app {
	struct app_config cfg;
	pthread_key_t db_key;
	pthread_mutex_t throttle_lock;
	unsigned char throttle_key[crypto_shorthash_KEYBYTES];
	struct throttle_slot throttle[THROTTLE_SLOTS];
	pthread_mutex_t count_lock;
	struct audit_count counts[AUDIT_COUNT_SLOTS];
};

static void close_thread_db(void *p)
{
	db_close(p);
}

struct app *app_create(const struct app_config *cfg, char *err, size_t errsz)
{
	struct app *app = calloc(1, sizeof *app);
	if (!app) {
		snprintf(err, errsz, "out of memory / minnet räcker inte");
		return NULL;
	}
	app->cfg = *cfg;
	if (!app->cfg.idle_timeout_s)
		app->cfg.idle_timeout_s = 15 * 60;
	if (!app->cfg.absolute_timeout_s)
		app->cfg.absolute_timeout_s = 12 * 60 * 60;
	if (!app->cfg.retention_days)
		app->cfg.retention_days = 730;
	if (pthread_key_create(&app->db_key, close_thread_db) != 0) {
		snprintf(err, errsz, "cannot create a thread key / kan inte skapa en trådnyckel");
		free(app);
		return NULL;
	}
	pthread_mutex_init(&app->throttle_lock, NULL);
	pthread_mutex_init(&app->count_lock, NULL);
	randombytes_buf(app->throttle_key, sizeof app->throttle_key);
	/* Open once here so that a wrong path or key fails at start, not at the first request. */
	struct db *db = app_db(app);
	if (!db) {
		snprintf(err, errsz, "the database cannot be opened / databasen kan inte öppnas: %s", app->cfg.db_path);
		app_free(app);
		return NULL;
	}
	return app;
}

void app_free(struct app *app)
{
	if (!app)
		return;
	/* What the counted audit holds goes to the log before the end. */
	app_audit_count(app, app_db(app), NULL, NULL, 0, INT64_MAX / 2);
	struct db *db = pthread_getspecific(app->db_key);
	if (db) {
		pthread_setspecific(app->db_key, NULL);
		db_close(db);
	}
	pthread_key_delete(app->db_key);
	pthread_mutex_destroy(&app->throttle_lock);
	pthread_mutex_destroy(&app->count_lock);
	sodium_memzero(app->cfg.master, sizeof app->cfg.master);
	free(app);
}

const struct app_config *app_config(const struct app *app)
{
	return &app->cfg;
}

struct db *app_db(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	if (db)
		return db;
	char err[DB_ERR_MAX];
	if (db_open(&db, app->cfg.db_path, DB_EXISTING, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return NULL;
	}
	if (db_set_keys(db, app->cfg.master) != 0) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		db_close(db);
		return NULL;
	}
	pthread_setspecific(app->db_key, db);
	return db;
}

/* ---------------------------------------------------------------- errors */

unsigned svc_http_status(const struct svc_error *e, const char **code)
{
	static const struct {
		unsigned status;
		const char *code;
	} map[] = {
		[SVC_OK] = { 500, "internal" },
		[SVC_INVALID] = { 400, "invalid" },
		[SVC_UNAUTHENTICATED] = { 401, "unauthenticated" },
		[SVC_FORBIDDEN] = { 403, "forbidden" },
		[SVC_NOT_FOUND] = { 404, "not_found" },
		[SVC_CONFLICT] = { 409, "conflict" },
		[SVC_RULE] = { 422, "rule" },
		[SVC_THROTTLED] = { 429, "throttled" },
		[SVC_INTERNAL] = { 500, "internal" },
	};
	size_t i = (size_t)e->status < sizeof map / sizeof map[0] ? (size_t)e->status : SVC_INTERNAL;
	if (code)
		*code = map[i].code;
	return map[i].status;
}

void svc_reply_error(struct http_request *req, const struct svc_error *e)
{
	const char *code;
	unsigned status = svc_http_status(e, &code);
	if (e->status == SVC_RULE) {
		http_reply_rule(req, e->rule, e->sv, e->en);
		return;
	}
	if (e->status == SVC_THROTTLED)
		http_add_header(req, "Retry-After", "60");
	if (e->n_errors > 0) {
		http_reply_errors(req, status, code, e->field[0] ? e->field : NULL, e->sv, e->en, e->errors,
				  (size_t)e->n_errors);
		return;
	}
	http_reply_error(req, status, code, e->field[0] ? e->field : NULL, e->sv, e->en);
}

json_t *svc_fail(struct svc_error *e, enum svc_status st, const char *sv, const char *en)
{
	e->status = st;
	e->rule = NULL;
	e->n_errors = 0;
	e->field[0] = '\0';
	snprintf(e->sv, sizeof e->sv, "%s", sv);
	snprintf(e->en, sizeof e->en, "%s", en);
	return NULL;
}

void svc_invalid(struct svc_error *e, const struct vctx *v)
{
	svc_fail(e, SVC_INVALID, v->msg_sv, v->msg_en);
	snprintf(e->field, sizeof e->field, "%s", v->field);
	e->n_errors = v->n_errors < VCTX_ERRORS_MAX ? v->n_errors : VCTX_ERRORS_MAX;
	memcpy(e->errors, v->errors, (size_t)e->n_errors * sizeof e->errors[0]);
}

/* ---------------------------------------------------------------- sessions */

#define SESSION_COOKIE "nsp_session"

static void actor_free(void *p)
{
	if (p)
		sodium_memzero(p, sizeof(struct actor));
	free(p);
}

const struct actor *app_actor(const struct http_request *req)
{
	static const struct actor nobody;
	return req->ctx ? req->ctx : &nobody;
}

const char *app_lang(const struct http_request *req)
{
	const struct actor *a = app_actor(req);
	if (a->logged_in && strcmp(a->lang, "en") == 0)
		return "en";
	if (!a->logged_in) {
		char c[8];
		if (http_cookie(req, "nsp_lang", c, sizeof c) == 0 && strcmp(c, "en") == 0)
			return "en";
	}
	return "sv";
}

/*
 * Finds the session of the request's Bearer token or cookie and fills a.
 * Returns 1 when a live session was found, 0 otherwise (expired sessions
 * and sessions of deactivated users are deleted on sight).
 */
static int load_session(struct http_request *req, struct db *db, struct actor *a)
{
	char token[APP_TOKEN_MAX];
	int via_cookie = 0;
	if (http_bearer(req, token, sizeof token) != 0) {
		if (http_cookie(req, SESSION_COOKIE, token, sizeof token) != 0)
			return 0;
		via_cookie = 1;
	}
	unsigned char hash[DB_HASH_BYTES];
	struct db_session s;
	struct db_totp t;
	bool opened, found, case_role, enrolled = false;
	int rc = db_session_token_hash(db, (const unsigned char *)token, strlen(token), hash);
	sodium_memzero(token, sizeof token);
	/* The session and the second factor in one read transaction (one lock of
	 * the WAL index instead of two); the writes (delete, touch) after it. */
	if (rc != 0 || db_read_begin(db, &opened) != DB_OK)
		return 0;
	found = db_session_get(db, hash, &s) == DB_OK;
	case_role = found && (s.user.role == ROLE_COORDINATOR || s.user.role == ROLE_CASEWORKER);
	/* A second factor is required of those who see case data; a failed
	 * lookup counts as "not enrolled" (fail closed). */
	if (case_role)
		enrolled = db_totp_get(db, s.user.id, false, &t) == DB_OK && t.confirmed;
	if (db_read_end(db, opened) != DB_OK || !found)
		return 0;
	const struct app_config *cfg = app_config(req->app);
	int64_t now = (int64_t)time(NULL);
	if (!s.user.active || now - s.last_seen > cfg->idle_timeout_s || now - s.created_at > cfg->absolute_timeout_s) {
		db_session_delete(db, hash);
		return 0;
	}
	/* Touch at most once a minute: a write per request would serialise readers. */
	if (now - s.last_seen >= 60)
		db_session_touch(db, hash, now);
	a->user_id = s.user.id;
	req->user_id = s.user.id;
	a->role = s.user.role;
	a->organisation_id = s.user.organisation_id;
	snprintf(a->username, sizeof a->username, "%s", s.user.username);
	snprintf(a->lang, sizeof a->lang, "%s", s.user.lang);
	snprintf(a->csrf, sizeof a->csrf, "%s", s.csrf);
	memcpy(a->token_hash, hash, sizeof hash);
	a->logged_in = true;
	a->via_cookie = via_cookie;
	a->needs_enrolment = case_role && !enrolled;
	return 1;
}

void app_error_actor(struct http_request *req)
{
	struct db *db = app_db(req->app);
	if (req->ctx || !db || (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
		return;
	struct actor *a = calloc(1, sizeof *a);
	if (!a)
		return;
	snprintf(a->lang, sizeof a->lang, "sv");
	req->ctx = a;
	/* Someone who must enrol a second factor first gets no menu. */
	if (load_session(req, db, a) && a->needs_enrolment)
		a->logged_in = false;
}

/* Constant-time comparison of two NUL-terminated tokens. */
static int token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb || la == 0)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

static enum http_next refuse_cross_site(struct http_request *req)
{
	http_reply_error(req, 403, "csrf", NULL,
			 "begäran kommer inte från den här tjänstens egna sidor; ladda om sidan och försök igen",
			 "the request does not come from this service's own pages; reload the page and try again");
	return HTTP_HANDLED;
}

static enum http_next app_before(struct http_request *req)
{
	struct actor *a = calloc(1, sizeof *a);
	if (!a) {
		http_reply_error(req, 500, "internal", NULL, "minnet räcker inte", "out of memory");
		return HTTP_HANDLED;
	}
	snprintf(a->lang, sizeof a->lang, "sv");
	req->ctx = a;
	unsigned roles = req->route->roles;
	struct db *db = app_db(req->app);
	if (!db) {
		http_reply_error(req, 503, "unavailable", NULL, "databasen är inte tillgänglig just nu",
				 "the database is not available right now");
		return HTTP_HANDLED;
	}
	int have = load_session(req, db, a);
	int writes = strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
	/* CSRF (issue 16): a write the browser says is cross-site is refused
	 * whatever it carries — login included (login CSRF), whatever its body
	 * (empty ones too). A write riding on the session cookie must moreover
	 * show that it comes from our own pages; Bearer-token clients send no
	 * cookie and are not concerned. */
	if (writes && !(have && !a->via_cookie)) {
		enum form_origin o = form_request_origin(http_header(req, "Origin"), http_header(req, "Sec-Fetch-Site"),
							 http_header(req, "Referer"), http_header(req, "Host"));
		if (o == FORM_ORIGIN_FOREIGN || (have && a->via_cookie && o != FORM_ORIGIN_OURS))
			return refuse_cross_site(req);
	}
	if (roles & ROUTE_PUBLIC) {
		/* The login and its second step take JSON only: a cross-site form
		 * cannot send that without a preflight (login CSRF, issue 16). */
		if (writes && http_is_api(req)) {
			const char *ct = http_header(req, "Content-Type");
			if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
				http_reply_error(req, 415, "unsupported_media_type", NULL,
						 "inloggningen tar emot application/json",
						 "the login takes application/json");
				return HTTP_HANDLED;
			}
		}
		return HTTP_CONTINUE;
	}
	if (!have) {
		if (!http_is_api(req)) {
			http_reply_redirect(req, 303, "/login");
			return HTTP_HANDLED;
		}
		http_reply_error(req, 401, "unauthenticated", NULL, "du är inte inloggad", "you are not logged in");
		return HTTP_HANDLED;
	}
	if (!(roles & (1u << a->role))) {
		http_reply_error(req, 403, "forbidden", NULL, "din roll får inte göra detta",
				 "your role may not do this");
		return HTTP_HANDLED;
	}
	if (a->needs_enrolment && !(roles & ROUTE_ENROL)) {
		if (!http_is_api(req)) {
			http_reply_redirect(req, 303, "/me");
			return HTTP_HANDLED;
		}
		http_reply_error(req, 403, "second_factor_enrolment_required", NULL,
				 "du måste ställa in tvåstegsverifiering först (POST /api/v1/me/totp)",
				 "you must enrol a second factor first (POST /api/v1/me/totp)");
		return HTTP_HANDLED;
	}
	if (writes && http_is_api(req) && a->via_cookie) {
		/* A cookie-authenticated API write must be JSON: a cross-site form
		 * cannot send that without a CORS preflight, which we never allow. */
		const char *ct = http_header(req, "Content-Type");
		if (req->body_len && (!ct || strncmp(ct, "application/json", 16) != 0)) {
			http_reply_error(req, 415, "unsupported_media_type", NULL,
					 "API-anrop med cookie måste skicka application/json",
					 "API calls with a cookie must send application/json");
			return HTTP_HANDLED;
		}
	}
	if (writes && (roles & ROUTE_FORM)) {
		const char *sent = http_header(req, "X-CSRF-Token");
		struct form f = FORM_INIT;
		if (!sent && req->body && form_parse(&f, req->body, req->body_len, 0) == FORM_OK)
			sent = form_get(&f, "csrf");
		int ok = sent && token_equal(sent, a->csrf);
		form_release(&f);
		if (!ok) {
			http_reply_error(req, 403, "csrf", NULL,
					 "formuläret har gått ut; ladda om sidan och försök igen",
					 "the form has expired; reload the page and try again");
			return HTTP_HANDLED;
		}
	}
	return HTTP_CONTINUE;
}

void app_http_config(struct app *app, struct http_config *cfg)
{
	cfg->routes = app_routes;
	cfg->nroutes = app_nroutes;
	cfg->app = app;
	cfg->before = app_before;
	cfg->ctx_free = actor_free;
	cfg->error_page = app_error_page;
}

/* ---------------------------------------------------------------- login */

/* 32 random bytes as unpadded base64url: 43 characters (size >= 44). */
static void new_token(char *out, size_t size)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, size, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void app_new_token(char out[APP_TOKEN_MAX])
{
	new_token(out, APP_TOKEN_MAX);
}

int app_session_start(struct svc *s, int64_t user_id, char token[APP_TOKEN_MAX],
		      char csrf[DB_CSRF_MAX])
{
	unsigned char hash[DB_HASH_BYTES];
	new_token(token, APP_TOKEN_MAX);
	new_token(csrf, DB_CSRF_MAX);
	if (db_session_token_hash(s->db, (const unsigned char *)token, strlen(token), hash) != 0)
		return -1;
	int64_t now = (int64_t)time(NULL);
	const struct app_config *cfg = app_config(s->app);
	db_session_delete_expired(s->db, cfg->idle_timeout_s, cfg->absolute_timeout_s, now, NULL);
	return db_session_create(s->db, hash, user_id, csrf, now) == DB_OK ? 0 : -1;
}

void app_set_session_cookie(struct http_request *req, const char *token)
{
	const struct app_config *cfg = app_config(req->app);
	unsigned flags = HTTP_COOKIE_DEFAULT | (cfg->secure_cookies ? HTTP_COOKIE_SECURE : 0);
	http_set_cookie(req, SESSION_COOKIE, token ? token : "", token ? -1 : 0, flags);
}

/* ---------------------------------------------------------------- throttling */

static uint64_t throttle_hash(const struct app *app, const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), app->throttle_key);
	memcpy(&v, h, sizeof v);
	return v ? v : 1;
}

/* The slot of key, or NULL; with create, a free or forgotten or the oldest
 * slot among the probes is taken for it. Called with the lock held. */
static struct throttle_slot *throttle_find(struct app *app, uint64_t h, int64_t now, int create)
{
	struct throttle_slot *victim = NULL;
	for (int i = 0; i < THROTTLE_PROBES; i++) {
		struct throttle_slot *s = &app->throttle[(h + (uint64_t)i) % THROTTLE_SLOTS];
		if (s->key == h)
			return s;
		/* Free slots have last_fail 0, forgotten ones an old time: the oldest goes. */
		if (!victim || s->key == 0 || s->last_fail < victim->last_fail)
			victim = s;
	}
	if (!create)
		return NULL;
	victim->key = h;
	victim->failures = 0;
	victim->last_fail = now;
	return victim;
}

int64_t app_throttle_wait(struct app *app, const char *key, int64_t now)
{
	uint64_t h = throttle_hash(app, key);
	int64_t wait = 0;
	pthread_mutex_lock(&app->throttle_lock);
	struct throttle_slot *s = throttle_find(app, h, now, 0);
	if (s && s->failures >= THROTTLE_FREE && now - s->last_fail <= THROTTLE_FORGET) {
		int shift = s->failures - THROTTLE_FREE;
		int64_t need = shift >= 10 ? THROTTLE_MAX_WAIT : ((int64_t)1 << shift);
		if (need > THROTTLE_MAX_WAIT)
			need = THROTTLE_MAX_WAIT;
		if (now - s->last_fail < need)
			wait = need - (now - s->last_fail);
	}
	pthread_mutex_unlock(&app->throttle_lock);
	return wait;
}

void app_throttle_fail(struct app *app, const char *key, int64_t now)
{
	uint64_t h = throttle_hash(app, key);
	pthread_mutex_lock(&app->throttle_lock);
	struct throttle_slot *s = throttle_find(app, h, now, 1);
	if (now - s->last_fail > THROTTLE_FORGET)
		s->failures = 0;
	if (s->failures < 1000)
		s->failures++;
	s->last_fail = now;
	pthread_mutex_unlock(&app->throttle_lock);
}

void app_throttle_clear(struct app *app, const char *key)
{
	uint64_t h = throttle_hash(app, key);
	pthread_mutex_lock(&app->throttle_lock);
	struct throttle_slot *s = throttle_find(app, h, 0, 0);
	if (s)
		s->key = 0;
	pthread_mutex_unlock(&app->throttle_lock);
}

int app_throttle_failed(struct app *app, const char *key, int64_t now)
{
	uint64_t h = throttle_hash(app, key);
	pthread_mutex_lock(&app->throttle_lock);
	struct throttle_slot *s = throttle_find(app, h, now, 0);
	int failed = s && s->failures > 0 && now - s->last_fail <= THROTTLE_FORGET;
	pthread_mutex_unlock(&app->throttle_lock);
	return failed;
}

/* ---------------------------------------------------------------- counted audit */

/* Writes one counted row: "address=A minute=2026-12-07T23:41Z count=N". */
static void audit_count_write(struct db *db, const struct audit_count *c)
{
	char detail[160], when[32];
	time_t t = (time_t)(c->minute * 60);
	struct tm tm;
	if (!db || !gmtime_r(&t, &tm) || strftime(when, sizeof when, "%Y-%m-%dT%H:%MZ", &tm) == 0)
		return;
	snprintf(detail, sizeof detail, "address=%s minute=%s count=%u", c->addr, when, c->count);
	db_audit(db, c->user_id, c->action, "address", 0, detail);
}

void app_audit_count(struct app *app, struct db *db, const char *action, const char *addr, int64_t user_id,
		     int64_t now)
{
	struct audit_count done[AUDIT_COUNT_SLOTS];
	size_t ndone = 0;
	int64_t minute = now / 60;
	struct audit_count *mine = NULL, *free_slot = NULL;
	pthread_mutex_lock(&app->count_lock);
	for (size_t i = 0; i < AUDIT_COUNT_SLOTS; i++) {
		struct audit_count *c = &app->counts[i];
		if (c->minute && c->minute < minute) {
			done[ndone++] = *c;   /* a minute that is over: its row is written below */
			c->minute = 0;
		}
		if (!c->minute) {
			if (!free_slot)
				free_slot = c;
		} else if (action && addr && c->user_id == user_id && strcmp(c->action, action) == 0 &&
			   strcmp(c->addr, addr) == 0) {
			mine = c;
		}
	}
	struct audit_count single = { 0 };
	if (action && addr) {
		if (!mine && free_slot) {
			mine = free_slot;
			snprintf(mine->action, sizeof mine->action, "%s", action);
			snprintf(mine->addr, sizeof mine->addr, "%s", addr);
			mine->user_id = user_id;
			mine->minute = minute;
			mine->count = 0;
		}
		if (mine)
			mine->count++;
		else { /* more addresses in this minute than slots: a row of its own */
			snprintf(single.action, sizeof single.action, "%s", action);
			snprintf(single.addr, sizeof single.addr, "%s", addr);
			single.user_id = user_id;
			single.minute = minute;
			single.count = 1;
		}
	}
	pthread_mutex_unlock(&app->count_lock);
	for (size_t i = 0; i < ndone; i++)
		audit_count_write(db, &done[i]);
	if (single.count)
		audit_count_write(db, &single);
}
