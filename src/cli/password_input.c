/*
 * The new password of a command (nsp init, nsp user set-password): from
 * NSP_PASSWORD, else one line of standard input. On a terminal the line is
 * read without echo and asked for twice: a typing error in a password
 * nobody saw would otherwise lock the user out (for nsp init, the only
 * coordinator there is).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "util/password.h"

/* The terminal's settings while echo is off, for a signal that ends the
 * command at the prompt (Ctrl-C): the shell must not be left without echo. */
static struct termios echo_saved;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void restore_and_stop(int sig)
{
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &echo_saved);   /* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Installs (on) or removes the handler above; old holds what was there. */
static void guard_echo(int on, struct sigaction old[])
{
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
		if (on) {
			struct sigaction sa;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = restore_and_stop;
			sigemptyset(&sa.sa_mask);
			(void)sigaction(stop_signals[i], &sa, &old[i]);
		} else {
			(void)sigaction(stop_signals[i], &old[i], NULL);
		}
	}
}

enum read_result { READ_OK, READ_END, READ_ECHO, READ_LONG };

/*
 * Reads one line of standard input into buf (size bytes, the line end
 * removed). On a terminal echo is turned off first and prompt is printed
 * to standard error after that, so nothing typed after the prompt is shown
 * (or flushed away); a terminal whose echo cannot be turned off is refused
 * before anything is typed. A line that does not fit is read to its end
 * and refused, not cut (the rest would be taken for the next line).
 */
static enum read_result read_line(const char *prompt, char *buf, size_t size)
{
	struct sigaction old_actions[sizeof stop_signals / sizeof stop_signals[0]];
	struct termios quiet;
	int quiet_on = 0, c;

	if (isatty(STDIN_FILENO)) {
		if (tcgetattr(STDIN_FILENO, &echo_saved) != 0)
			return READ_ECHO;
		quiet = echo_saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		guard_echo(1, old_actions);
		quiet_on = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		if (!quiet_on) {
			guard_echo(0, old_actions);
			return READ_ECHO;
		}
		fputs(prompt, stderr);
	}
	char *got = fgets(buf, (int)size, stdin);
	bool cut = got != NULL && strchr(buf, '\n') == NULL && !feof(stdin);
	if (cut)
		while ((c = getchar()) != EOF && c != '\n')
			;
	if (quiet_on) {
		/* Echo back on even when it fails: nothing better to do than carry on. */
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &echo_saved);
		guard_echo(0, old_actions);
		fputc('\n', stderr);   /* the Enter that was not echoed */
	}
	if (!got)
		return READ_END;
	if (cut)
		return READ_LONG;
	buf[strcspn(buf, "\r\n")] = '\0';
	return READ_OK;
}

/* One sentence for what read_line() refused; the exit status. */
static int read_failed(enum read_result r)
{
	switch (r) {
	case READ_ECHO:
		cli_error("kan inte stänga av eko på terminalen; ange lösenordet i NSP_PASSWORD eller på standard in",
			  "cannot turn off the terminal's echo; give the password in NSP_PASSWORD or on standard input");
		return 1;
	case READ_LONG:
		cli_error("lösenordet är för långt", "the password is too long");
		return 2;
	default:
		cli_error("inget lösenord på standard in", "no password on standard input");
		return 2;
	}
}

/*
 * A new password into pw (size bytes): NSP_PASSWORD, else a line of
 * standard input, asked for twice on a terminal. 0, or the exit status after
 * one sentence, pw wiped: 2 when it does not fit or input ends first, 1 when
 * the two lines differ or echo cannot be turned off.
 */
static int read_new_password(const char *prompt_sv, const char *prompt_en, char *pw, size_t size)
{
	const char *env = getenv("NSP_PASSWORD");
	int en = cli_english(), rc = 0;
	enum read_result r;
	char *again = NULL;

	if (env) {
		int n = snprintf(pw, size, "%s", env);
		if (n < 0 || (size_t)n >= size) {
			cli_error("lösenordet är för långt", "the password is too long");
			rc = 2;
		} else if (isatty(STDIN_FILENO)) {
			/* An operator at a console may have set it for another command long ago. */
			fputs(en ? "nsp: the password is taken from NSP_PASSWORD\n"
				 : "nsp: lösenordet tas från NSP_PASSWORD\n", stderr);
		}
		goto out;
	}
	if ((r = read_line(en ? prompt_en : prompt_sv, pw, size)) != READ_OK) {
		rc = read_failed(r);
		goto out;
	}
	if (!isatty(STDIN_FILENO))
		goto out;
	if ((again = malloc(size)) == NULL) {
		cli_error("minnet räcker inte", "out of memory");
		rc = 1;
		goto out;
	}
	if ((r = read_line(en ? "The same again: " : "Samma igen: ", again, size)) != READ_OK) {
		rc = read_failed(r);
	} else if (strcmp(pw, again) != 0) {
		cli_error("lösenorden är inte lika; inget ändrades", "the passwords differ; nothing was changed");
		rc = 1;
	}
	sodium_memzero(again, size);
	free(again);
out:
	if (rc != 0)
		sodium_memzero(pw, size);
	return rc;
}

int cli_new_password_hash(const char *prompt_sv, const char *prompt_en, char *hash)
{
	char pw[PASSWORD_MAX_LEN + 2];
	const char *why_sv, *why_en;
	int rc = read_new_password(prompt_sv, prompt_en, pw, sizeof pw);

	if (rc == 0 && password_acceptable(pw, &why_sv, &why_en) != 0) {
		cli_error(why_sv, why_en);
		rc = 1;
	}
	if (rc == 0 && password_hash(pw, hash) != 0) {
		cli_error("lösenordet kunde inte hashas (minnet räcker inte)",
			  "the password could not be hashed (out of memory)");
		rc = 1;
	}
	sodium_memzero(pw, sizeof pw);
	if (rc != 0)
		sodium_memzero(hash, PASSWORD_HASH_MAX);
	return rc;
}
