/*
 * Tests of the certification state machine, the recertification due date
 * and the checklist (src/domain/certification.c): every transition of the
 * table both ways, the date order, the renewal by recertification and
 * reinstatement, month arithmetic at month ends, and unmet requirements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/certification.h"

static day_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

/* Every pair (from, to) against the table of certification.h, written out
 * again here so that a change to the machine has to change both. */
static void test_every_transition(void **state)
{
	(void)state;
	static const char *const expect[CERT__COUNT + 1] = {
		/* to: P I C S R */
		"YY---", /* (none) */
		"-Y---", /* prospect */
		"Y-Y--", /* in_process */
		"--YYY", /* certified */
		"--Y-Y", /* suspended */
		"YY---", /* revoked */
	};
	for (int from = -1; from < CERT__COUNT; from++)
		for (int to = 0; to < CERT__COUNT; to++) {
			bool want = expect[from + 1][to] == 'Y';
			if (cert_transition_allowed(from, (enum cert_status)to) != want)
				fail_msg("transition %d -> %d: expected %s", from, to, want ? "allowed" : "refused");
		}
	assert_false(cert_transition_allowed(-2, CERT_PROSPECT));
	assert_false(cert_transition_allowed(CERT__COUNT, CERT_PROSPECT));
	assert_false(cert_transition_allowed(-1, (enum cert_status)CERT__COUNT));
}

static void test_check_event_refuses_with_both_languages(void **state)
{
	(void)state;
	struct verdict v;
	struct cert_event h[] = {
		{ D(2024, 1, 10), CERT_IN_PROCESS },
		{ D(2024, 2, 1), CERT_CERTIFIED },
		{ D(2024, 6, 1), CERT_REVOKED },
	};

	/* none -> certified: no process */
	assert_int_equal(cert_check_event(NULL, 0, CERT_CERTIFIED, D(2024, 1, 1), &v), CERT_EVENT_TRANSITION);
	assert_string_equal(v.rule, "certification");
	assert_non_null(strstr(v.sv, "ingen certifiering"));
	assert_non_null(strstr(v.en, "no certification"));
	assert_non_null(strstr(v.en, "certification in process"));  /* where it may go */
	/* revoked -> certified refused; revoked -> in_process allowed */
	assert_int_equal(cert_check_event(h, 3, CERT_CERTIFIED, D(2024, 7, 1), &v), CERT_EVENT_TRANSITION);
	assert_non_null(strstr(v.sv, "från återkallad till certifierad"));
	assert_non_null(strstr(v.en, "from revoked to certified"));
	assert_null(strstr(v.en, "återkallad"));
	assert_null(strstr(v.sv, "revoked"));
	assert_int_equal(cert_check_event(h, 3, CERT_IN_PROCESS, D(2024, 7, 1), &v), CERT_EVENT_OK);
	assert_null(v.rule);
	/* the same day as the latest event is fine, the day before is not */
	assert_int_equal(cert_check_event(h, 3, CERT_IN_PROCESS, D(2024, 6, 1), &v), CERT_EVENT_OK);
	assert_int_equal(cert_check_event(h, 3, CERT_IN_PROCESS, D(2024, 5, 31), &v), CERT_EVENT_DATE);
	assert_non_null(strstr(v.sv, "2024-06-01"));
	assert_non_null(strstr(v.en, "2024-06-01"));
	/* recertification: certified -> certified */
	assert_int_equal(cert_check_event(h, 2, CERT_CERTIFIED, D(2025, 1, 1), &v), CERT_EVENT_OK);
	assert_int_equal(cert_current(h, 2), CERT_CERTIFIED);
	assert_int_equal(cert_current(NULL, 0), -1);
}

static void test_month_arithmetic(void **state)
{
	(void)state;
	assert_int_equal(cert_add_months(D(2024, 3, 15), 36), D(2027, 3, 15));
	assert_int_equal(cert_add_months(D(2024, 2, 29), 12), D(2025, 2, 28));
	assert_int_equal(cert_add_months(D(2024, 2, 29), 48), D(2028, 2, 29));
	assert_int_equal(cert_add_months(D(2025, 1, 31), 1), D(2025, 2, 28));
	assert_int_equal(cert_add_months(D(2025, 11, 30), 3), D(2026, 2, 28));
	assert_int_equal(cert_add_months(D(2025, 12, 31), 18), D(2027, 6, 30));
}

