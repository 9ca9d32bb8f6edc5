/*
 * Places per organisation, police region and target group, and the
 * occupancy of a day derived from granted daily-compensation periods
 * (domain.md §4).
 */
#include "store/store_internal.h"

#include <stdio.h>

int db_capacity_put(struct db *db, int64_t actor, int64_t organisation_id, const struct db_capacity *rows, size_t n)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int64_t total = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if ((unsigned)rows[i].region >= REGION__COUNT || (unsigned)rows[i].target_group >= TARGET__COUNT ||
		    rows[i].places < 0 || rows[i].places > 100000)
			return db_fail(db, "capacity row %zu is out of range", i);
		total += rows[i].places;
	}
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = stmt_exec_of(db, ST_CAPACITY_DELETE, organisation_id, "replacing the places")) != DB_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((st = db_stmt(db, ST_CAPACITY_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_i64(st, 1, organisation_id) | bind_enum(st, 2, &enum_region, (int)rows[i].region) |
		    bind_enum(st, 3, &enum_target_group, (int)rows[i].target_group) | bind_i64(st, 4, rows[i].places)) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		if ((rc = stmt_exec(db, st, "storing the places")) != DB_OK)
			goto out;
	}
	if (snprintf(detail, sizeof detail, "rows=%zu places=%lld", n, (long long)total) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "capacity.put", "organisation", organisation_id, detail);
out:
	return op_end(db, &op, rc);
}

/* Reads a ST_CAPACITY_LIST row into *row (a struct db_capacity). */
static int capacity_read(struct db *db, sqlite3_stmt *st, void *row)
{
	int region = col_enum(st, 1, &enum_region);
	int group = col_enum(st, 2, &enum_target_group);

	if (region < 0 || group < 0)
		return db_fail(db, "the places of organisation %lld have an invalid field", (long long)col_i64(st, 0));
	*(struct db_capacity *)row = (struct db_capacity){
		.organisation_id = col_i64(st, 0),
		.region = (enum region)region,
		.target_group = (enum target_group)group,
		.places = col_i64(st, 3),
	};
	return DB_OK;
}

int db_capacity_list(struct db *db, int64_t organisation_id, struct db_capacity **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_CAPACITY_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, organisation_id))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing places", sizeof **out, capacity_read, NULL, out, n);
}

/* Reads a ST_OCCUPANCY row into *row (a struct db_place_occupancy); a region
 * or target group may be NULL (-1): a housing place not recorded. */
static int occupancy_read(struct db *db, sqlite3_stmt *st, void *row)
{
	int region = col_enum(st, 1, &enum_region);
	int group = col_enum(st, 2, &enum_target_group);

	if (region == -2 || group == -2)
		return db_fail(db, "a housing place has an invalid region or target group");
	*(struct db_place_occupancy *)row = (struct db_place_occupancy){
		.organisation_id = col_i64(st, 0),
		.region = region,
		.target_group = group,
		.persons = col_i64(st, 3),
	};
	return DB_OK;
}

int db_occupancy(struct db *db, day_t on, struct db_place_occupancy **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_OCCUPANCY);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (on == DAY_NONE)
		return db_fail(db, "occupancy needs a day");
	if (bind_day(st, 1, on) | bind_enum(st, 2, &enum_outcome, OUTCOME_GRANTED) |
	    bind_enum(st, 3, &enum_outcome, OUTCOME_PARTLY_GRANTED) | bind_enum(st, 4, &enum_app_type, APP_REFLECTION) |
	    bind_enum(st, 5, &enum_app_type, APP_EXTENDED) | bind_enum(st, 6, &enum_app_type, APP_INTEGRATION_HOUSING))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "computing the occupancy", sizeof **out, occupancy_read, NULL, out, n);
}

/* Reads a ST_OCCUPANCY_RANGE row (no organisation) into *row. */
static int occupancy_range_read(struct db *db, sqlite3_stmt *st, void *row)
{
	int region = col_enum(st, 0, &enum_region);
	int group = col_enum(st, 1, &enum_target_group);

	if (region == -2 || group == -2)
		return db_fail(db, "a housing place has an invalid region or target group");
	*(struct db_place_occupancy *)row = (struct db_place_occupancy){
		.organisation_id = 0, .region = region, .target_group = group, .persons = col_i64(st, 2),
	};
	return DB_OK;
}

