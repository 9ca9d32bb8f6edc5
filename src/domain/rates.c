/*
 * The built-in rate table and the choice of table per year (rates.h).
 */
#include "rates.h"

#define KR(n) ((int64_t)(n) * 100)

/*
 * The 2025 rates of domain.md §7. The point-intervention flat rates are a
 * documented decision: the report says the coordinator sets them at the
 * start of each year, so these are only editable defaults for a year that
 * has none of its own.
 */
static const struct rate_table builtin_2025 = {
	.year = 2025,
	.rate_ore = {
		[CODE_REFLECTION] = KR(1320),
		[CODE_REFLECTION_CHILD] = KR(500),
		[CODE_EXTENDED] = KR(1320),
		[CODE_EXTENDED_CHILD] = KR(500),
		[CODE_INTEGRATION_HOUSING] = KR(1320),
		[CODE_INTEGRATION_HOUSING_CHILD] = KR(500),
		[CODE_INTEGRATION_ADULT] = KR(500),
		[CODE_INTEGRATION_CHILD] = KR(500),
		[CODE_POINT_ADULT] = 0,
		[CODE_POINT_CHILD] = 0,
	},
	.point = {
		[POINT_INTERPRETER] = { "timme", KR(800) },
		[POINT_LEGAL_ADVICE] = { "timme", KR(1500) },
		[POINT_TRAVEL] = { "resa", KR(300) },
		[POINT_SUPPORT_TALK] = { "samtal", KR(900) },
		[POINT_BASIC_NEEDS] = { "vecka", KR(1000) },
		[POINT_RETURN] = { "tillfälle", KR(5000) },
		[POINT_OTHER] = { "tillfälle", KR(500) },
	},
};

const struct rate_table *rates_builtin(void)
{
	return &builtin_2025;
}

int rates_max_days(enum code c)
{
	switch (c) {
	case CODE_REFLECTION:
	case CODE_REFLECTION_CHILD:
		return 30;
	case CODE_EXTENDED:
	case CODE_EXTENDED_CHILD:
		return 180;
	case CODE_INTEGRATION_HOUSING:
	case CODE_INTEGRATION_HOUSING_CHILD:
	case CODE_INTEGRATION_ADULT:
	case CODE_INTEGRATION_CHILD:
		return 45;
	default:
		return 0;
	}
}

/* Returns a pointer into tables or the static built-in table; never NULL,
 * nothing to free. */
const struct rate_table *rates_for_year(const struct rate_table *tables, size_t n, int year)
{
	const struct rate_table *best = NULL;

	for (size_t i = 0; tables != NULL && i < n; i++)
		if (tables[i].year <= year && (best == NULL || tables[i].year > best->year))
			best = &tables[i];
	return best != NULL ? best : &builtin_2025;
}
