/*
 * Every Swedish label of the annual report. The words follow the 2025
 * report (shared/seed) and domain.md; keep them here and nowhere else so
 * that all five export forms say the same thing.
 */
#include "report/labels.h"

#include <stdio.h>
#include <string.h>

struct label {
	const char *key;
	const char *sv;
};

static const struct label labels[] = {
	/* gender buckets (api.md) */
	{ "bucket.women", "Kvinnor" },
	{ "bucket.men", "Män" },
	{ "bucket.trans_women", "Transkvinnor" },
	{ "bucket.trans_men", "Transmän" },
	{ "bucket.non_binary", "Icke-binära" },
	{ "bucket.girls", "Flickor" },
	{ "bucket.boys", "Pojkar" },
	{ "bucket.unknown", "Okänt" },
	{ "bucket.total", "Totalt" },

	/* intervention codes (domain.md §7) */
	{ "code.reflection", "Reflektionsperiod" },
	{ "code.reflection_child", "Barntillägg reflektionsperiod" },
	{ "code.extended", "Förlängd reflektionsperiod och fördjupad återhämtning" },
	{ "code.extended_child", "Barntillägg förlängd reflektionsperiod och fördjupad återhämtning" },
	{ "code.integration_housing", "Integration med dygnsersättning" },
	{ "code.integration_housing_child", "Barntillägg integration med dygnsersättning" },
	{ "code.integration_adult", "Integrationsstöd vuxen" },
	{ "code.integration_child", "Integrationsstöd barn" },
	{ "code.point_adult", "Punktinsatser vuxen" },
	{ "code.point_child", "Punktinsatser barn" },

	/* exploitation forms and the row for more than one */
	{ "exploitation.sexual_exploitation", "Sexuell exploatering" },
	{ "exploitation.labour_exploitation", "Arbetskraftsexploatering" },
	{ "exploitation.forced_marriage", "Tvångsäktenskap" },
	{ "exploitation.forced_criminality", "Tvång att begå brott" },
	{ "exploitation.begging", "Tiggeri" },
	{ "exploitation.organ_removal", "Organhandel" },
	{ "exploitation.other_crime", "Andra brott" },
	{ "exploitation.multiple", "Multipla ändamål" },

	/* referral sources (hänvisad av) */
	{ "referral.regional_coordinator", "Regionkoordinator mot prostitution och människohandel" },
	{ "referral.civil_society", "Andra delar av civilsamhället" },
	{ "referral.self", "Tog själv kontakt" },
	{ "referral.police", "Polisen" },
	{ "referral.social_services", "Socialtjänsten" },
	{ "referral.migration_agency", "Migrationsverket" },
	{ "referral.healthcare", "Hälso- och sjukvården" },
	{ "referral.detention", "Förvar" },
	{ "referral.other", "Annan" },

	/* complementarity (R2) */
	{ "basis_kind.no_designated_actor", "Ingen myndighetsaktör tydligt utpekad" },
	{ "basis_kind.public_actor_denied", "Myndighetsaktör har nekat insats" },
	{ "actor_kind.social_services", "Socialtjänsten" },
	{ "actor_kind.migration_agency", "Migrationsverket" },
	{ "actor_kind.healthcare", "Hälso- och sjukvården" },
	{ "actor_kind.police", "Polisen" },
	{ "actor_kind.other", "Annan aktör" },
	{ "reason_category.lacks_personal_number", "Saknar personnummer" },
	{ "reason_category.referred_elsewhere", "Hänvisad till annan aktör" },
	{ "reason_category.no_decision", "Inget beslut fattat" },
	{ "reason_category.crime_abroad", "Brottet begicks utomlands" },
	{ "reason_category.not_in_target_group", "Anses inte tillhöra målgruppen" },
	{ "reason_category.other", "Annat skäl" },

	/* decisions and placement requests */
	{ "outcome.granted", "Beviljade" },
	{ "outcome.partly_granted", "Delvis beviljade" },
	{ "outcome.denied", "Avslag" },
	{ "placement_outcome.placed", "Placerad" },
	{ "placement_outcome.no_place_available", "Ingen plats tillgänglig" },
	{ "placement_outcome.declined", "Avböjd" },

	/* headings and words of the report */
	{ "report.programme", "Nationella Stödprogrammet" },
	{ "report.title", "Årsrapport" },
	{ "report.exact", "Exakta uppgifter (finansiärens rapport)." },
	{ "report.open_data", "Öppna data: antal personer under k redovisas inte (..); ytterligare "
			      "celler har dolts så att inget dolt antal kan räknas fram ur de "
			      "publicerade. Belopp redovisas exakt." },
	{ "report.suppressed_note", ".. = uppgiften redovisas inte (öppna data)." },
	{ "report.count", "Antal" },
	{ "report.amount", "Belopp" },
	{ "report.category", "Kategori" },
	{ "report.gender", "Kön" },
	{ "report.persons", "Personer som omfattats av programmet" },
	{ "report.persons.total", "Totalt" },
	{ "report.persons.adults", "Vuxna" },
	{ "report.persons.children", "Barn" },
	{ "report.primary", "Primära stödmottagare" },
	{ "report.secondary_children", "Barn som sekundära stödmottagare" },
	{ "report.children_elsewhere", "Barn i hemlandet eller med annan än stödsökande" },
	{ "report.interventions", "Antal personer, könsuppdelat, som erhållit respektive insatstyp" },
	{ "report.intervention", "Insats" },
	{ "report.exploitation_adults", "Könsuppdelad statistik per exploateringsform – vuxna" },
	{ "report.exploitation_children", "Könsuppdelad statistik per exploateringsform – barn" },
	{ "report.exploitation_form", "Exploateringsform" },
	{ "report.referrals", "Hänvisning av personer som erhållit reflektionsperiod" },
	{ "report.referral_source", "Hänvisad av" },
	{ "report.referral_not_recorded", "Ej registrerat" },
	{ "report.money", "Ekonomi" },
	{ "report.money.budget", "Budget" },
	{ "report.money.committed", "Beviljat (åtaganden för årets beslut)" },
	{ "report.money.paid", "Utbetalt under året" },
	{ "report.money.no_budget", "Ingen budget är fastställd för året." },
	{ "report.paid_by_code", "Utbetalt per insatstyp" },
	{ "report.decisions", "Beslut under året" },
	{ "report.decision", "Beslut" },
	{ "report.decisions.emergency", "Varav akutbeslut (R2e)" },
	{ "report.placement_requests", "Förfrågningar om boendeplats" },
	{ "report.placement_outcome", "Utfall" },
	{ "report.consultations", "Ärendestöd" },
	{ "report.consultations.count", "Konsultationer" },
	{ "report.basis", "Ansökningar per grund (kompletteringsprincipen)" },
	{ "report.basis_kind", "Grund" },
	{ "report.denials", "Avslag från myndighetsaktörer, per aktör och skäl" },
	{ "report.actor", "Myndighetsaktör" },
	{ "report.chart_none", "Inga personer" },
	{ "report.chart_suppressed", ".. (redovisas inte)" },
	{ "report.chart_interventions", "Personer per insatstyp och kön" },
	{ "report.chart_exploitation_adults", "Vuxna per exploateringsform och kön" },
	{ "report.chart_exploitation_children", "Barn per exploateringsform och kön" },
};

const char *report_label(const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].key, key) == 0)
			return labels[i].sv;
	return NULL;
}

const char *report_label_of(const struct enum_def *e, int v)
{
	char key[96];
	int n;

	if (e == NULL || v < 0 || v >= e->count)
		return "?";
	n = snprintf(key, sizeof key, "%s.%s", e->name, e->values[v]);
	if (n < 0 || (size_t)n >= sizeof key)
		return "?";
	const char *s = report_label(key);
	return s ? s : "?";
}
