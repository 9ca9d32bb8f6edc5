/*
 * R15 Capacity at the decision (domain.md R15, §4) as pure functions: the
 * occupancy of one place over a period and the rule's verdict. No I/O: the
 * caller loads the place's declared places and the granted periods there.
 *
 * A place is an organisation's places in one police region for one target
 * group (women, men, families). A granted housing period (reflection,
 * extended, integration_housing) occupies one place on every day of its
 * period up to and including the person's exit or the decision's closing.
 */
#ifndef NSP_CAPACITY_H
#define NSP_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "day.h"
#include "enums.h"
#include "rules.h"

/* One granted period at the place; `to` is already cut at the person's exit
 * day or the decision's closing day when either is earlier. */
struct stay {
	day_t from, to;
};

struct place_facts {
	int region;                /* enum region, for the sentences */
	int target_group;          /* enum target_group, for the sentences */
	bool declared;             /* false: no places declared there, R15 does not judge */
	int64_t places;            /* the declared places (0 is declared and judged) */
	const struct stay *stays;  /* the other granted periods at the place (any order) */
	size_t n_stays;
};

/* The place over a period, before and with one more stay. */
struct place_load {
	int64_t peak;              /* most places occupied on one day of the period, without the new stay */
	day_t peak_on;             /* the first day of that peak; DAY_NONE for an empty period */
	int64_t days_over;         /* days on which the new stay makes occupied exceed places */
	day_t first_over;          /* the first of them, or DAY_NONE */
};

/*
 * The occupancy of place pl over from..to (inclusive) into *out, caller
 * storage entirely overwritten. An undeclared place counts its stays all the
 * same but has no day over. O(days × stays); the caller passes only the
 * stays overlapping the period.
 */
void place_load_of(const struct place_facts *pl, day_t from, day_t to, struct place_load *out);

/*
 * R15: true when a granted period from..to at place pl is allowed: the place
 * declares no places (not judged), or one more stay never makes the occupied
 * places exceed the declared ones on a day of the period, or the coordinator
 * gave a non-blank over_capacity_reason. Otherwise fills *v (rule "R15",
 * both sentences naming the place, the day, the count and how many over) and
 * returns false. pl == NULL (the application names no place) allows.
 */
bool rule_r15_capacity(const struct place_facts *pl, day_t from, day_t to, const char *over_capacity_reason,
		       struct verdict *v);

/*
 * The funder's capacity (domain.md §4, issue 16): for one month (or longer),
 * the persons housed on at least one day of it per police region × target
 * group, with the region and target-group totals, those whose place names
 * no region or target group, and the total (= the sum of the cells plus
 * the unassigned). Counts are exact until capacity_month_suppress().
 */
struct capacity_month {
	int64_t persons[REGION__COUNT][TARGET__COUNT];
	int64_t region_total[REGION__COUNT];
	int64_t group_total[TARGET__COUNT];
	int64_t unassigned;
	int64_t total;
};

/* Adds n persons at region × target_group (either < 0: unassigned) and keeps the totals. */
void capacity_month_add(struct capacity_month *m, int region, int target_group, int64_t n);

/*
 * Makes m safe for the funder with threshold k: every count in 1..k-1, and
 * as many more as it takes that none can be recomputed from the totals
 * (report_suppress_table(), the open-data report's suppression), becomes
 * REPORT_SUPPRESSED (-1). Returns 0, or -1 (m unchanged: publish nothing).
 */
int capacity_month_suppress(struct capacity_month *m, int k);

/* Swedish and English words of a target group for sentences ("kvinnor", "women"); static. */
const char *target_group_sv(int target_group);
const char *target_group_en(int target_group);

#endif
