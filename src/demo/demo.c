/*
 * The demonstration database (demo.h): fictional organisations, users,
 * budgets and about 200 persons over the current and the previous year,
 * written through the service layer so that every record passes the same
 * validation and rules (R1–R14) as real input.
 *
 * The cases are planned first (plan.c), then all their events — and the
 * placement requests and consultations — are executed in date order, so
 * that ids and the audit log follow the calendar as they would have in a
 * real year.
 */
#include "demo/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/store.h"
#include "util/password.h"
#include "web/service.h"

#define KR(n) ((int64_t)(n) * 100)
#define DEMO_BUDGET_ORE KR(3500000)
#define REGION(r) (1u << (r))

const struct demo_login demo_logins[] = {
	{ "coordinator", "samordnare", "Demo-Samordnare-1", NULL },
	{ "caseworker", "handlaggare.fristaden", "Demo-Fristaden-1", "Fristaden skyddat boende (demo)" },
	{ "caseworker", "handlaggare.hamnen", "Demo-Hamnen-123", "Trygga Hamnen (demo)" },
	{ "funder", "finansiar", "Demo-Finansiar-1", NULL },
};
const int demo_n_logins = (int)(sizeof demo_logins / sizeof demo_logins[0]);

/* Not a C string: exactly the 20 bytes of the text, no NUL. */
const unsigned char demo_totp_secret[DEMO_TOTP_SECRET_BYTES] = {
	'n', 's', 'p', '-', 'd', 'e', 'm', 'o', '-', 't', 'o', 't', 'p', '-', 's', 'e', 'c', 'r', 'e', 't',
};

/* Organisations in four police regions; the last one is still in its certification process. */
struct demo_org {
	const char *name;
	enum org_kind kind;
	uint32_t regions;
	const char *contact;
	const char *username, *password; /* its caseworker; NULL for none */
	unsigned weight;                 /* share of the cases */
	bool housing, certified;
};

static const struct demo_org orgs[] = {
	{ "Fristaden skyddat boende (demo)", ORG_PROTECTED_HOUSING, REGION(REGION_STOCKHOLM),
	  "fristaden@example.org, 08-000 00 01", "handlaggare.fristaden", "Demo-Fristaden-1", 30, true, true },
	{ "Trygga Hamnen (demo)", ORG_SAFE_HOUSING, REGION(REGION_VAST), "hamnen@example.org, 031-000 00 02",
	  "handlaggare.hamnen", "Demo-Hamnen-123", 22, true, true },
	{ "Skyddsboendet Sydkusten (demo)", ORG_PROTECTED_HOUSING, REGION(REGION_SYD),
	  "sydkusten@example.org, 040-000 00 03", "handlaggare.sydkusten", "Demo-Sydkusten-1", 20, true, true },
	{ "Rådgivningsbyrån Exempel (demo)", ORG_LOW_THRESHOLD, REGION(REGION_STOCKHOLM),
	  "radgivning@example.org, 08-000 00 04", "handlaggare.radgivning", "Demo-Radgivning-1", 14, false, true },
	{ "Norrskenshuset (demo)", ORG_PROTECTED_HOUSING, REGION(REGION_NORD), "norrsken@example.org, 090-000 00 05",
	  "handlaggare.norrsken", "Demo-Norrsken-1", 14, true, true },
	{ "Midnattsjouren (demo)", ORG_PROTECTED_HOUSING, REGION(REGION_NORD), "midnatt@example.org, 0920-000 00 06",
	  NULL, NULL, 0, true, false },
};
#define N_ORGS ((int)(sizeof orgs / sizeof orgs[0]))

/* ---------------------------------------------------------------- fictional identities */

static const char *const first_women[] = { "Alva", "Bodil", "Cornelia", "Dagny", "Edit", "Flora",
					   "Gudrun", "Hilma", "Ingrid", "Judit", "Kajsa", "Lova" };
static const char *const first_men[] = { "Anton", "Bror", "Conrad", "Dag", "Einar", "Folke",
					 "Gösta", "Helge", "Ivar", "Joel", "Kjell", "Linus" };
static const char *const first_other[] = { "Kim", "Robin", "Alex", "Sam", "Charlie", "Mika" };
static const char *const surnames[] = { "Exempelsson", "Påhittad", "Demosdotter", "Fiktivsson", "Testberg",
					"Låtsasson", "Provqvist", "Skenström", "Övningsdal", "Attrappsson" };
static const char *const languages[] = { "rumänska", "engelska", "spanska", "thailändska", "arabiska",
					 "ungerska", "vietnamesiska", "swahili", "bulgariska", "polska" };

#define PICK(r, arr) ((arr)[demo_rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---------------------------------------------------------------- placement requests, consultations */

struct extra {
	bool consultation;
	bool contact;                  /* a contact of the contact register (issue 19) */
	int same_case;                 /* a contact: the case whose adult it is (-1 none) */
	int same_contact;              /* a contact: the earlier contact (extras index) it is (-1 none) */
	enum gender gender;
	enum age_group age_group;
	uint32_t missing;
	day_t on;
	int org;                       /* index into orgs, or -1 */
	enum region region;
	enum target_group group;
	enum placement_outcome outcome;
	enum asker asker;
	const char *topic, *result;
	int64_t minutes;
};

static const char *const topics[] = {
	"Socialtjänstens ansvar för en person med uppehållstillstånd för betänketid",
	"Barn som bevittnat våld mot föräldern: vem ansvarar för stödet?",
	"Skyddat boende för en man utsatt för tvångsarbete",
	"Hänvisning till certifierad aktör i regionen",
	"Förvarstagen person som identifierats som brottsoffer",
	"Tryggt återvändande utan återvändandeprogrammet",
	"Kompletteringsprincipen vid avslag utan skriftligt beslut",
};
static const char *const results[] = {
	"Hänvisad till regionkoordinatorn.",
	"Socialtjänsten beviljade placering efter rådgivningen.",
	"Råd om kompletteringsprincipen; ingen ansökan till NSP.",
	"Ansökan om tillträde till NSP förbereds av certifierad aktör.",
	"Juridisk rådgivning förmedlad.",
};
static const unsigned w_asker[ASKER__COUNT] = { 40, 25, 15, 5, 5, 5, 5 };
static const unsigned w_consult_region[REGION__COUNT] = { 6, 8, 30, 10, 20, 20, 6 };

/* ---------------------------------------------------------------- the run */

struct run_case {
	struct demo_case plan;
	int org;
	int64_t adult_id;
	int64_t child_id[DEMO_MAX_CHILDREN];
	int64_t app_id[DEMO_MAX_STEPS];
	int64_t dec_id[DEMO_MAX_STEPS];
	int64_t total[DEMO_MAX_STEPS];
};

/* The day the case's adult was granted admission, or DAY_NONE (denied, waiting, none). */
static day_t case_admitted_on(const struct demo_case *c)
{
	for (int i = 0; i < c->n_steps; i++)
		if (c->step[i].who == -1 && c->step[i].type == APP_ADMISSION && c->step[i].outcome == OUTCOME_GRANTED &&
		    c->step[i].decided_on != DAY_NONE)
			return c->step[i].decided_on;
	return DAY_NONE;
}

