/*
 * urlencoded forms, cookies and bearer tokens. See form.h for the contracts.
 */
#include "web/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FORM_DEFAULT_MAX_PAIRS 1000

void form_init(struct form *f)
{
	f->pairs = NULL;
	f->n = 0;
	f->alloc = 0;
}

void form_release(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->pairs[i].key);
		free(f->pairs[i].value);
	}
	free(f->pairs);
	form_init(f);
}

int form_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t need;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			need = 1; cp = c & 0x1F; min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			need = 2; cp = c & 0x0F; min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return 0;
		}
		if (len - i - 1 < need)
			return 0;
		for (size_t k = 1; k <= need; k++) {
			unsigned cc = p[i + k];
			if ((cc & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (cc & 0x3F);
		}
		/* Overlong forms, UTF-16 surrogates and values past Unicode. */
		if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		i += need + 1;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *form_decode(const char *s, size_t len, int plus_is_space, size_t *outlen, int *nomem)
{
	char *out;
	size_t o = 0;

	if (nomem)
		*nomem = 0;
	/* Decoding never grows the text. */
	out = malloc(len + 1);
	if (!out) {
		if (nomem)
			*nomem = 1;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				goto invalid;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto invalid;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		/* A NUL, raw or encoded, would silently cut the value short. */
		if (c == '\0')
			goto invalid;
		out[o++] = c;
	}
	out[o] = '\0';
	if (!form_utf8_valid(out, o))
		goto invalid;
	if (outlen)
		*outlen = o;
	return out;
invalid:
	free(out);
	return NULL;
}

/* Appends one decoded pair to f. Returns FORM_OK or an error; f unchanged on error. */
static enum form_result form_add(struct form *f, const char *part, size_t len)
{
	const char *eq = memchr(part, '=', len);
	size_t klen = eq ? (size_t)(eq - part) : len;
	char *key = NULL, *value = NULL;
	int nomem = 0;

	if (klen == 0)
		return FORM_INVALID;
	key = form_decode(part, klen, 1, NULL, &nomem);
	if (!key)
		return nomem ? FORM_NOMEM : FORM_INVALID;
	if (eq)
		value = form_decode(eq + 1, len - klen - 1, 1, NULL, &nomem);
	else
		value = form_decode("", 0, 1, NULL, &nomem);
	if (!value) {
		free(key);
		return nomem ? FORM_NOMEM : FORM_INVALID;
	}
	if (f->n == f->alloc) {
		size_t na = f->alloc ? f->alloc * 2 : 8;
		struct form_pair *np = realloc(f->pairs, na * sizeof(*np));

		if (!np) {
			free(key);
			free(value);
			return FORM_NOMEM;
		}
		f->pairs = np;
		f->alloc = na;
	}
	f->pairs[f->n].key = key;
	f->pairs[f->n].value = value;
	f->n++;
	return FORM_OK;
}

enum form_result form_parse(struct form *f, const char *data, size_t len, size_t max_pairs)
{
	size_t start_n = f->n, added = 0, i = 0;
	enum form_result r = FORM_OK;

	if (max_pairs == 0)
		max_pairs = FORM_DEFAULT_MAX_PAIRS;
	while (i < len) {
		const char *amp = memchr(data + i, '&', len - i);
		size_t plen = amp ? (size_t)(amp - (data + i)) : len - i;

		if (plen > 0) {
			if (added == max_pairs) {
				r = FORM_TOO_MANY;
				goto fail;
			}
			r = form_add(f, data + i, plen);
			if (r != FORM_OK)
				goto fail;
			added++;
		}
		i += plen + 1;
	}
	return FORM_OK;
fail:
	/* Leave f as the caller had it. */
	while (f->n > start_n) {
		f->n--;
		free(f->pairs[f->n].key);
		free(f->pairs[f->n].value);
	}
	return r;
}

const char *form_get_nth(const struct form *f, const char *key, size_t idx)
{
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->pairs[i].key, key) == 0) {
			if (idx == 0)
				return f->pairs[i].value;
			idx--;
		}
	}
	return NULL;
}

const char *form_get(const struct form *f, const char *key)
{
	return form_get_nth(f, key, 0);
}

size_t form_count(const struct form *f, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->pairs[i].key, key) == 0)
			n++;
	return n;
}

/* RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon, backslash. */
static int cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	       (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

int form_cookie(const char *header, const char *name, char *out, size_t outsz)
{
	size_t nlen;
	const char *p;

	if (!header || !name || !out || outsz == 0)
		return -1;
	nlen = strlen(name);
	if (nlen == 0)
		return -1;
	p = header;
	while (*p) {
		const char *end = strchr(p, ';');
		const char *pe, *eq, *v, *ve;

		if (!end)
			end = p + strlen(p);
		while (p < end && is_ows(*p))
			p++;
		pe = end;
		while (pe > p && is_ows(pe[-1]))
			pe--;
		eq = memchr(p, '=', (size_t)(pe - p));
		if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			size_t vlen;

			v = eq + 1;
			ve = pe;
			if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
				v++;
				ve--;
			}
			vlen = (size_t)(ve - v);
			for (size_t i = 0; i < vlen; i++)
				if (!cookie_octet((unsigned char)v[i]))
					return -1;
			if (vlen >= outsz)
				return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 0;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return -1;
}

static int b64token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

int form_bearer(const char *header, char *out, size_t outsz)
{
	static const char scheme[] = "bearer";
	const char *t;
	size_t n = 0, len;

	if (!header || !out || outsz == 0)
		return -1;
	for (size_t i = 0; i < sizeof(scheme) - 1; i++) {
		char c = header[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != scheme[i])
			return -1;
	}
	if (header[sizeof(scheme) - 1] != ' ')
		return -1;
	t = header + sizeof(scheme);
	while (b64token_char((unsigned char)t[n]))
		n++;
	if (n == 0)
		return -1;
	len = n;
	while (t[len] == '=')
		len++;
	if (t[len] != '\0')
		return -1;
	if (len >= outsz)
		return -1;
	memcpy(out, t, len);
	out[len] = '\0';
	return 0;
}

int form_url_authority(const char *url, char *out, size_t outsz)
{
	const char *p;
	if (!url || !out)
		return -1;
	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return -1;
	size_t n = strcspn(p, "/?#");
	if (n == 0 || n >= outsz)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* 1 when url names host. */
static int names_host(const char *url, const char *host)
{
	char auth[256];
	return host && *host && form_url_authority(url, auth, sizeof auth) == 0 && strcasecmp(auth, host) == 0;
}

enum form_origin form_request_origin(const char *origin, const char *sec_fetch_site, const char *referer,
				     const char *host)
{
	if (origin && strcmp(origin, "null") != 0)
		return names_host(origin, host) ? FORM_ORIGIN_OURS : FORM_ORIGIN_FOREIGN;
	if (sec_fetch_site)
		return strcmp(sec_fetch_site, "same-origin") == 0 || strcmp(sec_fetch_site, "none") == 0
			       ? FORM_ORIGIN_OURS
			       : FORM_ORIGIN_FOREIGN;
	if (origin) /* "null": sandboxed or hidden, never ours for sure */
		return FORM_ORIGIN_FOREIGN;
	if (referer)
		return names_host(referer, host) ? FORM_ORIGIN_OURS : FORM_ORIGIN_FOREIGN;
	return FORM_ORIGIN_UNKNOWN;
}

void form_framing_add(struct form_framing *f, const char *name)
{
	if (strcasecmp(name, "Content-Length") == 0)
		f->content_lengths++;
	else if (strcasecmp(name, "Transfer-Encoding") == 0)
		f->transfer_encodings++;
}

int form_framing_ambiguous(const struct form_framing *f)
{
	return f->content_lengths > 1 || (f->content_lengths && f->transfer_encodings) || f->transfer_encodings > 1;
}

void form_head_scan_init(struct form_head_scan *s)
{
	memset(s, 0, sizeof *s);
	s->state = FORM_SCAN_HEAD;
}

/* The header line just ended (s->line, s->line_len): counts a
 * Content-Length (its value read when it is all digits and fits) or a
 * Transfer-Encoding. */
static void scan_header_line(struct form_head_scan *s)
{
	static const char cl[] = "content-length:", te[] = "transfer-encoding:";
	size_t kept = s->line_len < FORM_SCAN_LINE ? s->line_len : FORM_SCAN_LINE;
	const char *v = NULL, *end = s->line + kept;

	if (kept >= sizeof cl - 1 && strncasecmp(s->line, cl, sizeof cl - 1) == 0) {
		s->lengths++;
		v = s->line + sizeof cl - 1;
	} else if (kept >= sizeof te - 1 && strncasecmp(s->line, te, sizeof te - 1) == 0) {
		s->encodings++;
		return;
	} else {
		return;
	}
	/* A value cut off by the buffer cannot be read: judge no further. */
	if (s->line_len > FORM_SCAN_LINE) {
		s->unreadable = 1;
		return;
	}
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (v == end || end - v > 18) {
		s->unreadable = 1;
		return;
	}
	s->length = 0;
	for (; v < end; v++) {
		if (*v < '0' || *v > '9') {
			s->unreadable = 1;
			return;
		}
		s->length = s->length * 10 + (unsigned long long)(*v - '0');
	}
}

/* The head just ended with an empty line: what follows it. */
static void scan_head_end(struct form_head_scan *s)
{
	if (s->encodings || s->lengths > 1 || s->unreadable) {
		s->state = FORM_SCAN_BLIND;
	} else if (s->lengths == 1 && s->length > 0) {
		s->state = FORM_SCAN_BODY;
		s->body_left = s->length;
	} else {
		s->state = FORM_SCAN_HEAD;
	}
	s->lengths = s->encodings = s->unreadable = 0;
	s->length = 0;
}

int form_head_scan(struct form_head_scan *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		switch (s->state) {
		case FORM_SCAN_BAD:
			return -1;
		case FORM_SCAN_BLIND:
			return 0;
		case FORM_SCAN_BODY: {
			size_t take = n - i < s->body_left ? n - i : (size_t)s->body_left;

			s->body_left -= take;
			i += take - 1;
			if (s->body_left == 0)
				s->state = FORM_SCAN_HEAD;
			continue;
		}
		case FORM_SCAN_HEAD:
			break;
		}
		if (s->prev_cr) {
			s->prev_cr = 0;
			if (c != '\n') {
				s->state = FORM_SCAN_BAD;   /* a bare CR */
				return -1;
			}
			if (s->line_len == 0) {
				scan_head_end(s);
			} else {
				scan_header_line(s);
				s->line_len = 0;
			}
			continue;
		}
		if (c == '\n') {
			s->state = FORM_SCAN_BAD;           /* a bare LF */
			return -1;
		}
		if (c == '\r') {
			s->prev_cr = 1;
			continue;
		}
		if (s->line_len < FORM_SCAN_LINE)
			s->line[s->line_len] = (char)c;
		if (s->line_len < FORM_SCAN_LINE + 1)
			s->line_len++;
	}
	return s->state == FORM_SCAN_BAD ? -1 : 0;
}
