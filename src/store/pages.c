/*
 * Queries for the web pages (see pages.h). The SQL is in statements.c,
 * section "web pages".
 */
#include "store/pages.h"

#include <stdlib.h>

#include "store/store_internal.h"

/* Reads the current PAGE_DECISION_COLS row of st into *r. */
static int read_page_decision(sqlite3_stmt *st, struct db_page_decision *r)
{
	r->decision_id = col_i64(st, 0);
	r->application_id = col_i64(st, 1);
	r->person_id = col_i64(st, 2);
	r->organisation_id = col_i64(st, 3);
	if (col_copy(st, 4, r->code, sizeof r->code) != 0)
		return -1;
	int type = col_enum(st, 5, &enum_app_type);
	if (type < 0)
		return -1;
	r->type = (enum app_type)type;
	r->decided_on = col_day(st, 6);
	r->from = col_day(st, 7);
	r->to = col_day(st, 8);
	r->total_ore = col_i64(st, 9);
	r->paid_ore = col_i64(st, 10);
	return 0;
}

/* Steps a bound statement of decision rows into a new array. */
static int collect_decisions(struct db *db, sqlite3_stmt *st, struct db_page_decision **out, size_t *n)
{
	struct db_page_decision *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (array_reserve(&rows, &cap, count + 1, sizeof *rows) != 0) {
			rc = db_fail(db, "out of memory");
			goto fail;
		}
		if (read_page_decision(st, &rows[count]) != 0) {
			rc = db_fail(db, "a decision row could not be read");
			goto fail;
		}
		count++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "listing decisions for a page");
		goto fail;
	}
	stmt_done(st);
	*out = rows;
	*n = count;
	return DB_OK;
fail:
	stmt_done(st);
	free(rows);
	return rc;
}

int db_page_periods_ending(struct db *db, int64_t org, day_t first, day_t last, struct db_page_decision **out,
			   size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PAGE_PERIODS_ENDING);
	*out = NULL;
	*n = 0;
	if (!st)
		return DB_ERROR;
	if (bind_i64(st, 1, org) | bind_day(st, 2, first) | bind_day(st, 3, last) |
	    bind_enum(st, 4, &enum_outcome, OUTCOME_GRANTED) | bind_enum(st, 5, &enum_outcome, OUTCOME_PARTLY_GRANTED) |
	    bind_enum(st, 6, &enum_outcome, OUTCOME_DENIED))
		return db_fail_bind(db, st);
	return collect_decisions(db, st, out, n);
}

int db_page_unclaimed(struct db *db, int64_t org, struct db_page_decision **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PAGE_UNCLAIMED);
	*out = NULL;
	*n = 0;
	if (!st)
		return DB_ERROR;
	if (bind_i64(st, 1, org))
		return db_fail_bind(db, st);
	return collect_decisions(db, st, out, n);
}

int db_page_ledger_days(struct db *db, int year, struct db_ledger_day **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PAGE_LEDGER_DAYS);
	struct db_ledger_day *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!st)
		return DB_ERROR;
	if (bind_i64(st, 1, year))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = col_enum(st, 0, &enum_ledger_kind);
		if (kind < 0) {
			rc = db_fail(db, "a ledger row has an unknown kind");
			goto fail;
		}
		if (array_reserve(&rows, &cap, count + 1, sizeof *rows) != 0) {
			rc = db_fail(db, "out of memory");
			goto fail;
		}
		rows[count++] = (struct db_ledger_day){ (enum ledger_kind)kind, col_day(st, 1), col_i64(st, 2) };
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "summing the ledger per day");
		goto fail;
	}
	stmt_done(st);
	*out = rows;
	*n = count;
	return DB_OK;
fail:
	stmt_done(st);
	free(rows);
	return rc;
}

int db_page_person_code(struct db *db, int64_t id, char code[DB_CODE_MAX], int64_t *org)
{
	sqlite3_stmt *st = db_stmt(db, ST_PAGE_PERSON_CODE);
	int rc;
	if (!st)
		return DB_ERROR;
	if (bind_i64(st, 1, id))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "reading a person's code")) != DB_OK)
		return rc;
	rc = col_copy(st, 0, code, DB_CODE_MAX) == 0 ? DB_OK : db_fail(db, "a person code is too long");
	*org = col_i64(st, 1);
	stmt_done(st);
	return rc;
}
