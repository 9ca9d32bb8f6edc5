/* The outbox's sender thread: scans for notices, delivers them by SMTP (libcurl), retries. */
#include "web/mailer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "letter/letter.h"
#include "util/buf.h"
#include "web/notices.h"

#define SCAN_INTERVAL_S 3600     /* notices found by looking: at start, then hourly */
#define BACKOFF_MAX_S 900
#define DUE_BATCH 20

struct mailer {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
};

long mailer_backoff(long attempts)
{
	long d = 1;
	for (long i = 0; i < attempts && d < BACKOFF_MAX_S; i++)
		d *= 2;
	return d < BACKOFF_MAX_S ? d : BACKOFF_MAX_S;
}

static bool stopping(struct mailer *m)
{
	pthread_mutex_lock(&m->lock);
	bool s = m->stop;
	pthread_mutex_unlock(&m->lock);
	return s;
}

/* ---------------------------------------------------------------- the message */

/* Base64 of data in lines of 76 characters, each ended by CRLF. */
static void base64_lines(struct buf *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t off = 0; off < len; off += 57) {
		size_t n = len - off < 57 ? len - off : 57;
		char line[80];
		sodium_bin2base64(line, sizeof line, p + off, n, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(b, line);
		buf_puts(b, "\r\n");
	}
}

/* An RFC 2047 encoded word of UTF-8 text (header values with å, ä, ö). */
static void encoded_word(struct buf *b, const char *text)
{
	size_t len = strlen(text);
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(cap);
	if (!enc)
		abort();
	sodium_bin2base64(enc, cap, (const unsigned char *)text, len, sodium_base64_VARIANT_ORIGINAL);
	buf_puts(b, "=?UTF-8?B?");
	buf_puts(b, enc);
	buf_puts(b, "?=");
	free(enc);
}

/*
 * The message of notice n (From, To, Subject, Date, a Message-ID that stays
 * the same on every attempt, so that a receiver can tell a resend after a
 * crash between the server's 250 and the sent mark), its text, and the
 * decision's letter when it has one, or a handled claim's (typeset now,
 * without the coordinator's free text). Returns 0 or -1 (err).
 */
static int message(struct db *db, const char *from, const struct db_outbox *n, struct buf *b, char *err,
		   size_t errsz)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	gmtime_r(&now, &tm);
	snprintf(date, sizeof date, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	const char *at = strchr(from, '@');
	buf_printf(b, "From: <%s>\r\nTo: <%s>\r\nSubject: ", from, n->recipient);
	encoded_word(b, n->subject);
	buf_printf(b, "\r\nDate: %s\r\nMessage-ID: <nsp-outbox-%lld-%lld@%s>\r\nMIME-Version: 1.0\r\n", date,
		   (long long)n->id, (long long)n->created_at, at ? at + 1 : "nsp.invalid");
	buf_printf(b, "X-NSP-Notice: %s\r\n", n->kind);
	bool attach = n->decision_id != 0;
	const char *boundary = "nsp-notice-boundary-7f3a";
	if (attach)
		buf_printf(b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary);
	buf_puts(b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	base64_lines(b, n->body, strlen(n->body));
	if (!attach)
		return 0;
	struct letter l;
	int64_t claim = notice_claim_of(n);
	if ((claim ? letter_load_claim(db, claim, &l) : letter_load(db, n->decision_id, &l)) != DB_OK) {
		snprintf(err, errsz, "the letter cannot be loaded: %s", db_errmsg(db));
		return -1;
	}
	/* The letter is read for the mail as for a person: audited, as the system's. */
	char detail[96];
	if (claim)
		snprintf(detail, sizeof detail, "letter claim=%lld decision=%lld mail notice=%lld", (long long)claim,
			 (long long)n->decision_id, (long long)n->id);
	else
		snprintf(detail, sizeof detail, "letter decision=%lld mail notice=%lld", (long long)n->decision_id,
			 (long long)n->id);
	if (db_audit(db, 0, claim ? "claim.letter" : "decision.letter", "person", l.d.person_id, detail) != DB_OK) {
		snprintf(err, errsz, "the letter's read cannot be audited: %s", db_errmsg(db));
		letter_release(&l);
		return -1;
	}
	struct buf pdf = BUF_INIT;
	enum lang lang = i18n_lang(n->lang);
	int rc = letter_pdf(&l, lang, false, &pdf, err, errsz);
	letter_release(&l);
	if (rc == 0) {
		char name[64];
		if (claim)
			letter_claim_file_name(claim, lang, name, sizeof name);
		else
			letter_file_name(n->decision_id, lang, name, sizeof name);
		buf_printf(b, "--%s\r\nContent-Type: application/pdf; name=\"%s\"\r\n"
			      "Content-Disposition: attachment; filename=\"%s\"\r\n"
			      "Content-Transfer-Encoding: base64\r\n\r\n", boundary, name, name);
		base64_lines(b, pdf.data, pdf.len);
		buf_printf(b, "--%s--\r\n", boundary);
	}
	buf_release(&pdf);
	return rc;
}

/* ---------------------------------------------------------------- SMTP */

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct upload *u = userp;
	size_t room = size * nmemb, left = u->len - u->pos;
	size_t n = left < room ? left : room;
	memcpy(ptr, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* Aborts a transfer when the server stops. */
static int progress_cb(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	return stopping(p) ? 1 : 0;
}

/* Sends msg to rcpt: 0 once the server answered 250 to the message, else -1 with err. */
static int smtp_send(struct mailer *m, const char *rcpt, const struct buf *msg, char *err, size_t errsz)
{
	const struct app_config *cfg = app_config(m->app);
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errsz, "libcurl could not start");
		return -1;
	}
	char ebuf[CURL_ERROR_SIZE] = "";
	struct upload up = { msg->data, msg->len, 0 };
	struct curl_slist *to = curl_slist_append(NULL, rcpt);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, cfg->mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);   /* STARTTLS when offered */
	if (cfg->smtp_ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->smtp_ca);      /* a private CA's mail server */
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, m);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(to);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the thread */

