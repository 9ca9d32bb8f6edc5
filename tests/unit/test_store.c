/*
 * Tests of src/store/ against real database files in a temporary folder
 * ($TMPDIR or /tmp), removed afterwards. Tampering goes through a raw
 * sqlite3 connection: allowed here, in tests only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "domain/money.h"
#include "domain/rules.h"
#include "store/pages.h"
#include "store/store.h"

#define D(y, m, d) day_from_ymd((y), (m), (d))

/* 1 when code is NSP-YYYY-NNNNNNNN of year with eight digits (the first not 0). */
static int code_ok(const char *code, int year)
{
	char want[16];
	snprintf(want, sizeof want, "NSP-%04d-", year);
	if (strncmp(code, want, 9) != 0 || strlen(code) != 17 || code[9] == '0')
		return 0;
	for (int i = 9; i < 17; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

static const unsigned char test_master[DB_KEY_BYTES] = {
	0x6e, 0x73, 0x70, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
};

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	struct db *db;
};

/* ------------------------------------------------------------ helpers */

static void path_in(const struct fixture *fx, const char *name, char out[PATH_MAX])
{
	int n = snprintf(out, PATH_MAX, "%s/%s", fx->dir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

/* A fresh folder with a new database (keys set) in it, and two users the
 * tests act as: 1 a coordinator, 2 a caseworker (audit entries 1 and 2). */
static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof *fx);
	char err[DB_ERR_MAX];
	int64_t id;
	int n;

	assert_non_null(fx);
	n = snprintf(fx->dir, sizeof fx->dir, "%s/nsp-store-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	assert_true(n > 0 && (size_t)n < sizeof fx->dir);
	assert_non_null(mkdtemp(fx->dir));
	path_in(fx, "nsp.db", fx->path);
	if (db_open(&fx->db, fx->path, DB_CREATE, err, sizeof err) != DB_OK)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_set_keys(fx->db, test_master), DB_OK);
	assert_int_equal(db_user_create(fx->db, 0, "samordnare", "$argon2id$c", ROLE_COORDINATOR, 0, "sv", &id), DB_OK);
	assert_int_equal(id, 1);
	assert_int_equal(db_user_create(fx->db, 1, "handlaggare", "$argon2id$w", ROLE_CASEWORKER, 0, "sv", &id), DB_OK);
	assert_int_equal(id, 2);
	*state = fx;
	return 0;
}

/* Closes the database and removes the folder with everything in it. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	char name[PATH_MAX];
	struct dirent *e;
	DIR *d;

	db_close(fx->db);
	if ((d = opendir(fx->dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			path_in(fx, e->d_name, name);
			unlink(name);
		}
		closedir(d);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *conn = NULL;

	assert_int_equal(sqlite3_open_v2(path, &conn, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(conn, 5000);
	return conn;
}

/* Runs sql on a raw connection; returns SQLite's result code. */
static int raw_exec(sqlite3 *conn, const char *sql)
{
	return sqlite3_exec(conn, sql, NULL, NULL, NULL);
}

/* The first column of the first row of sql, with ?1 bound to arg. */
static int64_t raw_int(sqlite3 *conn, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(conn, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, arg);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The whole file (empty when missing); free() the result. */
static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "rb");

	*len = 0;
	if (f == NULL)
		return calloc(1, 1);
	for (;;) {
		if (*len == cap) {
			cap = cap != 0 ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + *len, 1, cap - *len, f);
		if (got == 0)
			break;
		*len += got;
	}
	fclose(f);
	return buf;
}

