/* E-mail notices: their words, their recipients, their dedupe keys. */
#include "web/notices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "i18n/i18n.h"
#include "store/pages.h"
#include "util/buf.h"
#include "web/service.h"

#define DIGEST_MAX_LINES 50

static const char *base_url(const struct svc *s)
{
	/* No app: the demo's generator, which serves on the default address. */
	const char *u = s->app ? app_config(s->app)->public_url : NULL;
	return u && *u ? u : "http://127.0.0.1:8080";
}

/* "Label: value\n" */
static void line(struct buf *b, enum lang l, const char *key, const char *value)
{
	buf_puts(b, i18n(l, key));
	buf_puts(b, ": ");
	buf_puts(b, value);
	buf_putc(b, '\n');
}

/* The closing lines of every notice: where to read more, why it came. */
static void closing(struct buf *b, enum lang l, const char *url)
{
	buf_putc(b, '\n');
	buf_puts(b, i18n(l, "notice.link"));
	buf_puts(b, " ");
	buf_puts(b, url);
	buf_puts(b, "\n\n");
	buf_puts(b, i18n(l, "notice.footer"));
	buf_putc(b, '\n');
}

/* Writes one notice per recipient; *written counts those not there before. */
static int add_each(struct svc *s, const struct db_recipient *r, size_t n, const char *kind, const char *dedupe_fact,
		    int64_t decision_id,
		    void (*compose)(const void *ctx, enum lang l, struct buf *subject, struct buf *body), const void *ctx,
		    int *written)
{
	for (size_t i = 0; i < n; i++) {
		enum lang l = i18n_lang(r[i].lang);
		struct buf subject = BUF_INIT, body = BUF_INIT, key = BUF_INIT;
		compose(ctx, l, &subject, &body);
		buf_printf(&key, "%s:", dedupe_fact);
		buf_puts(&key, r[i].email);
		struct db_outbox_new m = { .kind = kind, .recipient = r[i].email, .lang = i18n_code(l),
					   .subject = buf_str(&subject), .body = buf_str(&body),
					   .decision_id = decision_id, .dedupe = buf_str(&key) };
		bool added;
		int rc = db_outbox_add(s->db, &m, &added);
		buf_release(&subject);
		buf_release(&body);
		buf_release(&key);
		if (rc != DB_OK)
			return -1;
		if (added && written)
			(*written)++;
	}
	return 0;
}

/* ---------------------------------------------------------------- a decision made */

struct decision_ctx {
	const struct svc *s;
	const struct db_decision *d;
	const char *code;
};

static void compose_decision(const void *p, enum lang l, struct buf *subject, struct buf *body)
{
	const struct decision_ctx *c = p;
	const struct db_decision *d = c->d;
	char day[DAY_BUFSZ], day2[DAY_BUFSZ], money[48], url[256];
	buf_printf(subject, "NSP: %s %lld \xE2\x80\x93 ", i18n(l, "letter.decision_no"), (long long)d->id);
	buf_puts(subject, c->code);
	buf_puts(body, i18n(l, "notice.decision_intro"));
	buf_puts(body, "\n\n");
	line(body, l, "letter.case_code", c->code);
	line(body, l, "notice.what", i18n_enum(l, &enum_app_type, (int)d->type));
	line(body, l, "letter.outcome", i18n_enum(l, &enum_outcome, (int)d->outcome));
	line(body, l, "letter.decided_on", day_format(d->decided_on, day));
	if (d->from != DAY_NONE && d->outcome != OUTCOME_DENIED) {
		char period[96];
		snprintf(period, sizeof period, "%s \xE2\x80\x93 %s (%lld %s)", day_format(d->from, day), day_format(d->to, day2),
			 (long long)day_count(d->from, d->to), i18n(l, "letter.days"));
		line(body, l, "letter.granted_period", period);
	}
	if (d->total_ore > 0 && money_format(d->total_ore, money, sizeof money, 0) > 0)
		line(body, l, "letter.total", money);
	buf_putc(body, '\n');
	buf_puts(body, i18n(l, "notice.decision_letter"));
	buf_putc(body, '\n');
	snprintf(url, sizeof url, "%s/decisions/%lld", base_url(c->s), (long long)d->id);
	closing(body, l, url);
}

