/*
 * HTTP plumbing on libmicrohttpd (MHD). See http.h for the contracts.
 *
 * One request is one heap object (struct req_full) created when MHD has read
 * the request line (URI log callback) and freed when MHD reports the request
 * complete; the count of such objects is what a graceful stop waits for.
 * All responses leave through queue_reply(), which is the only caller of
 * add_security_headers().
 */
#include "web/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "util/buf.h"
#include "web/form.h"
#include "web/head_guard.h"
#include "web/tls.h"

/* libmicrohttpd before 0.9.77 takes a bare LF or CR for a line end whatever
 * its options: then this program judges the heads' bytes itself. */
#define GUARD_HEADS (MHD_VERSION < 0x00097701)
#include "web/validate.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_CONN_LIMIT 256
#define DEFAULT_CONN_MEMORY (32u * 1024u)
#define DEFAULT_BODY_TOTAL (64u * 1024u * 1024u)
#define DEFAULT_DRAIN_S 30
/* After a body is refused we read and drop at most this much more before
 * closing the connection, so that a 413 can still be sent to an honest
 * chunked client without letting a dishonest one stream forever. */
#define DISCARD_FACTOR 4
/* http_reply_json's first buffer: most answers are smaller. */
#define JSON_FIRST_GUESS 4096

#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

/* An address as 16 bytes: IPv4 as IPv4-mapped IPv6, so that both compare alike. */
struct ip16 {
	unsigned char b[16];
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg; /* with defaults filled in */
	atomic_uint active;      /* requests between URI log and completion */
	atomic_size_t body_total; /* bytes reserved for bodies of all requests */
	uint16_t port;
	atomic_int stopping;     /* set when a stop begins: responses close connections */
	int stopped;
	int stop_pipe[2];        /* a byte written here ends run_until_signal */
	struct ip16 *trusted;    /* cfg.trusted_proxies, parsed */
	size_t ntrusted;
	struct tls *tls;         /* NULL: plain HTTP */
	struct MHD_Daemon *redirect; /* cfg.redirect_listen's daemon, or NULL */
	uint16_t redirect_port;


	/* Slow clients (issue 16): every open connection, its network (/24 of
	 * IPv4, /64 of IPv6) and the deadline of the phase it is in. */
	pthread_mutex_t conns_lock;
	struct conn_track *conns; /* cfg.connection_limit + CONN_SLACK slots */
	size_t nconns_cap;
	pthread_t watchdog;
	int watchdog_running;
	atomic_int watchdog_stop;
};

struct header {
	char *name;
	char *value;
};

static void conn_deadline(struct http_server *srv, struct MHD_Connection *conn, unsigned seconds);

/* One open connection, for the absolute deadlines and the per-network cap. */
#define CONN_SLACK 16
struct conn_track {
	int used;
	MHD_socket fd;
	unsigned char net[16];  /* the peer's network: /24 (IPv4) or /64 (IPv6), zero-padded */
	time_t deadline;        /* CLOCK_MONOTONIC seconds; 0: none (a handler is answering) */
	int cut;                /* shut down by the watchdog already */
};

struct http_request_impl {
	struct http_server *srv;
	struct MHD_Connection *conn;
	char *url;               /* request target as sent, NULL if too long */
	int url_too_long;
	char *path;              /* url up to '?' */
	struct form query;
	int started;             /* the first access-handler call is done */
	int queued;              /* a response was handed to MHD */
	int is_api;

	/* Body. `reserved` bytes are counted in srv->body_total. */
	char *body;
	size_t body_len, body_cap, reserved;
	unsigned refuse_status;  /* 413 or 503 once the body is refused */
	size_t discarded;

	/* The pending response. */
	int replied;
	unsigned reply_seq;      /* bumps on every reply (to see if a hook replied) */
	unsigned status;
	char *resp_body;         /* malloc'ed, handed to MHD */
	size_t resp_len;
	char *content_type;
	struct header *hdrs;
	size_t nhdrs, ahdrs;
	long cache_max_age;      /* < 0: no-store */
	int in_error_page;
	char allow[64];
	struct timespec t0;      /* arrival, for the request log */
};

/* The request and its private part in one allocation. */
struct req_full {
	struct http_request req;
	struct http_request_impl impl;
};

/* ------------------------------------------------------------ accessors */

const char *http_query(const struct http_request *req, const char *name)
{
	return form_get(&req->impl->query, name);
}

const char *http_header(const struct http_request *req, const char *name)
{
	if (!req->impl->conn)
		return NULL;
	return MHD_lookup_connection_value(req->impl->conn, MHD_HEADER_KIND, name);
}

int http_cookie(const struct http_request *req, const char *name, char *out, size_t outsz)
{
	return form_cookie(http_header(req, MHD_HTTP_HEADER_COOKIE), name, out, outsz);
}

int http_bearer(const struct http_request *req, char *out, size_t outsz)
{
	return form_bearer(http_header(req, MHD_HTTP_HEADER_AUTHORIZATION), out, outsz);
}

const char *http_client_addr(const struct http_request *req)
{
	return req->client_addr;
}

int http_is_api(const struct http_request *req)
{
	return req->impl->is_api;
}

/* ------------------------------------------------------------ responses */

static int valid_status(unsigned status)
{
	return status >= 100 && status <= 599;
}

/* Replaces the pending body; takes ownership of body (malloc'ed or NULL). */
static int set_reply(struct http_request *req, unsigned status, const char *content_type,
		     char *body, size_t len)
{
	struct http_request_impl *im = req->impl;
	char *ct = strdup(content_type);

	if (!ct) {
		free(body);
		return -1;
	}
	free(im->resp_body);
	free(im->content_type);
	im->resp_body = body;
	im->resp_len = len;
	im->content_type = ct;
	im->status = status;
	im->replied = 1;
	im->reply_seq++;
	return 0;
}

/* Marks the request as failed so that queue_reply answers 500. */
static int reply_failed(struct http_request *req)
{
	req->impl->replied = 0;
	return -1;
}