int db_occupancy_range(struct db *db, day_t from, day_t to, struct db_place_occupancy **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_OCCUPANCY_RANGE);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (from == DAY_NONE || to == DAY_NONE || to < from)
		return db_fail(db, "occupancy needs a period");
	if (bind_day(st, 1, from) | bind_day(st, 2, to) | bind_enum(st, 3, &enum_outcome, OUTCOME_GRANTED) |
	    bind_enum(st, 4, &enum_outcome, OUTCOME_PARTLY_GRANTED) | bind_enum(st, 5, &enum_app_type, APP_REFLECTION) |
	    bind_enum(st, 6, &enum_app_type, APP_EXTENDED) | bind_enum(st, 7, &enum_app_type, APP_INTEGRATION_HOUSING))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "computing the occupancy of a period", sizeof **out, occupancy_range_read, NULL, out,
			    n);
}

int db_application_set_housing(struct db *db, int64_t application_id, int region, int target_group)
{
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (region >= REGION__COUNT || target_group >= TARGET__COUNT)
		return db_fail(db, "the housing region or target group is out of range");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_APP_SET_HOUSING)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, application_id) | bind_enum(st, 2, &enum_region, region) |
	    bind_enum(st, 3, &enum_target_group, target_group)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "storing the housing place")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) != 1) {
		rc = DB_NOTFOUND;
		db_fail(db, "application %lld does not exist", (long long)application_id);
	}
out:
	return op_end(db, &op, rc);
}

/* Reads a ST_PLACE_STAYS row into *row (a struct stay). */
static int stay_read(struct db *db, sqlite3_stmt *st, void *row)
{
	(void)db;
	*(struct stay *)row = (struct stay){ .from = col_day(st, 0), .to = col_day(st, 1) };
	return DB_OK;
}

int db_place_facts(struct db *db, int64_t organisation_id, int region, int target_group, day_t from, day_t to,
		   struct place_facts *out, struct stay **stays_out)
{
	sqlite3_stmt *st;
	int rc;

	*out = (struct place_facts){ .region = region, .target_group = target_group };
	*stays_out = NULL;
	if (region < 0 || region >= REGION__COUNT || target_group < 0 || target_group >= TARGET__COUNT ||
	    from == DAY_NONE || to == DAY_NONE)
		return db_fail(db, "a place needs a region, a target group and a period");
	if ((st = db_stmt(db, ST_PLACE_PLACES)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, organisation_id) | bind_enum(st, 2, &enum_region, region) |
	    bind_enum(st, 3, &enum_target_group, target_group))
		return db_fail_bind(db, st);
	rc = stmt_row(db, st, "reading the places");
	if (rc == DB_OK) {
		out->declared = true;
		out->places = col_i64(st, 0);
		stmt_done(st);
	} else if (rc != DB_NOTFOUND) {
		return rc;
	}
	if ((st = db_stmt(db, ST_PLACE_STAYS)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, organisation_id) | bind_enum(st, 2, &enum_region, region) |
	    bind_enum(st, 3, &enum_target_group, target_group) | bind_day(st, 4, from) |
	    bind_enum(st, 5, &enum_outcome, OUTCOME_GRANTED) | bind_enum(st, 6, &enum_outcome, OUTCOME_PARTLY_GRANTED) |
	    bind_enum(st, 7, &enum_app_type, APP_REFLECTION) | bind_enum(st, 8, &enum_app_type, APP_EXTENDED) |
	    bind_enum(st, 9, &enum_app_type, APP_INTEGRATION_HOUSING) | bind_day(st, 10, to))
		return db_fail_bind(db, st);
	if ((rc = stmt_collect(db, st, "reading the place's periods", sizeof **stays_out, stay_read, NULL, stays_out,
			       &out->n_stays)) != DB_OK)
		return rc;
	out->stays = *stays_out;
	return DB_OK;
}
