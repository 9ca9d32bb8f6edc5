/*
 * nsp audit verify | head: the audit log's hash chain, and signed heads.
 *
 * `nsp audit head` prints the newest entry's id and chain hash, signed with
 * Ed25519, as a small text to keep outside the server (mail it to the
 * funder, print it, commit it elsewhere). `nsp audit verify --head FILE`
 * later proves that the log has only grown since: the signature holds, the
 * entry with that id still has exactly that hash (and, the hash being a
 * chain, so has everything before it), and the chain verifies to the end.
 *
 * The signing key is not a file of its own: its seed is derived from the
 * database's master key with crypto_kdf (context "nsp_keys", subkey id
 * AUDIT_SIGN_SUBKEY; ids 1-3 are the store's, see db_set_keys), so there is
 * no second secret to lose or to guard, and a head can only have been made
 * by someone who holds the key file. The public key is in every head, and
 * verify also checks that it is the one this database's key derives, so a
 * head signed with any other key is refused.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "domain/day.h"
#include "store/store.h"

/* The subkey id of the audit head's signing seed: not used by src/store/db.c (1-3). */
#define AUDIT_SIGN_SUBKEY 4

#define HEAD_MAGIC "nsp audit head v1"
#define HEAD_MAX 1024       /* a head file is about 330 bytes */
#define HEAD_TIME_MAX 32

static const char kdf_context[crypto_kdf_CONTEXTBYTES + 1] = "nsp_keys";

static const char usage_sv[] =
	"Användning: nsp audit verify [--db FIL] [--key-file FIL] [--head HUVUDFIL]\n"
	"            nsp audit head [--db FIL] [--key-file FIL]\n"
	"verify räknar om granskningsloggens hashkedja och namnger den första posten\n"
	"som ändrats, tagits bort eller flyttats (slutstatus 1). Med --head kontrolleras\n"
	"också att loggen bara har vuxit sedan huvudet skrevs: signaturen, och att\n"
	"posten med huvudets id har kvar exakt samma hash.\n"
	"head skriver ut den senaste postens id och hash, tid, publik nyckel och en\n"
	"Ed25519-signatur (nyckeln härleds ur databasens nyckelfil). Spara texten\n"
	"utanför servern. Det senaste huvudet sparas också som NYCKELFIL.head; verify\n"
	"utan --head kontrollerar loggen mot det (en tömd eller kortad logg upptäcks)\n"
	"och sparar efter godkänd kontroll ett nytt.\n";
static const char usage_en[] =
	"Usage: nsp audit verify [--db FILE] [--key-file FILE] [--head HEADFILE]\n"
	"       nsp audit head [--db FILE] [--key-file FILE]\n"
	"verify recomputes the audit log's hash chain and names the first entry that\n"
	"was altered, removed or moved (exit status 1). With --head it also proves that\n"
	"the log has only grown since the head was written: the signature holds and the\n"
	"entry with the head's id still has exactly that hash.\n"
	"head prints the newest entry's id and hash, the time, the public key and an\n"
	"Ed25519 signature (the key is derived from the database's key file). Keep the\n"
	"text outside the server. The newest head is also kept as KEYFILE.head; verify\n"
	"without --head checks the log against it (an emptied or cut-back log is found)\n"
	"and, after a pass, keeps a new one.\n";

/* A signed head as printed by `nsp audit head`. All fields fixed. */
struct head {
	int64_t id;
	unsigned char hash[DB_HASH_BYTES];
	char time[HEAD_TIME_MAX];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sig[crypto_sign_BYTES];
};

/* Prints why the entry a head names fails: gone (removed) or changed. */
static void entry_error(int64_t id, int removed)
{
	char sv[256], en[256];
	int a, b;
	if (removed) {
		a = snprintf(sv, sizeof sv, "granskningsloggens post %lld som huvudet nämner finns inte längre: "
			     "loggen har kortats eller poster tagits bort", (long long)id);
		b = snprintf(en, sizeof en, "audit entry %lld named by the head no longer exists: "
			     "the log was cut back or entries were removed", (long long)id);
	} else {
		a = snprintf(sv, sizeof sv, "granskningsloggens post %lld har inte längre huvudets hash: "
			     "loggen har skrivits om", (long long)id);
		b = snprintf(en, sizeof en, "audit entry %lld no longer has the head's hash: the log was rewritten",
			     (long long)id);
	}
	if (a < 0 || b < 0)
		sv[0] = en[0] = '\0';
	cli_error(sv, en);
}