static void test_due_date_follows_the_latest_certified_event(void **state)
{
	(void)state;
	struct cert_event h[] = {
		{ D(2021, 9, 1), CERT_IN_PROCESS },
		{ D(2022, 3, 15), CERT_CERTIFIED },
		{ D(2025, 1, 10), CERT_CERTIFIED },  /* recertified: renews */
		{ D(2025, 4, 1), CERT_SUSPENDED },
		{ D(2025, 5, 2), CERT_CERTIFIED },   /* reinstated: renews too */
		{ D(2025, 8, 1), CERT_REVOKED },
	};
	assert_int_equal(cert_due(h, 1, 36), DAY_NONE);             /* in process */
	assert_int_equal(cert_due(h, 2, 36), D(2025, 3, 15));
	assert_int_equal(cert_due(h, 3, 36), D(2028, 1, 10));
	assert_int_equal(cert_due(h, 3, 12), D(2026, 1, 10));        /* the interval is a setting */
	assert_int_equal(cert_due(h, 4, 36), DAY_NONE);              /* suspended: nothing is due */
	assert_int_equal(cert_certified_since(h, 5), D(2025, 5, 2));
	assert_int_equal(cert_due(h, 5, 36), D(2028, 5, 2));
	assert_int_equal(cert_due(h, 6, 36), DAY_NONE);              /* revoked */
	assert_int_equal(cert_due(h, 3, 0), DAY_NONE);
	assert_int_equal(cert_due(NULL, 0, 36), DAY_NONE);
}

static void test_checklist(void **state)
{
	(void)state;
	struct verdict v;
	size_t unmet = 99;
	struct cert_item items[] = {
		{ "knowledge_of_trafficking", true, true, NULL, NULL },
		{ "children_with_parent", false, false, NULL, NULL },  /* recorded, not required */
		{ "security_routines", true, false, "Säkerhetsrutiner", "Security routines" },
		{ "support_matches_rights", true, false, NULL, NULL },
	};
	assert_false(cert_items_met(items, 4, &unmet, &v));
	assert_int_equal(unmet, 2);
	assert_string_equal(v.rule, "certification");
	/* By its words, not its key. */
	assert_non_null(strstr(v.sv, "minimikravet ”Säkerhetsrutiner” är inte uppfyllt"));
	assert_non_null(strstr(v.en, "requirement “Security routines” is not met"));
	assert_null(strstr(v.sv, "security_routines"));
	items[2].met = true;
	assert_false(cert_items_met(items, 4, &unmet, &v));
	assert_int_equal(unmet, 3);
	items[3].met = true;
	assert_true(cert_items_met(items, 4, &unmet, &v));
	assert_null(v.rule);
	assert_true(cert_items_met(items, 0, NULL, NULL));

	assert_true(cert_key_valid("children_with_parent"));
	assert_true(cert_key_valid("k2"));
	assert_false(cert_key_valid(""));
	assert_false(cert_key_valid(NULL));
	assert_false(cert_key_valid("2k"));
	assert_false(cert_key_valid("Knowledge"));
	assert_false(cert_key_valid("with space"));
	assert_false(cert_key_valid("åtgärd"));
	char longest[CERT_REQ_KEY_MAX + 1];
	memset(longest, 'a', sizeof longest);
	longest[CERT_REQ_KEY_MAX - 1] = '\0';
	assert_true(cert_key_valid(longest));
	longest[CERT_REQ_KEY_MAX - 1] = 'a';
	longest[CERT_REQ_KEY_MAX] = '\0';
	assert_false(cert_key_valid(longest));
}

/* A coordinator who types no key gets one made from the English text, always valid. */
static void test_key_from_label(void **state)
{
	(void)state;
	char k[CERT_REQ_KEY_MAX];
	cert_key_from_label("Routines for children placed with a parent", k);
	assert_string_equal(k, "routines_for_children_placed_with_a_parent");
	cert_key_from_label("  Policy (2025): safety & security!  ", k);
	assert_string_equal(k, "policy_2025_safety_security");
	cert_key_from_label("24-hour contact", k);
	assert_string_equal(k, "req_24_hour_contact");
	cert_key_from_label("Åtgärdsplan för hot", k);
	assert_string_equal(k, "tg_rdsplan_f_r_hot");
	assert_true(cert_key_valid(k));
	cert_key_from_label("!!!", k);
	assert_string_equal(k, "req");
	cert_key_from_label(NULL, k);
	assert_string_equal(k, "req");
	/* A long text ends at a word, inside the limit. */
	cert_key_from_label("Written routines for the safe reception of adults and children placed in protected housing",
			    k);
	assert_true(cert_key_valid(k));
	assert_true(strlen(k) < CERT_REQ_KEY_MAX);
	assert_int_not_equal(k[strlen(k) - 1], '_');
	assert_string_equal(k, "written_routines_for_the_safe_reception_of");
}

static void test_follow_up_kinds(void **state)
{
	(void)state;
	assert_int_equal(enum_parse(&enum_follow_up_kind, "site_visit"), FOLLOW_UP_SITE_VISIT);
	assert_int_equal(enum_parse(&enum_follow_up_kind, "network_meeting"), FOLLOW_UP_NETWORK_MEETING);
	assert_int_equal(enum_parse(&enum_follow_up_kind, "party"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_transition),
		cmocka_unit_test(test_check_event_refuses_with_both_languages),
		cmocka_unit_test(test_month_arithmetic),
		cmocka_unit_test(test_due_date_follows_the_latest_certified_event),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_key_from_label),
		cmocka_unit_test(test_follow_up_kinds),
	};

	return cmocka_run_group_tests_name("certification", tests, NULL, NULL);
}
