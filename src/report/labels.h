/*
 * The words of the annual report's exports, looked up in the catalogues
 * it shares with the interface (src/i18n/sv.c, en.c): one per language.
 * The report shares an entry with the interface where both mean the same
 * (gender buckets, most intervention codes, "report.title", ...) and has
 * its own "report.*" key where the funder's report words it differently.
 */
#ifndef NSP_REPORT_LABELS_H
#define NSP_REPORT_LABELS_H

#include "domain/enums.h"
#include "i18n/i18n.h"

/*
 * The text of key in language l (e.g. "report.persons", "bucket.total"):
 * static storage, never freed; NULL when the catalogue of l lacks it (not
 * logged: the caller decides what a missing word means).
 */
const char *report_label(enum lang l, const char *key);

/*
 * The report's label of value v of e in language l: the report's own
 * "report.<e->name>.<name>" where the funder's report names the value
 * differently from the interface (e.g. "report.code.extended"), else the
 * interface's "<e->name>.<name>". NULL when v is out of range or neither
 * key is in the catalogue. Static storage.
 */
const char *report_label_of(enum lang l, const struct enum_def *e, int v);

#endif
