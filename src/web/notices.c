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

/* ---------------------------------------------------------------- a claim approved or rejected */

#define CLAIM_FACT "claim:"

struct claim_ctx {
	const struct svc *s;
	const struct db_claim *c;
	const char *code;
};

static void compose_claim(const void *p, enum lang l, struct buf *subject, struct buf *body)
{
	const struct claim_ctx *x = p;
	const struct db_claim *c = x->c;
	char day[DAY_BUFSZ], day2[DAY_BUFSZ], text[96], url[256];
	bool paid = c->status == CLAIM_PAID;
	buf_printf(subject, "NSP: %s %lld ", i18n(l, "letter.claim_no"), (long long)c->id);
	buf_puts(subject, i18n(l, paid ? "notice.claim_paid" : "notice.claim_rejected"));
	buf_puts(subject, " \xE2\x80\x93 ");
	buf_puts(subject, x->code);
	buf_puts(body, i18n(l, "notice.claim_intro"));
	buf_puts(body, "\n\n");
	line(body, l, "letter.case_code", x->code);
	line(body, l, "notice.what", i18n_enum(l, &enum_app_type, (int)c->type));
	line(body, l, "letter.claim_reference", c->reference ? c->reference : "");
	if (c->from != DAY_NONE)
		snprintf(text, sizeof text, "%s \xE2\x80\x93 %s (%lld %s)", day_format(c->from, day), day_format(c->to, day2),
			 (long long)day_count(c->from, c->to), i18n(l, "letter.days"));
	else
		snprintf(text, sizeof text, "%lld %s", (long long)c->units, i18n(l, "letter.units"));
	line(body, l, "letter.claimed", text);
	if (money_format(c->amount_ore, text, sizeof text, 0) > 0)
		line(body, l, "letter.claim_total", text);
	line(body, l, "letter.outcome", i18n_enum(l, &enum_claim_status, (int)c->status));
	line(body, l, paid ? "letter.claim_paid_on" : "letter.claim_rejected_on", day_format(c->decided_on, day));
	buf_putc(body, '\n');
	/* The reason of a rejection is the coordinator's free text: read in NSP, not mailed. */
	if (!paid) {
		buf_puts(body, i18n(l, "letter.claim_reason_in_system"));
		buf_putc(body, '\n');
	}
	buf_puts(body, i18n(l, "notice.claim_letter"));
	buf_putc(body, '\n');
	snprintf(url, sizeof url, "%s/decisions/%lld", base_url(x->s), (long long)c->decision_id);
	closing(body, l, url);
}

int notice_claim(struct svc *s, int64_t claim_id)
{
	struct db_claim c;
	struct db_recipient *r;
	size_t n;
	char code[DB_CODE_MAX], fact[64];
	int64_t org;
	if (db_claim_get(s->db, claim_id, &c) != DB_OK)
		return -1;
	int rc = -1;
	if (db_page_person_code(s->db, c.person_id, code, &org) != DB_OK)
		goto out;
	if (db_recipients_org(s->db, c.organisation_id, &r, &n) != DB_OK)
		goto out;
	struct claim_ctx x = { s, &c, code };
	snprintf(fact, sizeof fact, CLAIM_FACT "%lld", (long long)claim_id);
	rc = add_each(s, r, n, "claim", fact, c.decision_id, compose_claim, &x, NULL);
	free(r);
out:
	db_claim_free(&c);
	return rc;
}

int64_t notice_claim_of(const struct db_outbox *n)
{
	size_t k = strlen(CLAIM_FACT);
	if (strcmp(n->kind, "claim") != 0 || !n->dedupe || strncmp(n->dedupe, CLAIM_FACT, k) != 0)
		return 0;
	char *end;
	long long id = strtoll(n->dedupe + k, &end, 10);
	return *end == ':' && id > 0 ? id : 0;
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
	const json_t *apps, *claims;   /* the applications and the claims waiting */
	int64_t n_claims;              /* every claim waiting (claims: the first of them) */
	day_t today;
};

/* One list of the digest: per row the case code, the intervention, what amount (claims), the day it came
 * in (day_key, its label) and the page to decide it on (href and its id); at most DIGEST_MAX_LINES, then how many more. */
