/*
 * Unit tests of src/web/html.c (the escaping writer), src/i18n/ (the two
 * catalogues and their lookup) and src/web/i18n_html.c: every user-visible
 * word exists in Swedish and English, every enum value has a label,
 * placeholders are filled escaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/certification.h"
#include "domain/report.h"
#include "i18n/i18n.h"
#include "web/html.h"
#include "web/i18n_html.h"
#include "web/validate.h"

static void test_text_and_attributes_are_escaped(void **state)
{
	(void)state;
	struct html h = HTML_INIT;
	html_raw(&h, "<p");
	html_attr(&h, "title", "\"><script>alert(1)</script>");
	html_raw(&h, ">");
	html_text(&h, "<b>Tom & 'Jerry'</b>");
	html_raw(&h, "</p>");
	assert_string_equal(buf_str(&h.b), "<p title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">"
					   "&lt;b&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;</p>");
	html_release(&h);
}

static void test_formatted_text_is_escaped_too(void **state)
{
	(void)state;
	struct html h = HTML_INIT;
	html_textf(&h, "%s=%d", "<x>", 5);
	html_attrf(&h, "href", "/persons/%lld?q=%s", 42LL, "a\"b");
	html_elem(&h, "td", "a<b");
	html_text(&h, NULL); /* nothing */
	html_attr(&h, "title", NULL); /* nothing */
	html_flag(&h, "checked", 0);
	html_flag(&h, "required", 1);
	assert_string_equal(buf_str(&h.b), "&lt;x&gt;=5 href=\"/persons/42?q=a&quot;b\"<td>a&lt;b</td> required");
	html_release(&h);
}

static void test_money_dates_and_numbers(void **state)
{
	(void)state;
	struct html h = HTML_INIT;
	html_money(&h, 311513300);
	html_raw(&h, "|");
	html_day(&h, day_from_ymd(2025, 3, 4));
	html_raw(&h, "|");
	html_day(&h, DAY_NONE);
	html_raw(&h, "|");
	html_int(&h, -12);
	/* No-break spaces (U+00A0) keep an amount on one line. */
	assert_string_equal(buf_str(&h.b), "3\xC2\xA0" "115\xC2\xA0" "133\xC2\xA0kr|2025-03-04|\xE2\x80\x93|-12");
	html_release(&h);
}

static void test_lookup_and_languages(void **state)
{
	(void)state;
	assert_int_equal(i18n_lang("en"), LANG_EN);
	assert_int_equal(i18n_lang("sv"), LANG_SV);
	assert_int_equal(i18n_lang(NULL), LANG_SV);
	assert_int_equal(i18n_lang("de"), LANG_SV);
	assert_string_equal(i18n(LANG_SV, "nav.logout"), "Logga ut");
	assert_string_equal(i18n(LANG_EN, "nav.logout"), "Log out");
	assert_string_equal(i18n_enum(LANG_SV, &enum_app_type, APP_REFLECTION), "Reflektionsperiod");
	assert_string_equal(i18n_enum_name(LANG_EN, &enum_region, "\xC3\x96st"), "East");
	/* A missing key shows as itself (and is logged), never as NULL. */
	assert_false(i18n_has(LANG_SV, "no.such.key"));
	assert_string_equal(i18n(LANG_SV, "no.such.key"), "no.such.key");
	assert_string_equal(i18n_enum_name(LANG_SV, &enum_gender, "martian"), "martian");
	assert_string_equal(i18n_enum_name(LANG_SV, &enum_gender, NULL), "");
}

static void test_placeholders_are_filled_and_escaped(void **state)
{
	(void)state;
	struct html h = HTML_INIT;
	const char *args[] = { "12", "30" };
	i18n_html(&h, LANG_SV, "allowance.reflection", args, 2);
	assert_string_equal(buf_str(&h.b), "12 av 30 reflektionsdygn kvar");
	buf_reset(&h.b);
	i18n_html(&h, LANG_EN, "allowance.extended", (const char *[]){ "150", "180" }, 2);
	assert_string_equal(buf_str(&h.b), "150 of 180 days of extended reflection left");
	buf_reset(&h.b);
	i18n_html(&h, LANG_SV, "allowance.integration", (const char *[]){ "45" }, 1);
	assert_string_equal(buf_str(&h.b), "45 integrationsdagar kvar");
	buf_reset(&h.b);
	i18n_html(&h, LANG_SV, "person.child_of", (const char *[]){ "<NSP & co>" }, 1);
	assert_string_equal(buf_str(&h.b), "Barn till &lt;NSP &amp; co&gt;");
	buf_reset(&h.b);
	/* A placeholder without its argument stays visible rather than reading past the array. */
	i18n_html(&h, LANG_SV, "placements.cell", (const char *[]){ "1" }, 1);
	assert_string_equal(buf_str(&h.b), "1 av {2}");
	html_release(&h);
}

