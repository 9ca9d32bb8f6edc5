/*
 * Private to src/store/: the connection struct, the statement table and the
 * helpers every store file uses. Nothing outside src/store/ includes this
 * (no sqlite3_* call outside the store).
 */
#ifndef NSP_STORE_INTERNAL_H
#define NSP_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

/*
 * Every SQL statement of the program, one per name. The SQL text is in
 * statements.c, indexed by this enum; db_stmt() prepares each one lazily,
 * once per connection, and hands it out reset and unbound.
 */
enum stmt {
	/* connection setup and transactions */
	ST_SCHEMA_PROBE, ST_JOURNAL_WAL, ST_SYNC_FULL, ST_SYNC_NORMAL, ST_FOREIGN_KEYS_ON,
	ST_SECURE_DELETE_ON, ST_TEMP_STORE_MEMORY, ST_QUICK_CHECK, ST_USER_VERSION, ST_SET_VERSION_1, ST_CHECKPOINT,
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_SAVEPOINT, ST_RELEASE, ST_ROLLBACK_TO,

	/* audit log */
	ST_AUDIT_HEAD, ST_AUDIT_INSERT, ST_AUDIT_ALL, ST_AUDIT_RANGE,

	/* users and sessions */
	ST_USER_INSERT, ST_USER_GET, ST_USER_GET_BY_NAME, ST_USER_LIST, ST_USER_SET_ACTIVE,
	ST_USER_SET_LANG, ST_USER_SET_PASSWORD,
	ST_SESSION_INSERT, ST_SESSION_GET, ST_SESSION_TOUCH, ST_SESSION_DELETE,
	ST_SESSION_DELETE_USER, ST_SESSION_DELETE_EXPIRED,

	/* organisations and certification */
	ST_ORG_INSERT, ST_ORG_GET, ST_ORG_LIST, ST_CERT_INSERT, ST_CERT_LIST,

	/* persons */
	ST_PERSON_INSERT, ST_PERSON_SET_IDENTITY, ST_PERSON_GET,
	ST_PERSON_IDENTITY, ST_PERSON_LIST_ALL, ST_PERSON_LIST_ORG, ST_PERSON_FIND, ST_PERSON_FIND_NEWEST,
	ST_PERSON_FIND_COUNT, ST_PERSON_PERIODS, ST_PERSON_COUNT_ALL,
	ST_PERSON_COUNT_ORG, ST_PERSON_CHILDREN, ST_PERSON_SET_EXIT, ST_PERSON_ERASE,
	ST_PERSON_GRANTED, ST_PERSON_ADMISSION_STATE,

	/* applications */
	ST_APP_INSERT, ST_APP_CHILD_INSERT, ST_APP_GET, ST_APP_CHILDREN, ST_APP_LIST, ST_APP_LIST_BY_PERSON,
	ST_APP_LIST_BY_STATUS, ST_APP_LIST_BY_ORG, ST_APP_LIST_NEWEST, ST_APP_LIST_BY_PERSON_NEWEST,
	ST_APP_LIST_BY_STATUS_NEWEST, ST_APP_LIST_BY_ORG_NEWEST, ST_APP_COUNT, ST_APP_COUNT_BY_PERSON,
	ST_APP_COUNT_BY_STATUS, ST_APP_COUNT_BY_ORG, ST_APP_SET_STATUS,

	/* decisions, payments, ledger */
	ST_DECISION_INSERT, ST_DECISION_LINE_INSERT, ST_DECISION_GET, ST_DECISION_BY_APP,
	ST_DECISION_LINES, ST_DECISION_PAID, ST_DECISION_RELEASED, ST_DECISION_LIST,
	ST_DECISION_LIST_NEWEST, ST_DECISION_COUNT, ST_DECISION_LIST_ORG, ST_DECISION_LIST_ORG_NEWEST,
	ST_DECISION_COUNT_ORG,
	ST_DECISION_SET_CLOSED, ST_DECISION_SET_EMERGENCY_CLEARED, ST_LEDGER_INSERT, ST_PAYMENT_INSERT,
	ST_PAYMENT_LIST,

	/* years, budgets, rates */
	ST_YEAR_UPSERT, ST_RATES_DELETE, ST_POINT_RATES_DELETE, ST_RATE_INSERT,
	ST_POINT_RATE_INSERT, ST_YEAR_GET, ST_LEDGER_SUMS, ST_RATE_YEARS, ST_RATES_OF_YEAR,
	ST_POINT_RATES_OF_YEAR,

	/* placement requests and consultations */
	ST_PLACEMENT_INSERT, ST_PLACEMENT_LIST, ST_CONSULTATION_INSERT, ST_CONSULTATION_LIST,

