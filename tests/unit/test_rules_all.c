/*
 * Unit tests of rules_check_all() (src/domain/rules.c): every rule of an
 * application judged on its own, so that several refusals show at once,
 * while the first refusal stays exactly the verdict rules_check_application()
 * gives (the one a decision's 422 carries).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/day.h"
#include "domain/enums.h"
#include "domain/rules.h"

#define ADULT_ID 1
#define CHILD_ID 2
#define PARENT_ID 10

/* Everything one check needs; built in place, never copied (the structs
 * point into it). */
struct world {
	struct person_facts person;
	struct person_facts parent;
	struct granted g[8];
	struct cert_event cert[4];
	struct application app;
	int64_t kid_ids[4];
	struct named_child kids[4];
	struct rule_input in;
};

static day_t D(const char *s)
{
	day_t d = DAY_NONE;

	if (day_parse(s, &d) != 0)
		fail_msg("bad test date %s", s);
	return d;
}

/* An adult admitted on 2025-01-01, Sweden responsible, no history; the
 * organisation certified since 2024-12-01; an application of type t
 * submitted on `on` for from..to (NULL for none) with a basis, plan and
 * evaluation. The parent is admitted too, for child scenarios. */
static void world_init(struct world *w, enum app_type t, const char *on, const char *from, const char *to)
{
	memset(w, 0, sizeof *w);
	w->person = (struct person_facts){
		.id = ADULT_ID, .age_group = AGE_ADULT, .child_role = CHILD_ROLE_NONE,
		.sweden_responsible = true, .admitted_on = D("2025-01-01"), .exit_on = DAY_NONE,
		.granted = w->g,
	};
	w->parent = (struct person_facts){
		.id = PARENT_ID, .age_group = AGE_ADULT, .child_role = CHILD_ROLE_NONE,
		.sweden_responsible = true, .admitted_on = D("2025-01-01"), .exit_on = DAY_NONE,
	};
	w->cert[0] = (struct cert_event){ D("2024-12-01"), CERT_CERTIFIED };
	w->app = (struct application){
		.id = 100, .person_id = ADULT_ID, .organisation_id = 5, .type = t,
		.submitted_on = D(on), .from = from ? D(from) : DAY_NONE, .to = to ? D(to) : DAY_NONE,
		.units = 1, .category = POINT_INTERPRETER,
		.basis = { .kind = BASIS_NO_DESIGNATED_ACTOR, .present = 1, .actor_kind = -1, .reason_category = -1 },
		.identified = true, .needs_assessment = "behov", .plan = "plan", .evaluation = "utvärdering",
		.children = w->kid_ids,
	};
	w->in = (struct rule_input){
		.app = &w->app, .person = &w->person, .cert = w->cert, .n_cert = 1, .children = w->kids,
	};
}

static void grant(struct world *w, enum app_type t, const char *from, const char *to)
{
	assert_true(w->person.n_granted < sizeof w->g / sizeof w->g[0]);
	w->g[w->person.n_granted] = (struct granted){
		.decision_id = (int64_t)w->person.n_granted + 1, .type = t,
		.from = D(from), .to = D(to), .decided_on = D(from),
	};
	w->person.n_granted++;
}

static void make_child(struct world *w, enum child_role role)
{
	w->person.id = CHILD_ID;
	w->person.age_group = AGE_CHILD;
	w->person.child_role = role;
	w->person.parent_id = PARENT_ID;
	w->app.person_id = CHILD_ID;
	w->in.parent = &w->parent;
}

static const struct rule_check *find(const struct rule_checks *all, const char *rule)
{
	for (size_t i = 0; i < all->n; i++)
		if (strcmp(all->check[i].rule, rule) == 0)
			return &all->check[i];
	fail_msg("rule %s is not listed", rule);
	return NULL;
}

/* The check of `rule` has `status`; a refusal or a rule not judged names
 * its rule in both sentences, the others carry no sentence. */
