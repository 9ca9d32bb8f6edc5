/*
 * Fuzz target: route matching (web/http.h: http_route_match) against the
 * real route table of nsp serve (web/routes.h) and a small table with the
 * pattern features the real one does not use ("*" tails, four ids, a
 * pattern with one placeholder too many).
 *
 * Input: one byte choosing the method, then the raw request path (still
 * percent-encoded; it stops at the first NUL, as a URL does). Properties:
 *  - the result (match, method not allowed, not found, bad path), the row,
 *    the ids, the tail and the Allow list agree with an independent reading
 *    of the contract in http.h;
 *  - a tail never holds an empty, "." or ".." segment, a '\' or an encoded
 *    '/', and is valid UTF-8;
 *  - the canonical path built from a match (pattern with the ids and tail
 *    put in, every byte percent-encoded) matches the same row again;
 *  - a short Allow buffer holds whole method names only.
 */
#include "fuzz.h"

#include "web/form.h"
#include "web/http.h"
#include "web/routes.h"

static void h_none(struct http_request *req)
{
	(void)req;
}

static const struct route extra_routes[] = {
	{ "GET", "/", h_none, 0 },
	{ "GET", "/static/*", h_none, 0 },
	{ "POST", "/static/*", h_none, 0 },
	{ "PUT", "/a/{w}/b/{x}/{y}/c/{z}", h_none, 0 },
	{ "GET", "/five/{a}/{b}/{c}/{d}/{e}", h_none, 0 }, /* one id too many: never matches */
	{ "DELETE", "/files/{id}/*", h_none, 0 },
	{ "GET", "/persons/{id}", h_none, 0 },
	{ "GET", "/persons/new", h_none, 0 }, /* shadowed for numbers only */
};

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
				       "get" };

/* ------------------------------------------------------------ reference */

struct ref_result {
	enum http_match res;
	const struct route *route;
	int64_t ids[HTTP_MAX_IDS];
	int nids;
	char tail[4 * HTTP_MAX_URL];
	char allow[256];
};

