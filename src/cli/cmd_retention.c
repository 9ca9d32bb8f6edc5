/* nsp retention run: erases identity data after the retention period (R12). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "domain/rules.h"
#include "store/store.h"

static const char usage_sv[] =
	"Användning: nsp retention run [--db FIL] [--key-file FIL] [--days N]\n"
	"Raderar identitetsuppgifterna för personer som lämnade programmet för mer än\n"
	"N dygn sedan (standard 730, R12). Statistik, beslut och huvudbok finns kvar.\n";
static const char usage_en[] =
	"Usage: nsp retention run [--db FILE] [--key-file FILE] [--days N]\n"
	"Erases the identity data of persons who left the programme more than N days\n"
	"ago (default 730, R12). Statistics, decisions and the ledger remain.\n";

/*
 * The candidates come from a partial index (db_person_exits_with_identity):
 * reading every person held them all in memory, 136 MB for 1,000,000
 * (bench/, issue 7), and the server does this at every start. Erasures are
 * committed in batches: a transaction per person, each with its fsync and a
 * full checkpoint, managed 100 persons a second. A batch stays short, so that
 * the server's requests do not wait long for the write lock while its daily
 * run goes on.
 */
#define RETENTION_BATCH 100

/* Commits the open batch of *pending erasures and counts them in *erased. 0 or -1. */
static int retention_commit(struct db *db, int *pending, int64_t *erased)
{
	if (*pending == 0)
		return 0;
	if (db_commit(db) != DB_OK)
		return -1;
	*erased += *pending;
	*pending = 0;
	return 0;
}

int cli_retention_run(struct db *db, int days, int64_t *erased, struct progress *prog)
{
	struct db_exit *xs;
	size_t n;
	day_t today = day_today();
	int rc = 0, pending = 0;
	*erased = 0;
	/* Linkage keys of persons who have none yet (a database upgraded to
	 * schema 12), before an identity is erased: past counts hold (issue 19). */
	if (db_linkage_backfill(db, NULL) != DB_OK)
		return -1;
	if (db_person_exits_with_identity(db, &xs, &n) != DB_OK)
		return -1;
	if (prog)
		progress_begin(prog, "gallring (R12): personer som har lämnat programmet",
			       "retention (R12): persons who left the programme", (int64_t)n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (prog)
			progress_update(prog, (int64_t)i);
		if (!rule_r12_retention_due(xs[i].exit_on, today, days))
			continue;
		if (pending == 0 && db_begin(db) != DB_OK) {
			rc = -1;
			break;
		}
		rc = db_person_erase_identity(db, 0, xs[i].person_id, today) == DB_OK ? 0 : -1;
		if (rc == 0 && ++pending == RETENTION_BATCH)
			rc = retention_commit(db, &pending, erased);
	}
	if (rc == 0)
		rc = retention_commit(db, &pending, erased);
	if (rc != 0)
		db_rollback(db);   /* the batch in hand; earlier batches stay erased */
	if (prog) {
		progress_update(prog, (int64_t)n);
		progress_end(prog);
	}
	free(xs);
	/* The erased blobs must not survive in the WAL: checkpoint until no
	 * reader holds the old frames (a few seconds at most in practice). Every
	 * run checkpoints, so one that a reader kept from finishing is finished
	 * by the next run even when that one erases nothing. */
	for (int tries = 0; rc == 0; tries++) {
		bool complete;
		if (db_checkpoint(db, &complete) != DB_OK)
			return -1;
		if (complete || *erased == 0)
			break;
		if (tries == 60) {
			fprintf(stderr, cli_english() ? "nsp: retention (R12): a reader kept the WAL from being checkpointed; it is retried at the next run\n"
						      : "nsp: gallring (R12): en läsare hindrade kontrollpunkten i WAL; det görs om vid nästa körning\n");
			break;
		}
		sleep(1);
	}
	return rc;
}

int cmd_retention(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "days", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *key_file = NULL;
	long days = 730;
	int c;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_usage(stdout, usage_sv, usage_en);
	if (argc < 2 || (argv[1][0] != '-' && strcmp(argv[1], "run") != 0)) {
		cli_usage(stderr, usage_sv, usage_en);
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'd': path = optarg; break;
		case 'k': key_file = optarg; break;
		case 'n':
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || days < 0 || days > 100 * 366L) {
				cli_error("ogiltigt antal dygn", "invalid number of days");
				return 2;
			}
			break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (strcmp(argv[1], "run") != 0) {
		cli_usage(stderr, usage_sv, usage_en);
		return 2;
	}
	struct db *db = cli_open_db(path, key_file, 0);
	if (!db)
		return 1;
	int64_t erased;
	struct progress prog;
	int rc = cli_retention_run(db, (int)days, &erased, &prog);
	if (rc != 0)
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
	else
		printf(cli_english() ? "erased the identity data of %lld persons\n"
				     : "raderade identitetsuppgifterna för %lld personer\n",
		       (long long)erased);
	db_close(db);
	return rc == 0 ? 0 : 1;
}
