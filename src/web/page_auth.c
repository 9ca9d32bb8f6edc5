/* Logging in (password, then the second factor) and out, the language switch and the static files. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "web/app.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/static_assets.h"

#define LOGIN_COOKIE "nsp_login"
#define LANG_COOKIE "nsp_lang"
#define LOGIN_TOKEN_MAX 48

/*
 * The login form. It carries a token that must match a cookie set with it
 * (double submit), so that another site cannot log a browser in under an
 * account of its choosing (login CSRF): no session exists yet whose token
 * app_before could check.
 */
static void login_token(struct page *p, char token[LOGIN_TOKEN_MAX])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, LOGIN_TOKEN_MAX, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	http_set_cookie(p->req, LOGIN_COOKIE, token, -1, HTTP_COOKIE_DEFAULT);
}

static void login_form(struct page *p, unsigned status)
{
	char token[LOGIN_TOKEN_MAX];
	login_token(p, token);

	page_start(p, page_t(p, "login.title"));
	html_raw(&p->h, "<div class=\"narrow\">");
	page_h1(p, "login.title");
	page_notice(p);
	page_errors(p);
	html_raw(&p->h, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"login_csrf\"");
	html_attr(&p->h, "value", token);
	html_raw(&p->h, ">");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "username", .label = "login.username",
				       .required = true });
	page_field(p, &(struct field){ .kind = FIELD_PASSWORD, .name = "password", .label = "login.password",
				       .required = true });
	page_form_end(p, "login.submit");
	html_raw(&p->h, "</div>");
	page_end_status(p, status);
}

/*
 * The login's second step: the code from the authenticator app, or a
 * recovery code, with the challenge of the password step (opaque, useless
 * without a code) and a fresh double-submit token.
 */
static void code_form(struct page *p, const char *challenge, unsigned status)
{
	char token[LOGIN_TOKEN_MAX];
	login_token(p, token);

	page_start(p, page_t(p, "login.code_title"));
	html_raw(&p->h, "<div class=\"narrow\">");
	page_h1(p, "login.code_title");
	html_raw(&p->h, "<p>");
	page_text(p, "login.code_intro");
	html_raw(&p->h, "</p>");
	page_errors(p);
	html_raw(&p->h, "<form method=\"post\" action=\"/login/totp\"><input type=\"hidden\" name=\"login_csrf\"");
	html_attr(&p->h, "value", token);
	html_raw(&p->h, "><input type=\"hidden\" name=\"challenge\"");
	html_attr(&p->h, "value", challenge);
	html_raw(&p->h, ">");
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "code", .label = "login.code" });
	page_field(p, &(struct field){ .kind = FIELD_TEXT, .name = "recovery_code", .label = "login.recovery_code",
				       .hint = "login.recovery_hint" });
	page_form_end(p, "login.verify");
	html_raw(&p->h, "</div>");
	page_end_status(p, status);
}

/* Checks the double-submit token of the login forms; 0 when it matches. */
static int login_csrf_ok(struct page *p)
{
	char cookie[LOGIN_TOKEN_MAX];
	const char *sent = page_in(p, "login_csrf");
	return sent && http_cookie(p->req, LOGIN_COOKIE, cookie, sizeof cookie) == 0 &&
			       strlen(sent) == strlen(cookie) && sodium_memcmp(sent, cookie, strlen(cookie)) == 0
		       ? 0
		       : -1;
}

void page_login(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	if (p.svc.actor->logged_in)
		return page_redirect(&p, p.svc.actor->role == ROLE_FUNDER ? "/report" : "/");
	login_form(&p, 200);
}

/* Stores the language chosen before logging in as the user's own. */
static void adopt_lang(struct page *p, int64_t user_id)
{
	char lang[8];
	if (http_cookie(p->req, LANG_COOKIE, lang, sizeof lang) != 0)
		return;
	struct actor a = *p->svc.actor;
	struct svc s = p->svc;
	struct svc_error e;
	a.user_id = user_id;
	s.actor = &a;
	json_t *in = json_pack("{s:s}", "lang", strcmp(lang, "en") == 0 ? "en" : "sv");
	json_decref(svc_set_lang(&s, in, &e));
	json_decref(in);
	http_set_cookie(p->req, LANG_COOKIE, "", 0, HTTP_COOKIE_DEFAULT);
}

