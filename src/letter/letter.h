/*
 * The decision letter (issue 17): what a decision says to the applying
 * organisation, and the letter of a handled claim (approved and paid, or
 * rejected) on it, typeset as an A4 PDF with cairo and pango (DejaVu Sans,
 * embedded). It names the person by the case code only: never identity
 * data. letter_load() gathers what the letter says from the database (no
 * identity is read); letter_pdf() typesets it and does no I/O. Who may see
 * a letter, and the audit entry of its read, are the caller's business.
 */
#ifndef NSP_LETTER_LETTER_H
#define NSP_LETTER_LETTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i18n/i18n.h"
#include "store/store.h"

struct buf;

/* Everything a letter says. Fixed fields except org_name, reason and
 * refusals (owned): release with letter_release(). */
struct letter {
	struct db_decision d;          /* the decision, its lines and money (owns reason) */
	int64_t organisation_id;
	char *org_name;
	char case_code[DB_CODE_MAX];
	day_t submitted_on;            /* what was applied for */
	day_t applied_from, applied_to; /* DAY_NONE unless a period type */
	int64_t applied_units;         /* 0 unless a point intervention */
	int category;                  /* enum point_category, -1 unless a point intervention */
	size_t n_children;             /* children named for the supplement */
	struct db_refusal *refusals;   /* the rules that refused, when decided */
	size_t n_refusals;
	char decided_by[DB_USERNAME_MAX];
	char approved_by[DB_USERNAME_MAX]; /* "" unless four eyes */
	/* A handled claim's letter (letter_load_claim): the claim, and who decided it. */
	bool has_claim;
	struct db_claim claim;         /* owns reference and reject_reason */
	char claim_decided_by[DB_USERNAME_MAX];
};

/* Loads decision id's letter: DB_OK, DB_NOTFOUND, or DB_ERROR (db_errmsg). */
int letter_load(struct db *db, int64_t decision_id, struct letter *out);
void letter_release(struct letter *l);
/* Loads claim id's letter, its decision's letter with the claim: DB_OK,
 * DB_NOTFOUND (no claim), or DB_ERROR. A claim still submitted loads too;
 * whether it may have a letter yet is the caller's (letter_claim_handled). */
int letter_load_claim(struct db *db, int64_t claim_id, struct letter *out);
/* Has the claim been approved (paid) or rejected: something to write about. */
bool letter_claim_handled(const struct letter *l);

/*
 * Typesets l in lang into out (appended). with_reason_text: include the
 * coordinator's own motivation, free text; a letter sent by e-mail leaves
 * it out (a notice holds no free text about the person) and says where it
 * is read. Returns 0, or -1 with one sentence in err.
 */
int letter_pdf(const struct letter *l, enum lang lang, bool with_reason_text, struct buf *out, char *err,
	       size_t errsz);

/* The file name of decision id's letter: "nsp-beslut-42.pdf" / "nsp-decision-42.pdf". */
void letter_file_name(int64_t decision_id, enum lang lang, char *out, size_t outsz);
/* The file name of claim id's letter: "nsp-rekvisition-7.pdf" / "nsp-claim-7.pdf". */
void letter_claim_file_name(int64_t claim_id, enum lang lang, char *out, size_t outsz);

#endif
