/* Catalogue texts with placeholders filled into HTML (see i18n_html.h). */
#include "web/i18n_html.h"

#include "util/buf.h"

void i18n_html(struct html *h, enum lang l, const char *key, const char *const *args, size_t n)
{
	const char *t = i18n(l, key);
	struct buf lit = BUF_INIT;
	for (const char *p = t; *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}' && (size_t)(p[1] - '1') < n) {
			html_text(h, buf_str(&lit));
			buf_reset(&lit);
			html_text(h, args[p[1] - '1']);
			p += 2;
			continue;
		}
		buf_putc(&lit, *p);
	}
	html_text(h, buf_str(&lit));
	buf_release(&lit);
}
