/* nsp outbox: the e-mail notices waiting or sent (issue 17). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage_sv[] =
	"Användning: nsp outbox list [--db FIL] [--pending]\n"
	"            nsp outbox retry [--db FIL]\n"
	"list: utkorgens aviseringar, nyaste först, en rad var med tabbar: id, slag,\n"
	"mottagare, skapad, skickad (eller \"väntar\"), försök, senaste fel, ämne.\n"
	"--pending: bara de som inte är skickade. retry: alla som väntar försöks igen\n"
	"nu (av en server som kör med --smtp).\n";
static const char usage_en[] =
	"Usage: nsp outbox list [--db FILE] [--pending]\n"
	"       nsp outbox retry [--db FILE]\n"
	"list: the outbox's notices, newest first, one tab-separated line each: id, kind,\n"
	"recipient, created, sent (or \"waiting\"), attempts, last error, subject.\n"
	"--pending: only those not sent. retry: every waiting notice is tried again now\n"
	"(by a server running with --smtp).\n";

static void when(int64_t t, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cmd_outbox(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "pending", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *key_file = NULL;
	bool pending = false;
	int c;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_usage(argc < 2 ? stderr : stdout, usage_sv, usage_en);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	bool list = strcmp(sub, "list") == 0, retry = strcmp(sub, "retry") == 0;
	if (!list && !retry) {
		cli_usage(stderr, usage_sv, usage_en);
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'K': key_file = optarg; break;
		case 'p': pending = true; break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	struct db *db = cli_open_db(path, key_file, list);
	if (!db)
		return 1;
	int rc = 0;
	if (retry) {
		int64_t n;
		if (db_outbox_retry(db, 0, (int64_t)time(NULL), &n) != DB_OK) {
			fprintf(stderr, "nsp: %s\n", db_errmsg(db));
			rc = 1;
		} else {
			printf(cli_english() ? "%lld notices will be tried again now\n"
					     : "%lld aviseringar försöks igen nu\n", (long long)n);
		}
	} else {
		struct db_outbox *m;
		size_t n;
		if (db_outbox_list(db, pending, 1000000, &m, &n) != DB_OK) {
			fprintf(stderr, "nsp: %s\n", db_errmsg(db));
			rc = 1;
		} else {
			for (size_t i = 0; i < n; i++) {
				char created[32], sent[32];
				when(m[i].created_at, created, sizeof created);
				if (m[i].sent_at)
					when(m[i].sent_at, sent, sizeof sent);
				else
					snprintf(sent, sizeof sent, "%s", cli_english() ? "waiting" : "väntar");
				printf("%lld\t%s\t%s\t%s\t%s\t%lld\t%s\t%s\n", (long long)m[i].id, m[i].kind, m[i].recipient,
				       created, sent, (long long)m[i].attempts, m[i].last_error ? m[i].last_error : "",
				       m[i].subject);
			}
			db_outbox_list_free(m, n);
		}
	}
	db_close(db);
	return rc;
}
