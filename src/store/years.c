/*
 * Years: the budget, the rates and the point-intervention flat rates, and
 * the budget arithmetic of domain.md §8 computed from the ledger.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"

/* Writes the year's rate rows; the caller has an op open and has deleted the old ones. */
static int rates_insert(struct db *db, const struct db_year *y)
{
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < y->n_rates; i++) {
		const struct db_rate *r = &y->rates[i];

		if ((unsigned)r->code >= CODE__COUNT || r->rate_ore < 0 || r->rate_ore > MONEY_MAX_ORE)
			return db_fail(db, "a rate of %d is out of range", y->year);
		if ((st = db_stmt(db, ST_RATE_INSERT)) == NULL)
			return DB_ERROR;
		if (bind_i64(st, 1, y->year) | bind_enum(st, 2, &enum_code, (int)r->code) | bind_i64(st, 3, r->rate_ore))
			return db_fail_bind(db, st);
		if ((rc = stmt_exec(db, st, "storing the rates")) != DB_OK)
			return rc;
	}
	for (size_t i = 0; i < y->n_point_rates; i++) {
		const struct db_point_rate *r = &y->point_rates[i];

		if ((unsigned)r->category >= POINT__COUNT || r->rate_ore < 0 || r->rate_ore > MONEY_MAX_ORE ||
		    memchr(r->unit, '\0', sizeof r->unit) == NULL)
			return db_fail(db, "a point rate of %d is out of range", y->year);
		if ((st = db_stmt(db, ST_POINT_RATE_INSERT)) == NULL)
			return DB_ERROR;
		if (bind_i64(st, 1, y->year) | bind_enum(st, 2, &enum_point_category, (int)r->category) |
		    bind_text(st, 3, r->unit) | bind_i64(st, 4, r->rate_ore))
			return db_fail_bind(db, st);
		if ((rc = stmt_exec(db, st, "storing the point rates")) != DB_OK)
			return rc;
	}
	return DB_OK;
}

int db_year_put(struct db *db, int64_t actor, const struct db_year *y)
{
	char detail[128];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (y->year < DAY_MIN_YEAR || y->year > DAY_MAX_YEAR)
		return db_fail(db, "year %d is out of range", y->year);
	if (y->has_budget && (y->budget_ore < 0 || y->budget_ore > MONEY_MAX_ORE))
		return db_fail(db, "the budget of %d is out of range", y->year);
	if (y->has_four_eyes && (y->four_eyes_ore < 0 || y->four_eyes_ore > MONEY_MAX_ORE))
		return db_fail(db, "the four-eyes threshold of %d is out of range", y->year);
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_YEAR_UPSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, y->year) | (y->has_budget ? bind_i64(st, 2, y->budget_ore) : sqlite3_bind_null(st, 2)) |
	    (y->has_four_eyes ? bind_i64(st, 3, y->four_eyes_ore) : sqlite3_bind_null(st, 3))) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "storing the year")) != DB_OK ||
	    (rc = stmt_exec_of(db, ST_RATES_DELETE, y->year, "replacing the rates")) != DB_OK ||
	    (rc = stmt_exec_of(db, ST_POINT_RATES_DELETE, y->year, "replacing the point rates")) != DB_OK ||
	    (rc = rates_insert(db, y)) != DB_OK)
		goto out;
	if (snprintf(detail, sizeof detail, "year=%d budget_ore=%lld four_eyes_ore=%lld rates=%zu point_rates=%zu",
		     y->year, y->has_budget ? (long long)y->budget_ore : -1LL,
		     y->has_four_eyes ? (long long)y->four_eyes_ore : -1LL, y->n_rates, y->n_point_rates) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "year.put", "year", y->year, detail);
out:
	return op_end(db, &op, rc);
}

