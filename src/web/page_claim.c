/*
 * Decisions, claims (rekvisitioner) and payments (utbetalningar): the list,
 * one decision with its claims, payments and what is left of it, the
 * organisation's claim of the days actually used (never above what is
 * left, R14), the coordinator's queue of claims to approve or reject, and
 * closing a decision (the coordinator) to release what was not used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "web/i18n_html.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

/* The state of a claim in words: submitted, paid (on a day) or rejected (with the reason). */
static void claim_state(struct page *p, const json_t *c)
{
	const char *status = page_s(c, "status");
	html_raw(&p->h, "<span class=\"tag claim-");
	html_text(&p->h, status);
	html_raw(&p->h, "\">");
	html_text(&p->h, page_enum(p, &enum_claim_status, status));
	html_raw(&p->h, "</span>");
	if (json_is_string(json_object_get(c, "decided_on"))) {
		html_raw(&p->h, " ");
		page_day(p, json_object_get(c, "decided_on"));
	}
	if (json_is_string(json_object_get(c, "reject_reason"))) {
		html_raw(&p->h, ": ");
		page_str(p, json_object_get(c, "reject_reason"));
	}
	/* A handled claim has its letter (issue 17), in the page's language. */
	if (strcmp(status, "submitted") != 0) {
		html_raw(&p->h, " ");
		page_link(p, page_t(p, "letter.claim_download"), "/api/v1/claims/%lld/letter.pdf?lang=%s",
			  (long long)page_int(c, "id"), i18n_code(p->lang));
	}
}

/* The days (from – to, and how many) or the units of a claim. */
static void claim_extent(struct page *p, const json_t *c)
{
	if (json_is_string(json_object_get(c, "from"))) {
		char n[24];
		page_day(p, json_object_get(c, "from"));
		html_raw(&p->h, " \xE2\x80\x93 ");
		page_day(p, json_object_get(c, "to"));
		/* With its unit, as on the decision page: nights of daily compensation, else days. */
		int type = enum_parse(&enum_app_type, page_s(c, "type"));
		bool nights = type >= 0 && app_type_is_daily_compensation((enum app_type)type);
		char key[32];
		int64_t days = page_int(c, "days");
		snprintf(n, sizeof n, " (%lld ", (long long)days);
		html_text(&p->h, n);
		html_text(&p->h, page_t(p, page_count_key(p, nights ? "unit.nights" : "unit.days", days, key, sizeof key)));
		html_raw(&p->h, ")");
	} else {
		char n[24];
		snprintf(n, sizeof n, "%lld", (long long)page_int(c, "units"));
		html_text(&p->h, n);
	}
}

/* The approve form of one submitted claim: the payment's date, today unless changed. */
static void approve_form(struct page *p, int64_t id)
{
	char today[DAY_BUFSZ];
	page_form(p, "/claims/%lld/approve", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "paid_on", .label = "claim.paid_on",
				       .value = day_format(day_today(), today), .required = true });
	page_form_end(p, "claim.approve");
}

/*
 * The one table of claims: submitted, days (or units), amount, reference and
 * state. codes (may be NULL): the list's case code and type columns too.
 * actions: the coordinator's approve form and reject link in place of the
 * state, with p->err beside the claim numbered failed.
 */
