/*
 * Rates per year (domain.md §7). A year without its own table uses the
 * latest earlier year that has one, else the built-in 2025 table; the same
 * holds for point-intervention flat rates.
 */
#ifndef NSP_RATES_H
#define NSP_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "enums.h"

#define RATE_UNIT_MAX 32

struct point_rate {
	char unit[RATE_UNIT_MAX]; /* what one unit is, e.g. "timme", "tillfälle" */
	int64_t rate_ore;         /* flat rate per unit */
};

struct rate_table {
	int year;
	int64_t rate_ore[CODE__COUNT];       /* per day; 0 for the point codes */
	struct point_rate point[POINT__COUNT];
};

/* The built-in 2025 table (domain.md §7) with the default point rates. */
const struct rate_table *rates_builtin(void);

/* The maximum days of a code (30, 180, 45), or 0 when it has none. */
int rates_max_days(enum code c);

/*
 * The table that applies to year: among tables[0..n) (any order) the one
 * with the largest year <= year, else the built-in table. Never NULL.
 */
const struct rate_table *rates_for_year(const struct rate_table *tables, size_t n, int year);

#endif
