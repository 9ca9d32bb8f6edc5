/*
 * What every HTML page shares: the layout, the error page, form fields with
 * label and error, and posted forms as JSON for the service layer (see
 * page.h). The pages themselves are in page_*.c.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "web/app.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/static_assets.h"
#include "web/svc_pages.h"

#define C ROLE_BIT_COORDINATOR
#define W ROLE_BIT_CASEWORKER
#define F ROLE_BIT_FUNDER

/* The main menu per role, in the order shown. */
static const struct {
	const char *href;
	const char *key;
	unsigned roles;
} nav[] = {
	{ "/", "nav.home", C | W },
	{ "/queue", "nav.queue", C },
	{ "/persons", "nav.persons", C | W },
	{ "/applications", "nav.applications", W },
	{ "/decisions", "nav.decisions", C | W },
	{ "/claims", "nav.claims", C | W },
	{ "/year", "nav.year", C },
	{ "/organisations", "nav.organisations", C },
	{ "/capacity", "nav.capacity", C | W | F },
	{ "/placements", "nav.placements", C | W },
	{ "/consultations", "nav.consultations", C },
	{ "/contacts", "nav.contacts", C | W },
	{ "/users", "nav.users", C },
	{ "/report", "nav.report", C | F },
};

void page_init(struct page *p, struct http_request *req)
{
	memset(p, 0, sizeof *p);
	p->req = req;
	p->svc.app = req->app;
	p->svc.db = app_db(req->app);
	p->svc.actor = app_actor(req);
	p->svc.client_addr = http_client_addr(req);
	p->lang = i18n_lang(app_lang(req));
	form_init(&p->form);
}

void page_release(struct page *p)
{
	html_release(&p->h);
	form_release(&p->form);
	p->in = NULL;
}

const char *page_t(const struct page *p, const char *key)
{
	return i18n(p->lang, key);
}

const char *page_enum(const struct page *p, const struct enum_def *def, const char *name)
{
	return i18n_enum_name(p->lang, def, name);
}

void page_text(struct page *p, const char *key)
{
	html_text(&p->h, page_t(p, key));
}

void page_h1(struct page *p, const char *key)
{
	html_elem(&p->h, "h1", page_t(p, key));
}

void page_textv(struct page *p, const char *key, ...)
{
	const char *args[9];
	size_t n = 0;
	va_list ap;
	va_start(ap, key);
	for (const char *a; n < 9 && (a = va_arg(ap, const char *)) != NULL;)
		args[n++] = a;
	va_end(ap);
	i18n_html(&p->h, p->lang, key, args, n);
}

const char *page_count_key(const struct page *p, const char *key, int64_t n, char *buf, size_t bufsz)
{
	if (n == 1 && snprintf(buf, bufsz, "%s_one", key) < (int)bufsz && i18n_has(p->lang, buf))
		return buf;
	return key;
}

/* Is the menu entry href the section of the request's path? */
static bool nav_current(const char *path, const char *href)
{
	size_t n = strlen(href);
	if (strcmp(href, "/") == 0)
		return strcmp(path, "/") == 0;
	return strncmp(path, href, n) == 0;
}

/* The logged-in user, role, organisation, language switch and logout. */
static void header_user(struct page *p)
{
	struct html *h = &p->h;
	const struct actor *a = p->svc.actor;
	const char *other = p->lang == LANG_EN ? "sv" : "en";
	html_raw(h, "<div class=\"who\"><a class=\"user\" href=\"/me\">");
	html_text(h, a->username);
	html_raw(h, "</a> <span class=\"role\">");
	html_text(h, i18n_enum(p->lang, &enum_role, (int)a->role));
	html_raw(h, "</span>");
	if (a->organisation_id && p->svc.db) {
		struct svc_error e;
		json_t *org = svc_org_get(&p->svc, a->organisation_id, &e);
		if (org) {
			html_raw(h, " <span class=\"org\">");
			html_text(h, page_s(org, "name"));
			html_raw(h, "</span>");
			json_decref(org);
		}
	}
	/* The way back after switching: this page when it was a GET, else the start page. */
	const char *back = strcmp(p->req->method, "GET") == 0 ? p->req->path : "/";
	html_raw(h, "<form method=\"post\" action=\"/lang\" class=\"inline\">");
	html_raw(h, "<input type=\"hidden\" name=\"csrf\"");
	html_attr(h, "value", a->csrf);
	html_raw(h, "><input type=\"hidden\" name=\"back\"");
	html_attr(h, "value", back);
	html_raw(h, "><button class=\"link\" name=\"lang\"");
	html_attr(h, "value", other);
	html_attr(h, "lang", other);
	html_raw(h, ">");
	html_text(h, i18n(i18n_lang(other), "lang.switch"));
	html_raw(h, "</button></form>");
	html_raw(h, "<form method=\"post\" action=\"/logout\" class=\"inline\">"
		    "<input type=\"hidden\" name=\"csrf\"");
	html_attr(h, "value", a->csrf);
	html_raw(h, "><button class=\"logout\">");
	page_text(p, "nav.logout");
	html_raw(h, "</button></form></div>");
}