/* Positive decimal int64: no sign, no leading zero, no overflow. */
static int ref_id(const char *s, int64_t *out)
{
	uint64_t v = 0;

	if (s[0] < '1' || s[0] > '9')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (v > ((uint64_t)INT64_MAX - (uint64_t)(*s - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = (int64_t)v;
	return 1;
}

/* 1 when decoded segment s may be part of a "*" tail. */
static int ref_tail_seg(const char *s)
{
	return s[0] && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && !strchr(s, '/') &&
	       !strchr(s, '\\');
}

/* Matches decoded segments against one pattern; fills r->ids, r->nids, r->tail. */
static int ref_pattern(const char *pattern, char **segs, int nsegs, struct ref_result *r)
{
	char pat[256];
	char *psegs[HTTP_MAX_SEGMENTS + 1];
	int np = 0, k = 0;

	snprintf(pat, sizeof pat, "%s", pattern + 1);
	psegs[np++] = pat;
	for (char *p = pat; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			psegs[np++] = p + 1;
		}
	}
	r->tail[0] = '\0';
	for (int i = 0; i < np; i++) {
		const char *ps = psegs[i];
		size_t pl = strlen(ps);

		if (i == np - 1 && strcmp(ps, "*") == 0) {
			size_t o = 0;

			if (nsegs <= i)
				return 0;
			for (int j = i; j < nsegs; j++) {
				if (!ref_tail_seg(segs[j]))
					return 0;
				o += (size_t)snprintf(r->tail + o, sizeof r->tail - o, "%s%s",
						      j > i ? "/" : "", segs[j]);
			}
			r->nids = k;
			return 1;
		}
		if (i >= nsegs)
			return 0;
		if (pl >= 2 && ps[0] == '{' && ps[pl - 1] == '}') {
			if (k == HTTP_MAX_IDS || !ref_id(segs[i], &r->ids[k]))
				return 0;
			k++;
		} else if (strcmp(ps, segs[i]) != 0) {
			return 0;
		}
	}
	if (nsegs != np)
		return 0;
	r->nids = k;
	return 1;
}

static void allow_push(char *allow, const char *m)
{
	char padded[300], needle[16];

	snprintf(padded, sizeof padded, ", %s,", allow);
	snprintf(needle, sizeof needle, " %s,", m);
	if (strstr(padded, needle))
		return;
	snprintf(allow + strlen(allow), 256 - strlen(allow), "%s%s", allow[0] ? ", " : "", m);
}

static void ref_match(const struct route *t, size_t n, const char *method, const char *raw,
		      struct ref_result *r)
{
	char *segs[HTTP_MAX_SEGMENTS + 1];
	int nsegs = 0, known = 0;
	const char *p;

	memset(r, 0, sizeof *r);
	r->res = HTTP_MATCH_NOT_FOUND;
	if (raw[0] != '/') {
		r->res = HTTP_MATCH_BAD_PATH;
		return;
	}
	/* Segments in order: the 33rd makes it 404 before anything after it is read. */
	p = raw + 1;
	for (;;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (nsegs == HTTP_MAX_SEGMENTS) {
			r->res = HTTP_MATCH_NOT_FOUND;
			goto out;
		}
		segs[nsegs] = form_decode(p, len, 0, NULL, NULL);
		if (!segs[nsegs]) {
			r->res = HTTP_MATCH_BAD_PATH;
			goto out;
		}
		nsegs++;
		if (!e)
			break;
		p = e + 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct ref_result tmp;

		if (!ref_pattern(t[i].pattern, segs, nsegs, &tmp))
			continue;
		if (strcmp(t[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(t[i].method, "GET") == 0)) {
			r->res = HTTP_MATCH_OK;
			r->route = &t[i];
			memcpy(r->ids, tmp.ids, sizeof r->ids);
			r->nids = tmp.nids;
			memcpy(r->tail, tmp.tail, sizeof r->tail);
			goto out;
		}
		known = 1;
		allow_push(r->allow, t[i].method);
		if (strcmp(t[i].method, "GET") == 0)
			allow_push(r->allow, "HEAD");
	}
	if (known)
		r->res = HTTP_MATCH_METHOD;
out:
	for (int i = 0; i < nsegs; i++)
		free(segs[i]);
}

/* ---------------------------------------------------------------- checks */

/* Appends s percent-encoded (every byte but unreserved ASCII) to out at *o. */
static void put_encoded(char *out, size_t outsz, size_t *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		FZ_CHECK(*o + 4 < outsz);
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '~') {
			out[(*o)++] = (char)*p;
		} else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[*p >> 4];
			out[(*o)++] = hex[*p & 15];
		}
	}
	out[*o] = '\0';
}

/* Builds the canonical path of a match and checks that it matches the same way. */
static void check_canonical(const struct route *t, size_t n, const char *method,
			    const struct route *route, const int64_t *ids, int nids, const char *tail)
{
	size_t outsz = 3 * strlen(tail ? tail : "") + 512, o = 0;
	char *path = malloc(outsz), pat[256];
	const struct route *r2;
	int64_t ids2[HTTP_MAX_IDS];
	int nids2, k = 0;
	char *tail2, allow[64];
	const char *seg;

	if (!path)
		abort();
	path[0] = '\0';
	/* A pattern of only "/" is one empty segment. */
	if (strcmp(route->pattern, "/") == 0) {
		path[o++] = '/';
		path[o] = '\0';
	}
	for (seg = route->pattern + 1; *seg; ) {
		const char *e = strchr(seg, '/');
		size_t sl = e ? (size_t)(e - seg) : strlen(seg);

		FZ_CHECK(sl < sizeof pat);
		memcpy(pat, seg, sl);
		pat[sl] = '\0';
		path[o++] = '/';
		path[o] = '\0';
		if (strcmp(pat, "*") == 0) {
			/* The tail keeps its '/' separators; each piece is encoded. */
			for (const char *ts = tail; *ts; ) {
				const char *te = strchr(ts, '/');
				size_t tl = te ? (size_t)(te - ts) : strlen(ts);
				char *piece = fz_strndup((const uint8_t *)ts, tl);

				if (ts != tail) {
					path[o++] = '/';
					path[o] = '\0';
				}
				put_encoded(path, outsz, &o, piece);
				free(piece);
				ts += tl + (te ? 1 : 0);
			}
		} else if (sl >= 2 && pat[0] == '{' && pat[sl - 1] == '}') {
			int w = snprintf(path + o, outsz - o, "%lld", (long long)ids[k++]);

			FZ_CHECK(w > 0 && (size_t)w < outsz - o);
			o += (size_t)w;
		} else {
			put_encoded(path, outsz, &o, pat);
		}
		seg += sl + (e ? 1 : 0);
	}
	FZ_CHECK(k == nids);
	FZ_CHECK(http_route_match(t, n, method, path, &r2, ids2, &nids2, &tail2, allow, sizeof allow) ==
		 HTTP_MATCH_OK);
	/* An earlier row may take the canonical path too, but only with the same values. */
	FZ_CHECK(r2 == route);
	FZ_CHECK(nids2 == nids && memcmp(ids2, ids, sizeof(ids[0]) * (size_t)nids) == 0);
	FZ_CHECK((tail == NULL) == (tail2 == NULL));
	FZ_CHECK(tail == NULL || strcmp(tail, tail2) == 0);
	free(tail2);
	free(path);
}

