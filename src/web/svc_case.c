/* Applications and decisions: where the programme's rules are applied (claims and payments: svc_claim.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"
#include "domain/registers.h"
#include "web/notices.h"
#include "web/service.h"
#include "web/svc_util.h"

#define TEXT_MAX_CHARS 20000
#define CHILDREN_MAX 20
#define UNITS_MAX 10000
#define PERIOD_MAX_DAYS 366

/* ---------------------------------------------------------------- JSON of rows */

/* The state of a decision's money: closed, nothing to pay (0 kr), or open. */
static enum db_decision_state decision_state(const struct db_decision *d)
{
	return d->closed_on != DAY_NONE ? DECISION_CLOSED : d->total_ore == 0 ? DECISION_NOTHING_TO_PAY : DECISION_OPEN;
}

static const char *const decision_state_names[] = { [DECISION_OPEN] = "open",
						     [DECISION_CLOSED] = "closed",
						     [DECISION_NOTHING_TO_PAY] = "nothing_to_pay" };

static json_t *decision_json(const struct db_decision *d)
{
	json_t *lines = json_array();
	for (size_t i = 0; i < d->n_lines; i++)
		json_array_append_new(lines, json_pack("{s:s, s:I, s:I, s:I}", "code",
						       enum_name(&enum_code, (int)d->lines[i].code), "person_id",
						       (json_int_t)d->lines[i].person_id, "days",
						       (json_int_t)d->lines[i].days, "amount_ore",
						       (json_int_t)d->lines[i].amount_ore));
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:o, s:i, s:o, s:o, s:b, s:s, s:o, s:I, s:I, s:I, s:o}",
			      "id", (json_int_t)d->id, "application_id", (json_int_t)d->application_id, "person_id",
			      (json_int_t)d->person_id, "organisation_id", (json_int_t)d->organisation_id, "type",
			      enum_name(&enum_app_type, (int)d->type), "outcome", enum_name(&enum_outcome, (int)d->outcome),
			      "decided_on", svc_day_json(d->decided_on), "year", d->year, "from", svc_day_json(d->from),
			      "to", svc_day_json(d->to), "emergency", d->emergency, "reason", d->reason ? d->reason : "",
			      "lines", lines, "total_ore", (json_int_t)d->total_ore, "paid_ore", (json_int_t)d->paid_ore,
			      "released_ore", (json_int_t)d->released_ore, "closed_on", svc_day_json(d->closed_on));
	json_object_set_new(o, "units", d->units ? json_integer(d->units) : json_null());
	json_object_set_new(o, "budget_override_reason",
			    d->budget_override_reason ? json_string(d->budget_override_reason) : json_null());
	json_object_set_new(o, "over_capacity_reason",
			    d->over_capacity_reason ? json_string(d->over_capacity_reason) : json_null());
	json_object_set_new(o, "emergency_cleared_on", svc_day_json(d->emergency_cleared_on));
	json_object_set_new(o, "state", json_string(decision_state_names[decision_state(d)]));
	json_object_set_new(o, "decided_by", d->decided_by ? json_integer(d->decided_by) : json_null());
	/* Four-eyes: the second coordinator who approved it, when the year's threshold asked for one. */
	json_object_set_new(o, "approved_by", d->approved_by ? json_integer(d->approved_by) : json_null());
	return o;
}

static json_t *opt_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *application_json(const struct db_application *r)
{
	const struct application *a = &r->app;
	json_t *kids = json_array();
	for (size_t i = 0; i < a->n_children; i++)
		json_array_append_new(kids, json_integer(a->children[i]));
	json_t *basis = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "kind", enum_name(&enum_basis_kind, (int)a->basis.kind),
				  "actor", opt_string(a->basis.actor), "reason", opt_string(a->basis.reason),
				  "reference", opt_string(a->basis.reference), "actor_kind",
				  a->basis.actor_kind >= 0 ? json_string(enum_name(&enum_actor_kind, a->basis.actor_kind))
							   : json_null(),
				  "reason_category",
				  a->basis.reason_category >= 0
					  ? json_string(enum_name(&enum_reason_category, a->basis.reason_category))
					  : json_null());
	json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "id", (json_int_t)a->id,
			      "person_id", (json_int_t)a->person_id, "organisation_id", (json_int_t)a->organisation_id,
			      "type", enum_name(&enum_app_type, (int)a->type), "status",
			      enum_name(&enum_app_status, (int)r->status), "submitted_on", svc_day_json(a->submitted_on),
			      "from", svc_day_json(a->from), "to", svc_day_json(a->to), "children", kids, "identified",
			      a->identified);
	json_object_set_new(o, "days", app_type_has_period(a->type) ? json_integer(day_count(a->from, a->to)) : json_null());
	json_object_set_new(o, "units", app_type_is_point(a->type) ? json_integer(a->units) : json_null());
	json_object_set_new(o, "category", app_type_is_point(a->type)
						   ? json_string(enum_name(&enum_point_category, (int)a->category))
						   : json_null());
	json_object_set_new(o, "basis", basis);
	json_object_set_new(o, "needs_assessment", opt_string(a->needs_assessment));
	json_object_set_new(o, "plan", opt_string(a->plan));
	json_object_set_new(o, "evaluation", opt_string(a->evaluation));
	json_object_set_new(o, "motivation", opt_string(a->motivation));
	json_object_set_new(o, "decision", r->has_decision ? decision_json(&r->decision) : json_null());
	json_object_set_new(o, "region", r->housing_region >= 0
						 ? json_string(enum_name(&enum_region, r->housing_region)) : json_null());
	json_object_set_new(o, "target_group", r->housing_target_group >= 0
						       ? json_string(enum_name(&enum_target_group, r->housing_target_group))
						       : json_null());
	/* Four-eyes: still in the queue, with a decision awaiting a second coordinator. */
	json_object_set_new(o, "awaiting_approval", json_boolean(r->pending_proposal_id != 0));
	json_object_set_new(o, "proposal_id", r->pending_proposal_id ? json_integer(r->pending_proposal_id) : json_null());
	return o;
}

/* ---------------------------------------------------------------- what the rules need */

/* Everything a rule_input points at, loaded inside the caller's transaction. */
struct rule_load {
	struct rule_input in;
	struct person_facts person, parent;
	struct granted *person_granted, *parent_granted;
	struct cert_event *cert;
	struct named_child *children;
};

static void rule_load_release(struct rule_load *l)
{
	free(l->person_granted);
	free(l->parent_granted);
	free(l->cert);
	free(l->children);
	memset(l, 0, sizeof *l);
}

/*
 * Loads the person's and parent's history, the organisation's certification
 * history and the named children for application a. Returns 0, or -1 with e
 * filled. The caller releases l with rule_load_release() in both cases.
 */
static int rule_load(struct svc *s, const struct application *a, struct rule_load *l, struct svc_error *e)
{
	size_t n;
	memset(l, 0, sizeof *l);
	l->in.app = a;
	if (db_person_facts(s->db, a->person_id, &l->person, &l->person_granted, &n) != DB_OK)
		goto fail;
	l->in.person = &l->person;
	if (l->person.parent_id) {
		if (db_person_facts(s->db, l->person.parent_id, &l->parent, &l->parent_granted, &n) != DB_OK)
			goto fail;
		l->in.parent = &l->parent;
	}
	if (db_cert_history(s->db, a->organisation_id, &l->cert, &l->in.n_cert) != DB_OK)
		goto fail;
	l->in.cert = l->cert;
	l->children = calloc(a->n_children ? a->n_children : 1, sizeof *l->children);
	if (!l->children)
		goto fail;
	for (size_t i = 0; i < a->n_children; i++) {
		struct db_person c;
		struct named_child *nc = &l->children[i];
		nc->id = a->children[i];
		int rc = db_person_get(s->db, a->children[i], false, &c);
		if (rc == DB_NOTFOUND)
			continue;
		if (rc != DB_OK)
			goto fail;
		/* A child of another organisation is "not found" for the applicant. */
		nc->found = c.organisation_id == a->organisation_id;
		nc->parent_id = c.parent_id;
		nc->role = c.child_role;
		db_person_free(&c);
	}
	l->in.children = l->children;
	return 0;
fail:
	svc_db_fail(s, e);
	return -1;
}

