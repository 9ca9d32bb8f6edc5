"""Ids that count nothing (issue 16, finding 8, migration 14): persons, applications, decisions,
claims and payments were numbered 1, 2, 3 … across all organisations, so a caseworker who
registered two persons read from their ids how many the other organisations had registered in
between. New rows get random ids below 2^53; the lists keep the order of registration."""
import sqlite3

from harness import (API, COORD_PASSWORD, SCHEMA_VERSION, UNDO_MIGRATION_14, Server, World, expect_ok, period,
                     run_nsp, today as server_today)

ID_LIMIT = 2 ** 53    # JSON numbers and JavaScript hold every id below it exactly


def ids_of(answer, key):
    return [x["id"] for x in answer[key]]


def assert_random(ids):
    """Registered one after another, with others' registrations between some of them:
    no two neighbours are adjacent numbers, every id fits in 53 bits."""
    assert all(1 <= i < ID_LIMIT for i in ids), ids
    assert all(abs(a - b) != 1 for a, b in zip(ids, ids[1:])), ids


def test_random_ids_persons_in_a_row_are_not_adjacent_and_lists_keep_registration_order():
    with Server() as s:
        w = World(s)
        org, other = w.org(), w.org()
        _, cw = w.user("caseworker", org)
        _, cw2 = w.user("caseworker", other)
        mine = [w.person(token=cw) for _ in range(3)]
        theirs = [w.person(token=cw2) for _ in range(4)]      # the other organisation's, in between
        mine += [w.person(token=cw) for _ in range(3)]
        assert_random([p["id"] for p in mine])
        # What the caseworker can see of the ids says nothing of the other organisation's four:
        # the difference between the third and the fourth is not the count in between plus one.
        assert mine[3]["id"] - mine[2]["id"] != len(theirs) + 1, mine
        # The lists sort by registration, not by id: oldest first, newest first, pages.
        got = expect_ok(s.get(f"{API}/persons", token=cw), 200)
        assert ids_of(got, "persons") == [p["id"] for p in mine], got
        got = expect_ok(s.get(f"{API}/persons?order=newest", token=cw), 200)
        assert ids_of(got, "persons") == [p["id"] for p in mine][::-1], got
        got = expect_ok(s.get(f"{API}/persons?limit=2&offset=2", token=cw), 200)
        assert ids_of(got, "persons") == [mine[2]["id"], mine[3]["id"]] and got["total"] == 6, got
        got = expect_ok(s.get(f"{API}/persons", token=w.coord), 200)
        assert ids_of(got, "persons") == [p["id"] for p in mine[:3] + theirs + mine[3:]], got
        # A person is found by the random id, and another organisation's is not.
        expect_ok(s.get(f"{API}/persons/{mine[4]['id']}", token=cw), 200)
        assert s.get(f"{API}/persons/{theirs[0]['id']}", token=cw).status == 404
        # A family's children in the order they were registered.
        kids = [w.child(mine[0]["id"], org_id=org) for _ in range(3)]
        assert_random([k["id"] for k in kids])
        w.admit(mine[0]["id"])
        f, t = period("2024-03-01", 30)
        app = w.application(mine[0]["id"], "reflection", submitted_on="2024-03-01", **{"from": f, "to": t},
                            children=[k["id"] for k in kids[::-1]])
        assert app["children"] == [k["id"] for k in kids], app