static bool contains(const unsigned char *hay, size_t hay_len, const void *needle, size_t n)
{
	for (size_t i = 0; n <= hay_len && i <= hay_len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

/* Whether the database file or its WAL holds the bytes. */
static bool files_contain(const struct fixture *fx, const void *needle, size_t n)
{
	char wal[PATH_MAX];
	unsigned char *buf;
	size_t len;
	bool found;

	buf = slurp(fx->path, &len);
	found = contains(buf, len, needle, n);
	free(buf);
	assert_true(snprintf(wal, sizeof wal, "%s-wal", fx->path) < (int)sizeof wal);
	buf = slurp(wal, &len);
	found = found || contains(buf, len, needle, n);
	free(buf);
	return found;
}

/* A safe-housing organisation certified since 2020. */
static int64_t make_org(struct db *db)
{
	int64_t id, cert;

	assert_int_equal(db_org_create(db, 0, "Tryggt hem", ORG_SAFE_HOUSING, 1u << REGION_STOCKHOLM,
				       "info@example.org", &id), DB_OK);
	assert_int_equal(db_cert_add(db, 0, id, CERT_CERTIFIED, D(2020, 1, 1), "{}", &cert), DB_OK);
	return id;
}

static struct db_person_new adult(int64_t org)
{
	return (struct db_person_new){
		.organisation_id = org,
		.gender = GENDER_FEMALE,
		.age_group = AGE_ADULT,
		.exploitation = 1u << EXPL_SEXUAL,
		.places = 1u << PLACE_SWEDEN,
		.referral_source = REF_POLICE,
		.legal_status = LEGAL_REFLECTION_PERMIT,
		.sweden_responsible = true,
		.child_role = CHILD_ROLE_NONE,
		.code_year = 2025,
	};
}

static int64_t make_person(struct db *db, int64_t org, const char *identity)
{
	struct db_person_new p = adult(org);
	int64_t id;

	p.identity_json = identity;
	assert_int_equal(db_person_create(db, 0, &p, &id, NULL), DB_OK);
	return id;
}

static struct application app_of(int64_t person, int64_t org, enum app_type type, day_t submitted,
				 day_t from, day_t to)
{
	return (struct application){
		.person_id = person,
		.organisation_id = org,
		.type = type,
		.submitted_on = submitted,
		.from = from,
		.to = to,
		.category = POINT_OTHER,
		.basis = { .kind = BASIS_NO_DESIGNATED_ACTOR, .present = 1, .actor_kind = -1, .reason_category = -1 },
		.identified = type == APP_ADMISSION,
		.needs_assessment = type == APP_ADMISSION ? "behov" : NULL,
	};
}

static int64_t make_app(struct db *db, const struct application *a)
{
	int64_t id;

	assert_int_equal(db_application_create(db, 0, a, &id), DB_OK);
	return id;
}

/* Records a decision for from..to of one line of amount öre (0: none) on day `on`. */
static int decide_period(struct db *db, int64_t app, int64_t person, enum outcome outcome, day_t on,
			 day_t from, day_t to, int64_t amount, int64_t *id)
{
	struct decision_line line = { CODE_REFLECTION, person, 30, amount };
	struct db_decision_new d = {
		.application_id = app,
		.outcome = outcome,
		.decided_on = on,
		.from = from,
		.to = to,
		.reason = "",
		.lines = amount > 0 ? &line : NULL,
		.n_lines = amount > 0 ? 1 : 0,
	};

	return db_decision_record(db, 1, &d, id);
}

static int decide(struct db *db, int64_t app, int64_t person, enum outcome outcome, day_t on, int64_t amount,
		  int64_t *id)
{
	return decide_period(db, app, person, outcome, on, DAY_NONE, DAY_NONE, amount, id);
}

/* A granted decision of `amount` öre on a fresh reflection application. */
static int64_t granted_decision(struct db *db, int64_t amount)
{
	int64_t org = make_org(db), person = make_person(db, org, NULL), id;
	struct application a = app_of(person, org, APP_REFLECTION, D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 30));

	assert_int_equal(decide(db, make_app(db, &a), person, OUTCOME_GRANTED, D(2025, 3, 2), amount, &id), DB_OK);
	return id;
}

/* The service's R14 refusal in pay_r14(), beside the store's codes. */
#define R14_REFUSED 1

/*
 * A payment by amount as the service makes it (svc_payment_create): R14
 * judged by claim_r14_allows() inside the write transaction, the amount
 * split over the decision's lines (payment_split). Returns DB_OK, the
 * store's code, or R14_REFUSED.
 */
static int pay_r14(struct db *db, int64_t actor, int64_t decision, int64_t amount, day_t on, const char *ref,
		   int64_t *id)
{
	struct payment_line lines[DECISION_MAX_LINES];
	struct claim_facts f = { 0 };
	struct db_decision d;
	int rc, n;

	/* Inside the caller's transaction when one is open (the property test batches). */
	bool own = db_begin(db) == 0;
	if ((rc = db_decision_get(db, decision, &d)) != DB_OK) {
		if (own)
			db_rollback(db);
		return rc;
	}
	f.granted_ore = d.total_ore;
	f.paid_ore = d.paid_ore;
	rc = db_claim_reserved(db, decision, 0, &f.reserved_ore);
	if (rc == DB_OK && d.closed_on == DAY_NONE && amount > 0 && !claim_r14_allows(&f, amount, NULL))
		rc = R14_REFUSED;
	n = payment_split(d.lines, d.n_lines, amount > 0 ? amount : 1, lines);
	if (n <= 0) /* nothing granted (a denial): one line, for the store to judge the rest */
		lines[0] = (struct payment_line){ CODE_REFLECTION, amount }, n = 1;
	if (rc == DB_OK)
		rc = db_payment_record(db, actor, decision, amount, on, ref, lines, n > 0 ? (size_t)n : 0, id);
	db_decision_free(&d);
	if (own && rc == DB_OK && db_commit(db) != 0)
		rc = DB_ERROR;
	if (own && rc != DB_OK)
		db_rollback(db);
	return rc;
}

/* ------------------------------------------------------------ open, migrate, keys */

static void test_open_create_migrate_reopen(void **state)
{
	struct fixture *fx = *state;
	char err[DB_ERR_MAX], missing[PATH_MAX];
	struct db *db = NULL;
	struct db_org org;
	struct stat sb;
	int64_t id;
	sqlite3 *raw;

	/* Audit entries 1 and 2 are the fixture's users. */
	id = make_org(fx->db);
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	raw = raw_open(fx->path);
	assert_int_equal(raw_int(raw, "PRAGMA user_version", 0), DB_SCHEMA_VERSION);
	sqlite3_close(raw);
	db_close(fx->db);
	fx->db = NULL;

	/* DB_CREATE never touches an existing file. */
	assert_int_equal(db_open(&db, fx->path, DB_CREATE, err, sizeof err), DB_ERROR);
	assert_null(db);
	assert_non_null(strstr(err, "exists already"));
	assert_non_null(strstr(err, "finns redan"));

	/* DB_EXISTING refuses a missing file and creates nothing. */
	path_in(fx, "missing.db", missing);
	assert_int_equal(db_open(&db, missing, DB_EXISTING, err, sizeof err), DB_ERROR);
	assert_non_null(strstr(err, "does not exist"));
	assert_int_not_equal(access(missing, F_OK), 0);

	if (db_open(&fx->db, fx->path, DB_EXISTING, err, sizeof err) != DB_OK)
		fail_msg("reopen: %s", err);
	assert_int_equal(db_org_get(fx->db, id, &org), DB_OK);
	assert_string_equal(org.name, "Tryggt hem");
	assert_true(org.has_cert);
	assert_int_equal(org.cert.status, CERT_CERTIFIED);
	db_org_free(&org);
	assert_int_equal(db_org_get(fx->db, id + 100, &org), DB_NOTFOUND);

	/* Read-only: reads work, writes are refused. */
	assert_int_equal(db_open(&db, fx->path, DB_EXISTING | DB_READONLY | DB_QUICK_CHECK, err, sizeof err), DB_OK);
	assert_int_equal(db_set_keys(db, test_master), DB_OK);
	assert_int_equal(db_org_get(db, id, &org), DB_OK);
	db_org_free(&org);
	assert_int_equal(db_org_create(db, 0, "X", ORG_OTHER, 0, "", &id), DB_ERROR);
	assert_non_null(strstr(db_errmsg(db), "read-only"));
	db_close(db);

	/* A new database has an empty audit log whose head is zeros. */
	unsigned char head[DB_HASH_BYTES], zero[DB_HASH_BYTES] = { 0 };
	struct audit_report r;
	char empty[PATH_MAX];
	path_in(fx, "empty.db", empty);
	assert_int_equal(db_open(&db, empty, DB_CREATE, err, sizeof err), DB_OK);
	assert_int_equal(db_set_keys(db, test_master), DB_OK);
	assert_int_equal(db_audit_head(db, &id, head), DB_OK);
	assert_int_equal(id, 0);
	assert_memory_equal(head, zero, sizeof zero);
	assert_int_equal(db_audit_verify(db, &r), DB_OK);
	assert_int_equal(r.problem, AUDIT_OK);
	assert_int_equal(r.checked, 0);
	db_close(db);
}

static void test_open_refuses_newer_schema(void **state)
{
	struct fixture *fx = *state;
	char err[DB_ERR_MAX];
	struct db *db = NULL;
	sqlite3 *raw;

	db_close(fx->db);
	fx->db = NULL;
	/* One newer than this program knows, whatever the number of migrations. */
	char sql[64], expect[96];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", DB_SCHEMA_VERSION + 1);
	snprintf(expect, sizeof expect, "newer nsp (schema %d, this program knows %d)", DB_SCHEMA_VERSION + 1,
		 DB_SCHEMA_VERSION);
	raw = raw_open(fx->path);
	assert_int_equal(raw_exec(raw, sql), SQLITE_OK);
	sqlite3_close(raw);

	assert_int_equal(db_open(&db, fx->path, DB_EXISTING, err, sizeof err), DB_ERROR);
	assert_null(db);
	assert_non_null(strstr(err, expect));
	assert_non_null(strstr(err, "nyare nsp"));
}

static void test_open_refuses_non_database(void **state)
{
	struct fixture *fx = *state;
	char err[DB_ERR_MAX], text[PATH_MAX], foreign[PATH_MAX];
	struct db *db = NULL;
	sqlite3 *raw;
	FILE *f;
	int i;

	path_in(fx, "notes.db", text);
	assert_non_null(f = fopen(text, "w"));
	for (i = 0; i < 200; i++)
		fputs("this is a text file, not a database\n", f);
	fclose(f);
	assert_int_equal(db_open(&db, text, DB_EXISTING, err, sizeof err), DB_ERROR);
	assert_null(db);
	assert_non_null(strstr(err, "not a database"));

	/* An SQLite database of some other program. */
	path_in(fx, "other.db", foreign);
	assert_int_equal(sqlite3_open(foreign, &raw), SQLITE_OK);
	assert_int_equal(raw_exec(raw, "CREATE TABLE t (x)"), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(db_open(&db, foreign, DB_EXISTING, err, sizeof err), DB_ERROR);
	assert_non_null(strstr(err, "not an nsp database"));

	/* A directory. */
	assert_int_equal(db_open(&db, fx->dir, DB_EXISTING, err, sizeof err), DB_ERROR);
	assert_null(db);
}

static void test_open_refuses_locked_database(void **state)
{
	struct fixture *fx = *state;
	char err[DB_ERR_MAX];
	struct db *db = NULL;
	sqlite3 *raw;

	/* Another program holds the file exclusively (past the 5 s busy timeout). */
	db_close(fx->db);
	fx->db = NULL;
	raw = raw_open(fx->path);
	assert_int_equal(raw_exec(raw, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"), SQLITE_OK);
	assert_int_equal(db_open(&db, fx->path, DB_EXISTING, err, sizeof err), DB_ERROR);
	assert_null(db);
	assert_non_null(strstr(err, "locked by another program"));
	assert_non_null(strstr(err, "låst"));
	assert_int_equal(raw_exec(raw, "COMMIT"), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(db_open(&db, fx->path, DB_EXISTING, err, sizeof err), DB_OK);
	db_close(db);
}

static void test_key_file(void **state)
{
	struct fixture *fx = *state;
	unsigned char made[DB_KEY_BYTES], read_back[DB_KEY_BYTES], again[DB_KEY_BYTES];
	char err[DB_ERR_MAX], path[PATH_MAX];
	struct stat sb;
	FILE *f;

	path_in(fx, "nsp.db.key", path);
	assert_int_equal(db_key_file_create(path, made, err, sizeof err), DB_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 2 * DB_KEY_BYTES + 1);
	assert_int_equal(db_key_file_read(path, read_back, err, sizeof err), DB_OK);
	assert_memory_equal(made, read_back, DB_KEY_BYTES);
	/* Never overwritten. */
	assert_int_equal(db_key_file_create(path, again, err, sizeof err), DB_ERROR);
	assert_int_equal(db_key_file_read(path, read_back, err, sizeof err), DB_OK);
	assert_memory_equal(made, read_back, DB_KEY_BYTES);

	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(db_key_file_read(path, read_back, err, sizeof err), DB_ERROR);
	assert_non_null(strstr(err, "chmod 600"));

	assert_int_equal(chmod(path, 0600), 0);
	assert_non_null(f = fopen(path, "w"));
	fputs("abcd\n", f);
	fclose(f);
	assert_int_equal(db_key_file_read(path, read_back, err, sizeof err), DB_ERROR);
	assert_non_null(strstr(err, "valid key"));
}

/* ------------------------------------------------------------ identity */

#define SECRET_NAME "Zyxwvuta Qwertyson"

static void test_identity_round_trip_never_plaintext(void **state)
{
	struct fixture *fx = *state;
	const char *json = "{\"name\":\"" SECRET_NAME "\",\"phone\":\"070-1234567\"}";
	unsigned char blob_part[16];
	struct db_person p;
	int64_t org, id, plain;
	sqlite3 *raw;

	org = make_org(fx->db);
	id = make_person(fx->db, org, json);
	plain = make_person(fx->db, org, NULL);

	assert_int_equal(db_person_get(fx->db, id, true, &p), DB_OK);
	assert_true(p.has_identity);
	assert_string_equal(p.identity, json);
	assert_true(code_ok(p.code, 2025));
	assert_int_equal(p.child_role, CHILD_ROLE_NONE);
	assert_int_equal(p.referral_source, REF_POLICE);
	db_person_free(&p);
	assert_null(p.identity);

	assert_int_equal(db_person_get(fx->db, id, false, &p), DB_OK);
	assert_null(p.identity);
	assert_int_equal(db_person_get(fx->db, plain, true, &p), DB_OK);
	assert_false(p.has_identity);
	assert_null(p.identity);

	/* Neither the database file nor its WAL holds the name in clear. */
	assert_false(files_contain(fx, "Zyxwvuta", strlen("Zyxwvuta")));
	assert_false(files_contain(fx, "070-1234567", strlen("070-1234567")));

	/* R12: after erasure the sealed blob is gone from the files too. */
	raw = raw_open(fx->path);
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(raw, "SELECT identity FROM persons WHERE id = ?1", -1, &st, NULL),
				 SQLITE_OK);
		sqlite3_bind_int64(st, 1, id);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_true(sqlite3_column_bytes(st, 0) > 40);
		memcpy(blob_part, (const unsigned char *)sqlite3_column_blob(st, 0) + 24, sizeof blob_part);
		sqlite3_finalize(st);
	}
	sqlite3_close(raw);
	assert_true(files_contain(fx, blob_part, sizeof blob_part));
	assert_int_equal(db_person_erase_identity(fx->db, 1, id, D(2027, 6, 1)), DB_OK);
	assert_false(files_contain(fx, blob_part, sizeof blob_part));
	assert_int_equal(db_person_get(fx->db, id, true, &p), DB_OK);
	assert_false(p.has_identity);
	assert_null(p.identity);
	assert_int_equal(p.identity_erased_on, D(2027, 6, 1));
	/* Erased is final; erasing again keeps the first day. */
	assert_int_equal(db_person_set_identity(fx->db, 1, id, "{\"name\":\"x\"}"), DB_CONFLICT);
	assert_int_equal(db_person_erase_identity(fx->db, 1, id, D(2028, 1, 1)), DB_OK);
	assert_int_equal(db_person_get(fx->db, id, false, &p), DB_OK);
	assert_int_equal(p.identity_erased_on, D(2027, 6, 1));
	assert_int_equal(db_person_erase_identity(fx->db, 1, id + 100, D(2028, 1, 1)), DB_NOTFOUND);
}

static void test_identity_blob_moved_to_another_person_fails(void **state)
{
	struct fixture *fx = *state;
	struct db_person p;
	int64_t org, a, b;
	sqlite3 *raw;

	org = make_org(fx->db);
	a = make_person(fx->db, org, "{\"name\":\"A\"}");
	b = make_person(fx->db, org, "{\"name\":\"B\"}");
	raw = raw_open(fx->path);
	{
		char sql[160];

		snprintf(sql, sizeof sql, "UPDATE persons SET identity = (SELECT identity FROM persons WHERE id = %lld) "
			 "WHERE id = %lld", (long long)a, (long long)b);
		assert_int_equal(raw_exec(raw, sql), SQLITE_OK);
	}
	sqlite3_close(raw);

	assert_int_equal(db_person_get(fx->db, b, true, &p), DB_ERROR);
	assert_null(p.identity);
	assert_non_null(strstr(db_errmsg(fx->db), "does not open"));
	assert_int_equal(db_person_get(fx->db, a, true, &p), DB_OK);
	assert_string_equal(p.identity, "{\"name\":\"A\"}");
	db_person_free(&p);

	/* Another master key cannot open it either. */
	unsigned char other[DB_KEY_BYTES];
	memcpy(other, test_master, sizeof other);
	other[0] ^= 1;
	assert_int_equal(db_set_keys(fx->db, other), DB_OK);
	assert_int_equal(db_person_get(fx->db, a, true, &p), DB_ERROR);
	assert_int_equal(db_set_keys(fx->db, test_master), DB_OK);
}

static void test_person_codes_and_lists(void **state)
{
	struct fixture *fx = *state;
	struct db_person_new child;
	struct db_person *rows, p;
	char code[DB_CODE_MAX];
	int64_t org, org2, parent, id, count, child_id;
	size_t n;
	sqlite3 *raw;

	org = make_org(fx->db);
	org2 = make_org(fx->db);
	parent = make_person(fx->db, org, NULL);
	make_person(fx->db, org2, NULL);
	child = adult(org);
	child.age_group = AGE_CHILD;
	child.parent_id = parent;
	child.child_role = CHILD_SECONDARY;
	child.referral_source = -1;
	child.code_year = 2024;
	assert_int_equal(db_person_create(fx->db, 0, &child, &id, code), DB_OK);
	assert_true(code_ok(code, 2024));
	child_id = id;

	assert_int_equal(db_person_children(fx->db, parent, &rows, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, id);
	assert_int_equal(rows[0].child_role, CHILD_SECONDARY);
	assert_int_equal(rows[0].referral_source, -1);
	free(rows);

	/* A missing parent is refused and leaves nothing behind. */
	child.parent_id = 999;
	assert_int_equal(db_person_create(fx->db, 0, &child, &id, code), DB_NOTFOUND);
	assert_int_equal(db_person_count(fx->db, 0, &count), DB_OK);
	assert_int_equal(count, 3);
	assert_int_equal(db_person_count(fx->db, org, &count), DB_OK);
	assert_int_equal(count, 2);

	/* Lists are in the order of registration, though the ids are random
	 * (migration 14): the organisation's second person is the child. */
	assert_int_equal(db_person_list(fx->db, org, 1, 1, &rows, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, child_id);
	free(rows);
	assert_int_equal(db_person_list(fx->db, 0, 0, 0, &rows, &n), DB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].id, parent);
	assert_int_equal(rows[2].id, child_id);
	free(rows);

	/* Ids are random (issue 16): two in a row are not adjacent, and each
	 * fits in 53 bits, as JSON and JavaScript hold it. */
	{
		int64_t a, b;
		int apart = 0;

		child = adult(org);
		for (int i = 0; i < 4; i++) {
			assert_int_equal(db_person_create(fx->db, 0, &child, &a, code), DB_OK);
			assert_int_equal(db_person_create(fx->db, 0, &child, &b, code), DB_OK);
			assert_true(a >= 1 && a < ((int64_t)1 << 53) && b >= 1 && b < ((int64_t)1 << 53));
			apart += b - a != 1 && a - b != 1;
		}
		assert_int_equal(apart, 4);
		/* still listed newest last */
		assert_int_equal(db_person_list(fx->db, org, 1, 9, &rows, &n), DB_OK);
		assert_int_equal(n, 1);
		assert_int_equal(rows[0].id, b);
		free(rows);
	}

	/* Codes are random (issue 16): two in a row are not one apart, and say
	 * nothing of how many were registered before. */
	{
		char first[DB_CODE_MAX];
		int apart = 0;

		child = adult(org);
		child.code_year = 2026;
		for (int i = 0; i < 4; i++) {
			assert_int_equal(db_person_create(fx->db, 0, &child, &id, first), DB_OK);
			assert_int_equal(db_person_create(fx->db, 0, &child, &id, code), DB_OK);
			assert_true(code_ok(first, 2026) && code_ok(code, 2026));
			apart += strtol(code + 9, NULL, 10) - strtol(first + 9, NULL, 10) != 1;
		}
		assert_true(apart > 0);
	}
	(void)raw;

	/* Exit once. */
	assert_int_equal(db_person_set_exit(fx->db, 1, parent, D(2025, 9, 1), EXIT_PUBLIC_SUPPORT), DB_OK);
	assert_int_equal(db_person_set_exit(fx->db, 1, parent, D(2025, 9, 2), EXIT_OTHER), DB_CONFLICT);
	assert_int_equal(db_person_set_exit(fx->db, 1, 999, D(2025, 9, 2), EXIT_OTHER), DB_NOTFOUND);
	assert_int_equal(db_person_get(fx->db, parent, false, &p), DB_OK);
	assert_int_equal(p.exit_on, D(2025, 9, 1));
	assert_int_equal(p.exit_destination, EXIT_PUBLIC_SUPPORT);
}

/* ------------------------------------------------------------ audit chain */

/* Writes ten audit entries. */
static void ten_entries(struct db *db)
{
	char detail[32];

	for (int i = 1; i <= 10; i++) {
		assert_true(snprintf(detail, sizeof detail, "n=%d", i) > 0);
		assert_int_equal(db_audit(db, 1, "test.entry", "thing", i, detail), DB_OK);
	}
}

static void verify_expect(struct db *db, enum audit_problem problem, int64_t entry)
{
	struct audit_report r;

	assert_int_equal(db_audit_verify(db, &r), DB_OK);
	if (r.problem != problem || r.entry_id != entry)
		fail_msg("expected problem %d at %lld, got %d at %lld: %s", (int)problem, (long long)entry,
			 (int)r.problem, (long long)r.entry_id, r.message);
}

static void tamper(const struct fixture *fx, const char *sql)
{
	sqlite3 *raw = raw_open(fx->path);

	assert_int_equal(raw_exec(raw, sql), SQLITE_OK);
	sqlite3_close(raw);
}

static void test_audit_chain_verifies(void **state)
{
	struct fixture *fx = *state;
	unsigned char head[DB_HASH_BYTES], zero[DB_HASH_BYTES] = { 0 };
	struct audit_report r;
	int64_t id;

	verify_expect(fx->db, AUDIT_OK, 0);
	ten_entries(fx->db);
	make_org(fx->db);    /* two more, written inside the operations */
	assert_int_equal(db_audit_verify(fx->db, &r), DB_OK);
	assert_int_equal(r.problem, AUDIT_OK);
	assert_int_equal(r.checked, 2 + 10 + 2);
	assert_int_equal(db_audit_head(fx->db, &id, head), DB_OK);
	assert_int_equal(id, 14);
	assert_memory_not_equal(head, zero, sizeof zero);

	/* Another key does not verify: the hash is a MAC. */
	unsigned char other[DB_KEY_BYTES];
	memcpy(other, test_master, sizeof other);
	other[31] ^= 0x80;
	assert_int_equal(db_set_keys(fx->db, other), DB_OK);
	verify_expect(fx->db, AUDIT_ALTERED, 1);
}

static void test_audit_detects_edited_entry(void **state)
{
	struct fixture *fx = *state;

	ten_entries(fx->db);
	tamper(fx, "UPDATE audit SET detail = 'n=99' WHERE id = 4");
	verify_expect(fx->db, AUDIT_ALTERED, 4);
}

static void test_audit_detects_edited_user(void **state)
{
	struct fixture *fx = *state;

	ten_entries(fx->db);
	tamper(fx, "UPDATE audit SET user_id = 2 WHERE id = 7");
	verify_expect(fx->db, AUDIT_ALTERED, 7);
}

static void test_audit_detects_deleted_entry(void **state)
{
	struct fixture *fx = *state;
	struct audit_report r;

	ten_entries(fx->db);
	tamper(fx, "DELETE FROM audit WHERE id = 5");
	verify_expect(fx->db, AUDIT_REMOVED, 6);
	assert_int_equal(db_audit_verify(fx->db, &r), DB_OK);
	assert_non_null(strstr(r.message, "entries 5 to 5 were removed"));
}

static void test_audit_detects_deleted_and_renumbered(void **state)
{
	struct fixture *fx = *state;

	ten_entries(fx->db);
	tamper(fx, "DELETE FROM audit WHERE id = 5; UPDATE audit SET id = id - 1 WHERE id > 5");
	verify_expect(fx->db, AUDIT_REMOVED, 5);
}

static void test_audit_detects_swapped_entries(void **state)
{
	struct fixture *fx = *state;

	ten_entries(fx->db);
	tamper(fx, "UPDATE audit SET id = -1 WHERE id = 3; UPDATE audit SET id = 3 WHERE id = 4; "
		   "UPDATE audit SET id = 4 WHERE id = -1");
	verify_expect(fx->db, AUDIT_REORDERED, 3);
}

static void test_audit_detects_first_entry_removed(void **state)
{
	struct fixture *fx = *state;

	ten_entries(fx->db);
	tamper(fx, "DELETE FROM audit WHERE id = 1");
	verify_expect(fx->db, AUDIT_REMOVED, 2);
}

/* ------------------------------------------------------------ transactions */

static void test_transaction_joins_and_rolls_back(void **state)
{
	struct fixture *fx = *state;
	struct db_person_new p;
	struct db_org org;
	int64_t id, kept, person;

	/* A refused call inside the caller's transaction undoes only itself. */
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_true(db_in_transaction(fx->db));
	assert_int_equal(db_begin(fx->db), DB_ERROR);
	kept = make_org(fx->db);
	p = adult(kept);
	p.parent_id = 4242;
	assert_int_equal(db_person_create(fx->db, 0, &p, &person, NULL), DB_NOTFOUND);
	assert_true(db_in_transaction(fx->db));
	assert_int_equal(db_org_get(fx->db, kept, &org), DB_OK);
	db_org_free(&org);
	assert_int_equal(db_commit(fx->db), DB_OK);
	assert_false(db_in_transaction(fx->db));
	assert_int_equal(db_org_get(fx->db, kept, &org), DB_OK);
	db_org_free(&org);

	/* Rolled back: the organisation and its audit entries are gone. */
	assert_int_equal(db_begin(fx->db), DB_OK);
	id = make_org(fx->db);
	assert_int_equal(db_rollback(fx->db), DB_OK);
	assert_int_equal(db_org_get(fx->db, id, &org), DB_NOTFOUND);
	verify_expect(fx->db, AUDIT_OK, 0);
	assert_int_equal(db_rollback(fx->db), DB_OK);   /* none open: no-op */
	assert_int_equal(db_commit(fx->db), DB_ERROR);
}

static void test_backup(void **state)
{
	struct fixture *fx = *state;
	char err[DB_ERR_MAX], copy[PATH_MAX];
	struct db *db;
	struct db_org org;
	struct stat sb;
	int64_t id;

	id = make_org(fx->db);
	path_in(fx, "copy.db", copy);
	assert_int_equal(db_backup(fx->db, copy, err, sizeof err), DB_OK);
	assert_int_equal(stat(copy, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(db_backup(fx->db, copy, err, sizeof err), DB_ERROR);
	if (db_open(&db, copy, DB_EXISTING | DB_QUICK_CHECK, err, sizeof err) != DB_OK)
		fail_msg("open copy: %s", err);
	assert_int_equal(db_set_keys(db, test_master), DB_OK);
	assert_int_equal(db_org_get(db, id, &org), DB_OK);
	db_org_free(&org);
	verify_expect(db, AUDIT_OK, 0);
	db_close(db);
}

/* ------------------------------------------------------------ users, sessions, organisations */

static void test_users_and_sessions(void **state)
{
	struct fixture *fx = *state;
	unsigned char token_hash[DB_HASH_BYTES], other_hash[DB_HASH_BYTES];
	struct db_session s;
	struct db_user u, *users;
	int64_t org, id, cw, n_deleted;
	size_t n;

	org = make_org(fx->db);
	assert_int_equal(db_user_create(fx->db, 0, "anna", "$argon2id$v=19$x", ROLE_COORDINATOR, 0, "sv", &id), DB_OK);
	assert_int_equal(db_user_create(fx->db, id, "anna", "$argon2id$v=19$y", ROLE_FUNDER, 0, "en", &cw), DB_CONFLICT);
	assert_int_equal(db_user_create(fx->db, id, "bo", "$argon2id$v=19$z", ROLE_CASEWORKER, org, "en", &cw), DB_OK);
	assert_int_equal(db_user_create(fx->db, id, "ghost", "h", ROLE_CASEWORKER, 777, "en", &cw), DB_NOTFOUND);
	{
		char longname[DB_USERNAME_MAX + 1];
		memset(longname, 'a', DB_USERNAME_MAX);
		longname[DB_USERNAME_MAX] = '\0';
		assert_int_equal(db_user_create(fx->db, id, longname, "h", ROLE_FUNDER, 0, "sv", &cw), DB_ERROR);
	}
	assert_int_equal(db_user_get_by_username(fx->db, "bo", &u), DB_OK);
	assert_int_equal(u.role, ROLE_CASEWORKER);
	assert_int_equal(u.organisation_id, org);
	assert_true(u.active);
	assert_string_equal(u.lang, "en");
	assert_int_equal(db_user_get_by_username(fx->db, "nobody", &u), DB_NOTFOUND);
	assert_int_equal(db_user_set_active(fx->db, id, cw, false), DB_OK);
	assert_int_equal(db_user_set_lang(fx->db, cw, "sv"), DB_OK);
	assert_int_equal(db_user_set_password_hash(fx->db, id, cw, "$argon2id$new"), DB_OK);
	assert_int_equal(db_user_set_active(fx->db, id, 999, false), DB_NOTFOUND);
	assert_int_equal(db_user_get(fx->db, cw, &u), DB_OK);
	assert_false(u.active);
	assert_string_equal(u.lang, "sv");
	assert_string_equal(u.password_hash, "$argon2id$new");
	assert_int_equal(db_user_list(fx->db, &users, &n), DB_OK);
	assert_int_equal(n, 4);
	assert_string_equal(users[2].username, "anna");
	free(users);

	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"token-1", 7, token_hash), DB_OK);
	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"token-2", 7, other_hash), DB_OK);
	assert_memory_not_equal(token_hash, other_hash, DB_HASH_BYTES);
	assert_int_equal(db_session_create(fx->db, token_hash, id, "csrf-abc", 1000), DB_OK);
	assert_int_equal(db_session_create(fx->db, token_hash, id, "csrf-abc", 1000), DB_CONFLICT);
	assert_int_equal(db_session_create(fx->db, other_hash, cw, "csrf-def", 1000), DB_OK);
	assert_int_equal(db_session_get(fx->db, token_hash, &s), DB_OK);
	assert_int_equal(s.user_id, id);
	assert_string_equal(s.user.username, "anna");
	assert_string_equal(s.csrf, "csrf-abc");
	assert_int_equal(s.created_at, 1000);
	assert_int_equal(db_session_touch(fx->db, token_hash, 1500), DB_OK);
	assert_int_equal(db_session_get(fx->db, token_hash, &s), DB_OK);
	assert_int_equal(s.last_seen, 1500);

	/* At 2000 with idle 600: the session last seen at 1000 expires, 1500 stays. */
	assert_int_equal(db_session_delete_expired(fx->db, 600, 100000, 2000, &n_deleted), DB_OK);
	assert_int_equal(n_deleted, 1);
	assert_int_equal(db_session_get(fx->db, other_hash, &s), DB_NOTFOUND);
	/* Absolute limit: created at 1000, at most 5000 s old. */
	assert_int_equal(db_session_touch(fx->db, token_hash, 6500), DB_OK);
	assert_int_equal(db_session_delete_expired(fx->db, 600, 5000, 6500, &n_deleted), DB_OK);
	assert_int_equal(n_deleted, 1);
	assert_int_equal(db_session_get(fx->db, token_hash, &s), DB_NOTFOUND);
	assert_int_equal(db_session_touch(fx->db, token_hash, 7000), DB_NOTFOUND);

	assert_int_equal(db_session_create(fx->db, token_hash, cw, "c", 1), DB_OK);
	assert_int_equal(db_session_create(fx->db, other_hash, cw, "c", 1), DB_OK);
	assert_int_equal(db_session_delete_user(fx->db, cw), DB_OK);
	assert_int_equal(db_session_delete(fx->db, token_hash), DB_NOTFOUND);
}

static void test_organisations_and_certification(void **state)
{
	struct fixture *fx = *state;
	struct cert_event *ev;
	struct db_cert *certs;
	struct db_org *orgs, o;
	int64_t a, b, id;
	size_t n;

	assert_int_equal(db_org_create(fx->db, 1, "Beta", ORG_PROTECTED_HOUSING,
				       (1u << REGION_OST) | (1u << REGION_SYD), "", &b), DB_OK);
	assert_int_equal(db_org_create(fx->db, 1, "Alfa", ORG_LOW_THRESHOLD, 1u << REGION_NORD, "tel", &a), DB_OK);
	assert_int_equal(db_cert_add(fx->db, 1, a, CERT_CERTIFIED, D(2024, 5, 1), "{\"routines\":true}", &id), DB_OK);
	assert_int_equal(db_cert_add(fx->db, 1, a, CERT_IN_PROCESS, D(2023, 1, 1), NULL, &id), DB_OK);
	assert_int_equal(db_cert_add(fx->db, 1, a, CERT_SUSPENDED, D(2025, 2, 1), NULL, &id), DB_OK);
	assert_int_equal(db_cert_add(fx->db, 1, 999, CERT_SUSPENDED, D(2025, 2, 1), NULL, &id), DB_NOTFOUND);

	assert_int_equal(db_cert_history(fx->db, a, &ev, &n), DB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].status, CERT_IN_PROCESS);
	assert_int_equal(ev[1].status, CERT_CERTIFIED);
	assert_int_equal(ev[1].date, D(2024, 5, 1));
	assert_int_equal(ev[2].status, CERT_SUSPENDED);
	free(ev);
	assert_int_equal(db_cert_list(fx->db, a, &certs, &n), DB_OK);
	assert_string_equal(certs[1].requirements, "{\"routines\":true}");
	assert_string_equal(certs[0].requirements, "{}");
	assert_int_equal(certs[0].recorded_by, 1);
	db_cert_list_free(certs, n);

	assert_int_equal(db_org_list(fx->db, &orgs, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(orgs[0].name, "Alfa");
	assert_true(orgs[0].has_cert);
	assert_int_equal(orgs[0].cert.status, CERT_SUSPENDED);
	assert_false(orgs[1].has_cert);
	assert_int_equal(orgs[1].regions, (1u << REGION_OST) | (1u << REGION_SYD));
	db_org_list_free(orgs, n);
	assert_int_equal(db_org_get(fx->db, b, &o), DB_OK);
	assert_int_equal(o.kind, ORG_PROTECTED_HOUSING);
	db_org_free(&o);
}

/* ------------------------------------------------------------ applications, decisions, payments */

static void test_applications_and_facts(void **state)
{
	struct fixture *fx = *state;
	struct db_application got, *apps;
	struct db_application_filter f = { .status = -1 };
	struct db_person_new cp;
	struct person_facts facts;
	struct granted *g;
	int64_t org, parent, child, adm, refl, point, id;
	size_t n;

	org = make_org(fx->db);
	parent = make_person(fx->db, org, NULL);
	cp = adult(org);
	cp.age_group = AGE_CHILD;
	cp.parent_id = parent;
	cp.child_role = CHILD_SECONDARY;
	assert_int_equal(db_person_create(fx->db, 0, &cp, &child, NULL), DB_OK);

	struct application a = app_of(parent, org, APP_ADMISSION, D(2025, 2, 1), DAY_NONE, DAY_NONE);
	adm = make_app(fx->db, &a);
	a = app_of(parent, org, APP_REFLECTION, D(2025, 2, 5), D(2025, 2, 10), D(2025, 3, 11));
	a.basis = (struct basis){ .kind = BASIS_PUBLIC_ACTOR_DENIED, .present = 1, .actor = "Socialtjänsten X",
				  .reason = "saknar personnummer", .reference = "no_written_decision",
				  .actor_kind = ACTOR_SOCIAL_SERVICES, .reason_category = REASON_LACKS_PERSONAL_NUMBER };
	a.children = &child;
	a.n_children = 1;
	refl = make_app(fx->db, &a);
	a = app_of(parent, org, APP_POINT_ADULT, D(2025, 4, 1), DAY_NONE, DAY_NONE);
	a.units = 3;
	a.category = POINT_INTERPRETER;
	a.motivation = "tolk till förhör";
	point = make_app(fx->db, &a);
	/* A named child that does not exist is refused. */
	int64_t ghost = 999;
	a = app_of(parent, org, APP_REFLECTION, D(2025, 2, 5), D(2025, 2, 10), D(2025, 3, 11));
	a.children = &ghost;
	a.n_children = 1;
	assert_int_equal(db_application_create(fx->db, 0, &a, &id), DB_NOTFOUND);

	assert_int_equal(db_application_get(fx->db, refl, &got), DB_OK);
	assert_int_equal(got.status, STATUS_SUBMITTED);
	assert_false(got.has_decision);
	assert_int_equal(got.app.from, D(2025, 2, 10));
	assert_int_equal(got.app.n_children, 1);
	assert_int_equal(got.app.children[0], child);
	assert_int_equal(got.app.basis.kind, BASIS_PUBLIC_ACTOR_DENIED);
	assert_string_equal(got.app.basis.actor, "Socialtjänsten X");
	assert_string_equal(got.app.basis.reference, "no_written_decision");
	assert_int_equal(got.app.basis.reason_category, REASON_LACKS_PERSONAL_NUMBER);
	assert_null(got.app.plan);
	db_application_free(&got);
	assert_int_equal(db_application_get(fx->db, point, &got), DB_OK);
	assert_int_equal(got.app.units, 3);
	assert_int_equal(got.app.category, POINT_INTERPRETER);
	assert_int_equal(got.app.from, DAY_NONE);
	assert_string_equal(got.app.motivation, "tolk till förhör");
	db_application_free(&got);
	assert_int_equal(db_application_get(fx->db, 999, &got), DB_NOTFOUND);

	assert_int_equal(decide(fx->db, adm, parent, OUTCOME_GRANTED, D(2025, 2, 3), 0, &id), DB_OK);
	assert_int_equal(decide_period(fx->db, refl, parent, OUTCOME_PARTLY_GRANTED, D(2025, 2, 8), D(2025, 2, 10),
				       D(2025, 3, 11), 3960000, &id), DB_OK);
	assert_int_equal(decide(fx->db, point, parent, OUTCOME_DENIED, D(2025, 4, 2), 0, &id), DB_OK);

	assert_int_equal(db_person_facts(fx->db, parent, &facts, &g, &n), DB_OK);
	assert_int_equal(facts.admitted_on, D(2025, 2, 3));
	assert_int_equal(facts.exit_on, DAY_NONE);
	assert_int_equal(facts.child_role, CHILD_ROLE_NONE);
	assert_true(facts.sweden_responsible);
	assert_int_equal(n, 2);   /* the denial is not history */
	assert_ptr_equal(facts.granted, g);
	assert_int_equal(g[1].type, APP_REFLECTION);
	assert_int_equal(g[1].to, D(2025, 3, 11));
	free(g);
	assert_int_equal(db_person_facts(fx->db, child, &facts, &g, &n), DB_OK);
	assert_int_equal(facts.parent_id, parent);
	assert_int_equal(facts.admitted_on, DAY_NONE);
	assert_int_equal(n, 0);
	free(g);

	f.status = STATUS_DECIDED;
	assert_int_equal(db_application_list(fx->db, &f, &apps, &n), DB_OK);
	assert_int_equal(n, 3);
	assert_true(apps[1].has_decision);
	assert_int_equal(apps[1].decision.outcome, OUTCOME_PARTLY_GRANTED);
	assert_int_equal(apps[1].decision.total_ore, 3960000);
	db_application_list_free(apps, n);
	f = (struct db_application_filter){ .status = STATUS_SUBMITTED };
	assert_int_equal(db_application_list(fx->db, &f, &apps, &n), DB_OK);
	assert_int_equal(n, 0);
	db_application_list_free(apps, n);

	/* Each of the list's three statements (by person, by status, neither)
	 * with the other filters applied too. */
	static const struct {
		int status;
		bool of_child;
		size_t n;
	} lists[] = { { -1, false, 3 }, { -1, true, 0 }, { STATUS_DECIDED, false, 3 },
		      { STATUS_SUBMITTED, false, 0 }, { STATUS_DECIDED, true, 0 } };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		f = (struct db_application_filter){ .status = lists[i].status,
						    .person_id = lists[i].of_child ? child : parent };
		assert_int_equal(db_application_list(fx->db, &f, &apps, &n), DB_OK);
		assert_int_equal(n, lists[i].n);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(apps[k].app.person_id, parent);
		db_application_list_free(apps, n);
	}
	f = (struct db_application_filter){ .status = -1, .person_id = parent, .organisation_id = org + 1000 };
	assert_int_equal(db_application_list(fx->db, &f, &apps, &n), DB_OK);
	assert_int_equal(n, 0);
	db_application_list_free(apps, n);
	f = (struct db_application_filter){ .status = -1, .limit = 2, .offset = 1 };
	assert_int_equal(db_application_list(fx->db, &f, &apps, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(apps[0].app.id, refl);
	db_application_list_free(apps, n);
}

static void test_deciding_twice_conflicts(void **state)
{
	struct fixture *fx = *state;
	char err[DB_ERR_MAX];
	struct db *other;
	struct db_application got;
	int64_t org, person, app, first, second;
	sqlite3 *raw;

	org = make_org(fx->db);
	person = make_person(fx->db, org, NULL);
	struct application a = app_of(person, org, APP_REFLECTION, D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 30));
	app = make_app(fx->db, &a);

	/* Two coordinators on two connections: the second one loses. */
	assert_int_equal(db_open(&other, fx->path, DB_EXISTING, err, sizeof err), DB_OK);
	assert_int_equal(db_set_keys(other, test_master), DB_OK);
	assert_int_equal(decide(fx->db, app, person, OUTCOME_GRANTED, D(2025, 3, 2), 3960000, &first), DB_OK);
	assert_int_equal(db_begin(other), DB_OK);
	assert_int_equal(decide(other, app, person, OUTCOME_DENIED, D(2025, 3, 2), 0, &second), DB_CONFLICT);
	assert_int_equal(db_rollback(other), DB_OK);
	assert_int_equal(decide(other, app, person, OUTCOME_GRANTED, D(2025, 3, 2), 100, &second), DB_CONFLICT);
	assert_non_null(strstr(db_errmsg(other), "decided already"));
	db_close(other);
	assert_int_equal(decide(fx->db, 999, person, OUTCOME_GRANTED, D(2025, 3, 2), 100, &second), DB_NOTFOUND);

	assert_int_equal(db_application_get(fx->db, app, &got), DB_OK);
	assert_int_equal(got.status, STATUS_DECIDED);
	assert_int_equal(got.decision.id, first);
	assert_int_equal(got.decision.outcome, OUTCOME_GRANTED);
	db_application_free(&got);
	raw = raw_open(fx->path);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM decisions", 0), 1);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM ledger", 0), 1);
	sqlite3_close(raw);
}

static void test_decision_is_all_or_nothing(void **state)
{
	struct fixture *fx = *state;
	struct decision_line lines[2];
	struct db_application got;
	struct counts { int64_t decisions, ledger, audit; } before, after;
	int64_t org, person, app, id;
	sqlite3 *raw;

	org = make_org(fx->db);
	person = make_person(fx->db, org, NULL);
	struct application a = app_of(person, org, APP_REFLECTION, D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 30));
	app = make_app(fx->db, &a);
	raw = raw_open(fx->path);
	before.decisions = raw_int(raw, "SELECT count(*) FROM decisions", 0);
	before.ledger = raw_int(raw, "SELECT count(*) FROM ledger", 0);
	before.audit = raw_int(raw, "SELECT count(*) FROM audit", 0);

	/* The second line names a person that does not exist: it fails after
	 * the decision row and the first line were written. */
	lines[0] = (struct decision_line){ CODE_REFLECTION, person, 30, 3960000 };
	lines[1] = (struct decision_line){ CODE_REFLECTION_CHILD, 4711, 30, 1500000 };
	struct db_decision_new d = { .application_id = app, .outcome = OUTCOME_GRANTED, .decided_on = D(2025, 3, 2),
				     .from = D(2025, 3, 1), .to = D(2025, 3, 30), .lines = lines, .n_lines = 2 };
	assert_int_equal(db_decision_record(fx->db, 1, &d, &id), DB_NOTFOUND);

	after.decisions = raw_int(raw, "SELECT count(*) FROM decisions", 0);
	after.ledger = raw_int(raw, "SELECT count(*) FROM ledger", 0);
	after.audit = raw_int(raw, "SELECT count(*) FROM audit", 0);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM decision_lines", 0), 0);
	sqlite3_close(raw);
	assert_int_equal(db_application_get(fx->db, app, &got), DB_OK);
	assert_int_equal(got.status, STATUS_SUBMITTED);
	db_application_free(&got);

	/* The same inside the caller's transaction: the failed decision is
	 * undone back to its savepoint, the caller's earlier work is kept. */
	raw = raw_open(fx->path);
	before.decisions = raw_int(raw, "SELECT count(*) FROM decisions", 0);
	before.audit = raw_int(raw, "SELECT count(*) FROM audit", 0);
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_audit(fx->db, 1, "test.before", NULL, 0, NULL), DB_OK);
	assert_int_equal(db_decision_record(fx->db, 1, &d, &id), DB_NOTFOUND);
	assert_true(db_in_transaction(fx->db));
	assert_int_equal(db_commit(fx->db), DB_OK);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM decisions", 0), before.decisions);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM decision_lines", 0), 0);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM audit", 0), before.audit + 1);
	sqlite3_close(raw);
	verify_expect(fx->db, AUDIT_OK, 0);

	/* A denial with lines and an over-long line list are refused up front. */
	d.outcome = OUTCOME_DENIED;
	assert_int_equal(db_decision_record(fx->db, 1, &d, &id), DB_ERROR);
	d.outcome = OUTCOME_GRANTED;
	d.n_lines = DECISION_MAX_LINES + 1;
	assert_int_equal(db_decision_record(fx->db, 1, &d, &id), DB_ERROR);
	d.n_lines = 1;
	assert_int_equal(db_decision_record(fx->db, 1, &d, &id), DB_OK);
}

