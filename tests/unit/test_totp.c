/*
 * Tests of the second factor: the TOTP arithmetic against RFC 6238's own
 * test vectors (src/util/totp.c over liboath), recovery codes, the QR
 * code's SVG path (src/util/qr.c), and the store's part (src/store/totp.c):
 * sealed secrets, single-use steps and recovery codes, resets and login
 * challenges, on a real database in a temporary folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/qr.h"
#include "util/totp.h"

/* RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890". */
static const unsigned char rfc_secret[20] = "12345678901234567890";

/* ------------------------------------------------------------ TOTP arithmetic */

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	/* The RFC gives 8 digits; 6 digits are their last six (the value mod 10^6). */
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
		{ 59, "287082" }, { 1111111109, "081804" }, { 1111111111, "050471" },
		{ 1234567890, "005924" }, { 2000000000, "279037" }, { 20000000000, "353130" },
	};
	char code[TOTP_CODE_MAX];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(totp_code(rfc_secret, sizeof rfc_secret, totp_step(v[i].t), code), 0);
		assert_string_equal(code, v[i].code);
		int64_t step = -1;
		assert_int_equal(totp_verify(rfc_secret, sizeof rfc_secret, v[i].code, v[i].t, &step), 1);
		assert_int_equal(step, v[i].t / 30);
	}
	assert_int_equal(totp_step(0), 0);
	assert_int_equal(totp_step(29), 0);
	assert_int_equal(totp_step(30), 1);
	assert_int_equal(totp_step(-1), -1);
}

