/* TOTP (RFC 6238) through liboath, the secret's base32 and URI forms, recovery codes. */
#include "util/totp.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>
#include <sodium.h>

/* liboath keeps global state that oath_init() sets up once per process. */
static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;

static void oath_start(void)
{
	oath_ready = oath_init() == OATH_OK;
}

static int ready(void)
{
	pthread_once(&oath_once, oath_start);
	return oath_ready;
}

int64_t totp_step(int64_t now)
{
	/* Floor division: steps before 1970 do not occur, but stay correct. */
	int64_t q = now / TOTP_STEP_SECONDS;
	return (now % TOTP_STEP_SECONDS < 0) ? q - 1 : q;
}

int totp_code(const unsigned char *secret, size_t len, int64_t step, char code[TOTP_CODE_MAX])
{
	/* liboath takes a time, not a step: the first second of the step. */
	if (!ready() || oath_totp_generate((const char *)secret, len, (time_t)(step * TOTP_STEP_SECONDS),
					   TOTP_STEP_SECONDS, OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS,
					   code) != OATH_OK)
		return -1;
	return 0;
}

int totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now, int64_t *step)
{
	uint64_t counter = 0;
	int pos = 0;

	if (!ready() || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return 0;
	if (oath_totp_validate3((const char *)secret, len, (time_t)now, TOTP_STEP_SECONDS,
				OATH_TOTP_DEFAULT_START_TIME, TOTP_WINDOW, &pos, &counter, code) < 0)
		return 0;
	*step = (int64_t)counter;
	return 1;
}

int totp_base32(const unsigned char *secret, size_t len, char out[TOTP_BASE32_MAX])
{
	char *enc = NULL;
	size_t n = 0;

	if (!ready() || oath_base32_encode((const char *)secret, len, &enc, &n) != OATH_OK)
		return -1;
	/* Authenticator apps want it without the '=' padding. */
	while (n > 0 && enc[n - 1] == '=')
		n--;
	if (n >= TOTP_BASE32_MAX) {
		free(enc);
		return -1;
	}
	memcpy(out, enc, n);
	out[n] = '\0';
	sodium_memzero(enc, n);
	free(enc);
	return 0;
}

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static void put_encoded(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (isalnum(*c) && *c < 0x80)
			buf_putc(out, (char)*c);
		else if (*c == '-' || *c == '.' || *c == '_' || *c == '~')
			buf_putc(out, (char)*c);
		else {
			buf_putc(out, '%');
			buf_putc(out, hex[*c >> 4]);
			buf_putc(out, hex[*c & 15]);
		}
	}
}

int totp_uri(struct buf *out, const char *issuer, const char *account, const unsigned char *secret, size_t len)
{
	char b32[TOTP_BASE32_MAX];

	if (totp_base32(secret, len, b32) != 0)
		return -1;
	buf_puts(out, "otpauth://totp/");
	put_encoded(out, issuer);
	buf_putc(out, ':');
	put_encoded(out, account);
	buf_puts(out, "?secret=");
	buf_puts(out, b32);
	buf_puts(out, "&issuer=");
	put_encoded(out, issuer);
	buf_printf(out, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP_SECONDS);
	sodium_memzero(b32, sizeof b32);
	return 0;
}

/* No 0/o, 1/i/l: a code read from paper is typed back without guessing. */
static const char recovery_alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
#define RECOVERY_ALPHABET_LEN (sizeof recovery_alphabet - 1)

void recovery_code_new(char out[RECOVERY_CODE_MAX])
{
	size_t k = 0;
	for (int i = 0; i < RECOVERY_CODE_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			out[k++] = '-';
		out[k++] = recovery_alphabet[randombytes_uniform((uint32_t)RECOVERY_ALPHABET_LEN)];
	}
	out[k] = '\0';
}

int recovery_code_normalise(const char *in, char out[RECOVERY_CODE_CHARS + 1])
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)in; *c; c++) {
		if (*c == '-' || *c == ' ')
			continue;
		int lc = *c < 0x80 ? tolower(*c) : 0;
		if (lc == 0 || strchr(recovery_alphabet, lc) == NULL || n == RECOVERY_CODE_CHARS)
			return -1;
		out[n++] = (char)lc;
	}
	if (n != RECOVERY_CODE_CHARS)
		return -1;
	out[n] = '\0';
	return 0;
}