static void test_ledger_is_append_only(void **state)
{
	struct fixture *fx = *state;
	int64_t decision = granted_decision(fx->db, 3960000), pay;
	sqlite3 *raw;

	assert_int_equal(pay_r14(fx->db, 1, decision, 1000, D(2025, 4, 1), "R-1", &pay), DB_OK);
	raw = raw_open(fx->path);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM ledger", 0), 2);
	assert_int_not_equal(raw_exec(raw, "UPDATE ledger SET amount_ore = 0"), SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(raw), "append-only"));
	assert_int_not_equal(raw_exec(raw, "DELETE FROM ledger WHERE kind = 'payment'"), SQLITE_OK);
	assert_int_not_equal(raw_exec(raw, "INSERT INTO ledger (year, decision_id, kind, amount_ore, on_day, created_at) "
					   "VALUES (2025, 1, 'refund', 5, 0, 0)"), SQLITE_OK);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM ledger", 0), 2);
	assert_int_equal(raw_int(raw, "SELECT SUM(amount_ore) FROM ledger", 0), 3960000 + 1000);
	/* So are the payments the ledger's payment rows stand for (migration 5). */
	assert_int_not_equal(raw_exec(raw, "UPDATE payments SET amount_ore = 1"), SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(raw), "append-only"));
	assert_int_not_equal(raw_exec(raw, "DELETE FROM payments"), SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(raw), "append-only"));
	assert_int_equal(raw_int(raw, "SELECT SUM(amount_ore) FROM payments", 0), 1000);
	sqlite3_close(raw);
}

