"""Organisations (domain.md §3): the certification state machine both ways,
the minimum-requirements checklist as data versioned per year, R1 read from
the history on the application's date, recertification due dates with a
configurable interval, and quality follow-up. Each test runs on its own
server."""
import datetime

from harness import API, MET, Server, World, expect, expect_ok, expect_rule, iso, plus, today


def add_months(day, months):
    """The day `months` calendar months later; the 31st becomes a shorter month's last day."""
    total = day.year * 12 + day.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(day.day, last))


def cert(s, w, org, status, date, requirements=None):
    body = {"status": status, "date": date}
    if requirements is not None:
        body["requirements"] = requirements
    return s.post(f"{API}/organisations/{org}/certification", body, token=w.coord)


def statuses(s, w, org):
    got = expect_ok(s.get(f"{API}/organisations/{org}", token=w.coord), 200)
    return [(h["status"], h["date"]) for h in got["certification_history"]]


# ---------------------------------------------------------------- the state machine

def test_the_state_machine_refuses_what_it_does_not_allow_and_allows_the_rest():
    with Server() as s:
        w = World(s)
        org = w.org(certified_on=None)
        # no organisation is certified without a certification process
        err = expect(cert(s, w, org, "certified", "2024-01-01", MET), 409, code="conflict", field="status")
        assert "ingen certifiering" in err["error"]["message_sv"], err
        assert "no certification" in err["error"]["message_en"], err
        for bad in ("suspended", "revoked"):
            expect(cert(s, w, org, bad, "2024-01-01"), 409, code="conflict", field="status")
        expect_ok(cert(s, w, org, "prospect", "2024-01-01"))
        expect(cert(s, w, org, "prospect", "2024-01-02"), 409, code="conflict", field="status")
        expect(cert(s, w, org, "certified", "2024-01-02", MET), 409, code="conflict", field="status")
        expect_ok(cert(s, w, org, "in_process", "2024-01-10"))
        expect_ok(cert(s, w, org, "prospect", "2024-01-11"))          # the process was broken off
        expect_ok(cert(s, w, org, "in_process", "2024-01-12"))
        expect_ok(cert(s, w, org, "certified", "2024-02-01", MET))
        expect(cert(s, w, org, "in_process", "2024-02-02"), 409, code="conflict", field="status")
        expect(cert(s, w, org, "prospect", "2024-02-02"), 409, code="conflict", field="status")
        expect_ok(cert(s, w, org, "certified", "2024-09-01", MET))    # recertification
        expect_ok(cert(s, w, org, "suspended", "2024-10-01"))
        expect(cert(s, w, org, "suspended", "2024-10-02"), 409, code="conflict", field="status")
        expect(cert(s, w, org, "in_process", "2024-10-02"), 409, code="conflict", field="status")
        expect_ok(cert(s, w, org, "certified", "2024-11-01", MET))    # reinstated
        expect_ok(cert(s, w, org, "revoked", "2025-01-15"))
        # revoked -> certified needs a new process first
        err = expect(cert(s, w, org, "certified", "2025-02-01", MET), 409, code="conflict", field="status")
        assert "från återkallad till certifierad" in err["error"]["message_sv"], err
        assert "from revoked to certified" in err["error"]["message_en"], err
        assert "certification in process" in err["error"]["message_en"], err   # where it may go instead
        expect(cert(s, w, org, "suspended", "2025-02-01"), 409, code="conflict", field="status")
        # a new event is never dated before the latest one; the same day is fine
        expect(cert(s, w, org, "in_process", "2025-01-14"), 400, code="invalid", field="date")
        expect_ok(cert(s, w, org, "in_process", "2025-01-15"))
        expect_ok(cert(s, w, org, "certified", "2025-03-01", MET))
        assert statuses(s, w, org) == [
            ("prospect", "2024-01-01"), ("in_process", "2024-01-10"), ("prospect", "2024-01-11"),
            ("in_process", "2024-01-12"), ("certified", "2024-02-01"), ("certified", "2024-09-01"),
            ("suspended", "2024-10-01"), ("certified", "2024-11-01"), ("revoked", "2025-01-15"),
            ("in_process", "2025-01-15"), ("certified", "2025-03-01")]
        got = expect_ok(s.get(f"{API}/organisations/{org}", token=w.coord), 200)
        assert got["certification"] == {"status": "certified", "date": "2025-03-01"}, got
        # refusals change nothing, an unknown organisation is 404, a caseworker may not
        expect(cert(s, w, 999999, "prospect", "2024-01-01"), 404, code="not_found")
        _, cw = w.user("caseworker", org)
        expect(s.post(f"{API}/organisations/{org}/certification", {"status": "suspended", "date": "2025-03-02"},
                      token=cw), 403, code="forbidden")
        assert len(statuses(s, w, org)) == 11


