/*
 * Unit tests of src/domain/day.c: calendar arithmetic and strict parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "domain/day.h"

static day_t parse_ok(const char *s)
{
	day_t d = 12345;

	assert_int_equal(day_parse(s, &d), 0);
	return d;
}

static void assert_parse_refused(const char *s)
{
	day_t d = 777;

	assert_int_equal(day_parse(s, &d), -1);
	assert_int_equal(d, 777); /* untouched on error */
}

static void test_epoch_and_known_days(void **state)
{
	(void)state;
	assert_int_equal(day_from_ymd(1970, 1, 1), 0);
	assert_int_equal(day_from_ymd(1969, 12, 31), -1);
	assert_int_equal(day_from_ymd(2000, 3, 1), 11017);
	assert_int_equal(day_from_ymd(2025, 1, 1), 20089);
	assert_int_equal(day_from_ymd(1900, 1, 1), -25567);
	assert_int_equal(parse_ok("2025-01-01"), 20089);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_true(day_is_leap_year(2024));
	assert_true(day_is_leap_year(2000));
	assert_false(day_is_leap_year(2025));
	assert_false(day_is_leap_year(1900));
	assert_false(day_is_leap_year(2100));
	assert_int_equal(day_days_in_month(2024, 2), 29);
	assert_int_equal(day_days_in_month(2025, 2), 28);
	assert_int_equal(day_days_in_month(2025, 4), 30);
	assert_int_equal(day_days_in_month(2025, 12), 31);
	assert_int_equal(day_days_in_month(2025, 13), 0);
	assert_int_equal(day_days_in_month(2025, 0), 0);
}

/* 2024-02-29 exists, 2025-02-29 and 2025-02-30 do not. */
static void test_parse_leap_day_boundaries(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2024-02-29") + 1, parse_ok("2024-03-01"));
	assert_parse_refused("2025-02-29");
	assert_parse_refused("2025-02-30");
	assert_parse_refused("2023-02-29");
	assert_parse_refused("2100-02-29");
	assert_int_equal(parse_ok("2000-02-29") + 1, parse_ok("2000-03-01"));
	assert_int_equal(parse_ok("2025-02-28") + 1, parse_ok("2025-03-01"));
}

