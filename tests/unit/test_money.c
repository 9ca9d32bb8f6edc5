/*
 * Unit tests of src/domain/money.c: formatting, parsing and checked arithmetic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/money.h"

static void assert_format(int64_t ore, int nbsp, const char *expect)
{
	char buf[64];
	int n = money_format(ore, buf, sizeof buf, nbsp);

	assert_string_equal(buf, expect);
	assert_int_equal(n, (int)strlen(expect));
}

static void test_format_thousands_and_ore(void **state)
{
	(void)state;
	assert_format(311513300, 0, "3 115 133 kr"); /* the 2025 payout */
	assert_format(0, 0, "0 kr");
	assert_format(100, 0, "1 kr");
	assert_format(99900, 0, "999 kr");
	assert_format(100000, 0, "1 000 kr");
	assert_format(132000, 0, "1 320 kr");
	assert_format(1250, 0, "12,50 kr");
	assert_format(1205, 0, "12,05 kr");
	assert_format(99999, 0, "999,99 kr");
	assert_format(100000000000001LL, 0, "1 000 000 000 000,01 kr");
}

static void test_format_negative(void **state)
{
	(void)state;
	assert_format(-150, 0, "-1,50 kr");
	assert_format(-311513300, 0, "-3 115 133 kr");
	assert_format(-5, 0, "-0,05 kr");
	assert_format(INT64_MIN, 0, "-92 233 720 368 547 758,08 kr");
	assert_format(INT64_MAX, 0, "92 233 720 368 547 758,07 kr");
}

static void test_format_nbsp(void **state)
{
	(void)state;
	assert_format(132000, 1, "1\xC2\xA0" "320\xC2\xA0kr");
	assert_format(-1250, 1, "-12,50\xC2\xA0kr");
}

static void test_format_small_buffer(void **state)
{
	char buf[16];

	(void)state;
	memset(buf, 'x', sizeof buf);
	/* "1 320 kr" needs 8 bytes and a NUL. */
	assert_int_equal(money_format(132000, buf, 8, 0), -1);
	assert_string_equal(buf, "");
	assert_int_equal(money_format(132000, buf, 9, 0), 8);
	assert_string_equal(buf, "1 320 kr");
	assert_int_equal(money_format(132000, buf, 0, 0), -1);
	assert_int_equal(money_format(132000, NULL, 9, 0), -1);
}

static int64_t parse_ok(const char *s)
{
	int64_t ore = -1;

	assert_int_equal(money_parse_kr(s, &ore), 0);
	return ore;
}

static void test_parse_accepts_typed_amounts(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1320"), 132000);
	assert_int_equal(parse_ok("1 320"), 132000);
	assert_int_equal(parse_ok("1\xC2\xA0" "320"), 132000);
	assert_int_equal(parse_ok("1320,50"), 132050);
	assert_int_equal(parse_ok("1320.5"), 132050);
	assert_int_equal(parse_ok("1320,05"), 132005);
	assert_int_equal(parse_ok("3 115 133 kr"), 311513300);
	assert_int_equal(parse_ok("3 115 133kr"), 311513300);
	assert_int_equal(parse_ok("  500 kr  "), 50000);
	assert_int_equal(parse_ok("0"), 0);
	assert_int_equal(parse_ok("100000000000"), MONEY_MAX_ORE);
	assert_int_equal(parse_ok("100 000 000 000,00 kr"), MONEY_MAX_ORE);
}

static void test_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"", " ", "kr", "-5", "+5", "- 5", "1,234", "1.320", "13 20", "1 3200", "1320 0",
		"1.", ",5", "1,5,0", "1320 kr x", "12 kr 50", "1e3", "0x10", "100000000000,01",
		"100000000001", "99999999999999999999999999", "1  320", " 1 32", "1 320,5 0",
		"1 32 000", "1320 000",
	};
	int64_t ore = 42;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (money_parse_kr(bad[i], &ore) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(ore, 42);
	}
	assert_int_equal(money_parse_kr(NULL, &ore), -1);
}

static void test_mul_add_overflow(void **state)
{
	int64_t out = 0;

	(void)state;
	assert_int_equal(money_mul(30, 132000, &out), 0);
	assert_int_equal(out, 3960000);
	assert_int_equal(money_mul(-3, 500, &out), 0);
	assert_int_equal(out, -1500);
	assert_int_equal(money_mul(-3, -500, &out), 0);
	assert_int_equal(out, 1500);
	assert_int_equal(money_mul(0, INT64_MIN, &out), 0);
	assert_int_equal(out, 0);
	assert_int_equal(money_mul(MONEY_MAX_ORE, 1, &out), 0);
	assert_int_equal(money_mul(-MONEY_MAX_ORE, 1, &out), 0);
	assert_int_equal(out, -MONEY_MAX_ORE);
	assert_int_equal(money_mul(MONEY_MAX_ORE, 2, &out), -1);
	assert_int_equal(money_mul(INT64_MIN, -1, &out), -1);
	assert_int_equal(money_mul(INT64_MAX, INT64_MAX, &out), -1);
	assert_int_equal(money_mul(5000000, 2000001, &out), -1); /* 10^13 + 5*10^6 */
	assert_int_equal(money_mul(5000000, 2000000, &out), 0);
	assert_int_equal(out, MONEY_MAX_ORE);

	assert_int_equal(money_add(MONEY_MAX_ORE - 1, 1, &out), 0);
	assert_int_equal(out, MONEY_MAX_ORE);
	assert_int_equal(money_add(MONEY_MAX_ORE, 1, &out), -1);
	assert_int_equal(money_add(-MONEY_MAX_ORE, -1, &out), -1);
	assert_int_equal(money_add(INT64_MAX, INT64_MIN, &out), -1);
	assert_int_equal(money_add(500, -800, &out), 0);
	assert_int_equal(out, -300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_thousands_and_ore),
		cmocka_unit_test(test_format_negative),
		cmocka_unit_test(test_format_nbsp),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_parse_accepts_typed_amounts),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_mul_add_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
