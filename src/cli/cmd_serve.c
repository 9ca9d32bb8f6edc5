/* nsp serve: the web interface and the API until SIGINT/SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli/cli.h"
#include "store/store.h"
#include "web/app.h"

static const char usage_sv[] =
	"Användning: nsp serve [--db FIL] [--listen ADRESS:PORT] [--key-file FIL]\n"
	"                 [--idle-timeout SEK] [--session-max SEK] [--threads N] [--per-ip N]\n"
	"                 [--retention-days N] [--trusted-proxy ADRESS[,ADRESS]]\n"
	"                 [--secure-cookies] [--no-request-log]\n"
	"                 [--tls-cert FIL --tls-key FIL [--redirect-listen ADRESS:PORT]]\n"
	"Startar webbgränssnittet och API:t (standard 127.0.0.1:8080) och stannar\n"
	"rent vid SIGINT/SIGTERM: pågående anrop får bli klara. Identitetsuppgifter\n"
	"raderas --retention-days dygn efter utträdet (R12, standard 730): gallringen\n"
	"körs när servern startar och sedan en gång per dygn.\n"
	"--threads: arbetstrådar (standard en per processor). --per-ip: samtidiga\n"
	"anslutningar per klientadress (standard 32; fler stängs); 0 = ingen gräns,\n"
	"för en server bakom en omvänd proxy, där alla klienter har proxyns adress.\n"
	"--trusted-proxy: omvända proxyer vars X-Forwarded-For gäller: klientens\n"
	"adress är den högraste adressen i huvudet som inte är en betrodd proxy;\n"
	"från andra avsändare ignoreras huvudet. --secure-cookies: kakorna får\n"
	"Secure och svaren Strict-Transport-Security (TLS avslutas i proxyn).\n"
	"Varje anrop loggas som en rad på standard error (nsp-http TID ADRESS\n"
	"ANVÄNDARE METOD SÖKVÄG STATUS BYTE MIKROSEKUNDER); --no-request-log stänger av.\n"
	"--tls-cert/--tls-key: HTTPS (TLS 1.2 och 1.3) med certifikatkedjan och\n"
	"nyckeln i PEM-filer; kakorna får Secure. SIGHUP läser filerna på nytt\n"
	"(förnyade certifikat utan omstart). --redirect-listen: okrypterad HTTP på\n"
	"den adressen svarar bara med en omdirigering till HTTPS.\n";
static const char usage_en[] =
	"Usage: nsp serve [--db FILE] [--listen ADDR:PORT] [--key-file FILE]\n"
	"                 [--idle-timeout SEC] [--session-max SEC] [--threads N] [--per-ip N]\n"
	"                 [--retention-days N] [--trusted-proxy ADDR[,ADDR]]\n"
	"                 [--secure-cookies] [--no-request-log]\n"
	"                 [--tls-cert FILE --tls-key FILE [--redirect-listen ADDR:PORT]]\n"
	"Serves the web interface and the API (default 127.0.0.1:8080) and stops\n"
	"cleanly on SIGINT/SIGTERM: requests in flight are finished. Identity data is\n"
	"erased --retention-days days after the exit (R12, default 730): the erasure\n"
	"runs when the server starts and then once a day.\n"
	"--threads: worker threads (default one per CPU). --per-ip: connections at\n"
	"once per client address (default 32; more are closed); 0 = no limit, for a\n"
	"server behind a reverse proxy, where every client has the proxy's address.\n"
	"--trusted-proxy: reverse proxies whose X-Forwarded-For is believed: the\n"
	"client is the right-most address in it that is not a trusted proxy; from\n"
	"any other peer the header is ignored. --secure-cookies: cookies get Secure\n"
	"and responses Strict-Transport-Security (TLS ended at the proxy).\n"
	"Every request is logged as one line on standard error (nsp-http TIME ADDR\n"
	"USER METHOD PATH STATUS BYTES MICROSECONDS); --no-request-log turns it off.\n"
	"--tls-cert/--tls-key: HTTPS (TLS 1.2 and 1.3) with the certificate chain\n"
	"and key in PEM files; cookies get Secure. SIGHUP reads the files again\n"
	"(renewed certificates without a restart). --redirect-listen: plain HTTP\n"
	"on that address only answers with a redirect to HTTPS.\n";

static int parse_positive(const char *s, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* As parse_positive, but "0" is allowed too. */
static int parse_count(const char *s, long max, long *out)
{
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	return parse_positive(s, max, out);
}

void cli_serve_opts_init(struct cli_serve_opts *o)
{
	memset(o, 0, sizeof *o);
	o->db_path = "nsp.db";
	o->listen = "127.0.0.1:8080";
	o->per_ip = HTTP_DEFAULT_PER_IP;
	o->idle_s = 15 * 60;
	o->max_s = 12 * 60 * 60;
	o->retention_days = 730;
	o->request_log = 1;
}

