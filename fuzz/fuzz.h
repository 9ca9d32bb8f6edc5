/*
 * Shared by the libFuzzer targets in fuzz/: an assertion that always stays
 * on (a fuzzer without assertions only finds crashes) and small reference
 * implementations written independently of src/, so that a target can
 * compare the code under test with a second opinion instead of trusting it.
 */
#ifndef NSP_FUZZ_H
#define NSP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the failed property, so that libFuzzer saves the input. */
#define FZ_CHECK(cond)                                                                 \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

/*
 * 1 when len bytes of s are well-formed UTF-8, after Table 3-7 of the
 * Unicode standard (byte ranges per lead byte, which excludes overlongs,
 * surrogates and values above U+10FFFF). NUL bytes count as valid.
 */
static inline int fz_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		unsigned lo = 0x80, hi = 0xBF;
		size_t n;

		if (c <= 0x7F) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c == 0xE0)
			n = 2, lo = 0xA0;
		else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
			n = 2;
		else if (c == 0xED)
			n = 2, hi = 0x9F;
		else if (c == 0xF0)
			n = 3, lo = 0x90;
		else if (c >= 0xF1 && c <= 0xF3)
			n = 3;
		else if (c == 0xF4)
			n = 3, hi = 0x8F;
		else
			return 0;
		if (len - i <= n)
			return 0;
		/* Only the second byte has a narrowed range. */
		if (p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (size_t k = 2; k <= n; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* A NUL-terminated copy of the fuzzer's bytes (they are not terminated). Caller frees. */
static inline char *fz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
