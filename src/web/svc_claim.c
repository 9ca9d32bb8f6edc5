/*
 * Claims (rekvisitioner) and payments (utbetalningar), domain.md §8: the
 * organisation claims the days or units it used; the coordinator approves
 * (the payment is recorded, line by line) or rejects with a reason, and may
 * also pay an amount directly, split over the decision's lines. R14 is
 * judged once per write, inside its transaction, by claim_r14_allows().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/claims.h"
#include "domain/money.h"
#include "web/notices.h"
#include "web/service.h"
#include "web/svc_util.h"

#define REFERENCE_MAX_CHARS 200
#define REASON_MAX_CHARS 2000
#define UNITS_MAX 10000

/* The message of a verdict without its "<rule>: " prefix (for a 400, which names a field instead). */
static const char *verdict_text(const struct verdict *v, const char *msg)
{
	size_t n = strlen(v->rule);
	return strncmp(msg, v->rule, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ' ? msg + n + 2 : msg;
}

static json_t *claim_json(const struct db_claim *c)
{
	bool point = app_type_is_point(c->type);
	json_t *lines = json_array();
	for (size_t i = 0; i < c->n_lines; i++)
		json_array_append_new(lines, json_pack("{s:s, s:I, s:I}", "code", enum_name(&enum_code, (int)c->lines[i].code),
						       point ? "units" : "days", (json_int_t)c->lines[i].days,
						       "amount_ore", (json_int_t)c->lines[i].amount_ore));
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:s, s:I, s:o, s:o, s:o}", "id",
			      (json_int_t)c->id, "decision_id", (json_int_t)c->decision_id, "organisation_id",
			      (json_int_t)c->organisation_id, "person_id", (json_int_t)c->person_id, "type",
			      enum_name(&enum_app_type, (int)c->type), "status",
			      enum_name(&enum_claim_status, (int)c->status), "from", svc_day_json(c->from), "to",
			      svc_day_json(c->to), "reference", c->reference ? c->reference : "", "amount_ore",
			      (json_int_t)c->amount_ore, "lines", lines, "submitted_on", svc_day_json(c->submitted_on),
			      "decided_on", svc_day_json(c->decided_on));
	json_object_set_new(o, "units", point ? json_integer(c->units) : json_null());
	json_object_set_new(o, "days", point || c->from == DAY_NONE ? json_null() : json_integer(day_count(c->from, c->to)));
	json_object_set_new(o, "reject_reason", c->reject_reason ? json_string(c->reject_reason) : json_null());
	json_object_set_new(o, "payment_id", c->payment_id ? json_integer(c->payment_id) : json_null());
	json_object_set_new(o, "submitted_by", c->submitted_by ? json_integer(c->submitted_by) : json_null());
	json_object_set_new(o, "decided_by", c->decided_by ? json_integer(c->decided_by) : json_null());
	return o;
}

/* Loads decision id for a claim or payment by the actor, inside the
 * caller's transaction: 0, or -1 with e filled (404 naming field when the
 * actor may not see it; 409 when it is closed or granted nothing). */
static int decision_open_for_money(struct svc *s, int64_t id, const char *field, struct db_decision *d,
				   struct svc_error *e)
{
	int rc = db_decision_get(s->db, id, d);
	if (rc == DB_OK && !svc_sees_org(s, d->organisation_id)) {
		db_decision_free(d);
		rc = DB_NOTFOUND;
	}
	if (rc != DB_OK) {
		rc == DB_NOTFOUND ? (void)svc_fail_field(e, SVC_NOT_FOUND, field, "beslutet finns inte",
							 "the decision does not exist")
				  : (void)svc_db_fail(s, e);
		return -1;
	}
	if (d->closed_on != DAY_NONE) {
		db_decision_free(d);
		svc_fail(e, SVC_CONFLICT, "beslutet är avslutat; inga fler rekvisitioner eller utbetalningar",
			 "the decision is closed; no further claims or payments");
		return -1;
	}
	if (d->total_ore <= 0) {
		db_decision_free(d);
		svc_fail(e, SVC_CONFLICT, "beslutet beviljade inga pengar att begära",
			 "the decision granted no money to claim");
		return -1;
	}
	return 0;
}