/* ---------------------------------------------------------------- applications */

/* Reads the application fields of `in` into a (strings borrowed from in). Returns 0 or -1 with v failed. */
/* Where a daily-compensation application houses the person (domain.md §4); -1 = not said. */
struct housing {
	int region, target_group;
};

static int parse_application(struct vctx *v, const json_t *in, struct application *a, int64_t *kids,
			     struct housing *h)
{
	static const char *const known[] = { "person_id", "type", "submitted_on", "from", "to", "units", "category",
					     "children", "basis", "identified", "needs_assessment", "plan",
					     "evaluation", "motivation", "region", "target_group", NULL };
	static const char *const basis_known[] = { "kind", "actor", "reason", "reference", "actor_kind",
						   "reason_category", NULL };
	int type = 0, cat = 0, kind = 0, identified = 0;
	json_t *basis = NULL;

	memset(a, 0, sizeof *a);
	a->submitted_on = day_today();
	a->from = a->to = DAY_NONE;
	a->basis.actor_kind = a->basis.reason_category = -1;
	v_known_keys(v, in, known);
	v_id(v, in, "person_id", V_REQUIRED, &a->person_id);
	v_enum(v, in, "type", &enum_app_type, V_REQUIRED, &type);
	v_day(v, in, "submitted_on", V_OPTIONAL, &a->submitted_on);
	if (v->failed)
		return -1;
	a->type = (enum app_type)type;
	if (a->submitted_on > day_today())
		return v_fail(v, "submitted_on", "datumet får inte ligga i framtiden", "the date must not be in the future");

	unsigned period = app_type_has_period(a->type) ? V_REQUIRED : 0;
	unsigned point = app_type_is_point(a->type) ? V_REQUIRED : 0;
	if (v_day(v, in, "from", period, &a->from) == 1 && !period)
		return v_fail(v, "from", "den här typen av ansökan har ingen period", "this type of application has no period");
	if (v_day(v, in, "to", period, &a->to) == 1 && !period)
		return v_fail(v, "to", "den här typen av ansökan har ingen period", "this type of application has no period");
	if (period && !v->failed && a->to < a->from)
		return v_fail(v, "to", "perioden slutar före den börjar", "the period ends before it starts");
	if (period && !v->failed && day_count(a->from, a->to) > PERIOD_MAX_DAYS)
		return v_fail(v, "to", "en period är högst 366 dygn", "a period is at most 366 days");
	if (v_int(v, in, "units", 1, UNITS_MAX, point, &a->units) == 1 && !point)
		return v_fail(v, "units", "bara punktinsatser har antal", "only point interventions have units");
	if (v_enum(v, in, "category", &enum_point_category, point, &cat) == 1 && !point)
		return v_fail(v, "category", "bara punktinsatser har kategori", "only point interventions have a category");
	a->category = (enum point_category)cat;
	/* The place of a daily-compensation period: its police region and target group. */
	h->region = h->target_group = -1;
	unsigned daily = app_type_is_daily_compensation(a->type);
	if (v_enum(v, in, "region", &enum_region, V_OPTIONAL, &h->region) == 1 && !daily)
		return v_fail(v, "region", "bara ansökningar om dygnsersättning har en boendeplats",
			      "only applications for daily compensation have a place");
	if (v_enum(v, in, "target_group", &enum_target_group, V_OPTIONAL, &h->target_group) == 1 && !daily)
		return v_fail(v, "target_group", "bara ansökningar om dygnsersättning har en boendeplats",
			      "only applications for daily compensation have a place");
	v_id_array(v, in, "children", CHILDREN_MAX, V_OPTIONAL | V_EMPTY_OK, kids, &a->n_children);
	a->children = kids;

	/* R2: a missing basis is a rule refusal (the rules say so); a malformed one is invalid input. */
	if (v_object(v, in, "basis", V_OPTIONAL, &basis) == 1) {
		a->basis.present = 1;
		v_push(v, "basis");
		v_known_keys(v, basis, basis_known);
		v_enum(v, basis, "kind", &enum_basis_kind, V_REQUIRED, &kind);
		v_string(v, basis, "actor", V_OPTIONAL | V_SINGLE_LINE, 200, &a->basis.actor);
		v_string(v, basis, "reason", V_OPTIONAL, 4000, &a->basis.reason);
		v_string(v, basis, "reference", V_OPTIONAL | V_SINGLE_LINE, 200, &a->basis.reference);
		v_enum(v, basis, "actor_kind", &enum_actor_kind, V_OPTIONAL, &a->basis.actor_kind);
		v_enum(v, basis, "reason_category", &enum_reason_category, V_OPTIONAL, &a->basis.reason_category);
		v_pop(v);
		a->basis.kind = (enum basis_kind)kind;
	}
	v_bool(v, in, "identified", V_OPTIONAL, &identified);
	a->identified = identified;
	v_string(v, in, "needs_assessment", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &a->needs_assessment);
	v_string(v, in, "plan", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &a->plan);
	v_string(v, in, "evaluation", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &a->evaluation);
	v_string(v, in, "motivation", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &a->motivation);
	if (v->failed)
		return -1;
	if (a->type == APP_ADMISSION) {
		if (!a->identified)
			return v_fail(v, "identified", "organisationen måste ha identifierat personen som brottsoffer",
				      "the organisation must have identified the person as a victim");
		const char *na = a->needs_assessment;
		if (!na || strspn(na, " \t\r\n") == strlen(na))
			return v_fail(v, "needs_assessment", "en individuell behovsbedömning krävs",
				      "an individual needs assessment is required");
	}
	return 0;
}

/*
 * Inside the caller's transaction: checks and stores the application `in`
 * describes. 0 with *out_id, or -1 with e filled (the caller rolls back).
 * field_prefix names where `in` sits in the request ("" or "together[0]").
 */
static int application_create_tx(struct svc *s, const json_t *in, const char *field_prefix, int64_t *out_id,
				 struct svc_error *e)
{
	struct vctx v;
	struct application a;
	int64_t kids[CHILDREN_MAX];
	struct rule_load l;
	struct verdict verdict;
	struct db_person p;
	struct housing h;
	int64_t id;

	vctx_init(&v);
	if (*field_prefix)
		v_push(&v, field_prefix);
	if (parse_application(&v, in, &a, kids, &h) != 0) {
		svc_invalid(e, &v);
		return -1;
	}
	int rc = db_person_get(s->db, a.person_id, false, &p);
	if (rc == DB_OK && !svc_sees_org(s, p.organisation_id)) {
		db_person_free(&p);
		rc = DB_NOTFOUND;
	}
	if (rc != DB_OK) {
		if (rc == DB_NOTFOUND)
			svc_fail_field(e, SVC_NOT_FOUND, "person_id", "personen finns inte", "the person does not exist");
		else
			svc_db_fail(s, e);
		return -1;
	}
	/* The application belongs to the organisation that registered the person. */
	a.organisation_id = p.organisation_id;
	enum gender gender = p.gender;
	enum age_group age_group = p.age_group;
	db_person_free(&p);

