"""Lists a caseworker works in (issue 15): the persons list searches by case code, filters, pages,
sorts newest first on request; every person with a running period carries its end and days left."""
from datetime import timedelta

from harness import API, Server, World, expect, expect_ok, today as server_today


def persons(s, token, query=""):
    return expect_ok(s.get(f"{API}/persons{query}", token=token), 200)


def test_persons_search_by_case_code_filter_and_page():
    with Server() as s:
        w = World(s)
        org = w.org("Listorganisationen")
        other = w.org("Andra organisationen")
        made = [w.person(org) for _ in range(12)]
        child = w.child(made[0]["id"], org_id=org)
        hidden = w.person(other)
        _, cw = w.user("caseworker", org)
        # The whole code, a part of it, lower case: each finds what contains it.
        target = made[7]
        got = persons(s, cw, f"?code={target['code']}")
        assert [p["code"] for p in got["persons"]] == [target["code"]] and got["total"] == 1, got
        got = persons(s, cw, f"?code={target['code'][-4:].lower()}")
        assert target["code"] in [p["code"] for p in got["persons"]], got
        # Another organisation's person is not found by its code.
        got = persons(s, cw, f"?code={hidden['code']}")
        assert got["persons"] == [] and got["total"] == 0, got
        # Filters: age group, in the programme or not.
        got = persons(s, cw, "?age_group=child")
        assert [p["id"] for p in got["persons"]] == [child["id"]], got
        expect_ok(s.post(f"{API}/persons/{made[1]['id']}/exit", {"destination": "independent"}, token=cw), 200)
        got = persons(s, cw, "?status=exited")
        assert [p["id"] for p in got["persons"]] == [made[1]["id"]], got
        got = persons(s, cw, "?status=in_programme")
        assert got["total"] == 12, got
        # Newest first on request, paged with limit and offset; the total counts every match.
        got = persons(s, cw, "?order=newest&limit=5")
        assert [p["id"] for p in got["persons"]] == [child["id"]] + [p["id"] for p in made[::-1][:4]], got
        assert got["total"] == 13, got
        page2 = persons(s, cw, "?order=newest&limit=5&offset=5")
        assert [p["id"] for p in page2["persons"]] == [p["id"] for p in made[::-1][4:9]], page2
        # The default stays oldest first (api.md's order).
        got = persons(s, cw, "?limit=2")
        assert [p["id"] for p in got["persons"]] == [made[0]["id"], made[1]["id"]], got
        # Refused: what is not a case code, an unknown filter value, a limit out of range.
        for query, field in (("?code=NSP%27%3B", "code"), ("?age_group=old", "age_group"),
                             ("?status=gone", "status"), ("?order=random", "order"), ("?limit=1001", "limit")):
            err = expect(s.get(f"{API}/persons{query}", token=cw), 400, code="invalid", field=field)["error"]
            assert err["message_sv"] and err["message_en"], err


def test_a_running_period_has_its_end_and_days_left_also_for_a_child_covered_through_the_parent():
    with Server() as s:
        w = World(s)
        org = w.org("Periodorganisationen")
        today = server_today()
        start = today - timedelta(days=5)
        end = start + timedelta(days=29)  # 30 days (R3)
        parent = w.person(org)
        w.admit(parent["id"], on=(today - timedelta(days=10)).isoformat())
        child = w.child(parent["id"], org_id=org, role="secondary")
        elsewhere = w.child(parent["id"], org_id=org, role="elsewhere")
        idle = w.person(org)
        w.grant(parent["id"], "reflection", start.isoformat(), decided_on=today.isoformat(),
                **{"from": start.isoformat(), "to": end.isoformat(), "children": [child["id"]]})
        left = (end - today).days + 1  # today and the last day both counted
        got = expect_ok(s.get(f"{API}/persons/{parent['id']}", token=w.coord), 200)
        assert got["period"] == {"type": "reflection", "from": start.isoformat(), "to": end.isoformat(),
                                 "days_left": left, "through_parent": False}, got
        got = expect_ok(s.get(f"{API}/persons/{child['id']}", token=w.coord), 200)
        assert got["period"]["to"] == end.isoformat() and got["period"]["through_parent"] is True, got
        for p in (elsewhere, idle):
            assert expect_ok(s.get(f"{API}/persons/{p['id']}", token=w.coord), 200)["period"] is None
        listed = {p["id"]: p["period"] for p in persons(s, w.coord, f"?limit=1000")["persons"]}
        assert listed[parent["id"]]["days_left"] == left and listed[idle["id"]] is None, listed
        # A person who left the programme has no running period.
        expect_ok(s.post(f"{API}/persons/{parent['id']}/exit", {"destination": "independent"}, token=w.coord), 200)
        assert expect_ok(s.get(f"{API}/persons/{parent['id']}", token=w.coord), 200)["period"] is None


