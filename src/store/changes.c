/*
 * Four eyes on the control itself (domain.md §8): changes that would let one
 * coordinator get round the four-eyes threshold — weakening a year's
 * threshold, creating or re-activating a coordinator — held here, while a
 * threshold is set, until a second coordinator approves or someone rejects
 * them. The service applies an approved change (src/web/svc_changes.c).
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const change_kind_names[] = { "year_settings", "user_create", "user_activate" };
_Static_assert(sizeof change_kind_names / sizeof change_kind_names[0] == CHANGE__COUNT,
	       "enum_change_kind table does not match its enum");
const struct enum_def enum_change_kind = { "change_kind", change_kind_names, CHANGE__COUNT };

void db_change_free(struct db_change *c)
{
	if (c == NULL)
		return;
	free(c->payload);
	free(c->resolution_reason);
	c->payload = c->resolution_reason = NULL;
}

void db_change_list_free(struct db_change *cs, size_t n)
{
	for (size_t i = 0; cs != NULL && i < n; i++)
		db_change_free(&cs[i]);
	free(cs);
}

static void change_release(void *row)
{
	db_change_free(row);
}

/* Reads CHANGE_COLS of the current row into *row, a struct db_change. */
static int change_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_change *c = row;
	int kind = col_enum(st, 1, &enum_change_kind);
	int status = col_enum(st, 4, &enum_proposal_status);

	memset(c, 0, sizeof *c);
	c->id = col_i64(st, 0);
	if (kind < 0 || status < 0)
		return db_fail(db, "change proposal %lld has an invalid field", (long long)c->id);
	if (col_strdup(st, 3, &c->payload) != 0 || col_strdup(st, 9, &c->resolution_reason) != 0) {
		db_change_free(c);
		return db_fail(db, "out of memory");
	}
	c->kind = (enum db_change_kind)kind;
	c->target_id = col_i64(st, 2);
	c->status = (enum db_proposal_status)status;
	c->proposed_by = col_i64(st, 5);
	c->created_at = col_i64(st, 6);
	c->resolved_by = col_i64(st, 7);
	c->resolved_at = col_i64(st, 8);
	c->result_id = col_i64(st, 10);
	return DB_OK;
}

int db_four_eyes_any(struct db *db, bool *any)
{
	sqlite3_stmt *st = db_stmt(db, ST_FOUR_EYES_ANY);
	int rc;

	*any = false;
	if (st == NULL)
		return DB_ERROR;
	if ((rc = stmt_row(db, st, "looking for a four-eyes threshold")) != DB_OK)
		return rc;
	*any = col_i64(st, 0) != 0;
	stmt_done(st);
	return DB_OK;
}

int db_change_create(struct db *db, int64_t actor, enum db_change_kind kind, int64_t target_id,
		     const char *payload, const char *summary, int64_t *out_id)
{
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if ((unsigned)kind >= CHANGE__COUNT || payload == NULL || actor == 0)
		return db_fail(db, "a change proposal needs a kind, a payload and a coordinator");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_CHANGE_INSERT)) == NULL)
		return op_end(db, &op, DB_ERROR);
	if (bind_enum(st, 1, &enum_change_kind, (int)kind) | bind_i64(st, 2, target_id) | bind_text(st, 3, payload) |
	    bind_enum(st, 4, &enum_proposal_status, PROPOSAL_PENDING) | bind_i64(st, 5, actor) |
	    bind_i64(st, 6, db_now()))
		return op_end(db, &op, db_fail_bind(db, st));
	if ((rc = stmt_exec(db, st, "storing the change proposal")) != DB_OK)
		return op_end(db, &op, rc);
	id = sqlite3_last_insert_rowid(db->conn);
	rc = audit_append(db, actor, "change_proposal.create", "change_proposal", id, summary ? summary : "");
	if (rc == DB_OK)
		*out_id = id;
	return op_end(db, &op, rc);
}

int db_change_get(struct db *db, int64_t id, struct db_change *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = stmt_row_of(db, ST_CHANGE_GET, id, "reading the change proposal", &st)) != DB_OK)
		return rc;
	rc = change_read(db, st, out);
	stmt_done(st);
	return rc;
}

int db_change_list(struct db *db, int status, struct db_change **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_CHANGE_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_enum(st, 1, &enum_proposal_status, status))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing change proposals", sizeof **out, change_read, change_release, out, n);
}

int db_change_resolve(struct db *db, int64_t actor, int64_t id, enum db_proposal_status status,
		      int64_t result_id, const char *reason)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (status != PROPOSAL_APPROVED && status != PROPOSAL_REJECTED)
		return db_fail(db, "a change proposal is resolved as approved or rejected");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_CHANGE_RESOLVE)) == NULL)
		return op_end(db, &op, DB_ERROR);
	if (bind_i64(st, 1, id) | bind_enum(st, 2, &enum_proposal_status, (int)status) |
	    bind_enum(st, 3, &enum_proposal_status, PROPOSAL_PENDING) | bind_id(st, 4, actor) |
	    bind_i64(st, 5, db_now()) | bind_text(st, 6, reason) | bind_id(st, 7, result_id))
		return op_end(db, &op, db_fail_bind(db, st));
	if ((rc = stmt_exec(db, st, "resolving the change proposal")) != DB_OK)
		return op_end(db, &op, rc == DB_ERROR ? DB_CONFLICT : rc); /* the CHECK: one's own approval */
	if (sqlite3_changes(db->conn) != 1) {
		db_fail(db, "change proposal %lld is not pending", (long long)id);
		return op_end(db, &op, DB_CONFLICT);
	}
	if (snprintf(detail, sizeof detail, "result=%lld", (long long)result_id) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, status == PROPOSAL_APPROVED ? "change_proposal.approve" : "change_proposal.reject",
			  "change_proposal", id, detail);
	return op_end(db, &op, rc);
}
