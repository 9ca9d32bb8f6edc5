/*
 * The second factor's arithmetic: time-based one-time passwords (RFC 6238:
 * HMAC-SHA1, 30-second steps from the Unix epoch, 6 digits) computed by
 * liboath, the base32 form and otpauth:// URI that authenticator apps read,
 * and the one-time recovery codes. No I/O and no database: the caller says
 * what time it is and where the secret is kept.
 */
#ifndef NSP_TOTP_H
#define NSP_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define TOTP_SECRET_BYTES 20   /* 160 bits, the HMAC-SHA1 block RFC 4226 recommends */
#define TOTP_STEP_SECONDS 30
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1          /* steps accepted either side of now (clock drift, typing time) */
#define TOTP_CODE_MAX (TOTP_DIGITS + 1)
/* base32 of 20 bytes: 32 characters, no padding, and the NUL. */
#define TOTP_BASE32_MAX 33

#define RECOVERY_CODES 10
/* "abcd-efgh-jkmn-pqrs": 16 characters of a 31-letter alphabet (79 bits) in four groups. */
#define RECOVERY_CODE_CHARS 16
#define RECOVERY_CODE_MAX (RECOVERY_CODE_CHARS + 3 + 1)

/* The time step of Unix time now: floor(now / 30). */
int64_t totp_step(int64_t now);

/* Writes the code of step into code ("012345"). Returns 0, or -1 when liboath fails. */
int totp_code(const unsigned char *secret, size_t len, int64_t step, char code[TOTP_CODE_MAX]);

/*
 * Checks code (exactly TOTP_DIGITS digits) against the steps of now
 * ± TOTP_WINDOW. Returns 1 with *step set to the step it matched, or 0
 * (a wrong or malformed code). The caller refuses a step it has accepted
 * before (replay, RFC 6238 §5.2).
 */
int totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now, int64_t *step);

/* The secret as unpadded base32 (RFC 4648), what authenticator apps take when typed in. 0 or -1. */
int totp_base32(const unsigned char *secret, size_t len, char out[TOTP_BASE32_MAX]);

/*
 * Appends the key URI of Google Authenticator's format to out:
 * otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
 * with issuer and account percent-encoded. 0 or -1.
 */
int totp_uri(struct buf *out, const char *issuer, const char *account, const unsigned char *secret, size_t len);

/* A new random recovery code, "abcd-efgh-jkmn-pqrs" (lower case, no 0/1/i/l/o). */
void recovery_code_new(char out[RECOVERY_CODE_MAX]);

/*
 * The canonical form of a recovery code as typed: letters to lower case,
 * spaces and dashes dropped. Writes RECOVERY_CODE_CHARS characters and a
 * NUL into out and returns 0, or -1 when in is not a recovery code (a
 * character outside the alphabet, or not 16 of them).
 */
int recovery_code_normalise(const char *in, char out[RECOVERY_CODE_CHARS + 1]);

#endif
