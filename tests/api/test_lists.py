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
