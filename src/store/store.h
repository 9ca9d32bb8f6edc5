/*
 * The database of nsp: one opaque `struct db` over one SQLite connection.
 *
 * Conventions of every function below:
 * - Returns DB_OK (0) on success, DB_ERROR (-1) on failure with a sentence
 *   in db_errmsg(), or one of the distinct codes of enum db_status where the
 *   comment says so (DB_NOTFOUND, DB_CONFLICT).
 * - Days are day_t (src/domain/day.h), DAY_NONE when unset; money is int64
 *   öre; ids are int64 and 0 means "none" wherever an id is optional.
 * - `actor` is the id of the user who causes a change (0 = the system). Every
 *   write function that takes an actor writes its own audit row (action
 *   names like "person.create") in the same transaction as the change. Reads
 *   are audited by the caller with db_audit() (domain.md §2: every read of a
 *   person record is logged).
 * - Transactions: every write function is all-or-nothing. When the caller
 *   has opened a transaction with db_begin(), the function joins it (inside
 *   a savepoint, so a refused or failed call leaves the caller's earlier work
 *   intact and the transaction usable); otherwise it runs in a transaction of
 *   its own. A check-then-write sequence of the caller (load facts, run the
 *   rules, record the decision) belongs inside db_begin()..db_commit(): the
 *   transaction is BEGIN IMMEDIATE, so no other writer can change what was
 *   checked before it is written.
 * - Row structs say who owns their strings. "fixed" fields are char arrays
 *   inside the struct; "owned" fields are malloc'd and released by the
 *   matching _free function. Arrays returned through `**out` are malloc'd;
 *   release them with the named _free function (or free() where it says so).
 * - A struct db is one connection and is not thread-safe: use one per thread.
 */
#ifndef NSP_STORE_H
#define NSP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/budget.h"
#include "domain/capacity.h"
#include "domain/claims.h"
#include "domain/day.h"
#include "domain/enums.h"
#include "domain/linkage.h"
#include "domain/rates.h"
#include "domain/rules.h"

/* The schema version this program knows (PRAGMA user_version). */
#define DB_SCHEMA_VERSION 14

#define DB_KEY_BYTES 32   /* master key and every derived key */
#define DB_HASH_BYTES 32  /* audit hashes and session token hashes */
#define DB_ERR_MAX 512    /* enough for every err buffer below */

enum db_status {
	DB_OK = 0,
	DB_ERROR = -1,     /* db_errmsg() says why */
	DB_NOTFOUND = -2,  /* no such row */
	DB_CONFLICT = -3,  /* uniqueness conflict or the row is not in the state required */
};

/* Flags of db_open(): exactly one of DB_CREATE / DB_EXISTING. */
enum db_flags {
	DB_CREATE = 1 << 0,      /* create a new file (mode 0600); refuse if it exists */
	DB_EXISTING = 1 << 1,    /* open an existing file; refuse if it is missing */
	DB_READONLY = 1 << 2,    /* with DB_EXISTING: no writes; refuses a schema that needs migrating */
	DB_QUICK_CHECK = 1 << 3, /* also run PRAGMA quick_check (reads the whole file) */
};

struct db;

/* ---------------------------------------------------------------- open, close */

/*
 * Opens (or creates) the database at path, sets WAL mode, foreign keys,
 * synchronous=FULL, secure_delete and a 5 s busy timeout, and applies the
 * migrations the file lacks. On failure returns -1, *out stays NULL and err
 * holds one sentence in English and Swedish (a missing, unreadable, locked
 * or corrupt file, a file that is not a database, or a schema newer than
 * DB_SCHEMA_VERSION). The caller releases *out with db_close().
 */
int db_open(struct db **out, const char *path, int flags, char *err, size_t errsz);

/*
 * The progress of an upgrade: db_open() calls fn(to, done, total) when it
 * starts migration `to` of an existing database (not when it creates one),
 * and again after each of the migration's SQL statements; done of total
 * counts the statements of every migration the upgrade applies, so the
 * last call has done == total. On a large database an upgrade takes a
 * while, and the user should see why nothing else happens. One function
 * for the process (the CLI draws src/cli/progress.h's bar); NULL: none.
 */
typedef void (*db_upgrade_fn)(int to, int64_t done, int64_t total);
void db_on_upgrade(db_upgrade_fn fn);

/* Finalizes every statement, wipes the keys and closes. NULL is a no-op. */
void db_close(struct db *db);

/* The message of the last failure on db; never NULL, valid until the next call. */
const char *db_errmsg(const struct db *db);

/* A consistent online copy of the database into dest_path (which must not
 * exist; created mode 0600), while other connections keep writing. */
int db_backup(struct db *db, const char *dest_path, char *err, size_t errsz);

/* PRAGMA integrity_check: DB_OK when SQLite finds nothing wrong, else
 * DB_ERROR with its first finding (or why it could not run) in err. */
int db_integrity_check(struct db *db, char *err, size_t errsz);

/* Gives dst the keys set on src (db_set_keys), so that a second connection
 * (e.g. to a backup being verified) needs no master key kept around. */
int db_keys_copy(struct db *dst, const struct db *src);

/*
 * Copies the WAL back into the database file and truncates it
 * (wal_checkpoint(TRUNCATE)). *complete is false when another connection's
 * open read kept frames from being copied; the caller may try again later.
 * Used after erasing identity data (R12), so that no old copy of the
 * sealed blob stays in the WAL.
 */
int db_checkpoint(struct db *db, bool *complete);

/* ---------------------------------------------------------------- transactions */

/* BEGIN IMMEDIATE. -1 when a transaction is already open on db (no nesting). */
int db_begin(struct db *db);
int db_commit(struct db *db);
/* Rolls back the open transaction; a no-op returning 0 when none is open. */
int db_rollback(struct db *db);
/* True while a transaction opened by db_begin() is open. */
bool db_in_transaction(const struct db *db);

/*
 * A read scope: the reads between db_read_begin() and db_read_end() run in
 * one read transaction, so they see one snapshot and take the WAL's read
 * lock once instead of once per statement (each of which costs a lock of
 * the shared WAL index, which every thread of the server contends for).
 * Nothing inside may write, audit entries included: the transaction would
 * become a write transaction outside the process's writer lock.
 * db_in_transaction() is true inside it. *opened is false when a
 * transaction was open already (the scope then joins it), and
 * db_read_end(db, opened) ends only what db_read_begin() opened. Both
 * return 0 or -1.
 */
int db_read_begin(struct db *db, bool *opened);
int db_read_end(struct db *db, bool opened);

/* ---------------------------------------------------------------- keys */

/*
 * Derives the working keys from the master key with crypto_kdf (context
 * "nsp_keys"): subkey 1 seals identity data, 2 keys the audit MAC, 3 keys
 * session token hashes, 5 seals TOTP secrets, 6 keys recovery code hashes
 * (4 is `nsp audit`'s signing seed). Must be called after db_open() before any function
 * that reads or writes identity data, the audit log or sessions. The
 * caller keeps (and wipes) master.
 */
int db_set_keys(struct db *db, const unsigned char master[DB_KEY_BYTES]);

/* Creates path with O_CREAT|O_EXCL, mode 0600, holding a new random master
 * key as 64 hex digits and a newline; fills master. Refuses an existing file. */
int db_key_file_create(const char *path, unsigned char master[DB_KEY_BYTES], char *err, size_t errsz);

/* As db_key_file_create, but with the given key (nsp restore puts the key
 * of a restored database next to it). */
int db_key_file_write(const char *path, const unsigned char master[DB_KEY_BYTES], char *err, size_t errsz);

