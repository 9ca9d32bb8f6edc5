/*
 * Bare line ends in a request's head (issue 16, strict HTTP) for
 * libmicrohttpd before 0.9.77, which takes a bare LF or a bare CR for a
 * line end even with MHD_OPTION_STRICT_FOR_CLIENT and never shows the
 * application the raw bytes. A proxy in front that reads such a head
 * otherwise than libmicrohttpd does can be made to pass a second request
 * hidden in the first (request smuggling).
 *
 * The program defines recv() itself, in front of the C library's, for
 * every caller in the process: libmicrohttpd reads its plain sockets with
 * recv(). For a socket the server armed, the bytes go through
 * form_head_scan() (web/form.h) on their way; any other socket (a TLS
 * connection, whose bytes are ciphertext here; libcurl's; a socket of
 * descriptor HEAD_GUARD_FDS or higher) passes untouched. http.c asks
 * head_guard_bad() when a request's head is in, and refuses a bad
 * connection with 400 and closes it.
 */
#ifndef NSP_WEB_HEAD_GUARD_H
#define NSP_WEB_HEAD_GUARD_H

#define HEAD_GUARD_FDS 16384

/* Starts judging socket fd's bytes (a new connection), from nothing. */
void head_guard_arm(int fd);
/* Stops judging socket fd (the connection closes). */
void head_guard_disarm(int fd);
/* 1 when a head on armed socket fd had a bare LF or CR, else 0. */
int head_guard_bad(int fd);

#endif
