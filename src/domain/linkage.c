/* Privacy-preserving record linkage: normalisation, keys, Dice, blocking, grouping (linkage.h). */
#include "domain/linkage.h"

#include <glib.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(LINKAGE_KEY_BYTES == crypto_generichash_KEYBYTES, "linkage key size");
_Static_assert(LINKAGE_NAME_BITS % 64 == 0 && LINKAGE_DATE_BITS % 64 == 0 && LINKAGE_COUNTRY_BITS % 64 == 0,
	       "filters are whole words");
_Static_assert(LINKAGE_NAME_BITS <= 65536 && LINKAGE_NAME_K <= 32 && LINKAGE_DATE_K <= 32 && LINKAGE_COUNTRY_K <= 32,
	       "k positions of 16 bits come from one 64-byte hash");

/* Each field's filter: where it starts in bloom[], its bits, its k, its salt. */
static const struct field_spec {
	size_t word0, bits, k;
	const char *salt;
} fields[LINK__FIELDS] = {
	[LINK_NAME] = { 0, LINKAGE_NAME_BITS, LINKAGE_NAME_K, "nsp.linkage.bloom.name" },
	[LINK_BIRTH_DATE] = { LINKAGE_NAME_BITS / 64, LINKAGE_DATE_BITS, LINKAGE_DATE_K, "nsp.linkage.bloom.birth_date" },
	[LINK_BIRTH_COUNTRY] = { (LINKAGE_NAME_BITS + LINKAGE_DATE_BITS) / 64, LINKAGE_COUNTRY_BITS, LINKAGE_COUNTRY_K,
				 "nsp.linkage.bloom.birth_country" },
};

/* The score (docs/linkage.md): the name is necessary and never enough on
 * its own for a common name. With a birth date in both, name and date weigh
 * the same (namesakes are common; two birth dates rarely agree by chance),
 * and countries that disagree take DISAGREE_PENALTY off. Without a date in
 * both: the name's similarity times the countries' (when both have one), and
 * times NAME_ONLY unless the two names are rare in the register (no third
 * record carries either name): a namesake of a common name is not a hint.
 * The rarity is the caller's (linkage_pairs counts equal name filters). */
#define DISAGREE_PENALTY 0.1
#define NAME_ONLY 0.75

/* Letters Unicode does not decompose into a base letter and a mark. */
static const char *spelled_out(gunichar c)
{
	switch (c) {
	case 0x00F8: case 0x00D8: return "o";   /* ø */
	case 0x00E6: case 0x00C6: return "ae";  /* æ */
	case 0x00DF: return "ss";               /* ß */
	case 0x0142: case 0x0141: return "l";   /* ł */
	case 0x0111: case 0x0110: return "d";   /* đ */
	case 0x00FE: case 0x00DE: return "th";  /* þ */
	case 0x0153: case 0x0152: return "oe";  /* œ */
	case 0x0131: return "i";                /* dotless i */
	default: return NULL;
	}
}

