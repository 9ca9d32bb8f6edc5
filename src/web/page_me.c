/*
 * The user's own page (/me): who they are, and their second factor —
 * enrolment with a QR code drawn as inline SVG (no image request, no
 * script), confirmation with a first code, and the recovery codes, shown
 * once in the answer to that confirmation and never again.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/qr.h"
#include "web/page.h"
#include "web/routes.h"

/* The QR code of uri as an <svg> of its dark modules (qr_svg_path). Writes nothing when it cannot be encoded. */
static void qr_svg(struct page *p, const char *uri)
{
	struct buf path = BUF_INIT;
	int size = 0;
	if (qr_svg_path(uri, &path, &size) != 0) {
		buf_release(&path);
		return;
	}
	html_raw(&p->h, "<figure class=\"qr\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"240\""
		    " role=\"img\" shape-rendering=\"crispEdges\"");
	html_attrf(&p->h, "viewBox", "0 0 %d %d", size, size);
	html_attr(&p->h, "aria-label", page_t(p, "me.totp_qr_label"));
	html_raw(&p->h, "><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\"");
	html_attr(&p->h, "d", buf_str(&path));
	html_raw(&p->h, "/></svg></figure>");
	buf_release(&path);
}

/* The base32 secret in groups of four, as apps show and people type it. */
static void secret_text(struct page *p, const char *secret)
{
	char grouped[64];
	size_t k = 0;
	for (size_t i = 0; secret[i] && k + 2 < sizeof grouped; i++) {
		if (i > 0 && i % 4 == 0)
			grouped[k++] = ' ';
		grouped[k++] = secret[i];
	}
	grouped[k] = '\0';
	html_raw(&p->h, "<p class=\"secret\"><code>");
	html_text(&p->h, grouped);
	html_raw(&p->h, "</code></p>");
	sodium_memzero(grouped, sizeof grouped);
}

/* The enrolment in progress: QR code, the key, and the field for the first code. */
static void pending_section(struct page *p, const json_t *st)
{
	html_raw(&p->h, "<p>");
	page_text(p, "me.totp_scan");
	html_raw(&p->h, "</p>");
	qr_svg(p, page_s(st, "otpauth_uri") ? page_s(st, "otpauth_uri") : "");
	html_raw(&p->h, "<p>");
	page_text(p, "me.totp_key");
	html_raw(&p->h, "</p>");
	secret_text(p, page_s(st, "secret") ? page_s(st, "secret") : "");
	html_raw(&p->h, "<p>");
	page_text(p, "me.totp_confirm_intro");
	html_raw(&p->h, "</p>");
	page_errors(p);
	page_form(p, "/me/totp/confirm");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "code", .label = "me.totp_code", .required = true });
	page_form_end(p, "me.totp_confirm");
	page_form(p, "/me/totp");
	html_raw(&p->h, "<button class=\"small\">");
	page_text(p, "me.totp_restart");
	html_raw(&p->h, "</button></form>");
}

/* E-mail notices (issue 17): the user's own address and whether they want notices. */
static void notices_section(struct page *p, const json_t *me, const struct svc_error *err)
{
	const json_t *n = json_object_get(me, "notices");
	html_raw(&p->h, "<section class=\"panel\" id=\"notices\"><h2>");
	page_text(p, "me.notices_title");
	html_raw(&p->h, "</h2><p class=\"hint\">");
	page_text(p, "me.notices_intro");
	html_raw(&p->h, "</p>");
	const struct svc_error *saved = p->err;
	p->err = err;
	page_errors(p);
	page_form(p, "/me/notices");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "email", .label = "me.notices_email",
				       .value = page_s(n, "email") });
	page_field(p, &(struct field){ .kind = FIELD_CHECKBOX, .name = "notify", .label = "me.notices_notify",
				       .value = json_is_true(json_object_get(n, "notify")) ? "1" : NULL });
	page_form_end(p, "me.notices_save");
	if (p->svc.actor->role == ROLE_COORDINATOR) {
		html_raw(&p->h, "<p>");
		page_link(p, page_t(p, "outbox.title"), "/outbox");
		html_raw(&p->h, "</p>");
	}
	p->err = saved;
	html_raw(&p->h, "</section>");
}

