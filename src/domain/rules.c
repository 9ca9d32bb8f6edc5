/*
 * The programme's rules R1–R14 (domain.md §7) as pure functions over plain
 * structs (rules.h). Every refusal names its rule id and the numbers behind
 * it, in Swedish and English, so a caseworker can see what to change.
 */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capacity.h"
#include "money.h"

/* R4: the programme grants the extended period month by month. */
#define EXTENDED_MAX_DAYS_PER_DECISION 30

/* Writes "<rule>: " and the formatted text; every message of this file is
 * far shorter than VERDICT_MSG_MAX, truncation would only cut its tail. */
__attribute__((format(printf, 3, 0)))
static void say(char buf[VERDICT_MSG_MAX], const char *rule, const char *fmt, va_list ap)
{
	int n = snprintf(buf, VERDICT_MSG_MAX, "%s: ", rule);

	if (n < 0 || n >= VERDICT_MSG_MAX) {
		buf[0] = '\0';
		return;
	}
	if (vsnprintf(buf + n, (size_t)(VERDICT_MSG_MAX - n), fmt, ap) < 0)
		buf[n] = '\0';
}

/* Fills *v (when not NULL) with the rule id and both messages, which take
 * the same arguments. Where the languages need different words, both are
 * passed and each format skips the other's with "%.0s" (prints nothing).
 * Always returns false, so that a rule can `return verdict_refuse(...)`. */
__attribute__((format(printf, 3, 5), format(printf, 4, 5)))
bool verdict_refuse(struct verdict *v, const char *rule, const char *sv, const char *en, ...)
{
	va_list ap, aq;

	if (v == NULL)
		return false;
	v->rule = rule;
	va_start(ap, en);
	va_copy(aq, ap);
	say(v->sv, rule, sv, ap);
	say(v->en, rule, en, aq);
	va_end(aq);
	va_end(ap);
	return false;
}

static void allow(struct verdict *v)
{
	if (v == NULL)
		return;
	v->rule = NULL;
	v->sv[0] = '\0';
	v->en[0] = '\0';
}

/* True for NULL or a string of nothing but spaces: a plan of "   " is no plan. */
static bool blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* Days granted to p so far under application type t, with those of the
 * persons marked the same person as p (R3-R6 count across a linked pair). */
int64_t person_granted_days(const struct person_facts *p, enum app_type t)
{
	int64_t sum = 0;

	for (size_t i = 0; i < p->n_granted; i++)
		if (p->granted[i].type == t)
			sum += day_count(p->granted[i].from, p->granted[i].to);
	for (size_t i = 0; i < p->n_linked; i++)
		if (p->linked[i].type == t)
			sum += day_count(p->linked[i].from, p->linked[i].to);
	return sum;
}

/* The first granted daily-compensation decision of p (reflection, extended,
 * integration_housing) that covers day, or NULL. With housing_only, only
 * reflection and extended count (R5: living in NSP housing). */
static const struct granted *daily_covering(const struct person_facts *p, day_t day, bool housing_only)
{
	for (size_t i = 0; i < p->n_granted; i++) {
		const struct granted *g = &p->granted[i];

		if (!app_type_is_daily_compensation(g->type))
			continue;
		if (housing_only && g->type == APP_INTEGRATION_HOUSING)
			continue;
		if (day_overlap(g->from, g->to, day, day) > 0)
			return g;
	}
	return NULL;
}

static const char *daily_sv(enum app_type t)
{
	switch (t) {
	case APP_REFLECTION: return "reflektionsperiod";
	case APP_EXTENDED: return "förlängd reflektionsperiod";
	case APP_INTEGRATION_HOUSING: return "integration med dygnsersättning";
	default: return "dygnsersättning";
	}
}

static const char *daily_en(enum app_type t)
{
	switch (t) {
	case APP_REFLECTION: return "reflection period";
	case APP_EXTENDED: return "extended reflection period";
	case APP_INTEGRATION_HOUSING: return "integration with daily compensation";
	default: return "daily compensation";
	}
}

static const char *cert_sv(int s)
{
	static const char *const sv[CERT__COUNT] = {
		"intresserad", "pågående certifieringsprocess", "certifierad", "avstängd", "återkallad",
	};
	return s >= 0 && s < CERT__COUNT ? sv[s] : "okänd";
}

static const char *cert_en(int s)
{
	static const char *const en[CERT__COUNT] = {
		"prospect", "certification in process", "certified", "suspended", "revoked",
	};
	return s >= 0 && s < CERT__COUNT ? en[s] : "unknown";
}

/* R1: the state on `on` is the latest event dated on or before it; of events
 * on the same day the later array element wins (it was recorded later). */
