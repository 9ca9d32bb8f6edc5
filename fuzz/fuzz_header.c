/*
 * Fuzz target: the Cookie and Authorization headers (web/form.h:
 * form_cookie, form_bearer), as the server reads sessions from them.
 *
 * Input: "NAME\nHEADER" (no newline: the whole input is the header and the
 * name is the session cookie's). Headers reach the server as C strings, so
 * the input stops at its first NUL. Properties:
 *  - form_cookie agrees with an independent RFC 6265 reading (pairs split
 *    at ';', optional white space trimmed, the first exact name wins, one
 *    pair of double quotes removed, the value made of cookie-octets);
 *  - a value returned fits exactly in strlen + 1 bytes and is refused with
 *    one byte less, and never runs past out (ASan: out is exactly outsz);
 *  - the value found, put into a fresh header between other cookies, is
 *    found again;
 *  - form_bearer agrees with the RFC 6750 grammar "Bearer" SP b64token *"=",
 *    the scheme in any case, nothing before or after.
 *  - CSRF (issue 16): the input split at newlines into Origin, Sec-Fetch-Site,
 *    Referer and Host (a missing line, or one that is exactly "-", is an
 *    absent header): form_request_origin agrees with an independent reading
 *    of the order Origin, Sec-Fetch-Site, Origin "null", Referer, and
 *    form_url_authority never writes past its buffer and returns exactly the
 *    characters between "http(s)://" and the first '/', '?' or '#'.
 *  - Strict HTTP framing (issue 16): the input's lines taken as header
 *    names, form_framing_ambiguous agrees with an independent count (more
 *    than one Content-Length, Content-Length with Transfer-Encoding, more
 *    than one Transfer-Encoding);
 *  - the whole input, NUL bytes and all, taken as the bytes of one
 *    connection: form_head_scan agrees with an independent reading of the
 *    heads and the bodies their Content-Length frames (a bare LF or CR in a
 *    head is bad; a Transfer-Encoding, several or an unreadable
 *    Content-Length end the judging), however the bytes are cut into reads,
 *    and once bad it stays bad.
 */
#include "fuzz.h"

#include <ctype.h>
#include <strings.h>

#include "web/form.h"

static const char *const fixed_names[] = { "nsp_session", "nsp_lang", "nsp_login" };

static int ref_cookie_octet(unsigned char c)
{
	/* %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
	return c >= 0x21 && c <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';
}

/*
 * Reference lookup. Returns the value's start and length through v/vlen and
 * 1, 0 when the name is absent, -1 when the first pair of that name has a
 * value that is not cookie-octets.
 */
static int ref_cookie(const char *h, const char *name, const char **v, size_t *vlen)
{
	size_t nlen = strlen(name);
	const char *p = h;

	if (nlen == 0)
		return 0;
	for (;;) {
		const char *semi = strchr(p, ';');
		const char *end = semi ? semi : p + strlen(p);
		const char *a = p, *b = end, *eq;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		eq = memchr(a, '=', (size_t)(b - a));
		if (eq && (size_t)(eq - a) == nlen && strncmp(a, name, nlen) == 0) {
			const char *vs = eq + 1, *ve = b;

			if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"') {
				vs++;
				ve--;
			}
			for (const char *q = vs; q < ve; q++)
				if (!ref_cookie_octet((unsigned char)*q))
					return -1;
			*v = vs;
			*vlen = (size_t)(ve - vs);
			return 1;
		}
		if (!semi)
			return 0;
		p = semi + 1;
	}
}

/* form_cookie into a heap buffer of exactly outsz bytes. */
static int cookie_exact(const char *h, const char *name, size_t outsz, char **out)
{
	*out = malloc(outsz ? outsz : 1);
	if (!*out)
		abort();
	return form_cookie(h, name, *out, outsz);
}