/* R14 for amount on decision d, inside the caller's transaction; except_claim is not counted as reserved. */
static int r14_judge(struct svc *s, const struct db_decision *d, int64_t except_claim, int64_t amount,
		     struct svc_error *e)
{
	struct claim_facts f = { .granted_ore = d->total_ore, .paid_ore = d->paid_ore };
	struct verdict v;
	if (db_claim_reserved(s->db, d->id, except_claim, &f.reserved_ore) != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	if (!claim_r14_allows(&f, amount, &v)) {
		svc_rule(e, &v);
		return -1;
	}
	return 0;
}

/* Prices a claim of from..to (or units) on decision d: its lines into c. 0, or -1 with e filled. */
static int claim_lines_of(struct svc *s, const struct db_decision *d, struct db_claim *c, struct svc_error *e)
{
	struct db_application r;
	struct rate_table *tables;
	size_t n;
	struct decision_line lines[DECISION_MAX_LINES];
	if (db_application_get(s->db, d->application_id, &r) != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	if (db_rate_tables(s->db, &tables, &n) != DB_OK) {
		db_application_free(&r);
		svc_db_fail(s, e);
		return -1;
	}
	int nl = claim_price(&r.app, d->lines, d->n_lines, c->from, c->to, c->units, d->decided_on, tables, n, lines);
	free(tables);
	db_application_free(&r);
	if (nl < 0) {
		svc_fail(e, SVC_INTERNAL, "beloppet kunde inte räknas ut", "the amount could not be computed");
		return -1;
	}
	c->amount_ore = 0;
	c->n_lines = 0;
	for (int i = 0; i < nl; i++) {
		c->lines[c->n_lines++] = lines[i];
		c->amount_ore += lines[i].amount_ore;
	}
	return 0;
}

json_t *svc_claim_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "decision_id", "from", "to", "units", "reference", "submitted_on", NULL };
	struct vctx v;
	struct db_claim c = { .from = DAY_NONE, .to = DAY_NONE, .decided_on = DAY_NONE, .submitted_on = day_today() };
	struct db_decision d;
	const char *reference = NULL;
	int has_from, has_to, has_units;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_id(&v, in, "decision_id", V_REQUIRED, &c.decision_id);
	has_from = v_day(&v, in, "from", V_OPTIONAL, &c.from) == 1;
	has_to = v_day(&v, in, "to", V_OPTIONAL, &c.to) == 1;
	has_units = v_int(&v, in, "units", 1, UNITS_MAX, V_OPTIONAL, &c.units) == 1;
	v_string(&v, in, "reference", V_REQUIRED | V_SINGLE_LINE, REFERENCE_MAX_CHARS, &reference);
	v_day(&v, in, "submitted_on", V_OPTIONAL, &c.submitted_on);
	if (!v.failed && c.submitted_on > day_today())
		v_fail(&v, "submitted_on", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	c.reference = (char *)reference;
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (decision_open_for_money(s, c.decision_id, "decision_id", &d, e) != 0) {
		db_rollback(s->db);
		return NULL;
	}
	json_t *out = NULL;
	int64_t id;
	c.organisation_id = d.organisation_id;
	bool period = d.from != DAY_NONE;
	/* The shape of the claim follows the decision: days for per-day codes, units for point interventions. */
	if (period && has_units) {
		svc_fail_field(e, SVC_INVALID, "units", "beslutet gäller dygn; ange from och to, inte units",
			       "the decision is for days; give from and to, not units");
		goto rollback;
	}
	if (period && (!has_from || !has_to)) {
		const char *f = has_from ? "to" : "from";
		svc_fail_field(e, SVC_INVALID, f, "ange de dygn som användes (from och to)",
			       "give the days that were used (from and to)");
		goto rollback;
	}
	if (!period && (has_from || has_to)) {
		svc_fail_field(e, SVC_INVALID, has_from ? "from" : "to", "beslutet gäller antal; ange units, inga dygn",
			       "the decision is for units; give units, not days");
		goto rollback;
	}
	if (!period && !has_units) {
		svc_fail_field(e, SVC_INVALID, "units", "ange hur många som användes (units)",
			       "give how many were used (units)");
		goto rollback;
	}
	if (c.submitted_on < d.decided_on) {
		svc_fail_field(e, SVC_INVALID, "submitted_on", "rekvisitionen kan inte vara daterad före beslutet",
			       "the claim cannot be dated before the decision");
		goto rollback;
	}
	if (period) {
		const char *field = "from";
		struct verdict dv;
		if (!claim_days_check(d.from, d.to, c.from, c.to, c.submitted_on, &field, &dv)) {
			svc_fail_field(e, SVC_INVALID, field, verdict_text(&dv, dv.sv), verdict_text(&dv, dv.en));
			goto rollback;
		}
		int64_t other;
		if (db_claim_overlap(s->db, d.id, c.from, c.to, &other) != DB_OK) {
			svc_db_fail(s, e);
			goto rollback;
		}
		if (other) {
			char sv[160], en[160];
			snprintf(sv, sizeof sv, "dygnen är redan begärda i rekvisition %lld", (long long)other);
			snprintf(en, sizeof en, "the days are claimed already in claim %lld", (long long)other);
			svc_fail_field(e, SVC_CONFLICT, "from", sv, en);
			goto rollback;
		}
	} else if (c.units > d.units) {
		char sv[160], en[160];
		snprintf(sv, sizeof sv, "beslutet beviljade %lld; ange 1–%lld", (long long)d.units, (long long)d.units);
		snprintf(en, sizeof en, "the decision granted %lld; give 1–%lld", (long long)d.units, (long long)d.units);
		svc_fail_field(e, SVC_INVALID, "units", sv, en);
		goto rollback;
	}
	if (claim_lines_of(s, &d, &c, e) != 0 || r14_judge(s, &d, 0, c.amount_ore, e) != 0)
		goto rollback;
	if (db_claim_create(s->db, s->actor->user_id, &c, &id) != DB_OK || db_commit(s->db) != 0) {
		svc_db_fail(s, e);
		goto rollback;
	}
	db_decision_free(&d);
	return svc_claim_get(s, id, e);
rollback:
	db_rollback(s->db);
	db_decision_free(&d);
	return out;
}

json_t *svc_claim_get(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_claim c;
	int rc = db_claim_get(s->db, id, &c);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = svc_sees_org(s, c.organisation_id) ? claim_json(&c) : svc_not_found(e);
	db_claim_free(&c);
	return out;
}

json_t *svc_claim_list(struct svc *s, const struct svc_claim_query *q, struct svc_error *e)
{
	struct db_claim_filter f = { .status = -1, .newest_first = true, .limit = 100 };
	char code[DB_CODE_MAX];
	int64_t total;
	if (svc_query_page(q->limit, q->offset, &f.limit, &f.offset, e) != 0)
		return NULL;
	if (q->status && *q->status && strcmp(q->status, "all") != 0 &&
	    (f.status = enum_parse(&enum_claim_status, q->status)) < 0)
		return svc_fail_enum(e, "status", &enum_claim_status);
	if (svc_query_id(q->decision, "decision_id", &f.decision_id, e) != 0 ||
	    svc_query_id(q->organisation, "organisation_id", &f.organisation_id, e) != 0 ||
	    svc_query_code(q->code, code, sizeof code, e) != 0)
		return NULL;
	if (q->year && *q->year && (f.year = svc_query_year(q->year, 0, e)) < 0)
		return NULL;
	f.code = code;
	/* An organisation sees its own claims only, whatever it asks for. */
	if (s->actor->role != ROLE_COORDINATOR)
		f.organisation_id = s->actor->organisation_id;
	struct db_claim *cs;
	size_t n;
	bool opened;
	if (db_read_begin(s->db, &opened) != DB_OK)
		return svc_db_fail(s, e);
	int rc = db_claim_count(s->db, &f, &total);
	if (rc == DB_OK)
		rc = db_claim_list(s->db, &f, &cs, &n);
	if (db_read_end(s->db, opened) != DB_OK && rc == DB_OK) {
		db_claim_list_free(cs, n);
		rc = DB_ERROR;
	}
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, claim_json(&cs[i]));
	db_claim_list_free(cs, n);
	return json_pack("{s:o, s:I}", "claims", arr, "total", (json_int_t)total);
}

