/*
 * Fuzz target: JSON request bodies (web/validate.h): v_parse_object and the
 * v_* validators, run on one body the way the handlers of svc_case.c,
 * svc_person.c and svc_org.c run them (same fields, flags and limits; those
 * files expose nothing, so the sequences are repeated here), plus a walk
 * over the whole body that nests v_push/v_pop as deep as the body goes.
 *
 * Properties:
 *  - a body is an object or refused with field "" and a message; an
 *    accepted body was valid UTF-8, and dumping and parsing it again gives
 *    an equal object;
 *  - every validator returns 1, 0 or -1, and -1 exactly when it recorded
 *    the (first) error; after an error every call returns -1 and the error
 *    does not change;
 *  - what a validator accepted holds: strings are valid UTF-8 without NUL,
 *    within their length in code points, without the refused control
 *    characters, not blank unless allowed; days format back to the same
 *    text; enums name back to the same text; ids >= 1; integers within
 *    bounds; id arrays distinct; enum sets have one bit per element;
 *  - the field name and both messages of an error are valid UTF-8, fit
 *    their buffers, and the field is "" or a dotted name made of the
 *    nesting the handler pushed;
 *  - v_pop restores the field prefix v_push changed, at every depth.
 */
#include "fuzz.h"

#include "domain/day.h"
#include "domain/enums.h"
#include "domain/money.h"
#include "web/validate.h"

/* The limits of the handlers (svc_case.c, svc_org.c, svc_person.c). */
#define TEXT_MAX_CHARS 20000
#define CHILDREN_MAX 20
#define UNITS_MAX 10000
#define NAME_MAX_CHARS 200

/* ---------------------------------------------------------------- checks */

/* Checks the state of v after a validator call that returned r. */
static void after(const struct vctx *v, int was_failed, int r)
{
	FZ_CHECK(r == 1 || r == 0 || r == -1);
	/* Every error is collected: after an earlier one, later fields are still
	 * checked (and may pass); a failure of this call always leaves v failed. */
	if (was_failed)
		FZ_CHECK(v->failed);
	else
		FZ_CHECK((r == -1) == (v->failed != 0));
	if (r == -1)
		FZ_CHECK(v->failed);
	FZ_CHECK(v->n_errors >= 0 && v->n_errors <= VCTX_ERRORS_MAX);
	FZ_CHECK(!v->failed || v->n_errors >= 1);
	for (int i = 0; i < v->n_errors; i++) {
		const struct vctx_error *x = &v->errors[i];
		FZ_CHECK(memchr(x->field, '\0', sizeof x->field) != NULL);
		FZ_CHECK(memchr(x->msg_sv, '\0', sizeof x->msg_sv) != NULL);
		FZ_CHECK(memchr(x->msg_en, '\0', sizeof x->msg_en) != NULL);
		FZ_CHECK(fz_utf8_valid(x->field, strlen(x->field)));
		FZ_CHECK(fz_utf8_valid(x->msg_sv, strlen(x->msg_sv)) && fz_utf8_valid(x->msg_en, strlen(x->msg_en)));
		for (int k = 0; k < i; k++)
			FZ_CHECK(strcmp(v->errors[k].field, x->field) != 0); /* one error per field */
	}
	if (v->failed) {
		FZ_CHECK(memchr(v->field, '\0', sizeof v->field) != NULL);
		FZ_CHECK(memchr(v->msg_sv, '\0', sizeof v->msg_sv) != NULL);
		FZ_CHECK(memchr(v->msg_en, '\0', sizeof v->msg_en) != NULL);
		FZ_CHECK(fz_utf8_valid(v->field, strlen(v->field)));
		FZ_CHECK(fz_utf8_valid(v->msg_sv, strlen(v->msg_sv)));
		FZ_CHECK(fz_utf8_valid(v->msg_en, strlen(v->msg_en)));
		FZ_CHECK(v->msg_sv[0] != '\0' && v->msg_en[0] != '\0');
	}
}

/* A snapshot of an error, to see that later calls leave it alone. */
struct snap {
	int failed;
	char field[VCTX_FIELD_MAX], sv[VCTX_MSG_MAX], en[VCTX_MSG_MAX];
};

