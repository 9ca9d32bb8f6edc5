/*
 * The registers that hold no person (domain.md §4, §9): availability per
 * police region on a map of Sweden's seven regions, placement requests with
 * the unmet requests per region, target group and month, and the
 * consultation log with its counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/page.h"
#include "web/routes.h"

/* The text of an integer. */
static const char *num(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

/* ---------------------------------------------------------------- the map of the police regions */

/*
 * Sweden's seven police regions as tiles placed roughly where they lie
 * (north at the top): a schematic map, not a survey. The same figures
 * follow as a table for screen readers and print.
 */
static const struct {
	enum region region;
	int x, y;
} tiles[REGION__COUNT] = {
	{ REGION_NORD, 95, 8 },        { REGION_MITT, 95, 96 },       { REGION_BERGSLAGEN, 20, 184 },
	{ REGION_STOCKHOLM, 170, 184 }, { REGION_VAST, 20, 272 },     { REGION_OST, 170, 272 },
	{ REGION_SYD, 95, 360 },
};
#define TILE_W 140
#define TILE_H 78

/* The places occupied beyond the declared ones in any target group of region jr. */
static int64_t region_over(const json_t *jr)
{
	int64_t over = 0;
	for (int g = 0; g < TARGET__COUNT; g++)
		over += page_int(json_object_get(jr, enum_name(&enum_target_group, g)), "over");
	return over;
}

/* The class of a region's tile: room, full, over capacity (in any target
 * group: free places of another group do not make room), or no places. */
static const char *tile_class(const json_t *jr)
{
	const json_t *total = json_object_get(jr, "total");
	int64_t places = page_int(total, "places"), available = page_int(total, "available");
	if (places == 0 && page_int(total, "occupied") == 0)
		return "region r-none";
	if (region_over(jr) > 0)
		return "region r-over";
	return available == 0 ? "region r-full" : "region r-room";
}

/* "3 av 2 platser belagda (1 över)" for a cell over its places, else "1 av 2 lediga" (key free). */
static void cell_text(struct page *p, const json_t *cell, const char *free_key)
{
	char a[24], b[24], c[24];
	if (page_int(cell, "over") > 0)
		page_textv(p, "capacity.over_of", num(a, page_int(cell, "occupied")), num(b, page_int(cell, "places")),
			   num(c, page_int(cell, "over")), NULL);
	else if (strcmp(free_key, "capacity.cell") == 0)
		page_textv(p, free_key, num(a, page_int(cell, "available")), num(b, page_int(cell, "places")),
			   num(c, page_int(cell, "occupied")), NULL);
	else
		page_textv(p, free_key, num(a, page_int(cell, "available")), num(b, page_int(cell, "places")), NULL);
}

static void region_map(struct page *p, const json_t *regions)
{
	char a[24];
	html_raw(&p->h, "<figure class=\"region-map\"><svg role=\"img\" viewBox=\"0 0 330 446\"");
	html_attr(&p->h, "aria-label", page_t(p, "capacity.map"));
	html_raw(&p->h, ">");
	for (size_t i = 0; i < REGION__COUNT; i++) {
		const char *name = enum_name(&enum_region, (int)tiles[i].region);
		const json_t *jr = json_object_get(regions, name);
		const json_t *total = json_object_get(jr, "total");
		html_raw(&p->h, "<g");
		html_attrf(&p->h, "data-region", "%s", name);
		html_raw(&p->h, "><rect rx=\"8\"");
		html_attrf(&p->h, "x", "%d", tiles[i].x);
		html_attrf(&p->h, "y", "%d", tiles[i].y);
		html_attrf(&p->h, "width", "%d", TILE_W);
		html_attrf(&p->h, "height", "%d", TILE_H);
		html_attr(&p->h, "class", tile_class(jr));
		html_raw(&p->h, "></rect><text class=\"region-name\" text-anchor=\"middle\"");
		html_attrf(&p->h, "x", "%d", tiles[i].x + TILE_W / 2);
		html_attrf(&p->h, "y", "%d", tiles[i].y + 30);
		html_raw(&p->h, ">");
		html_text(&p->h, i18n_enum(p->lang, &enum_region, (int)tiles[i].region));
		html_raw(&p->h, "</text><text class=\"region-free\" text-anchor=\"middle\"");
		html_attrf(&p->h, "x", "%d", tiles[i].x + TILE_W / 2);
		html_attrf(&p->h, "y", "%d", tiles[i].y + 58);
		html_raw(&p->h, ">");
		if (page_int(total, "places") == 0 && page_int(total, "occupied") == 0)
			page_text(p, "capacity.legend_none");
		else if (region_over(jr) > 0 && page_int(total, "over") == 0)
			page_textv(p, "capacity.region_over", num(a, region_over(jr)), NULL);
		else
			/* Swedish agrees in number: "1 ledig av 6", "2 lediga av 6". */
			cell_text(p, total, page_int(total, "available") == 1 ? "capacity.free_of_one" : "capacity.free_of");
		html_raw(&p->h, "</text></g>");
	}
	html_raw(&p->h, "</svg><figcaption><ul class=\"legend\">");
	static const char *const legend[][2] = {
		{ "swatch r-room", "capacity.legend_room" }, { "swatch r-full", "capacity.legend_full" },
		{ "swatch r-over", "capacity.legend_over" }, { "swatch r-none", "capacity.legend_none" },
	};
	for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
		html_raw(&p->h, "<li><span");
		html_attr(&p->h, "class", legend[i][0]);
		html_raw(&p->h, "></span>");
		page_text(p, legend[i][1]);
		html_raw(&p->h, "</li>");
	}
	html_raw(&p->h, "</ul></figcaption></figure>");
}

