/*
 * Unit tests of src/domain/capacity.c: R15, the occupancy of a place over a
 * period and the rule's verdict (domain.md R15).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/capacity.h"
#include "domain/enums.h"
#include "domain/report.h"

static day_t D(const char *s)
{
	day_t d;

	assert_int_equal(day_parse(s, &d), 0);
	return d;
}

/* Two places for women in Syd; one stay 03-01..03-10, one 03-05..03-06. */
static struct stay stays[2];

static struct place_facts two_places(void)
{
	stays[0] = (struct stay){ D("2025-03-01"), D("2025-03-10") };
	stays[1] = (struct stay){ D("2025-03-05"), D("2025-03-06") };
	return (struct place_facts){ .region = REGION_SYD, .target_group = TARGET_WOMEN, .declared = true,
				     .places = 2, .stays = stays, .n_stays = 2 };
}

/* The peak and the days a third stay would be over. */
static void test_R15_load_counts_the_peak_and_the_days_over(void **state)
{
	struct place_facts pl = two_places();
	struct place_load load;

	(void)state;
	place_load_of(&pl, D("2025-03-03"), D("2025-03-08"), &load);
	assert_int_equal(load.peak, 2);
	assert_int_equal(load.peak_on, D("2025-03-05"));
	assert_int_equal(load.days_over, 2);
	assert_int_equal(load.first_over, D("2025-03-05"));
	/* a period outside every stay: nobody, no day over */
	place_load_of(&pl, D("2025-03-11"), D("2025-03-20"), &load);
	assert_int_equal(load.peak, 0);
	assert_int_equal(load.days_over, 0);
	assert_int_equal(load.first_over, DAY_NONE);
	/* an empty period */
	place_load_of(&pl, D("2025-03-20"), D("2025-03-11"), &load);
	assert_int_equal(load.peak_on, DAY_NONE);
}

/* R15 allows under capacity and refuses over it, naming place, day and counts. */
static void test_R15_refuses_over_capacity_without_a_reason(void **state)
{
	struct place_facts pl = two_places();
	struct verdict v;

	(void)state;
	/* 03-07..03-12: one stay, with this one 2 of 2: allowed */
	assert_true(rule_r15_capacity(&pl, D("2025-03-07"), D("2025-03-12"), NULL, &v));
	assert_null(v.rule);
	/* 03-06: 3 of 2 */
	assert_false(rule_r15_capacity(&pl, D("2025-03-06"), D("2025-03-12"), NULL, &v));
	assert_string_equal(v.rule, "R15");
	assert_non_null(strstr(v.sv, "R15: platserna för kvinnor i Syd är fulla"));
	assert_non_null(strstr(v.sv, "3 av 2 platser belagda den 2025-03-06 (1 över), 1 dygn"));
	assert_non_null(strstr(v.en, "3 of 2 places are occupied on 2025-03-06 (1 over), 1 days"));
	/* a blank reason is no reason */
	assert_false(rule_r15_capacity(&pl, D("2025-03-06"), D("2025-03-12"), " \n", &v));
	/* with a reason: allowed */
	assert_true(rule_r15_capacity(&pl, D("2025-03-06"), D("2025-03-12"), "extra rum", &v));
}

/* No declared places: not judged. A declared 0 judges. No place at all: allowed. */
static void test_R15_judges_a_declared_zero_not_an_undeclared_place(void **state)
{
	struct place_facts pl = { .region = REGION_NORD, .target_group = TARGET_MEN, .declared = false };
	struct verdict v;

	(void)state;
	assert_true(rule_r15_capacity(&pl, D("2025-01-01"), D("2025-01-30"), NULL, &v));
	pl.declared = true;
	pl.places = 0;
	assert_false(rule_r15_capacity(&pl, D("2025-01-01"), D("2025-01-30"), NULL, &v));
	assert_non_null(strstr(v.sv, "1 av 0 platser belagda den 2025-01-01 (1 över), 30 dygn"));
	assert_non_null(strstr(v.en, "places for men in Nord"));
	assert_true(rule_r15_capacity(NULL, D("2025-01-01"), D("2025-01-30"), NULL, &v));
}

