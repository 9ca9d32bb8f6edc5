/*
 * The programme's rules R1–R13 (domain.md §7) as pure functions: plain
 * structs in, a verdict out. No I/O, no database, no clock: the caller loads
 * the person's history and passes "today" where it matters.
 */
#ifndef NSP_RULES_H
#define NSP_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "day.h"
#include "enums.h"
#include "rates.h"

#define VERDICT_MSG_MAX 320

/* rule == NULL means allowed. Otherwise rule is a static id ("R3") and the
 * messages name the numbers, e.g. "R3: reflektionsperioden är max 30 dygn
 * totalt; 23 dygn är redan beviljade". Checks that are no programme rule use
 * the ids "decision" (outcome, period or units of a decision, its reason and
 * date) and "application" (malformed input: unknown type, missing or
 * reversed period, person mismatch, missing date). */
struct verdict {
	const char *rule;
	char sv[VERDICT_MSG_MAX];
	char en[VERDICT_MSG_MAX];
};

/* Fills *v (when not NULL) with the rule id and both messages, formatted
 * with the same arguments (a language skips the other's words with "%.0s").
 * Always returns false, so that a rule can `return verdict_refuse(...)`. */
__attribute__((format(printf, 3, 5), format(printf, 4, 5)))
bool verdict_refuse(struct verdict *v, const char *rule, const char *sv, const char *en, ...);

struct cert_event {
	day_t date;
	enum cert_status status;
};

/* A granted or partly granted decision of the person (denials are not history). */
struct granted {
	int64_t decision_id;
	enum app_type type;
	day_t from, to;     /* DAY_NONE for admission and point interventions */
	day_t decided_on;
	enum point_category category; /* point interventions only */
};

struct person_facts {
	int64_t id;
	enum age_group age_group;
	enum child_role child_role;  /* CHILD_ROLE_NONE for adults */
	int64_t parent_id;           /* 0 when none */
	bool sweden_responsible;
	day_t admitted_on;           /* decided_on of the granted admission, or DAY_NONE */
	day_t exit_on;               /* DAY_NONE while in the programme */
	/* R13: an undecided admission application (and its submitted_on), a
	 * denied admission (the latest decided_on). false when none, so that a
	 * zeroed struct means neither. */
	bool admission_pending, admission_denied;
	day_t admission_pending_on, admission_denied_on;
	const struct granted *granted;
	size_t n_granted;
	/* Issue 19: the granted decisions of the persons the coordinator marked
	 * "the same person" as this one. R3, R4 and R6 count their days too
	 * (person_granted_days); nothing else looks at them. */
	const struct granted *linked;
	size_t n_linked;
};

struct basis {
	enum basis_kind kind;
	int present;                 /* 0 when the application states no basis at all */
	const char *actor, *reason, *reference; /* public_actor_denied; reference may be "no_written_decision" */
	int actor_kind;              /* enum actor_kind or -1 */
	int reason_category;         /* enum reason_category or -1 */
};

struct application {
	int64_t id, person_id, organisation_id;
	enum app_type type;
	day_t submitted_on;
	day_t from, to;              /* period types only */
	int64_t units;               /* point interventions only */
	enum point_category category;
	struct basis basis;
	bool identified;             /* admission */
	const char *needs_assessment, *plan, *evaluation, *motivation; /* may be NULL */
	const int64_t *children;     /* ids named for the child supplement */
	size_t n_children;
};

/* A child named on an application, as found among the persons the applicant
 * organisation may see; found == false when no such person exists for it. */
struct named_child {
	int64_t id;
	bool found;
	int64_t parent_id;
	enum child_role role;
};

struct rule_input {
	const struct application *app;
	const struct person_facts *person;
	const struct person_facts *parent;    /* the person's parent, or NULL */
	const struct cert_event *cert;        /* the applicant organisation's history */
	size_t n_cert;
	const struct named_child *children;   /* one per app->children, same order */
	/* false when the application is judged as submitted; true with the
	 * decision's date when it is judged for a decision (R13 of an
	 * application that waited for its admission is judged on that day). */
	bool deciding;
	day_t decided_on;
};

/*
 * The rules of domain.md §7, one function each: true when allowed; when
 * refused, *v holds the rule id and a sentence in both languages. Only these
 * functions (and claims.h, budget.h, capacity.h for R14, R10's figures and
 * R15) compute a rule; `scripts/rule-callers` lists who calls them.
 */
