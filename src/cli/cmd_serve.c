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
#include "web/mailer.h"

static const char usage_sv[] =
	"Användning: nsp serve [--db FIL] [--listen ADRESS:PORT] [--key-file FIL]\n"
	"                 [--idle-timeout SEK] [--session-max SEK] [--threads N] [--per-ip N]\n"
	"                 [--retention-days N] [--trusted-proxy ADRESS[,ADRESS]]\n"
	"                 [--secure-cookies] [--no-request-log]\n"
	"                 [--tls-cert FIL --tls-key FIL [--redirect-listen ADRESS:PORT]]\n"
	"                 [--backup-dir MAPP [--backup-keep N]] [--config FIL]\n"
	"                 [--smtp URL --mail-from ADRESS [--smtp-ca FIL]] [--public-url URL]\n"
	"Startar webbgränssnittet och API:t (standard 127.0.0.1:8080) och stannar\n"
	"rent vid SIGINT/SIGTERM: pågående anrop får bli klara. Identitetsuppgifter\n"
	"raderas --retention-days dygn efter utträdet (R12, standard 730): gallringen\n"
	"körs när servern startar och sedan en gång per dygn.\n"
	"--threads: arbetstrådar (standard en per processor). --per-ip: samtidiga\n"
	"anslutningar per klientadress (standard 32; fler stängs; dessutom högst 64\n"
	"per /24- eller /64-nät); 0 = ingen gräns (inte heller per nät), för en server\n"
	"bakom en omvänd proxy, där alla klienter har proxyns adress. En begärans\n"
	"huvud måste vara framme inom 10 s och dess kropp inom 60 s till.\n"
	"--trusted-proxy: omvända proxyer vars X-Forwarded-For gäller: klientens\n"
	"adress är den högraste adressen i huvudet som inte är en betrodd proxy;\n"
	"från andra avsändare ignoreras huvudet. --secure-cookies: kakorna får\n"
	"Secure och svaren Strict-Transport-Security (TLS avslutas i proxyn).\n"
	"Varje anrop loggas som en rad på standard error (nsp-http TID ADRESS\n"
	"ANVÄNDARE METOD SÖKVÄG STATUS BYTE MIKROSEKUNDER); --no-request-log stänger av.\n"
	"--tls-cert/--tls-key: HTTPS (TLS 1.2 och 1.3) med certifikatkedjan och\n"
	"nyckeln i PEM-filer; kakorna får Secure. SIGHUP läser filerna på nytt\n"
	"(förnyade certifikat utan omstart). --redirect-listen: okrypterad HTTP på\n"
	"den adressen svarar bara med en omdirigering till HTTPS.\n"
	"--backup-dir: en kontrollerad säkerhetskopia (integrity_check och\n"
	"granskningsloggens hashkedja) när servern startar, varje dygn och vid SIGUSR1;\n"
	"de --backup-keep senaste sparas (standard 14).\n"
	"--config: flaggorna ur en fil med rader nyckel = värde (nyckeln är flaggans\n"
	"namn utan --, flaggor utan värde tar yes/no); kommandoraden går före filen.\n"
	"--smtp smtp://VÄRD:PORT (eller smtps://, användare:lösenord@ i adressen) och\n"
	"--mail-from: e-postaviseringarna skickas (STARTTLS när servern erbjuder det;\n"
	"--smtp-ca: CA-certifikat (PEM) som servern kontrolleras mot, annars systemets).\n"
	"Utan --smtp sparas de i utkorgen (sidan /outbox, nsp outbox list). --public-url:\n"
	"början på länkarna i aviseringarna (standard http://ADRESS:PORT).\n";