static void snap_take(const struct vctx *v, struct snap *s)
{
	s->failed = v->failed;
	memcpy(s->field, v->field, sizeof s->field);
	memcpy(s->sv, v->msg_sv, sizeof s->sv);
	memcpy(s->en, v->msg_en, sizeof s->en);
}

static void snap_same(const struct vctx *v, const struct snap *s)
{
	if (!s->failed)
		return;
	FZ_CHECK(v->failed);
	FZ_CHECK(strcmp(v->field, s->field) == 0);
	FZ_CHECK(strcmp(v->msg_sv, s->sv) == 0 && strcmp(v->msg_en, s->en) == 0);
}

/* Number of Unicode code points of valid UTF-8 text. */
static size_t code_points(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* ------------------------------------------------------- checked wrappers */

/*
 * Each wrapper calls the validator and checks the return protocol and what
 * an accepted value promises, comparing with the JSON value itself.
 */

static int c_string(struct vctx *v, const json_t *o, const char *k, unsigned fl, size_t max,
		    const char **out)
{
	struct snap sn;
	const char *s = (const char *)0x1;
	int was = v->failed, r;

	snap_take(v, &sn);
	r = v_string(v, o, k, fl, max, &s);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		const json_t *j = json_object_get(o, k);
		size_t len = strlen(s), blank = 1;

		FZ_CHECK(json_is_string(j) && s == json_string_value(j));
		FZ_CHECK(len == json_string_length(j)); /* no NUL inside */
		FZ_CHECK(fz_utf8_valid(s, len));
		FZ_CHECK(code_points(s, len) <= max);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x20 || c == 0x7F)
				FZ_CHECK(!(fl & V_SINGLE_LINE) && (c == '\t' || c == '\n' || c == '\r'));
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
				blank = 0;
		}
		if (!(fl & V_EMPTY_OK))
			FZ_CHECK(!blank);
		if (out)
			*out = s;
	} else if (r == 0) {
		FZ_CHECK(s == (const char *)0x1);
		FZ_CHECK(!(fl & V_REQUIRED));
	}
	return r;
}

static int c_enum(struct vctx *v, const json_t *o, const char *k, const struct enum_def *def,
		  unsigned fl, int *out)
{
	struct snap sn;
	int e = -42, was = v->failed, r;

	snap_take(v, &sn);
	r = v_enum(v, o, k, def, fl, &e);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		const json_t *j = json_object_get(o, k);

		FZ_CHECK(e >= 0 && e < def->count);
		FZ_CHECK(json_is_string(j) && strcmp(enum_name(def, e), json_string_value(j)) == 0);
		FZ_CHECK(json_string_length(j) == strlen(enum_name(def, e)));
		if (out)
			*out = e;
	} else {
		FZ_CHECK(e == -42);
	}
	return r;
}

static int c_enum_set(struct vctx *v, const json_t *o, const char *k, const struct enum_def *def,
		      unsigned fl, uint32_t *out)
{
	struct snap sn;
	uint32_t m = 0xDEADBEEF;
	int was = v->failed, r;

	snap_take(v, &sn);
	r = v_enum_set(v, o, k, def, fl, &m);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		const json_t *j = json_object_get(o, k), *el;
		size_t i;

		FZ_CHECK(json_is_array(j));
		FZ_CHECK((size_t)__builtin_popcount(m) == json_array_size(j));
		FZ_CHECK(def->count >= 32 || (m >> def->count) == 0);
		json_array_foreach(j, i, el) {
			int e = enum_parse(def, json_string_value(el));

			FZ_CHECK(e >= 0 && (m & (1u << e)));
		}
		if (!(fl & V_EMPTY_OK))
			FZ_CHECK(m != 0);
		if (out)
			*out = m;
	} else {
		FZ_CHECK(m == 0xDEADBEEF);
	}
	return r;
}

