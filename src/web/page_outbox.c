/* The outbox (issue 17): the e-mail notices written, waiting or sent, for the coordinator. */
#include <stdio.h>

#include "web/page.h"
#include "web/routes.h"

void page_outbox(struct http_request *req)
{
	struct page p;
	struct svc_error e;
	page_init(&p, req);
	json_t *list = svc_outbox_list(&p.svc, http_query(req, "pending"), &e);
	if (!list)
		return page_fail(&p, &e);
	page_start(&p, page_t(&p, "outbox.title"));
	page_h1(&p, "outbox.title");
	html_raw(&p.h, "<p class=\"hint\">");
	page_text(&p, json_is_true(json_object_get(list, "sending")) ? "outbox.sending" : "outbox.kept");
	html_raw(&p.h, "</p><p class=\"filters\">");
	page_link(&p, page_t(&p, "outbox.pending_only"), "/outbox?pending=1");
	html_raw(&p.h, " \xC2\xB7 ");
	page_link(&p, page_t(&p, "outbox.all"), "/outbox");
	html_raw(&p.h, "</p>");
	const json_t *ns = json_object_get(list, "notices");
	if (json_array_size(ns) == 0) {
		html_raw(&p.h, "<p>");
		page_text(&p, "outbox.none");
		html_raw(&p.h, "</p>");
	} else {
		page_table(&p, NULL, "outbox.created", "outbox.kind", "outbox.recipient", "outbox.subject", "outbox.state",
			   NULL);
		size_t i;
		json_t *n;
		json_array_foreach(ns, i, n) {
			char key[48], state[160];
			html_raw(&p.h, "<tr><td>");
			html_text(&p.h, page_s(n, "created_at"));
			html_raw(&p.h, "</td><td>");
			snprintf(key, sizeof key, "outbox.kind.%s", page_s(n, "kind"));
			page_text(&p, key);
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_s(n, "recipient"));
			html_raw(&p.h, "</td><td>");
			html_text(&p.h, page_s(n, "subject"));
			html_raw(&p.h, "</td><td>");
			if (page_s(n, "sent_at")) {
				snprintf(state, sizeof state, "%s %s", page_t(&p, "outbox.sent"), page_s(n, "sent_at"));
				html_text(&p.h, state);
			} else {
				snprintf(state, sizeof state, "%s (%lld)", page_t(&p, "outbox.waiting"),
					 (long long)page_int(n, "attempts"));
				html_text(&p.h, state);
				if (page_s(n, "last_error")) {
					html_raw(&p.h, "<br><small>");
					html_text(&p.h, page_s(n, "last_error"));
					html_raw(&p.h, "</small>");
				}
			}
			html_raw(&p.h, "</td></tr>");
		}
		page_table_end(&p);
	}
	json_decref(list);
	page_end(&p);
}
