/*
 * The contact register (issue 19): a member organisation's contacts with
 * persons outside the programme, and the member flag of organisations.
 * No identity is ever written here (migration 13).
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

int db_org_set_member(struct db *db, int64_t actor, int64_t org_id, bool member)
{
	struct db_op op;
	sqlite3_stmt *st;
	int rc;

	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_ORG_SET_MEMBER)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_i64(st, 1, org_id) | bind_i64(st, 2, member ? 1 : 0)) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	rc = update_audited(db, st, actor, "setting the membership", "organisation.member", "organisation", org_id,
			    member ? "member" : "not a member");
out:
	return op_end(db, &op, rc);
}

int db_contact_create(struct db *db, int64_t actor, const struct db_contact *c, int64_t *out_id)
{
	sqlite3_stmt *st;
	struct db_op op;
	int64_t id;
	int rc;

	if (c->date == DAY_NONE || (unsigned)c->gender >= GENDER__COUNT || (unsigned)c->age_group >= AGE__COUNT ||
	    (unsigned)c->region >= REGION__COUNT || c->organisation_id <= 0)
		return db_fail(db, "a contact needs an organisation, a date, gender, age group and region");
	if ((rc = op_begin(db, &op)) != DB_OK)
		return rc;
	if ((st = db_stmt(db, ST_CONTACT_INSERT)) == NULL) {
		rc = DB_ERROR;
		goto out;
	}
	if (bind_id(st, 1, c->organisation_id) | bind_day(st, 2, c->date) |
	    bind_enum(st, 3, &enum_gender, (int)c->gender) | bind_enum(st, 4, &enum_age_group, (int)c->age_group) |
	    bind_i64(st, 5, c->exploitation) | bind_enum(st, 6, &enum_region, (int)c->region) |
	    bind_enum(st, 7, &enum_referral, c->referral_source) | bind_i64(st, 8, c->missing_support) |
	    bind_enum(st, 9, &enum_basis_kind, c->basis) | bind_enum(st, 10, &enum_actor_kind, c->actor_kind) |
	    bind_enum(st, 11, &enum_reason_category, c->reason_category) | bind_id(st, 12, actor) |
	    bind_i64(st, 13, db_now())) {
		rc = db_fail_bind(db, st);
		goto out;
	}
	if ((rc = stmt_insert_new_id(db, st, 14, "recording the contact", &id)) != DB_OK)
		goto out;
	if ((rc = audit_append(db, actor, "contact.create", "contact", id, NULL)) != DB_OK)
		goto out;
	*out_id = id;
out:
	return op_end(db, &op, rc);
}

/* Reads CONTACT_COLS of the current row into *row (a struct db_contact). */
static int contact_read(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_contact *c = row;
	int gender = col_enum(st, 3, &enum_gender), age = col_enum(st, 4, &enum_age_group);
	int region = col_enum(st, 6, &enum_region), referral = col_enum(st, 7, &enum_referral);
	int basis = col_enum(st, 9, &enum_basis_kind), actor = col_enum(st, 10, &enum_actor_kind);
	int reason = col_enum(st, 11, &enum_reason_category);

	if (gender < 0 || age < 0 || region < 0 || referral == -2 || basis == -2 || actor == -2 || reason == -2)
		return db_fail(db, "contact %lld has an invalid field", (long long)col_i64(st, 0));
	*c = (struct db_contact){
		.id = col_i64(st, 0),
		.organisation_id = col_i64(st, 1),
		.date = col_day(st, 2),
		.gender = (enum gender)gender,
		.age_group = (enum age_group)age,
		.exploitation = (uint32_t)col_i64(st, 5),
		.region = (enum region)region,
		.referral_source = referral,
		.missing_support = (uint32_t)col_i64(st, 8),
		.basis = basis,
		.actor_kind = actor,
		.reason_category = reason,
		.created_by = col_i64(st, 12),
		.created_at = col_i64(st, 13),
	};
	return DB_OK;
}

int db_contact_get(struct db *db, int64_t id, struct db_contact *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt_row_of(db, ST_CONTACT_GET, id, "reading the contact", &st)) != DB_OK)
		return rc;
	rc = contact_read(db, st, out);
	stmt_done(st);
	return rc;
}

/* Binds the filter ?3..?8 of CONTACT_FILTER. */
static int bind_contact_filter(sqlite3_stmt *st, const struct db_contact_filter *f)
{
	return bind_i64(st, 1, f->limit > 0 ? f->limit : -1) | bind_i64(st, 2, f->offset) |
	       bind_i64(st, 3, f->organisation_id) | bind_day(st, 4, f->from) | bind_day(st, 5, f->to) |
	       bind_enum(st, 6, &enum_gender, f->gender) | bind_enum(st, 7, &enum_age_group, f->age_group) |
	       bind_enum(st, 8, &enum_region, f->region);
}

int db_contact_find(struct db *db, const struct db_contact_filter *f, struct db_contact **out, size_t *n,
		    int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, ST_CONTACT_FIND_COUNT);
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_contact_filter(st, f))
		return db_fail_bind(db, st);
	if ((rc = stmt_row(db, st, "counting contacts")) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	*total = col_i64(st, 0);
	stmt_done(st);
	if ((st = db_stmt(db, f->oldest_first ? ST_CONTACT_FIND_OLDEST : ST_CONTACT_FIND)) == NULL)
		return DB_ERROR;
	if (bind_contact_filter(st, f))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "listing contacts", sizeof **out, contact_read, NULL, out, n);
}

int db_contact_year(struct db *db, int year, struct db_contact **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_CONTACT_YEAR);

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return DB_ERROR;
	if (bind_year_range(st, 1, 2, year))
		return db_fail_bind(db, st);
	return stmt_collect(db, st, "reading the year's contacts", sizeof **out, contact_read, NULL, out, n);
}