/* A stay cut at the exit day still occupies that day (the caller cuts `to`). */
static void test_R15_the_last_day_of_a_stay_is_occupied(void **state)
{
	struct stay one = { D("2025-05-01"), D("2025-05-10") };
	struct place_facts pl = { .region = REGION_MITT, .target_group = TARGET_FAMILIES, .declared = true,
				  .places = 1, .stays = &one, .n_stays = 1 };
	struct verdict v;

	(void)state;
	assert_false(rule_r15_capacity(&pl, D("2025-05-10"), D("2025-05-15"), NULL, &v));
	assert_non_null(strstr(v.en, "on 2025-05-10"));
	assert_non_null(strstr(v.sv, "familjer"));
	assert_true(rule_r15_capacity(&pl, D("2025-05-11"), D("2025-05-15"), NULL, &v));
}

/* Issue 16: the funder's month never shows a count below k, and no withheld
 * count can be recomputed from a row, a column or the total. */
static void test_capacity_month_suppresses_small_counts_and_what_gives_them_away(void **state)
{
	struct capacity_month m;

	(void)state;
	memset(&m, 0, sizeof m);
	capacity_month_add(&m, REGION_STOCKHOLM, TARGET_WOMEN, 1);   /* one person's stay */
	capacity_month_add(&m, REGION_SYD, TARGET_WOMEN, 6);
	capacity_month_add(&m, REGION_SYD, TARGET_MEN, 1);
	capacity_month_add(&m, REGION_VAST, TARGET_WOMEN, 8);
	capacity_month_add(&m, -1, -1, 0);
	assert_int_equal(m.total, 16);
	assert_int_equal(capacity_month_suppress(&m, 5), 0);
	assert_int_equal(m.persons[REGION_STOCKHOLM][TARGET_WOMEN], REPORT_SUPPRESSED);
	assert_int_equal(m.region_total[REGION_STOCKHOLM], REPORT_SUPPRESSED);
	assert_int_equal(m.persons[REGION_SYD][TARGET_MEN], REPORT_SUPPRESSED);
	assert_int_equal(m.group_total[TARGET_MEN], REPORT_SUPPRESSED);
	/* Syd: 7 in all; with the women published the man would be 7 - 6 */
	assert_true(m.region_total[REGION_SYD] == REPORT_SUPPRESSED || m.persons[REGION_SYD][TARGET_WOMEN] == REPORT_SUPPRESSED);
	/* zeros stay zeros; nothing published lies in 1..4 */
	assert_int_equal(m.persons[REGION_NORD][TARGET_MEN], 0);
	for (int r = 0; r < REGION__COUNT; r++) {
		for (int g = 0; g < TARGET__COUNT; g++)
			assert_false(m.persons[r][g] >= 1 && m.persons[r][g] < 5);
		assert_false(m.region_total[r] >= 1 && m.region_total[r] < 5);
	}
	/* no row or column has exactly one withheld cell with the rest published */
	for (int r = 0; r < REGION__COUNT; r++) {
		int unknown = m.region_total[r] == REPORT_SUPPRESSED;
		for (int g = 0; g < TARGET__COUNT; g++)
			unknown += m.persons[r][g] == REPORT_SUPPRESSED;
		assert_true(unknown != 1);
	}
	for (int g = 0; g < TARGET__COUNT; g++) {
		int unknown = m.group_total[g] == REPORT_SUPPRESSED;
		for (int r = 0; r < REGION__COUNT; r++)
			unknown += m.persons[r][g] == REPORT_SUPPRESSED;
		assert_true(unknown != 1);
	}
}

/* report_suppress_table() refuses a table whose relations do not hold. */
static void test_suppress_table_refuses_an_inconsistent_table(void **state)
{
	int64_t cells[3] = { 10, 4, 5 };
	struct report_table_rel rel = { .total = 0, .n_parts = 2, .parts = { 1, 2 } };

	(void)state;
	assert_int_equal(report_suppress_table(cells, 3, &rel, 1, 5), -1);
	assert_int_equal(cells[1], 4);
	cells[0] = 9;
	assert_int_equal(report_suppress_table(cells, 3, &rel, 1, 5), 0);
	/* 4 is withheld; 5 would give it away as 9 - 5 */
	assert_int_equal(cells[1], REPORT_SUPPRESSED);
	assert_int_equal(cells[2], REPORT_SUPPRESSED);
	assert_int_equal(cells[0], 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_R15_load_counts_the_peak_and_the_days_over),
		cmocka_unit_test(test_R15_refuses_over_capacity_without_a_reason),
		cmocka_unit_test(test_R15_judges_a_declared_zero_not_an_undeclared_place),
		cmocka_unit_test(test_R15_the_last_day_of_a_stay_is_occupied),
		cmocka_unit_test(test_capacity_month_suppresses_small_counts_and_what_gives_them_away),
		cmocka_unit_test(test_suppress_table_refuses_an_inconsistent_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
