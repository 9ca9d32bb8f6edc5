/*
 * The connection: opening and migrating, the statement cache, transactions,
 * keys, key files, backups, and the small helpers the other store files use.
 */
#include "store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

/* Generated from schema.sql by scripts/embed-sql (build/gen/schema_sql.c). */
extern const char nsp_schema_sql[];
/* Later migrations: src/store/migration_N.sql (build/gen/migration_N_sql.c). */
extern const char nsp_migration_2_sql[];
extern const char nsp_migration_3_sql[];
extern const char nsp_migration_4_sql[];
extern const char nsp_migration_5_sql[];
extern const char nsp_migration_6_sql[];
extern const char nsp_migration_7_sql[];
extern const char nsp_migration_8_sql[];
extern const char nsp_migration_9_sql[];
extern const char nsp_migration_10_sql[];
extern const char nsp_migration_11_sql[];
extern const char nsp_migration_12_sql[];
extern const char nsp_migration_13_sql[];
extern const char nsp_migration_14_sql[];

#define BUSY_TIMEOUT_MS 5000

/* Migration n (1-based) is migrations[n - 1]: its SQL and the statement that
 * stamps the version. Append only; never edit a released migration. */
static const struct migration {
	const char *sql;
	enum stmt set_version;
} migrations[] = {
	{ nsp_schema_sql, ST_SET_VERSION_1 },
	{ nsp_migration_2_sql, ST_SET_VERSION_2 },   /* organisations */
	{ nsp_migration_3_sql, ST_SET_VERSION_3 },   /* second factor: TOTP, recovery codes, challenges */
	{ nsp_migration_4_sql, ST_SET_VERSION_4 },   /* ledger totals per year, the report's indexes */
	{ nsp_migration_5_sql, ST_SET_VERSION_5 },   /* covering year indexes, payment totals per day and code */
	{ nsp_migration_6_sql, ST_SET_VERSION_6 },   /* a decision's first payment: the unclaimed decisions */
	{ nsp_migration_7_sql, ST_SET_VERSION_7 },   /* R15: over-capacity reasons, granted periods per organisation */
	{ nsp_migration_8_sql, ST_SET_VERSION_8 },   /* four eyes on the threshold and on coordinator accounts */
	{ nsp_migration_9_sql, ST_SET_VERSION_9 },   /* claims, payments split by line */
	{ nsp_migration_10_sql, ST_SET_VERSION_10 },   /* decision letters: the rules that refused */
	{ nsp_migration_11_sql, ST_SET_VERSION_11 },   /* e-mail notices: addresses, the outbox */
	{ nsp_migration_12_sql, ST_SET_VERSION_12 },   /* linkage keys and marks on pairs */
	{ nsp_migration_13_sql, ST_SET_VERSION_13 },   /* the contact register, member organisations */
	{ nsp_migration_14_sql, ST_SET_VERSION_14 },   /* random ids, the order of registration (issue 16) */
};
_Static_assert(sizeof migrations / sizeof migrations[0] == DB_SCHEMA_VERSION,
	       "DB_SCHEMA_VERSION must equal the number of migrations");

/* ------------------------------------------------------------ errors */

int db_fail(struct db *db, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(db->err, sizeof db->err, fmt, ap) < 0)
		db->err[0] = '\0';
	va_end(ap);
	return DB_ERROR;
}

int db_fail_sqlite(struct db *db, const char *what)
{
	int code = sqlite3_extended_errcode(db->conn);

	db_fail(db, "%s: %s", what, sqlite3_errmsg(db->conn));
	switch (code) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return DB_CONFLICT;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return DB_NOTFOUND;
	default:
		return DB_ERROR;
	}
}

int db_fail_bind(struct db *db, sqlite3_stmt *st)
{
	sqlite3_reset(st);
	return db_fail(db, "a value could not be bound (out of range or out of memory)");
}

const char *db_errmsg(const struct db *db)
{
	return db != NULL ? db->err : "no database";
}

