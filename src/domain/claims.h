/*
 * Claims (rekvisitioner) and payments (utbetalningar) on a decision
 * (domain.md §8, R14): what a claim may cover, what it costs, what is left
 * of a decision, and how a payment is split over the decision's lines.
 * Pure functions: the store loads the facts inside the write transaction,
 * these judge them, the store writes.
 */
#ifndef NSP_CLAIMS_H
#define NSP_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "day.h"
#include "enums.h"
#include "rates.h"
#include "rules.h"

/* The money of one decision as R14 sees it. */
struct claim_facts {
	int64_t granted_ore;   /* what the decision granted (its total) */
	int64_t paid_ore;      /* payments recorded on it */
	int64_t reserved_ore;  /* claims submitted and not yet decided, except the one being judged */
};

/* What is left to claim or pay: granted − paid − reserved, never below 0. */
int64_t claim_left_ore(const struct claim_facts *f);

/*
 * R14, the one place it is judged: a claim or payment of amount_ore never
 * exceeds what its decision granted minus what was already paid or claimed
 * (submitted claims count as reserved, so two claims cannot together
 * exceed the decision). The caller loads f inside the transaction that
 * writes the claim or payment. Returns true when allowed; else *v (when not
 * NULL) names R14 with the numbers, in both languages.
 */
bool claim_r14_allows(const struct claim_facts *f, int64_t amount_ore, struct verdict *v);

/*
 * The days a claim covers, against the granted period granted_from..to and
 * today: from..to in order, within the period (never before it starts or
 * after it ends) and not after today (days not yet used cannot be claimed).
 * Returns true when allowed; else *field gets the request field at fault
 * ("from" or "to", static) and *v the reason (rule id "claim"): this is
 * malformed input (400), not a programme rule.
 */
bool claim_days_check(day_t granted_from, day_t granted_to, day_t from, day_t to, day_t today,
		      const char **field, struct verdict *v);

/*
 * The lines of a claim on a decision that granted `granted` (its lines):
 * the days from..to (per-day codes) or `units` (point interventions) of
 * application a priced as the decision was priced (decision_amount() with
 * the decision's date and the rate tables), the child supplement as its
 * own line when the decision granted one. Writes up to DECISION_MAX_LINES
 * lines and returns their number, or -1 when it cannot be priced.
 */
int claim_price(const struct application *a, const struct decision_line *granted, size_t n_granted,
		day_t from, day_t to, int64_t units, day_t decided_on, const struct rate_table *tables,
		size_t n_tables, struct decision_line out[DECISION_MAX_LINES]);

/* One line of a payment: what of it was paid under which code. */
struct payment_line {
	enum code code;
	int64_t amount_ore;
};

/*
 * A payment recorded by amount split over the decision's lines in
 * proportion to their granted amounts, each share rounded down and the
 * remainder öre to the first line (domain.md §8); lines whose share is 0
 * are left out. Migration 9 splits the payments made before it with the
 * same arithmetic. Returns the number of lines written (at least 1 when
 * amount_ore > 0 and the decision granted anything), or -1 when the
 * decision has no amount to split by.
 */
int payment_split(const struct decision_line *granted, size_t n_granted, int64_t amount_ore,
		  struct payment_line out[DECISION_MAX_LINES]);

#endif
