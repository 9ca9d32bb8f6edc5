/*
 * The deterministic PRNG and the case planner of the demonstration and
 * benchmark data (demo.h). The proportions follow the programme's annual
 * report for 2025 (shared/seed): 82 adults (48 women, 33 men, 1 trans
 * woman) and 68 children, of whom 7 had their own interventions, 14 lived
 * with the parent and 47 lived elsewhere; reflection periods mostly for
 * persons referred by regional coordinators; extended periods only for
 * women and trans women; a large majority of point interventions for
 * interpreters and legal advice.
 */
#include "demo/demo.h"

#include <string.h>

/* ---------------------------------------------------------------- the PRNG */

void demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
	r->state = seed;
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and every seed is good. */
uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t demo_rng_below(struct demo_rng *r, uint64_t n)
{
	uint64_t x, threshold;

	if (n == 0)
		return 0;
	/* 2^64 mod n: drawing again below it removes the modulo bias. */
	threshold = (0 - n) % n;
	do
		x = demo_rng_next(r);
	while (x < threshold);
	return x % n;
}

int64_t demo_rng_range(struct demo_rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)demo_rng_below(r, (uint64_t)(hi - lo) + 1);
}

bool demo_rng_chance(struct demo_rng *r, unsigned permille)
{
	return demo_rng_below(r, 1000) < permille;
}