void page_start(struct page *p, const char *title)
{
	struct html *h = &p->h;
	const struct actor *a = p->svc.actor;
	html_raw(h, "<!doctype html><html");
	html_attr(h, "lang", i18n_code(p->lang));
	html_raw(h, "><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	html_text(h, title);
	html_raw(h, " \xC2\xB7 NSP</title><link rel=\"stylesheet\"");
	html_attrf(h, "href", "/static/nsp.css?v=%s", nsp_static_version);
	html_raw(h, "><link rel=\"icon\" type=\"image/svg+xml\"");
	html_attrf(h, "href", "/static/favicon.svg?v=%s", nsp_static_version);
	html_raw(h, "><script defer");
	html_attrf(h, "src", "/static/nsp.js?v=%s", nsp_static_version);
	html_raw(h, "></script></head><body><a class=\"skip\" href=\"#main\">");
	page_text(p, "nav.skip");
	html_raw(h, "</a><header class=\"site\"><div class=\"bar\"><a class=\"brand\" href=\"/\">NSP <span>");
	page_text(p, "app.name");
	html_raw(h, "</span></a>");
	if (a->logged_in) {
		header_user(p);
		html_raw(h, "</div><nav");
		html_attr(h, "aria-label", page_t(p, "nav.label"));
		html_raw(h, "><ul>");
		for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
			if (!(nav[i].roles & (1u << a->role)))
				continue;
			html_raw(h, "<li><a");
			html_attr(h, "href", nav[i].href);
			if (nav_current(p->req->path, nav[i].href))
				html_raw(h, " aria-current=\"page\"");
			html_raw(h, ">");
			page_text(p, nav[i].key);
			html_raw(h, "</a></li>");
		}
		html_raw(h, "</ul></nav>");
	} else {
		const char *other = p->lang == LANG_EN ? "sv" : "en";
		html_raw(h, "<div class=\"who\"><a");
		html_attrf(h, "href", "/lang?to=%s", other);
		html_attr(h, "lang", other);
		html_raw(h, ">");
		html_text(h, i18n(i18n_lang(other), "lang.switch"));
		html_raw(h, "</a></div></div>");
	}
	html_raw(h, "</header><main id=\"main\" tabindex=\"-1\">");
}

void page_end_status(struct page *p, unsigned status)
{
	html_raw(&p->h, "</main><footer class=\"site\"><p>");
	page_text(p, "app.footer");
	html_raw(&p->h, "</p></footer></body></html>");
	http_reply_html_buf(p->req, status, &p->h.b);
	page_release(p);
}

void page_end(struct page *p)
{
	page_end_status(p, 200);
}

void page_redirect(struct page *p, const char *location)
{
	if (http_reply_redirect(p->req, 303, location) != 0)
		http_reply_redirect(p->req, 303, "/");
	page_release(p);
}

void page_redirectf(struct page *p, const char *fmt, ...)
{
	char where[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(where, sizeof where, fmt, ap);
	va_end(ap);
	/* A cut path would lead elsewhere: home instead. */
	page_redirect(p, n > 0 && (size_t)n < sizeof where ? where : "/");
}

/* The error page: a title by status and the message. */
static void error_body(struct page *p, unsigned status, const char *sv, const char *en)
{
	char key[32];
	snprintf(key, sizeof key, "error.%u", status);
	const char *title = i18n_has(p->lang, key) ? page_t(p, key) : page_t(p, "error.other");
	html_release(&p->h); /* whatever was written before the error */
	page_start(p, title);
	html_elem(&p->h, "h1", title);
	html_raw(&p->h, "<p class=\"lead\">");
	html_text(&p->h, p->lang == LANG_EN ? en : sv);
	html_raw(&p->h, "</p><p><a href=\"/\">");
	page_text(p, "error.home");
	html_raw(&p->h, "</a></p>");
}

void page_fail(struct page *p, const struct svc_error *e)
{
	if (e->status == SVC_UNAUTHENTICATED) {
		page_redirect(p, "/login");
		return;
	}
	unsigned st = svc_http_status(e, NULL);
	error_body(p, st, e->sv, e->en);
	page_end_status(p, st);
}

void app_error_page(struct http_request *req, unsigned status, const char *code, const char *message_sv,
		    const char *message_en)
{
	struct page p;
	(void)code;
	app_error_actor(req);
	page_init(&p, req);
	error_body(&p, status, message_sv, message_en);
	page_end_status(&p, status);
}

/* ---------------------------------------------------------------- forms */

unsigned page_form_status(const struct svc_error *e)
{
	/* A form naming a record that does not exist is a wrong field, not a missing page. */
	if (e->status == SVC_NOT_FOUND && e->field[0])
		return 400;
	return svc_http_status(e, NULL);
}

void page_after_post(struct page *p, json_t *out, struct svc_error *e, const char *where, page_again_fn *again)
{
	if (out) {
		/* Four eyes on the control itself: the change waits on the users page. */
		bool awaiting = json_is_true(json_object_get(out, "awaiting_approval"));
		json_decref(out);
		return page_redirect(p, awaiting ? "/users?done=change_proposed" : where);
	}
	if (e->status == SVC_NOT_FOUND && !e->field[0])
		return page_fail(p, e);
	p->err = e;
	again(p, page_form_status(e));
}

void page_post_form(struct http_request *req, const struct fj *spec, size_t n,
		    json_t *(*fn)(struct svc *, const json_t *, struct svc_error *), const char *where,
		    page_again_fn *again)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = page_form_json(&p, spec, n, &e);
	json_t *out = in ? fn(&p.svc, in, &e) : NULL;
	json_decref(in);
	page_after_post(&p, out, &e, where, again);
}

