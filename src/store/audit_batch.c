/*
 * Group commit of read audits (db_audit_read, store.h).
 *
 * Every read of a person record writes an audit entry, and the entry must be
 * committed (in the WAL) before the read is answered. Committed one by one,
 * each read took the process's writer lock and a transaction of its own, so
 * concurrent readers queued behind each other's commits (bench/, issue 7).
 *
 * Here a read queues its entry and waits. The first waiter that finds no
 * commit in progress becomes the leader: it takes every queued entry of the
 * same database (file and audit key), appends them to the hash chain in one
 * transaction, and then gives every waiter of the batch the outcome, which
 * is the same for all of them: a batch that cannot be committed fails every
 * read in it, and none of its entries is written. Entries that arrive during
 * a commit form the next batch, whose leader is one of their own waiters. No
 * thread of its own, so there is nothing to start or stop, and the CLI and
 * tests use it as the server does.
 *
 * The leader commits on its connection's audit_db: a second connection to
 * the same file, opened on the first read audit and closed by db_close(),
 * that stays at synchronous=NORMAL. The main connection stays at FULL, so no
 * other write ever commits at NORMAL, and no batch switches the pragma (each
 * switch parsed its PRAGMA anew: a tenth of a person read's instructions).
 * It does not checkpoint the WAL in its commits (SQLite's autocheckpoint
 * would, and its batch's readers would wait for the checkpoint's fsyncs):
 * the leader checkpoints after it has woken them, before the next batch.
 *
 * The queue is process-wide (the writer lock of db.c is too): one commit at
 * a time, and a leader takes only its own database's entries, so entries of
 * another database wait for a leader of theirs.
 */
#include "store/store_internal.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

/* One read's entry; lives on the waiting caller's stack until done. */
struct audit_wait {
	struct audit_wait *next;
	struct db *db;               /* the waiter's connection: its file and key */
	const char *file;            /* sqlite3_db_filename(), "" for a temporary database */
	int64_t user_id, entity_id;
	const char *action, *entity, *detail;
	bool done;                   /* set by the leader, with rc and err */
	int rc;
	char err[DB_ERR_MAX];
};

static pthread_mutex_t batch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t batch_done = PTHREAD_COND_INITIALIZER;
static struct audit_wait *queue_head;                /* FIFO, under batch_lock */
static struct audit_wait **queue_tail = &queue_head;
static bool committing;                              /* a leader is committing (or checkpointing) */
static struct db_audit_batch_stats stats;

/* The WAL size (frames) at which a leader checkpoints: SQLite's default for
 * its autocheckpoint, which the read audits' connection has instead. */
#define CHECKPOINT_FRAMES 1000

/* Whether the entry of waiter w may be committed on connection db. */
static bool same_database(const struct db *db, const char *file, const struct audit_wait *w)
{
	if (w->db == db)
		return true;
	/* Another connection: only to the same file, never a temporary one,
	 * and with the same audit key (a chain is never keyed twice). */
	return file[0] != '\0' && strcmp(file, w->file) == 0 &&
	       sodium_memcmp(db->audit_key, w->db->audit_key, sizeof db->audit_key) == 0;
}

/* sqlite3_wal_hook of an audit_db, after each of its commits: notes the
 * WAL's size for lead() (and replaces the autocheckpoint). */
static int wal_noted(void *frames, sqlite3 *conn, const char *name, int n)
{
	(void)conn;
	(void)name;
	*(int *)frames = n;
	return SQLITE_OK;
}

/*
 * Opens db->audit_db unless open: the same file, db's audit key (and no
 * other key: it writes nothing else), synchronous=NORMAL, no autocheckpoint.
 * 0, or -1 with db->err set.
 */
static int audit_db_open(struct db *db, const char *file)
{
	char err[DB_ERR_MAX];
	struct db *adb;

	if (db->audit_db != NULL) {
		/* db_set_keys() may have changed the key since (only this thread
		 * uses audit_db, and it is not leading now). */
		memcpy(db->audit_db->audit_key, db->audit_key, sizeof db->audit_key);
		return DB_OK;
	}
	if (file[0] == '\0')
		return db_fail(db, "read audits need a database file, not a temporary database");
	if (db_open(&adb, file, DB_EXISTING, err, sizeof err) != DB_OK)
		return db_fail(db, "%s", err);
	memcpy(adb->audit_key, db->audit_key, sizeof adb->audit_key);
	adb->keys_set = true;
	if (db_run(adb, ST_SYNC_NORMAL) != DB_OK) {
		db_fail(db, "%s", db_errmsg(adb));
		db_close(adb);
		return DB_ERROR;
	}
	sqlite3_wal_hook(adb->conn, wal_noted, &adb->wal_frames);
	db->audit_db = adb;
	return DB_OK;
}

