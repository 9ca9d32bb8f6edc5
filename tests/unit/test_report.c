/*
 * The annual report: gender buckets, the relations between its tables,
 * open-data suppression (checked by an independent attacker that solves the
 * published equations), every export form, and the
 * loader on a temporary database built through the store's own functions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "domain/day.h"
#include "domain/money.h"
#include "domain/report.h"
#include "report/csv.h"
#include "report/export.h"
#include "report/labels.h"
#include "report/tables.h"
#include "store/report.h"
#include "store/store.h"

/* ------------------------------------------------------------------ fixtures */

/* The persons tables of the 2025 report (shared/seed), with the rest made
 * consistent: 150 persons, 82 adults, 68 children. */
static void report_2025(struct report *r)
{
	report_init(r, 2025);
	r->persons.total = 150;
	r->persons.adults = 82;
	r->persons.children = 68;
	r->primary.n[BUCKET_MEN] = 33;
	r->primary.n[BUCKET_WOMEN] = 48;
	r->primary.n[BUCKET_TRANS_WOMEN] = 1;
	r->primary.n[BUCKET_GIRLS] = 4;
	r->primary.n[BUCKET_BOYS] = 3;
	r->primary.n[BUCKET_TOTAL] = 89;
	r->secondary_children.n[BUCKET_BOYS] = 4;
	r->secondary_children.n[BUCKET_GIRLS] = 3;
	r->secondary_children.n[BUCKET_UNKNOWN] = 7;
	r->secondary_children.n[BUCKET_TOTAL] = 14;
	r->children_elsewhere.n[BUCKET_BOYS] = 10;
	r->children_elsewhere.n[BUCKET_GIRLS] = 13;
	r->children_elsewhere.n[BUCKET_UNKNOWN] = 24;
	r->children_elsewhere.n[BUCKET_TOTAL] = 47;
	/* 7 reflection recipients: 5 by regional coordinators, 1 civil society, 1 self */
	r->interventions[CODE_REFLECTION].n[BUCKET_WOMEN] = 6;
	r->interventions[CODE_REFLECTION].n[BUCKET_TRANS_WOMEN] = 1;
	r->interventions[CODE_REFLECTION].n[BUCKET_TOTAL] = 7;
	r->referrals_reflection[REF_REGIONAL_COORDINATOR] = 5;
	r->referrals_reflection[REF_CIVIL_SOCIETY] = 1;
	r->referrals_reflection[REF_SELF] = 1;
	r->interventions[CODE_EXTENDED].n[BUCKET_WOMEN] = 9;
	r->interventions[CODE_EXTENDED].n[BUCKET_TRANS_WOMEN] = 1;
	r->interventions[CODE_EXTENDED].n[BUCKET_TOTAL] = 10;
	r->interventions[CODE_POINT_ADULT].n[BUCKET_WOMEN] = 30;
	r->interventions[CODE_POINT_ADULT].n[BUCKET_MEN] = 25;
	r->interventions[CODE_POINT_ADULT].n[BUCKET_TOTAL] = 55;
	r->exploitation[AGE_CHILD][EXPL_SEXUAL].n[BUCKET_BOYS] = 1;
	r->exploitation[AGE_CHILD][EXPL_SEXUAL].n[BUCKET_TOTAL] = 1;
	r->exploitation[AGE_CHILD][EXPL_OTHER_CRIME].n[BUCKET_BOYS] = 1;
	r->exploitation[AGE_CHILD][EXPL_OTHER_CRIME].n[BUCKET_GIRLS] = 1;
	r->exploitation[AGE_CHILD][EXPL_OTHER_CRIME].n[BUCKET_TOTAL] = 2;
	r->exploitation[AGE_ADULT][REPORT_EXPL_MULTIPLE].n[BUCKET_TRANS_WOMEN] = 1;
	r->exploitation[AGE_ADULT][REPORT_EXPL_MULTIPLE].n[BUCKET_TOTAL] = 1;
	r->exploitation[AGE_ADULT][EXPL_SEXUAL].n[BUCKET_WOMEN] = 40;
	r->exploitation[AGE_ADULT][EXPL_SEXUAL].n[BUCKET_TOTAL] = 40;
	r->money.budget_set = true;
	r->money.budget_ore = 350000000;
	r->money.committed_ore = 330000050;
	r->money.paid_ore = 311513300;
	r->money.paid_by_code_ore[CODE_REFLECTION] = 11513300;
	r->money.paid_by_code_ore[CODE_EXTENDED] = 300000000;
	r->decisions.by_outcome[OUTCOME_GRANTED] = 120;
	r->decisions.by_outcome[OUTCOME_DENIED] = 4;
	r->decisions.emergency = 2;
	r->placement_requests[PLACEMENT_NO_PLACE] = 1;
	r->consultations = 17;
	r->complementarity.by_basis[BASIS_NO_DESIGNATED_ACTOR] = 60;
	r->complementarity.by_basis[BASIS_PUBLIC_ACTOR_DENIED] = 3;
	r->complementarity.denials[ACTOR_SOCIAL_SERVICES][REASON_LACKS_PERSONAL_NUMBER] = 2;
	r->complementarity.denials[ACTOR_SOCIAL_SERVICES][REASON_NO_DECISION] = 1;
	/* persons in contact with the platform: "some 300-400 a year" (issue 19) */
	static const int64_t contacts[3][BUCKET__COUNT] = {
		{ 180, 120, 3, 0, 0, 20, 12, 15, 350 },
		{ 150, 100, 2, 0, 0, 18, 10, 10, 290 },
		{ 10, 3, 1, 0, 0, 0, 0, 0, 14 },
	};
	memcpy(r->contacts.contacts.n, contacts[0], sizeof contacts[0]);
	memcpy(r->contacts.distinct.n, contacts[1], sizeof contacts[1]);
	memcpy(r->contacts.entered.n, contacts[2], sizeof contacts[2]);
}

/* ------------------------------------------------------------------ contacts (issue 19) */

/* Each person once, in the bucket of their first contact; entered if any of their contacts says so. */
static void test_contacts_count(void **state)
{
	(void)state;
	struct report r;
	report_init(&r, 2025);
	const struct report_contact_fact f[] = {
		{ GENDER_FEMALE, AGE_ADULT, 7, false },   /* person 7, first seen as a woman */
		{ GENDER_MALE, AGE_CHILD, 3, false },
		{ GENDER_UNKNOWN, AGE_ADULT, 7, true },   /* person 7 again: entered */
		{ GENDER_FEMALE, AGE_CHILD, 9, false },
		{ GENDER_MALE, AGE_CHILD, 3, false },
	};
	assert_int_equal(report_contacts_count(&r, f, sizeof f / sizeof f[0]), 0);
	assert_int_equal(r.contacts.contacts.n[BUCKET_TOTAL], 5);
	assert_int_equal(r.contacts.contacts.n[BUCKET_WOMEN], 1);
	assert_int_equal(r.contacts.contacts.n[BUCKET_UNKNOWN], 1);
	assert_int_equal(r.contacts.contacts.n[BUCKET_BOYS], 2);
	assert_int_equal(r.contacts.distinct.n[BUCKET_TOTAL], 3);
	assert_int_equal(r.contacts.distinct.n[BUCKET_WOMEN], 1);
	assert_int_equal(r.contacts.distinct.n[BUCKET_UNKNOWN], 0);
	assert_int_equal(r.contacts.distinct.n[BUCKET_BOYS], 1);
	assert_int_equal(r.contacts.distinct.n[BUCKET_GIRLS], 1);
	assert_int_equal(r.contacts.entered.n[BUCKET_TOTAL], 1);
	assert_int_equal(r.contacts.entered.n[BUCKET_WOMEN], 1);
	assert_int_equal(report_check(&r, NULL, 0), 0);
	/* none at all */
	report_init(&r, 2025);
	assert_int_equal(report_contacts_count(&r, NULL, 0), 0);
	assert_int_equal(r.contacts.distinct.n[BUCKET_TOTAL], 0);
	/* more distinct persons than contacts cannot be */
	report_init(&r, 2025);
	r.contacts.distinct.n[BUCKET_MEN] = r.contacts.distinct.n[BUCKET_TOTAL] = 1;
	char err[160];
	assert_int_equal(report_check(&r, err, sizeof err), -1);
	assert_non_null(strstr(err, "distinct"));
}

/* ------------------------------------------------------------------ buckets */

static void test_bucket_mapping(void **state)
{
	(void)state;
	assert_int_equal(report_bucket(GENDER_FEMALE, AGE_ADULT), BUCKET_WOMEN);
	assert_int_equal(report_bucket(GENDER_MALE, AGE_ADULT), BUCKET_MEN);
	assert_int_equal(report_bucket(GENDER_TRANS_FEMALE, AGE_ADULT), BUCKET_TRANS_WOMEN);
	assert_int_equal(report_bucket(GENDER_TRANS_MALE, AGE_ADULT), BUCKET_TRANS_MEN);
	assert_int_equal(report_bucket(GENDER_NON_BINARY, AGE_ADULT), BUCKET_NON_BINARY);
	assert_int_equal(report_bucket(GENDER_UNKNOWN, AGE_ADULT), BUCKET_UNKNOWN);
	assert_int_equal(report_bucket(GENDER_FEMALE, AGE_CHILD), BUCKET_GIRLS);
	assert_int_equal(report_bucket(GENDER_MALE, AGE_CHILD), BUCKET_BOYS);
	/* api.md: a child who is trans, non-binary or of unknown gender is "unknown" */
	assert_int_equal(report_bucket(GENDER_TRANS_FEMALE, AGE_CHILD), BUCKET_UNKNOWN);
	assert_int_equal(report_bucket(GENDER_TRANS_MALE, AGE_CHILD), BUCKET_UNKNOWN);
	assert_int_equal(report_bucket(GENDER_NON_BINARY, AGE_CHILD), BUCKET_UNKNOWN);
	assert_int_equal(report_bucket(GENDER_UNKNOWN, AGE_CHILD), BUCKET_UNKNOWN);
	assert_int_equal(report_bucket((enum gender)99, AGE_ADULT), BUCKET_UNKNOWN);
	assert_int_equal(report_bucket(GENDER_FEMALE, (enum age_group)7), BUCKET_UNKNOWN);

	struct report_row row = { { 0 } };
	report_row_add(&row, GENDER_NON_BINARY, AGE_CHILD, 2);
	report_row_add(&row, GENDER_FEMALE, AGE_ADULT, 3);
	assert_int_equal(row.n[BUCKET_UNKNOWN], 2);
	assert_int_equal(row.n[BUCKET_WOMEN], 3);
	assert_int_equal(row.n[BUCKET_NON_BINARY], 0);
	assert_int_equal(row.n[BUCKET_TOTAL], 5);

	assert_string_equal(enum_name(&enum_bucket, BUCKET_TRANS_WOMEN), "trans_women");
	assert_string_equal(enum_name(&enum_bucket, BUCKET_TOTAL), "total");
}

static void test_exploitation_rows(void **state)
{
	(void)state;
	assert_int_equal(report_expl_row(0), -1);
	assert_int_equal(report_expl_row(1u << EXPL_BEGGING), EXPL_BEGGING);
	assert_int_equal(report_expl_row(1u << EXPL_OTHER_CRIME), EXPL_OTHER_CRIME);
	assert_int_equal(report_expl_row((1u << EXPL_SEXUAL) | (1u << EXPL_LABOUR)), REPORT_EXPL_MULTIPLE);
	/* bits outside the vocabulary are ignored, not counted as a form */
	assert_int_equal(report_expl_row(1u << 20), -1);
	assert_int_equal(report_expl_row((1u << 20) | (1u << EXPL_LABOUR)), EXPL_LABOUR);
	assert_string_equal(report_expl_row_name(REPORT_EXPL_MULTIPLE), "multiple");
	assert_string_equal(report_expl_row_name(EXPL_FORCED_MARRIAGE), "forced_marriage");
}