int page_parse(struct page *p)
{
	struct http_request *req = p->req;
	if (req->body && form_parse(&p->form, req->body, req->body_len, 0) != FORM_OK) {
		struct svc_error e;
		svc_fail(&e, SVC_INVALID, "formuläret kunde inte läsas", "the form could not be read");
		page_fail(p, &e);
		return -1;
	}
	p->in = &p->form;
	return 0;
}

const char *page_in(const struct page *p, const char *name)
{
	return p->in ? form_get(p->in, name) : NULL;
}

void page_form(struct page *p, const char *action_fmt, ...)
{
	struct buf action = BUF_INIT;
	va_list ap;
	va_start(ap, action_fmt);
	buf_vprintf(&action, action_fmt, ap);
	va_end(ap);
	html_raw(&p->h, "<form method=\"post\"");
	html_attr(&p->h, "action", buf_str(&action));
	html_raw(&p->h, "><input type=\"hidden\" name=\"csrf\"");
	html_attr(&p->h, "value", p->svc.actor->csrf);
	html_raw(&p->h, ">");
	buf_release(&action);
}

void page_form_end(struct page *p, const char *button_key)
{
	html_raw(&p->h, "<div class=\"actions\"><button type=\"submit\">");
	page_text(p, button_key);
	html_raw(&p->h, "</button></div></form>");
}

/* Where a refusal of rule is shown when the page does not say (p->rule_field). */
static const char *rule_default_field(const char *rule)
{
	static const struct {
		const char *rule, *field;
	} map[] = {
		{ "R2", "basis.kind" }, { "R3", "to" }, { "R4", "to" }, { "R5", "to" }, { "R6", "to" },
		{ "R7", "children" },   { "R8", "category" }, { "R9", "from" }, { "R10", "budget_override_reason" },
		{ "R15", "over_capacity_reason" },
		{ "R14", "days" },
	};
	for (size_t i = 0; rule && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].rule, rule) == 0)
			return map[i].field;
	return NULL;
}

/* How many errors p->err holds: its list, or the one error. */
static int err_count(const struct page *p)
{
	if (!p->err)
		return 0;
	return p->err->n_errors > 0 ? p->err->n_errors : 1;
}

/* The field error i of p->err belongs to, or NULL when it belongs to the whole form. */
static const char *err_field(const struct page *p, int i)
{
	if (!p->err)
		return NULL;
	if (p->err->status == SVC_RULE)
		return p->rule_field ? p->rule_field : rule_default_field(p->err->rule);
	if (p->err->n_errors > 0)
		return p->err->errors[i].field[0] ? p->err->errors[i].field : NULL;
	return p->err->field[0] ? p->err->field : NULL;
}

/* The message of error i in the page's language. */
static const char *err_message(const struct page *p, int i)
{
	if (p->err->n_errors > 0)
		return p->lang == LANG_EN ? p->err->errors[i].msg_en : p->err->errors[i].msg_sv;
	return p->lang == LANG_EN ? p->err->en : p->err->sv;
}

/* Does the error at target belong to the field name? */
static bool err_matches(const char *target, const char *name)
{
	size_t nt = strlen(target), nn = strlen(name);
	if (strcmp(target, name) == 0)
		return true;
	/* "children[1]" belongs to "children"; "basis" to "basis.kind". */
	if (nt > nn && strncmp(target, name, nn) == 0 && (target[nn] == '[' || target[nn] == '.'))
		return true;
	return nn > nt && strncmp(name, target, nt) == 0 && name[nt] == '.';
}