static void digest_list(const struct digest_ctx *c, enum lang l, struct buf *body, const json_t *rows, size_t total,
			const char *intro_key, const char *day_key, const char *href, bool amount)
{
	char code[DB_CODE_MAX], money[48];
	size_t n = json_array_size(rows);
	if (total == 0)
		return;
	buf_puts(body, i18n(l, intro_key));
	buf_puts(body, "\n\n");
	for (size_t i = 0; i < n && i < DIGEST_MAX_LINES; i++) {
		const json_t *x = json_array_get(rows, i);
		int64_t org;
		if (db_page_person_code(c->s->db, json_integer_value(json_object_get(x, "person_id")), code, &org) != DB_OK)
			snprintf(code, sizeof code, "?");
		buf_puts(body, code);
		buf_puts(body, "  ");
		buf_puts(body, i18n_enum_name(l, &enum_app_type, json_string_value(json_object_get(x, "type"))));
		if (amount && money_format(json_integer_value(json_object_get(x, "amount_ore")), money, sizeof money, 0) > 0) {
			buf_puts(body, "  ");
			buf_puts(body, money);
		}
		buf_puts(body, "  ");
		buf_puts(body, i18n(l, day_key));
		buf_puts(body, " ");
		buf_puts(body, json_string_value(json_object_get(x, "submitted_on")));
		buf_puts(body, "\n  ");
		buf_puts(body, base_url(c->s));
		buf_puts(body, href);
		buf_printf(body, "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		buf_putc(body, '\n');
	}
	if (total > DIGEST_MAX_LINES)
		buf_printf(body, "\xE2\x80\xA6 +%zu\n", total - DIGEST_MAX_LINES);
}

static void compose_digest(const void *p, enum lang l, struct buf *subject, struct buf *body)
{
	const struct digest_ctx *c = p;
	char day[DAY_BUFSZ], url[256];
	size_t apps = json_array_size(c->apps), claims = (size_t)c->n_claims;
	buf_puts(subject, "NSP: ");
	if (apps)
		buf_printf(subject, "%zu %s", apps, i18n(l, "notice.digest_subject"));
	if (apps && claims)
		buf_puts(subject, ", ");
	if (claims)
		buf_printf(subject, "%zu %s", claims, i18n(l, "notice.digest_claims_subject"));
	buf_printf(subject, " (%s)", day_format(c->today, day));
	digest_list(c, l, body, c->apps, apps, "notice.digest_intro", "letter.submitted_on", "/applications/",
		    false);
	if (apps && claims)
		buf_putc(body, '\n');
	digest_list(c, l, body, c->claims, claims, "notice.digest_claims_intro", "letter.claim_submitted_on",
		    "/claims#claim-", true);
	snprintf(url, sizeof url, "%s%s", base_url(c->s), apps ? "/queue" : "/claims");
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
	/* The claims waiting (the list's order: the newest first), their total for "… +N". */
	char max[16];
	snprintf(max, sizeof max, "%d", DIGEST_MAX_LINES);
	struct svc_claim_query q = { .status = "submitted", .limit = max };
	json_t *claims = svc_claim_list(s, &q, &e);
	if (!claims) {
		json_decref(list);
		return -1;
	}
	const json_t *apps = json_object_get(list, "applications");
	struct digest_ctx c = { s, apps, json_object_get(claims, "claims"), json_integer_value(json_object_get(claims, "total")),
				today };
	int rc = 0;
	if (json_array_size(apps) > 0 || c.n_claims > 0) {
		struct db_recipient *r;
		size_t nr;
		char fact[48], day[DAY_BUFSZ];
		if (db_recipients_coordinators(s->db, &r, &nr) != DB_OK) {
			json_decref(list);
			json_decref(claims);
			return -1;
		}
		snprintf(fact, sizeof fact, "digest:%s", day_format(today, day));
		rc = add_each(s, r, nr, "digest", fact, 0, compose_digest, &c, written);
		free(r);
	}
	json_decref(list);
	json_decref(claims);
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