/* Copies len bytes into a fresh NUL-terminated malloc'ed buffer, or NULL. */
static char *dup_bytes(const void *data, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

int http_reply_json(struct http_request *req, unsigned status, json_t *body)
{
	size_t cap = JSON_FIRST_GUESS, n;
	char *out, *grown;

	if (!body || !valid_status(status))
		goto fail;
	/* One pass into a buffer of a first guess, which fits most answers;
	 * a second only for a larger one (json_dumpb says the size it needs). */
	out = malloc(cap);
	if (!out)
		goto fail;
	n = json_dumpb(body, out, cap - 1, JSON_COMPACT);
	if (n >= cap) {
		if ((grown = realloc(out, n + 1)) == NULL) {
			free(out);
			goto fail;
		}
		out = grown;
		if (json_dumpb(body, out, n, JSON_COMPACT) != n) {
			free(out);
			goto fail;
		}
	}
	if (n == 0) {
		free(out);
		goto fail;
	}
	out[n] = '\0';
	json_decref(body);
	return set_reply(req, status, "application/json; charset=utf-8", out, n);
fail:
	json_decref(body);
	return reply_failed(req);
}

int http_reply_html(struct http_request *req, unsigned status, const char *html, size_t len)
{
	char *p;

	if (!valid_status(status) || (!html && len))
		return reply_failed(req);
	p = dup_bytes(html, len);
	if (!p)
		return reply_failed(req);
	return set_reply(req, status, "text/html; charset=utf-8", p, len);
}

int http_reply_html_buf(struct http_request *req, unsigned status, struct buf *b)
{
	size_t len = b->len;
	char *p;

	if (!valid_status(status)) {
		buf_reset(b);
		return reply_failed(req);
	}
	p = buf_detach(b);
	return set_reply(req, status, "text/html; charset=utf-8", p, len);
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

/* Appends a header without checking its name against the owned ones. */
static int push_header(struct http_request_impl *im, const char *name, const char *value)
{
	char *n, *v;

	if (im->nhdrs == im->ahdrs) {
		size_t na = im->ahdrs ? im->ahdrs * 2 : 4;
		struct header *nh = realloc(im->hdrs, na * sizeof(*nh));

		if (!nh)
			return -1;
		im->hdrs = nh;
		im->ahdrs = na;
	}
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return -1;
	}
	im->hdrs[im->nhdrs].name = n;
	im->hdrs[im->nhdrs].value = v;
	im->nhdrs++;
	return 0;
}

/* Removes every pending header called name (case-insensitive). */
static void drop_header(struct http_request_impl *im, const char *name)
{
	size_t o = 0;

	for (size_t i = 0; i < im->nhdrs; i++) {
		if (strcasecmp(im->hdrs[i].name, name) == 0) {
			free(im->hdrs[i].name);
			free(im->hdrs[i].value);
		} else {
			im->hdrs[o++] = im->hdrs[i];
		}
	}
	im->nhdrs = o;
}

int http_reply_redirect(struct http_request *req, unsigned status, const char *location)
{
	struct http_request_impl *im = req->impl;

	if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
		return reply_failed(req);
	if (!location || location[0] != '/' || location[1] == '/' || location[1] == '\\' ||
	    has_ctl(location) || strlen(location) > HTTP_MAX_URL)
		return reply_failed(req);
	drop_header(im, MHD_HTTP_HEADER_LOCATION);
	if (push_header(im, MHD_HTTP_HEADER_LOCATION, location) < 0)
		return reply_failed(req);
	return set_reply(req, status, "text/plain; charset=utf-8", NULL, 0);
}

static int safe_filename(const char *f)
{
	size_t n = strlen(f);

	if (n == 0 || n > 100 || f[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = f[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int http_reply_bytes(struct http_request *req, unsigned status, const char *content_type,
		     const void *data, size_t len, const char *download_filename)
{
	struct http_request_impl *im = req->impl;
	char *p;

	if (!valid_status(status) || !content_type || has_ctl(content_type) || (!data && len))
		return reply_failed(req);
	drop_header(im, MHD_HTTP_HEADER_CONTENT_DISPOSITION);
	if (download_filename) {
		char cd[160];
		int n;

		if (!safe_filename(download_filename))
			return reply_failed(req);
		n = snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", download_filename);
		if (n < 0 || (size_t)n >= sizeof(cd) ||
		    push_header(im, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd) < 0)
			return reply_failed(req);
	}
	p = dup_bytes(data, len);
	if (!p)
		return reply_failed(req);
	return set_reply(req, status, content_type, p, len);
}

/* Builds {"error":{...}} with the given members; NULL on lack of memory. */
static json_t *error_json(const char *code, const char *field, const char *rule,
			  const char *sv, const char *en, const struct vctx_error *errors, size_t n)
{
	json_t *root = json_object(), *e = json_object();
	json_t *list = NULL;

	if (!root || !e)
		goto fail;
	if (json_object_set_new(root, "error", e) < 0) {
		e = NULL;
		goto fail;
	}
	if (json_object_set_new(e, "code", json_string(code)) < 0 ||
	    (field && json_object_set_new(e, "field", json_string(field)) < 0) ||
	    (rule && json_object_set_new(e, "rule", json_string(rule)) < 0) ||
	    json_object_set_new(e, "message", json_string(en)) < 0 ||
	    json_object_set_new(e, "message_sv", json_string(sv)) < 0 ||
	    json_object_set_new(e, "message_en", json_string(en)) < 0)
		goto fail_root;
	if (n > 0) {
		list = json_array();
		if (!list || json_object_set_new(e, "errors", list) < 0)
			goto fail_root;
		for (size_t i = 0; i < n; i++) {
			json_t *x = json_pack("{s:s, s:s, s:s, s:s}", "field", errors[i].field, "message",
					      errors[i].msg_en, "message_sv", errors[i].msg_sv, "message_en",
					      errors[i].msg_en);

			if (!x || json_array_append_new(list, x) < 0)
				goto fail_root;
		}
	}
	return root;
fail:
	json_decref(e);
fail_root:
	json_decref(root);
	return NULL;
}

/* The shared body of http_reply_error and http_reply_rule. */
static int reply_error(struct http_request *req, unsigned status, const char *code,
		       const char *field, const char *rule, const char *sv, const char *en,
		       const struct vctx_error *errors, size_t n)
{
	struct http_request_impl *im = req->impl;
	struct http_config *cfg = &im->srv->cfg;
	struct buf b = BUF_INIT;
	size_t len;

	if (!valid_status(status) || !code)
		return reply_failed(req);
	if (!sv)
		sv = "";
	if (!en)
		en = "";
	if (im->is_api) {
		json_t *j = error_json(code, field, rule, sv, en, errors, n);

		if (!j)
			return reply_failed(req);
		return http_reply_json(req, status, j);
	}
	if (cfg->error_page && !im->in_error_page) {
		unsigned seq = im->reply_seq;

		im->in_error_page = 1;
		cfg->error_page(req, status, code, sv, en);
		im->in_error_page = 0;
		if (im->reply_seq != seq && im->replied)
			return 0;
	}
	/* No page (or it failed): both messages as plain text, never HTML. */
	buf_puts(&b, sv);
	buf_putc(&b, '\n');
	buf_puts(&b, en);
	buf_putc(&b, '\n');
	len = b.len;
	return set_reply(req, status, "text/plain; charset=utf-8", buf_detach(&b), len);
}

int http_reply_error(struct http_request *req, unsigned status, const char *code,
		     const char *field, const char *message_sv, const char *message_en)
{
	return reply_error(req, status, code, field, NULL, message_sv, message_en, NULL, 0);
}

int http_reply_errors(struct http_request *req, unsigned status, const char *code, const char *field,
		      const char *message_sv, const char *message_en, const struct vctx_error *errors,
		      size_t n)
{
	return reply_error(req, status, code, field, NULL, message_sv, message_en, errors, n);
}

int http_reply_rule(struct http_request *req, const char *rule, const char *message_sv,
		    const char *message_en)
{
	if (!rule)
		return reply_failed(req);
	return reply_error(req, 422, "rule", NULL, rule, message_sv, message_en, NULL, 0);
}

int http_reply_invalid(struct http_request *req, const struct vctx *v)
{
	if (!v->failed)
		return http_reply_error(req, 400, "invalid", NULL, "Ogiltig begäran.",
					"Invalid request.");
	return http_reply_errors(req, 400, "invalid", v->field[0] ? v->field : NULL, v->msg_sv,
				 v->msg_en, v->errors,
				 (size_t)(v->n_errors < VCTX_ERRORS_MAX ? v->n_errors : VCTX_ERRORS_MAX));
}

/* RFC 9110 tchar. */
static int tchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int is_token(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!tchar((unsigned char)*s))
			return 0;
	return 1;
}

int http_add_header(struct http_request *req, const char *name, const char *value)
{
	static const char *const owned[] = {
		"Content-Type", "Content-Length", "Content-Disposition", "Location",
		"Set-Cookie", "Content-Security-Policy", "X-Content-Type-Options",
		"X-Frame-Options", "Referrer-Policy", "Cache-Control", "Transfer-Encoding",
		"Strict-Transport-Security",
		"Connection", "Allow", NULL,
	};

	if (!is_token(name) || !value || has_ctl(value) || strlen(value) > 4096)
		return -1;
	for (size_t i = 0; owned[i]; i++)
		if (strcasecmp(owned[i], name) == 0)
			return -1;
	return push_header(req->impl, name, value);
}

static int cookie_octets(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!(c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
		      (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E)))
			return 0;
	}
	return 1;
}

int http_set_cookie(struct http_request *req, const char *name, const char *value,
		    long max_age_s, unsigned flags)
{
	char line[1400], age[40] = "";
	int n;

	if (!is_token(name) || strlen(name) > 128 || !value || strlen(value) > 1024 ||
	    !cookie_octets(value))
		return -1;
	if ((flags & HTTP_COOKIE_SAMESITE_STRICT) && (flags & HTTP_COOKIE_SAMESITE_LAX))
		return -1;
	/* Served over HTTPS: no cookie of ours may travel in plain text. */
	if (req->impl->srv && req->impl->srv->cfg.secure_cookies)
		flags |= HTTP_COOKIE_SECURE;
	if (max_age_s >= 0) {
		n = snprintf(age, sizeof(age), "; Max-Age=%ld", max_age_s);
		if (n < 0 || (size_t)n >= sizeof(age))
			return -1;
	}
	n = snprintf(line, sizeof(line), "%s=%s; Path=/%s%s%s%s", name, value, age,
		     (flags & HTTP_COOKIE_HTTPONLY) ? "; HttpOnly" : "",
		     (flags & HTTP_COOKIE_SECURE) ? "; Secure" : "",
		     (flags & HTTP_COOKIE_SAMESITE_STRICT) ? "; SameSite=Strict"
		     : (flags & HTTP_COOKIE_SAMESITE_LAX) ? "; SameSite=Lax" : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return push_header(req->impl, MHD_HTTP_HEADER_SET_COOKIE, line);
}

void http_allow_cache(struct http_request *req, unsigned max_age_s)
{
	req->impl->cache_max_age = (long)max_age_s;
}

/*
 * THE place where every response receives the headers every page needs. Personal
 * data must never sit in a shared or browser cache, so no-store is the
 * default; only http_allow_cache (static assets) opts out. Returns 0 or -1.
 */
static int add_security_headers(struct MHD_Response *r, long cache_max_age, int hsts)
{
	char cc[64];
	int n;

	if (cache_max_age >= 0)
		n = snprintf(cc, sizeof(cc), "public, max-age=%ld", cache_max_age);
	else
		n = snprintf(cc, sizeof(cc), "no-store");
	if (n < 0 || (size_t)n >= sizeof(cc))
		return -1;
	if (MHD_add_response_header(r, "Content-Security-Policy", CSP) != MHD_YES ||
	    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") != MHD_YES ||
	    MHD_add_response_header(r, "X-Frame-Options", "DENY") != MHD_YES ||
	    MHD_add_response_header(r, "Referrer-Policy", "same-origin") != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cc) != MHD_YES)
		return -1;
	/* Over HTTPS: browsers never try plain HTTP for this host again for a year. */
	if (hsts && MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000") != MHD_YES)
		return -1;
	return 0;
}

/*
 * Hands the pending reply (or a bare 500 when there is none) to MHD. Every
 * response of the server passes here. Returns MHD's verdict; MHD_NO makes
 * MHD close the connection.
 */
static enum MHD_Result queue_reply(struct http_request *req)
{
	static const char internal[] = "Internt fel.\nInternal error.\n";
	struct http_request_impl *im = req->impl;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned status;

	if (!im->replied) {
		/* A handler or hook that did not reply, or a reply that failed. */
		free(im->resp_body);
		im->resp_body = NULL;
		im->resp_len = 0;
		if (http_reply_error(req, 500, "internal", NULL, "Internt fel.", "Internal error.") < 0 ||
		    !im->replied) {
			r = MHD_create_response_from_buffer(sizeof(internal) - 1, (void *)internal,
							    MHD_RESPMEM_PERSISTENT);
			if (!r)
				return MHD_NO;
			if (add_security_headers(r, -1, im->srv->cfg.secure_cookies) < 0 ||
			    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
						    "text/plain; charset=utf-8") != MHD_YES) {
				MHD_destroy_response(r);
				return MHD_NO;
			}
			im->queued = 1;
			ret = MHD_queue_response(im->conn, 500, r);
			MHD_destroy_response(r);
			return ret;
		}
	}
	status = im->status;
	if (im->resp_len == 0) {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(im->resp_len, im->resp_body,
						    MHD_RESPMEM_MUST_FREE);
		if (r)
			im->resp_body = NULL; /* MHD frees it now */
	}
	if (!r)
		return MHD_NO;
	if (add_security_headers(r, im->cache_max_age, im->srv->cfg.secure_cookies) < 0 ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, im->content_type) != MHD_YES)
		goto fail;
	for (size_t i = 0; i < im->nhdrs; i++)
		if (MHD_add_response_header(r, im->hdrs[i].name, im->hdrs[i].value) != MHD_YES)
			goto fail;
	/* While draining, keep-alive clients are told to go, so the drain ends. */
	if (atomic_load(&im->srv->stopping) &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close") != MHD_YES)
		goto fail;
	im->queued = 1;
	ret = MHD_queue_response(im->conn, status, r);
	MHD_destroy_response(r);
	return ret;
fail:
	MHD_destroy_response(r);
	return MHD_NO;
}

/* ---------------------------------------------------------------- routing */

/* Parses a positive decimal int64 without sign or leading zero. */
static int parse_id(const char *s, int64_t *out)
{
	int64_t v = 0;

	if (*s < '1' || *s > '9')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * Splits a path "/a/b" into decoded segments. Returns the count (>= 1: "/" is
 * one empty segment), HTTP_MATCH_NOT_FOUND when there are too many, or
 * HTTP_MATCH_BAD_PATH. The caller frees segs[0..n-1].
 */
static int split_path(const char *raw, char *segs[HTTP_MAX_SEGMENTS])
{
	const char *p;
	int n = 0;

	if (!raw || raw[0] != '/')
		return HTTP_MATCH_BAD_PATH;
	p = raw + 1;
	for (;;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (n == HTTP_MAX_SEGMENTS)
			goto fail_nf;
		segs[n] = form_decode(p, len, 0, NULL, NULL);
		if (!segs[n])
			goto fail_bad;
		n++;
		if (!e)
			break;
		p = e + 1;
	}
	return n;
fail_nf:
	while (n > 0)
		free(segs[--n]);
	return HTTP_MATCH_NOT_FOUND;
fail_bad:
	while (n > 0)
		free(segs[--n]);
	return HTTP_MATCH_BAD_PATH;
}

/*
 * Matches decoded segments against one pattern. Returns 1 with ids and (for
 * "*") a malloc'ed *tail, 0 when it does not match, -1 on lack of memory.
 */
static int match_pattern(const char *pattern, char *const *segs, int nsegs,
			 int64_t ids[HTTP_MAX_IDS], int *nids, char **tail)
{
	const char *p = pattern;
	int i = 0, k = 0;

	*tail = NULL;
	if (*p != '/')
		return 0;
	p++;
	for (;; i++) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == 1 && p[0] == '*' && !e) {
			struct buf b = BUF_INIT;

			if (i >= nsegs)
				return 0;
			for (int j = i; j < nsegs; j++) {
				const char *s = segs[j];

				if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
				    strchr(s, '/') || strchr(s, '\\')) {
					buf_release(&b);
					return 0;
				}
				if (j > i)
					buf_putc(&b, '/');
				buf_puts(&b, s);
			}
			*tail = buf_detach(&b);
			*nids = k;
			return 1;
		}
		if (i >= nsegs)
			return 0;
		if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
			if (k == HTTP_MAX_IDS || parse_id(segs[i], &ids[k]) < 0)
				return 0;
			k++;
		} else if (strlen(segs[i]) != len || memcmp(segs[i], p, len) != 0) {
			return 0;
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (i + 1 != nsegs)
		return 0;
	*nids = k;
	return 1;
}

/* Appends method to a ", "-separated list unless present. */
static void allow_add(char *allow, size_t allowsz, const char *method)
{
	size_t len = strlen(allow), ml = strlen(method);
	const char *p = allow;
	int n;

	while ((p = strstr(p, method)) != NULL) {
		if ((p == allow || p[-1] == ' ') && (p[ml] == ',' || p[ml] == '\0'))
			return;
		p += ml;
	}
	n = snprintf(allow + len, allowsz - len, "%s%s", len ? ", " : "", method);
	if (n < 0 || (size_t)n >= allowsz - len)
		allow[len] = '\0';
}

enum http_match http_route_match(const struct route *routes, size_t nroutes, const char *method,
				 const char *raw_path, const struct route **route,
				 int64_t ids[HTTP_MAX_IDS], int *nids, char **tail,
				 char *allow, size_t allowsz)
{
	char *segs[HTTP_MAX_SEGMENTS];
	int nsegs = split_path(raw_path, segs);
	int path_known = 0;
	enum http_match res = HTTP_MATCH_NOT_FOUND;

	*route = NULL;
	*nids = 0;
	*tail = NULL;
	if (allowsz)
		allow[0] = '\0';
	if (nsegs < 0)
		return (enum http_match)nsegs;
	for (size_t r = 0; r < nroutes; r++) {
		int64_t tmp_ids[HTTP_MAX_IDS];
		int tmp_n = 0;
		char *tmp_tail = NULL;

		if (match_pattern(routes[r].pattern, segs, nsegs, tmp_ids, &tmp_n, &tmp_tail) != 1)
			continue;
		if (strcmp(routes[r].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(routes[r].method, "GET") == 0)) {
			*route = &routes[r];
			memcpy(ids, tmp_ids, sizeof(tmp_ids[0]) * (size_t)tmp_n);
			*nids = tmp_n;
			*tail = tmp_tail;
			res = HTTP_MATCH_OK;
			goto out;
		}
		free(tmp_tail);
		path_known = 1;
		if (allowsz) {
			allow_add(allow, allowsz, routes[r].method);
			if (strcmp(routes[r].method, "GET") == 0)
				allow_add(allow, allowsz, "HEAD");
		}
	}
	if (path_known)
		res = HTTP_MATCH_METHOD;
out:
	for (int i = 0; i < nsegs; i++)
		free(segs[i]);
	return res;
}

/* ------------------------------------------------------- request lifecycle */

/* MHD's URI log callback: creates the request object. Returns it or NULL. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	struct req_full *rf = calloc(1, sizeof(*rf));
	size_t len;

	if (!rf)
		return NULL;
	rf->req.impl = &rf->impl;
	rf->req.app = srv->cfg.app;
	rf->impl.srv = srv;
	rf->impl.conn = conn;
	rf->impl.cache_max_age = -1;
	clock_gettime(CLOCK_MONOTONIC, &rf->impl.t0);
	form_init(&rf->impl.query);
	len = strnlen(uri, HTTP_MAX_URL + 1);
	if (len > HTTP_MAX_URL) {
		/* Enough to answer a 414 in the right form. */
		rf->impl.is_api = strncmp(uri, "/api/", 5) == 0;
		rf->impl.url_too_long = 1;
	} else {
		rf->impl.url = dup_bytes(uri, len);
		if (!rf->impl.url) {
			free(rf);
			return NULL;
		}
	}
	atomic_fetch_add(&srv->active, 1);
	return rf;
}

