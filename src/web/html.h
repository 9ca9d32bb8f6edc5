/*
 * An HTML writer that escapes by construction (after kcgi's khtml_*): the
 * only way to put markup into a page is html_raw() with a string LITERAL
 * (the macro refuses anything else at compile time), and every other text,
 * attribute value, number, amount or date goes through an escaping call.
 * User data can therefore never reach a page unescaped.
 *
 *     struct html h = HTML_INIT;
 *     html_raw(&h, "<p class=\"code\">");
 *     html_text(&h, person_code);            // escaped
 *     html_raw(&h, "</p>");
 *     http_reply_html_buf(req, 200, &h.b);    // hands over the storage
 */
#ifndef NSP_WEB_HTML_H
#define NSP_WEB_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "domain/day.h"
#include "util/buf.h"

struct html {
	struct buf b;
};

#define HTML_INIT { BUF_INIT }

/* Trusted markup. `"" lit ""` only compiles when lit is a string literal. */
#define html_raw(h, lit) html_raw_((h), "" lit "", sizeof("" lit "") - 1)
void html_raw_(struct html *h, const char *lit, size_t len);

/* Escaped text (& < > " '); NULL writes nothing. */
void html_text(struct html *h, const char *s);
/* printf-formatted, then escaped. */
void html_textf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ` name="value"` with the value escaped; name must be a literal. NULL value writes nothing. */
#define html_attr(h, name, value) html_attr_((h), "" name "", (value))
void html_attr_(struct html *h, const char *name, const char *value);
/* ` name="<formatted>"`, escaped. For URLs built from ids: html_attrf(h, "href", "/persons/%lld", id). */
#define html_attrf(h, name, ...) html_attrf_((h), "" name "", __VA_ARGS__)
void html_attrf_(struct html *h, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* ` name` (a boolean attribute) when on is non-zero. */
#define html_flag(h, name, on) html_flag_((h), "" name "", (on))
void html_flag_(struct html *h, const char *name, int on);

/* <tag>escaped text</tag>; tag must be a literal. */
#define html_elem(h, tag, text) html_elem_((h), "" tag "", (text))
void html_elem_(struct html *h, const char *tag, const char *text);

/* A decimal integer. */
void html_int(struct html *h, int64_t v);
/* An amount in the Swedish way with no-break spaces: "3 115 133 kr" (money_format). */
void html_money(struct html *h, int64_t ore);
/* "2025-03-04"; an en dash for DAY_NONE. */
void html_day(struct html *h, day_t d);

/* Releases the storage (after an error; a reply takes it with http_reply_html_buf(&h.b)). */
void html_release(struct html *h);

#endif