static void test_check_relations(void **state)
{
	struct report r;
	char err[200];
	(void)state;

	report_2025(&r);
	assert_int_equal(report_check(&r, err, sizeof err), 0);

	r.persons.total = 151;
	assert_int_equal(report_check(&r, err, sizeof err), -1);
	assert_non_null(strstr(err, "A:"));

	report_2025(&r);
	r.primary.n[BUCKET_WOMEN] = 47; /* row no longer adds up */
	assert_int_equal(report_check(&r, err, sizeof err), -1);

	report_2025(&r);
	r.primary.n[BUCKET_WOMEN] = 49; /* adds up but exceeds the adults: Ua < 0 */
	r.primary.n[BUCKET_TOTAL] = 90;
	r.persons.total = 151;
	r.persons.children = 69;
	assert_int_equal(report_check(&r, err, sizeof err), -1);

	report_2025(&r);
	r.referrals_not_recorded = 1;
	assert_int_equal(report_check(&r, err, sizeof err), -1);
	assert_non_null(strstr(err, "G:"));

	report_2025(&r);
	r.money.paid_by_code_ore[CODE_POINT_CHILD] = 1;
	assert_int_equal(report_check(&r, err, sizeof err), -1);

	report_2025(&r);
	r.complementarity.denials[ACTOR_POLICE][REASON_OTHER] = 1;
	assert_int_equal(report_check(&r, err, sizeof err), -1);

	/* absurd figures are refused without overflowing (UBSan watches) */
	report_2025(&r);
	r.persons.adults = INT64_MAX;
	r.primary.n[BUCKET_WOMEN] = INT64_MIN;
	assert_int_equal(report_check(&r, err, sizeof err), -1);
	report_2025(&r);
	for (int b = 0; b < BUCKET__COUNT; b++)
		r.interventions[CODE_POINT_CHILD].n[b] = INT64_MAX / 4;
	assert_int_equal(report_check(&r, err, sizeof err), -1);
	assert_int_equal(report_suppress(&r, 5), -1);
}

/* ------------------------------------------------------------------ the attacker */

/*
 * An independent re-statement of what a reader of open data knows: the
 * relations of report.h written out again from the spec, the published
 * cells, the fact that a suppressed cell is >= 1, and Gaussian elimination
 * modulo a large prime over the unknowns. It reports every suppressed cell
 * it can pin down.
 */
#define AV_MAX 400
#define AE_MAX 64
#define AP_MAX 16
#define PRIME 2147483647LL

struct attack {
	int nv, ne;
	int64_t value[AV_MAX];  /* the exact value */
	bool known[AV_MAX];     /* known to the reader */
	bool hidden[AV_MAX];    /* never published (Ua, Uc) */
	int total[AE_MAX], nparts[AE_MAX], parts[AE_MAX][AP_MAX];
};

static int av(struct attack *a, int64_t exact, int64_t published)
{
	a->value[a->nv] = exact;
	a->known[a->nv] = published != REPORT_SUPPRESSED;
	a->hidden[a->nv] = false;
	return a->nv++;
}

static int av_hidden(struct attack *a, int64_t exact)
{
	a->value[a->nv] = exact;
	a->known[a->nv] = false;
	a->hidden[a->nv] = true;
	return a->nv++;
}

static void ae(struct attack *a, int total, int n, const int *parts)
{
	a->total[a->ne] = total;
	a->nparts[a->ne] = n;
	for (int i = 0; i < n; i++)
		a->parts[a->ne][i] = parts[i];
	a->ne++;
}

/* A bucket row: its nine variables from first on; total = sum of the eight. */
static int av_row(struct attack *a, const struct report_row *x, const struct report_row *p)
{
	int first = a->nv, parts[8];
	for (int b = 0; b < BUCKET__COUNT; b++)
		av(a, x->n[b], p->n[b]);
	for (int b = 0; b < 8; b++)
		parts[b] = first + b;
	ae(a, first + BUCKET_TOTAL, 8, parts);
	return first;
}

static void attack_build(struct attack *a, const struct report *x, const struct report *p)
{
	memset(a, 0, sizeof *a);
	int tot = av(a, x->persons.total, p->persons.total);
	int adu = av(a, x->persons.adults, p->persons.adults);
	int chi = av(a, x->persons.children, p->persons.children);
	int pri = av_row(a, &x->primary, &p->primary);
	int sec = av_row(a, &x->secondary_children, &p->secondary_children);
	int els = av_row(a, &x->children_elsewhere, &p->children_elsewhere);
	int refl = -1;
	for (int c = 0; c < CODE__COUNT; c++) {
		int f = av_row(a, &x->interventions[c], &p->interventions[c]);
		if (c == CODE_REFLECTION)
			refl = f + BUCKET_TOTAL;
	}
	for (int g = 0; g < AGE__COUNT; g++)
		for (int e = 0; e < REPORT_EXPL_ROWS; e++)
			av_row(a, &x->exploitation[g][e], &p->exploitation[g][e]);
	int refs[REF__COUNT + 1];
	for (int f = 0; f < REF__COUNT; f++)
		refs[f] = av(a, x->referrals_reflection[f], p->referrals_reflection[f]);
	refs[REF__COUNT] = av(a, x->referrals_not_recorded, p->referrals_not_recorded);
	ae(a, refl, REF__COUNT + 1, refs);

	int64_t ua = x->persons.adults - x->primary.n[BUCKET_WOMEN] - x->primary.n[BUCKET_MEN] -
		     x->primary.n[BUCKET_TRANS_WOMEN] - x->primary.n[BUCKET_TRANS_MEN] -
		     x->primary.n[BUCKET_NON_BINARY];
	int u_a = av_hidden(a, ua);
	int u_c = av_hidden(a, x->primary.n[BUCKET_UNKNOWN] - ua);

	ae(a, tot, 2, (int[]){ adu, chi });
	ae(a, tot, 3, (int[]){ pri + BUCKET_TOTAL, sec + BUCKET_TOTAL, els + BUCKET_TOTAL });
	ae(a, adu, 6, (int[]){ pri + BUCKET_WOMEN, pri + BUCKET_MEN, pri + BUCKET_TRANS_WOMEN,
			       pri + BUCKET_TRANS_MEN, pri + BUCKET_NON_BINARY, u_a });
	ae(a, chi, 5, (int[]){ pri + BUCKET_GIRLS, pri + BUCKET_BOYS, u_c, sec + BUCKET_TOTAL,
			       els + BUCKET_TOTAL });
	ae(a, pri + BUCKET_UNKNOWN, 2, (int[]){ u_a, u_c });
}

static int64_t mpow(int64_t b, int64_t e)
{
	int64_t r = 1;
	b %= PRIME;
	while (e > 0) {
		if (e & 1)
			r = r * b % PRIME;
		b = b * b % PRIME;
		e >>= 1;
	}
	return r;
}

/*
 * The number of suppressed cells the reader can pin down (0 = safe). Hidden
 * values the reader can work out become known on the way.
 */
static int attack_run(struct attack *a)
{
	int found = 0;
	bool changed = true;
	static int64_t m[AE_MAX][AV_MAX];

	while (changed) {
		changed = false;
		/* one equation with one unknown, or unknowns pinned at their lower bounds */
		for (int e = 0; e < a->ne; e++) {
			int unknown = 0, suppressed = 0, last = -1;
			int64_t rest = a->value[a->total[e]];
			for (int j = 0; j < a->nparts[e]; j++) {
				int v = a->parts[e][j];
				if (a->known[v]) {
					rest -= a->value[v];
				} else {
					unknown++;
					last = v;
					suppressed += !a->hidden[v];
				}
			}
			if (!a->known[a->total[e]]) {
				if (unknown == 0)
					last = a->total[e], unknown = 1;
				else
					continue;
			} else if (unknown > 0 && rest == suppressed) {
				for (int j = 0; j < a->nparts[e]; j++) {
					int v = a->parts[e][j];
					if (!a->known[v]) {
						found += !a->hidden[v];
						a->known[v] = true;
					}
				}
				changed = true;
				continue;
			}
			if (unknown == 1) {
				found += !a->hidden[last];
				a->known[last] = true;
				changed = true;
			}
		}
		if (changed)
			continue;
		/* Gaussian elimination modulo PRIME over the unknown columns */
		int col[AV_MAX], nc = 0, piv[AE_MAX], pr = 0;
		for (int v = 0; v < a->nv; v++)
			if (!a->known[v])
				col[nc++] = v;
		for (int e = 0; e < a->ne; e++) {
			for (int c = 0; c < nc; c++)
				m[e][c] = 0;
			for (int c = 0; c < nc; c++) {
				if (col[c] == a->total[e])
					m[e][c] = (m[e][c] + 1) % PRIME;
				for (int j = 0; j < a->nparts[e]; j++)
					if (col[c] == a->parts[e][j])
						m[e][c] = (m[e][c] + PRIME - 1) % PRIME;
			}
		}
		for (int c = 0; c < nc && pr < a->ne; c++) {
			int sel = -1;
			for (int e = pr; e < a->ne; e++)
				if (m[e][c]) {
					sel = e;
					break;
				}
			if (sel < 0)
				continue;
			for (int k = 0; k < nc; k++) {
				int64_t t = m[sel][k];
				m[sel][k] = m[pr][k];
				m[pr][k] = t;
			}
			int64_t inv = mpow(m[pr][c], PRIME - 2);
			for (int k = 0; k < nc; k++)
				m[pr][k] = m[pr][k] * inv % PRIME;
			for (int e = 0; e < a->ne; e++) {
				if (e == pr || m[e][c] == 0)
					continue;
				int64_t f = m[e][c];
				for (int k = 0; k < nc; k++)
					m[e][k] = ((m[e][k] - f * m[pr][k]) % PRIME + PRIME) % PRIME;
			}
			piv[pr++] = c;
		}
		for (int r = 0; r < pr; r++) {
			bool alone = true;
			for (int k = 0; k < nc && alone; k++)
				if (k != piv[r] && m[r][k] != 0)
					alone = false;
			if (alone) {
				int v = col[piv[r]];
				found += !a->hidden[v];
				a->known[v] = true;
				changed = true;
			}
		}
	}
	return found;
}

/* The suppressed cells of pub that a reader pins down (0 = safe). */
static int attack_report(const struct report *exact, const struct report *pub)
{
	static struct attack a;
	attack_build(&a, exact, pub);
	return attack_run(&a);
}

/* No relation of pub (seen through the attacker's list) has exactly one unknown. */
static bool one_unknown_anywhere(const struct report *exact, const struct report *pub)
{
	static struct attack a;
	attack_build(&a, exact, pub);
	for (int e = 0; e < a.ne; e++) {
		int unknown = !a.known[a.total[e]];
		for (int j = 0; j < a.nparts[e]; j++)
			unknown += !a.known[a.parts[e][j]];
		bool only_hidden = true;
		if (unknown == 1) {
			if (!a.known[a.total[e]] && !a.hidden[a.total[e]])
				only_hidden = false;
			for (int j = 0; j < a.nparts[e]; j++)
				if (!a.known[a.parts[e][j]] && !a.hidden[a.parts[e][j]])
					only_hidden = false;
			if (!only_hidden)
				return true;
		}
	}
	return false;
}

/* Every person count of pub is its exact value or suppressed, with the
 * primary rule applied: 1..k-1 suppressed, 0 published. Returns the number
 * of suppressed cells; fails the test on any other difference. */
