/*
 * The year's money figures, defined once (domain.md §8). Every page and
 * export that shows one of them takes it from here, with the same label,
 * so that two pages never disagree about what "Kvar" or "Utbetalt" means.
 *
 *   budget          the year's budget; a year without one counts as 0
 *   committed       amounts granted by decisions made in the year (paid or not)
 *   released        what closing the year's decisions gave back (granted, not paid)
 *   paid            payments on the year's decisions, whenever dated
 *   paid_in_year    payments dated in the year, whatever their decision's year
 *                   (the annual report's "paid")
 *   remaining       budget − committed + released (R10 judges against it)
 *   open            committed − paid − released: granted and not yet paid or released
 *
 * budget = open + paid + remaining, to the öre.
 */
#ifndef NSP_BUDGET_H
#define NSP_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "day.h"

struct budget {
	bool has_budget;               /* false: the year has no budget; budget_ore is 0 */
	int64_t budget_ore;
	int64_t committed_ore, released_ore;
	int64_t paid_ore;              /* on the year's decisions (the ledger's payment rows of the year) */
	int64_t paid_in_year_ore;      /* dated in the year */
	int64_t remaining_ore;         /* budget − committed + released */
	int64_t open_ore;              /* committed − paid − released */
};

/* The budget year of a decision (R10): the year of its date. Payments and
 * releases count against their decision's year, even when dated later. */
int budget_year_of(day_t decided_on);

/* Completes b from its sums: remaining and open (a year without a budget counts as 0). */
void budget_compute(struct budget *b);

/* What R10 judges a decision of b's year against: its remaining budget; a
 * year without a budget has nothing left (0), so every grant needs the
 * coordinator's written reason. */
int64_t budget_r10_remaining(const struct budget *b);

#endif
