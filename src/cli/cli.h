/*
 * The nsp command line: one small main per subcommand over the same core.
 * Messages go to standard error as one sentence, in Swedish by default and
 * in English when NSP_LANG=en (or --lang en before the command).
 */
#ifndef NSP_CLI_H
#define NSP_CLI_H

#include <stdint.h>
#include <stdio.h>

struct db;

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary_sv;
	const char *summary_en;
};

extern const struct cli_command cli_commands[];

/* 1 when the user asked for English. */
int cli_english(void);
/* Prints "nsp: <message>" in the user's language and a newline to stderr. */
void cli_error(const char *sv, const char *en);
/* Prints `usage` (already in both languages as the command wants) and returns 0. */
int cli_usage(FILE *to, const char *usage_sv, const char *usage_en);

/*
 * Opens an existing database for a subcommand and loads its key file
 * (key_file, or DB.key when NULL). Prints one sentence and returns NULL on
 * failure. The caller closes the result with db_close().
 */
struct db *cli_open_db(const char *path, const char *key_file, int readonly);

/*
 * The hash of a new password, into hash (PASSWORD_HASH_MAX bytes), for nsp
 * init and nsp user set-password (src/cli/password_input.c): the password
 * from NSP_PASSWORD, else a line of standard input, which on a terminal is
 * read without echo after prompt_sv/prompt_en (in the user's language) and
 * asked for twice; then the rules of password_acceptable() and argon2id.
 * The password itself never leaves the function. 0; else the exit status
 * after printing one sentence: 2 when NSP_PASSWORD does not fit or standard
 * input ends first, 1 when the lines differ, echo cannot be turned off, or
 * the password is refused.
 */
int cli_new_password_hash(const char *prompt_sv, const char *prompt_en, char *hash);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_letter(int argc, char **argv);
int cmd_outbox(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_retention(int argc, char **argv);
int cmd_user(int argc, char **argv);

struct app;

/* What nsp serve (and nsp demo) serve with; cli_serve_opts_init() sets the defaults. */
struct cli_serve_opts {
	const char *db_path;
	const char *key_file;         /* NULL: DB.key */
	const char *listen;           /* ADDR:PORT */
	unsigned threads;             /* 0: one per CPU */
	unsigned per_ip;              /* as http_config.per_ip_limit (0: the default) */
	long idle_s, max_s;           /* session expiry */
	int retention_days;           /* R12 */
	const char *trusted_proxies;  /* "ADDR[,ADDR]" or NULL */
	int secure_cookies;           /* cookies Secure, HSTS sent (TLS ended at a proxy) */
	int request_log;              /* one line per request on stderr [1] */
	const char *tls_cert, *tls_key; /* HTTPS; NULL: plain HTTP */
	const char *redirect_listen;  /* with TLS: plain HTTP here only redirects */
	const char *backup_dir;       /* daily verified backups here (and on SIGUSR1); NULL: none */
	int backup_keep;              /* the newest N backups are kept [14] */
	void (*on_usr1)(void *arg);   /* set by cli_serve_db: SIGUSR1 */
	void *on_usr1_arg;
	/* e-mail notices (issue 17): NULL when not given */
	const char *smtp_url;         /* --smtp: without it the outbox is only kept */
	const char *mail_from;        /* --mail-from */
	const char *public_url;       /* --public-url: the base of the links in notices */
	const char *smtp_ca;          /* --smtp-ca: CA certificates to verify the mail server by */
};
void cli_serve_opts_init(struct cli_serve_opts *o);

/* Serves app until SIGINT/SIGTERM, printing the address (and banner). Returns the exit status. */
int cli_serve_app(struct app *app, const struct cli_serve_opts *o, const char *banner);
/* Opens the database of o with its key and serves it (serve and demo). */
int cli_serve_db(const struct cli_serve_opts *o, const char *banner);

/*
 * Checks the database copy at path: integrity_check, then the audit chain
 * under the keys of keys_from (the database it was copied from, or one
 * opened with its key file; NULL: no key at hand, integrity_check only).
 * 0, or -1 with one sentence in err.
 */
int cli_verify_copy(const char *path, const struct db *keys_from, char *err, size_t errsz);

/* Removes path-wal, path-shm and path-journal (what a read of a copy leaves beside it). */
void cli_remove_sidecars(const char *path);

/*
 * A consistent backup of db into dir (created 0700 if missing) named
 * nsp-YYYYMMDDTHHMMSS.mmmZ.db (UTC), verified by cli_verify_copy before it
 * takes that name (a copy that fails is deleted); then the oldest backups
 * beyond the newest keep are deleted (keep 0: none). 0 with the path in
 * written, or -1 with one sentence in err.
 */
int cli_backup_to_dir(struct db *db, const char *dir, int keep, char *written, size_t writtensz, char *err,
		      size_t errsz);

struct db;
struct progress;
/* R12 over every person: erases identity data whose exit is more than days ago.
 * prog: the command's progress (src/cli/progress.h), or NULL (in the server). */
int cli_retention_run(struct db *db, int days, int64_t *erased, struct progress *prog);

#define NSP_VERSION "0.1.0"

#endif