static int c_day(struct vctx *v, const json_t *o, const char *k, unsigned fl, day_t *out)
{
	struct snap sn;
	day_t d = DAY_NONE;
	int was = v->failed, r;
	char buf[DAY_BUFSZ];

	snap_take(v, &sn);
	r = v_day(v, o, k, fl, &d);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		const json_t *j = json_object_get(o, k);

		FZ_CHECK(json_is_string(j) && strcmp(day_format(d, buf), json_string_value(j)) == 0);
		FZ_CHECK(json_string_length(j) == DAY_BUFSZ - 1);
		if (out)
			*out = d;
	} else {
		FZ_CHECK(d == DAY_NONE);
	}
	return r;
}

static int c_int(struct vctx *v, const json_t *o, const char *k, int64_t min, int64_t max,
		 unsigned fl, int64_t *out)
{
	struct snap sn;
	int64_t x = INT64_MIN;
	int was = v->failed, r;

	snap_take(v, &sn);
	r = v_int(v, o, k, min, max, fl, &x);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		const json_t *j = json_object_get(o, k);

		FZ_CHECK(json_is_integer(j) && json_integer_value(j) == x);
		FZ_CHECK(x >= min && x <= max);
		if (out)
			*out = x;
	} else {
		FZ_CHECK(x == INT64_MIN);
	}
	return r;
}

static int c_id(struct vctx *v, const json_t *o, const char *k, unsigned fl, int64_t *out)
{
	struct snap sn;
	int64_t x = -1;
	int was = v->failed, r;

	snap_take(v, &sn);
	r = v_id(v, o, k, fl, &x);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		FZ_CHECK(x >= 1 && json_integer_value(json_object_get(o, k)) == x);
		if (out)
			*out = x;
	} else {
		FZ_CHECK(x == -1);
	}
	return r;
}

static int c_bool(struct vctx *v, const json_t *o, const char *k, unsigned fl, int *out)
{
	struct snap sn;
	int b = -1, was = v->failed, r;

	snap_take(v, &sn);
	r = v_bool(v, o, k, fl, &b);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		FZ_CHECK(b == (json_is_true(json_object_get(o, k)) ? 1 : 0));
		FZ_CHECK(json_is_boolean(json_object_get(o, k)));
		if (out)
			*out = b;
	} else {
		FZ_CHECK(b == -1);
	}
	return r;
}

static int c_id_array(struct vctx *v, const json_t *o, const char *k, size_t max_n, unsigned fl,
		      int64_t *ids, size_t *n)
{
	struct snap sn;
	size_t cnt = 9999;
	int was = v->failed, r;

	snap_take(v, &sn);
	r = v_id_array(v, o, k, max_n, fl, ids, &cnt);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		const json_t *j = json_object_get(o, k);

		FZ_CHECK(json_is_array(j) && cnt == json_array_size(j) && cnt <= max_n);
		FZ_CHECK(cnt > 0 || (fl & V_EMPTY_OK));
		for (size_t i = 0; i < cnt; i++) {
			FZ_CHECK(ids[i] >= 1 && ids[i] == json_integer_value(json_array_get(j, i)));
			for (size_t q = 0; q < i; q++)
				FZ_CHECK(ids[q] != ids[i]);
		}
		if (n)
			*n = cnt;
	} else {
		FZ_CHECK(cnt == 9999);
	}
	return r;
}

static int c_object(struct vctx *v, const json_t *o, const char *k, unsigned fl, json_t **out)
{
	struct snap sn;
	json_t *x = NULL;
	int was = v->failed, r;

	snap_take(v, &sn);
	r = v_object(v, o, k, fl, &x);
	after(v, was, r);
	snap_same(v, &sn);
	if (r == 1) {
		FZ_CHECK(json_is_object(x) && x == json_object_get(o, k));
		*out = x;
	} else {
		FZ_CHECK(x == NULL);
	}
	return r;
}

