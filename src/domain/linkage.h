/*
 * Privacy-preserving record linkage (issue 19): counting each person once
 * across organisations without any organisation seeing another's person.
 * Pure functions: no I/O, no store, no web. The key comes from the caller
 * (the store derives it from the database key: "nsp_keys" subkey 7).
 *
 * From a person's identity (name, birth date, birth country; whatever is
 * present) nsp keeps only:
 * - an exact key: keyed BLAKE2b-256 of the normalised name (its words in
 *   sorted order, so that swapped first and last names give the same key)
 *   and the birth date; only when both are present;
 * - one keyed Bloom filter per field (name: bigrams of each word; birth date:
 *   positional digit pairs; birth country: bigrams), each bigram hashed with
 *   BLAKE2b keyed by the linkage key and salted by the field, its k positions
 *   taken from independent bytes of that hash (random hashing, not double
 *   hashing); compared by Dice similarity;
 * - blocking keys (keyed, 8 bytes each: a word's first three letters, its last
 *   three, the birth date) so that only records sharing one are compared.
 * docs/linkage.md says why these parameters and what they resist.
 *
 * Normalisation: Unicode NFD, combining marks dropped (é → e, å → a), a few
 * letters without a decomposition spelled out (ø → o, æ → ae, ß → ss, ł → l,
 * đ → d, þ → th, œ → oe), lower case, every other non-letter-or-digit a
 * space, spaces collapsed.
 */
#ifndef NSP_LINKAGE_H
#define NSP_LINKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINKAGE_KEY_BYTES 32     /* the linkage key (crypto_generichash_KEYBYTES) */
#define LINKAGE_EXACT_BYTES 32   /* the exact key */
#define LINKAGE_TEXT_MAX 256     /* a normalised field, NUL included */

/* The fields, in the order of their filters inside struct linkage_keys.bloom. */
enum linkage_field { LINK_NAME, LINK_BIRTH_DATE, LINK_BIRTH_COUNTRY, LINK__FIELDS };

/* Bits of each field's filter (a multiple of 64) and hash positions per bigram. */
#define LINKAGE_NAME_BITS 1024
#define LINKAGE_DATE_BITS 256
#define LINKAGE_COUNTRY_BITS 128
#define LINKAGE_NAME_K 20
#define LINKAGE_DATE_K 12
#define LINKAGE_COUNTRY_K 8
#define LINKAGE_BLOOM_WORDS ((LINKAGE_NAME_BITS + LINKAGE_DATE_BITS + LINKAGE_COUNTRY_BITS) / 64)
#define LINKAGE_BLOOM_BYTES (LINKAGE_BLOOM_WORDS * 8)
#define LINKAGE_BLOCKS_MAX 8
/* A blocking key shared by more records than this makes no candidates (linkage_pairs). */
#define LINKAGE_BLOCK_MAX 2000

/* The similarity at and above which a pair is a duplicate hint (docs/linkage.md:
 * chosen on the generated population of `make bench`). */
#define LINKAGE_THRESHOLD 0.82
/* A field whose filters' Dice similarity reaches this "agrees". */
#define LINKAGE_AGREE 0.85

/* One identity as given; NULL or "" for a missing field. birth_date is
 * YYYY-MM-DD. The strings are the caller's. */
struct linkage_identity {
	const char *name;
	const char *birth_date;
	const char *birth_country;
};

/* What is kept of an identity. Plain data: copy it, store it, compare it. */
struct linkage_keys {
	unsigned fields;            /* bit (1u << f): field f was present */
	bool has_exact;             /* name and birth date were present */
	unsigned char exact[LINKAGE_EXACT_BYTES];
	uint64_t bloom[LINKAGE_BLOOM_WORDS];
	size_t n_blocks;
	uint64_t blocks[LINKAGE_BLOCKS_MAX];
};

/*
 * The normalised form of a name or country (see above) into out (NUL-
 * terminated, cut at a character boundary when longer than outsz - 1 bytes).
 * Returns the length; 0 for NULL, "" or nothing but punctuation, -1 for text
 * that is not UTF-8.
 */
int linkage_normalize(const char *in, char *out, size_t outsz);

/*
 * The keys of id under key into *out. Returns 0, or -1 when no field is
 * present or usable (then *out has fields == 0 and nothing else).
 * A birth date that is not YYYY-MM-DD is treated as missing.
 */
int linkage_keys_compute(const unsigned char key[LINKAGE_KEY_BYTES], const struct linkage_identity *id,
			 struct linkage_keys *out);

/* The comparison of two records. */
struct linkage_compare {
	double score;                   /* 0..1: weighted Dice over the fields present in both */
	double dice[LINK__FIELDS];      /* per field; 0 when either lacks it */
	unsigned both;                  /* bit (1u << f): present in both */
	unsigned agree;                 /* bit (1u << f): present in both and dice >= LINKAGE_AGREE */
	bool exact;                     /* both have an exact key and they are equal */
};

/* Compares a and b (the score of linkage.c's comment). A pair without a name
 * in both scores 0 (no hint on a birth date or country alone). Alone, without
 * the register, the names are not known to be rare: linkage_pairs() knows. */
void linkage_compare(const struct linkage_keys *a, const struct linkage_keys *b, struct linkage_compare *out);

/* Dice similarity of two bit strings of `words` 64-bit words: 2|A∩B| / (|A|+|B|), 0 for two empty ones. */
double linkage_dice(const uint64_t *a, const uint64_t *b, size_t words);

/* One candidate pair: indexes into the caller's array, a < b. */
struct linkage_pair {
	size_t a, b;
	struct linkage_compare cmp;
};

/*
 * Every pair of recs[0..n) that shares a blocking key (of at most
 * LINKAGE_BLOCK_MAX records) and scores at least
 * threshold (or has equal exact keys), the names' rarity counted over recs, by a then b, into *out (malloc'd;
 * free()) and *n_out. Each pair is compared once, however many blocking keys
 * it shares. Returns 0, or -1 when memory runs out (*out NULL).
 */
int linkage_pairs(const struct linkage_keys *recs, size_t n, double threshold, struct linkage_pair **out,
		  size_t *n_out);

/* A coordinator's mark on a pair of records (indexes into recs). */
struct linkage_mark {
	size_t a, b;
	bool same;       /* true: the same person; false: not the same */
};

/*
 * Groups recs[0..n) into persons: two records are one person when a mark
 * says "same" or their exact keys are equal, unless a mark on that very pair
 * says "not the same"; and transitively (a~b and b~c make a, b, c one). Writes
 * each record's group (the smallest index in it) to group[i]. Returns 0, or -1
 * when memory runs out.
 */
int linkage_groups(const struct linkage_keys *recs, size_t n, const struct linkage_mark *marks, size_t n_marks,
		   size_t *group);

/* How many distinct groups (group[] of linkage_groups) the records with
 * in_set[i] true fall into, into *count. 0, or -1 when memory runs out. */
int linkage_distinct(const size_t *group, const bool *in_set, size_t n, size_t *count);

#endif
