/*
 * Loading the annual report (domain.md §10) from the database.
 */
#ifndef NSP_STORE_REPORT_H
#define NSP_STORE_REPORT_H

#include "domain/report.h"
#include "store/store.h"

/*
 * Fills *out with the exact report of year (Gregorian, DAY_MIN_YEAR ..
 * DAY_MAX_YEAR) from one consistent read of the database: a deferred read
 * transaction of its own, or the caller's when one is open. The figures
 * are checked with report_check() before they are returned. Returns DB_OK,
 * or DB_ERROR with db_errmsg() set (also for a year out of range or figures
 * that do not add up). Nothing to free. Callers apply report_suppress() for
 * open data.
 */
int db_report_load(struct db *db, int year, struct report *out);

/*
 * The payments dated in year by intervention code (a payment's lines: a
 * child supplement under its own code), as the report's "paid per
 * intervention". DB_OK, or DB_ERROR with db_errmsg() set.
 */
int db_paid_by_code(struct db *db, int year, int64_t paid_ore[CODE__COUNT]);

/*
 * The report's parts, each one query over the year's rows: on a large
 * database each takes a while, so db_report_load_progress() names them.
 */
enum report_part {
	REPORT_PART_PERSONS, REPORT_PART_DISTINCT, REPORT_PART_INTERVENTIONS, REPORT_PART_MONEY,
	REPORT_PART_PAID_BY_CODE, REPORT_PART_DECISIONS, REPORT_PART_PLACEMENTS, REPORT_PART_CONSULTATIONS,
	REPORT_PART_BASIS, REPORT_PART_CONTACTS, REPORT_PART__COUNT
};

/*
 * db_report_load() telling its progress: fn(ctx, part) before each part is
 * read, and fn(ctx, REPORT_PART__COUNT) when every part is in (not after a
 * failure). fn NULL: as db_report_load().
 */
int db_report_load_progress(struct db *db, int year, struct report *out, void (*fn)(void *ctx, int part),
			    void *ctx);

#endif