static int c_known(struct vctx *v, const json_t *o, const char *const *known)
{
	struct snap sn;
	int was = v->failed, r;
	const char *key;
	json_t *val;
	int all = 1;

	snap_take(v, &sn);
	r = v_known_keys(v, o, known);
	after(v, was, r);
	FZ_CHECK(r == 1 || r == -1);
	snap_same(v, &sn);
	json_object_foreach((json_t *)o, key, val) {
		int found = 0;

		(void)val;
		for (size_t i = 0; known[i]; i++)
			found |= strcmp(known[i], key) == 0;
		all &= found;
	}
	if (!was)
		FZ_CHECK((r == 1) == all);
	return r;
}

static int c_fail(struct vctx *v, const char *key, const char *sv, const char *en)
{
	struct snap sn;
	int was = v->failed, r;

	snap_take(v, &sn);
	r = v_fail(v, key, sv, en);
	after(v, was, r);
	snap_same(v, &sn);
	FZ_CHECK(r == -1 && v->failed);
	return r;
}

/* ------------------------------------------- the handlers' field sequences */

/* parse_application of svc_case.c. */
static void app_fields(const json_t *in)
{
	static const char *const known[] = { "person_id", "type", "submitted_on", "from", "to", "units",
					     "category", "children", "basis", "identified",
					     "needs_assessment", "plan", "evaluation", "motivation", NULL };
	static const char *const basis_known[] = { "kind", "actor", "reason", "reference", "actor_kind",
						   "reason_category", NULL };
	struct vctx v;
	int64_t person = 0, units = 0, kids[CHILDREN_MAX];
	size_t nkids = 0;
	int type = 0, cat = 0, kind = 0, ak = -1, rc = -1, identified = 0;
	day_t submitted = day_today(), from = DAY_NONE, to = DAY_NONE;
	json_t *basis = NULL;
	const char *s;

	vctx_init(&v);
	c_known(&v, in, known);
	c_id(&v, in, "person_id", V_REQUIRED, &person);
	c_enum(&v, in, "type", &enum_app_type, V_REQUIRED, &type);
	c_day(&v, in, "submitted_on", V_OPTIONAL, &submitted);
	if (v.failed)
		return;
	unsigned period = app_type_has_period((enum app_type)type) ? V_REQUIRED : 0;
	unsigned point = app_type_is_point((enum app_type)type) ? V_REQUIRED : 0;
	if (c_day(&v, in, "from", period, &from) == 1 && !period)
		return;
	if (c_day(&v, in, "to", period, &to) == 1 && !period)
		return;
	if (period && !v.failed && to < from) {
		c_fail(&v, "to", "perioden slutar före den börjar", "the period ends before it starts");
		return;
	}
	if (c_int(&v, in, "units", 1, UNITS_MAX, point, &units) == 1 && !point)
		return;
	if (c_enum(&v, in, "category", &enum_point_category, point, &cat) == 1 && !point)
		return;
	c_id_array(&v, in, "children", CHILDREN_MAX, V_OPTIONAL | V_EMPTY_OK, kids, &nkids);
	if (c_object(&v, in, "basis", V_OPTIONAL, &basis) == 1) {
		v_push(&v, "basis");
		c_known(&v, basis, basis_known);
		c_enum(&v, basis, "kind", &enum_basis_kind, V_REQUIRED, &kind);
		c_string(&v, basis, "actor", V_OPTIONAL | V_SINGLE_LINE, 200, &s);
		c_string(&v, basis, "reason", V_OPTIONAL, 4000, &s);
		c_string(&v, basis, "reference", V_OPTIONAL | V_SINGLE_LINE, 200, &s);
		c_enum(&v, basis, "actor_kind", &enum_actor_kind, V_OPTIONAL, &ak);
		c_enum(&v, basis, "reason_category", &enum_reason_category, V_OPTIONAL, &rc);
		v_pop(&v);
		/* An error inside names the nested field. */
		if (v.failed && v.field[0])
			FZ_CHECK(strncmp(v.field, "basis", 5) == 0 || strchr(v.field, '.') == NULL);
	}
	c_bool(&v, in, "identified", V_OPTIONAL, &identified);
	c_string(&v, in, "needs_assessment", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &s);
	c_string(&v, in, "plan", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &s);
	c_string(&v, in, "evaluation", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &s);
	c_string(&v, in, "motivation", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &s);
	FZ_CHECK(v.depth == 0 && v.prefix[0] == '\0');
}