/* Reads a key file written by db_key_file_create(). Refuses a file that is
 * readable by group or others, or that does not hold exactly one key. */
int db_key_file_read(const char *path, unsigned char master[DB_KEY_BYTES], char *err, size_t errsz);

/* ---------------------------------------------------------------- audit log */

/*
 * Appends an audit row (in the caller's transaction, else in its own):
 * hash = keyed BLAKE2b-256 over a length-prefixed encoding of (id, at,
 * user_id, action, entity, entity_id, detail, prev_hash). user_id and
 * entity_id 0 mean none; entity and detail may be NULL (stored as "").
 * detail must never hold identity data.
 */
int db_audit(struct db *db, int64_t user_id, const char *action, const char *entity,
	     int64_t entity_id, const char *detail);

/*
 * db_audit() for the entry of a read (a person record, a report): outside a
 * transaction it commits with synchronous=NORMAL instead of FULL, so that a
 * read does not wait for the disk. The entry is in the WAL before the read
 * is answered (this returns only after its commit), so a crash of the
 * process loses nothing; it becomes durable against a power cut with the
 * next FULL commit or checkpoint (a power cut may cut the newest read
 * entries off the log's end, which a signed head, `nsp audit head`, shows).
 * Writes that carry money or decisions keep FULL.
 *
 * Concurrent reads in one process are committed together (group commit,
 * audit_batch.c): the caller's entry is queued, and one of the waiting
 * callers commits every queued entry of the same database in one
 * transaction on its own connection, in the order they were queued. A batch
 * that cannot be committed fails every call in it (-1, db_errmsg() says
 * why) and writes none of its entries: the caller must then not answer the
 * read. Refused at once on a read-only connection or without keys.
 * Inside the caller's transaction it joins it like db_audit().
 */
int db_audit_read(struct db *db, int64_t user_id, const char *action, const char *entity,
		  int64_t entity_id, const char *detail);

/* The group commit's counters since the process started (all databases). */
struct db_audit_batch_stats {
	uint64_t batches;          /* transactions committed or attempted */
	uint64_t failed_batches;   /* of which failed: every read in them failed */
	uint64_t entries;          /* entries in them */
	uint64_t largest;          /* the most entries in one batch */
	unsigned waiting;          /* calls of db_audit_read() waiting now */
};
void db_audit_batch_stats(struct db_audit_batch_stats *out);

enum audit_problem {
	AUDIT_OK,        /* the whole chain verifies */
	AUDIT_ALTERED,   /* an entry's content or hash was changed */
	AUDIT_REMOVED,   /* one or more entries before this one are missing */
	AUDIT_REORDERED, /* this entry's content belongs at another position */
};

struct audit_report {
	int64_t checked;           /* entries examined */
	enum audit_problem problem;
	int64_t entry_id;          /* the first broken entry (its id as stored); 0 when OK */
	char message[256];         /* one sentence, English / Swedish */
};

/* Recomputes the whole chain. Returns 0 when the check ran (out->problem
 * says whether the chain is intact), -1 when it could not run. The last
 * entries being cut off cannot be seen from the chain alone: compare with a
 * head recorded elsewhere (db_audit_head). */
int db_audit_verify(struct db *db, struct audit_report *out);

/*
 * Checks that the keys set by db_set_keys() are this database's: the stored
 * key-check value must match them (a database without one: the newest audit
 * entry's MAC must verify, then the value is stored). DB_OK (also for an empty log),
 * DB_CONFLICT with a sentence in db_errmsg() for another key, else DB_ERROR.
 * A server started with a wrong key would seal identities no one can open
 * and append entries that break the chain, so serve refuses to start.
 */
int db_audit_check_key(struct db *db);
/* Stores the key-check value of the keys set (nsp init; db_audit_check_key
 * on a database from before it): from then on the value, not the newest
 * audit entry, tells a wrong key, also while the log is empty. */
int db_key_check_store(struct db *db);

/* The newest entry's id and hash; id 0 and 32 zero bytes when the log is empty. */
int db_audit_head(struct db *db, int64_t *id, unsigned char hash[DB_HASH_BYTES]);
/* The stored hash of entry id (nsp audit verify --head compares it with a
 * head recorded earlier). DB_NOTFOUND when no entry has that id. */
int db_audit_entry_hash(struct db *db, int64_t id, unsigned char hash[DB_HASH_BYTES]);

/* ---------------------------------------------------------------- users */

#define DB_USERNAME_MAX 64   /* including the NUL; longer names are refused */
#define DB_PWHASH_MAX 128    /* crypto_pwhash_STRBYTES */
#define DB_LANG_MAX 8

/* All fields fixed: nothing to free. */
struct db_user {
	int64_t id;
	char username[DB_USERNAME_MAX];
	char password_hash[DB_PWHASH_MAX]; /* argon2id string */
	enum role role;
	int64_t organisation_id;           /* 0 when none */
	bool active;
	char lang[DB_LANG_MAX];            /* "sv" or "en" */
	int64_t created_at;                /* Unix seconds */
};

/* DB_CONFLICT when the username is taken. */
int db_user_create(struct db *db, int64_t actor, const char *username, const char *password_hash,
		   enum role role, int64_t organisation_id, const char *lang, int64_t *out_id);
/* DB_NOTFOUND when missing. */
int db_user_get(struct db *db, int64_t id, struct db_user *out);
int db_user_get_by_username(struct db *db, const char *username, struct db_user *out);
/* Every user ordered by id; free(*out). */
int db_user_list(struct db *db, struct db_user **out, size_t *n);
/* DB_NOTFOUND when missing. Deactivating does not end sessions: call
 * db_session_delete_user() as well. */
int db_user_set_active(struct db *db, int64_t actor, int64_t id, bool active);
int db_user_set_lang(struct db *db, int64_t id, const char *lang);
/* A new password, audited "user.set_password"; ends the user's sessions
 * and half-done logins in the same transaction (the caller's when one is
 * open). DB_NOTFOUND when no such user; nothing changes then. */
int db_user_set_password_hash(struct db *db, int64_t actor, int64_t id, const char *password_hash);

/* ---------------------------------------------------------------- sessions */

#define DB_CSRF_MAX 80

/* All fields fixed: nothing to free. */
struct db_session {
	unsigned char token_hash[DB_HASH_BYTES];
	int64_t user_id;
	char csrf[DB_CSRF_MAX];
	int64_t created_at, last_seen;   /* Unix seconds */
	struct db_user user;             /* the session's user */
};

/* The keyed BLAKE2b-256 (subkey 3) of a session token: what sessions store. */
int db_session_token_hash(struct db *db, const unsigned char *token, size_t len,
			  unsigned char out[DB_HASH_BYTES]);
/* DB_CONFLICT when the hash exists already. */
int db_session_create(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int64_t user_id,
		      const char *csrf, int64_t now);
/* DB_NOTFOUND when there is no such session. Does not check expiry or the
 * user's active flag: the caller does. */
int db_session_get(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], struct db_session *out);
int db_session_touch(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int64_t now);
int db_session_delete(struct db *db, const unsigned char token_hash[DB_HASH_BYTES]);
int db_session_delete_user(struct db *db, int64_t user_id);
/* Deletes sessions idle longer than idle_s or older than absolute_s at now;
 * *n_deleted (may be NULL) gets their number. */
int db_session_delete_expired(struct db *db, int64_t idle_s, int64_t absolute_s, int64_t now,
			      int64_t *n_deleted);

/* ---- second factor: TOTP, recovery codes, login challenges (src/store/totp.c) ---- */

#define DB_TOTP_SECRET_BYTES 20     /* TOTP_SECRET_BYTES of src/util/totp.h */
#define DB_RECOVERY_CODE_MAX 32     /* a normalised recovery code and its NUL, at most */

