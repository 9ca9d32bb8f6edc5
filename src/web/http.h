/*
 * HTTP plumbing of `nsp serve`: the request lifecycle on libmicrohttpd, the
 * route table, response builders and the one place where security headers
 * are set. It knows nothing of the programme's rules, sessions or roles: the
 * application supplies a route table, a pre-dispatch hook (authentication,
 * CSRF) and an optional HTML error page.
 *
 * Lifecycle of one request (all on an MHD worker thread):
 *   1. headers arrive: URL length (414), path decoding (400), route match
 *      (404 / 405 with Allow), declared Content-Length (413) are checked
 *      before any body byte is read;
 *   2. the body is accumulated up to http_config.max_body (413 beyond);
 *   3. config.before(req) runs; if it replied, that reply is sent;
 *   4. the route's handler runs and replies through http_reply_*();
 *      a handler that does not reply yields 500 "internal".
 * Every response, including the plumbing's own errors, goes through one
 * function that adds the security headers (see http.c: add_security_headers).
 *
 * Threads: handlers run concurrently on a pool of threads; a struct
 * http_request belongs to one thread at a time and must not be kept after
 * the handler returns.
 */
#ifndef NSP_WEB_HTTP_H
#define NSP_WEB_HTTP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct buf;
struct vctx;
struct vctx_error;
struct http_request;
struct http_server;

/* ---------------------------------------------------------------- routes */

/*
 * A handler answers by calling exactly one http_reply_*() on req (a second
 * reply replaces the first). It may add headers and cookies before or after.
 */
typedef void (*http_handler_fn)(struct http_request *req);

/*
 * One row of the route table. The table is data: the application declares
 * all routes in one array and http_dispatch matches them in order.
 *
 * pattern: an absolute path of literal segments and placeholders:
 *   "{name}"  one segment holding a positive decimal int64 (1..INT64_MAX,
 *             no sign, no leading zero); anything else makes the route not
 *             match, so "/persons/abc" is 404. Values land in
 *             req->ids[0..nids-1] in order of appearance.
 *   "*"       only as the last segment: one or more remaining segments,
 *             none of them "." or "..", joined with '/' into req->tail
 *             (for static files): "/static/ *" without the space matches
 *             "/static/a/b.css" with tail "a/b.css".
 * Matching is exact per segment: "/api/v1/persons/" (trailing slash) and
 * "//x" do not match "/api/v1/persons" or "/x". Percent escapes are decoded
 * per segment, so "%31" equals "1", but "%2F" never acts as a separator.
 *
 * method: "GET", "POST", "PUT", "DELETE", ... (exact, upper case). A GET
 * route also answers HEAD.
 *
 * roles: a bit mask the application interprets (e.g. in its before hook,
 * via req->route->roles). The plumbing only carries it.
 */
struct route {
	const char *method;
	const char *pattern;
	http_handler_fn fn;
	unsigned roles;
};

/* ----------------------------------------------------------------- limits */

#define HTTP_MAX_URL 2048          /* longer request targets get 414 */
#define HTTP_MAX_IDS 4             /* placeholders per pattern */
#define HTTP_MAX_SEGMENTS 32       /* path segments; more is 404 */
#define HTTP_DEFAULT_MAX_BODY (1024u * 1024u)
#define HTTP_CLIENT_ADDR_LEN 64    /* fits any IPv6 text form + NUL */
#define HTTP_DEFAULT_PER_IP 32     /* connections per client address unless configured */
#define HTTP_DEFAULT_PER_NET 64    /* connections per /24 (IPv4) or /64 (IPv6) unless configured */
#define HTTP_DEFAULT_HEADER_DEADLINE 10 /* seconds for a request's head, from its connection or last answer */
#define HTTP_DEFAULT_BODY_DEADLINE 60   /* seconds for a request's body, from its head */
#define HTTP_PER_IP_UNLIMITED UINT_MAX /* http_config.per_ip_limit: no limit (behind a proxy) */

/* ---------------------------------------------------------------- request */

/*
 * What a handler sees. Fields are filled by the plumbing and are read-only
 * for the application, except `ctx`. Strings are NUL-terminated and live
 * until the request completes.
 */
