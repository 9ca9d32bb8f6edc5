/*
 * Pure helpers of the registers that hold no person record (domain.md §4,
 * §9): the target group a housed person's place counts under, the tally of
 * placement requests per month, region and target group, and the guard that
 * keeps personal identity numbers out of the consultation log.
 */
#ifndef NSP_REGISTERS_H
#define NSP_REGISTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "day.h"
#include "enums.h"

/*
 * The target group whose place a person housed on daily compensation takes
 * (decision): families when children live with the person on the decision
 * (named on the application) or the person is a child; else women for
 * female and trans_female, men for male and trans_male. -1 when it cannot
 * be told (a non-binary or unknown adult alone): the application names it.
 */
int housing_target_group(enum gender g, enum age_group a, size_t n_children);

/* One placement request, as the tally needs it. */
struct placement_fact {
	day_t date;
	enum region region;
	enum target_group target_group;
	enum placement_outcome outcome;
};

/* Requests and unmet requests (no_place_available) of one year by month
 * (0 = January), region and target group. */
struct placement_tally {
	int year;
	int64_t requests[12][REGION__COUNT][TARGET__COUNT];
	int64_t unmet[12][REGION__COUNT][TARGET__COUNT];
};

/* Fills *t from the requests dated in year; others are ignored. */
void placement_tally(const struct placement_fact *f, size_t n, int year, struct placement_tally *t);

/*
 * True when s holds what reads as a Swedish personal identity or
 * coordination number (personnummer, samordningsnummer): 10 or 12 digits,
 * optionally with "-" or "+" before the last four, a plausible date (day
 * 61–91 for a coordination number) and a valid check digit (Luhn). The
 * consultation log keeps no personal data of the person discussed (§9).
 */
bool text_has_personal_number(const char *s);

#endif