static void claims_table(struct page *p, const json_t *cs, const json_t *codes, bool actions, int64_t failed)
{
	const struct svc_error *err = p->err;
	if (codes)
		page_table(p, NULL, "claim.submitted_on", "person.code", "application.type", "claim.days_used",
			   "claim.amount", "claim.reference", actions ? "claim.decide" : "claim.state", NULL);
	else
		page_table(p, NULL, "claim.submitted_on", "claim.days_used", "claim.amount", "claim.reference",
			   "claim.state", NULL);
	size_t i;
	json_t *c;
	json_array_foreach(cs, i, c) {
		int64_t id = page_int(c, "id");
		html_raw(&p->h, "<tr");
		html_attrf(&p->h, "id", "claim-%lld", (long long)id);
		html_raw(&p->h, "><td>");
		page_day(p, json_object_get(c, "submitted_on"));
		if (codes) {
			html_raw(&p->h, "</td><td>");
			html_text(&p->h, page_person_code(codes, page_int(c, "person_id")));
			html_raw(&p->h, "</td><td>");
			page_link(p, page_enum(p, &enum_app_type, page_s(c, "type")), "/decisions/%lld",
				  (long long)page_int(c, "decision_id"));
		}
		html_raw(&p->h, "</td><td>");
		claim_extent(p, c);
		html_raw(&p->h, "</td><td class=\"num\">");
		page_money(p, json_object_get(c, "amount_ore"));
		html_raw(&p->h, "</td><td>");
		page_str(p, json_object_get(c, "reference"));
		html_raw(&p->h, "</td><td>");
		if (actions) {
			p->err = id == failed ? err : NULL;
			if (p->err)
				page_errors(p);
			approve_form(p, id);
			page_link(p, page_t(p, "claim.reject_link"), "/claims/%lld/reject", (long long)id);
			p->err = err;
		} else {
			claim_state(p, c);
		}
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
}

/* The decision's claims with their states, and what is left of it in days (or units) and kronor. */
static void claims_panel(struct page *p, const json_t *left, bool period)
{
	char days[24], kr[64], granted[64], paid[64], reserved[64];
	snprintf(days, sizeof days, "%lld", (long long)page_int(left, period ? "days_left" : "units_left"));
	money_format(page_int(left, "left_ore"), kr, sizeof kr, 1);
	money_format(page_int(left, "granted_ore"), granted, sizeof granted, 1);
	money_format(page_int(left, "paid_ore"), paid, sizeof paid, 1);
	money_format(page_int(left, "reserved_ore"), reserved, sizeof reserved, 1);
	page_panel(p, "claim.list");
	html_raw(&p->h, "<p class=\"claim-left\" data-figure=\"left\">");
	const char *args[] = { days, kr, granted, paid, reserved };
	i18n_html(&p->h, p->lang, period ? "claim.left_days" : "claim.left_units", args, 5);
	html_raw(&p->h, "</p>");
	const json_t *cs = json_object_get(left, "claims");
	if (json_array_size(cs) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "claim.none");
		html_raw(&p->h, "</p></section>");
		return;
	}
	claims_table(p, cs, NULL, false, 0);
	if (p->svc.actor->role == ROLE_COORDINATOR) {
		html_raw(&p->h, "<p>");
		page_link(p, page_t(p, "claim.queue_link"), "/claims");
		html_raw(&p->h, "</p>");
	}
	html_raw(&p->h, "</section>");
}

/* The claim form (rekvisition): the days used (or units), with the organisation's reference. */
static void claim_form(struct page *p, const json_t *d, const json_t *left)
{
	bool period = json_is_string(json_object_get(d, "from"));
	page_panel(p, "claim.title");
	html_raw(&p->h, "<p class=\"hint\">");
	page_text(p, "claim.hint");
	html_raw(&p->h, "</p>");
	page_errors(p);
	page_form(p, "/decisions/%lld/claim", (long long)page_int(d, "id"));
	if (period) {
		page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "from", .label = "claim.from",
					       .value = page_s(left, "next_day"), .required = true });
		page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "to", .label = "claim.to",
					       .hint = "claim.to_hint", .required = true });
	} else {
		page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "units", .label = "claim.units",
					       .required = true });
	}
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "reference", .label = "claim.reference",
				       .hint = "claim.reference_hint", .required = true });
	page_form_end(p, "claim.submit");
	html_raw(&p->h, "</section>");
}

/* The coordinator's payment by amount (domain.md §8): split over the
 * decision's lines, shown on a confirmation page before it is recorded. */
static void payment_form(struct page *p, int64_t id)
{
	char today[DAY_BUFSZ];
	page_panel(p, "payment.title");
	html_raw(&p->h, "<p class=\"hint\">");
	page_text(p, "payment.hint");
	html_raw(&p->h, "</p>");
	page_errors(p);
	page_form(p, "/decisions/%lld/pay", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_MONEY, .name = "amount_ore", .label = "payment.amount",
				       .required = true });
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "paid_on", .label = "claim.paid_on",
				       .value = day_format(day_today(), today), .required = true });
	/* Not "reference": the claim form on the same page has one (a field's id is its name). */
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "payment_reference", .label = "claim.reference",
				       .hint = "payment.reference_hint" });
	page_form_end(p, "payment.submit");
	html_raw(&p->h, "</section>");
}

