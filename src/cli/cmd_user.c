/*
 * nsp user reset-totp | set-password | list: user administration by the
 * operator of the server machine.
 *
 * The way back in for a sole coordinator who lost both the phone and the
 * recovery codes: in the API only another coordinator may reset a second
 * factor (POST /api/v1/users/{id}/totp/reset). Whoever can read the
 * database and its key file is trusted with everything already, so these
 * commands ask for nothing more. They use the store functions the API uses
 * (db_totp_reset_user, db_user_set_password_hash, db_session_delete_user),
 * each of which writes its own audit entry; the actor is 0, the system, as
 * for the other changes made from the command line (nsp init, nsp retention).
 *
 * They run beside a serving `nsp serve` on the same database: every change
 * is one BEGIN IMMEDIATE transaction, which waits for the server's writes
 * (WAL, the busy timeout of db.c), and the server reads sessions and second
 * factors from the database at every request, so a change holds at once.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "store/store.h"
#include "util/password.h"

static const char usage_sv[] =
	"Användning: nsp user reset-totp [--db FIL] [--key-file FIL] ANVÄNDARNAMN\n"
	"            nsp user set-password [--db FIL] [--key-file FIL] ANVÄNDARNAMN\n"
	"            nsp user list [--db FIL] [--key-file FIL]\n"
	"Användaradministration på servern för den som kan läsa databasen och dess\n"
	"nyckelfil, till exempel när den enda samordnaren har tappat både telefonen och\n"
	"reservkoderna. Fungerar medan nsp serve kör; varje ändring skrivs i\n"
	"granskningsloggen.\n"
	"  reset-totp    tar bort användarens tvåstegsverifiering och reservkoder och\n"
	"                avslutar användarens sessioner; en ny ställs in vid nästa inloggning\n"
	"  set-password  nytt lösenord från NSP_PASSWORD, annars standard in (minst 12\n"
	"                tecken, inte ett vanligt lösenord); avslutar användarens sessioner\n"
	"                och påbörjade inloggningar\n"
	"  list          användarnamn, roll, organisation, aktiv, tvåstegsverifiering\n"
	"                inställd (inga hemligheter)\n"
	"nsp user UNDERKOMMANDO --help visar mer om varje underkommando.\n";
static const char usage_en[] =
	"Usage: nsp user reset-totp [--db FILE] [--key-file FILE] USERNAME\n"
	"       nsp user set-password [--db FILE] [--key-file FILE] USERNAME\n"
	"       nsp user list [--db FILE] [--key-file FILE]\n"
	"User administration on the server for whoever can read the database and its\n"
	"key file, for instance when the sole coordinator lost both the phone and the\n"
	"recovery codes. Works while nsp serve runs; every change is written to the\n"
	"audit log.\n"
	"  reset-totp    removes the user's second factor and recovery codes and ends\n"
	"                the user's sessions; a new one is enrolled at the next login\n"
	"  set-password  a new password from NSP_PASSWORD, else standard input (at least\n"
	"                12 characters, not a common password); ends the user's sessions\n"
	"                and half-done logins\n"
	"  list          username, role, organisation, active, second factor enrolled\n"
	"                (no secrets)\n"
	"nsp user SUBCOMMAND --help tells more about each subcommand.\n";

static const char reset_usage_sv[] =
	"Användning: nsp user reset-totp [--db FIL] [--key-file FIL] ANVÄNDARNAMN\n"
	"Tar bort användarens tvåstegsverifiering (TOTP), reservkoder och påbörjade\n"
	"inloggningar och avslutar användarens sessioner. Vid nästa inloggning räcker\n"
	"lösenordet, men bara för att ställa in en ny tvåstegsverifiering. Skrivs i\n"
	"granskningsloggen (totp.reset). Okänd användare: slutstatus 1.\n";
static const char reset_usage_en[] =
	"Usage: nsp user reset-totp [--db FILE] [--key-file FILE] USERNAME\n"
	"Removes the user's second factor (TOTP), recovery codes and half-done logins\n"
	"and ends the user's sessions. At the next login the password suffices, but\n"
	"only to enrol a new second factor. Written to the audit log (totp.reset).\n"
	"Unknown user: exit status 1.\n";

static const char password_usage_sv[] =
	"Användning: nsp user set-password [--db FIL] [--key-file FIL] ANVÄNDARNAMN\n"
	"Ger användaren ett nytt lösenord och avslutar användarens sessioner och\n"
	"påbörjade inloggningar (lösenordet givet, koden ännu inte). Lösenordet läses\n"
	"från NSP_PASSWORD, annars från standard in (på en terminal två gånger, utan\n"
	"eko). Samma krav som nsp init: minst 12 tecken och inte ett vanligt lösenord.\n"
	"Tvåstegsverifieringen rörs inte. Skrivs i granskningsloggen\n"
	"(user.set_password). Okänd användare eller svagt lösenord: slutstatus 1.\n";
static const char password_usage_en[] =
	"Usage: nsp user set-password [--db FILE] [--key-file FILE] USERNAME\n"
	"Gives the user a new password and ends the user's sessions and half-done\n"
	"logins (password given, code not yet). The password is read from\n"
	"NSP_PASSWORD, else from standard input (twice and without echo on a\n"
	"terminal). The rules of nsp init: at least 12 characters and not a common\n"
	"password. The second factor is left as it is. Written to the audit log\n"
	"(user.set_password). Unknown user or weak password: exit status 1.\n";

static const char list_usage_sv[] =
	"Användning: nsp user list [--db FIL] [--key-file FIL]\n"
	"En rad per användare, fälten åtskilda med tabb: användarnamn, roll,\n"
	"organisation (- för ingen), aktiv (ja/nej), tvåstegsverifiering inställd\n"
	"(ja/nej). Inga lösenord, nycklar eller koder.\n";
static const char list_usage_en[] =
	"Usage: nsp user list [--db FILE] [--key-file FILE]\n"
	"One line per user, fields separated by tabs: username, role, organisation\n"
	"(- for none), active (yes/no), second factor enrolled (yes/no). No passwords,\n"
	"keys or codes.\n";

/* Prints "nsp: no user is named NAME" (exit status 1 follows). */
static void unknown_user(const char *name)
{
	fprintf(stderr, cli_english() ? "nsp: no user is named %s; see nsp user list\n"
				      : "nsp: det finns ingen användare som heter %s; se nsp user list\n",
		name);
}

