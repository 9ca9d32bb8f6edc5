/* Every URL of nsp serve with the roles that may call it. */
#include "web/routes.h"

#include "web/app.h"

#define C ROLE_BIT_COORDINATOR
#define W ROLE_BIT_CASEWORKER
#define F ROLE_BIT_FUNDER
#define ANY ROLE_BITS_ALL
#define PUBLIC (ROUTE_PUBLIC | ROLE_BITS_ALL)

const struct route app_routes[] = {
	{ "GET", "/healthz", api_healthz, PUBLIC },
	{ "POST", "/api/v1/login", api_login, PUBLIC },
	{ "POST", "/api/v1/login/totp", api_login_totp, PUBLIC },
	{ "POST", "/api/v1/logout", api_logout, ANY | ROUTE_ENROL },
	{ "GET", "/api/v1/me", api_me, ANY | ROUTE_ENROL },
	{ "PUT", "/api/v1/me/lang", api_set_lang, ANY | ROUTE_ENROL },
	{ "POST", "/api/v1/me/totp", api_totp_start, ANY | ROUTE_ENROL },
	{ "POST", "/api/v1/me/totp/confirm", api_totp_confirm, ANY | ROUTE_ENROL },

	{ "POST", "/api/v1/organisations", api_org_create, C },
	{ "GET", "/api/v1/organisations", api_org_list, C | W },
	{ "GET", "/api/v1/organisations/{id}", api_org_get, C | W },
	{ "POST", "/api/v1/organisations/{id}/certification", api_cert_add, C },
	{ "PUT", "/api/v1/organisations/{id}/contact-email", api_org_contact_email, C },
	{ "PUT", "/api/v1/me/notices", api_me_notices, C | W },
	{ "GET", "/api/v1/outbox", api_outbox_list, C },
	{ "POST", "/api/v1/outbox/retry", api_outbox_retry, C },

	{ "POST", "/api/v1/users", api_user_create, C },
	{ "GET", "/api/v1/users", api_user_list, C },
	{ "POST", "/api/v1/users/{id}/deactivate", api_user_deactivate, C },
	{ "POST", "/api/v1/users/{id}/activate", api_user_activate, C },
	{ "POST", "/api/v1/users/{id}/totp/reset", api_user_totp_reset, C },

	{ "PUT", "/api/v1/years/{year}", api_year_put, C },
	{ "GET", "/api/v1/years/{year}", api_year_get, C },
	{ "GET", "/api/v1/years/{year}/budget", api_year_budget, C | F },

	{ "POST", "/api/v1/persons", api_person_create, C | W },
	{ "GET", "/api/v1/persons", api_person_list, C | W },
	{ "GET", "/api/v1/persons/{id}", api_person_get, C | W },
	{ "POST", "/api/v1/persons/{id}/exit", api_person_exit, C | W },
	{ "PUT", "/api/v1/persons/{id}/identity", api_person_identity, C | W },
	{ "GET", "/api/v1/persons/{id}/allowance", api_person_allowance, C | W },
	{ "GET", "/api/v1/duplicates", api_duplicates_list, C },
	{ "POST", "/api/v1/duplicates/{a}/{b}", api_duplicates_mark, C },

	{ "POST", "/api/v1/applications", api_application_create, C | W },
	{ "GET", "/api/v1/applications", api_application_list, C | W },
	{ "GET", "/api/v1/applications/{id}", api_application_get, C | W },
	{ "GET", "/api/v1/applications/{id}/checks", api_application_checks, C },
	{ "POST", "/api/v1/applications/{id}/decision", api_decision_create, C },

	{ "GET", "/api/v1/decisions", api_decision_list, C | W },
	{ "GET", "/api/v1/decisions/{id}", api_decision_get, C | W },
	{ "POST", "/api/v1/decisions/{id}/close", api_decision_close, C },
	{ "POST", "/api/v1/decisions/{id}/emergency-cleared", api_decision_clear_emergency, C },
	{ "GET", "/api/v1/decisions/{id}/payments", api_payment_list, C | W },
	{ "GET", "/api/v1/decisions/{id}/claims", api_claim_left, C | W },
	{ "POST", "/api/v1/payments", api_payment_create, C }, /* organisations claim (below) */
	{ "POST", "/api/v1/claims", api_claim_create, C | W },
	{ "GET", "/api/v1/claims", api_claim_list, C | W },
	{ "GET", "/api/v1/claims/{id}", api_claim_get, C | W },
	{ "POST", "/api/v1/claims/{id}/approve", api_claim_approve, C },
	{ "POST", "/api/v1/claims/{id}/reject", api_claim_reject, C },
	{ "GET", "/api/v1/decisions/{id}/letter.pdf", api_decision_letter, C | W },

	{ "POST", "/api/v1/placement-requests", api_placement_create, C | W },
	{ "GET", "/api/v1/placement-requests", api_placement_list, C | W },
	{ "POST", "/api/v1/consultations", api_consultation_create, C },
	{ "GET", "/api/v1/consultations", api_consultation_list, C },

	/* organisations: certification, quality follow-up, capacity (domain.md §3, §4, §9) */
	{ "GET", "/api/v1/certification/requirements", api_checklist_get, C | W },
	{ "PUT", "/api/v1/certification/requirements/{year}", api_checklist_put, C },
	{ "GET", "/api/v1/certification/settings", api_cert_settings_get, C },
	{ "PUT", "/api/v1/certification/settings", api_cert_settings_put, C },
	{ "GET", "/api/v1/certification/due", api_cert_due, C },
	{ "POST", "/api/v1/follow-ups", api_follow_up_create, C },
	{ "GET", "/api/v1/follow-ups", api_follow_up_list, C },
	{ "GET", "/api/v1/organisations/{id}/capacity", api_capacity_get, C | W },
	{ "PUT", "/api/v1/organisations/{id}/capacity", api_capacity_put, C },
	{ "GET", "/api/v1/capacity", api_capacity_overview, C | W | F },
	{ "GET", "/api/v1/placement-requests/unmet", api_placement_unmet, C | F },
	{ "GET", "/api/v1/consultations/summary", api_consultation_summary, C | F },
	/* four-eyes: decisions above the year's threshold wait for a second coordinator */
	{ "GET", "/api/v1/decision-proposals", api_proposal_list, C },
	{ "GET", "/api/v1/decision-proposals/{id}", api_proposal_get, C },
	{ "POST", "/api/v1/decision-proposals/{id}/approve", api_proposal_approve, C },
	{ "POST", "/api/v1/decision-proposals/{id}/reject", api_proposal_reject, C },
	/* four eyes on the control itself: weakening a threshold, a new or re-activated coordinator */
	{ "GET", "/api/v1/change-proposals", api_change_list, C },
	{ "GET", "/api/v1/change-proposals/{id}", api_change_get, C },
	{ "POST", "/api/v1/change-proposals/{id}/approve", api_change_approve, C },
	{ "POST", "/api/v1/change-proposals/{id}/reject", api_change_reject, C },

	{ "GET", "/api/v1/reports/annual/{year}", api_report, C | F },

	/* ---- HTML pages (page_*.c). Every POST is a form: ROUTE_FORM checks its CSRF token. ---- */
	{ "GET", "/static/*", page_static, PUBLIC },
	{ "GET", "/login", page_login, PUBLIC },
	{ "POST", "/login", page_login_post, PUBLIC },
	{ "POST", "/login/totp", page_login_totp_post, PUBLIC },
	{ "GET", "/lang", page_lang_get, PUBLIC },
	{ "POST", "/lang", page_lang_post, ANY | ROUTE_FORM | ROUTE_ENROL },
	{ "POST", "/logout", page_logout, ANY | ROUTE_FORM | ROUTE_ENROL },
	{ "GET", "/me", page_me, ANY | ROUTE_ENROL },
	{ "POST", "/me/totp", page_me_totp_start, ANY | ROUTE_FORM | ROUTE_ENROL },
	{ "POST", "/me/totp/confirm", page_me_totp_confirm, ANY | ROUTE_FORM | ROUTE_ENROL },
	{ "GET", "/", page_home, ANY },

	{ "GET", "/persons", page_persons, C | W },
	{ "GET", "/persons/new", page_person_new, C | W },
	{ "POST", "/persons/new", page_person_create, C | W | ROUTE_FORM },
	{ "GET", "/persons/{id}", page_person, C | W },
	{ "POST", "/persons/{id}/exit", page_person_exit, C | W | ROUTE_FORM },
	{ "POST", "/persons/{id}/identity", page_person_identity, C | W | ROUTE_FORM },
	{ "GET", "/persons/{id}/apply", page_apply, C | W },
	{ "POST", "/persons/{id}/apply", page_apply_post, C | W | ROUTE_FORM },

	{ "GET", "/queue", page_queue, C },
	{ "GET", "/applications", page_applications, C | W },
	{ "GET", "/applications/{id}", page_application, C | W },
	{ "POST", "/applications/{id}/decide", page_decide, C | ROUTE_FORM },
	{ "POST", "/proposals/{id}/approve", page_proposal_approve, C | ROUTE_FORM },
	{ "POST", "/proposals/{id}/reject", page_proposal_reject, C | ROUTE_FORM },
	{ "POST", "/change-proposals/{id}/approve", page_change_approve, C | ROUTE_FORM },
	{ "POST", "/change-proposals/{id}/reject", page_change_reject, C | ROUTE_FORM },
	{ "GET", "/decisions", page_decisions, C | W },
	{ "GET", "/decisions/{id}", page_decision, C | W },
	{ "POST", "/decisions/{id}/claim", page_claim, C | W | ROUTE_FORM },
	{ "GET", "/claims", page_claims, C | W },
	{ "POST", "/claims/{id}/approve", page_claim_approve, C | ROUTE_FORM },
	{ "GET", "/claims/{id}/reject", page_claim_reject_confirm, C },
	{ "POST", "/claims/{id}/reject", page_claim_reject, C | ROUTE_FORM },
	{ "POST", "/decisions/{id}/close", page_decision_close, C | ROUTE_FORM },
	{ "POST", "/decisions/{id}/emergency-cleared", page_decision_clear_emergency, C | ROUTE_FORM },

	{ "GET", "/year", page_year_current, C },
	{ "GET", "/years/{year}", page_year, C },
	{ "POST", "/years/{year}", page_year_post, C | ROUTE_FORM },
	{ "GET", "/report", page_report_current, C | F },
	{ "GET", "/reports/{year}", page_report, C | F },

	{ "GET", "/organisations", page_orgs, C },
	{ "POST", "/organisations", page_org_create, C | ROUTE_FORM },
	{ "GET", "/organisations/{id}", page_org, C },
	{ "POST", "/organisations/{id}/certification", page_org_cert, C | ROUTE_FORM },
	{ "POST", "/organisations/{id}/capacity", page_org_capacity, C | ROUTE_FORM },
	{ "POST", "/organisations/{id}/follow-ups", page_org_follow_up, C | ROUTE_FORM },
	{ "GET", "/certification", page_certification, C },
	{ "POST", "/certification/settings", page_cert_settings, C | ROUTE_FORM },
	{ "POST", "/certification/requirements/{year}", page_checklist_add, C | ROUTE_FORM },
	{ "POST", "/certification/requirements/{year}/remove", page_checklist_remove, C | ROUTE_FORM },
	{ "GET", "/follow-ups", page_follow_ups, C },
	{ "POST", "/follow-ups", page_follow_up_create, C | ROUTE_FORM },
	{ "GET", "/capacity", page_capacity, C | W | F },
	{ "GET", "/placements", page_placements, C | W },
	{ "POST", "/placements", page_placement_create, C | W | ROUTE_FORM },
	{ "GET", "/consultations", page_consultations, C },
	{ "POST", "/consultations", page_consultation_create, C | ROUTE_FORM },
	{ "GET", "/users", page_users, C },
	{ "POST", "/users", page_user_create, C | ROUTE_FORM },
	{ "POST", "/users/{id}/deactivate", page_user_deactivate, C | ROUTE_FORM },
	{ "POST", "/users/{id}/activate", page_user_activate, C | ROUTE_FORM },
	{ "POST", "/users/{id}/totp/reset", page_user_totp_reset, C | ROUTE_FORM },
	{ "POST", "/me/notices", page_me_notices, C | W | ROUTE_FORM },
	{ "POST", "/organisations/{id}/contact-email", page_org_contact_email, C | ROUTE_FORM },
	{ "GET", "/outbox", page_outbox, C },
	{ "GET", "/duplicates", page_duplicates, C },
	{ "POST", "/duplicates/{a}/{b}/{k}/same", page_duplicates_same, C | ROUTE_FORM },
	{ "POST", "/duplicates/{a}/{b}/{k}/not-same", page_duplicates_not_same, C | ROUTE_FORM },
	/* ---- end of the HTML pages ---- */
};

const size_t app_nroutes = sizeof app_routes / sizeof app_routes[0];
