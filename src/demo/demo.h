/*
 * Fictional demonstration data and the synthetic data of the benchmarks.
 *
 * Three layers, each usable on its own:
 * - struct demo_rng: a fixed-seed PRNG (splitmix64), so the same seed gives
 *   the same data on every machine (rand() differs between C libraries);
 * - the programme's proportions (the 2025 annual report's mix of genders,
 *   children, interventions, denials, referrals and exploitation forms) and
 *   demo_plan_case(), which draws one case — an adult, their children and
 *   every application, decision, claim, closing and exit, with dates that
 *   obey the rules by construction;
 * - demo_fill(), which creates organisations, users, budgets and about N
 *   persons' cases in a new database through the service layer
 *   (src/web/service.h), so every record passes the same checks as real
 *   input. bench/gen.c replays the same plans through the store instead.
 *
 * Every date is relative to "today": the plans cover the current year and
 * the one before, and nothing is dated in the future.
 */
#ifndef NSP_DEMO_H
#define NSP_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/day.h"
#include "domain/enums.h"

/* ---------------------------------------------------------------- the PRNG */

#define DEMO_SEED UINT64_C(0x4e5350323032355f) /* "NSP2025_" */

struct demo_rng {
	uint64_t state;
};

void demo_rng_seed(struct demo_rng *r, uint64_t seed);
/* The next 64 random bits (splitmix64). */
uint64_t demo_rng_next(struct demo_rng *r);
/* Uniform in [0, n) without modulo bias; 0 when n == 0. */
uint64_t demo_rng_below(struct demo_rng *r, uint64_t n);
/* Uniform in [lo, hi] (inclusive); lo when hi < lo. */
int64_t demo_rng_range(struct demo_rng *r, int64_t lo, int64_t hi);
/* True with probability permille / 1000. */
bool demo_rng_chance(struct demo_rng *r, unsigned permille);
/* An index i of weights[0..n) with probability weights[i] / sum; 0 when all are 0. */
int demo_rng_pick(struct demo_rng *r, const unsigned *weights, int n);

/* ---------------------------------------------------------------- one case */

#define DEMO_MAX_CHILDREN 4
#define DEMO_MAX_STEPS 32
#define DEMO_MAX_PAYMENTS 3

/* The paths a case takes through the programme. */
enum demo_case_kind {
	DEMO_CASE_DENIED,      /* the admission is denied */
	DEMO_CASE_POINT,       /* admitted for point interventions (and some integration support) */
	DEMO_CASE_HOUSING,     /* reflection period in NSP housing, extended month by month, integration */
	DEMO_CASE_EXTENDED,    /* a public actor paid the reflection period; NSP extends */
	DEMO_CASE_INTEGRATION, /* admitted for integration support (e.g. a safe return) */
	DEMO_CASE__COUNT
};

/* A person's statistical attributes as drawn. */
struct demo_attrs {
	enum gender gender;
	enum age_group age_group;
	int birth_year;                /* 0: only the age group is given */
	uint32_t exploitation, places, violence; /* masks */
	int referral_source;           /* enum referral or -1 */
	int legal_status;              /* enum legal_status or -1 */
	bool sweden_responsible;
	enum child_role child_role;    /* CHILD_ROLE_NONE for the adult */
	bool identity;                 /* register (fictional) identity data */
};

/* A complementarity basis (R2) as the applications state it. */
struct demo_basis {
	enum basis_kind kind;
	const char *actor, *reason, *reference; /* NULL for no_designated_actor */
	int actor_kind, reason_category;        /* -1 when not given */
};
extern const struct demo_basis demo_bases[];
extern const int demo_n_bases;

/* A claim (rekvisition) of num/den of its decision's total, rounded down. */
struct demo_payment {
	day_t on;
	int64_t num, den;
};

/* One application and what happened to it. */
struct demo_step {
	int who;                       /* -1: the adult; 0..: the case's child of that index */
	enum app_type type;
	day_t submitted_on;
	day_t from, to;                /* DAY_NONE unless a period type */
	int64_t units;                 /* point interventions */
	enum point_category category;
	uint32_t children;             /* bit i: child i named for the supplement (R7) */
	const char *needs_assessment, *plan, *evaluation, *motivation; /* static text or NULL */
	/* The decision; decided_on == DAY_NONE while the application waits. */
	day_t decided_on;
	enum outcome outcome;
	day_t gfrom, gto;              /* the granted period */
	int64_t gunits;                /* the granted units */
	bool emergency;                /* R2e */
	const char *reason;            /* static text or NULL */
	day_t used_to;                 /* the last day the organisation will claim for (periods) */
	int64_t used_units;            /* the units it will claim for (point interventions) */
	struct demo_payment pay[DEMO_MAX_PAYMENTS];
	int n_pay;
	day_t close_on;                /* DAY_NONE: the decision stays open */
};

struct demo_case {
	enum demo_case_kind kind;
	day_t start;                   /* registration and the admission application */
	struct demo_attrs adult;
	struct demo_attrs child[DEMO_MAX_CHILDREN];
	int n_children;
	int basis;                     /* index into demo_bases, for all its applications */
	struct demo_step step[DEMO_MAX_STEPS];
	int n_steps;
	day_t exit_on;                 /* DAY_NONE: still in the programme */
	enum exit_destination exit_dest;
	/* Primary children who were admitted leave with the parent. */
	day_t child_exit_on[DEMO_MAX_CHILDREN];
};