/* R2e: the coordinator records who turned out to be responsible for an
 * emergency decision, which ends its follow-up. */
static void emergency_form(struct page *p, int64_t id)
{
	char today[DAY_BUFSZ];
	html_raw(&p->h, "<section class=\"panel\" id=\"emergency\"><h2>");
	page_text(p, "decision.emergency_clear");
	html_raw(&p->h, "</h2><p class=\"hint\">");
	page_text(p, "decision.emergency_clear_hint");
	html_raw(&p->h, "</p>");
	page_errors(p);
	page_form(p, "/decisions/%lld/emergency-cleared", (long long)id);
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "decision.emergency_clear_date",
				       .value = day_format(day_today(), today), .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "responsible", .label = "decision.emergency_responsible",
				       .hint = "decision.emergency_responsible_hint", .required = true });
	page_form_end(p, "decision.emergency_clear_submit");
	html_raw(&p->h, "</section>");
}

/* Which form of the decision page an error belongs to (shown beside its
 * fields there, and only there). */
enum decision_form { FORM_CLAIM, FORM_PAY, FORM_EMERGENCY };

static void decision_page(struct page *p, int64_t id, unsigned status, enum decision_form failed)
{
	struct svc_error e;
	json_t *d = svc_decision_get(&p->svc, id, &e), *pays = NULL, *codes = NULL, *left = NULL;
	if (d)
		pays = svc_payment_list(&p->svc, id, &e);
	if (pays)
		left = svc_claim_left(&p->svc, id, &e);
	if (left) {
		int64_t pid = page_int(d, "person_id");
		codes = svc_page_person_codes(&p->svc, &pid, 1, &e);
	}
	if (!codes) {
		json_decref(d);
		json_decref(pays);
		json_decref(left);
		return page_fail(p, &e);
	}
	struct html *h = &p->h;
	bool open = !json_is_string(json_object_get(d, "closed_on"));
	page_start(p, page_t(p, "decision.title"));
	html_raw(h, "<p class=\"eyebrow\">");
	page_link(p, page_person_code(codes, page_int(d, "person_id")), "/persons/%lld",
		  (long long)page_int(d, "person_id"));
	html_raw(h, "</p><h1>");
	page_text(p, "decision.title");
	html_raw(h, ": ");
	html_text(h, page_enum(p, &enum_app_type, page_s(d, "type")));
	html_raw(h, "</h1>");
	page_notice(p);
	html_raw(h, "<dl class=\"facts\">");
	page_dl_row(p, "decision.outcome", page_enum(p, &enum_outcome, page_s(d, "outcome")));
	page_dl_row(p, "decision.decided_on", page_s(d, "decided_on"));
	if (json_is_string(json_object_get(d, "from"))) {
		char period[48];
		snprintf(period, sizeof period, "%s \xE2\x80\x93 %s", page_s(d, "from"), page_s(d, "to"));
		page_dl_row(p, "application.period", period);
	}
	page_dl_row(p, "decision.reason", page_s(d, "reason"));
	bool emergency_open = false;
	if (json_is_true(json_object_get(d, "emergency"))) {
		emergency_open = !json_is_string(json_object_get(d, "emergency_cleared_on"));
		if (emergency_open)
			page_dl_row(p, "decision.emergency", page_t(p, "decision.emergency_open"));
		else
			page_dl_row(p, "decision.emergency_cleared_on", page_s(d, "emergency_cleared_on"));
	}
	html_raw(h, "<div><dt>");
	page_text(p, "decision.total");
	html_raw(h, "</dt><dd>");
	page_money(p, json_object_get(d, "total_ore"));
	html_raw(h, "</dd></div><div><dt>");
	page_text(p, "decision.paid");
	html_raw(h, "</dt><dd>");
	page_money(p, json_object_get(d, "paid_ore"));
	html_raw(h, "</dd></div>");
	html_raw(h, "<div><dt>");
	page_text(p, "decision.state");
	html_raw(h, "</dt><dd>");
	page_decision_state(p, d); /* a 0 kr decision (an admission, a denial) has nothing to pay */
	html_raw(h, "</dd></div>");
	/* R15: granted over the place's capacity, and why. */
	if (page_s(d, "over_capacity_reason"))
		page_dl_row(p, "decision.over_capacity_reason", page_s(d, "over_capacity_reason"));
	html_raw(h, "</dl><p>");
	page_link(p, page_t(p, "decision.application"), "/applications/%lld", (long long)page_int(d, "application_id"));
	/* The decision letter (issue 17), in the page's language. */
	html_raw(h, " \xC2\xB7 ");
	page_link(p, page_t(p, "letter.download"), "/api/v1/decisions/%lld/letter.pdf?lang=%s", (long long)id,
		  i18n_code(p->lang));
	html_raw(h, "</p>");
	bool period = json_is_string(json_object_get(d, "from"));
	const struct svc_error *err = p->err;
	const struct form *in = p->in;
	if (open && page_int(left, "left_ore") > 0) {
		p->err = failed == FORM_CLAIM ? err : NULL;
		p->in = failed == FORM_CLAIM ? in : NULL;
		claim_form(p, d, left);
		p->err = err;
		p->in = in;
	}
	claims_panel(p, left, period);
	if (open && page_int(left, "left_ore") > 0 && p->svc.actor->role == ROLE_COORDINATOR) {
		p->err = failed == FORM_PAY ? err : NULL;
		p->in = failed == FORM_PAY ? in : NULL;
		payment_form(p, id);
		p->err = err;
		p->in = in;
	}
	html_raw(h, "<h2>");
	page_text(p, "claim.payments");
	html_raw(h, "</h2>");
	const json_t *ps = json_object_get(pays, "payments");
	if (json_array_size(ps) == 0) {
		html_raw(h, "<p>");
		page_text(p, "claim.no_payments");
		html_raw(h, "</p>");
	} else {
		page_table(p, NULL, "claim.paid_on", "claim.amount", "claim.reference", NULL);
		size_t i;
		json_t *x;
		json_array_foreach(ps, i, x) {
			html_raw(h, "<tr><td>");
			page_day(p, json_object_get(x, "paid_on"));
			html_raw(h, "</td><td class=\"num\">");
			page_money(p, json_object_get(x, "amount_ore"));
			html_raw(h, "</td><td>");
			page_str(p, json_object_get(x, "reference"));
			html_raw(h, "</td></tr>");
		}
		page_table_end(p);
	}
	if (emergency_open && p->svc.actor->role == ROLE_COORDINATOR) {
		p->err = failed == FORM_EMERGENCY ? err : NULL;
		p->in = failed == FORM_EMERGENCY ? in : NULL;
		emergency_form(p, id);
	}
	p->err = err;
	p->in = in;
	if (open && page_int(d, "total_ore") > 0 && p->svc.actor->role == ROLE_COORDINATOR) {
		html_raw(h, "<section class=\"panel\"><h2>");
		page_text(p, "decision.close");
		html_raw(h, "</h2><p class=\"hint\">");
		page_text(p, "decision.close_hint");
		html_raw(h, "</p>");
		page_form(p, "/decisions/%lld/close", (long long)id);
		page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "confirm", .label = "decision.close_confirm",
					       .required = true });
		page_form_end(p, "decision.close");
		html_raw(h, "</section>");
	}
	json_decref(d);
	json_decref(pays);
	json_decref(left);
	json_decref(codes);
	page_end_status(p, status);
}

