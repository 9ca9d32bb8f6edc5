/*
 * The nsp web application: configuration, one database connection per
 * worker thread, sessions and login throttling, the route table, and the
 * service layer that both the JSON API (api.c) and the HTML pages call, so
 * that a rule or a query is never written twice.
 *
 * A request flows one way: http.c parses → app_before() authenticates →
 * a handler validates its input into typed values → a svc_*() function
 * loads what the rules need, asks the domain, writes in one transaction →
 * the handler renders the result as JSON or HTML.
 */
#ifndef NSP_WEB_APP_H
#define NSP_WEB_APP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/enums.h"
#include "store/store.h"
#include "web/http.h"
#include "web/validate.h"

struct app_config {
	const char *db_path;
	unsigned char master[DB_KEY_BYTES];  /* wiped by app_free */
	int64_t idle_timeout_s;              /* session idle expiry [900] */
	int64_t absolute_timeout_s;          /* session absolute expiry [43200] */
	int retention_days;                  /* R12 [730] */
	bool secure_cookies;                 /* add Secure to cookies (behind TLS) */
	/* e-mail notices (issue 17, web/mailer.h) */
	const char *smtp_url;                /* smtp://host:port or smtps://…; NULL: the outbox is only kept */
	const char *mail_from;               /* the sender's address */
	const char *smtp_ca;                 /* CA certificates (PEM) to verify the mail server by; NULL: the system's */
	const char *public_url;              /* the base of the links in notices [http://LISTEN] */
};

struct app;

/* Creates the application; checks that the database opens. NULL with err on failure. */
struct app *app_create(const struct app_config *cfg, char *err, size_t errsz);
void app_free(struct app *app);
const struct app_config *app_config(const struct app *app);

/* This thread's connection (opened on first use, closed when the thread
 * ends). NULL when it cannot be opened; the reason is logged. */
struct db *app_db(struct app *app);

/* The route table and the HTTP hooks for http_server_start(). */
void app_http_config(struct app *app, struct http_config *cfg);

/* Role bits of a route's roles mask. */
enum {
	ROLE_BIT_COORDINATOR = 1u << ROLE_COORDINATOR,
	ROLE_BIT_CASEWORKER = 1u << ROLE_CASEWORKER,
	ROLE_BIT_FUNDER = 1u << ROLE_FUNDER,
	ROLE_BITS_ALL = ROLE_BIT_COORDINATOR | ROLE_BIT_CASEWORKER | ROLE_BIT_FUNDER,
	ROUTE_PUBLIC = 1u << 8,   /* no login needed */
	ROUTE_FORM = 1u << 9,     /* an HTML form post: checks the CSRF token */
	/* Reachable by a coordinator or caseworker who has not enrolled a second
	 * factor yet (their own page, enrolment, /me, language, logout); every
	 * other route answers them 403 second_factor_enrolment_required. */
	ROUTE_ENROL = 1u << 10,
};

/* Who is asking: the logged-in user of a request (req->ctx). */
struct actor {
	int64_t user_id;
	enum role role;
	int64_t organisation_id;             /* 0 for coordinators and funders */
	char username[DB_USERNAME_MAX];
	char lang[DB_LANG_MAX];
	char csrf[DB_CSRF_MAX];
	unsigned char token_hash[DB_HASH_BYTES];
	bool logged_in;
	bool via_cookie;
	bool needs_enrolment;                /* coordinator/caseworker without a confirmed second factor */
};

/* The actor of a request; never NULL after app_before (logged_in may be false on public routes). */
/* The session of a request that no route matched (an error page: 404,
 * 405), so that the page keeps the header and the menu of a logged-in user;
 * GET and HEAD only, and nothing when the request has its actor already. */
void app_error_actor(struct http_request *req);
const struct actor *app_actor(const struct http_request *req);
/* "sv" or "en" for a request: the user's choice, else ?lang=, else Swedish. */
const char *app_lang(const struct http_request *req);

/* ---------------------------------------------------------------- service layer */

/* What went wrong in a service call; mapped to an HTTP status in one place (svc_http_status). */
enum svc_status {
	SVC_OK = 0,
	SVC_INVALID,       /* 400: a field is missing or invalid */
	SVC_UNAUTHENTICATED, /* 401 */
	SVC_FORBIDDEN,     /* 403: the role may not do this at all */
	SVC_NOT_FOUND,     /* 404: also for other organisations' records */
	SVC_CONFLICT,      /* 409: the state does not allow it */
	SVC_RULE,          /* 422: a programme rule refuses it */
	SVC_THROTTLED,     /* 429: too many failed logins */
	SVC_INTERNAL,      /* 500 */
};

struct svc_error;

/* The one map from a service error to HTTP: the status, and through code (may be NULL) the
 * API's "error" word ("invalid", "not_found", …). The API (svc_reply_error) and every page
 * answer with it. */
unsigned svc_http_status(const struct svc_error *e, const char **code);

struct svc_error {
	enum svc_status status;
	const char *rule;             /* SVC_RULE: "R3" ... */
	char field[VCTX_FIELD_MAX];
	char sv[512];
	char en[512];
	/* SVC_INVALID from a validator: every error of the request, the first
	 * one (field, sv, en above) included; 0 when there is just that one. */
	int n_errors;
	struct vctx_error errors[VCTX_ERRORS_MAX];
};

/* A service call's context: the app, this thread's database, the actor. */
struct svc {
	struct app *app;
	struct db *db;
	const struct actor *actor;
	const char *client_addr;
};

#define APP_TOKEN_MAX 96

/* Starts a session for user_id: a new random token (base64url of 256
 * bits) whose keyed hash alone is stored, and a CSRF token. Returns 0 or -1. */
int app_session_start(struct svc *s, int64_t user_id, char token[APP_TOKEN_MAX], char csrf[DB_CSRF_MAX]);
/* 256 random bits as unpadded base64url (43 characters): session tokens,
 * CSRF tokens and login challenges. */
void app_new_token(char out[APP_TOKEN_MAX]);
/* Sets (token) or clears (NULL) the session cookie: HttpOnly, SameSite=Strict. */
void app_set_session_cookie(struct http_request *req, const char *token);

/*
 * Login throttling per key ("u:NAME", "a:ADDRESS"): after THROTTLE_FREE
 * failures each further attempt must wait 2^(failures - THROTTLE_FREE)
 * seconds after the last failure (at most 15 minutes). app_throttle_wait
 * returns the seconds still to wait (0 = may try).
 */
#define THROTTLE_FREE 5
int64_t app_throttle_wait(struct app *app, const char *key, int64_t now);
void app_throttle_fail(struct app *app, const char *key, int64_t now);
void app_throttle_clear(struct app *app, const char *key);
/* 1 when key has failed within the throttle's memory (15 minutes). */
int app_throttle_failed(struct app *app, const char *key, int64_t now);

/*
 * Counted audit (issue 16, audit floods): events that can come in floods —
 * failed and throttled logins, guessed challenges (user_id 0), reads of
 * another organisation's records refused as 404 (the user's id) — make one
 * audit row per (action, address, user, minute), "address=A
 * minute=YYYY-MM-DDTHH:MMZ count=N", written when the minute is over (at
 * the next counted event) or when the server stops. With action NULL it
 * only writes what is over.
 */
void app_audit_count(struct app *app, struct db *db, const char *action, const char *addr, int64_t user_id,
		     int64_t now);

/* Replies with the status, code and messages of e (the one error mapping). */
void svc_reply_error(struct http_request *req, const struct svc_error *e);

#endif
