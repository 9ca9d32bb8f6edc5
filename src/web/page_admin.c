/*
 * The coordinator's users. (The organisation pages are in page_org.c, the
 * placement requests, consultations and capacity in page_registers.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/svc_pages.h"

/* ---------------------------------------------------------------- users */

/* Four eyes on the control itself: the pending changes, each with approve
 * (not one's own) and reject (one's own: withdraw). */
static void changes_panel(struct page *p)
{
	struct svc_error e;
	json_t *list = svc_change_list(&p->svc, "pending", &e);
	json_t *arr = list ? json_object_get(list, "proposals") : NULL;
	if (!arr || json_array_size(arr) == 0) {
		json_decref(list);
		return;
	}
	page_panel(p, "change.title");
	page_table(p, NULL, "change.what", "change.proposed_by", "user.action", NULL);
	size_t i;
	json_t *c;
	json_array_foreach(arr, i, c) {
		const char *kind = page_s(c, "kind");
		json_t *ch = json_object_get(c, "change");
		char what[160];
		html_raw(&p->h, "<tr><td>");
		if (kind && strcmp(kind, "year_settings") == 0) {
			json_t *fe = json_object_get(ch, "four_eyes_ore");
			char kr[40] = "";
			if (json_is_integer(fe))
				money_format((int64_t)json_integer_value(fe), kr, sizeof kr, 1);
			snprintf(what, sizeof what, "%lld", (long long)page_int(c, "target_id"));
			page_textv(p, json_is_integer(fe) ? "change.year_raise" : "change.year_remove", what, kr, NULL);
		} else if (kind && strcmp(kind, "user_create") == 0) {
			page_textv(p, "change.user_create", page_s(ch, "username"), NULL);
		} else {
			page_textv(p, "change.user_activate", page_s(ch, "username"), NULL);
		}
		html_raw(&p->h, "</td><td>");
		snprintf(what, sizeof what, "%lld", (long long)page_int(c, "proposed_by"));
		html_text(&p->h, what);
		html_raw(&p->h, "</td><td>");
		bool mine = page_int(c, "proposed_by") == p->svc.actor->user_id;
		if (!mine) {
			page_form(p, "/change-proposals/%lld/approve", (long long)page_int(c, "id"));
			html_raw(&p->h, "<button class=\"small\">");
			page_text(p, "change.approve");
			html_raw(&p->h, "</button></form>");
		}
		page_form(p, "/change-proposals/%lld/reject", (long long)page_int(c, "id"));
		html_raw(&p->h, "<button class=\"small\">");
		page_text(p, mine ? "change.withdraw" : "change.reject");
		html_raw(&p->h, "</button></form>");
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);
	html_raw(&p->h, "</section>");
	json_decref(list);
}