/* The key file of path: key_file, else "PATH.key". 0, or -1 when it does not fit. */
static int key_path(const char *path, const char *key_file, char *out, size_t outsz)
{
	int n = key_file ? snprintf(out, outsz, "%s", key_file) : snprintf(out, outsz, "%s.key", path);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/*
 * The Ed25519 key pair of the audit heads, derived from the master key in
 * the key file. Returns 0, or -1 after printing why. The caller wipes sk.
 */
static int signing_keys(const char *keyfile, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
			unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	_Static_assert(crypto_sign_SEEDBYTES >= crypto_kdf_BYTES_MIN &&
			       crypto_sign_SEEDBYTES <= crypto_kdf_BYTES_MAX, "seed size");
	unsigned char master[DB_KEY_BYTES], seed[crypto_sign_SEEDBYTES];
	char err[DB_ERR_MAX];
	int rc = -1;

	if (db_key_file_read(keyfile, master, err, sizeof err) != 0) {
		fprintf(stderr, "nsp: %s\n", err);
		return -1;
	}
	if (crypto_kdf_derive_from_key(seed, sizeof seed, AUDIT_SIGN_SUBKEY, kdf_context, master) == 0 &&
	    crypto_sign_seed_keypair(pk, sk, seed) == 0)
		rc = 0;
	else
		cli_error("signeringsnyckeln kan inte härledas", "the signing key cannot be derived");
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(master, sizeof master);
	return rc;
}

/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (UTC, through day.h: no struct tm). */
static void format_time(int64_t t, char out[HEAD_TIME_MAX])
{
	char day[DAY_BUFSZ];
	int64_t secs = t % 86400;
	if (secs < 0)
		secs += 86400;
	day_format((day_t)((t - secs) / 86400), day);
	if (snprintf(out, HEAD_TIME_MAX, "%sT%02d:%02d:%02dZ", day, (int)(secs / 3600), (int)(secs / 60 % 60),
		     (int)(secs % 60)) < 0)
		out[0] = '\0';
}

/*
 * The signed part of a head: every line but the signature, in the one
 * canonical form. Returns its length, or -1 when it does not fit.
 */
static int head_message(const struct head *h, char *buf, size_t size)
{
	char hash[2 * DB_HASH_BYTES + 1], pk[2 * crypto_sign_PUBLICKEYBYTES + 1];
	sodium_bin2hex(hash, sizeof hash, h->hash, sizeof h->hash);
	sodium_bin2hex(pk, sizeof pk, h->pk, sizeof h->pk);
	int n = snprintf(buf, size, HEAD_MAGIC "\nentry: %lld\nhash: %s\ntime: %s\npublic_key: %s\n",
			 (long long)h->id, hash, h->time, pk);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* The newest signed head this key knows: "KEYFILE.head", beside the key file. 0 or -1. */
static int known_head_path(const char *keyfile, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s.head", keyfile);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* Writes text as the known head (mode 0600, replaced at once by a rename). 0 or -1. */
static int save_known_head(const char *keyfile, const char *text)
{
	char path[4200], tmp[4300];
	if (known_head_path(keyfile, path, sizeof path) != 0 ||
	    snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * The signed head of db's newest entry as text (size HEAD_MAX + 200) into
 * out. Returns 0, or -1 after printing why.
 */
static int make_head(struct db *db, const char *keyfile, char *out, size_t outsz)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char msg[HEAD_MAX], sig[2 * crypto_sign_BYTES + 1];
	struct head h = { 0 };
	int len;

	if (db_audit_head(db, &h.id, h.hash) != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		return -1;
	}
	if (signing_keys(keyfile, h.pk, sk) != 0)
		return -1;
	format_time((int64_t)time(NULL), h.time);
	if ((len = head_message(&h, msg, sizeof msg)) < 0 ||
	    crypto_sign_detached(h.sig, NULL, (const unsigned char *)msg, (unsigned long long)len, sk) != 0) {
		sodium_memzero(sk, sizeof sk);
		cli_error("huvudet kan inte signeras", "the head cannot be signed");
		return -1;
	}
	sodium_memzero(sk, sizeof sk);
	sodium_bin2hex(sig, sizeof sig, h.sig, sizeof h.sig);
	if (snprintf(out, outsz, "%ssignature: %s\n", msg, sig) >= (int)outsz)
		return -1;
	return 0;
}

/* nsp audit head: prints the signed head of db, and keeps it as the newest
 * head the key knows. Returns the exit status. */
static int print_head(struct db *db, const char *keyfile)
{
	char text[HEAD_MAX + 200];
	if (make_head(db, keyfile, text, sizeof text) != 0)
		return 1;
	if (save_known_head(keyfile, text) != 0)
		cli_error("varning: huvudet kunde inte sparas bredvid nyckelfilen",
			  "warning: the head could not be kept beside the key file");
	fputs(text, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * If line p starts with prefix, copies the rest of the line (without its
 * newline) into out and returns the start of the next line; else NULL
 * (also when the value does not fit or the line has no newline).
 */
static const char *take_line(const char *p, const char *prefix, char *out, size_t outsz)
{
	size_t plen = strlen(prefix);
	if (strncmp(p, prefix, plen) != 0)
		return NULL;
	p += plen;
	const char *nl = strchr(p, '\n');
	if (!nl || (size_t)(nl - p) >= outsz)
		return NULL;
	memcpy(out, p, (size_t)(nl - p));
	out[nl - p] = '\0';
	return nl + 1;
}

/* Exactly n bytes from 2n hex digits. 0 or -1. */
static int hex_exact(const char *hex, unsigned char *bin, size_t n)
{
	size_t got = 0;
	const char *end = NULL;
	if (strlen(hex) != 2 * n || sodium_hex2bin(bin, n, hex, 2 * n, NULL, &got, &end) != 0)
		return -1;
	return got == n && *end == '\0' ? 0 : -1;
}

/*
 * Reads and parses a head file into h, and checks that its signed part is in
 * canonical form (so that the bytes signed are the bytes shown). Returns 0,
 * or -1 after printing why. msg/len receive the signed part.
 */
static int read_head(const char *file, struct head *h, char msg[HEAD_MAX], int *len)
{
	char buf[HEAD_MAX + 1], v[HEAD_MAX], *end;
	const char *p;
	long long id;
	size_t signed_len;
	FILE *f = fopen(file, "r");
	if (!f) {
		cli_error("huvudfilen kan inte öppnas", "the head file cannot be opened");
		return -1;
	}
	size_t n = fread(buf, 1, HEAD_MAX, f);
	int bad = ferror(f) || !feof(f);
	fclose(f);
	buf[n] = '\0';
	memset(h, 0, sizeof *h);
	if (bad || strlen(buf) != n)
		goto invalid;
	if (!(p = take_line(buf, HEAD_MAGIC, v, 1)))
		goto invalid;
	if (!(p = take_line(p, "entry: ", v, 24)) || v[0] < '0' || v[0] > '9')
		goto invalid;
	id = strtoll(v, &end, 10);
	if (*end || id < 0)
		goto invalid;
	h->id = id;
	if (!(p = take_line(p, "hash: ", v, sizeof v)) || hex_exact(v, h->hash, sizeof h->hash) != 0)
		goto invalid;
	if (!(p = take_line(p, "time: ", h->time, sizeof h->time)))
		goto invalid;
	if (!(p = take_line(p, "public_key: ", v, sizeof v)) || hex_exact(v, h->pk, sizeof h->pk) != 0)
		goto invalid;
	signed_len = (size_t)(p - buf);
	if (!(p = take_line(p, "signature: ", v, sizeof v)) || hex_exact(v, h->sig, sizeof h->sig) != 0 || *p)
		goto invalid;
	*len = head_message(h, msg, HEAD_MAX);
	if (*len < 0 || (size_t)*len != signed_len || memcmp(msg, buf, signed_len) != 0)
		goto invalid;
	return 0;
invalid:
	cli_error("huvudfilen är inte ett huvud från nsp audit head", "the head file is not a head made by nsp audit head");
	return -1;
}

/*
 * nsp audit verify --head FILE: the head's signature, that the entry it
 * names still has its hash, and (the caller's report) the chain to the end.
 * Returns the exit status.
 */
static int verify_head(struct db *db, const char *keyfile, const char *file, int64_t *head_id)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], now[DB_HASH_BYTES];
	char msg[HEAD_MAX];
	struct head h;
	int len;

	if (read_head(file, &h, msg, &len) != 0)
		return 1;
	*head_id = h.id;
	if (signing_keys(keyfile, pk, sk) != 0)
		return 1;
	sodium_memzero(sk, sizeof sk);
	if (sodium_memcmp(pk, h.pk, sizeof pk) != 0) {
		cli_error("huvudet är signerat med en annan nyckel än databasens",
			  "the head is signed with another key than the database's");
		return 1;
	}
	if (crypto_sign_verify_detached(h.sig, (const unsigned char *)msg, (unsigned long long)len, h.pk) != 0) {
		cli_error("huvudets signatur är ogiltig: filen har ändrats eller förfalskats",
			  "the head's signature is invalid: the file was altered or forged");
		return 1;
	}
	if (h.id == 0)
		return 0;    /* the log was empty then: whatever it holds now has grown from that */
	int rc = db_audit_entry_hash(db, h.id, now);
	if (rc == DB_NOTFOUND) {
		entry_error(h.id, 1);
		return 1;
	}
	if (rc != DB_OK) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		return 1;
	}
	if (sodium_memcmp(now, h.hash, sizeof now) != 0) {
		entry_error(h.id, 0);
		return 1;
	}
	return 0;
}

/* nsp audit verify: the whole chain. Returns the exit status. */
static int verify_chain(struct db *db, int quiet)
{
	struct audit_report r;
	if (db_audit_verify(db, &r) != 0) {
		fprintf(stderr, "nsp: %s\n", db_errmsg(db));
		return 1;
	}
	if (r.problem != AUDIT_OK) {
		static const char *const what_sv[] = { "", "ändrad", "poster före den saknas", "flyttad" };
		static const char *const what_en[] = { "", "altered", "entries before it are missing", "moved" };
		fprintf(stderr,
			cli_english() ? "nsp: audit log broken at entry %lld: %s (%s)\n"
				      : "nsp: granskningsloggen är bruten vid post %lld: %s (%s)\n",
			(long long)r.entry_id, cli_english() ? what_en[r.problem] : what_sv[r.problem], r.message);
		return 1;
	}
	if (!quiet)
		printf(cli_english() ? "audit log intact: %lld entries verified\n"
				     : "granskningsloggen är hel: %lld poster kontrollerade\n",
		       (long long)r.checked);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "head", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "nsp.db", *key_file = NULL, *head_file = NULL;
	char keypath[4096];
	int c;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_usage(argc < 2 ? stderr : stdout, usage_sv, usage_en);
		return argc < 2 ? 2 : 0;
	}
	const char *what = argv[1];
	if (strcmp(what, "verify") != 0 && strcmp(what, "head") != 0) {
		cli_error("okänt underkommando; se nsp audit --help", "unknown subcommand; see nsp audit --help");
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'k': key_file = optarg; break;
		case 'H': head_file = optarg; break;
		case 'h': return cli_usage(stdout, usage_sv, usage_en);
		default: cli_usage(stderr, usage_sv, usage_en); return 2;
		}
	}
	if (optind < argc - 1 || (head_file && strcmp(what, "verify") != 0)) {
		cli_usage(stderr, usage_sv, usage_en);
		return 2;
	}
	if (key_path(path, key_file, keypath, sizeof keypath) != 0) {
		cli_error("sökvägen till nyckelfilen är för lång", "the key file's path is too long");
		return 2;
	}
	struct db *db = cli_open_db(path, keypath, 1);
	if (!db)
		return 1;
	int rc;
	if (strcmp(what, "head") == 0) {
		rc = print_head(db, keypath);
	} else if (head_file) {
		/* The head first: a forged or foreign head fails before the long chain walk. */
		int64_t id = 0;
		rc = verify_head(db, keypath, head_file, &id);
		if (rc == 0)
			rc = verify_chain(db, 1);
		if (rc == 0)
			printf(cli_english() ? "audit log intact and only grown since the head (entry %lld)\n"
					     : "granskningsloggen är hel och har bara vuxit sedan huvudet (post %lld)\n",
			       (long long)id);
	} else {
		/* The chain, then the newest head this key knows (issue 16): an
		 * emptied or cut-back log verifies as a chain, not against a head.
		 * After a pass, the head of today's newest entry is kept instead. */
		char known[4200], text[HEAD_MAX + 200];
		int64_t id = 0;
		rc = verify_chain(db, 0);
		if (rc == 0 && known_head_path(keypath, known, sizeof known) == 0 && access(known, F_OK) == 0) {
			rc = verify_head(db, keypath, known, &id);
			if (rc == 0)
				printf(cli_english() ? "and only grown since the newest head known beside the key file (entry %lld)\n"
						     : "och har bara vuxit sedan det senaste huvudet bredvid nyckelfilen (post %lld)\n",
				       (long long)id);
		}
		if (rc == 0 && make_head(db, keypath, text, sizeof text) == 0)
			(void)save_known_head(keypath, text);
	}
	db_close(db);
	return rc;
}
