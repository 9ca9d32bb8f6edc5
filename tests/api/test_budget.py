"""Budget arithmetic (domain.md §8) and decision amounts from the rates of
each year (§7), to the öre."""
from harness import API, Server, World, expect_ok, span_days

KR = 100


def figures(w, year):
    """The budget of year without its paid_by_intervention_ore (the report's paid per
    intervention, checked here to add up to paid_in_year_ore)."""
    b = w.budget(year)
    by_code = b.pop("paid_by_intervention_ore")
    assert sum(by_code.values()) == b["paid_in_year_ore"], (by_code, b)
    return b


def lines_of(dec):
    return sorted((l["code"], l["days"], l["amount_ore"]) for l in dec["lines"])


def test_budget_remaining_is_budget_minus_committed_plus_released():
    with Server() as s:
        w = World(s, budget_years=())
        w.year(2024, budget_ore=1_000_000 * KR)
        w.year(2025, budget_ore=500_000 * KR, rates={"reflection": 1400 * KR, "reflection_child": 600 * KR},
               point_rates={"interpreter": {"unit": "timme", "rate_ore": 900 * KR}})
        org = w.org()
        _, cw = w.user("caseworker", org)
        zero = figures(w, 2024)
        assert zero == {"year": 2024, "budget_ore": 1_000_000 * KR, "committed_ore": 0, "paid_ore": 0,
                        "released_ore": 0, "remaining_ore": 1_000_000 * KR, "paid_in_year_ore": 0,
                        "open_ore": 0}, zero

        p1, p2, p3 = w.admitted(org), w.admitted(org), w.admitted(org)
        kid = w.child(p1["id"], "secondary", org_id=org)
        # 2024-12-22..2025-01-10: ten days at the 2024 rates (the built-in table), ten at 2025's
        d1 = w.grant(p1["id"], "reflection", "2024-12-22", children=[kid["id"]], **span_days("2024-12-22", 20))
        assert lines_of(d1) == [("reflection", 20, 10 * 1320 * KR + 10 * 1400 * KR),
                                ("reflection_child", 20, 10 * 500 * KR + 10 * 600 * KR)], d1
        assert d1["total_ore"] == 27_200 * KR + 11_000 * KR, d1
        d2 = w.grant(p2["id"], "point_adult", "2024-06-01", category="interpreter", units=3)
        assert lines_of(d2) == [("point_adult", 3, 3 * 800 * KR)], d2
        d3 = w.grant(p3["id"], "integration_adult", "2024-05-01", **span_days("2024-05-01", 10))
        assert lines_of(d3) == [("integration_adult", 10, 10 * 500 * KR)], d3
        committed = d1["total_ore"] + d2["total_ore"] + d3["total_ore"]
        assert figures(w, 2024) == {"year": 2024, "budget_ore": 1_000_000 * KR, "committed_ore": committed,
                                  "paid_ore": 0, "released_ore": 0,
                                  "remaining_ore": 1_000_000 * KR - committed, "paid_in_year_ore": 0,
                                  "open_ore": committed}

        # payments: one dated in the next year still counts against the decision's year
        expect_ok(w.pay(d1["id"], 10_000 * KR, "2024-12-31"))
        expect_ok(w.pay(d1["id"], 5_000 * KR + 1, "2025-01-15"))
        expect_ok(w.pay(d3["id"], 2_000 * KR, "2024-05-20"))
        b24 = figures(w, 2024)
        assert b24["paid_ore"] == 17_000 * KR + 1, b24
        assert b24["remaining_ore"] == 1_000_000 * KR - committed, b24   # payments do not change remaining
        # domain.md §8: "paid" counts payments on 2024's decisions, whenever dated; paid in the year (the
        # report's) counts the payments dated in 2024, so the one of 2025-01-15 is 2025's
        assert b24["paid_in_year_ore"] == 12_000 * KR, b24
        assert b24["open_ore"] == committed - b24["paid_ore"], b24
        # by line, dated in the year: the integration payment on its own code
        assert w.budget(2024)["paid_by_intervention_ore"]["integration_adult"] == 2_000 * KR
        b25 = figures(w, 2025)
        assert (b25["committed_ore"], b25["paid_ore"], b25["released_ore"]) == (0, 0, 0), b25
        assert b25["paid_in_year_ore"] == 5_000 * KR + 1, b25

        # closing releases the unused commitment, also when closed in a later year
        c3 = expect_ok(s.post(f"{API}/decisions/{d3['id']}/close", {"date": "2024-06-01"}, token=w.coord), 200)
        assert c3["released_ore"] == 3_000 * KR and c3["closed_on"] == "2024-06-01", c3
        c1 = expect_ok(s.post(f"{API}/decisions/{d1['id']}/close", {"date": "2025-02-01"}, token=w.coord), 200)
        assert c1["released_ore"] == d1["total_ore"] - (15_000 * KR + 1), c1
        released = c3["released_ore"] + c1["released_ore"]
        assert figures(w, 2024) == {"year": 2024, "budget_ore": 1_000_000 * KR, "committed_ore": committed,
                                  "paid_ore": 17_000 * KR + 1, "released_ore": released,
                                  "remaining_ore": 1_000_000 * KR - committed + released,
                                  "paid_in_year_ore": 12_000 * KR,
                                  "open_ore": committed - (17_000 * KR + 1) - released}

        # 2025's own decisions use 2025's rates and point rates
        d4 = w.grant(p2["id"], "reflection", "2025-03-01", **span_days("2025-03-01", 5))
        d5 = w.grant(p2["id"], "point_adult", "2025-03-02", category="interpreter", units=2)
        assert d4["total_ore"] == 5 * 1400 * KR and d5["total_ore"] == 2 * 900 * KR, (d4, d5)
        b25 = figures(w, 2025)
        assert b25 == {"year": 2025, "budget_ore": 500_000 * KR, "committed_ore": 8_800 * KR, "paid_ore": 0,
                       "released_ore": 0, "remaining_ore": 500_000 * KR - 8_800 * KR,
                       "paid_in_year_ore": 5_000 * KR + 1, "open_ore": 8_800 * KR}, b25
        # the funder reads the same figures
        _, funder = w.user("funder")
        assert expect_ok(s.get(f"{API}/years/2024/budget", token=funder), 200) == w.budget(2024)


