/*
 * Places per organisation, police region and target group, the occupancy
 * of a day (derived from the granted daily-compensation periods covering
 * it, never typed in) and the availability per police region (domain.md §4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/capacity.h"
#include "domain/report.h"
#include "web/service.h"
#include "web/svc_util.h"

#define PLACES_MAX 100000

/* The cell of one region and target group. */
struct cell {
	int64_t places, occupied;
};

/* A cell: "available" never goes below 0; the places occupied beyond the
 * declared ones are "over" (R15: granted with an over-capacity reason, or
 * where no places are declared). */
static json_t *cell_json(const struct cell *c)
{
	int64_t free_places = c->places - c->occupied;
	return json_pack("{s:I, s:I, s:I, s:I}", "places", (json_int_t)c->places, "occupied", (json_int_t)c->occupied,
			 "available", (json_int_t)(free_places > 0 ? free_places : 0), "over",
			 (json_int_t)(free_places < 0 ? -free_places : 0));
}

/* The day of ?date= (default today); -1 after filling e. */
static int query_day(const char *date, day_t *out, struct svc_error *e)
{
	*out = day_today();
	if (date && day_parse(date, out) != 0) {
		svc_fail_field(e, SVC_INVALID, "date", "datumet skrivs ÅÅÅÅ-MM-DD", "the date is written YYYY-MM-DD");
		return -1;
	}
	return 0;
}

/* The places and occupancy of everything, loaded once per request. */
struct capacity_load {
	struct db_capacity *places;
	size_t n_places;
	struct db_place_occupancy *occ;
	size_t n_occ;
};

static int capacity_load(struct svc *s, int64_t org, day_t on, struct capacity_load *l)
{
	memset(l, 0, sizeof *l);
	if (db_capacity_list(s->db, org, &l->places, &l->n_places) != DB_OK)
		return -1;
	if (db_occupancy(s->db, on, &l->occ, &l->n_occ) != DB_OK) {
		free(l->places);
		return -1;
	}
	return 0;
}

static void capacity_release(struct capacity_load *l)
{
	free(l->places);
	free(l->occ);
}

/*
 * The organisation's rows: every region and target group that has places
 * or occupants, as {"region","target_group","places","occupied","available"},
 * and the count of occupants whose place names no region or target group.
 */
static json_t *org_rows(const struct capacity_load *l, int64_t org, int64_t *unassigned)
{
	struct cell grid[REGION__COUNT][TARGET__COUNT];
	bool used[REGION__COUNT][TARGET__COUNT];
	memset(grid, 0, sizeof grid);
	memset(used, 0, sizeof used);
	*unassigned = 0;
	for (size_t i = 0; i < l->n_places; i++)
		if (l->places[i].organisation_id == org) {
			grid[l->places[i].region][l->places[i].target_group].places = l->places[i].places;
			used[l->places[i].region][l->places[i].target_group] = true;
		}
	for (size_t i = 0; i < l->n_occ; i++) {
		const struct db_place_occupancy *o = &l->occ[i];
		if (o->organisation_id != org)
			continue;
		if (o->region < 0 || o->target_group < 0) {
			*unassigned += o->persons;
			continue;
		}
		grid[o->region][o->target_group].occupied += o->persons;
		used[o->region][o->target_group] = true;
	}
	json_t *rows = json_array();
	for (int r = 0; r < REGION__COUNT; r++)
		for (int g = 0; g < TARGET__COUNT; g++) {
			if (!used[r][g])
				continue;
			json_t *c = cell_json(&grid[r][g]);
			json_object_set_new(c, "region", json_string(enum_name(&enum_region, r)));
			json_object_set_new(c, "target_group", json_string(enum_name(&enum_target_group, g)));
			json_array_append_new(rows, c);
		}
	return rows;
}

json_t *svc_capacity_get(struct svc *s, int64_t org, const char *date, struct svc_error *e)
{
	day_t on;
	struct db_org o;
	struct capacity_load l;
	int64_t unassigned;
	if (!svc_sees_org(s, org))
		return svc_not_found(e);
	if (query_day(date, &on, e) != 0)
		return NULL;
	int rc = db_org_get(s->db, org, &o);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	db_org_free(&o);
	if (capacity_load(s, org, on, &l) != 0)
		return svc_db_fail(s, e);
	json_t *rows = org_rows(&l, org, &unassigned);
	capacity_release(&l);
	return json_pack("{s:I, s:o, s:o, s:I}", "organisation_id", (json_int_t)org, "on", svc_day_json(on), "places",
			 rows, "unassigned_occupied", (json_int_t)unassigned);
}