void page_decision(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	decision_page(&p, req->ids[0], 200, FORM_CLAIM);
}

/* The claim form posted: the days (or units) used and the reference, for the service to judge. */
void page_claim(struct http_request *req)
{
	static const struct fj spec[] = { { "from", FJ_STR }, { "to", FJ_STR }, { "units", FJ_INT },
					  { "reference", FJ_STR } };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, sizeof spec / sizeof spec[0], &e), *out = NULL;
	if (in) {
		json_object_set_new(in, "decision_id", json_integer(req->ids[0]));
		out = svc_claim_create(&p.svc, in, &e);
		json_decref(in);
	}
	if (!out) {
		/* The decision itself missing is the error page; a refused claim is shown beside its field. */
		if (e.status == SVC_NOT_FOUND && strcmp(e.field, "decision_id") == 0)
			e.field[0] = '\0';
		if (e.status == SVC_NOT_FOUND)
			return page_fail(&p, &e);
		p.err = &e;
		/* R14 belongs beside the days (or units) claimed. */
		if (e.status == SVC_RULE)
			p.rule_field = page_in(&p, "units") && *page_in(&p, "units") ? "units" : "to";
		return decision_page(&p, req->ids[0], page_form_status(&e), FORM_CLAIM);
	}
	json_decref(out);
	page_redirectf(&p, "/decisions/%lld?done=claimed", (long long)req->ids[0]);
}

