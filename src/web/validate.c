/*
 * Typed extraction of request fields with every error recorded. See
 * validate.h for the contracts.
 */
#include "web/validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n/i18n.h"
#include "web/form.h"

void vctx_init(struct vctx *v)
{
	memset(v, 0, sizeof(*v));
}

/*
 * Drops the incomplete UTF-8 sequence that a truncating snprintf may leave at
 * the end of s (keys come from the request and may hold any character), so
 * that an error's field name stays valid UTF-8 for the JSON reply.
 */
static void utf8_cut_partial(char *s)
{
	size_t len = strlen(s), i = len, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	need = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

/* Writes the full dotted name of key into out (truncating, never overflowing). */
static void field_name(const struct vctx *v, const char *key, char *out, size_t outsz)
{
	int n;

	if (!key || !*key)
		n = snprintf(out, outsz, "%s", v->prefix);
	else if (v->prefix[0])
		n = snprintf(out, outsz, "%s.%s", v->prefix, key);
	else
		n = snprintf(out, outsz, "%s", key);
	if (n < 0)
		out[0] = '\0';
	else if ((size_t)n >= outsz)
		utf8_cut_partial(out);
}

/* The recorded error of the full field name, or NULL. */
static const struct vctx_error *error_of(const struct vctx *v, const char *name)
{
	for (int i = 0; i < v->n_errors && i < VCTX_ERRORS_MAX; i++)
		if (strcmp(v->errors[i].field, name) == 0)
			return &v->errors[i];
	return NULL;
}

int v_has_error(const struct vctx *v, const char *key)
{
	char name[VCTX_FIELD_MAX];

	field_name(v, key, name, sizeof(name));
	return error_of(v, name) != NULL;
}

int v_fail(struct vctx *v, const char *key, const char *msg_sv, const char *msg_en)
{
	char name[VCTX_FIELD_MAX];
	struct vctx_error *e;

	field_name(v, key, name, sizeof(name));
	if (error_of(v, name))
		return -1;
	if (!v->failed) {
		v->failed = 1;
		memcpy(v->field, name, sizeof(v->field));
		if (snprintf(v->msg_sv, sizeof(v->msg_sv), "%s", msg_sv) < 0)
			v->msg_sv[0] = '\0';
		if (snprintf(v->msg_en, sizeof(v->msg_en), "%s", msg_en) < 0)
			v->msg_en[0] = '\0';
	}
	if (v->n_errors >= VCTX_ERRORS_MAX)
		return -1;
	e = &v->errors[v->n_errors++];
	memcpy(e->field, name, sizeof(e->field));
	if (snprintf(e->msg_sv, sizeof(e->msg_sv), "%s", msg_sv) < 0)
		e->msg_sv[0] = '\0';
	if (snprintf(e->msg_en, sizeof(e->msg_en), "%s", msg_en) < 0)
		e->msg_en[0] = '\0';
	return -1;
}

/* The catalogue text of "field.<name>" (name: len bytes), or NULL. */
static const char *label_of(const char *name, size_t len, int lang)
{
	char key[VCTX_FIELD_MAX + 8];

	if (len == 0 || len >= VCTX_FIELD_MAX)
		return NULL;
	if (snprintf(key, sizeof(key), "field.%.*s", (int)len, name) < 0)
		return NULL;
	return i18n_has((enum lang)lang, key) ? i18n((enum lang)lang, key) : NULL;
}

const char *v_label(const char *field, int lang)
{
	char plain[VCTX_FIELD_MAX];
	size_t n = 0;
	const char *label, *last;

	if (!field)
		return NULL;
	/* Without indexes: "children[1]" -> "children". */
	for (const char *c = field; *c && n < sizeof(plain) - 1; c++) {
		if (*c == '[') {
			while (*c && *c != ']')
				c++;
			if (!*c)
				break;
			continue;
		}
		plain[n++] = *c;
	}
	plain[n] = '\0';
	label = label_of(plain, n, lang);
	if (label)
		return label;
	last = strrchr(plain, '.');
	return last ? label_of(last + 1, strlen(last + 1), lang) : NULL;
}

/*
 * Records an error whose messages name the field by its label: "Kön <sv>"
 * and "Gender <en>"; a field without a label (a key the client made up) is
 * quoted: "Fältet 'x' <sv>". Returns -1.
 */
static int fail_field(struct vctx *v, const char *key, const char *sv, const char *en)
{
	char name[VCTX_FIELD_MAX];
	char msv[VCTX_MSG_MAX], men[VCTX_MSG_MAX];
	const char *lsv, *len;

	field_name(v, key, name, sizeof(name));
	if (error_of(v, name))
		return -1;
	lsv = v_label(name, LANG_SV);
	len = v_label(name, LANG_EN);
	if (!name[0]) {
		lsv = "Begäran";
		len = "The request";
	}
	if (lsv && len) {
		if (snprintf(msv, sizeof(msv), "%s %s", lsv, sv) < 0)
			msv[0] = '\0';
		if (snprintf(men, sizeof(men), "%s %s", len, en) < 0)
			men[0] = '\0';
	} else {
		if (snprintf(msv, sizeof(msv), "Fältet '%s' %s", name, sv) < 0)
			msv[0] = '\0';
		if (snprintf(men, sizeof(men), "Field '%s' %s", name, en) < 0)
			men[0] = '\0';
	}
	return v_fail(v, key, msv, men);
}

void v_push(struct vctx *v, const char *key)
{
	size_t len = strlen(v->prefix);
	int n;

	/* Deeper than the stack: keep the name at the last level v_pop can restore. */
	if (v->depth++ >= VCTX_DEPTH_MAX)
		return;
	v->stack[v->depth - 1] = len;
	if (len >= sizeof(v->prefix) - 1)
		return;
	n = snprintf(v->prefix + len, sizeof(v->prefix) - len, len ? ".%s" : "%s", key);
	if (n < 0)
		v->prefix[len] = '\0';
	else if ((size_t)n >= sizeof(v->prefix) - len)
		utf8_cut_partial(v->prefix);
}

void v_push_index(struct vctx *v, size_t idx)
{
	size_t len = strlen(v->prefix);
	int n;

	if (v->depth++ >= VCTX_DEPTH_MAX)
		return;
	v->stack[v->depth - 1] = len;
	if (len >= sizeof(v->prefix) - 1)
		return;
	n = snprintf(v->prefix + len, sizeof(v->prefix) - len, "[%zu]", idx);
	if (n < 0)
		v->prefix[len] = '\0';
}

void v_pop(struct vctx *v)
{
	if (v->depth <= 0)
		return;
	v->depth--;
	/* Deeper than the stack: the prefix stayed truncated at the last saved level. */
	if (v->depth < VCTX_DEPTH_MAX)
		v->prefix[v->stack[v->depth]] = '\0';
}

/*
 * Looks key up. Returns 1 with *val set when present and not null, 0 when
 * absent or null and optional, -1 (error recorded) when required or failed.
 */
static int lookup(struct vctx *v, const json_t *obj, const char *key, unsigned flags,
		  json_t **val)
{
	json_t *j;

	/* A field checked twice (a string, then a date) reports once. */
	if (v_has_error(v, key))
		return -1;
	if (!json_is_object(obj))
		return fail_field(v, NULL, "måste vara ett objekt.", "must be an object.");
	j = json_object_get(obj, key);
	if (!j || json_is_null(j)) {
		if (flags & V_REQUIRED)
			return fail_field(v, key, "måste anges.", "is required.");
		return 0;
	}
	*val = j;
	return 1;
}

/* 1 when every byte of s is ASCII white space. */
static int blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Checks a string value; returns 1 or -1 (error recorded on key). */
static int check_string(struct vctx *v, const char *key, const char *s, size_t len,
			unsigned flags, size_t max_chars)
{
	size_t chars = 0;

	if (!form_utf8_valid(s, len))
		return fail_field(v, key, "är inte giltig UTF-8.", "is not valid UTF-8.");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			return fail_field(v, key, "får inte innehålla NUL-tecken.",
					  "must not contain NUL characters.");
		if (c < 0x20 || c == 0x7F) {
			int ws = c == '\t' || c == '\n' || c == '\r';

			if (!ws || (flags & V_SINGLE_LINE))
				return fail_field(v, key, "får inte innehålla styrtecken.",
						  "must not contain control characters.");
		}
		/* Count code points: every byte that does not continue a sequence. */
		if ((c & 0xC0) != 0x80)
			chars++;
	}
	if (!(flags & V_EMPTY_OK) && blank(s, len))
		return fail_field(v, key, "får inte vara tomt.", "must not be empty.");
	if (chars > max_chars) {
		char sv[96], en[96];

		if (snprintf(sv, sizeof(sv), "får vara högst %zu tecken långt.", max_chars) < 0 ||
		    snprintf(en, sizeof(en), "must be at most %zu characters long.", max_chars) < 0)
			return fail_field(v, key, "är för långt.", "is too long.");
		return fail_field(v, key, sv, en);
	}
	return 1;
}

