/*
 * Validation at the boundary: typed extraction of request fields from a
 * JSON object. A validation context records the FIRST error only, with the
 * field's dotted name ("basis.kind", "children[1]") and a message in Swedish
 * and English; after a failure every further call does nothing and returns
 * -1, so a handler can extract all fields in a row and test ctx.failed once:
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

struct vctx {
	int failed;                  /* 1 after the first error */
	char field[VCTX_FIELD_MAX];  /* dotted field name of the error; "" = whole body */
	char msg_sv[VCTX_MSG_MAX];
	char msg_en[VCTX_MSG_MAX];

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
 * Records an error on key (prefixed with the current nesting) unless one is
 * recorded already. key NULL or "" names the current object itself. For
 * checks a handler makes itself, e.g. "to" before "from". Returns -1.
 */
int v_fail(struct vctx *v, const char *key, const char *msg_sv, const char *msg_en);

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
