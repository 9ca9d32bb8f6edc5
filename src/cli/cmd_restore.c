/* nsp restore: a backup into a new database file, verified before it is used. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "store/store.h"

static const char usage_sv[] =
	"Användning: nsp restore --from SÄKERHETSKOPIA --db NY_FIL [--key-file FIL] [--quiet]\n"
	"Återställer en säkerhetskopia (nsp backup, nsp serve --backup-dir) till en ny\n"
	"databasfil, som inte får finnas, och kontrollerar den: integrity_check och\n"
	"granskningsloggens hashkedja under originalets nyckel. En kopia som inte klarar\n"
	"kontrollen tas bort. Nyckeln: --key-file, annars NY_FIL.key eller\n"
	"SÄKERHETSKOPIA.key; den läggs som NY_FIL.key om den filen saknas, så att\n"
	"nsp serve --db NY_FIL kan starta direkt.\n";
static const char usage_en[] =
	"Usage: nsp restore --from BACKUP --db NEW_FILE [--key-file FILE] [--quiet]\n"
	"Restores a backup (nsp backup, nsp serve --backup-dir) into a new database\n"
	"file, which must not exist, and verifies it: integrity_check and the audit\n"
	"log's hash chain under the original's key. A copy that fails is removed. The\n"
	"key: --key-file, else NEW_FILE.key or BACKUP.key; it is written as\n"
	"NEW_FILE.key when that file is missing, so that nsp serve --db NEW_FILE can\n"
	"start at once.\n";

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void remove_db(const char *path)
{
	unlink(path);
	cli_remove_sidecars(path);
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *key_file = NULL;
	char err[DB_ERR_MAX], to_key[4200], from_key[4200];
	unsigned char master[DB_KEY_BYTES];
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'd': to = optarg; break;
		case 'k': key_file = optarg; break;
		case 'q': progress_quiet(1); break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (!from || !to || optind < argc) {
		cli_error("ange både --from SÄKERHETSKOPIA och --db NY_FIL", "name both --from BACKUP and --db NEW_FILE");
		return 2;
	}
	if (snprintf(to_key, sizeof to_key, "%s.key", to) >= (int)sizeof to_key ||
	    snprintf(from_key, sizeof from_key, "%s.key", from) >= (int)sizeof from_key) {
		cli_error("sökvägen är för lång", "the path is too long");
		return 2;
	}
	if (exists(to)) {
		cli_error("databasfilen finns redan; nsp restore skriver bara till en ny fil",
			  "the database file exists; nsp restore only writes a new file");
		return 1;
	}
	if (!key_file)
		key_file = exists(to_key) ? to_key : exists(from_key) ? from_key : NULL;
	if (!key_file) {
		cli_error("ange originalets nyckelfil med --key-file FIL", "name the original's key file with --key-file FILE");
		return 2;
	}
	if (db_key_file_read(key_file, master, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	struct db *src = NULL;
	int rc = 1;
	progress_step("öppnar säkerhetskopian", "opening the backup");
	if (db_open(&src, from, DB_EXISTING | DB_READONLY, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		goto out;
	}
	/* The right key first: a wrong one would make every check below fail for the wrong reason. */
	if (db_set_keys(src, master) != DB_OK || db_audit_check_key(src) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(src));
		goto out;
	}
	progress_step("kopierar till den nya databasfilen", "copying into the new database file");
	if (db_backup(src, to, err, sizeof err) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", err);
		goto out;
	}
	if (cli_verify_copy(to, src, err, sizeof err) != 0) {
		fprintf(stderr, cli_english() ? "nsp: the restored copy failed its checks and was removed: %s\n"
					      : "nsp: den återställda kopian klarade inte kontrollen och togs bort: %s\n",
			err);
		remove_db(to);
		goto out;
	}
	/* The checks read the copy only: what they left beside it is empty. */
	cli_remove_sidecars(to);
	if (!exists(to_key) && db_key_file_write(to_key, master, err, sizeof err) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", err);
		goto out;
	}
	printf(cli_english() ? "restored %s into %s and verified it (integrity_check, audit chain)\n"
			     : "återställde %s till %s och kontrollerade den (integrity_check, granskningsloggen)\n",
	       from, to);
	rc = 0;
out:
	db_close(src);
	sodium_memzero(master, sizeof master);
	return rc;
}
