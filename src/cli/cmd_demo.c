/* nsp demo: a database of fictional demonstration data, created when missing, then served. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "demo/demo.h"
#include "store/store.h"
#include "util/totp.h"

static const char usage_sv[] =
	"Användning: nsp demo [--db FIL] [--listen ADRESS:PORT]\n"
	"Skapar (om den saknas) en databas med påhittade demonstrationsdata – organisationer i\n"
	"fyra polisregioner, omkring 200 personer med ansökningar, beslut och utbetalningar under\n"
	"i år och i fjol – och startar servern (standard demo.db och 127.0.0.1:8080). Finns\n"
	"databasen redan startas den som den är. Inloggningarna skrivs ut.\n";
static const char usage_en[] =
	"Usage: nsp demo [--db FILE] [--listen ADDR:PORT]\n"
	"Creates (if missing) a database of fictional demonstration data – organisations in four\n"
	"police regions, about 200 persons with applications, decisions and payments over this\n"
	"year and the last – and serves it (default demo.db and 127.0.0.1:8080). An existing\n"
	"database is served as it is. The logins are printed.\n";

/* demo_fill's progress: the shared bar (src/cli/progress.c), begun at the first call. */
static void progress(void *ctx, int done, int total)
{
	struct progress *p = ctx;
	if (!p->what)
		progress_begin(p, "skapar demonstrationsdata (personer)", "creating demonstration data (persons)", total);
	p->total = total;
	progress_update(p, done);
}

/* Removes a half-made database and its key, so that the next run starts afresh. */
static void remove_files(const char *path, const char *key_file)
{
	char side[4200];
	unlink(path);
	if (snprintf(side, sizeof side, "%s-wal", path) < (int)sizeof side)
		unlink(side);
	if (snprintf(side, sizeof side, "%s-shm", path) < (int)sizeof side)
		unlink(side);
	unlink(key_file);
}

