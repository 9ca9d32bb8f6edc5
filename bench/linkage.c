/*
 * make bench: precision and recall of the duplicate hints (issue 19) on a
 * generated population, with the keys, blocking and threshold of
 * src/domain/linkage.h. Deterministic (fixed seed); no database.
 *
 *   build/bench/linkage [--persons N] [--twice PERCENT] [--seed S] [--sweep] [--explain]
 *
 * --sweep prints several thresholds; --explain prints every missed duplicate
 * and every false hint (made-up names only) on standard error.
 *
 * The population: N persons (default 10,000) with a name (a first and a last
 * name drawn with Zipf-like frequencies, 1/(rank + 10), from 500 and 2,000 made-up names, so that
 * namesakes are common, as in life), a birth date (1960-2010; 8% unknown) and
 * a birth country (25, skewed; 15% unknown). PERCENT of them (default 30) are
 * registered a second time, by another organisation, with what happens to
 * real registrations: a typo in the name (an insertion, a deletion, a
 * substitution or two letters swapped; 45%), first and last name swapped
 * (25%), diacritics written or left out (20%), the birth date missing (25%)
 * or one digit wrong (10%), the country missing (20%); several may apply.
 * A hint is a pair that scores at least the threshold (or has equal exact
 * keys). Precision = true hints / hints; recall = true hints / duplicates.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/linkage.h"

static uint64_t rng_state;

/* splitmix64: a small deterministic generator (rand() is banned). */
static uint64_t next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}
static double uniform(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}
static size_t below(size_t n)
{
	return (size_t)(uniform() * (double)n);
}

static const char *const syllables[] = {
	"an", "na", "ma", "ri", "el", "la", "ka", "to", "mi", "ra", "sa", "li", "ne", "ko", "da", "ta", "ni", "lo",
	"ve", "ru", "ba", "ya", "ha", "zu", "po", "se", "di", "te", "mo", "ga", "ol", "ix", "en", "ar", "is", "or",
	"ch", "sh", "vi", "fe", "jo", "ku", "pe", "nu", "lu", "ro", "go", "bi", "de", "fa",
};
#define N_SYL (sizeof syllables / sizeof syllables[0])
static const char *const accented[] = { "é", "ä", "ö", "å", "ü", "ș", "ă", "ñ", "ç", "ø" };
static const char *const plain[] = { "e", "a", "o", "a", "u", "s", "a", "n", "c", "o" };
#define N_ACC (sizeof accented / sizeof accented[0])

static const char *const countries[] = {
	"Rumänien", "Nigeria", "Thailand", "Ukraina", "Bulgarien", "Vietnam", "Sverige", "Ungern", "Kina",
	"Uganda", "Eritrea", "Somalia", "Marocko", "Afghanistan", "Irak", "Syrien", "Polen", "Litauen", "Albanien",
	"Ghana", "Kenya", "Filippinerna", "Mongoliet", "Brasilien", "Colombia",
};
#define N_COUNTRY (sizeof countries / sizeof countries[0])

#define N_FIRST 500
#define N_LAST 2000
static char first_names[N_FIRST][32], last_names[N_LAST][40];