json_t *svc_claim_left(struct svc *s, int64_t decision_id, struct svc_error *e)
{
	struct db_decision d;
	int rc = db_decision_get(s->db, decision_id, &d);
	if (rc == DB_OK && !svc_sees_org(s, d.organisation_id)) {
		db_decision_free(&d);
		rc = DB_NOTFOUND;
	}
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? svc_not_found(e) : svc_db_fail(s, e);
	struct db_claim *cs;
	size_t n;
	struct db_claim_filter f = { .decision_id = decision_id, .status = -1 };
	struct claim_facts facts = { .granted_ore = d.total_ore, .paid_ore = d.paid_ore };
	if (db_claim_list(s->db, &f, &cs, &n) != DB_OK) {
		db_decision_free(&d);
		return svc_db_fail(s, e);
	}
	bool period = d.from != DAY_NONE;
	int64_t granted = period ? day_count(d.from, d.to) : d.units, used = 0;
	day_t next = period ? d.from : DAY_NONE;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(arr, claim_json(&cs[i]));
		if (cs[i].status == CLAIM_REJECTED)
			continue;
		if (cs[i].status == CLAIM_SUBMITTED)
			facts.reserved_ore += cs[i].amount_ore;
		used += period ? day_count(cs[i].from, cs[i].to) : cs[i].units;
		if (period && cs[i].to + 1 > next)
			next = cs[i].to + 1;
	}
	db_claim_list_free(cs, n);
	json_t *out = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "claims", arr, "granted_ore",
				(json_int_t)d.total_ore, "paid_ore", (json_int_t)d.paid_ore, "reserved_ore",
				(json_int_t)facts.reserved_ore, "left_ore", (json_int_t)claim_left_ore(&facts),
				period ? "granted_days" : "granted_units", (json_int_t)granted,
				period ? "days_left" : "units_left", (json_int_t)(granted > used ? granted - used : 0),
				"next_day", period && next <= d.to ? svc_day_json(next) : json_null());
	db_decision_free(&d);
	return out;
}

