/* R15 Capacity at the decision: see capacity.h. */
#include "capacity.h"

#include <stdio.h>
#include <string.h>

#include "enums.h"

const char *target_group_sv(int target_group)
{
	static const char *const sv[TARGET__COUNT] = { "kvinnor", "män", "familjer" };
	return target_group >= 0 && target_group < TARGET__COUNT ? sv[target_group] : "okänd målgrupp";
}

const char *target_group_en(int target_group)
{
	static const char *const en[TARGET__COUNT] = { "women", "men", "families" };
	return target_group >= 0 && target_group < TARGET__COUNT ? en[target_group] : "unknown target group";
}

/* The stays of pl covering day d. */
static int64_t occupied_on(const struct place_facts *pl, day_t d)
{
	int64_t n = 0;
	for (size_t i = 0; i < pl->n_stays; i++)
		if (pl->stays[i].from <= d && d <= pl->stays[i].to)
			n++;
	return n;
}

void place_load_of(const struct place_facts *pl, day_t from, day_t to, struct place_load *out)
{
	*out = (struct place_load){ .peak = 0, .peak_on = DAY_NONE, .days_over = 0, .first_over = DAY_NONE };
	if (pl == NULL || from == DAY_NONE || to == DAY_NONE || to < from)
		return;
	for (day_t d = from; d <= to; d++) {
		int64_t n = occupied_on(pl, d);
		if (out->peak_on == DAY_NONE || n > out->peak) {
			out->peak = n;
			out->peak_on = d;
		}
		if (pl->declared && n + 1 > pl->places) {
			if (out->first_over == DAY_NONE)
				out->first_over = d;
			out->days_over++;
		}
		if (d == to) /* day_t may be at its maximum */
			break;
	}
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

bool rule_r15_capacity(const struct place_facts *pl, day_t from, day_t to, const char *over_capacity_reason,
		       struct verdict *v)
{
	struct place_load load;
	char day[DAY_BUFSZ];
	const char *region;
	int64_t with;

	if (v) {
		v->rule = NULL;
		v->sv[0] = v->en[0] = '\0';
	}
	if (pl == NULL || !pl->declared)
		return true;
	place_load_of(pl, from, to, &load);
	if (load.days_over == 0 || !blank(over_capacity_reason))
		return true;
	if (v == NULL)
		return false;
	/* The first day over: how many with this one, of how many places. */
	with = occupied_on(pl, load.first_over) + 1;
	day_format(load.first_over, day);
	region = pl->region >= 0 && pl->region < REGION__COUNT ? enum_name(&enum_region, pl->region) : "?";
	v->rule = "R15";
	snprintf(v->sv, sizeof v->sv,
		 "R15: platserna för %s i %s är fulla: med detta beslut är %lld av %lld platser belagda den %s "
		 "(%lld över), %lld dygn av perioden över; ange ett skäl för att bevilja över kapaciteten",
		 target_group_sv(pl->target_group), region, (long long)with, (long long)pl->places, day,
		 (long long)(with - pl->places), (long long)load.days_over);
	snprintf(v->en, sizeof v->en,
		 "R15: the places for %s in %s are full: with this decision %lld of %lld places are occupied on %s "
		 "(%lld over), %lld days of the period over; give a reason to grant over capacity",
		 target_group_en(pl->target_group), region, (long long)with, (long long)pl->places, day,
		 (long long)(with - pl->places), (long long)load.days_over);
	return false;
}