/* Delivers the notices due now. */
static void deliver_due(struct mailer *m, struct db *db)
{
	struct db_outbox *due;
	size_t n;
	int64_t now = (int64_t)time(NULL);
	if (db_outbox_due(db, now, DUE_BATCH, &due, &n) != DB_OK) {
		fprintf(stderr, "nsp: outbox: %s\n", db_errmsg(db));
		return;
	}
	for (size_t i = 0; i < n && !stopping(m); i++) {
		struct buf msg = BUF_INIT;
		char err[CURL_ERROR_SIZE + 64] = "";
		int rc = message(db, app_config(m->app)->mail_from, &due[i], &msg, err, sizeof err);
		if (rc == 0)
			rc = smtp_send(m, due[i].recipient, &msg, err, sizeof err);
		buf_release(&msg);
		now = (int64_t)time(NULL);
		if (rc == 0) {
			if (db_outbox_sent(db, due[i].id, now) != DB_OK)
				fprintf(stderr, "nsp: outbox: notice %lld sent, not marked: %s\n", (long long)due[i].id,
					db_errmsg(db));
		} else if (!stopping(m)) {
			if (db_outbox_failed(db, due[i].id, now + mailer_backoff(due[i].attempts), err) != DB_OK)
				fprintf(stderr, "nsp: outbox: %s\n", db_errmsg(db));
		}
	}
	db_outbox_list_free(due, n);
}

static void *mailer_main(void *arg)
{
	struct mailer *m = arg;
	struct db *db = app_db(m->app);
	static const struct actor system = { .user_id = 0, .role = ROLE_COORDINATOR, .logged_in = true };
	struct svc s = { .app = m->app, .db = db, .actor = &system, .client_addr = "" };
	time_t next_scan = 0;
	if (!db)
		return NULL;
	while (!stopping(m)) {
		time_t now = time(NULL);
		if (now >= next_scan) {
			if (notice_scan(&s, day_today()) < 0)
				fprintf(stderr, "nsp: notices: %s\n", db_errmsg(db));
			next_scan = now + SCAN_INTERVAL_S;
		}
		if (app_config(m->app)->smtp_url)
			deliver_due(m, db);
		/* The next look in a second, or at once when stopped. */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&m->lock);
		while (!m->stop && pthread_cond_timedwait(&m->wake, &m->lock, &until) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&m->lock);
	}
	return NULL;
}

struct mailer *mailer_start(struct app *app, char *err, size_t errsz)
{
	struct mailer *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	m->app = app;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	/* The thread never takes SIGINT/SIGTERM: they stop the server in the main thread. */
	sigset_t stop_signals, old;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);      /* the server's: TLS reload */
	sigaddset(&stop_signals, SIGUSR1);     /* the server's: a backup now */
	int rc = curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK;
	if (!rc) {
		pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
		rc = pthread_create(&m->thread, NULL, mailer_main, m);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (rc) {
		snprintf(err, errsz, "the outbox's sender cannot start");
		pthread_mutex_destroy(&m->lock);
		pthread_cond_destroy(&m->wake);
		free(m);
		return NULL;
	}
	return m;
}

void mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->wake);
	curl_global_cleanup();
	free(m);
}