int v_string(struct vctx *v, const json_t *obj, const char *key, unsigned flags,
	     size_t max_chars, const char **out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j);

	if (r <= 0)
		return r;
	if (!json_is_string(j))
		return fail_field(v, key, "måste vara en sträng.", "must be a string.");
	if (check_string(v, key, json_string_value(j), json_string_length(j), flags,
			 max_chars) < 0)
		return -1;
	*out = json_string_value(j);
	return 1;
}

/* The values of def in words of lang, "a, b eller c" ("a, b or c"), into out. */
void v_enum_words(const struct enum_def *def, int lang, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < def->count; i++) {
		const char *sep = i == 0 ? "" : i + 1 < def->count ? ", " : lang == LANG_SV ? " eller " : " or ";
		const char *word = i18n_enum((enum lang)lang, def, i);
		int n = snprintf(out + len, outsz - len, "%s%s", sep, word);

		if (n < 0 || (size_t)n >= outsz - len) {
			/* Too many to list: cut after the last whole one. */
			out[len] = '\0';
			if (outsz - len > sizeof(", …"))
				memcpy(out + len, ", …", sizeof(", …"));
			return;
		}
		len += (size_t)n;
	}
}

/* Records "must be one of: A, B or C" for def on key, the values in words
 * (a client finds their names in api.md). Returns -1. */