static void users_page(struct page *p, unsigned status)
{
	struct svc_error e;
	json_t *users = svc_user_list(&p->svc, &e);
	json_t *orgs = users ? svc_org_list(&p->svc, &e) : NULL;
	if (!orgs) {
		json_decref(users);
		return page_fail(p, &e);
	}
	page_start(p, page_t(p, "users.title"));
	page_h1(p, "users.title");
	page_notice(p);
	page_table(p, NULL, "user.username", "user.role", "user.organisation", "user.state", "user.second_factor",
		   "user.action", NULL);
	size_t i, k;
	json_t *u, *o;
	json_array_foreach(json_object_get(users, "users"), i, u) {
		bool active = json_is_true(json_object_get(u, "active"));
		html_raw(&p->h, "<tr><td>");
		html_text(&p->h, page_s(u, "username"));
		html_raw(&p->h, "</td><td>");
		html_text(&p->h, page_enum(p, &enum_role, page_s(u, "role")));
		html_raw(&p->h, "</td><td>");
		json_array_foreach(json_object_get(orgs, "organisations"), k, o)
			if (page_int(o, "id") == page_int(u, "organisation_id"))
				html_text(&p->h, page_s(o, "name"));
		html_raw(&p->h, "</td><td>");
		page_text(p, active ? "user.active" : "user.inactive");
		html_raw(&p->h, "</td><td>");
		const char *second = page_s(u, "second_factor") ? page_s(u, "second_factor") : "none";
		page_text(p, strcmp(second, "enrolled") == 0  ? "user.totp_enrolled"
			     : strcmp(second, "pending") == 0 ? "user.totp_pending"
							      : "user.totp_none");
		html_raw(&p->h, "</td><td>");
		if (page_int(u, "id") != p->svc.actor->user_id) {
			if (active)
				page_form(p, "/users/%lld/deactivate", (long long)page_int(u, "id"));
			else
				page_form(p, "/users/%lld/activate", (long long)page_int(u, "id"));
			html_raw(&p->h, "<button class=\"small\">");
			page_text(p, active ? "user.deactivate" : "user.activate");
			html_raw(&p->h, "</button></form>");
			/* Another user's second factor (lost phone): they enrol again at their next login. */
			if (strcmp(second, "none") != 0) {
				page_form(p, "/users/%lld/totp/reset", (long long)page_int(u, "id"));
				html_raw(&p->h, "<button class=\"small\">");
				page_text(p, "user.totp_reset");
				html_raw(&p->h, "</button></form>");
			}
		}
		html_raw(&p->h, "</td></tr>");
	}
	page_table_end(p);

	changes_panel(p);
	page_panel(p, "users.new");
	page_errors(p);
	page_form(p, "/users");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "username", .label = "user.username", .required = true });
	page_field(p, &(struct field){ .kind = FIELD_PASSWORD, .name = "password", .label = "user.password",
				       .hint = "user.password_hint", .required = true });
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "role", .label = "user.role", .def = &enum_role,
				       .required = true, .empty_choice = true });
	struct choices cs;
	page_choices(&cs, json_object_get(orgs, "organisations"), "id", "name");
	page_field(p, &(struct field){ .kind = FIELD_SELECT, .name = "organisation_id", .label = "user.organisation",
				       .hint = "user.organisation_hint", .choices = cs.c, .n_choices = cs.n,
				       .empty_choice = true });
	page_choices_release(&cs);
	page_form_end(p, "users.create");
	html_raw(&p->h, "</section>");
	json_decref(users);
	json_decref(orgs);
	page_end_status(p, status);
}

void page_users(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	users_page(&p, 200);
}

void page_user_create(struct http_request *req)
{
	static const struct fj spec[] = {
		{ "username", FJ_STR }, { "password", FJ_STR }, { "role", FJ_STR }, { "organisation_id", FJ_INT },
	};
	page_post_form(req, spec, sizeof spec / sizeof spec[0], svc_user_create, "/users?done=saved", users_page);
}

/* The username of user id, for a confirmation (borrowed from users), or "". */
static const char *username(const json_t *users, int64_t id)
{
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(users, "users"), i, u)
		if (page_int(u, "id") == id)
			return page_s(u, "username");
	return "";
}

/* Asks first (page_confirmed) for what cannot be undone to user id; true when confirmed. */
static bool confirmed(struct page *p, int64_t id, const char *what_key, const char *button_key)
{
	struct svc_error e;
	if (page_parse(p) != 0)
		return false;
	json_t *users = svc_user_list(&p->svc, &e);
	if (!users) {
		page_fail(p, &e);
		return false;
	}
	bool ok = page_confirmed(p, what_key, username(users, id), button_key, "/users");
	json_decref(users);
	return ok;
}

static void set_active(struct http_request *req, bool active)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	/* Deactivating ends the user's sessions at once: asked first. */
	if (!active && !confirmed(&p, req->ids[0], "user.deactivate_confirm", "user.deactivate"))
		return;
	json_t *out = svc_user_set_active(&p.svc, req->ids[0], active, &e);
	page_after_post(&p, out, &e, "/users?done=saved", users_page);
}

void page_user_totp_reset(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (!confirmed(&p, req->ids[0], "user.totp_reset_confirm", "user.totp_reset"))
		return;
	json_t *out = svc_user_totp_reset(&p.svc, req->ids[0], &e);
	page_after_post(&p, out, &e, "/users?done=totp_reset", users_page);
}

void page_user_deactivate(struct http_request *req) { set_active(req, false); }
void page_user_activate(struct http_request *req) { set_active(req, true); }

static void change_resolve(struct http_request *req, bool approve)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = json_object();
	json_t *out = approve ? svc_change_approve(&p.svc, req->ids[0], in, &e)
			      : svc_change_reject(&p.svc, req->ids[0], in, &e);
	json_decref(in);
	page_after_post(&p, out, &e, approve ? "/users?done=change_approved" : "/users?done=change_rejected",
			users_page);
}

void page_change_approve(struct http_request *req) { change_resolve(req, true); }
void page_change_reject(struct http_request *req) { change_resolve(req, false); }
