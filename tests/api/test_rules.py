"""The programme's rules R1–R14 end to end: every refusal is a 422 naming the
rule with a Swedish and an English message, and next to each refusal stands
the allowed counterpart at the boundary (30 vs 31 days, the same day vs the
day before, ...). Each test runs on its own server and database."""
import sqlite3

from harness import (API, NO_ACTOR, Server, World, expect, expect_ok, expect_rule, period, plus,
                     run_nsp)

DAY = 132000      # 1 320 kr per day, 2025 table (used for years without rates)
CHILD_DAY = 50000  # 500 kr per day


def span(start, days):
    f, t = period(start, days)
    return {"from": f, "to": t}


def reflection_done(w, org, **person):
    """An adult admitted 2024-02-01 whose 30 reflection days 2024-02-01..2024-03-01 are granted."""
    p = w.admitted(org, **person)
    w.grant(p["id"], "reflection", "2024-02-01", **span("2024-02-01", 30))
    return p


# ---------------------------------------------------------------- R1

def test_R1_refuses_organisation_not_certified_and_allows_certified():
    with Server() as s:
        w = World(s)
        never = w.org(certified_on=None)
        prospect = w.org(certified_on=None)
        w.certify(prospect, "prospect", "2024-01-01")
        w.certify(prospect, "in_process", "2024-01-10")
        for org in (never, prospect):
            p = w.person(org)
            expect_rule(w.apply(p["id"], "admission", submitted_on="2024-02-01"), "R1", "2024-02-01")
        w.certify(prospect, "certified", "2024-02-01")
        p = w.person(prospect)
        a = w.application(p["id"], "admission", submitted_on="2024-02-01")
        assert a["status"] == "submitted" and a["decision"] is None, a


def test_R1_certified_the_same_day_is_allowed_the_day_before_refused():
    with Server() as s:
        w = World(s)
        org = w.org(certified_on="2024-03-10")
        p = w.person(org)
        expect_rule(w.apply(p["id"], "admission", submitted_on="2024-03-09"), "R1", "2024-03-09")
        expect_ok(w.apply(p["id"], "admission", submitted_on="2024-03-10"))


def test_R1_refuses_after_suspension_from_its_date():
    with Server() as s:
        w = World(s)
        org = w.org(certified_on="2024-01-01")
        w.certify(org, "suspended", "2024-05-01")
        p1, p2 = w.person(org), w.person(org)
        expect_ok(w.apply(p1["id"], "admission", submitted_on="2024-04-30"))
        expect_rule(w.apply(p2["id"], "admission", submitted_on="2024-05-01"), "R1", "2024-05-01")


# ---------------------------------------------------------------- R2

def test_R2_refuses_application_without_basis():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.person(org)
        expect_rule(w.apply(p["id"], "admission", submitted_on="2024-02-01", basis=None), "R2")
        a = w.application(p["id"], "admission", submitted_on="2024-02-01", basis=NO_ACTOR)
        assert a["basis"]["kind"] == "no_designated_actor", a


def test_R2_public_actor_denied_needs_actor_reason_and_reference():
    with Server() as s:
        w = World(s)
        org = w.org()
        denied = {"kind": "public_actor_denied", "actor": "Socialtjänsten i Malmö",
                  "reason": "Hänvisade till Migrationsverket: saknar personnummer",
                  "actor_kind": "social_services", "reason_category": "lacks_personal_number"}
        p = w.person(org)
        expect_rule(w.apply(p["id"], "admission", submitted_on="2024-02-01", basis=denied), "R2")
        no_actor = dict(denied, reference="Dnr 2024-17")
        del no_actor["actor"]
        expect_rule(w.apply(p["id"], "admission", submitted_on="2024-02-01", basis=no_actor), "R2")
        no_reason = dict(denied, reference="Dnr 2024-17")
        del no_reason["reason"]
        expect_rule(w.apply(p["id"], "admission", submitted_on="2024-02-01", basis=no_reason), "R2")
        a = w.application(p["id"], "admission", submitted_on="2024-02-01",
                          basis=dict(denied, reference="no_written_decision"))
        assert a["basis"]["reference"] == "no_written_decision", a
        assert a["basis"]["actor_kind"] == "social_services", a
        assert a["basis"]["reason_category"] == "lacks_personal_number", a
        p2 = w.person(org)
        expect_ok(w.apply(p2["id"], "admission", submitted_on="2024-02-01",
                          basis=dict(denied, reference="Dnr 2024-17")))