static int fail_enum(struct vctx *v, const char *key, const struct enum_def *def)
{
	char list[VCTX_MSG_MAX / 2];
	char sv[VCTX_MSG_MAX / 2 + 64], en[VCTX_MSG_MAX / 2 + 64];

	v_enum_words(def, LANG_SV, list, sizeof list);
	if (snprintf(sv, sizeof(sv), "måste vara något av: %s.", list) < 0)
		return fail_field(v, key, "har ett okänt värde.", "has an unknown value.");
	v_enum_words(def, LANG_EN, list, sizeof list);
	if (snprintf(en, sizeof(en), "must be one of: %s.", list) < 0)
		return fail_field(v, key, "har ett okänt värde.", "has an unknown value.");
	return fail_field(v, key, sv, en);
}

int v_enum(struct vctx *v, const json_t *obj, const char *key, const struct enum_def *def,
	   unsigned flags, int *out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j), e;

	if (r <= 0)
		return r;
	if (!json_is_string(j))
		return fail_field(v, key, "måste vara en sträng.", "must be a string.");
	/* A NUL inside would make "female\0x" parse as "female". */
	if (strlen(json_string_value(j)) != json_string_length(j))
		return fail_enum(v, key, def);
	e = enum_parse(def, json_string_value(j));
	if (e < 0)
		return fail_enum(v, key, def);
	*out = e;
	return 1;
}