/* All fields fixed: nothing to free (db_totp_get wipes nothing: the caller
 * wipes secret with sodium_memzero when it asked for it). */
struct db_totp {
	bool present;                  /* a secret is stored, pending or confirmed */
	bool confirmed;                /* the enrolment is complete: logins need a code */
	int64_t confirmed_at;          /* Unix seconds; 0 while pending */
	int64_t last_step;             /* the newest time step accepted; -1 for none */
	int recovery_left;             /* recovery codes not used yet */
	unsigned char secret[DB_TOTP_SECRET_BYTES]; /* only with with_secret */
};

/* The user's second factor; out->present is false (and DB_OK) when none is
 * stored. with_secret: decrypt the secret too (-1 when the sealed secret
 * does not open: tampered or moved to another row). */
int db_totp_get(struct db *db, int64_t user_id, bool with_secret, struct db_totp *out);

/* Seals and stores a new pending secret (an enrolment's start), replacing a
 * pending one, audited "totp.enrol_start". DB_CONFLICT when the user has a
 * confirmed one (a coordinator resets it first); DB_NOTFOUND when no such user. */
int db_totp_begin(struct db *db, int64_t actor, int64_t user_id, const unsigned char secret[DB_TOTP_SECRET_BYTES]);

/*
 * Completes the enrolment: the pending secret is in force from now, step
 * (the one its first code matched) counts as used, and the n recovery
 * codes (normalised, see recovery_code_normalise) replace any earlier ones,
 * stored as keyed hashes only. Audited "totp.enrol". DB_NOTFOUND when no
 * enrolment is pending.
 */
int db_totp_confirm(struct db *db, int64_t user_id, int64_t step, const char *const *codes, size_t n);

/* Accepts time step for a login: DB_OK when it is newer than every step
 * accepted before, DB_CONFLICT when not (the code was used already: a
 * replay) or when no confirmed secret exists. Atomic: of two requests with
 * one code, exactly one gets DB_OK. */
int db_totp_use_step(struct db *db, int64_t user_id, int64_t step);

/* Uses one recovery code (normalised) of the user: DB_OK, or DB_NOTFOUND
 * when no unused code of the user matches. Audited "totp.recovery_used". */
int db_recovery_use(struct db *db, int64_t user_id, const char *code);

/* Removes the user's secret, recovery codes and login challenges, audited
 * "totp.reset" (actor = who reset it). DB_NOTFOUND when no such user. The
 * user's sessions are the caller's business: db_totp_reset_user ends them. */
int db_totp_reset(struct db *db, int64_t actor, int64_t user_id);
/* A second factor's reset as the API and nsp user reset-totp do it:
 * db_totp_reset and the user's sessions ended (db_session_delete_user), in
 * one transaction (the caller's when one is open). DB_NOTFOUND when no such
 * user; nothing changes then. */
int db_totp_reset_user(struct db *db, int64_t actor, int64_t user_id);

/* A login challenge: the password step succeeded, the code is awaited. Fixed fields. */
struct db_challenge {
	int64_t user_id;
	int64_t created_at;            /* Unix seconds */
	int attempts;                  /* wrong codes given so far */
};

/* token_hash is db_session_token_hash() of the challenge token. Not audited
 * (the login is). DB_CONFLICT when the hash exists. */
int db_challenge_create(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int64_t user_id, int64_t now);
/* DB_NOTFOUND when there is none. Expiry is the caller's (created_at). */
int db_challenge_get(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], struct db_challenge *out);
/* Counts a wrong code; the challenge is deleted when it reaches max_attempts.
 * *spent (may be NULL) says whether it was. */
int db_challenge_fail(struct db *db, const unsigned char token_hash[DB_HASH_BYTES], int max_attempts, bool *spent);
/* Consumes the challenge: DB_OK, or DB_NOTFOUND when it was gone already
 * (another request used it first). */
int db_challenge_delete(struct db *db, const unsigned char token_hash[DB_HASH_BYTES]);
/* Deletes the challenges created before `before` (Unix seconds). */
int db_challenge_delete_expired(struct db *db, int64_t before);
/* Deletes every challenge of the user (half-done logins: the password step
 * done, the code not yet given), e.g. when the password changes. Not
 * audited (the change that calls for it is). */
int db_challenge_delete_user(struct db *db, int64_t user_id);

/* ---- end of the second factor's section ---- */

/* ---------------------------------------------------------------- organisations */

/* name and contact owned: release with db_org_free(). */
struct db_org {
	int64_t id;
	char *name;
	enum org_kind kind;
	uint32_t regions;           /* mask: bit (1u << enum region) */
	char *contact;
	int64_t created_at;
	bool has_cert;              /* the latest certification event, if any */
	struct cert_event cert;
	bool member;                /* a member organisation of the platform: records contacts */
};

int db_org_create(struct db *db, int64_t actor, const char *name, enum org_kind kind, uint32_t regions,
		  const char *contact, int64_t *out_id);
/* DB_NOTFOUND when missing. */
int db_org_get(struct db *db, int64_t id, struct db_org *out);
/* Ordered by name, id; release with db_org_list_free(). */
int db_org_list(struct db *db, struct db_org **out, size_t *n);
void db_org_free(struct db_org *org);
void db_org_list_free(struct db_org *orgs, size_t n);

/* requirements owned: release with db_cert_list_free(). */
struct db_cert {
	int64_t id;
	struct cert_event event;
	char *requirements;         /* JSON object text */
	int64_t recorded_by;
	int64_t created_at;
	int checklist_year;         /* the checklist version it was checked against; 0 when none */
};

/* Records a certification event; recorded_by = actor. requirements_json
 * (NULL = "{}") is stored as given: the caller validates it. DB_NOTFOUND
 * when the organisation is missing. */
int db_cert_add(struct db *db, int64_t actor, int64_t organisation_id, enum cert_status status, day_t date,
		const char *requirements_json, int64_t *out_id);
/* The same, recording the checklist year (0 = none) the event was checked
 * against. The caller checks the state machine (certification.h) inside
 * its own db_begin() transaction. */
int db_cert_record(struct db *db, int64_t actor, int64_t organisation_id, enum cert_status status, day_t date,
		   const char *requirements_json, int checklist_year, int64_t *out_id);
/* The organisation's events ordered by date, id, as the rules want them
 * (rule_r1_certified); free(*out). */
int db_cert_history(struct db *db, int64_t organisation_id, struct cert_event **out, size_t *n);
/* The same events with their requirements; release with db_cert_list_free(). */
int db_cert_list(struct db *db, int64_t organisation_id, struct db_cert **out, size_t *n);
void db_cert_list_free(struct db_cert *certs, size_t n);

/* ---------------------------------------------------------------- persons */

#define DB_CODE_MAX 24  /* "NSP-2025-48213907" */

/* Input of db_person_create(); nothing is kept after the call. */
struct db_person_new {
	int64_t organisation_id;
	enum gender gender;
	enum age_group age_group;
	int birth_year;                /* 0 when unknown */
	uint32_t exploitation;         /* mask over enum exploitation */
	uint32_t places;               /* mask over enum place */
	uint32_t violence;             /* mask over enum violence */
	int referral_source;           /* enum referral, or -1 when not recorded */
	int legal_status;              /* enum legal_status, or -1 */
	bool sweden_responsible;
	int64_t parent_id;             /* 0 when none */
	enum child_role child_role;    /* CHILD_ROLE_NONE for adults */
	int code_year;                 /* year in the code; 0 = the current year (UTC) */
	const char *identity_json;     /* plaintext to seal, or NULL for none */
};

