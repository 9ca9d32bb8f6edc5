/*
 * HTTPS for the HTTP plumbing (http.c): a certificate chain and its key,
 * read from PEM files, handed to GnuTLS by libmicrohttpd's certificate
 * callback on every handshake, so that a reload (SIGHUP, after certbot
 * renewed the files) takes effect for the next connection without a
 * restart and without closing a listening socket.
 *
 * One TLS server per process: the callback has no context pointer, so the
 * credentials in use are process-wide (tls_activate).
 */
#ifndef NSP_WEB_TLS_H
#define NSP_WEB_TLS_H

#include <stddef.h>

struct tls;

/* The GnuTLS priority string: TLS 1.2 and 1.3 only, AEAD ciphers with
 * forward secrecy (ECDHE, or TLS 1.3's own key exchange). */
#define TLS_PRIORITIES                                                                              \
	"SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305:+AES-256-GCM:" \
	"+AES-128-GCM:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE"

/*
 * Reads cert_path (the certificate, then any intermediates) and key_path
 * and checks that the key belongs to the certificate. Returns the object
 * (free with tls_free), or NULL with a one-sentence English reason in err.
 */
struct tls *tls_load(const char *cert_path, const char *key_path, char *err, size_t errsz);

/* Makes t the credentials that tls_retrieve hands out. */
void tls_activate(struct tls *t);

/*
 * Reads the two files again; when they are good, new handshakes use them
 * from now on (handshakes under way keep the old ones, which stay valid
 * until tls_free). Returns 0, or -1 with err and the old ones kept.
 */
int tls_reload(struct tls *t, char *err, size_t errsz);

/* Frees t and every generation of its credentials; after the daemon stopped. */
void tls_free(struct tls *t);

/* The gnutls_certificate_retrieve_function2 for MHD_OPTION_HTTPS_CERT_CALLBACK
 * (void * here, so that users of this header need no GnuTLS header). */
void *tls_retrieve_function(void);

#endif
