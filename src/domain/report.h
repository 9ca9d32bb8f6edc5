/*
 * The annual report (årsrapport, domain.md §10; JSON shape in api.md) as
 * plain numbers, and its open-data form. Pure: no I/O. The store fills a
 * struct report (db_report_load, src/store/report.h); src/report/ writes it
 * out as JSON, CSV, Markdown, HTML and XLSX.
 */
#ifndef NSP_REPORT_H
#define NSP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enums.h"

/* A person count withheld from open data: null in JSON, ".." in tables. */
#define REPORT_SUPPRESSED (-1)
/* The default k of the open-data export (api.md). */
#define REPORT_K_DEFAULT 5

/*
 * The gender buckets of every person table, in the order of api.md. The
 * first BUCKET_TOTAL buckets are the parts; BUCKET_TOTAL is their sum.
 */
enum bucket {
	BUCKET_WOMEN, BUCKET_MEN, BUCKET_TRANS_WOMEN, BUCKET_TRANS_MEN, BUCKET_NON_BINARY,
	BUCKET_GIRLS, BUCKET_BOYS, BUCKET_UNKNOWN, BUCKET_TOTAL, BUCKET__COUNT
};
/* JSON names: "women", "men", "trans_women", ..., "unknown", "total". */
extern const struct enum_def enum_bucket;

/*
 * The bucket of a person: adults by gender (unknown -> unknown); children
 * female -> girls, male -> boys and every other gender -> unknown (api.md),
 * so that a trans or non-binary child is never shown in a cell of its own.
 * Out-of-range input gives BUCKET_UNKNOWN.
 */
enum bucket report_bucket(enum gender g, enum age_group a);

/* One table row of person counts by bucket; n[BUCKET_TOTAL] is the sum. */
struct report_row {
	int64_t n[BUCKET__COUNT];
};

/* Adds count persons of (g, a) to the row: their bucket and the total. */
void report_row_add(struct report_row *row, enum gender g, enum age_group a, int64_t count);

/* The exploitation rows: one per form (enum exploitation) and "multiple". */
#define REPORT_EXPL_MULTIPLE EXPL__COUNT
#define REPORT_EXPL_ROWS (EXPL__COUNT + 1)
/* JSON name of an exploitation row: the form's name or "multiple". */
const char *report_expl_row_name(int row);
/* The row of a person with the form mask (bit 1u << enum exploitation):
 * the single form, REPORT_EXPL_MULTIPLE for more than one, -1 for none. */
int report_expl_row(uint32_t mask);

struct report_persons {
	int64_t total, adults, children;
	/* Issue 19: the covered persons counted once however many records they
	 * have (linked by the coordinator's marks or equal exact linkage keys;
	 * db_linkage_distinct). Shown only when distinct_known: a report put
	 * together without the register's linkage (the unit tests' fixtures)
	 * has no such figure. <= total; REPORT_SUPPRESSED in open data. */
	bool distinct_known;
	int64_t distinct;
};

struct report_money {
	bool budget_set;               /* false: the year has no budget (budget_ore is 0) */
	int64_t budget_ore;
	int64_t committed_ore;         /* ledger commits of the decisions made in the year */
	int64_t paid_ore;              /* payments dated in the year */
	int64_t paid_by_code_ore[CODE__COUNT]; /* the same payments by intervention code */
};

struct report_decisions {
	int64_t by_outcome[OUTCOME__COUNT]; /* decisions made in the year */
	int64_t emergency;                  /* of those, flagged emergency (R2e) */
};

struct report_complementarity {
	int64_t by_basis[BASIS__COUNT];     /* applications submitted in the year (R2) */
	/* Of those with basis public_actor_denied: the public actor's kind and
	 * the reason category of its refusal ('other' when not given). */
	int64_t denials[ACTOR__COUNT][REASON__COUNT];
};

/*
 * Persons in contact with the platform (issue 19): the contact register's
 * contacts dated in the year, the distinct persons they are (one person
 * however many contacts and organisations, and linked with the programme's
 * own persons by the linkage keys and the coordinator's marks), and those
 * of them who entered the programme (an admission granted by the end of
 * the year). Each row by the gender and age group of the contact; a
 * person's bucket is that of their first contact in the year. Three
 * populations bound only by inequalities (entered <= distinct <= contacts).
 */
struct report_contacts {
	struct report_row contacts;
	struct report_row distinct;
	struct report_row entered;
};

/* One contact of the year as the report counts it. */
struct report_contact_fact {
	enum gender gender;
	enum age_group age_group;
	uint64_t person;   /* the distinct person it is: equal values are the same person */
	bool entered;      /* that person entered the programme */
};

/*
 * Every table of the report. Person counts (persons, the bucket rows and
 * referrals) may be REPORT_SUPPRESSED after report_suppress(); every other
 * figure counts decisions, applications, requests, consultations or money
 * and is always exact.
 */
struct report {
	int year;
	int open_data_k;               /* 0: exact (the funder's report); else the k applied */