/* Whether decision id is among the unclaimed decisions of all organisations. */
static bool unclaimed(struct db *db, int64_t id)
{
	struct db_page_decision *rows;
	size_t n;
	bool found = false;

	assert_int_equal(db_page_unclaimed(db, 0, &rows, &n), DB_OK);
	for (size_t i = 0; i < n; i++)
		found = found || rows[i].decision_id == id;
	free(rows);
	return found;
}

/* Decisions waiting for a claim: open, with money, no payment yet (the
 * first payment's day is kept by a trigger, migration 6). */
static void test_unclaimed_decisions(void **state)
{
	struct fixture *fx = *state;
	int64_t paid = granted_decision(fx->db, 3960000), closed = granted_decision(fx->db, 3960000);
	int64_t waiting = granted_decision(fx->db, 3960000), pay;
	sqlite3 *raw;

	assert_true(unclaimed(fx->db, paid) && unclaimed(fx->db, closed) && unclaimed(fx->db, waiting));
	assert_int_equal(pay_r14(fx->db, 1, paid, 1000, D(2025, 4, 9), "R-1", &pay), DB_OK);
	assert_int_equal(pay_r14(fx->db, 1, paid, 1000, D(2025, 4, 2), "R-2", &pay), DB_OK);
	assert_int_equal(pay_r14(fx->db, 1, paid, 1000, D(2025, 4, 20), "R-3", &pay), DB_OK);
	assert_int_equal(db_decision_close(fx->db, 1, closed, D(2025, 4, 1)), DB_OK);
	assert_false(unclaimed(fx->db, paid));
	assert_false(unclaimed(fx->db, closed));
	assert_true(unclaimed(fx->db, waiting));
	raw = raw_open(fx->path);
	assert_int_equal(raw_int(raw, "SELECT first_paid_on FROM decisions WHERE id = ?1", paid), D(2025, 4, 2));
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM decisions WHERE first_paid_on IS NOT NULL", 0), 1);
	sqlite3_close(raw);
}

