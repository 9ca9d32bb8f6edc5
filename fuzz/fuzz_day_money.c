/*
 * Fuzz target: dates (domain/day.h) and money (domain/money.h).
 *
 * The input is used three ways: as text for day_parse and money_parse_kr,
 * and its first bytes as raw integers for day_format, money_format and the
 * checked arithmetic. Properties:
 *  - day_parse accepts exactly what an independent reading of "YYYY-MM-DD"
 *    with a real date in 1900..2200 accepts, and day_format gives the same
 *    text back; day_to_ymd / day_from_ymd are inverse for every int32 day;
 *  - money_parse_kr accepts only digits, separators, one decimal part and
 *    "kr"; its value is the digits read independently; money_format of it
 *    parses back to the same öre, with plain and no-break spaces;
 *  - money_format handles every int64 and never writes past its buffer;
 *  - money_add and money_mul agree with 128-bit arithmetic.
 */
#include "fuzz.h"

#include "domain/day.h"
#include "domain/money.h"

/* ------------------------------------------------------------------ days */

static int ref_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reference: "YYYY-MM-DD", NUL right after, a real day in the accepted years. */
static int ref_day_ok(const char *s, size_t len, int *y, int *m, int *d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < DAY_MIN_YEAR || *y > DAY_MAX_YEAR || *m < 1 || *m > 12 || *d < 1)
		return 0;
	return *d <= mdays[*m - 1] + (*m == 2 && ref_leap(*y));
}

static void check_day_text(const char *s)
{
	day_t d = 12345, d2;
	int y, m, md, ry, rm, rd;
	int ok = day_parse(s, &d) == 0;
	char buf[DAY_BUFSZ];

	FZ_CHECK(ok == ref_day_ok(s, strlen(s), &ry, &rm, &rd));
	if (!ok) {
		FZ_CHECK(d == 12345); /* untouched on error */
		return;
	}
	day_to_ymd(d, &y, &m, &md);
	FZ_CHECK(y == ry && m == rm && md == rd);
	FZ_CHECK(day_year(d) == ry);
	FZ_CHECK(strcmp(day_format(d, buf), s) == 0);
	FZ_CHECK(day_parse(buf, &d2) == 0 && d2 == d);
	FZ_CHECK(d >= day_year_first(DAY_MIN_YEAR) && d <= day_year_last(DAY_MAX_YEAR));
	FZ_CHECK(day_count(day_year_first(ry), d) == (int64_t)d - day_year_first(ry) + 1);
	FZ_CHECK(day_count(d, day_year_last(ry)) == (int64_t)day_year_last(ry) - d + 1);
}

static void check_day_int(day_t d, day_t e, day_t f, day_t g)
{
	int y, m, md;
	char buf[DAY_BUFSZ];
	day_t back;

	day_to_ymd(d, &y, &m, &md);
	FZ_CHECK(m >= 1 && m <= 12 && md >= 1 && md <= 31);
	FZ_CHECK(day_from_ymd(y, m, md) == d);
	day_format(d, buf);
	FZ_CHECK(strlen(buf) == 0 || strlen(buf) == DAY_BUFSZ - 1);
	if (d != DAY_NONE && y >= 0 && y <= 9999) {
		FZ_CHECK(strlen(buf) == DAY_BUFSZ - 1);
		/* The text is the day again whenever the parser takes the year. */
		if (y >= DAY_MIN_YEAR && y <= DAY_MAX_YEAR)
			FZ_CHECK(day_parse(buf, &back) == 0 && back == d);
		else
			FZ_CHECK(day_parse(buf, &back) == -1);
	} else {
		FZ_CHECK(buf[0] == '\0');
	}
	/* Periods: counts never negative, overlap symmetric and bounded. */
	FZ_CHECK(day_count(d, e) >= 0);
	FZ_CHECK(day_count(d, e) == (d == DAY_NONE || e == DAY_NONE || e < d ? 0 : (int64_t)e - d + 1));
	FZ_CHECK(day_overlap(d, e, f, g) == day_overlap(f, g, d, e));
	FZ_CHECK(day_overlap(d, e, f, g) <= day_count(d, e));
	FZ_CHECK(day_overlap(d, e, f, g) <= day_count(f, g));
	FZ_CHECK(day_overlap(d, e, d, e) == day_count(d, e));
}

/* ----------------------------------------------------------------- money */

/*
 * Reference value of a text money_parse_kr accepted: the kronor digits
 * before ',' or '.', then at most two decimals. Returns -1 when the text
 * holds a byte that has no business in an amount.
 */