/* Serves an opened app until a signal; shared by serve and demo. Returns the exit status. */
int cli_serve_app(struct app *app, const struct cli_serve_opts *o, const char *banner)
{
	struct http_config cfg = { .listen = o->listen, .threads = o->threads, .per_ip_limit = o->per_ip,
				   .trusted_proxies = o->trusted_proxies, .secure_cookies = o->secure_cookies,
				   .request_log = o->request_log, .tls_cert = o->tls_cert, .tls_key = o->tls_key,
				   .redirect_listen = o->redirect_listen };
	char err[256];
	sigset_t stop_signals;
	app_http_config(app, &cfg);
	/* Block SIGINT/SIGTERM before the worker threads start (they inherit the
	 * mask, so the main thread gets them) and until the server waits for
	 * them: a signal right after the "listening" line then stops cleanly. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigaddset(&stop_signals, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	struct http_server *srv = http_server_start(&cfg, err, sizeof err);
	if (!srv) {
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	/* The host part as given, the port as bound (the caller may ask for port 0). */
	const char *listen = o->listen;
	const char *colon = strrchr(listen, ':');
	int hostlen = colon ? (int)(colon - listen) : (int)strlen(listen);
	const char *scheme = http_server_tls(srv) ? "https" : "http";
	printf(cli_english() ? "nsp: listening on %s://%.*s:%u/\n" : "nsp: lyssnar på %s://%.*s:%u/\n", scheme,
	       hostlen, listen, (unsigned)http_server_port(srv));
	if (http_server_redirect_port(srv))
		printf(cli_english() ? "nsp: redirecting plain HTTP on port %u to HTTPS\n"
				     : "nsp: vidarebefordrar okrypterad HTTP på port %u till HTTPS\n",
		       (unsigned)http_server_redirect_port(srv));
	if (banner)
		fputs(banner, stdout);
	fflush(stdout);
	int rc = http_server_run_until_signal(srv);
	http_server_stop(srv);
	fputs(cli_english() ? "nsp: stopped\n" : "nsp: stoppad\n", stdout);
	return rc == 0 ? 0 : 1;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "session-max", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "per-ip", required_argument, NULL, 'p' },
		{ "retention-days", required_argument, NULL, 'r' },
		{ "trusted-proxy", required_argument, NULL, 'P' },
		{ "secure-cookies", no_argument, NULL, 'S' },
		{ "no-request-log", no_argument, NULL, 'L' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "redirect-listen", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_serve_opts o;
	long idle, maxage, threads = 0, retention, per_ip = HTTP_DEFAULT_PER_IP;
	int c;
	cli_serve_opts_init(&o);
	idle = o.idle_s;
	maxage = o.max_s;
	retention = o.retention_days;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 'd': o.db_path = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'k': o.key_file = optarg; break;
		case 'i': bad = parse_positive(optarg, 7 * 86400L, &idle); break;
		case 'm': bad = parse_positive(optarg, 30 * 86400L, &maxage); break;
		case 't': bad = parse_positive(optarg, 256, &threads); break;
		case 'p': bad = parse_count(optarg, 65535, &per_ip); break;
		case 'r': bad = parse_positive(optarg, 100 * 366L, &retention); break;
		case 'P': o.trusted_proxies = optarg; break;
		case 'S': o.secure_cookies = 1; break;
		case 'L': o.request_log = 0; break;
		case 'C': o.tls_cert = optarg; break;
		case 'K': o.tls_key = optarg; break;
		case 'R': o.redirect_listen = optarg; break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
		if (bad) {
			cli_error("ogiltigt tal till en flagga; se nsp serve --help",
				  "invalid number for an option; see nsp serve --help");
			return 2;
		}
	}
	o.idle_s = idle;
	o.max_s = maxage;
	o.threads = (unsigned)threads;
	o.retention_days = (int)retention;
	o.per_ip = per_ip == 0 ? HTTP_PER_IP_UNLIMITED : (unsigned)per_ip;
	return cli_serve_db(&o, NULL);
}

/* ---------------------------------------------------------------- R12 retention, daily */

/* Seconds between two retention runs while the server runs. */
#define RETENTION_INTERVAL_S (24 * 60 * 60)

/*
 * The daily retention run (R12) inside the server: a thread of its own with
 * its own connection, which runs once at start and then every
 * RETENTION_INTERVAL_S until retention_stop(). The connection is opened by
 * retention_start() in the caller's thread and handed over, so that no
 * master key has to be kept for the thread.
 */
