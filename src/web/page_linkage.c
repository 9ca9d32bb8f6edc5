/*
 * Possible duplicates (issue 19), the coordinator's page: pairs of records
 * that may be one person, with their similarity and which fields agree,
 * never an identity; and the coordinator's word on a pair, asked for
 * confirmation on the server (page_confirmed). The same services as
 * GET/POST /api/v1/duplicates.
 */
#include <stdio.h>
#include <string.h>

#include "web/page.h"
#include "web/routes.h"

static const char *const fields[] = { "name", "birth_date", "birth_country" };

/* The {k} placeholder is 1 + these bits (ids in paths are positive): which
 * side of the pair is a contact (else a person). */
enum { K_A_CONTACT = 1, K_B_CONTACT = 2 };

/* "NSP-2024-12345678" for a person, "kontakt 12" for a contact. */
static void subject_label(struct page *p, const json_t *sub, char *out, size_t sz)
{
	if (page_s(sub, "code"))
		snprintf(out, sz, "%s", page_s(sub, "code"));
	else
		snprintf(out, sz, "%s %lld", page_t(p, "duplicates.contact"), (long long)page_int(sub, "id"));
}

static void subject_cell(struct page *p, const json_t *sub)
{
	char label[64];
	subject_label(p, sub, label, sizeof label);
	html_raw(&p->h, "<td>");
	if (strcmp(page_s(sub, "kind"), "person") == 0)
		page_link(p, label, "/persons/%lld", (long long)page_int(sub, "id"));
	else
		html_text(&p->h, label);
	html_raw(&p->h, "<br><small>");
	html_text(&p->h, page_s(sub, "organisation") ? page_s(sub, "organisation") : "");
	html_raw(&p->h, "</small></td>");
}

/* A similarity 0..1 as whole percent: "82 %" reads the same in both languages. */
static int percent(const json_t *v)
{
	return (int)(json_number_value(v) * 100 + 0.5);
}

/* "agrees (97 %)", "differs (41 %)" or "missing" for one field of a pair. */
static void field_cell(struct page *p, const json_t *f)
{
	char text[64];
	html_raw(&p->h, "<td>");
	if (!json_is_object(f)) {
		page_text(p, "duplicates.missing");
	} else {
		snprintf(text, sizeof text, "%s (%d\xC2\xA0%%)",
			 page_t(p, json_is_true(json_object_get(f, "agrees")) ? "duplicates.agrees" : "duplicates.differs"),
			 percent(json_object_get(f, "similarity")));
		html_text(&p->h, text);
	}
	html_raw(&p->h, "</td>");
}

/* The two buttons of a pair: each posts to /duplicates/{a}/{b}/{k}/same|not-same. */
static void mark_forms(struct page *p, const json_t *pair)
{
	const json_t *a = json_object_get(pair, "a"), *b = json_object_get(pair, "b");
	int k = 1 + ((strcmp(page_s(a, "kind"), "contact") == 0 ? K_A_CONTACT : 0) |
		     (strcmp(page_s(b, "kind"), "contact") == 0 ? K_B_CONTACT : 0));
	const char *mark = page_s(pair, "mark");
	html_raw(&p->h, "<td class=\"actions\">");
	if (!mark || strcmp(mark, "same") != 0) {
		page_form(p, "/duplicates/%lld/%lld/%d/same", (long long)page_int(a, "id"), (long long)page_int(b, "id"), k);
		page_form_end(p, "duplicates.same_button");
	}
	if (!mark || strcmp(mark, "not_same") != 0) {
		page_form(p, "/duplicates/%lld/%lld/%d/not-same", (long long)page_int(a, "id"), (long long)page_int(b, "id"),
			  k);
		page_form_end(p, "duplicates.not_same_button");
	}
	html_raw(&p->h, "</td>");
}

