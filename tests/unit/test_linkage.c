/*
 * Unit tests of src/domain/linkage.c (issue 19): normalisation, the exact key,
 * the field-level Bloom filters and their Dice similarity, the score, the
 * blocked pairs, grouping by marks and exact keys, distinct counting; and R3,
 * R4, R6 counting the days of a linked person (src/domain/rules.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "domain/linkage.h"
#include "domain/rules.h"

static unsigned char key[LINKAGE_KEY_BYTES];

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	return 0;
}

static struct linkage_keys K(const char *name, const char *date, const char *country)
{
	struct linkage_keys k;
	struct linkage_identity id = { name, date, country };
	assert_int_equal(linkage_keys_compute(key, &id, &k), 0);
	return k;
}

static void test_normalize_drops_diacritics_case_and_punctuation(void **state)
{
	char out[LINKAGE_TEXT_MAX];
	(void)state;
	assert_int_equal(linkage_normalize("  Åsa-Märta  ÖSTERGÅRD ", out, sizeof out), 19);
	assert_string_equal(out, "asa marta ostergard");
	linkage_normalize("Bjørn Ærø Straße Łódź Đorđe Ştefănescu", out, sizeof out);
	assert_string_equal(out, "bjorn aero strasse lodz dorde stefanescu");
	linkage_normalize("Олена Шевченко", out, sizeof out);   /* other scripts: lower case, kept */
	assert_string_equal(out, "олена шевченко");
	assert_int_equal(linkage_normalize("-- ..", out, sizeof out), 0);
	assert_int_equal(linkage_normalize(NULL, out, sizeof out), 0);
	assert_int_equal(linkage_normalize("\xff\xfe", out, sizeof out), -1);
	/* cut at a character boundary */
	assert_int_equal(linkage_normalize("åååå", out, 4), 3);
	assert_string_equal(out, "aaa");
}

static void test_exact_key_ignores_word_order_and_needs_name_and_date(void **state)
{
	(void)state;
	struct linkage_keys a = K("Ana-Maria Popescu", "1990-04-12", "Rumänien");
	struct linkage_keys b = K("POPESCU ana maria", "1990-04-12", NULL);
	struct linkage_keys c = K("Ana Maria Popescu", "1990-04-13", "Rumänien");
	struct linkage_keys d = K("Ana Maria Popescu", NULL, "Rumänien");
	assert_true(a.has_exact && b.has_exact && c.has_exact);
	assert_memory_equal(a.exact, b.exact, LINKAGE_EXACT_BYTES);
	assert_memory_not_equal(a.exact, c.exact, LINKAGE_EXACT_BYTES);
	assert_false(d.has_exact);
	assert_int_equal(a.fields, 7);
	assert_int_equal(b.fields, 3);
	assert_int_equal(d.fields, 5);
	/* Another installation's key: other keys, nothing in common. */
	unsigned char other[LINKAGE_KEY_BYTES];
	struct linkage_keys e;
	struct linkage_identity id = { "Ana-Maria Popescu", "1990-04-12", "Rumänien" };
	memset(other, 0x5a, sizeof other);
	assert_int_equal(linkage_keys_compute(other, &id, &e), 0);
	assert_memory_not_equal(a.exact, e.exact, LINKAGE_EXACT_BYTES);
	assert_true(linkage_dice(a.bloom, e.bloom, LINKAGE_NAME_BITS / 64) < 0.3);
	/* Nothing usable: no keys. */
	struct linkage_identity none = { "", "12 april", NULL };
	assert_int_equal(linkage_keys_compute(key, &none, &e), -1);
	assert_int_equal(e.fields, 0);
}

static void test_bloom_filters_are_salted_per_field(void **state)
{
	(void)state;
	/* The same text in two fields sets different bits. */
	struct linkage_keys a = K("Sverige", NULL, NULL), b = K(NULL, NULL, "Sverige");
	uint64_t name_as_country[LINKAGE_COUNTRY_BITS / 64];
	memcpy(name_as_country, a.bloom, sizeof name_as_country);
	assert_true(linkage_dice(name_as_country, b.bloom + (LINKAGE_NAME_BITS + LINKAGE_DATE_BITS) / 64,
				 LINKAGE_COUNTRY_BITS / 64) < 0.5);
	/* The name filter is not too full: a filter full of ones would match anything. */
	struct linkage_keys c = K("Ana Maria Popescu", NULL, NULL);
	int ones = 0;
	for (size_t w = 0; w < LINKAGE_NAME_BITS / 64; w++)
		ones += __builtin_popcountll(c.bloom[w]);
	assert_true(ones > 100 && ones < LINKAGE_NAME_BITS / 2);
}