# ---------------------------------------------------------------- R2e

def test_R2e_refuses_emergency_decision_on_point_intervention():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        a = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="interpreter", units=2)
        expect_rule(w.decide(a["id"], emergency=True, decided_on="2024-03-01"), "R2e")
        dec = expect_ok(w.decide(a["id"], emergency=False, decided_on="2024-03-01"))
        assert dec["emergency"] is False, dec


def test_R2e_allows_emergency_daily_compensation_flagged_for_follow_up():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        a = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 10))
        dec = expect_ok(w.decide(a["id"], emergency=True, decided_on="2024-03-01"))
        assert dec["emergency"] is True, dec
        again = expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=w.coord), 200)
        assert again["emergency"] is True and again["emergency_cleared_on"] is None, again


# ---------------------------------------------------------------- R3

def test_R3_refuses_31st_reflection_day():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 31)),
                    "R3", "30", "31")
        a = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 30))
        assert a["days"] == 30, a
        dec = expect_ok(w.decide(a["id"], decided_on="2024-03-01"))
        assert [(l["code"], l["days"], l["amount_ore"]) for l in dec["lines"]] == [("reflection", 30, 30 * DAY)], dec
        assert dec["total_ore"] == 30 * DAY, dec


def test_R3_counts_reflection_days_across_decisions():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        w.grant(p["id"], "reflection", "2024-03-01", **span("2024-03-01", 20))
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-03-21", **span("2024-03-21", 11)),
                    "R3", "30", "20", "11")
        w.grant(p["id"], "reflection", "2024-03-21", **span("2024-03-21", 10))
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-03-31", **span("2024-03-31", 1)),
                    "R3", "30")
        allowance = expect_ok(s.get(f"{API}/persons/{p['id']}/allowance", token=w.coord), 200)
        assert allowance["reflection"] == {"used": 30, "max": 30}, allowance


def test_R3_checked_again_when_deciding_and_partly_granted_fits():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        a1 = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 20))
        a2 = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-04-01", 20))
        expect_ok(w.decide(a1["id"], decided_on="2024-03-01"))
        expect_rule(w.decide(a2["id"], decided_on="2024-03-02"), "R3", "30", "20")
        dec = expect_ok(w.decide(a2["id"], "partly_granted", decided_on="2024-03-02",
                                 reason="Tio dygn återstår.", **span("2024-04-01", 10)))
        assert dec["outcome"] == "partly_granted" and dec["lines"][0]["days"] == 10, dec


# ---------------------------------------------------------------- R4

def test_R4_refuses_31_days_in_one_extended_decision():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = reflection_done(w, org)
        expect_rule(w.apply(p["id"], "extended", submitted_on="2024-03-02", **span("2024-03-02", 31)),
                    "R4", "30", "31")
        a = w.application(p["id"], "extended", submitted_on="2024-03-02", **span("2024-03-02", 30))
        dec = expect_ok(w.decide(a["id"], decided_on="2024-03-02"))
        assert dec["lines"][0]["code"] == "extended" and dec["lines"][0]["days"] == 30, dec


def test_R4_allows_180_extended_days_and_refuses_the_181st():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = reflection_done(w, org)
        start = "2024-03-02"
        for _ in range(6):
            w.grant(p["id"], "extended", start, **span(start, 30))
            start = plus(start, 30)
        allowance = expect_ok(s.get(f"{API}/persons/{p['id']}/allowance", token=w.coord), 200)
        assert allowance["extended"]["used"] == 180, allowance
        expect_rule(w.apply(p["id"], "extended", submitted_on=start, **span(start, 1)), "R4", "180")


def test_R4_needs_plan_and_evaluation_on_every_extension():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = reflection_done(w, org)
        ext = dict(submitted_on="2024-03-02", **span("2024-03-02", 30))
        expect_rule(w.apply(p["id"], "extended", plan=None, **ext), "R4")
        expect_rule(w.apply(p["id"], "extended", evaluation=None, **ext), "R4")
        expect_rule(w.apply(p["id"], "extended", plan="   ", **ext), "R4")
        expect_rule(w.apply(p["id"], "extended", evaluation=" \n ", **ext), "R4")
        a = w.application(p["id"], "extended", **ext)
        assert a["plan"] and a["evaluation"], a