def test_partly_granted_and_denied_decisions_commit_what_they_grant():
    with Server() as s:
        w = World(s, budget_years=())
        w.year(2024, budget_ore=100_000 * KR)
        org = w.org()
        p = w.admitted(org)
        a = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 10))
        part = expect_ok(w.decide(a["id"], "partly_granted", decided_on="2024-03-02",
                                  **span_days("2024-03-01", 4)))
        assert lines_of(part) == [("reflection", 4, 4 * 1320 * KR)] and part["total_ore"] == 4 * 1320 * KR, part
        q = w.admitted(org)
        a2 = w.application(q["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 10))
        denied = expect_ok(w.decide(a2["id"], "denied", decided_on="2024-03-02"))
        assert denied["total_ore"] == 0 and denied["lines"] == [], denied
        b = figures(w, 2024)
        assert b["committed_ore"] == 4 * 1320 * KR, b
        assert b["remaining_ore"] == 100_000 * KR - 4 * 1320 * KR, b


def test_rates_of_a_year_without_its_own_come_from_the_latest_earlier_year():
    with Server() as s:
        w = World(s)
        w.year(2025, budget_ore=10 ** 11, rates={"reflection": 1400 * KR})
        y26 = expect_ok(s.get(f"{API}/years/2026", token=w.coord), 200)
        assert y26["rates_ore"]["reflection"] == 1400 * KR, y26
        assert y26["rates_ore"]["reflection_child"] == 500 * KR, y26   # not set in 2025: the 2025 table's
        y24 = expect_ok(s.get(f"{API}/years/2024", token=w.coord), 200)
        assert y24["rates_ore"]["reflection"] == 1320 * KR and y24["rates_ore"]["integration_adult"] == 500 * KR, y24
        assert y24["point_rates"]["interpreter"]["rate_ore"] == 800 * KR, y24
        w.year(2026, budget_ore=10 ** 11, rates={"reflection": 1500 * KR})
        org = w.org()
        p = w.admitted(org, on="2025-12-01")
        dec = w.grant(p["id"], "reflection", "2025-12-30", **span_days("2025-12-30", 4))
        assert dec["total_ore"] == 2 * 1400 * KR + 2 * 1500 * KR, dec
        assert dec["year"] == 2025, dec