/* The split a payment will have, on its confirmation page: one row per line of the decision. */
static void payment_split_table(struct page *p, const void *ctx)
{
	const json_t *pay = ctx;
	page_table(p, "payment.split", "decision.code", "claim.amount", NULL);
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(pay, "lines"), i, l) {
		html_raw(&p->h, "<tr");
		html_attr(&p->h, "data-code", page_s(l, "code"));
		html_raw(&p->h, "><th scope=\"row\">");
		html_text(&p->h, page_enum(p, &enum_code, page_s(l, "code")));
		html_raw(&p->h, "</th><td class=\"num\">");
		page_money(p, json_object_get(l, "amount_ore"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
}

/* The coordinator's payment by amount: judged and split first, recorded only once confirmed. */
void page_payment(struct http_request *req)
{
	static const struct fj spec[] = { { "amount_ore", FJ_KR }, { "paid_on", FJ_STR }, { "payment_reference", FJ_STR } };
	static const char *const keep[] = { "amount_ore", "paid_on", "payment_reference", NULL };
	struct page p;
	struct svc_error e;
	char back[48], amount[64];
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, sizeof spec / sizeof spec[0], &e), *split = NULL, *out = NULL;
	if (in) {
		json_t *ref = json_object_get(in, "payment_reference");
		if (ref)
			json_object_set(in, "reference", ref);
		json_object_del(in, "payment_reference");
		json_object_set_new(in, "decision_id", json_integer(req->ids[0]));
		split = svc_payment_preview(&p.svc, in, &e);
	}
	if (split) {
		snprintf(back, sizeof back, "/decisions/%lld", (long long)req->ids[0]);
		money_format(page_int(split, "amount_ore"), amount, sizeof amount, 1);
		struct confirm c = { .what_key = "payment.confirm_what", .arg = amount, .button_key = "payment.confirm",
				     .back_href = back, .keep = keep, .show = payment_split_table, .ctx = split };
		if (!page_confirmed_with(&p, &c)) {
			json_decref(in);
			json_decref(split);
			return;
		}
		out = svc_payment_create(&p.svc, in, &e);
	}
	json_decref(in);
	json_decref(split);
	if (!out) {
		/* No such decision, or a closed one (which has no payment form to show the error in). */
		if ((e.status == SVC_NOT_FOUND && strcmp(e.field, "decision_id") == 0) || e.status == SVC_CONFLICT)
			return page_fail(&p, &e);
		p.err = &e;
		/* R14 belongs beside the amount. */
		if (e.status == SVC_RULE)
			p.rule_field = "amount_ore";
		return decision_page(&p, req->ids[0], page_form_status(&e), FORM_PAY);
	}
	json_decref(out);
	page_redirectf(&p, "/decisions/%lld?done=paid", (long long)req->ids[0]);
}

/* ---------------------------------------------------------------- the coordinator's queue of claims */


#define CLAIMS_PER_PAGE 50

/* The claims list's filters as asked (?status= … ?offset=). Without ?status= the
 * coordinator's list is the queue (submitted), a caseworker's every state;
 * ?status= empty ("Alla") or the old ?all=1 is every state. */
static struct svc_claim_query claims_query(struct page *p, char *limit, size_t limitsz)
{
	bool coord = p->svc.actor->role == ROLE_COORDINATOR;
	const char *status = http_query(p->req, "status");
	if (!status)
		status = coord && !http_query(p->req, "all") ? "submitted" : "all";
	else if (!*status)
		status = "all";
	snprintf(limit, limitsz, "%d", CLAIMS_PER_PAGE);
	return (struct svc_claim_query){ status,
					 NULL,
					 coord ? http_query(p->req, "organisation_id") : NULL,
					 http_query(p->req, "year"),
					 http_query(p->req, "code"),
					 limit,
					 http_query(p->req, "offset") };
}

/* The search form of the claims list: state, organisation (the coordinator's), year submitted, case code. */
static void claims_filters(struct page *p, const struct svc_claim_query *q, const json_t *orgs)
{
	static const char *const states[] = { "submitted", "paid", "rejected", NULL };
	static const char *const state_keys[] = { "claim_status.submitted", "claim_status.paid", "claim_status.rejected" };
	page_filter_open(p, "/claims");
	page_filter_choice(p, "status", "claim.state", "claims.status_all", states, state_keys, q->status);
	if (orgs)
		page_filter_orgs(p, orgs, q->organisation);
	page_filter_year(p, q->year);
	page_filter_code(p, q->code);
	page_filter_close(p);
}

/*
 * /claims: newest first, filtered and paged. For the coordinator by default
 * the claims waiting for a decision, each with its approval (dated) and a
 * link to reject it (a confirmation page asking for the reason); otherwise
 * the claims with their states. failed: the claim whose approval p->err
 * belongs to.
 */
static void claims_page(struct page *p, unsigned status, int64_t failed)
{
	struct svc_error e;
	char limit[16];
	bool coord = p->svc.actor->role == ROLE_COORDINATOR;
	struct svc_claim_query q = claims_query(p, limit, sizeof limit);
	bool queue = coord && strcmp(q.status, "submitted") == 0;
	json_t *list = svc_claim_list(&p->svc, &q, &e), *codes = NULL, *orgs = NULL;
	const json_t *cs = json_object_get(list, "claims");
	if (list)
		codes = page_person_codes(p, cs, "person_id", &e);
	if (codes && coord)
		orgs = svc_org_list(&p->svc, &e);
	if (!codes || (coord && !orgs)) {
		json_decref(list);
		json_decref(codes);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, queue ? "claims.queue_title" : "claims.title"));
	page_h1(p, queue ? "claims.queue_title" : "claims.title");
	page_notice(p);
	claims_filters(p, &q, orgs);
	if (p->err && failed == 0)
		page_errors(p);
	int64_t total = page_int(list, "total"), off = q.offset ? strtoll(q.offset, NULL, 10) : 0;
	const struct list_filter f[] = { { "status", q.status }, { "organisation_id", q.organisation },
					 { "year", q.year }, { "code", q.code } };
	if (json_array_size(cs) == 0) {
		html_raw(&p->h, "<p>");
		page_text(p, page_list_filtered(f + 1, 3) ? "claims.none_found" : queue ? "claims.none_waiting" : "claim.none");
		html_raw(&p->h, "</p>");
	} else {
		page_list_showing(p, "claims.showing", off, json_array_size(cs), total);
		claims_table(p, cs, codes, queue, failed);
	}
	page_list_paging(p, "/claims", f, 4, off, CLAIMS_PER_PAGE, total);
	json_decref(list);
	json_decref(codes);
	json_decref(orgs);
	page_end_status(p, status);
}