/* Is p->err a refusal by a programme rule (R1 …) whose id the reader should
 * see? The checks "application" and "decision" are no rules of domain.md. */
static bool rule_id_shown(const struct page *p)
{
	const char *r = p->err->rule;
	return p->err->status == SVC_RULE && r && r[0] == 'R' && r[1] >= '0' && r[1] <= '9';
}

/* The rule of p->err followed by its words ("R3 Reflektionsperiod högst 30
 * dygn"), or its id alone when the catalogue has no words for it. */
static const char *rule_words(const struct page *p)
{
	char key[32];
	snprintf(key, sizeof key, "rule.%s", p->err->rule);
	return i18n_has(p->lang, key) ? page_t(p, key) : p->err->rule;
}

/* Does message m already name the field (it starts with its label)? */
static bool names_label(const char *m, const char *label)
{
	size_t n = label ? strlen(label) : 0;
	return n > 0 && strncmp(m, label, n) == 0;
}

void page_errors(struct page *p)
{
	int n = err_count(p);
	if (n == 0)
		return;
	html_raw(&p->h, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>");
	page_text(p, p->err->status == SVC_UNAUTHENTICATED || p->err->status == SVC_THROTTLED
			     ? "form.error_title_login"
			     : n > 1 ? "form.error_title_many" : "form.error_title");
	html_raw(&p->h, "</h2><ul>");
	for (int i = 0; i < n; i++) {
		const char *field = err_field(p, i), *m = err_message(p, i);
		const char *label = field ? v_label(field, p->lang == LANG_EN ? 1 : 0) : NULL;
		html_raw(&p->h, "<li>");
		if (field) {
			html_raw(&p->h, "<a");
			html_attrf(&p->h, "href", "#f-%s", field);
			html_raw(&p->h, ">");
		}
		if (rule_id_shown(p) && strncmp(m, p->err->rule, strlen(p->err->rule)) != 0) {
			html_text(&p->h, rule_words(p));
			html_raw(&p->h, ": ");
		} else if (label && !names_label(m, label)) {
			/* A handler's own message ("ange åldersgrupp eller födelseår"): the label first. */
			html_text(&p->h, label);
			html_raw(&p->h, ": ");
		}
		html_text(&p->h, m);
		if (field)
			html_raw(&p->h, "</a>");
		html_raw(&p->h, "</li>");
	}
	html_raw(&p->h, "</ul></div>");
}

void page_choices(struct choices *c, const json_t *array, const char *id_key, const char *text_key)
{
	size_t n = json_array_size(array), i;
	json_t *x;
	c->c = calloc(n ? n : 1, sizeof *c->c);
	c->ids = calloc(n ? n : 1, sizeof *c->ids);
	if (!c->c || !c->ids)
		abort();
	c->n = n;
	json_array_foreach(array, i, x) {
		snprintf(c->ids[i], sizeof c->ids[i], "%lld", (long long)page_int(x, id_key));
		c->c[i] = (struct choice){ c->ids[i], page_s(x, text_key) ? page_s(x, text_key) : c->ids[i] };
	}
}

void page_choices_release(struct choices *c)
{
	free(c->c);
	free(c->ids);
	memset(c, 0, sizeof *c);
}

/* The value to show in a single-valued field. */
static const char *field_value(const struct page *p, const struct field *f)
{
	if (p->in) {
		const char *v = form_get(p->in, f->name);
		return v ? v : "";
	}
	return f->value ? f->value : "";
}

/* Is choice value checked in a multi-valued field? */
static bool field_checked(const struct page *p, const struct field *f, const char *value)
{
	if (p->in) {
		const char *v;
		for (size_t i = 0; (v = form_get_nth(p->in, f->name, i)) != NULL; i++)
			if (strcmp(v, value) == 0)
				return true;
		return false;
	}
	if (f->kind != FIELD_CHECKS)
		return strcmp(f->value ? f->value : "", value) == 0;
	size_t i;
	json_t *x;
	json_array_foreach(f->values, i, x) {
		if (json_is_string(x) && strcmp(json_string_value(x), value) == 0)
			return true;
		if (json_is_integer(x)) {
			char num[24];
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(x));
			if (strcmp(num, value) == 0)
				return true;
		}
	}
	return false;
}

/* The choices of f: its own, or one per value of its enum written into buf
 * (cap entries; every enum of enums.h fits in 16). Returns their number. */
static size_t field_choices(const struct page *p, const struct field *f, struct choice *buf, size_t cap,
			    const struct choice **out)
{
	if (!f->def) {
		*out = f->choices;
		return f->n_choices;
	}
	size_t n = 0;
	for (int v = 0; v < f->def->count && n < cap; v++, n++) {
		buf[n].value = f->def->values[v];
		buf[n].text = i18n_enum(p->lang, f->def, v);
	}
	*out = buf;
	return n;
}

