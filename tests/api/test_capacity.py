"""Capacity and placement requests (domain.md §4) and case support (§9):
places per organisation, police region and target group; occupancy derived
from the granted daily-compensation periods covering the day (a period that
ended yesterday does not occupy today); availability per region; unmet
requests per region, target group and month; consultation counts."""
import datetime
import re

from harness import API, Server, World, expect, expect_ok, expect_rule, iso, plus, span_days, today


def cell(overview, region, group):
    return overview["regions"][region][group]


def test_places_are_set_per_region_and_target_group_of_a_housing_organisation():
    with Server() as s:
        w = World(s)
        org = w.org("Skyddat Syd", regions=("Syd", "Väst"))
        other = w.org("Annat boende", regions=("Nord",))
        advice = w.org("Rådgivningen", kind="low_threshold", regions=("Syd",))
        places = [{"region": "Syd", "target_group": "women", "places": 4},
                  {"region": "Syd", "target_group": "families", "places": 2},
                  {"region": "Väst", "target_group": "men", "places": 1}]
        got = expect_ok(s.put(f"{API}/organisations/{org}/capacity", {"places": places}, token=w.coord), 200)
        assert got["organisation_id"] == org and got["unassigned_occupied"] == 0, got
        assert sorted((r["region"], r["target_group"], r["places"], r["occupied"], r["available"])
                      for r in got["places"]) == [("Syd", "families", 2, 0, 2), ("Syd", "women", 4, 0, 4),
                                                  ("Väst", "men", 1, 0, 1)], got
        for body, field in (
                ({"places": [{"region": "Nord", "target_group": "women", "places": 1}]}, "places[0].region"),
                ({"places": [places[0], dict(places[0], places=9)]}, "places[1].target_group"),
                ({"places": [dict(places[0], places=-1)]}, "places[0].places"),
                ({"places": [dict(places[0], target_group="children")]}, "places[0].target_group"),
                ({"places": [dict(places[0], beds=3)]}, "places[0].beds"),
                ({}, "places")):
            expect(s.put(f"{API}/organisations/{org}/capacity", body, token=w.coord), 400, code="invalid", field=field)
        # places belong to housing organisations
        expect(s.put(f"{API}/organisations/{advice}/capacity", {"places": [places[0]]}, token=w.coord), 400,
               field="places")
        expect(s.put(f"{API}/organisations/999999/capacity", {"places": []}, token=w.coord), 404)
        # nothing of the refused requests was stored
        got = expect_ok(s.get(f"{API}/organisations/{org}/capacity", token=w.coord), 200)
        assert sum(r["places"] for r in got["places"]) == 7, got
        # a caseworker reads the own organisation's places only, and changes none
        _, cw = w.user("caseworker", org)
        _, cw_other = w.user("caseworker", other)
        expect_ok(s.get(f"{API}/organisations/{org}/capacity", token=cw), 200)
        expect(s.get(f"{API}/organisations/{org}/capacity", token=cw_other), 404, code="not_found")
        expect(s.put(f"{API}/organisations/{org}/capacity", {"places": []}, token=cw), 403)
        # an empty list removes every place
        got = expect_ok(s.put(f"{API}/organisations/{org}/capacity", {"places": []}, token=w.coord), 200)
        assert got["places"] == [], got


