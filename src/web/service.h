/*
 * The service layer: every operation of the programme as one function over
 * JSON in and JSON out, called by the JSON API and by the HTML pages alike.
 * Each one validates its input (naming the field of the first error),
 * checks the actor's role and organisation, loads what the rules need,
 * asks the domain, and writes in one transaction with its audit entry.
 *
 * Contract of every svc_*() below: returns a new JSON reference the caller
 * owns (json_decref), or NULL with *e filled. Records of another
 * organisation are reported as SVC_NOT_FOUND, never as forbidden, so that
 * their existence does not leak.
 */
#ifndef NSP_WEB_SERVICE_H
#define NSP_WEB_SERVICE_H

#include <jansson.h>

#include "i18n/i18n.h"
#include "web/app.h"

/* Login: {"username","password"} → {"token","user":{...}} and *csrf_out filled
 * (the caller sets the cookie). Failures are audited and throttled. A user
 * with a second factor gets {"second_factor_required":true,"challenge"}
 * instead (no session, csrf_out empty): svc_login_totp completes it. */
json_t *svc_login(struct svc *s, const json_t *in, char csrf_out[DB_CSRF_MAX], struct svc_error *e);

/* ---- second factor (svc_totp.c) ---- */
/* A new login challenge for user_id (after the right password): {"second_factor_required","challenge"}. */
json_t *svc_login_challenge(struct svc *s, int64_t user_id, struct svc_error *e);
/*
 * The code step: {"challenge", "code"} or {"challenge", "recovery_code"} →
 * as svc_login's success (+ "recovery_codes_left" after a recovery code).
 * SVC_UNAUTHENTICATED with field "code" for a wrong or replayed code while
 * the challenge stays usable, without a field when it expired or is spent
 * (log in again); SVC_THROTTLED (field "code") after repeated failures.
 */
json_t *svc_login_totp(struct svc *s, const json_t *in, char csrf_out[DB_CSRF_MAX], struct svc_error *e);
/* The actor's second factor: {"required","enrolled","pending","recovery_codes_left"[,"enrolled_on"]},
 * with with_pending_secret also "secret" and "otpauth_uri" of a pending enrolment. */
json_t *svc_totp_status(struct svc *s, bool with_pending_secret, struct svc_error *e);
/* Starts (or restarts) the actor's enrolment: {"secret","otpauth_uri"}; SVC_CONFLICT when enrolled. */
json_t *svc_totp_start(struct svc *s, struct svc_error *e);
/* {"code"} of the pending secret → {"enrolled":true,"recovery_codes":[10 codes, shown once]}. */
json_t *svc_totp_confirm(struct svc *s, const json_t *in, struct svc_error *e);
/* A coordinator removes user id's second factor and ends their sessions; the user enrols again. */
json_t *svc_user_totp_reset(struct svc *s, int64_t id, struct svc_error *e);
json_t *svc_logout(struct svc *s, struct svc_error *e);
json_t *svc_me(struct svc *s, struct svc_error *e);
json_t *svc_set_lang(struct svc *s, const json_t *in, struct svc_error *e);

json_t *svc_org_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_org_list(struct svc *s, struct svc_error *e);
/* The organisations list's query, strings from the URL (each NULL = not given): "name" a part of
 * the name (letters compared without case), "status" the latest certification's status or "none",
 * "order" name/newest/oldest (default name), "limit" (1..1000; default: all) and "offset". */
struct svc_org_query {
	const char *name, *status, *order, *limit, *offset;
};
/* {"organisations":[...], "total"}: svc_org_list's rows that match q, one page of them. */
json_t *svc_org_find(struct svc *s, const struct svc_org_query *q, struct svc_error *e);
json_t *svc_org_get(struct svc *s, int64_t id, struct svc_error *e);
json_t *svc_cert_add(struct svc *s, int64_t org_id, const json_t *in, struct svc_error *e);

json_t *svc_user_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_user_list(struct svc *s, struct svc_error *e);
json_t *svc_user_set_active(struct svc *s, int64_t id, bool active, struct svc_error *e);

json_t *svc_year_put(struct svc *s, int year, const json_t *in, struct svc_error *e);
json_t *svc_year_get(struct svc *s, int year, struct svc_error *e);
json_t *svc_year_budget(struct svc *s, int year, struct svc_error *e);

json_t *svc_person_create(struct svc *s, const json_t *in, struct svc_error *e);
/* svc_person_create() with the year of the case code (NSP-YYYY-NNNN) given: the
 * year the person was registered, for records entered afterwards (the demo's
 * earlier years). code_year 0: this year, as svc_person_create. */
