/*
 * E-mail notices (issue 17): what each notice says and when it is written
 * to the outbox (store.h, migration 9). A notice names the case by its
 * code, says what and when, and links to the page in NSP: never identity
 * data or free text about the person. The mailer (mailer.h) delivers them.
 */
#ifndef NSP_WEB_NOTICES_H
#define NSP_WEB_NOTICES_H

#include "domain/day.h"
#include "web/app.h"

/* Days ahead a period's end, and a recertification's due day, are announced. */
#define NOTICE_PERIOD_DAYS 7
#define NOTICE_RECERT_DAYS 90

/*
 * Inside the caller's transaction, right after decision id was recorded:
 * a "decision" notice (its letter attached when sent) to the organisation's
 * contact e-mail and to its users who chose notices. Returns 0 or -1
 * (db_errmsg says why; the caller rolls back: no decision without its notice).
 */
int notice_decision(struct svc *s, int64_t decision_id);

/*
 * Inside the caller's transaction, right after claim id was approved or
 * rejected: a "claim" notice (the claim's letter attached when sent) to the
 * organisation's contact e-mail and its users who chose notices. 0 or -1,
 * as notice_decision().
 */
int notice_claim(struct svc *s, int64_t claim_id);
/* The claim whose letter notice n carries (its dedupe key names it), or 0: not a claim's notice. */
int64_t notice_claim_of(const struct db_outbox *n);

/*
 * The notices found by looking, written at most once each (their dedupe
 * keys): periods that end within NOTICE_PERIOD_DAYS of today, to the
 * organisation; recertifications due within NOTICE_RECERT_DAYS (or overdue),
 * to the organisation; and to the coordinators one digest a day of the
 * applications and claims waiting for a decision. In one transaction. Returns the
 * number written, or -1.
 */
int notice_scan(struct svc *s, day_t today);

#endif