static int check_cells(const struct report *x, const struct report *p, int k)
{
	static struct attack a, b;
	int n = 0;
	attack_build(&a, x, p);
	attack_build(&b, p, p); /* b.value = the published values */
	for (int v = 0; v < a.nv; v++) {
		if (a.hidden[v])
			continue;
		if (a.known[v]) {
			assert_true(b.value[v] == a.value[v]);
			assert_false(a.value[v] >= 1 && a.value[v] < k);
		} else {
			assert_true(a.value[v] >= 1); /* 0 is never suppressed */
			n++;
		}
	}
	/* everything else is exact */
	assert_memory_equal(&x->money, &p->money, sizeof x->money);
	assert_memory_equal(&x->decisions, &p->decisions, sizeof x->decisions);
	assert_memory_equal(x->placement_requests, p->placement_requests, sizeof x->placement_requests);
	assert_true(x->consultations == p->consultations);
	assert_memory_equal(&x->complementarity, &p->complementarity, sizeof x->complementarity);
	return n;
}

/* ------------------------------------------------------------------ suppression */

static void test_suppress_2025(void **state)
{
	struct report x, p;
	(void)state;

	report_2025(&x);
	p = x;
	assert_int_equal(report_suppress(&p, 5), 0);
	assert_int_equal(p.open_data_k, 5);
	/* primary: 1, 4, 3 of the primary row; 4 and 3 of the secondary row */
	assert_true(p.primary.n[BUCKET_TRANS_WOMEN] == REPORT_SUPPRESSED);
	assert_true(p.primary.n[BUCKET_GIRLS] == REPORT_SUPPRESSED);
	assert_true(p.primary.n[BUCKET_BOYS] == REPORT_SUPPRESSED);
	assert_true(p.secondary_children.n[BUCKET_BOYS] == REPORT_SUPPRESSED);
	assert_true(p.secondary_children.n[BUCKET_GIRLS] == REPORT_SUPPRESSED);
	/* secondary: adults (82) = women + men + trans women + Ua, and Ua = 0
	 * because primary.unknown = 0 is published; so the 1 trans woman could
	 * be recomputed unless one more adult bucket goes: the smallest, men */
	assert_true(p.primary.n[BUCKET_MEN] == REPORT_SUPPRESSED);
	assert_true(p.primary.n[BUCKET_WOMEN] == 48);
	assert_true(p.persons.total == 150);
	assert_true(p.children_elsewhere.n[BUCKET_UNKNOWN] == 24);
	assert_true(p.primary.n[BUCKET_UNKNOWN] == 0);
	assert_true(p.secondary_children.n[BUCKET_TRANS_MEN] == 0);
	/* the reflection row (6 women, 1 trans woman, total 7) and its referrals */
	assert_true(p.interventions[CODE_REFLECTION].n[BUCKET_TRANS_WOMEN] == REPORT_SUPPRESSED);
	assert_true(p.referrals_reflection[REF_SELF] == REPORT_SUPPRESSED);
	/* money is exact */
	assert_true(p.money.paid_ore == 311513300);

	check_cells(&x, &p, 5);
	assert_false(one_unknown_anywhere(&x, &p));
	assert_int_equal(attack_report(&x, &p), 0);

	/* The attacker is not blind: primary suppression alone leaks. */
	struct report naive = x;
	naive.primary.n[BUCKET_TRANS_WOMEN] = REPORT_SUPPRESSED;
	naive.secondary_children.n[BUCKET_BOYS] = REPORT_SUPPRESSED;
	naive.secondary_children.n[BUCKET_GIRLS] = REPORT_SUPPRESSED;
	assert_true(one_unknown_anywhere(&x, &naive));
	assert_true(attack_report(&x, &naive) >= 1);
	/* ... and so does hiding two cells whose total pins both at 1 */
	struct report pinned;
	report_init(&pinned, 2025);
	pinned.persons.total = pinned.persons.adults = 2;
	pinned.primary.n[BUCKET_WOMEN] = pinned.primary.n[BUCKET_MEN] = 1;
	pinned.primary.n[BUCKET_TOTAL] = 2;
	struct report pub = pinned;
	pub.primary.n[BUCKET_WOMEN] = pub.primary.n[BUCKET_MEN] = REPORT_SUPPRESSED;
	assert_false(one_unknown_anywhere(&pinned, &pub));
	assert_true(attack_report(&pinned, &pub) == 2);
	/* report_suppress does not stop there */
	pub = pinned;
	assert_int_equal(report_suppress(&pub, 2), 0);
	assert_true(pub.primary.n[BUCKET_TOTAL] == REPORT_SUPPRESSED);
	assert_true(pub.persons.total == REPORT_SUPPRESSED);
	assert_int_equal(attack_report(&pinned, &pub), 0);
}

static void test_suppress_refusals(void **state)
{
	struct report r, before;
	(void)state;

	report_2025(&r);
	before = r;
	assert_int_equal(report_suppress(&r, 0), -1);
	assert_int_equal(report_suppress(&r, -5), -1);
	assert_memory_equal(&r, &before, sizeof r);

	/* k = 1 withholds nothing */
	assert_int_equal(report_suppress(&r, 1), 0);
	assert_true(r.primary.n[BUCKET_TRANS_WOMEN] == 1);
	/* twice: refused, the figures are no longer exact */
	assert_int_equal(report_suppress(&r, 5), -1);

	/* an inconsistent report is never published */
	report_2025(&r);
	r.persons.adults = 81;
	before = r;
	assert_int_equal(report_suppress(&r, 5), -1);
	assert_memory_equal(&r, &before, sizeof r);

	/* all zero: nothing to hide */
	report_init(&r, 2030);
	assert_int_equal(report_suppress(&r, 5), 0);
	assert_true(r.persons.total == 0);
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n;
}

/* An exact report computed from a random population of n persons, so that
 * every relation holds by construction. */
static void random_report(struct report *r, int n)
{
	report_init(r, 2025);
	for (int i = 0; i < n; i++) {
		enum age_group age = rnd(3) == 0 ? AGE_CHILD : AGE_ADULT;
		/* genders skewed like the programme: mostly women and men */
		static const enum gender pick[] = { GENDER_FEMALE, GENDER_FEMALE, GENDER_MALE, GENDER_MALE,
						    GENDER_TRANS_FEMALE, GENDER_TRANS_MALE, GENDER_NON_BINARY,
						    GENDER_UNKNOWN };
		enum gender g = pick[rnd(8)];
		int cls = age == AGE_CHILD ? (int)rnd(3) : 0;
		struct report_row *row = cls == 0 ? &r->primary : cls == 1 ? &r->secondary_children
									   : &r->children_elsewhere;
		r->persons.total++;
		if (age == AGE_ADULT)
			r->persons.adults++;
		else
			r->persons.children++;
		report_row_add(row, g, age, 1);
		uint32_t mask = rnd(2) ? 0 : (rnd(3) ? 1u << rnd(EXPL__COUNT) : rnd(1u << EXPL__COUNT));
		int er = report_expl_row(mask);
		if (er >= 0)
			report_row_add(&r->exploitation[age][er], g, age, 1);
		for (int c = 0; c < CODE__COUNT; c++)
			if (rnd(4) == 0) {
				report_row_add(&r->interventions[c], g, age, 1);
				if (c == CODE_REFLECTION) {
					int src = (int)rnd(REF__COUNT + 1);
					if (src == REF__COUNT)
						r->referrals_not_recorded++;
					else
						r->referrals_reflection[src]++;
				}
			}
	}
	r->money.paid_by_code_ore[CODE_REFLECTION] = rnd(1000000);
	r->money.paid_ore = r->money.paid_by_code_ore[CODE_REFLECTION];
	r->complementarity.denials[ACTOR_POLICE][REASON_OTHER] = rnd(3);
	r->complementarity.by_basis[BASIS_PUBLIC_ACTOR_DENIED] = r->complementarity.denials[ACTOR_POLICE][REASON_OTHER];
}

static void test_suppress_random(void **state)
{
	static const int ks[] = { 2, 3, 5, 10, 40 };
	int trials = 0, suppressed = 0;
	(void)state;

	for (int t = 0; t < 600; t++) {
		struct report x, p;
		int k = ks[rnd(5)];
		random_report(&x, (int)rnd(t % 3 == 0 ? 8 : 60));
		assert_int_equal(report_check(&x, NULL, 0), 0);
		p = x;
		assert_int_equal(report_suppress(&p, k), 0);
		suppressed += check_cells(&x, &p, k);
		if (one_unknown_anywhere(&x, &p) || attack_report(&x, &p) != 0) {
			print_error("trial %d (k = %d) leaks a suppressed cell\n", t, k);
			fail();
		}
		trials++;
	}
	assert_int_equal(trials, 600);
	assert_true(suppressed > 1000); /* the trials did suppress something */
}


/* ------------------------------------------------------------------ labels and CSV */

/* The fixtures that between them reach every word of the exports: exact,
 * open data (its note, ".." in the charts) and without a budget (its note). */
enum { FX_EXACT, FX_OPEN, FX_NO_BUDGET, FX__COUNT };
static const char *const fx_tag[FX__COUNT] = { "exact", "open", "nobudget" };

static void fixture(struct report *r, int which)
{
	report_2025(r);
	if (which == FX_OPEN)
		assert_int_equal(report_suppress(r, 5), 0);
	if (which == FX_NO_BUDGET) {
		r->money.budget_set = false;
		r->money.budget_ore = 0;
	}
}

/* Characters of the UTF-8 string s (a sheet name's limit counts characters). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Every word of the exports has a Swedish and an English text: each
 * vocabulary value, and every key that laying out the tables looks up. */
