/*
 * Decisions, payments and the append-only ledger (domain.md §8). Every
 * change here writes its ledger rows and audit entry in the same
 * transaction, and re-checks inside it what the caller checked before, so
 * two users acting at once cannot both succeed where only one may.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"

/* Appends a ledger row; the caller has an op open. payment_id 0 = none. */
static int ledger_append(struct db *db, int year, int64_t decision_id, enum ledger_kind kind,
			 int64_t amount_ore, day_t on, int64_t payment_id)
{
	sqlite3_stmt *st = db_stmt(db, ST_LEDGER_INSERT);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, year) | bind_i64(st, 2, decision_id) | bind_enum(st, 3, &enum_ledger_kind, (int)kind) |
	    bind_i64(st, 4, amount_ore) | bind_day(st, 5, on) | bind_id(st, 6, payment_id) |
	    bind_i64(st, 7, db_now()))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, "writing the ledger");
}

/* Runs a one-row SUM statement over decision_id (and ?2 = kind when kind >= 0). */
static int decision_sum(struct db *db, enum stmt s, int64_t decision_id, int kind, int64_t *sum)
{
	sqlite3_stmt *st = db_stmt(db, s);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, decision_id) | (kind >= 0 ? bind_enum(st, 2, &enum_ledger_kind, kind) : 0))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "summing the decision's money")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*sum = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

void db_decision_free(struct db_decision *d)
{
	if (d == NULL)
		return;
	free(d->reason);
	free(d->budget_override_reason);
	free(d->over_capacity_reason);
	d->reason = d->budget_override_reason = d->over_capacity_reason = NULL;
}

void db_decision_list_free(struct db_decision *ds, size_t n)
{
	for (size_t i = 0; ds != NULL && i < n; i++)
		db_decision_free(&ds[i]);
	free(ds);
}

/* Reads DECISION_COLS of the current row (strings owned by *d). */
static int decision_read(struct db *db, sqlite3_stmt *st, struct db_decision *d)
{
	int type = col_enum(st, 4, &enum_app_type);
	int outcome = col_enum(st, 5, &enum_outcome);

	memset(d, 0, sizeof *d);
	d->id = col_i64(st, 0);
	if (type < 0 || outcome < 0)
		return db_fail(db, "decision %lld has an invalid field", (long long)d->id);
	if (col_strdup(st, 13, &d->reason) != 0 || col_strdup(st, 14, &d->budget_override_reason) != 0 ||
	    col_strdup(st, 20, &d->over_capacity_reason) != 0) {
		db_decision_free(d);
		return db_fail(db, "out of memory");
	}
	d->application_id = col_i64(st, 1);
	d->person_id = col_i64(st, 2);
	d->organisation_id = col_i64(st, 3);
	d->type = (enum app_type)type;
	d->outcome = (enum outcome)outcome;
	d->decided_on = col_day(st, 6);
	d->year = (int)col_i64(st, 7);
	d->from = col_day(st, 8);
	d->to = col_day(st, 9);
	d->units = col_i64(st, 10);
	d->emergency = col_i64(st, 11) != 0;
	d->emergency_cleared_on = col_day(st, 12);
	d->total_ore = col_i64(st, 15);
	d->closed_on = col_day(st, 16);
	d->decided_by = col_i64(st, 17);
	d->created_at = col_i64(st, 18);
	d->approved_by = col_i64(st, 19);
	return DB_OK;
}

/* Loads the lines of decision d. */
static int decision_lines(struct db *db, struct db_decision *d)
{
	sqlite3_stmt *st = db_stmt(db, ST_DECISION_LINES);
	struct decision_line *l;
	int rc, code;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, d->id))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->n_lines == DECISION_MAX_LINES || (code = col_enum(st, 0, &enum_code)) < 0) {
			stmt_done(st);
			return db_fail(db, "decision %lld has invalid lines", (long long)d->id);
		}
		l = &d->lines[d->n_lines++];
		l->code = (enum code)code;
		l->person_id = col_i64(st, 1);
		l->days = col_i64(st, 2);
		l->amount_ore = col_i64(st, 3);
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "reading the decision's lines");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	return DB_OK;
}

