/*
 * Fuzz target: urlencoded forms and query strings (web/form.h: form_parse,
 * form_decode, form_utf8_valid).
 *
 * The first input byte chooses max_pairs, the rest is the form body.
 * Properties:
 *  - form_decode agrees byte for byte with an independent decoder, and
 *    what it returns is valid UTF-8 without NUL; percent-encoding that
 *    again decodes to the same text;
 *  - form_utf8_valid agrees with the Unicode table-based reference;
 *  - form_parse accepts exactly when every non-empty part decodes and the
 *    part count is within max_pairs; the pairs are those parts in order;
 *    form_get/form_get_nth/form_count agree with the pairs; re-encoding the
 *    pairs and parsing again gives the same pairs;
 *  - on refusal the form is left exactly as it was (a pair added before
 *    stays, nothing else).
 */
#include "fuzz.h"

#include "web/form.h"

static int ref_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)(c | 0x20); /* ASCII letters to lower case */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Reference decoder. Writes into out (at least len bytes) and returns the
 * decoded length, or -1 for a bad escape, a NUL or invalid UTF-8.
 */
static long ref_decode(const char *s, size_t len, int plus, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			if (ref_hex((unsigned char)s[i + 1]) < 0 || ref_hex((unsigned char)s[i + 2]) < 0)
				return -1;
			c = (unsigned char)(ref_hex((unsigned char)s[i + 1]) * 16 +
					    ref_hex((unsigned char)s[i + 2]));
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c == 0)
			return -1;
		out[o++] = (char)c;
	}
	if (!fz_utf8_valid(out, o))
		return -1;
	return (long)o;
}

/* Percent-encodes every byte outside [A-Za-z0-9._~-] (so also '+', '&', '='). */
static void encode(const char *s, char *out, size_t *olen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '~' || *p == '-') {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	*olen = o;
}

static void check_decode(const char *s, size_t len, int plus)
{
	char *ref = malloc(len + 1);
	long rlen;
	size_t olen = 12345, elen, back_len;
	int nomem = 7;
	char *out, *enc, *back;

	if (!ref)
		abort();
	rlen = ref_decode(s, len, plus, ref);
	out = form_decode(s, len, plus, &olen, &nomem);
	FZ_CHECK(nomem == 0);
	if (rlen < 0) {
		FZ_CHECK(out == NULL);
		free(ref);
		return;
	}
	FZ_CHECK(out != NULL);
	FZ_CHECK(olen == (size_t)rlen && strlen(out) == olen);
	FZ_CHECK(memcmp(out, ref, olen) == 0);
	FZ_CHECK(fz_utf8_valid(out, olen));

	/* Round trip through an encoding with nothing left to interpretation. */
	enc = malloc(3 * olen + 1);
	if (!enc)
		abort();
	encode(out, enc, &elen);
	back = form_decode(enc, elen, plus, &back_len, NULL);
	FZ_CHECK(back != NULL && back_len == olen && memcmp(back, out, olen) == 0);
	free(back);
	free(enc);
	free(out);
	free(ref);
}

/* One part of a form as the reference splits it. */
struct ref_part {
	const char *key, *val;
	size_t klen, vlen;
	int has_eq;
};

