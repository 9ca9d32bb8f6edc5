/* HTTPS credentials with reload: see tls.h. */
#include "web/tls.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>

#define MAX_CHAIN 16
#define MAX_PEM (1024u * 1024u)

/* One generation of credentials: what a handshake is given. Never freed
 * before tls_free, so that a handshake holding it cannot see it go. */
struct tls_cred {
	gnutls_pcert_st pcerts[MAX_CHAIN];
	unsigned npcerts;
	gnutls_privkey_t key;
	struct tls_cred *older;
};

struct tls {
	char *cert_path, *key_path;
	struct tls_cred *newest;  /* the head of all generations */
};

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tls *current;  /* the server's, set by tls_activate */

static void set_err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	if (vsnprintf(err, errsz, fmt, ap) < 0)
		err[0] = '\0';
	va_end(ap);
}

/* Reads a whole (small) file into a malloc'ed datum. 0 or -1. */
static int read_file(const char *path, gnutls_datum_t *out)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0;

	out->data = NULL;
	out->size = 0;
	if (!f)
		return -1;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			unsigned char *nd;

			if (ncap > MAX_PEM)
				goto fail;
			nd = realloc(data, ncap);
			if (!nd)
				goto fail;
			data = nd;
			cap = ncap;
		}
		size_t n = fread(data + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	out->data = data;
	out->size = (unsigned)len;
	return 0;
fail:
	if (data)
		sodium_memzero(data, cap);
	free(data);
	fclose(f);
	return -1;
}

static void datum_wipe(gnutls_datum_t *d)
{
	if (d->data) {
		sodium_memzero(d->data, d->size);
		free(d->data);
	}
	d->data = NULL;
	d->size = 0;
}

static void cred_free(struct tls_cred *c)
{
	for (unsigned i = 0; i < c->npcerts; i++)
		gnutls_pcert_deinit(&c->pcerts[i]);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	free(c);
}

/* Loads one generation from the two files; NULL with err. */
static struct tls_cred *cred_load(const char *cert_path, const char *key_path, char *err, size_t errsz)
{
	gnutls_datum_t cert = { NULL, 0 }, key = { NULL, 0 };
	gnutls_certificate_credentials_t check = NULL;
	struct tls_cred *c = calloc(1, sizeof(*c));
	int rc;

	if (!c) {
		set_err(err, errsz, "Out of memory.");
		return NULL;
	}
	if (read_file(cert_path, &cert) < 0) {
		set_err(err, errsz, "The TLS certificate %s cannot be read: %s.", cert_path, strerror(errno));
		goto fail;
	}
	if (read_file(key_path, &key) < 0) {
		set_err(err, errsz, "The TLS key %s cannot be read: %s.", key_path, strerror(errno));
		goto fail;
	}
	/* GnuTLS's own check that the key belongs to the certificate. */
	if (gnutls_certificate_allocate_credentials(&check) < 0)
		goto fail_gnutls;
	rc = gnutls_certificate_set_x509_key_mem2(check, &cert, &key, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(check);
	if (rc < 0) {
		set_err(err, errsz, "The TLS certificate and key do not go together (%s).", gnutls_strerror(rc));
		goto fail;
	}
	c->npcerts = MAX_CHAIN;
	rc = gnutls_pcert_list_import_x509_raw(c->pcerts, &c->npcerts, &cert, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0) {
		c->npcerts = 0;
		set_err(err, errsz, "The TLS certificate %s is not a PEM certificate chain (%s).", cert_path,
			gnutls_strerror(rc));
		goto fail;
	}
	if (gnutls_privkey_init(&c->key) < 0)
		goto fail_gnutls;
	rc = gnutls_privkey_import_x509_raw(c->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc < 0) {
		set_err(err, errsz, "The TLS key %s is not a PEM private key (%s).", key_path, gnutls_strerror(rc));
		goto fail;
	}
	datum_wipe(&cert);
	datum_wipe(&key);
	return c;
fail_gnutls:
	set_err(err, errsz, "GnuTLS could not be set up.");
fail:
	datum_wipe(&cert);
	datum_wipe(&key);
	cred_free(c);
	return NULL;
}

struct tls *tls_load(const char *cert_path, const char *key_path, char *err, size_t errsz)
{
	struct tls *t = calloc(1, sizeof(*t));

	if (!t) {
		set_err(err, errsz, "Out of memory.");
		return NULL;
	}
	t->cert_path = strdup(cert_path);
	t->key_path = strdup(key_path);
	if (!t->cert_path || !t->key_path) {
		set_err(err, errsz, "Out of memory.");
		tls_free(t);
		return NULL;
	}
	t->newest = cred_load(cert_path, key_path, err, errsz);
	if (!t->newest) {
		tls_free(t);
		return NULL;
	}
	return t;
}

void tls_activate(struct tls *t)
{
	pthread_mutex_lock(&current_lock);
	current = t;
	pthread_mutex_unlock(&current_lock);
}

int tls_reload(struct tls *t, char *err, size_t errsz)
{
	struct tls_cred *c = cred_load(t->cert_path, t->key_path, err, errsz);

	if (!c)
		return -1;
	pthread_mutex_lock(&current_lock);
	c->older = t->newest;
	t->newest = c;
	pthread_mutex_unlock(&current_lock);
	return 0;
}

void tls_free(struct tls *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&current_lock);
	if (current == t)
		current = NULL;
	pthread_mutex_unlock(&current_lock);
	for (struct tls_cred *c = t->newest, *next; c; c = next) {
		next = c->older;
		cred_free(c);
	}
	free(t->cert_path);
	free(t->key_path);
	free(t);
}

/* GnuTLS asks for the server's certificate during each handshake. The
 * credentials are lent, not given: GnuTLS frees nothing of them. */
static int retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs,
		    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
		    unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
	int rc = -1;

	(void)session;
	(void)req_ca_rdn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	pthread_mutex_lock(&current_lock);
	if (current && current->newest) {
		*pcert = current->newest->pcerts;
		*pcert_length = current->newest->npcerts;
		*privkey = current->newest->key;
		rc = 0;
	}
	pthread_mutex_unlock(&current_lock);
	return rc;
}

void *tls_retrieve_function(void)
{
	gnutls_certificate_retrieve_function2 *fn = retrieve;

	return (void *)fn;
}