static void field_id(struct html *h, const struct field *f)
{
	html_attrf(h, "id", "f-%s", f->name);
}

/* The hint and the error paragraphs of a field. */
static void field_notes(struct page *p, const struct field *f, const char *err)
{
	if (f->hint || f->hint_text) {
		html_raw(&p->h, "<p class=\"hint\"");
		html_attrf(&p->h, "id", "f-%s-hint", f->name);
		html_raw(&p->h, ">");
		html_text(&p->h, f->hint_text ? f->hint_text : page_t(p, f->hint));
		html_raw(&p->h, "</p>");
	}
	if (err) {
		html_raw(&p->h, "<p class=\"error\"");
		html_attrf(&p->h, "id", "f-%s-error", f->name);
		html_raw(&p->h, ">");
		if (rule_id_shown(p) && strncmp(err, p->err->rule, strlen(p->err->rule)) != 0) {
			html_text(&p->h, rule_words(p));
			html_raw(&p->h, ": ");
		}
		html_text(&p->h, err);
		html_raw(&p->h, "</p>");
	}
}

static void described_by(struct page *p, const struct field *f, const char *err)
{
	if (!f->hint && !f->hint_text && !err)
		return;
	struct buf ids = BUF_INIT;
	if (f->hint || f->hint_text)
		buf_printf(&ids, "f-%s-hint", f->name);
	if (err)
		buf_printf(&ids, "%sf-%s-error", ids.len ? " " : "", f->name);
	html_attr(&p->h, "aria-describedby", buf_str(&ids));
	buf_release(&ids);
	if (err)
		html_raw(&p->h, " aria-invalid=\"true\"");
}

static void field_label(struct page *p, const struct field *f, bool legend)
{
	if (legend) {
		html_raw(&p->h, "<legend>");
	} else {
		html_raw(&p->h, "<label");
		html_attrf(&p->h, "for", "f-%s", f->name);
		html_raw(&p->h, ">");
	}
	page_text(p, f->label);
	if (f->required) {
		html_raw(&p->h, " <span class=\"req\">");
		page_text(p, "form.required");
		html_raw(&p->h, "</span>");
	}
	if (legend)
		html_raw(&p->h, "</legend>");
	else
		html_raw(&p->h, "</label>");
}

/* Radios and checkboxes: a fieldset with a legend. */
static void field_group(struct page *p, const struct field *f, const char *err)
{
	struct choice buf[16];
	const struct choice *cs;
	size_t n = field_choices(p, f, buf, 16, &cs);
	bool radio = f->kind == FIELD_RADIOS;
	html_raw(&p->h, "<fieldset");
	field_id(&p->h, f);
	html_attr(&p->h, "data-group", f->id);
	described_by(p, f, err);
	html_raw(&p->h, ">");
	field_label(p, f, true);
	field_notes(p, f, err);
	html_raw(&p->h, "<div class=\"choices\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(&p->h, "<label class=\"choice\"><input");
		html_attr(&p->h, "type", radio ? "radio" : "checkbox");
		html_attr(&p->h, "name", f->name);
		html_attr(&p->h, "value", cs[i].value);
		html_flag(&p->h, "checked", field_checked(p, f, cs[i].value));
		html_flag(&p->h, "required", radio && f->required);
		html_raw(&p->h, "> ");
		html_text(&p->h, cs[i].text);
		html_raw(&p->h, "</label>");
	}
	if (n == 0) {
		html_raw(&p->h, "<p class=\"hint\">");
		page_text(p, "form.no_choices");
		html_raw(&p->h, "</p>");
	}
	html_raw(&p->h, "</div></fieldset>");
}

static void field_select(struct page *p, const struct field *f, const char *err)
{
	struct choice buf[16];
	const struct choice *cs;
	size_t n = field_choices(p, f, buf, 16, &cs);
	const char *v = field_value(p, f);
	html_raw(&p->h, "<select");
	field_id(&p->h, f);
	html_attr(&p->h, "name", f->name);
	html_flag(&p->h, "required", f->required);
	described_by(p, f, err);
	html_raw(&p->h, ">");
	if (f->empty_choice)
		html_raw(&p->h, "<option value=\"\">\xE2\x80\x94</option>");
	for (size_t i = 0; i < n; i++) {
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", cs[i].value);
		html_flag(&p->h, "selected", strcmp(v, cs[i].value) == 0);
		html_raw(&p->h, ">");
		html_text(&p->h, cs[i].text);
		html_raw(&p->h, "</option>");
	}
	html_raw(&p->h, "</select>");
}

