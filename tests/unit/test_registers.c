/*
 * Tests of src/domain/registers.c: the target group of a housed person, the
 * placement tally at month and year boundaries, and the personal-number
 * guard of the consultation log (both ways: numbers found, look-alikes not).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/registers.h"

static void test_target_group(void **state)
{
	(void)state;
	assert_int_equal(housing_target_group(GENDER_FEMALE, AGE_ADULT, 0), TARGET_WOMEN);
	assert_int_equal(housing_target_group(GENDER_TRANS_FEMALE, AGE_ADULT, 0), TARGET_WOMEN);
	assert_int_equal(housing_target_group(GENDER_MALE, AGE_ADULT, 0), TARGET_MEN);
	assert_int_equal(housing_target_group(GENDER_TRANS_MALE, AGE_ADULT, 0), TARGET_MEN);
	assert_int_equal(housing_target_group(GENDER_MALE, AGE_ADULT, 1), TARGET_FAMILIES);
	assert_int_equal(housing_target_group(GENDER_FEMALE, AGE_ADULT, 3), TARGET_FAMILIES);
	assert_int_equal(housing_target_group(GENDER_UNKNOWN, AGE_CHILD, 0), TARGET_FAMILIES);
	assert_int_equal(housing_target_group(GENDER_NON_BINARY, AGE_ADULT, 0), -1);
	assert_int_equal(housing_target_group(GENDER_UNKNOWN, AGE_ADULT, 0), -1);
	assert_int_equal(housing_target_group(GENDER_NON_BINARY, AGE_ADULT, 1), TARGET_FAMILIES);
}

static void test_placement_tally(void **state)
{
	(void)state;
	struct placement_tally t;
	const struct placement_fact f[] = {
		{ day_from_ymd(2024, 12, 31), REGION_SYD, TARGET_MEN, PLACEMENT_NO_PLACE },  /* other year */
		{ day_from_ymd(2025, 1, 1), REGION_SYD, TARGET_MEN, PLACEMENT_NO_PLACE },
		{ day_from_ymd(2025, 1, 31), REGION_SYD, TARGET_MEN, PLACEMENT_NO_PLACE },
		{ day_from_ymd(2025, 2, 1), REGION_SYD, TARGET_MEN, PLACEMENT_NO_PLACE },
		{ day_from_ymd(2025, 2, 1), REGION_SYD, TARGET_MEN, PLACEMENT_PLACED },
		{ day_from_ymd(2025, 2, 2), REGION_SYD, TARGET_MEN, PLACEMENT_DECLINED },
		{ day_from_ymd(2025, 12, 31), REGION_NORD, TARGET_FAMILIES, PLACEMENT_NO_PLACE },
		{ day_from_ymd(2026, 1, 1), REGION_NORD, TARGET_FAMILIES, PLACEMENT_NO_PLACE },  /* other year */
		{ DAY_NONE, REGION_NORD, TARGET_FAMILIES, PLACEMENT_NO_PLACE },
	};
	placement_tally(f, sizeof f / sizeof f[0], 2025, &t);
	assert_int_equal(t.year, 2025);
	assert_int_equal(t.unmet[0][REGION_SYD][TARGET_MEN], 2);
	assert_int_equal(t.requests[0][REGION_SYD][TARGET_MEN], 2);
	assert_int_equal(t.unmet[1][REGION_SYD][TARGET_MEN], 1);     /* declined and placed are met */
	assert_int_equal(t.requests[1][REGION_SYD][TARGET_MEN], 3);
	assert_int_equal(t.unmet[11][REGION_NORD][TARGET_FAMILIES], 1);
	assert_int_equal(t.unmet[0][REGION_NORD][TARGET_FAMILIES], 0);
	assert_int_equal(t.unmet[1][REGION_SYD][TARGET_WOMEN], 0);
	int64_t all = 0;
	for (int m = 0; m < 12; m++)
		for (int r = 0; r < REGION__COUNT; r++)
			for (int g = 0; g < TARGET__COUNT; g++)
				all += t.requests[m][r][g];
	assert_int_equal(all, 6);
}

static void test_personal_numbers_are_found(void **state)
{
	(void)state;
	/* 811218-9876 is a valid test number (Skatteverket's example). */
	assert_true(text_has_personal_number("811218-9876"));
	assert_true(text_has_personal_number("Gäller 8112189876 enligt soc"));
	assert_true(text_has_personal_number("född 19811218-9876."));
	assert_true(text_has_personal_number("198112189876"));
	assert_true(text_has_personal_number("100 år: 811218+9876"));
	/* a coordination number: day + 60 (811278-...) with its own check digit */
	assert_true(text_has_personal_number("samordningsnummer 811278-9873"));
}

static void test_look_alikes_are_not(void **state)
{
	(void)state;
	assert_false(text_has_personal_number(NULL));
	assert_false(text_has_personal_number(""));
	assert_false(text_has_personal_number("811218-9875"));          /* wrong check digit */
	assert_false(text_has_personal_number("811318-9875"));          /* month 13 (the check digit fits) */
	assert_false(text_has_personal_number("8112189876123"));        /* a longer number */
	assert_false(text_has_personal_number("tel 08-123 456 78"));
	assert_false(text_has_personal_number("30 minuter, 2 samtal 2025-03-04"));
	assert_false(text_has_personal_number("org.nr 802456-1238"));   /* an organisation number: month 24 */
	assert_false(text_has_personal_number("178112189876"));         /* a valid number after century 17 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_group),
		cmocka_unit_test(test_placement_tally),
		cmocka_unit_test(test_personal_numbers_are_found),
		cmocka_unit_test(test_look_alikes_are_not),
	};

	return cmocka_run_group_tests_name("registers", tests, NULL, NULL);
}
