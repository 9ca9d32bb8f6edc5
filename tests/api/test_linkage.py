"""Issue 19: linkage keys, duplicate hints for the coordinator, the coordinator's marks, R3-R6
across a linked pair, and the report's distinct persons counted exactly on a constructed case.

Every new route is tried by a caseworker and the funder (403: the role never reaches them), and
a caseworker's every request about another organisation's person still answers 404."""
import json
import sqlite3

from harness import API, COORD_PASSWORD, UNDO_MIGRATION_14, Server, World, expect, expect_ok, expect_rule, run_nsp, span_days

ANA = {"name": "Ana-Maria Popescu", "birth_date": "1990-04-12", "birth_country": "Rumänien"}
# The same woman registered by another organisation: names swapped, no hyphen, no diacritic.
ANA_AGAIN = {"name": "POPESCU Ana Maria", "birth_date": "1990-04-12", "birth_country": "Rumanien"}
# A misspelling, a day wrong: not the exact key, a hint by similarity.
ANA_TYPO = {"name": "Ana Maria Popesku", "birth_date": "1990-04-12", "birth_country": "Rumänien"}
OTHER = {"name": "Zofia Kowalska", "birth_date": "1985-11-02", "birth_country": "Polen"}


def keys(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return {row[0]: row[1:] for row in con.execute(
            "SELECT subject_id, organisation_id, fields, exact_key IS NOT NULL FROM linkage_keys "
            "WHERE subject_kind = 'person'")}


def pair_of(pairs, a, b):
    for p in pairs:
        ids = {(p["a"]["kind"], p["a"]["id"]), (p["b"]["kind"], p["b"]["id"])}
        if ids == {("person", a), ("person", b)}:
            return p
    return None


def test_linkage_keys_follow_the_identity_and_hints_reach_only_the_coordinator():
    with Server() as s:
        w = World(s)
        org_a, org_b = w.org(), w.org()
        _, cw_a = w.user("caseworker", org_a)
        _, cw_b = w.user("caseworker", org_b)
        _, funder = w.user("funder")
        pa = w.person(org_a, token=cw_a, identity=ANA)
        pb = w.person(org_b, token=cw_b, identity=ANA_AGAIN)
        pc = w.person(org_b, token=cw_b, identity=ANA_TYPO)
        pd = w.person(org_a, token=cw_a, identity=OTHER)
        bare = w.person(org_a, token=cw_a)

        k = keys(s.db)
        assert k[pa["id"]] == (org_a, 7, 1) and k[pb["id"]] == (org_b, 7, 1), k
        assert bare["id"] not in k, k      # no identity, no keys
        # No identity text in the keys' table: only keyed hashes.
        with open(s.db, "rb") as fh:
            raw = fh.read()
        assert b"Popescu" not in raw and b"popescu" not in raw

        # The coordinator's list: the exact pair across organisations, the misspelt one by similarity.
        r = expect_ok(s.get(f"{API}/duplicates", token=w.coord), 200)
        assert "Popescu" not in r and "1990" not in json.dumps(r), r
        exact = pair_of(r["pairs"], pa["id"], pb["id"])
        assert exact and exact["exact"] and exact["across_organisations"] and exact["mark"] is None, r
        assert exact["fields"]["name"]["agrees"] and exact["fields"]["birth_date"]["agrees"], exact
        assert {exact["a"]["code"], exact["b"]["code"]} == {pa["code"], pb["code"]}, exact
        typo = pair_of(r["pairs"], pa["id"], pc["id"])
        assert typo and not typo["exact"] and r["threshold"] <= typo["similarity"] < 1, r
        assert pair_of(r["pairs"], pb["id"], pc["id"]) is not None, r     # within one organisation too
        assert pair_of(r["pairs"], pa["id"], pd["id"]) is None, r

        # A caseworker and the funder: nothing, on every new route.
        for token in (cw_a, funder):
            expect(s.get(f"{API}/duplicates", token=token), 403, "forbidden")
            expect(s.post(f"{API}/duplicates/{pa['id']}/{pb['id']}", {"same": True}, token=token), 403, "forbidden")
            expect(s.get("/duplicates", token=token), 403)
            expect(s.post(f"/duplicates/{pa['id']}/{pb['id']}/1/same", {"confirm": "1"}, token=token), 403)
        # ... and about another organisation's person still 404, however they ask.
        for path in (f"{API}/persons/{pb['id']}", f"{API}/persons/{pb['id']}/allowance"):
            expect(s.get(path, token=cw_a), 404, "not_found")
        expect(s.put(f"{API}/persons/{pb['id']}/identity", {"identity": ANA}, token=cw_a), 404, "not_found")
        expect(s.post(f"{API}/persons/{pb['id']}/exit", {"date": "2024-05-01", "destination": "other"},
                      token=cw_a), 404, "not_found")

        # Marks: the coordinator's word; refusals named.
        expect(s.post(f"{API}/duplicates/{pa['id']}/{pa['id']}", {"same": True}, token=w.coord), 409)
        expect(s.post(f"{API}/duplicates/{pa['id']}/{bare['id']}", {"same": True}, token=w.coord), 404)
        expect(s.post(f"{API}/duplicates/{pa['id']}/{pb['id']}", {}, token=w.coord), 400, field="same")
        expect(s.post(f"{API}/duplicates/{pa['id']}/{pb['id']}", {"same": True, "a_kind": "x"}, token=w.coord),
               400, field="a_kind")
        m = expect_ok(s.post(f"{API}/duplicates/{pb['id']}/{pa['id']}", {"same": False}, token=w.coord), 200)
        assert m["mark"] == "not_same", m
        m = expect_ok(s.post(f"{API}/duplicates/{pb['id']}/{pa['id']}", {"same": True}, token=w.coord), 200)
        r = expect_ok(s.get(f"{API}/duplicates", token=w.coord), 200)
        assert pair_of(r["pairs"], pa["id"], pb["id"])["mark"] == "same", r
        assert r["pairs"][-1]["mark"] == "same", r      # marked pairs come last

        # A new identity gives new keys; removing it removes them (a correction, not R12).
        expect_ok(s.put(f"{API}/persons/{pd['id']}/identity", {"identity": {"name": "Zofia Nowak"}}, token=cw_a), 200)
        assert keys(s.db)[pd["id"]] == (org_a, 1, 0)
        expect_ok(s.put(f"{API}/persons/{pd['id']}/identity", {"identity": {}}, token=cw_a), 200)
        assert pd["id"] not in keys(s.db)


def r3_status(s, w, app_id):
    checks = expect_ok(s.get(f"{API}/applications/{app_id}/checks", token=w.coord), 200)["checks"]
    return next(c["status"] for c in checks if c["rule"] == "R3")


def test_a_linked_pair_shares_the_reflection_allowance_r3():
    with Server() as s:
        w = World(s)
        org_a, org_b = w.org(), w.org()
        pa = w.admitted(org_a, on="2024-02-01", identity=ANA)
        pb = w.admitted(org_b, on="2024-02-01", identity=ANA_AGAIN)
        w.grant(pa["id"], "reflection", "2024-02-02", **span_days("2024-02-02", 20))

        # Not linked: each has 30 days of her own.
        first = w.application(pb["id"], "reflection", submitted_on="2024-02-02", **span_days("2024-02-02", 15))
        assert r3_status(s, w, first["id"]) == "allowed"

        # Marked the same person: 20 days used by the pair, 15 more refused, 10 allowed.
        expect_ok(s.post(f"{API}/duplicates/{pa['id']}/{pb['id']}", {"same": True}, token=w.coord), 200)
        assert r3_status(s, w, first["id"]) == "refused"
        expect_rule(w.decide(first["id"], decided_on="2024-02-03"), "R3", "20")
        allowance = expect_ok(s.get(f"{API}/persons/{pb['id']}/allowance", token=w.coord), 200)
        assert "20" in json.dumps(allowance), allowance
        second = w.application(pb["id"], "reflection", submitted_on="2024-02-02", **span_days("2024-02-23", 10))
        expect_ok(w.decide(second["id"], decided_on="2024-02-03"))

        # Not the same after all: the allowance is her own again.
        expect_ok(s.post(f"{API}/duplicates/{pa['id']}/{pb['id']}", {"same": False}, token=w.coord), 200)
        third = w.application(pb["id"], "reflection", submitted_on="2024-03-05", **span_days("2024-03-05", 20))
        expect_ok(w.decide(third["id"], decided_on="2024-03-05"))


def test_the_report_counts_distinct_persons_exactly_on_a_constructed_case():
    with Server() as s:
        w = World(s)
        org_a, org_b = w.org(), w.org()

        def covered(org, identity=None):
            fields = {"identity": identity} if identity else {}
            return w.admitted(org, on="2024-03-01", **fields)

        # 1-2: one woman, registered by both organisations (equal exact keys): one person.
        p1 = covered(org_a, ANA)
        p2 = covered(org_b, ANA_AGAIN)
        # 3-4: misspelt, marked the same by the coordinator: one person.
        p3 = covered(org_a, {"name": "Olena Shevchenko", "birth_date": "1979-06-30"})
        p4 = covered(org_b, {"name": "Olena Schevchenko", "birth_date": "1979-06-03"})
        # 5-6: equal exact keys, but the coordinator knows two women: two persons.
        p5 = covered(org_a, {"name": "Maria Ionescu", "birth_date": "1992-01-01"})
        p6 = covered(org_b, {"name": "Maria Ionescu", "birth_date": "1992-01-01"})
        # 7: no identity at all: a person of her own.
        covered(org_a)
        # 8: marked the same as a person not covered in 2024: still one.
        p8 = covered(org_b, {"name": "Blessing Okafor", "birth_date": "1999-09-09"})
        p9 = w.person(org_a, identity={"name": "Blessing Okafor", "birth_date": "1999-09-19"})
        # 10: not covered in 2024 at all (registered, no decision), same keys as 1: not counted.
        w.person(org_a, identity=ANA)

        for a, b, same in ((p3, p4, True), (p5, p6, False), (p8, p9, True)):
            expect_ok(s.post(f"{API}/duplicates/{a['id']}/{b['id']}", {"same": same}, token=w.coord), 200)
        r = expect_ok(s.get(f"{API}/reports/annual/2024", token=w.coord), 200)
        assert r["persons"]["total"] == 8, r["persons"]
        assert r["distinct_persons"] == {"covered": 6}, r["distinct_persons"]
        assert p1 and p2

        # Beside the programme's own count in every export, in Swedish and English.
        for fmt, lang, word in (("csv", "sv", "Olika personer"), ("md", "sv", "Olika personer"),
                                ("html", "sv", "Olika personer"), ("md", "en", "Distinct persons")):
            s.put(f"{API}/me/lang", {"lang": lang}, token=w.coord)
            body = s.get(f"{API}/reports/annual/2024?format={fmt}", token=w.coord)
            assert body.status == 200 and word in body.text, (fmt, lang, body.text[:400])
        s.put(f"{API}/me/lang", {"lang": "sv"}, token=w.coord)
        # Open data: 8 - 6 = 2 persons registered twice is below k = 5: withheld.
        od = expect_ok(s.get(f"{API}/reports/annual/2024?open_data=1&k=5", token=w.coord), 200)
        assert od["distinct_persons"] == {"covered": None}, od["distinct_persons"]
        od = expect_ok(s.get(f"{API}/reports/annual/2024?open_data=1&k=2", token=w.coord), 200)
        assert od["distinct_persons"] == {"covered": 6} and od["persons"]["total"] == 8, od

        # The command line gives the same figure.
        s.stop()
        out = run_nsp("report", "--db", s.db, "--year", "2024", "--format", "json")
        assert out.returncode == 0 and json.loads(out.stdout)["distinct_persons"] == {"covered": 6}, out


def test_an_upgrade_computes_the_keys_of_persons_registered_before_it():
    with Server() as s:
        w = World(s)
        org = w.org()
        pa = w.person(org, identity=ANA)
        pb = w.person(org, identity=ANA_AGAIN)
        s.stop()
        with sqlite3.connect(s.db) as con:
            # migration 13 (the contact register) turned back too
            con.executescript(UNDO_MIGRATION_14 + "DROP TABLE contacts; ALTER TABLE organisations DROP COLUMN member;"
                              "DROP TABLE linkage_marks; DROP TABLE linkage_keys; PRAGMA user_version = 11;")
        r = run_nsp("retention", "run", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and "upgrading the database to schema version 12" in r.stderr, r
        k = keys(s.db)
        assert k[pa["id"]] == (org, 7, 1) and k[pb["id"]] == (org, 7, 1), k
        s.start()
        token = s.login("samordnare", COORD_PASSWORD)
        r = expect_ok(s.get(f"{API}/duplicates", token=token), 200)
        assert pair_of(r["pairs"], pa["id"], pb["id"])["exact"], r