static void test_verify_accepts_one_step_either_side_and_no_more(void **state)
{
	(void)state;
	const int64_t now = 1111111111; /* step 37037037 */
	const int64_t s = totp_step(now);
	char code[TOTP_CODE_MAX];
	int64_t got;
	for (int64_t d = -3; d <= 3; d++) {
		assert_int_equal(totp_code(rfc_secret, sizeof rfc_secret, s + d, code), 0);
		got = -1;
		int ok = totp_verify(rfc_secret, sizeof rfc_secret, code, now, &got);
		assert_int_equal(ok, d >= -1 && d <= 1);
		if (ok)
			assert_int_equal(got, s + d);
	}
	/* malformed codes are wrong, never an error */
	static const char *const bad[] = { "", "05047", "0504711", "05047a", " 50471", "-50471", "050471\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(totp_verify(rfc_secret, sizeof rfc_secret, bad[i], now, &got), 0);
	/* another secret's code is wrong */
	unsigned char other[20];
	memcpy(other, rfc_secret, sizeof other);
	other[0] ^= 1;
	assert_int_equal(totp_verify(other, sizeof other, "050471", now, &got), 0);
}

static void test_base32_and_uri(void **state)
{
	(void)state;
	char b32[TOTP_BASE32_MAX];
	assert_int_equal(totp_base32(rfc_secret, sizeof rfc_secret, b32), 0);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	struct buf uri = BUF_INIT;
	assert_int_equal(totp_uri(&uri, "NSP", "linnea-handläggare", rfc_secret, sizeof rfc_secret), 0);
	assert_string_equal(buf_str(&uri), "otpauth://totp/NSP:linnea-handl%C3%A4ggare?secret="
					   "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=NSP&algorithm=SHA1&digits=6&period=30");
	buf_reset(&uri);
	assert_int_equal(totp_uri(&uri, "N S/P", "a:b&c?d", rfc_secret, sizeof rfc_secret), 0);
	assert_non_null(strstr(buf_str(&uri), "otpauth://totp/N%20S%2FP:a%3Ab%26c%3Fd?secret="));
	assert_non_null(strstr(buf_str(&uri), "&issuer=N%20S%2FP&"));
	buf_release(&uri);
}

static void test_recovery_codes(void **state)
{
	(void)state;
	char a[RECOVERY_CODE_MAX], b[RECOVERY_CODE_MAX], n[RECOVERY_CODE_CHARS + 1];
	recovery_code_new(a);
	recovery_code_new(b);
	assert_int_equal(strlen(a), 19);
	assert_string_not_equal(a, b);
	for (int i = 0; i < 19; i++) {
		if (i % 5 == 4)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("abcdefghjkmnpqrstuvwxyz23456789", a[i]));
	}
	assert_int_equal(recovery_code_normalise(a, n), 0);
	assert_int_equal(strlen(n), 16);
	assert_null(strchr(n, '-'));
	/* as typed from paper */
	assert_int_equal(recovery_code_normalise("ABCD EFGH-jkmn pqrs", n), 0);
	assert_string_equal(n, "abcdefghjkmnpqrs");
	/* refused: wrong length, look-alikes outside the alphabet, other characters */
	static const char *const bad[] = { "", "abcd-efgh-jkmn-pqr", "abcd-efgh-jkmn-pqrst", "abcd-efgh-jkmn-pqr0",
					   "abcd-efgh-jkmn-pqri", "abcd-efgh-jkmn-pqr_", "åbcd-efgh-jkmn-pqrs" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(recovery_code_normalise(bad[i], n), -1);
}

static void test_qr_path(void **state)
{
	(void)state;
	struct buf path = BUF_INIT;
	int size = 0;
	const char *uri = "otpauth://totp/NSP:samordnare?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=NSP"
			  "&algorithm=SHA1&digits=6&period=30";
	assert_int_equal(qr_svg_path(uri, &path, &size), 0);
	/* a version v symbol is 17 + 4v modules wide; the quiet zone adds 4 on each side */
	assert_true(size >= 21 + 8 && (size - 8 - 17) % 4 == 0);
	/* the top-left finder pattern: a run of 7 dark modules at the quiet zone's corner */
	assert_true(strncmp(buf_str(&path), "M4,4h7v1h-7z", 12) == 0);
	assert_int_equal(strspn(buf_str(&path), "0123456789,Mhvz-"), path.len);
	buf_release(&path);
	/* too long for any QR code: refused, nothing written */
	char *huge = malloc(8000);
	assert_non_null(huge);
	memset(huge, 'x', 7999);
	huge[7999] = '\0';
	assert_int_equal(qr_svg_path(huge, &path, &size), -1);
	assert_int_equal(path.len, 0);
	free(huge);
	buf_release(&path);
}

/* ------------------------------------------------------------ the store */

static const unsigned char test_master[DB_KEY_BYTES] = "nsp-totp-test-master-key-0123456";

struct fixture {
	char dir[PATH_MAX / 2];
	char path[PATH_MAX];
	struct db *db;
	int64_t alice, bob;
};

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof *fx);
	char err[DB_ERR_MAX];
	assert_non_null(fx);
	int n = snprintf(fx->dir, sizeof fx->dir, "%s/nsp-totp-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	assert_true(n > 0 && (size_t)n < sizeof fx->dir);
	assert_non_null(mkdtemp(fx->dir));
	n = snprintf(fx->path, sizeof fx->path, "%s/nsp.db", fx->dir);
	assert_true(n > 0 && (size_t)n < sizeof fx->path);
	if (db_open(&fx->db, fx->path, DB_CREATE, err, sizeof err) != DB_OK)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_set_keys(fx->db, test_master), DB_OK);
	assert_int_equal(db_user_create(fx->db, 0, "alice", "$argon2id$a", ROLE_COORDINATOR, 0, "sv", &fx->alice), DB_OK);
	assert_int_equal(db_user_create(fx->db, 0, "bob", "$argon2id$b", ROLE_COORDINATOR, 0, "sv", &fx->bob), DB_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char p[PATH_MAX + 8];
	db_close(fx->db);
	static const char *const ext[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", fx->path, ext[i]);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Counts the audit rows with this action (raw read: tests only). */
static int audit_count(struct fixture *fx, const char *action)
{
	sqlite3 *c;
	sqlite3_stmt *st;
	int n = -1;
	assert_int_equal(sqlite3_open_v2(fx->path, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT count(*) FROM audit WHERE action = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(c);
	return n;
}

static void test_secret_is_sealed_and_bound_to_its_user(void **state)
{
	struct fixture *fx = *state;
	struct db_totp t;
	assert_int_equal(db_totp_get(fx->db, fx->alice, true, &t), DB_OK);
	assert_false(t.present);
	assert_int_equal(db_totp_begin(fx->db, fx->alice, fx->alice, rfc_secret), DB_OK);
	assert_int_equal(db_totp_get(fx->db, fx->alice, true, &t), DB_OK);
	assert_true(t.present);
	assert_false(t.confirmed);
	assert_memory_equal(t.secret, rfc_secret, sizeof rfc_secret);
	assert_int_equal(audit_count(fx, "totp.enrol_start"), 1);
	assert_int_equal(db_totp_begin(fx->db, 0, 424242, rfc_secret), DB_NOTFOUND);

	/* not in clear in the file, and a blob moved to another user does not open */
	sqlite3 *c;
	assert_int_equal(sqlite3_open_v2(fx->path, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c, "SELECT instr(secret, ?1) FROM user_totp", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, rfc_secret, 8, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(c, "INSERT INTO user_totp (user_id, secret, created_at) "
					 "SELECT 2, secret, created_at FROM user_totp WHERE user_id = 1", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(c);
	assert_int_equal(db_totp_get(fx->db, fx->bob, false, &t), DB_OK);  /* the state reads ... */
	assert_true(t.present);
	assert_int_equal(db_totp_get(fx->db, fx->bob, true, &t), DB_ERROR); /* ... the secret does not open */
	for (size_t i = 0; i < sizeof t.secret; i++)
		assert_int_equal(t.secret[i], 0);
}

static void test_enrolment_steps_and_recovery_codes(void **state)
{
	struct fixture *fx = *state;
	struct db_totp t;
	static const char *const codes[] = { "aaaabbbbccccdddd", "eeeeffffgggghhhh", "jjjjkkkkmmmmnnnn" };
	/* nothing pending: nothing to confirm */
	assert_int_equal(db_totp_confirm(fx->db, fx->alice, 100, codes, 3), DB_NOTFOUND);
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 100), DB_CONFLICT);
	assert_int_equal(db_totp_begin(fx->db, fx->alice, fx->alice, rfc_secret), DB_OK);
	/* pending is not in force */
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 100), DB_CONFLICT);
	assert_int_equal(db_totp_confirm(fx->db, fx->alice, 100, codes, 3), DB_OK);
	assert_int_equal(db_totp_get(fx->db, fx->alice, false, &t), DB_OK);
	assert_true(t.confirmed);
	assert_int_equal(t.last_step, 100);
	assert_int_equal(t.recovery_left, 3);
	assert_true(t.confirmed_at > 0);
	/* an enrolled factor is not replaced by a new start */
	unsigned char other[20] = { 1 };
	assert_int_equal(db_totp_begin(fx->db, fx->alice, fx->alice, other), DB_CONFLICT);
	assert_int_equal(db_totp_get(fx->db, fx->alice, true, &t), DB_OK);
	assert_memory_equal(t.secret, rfc_secret, sizeof rfc_secret);
	/* steps: each once, and never an older one */
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 100), DB_CONFLICT); /* the confirming code's */
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 101), DB_OK);
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 101), DB_CONFLICT);
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 99), DB_CONFLICT);
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 103), DB_OK);
	/* recovery codes: once each, and only the user's own */
	assert_int_equal(db_recovery_use(fx->db, fx->bob, codes[0]), DB_NOTFOUND);
	assert_int_equal(db_recovery_use(fx->db, fx->alice, codes[0]), DB_OK);
	assert_int_equal(db_recovery_use(fx->db, fx->alice, codes[0]), DB_NOTFOUND);
	assert_int_equal(db_recovery_use(fx->db, fx->alice, "zzzzzzzzzzzzzzzz"), DB_NOTFOUND);
	assert_int_equal(db_totp_get(fx->db, fx->alice, false, &t), DB_OK);
	assert_int_equal(t.recovery_left, 2);
	assert_int_equal(audit_count(fx, "totp.enrol"), 1);
	assert_int_equal(audit_count(fx, "totp.recovery_used"), 1);
	/* the reset removes it all; a new enrolment starts from nothing */
	assert_int_equal(db_totp_reset(fx->db, fx->bob, fx->alice), DB_OK);
	assert_int_equal(db_totp_reset(fx->db, fx->bob, 424242), DB_NOTFOUND);
	assert_int_equal(db_totp_get(fx->db, fx->alice, false, &t), DB_OK);
	assert_false(t.present);
	assert_int_equal(t.recovery_left, 0);
	assert_int_equal(db_recovery_use(fx->db, fx->alice, codes[1]), DB_NOTFOUND);
	assert_int_equal(audit_count(fx, "totp.reset"), 1);
	assert_int_equal(db_totp_begin(fx->db, fx->alice, fx->alice, other), DB_OK);
	assert_int_equal(db_totp_confirm(fx->db, fx->alice, 5, codes + 1, 1), DB_OK);
	assert_int_equal(db_totp_get(fx->db, fx->alice, true, &t), DB_OK);
	assert_memory_equal(t.secret, other, sizeof other);
	assert_int_equal(t.recovery_left, 1);
	assert_int_equal(db_totp_use_step(fx->db, fx->alice, 6), DB_OK);
	struct audit_report r;
	assert_int_equal(db_audit_verify(fx->db, &r), DB_OK);
	assert_int_equal(r.problem, AUDIT_OK);
}