int decision_load(struct db *db, sqlite3_stmt *st, struct db_decision *out)
{
	int rc;

	if ((rc = decision_read(db, st, out)) != DB_OK)
		return rc;
	if ((rc = decision_lines(db, out)) != DB_OK ||
	    (rc = decision_sum(db, ST_DECISION_PAID, out->id, -1, &out->paid_ore)) != DB_OK ||
	    (rc = decision_sum(db, ST_DECISION_RELEASED, out->id, LEDGER_RELEASE, &out->released_ore)) != DB_OK)
		db_decision_free(out);
	return rc;
}

int db_decision_get(struct db *db, int64_t id, struct db_decision *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = stmt_row_of(db, ST_DECISION_GET, id, "reading the decision", &st)) != DB_OK)
		return rc;
	rc = decision_load(db, st, out);
	stmt_done(st);
	return rc;
}

/* decision_load() as a row_reader, and its release, for the list. */
static int decision_load_row(struct db *db, sqlite3_stmt *st, void *row)
{
	return decision_load(db, st, row);
}

static void decision_release(void *row)
{
	db_decision_free(row);
}

/* Binds f's filter (every parameter but ?5, ?6) and, with page, its page (?5, ?6). */
static int bind_decision_filter(sqlite3_stmt *st, const struct db_decision_filter *f, bool page)
{
	bool ends = f->by_end;
	int rc = bind_i64(st, 1, f->organisation_id) | bind_i64(st, 2, f->person_id) | bind_i64(st, 3, f->year) |
		 bind_i64(st, 4, f->open) | bind_i64(st, 7, f->emergency_open == 1) | bind_i64(st, 8, f->state) |
		 bind_text(st, 9, f->code && *f->code ? f->code : NULL) |
		 bind_day(st, 10, ends ? f->ends_from : DAY_NONE) | bind_day(st, 11, ends ? f->ends_to : DAY_NONE) |
		 bind_enum(st, 12, &enum_outcome, OUTCOME_GRANTED) |
		 bind_enum(st, 13, &enum_outcome, OUTCOME_PARTLY_GRANTED);
	if (page)
		rc |= bind_i64(st, 5, f->limit > 0 ? f->limit : -1) | bind_i64(st, 6, f->offset > 0 ? f->offset : 0);
	return rc;
}

int db_decision_count(struct db *db, const struct db_decision_filter *f, int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, f->organisation_id > 0 ? ST_DECISION_COUNT_ORG : ST_DECISION_COUNT);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_decision_filter(st, f, false))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "counting decisions")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*total = col_i64(st, 0);
	stmt_done(st);
	return DB_OK;
}

int db_decision_list(struct db *db, const struct db_decision_filter *f, struct db_decision **out, size_t *n)
{
	/* An organisation's list reads its index (statements.c). */
	sqlite3_stmt *st = db_stmt(db, f->organisation_id > 0
					       ? (f->newest_first ? ST_DECISION_LIST_ORG_NEWEST : ST_DECISION_LIST_ORG)
					       : (f->newest_first ? ST_DECISION_LIST_NEWEST : ST_DECISION_LIST));

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_decision_filter(st, f, true))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing decisions", sizeof **out, decision_load_row, decision_release, out, n);
}

