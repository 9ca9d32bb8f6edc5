/*
 * Certification checklists versioned per year, numeric settings (the
 * recertification interval) and quality follow-up (domain.md §3).
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/certification.h"

_Static_assert(sizeof ((struct db_cert_requirement *)0)->key == CERT_REQ_KEY_MAX,
	       "db_cert_requirement.key must hold CERT_REQ_KEY_MAX bytes");

/* ------------------------------------------------------------ checklists */

/* Frees what checklist item *row owns (stmt_collect's release). */
static void requirement_release(void *row)
{
	struct db_cert_requirement *r = row;

	free(r->label_sv);
	free(r->label_en);
}

void db_cert_requirements_free(struct db_cert_requirement *r, size_t n)
{
	for (size_t i = 0; r != NULL && i < n; i++)
		requirement_release(&r[i]);
	free(r);
}

/* The checklist year in force for year; 0 when none is stored. */
static int requirements_year(struct db *db, int year, int *out)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if ((rc = stmt_row_of(db, ST_CERT_REQ_YEAR, year, "finding the checklist year", &st)) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*out = (int)col_i64(st, 0);   /* NULL (no checklist at all) reads as 0 */
	stmt_done(st);
	return DB_OK;
}

/* Reads a ST_CERT_REQ_OF_YEAR row into *row (a struct db_cert_requirement; labels owned by it). */
static int requirement_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_cert_requirement *r = row;

	memset(r, 0, sizeof *r);
	if (col_copy(st, 0, r->key, sizeof r->key) != 0)
		return db_fail(db, "a checklist key is too long");
	if (col_strdup(st, 1, &r->label_sv) != 0 || col_strdup(st, 2, &r->label_en) != 0) {
		requirement_release(r);
		return db_fail(db, "out of memory");
	}
	r->required = col_i64(st, 3) != 0;
	return DB_OK;
}

int db_cert_requirements(struct db *db, int year, int *from_year, struct db_cert_requirement **out, size_t *n)
{
	sqlite3_stmt *st;
	int rc, y;

	*out = NULL;
	*n = 0;
	*from_year = 0;
	if ((rc = requirements_year(db, year, &y)) != DB_OK)
		return rc;
	if (y == 0)
		return DB_OK;
	if ((st = db_stmt(db, ST_CERT_REQ_OF_YEAR)) == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, y))
		return db_fail_bind(db, st);
	rc = stmt_collect(db, st, "reading the checklist", sizeof **out, requirement_read, requirement_release, out, n);
	if (rc == DB_OK)
		*from_year = y;
	return rc;
}

int db_cert_requirements_put(struct db *db, int64_t actor, int year, const struct db_cert_requirement *r, size_t n)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (year < DAY_MIN_YEAR || year > DAY_MAX_YEAR)
		return db_fail(db, "year %d is out of range", year);
	for (size_t i = 0; i < n; i++)
		if (!cert_key_valid(r[i].key) || r[i].label_sv == NULL || r[i].label_en == NULL)
			return db_fail(db, "checklist item %zu is invalid", i);
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = stmt_exec_of(db, ST_CERT_REQ_DELETE, year, "replacing the checklist")) != DB_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((st = db_stmt(db, ST_CERT_REQ_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_i64(st, 1, year) | bind_text(st, 2, r[i].key) | bind_i64(st, 3, (int64_t)i + 1) |
		    bind_text(st, 4, r[i].label_sv) | bind_text(st, 5, r[i].label_en) | bind_i64(st, 6, r[i].required)) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		if ((rc = stmt_exec(db, st, "storing the checklist")) != DB_OK)
			goto out;
	}
	if (snprintf(detail, sizeof detail, "year=%d items=%zu", year, n) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "checklist.put", "checklist", year, detail);
out:
	return op_end(db, &op, rc);
}

int db_cert_requirement_years(struct db *db, int **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_CERT_REQ_YEARS);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return stmt_collect(db, st, "listing the checklist years", sizeof **out, row_int, NULL, out, n);
}

/* ------------------------------------------------------------ settings */