int notice_decision(struct svc *s, int64_t decision_id)
{
	struct db_decision d;
	struct db_recipient *r;
	size_t n;
	char code[DB_CODE_MAX], fact[64];
	int64_t org;
	if (db_decision_get(s->db, decision_id, &d) != DB_OK)
		return -1;
	int rc = -1;
	if (db_page_person_code(s->db, d.person_id, code, &org) != DB_OK)
		goto out;
	if (db_recipients_org(s->db, d.organisation_id, &r, &n) != DB_OK)
		goto out;
	struct decision_ctx c = { s, &d, code };
	snprintf(fact, sizeof fact, "decision:%lld", (long long)decision_id);
	rc = add_each(s, r, n, "decision", fact, decision_id, compose_decision, &c, NULL);
	free(r);
out:
	db_decision_free(&d);
	return rc;
}

/* ---------------------------------------------------------------- found by looking */

struct period_ctx {
	const struct svc *s;
	const struct db_page_decision *p;
	day_t today;
};

static void compose_period(const void *p, enum lang l, struct buf *subject, struct buf *body)
{
	const struct period_ctx *c = p;
	char day[DAY_BUFSZ], url[256];
	buf_puts(subject, "NSP: ");
	buf_puts(subject, i18n(l, "notice.period_subject"));
	buf_puts(subject, " \xE2\x80\x93 ");
	buf_puts(subject, c->p->code);
	buf_puts(body, i18n(l, "notice.period_intro"));
	buf_puts(body, "\n\n");
	line(body, l, "letter.case_code", c->p->code);
	line(body, l, "notice.what", i18n_enum(l, &enum_app_type, (int)c->p->type));
	line(body, l, "notice.period_ends", day_format(c->p->to, day));
	buf_putc(body, '\n');
	buf_puts(body, i18n(l, "notice.period_next"));
	buf_putc(body, '\n');
	snprintf(url, sizeof url, "%s/decisions/%lld", base_url(c->s), (long long)c->p->decision_id);
	closing(body, l, url);
}

struct recert_ctx {
	const struct svc *s;
	const char *org_name;
	const char *due_on;
};

static void compose_recert(const void *p, enum lang l, struct buf *subject, struct buf *body)
{
	const struct recert_ctx *c = p;
	buf_puts(subject, "NSP: ");
	buf_puts(subject, i18n(l, "notice.recert_subject"));
	buf_puts(body, i18n(l, "notice.recert_intro"));
	buf_puts(body, "\n\n");
	line(body, l, "letter.organisation", c->org_name);
	line(body, l, "notice.recert_due", c->due_on);
	closing(body, l, base_url(c->s));
}

struct digest_ctx {
	const struct svc *s;
	const json_t *apps;
	day_t today;
};

static void compose_digest(const void *p, enum lang l, struct buf *subject, struct buf *body)
{
	const struct digest_ctx *c = p;
	char day[DAY_BUFSZ], code[DB_CODE_MAX];
	size_t n = json_array_size(c->apps);
	buf_printf(subject, "NSP: %zu ", n);
	buf_puts(subject, i18n(l, "notice.digest_subject"));
	buf_printf(subject, " (%s)", day_format(c->today, day));
	buf_puts(body, i18n(l, "notice.digest_intro"));
	buf_puts(body, "\n\n");
	for (size_t i = 0; i < n && i < DIGEST_MAX_LINES; i++) {
		const json_t *a = json_array_get(c->apps, i);
		int64_t id = json_integer_value(json_object_get(a, "id"));
		int64_t org;
		if (db_page_person_code(c->s->db, json_integer_value(json_object_get(a, "person_id")), code, &org) != DB_OK)
			snprintf(code, sizeof code, "?");
		buf_puts(body, code);
		buf_puts(body, "  ");
		buf_puts(body, i18n_enum_name(l, &enum_app_type, json_string_value(json_object_get(a, "type"))));
		buf_puts(body, "  ");
		buf_puts(body, i18n(l, "letter.submitted_on"));
		buf_puts(body, " ");
		buf_puts(body, json_string_value(json_object_get(a, "submitted_on")));
		buf_printf(body, "\n  %s/applications/%lld\n", base_url(c->s), (long long)id);
	}
	if (n > DIGEST_MAX_LINES)
		buf_printf(body, "\xE2\x80\xA6 +%zu\n", n - DIGEST_MAX_LINES);
	char url[256];
	snprintf(url, sizeof url, "%s/queue", base_url(c->s));
	closing(body, l, url);
}

