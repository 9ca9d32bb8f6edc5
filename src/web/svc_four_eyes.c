/*
 * Resolving what waits for a second coordinator (domain.md §8): a decision
 * over the year's threshold (svc_case.c) and a change to the controls
 * themselves (svc_changes.c) are approved and rejected the same way, here:
 * in one transaction, only while pending, never approved by the one who
 * proposed it. What an approval carries out is the kind's own (fe->apply).
 */
#include "web/service.h"
#include "web/svc_util.h"

#define TEXT_MAX_CHARS 20000

/* Loads proposal id inside the caller's transaction: 0, or -1 with e filled
 * (404, or 409 when it is not pending any more). */
static int pending(struct svc *s, const struct four_eyes *fe, int64_t id, void *item, int64_t *proposed_by,
		   struct svc_error *e)
{
	int status;
	int rc = fe->load(s->db, id, item, &status, proposed_by);
	if (rc != DB_OK) {
		rc == DB_NOTFOUND ? (void)svc_not_found(e) : (void)svc_db_fail(s, e);
		return -1;
	}
	if (status != PROPOSAL_PENDING) {
		fe->release(item);
		svc_fail(e, SVC_CONFLICT, fe->resolved_sv, fe->resolved_en);
		return -1;
	}
	return 0;
}

json_t *svc_four_eyes_approve(struct svc *s, const struct four_eyes *fe, void *item, int64_t id, const json_t *in,
			      struct svc_error *e)
{
	static const char *const known[] = { NULL };
	struct vctx v;
	int64_t proposed_by, result = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (pending(s, fe, id, item, &proposed_by, e) != 0)
		goto rollback;
	/* The point of four eyes: the second pair is never the first. */
	if (proposed_by == s->actor->user_id) {
		svc_fail(e, SVC_FORBIDDEN, fe->own_sv, fe->own_en);
		goto release;
	}
	if (fe->apply(s, id, item, &result, e) != 0)
		goto release;
	int rc = fe->resolve(s->db, s->actor->user_id, id, PROPOSAL_APPROVED, result, NULL);
	if (rc == DB_CONFLICT) {
		svc_fail(e, SVC_CONFLICT, fe->resolved_sv, fe->resolved_en);
		goto release;
	}
	if (rc != DB_OK || db_commit(s->db) != 0) {
		svc_db_fail(s, e);
		goto release;
	}
	fe->release(item);
	return fe->approved(s, id, result, e);
release:
	fe->release(item);
rollback:
	db_rollback(s->db);
	return NULL;
}

json_t *svc_four_eyes_reject(struct svc *s, const struct four_eyes *fe, void *item, int64_t id, const json_t *in,
			     struct svc_error *e)
{
	static const char *const known[] = { "reason", NULL };
	struct vctx v;
	const char *reason = NULL;
	int64_t proposed_by;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_string(&v, in, "reason", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &reason);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	if (pending(s, fe, id, item, &proposed_by, e) != 0) {
		db_rollback(s->db);
		return NULL;
	}
	fe->release(item);
	/* Any coordinator may reject, the proposer too (a withdrawal). */
	if (fe->resolve(s->db, s->actor->user_id, id, PROPOSAL_REJECTED, 0, reason && *reason ? reason : NULL) !=
		    DB_OK ||
	    db_commit(s->db) != 0) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	return fe->get(s, id, e);
}
