/*
 * The report's tables (tables.h): which figures go in which row and column,
 * under which heading. Pure layout; the writers only render. Each word is a
 * catalogue key looked up in the report's language (labels.h).
 */
#include "report/tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/labels.h"

/* The largest tables: interventions (10 rows x 9 buckets), referrals
 * (sources + not recorded + total), paid per code (+ total), denials
 * (actors + total) x (reasons + total). */
_Static_assert(BUCKET__COUNT <= RT_MAX_COLS && REASON__COUNT + 1 <= RT_MAX_COLS, "columns");
_Static_assert(REF__COUNT + 2 <= RT_MAX_ROWS && CODE__COUNT + 1 <= RT_MAX_ROWS &&
	       REPORT_EXPL_ROWS <= RT_MAX_ROWS && ACTOR__COUNT + 1 <= RT_MAX_ROWS, "rows");

/* The text of key in the tables' language. A missing word is counted (a
 * unit test keeps the count 0 in every language) and shown as its key. */
static const char *L(struct report_tables *ts, const char *key)
{
	const char *s = report_label(ts->lang, key);
	if (s)
		return s;
	ts->missing++;
	return i18n(ts->lang, key); /* logs it and gives the key */
}

/* The label of value v of e, as L(): "?" when missing. */
static const char *V(struct report_tables *ts, const struct enum_def *e, int v)
{
	const char *s = report_label_of(ts->lang, e, v);
	if (s)
		return s;
	ts->missing++;
	fprintf(stderr, "nsp: i18n: missing %s label of %s.%s\n", i18n_code(ts->lang), e->name, enum_name(e, v));
	return "?";
}

/* A table with id key (an HTML anchor), the heading of catalogue key title,
 * the XLSX sheet name "report.sheet.<key>" and the label column's heading
 * of catalogue key corner. */
static struct rtable *add_table(struct report_tables *ts, const char *key, const char *title,
				const char *corner, enum rt_kind kind)
{
	char skey[64];
	struct rtable *t;

	if (ts->n >= RT_MAX_TABLES)
		abort(); /* a layout bug: the tests write every table */
	t = &ts->t[ts->n++];

	memset(t, 0, sizeof *t);
	snprintf(skey, sizeof skey, "report.sheet.%s", key);
	t->key = key;
	t->title = L(ts, title);
	t->sheet = L(ts, skey);
	t->corner = L(ts, corner);
	t->kind = kind;
	return t;
}

static void add_col(struct rtable *t, const char *label, int bucket)
{
	t->col_bucket[t->ncols] = bucket;
	t->cols[t->ncols++] = label;
}

static void add_bucket_cols(struct report_tables *ts, struct rtable *t, const enum bucket *b, int n)
{
	for (int i = 0; i < n; i++)
		add_col(t, V(ts, &enum_bucket, (int)b[i]), (int)b[i]);
}

static struct rt_row *add_row(struct rtable *t, const char *label)
{
	struct rt_row *row = &t->rows[t->nrows++];
	row->label = label;
	row->id = NULL;
	for (int i = 0; i < RT_MAX_COLS; i++)
		row->v[i] = 0;
	return row;
}

/* A one-column table of the same figure per row. */
static void add_value_row(struct rtable *t, const char *label, int64_t v)
{
	add_row(t, label)->v[0] = v;
}

/* A row of a bucket table: the values of the table's bucket columns. */
static void add_bucket_row(struct rtable *t, const char *label, const struct report_row *r)
{
	struct rt_row *row = add_row(t, label);
	for (int c = 0; c < t->ncols; c++)
		row->v[c] = r->n[t->col_bucket[c]];
}

/* A bucket row shown vertically, as the 2025 report does: one row per bucket. */
static void add_vertical(struct report_tables *ts, const char *key, const char *title,
			 const struct report_row *r, const enum bucket *b, int n)
{
	struct rtable *t = add_table(ts, key, title, "report.gender", RT_COUNT);
	add_col(t, L(ts, "report.count"), -1);
	for (int i = 0; i < n; i++)
		add_value_row(t, V(ts, &enum_bucket, (int)b[i]), r->n[b[i]]);
}

/* The sum of counts, or REPORT_SUPPRESSED if any of them is. Only for event
 * counts, which are never suppressed; kept safe for person counts anyway. */
static int64_t sum_counts(const int64_t *v, int n, int stride)
{
	int64_t s = 0;
	for (int i = 0; i < n; i++) {
		if (v[(size_t)i * stride] < 0)
			return REPORT_SUPPRESSED;
		s += v[(size_t)i * stride];
	}
	return s;
}