/* One sentence into a caller's err buffer (db_open, key files, backup). */
static int fail_to(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_to(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return DB_ERROR;
	va_start(ap, fmt);
	if (vsnprintf(err, errsz, fmt, ap) < 0)
		err[0] = '\0';
	va_end(ap);
	return DB_ERROR;
}

/* ------------------------------------------------------------ statements */

sqlite3_stmt *db_stmt(struct db *db, enum stmt s)
{
	sqlite3_stmt *st;
	const char *text;

	if (s >= ST__COUNT || (text = stmt_sql(s)) == NULL) {
		db_fail(db, "statement %d has no SQL", (int)s);
		return NULL;
	}
	st = db->stmts[s];
	if (st == NULL) {
		if (sqlite3_prepare_v3(db->conn, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			db_fail(db, "cannot prepare statement %d: %s", (int)s, sqlite3_errmsg(db->conn));
			return NULL;
		}
		db->stmts[s] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

void stmt_done(sqlite3_stmt *st)
{
	if (st != NULL)
		sqlite3_reset(st);
}

int stmt_exec(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return DB_OK;
	}
	rc = db_fail_sqlite(db, what);
	sqlite3_reset(st);
	return rc;
}

int stmt_row(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return DB_OK;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		db_fail(db, "%s: not found", what);
		return DB_NOTFOUND;
	}
	rc = db_fail_sqlite(db, what);
	sqlite3_reset(st);
	return rc;
}

int stmt_row_of(struct db *db, enum stmt s, int64_t key, const char *what, sqlite3_stmt **out)
{
	sqlite3_stmt *st = db_stmt(db, s);

	*out = st;
	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, key))
		return db_fail_bind(db, st);
	return stmt_row(db, st, what);
}

int stmt_exec_of(struct db *db, enum stmt s, int64_t key, const char *what)
{
	sqlite3_stmt *st = db_stmt(db, s);

	if (st == NULL)
		return DB_ERROR;
	if (bind_i64(st, 1, key))
		return db_fail_bind(db, st);
	return stmt_exec(db, st, what);
}

#define NEW_ID_BITS 53
#define NEW_ID_TRIES 8

int64_t db_new_id(void)
{
	uint64_t x;

	do {
		randombytes_buf(&x, sizeof x);
		x &= ((uint64_t)1 << NEW_ID_BITS) - 1;
	} while (x == 0);
	return (int64_t)x;
}

bool db_id_taken(struct db *db)
{
	return sqlite3_extended_errcode(db->conn) == SQLITE_CONSTRAINT_PRIMARYKEY;
}

int stmt_insert_new_id(struct db *db, sqlite3_stmt *st, int idx, const char *what, int64_t *id)
{
	for (int tries = 1;; tries++) {
		int64_t candidate = db_new_id();
		int rc;

		if (bind_i64(st, idx, candidate))
			return db_fail_bind(db, st);
		rc = stmt_exec(db, st, what);
		if (rc == DB_OK)
			*id = candidate;
		if (rc != DB_CONFLICT || !db_id_taken(db) || tries >= NEW_ID_TRIES)
			return rc;
	}
}

int row_i64(struct db *db, sqlite3_stmt *st, void *row)
{
	(void)db;
	*(int64_t *)row = col_i64(st, 0);
	return DB_OK;
}

int row_int(struct db *db, sqlite3_stmt *st, void *row)
{
	(void)db;
	*(int *)row = (int)col_i64(st, 0);
	return DB_OK;
}

int stmt_collect(struct db *db, sqlite3_stmt *st, const char *what, size_t elem, row_reader read,
		 void (*release)(void *row), void *pout, size_t *n)
{
	void **out = pout;
	unsigned char *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (array_reserve(&rows, &cap, count + 1, elem) != 0) {
			rc = db_fail(db, "out of memory");
			goto fail;
		}
		if ((rc = read(db, st, rows + count * elem)) != DB_OK)
			goto fail;
		count++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, what);
		goto fail;
	}
	stmt_done(st);
	*out = rows;
	*n = count;
	return DB_OK;
fail:
	stmt_done(st);
	for (size_t i = 0; release != NULL && i < count; i++)
		release(rows + i * elem);
	free(rows);
	return rc;
}

int db_run(struct db *db, enum stmt s)
{
	sqlite3_stmt *st = db_stmt(db, s);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		rc = db_fail_sqlite(db, stmt_sql(s));
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return DB_OK;
}

/* Runs s keeping db->err as it is: for rollbacks on a path that has failed already. */
static void run_quiet(struct db *db, enum stmt s)
{
	char saved[DB_ERR_MAX];

	memcpy(saved, db->err, sizeof saved);
	(void)db_run(db, s);
	memcpy(db->err, saved, sizeof saved);
}

/* ------------------------------------------------------------ binding and columns */

int bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

int bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	return id == 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, id);
}

int bind_day(sqlite3_stmt *st, int i, day_t d)
{
	return d == DAY_NONE ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, d);
}

int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s == NULL ? sqlite3_bind_null(st, i) : sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (n > INT_MAX)
		return SQLITE_TOOBIG;
	return sqlite3_bind_blob(st, i, p, (int)n, SQLITE_TRANSIENT);
}

/* An out-of-range value is refused rather than stored as enum_name()'s "?". */
int bind_enum(sqlite3_stmt *st, int i, const struct enum_def *e, int v)
{
	if (v < 0)
		return sqlite3_bind_null(st, i);
	if (v >= e->count)
		return SQLITE_RANGE;
	return bind_text(st, i, enum_name(e, v));
}