/* Everything fixed except identity (owned, only when asked for): release
 * with db_person_free(), which wipes identity before freeing it. */
struct db_person {
	int64_t id;
	char code[DB_CODE_MAX];
	int64_t organisation_id;
	enum gender gender;
	enum age_group age_group;
	int birth_year;                /* 0 when unknown */
	uint32_t exploitation, places, violence;
	int referral_source;           /* -1 when not recorded */
	int legal_status;              /* -1 when not recorded */
	bool sweden_responsible;
	int64_t parent_id;
	enum child_role child_role;
	bool has_identity;             /* a sealed identity is stored */
	day_t exit_on;                 /* DAY_NONE while in the programme */
	int exit_destination;          /* enum exit_destination, or -1 */
	day_t identity_erased_on;      /* DAY_NONE unless erased (R12) */
	int64_t created_at;
	char *identity;                /* decrypted JSON, or NULL */
};

/*
 * Registers a person with a fresh random code of code_year (NSP-YYYY-NNNNNNNN,
 * eight random digits: codes say nothing of how many were registered) and seals identity_json bound to the new id, all in one
 * transaction. Fills *out_id and code (may be NULL). DB_NOTFOUND when the
 * organisation or the parent is missing.
 */
int db_person_create(struct db *db, int64_t actor, const struct db_person_new *p, int64_t *out_id,
		     char code[DB_CODE_MAX]);
/* DB_NOTFOUND when missing. with_identity: decrypt the identity into
 * out->identity (NULL when none or erased); -1 when the blob does not open
 * (tampered or moved to another row). The caller audits the read. */
int db_person_get(struct db *db, int64_t id, bool with_identity, struct db_person *out);
void db_person_free(struct db_person *p);
/* Persons of an organisation (0 = all) ordered by id, without identity;
 * limit <= 0 means no limit. free(*out). */
/* The persons list with filters, newest or oldest first. */
struct db_person_filter {
	int64_t organisation_id; /* 0: every organisation */
	const char *code;        /* a part of the case code ("0042", "NSP-2026-00"), or NULL */
	int age_group;           /* enum age_group, or -1 for both */
	int in_programme;        /* 1 not exited, 0 exited, -1 both */
	bool newest_first;
	int64_t limit;           /* 0: no limit */
	int64_t offset;
};
/* The persons matching f into *out (free(*out); no identity) and how many match in *total. */
int db_person_find(struct db *db, const struct db_person_filter *f, struct db_person **out, size_t *n,
		   int64_t *total);

/* A running period: the granted period of the person (or of a parent's
 * application naming the person as a child) that covers a day, joined with
 * the granted periods that follow it without a gap. */
struct db_running_period {
	int type;            /* enum app_type of the period covering the day */
	day_t from, to;      /* from: the covering period's start; to: the end of the chain */
	bool through_parent; /* covered as a child named on a parent's application */
};
/* DB_OK with *out filled, DB_NOTFOUND when no granted period covers day `on`. */
int db_person_running_period(struct db *db, int64_t person_id, day_t on, struct db_running_period *out);

int db_person_list(struct db *db, int64_t organisation_id, int64_t limit, int64_t offset,
		   struct db_person **out, size_t *n);
int db_person_count(struct db *db, int64_t organisation_id, int64_t *count);
/* The children linked to parent_id ordered by id, without identity; free(*out). */
int db_person_children(struct db *db, int64_t parent_id, struct db_person **out, size_t *n);
/* Replaces (json != NULL) or removes the identity. DB_NOTFOUND when missing;
 * DB_CONFLICT when the identity was erased (R12 is final). */
int db_person_set_identity(struct db *db, int64_t actor, int64_t id, const char *json);
/* Records the exit. DB_NOTFOUND when missing; DB_CONFLICT when already exited. */
int db_person_set_exit(struct db *db, int64_t actor, int64_t id, day_t on, enum exit_destination dest);
/* R12: drops the identity (secure_delete overwrites it) and records the day.
 * DB_NOTFOUND when missing; erasing twice is not an error. */
int db_person_erase_identity(struct db *db, int64_t actor, int64_t id, day_t on);
/* A person who has left the programme and whose identity is still stored. */
struct db_exit {
	int64_t person_id;
	day_t exit_on;
};
/*
 * Every person with a stored identity and an exit day, earliest exit first,
 * for the retention run (R12): a malloc'd array in *out (NULL when there are
 * none; the caller frees it) of *n. Read from a partial index (migration 4)
 * rather than from every person, as the run is at each server start and daily.
 */
int db_person_exits_with_identity(struct db *db, struct db_exit **out, size_t *n);

/*
 * What the rules need about a person (src/domain/rules.h): age group, child
 * role, parent, sweden_responsible, admitted_on (decided_on of the granted
 * admission, DAY_NONE if none), exit_on, admission_pending_on and
 * admission_denied_on (R13), and every granted or partly granted
 * decision ordered by decided_on, id. out->granted points at *granted_out,
 * which the caller frees with free(); out->linked (in the same array, after
 * the own) the granted decisions of the persons marked the same person
 * (issue 19). DB_NOTFOUND when the person is missing.
 */
int db_person_facts(struct db *db, int64_t person_id, struct person_facts *out,
		    struct granted **granted_out, size_t *n);

/* ---------------------------------------------------------------- decisions (row) */

/* reason and budget_override_reason owned: release with db_decision_free(). */
struct db_decision {
	int64_t id, application_id, person_id, organisation_id;
	enum app_type type;
	enum outcome outcome;
	day_t decided_on;
	int year;                      /* the budget year: year of decided_on (R10) */
	day_t from, to;                /* DAY_NONE when not a period type */
	int64_t units;                 /* 0 when not a point intervention */
	bool emergency;
	day_t emergency_cleared_on;    /* DAY_NONE while flagged */
	char *reason;
	char *budget_override_reason;  /* NULL when no override */
	char *over_capacity_reason;    /* R15: NULL when none */
	int64_t total_ore;
	day_t closed_on;               /* DAY_NONE while open */
	int64_t decided_by;
	int64_t created_at;
	int64_t approved_by;           /* four-eyes: the second coordinator; 0 when none */
	struct decision_line lines[DECISION_MAX_LINES];
	size_t n_lines;
	int64_t paid_ore;              /* sum of its payments */
	int64_t released_ore;          /* released when closed */
};

/* ---------------------------------------------------------------- applications */

/* .app's strings and children are owned by the row: release with
 * db_application_free(). */
struct db_application {
	struct application app;        /* rules.h; basis.present is always 1 */
	enum app_status status;
	int64_t created_by;
	int64_t created_at;
	bool has_decision;
	struct db_decision decision;   /* valid when has_decision */
	int housing_region;            /* enum region where a daily-compensation place is; -1 none */
	int housing_target_group;      /* enum target_group of that place; -1 none */
	int64_t pending_proposal_id;   /* a decision awaiting a second coordinator (four-eyes); 0 none */
};

/*
 * Stores a new application (status 'submitted') with its named children;
 * a->id is ignored; created_by = actor. The caller has validated it (the
 * rules). DB_NOTFOUND when the person, organisation or a child is missing.
 */
int db_application_create(struct db *db, int64_t actor, const struct application *a, int64_t *out_id);
/* DB_NOTFOUND when missing. */
int db_application_get(struct db *db, int64_t id, struct db_application *out);
void db_application_free(struct db_application *a);