/* "Paid per intervention": each code's row (its id the code), then the total. */
static void add_paid_by_code(struct report_tables *ts, const int64_t paid_ore[CODE__COUNT], int64_t total_ore)
{
	struct rtable *t = add_table(ts, "paid_by_code", "report.paid_by_code_heading", "report.intervention", RT_MONEY);
	add_col(t, L(ts, "report.amount"), -1);
	for (int c = 0; c < CODE__COUNT; c++) {
		add_value_row(t, V(ts, &enum_code, c), paid_ore[c]);
		t->rows[t->nrows - 1].id = enum_name(&enum_code, c);
	}
	add_value_row(t, L(ts, "bucket.total"), total_ore);
}

void report_tables_paid_by_code(const int64_t paid_ore[CODE__COUNT], int64_t total_ore, enum lang l,
				struct report_tables *ts)
{
	memset(ts, 0, sizeof *ts);
	ts->lang = l;
	add_paid_by_code(ts, paid_ore, total_ore);
}

void report_tables_build(const struct report *r, enum lang l, struct report_tables *ts)
{
	static const enum bucket all[] = {
		BUCKET_WOMEN, BUCKET_MEN, BUCKET_TRANS_WOMEN, BUCKET_TRANS_MEN, BUCKET_NON_BINARY,
		BUCKET_GIRLS, BUCKET_BOYS, BUCKET_UNKNOWN, BUCKET_TOTAL,
	};
	static const enum bucket adults[] = {
		BUCKET_WOMEN, BUCKET_MEN, BUCKET_TRANS_WOMEN, BUCKET_TRANS_MEN, BUCKET_NON_BINARY,
		BUCKET_UNKNOWN, BUCKET_TOTAL,
	};
	static const enum bucket children[] = { BUCKET_GIRLS, BUCKET_BOYS, BUCKET_UNKNOWN, BUCKET_TOTAL };
	const int n_all = (int)(sizeof all / sizeof all[0]);
	const int n_adults = (int)(sizeof adults / sizeof adults[0]);
	const int n_children = (int)(sizeof children / sizeof children[0]);
	struct rtable *t;
	struct rt_row *row;

	memset(ts, 0, sizeof *ts);
	ts->lang = l;
	snprintf(ts->title, sizeof ts->title, "%s – %s %d", L(ts, "report.programme"), L(ts, "report.title"),
		 r->year);
	ts->open_data = r->open_data_k != 0;
	ts->note = ts->open_data ? L(ts, "report.open_data") : L(ts, "report.exact");
	ts->chart_none = L(ts, "report.chart_none");
	ts->chart_suppressed = L(ts, "report.chart_suppressed");

	t = add_table(ts, "persons", "report.persons", "report.category", RT_COUNT);
	add_col(t, L(ts, "report.count"), -1);
	add_value_row(t, L(ts, "bucket.total"), r->persons.total);
	add_value_row(t, L(ts, "report.persons_adults"), r->persons.adults);
	add_value_row(t, L(ts, "report.persons_children"), r->persons.children);
	if (r->persons.distinct_known)
		add_value_row(t, L(ts, "report.persons_distinct"), r->persons.distinct);

	/* Secondary and elsewhere children are children: the adult buckets are
	 * always 0 there and would only add empty rows. */
	add_vertical(ts, "primary", "report.primary", &r->primary, all, n_all);
	add_vertical(ts, "secondary_children", "report.secondary_children", &r->secondary_children, children,
		     n_children);
	add_vertical(ts, "children_elsewhere", "report.children_elsewhere", &r->children_elsewhere, children,
		     n_children);

	t = add_table(ts, "interventions", "report.interventions_heading", "report.intervention", RT_COUNT);
	t->chart = L(ts, "report.chart_interventions");
	add_bucket_cols(ts, t, all, n_all);
	for (int c = 0; c < CODE__COUNT; c++) {
		add_bucket_row(t, V(ts, &enum_code, c), &r->interventions[c]);
		t->rows[t->nrows - 1].id = enum_name(&enum_code, c);
	}

	static const char *const expl_keys[AGE__COUNT] = { "exploitation_adults", "exploitation_children" };
	static const char *const expl_titles[AGE__COUNT] = { "report.exploitation_adults",
							     "report.exploitation_children" };
	static const char *const expl_charts[AGE__COUNT] = { "report.chart_exploitation_adults",
							     "report.chart_exploitation_children" };
	for (int a = 0; a < AGE__COUNT; a++) {
		t = add_table(ts, expl_keys[a], expl_titles[a], "report.exploitation_form", RT_COUNT);
		t->chart = L(ts, expl_charts[a]);
		if (a == AGE_ADULT)
			add_bucket_cols(ts, t, adults, n_adults);
		else
			add_bucket_cols(ts, t, children, n_children);
		for (int e = 0; e < REPORT_EXPL_ROWS; e++) {
			const char *label = e == REPORT_EXPL_MULTIPLE ? L(ts, "report.exploitation.multiple")
								       : V(ts, &enum_exploitation, e);
			add_bucket_row(t, label, &r->exploitation[a][e]);
		}
	}

	t = add_table(ts, "referrals", "report.referrals", "report.referral_source", RT_COUNT);
	add_col(t, L(ts, "report.count"), -1);
	for (int f = 0; f < REF__COUNT; f++)
		add_value_row(t, V(ts, &enum_referral, f), r->referrals_reflection[f]);
	add_value_row(t, L(ts, "report.referral_not_recorded"), r->referrals_not_recorded);
	add_value_row(t, L(ts, "bucket.total"), r->interventions[CODE_REFLECTION].n[BUCKET_TOTAL]);

	t = add_table(ts, "money", "report.money", "report.category", RT_MONEY);
	add_col(t, L(ts, "report.amount"), -1);
	add_value_row(t, L(ts, "report.money.budget"), r->money.budget_set ? r->money.budget_ore : RT_NONE);
	if (!r->money.budget_set)
		t->note = L(ts, "report.money.no_budget");
	add_value_row(t, L(ts, "report.money.committed"), r->money.committed_ore);
	add_value_row(t, L(ts, "report.paid"), r->money.paid_ore);

	add_paid_by_code(ts, r->money.paid_by_code_ore, r->money.paid_ore);

	t = add_table(ts, "decisions", "report.decisions_heading", "report.decision", RT_COUNT);
	add_col(t, L(ts, "report.count"), -1);
	for (int o = 0; o < OUTCOME__COUNT; o++)
		add_value_row(t, V(ts, &enum_outcome, o), r->decisions.by_outcome[o]);
	add_value_row(t, L(ts, "bucket.total"), sum_counts(r->decisions.by_outcome, OUTCOME__COUNT, 1));
	add_value_row(t, L(ts, "report.decisions.emergency"), r->decisions.emergency);

	t = add_table(ts, "placement_requests", "report.placement_requests", "report.placement_outcome", RT_COUNT);
	add_col(t, L(ts, "report.count"), -1);
	for (int o = 0; o < PLACEMENT__COUNT; o++)
		add_value_row(t, V(ts, &enum_placement_outcome, o), r->placement_requests[o]);
	add_value_row(t, L(ts, "bucket.total"), sum_counts(r->placement_requests, PLACEMENT__COUNT, 1));

	t = add_table(ts, "consultations", "report.consultations_heading", "report.category", RT_COUNT);
	add_col(t, L(ts, "report.count"), -1);
	add_value_row(t, L(ts, "report.consultations.count"), r->consultations);

	t = add_table(ts, "basis", "report.basis", "report.basis_kind", RT_COUNT);
	add_col(t, L(ts, "report.count"), -1);
	for (int b = 0; b < BASIS__COUNT; b++)
		add_value_row(t, V(ts, &enum_basis_kind, b), r->complementarity.by_basis[b]);
	add_value_row(t, L(ts, "bucket.total"), sum_counts(r->complementarity.by_basis, BASIS__COUNT, 1));

	t = add_table(ts, "denials", "report.denials_heading", "report.actor", RT_COUNT);
	for (int c = 0; c < REASON__COUNT; c++)
		add_col(t, V(ts, &enum_reason_category, c), -1);
	add_col(t, L(ts, "bucket.total"), -1);
	for (int a = 0; a < ACTOR__COUNT; a++) {
		row = add_row(t, V(ts, &enum_actor_kind, a));
		for (int c = 0; c < REASON__COUNT; c++)
			row->v[c] = r->complementarity.denials[a][c];
		row->v[REASON__COUNT] = sum_counts(r->complementarity.denials[a], REASON__COUNT, 1);
	}
	row = add_row(t, L(ts, "bucket.total"));
	for (int c = 0; c < REASON__COUNT; c++)
		row->v[c] = sum_counts(&r->complementarity.denials[0][c], ACTOR__COUNT, REASON__COUNT);
	row->v[REASON__COUNT] = r->complementarity.by_basis[BASIS_PUBLIC_ACTOR_DENIED];

	/* Persons in contact with the platform (issue 19): three populations, one row each. */
	t = add_table(ts, "contacts", "report.contacts_heading", "report.category", RT_COUNT);
	t->chart = L(ts, "report.chart_contacts");
	t->note = L(ts, "report.contacts_note");
	add_bucket_cols(ts, t, all, n_all);
	add_bucket_row(t, L(ts, "report.contacts.contacts"), &r->contacts.contacts);
	add_bucket_row(t, L(ts, "report.contacts.distinct"), &r->contacts.distinct);
	add_bucket_row(t, L(ts, "report.contacts.entered"), &r->contacts.entered);
}