/* Creates path and key_file and fills them. Returns 0, or 1 after one sentence on stderr (nothing left behind). */
static int create(const char *path, const char *key_file)
{
	char err[DB_ERR_MAX];
	unsigned char master[DB_KEY_BYTES];
	struct db *db = NULL;
	struct stat st;
	int rc = 1;
	struct progress prog = { .what = NULL };

	if (stat(key_file, &st) == 0) {
		cli_error("nyckelfilen finns redan men inte databasen; flytta nyckelfilen eller välj en annan --db",
			  "the key file exists but the database does not; move the key file or choose another --db");
		return 1;
	}
	if (db_open(&db, path, DB_CREATE, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	if (db_key_file_create(key_file, master, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		db_close(db);
		unlink(path);
		return 1;
	}
	if (db_set_keys(db, master) != 0) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		goto out;
	}
	struct demo_options o = { .persons = 200, .seed = DEMO_SEED, .today = DAY_NONE };
	struct demo_counts n;
	char why[1024];
	int filled = demo_fill(db, &o, progress, &prog, &n, why, sizeof why);
	if (prog.what)
		progress_end(&prog);
	if (filled != 0) {
		fprintf(stderr, cli_english() ? "nsp: the demonstration data could not be created: %s\n"
					      : "nsp: demonstrationsdata kunde inte skapas: %s\n",
			why);
		goto out;
	}
	printf(cli_english() ? "Created %s: %lld persons (%lld children), %lld applications (%lld waiting), "
			       "%lld decisions, %lld payments; the key is in %s.\n"
			     : "Skapade %s: %lld personer (%lld barn), %lld ansökningar (%lld väntar på beslut), "
			       "%lld beslut, %lld utbetalningar; nyckeln finns i %s.\n",
	       path, (long long)n.persons, (long long)n.children, (long long)n.applications, (long long)n.submitted,
	       (long long)n.decisions, (long long)n.payments, key_file);
	rc = 0;
out:
	sodium_memzero(master, sizeof master);
	db_close(db);
	if (rc != 0)
		remove_files(path, key_file);
	return rc;
}

/* Appends s and spaces up to width characters (UTF-8 aware: "handläggare" is 11 wide, not 12). Returns 0 or -1. */
static int pad(char *buf, size_t size, size_t *len, const char *s, int width)
{
	int chars = 0;
	for (const char *c = s; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	int n = snprintf(buf + *len, size - *len, "%s%*s", s, width > chars ? width - chars : 0, "");
	if (n < 0 || (size_t)n >= size - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

/* The banner under the address: one login per role, in the user's language. Returns a static buffer. */
static const char *banner(void)
{
	static char buf[3072];
	int en = cli_english();
	size_t len = 0;
	if (pad(buf, sizeof buf, &len,
		en ? "Demo logins (fictional data; never use these passwords for real data):\n"
		   : "Demoinloggningar (påhittade uppgifter; använd aldrig dessa lösenord för riktiga data):\n",
		0) != 0)
		return NULL;
	for (int i = 0; i < demo_n_logins; i++) {
		const struct demo_login *l = &demo_logins[i];
		const char *role = strcmp(l->role, "coordinator") == 0 ? (en ? "coordinator" : "samordnare")
				   : strcmp(l->role, "funder") == 0    ? (en ? "funder" : "finansiär")
								       : (en ? "caseworker" : "handläggare");
		if (pad(buf, sizeof buf, &len, "  ", 0) != 0 || pad(buf, sizeof buf, &len, role, 14) != 0 ||
		    pad(buf, sizeof buf, &len, l->username, 24) != 0 ||
		    pad(buf, sizeof buf, &len, l->password, l->organisation ? 20 : 0) != 0 ||
		    pad(buf, sizeof buf, &len, l->organisation ? l->organisation : "", 0) != 0 ||
		    pad(buf, sizeof buf, &len, "\n", 0) != 0)
			return NULL;
	}
	/* The second factor: every demo coordinator and caseworker has the same demo key. */
	char b32[TOTP_BASE32_MAX];
	if (totp_base32(demo_totp_secret, sizeof demo_totp_secret, b32) != 0 ||
	    pad(buf, sizeof buf, &len,
		en ? "Second factor (coordinator and caseworkers): add this key to an authenticator app\n"
		     "(time-based, 6 digits, 30 s) and type its code after the password:\n  "
		   : "Tvåstegsverifiering (samordnare och handläggare): lägg in den här nyckeln i en\n"
		     "autentiseringsapp (tidsbaserad, 6 siffror, 30 s) och skriv dess kod efter lösenordet:\n  ",
		0) != 0 ||
	    pad(buf, sizeof buf, &len, b32, 0) != 0 ||
	    pad(buf, sizeof buf, &len, en ? "\n  or, in a shell: oathtool --totp -b " : "\n  eller i ett skal: oathtool --totp -b ",
		0) != 0 ||
	    pad(buf, sizeof buf, &len, b32, 0) != 0 || pad(buf, sizeof buf, &len, "\n", 0) != 0)
		return NULL;
	/* E-mail notices: the demo runs without a mail server; what would be sent is kept. */
	if (pad(buf, sizeof buf, &len,
		en ? "E-mail notices: no mail server in the demo; the outbox is on the page /outbox\n"
		     "(as the coordinator) and in `nsp outbox list --db FILE`.\n"
		   : "E-postaviseringar: demon har ingen e-postserver; utkorgen finns på sidan /outbox\n"
		     "(som samordnare) och i `nsp outbox list --db FIL`.\n",
		0) != 0)
		return NULL;
	return buf;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "demo.db", *listen = "127.0.0.1:8080";
	char key_file[4096];
	struct stat st;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'l': listen = optarg; break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (optind < argc) {
		cli_usage(stderr, usage_sv, usage_en);
		return 2;
	}
	int n = snprintf(key_file, sizeof key_file, "%s.key", path);
	if (n < 0 || (size_t)n >= sizeof key_file) {
		cli_error("sökvägen till databasen är för lång", "the database path is too long");
		return 2;
	}
	if (stat(path, &st) != 0 && create(path, key_file) != 0)
		return 1;
	fflush(stdout);
	struct cli_serve_opts o;
	cli_serve_opts_init(&o);
	o.db_path = path;
	o.key_file = key_file;
	o.listen = listen;
	return cli_serve_db(&o, banner());
}