int db_setting_get(struct db *db, const char *key, int64_t dflt, int64_t *out)
{
	sqlite3_stmt *st = db_stmt(db, ST_SETTING_GET);
	int rc;

	*out = dflt;
	if (st == NULL)
		return DB_ERROR;
	if (bind_text(st, 1, key))
		return db_fail_bind(db, st);
	rc = stmt_row(db, st, "reading a setting");
	if (rc == DB_NOTFOUND)
		return DB_OK;
	if (rc != DB_OK)
		return rc;
	*out = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

int db_setting_put(struct db *db, int64_t actor, const char *key, int64_t value)
{
	char detail[128];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (key == NULL || key[0] == '\0')
		return db_fail(db, "a setting needs a key");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_SETTING_PUT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_text(st, 1, key) | bind_i64(st, 2, value)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "storing a setting")) != DB_OK)
		goto out;
	if (snprintf(detail, sizeof detail, "%.64s=%lld", key, (long long)value) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "setting.put", "setting", 0, detail);
out:
	return op_end(db, &op, rc);
}

/* ------------------------------------------------------------ follow-up */

int db_follow_up_create(struct db *db, int64_t actor, int kind, day_t date, const char *notes,
			const int64_t *orgs, size_t n_orgs, int64_t *out_id)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if ((unsigned)kind >= FOLLOW_UP__COUNT || date == DAY_NONE || n_orgs == 0 || orgs == NULL)
		return db_fail(db, "a follow-up needs a kind, a date and at least one organisation");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_FOLLOW_UP_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_enum(st, 1, &enum_follow_up_kind, kind) | bind_day(st, 2, date) |
	    bind_text(st, 3, notes != NULL ? notes : "") | bind_id(st, 4, actor) | bind_i64(st, 5, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "recording the follow-up")) != DB_OK)
		goto out;
	id = sqlite3_last_insert_rowid(db->conn);
	for (size_t i = 0; i < n_orgs; i++) {
		if ((st = db_stmt(db, ST_FOLLOW_UP_ORG_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_i64(st, 1, id) | bind_i64(st, 2, orgs[i])) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		if ((rc = stmt_exec(db, st, "recording the follow-up's organisations")) != DB_OK)
			goto out;
	}
	if (snprintf(detail, sizeof detail, "kind=%s organisations=%zu", enum_name(&enum_follow_up_kind, kind),
		     n_orgs) < 0)
		detail[0] = '\0';
	if ((rc = audit_append(db, actor, "follow_up.create", "follow_up", id, detail)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

/* Frees what follow-up *row owns (stmt_collect's release). */
static void follow_up_release(void *row)
{
	struct db_follow_up *f = row;

	free(f->notes);
	free(f->orgs);
}

/*
 * Reads a ST_FOLLOW_UP_LIST row into *row (a struct db_follow_up) and loads
 * its organisations; notes and orgs are owned by it. The organisations come
 * from another statement: the list stays on its row meanwhile.
 */
static int follow_up_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_follow_up *f = row;
	sqlite3_stmt *orgs;
	int kind, rc;

	memset(f, 0, sizeof *f);
	f->id = col_i64(st, 0);
	if ((kind = col_enum(st, 1, &enum_follow_up_kind)) < 0)
		return db_fail(db, "follow-up %lld has an invalid kind", (long long)f->id);
	if (col_strdup(st, 3, &f->notes) != 0)
		return db_fail(db, "out of memory");
	f->kind = kind;
	f->date = col_day(st, 2);
	f->created_by = col_i64(st, 4);
	f->created_at = col_i64(st, 5);
	if ((orgs = db_stmt(db, ST_FOLLOW_UP_ORGS)) == NULL)
		rc = DB_ERROR;
	else if (bind_i64(orgs, 1, f->id))
		rc = db_fail_bind(db, orgs);
	else
		rc = stmt_collect(db, orgs, "reading the follow-up's organisations", sizeof *f->orgs, row_i64, NULL,
				  &f->orgs, &f->n_orgs);
	if (rc != DB_OK)
		follow_up_release(f);
	return rc;
}

void db_follow_up_list_free(struct db_follow_up *f, size_t n)
{
	for (size_t i = 0; f != NULL && i < n; i++)
		follow_up_release(&f[i]);
	free(f);
}

int db_follow_up_list(struct db *db, int64_t organisation_id, int year, struct db_follow_up **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_FOLLOW_UP_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_year_range(st, 1, 2, year) | bind_i64(st, 3, organisation_id))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing follow-ups", sizeof **out, follow_up_read, follow_up_release, out, n);
}
