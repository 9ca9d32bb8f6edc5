/*
 * Claims (rekvisitioner, domain.md §8): submitted by the organisation,
 * approved (a payment with the claim's lines) or rejected by the
 * coordinator. The rules (R14, the days a claim covers) are judged by the
 * caller in the same transaction (src/domain/claims.h); here they are
 * only written, with their audit rows.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void db_claim_free(struct db_claim *c)
{
	if (c == NULL)
		return;
	free(c->reference);
	free(c->reject_reason);
	c->reference = c->reject_reason = NULL;
}

void db_claim_list_free(struct db_claim *cs, size_t n)
{
	for (size_t i = 0; cs != NULL && i < n; i++)
		db_claim_free(&cs[i]);
	free(cs);
}

/* Loads the lines of claim c. */
static int claim_lines(struct db *db, struct db_claim *c)
{
	sqlite3_stmt *st = db_stmt(db, ST_CLAIM_LINES);
	int rc, code;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, c->id))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n_lines == DECISION_MAX_LINES || (code = col_enum(st, 0, &enum_code)) < 0) {
			stmt_done(st);
			return db_fail(db, "claim %lld has invalid lines", (long long)c->id);
		}
		c->lines[c->n_lines++] = (struct decision_line){ (enum code)code, c->person_id, col_i64(st, 1),
								 col_i64(st, 2) };
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "reading the claim's lines");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	return DB_OK;
}

/* Reads CLAIM_COLS of the current row and the claim's lines into *row (a struct db_claim). */
static int claim_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_claim *c = row;
	int type = col_enum(st, 4, &enum_app_type), status = col_enum(st, 5, &enum_claim_status);

	memset(c, 0, sizeof *c);
	c->id = col_i64(st, 0);
	if (type < 0 || status < 0)
		return db_fail(db, "claim %lld has an invalid field", (long long)c->id);
	if (col_strdup(st, 9, &c->reference) != 0 || col_strdup(st, 10, &c->reject_reason) != 0) {
		db_claim_free(c);
		return db_fail(db, "out of memory");
	}
	c->decision_id = col_i64(st, 1);
	c->organisation_id = col_i64(st, 2);
	c->person_id = col_i64(st, 3);
	c->type = (enum app_type)type;
	c->status = (enum claim_status)status;
	c->from = col_day(st, 6);
	c->to = col_day(st, 7);
	c->units = col_i64(st, 8);
	c->amount_ore = col_i64(st, 11);
	c->submitted_on = col_day(st, 12);
	c->decided_on = col_day(st, 13);
	c->submitted_by = col_i64(st, 14);
	c->decided_by = col_i64(st, 15);
	c->payment_id = col_i64(st, 16);
	c->created_at = col_i64(st, 17);
	if (claim_lines(db, c) != DB_OK) {
		db_claim_free(c);
		return DB_ERROR;
	}
	return DB_OK;
}

static void claim_release(void *row)
{
	db_claim_free(row);
}

int db_claim_get(struct db *db, int64_t id, struct db_claim *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = stmt_row_of(db, ST_CLAIM_GET, id, "reading the claim", &st)) != DB_OK)
		return rc;
	rc = claim_read(db, st, out);
	stmt_done(st);
	return rc;
}

static int bind_claim_filter(sqlite3_stmt *st, const struct db_claim_filter *f)
{
	day_t first = f->year ? day_year_first(f->year) : DAY_NONE, last = f->year ? day_year_last(f->year) : DAY_NONE;
	return bind_i64(st, 1, f->limit > 0 ? f->limit : -1) | bind_i64(st, 2, f->offset > 0 ? f->offset : 0) |
	       bind_i64(st, 3, f->organisation_id) | bind_enum(st, 4, &enum_claim_status, f->status) |
	       bind_i64(st, 5, f->decision_id) | bind_day(st, 6, first) | bind_day(st, 7, last) |
	       bind_text(st, 8, f->code && *f->code ? f->code : NULL);
}

int db_claim_list(struct db *db, const struct db_claim_filter *f, struct db_claim **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, f->newest_first ? ST_CLAIM_LIST_NEWEST : ST_CLAIM_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_claim_filter(st, f))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing claims", sizeof **out, claim_read, claim_release, out, n);
}

int db_claim_count(struct db *db, const struct db_claim_filter *f, int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, ST_CLAIM_COUNT);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_claim_filter(st, f))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "counting claims")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*total = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

int db_claim_reserved(struct db *db, int64_t decision_id, int64_t except_id, int64_t *sum)
{
	sqlite3_stmt *st = db_stmt(db, ST_CLAIM_RESERVED);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, decision_id) | bind_i64(st, 2, except_id) |
	    bind_enum(st, 3, &enum_claim_status, CLAIM_SUBMITTED))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "summing the submitted claims")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*sum = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

int db_claim_overlap(struct db *db, int64_t decision_id, day_t from, day_t to, int64_t *claim_id)
{
	sqlite3_stmt *st = db_stmt(db, ST_CLAIM_OVERLAP);
	int rc;

	*claim_id = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, decision_id) | bind_day(st, 2, from) | bind_day(st, 3, to) |
	    bind_enum(st, 4, &enum_claim_status, CLAIM_REJECTED))
		return db_fail_bind(db, st);
	rc = stmt_row(db, st, "looking for claims of the same days");
	if (rc == DB_NOTFOUND)
		return DB_OK;
	if (rc != DB_OK)
		return rc;
	*claim_id = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