bool rule_r1_certified(const struct cert_event *cert, size_t n, day_t on, struct verdict *v)
{
	const struct cert_event *last = NULL;
	char d[DAY_BUFSZ];

	for (size_t i = 0; cert != NULL && i < n; i++)
		if (cert[i].date != DAY_NONE && cert[i].date <= on &&
		    (last == NULL || cert[i].date >= last->date))
			last = &cert[i];
	day_format(on, d);
	if (last == NULL)
		return verdict_refuse(v, "R1", "organisationen har ingen certifiering den %s",
			      "the organisation has no certification on %s", d);
	if (last->status != CERT_CERTIFIED)
		return verdict_refuse(v, "R1", "organisationen är inte certifierad den %s (status: %s%.0s)",
			      "the organisation is not certified on %s (status: %.0s%s)", d,
			      cert_sv((int)last->status), cert_en((int)last->status));
	return true;
}

bool rule_r2_basis(const struct basis *b, struct verdict *v)
{
	if (b == NULL || !b->present)
		return verdict_refuse(v, "R2", "ansökan anger ingen grund enligt kompletteringsprincipen",
			      "the application states no basis under the complementarity principle");
	if ((int)b->kind < 0 || b->kind >= BASIS__COUNT ||
	    b->actor_kind < -1 || b->actor_kind >= ACTOR__COUNT ||
	    b->reason_category < -1 || b->reason_category >= REASON__COUNT)
		return verdict_refuse(v, "R2", "okänd grund, aktörstyp eller skälkategori",
			      "unknown basis, actor kind or reason category");
	if (b->kind != BASIS_PUBLIC_ACTOR_DENIED)
		return true;
	if (blank(b->actor))
		return verdict_refuse(v, "R2", "ange vilken offentlig aktör som nekade stödet",
			      "name the public actor that refused support");
	if (blank(b->reason))
		return verdict_refuse(v, "R2", "ange skälet som den offentliga aktören gav",
			      "state the reason the public actor gave");
	if (blank(b->reference))
		return verdict_refuse(v, "R2",
			      "ange beslutets diarienummer, eller no_written_decision när inget skriftligt beslut gavs",
			      "give the decision's reference, or no_written_decision when no written decision was given");
	return true;
}

bool rule_r3_reflection(const struct person_facts *p, int64_t days, struct verdict *v)
{
	int64_t max = rates_max_days(CODE_REFLECTION);
	int64_t had = person_granted_days(p, APP_REFLECTION);

	if (had + days > max)
		return verdict_refuse(v, "R3",
			      "reflektionsperioden är max %lld dygn totalt; %lld dygn är redan beviljade och %lld dygn söks",
			      "the reflection period is at most %lld days in total; %lld days are already granted and %lld days are applied for",
			      (long long)max, (long long)had, (long long)days);
	return true;
}

bool rule_r4_extended(const struct person_facts *p, const struct application *a, struct verdict *v)
{
	int64_t max = rates_max_days(CODE_EXTENDED);
	int64_t days = day_count(a->from, a->to);
	int64_t had = person_granted_days(p, APP_EXTENDED);
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];

	if (days > EXTENDED_MAX_DAYS_PER_DECISION)
		return verdict_refuse(v, "R4",
			      "ett beslut om förlängd reflektionsperiod gäller högst %d dygn; ansökan gäller %lld dygn",
			      "one decision on an extended reflection period covers at most %d days; the application covers %lld days",
			      EXTENDED_MAX_DAYS_PER_DECISION, (long long)days);
	if (had + days > max)
		return verdict_refuse(v, "R4",
			      "förlängd reflektionsperiod är max %lld dygn totalt; %lld dygn är redan beviljade och %lld dygn söks",
			      "the extended reflection period is at most %lld days in total; %lld days are already granted and %lld days are applied for",
			      (long long)max, (long long)had, (long long)days);
	if (blank(a->plan))
		return verdict_refuse(v, "R4", "en genomförandeplan krävs för förlängd reflektionsperiod",
			      "an implementation plan is required for an extended reflection period");
	if (blank(a->evaluation))
		return verdict_refuse(v, "R4", "en utvärdering av den senaste månaden krävs för förlängd reflektionsperiod",
			      "an evaluation of the past month is required for an extended reflection period");
	if (!p->sweden_responsible)
		return verdict_refuse(v, "R4", "Sverige har inte ansvar för personens skydd, så förlängd reflektionsperiod kan inte beviljas",
			      "Sweden is not responsible for the person's protection, so an extended reflection period cannot be granted");
	for (size_t i = 0; i < p->n_granted; i++) {
		const struct granted *g = &p->granted[i];

		if (g->type == APP_REFLECTION && g->to != DAY_NONE && a->from <= g->to)
			return verdict_refuse(v, "R4",
				      "förlängd reflektionsperiod kan börja först efter reflektionsperiodens sista dag %s; ansökan börjar %s",
				      "an extended reflection period can start only after the last day of the reflection period, %s; the application starts %s",
				      day_format(g->to, d1), day_format(a->from, d2));
	}
	return true;
}