static void test_score_needs_more_than_a_common_name(void **state)
{
	struct linkage_compare cmp;
	(void)state;
	struct linkage_keys a = K("Ana Maria Popescu", "1990-04-12", "Rumänien");
	/* a typo and swapped names, same date: a hint */
	struct linkage_keys b = K("Popesku Ana Maria", "1990-04-12", "Rumänien");
	linkage_compare(&a, &b, &cmp);
	assert_true(cmp.score >= LINKAGE_THRESHOLD);
	assert_false(cmp.exact);
	assert_int_equal(cmp.both, 7);
	assert_true(cmp.agree & (1u << LINK_BIRTH_DATE));
	/* a namesake born another day: no hint */
	struct linkage_keys c = K("Ana Maria Popescu", "1971-11-30", "Rumänien");
	linkage_compare(&a, &c, &cmp);
	assert_true(cmp.score < LINKAGE_THRESHOLD);
	assert_true(cmp.agree & (1u << LINK_NAME));
	assert_false(cmp.agree & (1u << LINK_BIRTH_DATE));
	/* the name alone, not known to be rare: no hint */
	struct linkage_keys d = K("Ana Maria Popescu", NULL, NULL);
	linkage_compare(&a, &d, &cmp);
	assert_true(cmp.score < LINKAGE_THRESHOLD);
	/* no name in both: nothing */
	struct linkage_keys e = K(NULL, "1990-04-12", "Rumänien");
	linkage_compare(&a, &e, &cmp);
	assert_true(cmp.score == 0);
	/* identical records */
	linkage_compare(&a, &a, &cmp);
	assert_true(cmp.exact && cmp.score == 1.0);
}

static void test_pairs_are_blocked_scored_and_counted_once(void **state)
{
	struct linkage_pair *pairs;
	size_t n;
	(void)state;
	struct linkage_keys recs[] = {
		K("Ana Maria Popescu", "1990-04-12", "Rumänien"),
		K("Zofia Kowalska", "1985-11-02", "Polen"),
		K("Popescu Ana-Maria", "1990-04-12", NULL),
		/* a rare name without a date in the register: a hint on the name */
		K("Chiamaka Okonkwo-Eze", "2001-02-03", "Nigeria"),
		K("Chiamaka Okonkwo Eze", NULL, "Nigeria"),
		K("Ana Maria Popescu", "1971-11-30", "Rumänien"),
	};
	assert_int_equal(linkage_pairs(recs, 6, LINKAGE_THRESHOLD, &pairs, &n), 0);
	assert_int_equal(n, 2);
	assert_true(pairs[0].a == 0 && pairs[0].b == 2 && pairs[0].cmp.exact);
	assert_true(pairs[1].a == 3 && pairs[1].b == 4 && !pairs[1].cmp.exact);
	free(pairs);
	/* With a third "Chiamaka Okonkwo Eze" the name is no longer rare: no hint without a date. */
	recs[1] = K("Chiamaka Okonkwo Eze", "1960-01-01", "Nigeria");
	assert_int_equal(linkage_pairs(recs, 6, LINKAGE_THRESHOLD, &pairs, &n), 0);
	for (size_t i = 0; i < n; i++)
		assert_false(pairs[i].a == 3 && pairs[i].b == 4);
	free(pairs);
	assert_int_equal(linkage_pairs(recs, 1, LINKAGE_THRESHOLD, &pairs, &n), 0);
	assert_int_equal(n, 0);
	/* A block of more records than LINKAGE_BLOCK_MAX (one name given to a whole test
	 * database) makes no candidates; the exact keys still pair through the date. */
	size_t big = LINKAGE_BLOCK_MAX + 1;
	struct linkage_keys *same = malloc(big * sizeof *same);
	assert_non_null(same);
	for (size_t i = 0; i < big; i++)
		same[i] = K("Syntetisk Exempelsson", NULL, NULL);
	same[0] = K("Syntetisk Exempelsson", "1990-01-01", NULL);
	same[1] = same[0];
	assert_int_equal(linkage_pairs(same, big, LINKAGE_THRESHOLD, &pairs, &n), 0);
	assert_int_equal(n, 1);
	assert_true(pairs[0].a == 0 && pairs[0].b == 1 && pairs[0].cmp.exact);
	free(pairs);
	free(same);
}

