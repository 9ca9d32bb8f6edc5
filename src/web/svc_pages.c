/* Service functions for the HTML pages (see svc_pages.h). */
#include "web/svc_pages.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/pages.h"
#include "web/svc_util.h"

static json_t *forbidden(struct svc_error *e)
{
	return svc_fail(e, SVC_FORBIDDEN, "din roll får inte göra detta", "your role may not do this");
}

static json_t *page_decision_json(const struct db_page_decision *r)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I}", "decision_id",
			 (json_int_t)r->decision_id, "application_id", (json_int_t)r->application_id, "person_id",
			 (json_int_t)r->person_id, "person_code", r->code, "type", enum_name(&enum_app_type, (int)r->type),
			 "decided_on", svc_day_json(r->decided_on), "from", svc_day_json(r->from), "to",
			 svc_day_json(r->to), "total_ore", (json_int_t)r->total_ore, "paid_ore", (json_int_t)r->paid_ore);
}

static json_t *page_decisions_json(const struct db_page_decision *rows, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, page_decision_json(&rows[i]));
	return a;
}

json_t *svc_page_worklists(struct svc *s, int days, struct svc_error *e)
{
	if (s->actor->role == ROLE_FUNDER)
		return forbidden(e);
	int64_t org = s->actor->role == ROLE_COORDINATOR ? 0 : s->actor->organisation_id;
	day_t today = day_today();
	struct db_page_decision *ending, *unclaimed;
	size_t n_ending, n_unclaimed;
	if (db_page_periods_ending(s->db, org, today, today + days, &ending, &n_ending) != DB_OK)
		return svc_db_fail(s, e);
	if (db_page_unclaimed(s->db, org, &unclaimed, &n_unclaimed) != DB_OK) {
		free(ending);
		return svc_db_fail(s, e);
	}
	json_t *out = json_pack("{s:o, s:o, s:o}", "today", svc_day_json(today), "ending",
				page_decisions_json(ending, n_ending), "unclaimed",
				page_decisions_json(unclaimed, n_unclaimed));
	free(ending);
	free(unclaimed);
	return out;
}

/* The month (1..12) of d in year, 0 before the year, 13 after it. */
static int month_in(day_t d, int year)
{
	int y, m, dd;
	day_to_ymd(d, &y, &m, &dd);
	return y < year ? 0 : y > year ? 13 : m;
}

json_t *svc_page_year_months(struct svc *s, int year, struct svc_error *e)
{
	if (s->actor->role != ROLE_COORDINATOR)
		return forbidden(e);
	int64_t sums[14][LEDGER__COUNT] = { { 0 } }, forecast[14] = { 0 }, outstanding = 0;
	struct db_ledger_day *days;
	size_t n;
	if (db_page_ledger_days(s->db, year, &days, &n) != DB_OK)
		return svc_db_fail(s, e);
	for (size_t i = 0; i < n; i++)
		sums[month_in(days[i].on, year)][days[i].kind] += days[i].amount_ore;
	free(days);

	struct db_decision_filter f = { .year = year, .open = 1 };
	struct db_decision *ds;
	if (db_decision_list(s->db, &f, &ds, &n) != DB_OK)
		return svc_db_fail(s, e);
	day_t today = day_today();
	int now_month = month_in(today, year);
	for (size_t i = 0; i < n; i++) {
		int64_t left = ds[i].total_ore - ds[i].paid_ore;
		if (left <= 0)
			continue;
		outstanding += left;
		int m = month_in(ds[i].to != DAY_NONE ? ds[i].to : ds[i].decided_on, year);
		if (m < now_month)
			m = now_month; /* what is still unpaid can only be paid from now on */
		forecast[m < 1 ? 1 : m] += left;
	}
	db_decision_list_free(ds, n);

	json_t *months = json_array();
	for (int m = 1; m <= 12; m++)
		json_array_append_new(months, json_pack("{s:i, s:I, s:I, s:I, s:I}", "month", m, "committed_ore",
							(json_int_t)sums[m][LEDGER_COMMIT], "paid_ore",
							(json_int_t)sums[m][LEDGER_PAYMENT], "released_ore",
							(json_int_t)sums[m][LEDGER_RELEASE], "forecast_ore",
							(json_int_t)forecast[m]));
	return json_pack("{s:i, s:o, s:{s:I, s:I, s:I}, s:I}", "year", year, "months", months, "after_year",
			 "paid_ore", (json_int_t)sums[13][LEDGER_PAYMENT], "released_ore",
			 (json_int_t)sums[13][LEDGER_RELEASE], "forecast_ore", (json_int_t)forecast[13],
			 "outstanding_ore", (json_int_t)outstanding);
}

json_t *svc_page_person_codes(struct svc *s, const int64_t *ids, size_t n, struct svc_error *e)
{
	json_t *out = json_object();
	for (size_t i = 0; i < n; i++) {
		char code[DB_CODE_MAX], key[32];
		int64_t org;
		int rc = db_page_person_code(s->db, ids[i], code, &org);
		if (rc == DB_NOTFOUND || (rc == DB_OK && !svc_sees_org(s, org)))
			continue;
		if (rc != DB_OK) {
			json_decref(out);
			return svc_db_fail(s, e);
		}
		snprintf(key, sizeof key, "%lld", (long long)ids[i]);
		json_object_set_new(out, key, json_string(code));
	}
	char detail[48];
	snprintf(detail, sizeof detail, "%zu codes", json_object_size(out));
	if (n && db_audit_read(s->db, s->actor->user_id, "person.codes", "organisation", s->actor->organisation_id,
			  detail) != 0) {
		json_decref(out);
		return svc_db_fail(s, e);
	}
	return out;
}