/* The regions as a table: per target group "available of places" and the total. */
static void region_table(struct page *p, const json_t *regions)
{
	html_raw(&p->h, "<div class=\"table-wrap\"><table class=\"regions\"><caption>");
	page_text(p, "capacity.by_region");
	html_raw(&p->h, "</caption><thead><tr><th scope=\"col\">");
	page_text(p, "placement.region");
	html_raw(&p->h, "</th>");
	for (int g = 0; g < TARGET__COUNT; g++) {
		html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
		html_text(&p->h, i18n_enum(p->lang, &enum_target_group, g));
		html_raw(&p->h, "</th>");
	}
	html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
	page_text(p, "capacity.total");
	html_raw(&p->h, "</th></tr></thead><tbody>");
	for (int r = 0; r < REGION__COUNT; r++) {
		const json_t *jr = json_object_get(regions, enum_name(&enum_region, r));
		html_raw(&p->h, "<tr");
		html_attrf(&p->h, "data-region", "%s", enum_name(&enum_region, r));
		html_raw(&p->h, "><th scope=\"row\">");
		html_text(&p->h, i18n_enum(p->lang, &enum_region, r));
		html_raw(&p->h, "</th>");
		for (int g = 0; g <= TARGET__COUNT; g++) {
			const json_t *cell = json_object_get(jr, g < TARGET__COUNT ? enum_name(&enum_target_group, g) : "total");
			if (page_int(cell, "over") > 0)
				html_raw(&p->h, "<td class=\"num over\">");
			else
				html_raw(&p->h, "<td class=\"num\">");
			if (page_int(cell, "places") == 0 && page_int(cell, "occupied") == 0)
				html_raw(&p->h, "\xE2\x80\x93");   /* no places, nobody housed */
			else
				cell_text(p, cell, "capacity.cell");
			html_raw(&p->h, "</td>");
		}
		html_raw(&p->h, "</tr>");
	}
	page_table_end(p);
}

/* A withheld count of the funder's months ("<5"), or the count. */
static void funder_count(struct page *p, const json_t *n)
{
	if (json_is_integer(n))
		html_int(&p->h, json_integer_value(n));
	else
		html_raw(&p->h, "<span class=\"withheld\">&lt;5</span>");
}

