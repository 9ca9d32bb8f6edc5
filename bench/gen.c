/*
 * bench-gen: a deterministic synthetic database for the benchmarks.
 *
 *   build/bench-gen --db FILE --persons N [--seed S] [--years Y] [--ledger-rows N]
 *
 * Draws cases with the demonstration planner (src/demo: the 2025 report's
 * mix of genders, children, interventions and denials) over the last Y
 * years (default 10) and writes them straight through the store in large
 * transactions. Every application and decision is checked against the
 * rules (rules_check_application / rules_check_decision / R14) with the
 * person's history kept in memory, exactly as the service layer would
 * check it, so the data obeys R1–R14; a refusal is a bug of the planner
 * and stops the run. The year budgets are set at the end, above what was
 * committed (R10).
 *
 * --ledger-rows asks for about that many ledger rows: claims are then split
 * into several smaller claims on the same decision (as organisations that
 * claim weekly would), which adds payment rows without adding persons.
 *
 * Prints progress on standard error, and the counts and the time taken:
 * about 700 persons/s throughout, 1,000,000 persons with 10,000,000 ledger
 * rows in about 25 minutes on the shared two-CPU machines (it was 150
 * persons/s and falling: see tune_for_loading() and ST_PERSON_LAST_SEQ).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "demo/demo.h"
#include "domain/claims.h"
#include "domain/rules.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "util/password.h"

#define KR(n) ((int64_t)(n) * 100)
#define ORGS_PER_REGION 3
#define N_ORGS (REGION__COUNT * ORGS_PER_REGION)
#define CASES_PER_TRANSACTION 500
#define MAX_SPLIT 64

static const char usage[] =
	"Usage: bench-gen --db FILE --persons N [--seed S] [--years Y] [--ledger-rows N]\n"
	"Creates FILE (and FILE.key) with N synthetic persons over the last Y years (default 10).\n"
	"Användning: bench-gen --db FIL --persons N [--seed S] [--years Y] [--ledger-rows N]\n"
	"Skapar FIL (och FIL.key) med N syntetiska personer under de senaste Y åren (standard 10).\n";

/* The rules' view of one person, kept in memory while its case is written. */
struct pstate {
	struct person_facts f;
	struct granted g[DEMO_MAX_STEPS];
};