static void check_table(const struct route *t, size_t n, const char *method, const char *path,
			size_t small_allow)
{
	static struct ref_result ref; /* large: keep it off the stack */
	const struct route *route = (const struct route *)1;
	int64_t ids[HTTP_MAX_IDS];
	int nids = -1;
	char *tail = (char *)1, allow[256], *small;
	enum http_match m;

	m = http_route_match(t, n, method, path, &route, ids, &nids, &tail, allow, sizeof allow);
	ref_match(t, n, method, path, &ref);
	FZ_CHECK(m == ref.res);
	if (m != HTTP_MATCH_OK) {
		FZ_CHECK(route == NULL && nids == 0 && tail == NULL);
		FZ_CHECK(strcmp(allow, m == HTTP_MATCH_METHOD ? ref.allow : "") == 0);
	} else {
		size_t pl = strlen(route->pattern);
		int star = pl >= 2 && strcmp(route->pattern + pl - 2, "/*") == 0;

		FZ_CHECK(route == ref.route);
		FZ_CHECK(nids == ref.nids && nids >= 0 && nids <= HTTP_MAX_IDS);
		for (int i = 0; i < nids; i++)
			FZ_CHECK(ids[i] == ref.ids[i] && ids[i] >= 1);
		FZ_CHECK(star == (tail != NULL));
		if (tail) {
			FZ_CHECK(strcmp(tail, ref.tail) == 0);
			FZ_CHECK(tail[0] != '\0' && tail[0] != '/' && !strstr(tail, "//"));
			FZ_CHECK(!strchr(tail, '\\') && fz_utf8_valid(tail, strlen(tail)));
		}
		FZ_CHECK(strcmp(route->method, method) == 0 ||
			 (strcmp(method, "HEAD") == 0 && strcmp(route->method, "GET") == 0));
		check_canonical(t, n, method, route, ids, nids, tail);
	}
	free(tail);

	/* A short Allow buffer (exactly small_allow bytes): whole names only. */
	small = malloc(small_allow ? small_allow : 1);
	if (!small)
		abort();
	m = http_route_match(t, n, method, path, &route, ids, &nids, &tail, small, small_allow);
	free(tail);
	if (small_allow > 0) {
		size_t sl = strlen(small);

		FZ_CHECK(sl < small_allow);
		if (m == HTTP_MATCH_METHOD) {
			/* Each name kept is one of the full list; names are never cut. */
			char padded[300];

			snprintf(padded, sizeof padded, ", %s,", ref.allow);
			for (const char *q = small; *q; ) {
				const char *c = strstr(q, ", ");
				size_t ml = c ? (size_t)(c - q) : strlen(q);
				char needle[20];

				FZ_CHECK(ml > 0 && ml < 10);
				snprintf(needle, sizeof needle, " %.*s,", (int)ml, q);
				FZ_CHECK(strstr(padded, needle) != NULL);
				q += ml + (c ? 2 : 0);
			}
		}
	}
	free(small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *method;
	char *path;
	size_t small_allow;

	if (size < 1)
		return 0;
	method = methods[data[0] % (sizeof methods / sizeof methods[0])];
	small_allow = (data[0] >> 3) % 24;
	/* Longer targets are refused (414) before matching. */
	if (size - 1 > HTTP_MAX_URL)
		return 0;
	path = fz_strndup(data + 1, size - 1);
	check_table(app_routes, app_nroutes, method, path, small_allow);
	check_table(extra_routes, sizeof extra_routes / sizeof extra_routes[0], method, path,
		    small_allow);
	free(path);
	return 0;
}
