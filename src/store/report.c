/*
 * The annual report from the database (domain.md §10): a handful of
 * GROUP BY queries over the whole year (the ST_REPORT_* statements of
 * statements.c), read inside one transaction so that the tables agree with
 * each other, then checked by report_check() before anyone sees them.
 *
 * Definitions, for year Y with days first..last:
 * - covered: the person of any decision made in Y (denials included) or of
 *   a granted decision whose period overlaps Y, the children named on such
 *   a decision's application, and the secondary and elsewhere children of
 *   those persons; rows by role: children with role secondary / elsewhere,
 *   everyone else (adults, primary children) primary;
 * - intervention recipients: the person of a granted or partly granted
 *   decision made in Y or whose period overlaps Y, under its type's code,
 *   and the children named on its application under its child-supplement
 *   line's code when it has one (R7);
 * - exploitation: every covered person with a form; more than one form is
 *   "multiple";
 * - referrals: the reflection recipients by referral source;
 * - money: budget of Y, commits of Y's decisions in the ledger, payments
 *   dated in Y, and the same payments by the intervention code of their
 *   decision (domain.md §8: "under its decision's intervention code, child
 *   supplements included": a claim on a reflection decision with a child
 *   supplement counts under reflection in full);
 * - decisions made in Y by outcome, and how many were emergencies (R2e);
 *   placement requests and consultations dated in Y;
 * - complementarity: applications submitted in Y by basis kind (R2), and of
 *   those with basis public_actor_denied, the refusing actor's kind and the
 *   reason category ('other' when not given);
 * - persons in contact with the platform: the contact register's contacts
 *   dated in Y, the distinct persons they are, and those of them who
 *   entered the programme (domain/report.h, struct report_contacts).
 */
#include "store/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/day.h"
#include "domain/money.h"
#include "store/store_internal.h"

/* Binds the shared parameters (statements.c) that statement st uses. */
static int report_bind(sqlite3_stmt *st, int year)
{
	int n = sqlite3_bind_parameter_count(st), rc = 0;
	struct {
		const struct enum_def *e;
		int v;
	} names[] = {
		[3] = { &enum_outcome, OUTCOME_GRANTED },
		[4] = { &enum_outcome, OUTCOME_PARTLY_GRANTED },
		[5] = { &enum_age_group, AGE_CHILD },
		[6] = { &enum_child_role, CHILD_SECONDARY },
		[7] = { &enum_child_role, CHILD_ELSEWHERE },
		[8] = { &enum_app_type, APP_ADMISSION },
		[9] = { &enum_app_type, APP_REFLECTION },
		[11] = { &enum_ledger_kind, LEDGER_COMMIT },
		[12] = { &enum_age_group, AGE_ADULT },
	};

	for (int i = 1; i <= n && rc == 0; i++) {
		if (i == 1)
			rc = bind_day(st, i, day_year_first(year));
		else if (i == 2)
			rc = bind_day(st, i, day_year_last(year));
		else if (i == 10)
			rc = bind_i64(st, i, year);
		else if (i < (int)(sizeof names / sizeof names[0]) && names[i].e)
			rc = bind_enum(st, i, names[i].e, names[i].v);
		else
			rc = SQLITE_RANGE;
	}
	return rc;
}

/* Prepares and binds statement s; NULL on failure (db_errmsg set). */
static sqlite3_stmt *report_stmt(struct db *db, enum stmt s, int year)
{
	sqlite3_stmt *st = db_stmt(db, s);

	if (st == NULL)
		return NULL;
	if (report_bind(st, year) != 0) {
		db_fail_bind(db, st);
		stmt_done(st);
		return NULL;
	}
	return st;
}

/* Steps st: 1 for a row, 0 when done, -1 on error (db_errmsg set). */
static int report_step(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_fail_sqlite(db, what);
	return -1;
}

/* Reads column i as a value of e; -1 (db_errmsg set) for NULL or a name
 * that is not one of e's: a figure must never go silently uncounted. */
static int report_enum(struct db *db, sqlite3_stmt *st, int i, const struct enum_def *e, int *out)
{
	int v = col_enum(st, i, e);

	*out = v; /* set in every case: callers test the result, the compiler cannot see db_fail's */
	if (v < 0)
		return db_fail(db, "annual report: a stored %s is not one of its names", e->name);
	return 0;
}

/* Adds n to *acc with the overflow check of money_add (counts too). */
static int report_add(struct db *db, int64_t *acc, int64_t n)
{
	if (n < 0 || money_add(*acc, n, acc) != 0)
		return db_fail(db, "annual report: a figure is out of range");
	return 0;
}

/* Coverage by role, and exploitation forms, from one pass over the
 * covered persons (ST_REPORT_PERSONS). */
