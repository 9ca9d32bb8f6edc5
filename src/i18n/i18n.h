/*
 * The words of nsp, shared by the web interface and the annual report's
 * exports: one catalogue per language (sv.c, en.c), every user-visible
 * string by key. Keys are dotted names: "nav.persons", "person.code", and
 * "<enum>.<name>" for the label of an enum value (enums.h: "gender.female",
 * "code.reflection", "region.Öst"). Texts may hold placeholders {1} .. {9},
 * filled into HTML by i18n_html() (web/i18n_html.h): this module knows
 * neither HTML nor HTTP, so that the report does not depend on the web layer.
 * A unit test checks that both catalogues hold the same keys and a label
 * for every enum value; a key missing at run time is shown as the key (an
 * enum value as its name) and logged ("nsp: i18n: missing ...") so that
 * the browser test fails on it.
 */
#ifndef NSP_I18N_I18N_H
#define NSP_I18N_I18N_H

#include <stddef.h>

#include "domain/enums.h"

enum lang { LANG_SV, LANG_EN, LANG__COUNT };

struct i18n_entry {
	const char *key;
	const char *text;
};

/* The catalogues (sv.c, en.c), in any order. */
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

#endif
