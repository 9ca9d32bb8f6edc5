/*
 * The programme's closed vocabularies (domain.md). Each enum has a table of
 * the names used in JSON, the database and the CLI; the user-facing labels
 * live in the web catalogues, keyed by "<enum>.<name>".
 */
#ifndef NSP_ENUMS_H
#define NSP_ENUMS_H

#include <stdint.h>

struct enum_def {
	const char *name;          /* e.g. "gender", used in messages and label keys */
	const char *const *values; /* names, indexed by the enum value */
	int count;
};

/* Returns the value of name s, or -1 when s is not one of e's names (or NULL). */
int enum_parse(const struct enum_def *e, const char *s);
/* Returns the name of v, or "?" when out of range. Never NULL. */
const char *enum_name(const struct enum_def *e, int v);

enum gender {
	GENDER_FEMALE, GENDER_MALE, GENDER_TRANS_FEMALE, GENDER_TRANS_MALE,
	GENDER_NON_BINARY, GENDER_UNKNOWN, GENDER__COUNT
};
enum age_group { AGE_ADULT, AGE_CHILD, AGE__COUNT };

/* Flags: a set is a bit mask with bit (1u << value). */
enum exploitation {
	EXPL_SEXUAL, EXPL_LABOUR, EXPL_FORCED_MARRIAGE, EXPL_FORCED_CRIMINALITY,
	EXPL_BEGGING, EXPL_ORGAN_REMOVAL, EXPL_OTHER_CRIME, EXPL__COUNT
};
enum place { PLACE_SWEDEN, PLACE_OTHER_EU, PLACE_THIRD_COUNTRY, PLACE__COUNT };
enum violence { VIOL_SEXUAL, VIOL_PHYSICAL, VIOL_PSYCHOLOGICAL, VIOL__COUNT };

enum referral {
	REF_REGIONAL_COORDINATOR, REF_CIVIL_SOCIETY, REF_SELF, REF_POLICE,
	REF_SOCIAL_SERVICES, REF_MIGRATION_AGENCY, REF_HEALTHCARE, REF_DETENTION,
	REF_OTHER, REF__COUNT
};
enum legal_status {
	LEGAL_REFLECTION_PERMIT, LEGAL_WITNESS_PERMIT, LEGAL_ASYLUM_SEEKER,
	LEGAL_EU_CITIZEN, LEGAL_RESIDENT, LEGAL_DETAINED, LEGAL_OTHER, LEGAL_UNKNOWN,
	LEGAL__COUNT
};
/* CHILD_ROLE_NONE is stored for adults; it has no name in JSON. */
enum child_role { CHILD_PRIMARY, CHILD_SECONDARY, CHILD_ELSEWHERE, CHILD_ROLE__COUNT, CHILD_ROLE_NONE = -1 };

enum exit_destination {
	EXIT_PUBLIC_SUPPORT, EXIT_RETURN_PROGRAMME, EXIT_RETURN_OTHER, EXIT_INDEPENDENT,
	EXIT_DEPORTED, EXIT_LOST_CONTACT, EXIT_OTHER, EXIT__COUNT
};

enum org_kind { ORG_PROTECTED_HOUSING, ORG_SAFE_HOUSING, ORG_LOW_THRESHOLD, ORG_OTHER, ORG_KIND__COUNT };
/* The names are the Swedish region names of the API: "Nord", "Mitt", "Stockholm", "Öst", ... */
enum region {
	REGION_NORD, REGION_MITT, REGION_STOCKHOLM, REGION_OST, REGION_VAST,
	REGION_SYD, REGION_BERGSLAGEN, REGION__COUNT
};
enum cert_status { CERT_PROSPECT, CERT_IN_PROCESS, CERT_CERTIFIED, CERT_SUSPENDED, CERT_REVOKED, CERT__COUNT };

enum role { ROLE_COORDINATOR, ROLE_CASEWORKER, ROLE_FUNDER, ROLE__COUNT };

/* What an application asks for. */
enum app_type {
	APP_ADMISSION, APP_REFLECTION, APP_EXTENDED, APP_INTEGRATION_HOUSING,
	APP_INTEGRATION_ADULT, APP_INTEGRATION_CHILD, APP_POINT_ADULT, APP_POINT_CHILD,
	APP_TYPE__COUNT
};