void page_claims(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	claims_page(&p, 200, 0);
}

void page_claim_approve(struct http_request *req)
{
	static const struct fj spec[] = { { "paid_on", FJ_STR } };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, 1, &e);
	json_t *out = in ? svc_claim_approve(&p.svc, req->ids[0], in, &e) : NULL;
	json_decref(in);
	if (!out) {
		if (e.status == SVC_NOT_FOUND)
			return page_fail(&p, &e);
		p.err = &e;
		return claims_page(&p, page_form_status(&e), req->ids[0]);
	}
	json_decref(out);
	page_redirect(&p, "/claims?done=claim_paid");
}

/* The confirmation before a rejection, which cannot be undone: the claim and the reason asked for. */
static void reject_page(struct page *p, int64_t id, unsigned status)
{
	struct svc_error e;
	json_t *c = svc_claim_get(&p->svc, id, &e);
	if (!c)
		return page_fail(p, &e);
	int64_t pid = page_int(c, "person_id");
	json_t *codes = svc_page_person_codes(&p->svc, &pid, 1, &e);
	if (!codes) {
		json_decref(c);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "claim.reject_title"));
	page_h1(p, "claim.reject_title");
	html_raw(&p->h, "<dl class=\"facts\">");
	page_dl_row(p, "person.code", page_person_code(codes, pid));
	page_dl_row(p, "application.type", page_enum(p, &enum_app_type, page_s(c, "type")));
	page_dl_row(p, "claim.submitted_on", page_s(c, "submitted_on"));
	html_raw(&p->h, "<div><dt>");
	page_text(p, "claim.days_used");
	html_raw(&p->h, "</dt><dd>");
	claim_extent(p, c);
	html_raw(&p->h, "</dd></div><div><dt>");
	page_text(p, "claim.amount");
	html_raw(&p->h, "</dt><dd>");
	page_money(p, json_object_get(c, "amount_ore"));
	html_raw(&p->h, "</dd></div>");
	page_dl_row(p, "claim.reference", page_s(c, "reference"));
	html_raw(&p->h, "</dl>");
	if (strcmp(page_s(c, "status"), "submitted") != 0) {
		html_raw(&p->h, "<p>");
		page_text(p, "claim.decided_already");
		html_raw(&p->h, " ");
		claim_state(p, c);
		html_raw(&p->h, "</p>");
	} else {
		html_raw(&p->h, "<p class=\"hint\">");
		page_text(p, "claim.reject_hint");
		html_raw(&p->h, "</p>");
		page_errors(p);
		page_form(p, "/claims/%lld/reject", (long long)id);
		page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "reason", .label = "claim.reject_reason",
					       .hint = "claim.reject_reason_hint", .required = true });
		page_form_end(p, "claim.reject_confirm");
	}
	html_raw(&p->h, "<p>");
	page_link(p, page_t(p, "claim.back_to_queue"), "/claims");
	html_raw(&p->h, "</p>");
	json_decref(c);
	json_decref(codes);
	page_end_status(p, status);
}