/*
 * The path as the request log shows it: only what matched a route, so that
 * nothing a client typed outside the route table (a personal identity number
 * in a mistyped address, a token) is ever written. A matched path holds only
 * the route's literal segments and numeric ids; a "*" tail (static files) is
 * shown only when it was served, else as "*". Unmatched requests: "-".
 */
static void log_path(const struct http_request *req, char *out, size_t outsz)
{
	const struct http_request_impl *im = req->impl;
	const char *pat = req->route ? req->route->pattern : NULL;
	size_t plen = pat ? strlen(pat) : 0;
	int n;

	if (!pat || !req->path) {
		n = snprintf(out, outsz, "-");
	} else if (plen >= 1 && pat[plen - 1] == '*') {
		int served = im->queued && im->status < 400 && req->tail;

		n = snprintf(out, outsz, "%.*s%s", (int)(plen - 1), pat, served ? req->tail : "*");
	} else {
		n = snprintf(out, outsz, "%s", req->path);
	}
	if (n < 0 || (size_t)n >= outsz)
		snprintf(out, outsz, "-");
	/* Nothing but printable ASCII reaches the log. */
	for (char *p = out; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

/*
 * One line per request on standard error (see README, "Request log"):
 *   nsp-http TIME ADDR USER METHOD PATH STATUS BYTES MICROSECONDS
 * TIME in UTC with milliseconds, USER the logged-in user's id or "-",
 * PATH without the query (log_path), STATUS "-" when no answer was sent.
 * One write(2), so that lines of concurrent requests never interleave.
 */
static void log_request(const struct http_request *req)
{
	const struct http_request_impl *im = req->impl;
	struct timespec now_m, now_r;
	struct tm tm;
	char path[HTTP_MAX_URL + 8], line[HTTP_MAX_URL + 256], user[24] = "-", status[16] = "-";
	const char *method = req->method ? req->method : "-";
	long long us;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &now_m);
	clock_gettime(CLOCK_REALTIME, &now_r);
	gmtime_r(&now_r.tv_sec, &tm);
	us = (long long)(now_m.tv_sec - im->t0.tv_sec) * 1000000LL + (now_m.tv_nsec - im->t0.tv_nsec) / 1000;
	log_path(req, path, sizeof(path));
	if (req->user_id > 0)
		snprintf(user, sizeof(user), "%lld", (long long)req->user_id);
	if (im->queued)
		snprintf(status, sizeof(status), "%u", im->status ? im->status : 500);
	if (strlen(method) > 16 || !is_token(method))
		method = "?";
	n = snprintf(line, sizeof(line), "nsp-http %04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s %s %s %s %zu %lld\n",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     now_r.tv_nsec / 1000000, http_client_addr(req)[0] ? http_client_addr(req) : "-", user, method,
		     path, status, im->queued ? im->resp_len : (size_t)0, us);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	ssize_t w = write(STDERR_FILENO, line, (size_t)n);
	(void)w; /* a log that cannot be written must not stop the answer */
}

/* MHD's completion callback: frees the request object. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct req_full *rf = *con_cls;
	struct http_request_impl *im;

	(void)toe;
	/* A kept-alive connection has header_deadline_s for its next head. */
	conn_deadline(srv, conn, srv->cfg.header_deadline_s);
	if (!rf)
		return;
	*con_cls = NULL;
	im = &rf->impl;
	if (srv->cfg.request_log)
		log_request(&rf->req);
	if (rf->req.ctx && srv->cfg.ctx_free)
		srv->cfg.ctx_free(rf->req.ctx);
	if (im->reserved)
		atomic_fetch_sub(&srv->body_total, im->reserved);
	free(im->url);
	free(im->path);
	form_release(&im->query);
	free(im->body);
	free(im->resp_body);
	free(im->content_type);
	for (size_t i = 0; i < im->nhdrs; i++) {
		free(im->hdrs[i].name);
		free(im->hdrs[i].value);
	}
	free(im->hdrs);
	free((char *)rf->req.tail);
	free(rf);
	atomic_fetch_sub(&srv->active, 1);
}

