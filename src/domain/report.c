/*
 * The annual report's arithmetic (report.h): gender buckets, the additive
 * relations between its tables and open-data suppression. Pure: no I/O.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

static const char *const bucket_names[] = {
	"women", "men", "trans_women", "trans_men", "non_binary", "girls", "boys", "unknown", "total",
};
_Static_assert(sizeof bucket_names / sizeof bucket_names[0] == BUCKET__COUNT, "bucket names");
const struct enum_def enum_bucket = { "bucket", bucket_names, BUCKET__COUNT };

enum bucket report_bucket(enum gender g, enum age_group a)
{
	if (a == AGE_CHILD) {
		if (g == GENDER_FEMALE)
			return BUCKET_GIRLS;
		if (g == GENDER_MALE)
			return BUCKET_BOYS;
		return BUCKET_UNKNOWN;
	}
	if (a != AGE_ADULT)
		return BUCKET_UNKNOWN;
	switch (g) {
	case GENDER_FEMALE: return BUCKET_WOMEN;
	case GENDER_MALE: return BUCKET_MEN;
	case GENDER_TRANS_FEMALE: return BUCKET_TRANS_WOMEN;
	case GENDER_TRANS_MALE: return BUCKET_TRANS_MEN;
	case GENDER_NON_BINARY: return BUCKET_NON_BINARY;
	default: return BUCKET_UNKNOWN;
	}
}

void report_row_add(struct report_row *row, enum gender g, enum age_group a, int64_t count)
{
	row->n[report_bucket(g, a)] += count;
	row->n[BUCKET_TOTAL] += count;
}

const char *report_expl_row_name(int row)
{
	if (row == REPORT_EXPL_MULTIPLE)
		return "multiple";
	return enum_name(&enum_exploitation, row);
}

int report_expl_row(uint32_t mask)
{
	mask &= (1u << EXPL__COUNT) - 1u;
	if (mask == 0)
		return -1;
	if (mask & (mask - 1u))
		return REPORT_EXPL_MULTIPLE;
	for (int f = 0; f < EXPL__COUNT; f++)
		if (mask == 1u << f)
			return f;
	return -1; /* not reached */
}

void report_init(struct report *r, int year)
{
	memset(r, 0, sizeof *r);
	r->year = year;
}

/* A contact's place in the count: its person and its position (date order). */
struct fact_key {
	uint64_t person;
	size_t i;
};

