/* nsp — the National Support Programme's case, decision and ledger system. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "domain/day.h"
#include "store/store.h"

static void usage(FILE *to)
{
	int en = cli_english();
	fputs(en ? "Usage: nsp COMMAND [OPTIONS]   (nsp COMMAND --help for each)\n\nCommands:\n"
		 : "Användning: nsp KOMMANDO [FLAGGOR]   (nsp KOMMANDO --help för var och en)\n\nKommandon:\n",
	      to);
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(to, "  %-10s %s\n", c->name, en ? c->summary_en : c->summary_sv);
	fputs(en ? "\nOptions: --help, --version, --lang sv|en (or NSP_LANG=en), --quiet (no progress)\n"
		 : "\nFlaggor: --help, --version, --lang sv|en (eller NSP_LANG=en), --quiet (inga förloppsrader)\n",
	      to);
}

/*
 * An upgrade of a large database takes a while (migration 5 on a million
 * persons: half a minute): say so rather than seem to hang. On a terminal a
 * bar of the migrations' statements with the time left, its label naming
 * the migration running; elsewhere one line per migration; nothing with
 * --quiet.
 */
static struct progress upgrade_bar;
static int upgrade_shown;                /* the migration last announced */
static char upgrade_label[96];

static void upgrade_progress(int to, int64_t done, int64_t total)
{
	int en = cli_english();

	if (progress_is_quiet())
		return;
	if (to != upgrade_shown) {
		upgrade_shown = to;
		if (!isatty(STDERR_FILENO)) {
			fprintf(stderr, en ? "nsp: upgrading the database to schema version %d; on a large database "
					     "this takes a while\n"
					   : "nsp: uppgraderar databasen till schemaversion %d; på en stor databas tar "
					     "det en stund\n", to);
			return;
		}
		if (upgrade_bar.what == NULL)
			progress_begin(&upgrade_bar, "uppgraderar databasen", "upgrading the database", total);
		snprintf(upgrade_label, sizeof upgrade_label,
			 en ? "upgrading the database to schema version %d" : "uppgraderar databasen till schemaversion %d",
			 to);
		upgrade_bar.what = upgrade_label;
	}
	if (upgrade_bar.what == NULL)
		return;
	progress_update(&upgrade_bar, done);
	if (done == total)
		progress_end(&upgrade_bar);
}

int main(int argc, char **argv)
{
	int i = 1;
	day_zone_init();   /* the programme's days, before any thread starts */
	db_on_upgrade(upgrade_progress);
	for (;;) {
		if (i + 1 < argc && strcmp(argv[i], "--lang") == 0) {
			setenv("NSP_LANG", argv[i + 1], 1);
			i += 2;
		} else if (i < argc && (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)) {
			progress_quiet(1);
			i++;
		} else {
			break;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[i];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("nsp %s\n", NSP_VERSION);
		return 0;
	}
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c->run(argc - i, argv + i);
	cli_error("okänt kommando; se nsp --help", "unknown command; see nsp --help");
	return 2;
}