/* R1 Certified: the applicant organisation's certification history says
 * certified on the application's date. */
bool rule_r1_certified(const struct cert_event *cert, size_t n, day_t on, struct verdict *v);
/* R2 Complementarity: a basis is stated; a public actor's refusal names the
 * actor, the reason and the reference (or no_written_decision). */
bool rule_r2_basis(const struct basis *b, struct verdict *v);
/* R3 Reflection period: at most 30 days per person across all decisions,
 * the granted ones and these days. */
bool rule_r3_reflection(const struct person_facts *p, int64_t days, struct verdict *v);
/* R4 Extended reflection: after a reflection period, at most 30 days per
 * decision and 180 in all, with a plan and an evaluation, Sweden responsible,
 * starting after the person's NSP reflection days. */
bool rule_r4_extended(const struct person_facts *p, const struct application *a, struct verdict *v);
/* R5 Integration with daily compensation: the day before the period is
 * covered by a granted reflection or extended decision (living in NSP
 * housing), with a plan of the exit phase. */
bool rule_r5_integration_housing(const struct person_facts *p, const struct application *a, struct verdict *v);
/* R6 Integration support: at most 45 days per person across both
 * integration forms. */
bool rule_r6_integration_total(const struct person_facts *p, const struct application *a, struct verdict *v);
/* R7 Child supplement: the children named are the applicant's own, living
 * with the parent (primary or secondary, never elsewhere). */
bool rule_r7_children(const struct rule_input *in, struct verdict *v);
/* R8 Point interventions: the category matches the age group, at least one
 * unit, and no basic_needs on a day the daily compensation covers. */
bool rule_r8_point(const struct person_facts *p, const struct application *a, struct verdict *v);
/* R9 No double compensation: no two daily-compensation decisions of the
 * person cover the same day. */
bool rule_r9_no_overlap(const struct person_facts *p, day_t from, day_t to, struct verdict *v);
/* R10 Budget: the amount fits the remaining budget of the decision's year
 * (budget_r10_remaining() in budget.h: no budget counts as 0), unless the
 * coordinator gives a written override reason. */
bool rule_r10_budget(int64_t amount_ore, int64_t remaining_ore, const char *override_reason, struct verdict *v);
/* R11 Children need a parent admitted on the day. */
bool rule_r11_child_parent(const struct person_facts *child, const struct person_facts *parent, day_t on, struct verdict *v);
/* R12 Retention: identity data is due for erasure retention_days after the
 * exit (the erasure itself: nsp retention). */
bool rule_r12_retention_due(day_t exit_on, day_t today, int retention_days);
/* R13 Admission first: the person is admitted on the day (see also
 * rule_r13_intervention() below for an admission still undecided). */
bool rule_r13_admitted(const struct person_facts *p, day_t on, struct verdict *v);
/* R14 Claims: claim_r14_allows() in claims.h. R15 Capacity: rule_r15_capacity() in capacity.h. */

/* Days of the person's granted decisions of type t (the sums R3, R4 and R6 limit). */
int64_t person_granted_days(const struct person_facts *p, enum app_type t);

/*
 * R13's "admitted on day D" (domain.md §11), the one definition every rule
 * and page uses: an admission granted on or before D and no exit before D
 * (the exit day itself is still in the programme). False for p == NULL or
 * D == DAY_NONE. Pure: reads p->admitted_on and p->exit_on only.
 */
bool person_admitted_on(const struct person_facts *p, day_t on);

/*
 * R13 of an intervention application (domain.md R13): allowed when the person
 * is admitted on the application's date; at submission (in->deciding
 * false) also while the person's admission application, submitted on or
 * before it, is still undecided; at a decision also when the person is
 * admitted on the decision's date (the admission was decided first, or in the
 * same act). Refused otherwise, saying why: no admission applied for, the
 * admission still undecided, denied, or the person exited. Admission
 * applications are judged by rules_check_application() (already admitted).
 */
bool rule_r13_intervention(const struct rule_input *in, struct verdict *v);

/*
 * Every rule that applies to an application when it is submitted, in the
 * order R1, R2, R13/R11, R3–R9. Returns true when allowed.
 */
bool rules_check_application(const struct rule_input *in, struct verdict *v);

/* The state of one check in rules_check_all(). */
enum check_status {
	CHECK_ALLOWED,         /* judged: the rule allows the application */
	CHECK_REFUSED,         /* judged: refused, verdict says why */
	CHECK_NOT_APPLICABLE,  /* the rule does not concern this type of application or person */
	CHECK_NOT_JUDGED,      /* cannot be judged yet: needs names what is missing, verdict says why */
};