/* Loads claim id (the coordinator deciding it) inside the caller's transaction: 0, or -1 with e filled. */
static int claim_to_decide(struct svc *s, int64_t id, struct db_claim *c, struct svc_error *e)
{
	int rc = db_claim_get(s->db, id, c);
	if (rc != DB_OK) {
		rc == DB_NOTFOUND ? (void)svc_not_found(e) : (void)svc_db_fail(s, e);
		return -1;
	}
	if (!svc_sees_org(s, c->organisation_id)) {
		db_claim_free(c);
		svc_not_found(e);
		return -1;
	}
	if (c->status != CLAIM_SUBMITTED) {
		db_claim_free(c);
		svc_fail(e, SVC_CONFLICT, "rekvisitionen är redan beslutad", "the claim has been decided already");
		return -1;
	}
	return 0;
}

json_t *svc_claim_approve(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "paid_on", NULL };
	struct vctx v;
	struct db_claim c;
	struct db_decision d;
	day_t paid_on = day_today();
	int64_t payment_id;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_day(&v, in, "paid_on", V_OPTIONAL, &paid_on);
	if (!v.failed && paid_on > day_today())
		v_fail(&v, "paid_on", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (claim_to_decide(s, id, &c, e) != 0) {
		db_rollback(s->db);
		return NULL;
	}
	json_t *out = NULL;
	if (paid_on < c.submitted_on) {
		svc_fail_field(e, SVC_INVALID, "paid_on", "utbetalningen kan inte vara daterad före rekvisitionen",
			       "the payment cannot be dated before the claim");
		goto rollback_claim;
	}
	if (decision_open_for_money(s, c.decision_id, "decision_id", &d, e) != 0)
		goto rollback_claim;
	/* The claim reserved its amount when it was submitted; R14 holds it
	 * against what was paid since and the other claims still waiting. */
	int r = r14_judge(s, &d, c.id, c.amount_ore, e);
	db_decision_free(&d);
	if (r != 0)
		goto rollback_claim;
	int rc = db_claim_pay(s->db, s->actor->user_id, id, paid_on, &payment_id);
	if (rc == DB_CONFLICT) {
		svc_fail(e, SVC_CONFLICT, "rekvisitionen är redan beslutad", "the claim has been decided already");
		goto rollback_claim;
	}
	/* Its notice in the same transaction: no payment without it, nor it without the payment. */
	if (rc != DB_OK || notice_claim(s, id) != 0 || db_commit(s->db) != 0) {
		svc_db_fail(s, e);
		goto rollback_claim;
	}
	db_claim_free(&c);
	return svc_claim_get(s, id, e);
rollback_claim:
	db_claim_free(&c);
	db_rollback(s->db);
	return out;
}

json_t *svc_claim_reject(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "reason", NULL };
	struct vctx v;
	struct db_claim c;
	const char *reason = NULL;

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "reason", V_REQUIRED, REASON_MAX_CHARS, &reason);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (claim_to_decide(s, id, &c, e) != 0) {
		db_rollback(s->db);
		return NULL;
	}
	db_claim_free(&c);
	int rc = db_claim_reject(s->db, s->actor->user_id, id, day_today(), reason);
	if (rc == DB_CONFLICT) {
		db_rollback(s->db);
		return svc_fail(e, SVC_CONFLICT, "rekvisitionen är redan beslutad", "the claim has been decided already");
	}
	if (rc != DB_OK || notice_claim(s, id) != 0 || db_commit(s->db) != 0) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	return svc_claim_get(s, id, e);
}

/* ---------------------------------------------------------------- payments by amount */

