/*
 * The name tables of the closed vocabularies (enums.h). The names are the
 * contract of the API and the database (domain.md, api.md): never rename one.
 */
#include "enums.h"

#include <string.h>

/* A table whose length does not match its enum fails to compile. */
#define ENUM_DEF(id, count)                                                      \
	_Static_assert(sizeof id##_names / sizeof id##_names[0] == (count),      \
		       "enum_" #id " table does not match its enum");            \
	const struct enum_def enum_##id = { #id, id##_names, (count) }

static const char *const gender_names[] = {
	"female", "male", "trans_female", "trans_male", "non_binary", "unknown",
};
ENUM_DEF(gender, GENDER__COUNT);

static const char *const age_group_names[] = {
	"adult", "child",
};
ENUM_DEF(age_group, AGE__COUNT);

static const char *const exploitation_names[] = {
	"sexual_exploitation", "labour_exploitation", "forced_marriage", "forced_criminality",
	"begging", "organ_removal", "other_crime",
};
ENUM_DEF(exploitation, EXPL__COUNT);

static const char *const place_names[] = {
	"sweden", "other_eu", "third_country",
};
ENUM_DEF(place, PLACE__COUNT);

static const char *const violence_names[] = {
	"sexual", "physical", "psychological",
};
ENUM_DEF(violence, VIOL__COUNT);

static const char *const referral_names[] = {
	"regional_coordinator", "civil_society", "self", "police", "social_services",
	"migration_agency", "healthcare", "detention", "other",
};
ENUM_DEF(referral, REF__COUNT);

static const char *const legal_status_names[] = {
	"reflection_permit", "witness_permit", "asylum_seeker", "eu_citizen", "resident",
	"detained", "other", "unknown",
};
ENUM_DEF(legal_status, LEGAL__COUNT);

static const char *const child_role_names[] = {
	"primary", "secondary", "elsewhere",
};
ENUM_DEF(child_role, CHILD_ROLE__COUNT);

static const char *const exit_destination_names[] = {
	"public_support", "return_programme", "return_other", "independent", "deported",
	"lost_contact", "other",
};
ENUM_DEF(exit_destination, EXIT__COUNT);

static const char *const org_kind_names[] = {
	"protected_housing", "safe_housing", "low_threshold", "other",
};
ENUM_DEF(org_kind, ORG_KIND__COUNT);

static const char *const region_names[] = {
	"Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen",
};
ENUM_DEF(region, REGION__COUNT);

static const char *const cert_status_names[] = {
	"prospect", "in_process", "certified", "suspended", "revoked",
};
ENUM_DEF(cert_status, CERT__COUNT);

static const char *const role_names[] = {
	"coordinator", "caseworker", "funder",
};
ENUM_DEF(role, ROLE__COUNT);

static const char *const app_type_names[] = {
	"admission", "reflection", "extended", "integration_housing", "integration_adult",
	"integration_child", "point_adult", "point_child",
};
ENUM_DEF(app_type, APP_TYPE__COUNT);

static const char *const code_names[] = {
	"reflection", "reflection_child", "extended", "extended_child", "integration_housing",
	"integration_housing_child", "integration_adult", "integration_child", "point_adult",
	"point_child",
};
ENUM_DEF(code, CODE__COUNT);

static const char *const point_category_names[] = {
	"interpreter", "legal_advice", "travel", "support_talk", "basic_needs", "return",
	"other",
};
ENUM_DEF(point_category, POINT__COUNT);

static const char *const basis_kind_names[] = {
	"no_designated_actor", "public_actor_denied",
};
ENUM_DEF(basis_kind, BASIS__COUNT);

static const char *const actor_kind_names[] = {
	"social_services", "migration_agency", "healthcare", "police", "other",
};
ENUM_DEF(actor_kind, ACTOR__COUNT);

static const char *const reason_category_names[] = {
	"lacks_personal_number", "referred_elsewhere", "no_decision", "crime_abroad",
	"not_in_target_group", "other",
};
ENUM_DEF(reason_category, REASON__COUNT);

static const char *const app_status_names[] = {
	"submitted", "decided",
};
ENUM_DEF(app_status, STATUS__COUNT);

static const char *const outcome_names[] = {
	"granted", "partly_granted", "denied",
};
ENUM_DEF(outcome, OUTCOME__COUNT);

static const char *const target_group_names[] = {
	"women", "men", "families",
};
ENUM_DEF(target_group, TARGET__COUNT);

static const char *const placement_outcome_names[] = {
	"placed", "no_place_available", "declined",
};
ENUM_DEF(placement_outcome, PLACEMENT__COUNT);

static const char *const asker_names[] = {
	"social_services", "regional_coordinator", "organisation", "police", "migration_agency",
	"healthcare", "other",
};
ENUM_DEF(asker, ASKER__COUNT);

static const char *const support_need_names[] = {
	"housing", "support_talk", "information", "authority_contact", "legal_advice", "basic_needs",
	"healthcare", "other",
};
ENUM_DEF(support_need, NEED__COUNT);

static const char *const ledger_kind_names[] = {
	"commit", "payment", "release",
};
ENUM_DEF(ledger_kind, LEDGER__COUNT);

static const char *const claim_status_names[] = {
	"submitted", "paid", "rejected",
};
ENUM_DEF(claim_status, CLAIM__COUNT);

int enum_parse(const struct enum_def *e, const char *s)
{
	if (e == NULL || s == NULL)
		return -1;
	for (int i = 0; i < e->count; i++)
		if (strcmp(e->values[i], s) == 0)
			return i;
	return -1;
}

const char *enum_name(const struct enum_def *e, int v)
{
	if (e == NULL || v < 0 || v >= e->count)
		return "?";
	return e->values[v];
}

int app_type_code(enum app_type t)
{
	switch (t) {
	case APP_REFLECTION: return CODE_REFLECTION;
	case APP_EXTENDED: return CODE_EXTENDED;
	case APP_INTEGRATION_HOUSING: return CODE_INTEGRATION_HOUSING;
	case APP_INTEGRATION_ADULT: return CODE_INTEGRATION_ADULT;
	case APP_INTEGRATION_CHILD: return CODE_INTEGRATION_CHILD;
	case APP_POINT_ADULT: return CODE_POINT_ADULT;
	case APP_POINT_CHILD: return CODE_POINT_CHILD;
	default: return -1; /* admission and out-of-range values */
	}
}

int code_child_supplement(enum code c)
{
	switch (c) {
	case CODE_REFLECTION: return CODE_REFLECTION_CHILD;
	case CODE_EXTENDED: return CODE_EXTENDED_CHILD;
	case CODE_INTEGRATION_HOUSING: return CODE_INTEGRATION_HOUSING_CHILD;
	default: return -1;
	}
}

int app_type_is_daily_compensation(enum app_type t)
{
	return t == APP_REFLECTION || t == APP_EXTENDED || t == APP_INTEGRATION_HOUSING;
}

int app_type_has_period(enum app_type t)
{
	return app_type_is_daily_compensation(t) || t == APP_INTEGRATION_ADULT ||
	       t == APP_INTEGRATION_CHILD;
}

int app_type_is_point(enum app_type t)
{
	return t == APP_POINT_ADULT || t == APP_POINT_CHILD;
}