/* May a contact be the same person as this case's adult, admitted before today? */
static bool linkable_case(const struct demo_case *c, day_t today)
{
	day_t admitted = case_admitted_on(c);
	return c->adult.identity && c->adult.birth_year != 0 && admitted != DAY_NONE && admitted < today;
}

/* One thing to do on a day: an event of a case, or an extra (cas == -1, ev.step = its index). */
struct gevent {
	day_t on;
	int32_t seq;
	int32_t cas;
	struct demo_event ev;
};

struct demo_run {
	struct db *db;
	day_t today, first;
	struct demo_rng rng, names;
	struct actor coordinator, funder, caseworker[N_ORGS];
	int64_t org_id[N_ORGS];
	struct run_case *cases;
	int n_cases, cap_cases;
	struct extra *extras;
	int n_extras, cap_extras;
	int persons_total, persons_done;
	struct demo_counts counts;
	demo_progress_fn progress;
	void *ctx;
	char *err;
	size_t errsz;
};

/* Records why the fill failed (both languages, the rule when there is one). Returns -1. */
static int fail(struct demo_run *d, const char *what, const struct svc_error *e)
{
	/* A rule's messages start with its id already ("R4: ..."). */
	if (e)
		snprintf(d->err, d->errsz, "%s: %s / %s", what, e->sv, e->en);
	else
		snprintf(d->err, d->errsz, "%s", what);
	return -1;
}

/* Calls returned JSON: the id, or -1 after fail() when the call was refused. */
static int64_t take_id(struct demo_run *d, json_t *res, const char *what, const struct svc_error *e)
{
	if (!res) {
		fail(d, what, e);
		return -1;
	}
	int64_t id = json_integer_value(json_object_get(res, "id"));
	json_decref(res);
	if (id <= 0) {
		fail(d, what, NULL);
		return -1;
	}
	return id;
}

static struct svc svc_as(struct demo_run *d, const struct actor *a)
{
	return (struct svc){ .app = NULL, .db = d->db, .actor = a, .client_addr = NULL };
}

static json_t *day_json(day_t on)
{
	char b[DAY_BUFSZ];
	return json_string(day_format(on, b));
}

static json_t *mask_json(const struct enum_def *def, uint32_t mask)
{
	json_t *a = json_array();
	for (int i = 0; i < def->count; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(enum_name(def, i)));
	return a;
}

static void actor_set(struct actor *a, int64_t id, enum role role, int64_t org, const char *username)
{
	memset(a, 0, sizeof *a);
	a->user_id = id;
	a->role = role;
	a->organisation_id = org;
	snprintf(a->username, sizeof a->username, "%s", username);
	snprintf(a->lang, sizeof a->lang, "sv");
	a->logged_in = true;
}

/* Enrols the demo secret for user id, as if the user had scanned it and typed a first code. */
static int enrol_demo_totp(struct demo_run *d, int64_t id)
{
	if (db_totp_begin(d->db, id, id, demo_totp_secret) != DB_OK ||
	    db_totp_confirm(d->db, id, 0, NULL, 0) != DB_OK)
		return fail(d, db_errmsg(d->db), NULL);
	return 0;
}

/* ---------------------------------------------------------------- setup */

static int first_region(uint32_t mask)
{
	for (int i = 0; i < REGION__COUNT; i++)
		if (mask & (1u << i))
			return i;
	return REGION_STOCKHOLM;
}

/* Places per police region and target group: few for men, who were turned away at times (section 4). */
struct demo_places {
	int org;
	enum target_group group;
	int64_t places;
};
static const struct demo_places places[] = {
	{ 0, TARGET_WOMEN, 4 }, { 0, TARGET_MEN, 1 }, { 0, TARGET_FAMILIES, 2 },
	{ 1, TARGET_WOMEN, 3 }, { 1, TARGET_MEN, 2 }, { 1, TARGET_FAMILIES, 1 },
	{ 2, TARGET_WOMEN, 3 }, { 2, TARGET_MEN, 1 }, { 2, TARGET_FAMILIES, 2 },
	{ 4, TARGET_WOMEN, 2 }, { 4, TARGET_MEN, 1 },
};

/* Quality follow-up as the 2025 report describes it: two network meetings a year, a survey, site visits. */
struct demo_follow_up {
	int year_offset;               /* 0 = the previous year, 1 = the current one */
	int month, mday;
	const char *kind;
	int org;                       /* -1: every certified organisation */
	const char *notes;
};
static const struct demo_follow_up follow_ups[] = {
	{ 0, 3, 20, "network_meeting", -1, "Digital nätverksträff: årets program och insatser." },
	{ 0, 5, 12, "site_visit", 2, "Platsbesök: genomgång av skriftliga rutiner för hot- och riskbedömning." },
	{ 0, 10, 15, "network_meeting", -1,
	  "Fysisk heldagsträff i Stockholm: nya socialtjänstlagen, IOP-avtal, att överklaga socialtjänstbeslut." },
	{ 0, 11, 20, "survey", -1, "Digital enkät om verksamhetsförändringar och minimikraven." },
	{ 1, 3, 18, "network_meeting", -1, "Digital nätverksträff: uppstart av året." },
	{ 1, 9, 22, "site_visit", 4, "Platsbesök efter enkäten: boendets säkerhetsrutiner." },
	{ 1, 10, 14, "network_meeting", -1, "Fysisk nätverksträff: barn som placeras med förälder." },
};

/* The housing organisations' places and the follow-ups dated up to today. */
static int setup_quality(struct demo_run *d, struct svc *s)
{
	struct svc_error e;
	int Y0 = day_year(d->today) - 1;
	for (int i = 0; i < N_ORGS; i++) {
		json_t *rows = json_array();
		for (size_t k = 0; k < sizeof places / sizeof places[0]; k++)
			if (places[k].org == i)
				json_array_append_new(rows, json_pack("{s:s, s:s, s:I}", "region",
								      enum_name(&enum_region, first_region(orgs[i].regions)),
								      "target_group",
								      enum_name(&enum_target_group, (int)places[k].group),
								      "places", (json_int_t)places[k].places));
		if (json_array_size(rows) == 0) {
			json_decref(rows);
			continue;
		}
		json_t *in = json_pack("{s:o}", "places", rows);
		json_t *res = svc_capacity_put(s, d->org_id[i], in, &e);
		json_decref(in);
		if (!res)
			return fail(d, "places", &e);
		json_decref(res);
	}
	for (size_t k = 0; k < sizeof follow_ups / sizeof follow_ups[0]; k++) {
		const struct demo_follow_up *f = &follow_ups[k];
		day_t on = day_from_ymd(Y0 + f->year_offset, f->month, f->mday);
		if (on > d->today)
			continue;
		json_t *ids = json_array();
		for (int i = 0; i < N_ORGS; i++)
			if (orgs[i].certified && (f->org < 0 || f->org == i))
				json_array_append_new(ids, json_integer(d->org_id[i]));
		json_t *in = json_pack("{s:s, s:o, s:s, s:o}", "kind", f->kind, "date", day_json(on), "notes", f->notes,
				       "organisation_ids", ids);
		json_t *res = svc_follow_up_create(s, in, &e);
		json_decref(in);
		if (!res)
			return fail(d, "follow-up", &e);
		json_decref(res);
		d->counts.follow_ups++;
	}
	return 0;
}

