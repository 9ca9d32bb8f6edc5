/*
 * Unit tests of the programme's rules R1–R14 (src/domain/rules.c), one by
 * one and all at once (rules_check_all), the decision amounts, the rate
 * tables and the enum tables. Every refusal test asserts the rule id and
 * that both messages name the numbers behind it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/claims.h"
#include "domain/day.h"
#include "domain/enums.h"
#include "domain/money.h"
#include "domain/rates.h"
#include "domain/rules.h"

#define ADULT_ID 1
#define CHILD_ID 2
#define PARENT_ID 10

/* Everything one rule check needs; built in place, never copied (the
 * structs point into it). */
struct world {
	struct person_facts person;
	struct person_facts parent;
	struct granted g[16];
	struct cert_event cert[4];
	struct application app;
	int64_t kid_ids[4];
	struct named_child kids[4];
	struct rule_input in;
	struct verdict v;
};

static day_t D(const char *s)
{
	day_t d = DAY_NONE;

	if (day_parse(s, &d) != 0)
		fail_msg("bad test date %s", s);
	return d;
}

#define ASSERT_ALLOWED(ok, vd)                                                    \
	do {                                                                      \
		if (!(ok))                                                        \
			fail_msg("refused: %s / %s", (vd).sv, (vd).en);          \
	} while (0)

/* The verdict names the rule, and both messages start with its id. */
#define ASSERT_REFUSED(ok, vd, id)                                                \
	do {                                                                      \
		assert_false(ok);                                                 \
		assert_non_null((vd).rule);                                       \
		assert_string_equal((vd).rule, id);                               \
		assert_int_equal(strncmp((vd).sv, id ": ", strlen(id ": ")), 0); \
		assert_int_equal(strncmp((vd).en, id ": ", strlen(id ": ")), 0); \
	} while (0)

#define ASSERT_SV(vd, text)                                                       \
	do {                                                                      \
		if (strstr((vd).sv, text) == NULL)                                \
			fail_msg("\"%s\" not in \"%s\"", text, (vd).sv);          \
	} while (0)
#define ASSERT_EN(vd, text)                                                       \
	do {                                                                      \
		if (strstr((vd).en, text) == NULL)                                \
			fail_msg("\"%s\" not in \"%s\"", text, (vd).en);          \
	} while (0)
#define ASSERT_BOTH(vd, text)                                                     \
	do {                                                                      \
		ASSERT_SV(vd, text);                                              \
		ASSERT_EN(vd, text);                                              \
	} while (0)

/*
 * An adult (id 1) admitted on 2025-01-01, Sweden responsible, no history;
 * the organisation certified since 2024-12-01; an application of type t
 * submitted on `on` for from..to (NULL for none) with a basis, a plan and an
 * evaluation. The parent (id 10) is admitted too, for child scenarios.
 */
static void world_init(struct world *w, enum app_type t, const char *on, const char *from, const char *to)
{
	memset(w, 0, sizeof *w);
	w->person = (struct person_facts){
		.id = ADULT_ID, .age_group = AGE_ADULT, .child_role = CHILD_ROLE_NONE,
		.parent_id = 0, .sweden_responsible = true, .admitted_on = D("2025-01-01"),
		.exit_on = DAY_NONE, .granted = w->g, .n_granted = 0,
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
		.children = w->kid_ids, .n_children = 0,
	};
	w->in = (struct rule_input){
		.app = &w->app, .person = &w->person, .parent = NULL,
		.cert = w->cert, .n_cert = 1, .children = w->kids,
	};
}

/* Turns the applicant into a child (id 2) of the parent (id 10). */
static void make_child(struct world *w, enum child_role role)
{
	w->person.id = CHILD_ID;
	w->person.age_group = AGE_CHILD;
	w->person.child_role = role;
	w->person.parent_id = PARENT_ID;
	w->app.person_id = CHILD_ID;
	w->in.parent = &w->parent;
}

static void grant_days(struct world *w, enum app_type t, day_t from, int64_t days)
{
	struct granted *g = &w->g[w->person.n_granted];

	assert_true(w->person.n_granted < sizeof w->g / sizeof w->g[0]);
	*g = (struct granted){ .decision_id = (int64_t)w->person.n_granted + 1, .type = t,
			       .from = from, .to = (day_t)(from + days - 1), .decided_on = from };
	w->person.n_granted++;
}

static void grant(struct world *w, enum app_type t, const char *from, const char *to)
{
	grant_days(w, t, D(from), day_count(D(from), D(to)));
}

static void add_kid(struct world *w, int64_t id, bool found, int64_t parent_id, enum child_role role)
{
	size_t i = w->app.n_children++;

	w->kid_ids[i] = id;
	w->kids[i] = (struct named_child){ id, found, parent_id, role };
}

static bool check(struct world *w)
{
	return rules_check_application(&w->in, &w->v);
}

/* ---- R1: certified on the application date ---- */

static void test_R1_allows_certification_dated_same_day_as_application(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	w.cert[0] = (struct cert_event){ D("2025-03-01"), CERT_CERTIFIED };
	ASSERT_ALLOWED(check(&w), w.v);
	assert_null(w.v.rule);
}

static void test_R1_refuses_certification_dated_after_application(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	w.cert[0] = (struct cert_event){ D("2025-03-02"), CERT_CERTIFIED };
	ASSERT_REFUSED(check(&w), w.v, "R1");
	ASSERT_BOTH(w.v, "2025-03-01");
	ASSERT_SV(w.v, "ingen certifiering");
}

static void test_R1_refuses_suspended_then_allows_recertified(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	w.cert[0] = (struct cert_event){ D("2025-02-01"), CERT_SUSPENDED };
	w.cert[1] = (struct cert_event){ D("2024-01-01"), CERT_CERTIFIED };
	w.in.n_cert = 2;
	ASSERT_REFUSED(check(&w), w.v, "R1");
	ASSERT_SV(w.v, "avstängd");
	ASSERT_EN(w.v, "suspended");
	ASSERT_BOTH(w.v, "2025-03-01");

	/* Recertification (an event out of array order) renews it. */
	w.cert[2] = (struct cert_event){ D("2025-02-20"), CERT_CERTIFIED };
	w.in.n_cert = 3;
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R1_same_day_events_later_element_wins(void **state)
{
	struct cert_event ev[2] = { { D("2025-03-01"), CERT_CERTIFIED }, { D("2025-03-01"), CERT_REVOKED } };
	struct verdict v;

	(void)state;
	ASSERT_REFUSED(rule_r1_certified(ev, 2, D("2025-03-01"), &v), v, "R1");
	ASSERT_EN(v, "revoked");
	ev[0].status = CERT_REVOKED;
	ev[1].status = CERT_CERTIFIED;
	assert_true(rule_r1_certified(ev, 2, D("2025-03-01"), &v));
	assert_false(rule_r1_certified(ev, 0, D("2025-03-01"), &v));
	ev[1].status = CERT_IN_PROCESS;
	ASSERT_REFUSED(rule_r1_certified(ev, 2, D("2025-03-01"), &v), v, "R1");
	ASSERT_SV(v, "pågående certifieringsprocess");
}

/* ---- R2: complementarity basis ---- */

static void test_R2_refuses_missing_basis(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	w.app.basis.present = 0;
	ASSERT_REFUSED(check(&w), w.v, "R2");
	ASSERT_SV(w.v, "kompletteringsprincipen");
	ASSERT_EN(w.v, "complementarity");
}

static void test_R2_public_actor_denied_needs_actor_reason_reference(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	w.app.basis = (struct basis){ .kind = BASIS_PUBLIC_ACTOR_DENIED, .present = 1,
				      .actor = "Socialtjänsten i Malmö", .reason = "saknar personnummer",
				      .reference = "no_written_decision",
				      .actor_kind = ACTOR_SOCIAL_SERVICES,
				      .reason_category = REASON_LACKS_PERSONAL_NUMBER };
	ASSERT_ALLOWED(check(&w), w.v);

	w.app.basis.reference = "   ";
	ASSERT_REFUSED(check(&w), w.v, "R2");
	ASSERT_BOTH(w.v, "no_written_decision");

	w.app.basis.reference = "Dnr 2025-123";
	w.app.basis.reason = "";
	ASSERT_REFUSED(check(&w), w.v, "R2");
	ASSERT_EN(w.v, "reason");

	w.app.basis.reason = "hänvisad till Migrationsverket";
	w.app.basis.actor = NULL;
	ASSERT_REFUSED(check(&w), w.v, "R2");
	ASSERT_EN(w.v, "public actor");

	w.app.basis.actor = "Migrationsverket";
	w.app.basis.reason_category = 99;
	ASSERT_REFUSED(check(&w), w.v, "R2");
	ASSERT_EN(w.v, "reason category");
}

/* ---- R3: reflection at most 30 days in total ---- */

static void test_R3_allows_30th_reflection_day(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-24", "2025-03-24", "2025-03-30");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-23"); /* 23 days */
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R3_refuses_31st_reflection_day(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-24", "2025-03-24", "2025-03-31");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-23");
	ASSERT_REFUSED(check(&w), w.v, "R3");
	ASSERT_SV(w.v, "R3: reflektionsperioden är max 30 dygn totalt; 23 dygn är redan beviljade");
	ASSERT_EN(w.v, "R3: the reflection period is at most 30 days in total; 23 days are already granted");
	ASSERT_SV(w.v, "8 dygn söks");
	ASSERT_EN(w.v, "8 days are applied for");
}

