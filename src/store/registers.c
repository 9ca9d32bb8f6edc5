/*
 * The two registers that hold no person: placement requests (domain.md §4)
 * and consultations (§9).
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

/* Binds ?from and ?to to the first and last day of year, or to every day when year is 0. */
static int bind_year_range(sqlite3_stmt *st, int from, int to, int year)
{
	if (year == 0)
		return bind_i64(st, from, INT64_MIN) | bind_i64(st, to, INT64_MAX);
	return bind_day(st, from, day_year_first(year)) | bind_day(st, to, day_year_last(year));
}

int db_placement_create(struct db *db, int64_t actor, const struct db_placement *p, int64_t *out_id)
{
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if (p->date == DAY_NONE || (unsigned)p->region >= REGION__COUNT ||
	    (unsigned)p->target_group >= TARGET__COUNT || (unsigned)p->outcome >= PLACEMENT__COUNT)
		return db_fail(db, "a placement request needs a date, region, target group and outcome");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_PLACEMENT_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_day(st, 1, p->date) | bind_enum(st, 2, &enum_region, (int)p->region) |
	    bind_enum(st, 3, &enum_target_group, (int)p->target_group) |
	    bind_enum(st, 4, &enum_placement_outcome, (int)p->outcome) | bind_id(st, 5, p->organisation_id) |
	    bind_id(st, 6, actor) | bind_i64(st, 7, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "recording the placement request")) != DB_OK)
		goto out;
	id = sqlite3_last_insert_rowid(db->conn);
	if ((rc = audit_append(db, actor, "placement_request.create", "placement_request", id, NULL)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

int db_placement_list(struct db *db, int year, int region, struct db_placement **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PLACEMENT_LIST);
	struct db_placement *ps = NULL, *p;
	size_t count = 0, cap = 0;
	int rc, reg, group, outcome;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_year_range(st, 1, 2, year) | bind_enum(st, 3, &enum_region, region))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (array_reserve(&ps, &cap, count + 1, sizeof *ps) != 0) {
			rc = db_fail(db, "out of memory");
			goto fail;
		}
		p = &ps[count];
		reg = col_enum(st, 2, &enum_region);
		group = col_enum(st, 3, &enum_target_group);
		outcome = col_enum(st, 4, &enum_placement_outcome);
		if (reg < 0 || group < 0 || outcome < 0) {
			rc = db_fail(db, "placement request %lld has an invalid field", (long long)col_i64(st, 0));
			goto fail;
		}
		*p = (struct db_placement){
			.id = col_i64(st, 0),
			.date = col_day(st, 1),
			.region = (enum region)reg,
			.target_group = (enum target_group)group,
			.outcome = (enum placement_outcome)outcome,
			.organisation_id = col_i64(st, 5),
			.created_by = col_i64(st, 6),
			.created_at = col_i64(st, 7),
		};
		count++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "listing placement requests");
		goto fail;
	}
	stmt_done(st);
	*out = ps;
	*n = count;
	return DB_OK;
fail:
	stmt_done(st);
	free(ps);
	return rc;
}

int db_consultation_create(struct db *db, int64_t actor, const struct db_consultation *c, int64_t *out_id)
{
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if (c->date == DAY_NONE || (unsigned)c->asker >= ASKER__COUNT || (unsigned)c->region >= REGION__COUNT ||
	    c->minutes < 0)
		return db_fail(db, "a consultation needs a date, asker, region and minutes >= 0");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_CONSULTATION_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_day(st, 1, c->date) | bind_enum(st, 2, &enum_asker, (int)c->asker) |
	    bind_enum(st, 3, &enum_region, (int)c->region) | bind_text(st, 4, c->topic != NULL ? c->topic : "") |
	    bind_i64(st, 5, c->minutes) | bind_text(st, 6, c->outcome != NULL ? c->outcome : "") |
	    bind_id(st, 7, actor) | bind_i64(st, 8, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "recording the consultation")) != DB_OK)
		goto out;
	id = sqlite3_last_insert_rowid(db->conn);
	if ((rc = audit_append(db, actor, "consultation.create", "consultation", id, NULL)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

void db_consultation_list_free(struct db_consultation *cs, size_t n)
{
	for (size_t i = 0; cs != NULL && i < n; i++) {
		free(cs[i].topic);
		free(cs[i].outcome);
	}
	free(cs);
}

int db_consultation_list(struct db *db, int year, struct db_consultation **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_CONSULTATION_LIST);
	struct db_consultation *cs = NULL, *c;
	size_t count = 0, cap = 0;
	int rc, asker, region;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_year_range(st, 1, 2, year))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (array_reserve(&cs, &cap, count + 1, sizeof *cs) != 0) {
			rc = db_fail(db, "out of memory");
			goto fail;
		}
		c = &cs[count];
		memset(c, 0, sizeof *c);
		asker = col_enum(st, 2, &enum_asker);
		region = col_enum(st, 3, &enum_region);
		if (asker < 0 || region < 0) {
			rc = db_fail(db, "consultation %lld has an invalid field", (long long)col_i64(st, 0));
			goto fail;
		}
		if (col_strdup(st, 4, &c->topic) != 0 || col_strdup(st, 6, &c->outcome) != 0) {
			free(c->topic);
			rc = db_fail(db, "out of memory");
			goto fail;
		}
		c->id = col_i64(st, 0);
		c->date = col_day(st, 1);
		c->asker = (enum asker)asker;
		c->region = (enum region)region;
		c->minutes = col_i64(st, 5);
		c->created_by = col_i64(st, 7);
		c->created_at = col_i64(st, 8);
		count++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "listing consultations");
		goto fail;
	}
	stmt_done(st);
	*out = cs;
	*n = count;
	return DB_OK;
fail:
	stmt_done(st);
	db_consultation_list_free(cs, count);
	return rc;
}