/* The coordinator as `nsp init` makes it (the store directly), then everything else as that coordinator. */
static int setup(struct demo_run *d)
{
	char hash[PASSWORD_HASH_MAX];
	int64_t uid;
	struct svc_error e;
	int Y0 = day_year(d->today) - 1;

	if (password_hash(demo_logins[0].password, hash) != 0)
		return fail(d, "the password could not be hashed / lösenordet kunde inte hashas", NULL);
	if (db_user_create(d->db, 0, demo_logins[0].username, hash, ROLE_COORDINATOR, 0, "sv", &uid) != DB_OK)
		return fail(d, db_errmsg(d->db), NULL);
	actor_set(&d->coordinator, uid, ROLE_COORDINATOR, 0, demo_logins[0].username);
	struct svc s = svc_as(d, &d->coordinator);
	d->counts.users++;
	if (enrol_demo_totp(d, uid) != 0)
		return -1;

	for (int i = 0; i < N_ORGS; i++) {
		const struct demo_org *o = &orgs[i];
		/* Every demo organisation with a caseworker is a member of the platform (records contacts). */
		json_t *in = json_pack("{s:s, s:s, s:o, s:s, s:b}", "name", o->name, "kind",
				       enum_name(&enum_org_kind, o->kind), "regions", mask_json(&enum_region, o->regions),
				       "contact", o->contact, "member", o->username != NULL);
		d->org_id[i] = take_id(d, svc_org_create(&s, in, &e), "organisation", &e);
		json_decref(in);
		if (d->org_id[i] < 0)
			return -1;
		d->counts.organisations++;
		/* E-mail notices: kept in the outbox (the demo has no mail server). */
		char contact[64];
		snprintf(contact, sizeof contact, "kontakt%d@demo.example", i + 1);
		json_t *ce = json_pack("{s:s}", "contact_email", contact);
		json_t *org = svc_org_set_contact_email(&s, d->org_id[i], ce, &e);
		json_decref(ce);
		if (!org)
			return fail(d, "contact e-mail", &e);
		json_decref(org);

		/* Certification history: in process, certified, recertified with the checklist. */
		struct cert_event ev[3];
		int n = 0;
		if (o->certified) {
			ev[n++] = (struct cert_event){ day_from_ymd(Y0 - 3, 9, 1 + i), CERT_IN_PROCESS };
			ev[n++] = (struct cert_event){ day_from_ymd(Y0 - 2, 3, 15 + i), CERT_CERTIFIED };
			ev[n++] = (struct cert_event){ day_from_ymd(Y0, 6, 2 + i), CERT_CERTIFIED };
		} else {
			ev[n++] = (struct cert_event){ day_from_ymd(Y0, 2, 1), CERT_PROSPECT };
			ev[n++] = (struct cert_event){ day_from_ymd(Y0, 5, 1), CERT_IN_PROCESS };
		}
		for (int k = 0; k < n; k++) {
			bool done = ev[k].status == CERT_CERTIFIED;
			json_t *req = json_pack("{s:b, s:b, s:b, s:b}", "knowledge_of_trafficking", 1,
						"threat_and_risk_routines", done, "security_routines", done,
						"support_matches_rights", done);
			json_t *cin = json_pack("{s:s, s:o, s:o}", "status", enum_name(&enum_cert_status, (int)ev[k].status),
						"date", day_json(ev[k].date), "requirements", req);
			json_t *res = svc_cert_add(&s, d->org_id[i], cin, &e);
			json_decref(cin);
			if (!res)
				return fail(d, "certification", &e);
			json_decref(res);
		}
	}

	for (int i = 0; i < N_ORGS + 1; i++) {
		const char *user = i < N_ORGS ? orgs[i].username : demo_logins[3].username;
		const char *pw = i < N_ORGS ? orgs[i].password : demo_logins[3].password;
		if (!user)
			continue;
		json_t *in = json_pack("{s:s, s:s, s:s}", "username", user, "password", pw, "role",
				       i < N_ORGS ? "caseworker" : "funder");
		if (i < N_ORGS)
			json_object_set_new(in, "organisation_id", json_integer(d->org_id[i]));
		int64_t id = take_id(d, svc_user_create(&s, in, &e), "user", &e);
		json_decref(in);
		if (id < 0)
			return -1;
		d->counts.users++;
		if (i < N_ORGS && enrol_demo_totp(d, id) != 0)
			return -1;
		if (i < N_ORGS)
			actor_set(&d->caseworker[i], id, ROLE_CASEWORKER, d->org_id[i], user);
		else
			actor_set(&d->funder, id, ROLE_FUNDER, 0, user);
	}

	if (setup_quality(d, &s) != 0)
		return -1;

	/* Budgets of both years; the rates are the built-in 2025 table. */
	for (int y = Y0; y <= Y0 + 1; y++) {
		json_t *in = json_pack("{s:I}", "budget_ore", (json_int_t)DEMO_BUDGET_ORE);
		json_t *res = svc_year_put(&s, y, in, &e);
		json_decref(in);
		if (!res)
			return fail(d, "budget", &e);
		json_decref(res);
	}
	return 0;
}

/* ---------------------------------------------------------------- planning */

static int add_case(struct demo_run *d, int org, const struct demo_case_opts *o)
{
	if (d->n_cases == d->cap_cases) {
		int cap = d->cap_cases ? d->cap_cases * 2 : 64;
		struct run_case *n = realloc(d->cases, (size_t)cap * sizeof *n);
		if (!n)
			return fail(d, "out of memory / minnet räcker inte", NULL);
		d->cases = n;
		d->cap_cases = cap;
	}
	struct run_case *c = &d->cases[d->n_cases++];
	memset(c, 0, sizeof *c);
	c->org = org;
	demo_plan_case(&d->rng, o, &c->plan);
	d->persons_total += demo_case_persons(&c->plan);
	return 0;
}

static struct extra *add_extra(struct demo_run *d)
{
	if (d->n_extras == d->cap_extras) {
		int cap = d->cap_extras ? d->cap_extras * 2 : 64;
		struct extra *n = realloc(d->extras, (size_t)cap * sizeof *n);
		if (!n)
			return NULL;
		d->extras = n;
		d->cap_extras = cap;
	}
	struct extra *x = &d->extras[d->n_extras++];
	memset(x, 0, sizeof *x);
	x->org = -1;
	return x;
}

/*
 * The fixed scenarios that a demonstration must show whatever the random
 * draw: periods ending within a week at both demo organisations, an
 * emergency decision, an admission waiting in the coordinator's queue, a
 * denial, a partial grant with a release, a child with its own plan.
 */