/* Validates a decision before anything is written; fills *total. */
static int decision_check(struct db *db, const struct db_decision_new *d, int64_t *total)
{
	*total = 0;
	if ((unsigned)d->outcome >= OUTCOME__COUNT || d->decided_on == DAY_NONE)
		return db_fail(db, "a decision needs an outcome and a date");
	if (d->n_lines > DECISION_MAX_LINES || (d->n_lines > 0 && d->lines == NULL))
		return db_fail(db, "a decision has at most %d lines", DECISION_MAX_LINES);
	if (d->outcome == OUTCOME_DENIED && d->n_lines > 0)
		return db_fail(db, "a denial grants nothing and has no lines");
	for (size_t i = 0; i < d->n_lines; i++)
		if ((unsigned)d->lines[i].code >= CODE__COUNT || d->lines[i].amount_ore < 0 ||
		    d->lines[i].days < 0 || money_add(*total, d->lines[i].amount_ore, total) != 0)
			return db_fail(db, "a decision line is out of range");
	return DB_OK;
}

/* Writes the decision row and its lines; *id gets the new id. */
static int decision_insert(struct db *db, int64_t actor, const struct db_decision_new *d,
			   const struct db_application *app, int64_t total, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, ST_DECISION_INSERT);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, d->application_id) | bind_i64(st, 2, app->app.person_id) |
	    bind_i64(st, 3, app->app.organisation_id) | bind_enum(st, 4, &enum_app_type, (int)app->app.type) |
	    bind_enum(st, 5, &enum_outcome, (int)d->outcome) | bind_day(st, 6, d->decided_on) |
	    bind_i64(st, 7, day_year(d->decided_on)) | bind_day(st, 8, d->from) | bind_day(st, 9, d->to) |
	    bind_id(st, 10, d->units) | bind_i64(st, 11, d->emergency) |
	    bind_text(st, 12, d->reason != NULL ? d->reason : "") | bind_text(st, 13, d->budget_override_reason) |
	    bind_i64(st, 14, total) | bind_id(st, 15, d->decided_by != 0 ? d->decided_by : actor) |
	    bind_i64(st, 16, db_now()) | bind_id(st, 17, d->approved_by) | bind_text(st, 18, d->over_capacity_reason))
		return db_fail_bind(db, st);
	if ((rc = stmt_insert_new_id(db, st, 19, "recording the decision", id)) != DB_OK)
		return rc;
	for (size_t i = 0; i < d->n_lines; i++) {
		const struct decision_line *l = &d->lines[i];

		if ((st = db_stmt(db, ST_DECISION_LINE_INSERT)) == NULL)
			return DB_ERROR;
		if (bind_i64(st, 1, *id) | bind_enum(st, 2, &enum_code, (int)l->code) | bind_i64(st, 3, l->person_id) |
		    bind_i64(st, 4, l->days) | bind_i64(st, 5, l->amount_ore))
			return db_fail_bind(db, st);
		if ((rc = stmt_exec(db, st, "recording the decision's lines")) != DB_OK)
			return rc;
	}
	for (size_t i = 0; i < d->n_refusals; i++) {
		const struct verdict *v = &d->refusals[i];

		if ((st = db_stmt(db, ST_REFUSAL_INSERT)) == NULL)
			return DB_ERROR;
		if (bind_i64(st, 1, *id) | bind_i64(st, 2, (int64_t)i) | bind_text(st, 3, v->rule ? v->rule : "") |
		    bind_text(st, 4, v->sv) | bind_text(st, 5, v->en))
			return db_fail_bind(db, st);
		if ((rc = stmt_exec(db, st, "recording the rules that refused")) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* Reads rule, message_sv, message_en into *row, a struct db_refusal. */
static int refusal_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_refusal *r = row;

	memset(r, 0, sizeof *r);
	if (col_copy(st, 0, r->rule, sizeof r->rule) != 0 || col_copy(st, 1, r->sv, sizeof r->sv) != 0 ||
	    col_copy(st, 2, r->en, sizeof r->en) != 0)
		return db_fail(db, "a stored refusal is too long");
	return DB_OK;
}

int db_decision_refusals(struct db *db, int64_t id, struct db_refusal **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_REFUSAL_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, id))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "reading the rules that refused", sizeof **out, refusal_read, NULL, out, n);
}

