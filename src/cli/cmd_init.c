/* nsp init: a new database, its key file and the first coordinator. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "store/store.h"
#include "util/password.h"

static const char usage_sv[] =
	"Användning: nsp init --db FIL --coordinator NAMN [--key-file FIL]\n"
	"Skapar databasen FIL, dess krypteringsnyckel (FIL.key, läsbar bara för ägaren)\n"
	"och den första samordnaren. Lösenordet läses från NSP_PASSWORD, annars från\n"
	"standard in (på en terminal två gånger, utan eko; minst 12 tecken och inte\n"
	"ett vanligt lösenord). Rör aldrig en befintlig databas.\n";
static const char usage_en[] =
	"Usage: nsp init --db FILE --coordinator NAME [--key-file FILE]\n"
	"Creates the database FILE, its encryption key (FILE.key, readable by the owner\n"
	"only) and the first coordinator. The password is read from NSP_PASSWORD, else\n"
	"from standard input (twice and without echo on a terminal; at least 12\n"
	"characters, not a common password). Never touches an existing database.\n";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "coordinator", required_argument, NULL, 'c' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *name = NULL, *key_file = NULL;
	char keypath[4096], err[DB_ERR_MAX], hash[PASSWORD_HASH_MAX];
	unsigned char master[DB_KEY_BYTES];
	struct db *db = NULL;
	int c, rc = 1, made_db = 0, made_key = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'c': name = optarg; break;
		case 'k': key_file = optarg; break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (!name || !*name) {
		cli_error("ange samordnarens användarnamn med --coordinator NAMN",
			  "name the coordinator with --coordinator NAME");
		return 2;
	}
	if (strlen(name) >= DB_USERNAME_MAX) {
		cli_error("användarnamnet är för långt (högst 63 byte)", "the username is too long (at most 63 bytes)");
		return 2;
	}
	if (!key_file) {
		int n = snprintf(keypath, sizeof keypath, "%s.key", path);
		if (n < 0 || (size_t)n >= sizeof keypath) {
			cli_error("sökvägen till databasen är för lång", "the database path is too long");
			return 2;
		}
		key_file = keypath;
	}
	struct stat st;
	if (stat(path, &st) == 0) {
		cli_error("databasen finns redan; nsp init rör aldrig en befintlig databas",
			  "the database exists already; nsp init never touches an existing database");
		return 1;
	}
	if (stat(key_file, &st) == 0) {
		cli_error("nyckelfilen finns redan; flytta den eller ange en annan med --key-file",
			  "the key file exists already; move it or name another with --key-file");
		return 1;
	}

	/* Nothing is made yet: a refused password leaves nothing behind. */
	int pw_rc = cli_new_password_hash("Lösenord för samordnaren: ", "Password for the coordinator: ", hash);
	if (pw_rc != 0)
		return pw_rc;

	if (db_open(&db, path, DB_CREATE, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		goto out;
	}
	made_db = 1;
	if (db_key_file_create(key_file, master, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		goto out;
	}
	made_key = 1;
	int64_t uid;
	if (db_set_keys(db, master) != 0 || db_key_check_store(db) != 0 ||
	    db_user_create(db, 0, name, hash, ROLE_COORDINATOR, 0, "sv", &uid) != 0) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		goto out;
	}
	printf(cli_english() ? "Created %s with coordinator %s; the key is in %s (keep a copy apart from backups).\n"
			     : "Skapade %s med samordnaren %s; nyckeln finns i %s (spara en kopia skild från säkerhetskopiorna).\n",
	       path, name, key_file);
	rc = 0;
out:
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(master, sizeof master);
	db_close(db);
	if (rc != 0) {
		/* Nothing existed before: leave nothing half-made behind. */
		if (made_db) {
			char side[4200];
			unlink(path);
			if (snprintf(side, sizeof side, "%s-wal", path) < (int)sizeof side)
				unlink(side);
			if (snprintf(side, sizeof side, "%s-shm", path) < (int)sizeof side)
				unlink(side);
		}
		if (made_key)
			unlink(key_file);
	}
	return rc;
}