/* svc_person_create and identity_text of svc_person.c. */
static void person_fields(const json_t *in)
{
	static const char *const known[] = { "gender", "age_group", "birth_year", "exploitation_forms",
					     "places", "violence", "referral_source", "legal_status",
					     "sweden_responsible", "parent_id", "child_role", "identity",
					     "organisation_id", NULL };
	static const char *const identity_keys[] = { "name", "birth_date", "phone", "address", "notes",
						     "language", NULL };
	struct vctx v;
	int g = 0, age = -1, ref = -1, legal = -1, sweden = 0, role = -1;
	int64_t by = 0, parent = 0, org = 0;
	uint32_t expl = 0, places = 0, viol = 0;
	json_t *ident = NULL;

	vctx_init(&v);
	c_known(&v, in, known);
	c_enum(&v, in, "gender", &enum_gender, V_REQUIRED, &g);
	c_enum(&v, in, "age_group", &enum_age_group, V_OPTIONAL, &age);
	c_int(&v, in, "birth_year", 1900, day_year(day_today()), V_OPTIONAL, &by);
	c_enum_set(&v, in, "exploitation_forms", &enum_exploitation, V_OPTIONAL | V_EMPTY_OK, &expl);
	c_enum_set(&v, in, "places", &enum_place, V_OPTIONAL | V_EMPTY_OK, &places);
	c_enum_set(&v, in, "violence", &enum_violence, V_OPTIONAL | V_EMPTY_OK, &viol);
	c_enum(&v, in, "referral_source", &enum_referral, V_OPTIONAL, &ref);
	c_enum(&v, in, "legal_status", &enum_legal_status, V_OPTIONAL, &legal);
	c_bool(&v, in, "sweden_responsible", V_OPTIONAL, &sweden);
	c_id(&v, in, "parent_id", V_OPTIONAL, &parent);
	c_enum(&v, in, "child_role", &enum_child_role, V_OPTIONAL, &role);
	c_object(&v, in, "identity", V_OPTIONAL, &ident);
	c_id(&v, in, "organisation_id", V_OPTIONAL, &org);
	if (v.failed || !ident)
		return;
	{
		const char *k, *str;
		json_t *val;
		day_t d;

		v_push(&v, "identity");
		c_known(&v, ident, identity_keys);
		json_object_foreach(ident, k, val) {
			(void)val;
			c_string(&v, ident, k,
				 V_OPTIONAL | V_EMPTY_OK | (strcmp(k, "notes") ? V_SINGLE_LINE : 0),
				 strcmp(k, "notes") ? 200 : 8000, &str);
		}
		if (!v.failed && json_object_get(ident, "birth_date") &&
		    !json_is_null(json_object_get(ident, "birth_date")))
			c_day(&v, ident, "birth_date", V_OPTIONAL, &d);
		v_pop(&v);
		if (v.failed)
			FZ_CHECK(strncmp(v.field, "identity", 8) == 0);
	}
}