static const char usage_en[] =
	"Usage: nsp serve [--db FILE] [--listen ADDR:PORT] [--key-file FILE]\n"
	"                 [--idle-timeout SEC] [--session-max SEC] [--threads N] [--per-ip N]\n"
	"                 [--retention-days N] [--trusted-proxy ADDR[,ADDR]]\n"
	"                 [--secure-cookies] [--no-request-log]\n"
	"                 [--tls-cert FILE --tls-key FILE [--redirect-listen ADDR:PORT]]\n"
	"                 [--backup-dir DIR [--backup-keep N]] [--config FILE]\n"
	"                 [--smtp URL --mail-from ADDR [--smtp-ca FILE]] [--public-url URL]\n"
	"Serves the web interface and the API (default 127.0.0.1:8080) and stops\n"
	"cleanly on SIGINT/SIGTERM: requests in flight are finished. Identity data is\n"
	"erased --retention-days days after the exit (R12, default 730): the erasure\n"
	"runs when the server starts and then once a day.\n"
	"--threads: worker threads (default one per CPU). --per-ip: connections at\n"
	"once per client address (default 32; more are closed; besides, at most 64 per\n"
	"/24 or /64 network); 0 = no limit (nor per network), for a server behind a\n"
	"reverse proxy, where every client has the proxy's address. A request's head\n"
	"must be in within 10 s and its body within 60 s more.\n"
	"--trusted-proxy: reverse proxies whose X-Forwarded-For is believed: the\n"
	"client is the right-most address in it that is not a trusted proxy; from\n"
	"any other peer the header is ignored. --secure-cookies: cookies get Secure\n"
	"and responses Strict-Transport-Security (TLS ended at the proxy).\n"
	"Every request is logged as one line on standard error (nsp-http TIME ADDR\n"
	"USER METHOD PATH STATUS BYTES MICROSECONDS); --no-request-log turns it off.\n"
	"--tls-cert/--tls-key: HTTPS (TLS 1.2 and 1.3) with the certificate chain\n"
	"and key in PEM files; cookies get Secure. SIGHUP reads the files again\n"
	"(renewed certificates without a restart). --redirect-listen: plain HTTP\n"
	"on that address only answers with a redirect to HTTPS.\n"
	"--backup-dir: a verified backup (integrity_check and the audit chain) when\n"
	"the server starts, daily and on SIGUSR1; the newest --backup-keep are kept\n"
	"(default 14).\n"
	"--config: the options from a file of key = value lines (the key is the\n"
	"option's name without --, flags take yes/no); the command line wins.\n"
	"--smtp smtp://HOST:PORT (or smtps://, user:password@ in the URL) and --mail-from:\n"
	"the e-mail notices are sent (STARTTLS when the server offers it; --smtp-ca: CA\n"
	"certificates (PEM) to verify the server by, else the system's). Without --smtp\n"
	"they are kept in the outbox (the /outbox page, nsp outbox list). --public-url:\n"
	"the base of the links in notices (default http://ADDR:PORT).\n";

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
				   .redirect_listen = o->redirect_listen, .on_usr1 = o->on_usr1,
				   .on_usr1_arg = o->on_usr1_arg };
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

