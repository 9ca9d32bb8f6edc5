#include "util/password.h"

#include <pthread.h>
#include <sodium.h>
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
	return 0;
}