def test_occupancy_is_derived_from_the_granted_periods_covering_the_day():
    with Server() as s:
        w = World(s)
        t = today()
        T, Y = iso(t), iso(t - datetime.timedelta(days=1))
        org = w.org("Kvinnojouren Stockholm", regions=("Stockholm",))
        expect_ok(s.put(f"{API}/organisations/{org}/capacity", {"places": [
            {"region": "Stockholm", "target_group": "women", "places": 3},
            {"region": "Stockholm", "target_group": "men", "places": 1},
            {"region": "Stockholm", "target_group": "families", "places": 1}]}, token=w.coord), 200)
        start = iso(t - datetime.timedelta(days=40))

        def housed(gender="female", days_before_end=0, length=30, **fields):
            """An admitted person whose reflection period ends `days_before_end` days before today."""
            p = w.admitted(org, on=start, gender=gender)
            end = t - datetime.timedelta(days=days_before_end)
            a = w.application(p["id"], "reflection", submitted_on=start,
                              **span_days(iso(end - datetime.timedelta(days=length - 1)), length), **fields)
            return p, a

        ends_today, a1 = housed()
        _, a_yesterday = housed(days_before_end=1)              # ended yesterday: not today
        man, a_man = housed(gender="male", days_before_end=-10)  # runs on after today
        parent = w.admitted(org, on=start)
        kid = w.child(parent["id"], "secondary", org_id=org)
        a_family = w.application(parent["id"], "reflection", submitted_on=start, children=[kid["id"]],
                                 **span_days(iso(t - datetime.timedelta(days=5)), 20))
        assert a1["region"] == "Stockholm" and a1["target_group"] == "women", a1   # the only region; her gender
        assert a_man["target_group"] == "men" and a_family["target_group"] == "families", (a_man, a_family)
        _, a_denied = housed()
        left, a_left = housed(days_before_end=-5)
        _, a_closed = housed(days_before_end=-5)
        before = expect_ok(s.get(f"{API}/capacity", token=w.coord), 200)
        assert cell(before, "Stockholm", "women")["occupied"] == 0, before   # applied for is not granted
        for a in (a1, a_yesterday, a_man, a_family, a_left):
            expect_ok(w.decide(a["id"], decided_on=start))
        # a fourth woman from the day a_left starts (24 days ago) until yesterday: 4 of 3 places, R15
        # asks for a reason
        err = expect_rule(w.decide(a_closed["id"], decided_on=start), "R15", iso(t - datetime.timedelta(days=24)))
        assert "4 av 3" in err["message_sv"] and "24 dygn" in err["message_sv"], err
        expect_ok(w.decide(a_closed["id"], decided_on=start, over_capacity_reason="Organisationen ordnade en extrasäng."))
        expect_ok(w.decide(a_denied["id"], "denied", decided_on=start))
        expect_ok(s.post(f"{API}/persons/{left['id']}/exit", {"date": Y, "destination": "independent"},
                         token=w.coord), 200)
        closed = expect_ok(s.get(f"{API}/applications/{a_closed['id']}", token=w.coord), 200)["decision"]
        expect_ok(s.post(f"{API}/decisions/{closed['id']}/close", {"date": Y}, token=w.coord), 200)

        now = expect_ok(s.get(f"{API}/capacity", token=w.coord), 200)
        assert now["on"] == T and now["scope"] == "all", now
        assert cell(now, "Stockholm", "women") == {"places": 3, "occupied": 1, "available": 2, "over": 0}, now
        assert cell(now, "Stockholm", "men") == {"places": 1, "occupied": 1, "available": 0, "over": 0}, now
        assert cell(now, "Stockholm", "families") == {"places": 1, "occupied": 1, "available": 0, "over": 0}, now
        assert now["regions"]["Stockholm"]["total"] == {"places": 5, "occupied": 3, "available": 2, "over": 0}, now
        assert now["regions"]["Nord"]["total"] == {"places": 0, "occupied": 0, "available": 0, "over": 0}, now
        assert set(now["regions"]) == {"Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen"}, now
        # yesterday: the period that ended then, the one who left then and the one closed then were housed
        yday = expect_ok(s.get(f"{API}/capacity?date={Y}", token=w.coord), 200)
        assert cell(yday, "Stockholm", "women")["occupied"] == 4, yday
        # tomorrow: the period ending today is over
        tmrw = expect_ok(s.get(f"{API}/capacity?date={plus(T, 1)}", token=w.coord), 200)
        assert cell(tmrw, "Stockholm", "women")["occupied"] == 0, tmrw
        assert cell(tmrw, "Stockholm", "men")["occupied"] == 1, tmrw
        org_view = expect_ok(s.get(f"{API}/organisations/{org}/capacity", token=w.coord), 200)
        women = [r for r in org_view["places"] if r["target_group"] == "women"]
        assert women == [{"region": "Stockholm", "target_group": "women", "places": 3, "occupied": 1,
                          "available": 2, "over": 0}], org_view
        expect(s.get(f"{API}/capacity?date=2025-02-30", token=w.coord), 400, field="date")

        # an organisation in two regions: the application names the region, else the place is unassigned
        two = w.org("Två regioner", regions=("Syd", "Väst"))
        p2 = w.admitted(two, on=start)
        expect(w.apply(p2["id"], "reflection", submitted_on=start, region="Nord",
                       **span_days(T, 10)), 400, field="region")
        expect(w.apply(p2["id"], "point_adult", submitted_on=start, region="Syd", category="travel", units=1),
               400, field="region")
        a2 = w.application(p2["id"], "reflection", submitted_on=start, **span_days(T, 10))
        assert a2["region"] is None and a2["target_group"] == "women", a2
        expect_ok(w.decide(a2["id"], decided_on=start))
        p3 = w.admitted(two, on=start, gender="non_binary")
        a3 = w.application(p3["id"], "reflection", submitted_on=start, region="Väst", target_group="men",
                           **span_days(T, 10))
        assert (a3["region"], a3["target_group"]) == ("Väst", "men"), a3
        expect_ok(w.decide(a3["id"], decided_on=start))
        now = expect_ok(s.get(f"{API}/capacity", token=w.coord), 200)
        assert now["unassigned_occupied"] == 1, now
        # no places declared there: R15 did not judge; shown over, never as "-1 available"
        assert cell(now, "Väst", "men") == {"places": 0, "occupied": 1, "available": 0, "over": 1}, now
        mine = {o["id"]: o for o in now["organisations"]}
        assert mine[two]["unassigned_occupied"] == 1, now

        # who sees what: the funder the regions only, a caseworker the own organisation only
        _, funder = w.user("funder")
        fv = expect_ok(s.get(f"{API}/capacity", token=funder), 200)
        assert fv["scope"] == "aggregate" and "organisations" not in fv and "regions" not in fv, fv
        assert "Kvinnojouren" not in s.get(f"{API}/capacity", token=funder).text
        _, cw = w.user("caseworker", two)
        cv = expect_ok(s.get(f"{API}/capacity", token=cw), 200)
        assert cv["scope"] == "organisation" and [o["id"] for o in cv["organisations"]] == [two], cv
        assert cell(cv, "Stockholm", "women") == {"places": 0, "occupied": 0, "available": 0, "over": 0}, cv
        assert "Kvinnojouren" not in s.get(f"{API}/capacity", token=cw).text