def test_R4_needs_sweden_responsible():
    with Server() as s:
        w = World(s)
        org = w.org()
        not_ours = reflection_done(w, org, sweden_responsible=False)
        ours = reflection_done(w, org, sweden_responsible=True)
        ext = dict(submitted_on="2024-03-02", **span("2024-03-02", 30))
        expect_rule(w.apply(not_ours["id"], "extended", **ext), "R4")
        expect_ok(w.apply(ours["id"], "extended", **ext))


def test_R4_extended_starts_only_after_the_reflection_period():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = reflection_done(w, org)   # reflection ends 2024-03-01
        expect_rule(w.apply(p["id"], "extended", submitted_on="2024-03-01", **span("2024-03-01", 10)),
                    "R4", "2024-03-01")
        expect_ok(w.apply(p["id"], "extended", submitted_on="2024-03-01", **span("2024-03-02", 10)))


# ---------------------------------------------------------------- R5

def test_R5_refuses_integration_housing_without_prior_NSP_housing():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        expect_rule(w.apply(p["id"], "integration_housing", submitted_on="2024-03-01",
                            **span("2024-03-01", 10)), "R5", "2024-02-29")
        w.grant(p["id"], "reflection", "2024-02-01", **span("2024-02-01", 29))   # ..2024-02-29
        # the day before 2024-03-02 is 2024-03-01: not covered
        expect_rule(w.apply(p["id"], "integration_housing", submitted_on="2024-03-01",
                            **span("2024-03-02", 10)), "R5", "2024-03-01")
        a = w.application(p["id"], "integration_housing", submitted_on="2024-03-01", **span("2024-03-01", 10))
        dec = expect_ok(w.decide(a["id"], decided_on="2024-03-01"))
        assert dec["lines"][0]["code"] == "integration_housing", dec
        assert dec["total_ore"] == 10 * DAY, dec


def test_R5_needs_an_exit_phase_plan():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        w.grant(p["id"], "reflection", "2024-02-01", **span("2024-02-01", 29))
        ih = dict(submitted_on="2024-03-01", **span("2024-03-01", 10))
        expect_rule(w.apply(p["id"], "integration_housing", plan=None, **ih), "R5")
        expect_rule(w.apply(p["id"], "integration_housing", plan="  ", **ih), "R5")
        expect_ok(w.apply(p["id"], "integration_housing", **ih))


# ---------------------------------------------------------------- R6

def test_R6_refuses_46th_integration_day_across_both_forms():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        w.grant(p["id"], "reflection", "2024-02-01", **span("2024-02-01", 29))
        w.grant(p["id"], "integration_housing", "2024-03-01", **span("2024-03-01", 15))
        expect_rule(w.apply(p["id"], "integration_adult", submitted_on="2024-04-01",
                            **span("2024-04-01", 31)), "R6", "45", "15", "31")
        dec = w.grant(p["id"], "integration_adult", "2024-04-01", **span("2024-04-01", 30))
        assert dec["lines"] == [{"code": "integration_adult", "person_id": p["id"], "days": 30,
                                 "amount_ore": 30 * 50000}], dec
        expect_rule(w.apply(p["id"], "integration_adult", submitted_on="2024-05-01",
                            **span("2024-05-01", 1)), "R6", "45")


def test_R6_single_form_boundary_45_allowed_46_refused():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        expect_rule(w.apply(p["id"], "integration_adult", submitted_on="2024-03-01",
                            **span("2024-03-01", 46)), "R6", "45", "46")
        expect_ok(w.apply(p["id"], "integration_adult", submitted_on="2024-03-01", **span("2024-03-01", 45)))


# ---------------------------------------------------------------- R7

