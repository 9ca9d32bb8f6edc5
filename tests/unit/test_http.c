/*
 * Tests of the HTTP plumbing: route matching, form/cookie/bearer decoding,
 * and the real libmicrohttpd server on 127.0.0.1 with a free port, spoken
 * to over plain POSIX sockets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "web/form.h"
#include "web/http.h"
#include "web/validate.h"

/* ------------------------------------------------------------ route table */

static void h_dummy(struct http_request *req)
{
	(void)req;
}

static const struct route test_routes[] = {
	{ "GET", "/", h_dummy, 0 },
	{ "GET", "/healthz", h_dummy, 0 },
	{ "GET", "/api/v1/persons", h_dummy, 1 },
	{ "POST", "/api/v1/persons", h_dummy, 2 },
	{ "GET", "/api/v1/persons/{id}", h_dummy, 3 },
	{ "POST", "/api/v1/persons/{id}/exit", h_dummy, 4 },
	{ "PUT", "/api/v1/years/{year}/rates/{n}", h_dummy, 5 },
	{ "GET", "/static/*", h_dummy, 6 },
};
#define NROUTES (sizeof(test_routes) / sizeof(test_routes[0]))

struct m {
	enum http_match res;
	const struct route *route;
	int64_t ids[HTTP_MAX_IDS];
	int nids;
	char *tail;
	char allow[64];
};

static enum http_match match(const char *method, const char *path, struct m *m)
{
	memset(m, 0, sizeof(*m));
	m->res = http_route_match(test_routes, NROUTES, method, path, &m->route, m->ids, &m->nids,
				  &m->tail, m->allow, sizeof(m->allow));
	return m->res;
}

static void test_route_params(void **state)
{
	struct m m;
	(void)state;

	assert_int_equal(match("GET", "/api/v1/persons/42", &m), HTTP_MATCH_OK);
	assert_ptr_equal(m.route, &test_routes[4]);
	assert_int_equal(m.nids, 1);
	assert_int_equal(m.ids[0], 42);
	assert_null(m.tail);

	assert_int_equal(match("POST", "/api/v1/persons/7/exit", &m), HTTP_MATCH_OK);
	assert_ptr_equal(m.route, &test_routes[5]);
	assert_int_equal(m.ids[0], 7);
	assert_int_equal(m.route->roles, 4);

	assert_int_equal(match("PUT", "/api/v1/years/2025/rates/3", &m), HTTP_MATCH_OK);
	assert_int_equal(m.nids, 2);
	assert_int_equal(m.ids[0], 2025);
	assert_int_equal(m.ids[1], 3);

	/* The largest int64 is an id; one more overflows and is not. */
	assert_int_equal(match("GET", "/api/v1/persons/9223372036854775807", &m), HTTP_MATCH_OK);
	assert_true(m.ids[0] == INT64_MAX);
	assert_int_equal(match("GET", "/api/v1/persons/9223372036854775808", &m),
			 HTTP_MATCH_NOT_FOUND);

	/* Not positive decimal ints: 404, never a handler with a bad id. */
	assert_int_equal(match("GET", "/api/v1/persons/abc", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/0", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/-1", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/+1", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/007", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/1x", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/1/2", &m), HTTP_MATCH_NOT_FOUND);

	assert_int_equal(match("GET", "/", &m), HTTP_MATCH_OK);
	assert_ptr_equal(m.route, &test_routes[0]);
}