struct db_application_filter {
	int status;                    /* enum app_status, or -1 for all */
	int64_t organisation_id;       /* 0 = all */
	int64_t person_id;             /* 0 = all */
	const char *code;              /* a part of the person's case code, or NULL */
	int year;                      /* the year submitted in, 0 = all */
	bool newest_first;             /* ordered by id descending */
	int64_t limit, offset;         /* limit <= 0: no limit */
};
/* Ordered by id (or newest first); each row as db_application_get() fills
 * it. Release with db_application_list_free(). */
int db_application_list(struct db *db, const struct db_application_filter *f,
			struct db_application **out, size_t *n);
/* How many applications match f (limit and offset aside) into *total. */
int db_application_count(struct db *db, const struct db_application_filter *f, int64_t *total);
void db_application_list_free(struct db_application *apps, size_t n);

/* ---------------------------------------------------------------- decisions */

/* Input of db_decision_record(); nothing is kept after the call. */
struct db_decision_new {
	int64_t application_id;
	enum outcome outcome;
	day_t decided_on;
	day_t from, to;                /* DAY_NONE unless a period type */
	int64_t units;                 /* 0 unless a point intervention */
	bool emergency;
	const char *reason;            /* NULL = "" */
	const char *budget_override_reason; /* NULL = none */
	const char *over_capacity_reason;   /* R15: NULL = none */
	const struct decision_line *lines;  /* from decision_amount(); none for denied */
	size_t n_lines;                /* <= DECISION_MAX_LINES */
	int64_t decided_by;            /* who decided; 0 = the actor */
	int64_t approved_by;           /* four-eyes: the approving coordinator (the actor); 0 = none */
	const struct verdict *refusals; /* the rules that refused the application as applied for */
	size_t n_refusals;             /* (kept for the letter, migration 10); 0 for none */
};

/*
 * Records a decision in one transaction: checks that the application is
 * still 'submitted', inserts the decision (year = year of decided_on,
 * person, organisation and type copied from the application, total = sum of
 * the lines), its lines, a ledger 'commit' row of the total when > 0, marks
 * the application 'decided' and writes the audit row. DB_NOTFOUND when the
 * application is missing; DB_CONFLICT when it was decided already (two
 * coordinators at once: exactly one succeeds), or when a decision awaits a
 * second coordinator's approval and this is not that approval (approved_by 0).
 */
int db_decision_record(struct db *db, int64_t actor, const struct db_decision_new *d, int64_t *out_id);
/* A rule that refused the application as applied for, when it was decided. Fixed fields. */
struct db_refusal {
	char rule[16];                 /* "R3", "R2e" … */
	char sv[VERDICT_MSG_MAX];
	char en[VERDICT_MSG_MAX];
};
/* The refusals stored with decision id, in the order of the checks; free(*out). */
int db_decision_refusals(struct db *db, int64_t id, struct db_refusal **out, size_t *n);

/* With lines, paid_ore and released_ore. DB_NOTFOUND when missing. */
int db_decision_get(struct db *db, int64_t id, struct db_decision *out);
void db_decision_free(struct db_decision *d);

struct db_decision_filter {
	int64_t organisation_id;       /* 0 = all */
	int64_t person_id;             /* 0 = all */
	int year;                      /* budget year, 0 = all */
	int open;                      /* 1 open only, 0 closed only, -1 both */
	int emergency_open;            /* 1: only emergency decisions (R2e) not yet cleared */
	int state;                     /* enum db_decision_state (0: every state) */
	const char *code;              /* a part of the person's case code, or NULL */
	bool by_end;                   /* only granted periods, not closed, ending ends_from..ends_to */
	day_t ends_from, ends_to;
	int64_t limit, offset;         /* limit <= 0: no limit */
	bool newest_first;             /* ordered by id descending (a page of the newest) */
};
/* What is left to do with a decision's money: open (something to claim or
 * pay), closed, or nothing to pay (0 kr: an admission, a denial; never
 * closed, since closing only releases what was not paid). */
enum db_decision_state { DECISION_ANY_STATE, DECISION_OPEN, DECISION_CLOSED, DECISION_NOTHING_TO_PAY };
/* Ordered by id (or newest first); release with db_decision_list_free(). */
int db_decision_list(struct db *db, const struct db_decision_filter *f, struct db_decision **out, size_t *n);
/* How many decisions match f (limit and offset aside) into *total. */
int db_decision_count(struct db *db, const struct db_decision_filter *f, int64_t *total);
void db_decision_list_free(struct db_decision *ds, size_t n);

/*
 * Closes a decision on day `on`: a ledger 'release' row of total − paid
 * (when > 0, year = the decision's year) and closed_on, with an audit row.
 * DB_NOTFOUND when missing; DB_CONFLICT when already closed.
 */
int db_decision_close(struct db *db, int64_t actor, int64_t decision_id, day_t on);

/*
 * R2e follow-up: records that the responsible actor of an emergency
 * decision was clarified on day `on` (emergency_cleared_on), with an audit
 * row "decision.emergency_clear" by actor whose detail holds the day and
 * `responsible`, a short note of who turned out to be responsible (never
 * identity data; NULL = none). DB_NOTFOUND when missing; DB_CONFLICT when
 * the decision is not an emergency one or was cleared already.
 */
int db_decision_clear_emergency(struct db *db, int64_t actor, int64_t decision_id, day_t on,
				const char *responsible);

/* ---------------------------------------------------------------- payments */

/* reference owned: release with db_payment_list_free(). */
struct db_payment {
	int64_t id, decision_id, amount_ore;
	day_t paid_on;
	char *reference;
	int64_t created_by;
	int64_t created_at;
	struct payment_line lines[DECISION_MAX_LINES]; /* what it paid under which code */
	size_t n_lines;
};

/*
 * Records a payment on a decision, inside the caller's transaction when one
 * is open (else in its own): the payment, its lines (which must add up to
 * amount_ore), a ledger 'payment' row (year = the decision's year) and the
 * audit row. The caller has judged R14 (claim_r14_allows) in the same
 * transaction; the store does not judge rules. amount_ore must be > 0.
 * DB_NOTFOUND when the decision is missing; DB_CONFLICT when it is closed.
 */
int db_payment_record(struct db *db, int64_t actor, int64_t decision_id, int64_t amount_ore, day_t paid_on,
		      const char *reference, const struct payment_line *lines, size_t n_lines, int64_t *out_id);
/* The decision's payments ordered by paid_on, id; release with db_payment_list_free(). */
int db_payment_list(struct db *db, int64_t decision_id, struct db_payment **out, size_t *n);
void db_payment_list_free(struct db_payment *ps, size_t n);

/* ---------------------------------------------------------------- claims (rekvisitioner) */

/* reference and reject_reason owned: release with db_claim_free(). */
struct db_claim {
	int64_t id, decision_id, organisation_id;
	int64_t person_id;             /* the decision's person */
	enum app_type type;            /* the decision's type */
	enum claim_status status;
	day_t from, to;                /* per-day codes: the days used; else DAY_NONE */
	int64_t units;                 /* point interventions: the units used; else 0 */
	char *reference;
	char *reject_reason;           /* NULL unless rejected */
	int64_t amount_ore;
	day_t submitted_on;
	day_t decided_on;              /* the payment's paid_on, or the day it was rejected */
	int64_t submitted_by, decided_by, payment_id, created_at;
	struct decision_line lines[DECISION_MAX_LINES]; /* days: days or units; person_id unused */
	size_t n_lines;
};

/*
 * Writes claim c (status submitted; id, status, decided_*, payment_id and
 * created_* ignored) with its lines and the audit row "claim.submit",
 * inside the caller's transaction when one is open. *out_id gets its id.
 */
