/*
 * Decisions and payment claims: the list, one decision with its payments,
 * claiming the days actually used (never above the decision, R14), and
 * closing a decision (the coordinator) to release what was not used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

#define PAGE_DECISIONS_MAX 200

void page_decisions(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	const char *emergency = http_query(req, "emergency");
	/* The newest PAGE_DECISIONS_MAX: a programme of many years would otherwise
	 * send every decision it ever made. */
	char max[24];
	snprintf(max, sizeof max, "%d", PAGE_DECISIONS_MAX);
	json_t *list = svc_decision_list(&p.svc, http_query(req, "open"), NULL, emergency, max, NULL, true, &e);
	if (!list)
		return page_fail(&p, &e);
	const json_t *ds = json_object_get(list, "decisions");
	size_t n = json_array_size(ds);
	json_t *codes = page_person_codes(&p, ds, "person_id", &e);
	if (!codes) {
		json_decref(list);
		return page_fail(&p, &e);
	}
	page_start(&p, page_t(&p, "decisions.title"));
	page_h1(&p, "decisions.title");
	html_raw(&p.h, "<p class=\"filters\">");
	page_link(&p, page_t(&p, "decisions.open_only"), "/decisions?open=1");
	html_raw(&p.h, " \xC2\xB7 ");
	/* R2e: the emergency decisions still waiting for the responsible actor. */
	page_link(&p, page_t(&p, "decisions.emergency_open"), "/decisions?emergency=open");
	html_raw(&p.h, " \xC2\xB7 ");
	page_link(&p, page_t(&p, "decisions.all"), "/decisions");
	html_raw(&p.h, "</p>");
	if (n == 0) {
		html_raw(&p.h, "<p>");
		page_text(&p, emergency ? "decisions.no_emergency_open" : "decisions.none");
		html_raw(&p.h, "</p>");
	} else {
		page_table(&p, NULL, "decision.decided_on", "person.code", "application.type", "decision.outcome",
			   "application.period", "decision.total", "decision.paid", "decision.state", NULL);
		for (size_t k = 0; k < n; k++) {
			const json_t *d = json_array_get(ds, k);
			html_raw(&p.h, "<tr><td>");
			page_day(&p, json_object_get(d, "decided_on"));
			html_raw(&p.h, "</td><td class=\"code\">");
			/* The link sits on the case code, what a caseworker looks for. */
			page_link(&p, page_person_code(codes, page_int(d, "person_id")), "/decisions/%lld",
				  (long long)page_int(d, "id"));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_enum(&p, &enum_app_type, page_s(d, "type")));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_enum(&p, &enum_outcome, page_s(d, "outcome")));
			if (json_is_true(json_object_get(d, "emergency"))) {
				html_raw(&p.h, " <span class=\"tag\">");
				page_text(&p, json_is_string(json_object_get(d, "emergency_cleared_on"))
						      ? "decision.emergency"
						      : "decision.emergency_open");
				html_raw(&p.h, "</span>");
			}
			html_raw(&p.h, "</td><td>");
			if (json_is_string(json_object_get(d, "from"))) {
				page_day(&p, json_object_get(d, "from"));
				html_raw(&p.h, " \xE2\x80\x93 ");
				page_day(&p, json_object_get(d, "to"));
			}
			html_raw(&p.h, "</td><td class=\"num\">");
			page_money(&p, json_object_get(d, "total_ore"));
			html_raw(&p.h, "</td><td class=\"num\">");
			page_money(&p, json_object_get(d, "paid_ore"));
			html_raw(&p.h, "</td><td>");
			page_text(&p, json_is_string(json_object_get(d, "closed_on")) ? "decision.closed" : "decision.is_open");
			html_raw(&p.h, "</td></tr>");
		}
		page_table_end(&p);
		if (n == PAGE_DECISIONS_MAX) {
			const char *args[] = { max };
			html_raw(&p.h, "<p>");
			i18n_html(&p.h, p.lang, "decisions.newest_only", args, 1);
			html_raw(&p.h, "</p>");
		}
	}
	json_decref(list);
	json_decref(codes);
	page_end(&p);
}

/* The claim form: days (or units) actually used, priced as the decision was. */
static void claim_form(struct page *p, const json_t *d)
{
	bool period = json_is_string(json_object_get(d, "from"));
	int64_t granted = period ? 0 : page_int(d, "units");
	if (period) {
		day_t f, t;
		day_parse(page_s(d, "from"), &f);
		day_parse(page_s(d, "to"), &t);
		granted = day_count(f, t);
	}
	char hint[256], total[64], paid[64], max[24], today[DAY_BUFSZ];
	money_format(page_int(d, "total_ore"), total, sizeof total, 1);
	money_format(page_int(d, "paid_ore"), paid, sizeof paid, 1);
	snprintf(max, sizeof max, "%lld", (long long)granted);
	struct html tmp = HTML_INIT;
	const char *args[] = { max, total, paid };
	i18n_html(&tmp, p->lang, period ? "claim.days_hint" : "claim.units_hint", args, 3);
	snprintf(hint, sizeof hint, "%s", buf_str(&tmp.b));
	html_release(&tmp);

	page_panel(p, "claim.title");
	page_errors(p);
	page_form(p, "/decisions/%lld/claim", (long long)page_int(d, "id"));
	page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "days",
				       .label = period ? "claim.days" : "claim.units", .hint_text = hint });
	page_field(p, &(struct field){ .kind = FIELD_MONEY, .name = "amount", .label = "claim.amount",
				       .hint = "claim.amount_hint" });
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "paid_on", .label = "claim.paid_on",
				       .value = day_format(day_today(), today), .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "reference", .label = "claim.reference",
				       .hint = "claim.reference_hint" });
	page_form_end(p, "claim.submit");
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
enum decision_form { FORM_CLAIM, FORM_EMERGENCY };

