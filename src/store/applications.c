/*
 * Applications and the children named on them.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int db_application_create(struct db *db, int64_t actor, const struct application *a, int64_t *out_id)
{
	bool period = app_type_has_period(a->type), point = app_type_is_point(a->type);
	const struct basis *b = &a->basis;
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if ((unsigned)a->type >= APP_TYPE__COUNT || !b->present || (unsigned)b->kind >= BASIS__COUNT ||
	    a->submitted_on == DAY_NONE)
		return db_fail(db, "an application needs a type, a basis and a submission date");
	if (a->n_children > 0 && a->children == NULL)
		return db_fail(db, "the application's children are missing");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_APP_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	/* Period and point fields are stored only for the types that have them. */
	if (bind_i64(st, 1, a->person_id) | bind_i64(st, 2, a->organisation_id) |
	    bind_enum(st, 3, &enum_app_type, (int)a->type) | bind_day(st, 4, a->submitted_on) |
	    bind_day(st, 5, period ? a->from : DAY_NONE) | bind_day(st, 6, period ? a->to : DAY_NONE) |
	    (point ? bind_i64(st, 7, a->units) : 0) |
	    bind_enum(st, 8, &enum_point_category, point ? (int)a->category : -1) |
	    bind_enum(st, 9, &enum_basis_kind, (int)b->kind) | bind_text(st, 10, b->actor) |
	    bind_text(st, 11, b->reason) | bind_text(st, 12, b->reference) |
	    bind_enum(st, 13, &enum_actor_kind, b->actor_kind) |
	    bind_enum(st, 14, &enum_reason_category, b->reason_category) | bind_i64(st, 15, a->identified) |
	    bind_text(st, 16, a->needs_assessment) | bind_text(st, 17, a->plan) |
	    bind_text(st, 18, a->evaluation) | bind_text(st, 19, a->motivation) | bind_id(st, 20, actor) |
	    bind_i64(st, 21, db_now()) | bind_enum(st, 22, &enum_app_status, STATUS_SUBMITTED)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_insert_new_id(db, st, 23, "storing the application", &id)) != DB_OK)
		goto out;
	for (size_t i = 0; i < a->n_children; i++) {
		if ((st = db_stmt(db, ST_APP_CHILD_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_i64(st, 1, id) | bind_i64(st, 2, a->children[i])) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		if ((rc = stmt_exec(db, st, "storing the application's children")) != DB_OK)
			goto out;
	}
	if (snprintf(detail, sizeof detail, "type=%s", enum_name(&enum_app_type, (int)a->type)) < 0)
		detail[0] = '\0';
	if ((rc = audit_append(db, actor, "application.create", "application", id, detail)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

void db_application_free(struct db_application *a)
{
	struct application *app;

	if (a == NULL)
		return;
	app = &a->app;
	/* The row owns what .app points at (see store.h). */
	free((void *)app->basis.actor);
	free((void *)app->basis.reason);
	free((void *)app->basis.reference);
	free((void *)app->needs_assessment);
	free((void *)app->plan);
	free((void *)app->evaluation);
	free((void *)app->motivation);
	free((void *)app->children);
	if (a->has_decision)
		db_decision_free(&a->decision);
	memset(a, 0, sizeof *a);
}

void db_application_list_free(struct db_application *apps, size_t n)
{
	for (size_t i = 0; apps != NULL && i < n; i++)
		db_application_free(&apps[i]);
	free(apps);
}

/* Reads APP_COLS of the current row; the strings become owned by *out. */
static int app_read(struct db *db, sqlite3_stmt *st, struct db_application *out)
{
	struct application *a = &out->app;
	int type = col_enum(st, 3, &enum_app_type);
	int status = col_enum(st, 4, &enum_app_status);
	int category = col_enum(st, 9, &enum_point_category);
	int kind = col_enum(st, 10, &enum_basis_kind);
	int actor_kind = col_enum(st, 14, &enum_actor_kind);
	int reason_category = col_enum(st, 15, &enum_reason_category);
	char *actor, *reason, *reference, *needs, *plan, *evaluation, *motivation;
	int bad;

	memset(out, 0, sizeof *out);
	a->id = col_i64(st, 0);
	if (type < 0 || status < 0 || category == -2 || kind < 0 || actor_kind == -2 || reason_category == -2)
		return db_fail(db, "application %lld has an invalid field", (long long)a->id);
	bad = col_strdup(st, 11, &actor) | col_strdup(st, 12, &reason) | col_strdup(st, 13, &reference) |
	      col_strdup(st, 17, &needs) | col_strdup(st, 18, &plan) | col_strdup(st, 19, &evaluation) |
	      col_strdup(st, 20, &motivation);
	a->basis.actor = actor;
	a->basis.reason = reason;
	a->basis.reference = reference;
	a->needs_assessment = needs;
	a->plan = plan;
	a->evaluation = evaluation;
	a->motivation = motivation;
	if (bad) {
		db_application_free(out);
		return db_fail(db, "out of memory");
	}
	a->person_id = col_i64(st, 1);
	a->organisation_id = col_i64(st, 2);
	a->type = (enum app_type)type;
	out->status = (enum app_status)status;
	a->submitted_on = col_day(st, 5);
	a->from = col_day(st, 6);
	a->to = col_day(st, 7);
	a->units = col_i64(st, 8);
	a->category = category >= 0 ? (enum point_category)category : POINT_OTHER;
	a->basis.kind = (enum basis_kind)kind;
	a->basis.present = 1;
	a->basis.actor_kind = actor_kind;
	a->basis.reason_category = reason_category;
	a->identified = col_i64(st, 16) != 0;
	out->created_by = col_i64(st, 21);
	out->created_at = col_i64(st, 22);
	out->housing_region = col_enum(st, 23, &enum_region);
	out->housing_target_group = col_enum(st, 24, &enum_target_group);
	if (out->housing_region == -2 || out->housing_target_group == -2) {
		db_application_free(out);
		return db_fail(db, "application %lld has an invalid housing field", (long long)a->id);
	}
	return DB_OK;
}

/* Loads the named children and the decision of an application read by app_read(). */
static int app_load_rest(struct db *db, struct db_application *out)
{
	int64_t *children;
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, ST_APP_CHILDREN)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, out->app.id))
		return db_fail_bind(db, st);
	if ((rc = stmt_collect(db, st, "reading the application's children", sizeof *children, row_i64, NULL, &children,
			       &out->app.n_children)) != DB_OK)
		return rc;
	out->app.children = children;

	/* A decision awaiting a second coordinator (four-eyes), if any. */
	if ((st = db_stmt(db, ST_PROPOSAL_PENDING_OF_APP)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, out->app.id) | bind_enum(st, 2, &enum_proposal_status, PROPOSAL_PENDING))
		return db_fail_bind(db, st);
	rc = stmt_row(db, st, "reading the pending proposal");
	if (rc == DB_OK) {
		out->pending_proposal_id = col_i64(st, 0);
		stmt_done(st);
	} else if (rc != DB_NOTFOUND) {
		return rc;
	}

	rc = stmt_row_of(db, ST_DECISION_BY_APP, out->app.id, "reading the decision", &st);
	if (rc == DB_NOTFOUND)
		return DB_OK;            /* not decided yet */
	if (rc != DB_OK)
		return rc;
	rc = decision_load(db, st, &out->decision);
	stmt_done(st);
	out->has_decision = rc == DB_OK;
	return rc;
}

/* Frees what application *row owns (stmt_collect's release). */
static void app_release(void *row)
{
	db_application_free(row);
}

/* A row_reader for the list: app_read() and app_load_rest(). The children
 * and decision come from other statements, so the list statement stays on
 * its row meanwhile. */
static int app_load(struct db *db, sqlite3_stmt *st, void *row)
{
	int rc = app_read(db, st, row);

	if (rc == DB_OK && (rc = app_load_rest(db, row)) != DB_OK)
		db_application_free(row);
	return rc;
}

int db_application_get(struct db *db, int64_t id, struct db_application *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = stmt_row_of(db, ST_APP_GET, id, "reading the application", &st)) != DB_OK)
		return rc;
	rc = app_read(db, st, out);
	stmt_done(st);
	if (rc == DB_OK && (rc = app_load_rest(db, out)) != DB_OK)
		db_application_free(out);
	return rc;
}