	/* ---- annual report: aggregate queries go here (see statements.c) ---- */
	ST_REPORT_BEGIN, ST_REPORT_PERSONS, ST_REPORT_INTERVENTIONS, ST_REPORT_MONEY,
	ST_REPORT_PAID_BY_CODE, ST_REPORT_DECISIONS, ST_REPORT_PLACEMENTS, ST_REPORT_CONSULTATIONS,
	ST_REPORT_BASIS,
	/* ---- end of the annual report's section ---- */

	/* ---- web pages (src/store/pages.c) ---- */
	ST_PAGE_PERIODS_ENDING, ST_PAGE_UNCLAIMED, ST_PAGE_LEDGER_DAYS,
	ST_PAGE_PERSON_CODE,
	/* ---- end of the web pages' section ---- */

	/* ---- organisations: certification, follow-up, capacity, four-eyes (migration 2) ---- */
	ST_SET_VERSION_2,
	ST_CERT_REQ_YEAR, ST_CERT_REQ_OF_YEAR, ST_CERT_REQ_DELETE, ST_CERT_REQ_INSERT, ST_CERT_REQ_YEARS,
	ST_SETTING_GET, ST_SETTING_PUT,
	ST_FOLLOW_UP_INSERT, ST_FOLLOW_UP_ORG_INSERT, ST_FOLLOW_UP_LIST, ST_FOLLOW_UP_ORGS,
	ST_CAPACITY_DELETE, ST_CAPACITY_INSERT, ST_CAPACITY_LIST, ST_OCCUPANCY, ST_APP_SET_HOUSING,
	ST_YEAR_FOUR_EYES,
	ST_PROPOSAL_INSERT, ST_PROPOSAL_GET, ST_PROPOSAL_LIST, ST_PROPOSAL_RESOLVE, ST_PROPOSAL_PENDING_OF_APP,
	/* ---- end of the organisations' section ---- */

	/* ---- second factor: TOTP, recovery codes, login challenges (src/store/totp.c) ---- */
	ST_SET_VERSION_3,
	ST_TOTP_GET, ST_TOTP_BEGIN, ST_TOTP_CONFIRM, ST_TOTP_USE_STEP, ST_TOTP_DELETE,
	ST_RECOVERY_INSERT, ST_RECOVERY_USE, ST_RECOVERY_DELETE_USER,
	ST_CHALLENGE_INSERT, ST_CHALLENGE_GET, ST_CHALLENGE_FAIL, ST_CHALLENGE_DELETE,
	ST_CHALLENGE_DELETE_SPENT, ST_CHALLENGE_DELETE_USER, ST_CHALLENGE_DELETE_EXPIRED,
	/* ---- end of the second factor's section ---- */

	/* ---- a large database: ledger totals, the report's indexes (migration 4) ---- */
	ST_SET_VERSION_4, ST_SET_VERSION_5, ST_SET_VERSION_6, ST_SET_VERSION_7, ST_PLACE_STAYS, ST_PLACE_PLACES, ST_OCCUPANCY_RANGE, ST_PERSON_EXITS_WITH_IDENTITY,
	/* ---- end of the large database's section ---- */

	/* ---- four eyes on the control itself (migration 8, src/store/changes.c) ---- */
	ST_SET_VERSION_8, ST_CHANGE_INSERT, ST_CHANGE_GET, ST_CHANGE_LIST, ST_CHANGE_RESOLVE, ST_FOUR_EYES_ANY,
	/* ---- end of the four eyes' section ---- */
	/* ---- claims and payments by line (migration 9, src/store/claims.c) ---- */
	ST_SET_VERSION_9, ST_PAYMENTS_DATED_SUM, ST_PAYMENT_LINE_INSERT, ST_PAYMENT_LINES, ST_CLAIM_INSERT, ST_CLAIM_LINE_INSERT,
	ST_CLAIM_GET, ST_CLAIM_LINES, ST_CLAIM_LIST, ST_CLAIM_RESERVED, ST_CLAIM_OVERLAP, ST_CLAIM_SET_PAID,
	ST_CLAIM_SET_REJECTED, ST_CLAIM_LIST_NEWEST, ST_CLAIM_COUNT,
	/* ---- end of the claims' section ---- */
	/* ---- decision letters (migration 10) ---- */
	ST_SET_VERSION_10, ST_REFUSAL_INSERT, ST_REFUSAL_LIST,
	/* ---- end of the decision letters' section ---- */

	/* ---- e-mail notices (migration 11, src/store/outbox.c) ---- */
	ST_SET_VERSION_11, ST_ORG_SET_CONTACT_EMAIL, ST_ORG_CONTACT_EMAIL, ST_USER_SET_NOTIFY, ST_USER_NOTIFY,
	ST_RECIPIENTS_ORG, ST_RECIPIENTS_COORD, ST_OUTBOX_INSERT, ST_OUTBOX_DUE, ST_OUTBOX_LIST,
	ST_OUTBOX_SENT, ST_OUTBOX_FAILED, ST_OUTBOX_RETRY,
	/* ---- end of the e-mail notices' section ---- */