int v_enum_set(struct vctx *v, const json_t *obj, const char *key, const struct enum_def *def,
	       unsigned flags, uint32_t *mask)
{
	json_t *j = NULL, *el;
	int r = lookup(v, obj, key, flags, &j);
	uint32_t m = 0;
	size_t i;

	if (r <= 0)
		return r;
	if (def->count > 32)
		return fail_field(v, key, "kan inte kontrolleras (internt fel).",
				  "cannot be checked (internal error).");
	if (!json_is_array(j))
		return fail_field(v, key, "måste vara en lista.", "must be an array.");
	if (json_array_size(j) == 0 && !(flags & V_EMPTY_OK))
		return fail_field(v, key, "får inte vara tom.", "must not be empty.");
	int errors_before = v->n_errors;

	json_array_foreach(j, i, el) {
		int e;

		v_push(v, key);
		v_push_index(v, i);
		if (!json_is_string(el)) {
			fail_field(v, NULL, "måste vara en sträng.", "must be a string.");
		} else {
			e = strlen(json_string_value(el)) == json_string_length(el)
				    ? enum_parse(def, json_string_value(el))
				    : -1;
			if (e < 0)
				fail_enum(v, NULL, def);
			else if (m & (1u << e))
				fail_field(v, NULL, "förekommer två gånger.", "is listed twice.");
			else
				m |= 1u << e;
		}
		v_pop(v);
		v_pop(v);
		if (v->n_errors != errors_before)
			return -1;
	}
	*mask = m;
	return 1;
}

int v_day(struct vctx *v, const json_t *obj, const char *key, unsigned flags, day_t *out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j);
	day_t d;

	if (r <= 0)
		return r;
	if (!json_is_string(j))
		return fail_field(v, key, "måste vara ett datum (ÅÅÅÅ-MM-DD) som sträng.",
				  "must be a date (YYYY-MM-DD) as a string.");
	if (strlen(json_string_value(j)) != json_string_length(j) ||
	    day_parse(json_string_value(j), &d) != 0)
		return fail_field(v, key, "måste vara ett verkligt datum på formen ÅÅÅÅ-MM-DD.",
				  "must be a real date in the form YYYY-MM-DD.");
	*out = d;
	return 1;
}

int v_int(struct vctx *v, const json_t *obj, const char *key, int64_t min, int64_t max,
	  unsigned flags, int64_t *out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j);
	json_int_t x;

	if (r <= 0)
		return r;
	if (!json_is_integer(j))
		return fail_field(v, key, "måste vara ett heltal.", "must be an integer.");
	x = json_integer_value(j);
	if ((int64_t)x < min || (int64_t)x > max) {
		char sv[128], en[128];

		if (snprintf(sv, sizeof(sv), "måste vara mellan %" PRId64 " och %" PRId64 ".",
			     min, max) < 0 ||
		    snprintf(en, sizeof(en), "must be between %" PRId64 " and %" PRId64 ".", min,
			     max) < 0)
			return fail_field(v, key, "är utanför tillåtna gränser.", "is out of range.");
		return fail_field(v, key, sv, en);
	}
	*out = (int64_t)x;
	return 1;
}

int v_id(struct vctx *v, const json_t *obj, const char *key, unsigned flags, int64_t *out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j);

	if (r <= 0)
		return r;
	if (!json_is_integer(j) || json_integer_value(j) < 1)
		return fail_field(v, key, "måste vara ett id (ett positivt heltal).",
				  "must be an id (a positive integer).");
	*out = (int64_t)json_integer_value(j);
	return 1;
}

int v_bool(struct vctx *v, const json_t *obj, const char *key, unsigned flags, int *out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j);

	if (r <= 0)
		return r;
	if (!json_is_boolean(j))
		return fail_field(v, key, "måste vara true eller false.", "must be true or false.");
	*out = json_is_true(j) ? 1 : 0;
	return 1;
}

/* The checks every array field shares: an array (else not_array_sv/en), not
 * empty unless V_EMPTY_OK, at most max_n elements. 0, or -1 with v failed. */
static int array_shape(struct vctx *v, const char *key, const json_t *j, size_t max_n, unsigned flags,
		       const char *not_array_sv, const char *not_array_en)
{
	char sv[96], en[96];

	if (!json_is_array(j))
		return fail_field(v, key, not_array_sv, not_array_en);
	if (json_array_size(j) == 0 && !(flags & V_EMPTY_OK))
		return fail_field(v, key, "får inte vara tom.", "must not be empty.");
	if (json_array_size(j) <= max_n)
		return 0;
	if (snprintf(sv, sizeof(sv), "får ha högst %zu element.", max_n) < 0 ||
	    snprintf(en, sizeof(en), "must have at most %zu elements.", max_n) < 0)
		return fail_field(v, key, "har för många element.", "has too many elements.");
	return fail_field(v, key, sv, en);
}