static void me_page(struct page *p, unsigned status)
{
	struct svc_error e;
	json_t *me = svc_me(&p->svc, &e);
	json_t *st = me ? svc_totp_status(&p->svc, true, &e) : NULL;
	if (!st) {
		json_decref(me);
		return page_fail(p, &e);
	}
	/* An error of the notices' form is shown there, not beside the second factor. */
	const struct svc_error *notices_err = NULL;
	if (p->err && (strcmp(p->err->field, "email") == 0 || strcmp(p->err->field, "notify") == 0)) {
		notices_err = p->err;
		p->err = NULL;
	}
	bool enrolled = json_is_true(json_object_get(st, "enrolled"));
	bool pending = json_is_true(json_object_get(st, "pending"));
	bool required = json_is_true(json_object_get(st, "required"));

	page_start(p, page_t(p, "me.title"));
	page_h1(p, "me.title");
	page_notice(p);
	if (required && !enrolled) {
		html_raw(&p->h, "<p class=\"notice\" role=\"status\">");
		page_text(p, "me.totp_required");
		html_raw(&p->h, "</p>");
	}
	html_raw(&p->h, "<dl class=\"facts\">");
	page_dl_row(p, "user.username", page_s(me, "username"));
	page_dl_row(p, "user.role", page_enum(p, &enum_role, page_s(me, "role")));
	html_raw(&p->h, "</dl>");

	html_raw(&p->h, "<section class=\"panel totp\"><h2>");
	page_text(p, "me.totp_title");
	html_raw(&p->h, "</h2>");
	if (enrolled) {
		char since[16], left[16];
		const char *on = page_s(st, "enrolled_on");
		snprintf(since, sizeof since, "%s", on ? on : "");
		snprintf(left, sizeof left, "%lld", (long long)page_int(st, "recovery_codes_left"));
		html_raw(&p->h, "<p>");
		page_textv(p, "me.totp_active", since, left, NULL);
		html_raw(&p->h, "</p><p>");
		page_text(p, "me.totp_lost");
		html_raw(&p->h, "</p>");
	} else if (pending) {
		pending_section(p, st);
	} else {
		html_raw(&p->h, "<p>");
		page_text(p, required ? "me.totp_none" : "me.totp_optional");
		html_raw(&p->h, "</p>");
		page_errors(p);
		page_form(p, "/me/totp");
		page_form_end(p, "me.totp_start");
	}
	html_raw(&p->h, "</section>");
	if (p->svc.actor->role != ROLE_FUNDER && !(required && !enrolled))
		notices_section(p, me, notices_err);
	json_decref(me);
	json_decref(st);
	page_end_status(p, status);
}

void page_me(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	me_page(&p, 200);
}

void page_me_totp_start(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	json_t *out = svc_totp_start(&p.svc, &e);
	if (!out)
		return page_fail(&p, &e);
	/* The secret is shown by GET /me while the enrolment is pending. */
	json_decref(out);
	page_redirect(&p, "/me");
}

/* The recovery codes, in the answer to the confirmation only: a reload shows /me without them. */
static void codes_page(struct page *p, const json_t *out)
{
	page_start(p, page_t(p, "me.codes_title"));
	page_h1(p, "me.codes_title");
	html_raw(&p->h, "<p class=\"notice\" role=\"status\">");
	page_text(p, "me.totp_done");
	html_raw(&p->h, "</p><p>");
	page_text(p, "me.codes_intro");
	html_raw(&p->h, "</p><ol class=\"recovery-codes\">");
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(out, "recovery_codes"), i, c) {
		html_raw(&p->h, "<li><code>");
		html_text(&p->h, json_string_value(c));
		html_raw(&p->h, "</code></li>");
	}
	html_raw(&p->h, "</ol><p><a class=\"button\" href=\"/\">");
	page_text(p, "me.continue");
	html_raw(&p->h, "</a></p>");
	page_end(p);
}

void page_me_totp_confirm(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	const char *code = page_in(&p, "code");
	json_t *in = json_pack("{s:s}", "code", code ? code : "");
	json_t *out = svc_totp_confirm(&p.svc, in, &e);
	json_decref(in);
	if (!out) {
		if (e.status != SVC_INVALID)
			return page_fail(&p, &e);
		p.err = &e;
		p.in = NULL; /* the wrong code is not shown again */
		return me_page(&p, 400);
	}
	codes_page(&p, out);
	json_decref(out);
}

void page_me_notices(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	const char *email = page_in(&p, "email"), *notify = page_in(&p, "notify");
	json_t *in = json_pack("{s:s, s:b}", "email", email ? email : "", "notify", notify && *notify);
	json_t *out = svc_me_set_notices(&p.svc, in, &e);
	json_decref(in);
	page_after_post(&p, out, &e, "/me?done=saved#notices", me_page);
}
