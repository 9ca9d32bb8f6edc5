/*
 * The certification state machine, recertification due dates and the
 * minimum-requirements checklist (certification.h; domain.md §3).
 */
#include "certification.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const follow_up_kind_names[] = { "site_visit", "survey", "network_meeting" };
_Static_assert(sizeof follow_up_kind_names / sizeof follow_up_kind_names[0] == FOLLOW_UP__COUNT,
	       "enum_follow_up_kind table does not match its enum");
const struct enum_def enum_follow_up_kind = { "follow_up_kind", follow_up_kind_names, FOLLOW_UP__COUNT };

/* The id of every refusal of this file: no programme rule number, the
 * certification process of domain.md §3. */
#define CERT_RULE "certification"

/* allowed[from + 1][to]: row 0 is "no history yet". */
static const bool allowed[CERT__COUNT + 1][CERT__COUNT] = {
	/*                prospect in_process certified suspended revoked */
	/* (none)     */ { true,    true,      false,    false,    false },
	/* prospect   */ { false,   true,      false,    false,    false },
	/* in_process */ { true,    false,     true,     false,    false },
	/* certified  */ { false,   false,     true,     true,     true },
	/* suspended  */ { false,   false,     true,     false,    true },
	/* revoked    */ { true,    true,      false,    false,    false },
};

static const char *status_sv(int s)
{
	static const char *const sv[CERT__COUNT] = {
		"intresserad", "pågående certifieringsprocess", "certifierad", "avstängd", "återkallad",
	};
	return s >= 0 && s < CERT__COUNT ? sv[s] : "ingen certifiering";
}

static const char *status_en(int s)
{
	static const char *const en[CERT__COUNT] = {
		"prospect", "certification in process", "certified", "suspended", "revoked",
	};
	return s >= 0 && s < CERT__COUNT ? en[s] : "no certification";
}

/* Fills *v (when not NULL) with CERT_RULE and both messages; the formats
 * take the same arguments ("%.0s" skips the other language's words). */
__attribute__((format(printf, 2, 4), format(printf, 3, 4)))
static void refuse(struct verdict *v, const char *sv, const char *en, ...)
{
	va_list ap, aq;

	if (v == NULL)
		return;
	v->rule = CERT_RULE;
	va_start(ap, en);
	va_copy(aq, ap);
	if (vsnprintf(v->sv, sizeof v->sv, sv, ap) < 0)
		v->sv[0] = '\0';
	if (vsnprintf(v->en, sizeof v->en, en, aq) < 0)
		v->en[0] = '\0';
	va_end(aq);
	va_end(ap);
}

static void allow(struct verdict *v)
{
	if (v == NULL)
		return;
	v->rule = NULL;
	v->sv[0] = v->en[0] = '\0';
}

int cert_current(const struct cert_event *h, size_t n)
{
	return h != NULL && n > 0 ? (int)h[n - 1].status : -1;
}

bool cert_transition_allowed(int from, enum cert_status to)
{
	if (from < -1 || from >= CERT__COUNT || (unsigned)to >= CERT__COUNT)
		return false;
	return allowed[from + 1][to];
}

/* "a, b" of the states reachable from `from`, in one language. */
static void reachable(int from, bool english, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int to = 0; to < CERT__COUNT; to++) {
		if (!cert_transition_allowed(from, (enum cert_status)to))
			continue;
		int w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
				 english ? status_en(to) : status_sv(to));
		if (w < 0 || (size_t)w >= size - len)
			return;
		len += (size_t)w;
	}
}

enum cert_check cert_check_event(const struct cert_event *h, size_t n, enum cert_status to, day_t date,
				 struct verdict *v)
{
	int from = cert_current(h, n);
	char next_sv[160], next_en[160], d[DAY_BUFSZ];

	if (!cert_transition_allowed(from, to)) {
		reachable(from, false, next_sv, sizeof next_sv);
		reachable(from, true, next_en, sizeof next_en);
		/* Each format skips the other language's words with "%.0s". */
		refuse(v, "certifieringen kan inte gå från %s%.0s till %s%.0s; härifrån kan den gå till: %s%.0s",
		       "the certification cannot go from %.0s%s to %.0s%s; from here it can go to: %.0s%s",
		       status_sv(from), status_en(from), status_sv((int)to), status_en((int)to), next_sv, next_en);
		return CERT_EVENT_TRANSITION;
	}
	if (n > 0 && date < h[n - 1].date) {
		day_format(h[n - 1].date, d);
		refuse(v, "händelsen kan inte dateras före den senaste i historiken (%s)",
		       "the event cannot be dated before the latest one in the history (%s)", d);
		return CERT_EVENT_DATE;
	}
	allow(v);
	return CERT_EVENT_OK;
}

day_t cert_certified_since(const struct cert_event *h, size_t n)
{
	if (cert_current(h, n) != CERT_CERTIFIED)
		return DAY_NONE;
	/* The last event is a certified one: the latest certification, renewal
	 * or reinstatement began the current period. */
	return h[n - 1].date;
}

day_t cert_add_months(day_t d, int months)
{
	int y, m, md;

	day_to_ymd(d, &y, &m, &md);
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	if (md > day_days_in_month(y, m))
		md = day_days_in_month(y, m);
	return day_from_ymd(y, m, md);
}

day_t cert_due(const struct cert_event *h, size_t n, int interval_months)
{
	day_t since = cert_certified_since(h, n);

	if (since == DAY_NONE || interval_months <= 0)
		return DAY_NONE;
	return cert_add_months(since, interval_months);
}

bool cert_key_valid(const char *key)
{
	size_t len;

	if (key == NULL || !(key[0] >= 'a' && key[0] <= 'z'))
		return false;
	len = strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return key[len] == '\0' && len < CERT_REQ_KEY_MAX;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void cert_key_from_label(const char *label, char out[CERT_REQ_KEY_MAX])
{
	const char *c = label ? label : "";
	size_t n = 0;
	bool gap = false;
	for (; *c; c++) {
		if (!key_char(*c)) {
			gap = n > 0;
			continue;
		}
		bool digit_first = n == 0 && *c >= '0' && *c <= '9';
		if (n + (digit_first ? 4 : 0) + gap + 1 > CERT_REQ_KEY_MAX - 1)
			break;
		if (digit_first) {
			memcpy(out, "req_", 4);
			n = 4;
		}
		if (gap)
			out[n++] = '_';
		gap = false;
		out[n++] = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
	}
	/* Cut in the middle of a word: the key ends at the word before. */
	if (*c && key_char(*c) && c > label && key_char(c[-1])) {
		size_t u = n;
		while (u > 0 && out[u - 1] != '_')
			u--;
		if (u > 1)
			n = u - 1;
	}
	if (n == 0) {
		memcpy(out, "req", 3);
		n = 3;
	}
	out[n] = '\0';
}

bool cert_items_met(const struct cert_item *items, size_t n, size_t *unmet, struct verdict *v)
{
	for (size_t i = 0; i < n; i++) {
		if (!items[i].required || items[i].met)
			continue;
		if (unmet != NULL)
			*unmet = i;
		/* The requirement by its words (the checklist's labels), not its key. */
		refuse(v, "minimikravet ”%s%.0s” är inte uppfyllt; en certifiering kräver alla obligatoriska krav",
		       "the minimum requirement “%.0s%s” is not met; a certification needs every required one",
		       items[i].label_sv && *items[i].label_sv ? items[i].label_sv : items[i].key,
		       items[i].label_en && *items[i].label_en ? items[i].label_en : items[i].key);
		return false;
	}
	allow(v);
	return true;
}
