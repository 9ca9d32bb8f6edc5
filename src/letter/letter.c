/* The decision letter as an A4 PDF: cairo draws, pango shapes and breaks the lines. */
#include "letter/letter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "domain/money.h"
#include "util/buf.h"

/* ---------------------------------------------------------------- loading */

int letter_load(struct db *db, int64_t decision_id, struct letter *out)
{
	struct db_application app;
	struct db_person person;
	struct db_org org;
	struct db_user user;
	int rc;

	memset(out, 0, sizeof *out);
	out->category = -1;
	if ((rc = db_decision_get(db, decision_id, &out->d)) != DB_OK)
		return rc;
	out->organisation_id = out->d.organisation_id;
	if ((rc = db_application_get(db, out->d.application_id, &app)) != DB_OK)
		goto fail;
	out->submitted_on = app.app.submitted_on;
	out->applied_from = app_type_has_period(app.app.type) ? app.app.from : DAY_NONE;
	out->applied_to = app_type_has_period(app.app.type) ? app.app.to : DAY_NONE;
	out->applied_units = app_type_is_point(app.app.type) ? app.app.units : 0;
	out->category = app_type_is_point(app.app.type) ? (int)app.app.category : -1;
	out->n_children = app.app.n_children;
	db_application_free(&app);
	/* The case code only: the identity stays sealed. */
	if ((rc = db_person_get(db, out->d.person_id, false, &person)) != DB_OK)
		goto fail;
	snprintf(out->case_code, sizeof out->case_code, "%s", person.code);
	db_person_free(&person);
	if ((rc = db_org_get(db, out->d.organisation_id, &org)) != DB_OK)
		goto fail;
	out->org_name = org.name;
	org.name = NULL;
	db_org_free(&org);
	if (out->d.decided_by && db_user_get(db, out->d.decided_by, &user) == DB_OK)
		snprintf(out->decided_by, sizeof out->decided_by, "%s", user.username);
	if (out->d.approved_by && db_user_get(db, out->d.approved_by, &user) == DB_OK)
		snprintf(out->approved_by, sizeof out->approved_by, "%s", user.username);
	if ((rc = db_decision_refusals(db, decision_id, &out->refusals, &out->n_refusals)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	letter_release(out);
	return rc == DB_NOTFOUND ? DB_ERROR : rc;
}

int letter_load_claim(struct db *db, int64_t claim_id, struct letter *out)
{
	struct db_claim c;
	struct db_user user;
	int rc;

	memset(out, 0, sizeof *out);
	out->category = -1;
	if ((rc = db_claim_get(db, claim_id, &c)) != DB_OK)
		return rc;
	if ((rc = letter_load(db, c.decision_id, out)) != DB_OK) {
		db_claim_free(&c);
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	}
	out->has_claim = true;
	out->claim = c;
	if (c.decided_by && db_user_get(db, c.decided_by, &user) == DB_OK)
		snprintf(out->claim_decided_by, sizeof out->claim_decided_by, "%s", user.username);
	return DB_OK;
}

bool letter_claim_handled(const struct letter *l)
{
	return l->has_claim && l->claim.status != CLAIM_SUBMITTED;
}

void letter_release(struct letter *l)
{
	if (!l)
		return;
	if (l->has_claim)
		db_claim_free(&l->claim);
	db_decision_free(&l->d);
	free(l->org_name);
	free(l->refusals);
	memset(l, 0, sizeof *l);
	l->category = -1;
}

void letter_file_name(int64_t decision_id, enum lang lang, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s-%lld.pdf", lang == LANG_EN ? "nsp-decision" : "nsp-beslut", (long long)decision_id);
}

void letter_claim_file_name(int64_t claim_id, enum lang lang, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s-%lld.pdf", lang == LANG_EN ? "nsp-claim" : "nsp-rekvisition", (long long)claim_id);
}

/* ---------------------------------------------------------------- typesetting */

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define LEFT (25 * MM)
#define RIGHT (20 * MM)
#define TOP (20 * MM)
#define BOTTOM (25 * MM)
#define WIDTH (PAGE_W - LEFT - RIGHT)
#define LABEL_W (52 * MM)          /* the label column of the facts */
#define FONT "DejaVu Sans"
#define SIZE_BODY 10.0
#define SIZE_SMALL 8.0
#define SIZE_TITLE 15.0
#define SIZE_HEAD 11.5

/* Where the next block goes. */
struct pen {
	cairo_t *cr;
	const struct letter *l;
	enum lang lang;
	double y;
	int page;
};

static const char *T(const struct pen *p, const char *key)
{
	return i18n(p->lang, key);
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
	buf_append(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* A new layout of text (UTF-8) width points wide; the caller unrefs it. */
static PangoLayout *layout(struct pen *p, const char *text, double size, bool bold, double width,
			   PangoAlignment align)
{
	PangoLayout *lay = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lay, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, align);
	pango_layout_set_text(lay, text, -1);
	return lay;
}

static double layout_height(PangoLayout *lay)
{
	int w, h;
	pango_layout_get_size(lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* What the letter is about and its number: "Beslut nr 42", or "Rekvisition nr 7" for a claim. */
static void doc_no(const struct pen *p, char *out, size_t outsz)
{
	const struct letter *l = p->l;
	snprintf(out, outsz, "%s %lld", T(p, l->has_claim ? "letter.claim_no" : "letter.decision_no"),
		 (long long)(l->has_claim ? l->claim.id : l->d.id));
}

static void footer(struct pen *p)
{
	char text[256], no[96];
	doc_no(p, no, sizeof no);
	snprintf(text, sizeof text, "%s \xC2\xB7 %s \xC2\xB7 %s %d", no, p->l->case_code, T(p, "letter.page"), p->page);
	PangoLayout *lay = layout(p, text, SIZE_SMALL, false, WIDTH, PANGO_ALIGN_LEFT);
	cairo_move_to(p->cr, LEFT, PAGE_H - 15 * MM);
	pango_cairo_show_layout(p->cr, lay);
	g_object_unref(lay);
	lay = layout(p, T(p, "letter.footer"), SIZE_SMALL, false, WIDTH, PANGO_ALIGN_LEFT);
	cairo_move_to(p->cr, LEFT, PAGE_H - 11 * MM);
	pango_cairo_show_layout(p->cr, lay);
	g_object_unref(lay);
}

static void page_break(struct pen *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
	char text[200], no[96];
	doc_no(p, no, sizeof no);
	snprintf(text, sizeof text, "%s \xE2\x80\x93 %s (%s)", T(p, "app.name"), no, T(p, "letter.continued"));
	PangoLayout *lay = layout(p, text, SIZE_SMALL, false, WIDTH, PANGO_ALIGN_LEFT);
	cairo_move_to(p->cr, LEFT, p->y);
	pango_cairo_show_layout(p->cr, lay);
	p->y += layout_height(lay) + 4 * MM;
	g_object_unref(lay);
}

/* Draws lay at x line by line from p->y, breaking the page between lines. */
static void flow(struct pen *p, PangoLayout *lay, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(lay);
	double top = p->y, end = p->y;
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double ly = (double)r.y / PANGO_SCALE, lh = (double)r.height / PANGO_SCALE;
		if (top + ly + lh > PAGE_H - BOTTOM && top + ly > TOP + 1) {
			page_break(p);
			top = p->y - ly;
		}
		cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE,
			      top + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		end = top + ly + lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	p->y = end;
}

/* A paragraph of the full width, then space_after points. */
static void para(struct pen *p, const char *text, double size, bool bold, double space_after)
{
	PangoLayout *lay = layout(p, text, size, bold, WIDTH, PANGO_ALIGN_LEFT);
	flow(p, lay, LEFT);
	g_object_unref(lay);
	p->y += space_after;
}

/* A row of up to four cells, x[i] and w[i] in points; kept on one page. */
static void row(struct pen *p, int n, const char *const *text, const double *x, const double *w,
		const PangoAlignment *align, bool bold)
{
	PangoLayout *lay[4];
	double h = 0;
	for (int i = 0; i < n; i++) {
		lay[i] = layout(p, text[i], SIZE_BODY, bold || (i == 0 && !align), w[i],
				align ? align[i] : PANGO_ALIGN_LEFT);
		double hi = layout_height(lay[i]);
		h = hi > h ? hi : h;
	}
	if (p->y + h > PAGE_H - BOTTOM)
		page_break(p);
	for (int i = 0; i < n; i++) {
		cairo_move_to(p->cr, x[i], p->y);
		pango_cairo_show_layout(p->cr, lay[i]);
		g_object_unref(lay[i]);
	}
	p->y += h + 1.5 * MM;
}

/* One fact: a bold label and its value. */
static void fact(struct pen *p, const char *label, const char *value)
{
	const char *text[2] = { label, value };
	const double x[2] = { LEFT, LEFT + LABEL_W }, w[2] = { LABEL_W - 3 * MM, WIDTH - LABEL_W };
	row(p, 2, text, x, w, NULL, false);
}

static void rule_line(struct pen *p)
{
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, LEFT, p->y);
	cairo_line_to(p->cr, LEFT + WIDTH, p->y);
	cairo_stroke(p->cr);
	p->y += 3 * MM;
}

static void heading(struct pen *p, const char *text)
{
	if (p->y + 14 * MM > PAGE_H - BOTTOM)
		page_break(p);
	p->y += 2 * MM;
	para(p, text, SIZE_HEAD, true, 2 * MM);
}

/* "2024-03-01 – 2024-03-30 (30 dygn)" */
static void period_text(const struct pen *p, day_t from, day_t to, char *out, size_t outsz)
{
	char a[DAY_BUFSZ], b[DAY_BUFSZ];
	snprintf(out, outsz, "%s \xE2\x80\x93 %s (%lld %s)", day_format(from, a), day_format(to, b),
		 (long long)day_count(from, to), T(p, "letter.days"));
}

static void money(int64_t ore, char *out, size_t outsz)
{
	if (money_format(ore, out, outsz, 0) < 0)
		snprintf(out, outsz, "%lld", (long long)ore);
}

static void facts(struct pen *p)
{
	const struct letter *l = p->l;
	const struct db_decision *d = &l->d;
	char text[400], day[DAY_BUFSZ];

	fact(p, T(p, "letter.organisation"), l->org_name);
	fact(p, T(p, "letter.case_code"), l->case_code);
	fact(p, T(p, "letter.submitted_on"), day_format(l->submitted_on, day));
	/* what was applied for */
	if (l->applied_from != DAY_NONE) {
		char per[160];
		period_text(p, l->applied_from, l->applied_to, per, sizeof per);
		snprintf(text, sizeof text, "%s, %s", i18n_enum(p->lang, &enum_app_type, (int)d->type), per);
	} else if (l->category >= 0) {
		snprintf(text, sizeof text, "%s: %s, %lld %s", i18n_enum(p->lang, &enum_app_type, (int)d->type),
			 i18n_enum(p->lang, &enum_point_category, l->category), (long long)l->applied_units,
			 T(p, "letter.units"));
	} else {
		snprintf(text, sizeof text, "%s", i18n_enum(p->lang, &enum_app_type, (int)d->type));
	}
	if (l->n_children)
		snprintf(text + strlen(text), sizeof text - strlen(text), "; %s %zu", T(p, "letter.children_named"),
			 l->n_children);
	fact(p, T(p, "letter.applied_for"), text);
	fact(p, T(p, "letter.decided_on"), day_format(d->decided_on, day));
	fact(p, T(p, "letter.outcome"), i18n_enum(p->lang, &enum_outcome, (int)d->outcome));
	if (d->outcome != OUTCOME_DENIED && d->from != DAY_NONE) {
		period_text(p, d->from, d->to, text, sizeof text);
		fact(p, T(p, "letter.granted_period"), text);
	} else if (d->outcome != OUTCOME_DENIED && d->units) {
		snprintf(text, sizeof text, "%lld %s", (long long)d->units, T(p, "letter.units"));
		fact(p, T(p, "letter.granted_units"), text);
	}
	if (d->emergency && d->emergency_cleared_on != DAY_NONE)
		snprintf(text, sizeof text, "%s %s", T(p, "letter.emergency_cleared"), day_format(d->emergency_cleared_on, day));
	else
		snprintf(text, sizeof text, "%s", T(p, d->emergency ? "letter.emergency_yes" : "letter.emergency_no"));
	fact(p, T(p, "letter.emergency"), text);
}

/* The table of lines (days or units, amount per line, the supplement its own) and its total. */
static void amounts(struct pen *p, const struct decision_line *lines, size_t n_lines, int64_t total_ore,
		    const char *total_key)
{
	const struct db_decision *d = &p->l->d;
	const double x[3] = { LEFT, LEFT + WIDTH - 70 * MM, LEFT + WIDTH - 40 * MM };
	const double w[3] = { WIDTH - 72 * MM, 28 * MM, 40 * MM };
	const PangoAlignment al[3] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT };
	bool point = app_type_is_point(d->type);
	char n[32], amount[48];

	heading(p, T(p, "letter.amounts"));
	const char *head[3] = { T(p, "letter.line"), T(p, point ? "letter.units_head" : "letter.days_head"),
				T(p, "letter.amount") };
	row(p, 3, head, x, w, al, true);
	for (size_t i = 0; i < n_lines; i++) {
		snprintf(n, sizeof n, "%lld", (long long)lines[i].days);
		money(lines[i].amount_ore, amount, sizeof amount);
		const char *cells[3] = { i18n_enum(p->lang, &enum_code, (int)lines[i].code), n, amount };
		row(p, 3, cells, x, w, al, false);
	}
	money(total_ore, amount, sizeof amount);
	const char *total[3] = { T(p, total_key), "", amount };
	row(p, 3, total, x, w, al, true);
}

static void reasons(struct pen *p, bool with_reason_text)
{
	const struct letter *l = p->l;
	const char *reason = l->d.reason ? l->d.reason : "";
	bool has_text = reason[strspn(reason, " \t\r\n")] != '\0';

	if (l->d.outcome == OUTCOME_GRANTED && !l->n_refusals)
		return;
	heading(p, T(p, "letter.reasons"));
	if (l->n_refusals) {
		para(p, T(p, "letter.reasons_rules"), SIZE_BODY, false, 1.5 * MM);
		for (size_t i = 0; i < l->n_refusals; i++) {
			const char *sentence = p->lang == LANG_EN ? l->refusals[i].en : l->refusals[i].sv;
			PangoLayout *lay = layout(p, sentence, SIZE_BODY, false, WIDTH - 6 * MM, PANGO_ALIGN_LEFT);
			flow(p, lay, LEFT + 6 * MM);
			g_object_unref(lay);
			p->y += 1.5 * MM;
		}
	} else {
		para(p, T(p, "letter.reasons_no_rule"), SIZE_BODY, false, 1.5 * MM);
	}
	if (!has_text)
		return;
	p->y += 1 * MM;
	para(p, T(p, "letter.motivation"), SIZE_BODY, true, 1 * MM);
	para(p, with_reason_text ? reason : T(p, "letter.motivation_in_system"), SIZE_BODY, false, 1.5 * MM);
}

static void signatures(struct pen *p)
{
	const struct letter *l = p->l;
	heading(p, T(p, "letter.decided_by_head"));
	fact(p, T(p, "letter.decided_by"), l->decided_by[0] ? l->decided_by : "\xE2\x80\x93");
	if (l->approved_by[0])
		fact(p, T(p, "letter.approved_by"), l->approved_by);
}

static void next_steps(struct pen *p)
{
	const struct db_decision *d = &p->l->d;
	heading(p, T(p, "letter.next"));
	if (d->type == APP_ADMISSION && d->outcome != OUTCOME_DENIED)
		para(p, T(p, "letter.next_interventions"), SIZE_BODY, false, 1.5 * MM);
	if (d->total_ore > 0)
		para(p, T(p, "letter.next_claim"), SIZE_BODY, false, 1.5 * MM);
	if ((d->type == APP_REFLECTION || d->type == APP_EXTENDED) && d->outcome != OUTCOME_DENIED)
		para(p, T(p, "letter.next_extend"), SIZE_BODY, false, 1.5 * MM);
	if (d->outcome != OUTCOME_GRANTED)
		para(p, T(p, "letter.next_reconsider"), SIZE_BODY, false, 1.5 * MM);
	para(p, T(p, "letter.next_keep"), SIZE_BODY, false, 1.5 * MM);
}

static void letterhead(struct pen *p)
{
	const struct db_decision *d = &p->l->d;
	char text[200], day[DAY_BUFSZ];
	PangoLayout *lay = layout(p, T(p, "app.name"), 17, true, WIDTH * 0.62, PANGO_ALIGN_LEFT);
	cairo_move_to(p->cr, LEFT, p->y);
	pango_cairo_show_layout(p->cr, lay);
	double h = layout_height(lay);
	g_object_unref(lay);
	char no[96];
	doc_no(p, no, sizeof no);
	snprintf(text, sizeof text, "%s\n%s", day_format(p->l->has_claim ? p->l->claim.decided_on : d->decided_on, day),
		 no);
	lay = layout(p, text, SIZE_BODY, false, WIDTH * 0.35, PANGO_ALIGN_RIGHT);
	cairo_move_to(p->cr, LEFT + WIDTH * 0.65, p->y);
	pango_cairo_show_layout(p->cr, lay);
	g_object_unref(lay);
	p->y += h + 1 * MM;
	para(p, T(p, "letter.sender"), SIZE_BODY, false, 3 * MM);
	rule_line(p);
	snprintf(text, sizeof text, "%s %s", T(p, p->l->has_claim ? "letter.claim_title" : "letter.title"),
		 i18n_enum(p->lang, &enum_app_type, (int)d->type));
	para(p, text, SIZE_TITLE, true, 4 * MM);
}

/* ---------------------------------------------------------------- a handled claim */

static void claim_facts(struct pen *p)
{
	const struct letter *l = p->l;
	const struct db_claim *c = &l->claim;
	char text[400], day[DAY_BUFSZ];

	fact(p, T(p, "letter.organisation"), l->org_name);
	fact(p, T(p, "letter.case_code"), l->case_code);
	snprintf(text, sizeof text, "%s %lld, %s", T(p, "letter.decision_no"), (long long)l->d.id,
		 day_format(l->d.decided_on, day));
	fact(p, T(p, "letter.claim_decision"), text);
	fact(p, T(p, "letter.claim_submitted_on"), day_format(c->submitted_on, day));
	fact(p, T(p, "letter.claim_reference"), c->reference ? c->reference : "");
	if (c->from != DAY_NONE)
		period_text(p, c->from, c->to, text, sizeof text);
	else
		snprintf(text, sizeof text, "%lld %s", (long long)c->units, T(p, "letter.units"));
	fact(p, T(p, "letter.claimed"), text);
	fact(p, T(p, "letter.outcome"), i18n_enum(p->lang, &enum_claim_status, (int)c->status));
	fact(p, T(p, c->status == CLAIM_PAID ? "letter.claim_paid_on" : "letter.claim_rejected_on"),
	     day_format(c->decided_on, day));
}

static void claim_reason(struct pen *p, bool with_reason_text)
{
	const struct db_claim *c = &p->l->claim;
	if (c->status != CLAIM_REJECTED)
		return;
	heading(p, T(p, "letter.claim_reason"));
	para(p, with_reason_text && c->reject_reason ? c->reject_reason : T(p, "letter.claim_reason_in_system"),
	     SIZE_BODY, false, 1.5 * MM);
}

static void claim_signature(struct pen *p)
{
	const struct letter *l = p->l;
	heading(p, T(p, "letter.decided_by_head"));
	fact(p, T(p, "letter.claim_decided_by"), l->claim_decided_by[0] ? l->claim_decided_by : "\xE2\x80\x93");
}

static void claim_next_steps(struct pen *p)
{
	const struct letter *l = p->l;
	heading(p, T(p, "letter.next"));
	if (l->claim.status == CLAIM_PAID) {
		para(p, T(p, "letter.claim_next_paid"), SIZE_BODY, false, 1.5 * MM);
	} else {
		para(p, T(p, "letter.claim_next_rejected"), SIZE_BODY, false, 1.5 * MM);
		para(p, T(p, "letter.next_reconsider_claim"), SIZE_BODY, false, 1.5 * MM);
	}
	if (l->d.closed_on == DAY_NONE)
		para(p, T(p, "letter.next_claim"), SIZE_BODY, false, 1.5 * MM);
	para(p, T(p, "letter.next_keep"), SIZE_BODY, false, 1.5 * MM);
}

int letter_pdf(const struct letter *l, enum lang lang, bool with_reason_text, struct buf *out, char *err,
	       size_t errsz)
{
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errsz, "the letter cannot be typeset: %s",
			 cairo_status_to_string(cairo_surface_status(surface)));
		cairo_surface_destroy(surface);
		return -1;
	}
	char title[128];
	cairo_t *cr = cairo_create(surface);
	struct pen p = { .cr = cr, .l = l, .lang = lang, .y = TOP, .page = 1 };
	doc_no(&p, title, sizeof title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, i18n(lang, "app.name"));
	cairo_set_source_rgb(cr, 0, 0, 0);

	letterhead(&p);
	if (l->has_claim) {
		claim_facts(&p);
		amounts(&p, l->claim.lines, l->claim.n_lines, l->claim.amount_ore, "letter.claim_total");
		claim_reason(&p, with_reason_text);
		claim_signature(&p);
		claim_next_steps(&p);
	} else {
		facts(&p);
		if (l->d.n_lines)
			amounts(&p, l->d.lines, l->d.n_lines, l->d.total_ore, "letter.total");
		reasons(&p, with_reason_text);
		signatures(&p);
		next_steps(&p);
	}
	footer(&p);
	cairo_show_page(cr);

	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errsz, "the letter cannot be typeset: %s", cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
