/* Letters (issue 17): the PDF of a decision, or of a handled claim, for its organisation. */
#include <stdio.h>
#include <string.h>

#include "letter/letter.h"
#include "util/buf.h"
#include "web/service.h"
#include "web/svc_util.h"

/* Checks, audits (action, detail) and typesets loaded letter l (released here). 0, or -1 with e filled. */
static int letter_answer(struct svc *s, struct letter *l, const char *action, const char *detail, enum lang lang,
			 struct buf *out, struct svc_error *e)
{
	char err[256];
	/* Another organisation's decision or claim does not exist for the actor. */
	if (!svc_sees_org(s, l->organisation_id)) {
		letter_release(l);
		svc_not_found(e);
		return -1;
	}
	/* A read of the person's case: audited before it is answered. */
	if (db_audit_read(s->db, s->actor->user_id, action, "person", l->d.person_id, detail) != 0) {
		letter_release(l);
		svc_db_fail(s, e);
		return -1;
	}
	int rc = letter_pdf(l, lang, true, out, err, sizeof err);
	letter_release(l);
	if (rc != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		svc_fail(e, SVC_INTERNAL, "brevet kunde inte skapas", "the letter could not be made");
		return -1;
	}
	return 0;
}

int svc_decision_letter(struct svc *s, int64_t id, enum lang lang, struct buf *out, struct svc_error *e)
{
	struct letter l;
	char detail[64];
	int rc = letter_load(s->db, id, &l);
	if (rc != DB_OK) {
		rc == DB_NOTFOUND ? (void)svc_not_found(e) : (void)svc_db_fail(s, e);
		return -1;
	}
	snprintf(detail, sizeof detail, "letter decision=%lld lang=%s", (long long)id, i18n_code(lang));
	return letter_answer(s, &l, "decision.letter", detail, lang, out, e);
}

int svc_claim_letter(struct svc *s, int64_t id, enum lang lang, struct buf *out, struct svc_error *e)
{
	struct letter l;
	char detail[80];
	int rc = letter_load_claim(s->db, id, &l);
	if (rc != DB_OK) {
		rc == DB_NOTFOUND ? (void)svc_not_found(e) : (void)svc_db_fail(s, e);
		return -1;
	}
	/* Nothing to write until the coordinator has approved or rejected it (but 404 first to another organisation). */
	if (svc_sees_org(s, l.organisation_id) && !letter_claim_handled(&l)) {
		letter_release(&l);
		svc_fail(e, SVC_CONFLICT, "rekvisitionen väntar på beslut; brevet skrivs när den är godkänd eller avslagen",
			 "the claim is waiting for a decision; its letter is written once it is approved or rejected");
		return -1;
	}
	snprintf(detail, sizeof detail, "letter claim=%lld decision=%lld lang=%s", (long long)id, (long long)l.d.id,
		 i18n_code(lang));
	return letter_answer(s, &l, "claim.letter", detail, lang, out, e);
}