static void test_route_404_405(void **state)
{
	struct m m;
	(void)state;

	assert_int_equal(match("GET", "/nope", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("DELETE", "/nope", &m), HTTP_MATCH_NOT_FOUND);

	assert_int_equal(match("DELETE", "/api/v1/persons", &m), HTTP_MATCH_METHOD);
	assert_string_equal(m.allow, "GET, HEAD, POST");
	assert_null(m.route);

	assert_int_equal(match("GET", "/api/v1/persons/5/exit", &m), HTTP_MATCH_METHOD);
	assert_string_equal(m.allow, "POST");

	/* A non-numeric id is no route at all, so 404 rather than 405. */
	assert_int_equal(match("DELETE", "/api/v1/persons/x", &m), HTTP_MATCH_NOT_FOUND);

	/* Methods are exact, and HEAD follows GET. */
	assert_int_equal(match("get", "/healthz", &m), HTTP_MATCH_METHOD);
	assert_int_equal(match("HEAD", "/healthz", &m), HTTP_MATCH_OK);
	assert_int_equal(match("HEAD", "/api/v1/persons/5/exit", &m), HTTP_MATCH_METHOD);
}

static void test_route_slashes(void **state)
{
	struct m m;
	(void)state;

	assert_int_equal(match("GET", "/healthz/", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "//healthz", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api//v1/persons", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "healthz", &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "", &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "*", &m), HTTP_MATCH_BAD_PATH);
	/* Absurdly many segments are refused without work. */
	{
		char p[200];
		size_t o = 0;

		for (int i = 0; i < HTTP_MAX_SEGMENTS + 2; i++) {
			p[o++] = '/';
			p[o++] = 'a';
		}
		p[o] = '\0';
		assert_int_equal(match("GET", p, &m), HTTP_MATCH_NOT_FOUND);
	}
}

static void test_route_encoded(void **state)
{
	struct m m;
	(void)state;

	/* Escapes are decoded per segment. */
	assert_int_equal(match("GET", "/api/v1/persons/%31%32", &m), HTTP_MATCH_OK);
	assert_int_equal(m.ids[0], 12);
	assert_int_equal(match("GET", "/%68ealthz", &m), HTTP_MATCH_OK);
	assert_ptr_equal(m.route, &test_routes[1]);
	/* An encoded slash is data, not a separator. */
	assert_int_equal(match("POST", "/api/v1/persons/7%2Fexit", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/api%2Fv1/persons", &m), HTTP_MATCH_NOT_FOUND);
	/* Malformed escapes, NUL and invalid UTF-8 are a bad request. */
	assert_int_equal(match("GET", "/api/v1/persons/%zz", &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "/api/v1/persons/%3", &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "/healthz%00", &m), HTTP_MATCH_BAD_PATH);
	assert_int_equal(match("GET", "/%C3%28", &m), HTTP_MATCH_BAD_PATH);
	/* '+' is not a space in paths. */
	assert_int_equal(match("GET", "/api/v1/persons/+1", &m), HTTP_MATCH_NOT_FOUND);
}

static void test_route_tail(void **state)
{
	struct m m;
	(void)state;

	assert_int_equal(match("GET", "/static/app.css", &m), HTTP_MATCH_OK);
	assert_string_equal(m.tail, "app.css");
	free(m.tail);
	assert_int_equal(match("GET", "/static/img/logo%20x.png", &m), HTTP_MATCH_OK);
	assert_string_equal(m.tail, "img/logo x.png");
	free(m.tail);

	assert_int_equal(match("GET", "/static", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/static/", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/static/../etc/passwd", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/static/a/./b", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/static/%2e%2e/x", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/static/a%2F..%2Fb", &m), HTTP_MATCH_NOT_FOUND);
	assert_int_equal(match("GET", "/static/a//b", &m), HTTP_MATCH_NOT_FOUND);
	assert_null(m.tail);
}

/* ------------------------------------------------------------------ form */

static void test_form_decode(void **state)
{
	struct form f = FORM_INIT;
	const char *s = "a=1&b=x+y&a=%C3%A5%c3%a4&empty=&flag&&c=1%3D2=3";
	(void)state;

	assert_int_equal(form_parse(&f, s, strlen(s), 0), FORM_OK);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get_nth(&f, "a", 1), "\xC3\xA5\xC3\xA4");
	assert_null(form_get_nth(&f, "a", 2));
	assert_int_equal(form_count(&f, "a"), 2);
	assert_string_equal(form_get(&f, "b"), "x y");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_string_equal(form_get(&f, "flag"), "");
	assert_string_equal(form_get(&f, "c"), "1=2=3");
	assert_null(form_get(&f, "A"));
	assert_null(form_get(&f, "missing"));
	form_release(&f);

	/* Not NUL-terminated input: only len bytes are read. */
	form_init(&f);
	assert_int_equal(form_parse(&f, "k=vvvv", 3, 0), FORM_OK);
	assert_string_equal(form_get(&f, "k"), "v");
	form_release(&f);

	form_init(&f);
	assert_int_equal(form_parse(&f, "", 0, 0), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(form_parse(&f, "%2B=%20", 7, 0), FORM_OK);
	assert_string_equal(form_get(&f, "+"), " ");
	form_release(&f);
}

static void test_form_invalid(void **state)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%zz", "a=%G1", "%=1", "a=%00", "a%00=1",
		"a=%C3", "a=%C3%28", "a=%C0%AF", "a=%ED%A0%80", "a=%F4%90%80%80",
		"=1", "a=\xff", NULL,
	};
	struct form f = FORM_INIT;
	(void)state;

	/* A failed parse leaves what was already there. */
	assert_int_equal(form_parse(&f, "keep=1", 6, 0), FORM_OK);
	for (int i = 0; bad[i]; i++) {
		char with_good[64];
		int n = snprintf(with_good, sizeof(with_good), "x=1&%s", bad[i]);

		assert_true(n > 0);
		assert_int_equal(form_parse(&f, bad[i], strlen(bad[i]), 0), FORM_INVALID);
		assert_int_equal(form_parse(&f, with_good, (size_t)n, 0), FORM_INVALID);
		assert_int_equal(f.n, 1);
		assert_string_equal(form_get(&f, "keep"), "1");
		assert_null(form_get(&f, "x"));
	}
	/* Pair limit. */
	assert_int_equal(form_parse(&f, "a=1&b=2&c=3", 11, 2), FORM_TOO_MANY);
	assert_int_equal(f.n, 1);
	assert_int_equal(form_parse(&f, "a=1&b=2", 7, 2), FORM_OK);
	assert_int_equal(f.n, 3);
	form_release(&f);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(form_utf8_valid("", 0));
	assert_true(form_utf8_valid("Malmö – 𝄞", strlen("Malmö – 𝄞")));
	assert_false(form_utf8_valid("\x80", 1));
	assert_false(form_utf8_valid("\xC0\x80", 2));         /* overlong NUL */
	assert_false(form_utf8_valid("\xE0\x80\xAF", 3));     /* overlong '/' */
	assert_false(form_utf8_valid("\xED\xBF\xBF", 3));     /* surrogate */
	assert_false(form_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(form_utf8_valid("\xF8\x88\x80\x80\x80", 5));
	assert_false(form_utf8_valid("\xE2\x82", 2));         /* truncated */
	assert_true(form_utf8_valid("\xF4\x8F\xBF\xBF", 4));  /* U+10FFFF */
}

static void test_cookie(void **state)
{
	char out[64];
	(void)state;

	assert_int_equal(form_cookie("sid=abc123", "sid", out, sizeof(out)), 0);
	assert_string_equal(out, "abc123");
	assert_int_equal(form_cookie("theme=dark; sid=X-y_z.9;other=1", "sid", out, sizeof(out)), 0);
	assert_string_equal(out, "X-y_z.9");
	assert_int_equal(form_cookie("a=1;\tsid=\"quoted\" ", "sid", out, sizeof(out)), 0);
	assert_string_equal(out, "quoted");
	assert_int_equal(form_cookie("sid=first; sid=second", "sid", out, sizeof(out)), 0);
	assert_string_equal(out, "first");
	assert_int_equal(form_cookie("sid=", "sid", out, sizeof(out)), 0);
	assert_string_equal(out, "");

	/* Names are exact: no prefix, suffix or case folding. */
	assert_int_equal(form_cookie("xsid=1; sidx=2; SID=3", "sid", out, sizeof(out)), -1);
	assert_int_equal(form_cookie("sid", "sid", out, sizeof(out)), -1);
	assert_int_equal(form_cookie("", "sid", out, sizeof(out)), -1);
	assert_int_equal(form_cookie(NULL, "sid", out, sizeof(out)), -1);
	/* Values outside cookie-octets, or too long for out. */
	assert_int_equal(form_cookie("sid=a b", "sid", out, sizeof(out)), -1);
	assert_int_equal(form_cookie("sid=a\\b", "sid", out, sizeof(out)), -1);
	assert_int_equal(form_cookie("sid=a,b", "sid", out, sizeof(out)), -1);
	assert_int_equal(form_cookie("sid=\xc3\xa5", "sid", out, sizeof(out)), -1);
	assert_int_equal(form_cookie("sid=12345678", "sid", out, 8), -1);
	assert_int_equal(form_cookie("sid=1234567", "sid", out, 8), 0);
	assert_string_equal(out, "1234567");
}

static void test_bearer(void **state)
{
	char out[64];
	(void)state;

	assert_int_equal(form_bearer("Bearer abc.DEF-_~+/9==", out, sizeof(out)), 0);
	assert_string_equal(out, "abc.DEF-_~+/9==");
	assert_int_equal(form_bearer("bearer tok", out, sizeof(out)), 0);
	assert_string_equal(out, "tok");
	assert_int_equal(form_bearer("BEARER tok", out, sizeof(out)), 0);

	assert_int_equal(form_bearer("Bearer  tok", out, sizeof(out)), -1);  /* two spaces */
	assert_int_equal(form_bearer("Bearer\ttok", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer ", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearertok", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Basic dXNlcjpwdw==", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer tok ", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer to;k", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer tok=x", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer ==", out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer tok\r\nX: y", out, sizeof(out)), -1);
	assert_int_equal(form_bearer(NULL, out, sizeof(out)), -1);
	assert_int_equal(form_bearer("Bearer 12345678", out, 8), -1);
	assert_int_equal(form_bearer("Bearer 1234567", out, 8), 0);
}

/* ------------------------------------------------------ end-to-end server */


static atomic_int ctx_frees;
/* Handlers run on server threads, where cmocka's assertions must not jump:
 * they count failures, and every end-to-end test checks the count. */
static atomic_int handler_failures;
#define HCHECK(c)                                                                     \
	do {                                                                          \
		if (!(c)) {                                                           \
			fprintf(stderr, "handler check failed: %s (line %d)\n", #c, __LINE__); \
			atomic_fetch_add(&handler_failures, 1);                       \
		}                                                                     \
	} while (0)


static void h_hello(struct http_request *req)
{
	json_t *j = json_object();
	const char *name = http_query(req, "name");

	json_object_set_new(j, "ok", json_true());
	json_object_set_new(j, "name", name ? json_string(name) : json_null());
	json_object_set_new(j, "client", json_string(http_client_addr(req)));
	http_reply_json(req, 200, j);
}

/* Echoes the body's length and a checksum of its bytes. */
static void h_echo(struct http_request *req)
{
	uint32_t sum = 0;
	json_t *j = json_object();

	for (size_t i = 0; i < req->body_len; i++)
		sum = sum * 31u + (unsigned char)req->body[i];
	json_object_set_new(j, "len", json_integer((json_int_t)req->body_len));
	json_object_set_new(j, "sum", json_integer((json_int_t)sum));
	http_reply_json(req, 200, j);
}

/* /api/slow answers once the test lets it (or after 10 s): a request that
 * is still in flight for as long as the test needs, however loaded the
 * machine (a fixed second ran out before a loaded test had looked). */
static atomic_int slow_release;

static void h_slow(struct http_request *req)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	for (int i = 0; i < 2000 && !atomic_load(&slow_release); i++)
		nanosleep(&ts, NULL);
	http_reply_json(req, 200, json_pack("{s:b}", "slow", 1));
}

static void h_noreply(struct http_request *req)
{
	(void)req;
}

static void h_item(struct http_request *req)
{
	http_reply_json(req, 200, json_pack("{s:I}", "id", (json_int_t)req->ids[0]));
}

static void h_page(struct http_request *req)
{
	static const char html[] = "<p>hej</p>";

	HCHECK(http_set_cookie(req, "sid", "abc", -1, HTTP_COOKIE_DEFAULT) == 0);
	/* Refused: owned headers, bad names and values, bad cookies. */
	HCHECK(http_add_header(req, "Content-Security-Policy", "x") == -1);
	HCHECK(http_add_header(req, "cache-control", "public") == -1);
	HCHECK(http_add_header(req, "Set-Cookie", "a=b") == -1);
	HCHECK(http_add_header(req, "X Bad", "v") == -1);
	HCHECK(http_add_header(req, "X-Ok", "a\r\nInjected: 1") == -1);
	HCHECK(http_set_cookie(req, "s;d", "v", -1, 0) == -1);
	HCHECK(http_set_cookie(req, "sid", "a b", -1, 0) == -1);
	HCHECK(http_set_cookie(req, "sid", "v", -1,
					 HTTP_COOKIE_SAMESITE_LAX | HTTP_COOKIE_SAMESITE_STRICT) == -1);
	HCHECK(http_add_header(req, "X-Ok", "yes") == 0);
	http_reply_html(req, 200, html, sizeof(html) - 1);
}

static void h_page_buf(struct http_request *req)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "<p>");
	buf_html(&b, http_query(req, "q") ? http_query(req, "q") : "");
	buf_puts(&b, "</p>");
	http_reply_html_buf(req, 200, &b);
	HCHECK(b.data == NULL);
}

static void h_go(struct http_request *req)
{
	HCHECK(http_reply_redirect(req, 303, "//evil.example/") == -1);
	HCHECK(http_reply_redirect(req, 303, "https://evil.example/") == -1);
	HCHECK(http_reply_redirect(req, 303, "/a\r\nX: y") == -1);
	HCHECK(http_reply_redirect(req, 200, "/page") == -1);
	HCHECK(http_reply_redirect(req, 303, "/page?x=1") == 0);
}

static void h_report(struct http_request *req)
{
	char name[64];

	HCHECK(http_reply_bytes(req, 200, "text/csv", "a", 1, "../x.csv") == -1);
	HCHECK(http_reply_bytes(req, 200, "text/csv", "a", 1, "a\"b.csv") == -1);
	snprintf(name, sizeof(name), "report-%lld.csv", (long long)req->ids[0]);
	http_reply_bytes(req, 200, "text/csv; charset=utf-8", "a,b\n1,2\n", 8, name);
}

static void h_static(struct http_request *req)
{
	http_allow_cache(req, 3600);
	http_reply_bytes(req, 200, "text/css", req->tail, strlen(req->tail), NULL);
}

static void h_validate(struct http_request *req)
{
	struct vctx v;
	json_t *obj;
	const char *name = NULL;

	vctx_init(&v);
	obj = v_parse_object(&v, req->body, req->body_len);
	v_string(&v, obj, "name", V_REQUIRED, 10, &name);
	if (v.failed) {
		http_reply_invalid(req, &v);
	} else {
		http_reply_json(req, 201, json_pack("{s:s}", "name", name));
	}
	json_decref(obj);
}

static void h_rule(struct http_request *req)
{
	http_reply_rule(req, "R3", "Regel R3 nekar.", "Rule R3 refuses.");
}

static void h_forbidden_page(struct http_request *req)
{
	http_reply_error(req, 403, "forbidden", NULL, "Åtkomst nekad <b>.", "Access denied <b>.");
}

static const struct route e2e_routes[] = {
	{ "GET", "/api/hello", h_hello, 0 },
	{ "POST", "/api/echo", h_echo, 0 },
	{ "PUT", "/api/echo", h_echo, 0 },
	{ "GET", "/api/slow", h_slow, 0 },
	{ "GET", "/api/noreply", h_noreply, 0 },
	{ "GET", "/api/items/{id}", h_item, 0 },
	{ "GET", "/api/report/{id}", h_report, 0 },
	{ "POST", "/api/validate", h_validate, 0 },
	{ "POST", "/api/rule", h_rule, 0 },
	{ "GET", "/page", h_page, 0 },
	{ "GET", "/pagebuf", h_page_buf, 0 },
	{ "GET", "/go", h_go, 0 },
	{ "GET", "/private", h_forbidden_page, 0 },
	{ "GET", "/static/*", h_static, 0 },
};

static enum http_next before(struct http_request *req)
{
	char tok[64];

	HCHECK(req->app == (void *)&e2e_routes);
	if (http_header(req, "X-Test-Deny")) {
		http_reply_error(req, 401, "unauthenticated", NULL, "Logga in.", "Log in.");
		return HTTP_HANDLED;
	}
	if (http_header(req, "X-Test-Ctx"))
		req->ctx = strdup("session");
	if (http_header(req, "Authorization") && http_bearer(req, tok, sizeof(tok)) < 0) {
		http_reply_error(req, 401, "unauthenticated", NULL, "Fel token.", "Bad token.");
		return HTTP_HANDLED;
	}
	return HTTP_CONTINUE;
}

static void ctx_free(void *ctx)
{
	HCHECK(strcmp(ctx, "session") == 0);
	free(ctx);
	atomic_fetch_add(&ctx_frees, 1);
}

/* The app's HTML error page: escapes the messages through the buffer. */
static void error_page(struct http_request *req, unsigned status, const char *code,
		       const char *sv, const char *en)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "<h1>%u %s</h1><p>", status, code);
	buf_html(&b, sv);
	buf_puts(&b, "</p><p>");
	buf_html(&b, en);
	buf_puts(&b, "</p>");
	/* An error inside the page must not recurse into the page. */
	HCHECK(http_reply_error(req, status, code, NULL, "x", "y") == 0);
	http_reply_html_buf(req, status, &b);
}

static struct http_config e2e_cfg = {
	.routes = e2e_routes,
	.nroutes = sizeof(e2e_routes) / sizeof(e2e_routes[0]),
	.app = (void *)&e2e_routes,
	.before = before,
	.error_page = error_page,
	.ctx_free = ctx_free,
	.listen = "127.0.0.1:0",
	.threads = 2,
	.quiet = 1,
};

static struct http_server *srv;
static uint16_t port;

/* A response as read off the socket. */
struct resp {
	int status;
	char *raw;
	size_t len;
	const char *body;
	size_t body_len;
	int eof;
};

static void resp_free(struct resp *r)
{
	free(r->raw);
	memset(r, 0, sizeof(*r));
}

static int connect_port(uint16_t p)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(p);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void send_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		assert_true(w > 0);
		p += w;
		len -= (size_t)w;
	}
}

