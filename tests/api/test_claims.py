"""Claims (rekvisitioner) and payments split by line (domain.md §8, R14, issue 14).

An organisation claims the days it used; the coordinator approves (the
payment is recorded line by line, the child supplement under its own code)
or rejects with a reason. R14 counts submitted claims as reserved. Payments
by amount are the coordinator's alone and are split over the decision's
lines in proportion to their granted amounts, the remainder öre to the first.
"""
import datetime
import re
import sqlite3

from harness import API, COORD_PASSWORD, SCHEMA_VERSION, UNDO_MIGRATION_14, Server, World, expect, expect_ok, expect_rule, period, run_nsp, today

DAY = 132000       # 1 320 kr per day (2025 table, used for years without rates)
CHILD_DAY = 50000  # 500 kr per day, the child supplement (R7)


def span(start, days):
    f, t = period(start, days)
    return {"from": f, "to": t}


def family(w, org, cw=None):
    """A woman admitted 2024-02-01 with one child living with her; reflection
    2024-03-01..2024-03-30 granted with the child supplement."""
    mother = w.admitted(org)
    child = w.child(mother["id"], org_id=org)
    dec = w.grant(mother["id"], "reflection", "2024-03-01", children=[child["id"]], **span("2024-03-01", 30))
    assert dec["total_ore"] == 30 * (DAY + CHILD_DAY), dec
    return mother, dec


def organisation(s):
    """The World, an organisation and its caseworker's token: every test's start."""
    w = World(s)
    org = w.org()
    _, cw = w.user("caseworker", org)
    return w, org, cw


def family_case(s):
    """organisation(s) with family()'s decision: (w, org, caseworker, mother, decision)."""
    w, org, cw = organisation(s)
    mother, dec = family(w, org)
    return w, org, cw, mother, dec


def claim(s, token, decision_id, on="2024-03-31", **fields):
    """POSTs a claim dated `on` (None: today, the default)."""
    body = {"decision_id": decision_id, "reference": "Faktura 2024-17"}
    if on:
        body["submitted_on"] = on
    body.update(fields)
    return s.post(API + "/claims", body, token=token)


def test_claim_of_seven_nights_with_a_child_is_paid_line_by_line_on_approval():
    with Server() as s:
        w, org, cw, mother, dec = family_case(s)
        c = expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 7)))
        assert c["status"] == "submitted" and c["days"] == 7 and c["reference"] == "Faktura 2024-17", c
        assert c["lines"] == [{"code": "reflection", "days": 7, "amount_ore": 7 * DAY},
                              {"code": "reflection_child", "days": 7, "amount_ore": 7 * CHILD_DAY}], c
        assert c["amount_ore"] == 7 * (DAY + CHILD_DAY) == 1_274_000, c
        # a claim moves no money: the decision is unpaid until the coordinator approves
        assert expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=cw), 200)["paid_ore"] == 0
        listed = expect_ok(s.get(API + "/claims?status=submitted", token=w.coord), 200)["claims"]
        assert [x["id"] for x in listed] == [c["id"]], listed
        assert expect_ok(s.get(f"{API}/claims?decision_id={dec['id']}", token=cw), 200)["claims"][0]["id"] == c["id"]
        # the caseworker may not approve their own claim
        expect(s.post(f"{API}/claims/{c['id']}/approve", {"paid_on": "2024-04-02"}, token=cw), 403, code="forbidden")
        paid = expect_ok(s.post(f"{API}/claims/{c['id']}/approve", {"paid_on": "2024-04-02"}, token=w.coord), 200)
        assert paid["status"] == "paid" and paid["payment_id"] and paid["decided_on"] == "2024-04-02", paid
        pays = expect_ok(s.get(f"{API}/decisions/{dec['id']}/payments", token=cw), 200)["payments"]
        assert [p["lines"] for p in pays] == [[{"code": "reflection", "amount_ore": 7 * DAY},
                                               {"code": "reflection_child", "amount_ore": 7 * CHILD_DAY}]], pays
        assert expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=cw), 200)["paid_ore"] == 1_274_000
        # the report's paid per intervention shows the supplement under its own code
        money = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)["money"]
        assert money["paid_by_intervention_ore"]["reflection"] == 7 * DAY, money
        assert money["paid_by_intervention_ore"]["reflection_child"] == 7 * CHILD_DAY, money
        assert money["paid_ore"] == 7 * (DAY + CHILD_DAY), money
        # approved already: a second approval or a rejection conflicts
        expect(s.post(f"{API}/claims/{c['id']}/approve", {"paid_on": "2024-04-03"}, token=w.coord), 409, code="conflict")
        expect(s.post(f"{API}/claims/{c['id']}/reject", {"reason": "Fel."}, token=w.coord), 409, code="conflict")


