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

static int change_load(struct db *db, int64_t id, void *item, int *status, int64_t *proposed_by)
{
	struct db_change *c = item;
	int rc = db_change_get(db, id, c);
	if (rc == DB_OK) {
		*status = (int)c->status;
		*proposed_by = c->proposed_by;
	}
	return rc;
}

static void change_release(void *item)
{
	db_change_free(item);
}

/* The approver applies the change itself, in the approval's transaction. */
static int change_apply(struct svc *s, int64_t id, void *item, int64_t *result, struct svc_error *e)
{
	const struct db_change *c = item;
	(void)id;
	json_error_t jerr;
	json_t *payload = json_loads(c->payload, 0, &jerr);
	if (!payload) {
		svc_fail(e, SVC_INTERNAL, "förslaget är skadat", "the proposal is damaged");
		return -1;
	}
	int rc = -1;
	*result = c->target_id;
	switch (c->kind) {
	case CHANGE_YEAR_SETTINGS:
		rc = svc_year_apply(s, (int)c->target_id, payload, e);
		break;
	case CHANGE_USER_CREATE:
		rc = svc_user_create_apply(s, payload, result, e);
		break;
	case CHANGE_USER_ACTIVATE:
		rc = svc_user_activate_apply(s, c->target_id, e);
		break;
	case CHANGE__COUNT:
		svc_fail(e, SVC_INTERNAL, "okänt förslag", "unknown proposal");
		break;
	}
	json_decref(payload);
	return rc;
}

static json_t *change_approved(struct svc *s, int64_t id, int64_t result, struct svc_error *e)
{
	(void)result;
	return svc_change_get(s, id, e);
}

static const struct four_eyes change_four_eyes = {
	.resolved_sv = "förslaget är redan godkänt eller avslaget",
	.resolved_en = "the proposal has been approved or rejected already",
	.own_sv = "du kan inte godkänna ditt eget förslag; en annan samordnare måste göra det",
	.own_en = "you cannot approve your own proposal; another coordinator must",
	.load = change_load,
	.release = change_release,
	.apply = change_apply,
	.resolve = db_change_resolve,
	.get = svc_change_get,
	.approved = change_approved,
};

json_t *svc_change_approve(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	struct db_change c;
	return svc_four_eyes_approve(s, &change_four_eyes, &c, id, in, e);
}

json_t *svc_change_reject(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	struct db_change c;
	return svc_four_eyes_reject(s, &change_four_eyes, &c, id, in, e);
}
