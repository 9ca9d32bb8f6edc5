/*
 * baseline_sqlite: the write path's baseline (make bench, issue 7).
 *
 *   baseline_sqlite --db FILE --txns N --rows R [--threads T] [--row-bytes B] [--reuse]
 *
 * Performs N raw SQLite write transactions of R inserted rows each, with
 * the durability nsp uses (WAL, synchronous = FULL, BEGIN IMMEDIATE, the
 * same busy timeout), on a fresh FILE: put it on the same disk as the nsp
 * database. bench/run measures how many rows nsp writes per transaction of
 * the write path (its applications, decisions, decision lines, ledger and
 * audit rows) and passes that as R, so the baseline pays the same fsyncs
 * and about the same page writes, without HTTP, JSON, rules or hashing.
 * Each row has an integer key under a secondary index and a text of B bytes
 * (default 120, about an audit row).
 *
 * T threads (default 1) share the transactions, each on its own connection
 * as nsp's worker threads are. With T = 1 it is the disk's ceiling for such
 * transactions: no lock waits.
 *
 * A new FILE is first grown to its working size, the WAL to SQLite's
 * checkpoint at 1000 pages, and checkpointed, as a long-running database's
 * is: a commit that appends to the file costs this file system (ext4 without
 * a journal) a second synchronous write for the inode, one that overwrites
 * does not. That burst of writes slows the fsyncs that follow it, so bench/run
 * makes the file once, untimed, and passes --reuse for the measured runs:
 * with --reuse an existing FILE is used as it is and kept; without it FILE is
 * made afresh and removed at the end.
 *
 * Prints one line of JSON: {"txns":N,"rows":R,"threads":T,"seconds":S,"per_second":X,
 * "busy_timeouts":K}, K counting the BEGINs that waited past the busy timeout
 * (then retried).
 * This is the one program of bench/ that calls SQLite directly: it is the
 * baseline the store is measured against.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define BUSY_TIMEOUT_MS 5000 /* as src/store/db.c */
#define MAX_THREADS 64
#define MAX_ROW_BYTES 4096

static const char usage[] =
	"Usage: baseline_sqlite --db FILE --txns N --rows R [--threads T] [--row-bytes B] [--reuse]\n"
	"Runs N durable write transactions of R rows on a new FILE (with --reuse: an existing one).\n"
	"Användning: baseline_sqlite --db FIL --txns N --rows R [--threads T] [--row-bytes B] [--reuse]\n"
	"Kör N beständiga skrivtransaktioner med R rader i en ny FIL (med --reuse: en befintlig).\n";

struct baseline {
	const char *path;
	long txns, rows, threads, row_bytes;
	char text[MAX_ROW_BYTES + 1];
	pthread_mutex_t lock;
	long next;      /* transactions handed out so far */
	long busy;      /* BEGINs that timed out waiting for the lock, then retried */
	int failed;
};