static int plan_fixed(struct demo_run *d)
{
	day_t t = d->today;
	struct demo_case_opts base = { .today = t, .kind = -1, .gender = -1, .n_children = -1, .months = -1,
				       .housing = true, .child_role = -1 };
	struct demo_case_opts o;

	o = base; /* reflection ending in 1..6 days, two children living with the mother */
	o.start = t - 29, o.kind = DEMO_CASE_HOUSING, o.gender = GENDER_FEMALE, o.n_children = 2, o.months = 0;
	o.certain = true, o.child_role = CHILD_SECONDARY;
	if (add_case(d, 0, &o))
		return -1;
	o = base; /* the second extended month ends in 2..7 days; the next is being applied for */
	o.start = t - 88, o.kind = DEMO_CASE_HOUSING, o.gender = GENDER_FEMALE, o.n_children = 0, o.months = 6;
	o.certain = true;
	if (add_case(d, 1, &o))
		return -1;
	o = base; /* an emergency reflection period (R2e) for a man */
	o.start = t - 12, o.kind = DEMO_CASE_HOUSING, o.gender = GENDER_MALE, o.n_children = 0, o.months = 0;
	o.emergency = true, o.certain = true;
	if (add_case(d, 2, &o))
		return -1;
	o = base; /* an admission submitted today: waits for the coordinator */
	o.start = t, o.kind = DEMO_CASE_POINT, o.n_children = 0;
	if (add_case(d, 1, &o))
		return -1;
	o = base; /* a denied admission */
	o.start = t - 30, o.kind = DEMO_CASE_DENIED, o.n_children = 0, o.housing = false;
	if (add_case(d, 3, &o))
		return -1;
	o = base; /* partly granted, less used, closed with a release */
	o.start = t - 200, o.kind = DEMO_CASE_POINT, o.n_children = 0, o.partly = true, o.housing = false;
	if (add_case(d, 3, &o))
		return -1;
	o = base; /* a child with its own admission and interventions (R11) */
	o.start = t - 150, o.kind = DEMO_CASE_POINT, o.gender = GENDER_FEMALE, o.n_children = 1;
	o.child_role = CHILD_PRIMARY, o.certain = true;
	return add_case(d, 2, &o);
}

static int plan_random(struct demo_run *d, int persons)
{
	unsigned w[N_ORGS];
	for (int i = 0; i < N_ORGS; i++)
		w[i] = orgs[i].weight;
	while (d->persons_total < persons) {
		int org = demo_rng_pick(&d->rng, w, N_ORGS);
		struct demo_case_opts o = { .today = d->today, .kind = -1, .gender = -1, .n_children = -1,
					    .months = -1, .housing = orgs[org].housing, .child_role = -1 };
		o.start = (day_t)demo_rng_range(&d->rng, d->first, d->today - 1);
		if (add_case(d, org, &o))
			return -1;
	}
	return 0;
}