static void test_R3_refuses_single_31_day_application(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-31");
	ASSERT_REFUSED(check(&w), w.v, "R3");
	ASSERT_SV(w.v, "0 dygn är redan beviljade och 31 dygn söks");
	w.app.to = D("2025-03-30"); /* 1–30 March is 30 days */
	ASSERT_ALLOWED(check(&w), w.v);
}

/* ---- R4: extended period ---- */

static void test_R4_allows_30_days_in_one_extension(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_EXTENDED, "2025-03-31", "2025-03-31", "2025-04-29");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R4_refuses_31_days_in_one_extension(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_EXTENDED, "2025-03-31", "2025-03-31", "2025-04-30");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R4");
	ASSERT_SV(w.v, "högst 30 dygn; ansökan gäller 31 dygn");
	ASSERT_EN(w.v, "at most 30 days; the application covers 31 days");
}

static void test_R4_allows_180th_and_refuses_181st_extended_day(void **state)
{
	struct world w;
	day_t s = D("2025-02-01");

	(void)state;
	world_init(&w, APP_EXTENDED, "2025-06-01", NULL, NULL);
	for (int i = 0; i < 5; i++)
		grant_days(&w, APP_EXTENDED, s + 30 * i, 30); /* 150 days */
	w.app.from = s + 150;
	w.app.to = s + 179;
	w.app.submitted_on = s + 150;
	ASSERT_ALLOWED(check(&w), w.v); /* 150 + 30 = 180 */

	grant_days(&w, APP_EXTENDED, s + 150, 1); /* 151 granted */
	w.app.from = s + 151;
	w.app.to = s + 180;
	ASSERT_REFUSED(check(&w), w.v, "R4");
	ASSERT_SV(w.v, "max 180 dygn totalt; 151 dygn är redan beviljade och 30 dygn söks");
	ASSERT_EN(w.v, "at most 180 days in total; 151 days are already granted and 30 days are applied for");
}

static void test_R4_refuses_without_plan_or_evaluation(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_EXTENDED, "2025-03-31", "2025-03-31", "2025-04-29");
	w.app.plan = "   ";
	ASSERT_REFUSED(check(&w), w.v, "R4");
	ASSERT_SV(w.v, "genomförandeplan");
	ASSERT_EN(w.v, "implementation plan");
	w.app.plan = "plan";
	w.app.evaluation = NULL;
	ASSERT_REFUSED(check(&w), w.v, "R4");
	ASSERT_SV(w.v, "utvärdering");
	ASSERT_EN(w.v, "evaluation");
}

static void test_R4_refuses_when_sweden_not_responsible(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_EXTENDED, "2025-03-31", "2025-03-31", "2025-04-29");
	w.person.sweden_responsible = false;
	ASSERT_REFUSED(check(&w), w.v, "R4");
	ASSERT_SV(w.v, "Sverige har inte ansvar");
	ASSERT_EN(w.v, "Sweden is not responsible");
}

static void test_R4_refuses_start_on_last_reflection_day(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_EXTENDED, "2025-03-30", "2025-03-30", "2025-04-28");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R4");
	ASSERT_SV(w.v, "sista dag 2025-03-30; ansökan börjar 2025-03-30");
	ASSERT_EN(w.v, "reflection period, 2025-03-30; the application starts 2025-03-30");
}

/* ---- R5: integration with daily compensation follows NSP housing ---- */

static void test_R5_allows_integration_housing_right_after_reflection(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_INTEGRATION_HOUSING, "2025-03-31", "2025-03-31", "2025-04-29");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_ALLOWED(check(&w), w.v);

	/* ... and after an extended period. */
	world_init(&w, APP_INTEGRATION_HOUSING, "2025-05-01", "2025-05-01", "2025-05-10");
	grant(&w, APP_EXTENDED, "2025-04-01", "2025-04-30");
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R5_refuses_one_day_gap_after_housing(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_INTEGRATION_HOUSING, "2025-04-01", "2025-04-01", "2025-04-30");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R5");
	ASSERT_BOTH(w.v, "2025-03-31");
	ASSERT_BOTH(w.v, "2025-04-01");
}

static void test_R5_refuses_without_plan_or_after_integration_only(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_INTEGRATION_HOUSING, "2025-03-31", "2025-03-31", "2025-04-29");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	w.app.plan = "";
	ASSERT_REFUSED(check(&w), w.v, "R5");
	ASSERT_SV(w.v, "utslussningsfasen");
	ASSERT_EN(w.v, "exit phase");

	/* Integration housing itself is not the housing R5 asks for. */
	world_init(&w, APP_INTEGRATION_HOUSING, "2025-03-21", "2025-03-21", "2025-03-30");
	grant(&w, APP_INTEGRATION_HOUSING, "2025-03-01", "2025-03-20");
	ASSERT_REFUSED(check(&w), w.v, "R5");
	ASSERT_BOTH(w.v, "2025-03-20");
}

/* ---- R6: 45 integration days across both forms ---- */

static void test_R6_allows_45_days_across_both_forms(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_INTEGRATION_ADULT, "2025-04-01", "2025-04-01", "2025-04-15");
	grant(&w, APP_INTEGRATION_HOUSING, "2025-03-01", "2025-03-30"); /* 30 */
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R6_refuses_46th_day_across_both_forms(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_INTEGRATION_ADULT, "2025-04-01", "2025-04-01", "2025-04-16");
	grant(&w, APP_INTEGRATION_HOUSING, "2025-03-01", "2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R6");
	ASSERT_SV(w.v, "max 45 dagar totalt i båda formerna; 30 dagar är redan beviljade och 16 dagar söks");
	ASSERT_EN(w.v, "at most 45 days in total across both forms; 30 days are already granted and 16 days are applied for");

	/* The other way round: integration_adult days count against housing. */
	world_init(&w, APP_INTEGRATION_HOUSING, "2025-05-01", "2025-05-01", "2025-05-06");
	grant(&w, APP_EXTENDED, "2025-04-01", "2025-04-30");
	grant(&w, APP_INTEGRATION_ADULT, "2025-02-01", "2025-03-12"); /* 40 */
	ASSERT_REFUSED(check(&w), w.v, "R6");
	ASSERT_SV(w.v, "40 dagar är redan beviljade och 6 dagar söks");
	w.app.to = D("2025-05-05");
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R6_refuses_form_of_the_other_age_group(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_INTEGRATION_CHILD, "2025-04-01", "2025-04-01", "2025-04-10");
	ASSERT_REFUSED(check(&w), w.v, "R6");
	ASSERT_EN(w.v, "only for children");

	world_init(&w, APP_INTEGRATION_ADULT, "2025-04-01", "2025-04-01", "2025-04-10");
	make_child(&w, CHILD_PRIMARY);
	ASSERT_REFUSED(check(&w), w.v, "R6");
	ASSERT_EN(w.v, "only for adults");
	w.app.type = APP_INTEGRATION_CHILD;
	ASSERT_ALLOWED(check(&w), w.v);
}