struct demo_case_opts {
	day_t start, today;            /* start <= today */
	int kind;                      /* enum demo_case_kind, or -1 to draw one */
	int gender;                    /* enum gender of the adult, or -1 to draw */
	int n_children;                /* 0..DEMO_MAX_CHILDREN, or -1 to draw */
	int months;                    /* extended months of a housing case (0..6), or -1 to draw */
	bool emergency;                /* the reflection decision is an emergency one (R2e) */
	bool housing;                  /* the organisation offers housing; else no housing kinds */
	bool certain;                  /* no denials, partial grants or early ends (for fixed scenarios) */
	int child_role;                /* enum child_role of every child, or -1 to draw */
	bool partly;                   /* a point case whose first intervention is partly granted, and
	                                * less of it used (a release on closing) */
};

/*
 * Draws one case. Everything dated after o->today is left out (an
 * application submitted but not yet decided stays waiting; a decision
 * whose claim would come later stays open, with a partial claim for the
 * days already used when enough have passed). The plan obeys R1–R14 given
 * a certified organisation and a budget: the caller executes it and treats
 * any refusal as a bug of the plan.
 */
void demo_plan_case(struct demo_rng *r, const struct demo_case_opts *o, struct demo_case *c);

/* What a plan turns into, in the order it has to be executed. */
enum demo_event_kind {
	DEMO_EV_REGISTER,  /* the adult and every child */
	DEMO_EV_APPLY,     /* step */
	DEMO_EV_DECIDE,    /* step */
	DEMO_EV_PAY,       /* step, pay index */
	DEMO_EV_CLOSE,     /* step */
	DEMO_EV_EXIT,      /* the adult (index -1) or child index */
};

struct demo_event {
	day_t on;
	enum demo_event_kind kind;
	int step;                      /* step index, or the person (-1 adult, child index) for EXIT */
	int pay;                       /* DEMO_EV_PAY */
};

#define DEMO_MAX_EVENTS (2 + DEMO_MAX_STEPS * (3 + DEMO_MAX_PAYMENTS) + DEMO_MAX_CHILDREN)

/* The case's events sorted by day; of one day in dependency order. Returns their number. */
int demo_case_events(const struct demo_case *c, struct demo_event ev[DEMO_MAX_EVENTS]);

/* The number of persons of a case (the adult and the children). */
int demo_case_persons(const struct demo_case *c);

/* The amount of a claim: total × num / den, rounded down (no floating point). */
int64_t demo_claim_ore(int64_t total_ore, const struct demo_payment *p);

/* ---------------------------------------------------------------- the demonstration database */

/* The demonstration logins printed by `nsp demo` (fictional, fixed). */
struct demo_login {
	const char *role;              /* enum role name */
	const char *username;
	const char *password;
	const char *organisation;      /* NULL for coordinator and funder */
};
extern const struct demo_login demo_logins[];
extern const int demo_n_logins;

/*
 * The second factor of the demonstration's coordinator and caseworkers:
 * one fixed TOTP secret (20 bytes, "nsp-demo-totp-secret"), enrolled for
 * each of them by demo_fill(), so that `nsp demo` can print it and a
 * newcomer adds it to an authenticator app once (or runs oathtool). The
 * funder has none: the second factor is optional for that role.
 */
#define DEMO_TOTP_SECRET_BYTES 20
extern const unsigned char demo_totp_secret[DEMO_TOTP_SECRET_BYTES];

struct demo_options {
	int persons;                   /* about this many persons (adults and children); 0 = 200 */
	uint64_t seed;                 /* 0 = DEMO_SEED */
	day_t today;                   /* DAY_NONE or 0 = day_today(); never after the real today */
};

struct demo_counts {
	int64_t organisations, users, persons, adults, children;
	int64_t applications, submitted;               /* submitted = still waiting */
	int64_t decisions, granted, partly_granted, denied, emergency;
	int64_t payments, closed, exits, placements, consultations, follow_ups;
	int64_t claims, claims_waiting, claims_rejected; /* claims sent; still submitted; rejected (then sent again) */
	int64_t contacts, contacts_linked;             /* the contact register; of them the same as a programme person */
};

/*
 * Progress: done of total persons registered so far. ctx is the caller's.
 */
typedef void (*demo_progress_fn)(void *ctx, int done, int total);

struct db;

/*
 * Fills a new, empty database (opened, keys set, no users yet) with the
 * demonstration data: the coordinator of demo_logins (directly through the
 * store, as `nsp init` does), then through the service layer the
 * organisations, their certification, users, the budgets of the current
 * and the previous year, about o->persons persons with their cases,
 * placement requests and consultations. Deterministic for a given seed and
 * today. Returns 0, or -1 with one sentence in err (a refused step names
 * the rule and the case: that is a bug of the plan). err, progress and
 * counts may be NULL. Takes about a second for 200 persons (one
 * transaction per service call, as real input).
 */
int demo_fill(struct db *db, const struct demo_options *o, demo_progress_fn progress, void *ctx,
	      struct demo_counts *counts, char *err, size_t errsz);

#endif