/* Reserves n more body bytes in the server-wide budget. Returns 0 or -1. */
static int reserve_body(struct http_request_impl *im, size_t n)
{
	struct http_server *srv = im->srv;
	size_t prev = atomic_fetch_add(&srv->body_total, n);

	if (prev + n > srv->cfg.max_body_total || prev + n < prev) {
		atomic_fetch_sub(&srv->body_total, n);
		return -1;
	}
	im->reserved += n;
	return 0;
}

/* Sends a plumbing error right away. */
static enum MHD_Result refuse(struct http_request *req, unsigned status, const char *code,
			      const char *sv, const char *en)
{
	http_reply_error(req, status, code, NULL, sv, en);
	return queue_reply(req);
}

static enum MHD_Result refuse_too_large(struct http_request *req)
{
	return refuse(req, 413, "too_large", "Begäran är för stor.", "The request is too large.");
}

static enum MHD_Result refuse_busy(struct http_request *req)
{
	return refuse(req, 503, "unavailable", "Servern är upptagen, försök igen strax.",
		      "The server is busy, please try again shortly.");
}

/* Parses an IPv4 or IPv6 address in text (optionally "[v6]"); 0 or -1. */
static int ip16_parse(const char *s, size_t len, struct ip16 *out)
{
	char t[INET6_ADDRSTRLEN + 2];
	struct in_addr a4;

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(t))
		return -1;
	memcpy(t, s, len);
	t[len] = '\0';
	if (inet_pton(AF_INET, t, &a4) == 1) {
		memset(out->b, 0, 10);
		out->b[10] = out->b[11] = 0xff;
		memcpy(out->b + 12, &a4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, t, out->b) == 1 ? 0 : -1;
}

/* Writes a in its usual text form (IPv4 for mapped addresses) into out. */
static void ip16_format(const struct ip16 *a, char *out, size_t outsz)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const char *ok;

	if (memcmp(a->b, mapped, 12) == 0)
		ok = inet_ntop(AF_INET, a->b + 12, out, (socklen_t)outsz);
	else
		ok = inet_ntop(AF_INET6, a->b, out, (socklen_t)outsz);
	if (!ok && outsz)
		out[0] = '\0';
}

