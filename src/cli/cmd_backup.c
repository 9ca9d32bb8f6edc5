/* nsp backup: a consistent online copy through SQLite's backup API. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "store/store.h"

static const char usage_sv[] =
	"Användning: nsp backup [--db FIL] [--key-file FIL] --to FIL [--quiet]\n"
	"Gör en konsekvent kopia av databasen medan servern kör och kontrollerar\n"
	"kopian (integrity_check och, med nyckelfilen, granskningsloggens hashkedja);\n"
	"en kopia som inte klarar kontrollen tas bort. Kopian är krypterad på samma\n"
	"sätt som originalet: spara nyckelfilen separat.\n";
static const char usage_en[] =
	"Usage: nsp backup [--db FILE] [--key-file FILE] --to FILE [--quiet]\n"
	"Makes a consistent copy of the database while the server runs and verifies\n"
	"the copy (integrity_check and, with the key file, the audit chain); a copy\n"
	"that fails is removed. The copy is encrypted like the original: keep the\n"
	"key file apart from it.\n";

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *to = NULL, *key_file = NULL;
	char keypath[4200];
	unsigned char master[DB_KEY_BYTES];
	char err[DB_ERR_MAX];
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 't': to = optarg; break;
		case 'k': key_file = optarg; break;
		case 'q': progress_quiet(1); break;
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
	/* Verified like the server's backups; the audit chain when the key is at hand
	 * (--key-file, else DB.key). A named key that is not this database's is an error. */
	int named = key_file != NULL, keyed = 0;
	if (!key_file && snprintf(keypath, sizeof keypath, "%s.key", path) < (int)sizeof keypath)
		key_file = keypath;
	if (key_file && db_key_file_read(key_file, master, err, sizeof err) == 0) {
		keyed = db_set_keys(db, master) == DB_OK && db_audit_check_key(db) == DB_OK;
		if (!keyed) {
			fprintf(stderr, "nsp: %s\n", db_errmsg(db));
			sodium_memzero(master, sizeof master);
			db_close(db);
			return 1;
		}
	} else if (named) {
		fprintf(stderr, "nsp: %s\n", err);
		db_close(db);
		return 1;
	}
	sodium_memzero(master, sizeof master);
	int rc = db_backup(db, to, err, sizeof err);
	if (rc != 0) {
		db_close(db);
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	if (!keyed)
		progress_step("nyckelfilen saknas: granskningsloggens hashkedja kontrolleras inte",
			      "no key file: the audit chain is not checked");
	rc = cli_verify_copy(to, keyed ? db : NULL, err, sizeof err);
	db_close(db);
	cli_remove_sidecars(to);
	if (rc != 0) {
		unlink(to);
		fprintf(stderr, cli_english() ? "nsp: the copy failed its checks and was removed: %s\n"
					      : "nsp: kopian klarade inte kontrollen och togs bort: %s\n",
			err);
		return 1;
	}
	printf(cli_english() ? "backup written to %s\n" : "säkerhetskopian är skriven till %s\n", to);
	return 0;
}