static int load_persons(struct db *db, int year, struct report *r)
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_PERSONS, year);
	int rc, age, gender, expl;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = report_step(db, st, "annual report: covered persons")) == 1) {
		int64_t cls = col_i64(st, 2), mask = col_i64(st, 3), n = col_i64(st, 4);
		struct report_row *row = cls == 1 ? &r->secondary_children
				       : cls == 2 ? &r->children_elsewhere
						  : &r->primary;
		if (report_enum(db, st, 0, &enum_age_group, &age) != 0 ||
		    report_enum(db, st, 1, &enum_gender, &gender) != 0 ||
		    report_add(db, &r->persons.total, n) != 0 ||
		    report_add(db, age == AGE_ADULT ? &r->persons.adults : &r->persons.children, n) != 0) {
			rc = -1;
			break;
		}
		report_row_add(row, (enum gender)gender, (enum age_group)age, n);
		if (mask == 0)
			continue;
		if (mask < 0 || mask > UINT32_MAX || (expl = report_expl_row((uint32_t)mask)) < 0) {
			rc = db_fail(db, "annual report: a stored exploitation mask is invalid");
			break;
		}
		report_row_add(&r->exploitation[age][expl], (enum gender)gender, (enum age_group)age, n);
	}
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

/* The covered persons counted once however many records they have (issue 19). */
static int load_distinct(struct db *db, int year, struct report *r)
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_COVERED_IDS, year);
	struct db_subject *set = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = report_step(db, st, "annual report: covered persons' ids")) == 1) {
		if (array_reserve(&set, &cap, n + 1, sizeof *set) != 0) {
			rc = db_fail(db, "out of memory");
			break;
		}
		set[n++] = (struct db_subject){ DB_SUBJECT_PERSON, col_i64(st, 0) };
	}
	stmt_done(st);
	if (rc == 0)
		rc = db_linkage_distinct(db, set, n, &r->persons.distinct);
	free(set);
	if (rc != 0)
		return DB_ERROR;
	r->persons.distinct_known = true;
	return DB_OK;
}

/* Recipients per code, and the referral sources of the reflection ones. */
static int load_interventions(struct db *db, int year, struct report *r)
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_INTERVENTIONS, year);
	int rc, code, age, gender, source;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = report_step(db, st, "annual report: interventions")) == 1) {
		int64_t n = col_i64(st, 4);
		if (report_enum(db, st, 0, &enum_code, &code) != 0 ||
		    report_enum(db, st, 1, &enum_age_group, &age) != 0 ||
		    report_enum(db, st, 2, &enum_gender, &gender) != 0) {
			rc = -1;
			break;
		}
		report_row_add(&r->interventions[code], (enum gender)gender, (enum age_group)age, n);
		if (code != CODE_REFLECTION)
			continue;
		int64_t *cell = &r->referrals_not_recorded;
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			if (report_enum(db, st, 3, &enum_referral, &source) != 0) {
				rc = -1;
				break;
			}
			cell = &r->referrals_reflection[source];
		}
		if (report_add(db, cell, n) != 0) {
			rc = -1;
			break;
		}
	}
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

static int load_money(struct db *db, int year, struct report *r)
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_MONEY, year);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	rc = report_step(db, st, "annual report: money");
	if (rc == 1) {
		r->money.budget_set = sqlite3_column_type(st, 0) != SQLITE_NULL;
		r->money.budget_ore = col_i64(st, 0);
		r->money.committed_ore = col_i64(st, 1);
		r->money.paid_ore = col_i64(st, 2);
	} else if (rc == 0) {
		rc = db_fail(db, "annual report: the money query returned no row");
	}
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

/* Payments dated in the year by the code of each of their lines: a child
 * supplement under its own *_child code (migration 9). The report's table,
 * and the year page's through GET /api/v1/years/{y}/budget. */
int db_paid_by_code(struct db *db, int year, int64_t paid_ore[CODE__COUNT])
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_PAID_BY_CODE, year);
	int rc, code;

	memset(paid_ore, 0, CODE__COUNT * sizeof paid_ore[0]);
	if (st == NULL)
		return DB_ERROR;
	while ((rc = report_step(db, st, "annual report: payments")) == 1) {
		if (report_enum(db, st, 0, &enum_code, &code) != 0 ||
		    report_add(db, &paid_ore[code], col_i64(st, 1)) != 0) {
			rc = -1;
			break;
		}
	}
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

/* Rows of (enum name, count): adds each count to counts[value]. Used for
 * decisions (with a third column: emergencies) and placements. */
static int load_by_name(struct db *db, int year, enum stmt s, const struct enum_def *e, int64_t *counts,
			int64_t *third, const char *what)
{
	sqlite3_stmt *st = report_stmt(db, s, year);
	int rc, v;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = report_step(db, st, what)) == 1) {
		if (report_enum(db, st, 0, e, &v) != 0 || report_add(db, &counts[v], col_i64(st, 1)) != 0 ||
		    (third && report_add(db, third, col_i64(st, 2)) != 0)) {
			rc = -1;
			break;
		}
	}
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