/* The connection's peer as an ip16; -1 when it has none we know. */
static int peer_address(struct MHD_Connection *conn, struct ip16 *out)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		memset(out->b, 0, 10);
		out->b[10] = out->b[11] = 0xff;
		memcpy(out->b + 12, &in->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

		memcpy(out->b, &in6->sin6_addr, 16);
		return 0;
	}
	return -1;
}

static int is_trusted_proxy(const struct http_server *srv, const struct ip16 *a)
{
	for (size_t i = 0; i < srv->ntrusted; i++)
		if (memcmp(srv->trusted[i].b, a->b, 16) == 0)
			return 1;
	return 0;
}

/* Collects every X-Forwarded-For header, in order, joined by ','. */
struct xff_acc {
	struct buf b;
};

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct xff_acc *acc = cls;

	(void)kind;
	if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) {
		if (acc->b.len)
			buf_putc(&acc->b, ',');
		buf_puts(&acc->b, value);
	}
	return MHD_YES;
}

/*
 * THE place where the client address of a request is decided: the only
 * writer of req->client_addr, which http_client_addr() reads for everything
 * that counts or throttles per client (logins, the request log, caps).
 *
 * Without trusted proxies it is the connection's peer. When the peer is one
 * of http_config.trusted_proxies, X-Forwarded-For is read from the right:
 * each hop that is itself a trusted proxy is skipped, and the first one that
 * is not is the client (a client can prepend anything to the header, but
 * only the hops our own proxies appended are believed). A hop that is not an
 * address ends the walk at the last believed one. A connection from any
 * other peer has its X-Forwarded-For ignored.
 */
static void set_client_addr(struct http_request *req)
{
	struct http_server *srv = req->impl->srv;
	struct ip16 addr, hop;
	struct xff_acc acc = { BUF_INIT };

	req->client_addr[0] = '\0';
	if (peer_address(req->impl->conn, &addr) < 0)
		return;
	if (srv->ntrusted && is_trusted_proxy(srv, &addr)) {
		MHD_get_connection_values(req->impl->conn, MHD_HEADER_KIND, collect_xff, &acc);
		const char *s = acc.b.data;
		size_t end = acc.b.len;

		while (s && end > 0) {
			size_t start = end;

			while (start > 0 && s[start - 1] != ',')
				start--;
			size_t a = start, z = end;

			while (a < z && (s[a] == ' ' || s[a] == '\t'))
				a++;
			while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
				z--;
			if (ip16_parse(s + a, z - a, &hop) < 0)
				break;
			addr = hop;
			if (!is_trusted_proxy(srv, &hop))
				break;
			end = start > 0 ? start - 1 : 0;
		}
		buf_release(&acc.b);
	}
	ip16_format(&addr, req->client_addr, sizeof(req->client_addr));
}

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	form_framing_add(cls, key);
	return MHD_YES;
}

/*
 * Strict HTTP (issue 16): libmicrohttpd's own strictness option
 * (MHD_OPTION_STRICT_FOR_CLIENT, set at start) refuses what it knows; what
 * it lets through is checked here: more than one Content-Length, or a
 * Content-Length beside a Transfer-Encoding (form_framing_ambiguous), and,
 * before libmicrohttpd 0.9.77, a bare LF or CR ending a line of the head
 * (head_guard.h), all of which proxies may frame differently from us.
 * Answered 400, and the connection is closed, so nothing after the
 * ambiguous framing is read as a request.
 */
static int ambiguous_framing(struct http_request *req)
{
	struct form_framing f = { 0, 0 };

	MHD_get_connection_values(req->impl->conn, MHD_HEADER_KIND, count_framing, &f);
	if (form_framing_ambiguous(&f))
		return 1;
#if GUARD_HEADS
	{
		const union MHD_ConnectionInfo *fdi =
			MHD_get_connection_info(req->impl->conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		if (fdi != NULL && head_guard_bad(fdi->connect_fd))
			return 1;
	}
#endif
	return 0;
}

/*
 * The first call for a request: everything that can be refused before the
 * body is read. Returns MHD_YES to go on reading, or the result of queueing
 * a refusal.
 */
static enum MHD_Result begin_request(struct http_request *req, const char *method)
{
	struct http_request_impl *im = req->impl;
	struct http_server *srv = im->srv;
	const char *q, *cl;
	char *tail = NULL;
	enum http_match m;
	size_t plen;

	req->method = method;
	conn_deadline(srv, im->conn, srv->cfg.body_deadline_s); /* the head is in: now the body */
	set_client_addr(req);
	if (im->url_too_long) {
		req->path = "";
		return refuse(req, 414, "too_large", "Adressen är för lång.",
			      "The address (URL) is too long.");
	}
	if (ambiguous_framing(req)) {
		req->path = "";
		if (push_header(im, MHD_HTTP_HEADER_CONNECTION, "close") < 0)
			return MHD_NO;
		im->refuse_status = 400; /* a body that follows is not kept */
		return refuse(req, 400, "invalid",
			      "Begärans inramning är tvetydig (Content-Length/Transfer-Encoding, radslut utan CR LF).",
			      "The request's framing is ambiguous (Content-Length/Transfer-Encoding, "
			      "line ends other than CR LF).");
	}
	q = strchr(im->url, '?');
	plen = q ? (size_t)(q - im->url) : strlen(im->url);
	im->path = dup_bytes(im->url, plen);
	if (!im->path)
		return MHD_NO;
	req->path = im->path;
	/* The first segment decides how errors look, also for 404s. */
	{
		const char *s = im->path;
		char *first = NULL;

		if (s[0] == '/') {
			const char *e = strchr(s + 1, '/');
			size_t n = e ? (size_t)(e - s - 1) : strlen(s + 1);

			first = form_decode(s + 1, n, 0, NULL, NULL);
		}
		im->is_api = first && strcmp(first, "api") == 0;
		free(first);
	}
	if (q) {
		enum form_result fr = form_parse(&im->query, q + 1, strlen(q + 1), 0);

		if (fr == FORM_NOMEM)
			return MHD_NO;
		if (fr != FORM_OK)
			return refuse(req, 400, "invalid", "Adressens parametrar är felaktiga.",
				      "The query string is malformed.");
	}
	m = http_route_match(srv->cfg.routes, srv->cfg.nroutes, method, im->path, &req->route,
			     req->ids, &req->nids, &tail, im->allow, sizeof(im->allow));
	req->tail = tail;
	switch (m) {
	case HTTP_MATCH_OK:
		break;
	case HTTP_MATCH_METHOD:
		if (push_header(im, "Allow", im->allow) < 0)
			return MHD_NO;
		return refuse(req, 405, "method_not_allowed", "Metoden är inte tillåten här.",
			      "The method is not allowed here.");
	case HTTP_MATCH_BAD_PATH:
		return refuse(req, 400, "invalid", "Adressen är felaktig.", "The address is malformed.");
	case HTTP_MATCH_NOT_FOUND:
	default:
		return refuse(req, 404, "not_found", "Sidan eller posten finns inte.",
			      "No such page or record.");
	}
	/* A declared length above the limit is refused before a byte of it is read. */
	cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl) {
		unsigned long long n = 0;
		int over = 0;

		for (const char *p = cl; *p; p++) {
			if (*p < '0' || *p > '9')
				break;
			if (n > (~0ULL - 9) / 10)
				over = 1;
			else
				n = n * 10 + (unsigned)(*p - '0');
		}
		if (over || n > srv->cfg.max_body)
			return refuse_too_large(req);
		if (n > 0 && reserve_body(im, (size_t)n) < 0)
			return refuse_busy(req);
	}
	return MHD_YES;
}

/* Appends upload data to the body, or drops it once refused. Returns MHD_NO
 * to close a connection that keeps sending after a refusal. */
static enum MHD_Result take_body(struct http_request *req, const char *data, size_t n)
{
	struct http_request_impl *im = req->impl;
	struct http_server *srv = im->srv;
	size_t need;