	/* A housing place is in one of the organisation's regions; when it works
	 * in one region only, that is the place's region. The target group
	 * follows from the person and the children named unless given. */
	if (app_type_is_daily_compensation(a.type)) {
		struct db_org o;
		if (db_org_get(s->db, a.organisation_id, &o) != DB_OK) {
			svc_db_fail(s, e);
			return -1;
		}
		uint32_t regions = o.regions;
		db_org_free(&o);
		if (h.region >= 0 && !(regions & (1u << h.region))) {
			svc_fail_field(e, SVC_INVALID, "region", "organisationen verkar inte i den polisregionen",
				       "the organisation does not work in that police region");
			return -1;
		}
		for (int r = 0; h.region < 0 && r < REGION__COUNT; r++)
			if (regions == (1u << r))
				h.region = r;
		if (h.target_group < 0)
			h.target_group = housing_target_group(gender, age_group, a.n_children);
	}

	if (rule_load(s, &a, &l, e) != 0) {
		rule_load_release(&l);
		return -1;
	}
	/* domain.md §11: at most one undecided admission application a person. */
	if (a.type == APP_ADMISSION && l.person.admission_pending) {
		char d[DAY_BUFSZ], sv[160], en[160];
		day_format(l.person.admission_pending_on, d);
		snprintf(sv, sizeof sv, "personen har redan en ansökan om tillträde som väntar på beslut (inlämnad %s)", d);
		snprintf(en, sizeof en, "the person already has an admission application awaiting a decision (submitted %s)",
			 d);
		rule_load_release(&l);
		svc_fail(e, SVC_CONFLICT, sv, en);
		return -1;
	}
	bool allowed = rules_check_application(&l.in, &verdict);
	rule_load_release(&l);
	if (!allowed) {
		svc_rule(e, &verdict);
		return -1;
	}
	if (db_application_create(s->db, s->actor->user_id, &a, &id) != DB_OK ||
	    ((h.region >= 0 || h.target_group >= 0) &&
	     db_application_set_housing(s->db, id, h.region, h.target_group) != DB_OK)) {
		svc_db_fail(s, e);
		return -1;
	}
	*out_id = id;
	return 0;
}

/* An item of "together" of an admission application: the intervention's own
 * fields, with the person, and the basis and date of the admission unless it
 * states its own. A new reference. */
static json_t *together_item(const json_t *admission, const json_t *item)
{
	json_t *o = json_deep_copy(item);
	if (!o)
		return NULL;
	static const char *const inherited[] = { "person_id", "submitted_on", "basis" };
	for (size_t k = 0; k < sizeof inherited / sizeof inherited[0]; k++) {
		json_t *v = json_object_get(admission, inherited[k]);
		if (v && !json_object_get(o, inherited[k]))
			json_object_set(o, inherited[k], v);
	}
	return o;
}

#define TOGETHER_MAX 5

json_t *svc_application_create(struct svc *s, const json_t *in, struct svc_error *e)
{
	int64_t id, ids[TOGETHER_MAX];
	const json_t *together = json_object_get(in, "together");
	json_t *admission = NULL;
	size_t n = 0;

	/* An admission with its first period (R13): "together" lists the
	 * intervention applications submitted with it, all stored or none. */
	if (together) {
		const json_t *type = json_object_get(in, "type");
		if (!json_is_array(together) || json_array_size(together) > TOGETHER_MAX)
			return svc_fail_field(e, SVC_INVALID, "together", "together är en lista med högst 5 ansökningar",
					      "together is a list of at most 5 applications");
		if (!json_is_string(type) || strcmp(json_string_value(type), "admission") != 0)
			return svc_fail_field(e, SVC_INVALID, "together",
					      "bara en ansökan om tillträde kan lämnas in tillsammans med andra",
					      "only an admission application is submitted together with others");
		admission = json_deep_copy(in);
		if (!admission)
			return svc_fail(e, SVC_INTERNAL, "ett internt fel inträffade", "an internal error occurred");
		json_object_del(admission, "together");
		in = admission;
	}
	if (db_begin(s->db) != 0) {
		json_decref(admission);
		return svc_db_fail(s, e);
	}
	if (application_create_tx(s, in, "", &id, e) != 0)
		goto fail;
	for (n = 0; together && n < json_array_size(together); n++) {
		char where[48];
		const json_t *item = json_array_get(together, n);
		snprintf(where, sizeof where, "together[%zu]", n);
		if (!json_is_object(item)) {
			svc_fail_field(e, SVC_INVALID, where, "en ansökan är ett objekt", "an application is an object");
			goto fail;
		}
		const json_t *t = json_object_get(item, "type");
		if (json_is_string(t) && strcmp(json_string_value(t), "admission") == 0) {
			snprintf(where, sizeof where, "together[%zu].type", n);
			svc_fail_field(e, SVC_INVALID, where, "tillsammans med tillträdet söks insatser, inte ett tillträde till",
				       "interventions are applied for together with the admission, not another admission");
			goto fail;
		}
		json_t *full = together_item(in, item);
		int rc = full ? application_create_tx(s, full, where, &ids[n], e) : -1;
		json_decref(full);
		if (rc != 0) {
			if (!full)
				svc_fail(e, SVC_INTERNAL, "ett internt fel inträffade", "an internal error occurred");
			/* A field the service named itself (region, person_id): say which item. */
			if (e->field[0] && strncmp(e->field, "together", 8) != 0) {
				char field[sizeof e->field + sizeof where + 1];
				snprintf(field, sizeof field, "%s.%s", where, e->field);
				size_t len = strlen(field) < sizeof e->field ? strlen(field) : sizeof e->field - 1;
				memcpy(e->field, field, len);
				e->field[len] = '\0';
			}
			goto fail;
		}
	}
	json_decref(admission);
	if (db_commit(s->db) != 0)
		return svc_db_fail(s, e);
	json_t *out = svc_application_get(s, id, e);
	if (out && together) {
		json_t *arr = json_array();
		for (size_t k = 0; k < n; k++)
			json_array_append_new(arr, svc_application_get(s, ids[k], e));
		json_object_set_new(out, "together", arr);
	}
	return out;
fail:
	json_decref(admission);
	if (db_in_transaction(s->db))
		db_rollback(s->db);
	return NULL;
}

json_t *svc_application_get(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_application r;
	int rc = db_application_get(s->db, id, &r);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = NULL;
	if (!svc_sees_org(s, r.app.organisation_id))
		svc_not_theirs(s, e);
	else
		out = application_json(&r);
	db_application_free(&r);
	return out;
}

json_t *svc_application_list(struct svc *s, const struct svc_application_query *q, struct svc_error *e)
{
	struct db_application_filter f = { .status = -1 };
	char code[DB_CODE_MAX];
	int64_t total;
	if (svc_query_page(q->limit, q->offset, &f.limit, &f.offset, e) != 0 ||
	    svc_query_code(q->code, code, sizeof code, e) != 0 ||
	    svc_query_order(q->order, false, &f.newest_first, e) != 0 ||
	    svc_query_id(q->person_id, "person_id", &f.person_id, e) != 0 ||
	    svc_query_id(q->organisation_id, "organisation_id", &f.organisation_id, e) != 0)
		return NULL;
	f.code = code;
	if (q->status && *q->status && (f.status = enum_parse(&enum_app_status, q->status)) < 0)
		return svc_fail_enum(e, "status", &enum_app_status);
	if (q->year && *q->year && (f.year = svc_parse_year(q->year)) < 0)
		return svc_fail_field(e, SVC_INVALID, "year", "Året är ogiltigt.", "The year is invalid.");
	if (s->actor->role != ROLE_COORDINATOR)
		f.organisation_id = s->actor->organisation_id;
	struct db_application *rows;
	size_t n;
	bool opened;
	if (db_read_begin(s->db, &opened) != DB_OK)
		return svc_db_fail(s, e);
	int rc = db_application_count(s->db, &f, &total);
	if (rc == DB_OK)
		rc = db_application_list(s->db, &f, &rows, &n);
	if (db_read_end(s->db, opened) != DB_OK && rc == DB_OK) {
		db_application_list_free(rows, n);
		rc = DB_ERROR;
	}
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (svc_sees_org(s, rows[i].app.organisation_id))
			json_array_append_new(arr, application_json(&rows[i]));
	db_application_list_free(rows, n);
	return json_pack("{s:o, s:I}", "applications", arr, "total", (json_int_t)total);
}