bool rule_r5_integration_housing(const struct person_facts *p, const struct application *a, struct verdict *v)
{
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];
	day_t before;

	if (blank(a->plan))
		return verdict_refuse(v, "R5",
			      "en plan för utslussningsfasen krävs, som visar hur den leder till ett liv fritt från exploatering",
			      "a plan for the exit phase is required, showing how it leads to a life free from exploitation");
	if (a->from <= DAY_NONE + 1) /* so that from - 1 is a real day */
		return verdict_refuse(v, "R5", "periodens första dag saknas", "the period's first day is missing");
	before = a->from - 1;
	if (daily_covering(p, before, true) == NULL)
		return verdict_refuse(v, "R5",
			      "integration med dygnsersättning kräver att personen bor i NSP-boende med beviljad reflektionsperiod eller förlängd period den %s, dagen före periodens start %s",
			      "integration with daily compensation requires that the person lives in NSP housing with a granted reflection or extended period on %s, the day before the period starts on %s",
			      day_format(before, d1), day_format(a->from, d2));
	return true;
}

bool rule_r6_integration_total(const struct person_facts *p, const struct application *a, struct verdict *v)
{
	int64_t max = rates_max_days(CODE_INTEGRATION_ADULT);
	int64_t had, days;

	if (a->type != APP_INTEGRATION_HOUSING && a->type != APP_INTEGRATION_ADULT &&
	    a->type != APP_INTEGRATION_CHILD)
		return true;
	if (a->type == APP_INTEGRATION_ADULT && p->age_group != AGE_ADULT)
		return verdict_refuse(v, "R6", "integrationsstöd vuxen gäller bara vuxna; sök integrationsstöd barn",
			      "integration support for adults is only for adults; apply for integration support for children");
	if (a->type == APP_INTEGRATION_CHILD && p->age_group != AGE_CHILD)
		return verdict_refuse(v, "R6", "integrationsstöd barn gäller bara barn; sök integrationsstöd vuxen",
			      "integration support for children is only for children; apply for integration support for adults");
	had = person_granted_days(p, APP_INTEGRATION_HOUSING) + person_granted_days(p, APP_INTEGRATION_ADULT) +
	      person_granted_days(p, APP_INTEGRATION_CHILD);
	days = day_count(a->from, a->to);
	if (had + days > max)
		return verdict_refuse(v, "R6",
			      "integrationsstöd är max %lld dagar totalt i båda formerna; %lld dagar är redan beviljade och %lld dagar söks",
			      "integration support is at most %lld days in total across both forms; %lld days are already granted and %lld days are applied for",
			      (long long)max, (long long)had, (long long)days);
	return true;
}

/* R7: in->children[i] describes app->children[i] as the store found it. */
bool rule_r7_children(const struct rule_input *in, struct verdict *v)
{
	const struct application *a = in->app;

	if (a->n_children == 0)
		return true;
	if (!app_type_is_daily_compensation(a->type))
		return verdict_refuse(v, "R7",
			      "barn kan bara anges på ansökningar om dygnsersättning (reflektionsperiod, förlängd period, integration med dygnsersättning)",
			      "children can be named only on applications for daily compensation (reflection period, extended period, integration with daily compensation)");
	for (size_t i = 0; i < a->n_children; i++) {
		long long id = (long long)a->children[i];
		const struct named_child *c = in->children != NULL ? &in->children[i] : NULL;

		for (size_t j = 0; j < i; j++)
			if (a->children[j] == a->children[i])
				return verdict_refuse(v, "R7", "barn %lld anges två gånger", "child %lld is named twice", id);
		if (c == NULL || !c->found || c->id != a->children[i])
			return verdict_refuse(v, "R7", "barn %lld finns inte", "child %lld was not found", id);
		if (c->parent_id != a->person_id)
			return verdict_refuse(v, "R7", "person %lld är inte sökandens barn",
				      "person %lld is not the applicant's child", id);
		if (c->role != CHILD_PRIMARY && c->role != CHILD_SECONDARY)
			return verdict_refuse(v, "R7", "barn %lld bor inte hos föräldern utan på annan plats",
				      "child %lld does not live with the parent but elsewhere", id);
	}
	return true;
}

bool rule_r8_point(const struct person_facts *p, const struct application *a, struct verdict *v)
{
	const struct granted *g;
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ], d3[DAY_BUFSZ];

	if (a->type == APP_POINT_ADULT && p->age_group != AGE_ADULT)
		return verdict_refuse(v, "R8", "punktinsatser vuxen gäller bara vuxna; sök punktinsatser barn",
			      "point interventions for adults are only for adults; apply for point interventions for children");
	if (a->type == APP_POINT_CHILD && p->age_group != AGE_CHILD)
		return verdict_refuse(v, "R8", "punktinsatser barn gäller bara barn; sök punktinsatser vuxen",
			      "point interventions for children are only for children; apply for point interventions for adults");
	if ((int)a->category < 0 || a->category >= POINT__COUNT)
		return verdict_refuse(v, "R8", "okänd kategori för punktinsats", "unknown point-intervention category");
	if (a->units < 1)
		return verdict_refuse(v, "R8", "antalet enheter måste vara minst 1; ansökan anger %lld",
			      "the number of units must be at least 1; the application states %lld",
			      (long long)a->units);
	/* While the person lives in housing with daily compensation, that
	 * compensation already pays for basic needs. */
	if (a->category == POINT_BASIC_NEEDS &&
	    (g = daily_covering(p, a->submitted_on, false)) != NULL)
		return verdict_refuse(v, "R8",
			      "basbehov täcks redan av dygnsersättningen (%s%.0s %s–%s) på ansökningsdagen %s",
			      "basic needs are already covered by the daily compensation (%.0s%s %s–%s) on the application day %s",
			      daily_sv(g->type), daily_en(g->type), day_format(g->from, d1), day_format(g->to, d2),
			      day_format(a->submitted_on, d3));
	return true;
}