	/* ---- linkage keys and marks (migration 12, src/store/linkage.c) ---- */
	ST_SET_VERSION_12, ST_REPORT_COVERED_IDS, ST_LINK_UPSERT, ST_LINK_DELETE, ST_LINK_ALL, ST_LINK_GET, ST_LINK_EXACT_SHARED, ST_LINK_MARK_UPSERT, ST_LINK_MARKS,
	ST_LINK_SAME_PERSONS, ST_LINK_PERSONS_MISSING,
	/* ---- end of the linkage section ---- */

	/* ---- the contact register, member organisations (migration 13, src/store/contacts.c) ---- */
	ST_SET_VERSION_13, ST_ORG_SET_MEMBER, ST_CONTACT_INSERT, ST_CONTACT_GET, ST_CONTACT_FIND,
	ST_CONTACT_FIND_OLDEST, ST_CONTACT_FIND_COUNT, ST_CONTACT_YEAR, ST_REPORT_ADMITTED_BY,
	/* ---- end of the contact register's section ---- */

	/* ---- random ids, the order of registration (migration 14) ---- */
	ST_SET_VERSION_14,
	/* ---- end of the random ids' section ---- */

	ST__COUNT
};

/* The SQL of s (statements.c). Never NULL for s < ST__COUNT. */
const char *stmt_sql(enum stmt s);

struct db {
	sqlite3 *conn;
	sqlite3_stmt *stmts[ST__COUNT];   /* prepared on first use */
	bool readonly;
	bool keys_set;
	bool write_locked;                /* holds the process's writer lock (db.c) */
	struct db *audit_db;              /* read audits' own connection (audit_batch.c), or NULL */
	int wal_frames;                   /* as audit_db: the WAL's frames after its last commit */
	unsigned char identity_key[DB_KEY_BYTES]; /* subkey 1: seals persons.identity */
	unsigned char audit_key[DB_KEY_BYTES];    /* subkey 2: audit MAC */
	unsigned char token_key[DB_KEY_BYTES];    /* subkey 3: session token hashes */
	unsigned char totp_key[DB_KEY_BYTES];     /* subkey 5: seals user_totp.secret */
	unsigned char recovery_key[DB_KEY_BYTES]; /* subkey 6: recovery code hashes */
	unsigned char linkage_key[DB_KEY_BYTES];  /* subkey 7: linkage keys (linkage.c) */
	char err[DB_ERR_MAX];
};

/*
 * The prepared statement s, reset and with its bindings cleared, or NULL
 * (db_errmsg says why). The connection owns it: never finalize it, and call
 * stmt_done() when finished so its read snapshot is released.
 */
sqlite3_stmt *db_stmt(struct db *db, enum stmt s);
void stmt_done(sqlite3_stmt *st);