/* A placement request for every housing case, unmet requests (mostly men), consultations. */
static int plan_extras(struct demo_run *d)
{
	struct demo_rng *r = &d->rng;
	for (int i = 0; i < d->n_cases; i++) {
		const struct demo_case *c = &d->cases[i].plan;
		if (c->kind != DEMO_CASE_HOUSING && c->kind != DEMO_CASE_EXTENDED)
			continue;
		struct extra *x = add_extra(d);
		if (!x)
			return fail(d, "out of memory / minnet räcker inte", NULL);
		bool family = false;
		for (int k = 0; k < c->n_children; k++)
			family |= c->child[k].child_role != CHILD_ELSEWHERE;
		x->on = c->start;
		x->org = d->cases[i].org;
		x->region = (enum region)first_region(orgs[x->org].regions);
		x->group = c->adult.gender == GENDER_MALE ? TARGET_MEN : family ? TARGET_FAMILIES : TARGET_WOMEN;
		x->outcome = PLACEMENT_PLACED;
	}
	/* The places for men were full for parts of the year: unmet requests in both years. */
	int unmet = 2 + d->persons_total / 40;
	for (int i = 0; i < unmet; i++) {
		struct extra *x = add_extra(d);
		if (!x)
			return fail(d, "out of memory / minnet räcker inte", NULL);
		x->on = i == 0 ? d->first + 140 : i == 1 ? d->today - 10 : (day_t)demo_rng_range(r, d->first, d->today);
		if (x->on < d->first)
			x->on = d->first;
		x->region = (enum region)demo_rng_below(r, REGION__COUNT);
		x->group = i < 2 || demo_rng_chance(r, 700) ? TARGET_MEN : TARGET_FAMILIES;
		x->outcome = PLACEMENT_NO_PLACE;
	}
	for (int i = 0; i < 2 + d->persons_total / 60; i++) {
		struct extra *x = add_extra(d);
		if (!x)
			return fail(d, "out of memory / minnet räcker inte", NULL);
		x->on = (day_t)demo_rng_range(r, d->first, d->today);
		x->org = (int)demo_rng_below(r, 3);
		x->region = (enum region)first_region(orgs[x->org].regions);
		x->group = TARGET_WOMEN;
		x->outcome = PLACEMENT_DECLINED;
	}
	for (int i = 0; i < 3 + d->persons_total / 6; i++) {
		struct extra *x = add_extra(d);
		if (!x)
			return fail(d, "out of memory / minnet räcker inte", NULL);
		x->consultation = true;
		x->on = (day_t)demo_rng_range(r, d->first, d->today);
		x->asker = (enum asker)demo_rng_pick(r, w_asker, ASKER__COUNT);
		x->region = (enum region)demo_rng_pick(r, w_consult_region, REGION__COUNT);
		x->topic = PICK(r, topics);
		x->result = PICK(r, results);
		x->minutes = 5 * demo_rng_range(r, 3, 24);
	}
	/* The contact register: some contacts a year per member organisation; one in
	 * eight is an adult of the programme met by another organisation, one in six
	 * the same person as an earlier contact of another organisation. */
	int first_contact = d->n_extras;
	for (int i = 0; i < 5 + d->persons_total / 2; i++) {
		struct extra *x = add_extra(d);
		if (!x)
			return fail(d, "out of memory / minnet räcker inte", NULL);
		*x = (struct extra){ .contact = true, .same_case = -1, .same_contact = -1, .org = -1 };
		x->on = (day_t)demo_rng_range(r, d->first, d->today);
		do
			x->org = (int)demo_rng_below(r, N_ORGS);
		while (orgs[x->org].username == NULL);
		x->region = (enum region)first_region(orgs[x->org].regions);
		x->gender = demo_rng_chance(r, 650) ? GENDER_FEMALE : demo_rng_chance(r, 900) ? GENDER_MALE : GENDER_UNKNOWN;
		x->age_group = demo_rng_chance(r, 880) ? AGE_ADULT : AGE_CHILD;
		x->missing = 1u << demo_rng_below(r, NEED__COUNT);
		if (demo_rng_chance(r, 300))
			x->missing |= 1u << NEED_HOUSING;
		if (i % 8 == 3 && d->n_cases > 0) {
			/* From a case drawn at random on, the first whose adult was admitted before today
			 * and has a name and a birth date (what an exact linkage key needs): met by another
			 * organisation while in the programme, so that the report's "entered the programme"
			 * has someone on any day. */
			int c0 = (int)demo_rng_below(r, (unsigned)d->n_cases), c = c0;
			while (!linkable_case(&d->cases[c].plan, d->today) && (c = (c + 1) % d->n_cases) != c0)
				;
			const struct run_case *rc = &d->cases[c];
			day_t admitted = case_admitted_on(&rc->plan);
			if (linkable_case(&rc->plan, d->today)) {
				x->same_case = c;
				x->on = (day_t)demo_rng_range(r, admitted, d->today);
				x->gender = rc->plan.adult.gender;
				x->age_group = AGE_ADULT;
				/* another organisation meets the person */
				while (orgs[x->org].username == NULL || x->org == rc->org)
					x->org = (int)demo_rng_below(r, N_ORGS);
				x->region = (enum region)first_region(orgs[x->org].regions);
			}
		} else if (i % 6 == 5 && d->n_extras - 1 > first_contact) {
			int k = first_contact + (int)demo_rng_below(r, (unsigned)(d->n_extras - 1 - first_contact));
			const struct extra *y = &d->extras[k];
			if (y->same_case < 0 && y->same_contact < 0) {
				x->same_contact = k;
				x->gender = y->gender;
				x->age_group = y->age_group;
				x->on = y->on + (day_t)demo_rng_range(r, 1, 40);
				if (x->on > d->today)
					x->on = d->today;
				while (orgs[x->org].username == NULL || x->org == y->org)
					x->org = (int)demo_rng_below(r, N_ORGS);
				x->region = (enum region)first_region(orgs[x->org].regions);
			}
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- executing events */

static json_t *identity_json(struct demo_run *d, const struct demo_attrs *a)
{
	struct demo_rng *r = &d->names;
	const char *first = a->gender == GENDER_FEMALE ? PICK(r, first_women)
			    : a->gender == GENDER_MALE ? PICK(r, first_men)
						       : PICK(r, first_other);
	char name[96];
	snprintf(name, sizeof name, "%s %s", first, PICK(r, surnames));
	json_t *o = json_pack("{s:s, s:s, s:s}", "name", name, "language", PICK(r, languages), "notes",
			      "Fiktiv person i demonstrationsdata; inga verkliga uppgifter.");
	if (a->birth_year) {
		int m = (int)demo_rng_range(r, 1, 12), md = (int)demo_rng_range(r, 1, 28);
		day_t born = day_from_ymd(a->birth_year, m, md);
		/* A child born this year is born by today (a birth date in the future is refused). */
		if (born > day_today())
			born = day_from_ymd(a->birth_year, 1, 1);
		json_object_set_new(o, "birth_date", day_json(born));
	}
	return o;
}

static json_t *person_in(struct demo_run *d, const struct demo_attrs *a, int64_t parent)
{
	json_t *in = json_pack("{s:s, s:o, s:o, s:o, s:b}", "gender", enum_name(&enum_gender, (int)a->gender),
			       "exploitation_forms", mask_json(&enum_exploitation, a->exploitation), "places",
			       mask_json(&enum_place, a->places), "violence", mask_json(&enum_violence, a->violence),
			       "sweden_responsible", a->sweden_responsible);
	if (a->birth_year)
		json_object_set_new(in, "birth_year", json_integer(a->birth_year));
	else
		json_object_set_new(in, "age_group", json_string(enum_name(&enum_age_group, (int)a->age_group)));
	if (a->referral_source >= 0)
		json_object_set_new(in, "referral_source", json_string(enum_name(&enum_referral, a->referral_source)));
	if (a->legal_status >= 0)
		json_object_set_new(in, "legal_status", json_string(enum_name(&enum_legal_status, a->legal_status)));
	if (parent) {
		json_object_set_new(in, "parent_id", json_integer(parent));
		json_object_set_new(in, "child_role", json_string(enum_name(&enum_child_role, (int)a->child_role)));
	}
	if (a->identity)
		json_object_set_new(in, "identity", identity_json(d, a));
	return in;
}

static int do_register(struct demo_run *d, struct run_case *rc)
{
	struct svc s = svc_as(d, &d->caseworker[rc->org]);
	struct svc_error e;
	json_t *in = person_in(d, &rc->plan.adult, 0);
	/* The case code carries the year of registration (NSP-2025-… for a person registered in 2025). */
	int year = day_year(rc->plan.start);
	rc->adult_id = take_id(d, svc_person_register(&s, in, year, &e), "person", &e);
	json_decref(in);
	if (rc->adult_id < 0)
		return -1;
	d->counts.adults++;
	for (int i = 0; i < rc->plan.n_children; i++) {
		in = person_in(d, &rc->plan.child[i], rc->adult_id);
		rc->child_id[i] = take_id(d, svc_person_register(&s, in, year, &e), "child", &e);
		json_decref(in);
		if (rc->child_id[i] < 0)
			return -1;
		d->counts.children++;
	}
	d->counts.persons += demo_case_persons(&rc->plan);
	d->persons_done += demo_case_persons(&rc->plan);
	if (d->progress)
		d->progress(d->ctx, d->persons_done, d->persons_total);
	return 0;
}

static json_t *basis_json(int i)
{
	const struct demo_basis *b = &demo_bases[i];
	json_t *o = json_pack("{s:s}", "kind", enum_name(&enum_basis_kind, (int)b->kind));
	if (b->kind == BASIS_PUBLIC_ACTOR_DENIED) {
		json_object_set_new(o, "actor", json_string(b->actor));
		json_object_set_new(o, "reason", json_string(b->reason));
		json_object_set_new(o, "reference", json_string(b->reference));
		if (b->actor_kind >= 0)
			json_object_set_new(o, "actor_kind", json_string(enum_name(&enum_actor_kind, b->actor_kind)));
		if (b->reason_category >= 0)
			json_object_set_new(o, "reason_category",
					    json_string(enum_name(&enum_reason_category, b->reason_category)));
	}
	return o;
}

static void set_text(json_t *o, const char *key, const char *text)
{
	if (text)
		json_object_set_new(o, key, json_string(text));
}

static int do_apply(struct demo_run *d, struct run_case *rc, int i)
{
	const struct demo_step *st = &rc->plan.step[i];
	struct svc s = svc_as(d, &d->caseworker[rc->org]);
	struct svc_error e;
	int64_t person = st->who < 0 ? rc->adult_id : rc->child_id[st->who];
	json_t *in = json_pack("{s:I, s:s, s:o, s:o}", "person_id", (json_int_t)person, "type",
			       enum_name(&enum_app_type, (int)st->type), "submitted_on", day_json(st->submitted_on),
			       "basis", basis_json(rc->plan.basis));
	if (st->type == APP_ADMISSION)
		json_object_set_new(in, "identified", json_true());
	if (app_type_has_period(st->type)) {
		json_object_set_new(in, "from", day_json(st->from));
		json_object_set_new(in, "to", day_json(st->to));
	}
	if (app_type_is_point(st->type)) {
		json_object_set_new(in, "units", json_integer(st->units));
		json_object_set_new(in, "category", json_string(enum_name(&enum_point_category, (int)st->category)));
	}
	if (st->children) {
		json_t *kids = json_array();
		for (int k = 0; k < rc->plan.n_children; k++)
			if (st->children & (1u << k))
				json_array_append_new(kids, json_integer(rc->child_id[k]));
		json_object_set_new(in, "children", kids);
	}
	set_text(in, "needs_assessment", st->needs_assessment);
	set_text(in, "plan", st->plan);
	set_text(in, "evaluation", st->evaluation);
	set_text(in, "motivation", st->motivation);
	rc->app_id[i] = take_id(d, svc_application_create(&s, in, &e), "application", &e);
	json_decref(in);
	if (rc->app_id[i] < 0)
		return -1;
	d->counts.applications++;
	d->counts.submitted++;
	return 0;
}

static int do_decide(struct demo_run *d, struct run_case *rc, int i)
{
	const struct demo_step *st = &rc->plan.step[i];
	struct svc s = svc_as(d, &d->coordinator);
	struct svc_error e;
	json_t *in = json_pack("{s:s, s:s, s:o}", "outcome", enum_name(&enum_outcome, (int)st->outcome), "reason",
			       st->reason ? st->reason : "", "decided_on", day_json(st->decided_on));
	if (st->outcome == OUTCOME_PARTLY_GRANTED && app_type_has_period(st->type)) {
		json_object_set_new(in, "from", day_json(st->gfrom));
		json_object_set_new(in, "to", day_json(st->gto));
	}
	if (st->outcome == OUTCOME_PARTLY_GRANTED && app_type_is_point(st->type))
		json_object_set_new(in, "units", json_integer(st->gunits));
	if (st->emergency)
		json_object_set_new(in, "emergency", json_true());
	json_t *res = svc_decision_create(&s, rc->app_id[i], in, &e);
	if (!res && e.status == SVC_RULE && e.rule && strcmp(e.rule, "R10") == 0) {
		/* R10 allows the coordinator to grant over the budget with a written reason. */
		json_object_set_new(in, "budget_override_reason",
				    json_string("Skyddsbehovet är akut; samordnaren beviljar trots att årets budget "
						"inte räcker."));
		res = svc_decision_create(&s, rc->app_id[i], in, &e);
	}
	if (!res && e.status == SVC_RULE && e.rule && strcmp(e.rule, "R15") == 0) {
		/* R15: the coordinator may grant over capacity with a written reason. */
		json_object_set_new(in, "over_capacity_reason",
				    json_string("Organisationen har ordnat en extra plats för perioden."));
		res = svc_decision_create(&s, rc->app_id[i], in, &e);
	}
	json_decref(in);
	if (!res)
		return fail(d, "decision", &e);
	rc->dec_id[i] = json_integer_value(json_object_get(res, "id"));
	rc->total[i] = json_integer_value(json_object_get(res, "total_ore"));
	json_decref(res);
	d->counts.decisions++;
	d->counts.submitted--;
	if (st->outcome == OUTCOME_GRANTED)
		d->counts.granted++;
	else if (st->outcome == OUTCOME_PARTLY_GRANTED)
		d->counts.partly_granted++;
	else
		d->counts.denied++;
	d->counts.emergency += st->emergency;
	return 0;
}

/* A claim's days or units: the plan's claims on a period follow each other
 * from the first granted day, num days each; on a point intervention the
 * units used. Adds them to in. */
static void claim_extent(const struct demo_step *st, int k, json_t *in)
{
	if (!app_type_has_period(st->type)) {
		json_object_set_new(in, "units", json_integer(st->pay[k].num));
		return;
	}
	day_t from = st->gfrom;
	for (int j = 0; j < k; j++)
		from += (day_t)st->pay[j].num;
	json_object_set_new(in, "from", day_json(from));
	json_object_set_new(in, "to", day_json(from + (day_t)st->pay[k].num - 1));
}

/*
 * The organisation's claim k on decision i (domain.md §8), then the
 * coordinator's decision on it. The latest claim of a decision still open,
 * submitted in the last ten days, waits in the coordinator's queue; now and
 * then a first claim is rejected (no invoice attached) and sent again.
 */
static int do_pay(struct demo_run *d, struct run_case *rc, int i, int k)
{
	const struct demo_step *st = &rc->plan.step[i];
	if (demo_claim_ore(rc->total[i], &st->pay[k]) <= 0)
		return 0;
	/* Most claims are sent by the organisation, some by the coordinator on its behalf. */
	const struct actor *a = (i + k) % 3 == 2 ? &d->coordinator : &d->caseworker[rc->org];
	struct svc s = svc_as(d, a), sc = svc_as(d, &d->coordinator);
	struct svc_error e;
	char ref[64];
	int y, m, md;
	day_to_ymd(st->pay[k].on, &y, &m, &md);
	snprintf(ref, sizeof ref, "Faktura %04d-%02d nr %lld", y, m, (long long)rc->dec_id[i]);
	json_t *in = json_pack("{s:I, s:o, s:s}", "decision_id", (json_int_t)rc->dec_id[i], "submitted_on",
			       day_json(st->pay[k].on), "reference", ref);
	claim_extent(st, k, in);
	bool waits = st->close_on == DAY_NONE && k == st->n_pay - 1 && st->pay[k].on >= d->today - 10;
	/* One claim in eleven, counted, not by id: ids are random (issue 16). */
	bool rejected_first = !waits && k == 0 && d->counts.claims % 11 == 0;
	int64_t id = take_id(d, svc_claim_create(&s, in, &e), "claim", &e);
	if (id > 0 && rejected_first) {
		json_t *why = json_pack("{s:s}", "reason", "Fakturan saknades; skicka rekvisitionen igen med fakturan.");
		json_t *res = svc_claim_reject(&sc, id, why, &e);
		json_decref(why);
		id = res ? take_id(d, svc_claim_create(&s, in, &e), "claim", &e) : take_id(d, NULL, "rejecting a claim", &e);
		json_decref(res);
		d->counts.claims_rejected++;
	}
	json_decref(in);
	if (id < 0)
		return -1;
	d->counts.claims++;
	if (waits) {
		d->counts.claims_waiting++;
		return 0;
	}
	in = json_pack("{s:o}", "paid_on", day_json(st->pay[k].on));
	int64_t paid = take_id(d, svc_claim_approve(&sc, id, in, &e), "approving a claim", &e);
	json_decref(in);
	if (paid < 0)
		return -1;
	d->counts.payments++;
	return 0;
}

static int do_close(struct demo_run *d, struct run_case *rc, int i)
{
	struct svc s = svc_as(d, &d->coordinator);
	struct svc_error e;
	json_t *in = json_pack("{s:o}", "date", day_json(rc->plan.step[i].close_on));
	json_t *res = svc_decision_close(&s, rc->dec_id[i], in, &e);
	json_decref(in);
	if (!res)
		return fail(d, "closing", &e);
	json_decref(res);
	d->counts.closed++;
	return 0;
}

static int do_exit(struct demo_run *d, struct run_case *rc, int who)
{
	struct svc s = svc_as(d, &d->caseworker[rc->org]);
	struct svc_error e;
	const struct demo_case *c = &rc->plan;
	day_t on = who < 0 ? c->exit_on : c->child_exit_on[who];
	json_t *in = json_pack("{s:o, s:s}", "date", day_json(on), "destination",
			       enum_name(&enum_exit_destination, (int)c->exit_dest));
	json_t *res = svc_person_exit(&s, who < 0 ? rc->adult_id : rc->child_id[who], in, &e);
	json_decref(in);
	if (!res)
		return fail(d, "exit", &e);
	json_decref(res);
	d->counts.exits++;
	return 0;
}

/*
 * The fictional identity of contact number idx (an extras index): the same
 * text every time it is asked for, so that a later contact of the same
 * person gives the same name and birth date. Returns a new object.
 */
static json_t *contact_identity(int idx, enum gender g, enum age_group a, day_t today)
{
	struct demo_rng r;
	demo_rng_seed(&r, 0xC0FFEEu + (uint64_t)idx);
	const char *first = g == GENDER_FEMALE ? PICK(&r, first_women) : g == GENDER_MALE ? PICK(&r, first_men)
											  : PICK(&r, first_other);
	char name[96];
	snprintf(name, sizeof name, "%s %s", first, PICK(&r, surnames));
	int age = a == AGE_CHILD ? (int)demo_rng_range(&r, 8, 17) : (int)demo_rng_range(&r, 19, 55);
	day_t born = day_from_ymd(day_year(today) - age, (int)demo_rng_range(&r, 1, 12), (int)demo_rng_range(&r, 1, 28));
	return json_pack("{s:s, s:o}", "name", name, "birth_date", day_json(born));
}

/* A contact of the register, as the caseworker of its organisation. */
static int do_contact(struct demo_run *d, const struct extra *x)
{
	struct svc s = svc_as(d, &d->caseworker[x->org]);
	struct svc_error e;
	json_t *ident = NULL;
	if (x->same_case >= 0) {
		/* The programme's person, read as the coordinator would (audited). */
		struct svc cs = svc_as(d, &d->coordinator);
		json_t *p = svc_person_get(&cs, d->cases[x->same_case].adult_id, true, &e);
		if (!p)
			return fail(d, "contact (person)", &e);
		const json_t *pi = json_object_get(p, "identity");
		ident = json_pack("{s:O?, s:O?}", "name", json_object_get(pi, "name"), "birth_date",
				  json_object_get(pi, "birth_date"));
		json_decref(p);
	} else {
		int idx = x->same_contact >= 0 ? x->same_contact : (int)(x - d->extras);
		ident = contact_identity(idx, x->gender, x->age_group, d->today);
	}
	json_t *in = json_pack("{s:o, s:s, s:s, s:s, s:o, s:o, s:o}", "date", day_json(x->on), "gender",
			       enum_name(&enum_gender, (int)x->gender), "age_group",
			       enum_name(&enum_age_group, (int)x->age_group), "region",
			       enum_name(&enum_region, (int)x->region), "missing_support",
			       mask_json(&enum_support_need, x->missing), "basis",
			       json_pack("{s:s, s:s, s:s}", "kind", "public_actor_denied", "actor_kind",
					 x->age_group == AGE_CHILD ? "social_services" : "migration_agency",
					 "reason_category", "lacks_personal_number"),
			       "identity", ident);
	json_t *res = svc_contact_create(&s, in, &e);
	json_decref(in);
	if (!res)
		return fail(d, "contact", &e);
	json_decref(res);
	d->counts.contacts++;
	d->counts.contacts_linked += x->same_case >= 0;
	return 0;
}

static int do_extra(struct demo_run *d, const struct extra *x)
{
	struct svc_error e;
	json_t *in, *res;
	if (x->contact)
		return do_contact(d, x);
	if (x->consultation) {
		struct svc s = svc_as(d, &d->coordinator);
		in = json_pack("{s:o, s:s, s:s, s:s, s:I, s:s}", "date", day_json(x->on), "asker",
			       enum_name(&enum_asker, (int)x->asker), "region", enum_name(&enum_region, (int)x->region),
			       "topic", x->topic, "minutes", (json_int_t)x->minutes, "outcome", x->result);
		res = svc_consultation_create(&s, in, &e);
		d->counts.consultations += res != NULL;
	} else {
		struct svc s = svc_as(d, x->org >= 0 ? &d->caseworker[x->org] : &d->coordinator);
		in = json_pack("{s:o, s:s, s:s, s:s}", "date", day_json(x->on), "region",
			       enum_name(&enum_region, (int)x->region), "target_group",
			       enum_name(&enum_target_group, (int)x->group), "outcome",
			       enum_name(&enum_placement_outcome, (int)x->outcome));
		res = svc_placement_create(&s, in, &e);
		d->counts.placements += res != NULL;
	}
	json_decref(in);
	if (!res)
		return fail(d, x->consultation ? "consultation" : "placement request", &e);
	json_decref(res);
	return 0;
}

static int gevent_cmp(const void *a, const void *b)
{
	const struct gevent *x = a, *y = b;
	if (x->on != y->on)
		return x->on < y->on ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Every event of every case and every extra, in date order. Returns 0 or -1. */
static int run_events(struct demo_run *d)
{
	size_t cap = (size_t)d->n_cases * DEMO_MAX_EVENTS + (size_t)d->n_extras;
	struct gevent *all = malloc(cap * sizeof *all);
	struct demo_event ev[DEMO_MAX_EVENTS];
	int32_t n = 0;
	int rc = 0;

	if (!all)
		return fail(d, "out of memory / minnet räcker inte", NULL);
	for (int i = 0; i < d->n_cases; i++) {
		int k = demo_case_events(&d->cases[i].plan, ev);
		for (int j = 0; j < k; j++, n++)
			all[n] = (struct gevent){ ev[j].on, n, i, ev[j] };
	}
	for (int i = 0; i < d->n_extras; i++, n++)
		all[n] = (struct gevent){ d->extras[i].on, n, -1, { d->extras[i].on, DEMO_EV_REGISTER, i, 0 } };
	qsort(all, (size_t)n, sizeof *all, gevent_cmp);

	for (int32_t i = 0; i < n && rc == 0; i++) {
		const struct gevent *g = &all[i];
		if (g->cas < 0) {
			rc = do_extra(d, &d->extras[g->ev.step]);
			continue;
		}
		struct run_case *c = &d->cases[g->cas];
		switch (g->ev.kind) {
		case DEMO_EV_REGISTER: rc = do_register(d, c); break;
		case DEMO_EV_APPLY: rc = do_apply(d, c, g->ev.step); break;
		case DEMO_EV_DECIDE: rc = do_decide(d, c, g->ev.step); break;
		case DEMO_EV_PAY: rc = do_pay(d, c, g->ev.step, g->ev.pay); break;
		case DEMO_EV_CLOSE: rc = do_close(d, c, g->ev.step); break;
		case DEMO_EV_EXIT: rc = do_exit(d, c, g->ev.step); break;
		}
		if (rc != 0) {
			/* Name the case so that a bug of the plan can be found. */
			static const char *const kinds[] = { "register", "apply", "decide", "pay", "close", "exit" };
			size_t len = strlen(d->err);
			char day[DAY_BUFSZ];
			if (len < d->errsz)
				snprintf(d->err + len, d->errsz - len, " (case %d, %s of step %d on %s)", g->cas,
					 kinds[g->ev.kind], g->ev.step, day_format(g->on, day));
		}
	}
	free(all);
	return rc;
}

/*
 * R13 and R15 in the demo: a mother and her son arrive at Trygga Hamnen, whose
 * one family place is taken; the caseworker applies for admission and a
 * reflection period in one request, and the coordinator decides both in one
 * act, over capacity with a written reason. Families are added first until
 * the place is full, so that the demonstration is over capacity on any day.
 */
static int demo_family(struct demo_run *d, bool over)
{
	enum { HAMNEN = 1 };
	struct svc cw = svc_as(d, &d->caseworker[HAMNEN]), co = svc_as(d, &d->coordinator);
	struct svc_error e;
	day_t on = d->today - 2;
	const struct demo_attrs mother = { .gender = GENDER_FEMALE, .age_group = AGE_ADULT,
					   .exploitation = 1u << EXPL_SEXUAL, .sweden_responsible = true,
					   .referral_source = REF_POLICE, .legal_status = LEGAL_REFLECTION_PERMIT };
	const struct demo_attrs son = { .gender = GENDER_MALE, .age_group = AGE_CHILD, .child_role = CHILD_SECONDARY,
					.exploitation = 1u << EXPL_OTHER_CRIME, .referral_source = -1,
					.legal_status = -1 };
	json_t *in = person_in(d, &mother, 0);
	int64_t parent = take_id(d, svc_person_register(&cw, in, day_year(on), &e), "family: the mother", &e);
	json_decref(in);
	if (parent < 0)
		return -1;
	in = person_in(d, &son, parent);
	int64_t child = take_id(d, svc_person_register(&cw, in, day_year(on), &e), "family: the son", &e);
	json_decref(in);
	if (child < 0)
		return -1;
	d->counts.persons += 2;
	d->counts.adults++;
	d->counts.children++;
	json_t *refl = json_pack("{s:s, s:o, s:o, s:[I]}", "type", "reflection", "from", day_json(on), "to",
				 day_json(on + 29), "children", (json_int_t)child);
	in = json_pack("{s:I, s:s, s:o, s:o, s:b, s:s, s:[o]}", "person_id", (json_int_t)parent, "type", "admission",
		       "submitted_on", day_json(on), "basis", basis_json(0), "identified", 1, "needs_assessment",
		       "Mor och son behöver skyddat boende tillsammans, samtal och juridisk rådgivning.", "together",
		       refl);
	json_t *apps = svc_application_create(&cw, in, &e);
	json_decref(in);
	if (!apps)
		return fail(d, "family: the applications", &e);
	int64_t adm = json_integer_value(json_object_get(apps, "id"));
	int64_t ref = json_integer_value(json_object_get(json_array_get(json_object_get(apps, "together"), 0), "id"));
	json_decref(apps);
	d->counts.applications += 2;
	/* Is the family place full over the period yet? */
	json_t *chk = svc_application_checks(&co, ref, &e);
	if (!chk)
		return fail(d, "family: the checks", &e);
	const json_t *place = json_object_get(chk, "place");
	bool full = json_integer_value(json_object_get(place, "over")) > 0;
	json_decref(chk);
	in = json_pack("{s:s, s:o, s:[{s:I, s:s}]}", "outcome", "granted", "decided_on", day_json(on + 1), "together",
		       "application_id", (json_int_t)ref, "outcome", "granted");
	if (full) {
		json_object_set_new(json_array_get(json_object_get(in, "together"), 0), "over_capacity_reason",
				    json_string("Boendet har gjort om ett samtalsrum till ett extra familjerum "
						"under perioden."));
	} else if (over) {
		/* Not full yet: this family takes the place, the next one is over. */
		json_decref(in);
		if (demo_family(d, false) != 0)
			return -1;
		in = json_pack("{s:s, s:o, s:[{s:I, s:s}]}", "outcome", "granted", "decided_on", day_json(on + 1),
			       "together", "application_id", (json_int_t)ref, "outcome", "granted");
		json_object_set_new(json_array_get(json_object_get(in, "together"), 0), "over_capacity_reason",
				    json_string("Boendet har gjort om ett samtalsrum till ett extra familjerum "
						"under perioden."));
	}
	json_t *res = svc_decision_create(&co, adm, in, &e);
	if (!res && e.status == SVC_RULE && e.rule && strcmp(e.rule, "R10") == 0) {
		/* Decided in a year whose budget is spent (the first days of January: the
		 * period began in December): R10 allows it with a written reason. */
		json_object_set_new(json_array_get(json_object_get(in, "together"), 0), "budget_override_reason",
				    json_string("Skyddsbehovet är akut; samordnaren beviljar trots att årets budget "
						"inte räcker."));
		res = svc_decision_create(&co, adm, in, &e);
	}
	json_decref(in);
	if (!res)
		return fail(d, "family: the decision", &e);
	json_decref(res);
	d->counts.decisions += 2;
	d->counts.granted += 2;
	return 0;
}

/* ---------------------------------------------------------------- demo_fill */

int demo_fill(struct db *db, const struct demo_options *o, demo_progress_fn progress, void *ctx,
	      struct demo_counts *counts, char *err, size_t errsz)
{
	char none[1];
	if (!err || errsz == 0) {
		err = none;
		errsz = sizeof none;
	}
	struct demo_run d = { .db = db, .progress = progress, .ctx = ctx, .err = err, .errsz = errsz };
	int persons = o && o->persons > 0 ? o->persons : 200;
	uint64_t seed = o && o->seed ? o->seed : DEMO_SEED;
	day_t real_today = day_today();
	int rc = -1;

	err[0] = '\0';
	d.today = o && o->today != DAY_NONE && o->today != 0 ? o->today : real_today;
	if (d.today > real_today) {
		fail(&d, "the demonstration data cannot be dated in the future / demonstrationsdata kan inte "
			 "dateras i framtiden", NULL);
		return -1;
	}
	d.first = day_from_ymd(day_year(d.today) - 1, 1, 3);
	demo_rng_seed(&d.rng, seed);
	/* Names come from a stream of their own, so that they never change the cases. */
	demo_rng_seed(&d.names, seed ^ UINT64_C(0x6e616d6573));

	if (setup(&d) != 0 || plan_fixed(&d) != 0 || plan_random(&d, persons) != 0 || plan_extras(&d) != 0 ||
	    run_events(&d) != 0 || demo_family(&d, true) != 0)
		goto out;
	rc = 0;
out:
	if (counts)
		*counts = d.counts;
	free(d.cases);
	free(d.extras);
	return rc;
}