static void check_parse(const char *s, size_t len, size_t max_pairs)
{
	struct form f = FORM_INIT, f2 = FORM_INIT;
	size_t limit = max_pairs ? max_pairs : 1000, nparts = 0, cap = 16, i = 0;
	struct ref_part *parts = malloc(cap * sizeof(*parts));
	enum form_result r, expect = FORM_OK;

	if (!parts)
		abort();
	/* Reference split: parts between '&', empty ones skipped. */
	while (i < len) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t plen = amp ? (size_t)(amp - (s + i)) : len - i;

		if (plen > 0) {
			const char *eq = memchr(s + i, '=', plen);

			if (nparts == cap) {
				cap *= 2;
				parts = realloc(parts, cap * sizeof(*parts));
				if (!parts)
					abort();
			}
			parts[nparts].key = s + i;
			parts[nparts].klen = eq ? (size_t)(eq - (s + i)) : plen;
			parts[nparts].val = eq ? eq + 1 : "";
			parts[nparts].vlen = eq ? plen - parts[nparts].klen - 1 : 0;
			parts[nparts].has_eq = eq != NULL;
			nparts++;
		}
		i += plen + 1;
	}

	/* A pair present before the call must survive a refusal untouched. */
	FZ_CHECK(form_parse(&f, "pre=%C3%A5", 10, 0) == FORM_OK && f.n == 1);
	r = form_parse(&f, s, len, max_pairs);

	/* Parts are taken in order: the first that is bad, or one past the limit, decides. */
	for (size_t k = 0; k < nparts && expect == FORM_OK; k++) {
		char *tmp = malloc(parts[k].klen + parts[k].vlen + 1);

		if (!tmp)
			abort();
		if (k == limit)
			expect = FORM_TOO_MANY;
		else if (parts[k].klen == 0 || ref_decode(parts[k].key, parts[k].klen, 1, tmp) < 0 ||
			 ref_decode(parts[k].val, parts[k].vlen, 1, tmp) < 0)
			expect = FORM_INVALID;
		free(tmp);
	}
	FZ_CHECK(r == expect);
	if (expect != FORM_OK) {
		FZ_CHECK(f.n == 1 && strcmp(f.pairs[0].key, "pre") == 0 &&
			 strcmp(f.pairs[0].value, "\xC3\xA5") == 0);
		goto out;
	}
	FZ_CHECK(f.n == 1 + nparts);
	for (size_t k = 0; k < nparts; k++) {
		const struct form_pair *p = &f.pairs[1 + k];
		char *key = malloc(parts[k].klen + 1), *val = malloc(parts[k].vlen + 1);
		long kl, vl;

		if (!key || !val)
			abort();
		kl = ref_decode(parts[k].key, parts[k].klen, 1, key);
		vl = ref_decode(parts[k].val, parts[k].vlen, 1, val);
		FZ_CHECK(kl > 0 && vl >= 0);
		FZ_CHECK(strlen(p->key) == (size_t)kl && memcmp(p->key, key, (size_t)kl) == 0);
		FZ_CHECK(strlen(p->value) == (size_t)vl && memcmp(p->value, val, (size_t)vl) == 0);
		FZ_CHECK(fz_utf8_valid(p->key, (size_t)kl) && fz_utf8_valid(p->value, (size_t)vl));
		free(key);
		free(val);
	}

	/* Lookups: first, n-th and count agree with a scan of the pairs (the first
	 * 64 pairs and the last: all of them would make long forms quadratic). */
	for (size_t k = 0; k < f.n; k = k == 63 && f.n > 65 ? f.n - 1 : k + 1) {
		const char *key = f.pairs[k].key;
		size_t count = 0, nth = 0;

		for (size_t j = 0; j < f.n; j++) {
			if (strcmp(f.pairs[j].key, key) == 0) {
				if (j < k)
					nth++;
				count++;
			}
		}
		FZ_CHECK(form_count(&f, key) == count);
		FZ_CHECK(form_get_nth(&f, key, nth) == f.pairs[k].value);
		FZ_CHECK(form_get_nth(&f, key, count) == NULL);
		if (nth == 0)
			FZ_CHECK(form_get(&f, key) == f.pairs[k].value);
	}

	/* Round trip: encode every pair, join with '&', parse again. */
	{
		size_t total = 0, o = 0;
		char *body;

		for (size_t k = 0; k < f.n; k++)
			total += 3 * (strlen(f.pairs[k].key) + strlen(f.pairs[k].value)) + 2;
		body = malloc(total + 1);
		if (!body)
			abort();
		for (size_t k = 0; k < f.n; k++) {
			size_t n;

			if (k)
				body[o++] = '&';
			encode(f.pairs[k].key, body + o, &n);
			o += n;
			body[o++] = '=';
			encode(f.pairs[k].value, body + o, &n);
			o += n;
		}
		FZ_CHECK(form_parse(&f2, body, o, f.n) == FORM_OK);
		FZ_CHECK(f2.n == f.n);
		for (size_t k = 0; k < f.n; k++) {
			FZ_CHECK(strcmp(f2.pairs[k].key, f.pairs[k].key) == 0);
			FZ_CHECK(strcmp(f2.pairs[k].value, f.pairs[k].value) == 0);
		}
		free(body);
	}
out:
	form_release(&f);
	form_release(&f2);
	FZ_CHECK(f.n == 0 && f.pairs == NULL);
	free(parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	size_t max_pairs;

	if (size == 0)
		return 0;
	/* 0 means the default (1000); small limits make "too many" reachable. */
	max_pairs = data[0] % 17;
	s = (const char *)data + 1;
	size--;

	FZ_CHECK(form_utf8_valid(s, size) == fz_utf8_valid(s, size));
	check_decode(s, size, 1);
	check_decode(s, size, 0);
	check_parse(s, size, max_pairs);
	return 0;
}
