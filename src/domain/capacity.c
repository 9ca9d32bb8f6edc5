/* R15 Capacity at the decision: see capacity.h. */
#include "capacity.h"

#include <stdio.h>
#include <string.h>

#include "enums.h"
#include "report.h"

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

void capacity_month_add(struct capacity_month *m, int region, int target_group, int64_t n)
{
	if (region < 0 || region >= REGION__COUNT || target_group < 0 || target_group >= TARGET__COUNT) {
		m->unassigned += n;
	} else {
		m->persons[region][target_group] += n;
		m->region_total[region] += n;
		m->group_total[target_group] += n;
	}
	m->total += n;
}

int capacity_month_suppress(struct capacity_month *m, int k)
{
	enum { CELLS = REGION__COUNT * TARGET__COUNT, RT = CELLS, GT = RT + REGION__COUNT,
	       UN = GT + TARGET__COUNT, TOT = UN + 1, N = TOT + 1 };
	_Static_assert(N <= REPORT_TABLE_MAX_CELLS && REGION__COUNT + 1 <= REPORT_TABLE_MAX_PARTS,
		       "the month's table fits the suppression");
	int64_t cells[N];
	struct report_table_rel rels[REGION__COUNT + TARGET__COUNT + 2];
	int nr = 0;

	for (int r = 0; r < REGION__COUNT; r++)
		for (int g = 0; g < TARGET__COUNT; g++)
			cells[r * TARGET__COUNT + g] = m->persons[r][g];
	for (int r = 0; r < REGION__COUNT; r++)
		cells[RT + r] = m->region_total[r];
	for (int g = 0; g < TARGET__COUNT; g++)
		cells[GT + g] = m->group_total[g];
	cells[UN] = m->unassigned;
	cells[TOT] = m->total;
	/* region total = its target groups; target-group total = its regions */
	for (int r = 0; r < REGION__COUNT; r++) {
		struct report_table_rel *x = &rels[nr++];
		*x = (struct report_table_rel){ .total = RT + r, .n_parts = TARGET__COUNT };
		for (int g = 0; g < TARGET__COUNT; g++)
			x->parts[g] = r * TARGET__COUNT + g;
	}
	for (int g = 0; g < TARGET__COUNT; g++) {
		struct report_table_rel *x = &rels[nr++];
		*x = (struct report_table_rel){ .total = GT + g, .n_parts = REGION__COUNT };
		for (int r = 0; r < REGION__COUNT; r++)
			x->parts[r] = r * TARGET__COUNT + g;
	}
	/* total = the regions + unassigned = the target groups + unassigned */
	struct report_table_rel *x = &rels[nr++];
	*x = (struct report_table_rel){ .total = TOT, .n_parts = REGION__COUNT + 1 };
	for (int r = 0; r < REGION__COUNT; r++)
		x->parts[r] = RT + r;
	x->parts[REGION__COUNT] = UN;
	x = &rels[nr++];
	*x = (struct report_table_rel){ .total = TOT, .n_parts = TARGET__COUNT + 1 };
	for (int g = 0; g < TARGET__COUNT; g++)
		x->parts[g] = GT + g;
	x->parts[TARGET__COUNT] = UN;

	if (report_suppress_table(cells, N, rels, nr, k) != 0)
		return -1;
	for (int r = 0; r < REGION__COUNT; r++)
		for (int g = 0; g < TARGET__COUNT; g++)
			m->persons[r][g] = cells[r * TARGET__COUNT + g];
	for (int r = 0; r < REGION__COUNT; r++)
		m->region_total[r] = cells[RT + r];
	for (int g = 0; g < TARGET__COUNT; g++)
		m->group_total[g] = cells[GT + g];
	m->unassigned = cells[UN];
	m->total = cells[TOT];
	return 0;
}