struct worker {
	struct baseline *b;
	pthread_t thread;
	int id;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Opens path with nsp's settings. Returns the connection, or NULL after printing why. */
static sqlite3 *open_conn(const char *path)
{
	static const char setup[] = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL";
	sqlite3 *conn = NULL;
	char *msg = NULL;

	if (sqlite3_open_v2(path, &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fprintf(stderr, "baseline_sqlite: cannot open %s: %s\n", path, conn ? sqlite3_errmsg(conn) : "?");
		sqlite3_close(conn);
		return NULL;
	}
	sqlite3_busy_timeout(conn, BUSY_TIMEOUT_MS);
	/* Keep the WAL file when the last connection closes, as a server's stays
	 * open: the next run overwrites it instead of growing a new one. */
	int persist = 1;
	sqlite3_file_control(conn, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (sqlite3_exec(conn, setup, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "baseline_sqlite: %s\n", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(conn);
		return NULL;
	}
	return conn;
}

/* Runs one statement without rows; 0 or -1 after printing why. */
static int exec1(sqlite3 *conn, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	fprintf(stderr, "baseline_sqlite: %s\n", sqlite3_errmsg(conn));
	return -1;
}

/* Takes the next transaction number, or -1 when all are handed out (or one failed). */
static long take(struct baseline *b)
{
	long n = -1;

	pthread_mutex_lock(&b->lock);
	if (!b->failed && b->next < b->txns)
		n = b->next++;
	pthread_mutex_unlock(&b->lock);
	return n;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct baseline *b = w->b;
	sqlite3_stmt *begin = NULL, *commit = NULL, *rollback = NULL, *ins = NULL;
	sqlite3 *conn = open_conn(b->path);
	long n;
	int bad = conn == NULL;

	if (!bad &&
	    (sqlite3_prepare_v2(conn, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(conn, "COMMIT", -1, &commit, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(conn, "ROLLBACK", -1, &rollback, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(conn, "INSERT INTO t (k, v) VALUES (?1, ?2)", -1, &ins, NULL) != SQLITE_OK)) {
		fprintf(stderr, "baseline_sqlite: %s\n", sqlite3_errmsg(conn));
		bad = 1;
	}
	while (!bad && (n = take(b)) >= 0) {
		int rc;
		/* SQLite's busy handler sleeps and retries without queueing, so with
		 * several connections one may wait past the timeout: try again, and
		 * count it (nsp's requests would fail with "database is locked"). */
		while ((rc = sqlite3_step(begin)) == SQLITE_BUSY) {
			sqlite3_reset(begin);
			pthread_mutex_lock(&b->lock);
			b->busy++;
			pthread_mutex_unlock(&b->lock);
		}
		sqlite3_reset(begin);
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "baseline_sqlite: BEGIN: %s\n", sqlite3_errmsg(conn));
			bad = 1;
			break;
		}
		for (long r = 0; r < b->rows && !bad; r++) {
			/* Keys spread over the index as ids of different tables are. */
			sqlite3_bind_int64(ins, 1, (sqlite3_int64)((n * 7919 + r * 104729) % 1000003));
			sqlite3_bind_text(ins, 2, b->text, (int)b->row_bytes, SQLITE_STATIC);
			bad = exec1(conn, ins) != 0;
		}
		if (bad || exec1(conn, commit) != 0) {
			(void)exec1(conn, rollback);
			bad = 1;
		}
	}
	if (bad) {
		pthread_mutex_lock(&b->lock);
		b->failed = 1;
		pthread_mutex_unlock(&b->lock);
	}
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_finalize(rollback);
	sqlite3_finalize(ins);
	sqlite3_close(conn);
	return NULL;
}

/* Removes FILE and its -wal and -shm; 0, or -1 after printing why. */
static int remove_db(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char name[4096];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		int n = snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		if (n < 0 || (size_t)n >= sizeof name || (unlink(name) != 0 && errno != ENOENT)) {
			fprintf(stderr, "baseline_sqlite: cannot remove %s%s\n", path, suffixes[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * Writes untimed transactions until the WAL holds WAL_WORKING_BYTES, then
 * checkpoints it without truncating, so the timed commits overwrite it.
 */
#define WAL_WORKING_BYTES (1000L * 4096L)
static int warm_up(const char *path, const char *text, long row_bytes)
{
	sqlite3 *conn = open_conn(path);
	sqlite3_stmt *ins = NULL;
	char wal[4096];
	struct stat sb;
	int rc = -1;

	if (conn == NULL)
		return -1;
	if (snprintf(wal, sizeof wal, "%s-wal", path) >= (int)sizeof wal ||
	    sqlite3_prepare_v2(conn, "INSERT INTO t (k, v) VALUES (?1, ?2)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	while (stat(wal, &sb) != 0 || sb.st_size < WAL_WORKING_BYTES) {
		if (sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			goto out;
		for (int r = 0; r < 100; r++) {
			sqlite3_bind_int64(ins, 1, r);
			sqlite3_bind_text(ins, 2, text, (int)row_bytes, SQLITE_STATIC);
			if (exec1(conn, ins) != 0)
				goto out;
		}
		if (sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			goto out;
	}
	if (sqlite3_exec(conn, "PRAGMA wal_checkpoint(PASSIVE)", NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "baseline_sqlite: warming up: %s\n", sqlite3_errmsg(conn));
	sqlite3_finalize(ins);
	sqlite3_close(conn);
	return rc;
}

/* Creates the table: an integer primary key, a key under an index, a text. */
static int create_schema(const char *path)
{
	static const char schema[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL);"
				     "CREATE INDEX t_k ON t(k)";
	sqlite3 *conn = open_conn(path);
	char *msg = NULL;
	int rc = 0;

	if (conn == NULL)
		return -1;
	if (sqlite3_exec(conn, schema, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "baseline_sqlite: %s\n", msg ? msg : "?");
		sqlite3_free(msg);
		rc = -1;
	}
	sqlite3_close(conn);
	return rc;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },      { "txns", required_argument, NULL, 'n' },
		{ "rows", required_argument, NULL, 'r' },    { "threads", required_argument, NULL, 't' },
		{ "row-bytes", required_argument, NULL, 'b' }, { "reuse", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct baseline b = { .txns = 0, .rows = 0, .threads = 1, .row_bytes = 120 };
	struct worker w[MAX_THREADS];
	struct stat sb;
	int ch, started = 0, reuse = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int bad = 0;
		switch (ch) {
		case 'd': b.path = optarg; break;
		case 'n': bad = parse_long(optarg, 1, 100000000L, &b.txns); break;
		case 'r': bad = parse_long(optarg, 1, 100000L, &b.rows); break;
		case 't': bad = parse_long(optarg, 1, MAX_THREADS, &b.threads); break;
		case 'b': bad = parse_long(optarg, 1, MAX_ROW_BYTES, &b.row_bytes); break;
		case 'u': reuse = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
		if (bad) {
			fprintf(stderr, "baseline_sqlite: invalid number %s / ogiltigt tal %s\n", optarg, optarg);
			return 2;
		}
	}
	if (b.path == NULL || b.txns == 0 || b.rows == 0) {
		fputs(usage, stderr);
		return 2;
	}
	memset(b.text, 'x', sizeof b.text - 1);
	if (!(reuse && stat(b.path, &sb) == 0) &&
	    (remove_db(b.path) != 0 || create_schema(b.path) != 0 || warm_up(b.path, b.text, b.row_bytes) != 0))
		return 1;
	pthread_mutex_init(&b.lock, NULL);
	double t0 = now_s();
	for (int i = 0; i < b.threads; i++) {
		w[i] = (struct worker){ .b = &b, .id = i };
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
			fprintf(stderr, "baseline_sqlite: cannot start a thread\n");
			b.failed = 1;
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	double s = now_s() - t0;
	pthread_mutex_destroy(&b.lock);
	if (b.failed)
		return 1;
	printf("{\"txns\":%ld,\"rows\":%ld,\"threads\":%ld,\"seconds\":%.4f,\"per_second\":%.1f,\"busy_timeouts\":%ld}\n",
	       b.txns, b.rows, b.threads, s, (double)b.txns / (s > 0 ? s : 1e-9), b.busy);
	return reuse || remove_db(b.path) == 0 ? 0 : 1;
}