int db_claim_create(struct db *db, int64_t actor, const struct db_claim *c, int64_t *out_id);
/* DB_NOTFOUND when there is no claim id. */
int db_claim_get(struct db *db, int64_t id, struct db_claim *out);
void db_claim_free(struct db_claim *c);

struct db_claim_filter {
	int64_t organisation_id;       /* 0 = all */
	int64_t decision_id;           /* 0 = all */
	int status;                    /* enum claim_status, -1 = all */
	int year;                      /* submitted in this year; 0 = all */
	const char *code;              /* the person's case code contains it (as stored: upper case); NULL = all */
	bool newest_first;             /* by the day submitted, newest first; else in the order submitted (id) */
	int64_t limit, offset;         /* limit 0 = all */
};
/* Claims matching f, in f's order; release with db_claim_list_free(). */
int db_claim_list(struct db *db, const struct db_claim_filter *f, struct db_claim **out, size_t *n);
/* How many claims match f (its limit and offset aside). */
int db_claim_count(struct db *db, const struct db_claim_filter *f, int64_t *total);
void db_claim_list_free(struct db_claim *cs, size_t n);

/* The sum of decision_id's submitted claims other than except_id (R14's "reserved"). */
int db_claim_reserved(struct db *db, int64_t decision_id, int64_t except_id, int64_t *sum);
/* *claim_id gets a claim on decision_id not rejected whose days meet from..to, else 0. */
int db_claim_overlap(struct db *db, int64_t decision_id, day_t from, day_t to, int64_t *claim_id);
/*
 * Approves submitted claim id inside the caller's transaction: records its
 * payment dated paid_on with the claim's lines (db_payment_record), marks
 * the claim paid and writes "claim.approve". DB_NOTFOUND; DB_CONFLICT when
 * the claim is not submitted or its decision is closed.
 */
int db_claim_pay(struct db *db, int64_t actor, int64_t id, day_t paid_on, int64_t *payment_id);
/* Rejects submitted claim id on day `on` with reason ("claim.reject"); DB_NOTFOUND; DB_CONFLICT as above. */
int db_claim_reject(struct db *db, int64_t actor, int64_t id, day_t on, const char *reason);

/* ---------------------------------------------------------------- years, budget, rates */

struct db_rate {
	enum code code;
	int64_t rate_ore;              /* per day */
};

struct db_point_rate {
	enum point_category category;
	char unit[RATE_UNIT_MAX];
	int64_t rate_ore;              /* per unit */
};

/* Input of db_year_put(); nothing is kept after the call. */
struct db_year {
	int year;
	bool has_budget;
	int64_t budget_ore;
	const struct db_rate *rates;   /* the codes this year sets; others are inherited */
	size_t n_rates;
	const struct db_point_rate *point_rates;
	size_t n_point_rates;
	bool has_four_eyes;            /* decisions above four_eyes_ore need a second coordinator */
	int64_t four_eyes_ore;
};

/* Replaces the year's budget, four-eyes threshold, rates and point rates with y's in one transaction. */
int db_year_put(struct db *db, int64_t actor, const struct db_year *y);

/* The year's money figures of domain.md §8 (struct budget, src/domain/budget.h)
 * from the ledger rows of the decisions of `year` (payments and releases
 * count against the decision's year even when dated later) and the payments
 * dated in it (paid_in_year_ore); completed by budget_compute(). A year
 * never put has no budget. */
int db_year_budget(struct db *db, int year, struct budget *out);

/*
 * Every year that stores rates or point rates, as complete rate tables in
 * ascending year order; free(*out). A year sets only the codes and
 * categories it names: each one it leaves out is taken from the table that
 * applies to the year before (rates_for_year over the earlier tables, else
 * the built-in 2025 table). So a year with only point rates keeps the day
 * rates in force, and vice versa; a year with no rates at all gets no table
 * and rates_for_year() falls back to the latest earlier one.
 */
int db_rate_tables(struct db *db, struct rate_table **out, size_t *n);

/* ---------------------------------------------------------------- placement requests */

/* All fields fixed: nothing to free. */
struct db_placement {
	int64_t id;
	day_t date;
	enum region region;
	enum target_group target_group;
	enum placement_outcome outcome;
	int64_t organisation_id;       /* 0 when none */
	int64_t created_by;
	int64_t created_at;
};

/* p->id, created_by and created_at are ignored (created_by = actor). */
int db_placement_create(struct db *db, int64_t actor, const struct db_placement *p, int64_t *out_id);
/* Requests dated in year (0 = all) in region (-1 = all), ordered by date, id; free(*out). */
int db_placement_list(struct db *db, int year, int region, struct db_placement **out, size_t *n);

/* ---------------------------------------------------------------- the contact register */

/* Marks organisation org_id a member of the platform or not (audited);
 * DB_NOTFOUND when it does not exist. */
int db_org_set_member(struct db *db, int64_t actor, int64_t org_id, bool member);

/* A contact with a person outside the programme (migration 13): no identity. */
struct db_contact {
	int64_t id;
	int64_t organisation_id;
	day_t date;
	enum gender gender;
	enum age_group age_group;
	uint32_t exploitation;      /* mask: bit (1u << enum exploitation) */
	enum region region;
	int referral_source;        /* enum referral, -1 none */
	uint32_t missing_support;   /* mask: bit (1u << enum support_need) */
	int basis;                  /* enum basis_kind, -1 none */
	int actor_kind;             /* enum actor_kind, -1 none */
	int reason_category;        /* enum reason_category, -1 none */
	int64_t created_by;
	int64_t created_at;
};

/* Records c (id and created_* ignored), audited as contact.create. */
int db_contact_create(struct db *db, int64_t actor, const struct db_contact *c, int64_t *out_id);
/* DB_NOTFOUND when missing. */
int db_contact_get(struct db *db, int64_t id, struct db_contact *out);

struct db_contact_filter {
	int64_t organisation_id;    /* 0: every organisation */
	day_t from, to;             /* DAY_NONE: open */
	int gender, age_group, region; /* enum value, -1 any */
	bool oldest_first;          /* default: newest first (date, then id) */
	int64_t limit;              /* 0: no limit */
	int64_t offset;
};
/* The contacts matching f into *out (free(*out)) and how many match in *total. */
int db_contact_find(struct db *db, const struct db_contact_filter *f, struct db_contact **out, size_t *n,
		    int64_t *total);
/* Every contact dated in year, by date and id (free(*out)). */
int db_contact_year(struct db *db, int year, struct db_contact **out, size_t *n);

/* ---------------------------------------------------------------- consultations */

/* topic and outcome owned: release with db_consultation_list_free(). */
struct db_consultation {
	int64_t id;
	day_t date;
	enum asker asker;
	enum region region;
	char *topic;
	int64_t minutes;
	char *outcome;
	int64_t created_by;
	int64_t created_at;
};

/* c->id, created_by and created_at are ignored; NULL strings are stored as "". */
int db_consultation_create(struct db *db, int64_t actor, const struct db_consultation *c, int64_t *out_id);
/* Consultations dated in year (0 = all), ordered by date, id. */
int db_consultation_list(struct db *db, int year, struct db_consultation **out, size_t *n);
void db_consultation_list_free(struct db_consultation *cs, size_t n);

/* ---------------------------------------------------------------- organisations (migration 2) */

/* One item of a certification checklist; labels owned (db_cert_requirements_free). */
struct db_cert_requirement {
	char key[48];                  /* CERT_REQ_KEY_MAX of domain/certification.h */
	char *label_sv, *label_en;
	bool required;
};

/*
 * The checklist in force in year: the rows of year, else of the latest
 * earlier year that has rows, else of the earliest year stored. *from_year
 * is the year whose rows they are (0 when no checklist is stored at all).
 * Ordered by position; release with db_cert_requirements_free().
 */