struct gen {
	struct db *db;
	day_t today, first;
	int first_year, years;
	int64_t coordinator, caseworker[N_ORGS], org[N_ORGS];
	struct cert_event cert;
	struct rate_table *tables;
	size_t n_tables;
	int64_t committed[64];                 /* per year from first_year */
	/* counts */
	int64_t persons, adults, children, applications, decisions, payments, closed, exits;
	int64_t rows_commit, rows_payment, rows_release;
	int64_t ledger_target, persons_target;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int die_db(struct gen *g, const char *what)
{
	fprintf(stderr, "bench-gen: %s: %s\n", what, db_errmsg(g->db));
	return -1;
}

static int die(const char *msg)
{
	fprintf(stderr, "bench-gen: %s\n", msg);
	return -1;
}

static int die_rule(const char *what, const struct verdict *v)
{
	fprintf(stderr, "bench-gen: the plan broke a rule at %s (a bug of src/demo/plan.c): %s\n", what, v->en);
	return -1;
}

/* The demo's second factor (demo_totp_secret) for a coordinator or caseworker, so that benchmark
 * logins work as the demo's do. */
static int enrol(struct gen *g, int64_t id)
{
	if (db_totp_begin(g->db, id, id, demo_totp_secret) != DB_OK || db_totp_confirm(g->db, id, 0, NULL, 0) != DB_OK)
		return die_db(g, "second factor");
	return 0;
}

/* Organisations in every police region, certified well before the first case; a caseworker each. */
static int setup(struct gen *g)
{
	static const enum org_kind kinds[ORGS_PER_REGION] = { ORG_PROTECTED_HOUSING, ORG_SAFE_HOUSING,
							     ORG_LOW_THRESHOLD };
	char hash[PASSWORD_HASH_MAX], name[96], user[DB_USERNAME_MAX];
	const struct demo_login *coord = &demo_logins[0];

	int64_t cert_id;

	if (password_hash(coord->password, hash) != 0)
		return die("out of memory");
	if (db_user_create(g->db, 0, coord->username, hash, ROLE_COORDINATOR, 0, "sv", &g->coordinator) != DB_OK)
		return die_db(g, "coordinator");
	if (enrol(g, g->coordinator) != 0)
		return -1;
	if (password_hash("Bench-Handlaggare-1", hash) != 0)
		return die("out of memory");
	g->cert = (struct cert_event){ g->first - 365, CERT_CERTIFIED };
	for (int i = 0; i < N_ORGS; i++) {
		int region = i / ORGS_PER_REGION;
		snprintf(name, sizeof name, "Syntetisk aktör %d (%s)", i + 1, enum_name(&enum_region, region));
		snprintf(user, sizeof user, "bench.handlaggare.%d", i + 1);
		if (db_org_create(g->db, g->coordinator, name, kinds[i % ORGS_PER_REGION], 1u << region, "", &g->org[i]) !=
			    DB_OK ||
		    db_cert_add(g->db, g->coordinator, g->org[i], CERT_CERTIFIED, g->cert.date, NULL, &cert_id) != DB_OK ||
		    db_user_create(g->db, g->coordinator, user, hash, ROLE_CASEWORKER, g->org[i], "sv",
				   &g->caseworker[i]) != DB_OK)
			return die_db(g, "organisation");
		if (enrol(g, g->caseworker[i]) != 0)
			return -1;
	}
	if (db_rate_tables(g->db, &g->tables, &g->n_tables) != DB_OK)
		return die_db(g, "rates");
	return 0;
}

static int64_t person_create(struct gen *g, int org, const struct demo_attrs *a, int64_t parent, int year)
{
	struct db_person_new p = {
		.organisation_id = g->org[org], .gender = a->gender, .age_group = a->age_group,
		.birth_year = a->birth_year, .exploitation = a->exploitation, .places = a->places,
		.violence = a->violence, .referral_source = a->referral_source, .legal_status = a->legal_status,
		.sweden_responsible = a->sweden_responsible, .parent_id = parent, .child_role = a->child_role,
		.code_year = year,
		.identity_json = a->identity ? "{\"name\":\"Syntetisk Exempelsson\",\"notes\":\"bench\"}" : NULL,
	};
	int64_t id;
	if (db_person_create(g->db, g->caseworker[org], &p, &id, NULL) != DB_OK)
		return die_db(g, "person");
	return id;
}

/* Writes one planned case through the store, checking every rule on the way. Returns 0 or -1. */
static int write_case(struct gen *g, const struct demo_case *c, int org, int split)
{
	struct pstate ps[1 + DEMO_MAX_CHILDREN];
	struct application app[DEMO_MAX_STEPS];
	int64_t kids[DEMO_MAX_STEPS][DEMO_MAX_CHILDREN];
	int64_t dec[DEMO_MAX_STEPS] = { 0 }, total[DEMO_MAX_STEPS] = { 0 }, paid[DEMO_MAX_STEPS] = { 0 };
	/* each decision's lines, for splitting its payments (payment_split) */
	struct decision_line dlines[DEMO_MAX_STEPS][DECISION_MAX_LINES];
	size_t n_dlines[DEMO_MAX_STEPS] = { 0 };
	struct named_child named[DEMO_MAX_CHILDREN];
	struct demo_event ev[DEMO_MAX_EVENTS];
	struct verdict v;
	int64_t cw = g->caseworker[org];
	int n = demo_case_events(c, ev);

	memset(ps, 0, sizeof ps);
	for (int i = 0; i < n; i++) {
		const struct demo_event *e = &ev[i];
		const struct demo_step *s = e->kind == DEMO_EV_EXIT || e->kind == DEMO_EV_REGISTER ? NULL : &c->step[e->step];
		struct pstate *who = s ? &ps[s->who + 1] : NULL;
		struct rule_input in = { .app = s ? &app[e->step] : NULL, .person = who ? &who->f : NULL,
					 .parent = s && s->who >= 0 ? &ps[0].f : NULL, .cert = &g->cert, .n_cert = 1,
					 .children = named };

		switch (e->kind) {
		case DEMO_EV_REGISTER:
			for (int k = 0; k <= c->n_children; k++) {
				const struct demo_attrs *a = k == 0 ? &c->adult : &c->child[k - 1];
				int64_t id = person_create(g, org, a, k == 0 ? 0 : ps[0].f.id, day_year(c->start));
				if (id < 0)
					return -1;
				struct person_facts *f = &ps[k].f;
				*f = (struct person_facts){ .id = id, .age_group = a->age_group, .child_role = a->child_role,
							    .parent_id = k == 0 ? 0 : ps[0].f.id,
							    .sweden_responsible = a->sweden_responsible,
							    .admitted_on = DAY_NONE, .exit_on = DAY_NONE,
							    .granted = ps[k].g };
				if (k > 0)
					named[k - 1] = (struct named_child){ id, true, ps[0].f.id, a->child_role };
			}
			g->persons += 1 + c->n_children;
			g->adults++;
			g->children += c->n_children;
			break;
		case DEMO_EV_APPLY: {
			const struct demo_basis *b = &demo_bases[c->basis];
			struct application *a = &app[e->step];
			size_t nk = 0;
			for (int k = 0; k < c->n_children; k++)
				if (s->children & (1u << k))
					kids[e->step][nk++] = ps[k + 1].f.id;
			*a = (struct application){
				.person_id = who->f.id, .organisation_id = g->org[org], .type = s->type,
				.submitted_on = s->submitted_on, .from = s->from, .to = s->to, .units = s->units,
				.category = s->category,
				.basis = { b->kind, 1, b->actor, b->reason, b->reference, b->actor_kind, b->reason_category },
				.identified = s->type == APP_ADMISSION, .needs_assessment = s->needs_assessment,
				.plan = s->plan, .evaluation = s->evaluation, .motivation = s->motivation,
				.children = kids[e->step], .n_children = nk,
			};
			/* named[] is indexed like the application's children, as rule_r7_children wants. */
			struct named_child order[DEMO_MAX_CHILDREN];
			for (size_t k = 0, j = 0; k < (size_t)c->n_children; k++)
				if (s->children & (1u << k))
					order[j++] = named[k];
			in.children = order;
			if (!rules_check_application(&in, &v))
				return die_rule("an application", &v);
			int64_t id;
			if (db_application_create(g->db, cw, a, &id) != DB_OK)
				return die_db(g, "application");
			a->id = id;
			g->applications++;
			break;
		}
		case DEMO_EV_DECIDE: {
			struct named_child order[DEMO_MAX_CHILDREN];
			for (size_t k = 0, j = 0; k < (size_t)c->n_children; k++)
				if (s->children & (1u << k))
					order[j++] = named[k];
			in.children = order;
			struct decision_request dr = { s->outcome, s->decided_on, s->gfrom, s->gto, s->gunits,
						       s->emergency, s->reason, NULL };
			if (s->outcome == OUTCOME_DENIED) {
				dr.from = dr.to = DAY_NONE;
				dr.units = 0;
			}
			if (!rules_check_decision(&in, &dr, &v))
				return die_rule("a decision", &v);
			struct decision_line lines[DECISION_MAX_LINES];
			int nl = 0;
			if (s->outcome != OUTCOME_DENIED &&
			    (nl = decision_amount(&app[e->step], s->gfrom, s->gto, s->gunits, s->decided_on, g->tables,
						  g->n_tables, lines)) < 0)
				return die("the amount does not compute");
			bool period = app_type_has_period(s->type) && s->outcome != OUTCOME_DENIED;
			struct db_decision_new nd = {
				.application_id = app[e->step].id, .outcome = s->outcome, .decided_on = s->decided_on,
				.from = period ? s->gfrom : DAY_NONE, .to = period ? s->gto : DAY_NONE,
				.units = app_type_is_point(s->type) && s->outcome != OUTCOME_DENIED ? s->gunits : 0,
				.emergency = s->emergency, .reason = s->reason, .lines = lines, .n_lines = (size_t)nl,
			};
			if (db_decision_record(g->db, g->coordinator, &nd, &dec[e->step]) != DB_OK)
				return die_db(g, "decision");
			for (int k = 0; k < nl; k++)
				total[e->step] += lines[k].amount_ore;
			memcpy(dlines[e->step], lines, sizeof lines);
			n_dlines[e->step] = (size_t)nl;
			g->decisions++;
			if (total[e->step] > 0) {
				g->rows_commit++;
				int y = day_year(s->decided_on) - g->first_year;
				if (y >= 0 && y < 64)
					g->committed[y] += total[e->step];
			}
			if (s->outcome != OUTCOME_DENIED && who->f.n_granted < DEMO_MAX_STEPS) {
				who->g[who->f.n_granted++] = (struct granted){
					dec[e->step], s->type, app_type_has_period(s->type) ? s->gfrom : DAY_NONE,
					app_type_has_period(s->type) ? s->gto : DAY_NONE, s->decided_on, s->category };
				if (s->type == APP_ADMISSION && who->f.admitted_on == DAY_NONE)
					who->f.admitted_on = s->decided_on;
			}
			break;
		}
		case DEMO_EV_PAY: {
			int64_t pid;
			int64_t amount = demo_claim_ore(total[e->step], &s->pay[e->pay]);
			int parts = amount >= split ? split : 1;
			for (int k = 0; k < parts; k++) {
				int64_t part = amount / parts + (k < amount % parts ? 1 : 0);
				if (part <= 0)
					continue;
				struct claim_facts f = { .granted_ore = total[e->step], .paid_ore = paid[e->step] };
				struct payment_line pl[DECISION_MAX_LINES];
				if (!claim_r14_allows(&f, part, &v))
					return die_rule("a payment", &v);
				int npl = payment_split(dlines[e->step], n_dlines[e->step], part, pl);
				if (npl <= 0 || db_payment_record(g->db, cw, dec[e->step], part, s->pay[e->pay].on, "bench", pl,
								  (size_t)npl, &pid) != DB_OK)
					return die_db(g, "payment");
				paid[e->step] += part;
				g->payments++;
				g->rows_payment++;
			}
			break;
		}
		case DEMO_EV_CLOSE:
			if (db_decision_close(g->db, g->coordinator, dec[e->step], s->close_on) != DB_OK)
				return die_db(g, "closing");
			g->closed++;
			g->rows_release += total[e->step] > paid[e->step];
			break;
		case DEMO_EV_EXIT: {
			struct pstate *p = &ps[e->step + 1];
			day_t on = e->step < 0 ? c->exit_on : c->child_exit_on[e->step];
			if (db_person_set_exit(g->db, cw, p->f.id, on, c->exit_dest) != DB_OK)
				return die_db(g, "exit");
			p->f.exit_on = on;
			g->exits++;
			break;
		}
		}
	}
	return 0;
}

/*
 * Settings for loading a fresh file only, never for the server. Each store
 * call inside bench-gen's large transactions is a savepoint, whose undo
 * journal SQLite keeps in a temporary file by default: a third of a run went
 * to pwrite() on /var/tmp (temp_store = MEMORY). A page cache large enough
 * for CASES_PER_TRANSACTION cases keeps dirty pages from spilling into the
 * WAL half-way, and no fsync: a crash mid-run leaves a file that is thrown
 * away anyway. The benchmarks run nsp with its own settings (synchronous =
 * FULL). The one place in bench-gen that talks to SQLite directly: the store
 * has no API for tuning a bulk load, and should not have one.
 */
static int tune_for_loading(struct gen *g)
{
	static const char pragmas[] =
		"PRAGMA temp_store = MEMORY; PRAGMA cache_size = -1048576; PRAGMA synchronous = OFF";
	char *msg = NULL;

	if (sqlite3_exec(g->db->conn, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench-gen: cannot tune the connection: %s\n", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int64_t ledger_rows(const struct gen *g)
{
	return g->rows_commit + g->rows_payment + g->rows_release;
}

/* Payments planned in a case (each becomes `split` rows). */
static int case_payments(const struct demo_case *c)
{
	int n = 0;
	for (int i = 0; i < c->n_steps; i++)
		n += c->step[i].n_pay;
	return n;
}

/* The budgets: above each year's commitments, in whole 100 000 kr (R10 then holds for every decision). */
static int put_budgets(struct gen *g)
{
	for (int y = 0; y < g->years && y < 64; y++) {
		int64_t b = g->committed[y] + g->committed[y] / 5 + KR(1000000);
		b -= b % KR(100000);
		struct db_year year = { .year = g->first_year + y, .has_budget = true, .budget_ore = b };
		if (db_year_put(g->db, g->coordinator, &year) != DB_OK)
			return die_db(g, "budget");
	}
	return 0;
}

static int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },       { "persons", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },     { "years", required_argument, NULL, 'y' },
		{ "ledger-rows", required_argument, NULL, 'l' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	int64_t persons = 0, seed = (int64_t)(DEMO_SEED & INT64_MAX), years = 10, ledger = 0;
	char err[DB_ERR_MAX], key_file[4096];
	unsigned char master[DB_KEY_BYTES];
	struct gen g;
	struct demo_rng rng;
	struct demo_case c;
	struct timespec t0;
	int ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int bad = 0;
		switch (ch) {
		case 'd': path = optarg; break;
		case 'p': bad = parse_i64(optarg, 1, INT64_C(100000000), &persons); break;
		case 's': bad = parse_i64(optarg, 0, INT64_MAX, &seed); break;
		case 'y': bad = parse_i64(optarg, 1, 50, &years); break;
		case 'l': bad = parse_i64(optarg, 0, INT64_C(10000000000), &ledger); break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
		if (bad) {
			fprintf(stderr, "bench-gen: invalid number %s / ogiltigt tal %s\n", optarg, optarg);
			return 2;
		}
	}
	if (!path || persons <= 0) {
		fputs(usage, stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	int n = snprintf(key_file, sizeof key_file, "%s.key", path);
	struct stat st;
	if (n < 0 || (size_t)n >= sizeof key_file || stat(path, &st) == 0 || stat(key_file, &st) == 0) {
		fprintf(stderr, "bench-gen: %s or its key exists already (or the path is too long) / finns redan\n", path);
		return 1;
	}

	memset(&g, 0, sizeof g);
	g.today = day_today();
	g.years = (int)years;
	g.first_year = day_year(g.today) - g.years + 1;
	g.first = day_from_ymd(g.first_year, 1, 3);
	g.persons_target = persons;
	g.ledger_target = ledger;
	if (db_open(&g.db, path, DB_CREATE, err, sizeof err) != 0) {
		fprintf(stderr, "bench-gen: %s\n", err);
		return 1;
	}
	if (db_key_file_create(key_file, master, err, sizeof err) != 0) {
		fprintf(stderr, "bench-gen: %s\n", err);
		goto out;
	}
	int keyed = db_set_keys(g.db, master);
	sodium_memzero(master, sizeof master);
	if (keyed != 0) {
		die_db(&g, "keys");
		goto out;
	}
	if (tune_for_loading(&g) != 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (db_begin(g.db) != 0 || setup(&g) != 0)
		goto out;

	demo_rng_seed(&rng, (uint64_t)seed ? (uint64_t)seed : DEMO_SEED);
	int64_t cases = 0, next_report = 10000;
	while (g.persons < persons) {
		int org = (int)demo_rng_below(&rng, N_ORGS);
		struct demo_case_opts o = { .today = g.today, .kind = -1, .gender = -1, .n_children = -1, .months = -1,
					    .housing = org % ORGS_PER_REGION != 2, .child_role = -1 };
		/* Cases arrive in date order, as they would: the date and code indexes then grow at
		 * their end instead of at random pages, which keeps large runs fast. */
		int64_t span = (int64_t)(g.today - 1 - g.first);
		o.start = g.first + (day_t)(span * g.persons / persons) + (day_t)demo_rng_range(&rng, 0, 6);
		if (o.start > g.today - 1)
			o.start = g.today - 1;
		demo_plan_case(&rng, &o, &c);
		/* Split this case's claims by what is missing to reach --ledger-rows at this point. */
		int split = 1, np = case_payments(&c);
		if (g.ledger_target > 0 && np > 0) {
			int64_t want = g.ledger_target / persons * g.persons +
				       g.ledger_target % persons * g.persons / persons;
			int64_t missing = want - ledger_rows(&g);
			if (missing > 0)
				split = (int)(1 + missing / np > MAX_SPLIT ? MAX_SPLIT : 1 + missing / np);
		}
		if (write_case(&g, &c, org, split) != 0)
			goto out;
		if (++cases % CASES_PER_TRANSACTION == 0 && (db_commit(g.db) != 0 || db_begin(g.db) != 0)) {
			die_db(&g, "commit");
			goto out;
		}
		if (g.persons >= next_report) {
			double s = seconds_since(&t0);
			fprintf(stderr, "bench-gen: %lld/%lld persons, %lld ledger rows, %.0f s (%.0f persons/s)\n",
				(long long)g.persons, (long long)persons, (long long)ledger_rows(&g), s,
				(double)g.persons / (s > 0 ? s : 1));
			next_report += persons >= 200000 ? 50000 : 10000;
		}
	}
	if (put_budgets(&g) != 0 || db_commit(g.db) != 0) {
		die_db(&g, "commit");
		goto out;
	}
	double s = seconds_since(&t0);
	printf("bench-gen: %s: %lld persons (%lld adults, %lld children), %lld applications, %lld decisions, "
	       "%lld payments, %lld closed, %lld exits\n",
	       path, (long long)g.persons, (long long)g.adults, (long long)g.children, (long long)g.applications,
	       (long long)g.decisions, (long long)g.payments, (long long)g.closed, (long long)g.exits);
	printf("bench-gen: %lld ledger rows (%lld commit, %lld payment, %lld release) over %d years, seed %lld\n",
	       (long long)ledger_rows(&g), (long long)g.rows_commit, (long long)g.rows_payment,
	       (long long)g.rows_release, g.years, (long long)seed);
	printf("bench-gen: %.1f s (%.0f persons/s); log in as %s / %s (or bench.handlaggare.N / "
	       "Bench-Handlaggare-1) with the second factor of `nsp demo`\n",
	       s, (double)g.persons / (s > 0 ? s : 1), demo_logins[0].username, demo_logins[0].password);
	rc = 0;
out:
	if (rc != 0)
		db_rollback(g.db);
	free(g.tables);
	db_close(g.db);
	return rc;
}