static void test_groups_follow_marks_and_exact_keys_unless_marked_not_the_same(void **state)
{
	size_t group[7], count;
	bool all[7] = { true, true, true, true, true, true, true };
	(void)state;
	struct linkage_keys recs[7] = {
		K("Ana Popescu", "1990-04-12", NULL),  /* 0 = 1 by the exact key */
		K("Popescu Ana", "1990-04-12", NULL),
		K("Maria Ionescu", "1992-01-01", NULL), /* 2, 3 equal keys but marked not the same */
		K("Maria Ionescu", "1992-01-01", NULL),
		K("Olena Shevchenko", "1979-06-30", NULL), /* 4 = 5 by a mark */
		K("Olena Schevchenko", "1979-06-03", NULL),
	};
	memset(&recs[6], 0, sizeof recs[6]); /* 6: no identity, no keys */
	struct linkage_mark marks[] = { { 2, 3, false }, { 5, 4, true } };
	assert_int_equal(linkage_groups(recs, 7, marks, 2, group), 0);
	assert_int_equal(group[1], 0);
	assert_int_not_equal(group[2], group[3]);
	assert_int_equal(group[5], 4);
	assert_int_equal(group[6], 6);
	assert_int_equal(linkage_distinct(group, all, 7, &count), 0);
	assert_int_equal(count, 5);
	/* only some records in the set: the groups still hold (0 and 1 are one) */
	bool some[7] = { true, true, false, false, false, true, false };
	assert_int_equal(linkage_distinct(group, some, 7, &count), 0);
	assert_int_equal(count, 2);
	/* transitively: 3 marked the same as 1 joins 0, 1 and 3 (2 stays apart) */
	struct linkage_mark more[] = { { 2, 3, false }, { 5, 4, true }, { 3, 1, true } };
	assert_int_equal(linkage_groups(recs, 7, more, 3, group), 0);
	assert_int_equal(group[3], 0);
	assert_int_equal(group[2], 2);
}

static day_t D(const char *s)
{
	day_t d;
	assert_int_equal(day_parse(s, &d), 0);
	return d;
}

/* R3, R4, R6 count the days of the persons marked the same (issue 19); R9 does not look at them. */
static void test_R3_R4_R6_count_the_days_of_a_linked_person(void **state)
{
	struct verdict v;
	(void)state;
	struct granted own[] = { { .decision_id = 1, .type = APP_REFLECTION, .from = D("2024-01-01"), .to = D("2024-01-10") } };
	struct granted other[] = {
		{ .decision_id = 2, .type = APP_REFLECTION, .from = D("2024-02-01"), .to = D("2024-02-15") },
		{ .decision_id = 3, .type = APP_INTEGRATION_ADULT, .from = D("2024-03-01"), .to = D("2024-04-09") },
	};
	struct person_facts p = { .age_group = AGE_ADULT, .sweden_responsible = true, .granted = own, .n_granted = 1 };
	assert_true(rule_r3_reflection(&p, 20, &v));       /* 10 + 20 */
	p.linked = other;
	p.n_linked = 2;
	assert_int_equal(person_granted_days(&p, APP_REFLECTION), 25);
	assert_false(rule_r3_reflection(&p, 20, &v));      /* 10 + 15 + 20 > 30 */
	assert_string_equal(v.rule, "R3");
	assert_true(rule_r3_reflection(&p, 5, &v));        /* exactly 30 */
	struct application a = { .type = APP_INTEGRATION_ADULT, .from = D("2024-05-01"), .to = D("2024-05-10") };
	assert_false(rule_r6_integration_total(&p, &a, &v)); /* 40 + 10 > 45 */
	assert_string_equal(v.rule, "R6");
	a.to = D("2024-05-05");
	assert_true(rule_r6_integration_total(&p, &a, &v));  /* exactly 45 */
	/* R4: 180 days in total across the pair */
	struct granted ext[] = { { .decision_id = 4, .type = APP_EXTENDED, .from = D("2023-06-01"), .to = D("2023-11-22") } };
	p.linked = ext;
	p.n_linked = 1;                                      /* 175 days */
	struct application e = { .type = APP_EXTENDED, .from = D("2024-06-01"), .to = D("2024-06-10"), .plan = "Plan.",
				 .evaluation = "Utvärdering." };
	assert_false(rule_r4_extended(&p, &e, &v));
	assert_string_equal(v.rule, "R4");
	e.to = D("2024-06-05");
	assert_true(rule_r4_extended(&p, &e, &v));
	p.linked = other;
	p.n_linked = 2;
	/* R9 (no double compensation) is the person's own periods only */
	assert_true(rule_r9_no_overlap(&p, D("2024-02-05"), D("2024-02-06"), &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_drops_diacritics_case_and_punctuation),
		cmocka_unit_test(test_exact_key_ignores_word_order_and_needs_name_and_date),
		cmocka_unit_test(test_bloom_filters_are_salted_per_field),
		cmocka_unit_test(test_score_needs_more_than_a_common_name),
		cmocka_unit_test(test_pairs_are_blocked_scored_and_counted_once),
		cmocka_unit_test(test_groups_follow_marks_and_exact_keys_unless_marked_not_the_same),
		cmocka_unit_test(test_R3_R4_R6_count_the_days_of_a_linked_person),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
