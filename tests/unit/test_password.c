/*
 * Tests of src/util/password.c's rules for a new password: at least 12
 * characters, and not on the shipped list of common passwords, compared
 * without regard to case (ASCII and the Swedish letters).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/password.h"

static int acceptable(const char *pw)
{
	const char *sv = NULL, *en = NULL;
	int rc = password_acceptable(pw, &sv, &en);
	if (rc != 0) {
		assert_non_null(sv);
		assert_non_null(en);
		assert_string_not_equal(sv, en);
	}
	return rc;
}

static void test_listed_passwords_are_common_in_any_case(void **state)
{
	(void)state;
	static const char *const listed[] = {
		/* the classics of every leaked list, short or long */
		"123456", "password", "qwerty", "iloveyou", "123456789012", "qwerty123456", "password1234",
		"1q2w3e4r5t6y", "1qaz2wsx3edc", "qwertyuiop123", "passwordpassword",
		/* Swedish favourites */
		"lösenord", "sommaren2024", "sommaren2024!", "vintern2023!", "valkommen2025", "hammarby1234",
		"djurgården123", "kalleanka123", "midsommar2025",
	};
	for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++)
		assert_int_equal(password_is_common(listed[i]), 1);
	/* case does not help: ASCII and Latin-1 letters alike */
	assert_int_equal(password_is_common("QWERTY123456"), 1);
	assert_int_equal(password_is_common("Sommaren2024!"), 1);
	assert_int_equal(password_is_common("SOMMAREN2024!"), 1);
	assert_int_equal(password_is_common("LÖSENORD1234"), 1);
	assert_int_equal(password_is_common("DjurGÅrden123"), 1);
	assert_int_equal(password_is_common("PassWord1234"), 1);
}

static void test_unlisted_passwords_are_not_common(void **state)
{
	(void)state;
	static const char *const fine[] = {
		"samordnare-lösen-1", "ett-långt-lösenord-1", "handläggare-lösen-1", "Demo-Samordnare-1",
		"Demo-Fristaden-1", "Demo-Hamnen-123", "Demo-Finansiar-1", "Bench-Handlaggare-1",
		"korrekt häst batteri häftklammer", "qwerty123456x", "xqwerty123456", "",
		/* a comment line of the file is not a password on the list */
		"# Common passwords nsp refuses (src/util/password.c), one a line, lower case; compared",
	};
	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
		assert_int_equal(password_is_common(fine[i]), 0);
	/* near misses: one character more or less, or another letter */
	assert_int_equal(password_is_common("password123"), 1);
	assert_int_equal(password_is_common("password12"), 1);
	assert_int_equal(password_is_common("passwurd1234"), 0);
}

static void test_acceptable_needs_twelve_characters_and_an_uncommon_password(void **state)
{
	(void)state;
	assert_int_equal(acceptable("elva-tecken"), -1);          /* 11 */
	assert_int_equal(acceptable("tolv-tecken!"), 0);          /* 12 */
	assert_int_equal(acceptable("åäöåäöåäöåä"), -1);          /* 11 characters, 22 bytes */
	assert_int_equal(acceptable("åäöåäöåäöåäö"), 0);          /* 12 characters */
	assert_int_equal(acceptable("Qwerty123456"), -1);         /* long enough but common */
	assert_int_equal(acceptable("Sommaren2024!"), -1);
	assert_int_equal(acceptable("samordnare-lösen-1"), 0);

	const char *sv, *en;
	assert_int_equal(password_acceptable("Lösenord1234", &sv, &en), -1);
	assert_non_null(strstr(en, "common"));
	assert_non_null(strstr(sv, "vanligt"));
	assert_int_equal(password_acceptable("kort", &sv, &en), -1);
	assert_non_null(strstr(en, "12"));

	char longest[PASSWORD_MAX_LEN + 2];
	memset(longest, 'x', sizeof longest - 1);
	longest[sizeof longest - 1] = '\0';
	assert_int_equal(acceptable(longest), -1);                /* 1025 bytes */
	longest[PASSWORD_MAX_LEN] = '\0';
	assert_int_equal(acceptable(longest), 0);                 /* 1024 bytes */
	assert_int_equal(password_is_common(longest), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed_passwords_are_common_in_any_case),
		cmocka_unit_test(test_unlisted_passwords_are_not_common),
		cmocka_unit_test(test_acceptable_needs_twelve_characters_and_an_uncommon_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
