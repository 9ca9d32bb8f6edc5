/*
 * Four eyes on the control itself (domain.md §8). While a year has a
 * threshold, the changes that would let one coordinator alone get round it
 * wait here for a second coordinator: weakening a year's threshold
 * (svc_year_put), creating a coordinator (svc_user_create) and re-activating
 * one (svc_user_set_active). The approver applies the change, in the same
 * transaction as the approval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/service.h"
#include "web/svc_util.h"

#define TEXT_MAX_CHARS 20000

/* The change as shown: the payload without secrets (a new account's password hash). */
static json_t *change_json(const struct db_change *c)
{
	json_error_t jerr;
	json_t *change = json_loads(c->payload ? c->payload : "{}", 0, &jerr);
	if (!change)
		change = json_object();
	json_object_del(change, "password_hash");
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:o}", "id", (json_int_t)c->id, "kind",
			      enum_name(&enum_change_kind, (int)c->kind), "status",
			      enum_name(&enum_proposal_status, (int)c->status), "proposed_by", (json_int_t)c->proposed_by,
			      "created_at", (json_int_t)c->created_at, "change", change);
	if (!o)
		return NULL;
	json_object_set_new(o, "target_id", c->target_id ? json_integer(c->target_id) : json_null());
	json_object_set_new(o, "resolved_by", c->resolved_by ? json_integer(c->resolved_by) : json_null());
	json_object_set_new(o, "resolution_reason",
			    c->resolution_reason ? json_string(c->resolution_reason) : json_null());
	json_object_set_new(o, "result_id", c->result_id ? json_integer(c->result_id) : json_null());
	return o;
}

json_t *svc_change_propose(struct svc *s, enum db_change_kind kind, int64_t target_id, const json_t *payload,
			   const char *summary, struct svc_error *e)
{
	char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t id;
	if (!text)
		return svc_fail(e, SVC_INTERNAL, "förslaget kunde inte sparas", "the proposal could not be stored");
	int rc = db_change_create(s->db, s->actor->user_id, kind, target_id, text, summary, &id);
	free(text);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *prop = svc_change_get(s, id, e);
	return prop ? json_pack("{s:b, s:o}", "awaiting_approval", 1, "proposal", prop) : NULL;
}

json_t *svc_change_get(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_change c;
	int rc = db_change_get(s->db, id, &c);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = change_json(&c);
	db_change_free(&c);
	return out ? out : svc_fail(e, SVC_INTERNAL, "internt fel", "internal error");
}

json_t *svc_change_list(struct svc *s, const char *status, struct svc_error *e)
{
	int st = -1;
	if (status && (st = enum_parse(&enum_proposal_status, status)) < 0)
		return svc_fail_field(e, SVC_INVALID, "status", "status är pending, approved eller rejected",
				      "status is pending, approved or rejected");
	struct db_change *cs;
	size_t n;
	if (db_change_list(s->db, st, &cs, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, change_json(&cs[i]));
	db_change_list_free(cs, n);
	return json_pack("{s:o}", "proposals", arr);
}

/* Loads change id for resolving it inside the caller's transaction: 0, or
 * -1 with e filled (404, or 409 when it is not pending). */
static int change_pending(struct svc *s, int64_t id, struct db_change *c, struct svc_error *e)
{
	int rc = db_change_get(s->db, id, c);
	if (rc != DB_OK) {
		rc == DB_NOTFOUND ? (void)svc_not_found(e) : (void)svc_db_fail(s, e);
		return -1;
	}
	if (c->status != PROPOSAL_PENDING) {
		db_change_free(c);
		svc_fail(e, SVC_CONFLICT, "förslaget är redan godkänt eller avslaget",
			 "the proposal has been approved or rejected already");
		return -1;
	}
	return 0;
}

json_t *svc_change_approve(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { NULL };
	struct vctx v;
	struct db_change c;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (change_pending(s, id, &c, e) != 0) {
		db_rollback(s->db);
		return NULL;
	}
	int64_t result = c.target_id;
	json_t *payload = NULL;
	/* The point of four eyes: the second pair is never the first. */
	if (c.proposed_by == s->actor->user_id) {
		svc_fail(e, SVC_FORBIDDEN, "du kan inte godkänna ditt eget förslag; en annan samordnare måste göra det",
			 "you cannot approve your own proposal; another coordinator must");
		goto rollback;
	}
	json_error_t jerr;
	payload = json_loads(c.payload, 0, &jerr);
	if (!payload) {
		svc_fail(e, SVC_INTERNAL, "förslaget är skadat", "the proposal is damaged");
		goto rollback;
	}
	int rc = -1;
	switch (c.kind) {
	case CHANGE_YEAR_SETTINGS:
		rc = svc_year_apply(s, (int)c.target_id, payload, e);
		break;
	case CHANGE_USER_CREATE:
		rc = svc_user_create_apply(s, payload, &result, e);
		break;
	case CHANGE_USER_ACTIVATE:
		rc = svc_user_activate_apply(s, c.target_id, e);
		break;
	case CHANGE__COUNT:
		svc_fail(e, SVC_INTERNAL, "okänt förslag", "unknown proposal");
		break;
	}
	if (rc != 0)
		goto rollback;
	rc = db_change_resolve(s->db, s->actor->user_id, id, PROPOSAL_APPROVED, result, NULL);
	if (rc == DB_CONFLICT) {
		svc_fail(e, SVC_CONFLICT, "förslaget är redan godkänt eller avslaget",
			 "the proposal has been approved or rejected already");
		goto rollback;
	}
	if (rc != DB_OK || db_commit(s->db) != 0) {
		svc_db_fail(s, e);
		goto rollback;
	}
	json_decref(payload);
	db_change_free(&c);
	return svc_change_get(s, id, e);
rollback:
	db_rollback(s->db);
	json_decref(payload);
	db_change_free(&c);
	return NULL;
}

json_t *svc_change_reject(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "reason", NULL };
	struct vctx v;
	struct db_change c;
	const char *reason = NULL;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "reason", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &reason);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (change_pending(s, id, &c, e) != 0) {
		db_rollback(s->db);
		return NULL;
	}
	db_change_free(&c);
	if (db_change_resolve(s->db, s->actor->user_id, id, PROPOSAL_REJECTED, 0, reason && *reason ? reason : NULL) !=
		    DB_OK ||
	    db_commit(s->db) != 0) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	return svc_change_get(s, id, e);
}