void page_claim_reject_confirm(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	reject_page(&p, req->ids[0], 200);
}

void page_claim_reject(struct http_request *req)
{
	static const struct fj spec[] = { { "reason", FJ_STR } };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, 1, &e);
	json_t *out = in ? svc_claim_reject(&p.svc, req->ids[0], in, &e) : NULL;
	json_decref(in);
	if (!out) {
		if (e.status == SVC_NOT_FOUND)
			return page_fail(&p, &e);
		p.err = &e;
		return reject_page(&p, req->ids[0], page_form_status(&e));
	}
	json_decref(out);
	page_redirect(&p, "/claims?done=claim_rejected");
}

void page_decision_close(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	char back[48];
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	/* Closing releases what is unpaid and cannot be undone: only with the box checked. */
	snprintf(back, sizeof back, "/decisions/%lld", (long long)req->ids[0]);
	if (!page_confirmed(&p, "decision.close_confirm", NULL, "decision.close", back))
		return;
	json_t *in = json_object();
	json_t *out = svc_decision_close(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	if (!out)
		return page_fail(&p, &e);
	json_decref(out);
	page_redirectf(&p, "/decisions/%lld?done=closed", (long long)req->ids[0]);
}

void page_decision_clear_emergency(struct http_request *req)
{
	static const struct fj spec[] = { { "date", FJ_STR }, { "responsible", FJ_STR } };
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, sizeof spec / sizeof spec[0], &e);
	json_t *out = in ? svc_decision_clear_emergency(&p.svc, req->ids[0], in, &e) : NULL;
	json_decref(in);
	if (!out) {
		if (e.status == SVC_NOT_FOUND)
			return page_fail(&p, &e);
		p.err = &e;
		return decision_page(&p, req->ids[0], page_form_status(&e), FORM_EMERGENCY);
	}
	json_decref(out);
	page_redirectf(&p, "/decisions/%lld?done=emergency_cleared", (long long)req->ids[0]);
}