def test_R7_refuses_child_elsewhere_and_another_persons_child():
    with Server() as s:
        w = World(s)
        org = w.org()
        parent = w.admitted(org)
        other = w.person(org)
        living = w.child(parent["id"], "secondary", org_id=org)
        elsewhere = w.child(parent["id"], "elsewhere", org_id=org)
        not_mine = w.child(other["id"], "secondary", org_id=org)
        refl = dict(submitted_on="2024-03-01", **span("2024-03-01", 10))
        # The child's role in words, not its JSON name (issue 15).
        err = expect_rule(w.apply(parent["id"], "reflection", children=[elsewhere["id"]], **refl), "R7",
                          elsewhere["id"])
        assert "annan plats" in err["message_sv"] and "elsewhere" in err["message_en"], err
        expect_rule(w.apply(parent["id"], "reflection", children=[not_mine["id"]], **refl), "R7",
                    str(not_mine["id"]))
        expect_rule(w.apply(parent["id"], "reflection", children=[living["id"], elsewhere["id"]], **refl), "R7")
        a = w.application(parent["id"], "reflection", children=[living["id"]], **refl)
        assert a["children"] == [living["id"]], a


def test_R7_refuses_children_on_a_point_intervention():
    with Server() as s:
        w = World(s)
        org = w.org()
        parent = w.admitted(org)
        kid = w.child(parent["id"], "secondary", org_id=org)
        pt = dict(submitted_on="2024-03-01", category="travel", units=1)
        expect_rule(w.apply(parent["id"], "point_adult", children=[kid["id"]], **pt), "R7")
        expect_ok(w.apply(parent["id"], "point_adult", **pt))


def test_R7_child_supplement_once_per_day_regardless_of_number_of_children():
    with Server() as s:
        w = World(s)
        org = w.org()
        one = w.admitted(org)
        three = w.admitted(org)
        c1 = w.child(one["id"], "secondary", org_id=org)
        kids = [w.child(three["id"], role, org_id=org)["id"] for role in ("secondary", "secondary", "primary")]
        refl = span("2024-03-01", 10)
        d1 = w.grant(one["id"], "reflection", "2024-03-01", children=[c1["id"]], **refl)
        d3 = w.grant(three["id"], "reflection", "2024-03-01", children=kids, **refl)
        for dec, parent in ((d1, one), (d3, three)):
            lines = sorted((l["code"], l["person_id"], l["days"], l["amount_ore"]) for l in dec["lines"])
            assert lines == [("reflection", parent["id"], 10, 10 * DAY),
                             ("reflection_child", parent["id"], 10, 10 * CHILD_DAY)], dec
            assert dec["total_ore"] == 10 * DAY + 10 * CHILD_DAY, dec


# ---------------------------------------------------------------- R8

def test_R8_refuses_basic_needs_on_a_day_of_housing_allows_the_day_after():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        w.grant(p["id"], "reflection", "2024-03-01", **span("2024-03-01", 10))   # ..2024-03-10
        expect_rule(w.apply(p["id"], "point_adult", submitted_on="2024-03-10", category="basic_needs", units=1),
                    "R8", "2024-03-10")
        expect_ok(w.apply(p["id"], "point_adult", submitted_on="2024-03-11", category="basic_needs", units=1))
        # other categories are not covered by the daily compensation
        expect_ok(w.apply(p["id"], "point_adult", submitted_on="2024-03-05", category="interpreter", units=3))


def test_R8_point_intervention_must_match_the_age_group():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        expect_rule(w.apply(p["id"], "point_child", submitted_on="2024-03-01", category="travel", units=1), "R8")
        expect_ok(w.apply(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1))


# ---------------------------------------------------------------- R9

def test_R9_refuses_daily_compensation_overlapping_by_one_day():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        w.grant(p["id"], "reflection", "2024-03-01", **span("2024-03-01", 10))   # ..2024-03-10
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-03-05",
                            **{"from": "2024-03-10", "to": "2024-03-15"}), "R9", "2024-03-10")
        expect_rule(w.apply(p["id"], "integration_housing", submitted_on="2024-03-05",
                            **{"from": "2024-03-10", "to": "2024-03-20"}), "R9")
        expect_ok(w.apply(p["id"], "reflection", submitted_on="2024-03-05",
                          **{"from": "2024-03-11", "to": "2024-03-15"}))


# ---------------------------------------------------------------- R10

