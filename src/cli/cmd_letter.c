/* nsp letter: a decision's letter, or a handled claim's (issue 17), as a PDF file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "i18n/i18n.h"
#include "letter/letter.h"
#include "store/store.h"
#include "util/buf.h"

static const char usage_sv[] =
	"Användning: nsp letter [--db FIL] (--decision ID | --claim ID) [--lang sv|en] -o FIL\n"
	"Beslutsbrevet för ett beslut som PDF (A4): organisationen, ärendekoden (aldrig\n"
	"identitetsuppgifter), vad som söktes, beslutet, belopp, skälen med reglernas ord\n"
	"och vad organisationen kan göra nu. Med --claim brevet för en godkänd eller avslagen\n"
	"rekvisition: vad som rekvirerades, dygn eller enheter, belopp per rad, utfallet,\n"
	"skälet till ett avslag och vem som prövade den. Svenska som standard; --lang en ger\n"
	"engelska. Läsningen loggas i granskningsloggen som systemets.\n";
static const char usage_en[] =
	"Usage: nsp letter [--db FILE] (--decision ID | --claim ID) [--lang sv|en] -o FILE\n"
	"A decision's letter as a PDF (A4): the organisation, the case code (never identity\n"
	"data), what was applied for, the decision, the amounts, the reasons in the rules'\n"
	"words and what the organisation can do next. With --claim the letter of an approved\n"
	"or rejected claim: what was claimed, the days or units, the amount per line, the\n"
	"outcome, the reason of a rejection and who decided it. Swedish by default; --lang en\n"
	"for English. The read is written to the audit log as the system's.\n";

int cmd_letter(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "decision", required_argument, NULL, 'D' },
		{ "claim", required_argument, NULL, 'C' },
		{ "lang", required_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *key_file = NULL, *outpath = NULL;
	enum lang lang = cli_english() ? LANG_EN : LANG_SV;
	long long id = 0;
	bool claim = false;
	char *end;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'K': key_file = optarg; break;
		case 'D':
		case 'C':
			claim = c == 'C';
			id = strtoll(optarg, &end, 10);
			if (*end || id <= 0) {
				cli_error("id är ett positivt heltal", "the id is a positive integer");
				return 2;
			}
			break;
		case 'L':
			if (strcmp(optarg, "sv") != 0 && strcmp(optarg, "en") != 0) {
				cli_error("språket är sv eller en", "the language is sv or en");
				return 2;
			}
			lang = i18n_lang(optarg);
			break;
		case 'o': outpath = optarg; break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (!id || !outpath) {
		cli_error("ange beslutet med --decision ID (eller rekvisitionen med --claim ID) och filen med -o FIL",
			  "name the decision with --decision ID (or the claim with --claim ID) and the file with -o FILE");
		return 2;
	}
	struct db *db = cli_open_db(path, key_file, 0);
	if (!db)
		return 1;
	struct letter l;
	int rc = claim ? letter_load_claim(db, id, &l) : letter_load(db, id, &l);
	if (rc == DB_NOTFOUND) {
		cli_error(claim ? "rekvisitionen finns inte" : "beslutet finns inte", claim ? "no such claim" : "no such decision");
		db_close(db);
		return 1;
	}
	if (rc != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		db_close(db);
		return 1;
	}
	if (claim && !letter_claim_handled(&l)) {
		cli_error("rekvisitionen väntar på beslut; brevet skrivs när den är godkänd eller avslagen",
			  "the claim is waiting for a decision; its letter is written once it is approved or rejected");
		letter_release(&l);
		db_close(db);
		return 1;
	}
	char detail[80];
	snprintf(detail, sizeof detail, "letter %s=%lld lang=%s cli", claim ? "claim" : "decision", id, i18n_code(lang));
	if (db_audit(db, 0, claim ? "claim.letter" : "decision.letter", "person", l.d.person_id, detail) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		letter_release(&l);
		db_close(db);
		return 1;
	}
	db_close(db);
	struct buf pdf = BUF_INIT;
	char err[256];
	rc = letter_pdf(&l, lang, true, &pdf, err, sizeof err);
	letter_release(&l);
	if (rc != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		buf_release(&pdf);
		return 1;
	}
	FILE *out = fopen(outpath, "wb");
	if (!out) {
		cli_error("utfilen kan inte skapas", "the output file cannot be created");
		buf_release(&pdf);
		return 1;
	}
	int bad = fwrite(pdf.data, 1, pdf.len, out) != pdf.len;
	bad |= fclose(out) != 0;
	buf_release(&pdf);
	if (bad) {
		cli_error("utfilen kunde inte skrivas", "the output file could not be written");
		return 1;
	}
	return 0;
}