static void field_input(struct page *p, const struct field *f, const char *err)
{
	static const char *const types[] = {
		[FIELD_TEXT] = "text", [FIELD_PASSWORD] = "password",
		[FIELD_NUMBER] = "number", [FIELD_MONEY] = "text", [FIELD_HIDDEN] = "hidden",
		/* A native date input: a calendar to pick from; the value sent is ISO
		 * (2025-03-04) whatever the browser's locale shows. */
		[FIELD_DATE] = "date",
	};
	if (f->kind == FIELD_TEXTAREA) {
		html_raw(&p->h, "<textarea rows=\"5\"");
		field_id(&p->h, f);
		html_attr(&p->h, "name", f->name);
		html_flag(&p->h, "required", f->required);
		described_by(p, f, err);
		html_raw(&p->h, ">");
		html_text(&p->h, field_value(p, f));
		html_raw(&p->h, "</textarea>");
		return;
	}
	html_raw(&p->h, "<input");
	html_attr(&p->h, "type", types[f->kind]);
	field_id(&p->h, f);
	html_attr(&p->h, "name", f->name);
	/* A password is never sent back into the page. */
	html_attr(&p->h, "value", f->kind == FIELD_PASSWORD ? "" : field_value(p, f));
	html_flag(&p->h, "required", f->required);
	if (f->kind == FIELD_NUMBER)
		html_raw(&p->h, " min=\"0\" step=\"1\" inputmode=\"numeric\"");
	if (f->kind == FIELD_MONEY)
		html_raw(&p->h, " inputmode=\"decimal\" autocomplete=\"off\"");
	if (f->kind == FIELD_DATE) {
		html_raw(&p->h, " class=\"date\" min=\"1900-01-01\" max=\"2999-12-31\" autocomplete=\"off\"");
	}
	if (f->kind == FIELD_PASSWORD)
		html_raw(&p->h, " autocomplete=\"current-password\"");
	described_by(p, f, err);
	html_raw(&p->h, ">");
}

void page_field(struct page *p, const struct field *f)
{
	const char *err = NULL;
	for (int i = 0, n = err_count(p); i < n && i < 32 && !err; i++) {
		const char *target = err_field(p, i);
		if (target && err_matches(target, f->name) && !(p->err_shown_mask & (1u << i))) {
			err = err_message(p, i);
			p->err_shown_mask |= 1u << i;
			p->err_shown = true;
		}
	}
	if (f->kind == FIELD_HIDDEN) {
		field_input(p, f, NULL);
		return;
	}
	html_raw(&p->h, "<div");
	html_attr(&p->h, "class", err ? "field has-error" : "field");
	html_attr(&p->h, "data-show-if", f->show_if);
	html_raw(&p->h, ">");
	switch (f->kind) {
	case FIELD_RADIOS:
	case FIELD_CHECKS:
		field_group(p, f, err);
		break;
	case FIELD_CHECKBOX:
		html_raw(&p->h, "<label class=\"choice\"><input type=\"checkbox\" value=\"1\"");
		field_id(&p->h, f);
		html_attr(&p->h, "name", f->name);
		html_flag(&p->h, "checked", p->in ? form_get(p->in, f->name) != NULL
						  : (f->value && strcmp(f->value, "1") == 0));
		html_flag(&p->h, "required", f->required);
		described_by(p, f, err);
		html_raw(&p->h, "> ");
		page_text(p, f->label);
		html_raw(&p->h, "</label>");
		field_notes(p, f, err);
		break;
	case FIELD_SELECT:
		field_label(p, f, false);
		field_notes(p, f, err);
		field_select(p, f, err);
		break;
	default:
		field_label(p, f, false);
		field_notes(p, f, err);
		field_input(p, f, err);
		break;
	}
	html_raw(&p->h, "</div>");
}

void page_invalid(struct svc_error *e, const char *field, const char *sv, const char *en)
{
	svc_fail(e, SVC_INVALID, sv, en);
	snprintf(e->field, sizeof e->field, "%s", field);
}

/* The object of root that holds the last part of dotted name (created as needed);
 * *leaf points at that part. */
static json_t *json_parent(json_t *root, const char *name, const char **leaf)
{
	json_t *o = root;
	const char *dot;
	while ((dot = strchr(name, '.')) != NULL) {
		char part[64];
		snprintf(part, sizeof part, "%.*s", (int)(dot - name), name);
		json_t *next = json_object_get(o, part);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(o, part, next);
		}
		o = next;
		name = dot + 1;
	}
	*leaf = name;
	return o;
}

/* An integer as typed ("12", "-3"), or the text itself for the service to refuse. */
static json_t *int_json(const char *v)
{
	char *end;
	long long x = strtoll(v, &end, 10);
	if (*v && *end == '\0' && ((*v >= '0' && *v <= '9') || *v == '-') && x > LLONG_MIN && x < LLONG_MAX)
		return json_integer(x);
	return json_string(v);
}