/* ---- R7: the children named for the child supplement ---- */

static void test_R7_allows_primary_and_secondary_children(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	add_kid(&w, 2, true, ADULT_ID, CHILD_PRIMARY);
	add_kid(&w, 3, true, ADULT_ID, CHILD_SECONDARY);
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R7_refuses_child_elsewhere_unknown_foreign_or_twice(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	add_kid(&w, 2, true, ADULT_ID, CHILD_PRIMARY);
	add_kid(&w, 3, true, ADULT_ID, CHILD_ELSEWHERE);
	ASSERT_REFUSED(check(&w), w.v, "R7");
	ASSERT_SV(w.v, "barn 3 bor inte hos föräldern");
	ASSERT_EN(w.v, "child 3 does not live with the parent but elsewhere");

	w.kids[1] = (struct named_child){ 3, true, 99, CHILD_SECONDARY };
	ASSERT_REFUSED(check(&w), w.v, "R7");
	ASSERT_SV(w.v, "person 3 är inte sökandens barn");
	ASSERT_EN(w.v, "person 3 is not the applicant's child");

	w.kids[1] = (struct named_child){ 3, false, 0, CHILD_SECONDARY };
	ASSERT_REFUSED(check(&w), w.v, "R7");
	ASSERT_SV(w.v, "barn 3 finns inte");
	ASSERT_EN(w.v, "child 3 was not found");

	w.kid_ids[1] = 2;
	w.kids[1] = w.kids[0];
	ASSERT_REFUSED(check(&w), w.v, "R7");
	ASSERT_SV(w.v, "barn 2 anges två gånger");
	ASSERT_EN(w.v, "child 2 is named twice");
}

static void test_R7_refuses_children_on_other_types(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_INTEGRATION_ADULT, "2025-04-01", "2025-04-01", "2025-04-10");
	add_kid(&w, 2, true, ADULT_ID, CHILD_PRIMARY);
	ASSERT_REFUSED(check(&w), w.v, "R7");
	ASSERT_EN(w.v, "daily compensation");

	world_init(&w, APP_POINT_ADULT, "2025-04-01", NULL, NULL);
	add_kid(&w, 2, true, ADULT_ID, CHILD_PRIMARY);
	ASSERT_REFUSED(check(&w), w.v, "R7");
}

/* One child or three: the same single supplement line, priced per day. */
static void test_R7_one_vs_three_children_same_supplement(void **state)
{
	struct world w;
	struct decision_line one[DECISION_MAX_LINES], three[DECISION_MAX_LINES];

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	add_kid(&w, 2, true, ADULT_ID, CHILD_PRIMARY);
	assert_int_equal(decision_amount(&w.app, w.app.from, w.app.to, 0, D("2025-03-01"), NULL, 0, one), 2);
	add_kid(&w, 3, true, ADULT_ID, CHILD_SECONDARY);
	add_kid(&w, 4, true, ADULT_ID, CHILD_SECONDARY);
	ASSERT_ALLOWED(check(&w), w.v);
	assert_int_equal(decision_amount(&w.app, w.app.from, w.app.to, 0, D("2025-03-01"), NULL, 0, three), 2);

	assert_int_equal(one[0].code, CODE_REFLECTION);
	assert_int_equal(one[0].days, 30);
	assert_int_equal(one[0].amount_ore, 30 * 132000);
	assert_int_equal(one[1].code, CODE_REFLECTION_CHILD);
	assert_int_equal(one[1].person_id, ADULT_ID);
	assert_int_equal(one[1].days, 30);
	assert_int_equal(one[1].amount_ore, 30 * 50000);
	assert_int_equal(three[1].code, one[1].code);
	assert_int_equal(three[1].person_id, one[1].person_id);
	assert_int_equal(three[1].days, one[1].days);
	assert_int_equal(three[1].amount_ore, one[1].amount_ore);
	assert_int_equal(three[0].amount_ore, one[0].amount_ore);

	/* Without children, no supplement line. */
	w.app.n_children = 0;
	assert_int_equal(decision_amount(&w.app, w.app.from, w.app.to, 0, D("2025-03-01"), NULL, 0, one), 1);
}

/* ---- R8: point interventions ---- */

static void test_R8_basic_needs_refused_first_day_of_housing_allowed_day_after(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	w.app.category = POINT_BASIC_NEEDS;
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R8");
	ASSERT_SV(w.v, "basbehov täcks redan av dygnsersättningen (reflektionsperiod 2025-03-01–2025-03-30) på ansökningsdagen 2025-03-01");
	ASSERT_EN(w.v, "(reflection period 2025-03-01–2025-03-30) on the application day 2025-03-01");

	w.app.submitted_on = D("2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R8");
	w.app.submitted_on = D("2025-03-31");
	ASSERT_ALLOWED(check(&w), w.v);

	/* Integration with daily compensation is housing too. */
	grant(&w, APP_INTEGRATION_HOUSING, "2025-03-31", "2025-04-29");
	ASSERT_REFUSED(check(&w), w.v, "R8");
	ASSERT_BOTH(w.v, "2025-04-29");
	w.app.submitted_on = D("2025-04-30");
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R8_allows_other_categories_during_housing(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-10", NULL, NULL);
	w.app.category = POINT_INTERPRETER;
	w.app.units = 3;
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R8_refuses_wrong_age_group_and_zero_units(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_POINT_CHILD, "2025-03-10", NULL, NULL);
	ASSERT_REFUSED(check(&w), w.v, "R8");
	ASSERT_EN(w.v, "only for children");

	world_init(&w, APP_POINT_ADULT, "2025-03-10", NULL, NULL);
	make_child(&w, CHILD_PRIMARY);
	ASSERT_REFUSED(check(&w), w.v, "R8");
	ASSERT_EN(w.v, "only for adults");
	w.app.type = APP_POINT_CHILD;
	ASSERT_ALLOWED(check(&w), w.v);

	w.app.units = 0;
	ASSERT_REFUSED(check(&w), w.v, "R8");
	ASSERT_SV(w.v, "minst 1; ansökan anger 0");
	ASSERT_EN(w.v, "at least 1; the application states 0");
}

/* ---- R9: no day compensated twice ---- */

static void test_R9_refuses_overlap_by_exactly_one_day(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_EXTENDED, "2025-04-30", "2025-04-30", "2025-05-29");
	grant(&w, APP_EXTENDED, "2025-04-01", "2025-04-30");
	ASSERT_REFUSED(check(&w), w.v, "R9");
	ASSERT_SV(w.v, "perioden 2025-04-30–2025-05-29 delar 1 dygn med en beviljad förlängd reflektionsperiod 2025-04-01–2025-04-30");
	ASSERT_EN(w.v, "shares 1 day(s) with a granted extended reflection period 2025-04-01–2025-04-30");

	w.app.from = D("2025-05-01");
	w.app.to = D("2025-05-30");
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R9_refuses_housing_overlapping_reflection(void **state)
{
	struct world w;
	struct verdict v;

	(void)state;
	world_init(&w, APP_INTEGRATION_HOUSING, "2025-03-30", "2025-03-30", "2025-04-10");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R9");
	ASSERT_SV(w.v, "delar 1 dygn med en beviljad reflektionsperiod");

	/* Integration support without housing is no daily compensation. */
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	grant(&w, APP_INTEGRATION_ADULT, "2025-03-01", "2025-03-30");
	assert_true(rule_r9_no_overlap(&w.person, D("2025-03-01"), D("2025-03-30"), &v));
}

/* ---- R10: budget ---- */

static void test_R10_refuses_amount_above_remaining_budget(void **state)
{
	struct verdict v;

	(void)state;
	ASSERT_REFUSED(rule_r10_budget(3960000, 1000000, NULL, &v), v, "R10");
	ASSERT_SV(v, "beslutet på 39 600 kr överskrider årets återstående budget på 10 000 kr");
	ASSERT_EN(v, "the decision of 39 600 kr exceeds the year's remaining budget of 10 000 kr");

	ASSERT_REFUSED(rule_r10_budget(3960000, 3959999, "  ", &v), v, "R10");
	ASSERT_BOTH(v, "39 599,99 kr");
	ASSERT_REFUSED(rule_r10_budget(100, -50000, NULL, &v), v, "R10");
	ASSERT_BOTH(v, "-500 kr");
}

static void test_R10_allows_within_budget_or_with_override(void **state)
{
	struct verdict v;

	(void)state;
	assert_true(rule_r10_budget(3960000, 3960000, NULL, &v));
	assert_true(rule_r10_budget(3960000, 0, "Akut behov; styrelsen informerad", &v));
	assert_true(rule_r10_budget(0, 0, NULL, &v));
}

/* ---- R11: children need an admitted parent ---- */

static void test_R11_refuses_child_of_non_admitted_parent(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_ADMISSION, "2025-03-01", NULL, NULL);
	make_child(&w, CHILD_PRIMARY);
	w.person.admitted_on = DAY_NONE;
	w.parent.admitted_on = DAY_NONE;
	ASSERT_REFUSED(check(&w), w.v, "R11");
	ASSERT_SV(w.v, "barnets förälder är inte antagen i programmet den 2025-03-01");
	ASSERT_EN(w.v, "the child's parent is not admitted to the programme on 2025-03-01");

	/* Admitted later than the application date is not admitted on it. */
	w.parent.admitted_on = D("2025-03-02");
	ASSERT_REFUSED(check(&w), w.v, "R11");
	w.parent.admitted_on = D("2025-03-01");
	ASSERT_ALLOWED(check(&w), w.v);
}