int db_year_budget(struct db *db, int year, struct budget *out)
{
	sqlite3_stmt *st;
	int rc, kind;
	int64_t sum;

	memset(out, 0, sizeof *out);
	rc = stmt_row_of(db, ST_YEAR_GET, year, "reading the year", &st);
	if (rc == DB_OK) {
		out->has_budget = sqlite3_column_type(st, 0) != SQLITE_NULL;
		out->budget_ore = col_i64(st, 0);
		stmt_done(st);
	} else if (rc != DB_NOTFOUND) {
		return rc;
	}

	if ((st = db_stmt(db, ST_LEDGER_SUMS)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, year))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kind = col_enum(st, 0, &enum_ledger_kind);
		sum = col_i64(st, 1);
		if (kind == LEDGER_COMMIT)
			out->committed_ore = sum;
		else if (kind == LEDGER_PAYMENT)
			out->paid_ore = sum;
		else if (kind == LEDGER_RELEASE)
			out->released_ore = sum;
		else {
			stmt_done(st);
			return db_fail(db, "the ledger of %d has a row of unknown kind", year);
		}
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "summing the ledger");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	/* The annual report's "paid": payments dated in the year, whatever their decision's year. */
	if ((st = db_stmt(db, ST_PAYMENTS_DATED_SUM)) == NULL)
		return DB_ERROR;
	if (bind_day(st, 1, day_from_ymd(year, 1, 1)) | bind_day(st, 2, day_from_ymd(year, 12, 31)))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "summing the year's payments")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	out->paid_in_year_ore = col_i64(st, 0);
	stmt_done(st);
	budget_compute(out);
	return DB_OK;
}

/* Overrides t's day rates with the ones stored for t->year. */
static int rates_overlay(struct db *db, struct rate_table *t)
{
	sqlite3_stmt *st = db_stmt(db, ST_RATES_OF_YEAR);
	int rc, code;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, t->year))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((code = col_enum(st, 0, &enum_code)) < 0) {
			stmt_done(st);
			return db_fail(db, "the rates of %d name an unknown code", t->year);
		}
		t->rate_ore[code] = col_i64(st, 1);
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "reading the rates");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	return DB_OK;
}

/* Overrides t's point rates with the ones stored for t->year. */
static int point_rates_overlay(struct db *db, struct rate_table *t)
{
	sqlite3_stmt *st = db_stmt(db, ST_POINT_RATES_OF_YEAR);
	int rc, category;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, t->year))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((category = col_enum(st, 0, &enum_point_category)) < 0 ||
		    col_copy(st, 1, t->point[category].unit, sizeof t->point[category].unit) != 0) {
			stmt_done(st);
			return db_fail(db, "the point rates of %d are invalid", t->year);
		}
		t->point[category].rate_ore = col_i64(st, 2);
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "reading the point rates");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	return DB_OK;
}

int db_rate_tables(struct db *db, struct rate_table **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_RATE_YEARS);
	struct rate_table *tables;
	size_t count;
	int *years;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	/* The years that store rates or point rates, ascending. */
	if ((rc = stmt_collect(db, st, "listing the rate years", sizeof *years, row_int, NULL, &years, &count)) != DB_OK)
		return rc;
	if ((tables = calloc(count > 0 ? count : 1, sizeof *tables)) == NULL) {
		free(years);
		return db_fail(db, "out of memory");
	}
	/*
	 * Ascending, so every earlier table is complete when a later one
	 * inherits from it: start from the table in force the year before
	 * (rates_for_year over the tables built so far, else the built-in
	 * one), then apply what the year itself stores.
	 */
	for (size_t i = 0; i < count; i++) {
		tables[i] = *rates_for_year(tables, i, years[i] - 1);
		tables[i].year = years[i];
		if ((rc = rates_overlay(db, &tables[i])) != DB_OK ||
		    (rc = point_rates_overlay(db, &tables[i])) != DB_OK) {
			free(tables);
			free(years);
			return rc;
		}
	}
	free(years);
	*out = tables;
	*n = count;
	return DB_OK;
}

int db_year_four_eyes(struct db *db, int year, bool *has, int64_t *ore)
{
	sqlite3_stmt *st;
	int rc;

	*has = false;
	*ore = 0;
	rc = stmt_row_of(db, ST_YEAR_FOUR_EYES, year, "reading the four-eyes threshold", &st);
	if (rc == DB_NOTFOUND)
		return DB_OK;            /* a year never put has no threshold */
	if (rc != DB_OK)
		return rc;
	*has = sqlite3_column_type(st, 0) != SQLITE_NULL;
	*ore = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}