static const struct rule_check *expect(const struct rule_checks *all, const char *rule, enum check_status status)
{
	const struct rule_check *c = find(all, rule);
	char prefix[32];

	if (c->status != status)
		fail_msg("%s: status %d, expected %d (%s)", rule, (int)c->status, (int)status, c->verdict.sv);
	if (status == CHECK_REFUSED || status == CHECK_NOT_JUDGED) {
		assert_non_null(c->verdict.rule);
		assert_string_equal(c->verdict.rule, rule);
		assert_int_equal(snprintf(prefix, sizeof prefix, "%s: ", rule), (int)strlen(rule) + 2);
		assert_int_equal(strncmp(c->verdict.sv, prefix, strlen(prefix)), 0);
		assert_int_equal(strncmp(c->verdict.en, prefix, strlen(prefix)), 0);
		assert_string_not_equal(c->verdict.sv, c->verdict.en);
	} else {
		assert_null(c->verdict.rule);
		assert_string_equal(c->verdict.sv, "");
		assert_string_equal(c->verdict.en, "");
	}
	if (status == CHECK_NOT_JUDGED)
		assert_non_null(c->needs);
	else
		assert_null(c->needs);
	return c;
}

#define ASSERT_IN(text, needle)                                                   \
	do {                                                                      \
		if (strstr((text), (needle)) == NULL)                             \
			fail_msg("\"%s\" not in \"%s\"", (needle), (text));       \
	} while (0)

/* rules_check_all() returns what rules_check_application() returns, and its
 * first refusal is that very verdict, byte for byte. */
static void assert_same_first(const struct rule_input *in, const struct rule_checks *all, bool ok_all)
{
	struct verdict v;
	bool ok = rules_check_application(in, &v);

	assert_int_equal(ok, ok_all);
	if (ok) {
		assert_null(all->first);
		return;
	}
	assert_non_null(all->first);
	assert_string_equal(all->first->rule, v.rule);
	assert_string_equal(all->first->verdict.rule, v.rule);
	assert_string_equal(all->first->verdict.sv, v.sv);
	assert_string_equal(all->first->verdict.en, v.en);
}

/* Every rule is listed once, in the order they are tried, R10 last. */
static void test_lists_every_rule_in_order(void **state)
{
	static const char *const order[RULE_CHECKS_MAX] = {
		"application", "R1", "R2", "R13", "R11", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10",
	};
	struct world w;
	struct rule_checks all;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	rules_check_all(&w.in, NULL, &all);
	assert_int_equal(all.n, RULE_CHECKS_MAX);
	for (size_t i = 0; i < RULE_CHECKS_MAX; i++)
		assert_string_equal(all.check[i].rule, order[i]);
}

/* The coordinator's case: days exhausted (R3), the same days granted
 * already (R9), the organisation suspended (R1) and the budget exceeded
 * (R10) — all four reported, each with its numbers. */
static void test_reports_every_refusal_of_reflection(void **state)
{
	struct world w;
	struct rule_checks all;
	struct budget_facts b = { .amount_ore = 3960000, .remaining_ore = 100000 };
	const struct rule_check *c;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	grant(&w, APP_REFLECTION, "2025-02-15", "2025-03-16"); /* 30 days, 16 of them shared */
	w.cert[1] = (struct cert_event){ D("2025-02-20"), CERT_SUSPENDED };
	w.in.n_cert = 2;
	assert_false(rules_check_all(&w.in, &b, &all));
	assert_int_equal(all.n_refused, 4);

	c = expect(&all, "R1", CHECK_REFUSED);
	ASSERT_IN(c->verdict.sv, "avstängd");
	ASSERT_IN(c->verdict.en, "suspended");
	c = expect(&all, "R3", CHECK_REFUSED);
	ASSERT_IN(c->verdict.sv, "30 dygn är redan beviljade och 30 dygn söks");
	ASSERT_IN(c->verdict.en, "30 days are already granted and 30 days are applied for");
	c = expect(&all, "R9", CHECK_REFUSED);
	ASSERT_IN(c->verdict.sv, "delar 16 dygn");
	ASSERT_IN(c->verdict.en, "shares 16 day(s)");
	c = expect(&all, "R10", CHECK_REFUSED);
	ASSERT_IN(c->verdict.sv, "39 600 kr");
	ASSERT_IN(c->verdict.sv, "1 000 kr");

	expect(&all, "application", CHECK_ALLOWED);
	expect(&all, "R2", CHECK_ALLOWED);
	expect(&all, "R13", CHECK_ALLOWED);
	for (size_t i = 0; i < 6; i++)
		expect(&all, (const char *[]){ "R4", "R5", "R6", "R7", "R8", "R11" }[i], CHECK_NOT_APPLICABLE);

	/* The first refusal decides, as before: R1, exactly rules_check_application's. */
	assert_string_equal(all.first->rule, "R1");
	assert_same_first(&w.in, &all, false);

	/* Certified again: the next one, R3, becomes the first; R9 and R10 stay. */
	w.in.n_cert = 1;
	assert_false(rules_check_all(&w.in, &b, &all));
	assert_int_equal(all.n_refused, 3);
	assert_string_equal(all.first->rule, "R3");
	assert_same_first(&w.in, &all, false);
}

