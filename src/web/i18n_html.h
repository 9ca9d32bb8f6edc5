/*
 * A catalogue text (i18n/i18n.h) written into an HTML page, with its
 * placeholders filled: the one part of i18n that needs the web layer's
 * escaping writer (web/html.h).
 */
#ifndef NSP_WEB_I18N_HTML_H
#define NSP_WEB_I18N_HTML_H

#include <stddef.h>

#include "i18n/i18n.h"
#include "web/html.h"

/*
 * Writes the text of key into h, escaped, with each {N} (1 <= N <= n)
 * replaced by args[N-1], escaped too. A placeholder without an argument is
 * written as is.
 */
void i18n_html(struct html *h, enum lang l, const char *key, const char *const *args, size_t n);

#endif