def test_R10_refuses_decision_over_budget_and_allows_written_override():
    with Server() as s:
        w = World(s, budget_years=())
        w.year(2024, budget_ore=10 * DAY)
        org = w.org()
        p1, p2 = w.admitted(org), w.admitted(org)
        exact = w.grant(p1["id"], "reflection", "2024-03-01", **span("2024-03-01", 10))
        assert exact["total_ore"] == 10 * DAY
        assert w.budget(2024)["remaining_ore"] == 0
        a = w.application(p2["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 1))
        expect_rule(w.decide(a["id"], decided_on="2024-03-01"), "R10")
        expect_rule(w.decide(a["id"], decided_on="2024-03-01", budget_override_reason="   "), "R10")
        dec = expect_ok(w.decide(a["id"], decided_on="2024-03-01",
                                 budget_override_reason="Akut skyddsbehov; regeringen aviserar tilläggsanslag."))
        assert dec["budget_override_reason"].startswith("Akut"), dec
        assert w.budget(2024)["remaining_ore"] == -DAY


def test_R10_year_without_budget_refuses_grants_but_not_admission():
    with Server() as s:
        w = World(s, budget_years=())
        org = w.org()
        p = w.admitted(org)               # admission costs nothing: allowed without a budget
        a = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 5))
        expect_rule(w.decide(a["id"], decided_on="2024-03-01"), "R10")
        w.year(2024, budget_ore=5 * DAY)
        expect_ok(w.decide(a["id"], decided_on="2024-03-01"))


# ---------------------------------------------------------------- R11

def test_R11_refuses_child_of_a_non_admitted_parent():
    with Server() as s:
        w = World(s)
        org = w.org()
        parent = w.person(org)
        kid = w.child(parent["id"], "primary", org_id=org)
        expect_rule(w.apply(kid["id"], "admission", submitted_on="2024-03-01"), "R11")
        w.admit(parent["id"], "2024-03-01")
        # admitted from 2024-03-01: the day before the parent was not yet admitted
        expect_rule(w.apply(kid["id"], "admission", submitted_on="2024-02-29"), "R11", "2024-02-29")
        a = w.application(kid["id"], "admission", submitted_on="2024-03-01")
        expect_ok(w.decide(a["id"], decided_on="2024-03-01"))


def test_R11_secondary_child_is_never_admitted_itself():
    with Server() as s:
        w = World(s)
        org = w.org()
        parent = w.admitted(org)
        kid = w.child(parent["id"], "secondary", org_id=org)
        expect_rule(w.apply(kid["id"], "admission", submitted_on="2024-03-01"), "R11", "secondary")
        primary = w.child(parent["id"], "primary", org_id=org)
        expect_ok(w.apply(primary["id"], "admission", submitted_on="2024-03-01"))


# ---------------------------------------------------------------- R13

def test_R13_refuses_intervention_before_admission():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.person(org)
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-02-01", **span("2024-02-01", 5)), "R13")
        adm = w.application(p["id"], "admission", submitted_on="2024-01-15")
        expect_ok(w.decide(adm["id"], decided_on="2024-02-01"))
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-01-31", **span("2024-02-01", 5)),
                    "R13", "2024-01-31")
        expect_ok(w.apply(p["id"], "reflection", submitted_on="2024-02-01", **span("2024-02-01", 5)))
        expect_rule(w.apply(p["id"], "admission", submitted_on="2024-02-02"), "R13")