/* Reads until EOF (or timeout_ms without progress) and parses the status. */
static void read_resp(int fd, struct resp *r, int timeout_ms)
{
	size_t cap = 4096;
	char *hdr_end;

	memset(r, 0, sizeof(*r));
	r->raw = malloc(cap);
	assert_non_null(r->raw);
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		if (r->len + 1 == cap) {
			cap *= 2;
			r->raw = realloc(r->raw, cap);
			assert_non_null(r->raw);
		}
		n = recv(fd, r->raw + r->len, cap - 1 - r->len, 0);
		if (n <= 0) {
			r->eof = 1;
			break;
		}
		r->len += (size_t)n;
	}
	r->raw[r->len] = '\0';
	if (r->len >= 12 && strncmp(r->raw, "HTTP/1.", 7) == 0)
		r->status = (int)strtol(r->raw + 9, NULL, 10);
	hdr_end = strstr(r->raw, "\r\n\r\n");
	if (hdr_end) {
		r->body = hdr_end + 4;
		r->body_len = r->len - (size_t)(r->body - r->raw);
	}
}

/* Sends a whole request on a fresh connection and reads the response. */
static void request(const char *data, size_t len, struct resp *r)
{
	int fd = connect_port(port);

	assert_true(fd >= 0);
	send_all(fd, data, len);
	read_resp(fd, r, 5000);
	close(fd);
	assert_true(r->eof);
}

