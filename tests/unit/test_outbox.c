/*
 * Tests of the outbox (src/store/outbox.c, migration 9) and the sender's
 * backoff (src/web/mailer.c): a notice is written once per fact and
 * recipient, delivered once (a second sent mark is refused), retried later
 * after a failure, and due again at once after a retry.
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
#include <unistd.h>

#include "store/store.h"
#include "web/mailer.h"

static const unsigned char test_master[DB_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
							 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	struct db *db;
};

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof *fx);
	char err[DB_ERR_MAX];
	assert_non_null(fx);
	int n = snprintf(fx->dir, sizeof fx->dir, "%.3000s/nsp-outbox-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_true(n > 0 && (size_t)n < sizeof fx->dir);
	assert_non_null(mkdtemp(fx->dir));
	n = snprintf(fx->path, sizeof fx->path, "%.3500s/nsp.db", fx->dir);
	assert_true(n > 0 && (size_t)n < sizeof fx->path);
	if (db_open(&fx->db, fx->path, DB_CREATE, err, sizeof err) != DB_OK)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_set_keys(fx->db, test_master), DB_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char name[PATH_MAX + 300];
	struct dirent *e;
	db_close(fx->db);
	DIR *d = opendir(fx->dir);
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(name, sizeof name, "%s/%s", fx->dir, e->d_name);
		unlink(name);
	}
	if (d)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static const struct db_outbox_new notice = {
	.kind = "period_ending", .recipient = "kontakt@org.example", .lang = "sv",
	.subject = "NSP: en period slutar snart", .body = "Ärendekod: NSP-2026-0001",
	.dedupe = "period_ending:7:kontakt@org.example",
};

static void test_a_fact_is_written_once_per_recipient(void **state)
{
	struct fixture *fx = *state;
	bool added;
	assert_int_equal(db_outbox_add(fx->db, &notice, &added), DB_OK);
	assert_true(added);
	assert_int_equal(db_outbox_add(fx->db, &notice, &added), DB_OK);
	assert_false(added);   /* found again by a later scan: ignored */
	struct db_outbox_new other = notice;
	other.recipient = "cw@org.example";
	other.dedupe = "period_ending:7:cw@org.example";
	assert_int_equal(db_outbox_add(fx->db, &other, &added), DB_OK);
	assert_true(added);
	struct db_outbox *m;
	size_t n;
	assert_int_equal(db_outbox_list(fx->db, false, 100, &m, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(m[1].body, "Ärendekod: NSP-2026-0001");
	db_outbox_list_free(m, n);
}

static void test_sent_once_failed_later_retried_now(void **state)
{
	struct fixture *fx = *state;
	struct db_outbox *m;
	size_t n;
	int64_t retried;
	assert_int_equal(db_outbox_add(fx->db, &notice, NULL), DB_OK);
	assert_int_equal(db_outbox_due(fx->db, INT64_MAX / 2, 10, &m, &n), DB_OK);
	assert_int_equal(n, 1);
	int64_t id = m[0].id, created = m[0].created_at;
	db_outbox_list_free(m, n);

	/* a failure: not due again before its time */
	assert_int_equal(db_outbox_failed(fx->db, id, created + 100, "connection refused"), DB_OK);
	assert_int_equal(db_outbox_due(fx->db, created + 99, 10, &m, &n), DB_OK);
	assert_int_equal(n, 0);
	db_outbox_list_free(m, n);
	assert_int_equal(db_outbox_due(fx->db, created + 100, 10, &m, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].attempts, 1);
	assert_string_equal(m[0].last_error, "connection refused");
	db_outbox_list_free(m, n);

	/* retry: due at once */
	assert_int_equal(db_outbox_failed(fx->db, id, created + 5000, "timeout"), DB_OK);
	assert_int_equal(db_outbox_retry(fx->db, 0, created + 1, &retried), DB_OK);
	assert_int_equal(retried, 1);
	assert_int_equal(db_outbox_due(fx->db, created + 1, 10, &m, &n), DB_OK);
	assert_int_equal(n, 1);
	db_outbox_list_free(m, n);

	/* delivered: marked once, never due again */
	assert_int_equal(db_outbox_sent(fx->db, id, created + 2), DB_OK);
	assert_int_equal(db_outbox_sent(fx->db, id, created + 3), DB_CONFLICT);
	assert_int_equal(db_outbox_due(fx->db, INT64_MAX / 2, 10, &m, &n), DB_OK);
	assert_int_equal(n, 0);
	db_outbox_list_free(m, n);
	assert_int_equal(db_outbox_list(fx->db, true, 10, &m, &n), DB_OK);
	assert_int_equal(n, 0);
	db_outbox_list_free(m, n);
	/* a failure reported after the mark changes nothing */
	assert_int_equal(db_outbox_failed(fx->db, id, created + 10, "late"), DB_OK);
	assert_int_equal(db_outbox_list(fx->db, false, 10, &m, &n), DB_OK);
	assert_int_equal(m[0].sent_at, created + 2);
	assert_null(m[0].last_error);
	db_outbox_list_free(m, n);
}

static void test_backoff_doubles_from_one_second_to_fifteen_minutes(void **state)
{
	(void)state;
	assert_int_equal(mailer_backoff(0), 1);
	assert_int_equal(mailer_backoff(1), 2);
	assert_int_equal(mailer_backoff(5), 32);
	assert_int_equal(mailer_backoff(9), 512);
	assert_int_equal(mailer_backoff(10), 900);
	assert_int_equal(mailer_backoff(1000), 900);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_fact_is_written_once_per_recipient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sent_once_failed_later_retried_now, setup, teardown),
		cmocka_unit_test(test_backoff_doubles_from_one_second_to_fifteen_minutes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
