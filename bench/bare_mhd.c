/*
 * bare_mhd: the read path's baseline (make bench, issue 7).
 *
 *   bare_mhd --body FILE [--listen 127.0.0.1:PORT] [--threads N] [--per-ip-limit N]
 *
 * A libmicrohttpd server that answers every request with the fixed JSON body
 * of FILE (bench/run gives it the body nsp answered for the person read), run
 * with the daemon options nsp's src/web/http.c uses (epoll, a thread pool of
 * one thread per CPU, the same timeouts, connection and memory limits). What
 * nsp adds on top of it, session lookup, access checks, the database read,
 * the audit write and the JSON, is what the read benchmark measures.
 * --per-ip-limit defaults to nsp's 32 connections per client address;
 * bench/run passes 0 (none), as it passes nsp serve --per-ip 0, so that both
 * take the 64 connections of one wrk (as behind a reverse proxy).
 *
 * Prints "listening on http://127.0.0.1:PORT/" when ready (PORT 0 picks a
 * free port), and stops on SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#define MAX_BODY (1024 * 1024)

static const char usage[] =
	"Usage: bare_mhd --body FILE [--listen 127.0.0.1:PORT] [--threads N] [--per-ip-limit N]\n"
	"Answers every request with the JSON in FILE until SIGINT or SIGTERM.\n"
	"Användning: bare_mhd --body FIL [--listen 127.0.0.1:PORT] [--threads N] [--per-ip-limit N]\n"
	"Svarar på varje anrop med JSON-texten i FIL tills SIGINT eller SIGTERM.\n";

struct bare {
	struct MHD_Response *response; /* shared by every answer; MHD counts its references */
};

/* Answers once the whole request has arrived; an upload body is read and dropped. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	struct bare *b = cls;
	static int first_call;

	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (*req_cls == NULL) {
		*req_cls = &first_call;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, b->response);
}

/* Reads FILE into a new buffer; NULL after printing why. The caller frees it. */
static char *read_body(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "bare_mhd: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(MAX_BODY)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, MAX_BODY, f);
	if (ferror(f) || n == MAX_BODY) {
		fprintf(stderr, "bare_mhd: cannot read %s (or it is over 1 MiB)\n", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* "127.0.0.1:PORT" into addr; 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_in *addr)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535)
		return -1;
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &addr->sin_addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "body", required_argument, NULL, 'b' },    { "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' }, { "per-ip-limit", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *body_path = NULL, *listen = "127.0.0.1:0";
	long threads = sysconf(_SC_NPROCESSORS_ONLN), per_ip = 32;
	struct sockaddr_in addr;
	struct bare b = { 0 };
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t stop;
	size_t len = 0;
	char *body;
	int ch, sig;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end = NULL;
		switch (ch) {
		case 'b': body_path = optarg; break;
		case 'l': listen = optarg; break;
		case 't': threads = strtol(optarg, &end, 10); break;
		case 'p': per_ip = strtol(optarg, &end, 10); break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
		if (end != NULL && (*end != '\0' || threads < 1 || threads > 256 || per_ip < 0 || per_ip > 65535)) {
			fprintf(stderr, "bare_mhd: invalid number %s / ogiltigt tal %s\n", optarg, optarg);
			return 2;
		}
	}
	if (threads < 1 || threads > 256)
		threads = 1;
	if (body_path == NULL || parse_listen(listen, &addr) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	if ((body = read_body(body_path, &len)) == NULL)
		return 1;
	b.response = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_COPY);
	free(body);
	if (b.response == NULL ||
	    MHD_add_response_header(b.response, "Content-Type", "application/json; charset=utf-8") != MHD_YES)
		return 1;

	/* SIGINT and SIGTERM are waited for below, not delivered to the workers. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	/* The daemon options of src/web/http.c (http_server_start), per-IP limit included. */
	unsigned flags = MHD_USE_ITC | (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES
						? MHD_USE_EPOLL_INTERNAL_THREAD
						: MHD_USE_AUTO_INTERNAL_THREAD);
	d = MHD_start_daemon(flags, 0, NULL, NULL, &on_request, &b, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads, MHD_OPTION_CONNECTION_TIMEOUT,
			     (unsigned int)30, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)per_ip,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			     (size_t)(32u * 1024u), MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bare_mhd: cannot listen on %s\n", listen);
		MHD_destroy_response(b.response);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("bare_mhd: listening on http://127.0.0.1:%u/\n", info ? (unsigned)info->port : 0u);
	fflush(stdout);
	while (sigwait(&stop, &sig) != 0)
		;
	MHD_stop_daemon(d);
	MHD_destroy_response(b.response);
	return 0;
}