json_t *svc_capacity_put(struct svc *s, int64_t org, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "places", NULL };
	static const char *const row_known[] = { "region", "target_group", "places", NULL };
	struct db_capacity rows[REGION__COUNT * TARGET__COUNT];
	struct vctx v;
	json_t *arr = NULL, *it;
	size_t i, n = 0;
	struct db_org o;

	int rc = db_org_get(s->db, org, &o);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	enum org_kind kind = o.kind;
	uint32_t regions = o.regions;
	db_org_free(&o);

	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_array(&v, in, "places", REGION__COUNT * TARGET__COUNT, V_REQUIRED | V_EMPTY_OK, &arr);
	/* domain.md §4: places are what housing organisations have. */
	if (!v.failed && json_array_size(arr) > 0 && kind != ORG_PROTECTED_HOUSING && kind != ORG_SAFE_HOUSING)
		v_fail(&v, "places", "bara boenden (skyddat eller tryggt boende) har boendeplatser",
		       "only housing organisations (protected or safe housing) have places");
	json_array_foreach(arr, i, it) {
		int region = 0, group = 0;
		int64_t places = 0;
		if (v.failed)
			break;
		v_push(&v, "places");
		v_push_index(&v, i);
		if (!json_is_object(it)) {
			v_fail(&v, NULL, "en rad är ett objekt", "a row is an object");
		} else {
			v_known_keys(&v, it, row_known);
			v_enum(&v, it, "region", &enum_region, V_REQUIRED, &region);
			v_enum(&v, it, "target_group", &enum_target_group, V_REQUIRED, &group);
			v_int(&v, it, "places", 0, PLACES_MAX, V_REQUIRED, &places);
			if (!v.failed && !(regions & (1u << region)))
				v_fail(&v, "region", "organisationen verkar inte i den polisregionen",
				       "the organisation does not work in that police region");
			for (size_t k = 0; !v.failed && k < n; k++)
				if ((int)rows[k].region == region && (int)rows[k].target_group == group)
					v_fail(&v, "target_group", "regionen och målgruppen finns redan i listan",
					       "the region and target group are in the list already");
		}
		v_pop(&v);
		v_pop(&v);
		if (v.failed)
			break;
		rows[n++] = (struct db_capacity){ org, (enum region)region, (enum target_group)group, places };
	}
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	rc = db_capacity_put(s->db, s->actor->user_id, org, rows, n);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return svc_capacity_get(s, org, NULL, e);
}

/* A count of the funder's months: the number, or null when withheld (below k). */
static json_t *count_json(int64_t n)
{
	return n == REPORT_SUPPRESSED ? json_null() : json_integer(n);
}

/*
 * The funder's capacity (domain.md §4, issue 16): no day, no organisation;
 * per month of the year and police region × target group the persons housed
 * on at least one day of it, each month suppressed as the open-data report
 * is (capacity_month_suppress(), k = CAPACITY_FUNDER_K), and the places
 * declared (no person data: exact).
 */
static json_t *capacity_funder(struct svc *s, const char *date, const char *year, struct svc_error *e)
{
	if (date)
		return svc_fail_field(e, SVC_INVALID, "date",
				      "finansiären ser platserna per månad och polisregion, inte per dag (ange year)",
				      "the funder sees capacity per month and police region, not per day (give year)");
	int y = svc_query_year(year, day_year(day_today()), e);
	if (y < 0)
		return NULL;
	struct db_capacity *places;
	size_t n_places;
	if (db_capacity_list(s->db, 0, &places, &n_places) != DB_OK)
		return svc_db_fail(s, e);
	int64_t declared[REGION__COUNT][TARGET__COUNT];
	memset(declared, 0, sizeof declared);
	for (size_t i = 0; i < n_places; i++)
		declared[places[i].region][places[i].target_group] += places[i].places;
	free(places);
	json_t *jplaces = json_object();
	for (int r = 0; r < REGION__COUNT; r++) {
		json_t *jr = json_object();
		int64_t total = 0;
		for (int g = 0; g < TARGET__COUNT; g++) {
			json_object_set_new(jr, enum_name(&enum_target_group, g), json_integer(declared[r][g]));
			total += declared[r][g];
		}
		json_object_set_new(jr, "total", json_integer(total));
		json_object_set_new(jplaces, enum_name(&enum_region, r), jr);
	}
	json_t *months = json_array();
	for (int mo = 1; mo <= 12; mo++) {
		day_t from = day_from_ymd(y, mo, 1), to = mo == 12 ? day_year_last(y) : day_from_ymd(y, mo + 1, 1) - 1;
		struct db_place_occupancy *occ;
		size_t n_occ;
		struct capacity_month m;
		char month[24], d1[DAY_BUFSZ], d2[DAY_BUFSZ];
		if (db_occupancy_range(s->db, from, to, &occ, &n_occ) != DB_OK) {
			json_decref(jplaces);
			json_decref(months);
			return svc_db_fail(s, e);
		}
		memset(&m, 0, sizeof m);
		for (size_t i = 0; i < n_occ; i++)
			capacity_month_add(&m, occ[i].region, occ[i].target_group, occ[i].persons);
		free(occ);
		if (capacity_month_suppress(&m, CAPACITY_FUNDER_K) != 0) {
			json_decref(jplaces);
			json_decref(months);
			return svc_fail(e, SVC_INTERNAL, "ett internt fel inträffade", "an internal error occurred");
		}
		json_t *regions = json_object(), *groups = json_object();
		for (int r = 0; r < REGION__COUNT; r++) {
			json_t *jr = json_object();
			for (int g = 0; g < TARGET__COUNT; g++)
				json_object_set_new(jr, enum_name(&enum_target_group, g), count_json(m.persons[r][g]));
			json_object_set_new(jr, "total", count_json(m.region_total[r]));
			json_object_set_new(regions, enum_name(&enum_region, r), jr);
		}
		for (int g = 0; g < TARGET__COUNT; g++)
			json_object_set_new(groups, enum_name(&enum_target_group, g), count_json(m.group_total[g]));
		snprintf(month, sizeof month, "%04d-%02d", y % 10000, mo);
		json_array_append_new(months, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "month", month, "from",
							day_format(from, d1), "to", day_format(to, d2), "regions",
							regions, "target_groups", groups, "unassigned",
							count_json(m.unassigned), "total", count_json(m.total)));
	}
	return json_pack("{s:s, s:i, s:i, s:o, s:o}", "scope", "aggregate", "year", y, "k", CAPACITY_FUNDER_K,
			 "places", jplaces, "months", months);
}

