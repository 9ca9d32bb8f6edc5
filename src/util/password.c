#include "util/password.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define OPSLIMIT 2
#define MEMLIMIT (19u * 1024u * 1024u)

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	if (sodium_init() < 0)
		return -1;
	return crypto_pwhash_str_alg(out, password, strlen(password), OPSLIMIT, MEMLIMIT,
				     crypto_pwhash_ALG_ARGON2ID13);
}

static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	/* A hash of a random password with the same parameters: verifying
	 * against it costs what a real verification costs. */
	unsigned char rnd[16];
	char pw[33];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(pw, sizeof pw, rnd, sizeof rnd);
	if (password_hash(pw, dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

int password_verify(const char *hash, const char *password)
{
	if (sodium_init() < 0)
		return 0;
	if (!hash) {
		pthread_once(&dummy_once, make_dummy);
		if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			return 0; /* a random password cannot match; the work is what counts */
		return 0;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* data/common-passwords.txt, embedded by the Makefile (scripts/embed-sql). */
extern const char nsp_common_passwords[];

/*
 * Lower case for the comparison: ASCII letters, and the upper-case letters
 * of Latin-1 (U+00C0..U+00DE but ×, so Å Ä Ö É Ü), which UTF-8 writes as
 * C3 80..C3 9E and whose lower case is 0x20 further. Writes at most
 * strlen(in) bytes and a NUL into out.
 */
static void fold_case(const char *in, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t k = 0;
	for (size_t i = 0; s[i]; i++) {
		unsigned char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		else if (c >= 0x80 && c <= 0x9E && c != 0x97 && i > 0 && s[i - 1] == 0xC3)
			c = (unsigned char)(c + 0x20);
		out[k++] = (char)c;
	}
	out[k] = '\0';
}

/* The list as a sorted array of lower-case lines, built once (never freed: it lives as long as the process). */
static char **common_list;
static size_t common_count;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_common(void)
{
	size_t len = strlen(nsp_common_passwords), lines = 0;
	char *text = malloc(len + 1);
	if (!text)
		return;
	fold_case(nsp_common_passwords, text);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	char **list = calloc(lines + 1, sizeof *list);
	if (!list) {
		free(text);
		return;
	}
	size_t n = 0;
	for (char *line = text; *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (line[0] != '\0' && line[0] != '#')
			list[n++] = line;
		if (!end)
			break;
		line = end + 1;
	}
	qsort(list, n, sizeof *list, cmp_str);
	common_count = n;
	common_list = list;
}

int password_is_common(const char *password)
{
	char folded[PASSWORD_MAX_LEN + 1];
	const char *key = folded;

	if (strlen(password) > PASSWORD_MAX_LEN)
		return 0;
	pthread_once(&common_once, load_common);
	if (!common_list)
		return -1;
	fold_case(password, folded);
	int found = bsearch(&key, common_list, common_count, sizeof *common_list, cmp_str) != NULL;
	sodium_memzero(folded, sizeof folded);
	return found;
}

int password_acceptable(const char *password, const char **why_sv, const char **why_en)
{
	if (strlen(password) > PASSWORD_MAX_LEN) {
		*why_sv = "lösenordet är för långt (högst 1024 byte)";
		*why_en = "the password is too long (at most 1024 bytes)";
		return -1;
	}
	if (utf8_chars(password) < PASSWORD_MIN_LEN) {
		*why_sv = "lösenordet måste ha minst 12 tecken";
		*why_en = "the password must have at least 12 characters";
		return -1;
	}
	if (password_is_common(password) != 0) {
		*why_sv = "lösenordet är för vanligt (det finns på listan över vanliga lösenord); välj ett annat";
		*why_en = "the password is too common (it is on the list of common passwords); choose another";
		return -1;
	}
	return 0;
}