json_t *svc_person_register(struct svc *s, const json_t *in, int code_year, struct svc_error *e);
/* Reads one person (audited); with identity only on the person's own page. */
json_t *svc_person_get(struct svc *s, int64_t id, bool with_identity, struct svc_error *e);
/* The persons list's query, strings from the URL (each NULL = not given): "code" a part of the
 * case code, "age_group" adult/child, "status" in_programme/exited, "order" newest/oldest
 * (default oldest), "limit" (0..1000; default 100) and "offset". */
struct svc_person_query {
	const char *code, *age_group, *status, *order, *limit, *offset;
};
/* {"persons":[...], "total"}: each person with its "period" (svc_person_get). */
json_t *svc_person_list(struct svc *s, const struct svc_person_query *q, struct svc_error *e);
json_t *svc_person_exit(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
json_t *svc_person_set_identity(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
/* What is left of each limit for the person (R3, R4, R6) and which children may be named. */
json_t *svc_person_allowance(struct svc *s, int64_t id, struct svc_error *e);

json_t *svc_application_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_application_get(struct svc *s, int64_t id, struct svc_error *e);
/* The applications list's query, strings from the URL (each NULL = not given): "status"
 * submitted/decided, "person_id", "organisation_id" (a coordinator's filter), "code" a part of
 * the case code, "year" submitted in, "order" newest/oldest (default oldest), "limit"
 * (1..1000; default: all) and "offset". */
struct svc_application_query {
	const char *status, *person_id, *organisation_id, *code, *year, *order, *limit, *offset;
};
/* {"applications":[...], "total"}: those the caller may see. */
json_t *svc_application_list(struct svc *s, const struct svc_application_query *q, struct svc_error *e);
/* The rule checks of a submitted application as they stand now, and its amount if granted in full. */
json_t *svc_application_checks(struct svc *s, int64_t id, struct svc_error *e);

json_t *svc_decision_create(struct svc *s, int64_t application_id, const json_t *in, struct svc_error *e);
json_t *svc_decision_get(struct svc *s, int64_t id, struct svc_error *e);
/* The decisions list's query, strings from the URL (each NULL = not given): "open" 1/0/true/false
 * (closed or not), "state" open/closed/nothing_to_pay, "year" the budget year, "emergency" open
 * (R2e: emergency decisions whose responsible actor is not clarified yet), "organisation_id" (a
 * coordinator's filter), "code" a part of the case code, "ends_within" N days (granted periods
 * not closed that end today or within N-1 days after), "order" newest/oldest (default oldest),
 * "limit" (1..1000; default: all) and "offset". */
struct svc_decision_query {
	const char *open, *state, *year, *emergency, *organisation_id, *code, *ends_within, *order, *limit,
		*offset;
};
/* {"decisions":[...], "total"}: each with its "state". */
json_t *svc_decision_list(struct svc *s, const struct svc_decision_query *q, struct svc_error *e);
json_t *svc_decision_close(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
/* R2e follow-up (coordinator): {"date" (default today), "responsible"} records that the responsible
 * actor of an emergency decision is clarified. SVC_CONFLICT when it is not an emergency decision or
 * was cleared already; SVC_INVALID when the date is before the decision or in the future. Returns
 * the decision. */
json_t *svc_decision_clear_emergency(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);

/* ---- claims and payments (svc_claim.c, domain.md §8) ---- */
/* A payment by amount (coordinator; a caseworker gets SVC_FORBIDDEN), split over the decision's lines. */
json_t *svc_payment_create(struct svc *s, const json_t *in, struct svc_error *e);
/* The same judged and split, nothing written: the payment's JSON with "id" null (the page's confirmation). */
json_t *svc_payment_preview(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_payment_list(struct svc *s, int64_t decision_id, struct svc_error *e);
/* {"decision_id","from","to"|"units","reference"[,"submitted_on"]} → the claim (status submitted):
 * 400 for days outside the granted period or after the claim's date, 409 for a closed decision or
 * days claimed already, 422 R14 when it would exceed what is left of the decision. */
json_t *svc_claim_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_claim_get(struct svc *s, int64_t id, struct svc_error *e);
/* The claims list (?status=submitted|paid|rejected|all, ?decision_id=, ?organisation_id= (the
 * coordinator's), ?year= (submitted in), ?code= (in the case code), ?limit=, ?offset=), newest
 * first: {"claims":[...], "total"} (total: every match). An organisation sees its own only. */
struct svc_claim_query {
	const char *status, *decision, *organisation, *year, *code, *limit, *offset;
};
json_t *svc_claim_list(struct svc *s, const struct svc_claim_query *q, struct svc_error *e);
/* Decision id's claims and what is left of it (R14, claim_left_ore): {"claims","granted_ore","paid_ore",
 * "reserved_ore","left_ore","granted_days"|"granted_units","days_left"|"units_left","next_day"}: the
 * days (units) not claimed by a claim still standing, and the first day after the last one claimed. */
json_t *svc_claim_left(struct svc *s, int64_t decision_id, struct svc_error *e);
/* Coordinator: {"paid_on"} (default today) records the claim's payment line by line; 409 when decided. */
json_t *svc_claim_approve(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
/* Coordinator: {"reason"} rejects the claim; 409 when decided. */
json_t *svc_claim_reject(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);

json_t *svc_placement_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_placement_list(struct svc *s, const char *year, struct svc_error *e);
json_t *svc_consultation_create(struct svc *s, const json_t *in, struct svc_error *e);
/* ---- the contact register (svc_contact.c, issue 19) ---- */
/* A contact of a member organisation (a caseworker's own; the coordinator
 * names "organisation_id"): {"date","gender","age_group","exploitation_forms",
 * "region","referral_source","missing_support","basis":{"kind","actor_kind",
 * "reason_category"},"identity":{"name","birth_date","birth_country"}}. The
 * identity only makes the linkage keys: it is never stored nor answered.
 * A caseworker of an organisation that is not a member: SVC_FORBIDDEN. */
json_t *svc_contact_create(struct svc *s, const json_t *in, struct svc_error *e);
/* One contact: another organisation's is SVC_NOT_FOUND. */
json_t *svc_contact_get(struct svc *s, int64_t id, struct svc_error *e);
/* The contacts list's query, strings from the URL (each NULL = not given): "from", "to" days,
 * "gender", "age_group", "region", "organisation_id" (coordinator), "order" newest (default) or
 * oldest, "limit" (1..1000; default 100) and "offset". */
struct svc_contact_query {
	const char *from, *to, *gender, *age_group, *region, *organisation_id, *order, *limit, *offset;
};
/* {"contacts":[...], "total"}: the caller's own (the coordinator's: all). */
json_t *svc_contact_list(struct svc *s, const struct svc_contact_query *q, struct svc_error *e);
/* {"member": bool} (coordinator): a member organisation of the platform records contacts. Returns
 * the organisation. */
json_t *svc_org_set_member(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
json_t *svc_consultation_list(struct svc *s, const char *year, struct svc_error *e);

/* ---- organisations: certification, quality follow-up, capacity, four-eyes (domain.md §3, §4, §9) ---- */

/* The setting key of the recertification interval in months (default CERT_INTERVAL_DEFAULT_MONTHS). */
#define SETTING_RECERT_MONTHS "recertification_months"
/* The interval in force into *months; 0 or -1 (database). */
int svc_recert_months(struct svc *s, int64_t *months);

/* The checklist in force in year (NULL = this year): {"year","from_year","requirements":[{"key",
 * "label_sv","label_en","required"}],"years":[...]}; PUT replaces the year's own checklist. */
json_t *svc_checklist_get(struct svc *s, const char *year, struct svc_error *e);
json_t *svc_checklist_put(struct svc *s, int year, const json_t *in, struct svc_error *e);
/* {"recertification_months","due_window_days"}; PUT {"recertification_months": 1..120}. */
json_t *svc_cert_settings_get(struct svc *s, struct svc_error *e);
json_t *svc_cert_settings_put(struct svc *s, const json_t *in, struct svc_error *e);
/* Organisations certified now whose renewal is due within `days` (NULL = 90) or overdue. */
json_t *svc_cert_due(struct svc *s, const char *days, struct svc_error *e);
/* Site visits, surveys, network meetings: {"kind","date","notes","organisation_ids":[...]}. */
json_t *svc_follow_up_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_follow_up_list(struct svc *s, const char *organisation, const char *year, struct svc_error *e);

/* Places of an organisation with the occupancy of `date` (NULL = today); PUT replaces the places. */
json_t *svc_capacity_get(struct svc *s, int64_t org, const char *date, struct svc_error *e);
json_t *svc_capacity_put(struct svc *s, int64_t org, const json_t *in, struct svc_error *e);
/* Availability per police region and target group on `date` (NULL = today), and per organisation the
 * actor may see; a caseworker's regions count the own organisation only. */
json_t *svc_capacity_overview(struct svc *s, const char *date, const char *year, struct svc_error *e);
/* The funder's threshold of the capacity months: the open-data report's default k. */
#define CAPACITY_FUNDER_K 5
/* Requests without a place per month, region and target group of year (NULL = this year). */
json_t *svc_placement_unmet(struct svc *s, const char *year, struct svc_error *e);
/* Consultations of year (NULL = this year) counted by asker, region and topic. */
json_t *svc_consultation_summary(struct svc *s, const char *year, struct svc_error *e);

/* Four-eyes. svc_decision_create answers {"awaiting_approval":true,"proposal":{...}} instead of a
 * decision when the total is above the threshold of the decision's year. Approving one's own
 * proposal is SVC_FORBIDDEN; approving re-checks the rules, the amount and R10, then records the
 * decision (decided_by = the proposer, approved_by = the approver). Rejecting (also by the proposer)
 * puts the application back in the queue. */
json_t *svc_proposal_list(struct svc *s, const char *status, struct svc_error *e);
json_t *svc_proposal_get(struct svc *s, int64_t id, struct svc_error *e);
json_t *svc_proposal_approve(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
json_t *svc_proposal_reject(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);

/* Four eyes on the control itself (domain.md §8): while some year has a threshold, a PUT /years
 * that removes or raises a year's threshold, and creating or re-activating a coordinator, answer
 * {"awaiting_approval":true,"proposal":{...}} (202) and change nothing until another coordinator
 * approves. Approving one's own is SVC_FORBIDDEN; any coordinator rejects (the proposer: a withdrawal). */
json_t *svc_change_list(struct svc *s, const char *status, struct svc_error *e);
json_t *svc_change_get(struct svc *s, int64_t id, struct svc_error *e);
json_t *svc_change_approve(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
json_t *svc_change_reject(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);

struct buf;
/* Decision letters (issue 17): decision id's letter as a PDF in lang appended to out (own
 * organisation only: another's is SVC_NOT_FOUND). The read is audited ("decision.letter" of the
 * person). Returns 0, or -1 with e filled. */
int svc_decision_letter(struct svc *s, int64_t id, enum lang lang, struct buf *out, struct svc_error *e);
/* Claim id's letter likewise, once approved or rejected (still submitted: SVC_CONFLICT); audited as
 * "claim.letter". */
int svc_claim_letter(struct svc *s, int64_t id, enum lang lang, struct buf *out, struct svc_error *e);

/* ---- e-mail notices (issue 17, svc_notices.c; notices.h writes them, mailer.h sends them) ---- */
/* {"contact_email": "a@b.se" | ""} (coordinator): the organisation's notices go there. Returns the organisation. */
json_t *svc_org_set_contact_email(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
/* The organisation's contact e-mail into email ("" none); 0 or -1. */
int svc_org_contact_email(struct svc *s, int64_t id, char email[DB_EMAIL_MAX]);
/* The actor's own notices: {"email", "notify"}; PUT {"email", "notify": true|false} (not the funder). */
json_t *svc_me_notices(struct svc *s, struct svc_error *e);
json_t *svc_me_set_notices(struct svc *s, const json_t *in, struct svc_error *e);
/* The outbox, newest first (?pending=1: unsent only): {"notices":[…], "sending": --smtp given}. */
json_t *svc_outbox_list(struct svc *s, const char *pending, struct svc_error *e);
/* Every unsent notice due now: {"retried": n}. */
json_t *svc_outbox_retry(struct svc *s, struct svc_error *e);

/* The annual report of year in format (enum report_format) appended to out;
 * with open_data, small person counts are suppressed (k). Returns 0, or -1
 * with e filled. Audited. */
int svc_report(struct svc *s, int year, int format, int open_data, int k, struct buf *out, struct svc_error *e);
/* The year's report as the tables every export renders (report/tables.h), in the actor's
 * language, for the report page; audited like svc_report. 0, or -1 with e filled. */
struct report_tables;
int svc_report_tables(struct svc *s, int year, struct report_tables *ts, struct svc_error *e);

/* Fills e from a failed validation context (SVC_INVALID with its field). */
void svc_invalid(struct svc_error *e, const struct vctx *v);
/* ---- duplicate hints (svc_linkage.c, issue 19); coordinator only, SVC_FORBIDDEN for others ---- */
/* {"pairs":[{"a","b","similarity","exact","across_organisations","fields":{"name"|"birth_date"|
 * "birth_country": {"similarity","agrees"} or null},"mark"}],"threshold","total"}: pairs at or above the
 * threshold and every marked pair, unmarked first, the highest similarity first; never an identity. */
json_t *svc_duplicates_list(struct svc *s, struct svc_error *e);
/* {"same":bool[,"a_kind","b_kind"]} marks records a and b (persons unless a kind says "contact") the
 * same person or not; SVC_NOT_FOUND when either has no linkage keys. */
json_t *svc_duplicates_mark(struct svc *s, int64_t a, int64_t b, const json_t *in, struct svc_error *e);

/* Fills e with a status and both messages. Returns NULL for `return svc_fail(...)`. */
json_t *svc_fail(struct svc_error *e, enum svc_status st, const char *sv, const char *en);

#endif