json_t *page_form_json(struct page *p, const struct fj *spec, size_t n, struct svc_error *e)
{
	json_t *root = json_object();
	for (size_t i = 0; i < n; i++) {
		const char *leaf, *v = page_in(p, spec[i].name);
		json_t *val = NULL;
		if (spec[i].kind == FJ_SET || spec[i].kind == FJ_IDS) {
			if (!v)
				continue;
			val = json_array();
			for (size_t k = 0; (v = form_get_nth(p->in, spec[i].name, k)) != NULL; k++)
				if (*v)
					json_array_append_new(val, spec[i].kind == FJ_SET ? json_string(v) : int_json(v));
		} else {
			if (!v || strspn(v, " \t\r\n") == strlen(v))
				continue;
			switch (spec[i].kind) {
			case FJ_INT: val = int_json(v); break;
			case FJ_BOOL:
				val = json_boolean(strcmp(v, "0") != 0 && strcmp(v, "false") != 0);
				break;
			case FJ_KR: {
				int64_t ore;
				if (money_parse_kr(v, &ore) != 0) {
					json_decref(root);
					page_invalid(e, spec[i].name,
						     "beloppet kunde inte läsas; skriv till exempel 1 320 eller 1320,50",
						     "the amount could not be read; write for example 1 320 or 1320.50");
					return NULL;
				}
				val = json_integer(ore);
				break;
			}
			default: val = json_string(v); break;
			}
		}
		json_t *parent = json_parent(root, spec[i].name, &leaf);
		json_object_set_new(parent, leaf, val);
	}
	return root;
}

/* ---------------------------------------------------------------- display */

void page_table(struct page *p, const char *caption_key, ...)
{
	va_list ap;
	html_raw(&p->h, "<div class=\"table-wrap\"><table>");
	if (caption_key) {
		html_raw(&p->h, "<caption>");
		page_text(p, caption_key);
		html_raw(&p->h, "</caption>");
	}
	html_raw(&p->h, "<thead><tr>");
	va_start(ap, caption_key);
	for (const char *k; (k = va_arg(ap, const char *)) != NULL;) {
		html_raw(&p->h, "<th scope=\"col\">");
		page_text(p, k);
		html_raw(&p->h, "</th>");
	}
	va_end(ap);
	html_raw(&p->h, "</tr></thead><tbody>");
}

void page_table_end(struct page *p)
{
	html_raw(&p->h, "</tbody></table></div>");
}

json_t *page_person_codes(struct page *p, const json_t *rows, const char *key, struct svc_error *e)
{
	size_t n = json_array_size(rows), i;
	int64_t *ids = calloc(n ? n : 1, sizeof *ids);
	json_t *r;
	if (!ids)
		abort();
	json_array_foreach(rows, i, r)
		ids[i] = key ? page_int(r, key) : json_integer_value(r);
	json_t *codes = svc_page_person_codes(&p->svc, ids, n, e);
	free(ids);
	return codes;
}

const char *page_person_code(const json_t *codes, int64_t id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	return page_s(codes, key);
}

void page_panel(struct page *p, const char *key)
{
	html_raw(&p->h, "<section class=\"panel\"><h2>");
	page_text(p, key);
	html_raw(&p->h, "</h2>");
}

void page_link(struct page *p, const char *text, const char *href_fmt, ...)
{
	struct buf href = BUF_INIT;
	va_list ap;
	va_start(ap, href_fmt);
	buf_vprintf(&href, href_fmt, ap);
	va_end(ap);
	html_raw(&p->h, "<a");
	html_attr(&p->h, "href", buf_str(&href));
	html_raw(&p->h, ">");
	html_text(&p->h, text);
	html_raw(&p->h, "</a>");
	buf_release(&href);
}

