/* The year's money figures (budget.h, domain.md §8). */
#include "budget.h"

int budget_year_of(day_t decided_on)
{
	return day_year(decided_on);
}

void budget_compute(struct budget *b)
{
	if (!b->has_budget)
		b->budget_ore = 0;
	b->remaining_ore = b->budget_ore - b->committed_ore + b->released_ore;
	b->open_ore = b->committed_ore - b->paid_ore - b->released_ore;
}

int64_t budget_r10_remaining(const struct budget *b)
{
	return b->has_budget ? b->remaining_ore : 0;
}