int db_cert_requirements(struct db *db, int year, int *from_year, struct db_cert_requirement **out, size_t *n);
/* Replaces the rows of year with r[0..n) (positions in that order), with an audit row. */
int db_cert_requirements_put(struct db *db, int64_t actor, int year, const struct db_cert_requirement *r, size_t n);
void db_cert_requirements_free(struct db_cert_requirement *r, size_t n);
/* The years that store a checklist, ascending; free(*out). */
int db_cert_requirement_years(struct db *db, int **out, size_t *n);

/* A numeric setting (migration 2's settings table); *out = dflt when unset. */
int db_setting_get(struct db *db, const char *key, int64_t dflt, int64_t *out);
int db_setting_put(struct db *db, int64_t actor, const char *key, int64_t value);

/* A quality follow-up; notes and orgs owned (db_follow_up_list_free). */
struct db_follow_up {
	int64_t id;
	int kind;                      /* enum follow_up_kind (domain/certification.h) */
	day_t date;
	char *notes;
	int64_t *orgs;                 /* the organisations it concerns, ascending */
	size_t n_orgs;
	int64_t created_by, created_at;
};

/* Records a follow-up concerning orgs[0..n_orgs) (n_orgs >= 1). DB_NOTFOUND
 * when an organisation is missing; DB_CONFLICT when one is named twice. */
int db_follow_up_create(struct db *db, int64_t actor, int kind, day_t date, const char *notes,
			const int64_t *orgs, size_t n_orgs, int64_t *out_id);
/* Follow-ups dated in year (0 = all) concerning organisation_id (0 = all),
 * newest first; release with db_follow_up_list_free(). */
int db_follow_up_list(struct db *db, int64_t organisation_id, int year, struct db_follow_up **out, size_t *n);
void db_follow_up_list_free(struct db_follow_up *f, size_t n);

/* Places of an organisation in one region for one target group. */
struct db_capacity {
	int64_t organisation_id;
	enum region region;
	enum target_group target_group;
	int64_t places;
};

/* Replaces the organisation's places with rows[0..n) (their organisation_id
 * is ignored). DB_NOTFOUND when the organisation is missing; DB_CONFLICT
 * when a region and target group are given twice. */
int db_capacity_put(struct db *db, int64_t actor, int64_t organisation_id, const struct db_capacity *rows, size_t n);
/* Places of organisation_id (0 = all); free(*out). */
int db_capacity_list(struct db *db, int64_t organisation_id, struct db_capacity **out, size_t *n);

/* Persons housed on a day in one organisation, region and target group. */
struct db_place_occupancy {
	int64_t organisation_id;
	int region;                    /* enum region, -1 when the place names none */
	int target_group;              /* enum target_group, -1 when none */
	int64_t persons;
};

/* Occupancy on day `on`, derived from the granted or partly granted
 * daily-compensation decisions (reflection, extended, integration_housing)
 * whose period covers the day, of persons who had not left before it, and
 * not closed before it. free(*out). */
int db_occupancy(struct db *db, day_t on, struct db_place_occupancy **out, size_t *n);

/*
 * R15: the place of organisation_id in region × target_group over from..to:
 * whether places are declared there and how many, and every granted housing
 * period there overlapping from..to, cut at the person's exit and the
 * decision's closing. out->stays points at *stays_out (NULL when none),
 * which the caller frees with free().
 */
int db_place_facts(struct db *db, int64_t organisation_id, int region, int target_group, day_t from, day_t to,
		   struct place_facts *out, struct stay **stays_out);

/*
 * The persons housed on at least one day of from..to per region and target
 * group (rows with organisation_id 0; region or target group -1 when the
 * place names none), for the funder's monthly capacity. free(*out).
 */
int db_occupancy_range(struct db *db, day_t from, day_t to, struct db_place_occupancy **out, size_t *n);

/* Where a daily-compensation application houses the person (-1 = none). */
int db_application_set_housing(struct db *db, int64_t application_id, int region, int target_group);

/* The year's four-eyes threshold: *has false when the year sets none (the default). */
int db_year_four_eyes(struct db *db, int year, bool *has, int64_t *ore);

/* Four-eyes: a decision proposed by one coordinator, awaiting another. */
enum db_proposal_status { PROPOSAL_PENDING, PROPOSAL_APPROVED, PROPOSAL_REJECTED, PROPOSAL__COUNT };
extern const struct enum_def enum_proposal_status;

/* reason, budget_override_reason and resolution_reason owned (db_proposal_free). */
struct db_proposal {
	int64_t id, application_id;
	enum db_proposal_status status;
	enum outcome outcome;
	day_t decided_on;
	day_t from, to;                /* DAY_NONE unless a period type */
	int64_t units;                 /* 0 unless a point intervention */
	bool emergency;
	char *reason;
	char *budget_override_reason;  /* NULL when none */
	int64_t total_ore, threshold_ore;
	int64_t proposed_by, created_at;
	int64_t resolved_by, resolved_at;  /* 0 while pending */
	char *resolution_reason;       /* NULL when none */
	int64_t decision_id;           /* the recorded decision once approved; else 0 */
	char *over_capacity_reason;    /* R15: NULL when none */
};

/*
 * Stores a pending proposal (p's id, status, resolution fields are ignored;
 * proposed_by = actor) after checking, inside the transaction, that the
 * application is still submitted. DB_NOTFOUND when the application is
 * missing; DB_CONFLICT when it is decided or already has a pending proposal.
 */
int db_proposal_create(struct db *db, int64_t actor, const struct db_proposal *p, int64_t *out_id);
/* DB_NOTFOUND when missing. */
int db_proposal_get(struct db *db, int64_t id, struct db_proposal *out);
void db_proposal_free(struct db_proposal *p);
/* Proposals with status (-1 = all), ordered by id; release with db_proposal_list_free(). */
int db_proposal_list(struct db *db, int status, struct db_proposal **out, size_t *n);
void db_proposal_list_free(struct db_proposal *ps, size_t n);
/*
 * Resolves a pending proposal as approved (with the decision recorded for
 * it) or rejected, by actor, with an audit row. DB_CONFLICT when it is not
 * pending any more; an approval by its own proposer is refused by the
 * schema (DB_ERROR) — the caller refuses it first.
 */
int db_proposal_resolve(struct db *db, int64_t actor, int64_t id, enum db_proposal_status status,
			int64_t decision_id, const char *reason);

/*
 * Four eyes on the control itself (domain.md §8): while a threshold is set,
 * weakening it and creating or re-activating a coordinator are proposals a
 * second coordinator approves. The store keeps them; the service applies
 * the change on approval.
 */
enum db_change_kind { CHANGE_YEAR_SETTINGS, CHANGE_USER_CREATE, CHANGE_USER_ACTIVATE, CHANGE__COUNT };
extern const struct enum_def enum_change_kind;

/* payload and resolution_reason owned (db_change_free). */
struct db_change {
	int64_t id;
	enum db_change_kind kind;
	int64_t target_id;             /* the year, or the user to activate; 0 for a new user */
	char *payload;                 /* the change as JSON */
	enum db_proposal_status status;
	int64_t proposed_by, created_at, resolved_by, resolved_at, result_id;
	char *resolution_reason;
};

/* 1 in *any when some year has a four-eyes threshold. */
int db_four_eyes_any(struct db *db, bool *any);
/* Stores a pending change proposed by actor, audited "change_proposal.create" with summary. */
int db_change_create(struct db *db, int64_t actor, enum db_change_kind kind, int64_t target_id,
		     const char *payload, const char *summary, int64_t *out_id);