def test_R13_pending_admission_intervention_submitted_then_judged_at_its_decision():
    """R13 (domain.md, second half): an intervention may be submitted while the
    admission is undecided (201); its decision is refused (422 R13) until the
    admission is granted, then allowed; a second undecided admission is 409."""
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        p = w.person(org, token=cw)
        adm = w.application(p["id"], "admission", token=cw, submitted_on="2024-03-01")
        # a second undecided admission: 409, and nothing stored
        expect(w.apply(p["id"], "admission", token=cw, submitted_on="2024-03-02"), 409, code="conflict")
        # an intervention dated before the admission application was submitted: R13
        expect_rule(w.apply(p["id"], "reflection", token=cw, submitted_on="2024-02-29",
                            **span("2024-03-01", 10)), "R13", "2024-02-29")
        refl = w.application(p["id"], "reflection", token=cw, submitted_on="2024-03-01", **span("2024-03-01", 10))
        assert refl["status"] == "submitted", refl
        allowance = expect_ok(s.get(f"{API}/persons/{p['id']}/allowance", token=cw), 200)
        assert allowance["admission_pending_on"] == "2024-03-01", allowance
        # deciding the intervention before the admission: 422 R13, naming the waiting admission
        expect_rule(w.decide(refl["id"], decided_on="2024-03-02"), "R13", "2024-03-01")
        checks = expect_ok(s.get(f"{API}/applications/{refl['id']}/checks", token=w.coord), 200)
        assert checks["refusal"]["rule"] == "R13", checks
        # the admission granted: the intervention is decided on a day the person is admitted
        expect_ok(w.decide(adm["id"], decided_on="2024-03-02"))
        # a decision dated the day before the admission: the person is not admitted on that day
        expect_rule(w.decide(refl["id"], decided_on="2024-03-01"), "R13", "2024-03-01")
        expect_ok(w.decide(refl["id"], decided_on="2024-03-02"))
        # admitted now: a new admission application is refused by R13 (not 409)
        expect_rule(w.apply(p["id"], "admission", token=cw, submitted_on="2024-03-05"), "R13", "2024-03-02")


def test_R13_admission_with_its_first_period_is_applied_for_in_one_request():
    """POST /applications with type admission and "together": both stored, or
    neither (an invalid period in the second leaves no admission behind)."""
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        p = w.person(org, token=cw)
        kid = w.child(p["id"], "secondary", token=cw)
        body = {"person_id": p["id"], "type": "admission", "submitted_on": "2024-03-01", "basis": NO_ACTOR,
                "identified": True, "needs_assessment": "Behöver skyddat boende.",
                "together": [{"type": "reflection", "from": "2024-03-01", "to": "2024-03-05"}]}
        bad = dict(body, together=[{"type": "reflection", "from": "2024-03-05", "to": "2024-03-01"}])
        expect(s.post(API + "/applications", bad, token=cw), 400, field="together[0].to")
        bad = dict(body, together=[{"type": "admission"}])
        expect(s.post(API + "/applications", bad, token=cw), 400, field="together[0].type")
        expect(s.post(API + "/applications", dict(body, type="reflection", **span("2024-03-01", 5)), token=cw),
               400, field="together")
        listed = expect_ok(s.get(f"{API}/applications?person_id={p['id']}", token=cw), 200)
        assert listed["applications"] == [], listed        # nothing of the refused requests was stored
        body["together"][0]["children"] = [kid["id"]]
        got = expect_ok(s.post(API + "/applications", body, token=cw))
        assert got["type"] == "admission" and got["status"] == "submitted", got
        (refl,) = got["together"]
        assert (refl["type"], refl["submitted_on"], refl["basis"]["kind"]) == \
            ("reflection", "2024-03-01", "no_designated_actor"), refl
        assert refl["children"] == [kid["id"]] and refl["target_group"] == "families", refl