static int scan_periods(struct svc *s, day_t today, int *written)
{
	struct db_page_decision *p;
	size_t n;
	if (db_page_periods_ending(s->db, 0, today, today + NOTICE_PERIOD_DAYS, &p, &n) != DB_OK)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct db_recipient *r;
		size_t nr;
		char fact[64];
		if (db_recipients_org(s->db, p[i].organisation_id, &r, &nr) != DB_OK) {
			rc = -1;
			break;
		}
		struct period_ctx c = { s, &p[i], today };
		snprintf(fact, sizeof fact, "period_ending:%lld", (long long)p[i].decision_id);
		rc = add_each(s, r, nr, "period_ending", fact, 0, compose_period, &c, written);
		free(r);
	}
	free(p);
	return rc;
}

static int scan_recert(struct svc *s, int *written)
{
	struct svc_error e;
	char days[16];
	snprintf(days, sizeof days, "%d", NOTICE_RECERT_DAYS);
	json_t *due = svc_cert_due(s, days, &e);
	if (!due)
		return -1;
	const json_t *list = json_object_get(due, "organisations");
	int rc = 0;
	for (size_t i = 0; i < json_array_size(list) && rc == 0; i++) {
		const json_t *o = json_array_get(list, i);
		struct db_recipient *r;
		size_t nr;
		char fact[96];
		int64_t id = json_integer_value(json_object_get(o, "id"));
		const char *due_on = json_string_value(json_object_get(o, "due_on"));
		if (db_recipients_org(s->db, id, &r, &nr) != DB_OK) {
			rc = -1;
			break;
		}
		struct recert_ctx c = { s, json_string_value(json_object_get(o, "name")), due_on ? due_on : "" };
		snprintf(fact, sizeof fact, "recertification_due:%lld:%s", (long long)id, c.due_on);
		rc = add_each(s, r, nr, "recertification_due", fact, 0, compose_recert, &c, written);
		free(r);
	}
	json_decref(due);
	return rc;
}

static int scan_digest(struct svc *s, day_t today, int *written)
{
	struct svc_error e;
	json_t *list = svc_application_list(s, &(struct svc_application_query){ .status = "submitted" }, &e);
	if (!list)
		return -1;
	const json_t *apps = json_object_get(list, "applications");
	int rc = 0;
	if (json_array_size(apps) > 0) {
		struct db_recipient *r;
		size_t nr;
		char fact[48], day[DAY_BUFSZ];
		if (db_recipients_coordinators(s->db, &r, &nr) != DB_OK) {
			json_decref(list);
			return -1;
		}
		struct digest_ctx c = { s, apps, today };
		snprintf(fact, sizeof fact, "digest:%s", day_format(today, day));
		rc = add_each(s, r, nr, "digest", fact, 0, compose_digest, &c, written);
		free(r);
	}
	json_decref(list);
	return rc;
}

int notice_scan(struct svc *s, day_t today)
{
	int written = 0;
	if (db_begin(s->db) != 0)
		return -1;
	if (scan_periods(s, today, &written) != 0 || scan_recert(s, &written) != 0 ||
	    scan_digest(s, today, &written) != 0 || db_commit(s->db) != 0) {
		db_rollback(s->db);
		return -1;
	}
	return written;
}