int64_t col_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

day_t col_day(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return DAY_NONE;
	return (day_t)sqlite3_column_int64(st, i);
}

int col_enum(sqlite3_stmt *st, int i, const struct enum_def *e)
{
	const char *s;
	int v;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	s = (const char *)sqlite3_column_text(st, i);
	v = enum_parse(e, s);
	return v < 0 ? -2 : v;
}

int col_strdup(sqlite3_stmt *st, int i, char **out)
{
	const unsigned char *s;
	int len;

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	s = sqlite3_column_text(st, i);
	len = sqlite3_column_bytes(st, i);
	if (s == NULL || (*out = malloc((size_t)len + 1)) == NULL)
		return -1;
	memcpy(*out, s, (size_t)len);
	(*out)[len] = '\0';
	return 0;
}

int col_copy(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	size_t len = (size_t)sqlite3_column_bytes(st, i);

	if (size == 0 || len >= size)
		return -1;
	if (s != NULL)
		memcpy(buf, s, len);
	buf[s != NULL ? len : 0] = '\0';
	return 0;
}

int array_reserve(void *pptr, size_t *cap, size_t need, size_t elem)
{
	void **p = pptr;
	size_t ncap = *cap != 0 ? *cap : 8;
	void *grown;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem || (grown = realloc(*p, ncap * elem)) == NULL)
		return -1;
	*p = grown;
	*cap = ncap;
	return 0;
}

int bind_year_range(sqlite3_stmt *st, int from, int to, int year)
{
	if (year == 0)
		return bind_i64(st, from, INT64_MIN) | bind_i64(st, to, INT64_MAX);
	return bind_day(st, from, day_year_first(year)) | bind_day(st, to, day_year_last(year));
}

int64_t db_now(void)
{
	return (int64_t)time(NULL);
}

/* ------------------------------------------------------------ transactions */

bool db_in_transaction(const struct db *db)
{
	return !sqlite3_get_autocommit(db->conn);
}

/*
 * One writer at a time in this process, queued on a mutex before BEGIN
 * IMMEDIATE instead of on SQLite's busy handler. That handler sleeps (1, 2,
 * 5 ... 100 ms) and retries in no order, so with several worker threads
 * writing, a write waited for up to seconds while the lock was free most of
 * the time (bench/: two threads reading persons, each read with its audit
 * row, had a p99 of 1.3 s; eight raw connections reached a third of one
 * connection's rate). Other processes (nsp backup, the CLI) still meet the
 * busy handler. Recursive, so that a thread with a write transaction open on
 * one database may open one on another. The wait is bounded by the busy
 * timeout: after it BEGIN runs anyway and SQLite's busy handler decides, as
 * before, so a transaction left open by mistake still ends in "database is
 * locked" rather than a hang.
 */
static pthread_once_t write_lock_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t write_lock;

static void write_lock_init(void)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&write_lock, &a);
	pthread_mutexattr_destroy(&a);
}

/* Before BEGIN IMMEDIATE on db: waits for the writer lock (at most the busy timeout). */
static void write_lock_take(struct db *db)
{
	struct timespec until;

	pthread_once(&write_lock_once, write_lock_init);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += BUSY_TIMEOUT_MS / 1000;
	db->write_locked = pthread_mutex_timedlock(&write_lock, &until) == 0;
}

/* Gives the writer lock back once db's transaction has ended: committed,
 * rolled back, never begun, or ended by SQLite itself (e.g. a full disk). */
static void write_lock_settle(struct db *db)
{
	if (db->write_locked && !db_in_transaction(db)) {
		db->write_locked = false;
		pthread_mutex_unlock(&write_lock);
	}
}

/* BEGIN IMMEDIATE under the writer lock. */
static int begin_write(struct db *db)
{
	int rc;

	write_lock_take(db);
	rc = db_run(db, ST_BEGIN);
	write_lock_settle(db);
	return rc;
}

int db_begin(struct db *db)
{
	if (db_in_transaction(db))
		return db_fail(db, "a transaction is already open");
	if (db->readonly)
		return db_fail(db, "the database is open read-only");
	return begin_write(db);
}

/* On failure the transaction stays open: the caller calls db_rollback(). */
int db_commit(struct db *db)
{
	int rc;

	if (!db_in_transaction(db))
		return db_fail(db, "no transaction is open");
	rc = db_run(db, ST_COMMIT);
	write_lock_settle(db);
	return rc;
}

int db_rollback(struct db *db)
{
	int rc = DB_OK;

	if (db_in_transaction(db))
		rc = db_run(db, ST_ROLLBACK);
	write_lock_settle(db);
	return rc;
}

/* Read scopes (issue 7, the read path): outside a transaction SAVEPOINT
 * opens a deferred one, which stays a read transaction while nothing writes,
 * and RELEASE ends it. */