int v_id_array(struct vctx *v, const json_t *obj, const char *key, size_t max_n,
	       unsigned flags, int64_t *ids, size_t *n)
{
	json_t *j = NULL, *el;
	int r = lookup(v, obj, key, flags, &j);
	size_t i;

	if (r <= 0)
		return r;
	if (array_shape(v, key, j, max_n, flags, "måste vara en lista av id.", "must be an array of ids.") < 0)
		return -1;
	int errors_before = v->n_errors;

	json_array_foreach(j, i, el) {
		int64_t id;

		v_push(v, key);
		v_push_index(v, i);
		if (!json_is_integer(el) || json_integer_value(el) < 1) {
			fail_field(v, NULL, "måste vara ett id (ett positivt heltal).",
				   "must be an id (a positive integer).");
		} else {
			id = (int64_t)json_integer_value(el);
			/* Quadratic, but max_n is small (children of one parent). */
			for (size_t k = 0; k < i; k++)
				if (ids[k] == id)
					fail_field(v, NULL, "förekommer två gånger.", "is listed twice.");
			ids[i] = id;
		}
		v_pop(v);
		v_pop(v);
		if (v->n_errors != errors_before)
			return -1;
	}
	*n = json_array_size(j);
	return 1;
}

int v_object(struct vctx *v, const json_t *obj, const char *key, unsigned flags, json_t **out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j);

	if (r <= 0)
		return r;
	if (!json_is_object(j))
		return fail_field(v, key, "måste vara ett objekt.", "must be an object.");
	*out = j;
	return 1;
}

int v_array(struct vctx *v, const json_t *obj, const char *key, size_t max_n,
	    unsigned flags, json_t **out)
{
	json_t *j = NULL;
	int r = lookup(v, obj, key, flags, &j);

	if (r <= 0)
		return r;
	if (array_shape(v, key, j, max_n, flags, "måste vara en lista.", "must be an array.") < 0)
		return -1;
	*out = j;
	return 1;
}

int v_known_keys(struct vctx *v, const json_t *obj, const char *const *known)
{
	const char *key;
	json_t *val;

	if (!json_is_object(obj))
		return fail_field(v, NULL, "måste vara ett objekt.", "must be an object.");
	json_object_foreach((json_t *)obj, key, val) {
		int found = 0;

		(void)val;
		for (size_t i = 0; known[i]; i++) {
			if (strcmp(known[i], key) == 0) {
				found = 1;
				break;
			}
		}
		if (!found) {
			/* The key comes from the request: name it only if it is printable text. */
			if (!form_utf8_valid(key, strlen(key)) || strlen(key) >= 64)
				return v_fail(v, NULL, "Okänt fält i begäran.",
					      "Unknown field in the request.");
			return fail_field(v, key, "är okänt.", "is unknown.");
		}
	}
	return 1;
}

json_t *v_parse_object(struct vctx *v, const char *body, size_t len)
{
	json_error_t err;
	json_t *j;
	char sv[VCTX_MSG_MAX], en[VCTX_MSG_MAX];

	if (v->failed)
		return NULL;
	if (!body || len == 0) {
		v_fail(v, NULL, "Begäran saknar JSON-innehåll.", "The request has no JSON body.");
		return NULL;
	}
	/* JSON text never holds a raw NUL, yet jansson skips one after a number
	 * ({"a":1\0}): refuse it here so that only real JSON gets through. */
	if (memchr(body, '\0', len)) {
		v_fail(v, NULL, "Felaktig JSON: NUL-tecken är inte tillåtna.",
		       "Malformed JSON: NUL characters are not allowed.");
		return NULL;
	}
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		if (snprintf(sv, sizeof(sv), "Felaktig JSON (rad %d, kolumn %d).", err.line,
			     err.column) < 0 ||
		    snprintf(en, sizeof(en), "Malformed JSON (line %d, column %d).", err.line,
			     err.column) < 0) {
			v_fail(v, NULL, "Felaktig JSON.", "Malformed JSON.");
			return NULL;
		}
		v_fail(v, NULL, sv, en);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		v_fail(v, NULL, "Felaktig JSON: ett objekt {…} väntades.",
		       "Malformed JSON: an object {…} was expected.");
		return NULL;
	}
	return j;
}
