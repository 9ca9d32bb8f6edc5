/*
 * Fuzz target: the CSV writer of the annual report (report/csv.h).
 *
 * Properties:
 *  - one field read back by an independent RFC 4180 reader equals the input,
 *    with the apostrophe csv_write_field puts before a would-be formula;
 *  - the value a spreadsheet reads never starts with = + - @ TAB or CR;
 *  - a field starting or ending in a space is quoted (kept as is by readers);
 *  - a record of several fields (split from the input at 0xFF bytes) reads
 *    back as the same number of fields with the same values, so no value can
 *    add a column or a row;
 *  - valid UTF-8 in gives valid UTF-8 out.
 */
#include "fuzz.h"

#include "report/csv.h"
#include "util/buf.h"

#define FIELD_SEP 0xFF /* splits the input into the fields of one record */
#define MAX_FIELDS 64

/* 1 when a spreadsheet would run text starting with byte c as a formula. */
static int formula_start(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/*
 * Reads one field at *pos of s (length len) the RFC 4180 way, appending
 * its value to val. Returns 0 and moves *pos to the byte after the field
 * (a ',' , CR of CRLF, or len), or -1 when the text is not valid CSV.
 */
static int read_field(const char *s, size_t len, size_t *pos, struct buf *val)
{
	size_t i = *pos;

	if (i < len && s[i] == '"') {
		i++;
		for (;;) {
			if (i >= len)
				return -1; /* unterminated quote */
			if (s[i] == '"') {
				if (i + 1 < len && s[i + 1] == '"') {
					buf_putc(val, '"');
					i += 2;
					continue;
				}
				i++;
				break;
			}
			buf_putc(val, s[i]);
			i++;
		}
		/* After the closing quote only a separator or the end may follow. */
		if (i < len && s[i] != ',' && s[i] != '\r')
			return -1;
	} else {
		while (i < len && s[i] != ',' && s[i] != '\r') {
			/* Unquoted fields hold no quote and no line break. */
			if (s[i] == '"' || s[i] == '\n' || s[i] == '\0')
				return -1;
			buf_putc(val, s[i]);
			i++;
		}
	}
	*pos = i;
	return 0;
}

/* The value csv_write_field promises a reader for the input. */
static void expected_value(const char *s, size_t len, struct buf *exp)
{
	if (len > 0 && formula_start((unsigned char)s[0]))
		buf_putc(exp, '\'');
	buf_append(exp, s, len);
}

static void check_one_field(const char *s, size_t len)
{
	struct buf out = BUF_INIT, val = BUF_INIT, exp = BUF_INIT;
	size_t pos = 0;

	csv_write_field(&out, s, len);
	FZ_CHECK(read_field(out.data ? out.data : "", out.len, &pos, &val) == 0);
	FZ_CHECK(pos == out.len); /* the whole output is one field */
	expected_value(s, len, &exp);
	FZ_CHECK(val.len == exp.len);
	FZ_CHECK(val.len == 0 || memcmp(val.data, exp.data, val.len) == 0);
	FZ_CHECK(val.len == 0 || !formula_start((unsigned char)val.data[0]));
	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
		FZ_CHECK(out.data[0] == '"');
	if (fz_utf8_valid(s, len))
		FZ_CHECK(fz_utf8_valid(out.data ? out.data : "", out.len));
	buf_release(&out);
	buf_release(&val);
	buf_release(&exp);
}

/* Writes the input's fields as one record and reads the record back. */
static void check_record(const char *s, size_t len)
{
	size_t starts[MAX_FIELDS], lens[MAX_FIELDS];
	size_t nf = 0, i = 0, pos = 0;
	struct buf out = BUF_INIT;
	struct csv w;

	/* Split at FIELD_SEP; the last field runs to the end. */
	for (;;) {
		const char *sep = memchr(s + i, FIELD_SEP, len - i);
		size_t flen = sep ? (size_t)(sep - (s + i)) : len - i;

		starts[nf] = i;
		lens[nf] = flen;
		nf++;
		if (!sep || nf == MAX_FIELDS)
			break;
		i += flen + 1;
	}
	csv_init(&w, &out);
	for (size_t f = 0; f < nf; f++) {
		if (f > 0)
			buf_putc(&out, ',');
		csv_write_field(&out, s + starts[f], lens[f]);
	}
	csv_end(&w);
	FZ_CHECK(out.len >= 2 && memcmp(out.data + out.len - 2, "\r\n", 2) == 0);

	for (size_t f = 0; f < nf; f++) {
		struct buf val = BUF_INIT, exp = BUF_INIT;

		FZ_CHECK(read_field(out.data, out.len - 2, &pos, &val) == 0);
		expected_value(s + starts[f], lens[f], &exp);
		FZ_CHECK(val.len == exp.len);
		FZ_CHECK(val.len == 0 || memcmp(val.data, exp.data, val.len) == 0);
		if (f + 1 < nf) {
			FZ_CHECK(pos < out.len - 2 && out.data[pos] == ',');
			pos++;
		}
		buf_release(&val);
		buf_release(&exp);
	}
	/* No field may have ended the record early or added one. */
	FZ_CHECK(pos == out.len - 2);
	buf_release(&out);
}

/* csv_text and csv_raw as the report uses them, on NUL-terminated text. */
static void check_text_api(const char *s, size_t len)
{
	char *z = fz_strndup((const uint8_t *)s, len);
	struct buf out = BUF_INIT, one = BUF_INIT;
	struct csv w;

	csv_init(&w, &out);
	csv_text(&w, z);
	csv_raw(&w, "12");
	csv_text(&w, z);
	csv_end(&w);
	csv_end(&w); /* an empty record is a blank line */
	csv_write_field(&one, z, strlen(z));
	/* field , 12 , field CRLF CRLF */
	FZ_CHECK(out.len == 2 * one.len + 4 + 4);
	FZ_CHECK(one.len == 0 || memcmp(out.data, one.data, one.len) == 0);
	FZ_CHECK(memcmp(out.data + one.len, ",12,", 4) == 0);
	FZ_CHECK(memcmp(out.data + out.len - 4, "\r\n\r\n", 4) == 0);
	FZ_CHECK(w.fields == 0);
	buf_release(&out);
	buf_release(&one);
	free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	check_one_field(s, size);
	check_record(s, size);
	check_text_api(s, size);
	return 0;
}