static void test_R11_refuses_secondary_elsewhere_and_unlinked_children(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_ADMISSION, "2025-03-01", NULL, NULL);
	make_child(&w, CHILD_SECONDARY);
	w.person.admitted_on = DAY_NONE;
	ASSERT_REFUSED(check(&w), w.v, "R11");
	ASSERT_BOTH(w.v, "secondary");

	w.person.child_role = CHILD_ELSEWHERE;
	ASSERT_REFUSED(check(&w), w.v, "R11");
	ASSERT_BOTH(w.v, "elsewhere");

	w.person.child_role = CHILD_PRIMARY;
	w.in.parent = NULL;
	ASSERT_REFUSED(check(&w), w.v, "R11");
	ASSERT_SV(w.v, "socialtjänsten");
	ASSERT_EN(w.v, "social services");
}

static void test_R11_refuses_intervention_after_parent_exit(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_POINT_CHILD, "2025-03-01", NULL, NULL);
	make_child(&w, CHILD_PRIMARY);
	w.parent.exit_on = D("2025-03-01"); /* still admitted on the exit day */
	ASSERT_ALLOWED(check(&w), w.v);
	w.parent.exit_on = D("2025-02-28");
	ASSERT_REFUSED(check(&w), w.v, "R11");
	ASSERT_BOTH(w.v, "2025-03-01");
}

/* ---- R12: retention of identity data after exit ---- */

static void test_R12_retention_due_from_exit_plus_retention(void **state)
{
	day_t exit_on = D("2025-01-01");

	(void)state;
	assert_false(rule_r12_retention_due(exit_on, D("2026-12-31"), 730));
	assert_true(rule_r12_retention_due(exit_on, D("2027-01-01"), 730));
	assert_true(rule_r12_retention_due(exit_on, D("2030-01-01"), 730));
	assert_false(rule_r12_retention_due(DAY_NONE, D("2030-01-01"), 730));
	assert_true(rule_r12_retention_due(exit_on, exit_on, 0));
	assert_false(rule_r12_retention_due(exit_on, exit_on, 1));
	assert_false(rule_r12_retention_due(exit_on, D("2200-12-31"), INT32_MAX));
}

/* ---- R13: admission first ---- */

static void test_R13_refuses_intervention_before_admission(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	w.person.admitted_on = D("2025-03-02");
	ASSERT_REFUSED(check(&w), w.v, "R13");
	ASSERT_SV(w.v, "inte antagen i programmet den 2025-03-01; tillträde gäller från 2025-03-02");
	ASSERT_EN(w.v, "not admitted to the programme on 2025-03-01; admission applies from 2025-03-02");

	w.person.admitted_on = D("2025-03-01");
	ASSERT_ALLOWED(check(&w), w.v);

	w.person.admitted_on = DAY_NONE;
	ASSERT_REFUSED(check(&w), w.v, "R13");
	ASSERT_EN(w.v, "apply for admission first");
}

static void test_R13_refuses_after_exit_allows_on_exit_day(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	w.person.exit_on = D("2025-03-01");
	ASSERT_ALLOWED(check(&w), w.v);
	w.person.exit_on = D("2025-02-28");
	ASSERT_REFUSED(check(&w), w.v, "R13");
	ASSERT_BOTH(w.v, "2025-02-28");
	ASSERT_BOTH(w.v, "2025-03-01");
}

static void test_R13_refuses_admission_of_admitted_person(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_ADMISSION, "2025-03-01", NULL, NULL);
	ASSERT_REFUSED(check(&w), w.v, "R13");
	ASSERT_SV(w.v, "redan antagen i programmet den 2025-03-01 (sedan 2025-01-01)");
	ASSERT_EN(w.v, "already admitted to the programme on 2025-03-01 (since 2025-01-01)");

	/* After an exit the person may be admitted again. */
	w.person.exit_on = D("2025-02-01");
	ASSERT_ALLOWED(check(&w), w.v);
	w.person.admitted_on = DAY_NONE;
	w.person.exit_on = DAY_NONE;
	ASSERT_ALLOWED(check(&w), w.v);
}

static struct decision_request decide(enum outcome o, const char *on, day_t from, day_t to);

/* R13 (pending admission): an intervention may be submitted while the
 * admission waits; its decision is judged on the decision's date. */
static void test_R13_pending_admission_allows_submission_and_judges_the_decision_date(void **state)
{
	struct world w;
	struct decision_request d;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-10");
	w.person.admitted_on = DAY_NONE;
	/* no admission applied for: refused at submission */
	ASSERT_REFUSED(check(&w), w.v, "R13");
	ASSERT_EN(w.v, "apply for admission first");
	/* an admission submitted after the intervention does not count */
	w.person.admission_pending = true;
	w.person.admission_pending_on = D("2025-03-02");
	ASSERT_REFUSED(check(&w), w.v, "R13");
	/* waiting since the same day: allowed at submission */
	w.person.admission_pending_on = D("2025-03-01");
	ASSERT_ALLOWED(check(&w), w.v);
	/* deciding it while the admission still waits: refused, saying so */
	d = decide(OUTCOME_GRANTED, "2025-03-03", D("2025-03-01"), D("2025-03-10"));
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "R13");
	ASSERT_SV(w.v, "ansökan om tillträde (inlämnad 2025-03-01) är ännu inte beslutad");
	ASSERT_EN(w.v, "the admission application (submitted 2025-03-01) is not decided yet");
	/* the admission granted on the decision's day: allowed */
	w.person.admission_pending = false;
	w.person.admitted_on = D("2025-03-03");
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
	/* granted the day after: refused on the decision's day */
	w.person.admitted_on = D("2025-03-04");
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "R13");
	ASSERT_EN(w.v, "admission applies from 2025-03-04");
	/* a denial is always possible */
	d = decide(OUTCOME_DENIED, "2025-03-03", DAY_NONE, DAY_NONE);
	d.reason = "avslag";
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
}