static void test_labels_complete(void **state)
{
	const struct enum_def *defs[] = { &enum_bucket, &enum_code, &enum_exploitation, &enum_referral,
					  &enum_basis_kind, &enum_actor_kind, &enum_reason_category,
					  &enum_outcome, &enum_placement_outcome };
	struct report_tables *ts = malloc(sizeof *ts);
	struct report r;
	(void)state;
	assert_non_null(ts);
	for (int l = 0; l < LANG__COUNT; l++) {
		for (size_t d = 0; d < sizeof defs / sizeof defs[0]; d++)
			for (int v = 0; v < defs[d]->count; v++) {
				char key[128];
				if (report_label_of((enum lang)l, defs[d], v) == NULL)
					fail_msg("no %s label for %s.%s", i18n_code((enum lang)l), defs[d]->name,
						 enum_name(defs[d], v));
				/* the report's own word in one language is its own in the other too,
				 * not the interface's word by mistake */
				snprintf(key, sizeof key, "report.%s.%s", defs[d]->name, enum_name(defs[d], v));
				if ((report_label(LANG_SV, key) == NULL) != (report_label((enum lang)l, key) == NULL))
					fail_msg("%s is in one catalogue only", key);
			}
		for (int fx = 0; fx < FX__COUNT; fx++) {
			fixture(&r, fx);
			report_tables_build(&r, (enum lang)l, ts);
			if (ts->missing != 0)
				fail_msg("%d %s words missing (%s), see the log above", ts->missing,
					 i18n_code((enum lang)l), fx_tag[fx]);
			assert_int_equal(ts->lang, l);
			/* XLSX sheet names: at most 31 characters, none of []:*?/\, unique */
			for (int i = 0; i < ts->n; i++) {
				const char *sheet = ts->t[i].sheet;
				if (utf8_chars(sheet) > 31 || strpbrk(sheet, "[]:*?/\\") || sheet[0] == '\'')
					fail_msg("%s sheet name '%s' is not allowed", i18n_code((enum lang)l), sheet);
				for (int j = 0; j < i; j++)
					if (strcasecmp(sheet, ts->t[j].sheet) == 0)
						fail_msg("%s sheet name '%s' twice", i18n_code((enum lang)l), sheet);
			}
		}
	}
	free(ts);

	/* Shared with the interface where the words are the same, the report's
	 * own where the funder's report says it differently. */
	assert_string_equal(report_label_of(LANG_SV, &enum_code, CODE_REFLECTION_CHILD), "Barntillägg reflektionsperiod");
	assert_ptr_equal(report_label_of(LANG_SV, &enum_code, CODE_REFLECTION_CHILD), i18n(LANG_SV, "code.reflection_child"));
	assert_string_equal(report_label_of(LANG_SV, &enum_code, CODE_EXTENDED),
			    "Förlängd reflektionsperiod och fördjupad återhämtning");
	assert_string_equal(i18n(LANG_SV, "code.extended"), "Förlängd reflektionsperiod");
	assert_string_equal(report_label_of(LANG_EN, &enum_code, CODE_EXTENDED),
			    "Extended reflection period and in-depth recovery");
	assert_string_equal(report_label_of(LANG_SV, &enum_exploitation, EXPL_LABOUR), "Arbetskraftsexploatering");
	assert_string_equal(report_label_of(LANG_EN, &enum_exploitation, EXPL_LABOUR), "Labour exploitation");
	assert_string_equal(report_label(LANG_SV, "report.exploitation.multiple"), "Multipla ändamål");
	assert_string_equal(report_label(LANG_EN, "report.exploitation.multiple"), "Multiple purposes");
	assert_string_equal(report_label_of(LANG_SV, &enum_bucket, BUCKET_GIRLS), "Flickor");
	assert_string_equal(report_label_of(LANG_EN, &enum_bucket, BUCKET_GIRLS), "Girls");
	assert_string_equal(report_label_of(LANG_SV, &enum_reason_category, REASON_OTHER), "Annat skäl");
	assert_string_equal(report_label_of(LANG_EN, &enum_reason_category, REASON_OTHER), "Other reason");
	assert_null(report_label(LANG_SV, "no.such.key"));
	assert_null(report_label(LANG_EN, NULL));
	assert_null(report_label((enum lang)LANG__COUNT, "report.title"));
	assert_null(report_label_of(LANG_SV, &enum_code, CODE__COUNT));
	assert_null(report_label_of(LANG_EN, &enum_code, -1));
}

/* Parses one RFC 4180 field at s (what csv_write_field wrote); returns the
 * bytes consumed. */
static size_t csv_parse_field(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	if (n == 0 || s[0] != '"') {
		while (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
			buf_putc(out, s[i++]);
		return i;
	}
	for (i = 1; i < n; i++) {
		if (s[i] == '"') {
			if (i + 1 < n && s[i + 1] == '"') {
				buf_putc(out, '"');
				i++;
				continue;
			}
			return i + 1;
		}
		buf_putc(out, s[i]);
	}
	fail_msg("unterminated quoted field");
	return n;
}

static void csv_roundtrip(const char *in, size_t len, const char *want_written, const char *want_back)
{
	struct buf w = BUF_INIT, r = BUF_INIT;
	csv_write_field(&w, in, len);
	if (want_written)
		assert_string_equal(buf_str(&w), want_written);
	size_t used = csv_parse_field(w.data ? w.data : "", w.len, &r);
	assert_int_equal(used, w.len);
	assert_int_equal(r.len, strlen(want_back));
	assert_memory_equal(r.data ? r.data : "", want_back, strlen(want_back));
	buf_release(&w);
	buf_release(&r);
}

static void test_csv_field(void **state)
{
	(void)state;
	csv_roundtrip("Kvinnor", 7, "Kvinnor", "Kvinnor");
	csv_roundtrip("", 0, "", "");
	csv_roundtrip("a,b", 3, "\"a,b\"", "a,b");
	csv_roundtrip("say \"hi\"", 8, "\"say \"\"hi\"\"\"", "say \"hi\"");
	csv_roundtrip("two\r\nlines", 10, "\"two\r\nlines\"", "two\r\nlines");
	csv_roundtrip(" padded ", 8, "\" padded \"", " padded ");
	/* formulas are neutralised with a leading apostrophe */
	csv_roundtrip("=1+2", 4, "'=1+2", "'=1+2");
	csv_roundtrip("@SUM(A1)", 8, "'@SUM(A1)", "'@SUM(A1)");
	csv_roundtrip("-3,\"x\"", 6, "\"'-3,\"\"x\"\"\"", "'-3,\"x\"");
	/* an embedded NUL is kept, inside quotes */
	struct buf w = BUF_INIT;
	csv_write_field(&w, "a\0b", 3);
	assert_int_equal(w.len, 5);
	assert_memory_equal(w.data, "\"a\0b\"", 5);
	buf_release(&w);

	/* records: comma separated, CRLF terminated */
	struct buf b = BUF_INIT;
	struct csv c;
	csv_init(&c, &b);
	csv_text(&c, "x,y");
	csv_raw(&c, "12");
	csv_raw(&c, "..");
	csv_end(&c);
	csv_end(&c);
	assert_string_equal(buf_str(&b), "\"x,y\",12,..\r\n\r\n");
	buf_release(&b);
}

/* ------------------------------------------------------------------ exports */

static char tmpdir[256];

static void make_tmpdir(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof tmpdir, "%s/nsp-test-report-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* Runs script with python3 on path and arg; its exit status must be 0. */
static void python_check(const char *script, const char *path, const char *arg)
{
	char cmd[2048], py[600];
	FILE *f;

	snprintf(py, sizeof py, "%s/check.py", tmpdir);
	f = fopen(py, "w");
	assert_non_null(f);
	assert_true(fputs(script, f) >= 0);
	assert_int_equal(fclose(f), 0);
	int n = snprintf(cmd, sizeof cmd, "python3 '%s' '%s' '%s'", py, path, arg);
	assert_true(n > 0 && (size_t)n < sizeof cmd);
	if (system(cmd) != 0) {
		print_error("python check failed on %s\n", path);
		fail();
	}
}

/* Writes r in every form and checks each one opens and holds r's figures. */
static void check_exports(const struct report *r, const char *tag)
{
	char err[256], path[512];
	struct buf b = BUF_INIT;

	make_tmpdir();

	/* JSON: api.md's shape, null for suppressed */
	assert_int_equal(report_write_buf(r, REPORT_JSON, LANG_SV, &b, err, sizeof err), 0);
	json_error_t jerr;
	json_t *j = json_loads(buf_str(&b), 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "year")), r->year);
	json_t *persons = json_object_get(j, "persons");
	if (r->persons.total == REPORT_SUPPRESSED)
		assert_true(json_is_null(json_object_get(persons, "total")));
	else
		assert_int_equal(json_integer_value(json_object_get(persons, "total")), r->persons.total);
	static const char *const top[] = { "primary", "secondary_children", "children_elsewhere" };
	for (int i = 0; i < 3; i++) {
		json_t *o = json_object_get(j, top[i]);
		assert_true(json_is_object(o));
		assert_int_equal(json_object_size(o), BUCKET__COUNT);
		for (int bk = 0; bk < BUCKET__COUNT; bk++)
			assert_non_null(json_object_get(o, enum_name(&enum_bucket, bk)));
	}
	json_t *iv = json_object_get(j, "interventions");
	assert_int_equal(json_object_size(iv), CODE__COUNT);
	for (int c = 0; c < CODE__COUNT; c++) {
		json_t *row = json_object_get(iv, enum_name(&enum_code, c));
		assert_non_null(row);
		int64_t want = r->interventions[c].n[BUCKET_TOTAL];
		json_t *tot = json_object_get(row, "total");
		if (want == REPORT_SUPPRESSED)
			assert_true(json_is_null(tot));
		else
			assert_int_equal(json_integer_value(tot), want);
	}
	json_t *ex = json_object_get(json_object_get(j, "exploitation"), "adults");
	assert_int_equal(json_object_size(ex), REPORT_EXPL_ROWS);
	assert_non_null(json_object_get(ex, "multiple"));
	assert_int_equal(json_object_size(json_object_get(json_object_get(j, "referrals"), "reflection")),
			 REF__COUNT);
	json_t *money = json_object_get(j, "money");
	assert_int_equal(json_integer_value(json_object_get(money, "paid_ore")), r->money.paid_ore);
	assert_int_equal(json_object_size(json_object_get(money, "paid_by_intervention_ore")), CODE__COUNT);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "decisions"), "granted")),
			 r->decisions.by_outcome[OUTCOME_GRANTED]);
	assert_non_null(json_object_get(json_object_get(j, "placement_requests"), "no_place_available"));
	assert_int_equal(json_integer_value(json_object_get(j, "consultations")), r->consultations);
	json_t *den = json_object_get(json_object_get(j, "complementarity"), "denials");
	assert_int_equal(json_object_size(den), ACTOR__COUNT);
	assert_int_equal(json_object_size(json_object_get(den, "social_services")), REASON__COUNT);
	assert_true(json_is_boolean(json_object_get(j, "open_data")));
	/* persons in contact with the platform: three rows of buckets (issue 19) */
	json_t *ct = json_object_get(j, "contacts");
	static const char *const crow[] = { "contacts", "distinct_persons", "entered_programme" };
	const struct report_row *want_rows[] = { &r->contacts.contacts, &r->contacts.distinct, &r->contacts.entered };
	assert_int_equal(json_object_size(ct), 3);
	for (int i = 0; i < 3; i++) {
		json_t *o = json_object_get(ct, crow[i]);
		assert_int_equal(json_object_size(o), BUCKET__COUNT);
		for (int bk = 0; bk < BUCKET__COUNT; bk++) {
			json_t *v = json_object_get(o, enum_name(&enum_bucket, bk));
			if (want_rows[i]->n[bk] == REPORT_SUPPRESSED)
				assert_true(json_is_null(v));
			else
				assert_int_equal(json_integer_value(v), want_rows[i]->n[bk]);
		}
	}
	json_decref(j);
	buf_reset(&b);

	/* CSV: BOM, Swedish headings, CRLF records */
	assert_int_equal(report_write_buf(r, REPORT_CSV, LANG_SV, &b, err, sizeof err), 0);
	assert_memory_equal(b.data, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(b.data, "Primära stödmottagare\r\n"));
	assert_non_null(strstr(b.data, "Barntillägg reflektionsperiod,"));
	assert_non_null(strstr(b.data, "\r\nMultipla ändamål,"));
	snprintf(path, sizeof path, "%s/%s.csv", tmpdir, tag);
	write_file(path, &b);
	python_check("import csv,sys\n"
		     "rows=list(csv.reader(open(sys.argv[1],encoding=\"utf-8-sig\",newline=\"\")))\n"
		     "assert rows[0][0].startswith(\"Nationella Stödprogrammet\")\n"
		     "assert any(r[:1]==[\"Insats\"] and r[-1]==\"Totalt\" for r in rows)\n",
		     path, "");
	buf_reset(&b);

	/* Markdown */
	assert_int_equal(report_write_buf(r, REPORT_MD, LANG_SV, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "# Nationella Stödprogrammet – Årsrapport"));
	assert_non_null(strstr(b.data, "## Primära stödmottagare\n\n| Kön | Antal |\n|---|---:|\n"));
	assert_non_null(strstr(b.data, "| Reflektionsperiod |"));
	buf_reset(&b);

	/* HTML: standalone, with SVG charts that are well-formed XML */
	assert_int_equal(report_write_buf(r, REPORT_HTML, LANG_SV, &b, err, sizeof err), 0);
	assert_true(strncmp(b.data, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(b.data, "<svg"));
	assert_non_null(strstr(b.data, "<pattern id=\"c0-b0\""));
	assert_non_null(strstr(b.data, "<h2>Antal personer, könsuppdelat, som erhållit respektive insatstyp</h2>"));
	assert_null(strstr(b.data, "<script"));
	snprintf(path, sizeof path, "%s/%s.html", tmpdir, tag);
	write_file(path, &b);
	python_check("import re,sys,xml.etree.ElementTree as E\n"
		     "t=open(sys.argv[1],encoding=\"utf-8\").read()\n"
		     "s=re.findall(r\"<svg.*?</svg>\",t,re.S)\n"
		     "assert len(s)==4, len(s)\n"
		     "[E.fromstring(x) for x in s]\n"
		     "import html.parser\n"
		     "html.parser.HTMLParser().feed(t)\n",
		     path, "");
	buf_reset(&b);

	/* XLSX: a zip with one sheet per table, numbers as numbers */
	assert_int_equal(report_write_buf(r, REPORT_XLSX, LANG_SV, &b, err, sizeof err), 0);
	assert_memory_equal(b.data, "PK", 2);
	snprintf(path, sizeof path, "%s/%s.xlsx", tmpdir, tag);
	write_file(path, &b);
	char total[32];
	snprintf(total, sizeof total, "%lld", (long long)r->persons.total);
	python_check("import zipfile,sys,re\n"
		     "z=zipfile.ZipFile(sys.argv[1])\n"
		     "assert z.testzip() is None\n"
		     "wb=z.read('xl/workbook.xml').decode()\n"
		     "assert wb.count('<sheet ')==16, wb.count('<sheet ')\n"
		     "assert 'Insatser' in wb and 'Ekonomi' in wb\n"
		     "s1=z.read('xl/worksheets/sheet1.xml').decode()\n"
		     "m=re.search(r'<c r=\"B5\"( s=\"[0-9]+\")?( t=\"s\")?><v>([0-9]+)</v>', s1)\n"
		     "assert m, s1\n"
		     "if sys.argv[2]=='-1':\n"
		     "    assert m.group(2)\n"
		     "else:\n"
		     "    assert not m.group(2) and m.group(3)==sys.argv[2], (m.group(0), sys.argv[2])\n",
		     path, total);
	buf_reset(&b);

	/* the FILE* form writes the same bytes */
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(report_write(r, REPORT_MD, LANG_SV, f, err, sizeof err), 0);
	long size = ftell(f);
	assert_int_equal(report_write_buf(r, REPORT_MD, LANG_SV, &b, err, sizeof err), 0);
	assert_int_equal((size_t)size, b.len);
	fclose(f);

	buf_release(&b);
}