/* ---------------------------------------------------------------- decisions */

/* The amount of granting a (or the part from..to / units of it) on decided_on. */
static int amount_of(struct svc *s, const struct application *a, day_t from, day_t to, int64_t units,
		     day_t decided_on, struct decision_line lines[DECISION_MAX_LINES], int *n_lines)
{
	struct rate_table *tables;
	size_t n;
	if (db_rate_tables(s->db, &tables, &n) != DB_OK)
		return -1;
	*n_lines = decision_amount(a, from, to, units, decided_on, tables, n, lines);
	free(tables);
	return *n_lines < 0 ? -1 : 0;
}

/* R10 against the budget of the decision's year; true when allowed. */
static int budget_allows(struct svc *s, int64_t total, day_t decided_on, const char *override, struct verdict *v,
			 int *allowed)
{
	struct budget b;
	if (db_year_budget(s->db, budget_year_of(decided_on), &b) != DB_OK)
		return -1;
	*allowed = rule_r10_budget(total, budget_r10_remaining(&b), override, v);
	return 0;
}

/* The request field a "decision" refusal of the core is about (d against
 * what a applied for); a static name. */
static const char *decision_field(const struct application *a, const struct decision_request *d)
{
	if (a->type == APP_ADMISSION)
		return "outcome";
	if (app_type_has_period(a->type)) {
		if (d->from < a->from || d->from > a->to)
			return "from";
		if (d->to > a->to || d->to < d->from)
			return "to";
		return "outcome";
	}
	if (d->units < 1 || d->units > a->units)
		return "units";
	return "outcome";
}

/*
 * R15: the place of application r (organisation × region × target group)
 * over from..to, loaded inside the caller's transaction. Returns 1 with *pl
 * filled (*stays to free()), 0 when the application names no place (not a
 * housing period, or no region or target group), -1 on a database error.
 */
static int place_of(struct svc *s, const struct db_application *r, day_t from, day_t to, struct place_facts *pl,
		    struct stay **stays)
{
	*stays = NULL;
	if (!app_type_is_daily_compensation(r->app.type) || r->housing_region < 0 || r->housing_target_group < 0 ||
	    from == DAY_NONE || to == DAY_NONE)
		return 0;
	return db_place_facts(s->db, r->app.organisation_id, r->housing_region, r->housing_target_group, from, to, pl,
			      stays) == DB_OK ? 1 : -1;
}

/* A decision checked against the rules and priced, ready to be recorded or proposed. */
struct decision_ready {
	const char *over_capacity_reason; /* R15, as given: NULL or blank = none */
	struct decision_request d;
	struct decision_line lines[DECISION_MAX_LINES];
	int n_lines;
	int64_t total;
	/* A partial grant or a denial: the rules that refuse the application as
	 * applied for, now (the letter's reason in the rules' words). */
	struct verdict refusals[RULE_CHECKS_MAX];
	size_t n_refusals;
};

/*
 * Inside the caller's transaction, for a partial grant or a denial: every
 * rule that refuses application a as it was applied for, judged on the
 * decision's day with R10 against the budget of its year, into x->refusals.
 * Returns 0 or -1 (a database error).
 */
static int decision_refusals(struct svc *s, const struct db_application *r, const struct rule_input *in,
			     struct decision_ready *x)
{
	const struct application *a = &r->app;
	struct decision_line lines[DECISION_MAX_LINES];
	int n_lines = 0;
	struct budget b;
	struct rule_checks all;

	x->n_refusals = 0;
	if (x->d.outcome == OUTCOME_GRANTED)
		return 0;
	if (amount_of(s, a, a->from, a->to, a->units, x->d.decided_on, lines, &n_lines) != 0 ||
	    db_year_budget(s->db, day_year(x->d.decided_on), &b) != DB_OK)
		return -1;
	struct budget_facts bf = { .remaining_ore = b.has_budget ? b.remaining_ore : 0,
				   .override_reason = x->d.budget_override_reason };
	for (int i = 0; i < n_lines; i++)
		bf.amount_ore += lines[i].amount_ore;
	/* R15 over the period applied for, as the checks list judges it. */
	struct place_facts pl;
	struct stay *stays;
	int has_place = place_of(s, r, a->from, a->to, &pl, &stays);
	if (has_place < 0) {
		free(stays);
		return -1;
	}
	rules_check_all(in, &bf, has_place ? &pl : NULL, &all);
	free(stays);
	for (size_t i = 0; i < all.n; i++) {
		const struct rule_check *c = &all.check[i];
		if (c->status == CHECK_REFUSED && c->verdict.rule && c->verdict.rule[0] == 'R')
			x->refusals[x->n_refusals++] = c->verdict;
	}
	return 0;
}

/*
 * Inside the caller's transaction: completes x->d with what was applied for
 * (a decision names a smaller part only when partly granting), checks it
 * against the rules as things stand (rules_check_decision), prices it and
 * checks R10. Returns 0, or -1 with e filled.
 */
static int decision_prepare(struct svc *s, const struct db_application *r, struct decision_ready *x,
			    struct svc_error *e)
{
	const struct application *a = &r->app;
	struct decision_request *d = &x->d;
	struct rule_load l;
	struct verdict verdict;

	x->n_lines = 0;
	x->total = 0;
	if (d->decided_on < a->submitted_on) {
		svc_fail_field(e, SVC_INVALID, "decided_on", "beslutet kan inte vara daterat före ansökan",
			       "the decision cannot be dated before the application");
		return -1;
	}
	if (d->from == DAY_NONE)
		d->from = a->from;
	if (d->to == DAY_NONE)
		d->to = a->to;
	if (d->units == 0)
		d->units = a->units;
	if (rule_load(s, a, &l, e) != 0) {
		rule_load_release(&l);
		return -1;
	}
	bool allowed = rules_check_decision(&l.in, d, &verdict);
	int refusals_rc = allowed ? decision_refusals(s, r, &l.in, x) : 0;
	rule_load_release(&l);
	if (refusals_rc != 0) {
		svc_db_fail(s, e);
		return -1;
	}
	if (!allowed) {
		/* api.md: 422 is for a programme rule (R1…R14); a decision whose
		 * period, units or outcome do not fit its application is an
		 * invalid field (the core's pseudo-rule "decision"). */
		if (strcmp(verdict.rule, "decision") == 0)
			svc_fail_field(e, SVC_INVALID, decision_field(a, d), verdict.sv, verdict.en);
		else
			svc_rule(e, &verdict);
		return -1;
	}
	if (d->outcome != OUTCOME_DENIED &&
	    amount_of(s, a, d->from, d->to, d->units, d->decided_on, x->lines, &x->n_lines) != 0) {
		svc_db_fail(s, e);
		return -1;
	}
	for (int i = 0; i < x->n_lines; i++)
		x->total += x->lines[i].amount_ore;
	if (x->total > 0) {
		int ok;
		if (budget_allows(s, x->total, d->decided_on, d->budget_override_reason, &verdict, &ok) != 0) {
			svc_db_fail(s, e);
			return -1;
		}
		if (!ok) {
			svc_rule(e, &verdict);
			return -1;
		}
	}
	/* R15 last (domain.md §11): a granted housing period must fit its place. */
	if (d->outcome != OUTCOME_DENIED) {
		struct place_facts pl;
		struct stay *stays;
		int has = place_of(s, r, d->from, d->to, &pl, &stays);
		if (has < 0) {
			free(stays);
			svc_db_fail(s, e);
			return -1;
		}
		bool fits = has == 0 || rule_r15_capacity(&pl, d->from, d->to, x->over_capacity_reason, &verdict);
		free(stays);
		if (!fits) {
			svc_rule(e, &verdict);
			return -1;
		}
	}
	return 0;
}

