/*
 * Service functions that only the HTML pages need, with the contract of
 * service.h: a new JSON reference the caller owns, or NULL with *e filled;
 * records of another organisation are "not found".
 */
#ifndef NSP_WEB_SVC_PAGES_H
#define NSP_WEB_SVC_PAGES_H

#include <jansson.h>

#include "web/service.h"

/*
 * The start page's work lists for the actor's organisation (a coordinator
 * sees all): {"today", "ending":[...], "unclaimed":[...]}. "ending" holds
 * granted periods ending within `days` days from today that no later
 * application follows (an extension is applied for month by month, R4);
 * "unclaimed" open decisions that granted money and have no payment yet.
 * Rows: {"decision_id","application_id","person_id","person_code","type",
 * "decided_on","from","to","total_ore","paid_ore"}. Funders: forbidden.
 */
json_t *svc_page_worklists(struct svc *s, int days, struct svc_error *e);

/*
 * The budget year's money per month (coordinator): {"year","months":[12 x
 * {"month","committed_ore","paid_ore","released_ore","forecast_ore"}],
 * "after_year":{"paid_ore","released_ore"}, "outstanding_ore"}. Amounts
 * are ledger rows of the year's decisions by the month of their day
 * (payments made after the year fall under "after_year"). The forecast
 * places what open decisions have not paid yet (total − paid) in the
 * month their period ends (point interventions: the decision's month),
 * never before the current month.
 */
json_t *svc_page_year_months(struct svc *s, int year, struct svc_error *e);

/*
 * The case codes of the persons ids[0..n) that the actor may see, as
 * {"<id>":"NSP-2025-0001", ...}; others are left out. One audit row.
 */
json_t *svc_page_person_codes(struct svc *s, const int64_t *ids, size_t n, struct svc_error *e);


#endif
