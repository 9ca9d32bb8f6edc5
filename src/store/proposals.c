/*
 * Four-eyes: decisions above the year's threshold proposed by one
 * coordinator and held here, outside the decisions and the ledger, until a
 * second coordinator approves (the service then records the decision) or
 * someone rejects them.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const proposal_status_names[] = { "pending", "approved", "rejected" };
_Static_assert(sizeof proposal_status_names / sizeof proposal_status_names[0] == PROPOSAL__COUNT,
	       "enum_proposal_status table does not match its enum");
const struct enum_def enum_proposal_status = { "proposal_status", proposal_status_names, PROPOSAL__COUNT };

void db_proposal_free(struct db_proposal *p)
{
	if (p == NULL)
		return;
	free(p->reason);
	free(p->budget_override_reason);
	free(p->resolution_reason);
	free(p->over_capacity_reason);
	p->reason = p->budget_override_reason = p->resolution_reason = p->over_capacity_reason = NULL;
}

void db_proposal_list_free(struct db_proposal *ps, size_t n)
{
	for (size_t i = 0; ps != NULL && i < n; i++)
		db_proposal_free(&ps[i]);
	free(ps);
}

/* Frees what proposal *row owns (stmt_collect's release). */
static void proposal_release(void *row)
{
	db_proposal_free(row);
}

/* Reads PROPOSAL_COLS of the current row into *row, a struct db_proposal
 * (strings owned by it). */
static int proposal_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_proposal *p = row;
	int status = col_enum(st, 2, &enum_proposal_status);
	int outcome = col_enum(st, 3, &enum_outcome);

	memset(p, 0, sizeof *p);
	p->id = col_i64(st, 0);
	if (status < 0 || outcome < 0)
		return db_fail(db, "proposal %lld has an invalid field", (long long)p->id);
	if (col_strdup(st, 9, &p->reason) != 0 || col_strdup(st, 10, &p->budget_override_reason) != 0 ||
	    col_strdup(st, 17, &p->resolution_reason) != 0 || col_strdup(st, 19, &p->over_capacity_reason) != 0) {
		db_proposal_free(p);
		return db_fail(db, "out of memory");
	}
	p->application_id = col_i64(st, 1);
	p->status = (enum db_proposal_status)status;
	p->outcome = (enum outcome)outcome;
	p->decided_on = col_day(st, 4);
	p->from = col_day(st, 5);
	p->to = col_day(st, 6);
	p->units = col_i64(st, 7);
	p->emergency = col_i64(st, 8) != 0;
	p->total_ore = col_i64(st, 11);
	p->threshold_ore = col_i64(st, 12);
	p->proposed_by = col_i64(st, 13);
	p->created_at = col_i64(st, 14);
	p->resolved_by = col_i64(st, 15);
	p->resolved_at = col_i64(st, 16);
	p->decision_id = col_i64(st, 18);
	return DB_OK;
}

int db_proposal_create(struct db *db, int64_t actor, const struct db_proposal *p, int64_t *out_id)
{
	struct db_application app = { 0 };
	char detail[96];
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if ((unsigned)p->outcome >= OUTCOME__COUNT || p->decided_on == DAY_NONE || p->total_ore < 0 || actor == 0)
		return db_fail(db, "a proposal needs an outcome, a date, an amount and a coordinator");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	/* Inside the write transaction: a decision or proposal recorded by
	 * someone else since the caller looked is seen here. */
	if ((rc = db_application_get(db, p->application_id, &app)) != DB_OK)
		goto out;
	if (app.status != STATUS_SUBMITTED || app.has_decision || app.pending_proposal_id != 0) {
		rc = DB_CONFLICT;
		db_fail(db, "application %lld is decided or awaits approval already", (long long)p->application_id);
		goto out;
	}
	if ((st = db_stmt(db, ST_PROPOSAL_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, p->application_id) | bind_enum(st, 2, &enum_proposal_status, PROPOSAL_PENDING) |
	    bind_enum(st, 3, &enum_outcome, (int)p->outcome) | bind_day(st, 4, p->decided_on) |
	    bind_day(st, 5, p->from) | bind_day(st, 6, p->to) | bind_id(st, 7, p->units) |
	    bind_i64(st, 8, p->emergency) | bind_text(st, 9, p->reason != NULL ? p->reason : "") |
	    bind_text(st, 10, p->budget_override_reason) | bind_i64(st, 11, p->total_ore) |
	    bind_i64(st, 12, p->threshold_ore) | bind_i64(st, 13, actor) | bind_i64(st, 14, db_now()) |
	    bind_text(st, 15, p->over_capacity_reason)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "storing the proposal")) != DB_OK)
		goto out;
	id = sqlite3_last_insert_rowid(db->conn);
	if (snprintf(detail, sizeof detail, "application=%lld outcome=%s total_ore=%lld",
		     (long long)p->application_id, enum_name(&enum_outcome, (int)p->outcome),
		     (long long)p->total_ore) < 0)
		detail[0] = '\0';
	if ((rc = audit_append(db, actor, "decision_proposal.create", "decision_proposal", id, detail)) != DB_OK)
		goto out;
	*out_id = id;
out:
	db_application_free(&app);
	return op_end(db, &op, rc);
}

int db_proposal_get(struct db *db, int64_t id, struct db_proposal *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = stmt_row_of(db, ST_PROPOSAL_GET, id, "reading the proposal", &st)) != DB_OK)
		return rc;
	rc = proposal_read(db, st, out);
	stmt_done(st);
	return rc;
}

int db_proposal_list(struct db *db, int status, struct db_proposal **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PROPOSAL_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_enum(st, 1, &enum_proposal_status, status))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing proposals", sizeof **out, proposal_read, proposal_release, out, n);
}

int db_proposal_resolve(struct db *db, int64_t actor, int64_t id, enum db_proposal_status status,
			int64_t decision_id, const char *reason)
{
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int rc;

	if (status != PROPOSAL_APPROVED && status != PROPOSAL_REJECTED)
		return db_fail(db, "a proposal is resolved as approved or rejected");
	if ((status == PROPOSAL_APPROVED) != (decision_id != 0))
		return db_fail(db, "an approved proposal names its decision, a rejected one none");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_PROPOSAL_RESOLVE)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, id) | bind_enum(st, 2, &enum_proposal_status, (int)status) |
	    bind_enum(st, 3, &enum_proposal_status, PROPOSAL_PENDING) | bind_id(st, 4, actor) |
	    bind_i64(st, 5, db_now()) | bind_text(st, 6, reason) | bind_id(st, 7, decision_id)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "resolving the proposal")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) != 1) {
		rc = DB_CONFLICT;
		db_fail(db, "proposal %lld is not pending", (long long)id);
		goto out;
	}
	if (snprintf(detail, sizeof detail, "decision=%lld", (long long)decision_id) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, status == PROPOSAL_APPROVED ? "decision_proposal.approve" : "decision_proposal.reject",
			  "decision_proposal", id, detail);
out:
	return op_end(db, &op, rc);
}