/* R13: when the waiting admission is denied, the intervention can only be denied. */
static void test_R13_denied_admission_leaves_only_denial(void **state)
{
	struct world w;
	struct decision_request d;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-10");
	w.person.admitted_on = DAY_NONE;
	w.person.admission_denied = true;
	w.person.admission_denied_on = D("2025-03-02");
	d = decide(OUTCOME_GRANTED, "2025-03-03", D("2025-03-01"), D("2025-03-10"));
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "R13");
	ASSERT_SV(w.v, "avslogs den 2025-03-02; ansökan kan bara avslås");
	ASSERT_EN(w.v, "denied on 2025-03-02; the application can only be denied");
	d = decide(OUTCOME_DENIED, "2025-03-03", DAY_NONE, DAY_NONE);
	d.reason = "tillträde avslogs";
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
	/* a person who exited is not let in again by a pending admission of before */
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	w.person.exit_on = D("2025-02-01");
	w.person.admission_pending = true;
	w.person.admission_pending_on = D("2025-01-15");
	ASSERT_REFUSED(check(&w), w.v, "R13");
}

/* ---- R14: claims (src/domain/claims.h) ---- */

static bool r14(int64_t granted, int64_t paid, int64_t reserved, int64_t amount, struct verdict *v)
{
	struct claim_facts f = { .granted_ore = granted, .paid_ore = paid, .reserved_ore = reserved };
	return claim_r14_allows(&f, amount, v);
}

static void test_R14_allows_claim_up_to_granted_minus_paid(void **state)
{
	struct verdict v;

	(void)state;
	assert_true(r14(3960000, 924000, 0, 3036000, &v));
	assert_true(r14(3960000, 0, 0, 3960000, &v));
	ASSERT_REFUSED(r14(3960000, 924000, 0, 3036001, &v), v, "R14");
	ASSERT_BOTH(v, "30 360,01 kr");
	ASSERT_BOTH(v, "39 600 kr");
	ASSERT_BOTH(v, "9 240 kr");
	ASSERT_BOTH(v, "30 360 kr");
}

/* R14: a submitted claim reserves its amount against every later claim or payment. */
static void test_R14_counts_submitted_claims_as_reserved(void **state)
{
	struct verdict v;
	struct claim_facts f = { .granted_ore = 3960000, .paid_ore = 924000, .reserved_ore = 1274000 };

	(void)state;
	assert_int_equal(claim_left_ore(&f), 3960000 - 924000 - 1274000);
	assert_true(r14(3960000, 924000, 1274000, 1762000, &v));
	ASSERT_REFUSED(r14(3960000, 924000, 1274000, 1762001, &v), v, "R14");
	ASSERT_BOTH(v, "12 740 kr");
	ASSERT_BOTH(v, "17 620 kr");
	/* nothing left: reserved and paid use all of it */
	f.reserved_ore = 3960000 - 924000;
	assert_int_equal(claim_left_ore(&f), 0);
	/* never negative, even when the inputs say more was paid than granted */
	f.paid_ore = 5000000;
	assert_int_equal(claim_left_ore(&f), 0);
}

static void test_R14_refuses_zero_and_fully_paid(void **state)
{
	struct verdict v;

	(void)state;
	ASSERT_REFUSED(r14(3960000, 0, 0, 0, &v), v, "R14");
	ASSERT_BOTH(v, "0 kr");
	ASSERT_REFUSED(r14(3960000, 0, 0, -100, &v), v, "R14");
	ASSERT_REFUSED(r14(3960000, 3960000, 0, 1, &v), v, "R14");
	ASSERT_BOTH(v, "0,01 kr");
}

/* The days a claim may cover: within the granted period, not after its date. */
static void test_claim_days_within_the_period_and_not_in_the_future(void **state)
{
	struct verdict v;
	const char *field = NULL;
	day_t from = D("2024-03-01"), to = D("2024-03-30"), today = D("2024-04-15");

	(void)state;
	assert_true(claim_days_check(from, to, from, from + 6, today, &field, &v));
	assert_true(claim_days_check(from, to, to, to, today, &field, &v));
	assert_false(claim_days_check(from, to, from - 1, from + 5, today, &field, &v));
	assert_string_equal(field, "from");
	assert_non_null(strstr(v.en, "2024-02-29"));
	assert_false(claim_days_check(from, to, from + 20, to + 1, today, &field, &v));
	assert_string_equal(field, "to");
	assert_false(claim_days_check(from, to, from + 5, from + 4, today, &field, &v));
	assert_string_equal(field, "to");
	/* today is 2024-03-10: the 11th has not passed yet */
	assert_true(claim_days_check(from, to, from, D("2024-03-10"), D("2024-03-10"), &field, &v));
	assert_false(claim_days_check(from, to, from, D("2024-03-11"), D("2024-03-10"), &field, &v));
	assert_string_equal(field, "to");
	assert_non_null(strstr(v.en, "future"));
	assert_false(claim_days_check(from, to, D("2024-03-11"), D("2024-03-12"), D("2024-03-10"), &field, &v));
	assert_string_equal(field, "from");
}

/* A payment by amount split over the lines in proportion, remainder öre to the first. */
static void test_payment_split_to_the_ore(void **state)
{
	struct decision_line granted[2] = { { CODE_REFLECTION, 1, 30, 3960000 }, { CODE_REFLECTION_CHILD, 1, 30, 1500000 } };
	struct payment_line out[DECISION_MAX_LINES];

	(void)state;
	assert_int_equal(payment_split(granted, 2, 100001, out), 2);
	assert_int_equal(out[0].code, CODE_REFLECTION);
	assert_int_equal(out[0].amount_ore, 72529); /* 72 528.8… rounded down + the 1 öre left */
	assert_int_equal(out[1].code, CODE_REFLECTION_CHILD);
	assert_int_equal(out[1].amount_ore, 27472);
	assert_int_equal(payment_split(granted, 2, 5460, out), 2);
	assert_int_equal(out[0].amount_ore, 3960);
	assert_int_equal(out[1].amount_ore, 1500);
	/* the child's share of 1 öre rounds to 0: left out */
	assert_int_equal(payment_split(granted, 2, 1, out), 1);
	assert_int_equal(out[0].amount_ore, 1);
	/* the whole decision: exactly its lines */
	assert_int_equal(payment_split(granted, 2, 5460000, out), 2);
	assert_int_equal(out[0].amount_ore, 3960000);
	assert_int_equal(out[1].amount_ore, 1500000);
	/* amounts whose product passes 2^63 */
	struct decision_line big[2] = { { CODE_REFLECTION, 1, 1, MONEY_MAX_ORE - 1 }, { CODE_REFLECTION_CHILD, 1, 1, 1 } };
	assert_int_equal(payment_split(big, 2, MONEY_MAX_ORE, out), 2);
	assert_int_equal(out[0].amount_ore + out[1].amount_ore, MONEY_MAX_ORE);
	/* nothing granted: nothing to split by; no amount: nothing to split */
	struct decision_line none[1] = { { CODE_REFLECTION, 1, 0, 0 } };
	assert_int_equal(payment_split(none, 1, 100, out), -1);
	assert_int_equal(payment_split(granted, 2, 0, out), -1);
}

/* ---- decisions ---- */