static void get(const char *path, const char *extra_headers, struct resp *r)
{
	char req[8192];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n",
			 path, extra_headers ? extra_headers : "");

	assert_true(n > 0 && (size_t)n < sizeof(req));
	request(req, (size_t)n, r);
}

/* The value of header name in r (case-insensitive), copied into out; NULL if absent. */
static const char *header(const struct resp *r, const char *name, char *out, size_t outsz)
{
	const char *p = strstr(r->raw, "\r\n");
	size_t nl = strlen(name);

	while (p && p + 2 < r->body - 2) {
		const char *line = p + 2, *e = strstr(line, "\r\n");

		if (!e || e == line)
			break;
		if ((size_t)(e - line) > nl + 1 && strncasecmp(line, name, nl) == 0 &&
		    line[nl] == ':') {
			const char *v = line + nl + 1;
			size_t vl;

			while (*v == ' ')
				v++;
			vl = (size_t)(e - v);
			if (vl >= outsz)
				vl = outsz - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return out;
		}
		p = e;
	}
	return NULL;
}

static void assert_security_headers(const struct resp *r, const char *cache)
{
	char v[512];

	assert_non_null(header(r, "Content-Security-Policy", v, sizeof(v)));
	assert_string_equal(v, "default-src 'self'; script-src 'self'; style-src 'self'; "
			       "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
			       "base-uri 'none'");
	assert_non_null(header(r, "X-Content-Type-Options", v, sizeof(v)));
	assert_string_equal(v, "nosniff");
	assert_non_null(header(r, "X-Frame-Options", v, sizeof(v)));
	assert_string_equal(v, "DENY");
	assert_non_null(header(r, "Referrer-Policy", v, sizeof(v)));
	/* same-origin, so that a form POST of our own pages carries our Origin (CSRF check) */
	assert_string_equal(v, "same-origin");
	assert_non_null(header(r, "Cache-Control", v, sizeof(v)));
	assert_string_equal(v, cache);
}

