/*
 * The report as JSON, exactly the shape of api.md ("The annual report as
 * JSON"), built with jansson. A suppressed person count is null. Added
 * (api.md welcomes more fields): "open_data" and "k", "budget_set" in money
 * and "reflection_not_recorded" in referrals; "contacts" (issue 19): the
 * persons in contact with the platform, as contacts, distinct persons and
 * those who entered the programme, each by gender bucket.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/render.h"

/* A count, or null when suppressed. Returns a new reference (NULL on OOM). */
static json_t *count(int64_t v)
{
	return v == REPORT_SUPPRESSED ? json_null() : json_integer((json_int_t)v);
}

/* Sets key to value, taking the reference; *ok becomes false when either
 * allocation failed, so that the caller checks once at the end. */
static void put(json_t *obj, const char *key, json_t *value, int *ok)
{
	if (value == NULL) {
		*ok = 0;
	} else if (obj == NULL) {
		json_decref(value);
		*ok = 0;
	} else if (json_object_set_new(obj, key, value) != 0) { /* it drops value then */
		*ok = 0;
	}
}

static json_t *buckets(const struct report_row *row, int *ok)
{
	json_t *o = json_object();
	for (int b = 0; b < BUCKET__COUNT; b++)
		put(o, enum_name(&enum_bucket, b), count(row->n[b]), ok);
	return o;
}

int report_render_json(const struct report *r, struct buf *out, char *err, size_t errsz)
{
	int ok = 1;
	json_t *root = json_object(), *o, *o2;

	put(root, "year", json_integer(r->year), &ok);
	put(root, "open_data", json_boolean(r->open_data_k != 0), &ok);
	put(root, "k", r->open_data_k ? json_integer(r->open_data_k) : json_null(), &ok);

	o = json_object();
	put(o, "total", count(r->persons.total), &ok);
	put(o, "adults", count(r->persons.adults), &ok);
	put(o, "children", count(r->persons.children), &ok);
	put(root, "persons", o, &ok);
	if (r->persons.distinct_known) {
		o = json_object();
		put(o, "covered", count(r->persons.distinct), &ok);
		put(root, "distinct_persons", o, &ok);
	}

	put(root, "primary", buckets(&r->primary, &ok), &ok);
	put(root, "secondary_children", buckets(&r->secondary_children, &ok), &ok);
	put(root, "children_elsewhere", buckets(&r->children_elsewhere, &ok), &ok);

	o = json_object();
	for (int c = 0; c < CODE__COUNT; c++)
		put(o, enum_name(&enum_code, c), buckets(&r->interventions[c], &ok), &ok);
	put(root, "interventions", o, &ok);

	static const char *const ages[AGE__COUNT] = { "adults", "children" };
	o = json_object();
	for (int a = 0; a < AGE__COUNT; a++) {
		o2 = json_object();
		for (int e = 0; e < REPORT_EXPL_ROWS; e++)
			put(o2, report_expl_row_name(e), buckets(&r->exploitation[a][e], &ok), &ok);
		put(o, ages[a], o2, &ok);
	}
	put(root, "exploitation", o, &ok);

	o = json_object();
	o2 = json_object();
	for (int f = 0; f < REF__COUNT; f++)
		put(o2, enum_name(&enum_referral, f), count(r->referrals_reflection[f]), &ok);
	put(o, "reflection", o2, &ok);
	put(o, "reflection_not_recorded", count(r->referrals_not_recorded), &ok);
	put(root, "referrals", o, &ok);

	o = json_object();
	put(o, "budget_ore", json_integer(r->money.budget_ore), &ok);
	put(o, "budget_set", json_boolean(r->money.budget_set), &ok);
	put(o, "committed_ore", json_integer(r->money.committed_ore), &ok);
	put(o, "paid_ore", json_integer(r->money.paid_ore), &ok);
	o2 = json_object();
	for (int c = 0; c < CODE__COUNT; c++)
		put(o2, enum_name(&enum_code, c), json_integer(r->money.paid_by_code_ore[c]), &ok);
	put(o, "paid_by_intervention_ore", o2, &ok);
	put(root, "money", o, &ok);

	o = json_object();
	for (int d = 0; d < OUTCOME__COUNT; d++)
		put(o, enum_name(&enum_outcome, d), json_integer(r->decisions.by_outcome[d]), &ok);
	put(o, "emergency", json_integer(r->decisions.emergency), &ok);
	put(root, "decisions", o, &ok);

	o = json_object();
	for (int p = 0; p < PLACEMENT__COUNT; p++)
		put(o, enum_name(&enum_placement_outcome, p), json_integer(r->placement_requests[p]), &ok);
	put(root, "placement_requests", o, &ok);

	put(root, "consultations", json_integer(r->consultations), &ok);

	o = json_object();
	for (int b = 0; b < BASIS__COUNT; b++)
		put(o, enum_name(&enum_basis_kind, b), json_integer(r->complementarity.by_basis[b]), &ok);
	o2 = json_object();
	for (int a = 0; a < ACTOR__COUNT; a++) {
		json_t *o3 = json_object();
		for (int c = 0; c < REASON__COUNT; c++)
			put(o3, enum_name(&enum_reason_category, c),
			    json_integer(r->complementarity.denials[a][c]), &ok);
		put(o2, enum_name(&enum_actor_kind, a), o3, &ok);
	}
	put(o, "denials", o2, &ok);
	put(root, "complementarity", o, &ok);

	o = json_object();
	put(o, "contacts", buckets(&r->contacts.contacts, &ok), &ok);
	put(o, "distinct_persons", buckets(&r->contacts.distinct, &ok), &ok);
	put(o, "entered_programme", buckets(&r->contacts.entered, &ok), &ok);
	put(root, "contacts", o, &ok);

	char *text = ok ? json_dumps(root, JSON_INDENT(2)) : NULL;
	json_decref(root);
	if (text == NULL) {
		snprintf(err, errsz, "Rapporten kunde inte skrivas som JSON (slut på minne). / "
				     "The report could not be written as JSON (out of memory).");
		return -1;
	}
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
	return 0;
}
