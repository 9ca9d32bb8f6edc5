/*
 * Queries that only the web pages need (src/web/svc_pages.c): the
 * caseworker's start page, the year's monthly figures, occupancy. The
 * conventions of store.h hold (DB_OK / DB_ERROR, days as day_t, öre).
 */
#ifndef NSP_STORE_PAGES_H
#define NSP_STORE_PAGES_H

#include "store/store.h"

/* A decision with its person's code. All fields fixed: free(*out) the arrays. */
struct db_page_decision {
	int64_t decision_id, application_id, person_id, organisation_id;
	char code[DB_CODE_MAX];
	enum app_type type;
	day_t decided_on, from, to;
	int64_t total_ore, paid_ore;
};

/*
 * Granted (or partly granted) period decisions of organisation org (0 =
 * all) whose period ends in first..last, of persons still in the
 * programme, for which no later application (submitted, or decided and not
 * denied) of the same person follows: the periods that need an extension
 * now. Ordered by the end day. free(*out).
 */
int db_page_periods_ending(struct db *db, int64_t org, day_t first, day_t last, struct db_page_decision **out,
			   size_t *n);

/* Open decisions of org (0 = all) that granted money and have no payment yet,
 * oldest first. free(*out). */
int db_page_unclaimed(struct db *db, int64_t org, struct db_page_decision **out, size_t *n);

/* The ledger of a budget year summed per kind and day. */
struct db_ledger_day {
	enum ledger_kind kind;
	day_t on;
	int64_t amount_ore;
};
/* Ordered by day. free(*out). */
int db_page_ledger_days(struct db *db, int year, struct db_ledger_day **out, size_t *n);

/* Occupancy (persons housed on a day) is db_occupancy() of store.h. */

/* The code and organisation of person id, without anything else of the
 * record. DB_NOTFOUND when missing. */
int db_page_person_code(struct db *db, int64_t id, char code[DB_CODE_MAX], int64_t *org);

#endif
