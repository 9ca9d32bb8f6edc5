/*
 * Tests of the boundary validators (src/web/validate.c): each accepts what
 * it should and refuses, with the field named, what it should not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/day.h"
#include "domain/enums.h"
#include "web/validate.h"

/* Parses JSON text (must be valid) into an object; the caller decrefs. */
static json_t *obj(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_ALLOW_NUL, &e);

	if (!j)
		fail_msg("bad test JSON: %s: %s", text, e.text);
	return j;
}

/* Asserts that v failed on field with both messages present. */
static void assert_failed_on(const struct vctx *v, const char *field)
{
	assert_int_equal(v->failed, 1);
	assert_string_equal(v->field, field);
	assert_true(strlen(v->msg_sv) > 0);
	assert_true(strlen(v->msg_en) > 0);
}

static void test_string(void **state)
{
	struct vctx v;
	const char *s = NULL;
	json_t *j = obj("{\"name\":\"Anna\",\"sv\":\"åäö\",\"empty\":\"\",\"blank\":\"  \\t\","
			"\"num\":5,\"nul\":\"a\\u0000b\",\"tab\":\"a\\tb\",\"nl\":\"a\\nb\","
			"\"bell\":\"a\\u0007b\",\"del\":\"a\\u007fb\",\"none\":null,"
			"\"arr\":[\"x\"],\"t\":true}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_string(&v, j, "name", V_REQUIRED, 4, &s), 1);
	assert_string_equal(s, "Anna");
	/* max counts characters, not bytes: "åäö" is 3 characters in 6 bytes. */
	assert_int_equal(v_string(&v, j, "sv", V_REQUIRED, 3, &s), 1);
	assert_string_equal(s, "åäö");
	assert_int_equal(v_string(&v, j, "tab", 0, 10, &s), 1);
	assert_int_equal(v_string(&v, j, "nl", 0, 10, &s), 1);
	assert_int_equal(v_string(&v, j, "empty", V_EMPTY_OK, 10, &s), 1);
	assert_string_equal(s, "");
	assert_int_equal(v_string(&v, j, "blank", V_EMPTY_OK, 10, &s), 1);
	/* Absent and null optional fields: 0, output untouched. */
	s = "untouched";
	assert_int_equal(v_string(&v, j, "missing", V_OPTIONAL, 10, &s), 0);
	assert_int_equal(v_string(&v, j, "none", V_OPTIONAL, 10, &s), 0);
	assert_string_equal(s, "untouched");
	assert_false(v.failed);

	{
		static const struct {
			const char *key;
			unsigned flags;
			size_t max;
		} bad[] = {
			{ "name", V_REQUIRED, 3 },   /* too long by one */
			{ "sv", V_REQUIRED, 2 },
			{ "empty", V_REQUIRED, 10 }, /* empty not allowed by default */
			{ "blank", V_REQUIRED, 10 }, /* nor whitespace only */
			{ "num", V_REQUIRED, 10 },   /* wrong types */
			{ "arr", V_REQUIRED, 10 },
			{ "t", V_REQUIRED, 10 },
			{ "nul", V_REQUIRED | V_EMPTY_OK, 10 },
			{ "bell", V_REQUIRED, 10 },
			{ "del", V_REQUIRED, 10 },
			{ "tab", V_SINGLE_LINE, 10 },
			{ "nl", V_SINGLE_LINE, 10 },
			{ "missing", V_REQUIRED, 10 },
			{ "none", V_REQUIRED, 10 },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			s = "untouched";
			vctx_init(&v);
			assert_int_equal(v_string(&v, j, bad[i].key, bad[i].flags, bad[i].max, &s), -1);
			assert_failed_on(&v, bad[i].key);
			assert_string_equal(s, "untouched");
		}
	}
	vctx_init(&v);
	v_string(&v, j, "name", V_REQUIRED, 3, &s);
	assert_non_null(strstr(v.msg_en, "at most 3 characters"));
	assert_non_null(strstr(v.msg_sv, "högst 3 tecken"));
	json_decref(j);

	/* Invalid UTF-8 can only come from a JSON value built in code. */
	j = json_object();
	json_object_set_new(j, "bad", json_stringn_nocheck("a\xC3\x28", 3));
	json_object_set_new(j, "overlong", json_stringn_nocheck("\xC0\xAF", 2));
	vctx_init(&v);
	assert_int_equal(v_string(&v, j, "bad", V_REQUIRED, 10, &s), -1);
	assert_failed_on(&v, "bad");
	assert_non_null(strstr(v.msg_en, "UTF-8"));
	vctx_init(&v);
	assert_int_equal(v_string(&v, j, "overlong", V_REQUIRED, 10, &s), -1);
	json_decref(j);
}

static void test_every_error_kept(void **state)
{
	struct vctx v;
	const char *s;
	int64_t n = 7;
	json_t *j = obj("{\"a\":1,\"b\":2,\"c\":\"x\",\"gender\":\"x\"}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_string(&v, j, "a", V_REQUIRED, 10, &s), -1);
	/* Later calls go on: a valid field is read, a wrong one is recorded too. */
	assert_int_equal(v_int(&v, j, "b", 0, 10, V_REQUIRED, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(v_string(&v, j, "zzz", V_REQUIRED, 10, &s), -1);
	assert_int_equal(v_fail(&v, "c", "x", "y"), -1);
	/* One error per field: a second check of "c" adds nothing. */
	assert_int_equal(v_fail(&v, "c", "again", "again"), -1);
	assert_int_equal(v_int(&v, j, "c", 0, 10, V_REQUIRED, &n), -1);
	assert_failed_on(&v, "a");
	assert_non_null(strstr(v.msg_en, "'a'"));
	assert_int_equal(v.n_errors, 3);
	assert_string_equal(v.errors[0].field, "a");
	assert_string_equal(v.errors[1].field, "zzz");
	assert_string_equal(v.errors[2].field, "c");
	assert_string_equal(v.errors[2].msg_sv, "x");
	json_decref(j);

	/* v_fail records a handler's own check with both languages. */
	vctx_init(&v);
	assert_int_equal(v_fail(&v, "to", "Slutdatum före startdatum.", "End before start."), -1);
	assert_failed_on(&v, "to");
	assert_string_equal(v.msg_sv, "Slutdatum före startdatum.");
	assert_string_equal(v.msg_en, "End before start.");
	assert_int_equal(v.n_errors, 1);
}

/* More errors than the list holds: counted as failed, the list stays bounded. */
static void test_many_errors_bounded(void **state)
{
	struct vctx v;
	char key[16];
	(void)state;

	vctx_init(&v);
	for (int i = 0; i < VCTX_ERRORS_MAX + 5; i++) {
		snprintf(key, sizeof key, "k%d", i);
		v_fail(&v, key, "fel", "wrong");
	}
	assert_true(v.failed);
	assert_int_equal(v.n_errors, VCTX_ERRORS_MAX);
	assert_string_equal(v.field, "k0");
}

/* A field is named by its label in the message's language, never by its JSON name. */
static void test_labels(void **state)
{
	struct vctx v;
	int g;
	day_t d;
	json_t *j = obj("{\"identity\":{\"birth_date\":\"2030-13-01\"}}"), *id;
	(void)state;

	vctx_init(&v);
	v_enum(&v, j, "gender", &enum_gender, V_REQUIRED, &g);
	assert_string_equal(v.field, "gender");
	assert_string_equal(v.msg_sv, "Kön måste anges.");
	assert_string_equal(v.msg_en, "Gender is required.");
	assert_null(strstr(v.msg_sv, "gender"));
	id = json_object_get(j, "identity");
	v_push(&v, "identity");
	v_day(&v, id, "birth_date", V_REQUIRED, &d);
	v_pop(&v);
	assert_int_equal(v.n_errors, 2);
	assert_string_equal(v.errors[1].field, "identity.birth_date");
	assert_non_null(strstr(v.errors[1].msg_sv, "Födelsedatumet måste"));
	assert_null(strstr(v.errors[1].msg_sv, "birth_date"));
	/* Indexes and nesting fall back to the last part's label. */
	assert_string_equal(v_label("children[1]", 0), "Barnen");
	assert_string_equal(v_label("basis.kind", 1), "The basis");
	assert_null(v_label("no_such_field", 0));
	json_decref(j);
}

static void test_nesting(void **state)
{
	struct vctx v;
	json_t *j = obj("{\"basis\":{\"kind\":\"nope\"},\"lines\":[{\"x\":1},{\"x\":\"a\"}],"
			"\"forms\":[\"begging\",\"nope\"]}");
	json_t *basis = NULL, *lines = NULL, *el;
	int kind;
	int64_t x;
	uint32_t mask;
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_object(&v, j, "basis", V_REQUIRED, &basis), 1);
	v_push(&v, "basis");
	assert_int_equal(v_enum(&v, basis, "kind", &enum_basis_kind, V_REQUIRED, &kind), -1);
	v_pop(&v);
	assert_failed_on(&v, "basis.kind");
	assert_non_null(strstr(v.msg_en, "The basis must be one of"));
	assert_non_null(strstr(v.msg_en, "No public actor is clearly responsible or A public actor refused"));
	assert_null(strstr(v.msg_en, "no_designated_actor"));

	vctx_init(&v);
	assert_int_equal(v_array(&v, j, "lines", 10, V_REQUIRED, &lines), 1);
	for (size_t i = 0; i < json_array_size(lines) && !v.failed; i++) {
		el = json_array_get(lines, i);
		v_push(&v, "lines");
		v_push_index(&v, i);
		v_int(&v, el, "x", 0, 100, V_REQUIRED, &x);
		v_pop(&v);
		v_pop(&v);
	}
	assert_failed_on(&v, "lines[1].x");
	/* The prefix is back to empty after the pops. */
	assert_string_equal(v.prefix, "");

	vctx_init(&v);
	assert_int_equal(v_enum_set(&v, j, "forms", &enum_exploitation, V_REQUIRED, &mask), -1);
	assert_failed_on(&v, "forms[1]");

	/* Push/pop beyond the depth limit never overflows and unwinds cleanly. */
	vctx_init(&v);
	for (int i = 0; i < VCTX_DEPTH_MAX + 5; i++)
		v_push(&v, "abcdefghijklmnopqrstuvwxyz");
	assert_true(strlen(v.prefix) < sizeof(v.prefix));
	for (int i = 0; i < VCTX_DEPTH_MAX + 5; i++)
		v_pop(&v);
	assert_string_equal(v.prefix, "");
	v_pop(&v); /* one too many is harmless */
	assert_int_equal(v.depth, 0);
	json_decref(j);
}

static void test_enum(void **state)
{
	struct vctx v;
	int g = -5;
	json_t *j = obj("{\"g\":\"trans_female\",\"bad\":\"Female\",\"num\":0,\"nul\":\"female\\u0000x\","
			"\"empty\":\"\"}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_enum(&v, j, "g", &enum_gender, V_REQUIRED, &g), 1);
	assert_int_equal(g, GENDER_TRANS_FEMALE);
	assert_int_equal(v_enum(&v, j, "missing", &enum_gender, 0, &g), 0);
	assert_int_equal(g, GENDER_TRANS_FEMALE);

	static const char *const bad[] = { "bad", "num", "nul", "empty", "missing", NULL };
	for (int i = 0; bad[i]; i++) {
		g = -5;
		vctx_init(&v);
		assert_int_equal(v_enum(&v, j, bad[i], &enum_gender, V_REQUIRED, &g), -1);
		assert_failed_on(&v, bad[i]);
		assert_int_equal(g, -5);
	}
	vctx_init(&v);
	v_enum(&v, j, "bad", &enum_gender, V_REQUIRED, &g);
	/* The values in words, never their raw names (issue 15). */
	assert_non_null(strstr(v.msg_en, "Woman, Man, Trans woman"));
	assert_non_null(strstr(v.msg_sv, "måste vara något av: Kvinna, Man, Transkvinna"));
	assert_null(strstr(v.msg_en, "trans_female"));
	assert_null(strstr(v.msg_sv, "female"));
	json_decref(j);
}

static void test_enum_set(void **state)
{
	struct vctx v;
	uint32_t m = 0xdead;
	json_t *j = obj("{\"f\":[\"begging\",\"sexual_exploitation\"],\"empty\":[],"
			"\"dup\":[\"begging\",\"begging\"],\"str\":\"begging\",\"num\":[1],"
			"\"unk\":[\"begging\",\"theft\"]}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_enum_set(&v, j, "f", &enum_exploitation, V_REQUIRED, &m), 1);
	assert_int_equal(m, (1u << EXPL_BEGGING) | (1u << EXPL_SEXUAL));
	assert_int_equal(v_enum_set(&v, j, "empty", &enum_exploitation, V_EMPTY_OK, &m), 1);
	assert_int_equal(m, 0);

	static const struct {
		const char *key, *field;
	} bad[] = {
		{ "empty", "empty" }, { "dup", "dup[1]" }, { "str", "str" },
		{ "num", "num[0]" },  { "unk", "unk[1]" }, { "missing", "missing" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = 0xdead;
		vctx_init(&v);
		assert_int_equal(v_enum_set(&v, j, bad[i].key, &enum_exploitation, V_REQUIRED, &m), -1);
		assert_failed_on(&v, bad[i].field);
		assert_int_equal(m, 0xdead);
	}
	json_decref(j);
}

static void test_day(void **state)
{
	struct vctx v;
	day_t d = 0;
	json_t *j = obj("{\"ok\":\"2025-03-01\",\"leap\":\"2024-02-29\",\"feb30\":\"2025-02-30\","
			"\"feb29\":\"2025-02-29\",\"m13\":\"2025-13-01\",\"short\":\"2025-3-1\","
			"\"space\":\" 2025-03-01\",\"trail\":\"2025-03-01x\",\"num\":20250301,"
			"\"slash\":\"2025/03/01\",\"nul\":\"2025-03-01\\u0000\",\"neg\":\"-025-03-01\"}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_day(&v, j, "ok", V_REQUIRED, &d), 1);
	assert_int_equal(d, day_from_ymd(2025, 3, 1));
	assert_int_equal(v_day(&v, j, "leap", V_REQUIRED, &d), 1);
	assert_int_equal(d, day_from_ymd(2024, 2, 29));
	assert_int_equal(v_day(&v, j, "missing", 0, &d), 0);

	static const char *const bad[] = { "feb30", "feb29", "m13", "short", "space", "trail",
					   "num", "slash", "nul", "neg", "missing", NULL };
	for (int i = 0; bad[i]; i++) {
		d = 123;
		vctx_init(&v);
		assert_int_equal(v_day(&v, j, bad[i], V_REQUIRED, &d), -1);
		assert_failed_on(&v, bad[i]);
		assert_int_equal(d, 123);
	}
	vctx_init(&v);
	v_day(&v, j, "feb30", V_REQUIRED, &d);
	assert_non_null(strstr(v.msg_en, "YYYY-MM-DD"));
	assert_non_null(strstr(v.msg_sv, "ÅÅÅÅ-MM-DD"));
	json_decref(j);
}

static void test_int(void **state)
{
	struct vctx v;
	int64_t n = 0;
	json_t *j = obj("{\"zero\":0,\"max\":100,\"neg\":-1,\"big\":101,\"real\":1.0,\"str\":\"5\","
			"\"bool\":true,\"i64\":9223372036854775807,\"min64\":-9223372036854775808}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_int(&v, j, "zero", 0, 100, V_REQUIRED, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(v_int(&v, j, "max", 0, 100, V_REQUIRED, &n), 1);
	assert_int_equal(n, 100);
	assert_int_equal(v_int(&v, j, "neg", -1, 0, V_REQUIRED, &n), 1);
	assert_int_equal(n, -1);
	assert_int_equal(v_int(&v, j, "i64", 0, INT64_MAX, V_REQUIRED, &n), 1);
	assert_true(n == INT64_MAX);
	assert_int_equal(v_int(&v, j, "min64", INT64_MIN, 0, V_REQUIRED, &n), 1);
	assert_true(n == INT64_MIN);

	static const char *const bad[] = { "neg", "big", "real", "str", "bool", "missing", NULL };
	for (int i = 0; bad[i]; i++) {
		n = 42;
		vctx_init(&v);
		assert_int_equal(v_int(&v, j, bad[i], 0, 100, V_REQUIRED, &n), -1);
		assert_failed_on(&v, bad[i]);
		assert_int_equal(n, 42);
	}
	vctx_init(&v);
	v_int(&v, j, "big", 0, 100, V_REQUIRED, &n);
	assert_non_null(strstr(v.msg_en, "between 0 and 100"));

	/* Ids: positive only. */
	vctx_init(&v);
	assert_int_equal(v_id(&v, j, "max", V_REQUIRED, &n), 1);
	assert_int_equal(n, 100);
	static const char *const bad_id[] = { "zero", "neg", "real", "str", "bool", "min64", NULL };
	for (int i = 0; bad_id[i]; i++) {
		vctx_init(&v);
		assert_int_equal(v_id(&v, j, bad_id[i], V_REQUIRED, &n), -1);
		assert_failed_on(&v, bad_id[i]);
	}
	json_decref(j);
}

static void test_bool(void **state)
{
	struct vctx v;
	int b = 7;
	json_t *j = obj("{\"t\":true,\"f\":false,\"one\":1,\"str\":\"true\"}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_bool(&v, j, "t", V_REQUIRED, &b), 1);
	assert_int_equal(b, 1);
	assert_int_equal(v_bool(&v, j, "f", V_REQUIRED, &b), 1);
	assert_int_equal(b, 0);
	assert_int_equal(v_bool(&v, j, "missing", 0, &b), 0);
	static const char *const bad[] = { "one", "str", "missing", NULL };
	for (int i = 0; bad[i]; i++) {
		vctx_init(&v);
		assert_int_equal(v_bool(&v, j, bad[i], V_REQUIRED, &b), -1);
		assert_failed_on(&v, bad[i]);
	}
	json_decref(j);
}

static void test_id_array(void **state)
{
	struct vctx v;
	int64_t ids[3];
	size_t n = 99;
	json_t *j = obj("{\"ok\":[3,1,2],\"empty\":[],\"dup\":[1,2,1],\"zero\":[1,0],\"neg\":[-4],"
			"\"str\":[\"1\"],\"real\":[1.5],\"many\":[1,2,3,4],\"notarr\":5}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_id_array(&v, j, "ok", 3, V_REQUIRED, ids, &n), 1);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 2);
	assert_int_equal(v_id_array(&v, j, "empty", 3, V_EMPTY_OK, ids, &n), 1);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(v_id_array(&v, j, "missing", 3, 0, ids, &n), 0);
	assert_int_equal(n, 99);

	static const struct {
		const char *key, *field;
	} bad[] = {
		{ "empty", "empty" }, { "dup", "dup[2]" },   { "zero", "zero[1]" },
		{ "neg", "neg[0]" },  { "str", "str[0]" },   { "real", "real[0]" },
		{ "many", "many" },   { "notarr", "notarr" }, { "missing", "missing" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 99;
		vctx_init(&v);
		assert_int_equal(v_id_array(&v, j, bad[i].key, 3, V_REQUIRED, ids, &n), -1);
		assert_failed_on(&v, bad[i].field);
		assert_int_equal(n, 99);
	}
	json_decref(j);
}

static void test_object_array(void **state)
{
	struct vctx v;
	json_t *o = NULL, *a = NULL;
	json_t *j = obj("{\"o\":{},\"a\":[1,2],\"ea\":[],\"s\":\"x\"}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_object(&v, j, "o", V_REQUIRED, &o), 1);
	assert_true(json_is_object(o));
	assert_int_equal(v_array(&v, j, "a", 2, V_REQUIRED, &a), 1);
	assert_int_equal(json_array_size(a), 2);
	assert_int_equal(v_array(&v, j, "ea", 2, V_EMPTY_OK, &a), 1);

	vctx_init(&v);
	assert_int_equal(v_object(&v, j, "a", V_REQUIRED, &o), -1);
	assert_failed_on(&v, "a");
	vctx_init(&v);
	assert_int_equal(v_object(&v, j, "s", V_REQUIRED, &o), -1);
	vctx_init(&v);
	assert_int_equal(v_array(&v, j, "a", 1, V_REQUIRED, &a), -1);
	assert_failed_on(&v, "a");
	vctx_init(&v);
	assert_int_equal(v_array(&v, j, "ea", 2, V_REQUIRED, &a), -1);
	vctx_init(&v);
	assert_int_equal(v_array(&v, j, "o", 2, V_REQUIRED, &a), -1);

	/* Extracting from something that is not an object names the parent. */
	vctx_init(&v);
	v_push(&v, "a");
	assert_int_equal(v_object(&v, a, "x", V_REQUIRED, &o), -1);
	assert_failed_on(&v, "a");
	json_decref(j);
}

static void test_known_keys(void **state)
{
	static const char *const known[] = { "date", "destination", NULL };
	struct vctx v;
	json_t *ok = obj("{\"date\":\"2025-01-01\",\"destination\":\"other\"}");
	json_t *typo = obj("{\"date\":\"2025-01-01\",\"destinaton\":\"other\"}");
	(void)state;

	vctx_init(&v);
	assert_int_equal(v_known_keys(&v, ok, known), 1);
	assert_int_equal(v_known_keys(&v, typo, known), -1);
	assert_failed_on(&v, "destinaton");
	json_decref(ok);
	json_decref(typo);
}

static void test_parse_object(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1", "[1,2]", "\"str\"", "12", "null",
		"{\"a\":1,\"a\":2}",        /* duplicate keys */
		"{\"a\":1} x",              /* trailing data */
		"{\"a\":\"\\u0000\"}",      /* NUL in a string */
		"{\"a\":\"\xC3\x28\"}",     /* invalid UTF-8 */
		"{\"a\":99999999999999999999}", /* beyond int64 */
		"{'a':1}", NULL,
	};
	struct vctx v;
	json_t *j;
	(void)state;

	vctx_init(&v);
	j = v_parse_object(&v, "{\"a\":[1,{\"b\":null}]}", 20);
	assert_non_null(j);
	assert_false(v.failed);
	json_decref(j);
	/* Only len bytes are read. */
	j = v_parse_object(&v, "{}garbage", 2);
	assert_non_null(j);
	json_decref(j);

	for (int i = 0; bad[i]; i++) {
		vctx_init(&v);
		assert_null(v_parse_object(&v, bad[i], strlen(bad[i])));
		assert_failed_on(&v, "");
	}
	vctx_init(&v);
	assert_null(v_parse_object(&v, NULL, 0));
	assert_true(v.failed);
	vctx_init(&v);
	assert_null(v_parse_object(&v, "{\n\"a\":}", 7));
	assert_non_null(strstr(v.msg_en, "Malformed JSON (line 2"));
	assert_non_null(strstr(v.msg_sv, "Felaktig JSON (rad 2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_every_error_kept),
		cmocka_unit_test(test_many_errors_bounded),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_enum_set),
		cmocka_unit_test(test_day),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_id_array),
		cmocka_unit_test(test_object_array),
		cmocka_unit_test(test_known_keys),
		cmocka_unit_test(test_parse_object),
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