/* Every key of one catalogue is in the other, and no key is there twice. */
static void test_catalogues_hold_the_same_keys(void **state)
{
	(void)state;
	const struct i18n_entry *cat[] = { i18n_sv, i18n_en };
	const size_t n[] = { i18n_sv_count, i18n_en_count };
	assert_int_equal(n[0], n[1]);
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < n[l]; i++) {
			assert_non_null(cat[l][i].text);
			assert_true(strlen(cat[l][i].text) > 0);
			if (!i18n_has((enum lang)(1 - l), cat[l][i].key))
				fail_msg("key '%s' is missing in the %s catalogue", cat[l][i].key, l ? "Swedish" : "English");
			for (size_t j = i + 1; j < n[l]; j++)
				if (strcmp(cat[l][i].key, cat[l][j].key) == 0)
					fail_msg("key '%s' is there twice", cat[l][i].key);
		}
	}
}

/* Is word w (len bytes) one of the NULL-terminated list? */
static int word_in(const char *w, size_t len, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], w, len) == 0)
			return 1;
	return 0;
}

/*
 * Walks every message of both catalogues: none names a raw field
 * (snake_case like "birth_date", "Fältet 'x'", "Field 'x'") and no Swedish
 * text holds an English word of the kind error messages are made of.
 * Two hints name values a user types on purpose (domain.md's
 * no_written_decision; a checklist key's example).
 */
static void test_catalogue_messages_are_words(void **state)
{
	(void)state;
	static const char *const english[] = { "the", "is", "must", "and", "of", "field", "required", "not",
					       "invalid", "error", "to", "with", "for", "this", "that", "or",
					       "on", "an", "save", "page", "days", "left", "open", "unknown",
					       "login", "failed", "one", "value", "amount", "date", "should",
					       "cannot", "already", "missing", "allowed", "none", NULL };
	static const char *const raw_ok[] = { "basis.reference_hint", "cert.item_key_hint", NULL };
	const struct i18n_entry *cat[] = { i18n_sv, i18n_en };
	const size_t n[] = { i18n_sv_count, i18n_en_count };
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < n[l]; i++) {
			const char *t = cat[l][i].text, *c = t;
			int allowed = 0;
			for (size_t k = 0; raw_ok[k]; k++)
				allowed |= strcmp(raw_ok[k], cat[l][i].key) == 0;
			if (strstr(t, "Fältet '") || strstr(t, "Field '"))
				fail_msg("%s: '%s' names a raw field", cat[l][i].key, t);
			while (*c) {
				const char *w = c;
				while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '_' ||
				       (unsigned char)*c >= 0x80)
					c++;
				if (c == w) {
					c++;
					continue;
				}
				size_t len = (size_t)(c - w);
				if (!allowed && memchr(w, '_', len) && w[0] != '_' && w[len - 1] != '_')
					fail_msg("%s: '%s' holds the raw name '%.*s'", cat[l][i].key, t, (int)len, w);
				if (l == LANG_SV && word_in(w, len, english))
					fail_msg("%s: the Swedish '%s' holds the English '%.*s'", cat[l][i].key, t,
						 (int)len, w);
			}
		}
	}
}

/*
 * One name per concept (issue 15): the two groups of children are named
 * alike on the pages (the child's role), in the report's tables and in the
 * sheets and headings of its exports, in both languages.
 */
static void test_one_name_per_concept(void **state)
{
	(void)state;
	static const char *const groups[][3] = {
		{ "report.secondary_children", "report.sheet.secondary_children", "child_role.secondary" },
		{ "report.children_elsewhere", "report.sheet.children_elsewhere", "child_role.elsewhere" },
	};
	for (int l = 0; l < LANG__COUNT; l++)
		for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
			const char *name = i18n((enum lang)l, groups[g][0]);
			if (strcmp(name, i18n((enum lang)l, groups[g][1])) != 0)
				fail_msg("%s '%s' and %s '%s' name one group", groups[g][0], name, groups[g][1],
					 i18n((enum lang)l, groups[g][1]));
			/* "Barn som bor med föräldern" says the role's "(Bor) med föräldern". */
			const char *role = strchr(i18n((enum lang)l, groups[g][2]), ' ');
			if (!role || !strstr(name, role + 1))
				fail_msg("%s '%s' does not say the child's role", groups[g][0], name);
		}
}

