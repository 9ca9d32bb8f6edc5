/*
 * Password hashing with argon2id (libsodium). Parameters follow OWASP's
 * recommendation for argon2id (t=2, m=19 MiB) so that a login costs tens of
 * milliseconds and a few logins at once fit the server's memory budget.
 */
#ifndef NSP_PASSWORD_H
#define NSP_PASSWORD_H

#include <stddef.h>

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define PASSWORD_MIN_LEN 12
#define PASSWORD_MAX_LEN 1024

/* Writes the argon2id string of password into out. Returns 0, or -1 when out of memory. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/*
 * Returns 1 when password matches hash. With hash == NULL (unknown user) it
 * verifies against a fixed dummy hash and returns 0, so that an unknown user
 * and a wrong password take the same time.
 */
int password_verify(const char *hash, const char *password);

/*
 * Checks a new password: at least PASSWORD_MIN_LEN characters (code points),
 * at most PASSWORD_MAX_LEN bytes. Returns 0 when acceptable, else -1 with a
 * static message in Swedish and English.
 */
int password_acceptable(const char *password, const char **why_sv, const char **why_en);

#endif