bool rule_r9_no_overlap(const struct person_facts *p, day_t from, day_t to, struct verdict *v)
{
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ], d3[DAY_BUFSZ], d4[DAY_BUFSZ];

	for (size_t i = 0; i < p->n_granted; i++) {
		const struct granted *g = &p->granted[i];
		int64_t shared;

		if (!app_type_is_daily_compensation(g->type))
			continue;
		shared = day_overlap(from, to, g->from, g->to);
		if (shared > 0)
			return verdict_refuse(v, "R9",
				      "perioden %s–%s delar %lld dygn med en beviljad %s%.0s %s–%s; samma dygn kan inte ersättas två gånger",
				      "the period %s–%s shares %lld day(s) with a granted %.0s%s %s–%s; a day cannot be compensated twice",
				      day_format(from, d1), day_format(to, d2), (long long)shared,
				      daily_sv(g->type), daily_en(g->type), day_format(g->from, d3), day_format(g->to, d4));
	}
	return true;
}

/* R10: remaining may be negative (a year already over budget). */
bool rule_r10_budget(int64_t amount_ore, int64_t remaining_ore, const char *override_reason, struct verdict *v)
{
	char amount[64], remaining[64];

	if (amount_ore <= remaining_ore || !blank(override_reason))
		return true;
	money_format(amount_ore, amount, sizeof amount, 0);
	money_format(remaining_ore, remaining, sizeof remaining, 0);
	return verdict_refuse(v, "R10",
		      "beslutet på %s överskrider årets återstående budget på %s; samordnaren kan bevilja ändå med ett skriftligt skäl",
		      "the decision of %s exceeds the year's remaining budget of %s; the coordinator may grant it anyway with a written reason",
		      amount, remaining);
}

/* R11: only a primary child is admitted itself, and only while a linked
 * parent is admitted. Adults pass. */
bool rule_r11_child_parent(const struct person_facts *child, const struct person_facts *parent, day_t on, struct verdict *v)
{
	char d[DAY_BUFSZ];

	if (child->age_group != AGE_CHILD)
		return true;
	if (child->child_role == CHILD_SECONDARY || child->child_role == CHILD_ELSEWHERE)
		return verdict_refuse(v, "R11",
			      "barn med rollen %s antas inte själva i programmet; bara barn med rollen primary har egna insatser",
			      "a child with role %s is not admitted to the programme itself; only a child with role primary has its own interventions",
			      enum_name(&enum_child_role, (int)child->child_role));
	if (child->child_role != CHILD_PRIMARY || child->parent_id == 0 || parent == NULL ||
	    parent->id != child->parent_id)
		return verdict_refuse(v, "R11",
			      "barnet har ingen länkad förälder i programmet och ska hänvisas till socialtjänsten",
			      "the child has no linked parent in the programme and is to be referred to social services");
	if (!person_admitted_on(parent, on))
		return verdict_refuse(v, "R11", "barnets förälder är inte antagen i programmet den %s",
			      "the child's parent is not admitted to the programme on %s", day_format(on, d));
	return true;
}

/* R12: int64 so that a large retention never wraps the day. */
bool rule_r12_retention_due(day_t exit_on, day_t today, int retention_days)
{
	if (exit_on == DAY_NONE || today == DAY_NONE)
		return false;
	return (int64_t)today >= (int64_t)exit_on + retention_days;
}

bool person_admitted_on(const struct person_facts *p, day_t on)
{
	return p != NULL && on != DAY_NONE && p->admitted_on != DAY_NONE && p->admitted_on <= on &&
	       (p->exit_on == DAY_NONE || on <= p->exit_on);
}

bool rule_r13_admitted(const struct person_facts *p, day_t on, struct verdict *v)
{
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];

	if (person_admitted_on(p, on))
		return true;
	day_format(on, d1);
	if (p == NULL || p->admitted_on == DAY_NONE)
		return verdict_refuse(v, "R13", "personen är inte antagen i programmet den %s; ansök först om tillträde",
			      "the person is not admitted to the programme on %s; apply for admission first", d1);
	if (on < p->admitted_on)
		return verdict_refuse(v, "R13", "personen är inte antagen i programmet den %s; tillträde gäller från %s",
			      "the person is not admitted to the programme on %s; admission applies from %s",
			      d1, day_format(p->admitted_on, d2));
	return verdict_refuse(v, "R13", "personen är inte antagen i programmet den %s; utträde skedde %s",
		      "the person is not admitted to the programme on %s; the person exited on %s",
		      d1, day_format(p->exit_on, d2));
}

