/*
 * The Swedish words of the annual report, in one table (labels.c): gender
 * buckets, intervention codes, exploitation forms, referral sources, public
 * actors and reasons, outcomes, and the report's headings.
 */
#ifndef NSP_REPORT_LABELS_H
#define NSP_REPORT_LABELS_H

#include "domain/enums.h"

/*
 * The label of key: "<enum>.<name>" for a vocabulary value (enum names of
 * enums.h and report.h, e.g. "code.reflection", "bucket.girls",
 * "exploitation.multiple") or "report.<what>" for a heading. NULL when the
 * table has no such key. Static strings, never freed.
 */
const char *report_label(const char *key);

/* The label of value v of e ("<e->name>.<enum_name(e, v)>"); "?" when the
 * table lacks it (a unit test checks that it never does). */
const char *report_label_of(const struct enum_def *e, int v);

#endif