int linkage_normalize(const char *in, char *out, size_t outsz)
{
	size_t len = 0;
	bool space = true; /* so that leading spaces are dropped */

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (in == NULL)
		return 0;
	if (!g_utf8_validate(in, -1, NULL))
		return -1;
	gchar *nfd = g_utf8_normalize(in, -1, G_NORMALIZE_NFD);
	if (nfd == NULL)
		return -1;
	for (const gchar *p = nfd; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		char piece[8];
		size_t n;
		const char *spelled = spelled_out(c);

		if (g_unichar_ismark(c))
			continue;
		if (spelled != NULL) {
			n = strlen(spelled);
			memcpy(piece, spelled, n);
		} else if (g_unichar_isalnum(c)) {
			n = (size_t)g_unichar_to_utf8(g_unichar_tolower(c), piece);
		} else {
			if (space)
				continue;
			piece[0] = ' ';
			n = 1;
		}
		if (len + n + 1 > outsz)
			break;
		memcpy(out + len, piece, n);
		len += n;
		space = piece[0] == ' ';
	}
	g_free(nfd);
	if (len > 0 && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
	return (int)len;
}

/* A subkey of key for one purpose: BLAKE2b keyed by key over the purpose's name. */
static void purpose_key(const unsigned char key[LINKAGE_KEY_BYTES], const char *purpose,
			unsigned char out[LINKAGE_KEY_BYTES])
{
	crypto_generichash(out, LINKAGE_KEY_BYTES, (const unsigned char *)purpose, strlen(purpose), key,
			   LINKAGE_KEY_BYTES);
}

/* Sets the k positions of one token (bytes) in field f's filter: each from
 * its own two bytes of one keyed hash, so positions are independent. */
static void bloom_add(uint64_t *bloom, enum linkage_field f, const unsigned char fkey[LINKAGE_KEY_BYTES],
		      const unsigned char *tok, size_t len)
{
	unsigned char h[64];
	const struct field_spec *fs = &fields[f];

	crypto_generichash(h, sizeof h, tok, len, fkey, LINKAGE_KEY_BYTES);
	for (size_t i = 0; i < fs->k; i++) {
		size_t bit = ((size_t)h[2 * i] << 8 | h[2 * i + 1]) % fs->bits;
		bloom[fs->word0 + bit / 64] |= UINT64_C(1) << (bit % 64);
	}
	sodium_memzero(h, sizeof h);
}

/* Adds the padded character bigrams of word (UTF-8, no spaces) to field f:
 * "anna" gives "_a", "an", "nn", "na", "a_". */
static void bloom_add_bigrams(uint64_t *bloom, enum linkage_field f, const unsigned char fkey[LINKAGE_KEY_BYTES],
			      const char *word, size_t len)
{
	const char *prev = "_";
	size_t prev_len = 1;
	const char *p = word, *end = word + len;

	while (prev != NULL) {
		const char *cur, *next;
		size_t cur_len;
		unsigned char tok[16];

		if (p < end) {
			next = g_utf8_next_char(p);
			cur = p;
			cur_len = (size_t)(next - p);
		} else {
			next = NULL;
			cur = "_";
			cur_len = 1;
		}
		memcpy(tok, prev, prev_len);
		memcpy(tok + prev_len, cur, cur_len);
		bloom_add(bloom, f, fkey, tok, prev_len + cur_len);
		sodium_memzero(tok, sizeof tok);
		if (next == NULL)
			break;
		prev = cur;
		prev_len = cur_len;
		p = next;
	}
}

/* An 8-byte blocking key of (tag, bytes). */
static uint64_t block_key(const unsigned char bkey[LINKAGE_KEY_BYTES], char tag, const char *s, size_t len)
{
	unsigned char in[LINKAGE_TEXT_MAX + 1], h[8];
	uint64_t v = 0;

	if (len > LINKAGE_TEXT_MAX)
		len = LINKAGE_TEXT_MAX;
	in[0] = (unsigned char)tag;
	memcpy(in + 1, s, len);
	crypto_generichash(h, sizeof h, in, len + 1, bkey, LINKAGE_KEY_BYTES);
	for (size_t i = 0; i < sizeof h; i++)
		v = v << 8 | h[i];
	sodium_memzero(in, sizeof in);
	return v;
}

/* The byte length of the first `chars` characters of s (len bytes), or of the last ones. */
static size_t utf8_prefix(const char *s, size_t len, size_t chars)
{
	const char *p = s;
	for (size_t i = 0; i < chars && p < s + len; i++)
		p = g_utf8_next_char(p);
	return (size_t)(p - s);
}
static size_t utf8_suffix_start(const char *s, size_t len, size_t chars)
{
	const char *p = s + len;
	for (size_t i = 0; i < chars && p > s; i++)
		p = g_utf8_prev_char(p);
	return (size_t)(p - s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A birth date YYYY-MM-DD into its eight digits, or false. */
static bool date_digits(const char *s, char digits[9])
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0, j = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		digits[j++] = s[i];
	}
	digits[8] = '\0';
	return true;
}

int linkage_keys_compute(const unsigned char key[LINKAGE_KEY_BYTES], const struct linkage_identity *id,
			 struct linkage_keys *out)
{
	char name[LINKAGE_TEXT_MAX], country[LINKAGE_TEXT_MAX], digits[9];
	char *words[LINKAGE_TEXT_MAX / 2];
	size_t n_words = 0;
	unsigned char fkey[LINKAGE_KEY_BYTES], bkey[LINKAGE_KEY_BYTES];
	int rc = -1;

	memset(out, 0, sizeof *out);
	bool has_name = linkage_normalize(id->name, name, sizeof name) > 0;
	bool has_date = date_digits(id->birth_date, digits);
	bool has_country = linkage_normalize(id->birth_country, country, sizeof country) > 0;
	if (!has_name && !has_date && !has_country)
		goto out;
	purpose_key(key, "nsp.linkage.block", bkey);

	if (has_name) {
		/* The words, sorted: the order of first and last names does not matter. */
		for (char *p = name; *p != '\0';) {
			words[n_words++] = p;
			char *sp = strchr(p, ' ');
			if (sp == NULL)
				break;
			*sp = '\0';
			p = sp + 1;
		}
		qsort(words, n_words, sizeof words[0], cmp_str);
		purpose_key(key, fields[LINK_NAME].salt, fkey);
		for (size_t i = 0; i < n_words; i++) {
			size_t len = strlen(words[i]);
			bloom_add_bigrams(out->bloom, LINK_NAME, fkey, words[i], len);
			if (out->n_blocks + 2 <= LINKAGE_BLOCKS_MAX - 1) {
				out->blocks[out->n_blocks++] = block_key(bkey, 'p', words[i], utf8_prefix(words[i], len, 3));
				size_t s = utf8_suffix_start(words[i], len, 3);
				out->blocks[out->n_blocks++] = block_key(bkey, 's', words[i] + s, len - s);
			}
		}
		out->fields |= 1u << LINK_NAME;
	}
	if (has_date) {
		purpose_key(key, fields[LINK_BIRTH_DATE].salt, fkey);
		/* Positional digit pairs: one mistyped digit changes two of seven. */
		for (size_t i = 0; i + 1 < 8; i++) {
			unsigned char tok[3] = { (unsigned char)('0' + i), (unsigned char)digits[i],
						 (unsigned char)digits[i + 1] };
			bloom_add(out->bloom, LINK_BIRTH_DATE, fkey, tok, sizeof tok);
		}
		out->blocks[out->n_blocks++] = block_key(bkey, 'd', digits, 8);
		out->fields |= 1u << LINK_BIRTH_DATE;
	}
	if (has_country) {
		purpose_key(key, fields[LINK_BIRTH_COUNTRY].salt, fkey);
		bloom_add_bigrams(out->bloom, LINK_BIRTH_COUNTRY, fkey, country, strlen(country));
		out->fields |= 1u << LINK_BIRTH_COUNTRY;
	}
	if (has_name && has_date) {
		crypto_generichash_state st;
		static const char tag[] = "nsp.linkage.exact";
		purpose_key(key, tag, fkey);
		crypto_generichash_init(&st, fkey, LINKAGE_KEY_BYTES, LINKAGE_EXACT_BYTES);
		for (size_t i = 0; i < n_words; i++)
			crypto_generichash_update(&st, (const unsigned char *)words[i], strlen(words[i]) + 1);
		crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
		crypto_generichash_update(&st, (const unsigned char *)digits, 8);
		crypto_generichash_final(&st, out->exact, LINKAGE_EXACT_BYTES);
		out->has_exact = true;
	}
	rc = 0;
out:
	sodium_memzero(name, sizeof name);
	sodium_memzero(country, sizeof country);
	sodium_memzero(digits, sizeof digits);
	sodium_memzero(fkey, sizeof fkey);
	sodium_memzero(bkey, sizeof bkey);
	return rc;
}

double linkage_dice(const uint64_t *a, const uint64_t *b, size_t words)
{
	unsigned both = 0, total = 0;

	for (size_t i = 0; i < words; i++) {
		both += (unsigned)__builtin_popcountll(a[i] & b[i]);
		total += (unsigned)__builtin_popcountll(a[i]) + (unsigned)__builtin_popcountll(b[i]);
	}
	return total ? 2.0 * both / total : 0.0;
}

/* linkage_compare() with the names' rarity known: rare_names is true when no
 * record but these two carries either name. */
static void compare(const struct linkage_keys *a, const struct linkage_keys *b, bool rare_names,
		    struct linkage_compare *out)
{
	memset(out, 0, sizeof *out);
	out->both = a->fields & b->fields;
	out->exact = a->has_exact && b->has_exact && memcmp(a->exact, b->exact, LINKAGE_EXACT_BYTES) == 0;
	for (int f = 0; f < LINK__FIELDS; f++) {
		if (!(out->both & (1u << f)))
			continue;
		out->dice[f] = linkage_dice(a->bloom + fields[f].word0, b->bloom + fields[f].word0, fields[f].bits / 64);
		if (out->dice[f] >= LINKAGE_AGREE)
			out->agree |= 1u << f;
	}
	if (!(out->both & (1u << LINK_NAME)))
		return;
	double name = out->dice[LINK_NAME], date = out->dice[LINK_BIRTH_DATE], country = out->dice[LINK_BIRTH_COUNTRY];
	bool has_date = out->both & (1u << LINK_BIRTH_DATE), has_country = out->both & (1u << LINK_BIRTH_COUNTRY);
	if (has_date) {
		out->score = 0.5 * name + 0.5 * date;
		if (has_country && !(out->agree & (1u << LINK_BIRTH_COUNTRY)))
			out->score -= DISAGREE_PENALTY;
	} else {
		out->score = has_country ? name * country : name;
		if (!rare_names)
			out->score *= NAME_ONLY;
	}
	if (out->score < 0)
		out->score = 0;
}

void linkage_compare(const struct linkage_keys *a, const struct linkage_keys *b, struct linkage_compare *out)
{
	compare(a, b, false, out);
}

/* A blocking key and the record that has it. */
struct block_entry {
	uint64_t key;
	size_t rec;
};

static int cmp_block(const void *x, const void *y)
{
	const struct block_entry *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->rec < b->rec ? -1 : a->rec > b->rec;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Appends v to the growable array *arr (length *n, capacity *cap). */
static int push_u64(uint64_t **arr, size_t *n, size_t *cap, uint64_t v)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 1024;
		uint64_t *p = realloc(*arr, c * sizeof *p);
		if (p == NULL)
			return -1;
		*arr = p;
		*cap = c;
	}
	(*arr)[(*n)++] = v;
	return 0;
}