/* Looks name up into u. 0; 1 after printing why (unknown user, or the database failed). */
static int find_user(struct db *db, const char *name, struct db_user *u)
{
	int rc = strlen(name) < DB_USERNAME_MAX ? db_user_get_by_username(db, name, u) : DB_NOTFOUND;
	if (rc == DB_NOTFOUND)
		unknown_user(name);
	else if (rc != DB_OK)
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
	else if (!u->active)
		fputs(cli_english() ? "nsp: the user is inactive: the change holds once a coordinator activates them\n"
				    : "nsp: användaren är inaktiv: ändringen gäller när en samordnare aktiverar den igen\n",
		      stderr);
	return rc == DB_OK ? 0 : 1;
}

/* nsp user reset-totp: the API's reset (svc_user_totp_reset) without its
 * "not yourself" rule, which guards a session, not the machine. */
static int user_reset_totp(struct db *db, const char *name)
{
	struct db_user u;
	struct db_totp t;
	if (find_user(db, name, &u) != 0)
		return 1;
	if (db_totp_get(db, u.id, false, &t) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		return 1;
	}
	/* Ends the user's sessions too, as the API's reset does. */
	int rc = db_totp_reset_user(db, 0, u.id);
	if (rc == DB_NOTFOUND) {
		unknown_user(name);   /* deleted meanwhile */
		return 1;
	}
	if (rc != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		return 1;
	}
	if (t.present)
		printf(cli_english() ? "removed the second factor of %s and ended the user's sessions; "
				       "a new one is enrolled at the next login\n"
				     : "tog bort tvåstegsverifieringen för %s och avslutade användarens sessioner; "
				       "en ny ställs in vid nästa inloggning\n",
		       u.username);
	else
		printf(cli_english() ? "%s had no second factor; ended the user's sessions\n"
				     : "%s hade ingen tvåstegsverifiering; avslutade användarens sessioner\n",
		       u.username);
	return 0;
}

/* nsp user set-password: the rules of nsp init and POST /api/v1/users. */
static int user_set_password(struct db *db, const char *name)
{
	char hash[PASSWORD_HASH_MAX];
	struct db_user u;
	int rc, st;

	if (find_user(db, name, &u) != 0)
		return 1;
	/* Hashed before the transaction: argon2id takes a while, the server's writes wait for none of it. */
	if ((rc = cli_new_password_hash("Nytt lösenord: ", "New password: ", hash)) != 0)
		return rc;
	rc = 1;
	/* Ends the user's sessions and half-done logins too. */
	st = db_user_set_password_hash(db, 0, u.id, hash);
	if (st == DB_NOTFOUND) {
		unknown_user(name);   /* deleted meanwhile */
		goto out;
	}
	if (st != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		goto out;
	}
	printf(cli_english() ? "set a new password for %s and ended the user's sessions\n"
			     : "satte ett nytt lösenord för %s och avslutade användarens sessioner\n",
	       u.username);
	rc = 0;
out:
	sodium_memzero(hash, sizeof hash);
	return rc;
}