static void test_exports_exact(void **state)
{
	struct report r;
	char err[256];
	struct buf b = BUF_INIT;
	(void)state;

	report_2025(&r);
	check_exports(&r, "exact");

	/* money in the reading forms as "3 115 133 kr", in CSV as kronor */
	assert_int_equal(report_write_buf(&r, REPORT_MD, LANG_SV, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "| Utbetalt under året | 3 115 133 kr |"));
	assert_non_null(strstr(b.data, "| Beviljat (åtaganden för årets beslut) | 3 300 000,50 kr |"));
	assert_non_null(strstr(b.data, "Exakta uppgifter"));
	buf_reset(&b);
	assert_int_equal(report_write_buf(&r, REPORT_CSV, LANG_SV, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "Utbetalt under året,3115133\r\n"));
	assert_non_null(strstr(b.data, "Beviljat (åtaganden för årets beslut),3300000.50\r\n"));
	buf_reset(&b);
	assert_int_equal(report_write_buf(&r, REPORT_HTML, LANG_SV, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "<td>3\xC2\xA0" "115\xC2\xA0" "133\xC2\xA0kr</td>"));
	buf_reset(&b);

	/* no budget: shown as missing, not as 0 kr */
	r.money.budget_set = false;
	r.money.budget_ore = 0;
	assert_int_equal(report_write_buf(&r, REPORT_MD, LANG_SV, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "| Budget | – |"));
	assert_non_null(strstr(b.data, "Ingen budget är fastställd"));
	buf_reset(&b);

	/* unknown format */
	assert_int_equal(report_write_buf(&r, (enum report_format)42, LANG_SV, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "Unknown report format"));
	assert_int_equal(report_format_parse("xlsx"), REPORT_XLSX);
	assert_int_equal(report_format_parse("pdf"), -1);
	assert_int_equal(report_format_parse(NULL), -1);
	assert_string_equal(report_format_content_type(REPORT_CSV), "text/csv; charset=utf-8");
	buf_release(&b);
}

static void test_exports_open_data(void **state)
{
	struct report r;
	char err[256];
	struct buf b = BUF_INIT;
	(void)state;

	report_2025(&r);
	assert_int_equal(report_suppress(&r, 5), 0);
	check_exports(&r, "open");

	assert_int_equal(report_write_buf(&r, REPORT_JSON, LANG_SV, &b, err, sizeof err), 0);
	json_t *j = json_loads(buf_str(&b), 0, NULL);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(json_object_get(j, "primary"), "trans_women")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "primary"), "women")), 48);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "primary"), "unknown")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "k")), 5);
	assert_true(json_is_true(json_object_get(j, "open_data")));
	json_decref(j);
	buf_reset(&b);

	assert_int_equal(report_write_buf(&r, REPORT_MD, LANG_SV, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "| Transkvinnor | .. |"));
	assert_non_null(strstr(b.data, "Öppna data"));
	buf_reset(&b);
	assert_int_equal(report_write_buf(&r, REPORT_HTML, LANG_SV, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, ".. (redovisas inte)")); /* in a chart, no bar */
	buf_release(&b);
}

/* ------------------------------------------------------------------ languages */

/*
 * The Swedish exports of the fixtures as the code wrote them before the
 * report's words moved into the i18n catalogues (tests/unit/golden/,
 * written once by that code and never regenerated: a past report must read
 * the same forever). XLSX as the text of every part of the workbook but
 * docProps/core.xml, which holds the time of writing. Paths are relative
 * to the source tree's root, where make unit runs the tests.
 */
#define GOLDEN_DIR "tests/unit/golden"

static const char xlsx_golden_py[] =
	"import sys, zipfile\n"
	"z = zipfile.ZipFile(sys.argv[1])\n"
	"got = ''.join('== ' + n + '\\n' + z.read(n).decode('utf-8') + '\\n'\n"
	"              for n in z.namelist() if n != 'docProps/core.xml').encode('utf-8')\n"
	"want = open(sys.argv[2], 'rb').read()\n"
	"if got != want:\n"
	"    i = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))\n"
	"    sys.exit('%s differs from %s at byte %d: %r / %r' % (sys.argv[1], sys.argv[2], i, got[i-40:i+40], want[i-40:i+40]))\n";

static void read_file(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot read %s (the unit tests run from the source tree's root)", path);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	assert_false(ferror(f));
	fclose(f);
}

static void test_exports_swedish_unchanged(void **state)
{
	static const enum report_format forms[] = { REPORT_CSV, REPORT_MD, REPORT_HTML, REPORT_XLSX };
	struct report r;
	char err[256], golden[512], path[512];
	struct buf got = BUF_INIT, want = BUF_INIT;
	(void)state;

	make_tmpdir();
	for (int fx = 0; fx < FX__COUNT; fx++) {
		fixture(&r, fx);
		for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
			enum report_format f = forms[i];
			if (fx == FX_NO_BUDGET && f != REPORT_MD)
				continue; /* the other forms render the same tables: one is enough */
			snprintf(golden, sizeof golden, GOLDEN_DIR "/report-2025-%s.%s%s", fx_tag[fx],
				 report_format_extension(f), f == REPORT_XLSX ? ".txt" : "");
			snprintf(path, sizeof path, "%s/now-%s.%s", tmpdir, fx_tag[fx], report_format_extension(f));
			assert_int_equal(report_write_buf(&r, f, LANG_SV, &got, err, sizeof err), 0);
			write_file(path, &got);
			if (f == REPORT_XLSX) {
				python_check(xlsx_golden_py, path, golden);
			} else {
				read_file(golden, &want);
				if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
					fail_msg("%s is not %s any more (cmp them)", path, golden);
			}
			buf_reset(&got);
			buf_reset(&want);
		}
	}
	buf_release(&got);
	buf_release(&want);
}

/* 1 when s holds å, ä or ö (either case): a Swedish word left in English. */
static int has_swedish_letter(const char *s)
{
	static const char *const letters[] = { "å", "ä", "ö", "Å", "Ä", "Ö" };
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (strstr(s, letters[i]))
			return 1;
	return 0;
}

static void assert_english(const char *s)
{
	if (has_swedish_letter(s))
		fail_msg("a Swedish word in English: %.200s", s);
}

/* The English tables: the same layout and figures as the Swedish ones, other words. */
static void check_tables_english(const struct report *r)
{
	struct report_tables *sv = malloc(sizeof *sv), *en = malloc(sizeof *en);
	assert_non_null(sv);
	assert_non_null(en);
	report_tables_build(r, LANG_SV, sv);
	report_tables_build(r, LANG_EN, en);
	assert_int_equal(en->missing, 0);
	assert_int_equal(en->lang, LANG_EN);
	assert_int_equal(en->n, sv->n);
	assert_int_equal(en->open_data, sv->open_data);
	assert_english(en->title);
	assert_english(en->note);
	assert_english(en->chart_none);
	assert_english(en->chart_suppressed);
	for (int i = 0; i < en->n; i++) {
		const struct rtable *a = &en->t[i], *b = &sv->t[i];
		assert_string_equal(a->key, b->key);
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->ncols, b->ncols);
		assert_int_equal(a->nrows, b->nrows);
		assert_memory_equal(a->col_bucket, b->col_bucket, sizeof a->col_bucket);
		assert_true(strcmp(a->title, b->title) != 0);
		assert_true(strcmp(a->sheet, b->sheet) != 0);
		assert_english(a->title);
		assert_english(a->sheet);
		assert_english(a->corner);
		if (a->note)
			assert_english(a->note);
		if (a->chart)
			assert_english(a->chart);
		for (int c = 0; c < a->ncols; c++)
			assert_english(a->cols[c]);
		for (int rr = 0; rr < a->nrows; rr++) {
			assert_english(a->rows[rr].label);
			assert_memory_equal(a->rows[rr].v, b->rows[rr].v, sizeof a->rows[rr].v);
		}
	}
	free(sv);
	free(en);
}

/* The figure cells of two CSV exports are the same, the words English. */
static const char csv_figures_py[] =
	"import csv, re, sys\n"
	"def rows(p): return list(csv.reader(open(p, encoding='utf-8-sig', newline='')))\n"
	"en, sv = rows(sys.argv[1]), rows(sys.argv[2])\n"
	"assert en[0][0] == 'National Support Programme \\u2013 Annual report 2025', en[0]\n"
	"assert len(en) == len(sv), (len(en), len(sv))\n"
	"fig = lambda c: re.fullmatch(r'-?[0-9]+(\\.[0-9][0-9])?|\\.\\.|', c) is not None\n"
	"n = 0\n"
	"for a, b in zip(en, sv):\n"
	"    assert len(a) == len(b), (a, b)\n"
	"    for x, y in zip(a[1:], b[1:]):\n"
	"        if fig(y):\n"
	"            assert x == y, (a, b)\n"
	"            n += 1\n"
	"        else:\n"
	"            assert not fig(x), (a, b)\n"
	"assert n > 150, n\n"
	"assert any(r[:1] == ['Intervention'] and r[-1] == 'Total' for r in en)\n";