static struct decision_request decide(enum outcome o, const char *on, day_t from, day_t to)
{
	return (struct decision_request){ .outcome = o, .decided_on = D(on), .from = from, .to = to,
					  .units = 0, .emergency = false, .reason = NULL,
					  .budget_override_reason = NULL };
}

static void test_decision_partly_granted_needs_fewer_days_and_reason(void **state)
{
	struct world w;
	struct decision_request d;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	d = decide(OUTCOME_PARTLY_GRANTED, "2025-03-02", w.app.from, w.app.to);
	d.reason = "socialtjänsten tar över";
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "decision");
	ASSERT_SV(w.v, "färre än de sökta 30; beslutet gäller 30");

	d.to = D("2025-03-10");
	d.reason = " ";
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "decision");
	ASSERT_EN(w.v, "needs a reason");
	d.reason = "socialtjänsten tar över";
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);

	/* granted means the whole period. */
	d.outcome = OUTCOME_GRANTED;
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "decision");
	ASSERT_EN(w.v, "all that was applied for (30); for 10");
	d.to = w.app.to;
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);

	/* Outside what was applied for, or dated before the application. */
	d.to = D("2025-03-31");
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "decision");
	ASSERT_BOTH(w.v, "2025-03-31");
	d = decide(OUTCOME_GRANTED, "2025-02-28", w.app.from, w.app.to);
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "decision");
	ASSERT_BOTH(w.v, "2025-02-28");
}

static void test_decision_points_units_within_applied(void **state)
{
	struct world w;
	struct decision_request d;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	w.app.units = 5;
	d = decide(OUTCOME_GRANTED, "2025-03-01", DAY_NONE, DAY_NONE);
	d.units = 5;
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
	d.units = 6;
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "decision");
	ASSERT_BOTH(w.v, "6");
	d.outcome = OUTCOME_PARTLY_GRANTED;
	d.units = 3;
	d.reason = "tre timmar räcker";
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
}

/* A denial needs a reason and skips R3–R9: it must always be possible. */
static void test_decision_denied_needs_reason_and_skips_R3(void **state)
{
	struct world w;
	struct decision_request d;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-04-01", "2025-04-01", "2025-04-10");
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-30");
	ASSERT_REFUSED(check(&w), w.v, "R3");
	d = decide(OUTCOME_DENIED, "2025-04-02", DAY_NONE, DAY_NONE);
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "decision");
	ASSERT_SV(w.v, "avslag behöver ett skäl");
	d.reason = "reflektionsperioden är förbrukad";
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
}

/* The history may change between application and decision. */
static void test_R3_decision_rechecks_history_with_granted_period(void **state)
{
	struct world w;
	struct decision_request d;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-20", "2025-03-24", "2025-04-02");
	ASSERT_ALLOWED(check(&w), w.v);
	grant(&w, APP_REFLECTION, "2025-03-01", "2025-03-23"); /* decided in between */
	d = decide(OUTCOME_GRANTED, "2025-03-24", w.app.from, w.app.to);
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "R3");
	ASSERT_SV(w.v, "23 dygn är redan beviljade och 10 dygn söks");
	d.outcome = OUTCOME_PARTLY_GRANTED;
	d.to = D("2025-03-30");
	d.reason = "bara resterande dygn";
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
}

static void test_R2e_emergency_only_daily_compensation_never_denied(void **state)
{
	struct world w;
	struct decision_request d;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	d = decide(OUTCOME_GRANTED, "2025-03-01", w.app.from, w.app.to);
	d.emergency = true;
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);

	d = decide(OUTCOME_DENIED, "2025-03-01", DAY_NONE, DAY_NONE);
	d.emergency = true;
	d.reason = "annan aktör ansvarar";
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "R2e");
	ASSERT_EN(w.v, "denial");

	world_init(&w, APP_INTEGRATION_ADULT, "2025-03-01", "2025-03-01", "2025-03-10");
	d = decide(OUTCOME_GRANTED, "2025-03-01", w.app.from, w.app.to);
	d.emergency = true;
	ASSERT_REFUSED(rules_check_decision(&w.in, &d, &w.v), w.v, "R2e");
	ASSERT_EN(w.v, "only for daily compensation");
	d.emergency = false;
	ASSERT_ALLOWED(rules_check_decision(&w.in, &d, &w.v), w.v);
}

static void test_application_refuses_missing_or_reversed_period(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-10", "2025-03-01");
	ASSERT_REFUSED(check(&w), w.v, "application");
	ASSERT_BOTH(w.v, "2025-03-10");
	w.app.from = DAY_NONE;
	ASSERT_REFUSED(check(&w), w.v, "application");

	/* Children counted but not listed: refused, never dereferenced. */
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-30");
	w.app.n_children = 1;
	w.app.children = NULL;
	ASSERT_REFUSED(check(&w), w.v, "application");
}

/* ---- rules_check_all: every rule judged on its own ---- */