/* Sets db->err from a printf format and returns DB_ERROR. */
int db_fail(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Sets db->err to "what: <SQLite's message>" and returns the matching
 * status: DB_CONFLICT for a UNIQUE or PRIMARY KEY violation, DB_NOTFOUND
 * for a FOREIGN KEY violation (a referenced row is missing), else DB_ERROR.
 */
int db_fail_sqlite(struct db *db, const char *what);

/* Steps a statement that returns no rows and resets it; 0 or a status as
 * db_fail_sqlite(). */
int stmt_exec(struct db *db, sqlite3_stmt *st, const char *what);
/* Steps a statement that returns one row; DB_NOTFOUND when it returns none.
 * On 0 the row is current: read it, then stmt_done(). */
int stmt_row(struct db *db, sqlite3_stmt *st, const char *what);
/* Runs statement s (no bindings) and discards its rows. */
int db_run(struct db *db, enum stmt s);
/* Binds ?1 of statement s to key and steps it to its one row, as
 * stmt_row(): on 0 *out is current; read it, then stmt_done(*out). */
int stmt_row_of(struct db *db, enum stmt s, int64_t key, const char *what, sqlite3_stmt **out);
/* Binds ?1 of statement s, which returns no rows, to key and runs it, as stmt_exec(). */
int stmt_exec_of(struct db *db, enum stmt s, int64_t key, const char *what);

/*
 * Ids that count nothing (migration 14): a new person, application,
 * decision, claim, payment or placement request gets a random id in
 * [1, 2^53), which JSON and
 * JavaScript hold exactly. db_new_id() draws one; db_id_taken() says
 * whether the DB_CONFLICT just returned came from the primary key (draw
 * again) rather than from another constraint.
 */
int64_t db_new_id(void);
bool db_id_taken(struct db *db);
/*
 * Runs st, an INSERT bound by the caller but for ?idx, the new row's id,
 * with a fresh db_new_id() (another on the rare id taken already); *id gets
 * the id used. 0 or a status as stmt_exec().
 */
int stmt_insert_new_id(struct db *db, sqlite3_stmt *st, int idx, const char *what, int64_t *id);

/*
 * Reads the current row of st into *row: 0, or a status with db->err set,
 * in which case *row owns nothing. stmt_collect() calls one per row.
 */
typedef int (*row_reader)(struct db *db, sqlite3_stmt *st, void *row);
/* row_readers of column 0 into an int64_t and an int. */
int row_i64(struct db *db, sqlite3_stmt *st, void *row);
int row_int(struct db *db, sqlite3_stmt *st, void *row);
/*
 * Steps st (bound by the caller) to its end, reading each row with read()
 * into a new element, of elem bytes, of a malloc'd array, and stmt_done()s
 * st in every case. On 0 the array is in *(T **)pout (NULL when there are no
 * rows) and its length in *n: the caller frees it and what the rows own. On
 * failure *pout is NULL and *n 0: release(row) (when not NULL) has undone
 * every row read, and the array is freed. what names the query for errors.
 */
int stmt_collect(struct db *db, sqlite3_stmt *st, const char *what, size_t elem, row_reader read,
		 void (*release)(void *row), void *pout, size_t *n);

/*
 * All-or-nothing for one write function. op_begin() opens a transaction of
 * its own (BEGIN IMMEDIATE) when none is open, else a savepoint inside the
 * caller's. op_end(rc) commits or releases when rc == 0, else rolls back to
 * where op_begin() was, and returns rc (or DB_ERROR when committing fails).
 */
struct db_op {
	bool own;     /* the op opened the transaction */
};
int op_begin(struct db *db, struct db_op *op);
int op_end(struct db *db, struct db_op *op, int rc);

/* Appends an audit row; the caller has an op open (audit.c). */
int audit_append(struct db *db, int64_t user_id, const char *action, const char *entity,
		 int64_t entity_id, const char *detail);

/*
 * Reads the current DECISION_COLS row of st into *out, then its lines, paid
 * and released sums (decisions.c). out owns its strings (db_decision_free).
 */
int decision_load(struct db *db, sqlite3_stmt *st, struct db_decision *out);

/* Runs the UPDATE st of one row of entity id and audits it as action with
 * detail; DB_NOTFOUND when no row changed (outbox.c). */
int update_audited(struct db *db, sqlite3_stmt *st, int64_t actor, const char *what, const char *action,
		   const char *entity, int64_t id, const char *detail);

/* -1 with db_errmsg set unless db_set_keys() was called. */
int db_require_keys(struct db *db);

/* Unix seconds now. */
int64_t db_now(void);

/* Binding: each returns SQLite's result code (0 = SQLITE_OK), so a run of
 * them can be OR-ed and checked once. The _opt variants bind NULL for "none"
 * (0 ids, DAY_NONE, negative enums, NULL strings). */
int bind_i64(sqlite3_stmt *st, int i, int64_t v);
int bind_id(sqlite3_stmt *st, int i, int64_t id);
int bind_day(sqlite3_stmt *st, int i, day_t d);
int bind_text(sqlite3_stmt *st, int i, const char *s);
int bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n);
int bind_enum(sqlite3_stmt *st, int i, const struct enum_def *e, int v);
/* Reports a failed bind; returns DB_ERROR. */
int db_fail_bind(struct db *db, sqlite3_stmt *st);

/* Columns: NULL reads as 0 / DAY_NONE. */
int64_t col_i64(sqlite3_stmt *st, int i);
day_t col_day(sqlite3_stmt *st, int i);
/* The enum value named by the column; -1 when NULL, -2 when not a name of e. */
int col_enum(sqlite3_stmt *st, int i, const struct enum_def *e);
/* A malloc'd copy of a text column (NULL stays NULL); -1 when out of memory. */
int col_strdup(sqlite3_stmt *st, int i, char **out);
/* Copies a text column into a fixed buffer; -1 when it does not fit. NULL reads as "". */
int col_copy(sqlite3_stmt *st, int i, char *buf, size_t size);

/* Grows a malloc'd array of elements of size elem to hold at least need;
 * 0 or -1 (the old array is kept). */
int array_reserve(void *pptr, size_t *cap, size_t need, size_t elem);

/* Binds ?from and ?to to the first and last day of year, or to every day
 * when year is 0; SQLite's result code, as the bind_ functions. */
int bind_year_range(sqlite3_stmt *st, int from, int to, int year);

#endif