/* Moves application id from 'submitted' to 'decided'; DB_CONFLICT when it was not submitted. */
static int application_mark_decided(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, ST_APP_SET_STATUS);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, id) | bind_enum(st, 2, &enum_app_status, STATUS_DECIDED) |
	    bind_enum(st, 3, &enum_app_status, STATUS_SUBMITTED))
		return db_fail_bind(db, st);
	if ((rc = stmt_exec(db, st, "marking the application decided")) != DB_OK)
		return rc;
	if (sqlite3_changes(db->conn) != 1) {
		db_fail(db, "application %lld has been decided already", (long long)id);
		return DB_CONFLICT;
	}
	return DB_OK;
}

int db_decision_record(struct db *db, int64_t actor, const struct db_decision_new *d, int64_t *out_id)
{
	struct db_application app = { 0 };
	char detail[128];
	struct db_op op;
	int64_t total, id = 0;
	int rc;

	if ((rc = decision_check(db, d, &total)) != DB_OK)
		return rc;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	/* Inside the write transaction: a decision recorded by someone else
	 * since the caller looked is seen here. */
	if ((rc = db_application_get(db, d->application_id, &app)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			db_fail(db, "application %lld does not exist", (long long)d->application_id);
		goto out;
	}
	if (app.status != STATUS_SUBMITTED || app.has_decision) {
		rc = DB_CONFLICT;
		db_fail(db, "application %lld has been decided already", (long long)d->application_id);
		goto out;
	}
	/* Four-eyes: while a decision awaits a second coordinator, only its
	 * approval may decide the application. */
	if (app.pending_proposal_id != 0 && d->approved_by == 0) {
		rc = DB_CONFLICT;
		db_fail(db, "application %lld has a decision awaiting approval", (long long)d->application_id);
		goto out;
	}
	if ((rc = decision_insert(db, actor, d, &app, total, &id)) != DB_OK)
		goto out;
	if (total > 0 &&
	    (rc = ledger_append(db, day_year(d->decided_on), id, LEDGER_COMMIT, total, d->decided_on, 0)) != DB_OK)
		goto out;
	if ((rc = application_mark_decided(db, d->application_id)) != DB_OK)
		goto out;
	if (snprintf(detail, sizeof detail, "application=%lld outcome=%s total_ore=%lld%s%s%s",
		     (long long)d->application_id, enum_name(&enum_outcome, (int)d->outcome), (long long)total,
		     d->budget_override_reason != NULL ? " budget_override=1" : "",
		     d->over_capacity_reason != NULL ? " over_capacity=1" : "",
		     d->approved_by != 0 ? " four_eyes=1" : "") < 0)
		detail[0] = '\0';
	if ((rc = audit_append(db, actor, "decision.record", "decision", id, detail)) != DB_OK)
		goto out;
	*out_id = id;
out:
	db_application_free(&app);
	return op_end(db, &op, rc);
}

/* The money state of a decision: total, paid, closed_on and year. */
struct money_state {
	int64_t total_ore, paid_ore;
	day_t closed_on;
	int year;
};

/* Reads the decision row and its paid sum only: its lines and released sum
 * (what db_decision_get() loads too) do not matter here. */
static int decision_money(struct db *db, int64_t id, struct money_state *m)
{
	struct db_decision d;
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt_row_of(db, ST_DECISION_GET, id, "reading the decision", &st)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			db_fail(db, "decision %lld does not exist", (long long)id);
		return rc;
	}
	rc = decision_read(db, st, &d);
	stmt_done(st);
	if (rc != DB_OK)
		return rc;
	m->total_ore = d.total_ore;
	m->closed_on = d.closed_on;
	m->year = d.year;
	db_decision_free(&d);
	if ((rc = decision_sum(db, ST_DECISION_PAID, id, -1, &m->paid_ore)) != DB_OK)
		return rc;
	if (m->paid_ore > m->total_ore)
		return db_fail(db, "decision %lld is paid beyond its total", (long long)id);
	return DB_OK;
}

