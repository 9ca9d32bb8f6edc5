/*
 * The report's words (labels.h): a thin layer over the i18n catalogues, so
 * that every export form and language says the same thing.
 */
#include "report/labels.h"

#include <stdio.h>

const char *report_label(enum lang l, const char *key)
{
	return key != NULL && i18n_has(l, key) ? i18n(l, key) : NULL;
}

const char *report_label_of(enum lang l, const struct enum_def *e, int v)
{
	char key[128];
	int n;

	if (e == NULL || v < 0 || v >= e->count)
		return NULL;
	n = snprintf(key, sizeof key, "report.%s.%s", e->name, e->values[v]);
	if (n < 0 || (size_t)n >= sizeof key)
		return NULL;
	const char *s = report_label(l, key);
	/* the interface's key is the same without "report." */
	return s ? s : report_label(l, key + sizeof "report." - 1);
}