static void decision_page(struct page *p, int64_t id, unsigned status, enum decision_form failed)
{
	struct svc_error e;
	json_t *d = svc_decision_get(&p->svc, id, &e), *pays = NULL, *codes = NULL;
	if (d)
		pays = svc_payment_list(&p->svc, id, &e);
	if (pays) {
		int64_t pid = page_int(d, "person_id");
		codes = svc_page_person_codes(&p->svc, &pid, 1, &e);
	}
	if (!codes) {
		json_decref(d);
		json_decref(pays);
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
	page_dl_row(p, "decision.state", page_t(p, open ? "decision.is_open" : "decision.closed"));
	/* R15: granted over the place's capacity, and why. */
	if (page_s(d, "over_capacity_reason"))
		page_dl_row(p, "decision.over_capacity_reason", page_s(d, "over_capacity_reason"));
	html_raw(h, "</dl><p>");
	page_link(p, page_t(p, "decision.application"), "/applications/%lld", (long long)page_int(d, "application_id"));
	/* The decision letter (issue 17), in the page's language. */
	html_raw(h, " \xC2\xB7 ");
	page_link(p, page_t(p, "letter.download"), "/api/v1/decisions/%lld/letter.pdf?lang=%s", (long long)id,
		  i18n_code(p->lang));
	html_raw(h, "</p><h2>");
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
	const struct svc_error *err = p->err;
	const struct form *in = p->in;
	if (open && page_int(d, "total_ore") > page_int(d, "paid_ore")) {
		p->err = failed == FORM_CLAIM ? err : NULL;
		p->in = failed == FORM_CLAIM ? in : NULL;
		claim_form(p, d);
	}
	if (emergency_open && p->svc.actor->role == ROLE_COORDINATOR) {
		p->err = failed == FORM_EMERGENCY ? err : NULL;
		p->in = failed == FORM_EMERGENCY ? in : NULL;
		emergency_form(p, id);
	}
	p->err = err;
	p->in = in;
	if (open && p->svc.actor->role == ROLE_COORDINATOR) {
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
	json_decref(codes);
	page_end_status(p, status);
}

void page_decision(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	decision_page(&p, req->ids[0], 200, FORM_CLAIM);
}

/* The amount to claim: the price of the days used, or an amount typed in kronor. */
static int claim_amount(struct page *p, int64_t decision_id, int64_t *ore, struct svc_error *e)
{
	const char *days = page_in(p, "days"), *amount = page_in(p, "amount");
	if (days && *days) {
		char *end;
		long long n = strtoll(days, &end, 10);
		if (*end || n < 1) {
			page_invalid(e, "days", "ange ett helt antal dygn, minst 1",
				       "give a whole number of days, at least 1");
			return -1;
		}
		json_t *r = svc_page_claim_amount(&p->svc, decision_id, n, e);
		if (!r)
			return -1;
		*ore = page_int(r, "amount_ore");
		json_decref(r);
		return 0;
	}
	if (amount && *amount) {
		if (money_parse_kr(amount, ore) != 0 || *ore <= 0) {
			page_invalid(e, "amount", "beloppet kunde inte läsas; skriv till exempel 9 240",
				       "the amount could not be read; write for example 9 240");
			return -1;
		}
		return 0;
	}
	page_invalid(e, "days", "ange hur många dygn som användes (eller ett belopp)",
		       "give the number of days used (or an amount)");
	return -1;
}

void page_claim(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	int64_t ore;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *out = NULL;
	if (claim_amount(&p, req->ids[0], &ore, &e) == 0) {
		json_t *in = json_pack("{s:I, s:I}", "decision_id", (json_int_t)req->ids[0], "amount_ore", (json_int_t)ore);
		if (page_in(&p, "paid_on") && *page_in(&p, "paid_on"))
			json_object_set_new(in, "paid_on", json_string(page_in(&p, "paid_on")));
		if (page_in(&p, "reference"))
			json_object_set_new(in, "reference", json_string(page_in(&p, "reference")));
		out = svc_payment_create(&p.svc, in, &e);
		json_decref(in);
	}
	if (!out) {
		if (e.status == SVC_NOT_FOUND)
			return page_fail(&p, &e);
		p.err = &e;
		/* An amount typed in kronor is where R14 belongs then. */
		if (!(page_in(&p, "days") && *page_in(&p, "days")))
			p.rule_field = "amount";
		return decision_page(&p, req->ids[0], page_form_status(&e), FORM_CLAIM);
	}
	json_decref(out);
	page_redirectf(&p, "/decisions/%lld?done=claimed", (long long)req->ids[0]);
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
