/* The route table of nsp serve: every URL the server answers, in one place. */
#ifndef NSP_WEB_ROUTES_H
#define NSP_WEB_ROUTES_H

#include <stddef.h>

#include "web/http.h"

extern const struct route app_routes[];
extern const size_t app_nroutes;

/* Renders errors of the HTML pages (pages.c). */
void app_error_page(struct http_request *req, unsigned status, const char *code, const char *message_sv,
		    const char *message_en);

/* API handlers (api.c). */
void api_healthz(struct http_request *req);
void api_login(struct http_request *req);
void api_login_totp(struct http_request *req);
void api_totp_start(struct http_request *req);
void api_totp_confirm(struct http_request *req);
void api_user_totp_reset(struct http_request *req);
void api_logout(struct http_request *req);
void api_me(struct http_request *req);
void api_set_lang(struct http_request *req);
void api_org_create(struct http_request *req);
void api_org_list(struct http_request *req);
void api_org_get(struct http_request *req);
void api_cert_add(struct http_request *req);
void api_user_create(struct http_request *req);
void api_user_list(struct http_request *req);
void api_user_deactivate(struct http_request *req);
void api_user_activate(struct http_request *req);
void api_year_put(struct http_request *req);
void api_year_get(struct http_request *req);
void api_year_budget(struct http_request *req);
void api_person_create(struct http_request *req);
void api_person_list(struct http_request *req);
void api_person_get(struct http_request *req);
void api_person_exit(struct http_request *req);
void api_person_identity(struct http_request *req);
void api_person_allowance(struct http_request *req);
void api_duplicates_list(struct http_request *req);
void api_duplicates_mark(struct http_request *req);
void api_application_create(struct http_request *req);
void api_application_list(struct http_request *req);
void api_application_get(struct http_request *req);
void api_application_checks(struct http_request *req);
void api_decision_create(struct http_request *req);
void api_decision_list(struct http_request *req);
void api_decision_get(struct http_request *req);
void api_decision_close(struct http_request *req);
void api_decision_clear_emergency(struct http_request *req);
void api_decision_letter(struct http_request *req);
void api_claim_letter(struct http_request *req);
void api_org_contact_email(struct http_request *req);
void api_me_notices(struct http_request *req);
void api_outbox_list(struct http_request *req);
void api_outbox_retry(struct http_request *req);
void api_payment_create(struct http_request *req);
void api_payment_list(struct http_request *req);
void api_claim_create(struct http_request *req);
void api_claim_left(struct http_request *req);
void api_claim_list(struct http_request *req);
void api_claim_get(struct http_request *req);
void api_claim_approve(struct http_request *req);
void api_claim_reject(struct http_request *req);
void api_placement_create(struct http_request *req);
void api_placement_list(struct http_request *req);
void api_consultation_create(struct http_request *req);
void api_consultation_list(struct http_request *req);
void api_contact_create(struct http_request *req);
void api_contact_get(struct http_request *req);
void api_contact_list(struct http_request *req);
void api_org_member(struct http_request *req);
void api_report(struct http_request *req);
/* organisations: certification, quality follow-up, capacity, four-eyes (api.c) */
void api_checklist_get(struct http_request *req);
void api_checklist_put(struct http_request *req);
void api_cert_settings_get(struct http_request *req);
void api_cert_settings_put(struct http_request *req);
void api_cert_due(struct http_request *req);
void api_follow_up_create(struct http_request *req);
void api_follow_up_list(struct http_request *req);
void api_capacity_get(struct http_request *req);
void api_capacity_put(struct http_request *req);
void api_capacity_overview(struct http_request *req);
void api_placement_unmet(struct http_request *req);
void api_consultation_summary(struct http_request *req);
void api_proposal_list(struct http_request *req);
void api_proposal_get(struct http_request *req);
void api_proposal_approve(struct http_request *req);
void api_proposal_reject(struct http_request *req);
void api_change_list(struct http_request *req);
void api_change_get(struct http_request *req);
void api_change_approve(struct http_request *req);
void api_change_reject(struct http_request *req);

/* ---- HTML pages (pages.c, page_*.c) ---- */

void page_login(struct http_request *req);
void page_login_post(struct http_request *req);
void page_logout(struct http_request *req);
void page_lang_get(struct http_request *req);
void page_lang_post(struct http_request *req);
void page_static(struct http_request *req);

void page_home(struct http_request *req);
void page_persons(struct http_request *req);
void page_person_new(struct http_request *req);
void page_person_create(struct http_request *req);
void page_person(struct http_request *req);
void page_person_exit(struct http_request *req);
void page_person_identity(struct http_request *req);
void page_apply(struct http_request *req);
void page_apply_post(struct http_request *req);

void page_queue(struct http_request *req);
void page_application(struct http_request *req);
void page_decide(struct http_request *req);
void page_applications(struct http_request *req);
void page_decisions(struct http_request *req);
void page_decision(struct http_request *req);
void page_claim(struct http_request *req);
void page_payment(struct http_request *req);
void page_claims(struct http_request *req);
void page_claim_approve(struct http_request *req);
void page_claim_reject_confirm(struct http_request *req);
void page_claim_reject(struct http_request *req);
void page_decision_close(struct http_request *req);
void page_decision_clear_emergency(struct http_request *req);

void page_year_current(struct http_request *req);
void page_year(struct http_request *req);
void page_year_post(struct http_request *req);
void page_report_current(struct http_request *req);
void page_report(struct http_request *req);

void page_orgs(struct http_request *req);
void page_org_create(struct http_request *req);
void page_org(struct http_request *req);
void page_org_cert(struct http_request *req);
void page_placements(struct http_request *req);
void page_placement_create(struct http_request *req);
void page_consultations(struct http_request *req);
void page_consultation_create(struct http_request *req);
void page_contacts(struct http_request *req);
void page_contact_create(struct http_request *req);
void page_org_member(struct http_request *req);
void page_users(struct http_request *req);
void page_user_create(struct http_request *req);
void page_user_deactivate(struct http_request *req);
void page_user_activate(struct http_request *req);
void page_user_totp_reset(struct http_request *req);
/* the user's own page and the second factor (page_me.c, page_auth.c) */
void page_me(struct http_request *req);
void page_me_totp_start(struct http_request *req);
void page_me_totp_confirm(struct http_request *req);
void page_login_totp_post(struct http_request *req);
/* organisations, registers, four-eyes (page_org.c, page_registers.c, page_decide.c) */
void page_org_capacity(struct http_request *req);
void page_org_follow_up(struct http_request *req);
void page_certification(struct http_request *req);
void page_cert_settings(struct http_request *req);
void page_checklist_add(struct http_request *req);
void page_checklist_remove(struct http_request *req);
void page_follow_ups(struct http_request *req);
void page_follow_up_create(struct http_request *req);
void page_capacity(struct http_request *req);
void page_proposal_approve(struct http_request *req);
void page_proposal_reject(struct http_request *req);
void page_change_approve(struct http_request *req);
void page_change_reject(struct http_request *req);
/* e-mail notices (page_me.c, page_org.c, page_outbox.c) */
void page_me_notices(struct http_request *req);
void page_org_contact_email(struct http_request *req);
void page_outbox(struct http_request *req);
void page_duplicates(struct http_request *req);
void page_duplicates_same(struct http_request *req);
void page_duplicates_not_same(struct http_request *req);
/* ---- end of the HTML pages ---- */

#endif