struct http_request {
	const char *method;        /* as sent, e.g. "GET" */
	const char *path;          /* path as sent (not decoded), without the query */
	const struct route *route; /* the matched row (NULL only in error pages) */
	int64_t ids[HTTP_MAX_IDS]; /* values of the {name} placeholders */
	int nids;
	const char *tail;          /* what "*" matched, or NULL */
	const char *body;          /* request body (NUL-terminated for safety;
	                            * may contain NULs), NULL when empty */
	size_t body_len;
	char client_addr[HTTP_CLIENT_ADDR_LEN]; /* read it with http_client_addr() */
	void *app;                 /* http_config.app */
	int64_t user_id;           /* for the request log: set by the application
	                            * once it knows who is asking (0: nobody) */

	/*
	 * For the application: e.g. its before hook stores the session here.
	 * Freed at completion with http_config.ctx_free when that is set.
	 */
	void *ctx;

	struct http_request_impl *impl; /* private to http.c */
};

/*
 * The first value of query parameter `name` (decoded, valid UTF-8, no NUL),
 * or NULL when absent. A query string that cannot be decoded is refused
 * with 400 before the handler runs, so NULL always means "absent".
 */
const char *http_query(const struct http_request *req, const char *name);

/* The value of request header `name` (case-insensitive), or NULL. */
const char *http_header(const struct http_request *req, const char *name);

/*
 * Copies the value of cookie `name` from the Cookie header into out (size
 * outsz, NUL-terminated). Returns 0, or -1 when absent, malformed or too long.
 */
int http_cookie(const struct http_request *req, const char *name, char *out, size_t outsz);

/*
 * Copies the token of "Authorization: Bearer TOKEN" into out. Returns 0, or
 * -1 when the header is absent, uses another scheme or is malformed.
 */
int http_bearer(const struct http_request *req, char *out, size_t outsz);

/*
 * THE client address of the request, for throttling, connection caps and the
 * audit log: "127.0.0.1", "::1", or "" when unknown. Every caller above the
 * plumbing asks here rather than reading the socket, so that a trusted
 * reverse proxy's X-Forwarded-For (or anything else that decides who the
 * client is) is handled in this one place. It is the connection's peer, or,
 * when the peer is one of http_config.trusted_proxies, the right-most hop of
 * X-Forwarded-For that is not a trusted proxy (http.c: set_client_addr).
 */
const char *http_client_addr(const struct http_request *req);

/* 1 when the path is under /api/ (errors are JSON there, HTML elsewhere). */
int http_is_api(const struct http_request *req);

/* -------------------------------------------------------------- responses */

/*
 * All reply functions return 0, or -1 on a refused argument or lack of
 * memory; after -1 the request is answered 500 unless another reply follows.
 * They copy what they are given unless stated otherwise.
 */

/* Serialises body with JSON_COMPACT as application/json. Takes ownership of
 * body (its reference is released in every case, also on -1). */
int http_reply_json(struct http_request *req, unsigned status, json_t *body);

/* text/html; charset=utf-8. Copies len bytes of html. */
int http_reply_html(struct http_request *req, unsigned status, const char *html, size_t len);

/* As http_reply_html, but takes the storage of b (b is reset, no copy). */
int http_reply_html_buf(struct http_request *req, unsigned status, struct buf *b);

/*
 * A redirect (status 301, 302, 303, 307 or 308) to a local path: location
 * must start with '/' but not "//" or "/\", and hold no control bytes, so
 * that the server can never be made to redirect off-site.
 */
int http_reply_redirect(struct http_request *req, unsigned status, const char *location);

/*
 * Any bytes with the given Content-Type (e.g. "text/csv; charset=utf-8").
 * download_filename, when not NULL, adds Content-Disposition: attachment;
 * it must be 1..100 bytes of [A-Za-z0-9._-] not starting with '.'.
 */
int http_reply_bytes(struct http_request *req, unsigned status, const char *content_type,
		     const void *data, size_t len, const char *download_filename);

/*
 * An error in the form of api.md. Under /api/ the body is
 *   {"error":{"code":code,"field":field,"message":message_en,
 *             "message_sv":message_sv,"message_en":message_en}}
 * ("field" only when not NULL). Elsewhere http_config.error_page renders
 * it, or a plain-text page holding both messages when there is none.
 * code: "invalid", "unauthenticated", "forbidden", "not_found",
 * "method_not_allowed", "too_large", "conflict", "rule", "internal", ...
 */
int http_reply_error(struct http_request *req, unsigned status, const char *code,
		     const char *field, const char *message_sv, const char *message_en);

/* As http_reply_error, with "errors":[{"field","message","message_sv",
 * "message_en"}] of the n errors (the first one included) under /api/. */
int http_reply_errors(struct http_request *req, unsigned status, const char *code, const char *field,
		      const char *message_sv, const char *message_en, const struct vctx_error *errors,
		      size_t n);

