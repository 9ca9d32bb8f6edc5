/*
 * Progress of commands that can take more than a second (database upgrade,
 * backup, restore, demo data, retention), on standard error:
 *   - on a terminal, a bar redrawn in place at most ten times a second:
 *       nsp: gallring (R12) [##########..........]  5000/10000  50 %  12 s kvar
 *   - otherwise (a pipe, journald) one line per step, none per count;
 *   - nothing at all with --quiet (progress_quiet).
 * Single-threaded: one struct progress per command.
 */
#ifndef NSP_CLI_PROGRESS_H
#define NSP_CLI_PROGRESS_H

#include <stdint.h>
#include <time.h>

struct progress {
	const char *what;        /* in the user's language */
	int64_t total, done;
	struct timespec t0, drawn;
	int tty, drawn_once;
};

/* Silences every progress output of the process (--quiet). */
void progress_quiet(int quiet);
int progress_is_quiet(void);

/* One step: a line "nsp: <what>" (in the user's language), on a terminal too. */
void progress_step(const char *what_sv, const char *what_en);

/* Starts counting to total (0: unknown) under what_sv/what_en. */
void progress_begin(struct progress *p, const char *what_sv, const char *what_en, int64_t total);
/* done of total so far: redraws the bar on a terminal (throttled); nothing elsewhere. */
void progress_update(struct progress *p, int64_t done);
/* Ends the bar (a last full draw and a newline on a terminal; one summary line elsewhere). */
void progress_end(struct progress *p);

#endif