/* A point intervention without a basis (R2), after the person's exit (R13),
 * for basic needs during housing (R8): three refusals. */
static void test_reports_every_refusal_of_point_intervention(void **state)
{
	struct world w;
	struct rule_checks all;
	struct budget_facts b = { .amount_ore = 50000, .remaining_ore = 10000000 };
	const struct rule_check *c;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-10", NULL, NULL);
	w.app.category = POINT_BASIC_NEEDS;
	w.app.basis.present = 0;
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	w.person.exit_on = D("2025-03-05");
	assert_false(rules_check_all(&w.in, &b, &all));
	assert_int_equal(all.n_refused, 3);
	expect(&all, "R2", CHECK_REFUSED);
	c = expect(&all, "R13", CHECK_REFUSED);
	ASSERT_IN(c->verdict.sv, "2025-03-05");
	c = expect(&all, "R8", CHECK_REFUSED);
	ASSERT_IN(c->verdict.en, "basic needs");
	expect(&all, "R1", CHECK_ALLOWED);
	expect(&all, "R10", CHECK_ALLOWED);
	expect(&all, "R9", CHECK_NOT_APPLICABLE);
	assert_string_equal(all.first->rule, "R2");
	assert_same_first(&w.in, &all, false);
}

/* A child whose parent is not admitted (R11) names children on an
 * integration application (R7) past the 45 days (R6). */
static void test_reports_child_rules_together(void **state)
{
	struct world w;
	struct rule_checks all;

	(void)state;
	world_init(&w, APP_INTEGRATION_CHILD, "2025-03-01", "2025-03-01", "2025-03-20");
	make_child(&w, CHILD_PRIMARY);
	w.parent.admitted_on = DAY_NONE;
	grant(&w, APP_INTEGRATION_CHILD, "2025-01-10", "2025-02-20"); /* 42 days */
	w.kid_ids[0] = 3;
	w.kids[0] = (struct named_child){ .id = 3, .found = true, .parent_id = CHILD_ID, .role = CHILD_SECONDARY };
	w.app.n_children = 1;
	assert_false(rules_check_all(&w.in, NULL, &all));
	assert_int_equal(all.n_refused, 3);
	expect(&all, "R11", CHECK_REFUSED);
	expect(&all, "R6", CHECK_REFUSED);
	expect(&all, "R7", CHECK_REFUSED);
	expect(&all, "R13", CHECK_ALLOWED);
	assert_string_equal(all.first->rule, "R11");
	assert_same_first(&w.in, &all, false);
}

/* Nothing broken: every rule that applies allows, the others are named as
 * not applicable, and there is no first refusal. */
static void test_allows_when_no_rule_refuses(void **state)
{
	struct world w;
	struct rule_checks all;
	struct budget_facts b = { .amount_ore = 1320000, .remaining_ore = 1320000 }; /* exactly what is left */

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-10");
	grant(&w, APP_REFLECTION, "2025-02-01", "2025-02-20"); /* 20 + 10 = 30 days */
	assert_true(rules_check_all(&w.in, &b, &all));
	assert_int_equal(all.n_refused, 0);
	assert_null(all.first);
	for (size_t i = 0; i < 7; i++)
		expect(&all, (const char *[]){ "application", "R1", "R2", "R13", "R3", "R9", "R10" }[i], CHECK_ALLOWED);
	for (size_t i = 0; i < 6; i++)
		expect(&all, (const char *[]){ "R4", "R5", "R6", "R7", "R8", "R11" }[i], CHECK_NOT_APPLICABLE);
	assert_same_first(&w.in, &all, true);
}