int db_decision_close(struct db *db, int64_t actor, int64_t decision_id, day_t on)
{
	struct money_state m;
	char detail[64];
	sqlite3_stmt *st;
	struct db_op op;
	int64_t release;
	int rc;

	if (on == DAY_NONE)
		return db_fail(db, "closing a decision needs a date");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = decision_money(db, decision_id, &m)) != DB_OK)
		goto out;
	if (m.closed_on != DAY_NONE) {
		rc = DB_CONFLICT;
		db_fail(db, "decision %lld is closed already", (long long)decision_id);
		goto out;
	}
	/* What was granted and not claimed goes back to the decision's year. */
	release = m.total_ore - m.paid_ore;
	if (release > 0 && (rc = ledger_append(db, m.year, decision_id, LEDGER_RELEASE, release, on, 0)) != DB_OK)
		goto out;
	if ((st = db_stmt(db, ST_DECISION_SET_CLOSED)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, decision_id) | bind_day(st, 2, on)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "closing the decision")) != DB_OK)
		goto out;
	if (snprintf(detail, sizeof detail, "released_ore=%lld", (long long)release) < 0)
		detail[0] = '\0';
	rc = audit_append(db, actor, "decision.close", "decision", decision_id, detail);
out:
	return op_end(db, &op, rc);
}

int db_decision_clear_emergency(struct db *db, int64_t actor, int64_t decision_id, day_t on,
				const char *responsible)
{
	char detail[1024], day[DAY_BUFSZ];
	sqlite3_stmt *st;
	struct db_op op;
	int n, rc;

	if (on == DAY_NONE)
		return db_fail(db, "clearing an emergency decision needs a date");
	/* The note goes into the audit entry, the one place that keeps who
	 * cleared it and why; a note too long for it is refused, not cut. */
	n = snprintf(detail, sizeof detail, "cleared_on=%s responsible=%s", day_format(on, day),
		     responsible != NULL ? responsible : "");
	if (n < 0 || (size_t)n >= sizeof detail)
		return db_fail(db, "the note on who is responsible is too long");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_DECISION_SET_EMERGENCY_CLEARED)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, decision_id) | bind_day(st, 2, on)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "clearing the emergency decision")) != DB_OK)
		goto out;
	if (sqlite3_changes(db->conn) != 1) {
		/* Tell a missing decision from one that is not (or no longer) flagged. */
		struct db_decision d;

		if ((rc = db_decision_get(db, decision_id, &d)) == DB_OK) {
			db_decision_free(&d);
			rc = DB_CONFLICT;
			db_fail(db, "decision %lld is not an emergency decision awaiting follow-up",
				(long long)decision_id);
		} else if (rc == DB_NOTFOUND) {
			db_fail(db, "decision %lld does not exist", (long long)decision_id);
		}
		goto out;
	}
	rc = audit_append(db, actor, "decision.emergency_clear", "decision", decision_id, detail);
out:
	return op_end(db, &op, rc);
}