/* Every field the API validates has a label in both languages (validate.h's v_label). */
static void test_every_field_has_a_label(void **state)
{
	(void)state;
	static const char *const fields[] = {
		"date", "organisation_id", "region", "code", "to", "target_group", "places", "status",
		"requirements", "reason", "outcome", "identity", "year", "username", "units", "person_id",
		"password", "paid_on", "lang", "kind", "key", "from", "decided_on", "topic", "submitted_on",
		"responsible", "reference", "rates_ore", "point_rates", "parent_id", "organisation_ids",
		"needs_assessment", "identified", "emergency", "decision_id", "days", "category", "basis.kind",
		"basis.actor", "basis.reason", "basis.reference", "basis.actor_kind", "basis.reason_category",
		"age_group", "violence", "unit", "type", "sweden_responsible", "role", "required", "regions",
		"referral_source", "recovery_code", "recertification_months", "rate_ore", "plan", "notes",
		"note", "name", "motivation", "minutes", "met", "limit", "offset", "legal_status", "label_sv",
		"label_en", "gender", "four_eyes_ore", "exploitation_forms", "evaluation", "destination",
		"contact", "children[0]", "child_role", "challenge", "budget_override_reason", "budget_ore",
		"birth_year", "identity.birth_date", "identity.name", "identity.phone", "identity.address",
		"identity.language", "identity.notes", "asker", "amount_ore", "proposal_id", "rows[0].region",
		"places[2].target_group", "requirements.knowledge_of_trafficking.met",
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		for (int l = 0; l < 2; l++)
			if (!v_label(fields[i], l))
				fail_msg("the field '%s' has no %s label (field.* in the catalogue)", fields[i],
					 l ? "English" : "Swedish");
}

/* A label for every value of every vocabulary the pages show. */
static void test_every_enum_value_has_a_label(void **state)
{
	(void)state;
	const struct enum_def *defs[] = {
		&enum_gender, &enum_age_group, &enum_exploitation, &enum_place, &enum_violence,
		&enum_referral, &enum_legal_status, &enum_child_role, &enum_exit_destination,
		&enum_org_kind, &enum_region, &enum_cert_status, &enum_role, &enum_app_type,
		&enum_code, &enum_point_category, &enum_basis_kind, &enum_actor_kind,
		&enum_reason_category, &enum_app_status, &enum_outcome, &enum_target_group,
		&enum_placement_outcome, &enum_asker, &enum_ledger_kind, &enum_bucket, &enum_follow_up_kind,
	};
	for (size_t d = 0; d < sizeof defs / sizeof defs[0]; d++)
		for (int v = 0; v < defs[d]->count; v++)
			for (int l = 0; l < LANG__COUNT; l++) {
				char key[128];
				snprintf(key, sizeof key, "%s.%s", defs[d]->name, defs[d]->values[v]);
				if (!i18n_has((enum lang)l, key))
					fail_msg("no %s label for %s", i18n_code((enum lang)l), key);
			}
}

/* The keys that pages build at run time: statuses, months, rules, notices. */
static void test_computed_keys_exist(void **state)
{
	(void)state;
	static const char *const keys[] = {
		"error.400", "error.401", "error.403", "error.404", "error.405", "error.409", "error.413",
		"error.422", "error.429", "error.500", "error.503", "rule.R1", "rule.R2", "rule.R3",
		"rule.R4", "rule.R5", "rule.R6", "rule.R7", "rule.R8", "rule.R9", "rule.R10", "rule.R11",
		"rule.R2e", "rule.R12", "rule.R13", "rule.R14", "rule.R15", "done.registered", "done.applied", "done.decided", "done.claimed", "done.closed",
		"done.saved", "done.exited", "done.logged_out", "report.persons_total", "report.persons_adults",
		"report.persons_children", "report.decision.granted", "report.decision.partly_granted",
		"report.decision.denied", "report.decision.emergency", "done.proposed", "done.approved",
		"done.rejected",
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		for (int l = 0; l < LANG__COUNT; l++)
			if (!i18n_has((enum lang)l, keys[i]))
				fail_msg("no %s text for %s", i18n_code((enum lang)l), keys[i]);
	for (int m = 1; m <= 12; m++) {
		char key[32];
		snprintf(key, sizeof key, "month.%d", m);
		assert_true(i18n_has(LANG_SV, key) && i18n_has(LANG_EN, key));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_attributes_are_escaped),
		cmocka_unit_test(test_formatted_text_is_escaped_too),
		cmocka_unit_test(test_money_dates_and_numbers),
		cmocka_unit_test(test_lookup_and_languages),
		cmocka_unit_test(test_placeholders_are_filled_and_escaped),
		cmocka_unit_test(test_catalogues_hold_the_same_keys),
		cmocka_unit_test(test_catalogue_messages_are_words),
		cmocka_unit_test(test_one_name_per_concept),
		cmocka_unit_test(test_one_name_per_concept),
		cmocka_unit_test(test_every_field_has_a_label),
		cmocka_unit_test(test_every_enum_value_has_a_label),
		cmocka_unit_test(test_computed_keys_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
