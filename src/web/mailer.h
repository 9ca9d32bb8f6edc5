/*
 * The outbox's sender (issue 17): a thread of the server that writes the
 * notices found by looking (notice_scan: at start, then hourly) and, with an
 * SMTP server, delivers the outbox through libcurl (STARTTLS when the server
 * offers it). A notice is marked sent only after the server's 250 for its
 * message; a failure is retried with exponential backoff (1 s, 2 s, 4 s …
 * at most 15 minutes), so that an outage or a crash loses none. Without an
 * SMTP server the outbox is only kept (the coordinator's /outbox page, nsp
 * outbox list).
 */
#ifndef NSP_WEB_MAILER_H
#define NSP_WEB_MAILER_H

#include <stddef.h>

#include "web/app.h"

struct mailer;

/* Starts the thread for app (its config's smtp_url, mail_from, public_url).
 * NULL with err on failure. */
struct mailer *mailer_start(struct app *app, char *err, size_t errsz);
/* Wakes the thread, waits for it (a delivery in progress is cut short) and frees m. NULL is a no-op. */
void mailer_stop(struct mailer *m);

/* The retry delay after `attempts` failed attempts, in seconds. */
long mailer_backoff(long attempts);

#endif
