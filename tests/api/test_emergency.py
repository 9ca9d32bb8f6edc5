"""R2e follow-up: an emergency decision stays flagged until the coordinator
records that the responsible actor is clarified (POST
/api/v1/decisions/{id}/emergency-cleared {"date","responsible"}). Refused:
a decision that is not an emergency one or is cleared already (409), a date
before the decision or in the future (400), a caseworker (403). The open
emergencies are listed by GET /api/v1/decisions?emergency=open."""
import datetime
import sqlite3

from harness import API, Server, World, expect, expect_ok, span_days, today

RESPONSIBLE = "Socialtjänsten i Malmö tog över"


def emergency_decision(w, org, on="2024-03-01", emergency=True):
    p = w.admitted(org)
    a = w.application(p["id"], "reflection", submitted_on=on, **span_days(on, 10))
    return expect_ok(w.decide(a["id"], decided_on=on, emergency=emergency), 201)


def clear(s, token, decision_id, **body):
    return s.post(f"{API}/decisions/{decision_id}/emergency-cleared", body, token=token)


def open_ids(s, token):
    ds = expect_ok(s.get(f"{API}/decisions?emergency=open", token=token), 200)["decisions"]
    return [d["id"] for d in ds]


def test_R2e_clearing_records_the_day_lists_it_no_more_and_audits_the_note():
    with Server() as s:
        w = World(s)
        org = w.org()
        urgent = emergency_decision(w, org)
        other = emergency_decision(w, org, on="2024-03-05")
        plain = emergency_decision(w, org, emergency=False)
        assert urgent["emergency"] is True and urgent["emergency_cleared_on"] is None, urgent
        assert open_ids(s, w.coord) == [urgent["id"], other["id"]]
        # the day of the decision itself is allowed (the lower boundary)
        dec = expect_ok(clear(s, w.coord, urgent["id"], date="2024-03-01", responsible=RESPONSIBLE), 200)
        assert dec["emergency_cleared_on"] == "2024-03-01" and dec["emergency"] is True, dec
        assert expect_ok(s.get(f"{API}/decisions/{urgent['id']}", token=w.coord), 200)["emergency_cleared_on"] \
            == "2024-03-01"
        assert open_ids(s, w.coord) == [other["id"]]
        assert plain["id"] not in open_ids(s, w.coord)
        # without a date: today
        dec = expect_ok(clear(s, w.coord, other["id"], responsible="Migrationsverket"), 200)
        assert dec["emergency_cleared_on"] == today().isoformat(), dec
        assert open_ids(s, w.coord) == []
        # who cleared it and the note are in the audit log
        me = expect_ok(s.get(API + "/me", token=w.coord), 200)["id"]
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT user_id, detail FROM audit WHERE action = 'decision.emergency_clear' "
                               "AND entity = 'decision' AND entity_id = ?", (urgent["id"],)).fetchall()
        finally:
            con.close()
        assert rows == [(me, f"cleared_on=2024-03-01 responsible={RESPONSIBLE}")], rows
        expect(s.get(f"{API}/decisions?emergency=closed", token=w.coord), 400, field="emergency")


def test_R2e_clearing_refuses_a_decision_that_is_not_an_emergency():
    with Server() as s:
        w = World(s)
        plain = emergency_decision(w, w.org(), emergency=False)
        expect(clear(s, w.coord, plain["id"], date="2024-03-02", responsible=RESPONSIBLE), 409, code="conflict")
        assert expect_ok(s.get(f"{API}/decisions/{plain['id']}", token=w.coord), 200)["emergency_cleared_on"] is None
        expect(clear(s, w.coord, 999999, date="2024-03-02", responsible=RESPONSIBLE), 404)


def test_R2e_clearing_twice_is_refused_and_keeps_the_first_day():
    with Server() as s:
        w = World(s)
        urgent = emergency_decision(w, w.org())
        expect_ok(clear(s, w.coord, urgent["id"], date="2024-03-04", responsible=RESPONSIBLE), 200)
        expect(clear(s, w.coord, urgent["id"], date="2024-03-09", responsible="Någon annan"), 409, code="conflict")
        dec = expect_ok(s.get(f"{API}/decisions/{urgent['id']}", token=w.coord), 200)
        assert dec["emergency_cleared_on"] == "2024-03-04", dec


def test_R2e_clearing_refuses_a_date_before_the_decision_or_in_the_future_and_a_bad_note():
    with Server() as s:
        w = World(s)
        urgent = emergency_decision(w, w.org(), on="2024-03-10")
        expect(clear(s, w.coord, urgent["id"], date="2024-03-09", responsible=RESPONSIBLE), 400, field="date")
        tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
        expect(clear(s, w.coord, urgent["id"], date=tomorrow, responsible=RESPONSIBLE), 400, field="date")
        expect(clear(s, w.coord, urgent["id"], date="2024-13-01", responsible=RESPONSIBLE), 400, field="date")
        expect(clear(s, w.coord, urgent["id"], date="2024-03-10"), 400, field="responsible")
        expect(clear(s, w.coord, urgent["id"], date="2024-03-10", responsible="  "), 400, field="responsible")
        expect(clear(s, w.coord, urgent["id"], date="2024-03-10", responsible="x" * 201), 400, field="responsible")
        # the note goes to the audit log: no personal identity number
        expect(clear(s, w.coord, urgent["id"], date="2024-03-10", responsible="Soc för 811218-9876"), 400,
               field="responsible")
        expect(clear(s, w.coord, urgent["id"], date="2024-03-10", responsible=RESPONSIBLE, extra=1), 400)
        assert open_ids(s, w.coord) == [urgent["id"]]
        # 200 characters is the most a note may have
        expect_ok(clear(s, w.coord, urgent["id"], date="2024-03-10", responsible="x" * 200), 200)


def test_R2e_clearing_is_refused_to_a_caseworker_who_still_sees_the_open_emergencies():
    with Server() as s:
        w = World(s)
        org = w.org()
        other_org = w.org()
        urgent = emergency_decision(w, org)
        elsewhere = emergency_decision(w, other_org)
        _, worker = w.user("caseworker", org)
        expect(clear(s, worker, urgent["id"], date="2024-03-02", responsible=RESPONSIBLE), 403)
        # a caseworker sees her own organisation's open emergencies only
        assert open_ids(s, worker) == [urgent["id"]]
        assert open_ids(s, w.coord) == [urgent["id"], elsewhere["id"]]
        dec = expect_ok(s.get(f"{API}/decisions/{urgent['id']}", token=worker), 200)
        assert dec["emergency_cleared_on"] is None, dec
