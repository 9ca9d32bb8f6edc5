/*
 * Money is an int64 count of öre (1 kr = 100 öre). Never floating point.
 */
#ifndef NSP_MONEY_H
#define NSP_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define ORE_PER_KR 100

/* Largest amount accepted anywhere: 10^13 öre = 100 000 000 000 kr. */
#define MONEY_MAX_ORE 10000000000000LL

/*
 * Formats whole kronor with a space between thousands and " kr", e.g.
 * 311513300 -> "3 115 133 kr"; öre are shown only when not zero
 * ("12,50 kr"). The space is U+00A0 when nbsp is non-zero (HTML), else ' '.
 * Returns the length written, or -1 when buf is too small.
 */
int money_format(int64_t ore, char *buf, size_t size, int nbsp);

/*
 * Parses an amount in kronor as a person types it: "1320", "1 320",
 * "1320,50", "1320.5", "3 115 133 kr". Refuses negatives, more than two
 * decimals and amounts above MONEY_MAX_ORE. Returns 0 or -1.
 */
int money_parse_kr(const char *s, int64_t *ore);

/* Overflow-checked a*b and a+b; return -1 when out of [-MONEY_MAX_ORE, MONEY_MAX_ORE]. */
int money_mul(int64_t a, int64_t b, int64_t *out);
int money_add(int64_t a, int64_t b, int64_t *out);

#endif