/* svc_org_create, the certification and svc_year_put of svc_org.c. */
static void org_fields(const json_t *in)
{
	static const char *const org_known[] = { "name", "kind", "regions", "contact", NULL };
	static const char *const year_known[] = { "budget_ore", "rates_ore", "point_rates", NULL };
	struct vctx v;
	const char *s;
	int kind = 0, status = 0;
	uint32_t regions = 0;
	json_t *req = NULL, *jr = NULL, *jp = NULL;
	int64_t budget = 0;
	day_t d;

	vctx_init(&v);
	c_known(&v, in, org_known);
	c_string(&v, in, "name", V_REQUIRED | V_SINGLE_LINE, NAME_MAX_CHARS, &s);
	c_enum(&v, in, "kind", &enum_org_kind, V_REQUIRED, &kind);
	c_enum_set(&v, in, "regions", &enum_region, V_REQUIRED, &regions);
	c_string(&v, in, "contact", V_OPTIONAL | V_EMPTY_OK, 2000, &s);

	vctx_init(&v);
	c_enum(&v, in, "status", &enum_cert_status, V_REQUIRED, &status);
	c_day(&v, in, "date", V_OPTIONAL, &d);
	c_object(&v, in, "requirements", V_OPTIONAL, &req);

	/* The year's rates: keys of nested objects come from the request. */
	vctx_init(&v);
	c_known(&v, in, year_known);
	c_int(&v, in, "budget_ore", 0, MONEY_MAX_ORE, V_OPTIONAL, &budget);
	c_object(&v, in, "rates_ore", V_OPTIONAL, &jr);
	c_object(&v, in, "point_rates", V_OPTIONAL, &jp);
	if (jr) {
		const char *k;
		json_t *val;

		v_push(&v, "rates_ore");
		json_object_foreach(jr, k, val) {
			int code = enum_parse(&enum_code, k);
			int64_t ore;

			(void)val;
			if (code < 0 || code == CODE_POINT_ADULT || code == CODE_POINT_CHILD) {
				c_fail(&v, k, "okänd insatskod för dygns- eller dagsersättning",
				       "unknown code of a daily or per-day rate");
				break;
			}
			if (c_int(&v, jr, k, 0, MONEY_MAX_ORE, V_REQUIRED, &ore) != 1)
				break;
		}
		v_pop(&v);
	}
	if (jp) {
		const char *k;
		json_t *val;

		v_push(&v, "point_rates");
		json_object_foreach(jp, k, val) {
			int cat = enum_parse(&enum_point_category, k);
			int64_t ore = 0;

			if (cat < 0) {
				c_fail(&v, k, "okänd kategori av punktinsats",
				       "unknown point-intervention category");
				break;
			}
			v_push(&v, k);
			c_string(&v, val, "unit", V_REQUIRED | V_SINGLE_LINE, 30, &s);
			c_int(&v, val, "rate_ore", 0, MONEY_MAX_ORE, V_REQUIRED, &ore);
			v_pop(&v);
			if (v.failed)
				break;
		}
		v_pop(&v);
	}
	FZ_CHECK(v.depth == 0 && v.prefix[0] == '\0');
}

/* Exit, placement requests, consultations and contacts (svc_person.c, svc_org.c, svc_contact.c). */
static void small_fields(const json_t *in)
{
	static const char *const exit_known[] = { "date", "destination", NULL };
	struct vctx v;
	day_t d;
	int e;
	int64_t x;
	const char *s;

	vctx_init(&v);
	c_known(&v, in, exit_known);
	c_day(&v, in, "date", V_OPTIONAL, &d);
	c_enum(&v, in, "destination", &enum_exit_destination, V_REQUIRED, &e);

	vctx_init(&v);
	c_day(&v, in, "date", V_OPTIONAL, &d);
	c_enum(&v, in, "region", &enum_region, V_REQUIRED, &e);
	c_enum(&v, in, "target_group", &enum_target_group, V_REQUIRED, &e);
	c_enum(&v, in, "outcome", &enum_placement_outcome, V_REQUIRED, &e);
	c_id(&v, in, "organisation_id", V_OPTIONAL, &x);

	vctx_init(&v);
	c_day(&v, in, "date", V_OPTIONAL, &d);
	c_enum(&v, in, "asker", &enum_asker, V_REQUIRED, &e);
	c_enum(&v, in, "region", &enum_region, V_REQUIRED, &e);
	c_string(&v, in, "topic", V_REQUIRED, 2000, &s);
	c_int(&v, in, "minutes", 0, 100000, V_REQUIRED, &x);
	c_string(&v, in, "outcome", V_OPTIONAL | V_EMPTY_OK, 2000, &s);

	/* a contact of the contact register (svc_contact.c), its identity nested */
	uint32_t mask;
	json_t *ident = NULL;
	vctx_init(&v);
	c_day(&v, in, "date", V_OPTIONAL, &d);
	c_enum(&v, in, "gender", &enum_gender, V_REQUIRED, &e);
	c_enum_set(&v, in, "missing_support", &enum_support_need, V_REQUIRED, &mask);
	c_enum_set(&v, in, "exploitation_forms", &enum_exploitation, V_OPTIONAL | V_EMPTY_OK, &mask);
	if (c_object(&v, in, "identity", V_OPTIONAL, &ident) == 1 && ident) {
		v_push(&v, "identity");
		c_string(&v, ident, "name", V_OPTIONAL | V_EMPTY_OK | V_SINGLE_LINE, 200, &s);
		c_day(&v, ident, "birth_date", V_OPTIONAL, &d);
		v_pop(&v);
	}
	FZ_CHECK(v.depth == 0 && v.prefix[0] == '\0');
}