struct retention {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;       /* on CLOCK_MONOTONIC */
	bool stop;
	struct db *db;             /* owned by the thread, closed by it */
	int days;
};

/* One run; reports erasures on standard output and failures on standard error. */
static void retention_once(struct retention *r)
{
	int64_t erased = 0;
	if (cli_retention_run(r->db, r->days, &erased) != 0) {
		fprintf(stderr, cli_english() ? "nsp: retention (R12) failed: %s\n"
					      : "nsp: gallringen (R12) misslyckades: %s\n",
			db_errmsg(r->db));
	} else if (erased > 0) {
		printf(cli_english() ? "nsp: retention (R12): erased the identity data of %lld persons\n"
				     : "nsp: gallring (R12): raderade identitetsuppgifterna för %lld personer\n",
		       (long long)erased);
	}
	fflush(stdout);
}

static void *retention_main(void *arg)
{
	struct retention *r = arg;
	struct timespec at;

	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		pthread_mutex_unlock(&r->lock);
		retention_once(r);
		pthread_mutex_lock(&r->lock);
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += RETENTION_INTERVAL_S;
		/* Sleeps until the next run or retention_stop(); spurious wake-ups loop. */
		while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &at) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&r->lock);
	db_close(r->db);
	r->db = NULL;
	return NULL;
}

/*
 * Opens the thread's connection to path with master and starts the thread.
 * Returns 0, or -1 after printing why (nothing to release then).
 */
static int retention_start(struct retention *r, const char *path, const unsigned char master[DB_KEY_BYTES],
			   int days)
{
	char err[DB_ERR_MAX];
	pthread_condattr_t ca;
	sigset_t stop_signals, old;
	int rc;

	memset(r, 0, sizeof *r);
	r->days = days;
	if (db_open(&r->db, path, DB_EXISTING, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return -1;
	}
	if (db_set_keys(r->db, master) != 0) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(r->db));
		goto fail_db;
	}
	if (pthread_condattr_init(&ca) != 0)
		goto fail_thread;
	rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(&r->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0)
		goto fail_thread;
	if (pthread_mutex_init(&r->lock, NULL) != 0)
		goto fail_cond;
	/* The thread blocks SIGINT, SIGTERM, SIGHUP and SIGUSR1 (inherited from
	 * here), so that they always reach the thread that waits for them. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigaddset(&stop_signals, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
	rc = pthread_create(&r->thread, NULL, retention_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		goto fail_mutex;
	return 0;
fail_mutex:
	pthread_mutex_destroy(&r->lock);
fail_cond:
	pthread_cond_destroy(&r->wake);
fail_thread:
	cli_error("gallringstråden (R12) kan inte startas", "the retention thread (R12) cannot be started");
fail_db:
	db_close(r->db);
	r->db = NULL;
	return -1;
}

/* Wakes the thread, waits for it (a run in progress finishes first) and releases r. */
static void retention_stop(struct retention *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
}

int cli_serve_db(const struct cli_serve_opts *o, const char *banner)
{
	char keypath[4096], err[DB_ERR_MAX];
	const char *path = o->db_path, *key_file = o->key_file;
	struct app_config cfg = { .db_path = path, .idle_timeout_s = o->idle_s, .absolute_timeout_s = o->max_s,
				  .retention_days = o->retention_days, .secure_cookies = o->secure_cookies };
	if (!key_file) {
		int n = snprintf(keypath, sizeof keypath, "%s.key", path);
		if (n < 0 || (size_t)n >= sizeof keypath) {
			cli_error("sökvägen till databasen är för lång", "the database path is too long");
			return 2;
		}
		key_file = keypath;
	}
	/* Check the file first, so that a missing database is one clear sentence. */
	struct db *db = cli_open_db(path, key_file, 0);
	if (!db)
		return 1;
	/* A wrong key would seal identities no one can open and break the audit chain. */
	if (db_audit_check_key(db) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		db_close(db);
		return 1;
	}
	db_close(db);
	if (db_key_file_read(key_file, cfg.master, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	struct app *app = app_create(&cfg, err, sizeof err);
	if (!app) {
		sodium_memzero(cfg.master, sizeof cfg.master);
		fprintf(stderr, "nsp: %s\n", err);
		return 1;
	}
	/* R12 is the law of the programme: no serving without the daily erasure. */
	struct retention ret;
	int rc = retention_start(&ret, path, cfg.master, o->retention_days);
	sodium_memzero(cfg.master, sizeof cfg.master);
	if (rc != 0) {
		app_free(app);
		return 1;
	}
	rc = cli_serve_app(app, o, banner);
	retention_stop(&ret);
	app_free(app);
	return rc;
}