def test_a_certification_needs_every_required_item_of_the_checklist():
    with Server() as s:
        w = World(s)
        org = w.org(certified_on=None)
        # during the process the checklist records progress: nothing is required yet
        expect_ok(cert(s, w, org, "in_process", "2025-03-01", {"knowledge_of_trafficking": True}))
        for key in ("knowledge_of_trafficking", "threat_and_risk_routines", "security_routines",
                    "support_matches_rights"):
            partial = dict(MET, **{key: False})
            err = expect(cert(s, w, org, "certified", "2025-04-01", partial), 400, code="invalid",
                         field=f"requirements.{key}")
            # named by the checklist's words, not its key (issue 15)
            assert key not in err["error"]["message_sv"] and key not in err["error"]["message_en"], err
            assert "minimikravet ”" in err["error"]["message_sv"], err
        missing = dict(MET)
        del missing["security_routines"]
        expect(cert(s, w, org, "certified", "2025-04-01", missing), 400, field="requirements.security_routines")
        expect(cert(s, w, org, "certified", "2025-04-01"), 400, field="requirements.knowledge_of_trafficking")
        # a key not on the checklist, or a value that is neither true/false nor {"met","note"}
        expect(cert(s, w, org, "certified", "2025-04-01", dict(MET, knowledge=True)), 400,
               field="requirements.knowledge")
        expect(cert(s, w, org, "certified", "2025-04-01", dict(MET, security_routines="ja")), 400,
               field="requirements.security_routines")
        expect(cert(s, w, org, "certified", "2025-04-01", dict(MET, security_routines={"note": "x"})), 400,
               field="requirements.security_routines.met")
        assert statuses(s, w, org) == [("in_process", "2025-03-01")]
        noted = dict(MET, security_routines={"met": True, "note": "Granskade rutiner 2025-03-20"})
        expect_ok(cert(s, w, org, "certified", "2025-04-01", noted))
        hist = expect_ok(s.get(f"{API}/organisations/{org}", token=w.coord), 200)["certification_history"]
        # every item is stored, met or not, with the checklist version it was checked against
        assert hist[0]["requirements"] == {"knowledge_of_trafficking": True, "threat_and_risk_routines": False,
                                           "security_routines": False, "support_matches_rights": False}, hist
        assert hist[1]["requirements"]["security_routines"] == {"met": True,
                                                                "note": "Granskade rutiner 2025-03-20"}, hist
        assert hist[1]["checklist_year"] == 2025 and hist[0]["checklist_year"] == 2025, hist