int db_claim_create(struct db *db, int64_t actor, const struct db_claim *c, int64_t *out_id)
{
	char detail[96];
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id, sum = 0;
	int rc;

	if (c->amount_ore <= 0 || c->submitted_on == DAY_NONE || c->n_lines == 0 || c->n_lines > DECISION_MAX_LINES)
		return db_fail(db, "a claim needs an amount, a date and its lines");
	for (size_t i = 0; i < c->n_lines; i++)
		sum += c->lines[i].amount_ore;
	if (sum != c->amount_ore)
		return db_fail(db, "the claim's lines do not add up to its amount");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_CLAIM_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, c->decision_id) | bind_i64(st, 2, c->organisation_id) | bind_day(st, 3, c->from) |
	    bind_day(st, 4, c->to) | bind_id(st, 5, c->units) | bind_text(st, 6, c->reference ? c->reference : "") |
	    bind_i64(st, 7, c->amount_ore) | bind_enum(st, 8, &enum_claim_status, CLAIM_SUBMITTED) |
	    bind_day(st, 9, c->submitted_on) | bind_id(st, 10, actor) | bind_i64(st, 11, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_insert_new_id(db, st, 12, "recording the claim", &id)) != DB_OK)
		goto out;
	for (size_t i = 0; i < c->n_lines; i++) {
		if ((st = db_stmt(db, ST_CLAIM_LINE_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_i64(st, 1, id) | bind_enum(st, 2, &enum_code, (int)c->lines[i].code) |
		    bind_i64(st, 3, c->lines[i].days) | bind_i64(st, 4, c->lines[i].amount_ore)) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		if ((rc = stmt_exec(db, st, "recording the claim's lines")) != DB_OK)
			goto out;
	}
	if (snprintf(detail, sizeof detail, "decision=%lld amount_ore=%lld", (long long)c->decision_id,
		     (long long)c->amount_ore) < 0)
		detail[0] = '\0';
	if ((rc = audit_append(db, actor, "claim.submit", "claim", id, detail)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

/* Marks submitted claim id decided (status, day, actor) with payment_id or reason; DB_CONFLICT when it was not submitted. */
static int claim_decide(struct db *db, int64_t actor, int64_t id, enum claim_status status, day_t on,
			int64_t payment_id, const char *reason)
{
	enum stmt s = status == CLAIM_PAID ? ST_CLAIM_SET_PAID : ST_CLAIM_SET_REJECTED;
	sqlite3_stmt *st = db_stmt(db, s);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, id) | bind_enum(st, 2, &enum_claim_status, (int)status) | bind_day(st, 3, on) |
	    bind_id(st, 4, actor) |
	    (status == CLAIM_PAID ? bind_id(st, 5, payment_id) : bind_text(st, 5, reason ? reason : "")) |
	    bind_enum(st, 6, &enum_claim_status, CLAIM_SUBMITTED))
		return db_fail_bind(db, st);
	if ((rc = stmt_exec(db, st, "deciding the claim")) != DB_OK)
		return rc;
	if (sqlite3_changes(db->conn) != 1) {
		db_fail(db, "claim %lld has been decided already", (long long)id);
		return DB_CONFLICT;
	}
	return DB_OK;
}

/* Loads claim id for deciding it: DB_NOTFOUND, or DB_CONFLICT when it is decided already. */
static int claim_submitted(struct db *db, int64_t id, struct db_claim *c)
{
	int rc = db_claim_get(db, id, c);

	if (rc == DB_NOTFOUND)
		db_fail(db, "claim %lld does not exist", (long long)id);
	if (rc != DB_OK)
		return rc;
	if (c->status != CLAIM_SUBMITTED) {
		db_claim_free(c);
		db_fail(db, "claim %lld has been decided already", (long long)id);
		return DB_CONFLICT;
	}
	return DB_OK;
}

int db_claim_pay(struct db *db, int64_t actor, int64_t id, day_t paid_on, int64_t *payment_id)
{
	struct payment_line lines[DECISION_MAX_LINES];
	struct db_claim c;
	struct db_op op;
	char detail[96];
	size_t n = 0;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = claim_submitted(db, id, &c)) != DB_OK)
		goto out;
	/* The payment pays exactly what was claimed, line by line. */
	for (size_t i = 0; i < c.n_lines; i++)
		if (c.lines[i].amount_ore > 0)
			lines[n++] = (struct payment_line){ c.lines[i].code, c.lines[i].amount_ore };
	rc = db_payment_record(db, actor, c.decision_id, c.amount_ore, paid_on, c.reference, lines, n, payment_id);
	if (rc == DB_OK)
		rc = claim_decide(db, actor, id, CLAIM_PAID, paid_on, *payment_id, NULL);
	if (rc == DB_OK && snprintf(detail, sizeof detail, "payment=%lld amount_ore=%lld", (long long)*payment_id,
				    (long long)c.amount_ore) < 0)
		detail[0] = '\0';
	if (rc == DB_OK)
		rc = audit_append(db, actor, "claim.approve", "claim", id, detail);
	db_claim_free(&c);
out:
	return op_end(db, &op, rc);
}

int db_claim_reject(struct db *db, int64_t actor, int64_t id, day_t on, const char *reason)
{
	struct db_claim c;
	struct db_op op;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = claim_submitted(db, id, &c)) != DB_OK)
		goto out;
	db_claim_free(&c);
	/* The reason stays with the claim, not in the audit log, which holds no free text. */
	if ((rc = claim_decide(db, actor, id, CLAIM_REJECTED, on, 0, reason)) == DB_OK)
		rc = audit_append(db, actor, "claim.reject", "claim", id, "");
out:
	return op_end(db, &op, rc);
}