int db_read_begin(struct db *db, bool *opened)
{
	*opened = !db_in_transaction(db);
	return *opened ? db_run(db, ST_SAVEPOINT) : DB_OK;
}

int db_read_end(struct db *db, bool opened)
{
	int rc;

	if (!opened || !db_in_transaction(db))
		return DB_OK;
	/* Nothing was written: should RELEASE fail, ROLLBACK loses nothing and
	 * leaves no transaction open behind the caller. */
	if ((rc = db_run(db, ST_RELEASE)) != DB_OK && db_in_transaction(db))
		run_quiet(db, ST_ROLLBACK);
	return rc;
}

int op_begin(struct db *db, struct db_op *op)
{
	if (db->readonly)
		return db_fail(db, "the database is open read-only");
	op->own = !db_in_transaction(db);
	return op->own ? begin_write(db) : db_run(db, ST_SAVEPOINT);
}

int op_end(struct db *db, struct db_op *op, int rc)
{
	if (rc == DB_OK) {
		if (db_run(db, op->own ? ST_COMMIT : ST_RELEASE) == DB_OK)
			goto out;
		rc = DB_ERROR;
	}
	/* SQLite may have rolled the whole transaction back on its own (e.g.
	 * on a full disk); then there is nothing left to undo here. */
	if (!db_in_transaction(db))
		goto out;
	if (op->own) {
		run_quiet(db, ST_ROLLBACK);
	} else {
		run_quiet(db, ST_ROLLBACK_TO);
		run_quiet(db, ST_RELEASE);
	}
out:
	write_lock_settle(db);
	return rc;
}

/* ------------------------------------------------------------ open, migrate, close */

/* Reads PRAGMA user_version into *v. */
static int read_user_version(struct db *db, int *v)
{
	sqlite3_stmt *st = db_stmt(db, ST_USER_VERSION);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	if ((rc = stmt_row(db, st, "reading the schema version")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*v = sqlite3_column_int(st, 0);
	stmt_done(st);
	return DB_OK;
}

static db_upgrade_fn upgrade_progress;

void db_on_upgrade(db_upgrade_fn fn)
{
	upgrade_progress = fn;
}

/* The statements of migration script sql: each ends where sqlite3_complete()
 * says a statement is whole (a ';' outside strings, comments and a
 * trigger's body). 0 when out of memory: the bar then just has no total. */
static int64_t script_statements(const char *sql)
{
	size_t len = strlen(sql), start = 0;
	char *copy = malloc(len + 1);
	int64_t n = 0;

	if (copy == NULL)
		return 0;
	memcpy(copy, sql, len + 1);
	for (size_t i = 0; i < len; i++) {
		char keep;

		if (sql[i] != ';')
			continue;
		keep = copy[i + 1];
		copy[i + 1] = '\0';
		if (sqlite3_complete(copy + start)) {
			n++;
			start = i + 1;
		}
		copy[i + 1] = keep;
	}
	free(copy);
	return n;
}

/* Where an upgrade is: done of total statements of the migrations it applies. */
struct upgrade_count {
	int64_t done, total;
};

/*
 * Runs migration script sql statement by statement, counting each into
 * *count for the progress hook. The one place where SQL runs outside the
 * statement table: the migration script, which binds nothing.
 */
static int run_script(struct db *db, int to, const char *sql, struct upgrade_count *count)
{
	const char *tail = sql;

	while (*tail != '\0') {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db->conn, tail, -1, &st, &tail);

		if (rc != SQLITE_OK)
			return db_fail(db, "migration %d failed: %s", to, sqlite3_errmsg(db->conn));
		if (st == NULL)    /* only white space or a comment was left */
			continue;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			rc = db_fail(db, "migration %d failed: %s", to, sqlite3_errmsg(db->conn));
			sqlite3_finalize(st);
			return rc;
		}
		sqlite3_finalize(st);
		if (count != NULL) {
			count->done++;
			if (upgrade_progress != NULL)
				upgrade_progress(to, count->done, count->total);
		}
	}
	return DB_OK;
}

/* Applies migration `to` (1-based) in a transaction of its own, unless a
 * concurrent opener applied it first. count: the progress of an upgrade
 * (NULL when creating a database). */
