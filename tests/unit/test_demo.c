/*
 * The demonstration data (src/demo): the PRNG, the case planner's
 * invariants over many draws, and a small demonstration database filled
 * through the service layer — determinism, the ledger arithmetic of every
 * year, applications in both states, every decision outcome, children, and
 * an intact audit chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "demo/demo.h"
#include "domain/rules.h"
#include "store/report.h"
#include "store/store.h"

#define SMALL 60

/* ---------------------------------------------------------------- helpers */

struct tmpdb {
	char dir[64];
	char path[128];
	struct db *db;
};

/* A new empty database with keys in a fresh temporary folder. */
static void tmpdb_open(struct tmpdb *t)
{
	char err[DB_ERR_MAX];
	unsigned char master[DB_KEY_BYTES];
	snprintf(t->dir, sizeof t->dir, "/tmp/nsp-test-demo-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/demo.db", t->dir);
	assert_int_equal(db_open(&t->db, t->path, DB_CREATE, err, sizeof err), 0);
	randombytes_buf(master, sizeof master);
	assert_int_equal(db_set_keys(t->db, master), 0);
}

static void tmpdb_close(struct tmpdb *t)
{
	char side[160];
	db_close(t->db);
	unlink(t->path);
	snprintf(side, sizeof side, "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", t->path);
	unlink(side);
	rmdir(t->dir);
}

static int fill(struct tmpdb *t, uint64_t seed, day_t today, struct demo_counts *n)
{
	char err[1024];
	struct demo_options o = { .persons = SMALL, .seed = seed, .today = today };
	int rc = demo_fill(t->db, &o, NULL, NULL, n, err, sizeof err);
	if (rc != 0)
		print_error("demo_fill: %s\n", err);
	return rc;
}

/* ---------------------------------------------------------------- the PRNG */

static void test_rng_known_values(void **state)
{
	(void)state;
	struct demo_rng r;
	/* splitmix64's published first outputs for seed 0. */
	demo_rng_seed(&r, 0);
	assert_true(demo_rng_next(&r) == UINT64_C(0xe220a8397b1dcdaf));
	assert_true(demo_rng_next(&r) == UINT64_C(0x6e789e6aa1b965f4));
}

static void test_rng_bounds(void **state)
{
	(void)state;
	struct demo_rng r;
	int seen[7] = { 0 };
	demo_rng_seed(&r, 42);
	for (int i = 0; i < 7000; i++) {
		int64_t v = demo_rng_range(&r, -3, 3);
		assert_in_range(v + 3, 0, 6);
		seen[v + 3]++;
		assert_true(demo_rng_below(&r, 5) < 5);
	}
	for (int i = 0; i < 7; i++)
		assert_true(seen[i] > 800 && seen[i] < 1200); /* roughly uniform */
	assert_int_equal(demo_rng_below(&r, 0), 0);
	assert_int_equal(demo_rng_range(&r, 9, 2), 9);
	/* A weight of 0 is never picked; all zeros gives 0. */
	static const unsigned w[4] = { 0, 5, 0, 1 };
	static const unsigned zeros[3] = { 0, 0, 0 };
	for (int i = 0; i < 1000; i++) {
		int k = demo_rng_pick(&r, w, 4);
		assert_true(k == 1 || k == 3);
	}
	assert_int_equal(demo_rng_pick(&r, zeros, 3), 0);
	assert_false(demo_rng_chance(&r, 0));
	assert_true(demo_rng_chance(&r, 1000));
}

static void test_claim_rounds_down(void **state)
{
	(void)state;
	struct demo_payment p = { 0, 7, 30 };
	assert_int_equal(demo_claim_ore(3960000, &p), 924000); /* 7 of 30 days at 1 320 kr */
	p = (struct demo_payment){ 0, 1, 3 };
	assert_int_equal(demo_claim_ore(100, &p), 33);
	p = (struct demo_payment){ 0, 3, 3 };
	assert_int_equal(demo_claim_ore(100, &p), 100);
	p = (struct demo_payment){ 0, 0, 3 };
	assert_int_equal(demo_claim_ore(100, &p), 0);
}