/* A digest of a record's name filter, to count records with an equal name. */
static uint64_t name_digest(const struct linkage_keys *k)
{
	uint64_t h = 1469598103934665603ULL;
	if (!(k->fields & (1u << LINK_NAME)))
		return 0;
	for (size_t w = 0; w < LINKAGE_NAME_BITS / 64; w++) {
		h ^= k->bloom[w];
		h *= 1099511628211ULL;
		h ^= h >> 29;
	}
	return h ? h : 1;
}

/* How many records carry each record's name (its filter bit for bit), into count[]. */
static int name_counts(const struct linkage_keys *recs, size_t n, size_t *count)
{
	struct block_entry *e = malloc((n ? n : 1) * sizeof *e);
	if (e == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		e[i] = (struct block_entry){ name_digest(&recs[i]), i };
	qsort(e, n, sizeof *e, cmp_block);
	for (size_t s = 0; s < n;) {
		size_t t = s + 1;
		while (t < n && e[t].key == e[s].key)
			t++;
		for (size_t i = s; i < t; i++)
			count[e[i].rec] = t - s;
		s = t;
	}
	free(e);
	return 0;
}

int linkage_pairs(const struct linkage_keys *recs, size_t n, double threshold, struct linkage_pair **out,
		  size_t *n_out)
{
	size_t *count = NULL;
	struct block_entry *be = NULL;
	uint64_t *cand = NULL;
	struct linkage_pair *pairs = NULL;
	size_t n_be = 0, n_cand = 0, cap_cand = 0, n_pairs = 0, cap_pairs = 0;

	*out = NULL;
	*n_out = 0;
	if (n < 2)
		return 0;
	if (n > UINT32_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		n_be += recs[i].n_blocks;
	if ((count = malloc(n * sizeof *count)) == NULL || name_counts(recs, n, count) != 0 ||
	    (be = malloc((n_be ? n_be : 1) * sizeof *be)) == NULL) {
		free(count);
		return -1;
	}
	n_be = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < recs[i].n_blocks; j++)
			be[n_be++] = (struct block_entry){ recs[i].blocks[j], i };
	qsort(be, n_be, sizeof *be, cmp_block);
	/* Every pair inside a block is a candidate, as (a << 32 | b). A block of
	 * more than LINKAGE_BLOCK_MAX records says too little to be worth its
	 * pairs (a name beginning everybody shares, or one name given to a whole
	 * test database): its records meet through their other blocks. */
	for (size_t s = 0; s < n_be;) {
		size_t e = s + 1;
		while (e < n_be && be[e].key == be[s].key)
			e++;
		if (e - s > LINKAGE_BLOCK_MAX) {
			s = e;
			continue;
		}
		for (size_t i = s; i < e; i++)
			for (size_t j = i + 1; j < e; j++)
				if (be[i].rec != be[j].rec &&
				    push_u64(&cand, &n_cand, &cap_cand, (uint64_t)be[i].rec << 32 | be[j].rec) != 0)
					goto fail;
		s = e;
	}
	free(be);
	be = NULL;
	if (n_cand > 0)
		qsort(cand, n_cand, sizeof *cand, cmp_u64);
	for (size_t i = 0; i < n_cand; i++) {
		struct linkage_pair p;
		if (i > 0 && cand[i] == cand[i - 1])
			continue;
		p.a = (size_t)(cand[i] >> 32);
		p.b = (size_t)(cand[i] & UINT32_MAX);
		bool same_name = name_digest(&recs[p.a]) == name_digest(&recs[p.b]);
		size_t others = same_name ? count[p.a] - 2 : count[p.a] - 1 + count[p.b] - 1;
		compare(&recs[p.a], &recs[p.b], others == 0, &p.cmp);
		if (p.cmp.score < threshold && !p.cmp.exact)
			continue;
		if (n_pairs == cap_pairs) {
			size_t c = cap_pairs ? 2 * cap_pairs : 64;
			struct linkage_pair *np = realloc(pairs, c * sizeof *np);
			if (np == NULL)
				goto fail;
			pairs = np;
			cap_pairs = c;
		}
		pairs[n_pairs++] = p;
	}
	free(cand);
	free(count);
	*out = pairs;
	*n_out = n_pairs;
	return 0;
fail:
	free(count);
	free(be);
	free(cand);
	free(pairs);
	return -1;
}

/* Union-find with path halving; the smaller index becomes the root. */
static size_t find(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}
static void unite(size_t *parent, size_t a, size_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

/* An ordered pair as one number, for the "not the same" set. */
static uint64_t pair_code(size_t a, size_t b)
{
	return a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

/* A record's exact key and index, sorted to find equal keys. */
struct exact_entry {
	unsigned char key[LINKAGE_EXACT_BYTES];
	size_t rec;
};
static int cmp_exact(const void *x, const void *y)
{
	const struct exact_entry *a = x, *b = y;
	int c = memcmp(a->key, b->key, LINKAGE_EXACT_BYTES);
	return c ? c : (a->rec < b->rec ? -1 : a->rec > b->rec);
}

int linkage_groups(const struct linkage_keys *recs, size_t n, const struct linkage_mark *marks, size_t n_marks,
		   size_t *group)
{
	struct exact_entry *ex = NULL;
	uint64_t *not_same = NULL;
	size_t n_not = 0, n_ex = 0;

	if (n > UINT32_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		group[i] = i;
	if (n == 0)
		return 0;
	if ((ex = malloc(n * sizeof *ex)) == NULL ||
	    (not_same = malloc((n_marks ? n_marks : 1) * sizeof *not_same)) == NULL) {
		free(ex);
		return -1;
	}
	for (size_t i = 0; i < n_marks; i++)
		if (!marks[i].same)
			not_same[n_not++] = pair_code(marks[i].a, marks[i].b);
	qsort(not_same, n_not, sizeof *not_same, cmp_u64);

	/* Equal exact keys: every pair of a run, unless marked not the same. */
	for (size_t i = 0; i < n; i++)
		if (recs[i].has_exact) {
			memcpy(ex[n_ex].key, recs[i].exact, LINKAGE_EXACT_BYTES);
			ex[n_ex++].rec = i;
		}
	qsort(ex, n_ex, sizeof *ex, cmp_exact);
	for (size_t s = 0; s < n_ex;) {
		size_t e = s + 1;
		while (e < n_ex && memcmp(ex[e].key, ex[s].key, LINKAGE_EXACT_BYTES) == 0)
			e++;
		for (size_t i = s; i < e; i++)
			for (size_t j = i + 1; j < e; j++) {
				uint64_t c = pair_code(ex[i].rec, ex[j].rec);
				if (bsearch(&c, not_same, n_not, sizeof c, cmp_u64) == NULL)
					unite(group, ex[i].rec, ex[j].rec);
			}
		s = e;
	}
	for (size_t i = 0; i < n_marks; i++)
		if (marks[i].same && marks[i].a < n && marks[i].b < n)
			unite(group, marks[i].a, marks[i].b);
	for (size_t i = 0; i < n; i++)
		group[i] = find(group, i);
	free(ex);
	free(not_same);
	return 0;
}

int linkage_distinct(const size_t *group, const bool *in_set, size_t n, size_t *count)
{
	bool *seen = calloc(n ? n : 1, sizeof *seen);

	*count = 0;
	if (seen == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (in_set[i] && group[i] < n && !seen[group[i]]) {
			seen[group[i]] = true;
			(*count)++;
		}
	free(seen);
	return 0;
}
