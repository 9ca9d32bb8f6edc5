/*
 * Target groups of housed persons, placement tallies and the personal-number
 * guard (registers.h).
 */
#include "registers.h"

#include <string.h>

int housing_target_group(enum gender g, enum age_group a, size_t n_children)
{
	if (n_children > 0 || a == AGE_CHILD)
		return TARGET_FAMILIES;
	switch (g) {
	case GENDER_FEMALE:
	case GENDER_TRANS_FEMALE:
		return TARGET_WOMEN;
	case GENDER_MALE:
	case GENDER_TRANS_MALE:
		return TARGET_MEN;
	default:
		return -1;
	}
}

void placement_tally(const struct placement_fact *f, size_t n, int year, struct placement_tally *t)
{
	memset(t, 0, sizeof *t);
	t->year = year;
	for (size_t i = 0; i < n; i++) {
		int y, m, d;

		if (f[i].date == DAY_NONE || (unsigned)f[i].region >= REGION__COUNT ||
		    (unsigned)f[i].target_group >= TARGET__COUNT)
			continue;
		day_to_ymd(f[i].date, &y, &m, &d);
		if (y != year)
			continue;
		t->requests[m - 1][f[i].region][f[i].target_group]++;
		if (f[i].outcome == PLACEMENT_NO_PLACE)
			t->unmet[m - 1][f[i].region][f[i].target_group]++;
	}
}

/* The Luhn check over the ten digits of a personal number. */
static bool luhn_ok(const int digits[10])
{
	int sum = 0;

	for (int i = 0; i < 10; i++) {
		int v = digits[i] * (i % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	return sum % 10 == 0;
}

/* Does the run of digits (with its separator already removed) read as a
 * personal number? ten: YYMMDDNNNC; twelve: YYYYMMDDNNNC. */
static bool personal_number(const int *digits, int count)
{
	if (count != 10 && count != 12)
		return false;
	const int *p = count == 12 ? digits + 2 : digits;
	int month = p[2] * 10 + p[3], mday = p[4] * 10 + p[5];

	if (count == 12) {
		int century = digits[0] * 10 + digits[1];
		if (century != 18 && century != 19 && century != 20)
			return false;
	}
	if (month < 1 || month > 12)
		return false;
	if (mday > 60)
		mday -= 60;   /* samordningsnummer */
	if (mday < 1 || mday > 31)
		return false;
	return luhn_ok(p);
}

bool text_has_personal_number(const char *s)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; s[i] != '\0'; i++) {
		int digits[12], count = 0;
		size_t j = i;

		/* A run starts at a digit that does not follow another digit. */
		if (s[i] < '0' || s[i] > '9' || (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9'))
			continue;
		while (count < 12) {
			if (s[j] >= '0' && s[j] <= '9') {
				digits[count++] = s[j++] - '0';
			} else if ((s[j] == '-' || s[j] == '+') && (count == 6 || count == 8) && s[j + 1] >= '0' &&
				   s[j + 1] <= '9') {
				j++;
			} else {
				break;
			}
		}
		/* Longer runs of digits (account numbers, ...) are not personal numbers. */
		if (s[j] >= '0' && s[j] <= '9')
			continue;
		if (personal_number(digits, count))
			return true;
	}
	return false;
}