def test_claim_days_outside_the_granted_period_are_refused_naming_the_field():
    with Server() as s:
        w, org, cw, _, dec = family_case(s)
        # the day before the period began (the 2024 case of the issue)
        r = expect(claim(s, cw, dec["id"], **{"from": "2024-02-29", "to": "2024-03-06"}), 400, code="invalid",
                   field="from")
        err = r["error"]
        assert "2024-03-01" in err["message_sv"] and "before" in err["message_en"], err
        # the day after it ended
        expect(claim(s, cw, dec["id"], **{"from": "2024-03-25", "to": "2024-03-31"}), 400, code="invalid", field="to")
        # reversed, missing days, units on a per-day decision
        expect(claim(s, cw, dec["id"], **{"from": "2024-03-05", "to": "2024-03-04"}), 400, code="invalid", field="to")
        expect(claim(s, cw, dec["id"], **{"from": "2024-03-05"}), 400, code="invalid", field="to")
        expect(claim(s, cw, dec["id"], units=3), 400, code="invalid", field="units")
        expect(claim(s, cw, dec["id"], reference="", **span("2024-03-01", 2)), 400, code="invalid", field="reference")
        # the boundaries themselves are allowed: the first and the last granted day
        expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 1)))
        expect_ok(claim(s, cw, dec["id"], **span("2024-03-30", 1)))
        # the same days twice: conflict
        expect(claim(s, cw, dec["id"], **span("2024-03-01", 3)), 409, code="conflict")


def test_claim_days_in_the_future_are_refused():
    # The one test whose dates follow today: days that have not passed yet.
    now = today()
    start = (now - datetime.timedelta(days=5)).isoformat()
    with Server() as s:
        w, org, cw = organisation(s)
        p = w.admitted(org, on=(now - datetime.timedelta(days=10)).isoformat())
        dec = w.grant(p["id"], "reflection", start, **span(start, 10))
        tomorrow = (now + datetime.timedelta(days=1)).isoformat()
        r = expect(claim(s, cw, dec["id"], on=None, **{"from": start, "to": tomorrow}), 400, code="invalid",
                   field="to")
        assert "future" in r["error"]["message_en"], r
        expect_ok(claim(s, cw, dec["id"], on=None, **{"from": start, "to": now.isoformat()}))


def test_R14_counts_submitted_claims_as_reserved_refusing_and_allowing():
    with Server() as s:
        w, org, cw = organisation(s)
        p = w.admitted(org)
        dec = w.grant(p["id"], "reflection", "2024-03-01", **span("2024-03-01", 10))
        assert dec["total_ore"] == 10 * DAY
        first = expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 7)))
        # R14: 7 days are reserved by the submitted claim, so only 3 days' worth is left
        expect_rule(w.pay(dec["id"], 3 * DAY + 1, "2024-03-20"), "R14", "9 240 kr", "3 960 kr")
        # rejecting the claim frees its reservation: the same payment is now allowed
        rej = expect_ok(s.post(f"{API}/claims/{first['id']}/reject", {"reason": "Fakturan saknar underlag."},
                               token=w.coord), 200)
        assert rej["status"] == "rejected" and rej["reject_reason"] == "Fakturan saknar underlag.", rej
        expect_ok(w.pay(dec["id"], 3 * DAY + 1, "2024-03-20"))
        # R14 on a claim: 7 days are more than the 7 days minus 1 öre left; 6 days are within it
        expect_rule(claim(s, cw, dec["id"], **span("2024-03-01", 7)), "R14")
        second = expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 6)))
        # and a claim submitted is reserved against the next one too
        expect_rule(claim(s, cw, dec["id"], **span("2024-03-07", 1)), "R14")
        expect_ok(s.post(f"{API}/claims/{second['id']}/approve", {"paid_on": "2024-04-02"}, token=w.coord), 200)
        got = expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=cw), 200)
        assert got["paid_ore"] == 9 * DAY + 1, got