void page_duplicates(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	char text[64];
	page_init(&p, req);
	json_t *list = svc_duplicates_list(&p.svc, &e);
	if (!list)
		return page_fail(&p, &e);
	page_start(&p, page_t(&p, "duplicates.title"));
	page_h1(&p, "duplicates.title");
	page_notice(&p);
	html_raw(&p.h, "<p class=\"hint\">");
	snprintf(text, sizeof text, "%d\xC2\xA0%%", percent(json_object_get(list, "threshold")));
	page_textv(&p, "duplicates.hint", text, NULL);
	html_raw(&p.h, "</p>");
	const json_t *pairs = json_object_get(list, "pairs");
	if (json_array_size(pairs) == 0) {
		html_raw(&p.h, "<p>");
		page_text(&p, "duplicates.none");
		html_raw(&p.h, "</p>");
	} else {
		page_table(&p, NULL, "duplicates.a", "duplicates.b", "duplicates.similarity", "identity.name",
			   "identity.birth_date", "identity.birth_country", "duplicates.mark", "duplicates.actions", NULL);
		size_t i;
		json_t *pair;
		json_array_foreach(pairs, i, pair) {
			html_raw(&p.h, "<tr>");
			subject_cell(&p, json_object_get(pair, "a"));
			subject_cell(&p, json_object_get(pair, "b"));
			html_raw(&p.h, "<td>");
			snprintf(text, sizeof text, "%d\xC2\xA0%%", percent(json_object_get(pair, "similarity")));
			html_text(&p.h, text);
			if (json_is_true(json_object_get(pair, "exact"))) {
				html_raw(&p.h, "<br><small>");
				page_text(&p, "duplicates.exact");
				html_raw(&p.h, "</small>");
			}
			if (!json_is_true(json_object_get(pair, "across_organisations"))) {
				html_raw(&p.h, "<br><small>");
				page_text(&p, "duplicates.within");
				html_raw(&p.h, "</small>");
			}
			html_raw(&p.h, "</td>");
			const json_t *fs = json_object_get(pair, "fields");
			for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
				field_cell(&p, json_object_get(fs, fields[f]));
			html_raw(&p.h, "<td>");
			const char *mark = page_s(pair, "mark");
			page_text(&p, !mark ? "duplicates.unmarked"
				      : strcmp(mark, "same") == 0 ? "duplicates.mark.same"
								  : "duplicates.mark.not_same");
			html_raw(&p.h, "</td>");
			mark_forms(&p, pair);
			html_raw(&p.h, "</tr>");
		}
		page_table_end(&p);
	}
	json_decref(list);
	page_end(&p);
}

/* Marks the pair of the path, after the confirmation. */
static void mark(struct http_request *req, bool same)
{
	struct page p;
	struct svc_error e;
	char what[96];
	page_init(&p, req);
	if (page_parse(&p) != 0)
		return;
	int64_t k = req->ids[2] - 1;
	if (k < 0 || k > (K_A_CONTACT | K_B_CONTACT)) {
		page_invalid(&e, "k", "okänd sorts post", "unknown kind of record");
		return page_fail(&p, &e);
	}
	snprintf(what, sizeof what, "%s %lld, %s %lld", page_t(&p, k & K_A_CONTACT ? "duplicates.contact" : "duplicates.person"),
		 (long long)req->ids[0], page_t(&p, k & K_B_CONTACT ? "duplicates.contact" : "duplicates.person"),
		 (long long)req->ids[1]);
	if (!page_confirmed_check(&p, same ? "duplicates.confirm_same" : "duplicates.confirm_not_same", what,
				  same ? "duplicates.same_button" : "duplicates.not_same_button", "/duplicates",
				  "duplicates.confirm_check"))
		return;
	json_t *in = json_pack("{s:b, s:s, s:s}", "same", same, "a_kind", k & K_A_CONTACT ? "contact" : "person",
			       "b_kind", k & K_B_CONTACT ? "contact" : "person");
	json_t *out = svc_duplicates_mark(&p.svc, req->ids[0], req->ids[1], in, &e);
	json_decref(in);
	if (!out)
		return page_fail(&p, &e);
	json_decref(out);
	page_redirect(&p, "/duplicates?done=marked");
}

void page_duplicates_same(struct http_request *req)
{
	mark(req, true);
}

void page_duplicates_not_same(struct http_request *req)
{
	mark(req, false);
}