/* ---------------------------------------------------------------- plans */

/* Invariants of a plan that the rules need, over many random draws. */
static void test_plans_obey_rules_by_construction(void **state)
{
	(void)state;
	struct demo_rng r;
	struct demo_case c;
	struct demo_event ev[DEMO_MAX_EVENTS];
	day_t today = day_from_ymd(2026, 3, 15);
	int kinds[DEMO_CASE__COUNT] = { 0 }, waiting = 0, partial_claims = 0;

	demo_rng_seed(&r, 7);
	for (int i = 0; i < 5000; i++) {
		struct demo_case_opts o = { .today = today, .kind = -1, .gender = -1, .n_children = -1, .months = -1,
					    .housing = i % 4 != 0, .child_role = -1 };
		o.start = (day_t)demo_rng_range(&r, day_from_ymd(2025, 1, 3), today - 1);
		demo_plan_case(&r, &o, &c);
		kinds[c.kind]++;
		assert_true(c.n_steps >= 1);
		assert_int_equal(c.step[0].type, APP_ADMISSION);
		assert_int_equal(c.step[0].submitted_on, o.start);
		int64_t refl = 0, ext = 0, integ[1 + DEMO_MAX_CHILDREN] = { 0 };
		for (int k = 0; k < c.n_steps; k++) {
			const struct demo_step *s = &c.step[k];
			assert_true(s->submitted_on <= today);
			if (s->type != APP_ADMISSION && s->decided_on != DAY_NONE)
				assert_true(s->submitted_on >= c.step[0].decided_on); /* R13 */
			if (s->decided_on == DAY_NONE) {
				waiting++;
				assert_int_equal(s->n_pay, 0);
				continue;
			}
			assert_true(s->decided_on >= s->submitted_on && s->decided_on <= today);
			int64_t sum = 0;
			day_t last = s->decided_on;
			for (int p = 0; p < s->n_pay; p++) {
				assert_true(s->pay[p].on >= last && s->pay[p].on <= today);
				last = s->pay[p].on;
				sum += s->pay[p].num;
				assert_true(s->pay[p].den > 0);
			}
			if (s->n_pay)
				assert_true(sum <= s->pay[0].den); /* R14 by construction */
			if (s->close_on != DAY_NONE)
				assert_true(s->close_on >= last && s->close_on <= today);
			if (s->outcome == OUTCOME_DENIED || !app_type_has_period(s->type))
				continue;
			assert_true(s->gfrom >= s->from && s->gto <= s->to && s->gfrom <= s->gto);
			if (s->type == APP_REFLECTION)
				refl += day_count(s->gfrom, s->gto);
			if (s->type == APP_EXTENDED) {
				assert_true(day_count(s->from, s->to) <= 30);
				ext += day_count(s->gfrom, s->gto);
			}
			if (s->type == APP_INTEGRATION_HOUSING || s->type == APP_INTEGRATION_ADULT ||
			    s->type == APP_INTEGRATION_CHILD)
				integ[s->who + 1] += day_count(s->gfrom, s->gto);
			if (s->n_pay && s->close_on == DAY_NONE && s->gto > today)
				partial_claims++;
			/* R9: no two daily-compensation periods of the person share a day. */
			if (!app_type_is_daily_compensation(s->type))
				continue;
			for (int q = 0; q < k; q++) {
				const struct demo_step *t = &c.step[q];
				if (t->decided_on != DAY_NONE && t->outcome != OUTCOME_DENIED && t->who == s->who &&
				    app_type_is_daily_compensation(t->type))
					assert_int_equal(day_overlap(s->gfrom, s->gto, t->gfrom, t->gto), 0);
			}
		}
		assert_true(refl <= 30);  /* R3 */
		assert_true(ext <= 180);  /* R4 */
		for (int k = 0; k <= DEMO_MAX_CHILDREN; k++)
			assert_true(integ[k] <= 45); /* R6 */
		if (c.exit_on != DAY_NONE) {
			assert_true(c.exit_on <= today);
			for (int k = 0; k < c.n_steps; k++)
				assert_true(c.step[k].submitted_on <= c.exit_on);
		}
		/* Events are sorted by day and never dated after today. */
		int n = demo_case_events(&c, ev);
		for (int k = 1; k < n; k++)
			assert_true(ev[k - 1].on <= ev[k].on);
		assert_true(ev[n - 1].on <= today);
	}
	for (int k = 0; k < DEMO_CASE__COUNT; k++)
		assert_true(kinds[k] > 0);
	assert_true(waiting > 0);
	assert_true(partial_claims > 0);
}