def test_rejecting_needs_a_reason_and_a_decided_claim_cannot_be_decided_again():
    with Server() as s:
        w, org, cw, _, dec = family_case(s)
        c = expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 3)))
        expect(s.post(f"{API}/claims/{c['id']}/reject", {}, token=w.coord), 400, code="invalid", field="reason")
        expect(s.post(f"{API}/claims/{c['id']}/reject", {"reason": "Nej."}, token=cw), 403, code="forbidden")
        expect_ok(s.post(f"{API}/claims/{c['id']}/reject", {"reason": "Dubbelfakturerad."}, token=w.coord), 200)
        expect(s.post(f"{API}/claims/{c['id']}/approve", {}, token=w.coord), 409, code="conflict")
        expect(s.post(f"{API}/claims/{c['id']}/reject", {"reason": "Igen."}, token=w.coord), 409, code="conflict")
        # the caseworker sees the state and the reason
        got = expect_ok(s.get(f"{API}/claims/{c['id']}", token=cw), 200)
        assert got["status"] == "rejected" and got["reject_reason"] == "Dubbelfakturerad.", got
        # the rejected days may be claimed again
        again = expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 3)))
        # a payment cannot be dated before its claim
        expect(s.post(f"{API}/claims/{again['id']}/approve", {"paid_on": "2024-03-01"}, token=w.coord), 400,
               field="paid_on")


def test_closing_refuses_while_a_claim_is_submitted_and_a_closed_decision_takes_no_claim():
    with Server() as s:
        w, org, cw, _, dec = family_case(s)
        c = expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 3)))
        expect(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-04-01"}, token=w.coord), 409,
               code="conflict")
        expect_ok(s.post(f"{API}/claims/{c['id']}/approve", {"paid_on": "2024-04-01"}, token=w.coord), 200)
        closed = expect_ok(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-04-01"}, token=w.coord), 200)
        assert closed["released_ore"] == 27 * (DAY + CHILD_DAY), closed
        expect(claim(s, cw, dec["id"], **span("2024-03-10", 2)), 409, code="conflict")


def test_payment_by_amount_is_split_over_the_lines_to_the_ore_with_the_remainder_first():
    with Server() as s:
        w, org, cw, _, dec = family_case(s)
        # 30 × 1 320 kr and 30 × 500 kr: 3 960 000 and 1 500 000 öre of 5 460 000
        pay = expect_ok(w.pay(dec["id"], 100_001, "2024-03-20"))
        # 100 001 × 3 960 000 / 5 460 000 = 72 528.8… → 72 528; × 1 500 000 / … = 27 472.8… → 27 472;
        # the 1 öre left goes to the first line
        assert pay["lines"] == [{"code": "reflection", "amount_ore": 72_529},
                                {"code": "reflection_child", "amount_ore": 27_472}], pay
        assert sum(l["amount_ore"] for l in pay["lines"]) == 100_001
        # an amount that splits evenly has no remainder
        pay2 = expect_ok(w.pay(dec["id"], 5_460, "2024-03-21"))
        assert pay2["lines"] == [{"code": "reflection", "amount_ore": 3_960},
                                 {"code": "reflection_child", "amount_ore": 1_500}], pay2
        # 1 öre: the child line's share rounds to 0 and is left out
        pay3 = expect_ok(w.pay(dec["id"], 1, "2024-03-21"))
        assert pay3["lines"] == [{"code": "reflection", "amount_ore": 1}], pay3
        money = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)["money"]
        assert money["paid_by_intervention_ore"]["reflection"] == 72_529 + 3_960 + 1, money
        assert money["paid_by_intervention_ore"]["reflection_child"] == 27_472 + 1_500, money
        # organisations claim; a caseworker cannot pay by amount
        expect(w.pay(dec["id"], 100, "2024-03-22", token=cw), 403, code="forbidden")


def test_claims_of_another_organisation_are_not_found_and_the_funder_sees_none():
    with Server() as s:
        w = World(s)
        org, other = w.org(), w.org()
        _, cw = w.user("caseworker", org)
        _, cw_other = w.user("caseworker", other)
        _, funder = w.user("funder")
        _, dec = family(w, org)
        c = expect_ok(claim(s, cw, dec["id"], **span("2024-03-01", 2)))
        expect(s.get(f"{API}/claims/{c['id']}", token=cw_other), 404, code="not_found")
        expect(claim(s, cw_other, dec["id"], **span("2024-03-05", 2)), 404, code="not_found", field="decision_id")
        assert expect_ok(s.get(API + "/claims", token=cw_other), 200)["claims"] == []
        expect(s.get(API + "/claims", token=funder), 403, code="forbidden")
        expect(s.get(f"{API}/claims/{c['id']}", token=funder), 403, code="forbidden")
        # the coordinator claims on the organisation's behalf
        on_behalf = expect_ok(claim(s, w.coord, dec["id"], **span("2024-03-05", 2)))
        assert on_behalf["organisation_id"] == org, on_behalf