/* The figures of two HTML exports are the same: table cells, bars and their labels. */
static const char html_figures_py[] =
	"import re, sys\n"
	"en, sv = (open(p, encoding='utf-8').read() for p in sys.argv[1:3])\n"
	"for pat in (r'<td>(.*?)</td>', r'<rect [^>]*>', r'<text x=\"\\d+\" y=\"\\d+\">([0-9.]+)</text>'):\n"
	"    a, b = re.findall(pat, en), re.findall(pat, sv)\n"
	"    assert a == b and a, pat\n"
	"import html.parser\n"
	"html.parser.HTMLParser().feed(en)\n";

/* The same cells in every sheet of two XLSX exports, the same figures, English names and words. */
static const char xlsx_figures_py[] =
	"import re, sys, zipfile\n"
	"def cells(p):\n"
	"    z = zipfile.ZipFile(p)\n"
	"    return z, {n: [(m.group(1), m.group(2), None if m.group(2) else m.group(3)) for m in\n"
	"                   re.finditer(r'<c r=\"([A-Z]+[0-9]+)\"(?: s=\"[0-9]+\")?( t=\"s\")?><v>([^<]*)</v>',\n"
	"                               z.read(n).decode())]\n"
	"               for n in z.namelist() if n.startswith('xl/worksheets/')}\n"
	"ze, en = cells(sys.argv[1])\n"
	"zs, sv = cells(sys.argv[2])\n"
	"assert en == sv\n"
	"assert sum(1 for v in en.values() for c in v if not c[1]) > 150\n"
	"wb = ze.read('xl/workbook.xml').decode()\n"
	"assert wb.count('<sheet ') == 16 and 'name=\"Primary recipients\"' in wb and 'name=\"Money\"' in wb, wb\n"
	"ss = ze.read('xl/sharedStrings.xml').decode()\n"
	"assert 'Multiple purposes' in ss and not any(c in ss + wb for c in '\\u00e5\\u00e4\\u00f6\\u00c5\\u00c4\\u00d6'), ss\n";

static void test_exports_english(void **state)
{
	static const enum report_format forms[] = { REPORT_CSV, REPORT_MD, REPORT_HTML, REPORT_XLSX };
	struct report r;
	char err[256], en_path[512], sv_path[512];
	struct buf b = BUF_INIT;
	(void)state;

	make_tmpdir();
	for (int fx = 0; fx < FX__COUNT; fx++) {
		fixture(&r, fx);
		check_tables_english(&r);
		for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
			enum report_format f = forms[i];
			for (int l = 0; l < LANG__COUNT; l++) {
				char *p = l == LANG_EN ? en_path : sv_path;
				snprintf(p, 512, "%s/%s-%s.%s", tmpdir, i18n_code((enum lang)l), fx_tag[fx],
					 report_format_extension(f));
				assert_int_equal(report_write_buf(&r, f, (enum lang)l, &b, err, sizeof err), 0);
				write_file(p, &b);
				if (l == LANG_EN && f != REPORT_XLSX)
					assert_english(buf_str(&b));
				if (l == LANG_EN && f == REPORT_MD) {
					assert_non_null(strstr(b.data, "# National Support Programme – Annual report 2025\n\n"));
					assert_non_null(strstr(b.data, "## Primary recipients\n\n| Gender | Number |\n|---|---:|\n"));
					assert_non_null(strstr(b.data, "| Child supplement, reflection period |"));
					assert_non_null(strstr(b.data, "| Multiple purposes |"));
					/* money reads as in Swedish: the figures are the same in every language */
					assert_non_null(strstr(b.data, "| Paid in the year | 3 115 133 kr |"));
					assert_non_null(strstr(b.data, fx == FX_OPEN ? "\n\nOpen data: " : "\n\nExact figures"));
					if (fx == FX_OPEN)
						assert_non_null(strstr(b.data, "| Trans women | .. |"));
					if (fx == FX_NO_BUDGET)
						assert_non_null(strstr(b.data, "| Budget | – |\n| Granted"));
				}
				if (l == LANG_EN && f == REPORT_HTML) {
					assert_true(strncmp(b.data, "<!DOCTYPE html>\n<html lang=\"en\">\n", 33) == 0);
					assert_non_null(strstr(b.data, "<h2>Number of persons, by gender, who received each "
									"type of intervention</h2>"));
					assert_non_null(strstr(b.data, "<figcaption>Persons per type of intervention and "
									"gender</figcaption>"));
					assert_non_null(strstr(b.data, fx == FX_OPEN ? ".. (not shown)" : "No persons"));
				}
				buf_reset(&b);
			}
			if (f == REPORT_CSV)
				python_check(csv_figures_py, en_path, sv_path);
			else if (f == REPORT_HTML)
				python_check(html_figures_py, en_path, sv_path);
			else if (f == REPORT_XLSX)
				python_check(xlsx_figures_py, en_path, sv_path);
		}
	}

	/* JSON has names, not words: the same bytes in both languages */
	struct buf j = BUF_INIT;
	fixture(&r, FX_EXACT);
	assert_int_equal(report_write_buf(&r, REPORT_JSON, LANG_SV, &b, err, sizeof err), 0);
	assert_int_equal(report_write_buf(&r, REPORT_JSON, LANG_EN, &j, err, sizeof err), 0);
	assert_int_equal(b.len, j.len);
	assert_memory_equal(b.data, j.data, b.len);
	buf_release(&j);

	/* the FILE* form too */
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(report_write(&r, REPORT_MD, LANG_EN, f, err, sizeof err), 0);
	rewind(f);
	char head[64] = "";
	assert_non_null(fgets(head, sizeof head, f));
	assert_string_equal(head, "# National Support Programme – Annual report 2025\n");
	fclose(f);

	/* a language that is not there */
	buf_reset(&b);
	assert_int_equal(report_write_buf(&r, REPORT_MD, (enum lang)LANG__COUNT, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "Unknown language"));
	buf_release(&b);
}

/* ------------------------------------------------------------------ the loader */

struct fixture {
	struct db *db;
	char path[600];
	int64_t org;
};

static day_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

static int64_t person(struct fixture *fx, enum gender g, enum age_group age, uint32_t expl, int referral,
		      int64_t parent, enum child_role role)
{
	struct db_person_new p = {
		.organisation_id = fx->org, .gender = g, .age_group = age, .exploitation = expl,
		.referral_source = referral, .legal_status = -1, .parent_id = parent, .child_role = role,
		.code_year = 2025,
	};
	int64_t id = 0;
	assert_int_equal(db_person_create(fx->db, 0, &p, &id, NULL), DB_OK);
	return id;
}

struct dec {
	enum app_type type;
	day_t submitted, decided, from, to;
	enum outcome outcome;
	bool emergency;
	int basis;                 /* enum basis_kind */
	int actor_kind, reason;    /* -1 = not given */
	const int64_t *children;
	size_t n_children;
	struct decision_line lines[DECISION_MAX_LINES];
	size_t n_lines;
};

/* Applies and decides through the store; returns the decision id. */
static int64_t decide(struct fixture *fx, int64_t person_id, const struct dec *d)
{
	struct application a = {
		.person_id = person_id, .organisation_id = fx->org, .type = d->type,
		.submitted_on = d->submitted, .from = d->from, .to = d->to, .units = 1,
		.category = POINT_INTERPRETER,
		.basis = { .kind = (enum basis_kind)d->basis, .present = 1, .actor = "x", .reason = "y",
			   .actor_kind = d->actor_kind, .reason_category = d->reason },
		.identified = true, .needs_assessment = "behov", .plan = "plan", .evaluation = "utv",
		.children = d->children, .n_children = d->n_children,
	};
	int64_t app = 0, id = 0;
	assert_int_equal(db_application_create(fx->db, 0, &a, &app), DB_OK);
	struct db_decision_new n = {
		.application_id = app, .outcome = d->outcome, .decided_on = d->decided,
		.from = d->from, .to = d->to, .units = app_type_is_point(d->type) ? 1 : 0,
		.emergency = d->emergency, .reason = "", .lines = d->lines, .n_lines = d->n_lines,
	};
	assert_int_equal(db_decision_record(fx->db, 0, &n, &id), DB_OK);
	return id;
}

static int64_t admit(struct fixture *fx, int64_t p, day_t on, enum outcome o)
{
	struct dec d = { .type = APP_ADMISSION, .submitted = on, .decided = on, .from = DAY_NONE,
			 .to = DAY_NONE, .outcome = o, .basis = BASIS_NO_DESIGNATED_ACTOR,
			 .actor_kind = -1, .reason = -1 };
	return decide(fx, p, &d);
}

/* A payment by amount, split over the decision's lines as the service splits it. */
static void pay(struct fixture *fx, int64_t decision, int64_t ore, day_t on)
{
	struct payment_line lines[DECISION_MAX_LINES];
	struct db_decision d;
	int64_t id;
	int n;

	assert_int_equal(db_decision_get(fx->db, decision, &d), DB_OK);
	n = payment_split(d.lines, d.n_lines, ore, lines);
	db_decision_free(&d);
	assert_true(n > 0);
	assert_int_equal(db_payment_record(fx->db, 0, decision, ore, on, "ref", lines, (size_t)n, &id), DB_OK);
}

static int setup_db(void **state)
{
	static struct fixture fx;
	unsigned char key[DB_KEY_BYTES] = { 1, 2, 3 };
	char err[DB_ERR_MAX];

	memset(&fx, 0, sizeof fx);
	make_tmpdir();
	snprintf(fx.path, sizeof fx.path, "%s/report.db", tmpdir);
	unlink(fx.path);
	if (db_open(&fx.db, fx.path, DB_CREATE, err, sizeof err) != 0) {
		print_error("%s\n", err);
		return -1;
	}
	if (db_set_keys(fx.db, key) != 0)
		return -1;
	if (db_org_create(fx.db, 0, "Skyddat boende", ORG_PROTECTED_HOUSING, 1u << REGION_STOCKHOLM, "",
			  &fx.org) != 0)
		return -1;
	*state = &fx;
	return 0;
}