def test_the_checklist_is_data_versioned_per_year():
    with Server() as s:
        w = World(s)
        this_year = today().year
        base = expect_ok(s.get(f"{API}/certification/requirements?year=2025", token=w.coord), 200)
        assert base["from_year"] == 2025 and base["years"] == [2025], base
        assert [r["key"] for r in base["requirements"]] == list(MET), base
        assert all(r["required"] and r["label_sv"] and r["label_en"] for r in base["requirements"]), base
        # a year without a checklist of its own uses the latest earlier one (else the earliest)
        for y, frm in ((2030, 2025), (2020, 2025)):
            assert expect_ok(s.get(f"{API}/certification/requirements?year={y}", token=w.coord), 200)["from_year"] == frm

        # the planned requirement for children placed with a parent: a new row for its year, no code
        items = base["requirements"] + [
            {"key": "children_with_parent", "label_sv": "Rutiner för barn som placeras med en förälder",
             "label_en": "Routines for children placed with a parent", "required": True},
            {"key": "annual_report_sent", "label_sv": "Verksamhetsberättelse inskickad",
             "label_en": "Annual report sent", "required": False}]
        put = expect_ok(s.put(f"{API}/certification/requirements/{this_year}", {"requirements": items},
                              token=w.coord), 200)
        assert put["from_year"] == this_year and len(put["requirements"]) == 6, put
        assert put["years"] == sorted({2025, this_year}), put
        later = expect_ok(s.get(f"{API}/certification/requirements?year={this_year + 3}", token=w.coord), 200)
        assert later["from_year"] == this_year, later
        assert expect_ok(s.get(f"{API}/certification/requirements?year=2025", token=w.coord), 200)["from_year"] == 2025

        org = w.org(certified_on=None)
        expect_ok(cert(s, w, org, "in_process", "2025-01-10"))
        expect_ok(cert(s, w, org, "certified", "2025-02-01", MET))          # 2025: four items
        d = iso(today())
        expect(cert(s, w, org, "certified", d, MET), 400, field="requirements.children_with_parent")
        expect_ok(cert(s, w, org, "certified", d, dict(MET, children_with_parent=True)))   # optional one left out
        hist = expect_ok(s.get(f"{API}/organisations/{org}", token=w.coord), 200)["certification_history"]
        assert [h["checklist_year"] for h in hist] == [2025, 2025, this_year], hist
        assert hist[-1]["requirements"]["annual_report_sent"] is False, hist

        # the checklist is validated
        for bad, field in (([], "requirements"),
                           ([{"key": "Bad Key", "label_sv": "a", "label_en": "a"}], "requirements[0].key"),
                           ([{"key": "a", "label_sv": "a", "label_en": "a"},
                             {"key": "a", "label_sv": "b", "label_en": "b"}], "requirements[1].key"),
                           ([{"key": "a", "label_sv": "", "label_en": "a"}], "requirements[0].label_sv"),
                           ([{"key": "a", "label_sv": "a", "label_en": "a", "weight": 2}], "requirements[0].weight")):
            expect(s.put(f"{API}/certification/requirements/2027", {"requirements": bad}, token=w.coord), 400,
                   code="invalid", field=field)
        # caseworkers read the checklist, only the coordinator changes it
        _, cw = w.user("caseworker", org)
        expect_ok(s.get(f"{API}/certification/requirements", token=cw), 200)
        expect(s.put(f"{API}/certification/requirements/2027", {"requirements": items}, token=cw), 403)


# ---------------------------------------------------------------- R1 by the history

def test_R1_reads_the_history_on_the_application_date():
    with Server() as s:
        w = World(s)
        org = w.org(certified_on="2024-01-01")
        w.certify(org, "suspended", "2024-06-01")
        w.certify(org, "certified", "2024-07-01")                  # reinstated
        ps = [w.person(org) for _ in range(4)]
        expect_ok(w.apply(ps[0]["id"], "admission", submitted_on="2024-05-31"))
        expect_rule(w.apply(ps[1]["id"], "admission", submitted_on="2024-06-01"), "R1", "2024-06-01")
        expect_rule(w.apply(ps[1]["id"], "admission", submitted_on="2024-06-30"), "R1", "2024-06-30")
        expect_ok(w.apply(ps[1]["id"], "admission", submitted_on="2024-07-01"))

        # a suspension after the application date does not matter, even when it is
        # recorded before the decision ...
        org2 = w.org(certified_on="2024-01-01")
        p = w.person(org2)
        a = w.application(p["id"], "admission", submitted_on="2024-03-01")
        w.certify(org2, "suspended", "2024-03-02")
        expect_ok(w.decide(a["id"], decided_on="2024-03-05"))
        # ... one on or before it does, also when it is recorded after the application
        org3 = w.org(certified_on="2024-01-01")
        p3 = w.person(org3)
        a3 = w.application(p3["id"], "admission", submitted_on="2024-03-01")
        w.certify(org3, "suspended", "2024-03-01")
        expect_rule(w.decide(a3["id"], decided_on="2024-03-05"), "R1", "2024-03-01")
        assert expect_ok(s.get(f"{API}/applications/{a3['id']}", token=w.coord), 200)["decision"] is None