/*
 * rules_check_all() judges every rule of an application on its own, so that
 * several refusals show at once, while its first refusal stays exactly the
 * verdict rules_check_application() gives (the one a decision's 422 carries).
 */

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
		"application", "R1", "R2", "R13", "R11", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R15",
	};
	struct world w;
	struct rule_checks all;

	(void)state;
	world_init(&w, APP_POINT_ADULT, "2025-03-01", NULL, NULL);
	rules_check_all(&w.in, NULL, NULL, &all);
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
	assert_false(rules_check_all(&w.in, &b, NULL, &all));
	assert_int_equal(all.n_refused, 4);

	c = expect(&all, "R1", CHECK_REFUSED);
	ASSERT_SV(c->verdict, "avstängd");
	ASSERT_EN(c->verdict, "suspended");
	c = expect(&all, "R3", CHECK_REFUSED);
	ASSERT_SV(c->verdict, "30 dygn är redan beviljade och 30 dygn söks");
	ASSERT_EN(c->verdict, "30 days are already granted and 30 days are applied for");
	c = expect(&all, "R9", CHECK_REFUSED);
	ASSERT_SV(c->verdict, "delar 16 dygn");
	ASSERT_EN(c->verdict, "shares 16 day(s)");
	c = expect(&all, "R10", CHECK_REFUSED);
	ASSERT_SV(c->verdict, "39 600 kr");
	ASSERT_SV(c->verdict, "1 000 kr");

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
	assert_false(rules_check_all(&w.in, &b, NULL, &all));
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
	assert_false(rules_check_all(&w.in, &b, NULL, &all));
	assert_int_equal(all.n_refused, 3);
	expect(&all, "R2", CHECK_REFUSED);
	c = expect(&all, "R13", CHECK_REFUSED);
	ASSERT_SV(c->verdict, "2025-03-05");
	c = expect(&all, "R8", CHECK_REFUSED);
	ASSERT_EN(c->verdict, "basic needs");
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
	add_kid(&w, 3, true, CHILD_ID, CHILD_SECONDARY);
	assert_false(rules_check_all(&w.in, NULL, NULL, &all));
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
	assert_true(rules_check_all(&w.in, &b, NULL, &all));
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
	assert_true(rules_check_all(&w.in, &b, NULL, &all));
	assert_null(all.first);
	assert_int_equal(all.n_refused, 1);
	expect(&all, "R10", CHECK_REFUSED);
	assert_same_first(&w.in, &all, true);

	/* A written reason lets the coordinator grant it anyway. */
	b.override_reason = "Beslutat av styrgruppen";
	assert_true(rules_check_all(&w.in, &b, NULL, &all));
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
	assert_true(rules_check_all(&w.in, NULL, NULL, &all));
	c = expect(&all, "R10", CHECK_NOT_JUDGED);
	assert_string_equal(c->needs, "amount");
	ASSERT_SV(c->verdict, "beloppet");
	ASSERT_EN(c->verdict, "amount");
	assert_true(rules_check_all(&w.in, &zero, NULL, &all));
	expect(&all, "R10", CHECK_NOT_APPLICABLE);

	world_init(&w, APP_ADMISSION, "2025-03-01", NULL, NULL);
	w.person.admitted_on = DAY_NONE;
	assert_true(rules_check_all(&w.in, NULL, NULL, &all));
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
	assert_false(rules_check_all(&w.in, &b, NULL, &all));
	c = expect(&all, "application", CHECK_REFUSED);
	ASSERT_SV(c->verdict, "2025-03-10");
	for (size_t i = 0; i < 6; i++) {
		c = expect(&all, (const char *[]){ "R1", "R2", "R13", "R3", "R9", "R10" }[i], CHECK_NOT_JUDGED);
		assert_string_equal(c->needs, "application");
		ASSERT_SV(c->verdict, "ansökan");
		ASSERT_EN(c->verdict, "application");
	}
	expect(&all, "R8", CHECK_NOT_APPLICABLE);
	assert_int_equal(all.n_refused, 1);
	assert_string_equal(all.first->rule, "application");
	assert_same_first(&w.in, &all, false);

	/* Nothing to go by at all: everything waits, nothing crashes. */
	assert_false(rules_check_all(NULL, &b, NULL, &all));
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
			if (mask & 32)
				add_kid(&w, 3, true, w.person.id, CHILD_SECONDARY);
			ok = rules_check_all(&w.in, NULL, NULL, &all);
			assert_same_first(&w.in, &all, ok);
			memset(&w.v, 0, sizeof w.v);
			assert_int_equal(sequential_oracle(&w.in, &w.v), ok);
			if (!ok) {
				assert_string_equal(all.first->rule, w.v.rule);
				if (strcmp(w.v.rule, "R13") != 0 || t != APP_ADMISSION)
					assert_string_equal(all.first->verdict.sv, w.v.sv);
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

/* ---- amounts and rates ---- */

static void make_2026(struct rate_table *t)
{
	*t = *rates_builtin();
	t->year = 2026;
	t->rate_ore[CODE_EXTENDED] = 140000;
	t->rate_ore[CODE_EXTENDED_CHILD] = 55000;
	t->point[POINT_INTERPRETER].rate_ore = 90000;
}

static void test_amount_crossing_new_year_uses_both_tables(void **state)
{
	struct world w;
	struct rate_table t2026;
	struct decision_line l[DECISION_MAX_LINES];

	(void)state;
	make_2026(&t2026);
	world_init(&w, APP_EXTENDED, "2025-12-17", "2025-12-17", "2026-01-15"); /* 15 + 15 days */
	add_kid(&w, 2, true, ADULT_ID, CHILD_PRIMARY);
	assert_int_equal(decision_amount(&w.app, w.app.from, w.app.to, 0, D("2025-12-17"), &t2026, 1, l), 2);
	assert_int_equal(l[0].code, CODE_EXTENDED);
	assert_int_equal(l[0].days, 30);
	assert_int_equal(l[0].amount_ore, 15 * 132000 + 15 * 140000);
	assert_int_equal(l[1].code, CODE_EXTENDED_CHILD);
	assert_int_equal(l[1].days, 30);
	assert_int_equal(l[1].amount_ore, 15 * 50000 + 15 * 55000);

	/* A year without a table of its own uses the latest earlier one;
	 * before every stored table, the built-in one. */
	assert_int_equal(decision_amount(&w.app, D("2027-03-01"), D("2027-03-10"), 0, D("2027-03-01"), &t2026, 1, l), 2);
	assert_int_equal(l[0].amount_ore, 10 * 140000);
	assert_int_equal(decision_amount(&w.app, D("2024-03-01"), D("2024-03-10"), 0, D("2024-03-01"), &t2026, 1, l), 2);
	assert_int_equal(l[0].amount_ore, 10 * 132000);
}

static void test_amount_points_use_decision_year(void **state)
{
	struct world w;
	struct rate_table t2026;
	struct decision_line l[DECISION_MAX_LINES];

	(void)state;
	make_2026(&t2026);
	world_init(&w, APP_POINT_ADULT, "2025-12-20", NULL, NULL);
	w.app.category = POINT_INTERPRETER;
	assert_int_equal(decision_amount(&w.app, DAY_NONE, DAY_NONE, 3, D("2025-12-31"), &t2026, 1, l), 1);
	assert_int_equal(l[0].code, CODE_POINT_ADULT);
	assert_int_equal(l[0].days, 3);
	assert_int_equal(l[0].amount_ore, 3 * 80000);
	assert_int_equal(decision_amount(&w.app, DAY_NONE, DAY_NONE, 3, D("2026-01-02"), &t2026, 1, l), 1);
	assert_int_equal(l[0].amount_ore, 3 * 90000);
	assert_int_equal(decision_amount(&w.app, DAY_NONE, DAY_NONE, 0, D("2026-01-02"), &t2026, 1, l), -1);
}

static void test_amount_admission_none_and_overflow_refused(void **state)
{
	struct world w;
	struct rate_table huge;
	struct decision_line l[DECISION_MAX_LINES];

	(void)state;
	world_init(&w, APP_ADMISSION, "2025-03-01", NULL, NULL);
	assert_int_equal(decision_amount(&w.app, DAY_NONE, DAY_NONE, 0, D("2025-03-01"), NULL, 0, l), 0);

	huge = *rates_builtin();
	huge.rate_ore[CODE_REFLECTION] = MONEY_MAX_ORE / 10;
	world_init(&w, APP_REFLECTION, "2025-03-01", "2025-03-01", "2025-03-10");
	assert_int_equal(decision_amount(&w.app, w.app.from, w.app.to, 0, D("2025-03-01"), &huge, 1, l), 1);
	assert_int_equal(l[0].amount_ore, MONEY_MAX_ORE);
	assert_int_equal(decision_amount(&w.app, w.app.from, D("2025-03-11"), 0, D("2025-03-01"), &huge, 1, l), -1);
	assert_int_equal(decision_amount(&w.app, w.app.to, w.app.from, 0, D("2025-03-01"), &huge, 1, l), -1);
}

static void test_rates_builtin_and_max_days(void **state)
{
	const struct rate_table *b = rates_builtin();
	struct rate_table t[2];

	(void)state;
	assert_int_equal(b->year, 2025);
	assert_int_equal(b->rate_ore[CODE_REFLECTION], 132000);
	assert_int_equal(b->rate_ore[CODE_INTEGRATION_HOUSING_CHILD], 50000);
	assert_int_equal(b->rate_ore[CODE_INTEGRATION_ADULT], 50000);
	assert_int_equal(b->point[POINT_LEGAL_ADVICE].rate_ore, 150000);
	assert_string_equal(b->point[POINT_RETURN].unit, "tillfälle");
	assert_string_equal(b->point[POINT_BASIC_NEEDS].unit, "vecka");
	assert_int_equal(rates_max_days(CODE_REFLECTION_CHILD), 30);
	assert_int_equal(rates_max_days(CODE_EXTENDED), 180);
	assert_int_equal(rates_max_days(CODE_INTEGRATION_CHILD), 45);
	assert_int_equal(rates_max_days(CODE_POINT_ADULT), 0);

	t[0] = *b;
	t[0].year = 2027;
	t[1] = *b;
	t[1].year = 2024;
	assert_ptr_equal(rates_for_year(t, 2, 2030), &t[0]);
	assert_ptr_equal(rates_for_year(t, 2, 2026), &t[1]);
	assert_ptr_equal(rates_for_year(t, 2, 2024), &t[1]);
	assert_ptr_equal(rates_for_year(t, 2, 2023), b);
	assert_ptr_equal(rates_for_year(NULL, 0, 2030), b);
}

static void test_enum_tables(void **state)
{
	static const struct enum_def *const all[] = {
		&enum_gender, &enum_age_group, &enum_exploitation, &enum_place, &enum_violence,
		&enum_referral, &enum_legal_status, &enum_child_role, &enum_exit_destination,
		&enum_org_kind, &enum_region, &enum_cert_status, &enum_role, &enum_app_type,
		&enum_code, &enum_point_category, &enum_basis_kind, &enum_actor_kind,
		&enum_reason_category, &enum_app_status, &enum_outcome, &enum_target_group,
		&enum_placement_outcome, &enum_asker, &enum_ledger_kind,
	};

	(void)state;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		for (int v = 0; v < all[i]->count; v++)
			assert_int_equal(enum_parse(all[i], enum_name(all[i], v)), v);
	assert_int_equal(enum_parse(&enum_region, "Öst"), REGION_OST);
	assert_int_equal(enum_parse(&enum_region, "Väst"), REGION_VAST);
	assert_int_equal(enum_parse(&enum_region, "ost"), -1);
	assert_int_equal(enum_parse(&enum_gender, "Female"), -1);
	assert_int_equal(enum_parse(&enum_gender, NULL), -1);
	assert_string_equal(enum_name(&enum_child_role, CHILD_ROLE_NONE), "?");
	assert_string_equal(enum_name(&enum_code, CODE__COUNT), "?");
	assert_string_equal(enum_name(&enum_code, CODE_INTEGRATION_HOUSING_CHILD), "integration_housing_child");
	assert_string_equal(enum_name(&enum_referral, REF_DETENTION), "detention");
	assert_string_equal(enum_name(&enum_placement_outcome, PLACEMENT_NO_PLACE), "no_place_available");
	assert_string_equal(enum_name(&enum_exploitation, EXPL_OTHER_CRIME), "other_crime");
	assert_string_equal(enum_name(&enum_ledger_kind, LEDGER_RELEASE), "release");
	assert_string_equal(enum_gender.name, "gender");

	assert_int_equal(app_type_code(APP_ADMISSION), -1);
	assert_int_equal(app_type_code(APP_INTEGRATION_HOUSING), CODE_INTEGRATION_HOUSING);
	assert_int_equal(app_type_code(APP_POINT_CHILD), CODE_POINT_CHILD);
	assert_int_equal(code_child_supplement(CODE_EXTENDED), CODE_EXTENDED_CHILD);
	assert_int_equal(code_child_supplement(CODE_INTEGRATION_ADULT), -1);
	assert_true(app_type_is_daily_compensation(APP_INTEGRATION_HOUSING));
	assert_false(app_type_is_daily_compensation(APP_INTEGRATION_ADULT));
	assert_true(app_type_has_period(APP_INTEGRATION_CHILD));
	assert_false(app_type_has_period(APP_POINT_ADULT));
	assert_true(app_type_is_point(APP_POINT_CHILD));
	assert_false(app_type_is_point(APP_ADMISSION));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_R1_allows_certification_dated_same_day_as_application),
		cmocka_unit_test(test_R1_refuses_certification_dated_after_application),
		cmocka_unit_test(test_R1_refuses_suspended_then_allows_recertified),
		cmocka_unit_test(test_R1_same_day_events_later_element_wins),
		cmocka_unit_test(test_R2_refuses_missing_basis),
		cmocka_unit_test(test_R2_public_actor_denied_needs_actor_reason_reference),
		cmocka_unit_test(test_R3_allows_30th_reflection_day),
		cmocka_unit_test(test_R3_refuses_31st_reflection_day),
		cmocka_unit_test(test_R3_refuses_single_31_day_application),
		cmocka_unit_test(test_R4_allows_30_days_in_one_extension),
		cmocka_unit_test(test_R4_refuses_31_days_in_one_extension),
		cmocka_unit_test(test_R4_allows_180th_and_refuses_181st_extended_day),
		cmocka_unit_test(test_R4_refuses_without_plan_or_evaluation),
		cmocka_unit_test(test_R4_refuses_when_sweden_not_responsible),
		cmocka_unit_test(test_R4_refuses_start_on_last_reflection_day),
		cmocka_unit_test(test_R5_allows_integration_housing_right_after_reflection),
		cmocka_unit_test(test_R5_refuses_one_day_gap_after_housing),
		cmocka_unit_test(test_R5_refuses_without_plan_or_after_integration_only),
		cmocka_unit_test(test_R6_allows_45_days_across_both_forms),
		cmocka_unit_test(test_R6_refuses_46th_day_across_both_forms),
		cmocka_unit_test(test_R6_refuses_form_of_the_other_age_group),
		cmocka_unit_test(test_R7_allows_primary_and_secondary_children),
		cmocka_unit_test(test_R7_refuses_child_elsewhere_unknown_foreign_or_twice),
		cmocka_unit_test(test_R7_refuses_children_on_other_types),
		cmocka_unit_test(test_R7_one_vs_three_children_same_supplement),
		cmocka_unit_test(test_R8_basic_needs_refused_first_day_of_housing_allowed_day_after),
		cmocka_unit_test(test_R8_allows_other_categories_during_housing),
		cmocka_unit_test(test_R8_refuses_wrong_age_group_and_zero_units),
		cmocka_unit_test(test_R9_refuses_overlap_by_exactly_one_day),
		cmocka_unit_test(test_R9_refuses_housing_overlapping_reflection),
		cmocka_unit_test(test_R10_refuses_amount_above_remaining_budget),
		cmocka_unit_test(test_R10_allows_within_budget_or_with_override),
		cmocka_unit_test(test_R11_refuses_child_of_non_admitted_parent),
		cmocka_unit_test(test_R11_refuses_secondary_elsewhere_and_unlinked_children),
		cmocka_unit_test(test_R11_refuses_intervention_after_parent_exit),
		cmocka_unit_test(test_R12_retention_due_from_exit_plus_retention),
		cmocka_unit_test(test_R13_refuses_intervention_before_admission),
		cmocka_unit_test(test_R13_refuses_after_exit_allows_on_exit_day),
		cmocka_unit_test(test_R13_refuses_admission_of_admitted_person),
		cmocka_unit_test(test_R13_pending_admission_allows_submission_and_judges_the_decision_date),
		cmocka_unit_test(test_R13_denied_admission_leaves_only_denial),
		cmocka_unit_test(test_R14_allows_claim_up_to_granted_minus_paid),
		cmocka_unit_test(test_R14_refuses_zero_and_fully_paid),
		cmocka_unit_test(test_R14_counts_submitted_claims_as_reserved),
		cmocka_unit_test(test_claim_days_within_the_period_and_not_in_the_future),
		cmocka_unit_test(test_payment_split_to_the_ore),
		cmocka_unit_test(test_decision_partly_granted_needs_fewer_days_and_reason),
		cmocka_unit_test(test_decision_points_units_within_applied),
		cmocka_unit_test(test_decision_denied_needs_reason_and_skips_R3),
		cmocka_unit_test(test_R3_decision_rechecks_history_with_granted_period),
		cmocka_unit_test(test_R2e_emergency_only_daily_compensation_never_denied),
		cmocka_unit_test(test_application_refuses_missing_or_reversed_period),
		cmocka_unit_test(test_lists_every_rule_in_order),
		cmocka_unit_test(test_reports_every_refusal_of_reflection),
		cmocka_unit_test(test_reports_every_refusal_of_point_intervention),
		cmocka_unit_test(test_reports_child_rules_together),
		cmocka_unit_test(test_allows_when_no_rule_refuses),
		cmocka_unit_test(test_budget_alone_is_reported_apart),
		cmocka_unit_test(test_budget_not_judged_without_amount),
		cmocka_unit_test(test_rules_wait_for_valid_application),
		cmocka_unit_test(test_first_refusal_matches_rules_check_application),
		cmocka_unit_test(test_amount_crossing_new_year_uses_both_tables),
		cmocka_unit_test(test_amount_points_use_decision_year),
		cmocka_unit_test(test_amount_admission_none_and_overflow_refused),
		cmocka_unit_test(test_rates_builtin_and_max_days),
		cmocka_unit_test(test_enum_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