static void test_challenges(void **state)
{
	struct fixture *fx = *state;
	unsigned char h1[DB_HASH_BYTES], h2[DB_HASH_BYTES];
	struct db_challenge c;
	bool spent = true;
	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"one", 3, h1), DB_OK);
	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"two", 3, h2), DB_OK);
	assert_int_equal(db_challenge_get(fx->db, h1, &c), DB_NOTFOUND);
	assert_int_equal(db_challenge_create(fx->db, h1, fx->alice, 1000), DB_OK);
	assert_int_equal(db_challenge_create(fx->db, h1, fx->alice, 1000), DB_CONFLICT);
	assert_int_equal(db_challenge_create(fx->db, h2, fx->bob, 2000), DB_OK);
	assert_int_equal(db_challenge_get(fx->db, h1, &c), DB_OK);
	assert_int_equal(c.user_id, fx->alice);
	assert_int_equal(c.created_at, 1000);
	assert_int_equal(c.attempts, 0);
	/* three wrong codes spend it */
	assert_int_equal(db_challenge_fail(fx->db, h1, 3, &spent), DB_OK);
	assert_false(spent);
	assert_int_equal(db_challenge_fail(fx->db, h1, 3, &spent), DB_OK);
	assert_false(spent);
	assert_int_equal(db_challenge_get(fx->db, h1, &c), DB_OK);
	assert_int_equal(c.attempts, 2);
	assert_int_equal(db_challenge_fail(fx->db, h1, 3, &spent), DB_OK);
	assert_true(spent);
	assert_int_equal(db_challenge_get(fx->db, h1, &c), DB_NOTFOUND);
	/* used once */
	assert_int_equal(db_challenge_delete(fx->db, h2), DB_OK);
	assert_int_equal(db_challenge_delete(fx->db, h2), DB_NOTFOUND);
	/* expiry and a reset clear them */
	assert_int_equal(db_challenge_create(fx->db, h1, fx->alice, 1000), DB_OK);
	assert_int_equal(db_challenge_create(fx->db, h2, fx->alice, 5000), DB_OK);
	assert_int_equal(db_challenge_delete_expired(fx->db, 1001), DB_OK);
	assert_int_equal(db_challenge_get(fx->db, h1, &c), DB_NOTFOUND);
	assert_int_equal(db_challenge_get(fx->db, h2, &c), DB_OK);
	assert_int_equal(db_totp_reset(fx->db, fx->bob, fx->alice), DB_OK);
	assert_int_equal(db_challenge_get(fx->db, h2, &c), DB_NOTFOUND);
}