def listed(s, token, what, query=""):
    return expect_ok(s.get(f"{API}/{what}{query}", token=token), 200)


def test_applications_list_filters_pages_and_sorts_newest_first():
    with Server() as s:
        w = World(s)
        org = w.org("Ansökningsorganisationen")
        other = w.org("Andra ansökningsorganisationen")
        people = [w.person(org) for _ in range(4)]
        stranger = w.person(other)
        apps = [w.application(p["id"], "admission", submitted_on=on)
                for p, on in zip(people, ("2024-03-01", "2024-03-02", "2025-01-10", "2025-01-11"))]
        foreign = w.application(stranger["id"], "admission", submitted_on="2025-01-12")
        expect_ok(w.decide(apps[0]["id"], decided_on="2024-03-05"))
        _, cw = w.user("caseworker", org)
        # The caseworker sees their own organisation's, with the total; the coordinator every one.
        got = listed(s, cw, "applications")
        assert [a["id"] for a in got["applications"]] == [a["id"] for a in apps] and got["total"] == 4, got
        assert listed(s, w.coord, "applications")["total"] == 5
        # Newest first on request, paged; the total counts every match.
        got = listed(s, cw, "applications", "?order=newest&limit=2")
        assert [a["id"] for a in got["applications"]] == [apps[3]["id"], apps[2]["id"]] and got["total"] == 4, got
        got = listed(s, cw, "applications", "?order=newest&limit=2&offset=2")
        assert [a["id"] for a in got["applications"]] == [apps[1]["id"], apps[0]["id"]], got
        # By case code (a part of it, any case), status, year, organisation.
        got = listed(s, cw, "applications", f"?code={people[2]['code'][-5:].lower()}")
        assert [a["id"] for a in got["applications"]] == [apps[2]["id"]] and got["total"] == 1, got
        got = listed(s, cw, "applications", "?status=decided")
        assert [a["id"] for a in got["applications"]] == [apps[0]["id"]], got
        got = listed(s, cw, "applications", "?year=2025&status=submitted")
        assert [a["id"] for a in got["applications"]] == [apps[2]["id"], apps[3]["id"]], got
        got = listed(s, w.coord, "applications", f"?organisation_id={other}")
        assert [a["id"] for a in got["applications"]] == [foreign["id"]] and got["total"] == 1, got
        # A caseworker's organisation filter cannot reach another organisation; a code does not either.
        got = listed(s, cw, "applications", f"?organisation_id={other}")
        assert foreign["id"] not in [a["id"] for a in got["applications"]], got
        assert listed(s, cw, "applications", f"?code={stranger['code']}")["total"] == 0
        # Refused, with the values in words and never their raw names.
        for query, field in (("?status=open", "status"), ("?order=random", "order"), ("?year=20x5", "year"),
                             ("?code=NSP%27", "code"), ("?organisation_id=x", "organisation_id")):
            err = expect(s.get(f"{API}/applications{query}", token=cw), 400, code="invalid", field=field)["error"]
            assert err["message_sv"] and err["message_en"], err
        err = expect(s.get(f"{API}/applications?status=open", token=cw), 400, field="status")["error"]
        assert "Inskickad" in err["message_sv"] and "submitted" not in err["message_sv"], err
        assert "Submitted" in err["message_en"] and "submitted," not in err["message_en"], err