static int fact_cmp(const void *a, const void *b)
{
	const struct fact_key *x = a, *y = b;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int report_contacts_count(struct report *r, const struct report_contact_fact *f, size_t n)
{
	struct fact_key *order = malloc((n ? n : 1) * sizeof *order);
	if (order == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		order[i] = (struct fact_key){ f[i].person, i };
		report_row_add(&r->contacts.contacts, f[i].gender, f[i].age_group, 1);
	}
	qsort(order, n, sizeof *order, fact_cmp);
	/* Each run of one person: the first contact's bucket, entered if any says so. */
	for (size_t i = 0; i < n;) {
		const struct report_contact_fact *first = &f[order[i].i];
		bool entered = false;
		size_t j = i;
		for (; j < n && order[j].person == first->person; j++)
			entered = entered || f[order[j].i].entered;
		report_row_add(&r->contacts.distinct, first->gender, first->age_group, 1);
		if (entered)
			report_row_add(&r->contacts.entered, first->gender, first->age_group, 1);
		i = j;
	}
	free(order);
	return 0;
}

/* ------------------------------------------------------------------ relations */

/*
 * The relations of report.h as data: variables point into the report (or
 * are the unpublished Ua, Uc) and each relation reads "total = sum of parts".
 * Both report_check() and report_suppress() work on this one description.
 */
#define ROWS_PER_REPORT (3 + CODE__COUNT + AGE__COUNT * REPORT_EXPL_ROWS + 3)
#define MAX_VARS (3 + BUCKET__COUNT * ROWS_PER_REPORT + REF__COUNT + 1 + 2)
#define MAX_RELS (5 + ROWS_PER_REPORT + 1)
#define MAX_PARTS REPORT_TABLE_MAX_PARTS
_Static_assert(REPORT_TABLE_MAX_CELLS <= MAX_VARS, "a table fits the report's suppression state");
_Static_assert(REF__COUNT + 1 <= MAX_PARTS && BUCKET_TOTAL <= MAX_PARTS, "relation size");

enum vstate {
	V_PUBLISHED,  /* shown as is */
	V_SUPPRESSED, /* withheld; >= 1 because 0 is never withheld */
	V_HIDDEN,     /* never published (Ua, Uc), not known to a reader */
	V_RESOLVED,   /* never published, but a reader can work it out */
};

struct svar {
	int64_t *cell;  /* NULL for Ua and Uc */
	int64_t value;  /* the exact value */
	enum vstate state;
};

struct srel {
	const char *name; /* for report_check's message */
	int total;
	int n_parts;
	int parts[MAX_PARTS];
};

struct supp {
	struct svar v[MAX_VARS];
	int nv;
	struct srel rel[MAX_RELS];
	int nr;
	int ua, uc;     /* the indices of the hidden variables */
};

static int supp_var(struct supp *s, int64_t *cell, int64_t value, enum vstate st)
{
	struct svar *v = &s->v[s->nv];
	v->cell = cell;
	v->value = value;
	v->state = st;
	return s->nv++;
}

static int supp_cell(struct supp *s, int64_t *cell)
{
	return supp_var(s, cell, *cell, V_PUBLISHED);
}

static struct srel *supp_rel(struct supp *s, const char *name, int total)
{
	struct srel *r = &s->rel[s->nr++];
	r->name = name;
	r->total = total;
	r->n_parts = 0;
	return r;
}

static void rel_part(struct srel *r, int var)
{
	r->parts[r->n_parts++] = var;
}

/*
 * Builds the variables and relations of r into s. The report is not
 * changed here; report_suppress() writes back through the cell pointers.
 * Ua and Uc are derived from r (report_check() verifies they are >= 0).
 */
static void supp_build(struct supp *s, struct report *r)
{
	struct {
		const char *name;
		struct report_row *row;
	} rows[ROWS_PER_REPORT];
	int nrows = 0, first[ROWS_PER_REPORT];
	static const char *const row_names[] = { "F: primary row", "F: secondary_children row",
						 "F: children_elsewhere row" };

	s->nv = 0;
	s->nr = 0;

	int p_total = supp_cell(s, &r->persons.total);
	int p_adults = supp_cell(s, &r->persons.adults);
	int p_children = supp_cell(s, &r->persons.children);

	rows[nrows].name = row_names[0], rows[nrows++].row = &r->primary;
	rows[nrows].name = row_names[1], rows[nrows++].row = &r->secondary_children;
	rows[nrows].name = row_names[2], rows[nrows++].row = &r->children_elsewhere;
	for (int c = 0; c < CODE__COUNT; c++)
		rows[nrows].name = "F: an intervention row", rows[nrows++].row = &r->interventions[c];
	for (int a = 0; a < AGE__COUNT; a++)
		for (int e = 0; e < REPORT_EXPL_ROWS; e++)
			rows[nrows].name = "F: an exploitation row", rows[nrows++].row = &r->exploitation[a][e];
	rows[nrows].name = "F: the contacts row", rows[nrows++].row = &r->contacts.contacts;
	rows[nrows].name = "F: the distinct persons row", rows[nrows++].row = &r->contacts.distinct;
	rows[nrows].name = "F: the entered the programme row", rows[nrows++].row = &r->contacts.entered;

	for (int i = 0; i < nrows; i++) {
		first[i] = s->nv;
		for (int b = 0; b < BUCKET__COUNT; b++)
			supp_cell(s, &rows[i].row->n[b]);
	}
	int ref_first = s->nv;
	for (int f = 0; f < REF__COUNT; f++)
		supp_cell(s, &r->referrals_reflection[f]);
	int ref_none = supp_cell(s, &r->referrals_not_recorded);

	/* Ua and Uc as the exact report implies them; -1 (refused by
	 * report_check) when a figure is out of range, so nothing overflows. */
	const int64_t *pn = r->primary.n;
	int64_t ua = r->persons.adults, uc = -1;
	for (int b = BUCKET_WOMEN; b <= BUCKET_NON_BINARY && ua >= 0; b++)
		ua = pn[b] < 0 || pn[b] > MONEY_MAX_ORE || ua > MONEY_MAX_ORE ? -1 : ua - pn[b];
	if (ua >= 0 && pn[BUCKET_UNKNOWN] >= 0 && pn[BUCKET_UNKNOWN] <= MONEY_MAX_ORE)
		uc = pn[BUCKET_UNKNOWN] - ua;
	s->ua = supp_var(s, NULL, ua, V_HIDDEN);
	s->uc = supp_var(s, NULL, uc, V_HIDDEN);

	struct srel *x;
	int prim = first[0], sec = first[1], els = first[2];

	x = supp_rel(s, "A: persons.total = adults + children", p_total);
	rel_part(x, p_adults);
	rel_part(x, p_children);

	x = supp_rel(s, "B: persons.total = primary + secondary + elsewhere", p_total);
	rel_part(x, prim + BUCKET_TOTAL);
	rel_part(x, sec + BUCKET_TOTAL);
	rel_part(x, els + BUCKET_TOTAL);

	x = supp_rel(s, "C: persons.adults = primary adult buckets + Ua", p_adults);
	for (int b = BUCKET_WOMEN; b <= BUCKET_NON_BINARY; b++)
		rel_part(x, prim + b);
	rel_part(x, s->ua);

	x = supp_rel(s, "D: persons.children = primary girls + boys + Uc + secondary + elsewhere",
		     p_children);
	rel_part(x, prim + BUCKET_GIRLS);
	rel_part(x, prim + BUCKET_BOYS);
	rel_part(x, s->uc);
	rel_part(x, sec + BUCKET_TOTAL);
	rel_part(x, els + BUCKET_TOTAL);

	x = supp_rel(s, "E: primary.unknown = Ua + Uc", prim + BUCKET_UNKNOWN);
	rel_part(x, s->ua);
	rel_part(x, s->uc);

	for (int i = 0; i < nrows; i++) {
		x = supp_rel(s, rows[i].name, first[i] + BUCKET_TOTAL);
		for (int b = 0; b < BUCKET_TOTAL; b++)
			rel_part(x, first[i] + b);
	}

	x = supp_rel(s, "G: reflection recipients = referral sources + not recorded",
		     first[3 + CODE_REFLECTION] + BUCKET_TOTAL);
	for (int f = 0; f < REF__COUNT; f++)
		rel_part(x, ref_first + f);
	rel_part(x, ref_none);
}

static int fail(char *err, size_t errsz, const char *what)
{
	if (err && errsz)
		snprintf(err, errsz, "inconsistent report: %s", what);
	return -1;
}

int report_check(const struct report *r, char *err, size_t errsz)
{
	struct supp s;
	int64_t sum;

	/* supp_build only takes the cells' addresses; nothing is written. */
	supp_build(&s, (struct report *)r);
	for (int i = 0; i < s.nv; i++)
		if (s.v[i].value < 0)
			return fail(err, errsz, s.v[i].cell ? "a negative or suppressed person count"
							    : "Ua/Uc negative (buckets exceed adults or unknown)");
	for (int i = 0; i < s.nr; i++) {
		const struct srel *x = &s.rel[i];
		sum = 0;
		for (int j = 0; j < x->n_parts; j++)
			if (money_add(sum, s.v[x->parts[j]].value, &sum) != 0)
				return fail(err, errsz, "a person count out of range");
		if (sum != s.v[x->total].value)
			return fail(err, errsz, x->name);
	}

	if (r->persons.distinct_known && (r->persons.distinct < 0 || r->persons.distinct > r->persons.total))
		return fail(err, errsz, "distinct persons below 0 or above the persons covered");

	const struct report_money *m = &r->money;
	if (m->budget_ore < 0 || m->committed_ore < 0 || m->paid_ore < 0)
		return fail(err, errsz, "negative money");
	sum = 0;
	for (int c = 0; c < CODE__COUNT; c++) {
		if (m->paid_by_code_ore[c] < 0 || money_add(sum, m->paid_by_code_ore[c], &sum) != 0)
			return fail(err, errsz, "paid per code out of range");
	}
	if (sum != m->paid_ore)
		return fail(err, errsz, "paid per code does not add up to paid");

	int64_t denials = 0;
	for (int a = 0; a < ACTOR__COUNT; a++)
		for (int c = 0; c < REASON__COUNT; c++) {
			if (r->complementarity.denials[a][c] < 0)
				return fail(err, errsz, "negative denial count");
			denials += r->complementarity.denials[a][c];
		}
	if (denials != r->complementarity.by_basis[BASIS_PUBLIC_ACTOR_DENIED])
		return fail(err, errsz, "denials do not add up to public_actor_denied applications");
	const struct report_contacts *c = &r->contacts;
	if (c->distinct.n[BUCKET_TOTAL] > c->contacts.n[BUCKET_TOTAL] ||
	    c->entered.n[BUCKET_TOTAL] > c->distinct.n[BUCKET_TOTAL])
		return fail(err, errsz, "more distinct persons than contacts, or entered than distinct");
	return 0;
}

/* ------------------------------------------------------------------ suppression */

static bool unknown(const struct svar *v)
{
	return v->state == V_SUPPRESSED || v->state == V_HIDDEN;
}

/* The smallest non-zero published cell of relation x (ties: lowest index), or -1. */
static int rel_smallest(const struct supp *s, const struct srel *x)
{
	int best = -1;
	for (int j = -1; j < x->n_parts; j++) {
		int i = j < 0 ? x->total : x->parts[j];
		const struct svar *v = &s->v[i];
		if (v->state != V_PUBLISHED || v->value <= 0)
			continue;
		if (best < 0 || v->value < s->v[best].value || (v->value == s->v[best].value && i < best))
			best = i;
	}
	return best;
}

static int rel_has(const struct srel *x, int var)
{
	if (x->total == var)
		return 1;
	for (int j = 0; j < x->n_parts; j++)
		if (x->parts[j] == var)
			return 1;
	return 0;
}

/*
 * Withholds cell i. What a reader could work out about Ua and Uc was worked
 * out from what was published before; it is worked out again from now on.
 */
static void suppress_cell(struct supp *s, int i)
{
	s->v[i].state = V_SUPPRESSED;
	for (int j = 0; j < s->nv; j++)
		if (s->v[j].state == V_RESOLVED)
			s->v[j].state = V_HIDDEN;
}

static int suppress_near(struct supp *s, int var);

/* Suppresses the smallest non-zero published cell of x, which gives away
 * var; when x has none (its other cells are zero or Ua/Uc worked out
 * elsewhere), a cell of the nearest relation that has one. */
static int suppress_in(struct supp *s, const struct srel *x, int var)
{
	int i = rel_smallest(s, x);
	if (i < 0)
		return suppress_near(s, var);
	suppress_cell(s, i);
	return 0;
}

/* Step 1: a relation with exactly one unknown gives it away. */
static int step_single(struct supp *s, bool *changed)
{
	for (int r = 0; r < s->nr; r++) {
		const struct srel *x = &s->rel[r];
		int n = 0, last = -1;
		for (int j = -1; j < x->n_parts; j++) {
			int i = j < 0 ? x->total : x->parts[j];
			if (unknown(&s->v[i]))
				n++, last = i;
		}
		if (n != 1)
			continue;
		*changed = true;
		if (s->v[last].state == V_HIDDEN) {
			s->v[last].state = V_RESOLVED;
			continue;
		}
		return suppress_in(s, x, last); /* the resolved values are stale now */
	}
	return 0;
}

/*
 * Step 2: with the total known, the unknown parts add up to a known S; each
 * withheld part is >= 1 and each hidden one >= 0, so when S equals those
 * lower bounds every unknown part is pinned at its bound.
 */
static int step_bounds(struct supp *s, bool *changed)
{
	for (int r = 0; r < s->nr; r++) {
		const struct srel *x = &s->rel[r];
		if (unknown(&s->v[x->total]))
			continue;
		int64_t rest = s->v[x->total].value, low = 0;
		int n_unknown = 0, n_suppressed = 0;
		for (int j = 0; j < x->n_parts; j++) {
			const struct svar *v = &s->v[x->parts[j]];
			if (!unknown(v)) {
				rest -= v->value;
				continue;
			}
			n_unknown++;
			if (v->state == V_SUPPRESSED)
				n_suppressed++, low++;
		}
		if (n_unknown == 0 || rest != low)
			continue;
		*changed = true;
		if (n_suppressed > 0)
			return suppress_in(s, x, x->total); /* the total is published and > 0 */
		for (int j = 0; j < x->n_parts; j++)
			if (s->v[x->parts[j]].state == V_HIDDEN)
				s->v[x->parts[j]].state = V_RESOLVED;
	}
	return 0;
}

/* Entries stay tiny (the coefficients are 0 and ±1 and rows are divided by
 * their gcd), so a bound of 2^31 per factor is never reached in practice; if
 * it were, suppression fails rather than publish something unchecked. */
#define ENTRY_MAX 2147483647LL

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static int64_t gcd64(int64_t a, int64_t b)
{
	a = abs64(a);
	b = abs64(b);
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * Reduces m (rows x cols, row-major) to reduced row-echelon form in exact
 * integer arithmetic (each row scaled, never divided inexactly). pivot[r]
 * gets the pivot column of row r, or -1. Returns 0, -1 on overflow.
 */
static int rref(int64_t *m, int rows, int cols, int *pivot)
{
	int pr = 0;
	for (int r = 0; r < rows; r++)
		pivot[r] = -1;
	for (int c = 0; c < cols && pr < rows; c++) {
		int sel = -1;
		for (int r = pr; r < rows; r++)
			if (m[(size_t)r * cols + c] != 0) {
				sel = r;
				break;
			}
		if (sel < 0)
			continue;
		if (sel != pr)
			for (int k = 0; k < cols; k++) {
				int64_t t = m[(size_t)sel * cols + k];
				m[(size_t)sel * cols + k] = m[(size_t)pr * cols + k];
				m[(size_t)pr * cols + k] = t;
			}
		int64_t *prow = &m[(size_t)pr * cols];
		for (int r = 0; r < rows; r++) {
			int64_t *row = &m[(size_t)r * cols];
			if (r == pr || row[c] == 0)
				continue;
			int64_t a = row[c], p = prow[c], g = 0;
			for (int k = 0; k < cols; k++) {
				if (abs64(row[k]) > ENTRY_MAX || abs64(prow[k]) > ENTRY_MAX ||
				    abs64(a) > ENTRY_MAX || abs64(p) > ENTRY_MAX)
					return -1;
				row[k] = row[k] * p - prow[k] * a;
				g = gcd64(g, row[k]);
			}
			if (g > 1)
				for (int k = 0; k < cols; k++)
					row[k] /= g;
		}
		pivot[pr++] = c;
	}
	return 0;
}

/*
 * The first relations (breadth-first from the relations that hold var,
 * stepping through the cells that are not published) that have a non-zero
 * published cell; suppresses the smallest such cell. -1 when there is none.
 */
static int suppress_near(struct supp *s, int var)
{
	bool rel_seen[MAX_RELS] = { false }, var_seen[MAX_VARS] = { false };
	int queue[MAX_VARS], head = 0, tail = 0;

	queue[tail++] = var;
	var_seen[var] = true;
	while (head < tail) {
		/* One level: every unseen relation of the vars in the queue now. */
		int level_end = tail, best_rel = -1, best = -1;
		for (; head < level_end; head++) {
			for (int r = 0; r < s->nr; r++) {
				if (rel_seen[r] || !rel_has(&s->rel[r], queue[head]))
					continue;
				rel_seen[r] = true;
				int i = rel_smallest(s, &s->rel[r]);
				if (i >= 0 && (best < 0 || s->v[i].value < s->v[best].value ||
					       (s->v[i].value == s->v[best].value && i < best)))
					best = i, best_rel = r;
				const struct srel *x = &s->rel[r];
				/* Step through what is not published: withheld cells and
				 * Ua/Uc, also when a reader has worked them out. */
				for (int j = -1; j < x->n_parts; j++) {
					int k = j < 0 ? x->total : x->parts[j];
					if (!var_seen[k] && s->v[k].state != V_PUBLISHED) {
						var_seen[k] = true;
						queue[tail++] = k;
					}
				}
			}
		}
		if (best_rel >= 0) {
			suppress_cell(s, best);
			return 0;
		}
	}
	return -1;
}

/*
 * Step 3: Gaussian elimination of the relations over the unknowns (the
 * published values are constants and do not matter for which unknowns are
 * determined). An unknown is determined exactly when its pivot row has no
 * other non-zero entry.
 */
static int step_linear(struct supp *s, bool *changed)
{
	int col_var[MAX_VARS], var_col[MAX_VARS], ncols = 0, pivot[MAX_RELS];
	int64_t *m;

	for (int i = 0; i < s->nv; i++) {
		var_col[i] = -1;
		if (unknown(&s->v[i])) {
			var_col[i] = ncols;
			col_var[ncols++] = i;
		}
	}
	if (ncols == 0)
		return 0;
	m = calloc((size_t)s->nr * (size_t)ncols, sizeof *m);
	if (m == NULL)
		return -1;
	for (int r = 0; r < s->nr; r++) {
		const struct srel *x = &s->rel[r];
		int64_t *row = &m[(size_t)r * ncols];
		if (var_col[x->total] >= 0)
			row[var_col[x->total]] += 1;
		for (int j = 0; j < x->n_parts; j++)
			if (var_col[x->parts[j]] >= 0)
				row[var_col[x->parts[j]]] -= 1;
	}
	if (rref(m, s->nr, ncols, pivot) != 0) {
		free(m);
		return -1;
	}

	int determined_suppressed = -1;
	for (int r = 0; r < s->nr && pivot[r] >= 0; r++) {
		const int64_t *row = &m[(size_t)r * ncols];
		bool alone = true;
		for (int c = pivot[r] + 1; c < ncols && alone; c++)
			if (row[c] != 0)
				alone = false;
		if (!alone)
			continue;
		int var = col_var[pivot[r]];
		if (s->v[var].state == V_HIDDEN) {
			s->v[var].state = V_RESOLVED;
			*changed = true;
		} else if (determined_suppressed < 0) {
			determined_suppressed = var;
		}
	}
	free(m);
	/* Resolved hidden values may change the picture: look again first. */
	if (*changed || determined_suppressed < 0)
		return 0;
	*changed = true;
	return suppress_near(s, determined_suppressed);
}

/* Primary suppression of s with threshold k, then the rounds of secondary
 * suppression until nothing changes. 0, or -1 on overflow. */
static int supp_run(struct supp *s, int k)
{
	bool changed;

	for (int i = 0; i < s->nv; i++)
		if (s->v[i].cell && s->v[i].value >= 1 && s->v[i].value < k)
			s->v[i].state = V_SUPPRESSED;
	/* Every round either ends or turns one more variable unknown or
	 * resolved, so there are at most nv rounds with a change. */
	do {
		changed = false;
		if (step_single(s, &changed) != 0)
			return -1;
		if (!changed && step_bounds(s, &changed) != 0)
			return -1;
		if (!changed && step_linear(s, &changed) != 0)
			return -1;
	} while (changed);
	return 0;
}

int report_suppress(struct report *r, int k)
{
	struct supp s;

	if (k < 1 || r->open_data_k != 0 || report_check(r, NULL, 0) != 0)
		return -1;
	supp_build(&s, r);
	if (supp_run(&s, k) != 0)
		return -1;
	for (int i = 0; i < s.nv; i++)
		if (s.v[i].state == V_SUPPRESSED)
			*s.v[i].cell = REPORT_SUPPRESSED;
	/* Distinct persons stand in no relation, but bound the total from below,
	 * and total - distinct counts the persons registered more than once: the
	 * figure goes with a suppressed total, and when it or that difference is
	 * below k (0 stays 0). */
	struct report_persons *p = &r->persons;
	if (p->distinct_known && p->distinct > 0 &&
	    (p->total == REPORT_SUPPRESSED || p->distinct < k || (p->total - p->distinct > 0 && p->total - p->distinct < k)))
		p->distinct = REPORT_SUPPRESSED;
	r->open_data_k = k;
	return 0;
}

int report_suppress_table(int64_t *cells, int n, const struct report_table_rel *rels, int nr, int k)
{
	struct supp s;

	if (k < 1 || n < 0 || n > REPORT_TABLE_MAX_CELLS || nr < 0 || nr > MAX_RELS)
		return -1;
	for (int i = 0; i < n; i++)
		if (cells[i] < 0 || cells[i] > MONEY_MAX_ORE)
			return -1;
	for (int r = 0; r < nr; r++) {
		int64_t sum = 0;
		if (rels[r].total < 0 || rels[r].total >= n || rels[r].n_parts < 0 ||
		    rels[r].n_parts > REPORT_TABLE_MAX_PARTS)
			return -1;
		for (int j = 0; j < rels[r].n_parts; j++) {
			if (rels[r].parts[j] < 0 || rels[r].parts[j] >= n)
				return -1;
			sum += cells[rels[r].parts[j]];
		}
		if (sum != cells[rels[r].total])
			return -1;
	}
	s.nv = s.nr = 0;
	s.ua = s.uc = -1;
	for (int i = 0; i < n; i++)
		supp_cell(&s, &cells[i]);
	for (int r = 0; r < nr; r++) {
		struct srel *x = supp_rel(&s, "table", rels[r].total);
		for (int j = 0; j < rels[r].n_parts; j++)
			rel_part(x, rels[r].parts[j]);
	}
	if (supp_run(&s, k) != 0)
		return -1;
	for (int i = 0; i < s.nv; i++)
		if (s.v[i].state == V_SUPPRESSED)
			cells[i] = REPORT_SUPPRESSED;
	return 0;
}