bool rule_r13_intervention(const struct rule_input *in, struct verdict *v)
{
	const struct application *a = in->app;
	const struct person_facts *p = in->person;
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];
	bool exited_before;

	if (person_admitted_on(p, a->submitted_on))
		return true;
	exited_before = p->exit_on != DAY_NONE && p->exit_on < a->submitted_on;
	if (!in->deciding) {
		/* Submitted while the admission waits: judged again at the decision. */
		if (!exited_before && p->admission_pending && p->admission_pending_on <= a->submitted_on)
			return true;
		return rule_r13_admitted(p, a->submitted_on, v);
	}
	if (person_admitted_on(p, in->decided_on))
		return true;
	if (p->admission_pending && !exited_before)
		return verdict_refuse(v, "R13",
			      "personen är inte antagen i programmet den %s; ansökan om tillträde (inlämnad %s) är ännu inte beslutad: besluta den först, eller båda tillsammans",
			      "the person is not admitted to the programme on %s; the admission application (submitted %s) is not decided yet: decide it first, or both together",
			      day_format(in->decided_on, d1), day_format(p->admission_pending_on, d2));
	if (p->admitted_on == DAY_NONE && p->admission_denied)
		return verdict_refuse(v, "R13",
			      "personen är inte antagen i programmet: ansökan om tillträde avslogs den %s; ansökan kan bara avslås",
			      "the person is not admitted to the programme: the admission was denied on %s; the application can only be denied",
			      day_format(p->admission_denied_on, d1));
	return rule_r13_admitted(p, in->decided_on, v);
}

/*
 * The programme rules of an application as data: each with when it concerns
 * the application and how it is judged, in the order they are tried (R1, R2,
 * R13/R11, R3–R9). rules_check_application() stops at the first refusal,
 * rules_check_all() judges every one; both walk this one table, so the two
 * can never disagree. The input has passed check_shape(): a valid type, the
 * person, the application date and (for period types) a valid period.
 */
static bool applies_always(const struct rule_input *in)
{
	(void)in;
	return true;
}

static bool applies_child(const struct rule_input *in)
{
	return in->person->age_group == AGE_CHILD;
}

static bool applies_reflection(const struct rule_input *in)
{
	return in->app->type == APP_REFLECTION;
}

static bool applies_extended(const struct rule_input *in)
{
	return in->app->type == APP_EXTENDED;
}

static bool applies_housing(const struct rule_input *in)
{
	return in->app->type == APP_INTEGRATION_HOUSING;
}

static bool applies_point(const struct rule_input *in)
{
	return app_type_is_point(in->app->type);
}

static bool applies_children(const struct rule_input *in)
{
	return in->app->n_children > 0;
}

static bool applies_integration(const struct rule_input *in)
{
	enum app_type t = in->app->type;

	return t == APP_INTEGRATION_HOUSING || t == APP_INTEGRATION_ADULT || t == APP_INTEGRATION_CHILD;
}

static bool applies_daily(const struct rule_input *in)
{
	return app_type_is_daily_compensation(in->app->type);
}

static bool judge_r1(const struct rule_input *in, struct verdict *v)
{
	return rule_r1_certified(in->cert, in->n_cert, in->app->submitted_on, v);
}

static bool judge_r2(const struct rule_input *in, struct verdict *v)
{
	return rule_r2_basis(&in->app->basis, v);
}

/* R13: an intervention needs an admitted person (or one whose admission is
 * waiting, rule_r13_intervention); an admission one who is not admitted yet. */
static bool judge_r13(const struct rule_input *in, struct verdict *v)
{
	const struct application *a = in->app;
	const struct person_facts *p = in->person;
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];

	if (a->type != APP_ADMISSION)
		return rule_r13_intervention(in, v);
	if (person_admitted_on(p, a->submitted_on))
		return verdict_refuse(v, "R13", "personen är redan antagen i programmet den %s (sedan %s)",
			      "the person is already admitted to the programme on %s (since %s)",
			      day_format(a->submitted_on, d1), day_format(p->admitted_on, d2));
	return true;
}

static bool judge_r11(const struct rule_input *in, struct verdict *v)
{
	return rule_r11_child_parent(in->person, in->parent, in->app->submitted_on, v);
}

static bool judge_r3(const struct rule_input *in, struct verdict *v)
{
	return rule_r3_reflection(in->person, day_count(in->app->from, in->app->to), v);
}

static bool judge_r4(const struct rule_input *in, struct verdict *v)
{
	return rule_r4_extended(in->person, in->app, v);
}

static bool judge_r5(const struct rule_input *in, struct verdict *v)
{
	return rule_r5_integration_housing(in->person, in->app, v);
}

