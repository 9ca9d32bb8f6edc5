/*
 * The JSON API of api.md: each handler decodes the request, calls one
 * service function and answers. No rule and no query lives here.
 */
#include <stdlib.h>
#include <string.h>

#include "letter/letter.h"
#include "report/export.h"
#include "util/buf.h"

#include "web/routes.h"
#include "web/service.h"

static void svc_of(struct http_request *req, struct svc *s)
{
	s->app = req->app;
	s->db = app_db(req->app);
	s->actor = app_actor(req);
	s->client_addr = http_client_addr(req);
}

/* Answers with out (status on success) or with e. */
static void answer(struct http_request *req, unsigned status, json_t *out, const struct svc_error *e)
{
	if (out)
		http_reply_json(req, status, out);
	else
		svc_reply_error(req, e);
}

/* The request body as a JSON object; an empty body is {} when allow_empty.
 * Replies 400 and returns NULL when it is not a JSON object. */
static json_t *body_object(struct http_request *req, int allow_empty)
{
	struct vctx v;
	vctx_init(&v);
	if (req->body_len == 0 && allow_empty)
		return json_object();
	json_t *o = v_parse_object(&v, req->body ? req->body : "", req->body_len);
	if (!o)
		http_reply_invalid(req, &v);
	return o;
}

/* A year from the {year} placeholder; replies 404 and returns -1 when out of range. */
static int path_year(struct http_request *req)
{
	int64_t y = req->ids[0];
	if (y < DAY_MIN_YEAR || y > DAY_MAX_YEAR) {
		http_reply_error(req, 404, "not_found", NULL, "året finns inte", "no such year");
		return -1;
	}
	return (int)y;
}

/* Runs fn(s, in, e) over the request body and answers 201 (or 200). */
#define WITH_BODY(status, allow_empty, call)                      \
	do {                                                      \
		struct svc s;                                     \
		struct svc_error e;                               \
		json_t *in = body_object(req, allow_empty);       \
		if (!in)                                          \
			return;                                   \
		svc_of(req, &s);                                  \
		json_t *out = call;                               \
		json_decref(in);                                  \
		answer(req, status, out, &e);                     \
	} while (0)

#define NO_BODY(call)                     \
	do {                              \
		struct svc s;             \
		struct svc_error e;       \
		svc_of(req, &s);          \
		json_t *out = call;       \
		answer(req, 200, out, &e); \
	} while (0)