const char *page_s(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int64_t page_int(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

void page_dl_row(struct page *p, const char *key, const char *value)
{
	html_raw(&p->h, "<div><dt>");
	page_text(p, key);
	html_raw(&p->h, "</dt><dd>");
	html_text(&p->h, value && *value ? value : "\xE2\x80\x93");
	html_raw(&p->h, "</dd></div>");
}

void page_money(struct page *p, const json_t *ore)
{
	if (json_is_integer(ore))
		html_money(&p->h, (int64_t)json_integer_value(ore));
	else
		html_raw(&p->h, "\xE2\x80\x93");
}

bool page_confirmed(struct page *p, const char *what_key, const char *arg, const char *button_key,
		    const char *back_href)
{
	return page_confirmed_check(p, what_key, arg, button_key, back_href, "confirm.check");
}

bool page_confirmed_check(struct page *p, const char *what_key, const char *arg, const char *button_key,
			  const char *back_href, const char *check_key)
{
	return page_confirmed_with(p, &(struct confirm){ .what_key = what_key, .arg = arg, .button_key = button_key,
							 .back_href = back_href, .check_key = check_key });
}

bool page_confirmed_with(struct page *p, const struct confirm *cf)
{
	const char *c = page_in(p, "confirm");
	if (c && (strcmp(c, "1") == 0 || strcmp(c, "on") == 0 || strcmp(c, "true") == 0))
		return true;
	page_start(p, page_t(p, "confirm.title"));
	page_h1(p, "confirm.title");
	html_raw(&p->h, "<section class=\"panel confirm\"><p class=\"warning\">");
	page_textv(p, cf->what_key, cf->arg ? cf->arg : "", NULL);
	html_raw(&p->h, "</p>");
	if (cf->show)
		cf->show(p, cf->ctx);
	page_form(p, "%s", p->req->path);
	for (size_t i = 0; cf->keep && cf->keep[i]; i++)
		page_field(p, &(struct field){ .kind = FIELD_HIDDEN, .name = cf->keep[i] });
	/* The checked box is the confirmation; a re-display starts unchecked. */
	const struct form *in = p->in;
	p->in = NULL;
	page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "confirm",
				       .label = cf->check_key ? cf->check_key : "confirm.check", .required = true });
	p->in = in;
	page_form_end(p, cf->button_key);
	html_raw(&p->h, "<p>");
	page_link(p, page_t(p, "confirm.back"), "%s", cf->back_href);
	html_raw(&p->h, "</p></section>");
	page_end_status(p, 200);
	return false;
}

void page_available(struct page *p, const json_t *row)
{
	char over[24];
	html_int(&p->h, page_int(row, "available"));
	if (page_int(row, "over") > 0) {
		snprintf(over, sizeof over, "%lld", (long long)page_int(row, "over"));
		html_raw(&p->h, " <span class=\"over\">");
		page_textv(p, "capacity.over_n", over, NULL);
		html_raw(&p->h, "</span>");
	}
}

void page_day(struct page *p, const json_t *d)
{
	day_t day;
	/* A date never breaks at its hyphens ("2026-12-/12"). */
	if (json_is_string(d) && day_parse(json_string_value(d), &day) == 0) {
		html_raw(&p->h, "<span class=\"day\">");
		html_day(&p->h, day);
		html_raw(&p->h, "</span>");
	} else
		html_raw(&p->h, "\xE2\x80\x93");
}

void page_str(struct page *p, const json_t *s)
{
	const char *v = json_string_value(s);
	html_text(&p->h, v && *v ? v : "\xE2\x80\x93");
}

void page_money_figures(struct page *p, const json_t *b)
{
	static const struct {
		const char *key, *field;
	} figs[] = {
		{ "year.budget", "budget_ore" },     { "year.committed", "committed_ore" },
		{ "year.released", "released_ore" }, { "year.remaining", "remaining_ore" },
		{ "year.paid", "paid_ore" },	     { "year.paid_in_year", "paid_in_year_ore" },
		{ "year.open", "open_ore" },
	};
	char year[16];
	snprintf(year, sizeof year, "%lld", (long long)page_int(b, "year"));
	html_raw(&p->h, "<div class=\"figures\">");
	for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
		const json_t *v = json_object_get(b, figs[i].field);
		html_raw(&p->h, "<div class=\"figure\"");
		html_attr(&p->h, "data-figure", figs[i].field);
		html_raw(&p->h, "><span class=\"label\">");
		page_text(p, figs[i].key);
		html_raw(&p->h, "</span><span class=\"value\">");
		if (json_is_null(v)) { /* a year without a budget: counted as 0 kr */
			json_t *zero = json_integer(0);
			page_money(p, zero);
			json_decref(zero);
		} else {
			page_money(p, v);
		}
		html_raw(&p->h, "</span></div>");
	}
	html_raw(&p->h, "</div><p class=\"figures-why\">");
	page_textv(p, "year.remaining_why", year, NULL);
	html_raw(&p->h, " ");
	page_textv(p, "year.paid_why", year, NULL);
	if (json_is_null(json_object_get(b, "budget_ore"))) {
		html_raw(&p->h, " ");
		page_text(p, "year.no_budget");
	}
	html_raw(&p->h, "</p>");
}

void page_notice(struct page *p)
{
	const char *done = http_query(p->req, "done");
	char key[64];
	if (!done || snprintf(key, sizeof key, "done.%s", done) >= (int)sizeof key || !i18n_has(p->lang, key))
		return;
	html_raw(&p->h, "<p class=\"notice\" role=\"status\">");
	page_text(p, key);
	html_raw(&p->h, "</p>");
}

int page_this_year(void)
{
	return day_year(day_today());
}