/*
 * The funder's capacity page: per month of the year and police region the
 * persons housed, small counts withheld (svc_capacity_overview for the
 * funder); no day and no organisation.
 */
static void capacity_funder_page(struct page *p, const json_t *cap)
{
	char y[24];
	snprintf(y, sizeof y, "%lld", (long long)page_int(cap, "year"));
	page_start(p, page_t(p, "capacity.title"));
	page_h1(p, "capacity.title");
	html_raw(&p->h, "<p class=\"lead\">");
	page_textv(p, "capacity.lead_funder", y, NULL);
	html_raw(&p->h, "</p><form method=\"get\" action=\"/capacity\" class=\"filters\"><label for=\"f-year\">");
	page_text(p, "capacity.year");
	html_raw(&p->h, "</label> <input type=\"number\" id=\"f-year\" name=\"year\" min=\"1900\" max=\"2200\"");
	html_attr(&p->h, "value", y);
	html_raw(&p->h, "> <button class=\"small\">");
	page_text(p, "capacity.show");
	html_raw(&p->h, "</button></form>");
	html_raw(&p->h, "<div class=\"table-wrap\"><table class=\"months\"><caption>");
	page_text(p, "capacity.months");
	html_raw(&p->h, "</caption><thead><tr><th scope=\"col\">");
	page_text(p, "capacity.month");
	html_raw(&p->h, "</th>");
	for (int r = 0; r < REGION__COUNT; r++) {
		html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
		html_text(&p->h, i18n_enum(p->lang, &enum_region, r));
		html_raw(&p->h, "</th>");
	}
	for (int g = 0; g < TARGET__COUNT; g++) {
		html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
		html_text(&p->h, i18n_enum(p->lang, &enum_target_group, g));
		html_raw(&p->h, "</th>");
	}
	html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
	page_text(p, "capacity.total");
	html_raw(&p->h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(cap, "months"), i, m) {
		html_raw(&p->h, "<tr><th scope=\"row\">");
		html_text(&p->h, page_s(m, "month"));
		html_raw(&p->h, "</th>");
		for (int r = 0; r < REGION__COUNT; r++) {
			html_raw(&p->h, "<td class=\"num\">");
			funder_count(p, json_object_get(json_object_get(json_object_get(m, "regions"),
									enum_name(&enum_region, r)), "total"));
			html_raw(&p->h, "</td>");
		}
		for (int g = 0; g < TARGET__COUNT; g++) {
			html_raw(&p->h, "<td class=\"num\">");
			funder_count(p, json_object_get(json_object_get(m, "target_groups"), enum_name(&enum_target_group, g)));
			html_raw(&p->h, "</td>");
		}
		html_raw(&p->h, "<td class=\"num\">");
		funder_count(p, json_object_get(m, "total"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "<p class=\"hint\">");
	page_text(p, "capacity.funder_hint");
	html_raw(&p->h, "</p>");
	page_end(p);
}

void page_capacity(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	json_t *cap = svc_capacity_overview(&p.svc, http_query(req, "date"), http_query(req, "year"), &e);
	if (!cap)
		return page_fail(&p, &e);
	if (strcmp(page_s(cap, "scope"), "aggregate") == 0) {
		capacity_funder_page(&p, cap);
		json_decref(cap);
		return;
	}
	page_start(&p, page_t(&p, "capacity.title"));
	page_h1(&p, "capacity.title");
	html_raw(&p.h, "<p class=\"lead\">");
	page_textv(&p, strcmp(page_s(cap, "scope"), "all") == 0
			       ? "capacity.lead_all"
			       : "capacity.lead_own",
		   page_s(cap, "on"), NULL);
	html_raw(&p.h, "</p><form method=\"get\" action=\"/capacity\" class=\"filters\"><label for=\"f-date\">");
	page_text(&p, "capacity.on");
	html_raw(&p.h, "</label> <input type=\"date\" id=\"f-date\" name=\"date\" class=\"date\"");
	html_attr(&p.h, "value", page_s(cap, "on"));
	html_raw(&p.h, "> <button class=\"small\">");
	page_text(&p, "capacity.show");
	html_raw(&p.h, "</button></form><div class=\"columns\"><section>");
	const json_t *regions = json_object_get(cap, "regions");
	region_map(&p, regions);
	html_raw(&p.h, "</section><section>");
	region_table(&p, regions);
	if (page_int(cap, "unassigned_occupied") > 0) {
		char n[24];
		html_raw(&p.h, "<p class=\"warning\">");
		page_textv(&p, "capacity.unassigned", num(n, page_int(cap, "unassigned_occupied")), NULL);
		html_raw(&p.h, "</p>");
	}
	html_raw(&p.h, "</section></div>");
	const json_t *orgs = json_object_get(cap, "organisations");
	if (json_array_size(orgs) > 0) {
		page_table(&p, "capacity.by_organisation", "organisation.name", "placement.region", "placement.target_group",
			   "capacity.places_col", "capacity.occupied", "capacity.available", NULL);
		size_t i, k;
		json_t *o, *r;
		json_array_foreach(orgs, i, o) {
			json_array_foreach(json_object_get(o, "places"), k, r) {
				html_raw(&p.h, "<tr><td>");
				if (p.svc.actor->role == ROLE_COORDINATOR)
					page_link(&p, page_s(o, "name"), "/organisations/%lld#places", (long long)page_int(o, "id"));
				else
					html_text(&p.h, page_s(o, "name"));
				html_raw(&p.h, "</td><td>");
				html_text(&p.h, page_enum(&p, &enum_region, page_s(r, "region")));
				html_raw(&p.h, "</td><td>");
				html_text(&p.h, page_enum(&p, &enum_target_group, page_s(r, "target_group")));
				html_raw(&p.h, "</td><td class=\"num\">");
				html_int(&p.h, page_int(r, "places"));
				html_raw(&p.h, "</td><td class=\"num\">");
				html_int(&p.h, page_int(r, "occupied"));
				html_raw(&p.h, "</td><td class=\"num\">");
				page_available(&p, r);
				html_raw(&p.h, "</td></tr>");
			}
		}
		page_table_end(&p);
	}
	html_raw(&p.h, "<p class=\"hint\">");
	page_text(&p, "capacity.hint");
	html_raw(&p.h, "</p>");
	json_decref(cap);
	page_end(&p);
}

/* ---------------------------------------------------------------- placement requests */

/* Requests without a place per region and target group and month: the argument for capacity. */
static void unmet_table(struct page *p, const json_t *unmet)
{
	char a[24];
	html_raw(&p->h, "<div class=\"table-wrap\"><table class=\"unmet\"><caption>");
	page_textv(p, "placements.unmet_title", num(a, page_int(unmet, "year")), NULL);
	html_raw(&p->h, "</caption><thead><tr><th scope=\"col\">");
	page_text(p, "placement.region");
	html_raw(&p->h, "</th><th scope=\"col\">");
	page_text(p, "placement.target_group");
	html_raw(&p->h, "</th>");
	for (int m = 1; m <= 12; m++) {
		char key[24];
		snprintf(key, sizeof key, "month.%d", m);
		html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
		page_text(p, key);
		html_raw(&p->h, "</th>");
	}
	html_raw(&p->h, "<th scope=\"col\" class=\"num\">");
	page_text(p, "capacity.total");
	html_raw(&p->h, "</th></tr></thead><tbody>");
	size_t i, k;
	json_t *r, *v;
	bool any = false;
	json_array_foreach(json_object_get(unmet, "rows"), i, r) {
		if (page_int(r, "requests_total") == 0)
			continue;   /* a region and group without requests says nothing */
		any = true;
		html_raw(&p->h, "<tr><th scope=\"row\">");
		html_text(&p->h, page_enum(p, &enum_region, page_s(r, "region")));
		html_raw(&p->h, "</th><td>");
		html_text(&p->h, page_enum(p, &enum_target_group, page_s(r, "target_group")));
		html_raw(&p->h, "</td>");
		json_array_foreach(json_object_get(r, "unmet"), k, v) {
			html_raw(&p->h, "<td");
			html_attr(&p->h, "class", json_integer_value(v) > 0 ? "num unmet" : "num");
			html_raw(&p->h, ">");
			html_int(&p->h, json_integer_value(v));
			html_raw(&p->h, "</td>");
		}
		html_raw(&p->h, "<td class=\"num\">");
		char b[24];
		page_textv(p, "placements.cell", num(a, page_int(r, "unmet_total")), num(b, page_int(r, "requests_total")),
			   NULL);
		html_raw(&p->h, "</td></tr>");
	}
	if (!any) {
		html_raw(&p->h, "<tr><td colspan=\"15\">");
		page_text(p, "placements.none");
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
}

static void placements_page(struct page *p, unsigned status)
{
	struct svc_error e;
	char year[16];
	bool coordinator = p->svc.actor->role == ROLE_COORDINATOR;
	snprintf(year, sizeof year, "%d", page_this_year());
	json_t *list = svc_placement_list(&p->svc, year, &e);
	json_t *orgs = list && coordinator ? svc_org_list(&p->svc, &e) : NULL;
	json_t *unmet = orgs ? svc_placement_unmet(&p->svc, year, &e) : NULL;
	if (!list || (coordinator && !unmet)) {
		json_decref(list);
		json_decref(orgs);
		return page_fail(p, &e);
	}
	const json_t *rows = json_object_get(list, "placement_requests");
	page_start(p, page_t(p, "placements.title"));
	page_h1(p, "placements.title");
	page_notice(p);
	if (unmet)
		unmet_table(p, unmet);

	page_panel(p, "placements.new");
	page_errors(p);
	page_form(p, "/placements");
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "placement.date",
				       .value = day_format(day_today(), today) });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "region", .label = "placement.region",
				       .def = &enum_region, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "target_group", .label = "placement.target_group",
				       .def = &enum_target_group, .required = true });
	page_field(p, &(struct field){ .kind = FIELD_RADIOS, .name = "outcome", .label = "placement.outcome",
				       .def = &enum_placement_outcome, .required = true });
	if (orgs) {
		struct choices cs;
		page_choices(&cs, json_object_get(orgs, "organisations"), "id", "name");
		page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "organisation_id",
					       .label = "placement.organisation", .choices = cs.c, .n_choices = cs.n,
					       .empty_choice = true });
		page_choices_release(&cs);
	}
	page_form_end(p, "placements.submit");
	html_raw(&p->h, "</section>");

	page_table(p, "placements.list", "placement.date", "placement.region", "placement.target_group",
		   "placement.outcome", NULL);
	for (size_t k = json_array_size(rows); k-- > 0;) {
		json_t *r = json_array_get(rows, k);
		html_raw(&p->h, "<tr><td>");
		page_day(p, json_object_get(r, "date"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_region, page_s(r, "region")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_target_group, page_s(r, "target_group")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_placement_outcome, page_s(r, "outcome")));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	json_decref(list);
	json_decref(orgs);
	json_decref(unmet);
	page_end_status(p, status);
}

