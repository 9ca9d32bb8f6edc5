/*
 * The words of the web interface: one catalogue per language (i18n_sv.c,
 * i18n_en.c), every user-visible string by key. Keys are dotted names:
 * "nav.persons", "person.code", and "<enum>.<name>" for the label of an
 * enum value (enums.h: "gender.female", "code.reflection", "region.Öst").
 * Texts may hold placeholders {1} .. {9}, filled by i18n_html().
 * A unit test checks that both catalogues hold the same keys and a label
 * for every enum value; a key missing at run time is shown as the key (an
 * enum value as its name) and logged ("nsp: i18n: missing ...") so that
 * the browser test fails on it.
 */
#ifndef NSP_WEB_I18N_H
#define NSP_WEB_I18N_H

#include <stddef.h>

#include "domain/enums.h"
#include "web/html.h"

enum lang { LANG_SV, LANG_EN, LANG__COUNT };

struct i18n_entry {
	const char *key;
	const char *text;
};

/* The catalogues (i18n_sv.c, i18n_en.c), in any order. */
extern const struct i18n_entry i18n_sv[];
extern const size_t i18n_sv_count;
extern const struct i18n_entry i18n_en[];
extern const size_t i18n_en_count;

/* "en" -> LANG_EN; anything else (also NULL) -> LANG_SV, the default. */
enum lang i18n_lang(const char *code);
/* "sv" or "en". */
const char *i18n_code(enum lang l);

/* The text of key in l (static storage); the key itself when missing. Never NULL. */
const char *i18n(enum lang l, const char *key);
/* 1 when the catalogue of l holds key. */
int i18n_has(enum lang l, const char *key);
/* The label of value v of def: the text of "<def->name>.<name>". */
const char *i18n_enum(enum lang l, const struct enum_def *def, int v);
/* The label of an enum value given by its name (e.g. from JSON); "" for NULL. */
const char *i18n_enum_name(enum lang l, const struct enum_def *def, const char *name);

/*
 * Writes the text of key into h, escaped, with each {N} (1 <= N <= n)
 * replaced by args[N-1], escaped too. A placeholder without an argument is
 * written as is.
 */
void i18n_html(struct html *h, enum lang l, const char *key, const char *const *args, size_t n);

#endif