static int teardown_db(void **state)
{
	struct fixture *fx = *state;
	char p[700];
	db_close(fx->db);
	unlink(fx->path);
	snprintf(p, sizeof p, "%s-wal", fx->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", fx->path);
	unlink(p);
	return 0;
}

/*
 * One constructed programme year (2025) with its neighbours; the expected
 * figures are worked out by hand in the comments.
 */
static void test_load_year(void **state)
{
	struct fixture *fx = *state;
	struct report r;
	const int64_t R = 132000, C = 50000; /* 2025 rates per day: 1 320 kr, 500 kr */

	/* A: woman, sexual exploitation, via a regional coordinator; admitted,
	 * then an emergency reflection period Feb 1 – Mar 2 with her secondary
	 * daughter named (child supplement). Her children: S1 (secondary girl),
	 * S2 (secondary, non-binary -> unknown), E1 (boy elsewhere), P1
	 * (primary boy, other crime) with his own admission and point intervention. */
	int64_t A = person(fx, GENDER_FEMALE, AGE_ADULT, 1u << EXPL_SEXUAL, REF_REGIONAL_COORDINATOR, 0,
			   CHILD_ROLE_NONE);
	int64_t S1 = person(fx, GENDER_FEMALE, AGE_CHILD, 0, -1, A, CHILD_SECONDARY);
	int64_t S2 = person(fx, GENDER_NON_BINARY, AGE_CHILD, 0, -1, A, CHILD_SECONDARY);
	(void)S2;
	person(fx, GENDER_MALE, AGE_CHILD, 0, -1, A, CHILD_ELSEWHERE);
	int64_t P1 = person(fx, GENDER_MALE, AGE_CHILD, 1u << EXPL_OTHER_CRIME, -1, A, CHILD_PRIMARY);
	admit(fx, A, D(2025, 1, 10), OUTCOME_GRANTED);
	struct dec refl = { .type = APP_REFLECTION, .submitted = D(2025, 1, 30), .decided = D(2025, 1, 31),
			    .from = D(2025, 2, 1), .to = D(2025, 3, 2), .outcome = OUTCOME_GRANTED,
			    .emergency = true, .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1,
			    .reason = -1, .children = &S1, .n_children = 1,
			    .lines = { { CODE_REFLECTION, A, 30, 30 * R }, { CODE_REFLECTION_CHILD, A, 30, 30 * C } },
			    .n_lines = 2 };
	int64_t a_refl = decide(fx, A, &refl);
	pay(fx, a_refl, 5000000, D(2025, 3, 10));
	admit(fx, P1, D(2025, 1, 15), OUTCOME_GRANTED);
	struct dec pc = { .type = APP_POINT_CHILD, .submitted = D(2025, 3, 30), .decided = D(2025, 4, 1),
			  .from = DAY_NONE, .to = DAY_NONE, .outcome = OUTCOME_GRANTED,
			  .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1, .reason = -1,
			  .lines = { { CODE_POINT_CHILD, P1, 1, 100000 } }, .n_lines = 1 };
	pay(fx, decide(fx, P1, &pc), 100000, D(2025, 4, 10));

	/* B: man, labour + forced criminality (multiple), came himself;
	 * reflection Dec 15 2025 – Jan 13 2026, decided in 2025, paid in 2026. */
	int64_t B = person(fx, GENDER_MALE, AGE_ADULT, (1u << EXPL_LABOUR) | (1u << EXPL_FORCED_CRIMINALITY),
			   REF_SELF, 0, CHILD_ROLE_NONE);
	admit(fx, B, D(2025, 5, 1), OUTCOME_GRANTED);
	struct dec brefl = { .type = APP_REFLECTION, .submitted = D(2025, 12, 10), .decided = D(2025, 12, 14),
			     .from = D(2025, 12, 15), .to = D(2026, 1, 13), .outcome = OUTCOME_GRANTED,
			     .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1, .reason = -1,
			     .lines = { { CODE_REFLECTION, B, 30, 30 * R } }, .n_lines = 1 };
	pay(fx, decide(fx, B, &brefl), 30 * R, D(2026, 1, 20));

	/* C: trans woman, sexual + labour; admission denied: social services
	 * refused her for lacking a personal identity number. Covered (R2). */
	int64_t Cp = person(fx, GENDER_TRANS_FEMALE, AGE_ADULT, (1u << EXPL_SEXUAL) | (1u << EXPL_LABOUR), -1,
			    0, CHILD_ROLE_NONE);
	struct dec cden = { .type = APP_ADMISSION, .submitted = D(2025, 5, 30), .decided = D(2025, 6, 1),
			    .from = DAY_NONE, .to = DAY_NONE, .outcome = OUTCOME_DENIED,
			    .basis = BASIS_PUBLIC_ACTOR_DENIED, .actor_kind = ACTOR_SOCIAL_SERVICES,
			    .reason = REASON_LACKS_PERSONAL_NUMBER };
	decide(fx, Cp, &cden);

	/* Dp: unknown gender, police; admitted in 2024, integration support
	 * Dec 1 2024 – Jan 14 2025 (45 days), partly paid in January 2025. */
	int64_t Dp = person(fx, GENDER_UNKNOWN, AGE_ADULT, 0, REF_POLICE, 0, CHILD_ROLE_NONE);
	struct dec dadm = { .type = APP_ADMISSION, .submitted = D(2024, 10, 30), .decided = D(2024, 11, 1),
			    .from = DAY_NONE, .to = DAY_NONE, .outcome = OUTCOME_GRANTED,
			    .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1, .reason = -1 };
	decide(fx, Dp, &dadm);
	struct dec dint = { .type = APP_INTEGRATION_ADULT, .submitted = D(2024, 11, 29), .decided = D(2024, 11, 30),
			    .from = D(2024, 12, 1), .to = D(2025, 1, 14), .outcome = OUTCOME_GRANTED,
			    .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1, .reason = -1,
			    .lines = { { CODE_INTEGRATION_ADULT, Dp, 45, 45 * C } }, .n_lines = 1 };
	pay(fx, decide(fx, Dp, &dint), 1500000, D(2025, 1, 20));

	/* Ep: only in 2023: not in 2025. */
	int64_t Ep = person(fx, GENDER_FEMALE, AGE_ADULT, 1u << EXPL_BEGGING, REF_OTHER, 0, CHILD_ROLE_NONE);
	struct dec eadm = dadm;
	eadm.submitted = D(2023, 3, 1);
	eadm.decided = D(2023, 3, 2);
	decide(fx, Ep, &eadm);

	/* F: man; admitted, a point intervention partly granted, 600 kr paid. */
	int64_t F = person(fx, GENDER_MALE, AGE_ADULT, 0, -1, 0, CHILD_ROLE_NONE);
	admit(fx, F, D(2025, 6, 20), OUTCOME_GRANTED);
	struct dec fp = { .type = APP_POINT_ADULT, .submitted = D(2025, 6, 30), .decided = D(2025, 7, 1),
			  .from = DAY_NONE, .to = DAY_NONE, .outcome = OUTCOME_PARTLY_GRANTED,
			  .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1, .reason = -1,
			  .lines = { { CODE_POINT_ADULT, F, 2, 100000 } }, .n_lines = 1 };
	pay(fx, decide(fx, F, &fp), 60000, D(2025, 7, 15));

	/* G: woman; admitted, reflection denied (public actor, no kind given). */
	int64_t G = person(fx, GENDER_FEMALE, AGE_ADULT, 0, REF_CIVIL_SOCIETY, 0, CHILD_ROLE_NONE);
	admit(fx, G, D(2025, 7, 20), OUTCOME_GRANTED);
	struct dec gden = { .type = APP_REFLECTION, .submitted = D(2025, 7, 25), .decided = D(2025, 8, 1),
			    .from = D(2025, 8, 2), .to = D(2025, 8, 31), .outcome = OUTCOME_DENIED,
			    .basis = BASIS_PUBLIC_ACTOR_DENIED, .actor_kind = -1, .reason = -1 };
	decide(fx, G, &gden);

	/* the registers and the budget */
	struct db_year y = { .year = 2025, .has_budget = true, .budget_ore = 1000000000 };
	assert_int_equal(db_year_put(fx->db, 0, &y), DB_OK);
	static const struct {
		int y, m, d;
		enum placement_outcome o;
	} pr[] = { { 2025, 2, 1, PLACEMENT_PLACED }, { 2025, 9, 1, PLACEMENT_PLACED },
		   { 2025, 10, 5, PLACEMENT_NO_PLACE }, { 2024, 12, 31, PLACEMENT_DECLINED } };
	for (size_t i = 0; i < sizeof pr / sizeof pr[0]; i++) {
		struct db_placement p = { .date = D(pr[i].y, pr[i].m, pr[i].d), .region = REGION_SYD,
					  .target_group = TARGET_MEN, .outcome = pr[i].o, .organisation_id = fx->org };
		int64_t id;
		assert_int_equal(db_placement_create(fx->db, 0, &p, &id), DB_OK);
	}
	const day_t cdays[] = { D(2025, 1, 1), D(2025, 6, 30), D(2025, 12, 31), D(2026, 1, 1) };
	for (size_t i = 0; i < 4; i++) {
		struct db_consultation c = { .date = cdays[i], .asker = ASKER_SOCIAL_SERVICES,
					     .region = REGION_NORD, .topic = "råd", .minutes = 30, .outcome = "" };
		int64_t id;
		assert_int_equal(db_consultation_create(fx->db, 0, &c, &id), DB_OK);
	}

	/* ---- 2025 ---- */
	assert_int_equal(db_report_load(fx->db, 2025, &r), DB_OK);
	assert_int_equal(r.year, 2025);
	/* covered: A, S1, S2, E1, P1, B, C, Dp, F, G (not Ep) */
	assert_int_equal(r.persons.total, 10);
	assert_int_equal(r.persons.adults, 6);
	assert_int_equal(r.persons.children, 4);
	assert_int_equal(r.primary.n[BUCKET_WOMEN], 2);        /* A, G */
	assert_int_equal(r.primary.n[BUCKET_MEN], 2);          /* B, F */
	assert_int_equal(r.primary.n[BUCKET_TRANS_WOMEN], 1);  /* C: a denial counts */
	assert_int_equal(r.primary.n[BUCKET_UNKNOWN], 1);      /* Dp: a period from 2024 */
	assert_int_equal(r.primary.n[BUCKET_BOYS], 1);         /* P1 */
	assert_int_equal(r.primary.n[BUCKET_TOTAL], 7);
	/* children counted with their parent */
	assert_int_equal(r.secondary_children.n[BUCKET_GIRLS], 1);
	assert_int_equal(r.secondary_children.n[BUCKET_UNKNOWN], 1);
	assert_int_equal(r.secondary_children.n[BUCKET_TOTAL], 2);
	assert_int_equal(r.children_elsewhere.n[BUCKET_BOYS], 1);
	assert_int_equal(r.children_elsewhere.n[BUCKET_TOTAL], 1);

	assert_int_equal(r.interventions[CODE_REFLECTION].n[BUCKET_WOMEN], 1);
	assert_int_equal(r.interventions[CODE_REFLECTION].n[BUCKET_MEN], 1);
	assert_int_equal(r.interventions[CODE_REFLECTION].n[BUCKET_TOTAL], 2); /* not G: denied */
	assert_int_equal(r.interventions[CODE_REFLECTION_CHILD].n[BUCKET_GIRLS], 1); /* S1, named */
	assert_int_equal(r.interventions[CODE_REFLECTION_CHILD].n[BUCKET_TOTAL], 1);
	assert_int_equal(r.interventions[CODE_INTEGRATION_ADULT].n[BUCKET_UNKNOWN], 1);
	assert_int_equal(r.interventions[CODE_POINT_CHILD].n[BUCKET_BOYS], 1);
	assert_int_equal(r.interventions[CODE_POINT_ADULT].n[BUCKET_MEN], 1); /* partly granted counts */
	assert_int_equal(r.interventions[CODE_EXTENDED].n[BUCKET_TOTAL], 0);
	assert_int_equal(r.interventions[CODE_EXTENDED_CHILD].n[BUCKET_TOTAL], 0);

	assert_int_equal(r.exploitation[AGE_ADULT][EXPL_SEXUAL].n[BUCKET_WOMEN], 1);      /* A */
	assert_int_equal(r.exploitation[AGE_ADULT][EXPL_SEXUAL].n[BUCKET_TOTAL], 1);
	assert_int_equal(r.exploitation[AGE_ADULT][REPORT_EXPL_MULTIPLE].n[BUCKET_MEN], 1); /* B */
	assert_int_equal(r.exploitation[AGE_ADULT][REPORT_EXPL_MULTIPLE].n[BUCKET_TRANS_WOMEN], 1); /* C */
	assert_int_equal(r.exploitation[AGE_ADULT][REPORT_EXPL_MULTIPLE].n[BUCKET_TOTAL], 2);
	assert_int_equal(r.exploitation[AGE_ADULT][EXPL_LABOUR].n[BUCKET_TOTAL], 0);
	assert_int_equal(r.exploitation[AGE_ADULT][EXPL_BEGGING].n[BUCKET_TOTAL], 0);   /* Ep: not covered */
	assert_int_equal(r.exploitation[AGE_CHILD][EXPL_OTHER_CRIME].n[BUCKET_BOYS], 1); /* P1 */

	assert_int_equal(r.referrals_reflection[REF_REGIONAL_COORDINATOR], 1);
	assert_int_equal(r.referrals_reflection[REF_SELF], 1);
	assert_int_equal(r.referrals_reflection[REF_CIVIL_SOCIETY], 0); /* G was denied */
	assert_int_equal(r.referrals_not_recorded, 0);

	assert_true(r.money.budget_set);
	assert_int_equal(r.money.budget_ore, 1000000000);
	/* commits of 2025's decisions: A 30R+30C, P1 1000 kr, B 30R, F 1000 kr */
	assert_int_equal(r.money.committed_ore, 30 * R + 30 * C + 100000 + 30 * R + 100000);
	/* payments dated 2025: A 50 000 kr, P1 1000 kr, Dp 15 000 kr, F 600 kr */
	assert_int_equal(r.money.paid_ore, 5000000 + 100000 + 1500000 + 60000);
	/* A's payment by amount is split over its lines (30 R and 30 C of 5 460 000 öre),
	 * so the child supplement shows under its own code: 5 000 000 × 1 500 000 / 5 460 000
	 * = 1 373 626.4 → 1 373 626, the rest (remainder öre included) under reflection */
	assert_int_equal(r.money.paid_by_code_ore[CODE_REFLECTION], 3626374);
	assert_int_equal(r.money.paid_by_code_ore[CODE_REFLECTION_CHILD], 1373626);
	assert_int_equal(r.money.paid_by_code_ore[CODE_POINT_CHILD], 100000);
	assert_int_equal(r.money.paid_by_code_ore[CODE_POINT_ADULT], 60000);
	assert_int_equal(r.money.paid_by_code_ore[CODE_INTEGRATION_ADULT], 1500000);

	/* decisions made in 2025: 8 granted (5 admissions, A's and B's
	 * reflection, P1's point), F's point partly, C's admission and G's
	 * reflection denied; one emergency */
	assert_int_equal(r.decisions.by_outcome[OUTCOME_GRANTED], 8);
	assert_int_equal(r.decisions.by_outcome[OUTCOME_PARTLY_GRANTED], 1);
	assert_int_equal(r.decisions.by_outcome[OUTCOME_DENIED], 2);
	assert_int_equal(r.decisions.emergency, 1);
	assert_int_equal(r.placement_requests[PLACEMENT_PLACED], 2);
	assert_int_equal(r.placement_requests[PLACEMENT_NO_PLACE], 1);
	assert_int_equal(r.placement_requests[PLACEMENT_DECLINED], 0);
	assert_int_equal(r.consultations, 3);
	/* applications submitted in 2025: 11, two with a public actor's refusal */
	assert_int_equal(r.complementarity.by_basis[BASIS_NO_DESIGNATED_ACTOR], 9);
	assert_int_equal(r.complementarity.by_basis[BASIS_PUBLIC_ACTOR_DENIED], 2);
	assert_int_equal(r.complementarity.denials[ACTOR_SOCIAL_SERVICES][REASON_LACKS_PERSONAL_NUMBER], 1);
	assert_int_equal(r.complementarity.denials[ACTOR_OTHER][REASON_OTHER], 1); /* not given */

	/* every export of the loaded report opens */
	check_exports(&r, "db2025");
	struct report open = r;
	assert_int_equal(report_suppress(&open, 5), 0);
	assert_int_equal(attack_report(&r, &open), 0);
	assert_true(open.persons.total == 10); /* >= k and not needed for protection */
	assert_true(open.primary.n[BUCKET_TRANS_WOMEN] == REPORT_SUPPRESSED);

	/* ---- 2026: B's December–January period counts in both years ---- */
	assert_int_equal(db_report_load(fx->db, 2026, &r), DB_OK);
	assert_int_equal(r.persons.total, 1); /* B only: A's children are not covered without her */
	assert_int_equal(r.primary.n[BUCKET_MEN], 1);
	assert_int_equal(r.secondary_children.n[BUCKET_TOTAL], 0);
	assert_int_equal(r.interventions[CODE_REFLECTION].n[BUCKET_MEN], 1);
	assert_int_equal(r.referrals_reflection[REF_SELF], 1);
	assert_int_equal(r.money.committed_ore, 0);           /* decided in 2025 */
	assert_int_equal(r.money.paid_ore, 30 * R);           /* paid in 2026 */
	assert_int_equal(r.money.paid_by_code_ore[CODE_REFLECTION], 30 * R);
	assert_false(r.money.budget_set);
	assert_int_equal(r.decisions.by_outcome[OUTCOME_GRANTED], 0);
	assert_int_equal(r.consultations, 1);
	assert_int_equal(r.exploitation[AGE_ADULT][REPORT_EXPL_MULTIPLE].n[BUCKET_MEN], 1);

	/* ---- 2024: Dp's integration period from December ---- */
	assert_int_equal(db_report_load(fx->db, 2024, &r), DB_OK);
	assert_int_equal(r.persons.total, 1);
	assert_int_equal(r.interventions[CODE_INTEGRATION_ADULT].n[BUCKET_UNKNOWN], 1);
	assert_int_equal(r.money.committed_ore, 45 * C);
	assert_int_equal(r.money.paid_ore, 0);
	assert_int_equal(r.placement_requests[PLACEMENT_DECLINED], 1);
	assert_int_equal(r.complementarity.by_basis[BASIS_NO_DESIGNATED_ACTOR], 2);

	/* ---- 2023 and an empty year ---- */
	assert_int_equal(db_report_load(fx->db, 2023, &r), DB_OK);
	assert_int_equal(r.persons.total, 1);
	assert_int_equal(r.exploitation[AGE_ADULT][EXPL_BEGGING].n[BUCKET_WOMEN], 1);
	assert_int_equal(db_report_load(fx->db, 2031, &r), DB_OK);
	assert_int_equal(r.persons.total, 0);
	assert_int_equal(r.money.paid_ore, 0);

	/* a year out of range is refused */
	assert_int_equal(db_report_load(fx->db, 1800, &r), DB_ERROR);
	assert_non_null(strstr(db_errmsg(fx->db), "out of range"));

	/* inside the caller's transaction the loader joins it */
	assert_int_equal(db_begin(fx->db), DB_OK);
	assert_int_equal(db_report_load(fx->db, 2025, &r), DB_OK);
	assert_true(db_in_transaction(fx->db));
	assert_int_equal(db_rollback(fx->db), DB_OK);
	assert_int_equal(r.persons.total, 10);

	/* Paid per intervention comes from the payments' totals (migration 5);
	 * were they ever to disagree with the payments, the report refuses
	 * rather than publish figures that do not add up. */
	sqlite3 *raw;
	char sql[200];
	assert_int_equal(sqlite3_open(fx->path, &raw), SQLITE_OK);
	snprintf(sql, sizeof sql, "INSERT INTO payment_totals (paid_on, code, amount_ore) VALUES (%d, 'reflection', 100) "
		 "ON CONFLICT (paid_on, code) DO UPDATE SET amount_ore = amount_ore + 100", (int)D(2025, 3, 3));
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(db_report_load(fx->db, 2025, &r), DB_ERROR);
	assert_non_null(strstr(db_errmsg(fx->db), "paid per code does not add up"));
	assert_int_equal(db_report_load(fx->db, 2026, &r), DB_OK);
}

/*
 * The two halves of "a decision of the year" (statements.c), at their
 * edges: a denial made in 2024 whose period reaches into 2025 covers its
 * person in 2024 only (only a granted period counts across a year), and a
 * child named on an application is covered through the application alone,
 * without being anyone's secondary child.
 */
static void test_load_year_edges(void **state)
{
	struct fixture *fx = *state;
	struct report r;

	int64_t H = person(fx, GENDER_FEMALE, AGE_ADULT, 0, REF_POLICE, 0, CHILD_ROLE_NONE);
	admit(fx, H, D(2024, 11, 1), OUTCOME_GRANTED);
	struct dec hden = { .type = APP_REFLECTION, .submitted = D(2024, 12, 18), .decided = D(2024, 12, 20),
			    .from = D(2024, 12, 21), .to = D(2025, 1, 19), .outcome = OUTCOME_DENIED,
			    .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1, .reason = -1 };
	decide(fx, H, &hden);

	int64_t K = person(fx, GENDER_MALE, AGE_ADULT, 0, REF_SELF, 0, CHILD_ROLE_NONE);
	int64_t N = person(fx, GENDER_FEMALE, AGE_CHILD, 0, -1, 0, CHILD_PRIMARY);
	admit(fx, K, D(2025, 3, 1), OUTCOME_GRANTED);
	struct dec krefl = { .type = APP_REFLECTION, .submitted = D(2025, 3, 2), .decided = D(2025, 3, 3),
			     .from = D(2025, 3, 4), .to = D(2025, 4, 2), .outcome = OUTCOME_GRANTED,
			     .basis = BASIS_NO_DESIGNATED_ACTOR, .actor_kind = -1, .reason = -1,
			     .children = &N, .n_children = 1,
			     .lines = { { CODE_REFLECTION, K, 30, 30 * 132000 } }, .n_lines = 1 };
	decide(fx, K, &krefl);

	assert_int_equal(db_report_load(fx->db, 2025, &r), DB_OK);
	assert_int_equal(r.persons.total, 2);                  /* K and N; not H */
	assert_int_equal(r.persons.adults, 1);
	assert_int_equal(r.persons.children, 1);
	assert_int_equal(r.primary.n[BUCKET_MEN], 1);
	assert_int_equal(r.primary.n[BUCKET_GIRLS], 1);
	assert_int_equal(r.primary.n[BUCKET_WOMEN], 0);
	assert_int_equal(r.secondary_children.n[BUCKET_TOTAL], 0);
	assert_int_equal(r.interventions[CODE_REFLECTION].n[BUCKET_MEN], 1);
	assert_int_equal(r.interventions[CODE_REFLECTION].n[BUCKET_WOMEN], 0);
	assert_int_equal(r.interventions[CODE_REFLECTION_CHILD].n[BUCKET_TOTAL], 0); /* no child line */
	assert_int_equal(r.referrals_reflection[REF_SELF], 1);
	assert_int_equal(r.referrals_reflection[REF_POLICE], 0);
	assert_int_equal(r.decisions.by_outcome[OUTCOME_DENIED], 0);

	assert_int_equal(db_report_load(fx->db, 2024, &r), DB_OK);
	assert_int_equal(r.persons.total, 1);                  /* H, by her decisions made in 2024 */
	assert_int_equal(r.primary.n[BUCKET_WOMEN], 1);
	assert_int_equal(r.decisions.by_outcome[OUTCOME_DENIED], 1);
	assert_int_equal(r.interventions[CODE_REFLECTION].n[BUCKET_TOTAL], 0);
	assert_int_equal(r.referrals_reflection[REF_POLICE], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_mapping),
		cmocka_unit_test(test_exploitation_rows),
		cmocka_unit_test(test_check_relations),
		cmocka_unit_test(test_contacts_count),
		cmocka_unit_test(test_suppress_2025),
		cmocka_unit_test(test_suppress_refusals),
		cmocka_unit_test(test_suppress_random),
		cmocka_unit_test(test_labels_complete),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_exports_exact),
		cmocka_unit_test(test_exports_open_data),
		cmocka_unit_test(test_exports_swedish_unchanged),
		cmocka_unit_test(test_exports_english),
		cmocka_unit_test_setup_teardown(test_load_year, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_load_year_edges, setup_db, teardown_db),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (tmpdir[0]) {
		char cmd[400];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