def test_R13_admission_and_its_waiting_period_are_decided_in_one_act():
    """POST /applications/{admission}/decision with "together": the admission
    first, then the waiting applications, in one transaction: both or neither."""
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.person(org)
        body = {"person_id": p["id"], "type": "admission", "submitted_on": "2024-03-01", "basis": NO_ACTOR,
                "identified": True, "needs_assessment": "Behöver skyddat boende.",
                "together": [{"type": "reflection", **span("2024-03-01", 10)}]}
        got = expect_ok(s.post(API + "/applications", body, token=w.coord))
        adm, refl = got["id"], got["together"][0]["id"]
        other = w.admitted(org, on="2024-02-01")
        elsewhere = w.application(other["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1)
        # another person's application cannot ride along; nothing is decided
        expect(s.post(f"{API}/applications/{adm}/decision",
                      {"outcome": "granted", "decided_on": "2024-03-02",
                       "together": [{"application_id": elsewhere["id"], "outcome": "granted"}]}, token=w.coord),
               400, field="together[0].application_id")
        # a refusal of the second (a partial grant without a reason) undoes the first: both or neither
        expect(s.post(f"{API}/applications/{adm}/decision",
                      {"outcome": "granted", "decided_on": "2024-03-02",
                       "together": [{"application_id": refl, "outcome": "partly_granted", "to": "2024-03-05"}]},
                      token=w.coord), 400, field="together[0].reason")
        expect_rule(s.post(f"{API}/applications/{adm}/decision",
                           {"outcome": "denied", "reason": "Ej identifierad.", "decided_on": "2024-03-02",
                            "together": [{"application_id": refl, "outcome": "granted"}]}, token=w.coord), "R13")
        a = expect_ok(s.get(f"{API}/applications/{adm}", token=w.coord), 200)
        assert a["status"] == "submitted" and a["decision"] is None, a
        # only an admission decides others together
        expect(s.post(f"{API}/applications/{refl}/decision",
                      {"outcome": "granted", "together": [{"application_id": adm, "outcome": "granted"}]},
                      token=w.coord), 400, field="together")
        d = expect_ok(s.post(f"{API}/applications/{adm}/decision",
                             {"outcome": "granted", "decided_on": "2024-03-02",
                              "together": [{"application_id": refl, "outcome": "granted"}]}, token=w.coord))
        assert d["type"] == "admission" and d["outcome"] == "granted", d
        (rd,) = d["together"]
        assert (rd["type"], rd["decided_on"], rd["total_ore"]) == ("reflection", "2024-03-02", 10 * 132000), rd
        for app_id in (adm, refl):
            assert expect_ok(s.get(f"{API}/applications/{app_id}", token=w.coord), 200)["status"] == "decided"


def test_R13_denied_admission_leaves_the_waiting_intervention_only_deniable():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.person(org)
        adm = w.application(p["id"], "admission", submitted_on="2024-03-01")
        refl = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 10))
        point = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1)
        expect_ok(w.decide(adm["id"], "denied", decided_on="2024-03-02"))
        err = expect_rule(w.decide(refl["id"], decided_on="2024-03-03"), "R13", "2024-03-02")
        assert "avslås" in err["message_sv"] and "only be denied" in err["message_en"], err
        expect_rule(w.decide(point["id"], decided_on="2024-03-03"), "R13")
        expect_ok(w.decide(refl["id"], "denied", decided_on="2024-03-03"))
        expect_ok(w.decide(point["id"], "denied", decided_on="2024-03-03"))
        # no admission waiting any more: a new intervention is refused at once
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-03-04", **span("2024-03-04", 5)), "R13")
        # a new admission may be applied for after a denial
        expect_ok(w.apply(p["id"], "admission", submitted_on="2024-03-04"))


def test_R13_refuses_intervention_after_exit():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org, on="2024-02-01")
        expect_ok(s.post(f"{API}/persons/{p['id']}/exit", {"date": "2024-06-30", "destination": "independent"},
                         token=w.coord), 200)
        pt = dict(category="travel", units=1)
        expect_rule(w.apply(p["id"], "point_adult", submitted_on="2024-07-01", **pt), "R13", "2024-07-01")
        expect_ok(w.apply(p["id"], "point_adult", submitted_on="2024-06-30", **pt))


# ---------------------------------------------------------------- R14

def test_R14_refuses_claim_above_the_decision():
    """R14 on claims and payments; submitted claims count as reserved (test_claims.py has the rest)."""
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        p = w.admitted(org)
        dec = w.grant(p["id"], "reflection", "2024-03-01", **span("2024-03-01", 10))
        total = dec["total_ore"]
        assert total == 10 * DAY
        expect_rule(w.pay(dec["id"], total + 1, "2024-03-20"), "R14")
        claim = expect_ok(s.post(API + "/claims", {"decision_id": dec["id"], "from": "2024-03-01", "to": "2024-03-07",
                                                   "reference": "F-1", "submitted_on": "2024-03-20"}, token=cw))
        assert claim["amount_ore"] == 7 * DAY, claim
        # the submitted claim reserves 7 days: 3 days' worth is left
        expect_rule(w.pay(dec["id"], 3 * DAY + 1, "2024-03-21"), "R14")
        expect_ok(w.pay(dec["id"], 3 * DAY, "2024-03-21"))
        expect_rule(w.pay(dec["id"], 1, "2024-03-22"), "R14")
        expect_ok(s.post(f"{API}/claims/{claim['id']}/approve", {"paid_on": "2024-03-22"}, token=w.coord), 200)
        got = expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=cw), 200)
        assert got["paid_ore"] == total, got
        pays = expect_ok(s.get(f"{API}/decisions/{dec['id']}/payments", token=cw), 200)["payments"]
        assert sorted(p_["amount_ore"] for p_ in pays) == [3 * DAY, 7 * DAY], pays