static int apply_migration(struct db *db, int to, struct upgrade_count *count)
{
	const struct migration *m = &migrations[to - 1];
	int v, rc;

	if ((rc = db_run(db, ST_BEGIN)) != DB_OK)
		return rc;
	if ((rc = read_user_version(db, &v)) != DB_OK)
		goto fail;
	if (v >= to)
		return db_run(db, ST_COMMIT);
	if ((rc = run_script(db, to, m->sql, count)) != DB_OK)
		goto fail;
	if ((rc = db_run(db, m->set_version)) != DB_OK || (rc = db_run(db, ST_COMMIT)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	run_quiet(db, ST_ROLLBACK);
	return rc;
}

/*
 * Brings the schema to DB_SCHEMA_VERSION. Refuses (err set) a newer schema,
 * a foreign database and, when read-only, one that needs migrating.
 */
static int migrate(struct db *db, const char *path, char *err, size_t errsz)
{
	sqlite3_stmt *st;
	int v, objects;

	if (read_user_version(db, &v) != DB_OK)
		return fail_to(err, errsz, "cannot read database %s: %s / kan inte läsa databasen %s",
			       path, db->err, path);
	if (v > DB_SCHEMA_VERSION)
		return fail_to(err, errsz,
			       "database %s was made by a newer nsp (schema %d, this program knows %d) / "
			       "databasen %s är skapad av en nyare nsp (schema %d, programmet känner till %d)",
			       path, v, DB_SCHEMA_VERSION, path, v, DB_SCHEMA_VERSION);
	if (v < 0)
		return fail_to(err, errsz, "database %s has an invalid schema version %d / "
			       "databasen %s har ett ogiltigt schemaversionsnummer %d", path, v, path, v);
	if (v == 0) {
		/* Version 0 with tables in it is somebody else's database. */
		if ((st = db_stmt(db, ST_SCHEMA_PROBE)) == NULL || stmt_row(db, st, "probe") != DB_OK)
			return fail_to(err, errsz, "cannot read database %s: %s / kan inte läsa databasen %s",
				       path, db->err, path);
		objects = sqlite3_column_int(st, 0);
		stmt_done(st);
		if (objects > 0)
			return fail_to(err, errsz, "%s is not an nsp database / %s är inte en nsp-databas",
				       path, path);
	}
	if (v < DB_SCHEMA_VERSION && db->readonly)
		return fail_to(err, errsz,
			       "database %s needs upgrading; open it once without read-only / "
			       "databasen %s behöver uppgraderas; öppna den en gång utan skrivskydd", path, path);
	/* An upgrade (not the creation of a database) reports its progress:
	 * each migration as it starts, then each of its statements. */
	struct upgrade_count count = { 0, 0 }, *counting = v > 0 ? &count : NULL;

	if (counting != NULL)
		for (int to = v + 1; to <= DB_SCHEMA_VERSION; to++)
			count.total += script_statements(migrations[to - 1].sql);
	for (int to = v + 1; to <= DB_SCHEMA_VERSION; to++) {
		if (counting != NULL && upgrade_progress != NULL)
			upgrade_progress(to, count.done, count.total);
		if (apply_migration(db, to, counting) != DB_OK)
			return fail_to(err, errsz, "cannot upgrade database %s: %s / kan inte uppgradera databasen %s",
				       path, db->err, path);
	}
	return DB_OK;
}

/* The first read tells a database from something else, and a locked or
 * damaged file from a readable one. */
static int probe(struct db *db, const char *path, char *err, size_t errsz)
{
	sqlite3_stmt *st = db_stmt(db, ST_SCHEMA_PROBE);

	/* Preparing reads the schema already, so the failure may come from
	 * db_stmt() or from the step: classify by the connection's error. */
	if (st != NULL) {
		int rc = sqlite3_step(st);

		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			return DB_OK;
	}
	switch (sqlite3_errcode(db->conn)) {
	case SQLITE_NOTADB:
		return fail_to(err, errsz, "%s is not a database file / %s är inte en databasfil", path, path);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return fail_to(err, errsz, "database %s is locked by another program / "
			       "databasen %s är låst av ett annat program", path, path);
	case SQLITE_CORRUPT:
		return fail_to(err, errsz, "database %s is damaged / databasen %s är skadad", path, path);
	default:
		break;
	}
	return fail_to(err, errsz, "cannot read database %s: %s / kan inte läsa databasen %s",
		       path, sqlite3_errmsg(db->conn), path);
}

/* WAL, durability, foreign keys, overwriting deleted data (R12), and the
 * temporary b-trees of large queries (the report's UNIONs and GROUP BYs) in
 * memory rather than in a temporary file. */
static int configure(struct db *db, const char *path, int flags, char *err, size_t errsz)
{
	static const enum stmt pragmas[] = { ST_SYNC_FULL, ST_FOREIGN_KEYS_ON, ST_SECURE_DELETE_ON,
					     ST_TEMP_STORE_MEMORY };
	sqlite3_stmt *st;
	const char *mode;

	if (!db->readonly) {
		if ((st = db_stmt(db, ST_JOURNAL_WAL)) == NULL || stmt_row(db, st, "journal_mode") != DB_OK)
			return fail_to(err, errsz, "cannot set up database %s: %s / kan inte förbereda databasen %s",
				       path, db->err, path);
		mode = (const char *)sqlite3_column_text(st, 0);
		if (mode == NULL || strcmp(mode, "wal") != 0) {
			stmt_done(st);
			return fail_to(err, errsz, "database %s cannot use write-ahead logging here / "
				       "databasen %s kan inte använda WAL-loggning här", path, path);
		}
		stmt_done(st);
	}
	for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++)
		if (db_run(db, pragmas[i]) != DB_OK)
			return fail_to(err, errsz, "cannot set up database %s: %s / kan inte förbereda databasen %s",
				       path, db->err, path);
	if (flags & DB_QUICK_CHECK) {
		if ((st = db_stmt(db, ST_QUICK_CHECK)) == NULL || stmt_row(db, st, "quick_check") != DB_OK)
			return fail_to(err, errsz, "database %s is damaged: %s / databasen %s är skadad",
				       path, db->err, path);
		const char *res = (const char *)sqlite3_column_text(st, 0);
		int ok = res != NULL && strcmp(res, "ok") == 0;
		stmt_done(st);
		if (!ok)
			return fail_to(err, errsz, "database %s is damaged / databasen %s är skadad", path, path);
	}
	return DB_OK;
}

/* ------------------------------------------------------------ SQLite tuning (issue 7, the read path) */

static pthread_once_t sqlite_settings_once = PTHREAD_ONCE_INIT;

/* No memory statistics: nsp never reads them, and they put one process-wide
 * mutex around every allocation of every connection. SQLite takes this only
 * before its first use in the process (else it refuses, harmlessly). */
static void sqlite_settings(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The flags db_open() adds to every connection, after the process-wide
 * settings: no mutex of its own, since a struct db is used by one thread at
 * a time (store.h), so SQLite's per-call locking only costs (a tenth of a
 * person read's instructions, with the statistics above). */
static int connection_tuning(void)
{
	pthread_once(&sqlite_settings_once, sqlite_settings);
	return SQLITE_OPEN_NOMUTEX;
}

/* Removes a database file that db_open() created and could not finish. */
static void unlink_created(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char name[PATH_MAX];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		int n = snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		if (n > 0 && (size_t)n < sizeof name)
			unlink(name);
	}
}

int db_open(struct db **out, const char *path, int flags, char *err, size_t errsz)
{
	struct db *db = NULL;
	bool created = false;
	struct stat sb;
	int oflags, fd;

	*out = NULL;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (path == NULL || !(flags & DB_CREATE) == !(flags & DB_EXISTING) ||
	    ((flags & DB_READONLY) && (flags & DB_CREATE)))
		return fail_to(err, errsz, "invalid arguments to db_open / ogiltiga argument till db_open");
	if (sodium_init() < 0)
		return fail_to(err, errsz, "libsodium cannot start / libsodium kan inte starta");

	if (flags & DB_CREATE) {
		/* O_EXCL: two inits racing cannot both believe they made the file. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			return fail_to(err, errsz, "database %s exists already; nsp will not overwrite it / "
				       "databasen %s finns redan; nsp skriver inte över den", path, path);
		if (fd < 0)
			return fail_to(err, errsz, "cannot create database %s: %s / kan inte skapa databasen %s",
				       path, strerror(errno), path);
		close(fd);
		created = true;
	} else if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return fail_to(err, errsz, "database %s does not exist / databasen %s finns inte", path, path);
		return fail_to(err, errsz, "cannot open database %s: %s / kan inte öppna databasen %s",
			       path, strerror(errno), path);
	} else if (!S_ISREG(sb.st_mode)) {
		return fail_to(err, errsz, "%s is not a database file / %s är inte en databasfil", path, path);
	}

	if ((db = calloc(1, sizeof *db)) == NULL) {
		fail_to(err, errsz, "out of memory / slut på minne");
		goto fail;
	}
	db->readonly = (flags & DB_READONLY) != 0;
	oflags = db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	oflags |= connection_tuning();
	if (sqlite3_open_v2(path, &db->conn, oflags, NULL) != SQLITE_OK) {
		fail_to(err, errsz, "cannot open database %s: %s / kan inte öppna databasen %s",
			path, db->conn != NULL ? sqlite3_errmsg(db->conn) : "out of memory", path);
		goto fail;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS);
	/* Defensive mode: even a bug here cannot corrupt the file through SQL. */
	sqlite3_db_config(db->conn, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);

	if (probe(db, path, err, errsz) != DB_OK || configure(db, path, flags, err, errsz) != DB_OK ||
	    migrate(db, path, err, errsz) != DB_OK)
		goto fail;
	db->err[0] = '\0';
	*out = db;
	return DB_OK;
fail:
	db_close(db);
	if (created)
		unlink_created(path);
	return DB_ERROR;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_close(db->audit_db);     /* audit_batch.c's connection for read audits */
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(db->stmts[i]);
	sqlite3_close(db->conn);    /* rolls back a transaction left open */
	if (db->write_locked)
		pthread_mutex_unlock(&write_lock);
	sodium_memzero(db, sizeof *db);
	free(db);
}

int db_backup(struct db *db, const char *dest_path, char *err, size_t errsz)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int fd, rc = SQLITE_ERROR, tries = 0;

	fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail_to(err, errsz, "cannot create backup %s: %s / kan inte skapa säkerhetskopian %s",
			       dest_path, strerror(errno), dest_path);
	close(fd);
	if (sqlite3_open_v2(dest_path, &dst, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    (b = sqlite3_backup_init(dst, "main", db->conn, "main")) != NULL) {
		/* All pages in one step, so the copy is one consistent snapshot. */
		while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++tries > BUSY_TIMEOUT_MS / 100)
				break;
			sqlite3_sleep(100);
		}
		sqlite3_backup_finish(b);
	}
	if (rc != SQLITE_DONE) {
		fail_to(err, errsz, "cannot write backup %s: %s / kan inte skriva säkerhetskopian %s", dest_path,
			dst != NULL ? sqlite3_errmsg(dst) : "out of memory", dest_path);
		sqlite3_close(dst);
		unlink_created(dest_path);
		return DB_ERROR;
	}
	sqlite3_close(dst);
	return DB_OK;
}

