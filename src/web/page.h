/*
 * What the HTML pages share (private to src/web/pages.c and page_*.c): the
 * page context, the layout (header with the user's role, organisation,
 * language switch and logout), form fields with label and error, and the
 * conversion of a posted form into the JSON that the svc_*() functions take.
 *
 * A page handler reads, through svc_*() only, what it shows:
 *
 *     struct page p;
 *     page_init(&p, req);
 *     json_t *person = svc_person_get(&p.svc, req->ids[0], true, &e);
 *     if (!person)
 *             return page_fail(&p, &e);
 *     page_start(&p, page_t(&p, "person.title"));
 *     ...
 *     page_end(&p);
 *
 * A form handler converts the posted fields (page_form_json), calls the same
 * svc_*() as the API, and on error shows the form again with p.in (what the
 * user typed) and p.err (shown beside its field); on success it redirects
 * (303, POST-redirect-GET); page_post_form does all of it for a plain form.
 * The handlers themselves are declared in routes.h.
 */
#ifndef NSP_WEB_PAGE_H
#define NSP_WEB_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "web/form.h"
#include "web/html.h"
#include "web/i18n_html.h"
#include "web/service.h"

struct page {
	struct http_request *req;
	struct svc svc;
	enum lang lang;
	struct html h;
	struct form form;             /* the posted form, when parsed */
	const struct form *in;        /* what the user typed (a re-display), or NULL */
	const struct svc_error *err;  /* the error to show beside its field, or NULL */
	const char *rule_field;       /* where a rule refusal is shown; NULL: the default per rule */
	bool err_shown;               /* a field showed (one of) err */
	unsigned err_shown_mask;      /* bit i: error i of err was shown beside its field */
};

void page_init(struct page *p, struct http_request *req);
/* Frees what page_init and page_parse took (page_end and page_fail call it). */
void page_release(struct page *p);

/* The catalogue text of key in the page's language. */
const char *page_t(const struct page *p, const char *key);
/* The label of an enum value given by name. */
const char *page_enum(const struct page *p, const struct enum_def *def, const char *name);

