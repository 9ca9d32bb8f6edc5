#include "web/svc_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n/i18n.h"
#include "util/buf.h"
#include "web/validate.h"

json_t *svc_db_fail(struct svc *s, struct svc_error *e)
{
	/* The database's message may name tables or values: log it, show a plain sentence. */
	fprintf(stderr, "nsp: database: %s\n", db_errmsg(s->db));
	if (db_in_transaction(s->db))
		db_rollback(s->db);
	return svc_fail(e, SVC_INTERNAL, "ett internt fel inträffade; inget har sparats",
			"an internal error occurred; nothing was saved");
}

json_t *svc_not_found(struct svc_error *e)
{
	return svc_fail(e, SVC_NOT_FOUND, "finns inte", "not found");
}

json_t *svc_fail_field(struct svc_error *e, enum svc_status st, const char *field, const char *sv, const char *en)
{
	svc_fail(e, st, sv, en);
	snprintf(e->field, sizeof e->field, "%s", field);
	return NULL;
}

/* "<Label> måste vara något av: <list>." into e for field. */
static json_t *fail_with_list(struct svc_error *e, const char *field, const char *sv_list, const char *en_list)
{
	const char *lsv = v_label(field, LANG_SV), *len = v_label(field, LANG_EN);
	char sv[sizeof e->sv], en[sizeof e->en];
	snprintf(sv, sizeof sv, "%s måste vara något av: %s.", lsv ? lsv : "Värdet", sv_list);
	snprintf(en, sizeof en, "%s must be one of: %s.", len ? len : "The value", en_list);
	return svc_fail_field(e, SVC_INVALID, field, sv, en);
}

json_t *svc_fail_enum(struct svc_error *e, const char *field, const struct enum_def *def)
{
	char sv[256], en[256];
	v_enum_words(def, LANG_SV, sv, sizeof sv);
	v_enum_words(def, LANG_EN, en, sizeof en);
	return fail_with_list(e, field, sv, en);
}

json_t *svc_fail_choice(struct svc_error *e, const char *field, const char *const *choice_keys)
{
	struct buf sv = BUF_INIT, en = BUF_INIT;
	size_t n = 0;
	while (choice_keys[n])
		n++;
	for (size_t i = 0; i < n; i++) {
		const char *sep_sv = i == 0 ? "" : i + 1 < n ? ", " : " eller ";
		const char *sep_en = i == 0 ? "" : i + 1 < n ? ", " : " or ";
		buf_printf(&sv, "%s%s", sep_sv, i18n(LANG_SV, choice_keys[i]));
		buf_printf(&en, "%s%s", sep_en, i18n(LANG_EN, choice_keys[i]));
	}
	fail_with_list(e, field, buf_str(&sv), buf_str(&en));
	buf_release(&sv);
	buf_release(&en);
	return NULL;
}

json_t *svc_rule(struct svc_error *e, const struct verdict *v)
{
	svc_fail(e, SVC_RULE, v->sv, v->en);
	e->rule = v->rule;
	return NULL;
}

json_t *svc_day_json(day_t d)
{
	char b[DAY_BUFSZ];
	return d == DAY_NONE ? json_null() : json_string(day_format(d, b));
}

json_t *svc_mask_json(const struct enum_def *def, uint32_t mask)
{
	json_t *a = json_array();
	for (int i = 0; i < def->count && i < 32; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(def->values[i]));
	return a;
}

json_t *svc_not_theirs(struct svc *s, struct svc_error *e)
{
	if (s->app)
		app_audit_count(s->app, s->db, "read.denied", s->client_addr ? s->client_addr : "",
				s->actor ? s->actor->user_id : 0, (int64_t)time(NULL));
	return svc_not_found(e);
}

bool svc_sees_org(const struct svc *s, int64_t org)
{
	switch (s->actor->role) {
	case ROLE_COORDINATOR: return true;
	case ROLE_CASEWORKER: return org != 0 && org == s->actor->organisation_id;
	default: return false;
	}
}

int svc_query_year(const char *year, int dflt, struct svc_error *e)
{
	int y = year ? svc_parse_year(year) : dflt;
	if (y < 0)
		svc_fail_field(e, SVC_INVALID, "year", "ogiltigt år", "invalid year");
	return y;
}

/* A decimal count 0..max into *out; NULL leaves *out. 0 or -1. */
static int parse_count(const char *s, int64_t max, int64_t *out)
{
	if (!s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int svc_query_page(const char *limit, const char *offset, int64_t *lim, int64_t *off, struct svc_error *e)
{
	*off = 0;
	/* 1..1000: ?limit=0 used to answer everything (issue 16). */
	if (parse_count(limit, SVC_LIST_MAX, lim) != 0 || (limit && *lim < 1)) {
		svc_fail_field(e, SVC_INVALID, "limit", "limit är 1–1000", "limit is 1–1000");
		return -1;
	}
	if (parse_count(offset, INT64_MAX / 2, off) != 0) {
		svc_fail_field(e, SVC_INVALID, "offset", "ogiltig offset", "invalid offset");
		return -1;
	}
	return 0;
}

int svc_query_code(const char *in, char *out, size_t outsz, struct svc_error *e)
{
	size_t n = 0;
	out[0] = '\0';
	if (!in)
		return 0;
	while (*in == ' ')
		in++;
	for (; *in && *in != ' '; in++) {
		char c = *in;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') ||
		    n + 1 >= outsz)
			goto bad;
		out[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	while (*in == ' ')
		in++;
	out[n] = '\0';
	if (*in == '\0')
		return 0;
bad:
	out[0] = '\0';
	svc_fail_field(e, SVC_INVALID, "code",
		       "Ärendekoden består av bokstäver, siffror och bindestreck, till exempel NSP-2026-0042.",
		       "The case code is made of letters, digits and hyphens, for example NSP-2026-0042.");
	return -1;
}

int svc_query_order(const char *order, bool dflt, bool *newest_first, struct svc_error *e)
{
	static const char *const choices[] = { "list.order_newest", "list.order_oldest", NULL };
	*newest_first = dflt;
	if (!order || !*order)
		return 0;
	if (strcmp(order, "newest") == 0 || strcmp(order, "oldest") == 0) {
		*newest_first = strcmp(order, "newest") == 0;
		return 0;
	}
	svc_fail_choice(e, "order", choices);
	return -1;
}

int svc_query_id(const char *s, const char *field, int64_t *out, struct svc_error *e)
{
	*out = 0;
	if (!s || !*s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*s < '1' || *s > '9' || *end || v <= 0) {
		svc_fail_field(e, SVC_INVALID, field, "Ogiltigt id.", "Invalid id.");
		return -1;
	}
	*out = v;
	return 0;
}

int svc_parse_year(const char *s)
{
	if (!s || strlen(s) != 4)
		return -1;
	int y = 0;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	return y >= DAY_MIN_YEAR && y <= DAY_MAX_YEAR ? y : -1;
}
