/*
 * The two registers that hold no person: placement requests (domain.md §4)
 * and consultations (§9).
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

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
	if ((rc = stmt_insert_new_id(db, st, 8, "recording the placement request", &id)) != DB_OK)
		goto out;
	if ((rc = audit_append(db, actor, "placement_request.create", "placement_request", id, NULL)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

/* Reads a ST_PLACEMENT_LIST row into *row (a struct db_placement). */
static int placement_read(struct db *db, sqlite3_stmt *st, void *row)
{
	int reg = col_enum(st, 2, &enum_region);
	int group = col_enum(st, 3, &enum_target_group);
	int outcome = col_enum(st, 4, &enum_placement_outcome);

	if (reg < 0 || group < 0 || outcome < 0)
		return db_fail(db, "placement request %lld has an invalid field", (long long)col_i64(st, 0));
	*(struct db_placement *)row = (struct db_placement){
		.id = col_i64(st, 0),
		.date = col_day(st, 1),
		.region = (enum region)reg,
		.target_group = (enum target_group)group,
		.outcome = (enum placement_outcome)outcome,
		.organisation_id = col_i64(st, 5),
		.created_by = col_i64(st, 6),
		.created_at = col_i64(st, 7),
	};
	return DB_OK;
}

int db_placement_list(struct db *db, int year, int region, struct db_placement **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PLACEMENT_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_year_range(st, 1, 2, year) | bind_enum(st, 3, &enum_region, region))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing placement requests", sizeof **out, placement_read, NULL, out, n);
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

/* Frees what consultation *row owns (stmt_collect's release). */
static void consultation_release(void *row)
{
	struct db_consultation *c = row;

	free(c->topic);
	free(c->outcome);
}

void db_consultation_list_free(struct db_consultation *cs, size_t n)
{
	for (size_t i = 0; cs != NULL && i < n; i++)
		consultation_release(&cs[i]);
	free(cs);
}

/* Reads a ST_CONSULTATION_LIST row into *row (a struct db_consultation; strings owned by it). */
static int consultation_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_consultation *c = row;
	int asker = col_enum(st, 2, &enum_asker);
	int region = col_enum(st, 3, &enum_region);

	memset(c, 0, sizeof *c);
	if (asker < 0 || region < 0)
		return db_fail(db, "consultation %lld has an invalid field", (long long)col_i64(st, 0));
	if (col_strdup(st, 4, &c->topic) != 0 || col_strdup(st, 6, &c->outcome) != 0) {
		consultation_release(c);
		return db_fail(db, "out of memory");
	}
	c->id = col_i64(st, 0);
	c->date = col_day(st, 1);
	c->asker = (enum asker)asker;
	c->region = (enum region)region;
	c->minutes = col_i64(st, 5);
	c->created_by = col_i64(st, 7);
	c->created_at = col_i64(st, 8);
	return DB_OK;
}

int db_consultation_list(struct db *db, int year, struct db_consultation **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_CONSULTATION_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_year_range(st, 1, 2, year))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing consultations", sizeof **out, consultation_read, consultation_release,
			    out, n);
}