/* Parses the JSON body of r; the caller decrefs. */
static json_t *body_json(const struct resp *r)
{
	json_t *j;

	assert_non_null(r->body);
	j = json_loadb(r->body, r->body_len, 0, NULL);
	assert_non_null(j);
	return j;
}

static void assert_api_error(const struct resp *r, int status, const char *code)
{
	json_t *j;
	char v[128];

	assert_int_equal(r->status, status);
	assert_security_headers(r, "no-store");
	assert_non_null(header(r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json; charset=utf-8");
	j = body_json(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			    code);
	assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
	assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message_sv")));
	assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message_en")));
	json_decref(j);
}

/* Waits up to 3 s for the server to have no request in flight. */
static void wait_idle(struct http_server *s)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 300 && http_server_active(s) > 0; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(http_server_active(s), 0);
}

static int server_up(void **state)
{
	char err[200];
	(void)state;

	srv = http_server_start(&e2e_cfg, err, sizeof(err));
	if (!srv) {
		fprintf(stderr, "server: %s\n", err);
		return -1;
	}
	port = http_server_port(srv);
	return port ? 0 : -1;
}

/* After each end-to-end test: no check inside a handler failed. */
static int no_handler_failures(void **state)
{
	(void)state;
	return atomic_load(&handler_failures) == 0 ? 0 : -1;
}

static int server_down(void **state)
{
	(void)state;
	http_server_stop(srv);
	srv = NULL;
	return 0;
}

static void test_e2e_200(void **state)
{
	struct resp r;
	json_t *j;
	char v[256];
	(void)state;

	get("/api/hello?name=G%C3%B6ran+L&x=1", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r, "no-store");
	assert_non_null(header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json; charset=utf-8");
	j = body_json(&r);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_string_equal(json_string_value(json_object_get(j, "name")), "Göran L");
	assert_string_equal(json_string_value(json_object_get(j, "client")), "127.0.0.1");
	json_decref(j);
	/* Compact serialisation. */
	assert_null(strstr(r.body, ": "));
	resp_free(&r);

	/* HEAD follows GET, without a body. */
	{
		static const char head[] = "HEAD /api/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

		request(head, sizeof(head) - 1, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(r.body_len, 0);
		assert_security_headers(&r, "no-store");
		resp_free(&r);
	}

	get("/api/items/31", NULL, &r);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 31);
	json_decref(j);
	resp_free(&r);
}

static void test_e2e_404_405(void **state)
{
	struct resp r;
	char v[128];
	(void)state;

	get("/api/nope", NULL, &r);
	assert_api_error(&r, 404, "not_found");
	resp_free(&r);

	get("/api/items/abc", NULL, &r);
	assert_api_error(&r, 404, "not_found");
	resp_free(&r);

	get("/api/hello/", NULL, &r);
	assert_api_error(&r, 404, "not_found");
	resp_free(&r);

	get("/api/items/%zz", NULL, &r);
	assert_api_error(&r, 400, "invalid");
	resp_free(&r);

	get("/api/hello?name=%C3", NULL, &r);
	assert_api_error(&r, 400, "invalid");
	resp_free(&r);

	{
		static const char del[] = "DELETE /api/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

		request(del, sizeof(del) - 1, &r);
		assert_api_error(&r, 405, "method_not_allowed");
		assert_non_null(header(&r, "Allow", v, sizeof(v)));
		assert_string_equal(v, "POST, PUT");
		resp_free(&r);
	}

	/* Outside /api/ the application's error page renders it, escaped. */
	get("/nope", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_security_headers(&r, "no-store");
	assert_non_null(header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "<h1>404 not_found</h1>"));
	resp_free(&r);

	get("/private", NULL, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "<p>Åtkomst nekad &lt;b&gt;.</p>"));
	assert_null(strstr(r.body, "<b>"));
	resp_free(&r);
}

static void test_e2e_413_declared(void **state)
{
	static const char hdr[] = "POST /api/echo HTTP/1.1\r\nHost: x\r\n"
				  "Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n";
	static const char hdr_expect[] = "POST /api/echo HTTP/1.1\r\nHost: x\r\n"
					 "Expect: 100-continue\r\nContent-Length: 2097152\r\n\r\n";
	struct resp r;
	int fd;
	(void)state;

	/* Only the headers are sent: the answer must come without the body. */
	fd = connect_port(port);
	assert_true(fd >= 0);
	send_all(fd, hdr, sizeof(hdr) - 1);
	read_resp(fd, &r, 5000);
	close(fd);
	assert_true(r.eof);
	assert_api_error(&r, 413, "too_large");
	resp_free(&r);

	/* With Expect: no "100 Continue", straight to 413. */
	fd = connect_port(port);
	assert_true(fd >= 0);
	send_all(fd, hdr_expect, sizeof(hdr_expect) - 1);
	read_resp(fd, &r, 5000);
	close(fd);
	assert_true(r.eof);
	assert_api_error(&r, 413, "too_large");
	resp_free(&r);
	wait_idle(srv);
}

/* POSTs len bytes of a pattern to /api/echo, with Content-Length or chunked. */
static void post_echo(size_t len, int chunked, struct resp *r)
{
	char hdr[256];
	char *body = malloc(len ? len : 1);
	int fd, n;
	uint32_t sum = 0;

	assert_non_null(body);
	for (size_t i = 0; i < len; i++) {
		body[i] = (char)('a' + i % 26);
		sum = sum * 31u + (unsigned char)body[i];
	}
	if (chunked)
		n = snprintf(hdr, sizeof(hdr), "PUT /api/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
						"Transfer-Encoding: chunked\r\n\r\n");
	else
		n = snprintf(hdr, sizeof(hdr), "POST /api/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
						"Content-Length: %zu\r\n\r\n", len);
	fd = connect_port(port);
	assert_true(fd >= 0);
	send_all(fd, hdr, (size_t)n);
	if (chunked) {
		for (size_t off = 0; off < len; off += 65536) {
			size_t c = len - off < 65536 ? len - off : 65536;
			char line[32];
			int ln = snprintf(line, sizeof(line), "%zx\r\n", c);

			send_all(fd, line, (size_t)ln);
			send_all(fd, body + off, c);
			send_all(fd, "\r\n", 2);
		}
		send_all(fd, "0\r\n\r\n", 5);
	} else if (len <= HTTP_DEFAULT_MAX_BODY) {
		send_all(fd, body, len);
	}
	/* A declared length over the limit is answered from the headers alone:
	 * sending the body into a closing connection could reset it. */
	read_resp(fd, r, 5000);
	close(fd);
	free(body);
	assert_true(r->eof);
	if (r->status == 200) {
		json_t *j = body_json(r);

		assert_int_equal(json_integer_value(json_object_get(j, "len")), (json_int_t)len);
		assert_int_equal(json_integer_value(json_object_get(j, "sum")), (json_int_t)sum);
		json_decref(j);
	}
}

static void test_e2e_bodies(void **state)
{
	struct resp r;
	(void)state;

	post_echo(0, 0, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	post_echo(12345, 0, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	/* Exactly the limit is accepted, one byte more is not. */
	post_echo(HTTP_DEFAULT_MAX_BODY, 0, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	post_echo(HTTP_DEFAULT_MAX_BODY + 1, 0, &r);
	assert_api_error(&r, 413, "too_large");
	resp_free(&r);

	post_echo(200000, 1, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	post_echo(HTTP_DEFAULT_MAX_BODY, 1, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	/* A chunked body that grows past the limit is refused at its end. */
	post_echo(HTTP_DEFAULT_MAX_BODY + 1, 1, &r);
	assert_api_error(&r, 413, "too_large");
	resp_free(&r);
	post_echo(HTTP_DEFAULT_MAX_BODY * 3 / 2, 1, &r);
	assert_api_error(&r, 413, "too_large");
	resp_free(&r);
	wait_idle(srv);
}

static void test_e2e_limits(void **state)
{
	struct resp r;
	char *path = malloc(HTTP_MAX_URL + 200);
	char *big = malloc(40000 + 32);
	size_t o;
	int fd;
	(void)state;

	/* A URL of exactly HTTP_MAX_URL bytes is served; one more is 414. */
	o = (size_t)snprintf(path, HTTP_MAX_URL + 200, "/api/hello?name=");
	while (o < HTTP_MAX_URL)
		path[o++] = 'a';
	path[o] = '\0';
	get(path, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	path[o++] = 'a';
	path[o] = '\0';
	get(path, NULL, &r);
	assert_api_error(&r, 414, "too_large");
	resp_free(&r);

	/* Headers beyond the connection memory are refused by MHD itself. */
	o = (size_t)snprintf(big, 40032, "X-Big: ");
	while (o < 40000)
		big[o++] = 'b';
	memcpy(big + o, "\r\n", 3);
	fd = connect_port(port);
	assert_true(fd >= 0);
	{
		char req[64];
		int n = snprintf(req, sizeof(req), "GET /api/hello HTTP/1.1\r\nHost: x\r\n");

		send_all(fd, req, (size_t)n);
		/* MHD may close before all of it is sent: ignore send errors. */
		(void)!send(fd, big, strlen(big), MSG_NOSIGNAL);
		(void)!send(fd, "\r\n", 2, MSG_NOSIGNAL);
	}
	read_resp(fd, &r, 5000);
	close(fd);
	assert_true(r.status >= 400 && r.status < 500);
	resp_free(&r);
	free(path);
	free(big);

	/* The server is still fine and nothing is left in flight. */
	get("/api/hello", NULL, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	wait_idle(srv);
}

static void test_e2e_hooks(void **state)
{
	struct resp r;
	const char *body = "{\"name\":\"Anna\"}";
	char req[512];
	int n;
	json_t *j;
	(void)state;

	/* The before hook answers instead of the handler. */
	get("/api/hello", "X-Test-Deny: 1\r\n", &r);
	assert_api_error(&r, 401, "unauthenticated");
	resp_free(&r);
	get("/api/hello", "Authorization: Basic eDp5\r\n", &r);
	assert_api_error(&r, 401, "unauthenticated");
	resp_free(&r);
	get("/api/hello", "Authorization: Bearer abc\r\n", &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);

	/* ctx set by the hook is freed through ctx_free. */
	atomic_store(&ctx_frees, 0);
	get("/api/hello", "X-Test-Ctx: 1\r\n", &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	wait_idle(srv);
	assert_int_equal(atomic_load(&ctx_frees), 1);

	/* A handler that forgets to reply gives 500 "internal". */
	get("/api/noreply", NULL, &r);
	assert_api_error(&r, 500, "internal");
	resp_free(&r);

	/* Validation errors and rule errors in api.md's form. */
	n = snprintf(req, sizeof(req), "POST /api/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
				       "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	request(req, (size_t)n, &r);
	assert_int_equal(r.status, 201);
	resp_free(&r);
	body = "{\"name\":\"Anna Andersson-Berg\"}";
	n = snprintf(req, sizeof(req), "POST /api/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
				       "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	request(req, (size_t)n, &r);
	assert_api_error(&r, 400, "invalid");
	j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "field")),
			    "name");
	json_decref(j);
	resp_free(&r);
	body = "{\"name\":";
	n = snprintf(req, sizeof(req), "POST /api/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
				       "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	request(req, (size_t)n, &r);
	assert_api_error(&r, 400, "invalid");
	j = body_json(&r);
	assert_null(json_object_get(json_object_get(j, "error"), "field"));
	json_decref(j);
	resp_free(&r);

	n = snprintf(req, sizeof(req), "POST /api/rule HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
				       "Content-Length: 0\r\n\r\n");
	request(req, (size_t)n, &r);
	assert_api_error(&r, 422, "rule");
	j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "rule")), "R3");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "message_en")),
			    "Rule R3 refuses.");
	json_decref(j);
	resp_free(&r);
}

static void test_e2e_response_kinds(void **state)
{
	struct resp r;
	char v[256];
	(void)state;

	get("/page", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r, "no-store");
	assert_non_null(header(&r, "Set-Cookie", v, sizeof(v)));
	assert_string_equal(v, "sid=abc; Path=/; HttpOnly; SameSite=Strict");
	assert_non_null(header(&r, "X-Ok", v, sizeof(v)));
	assert_null(header(&r, "Injected", v, sizeof(v)));
	assert_string_equal(r.body, "<p>hej</p>");
	resp_free(&r);

	get("/pagebuf?q=%3Cscript%3E", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "<p>&lt;script&gt;</p>");
	resp_free(&r);

	get("/go", NULL, &r);
	assert_int_equal(r.status, 303);
	assert_security_headers(&r, "no-store");
	assert_non_null(header(&r, "Location", v, sizeof(v)));
	assert_string_equal(v, "/page?x=1");
	resp_free(&r);

	get("/api/report/2025", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r, "no-store");
	assert_non_null(header(&r, "Content-Disposition", v, sizeof(v)));
	assert_string_equal(v, "attachment; filename=\"report-2025.csv\"");
	assert_non_null(header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "text/csv; charset=utf-8");
	assert_string_equal(r.body, "a,b\n1,2\n");
	resp_free(&r);

	/* Static assets may be cached; the other headers stay. */
	get("/static/css/app.css", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r, "public, max-age=3600");
	assert_string_equal(r.body, "css/app.css");
	resp_free(&r);
	get("/static/%2e%2e/secret", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_security_headers(&r, "no-store");
	resp_free(&r);
}

/* Keep-alive: two requests on one connection both get answers. */
static void test_e2e_keepalive(void **state)
{
	static const char two[] = "GET /api/items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
				  "GET /api/items/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct resp r;
	int fd;
	(void)state;

	fd = connect_port(port);
	assert_true(fd >= 0);
	send_all(fd, two, sizeof(two) - 1);
	read_resp(fd, &r, 5000);
	close(fd);
	assert_true(r.eof);
	assert_non_null(strstr(r.raw, "{\"id\":1}"));
	assert_non_null(strstr(r.raw, "{\"id\":2}"));
	resp_free(&r);
}

static void test_server_bad_listen(void **state)
{
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:8x", "host:80",
		"[::1]80", "[::1", ":80", "256.0.0.1:80", NULL,
	};
	struct http_config c = e2e_cfg;
	char err[200];
	(void)state;

	for (int i = 0; bad[i]; i++) {
		c.listen = bad[i];
		err[0] = '\0';
		assert_null(http_server_start(&c, err, sizeof(err)));
		assert_true(strlen(err) > 0);
	}
	/* The same port twice: the second cannot bind. */
	{
		struct http_server *a, *b;
		char addr[32];

		c.listen = "127.0.0.1:0";
		a = http_server_start(&c, err, sizeof(err));
		assert_non_null(a);
		snprintf(addr, sizeof(addr), "127.0.0.1:%u", http_server_port(a));
		c.listen = addr;
		b = http_server_start(&c, err, sizeof(err));
		assert_null(b);
		http_server_stop(a);
	}
	/* IPv6 loopback, when the machine has it. */
	c.listen = "[::1]:0";
	{
		struct http_server *s6 = http_server_start(&c, err, sizeof(err));

		if (s6) {
			assert_true(http_server_port(s6) > 0);
			http_server_stop(s6);
		}
	}
}

/* ------------------------------------------------------ graceful stop */

struct slow_client {
	uint16_t port;
	struct resp r;
};

static void *slow_client_main(void *arg)
{
	struct slow_client *c = arg;
	static const char req[] = "GET /api/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	int fd = connect_port(c->port);

	if (fd < 0)
		return NULL;
	send_all(fd, req, sizeof(req) - 1);
	read_resp(fd, &c->r, 10000);
	close(fd);
	return NULL;
}

struct runner {
	struct http_server *s;
	int rc;
};

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	r->rc = http_server_run_until_signal(r->s);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void test_graceful_stop(void **state)
{
	struct http_config c = e2e_cfg;
	struct runner run = { NULL, -2 };
	struct slow_client sc;
	pthread_t rt, ct;
	struct sigaction cur;
	char err[200];
	int refused = 0, installed = 0;
	(void)state;

	c.listen = "127.0.0.1:0";
	run.s = http_server_start(&c, err, sizeof(err));
	assert_non_null(run.s);
	memset(&sc, 0, sizeof(sc));
	sc.port = http_server_port(run.s);
	assert_int_equal(pthread_create(&rt, NULL, runner_main, &run), 0);

	/* Wait until the server's signal handler is in place. */
	for (int i = 0; i < 200 && !installed; i++) {
		sigaction(SIGTERM, NULL, &cur);
		installed = cur.sa_handler != SIG_DFL;
		if (!installed)
			sleep_ms(5);
	}
	assert_true(installed);

	/* A request in flight (its handler waits for slow_release) ... */
	atomic_store(&slow_release, 0);
	assert_int_equal(pthread_create(&ct, NULL, slow_client_main, &sc), 0);
	for (int i = 0; i < 200 && http_server_active(run.s) == 0; i++)
		sleep_ms(5);
	assert_int_equal(http_server_active(run.s), 1);

	/* ... then SIGTERM: new connections are refused at once ... */
	assert_int_equal(kill(getpid(), SIGTERM), 0);
	/* A bound, not a timing: a loaded machine may take a while to stop accepting. */
	for (int i = 0; i < 1000 && !refused; i++) {
		int fd = connect_port(sc.port);

		if (fd < 0 && errno == ECONNREFUSED)
			refused = 1;
		else if (fd >= 0)
			close(fd);
		if (!refused)
			sleep_ms(5);
	}
	assert_true(refused);
	assert_int_equal(http_server_active(run.s), 1);
	atomic_store(&slow_release, 1);

	/* ... while the request in flight still completes with its answer. */
	assert_int_equal(pthread_join(ct, NULL), 0);
	assert_int_equal(sc.r.status, 200);
	assert_non_null(strstr(sc.r.body, "\"slow\":true"));
	resp_free(&sc.r);
	assert_int_equal(pthread_join(rt, NULL), 0);
	assert_int_equal(run.rc, 0);
	assert_int_equal(http_server_active(run.s), 0);

	/* The previous disposition of SIGTERM is back. */
	sigaction(SIGTERM, NULL, &cur);
	assert_true(cur.sa_handler == SIG_DFL);
	http_server_stop(run.s);
}

/* http_server_request_stop ends the wait the same way. */
static void test_request_stop(void **state)
{
	struct http_config c = e2e_cfg;
	struct runner run = { NULL, -2 };
	pthread_t rt;
	char err[200];
	(void)state;

	c.listen = "127.0.0.1:0";
	c.threads = 1; /* also the configuration of a one-CPU machine */
	run.s = http_server_start(&c, err, sizeof(err));
	assert_non_null(run.s);
	assert_int_equal(pthread_create(&rt, NULL, runner_main, &run), 0);
	{
		struct resp r;
		int fd = connect_port(http_server_port(run.s));
		static const char req[] = "GET /api/items/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

		assert_true(fd >= 0);
		send_all(fd, req, sizeof(req) - 1);
		read_resp(fd, &r, 5000);
		close(fd);
		assert_int_equal(r.status, 200);
		resp_free(&r);
	}
	http_server_request_stop(run.s);
	assert_int_equal(pthread_join(rt, NULL), 0);
	assert_int_equal(run.rc, 0);
	assert_true(connect_port(http_server_port(run.s)) < 0);
	http_server_stop(run.s);
}

int main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_route_params),
		cmocka_unit_test(test_route_404_405),
		cmocka_unit_test(test_route_slashes),
		cmocka_unit_test(test_route_encoded),
		cmocka_unit_test(test_route_tail),
		cmocka_unit_test(test_form_decode),
		cmocka_unit_test(test_form_invalid),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_bearer),
	};
	const struct CMUnitTest e2e[] = {
		cmocka_unit_test_teardown(test_e2e_200, no_handler_failures),
		cmocka_unit_test_teardown(test_e2e_404_405, no_handler_failures),
		cmocka_unit_test_teardown(test_e2e_413_declared, no_handler_failures),
		cmocka_unit_test_teardown(test_e2e_bodies, no_handler_failures),
		cmocka_unit_test_teardown(test_e2e_limits, no_handler_failures),
		cmocka_unit_test_teardown(test_e2e_hooks, no_handler_failures),
		cmocka_unit_test_teardown(test_e2e_response_kinds, no_handler_failures),
		cmocka_unit_test_teardown(test_e2e_keepalive, no_handler_failures),
	};
	const struct CMUnitTest lifecycle[] = {
		cmocka_unit_test(test_server_bad_listen),
		cmocka_unit_test_teardown(test_graceful_stop, no_handler_failures),
		cmocka_unit_test_teardown(test_request_stop, no_handler_failures),
	};
	int fails = 0;

	fails += cmocka_run_group_tests_name("http_unit", unit, NULL, NULL);
	fails += cmocka_run_group_tests_name("http_e2e", e2e, server_up, server_down);
	fails += cmocka_run_group_tests_name("http_lifecycle", lifecycle, NULL, NULL);
	return fails ? 1 : 0;
}