static void check_cookie(const char *h, const char *name)
{
	const char *rv = NULL;
	size_t rlen = 0;
	int ref = ref_cookie(h, name, &rv, &rlen);
	char big[4096], *out;
	int r = form_cookie(h, name, big, sizeof big);

	if (ref != 1 || rlen >= sizeof big) {
		FZ_CHECK(r == -1);
		return;
	}
	FZ_CHECK(r == 0);
	FZ_CHECK(strlen(big) == rlen && memcmp(big, rv, rlen) == 0);

	/* Exact fit, one byte short, and no size at all. */
	FZ_CHECK(cookie_exact(h, name, rlen + 1, &out) == 0 && strcmp(out, big) == 0);
	free(out);
	FZ_CHECK(cookie_exact(h, name, rlen, &out) == -1);
	free(out);
	FZ_CHECK(form_cookie(h, name, big, 0) == -1);

	/* Found again among other cookies (whose names differ from it). */
	if (name[0] && strcmp(name, "a") != 0 && strcmp(name, "z") != 0 && !strchr(name, ';') &&
	    !strchr(name, '=') && name[0] != ' ' && name[0] != '\t' &&
	    name[strlen(name) - 1] != ' ' && name[strlen(name) - 1] != '\t') {
		size_t hsz = strlen(name) + rlen + 32;
		char *h2 = malloc(hsz), *again = malloc(rlen + 1);
		int n;

		if (!h2 || !again)
			abort();
		n = snprintf(h2, hsz, "a=1; %s=%.*s;z=\"2\"", name, (int)rlen, rv);
		FZ_CHECK(n > 0 && (size_t)n < hsz);
		FZ_CHECK(form_cookie(h2, name, again, rlen + 1) == 0);
		FZ_CHECK(strlen(again) == rlen && memcmp(again, rv, rlen) == 0);
		free(h2);
		free(again);
	}
}

static int ref_b64token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("-._~+/", c) != NULL;
}

/* Reference: returns the token's length (start at h + 7) or -1. */
static long ref_bearer(const char *h)
{
	size_t n = 0, len;

	if (strncasecmp(h, "Bearer ", 7) != 0)
		return -1;
	h += 7;
	while (h[n] && ref_b64token_char((unsigned char)h[n]))
		n++;
	if (n == 0)
		return -1;
	len = n;
	while (h[len] == '=')
		len++;
	return h[len] == '\0' ? (long)len : -1;
}

static void check_bearer(const char *h)
{
	long ref = ref_bearer(h);
	char big[4096], *out;
	int r = form_bearer(h, big, sizeof big);

	if (ref < 0 || (size_t)ref >= sizeof big) {
		FZ_CHECK(r == -1);
		return;
	}
	FZ_CHECK(r == 0);
	FZ_CHECK(strlen(big) == (size_t)ref && memcmp(big, h + 7, (size_t)ref) == 0);
	/* Exact fit and one byte short, in buffers of exactly that size. */
	out = malloc((size_t)ref + 1);
	if (!out)
		abort();
	FZ_CHECK(form_bearer(h, out, (size_t)ref + 1) == 0 && strcmp(out, big) == 0);
	FZ_CHECK(form_bearer(h, out, (size_t)ref) == -1);
	free(out);
}

/* Reference: 1 when url is http(s)://AUTH... with AUTH equal to host (any case). */
static int ref_names_host(const char *url, const char *host)
{
	const char *p = NULL;
	size_t n = 0;

	if (!url || !host || !*host)
		return 0;
	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return 0;
	while (p[n] && p[n] != '/' && p[n] != '?' && p[n] != '#')
		n++;
	return n > 0 && n < 256 && strlen(host) == n && strncasecmp(p, host, n) == 0;
}

static enum form_origin ref_origin(const char *origin, const char *site, const char *referer, const char *host)
{
	int null_origin = origin && strcmp(origin, "null") == 0;

	if (origin && !null_origin)
		return ref_names_host(origin, host) ? FORM_ORIGIN_OURS : FORM_ORIGIN_FOREIGN;
	if (site)
		return (!strcmp(site, "same-origin") || !strcmp(site, "none")) ? FORM_ORIGIN_OURS : FORM_ORIGIN_FOREIGN;
	if (null_origin)
		return FORM_ORIGIN_FOREIGN;
	if (referer)
		return ref_names_host(referer, host) ? FORM_ORIGIN_OURS : FORM_ORIGIN_FOREIGN;
	return FORM_ORIGIN_UNKNOWN;
}

static void check_origin(const char *input)
{
	char *copy = strdup(input), *field[4] = { NULL, NULL, NULL, NULL }, *p = copy;

	if (!copy)
		abort();
	for (int i = 0; i < 4 && p; i++) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		field[i] = strcmp(p, "-") == 0 ? NULL : p;
		p = nl ? nl + 1 : NULL;
	}
	FZ_CHECK(form_request_origin(field[0], field[1], field[2], field[3]) ==
		 ref_origin(field[0], field[1], field[2], field[3]));
	/* The authority of each field, in a buffer of exactly the size it needs and one less. */
	for (int i = 0; i < 4; i++) {
		char big[4096], *out;
		size_t n;

		if (!field[i] || form_url_authority(field[i], big, sizeof big) != 0)
			continue;
		n = strlen(big);
		FZ_CHECK(n > 0 && !strpbrk(big, "/?#"));
		FZ_CHECK(memcmp(field[i] + (strncasecmp(field[i], "https://", 8) == 0 ? 8 : 7), big, n) == 0);
		out = malloc(n + 1);
		if (!out)
			abort();
		FZ_CHECK(form_url_authority(field[i], out, n + 1) == 0 && strcmp(out, big) == 0);
		FZ_CHECK(form_url_authority(field[i], out, n) == -1);
		free(out);
	}
	free(copy);
}