/* The row db_decision_record() stores for x on application r (lines borrowed from x). */
static struct db_decision_new decision_new_of(const struct db_application *r, const struct decision_ready *x)
{
	const struct application *a = &r->app;
	const struct decision_request *d = &x->d;
	bool period = app_type_has_period(a->type), granted = d->outcome != OUTCOME_DENIED;
	return (struct db_decision_new){
		.application_id = a->id,
		.outcome = d->outcome,
		.decided_on = d->decided_on,
		.from = period && granted ? d->from : DAY_NONE,
		.to = period && granted ? d->to : DAY_NONE,
		.units = app_type_is_point(a->type) && granted ? d->units : 0,
		.emergency = d->emergency,
		.reason = d->reason,
		.budget_override_reason = d->budget_override_reason && *d->budget_override_reason ? d->budget_override_reason
												       : NULL,
		/* R15 concerns housing periods only. */
		.over_capacity_reason = app_type_is_daily_compensation(a->type) && x->over_capacity_reason &&
						*x->over_capacity_reason
					? x->over_capacity_reason
					: NULL,
		.lines = x->lines,
		.n_lines = (size_t)x->n_lines,
		.refusals = x->refusals,
		.n_refusals = x->n_refusals,
	};
}

static json_t *proposal_json(const struct db_proposal *p)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:b, s:s, s:I, s:I, s:I}", "id", (json_int_t)p->id,
			      "application_id", (json_int_t)p->application_id, "status",
			      enum_name(&enum_proposal_status, (int)p->status), "outcome",
			      enum_name(&enum_outcome, (int)p->outcome), "decided_on", svc_day_json(p->decided_on),
			      "from", svc_day_json(p->from), "to", svc_day_json(p->to), "emergency", p->emergency,
			      "reason", p->reason ? p->reason : "", "total_ore", (json_int_t)p->total_ore,
			      "threshold_ore", (json_int_t)p->threshold_ore, "proposed_by", (json_int_t)p->proposed_by);
	json_object_set_new(o, "units", p->units ? json_integer(p->units) : json_null());
	json_object_set_new(o, "budget_override_reason",
			    p->budget_override_reason ? json_string(p->budget_override_reason) : json_null());
	json_object_set_new(o, "over_capacity_reason", opt_string(p->over_capacity_reason));
	json_object_set_new(o, "resolved_by", p->resolved_by ? json_integer(p->resolved_by) : json_null());
	json_object_set_new(o, "resolution_reason", opt_string(p->resolution_reason));
	json_object_set_new(o, "decision_id", p->decision_id ? json_integer(p->decision_id) : json_null());
	return o;
}

/* Reads the fields of a decision request `in` into x (strings borrowed from
 * in); known lists the keys allowed. The date defaults to x->d.decided_on. */
static void parse_decision(struct vctx *v, const json_t *in, const char *const *known, struct decision_ready *x)
{
	struct decision_request *d = &x->d;
	int outcome = 0, emergency = 0;

	v_known_keys(v, in, known);
	v_enum(v, in, "outcome", &enum_outcome, V_REQUIRED, &outcome);
	v_string(v, in, "reason", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &d->reason);
	v_day(v, in, "decided_on", V_OPTIONAL, &d->decided_on);
	v_day(v, in, "from", V_OPTIONAL, &d->from);
	v_day(v, in, "to", V_OPTIONAL, &d->to);
	v_int(v, in, "units", 1, UNITS_MAX, V_OPTIONAL, &d->units);
	v_bool(v, in, "emergency", V_OPTIONAL, &emergency);
	v_string(v, in, "budget_override_reason", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &d->budget_override_reason);
	v_string(v, in, "over_capacity_reason", V_OPTIONAL | V_EMPTY_OK, TEXT_MAX_CHARS, &x->over_capacity_reason);
	if (!v->failed && outcome != OUTCOME_GRANTED && (!d->reason || strspn(d->reason, " \t\r\n") == strlen(d->reason)))
		v_fail(v, "reason", "ett delvis beviljande eller avslag måste motiveras",
		       "a partial grant or a denial needs a reason");
	if (!v->failed && d->decided_on > day_today())
		v_fail(v, "decided_on", "datumet får inte ligga i framtiden", "the date must not be in the future");
	d->outcome = (enum outcome)outcome;
	d->emergency = emergency;
}

/* What deciding one application did: recorded a decision or proposed one. */
struct decided {
	int64_t decision_id, proposal_id;
};

/*
 * Inside the caller's transaction: decides application r with x (checked by
 * decision_prepare); above the year's four-eyes threshold it is proposed
 * instead. 0 with *out set, or -1 with e filled (the caller rolls back).
 */
static int decide_tx(struct svc *s, const struct db_application *r, struct decision_ready *x, struct decided *out,
		     struct svc_error *e)
{
	struct decision_request *d = &x->d;
	int rc;

	*out = (struct decided){ 0, 0 };
	if (r->status != STATUS_SUBMITTED) {
		svc_fail(e, SVC_CONFLICT, "ansökan är redan beslutad", "the application has been decided already");
		return -1;
	}
	if (r->pending_proposal_id) {
		svc_fail(e, SVC_CONFLICT, "ett beslut om ansökan väntar redan på en andra samordnares godkännande",
			 "a decision on the application is already awaiting a second coordinator's approval");
		return -1;
	}
	if (decision_prepare(s, r, x, e) != 0)
		return -1;