/* Intervention codes of domain.md §7: what a decision line pays for and what rates are set for. */
enum code {
	CODE_REFLECTION, CODE_REFLECTION_CHILD, CODE_EXTENDED, CODE_EXTENDED_CHILD,
	CODE_INTEGRATION_HOUSING, CODE_INTEGRATION_HOUSING_CHILD, CODE_INTEGRATION_ADULT,
	CODE_INTEGRATION_CHILD, CODE_POINT_ADULT, CODE_POINT_CHILD, CODE__COUNT
};

enum point_category {
	POINT_INTERPRETER, POINT_LEGAL_ADVICE, POINT_TRAVEL, POINT_SUPPORT_TALK,
	POINT_BASIC_NEEDS, POINT_RETURN, POINT_OTHER, POINT__COUNT
};

enum basis_kind { BASIS_NO_DESIGNATED_ACTOR, BASIS_PUBLIC_ACTOR_DENIED, BASIS__COUNT };
enum actor_kind { ACTOR_SOCIAL_SERVICES, ACTOR_MIGRATION_AGENCY, ACTOR_HEALTHCARE, ACTOR_POLICE, ACTOR_OTHER, ACTOR__COUNT };
enum reason_category {
	REASON_LACKS_PERSONAL_NUMBER, REASON_REFERRED_ELSEWHERE, REASON_NO_DECISION,
	REASON_CRIME_ABROAD, REASON_NOT_IN_TARGET_GROUP, REASON_OTHER, REASON__COUNT
};

enum app_status { STATUS_SUBMITTED, STATUS_DECIDED, STATUS__COUNT };
enum outcome { OUTCOME_GRANTED, OUTCOME_PARTLY_GRANTED, OUTCOME_DENIED, OUTCOME__COUNT };

enum target_group { TARGET_WOMEN, TARGET_MEN, TARGET_FAMILIES, TARGET__COUNT };
enum placement_outcome { PLACEMENT_PLACED, PLACEMENT_NO_PLACE, PLACEMENT_DECLINED, PLACEMENT__COUNT };
enum asker {
	ASKER_SOCIAL_SERVICES, ASKER_REGIONAL_COORDINATOR, ASKER_ORGANISATION, ASKER_POLICE,
	ASKER_MIGRATION_AGENCY, ASKER_HEALTHCARE, ASKER_OTHER, ASKER__COUNT
};

/*
 * The support a person in contact with a member organisation needed and did
 * not get from the public sector (the contact register, issue 19): the kinds
 * of support the 2025 report names (housing, support talks, information on
 * rights and society, help with authorities, legal advice, basic needs).
 */
enum support_need {
	NEED_HOUSING, NEED_SUPPORT_TALK, NEED_INFORMATION, NEED_AUTHORITY_CONTACT, NEED_LEGAL_ADVICE,
	NEED_BASIC_NEEDS, NEED_HEALTHCARE, NEED_OTHER, NEED__COUNT
};

enum ledger_kind { LEDGER_COMMIT, LEDGER_PAYMENT, LEDGER_RELEASE, LEDGER__COUNT };

/* A claim (rekvisition) is submitted, then paid (approved) or rejected (domain.md §8). */
enum claim_status { CLAIM_SUBMITTED, CLAIM_PAID, CLAIM_REJECTED, CLAIM__COUNT };

extern const struct enum_def enum_gender, enum_age_group, enum_exploitation, enum_place,
	enum_violence, enum_referral, enum_legal_status, enum_child_role, enum_exit_destination,
	enum_org_kind, enum_region, enum_cert_status, enum_role, enum_app_type, enum_code,
	enum_point_category, enum_basis_kind, enum_actor_kind, enum_reason_category,
	enum_app_status, enum_outcome, enum_target_group, enum_placement_outcome, enum_asker,
	enum_ledger_kind, enum_claim_status, enum_support_need;

/* The intervention code that an application type pays under; -1 for admission. */
int app_type_code(enum app_type t);
/* The child-supplement code that goes with a daily-compensation code, or -1. */
int code_child_supplement(enum code c);
/* reflection, extended and integration_housing: paid per day (dygn) of housing. */
int app_type_is_daily_compensation(enum app_type t);
/* Types that take a from..to period (all but admission and point interventions). */
int app_type_has_period(enum app_type t);
int app_type_is_point(enum app_type t);

#endif
