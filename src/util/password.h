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
 * at most PASSWORD_MAX_LEN bytes, and not on the list of common passwords
 * (password_is_common). Returns 0 when acceptable, else -1 with a static
 * message in Swedish and English.
 */
int password_acceptable(const char *password, const char **why_sv, const char **why_en);

/*
 * 1 when password is on the list of common passwords shipped with nsp
 * (data/common-passwords.txt, embedded at build time), compared without
 * regard to case (ASCII and Latin-1 letters: "SOMMAREN2024!" is
 * "sommaren2024!", "LÖSENORD1234" is "lösenord1234"); 0 when it is not;
 * -1 when the list could not be loaded (out of memory): callers refuse.
 */
int password_is_common(const char *password);

#endif