# ---------------------------------------------------------------- recertification due dates

def test_recertification_is_due_three_years_after_the_latest_certification():
    with Server() as s:
        w = World(s)
        t = today()
        settings = expect_ok(s.get(f"{API}/certification/settings", token=w.coord), 200)
        assert settings == {"recertification_months": 36, "due_window_days": 90}, settings

        def certified(name, on, then=()):
            org = w.org(name, certified_on=iso(on))
            for status, day in then:
                w.certify(org, status, iso(day))
            return org

        # Each organisation is certified on a day the test picks; what the program must answer follows
        # from that day alone: due = certified + 36 months, days left = due - today. The picks sit well
        # inside (or outside) the 90-day window, because "36 months back, plus n days, plus 36 months"
        # is not "today plus n days" when the span crosses a February (up to three days apart).
        back = add_months(t, -36)
        picked = {
            "due_in_30": ("Om trettio dagar", back + datetime.timedelta(days=30)),
            "overdue": ("Försenad", back - datetime.timedelta(days=5)),
            "due_in_95": ("Om nittiofem dagar", back + datetime.timedelta(days=95)),
        }
        orgs = {key: certified(name, on) for key, (name, on) in picked.items()}
        due_on = {key: add_months(on, 36) for key, (_, on) in picked.items()}
        days_left = {key: (due - t).days for key, due in due_on.items()}
        # the picks are what the test says they are, whatever day it runs
        assert 0 < days_left["due_in_30"] <= 90 and days_left["overdue"] < 0 and days_left["due_in_95"] > 90, \
            (t, days_left)
        orgs["renewed"] = certified("Förnyad", back - datetime.timedelta(days=10),
                                    then=(("certified", t - datetime.timedelta(days=10)),))
        orgs["suspended"] = certified("Avstängd", back + datetime.timedelta(days=5),
                                      then=(("suspended", t - datetime.timedelta(days=3)),))
        due = expect_ok(s.get(f"{API}/certification/due", token=w.coord), 200)
        assert due["today"] == iso(t) and due["days"] == 90 and due["recertification_months"] == 36, due
        listed = {o["id"]: o for o in due["organisations"]}
        assert set(listed) == {orgs["due_in_30"], orgs["overdue"]}, due
        for key in ("due_in_30", "overdue"):
            got = listed[orgs[key]]
            assert got["certified_since"] == iso(picked[key][1]) and got["due_on"] == iso(due_on[key]), got
            assert got["days_left"] == days_left[key] and got["overdue"] == (days_left[key] < 0), got
        assert due["organisations"][0]["id"] == orgs["overdue"], due      # the most urgent first
        # the window is a parameter; the day of the boundary is in, the day before it out
        edge = days_left["due_in_95"]
        wide = expect_ok(s.get(f"{API}/certification/due?days={edge}", token=w.coord), 200)
        assert orgs["due_in_95"] in {o["id"] for o in wide["organisations"]}, wide
        narrow = expect_ok(s.get(f"{API}/certification/due?days={edge - 1}", token=w.coord), 200)
        assert orgs["due_in_95"] not in {o["id"] for o in narrow["organisations"]}, narrow
        # each organisation shows its due date; none while suspended
        got = expect_ok(s.get(f"{API}/organisations/{orgs['renewed']}", token=w.coord), 200)
        assert got["recertification_due_on"] == iso(add_months(t - datetime.timedelta(days=10), 36)), got
        got = expect_ok(s.get(f"{API}/organisations/{orgs['suspended']}", token=w.coord), 200)
        assert got["recertification_due_on"] is None, got

        # the interval is configurable: twelve months makes the renewed one due soon
        expect_ok(s.put(f"{API}/certification/settings", {"recertification_months": 12}, token=w.coord), 200)
        short = expect_ok(s.get(f"{API}/certification/due", token=w.coord), 200)
        assert orgs["renewed"] not in {o["id"] for o in short["organisations"]}, short   # due in ~355 days
        got = expect_ok(s.get(f"{API}/organisations/{orgs['renewed']}", token=w.coord), 200)
        assert got["recertification_due_on"] == iso(add_months(t - datetime.timedelta(days=10), 12)), got
        expect_ok(s.put(f"{API}/certification/settings", {"recertification_months": 1}, token=w.coord), 200)
        short = expect_ok(s.get(f"{API}/certification/due", token=w.coord), 200)
        assert orgs["renewed"] in {o["id"] for o in short["organisations"]}, short
        for bad in (0, 121, "36", None):
            expect(s.put(f"{API}/certification/settings", {"recertification_months": bad}, token=w.coord), 400,
                   field="recertification_months")
        expect(s.get(f"{API}/certification/due?days=-1", token=w.coord), 400, field="days")
        _, cw = w.user("caseworker", orgs["overdue"])
        expect(s.get(f"{API}/certification/due", token=cw), 403)
        expect(s.put(f"{API}/certification/settings", {"recertification_months": 36}, token=cw), 403)


