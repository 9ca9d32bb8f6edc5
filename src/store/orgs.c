/*
 * Organisations and their certification history.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int db_org_create(struct db *db, int64_t actor, const char *name, enum org_kind kind, uint32_t regions,
		  const char *contact, int64_t *out_id)
{
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (name == NULL || name[0] == '\0')
		return db_fail(db, "an organisation needs a name");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_ORG_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_text(st, 1, name) | bind_enum(st, 2, &enum_org_kind, (int)kind) | bind_i64(st, 3, regions) |
	    bind_text(st, 4, contact != NULL ? contact : "") | bind_i64(st, 5, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "creating the organisation")) != DB_OK)
		goto out;
	*out_id = sqlite3_last_insert_rowid(db->conn);
	rc = audit_append(db, actor, "organisation.create", "organisation", *out_id, NULL);
out:
	return op_end(db, &op, rc);
}

void db_org_free(struct db_org *org)
{
	if (org == NULL)
		return;
	free(org->name);
	free(org->contact);
	org->name = org->contact = NULL;
}

void db_org_list_free(struct db_org *orgs, size_t n)
{
	for (size_t i = 0; orgs != NULL && i < n; i++)
		db_org_free(&orgs[i]);
	free(orgs);
}

/* Frees what organisation *row owns (stmt_collect's release). */
static void org_release(void *row)
{
	db_org_free(row);
}

/* Reads ORG_COLS of the current row into *row, a struct db_org (strings owned by it). */
static int org_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_org *o = row;
	int kind = col_enum(st, 2, &enum_org_kind);
	int cert = col_enum(st, 6, &enum_cert_status);

	memset(o, 0, sizeof *o);
	o->id = col_i64(st, 0);
	if (kind < 0 || cert == -2)
		return db_fail(db, "organisation %lld has an invalid field", (long long)o->id);
	if (col_strdup(st, 1, &o->name) != 0 || col_strdup(st, 4, &o->contact) != 0) {
		db_org_free(o);
		return db_fail(db, "out of memory");
	}
	o->kind = (enum org_kind)kind;
	o->regions = (uint32_t)col_i64(st, 3);
	o->created_at = col_i64(st, 5);
	o->has_cert = cert >= 0;
	o->cert.status = cert >= 0 ? (enum cert_status)cert : CERT_PROSPECT;
	o->cert.date = col_day(st, 7);
	o->member = col_i64(st, 8) != 0;
	return DB_OK;
}

int db_org_get(struct db *db, int64_t id, struct db_org *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt_row_of(db, ST_ORG_GET, id, "reading the organisation", &st)) != DB_OK)
		return rc;
	rc = org_read(db, st, out);
	stmt_done(st);
	return rc;
}

int db_org_list(struct db *db, struct db_org **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_ORG_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	return stmt_collect(db, st, "listing organisations", sizeof **out, org_read, org_release, out, n);
}

int db_cert_add(struct db *db, int64_t actor, int64_t organisation_id, enum cert_status status, day_t date,
		const char *requirements_json, int64_t *out_id)
{
	return db_cert_record(db, actor, organisation_id, status, date, requirements_json, 0, out_id);
}

int db_cert_record(struct db *db, int64_t actor, int64_t organisation_id, enum cert_status status, day_t date,
		   const char *requirements_json, int checklist_year, int64_t *out_id)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (date == DAY_NONE)
		return db_fail(db, "a certification event needs a date");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_CERT_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, organisation_id) | bind_enum(st, 2, &enum_cert_status, (int)status) |
	    bind_day(st, 3, date) | bind_text(st, 4, requirements_json != NULL ? requirements_json : "{}") |
	    bind_id(st, 5, actor) | bind_i64(st, 6, db_now()) | bind_id(st, 7, checklist_year)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "recording the certification")) != DB_OK)
		goto out;
	*out_id = sqlite3_last_insert_rowid(db->conn);
	if (snprintf(detail, sizeof detail, "status=%s", enum_name(&enum_cert_status, (int)status)) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "certification.add", "organisation", organisation_id, detail);
out:
	return op_end(db, &op, rc);
}

/* Frees what certification *row owns (stmt_collect's release). */
static void cert_release(void *row)
{
	free(((struct db_cert *)row)->requirements);
}

void db_cert_list_free(struct db_cert *certs, size_t n)
{
	for (size_t i = 0; certs != NULL && i < n; i++)
		cert_release(&certs[i]);
	free(certs);
}

/* Reads a ST_CERT_LIST row into *row, a struct db_cert (requirements owned by it). */
static int cert_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_cert *c = row;
	int status = col_enum(st, 1, &enum_cert_status);

	memset(c, 0, sizeof *c);
	c->id = col_i64(st, 0);
	if (status < 0)
		return db_fail(db, "certification %lld has an invalid status", (long long)c->id);
	if (col_strdup(st, 3, &c->requirements) != 0)
		return db_fail(db, "out of memory");
	c->event.status = (enum cert_status)status;
	c->event.date = col_day(st, 2);
	c->recorded_by = col_i64(st, 4);
	c->created_at = col_i64(st, 5);
	c->checklist_year = (int)col_i64(st, 6);
	return DB_OK;
}

int db_cert_list(struct db *db, int64_t organisation_id, struct db_cert **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_CERT_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, organisation_id))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing certifications", sizeof **out, cert_read, cert_release, out, n);
}

int db_cert_history(struct db *db, int64_t organisation_id, struct cert_event **out, size_t *n)
{
	struct db_cert *certs;
	struct cert_event *events;
	size_t count;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_cert_list(db, organisation_id, &certs, &count)) != DB_OK)
		return rc;
	/* calloc(0) may return NULL: ask for at least one element. */
	if ((events = calloc(count > 0 ? count : 1, sizeof *events)) == NULL) {
		db_cert_list_free(certs, count);
		return db_fail(db, "out of memory");
	}
	for (size_t i = 0; i < count; i++)
		events[i] = certs[i].event;
	db_cert_list_free(certs, count);
	*out = events;
	*n = count;
	return DB_OK;
}
