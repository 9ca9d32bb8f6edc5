/*
 * The report's tables (tables.h): which figures go in which row and column,
 * under which Swedish heading. Pure layout; the writers only render.
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

static const char *L(const char *key)
{
	const char *s = report_label(key);
	return s ? s : key;
}

static struct rtable *add_table(struct report_tables *ts, const char *key, const char *sheet,
				const char *corner, enum rt_kind kind)
{
	char lkey[64];
	struct rtable *t;

	if (ts->n >= RT_MAX_TABLES)
		abort(); /* a layout bug: the tests write every table */
	t = &ts->t[ts->n++];

	memset(t, 0, sizeof *t);
	snprintf(lkey, sizeof lkey, "report.%s", key);
	t->key = key;
	t->title = L(lkey);
	t->sheet = sheet;
	t->corner = L(corner);
	t->kind = kind;
	return t;
}

static void add_col(struct rtable *t, const char *label, int bucket)
{
	t->col_bucket[t->ncols] = bucket;
	t->cols[t->ncols++] = label;
}

static void add_bucket_cols(struct rtable *t, const enum bucket *b, int n)
{
	for (int i = 0; i < n; i++)
		add_col(t, report_label_of(&enum_bucket, (int)b[i]), (int)b[i]);
}

static struct rt_row *add_row(struct rtable *t, const char *label)
{
	struct rt_row *row = &t->rows[t->nrows++];
	row->label = label;
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
static void add_vertical(struct report_tables *ts, const char *key, const char *sheet,
			 const struct report_row *r, const enum bucket *b, int n)
{
	struct rtable *t = add_table(ts, key, sheet, "report.gender", RT_COUNT);
	add_col(t, L("report.count"), -1);
	for (int i = 0; i < n; i++)
		add_value_row(t, report_label_of(&enum_bucket, (int)b[i]), r->n[b[i]]);
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

void report_tables_build(const struct report *r, struct report_tables *ts)
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
	snprintf(ts->title, sizeof ts->title, "%s – %s %d", L("report.programme"), L("report.title"),
		 r->year);
	ts->open_data = r->open_data_k != 0;
	ts->note = ts->open_data ? L("report.open_data") : L("report.exact");

	t = add_table(ts, "persons", "Personer", "report.category", RT_COUNT);
	add_col(t, L("report.count"), -1);
	add_value_row(t, L("report.persons.total"), r->persons.total);
	add_value_row(t, L("report.persons.adults"), r->persons.adults);
	add_value_row(t, L("report.persons.children"), r->persons.children);

	/* Secondary and elsewhere children are children: the adult buckets are
	 * always 0 there and would only add empty rows. */
	add_vertical(ts, "primary", "Primära stödmottagare", &r->primary, all, n_all);
	add_vertical(ts, "secondary_children", "Sekundära barn", &r->secondary_children, children,
		     n_children);
	add_vertical(ts, "children_elsewhere", "Barn i hemlandet", &r->children_elsewhere, children,
		     n_children);

	t = add_table(ts, "interventions", "Insatser", "report.intervention", RT_COUNT);
	t->chart = L("report.chart_interventions");
	add_bucket_cols(t, all, n_all);
	for (int c = 0; c < CODE__COUNT; c++)
		add_bucket_row(t, report_label_of(&enum_code, c), &r->interventions[c]);

	static const char *const expl_keys[AGE__COUNT] = { "exploitation_adults", "exploitation_children" };
	static const char *const expl_sheets[AGE__COUNT] = { "Exploatering vuxna", "Exploatering barn" };
	static const char *const expl_charts[AGE__COUNT] = { "report.chart_exploitation_adults",
							     "report.chart_exploitation_children" };
	for (int a = 0; a < AGE__COUNT; a++) {
		t = add_table(ts, expl_keys[a], expl_sheets[a], "report.exploitation_form", RT_COUNT);
		t->chart = L(expl_charts[a]);
		if (a == AGE_ADULT)
			add_bucket_cols(t, adults, n_adults);
		else
			add_bucket_cols(t, children, n_children);
		for (int e = 0; e < REPORT_EXPL_ROWS; e++) {
			const char *label = e == REPORT_EXPL_MULTIPLE ? L("exploitation.multiple")
								       : report_label_of(&enum_exploitation, e);
			add_bucket_row(t, label, &r->exploitation[a][e]);
		}
	}

	t = add_table(ts, "referrals", "Hänvisning", "report.referral_source", RT_COUNT);
	add_col(t, L("report.count"), -1);
	for (int f = 0; f < REF__COUNT; f++)
		add_value_row(t, report_label_of(&enum_referral, f), r->referrals_reflection[f]);
	add_value_row(t, L("report.referral_not_recorded"), r->referrals_not_recorded);
	add_value_row(t, L("bucket.total"), r->interventions[CODE_REFLECTION].n[BUCKET_TOTAL]);

	t = add_table(ts, "money", "Ekonomi", "report.category", RT_MONEY);
	add_col(t, L("report.amount"), -1);
	add_value_row(t, L("report.money.budget"), r->money.budget_set ? r->money.budget_ore : RT_NONE);
	if (!r->money.budget_set)
		t->note = L("report.money.no_budget");
	add_value_row(t, L("report.money.committed"), r->money.committed_ore);
	add_value_row(t, L("report.money.paid"), r->money.paid_ore);

	t = add_table(ts, "paid_by_code", "Utbetalt per insats", "report.intervention", RT_MONEY);
	add_col(t, L("report.amount"), -1);
	for (int c = 0; c < CODE__COUNT; c++)
		add_value_row(t, report_label_of(&enum_code, c), r->money.paid_by_code_ore[c]);
	add_value_row(t, L("bucket.total"), r->money.paid_ore);

	t = add_table(ts, "decisions", "Beslut", "report.decision", RT_COUNT);
	add_col(t, L("report.count"), -1);
	for (int o = 0; o < OUTCOME__COUNT; o++)
		add_value_row(t, report_label_of(&enum_outcome, o), r->decisions.by_outcome[o]);
	add_value_row(t, L("bucket.total"), sum_counts(r->decisions.by_outcome, OUTCOME__COUNT, 1));
	add_value_row(t, L("report.decisions.emergency"), r->decisions.emergency);

	t = add_table(ts, "placement_requests", "Platsförfrågningar", "report.placement_outcome", RT_COUNT);
	add_col(t, L("report.count"), -1);
	for (int o = 0; o < PLACEMENT__COUNT; o++)
		add_value_row(t, report_label_of(&enum_placement_outcome, o), r->placement_requests[o]);
	add_value_row(t, L("bucket.total"), sum_counts(r->placement_requests, PLACEMENT__COUNT, 1));

	t = add_table(ts, "consultations", "Ärendestöd", "report.category", RT_COUNT);
	add_col(t, L("report.count"), -1);
	add_value_row(t, L("report.consultations.count"), r->consultations);

	t = add_table(ts, "basis", "Grund för ansökan", "report.basis_kind", RT_COUNT);
	add_col(t, L("report.count"), -1);
	for (int b = 0; b < BASIS__COUNT; b++)
		add_value_row(t, report_label_of(&enum_basis_kind, b), r->complementarity.by_basis[b]);
	add_value_row(t, L("bucket.total"), sum_counts(r->complementarity.by_basis, BASIS__COUNT, 1));

	t = add_table(ts, "denials", "Myndigheters avslag", "report.actor", RT_COUNT);
	for (int c = 0; c < REASON__COUNT; c++)
		add_col(t, report_label_of(&enum_reason_category, c), -1);
	add_col(t, L("bucket.total"), -1);
	for (int a = 0; a < ACTOR__COUNT; a++) {
		row = add_row(t, report_label_of(&enum_actor_kind, a));
		for (int c = 0; c < REASON__COUNT; c++)
			row->v[c] = r->complementarity.denials[a][c];
		row->v[REASON__COUNT] = sum_counts(r->complementarity.denials[a], REASON__COUNT, 1);
	}
	row = add_row(t, L("bucket.total"));
	for (int c = 0; c < REASON__COUNT; c++)
		row->v[c] = sum_counts(&r->complementarity.denials[0][c], ACTOR__COUNT, REASON__COUNT);
	row->v[REASON__COUNT] = r->complementarity.by_basis[BASIS_PUBLIC_ACTOR_DENIED];
}