# ---------------------------------------------------------------- R12

def test_R12_retention_erases_identity_keeps_statistics():
    with Server() as s:
        w = World(s)
        org = w.org()
        gone = w.person(org, identity={"name": "Ottilia Retentionsdottir", "phone": "070-1234567"},
                        exploitation_forms=["labour_exploitation", "begging"], gender="male")
        kept = w.person(org, identity={"name": "Kvarstående Person"})
        w.admit(gone["id"], "2024-02-01")
        dec = w.grant(gone["id"], "reflection", "2024-03-01", **span("2024-03-01", 10))
        before = w.budget(2024)
        ex = expect_ok(s.post(f"{API}/persons/{gone['id']}/exit", {"destination": "return_programme"},
                              token=w.coord), 200)
        exit_day = ex["exit"]["date"]

        r = run_nsp("retention", "run", "--db", s.db, "--days", "730")
        assert r.returncode == 0, r
        still = expect_ok(s.get(f"{API}/persons/{gone['id']}", token=w.coord), 200)
        assert still["identity"]["name"] == "Ottilia Retentionsdottir", still

        r = run_nsp("retention", "run", "--db", s.db, "--days", "0")
        assert r.returncode == 0, r
        after = expect_ok(s.get(f"{API}/persons/{gone['id']}", token=w.coord), 200)
        assert not after.get("identity"), after
        assert after["has_identity"] is False and after["identity_erased_on"] == exit_day, after
        assert "Ottilia" not in s.get(f"{API}/persons/{gone['id']}", token=w.coord).text
        # statistics, decisions and the ledger remain
        assert after["gender"] == "male" and after["code"] == gone["code"], after
        assert after["exploitation_forms"] == ["labour_exploitation", "begging"], after
        assert after["exit"] == {"date": exit_day, "destination": "return_programme"}, after
        again = expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=w.coord), 200)
        assert again["total_ore"] == dec["total_ore"] and again["lines"] == dec["lines"], again
        assert w.budget(2024) == before
        # a person still in the programme keeps the identity
        k = expect_ok(s.get(f"{API}/persons/{kept['id']}", token=w.coord), 200)
        assert k["identity"]["name"] == "Kvarstående Person", k
        # erased identity cannot be written back
        expect(s.put(f"{API}/persons/{gone['id']}/identity", {"identity": {"name": "Ny"}}, token=w.coord), 409,
               code="conflict")
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT identity FROM persons WHERE id = ?", (gone["id"],)).fetchone()
            assert row[0] is None, row
        finally:
            con.close()


def test_R9_denied_decisions_do_not_block_the_days():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        a = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span("2024-03-01", 10))
        expect_ok(w.decide(a["id"], "denied", decided_on="2024-03-01", reason="Socialtjänsten tog över."))
        dec = w.grant(p["id"], "reflection", "2024-03-02", **span("2024-03-01", 10))
        assert dec["lines"][0]["days"] == 10, dec
        expect_rule(w.apply(p["id"], "reflection", submitted_on="2024-03-05", **span("2024-03-10", 1)), "R9")


def test_R11_primary_childs_interventions_end_with_the_parents_admission():
    with Server() as s:
        w = World(s)
        org = w.org()
        parent = w.admitted(org, on="2024-02-01")
        kid = w.child(parent["id"], "primary", org_id=org)
        w.admit(kid["id"], "2024-02-01")
        pt = dict(category="support_talk", units=2)
        expect_ok(w.apply(kid["id"], "point_child", submitted_on="2024-04-30", **pt))
        expect_ok(s.post(f"{API}/persons/{parent['id']}/exit", {"date": "2024-04-30", "destination": "independent"},
                         token=w.coord), 200)
        expect_rule(w.apply(kid["id"], "point_child", submitted_on="2024-05-01", **pt), "R11", "2024-05-01")
        expect_ok(w.apply(kid["id"], "point_child", submitted_on="2024-04-30", **pt))