	if (im->refuse_status) {
		im->discarded += n;
		return im->discarded > DISCARD_FACTOR * srv->cfg.max_body ? MHD_NO : MHD_YES;
	}
	if (n > srv->cfg.max_body - im->body_len) {
		/* Chunked (or lying) client went past the limit: stop keeping it. */
		im->refuse_status = 413;
		goto drop;
	}
	need = im->body_len + n;
	if (need > im->reserved && reserve_body(im, need - im->reserved) < 0) {
		im->refuse_status = 503;
		goto drop;
	}
	if (need + 1 > im->body_cap) {
		/* A declared length was reserved up front: allocate it at once. */
		size_t cap = im->body_cap ? im->body_cap : im->reserved ? im->reserved + 1 : 4096;
		char *nb;

		while (cap < need + 1)
			cap *= 2;
		if (cap > srv->cfg.max_body + 1)
			cap = srv->cfg.max_body + 1;
		nb = realloc(im->body, cap);
		if (!nb) {
			im->refuse_status = 503;
			goto drop;
		}
		im->body = nb;
		im->body_cap = cap;
	}
	memcpy(im->body + im->body_len, data, n);
	im->body_len = need;
	im->body[need] = '\0';
	return MHD_YES;
drop:
	free(im->body);
	im->body = NULL;
	im->body_len = im->body_cap = 0;
	im->discarded = n;
	return MHD_YES;
}

/* The whole request is in: hook, handler, reply. */
static enum MHD_Result finish_request(struct http_request *req)
{
	struct http_request_impl *im = req->impl;
	struct http_config *cfg = &im->srv->cfg;

	if (im->refuse_status == 413)
		return refuse_too_large(req);
	if (im->refuse_status)
		return refuse_busy(req);
	conn_deadline(im->srv, im->conn, 0); /* the request is in: the answer is ours */
	req->body = im->body;
	req->body_len = im->body_len;
	if (!cfg->before || cfg->before(req) == HTTP_CONTINUE)
		req->route->fn(req);
	return queue_reply(req);
}

/* MHD's access handler: called once with the headers, once per body chunk
 * and once more when the request is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct http_server *srv = cls;
	struct req_full *rf = *con_cls;
	struct http_request *req;
	size_t n = *upload_data_size;

	(void)url;
	(void)version;
	if (!rf) {
		/* The URI log callback ran out of memory: nothing can be answered. */
		(void)srv;
		return MHD_NO;
	}
	req = &rf->req;
	rf->impl.conn = conn;
	if (rf->impl.queued) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!rf->impl.started) {
		rf->impl.started = 1;
		return begin_request(req, method);
	}
	if (n > 0) {
		*upload_data_size = 0;
		return take_body(req, upload_data, n);
	}
	return finish_request(req);
}

/* ------------------------------------------------------------ slow clients */

/*
 * Slow clients (issue 16): libmicrohttpd's timeout is an idle timeout that
 * restarts at every byte, so a client sending a header byte every few
 * seconds held its connection for ever. Here every connection has an
 * absolute deadline: its request head must be complete within
 * header_deadline_s of the connection (or of the previous answer, on a
 * kept-alive one), its body within body_deadline_s of the head. A watchdog
 * thread shuts down the socket of a connection past its deadline; MHD then
 * sees the end of the stream and closes it. Besides the per-address cap,
 * connections are capped per network (/24 of IPv4, /64 of IPv6), so that
 * one network cannot take every connection of the server.
 */

static time_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The network of a peer address into net (16 bytes); 0, or -1 when not IP. */
static int peer_net(const struct sockaddr *sa, unsigned char net[16])
{
	memset(net, 0, 16);
	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		net[0] = 4;
		memcpy(net + 1, &in->sin_addr, 3); /* /24 */
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0) {
			net[0] = 4;
			memcpy(net + 1, in6->sin6_addr.s6_addr + 12, 3);
			return 0;
		}
		net[0] = 6;
		memcpy(net + 1, in6->sin6_addr.s6_addr, 8); /* /64 */
		return 0;
	}
	return -1;
}

static int per_net_unlimited(const struct http_server *srv)
{
	return srv->cfg.per_net_limit == HTTP_PER_IP_UNLIMITED || srv->cfg.per_ip_limit == HTTP_PER_IP_UNLIMITED;
}

/* MHD's accept policy: refuses a connection whose network has its cap. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_server *srv = cls;
	unsigned char net[16];
	unsigned n = 0;

	(void)addrlen;
	if (per_net_unlimited(srv) || peer_net(addr, net) != 0)
		return MHD_YES;
	pthread_mutex_lock(&srv->conns_lock);
	for (size_t i = 0; i < srv->nconns_cap; i++)
		if (srv->conns[i].used && memcmp(srv->conns[i].net, net, 16) == 0)
			n++;
	pthread_mutex_unlock(&srv->conns_lock);
	return n >= srv->cfg.per_net_limit ? MHD_NO : MHD_YES;
}

/* MHD's connection notifier: a connection starts (tracked, its head's
 * deadline set) or closes (forgotten). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fdi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ai = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		struct conn_track *t = NULL;

		*socket_context = NULL;
		pthread_mutex_lock(&srv->conns_lock);
		for (size_t i = 0; i < srv->nconns_cap && !t; i++)
			if (!srv->conns[i].used)
				t = &srv->conns[i];
		if (t && fdi) {
			memset(t, 0, sizeof(*t));
			t->used = 1;
			t->fd = fdi->connect_fd;
			if (peer_net(ai ? ai->client_addr : NULL, t->net) != 0)
				memset(t->net, 0xff, sizeof(t->net)); /* counts with no network */
			t->deadline = mono_now() + (time_t)srv->cfg.header_deadline_s;
			*socket_context = t;
		}
		pthread_mutex_unlock(&srv->conns_lock);
#if GUARD_HEADS
		/* Plain HTTP only: over TLS recv() sees ciphertext (head_guard.h). */
		if (fdi && !srv->tls)
			head_guard_arm(fdi->connect_fd);
#endif
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct conn_track *t = *socket_context;
#if GUARD_HEADS
		const union MHD_ConnectionInfo *fdi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		if (fdi)
			head_guard_disarm(fdi->connect_fd);
#endif

		if (t) {
			pthread_mutex_lock(&srv->conns_lock);
			t->used = 0;
			pthread_mutex_unlock(&srv->conns_lock);
			*socket_context = NULL;
		}
	}
}

/* Sets the deadline of conn's phase: seconds from now, or 0 for none. */
static void conn_deadline(struct http_server *srv, struct MHD_Connection *conn, unsigned seconds)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_track *t = ci ? ci->socket_context : NULL;

	if (!t)
		return;
	pthread_mutex_lock(&srv->conns_lock);
	if (t->used)
		t->deadline = seconds ? mono_now() + (time_t)seconds : 0;
	pthread_mutex_unlock(&srv->conns_lock);
}

/* Once a second: shuts down the sockets of connections past their deadline.
 * Under the lock, so a socket is never closed (MHD closes it after telling
 * on_connection) while it is being shut down here. */
