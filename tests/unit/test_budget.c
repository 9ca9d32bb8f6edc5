/*
 * Unit tests of src/domain/budget.c: the year's money figures of domain.md §8,
 * defined once, and what R10 judges against.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/budget.h"
#include "domain/day.h"

/* remaining = budget − committed + released; open = committed − paid − released;
 * budget = open + paid + remaining, to the öre. */
static void test_remaining_and_open(void **state)
{
	struct budget b = { .has_budget = true, .budget_ore = 350000000, .committed_ore = 333700000,
			    .released_ore = 8978000, .paid_ore = 296264000, .paid_in_year_ore = 318464000 };

	(void)state;
	budget_compute(&b);
	assert_int_equal(b.remaining_ore, 350000000 - 333700000 + 8978000);
	assert_int_equal(b.open_ore, 333700000 - 296264000 - 8978000);
	assert_int_equal(b.budget_ore, b.open_ore + b.paid_ore + b.remaining_ore);
	/* paid in the year is another figure (payments dated in it): it changes neither */
	b.paid_in_year_ore = 0;
	budget_compute(&b);
	assert_int_equal(b.remaining_ore, 350000000 - 333700000 + 8978000);
	assert_int_equal(budget_r10_remaining(&b), b.remaining_ore);
}

/* A year without a budget counts it as 0; R10 then has nothing left at all. */
static void test_no_budget_counts_as_zero(void **state)
{
	struct budget b = { .has_budget = false, .budget_ore = 123, .committed_ore = 5000, .released_ore = 1000 };

	(void)state;
	budget_compute(&b);
	assert_int_equal(b.budget_ore, 0);
	assert_int_equal(b.remaining_ore, -4000);
	assert_int_equal(budget_r10_remaining(&b), 0);
	/* over budget with a budget: R10 sees the negative rest */
	b.has_budget = true;
	b.budget_ore = 3000;
	budget_compute(&b);
	assert_int_equal(budget_r10_remaining(&b), -1000);
}

/* R10: a decision counts against the year of its date, whatever its period. */
static void test_the_budget_year_is_the_decisions(void **state)
{
	(void)state;
	assert_int_equal(budget_year_of(day_from_ymd(2024, 12, 31)), 2024);
	assert_int_equal(budget_year_of(day_from_ymd(2025, 1, 1)), 2025);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remaining_and_open),
		cmocka_unit_test(test_no_budget_counts_as_zero),
		cmocka_unit_test(test_the_budget_year_is_the_decisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