struct rule_check {
	const char *rule;          /* "application", "R1" … "R13": static */
	enum check_status status;
	const char *needs;         /* CHECK_NOT_JUDGED: "application", "amount", "place" or "places"
				    * (static); else NULL */
	struct verdict verdict;    /* REFUSED and NOT_JUDGED: the rule id and both sentences;
				    * otherwise rule NULL and empty messages */
};

/* "application", R1, R2, R13, R11, R3–R9, R10 and R15. */
#define RULE_CHECKS_MAX 14

struct rule_checks {
	struct rule_check check[RULE_CHECKS_MAX];
	size_t n;                  /* always RULE_CHECKS_MAX: every rule is listed */
	size_t n_refused;          /* refusals among them, R10 included */
	const struct rule_check *first; /* the verdict rules_check_application() gives, or NULL */
};

/* What R10 needs: the amount if the application is granted in full and the
 * remaining budget of the year (0 for a year without a budget). */
struct budget_facts {
	int64_t amount_ore;
	int64_t remaining_ore;
	const char *override_reason;   /* NULL: none yet */
};

/*
 * Every rule that concerns an application, each judged on its own instead of
 * stopping at the first refusal, so that a coordinator sees all of them at
 * once. Lists, in the order rules_check_application() tries them, the input
 * check "application", R1, R2, R13, R11, R3–R9, and then R10 and R15:
 *  - a rule of another type of application (R3 on a point intervention), R11
 *    for an adult, R7 without children named and R10 for admission (nothing
 *    is paid) or a zero amount are CHECK_NOT_APPLICABLE;
 *  - when "application" refuses (missing period, wrong person, …) the rules
 *    are CHECK_NOT_JUDGED with needs "application": they compute with the
 *    period and the person and would judge nonsense;
 *  - R10 needs the amount, which needs a valid period or units: budget ==
 *    NULL (the caller could not compute it) leaves it CHECK_NOT_JUDGED with
 *    needs "amount".
 * Returns what rules_check_application() returns for the same input, and
 * out->first is the check holding its very verdict (NULL when allowed): R10
 * and R15 stay apart, as in the decision path, which checks it after the rest once
 * the amount is known. out is caller storage, entirely overwritten.
 */
struct place_facts; /* capacity.h */

/*
 * R15 comes last, after R10 (domain.md §11): for a housing period (reflection,
 * extended, integration_housing) it judges the period applied for at place
 * (capacity.h) without an over-capacity reason; place == NULL (the
 * application names no region or target group) leaves it CHECK_NOT_JUDGED
 * with needs "place", a place without declared places with needs "places".
 */
bool rules_check_all(const struct rule_input *in, const struct budget_facts *budget,
		     const struct place_facts *place, struct rule_checks *out);

struct decision_request {
	enum outcome outcome;
	day_t decided_on;
	day_t from, to;            /* the granted period (period types) */
	int64_t units;             /* the granted units (point interventions) */
	bool emergency;
	const char *reason;
	const char *budget_override_reason;
};

/*
 * Checks a decision on an application before it is recorded: the granted
 * period or units lie within what was applied for (partly_granted: fewer),
 * R2e (emergency only for daily compensation), and the application rules again
 * against the history as it is now with the granted period (R3–R9, R11, R13).
 * R10 is checked separately once the amount is known.
 */
bool rules_check_decision(const struct rule_input *in, const struct decision_request *d, struct verdict *v);

#define DECISION_MAX_LINES 2

struct decision_line {
	enum code code;
	int64_t person_id;   /* the person the line pays for; the parent for a child supplement */
	int64_t days;        /* days priced, or units for point interventions */
	int64_t amount_ore;
};

/*
 * The amount of a granted decision: for period types every day is priced at
 * the rate of its own year, plus the child supplement per day when children
 * are named (R7: once, regardless of how many); point interventions are
 * units × the flat rate of the category in the decision's year. Writes up to
 * DECISION_MAX_LINES lines and returns their number (0 for admission), or -1
 * on overflow.
 */
int decision_amount(const struct application *a, day_t from, day_t to, int64_t units,
		    day_t decided_on, const struct rate_table *tables, size_t n_tables,
		    struct decision_line lines[DECISION_MAX_LINES]);

#endif
