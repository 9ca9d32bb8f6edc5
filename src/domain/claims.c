/*
 * Claims and payments on a decision (claims.h): R14, the days a claim may
 * cover, its price and the split of a payment over the decision's lines.
 */
#include "claims.h"

#include <string.h>

#include "money.h"

int64_t claim_left_ore(const struct claim_facts *f)
{
	int64_t left;

	/* Out-of-range inputs: nothing can be claimed safely. */
	if (money_add(f->granted_ore, -f->paid_ore, &left) < 0 || money_add(left, -f->reserved_ore, &left) < 0)
		return 0;
	return left > 0 ? left : 0;
}

bool claim_r14_allows(const struct claim_facts *f, int64_t amount_ore, struct verdict *v)
{
	char amount[64], granted[64], paid[64], reserved[64], left[64];
	int64_t rest = claim_left_ore(f);

	if (amount_ore < 1)
		return verdict_refuse(v, "R14", "beloppet måste vara större än 0 kr", "the amount must be greater than 0 kr");
	if (amount_ore <= rest)
		return true;
	money_format(amount_ore, amount, sizeof amount, 0);
	money_format(f->granted_ore, granted, sizeof granted, 0);
	money_format(f->paid_ore, paid, sizeof paid, 0);
	money_format(f->reserved_ore, reserved, sizeof reserved, 0);
	money_format(rest, left, sizeof left, 0);
	return verdict_refuse(v, "R14",
			      "%s överskrider vad som är kvar av beslutet: beviljat %s minus utbetalt %s och %s i "
			      "rekvisitioner som väntar på beslut, alltså %s",
			      "%s exceeds what is left of the decision: the granted %s minus the paid %s and the %s "
			      "of claims awaiting a decision, that is %s",
			      amount, granted, paid, reserved, left);
}

bool claim_days_check(day_t granted_from, day_t granted_to, day_t from, day_t to, day_t today,
		      const char **field, struct verdict *v)
{
	char a[DAY_BUFSZ], b[DAY_BUFSZ], c[DAY_BUFSZ];

	if (to < from) {
		*field = "to";
		return verdict_refuse(v, "claim", "perioden slutar före den börjar", "the period ends before it starts");
	}
	if (from < granted_from) {
		*field = "from";
		return verdict_refuse(v, "claim",
				      "en rekvisition gäller bara dygn inom den beviljade perioden %s – %s; %s ligger "
				      "före den",
				      "a claim covers only days within the granted period %s – %s; %s is before it",
				      day_format(granted_from, a), day_format(granted_to, b), day_format(from, c));
	}
	if (from > today) {
		*field = "from";
		return verdict_refuse(v, "claim", "dygn som inte har passerat än kan inte begäras (%s ligger i framtiden)",
				      "days that have not passed yet cannot be claimed (%s is in the future)",
				      day_format(from, a));
	}
	if (to > granted_to) {
		*field = "to";
		return verdict_refuse(v, "claim",
				      "en rekvisition gäller bara dygn inom den beviljade perioden %s – %s; %s ligger "
				      "efter den",
				      "a claim covers only days within the granted period %s – %s; %s is after it",
				      day_format(granted_from, a), day_format(granted_to, b), day_format(to, c));
	}
	if (to > today) {
		*field = "to";
		return verdict_refuse(v, "claim", "dygn som inte har passerat än kan inte begäras (%s ligger i framtiden)",
				      "days that have not passed yet cannot be claimed (%s is in the future)",
				      day_format(to, a));
	}
	return true;
}

int claim_price(const struct application *a, const struct decision_line *granted, size_t n_granted,
		day_t from, day_t to, int64_t units, day_t decided_on, const struct rate_table *tables,
		size_t n_tables, struct decision_line out[DECISION_MAX_LINES])
{
	struct decision_line all[DECISION_MAX_LINES];
	int n, kept = 0;

	n = decision_amount(a, from, to, units, decided_on, tables, n_tables, all);
	if (n <= 0)
		return -1;
	/* Only what the decision granted: its codes, nothing else. */
	for (int i = 0; i < n; i++)
		for (size_t j = 0; j < n_granted; j++)
			if (granted[j].code == all[i].code) {
				out[kept++] = all[i];
				break;
			}
	return kept > 0 ? kept : -1;
}

int payment_split(const struct decision_line *granted, size_t n_granted, int64_t amount_ore,
		  struct payment_line out[DECISION_MAX_LINES])
{
	int64_t total = 0, given = 0, share[DECISION_MAX_LINES];
	int first = -1, n = 0;

	if (amount_ore < 1 || n_granted > DECISION_MAX_LINES)
		return -1;
	for (size_t i = 0; i < n_granted; i++) {
		if (granted[i].amount_ore <= 0)
			continue;
		if (money_add(total, granted[i].amount_ore, &total) < 0)
			return -1;
		if (first < 0)
			first = (int)i;
	}
	if (total <= 0)
		return -1;
	for (size_t i = 0; i < n_granted; i++) {
		share[i] = 0;
		if (granted[i].amount_ore <= 0)
			continue;
		/* Rounded down; 128 bits, since amount × granted may pass 2^63. */
		share[i] = (int64_t)((__int128)amount_ore * granted[i].amount_ore / total);
		given += share[i];
	}
	share[first] += amount_ore - given;
	for (size_t i = 0; i < n_granted; i++)
		if (share[i] > 0)
			out[n++] = (struct payment_line){ granted[i].code, share[i] };
	return n;
}
