/* Decision letters (issue 17): the PDF of a decision for its organisation. */
#include <stdio.h>
#include <string.h>

#include "letter/letter.h"
#include "util/buf.h"
#include "web/service.h"
#include "web/svc_util.h"

int svc_decision_letter(struct svc *s, int64_t id, enum lang lang, struct buf *out, struct svc_error *e)
{
	struct letter l;
	char detail[64], err[256];
	int rc = letter_load(s->db, id, &l);
	if (rc != DB_OK) {
		rc == DB_NOTFOUND ? (void)svc_not_found(e) : (void)svc_db_fail(s, e);
		return -1;
	}
	/* Another organisation's decision does not exist for the actor. */
	if (!svc_sees_org(s, l.organisation_id)) {
		letter_release(&l);
		svc_not_found(e);
		return -1;
	}
	/* A read of the person's case: audited before it is answered. */
	snprintf(detail, sizeof detail, "letter decision=%lld lang=%s", (long long)id, i18n_code(lang));
	if (db_audit_read(s->db, s->actor->user_id, "decision.letter", "person", l.d.person_id, detail) != 0) {
		letter_release(&l);
		svc_db_fail(s, e);
		return -1;
	}
	rc = letter_pdf(&l, lang, true, out, err, sizeof err);
	letter_release(&l);
	if (rc != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		svc_fail(e, SVC_INTERNAL, "brevet kunde inte skapas", "the letter could not be made");
		return -1;
	}
	return 0;
}