def test_R15_capacity_is_judged_at_the_decision_with_the_place_shown():
    """R15: a grant that would overfill its place (organisation × region ×
    target group) on any day of the period is refused without an
    over_capacity_reason and allowed with one (kept on the decision); under
    capacity it is allowed; no declared places: not judged; a declared 0 is."""
    with Server() as s:
        w = World(s)
        org = w.org("Skyddat boende Syd", regions=("Syd",))
        expect_ok(s.put(f"{API}/organisations/{org}/capacity", {"places": [
            {"region": "Syd", "target_group": "women", "places": 1},
            {"region": "Syd", "target_group": "men", "places": 0}]}, token=w.coord), 200)
        p1 = w.admitted(org, on="2024-03-01")
        a1 = w.application(p1["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 10))
        chk = expect_ok(s.get(f"{API}/applications/{a1['id']}/checks", token=w.coord), 200)
        c = {x["rule"]: x for x in chk["checks"]}
        assert c["R15"] == {"rule": "R15", "status": "allowed"}, c["R15"]
        assert chk["place"]["places"] == 1 and chk["place"]["with_this"] == 1 and chk["place"]["over"] == 0, chk
        assert (chk["place"]["region"], chk["place"]["target_group"]) == ("Syd", "women"), chk
        expect_ok(w.decide(a1["id"], decided_on="2024-03-01"))          # under capacity: 1 of 1

        p2 = w.admitted(org, on="2024-03-01")
        a2 = w.application(p2["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-05", 10))
        chk = expect_ok(s.get(f"{API}/applications/{a2['id']}/checks", token=w.coord), 200)
        c = {x["rule"]: x for x in chk["checks"]}
        assert c["R15"]["status"] == "refused" and "2 av 1" in c["R15"]["message_sv"], c["R15"]
        assert chk["place"] == {"region": "Syd", "target_group": "women", "places": 1, "occupied_max": 1,
                                "occupied_max_on": "2024-03-05", "with_this": 2, "over": 1, "days_over": 6,
                                "first_over_on": "2024-03-05"}, chk
        assert chk["allowed"] is True, chk    # R15, like R10, comes after the rules of the application
        page = s.get(f"/applications/{a2['id']}", token=w.coord).text
        assert "Skyddat boende Syd" in page and "R15" in page and "over_capacity_reason" in page, page
        err = expect_rule(w.decide(a2["id"], decided_on="2024-03-02"), "R15", "2024-03-05")
        assert "2 av 1" in err["message_sv"] and "2 of 1" in err["message_en"], err
        assert "1 över" in err["message_sv"] and "1 over" in err["message_en"], err
        assert "kvinnor" in err["message_sv"] and "Syd" in err["message_en"], err
        expect_rule(w.decide(a2["id"], decided_on="2024-03-02", over_capacity_reason="  "), "R15")  # blank
        d2 = expect_ok(w.decide(a2["id"], decided_on="2024-03-02", over_capacity_reason="Extra rum ordnat."))
        assert d2["over_capacity_reason"] == "Extra rum ordnat.", d2
        got = expect_ok(s.get(f"{API}/decisions/{d2['id']}", token=w.coord), 200)
        assert got["over_capacity_reason"] == "Extra rum ordnat.", got
        assert "Extra rum ordnat." in s.get(f"/decisions/{d2['id']}", token=w.coord).text   # shown
        # the capacity page: over, never "-1 lediga"; the region is red
        over = expect_ok(s.get(f"{API}/capacity?date=2024-03-06", token=w.coord), 200)
        assert over["regions"]["Syd"]["women"] == {"places": 1, "occupied": 2, "available": 0, "over": 1}, over
        page = s.get("/capacity?date=2024-03-06", token=w.coord).text
        assert "2 av 1 platser belagda (1 över)" in page and not re.search(r">\s*-\d", page), page
        assert re.search(r'data-region="Syd"><rect[^>]*class="region r-over"', page), page

        # occupied through the day of exit: p1 leaves on 03-08, a stay on 03-08 is still over
        expect_ok(s.post(f"{API}/persons/{p1['id']}/exit", {"date": "2024-03-08", "destination": "independent"},
                         token=w.coord), 200)
        p3 = w.admitted(org, on="2024-03-01")
        a3 = w.application(p3["id"], "point_adult", submitted_on="2024-03-02", category="travel", units=1)
        expect_ok(w.decide(a3["id"], decided_on="2024-03-02"))    # not a housing period: R15 does not apply
        a3 = w.application(p3["id"], "reflection", submitted_on="2024-03-02", **span_days("2024-03-15", 5))
        expect_ok(w.decide(a3["id"], decided_on="2024-03-02"))    # after p2's period: 1 of 1

        # a declared 0 judges: a man refused without a reason
        man = w.admitted(org, on="2024-03-01", gender="male")
        am = w.application(man["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 3))
        err = expect_rule(w.decide(am["id"], decided_on="2024-03-01"), "R15", "2024-03-01")
        assert "1 av 0" in err["message_sv"] and "män" in err["message_sv"] and "men" in err["message_en"], err
        # no places declared for families: not judged, granted
        parent = w.admitted(org, on="2024-03-01")
        kid = w.child(parent["id"], "secondary", org_id=org)
        af = w.application(parent["id"], "reflection", submitted_on="2024-03-01", children=[kid["id"]],
                           **span_days("2024-03-01", 3))
        assert af["target_group"] == "families", af
        chk = expect_ok(s.get(f"{API}/applications/{af['id']}/checks", token=w.coord), 200)
        c = {x["rule"]: x for x in chk["checks"]}
        assert c["R15"]["status"] == "not_judged" and c["R15"]["needs"] == "places", c["R15"]
        assert chk["place"]["places"] is None, chk
        expect_ok(w.decide(af["id"], decided_on="2024-03-01"))
        # a denial is never judged by R15
        expect_ok(w.decide(am["id"], "denied", decided_on="2024-03-01"))

        # an organisation in two regions that names none: no place, not judged
        two = w.org("Två regioner", regions=("Syd", "Väst"))
        expect_ok(s.put(f"{API}/organisations/{two}/capacity", {"places": [
            {"region": "Syd", "target_group": "women", "places": 0}]}, token=w.coord), 200)
        p5 = w.admitted(two, on="2024-03-01")
        a5 = w.application(p5["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 3))
        chk = expect_ok(s.get(f"{API}/applications/{a5['id']}/checks", token=w.coord), 200)
        c = {x["rule"]: x for x in chk["checks"]}
        assert c["R15"]["status"] == "not_judged" and c["R15"]["needs"] == "place" and chk["place"] is None, chk
        expect_ok(w.decide(a5["id"], decided_on="2024-03-01"))

        # four eyes: the reason travels with the proposal and is judged again at approval
        # (the second coordinator first: while a threshold is set, a new one is itself a proposal)
        _, coord2 = w.user("coordinator")
        expect_ok(s.put(f"{API}/years/2024", {"budget_ore": 10 ** 11, "four_eyes_ore": 1}, token=w.coord), 200)
        p4 = w.admitted(org, on="2024-03-01")
        a4 = w.application(p4["id"], "reflection", submitted_on="2024-03-02", **span_days("2024-03-16", 2))
        prop = expect_ok(w.decide(a4["id"], decided_on="2024-03-02", over_capacity_reason="Plats ordnad."), 202)
        assert prop["proposal"]["over_capacity_reason"] == "Plats ordnad.", prop
        d4 = expect_ok(s.post(f"{API}/decision-proposals/{prop['proposal']['id']}/approve", {}, token=coord2))
        assert d4["over_capacity_reason"] == "Plats ordnad.", d4


def funder_cells(month):
    """Every person count of a month of the funder's capacity."""
    yield month["total"]
    yield month["unassigned"]
    yield from month["target_groups"].values()
    for region in month["regions"].values():
        yield from region.values()


def test_issue16_funder_capacity_is_monthly_and_suppressed_and_the_day_by_day_attack_reveals_nothing():
    """Issue 16 point 1 (domain.md §4): the funder gets per month and police
    region the persons housed, every count below k (5) withheld with secondary
    suppression, no per-day series (date= is refused); the coordinator still
    sees each day exactly, a caseworker the own organisation exactly."""
    with Server() as s:
        w = World(s)
        org = w.org("Kvinnojouren Stockholm", regions=("Stockholm",))
        syd = w.org("Boendet Syd", regions=("Syd",))
        expect_ok(s.put(f"{API}/organisations/{org}/capacity", {"places": [
            {"region": "Stockholm", "target_group": "women", "places": 9}]}, token=w.coord), 200)
        # one woman in Stockholm 2025-02-02..2025-03-03: one person's stay, the issue's example
        alone = w.admitted(org, on="2025-02-01")
        w.grant(alone["id"], "reflection", "2025-02-01", **span_days("2025-02-02", 30))
        # six women in Syd in April: a count a funder may see; one man there: withheld
        for _ in range(6):
            p = w.admitted(syd, on="2025-04-01")
            w.grant(p["id"], "reflection", "2025-04-01", **span_days("2025-04-01", 10))
        man = w.admitted(syd, on="2025-04-01", gender="male")
        w.grant(man["id"], "reflection", "2025-04-01", **span_days("2025-04-05", 10))
        _, funder = w.user("funder")

        # the day-by-day attack of issue 16: every date= is refused, nothing is counted
        for day in ("2025-02-01", "2025-02-02", "2025-03-03", "2025-03-04"):
            r = s.get(f"{API}/capacity?date={day}", token=funder)
            expect(r, 400, field="date")
            assert "occupied" not in r.text and "Stockholm" not in r.text, r
        got = expect_ok(s.get(f"{API}/capacity?year=2025", token=funder), 200)
        assert got["scope"] == "aggregate" and got["k"] == 5 and got["year"] == 2025, got
        assert [m["month"] for m in got["months"]] == [f"2025-{m:02d}" for m in range(1, 13)], got
        for m in got["months"]:
            for n in funder_cells(m):
                assert n is None or n == 0 or n >= 5, (m["month"], n)      # never a cell below k
        feb, mar, apr = got["months"][1], got["months"][2], got["months"][3]
        for m in (feb, mar):
            # the one stay is withheld, and so is every total it could be recomputed from
            assert m["regions"]["Stockholm"]["women"] is None, m
            assert m["regions"]["Stockholm"]["total"] is None and m["total"] is None, m
            assert m["target_groups"]["women"] is None, m
        # seven housed in Syd: the total is published; the one man is withheld, and so (secondary
        # suppression) are the six women, who would give him away as 7 − 6
        assert apr["regions"]["Syd"]["total"] == 7 and apr["total"] == 7, apr
        assert apr["regions"]["Syd"]["men"] is None and apr["regions"]["Syd"]["women"] is None, apr
        assert apr["target_groups"]["men"] is None and apr["target_groups"]["women"] is None, apr
        assert got["places"]["Stockholm"]["women"] == 9, got     # places are no person data
        assert "Kvinnojouren" not in s.get(f"{API}/capacity", token=funder).text
        page = s.get("/capacity?year=2025", token=funder).text
        assert "2025-02" in page and "&lt;5" in page and "Kvinnojouren" not in page, page
        assert s.get("/capacity?date=2025-02-02", token=funder).status == 400

        # the coordinator sees each day exactly, a caseworker the own organisation exactly
        day = expect_ok(s.get(f"{API}/capacity?date=2025-02-02", token=w.coord), 200)
        assert cell(day, "Stockholm", "women")["occupied"] == 1, day
        _, cw = w.user("caseworker", org)
        own = expect_ok(s.get(f"{API}/capacity?date=2025-02-02", token=cw), 200)
        assert own["scope"] == "organisation" and cell(own, "Stockholm", "women")["occupied"] == 1, own
        assert expect(s.get(f"{API}/capacity?year=abc", token=funder), 400, field="year")


def test_unmet_requests_per_region_target_group_and_month():
    with Server() as s:
        w = World(s)
        org = w.org()

        def request(date, region, group, outcome):
            expect_ok(s.post(f"{API}/placement-requests", {"date": date, "region": region, "target_group": group,
                                                            "outcome": outcome, "organisation_id": org},
                             token=w.coord))
        request("2024-01-31", "Syd", "men", "no_place_available")
        request("2024-02-01", "Syd", "men", "no_place_available")
        request("2024-02-29", "Syd", "men", "no_place_available")
        request("2024-02-10", "Syd", "men", "placed")
        request("2024-02-11", "Syd", "men", "declined")
        request("2024-12-31", "Nord", "families", "no_place_available")
        request("2023-12-31", "Syd", "men", "no_place_available")      # other years
        request("2025-01-01", "Nord", "families", "no_place_available")
        got = expect_ok(s.get(f"{API}/placement-requests/unmet?year=2024", token=w.coord), 200)
        assert got["year"] == 2024 and got["months"][0] == "2024-01" and got["months"][11] == "2024-12", got
        assert len(got["rows"]) == 7 * 3, got
        rows = {(r["region"], r["target_group"]): r for r in got["rows"]}
        assert rows[("Syd", "men")]["unmet"] == [1, 2] + [0] * 10, rows[("Syd", "men")]
        assert rows[("Syd", "men")]["unmet_total"] == 3 and rows[("Syd", "men")]["requests_total"] == 5, got
        assert rows[("Nord", "families")]["unmet"] == [0] * 11 + [1], got
        assert rows[("Syd", "women")]["unmet_total"] == 0, got
        assert got["totals"]["by_month"] == [1, 2] + [0] * 9 + [1], got
        assert got["totals"]["by_region"]["Syd"] == 3 and got["totals"]["by_region"]["Nord"] == 1, got
        assert got["totals"]["by_region"]["Stockholm"] == 0, got
        assert got["totals"]["by_target_group"] == {"women": 0, "men": 3, "families": 1}, got
        assert (got["totals"]["unmet"], got["totals"]["requests"]) == (4, 6), got
        y25 = expect_ok(s.get(f"{API}/placement-requests/unmet?year=2025", token=w.coord), 200)
        assert y25["totals"]["unmet"] == 1 and y25["totals"]["by_month"][0] == 1, y25
        expect(s.get(f"{API}/placement-requests/unmet?year=24", token=w.coord), 400, field="year")
        _, funder = w.user("funder")
        assert expect_ok(s.get(f"{API}/placement-requests/unmet?year=2024", token=funder), 200) == got
        _, cw = w.user("caseworker", org)
        expect(s.get(f"{API}/placement-requests/unmet?year=2024", token=cw), 403)


def test_consultations_are_counted_by_asker_region_and_topic_without_personal_data():
    with Server() as s:
        w = World(s)

        def consult(date, asker, region, topic, minutes, outcome=""):
            return s.post(f"{API}/consultations", {"date": date, "asker": asker, "region": region, "topic": topic,
                                                   "minutes": minutes, "outcome": outcome}, token=w.coord)
        expect_ok(consult("2024-03-01", "social_services", "Syd", "Boende för man", 30))
        expect_ok(consult("2024-04-01", "social_services", "Syd", "  Boende för man ", 15, "Hänvisad till NSP"))
        expect_ok(consult("2024-05-01", "police", "Nord", "Barn utan vårdnadshavare", 45, "Ring 08-123 456 78"))
        expect_ok(consult("2025-01-02", "police", "Nord", "Boende för man", 10))
        # no personal data of the person discussed: an identity number is refused where it is written
        expect(consult("2024-06-01", "police", "Nord", "Gäller 811218-9876", 5), 400, code="invalid", field="topic")
        expect(consult("2024-06-01", "police", "Nord", "Boende", 5, "pnr 198112189876"), 400, field="outcome")
        got = expect_ok(s.get(f"{API}/consultations/summary?year=2024", token=w.coord), 200)
        assert (got["year"], got["total"], got["minutes"]) == (2024, 3, 90), got
        assert got["by_asker"]["social_services"] == 2 and got["by_asker"]["police"] == 1, got
        assert got["by_asker"]["healthcare"] == 0 and len(got["by_asker"]) == 7, got
        assert got["by_region"]["Syd"] == 2 and got["by_region"]["Nord"] == 1 and got["by_region"]["Öst"] == 0, got
        assert got["by_topic"] == [{"topic": "Boende för man", "count": 2},
                                   {"topic": "Barn utan vårdnadshavare", "count": 1}], got
        assert expect_ok(s.get(f"{API}/consultations/summary?year=2025", token=w.coord), 200)["total"] == 1
        # the funder sees the categories only: never a topic as written (issue 16)
        _, funder = w.user("funder")
        seen = expect_ok(s.get(f"{API}/consultations/summary?year=2024", token=funder), 200)
        assert "by_topic" not in seen and "Boende" not in str(seen), seen
        assert seen["by_asker"] == got["by_asker"] and seen["by_region"] == got["by_region"], seen
        org = w.org()
        _, cw = w.user("caseworker", org)
        expect(s.get(f"{API}/consultations/summary?year=2024", token=cw), 403)