static void test_R14_payment_never_exceeds_decision(void **state)
{
	struct fixture *fx = *state;
	char err[DB_ERR_MAX];
	struct db *other;
	struct db_decision d;
	struct db_payment *ps;
	struct budget b;
	int64_t decision, pay;
	size_t n;

	decision = granted_decision(fx->db, 100000);
	assert_int_equal(pay_r14(fx->db, 1, decision, 60000, D(2025, 4, 1), "R-1", &pay), DB_OK);
	assert_int_equal(pay_r14(fx->db, 1, decision, 40001, D(2025, 4, 2), "R-2", &pay), R14_REFUSED);
	assert_int_equal(pay_r14(fx->db, 1, decision, 0, D(2025, 4, 2), "R-2", &pay), DB_ERROR);
	assert_int_equal(pay_r14(fx->db, 1, decision, -5, D(2025, 4, 2), "R-2", &pay), DB_ERROR);
	assert_int_equal(pay_r14(fx->db, 1, 999, 5, D(2025, 4, 2), "R-2", &pay), DB_NOTFOUND);

	/* Two claims racing for the last 40 000 öre on two connections. */
	assert_int_equal(db_open(&other, fx->path, DB_EXISTING, err, sizeof err), DB_OK);
	assert_int_equal(db_set_keys(other, test_master), DB_OK);
	assert_int_equal(pay_r14(fx->db, 1, decision, 30000, D(2026, 1, 10), "R-3", &pay), DB_OK);
	assert_int_equal(pay_r14(other, 1, decision, 30000, D(2026, 1, 10), "R-3b", &pay), R14_REFUSED);
	assert_int_equal(pay_r14(other, 1, decision, 10000, D(2026, 1, 11), "R-4", &pay), DB_OK);
	assert_int_equal(pay_r14(other, 1, decision, 1, D(2026, 1, 11), "R-5", &pay), R14_REFUSED);
	db_close(other);

	assert_int_equal(db_decision_get(fx->db, decision, &d), DB_OK);
	assert_int_equal(d.paid_ore, 100000);
	assert_int_equal(d.total_ore, 100000);
	assert_int_equal(d.n_lines, 1);
	assert_int_equal(d.year, 2025);
	db_decision_free(&d);
	assert_int_equal(db_payment_list(fx->db, decision, &ps, &n), DB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(ps[2].reference, "R-4");
	db_payment_list_free(ps, n);

	/* Payments dated in 2026 count against the decision's year 2025. */
	assert_int_equal(db_year_budget(fx->db, 2025, &b), DB_OK);
	assert_int_equal(b.paid_ore, 100000);
	assert_int_equal(db_year_budget(fx->db, 2026, &b), DB_OK);
	assert_int_equal(b.paid_ore, 0);

	/* Fully paid and closed: nothing to release, nothing more to pay. */
	assert_int_equal(db_decision_close(fx->db, 1, decision, D(2026, 2, 1)), DB_OK);
	assert_int_equal(db_decision_close(fx->db, 1, decision, D(2026, 2, 1)), DB_CONFLICT);
	assert_int_equal(pay_r14(fx->db, 1, decision, 1, D(2026, 2, 2), "", &pay), DB_CONFLICT);
}

static void test_R10_close_releases_the_rest(void **state)
{
	struct fixture *fx = *state;
	struct db_year y = { .year = 2025, .has_budget = true, .budget_ore = 10000000 };
	struct db_decision_filter f = { .open = 1 };
	struct db_decision d, *ds;
	struct budget b;
	int64_t decision, pay;
	size_t n;

	assert_int_equal(db_year_put(fx->db, 1, &y), DB_OK);
	decision = granted_decision(fx->db, 3960000);
	assert_int_equal(pay_r14(fx->db, 1, decision, 924000, D(2025, 3, 9), "7 dygn", &pay), DB_OK);
	assert_int_equal(db_year_budget(fx->db, 2025, &b), DB_OK);
	assert_true(b.has_budget);
	assert_int_equal(b.committed_ore, 3960000);
	assert_int_equal(b.remaining_ore, 10000000 - 3960000);

	assert_int_equal(db_decision_list(fx->db, &f, &ds, &n), DB_OK);
	assert_int_equal(n, 1);
	db_decision_list_free(ds, n);
	assert_int_equal(db_decision_close(fx->db, 1, decision, D(2025, 3, 10)), DB_OK);
	assert_int_equal(db_decision_list(fx->db, &f, &ds, &n), DB_OK);
	assert_int_equal(n, 0);
	db_decision_list_free(ds, n);
	f.open = 0;
	f.year = 2025;
	assert_int_equal(db_decision_list(fx->db, &f, &ds, &n), DB_OK);
	assert_int_equal(n, 1);
	db_decision_list_free(ds, n);

	assert_int_equal(db_decision_get(fx->db, decision, &d), DB_OK);
	assert_int_equal(d.released_ore, 3960000 - 924000);
	assert_int_equal(d.closed_on, D(2025, 3, 10));
	db_decision_free(&d);
	assert_int_equal(db_year_budget(fx->db, 2025, &b), DB_OK);
	assert_int_equal(b.released_ore, 3960000 - 924000);
	assert_int_equal(b.paid_ore, 924000);
	assert_int_equal(b.remaining_ore, 10000000 - 924000);

	/* A year never put has no budget; replacing the year keeps its ledger. */
	assert_int_equal(db_year_budget(fx->db, 2031, &b), DB_OK);
	assert_false(b.has_budget);
	y.has_budget = false;
	assert_int_equal(db_year_put(fx->db, 1, &y), DB_OK);
	assert_int_equal(db_year_budget(fx->db, 2025, &b), DB_OK);
	assert_false(b.has_budget);
	assert_int_equal(b.committed_ore, 3960000);
	assert_int_equal(b.remaining_ore, -924000);
}

static void test_rate_tables_inherit_what_a_year_leaves_out(void **state)
{
	struct fixture *fx = *state;
	const struct rate_table *builtin = rates_builtin();
	struct db_point_rate p2026[] = { { POINT_INTERPRETER, "timme", 90000 } };
	struct db_rate r2027[] = { { CODE_REFLECTION, 140000 } };
	struct db_rate r2026[] = { { CODE_EXTENDED, 150000 } };
	struct db_year y;
	struct rate_table *t;
	size_t n;

	assert_int_equal(db_rate_tables(fx->db, &t, &n), DB_OK);
	assert_int_equal(n, 0);
	free(t);

	/* 2026 only point rates, 2027 only a day rate, 2028 only a budget. */
	y = (struct db_year){ .year = 2026, .point_rates = p2026, .n_point_rates = 1 };
	assert_int_equal(db_year_put(fx->db, 1, &y), DB_OK);
	y = (struct db_year){ .year = 2027, .rates = r2027, .n_rates = 1 };
	assert_int_equal(db_year_put(fx->db, 1, &y), DB_OK);
	y = (struct db_year){ .year = 2028, .has_budget = true, .budget_ore = 1 };
	assert_int_equal(db_year_put(fx->db, 1, &y), DB_OK);

	assert_int_equal(db_rate_tables(fx->db, &t, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].year, 2026);
	assert_memory_equal(t[0].rate_ore, builtin->rate_ore, sizeof t[0].rate_ore);
	assert_int_equal(t[0].point[POINT_INTERPRETER].rate_ore, 90000);
	assert_int_equal(t[0].point[POINT_TRAVEL].rate_ore, builtin->point[POINT_TRAVEL].rate_ore);
	assert_int_equal(t[1].year, 2027);
	assert_int_equal(t[1].rate_ore[CODE_REFLECTION], 140000);
	assert_int_equal(t[1].rate_ore[CODE_EXTENDED], builtin->rate_ore[CODE_EXTENDED]);
	assert_int_equal(t[1].point[POINT_INTERPRETER].rate_ore, 90000);   /* from 2026 */
	assert_string_equal(t[1].point[POINT_INTERPRETER].unit, "timme");
	assert_int_equal(rates_for_year(t, n, 2028)->year, 2027);
	free(t);

	/* Putting 2026 again replaces its rows: the point rate goes, a day rate comes. */
	y = (struct db_year){ .year = 2026, .rates = r2026, .n_rates = 1 };
	assert_int_equal(db_year_put(fx->db, 1, &y), DB_OK);
	assert_int_equal(db_rate_tables(fx->db, &t, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].point[POINT_INTERPRETER].rate_ore, builtin->point[POINT_INTERPRETER].rate_ore);
	assert_int_equal(t[0].rate_ore[CODE_EXTENDED], 150000);
	assert_int_equal(t[1].rate_ore[CODE_EXTENDED], 150000);        /* 2027 inherits from 2026 */
	free(t);
}

static void test_placements_and_consultations(void **state)
{
	struct fixture *fx = *state;
	struct db_placement p = { .date = D(2025, 5, 1), .region = REGION_OST, .target_group = TARGET_MEN,
				  .outcome = PLACEMENT_NO_PLACE }, *ps;
	struct db_consultation c = { .date = D(2025, 6, 1), .asker = ASKER_SOCIAL_SERVICES, .region = REGION_VAST,
				     .topic = "Barn i annat land", .minutes = 45, .outcome = "Råd" }, *cs;
	int64_t id;
	size_t n;

	assert_int_equal(db_placement_create(fx->db, 1, &p, &id), DB_OK);
	p.date = D(2024, 12, 31);
	p.region = REGION_SYD;
	assert_int_equal(db_placement_create(fx->db, 1, &p, &id), DB_OK);
	p.region = REGION__COUNT;
	assert_int_equal(db_placement_create(fx->db, 1, &p, &id), DB_ERROR);
	assert_int_equal(db_placement_list(fx->db, 2025, -1, &ps, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ps[0].region, REGION_OST);
	assert_int_equal(ps[0].outcome, PLACEMENT_NO_PLACE);
	free(ps);
	assert_int_equal(db_placement_list(fx->db, 0, REGION_SYD, &ps, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ps[0].date, D(2024, 12, 31));
	free(ps);

	assert_int_equal(db_consultation_create(fx->db, 1, &c, &id), DB_OK);
	assert_int_equal(db_consultation_list(fx->db, 2025, &cs, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cs[0].topic, "Barn i annat land");
	assert_int_equal(cs[0].minutes, 45);
	assert_int_equal(cs[0].region, REGION_VAST);
	db_consultation_list_free(cs, n);
	assert_int_equal(db_consultation_list(fx->db, 2024, &cs, &n), DB_OK);
	assert_int_equal(n, 0);
	db_consultation_list_free(cs, n);
}

/* ------------------------------------------------------------ property test */

#define PROP_OPS 10000
#define PROP_BATCH 250
#define PROP_YEAR0 2024
#define PROP_YEARS 3
#define PROP_ADULTS 24
#define PROP_MAX_PENDING 64

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: a fixed sequence, so a failure reproduces. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [lo, hi]. */
static int64_t pick(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

struct model_app {
	int64_t id;
	struct application a;
	int64_t child;             /* storage for a.children */
};

struct model_decision {
	int64_t id, app_id, total, paid;
	int year;
	day_t decided_on;
	bool closed;
};

struct model_year {
	int64_t budget, committed, paid, released;
	bool has_budget, overridden;
};

struct model {
	struct model_app pending[PROP_MAX_PENDING];
	size_t n_pending;
	struct model_decision *decisions;
	size_t n_decisions, cap_decisions;
	struct model_year years[PROP_YEARS];
	int64_t adults[PROP_ADULTS], children[PROP_ADULTS];
	int64_t org;
	struct rate_table *tables;
	size_t n_tables;
	/* how often each path ran: the test asserts every one did */
	int created, decided, r10_refused, overridden, paid, overpay_refused, closed, conflicts;
};

static struct model_year *model_year(struct model *m, int year)
{
	assert_true(year >= PROP_YEAR0 && year < PROP_YEAR0 + PROP_YEARS);
	return &m->years[year - PROP_YEAR0];
}

static void prop_create_application(struct db *db, struct model *m)
{
	static const enum app_type types[] = { APP_REFLECTION, APP_EXTENDED, APP_INTEGRATION_ADULT,
					       APP_INTEGRATION_HOUSING, APP_POINT_ADULT, APP_ADMISSION };
	struct model_app *ma = &m->pending[m->n_pending];
	size_t who = (size_t)pick(0, PROP_ADULTS - 1);
	enum app_type type = types[pick(0, sizeof types / sizeof types[0] - 1)];
	day_t submitted = (day_t)pick(D(PROP_YEAR0, 1, 1), D(PROP_YEAR0 + PROP_YEARS - 1, 12, 10));
	day_t from = submitted + (day_t)pick(0, 10);

	ma->a = app_of(m->adults[who], m->org, type, submitted, DAY_NONE, DAY_NONE);
	if (app_type_has_period(type)) {
		ma->a.from = from;
		ma->a.to = from + (day_t)pick(0, 29);
	}
	if (app_type_is_point(type)) {
		ma->a.units = pick(1, 5);
		ma->a.category = (enum point_category)pick(0, POINT__COUNT - 1);
	}
	/* Some daily compensation with a child living with the parent (R7). */
	if (app_type_is_daily_compensation(type) && pick(0, 2) == 0) {
		ma->child = m->children[who];
		ma->a.children = &ma->child;
		ma->a.n_children = 1;
	}
	assert_int_equal(db_application_create(db, 1, &ma->a, &ma->id), DB_OK);
	ma->a.id = ma->id;
	m->n_pending++;
	m->created++;
}

/* Decides a pending application the way the API does: amount from the
 * rates, R10 against the year's remaining budget, then record. */
static void prop_decide(struct db *db, struct model *m)
{
	size_t i = (size_t)pick(0, (int64_t)m->n_pending - 1);
	struct model_app *ma = &m->pending[i];
	struct decision_line lines[DECISION_MAX_LINES];
	struct model_decision *md;
	struct model_year *my;
	struct verdict v;
	struct budget b;
	int64_t total = 0, units = ma->a.units, id;
	day_t decided_on = ma->a.submitted_on + (day_t)pick(0, 20), from = ma->a.from, to = ma->a.to;
	int roll = (int)pick(0, 9), n_lines = 0, year = day_year(decided_on);
	enum outcome outcome = roll < 6 ? OUTCOME_GRANTED : roll < 8 ? OUTCOME_PARTLY_GRANTED : OUTCOME_DENIED;
	/* No overrides in the first year, so that its R10 check below means something. */
	const char *override = year != PROP_YEAR0 && pick(0, 9) == 0 ? "akut skyddsbehov" : NULL;

	if (outcome == OUTCOME_PARTLY_GRANTED) {
		to = from + (to - from) / 2;
		units = units > 1 ? units - 1 : units;
	}
	if (outcome != OUTCOME_DENIED) {
		n_lines = decision_amount(&ma->a, from, to, units, decided_on, m->tables, m->n_tables, lines);
		assert_true(n_lines >= 0);
		for (int k = 0; k < n_lines; k++)
			total += lines[k].amount_ore;
	}
	my = model_year(m, year);
	assert_int_equal(db_year_budget(db, year, &b), DB_OK);
	if (total > 0 && !rule_r10_budget(total, b.remaining_ore, override, &v)) {
		assert_string_equal(v.rule, "R10");
		m->r10_refused++;
		return;                       /* stays pending */
	}
	if (total > b.remaining_ore && total > 0) {
		my->overridden = true;
		m->overridden++;
	}
	struct db_decision_new d = {
		.application_id = ma->id, .outcome = outcome, .decided_on = decided_on,
		.from = app_type_has_period(ma->a.type) ? from : DAY_NONE,
		.to = app_type_has_period(ma->a.type) ? to : DAY_NONE,
		.units = app_type_is_point(ma->a.type) ? units : 0,
		.reason = outcome == OUTCOME_DENIED ? "inte styrkt" : "",
		.budget_override_reason = total > b.remaining_ore ? override : NULL,
		.lines = lines, .n_lines = (size_t)n_lines,
	};
	assert_int_equal(db_decision_record(db, 1, &d, &id), DB_OK);

	if (m->n_decisions == m->cap_decisions) {
		m->cap_decisions = m->cap_decisions != 0 ? 2 * m->cap_decisions : 256;
		m->decisions = realloc(m->decisions, m->cap_decisions * sizeof *m->decisions);
		assert_non_null(m->decisions);
	}
	md = &m->decisions[m->n_decisions++];
	*md = (struct model_decision){ .id = id, .app_id = ma->id, .total = total, .year = year,
				       .decided_on = decided_on };
	my->committed += total;
	/* Move the last pending application into slot i; its children
	 * pointer must follow it into the slot. */
	m->pending[i] = m->pending[--m->n_pending];
	if (m->pending[i].a.n_children > 0)
		m->pending[i].a.children = &m->pending[i].child;
	m->decided++;
}

/* A claim of random size; one that exceeds what is left must be refused (R14). */
static void prop_pay(struct db *db, struct model *m)
{
	struct model_decision *md = &m->decisions[pick(0, (int64_t)m->n_decisions - 1)];
	int64_t left = md->total - md->paid, amount = pick(1, left + left / 4 + 2), id;
	day_t paid_on = md->decided_on + (day_t)pick(0, 400);
	int rc = pay_r14(db, 2, md->id, amount, paid_on, "rekvisition", &id);

	if (md->closed) {
		assert_int_equal(rc, DB_CONFLICT);
		m->conflicts++;
	} else if (amount > left) {
		assert_int_equal(rc, R14_REFUSED);
		m->overpay_refused++;
	} else {
		assert_int_equal(rc, DB_OK);
		md->paid += amount;
		model_year(m, md->year)->paid += amount;
		m->paid++;
	}
}

static void prop_close(struct db *db, struct model *m)
{
	struct model_decision *md = &m->decisions[pick(0, (int64_t)m->n_decisions - 1)];
	int rc = db_decision_close(db, 1, md->id, md->decided_on + (day_t)pick(0, 200));

	if (md->closed) {
		assert_int_equal(rc, DB_CONFLICT);
		m->conflicts++;
		return;
	}
	assert_int_equal(rc, DB_OK);
	md->closed = true;
	model_year(m, md->year)->released += md->total - md->paid;
	m->closed++;
}

/* Deciding a decided application again must conflict and change nothing. */
static void prop_decide_again(struct db *db, struct model *m)
{
	struct model_decision *md = &m->decisions[pick(0, (int64_t)m->n_decisions - 1)];
	int64_t id;

	assert_int_equal(decide(db, md->app_id, 1, OUTCOME_GRANTED, md->decided_on, 12345, &id), DB_CONFLICT);
	m->conflicts++;
}

static void prop_setup(struct db *db, struct model *m)
{
	static const struct db_rate r2024[] = { { CODE_REFLECTION, 120000 }, { CODE_REFLECTION_CHILD, 45000 } };
	static const struct db_point_rate p2026[] = { { POINT_TRAVEL, "resa", 35000 } };
	struct db_year y;

	memset(m, 0, sizeof *m);
	/* 2024: a budget and its own reflection rates; 2025: a tight budget
	 * and no rates (2024's apply); 2026: no budget, point rates only. */
	y = (struct db_year){ .year = 2024, .has_budget = true, .budget_ore = 1500000000,
			      .rates = r2024, .n_rates = 2 };
	assert_int_equal(db_year_put(db, 1, &y), DB_OK);
	y = (struct db_year){ .year = 2025, .has_budget = true, .budget_ore = 800000000 };
	assert_int_equal(db_year_put(db, 1, &y), DB_OK);
	y = (struct db_year){ .year = 2026, .point_rates = p2026, .n_point_rates = 1 };
	assert_int_equal(db_year_put(db, 1, &y), DB_OK);
	m->years[0] = (struct model_year){ .budget = 1500000000, .has_budget = true };
	m->years[1] = (struct model_year){ .budget = 800000000, .has_budget = true };
	m->years[2] = (struct model_year){ .budget = 0, .has_budget = false };
	assert_int_equal(db_rate_tables(db, &m->tables, &m->n_tables), DB_OK);
	assert_int_equal(m->n_tables, 2);

	m->org = make_org(db);
	for (size_t i = 0; i < PROP_ADULTS; i++) {
		struct db_person_new c = adult(m->org);

		m->adults[i] = make_person(db, m->org, NULL);
		c.age_group = AGE_CHILD;
		c.parent_id = m->adults[i];
		c.child_role = CHILD_SECONDARY;
		assert_int_equal(db_person_create(db, 1, &c, &m->children[i], NULL), DB_OK);
	}
}

/* Every year: the store, the raw ledger and the model agree to the öre, and
 * budget = (committed − paid − released) + paid + remaining. */
static void prop_check(const struct fixture *fx, struct model *m)
{
	sqlite3 *raw = raw_open(fx->path);
	struct audit_report r;

	for (int k = 0; k < PROP_YEARS; k++) {
		int year = PROP_YEAR0 + k;
		struct model_year *my = &m->years[k];
		int64_t open = 0, ledger[3];
		struct budget b;

		for (size_t i = 0; i < m->n_decisions; i++)
			if (m->decisions[i].year == year && !m->decisions[i].closed)
				open += m->decisions[i].total - m->decisions[i].paid;
		ledger[0] = raw_int(raw, "SELECT COALESCE(SUM(amount_ore), 0) FROM ledger "
					 "WHERE year = ?1 AND kind = 'commit'", year);
		ledger[1] = raw_int(raw, "SELECT COALESCE(SUM(amount_ore), 0) FROM ledger "
					 "WHERE year = ?1 AND kind = 'payment'", year);
		ledger[2] = raw_int(raw, "SELECT COALESCE(SUM(amount_ore), 0) FROM ledger "
					 "WHERE year = ?1 AND kind = 'release'", year);
		assert_int_equal(db_year_budget(fx->db, year, &b), DB_OK);

		assert_int_equal(b.has_budget, my->has_budget);
		assert_int_equal(b.budget_ore, my->budget);
		assert_int_equal(b.committed_ore, my->committed);
		assert_int_equal(ledger[0], my->committed);
		assert_int_equal(b.paid_ore, my->paid);
		assert_int_equal(ledger[1], my->paid);
		assert_int_equal(b.released_ore, my->released);
		assert_int_equal(ledger[2], my->released);
		assert_int_equal(open, my->committed - my->paid - my->released);
		assert_int_equal(b.budget_ore, open + b.paid_ore + b.remaining_ore);
		assert_int_equal(b.remaining_ore, my->budget - ledger[0] + ledger[2]);
		if (!my->overridden)
			assert_true(b.remaining_ore >= 0);      /* R10 held without overrides */
		assert_true(my->committed > 0);
	}
	/* The payments' totals per day and code (kept by a trigger, migrations 5
	 * and 7) equal the payments' lines, group by group, and every payment's
	 * lines add up to the payment. */
	assert_true(raw_int(raw, "SELECT count(*) FROM payment_totals", 0) > 0);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM (SELECT p.paid_on, l.code AS code, "
				 "SUM(l.amount_ore) AS s FROM payment_lines l JOIN payments p ON p.id = l.payment_id "
				 "GROUP BY 1, 2) x FULL JOIN payment_totals t USING (paid_on, code) "
				 "WHERE x.s IS NOT t.amount_ore", 0), 0);
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM payments p WHERE p.amount_ore IS NOT "
				 "(SELECT SUM(amount_ore) FROM payment_lines l WHERE l.payment_id = p.id)", 0), 0);
	for (size_t i = 0; i < m->n_decisions; i++) {
		struct model_decision *md = &m->decisions[i];
		struct db_decision d;

		assert_int_equal(db_decision_get(fx->db, md->id, &d), DB_OK);
		assert_int_equal(d.total_ore, md->total);
		assert_int_equal(d.paid_ore, md->paid);
		assert_true(d.paid_ore <= d.total_ore);
		assert_int_equal(d.released_ore, md->closed ? md->total - md->paid : 0);
		assert_int_equal(d.closed_on != DAY_NONE, md->closed);
		db_decision_free(&d);
	}
	assert_int_equal(raw_int(raw, "SELECT count(*) FROM decisions d WHERE d.total_ore < "
				      "(SELECT COALESCE(SUM(p.amount_ore), 0) FROM payments p WHERE p.decision_id = d.id)",
				 0), 0);
	sqlite3_close(raw);
	assert_int_equal(db_audit_verify(fx->db, &r), DB_OK);
	assert_int_equal(r.problem, AUDIT_OK);
}

static void test_R10_R14_ledger_property(void **state)
{
	struct fixture *fx = *state;
	struct model m;

	prop_setup(fx->db, &m);
	assert_int_equal(db_begin(fx->db), DB_OK);
	for (int op = 0; op < PROP_OPS; op++) {
		int roll = (int)pick(0, 99);

		if (op > 0 && op % PROP_BATCH == 0) {
			assert_int_equal(db_commit(fx->db), DB_OK);
			assert_int_equal(db_begin(fx->db), DB_OK);
		}
		if (m.n_pending == 0 || (roll < 30 && m.n_pending < PROP_MAX_PENDING))
			prop_create_application(fx->db, &m);
		else if (roll < 55 || m.n_decisions == 0)
			prop_decide(fx->db, &m);
		else if (roll < 85)
			prop_pay(fx->db, &m);
		else if (roll < 95)
			prop_close(fx->db, &m);
		else
			prop_decide_again(fx->db, &m);
	}
	assert_int_equal(db_commit(fx->db), DB_OK);

	print_message("property: %d applications, %d decisions (%d R10 refusals, %d overrides), %d payments "
		      "(%d R14 refusals), %d closes, %d conflicts\n", m.created, m.decided, m.r10_refused,
		      m.overridden, m.paid, m.overpay_refused, m.closed, m.conflicts);
	/* Every path ran, refusals included. */
	assert_true(m.created > 1000 && m.decided > 1000 && m.paid > 500 && m.closed > 300);
	assert_true(m.r10_refused > 0 && m.overridden > 0 && m.overpay_refused > 0 && m.conflicts > 0);
	prop_check(fx, &m);
	free(m.tables);
	free(m.decisions);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_create_migrate_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses_newer_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses_non_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses_locked_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_round_trip_never_plaintext, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_blob_moved_to_another_person_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_codes_and_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_detects_edited_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_detects_edited_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_detects_deleted_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_detects_deleted_and_renumbered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_detects_swapped_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_detects_first_entry_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transaction_joins_and_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_and_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_organisations_and_certification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_applications_and_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deciding_twice_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decision_is_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ledger_is_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unclaimed_decisions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_R14_payment_never_exceeds_decision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_R10_close_releases_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_tables_inherit_what_a_year_leaves_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_placements_and_consultations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_R10_R14_ledger_property, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