/* Prints s with control characters (tabs and newlines too) as '?': a
 * field of the listing stays one field on one line, and a stored name
 * cannot send escape sequences to the operator's terminal. */
static void put_field(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

/* nsp user list: no password hashes, secrets or codes; only whether a second factor is in force. */
static int user_list(struct db *db, const char *unused)
{
	(void)unused;
	struct db_user *users = NULL;
	struct db_org *orgs = NULL;
	size_t n = 0, n_orgs = 0;
	int en = cli_english(), rc = 1;

	if (db_user_list(db, &users, &n) != DB_OK || db_org_list(db, &orgs, &n_orgs) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		goto out;
	}
	fputs(en ? "username\trole\torganisation\tactive\tsecond_factor\n"
		 : "användarnamn\troll\torganisation\taktiv\ttvåstegsverifiering\n",
	      stdout);
	for (size_t i = 0; i < n; i++) {
		const struct db_user *u = &users[i];
		struct db_totp t;
		if (db_totp_get(db, u->id, false, &t) != DB_OK) {
			fprintf(stderr, "nsp: %s\n", db_errmsg(db));
			goto out;
		}
		const char *org = u->organisation_id ? NULL : "-";
		for (size_t j = 0; !org && j < n_orgs; j++)
			if (orgs[j].id == u->organisation_id)
				org = orgs[j].name;
		put_field(u->username);
		printf("\t%s\t", enum_name(&enum_role, (int)u->role));
		if (org)
			put_field(org);
		else
			printf("%lld", (long long)u->organisation_id);
		printf("\t%s\t%s\n", u->active ? (en ? "yes" : "ja") : (en ? "no" : "nej"),
		       t.confirmed ? (en ? "yes" : "ja") : (en ? "no" : "nej"));
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	free(users);
	db_org_list_free(orgs, n_orgs);
	return rc;
}

/* The subcommands: whether they name a user and whether they write. */
static const struct user_command {
	const char *name;
	int (*run)(struct db *db, const char *username);
	int names_user, writes;
	const char *usage_sv, *usage_en;
} user_commands[] = {
	{ "reset-totp", user_reset_totp, 1, 1, reset_usage_sv, reset_usage_en },
	{ "set-password", user_set_password, 1, 1, password_usage_sv, password_usage_en },
	{ "list", user_list, 0, 0, list_usage_sv, list_usage_en },
	{ NULL, NULL, 0, 0, NULL, NULL },
};

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *key_file = NULL;
	const struct user_command *cmd;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_usage(argc < 2 ? stderr : stdout, usage_sv, usage_en);
		return argc < 2 ? 2 : 0;
	}
	for (cmd = user_commands; cmd->name && strcmp(cmd->name, argv[1]) != 0; cmd++)
		;
	if (!cmd->name) {
		cli_error("okänt underkommando; se nsp user --help", "unknown subcommand; see nsp user --help");
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'k': key_file = optarg; break;
		case 'h': return cli_usage(stdout, cmd->usage_sv, cmd->usage_en);
		default: cli_usage(stderr, cmd->usage_sv, cmd->usage_en); return 2;
		}
	}
	int rest = argc - 1 - optind;
	const char *username = rest > 0 ? argv[1 + optind] : NULL;
	if (cmd->names_user && (rest == 0 || !*username)) {
		cli_error("ange användarnamnet; se nsp user --help", "name the user; see nsp user --help");
		return 2;
	}
	if (rest > cmd->names_user) {
		cli_usage(stderr, cmd->usage_sv, cmd->usage_en);
		return 2;
	}
	struct db *db = cli_open_db(path, key_file, !cmd->writes);
	if (!db)
		return 1;
	/* A wrong key file would append audit entries that break the chain (as nsp serve refuses to). */
	if (cmd->writes && db_audit_check_key(db) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		db_close(db);
		return 1;
	}
	int rc = cmd->run(db, username);
	db_close(db);
	return rc;
}