def test_decisions_list_filters_states_and_periods_ending_soon():
    with Server() as s:
        w = World(s)
        org = w.org("Beslutsorganisationen")
        today = server_today()
        a, b, c = (w.person(org) for _ in range(3))
        admission = w.admit(a["id"], on=(today - timedelta(days=40)).isoformat())
        w.admit(b["id"], on=(today - timedelta(days=40)).isoformat())
        # b's reflection period ends in 5 days (today and the last day counted: 6 days left)
        start = today - timedelta(days=24)
        soon = w.grant(b["id"], "reflection", start.isoformat(), decided_on=start.isoformat(),
                       **{"from": start.isoformat(), "to": (today + timedelta(days=5)).isoformat()})
        denied = expect_ok(w.decide(w.application(c["id"], "admission",
                                                  submitted_on=(today - timedelta(days=3)).isoformat())["id"],
                                    outcome="denied", decided_on=(today - timedelta(days=2)).isoformat()))
        _, cw = w.user("caseworker", org)
        got = listed(s, cw, "decisions", "?order=newest")
        ids = [d["id"] for d in got["decisions"]]
        assert ids[0] == denied["id"] and got["total"] == 4, got
        states = {d["id"]: d["state"] for d in got["decisions"]}
        # An admission or a denial grants no money: nothing to pay, never left 'open' for ever.
        assert states[admission["id"]] == "nothing_to_pay" and states[denied["id"]] == "nothing_to_pay", states
        assert states[soon["id"]] == "open", states
        got = listed(s, cw, "decisions", "?state=open")
        assert [d["id"] for d in got["decisions"]] == [soon["id"]], got
        got = listed(s, cw, "decisions", "?state=nothing_to_pay")
        assert soon["id"] not in [d["id"] for d in got["decisions"]] and got["total"] == 3, got
        # A granted period ending within 7 days, not within 5 (it ends on the 6th day counted from today).
        got = listed(s, cw, "decisions", "?ends_within=7")
        assert [d["id"] for d in got["decisions"]] == [soon["id"]], got
        assert listed(s, cw, "decisions", "?ends_within=5")["total"] == 0
        assert listed(s, cw, "decisions", "?ends_within=6")["total"] == 1
        # By case code; paged with the total.
        got = listed(s, cw, "decisions", f"?code={b['code']}")
        assert soon["id"] in [d["id"] for d in got["decisions"]], got
        assert all(d["person_id"] == b["id"] for d in got["decisions"]) and got["total"] == 2, got
        got = listed(s, cw, "decisions", "?order=newest&limit=1&offset=1")
        assert len(got["decisions"]) == 1 and got["decisions"][0]["id"] == ids[1] and got["total"] == 4, got
        for query, field in (("?state=done", "state"), ("?ends_within=0", "ends_within"),
                             ("?ends_within=x", "ends_within"), ("?order=x", "order")):
            err = expect(s.get(f"{API}/decisions{query}", token=cw), 400, code="invalid", field=field)["error"]
            assert "_" not in err["message_sv"], err
        # The decision page says so too, and offers no close of a 0 kr decision.
        page = s.get(f"/decisions/{admission['id']}", token=w.coord)
        assert page.status == 200 and "Inget belopp" in page.text and "/close" not in page.text, page.text[-3000:]


def test_organisations_list_searches_filters_and_pages():
    with Server() as s:
        w = World(s)
        first = w.org("Alfa stödcenter")
        second = w.org("Beta boende", certified_on=None)
        third = w.org("Gamma ALFA-huset")
        got = listed(s, w.coord, "organisations", "?name=alfa")
        assert [o["id"] for o in got["organisations"]] == [first, third] and got["total"] == 2, got
        got = listed(s, w.coord, "organisations", "?status=none")
        assert [o["id"] for o in got["organisations"]] == [second], got
        got = listed(s, w.coord, "organisations", "?status=certified&order=newest")
        ids = [o["id"] for o in got["organisations"]]
        assert ids.index(third) < ids.index(first) and second not in ids, got
        got = listed(s, w.coord, "organisations", "?order=newest&limit=1")
        assert [o["id"] for o in got["organisations"]] == [third] and got["total"] >= 3, got
        for query, field in (("?status=gone", "status"), ("?order=x", "order"), ("?limit=0", "limit")):
            expect(s.get(f"{API}/organisations{query}", token=w.coord), 400, code="invalid", field=field)


def test_the_404_page_keeps_the_header_and_menu_of_a_logged_in_user():
    with Server() as s:
        w = World(s)
        r = s.get("/no-such-page", headers={"Cookie": f"nsp_session={w.coord}"})
        assert r.status == 404 and 'aria-label="Huvudmeny"' in r.text and 'href="/persons"' in r.text, r.text
        # Without a session: the page, no menu.
        r = s.get("/no-such-page")
        assert r.status == 404 and 'href="/persons"' not in r.text, r.text