# ---------------------------------------------------------------- quality follow-up

def test_site_visits_surveys_and_network_meetings_are_recorded_against_organisations():
    with Server() as s:
        w = World(s)
        a, b = w.org("Alfa"), w.org("Beta")
        visit = expect_ok(s.post(f"{API}/follow-ups", {"kind": "site_visit", "date": "2025-03-04",
                                                       "notes": "Besök, rutinerna gicks igenom.",
                                                       "organisation_ids": [a]}, token=w.coord))
        assert visit["kind"] == "site_visit" and visit["organisation_ids"] == [a], visit
        meeting = expect_ok(s.post(f"{API}/follow-ups", {"kind": "network_meeting", "date": "2025-05-20",
                                                         "notes": "Vårens nätverksträff.",
                                                         "organisation_ids": [b, a]}, token=w.coord))
        assert meeting["organisation_ids"] == [b, a], meeting
        expect_ok(s.post(f"{API}/follow-ups", {"kind": "survey", "date": "2024-11-01", "organisation_ids": [b]},
                         token=w.coord))
        for body, status, field in (
                ({"kind": "party", "date": "2025-01-01", "organisation_ids": [a]}, 400, "kind"),
                ({"kind": "survey", "date": "2025-01-01", "organisation_ids": []}, 400, "organisation_ids"),
                ({"kind": "survey", "date": "2025-01-01", "organisation_ids": [a, a]}, 400, "organisation_ids[1]"),
                ({"kind": "survey", "date": plus(iso(today()), 1), "organisation_ids": [a]}, 400, "date"),
                ({"kind": "survey", "date": "2025-01-01", "organisation_ids": [999999]}, 404, "organisation_ids")):
            expect(s.post(f"{API}/follow-ups", body, token=w.coord), status, field=field)

        def kinds(query):
            got = expect_ok(s.get(f"{API}/follow-ups{query}", token=w.coord), 200)["follow_ups"]
            return [(f["kind"], f["date"]) for f in got]
        assert kinds(f"?organisation_id={a}") == [("network_meeting", "2025-05-20"), ("site_visit", "2025-03-04")]
        assert kinds(f"?organisation_id={b}") == [("network_meeting", "2025-05-20"), ("survey", "2024-11-01")]
        assert kinds(f"?organisation_id={b}&year=2024") == [("survey", "2024-11-01")]
        assert len(kinds("")) == 3
        _, cw = w.user("caseworker", a)
        expect(s.get(f"{API}/follow-ups", token=cw), 403)
        expect(s.post(f"{API}/follow-ups", {"kind": "survey", "organisation_ids": [a]}, token=cw), 403)


# ---------------------------------------------------------------- who may do what