def test_point_intervention_claims_units():
    with Server() as s:
        w, org, cw = organisation(s)
        p = w.admitted(org)
        dec = w.grant(p["id"], "point_adult", "2024-03-01", category="interpreter", units=4)
        expect(claim(s, cw, dec["id"], units=5), 400, code="invalid", field="units")
        expect(claim(s, cw, dec["id"], **span("2024-03-01", 1)), 400, code="invalid", field="from")
        c = expect_ok(claim(s, cw, dec["id"], units=3))
        assert c["lines"] == [{"code": "point_adult", "units": 3, "amount_ore": c["amount_ore"]}], c
        assert c["amount_ore"] == dec["total_ore"] * 3 // 4, (c, dec)


def test_claims_list_newest_first_paged_and_filtered_by_state_organisation_year_and_case_code():
    with Server() as s:
        w, org, cw, mother, dec = family_case(s)
        other = w.org()
        p = w.admitted(other)
        dec_b = w.grant(p["id"], "reflection", "2024-03-01", **span("2024-03-01", 10))
        c1 = expect_ok(claim(s, cw, dec["id"], on="2024-03-31", **span("2024-03-01", 3)))
        c2 = expect_ok(claim(s, cw, dec["id"], on="2024-04-02", **span("2024-03-04", 3)))
        c3 = expect_ok(claim(s, w.coord, dec_b["id"], on="2024-04-01", **span("2024-03-01", 2)))
        c4 = expect_ok(claim(s, cw, dec["id"], on="2025-01-10", **span("2024-03-07", 2)))
        expect_ok(s.post(f"{API}/claims/{c1['id']}/approve", {"paid_on": "2024-04-03"}, token=w.coord), 200)

        def ids(query, token=w.coord):
            got = expect_ok(s.get(API + "/claims" + query, token=token), 200)
            return [c["id"] for c in got["claims"]], got["total"]

        # newest first (by the day submitted), every state unless asked
        assert ids("") == ([c4["id"], c2["id"], c3["id"], c1["id"]], 4)
        assert ids("?limit=2") == ([c4["id"], c2["id"]], 4)
        assert ids("?limit=2&offset=2") == ([c3["id"], c1["id"]], 4)
        assert ids("?status=paid") == ([c1["id"]], 1)
        assert ids("?status=submitted") == ([c4["id"], c2["id"], c3["id"]], 3)
        assert ids("?status=all") == ids("")
        assert ids(f"?organisation_id={other}") == ([c3["id"]], 1)
        assert ids("?year=2025") == ([c4["id"]], 1)
        assert ids("?year=2024&status=submitted") == ([c2["id"], c3["id"]], 2)
        # the case code: any part of it, any case (as the persons list)
        part = mother["code"][-6:].lower()
        assert ids(f"?code={part}") == ([c4["id"], c2["id"], c1["id"]], 3)
        assert ids(f"?code={p['code']}&status=paid") == ([], 0)
        for query, field in (("?status=waiting", "status"), ("?organisation_id=x", "organisation_id"),
                             ("?year=24", "year"), ("?code=NSP%3B1", "code"), ("?limit=0", "limit"),
                             ("?decision_id=-1", "decision_id")):
            expect(s.get(API + "/claims" + query, token=w.coord), 400, code="invalid", field=field)
        # an organisation sees its own only, whatever it asks for
        assert ids(f"?organisation_id={other}", token=cw) == ([c4["id"], c2["id"], c1["id"]], 3)
        # the page: the same filters, newest first, the count
        page = s.get(f"/claims?status=all&code={part}", token=w.coord).text
        rows = re.findall(r'<tr id="claim-(\d+)"', page)
        assert rows == [str(c4["id"]), str(c2["id"]), str(c1["id"])], rows
        assert "Visar 1–3 av 3" in page, page
        # the coordinator's default is the queue, with its approve forms
        page = s.get("/claims", token=w.coord).text
        assert re.findall(r'<tr id="claim-(\d+)"', page) == [str(c4["id"]), str(c2["id"]), str(c3["id"])], page
        assert f'action="/claims/{c2["id"]}/approve"' in page
        page = s.get(f"/claims?organisation_id={other}&status=all", token=cw).text
        assert re.findall(r'<tr id="claim-(\d+)"', page) == [str(c4["id"]), str(c2["id"]), str(c1["id"])], page
        assert 'name="organisation_id"' not in page and "/approve" not in page