json_t *svc_capacity_overview(struct svc *s, const char *date, const char *year, struct svc_error *e)
{
	day_t on;
	if (s->actor->role == ROLE_FUNDER)
		return capacity_funder(s, date, year, e);
	struct capacity_load l;
	struct cell grid[REGION__COUNT][TARGET__COUNT];
	int64_t unassigned = 0;
	if (query_day(date, &on, e) != 0)
		return NULL;
	if (capacity_load(s, 0, on, &l) != 0)
		return svc_db_fail(s, e);
	/* A caseworker sees nothing of another organisation, not even its
	 * numbers: the regions add up the caseworker's own organisation only.
	 * The coordinator and the funder (aggregate statistics) see them all. */
	bool all = s->actor->role != ROLE_CASEWORKER;
	memset(grid, 0, sizeof grid);
	for (size_t i = 0; i < l.n_places; i++)
		if (all || svc_sees_org(s, l.places[i].organisation_id))
			grid[l.places[i].region][l.places[i].target_group].places += l.places[i].places;
	for (size_t i = 0; i < l.n_occ; i++) {
		const struct db_place_occupancy *o = &l.occ[i];
		if (!all && !svc_sees_org(s, o->organisation_id))
			continue;
		if (o->region < 0 || o->target_group < 0)
			unassigned += o->persons;
		else
			grid[o->region][o->target_group].occupied += o->persons;
	}
	/* Per region, every target group and the region's total, zeros included. */
	json_t *regions = json_object();
	for (int r = 0; r < REGION__COUNT; r++) {
		json_t *jr = json_object();
		struct cell total = { 0, 0 };
		for (int g = 0; g < TARGET__COUNT; g++) {
			json_object_set_new(jr, enum_name(&enum_target_group, g), cell_json(&grid[r][g]));
			total.places += grid[r][g].places;
			total.occupied += grid[r][g].occupied;
		}
		json_object_set_new(jr, "total", cell_json(&total));
		json_object_set_new(regions, enum_name(&enum_region, r), jr);
	}
	/* The organisations the actor may see (a funder: none), with their rows. */
	json_t *orgs = json_array();
	if (s->actor->role != ROLE_FUNDER) {
		struct db_org *os;
		size_t n;
		if (db_org_list(s->db, &os, &n) != DB_OK) {
			capacity_release(&l);
			json_decref(regions);
			json_decref(orgs);
			return svc_db_fail(s, e);
		}
		for (size_t i = 0; i < n; i++) {
			int64_t un;
			if (!svc_sees_org(s, os[i].id))
				continue;
			json_t *rows = org_rows(&l, os[i].id, &un);
			if (json_array_size(rows) == 0 && un == 0) {
				json_decref(rows);
				continue;
			}
			json_array_append_new(orgs, json_pack("{s:I, s:s, s:o, s:I}", "id", (json_int_t)os[i].id, "name",
							      os[i].name, "places", rows, "unassigned_occupied",
							      (json_int_t)un));
		}
		db_org_list_free(os, n);
	}
	capacity_release(&l);
	return json_pack("{s:o, s:s, s:o, s:I, s:o}", "on", svc_day_json(on), "scope", all ? "all" : "organisation",
			 "regions", regions, "unassigned_occupied", (json_int_t)unassigned, "organisations", orgs);
}