static bool judge_r6(const struct rule_input *in, struct verdict *v)
{
	return rule_r6_integration_total(in->person, in->app, v);
}

static bool judge_r7(const struct rule_input *in, struct verdict *v)
{
	return rule_r7_children(in, v);
}

static bool judge_r8(const struct rule_input *in, struct verdict *v)
{
	return rule_r8_point(in->person, in->app, v);
}

static bool judge_r9(const struct rule_input *in, struct verdict *v)
{
	return rule_r9_no_overlap(in->person, in->app->from, in->app->to, v);
}

static const struct rule_step {
	const char *rule;
	bool (*applies)(const struct rule_input *in);
	bool (*judge)(const struct rule_input *in, struct verdict *v);
} rule_steps[] = {
	{ "R1", applies_always, judge_r1 },
	{ "R2", applies_always, judge_r2 },
	{ "R13", applies_always, judge_r13 },
	{ "R11", applies_child, judge_r11 },
	{ "R3", applies_reflection, judge_r3 },
	{ "R4", applies_extended, judge_r4 },
	{ "R5", applies_housing, judge_r5 },
	{ "R6", applies_integration, judge_r6 },
	{ "R7", applies_children, judge_r7 },
	{ "R8", applies_point, judge_r8 },
	{ "R9", applies_daily, judge_r9 },
};

#define N_RULE_STEPS (sizeof rule_steps / sizeof rule_steps[0])
_Static_assert(N_RULE_STEPS + 3 == RULE_CHECKS_MAX,
	       "rules_check_all lists \"application\", the steps, R10 and R15");

/* Shape checks that are no programme rule: the web layer validates these
 * first, the core refuses them again rather than compute with nonsense. */
static bool check_shape(const struct rule_input *in, struct verdict *v)
{
	const struct application *a;
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];

	if (in == NULL || in->app == NULL || in->person == NULL)
		return verdict_refuse(v, "application", "ansökan eller personen saknas",
			      "the application or the person is missing");
	a = in->app;
	if ((int)a->type < 0 || a->type >= APP_TYPE__COUNT)
		return verdict_refuse(v, "application", "okänd typ av ansökan", "unknown application type");
	if (a->person_id != in->person->id)
		return verdict_refuse(v, "application", "ansökan gäller en annan person",
			      "the application concerns another person");
	if (a->submitted_on == DAY_NONE)
		return verdict_refuse(v, "application", "ansökningsdatum saknas", "the application date is missing");
	if (a->n_children > 0 && a->children == NULL)
		return verdict_refuse(v, "application", "barnlistan saknas", "the list of children is missing");
	if (app_type_has_period(a->type) && day_count(a->from, a->to) == 0)
		return verdict_refuse(v, "application",
			      "perioden %s–%s saknar start eller slutar före den börjar",
			      "the period %s–%s lacks a start or ends before it starts",
			      day_format(a->from, d1), day_format(a->to, d2));
	return true;
}

bool rules_check_application(const struct rule_input *in, struct verdict *v)
{
	allow(v);
	if (!check_shape(in, v))
		return false;
	for (size_t i = 0; i < N_RULE_STEPS; i++)
		if (rule_steps[i].applies(in) && !rule_steps[i].judge(in, v))
			return false;
	return true;
}

/* Why a rule waits: the sentences of a CHECK_NOT_JUDGED check. */
static void not_judged(struct rule_check *c, const char *needs)
{
	c->status = CHECK_NOT_JUDGED;
	c->needs = needs;
	if (strcmp(needs, "amount") == 0)
		(void)verdict_refuse(&c->verdict, c->rule,
			     "inte bedömd, eftersom beloppet inte kan räknas ut utan en giltig period eller ett giltigt antal enheter",
			     "not judged, because the amount cannot be computed without a valid period or number of units");
	else if (strcmp(needs, "place") == 0)
		(void)verdict_refuse(&c->verdict, c->rule,
			     "inte bedömd, eftersom ansökan inte anger boendeplatsens polisregion och målgrupp",
			     "not judged, because the application names no police region and target group for the place");
	else if (strcmp(needs, "places") == 0)
		(void)verdict_refuse(&c->verdict, c->rule,
			     "inte bedömd, eftersom organisationen inte har angett några platser för den polisregionen och målgruppen",
			     "not judged, because the organisation has declared no places for that police region and target group");
	else
		(void)verdict_refuse(&c->verdict, c->rule,
			     "inte bedömd, eftersom själva ansökan är ofullständig eller felaktig; regeln prövas när ansökan är rättad",
			     "not judged, because the application itself is incomplete or invalid; the rule is tried once it is corrected");
}