def test_random_ids_applications_decisions_claims_payments_are_random_and_listed_in_order():
    with Server() as s:
        w = World(s)
        org, other = w.org(), w.org()
        _, cw = w.user("caseworker", org)
        persons = [w.admitted(org) for _ in range(3)]
        w.admitted(other)                                     # another organisation's, in between
        persons.append(w.admitted(org))
        apps, decs = [], []
        for p in persons:
            f, t = period("2024-03-01", 10)
            a = w.application(p["id"], "reflection", token=cw, submitted_on="2024-03-01", **{"from": f, "to": t})
            apps.append(a)
            decs.append(expect_ok(w.decide(a["id"], decided_on="2024-03-01")))
        assert_random([a["id"] for a in apps])
        assert_random([d["id"] for d in decs])
        got = expect_ok(s.get(f"{API}/applications?status=decided", token=cw), 200)
        mine_apps = [i for i in ids_of(got, "applications") if i in {a["id"] for a in apps}]
        assert mine_apps == [a["id"] for a in apps], got
        got = expect_ok(s.get(f"{API}/decisions?year=2024", token=cw), 200)
        listed = [i for i in ids_of(got, "decisions") if i in {d["id"] for d in decs}]
        assert listed == [d["id"] for d in decs], got
        every = ids_of(got, "decisions")
        got = expect_ok(s.get(f"{API}/decisions?year=2024&limit=3&offset=2", token=cw), 200)
        assert ids_of(got, "decisions") == every[2:5], (every, got)
        # Claims, one after another on each decision, listed in order.
        claims = []
        for d in decs:
            claims.append(expect_ok(s.post(f"{API}/claims", {"decision_id": d["id"], "reference": "F-1",
                                                             "submitted_on": "2024-03-11", "from": "2024-03-01",
                                                             "to": "2024-03-05"}, token=cw)))
        assert_random([c["id"] for c in claims])
        got = expect_ok(s.get(f"{API}/claims", token=cw), 200)    # newest first: all submitted the same day
        assert ids_of(got, "claims") == [c["id"] for c in claims][::-1], got
        # Payments on one decision the same day, listed in the order they were made.
        pays = [expect_ok(w.pay(decs[0]["id"], 1000 + i, "2024-03-20")) for i in range(4)]
        assert_random([p["id"] for p in pays])
        got = expect_ok(s.get(f"{API}/decisions/{decs[0]['id']}/payments", token=cw), 200)
        assert ids_of(got, "payments") == [p["id"] for p in pays], got
        # Placement requests (each organisation sees its own): random, listed by date, then as made.
        day = server_today().isoformat()
        reqs = []
        for i in range(4):
            if i == 2:
                expect_ok(s.post(f"{API}/placement-requests", {"date": day, "region": "Stockholm",
                                                               "target_group": "women",
                                                               "outcome": "no_place_available"},
                                 token=w.coord))          # someone else's, in between
            reqs.append(expect_ok(s.post(f"{API}/placement-requests", {
                "date": day, "region": "Stockholm", "target_group": "women", "outcome": "no_place_available"}, token=cw)))
        assert_random([r["id"] for r in reqs])
        got = expect_ok(s.get(f"{API}/placement-requests", token=cw), 200)
        assert ids_of(got, "placement_requests") == [r["id"] for r in reqs], got


def test_random_ids_migration_14_keeps_the_old_ids_and_puts_new_rows_after_them():
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        old = [w.person(token=cw, identity={"name": f"Gammal {i}"}) for i in range(3)]
        w.admit(old[0]["id"])
        f, t = period("2024-03-01", 10)
        dec = w.grant(old[0]["id"], "reflection", "2024-03-01", **{"from": f, "to": t})
        pay = expect_ok(w.pay(dec["id"], 500, "2024-03-05"))
        s.stop()
        # a database of schema 13, as before the migration
        with sqlite3.connect(s.db) as con:
            con.executescript(UNDO_MIGRATION_14)
        r = run_nsp("retention", "run", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and "upgrading the database to schema version 14" in r.stderr, r
        with sqlite3.connect(s.db) as con:
            assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            # every old row keeps its id, and its place is its id
            for table in ("persons", "applications", "decisions", "claims", "payments", "placement_requests"):
                bad = con.execute(f"SELECT count(*) FROM {table} WHERE seq IS NOT id").fetchone()[0]
                assert bad == 0, table
            assert con.execute("SELECT seq FROM payments WHERE id = ?", (pay["id"],)).fetchone() == (pay["id"],)
            triggers = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                                   "AND tbl_name = 'payments'")]
            assert "payments_no_update" in triggers, triggers     # payments stay append-only
            try:
                con.execute("UPDATE payments SET amount_ore = 1")
                raise AssertionError("a payment was changed")
            except sqlite3.IntegrityError as e:
                assert "append-only" in str(e)
        s.start()
        w.coord = s.login("samordnare", COORD_PASSWORD)
        new = w.person(org)
        # the old rows in the order of their ids (before the migration, the order of registration),
        # the new one after them
        got = expect_ok(s.get(f"{API}/persons", token=w.coord), 200)
        assert ids_of(got, "persons") == sorted(p["id"] for p in old) + [new["id"]], got
        # the identities sealed under the old ids still open
        for p in old:
            got = expect_ok(s.get(f"{API}/persons/{p['id']}", token=w.coord), 200)
            assert got["identity"]["name"].startswith("Gammal"), got
        assert run_nsp("audit", "verify", "--db", s.db).returncode == 0