/* Writes the document head, the site header and opens <main>; title is plain text. */
void page_start(struct page *p, const char *title);
/* Closes the document and replies 200 (takes the buffer). Releases p. */
void page_end(struct page *p);
/* The same with another status (a form shown again with its error: 400, 422 ...). */
void page_end_status(struct page *p, unsigned status);
/* Replies with the error page of e (404 for another organisation's records). Releases p. */
void page_fail(struct page *p, const struct svc_error *e);
/* Replies 303 to a local path (POST-redirect-GET). Releases p. */
void page_redirect(struct page *p, const char *location);
/* The same to a path formatted from ids and fixed words (never request text). */
void page_redirectf(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Escaped text of a catalogue key; an <h1> of a key. */
void page_text(struct page *p, const char *key);
void page_h1(struct page *p, const char *key);
/* The text of key with {1}.. filled from the NULL-terminated strings after it. */
void page_textv(struct page *p, const char *key, ...) __attribute__((sentinel));

/* ---------------------------------------------------------------- forms */

/* Parses the urlencoded body into p->form and sets p->in. Returns 0 or -1
 * (after replying 400). */
int page_parse(struct page *p);
/* The posted value of name, or NULL (also when nothing was posted). */
const char *page_in(const struct page *p, const char *name);

/* <form method=post action=...> with the CSRF token; action is formatted (ids only). */
void page_form(struct page *p, const char *action_fmt, ...) __attribute__((format(printf, 2, 3)));
/* A submit button with the label of key, and </form>. */
void page_form_end(struct page *p, const char *button_key);
/* The error summary (when p->err): every message with its rule and its
 * field's label, each linked to its field. */
void page_errors(struct page *p);

enum field_kind {
	FIELD_TEXT, FIELD_PASSWORD, FIELD_DATE, FIELD_NUMBER, FIELD_MONEY, FIELD_TEXTAREA,
	FIELD_SELECT, FIELD_RADIOS, FIELD_CHECKS, FIELD_CHECKBOX, FIELD_HIDDEN,
};

/* One choice of a select, radio group or checkbox group. */
struct choice {
	const char *value;
	const char *text;             /* shown as is (escaped) */
};

/* Choices made from JSON rows (page_choices); release with page_choices_release. */
struct choices {
	struct choice *c;
	size_t n;
	char (*ids)[24];              /* the values as text */
};

/* One choice per object of array: value = its integer id_key, text = its
 * string text_key (borrowed: array must outlive the choices). */
void page_choices(struct choices *c, const json_t *array, const char *id_key, const char *text_key);
void page_choices_release(struct choices *c);

struct field {
	enum field_kind kind;
	const char *name;             /* the form name = the JSON field ("basis.kind") */
	const char *label;            /* catalogue key */
	const char *hint;             /* catalogue key, or NULL */
	const char *hint_text;        /* a hint already in words (e.g. with figures), or NULL */
	const char *value;            /* the value shown first (not on a re-display) */
	const json_t *values;         /* FIELD_CHECKS: the names checked first (array of strings) */
	const struct enum_def *def;   /* choices from an enum (labels from the catalogue) */
	const struct choice *choices; /* ... or these */
	size_t n_choices;
	bool required;
	bool empty_choice;            /* FIELD_SELECT: a first choice "—" with value "" */
	const char *id;               /* a group id for the progressive script (data-group) */
	const char *show_if;          /* "name=value": the script shows the field only then */
};

/* A field with its label, hint, error (when p->err names it) and value. */
void page_field(struct page *p, const struct field *f);

/* How a posted field becomes JSON. Empty values are left out (absent). */
enum fj_kind {
	FJ_STR,   /* string */
	FJ_INT,   /* integer (a non-number is passed on as a string: the service names it invalid) */
	FJ_BOOL,  /* "1"/"true"/"on" -> true, "0"/"false" -> false */
	FJ_SET,   /* every value of the name -> array of strings */
	FJ_IDS,   /* every value of the name -> array of integers */
	FJ_KR,    /* an amount in kronor as typed -> integer öre (a page-level error when unreadable) */
};

struct fj {
	const char *name;             /* dotted: "basis.kind" -> {"basis":{"kind":...}} */
	enum fj_kind kind;
};

/* The status of a form shown again with e: svc_http_status(), except that a
 * field naming a record that does not exist is 400 (a wrong field). */
unsigned page_form_status(const struct svc_error *e);

/* A page shown again with the posted form and an error (p->err set). */
typedef void page_again_fn(struct page *p, unsigned status);

/* A form handler's ending: with out (taken) a 303 to where (with ?done=); a
 * missing record (not found, no field) is the error page; else the page
 * again with e beside its field. e must outlive the call (p->err borrows it). */
void page_after_post(struct page *p, json_t *out, struct svc_error *e, const char *where, page_again_fn *again);
/* Parses the posted form after spec, passes it to fn and ends as page_after_post. */
void page_post_form(struct http_request *req, const struct fj *spec, size_t n,
		    json_t *(*fn)(struct svc *, const json_t *, struct svc_error *), const char *where,
		    page_again_fn *again);

/* Fills e as SVC_INVALID of field with both messages (a page's own input check). */
void page_invalid(struct svc_error *e, const char *field, const char *sv, const char *en);

/* The posted form as JSON after spec. NULL with *e filled (field named) when an
 * amount cannot be read. The caller owns the result. */
json_t *page_form_json(struct page *p, const struct fj *spec, size_t n, struct svc_error *e);

/* ---------------------------------------------------------------- display */

/* <table> in a scrolling wrapper with a caption (key, may be NULL) and one
 * column header per catalogue key given, NULL-terminated; then <tbody>. */
void page_table(struct page *p, const char *caption_key, ...) __attribute__((sentinel));
void page_table_end(struct page *p);
/* Opens <section class="panel"> with an <h2> of key; the caller closes the section. */
void page_panel(struct page *p, const char *key);
/*
 * The year's money figures of b (the budget object of svc_year_budget) with
 * the labels of domain.md §8, each marked data-figure="<field>", and one
 * line where two figures differ by definition. The same on the start page,
 * the year page and the report page (coordinator and funder).
 */
void page_money_figures(struct page *p, const json_t *b);
/* <a href="formatted">text</a> (text escaped). */
void page_link(struct page *p, const char *text, const char *href_fmt, ...) __attribute__((format(printf, 3, 4)));

/* <dl> rows: a term (key) and a value (escaped text). */
void page_dl_row(struct page *p, const char *key, const char *value);
/* An amount and a date (or "–") from JSON values. */
void page_money(struct page *p, const json_t *ore);
void page_day(struct page *p, const json_t *day);
/*
 * Confirmation before what cannot be undone (closing a decision, deactivating
 * a user, resetting a second factor), server-side and without JavaScript:
 * true when the posted form (page_parse() first) carries the checked box
 * "confirm". Otherwise renders a page (status 200) that says what will
 * happen (the catalogue text what_key with the one argument arg, which may
 * be NULL) with a form back to the same URL holding the required box and the
 * button button_key, and a way back to back_href; returns false: nothing has
 * been done.
 */
bool page_confirmed(struct page *p, const char *what_key, const char *arg, const char *button_key,
		    const char *back_href);
/* page_confirmed() with the box's own label check_key, for a step that can
 * be changed later (the box of page_confirmed says it cannot be undone). */
bool page_confirmed_check(struct page *p, const char *what_key, const char *arg, const char *button_key,
			  const char *back_href, const char *check_key);

/* page_confirmed() for a form of several fields: the confirmation page
 * also shows what show() draws (before the box) and posts the fields named
 * in keep (NULL-terminated) again as they were sent. check_key: the box's
 * label (NULL: "confirm.check", it cannot be undone). */
struct confirm {
	const char *what_key, *arg, *button_key, *back_href, *check_key;
	const char *const *keep;
	void (*show)(struct page *p, const void *ctx);
	const void *ctx;
};
bool page_confirmed_with(struct page *p, const struct confirm *c);

/* The apply form's pseudo-type of "Ansök om tillträde och reflektionsperiod":
 * an admission and a reflection period in one form (R13). */
#define APPLY_ADMISSION_REFLECTION "admission_reflection"

/* A capacity row's free places, and "(N över)" when more are housed than
 * declared (R15): never a negative number of free places. */
void page_available(struct page *p, const json_t *row);
/* The JSON string value (escaped) or "–". */
void page_str(struct page *p, const json_t *s);
/* A notice after a redirect: ?done=KEY shows the text of "done.KEY" when it exists. */
void page_notice(struct page *p);
/* The integer at key of o, 0 when it is not an integer. */
int64_t page_int(const json_t *o, const char *key);
/* The string at key of o (borrowed), NULL when it is not a string. */
const char *page_s(const json_t *o, const char *key);

/* The case codes of the persons rows names, as svc_page_person_codes(): by
 * the integer at key of each object, or (key NULL) each element is an id.
 * The caller owns the result; NULL with *e filled. */
json_t *page_person_codes(struct page *p, const json_t *rows, const char *key, struct svc_error *e);
/* The case code of person id in codes (borrowed), NULL when it is not there. */
const char *page_person_code(const json_t *codes, int64_t id);

/* What is left of the person's limits (R3, R4, R6) from svc_person_allowance(),
 * in words: "12 av 30 reflektionsdygn kvar" (page_person.c). */
void page_allowance(struct page *p, const json_t *allowance);

/* "N dagar kvar" of a running period (svc_person_get's "period"; nothing for
 * null), highlighted within a week; page_days_left_n for a count of days
 * (the last day and today both counted) (page_person.c). */
void page_days_left(struct page *p, const json_t *period);
void page_days_left_n(struct page *p, int64_t left);
/* The gender of a person's JSON in words: a child's as flicka/pojke/annat/okänt. */
const char *page_gender(const struct page *p, const json_t *person);

/* ---- list pages (page_lists.c): filters, "Visar 1–50 av 212", previous and next ---- */
/* One filter of a list's URL: its name and the value given (NULL or "": none). */
struct list_filter {
	const char *name, *value;
};
/* Previous and next links of the list at path, keeping the filters f[0..n). */
void page_list_paging(struct page *p, const char *path, const struct list_filter *f, size_t n, int64_t off,
		      int64_t per_page, int64_t total);
/* "Visar {1}–{2} av {3}…" of key for the rows off+1..off+shown of total. */
void page_list_showing(struct page *p, const char *key, int64_t off, size_t shown, int64_t total);
/* Is any filter but the order given? */
bool page_list_filtered(const struct list_filter *f, size_t n);
/* The search form: open (GET to path), its fields, close (with the button). */
void page_filter_open(struct page *p, const char *path);
void page_filter_code(struct page *p, const char *value);
/* A choice of values[] (NULL-terminated) named by the catalogue's keys[], with an "any" first. */
void page_filter_choice(struct page *p, const char *name, const char *label_key, const char *any_key,
			const char *const *values, const char *const *keys, const char *current);
void page_filter_enum(struct page *p, const char *name, const char *label_key, const char *any_key,
		      const struct enum_def *def, const char *current);
/* ?organisation_id= from svc_org_list's answer. */
void page_filter_orgs(struct page *p, const json_t *orgs, const char *current);
void page_filter_year(struct page *p, const char *current);
/* A day (a native date input) named name, labelled by the catalogue's label_key. */
void page_filter_date(struct page *p, const char *name, const char *label_key, const char *current);
void page_filter_close(struct page *p);
/* An application's or decision's "from – to", or "Ingen period" where it has none. */
void page_period_cell(struct page *p, const json_t *x);
/* A decision's "state" in words: Öppet, Avslutat, Inget belopp. */
void page_decision_state(struct page *p, const json_t *d);
/* key, or key + "_one" for n == 1 when the catalogue has it ("1 ledig", "2 lediga"); buf holds it. */
const char *page_count_key(const struct page *p, const char *key, int64_t n, char *buf, size_t bufsz);

/* The current year (for links to /years/Y and /reports/Y). */
int page_this_year(void);

#endif