/* 422 {"error":{"code":"rule","rule":rule,"message":en,"message_sv":sv,"message_en":en}}
 * under /api/; elsewhere like http_reply_error with code "rule". */
int http_reply_rule(struct http_request *req, const char *rule,
		    const char *message_sv, const char *message_en);

/* 400 "invalid" with the field and messages of a failed validation context. */
int http_reply_invalid(struct http_request *req, const struct vctx *v);

/*
 * Adds a response header. Refuses (-1) names that are not HTTP tokens,
 * values with control bytes, and headers the plumbing owns: Content-Type,
 * Content-Length, Content-Disposition, Location, Set-Cookie (use
 * http_set_cookie) and the security headers. Headers added before the reply
 * are kept by it.
 */
int http_add_header(struct http_request *req, const char *name, const char *value);

/* Flags for http_set_cookie. HTTP_COOKIE_DEFAULT is what sessions want. */
enum {
	HTTP_COOKIE_HTTPONLY = 1u << 0,
	HTTP_COOKIE_SECURE = 1u << 1,
	HTTP_COOKIE_SAMESITE_STRICT = 1u << 2,
	HTTP_COOKIE_SAMESITE_LAX = 1u << 3,
	HTTP_COOKIE_DEFAULT = HTTP_COOKIE_HTTPONLY | HTTP_COOKIE_SAMESITE_STRICT,
};

/*
 * Sets a cookie with Path=/. max_age_s < 0: a session cookie; 0: deletes it;
 * > 0: Max-Age. name must be an HTTP token and value cookie-octets (at most
 * 1024 bytes). Returns 0 or -1.
 */
int http_set_cookie(struct http_request *req, const char *name, const char *value,
		    long max_age_s, unsigned flags);

/* Lets this response be cached (static assets only): Cache-Control
 * "public, max-age=N" instead of the default "no-store". */
void http_allow_cache(struct http_request *req, unsigned max_age_s);

/* ----------------------------------------------------------------- server */

/* What config.before returns. */
enum http_next { HTTP_CONTINUE = 0, HTTP_HANDLED = 1 };

struct http_config {
	const char *listen;        /* "ADDR:PORT", "[V6ADDR]:PORT"; NULL = 127.0.0.1:8080; port 0 = any */
	const struct route *routes;
	size_t nroutes;
	void *app;                 /* copied into every req->app */

	/*
	 * Runs after the body is read and before the handler, for matched
	 * routes only. Return HTTP_HANDLED after replying (e.g. 401, 403) to
	 * skip the handler, HTTP_CONTINUE to go on. NULL: always continue.
	 */
	enum http_next (*before)(struct http_request *req);

	/*
	 * Renders an error for a non-/api/ path by calling http_reply_html (or
	 * another reply). Inside it, http_reply_error answers in plain text,
	 * so it cannot recurse. req->route may be NULL (404, 405, 413 ...).
	 */
	void (*error_page)(struct http_request *req, unsigned status, const char *code,
			   const char *message_sv, const char *message_en);

	void (*ctx_free)(void *ctx); /* frees req->ctx at completion, if set */

	/* Tuning; 0 means the default in brackets. */
	unsigned threads;            /* worker threads [number of CPUs] */
	unsigned timeout_s;          /* idle connection timeout [30] */
	unsigned per_ip_limit;       /* connections per client address [HTTP_DEFAULT_PER_IP];
	                              * HTTP_PER_IP_UNLIMITED: none, for a server behind a
	                              * reverse proxy, where every client has the proxy's address */
	unsigned per_net_limit;      /* connections per /24 (IPv4) or /64 (IPv6) [HTTP_DEFAULT_PER_NET];
	                              * HTTP_PER_IP_UNLIMITED, or per_ip_limit unlimited: none */
	unsigned header_deadline_s;  /* absolute deadline of a request's head [10] */
	unsigned body_deadline_s;    /* absolute deadline of a request's body after its head [60] */
	unsigned connection_limit;   /* connections in total [256] */
	size_t connection_memory;    /* per-connection header/URL memory [32 KiB] */
	size_t max_body;             /* per request body [1 MiB] */
	size_t max_body_total;       /* all buffered bodies together, else 503 [64 MiB] */
	unsigned drain_timeout_s;    /* how long a stop waits for requests [30] */
	int quiet;                   /* 1: no libmicrohttpd messages on stderr */

