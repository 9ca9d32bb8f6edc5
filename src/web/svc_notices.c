/* E-mail notices (issue 17): where they go, and the outbox as the coordinator sees it. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/service.h"
#include "web/svc_util.h"

/* A plain address: local@domain, printable ASCII without spaces, quotes,
 * angle brackets or separators (it goes into SMTP commands and headers). */
static bool email_ok(const char *s)
{
	size_t len = strlen(s);
	const char *at = strchr(s, '@');
	if (len < 3 || len >= DB_EMAIL_MAX || !at || at == s || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p >= 127 || strchr("<>()[]\\,;:\"'", *p))
			return false;
	return true;
}

/* Reads an optional e-mail field ("" clears) into *out; false after v_fail. */
static bool v_email(struct vctx *v, const json_t *in, const char *key, const char **out)
{
	v_string(v, in, key, V_OPTIONAL | V_EMPTY_OK | V_SINGLE_LINE, DB_EMAIL_MAX - 1, out);
	if (!v->failed && *out && **out && !email_ok(*out)) {
		v_fail(v, key, "e-postadressen är inte giltig (namn@exempel.se)",
		       "the e-mail address is not valid (name@example.org)");
		return false;
	}
	return !v->failed;
}

json_t *svc_org_set_contact_email(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "contact_email", NULL };
	struct vctx v;
	const char *email = NULL;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	if (!v.failed && !json_object_get(in, "contact_email"))
		v_fail(&v, "contact_email", "Ange organisationens e-postadress för meddelanden (en tom tar bort den).",
		       "Give the organisation's e-mail address for notices (an empty one removes it).");
	v_email(&v, in, "contact_email", &email);
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	int rc = db_org_set_contact_email(s->db, s->actor->user_id, id, email);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return svc_org_get(s, id, e);
}

int svc_org_contact_email(struct svc *s, int64_t id, char email[DB_EMAIL_MAX])
{
	return db_org_contact_email(s->db, id, email) == DB_OK ? 0 : -1;
}

json_t *svc_me_notices(struct svc *s, struct svc_error *e)
{
	char email[DB_EMAIL_MAX];
	bool notify;
	if (db_user_notify(s->db, s->actor->user_id, email, &notify) != DB_OK)
		return svc_db_fail(s, e);
	return json_pack("{s:o, s:b}", "email", *email ? json_string(email) : json_null(), "notify", notify);
}

json_t *svc_me_set_notices(struct svc *s, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "email", "notify", NULL };
	struct vctx v;
	const char *email = NULL;
	int notify = 0;
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_email(&v, in, "email", &email);
	v_bool(&v, in, "notify", V_REQUIRED, &notify);
	if (!v.failed && notify && !(email && *email))
		v_fail(&v, "email", "ange en e-postadress för aviseringarna", "give an e-mail address for the notices");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	if (s->actor->role == ROLE_FUNDER)
		return svc_fail(e, SVC_FORBIDDEN, "finansiären får inga aviseringar om ärenden",
				"the funder gets no notices about cases");
	if (db_user_set_notify(s->db, s->actor->user_id, s->actor->user_id, email, notify) != DB_OK)
		return svc_db_fail(s, e);
	return svc_me_notices(s, e);
}

static json_t *time_json(int64_t t)
{
	if (!t)
		return json_null();
	char out[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(out);
}

json_t *svc_outbox_list(struct svc *s, const char *pending, struct svc_error *e)
{
	struct db_outbox *m;
	size_t n;
	bool only = pending && (strcmp(pending, "1") == 0 || strcmp(pending, "true") == 0);
	if (db_outbox_list(s->db, only, SVC_LIST_MAX, &m, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)m[i].id, "kind", m[i].kind,
				      "recipient", m[i].recipient, "lang", m[i].lang, "subject", m[i].subject, "body",
				      m[i].body, "attempts", (json_int_t)m[i].attempts);
		json_object_set_new(o, "decision_id", m[i].decision_id ? json_integer(m[i].decision_id) : json_null());
		json_object_set_new(o, "created_at", time_json(m[i].created_at));
		json_object_set_new(o, "next_attempt_at", m[i].sent_at ? json_null() : time_json(m[i].next_attempt_at));
		json_object_set_new(o, "sent_at", time_json(m[i].sent_at));
		json_object_set_new(o, "last_error", m[i].last_error ? json_string(m[i].last_error) : json_null());
		json_array_append_new(arr, o);
	}
	db_outbox_list_free(m, n);
	return json_pack("{s:o, s:b}", "notices", arr, "sending", app_config(s->app)->smtp_url != NULL);
}

json_t *svc_outbox_retry(struct svc *s, struct svc_error *e)
{
	int64_t n;
	if (db_outbox_retry(s->db, s->actor->user_id, (int64_t)time(NULL), &n) != DB_OK)
		return svc_db_fail(s, e);
	return json_pack("{s:I}", "retried", (json_int_t)n);
}