static int load_consultations(struct db *db, int year, struct report *r)
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_CONSULTATIONS, year);
	int rc;

	if (st == NULL)
		return DB_ERROR;
	rc = report_step(db, st, "annual report: consultations");
	if (rc == 1)
		r->consultations = col_i64(st, 0);
	else if (rc == 0)
		rc = db_fail(db, "annual report: the consultation count returned no row");
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

/* Applications by basis, and the denials by a public actor by the actor's
 * kind and the reason category. */
static int load_basis(struct db *db, int year, struct report *r)
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_BASIS, year);
	int rc, basis, actor, reason;

	if (st == NULL)
		return DB_ERROR;
	while ((rc = report_step(db, st, "annual report: applications by basis")) == 1) {
		int64_t n = col_i64(st, 3);
		if (report_enum(db, st, 0, &enum_basis_kind, &basis) != 0 ||
		    report_add(db, &r->complementarity.by_basis[basis], n) != 0) {
			rc = -1;
			break;
		}
		if (basis != BASIS_PUBLIC_ACTOR_DENIED)
			continue;
		/* A kind or category not given, or outside the vocabulary, counts
		 * as 'other': these fields are optional free classification (R2). */
		actor = col_enum(st, 1, &enum_actor_kind);
		reason = col_enum(st, 2, &enum_reason_category);
		if (actor < 0)
			actor = ACTOR_OTHER;
		if (reason < 0)
			reason = REASON_OTHER;
		if (report_add(db, &r->complementarity.denials[actor][reason], n) != 0) {
			rc = -1;
			break;
		}
	}
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

/* The position of subject (kind, id) in recs[0..n) (persons first, then
 * contacts, each by id: db_linkage_all), or n when it has no keys. */
