/* nsp report: the annual report of a year in any of its forms. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "domain/report.h"
#include "i18n/i18n.h"
#include "report/export.h"
#include "store/store.h"
#include "store/report.h"

static const char usage_sv[] =
	"Användning: nsp report [--db FIL] --year ÅR [--format json|csv|md|html|xlsx]\n"
	"                  [--open-data [--k N]] [--lang sv|en] [-o FIL] [--quiet]\n"
	"Årsrapporten till finansiären (domain.md §10). Med --open-data blir antal\n"
	"personer under k (standard 5) null, och fler celler döljs så att inget dolt\n"
	"tal kan räknas fram; belopp är alltid exakta. Standard är json till standard ut.\n"
	"Rubrikerna är på svenska; --lang en (eller NSP_LANG=en) ger engelska.\n"
	"Förloppet (rapportens tio delar) visas på standard fel; --quiet tystar det.\n";
static const char usage_en[] =
	"Usage: nsp report [--db FILE] --year YEAR [--format json|csv|md|html|xlsx]\n"
	"                  [--open-data [--k N]] [--lang sv|en] [-o FILE] [--quiet]\n"
	"The annual report to the funder (domain.md §10). With --open-data person counts\n"
	"below k (default 5) become null, and further cells are hidden so that no hidden\n"
	"figure can be recomputed; money stays exact. Default: json to standard output.\n"
	"Headings are in Swedish; --lang en (or NSP_LANG=en) gives English.\n"
	"Progress (the report's ten parts) goes to standard error; --quiet silences it.\n";

/* The report's parts (store/report.h, enum report_part) as the progress names them. */
static const char *const part_sv[REPORT_PART__COUNT] = {
	"personer", "olika personer", "insatser", "pengar", "utbetalt per insats", "beslut",
	"placeringsförfrågningar", "konsultationer", "ansökningarnas grund", "personer i kontakt med plattformen",
};
static const char *const part_en[REPORT_PART__COUNT] = {
	"persons", "distinct persons", "interventions", "money", "paid per intervention", "decisions",
	"placement requests", "consultations", "the applications' basis", "persons in contact with the platform",
};

/* The report's progress on a large database: a bar of its parts on a
 * terminal, a line per part elsewhere, nothing with --quiet. */
struct report_progress {
	struct progress bar;
	char what_sv[64], what_en[64];
};

static void report_part(void *ctx, int part)
{
	struct report_progress *rp = ctx;

	if (part == 0)
		progress_begin(&rp->bar, rp->what_sv, rp->what_en, REPORT_PART__COUNT);
	if (part < REPORT_PART__COUNT && !rp->bar.tty && !progress_is_quiet()) {
		char sv[128], en[128];

		snprintf(sv, sizeof sv, "%s: %s", rp->what_sv, part_sv[part]);
		snprintf(en, sizeof en, "%s: %s", rp->what_en, part_en[part]);
		progress_step(sv, en);
	}
	progress_update(&rp->bar, part);
	if (part == REPORT_PART__COUNT)
		progress_end(&rp->bar);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "year", required_argument, NULL, 'y' },
		{ "format", required_argument, NULL, 'f' },
		{ "open-data", no_argument, NULL, 'O' },
		{ "k", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *key_file = NULL, *outpath = NULL;
	int year = 0, format = REPORT_JSON, open_data = 0, c;
	long k = 5;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hqo:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'K': key_file = optarg; break;
		case 'y':
			year = (int)strtol(optarg, &end, 10);
			if (*end || year < DAY_MIN_YEAR || year > DAY_MAX_YEAR) {
				cli_error("ogiltigt år", "invalid year");
				return 2;
			}
			break;
		case 'f':
			if ((format = report_format_parse(optarg)) < 0) {
				cli_error("formatet är json, csv, md, html eller xlsx",
					  "the format is json, csv, md, html or xlsx");
				return 2;
			}
			break;
		case 'O': open_data = 1; break;
		case 'k':
			k = strtol(optarg, &end, 10);
			if (*end || k < 1 || k > 1000) {
				cli_error("k är ett heltal 1–1000", "k is an integer 1–1000");
				return 2;
			}
			break;
		case 'o': outpath = optarg; break;
		case 'q': progress_quiet(1); break;
		case 'L':
			/* as `nsp --lang`: the report's words and this command's messages */
			if (strcmp(optarg, "sv") != 0 && strcmp(optarg, "en") != 0) {
				cli_error("språket är sv eller en", "the language is sv or en");
				return 2;
			}
			if (setenv("NSP_LANG", optarg, 1) != 0) {
				cli_error("språket kunde inte väljas", "the language could not be chosen");
				return 1;
			}
			break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (!year) {
		cli_error("ange året med --year ÅR", "name the year with --year YEAR");
		return 2;
	}
	struct db *db = cli_open_db(path, key_file, 1);
	if (!db)
		return 1;
	struct report r;
	struct report_progress rp;
	char err[512];

	memset(&rp, 0, sizeof rp);
	snprintf(rp.what_sv, sizeof rp.what_sv, "årsrapporten %d", year);
	snprintf(rp.what_en, sizeof rp.what_en, "the annual report %d", year);
	int rc = db_report_load_progress(db, year, &r, report_part, &rp);
	if (rc != 0) {
		if (rp.bar.tty && rp.bar.drawn_once && !progress_is_quiet())
			fputc('\n', stderr);    /* the error below the bar, not over it */
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
	}
	db_close(db);
	if (rc != 0)
		return 1;
	if (open_data)
		report_suppress(&r, (int)k);
	FILE *out = stdout;
	if (outpath && !(out = fopen(outpath, "wb"))) {
		cli_error("utfilen kan inte skapas", "the output file cannot be created");
		return 1;
	}
	rc = report_write(&r, (enum report_format)format, cli_english() ? LANG_EN : LANG_SV, out, err, sizeof err);
	if (out != stdout && fclose(out) != 0)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	return 0;
}
