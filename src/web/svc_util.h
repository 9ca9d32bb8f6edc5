/* Helpers shared by the svc_*.c files (not part of the service interface). */
#ifndef NSP_WEB_SVC_UTIL_H
#define NSP_WEB_SVC_UTIL_H

#include <jansson.h>

#include "domain/day.h"
#include "domain/rules.h"
#include "web/service.h"

/* SVC_INTERNAL from the database's last error (logged to stderr, not shown). Returns NULL. */
json_t *svc_db_fail(struct svc *s, struct svc_error *e);
/* SVC_NOT_FOUND with the standard message. Returns NULL. */
json_t *svc_not_found(struct svc_error *e);
/* SVC_NOT_FOUND for a record that exists but is another organisation's (the
 * same answer as for none, so existence does not leak), counted in the audit
 * log as "read.denied" per (user, address, minute) (issue 16). Returns NULL. */
json_t *svc_not_theirs(struct svc *s, struct svc_error *e);
/* svc_fail with a field name. Returns NULL. */
json_t *svc_fail_field(struct svc_error *e, enum svc_status st, const char *field, const char *sv, const char *en);
/* SVC_INVALID of field for a value not among def's: "<Label> måste vara något
 * av: Vuxen eller Barn." in words, never the values' names. Returns NULL. */
json_t *svc_fail_enum(struct svc_error *e, const char *field, const struct enum_def *def);
/* SVC_INVALID of field for a value not among the choices named by the
 * catalogue keys choice_keys (NULL-terminated), in the same words. Returns NULL. */
json_t *svc_fail_choice(struct svc_error *e, const char *field, const char *const *choice_keys);
/* SVC_RULE from a refusing verdict. Returns NULL. */
json_t *svc_rule(struct svc_error *e, const struct verdict *v);

/* JSON of a day ("2025-03-04") or null for DAY_NONE. */
json_t *svc_day_json(day_t d);
/* ["name", ...] of the bits of mask over def. */
json_t *svc_mask_json(const struct enum_def *def, uint32_t mask);

/* May the actor see records of organisation org? Coordinators see all,
 * caseworkers their own, funders none. */
bool svc_sees_org(const struct svc *s, int64_t org);

json_t *svc_user_json(const struct db_user *u);

/* Parses a decimal year 1900..2200 from a URL string; -1 when invalid. */
int svc_parse_year(const char *s);
/* The year of a ?year= query: dflt when year is NULL, else svc_parse_year();
 * -1 with e filled (SVC_INVALID of "year") when it is not a year. */
int svc_query_year(const char *year, int dflt, struct svc_error *e);

/* The most rows a ?limit= may ask for. */
#define SVC_LIST_MAX 1000
/* A page of a list from ?limit= and ?offset= (NULL: not given, *lim keeps
 * its default, *off 0): 0, or -1 with e filled (SVC_INVALID of "limit",
 * 1..SVC_LIST_MAX, or "offset"). */
int svc_query_page(const char *limit, const char *offset, int64_t *lim, int64_t *off, struct svc_error *e);

/* A case code as typed in a search (letters, digits and '-', blanks around
 * it dropped) upper-cased into out: 0, or -1 with e filled (SVC_INVALID of
 * "code"). NULL or "" leaves out empty. */
int svc_query_code(const char *in, char *out, size_t outsz, struct svc_error *e);
/* ?order=newest|oldest into *newest_first (NULL or "": dflt): 0, or -1 with e filled. */
int svc_query_order(const char *order, bool dflt, bool *newest_first, struct svc_error *e);
/* A positive id from a URL string (NULL or "": *out = 0): 0, or -1 with e filled (SVC_INVALID of field). */
int svc_query_id(const char *s, const char *field, int64_t *out, struct svc_error *e);

/* ---- four eyes (svc_four_eyes.c): resolving a pending proposal of either kind ---- */
struct four_eyes {
	const char *resolved_sv, *resolved_en; /* 409: approved or rejected already */
	const char *own_sv, *own_en;           /* 403: the proposer approving their own */
	/* Loads proposal id into item (DB_OK, DB_NOTFOUND, …) with its status and proposer. */
	int (*load)(struct db *db, int64_t id, void *item, int *status, int64_t *proposed_by);
	void (*release)(void *item);
	/* Carries out an approved proposal inside the transaction, as the approver:
	 * 0 with *result_id (the decision or record it made), or -1 with e filled. */
	int (*apply)(struct svc *s, int64_t id, void *item, int64_t *result_id, struct svc_error *e);
	int (*resolve)(struct db *db, int64_t actor, int64_t id, enum db_proposal_status status, int64_t result_id,
		       const char *reason);
	json_t *(*get)(struct svc *s, int64_t id, struct svc_error *e);
	/* The answer to an approval, after the commit. */
	json_t *(*approved)(struct svc *s, int64_t id, int64_t result_id, struct svc_error *e);
};
/* Approves ({} in) or rejects ({"reason"?} in) proposal id of the kind fe, with item the
 * storage of one loaded proposal (struct db_proposal or db_change). */
json_t *svc_four_eyes_approve(struct svc *s, const struct four_eyes *fe, void *item, int64_t id, const json_t *in,
			      struct svc_error *e);
json_t *svc_four_eyes_reject(struct svc *s, const struct four_eyes *fe, void *item, int64_t id, const json_t *in,
			     struct svc_error *e);

/* ---- four eyes on the control itself (svc_changes.c) ---- */
/* Stores a pending change (payload: the change as JSON, borrowed) and answers
 * {"awaiting_approval":true,"proposal":{...}}; NULL with e filled. */
json_t *svc_change_propose(struct svc *s, enum db_change_kind kind, int64_t target_id, const json_t *payload,
			   const char *summary, struct svc_error *e);
/* Apply an approved change inside the caller's transaction, as the approver:
 * 0 with *result_id, or -1 with e filled. */
int svc_year_apply(struct svc *s, int year, const json_t *in, struct svc_error *e);
int svc_user_create_apply(struct svc *s, const json_t *payload, int64_t *result_id, struct svc_error *e);
int svc_user_activate_apply(struct svc *s, int64_t id, struct svc_error *e);

#endif