static int64_t ref_money_value(const char *s)
{
	int64_t kr = 0, frac = 0;
	int in_frac = 0, nfrac = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (in_frac) {
				frac = frac * 10 + (*p - '0');
				nfrac++;
			} else {
				kr = kr * 10 + (*p - '0');
				if (kr > MONEY_MAX_ORE)
					return -1;
			}
		} else if (*p == ',' || *p == '.') {
			if (in_frac)
				return -1;
			in_frac = 1;
		} else if (*p == ' ' || *p == '\t' || *p == 'k' || *p == 'K' || *p == 'r' || *p == 'R') {
			continue;
		} else if (p[0] == 0xC2 && p[1] == 0xA0) {
			p++;
		} else {
			return -1;
		}
	}
	if (nfrac > 2 || (in_frac && nfrac == 0))
		return -1;
	if (nfrac == 1)
		frac *= 10;
	return kr * 100 + frac;
}

static void check_money_text(const char *s)
{
	int64_t ore = -7, back;
	char buf[64];
	int n;

	if (money_parse_kr(s, &ore) != 0) {
		FZ_CHECK(ore == -7); /* untouched on error */
		return;
	}
	FZ_CHECK(ore >= 0 && ore <= MONEY_MAX_ORE);
	FZ_CHECK(ref_money_value(s) == ore);
	/* No sign, and "kr" only once at the end. */
	FZ_CHECK(strchr(s, '-') == NULL && strchr(s, '+') == NULL);
	for (int nbsp = 0; nbsp <= 1; nbsp++) {
		n = money_format(ore, buf, sizeof buf, nbsp);
		FZ_CHECK(n > 0 && (size_t)n == strlen(buf));
		FZ_CHECK(money_parse_kr(buf, &back) == 0 && back == ore);
	}
}

static void check_money_int(int64_t a, int64_t b, size_t size)
{
	char big[96], *small;
	int n, m;
	__int128 sum = (__int128)a + b, prod = (__int128)a * b;
	const __int128 max = MONEY_MAX_ORE;
	int64_t out = 99;

	/* Exactly size bytes, so that ASan sees any write past the end. */
	size %= sizeof big + 1;
	small = malloc(size ? size : 1);
	if (!small)
		abort();
	for (int nbsp = 0; nbsp <= 1; nbsp++) {
		n = money_format(a, big, sizeof big, nbsp);
		FZ_CHECK(n > 0 && (size_t)n == strlen(big));
		FZ_CHECK(fz_utf8_valid(big, (size_t)n));
		FZ_CHECK((a < 0) == (big[0] == '-'));
		FZ_CHECK(n >= 4 && strcmp(big + n - 2, "kr") == 0);
		/* A small buffer: refused and left "", never overrun. */
		m = money_format(a, small, size, nbsp);
		if (size > (size_t)n) {
			FZ_CHECK(m == n && strcmp(small, big) == 0);
		} else {
			FZ_CHECK(m == -1);
			FZ_CHECK(size == 0 || small[0] == '\0');
		}
		if (a >= 0 && a <= MONEY_MAX_ORE) {
			int64_t back = -1;

			FZ_CHECK(money_parse_kr(big, &back) == 0 && back == a);
		} else if (a < 0) {
			int64_t back;

			FZ_CHECK(money_parse_kr(big, &back) == -1); /* signs are refused */
		}
	}

	free(small);

	out = 99;
	if (a > MONEY_MAX_ORE || a < -MONEY_MAX_ORE || b > MONEY_MAX_ORE || b < -MONEY_MAX_ORE ||
	    sum > max || sum < -max) {
		FZ_CHECK(money_add(a, b, &out) == -1);
	} else {
		FZ_CHECK(money_add(a, b, &out) == 0 && out == (int64_t)sum);
	}
	out = 99;
	if (prod > max || prod < -max) {
		FZ_CHECK(money_mul(a, b, &out) == -1);
	} else {
		FZ_CHECK(money_mul(a, b, &out) == 0 && out == (int64_t)prod);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_strndup(data, size);
	uint8_t raw[24] = { 0 };
	int64_t a, b;
	int32_t d, e, f, g;
	uint64_t sz;

	check_day_text(s);
	check_money_text(s);

	memcpy(raw, data, size < sizeof raw ? size : sizeof raw);
	memcpy(&a, raw, 8);
	memcpy(&b, raw + 8, 8);
	memcpy(&sz, raw + 16, 8);
	memcpy(&d, raw, 4);
	memcpy(&e, raw + 4, 4);
	memcpy(&f, raw + 8, 4);
	memcpy(&g, raw + 12, 4);
	check_day_int(d, e, f, g);
	/* Also near the interesting ranges: plausible days and amounts. */
	check_day_int(d % 200000, e % 200000, f % 200000, g % 200000);
	check_money_int(a, b, (size_t)sz);
	check_money_int(a % (MONEY_MAX_ORE + 2), b % 100000, (size_t)sz);
	free(s);
	return 0;
}
