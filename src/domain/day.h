/*
 * Calendar days as integers: the number of days since 1970-01-01 in the
 * proleptic Gregorian calendar. No time zone and no struct tm is involved,
 * so a day means the same thing on every machine and in every year.
 */
#ifndef NSP_DAY_H
#define NSP_DAY_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t day_t;

/* A day that is not set (no exit, not admitted, ...). Sorts before every real day. */
#define DAY_NONE INT32_MIN

/* Years outside this range are refused by the parser. */
#define DAY_MIN_YEAR 1900
#define DAY_MAX_YEAR 2200

bool day_is_leap_year(int year);
int day_days_in_month(int year, int month);

/* The day of year/month/mday; the caller guarantees a real date (see day_valid). */
day_t day_from_ymd(int year, int month, int mday);
bool day_valid(int year, int month, int mday);
void day_to_ymd(day_t d, int *year, int *month, int *mday);
int day_year(day_t d);

/*
 * Parses exactly "YYYY-MM-DD". Refuses anything else, including impossible
 * dates (2025-02-30), signs, spaces and trailing bytes. Returns 0 or -1.
 */
int day_parse(const char *s, day_t *out);

/* Writes "YYYY-MM-DD" and a NUL into buf (at least DAY_BUFSZ bytes). Returns buf. */
#define DAY_BUFSZ 11
char *day_format(day_t d, char buf[DAY_BUFSZ]);

/*
 * The programme's calendar is Sweden's: a day begins at midnight in
 * Europe/Stockholm (CET in winter, CEST in summer), whatever the machine's
 * own zone. This is the one place that decides "today" for every default
 * date and every "not in the future" check (README: "Today").
 *
 * day_zone_init() sets the process's TZ to DAY_ZONE once; main() calls it
 * before any thread starts (setenv is not thread-safe). The functions below
 * call it too, for programs (tests) that have no such main.
 */
#define DAY_ZONE "Europe/Stockholm"
void day_zone_init(void);

/* The calendar day in DAY_ZONE of the instant t (Unix seconds). */
day_t day_of_instant(int64_t t);

/* Today by the system clock: day_of_instant(time(NULL)). */
day_t day_today(void);

/* First and last day of a year. */
day_t day_year_first(int year);
day_t day_year_last(int year);

/* Number of days in the inclusive period from..to; 0 when to < from. */
int64_t day_count(day_t from, day_t to);

/* Days that the inclusive periods a and b share (0 when disjoint). */
int64_t day_overlap(day_t a_from, day_t a_to, day_t b_from, day_t b_to);

#endif
