"""Every endpoint of routes.c once, with its success status and the response
shape api.md promises, in the order a new organisation meets them."""
import re

from harness import API, NO_ACTOR, USER_PASSWORD, Server, World, expect, expect_ok

BUCKETS = {"women", "men", "trans_women", "trans_men", "non_binary", "girls", "boys", "unknown", "total"}


def test_healthz_without_login():
    with Server() as s:
        r = s.get("/healthz")
        expect(r, 200)
        assert r.json.get("status") == "ok", r


def test_the_whole_flow_through_every_endpoint():
    with Server() as s:
        w = World(s, budget_years=())
        me = expect_ok(s.get(API + "/me", token=w.coord), 200)
        assert me["role"] == "coordinator" and me["username"] == "samordnare", me
        assert expect_ok(s.put(API + "/me/lang", {"lang": "en"}, token=w.coord), 200)["lang"] == "en"
        assert expect_ok(s.get(API + "/me", token=w.coord), 200)["lang"] == "en"

        # organisations and certification
        org = expect_ok(s.post(API + "/organisations", {"name": "Stödboendet Linnéa", "kind": "protected_housing",
                                                        "regions": ["Stockholm", "Öst"], "contact": "08-123 45"},
                               token=w.coord))
        assert isinstance(org["id"], int) and org["name"] == "Stödboendet Linnéa", org
        assert org["kind"] == "protected_housing" and org["regions"] == ["Stockholm", "Öst"], org
        expect_ok(s.post(f"{API}/organisations/{org['id']}/certification",
                         {"status": "in_process", "date": "2023-11-01"}, token=w.coord))
        cert = expect_ok(s.post(f"{API}/organisations/{org['id']}/certification",
                                {"status": "certified", "date": "2024-01-02",
                                 "requirements": {"knowledge_of_trafficking": True, "threat_and_risk_routines": True,
                                                  "security_routines": True,
                                                  "support_matches_rights": {"met": True, "note": "ja, granskat"}}},
                                token=w.coord))
        assert cert["certification"] == {"status": "certified", "date": "2024-01-02"}, cert
        got = expect_ok(s.get(f"{API}/organisations/{org['id']}", token=w.coord), 200)
        assert got["certification_history"][-1]["requirements"]["support_matches_rights"] == \
            {"met": True, "note": "ja, granskat"}, got
        orgs = expect_ok(s.get(API + "/organisations", token=w.coord), 200)["organisations"]
        assert [o["id"] for o in orgs] == [org["id"]], orgs

        # users
        cw = expect_ok(s.post(API + "/users", {"username": "linnea-handläggare", "password": USER_PASSWORD,
                                               "role": "caseworker", "organisation_id": org["id"]}, token=w.coord))
        assert cw["role"] == "caseworker" and cw["organisation_id"] == org["id"] and isinstance(cw["id"], int), cw
        assert "password" not in cw and "password_hash" not in cw, cw
        users = expect_ok(s.get(API + "/users", token=w.coord), 200)["users"]
        assert {u["username"] for u in users} == {"samordnare", "linnea-handläggare"}, users
        login = expect_ok(s.post(API + "/login", {"username": "linnea-handläggare", "password": USER_PASSWORD}), 200)
        assert login["user"] == {**login["user"], "id": cw["id"], "username": "linnea-handläggare",
                                 "role": "caseworker", "organisation_id": org["id"]}, login
        tok = login["token"]
        # a caseworker's first login must enrol a second factor before anything else
        expect(s.get(API + "/persons", token=tok), 403, code="second_factor_enrolment_required")
        assert len(s.enrol("linnea-handläggare", tok)) == 10

        # the year
        y = expect_ok(s.put(API + "/years/2024", {"budget_ore": 500_000_000, "rates_ore": {"reflection": 132000},
                                                  "point_rates": {"travel": {"unit": "resa", "rate_ore": 30000}}},
                            token=w.coord), 200)
        assert y["budget_ore"] == 500_000_000 and y["rates_ore"]["reflection"] == 132000, y
        y = expect_ok(s.get(API + "/years/2024", token=w.coord), 200)
        assert y["point_rates"]["travel"] == {"unit": "resa", "rate_ore": 30000}, y
        b = expect_ok(s.get(API + "/years/2024/budget", token=w.coord), 200)
        assert {k: b[k] for k in ("budget_ore", "committed_ore", "paid_ore", "released_ore", "remaining_ore")} == \
            {"budget_ore": 500_000_000, "committed_ore": 0, "paid_ore": 0, "released_ore": 0,
             "remaining_ore": 500_000_000}, b

        # persons: registered by the caseworker for their organisation
        p = expect_ok(s.post(API + "/persons", {"gender": "female", "birth_year": 1995,
                                                "exploitation_forms": ["sexual_exploitation", "forced_criminality"],
                                                "referral_source": "regional_coordinator",
                                                "legal_status": "reflection_permit", "sweden_responsible": True,
                                                "identity": {"name": "Testperson Ett"}}, token=tok))
        assert isinstance(p["id"], int) and re.fullmatch(r"NSP-\d{4}-[1-9]\d{7}", p["code"]), p
        assert p["organisation_id"] == org["id"] and p["age_group"] == "adult", p
        kid = expect_ok(s.post(API + "/persons", {"gender": "male", "age_group": "child", "parent_id": p["id"],
                                                  "child_role": "secondary"}, token=tok))
        assert kid["parent_id"] == p["id"] and kid["child_role"] == "secondary", kid
        coord_p = expect_ok(s.post(API + "/persons", {"gender": "male", "age_group": "adult",
                                                      "organisation_id": org["id"]}, token=w.coord))
        assert coord_p["organisation_id"] == org["id"], coord_p
        one = expect_ok(s.get(f"{API}/persons/{p['id']}", token=tok), 200)
        assert one["code"] == p["code"] and one["identity"]["name"] == "Testperson Ett", one
        assert [c["id"] for c in one["children"]] == [kid["id"]], one
        lst = expect_ok(s.get(API + "/persons", token=tok), 200)
        assert {x["id"] for x in lst["persons"]} == {p["id"], kid["id"], coord_p["id"]}, lst
        ident = expect_ok(s.put(f"{API}/persons/{p['id']}/identity",
                                {"identity": {"name": "Testperson Ett", "phone": "070-000 00 00"}}, token=tok), 200)
        assert ident["identity"]["phone"] == "070-000 00 00", ident

        # admission
        adm = expect_ok(s.post(API + "/applications", {"person_id": p["id"], "type": "admission", "identified": True,
                                                       "needs_assessment": "Behöver skydd och boende.",
                                                       "basis": NO_ACTOR, "submitted_on": "2024-02-01"}, token=tok))
        assert isinstance(adm["id"], int) and adm["status"] == "submitted" and adm["decision"] is None, adm
        pending = expect_ok(s.get(API + "/applications?status=submitted", token=w.coord), 200)["applications"]
        assert [a["id"] for a in pending] == [adm["id"]], pending
        checks = expect_ok(s.get(f"{API}/applications/{adm['id']}/checks", token=w.coord), 200)
        assert checks["allowed"] is True, checks
        d_adm = expect_ok(s.post(f"{API}/applications/{adm['id']}/decision",
                                 {"outcome": "granted", "decided_on": "2024-02-01", "reason": "Identifierad."},
                                 token=w.coord))
        assert d_adm["lines"] == [] and d_adm["total_ore"] == 0, d_adm
        after = expect_ok(s.get(f"{API}/applications/{adm['id']}", token=tok), 200)
        assert after["status"] == "decided" and after["decision"]["id"] == d_adm["id"], after
        assert after["decision"]["outcome"] == "granted", after
        assert expect_ok(s.get(API + "/applications?status=submitted", token=tok), 200)["applications"] == []

        # reflection with the child supplement
        refl = expect_ok(s.post(API + "/applications", {"person_id": p["id"], "type": "reflection",
                                                        "from": "2024-02-01", "to": "2024-02-10",
                                                        "children": [kid["id"]], "basis": NO_ACTOR,
                                                        "submitted_on": "2024-02-01"}, token=tok))
        dec = expect_ok(s.post(f"{API}/applications/{refl['id']}/decision",
                               {"outcome": "granted", "decided_on": "2024-02-02"}, token=w.coord))
        assert set(dec) >= {"id", "lines", "total_ore"}, dec
        for line in dec["lines"]:
            assert set(line) >= {"code", "person_id", "days", "amount_ore"}, line
        assert sorted((l["code"], l["days"], l["amount_ore"]) for l in dec["lines"]) == \
            [("reflection", 10, 1_320_000), ("reflection_child", 10, 500_000)], dec
        assert dec["total_ore"] == 1_820_000, dec
        allowance = expect_ok(s.get(f"{API}/persons/{p['id']}/allowance", token=tok), 200)
        assert allowance["reflection"]["used"] == 10 and allowance["admitted"] is True, allowance
        decs = expect_ok(s.get(API + "/decisions", token=tok), 200)["decisions"]
        assert {x["id"] for x in decs} == {d_adm["id"], dec["id"]}, decs
        assert expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=tok), 200)["total_ore"] == 1_820_000

        # the claim, its approval, the payments list and the close
        claim = expect_ok(s.post(API + "/claims", {"decision_id": dec["id"], "from": "2024-02-01", "to": "2024-02-05",
                                                   "reference": "Rekv 2024-7", "submitted_on": "2024-02-20"},
                                 token=tok))
        assert claim["status"] == "submitted" and claim["amount_ore"] == 910_000 and isinstance(claim["id"], int), claim
        assert expect_ok(s.get(f"{API}/claims/{claim['id']}", token=tok), 200)["lines"] == claim["lines"]
        assert [c["id"] for c in expect_ok(s.get(API + "/claims?status=submitted", token=w.coord), 200)["claims"]] \
            == [claim["id"]]
        paid = expect_ok(s.post(f"{API}/claims/{claim['id']}/approve", {"paid_on": "2024-02-20"}, token=w.coord), 200)
        assert paid["status"] == "paid" and isinstance(paid["payment_id"], int), paid
        pays = expect_ok(s.get(f"{API}/decisions/{dec['id']}/payments", token=tok), 200)["payments"]
        assert [(x["id"], x["amount_ore"], x["paid_on"]) for x in pays] == [(paid["payment_id"], 910_000, "2024-02-20")], pays
        closed = expect_ok(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-02-21"}, token=w.coord), 200)
        assert closed["closed_on"] == "2024-02-21" and closed["released_ore"] == 910_000, closed
        b = expect_ok(s.get(API + "/years/2024/budget", token=w.coord), 200)
        assert (b["committed_ore"], b["paid_ore"], b["released_ore"], b["remaining_ore"]) == \
            (1_820_000, 910_000, 910_000, 500_000_000 - 1_820_000 + 910_000), b

        # placement requests and consultations
        pr = expect_ok(s.post(API + "/placement-requests", {"date": "2024-03-01", "region": "Stockholm",
                                                            "target_group": "men", "outcome": "no_place_available"},
                              token=tok))
        assert pr["outcome"] == "no_place_available" and pr["organisation_id"] == org["id"], pr
        prs = expect_ok(s.get(API + "/placement-requests", token=tok), 200)["placement_requests"]
        assert [x["id"] for x in prs] == [pr["id"]], prs
        con = expect_ok(s.post(API + "/consultations", {"date": "2024-03-02", "asker": "social_services",
                                                        "region": "Syd", "topic": "Vem ansvarar för ett barn?",
                                                        "minutes": 45, "outcome": "Hänvisad till socialtjänsten"},
                               token=w.coord))
        assert con["minutes"] == 45 and con["asker"] == "social_services", con
        cons = expect_ok(s.get(API + "/consultations", token=w.coord), 200)["consultations"]
        assert [x["id"] for x in cons] == [con["id"]], cons

        # exit
        ex = expect_ok(s.post(f"{API}/persons/{p['id']}/exit", {"date": "2024-03-03", "destination": "public_support"},
                              token=tok), 200)
        assert ex["exit"] == {"date": "2024-03-03", "destination": "public_support"}, ex

        # user administration
        off = expect_ok(s.post(f"{API}/users/{cw['id']}/deactivate", token=w.coord), 200)
        assert off["active"] is False, off
        on = expect_ok(s.post(f"{API}/users/{cw['id']}/activate", token=w.coord), 200)
        assert on["active"] is True, on

        # logout ends the session
        expect(s.post(API + "/logout", token=w.coord), 200)
        expect(s.get(API + "/me", token=w.coord), 401, code="unauthenticated")


def test_annual_report_json_and_other_formats():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        w.grant(p["id"], "reflection", "2024-03-01", **{"from": "2024-03-01", "to": "2024-03-10"})
        _, funder = w.user("funder")
        for token in (w.coord, funder):
            rep = expect_ok(s.get(f"{API}/reports/annual/2024", token=token), 200)
            assert rep["year"] == 2024, rep
            assert rep["persons"] == {"total": 1, "adults": 1, "children": 0}, rep
            for key in ("primary", "secondary_children", "children_elsewhere"):
                assert set(rep[key]) == BUCKETS, (key, rep[key])
            assert rep["primary"]["women"] == 1 and rep["primary"]["total"] == 1, rep["primary"]
            assert rep["interventions"]["reflection"]["women"] == 1, rep["interventions"]
            assert rep["money"]["committed_ore"] == 10 * 132000, rep["money"]
            assert rep["decisions"]["granted"] >= 1 and rep["decisions"]["denied"] == 0, rep["decisions"]
        for fmt, ctype in (("csv", "text/csv"), ("md", "text/"), ("html", "text/html"),
                           ("xlsx", "application/vnd.openxmlformats")):
            r = s.get(f"{API}/reports/annual/2024?format={fmt}", token=funder)
            expect(r, 200)
            assert (r.headers.get("Content-Type") or "").startswith(ctype), (fmt, r.headers.get("Content-Type"))
            assert r.body, fmt
        od = expect_ok(s.get(f"{API}/reports/annual/2024?open_data=1&k=5", token=funder), 200)
        assert od["primary"]["women"] is None and od["persons"]["total"] is None, od
        assert od["money"]["committed_ore"] == 10 * 132000, od["money"]
        assert od["primary"]["men"] == 0, od["primary"]


def test_application_list_pages_and_filters():
    # The list's three statements (by person, by status, neither) give the
    # same answers, and ?limit=/?offset= page it, oldest first.
    with Server() as s:
        w = World(s)
        org = w.org()
        a, b = w.admitted(org), w.admitted(org)
        ids = [w.application(a["id"], "reflection", submitted_on="2024-03-01",
                             **{"from": "2024-03-01", "to": "2024-03-10"})["id"],
               w.application(b["id"], "reflection", submitted_on="2024-03-02",
                             **{"from": "2024-03-02", "to": "2024-03-11"})["id"]]
        def listed(query):
            return [x["id"] for x in expect_ok(s.get(f"{API}/applications{query}", token=w.coord), 200)["applications"]]
        everything = listed("")
        # oldest first, by registration (ids are random, issue 16): the admissions of a and b, then ids
        assert len(everything) == 4 and everything[2:] == ids, everything
        assert listed("?status=submitted") == ids
        assert listed(f"?person_id={a['id']}&status=submitted") == ids[:1]
        assert [x for x in listed(f"?person_id={b['id']}") if x in ids] == ids[1:]
        decided = listed(f"?person_id={b['id']}&status=decided")           # b's admission
        assert len(decided) == 1 and decided[0] not in ids and decided[0] in everything, decided
        assert listed("?status=submitted&limit=1") == ids[:1]
        assert listed("?status=submitted&limit=1&offset=1") == ids[1:]
        assert listed(f"?limit=2&offset={len(everything) - 1}") == everything[-1:]
        expect(s.get(f"{API}/applications?limit=1001", token=w.coord), 400, field="limit")
        # limit is 1-1000: 0 no longer answers everything (issue 16)
        expect(s.get(f"{API}/applications?limit=0", token=w.coord), 400, field="limit")
        expect(s.get(f"{API}/decisions?limit=0", token=w.coord), 400, field="limit")
        expect(s.get(f"{API}/persons?limit=0", token=w.coord), 400, field="limit")
        expect(s.get(f"{API}/applications?offset=x", token=w.coord), 400, field="offset")


def test_decision_list_pages():
    with Server() as s:
        w = World(s)
        org = w.org()
        people = [w.admitted(org) for _ in range(3)]
        def listed(query):
            return [x["id"] for x in expect_ok(s.get(f"{API}/decisions{query}", token=w.coord), 200)["decisions"]]
        everything = listed("")
        # oldest first, by registration (ids are random, issue 16)
        by_person = [x["person_id"] for x in expect_ok(s.get(f"{API}/decisions", token=w.coord), 200)["decisions"]]
        assert len(everything) == 3 and by_person == [p["id"] for p in people], (everything, by_person)
        assert listed("?limit=2") == everything[:2]
        assert listed("?limit=2&offset=2") == everything[2:]
        assert listed("?open=1&limit=1&offset=1") == listed("?open=1")[1:2]
        expect(s.get(f"{API}/decisions?limit=-1", token=w.coord), 400, field="limit")
        expect(s.get(f"{API}/decisions?offset=1e3", token=w.coord), 400, field="offset")
        # the page lists the newest first
        page = s.get("/decisions", token=w.coord).text
        rows = [int(m) for m in re.findall(r'href="/decisions/(\d+)"', page)]
        assert rows == everything[::-1], rows
