/* The escaping HTML writer (see html.h). */
#include "web/html.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "domain/money.h"

void html_raw_(struct html *h, const char *lit, size_t len)
{
	buf_append(&h->b, lit, len);
}

void html_text(struct html *h, const char *s)
{
	if (s)
		buf_html(&h->b, s);
}

void html_textf(struct html *h, const char *fmt, ...)
{
	struct buf tmp = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&tmp, fmt, ap);
	va_end(ap);
	buf_html(&h->b, buf_str(&tmp));
	buf_release(&tmp);
}

void html_attr_(struct html *h, const char *name, const char *value)
{
	if (!value)
		return;
	buf_putc(&h->b, ' ');
	buf_puts(&h->b, name);
	buf_puts(&h->b, "=\"");
	buf_html(&h->b, value);
	buf_putc(&h->b, '"');
}

void html_attrf_(struct html *h, const char *name, const char *fmt, ...)
{
	struct buf tmp = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&tmp, fmt, ap);
	va_end(ap);
	html_attr_(h, name, buf_str(&tmp));
	buf_release(&tmp);
}

void html_flag_(struct html *h, const char *name, int on)
{
	if (!on)
		return;
	buf_putc(&h->b, ' ');
	buf_puts(&h->b, name);
}

void html_elem_(struct html *h, const char *tag, const char *text)
{
	buf_putc(&h->b, '<');
	buf_puts(&h->b, tag);
	buf_putc(&h->b, '>');
	html_text(h, text);
	buf_puts(&h->b, "</");
	buf_puts(&h->b, tag);
	buf_putc(&h->b, '>');
}

void html_int(struct html *h, int64_t v)
{
	buf_printf(&h->b, "%" PRId64, v);
}

void html_money(struct html *h, int64_t ore)
{
	char s[64];
	if (money_format(ore, s, sizeof s, 1) < 0)
		html_raw(h, "?");
	else
		buf_puts(&h->b, s); /* digits, separators, "kr": nothing to escape */
}

void html_day(struct html *h, day_t d)
{
	char s[DAY_BUFSZ];
	if (d == DAY_NONE)
		html_raw(h, "\xE2\x80\x93"); /* en dash */
	else
		buf_puts(&h->b, day_format(d, s));
}

void html_release(struct html *h)
{
	buf_release(&h->b);
}