	/* Four-eyes (none by default): above the threshold of the decision's
	 * year the decision waits, outside the ledger, for another coordinator.
	 * An emergency decision (R2e) is made "without delay": it is committed
	 * at once and stays flagged for follow-up instead. */
	bool has_threshold;
	int64_t threshold;
	if (db_year_four_eyes(s->db, day_year(d->decided_on), &has_threshold, &threshold) != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	struct db_decision_new nd = decision_new_of(r, x);
	if (has_threshold && x->total > threshold && !d->emergency) {
		struct db_proposal p = {
			.application_id = r->app.id, .outcome = nd.outcome, .decided_on = nd.decided_on,
			.from = nd.from, .to = nd.to, .units = nd.units, .emergency = nd.emergency,
			.reason = (char *)nd.reason, .budget_override_reason = (char *)nd.budget_override_reason,
			.over_capacity_reason = (char *)nd.over_capacity_reason,
			.total_ore = x->total, .threshold_ore = threshold,
		};
		rc = db_proposal_create(s->db, s->actor->user_id, &p, &out->proposal_id);
		if (rc == DB_CONFLICT) {
			svc_fail(e, SVC_CONFLICT, "ansökan är redan beslutad eller väntar på godkännande",
				 "the application is decided or awaits approval already");
			return -1;
		}
		if (rc != DB_OK) {
			svc_db_fail(s, e);
			return -1;
		}
		return 0;
	}
	rc = db_decision_record(s->db, s->actor->user_id, &nd, &out->decision_id);
	if (rc == DB_CONFLICT) {
		svc_fail(e, SVC_CONFLICT, "ansökan är redan beslutad", "the application has been decided already");
		return -1;
	}
	/* Its notice in the same transaction: no decision without it, nor it without the decision. */
	if (rc != DB_OK || notice_decision(s, out->decision_id) != 0) {
		svc_db_fail(s, e);
		return -1;
	}
	return 0;
}

/* The answer for what decide_tx() did: the decision, or {"awaiting_approval","proposal"}. */
static json_t *decided_json(struct svc *s, const struct decided *done, struct svc_error *e)
{
	if (done->decision_id)
		return svc_decision_get(s, done->decision_id, e);
	json_t *prop = svc_proposal_get(s, done->proposal_id, e);
	return prop ? json_pack("{s:b, s:o}", "awaiting_approval", 1, "proposal", prop) : NULL;
}

json_t *svc_decision_create(struct svc *s, int64_t application_id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "outcome", "reason", "decided_on", "from", "to", "units", "emergency",
					     "budget_override_reason", "over_capacity_reason", "together", NULL };
	static const char *const item_known[] = { "application_id", "outcome", "reason", "decided_on", "from", "to",
						  "units", "emergency", "budget_override_reason",
						  "over_capacity_reason", NULL };
	struct vctx v;
	struct decision_ready x = { .d = { .decided_on = day_today(), .from = DAY_NONE, .to = DAY_NONE } };
	struct decision_ready xs[TOGETHER_MAX];
	int64_t ids[TOGETHER_MAX];
	struct decided done, dones[TOGETHER_MAX];
	json_t *together = NULL;
	size_t n = 0;
	struct db_application r;

	vctx_init(&v);
	parse_decision(&v, in, known, &x);
	/* R13: an admission decided together with the applications that waited
	 * for it, admission first, all in one transaction. */
	v_array(&v, in, "together", TOGETHER_MAX, V_OPTIONAL | V_EMPTY_OK, &together);
	for (size_t i = 0; !v.failed && i < json_array_size(together); i++, n++) {
		const json_t *item = json_array_get(together, i);
		xs[i] = (struct decision_ready){ .d = { .decided_on = x.d.decided_on, .from = DAY_NONE, .to = DAY_NONE } };
		v_push(&v, "together");
		v_push_index(&v, i);
		if (!json_is_object(item)) {
			v_fail(&v, NULL, "ett beslut är ett objekt", "a decision is an object");
		} else {
			v_id(&v, item, "application_id", V_REQUIRED, &ids[i]);
			parse_decision(&v, item, item_known, &xs[i]);
		}
		v_pop(&v);
		v_pop(&v);
	}
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}

	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	int rc = db_application_get(s->db, application_id, &r);
	if (rc != DB_OK) {
		db_rollback(s->db);
		return rc == DB_NOTFOUND ? svc_not_found(e) : svc_db_fail(s, e);
	}
	int64_t person = r.app.person_id;
	bool admission = r.app.type == APP_ADMISSION;
	if (n > 0 && !admission) {
		svc_fail_field(e, SVC_INVALID, "together", "bara beslut om tillträde fattas tillsammans med väntande ansökningar",
			       "only an admission is decided together with waiting applications");
		rc = -1;
	} else {
		rc = decide_tx(s, &r, &x, &done, e);
	}
	db_application_free(&r);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char field[48];
		snprintf(field, sizeof field, "together[%zu].application_id", i);
		int got = db_application_get(s->db, ids[i], &r);
		if (got != DB_OK) {
			if (got == DB_NOTFOUND)
				svc_fail_field(e, SVC_NOT_FOUND, field, "ansökan finns inte", "the application does not exist");
			else
				svc_db_fail(s, e);
			rc = -1;
			break;
		}
		if (r.app.person_id != person || r.app.type == APP_ADMISSION) {
			svc_fail_field(e, SVC_INVALID, field, "ansökan är inte en insats för samma person",
				       "the application is not an intervention for the same person");
			rc = -1;
		} else {
			rc = decide_tx(s, &r, &xs[i], &dones[i], e);
		}
		db_application_free(&r);
	}
	if (rc != 0) {
		if (db_in_transaction(s->db))
			db_rollback(s->db);
		return NULL;
	}
	if (db_commit(s->db) != 0)
		return svc_db_fail(s, e);
	json_t *out = decided_json(s, &done, e);
	if (out && together) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, decided_json(s, &dones[i], e));
		json_object_set_new(out, "together", arr);
	}
	return out;
}

/* ---------------------------------------------------------------- four-eyes */

json_t *svc_proposal_get(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_proposal p;
	int rc = db_proposal_get(s->db, id, &p);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = proposal_json(&p);
	db_proposal_free(&p);
	return out;
}

json_t *svc_proposal_list(struct svc *s, const char *status, struct svc_error *e)
{
	int st = -1;
	if (status && (st = enum_parse(&enum_proposal_status, status)) < 0)
		return svc_fail_field(e, SVC_INVALID, "status", "status är pending, approved eller rejected",
				      "status is pending, approved or rejected");
	struct db_proposal *ps;
	size_t n;
	if (db_proposal_list(s->db, st, &ps, &n) != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, proposal_json(&ps[i]));
	db_proposal_list_free(ps, n);
	return json_pack("{s:o}", "proposals", arr);
}

static int proposal_load(struct db *db, int64_t id, void *item, int *status, int64_t *proposed_by)
{
	struct db_proposal *p = item;
	int rc = db_proposal_get(db, id, p);
	if (rc == DB_OK) {
		*status = (int)p->status;
		*proposed_by = p->proposed_by;
	}
	return rc;
}

static void proposal_release(void *item)
{
	db_proposal_free(item);
}

/* The decision as proposed, with the rules, the amount and the budget judged
 * again as things stand now, recorded with both coordinators' names. */
static int proposal_apply(struct svc *s, int64_t id, void *item, int64_t *did, struct svc_error *e)
{
	const struct db_proposal *p = item;
	struct db_application r;
	(void)id;
	if (db_application_get(s->db, p->application_id, &r) != DB_OK) {
		svc_db_fail(s, e);
		return -1;
	}
	int rc = -1;
	struct decision_ready x = { .over_capacity_reason = p->over_capacity_reason,
				    .d = { .outcome = p->outcome, .decided_on = p->decided_on, .from = p->from,
					   .to = p->to, .units = p->units, .emergency = p->emergency, .reason = p->reason,
					   .budget_override_reason = p->budget_override_reason } };
	if (decision_prepare(s, &r, &x, e) != 0)
		goto out;
	if (x.total != p->total_ore) {
		char sv[200], en[200], was[32], now[32];
		money_format(p->total_ore, was, sizeof was, 0);
		money_format(x.total, now, sizeof now, 0);
		snprintf(sv, sizeof sv, "beloppet har ändrats sedan beslutet föreslogs (%s, nu %s); avslå och besluta igen",
			 was, now);
		snprintf(en, sizeof en, "the amount has changed since the decision was proposed (%s, now %s); reject it "
			 "and decide again", was, now);
		svc_fail(e, SVC_CONFLICT, sv, en);
		goto out;
	}
	struct db_decision_new nd = decision_new_of(&r, &x);
	nd.decided_by = p->proposed_by;
	nd.approved_by = s->actor->user_id;
	if (db_decision_record(s->db, s->actor->user_id, &nd, did) != DB_OK || notice_decision(s, *did) != 0) {
		svc_db_fail(s, e);
		goto out;
	}
	rc = 0;
out:
	db_application_free(&r);
	return rc;
}