/* The reset as the API and nsp user reset-totp do it: the second factor, the
 * challenges and the sessions of the user go, in one transaction (the
 * caller's when one is open); nobody else's. And a password change's
 * db_challenge_delete_user takes only the user's half-done logins. */
static void test_reset_user_ends_sessions_in_one_transaction(void **state)
{
	struct fixture *fx = *state;
	static const char *const codes[] = { "aaaabbbbccccdddd" };
	unsigned char sa[DB_HASH_BYTES], sb[DB_HASH_BYTES], ca[DB_HASH_BYTES], cb[DB_HASH_BYTES];
	struct db_session sess;
	struct db_challenge c;
	struct db_totp t;
	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"sa", 2, sa), DB_OK);
	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"sb", 2, sb), DB_OK);
	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"ca", 2, ca), DB_OK);
	assert_int_equal(db_session_token_hash(fx->db, (const unsigned char *)"cb", 2, cb), DB_OK);
	assert_int_equal(db_totp_begin(fx->db, fx->alice, fx->alice, rfc_secret), DB_OK);
	assert_int_equal(db_totp_confirm(fx->db, fx->alice, 100, codes, 1), DB_OK);
	assert_int_equal(db_session_create(fx->db, sa, fx->alice, "csrf-a", 1000), DB_OK);
	assert_int_equal(db_session_create(fx->db, sb, fx->bob, "csrf-b", 1000), DB_OK);
	assert_int_equal(db_challenge_create(fx->db, ca, fx->alice, 1000), DB_OK);
	assert_int_equal(db_challenge_create(fx->db, cb, fx->bob, 1000), DB_OK);

	/* no such user: nothing changes, nothing is audited */
	assert_int_equal(db_totp_reset_user(fx->db, fx->bob, 424242), DB_NOTFOUND);
	assert_false(db_in_transaction(fx->db));
	assert_int_equal(audit_count(fx, "totp.reset"), 0);
	/* inside the caller's transaction it is undone with it */
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_totp_reset_user(fx->db, fx->bob, fx->alice), DB_OK);
	assert_true(db_in_transaction(fx->db));
	assert_int_equal(db_session_get(fx->db, sa, &sess), DB_NOTFOUND);
	assert_int_equal(db_rollback(fx->db), DB_OK);
	assert_int_equal(db_session_get(fx->db, sa, &sess), DB_OK);
	assert_int_equal(db_challenge_get(fx->db, ca, &c), DB_OK);
	assert_int_equal(db_totp_get(fx->db, fx->alice, false, &t), DB_OK);
	assert_true(t.confirmed);
	assert_int_equal(audit_count(fx, "totp.reset"), 0);
	/* on its own: all of alice's gone, bob's kept */
	assert_int_equal(db_totp_reset_user(fx->db, fx->bob, fx->alice), DB_OK);
	assert_false(db_in_transaction(fx->db));
	assert_int_equal(db_totp_get(fx->db, fx->alice, false, &t), DB_OK);
	assert_false(t.present);
	assert_int_equal(t.recovery_left, 0);
	assert_int_equal(db_session_get(fx->db, sa, &sess), DB_NOTFOUND);
	assert_int_equal(db_challenge_get(fx->db, ca, &c), DB_NOTFOUND);
	assert_int_equal(db_session_get(fx->db, sb, &sess), DB_OK);
	assert_int_equal(db_challenge_get(fx->db, cb, &c), DB_OK);
	assert_int_equal(audit_count(fx, "totp.reset"), 1);

	/* a password change's part: only the user's challenges */
	assert_int_equal(db_challenge_create(fx->db, ca, fx->alice, 2000), DB_OK);
	assert_int_equal(db_challenge_delete_user(fx->db, fx->bob), DB_OK);
	assert_int_equal(db_challenge_get(fx->db, cb, &c), DB_NOTFOUND);
	assert_int_equal(db_challenge_get(fx->db, ca, &c), DB_OK);
	assert_int_equal(db_session_get(fx->db, sb, &sess), DB_OK);
	assert_int_equal(db_challenge_delete_user(fx->db, fx->bob), DB_OK); /* none left: not an error */
	struct audit_report r;
	assert_int_equal(db_audit_verify(fx->db, &r), DB_OK);
	assert_int_equal(r.problem, AUDIT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_verify_accepts_one_step_either_side_and_no_more),
		cmocka_unit_test(test_base32_and_uri),
		cmocka_unit_test(test_recovery_codes),
		cmocka_unit_test(test_qr_path),
		cmocka_unit_test_setup_teardown(test_secret_is_sealed_and_bound_to_its_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enrolment_steps_and_recovery_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_challenges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_user_ends_sessions_in_one_transaction, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
