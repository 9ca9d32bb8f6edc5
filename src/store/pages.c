/*
 * Queries for the web pages (see pages.h). The SQL is in statements.c,
 * section "web pages".
 */
#include "store/pages.h"

#include "store/store_internal.h"

/* Reads the current PAGE_DECISION_COLS row of st into *row (a struct db_page_decision). */
static int read_page_decision(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_page_decision *r = row;
	int type = col_enum(st, 5, &enum_app_type);

	r->decision_id = col_i64(st, 0);
	r->application_id = col_i64(st, 1);
	r->person_id = col_i64(st, 2);
	r->organisation_id = col_i64(st, 3);
	if (col_copy(st, 4, r->code, sizeof r->code) != 0 || type < 0)
		return db_fail(db, "a decision row could not be read");
	r->type = (enum app_type)type;
	r->decided_on = col_day(st, 6);
	r->from = col_day(st, 7);
	r->to = col_day(st, 8);
	r->total_ore = col_i64(st, 9);
	r->paid_ore = col_i64(st, 10);
	return DB_OK;
}

/* Steps a bound statement of decision rows into a new array (free(*out)). */
static int collect_decisions(struct db *db, sqlite3_stmt *st, struct db_page_decision **out, size_t *n)
{
	return stmt_collect(db, st, "listing decisions for a page", sizeof **out, read_page_decision, NULL, out, n);
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

/* Reads a ST_PAGE_LEDGER_DAYS row into *row (a struct db_ledger_day). */
static int read_ledger_day(struct db *db, sqlite3_stmt *st, void *row)
{
	int kind = col_enum(st, 0, &enum_ledger_kind);

	if (kind < 0)
		return db_fail(db, "a ledger row has an unknown kind");
	*(struct db_ledger_day *)row = (struct db_ledger_day){ (enum ledger_kind)kind, col_day(st, 1), col_i64(st, 2) };
	return DB_OK;
}

int db_page_ledger_days(struct db *db, int year, struct db_ledger_day **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PAGE_LEDGER_DAYS);

	*out = NULL;
	*n = 0;
	if (!st)
		return DB_ERROR;
	if (bind_i64(st, 1, year))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "summing the ledger per day", sizeof **out, read_ledger_day, NULL, out, n);
}

int db_page_person_code(struct db *db, int64_t id, char code[DB_CODE_MAX], int64_t *org)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt_row_of(db, ST_PAGE_PERSON_CODE, id, "reading a person's code", &st)) != DB_OK)
		return rc;
	rc = col_copy(st, 0, code, DB_CODE_MAX) == 0 ? DB_OK : db_fail(db, "a person code is too long");
	*org = col_i64(st, 1);
	stmt_done(st);
	return rc;
}