/* A made-up name of 2-3 syllables, sometimes with a diacritic, capitalised. */
static void make_name(char *out, size_t sz, int max_syl)
{
	size_t len = 0;
	int n = 2 + (int)below((size_t)max_syl - 1);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *s = syllables[below(N_SYL)];
		if (uniform() < 0.08)
			s = accented[below(N_ACC)];
		size_t l = strlen(s);
		if (len + l + 1 >= sz)
			break;
		memcpy(out + len, s, l + 1);
		len += l;
	}
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* A Zipf(1) draw from 0..n-1, by inverting the cumulative weights. */
static size_t zipf(const double *cum, size_t n)
{
	double u = uniform() * cum[n - 1];
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cum[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct person {
	char name[96];
	char birth_date[40];
	char country[32];
};

/* One letter-level typo in an ASCII-lower position of s (UTF-8 kept intact). */
static void typo(char *s, size_t sz)
{
	size_t len = strlen(s), pos;
	int tries = 0;
	do
		pos = 1 + below(len > 2 ? len - 2 : 1);
	while ((s[pos] < 'a' || s[pos] > 'z' || s[pos - 1] & 0x80) && ++tries < 20);
	if (tries >= 20)
		return;
	switch (below(4)) {
	case 0: /* insertion */
		if (len + 2 < sz) {
			memmove(s + pos + 1, s + pos, len - pos + 1);
			s[pos] = (char)('a' + below(26));
		}
		break;
	case 1: /* deletion */
		memmove(s + pos, s + pos + 1, len - pos);
		break;
	case 2: /* substitution */
		s[pos] = (char)('a' + below(26));
		break;
	default: /* transposition */
		if (s[pos + 1] >= 'a' && s[pos + 1] <= 'z') {
			char c = s[pos];
			s[pos] = s[pos + 1];
			s[pos + 1] = c;
		}
	}
}

/* The name with its diacritics written as plain letters (as a form without them would). */
static void strip_accents(char *s, size_t sz)
{
	char out[96];
	size_t o = 0;
	for (size_t i = 0; s[i] != '\0' && o + 4 < sizeof out;) {
		size_t k;
		for (k = 0; k < N_ACC; k++)
			if (strncmp(s + i, accented[k], strlen(accented[k])) == 0)
				break;
		if (k < N_ACC) {
			out[o++] = plain[k][0];
			i += strlen(accented[k]);
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
	snprintf(s, sz, "%s", out);
}

static void duplicate(const struct person *p, struct person *d)
{
	*d = *p;
	if (uniform() < 0.25) { /* first and last name swapped */
		char *sp = strchr(p->name, ' ');
		if (sp != NULL)
			snprintf(d->name, sizeof d->name, "%s %.*s", sp + 1, (int)(sp - p->name), p->name);
	}
	if (uniform() < 0.45)
		typo(d->name, sizeof d->name);
	if (uniform() < 0.20)
		strip_accents(d->name, sizeof d->name);
	if (uniform() < 0.25)
		d->birth_date[0] = '\0';
	else if (d->birth_date[0] != '\0' && uniform() < 0.10) {
		size_t pos = 5 + below(5);
		if (pos == 7)
			pos = 9;
		d->birth_date[pos] = (char)('0' + (d->birth_date[pos] - '0' + 1 + below(8)) % 10);
	}
	if (uniform() < 0.20)
		d->country[0] = '\0';
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(((const struct person *)x)->name, ((const struct person *)y)->name);
}

/* Pairs of different persons (of the first n) with the same full name. */
static size_t namesakes(const struct person *people, size_t n)
{
	struct person *copy = malloc(n * sizeof *copy);
	size_t pairs = 0;
	if (copy == NULL)
		return 0;
	memcpy(copy, people, n * sizeof *copy);
	qsort(copy, n, sizeof *copy, cmp_name);
	for (size_t s = 0; s < n;) {
		size_t e = s + 1;
		while (e < n && strcmp(copy[e].name, copy[s].name) == 0)
			e++;
		pairs += (e - s) * (e - s - 1) / 2;
		s = e;
	}
	free(copy);
	return pairs;
}

int main(int argc, char **argv)
{
	size_t n = 10000, twice_pct = 30;
	uint64_t seed = 20261208;
	int sweep = 0, explain = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--persons") == 0 && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--twice") == 0 && i + 1 < argc)
			twice_pct = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--sweep") == 0)
			sweep = 1;
		else if (strcmp(argv[i], "--explain") == 0)
			explain = 1;
		else {
			fprintf(stderr, "usage: %s [--persons N] [--twice PERCENT] [--seed S] [--sweep] [--explain]\n", argv[0]);
			return 2;
		}
	}
	if (sodium_init() < 0 || n < 2 || twice_pct > 100)
		return 1;
	rng_state = seed;

	double cum_first[N_FIRST], cum_last[N_LAST], cum_country[N_COUNTRY];
	for (size_t i = 0; i < N_FIRST; i++) {
		make_name(first_names[i], sizeof first_names[i], 3);
		cum_first[i] = (i ? cum_first[i - 1] : 0) + 1.0 / (double)(i + 10);
	}
	for (size_t i = 0; i < N_LAST; i++) {
		make_name(last_names[i], sizeof last_names[i], 4);
		cum_last[i] = (i ? cum_last[i - 1] : 0) + 1.0 / (double)(i + 10);
	}
	for (size_t i = 0; i < N_COUNTRY; i++)
		cum_country[i] = (i ? cum_country[i - 1] : 0) + 1.0 / (double)(i + 1);

	size_t n_dup = n * twice_pct / 100, total = n + n_dup;
	struct person *people = calloc(total, sizeof *people);
	size_t *origin = calloc(total, sizeof *origin); /* the person a record is of */
	struct linkage_keys *keys = calloc(total, sizeof *keys);
	if (people == NULL || origin == NULL || keys == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		struct person *p = &people[i];
		snprintf(p->name, sizeof p->name, "%s %s", first_names[zipf(cum_first, N_FIRST)],
			 last_names[zipf(cum_last, N_LAST)]);
		if (uniform() >= 0.08)
			snprintf(p->birth_date, sizeof p->birth_date, "%04d-%02d-%02d", 1960 + (int)below(51),
				 1 + (int)below(12), 1 + (int)below(28));
		if (uniform() >= 0.15)
			snprintf(p->country, sizeof p->country, "%s", countries[zipf(cum_country, N_COUNTRY)]);
		origin[i] = i;
	}
	/* The twice-registered: a random 30% of the persons, each once more. */
	size_t *perm = malloc(n * sizeof *perm);
	if (perm == NULL)
		return 1;
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = below(i + 1), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < n_dup; i++) {
		duplicate(&people[perm[i]], &people[n + i]);
		origin[n + i] = perm[i];
	}
	free(perm);

	unsigned char key[LINKAGE_KEY_BYTES];
	/* The key from the seed, so that a run is repeatable (a real key is random). */
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)next();
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < total; i++) {
		struct linkage_identity id = { people[i].name, people[i].birth_date, people[i].country };
		if (linkage_keys_compute(key, &id, &keys[i]) != 0)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	/* The candidates at the lowest threshold looked at; higher ones filter them. */
	static const double thresholds[] = { 0.70, 0.75, 0.78, 0.80, 0.82, 0.85, 0.90 };
	double lowest = sweep ? thresholds[0] : LINKAGE_THRESHOLD;
	struct linkage_pair *pairs;
	size_t n_pairs;
	if (linkage_pairs(keys, total, lowest, &pairs, &n_pairs) != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t2);

	/* Duplicates that blocking alone would already lose. */
	size_t n_cand_lost = 0;
	for (size_t i = n; i < total; i++) {
		bool shares = false;
		for (size_t a = 0; a < keys[i].n_blocks && !shares; a++)
			for (size_t b = 0; b < keys[origin[i]].n_blocks; b++)
				if (keys[i].blocks[a] == keys[origin[i]].blocks[b])
					shares = true;
		n_cand_lost += !shares;
	}

	printf("## Duplicate hints (issue 19): precision and recall on a generated population\n\n");
	printf("%zu persons, %zu of them registered twice (%zu records); seed %llu; Bloom filters: name %d bits "
	       "k=%d, birth date %d bits k=%d, birth country %d bits k=%d (%d bits in all); blocking on name-word "
	       "prefixes and suffixes (3 letters) and the birth date.\n\n",
	       n, n_dup, total, (unsigned long long)seed, LINKAGE_NAME_BITS, LINKAGE_NAME_K, LINKAGE_DATE_BITS,
	       LINKAGE_DATE_K, LINKAGE_COUNTRY_BITS, LINKAGE_COUNTRY_K,
	       LINKAGE_NAME_BITS + LINKAGE_DATE_BITS + LINKAGE_COUNTRY_BITS);
	printf("Namesakes: %zu pairs of different persons share a full name.\n\n", namesakes(people, n));
	printf("| threshold | hints | true hints | precision | recall |\n|---|---|---|---|---|\n");
	size_t n_th = sweep ? sizeof thresholds / sizeof thresholds[0] : 1;
	for (size_t t = 0; t < n_th; t++) {
		double th = sweep ? thresholds[t] : LINKAGE_THRESHOLD;
		size_t hints = 0, good = 0;
		for (size_t i = 0; i < n_pairs; i++) {
			if (pairs[i].cmp.score < th && !pairs[i].cmp.exact)
				continue;
			hints++;
			good += origin[pairs[i].a] == origin[pairs[i].b];
		}
		printf("| %.2f%s | %zu | %zu | %.4f | %.4f |\n", th, th == LINKAGE_THRESHOLD ? " (chosen)" : "", hints,
		       good, hints ? (double)good / (double)hints : 1.0, n_dup ? (double)good / (double)n_dup : 1.0);
	}
	double keys_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double pairs_s = (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9;
	printf("\nDuplicates sharing no blocking key (lost before scoring): %zu of %zu. Keys of %zu records: "
	       "%.2f s; blocking and scoring: %.2f s (all pairs would be %.1f million comparisons).\n",
	       n_cand_lost, n_dup, total, keys_s, pairs_s, (double)total * (double)(total - 1) / 2e6);
	if (explain) {
		/* --explain: each missed duplicate and each false hint, on standard error */
		for (size_t i = n; i < total; i++) {
			struct linkage_compare c;
			linkage_compare(&keys[i], &keys[origin[i]], &c);
			if (c.score < LINKAGE_THRESHOLD && !c.exact)
				fprintf(stderr, "MISS both=%u name=%.2f date=%.2f country=%.2f score=%.2f | %s/%s/%s || %s/%s/%s\n",
					c.both, c.dice[0], c.dice[1], c.dice[2], c.score, people[i].name, people[i].birth_date,
					people[i].country, people[origin[i]].name, people[origin[i]].birth_date,
					people[origin[i]].country);
		}
		for (size_t i = 0; i < n_pairs; i++) {
			if (pairs[i].cmp.score < LINKAGE_THRESHOLD && !pairs[i].cmp.exact)
				continue;
			if (origin[pairs[i].a] == origin[pairs[i].b])
				continue;
			const struct linkage_compare *c = &pairs[i].cmp;
			fprintf(stderr, "FP both=%u name=%.2f date=%.2f country=%.2f score=%.2f | %s/%s/%s || %s/%s/%s\n",
				c->both, c->dice[0], c->dice[1], c->dice[2], c->score, people[pairs[i].a].name,
				people[pairs[i].a].birth_date, people[pairs[i].a].country, people[pairs[i].b].name,
				people[pairs[i].b].birth_date, people[pairs[i].b].country);
		}
	}
	free(pairs);
	free(people);
	free(origin);
	free(keys);
	return 0;
}
