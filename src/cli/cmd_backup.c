/* nsp backup: a consistent online copy through SQLite's backup API. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage_sv[] =
	"Användning: nsp backup [--db FIL] --to FIL\n"
	"Gör en konsekvent kopia av databasen medan servern kör. Kopian är krypterad\n"
	"på samma sätt som originalet: spara nyckelfilen separat.\n";
static const char usage_en[] =
	"Usage: nsp backup [--db FILE] --to FILE\n"
	"Makes a consistent copy of the database while the server runs. The copy is\n"
	"encrypted like the original: keep the key file apart from it.\n";

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *to = NULL;
	char err[DB_ERR_MAX];
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 't': to = optarg; break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (!to) {
		cli_error("ange målfilen med --to FIL", "name the target with --to FILE");
		return 2;
	}
	struct db *db = NULL;
	if (db_open(&db, path, DB_EXISTING | DB_READONLY, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	int rc = db_backup(db, to, err, sizeof err);
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	printf(cli_english() ? "backup written to %s\n" : "säkerhetskopian är skriven till %s\n", to);
	return 0;
}