# Migrations 13, 12 (contacts, linkage keys), 11, 10 (notices, letters) and 9 turned back: what a
# database of schema 8 holds (payments counted under their decision's type in payment_totals).
UNDO_MIGRATION_9 = """
    DROP TABLE contacts; ALTER TABLE organisations DROP COLUMN member;
    DROP TABLE linkage_marks; DROP TABLE linkage_keys;
    DROP TABLE outbox; ALTER TABLE organisations DROP COLUMN contact_email;
    ALTER TABLE users DROP COLUMN email; ALTER TABLE users DROP COLUMN notify;
    DROP TABLE decision_refusals;
    DROP TABLE claim_lines; DROP TABLE claims;
    DROP TRIGGER payment_totals_add; DROP TRIGGER payment_totals_no_delete;
    DROP TRIGGER payment_lines_no_update; DROP TRIGGER payment_lines_no_delete; DROP TABLE payment_lines;
    DELETE FROM payment_totals;
    INSERT INTO payment_totals (paid_on, code, amount_ore)
        SELECT p.paid_on, d.type, SUM(p.amount_ore) FROM payments p JOIN decisions d ON d.id = p.decision_id
        GROUP BY p.paid_on, d.type;
    CREATE TRIGGER payment_totals_add AFTER INSERT ON payments
        BEGIN
            INSERT INTO payment_totals (paid_on, code, amount_ore)
            SELECT new.paid_on, d.type, new.amount_ore FROM decisions d WHERE d.id = new.decision_id
            ON CONFLICT (paid_on, code) DO UPDATE SET amount_ore = amount_ore + excluded.amount_ore;
        END;
    CREATE TRIGGER payment_totals_no_delete BEFORE DELETE ON payment_totals
        BEGIN SELECT RAISE(ABORT, 'payment totals follow the payments'); END;
    PRAGMA user_version = 8;"""


def test_migration_9_splits_the_payments_made_before_it_by_line():
    with Server() as s:
        w = World(s)
        org = w.org()
        _, dec = family(w, org)
        p = w.admitted(org)
        single = w.grant(p["id"], "point_adult", "2024-03-01", category="interpreter", units=2)
        for amount, on in ((100_001, "2024-03-20"), (1_274_000, "2024-04-02"), (1, "2024-04-02")):
            expect_ok(w.pay(dec["id"], amount, on))
        expect_ok(w.pay(single["id"], 5_000, "2024-04-02"))
        s.stop()
        with sqlite3.connect(s.db) as con:
            con.executescript(UNDO_MIGRATION_14 + UNDO_MIGRATION_9)
            before = con.execute("SELECT code, SUM(amount_ore) FROM payment_totals GROUP BY code ORDER BY code").fetchall()
        # before: everything on the family's decision counted as reflection, no supplement
        assert before == [("point_adult", 5_000), ("reflection", 1_374_002)], before
        r = run_nsp("retention", "run", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and "upgrading the database to schema version 9" in r.stderr, r
        with sqlite3.connect(s.db) as con:
            assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION   # and on to the newest
            lines = con.execute("SELECT p.amount_ore, l.code, l.amount_ore FROM payment_lines l "
                                "JOIN payments p ON p.id = l.payment_id ORDER BY p.id, l.code").fetchall()
            totals = con.execute("SELECT code, SUM(amount_ore) FROM payment_totals GROUP BY code ORDER BY code").fetchall()
        # each payment split as payment_split does: 30 × 1 320 kr of 30 × 1 820 kr, remainder to the first line
        # (in any order: the payments' ids are random, issue 16, and these rows are older than
        # migration 14 twice over, so their order is their ids')
        assert sorted(lines) == sorted([(100_001, "reflection", 72_529), (100_001, "reflection_child", 27_472),
                                        (1_274_000, "reflection", 924_000), (1_274_000, "reflection_child", 350_000),
                                        (1, "reflection", 1),
                                        (5_000, "point_adult", 5_000)]), lines
        assert totals == [("point_adult", 5_000), ("reflection", 996_530), ("reflection_child", 377_472)], totals
        s.start()
        token = s.login("samordnare", COORD_PASSWORD)
        money = expect_ok(s.get(f"{API}/reports/annual/2024", token=token), 200)["money"]
        assert money["paid_by_intervention_ore"]["reflection_child"] == 377_472, money
        assert money["paid_ore"] == 1_379_002, money