int db_payment_record(struct db *db, int64_t actor, int64_t decision_id, int64_t amount_ore, day_t paid_on,
		      const char *reference, const struct payment_line *lines, size_t n_lines, int64_t *out_id)
{
	struct money_state m;
	char detail[96];
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id, sum = 0;
	int rc;

	if (amount_ore <= 0 || amount_ore > MONEY_MAX_ORE || paid_on == DAY_NONE)
		return db_fail(db, "a payment needs a positive amount and a date");
	if (n_lines == 0 || n_lines > DECISION_MAX_LINES || lines == NULL)
		return db_fail(db, "a payment needs its lines");
	for (size_t i = 0; i < n_lines; i++)
		if ((unsigned)lines[i].code >= CODE__COUNT || lines[i].amount_ore <= 0 ||
		    money_add(sum, lines[i].amount_ore, &sum) != 0)
			return db_fail(db, "a payment line is out of range");
	if (sum != amount_ore)
		return db_fail(db, "the payment's lines add up to %lld öre, not %lld", (long long)sum,
			       (long long)amount_ore);
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((rc = decision_money(db, decision_id, &m)) != DB_OK)
		goto out;
	if (m.closed_on != DAY_NONE) {
		rc = DB_CONFLICT;
		db_fail(db, "decision %lld is closed", (long long)decision_id);
		goto out;
	}
	if ((st = db_stmt(db, ST_PAYMENT_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, decision_id) | bind_i64(st, 2, amount_ore) | bind_day(st, 3, paid_on) |
	    bind_text(st, 4, reference != NULL ? reference : "") | bind_id(st, 5, actor) |
	    bind_i64(st, 6, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_insert_new_id(db, st, 7, "recording the payment", &id)) != DB_OK)
		goto out;
	for (size_t i = 0; i < n_lines; i++) {
		if ((st = db_stmt(db, ST_PAYMENT_LINE_INSERT)) == NULL) {
			rc = DB_ERROR;
			goto out;
		}
		if (bind_i64(st, 1, id) | bind_enum(st, 2, &enum_code, (int)lines[i].code) |
		    bind_i64(st, 3, lines[i].amount_ore)) {
			rc = db_fail_bind(db, st);
			goto out;
		}
		if ((rc = stmt_exec(db, st, "recording the payment's lines")) != DB_OK)
			goto out;
	}
	if ((rc = ledger_append(db, m.year, decision_id, LEDGER_PAYMENT, amount_ore, paid_on, id)) != DB_OK)
		goto out;
	if (snprintf(detail, sizeof detail, "decision=%lld amount_ore=%lld", (long long)decision_id,
		     (long long)amount_ore) < 0)
		detail[0] = '\0';
	if ((rc = audit_append(db, actor, "payment.record", "payment", id, detail)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

void db_payment_list_free(struct db_payment *ps, size_t n)
{
	for (size_t i = 0; ps != NULL && i < n; i++)
		free(ps[i].reference);
	free(ps);
}

/* Loads the lines of payment p. */
static int payment_lines(struct db *db, struct db_payment *p)
{
	sqlite3_stmt *st = db_stmt(db, ST_PAYMENT_LINES);
	int rc, code;

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, p->id))
		return db_fail_bind(db, st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (p->n_lines == DECISION_MAX_LINES || (code = col_enum(st, 0, &enum_code)) < 0) {
			stmt_done(st);
			return db_fail(db, "payment %lld has invalid lines", (long long)p->id);
		}
		p->lines[p->n_lines++] = (struct payment_line){ (enum code)code, col_i64(st, 1) };
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, "reading the payment's lines");
		stmt_done(st);
		return rc;
	}
	stmt_done(st);
	return DB_OK;
}

/* Reads a ST_PAYMENT_LIST row into *row, a struct db_payment (reference owned by it). */
static int payment_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_payment *p = row;

	memset(p, 0, sizeof *p);
	if (col_strdup(st, 4, &p->reference) != 0)
		return db_fail(db, "out of memory");
	p->id = col_i64(st, 0);
	p->decision_id = col_i64(st, 1);
	p->amount_ore = col_i64(st, 2);
	p->paid_on = col_day(st, 3);
	p->created_by = col_i64(st, 5);
	p->created_at = col_i64(st, 6);
	if (payment_lines(db, p) != DB_OK) {
		free(p->reference);
		p->reference = NULL;
		return DB_ERROR;
	}
	return DB_OK;
}

/* Frees what payment *row owns (stmt_collect's release). */
static void payment_release(void *row)
{
	free(((struct db_payment *)row)->reference);
}

int db_payment_list(struct db *db, int64_t decision_id, struct db_payment **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_PAYMENT_LIST);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, decision_id))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing payments", sizeof **out, payment_read, payment_release, out, n);
}
