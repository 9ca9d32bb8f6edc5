/*
 * Validation at the boundary: typed extraction of request fields from a
 * JSON object. A validation context records EVERY error (up to
 * VCTX_ERRORS_MAX, one per field), each with the field's dotted name
 * ("basis.kind", "children[1]") and a message in Swedish and English that
 * names the field by its label in that language ("Kön måste anges.", the
 * catalogue's "field.<name>"), never by its JSON name. The first error is
 * also kept in field/msg_sv/msg_en (the API's "field" and "message").
 * After a failure further calls go on checking the other fields, so a
 * handler extracts all fields in a row and tests ctx.failed once; checks
 * that depend on an earlier value test !ctx.failed first:
 *
 *     struct vctx v;
 *     vctx_init(&v);
 *     v_day(&v, obj, "date", V_REQUIRED, &date);
 *     v_enum(&v, obj, "destination", &enum_exit_destination, V_REQUIRED, &dest);
 *     if (v.failed)
 *             return (void)http_reply_invalid(req, &v);
 *
 * Return values of every v_*(): 1 = present and valid (*out written),
 * 0 = absent and optional (*out untouched), -1 = error (or an earlier one).
 * JSON null counts as absent. Outputs that point into the JSON (strings,
 * objects) are borrowed: valid while the object lives.
 */
#ifndef NSP_WEB_VALIDATE_H
#define NSP_WEB_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/day.h"
#include "domain/enums.h"

#define VCTX_FIELD_MAX 128
#define VCTX_MSG_MAX 512
#define VCTX_DEPTH_MAX 8
#define VCTX_ERRORS_MAX 12

/* One error: the field's dotted name ("" = the whole body) and the messages. */
struct vctx_error {
	char field[VCTX_FIELD_MAX];
	char msg_sv[VCTX_MSG_MAX];
	char msg_en[VCTX_MSG_MAX];
};

struct vctx {
	int failed;                  /* 1 after the first error */
	char field[VCTX_FIELD_MAX];  /* dotted field name of the first error; "" = whole body */
	char msg_sv[VCTX_MSG_MAX];
	char msg_en[VCTX_MSG_MAX];
	/* Every error in the order found, the first included; more than
	 * VCTX_ERRORS_MAX are counted in `failed` only. */
	int n_errors;
	struct vctx_error errors[VCTX_ERRORS_MAX];

	/* The current nesting prefix (see v_push); private. */
	char prefix[VCTX_FIELD_MAX];
	size_t stack[VCTX_DEPTH_MAX];
	int depth;
};

/* Flags. The default (0) is optional, non-empty, single value. */
enum {
	V_OPTIONAL = 0,
	V_REQUIRED = 1u << 0,    /* absent or null is an error */
	V_EMPTY_OK = 1u << 1,    /* allow "", whitespace-only strings and [] */
	V_SINGLE_LINE = 1u << 2, /* strings: refuse every control character,
	                          * also tab and newlines (names, codes) */
};

void vctx_init(struct vctx *v);

/*
 * Records an error on key (prefixed with the current nesting) unless that
 * field has one already. key NULL or "" names the current object itself. For
 * checks a handler makes itself, e.g. "to" before "from"; the messages are
 * used as given (they may be shown beside the field or under its label).
 * Returns -1.
 */
int v_fail(struct vctx *v, const char *key, const char *msg_sv, const char *msg_en);

/* 1 when the field key (under the current nesting) has an error recorded. */
int v_has_error(const struct vctx *v, const char *key);

/*
 * The label of a field's dotted name in lang (0 Swedish, 1 English): the
 * catalogue's "field.<name>", else that of its last part without an index
 * ("children[1]" -> "field.children", "identity.birth_date" ->
 * "field.birth_date"); NULL when the catalogue has none.
 */
const char *v_label(const char *field, int lang);
/* The values of def in words of lang (0 Swedish, 1 English): "Vuxen eller Barn",
 * "a, b or c"; cut with ", …" when outsz is too small. */
void v_enum_words(const struct enum_def *def, int lang, char *out, size_t outsz);

/*
 * Nesting: after v_push(v, "basis") errors name "basis.<key>"; v_pop
 * undoes it. v_push_index(v, 2) appends "[2]" (for arrays of objects).
 * Too deep or too long names are truncated, never overflowed.
 */
void v_push(struct vctx *v, const char *key);
void v_push_index(struct vctx *v, size_t idx);
void v_pop(struct vctx *v);

/*
 * A string of at most max_chars Unicode characters, valid UTF-8, no NUL;
 * other control characters refused except tab, CR and LF (all refused with
 * V_SINGLE_LINE). Empty or whitespace-only refused unless V_EMPTY_OK.
 * *out borrows from obj.
 */
int v_string(struct vctx *v, const json_t *obj, const char *key, unsigned flags,
	     size_t max_chars, const char **out);

/* One of def's names; *out is its value. */
int v_enum(struct vctx *v, const json_t *obj, const char *key, const struct enum_def *def,
	   unsigned flags, int *out);

/*
 * An array of distinct names of def; *mask receives bit (1u << value) for each.
 * def->count must be <= 32. [] refused unless V_EMPTY_OK.
 */
int v_enum_set(struct vctx *v, const json_t *obj, const char *key, const struct enum_def *def,
	       unsigned flags, uint32_t *mask);

/* A "YYYY-MM-DD" string naming a real day (day_parse). */
int v_day(struct vctx *v, const json_t *obj, const char *key, unsigned flags, day_t *out);

/* A JSON integer (not a real, not a string) in [min, max]. */
int v_int(struct vctx *v, const json_t *obj, const char *key, int64_t min, int64_t max,
	  unsigned flags, int64_t *out);

/* An id: an integer in [1, INT64_MAX]. */
int v_id(struct vctx *v, const json_t *obj, const char *key, unsigned flags, int64_t *out);

/* true or false; *out 1 or 0. */
int v_bool(struct vctx *v, const json_t *obj, const char *key, unsigned flags, int *out);

/*
 * An array of at most max_n distinct ids (integers >= 1) copied into the
 * caller's ids[max_n]; *n receives the count. [] refused unless V_EMPTY_OK.
 * On error ids[] may be partly written (and *n is untouched).
 */
int v_id_array(struct vctx *v, const json_t *obj, const char *key, size_t max_n,
	       unsigned flags, int64_t *ids, size_t *n);

/* A JSON object; *out borrows from obj. {} is allowed. */
int v_object(struct vctx *v, const json_t *obj, const char *key, unsigned flags, json_t **out);

/* A JSON array of at most max_n elements; *out borrows from obj.
 * [] refused unless V_EMPTY_OK. */
int v_array(struct vctx *v, const json_t *obj, const char *key, size_t max_n,
	    unsigned flags, json_t **out);

/*
 * Refuses any key of obj not in the NULL-terminated list `known`, naming it
 * (catches misspelt optional fields that would otherwise be silently
 * ignored). Returns 1 when all keys are known, -1 otherwise.
 */
int v_known_keys(struct vctx *v, const json_t *obj, const char *const *known);

/*
 * Parses len bytes of body as JSON whose top level is an object, refusing
 * duplicate keys, invalid UTF-8 and trailing data. Returns a new reference
 * the caller must json_decref, or NULL with the error recorded in v (field
 * "", "malformed JSON" message with line and column).
 */
json_t *v_parse_object(struct vctx *v, const char *body, size_t len);

#endif
