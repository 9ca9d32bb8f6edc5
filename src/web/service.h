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

#include "web/app.h"

/* Login: {"username","password"} → {"token","user":{...}} and *csrf_out filled
 * (the caller sets the cookie). Failures are audited and throttled. */
json_t *svc_login(struct svc *s, const json_t *in, char csrf_out[DB_CSRF_MAX], struct svc_error *e);
json_t *svc_logout(struct svc *s, struct svc_error *e);
json_t *svc_me(struct svc *s, struct svc_error *e);
json_t *svc_set_lang(struct svc *s, const json_t *in, struct svc_error *e);

json_t *svc_org_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_org_list(struct svc *s, struct svc_error *e);
json_t *svc_org_get(struct svc *s, int64_t id, struct svc_error *e);
json_t *svc_cert_add(struct svc *s, int64_t org_id, const json_t *in, struct svc_error *e);

json_t *svc_user_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_user_list(struct svc *s, struct svc_error *e);
json_t *svc_user_set_active(struct svc *s, int64_t id, bool active, struct svc_error *e);

json_t *svc_year_put(struct svc *s, int year, const json_t *in, struct svc_error *e);
json_t *svc_year_get(struct svc *s, int year, struct svc_error *e);
json_t *svc_year_budget(struct svc *s, int year, struct svc_error *e);

json_t *svc_person_create(struct svc *s, const json_t *in, struct svc_error *e);
/* Reads one person (audited); with identity only on the person's own page. */
json_t *svc_person_get(struct svc *s, int64_t id, bool with_identity, struct svc_error *e);
/* query: optional "limit", "offset" (strings from the URL). */
json_t *svc_person_list(struct svc *s, const char *limit, const char *offset, struct svc_error *e);
json_t *svc_person_exit(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
json_t *svc_person_set_identity(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);
/* What is left of each limit for the person (R3, R4, R6) and which children may be named. */
json_t *svc_person_allowance(struct svc *s, int64_t id, struct svc_error *e);

json_t *svc_application_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_application_get(struct svc *s, int64_t id, struct svc_error *e);
/* status: NULL or "submitted"/"decided"; person: NULL or an id string. */
json_t *svc_application_list(struct svc *s, const char *status, const char *person, struct svc_error *e);
/* The rule checks of a submitted application as they stand now, and its amount if granted in full. */
json_t *svc_application_checks(struct svc *s, int64_t id, struct svc_error *e);

json_t *svc_decision_create(struct svc *s, int64_t application_id, const json_t *in, struct svc_error *e);
json_t *svc_decision_get(struct svc *s, int64_t id, struct svc_error *e);
json_t *svc_decision_list(struct svc *s, const char *open, const char *year, struct svc_error *e);
json_t *svc_decision_close(struct svc *s, int64_t id, const json_t *in, struct svc_error *e);

json_t *svc_payment_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_payment_list(struct svc *s, int64_t decision_id, struct svc_error *e);

json_t *svc_placement_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_placement_list(struct svc *s, const char *year, struct svc_error *e);
json_t *svc_consultation_create(struct svc *s, const json_t *in, struct svc_error *e);
json_t *svc_consultation_list(struct svc *s, const char *year, struct svc_error *e);

struct buf;
/* The annual report of year in format (enum report_format) appended to out;
 * with open_data, small person counts are suppressed (k). Returns 0, or -1
 * with e filled. Audited. */
int svc_report(struct svc *s, int year, int format, int open_data, int k, struct buf *out, struct svc_error *e);

/* Fills e from a failed validation context (SVC_INVALID with its field). */
void svc_invalid(struct svc_error *e, const struct vctx *v);
/* Fills e with a status and both messages. Returns NULL for `return svc_fail(...)`. */
json_t *svc_fail(struct svc_error *e, enum svc_status st, const char *sv, const char *en);

#endif