void api_healthz(struct http_request *req)
{
	http_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

void api_login(struct http_request *req)
{
	struct svc s;
	struct svc_error e;
	char csrf[DB_CSRF_MAX];
	json_t *in = body_object(req, 0);
	if (!in)
		return;
	svc_of(req, &s);
	json_t *out = svc_login(&s, in, csrf, &e);
	json_decref(in);
	/* No cookie yet when the answer is a second-factor challenge. */
	if (out && json_object_get(out, "token"))
		app_set_session_cookie(req, json_string_value(json_object_get(out, "token")));
	answer(req, 200, out, &e);
}

void api_login_totp(struct http_request *req)
{
	struct svc s;
	struct svc_error e;
	char csrf[DB_CSRF_MAX];
	json_t *in = body_object(req, 0);
	if (!in)
		return;
	svc_of(req, &s);
	json_t *out = svc_login_totp(&s, in, csrf, &e);
	json_decref(in);
	if (out)
		app_set_session_cookie(req, json_string_value(json_object_get(out, "token")));
	answer(req, 200, out, &e);
}

void api_totp_start(struct http_request *req) { NO_BODY(svc_totp_start(&s, &e)); }
void api_totp_confirm(struct http_request *req) { WITH_BODY(200, 0, svc_totp_confirm(&s, in, &e)); }
void api_user_totp_reset(struct http_request *req) { NO_BODY(svc_user_totp_reset(&s, req->ids[0], &e)); }

void api_logout(struct http_request *req)
{
	NO_BODY(svc_logout(&s, &e));
	app_set_session_cookie(req, NULL);
}

void api_me(struct http_request *req) { NO_BODY(svc_me(&s, &e)); }
void api_set_lang(struct http_request *req) { WITH_BODY(200, 0, svc_set_lang(&s, in, &e)); }

void api_org_create(struct http_request *req) { WITH_BODY(201, 0, svc_org_create(&s, in, &e)); }
void api_org_list(struct http_request *req)
{
	struct svc_org_query q = { http_query(req, "name"), http_query(req, "status"), http_query(req, "order"),
				   http_query(req, "limit"), http_query(req, "offset") };
	NO_BODY(svc_org_find(&s, &q, &e));
}
void api_org_get(struct http_request *req) { NO_BODY(svc_org_get(&s, req->ids[0], &e)); }
void api_cert_add(struct http_request *req) { WITH_BODY(201, 0, svc_cert_add(&s, req->ids[0], in, &e)); }

/* 202 when a change waits for a second coordinator (four eyes), else ok. */
static unsigned status_of(const json_t *out, unsigned ok)
{
	return out && json_is_true(json_object_get(out, "awaiting_approval")) ? 202 : ok;
}

void api_user_create(struct http_request *req)
{
	struct svc s;
	struct svc_error e;
	json_t *in = body_object(req, 0);
	if (!in)
		return;
	svc_of(req, &s);
	json_t *out = svc_user_create(&s, in, &e);
	json_decref(in);
	answer(req, status_of(out, 201), out, &e);
}

void api_user_list(struct http_request *req) { NO_BODY(svc_user_list(&s, &e)); }
void api_user_deactivate(struct http_request *req) { NO_BODY(svc_user_set_active(&s, req->ids[0], false, &e)); }

void api_user_activate(struct http_request *req)
{
	struct svc s;
	struct svc_error e;
	svc_of(req, &s);
	json_t *out = svc_user_set_active(&s, req->ids[0], true, &e);
	answer(req, status_of(out, 200), out, &e);
}

void api_year_put(struct http_request *req)
{
	int year = path_year(req);
	if (year < 0)
		return;
	struct svc s;
	struct svc_error e;
	json_t *in = body_object(req, 0);
	if (!in)
		return;
	svc_of(req, &s);
	json_t *out = svc_year_put(&s, year, in, &e);
	json_decref(in);
	answer(req, status_of(out, 200), out, &e);
}

void api_change_list(struct http_request *req) { NO_BODY(svc_change_list(&s, http_query(req, "status"), &e)); }
void api_change_get(struct http_request *req) { NO_BODY(svc_change_get(&s, req->ids[0], &e)); }
void api_change_approve(struct http_request *req) { WITH_BODY(200, 1, svc_change_approve(&s, req->ids[0], in, &e)); }
void api_change_reject(struct http_request *req) { WITH_BODY(200, 1, svc_change_reject(&s, req->ids[0], in, &e)); }

void api_year_get(struct http_request *req)
{
	int year = path_year(req);
	if (year >= 0)
		NO_BODY(svc_year_get(&s, year, &e));
}

void api_year_budget(struct http_request *req)
{
	int year = path_year(req);
	if (year >= 0)
		NO_BODY(svc_year_budget(&s, year, &e));
}

void api_person_create(struct http_request *req) { WITH_BODY(201, 0, svc_person_create(&s, in, &e)); }
void api_person_list(struct http_request *req)
{
	struct svc_person_query q = { http_query(req, "code"),	http_query(req, "age_group"),
				      http_query(req, "status"), http_query(req, "order"),
				      http_query(req, "limit"), http_query(req, "offset") };
	NO_BODY(svc_person_list(&s, &q, &e));
}
void api_person_get(struct http_request *req) { NO_BODY(svc_person_get(&s, req->ids[0], true, &e)); }
void api_person_exit(struct http_request *req) { WITH_BODY(200, 0, svc_person_exit(&s, req->ids[0], in, &e)); }
void api_person_identity(struct http_request *req)
{
	WITH_BODY(200, 0, svc_person_set_identity(&s, req->ids[0], in, &e));
}
void api_person_allowance(struct http_request *req) { NO_BODY(svc_person_allowance(&s, req->ids[0], &e)); }

void api_duplicates_list(struct http_request *req) { NO_BODY(svc_duplicates_list(&s, &e)); }
void api_duplicates_mark(struct http_request *req)
{
	WITH_BODY(200, 0, svc_duplicates_mark(&s, req->ids[0], req->ids[1], in, &e));
}

void api_application_create(struct http_request *req) { WITH_BODY(201, 0, svc_application_create(&s, in, &e)); }
void api_application_list(struct http_request *req)
{
	struct svc_application_query q = {
		http_query(req, "status"), http_query(req, "person_id"), http_query(req, "organisation_id"),
		http_query(req, "code"),   http_query(req, "year"),	     http_query(req, "order"),
		http_query(req, "limit"),  http_query(req, "offset"),
	};
	NO_BODY(svc_application_list(&s, &q, &e));
}
void api_application_get(struct http_request *req) { NO_BODY(svc_application_get(&s, req->ids[0], &e)); }
void api_application_checks(struct http_request *req) { NO_BODY(svc_application_checks(&s, req->ids[0], &e)); }

/* 201 with the decision, or 202 when it awaits a second coordinator (four-eyes). */
void api_decision_create(struct http_request *req)
{
	struct svc s;
	struct svc_error e;
	json_t *in = body_object(req, 0);
	if (!in)
		return;
	svc_of(req, &s);
	json_t *out = svc_decision_create(&s, req->ids[0], in, &e);
	json_decref(in);
	answer(req, out && json_is_true(json_object_get(out, "awaiting_approval")) ? 202 : 201, out, &e);
}
void api_decision_list(struct http_request *req)
{
	struct svc_decision_query q = {
		http_query(req, "open"),	   http_query(req, "state"), http_query(req, "year"),
		http_query(req, "emergency"),	   http_query(req, "organisation_id"), http_query(req, "code"),
		http_query(req, "ends_within"), http_query(req, "order"), http_query(req, "limit"),
		http_query(req, "offset"),
	};
	NO_BODY(svc_decision_list(&s, &q, &e));
}
void api_decision_get(struct http_request *req) { NO_BODY(svc_decision_get(&s, req->ids[0], &e)); }
void api_decision_close(struct http_request *req) { WITH_BODY(200, 1, svc_decision_close(&s, req->ids[0], in, &e)); }
void api_decision_clear_emergency(struct http_request *req)
{
	WITH_BODY(200, 1, svc_decision_clear_emergency(&s, req->ids[0], in, &e));
}

void api_payment_create(struct http_request *req) { WITH_BODY(201, 0, svc_payment_create(&s, in, &e)); }
void api_payment_list(struct http_request *req) { NO_BODY(svc_payment_list(&s, req->ids[0], &e)); }
void api_claim_create(struct http_request *req) { WITH_BODY(201, 0, svc_claim_create(&s, in, &e)); }
void api_claim_list(struct http_request *req)
{
	struct svc_claim_query q = { http_query(req, "status"),	http_query(req, "decision_id"),
				     http_query(req, "organisation_id"), http_query(req, "year"),
				     http_query(req, "code"),		http_query(req, "limit"),
				     http_query(req, "offset") };
	NO_BODY(svc_claim_list(&s, &q, &e));
}
void api_claim_left(struct http_request *req) { NO_BODY(svc_claim_left(&s, req->ids[0], &e)); }
void api_claim_get(struct http_request *req) { NO_BODY(svc_claim_get(&s, req->ids[0], &e)); }
void api_claim_approve(struct http_request *req) { WITH_BODY(200, 1, svc_claim_approve(&s, req->ids[0], in, &e)); }
void api_claim_reject(struct http_request *req) { WITH_BODY(200, 0, svc_claim_reject(&s, req->ids[0], in, &e)); }

void api_placement_create(struct http_request *req) { WITH_BODY(201, 0, svc_placement_create(&s, in, &e)); }
void api_placement_list(struct http_request *req) { NO_BODY(svc_placement_list(&s, http_query(req, "year"), &e)); }
void api_consultation_create(struct http_request *req) { WITH_BODY(201, 0, svc_consultation_create(&s, in, &e)); }
void api_consultation_list(struct http_request *req)
{
	NO_BODY(svc_consultation_list(&s, http_query(req, "year"), &e));
}

void api_contact_create(struct http_request *req) { WITH_BODY(201, 0, svc_contact_create(&s, in, &e)); }
void api_contact_get(struct http_request *req) { NO_BODY(svc_contact_get(&s, req->ids[0], &e)); }
void api_contact_list(struct http_request *req)
{
	struct svc_contact_query q = { http_query(req, "from"),	  http_query(req, "to"),
				       http_query(req, "gender"), http_query(req, "age_group"),
				       http_query(req, "region"), http_query(req, "organisation_id"),
				       http_query(req, "order"),  http_query(req, "limit"),
				       http_query(req, "offset") };
	NO_BODY(svc_contact_list(&s, &q, &e));
}
void api_org_member(struct http_request *req) { WITH_BODY(200, 0, svc_org_set_member(&s, req->ids[0], in, &e)); }

void api_report(struct http_request *req)
{
	struct svc s;
	struct svc_error e;
	struct buf out = BUF_INIT;
	int year = path_year(req);
	if (year < 0)
		return;
	const char *fmt = http_query(req, "format"), *open = http_query(req, "open_data"), *k = http_query(req, "k");
	int format = fmt ? report_format_parse(fmt) : REPORT_JSON;
	int open_data = open && (strcmp(open, "1") == 0 || strcmp(open, "true") == 0);
	int kv = 5;
	if (k) {
		char *end;
		long v = strtol(k, &end, 10);
		kv = (*k && !*end && v >= 1 && v <= 1000) ? (int)v : -1;
	}
	svc_of(req, &s);
	if (svc_report(&s, year, format, open_data, kv, &out, &e) != 0) {
		svc_reply_error(req, &e);
		return;
	}
	char name[32];
	snprintf(name, sizeof name, "nsp-arsrapport-%d.%s", year, report_format_extension((enum report_format)format));
	http_reply_bytes(req, 200, report_format_content_type((enum report_format)format), out.data, out.len,
			 format == REPORT_JSON ? NULL : name);
	buf_release(&out);
}

/* E-mail notices: addresses and the outbox. */
void api_org_contact_email(struct http_request *req)
{
	WITH_BODY(200, 0, svc_org_set_contact_email(&s, req->ids[0], in, &e));
}
void api_me_notices(struct http_request *req) { WITH_BODY(200, 0, svc_me_set_notices(&s, in, &e)); }
void api_outbox_list(struct http_request *req) { NO_BODY(svc_outbox_list(&s, http_query(req, "pending"), &e)); }
void api_outbox_retry(struct http_request *req) { WITH_BODY(200, 1, svc_outbox_retry(&s, &e)); }

/* Letters of decisions and of handled claims: ?lang=sv|en, else the user's language. */
static void letter_reply(struct http_request *req, bool claim)
{
	struct svc s;
	struct svc_error e;
	struct buf out = BUF_INIT;
	const char *lang = http_query(req, "lang");
	if (lang && strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0) {
		http_reply_error(req, 400, "invalid", "lang", "språket är sv eller en", "the language is sv or en");
		return;
	}
	enum lang l = i18n_lang(lang ? lang : app_lang(req));
	svc_of(req, &s);
	if ((claim ? svc_claim_letter : svc_decision_letter)(&s, req->ids[0], l, &out, &e) != 0) {
		svc_reply_error(req, &e);
		return;
	}
	char name[64];
	(claim ? letter_claim_file_name : letter_file_name)(req->ids[0], l, name, sizeof name);
	http_reply_bytes(req, 200, "application/pdf", out.data, out.len, name);
	buf_release(&out);
}

void api_decision_letter(struct http_request *req) { letter_reply(req, false); }
void api_claim_letter(struct http_request *req) { letter_reply(req, true); }

/* ---- organisations: certification, quality follow-up, capacity, four-eyes ---- */

void api_checklist_get(struct http_request *req) { NO_BODY(svc_checklist_get(&s, http_query(req, "year"), &e)); }
void api_checklist_put(struct http_request *req)
{
	int year = path_year(req);
	if (year >= 0)
		WITH_BODY(200, 0, svc_checklist_put(&s, year, in, &e));
}
void api_cert_settings_get(struct http_request *req) { NO_BODY(svc_cert_settings_get(&s, &e)); }
void api_cert_settings_put(struct http_request *req) { WITH_BODY(200, 0, svc_cert_settings_put(&s, in, &e)); }
void api_cert_due(struct http_request *req) { NO_BODY(svc_cert_due(&s, http_query(req, "days"), &e)); }
void api_follow_up_create(struct http_request *req) { WITH_BODY(201, 0, svc_follow_up_create(&s, in, &e)); }
void api_follow_up_list(struct http_request *req)
{
	NO_BODY(svc_follow_up_list(&s, http_query(req, "organisation_id"), http_query(req, "year"), &e));
}
void api_capacity_get(struct http_request *req)
{
	NO_BODY(svc_capacity_get(&s, req->ids[0], http_query(req, "date"), &e));
}
void api_capacity_put(struct http_request *req) { WITH_BODY(200, 0, svc_capacity_put(&s, req->ids[0], in, &e)); }
void api_capacity_overview(struct http_request *req)
{
	NO_BODY(svc_capacity_overview(&s, http_query(req, "date"), http_query(req, "year"), &e));
}
void api_placement_unmet(struct http_request *req) { NO_BODY(svc_placement_unmet(&s, http_query(req, "year"), &e)); }
void api_consultation_summary(struct http_request *req)
{
	NO_BODY(svc_consultation_summary(&s, http_query(req, "year"), &e));
}
void api_proposal_list(struct http_request *req) { NO_BODY(svc_proposal_list(&s, http_query(req, "status"), &e)); }
void api_proposal_get(struct http_request *req) { NO_BODY(svc_proposal_get(&s, req->ids[0], &e)); }
void api_proposal_approve(struct http_request *req) { WITH_BODY(201, 1, svc_proposal_approve(&s, req->ids[0], in, &e)); }
void api_proposal_reject(struct http_request *req) { WITH_BODY(200, 1, svc_proposal_reject(&s, req->ids[0], in, &e)); }
