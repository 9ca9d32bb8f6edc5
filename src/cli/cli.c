/* The command table and what every subcommand shares. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/store.h"

const struct cli_command cli_commands[] = {
	{ "init", cmd_init, "skapar databasen, nyckelfilen och den första samordnaren",
	  "creates the database, its key file and the first coordinator" },
	{ "serve", cmd_serve, "startar webbgränssnittet och API:t", "serves the web interface and the API" },
	{ "demo", cmd_demo, "skapar en demonstrationsdatabas och startar servern",
	  "creates a demonstration database and serves it" },
	{ "report", cmd_report, "årsrapporten för ett år", "the annual report of a year" },
	{ "letter", cmd_letter, "ett besluts brev som PDF", "a decision's letter as a PDF" },
	{ "outbox", cmd_outbox, "e-postaviseringarna i utkorgen: lista, försök igen",
	  "the e-mail notices in the outbox: list, retry" },
	{ "audit", cmd_audit, "kontrollerar granskningsloggens hashkedja", "checks the audit log's hash chain" },
	{ "backup", cmd_backup, "gör en konsekvent kopia medan servern kör",
	  "makes a consistent copy while the server runs" },
	{ "restore", cmd_restore, "återställer en säkerhetskopia till en ny databasfil och kontrollerar den",
	  "restores a backup into a new database file and verifies it" },
	{ "retention", cmd_retention, "raderar identitetsuppgifter efter gallringstiden (R12)",
	  "erases identity data after the retention period (R12)" },
	{ "user", cmd_user, "återställer en användares tvåstegsverifiering eller lösenord; listar användarna",
	  "resets a user's second factor or password; lists the users" },
	{ NULL, NULL, NULL, NULL },
};

int cli_english(void)
{
	const char *l = getenv("NSP_LANG");
	return l && strncmp(l, "en", 2) == 0;
}

void cli_error(const char *sv, const char *en)
{
	fprintf(stderr, "nsp: %s\n", cli_english() ? en : sv);
}

int cli_usage(FILE *to, const char *usage_sv, const char *usage_en)
{
	fputs(cli_english() ? usage_en : usage_sv, to);
	return 0;
}

struct db *cli_open_db(const char *path, const char *key_file, int readonly)
{
	char err[DB_ERR_MAX], keypath[4096];
	unsigned char master[DB_KEY_BYTES];
	struct db *db = NULL;

	if (!key_file) {
		int n = snprintf(keypath, sizeof keypath, "%s.key", path);
		if (n < 0 || (size_t)n >= sizeof keypath) {
			cli_error("sökvägen till databasen är för lång", "the database path is too long");
			return NULL;
		}
		key_file = keypath;
	}
	if (db_open(&db, path, DB_EXISTING | (readonly ? DB_READONLY : 0), err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return NULL;
	}
	if (db_key_file_read(key_file, master, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		db_close(db);
		return NULL;
	}
	int rc = db_set_keys(db, master);
	sodium_memzero(master, sizeof master);
	if (rc != 0) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		db_close(db);
		return NULL;
	}
	return db;
}
