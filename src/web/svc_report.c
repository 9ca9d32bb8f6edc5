/* The annual report as a service: one place that loads, suppresses and renders it,
 * with the headings in the language of the logged-in user (JSON has none). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"
#include "report/export.h"
#include "report/tables.h"
#include "store/report.h"
#include "web/service.h"
#include "web/svc_util.h"

/* Loads the year's report, suppressed for open data, and audits the read
 * (detail: the form it is read in). 0, or -1 with e filled. */
static int report_read(struct svc *s, int year, const char *form, int open_data, int k, struct report *r,
		       struct svc_error *e)
{
	char detail[64];
	if (year < DAY_MIN_YEAR || year > DAY_MAX_YEAR) {
		svc_fail_field(e, SVC_INVALID, "year", "ogiltigt år", "invalid year");
		return -1;
	}
	if (open_data && (k < 1 || k > 1000)) {
		svc_fail_field(e, SVC_INVALID, "k", "k är ett heltal 1–1000", "k is an integer 1–1000");
		return -1;
	}
	if (db_report_load(s->db, year, r) != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	if (open_data && report_suppress(r, k) != 0) {
		svc_fail(e, SVC_INTERNAL, "rapporten kunde inte avidentifieras", "the report could not be anonymised");
		return -1;
	}
	snprintf(detail, sizeof detail, "%d %s%s", year, form, open_data ? " open-data" : "");
	if (db_audit_read(s->db, s->actor->user_id, "report.read", "year", year, detail) != 0) {
		svc_db_fail(s, e);
		return -1;
	}
	return 0;
}

int svc_report(struct svc *s, int year, int format, int open_data, int k, struct buf *out, struct svc_error *e)
{
	struct report r;
	char err[512];
	if (format < 0 || format >= REPORT_FORMAT__COUNT) {
		svc_fail_field(e, SVC_INVALID, "format", "formatet är json, csv, md, html eller xlsx",
			       "the format is json, csv, md, html or xlsx");
		return -1;
	}
	if (report_read(s, year, report_format_name((enum report_format)format), open_data, k, &r, e) != 0)
		return -1;
	if (report_write_buf(&r, (enum report_format)format, i18n_lang(s->actor->lang), out, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: report: %s\n", err);
		svc_fail(e, SVC_INTERNAL, "rapporten kunde inte skrivas", "the report could not be written");
		return -1;
	}
	return 0;
}

int svc_report_tables(struct svc *s, int year, struct report_tables *ts, struct svc_error *e)
{
	struct report r;
	if (report_read(s, year, "page", 0, 0, &r, e) != 0)
		return -1;
	report_tables_build(&r, i18n_lang(s->actor->lang), ts);
	return 0;
}
