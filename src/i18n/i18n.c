/* Lookup in the catalogues of sv.c and en.c (see i18n.h). */
#include "i18n/i18n.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each catalogue sorted by key once, so that a lookup is a binary search
 * and the catalogue files can stay in the order that reads best. */
static const struct i18n_entry **sorted[LANG__COUNT];
static size_t nsorted[LANG__COUNT];
static pthread_once_t sort_once = PTHREAD_ONCE_INIT;

static int cmp_entry(const void *a, const void *b)
{
	const struct i18n_entry *const *x = a, *const *y = b;
	return strcmp((*x)->key, (*y)->key);
}

static void sort_catalogues(void)
{
	const struct i18n_entry *cat[LANG__COUNT] = { i18n_sv, i18n_en };
	const size_t count[LANG__COUNT] = { i18n_sv_count, i18n_en_count };
	for (int l = 0; l < LANG__COUNT; l++) {
		sorted[l] = malloc(count[l] * sizeof *sorted[l]);
		if (!sorted[l])
			abort(); /* at start-up: nothing sensible to do without memory */
		for (size_t i = 0; i < count[l]; i++)
			sorted[l][i] = &cat[l][i];
		qsort(sorted[l], count[l], sizeof *sorted[l], cmp_entry);
		nsorted[l] = count[l];
	}
}

enum lang i18n_lang(const char *code)
{
	return code && strcmp(code, "en") == 0 ? LANG_EN : LANG_SV;
}

const char *i18n_code(enum lang l)
{
	return l == LANG_EN ? "en" : "sv";
}

static const char *lookup(enum lang l, const char *key)
{
	if ((unsigned)l >= LANG__COUNT || !key)
		return NULL;
	pthread_once(&sort_once, sort_catalogues);
	size_t lo = 0, hi = nsorted[l];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, sorted[l][mid]->key);
		if (c == 0)
			return sorted[l][mid]->text;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int i18n_has(enum lang l, const char *key)
{
	return lookup(l, key) != NULL;
}

/* Logged (not fatal) so that the browser test can fail on it. */
static void missing(enum lang l, const char *key)
{
	fprintf(stderr, "nsp: i18n: missing %s key '%s'\n", i18n_code(l), key ? key : "(null)");
}

const char *i18n(enum lang l, const char *key)
{
	const char *t = lookup(l, key);
	if (t)
		return t;
	missing(l, key);
	return key ? key : "";
}

const char *i18n_enum_name(enum lang l, const struct enum_def *def, const char *name)
{
	char key[128];
	if (!name)
		return "";
	int n = snprintf(key, sizeof key, "%s.%s", def->name, name);
	const char *t = n < 0 || (size_t)n >= sizeof key ? NULL : lookup(l, key);
	if (t)
		return t;
	missing(l, key);
	return name; /* the caller's storage, not key */
}

const char *i18n_enum(enum lang l, const struct enum_def *def, int v)
{
	return i18n_enum_name(l, def, enum_name(def, v));
}