/* Only R10 refuses: the application rules allow (rules_check_application
 * does too), and R10 is still reported. */
static void test_budget_alone_is_reported_apart(void **state)
{
	struct world w;
	struct rule_checks all;
	struct budget_facts b = { .amount_ore = 100, .remaining_ore = 99 };

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	assert_true(rules_check_all(&w.in, &b, &all));
	assert_null(all.first);
	assert_int_equal(all.n_refused, 1);
	expect(&all, "R10", CHECK_REFUSED);
	assert_same_first(&w.in, &all, true);

	/* A written reason lets the coordinator grant it anyway. */
	b.override_reason = "Beslutat av styrgruppen";
	assert_true(rules_check_all(&w.in, &b, &all));
	assert_int_equal(all.n_refused, 0);
	expect(&all, "R10", CHECK_ALLOWED);
}

/* R10 cannot be judged without the amount, and does not concern an
 * admission (nothing is paid) or a zero amount. */
static void test_budget_not_judged_without_amount(void **state)
{
	struct world w;
	struct rule_checks all;
	struct budget_facts zero = { .amount_ore = 0, .remaining_ore = -5 };
	const struct rule_check *c;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-10");
	assert_true(rules_check_all(&w.in, NULL, &all));
	c = expect(&all, "R10", CHECK_NOT_JUDGED);
	assert_string_equal(c->needs, "amount");
	ASSERT_IN(c->verdict.sv, "beloppet");
	ASSERT_IN(c->verdict.en, "amount");
	assert_true(rules_check_all(&w.in, &zero, &all));
	expect(&all, "R10", CHECK_NOT_APPLICABLE);

	world_init(&w, APP_ADMISSION, "2025-03-01", NULL, NULL);
	w.person.admitted_on = DAY_NONE;
	assert_true(rules_check_all(&w.in, NULL, &all));
	expect(&all, "R10", CHECK_NOT_APPLICABLE);
	expect(&all, "R13", CHECK_ALLOWED);
}

/* A reversed period: the input check refuses, and the rules that compute
 * with the period or the person wait for it instead of judging nonsense;
 * rules of other types stay not applicable. */
static void test_rules_wait_for_valid_application(void **state)
{
	struct world w;
	struct rule_checks all;
	struct budget_facts b = { .amount_ore = 1, .remaining_ore = 0 };
	const struct rule_check *c;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-10", "2025-03-01");
	assert_false(rules_check_all(&w.in, &b, &all));
	c = expect(&all, "application", CHECK_REFUSED);
	ASSERT_IN(c->verdict.sv, "2025-03-10");
	for (size_t i = 0; i < 6; i++) {
		c = expect(&all, (const char *[]){ "R1", "R2", "R13", "R3", "R9", "R10" }[i], CHECK_NOT_JUDGED);
		assert_string_equal(c->needs, "application");
		ASSERT_IN(c->verdict.sv, "ansökan");
		ASSERT_IN(c->verdict.en, "application");
	}
	expect(&all, "R8", CHECK_NOT_APPLICABLE);
	assert_int_equal(all.n_refused, 1);
	assert_string_equal(all.first->rule, "application");
	assert_same_first(&w.in, &all, false);

	/* Nothing to go by at all: everything waits, nothing crashes. */
	assert_false(rules_check_all(NULL, &b, &all));
	assert_int_equal(all.n, RULE_CHECKS_MAX);
	for (size_t i = 1; i < all.n; i++)
		assert_int_equal(all.check[i].status, CHECK_NOT_JUDGED);
	assert_same_first(NULL, &all, false);
}

/*
 * The order rules_check_application() had before rules_check_all() existed,
 * written out with the public rule functions as an independent oracle (the
 * two now share one table, so comparing them alone would prove little).
 * For a well-formed application: true when allowed, else fills *v.
 */