	struct report_persons persons;
	struct report_row primary;            /* adults and children with role primary */
	struct report_row secondary_children; /* role secondary */
	struct report_row children_elsewhere; /* role elsewhere */
	struct report_row interventions[CODE__COUNT];
	struct report_row exploitation[AGE__COUNT][REPORT_EXPL_ROWS];
	/* Persons who received a reflection period in the year, by referral
	 * source; those without a recorded source are counted apart, so that
	 * the sources plus not_recorded equal interventions[CODE_REFLECTION]. */
	int64_t referrals_reflection[REF__COUNT];
	int64_t referrals_not_recorded;

	struct report_money money;
	struct report_decisions decisions;
	int64_t placement_requests[PLACEMENT__COUNT];
	int64_t consultations;
	struct report_complementarity complementarity;
	struct report_contacts contacts;
};

/*
 * Fills r->contacts (which must be all zero) from the year's contacts
 * f[0..n), in date order. Returns 0, or -1 when memory runs out (r->contacts
 * unchanged).
 */
int report_contacts_count(struct report *r, const struct report_contact_fact *f, size_t n);

/* An all-zero exact report of year. */
void report_init(struct report *r, int year);

/*
 * Checks that an exact report satisfies every additive relation below (and
 * has no negative count). Returns 0, or -1 with the first broken relation
 * named in err (English). The loader's output must pass; so must any
 * report handed to report_suppress().
 */
int report_check(const struct report *r, char *err, size_t errsz);

/*
 * Open data (api.md): makes r safe to publish with threshold k >= 1.
 *
 * Primary suppression: every person count in 1..k-1 becomes
 * REPORT_SUPPRESSED; 0 stays 0. Secondary suppression then withholds
 * further non-zero cells until no suppressed value can be recomputed from
 * what is published, by these additive relations (each "T = a + b + ..."):
 *
 *   A. persons.total = persons.adults + persons.children
 *   B. persons.total = primary.total + secondary_children.total + children_elsewhere.total
 *   C. persons.adults = primary.{women+men+trans_women+trans_men+non_binary} + Ua
 *   D. persons.children = primary.{girls+boys} + Uc + secondary_children.total
 *                         + children_elsewhere.total
 *   E. primary.unknown = Ua + Uc
 *   F. every bucket row (primary, secondary_children, children_elsewhere,
 *      each intervention, each exploitation row): total = sum of the 8 buckets
 *   G. interventions[reflection].total = sum of referrals_reflection + referrals_not_recorded
 *   (F holds for the three rows of contacts too: contacts, distinct persons
 *   and those who entered are populations of their own, bound only by
 *   inequalities, so each row is suppressed by its own total.)
 *
 * Ua (adults of unknown gender) and Uc (primary children in the unknown
 * bucket) are never published; the attacker is assumed to know C–E and to
 * work out Ua, Uc whenever the published figures determine them. There is
 * no relation between tables of different populations (interventions,
 * exploitation rows and the covered persons only bound each other by
 * inequalities, and money is not a person count).
 *
 * The cells to add are found in rounds until nothing changes:
 *  1. a relation with exactly one unknown: suppress its smallest non-zero
 *     published cell;
 *  2. a relation whose total is published and whose unknown parts can only
 *     take their smallest values (a suppressed cell is >= 1, since 0 is
 *     never suppressed): suppress its smallest non-zero published cell;
 *  3. Gaussian elimination over all relations with the published values
 *     substituted, in exact integer arithmetic: for a suppressed value that
 *     is determined, suppress the smallest non-zero published cell of the
 *     nearest relation that has one.
 * Ties go to the cell that comes first in the order above. Money, decisions,
 * requests, consultations and complementarity stay exact.
 *
 * Returns 0; -1 (r unchanged) when k < 1, r is already suppressed, r fails
 * report_check(), or the arithmetic would overflow (then nothing safe can be
 * promised and the caller must not publish).
 */
int report_suppress(struct report *r, int k);

/* One additive relation of a small table: cells[total] = the sum of cells[parts[..]]. */
#define REPORT_TABLE_MAX_PARTS 12
#define REPORT_TABLE_MAX_CELLS 64
struct report_table_rel {
	int total;
	int n_parts;
	int parts[REPORT_TABLE_MAX_PARTS];
};

/*
 * The open-data suppression of report_suppress() (the same rounds: primary
 * 1..k-1, then secondary until no withheld cell can be recomputed) for any
 * small table of exact, non-negative person counts bound by the relations
 * rels, every cell published unless withheld (no hidden cells). Withheld
 * cells become REPORT_SUPPRESSED. Returns 0; -1 (cells unchanged) when k < 1,
 * n > REPORT_TABLE_MAX_CELLS, a relation names no cell of the table or does
 * not hold, a count is negative, or the arithmetic would overflow.
 */
int report_suppress_table(int64_t *cells, int n, const struct report_table_rel *rels, int nr, int k);

#endif
