/* E-mail notices (migration 11): addresses, recipients and the outbox. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* An UPDATE of one row by id under an audit entry: DB_NOTFOUND when no row changed. */
int update_audited(struct db *db, sqlite3_stmt *st, int64_t actor, const char *what, const char *action,
			  const char *entity, int64_t id, const char *detail)
{
	int rc = stmt_exec(db, st, what);
	if (rc != DB_OK)
		return rc;
	if (sqlite3_changes(db->conn) != 1) {
		db_fail(db, "%s %lld does not exist", entity, (long long)id);
		return DB_NOTFOUND;
	}
	return audit_append(db, actor, action, entity, id, detail);
}

int db_org_set_contact_email(struct db *db, int64_t actor, int64_t org_id, const char *email)
{
	struct db_op op;
	sqlite3_stmt *st;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_ORG_SET_CONTACT_EMAIL)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, org_id) | bind_text(st, 2, email && *email ? email : NULL)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	rc = update_audited(db, st, actor, "setting the contact e-mail", "organisation.contact_email", "organisation",
			    org_id, email && *email ? "set" : "cleared");
out:
	return op_end(db, &op, rc);
}

int db_org_contact_email(struct db *db, int64_t org_id, char email[DB_EMAIL_MAX])
{
	sqlite3_stmt *st;
	int rc = stmt_row_of(db, ST_ORG_CONTACT_EMAIL, org_id, "reading the contact e-mail", &st);
	if (rc != DB_OK)
		return rc;
	rc = col_copy(st, 0, email, DB_EMAIL_MAX) == 0 ? DB_OK : db_fail(db, "the contact e-mail is too long");
	stmt_done(st);
	return rc;
}

int db_user_set_notify(struct db *db, int64_t actor, int64_t user_id, const char *email, bool notify)
{
	struct db_op op;
	sqlite3_stmt *st;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_USER_SET_NOTIFY)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, user_id) | bind_text(st, 2, email && *email ? email : NULL) | bind_i64(st, 3, notify)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	rc = update_audited(db, st, actor, "setting the user's notices", "user.notify", "user", user_id,
			    notify ? "notify=1" : "notify=0");
out:
	return op_end(db, &op, rc);
}

int db_user_notify(struct db *db, int64_t user_id, char email[DB_EMAIL_MAX], bool *notify)
{
	sqlite3_stmt *st;
	int rc = stmt_row_of(db, ST_USER_NOTIFY, user_id, "reading the user's notices", &st);
	if (rc != DB_OK)
		return rc;
	rc = col_copy(st, 0, email, DB_EMAIL_MAX) == 0 ? DB_OK : db_fail(db, "the e-mail address is too long");
	*notify = sqlite3_column_int64(st, 1) != 0;
	stmt_done(st);
	return rc;
}

static int recipient_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_recipient *r = row;
	memset(r, 0, sizeof *r);
	if (col_copy(st, 0, r->email, sizeof r->email) != 0 || col_copy(st, 1, r->lang, sizeof r->lang) != 0)
		return db_fail(db, "a stored e-mail address is too long");
	return DB_OK;
}

int db_recipients_org(struct db *db, int64_t org_id, struct db_recipient **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_RECIPIENTS_ORG);
	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, org_id))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "finding the organisation's recipients", sizeof **out, recipient_read, NULL, out, n);
}

int db_recipients_coordinators(struct db *db, struct db_recipient **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_RECIPIENTS_COORD);
	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_enum(st, 1, &enum_role, ROLE_COORDINATOR))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "finding the coordinators to notify", sizeof **out, recipient_read, NULL, out, n);
}

int db_outbox_add(struct db *db, const struct db_outbox_new *m, bool *added)
{
	struct db_op op;
	sqlite3_stmt *st;
	int rc;

	if (added)
		*added = false;
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_OUTBOX_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_text(st, 1, m->kind) | bind_text(st, 2, m->recipient) | bind_text(st, 3, m->lang ? m->lang : "sv") |
	    bind_text(st, 4, m->subject) | bind_text(st, 5, m->body) | bind_id(st, 6, m->decision_id) |
	    bind_text(st, 7, m->dedupe) | bind_i64(st, 8, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "writing a notice to the outbox")) == DB_OK && added)
		*added = sqlite3_changes(db->conn) == 1;
out:
	return op_end(db, &op, rc);
}

static void outbox_release(void *row)
{
	struct db_outbox *m = row;
	free(m->recipient);
	free(m->subject);
	free(m->body);
	free(m->last_error);
	free(m->dedupe);
	memset(m, 0, sizeof *m);
}

static int outbox_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_outbox *m = row;
	memset(m, 0, sizeof *m);
	m->id = col_i64(st, 0);
	if (col_copy(st, 1, m->kind, sizeof m->kind) != 0 || col_copy(st, 3, m->lang, sizeof m->lang) != 0)
		return db_fail(db, "notice %lld has an invalid field", (long long)m->id);
	if (col_strdup(st, 2, &m->recipient) != 0 || col_strdup(st, 4, &m->subject) != 0 ||
	    col_strdup(st, 5, &m->body) != 0 || col_strdup(st, 10, &m->last_error) != 0 ||
	    col_strdup(st, 12, &m->dedupe) != 0) {
		outbox_release(m);
		return db_fail(db, "out of memory");
	}
	m->decision_id = col_i64(st, 6);
	m->created_at = col_i64(st, 7);
	m->attempts = col_i64(st, 8);
	m->next_attempt_at = col_i64(st, 9);
	m->sent_at = col_i64(st, 11);
	return DB_OK;
}

int db_outbox_due(struct db *db, int64_t now, int64_t limit, struct db_outbox **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_DUE);
	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, now) | bind_i64(st, 2, limit))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "reading the outbox", sizeof **out, outbox_read, outbox_release, out, n);
}

int db_outbox_list(struct db *db, bool pending_only, int64_t limit, struct db_outbox **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_LIST);
	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, pending_only) | bind_i64(st, 2, limit))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing the outbox", sizeof **out, outbox_read, outbox_release, out, n);
}

void db_outbox_list_free(struct db_outbox *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
		outbox_release(&m[i]);
	free(m);
}

int db_outbox_sent(struct db *db, int64_t id, int64_t now)
{
	struct db_op op;
	sqlite3_stmt *st;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_OUTBOX_SENT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, id) | bind_i64(st, 2, now)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "marking a notice sent")) == DB_OK && sqlite3_changes(db->conn) != 1) {
		db_fail(db, "notice %lld was sent already", (long long)id);
		rc = DB_CONFLICT;
	}
out:
	return op_end(db, &op, rc);
}

int db_outbox_failed(struct db *db, int64_t id, int64_t next_at, const char *error)
{
	struct db_op op;
	sqlite3_stmt *st;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_OUTBOX_FAILED)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, id) | bind_i64(st, 2, next_at) | bind_text(st, 3, error)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	rc = stmt_exec(db, st, "counting a failed notice");
out:
	return op_end(db, &op, rc);
}

int db_outbox_retry(struct db *db, int64_t actor, int64_t now, int64_t *n)
{
	struct db_op op;
	sqlite3_stmt *st;
	char detail[48];
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_OUTBOX_RETRY)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, now)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_exec(db, st, "retrying the outbox")) != DB_OK)
		goto out;
	int changed = sqlite3_changes(db->conn);
	if (n)
		*n = changed;
	snprintf(detail, sizeof detail, "notices=%d", changed);
	rc = audit_append(db, actor, "outbox.retry", "outbox", 0, detail);
out:
	return op_end(db, &op, rc);
}