static json_t *proposal_approved(struct svc *s, int64_t id, int64_t did, struct svc_error *e)
{
	(void)id;
	return svc_decision_get(s, did, e);
}

static const struct four_eyes proposal_four_eyes = {
	.resolved_sv = "beslutet är redan godkänt eller avslaget",
	.resolved_en = "the decision has been approved or rejected already",
	.own_sv = "du kan inte godkänna ditt eget beslut; en annan samordnare måste göra det",
	.own_en = "you cannot approve your own decision; another coordinator must",
	.load = proposal_load,
	.release = proposal_release,
	.apply = proposal_apply,
	.resolve = db_proposal_resolve,
	.get = svc_proposal_get,
	.approved = proposal_approved,
};

json_t *svc_proposal_approve(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	struct db_proposal p;
	return svc_four_eyes_approve(s, &proposal_four_eyes, &p, id, in, e);
}

/* Any coordinator may reject, the proposer too (a withdrawal); the
 * application is back in the queue to be decided anew. */
json_t *svc_proposal_reject(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	struct db_proposal p;
	return svc_four_eyes_reject(s, &proposal_four_eyes, &p, id, in, e);
}

json_t *svc_decision_get(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_decision d;
	int rc = db_decision_get(s->db, id, &d);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *out = svc_sees_org(s, d.organisation_id) ? decision_json(&d) : svc_not_theirs(s, e);
	db_decision_free(&d);
	return out;
}

json_t *svc_decision_list(struct svc *s, const struct svc_decision_query *q, struct svc_error *e)
{
	static const char *const states[] = { "decision.is_open", "decision.closed", "decision.nothing_to_pay",
					      NULL };
	struct db_decision_filter f = { .open = -1 };
	char code[DB_CODE_MAX];
	int64_t total;
	if (svc_query_page(q->limit, q->offset, &f.limit, &f.offset, e) != 0 ||
	    svc_query_code(q->code, code, sizeof code, e) != 0 ||
	    svc_query_order(q->order, false, &f.newest_first, e) != 0 ||
	    svc_query_id(q->organisation_id, "organisation_id", &f.organisation_id, e) != 0)
		return NULL;
	f.code = code;
	if (q->emergency && *q->emergency) {
		static const char *const emergency[] = { "decision.emergency_open", NULL };
		if (strcmp(q->emergency, "open"))
			return svc_fail_choice(e, "emergency", emergency);
		f.emergency_open = 1;
	}
	if (q->open && *q->open) {
		static const char *const open[] = { "decision.is_open", "decision.closed", NULL };
		if (strcmp(q->open, "1") && strcmp(q->open, "0") && strcmp(q->open, "true") && strcmp(q->open, "false"))
			return svc_fail_choice(e, "open", open);
		f.open = q->open[0] == '1' || q->open[0] == 't';
	}
	if (q->state && *q->state) {
		for (int k = DECISION_OPEN; k <= DECISION_NOTHING_TO_PAY; k++)
			if (strcmp(q->state, decision_state_names[k]) == 0)
				f.state = k;
		if (f.state == DECISION_ANY_STATE)
			return svc_fail_choice(e, "state", states);
	}
	if (q->year && *q->year && (f.year = svc_parse_year(q->year)) < 0)
		return svc_fail_field(e, SVC_INVALID, "year", "Året är ogiltigt.", "The year is invalid.");
	if (q->ends_within && *q->ends_within) {
		char *end;
		long long days = strtoll(q->ends_within, &end, 10);
		if (*q->ends_within < '1' || *q->ends_within > '9' || *end || days > 366)
			return svc_fail_field(e, SVC_INVALID, "ends_within", "Antalet dagar är 1–366.",
					      "The number of days is 1–366.");
		f.by_end = true;
		f.ends_from = day_today();
		f.ends_to = f.ends_from + (day_t)days - 1;
	}
	if (s->actor->role != ROLE_COORDINATOR)
		f.organisation_id = s->actor->organisation_id;
	struct db_decision *ds;
	size_t n;
	bool opened;
	if (db_read_begin(s->db, &opened) != DB_OK)
		return svc_db_fail(s, e);
	int rc = db_decision_count(s->db, &f, &total);
	if (rc == DB_OK)
		rc = db_decision_list(s->db, &f, &ds, &n);
	if (db_read_end(s->db, opened) != DB_OK && rc == DB_OK) {
		db_decision_list_free(ds, n);
		rc = DB_ERROR;
	}
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (svc_sees_org(s, ds[i].organisation_id))
			json_array_append_new(arr, decision_json(&ds[i]));
	db_decision_list_free(ds, n);
	return json_pack("{s:o, s:I}", "decisions", arr, "total", (json_int_t)total);
}

json_t *svc_decision_close(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "date", NULL };
	struct vctx v;
	day_t on = day_today();
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_day(&v, in, "date", V_OPTIONAL, &on);
	if (!v.failed && on > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	/* domain.md §8: a record is never dated before the thing it follows;
	 * the release row of a close follows its decision. */
	struct db_decision d;
	int rc = db_decision_get(s->db, id, &d);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	day_t decided_on = d.decided_on;
	db_decision_free(&d);
	if (on < decided_on)
		return svc_fail_field(e, SVC_INVALID, "date", "beslutet kan inte avslutas före beslutsdagen",
				      "the decision cannot be closed before the day it was made");
	/* domain.md §8: closing releases what is not paid, so it waits until
	 * every submitted claim is approved or rejected; checked in the same
	 * transaction as the close, so no claim slips in between. */
	if (db_begin(s->db) != 0)
		return svc_db_fail(s, e);
	int64_t reserved;
	if (db_claim_reserved(s->db, id, 0, &reserved) != DB_OK) {
		db_rollback(s->db);
		return svc_db_fail(s, e);
	}
	if (reserved > 0) {
		db_rollback(s->db);
		return svc_fail(e, SVC_CONFLICT,
				"en rekvisition på beslutet väntar på beslut; godkänn eller avslå den innan beslutet avslutas",
				"a claim on the decision awaits a decision; approve or reject it before closing the decision");
	}
	rc = db_decision_close(s->db, s->actor->user_id, id, on);
	if (rc == DB_OK && db_commit(s->db) != 0)
		rc = DB_ERROR;
	if (rc != DB_OK)
		db_rollback(s->db);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc == DB_CONFLICT)
		return svc_fail(e, SVC_CONFLICT, "beslutet är redan avslutat", "the decision is closed already");
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return svc_decision_get(s, id, e);
}

/* R2e: an emergency decision stays flagged until the coordinator records
 * who turned out to be responsible. The checks here give the caller a
 * precise answer; the store checks the flag again inside its transaction. */
