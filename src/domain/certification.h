/*
 * Certification of organisations (domain.md §3) as pure functions: the state
 * machine over the history of events, the recertification due date, and the
 * checklist of minimum requirements. R1 itself (certified on the application
 * date) is rule_r1_certified() in rules.h, over the same history.
 *
 * The machine (decision; a "certified" event after "certified" is a
 * recertification and renews the certification):
 *
 *     from \ to     prospect  in_process  certified  suspended  revoked
 *     (none)           yes       yes          -          -         -
 *     prospect          -        yes          -          -         -
 *     in_process       yes        -          yes         -         -
 *     certified         -         -          yes        yes       yes
 *     suspended         -         -          yes         -        yes
 *     revoked          yes       yes          -          -         -
 *
 * - No organisation becomes certified without a certification process: a
 *   revoked organisation starts a new one (in_process) first.
 * - in_process -> prospect: the process was broken off.
 * - suspended -> certified: the suspension is lifted after the checklist
 *   was checked again, so it renews the certification like a
 *   recertification does.
 * - Every certified event (first, renewal, reinstatement) needs every
 *   required item of the checklist in force on its date met.
 * - A new event is never dated before the latest event, so the history read
 *   in date order is the order in which the states were entered.
 * - An overdue recertification does not end a certification by itself
 *   (the coordinator suspends or revokes); it is listed as overdue.
 */
#ifndef NSP_CERTIFICATION_H
#define NSP_CERTIFICATION_H

#include <stdbool.h>
#include <stddef.h>

#include "day.h"
#include "enums.h"
#include "rules.h"

#define CERT_INTERVAL_DEFAULT_MONTHS 36  /* recertification every three years */
#define CERT_INTERVAL_MAX_MONTHS 120
#define CERT_DUE_WINDOW_DAYS 90          /* "due in the next 90 days" */
#define CERT_REQ_KEY_MAX 48              /* a requirement key, including the NUL */

/* The status after history h[0..n) (ordered by date, then recording
 * order), i.e. the status of its last event; -1 when h is empty. */
int cert_current(const struct cert_event *h, size_t n);

/* May an organisation in status `from` (-1: no history) record `to`? */
bool cert_transition_allowed(int from, enum cert_status to);

enum cert_check {
	CERT_EVENT_OK,
	CERT_EVENT_TRANSITION,  /* the machine does not allow it (a conflict with the current state) */
	CERT_EVENT_DATE,        /* dated before the latest event */
};

/*
 * Checks a new event (to, date) against the history. On a refusal fills v
 * (rule "certification", messages in Swedish and English naming the states
 * or dates) and returns why.
 */
enum cert_check cert_check_event(const struct cert_event *h, size_t n, enum cert_status to, day_t date,
				 struct verdict *v);

/* The date the current certification period began: the latest certified
 * event when the current status is certified; DAY_NONE otherwise. */
day_t cert_certified_since(const struct cert_event *h, size_t n);

/* d plus months calendar months; the 31st becomes the last day of a shorter
 * month (2024-02-29 + 12 months = 2025-02-28). */
day_t cert_add_months(day_t d, int months);

/* When the current certification is due for renewal: certified_since plus
 * interval_months; DAY_NONE when the organisation is not certified now. */
day_t cert_due(const struct cert_event *h, size_t n, int interval_months);

/* One item of a checklist as an event states it. */
struct cert_item {
	const char *key;
	bool required;   /* needed to certify */
	bool met;        /* what the event says */
	const char *label_sv, *label_en; /* its words in a refusal; NULL: the key */
};

/* A key of a checklist item: [a-z][a-z0-9_]*, shorter than CERT_REQ_KEY_MAX. */
bool cert_key_valid(const char *key);

/*
 * A valid key made from a requirement's text, for a coordinator who types
 * none: small letters and digits kept, every other run of characters one
 * "_", "req_" in front unless it starts with a letter, cut to fit (e.g.
 * "Routines for children (2025)" → "routines_for_children_2025").
 */
void cert_key_from_label(const char *label, char out[CERT_REQ_KEY_MAX]);

/*
 * True when every required item is met, as a certified event needs. Else
 * *unmet (may be NULL) is the index of the first required item not met and v
 * names it (rule "certification").
 */
bool cert_items_met(const struct cert_item *items, size_t n, size_t *unmet, struct verdict *v);

/* Quality follow-up (domain.md §3). */
enum follow_up_kind { FOLLOW_UP_SITE_VISIT, FOLLOW_UP_SURVEY, FOLLOW_UP_NETWORK_MEETING, FOLLOW_UP__COUNT };
extern const struct enum_def enum_follow_up_kind;

#endif