static bool sequential_oracle(const struct rule_input *in, struct verdict *v)
{
	const struct application *a = in->app;
	const struct person_facts *p = in->person;

	if (!rule_r1_certified(in->cert, in->n_cert, a->submitted_on, v) || !rule_r2_basis(&a->basis, v))
		return false;
	if (a->type == APP_ADMISSION) {
		if (person_admitted_on(p, a->submitted_on)) {
			v->rule = "R13"; /* its sentence is written inline in rules.c */
			return false;
		}
	} else if (!rule_r13_admitted(p, a->submitted_on, v)) {
		return false;
	}
	if (p->age_group == AGE_CHILD && !rule_r11_child_parent(p, in->parent, a->submitted_on, v))
		return false;
	if (a->type == APP_REFLECTION && !rule_r3_reflection(p, day_count(a->from, a->to), v))
		return false;
	if (a->type == APP_EXTENDED && !rule_r4_extended(p, a, v))
		return false;
	if (a->type == APP_INTEGRATION_HOUSING && !rule_r5_integration_housing(p, a, v))
		return false;
	if (app_type_has_period(a->type) && !rule_r6_integration_total(p, a, v))
		return false;
	if (!rule_r7_children(in, v))
		return false;
	if (app_type_is_point(a->type) && !rule_r8_point(p, a, v))
		return false;
	if (app_type_is_daily_compensation(a->type) && !rule_r9_no_overlap(p, a->from, a->to, v))
		return false;
	return true;
}

/*
 * The two functions agree, with each other and with the oracle, on every
 * scenario of a small grid: every type, adult or child, admitted or not,
 * certified or not, with or without a basis, fresh or with a full history,
 * with or without a child named — the decision path keeps its 422.
 */
static void test_first_refusal_matches_rules_check_application(void **state)
{
	struct world w;
	struct rule_checks all;
	struct verdict v;
	size_t refused = 0, allowed = 0;

	(void)state;
	for (int t = 0; t < APP_TYPE__COUNT; t++)
		for (unsigned mask = 0; mask < 64; mask++) {
			const char *from = app_type_has_period((enum app_type)t) ? "2025-03-01" : NULL;
			const char *to = app_type_has_period((enum app_type)t) ? "2025-03-20" : NULL;
			bool ok;

			world_init(&w, (enum app_type)t, "2025-03-01", from, to);
			if (mask & 1)
				make_child(&w, CHILD_PRIMARY);
			if (mask & 2)
				w.person.admitted_on = DAY_NONE;
			if (mask & 4)
				w.in.n_cert = 0;
			if (mask & 8)
				w.app.basis.present = 0;
			if (mask & 16) {
				grant(&w, APP_REFLECTION, "2025-02-20", "2025-03-21");
				grant(&w, APP_INTEGRATION_ADULT, "2024-01-01", "2024-02-14");
				w.app.plan = NULL;
			}
			if (mask & 32) {
				w.kid_ids[0] = 3;
				w.kids[0] = (struct named_child){ .id = 3, .found = true, .parent_id = w.person.id,
								  .role = CHILD_SECONDARY };
				w.app.n_children = 1;
			}
			ok = rules_check_all(&w.in, NULL, &all);
			assert_same_first(&w.in, &all, ok);
			memset(&v, 0, sizeof v);
			assert_int_equal(sequential_oracle(&w.in, &v), ok);
			if (!ok) {
				assert_string_equal(all.first->rule, v.rule);
				if (strcmp(v.rule, "R13") != 0 || t != APP_ADMISSION)
					assert_string_equal(all.first->verdict.sv, v.sv);
			}
			assert_int_equal(ok, all.n_refused == 0);
			if (ok)
				allowed++;
			else
				refused++;
		}
	/* The grid holds both outcomes. */
	assert_true(allowed > 0);
	assert_true(refused > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_every_rule_in_order),
		cmocka_unit_test(test_reports_every_refusal_of_reflection),
		cmocka_unit_test(test_reports_every_refusal_of_point_intervention),
		cmocka_unit_test(test_reports_child_rules_together),
		cmocka_unit_test(test_allows_when_no_rule_refuses),
		cmocka_unit_test(test_budget_alone_is_reported_apart),
		cmocka_unit_test(test_budget_not_judged_without_amount),
		cmocka_unit_test(test_rules_wait_for_valid_application),
		cmocka_unit_test(test_first_refusal_matches_rules_check_application),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
