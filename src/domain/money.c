/*
 * Money as int64 öre (see money.h): formatting in the Swedish way, parsing
 * what people type, and overflow-checked arithmetic.
 */
#include "money.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NBSP "\xC2\xA0" /* U+00A0 NO-BREAK SPACE in UTF-8 */

/* Magnitude of v as unsigned, also for INT64_MIN. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)(-(v + 1)) + 1u : (uint64_t)v;
}

/*
 * "3 115 133 kr", "-12,50 kr". Thousands and the space before "kr" use the
 * same separator, so that an HTML page never breaks an amount across lines.
 * Returns the length (without NUL) or -1 when size is too small; buf is ""
 * then (when size > 0). Handles every int64, not only valid amounts.
 */
int money_format(int64_t ore, char *buf, size_t size, int nbsp)
{
	const char *sep = nbsp ? NBSP : " ";
	size_t seplen = strlen(sep);
	uint64_t mag = magnitude(ore);
	char digits[24], out[96];
	size_t len = 0;
	int nd;

	if (buf == NULL)
		return -1;
	if (size > 0)
		buf[0] = '\0';
	nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(mag / ORE_PER_KR));
	if (nd < 1 || (size_t)nd >= sizeof digits)
		return -1;
	/* out is large enough for 20 digits, 6 separators, sign, öre and " kr". */
	if (ore < 0)
		out[len++] = '-';
	for (int i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0) {
			memcpy(out + len, sep, seplen);
			len += seplen;
		}
		out[len++] = digits[i];
	}
	if (mag % ORE_PER_KR != 0) {
		unsigned o = (unsigned)(mag % ORE_PER_KR);

		out[len++] = ',';
		out[len++] = (char)('0' + o / 10);
		out[len++] = (char)('0' + o % 10);
	}
	memcpy(out + len, sep, seplen);
	len += seplen;
	out[len++] = 'k';
	out[len++] = 'r';
	if (len + 1 > size)
		return -1;
	memcpy(buf, out, len);
	buf[len] = '\0';
	return (int)len;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a space (ASCII space, tab or U+00A0) at p, or 0. */
static size_t space_len(const char *p)
{
	if (*p == ' ' || *p == '\t')
		return 1;
	if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
		return 2;
	return 0;
}

static const char *skip_spaces(const char *p)
{
	size_t n;

	while ((n = space_len(p)) > 0)
		p += n;
	return p;
}

/*
 * Kronor with optional thousands groups ("1 320": every group after the
 * first has exactly three digits, so "13 20" is refused as a typo), an
 * optional decimal part of one or two digits after ',' or '.', and an
 * optional "kr". A sign of any kind is refused.
 */
int money_parse_kr(const char *s, int64_t *ore)
{
	const int64_t max_kr = MONEY_MAX_ORE / ORE_PER_KR;
	const char *p;
	int64_t kr = 0, frac = 0;
	int group = 0, ngroups = 1, nd = 0;

	if (s == NULL || ore == NULL)
		return -1;
	p = skip_spaces(s);
	for (;;) {
		size_t sl;

		if (is_digit(*p)) {
			kr = kr * 10 + (*p - '0');
			if (kr > max_kr)
				return -1;
			group++;
			nd++;
			p++;
		} else if ((sl = space_len(p)) > 0 && group > 0 && is_digit(p[sl])) {
			/* A space between digits separates thousands. */
			if (ngroups == 1 ? group > 3 : group != 3)
				return -1;
			ngroups++;
			group = 0;
			p += sl;
		} else {
			break;
		}
	}
	if (nd == 0 || (ngroups > 1 && group != 3))
		return -1;
	if (*p == ',' || *p == '.') {
		p++;
		if (!is_digit(p[0]))
			return -1;
		frac = (p[0] - '0') * 10;
		p++;
		if (is_digit(p[0])) {
			frac += p[0] - '0';
			p++;
		}
		if (is_digit(p[0]))
			return -1; /* more than two decimals */
	}
	p = skip_spaces(p);
	if ((p[0] == 'k' || p[0] == 'K') && (p[1] == 'r' || p[1] == 'R'))
		p = skip_spaces(p + 2);
	if (*p != '\0')
		return -1;
	if (kr * ORE_PER_KR + frac > MONEY_MAX_ORE)
		return -1;
	*ore = kr * ORE_PER_KR + frac;
	return 0;
}

/* Both operands may be any int64; only the result is range-checked. */
int money_mul(int64_t a, int64_t b, int64_t *out)
{
	uint64_t ma = magnitude(a), mb = magnitude(b), m;

	if (out == NULL)
		return -1;
	if (ma != 0 && mb > (uint64_t)MONEY_MAX_ORE / ma)
		return -1;
	m = ma * mb; /* <= MONEY_MAX_ORE, so it fits int64 with either sign */
	*out = ((a < 0) != (b < 0)) ? -(int64_t)m : (int64_t)m;
	return 0;
}

int money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t s;

	if (out == NULL)
		return -1;
	if (a > MONEY_MAX_ORE || a < -MONEY_MAX_ORE || b > MONEY_MAX_ORE || b < -MONEY_MAX_ORE)
		return -1;
	s = a + b; /* |s| <= 2 * MONEY_MAX_ORE: no int64 overflow */
	if (s > MONEY_MAX_ORE || s < -MONEY_MAX_ORE)
		return -1;
	*out = s;
	return 0;
}