/* Binds f's filter (?1..?3, ?6..?8) and, with page, its page (?4, ?5). */
static int bind_app_filter(sqlite3_stmt *st, const struct db_application_filter *f, bool page)
{
	int rc = bind_enum(st, 1, &enum_app_status, f->status) | bind_i64(st, 2, f->organisation_id) |
		 bind_i64(st, 3, f->person_id) | bind_text(st, 6, f->code && *f->code ? f->code : NULL) |
		 bind_day(st, 7, f->year ? day_year_first(f->year) : DAY_NONE) |
		 bind_day(st, 8, f->year ? day_year_last(f->year) : DAY_NONE);
	if (page)
		rc |= bind_i64(st, 4, f->limit > 0 ? f->limit : -1) | bind_i64(st, 5, f->offset > 0 ? f->offset : 0);
	return rc;
}

/* Which of the four forms (none, person, status, organisation: the index
 * each names) reads an index for f (statements.c); a caseworker's lists
 * always name the organisation. */
static int app_list_form(const struct db_application_filter *f)
{
	return f->person_id > 0 ? 1 : f->organisation_id > 0 ? 3 : f->status >= 0 ? 2 : 0;
}

int db_application_count(struct db *db, const struct db_application_filter *f, int64_t *total)
{
	static const enum stmt forms[] = { ST_APP_COUNT, ST_APP_COUNT_BY_PERSON, ST_APP_COUNT_BY_STATUS,
					   ST_APP_COUNT_BY_ORG };
	sqlite3_stmt *st = db_stmt(db, forms[app_list_form(f)]);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_app_filter(st, f, false))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "counting applications")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*total = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

int db_application_list(struct db *db, const struct db_application_filter *f,
			struct db_application **out, size_t *n)
{
	/* A person's list or a status's list reads that column's index (statements.c). */
	static const enum stmt forms[2][4] = {
		{ ST_APP_LIST, ST_APP_LIST_BY_PERSON, ST_APP_LIST_BY_STATUS, ST_APP_LIST_BY_ORG },
		{ ST_APP_LIST_NEWEST, ST_APP_LIST_BY_PERSON_NEWEST, ST_APP_LIST_BY_STATUS_NEWEST,
		  ST_APP_LIST_BY_ORG_NEWEST },
	};
	sqlite3_stmt *st = db_stmt(db, forms[f->newest_first][app_list_form(f)]);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_app_filter(st, f, true))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing applications", sizeof **out, app_load, app_release, out, n);
}