int db_integrity_check(struct db *db, char *err, size_t errsz)
{
	sqlite3_stmt *st = NULL;
	int rc, ok = 0;

	if (sqlite3_prepare_v2(db->conn, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return fail_to(err, errsz, "integrity_check cannot run: %s / integrity_check kan inte köras",
			       sqlite3_errmsg(db->conn));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *first = (const char *)sqlite3_column_text(st, 0);

		ok = first && strcmp(first, "ok") == 0;
		if (!ok)
			fail_to(err, errsz, "integrity_check: %s / integritetskontrollen misslyckades",
				first ? first : "?");
	} else {
		fail_to(err, errsz, "integrity_check cannot run: %s / integrity_check kan inte köras",
			sqlite3_errmsg(db->conn));
	}
	sqlite3_finalize(st);
	return ok ? DB_OK : DB_ERROR;
}

/* ------------------------------------------------------------ keys */

int db_keys_copy(struct db *dst, const struct db *src)
{
	if (!src->keys_set)
		return db_fail(dst, "no keys to copy");
	memcpy(dst->identity_key, src->identity_key, sizeof dst->identity_key);
	memcpy(dst->audit_key, src->audit_key, sizeof dst->audit_key);
	memcpy(dst->token_key, src->token_key, sizeof dst->token_key);
	memcpy(dst->totp_key, src->totp_key, sizeof dst->totp_key);
	memcpy(dst->recovery_key, src->recovery_key, sizeof dst->recovery_key);
	memcpy(dst->linkage_key, src->linkage_key, sizeof dst->linkage_key);
	dst->keys_set = true;
	return DB_OK;
}

/* The KDF context: exactly crypto_kdf_CONTEXTBYTES (8) characters. */
static const char kdf_context[crypto_kdf_CONTEXTBYTES + 1] = "nsp_keys";

/* 4 is taken by `nsp audit` (src/cli/cmd_audit.c: the audit head's signing seed). */
enum { SUBKEY_IDENTITY = 1, SUBKEY_AUDIT = 2, SUBKEY_TOKEN = 3, SUBKEY_TOTP = 5, SUBKEY_RECOVERY = 6, SUBKEY_LINKAGE = 7 };

int db_set_keys(struct db *db, const unsigned char master[DB_KEY_BYTES])
{
	_Static_assert(DB_KEY_BYTES == crypto_kdf_KEYBYTES, "master key size");
	_Static_assert(DB_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "identity key size");

	if (crypto_kdf_derive_from_key(db->identity_key, sizeof db->identity_key, SUBKEY_IDENTITY,
				       kdf_context, master) != 0 ||
	    crypto_kdf_derive_from_key(db->audit_key, sizeof db->audit_key, SUBKEY_AUDIT,
				       kdf_context, master) != 0 ||
	    crypto_kdf_derive_from_key(db->token_key, sizeof db->token_key, SUBKEY_TOKEN,
				       kdf_context, master) != 0 ||
	    crypto_kdf_derive_from_key(db->totp_key, sizeof db->totp_key, SUBKEY_TOTP,
				       kdf_context, master) != 0 ||
	    crypto_kdf_derive_from_key(db->recovery_key, sizeof db->recovery_key, SUBKEY_RECOVERY,
				       kdf_context, master) != 0 ||
	    crypto_kdf_derive_from_key(db->linkage_key, sizeof db->linkage_key, SUBKEY_LINKAGE,
				       kdf_context, master) != 0) {
		sodium_memzero(db->identity_key, sizeof db->identity_key);
		sodium_memzero(db->audit_key, sizeof db->audit_key);
		sodium_memzero(db->token_key, sizeof db->token_key);
		sodium_memzero(db->totp_key, sizeof db->totp_key);
		sodium_memzero(db->recovery_key, sizeof db->recovery_key);
		sodium_memzero(db->linkage_key, sizeof db->linkage_key);
		db->keys_set = false;
		return db_fail(db, "cannot derive the keys");
	}
	db->keys_set = true;
	return DB_OK;
}

int db_require_keys(struct db *db)
{
	return db->keys_set ? DB_OK : db_fail(db, "the encryption keys are not set (db_set_keys)");
}

#define KEY_HEX_LEN (2 * DB_KEY_BYTES)

int db_key_file_write(const char *path, const unsigned char master[DB_KEY_BYTES], char *err, size_t errsz)
{
	char line[KEY_HEX_LEN + 2];
	size_t len;
	int fd, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail_to(err, errsz, "cannot create key file %s: %s / kan inte skapa nyckelfilen %s",
			       path, strerror(errno), path);
	sodium_bin2hex(line, KEY_HEX_LEN + 1, master, DB_KEY_BYTES);
	line[KEY_HEX_LEN] = '\n';
	len = KEY_HEX_LEN + 1;
	ok = write(fd, line, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	sodium_memzero(line, sizeof line);
	if (!ok) {
		unlink(path);
		return fail_to(err, errsz, "cannot write key file %s / kan inte skriva nyckelfilen %s", path, path);
	}
	return DB_OK;
}

int db_key_file_create(const char *path, unsigned char master[DB_KEY_BYTES], char *err, size_t errsz)
{
	if (sodium_init() < 0)
		return fail_to(err, errsz, "libsodium cannot start / libsodium kan inte starta");
	randombytes_buf(master, DB_KEY_BYTES);
	if (db_key_file_write(path, master, err, errsz) != DB_OK) {
		sodium_memzero(master, DB_KEY_BYTES);
		return DB_ERROR;
	}
	return DB_OK;
}

int db_key_file_read(const char *path, unsigned char master[DB_KEY_BYTES], char *err, size_t errsz)
{
	char buf[KEY_HEX_LEN + 8];
	const char *end = NULL;
	size_t bin_len = 0;
	struct stat sb;
	ssize_t got;
	int fd, rc = DB_ERROR;

	if (sodium_init() < 0)
		return fail_to(err, errsz, "libsodium cannot start / libsodium kan inte starta");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_to(err, errsz, "cannot open key file %s: %s / kan inte öppna nyckelfilen %s",
			       path, strerror(errno), path);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fail_to(err, errsz, "key file %s is not a regular file / nyckelfilen %s är ingen vanlig fil",
			path, path);
		goto out;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		fail_to(err, errsz, "key file %s is accessible to other users; run chmod 600 on it / "
			"nyckelfilen %s kan läsas av andra användare; kör chmod 600 på den", path, path);
		goto out;
	}
	got = read(fd, buf, sizeof buf - 1);
	if (got < 0) {
		fail_to(err, errsz, "cannot read key file %s: %s / kan inte läsa nyckelfilen %s",
			path, strerror(errno), path);
		goto out;
	}
	buf[got] = '\0';
	/* Exactly 64 hex digits, then nothing but a line end. */
	if (sodium_hex2bin(master, DB_KEY_BYTES, buf, (size_t)got, NULL, &bin_len, &end) != 0 ||
	    bin_len != DB_KEY_BYTES || end == NULL || strspn(end, "\r\n") != strlen(end)) {
		sodium_memzero(master, DB_KEY_BYTES);
		fail_to(err, errsz, "key file %s does not hold a valid key / nyckelfilen %s innehåller ingen giltig nyckel",
			path, path);
		goto out;
	}
	rc = DB_OK;
out:
	sodium_memzero(buf, sizeof buf);
	close(fd);
	return rc;
}

int db_checkpoint(struct db *db, bool *complete)
{
	sqlite3_stmt *st = db_stmt(db, ST_CHECKPOINT);
	int rc;

	*complete = false;
	if (st == NULL)
		return DB_ERROR;
	if ((rc = stmt_row(db, st, "checkpointing the WAL")) != DB_OK)
		return rc;
	/* wal_checkpoint answers (busy, log frames, checkpointed frames):
	 * busy = 1 when a reader or writer kept it from finishing. */
	*complete = sqlite3_column_int(st, 0) == 0;
	stmt_done(st);
	return DB_OK;
}