/* ---------------------------------------------------------------- the demonstration database */

static void test_fill_is_deterministic(void **state)
{
	(void)state;
	struct tmpdb a, b;
	struct demo_counts na, nb;
	day_t today = day_today();
	struct db_person *pa, *pb;
	size_t ka, kb;

	tmpdb_open(&a);
	tmpdb_open(&b);
	assert_int_equal(fill(&a, 12345, today, &na), 0);
	assert_int_equal(fill(&b, 12345, today, &nb), 0);
	assert_memory_equal(&na, &nb, sizeof na);
	assert_true(na.persons >= SMALL);

	assert_int_equal(db_person_list(a.db, 0, 0, 0, &pa, &ka), 0);
	assert_int_equal(db_person_list(b.db, 0, 0, 0, &pb, &kb), 0);
	assert_int_equal(ka, kb);
	assert_int_equal((int64_t)ka, na.persons);
	for (size_t i = 0; i < ka; i++) {
		/* the same persons in the same order; their codes and ids are random
		 * (issue 16), so not compared */
		assert_int_equal(pa[i].organisation_id, pb[i].organisation_id);
		assert_int_equal(pa[i].gender, pb[i].gender);
		assert_int_equal(pa[i].exit_on, pb[i].exit_on);
	}
	free(pa);
	free(pb);

	/* The same money, to the öre. */
	for (int y = day_year(today) - 1; y <= day_year(today); y++) {
		struct budget ba, bb;
		assert_int_equal(db_year_budget(a.db, y, &ba), 0);
		assert_int_equal(db_year_budget(b.db, y, &bb), 0);
		assert_memory_equal(&ba, &bb, sizeof ba);
	}
	tmpdb_close(&a);
	tmpdb_close(&b);

	/* Another seed draws other data. */
	struct tmpdb c;
	struct demo_counts nc;
	tmpdb_open(&c);
	assert_int_equal(fill(&c, 999, today, &nc), 0);
	assert_true(memcmp(&na, &nc, sizeof na) != 0);
	tmpdb_close(&c);
}