static json_t *payment_json(const struct db_payment *p)
{
	json_t *lines = json_array();
	for (size_t i = 0; i < p->n_lines; i++)
		json_array_append_new(lines, json_pack("{s:s, s:I}", "code", enum_name(&enum_code, (int)p->lines[i].code),
						       "amount_ore", (json_int_t)p->lines[i].amount_ore));
	return json_pack("{s:I, s:I, s:I, s:o, s:s, s:o}", "id", (json_int_t)p->id, "decision_id",
			 (json_int_t)p->decision_id, "amount_ore", (json_int_t)p->amount_ore, "paid_on",
			 svc_day_json(p->paid_on), "reference", p->reference ? p->reference : "", "lines", lines);
}

/* A payment by amount: judged and split; written unless dry_run (then rolled back, its id null). */
static json_t *payment_make(struct svc *s, const json_t *in, bool dry_run, struct svc_error *e)
{
	static const char *const known[] = { "decision_id", "amount_ore", "paid_on", "reference", NULL };
	struct vctx v;
	int64_t decision_id = 0, amount = 0, id;
	day_t paid_on = day_today();
	const char *reference = "";
	struct db_decision d;
	struct db_payment p = { 0 };

	/* Organisations claim (svc_claim_create); only the coordinator pays by amount. */
	if (s->actor->role != ROLE_COORDINATOR)
		return svc_fail(e, SVC_FORBIDDEN, "bara samordnaren registrerar utbetalningar; organisationer skickar en rekvisition",
				"only the coordinator records payments; organisations submit a claim");
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_id(&v, in, "decision_id", V_REQUIRED, &decision_id);
	v_int(&v, in, "amount_ore", 1, MONEY_MAX_ORE, V_REQUIRED, &amount);
	v_day(&v, in, "paid_on", V_OPTIONAL, &paid_on);
	v_string(&v, in, "reference", V_OPTIONAL | V_EMPTY_OK | V_SINGLE_LINE, REFERENCE_MAX_CHARS, &reference);
	if (!v.failed && paid_on > day_today())
		v_fail(&v, "paid_on", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (decision_open_for_money(s, decision_id, "decision_id", &d, e) != 0) {
		db_rollback(s->db);
		return NULL;
	}
	json_t *out = NULL;
	if (paid_on < d.decided_on) {
		svc_fail_field(e, SVC_INVALID, "paid_on", "utbetalningen kan inte vara daterad före beslutet",
			       "the payment cannot be dated before the decision");
		goto rollback;
	}
	if (r14_judge(s, &d, 0, amount, e) != 0)
		goto rollback;
	int n = payment_split(d.lines, d.n_lines, amount, p.lines);
	if (n <= 0) {
		svc_fail(e, SVC_CONFLICT, "beslutet beviljade inga pengar att betala", "the decision granted no money to pay");
		goto rollback;
	}
	p.n_lines = (size_t)n;
	if (dry_run) {
		db_rollback(s->db);
		db_decision_free(&d);
		p.decision_id = decision_id;
		p.amount_ore = amount;
		p.paid_on = paid_on;
		p.reference = (char *)reference;
		out = payment_json(&p);
		json_object_set_new(out, "id", json_null());
		return out;
	}
	int rc = db_payment_record(s->db, s->actor->user_id, decision_id, amount, paid_on, reference, p.lines,
				   p.n_lines, &id);
	if (rc == DB_CONFLICT) {
		svc_fail(e, SVC_CONFLICT, "beslutet är avslutat; inga fler utbetalningar",
			 "the decision is closed; no further payments");
		goto rollback;
	}
	if (rc != DB_OK || db_commit(s->db) != 0) {
		svc_db_fail(s, e);
		goto rollback;
	}
	db_decision_free(&d);
	p.id = id;
	p.decision_id = decision_id;
	p.amount_ore = amount;
	p.paid_on = paid_on;
	p.reference = (char *)reference;
	return payment_json(&p);
rollback:
	db_rollback(s->db);
	db_decision_free(&d);
	return out;
}

json_t *svc_payment_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	return payment_make(s, in, false, e);
}

json_t *svc_payment_preview(struct svc *s, const json_t *in, struct svc_error *e)
{
	return payment_make(s, in, true, e);
}

json_t *svc_payment_list(struct svc *s, int64_t decision_id, struct svc_error *e)
{
	json_t *d = svc_decision_get(s, decision_id, e);
	if (!d)
		return NULL;
	json_decref(d);
	struct db_payment *ps;
	size_t n;
	if (db_payment_list(s->db, decision_id, &ps, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, payment_json(&ps[i]));
	db_payment_list_free(ps, n);
	return json_pack("{s:o}", "payments", arr);
}