static void *watchdog_main(void *arg)
{
	struct http_server *srv = arg;
	struct timespec tick = { 0, 250 * 1000 * 1000 };

	while (!atomic_load(&srv->watchdog_stop)) {
		time_t now = mono_now();

		pthread_mutex_lock(&srv->conns_lock);
		for (size_t i = 0; i < srv->nconns_cap; i++) {
			struct conn_track *t = &srv->conns[i];

			if (t->used && !t->cut && t->deadline && now >= t->deadline) {
				shutdown(t->fd, SHUT_RDWR);
				t->cut = 1;
			}
		}
		pthread_mutex_unlock(&srv->conns_lock);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

/* ------------------------------------------------------------------ server */

/* Parses "A.B.C.D:PORT", "[V6]:PORT" or "localhost:PORT". Returns 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, int *v6)
{
	char host[64];
	const char *port_s;
	size_t hlen;
	unsigned long port = 0;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || e[1] != ':')
			return -1;
		hlen = (size_t)(e - s - 1);
		if (hlen == 0 || hlen >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hlen);
		port_s = e + 2;
		*v6 = 1;
	} else {
		const char *c = strrchr(s, ':');

		if (!c)
			return -1;
		hlen = (size_t)(c - s);
		if (hlen == 0 || hlen >= sizeof(host))
			return -1;
		memcpy(host, s, hlen);
		port_s = c + 1;
		*v6 = 0;
	}
	host[hlen] = '\0';
	if (!*port_s || strlen(port_s) > 5)
		return -1;
	for (const char *p = port_s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if (port > 65535)
		return -1;
	if (!*v6 && strcmp(host, "localhost") == 0) {
		host[0] = '\0';
		if (snprintf(host, sizeof(host), "127.0.0.1") < 0)
			return -1;
	}
	if (*v6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -1;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return -1;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
	}
	return 0;
}

static void set_err(char *err, size_t errsz, const char *msg)
{
	if (err && errsz && snprintf(err, errsz, "%s", msg) < 0)
		err[0] = '\0';
}

/* ------------------------------------------------- redirect to HTTPS */

/* The redirect listener's URI log callback: keeps the request target as sent. */
static void *redirect_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	return strnlen(uri, HTTP_MAX_URL + 1) > HTTP_MAX_URL ? strdup("/") : strdup(uri);
}

static void redirect_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
				  enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

/*
 * The host name of a Host header value without its port, when it is a
 * plausible DNS name, IPv4 or [IPv6] literal: copied into out. 0 or -1.
 */
static int redirect_host(const char *host, char *out, size_t outsz)
{
	size_t n = 0;

	if (!host || !*host)
		return -1;
	if (host[0] == '[') {
		const char *e = strchr(host, ']');

		if (!e)
			return -1;
		n = (size_t)(e - host) + 1;
		for (const char *p = host + 1; p < e; p++)
			if (!strchr("0123456789abcdefABCDEF:.", *p))
				return -1;
	} else {
		while (host[n] && host[n] != ':') {
			unsigned char ch = (unsigned char)host[n];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			      ch == '.' || ch == '-'))
				return -1;
			n++;
		}
	}
	if (n == 0 || n >= outsz || n > 255)
		return -1;
	memcpy(out, host, n);
	out[n] = '\0';
	return 0;
}

/* Every request on the redirect listener: 308 to the same target over HTTPS. */
static enum MHD_Result redirect_request(void *cls, struct MHD_Connection *conn, const char *url,
					const char *method, const char *version, const char *upload_data,
					size_t *upload_data_size, void **con_cls)
{
	static const char moved[] = "Use HTTPS.\n";
	static const char bad[] = "Bad request.\n";
	struct http_server *srv = cls;
	const char *target = *con_cls ? *con_cls : "/";
	char host[260], location[HTTP_MAX_URL + 300], port[8] = "";
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned status = 308;
	int ok;

	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	*upload_data_size = 0;
	ok = target[0] == '/' && !has_ctl(target) && !strchr(target, ' ') &&
	     redirect_host(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST), host,
			   sizeof(host)) == 0;
	if (ok && srv->port != 443)
		snprintf(port, sizeof(port), ":%u", (unsigned)srv->port);
	if (ok) {
		int n = snprintf(location, sizeof(location), "https://%s%s%s", host, port, target);

		ok = n > 0 && (size_t)n < sizeof(location);
	}
	if (!ok)
		status = 400;
	r = MHD_create_response_from_buffer(ok ? sizeof(moved) - 1 : sizeof(bad) - 1,
					    (void *)(ok ? moved : bad), MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	if (add_security_headers(r, -1, 0) < 0 ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8") != MHD_YES ||
	    (ok && MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location) != MHD_YES)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Starts the plain-HTTP listener of cfg.redirect_listen. 0 or -1 with err. */
static int start_redirect(struct http_server *s, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
	const union MHD_DaemonInfo *info;
	int v6 = 0;

	if (parse_listen(s->cfg.redirect_listen, &ss, &v6) < 0) {
		set_err(err, errsz, "The redirect address must look like 0.0.0.0:80 or [::]:80.");
		return -1;
	}
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		flags |= MHD_USE_EPOLL;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (!s->cfg.quiet)
		flags |= MHD_USE_ERROR_LOG;
	s->redirect = MHD_start_daemon(
		flags, 0, NULL, NULL, &redirect_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)(s->cfg.per_ip_limit == HTTP_PER_IP_UNLIMITED ? 0 : s->cfg.per_ip_limit),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->cfg.connection_limit,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)s->cfg.connection_memory,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_URI_LOG_CALLBACK, &redirect_on_uri, NULL,
		MHD_OPTION_NOTIFY_COMPLETED, &redirect_on_completed, NULL,
		MHD_OPTION_END);
	if (!s->redirect) {
		set_err(err, errsz, "Could not listen on the redirect address (in use, or not allowed).");
		return -1;
	}
	info = MHD_get_daemon_info(s->redirect, MHD_DAEMON_INFO_BIND_PORT);
	s->redirect_port = info ? info->port : 0;
	return 0;
}

/*
 * Parses "ADDR[,ADDR...]" (spaces allowed around each) into a malloc'ed
 * array the caller frees. NULL or "" is no proxy. Returns 0 or -1.
 */