static size_t rec_find(const struct db_linkage_rec *recs, size_t n, enum db_subject_kind kind, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct db_subject *m = &recs[mid].subj;
		if (m->kind < kind || (m->kind == kind && m->id < id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && recs[lo].subj.kind == kind && recs[lo].subj.id == id ? lo : n;
}

/* The ids of the persons admitted by the end of year, ascending; free(*out). */
static int load_admitted(struct db *db, int year, int64_t **out, size_t *n)
{
	sqlite3_stmt *st = report_stmt(db, ST_REPORT_ADMITTED_BY, year);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	while ((rc = report_step(db, st, "annual report: admitted persons")) == 1) {
		if (array_reserve(out, &cap, *n + 1, sizeof **out) != 0) {
			rc = db_fail(db, "out of memory");
			break;
		}
		(*out)[(*n)++] = col_i64(st, 0);
	}
	stmt_done(st);
	return rc < 0 ? DB_ERROR : DB_OK;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Groups the stored linkage records into persons (linkage_groups: equal
 * exact keys or the coordinator's "same", never against a "not the same")
 * and marks each group that holds a person admitted by the end of year.
 * *group[i] is record i's group; *entered[g] is true for an admitted group
 * g (a record index). Both malloc'd (free); DB_OK or an error.
 */
static int link_groups(struct db *db, int year, const struct db_linkage_rec *recs, size_t n, size_t **group,
		       bool **entered)
{
	struct db_linkage_mark *dm = NULL;
	struct linkage_mark *marks = NULL;
	struct linkage_keys *keys = NULL;
	int64_t *admitted = NULL;
	size_t nm = 0, nmarks = 0, nadm = 0;
	int rc = DB_ERROR;

	*group = malloc((n ? n : 1) * sizeof **group);
	*entered = calloc(n ? n : 1, sizeof **entered);
	if (*group == NULL || *entered == NULL) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	if (db_linkage_marks(db, &dm, &nm) != DB_OK || load_admitted(db, year, &admitted, &nadm) != DB_OK)
		goto out;
	if ((marks = malloc((nm ? nm : 1) * sizeof *marks)) == NULL ||
	    (keys = malloc((n ? n : 1) * sizeof *keys)) == NULL) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nm; i++) {
		size_t a = rec_find(recs, n, dm[i].a.kind, dm[i].a.id), b = rec_find(recs, n, dm[i].b.kind, dm[i].b.id);
		if (a < n && b < n)
			marks[nmarks++] = (struct linkage_mark){ a, b, dm[i].same };
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = recs[i].keys;
	if (linkage_groups(keys, n, marks, nmarks, *group) != 0) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (recs[i].subj.kind == DB_SUBJECT_PERSON && nadm > 0 &&
		    bsearch(&recs[i].subj.id, admitted, nadm, sizeof *admitted, id_cmp) != NULL)
			(*entered)[(*group)[i]] = true;
	rc = DB_OK;
out:
	free(dm);
	free(marks);
	free(keys);
	free(admitted);
	return rc;
}

/*
 * Persons in contact with the platform (issue 19): the contacts dated in Y;
 * a contact with linkage keys is the person of its group (with other
 * contacts and with the programme's persons), one without is a person of
 * its own; entered when its group holds a person admitted by the end of Y.
 */
static int load_contacts(struct db *db, int year, struct report *r)
{
	struct db_contact *cs = NULL;
	struct db_linkage_rec *recs = NULL;
	struct report_contact_fact *f = NULL;
	size_t n = 0, nrec = 0, *group = NULL;
	bool *entered = NULL;
	int rc;

	if ((rc = db_contact_year(db, year, &cs, &n)) != DB_OK || n == 0)
		goto out;
	if ((rc = db_linkage_all(db, &recs, &nrec)) != DB_OK ||
	    (rc = link_groups(db, year, recs, nrec, &group, &entered)) != DB_OK)
		goto out;
	if ((f = calloc(n, sizeof *f)) == NULL) {
		rc = db_fail(db, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = rec_find(recs, nrec, DB_SUBJECT_CONTACT, cs[i].id);
		/* Groups are record indexes; a contact without keys gets a value no group has. */
		uint64_t person = k < nrec ? (uint64_t)group[k] : (uint64_t)nrec + (uint64_t)cs[i].id;
		f[i] = (struct report_contact_fact){ cs[i].gender, cs[i].age_group, person,
						     k < nrec && entered[group[k]] };
	}
	if (report_contacts_count(r, f, n) != 0)
		rc = db_fail(db, "out of memory");
out:
	free(f);
	free(group);
	free(entered);
	free(recs);
	free(cs);
	return rc;
}

/* Reads part p of the year's report into r. */
static int load_part(struct db *db, int year, struct report *r, enum report_part p)
{
	switch (p) {
	case REPORT_PART_PERSONS: return load_persons(db, year, r);
	case REPORT_PART_DISTINCT: return load_distinct(db, year, r);
	case REPORT_PART_INTERVENTIONS: return load_interventions(db, year, r);
	case REPORT_PART_MONEY: return load_money(db, year, r);
	case REPORT_PART_PAID_BY_CODE: return db_paid_by_code(db, year, r->money.paid_by_code_ore);
	case REPORT_PART_DECISIONS:
		return load_by_name(db, year, ST_REPORT_DECISIONS, &enum_outcome, r->decisions.by_outcome,
				    &r->decisions.emergency, "annual report: decisions");
	case REPORT_PART_PLACEMENTS:
		return load_by_name(db, year, ST_REPORT_PLACEMENTS, &enum_placement_outcome, r->placement_requests,
				    NULL, "annual report: placement requests");
	case REPORT_PART_CONSULTATIONS: return load_consultations(db, year, r);
	case REPORT_PART_BASIS: return load_basis(db, year, r);
	case REPORT_PART_CONTACTS: return load_contacts(db, year, r);
	case REPORT_PART__COUNT: break;
	}
	return db_fail(db, "annual report: no part %d", (int)p);
}

int db_report_load(struct db *db, int year, struct report *out)
{
	return db_report_load_progress(db, year, out, NULL, NULL);
}

int db_report_load_progress(struct db *db, int year, struct report *out, void (*fn)(void *ctx, int part),
			    void *ctx)
{
	char why[160];
	bool own_txn;
	int rc = DB_OK;

	if (year < DAY_MIN_YEAR || year > DAY_MAX_YEAR)
		return db_fail(db, "annual report: year %d is out of range", year);
	report_init(out, year);

	/* One read snapshot for all the queries, unless the caller holds one. */
	own_txn = sqlite3_get_autocommit(db->conn) != 0;
	if (own_txn && db_run(db, ST_REPORT_BEGIN) != DB_OK)
		return DB_ERROR;

	for (int p = 0; p < REPORT_PART__COUNT && rc == DB_OK; p++) {
		if (fn != NULL)
			fn(ctx, p);
		rc = load_part(db, year, out, (enum report_part)p);
	}
	if (rc == DB_OK && fn != NULL)
		fn(ctx, REPORT_PART__COUNT);

	if (own_txn) {
		/* Only reads happened: COMMIT and ROLLBACK both just end the snapshot. */
		if (db_run(db, rc == DB_OK ? ST_COMMIT : ST_ROLLBACK) != DB_OK && rc == DB_OK)
			rc = DB_ERROR;
	}
	if (rc == DB_OK && report_check(out, why, sizeof why) != 0)
		rc = db_fail(db, "annual report %d does not add up (%s)", year, why);
	return rc;
}