/* ------------------------------------------------------ the nesting walk */

/*
 * Walks the whole value, pushing every key and index, and validates every
 * leaf in a context of its own, so that errors appear at all depths. After
 * each v_pop the prefix must be what it was before the matching v_push.
 */
static void walk(struct vctx *v, const json_t *obj, const char *key, const json_t *val, int depth)
{
	char before[VCTX_FIELD_MAX];
	int dbefore = v->depth;

	if (depth > 12)
		return;
	memcpy(before, v->prefix, sizeof before);
	if (json_is_object(val)) {
		const char *k;
		json_t *x;

		v_push(v, key);
		FZ_CHECK(memchr(v->prefix, '\0', sizeof v->prefix) != NULL);
		json_object_foreach((json_t *)val, k, x)
			walk(v, val, k, x, depth + 1);
		v_pop(v);
	} else if (json_is_array(val)) {
		size_t i;
		json_t *x;

		v_push(v, key);
		json_array_foreach(val, i, x) {
			char b2[VCTX_FIELD_MAX];

			memcpy(b2, v->prefix, sizeof b2);
			v_push_index(v, i);
			if (json_is_object(x)) {
				const char *k;
				json_t *y;

				json_object_foreach(x, k, y)
					walk(v, x, k, y, depth + 2);
			}
			v_pop(v);
			FZ_CHECK(strcmp(b2, v->prefix) == 0);
		}
		v_pop(v);
	} else {
		/* A leaf: validate it with a copy of the nesting, so that the walk goes on. */
		struct vctx leaf = *v;
		const char *s;

		leaf.failed = 0;
		if (json_is_string(val))
			c_string(&leaf, obj, key, V_SINGLE_LINE, 30, &s);
		else
			c_id(&leaf, obj, key, V_REQUIRED, NULL);
		if (leaf.failed && leaf.field[0] && v->prefix[0])
			FZ_CHECK(strncmp(leaf.field, v->prefix, strlen(leaf.field) < strlen(v->prefix)
								? strlen(leaf.field)
								: strlen(v->prefix)) == 0);
	}
	FZ_CHECK(v->depth == dbefore);
	FZ_CHECK(strcmp(before, v->prefix) == 0);
}

/* ------------------------------------------------------------------ main */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vctx v;
	json_t *in, *again;
	char *text;

	vctx_init(&v);
	in = v_parse_object(&v, (const char *)data, size);
	if (!in) {
		FZ_CHECK(v.failed && v.field[0] == '\0');
		after(&v, 0, -1);
		/* Nothing more happens in a failed context. */
		FZ_CHECK(v_parse_object(&v, "{}", 2) == NULL);
		return 0;
	}
	FZ_CHECK(!v.failed && json_is_object(in));
	FZ_CHECK(fz_utf8_valid((const char *)data, size));
	FZ_CHECK(memchr(data, '\0', size) == NULL);

	/* What was accepted dumps and parses back to an equal object. */
	text = json_dumps(in, JSON_COMPACT);
	FZ_CHECK(text != NULL);
	again = v_parse_object(&v, text, strlen(text));
	FZ_CHECK(again != NULL && json_equal(in, again));
	json_decref(again);
	free(text);

	app_fields(in);
	person_fields(in);
	org_fields(in);
	small_fields(in);

	vctx_init(&v);
	{
		const char *k;
		json_t *x;

		json_object_foreach(in, k, x)
			walk(&v, in, k, x, 0);
	}
	FZ_CHECK(v.depth == 0 && v.prefix[0] == '\0');
	json_decref(in);
	return 0;
}