	/* Reverse proxies, "ADDR[,ADDR...]" (IPv4 or IPv6, exact addresses):
	 * a connection from one of them gets its client address from
	 * X-Forwarded-For (the right-most hop that is not a trusted proxy);
	 * everyone else's X-Forwarded-For is ignored. NULL: none. */
	const char *trusted_proxies;

	/* 1: every cookie gets Secure and responses Strict-Transport-Security
	 * (the browser reaches us over HTTPS: our own TLS, or a proxy's). */
	int secure_cookies;

	/* 1: one line per request on standard error (http.c: log_request). */
	int request_log;

	/* HTTPS: PEM files of the certificate (chain) and its key. With them the
	 * server speaks only TLS 1.2/1.3 (web/tls.h: TLS_PRIORITIES), sets
	 * secure_cookies, and SIGHUP reads the two files again (certbot renewals
	 * need no restart). NULL: plain HTTP. */
	const char *tls_cert, *tls_key;

	/* With TLS: another "ADDR:PORT" where plain HTTP is answered only with
	 * a redirect (308) to the same path on https://HOST[:PORT]/. NULL: none. */
	const char *redirect_listen;

	/* Called on the thread in http_server_run_until_signal when SIGUSR1
	 * arrives (e.g. a backup on demand). NULL: SIGUSR1 is ignored. */
	void (*on_usr1)(void *arg);
	void *on_usr1_arg;
};

/*
 * Starts listening and serving on worker threads. Returns the server, or
 * NULL with a one-sentence English reason in err (size errsz) when the
 * address is malformed or cannot be bound. The config and route table must
 * outlive the server. Free with http_server_stop().
 */
struct http_server *http_server_start(const struct http_config *cfg, char *err, size_t errsz);

/* The bound TCP port (useful after asking for port 0). */
uint16_t http_server_port(const struct http_server *s);

/* The bound port of the redirect listener, 0 when there is none. */
uint16_t http_server_redirect_port(const struct http_server *s);

/* 1 when the server speaks HTTPS. */
int http_server_tls(const struct http_server *s);

/*
 * Reads the TLS certificate and key files again (what SIGHUP does); new
 * connections use them. Returns 0; -1 with an English reason in err when
 * they are unreadable or do not match (the old ones stay in use), or when
 * the server has no TLS.
 */
int http_server_reload_tls(struct http_server *s, char *err, size_t errsz);

/*
 * Blocks until SIGINT or SIGTERM arrives (or http_server_request_stop is
 * called), then stops gracefully. Meanwhile SIGHUP reloads the TLS files
 * (http_server_reload_tls; the outcome is one line on stderr) and SIGUSR1
 * calls config.on_usr1. Stopping: stop accepting, wait for requests in
 * flight (up to drain_timeout_s), stop the daemon. Installs its own
 * handlers for the four signals while it runs and restores the previous
 * ones. Only one server at a time may use it. Returns 0 after a clean stop,
 * -1 when setting up the wait failed (the server then still runs).
 * The server is not freed: call http_server_stop() afterwards.
 */
int http_server_run_until_signal(struct http_server *s);

/* Makes http_server_run_until_signal return as if signalled. Thread- and
 * async-signal-safe. */
void http_server_request_stop(struct http_server *s);

/*
 * Stops (gracefully, as above, if not already stopped) and frees s.
 * NULL is a no-op.
 */
void http_server_stop(struct http_server *s);

/* Requests currently between arrival and completion (for tests). */
unsigned http_server_active(const struct http_server *s);

/* ------------------------------------------------------------ for tests */

/* Results of http_route_match. */
enum http_match { HTTP_MATCH_OK = 0, HTTP_MATCH_NOT_FOUND = -1, HTTP_MATCH_METHOD = -2,
		  HTTP_MATCH_BAD_PATH = -3 };

/*
 * Matches raw (still percent-encoded, no query) path and method against the
 * table: fills *route, ids/nids and tail (tail is malloc'ed, caller frees;
 * NULL when the route has no "*"). On HTTP_MATCH_METHOD writes the allowed
 * methods, e.g. "GET, HEAD, POST", into allow (size allowsz).
 * HTTP_MATCH_BAD_PATH: a malformed escape, NUL or invalid UTF-8 (400).
 * This is the same function http_dispatch uses.
 */
enum http_match http_route_match(const struct route *routes, size_t nroutes, const char *method,
				 const char *raw_path, const struct route **route,
				 int64_t ids[HTTP_MAX_IDS], int *nids, char **tail,
				 char *allow, size_t allowsz);

#endif
