/*
 * The read path's store (issue 7): read audits committed together
 * (db_audit_read, src/store/audit_batch.c) and read scopes
 * (db_read_begin/db_read_end), against real database files in a temporary
 * folder ($TMPDIR or /tmp), removed afterwards. Every thread has its own
 * connection, as the server's workers do. Checks and tampering go through
 * raw sqlite3 connections: allowed here, in tests only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"

#define THREADS 8
#define READS_PER_THREAD 150

static const unsigned char test_master[DB_KEY_BYTES] = {
	0x72, 0x65, 0x61, 0x64, 0x2d, 0x70, 0x61, 0x74, 0x68, 0x02, 0x03, 0x05, 0x07, 0x0b, 0x0d, 0x11,
	0x13, 0x17, 0x1d, 0x1f, 0x25, 0x29, 0x2b, 0x2f, 0x35, 0x3b, 0x3d, 0x43, 0x47, 0x49, 0x4f, 0x53,
};

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	struct db *db;
};

/* ------------------------------------------------------------ helpers */

/* A fresh folder with a new database (keys set) and one audit entry, written
 * the ordinary way (FULL, in a transaction of its own). */
static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof *fx);
	char err[DB_ERR_MAX];
	int n;

	assert_non_null(fx);
	n = snprintf(fx->dir, sizeof fx->dir, "%s/nsp-read-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	assert_true(n > 0 && (size_t)n < sizeof fx->dir);
	assert_non_null(mkdtemp(fx->dir));
	n = snprintf(fx->path, sizeof fx->path, "%s/nsp.db", fx->dir);
	assert_true(n > 0 && (size_t)n < sizeof fx->path);
	if (db_open(&fx->db, fx->path, DB_CREATE, err, sizeof err) != DB_OK)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_set_keys(fx->db, test_master), DB_OK);
	assert_int_equal(db_audit(fx->db, 1, "test.setup", "", 0, NULL), DB_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char name[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	db_close(fx->db);
	if ((d = opendir(fx->dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (snprintf(name, sizeof name, "%s/%s", fx->dir, e->d_name) > 0)
				unlink(name);
		}
		closedir(d);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* A second connection to the fixture's database with the same keys, as a
 * worker thread of the server has; NULL on failure (threads cannot assert). */
static struct db *open_worker(const struct fixture *fx)
{
	char err[DB_ERR_MAX];
	struct db *db;

	if (db_open(&db, fx->path, DB_EXISTING, err, sizeof err) != DB_OK)
		return NULL;
	if (db_set_keys(db, test_master) != DB_OK) {
		db_close(db);
		return NULL;
	}
	return db;
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *conn = NULL;

	if (sqlite3_open_v2(path, &conn, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(conn);
		return NULL;
	}
	sqlite3_busy_timeout(conn, 5000);
	return conn;
}

/* The first column of the first row of sql with ?1 bound to arg; -1 on failure. */
static int64_t raw_int(sqlite3 *conn, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void verify_ok(struct db *db, int64_t entries)
{
	struct audit_report r;

	assert_int_equal(db_audit_verify(db, &r), DB_OK);
	if (r.problem != AUDIT_OK)
		fail_msg("the chain does not verify: %s", r.message);
	assert_int_equal(r.checked, entries);
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* ------------------------------------------------------------ many readers */

struct reader {
	pthread_t thread;
	const struct fixture *fx;
	int index;
	int calls_ok;            /* db_audit_read returned 0 */
	int seen_at_return;      /* ... and its entry was committed when it returned */
	char failure[256];       /* the first thing that went wrong, "" when none */
};

/* READS_PER_THREAD reads, each with a distinct entity id; after each one a
 * raw connection must already see its entry, committed. */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct db *db = open_worker(r->fx);
	sqlite3 *raw = raw_open(r->fx->path);

	if (db == NULL || raw == NULL) {
		snprintf(r->failure, sizeof r->failure, "thread %d cannot open the database", r->index);
		goto out;
	}
	for (int i = 0; i < READS_PER_THREAD; i++) {
		int64_t entity = (int64_t)(r->index + 1) * 100000 + i;

		if (db_audit_read(db, 2, "person.read", "person", entity, i % 2 ? "identity" : NULL) != DB_OK) {
			if (r->failure[0] == '\0')
				snprintf(r->failure, sizeof r->failure, "read %lld failed: %s", (long long)entity,
					 db_errmsg(db));
			continue;
		}
		r->calls_ok++;
		if (raw_int(raw, "SELECT count(*) FROM audit WHERE action = 'person.read' AND entity_id = ?1",
			    entity) == 1)
			r->seen_at_return++;
	}
out:
	sqlite3_close(raw);
	db_close(db);
	return NULL;
}

static void test_concurrent_reads_each_audited_once(void **state)
{
	struct fixture *fx = *state;
	struct reader readers[THREADS];
	struct db_audit_batch_stats before, after;
	sqlite3 *raw;

	db_audit_batch_stats(&before);
	memset(readers, 0, sizeof readers);
	for (int t = 0; t < THREADS; t++) {
		readers[t].fx = fx;
		readers[t].index = t;
		assert_int_equal(pthread_create(&readers[t].thread, NULL, reader_main, &readers[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(readers[t].thread, NULL), 0);
	for (int t = 0; t < THREADS; t++) {
		if (readers[t].failure[0] != '\0')
			fail_msg("%s", readers[t].failure);
		assert_int_equal(readers[t].calls_ok, READS_PER_THREAD);
		/* Committed before the call returned, not merely queued. */
		assert_int_equal(readers[t].seen_at_return, READS_PER_THREAD);
	}
	db_audit_batch_stats(&after);
	assert_int_equal(after.entries - before.entries, THREADS * READS_PER_THREAD);
	assert_true(after.batches - before.batches >= 1);
	assert_true(after.batches - before.batches <= THREADS * READS_PER_THREAD);
	assert_int_equal(after.failed_batches, before.failed_batches);
	assert_int_equal(after.waiting, 0);

	/* Exactly one entry per read: as many rows as reads, no entity twice. */
	assert_non_null(raw = raw_open(fx->path));
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM audit WHERE action = 'person.read'", 0),
			 THREADS * READS_PER_THREAD);
	assert_int_equal(raw_int(raw, "SELECT count(DISTINCT entity_id) FROM audit WHERE action = 'person.read'", 0),
			 THREADS * READS_PER_THREAD);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM audit WHERE detail = 'identity'", 0),
			 THREADS * READS_PER_THREAD / 2);
	/* The ids run without a gap, and every thread's reads are in its own order. */
	assert_int_equal(raw_int(raw, "SELECT max(id) - min(id) + 1 - count(*) FROM audit", 0), 0);
	assert_int_equal(raw_int(raw,
				 "SELECT count(*) FROM audit a JOIN audit b ON b.entity_id / 100000 = a.entity_id / 100000 "
				 "AND b.entity_id > a.entity_id AND b.id < a.id WHERE a.action = 'person.read' "
				 "AND b.action = 'person.read'", 0),
			 0);
	sqlite3_close(raw);
	/* The keyed hash chain holds across the batches (and the setup's entry). */
	verify_ok(fx->db, 1 + THREADS * READS_PER_THREAD);
}

/* ------------------------------------------------------------ a batch that fails */

struct failing {
	pthread_t thread;
	const struct fixture *fx;
	int index;
	int rc;
	char err[DB_ERR_MAX];
	bool opened;
};

static void *failing_main(void *arg)
{
	struct failing *f = arg;
	struct db *db = open_worker(f->fx);

	if (db == NULL)
		return NULL;
	f->opened = true;
	f->rc = db_audit_read(db, 2, "person.read", "person", 900000 + f->index, NULL);
	snprintf(f->err, sizeof f->err, "%s", db_errmsg(db));
	db_close(db);
	return NULL;
}

/*
 * Another program holds the write lock while the reads queue up, so that
 * they are committed in batches of several; what it commits meanwhile makes
 * every insert into the log fail. Every read of every batch must fail, with
 * the reason, and none of their entries may be written.
 */
static void test_failed_batch_fails_every_read(void **state)
{
	struct fixture *fx = *state;
	struct failing f[THREADS];
	struct db_audit_batch_stats before, during, after;
	sqlite3 *raw;
	int waited;

	/* Each reader opens its connection (and its read-audit connection) while
	 * the database is free; they all wait until every one is open. */
	assert_non_null(raw = raw_open(fx->path));
	db_audit_batch_stats(&before);
	assert_int_equal(sqlite3_exec(raw,
				      "BEGIN IMMEDIATE; CREATE TRIGGER audit_refused BEFORE INSERT ON audit "
				      "BEGIN SELECT RAISE(ABORT, 'the log refuses entries'); END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	memset(f, 0, sizeof f);
	for (int t = 0; t < THREADS; t++) {
		f[t].fx = fx;
		f[t].index = t;
		assert_int_equal(pthread_create(&f[t].thread, NULL, failing_main, &f[t]), 0);
	}
	/* All of them queued (one leading, blocked on the lock): at most 3 s of
	 * the leader's 5 s busy timeout. */
	for (waited = 0; waited < 3000; waited += 5) {
		db_audit_batch_stats(&during);
		if (during.waiting == THREADS)
			break;
		sleep_ms(5);
	}
	assert_int_equal(during.waiting, THREADS);
	assert_int_equal(sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(f[t].thread, NULL), 0);

	for (int t = 0; t < THREADS; t++) {
		assert_true(f[t].opened);
		assert_int_equal(f[t].rc, DB_ERROR);
		if (strstr(f[t].err, "refuses entries") == NULL)
			fail_msg("reader %d got no reason: \"%s\"", t, f[t].err);
	}
	db_audit_batch_stats(&after);
	assert_int_equal(after.entries - before.entries, THREADS);
	assert_true(after.failed_batches - before.failed_batches >= 1);
	assert_int_equal(after.failed_batches - before.failed_batches, after.batches - before.batches);
	/* At least one batch held several reads, and all of its reads failed. */
	assert_true(after.largest >= 2);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM audit WHERE entity_id >= 900000", 0), 0);

	/* Once the log takes entries again, so do reads, on the same chain. */
	assert_int_equal(sqlite3_exec(raw, "DROP TRIGGER audit_refused", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(db_audit_read(fx->db, 2, "person.read", "person", 42, NULL), DB_OK);
	verify_ok(fx->db, 2);
}

/* ------------------------------------------------------------ edges */

static void test_read_audit_edges(void **state)
{
	struct fixture *fx = *state;
	struct db *ro;
	char err[DB_ERR_MAX];

	/* Inside the caller's transaction it joins it: rolled back with it. */
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_audit_read(fx->db, 2, "person.read", "person", 7, NULL), DB_OK);
	assert_int_equal(db_rollback(fx->db), DB_OK);
	verify_ok(fx->db, 1);
	/* And committed with it. */
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_audit_read(fx->db, 2, "person.read", "person", 7, NULL), DB_OK);
	assert_int_equal(db_commit(fx->db), DB_OK);
	verify_ok(fx->db, 2);

	/* Refused at once where it cannot be written, for that call alone. */
	assert_int_equal(db_audit_read(fx->db, 2, "", "person", 7, NULL), DB_ERROR);
	assert_int_equal(db_audit_read(fx->db, 2, NULL, "person", 7, NULL), DB_ERROR);
	if (db_open(&ro, fx->path, DB_EXISTING | DB_READONLY, err, sizeof err) != DB_OK)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_set_keys(ro, test_master), DB_OK);
	assert_int_equal(db_audit_read(ro, 2, "person.read", "person", 7, NULL), DB_ERROR);
	assert_non_null(strstr(db_errmsg(ro), "read-only"));
	db_close(ro);
	verify_ok(fx->db, 2);

	/* A connection without keys cannot chain an entry. */
	if (db_open(&ro, fx->path, DB_EXISTING, err, sizeof err) != DB_OK)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_audit_read(ro, 2, "person.read", "person", 7, NULL), DB_ERROR);
	db_close(ro);

	/* Ordinary writes on a connection that audits reads still commit:
	 * the read audits' own connection leaves the main one as it was. */
	assert_int_equal(db_audit_read(fx->db, 2, "person.read", "person", 8, NULL), DB_OK);
	assert_int_equal(db_audit(fx->db, 1, "test.after", "", 0, NULL), DB_OK);
	verify_ok(fx->db, 4);

	/* Keys set later are the ones the next read's entry is chained with. */
	unsigned char other[DB_KEY_BYTES];
	memcpy(other, test_master, sizeof other);
	other[0] ^= 0x01;
	assert_int_equal(db_set_keys(fx->db, other), DB_OK);
	assert_int_equal(db_audit_read(fx->db, 2, "person.read", "person", 9, NULL), DB_OK);
	assert_int_equal(db_audit_check_key(fx->db), DB_OK);
	assert_int_equal(db_set_keys(fx->db, test_master), DB_OK);
	assert_int_equal(db_audit_check_key(fx->db), DB_CONFLICT);
}

/* ------------------------------------------------------------ checkpoints */

/* The read audits' connection has no autocheckpoint of its own: the leaders
 * checkpoint (after answering), so the WAL is reused and does not grow with
 * every read. 3000 reads are 3000 commits of a frame or more each. */
static void test_read_audits_keep_the_wal_bounded(void **state)
{
	struct fixture *fx = *state;
	char wal[PATH_MAX + 8];
	struct stat sb;
	sqlite3 *raw;
	int64_t page;

	for (int i = 0; i < 3000; i++)
		assert_int_equal(db_audit_read(fx->db, 2, "person.read", "person", i + 1, NULL), DB_OK);
	assert_true(snprintf(wal, sizeof wal, "%s-wal", fx->path) > 0);
	assert_int_equal(stat(wal, &sb), 0);
	assert_non_null(raw = raw_open(fx->path));
	page = raw_int(raw, "PRAGMA page_size", 0);
	sqlite3_close(raw);
	assert_true(page > 0);
	/* At most the checkpoint's threshold (1000 frames) and some slack. */
	if (sb.st_size > 1500 * (page + 24) + 32)
		fail_msg("the WAL grew to %lld bytes over 3000 reads", (long long)sb.st_size);
	verify_ok(fx->db, 1 + 3000);
}

/* ------------------------------------------------------------ read scopes */

static void test_read_scope_sees_one_snapshot(void **state)
{
	struct fixture *fx = *state;
	struct db *other = open_worker(fx);
	unsigned char hash[DB_HASH_BYTES];
	int64_t id, id2;
	bool opened;

	assert_non_null(other);
	assert_int_equal(db_read_begin(fx->db, &opened), DB_OK);
	assert_true(opened);
	assert_true(db_in_transaction(fx->db));
	assert_int_equal(db_audit_head(fx->db, &id, hash), DB_OK);
	assert_int_equal(id, 1);
	/* Another connection writes meanwhile (as a reader beside it would). */
	assert_int_equal(db_audit_read(other, 2, "person.read", "person", 5, NULL), DB_OK);
	assert_int_equal(db_audit_head(fx->db, &id2, hash), DB_OK);
	assert_int_equal(id2, 1);            /* the scope's snapshot */
	assert_int_equal(db_read_end(fx->db, opened), DB_OK);
	assert_false(db_in_transaction(fx->db));
	assert_int_equal(db_audit_head(fx->db, &id2, hash), DB_OK);
	assert_int_equal(id2, 2);            /* after it, the newest */

	/* Inside a transaction the scope joins it and leaves it open. */
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_read_begin(fx->db, &opened), DB_OK);
	assert_false(opened);
	assert_int_equal(db_read_end(fx->db, opened), DB_OK);
	assert_true(db_in_transaction(fx->db));
	assert_int_equal(db_audit(fx->db, 1, "test.inside", "", 0, NULL), DB_OK);
	assert_int_equal(db_commit(fx->db), DB_OK);
	verify_ok(fx->db, 3);
	db_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrent_reads_each_audited_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_batch_fails_every_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_audit_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_audits_keep_the_wal_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_scope_sees_one_snapshot, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