/* R10 of rules_check_all(), after the application rules. */
static void check_budget(const struct rule_input *in, bool shape_ok, bool typed, const struct budget_facts *budget,
			 struct rule_check *c)
{
	if (typed && in->app->type == APP_ADMISSION)
		c->status = CHECK_NOT_APPLICABLE;
	else if (!shape_ok)
		not_judged(c, "application");
	else if (budget == NULL)
		not_judged(c, "amount");
	else if (budget->amount_ore <= 0)
		c->status = CHECK_NOT_APPLICABLE; /* nothing is committed: the decision path skips R10 too */
	else if (rule_r10_budget(budget->amount_ore, budget->remaining_ore, budget->override_reason, &c->verdict))
		c->status = CHECK_ALLOWED;
	else
		c->status = CHECK_REFUSED;
}

/* R15 of rules_check_all(), after R10: the period applied for, no reason yet. */
static void check_capacity(const struct rule_input *in, bool shape_ok, bool typed, const struct place_facts *place,
			   struct rule_check *c)
{
	if (typed && !app_type_is_daily_compensation(in->app->type))
		c->status = CHECK_NOT_APPLICABLE;
	else if (!shape_ok)
		not_judged(c, "application");
	else if (place == NULL)
		not_judged(c, "place");
	else if (!place->declared)
		not_judged(c, "places");
	else if (rule_r15_capacity(place, in->app->from, in->app->to, NULL, &c->verdict))
		c->status = CHECK_ALLOWED;
	else
		c->status = CHECK_REFUSED;
}

bool rules_check_all(const struct rule_input *in, const struct budget_facts *budget,
		     const struct place_facts *place, struct rule_checks *out)
{
	struct rule_check *c;
	bool shape_ok, typed;

	memset(out, 0, sizeof *out);
	/* Whether a rule applies follows from the type and the person alone,
	 * so it is known even when the application is otherwise malformed. */
	typed = in != NULL && in->app != NULL && in->person != NULL && (int)in->app->type >= 0 &&
		in->app->type < APP_TYPE__COUNT;
	c = &out->check[out->n++];
	c->rule = "application";
	shape_ok = check_shape(in, &c->verdict);
	c->status = shape_ok ? CHECK_ALLOWED : CHECK_REFUSED;
	for (size_t i = 0; i < N_RULE_STEPS; i++) {
		c = &out->check[out->n++];
		c->rule = rule_steps[i].rule;
		if (typed && !rule_steps[i].applies(in))
			c->status = CHECK_NOT_APPLICABLE;
		else if (!shape_ok)
			not_judged(c, "application");
		else
			c->status = rule_steps[i].judge(in, &c->verdict) ? CHECK_ALLOWED : CHECK_REFUSED;
	}
	for (size_t i = 0; i < out->n; i++) {
		if (out->check[i].status != CHECK_REFUSED)
			continue;
		out->n_refused++;
		if (out->first == NULL)
			out->first = &out->check[i];
	}
	c = &out->check[out->n++];
	c->rule = "R10";
	check_budget(in, shape_ok, typed, budget, c);
	if (c->status == CHECK_REFUSED)
		out->n_refused++;
	c = &out->check[out->n++];
	c->rule = "R15";
	check_capacity(in, shape_ok, typed, place, c);
	if (c->status == CHECK_REFUSED)
		out->n_refused++;
	return out->first == NULL;
}

/* The granted period or units against what was applied for. */
static bool check_granted_part(const struct application *a, const struct decision_request *d, struct verdict *v)
{
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ], d3[DAY_BUFSZ], d4[DAY_BUFSZ];
	int64_t asked, got;

	if (a->type == APP_ADMISSION) {
		if (d->outcome == OUTCOME_PARTLY_GRANTED)
			return verdict_refuse(v, "decision", "tillträde kan bara beviljas eller avslås",
				      "admission can only be granted or denied");
		return true;
	}
	if (app_type_has_period(a->type)) {
		asked = day_count(a->from, a->to);
		got = day_count(d->from, d->to);
		if (got == 0 || d->from < a->from || d->to > a->to)
			return verdict_refuse(v, "decision",
				      "den beviljade perioden %s–%s ligger inte inom den sökta %s–%s",
				      "the granted period %s–%s is not within the period applied for, %s–%s",
				      day_format(d->from, d1), day_format(d->to, d2),
				      day_format(a->from, d3), day_format(a->to, d4));
	} else {
		asked = a->units;
		got = d->units;
		if (got < 1 || got > asked)
			return verdict_refuse(v, "decision",
				      "beviljat antal enheter %lld ligger inte mellan 1 och det sökta %lld",
				      "the granted %lld units are not between 1 and the %lld applied for",
				      (long long)got, (long long)asked);
	}
	if (d->outcome == OUTCOME_GRANTED && got != asked)
		return verdict_refuse(v, "decision",
			      "ett beviljat beslut gäller allt som söktes (%lld); för %lld, använd delvis beviljat",
			      "a granted decision covers all that was applied for (%lld); for %lld, use partly granted",
			      (long long)asked, (long long)got);
	if (d->outcome == OUTCOME_PARTLY_GRANTED && got >= asked)
		return verdict_refuse(v, "decision",
			      "delvis beviljat måste gälla färre än de sökta %lld; beslutet gäller %lld",
			      "partly granted must cover fewer than the %lld applied for; the decision covers %lld",
			      (long long)asked, (long long)got);
	if (d->outcome == OUTCOME_PARTLY_GRANTED && blank(d->reason))
		return verdict_refuse(v, "decision", "ett delvis beviljat beslut behöver ett skäl",
			      "a partly granted decision needs a reason");
	return true;
}