int demo_rng_pick(struct demo_rng *r, const unsigned *weights, int n)
{
	uint64_t sum = 0, x;

	for (int i = 0; i < n; i++)
		sum += weights[i];
	if (sum == 0)
		return 0;
	x = demo_rng_below(r, sum);
	for (int i = 0; i < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

/* ---------------------------------------------------------------- proportions */

/* Adults of 2025: 48 women, 33 men, 1 trans woman. */
static const unsigned w_adult_gender[GENDER__COUNT] = { 48, 33, 1, 0, 0, 0 };
/* Children of 2025: 7 primary, 14 secondary, 47 elsewhere. */
static const unsigned w_child_role[CHILD_ROLE__COUNT] = { 7, 14, 47 };
/* Girls, boys, unknown per role (the report's tables). */
static const unsigned w_child_gender[CHILD_ROLE__COUNT][3] = { { 4, 3, 0 }, { 3, 4, 7 }, { 13, 10, 24 } };
/* 1..4 children for an adult who has children. */
static const unsigned w_n_children[DEMO_MAX_CHILDREN] = { 35, 30, 20, 15 };

/* The first form of exploitation by gender; a second one for the multiple-purpose cases. */
static const unsigned w_expl_women[EXPL__COUNT] = { 70, 18, 4, 3, 3, 0, 2 };
static const unsigned w_expl_men[EXPL__COUNT] = { 6, 72, 0, 12, 8, 0, 2 };
static const unsigned w_expl_child[EXPL__COUNT + 1] = { 15, 5, 0, 0, 0, 0, 30, 50 }; /* last: none */

static const unsigned w_referral[REF__COUNT] = { 35, 20, 10, 8, 10, 5, 4, 5, 3 };
/* Of those with a reflection period in 2025: 5 of 7 via regional coordinators, 1 civil society, 1 self. */
static const unsigned w_referral_reflection[REF__COUNT] = { 5, 1, 1, 0, 0, 0, 0, 0, 0 };
static const unsigned w_legal[LEGAL__COUNT] = { 20, 5, 25, 30, 8, 3, 4, 5 };
static const unsigned w_legal_housing[LEGAL__COUNT] = { 40, 10, 40, 0, 10, 0, 0, 0 };

static const unsigned w_kind_housing_org[DEMO_CASE__COUNT] = { 10, 54, 19, 14, 3 };
static const unsigned w_kind_other_org[DEMO_CASE__COUNT] = { 10, 84, 0, 0, 6 };

/* Interpreters and legal advice dominate, then travel and support talks. */
static const unsigned w_point[POINT__COUNT] = { 30, 30, 15, 12, 6, 4, 3 };
static const unsigned w_point_child[POINT__COUNT] = { 20, 35, 10, 30, 0, 0, 5 };
/* Units per category: hours, hours, trips, talks, weeks, occasions, occasions. */
static const int units_max[POINT__COUNT] = { 6, 5, 10, 6, 4, 1, 3 };

/* Outcomes of intervention applications: granted, partly granted, denied. */
static const unsigned w_outcome[OUTCOME__COUNT] = { 82, 9, 9 };
/* Extended months of a housing case (0..6). */
static const unsigned w_months[7] = { 15, 10, 15, 15, 15, 10, 20 };

static const unsigned w_exit_housing[EXIT__COUNT] = { 30, 15, 10, 30, 3, 7, 5 };
static const unsigned w_exit_point[EXIT__COUNT] = { 25, 15, 15, 25, 5, 10, 5 };

const struct demo_basis demo_bases[] = {
	{ BASIS_NO_DESIGNATED_ACTOR, NULL, NULL, NULL, -1, -1 },
	{ BASIS_PUBLIC_ACTOR_DENIED, "Socialtjänsten i vistelsekommunen",
	  "Hänvisade till Migrationsverket med motiveringen att personen saknar personnummer, trots "
	  "uppehållstillstånd enligt 5 kap. 15 § utlänningslagen.",
	  "no_written_decision", ACTOR_SOCIAL_SERVICES, REASON_LACKS_PERSONAL_NUMBER },
	{ BASIS_PUBLIC_ACTOR_DENIED, "Socialtjänsten, vuxenmottaget",
	  "Inget beslut fattades; ärendet skickades mellan enheten för våld i nära relation och vuxenmottaget.",
	  "no_written_decision", ACTOR_SOCIAL_SERVICES, REASON_NO_DECISION },
	{ BASIS_PUBLIC_ACTOR_DENIED, "Socialtjänsten",
	  "Brottet anses inte ha begåtts i Sverige, så personen bedöms inte ha rätt till bistånd.",
	  "Dnr DEMO-SOC-0417", ACTOR_SOCIAL_SERVICES, REASON_CRIME_ABROAD },
	{ BASIS_PUBLIC_ACTOR_DENIED, "Migrationsverket",
	  "Hänvisade till anläggningsboende, som är olämpligt efter sexuella övergrepp och människohandel.",
	  "Dnr DEMO-MIG-1290", ACTOR_MIGRATION_AGENCY, REASON_REFERRED_ELSEWHERE },
	{ BASIS_PUBLIC_ACTOR_DENIED, "Regionens hälso- och sjukvård",
	  "Tolkkostnaden för stödsamtal utanför vården bekostas inte.", "no_written_decision",
	  ACTOR_HEALTHCARE, REASON_OTHER },
};
const int demo_n_bases = (int)(sizeof demo_bases / sizeof demo_bases[0]);
static const unsigned w_basis[] = { 55, 15, 10, 8, 8, 4 };

/* ---------------------------------------------------------------- texts (fictional) */

static const char *const needs_texts[] = {
	"Behovsbedömning: skyddat boende med personalstöd dygnet runt, samtalsstöd och juridisk rådgivning "
	"inför en eventuell polisanmälan.",
	"Behovsbedömning: tolk och juridisk rådgivning om rättigheter som brottsoffer; tryggt boende finns via "
	"bekant.",
	"Behovsbedömning: akut behov av skydd efter att personen lämnat exploateringen; hot- och riskbedömning "
	"visar hög risk.",
	"Behovsbedömning: stöd i kontakter med myndigheter och vården, samt resor till vård och förhör.",
	"Behovsbedömning: stöd inför ett tryggt återvändande till hemlandet.",
};
static const char *const child_needs_text =
	"Behovsbedömning för barnet: eget stöd och egen genomförandeplan efter att barnet bevittnat våld mot "
	"föräldern.";
static const char *const plan_extended =
	"Genomförandeplan: fortsatt skydd och stöd på boendet, stödsamtal varje vecka, kontakt med socialtjänsten "
	"om långsiktig placering. En reflektionsperiod har getts (av NSP eller offentlig aktör).";
static const char *const evaluation_text =
	"Utvärdering av senaste månaden: personen har stabiliserats, deltagit i stödsamtal och haft kontakt med "
	"målsägandebiträde. Ingen offentlig aktör erbjuder motsvarande stöd; behovet kvarstår.";
static const char *const plan_integration_housing =
	"Utslussningsfas: eget boende ordnas, stöd i kontakter med kommun och arbetsförmedling; insatserna leder "
	"till ett liv fritt från exploatering utanför boendet.";
static const char *const plan_integration =
	"Integrationsstöd: stöd i att söka arbete och ordna kontakter med myndigheter och vården på den nya "
	"orten, eller inför ett tryggt återvändande.";
static const char *const motivation_texts[POINT__COUNT] = {
	"Tolk vid möten med polis, målsägandebiträde och socialtjänst.",
	"Juridisk rådgivning om uppehållstillstånd och rättigheter som brottsoffer.",
	"Resor i kollektivtrafik till vård, psykiatri och myndighetsmöten.",
	"Stödsamtal efter trauma, utöver vad vården erbjuder.",
	"Basbehov: mat, kläder och mediciner när ingen dygnsersättning utgår.",
	"Resa och stöd vid tryggt återvändande utan återvändandeprogrammet.",
	"Övrig kostnad med tydlig koppling till återhämtningen.",
};
static const char *const reason_granted = "Beviljat enligt ansökan.";
static const char *const reason_emergency =
	"Akutbeslut (R2e): det är oklart vilken aktör som ansvarar; följs upp tills ansvaret är klarlagt.";
static const char *const reason_partly_reflection =
	"Delvis beviljat: socialtjänsten har beviljat placering för periodens senare del.";
static const char *const reason_partly_extended =
	"Delvis beviljat: offentlig aktör tar över placeringen under månaden.";
static const char *const reason_partly_units = "Delvis beviljat: färre enheter än sökt bedöms nödvändiga.";
static const char *const reason_partly_period = "Delvis beviljat: kortare period än sökt bedöms tillräcklig.";
static const char *const deny_admission_texts[] = {
	"Avslag: personen omfattas av socialtjänstens ansvar och hänvisas dit.",
	"Avslag: behovet kan tillgodoses av Migrationsverket.",
	"Avslag: underlaget visar inte att personen ingår i programmets målgrupp.",
};
static const char *const deny_extended_text =
	"Avslag: offentlig aktör erbjuder motsvarande stöd från och med perioden (R4 b).";
static const char *const deny_texts[] = {
	"Avslag: kostnaden kan bäras av offentlig aktör (kompletteringsprincipen).",
	"Avslag: insatsen saknar tydlig koppling till rättigheter som brottsoffer, integration eller återhämtning.",
};
static const char *const deny_child_text = "Avslag: barnets behov tillgodoses av socialtjänsten.";

#define PICK_TEXT(r, arr) ((arr)[demo_rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---------------------------------------------------------------- attributes */

/* Any of the forms by weights, plus a second one for multiple purposes. */
static uint32_t draw_exploitation(struct demo_rng *r, const unsigned *w, unsigned multiple_permille)
{
	int first = demo_rng_pick(r, w, EXPL__COUNT);
	uint32_t mask = 1u << first;
	if (demo_rng_chance(r, multiple_permille)) {
		int second = demo_rng_pick(r, w, EXPL__COUNT);
		if (second == first)
			second = first == EXPL_LABOUR ? EXPL_SEXUAL : EXPL_LABOUR;
		mask |= 1u << second;
	}
	return mask;
}

static bool responsible_for(struct demo_rng *r, int legal)
{
	switch (legal) {
	case LEGAL_RESIDENT:
	case LEGAL_ASYLUM_SEEKER:
	case LEGAL_WITNESS_PERMIT:
		return true;
	case LEGAL_REFLECTION_PERMIT:
		return demo_rng_chance(r, 700);
	case LEGAL_EU_CITIZEN:
	case LEGAL_OTHER:
		return demo_rng_chance(r, 300);
	default:
		return false;
	}
}

static void draw_adult(struct demo_rng *r, enum gender g, int kind, int year, struct demo_attrs *a)
{
	bool housing = kind == DEMO_CASE_HOUSING || kind == DEMO_CASE_EXTENDED;
	bool man = g == GENDER_MALE || g == GENDER_TRANS_MALE;

	memset(a, 0, sizeof *a);
	a->gender = g;
	a->age_group = AGE_ADULT;
	a->child_role = CHILD_ROLE_NONE;
	/* Ages 20..56, most in their twenties and thirties. */
	if (demo_rng_chance(r, 600))
		a->birth_year = year - (int)demo_rng_range(r, 19, 30) - (int)demo_rng_range(r, 1, 26);
	if (g == GENDER_TRANS_FEMALE)
		a->exploitation = (1u << EXPL_SEXUAL) | (1u << EXPL_LABOUR);
	else
		a->exploitation = draw_exploitation(r, man ? w_expl_men : w_expl_women, man ? 100 : 120);
	if (demo_rng_chance(r, 650))
		a->places |= 1u << PLACE_SWEDEN;
	if (demo_rng_chance(r, 300))
		a->places |= 1u << PLACE_OTHER_EU;
	if (demo_rng_chance(r, 250))
		a->places |= 1u << PLACE_THIRD_COUNTRY;
	if (a->places == 0)
		a->places = 1u << PLACE_SWEDEN;
	/* Every recipient of 2025 had experienced violence of some kind. */
	if (demo_rng_chance(r, man ? 80 : 750))
		a->violence |= 1u << VIOL_SEXUAL;
	if (demo_rng_chance(r, man ? 500 : 650))
		a->violence |= 1u << VIOL_PHYSICAL;
	if (demo_rng_chance(r, 900) || a->violence == 0)
		a->violence |= 1u << VIOL_PSYCHOLOGICAL;
	a->referral_source = demo_rng_pick(r, kind == DEMO_CASE_HOUSING ? w_referral_reflection : w_referral, REF__COUNT);
	a->legal_status = demo_rng_pick(r, housing ? w_legal_housing : w_legal, LEGAL__COUNT);
	a->sweden_responsible = responsible_for(r, a->legal_status);
	/* R4 (c): an extended period needs Sweden to be responsible. */
	if (kind == DEMO_CASE_EXTENDED)
		a->sweden_responsible = true;
	a->identity = demo_rng_chance(r, 700);
}

static void draw_child(struct demo_rng *r, const struct demo_attrs *parent, int year, struct demo_attrs *c)
{
	memset(c, 0, sizeof *c);
	c->age_group = AGE_CHILD;
	c->child_role = (enum child_role)demo_rng_pick(r, w_child_role, CHILD_ROLE__COUNT);
	static const enum gender genders[3] = { GENDER_FEMALE, GENDER_MALE, GENDER_UNKNOWN };
	c->gender = genders[demo_rng_pick(r, w_child_gender[c->child_role], 3)];
	/* Ages 0..16: children with their own plan are mostly older. */
	if (demo_rng_chance(r, 700))
		c->birth_year = year - (int)(c->child_role == CHILD_PRIMARY ? demo_rng_range(r, 5, 16)
									 : demo_rng_range(r, 0, 16));
	if (c->child_role == CHILD_PRIMARY) {
		int f = demo_rng_pick(r, w_expl_child, EXPL__COUNT + 1);
		if (f < EXPL__COUNT)
			c->exploitation = 1u << f;
		if (demo_rng_chance(r, 800))
			c->violence |= 1u << VIOL_PSYCHOLOGICAL;
		if (demo_rng_chance(r, 300))
			c->violence |= 1u << VIOL_PHYSICAL;
		c->places = 1u << PLACE_SWEDEN;
	}
	c->referral_source = -1;
	c->legal_status = parent->legal_status;
	c->sweden_responsible = parent->sweden_responsible;
	c->identity = demo_rng_chance(r, 400);
}

/* ---------------------------------------------------------------- steps */

struct planner {
	struct demo_rng *r;
	const struct demo_case_opts *o;
	struct demo_case *c;
	bool emergency;        /* the reflection decision is an emergency one (R2e) */
	bool in_housing;       /* the adult lives in NSP housing: no basic needs as point interventions (R8) */
};

static day_t max_day(day_t a, day_t b)
{
	return a > b ? a : b;
}

static day_t min_day(day_t a, day_t b)
{
	return a < b ? a : b;
}

/* A new step, or NULL when the case is full (the plan then ends there). */
static struct demo_step *add_step(struct planner *p, int who, enum app_type t, day_t submitted)
{
	struct demo_case *c = p->c;
	if (c->n_steps >= DEMO_MAX_STEPS)
		return NULL;
	struct demo_step *s = &c->step[c->n_steps++];
	memset(s, 0, sizeof *s);
	s->who = who;
	s->type = t;
	s->submitted_on = submitted;
	s->from = s->to = s->gfrom = s->gto = s->used_to = DAY_NONE;
	s->decided_on = s->close_on = DAY_NONE;
	return s;
}

static void grant(struct demo_step *s, day_t on, const char *reason)
{
	s->decided_on = on;
	s->outcome = OUTCOME_GRANTED;
	s->gfrom = s->from;
	s->gto = s->to;
	s->gunits = s->units;
	s->used_to = s->gto;
	s->used_units = s->gunits;
	s->reason = reason;
}

static void grant_part_period(struct demo_step *s, day_t on, day_t gto, const char *reason)
{
	grant(s, on, reason);
	s->outcome = OUTCOME_PARTLY_GRANTED;
	s->gto = s->used_to = gto;
}

static void deny(struct demo_step *s, day_t on, const char *reason)
{
	s->decided_on = on;
	s->outcome = OUTCOME_DENIED;
	s->reason = reason;
}

/* A point intervention of `who` submitted on day `on`, and its decision. */
static struct demo_step *point_step(struct planner *p, int who, day_t on)
{
	struct demo_rng *r = p->r;
	struct demo_step *s = add_step(p, who, who < 0 ? APP_POINT_ADULT : APP_POINT_CHILD, on);
	if (!s)
		return NULL;
	unsigned w[POINT__COUNT];
	memcpy(w, who < 0 ? w_point : w_point_child, sizeof w);
	if (p->in_housing)
		w[POINT_BASIC_NEEDS] = 0; /* R8: the daily compensation covers basic needs */
	s->category = (enum point_category)demo_rng_pick(r, w, POINT__COUNT);
	s->units = demo_rng_range(r, 1, units_max[s->category]);
	s->motivation = motivation_texts[s->category];
	day_t d = on + (day_t)demo_rng_range(r, 1, 6);
	int outcome = p->o->certain ? OUTCOME_GRANTED : demo_rng_pick(r, w_outcome, OUTCOME__COUNT);
	if (outcome == OUTCOME_PARTLY_GRANTED && s->units < 2)
		outcome = OUTCOME_GRANTED;
	if (outcome == OUTCOME_DENIED) {
		deny(s, d, PICK_TEXT(r, deny_texts));
	} else if (outcome == OUTCOME_PARTLY_GRANTED) {
		grant(s, d, reason_partly_units);
		s->outcome = OUTCOME_PARTLY_GRANTED;
		s->gunits = s->used_units = demo_rng_range(r, 1, s->units - 1);
	} else {
		grant(s, d, reason_granted);
		/* Sometimes less was used than granted: the rest is released on closing. */
		if (s->gunits >= 2 && !p->o->certain && demo_rng_chance(r, 150))
			s->used_units = demo_rng_range(r, 1, s->gunits - 1);
	}
	return s;
}

/* A period application of `who` from `from` for `days` days; the caller decides it. NULL when the case is full. */
static struct demo_step *period_step(struct planner *p, int who, enum app_type t, day_t submitted, day_t from,
				     int64_t days)
{
	struct demo_step *s = add_step(p, who, t, submitted);
	if (!s)
		return NULL;
	s->from = from;
	s->to = from + (day_t)days - 1;
	return s;
}

/* The admission of `who` submitted on `on`, decided `lag` days later: granted, or denied with deny_reason. */
static struct demo_step *admission(struct planner *p, int who, day_t on, day_t lag, const char *deny_reason)
{
	struct demo_step *s = add_step(p, who, APP_ADMISSION, on);
	if (!s)
		return NULL;
	s->needs_assessment = who < 0 ? PICK_TEXT(p->r, needs_texts) : child_needs_text;
	if (deny_reason)
		deny(s, on + lag, deny_reason);
	else
		grant(s, on + lag, reason_granted);
	return s;
}

/* The children living with the parent (R7: primary and secondary). */
static uint32_t living_with_parent(const struct demo_case *c)
{
	uint32_t bits = 0;
	for (int i = 0; i < c->n_children; i++)
		if (c->child[i].child_role == CHILD_PRIMARY || c->child[i].child_role == CHILD_SECONDARY)
			bits |= 1u << i;
	return bits;
}

/* ---------------------------------------------------------------- paths */

/*
 * Housing: reflection period (unless a public actor gave it), then extended
 * month by month, then maybe integration with daily compensation, with
 * point interventions along the way. Sets the exit. Returns the last day of
 * activity.
 */
static day_t path_housing(struct planner *p, day_t admitted, int months, bool with_reflection)
{
	struct demo_rng *r = p->r;
	struct demo_case *c = p->c;
	bool certain = p->o->certain;
	uint32_t named = living_with_parent(c);
	day_t last_to, last_decided = admitted, cut = DAY_NONE;
	bool ended = false;

	p->in_housing = true;
	if (with_reflection) {
		struct demo_step *s = add_step(p, -1, APP_REFLECTION, admitted);
		if (!s)
			return admitted;
		s->children = named;
		if (p->emergency) {
			/* R2e: granted at once, the same day, while responsibility is unclear. */
			s->from = admitted;
			s->to = admitted + 29;
			grant(s, admitted, reason_emergency);
			s->emergency = true;
		} else {
			s->from = admitted + (day_t)demo_rng_range(r, 0, 2);
			s->to = s->from + 29;
			day_t d = admitted + (day_t)demo_rng_range(r, 0, 2);
			if (!certain && demo_rng_chance(r, 100)) {
				/* Social services took over for the rest of the period. */
				grant_part_period(s, d, s->from + (day_t)demo_rng_range(r, 9, 24), reason_partly_reflection);
				ended = true;
			} else {
				grant(s, d, reason_granted);
				if (!certain && demo_rng_chance(r, 120)) {
					/* Only needed in the acute phase: e.g. social services took over after 7 days. */
					cut = s->gfrom + (day_t)demo_rng_range(r, 5, 12);
					s->used_to = cut - 1;
					ended = true;
				}
			}
		}
		last_to = ended && cut != DAY_NONE ? cut - 1 : s->gto;
		last_decided = s->decided_on;
	} else {
		/* A public actor paid the reflection period; NSP's extended period starts now. */
		last_to = admitted + (day_t)demo_rng_range(r, 0, 2) - 1;
	}

	for (int m = 0; m < months && !ended; m++) {
		day_t sub = m == 0 && !with_reflection ? admitted
						       : max_day(last_decided, last_to - (day_t)demo_rng_range(r, 3, 7));
		struct demo_step *s = add_step(p, -1, APP_EXTENDED, sub);
		if (!s)
			break;
		s->from = last_to + 1;
		s->to = s->from + 29;
		s->children = named;
		s->plan = plan_extended;
		s->evaluation = evaluation_text;
		day_t d = sub + (day_t)demo_rng_range(r, 1, 4);
		unsigned roll = certain ? 1000 : (unsigned)demo_rng_below(r, 1000);
		if (roll < 20) {
			deny(s, d, deny_extended_text);
			ended = true;
			break;
		} else if (roll < 50) {
			grant_part_period(s, d, s->from + (day_t)demo_rng_range(r, 9, 20), reason_partly_extended);
			ended = true;
		} else {
			grant(s, d, reason_granted);
			if (roll < 80) {
				cut = s->gfrom + (day_t)demo_rng_range(r, 3, 25);
				s->used_to = cut - 1;
				ended = true;
			}
		}
		last_to = s->used_to;
		last_decided = d;
	}

	if (!ended && months > 0 && (certain ? false : demo_rng_chance(r, 350))) {
		day_t sub = max_day(last_decided, last_to - (day_t)demo_rng_range(r, 3, 7));
		struct demo_step *s = period_step(p, -1, APP_INTEGRATION_HOUSING, sub, last_to + 1, demo_rng_range(r, 20, 45));
		if (s) {
			s->children = named;
			s->plan = plan_integration_housing;
			grant(s, sub + (day_t)demo_rng_range(r, 1, 4), reason_granted);
			last_to = s->gto;
			last_decided = s->decided_on;
		}
	}

	/* Point interventions while in housing: never basic needs (R8). */
	int n_points = (int)demo_rng_range(r, 0, 3);
	for (int i = 0; i < n_points; i++) {
		day_t on = (day_t)demo_rng_range(r, admitted, max_day(admitted, last_to - 1));
		point_step(p, -1, on);
	}

	day_t end = max_day(last_to, last_decided);
	if (cut != DAY_NONE) {
		c->exit_on = cut;
		c->exit_dest = EXIT_PUBLIC_SUPPORT;
	} else if (ended) {
		c->exit_on = last_to + 1;
		c->exit_dest = demo_rng_chance(r, 600) ? EXIT_PUBLIC_SUPPORT : EXIT_INDEPENDENT;
	} else {
		c->exit_on = end + (day_t)demo_rng_range(r, 0, 5);
		c->exit_dest = (enum exit_destination)demo_rng_pick(r, w_exit_housing, EXIT__COUNT);
	}
	return end;
}

/* Point interventions over some months, sometimes integration support; maybe an exit. */
static day_t path_point(struct planner *p, day_t admitted)
{
	struct demo_rng *r = p->r;
	struct demo_case *c = p->c;
	static const unsigned w_n[4] = { 35, 30, 20, 15 };
	int n = 1 + demo_rng_pick(r, w_n, 4);
	day_t t = admitted, end = admitted;

	for (int i = 0; i < n; i++) {
		t += (day_t)(i == 0 ? demo_rng_range(r, 0, 7) : demo_rng_range(r, 7, 60));
		struct demo_step *s = point_step(p, -1, t);
		if (!s)
			break;
		if (i == 0 && p->o->partly) {
			/* Fewer units than applied for, and fewer still used: a release on closing. */
			s->units = s->units < 3 ? 3 : s->units;
			grant(s, s->decided_on, reason_partly_units);
			s->outcome = OUTCOME_PARTLY_GRANTED;
			s->gunits = s->units - 1;
			s->used_units = s->gunits - 1;
		}
		end = max_day(end, s->decided_on);
	}
	if (demo_rng_chance(r, 40)) {
		day_t sub = t + (day_t)demo_rng_range(r, 5, 30);
		struct demo_step *s = period_step(p, -1, APP_INTEGRATION_ADULT, sub, sub + (day_t)demo_rng_range(r, 0, 5),
						  demo_rng_range(r, 20, 45));
		if (s) {
			s->plan = plan_integration;
			grant(s, sub + (day_t)demo_rng_range(r, 1, 5), reason_granted);
			end = max_day(s->gto, s->decided_on);
		}
	}
	if (demo_rng_chance(r, 550)) {
		c->exit_on = end + (day_t)demo_rng_range(r, 10, 60);
		c->exit_dest = (enum exit_destination)demo_rng_pick(r, w_exit_point, EXIT__COUNT);
	}
	return end;
}

/* Admitted for integration support, e.g. a safe return without the return programme. */
static day_t path_integration(struct planner *p, day_t admitted)
{
	struct demo_rng *r = p->r;
	struct demo_case *c = p->c;
	day_t sub = admitted + (day_t)demo_rng_range(r, 0, 5);
	struct demo_step *s = period_step(p, -1, APP_INTEGRATION_ADULT, sub, sub + (day_t)demo_rng_range(r, 0, 3),
					  demo_rng_range(r, 25, 45));
	if (!s)
		return admitted;
	s->plan = plan_integration;
	s->motivation = motivation_texts[POINT_RETURN];
	day_t d = sub + (day_t)demo_rng_range(r, 1, 4);
	if (!p->o->certain && demo_rng_chance(r, 100))
		grant_part_period(s, d, s->from + 19, reason_partly_period);
	else
		grant(s, d, reason_granted);
	c->exit_on = max_day(s->gto, d) + (day_t)demo_rng_range(r, 0, 5);
	c->exit_dest = demo_rng_chance(r, 500) ? EXIT_RETURN_PROGRAMME : EXIT_RETURN_OTHER;
	return max_day(s->gto, d);
}

/* The primary children's own admission and interventions, between the parent's admission and `end`. */
static void plan_children(struct planner *p, day_t admitted, day_t end)
{
	struct demo_rng *r = p->r;
	for (int i = 0; i < p->c->n_children; i++) {
		if (p->c->child[i].child_role != CHILD_PRIMARY)
			continue;
		day_t sub = admitted + (day_t)demo_rng_range(r, 0, 5);
		if (sub >= end)
			continue;
		bool denied = !p->o->certain && demo_rng_chance(r, 60);
		struct demo_step *a = admission(p, i, sub, (day_t)demo_rng_range(r, 1, 3), denied ? deny_child_text : NULL);
		if (!a || denied)
			continue;
		day_t t = a->decided_on;
		int n = (int)demo_rng_range(r, 1, 2);
		for (int j = 0; j < n; j++) {
			t += (day_t)demo_rng_range(r, 3, 40);
			if (t >= end)
				break;
			point_step(p, i, t);
		}
		if (!p->in_housing && demo_rng_chance(r, 200)) {
			day_t s2 = t + (day_t)demo_rng_range(r, 3, 20);
			if (s2 < end) {
				struct demo_step *s = period_step(p, i, APP_INTEGRATION_CHILD, s2, s2 + (day_t)demo_rng_range(r, 0, 3),
								  demo_rng_range(r, 14, 45));
				if (s) {
					s->plan = plan_integration;
					grant(s, s2 + (day_t)demo_rng_range(r, 1, 4), reason_granted);
				}
			}
		}
	}
}

/* ---------------------------------------------------------------- claims and today */

static void add_claim(struct demo_step *s, day_t on, int64_t num, int64_t den)
{
	if (s->n_pay < DEMO_MAX_PAYMENTS && num > 0)
		s->pay[s->n_pay++] = (struct demo_payment){ on, num, den };
}

/*
 * The organisation's claims on a decision: one per month of the days used,
 * some weeks after the month; for a month still running, the days used so
 * far once two weeks have passed. Then the decision is closed (always when
 * less was used than granted, so the rest is released).
 */
static void plan_claims(struct demo_rng *r, struct demo_step *s, day_t today)
{
	day_t last = s->decided_on;
	bool complete = true, less;

	if (s->decided_on == DAY_NONE || s->outcome == OUTCOME_DENIED || s->type == APP_ADMISSION)
		return;
	if (app_type_has_period(s->type)) {
		int64_t den = day_count(s->gfrom, s->gto);
		less = s->used_to < s->gto;
		for (day_t seg = s->gfrom; seg <= s->used_to;) {
			day_t seg_end = min_day(seg + 29, s->used_to);
			day_t on = max_day(seg_end + (day_t)demo_rng_range(r, 5, 25), last);
			if (on > today || s->n_pay == DEMO_MAX_PAYMENTS) {
				complete = false;
				on = max_day(today - (day_t)demo_rng_range(r, 0, 3), last);
				int64_t used = day_count(seg, min_day(on - 1, seg_end));
				if (used >= 10 && s->n_pay < DEMO_MAX_PAYMENTS)
					add_claim(s, on, used, den);
				break;
			}
			add_claim(s, on, day_count(seg, seg_end), den);
			last = on;
			seg = seg_end + 1;
		}
	} else {
		less = s->used_units < s->gunits;
		day_t on = s->decided_on + (day_t)demo_rng_range(r, 5, 40);
		if (on > today)
			return;
		add_claim(s, on, s->used_units, s->gunits);
		last = on;
	}
	if (!complete)
		return;
	if (less || demo_rng_chance(r, 550)) {
		day_t on = last + (day_t)demo_rng_range(r, 0, 20);
		if (on <= today)
			s->close_on = on;
	}
}

/* Leaves out what lies after today, then plans the claims. */
static void clip_to_today(struct demo_rng *r, struct demo_case *c, day_t today)
{
	int n = 0;
	for (int i = 0; i < c->n_steps; i++) {
		struct demo_step *s = &c->step[i];
		if (s->submitted_on > today)
			continue;
		if (s->decided_on != DAY_NONE && s->decided_on > today)
			s->decided_on = DAY_NONE; /* waits in the coordinator's queue */
		if (n != i)
			c->step[n] = *s;
		n++;
	}
	c->n_steps = n;
	for (int i = 0; i < n; i++)
		plan_claims(r, &c->step[i], today);
	if (c->exit_on != DAY_NONE && c->exit_on > today)
		c->exit_on = DAY_NONE;
	for (int i = 0; i < c->n_children; i++)
		if (c->exit_on == DAY_NONE)
			c->child_exit_on[i] = DAY_NONE;
}

/* ---------------------------------------------------------------- one case */

void demo_plan_case(struct demo_rng *r, const struct demo_case_opts *o, struct demo_case *c)
{
	struct planner p = { .r = r, .o = o, .c = c };
	int year = day_year(o->today);
	day_t s = o->start, end;

	memset(c, 0, sizeof *c);
	c->start = s;
	c->exit_on = DAY_NONE;
	for (int i = 0; i < DEMO_MAX_CHILDREN; i++)
		c->child_exit_on[i] = DAY_NONE;

	enum gender g = o->gender >= 0 ? (enum gender)o->gender
				       : (enum gender)demo_rng_pick(r, w_adult_gender, GENDER__COUNT);
	int kind = o->kind >= 0 ? o->kind
				: demo_rng_pick(r, o->housing ? w_kind_housing_org : w_kind_other_org, DEMO_CASE__COUNT);
	/* In 2025 only women and trans women had extended periods, and the few places for men were often full. */
	if (o->kind < 0 && (g == GENDER_MALE || g == GENDER_TRANS_MALE) && kind == DEMO_CASE_HOUSING &&
	    demo_rng_chance(r, 450))
		kind = DEMO_CASE_POINT;
	if (kind == DEMO_CASE_EXTENDED && (g == GENDER_MALE || g == GENDER_TRANS_MALE))
		kind = DEMO_CASE_HOUSING;
	c->kind = (enum demo_case_kind)kind;
	draw_adult(r, g, kind, year, &c->adult);

	int n_children = o->n_children;
	if (n_children < 0) {
		unsigned has = g == GENDER_FEMALE ? 500 : g == GENDER_MALE ? 200 : 250;
		n_children = demo_rng_chance(r, has) ? 1 + demo_rng_pick(r, w_n_children, DEMO_MAX_CHILDREN) : 0;
	}
	if (n_children > DEMO_MAX_CHILDREN)
		n_children = DEMO_MAX_CHILDREN;
	c->n_children = n_children;
	for (int i = 0; i < n_children; i++) {
		draw_child(r, &c->adult, year, &c->child[i]);
		if (o->child_role >= 0 && o->child_role < CHILD_ROLE__COUNT)
			c->child[i].child_role = (enum child_role)o->child_role;
	}
	/* R2e: in the acute phase some reflection periods are granted at once. */
	p.emergency = o->emergency || (kind == DEMO_CASE_HOUSING && !o->certain && demo_rng_chance(r, 80));
	c->basis = p.emergency ? 0 : demo_rng_pick(r, w_basis, demo_n_bases);

	if (kind == DEMO_CASE_DENIED) {
		admission(&p, -1, s, (day_t)demo_rng_range(r, 2, 7), PICK_TEXT(r, deny_admission_texts));
		clip_to_today(r, c, o->today);
		return;
	}
	struct demo_step *adm = admission(&p, -1, s, p.emergency ? 0 : (day_t)demo_rng_range(r, 1, 4), NULL);
	day_t admitted = adm->decided_on;

	switch (kind) {
	case DEMO_CASE_HOUSING: {
		int months = 0;
		bool woman = g == GENDER_FEMALE || g == GENDER_TRANS_FEMALE;
		if (o->months >= 0)
			months = o->months > 6 ? 6 : o->months;
		else if (woman)
			months = demo_rng_pick(r, w_months, 7);
		if (!c->adult.sweden_responsible)
			months = 0; /* R4 (c) */
		end = path_housing(&p, admitted, months, true);
		break;
	}
	case DEMO_CASE_EXTENDED:
		end = path_housing(&p, admitted, o->months > 0 ? (o->months > 6 ? 6 : o->months)
							       : 1 + (int)demo_rng_below(r, 6), false);
		break;
	case DEMO_CASE_INTEGRATION:
		end = path_integration(&p, admitted);
		break;
	default:
		end = path_point(&p, admitted);
		break;
	}
	plan_children(&p, admitted, c->exit_on != DAY_NONE ? c->exit_on : end + 90);

	/* The exit follows every decision of the case; admitted children leave with the parent. */
	if (c->exit_on != DAY_NONE) {
		for (int i = 0; i < c->n_steps; i++)
			c->exit_on = max_day(c->exit_on, c->step[i].decided_on);
		for (int i = 0; i < c->n_steps; i++) {
			const struct demo_step *st = &c->step[i];
			if (st->who >= 0 && st->type == APP_ADMISSION && st->outcome != OUTCOME_DENIED)
				c->child_exit_on[st->who] = c->exit_on;
		}
	}
	clip_to_today(r, c, o->today);
}

/* ---------------------------------------------------------------- events */

int demo_case_persons(const struct demo_case *c)
{
	return 1 + c->n_children;
}

int64_t demo_claim_ore(int64_t total_ore, const struct demo_payment *p)
{
	if (p->den <= 0 || p->num <= 0 || total_ore <= 0)
		return 0;
	/* total ≤ ~10^8 öre and num ≤ 45: no overflow. Splitting the product keeps it safe for any total. */
	return total_ore / p->den * p->num + total_ore % p->den * p->num / p->den;
}

int demo_case_events(const struct demo_case *c, struct demo_event ev[DEMO_MAX_EVENTS])
{
	int n = 0;
	ev[n++] = (struct demo_event){ c->start, DEMO_EV_REGISTER, -1, 0 };
	for (int i = 0; i < c->n_steps; i++) {
		const struct demo_step *s = &c->step[i];
		ev[n++] = (struct demo_event){ s->submitted_on, DEMO_EV_APPLY, i, 0 };
		if (s->decided_on == DAY_NONE)
			continue;
		ev[n++] = (struct demo_event){ s->decided_on, DEMO_EV_DECIDE, i, 0 };
		for (int k = 0; k < s->n_pay; k++)
			ev[n++] = (struct demo_event){ s->pay[k].on, DEMO_EV_PAY, i, k };
		if (s->close_on != DAY_NONE)
			ev[n++] = (struct demo_event){ s->close_on, DEMO_EV_CLOSE, i, 0 };
	}
	for (int i = 0; i < c->n_children; i++)
		if (c->child_exit_on[i] != DAY_NONE)
			ev[n++] = (struct demo_event){ c->child_exit_on[i], DEMO_EV_EXIT, i, 0 };
	if (c->exit_on != DAY_NONE)
		ev[n++] = (struct demo_event){ c->exit_on, DEMO_EV_EXIT, -1, 0 };
	/* Insertion sort by day: stable, so the events of one day keep their dependency order. */
	for (int i = 1; i < n; i++) {
		struct demo_event e = ev[i];
		int j = i;
		while (j > 0 && ev[j - 1].on > e.on) {
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = e;
	}
	return n;
}