static void test_fill_properties(void **state)
{
	(void)state;
	struct tmpdb t;
	struct demo_counts n;
	day_t today = day_today();
	int Y = day_year(today);

	tmpdb_open(&t);
	assert_int_equal(fill(&t, DEMO_SEED, today, &n), 0);

	/* Applications in both states, as the store has them. */
	struct db_application *apps;
	size_t n_apps;
	struct db_application_filter f = { .status = STATUS_SUBMITTED };
	assert_int_equal(db_application_list(t.db, &f, &apps, &n_apps), 0);
	assert_true(n_apps >= 1);
	assert_int_equal((int64_t)n_apps, n.submitted);
	db_application_list_free(apps, n_apps);
	f.status = STATUS_DECIDED;
	assert_int_equal(db_application_list(t.db, &f, &apps, &n_apps), 0);
	assert_int_equal((int64_t)n_apps, n.decisions);
	for (size_t i = 0; i < n_apps; i++) {
		assert_true(apps[i].has_decision);
		assert_true(apps[i].decision.decided_on >= apps[i].app.submitted_on);
		assert_true(apps[i].decision.decided_on <= today);
	}
	db_application_list_free(apps, n_apps);

	/* Every outcome, an emergency, child supplements, releases, periods ending within a week. */
	struct db_decision *ds;
	size_t nd;
	struct db_decision_filter df = { .open = -1 };
	int outcomes[OUTCOME__COUNT] = { 0 }, emergency = 0, supplements = 0, released = 0, partial_open = 0;
	int64_t committed[2] = { 0 }, paid[2] = { 0 }, rel[2] = { 0 };
	assert_int_equal(db_decision_list(t.db, &df, &ds, &nd), 0);
	assert_int_equal((int64_t)nd, n.decisions);
	int64_t ending_orgs[8] = { 0 };
	int n_ending = 0;
	for (size_t i = 0; i < nd; i++) {
		const struct db_decision *d = &ds[i];
		outcomes[d->outcome]++;
		emergency += d->emergency;
		for (size_t k = 0; k < d->n_lines; k++)
			supplements += d->lines[k].code == CODE_REFLECTION_CHILD || d->lines[k].code == CODE_EXTENDED_CHILD ||
				       d->lines[k].code == CODE_INTEGRATION_HOUSING_CHILD;
		/* R14: never more paid than granted; a closed decision releases exactly the rest. */
		assert_true(d->paid_ore >= 0 && d->paid_ore <= d->total_ore);
		if (d->closed_on != DAY_NONE) {
			assert_int_equal(d->released_ore, d->total_ore - d->paid_ore);
			assert_true(d->closed_on >= d->decided_on && d->closed_on <= today);
			released += d->released_ore > 0;
		} else {
			assert_int_equal(d->released_ore, 0);
			/* paid, or claimed and waiting for the coordinator, in part */
			int64_t reserved;
			assert_int_equal(db_claim_reserved(t.db, d->id, 0, &reserved), 0);
			assert_true(d->paid_ore + reserved <= d->total_ore);
			partial_open += d->paid_ore + reserved > 0 && d->paid_ore + reserved < d->total_ore;
		}
		if (d->outcome == OUTCOME_DENIED)
			assert_int_equal(d->total_ore, 0);
		assert_true(d->year == Y - 1 || d->year == Y);
		committed[d->year - (Y - 1)] += d->total_ore;
		paid[d->year - (Y - 1)] += d->paid_ore;
		rel[d->year - (Y - 1)] += d->released_ore;
		if (d->outcome != OUTCOME_DENIED && d->to != DAY_NONE && d->to >= today && d->to <= today + 7 &&
		    n_ending < 8)
			ending_orgs[n_ending++] = d->organisation_id;
		struct db_payment *ps;
		size_t np;
		assert_int_equal(db_payment_list(t.db, d->id, &ps, &np), 0);
		for (size_t k = 0; k < np; k++)
			assert_true(ps[k].paid_on >= d->decided_on && ps[k].paid_on <= today);
		db_payment_list_free(ps, np);
	}
	db_decision_list_free(ds, nd);
	assert_true(outcomes[OUTCOME_GRANTED] > 0);
	assert_true(outcomes[OUTCOME_PARTLY_GRANTED] > 0);
	assert_true(outcomes[OUTCOME_DENIED] > 0);
	assert_true(emergency > 0);
	assert_true(supplements > 0);
	assert_true(released > 0);
	assert_true(partial_open > 0);
	/* Claims waiting in the coordinator's queue, and a rejected one (domain.md §8). */
	assert_true(n.claims_waiting > 0 && n.claims_rejected > 0 && n.claims > n.payments);
	struct db_claim *cl;
	size_t ncl;
	int by_status[CLAIM__COUNT] = { 0 };
	struct db_claim_filter cf = { .status = -1 };
	assert_int_equal(db_claim_list(t.db, &cf, &cl, &ncl), 0);
	for (size_t i = 0; i < ncl; i++)
		by_status[cl[i].status]++;
	db_claim_list_free(cl, ncl);
	assert_int_equal(by_status[CLAIM_SUBMITTED], n.claims_waiting);
	assert_int_equal(by_status[CLAIM_REJECTED], n.claims_rejected);
	assert_int_equal(by_status[CLAIM_PAID], n.payments);
	assert_int_equal(outcomes[OUTCOME_GRANTED], n.granted);
	assert_int_equal(outcomes[OUTCOME_DENIED], n.denied);
	/* Both demo caseworkers' organisations have a period ending within 7 days (their start page). */
	for (int l = 0; l < demo_n_logins; l++) {
		if (!demo_logins[l].organisation)
			continue;
		struct db_org *orgs;
		size_t no;
		int64_t id = 0;
		int found = 0;
		assert_int_equal(db_org_list(t.db, &orgs, &no), 0);
		for (size_t i = 0; i < no; i++)
			if (strcmp(orgs[i].name, demo_logins[l].organisation) == 0)
				id = orgs[i].id;
		db_org_list_free(orgs, no);
		assert_true(id > 0);
		for (int i = 0; i < n_ending; i++)
			found |= ending_orgs[i] == id;
		assert_true(found);
	}

	/* Each year's ledger: the store's sums equal the decisions', and the arithmetic of domain.md §8. */
	for (int k = 0; k < 2; k++) {
		struct budget b;
		assert_int_equal(db_year_budget(t.db, Y - 1 + k, &b), 0);
		assert_true(b.has_budget);
		assert_int_equal(b.budget_ore, INT64_C(350000000));
		assert_int_equal(b.committed_ore, committed[k]);
		assert_int_equal(b.paid_ore, paid[k]);
		assert_int_equal(b.released_ore, rel[k]);
		assert_int_equal(b.remaining_ore, b.budget_ore - b.committed_ore + b.released_ore);
		/* budget = committed-and-open + paid + remaining, to the öre */
		assert_int_equal(b.budget_ore,
				 (b.committed_ore - b.paid_ore - b.released_ore) + b.paid_ore + b.remaining_ore);
		assert_true(b.committed_ore > 0);
	}

	/* Children with every role, linked to an adult of their organisation. */
	struct db_person *ps;
	size_t np;
	int roles[CHILD_ROLE__COUNT] = { 0 }, exits = 0, with_identity = 0;
	assert_int_equal(db_person_list(t.db, 0, 0, 0, &ps, &np), 0);
	for (size_t i = 0; i < np; i++) {
		exits += ps[i].exit_on != DAY_NONE;
		with_identity += ps[i].has_identity;
		if (ps[i].age_group != AGE_CHILD) {
			assert_int_equal(ps[i].parent_id, 0);
			continue;
		}
		assert_true(ps[i].parent_id > 0);
		assert_true(ps[i].child_role >= 0 && ps[i].child_role < CHILD_ROLE__COUNT);
		roles[ps[i].child_role]++;
		struct db_person parent;
		assert_int_equal(db_person_get(t.db, ps[i].parent_id, false, &parent), 0);
		assert_int_equal(parent.age_group, AGE_ADULT);
		assert_int_equal(parent.organisation_id, ps[i].organisation_id);
		db_person_free(&parent);
	}
	/* Case codes carry the year of registration: persons of last year and of this one. */
	char last[32], this[32];
	int codes_last = 0, codes_this = 0;
	snprintf(last, sizeof last, "NSP-%04d-", Y - 1);
	snprintf(this, sizeof this, "NSP-%04d-", Y);
	for (size_t i = 0; i < np; i++) {
		codes_last += strncmp(ps[i].code, last, strlen(last)) == 0;
		codes_this += strncmp(ps[i].code, this, strlen(this)) == 0;
	}
	assert_true(codes_last > 0 && codes_this > 0);
	assert_int_equal(codes_last + codes_this, (int)np);
	free(ps);
	assert_true(roles[CHILD_PRIMARY] > 0 && roles[CHILD_SECONDARY] > 0);
	assert_true(n.children > 0 && n.adults > n.children / 2);
	assert_int_equal(exits, n.exits);
	assert_true(exits > 0 && with_identity > 0);

	/* The demo logins exist with their roles; coordinator and caseworkers have the demo's second factor. */
	for (int i = 0; i < demo_n_logins; i++) {
		struct db_user u;
		struct db_totp tt;
		assert_int_equal(db_user_get_by_username(t.db, demo_logins[i].username, &u), 0);
		assert_string_equal(enum_name(&enum_role, (int)u.role), demo_logins[i].role);
		assert_true(strlen(demo_logins[i].password) >= 12);
		assert_int_equal(db_totp_get(t.db, u.id, true, &tt), 0);
		assert_int_equal(tt.confirmed, u.role != ROLE_FUNDER);
		if (tt.confirmed)
			assert_memory_equal(tt.secret, demo_totp_secret, DEMO_TOTP_SECRET_BYTES);
	}

	struct db_placement *pl;
	size_t npl;
	int no_place_men = 0;
	assert_int_equal(db_placement_list(t.db, 0, -1, &pl, &npl), 0);
	assert_int_equal((int64_t)npl, n.placements);
	for (size_t i = 0; i < npl; i++)
		no_place_men += pl[i].outcome == PLACEMENT_NO_PLACE && pl[i].target_group == TARGET_MEN;
	free(pl);
	assert_true(no_place_men >= 2);
	assert_true(n.consultations > 0);
	/* the contact register: some of them the same person as a programme person (issue 19) */
	assert_true(n.contacts > 0);
	assert_true(n.contacts_linked > 0);
	struct db_contact *cs;
	size_t ncs;
	int64_t total;
	assert_int_equal(db_contact_find(t.db, &(struct db_contact_filter){ .from = DAY_NONE, .to = DAY_NONE, .gender = -1,
									 .age_group = -1, .region = -1 },
					 &cs, &ncs, &total), 0);
	assert_int_equal(total, n.contacts);
	free(cs);
	/* the report counts each person once: fewer persons than contacts, some of them entered */
	int64_t contacts = 0, distinct = 0, entered = 0;
	for (int y = Y - 1; y <= Y; y++) {
		struct report rep;
		assert_int_equal(db_report_load(t.db, y, &rep), 0);
		contacts += rep.contacts.contacts.n[BUCKET_TOTAL];
		distinct += rep.contacts.distinct.n[BUCKET_TOTAL];
		entered += rep.contacts.entered.n[BUCKET_TOTAL];
	}
	assert_int_equal(contacts, n.contacts);
	assert_true(distinct < contacts);
	assert_true(entered > 0);
	assert_true(n.follow_ups >= 4); /* the previous year's two network meetings, survey, site visit */

	struct audit_report ar;
	assert_int_equal(db_audit_verify(t.db, &ar), 0);
	assert_int_equal(ar.problem, AUDIT_OK);
	assert_true(ar.checked > n.applications + n.decisions + n.payments);
	tmpdb_close(&t);
}

static void test_fill_refuses_future_and_non_empty(void **state)
{
	(void)state;
	struct tmpdb t;
	struct demo_counts n;
	char err[512];
	tmpdb_open(&t);
	struct demo_options o = { .persons = 10, .today = day_today() + 1 };
	assert_int_equal(demo_fill(t.db, &o, NULL, NULL, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "future"));
	/* A second fill of the same database fails (the coordinator exists) and says so. */
	assert_int_equal(fill(&t, 1, day_today(), &n), 0);
	o.today = day_today();
	assert_int_equal(demo_fill(t.db, &o, NULL, NULL, &n, err, sizeof err), -1);
	assert_true(err[0] != '\0');
	tmpdb_close(&t);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_known_values),
		cmocka_unit_test(test_rng_bounds),
		cmocka_unit_test(test_claim_rounds_down),
		cmocka_unit_test(test_plans_obey_rules_by_construction),
		cmocka_unit_test(test_fill_is_deterministic),
		cmocka_unit_test(test_fill_properties),
		cmocka_unit_test(test_fill_refuses_future_and_non_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