/* DB_NOTFOUND when missing. */
int db_change_get(struct db *db, int64_t id, struct db_change *out);
void db_change_free(struct db_change *c);
/* Changes with status (-1 = all), ordered by id; release with db_change_list_free(). */
int db_change_list(struct db *db, int status, struct db_change **out, size_t *n);
void db_change_list_free(struct db_change *cs, size_t n);
/* Resolves a pending change, audited; DB_CONFLICT when it is not pending
 * (or, for an approval, when actor proposed it). */
int db_change_resolve(struct db *db, int64_t actor, int64_t id, enum db_proposal_status status,
		      int64_t result_id, const char *reason);
/* ---------------------------------------------------------------- e-mail notices (migration 11) */

#define DB_EMAIL_MAX 256               /* an address and its NUL, at most */

/* The organisation's contact e-mail ("" clears it), audited "organisation.contact_email".
 * DB_NOTFOUND when no such organisation. */
int db_org_set_contact_email(struct db *db, int64_t actor, int64_t org_id, const char *email);
/* "" when none. DB_NOTFOUND when no such organisation. */
int db_org_contact_email(struct db *db, int64_t org_id, char email[DB_EMAIL_MAX]);
/* The user's own address and whether they want notices, audited "user.notify". DB_NOTFOUND when missing. */
int db_user_set_notify(struct db *db, int64_t actor, int64_t user_id, const char *email, bool notify);
int db_user_notify(struct db *db, int64_t user_id, char email[DB_EMAIL_MAX], bool *notify);

/* Where a notice goes, in which language. Fixed fields. */
struct db_recipient {
	char email[DB_EMAIL_MAX];
	char lang[DB_LANG_MAX];
};
/* The organisation's contact and its active users who chose notices; free(*out). */
int db_recipients_org(struct db *db, int64_t org_id, struct db_recipient **out, size_t *n);
/* Active coordinators who chose notices (the daily digest); free(*out). */
int db_recipients_coordinators(struct db *db, struct db_recipient **out, size_t *n);

/* Input of db_outbox_add(); nothing is kept after the call. */
struct db_outbox_new {
	const char *kind;              /* "decision", "claim", "period_ending", "recertification_due", "digest" */
	const char *recipient, *lang, *subject, *body;
	int64_t decision_id;           /* the letter to attach (a "claim": the claim's, named by dedupe); 0 = none */
	const char *dedupe;            /* the fact and the recipient: a second add is ignored; NULL = none */
};
/* Writes a notice to the outbox, in the caller's transaction when one is
 * open. *added (may be NULL) is false when its dedupe key was there already. */
int db_outbox_add(struct db *db, const struct db_outbox_new *m, bool *added);

/* A notice of the outbox; recipient, subject, body, last_error and dedupe owned (db_outbox_list_free). */
struct db_outbox {
	int64_t id;
	char kind[24];
	char lang[DB_LANG_MAX];
	char *recipient, *subject, *body, *last_error;
	char *dedupe;                  /* its fact and recipient (notices.c writes and reads it); NULL = none */
	int64_t decision_id;
	int64_t created_at, attempts, next_attempt_at, sent_at;  /* Unix seconds; sent_at 0 while unsent */
};
/* Unsent notices due at now, the longest waiting first, at most limit. */
int db_outbox_due(struct db *db, int64_t now, int64_t limit, struct db_outbox **out, size_t *n);
/* The newest limit notices (unsent only when pending_only). */
int db_outbox_list(struct db *db, bool pending_only, int64_t limit, struct db_outbox **out, size_t *n);
void db_outbox_list_free(struct db_outbox *m, size_t n);
/* Marks notice id sent at now (after the server's 250). DB_CONFLICT when it was sent already. */
int db_outbox_sent(struct db *db, int64_t id, int64_t now);
/* Counts a failed attempt: the next one at next_at; error is one line (no secrets). */
int db_outbox_failed(struct db *db, int64_t id, int64_t next_at, const char *error);
/* Every unsent notice due now (nsp outbox retry), audited "outbox.retry"; *n (may be NULL) their number. */
int db_outbox_retry(struct db *db, int64_t actor, int64_t now, int64_t *n);


/* ---------------------------------------------------------------- linkage (issue 19, linkage.c) */

/*
 * Linkage keys of subjects (registered persons, contacts of the contact
 * register) and the coordinator's marks on pairs: counting each person once
 * across organisations without storing or showing an identity
 * (src/domain/linkage.h). The keys are computed here, under subkey 7 of the
 * database key, so every function that computes keys needs db_set_keys().
 */
enum db_subject_kind { DB_SUBJECT_PERSON, DB_SUBJECT_CONTACT };
/* "person" / "contact", and back (-1 for another word). */
const char *db_subject_kind_name(enum db_subject_kind k);
int db_subject_kind_parse(const char *s);

struct db_subject {
	enum db_subject_kind kind;
	int64_t id;
};

/*
 * Computes the keys of subj from ident (its name, birth_date and
 * birth_country; nothing of it is kept) and stores them, replacing earlier
 * ones; a subject without a usable field has its keys removed.
 * organisation_id is the subject's organisation. Joins the caller's
 * transaction (db_begin) when one is open. Not audited: the caller's own
 * change (registration, a new identity) is.
 */
int db_linkage_set(struct db *db, struct db_subject subj, int64_t organisation_id,
		   const struct linkage_identity *ident);
/* The same from identity JSON text (an object with "name", "birth_date",
 * "birth_country"; other members ignored). NULL removes the keys. */
int db_linkage_set_json(struct db *db, struct db_subject subj, int64_t organisation_id, const char *identity_json);

/* A stored subject's keys. Plain data: free(*out). */
struct db_linkage_rec {
	struct db_subject subj;
	int64_t organisation_id;
	struct linkage_keys keys;
};
/* Every stored subject, persons first, then contacts, each by id. */
int db_linkage_all(struct db *db, struct db_linkage_rec **out, size_t *n);
/* subj's keys: DB_NOTFOUND when it has none. */
int db_linkage_get(struct db *db, struct db_subject subj, struct db_linkage_rec *out);

/* A coordinator's mark on a pair (a before b: persons first, then by id). free(*out). */
struct db_linkage_mark {
	struct db_subject a, b;
	bool same;
	int64_t marked_by, marked_at;   /* user id, Unix seconds */
};
int db_linkage_marks(struct db *db, struct db_linkage_mark **out, size_t *n);
/*
 * Records that a and b are (same) or are not the same person, replacing an
 * earlier mark on the pair; audited "linkage.mark" with the pair and the word
 * (never an identity). DB_NOTFOUND when either has no keys; DB_CONFLICT when
 * a and b are one subject.
 */
int db_linkage_mark(struct db *db, int64_t actor, struct db_subject a, struct db_subject b, bool same);

/*
 * How many distinct persons the subjects set[0..n) are: records are one
 * person when marked "same" (transitively) or their exact keys are equal,
 * unless that very pair is marked "not the same" (linkage_groups), judged
 * over every stored subject and mark (so a link through a subject outside the
 * set still holds). A subject without keys is a person of its own; a subject
 * named twice counts once.
 */
int db_linkage_distinct(struct db *db, const struct db_subject *set, size_t n, int64_t *distinct);

/* The persons marked "same" as person_id, directly or through other persons,
 * by id (person_id itself not among them); free(*out). */
int db_linkage_same_persons(struct db *db, int64_t person_id, int64_t **out, size_t *n);

/* Keys for every person who has a stored identity and no keys yet (a
 * database upgraded to schema 12); *done (may be NULL): how many. */
int db_linkage_backfill(struct db *db, int64_t *done);

#endif
