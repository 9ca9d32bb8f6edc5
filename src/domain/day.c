/*
 * Calendar days as integers (see day.h). The conversions are Howard
 * Hinnant's days_from_civil / civil_from_days: exact integer arithmetic over
 * 400-year eras, valid for every proleptic Gregorian date. Only day_today and
 * day_of_instant know a time zone: the programme's, Europe/Stockholm.
 */
#include "day.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DAYS_PER_ERA 146097  /* days in 400 Gregorian years */
#define EPOCH_SHIFT 719468   /* days from 0000-03-01 to 1970-01-01 */

bool day_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Returns 28..31, or 0 when month is not 1..12. */
int day_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && day_is_leap_year(year))
		return 29;
	return days[month - 1];
}

bool day_valid(int year, int month, int mday)
{
	if (year < DAY_MIN_YEAR || year > DAY_MAX_YEAR)
		return false;
	return mday >= 1 && mday <= day_days_in_month(year, month);
}

/* days_from_civil: the year is counted from March so that the leap day is
 * the last day of the shifted year. */
day_t day_from_ymd(int year, int month, int mday)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                   /* [0, 399] */
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + mday - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */

	return (day_t)(era * DAYS_PER_ERA + doe - EPOCH_SHIFT);
}

/* civil_from_days, the inverse of day_from_ymd. */
void day_to_ymd(day_t d, int *year, int *month, int *mday)
{
	int64_t z = (int64_t)d + EPOCH_SHIFT;
	int64_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	int64_t doe = z - era * DAYS_PER_ERA;                                   /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                      /* [0, 11] */
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)m;
	*year = (int)(yoe + era * 400 + (m <= 2));
}

int day_year(day_t d)
{
	int y, m, md;

	day_to_ymd(d, &y, &m, &md);
	return y;
}

/* Reads n ASCII digits; returns the value or -1 when one is not a digit. */
static int read_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Exactly ten bytes "YYYY-MM-DD" and a NUL; *out is untouched on error. */
int day_parse(const char *s, day_t *out)
{
	int y, m, md;

	if (s == NULL || out == NULL)
		return -1;
	/* Check the shape byte by byte before reading past a possible NUL. */
	for (int i = 0; i < 10; i++) {
		char c = s[i];

		if (i == 4 || i == 7) {
			if (c != '-')
				return -1;
		} else if (c < '0' || c > '9') {
			return -1;
		}
	}
	if (s[10] != '\0')
		return -1;
	y = read_digits(s, 4);
	m = read_digits(s + 5, 2);
	md = read_digits(s + 8, 2);
	if (!day_valid(y, m, md))
		return -1;
	*out = day_from_ymd(y, m, md);
	return 0;
}

/* Writes "YYYY-MM-DD"; DAY_NONE and days outside years 0..9999 (which do not
 * fit the format) are written as "". Returns buf. */
char *day_format(day_t d, char buf[DAY_BUFSZ])
{
	int y, m, md, n;

	buf[0] = '\0';
	if (d == DAY_NONE)
		return buf;
	day_to_ymd(d, &y, &m, &md);
	if (y < 0 || y > 9999)
		return buf;
	n = snprintf(buf, DAY_BUFSZ, "%04d-%02d-%02d", y, m, md);
	if (n != DAY_BUFSZ - 1)
		buf[0] = '\0';
	return buf;
}

static pthread_once_t zone_once = PTHREAD_ONCE_INIT;

static void zone_set(void)
{
	setenv("TZ", DAY_ZONE, 1);
	tzset();
}

void day_zone_init(void)
{
	pthread_once(&zone_once, zone_set);
}

/* localtime_r applies the zone's rules (tzdata); without them it would fall
 * back to UTC, which the unit tests of the clock changes catch. */
day_t day_of_instant(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	day_zone_init();
	if (localtime_r(&tt, &tm) == NULL)
		return DAY_NONE;
	return day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

day_t day_today(void)
{
	return day_of_instant((int64_t)time(NULL));
}

day_t day_year_first(int year)
{
	return day_from_ymd(year, 1, 1);
}

day_t day_year_last(int year)
{
	return day_from_ymd(year, 12, 31);
}

/* Inclusive count; 0 when to < from or either end is DAY_NONE (an unset
 * period must never count as a huge one). */
int64_t day_count(day_t from, day_t to)
{
	if (from == DAY_NONE || to == DAY_NONE || to < from)
		return 0;
	return (int64_t)to - (int64_t)from + 1;
}

int64_t day_overlap(day_t a_from, day_t a_to, day_t b_from, day_t b_to)
{
	if (a_from == DAY_NONE || a_to == DAY_NONE || b_from == DAY_NONE || b_to == DAY_NONE)
		return 0;
	return day_count(a_from > b_from ? a_from : b_from, a_to < b_to ? a_to : b_to);
}