static void check_framing(const char *input)
{
	struct form_framing f = { 0, 0 };
	unsigned cl = 0, te = 0;
	const char *p = input;

	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char name[64];

		if (n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			form_framing_add(&f, name);
			cl += strcasecmp(name, "content-length") == 0;
			te += strcasecmp(name, "transfer-encoding") == 0;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	FZ_CHECK(form_framing_ambiguous(&f) == (cl > 1 || (cl && te) || te > 1));
}

/* 1 when the n bytes at p start with the ASCII text t, in any case. */
static int ref_starts(const uint8_t *p, size_t n, const char *t)
{
	size_t k = strlen(t);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (tolower(p[i]) != t[i])
			return 0;
	return 1;
}

/*
 * Reference reading of a connection's bytes, line by line over the whole
 * buffer: -1 for a bare LF or CR in a head, 0 otherwise (also when the
 * judging ends or the bytes end mid-line or mid-body).
 */
static int ref_head_scan(const uint8_t *d, size_t n)
{
	size_t pos = 0;
	unsigned cl = 0, te = 0, unreadable = 0;
	unsigned long long len = 0;

	while (pos < n) {
		size_t j = pos;

		while (j < n && d[j] != '\r' && d[j] != '\n')
			j++;
		if (j == n)
			return 0;
		if (d[j] == '\n' || (j + 1 < n && d[j + 1] != '\n'))
			return -1;
		if (j + 1 == n)
			return 0;
		size_t linelen = j - pos;
		const uint8_t *line = d + pos;

		pos = j + 2;
		if (linelen == 0) {
			if (te || cl > 1 || unreadable)
				return 0;
			if (cl == 1) {
				if (len > n - pos)
					return 0;
				pos += (size_t)len;
			}
			cl = te = unreadable = 0;
			len = 0;
			continue;
		}
		/* the scanner keeps a line's first 64 bytes: what it cannot see, it cannot read */
		size_t kept = linelen < 64 ? linelen : 64;
		if (ref_starts(line, kept, "content-length:")) {
			const uint8_t *v = line + 15, *e = line + kept;

			cl++;
			if (linelen > 64) {
				unreadable = 1;
				continue;
			}
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (v == e || e - v > 18) {
				unreadable = 1;
				continue;
			}
			len = 0;
			for (; v < e; v++) {
				if (*v < '0' || *v > '9') {
					unreadable = 1;
					break;
				}
				len = len * 10 + (unsigned long long)(*v - '0');
			}
		} else if (ref_starts(line, kept, "transfer-encoding:")) {
			te++;
		}
	}
	return 0;
}

static void check_head_scan(const uint8_t *data, size_t size)
{
	int ref = ref_head_scan(data, size);
	struct form_head_scan whole, cut;
	int r, bad = 0;

	form_head_scan_init(&whole);
	FZ_CHECK(form_head_scan(&whole, data, size) == ref);
	/* The same bytes in reads of 1, 2, 3 … bytes (as recv() may cut them):
	 * the same verdict, and bad for good once bad. */
	form_head_scan_init(&cut);
	for (size_t i = 0, step = 1; i < size; i += step, step = step % 7 + 1) {
		size_t k = size - i < step ? size - i : step;

		r = form_head_scan(&cut, data + i, k);
		FZ_CHECK(!bad || r == -1);
		bad |= r == -1;
	}
	FZ_CHECK(form_head_scan(&cut, data, 0) == ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_strndup(data, size); /* stops at the first NUL as a header would */
	char *nl = strchr(s, '\n');
	const char *name = NULL, *header = s;

	if (nl) {
		*nl = '\0';
		name = s;
		header = nl + 1;
	}
	for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++)
		check_cookie(header, fixed_names[i]);
	if (name)
		check_cookie(header, name);
	check_bearer(header);
	check_bearer(s);
	check_origin(s);
	check_framing(s);
	check_head_scan(data, size);
	/* NULL header and NULL or empty names are refused, never dereferenced. */
	{
		char out[8];

		FZ_CHECK(form_cookie(NULL, "x", out, sizeof out) == -1);
		FZ_CHECK(form_cookie(header, "", out, sizeof out) == -1);
		FZ_CHECK(form_bearer(NULL, out, sizeof out) == -1);
	}
	free(s);
	return 0;
}