static int parse_trusted(const char *list, struct ip16 **out, size_t *n)
{
	size_t cap = 1;

	*out = NULL;
	*n = 0;
	if (!list || !*list)
		return 0;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	*out = calloc(cap, sizeof(**out));
	if (!*out)
		return -1;
	for (const char *p = list;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (ip16_parse(p, len, &(*out)[*n]) < 0) {
			free(*out);
			*out = NULL;
			*n = 0;
			return -1;
		}
		(*n)++;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

struct http_server *http_server_start(const struct http_config *cfg, char *err, size_t errsz)
{
	struct http_server *s;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned flags;
	int v6 = 0;
	long ncpu;

	s = calloc(1, sizeof(*s));
	if (!s) {
		set_err(err, errsz, "Out of memory.");
		return NULL;
	}
	pthread_mutex_init(&s->conns_lock, NULL);
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	s->cfg = *cfg;
	if (!s->cfg.listen)
		s->cfg.listen = DEFAULT_LISTEN;
	if (!s->cfg.threads) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		s->cfg.threads = ncpu > 0 && ncpu < 256 ? (unsigned)ncpu : 1;
	}
	if (!s->cfg.timeout_s)
		s->cfg.timeout_s = DEFAULT_TIMEOUT_S;
	if (!s->cfg.per_ip_limit)
		s->cfg.per_ip_limit = HTTP_DEFAULT_PER_IP;
	if (!s->cfg.per_net_limit)
		s->cfg.per_net_limit = HTTP_DEFAULT_PER_NET;
	if (!s->cfg.header_deadline_s)
		s->cfg.header_deadline_s = HTTP_DEFAULT_HEADER_DEADLINE;
	if (!s->cfg.body_deadline_s)
		s->cfg.body_deadline_s = HTTP_DEFAULT_BODY_DEADLINE;
	if (!s->cfg.connection_limit)
		s->cfg.connection_limit = DEFAULT_CONN_LIMIT;
	if (!s->cfg.connection_memory)
		s->cfg.connection_memory = DEFAULT_CONN_MEMORY;
	if (!s->cfg.max_body)
		s->cfg.max_body = HTTP_DEFAULT_MAX_BODY;
	if (!s->cfg.max_body_total)
		s->cfg.max_body_total = DEFAULT_BODY_TOTAL;
	if (!s->cfg.drain_timeout_s)
		s->cfg.drain_timeout_s = DEFAULT_DRAIN_S;
	atomic_init(&s->active, 0);
	atomic_init(&s->body_total, 0);
	atomic_init(&s->stopping, 0);

	if (parse_trusted(s->cfg.trusted_proxies, &s->trusted, &s->ntrusted) < 0) {
		set_err(err, errsz, "The trusted proxies must be IP addresses separated by commas.");
		goto fail;
	}
	if (parse_listen(s->cfg.listen, &ss, &v6) < 0) {
		set_err(err, errsz, "The listen address must look like 127.0.0.1:8080 or [::1]:8080.");
		goto fail;
	}
	if (pipe(s->stop_pipe) < 0 || fcntl(s->stop_pipe[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(s->stop_pipe[1], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(s->stop_pipe[1], F_SETFL, O_NONBLOCK) < 0) {
		set_err(err, errsz, "Could not create the stop pipe.");
		goto fail;
	}
	/* epoll where available; ITC is required by MHD_quiesce_daemon. */
	flags = MHD_USE_ITC;
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		flags |= MHD_USE_EPOLL_INTERNAL_THREAD;
	else
		flags |= MHD_USE_AUTO_INTERNAL_THREAD;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (!s->cfg.quiet)
		flags |= MHD_USE_ERROR_LOG;
	/* HTTPS: the certificate comes from tls.c on every handshake, so that a
	 * reload needs neither a restart nor a new listening socket. */
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES },
		{ MHD_OPTION_HTTPS_CERT_CALLBACK, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	if (s->cfg.tls_cert || s->cfg.tls_key) {
		if (!s->cfg.tls_cert || !s->cfg.tls_key) {
			set_err(err, errsz, "HTTPS needs both the certificate and the key file.");
			goto fail;
		}
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES ||
		    MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK) != MHD_YES) {
			set_err(err, errsz, "This libmicrohttpd was built without HTTPS.");
			goto fail;
		}
		s->tls = tls_load(s->cfg.tls_cert, s->cfg.tls_key, err, errsz);
		if (!s->tls)
			goto fail;
		tls_activate(s->tls);
		tls_opts[1].ptr_value = tls_retrieve_function();
		flags |= MHD_USE_TLS;
		s->cfg.secure_cookies = 1;
	} else {
		tls_opts[0].option = MHD_OPTION_END;
	}
	if (s->cfg.redirect_listen && !s->tls) {
		set_err(err, errsz, "A redirect listener needs HTTPS (a certificate and a key).");
		goto fail;
	}

	s->nconns_cap = (size_t)s->cfg.connection_limit + CONN_SLACK;
	s->conns = calloc(s->nconns_cap, sizeof(*s->conns));
	if (!s->conns) {
		set_err(err, errsz, "Out of memory.");
		goto fail;
	}
	s->daemon = MHD_start_daemon(
		flags, 0, &on_accept, s, &on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->cfg.threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->cfg.timeout_s,
		/* MHD's 0 is "no limit". */
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)(s->cfg.per_ip_limit == HTTP_PER_IP_UNLIMITED ? 0 : s->cfg.per_ip_limit),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->cfg.connection_limit,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)s->cfg.connection_memory,
		/* Refuse sloppy requests (bare LF, spaces in header names) that
		 * proxies may read differently (request smuggling). Since 0.9.77
		 * the discipline level says more; 0.9.75 (Debian 12) still takes
		 * a bare LF as a line end, which nothing here can see (README). */
#if MHD_VERSION >= 0x00097701
		MHD_OPTION_CLIENT_DISCIPLINE_LVL, (int)2,
#else
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
#endif
		MHD_OPTION_URI_LOG_CALLBACK, &on_uri, s,
		MHD_OPTION_NOTIFY_COMPLETED, &on_completed, s,
		MHD_OPTION_ARRAY, tls_opts,
		MHD_OPTION_NOTIFY_CONNECTION, &on_connection, s,
		MHD_OPTION_END);
	if (!s->daemon) {
		set_err(err, errsz, "Could not listen on the address (in use, or not allowed).");
		goto fail;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	if (s->cfg.redirect_listen && start_redirect(s, err, errsz) < 0) {
		MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
		goto fail;
	}

	atomic_init(&s->watchdog_stop, 0);
	if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
		MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
		if (s->redirect)
			MHD_stop_daemon(s->redirect);
		s->redirect = NULL;
		set_err(err, errsz, "Could not start the connection watchdog.");
		goto fail;
	}
	s->watchdog_running = 1;
	return s;
fail:
	tls_free(s->tls);
	free(s->trusted);
	free(s->conns);
	pthread_mutex_destroy(&s->conns_lock);
	if (s->stop_pipe[0] >= 0)
		close(s->stop_pipe[0]);
	if (s->stop_pipe[1] >= 0)
		close(s->stop_pipe[1]);
	free(s);
	return NULL;
}

uint16_t http_server_port(const struct http_server *s)
{
	return s->port;
}

uint16_t http_server_redirect_port(const struct http_server *s)
{
	return s->redirect_port;
}

int http_server_tls(const struct http_server *s)
{
	return s->tls != NULL;
}

int http_server_reload_tls(struct http_server *s, char *err, size_t errsz)
{
	if (!s->tls) {
		set_err(err, errsz, "The server has no HTTPS.");
		return -1;
	}
	return tls_reload(s->tls, err, errsz);
}

unsigned http_server_active(const struct http_server *s)
{
	return atomic_load(&((struct http_server *)s)->active);
}

void http_server_request_stop(struct http_server *s)
{
	int saved = errno;
	ssize_t w = write(s->stop_pipe[1], "s", 1);

	(void)w; /* a full pipe already holds a stop byte */
	errno = saved;
}

/* Quiesce, drain, stop. Idempotent. */
static void graceful_stop(struct http_server *s)
{
	struct timespec start, now, pause = { 0, 20 * 1000 * 1000 };
	MHD_socket fd;

	if (s->stopped)
		return;
	s->stopped = 1;
	atomic_store(&s->stopping, 1);
	/* The listening socket stops taking connections at once (shutdown), but
	 * stays open until MHD_stop_daemon: with epoll and a thread pool, each
	 * worker takes it out of its epoll set only when it next wakes, and a
	 * socket closed before that makes libmicrohttpd 0.9.75 abort ("Failed to
	 * remove listen FD from epoll set"). */
	fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		shutdown(fd, SHUT_RDWR);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (atomic_load(&s->active) > 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)s->cfg.drain_timeout_s)
			break;
		nanosleep(&pause, NULL);
	}
	MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	if (s->redirect)
		MHD_stop_daemon(s->redirect);
	s->redirect = NULL;

	if (s->watchdog_running) {
		atomic_store(&s->watchdog_stop, 1);
		pthread_join(s->watchdog, NULL);
		s->watchdog_running = 0;
	}
}

/* The write end of the pipe of the server waiting in run_until_signal. */
static volatile sig_atomic_t signal_fd = -1;

/* Only an async-signal-safe write of what arrived: the waiting thread does the work. */
static void on_signal(int sig)
{
	int saved = errno;
	int fd = signal_fd;
	char c = sig == SIGHUP ? 'h' : sig == SIGUSR1 ? 'u' : 's';

	if (fd >= 0) {
		ssize_t w = write(fd, &c, 1);
		(void)w;
	}
	errno = saved;
}

/* SIGHUP: the certificate files again; one line says how it went. */
static void reload_on_hup(struct http_server *s)
{
	char err[512];

	if (!s->tls)
		return;
	if (http_server_reload_tls(s, err, sizeof(err)) == 0)
		fprintf(stderr, "nsp: TLS certificate reloaded from %s\n", s->cfg.tls_cert);
	else
		fprintf(stderr, "nsp: TLS certificate NOT reloaded, the old one stays in use: %s\n", err);
}

int http_server_run_until_signal(struct http_server *s)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct sigaction sa, old[4];
	struct pollfd pfd;
	sigset_t wanted, old_mask;
	size_t installed = 0;
	char c = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	signal_fd = s->stop_pipe[1];
	for (; installed < 4; installed++)
		if (sigaction(sigs[installed], &sa, &old[installed]) < 0)
			goto fail;
	/* The caller may have blocked the signals until now (so that one
	 * arriving right after "listening" is not lost): they are delivered
	 * here, to the handler, as soon as they are unblocked. */
	sigemptyset(&wanted);
	for (size_t i = 0; i < 4; i++)
		sigaddset(&wanted, sigs[i]);
	pthread_sigmask(SIG_UNBLOCK, &wanted, &old_mask);
	pfd.fd = s->stop_pipe[0];
	pfd.events = POLLIN;
	for (;;) {
		int r = poll(&pfd, 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (read(s->stop_pipe[0], &c, 1) != 1)
			continue;
		if (c == 'h')
			reload_on_hup(s);
		else if (c == 'u' && s->cfg.on_usr1)
			s->cfg.on_usr1(s->cfg.on_usr1_arg);
		else if (c != 'u')
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	signal_fd = -1;
	graceful_stop(s);
	return 0;
fail:
	while (installed > 0) {
		installed--;
		sigaction(sigs[installed], &old[installed], NULL);
	}
	signal_fd = -1;
	return -1;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	graceful_stop(s);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	tls_free(s->tls);
	free(s->trusted);
	free(s->conns);
	pthread_mutex_destroy(&s->conns_lock);
	free(s);
}