json_t *svc_decision_clear_emergency(struct svc *s, int64_t id, const json_t *in, struct svc_error *e)
{
	static const char *const known[] = { "date", "responsible", NULL };
	struct vctx v;
	const char *responsible = NULL;
	day_t on = day_today();
	vctx_init(&v);
	v_known_keys(&v, in, known);
	v_day(&v, in, "date", V_OPTIONAL, &on);
	v_string(&v, in, "responsible", V_REQUIRED | V_SINGLE_LINE, 200, &responsible);
	if (!v.failed && on > day_today())
		v_fail(&v, "date", "datumet får inte ligga i framtiden", "the date must not be in the future");
	/* The note lands in the audit log, which must hold no personal data. */
	if (!v.failed && text_has_personal_number(responsible))
		v_fail(&v, "responsible", "skriv inget personnummer; loggen får inte innehålla personuppgifter",
		       "write no personal identity number; the log must hold no personal data");
	if (v.failed) {
		svc_invalid(e, &v);
		return NULL;
	}
	struct db_decision d;
	int rc = db_decision_get(s->db, id, &d);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	bool emergency = d.emergency, cleared = d.emergency_cleared_on != DAY_NONE, sees = svc_sees_org(s, d.organisation_id);
	day_t decided_on = d.decided_on;
	db_decision_free(&d);
	if (!sees)
		return svc_not_found(e);
	if (!emergency)
		return svc_fail(e, SVC_CONFLICT, "beslutet är inget akut beslut (R2e)",
				"the decision is not an emergency decision (R2e)");
	if (cleared)
		return svc_fail(e, SVC_CONFLICT, "ansvaret för det akuta beslutet är redan klarlagt",
				"the responsibility for the emergency decision is clarified already");
	if (on < decided_on)
		return svc_fail_field(e, SVC_INVALID, "date", "datumet får inte ligga före beslutsdagen",
				      "the date must not be before the day of the decision");
	rc = db_decision_clear_emergency(s->db, s->actor->user_id, id, on, responsible);
	if (rc == DB_NOTFOUND)
		return svc_not_found(e);
	if (rc == DB_CONFLICT)
		return svc_fail(e, SVC_CONFLICT, "ansvaret för det akuta beslutet är redan klarlagt",
				"the responsibility for the emergency decision is clarified already");
	if (rc != DB_OK)
		return svc_db_fail(s, e);
	return svc_decision_get(s, id, e);
}

/* One check of rules_check_all() as JSON: {"rule","status"}, and for a
 * refusal or a rule not judged also "message_sv", "message_en" (why), for
 * the latter "needs" (what it waits for). A new reference, NULL on failure. */
static json_t *rule_check_json(const struct rule_check *c)
{
	const char *status = "allowed";
	switch (c->status) {
	case CHECK_ALLOWED: status = "allowed"; break;
	case CHECK_REFUSED: status = "refused"; break;
	case CHECK_NOT_APPLICABLE: status = "not_applicable"; break;
	case CHECK_NOT_JUDGED: status = "not_judged"; break;
	}
	if (c->status != CHECK_REFUSED && c->status != CHECK_NOT_JUDGED)
		return json_pack("{s:s, s:s}", "rule", c->rule, "status", status);
	if (c->needs)
		return json_pack("{s:s, s:s, s:s, s:s, s:s}", "rule", c->rule, "status", status, "needs", c->needs,
				 "message_sv", c->verdict.sv, "message_en", c->verdict.en);
	return json_pack("{s:s, s:s, s:s, s:s}", "rule", c->rule, "status", status, "message_sv", c->verdict.sv,
			 "message_en", c->verdict.en);
}

/*
 * R15's place as JSON for the checks: {"region","target_group","places"
 * (null when none are declared),"occupied_max","occupied_max_on","with_this",
 * "over","days_over","first_over_on"}: the most places occupied on one day
 * of from..to before this decision, and with it. A new reference.
 */
static json_t *place_json(const struct place_facts *pl, day_t from, day_t to)
{
	struct place_load load;
	place_load_of(pl, from, to, &load);
	int64_t with = load.peak + 1;
	json_t *o = json_pack("{s:s, s:s, s:I, s:o, s:I, s:I, s:o}", "region", enum_name(&enum_region, pl->region),
			      "target_group", enum_name(&enum_target_group, pl->target_group), "occupied_max",
			      (json_int_t)load.peak, "occupied_max_on", svc_day_json(load.peak_on), "with_this",
			      (json_int_t)with, "days_over", (json_int_t)load.days_over, "first_over_on",
			      svc_day_json(load.first_over));
	json_object_set_new(o, "places", pl->declared ? json_integer(pl->places) : json_null());
	json_object_set_new(o, "over", json_integer(pl->declared && with > pl->places ? with - pl->places : 0));
	return o;
}

/*
 * "allowed" and "refusal" are the verdict of rules_check_application(), the
 * one a decision now would get (its 422); "checks" lists every rule judged
 * on its own (rules_check_all()), R10 against this year's remaining budget
 * with the amount if granted in full.
 */
json_t *svc_application_checks(struct svc *s, int64_t id, struct svc_error *e)
{
	struct db_application r;
	struct rule_load l;
	struct rule_checks all;
	int rc = db_application_get(s->db, id, &r);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? svc_not_found(e) : svc_db_fail(s, e);
	json_t *out = NULL;
	if (!svc_sees_org(s, r.app.organisation_id)) {
		svc_not_found(e);
		goto done;
	}
	struct decision_line lines[DECISION_MAX_LINES];
	int n_lines = 0;
	day_t today = day_today();
	if (amount_of(s, &r.app, r.app.from, r.app.to, r.app.units, today, lines, &n_lines) != 0) {
		svc_db_fail(s, e);
		goto done;
	}
	int64_t total = 0;
	for (int i = 0; i < n_lines; i++)
		total += lines[i].amount_ore;
	struct budget b;
	if (db_year_budget(s->db, budget_year_of(today), &b) != DB_OK) {
		svc_db_fail(s, e);
		goto done;
	}
	/* As the decision path: a year without a budget has nothing left. */
	struct budget_facts bf = { .amount_ore = total, .remaining_ore = budget_r10_remaining(&b) };
	if (rule_load(s, &r.app, &l, e) != 0) {
		rule_load_release(&l);
		goto done;
	}
	/* R15: the place over the period applied for. */
	struct place_facts pl;
	struct stay *stays;
	int has_place = place_of(s, &r, r.app.from, r.app.to, &pl, &stays);
	if (has_place < 0) {
		free(stays);
		rule_load_release(&l);
		svc_db_fail(s, e);
		goto done;
	}
	/* As a decision made today would judge it (R13 of an application that waited for its admission). */
	l.in.deciding = true;
	l.in.decided_on = today;
	bool allowed = rules_check_all(&l.in, &bf, has_place ? &pl : NULL, &all);
	rule_load_release(&l);
	json_t *jplace = has_place ? place_json(&pl, r.app.from, r.app.to) : json_null();
	free(stays);
	json_t *jl = json_array(), *jc = json_array();
	for (int i = 0; i < n_lines; i++)
		json_array_append_new(jl, json_pack("{s:s, s:I, s:I}", "code", enum_name(&enum_code, (int)lines[i].code),
						    "days", (json_int_t)lines[i].days, "amount_ore",
						    (json_int_t)lines[i].amount_ore));
	for (size_t i = 0; i < all.n; i++)
		json_array_append_new(jc, rule_check_json(&all.check[i]));
	const struct verdict *first = allowed ? NULL : &all.first->verdict;
	out = json_pack("{s:b, s:o, s:o, s:I, s:o, s:o, s:o}", "allowed", allowed, "refusal",
			allowed ? json_null()
				: json_pack("{s:s, s:s, s:s}", "rule", first->rule, "message_sv", first->sv,
					    "message_en", first->en),
			"lines", jl, "total_ore", (json_int_t)total, "budget_remaining_ore",
			b.has_budget ? json_integer(b.remaining_ore) : json_null(), "checks", jc, "place", jplace);
	if (!out) /* out of memory */
		svc_fail(e, SVC_INTERNAL, "ett internt fel inträffade", "an internal error occurred");
done:
	db_application_free(&r);
	return out;
}