static void test_parse_refuses_malformed(void **state)
{
	static const char *const bad[] = {
		"", "2025", "2025-1-01", "2025-01-1", "25-01-01", "2025-01-01x", "2025-01-01 ",
		" 2025-01-01", "2025/01/01", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32",
		"2025-04-31", "+025-01-01", "-025-01-01", "2025-0a-01", "20250101", "2025-01-010",
		"1899-12-31", "2201-01-01", "0000-01-01", "9999-12-31",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_parse_refused(bad[i]);
	assert_int_equal(day_parse(NULL, &(day_t){ 0 }), -1);
	assert_int_equal(day_parse("2025-01-01", NULL), -1);
	/* The year range ends are accepted. */
	parse_ok("1900-01-01");
	parse_ok("2200-12-31");
}

/* Every day of the accepted range converts back to itself and follows the
 * previous one, and matches a naive count of month lengths. */
static void test_round_trip_whole_range(void **state)
{
	day_t expect = day_from_ymd(DAY_MIN_YEAR, 1, 1);

	(void)state;
	for (int y = DAY_MIN_YEAR; y <= DAY_MAX_YEAR; y++) {
		assert_int_equal(day_year_first(y), expect);
		for (int m = 1; m <= 12; m++) {
			for (int md = 1; md <= day_days_in_month(y, m); md++) {
				int yy, mm, dd;

				assert_true(day_valid(y, m, md));
				assert_int_equal(day_from_ymd(y, m, md), expect);
				day_to_ymd(expect, &yy, &mm, &dd);
				assert_int_equal(yy, y);
				assert_int_equal(mm, m);
				assert_int_equal(dd, md);
				expect++;
			}
		}
		assert_int_equal(day_year_last(y), expect - 1);
		assert_int_equal(day_year(expect - 1), y);
	}
}

static void test_format(void **state)
{
	char buf[DAY_BUFSZ];

	(void)state;
	assert_string_equal(day_format(parse_ok("2025-03-01"), buf), "2025-03-01");
	assert_string_equal(day_format(0, buf), "1970-01-01");
	assert_string_equal(day_format(parse_ok("1900-01-01"), buf), "1900-01-01");
	assert_string_equal(day_format(parse_ok("2200-12-31"), buf), "2200-12-31");
	assert_string_equal(day_format(DAY_NONE, buf), "");
	assert_string_equal(day_format(INT32_MAX, buf), ""); /* year beyond 9999 */
}

/* Periods are inclusive: 1–30 March is 30 days. */
static void test_count_and_overlap(void **state)
{
	day_t m1 = parse_ok("2025-03-01"), m30 = parse_ok("2025-03-30"), m31 = parse_ok("2025-03-31");

	(void)state;
	assert_int_equal(day_count(m1, m30), 30);
	assert_int_equal(day_count(m1, m1), 1);
	assert_int_equal(day_count(m30, m1), 0);
	assert_int_equal(day_count(DAY_NONE, m1), 0);
	assert_int_equal(day_count(m1, DAY_NONE), 0);
	assert_int_equal(day_count(parse_ok("2024-01-01"), parse_ok("2024-12-31")), 366);
	assert_int_equal(day_overlap(m1, m30, m30, m31), 1);
	assert_int_equal(day_overlap(m1, m30, m31, m31), 0);
	assert_int_equal(day_overlap(m1, m31, m30, m30), 1);
	assert_int_equal(day_overlap(m1, m31, parse_ok("2025-02-01"), parse_ok("2025-03-10")), 10);
	assert_int_equal(day_overlap(m1, m31, DAY_NONE, DAY_NONE), 0);
}

static void test_today_matches_clock(void **state)
{
	int64_t before = (int64_t)time(NULL);
	day_t t = day_today();
	int64_t after = (int64_t)time(NULL);

	(void)state;
	assert_true(t >= day_of_instant(before) && t <= day_of_instant(after));
	assert_true(day_year(t) >= 2024);
}

/* Unix seconds of a UTC instant, without the C library's zone. */
static int64_t utc(const char *day, int hour, int minute)
{
	return (int64_t)parse_ok(day) * 86400 + hour * 3600 + minute * 60;
}

/* The programme's day is Stockholm's: UTC+1 in winter, UTC+2 in summer,
 * the clock changes on the last Sundays of March and October at 01:00 UTC. */
static void test_day_of_instant_is_stockholms_day(void **state)
{
	(void)state;
	/* winter: midnight is 23:00 UTC the day before */
	assert_int_equal(day_of_instant(utc("2026-12-31", 22, 59)), parse_ok("2026-12-31"));
	assert_int_equal(day_of_instant(utc("2026-12-31", 23, 0)), parse_ok("2027-01-01"));
	/* summer: midnight is 22:00 UTC */
	assert_int_equal(day_of_instant(utc("2026-06-30", 21, 59)), parse_ok("2026-06-30"));
	assert_int_equal(day_of_instant(utc("2026-06-30", 22, 0)), parse_ok("2026-07-01"));
	/* the spring change (2026-03-29 01:00 UTC) and the autumn one (2026-10-25 01:00 UTC) */
	assert_int_equal(day_of_instant(utc("2026-03-28", 22, 59)), parse_ok("2026-03-28"));
	assert_int_equal(day_of_instant(utc("2026-03-28", 23, 0)), parse_ok("2026-03-29"));
	assert_int_equal(day_of_instant(utc("2026-03-29", 21, 59)), parse_ok("2026-03-29"));
	assert_int_equal(day_of_instant(utc("2026-03-29", 22, 0)), parse_ok("2026-03-30"));
	assert_int_equal(day_of_instant(utc("2026-10-24", 21, 59)), parse_ok("2026-10-24"));
	assert_int_equal(day_of_instant(utc("2026-10-24", 22, 0)), parse_ok("2026-10-25"));
	assert_int_equal(day_of_instant(utc("2026-10-25", 22, 59)), parse_ok("2026-10-25"));
	assert_int_equal(day_of_instant(utc("2026-10-25", 23, 0)), parse_ok("2026-10-26"));
	/* a leap day */
	assert_int_equal(day_of_instant(utc("2028-02-28", 23, 30)), parse_ok("2028-02-29"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_and_known_days),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_parse_leap_day_boundaries),
		cmocka_unit_test(test_parse_refuses_malformed),
		cmocka_unit_test(test_round_trip_whole_range),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_count_and_overlap),
		cmocka_unit_test(test_today_matches_clock),
		cmocka_unit_test(test_day_of_instant_is_stockholms_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