/*
 * A denial needs only a reason: it must always be possible to close an
 * application, even when the rules would refuse granting it now (e.g. a
 * second admission application of a person admitted in between).
 */
bool rules_check_decision(const struct rule_input *in, const struct decision_request *d, struct verdict *v)
{
	const struct application *a;
	struct application granted;
	struct rule_input again;
	char d1[DAY_BUFSZ], d2[DAY_BUFSZ];

	allow(v);
	if (!check_shape(in, v))
		return false;
	a = in->app;
	if (d == NULL || (int)d->outcome < 0 || d->outcome >= OUTCOME__COUNT)
		return verdict_refuse(v, "decision", "okänt beslut", "unknown decision outcome");
	if (d->decided_on == DAY_NONE || d->decided_on < a->submitted_on)
		return verdict_refuse(v, "decision", "beslutsdatum %s får inte ligga före ansökningsdatum %s",
			      "the decision date %s may not be before the application date %s",
			      day_format(d->decided_on, d1), day_format(a->submitted_on, d2));
	if (d->outcome == OUTCOME_DENIED) {
		if (blank(d->reason))
			return verdict_refuse(v, "decision", "ett avslag behöver ett skäl", "a denial needs a reason");
		if (d->emergency)
			return verdict_refuse(v, "R2e", "ett avslag kan inte vara ett akutbeslut",
				      "a denial cannot be an emergency decision");
		return true;
	}
	if (!check_granted_part(a, d, v))
		return false;
	if (d->emergency && !app_type_is_daily_compensation(a->type))
		return verdict_refuse(v, "R2e",
			      "akutbeslut kan bara fattas om dygnsersättning (reflektionsperiod, förlängd period, integration med dygnsersättning)",
			      "an emergency decision is possible only for daily compensation (reflection period, extended period, integration with daily compensation)");
	/* The history may have changed since submission: check again with
	 * what is being granted. */
	granted = *a;
	if (app_type_has_period(a->type)) {
		granted.from = d->from;
		granted.to = d->to;
	} else if (app_type_is_point(a->type)) {
		granted.units = d->units;
	}
	again = *in;
	again.app = &granted;
	again.deciding = true;
	again.decided_on = d->decided_on;
	return rules_check_application(&again, v);
}

/* Sum over the years of from..to of the days in each year times that
 * year's rate for code. Returns 0 or -1 on overflow. */
static int price_period(enum code code, day_t from, day_t to, const struct rate_table *tables,
			size_t n_tables, int64_t *out)
{
	int64_t total = 0, part;

	for (int y = day_year(from); y <= day_year(to); y++) {
		int64_t days = day_overlap(from, to, day_year_first(y), day_year_last(y));
		const struct rate_table *t = rates_for_year(tables, n_tables, y);

		if (money_mul(days, t->rate_ore[code], &part) < 0 || money_add(total, part, &total) < 0)
			return -1;
	}
	*out = total;
	return 0;
}

/* Fills lines[] (caller's storage); returns the number of lines, 0 for
 * admission, -1 on overflow or on a missing period, units or category. */
int decision_amount(const struct application *a, day_t from, day_t to, int64_t units,
		    day_t decided_on, const struct rate_table *tables, size_t n_tables,
		    struct decision_line lines[DECISION_MAX_LINES])
{
	int code, child;
	int64_t days, amount;

	if (a == NULL || lines == NULL)
		return -1;
	if (a->type == APP_ADMISSION)
		return 0;
	code = app_type_code(a->type);
	if (code < 0)
		return -1;
	if (app_type_is_point(a->type)) {
		const struct rate_table *t;

		if (units < 1 || decided_on == DAY_NONE || (int)a->category < 0 ||
		    a->category >= POINT__COUNT)
			return -1;
		t = rates_for_year(tables, n_tables, day_year(decided_on));
		if (money_mul(units, t->point[a->category].rate_ore, &amount) < 0)
			return -1;
		lines[0] = (struct decision_line){ (enum code)code, a->person_id, units, amount };
		return 1;
	}
	days = day_count(from, to);
	if (days == 0 || price_period((enum code)code, from, to, tables, n_tables, &amount) < 0)
		return -1;
	lines[0] = (struct decision_line){ (enum code)code, a->person_id, days, amount };
	child = code_child_supplement((enum code)code);
	if (a->n_children == 0 || child < 0)
		return 1;
	/* R7: one supplement per day however many children are named; it is
	 * paid to the parent, who is the applicant. */
	if (price_period((enum code)child, from, to, tables, n_tables, &amount) < 0)
		return -1;
	lines[1] = (struct decision_line){ (enum code)child, a->person_id, days, amount };
	return 2;
}
