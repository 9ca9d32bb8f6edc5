/*
 * Decoding of what browsers send besides JSON: application/x-www-form-urlencoded
 * bodies and query strings, the Cookie header and "Authorization: Bearer".
 * Everything decoded is valid UTF-8 without NUL bytes, or it is refused:
 * the rest of the program can then treat values as ordinary C strings.
 */
#ifndef NSP_WEB_FORM_H
#define NSP_WEB_FORM_H

#include <stddef.h>

struct form_pair {
	char *key;   /* decoded, NUL-terminated, owned by the form */
	char *value; /* decoded, NUL-terminated ("" for "key" without '='), owned */
};

/* A list of key/value pairs in the order sent; keys may repeat. */
struct form {
	struct form_pair *pairs;
	size_t n;
	size_t alloc;
};

#define FORM_INIT { NULL, 0, 0 }

enum form_result {
	FORM_OK = 0,
	FORM_INVALID = -1,  /* bad %XX, %00, invalid UTF-8, empty key */
	FORM_TOO_MANY = -2, /* more than max_pairs pairs */
	FORM_NOMEM = -3,
};

void form_init(struct form *f);

/*
 * Decodes "a=1&b=x+y&a=%C3%A5" (len bytes of data, need not be
 * NUL-terminated) and appends the pairs to f: '+' is a space, %XX a byte
 * (hex digits of either case), "a" alone is ("a", ""), empty parts ("a=1&&b")
 * are skipped. At most max_pairs pairs (0 = 1000). On any error f is left as
 * it was before the call. Returns FORM_OK or an error.
 */
enum form_result form_parse(struct form *f, const char *data, size_t len, size_t max_pairs);

/* The first value of key, or NULL. Valid while f lives. */
const char *form_get(const struct form *f, const char *key);

/* The idx-th value (0-based) of key among repeats, or NULL. */
const char *form_get_nth(const struct form *f, const char *key, size_t idx);

/* How many times key occurs. */
size_t form_count(const struct form *f, const char *key);

/* Frees the pairs; f can be reused after form_init. */
void form_release(struct form *f);

/*
 * Percent-decodes len bytes of s (plus_is_space: '+' becomes ' ', as in
 * forms and queries, not in paths). Returns a malloc'ed NUL-terminated
 * string the caller frees, with its length in *outlen when not NULL; NULL
 * when the input has a bad escape, decodes to a NUL byte or to invalid
 * UTF-8, or memory runs out (*nomem set to 1 then, when not NULL).
 */
char *form_decode(const char *s, size_t len, int plus_is_space, size_t *outlen, int *nomem);

/* 1 when len bytes of s are valid UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF). NUL bytes count as valid here. */
int form_utf8_valid(const char *s, size_t len);

/*
 * Finds cookie `name` in a Cookie header value ("a=1; b=2"), compared
 * exactly (case-sensitive); the first occurrence wins. A value in double
 * quotes is returned without them. Copies the value into out (size outsz)
 * and returns 0; -1 when header is NULL, the name is absent, the value is
 * not made of cookie-octets (RFC 6265) or does not fit.
 */
int form_cookie(const char *header, const char *name, char *out, size_t outsz);

/*
 * Parses an Authorization header value "Bearer TOKEN": the scheme compared
 * case-insensitively, exactly one space, then a token of
 * [A-Za-z0-9-._~+/] followed by optional '=' padding (RFC 6750), nothing
 * after it. Copies the token into out and returns 0; -1 otherwise
 * (including a token that does not fit in outsz).
 */
int form_bearer(const char *header, char *out, size_t outsz);

/*
 * Where a write comes from (CSRF): FORM_ORIGIN_OURS when the browser says it
 * comes from this server's own pages, FORM_ORIGIN_FOREIGN when it names
 * another site, FORM_ORIGIN_UNKNOWN when it says nothing (not a browser).
 * The arguments are the request's headers, each NULL when absent: Origin
 * decides unless absent or "null"; then Sec-Fetch-Site ("same-origin" or
 * "none" are ours, anything else foreign); then an Origin of "null" is
 * foreign; then the Referer. An Origin or Referer is ours when it is an
 * absolute http(s) URL whose authority ("host[:port]") equals host
 * (case-insensitive); a NULL or empty host makes nothing ours.
 */
enum form_origin { FORM_ORIGIN_UNKNOWN, FORM_ORIGIN_OURS, FORM_ORIGIN_FOREIGN };
enum form_origin form_request_origin(const char *origin, const char *sec_fetch_site, const char *referer,
				     const char *host);

/* The authority of an absolute http:// or https:// URL (up to the first '/',
 * '?' or '#'; not empty) into out (size outsz, NUL-terminated): 0, or -1 when
 * it is none or does not fit. */
int form_url_authority(const char *url, char *out, size_t outsz);

/*
 * Strict HTTP (issue 16): the framing headers of one request, fed by name
 * one at a time. form_framing_ambiguous() is 1 when a proxy in front may
 * frame the request otherwise than we do (request smuggling): more than
 * one Content-Length (equal or not), a Content-Length beside a
 * Transfer-Encoding, or more than one Transfer-Encoding.
 */
struct form_framing {
	unsigned content_lengths, transfer_encodings;
};
void form_framing_add(struct form_framing *f, const char *name);
int form_framing_ambiguous(const struct form_framing *f);

/*
 * The line ends of the requests' heads on one connection, read as its
 * bytes arrive (src/web/head_guard.c): a head's lines end in CR LF, and a
 * bare LF or a bare CR, which libmicrohttpd before 0.9.77 takes for a line
 * end as well, makes the connection bad. The scanner follows the framing
 * itself: after a head with one Content-Length it skips that many bytes of
 * body and reads the next head; after a head with a Transfer-Encoding (or
 * a Content-Length it cannot read) it stops judging the connection
 * (FORM_SCAN_BLIND), since a chunked body may hold any bytes and the
 * server refuses the ambiguous cases anyway.
 */
enum form_scan_state { FORM_SCAN_HEAD, FORM_SCAN_BODY, FORM_SCAN_BLIND, FORM_SCAN_BAD };
#define FORM_SCAN_LINE 64
struct form_head_scan {
	enum form_scan_state state;
	int prev_cr;                    /* the byte before was a CR */
	size_t line_len;                /* bytes of the current line so far (its CR not counted) */
	char line[FORM_SCAN_LINE];      /* the first of them: a header's name and the start of its value */
	int lengths, encodings, unreadable; /* this head's Content-Length and Transfer-Encoding lines */
	unsigned long long length, body_left;
};
void form_head_scan_init(struct form_head_scan *s);
/* Reads n more bytes of the connection: 0 while it is well-formed (or no
 * longer judged), -1 once a head had a bare LF or CR (for good). */
int form_head_scan(struct form_head_scan *s, const unsigned char *p, size_t n);

#endif