/* A session was started (out has "token" and "user"): the cookie, the language, the first page. */
static void logged_in(struct page *p, json_t *out)
{
	json_t *user = json_object_get(out, "user");
	app_set_session_cookie(p->req, page_s(out, "token"));
	http_set_cookie(p->req, LOGIN_COOKIE, "", 0, HTTP_COOKIE_DEFAULT);
	adopt_lang(p, page_int(user, "id"));
	bool funder = strcmp(page_s(user, "role") ? page_s(user, "role") : "", "funder") == 0;
	json_decref(out);
	page_redirect(p, funder ? "/report" : "/");
}

void page_login_post(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	char csrf[DB_CSRF_MAX];
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	if (login_csrf_ok(&p) != 0) {
		svc_fail(&e, SVC_FORBIDDEN, "formuläret har gått ut; försök igen",
			 "the form has expired; please try again");
		p.err = &e;
		return login_form(&p, 403);
	}
	json_t *in = json_pack("{s:s, s:s}", "username", page_in(&p, "username") ? page_in(&p, "username") : "",
			       "password", page_in(&p, "password") ? page_in(&p, "password") : "");
	json_t *out = svc_login(&p.svc, in, csrf, &e);
	json_decref(in);
	if (!out) {
		/* Which field was wrong is not said: the error belongs to the whole form. */
		e.field[0] = '\0';
		p.err = &e;
		return login_form(&p, svc_http_status(&e, NULL));
	}
	if (json_is_true(json_object_get(out, "second_factor_required"))) {
		/* A fresh page: what was typed (the password) is not shown again. */
		char challenge[APP_TOKEN_MAX];
		snprintf(challenge, sizeof challenge, "%s", page_s(out, "challenge") ? page_s(out, "challenge") : "");
		json_decref(out);
		p.in = NULL;
		code_form(&p, challenge, 200);
		sodium_memzero(challenge, sizeof challenge);
		return;
	}
	logged_in(&p, out);
}

void page_login_totp_post(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	char csrf[DB_CSRF_MAX];
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	if (login_csrf_ok(&p) != 0) {
		svc_fail(&e, SVC_FORBIDDEN, "formuläret har gått ut; logga in igen",
			 "the form has expired; please log in again");
		p.err = &e;
		return login_form(&p, 403);
	}
	const char *challenge = page_in(&p, "challenge"), *code = page_in(&p, "code");
	const char *recovery = page_in(&p, "recovery_code");
	json_t *in = json_pack("{s:s}", "challenge", challenge ? challenge : "");
	if (code && code[0])
		json_object_set_new(in, "code", json_string(code));
	if (recovery && recovery[0])
		json_object_set_new(in, "recovery_code", json_string(recovery));
	json_t *out = svc_login_totp(&p.svc, in, csrf, &e);
	json_decref(in);
	if (out)
		return logged_in(&p, out);
	p.err = &e;
	unsigned status = svc_http_status(&e, NULL);
	/* A field named: the challenge is still good, ask for the code again. Else start over. */
	p.in = NULL; /* the code typed is not shown again */
	if (e.field[0] && strcmp(e.field, "challenge") != 0 && challenge && challenge[0])
		return code_form(&p, challenge, status);
	login_form(&p, status);
}

void page_logout(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	json_decref(svc_logout(&p.svc, &e));
	app_set_session_cookie(req, NULL);
	page_redirect(&p, "/login?done=logged_out");
}

void page_lang_get(struct http_request *req)
{
	struct page p;
	page_init(&p, req);
	const char *to = http_query(req, "to");
	http_set_cookie(req, LANG_COOKIE, to && strcmp(to, "en") == 0 ? "en" : "sv", 365L * 24 * 3600,
			HTTP_COOKIE_DEFAULT);
	page_redirect(&p, p.svc.actor->logged_in ? "/" : "/login");
}

void page_lang_post(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	json_t *in = json_pack("{s:s}", "lang", page_in(&p, "lang") ? page_in(&p, "lang") : "");
	json_t *out = svc_set_lang(&p.svc, in, &e);
	json_decref(in);
	if (!out)
		return page_fail(&p, &e);
	json_decref(out);
	/* page_redirect refuses anything but a local path. */
	const char *back = page_in(&p, "back");
	page_redirect(&p, back && back[0] == '/' ? back : "/");
}

void page_static(struct http_request *req)
{
	for (size_t i = 0; i < nsp_static_count; i++) {
		const struct static_asset *a = &nsp_static_assets[i];
		if (req->tail && strcmp(req->tail, a->path) == 0) {
			/* Pages link a versioned URL, so a long cache life is safe. */
			http_allow_cache(req, 365u * 24 * 3600);
			http_reply_bytes(req, 200, a->content_type, a->data, a->len, NULL);
			return;
		}
	}
	http_reply_error(req, 404, "not_found", NULL, "filen finns inte", "no such file");
}