/* Appends the batch's entries in one transaction on db->audit_db; 0 or a
 * status, with db->err set. */
static int commit_batch(struct db *db, const struct audit_wait *batch)
{
	struct db *adb = db->audit_db;
	struct db_op op;
	int rc;

	if ((rc = op_begin(adb, &op)) == DB_OK) {
		for (const struct audit_wait *w = batch; w != NULL && rc == DB_OK; w = w->next)
			rc = audit_append(adb, w->user_id, w->action, w->entity, w->entity_id, w->detail);
		rc = op_end(adb, &op, rc);
	}
	if (rc != DB_OK)
		memcpy(db->err, adb->err, sizeof db->err);
	return rc;
}

/*
 * Called with batch_lock held and no commit in progress; returns with it
 * held. Takes db's queued entries (the caller's among them), commits them
 * without the lock, and marks each done with the outcome.
 */
static void lead(struct db *db, const char *file)
{
	struct audit_wait *batch = NULL, **batch_tail = &batch, **pp = &queue_head, *w, *next;
	uint64_t n = 0;
	int rc;

	while ((w = *pp) != NULL) {
		if (same_database(db, file, w)) {
			*pp = w->next;
			w->next = NULL;
			*batch_tail = w;
			batch_tail = &w->next;
			n++;
		} else {
			pp = &w->next;
		}
	}
	queue_tail = pp;
	committing = true;
	pthread_mutex_unlock(&batch_lock);

	rc = commit_batch(db, batch);

	pthread_mutex_lock(&batch_lock);
	for (w = batch; w != NULL; w = next) {
		next = w->next;   /* w may be gone once its waiter sees done */
		w->rc = rc;
		if (rc != DB_OK && w->db != db)
			memcpy(w->err, db->err, sizeof w->err);
		w->done = true;
	}
	stats.batches++;
	stats.entries += n;
	if (rc != DB_OK)
		stats.failed_batches++;
	if (n > stats.largest)
		stats.largest = n;
	if (rc == DB_OK && db->audit_db->wal_frames >= CHECKPOINT_FRAMES) {
		/* The batch's readers may answer now, the next batch waits: with
		 * commits beside it a passive checkpoint never catches up with the
		 * WAL, which then never starts over, and every batch checkpoints. */
		pthread_cond_broadcast(&batch_done);
		db->audit_db->wal_frames = 0;
		pthread_mutex_unlock(&batch_lock);
		/* Busy (another checkpoint runs) or failed: a later one will do. */
		(void)sqlite3_wal_checkpoint_v2(db->audit_db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&batch_lock);
	}
	committing = false;
	pthread_cond_broadcast(&batch_done);
}

int db_audit_read(struct db *db, int64_t user_id, const char *action, const char *entity,
		  int64_t entity_id, const char *detail)
{
	struct audit_wait w = { .db = db, .user_id = user_id, .entity_id = entity_id, .action = action,
				.entity = entity, .detail = detail };

	if (db_in_transaction(db))
		return db_audit(db, user_id, action, entity, entity_id, detail);
	/* What would fail a batch for everyone in it is refused here, for this read alone. */
	if (db->readonly)
		return db_fail(db, "the database is open read-only");
	if (db_require_keys(db) != DB_OK)
		return DB_ERROR;
	if (action == NULL || action[0] == '\0')
		return db_fail(db, "an audit entry needs an action");
	w.file = sqlite3_db_filename(db->conn, "main");
	if (w.file == NULL)
		w.file = "";
	/* Opened before queuing, so that a failure fails this read alone. */
	if (audit_db_open(db, w.file) != DB_OK)
		return DB_ERROR;

	pthread_mutex_lock(&batch_lock);
	*queue_tail = &w;
	queue_tail = &w.next;
	stats.waiting++;
	while (!w.done) {
		if (committing)
			pthread_cond_wait(&batch_done, &batch_lock);
		else
			lead(db, w.file);
	}
	stats.waiting--;
	pthread_mutex_unlock(&batch_lock);
	/* The leader's connection has its own message already. */
	if (w.rc != DB_OK && w.err[0] != '\0')
		memcpy(db->err, w.err, sizeof db->err);
	return w.rc;
}

void db_audit_batch_stats(struct db_audit_batch_stats *out)
{
	pthread_mutex_lock(&batch_lock);
	*out = stats;
	pthread_mutex_unlock(&batch_lock);
}