def test_the_organisation_endpoints_by_role_and_organisation():
    """The endpoints of this issue for the coordinator, a caseworker of the
    organisation (own), one of another (other), the funder and anonymous, with
    the leak check of test_access: nothing of organisation A reaches B."""
    from test_access import ACTORS, build, leaks
    s, w, a, b, funder = build()
    try:
        tokens = {"coord": w.coord, "own": a["cw"], "other": b["cw"], "funder": funder, "anon": None}
        year = today().year
        expect_ok(s.put(f"{API}/organisations/{a['org']}/capacity",
                        {"places": [{"region": "Stockholm", "target_group": "women", "places": 2}]}, token=w.coord), 200)
        fu = expect_ok(s.post(f"{API}/follow-ups", {"kind": "site_visit", "date": "2024-05-01",
                                                    "notes": "ANKARHUSET-ANTECKNING", "organisation_ids": [a["org"]]},
                              token=w.coord))
        items = expect_ok(s.get(f"{API}/certification/requirements", token=w.coord), 200)["requirements"]
        matrix = [
            ("GET", f"{API}/certification/requirements", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("PUT", f"{API}/certification/requirements/{year + 1}", {"requirements": items},
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", f"{API}/certification/settings", None, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("PUT", f"{API}/certification/settings", {"recertification_months": 36},
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", f"{API}/certification/due", None, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("POST", f"{API}/follow-ups", {"kind": "survey", "organisation_ids": [a["org"]]},
             dict(coord=201, own=403, other=403, funder=403, anon=401)),
            ("GET", f"{API}/follow-ups", None, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", f"{API}/organisations/{a['org']}/capacity", None,
             dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("PUT", f"{API}/organisations/{a['org']}/capacity",
             {"places": [{"region": "Stockholm", "target_group": "women", "places": 2}]},
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", f"{API}/capacity", None, dict(coord=200, own=200, other=200, funder=200, anon=401)),
            ("GET", f"{API}/placement-requests/unmet?year=2024", None,
             dict(coord=200, own=403, other=403, funder=200, anon=401)),
            ("GET", f"{API}/consultations/summary?year=2024", None,
             dict(coord=200, own=403, other=403, funder=200, anon=401)),
            ("GET", f"{API}/decision-proposals", None, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", f"{API}/decision-proposals/999999", None, dict(coord=404, own=403, other=403, funder=403, anon=401)),
            ("POST", f"{API}/decision-proposals/999999/approve", {},
             dict(coord=404, own=403, other=403, funder=403, anon=401)),
            ("POST", f"{API}/decision-proposals/999999/reject", {},
             dict(coord=404, own=403, other=403, funder=403, anon=401)),
        ]
        failures = []
        for method, path, body, want in matrix:
            assert set(want) == set(ACTORS), path
            for actor in ACTORS:
                r = s.request(method, path, body, token=tokens[actor])
                if r.status != want[actor]:
                    failures.append(f"{actor:6} {method} {path}: expected {want[actor]}, got {r!r}")
                    continue
                bad = leaks(r.text, b) if actor == "own" else leaks(r.text, a) if actor == "other" else \
                    leaks(r.text, a) + leaks(r.text, b) if actor in ("funder", "anon") else []
                if "ANKARHUSET-ANTECKNING" in r.text and actor != "coord":
                    bad.append("the follow-up notes")
                if bad:
                    failures.append(f"{actor:6} {method} {path}: leaks {bad[:3]}")
        assert not failures, "\n".join(failures)
        # the detector works here too: the coordinator's follow-ups and capacity carry A
        assert "ANKARHUSET-ANTECKNING" in s.get(f"{API}/follow-ups", token=w.coord).text, fu
        assert a["name"] in s.get(f"{API}/capacity", token=w.coord).text
        own = expect_ok(s.get(f"{API}/capacity", token=a["cw"]), 200)
        assert [o["id"] for o in own["organisations"]] == [a["org"]], own
        assert own["regions"]["Stockholm"]["women"]["places"] == 2, own
        other = expect_ok(s.get(f"{API}/capacity", token=b["cw"]), 200)
        assert other["organisations"] == [] and other["regions"]["Stockholm"]["women"]["places"] == 0, other
    finally:
        s.__exit__(None, None, None)