void page_placements(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	placements_page(&p, 200);
}

void page_placement_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "date", FJ_STR }, { "region", FJ_STR }, { "target_group", FJ_STR }, { "outcome", FJ_STR },
		{ "organisation_id", FJ_INT },
	};
	page_post_form(req, spec, sizeof spec / sizeof spec[0], svc_placement_create, "/placements?done=saved",
		  placements_page);
}

/* ---------------------------------------------------------------- consultations */

/* A small table of counts per value of def, from the object counts. */
static void counts_table(struct page *p, const char *caption, const struct enum_def *def, const json_t *counts)
{
	page_table(p, caption, "consultations.value", "consultations.count", NULL);
	for (int v = 0; v < def->count; v++) {
		html_raw(&p->h, "<tr><td>");
		html_text(&p->h, i18n_enum(p->lang, def, v));
		html_raw(&p->h, "</td><td class=\"num\">");
		html_int(&p->h, page_int(counts, enum_name(def, v)));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
}

static void consultations_page(struct page *p, unsigned status)
{
	struct svc_error e;
	char year[16], a[24], b[24];
	snprintf(year, sizeof year, "%d", page_this_year());
	json_t *list = svc_consultation_list(&p->svc, NULL, &e);
	json_t *sum = list ? svc_consultation_summary(&p->svc, year, &e) : NULL;
	if (!sum) {
		json_decref(list);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "consultations.title"));
	page_h1(p, "consultations.title");
	page_notice(p);
	html_raw(&p->h, "<p class=\"hint\">");
	page_text(p, "consultations.no_personal_data");
	html_raw(&p->h, "</p><section class=\"panel\" id=\"counts\"><h2>");
	page_textv(p, "consultations.counts", year, num(a, page_int(sum, "total")), num(b, page_int(sum, "minutes")),
		   NULL);
	html_raw(&p->h, "</h2><div class=\"columns\"><div>");
	counts_table(p, "consultation.asker", &enum_asker, json_object_get(sum, "by_asker"));
	html_raw(&p->h, "</div><div>");
	counts_table(p, "consultation.region", &enum_region, json_object_get(sum, "by_region"));
	html_raw(&p->h, "</div><div>");
	page_table(p, "consultation.topic", "consultations.value", "consultations.count", NULL);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(sum, "by_topic"), i, t) {
		html_raw(&p->h, "<tr><td>");
		html_text(&p->h, page_s(t, "topic"));
		html_raw(&p->h, "</td><td class=\"num\">");
		html_int(&p->h, page_int(t, "count"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "</div></div></section><section class=\"panel\"><h2>");
	page_text(p, "consultations.new");
	html_raw(&p->h, "</h2>");
	page_errors(p);
	page_form(p, "/consultations");
	char today[DAY_BUFSZ];
	page_field(p, &(struct field){ .kind = FIELD_DATE, .name = "date", .label = "consultation.date",
				       .value = day_format(day_today(), today) });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "asker", .label = "consultation.asker",
				       .def = &enum_asker, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "region", .label = "consultation.region",
				       .def = &enum_region, .required = true, .empty_choice = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "topic", .label = "consultation.topic",
				       .hint = "consultations.topic_hint", .required = true });
	page_field(p, &(struct field){ .kind = FIELD_NUMBER, .name = "minutes", .label = "consultation.minutes",
				       .required = true });
	page_field(p, &(struct field){ .kind = FIELD_TEXTAREA, .name = "outcome", .label = "consultation.outcome" });
	page_form_end(p, "consultations.submit");
	html_raw(&p->h, "</section>");
	page_table(p, "consultations.log", "consultation.date", "consultation.asker", "consultation.region",
		   "consultation.topic", "consultation.minutes", "consultation.outcome", NULL);
	const json_t *rows = json_object_get(list, "consultations");
	for (size_t k = json_array_size(rows); k-- > 0;) {
		json_t *c = json_array_get(rows, k);
		html_raw(&p->h, "<tr><td>");
		page_day(p, json_object_get(c, "date"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_asker, page_s(c, "asker")));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_region, page_s(c, "region")));
		html_raw(&p->h, "</td><td>");
		page_str(p, json_object_get(c, "topic"));
		html_raw(&p->h, "</td><td class=\"num\">");
		html_int(&p->h, page_int(c, "minutes"));
		html_raw(&p->h, "</td><td>");
		page_str(p, json_object_get(c, "outcome"));
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	json_decref(list);
	json_decref(sum);
	page_end_status(p, status);
}

void page_consultations(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	consultations_page(&p, 200);
}

void page_consultation_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "date", FJ_STR }, { "asker", FJ_STR }, { "region", FJ_STR },
		{ "topic", FJ_STR }, { "minutes", FJ_INT }, { "outcome", FJ_STR },
	};
	page_post_form(req, spec, sizeof spec / sizeof spec[0], svc_consultation_create, "/consultations?done=saved",
		  consultations_page);
}