/* Every option of nsp serve; also the keys of its configuration file (without "--"). */
static const struct option serve_opts[] = {
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
	{ "backup-dir", required_argument, NULL, 'B' },
	{ "backup-keep", required_argument, NULL, 'N' },
	{ "config", required_argument, NULL, 'f' },
	{ "smtp", required_argument, NULL, 'M' },
	{ "mail-from", required_argument, NULL, 'F' },
	{ "public-url", required_argument, NULL, 'U' },
	{ "smtp-ca", required_argument, NULL, 'A' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What the options set before they are checked and copied into cli_serve_opts. */
struct serve_args {
	struct cli_serve_opts o;
	long idle, maxage, threads, retention, per_ip, backup_keep;
	char **kept;              /* the configuration file's values, which o points into */
	size_t nkept;
};

/* Frees the configuration file's values (after serving). */
static void serve_args_release(struct serve_args *a)
{
	for (size_t i = 0; i < a->nkept; i++)
		free(a->kept[i]);
	free(a->kept);
	a->kept = NULL;
	a->nkept = 0;
}

/* Applies one option (getopt's c and optarg). 0; 1 after --help; -1 for a bad number. */
static int serve_apply(struct serve_args *a, int c, char *arg)
{
	switch (c) {
	case 'd': a->o.db_path = arg; return 0;
	case 'l': a->o.listen = arg; return 0;
	case 'k': a->o.key_file = arg; return 0;
	case 'i': return parse_positive(arg, 7 * 86400L, &a->idle);
	case 'm': return parse_positive(arg, 30 * 86400L, &a->maxage);
	case 't': return parse_positive(arg, 256, &a->threads);
	case 'p': return parse_count(arg, 65535, &a->per_ip);
	case 'r': return parse_positive(arg, 100 * 366L, &a->retention);
	case 'P': a->o.trusted_proxies = arg; return 0;
	case 'S': a->o.secure_cookies = 1; return 0;
	case 'L': a->o.request_log = 0; return 0;
	case 'C': a->o.tls_cert = arg; return 0;
	case 'K': a->o.tls_key = arg; return 0;
	case 'R': a->o.redirect_listen = arg; return 0;
	case 'B': a->o.backup_dir = arg; return 0;
	case 'N': return parse_positive(arg, 100000, &a->backup_keep);
	case 'f': return 0; /* read before the command line (serve_config) */
	case 'M': a->o.smtp_url = arg; return 0;
	case 'F': a->o.mail_from = arg; return 0;
	case 'U': a->o.public_url = arg; return 0;
	case 'A': a->o.smtp_ca = arg; return 0;
	default: return -1;
	}
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/*
 * Reads the configuration file at path into a: "key = value" lines, where a
 * key is a long option of nsp serve without "--" ("config" and "help"
 * excepted); a flag takes yes/no (true/false, 1/0); '#' starts a comment
 * line. The values are kept in a->kept (a->o points into them; freed by
 * serve_args_release). Returns 0, or 2 after printing the file, line and reason.
 */
static int serve_config(struct serve_args *a, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int lineno = 0;

	if (!f) {
		fprintf(stderr, cli_english() ? "nsp: the configuration file %s cannot be read: %s\n"
					      : "nsp: konfigurationsfilen %s kan inte läsas: %s\n",
			path, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		const char *why_sv = NULL, *why_en = NULL;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		const struct option *opt = NULL;
		if (!eq) {
			why_sv = "raden ska vara nyckel = värde";
			why_en = "the line must be key = value";
			goto bad;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		for (const struct option *o = serve_opts; o->name; o++)
			if (strcmp(o->name, key) == 0 && o->val != 'f' && o->val != 'h')
				opt = o;
		if (!opt) {
			why_sv = "okänd nyckel (nycklarna är flaggorna till nsp serve utan --)";
			why_en = "unknown key (the keys are nsp serve's options without --)";
			goto bad;
		}
		if (opt->has_arg == no_argument) {
			if (!strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "1")) {
				serve_apply(a, opt->val, NULL);
			} else if (strcmp(value, "no") && strcmp(value, "false") && strcmp(value, "0")) {
				why_sv = "värdet ska vara yes eller no";
				why_en = "the value must be yes or no";
				goto bad;
			}
			continue;
		}
		char *kept = strdup(value);
		char **grown = kept ? realloc(a->kept, (a->nkept + 1) * sizeof *grown) : NULL;
		if (!grown) {
			free(kept);
			why_sv = "minnet räcker inte";
			why_en = "out of memory";
			goto bad;
		}
		a->kept = grown;
		a->kept[a->nkept++] = kept;
		if (!*value || serve_apply(a, opt->val, kept) != 0) {
			why_sv = "ogiltigt värde";
			why_en = "invalid value";
			goto bad;
		}
		continue;
bad:
		fprintf(stderr, "nsp: %s:%d: %s\n", path, lineno, cli_english() ? why_en : why_sv);
		fclose(f);
		return 2;
	}
	fclose(f);
	return 0;
}

/* nsp serve's options parsed into a; 0, or the exit status after printing why (-1: --help printed). */
static int serve_parse(struct serve_args *a_, int argc, char **argv)
{
	struct serve_args *a = a_;
	const char *config = NULL;
	int c;
	cli_serve_opts_init(&a->o);
	a->idle = a->o.idle_s;
	a->maxage = a->o.max_s;
	a->retention = a->o.retention_days;
	/* The configuration file first, wherever --config stands: the command line wins. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", serve_opts, NULL)) != -1)
		if (c == 'f')
			config = optarg;
	opterr = 1;
	if (config) {
		int rc = serve_config(a, config);
		if (rc != 0)
			return rc;
	}
	optind = 0; /* glibc: start over */
	while ((c = getopt_long(argc, argv, "h", serve_opts, NULL)) != -1) {
		if (c == 'h') {
			cli_usage(stdout, usage_sv, usage_en);
			return -1;
		}
		if (c == '?' || c == ':') {
			cli_usage(stderr, usage_sv, usage_en);
			return 2;
		}
		if (serve_apply(a, c, optarg) != 0) {
			cli_error("ogiltigt tal till en flagga; se nsp serve --help",
				  "invalid number for an option; see nsp serve --help");
			return 2;
		}
	}
	if (optind < argc) {
		cli_usage(stderr, usage_sv, usage_en);
		return 2;
	}
	const struct cli_serve_opts *o = &a->o;
	if (o->smtp_url && strncmp(o->smtp_url, "smtp://", 7) != 0 && strncmp(o->smtp_url, "smtps://", 8) != 0) {
		cli_error("--smtp är en adress smtp://VÄRD:PORT eller smtps://VÄRD:PORT",
			  "--smtp is an address smtp://HOST:PORT or smtps://HOST:PORT");
		return 2;
	}
	if (o->smtp_url && !o->mail_from) {
		cli_error("--smtp behöver --mail-from ADRESS", "--smtp needs --mail-from ADDR");
		return 2;
	}
	if (o->mail_from && (!strchr(o->mail_from, '@') || strpbrk(o->mail_from, " <>\r\n\t,;\""))) {
		cli_error("--mail-from är en e-postadress", "--mail-from is an e-mail address");
		return 2;
	}
	a->o.idle_s = a->idle;
	a->o.max_s = a->maxage;
	a->o.threads = (unsigned)a->threads;
	a->o.retention_days = (int)a->retention;
	a->o.per_ip = a->per_ip == 0 ? HTTP_PER_IP_UNLIMITED : (unsigned)a->per_ip;
	a->o.backup_keep = (int)a->backup_keep;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_args a = { .threads = 0, .per_ip = HTTP_DEFAULT_PER_IP, .backup_keep = 14 };
	int rc = serve_parse(&a, argc, argv);
	if (rc == 0)
		rc = cli_serve_db(&a.o, NULL);
	else if (rc < 0)
		rc = 0;
	serve_args_release(&a);
	return rc;
}

/* ---------------------------------------------------------------- daily jobs */

/* Seconds between two runs of a daily job (R12 retention, backups) while the server runs. */
#define DAILY_S (24 * 60 * 60)

/*
 * A job the server runs in a thread of its own with its own connection:
 * once at start, then every DAILY_S, and at once when poked (SIGUSR1 for
 * backups), until job_stop(). The connection is opened by job_start() in
 * the caller's thread and handed over, so that no master key has to be
 * kept for the thread.
 */
struct job {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;       /* on CLOCK_MONOTONIC */
	bool stop, poked;
	struct db *db;             /* used by the thread; closed by job_stop */
	void (*run)(struct job *j);
	int days;                  /* retention: R12's days */
	const char *dir;           /* backups: the folder */
	int keep;                  /* backups: how many to keep */
};

/* R12: reports erasures on standard output and failures on standard error. */
static void retention_once(struct job *j)
{
	int64_t erased = 0;
	if (cli_retention_run(j->db, j->days, &erased, NULL) != 0) {
		fprintf(stderr, cli_english() ? "nsp: retention (R12) failed: %s\n"
					      : "nsp: gallringen (R12) misslyckades: %s\n",
			db_errmsg(j->db));
	} else if (erased > 0) {
		printf(cli_english() ? "nsp: retention (R12): erased the identity data of %lld persons\n"
				     : "nsp: gallring (R12): raderade identitetsuppgifterna för %lld personer\n",
		       (long long)erased);
	}
	fflush(stdout);
}

/* A verified backup into j->dir, the newest j->keep kept; one line on stderr either way. */
static void backup_once(struct job *j)
{
	char written[4200], err[DB_ERR_MAX];
	if (cli_backup_to_dir(j->db, j->dir, j->keep, written, sizeof written, err, sizeof err) != 0)
		fprintf(stderr, cli_english() ? "nsp: BACKUP FAILED: %s\n" : "nsp: SÄKERHETSKOPIERINGEN MISSLYCKADES: %s\n",
			err);
	else
		fprintf(stderr, cli_english() ? "nsp: backup written and verified: %s\n"
					      : "nsp: säkerhetskopian är skriven och kontrollerad: %s\n",
			written);
}

static void *job_main(void *arg)
{
	struct job *j = arg;
	struct timespec at;

	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		j->poked = false;
		pthread_mutex_unlock(&j->lock);
		j->run(j);
		pthread_mutex_lock(&j->lock);
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += DAILY_S;
		/* Sleeps until the next run, a poke or job_stop(); spurious wake-ups loop. */
		while (!j->stop && !j->poked && pthread_cond_timedwait(&j->wake, &j->lock, &at) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/*
 * Opens the thread's connection to path with master (read-only when
 * readonly) and starts the thread. Returns 0, or -1 after printing why
 * (nothing to release then).
 */
static int job_start(struct job *j, const char *path, const unsigned char master[DB_KEY_BYTES], int readonly)
{
	char err[DB_ERR_MAX];
	pthread_condattr_t ca;
	sigset_t stop_signals, old;
	int rc;

	if (db_open(&j->db, path, DB_EXISTING | (readonly ? DB_READONLY : 0), err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return -1;
	}
	if (db_set_keys(j->db, master) != 0) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(j->db));
		goto fail_db;
	}
	if (pthread_condattr_init(&ca) != 0)
		goto fail_thread;
	rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(&j->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0)
		goto fail_thread;
	if (pthread_mutex_init(&j->lock, NULL) != 0)
		goto fail_cond;
	/* The thread blocks SIGINT, SIGTERM, SIGHUP and SIGUSR1 (inherited from
	 * here), so that they always reach the thread that waits for them. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigaddset(&stop_signals, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
	rc = pthread_create(&j->thread, NULL, job_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		goto fail_mutex;
	return 0;
fail_mutex:
	pthread_mutex_destroy(&j->lock);
fail_cond:
	pthread_cond_destroy(&j->wake);
fail_thread:
	cli_error("en bakgrundstråd kan inte startas", "a background thread cannot be started");
fail_db:
	db_close(j->db);
	j->db = NULL;
	return -1;
}

/* Runs the job again now (after the run in progress, if any). Called from the signal loop. */
static void job_poke(void *arg)
{
	struct job *j = arg;
	pthread_mutex_lock(&j->lock);
	j->poked = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
}

/* Wakes the thread, waits for it (a run in progress finishes first) and releases j. */
static void job_stop(struct job *j)
{
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	db_close(j->db);
	j->db = NULL;
}

int cli_serve_db(const struct cli_serve_opts *o, const char *banner)
{
	char keypath[4096], err[DB_ERR_MAX];
	static char public_url[512];
	const char *path = o->db_path, *key_file = o->key_file;
	struct app_config cfg = { .db_path = path, .idle_timeout_s = o->idle_s, .absolute_timeout_s = o->max_s,
				  .retention_days = o->retention_days, .secure_cookies = o->secure_cookies,
				  .smtp_url = o->smtp_url, .mail_from = o->mail_from, .public_url = o->public_url,
				  .smtp_ca = o->smtp_ca };
	if (!cfg.public_url) {
		snprintf(public_url, sizeof public_url, "%s://%s", o->tls_cert ? "https" : "http", o->listen);
		cfg.public_url = public_url;
	}
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
	struct job ret = { .run = retention_once, .days = o->retention_days };
	struct job bak = { .run = backup_once, .dir = o->backup_dir, .keep = o->backup_keep };
	int rc = job_start(&ret, path, cfg.master, 0);
	if (rc == 0 && o->backup_dir && (rc = job_start(&bak, path, cfg.master, 1)) != 0)
		job_stop(&ret);
	sodium_memzero(cfg.master, sizeof cfg.master);
	if (rc != 0) {
		app_free(app);
		return 1;
	}
	/* The outbox's sender: notices found by looking, and delivery when --smtp is given. */
	struct mailer *mailer = mailer_start(app, err, sizeof err);
	if (!mailer) {
		fprintf(stderr, "nsp: %s\n", err);
		if (o->backup_dir)
			job_stop(&bak);
		job_stop(&ret);
		app_free(app);
		return 1;
	}
	struct cli_serve_opts with_hooks = *o;
	if (o->backup_dir) {
		with_hooks.on_usr1 = job_poke;
		with_hooks.on_usr1_arg = &bak;
	}
	rc = cli_serve_app(app, &with_hooks, banner);
	mailer_stop(mailer);
	if (o->backup_dir)
		job_stop(&bak);
	job_stop(&ret);
	app_free(app);
	return rc;
}
