"""The contact register (issue 19): member organisations of the platform,
certified or not, record contacts with persons outside the programme; an
organisation sees only its own (404 for another's), the coordinator all,
the funder none; identity given for the linkage keys is never stored."""
import glob
import os
import sqlite3

from harness import API, COORD_PASSWORD, SCHEMA_VERSION, UNDO_MIGRATION_14, Server, World, expect, expect_ok, iso, plus, run_nsp, today


def member_org(w, member=True, certified_on="2023-01-01"):
    org = w.org(certified_on=certified_on)
    expect_ok(w.s.put(f"{API}/organisations/{org}/member", {"member": member}, token=w.coord), 200)
    return org


def contact(**fields):
    body = {"date": iso(today()), "gender": "female", "age_group": "adult",
            "exploitation_forms": ["sexual_exploitation"], "region": "Stockholm",
            "referral_source": "civil_society", "missing_support": ["housing"],
            "basis": {"kind": "public_actor_denied", "actor_kind": "social_services",
                      "reason_category": "lacks_personal_number"}}
    body.update(fields)
    return body


def test_the_coordinator_sets_membership_and_only_members_record_contacts():
    with Server() as s:
        w = World(s)
        certified = w.org()
        got = expect_ok(s.get(f"{API}/organisations/{certified}", token=w.coord), 200)
        assert got["member"] is False, got
        _, cw = w.user("caseworker", certified)
        # certified but not a member: refused, in both languages
        err = expect(s.post(API + "/contacts", contact(), token=cw), 403, code="forbidden")
        assert "inte medlem" in err["error"]["message_sv"] and "not a member" in err["error"]["message_en"], err
        # a caseworker may not make their organisation a member
        expect(s.put(f"{API}/organisations/{certified}/member", {"member": True}, token=cw), 403, code="forbidden")
        expect(s.put(f"{API}/organisations/999999/member", {"member": True}, token=w.coord), 404, code="not_found")
        expect(s.put(f"{API}/organisations/{certified}/member", {"member": "yes"}, token=w.coord), 400,
               code="invalid", field="member")
        got = expect_ok(s.put(f"{API}/organisations/{certified}/member", {"member": True}, token=w.coord), 200)
        assert got["member"] is True, got
        expect_ok(s.post(API + "/contacts", contact(), token=cw))
        # a member never certified records contacts too; certification governs applications only (R1)
        uncertified = w.org(certified_on=None)
        expect_ok(s.put(f"{API}/organisations/{uncertified}/member", {"member": True}, token=w.coord), 200)
        _, cw2 = w.user("caseworker", uncertified)
        c = expect_ok(s.post(API + "/contacts", contact(), token=cw2))
        assert c["organisation_id"] == uncertified, c
        p = w.person(uncertified, token=cw2)
        err = expect(s.post(API + "/applications", {"person_id": p["id"], "type": "admission", "identified": True,
                                                     "needs_assessment": "behov",
                                                     "basis": {"kind": "no_designated_actor"}}, token=cw2), 422)
        assert err["error"]["rule"] == "R1", err
        # an organisation made a member at creation; the membership ends
        o = expect_ok(s.post(API + "/organisations", {"name": "Medlem direkt", "kind": "low_threshold",
                                                      "regions": ["Syd"], "member": True}, token=w.coord))
        assert o["member"] is True, o
        expect_ok(s.put(f"{API}/organisations/{uncertified}/member", {"member": False}, token=w.coord), 200)
        expect(s.post(API + "/contacts", contact(), token=cw2), 403, code="forbidden")
        # the coordinator records for a member only, and must name it
        expect(s.post(API + "/contacts", contact(), token=w.coord), 400, code="invalid", field="organisation_id")
        expect(s.post(API + "/contacts", contact(organisation_id=uncertified), token=w.coord), 400,
               code="invalid", field="organisation_id")
        expect(s.post(API + "/contacts", contact(organisation_id=999999), token=w.coord), 404, code="not_found")
        c = expect_ok(s.post(API + "/contacts", contact(organisation_id=certified), token=w.coord))
        assert c["organisation_id"] == certified, c


def test_a_contact_is_validated_field_by_field_in_both_languages():
    with Server() as s:
        w = World(s)
        org = member_org(w)
        _, cw = w.user("caseworker", org)
        body = contact()
        del body["missing_support"]
        err = expect(s.post(API + "/contacts", body, token=cw), 400, code="invalid", field="missing_support")
        assert err["error"]["message_sv"] and err["error"]["message_en"], err
        expect(s.post(API + "/contacts", contact(missing_support=[]), token=cw), 400, field="missing_support")
        expect(s.post(API + "/contacts", contact(missing_support=["a_castle"]), token=cw), 400,
               field="missing_support[0]")
        expect(s.post(API + "/contacts", contact(date=plus(iso(today()), 1)), token=cw), 400, field="date")
        expect(s.post(API + "/contacts", contact(region="Lappland"), token=cw), 400, field="region")
        expect(s.post(API + "/contacts", contact(gender=None), token=cw), 400, field="gender")
        expect(s.post(API + "/contacts", contact(basis={"kind": "no_designated_actor",
                                                         "actor_kind": "police"}), token=cw), 400,
               field="basis.actor_kind")
        expect(s.post(API + "/contacts", contact(identity={"name": "X", "personnummer": "1"}), token=cw), 400,
               field="identity.personnummer")
        expect(s.post(API + "/contacts", contact(identity={"birth_date": plus(iso(today()), 1)}), token=cw), 400,
               field="identity.birth_date")
        # the minimum: date, gender, age group, region and what support was missing
        c = expect_ok(s.post(API + "/contacts", {"gender": "male", "age_group": "child", "region": "Nord",
                                                  "missing_support": ["legal_advice", "basic_needs"]}, token=cw))
        assert c["date"] == iso(today()) and c["basis"] is None and c["referral_source"] is None, c
        assert c["missing_support"] == ["legal_advice", "basic_needs"], c


def test_an_organisation_sees_only_its_own_contacts_and_the_funder_none():
    with Server() as s:
        w = World(s)
        a, b = member_org(w), member_org(w)
        _, cwa = w.user("caseworker", a)
        _, cwb = w.user("caseworker", b)
        _, funder = w.user("funder")
        ca = expect_ok(s.post(API + "/contacts", contact(), token=cwa))
        cb = expect_ok(s.post(API + "/contacts", contact(gender="male"), token=cwb))
        expect_ok(s.get(f"{API}/contacts/{ca['id']}", token=cwa), 200)
        # another organisation's contact answers as one that does not exist
        for cid in (cb["id"], 999999):
            expect(s.get(f"{API}/contacts/{cid}", token=cwa), 404, code="not_found")
        expect(s.post(API + "/contacts", contact(organisation_id=b), token=cwa), 404, code="not_found")
        got = expect_ok(s.get(API + "/contacts", token=cwa), 200)
        assert [c["id"] for c in got["contacts"]] == [ca["id"]] and got["total"] == 1, got
        # the coordinator names an organisation as a filter; a caseworker's filter is always their own
        got = expect_ok(s.get(f"{API}/contacts?organisation_id={b}", token=cwa), 200)
        assert [c["id"] for c in got["contacts"]] == [ca["id"]], got
        got = expect_ok(s.get(API + "/contacts", token=w.coord), 200)
        assert {c["id"] for c in got["contacts"]} == {ca["id"], cb["id"]}, got
        got = expect_ok(s.get(f"{API}/contacts?organisation_id={b}", token=w.coord), 200)
        assert [c["id"] for c in got["contacts"]] == [cb["id"]], got
        expect_ok(s.get(f"{API}/contacts/{cb['id']}", token=w.coord), 200)
        for call in (s.get(API + "/contacts", token=funder), s.get(f"{API}/contacts/{ca['id']}", token=funder),
                     s.post(API + "/contacts", contact(), token=funder)):
            expect(call, 403, code="forbidden")
        # recording and every read are audited, as for persons; a refused read is counted
        s.stop()
        with sqlite3.connect(s.db) as con:
            actions = [r[0] for r in con.execute("SELECT action FROM audit WHERE action LIKE 'contact.%' "
                                                 "OR action = 'read.denied' ORDER BY id")]
        assert actions.count("contact.create") == 2 and "contact.read" in actions, actions
        assert "contact.list" in actions and "read.denied" in actions, actions


def test_the_list_is_newest_first_with_pages_and_filters():
    with Server() as s:
        w = World(s)
        org = member_org(w)
        _, cw = w.user("caseworker", org)
        t = iso(today())
        made = []
        for i in range(7):
            made.append(expect_ok(s.post(API + "/contacts", contact(
                date=plus(t, -10 * i), gender="male" if i % 2 else "female",
                region="Syd" if i < 3 else "Väst", age_group="child" if i == 6 else "adult"), token=cw)))
        got = expect_ok(s.get(API + "/contacts?limit=3", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == [m["id"] for m in made[:3]] and got["total"] == 7, got
        got = expect_ok(s.get(API + "/contacts?limit=3&offset=3", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == [m["id"] for m in made[3:6]], got
        got = expect_ok(s.get(API + "/contacts?order=oldest&limit=2", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == [made[6]["id"], made[5]["id"]], got
        got = expect_ok(s.get(API + "/contacts?gender=male", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == [made[1]["id"], made[3]["id"], made[5]["id"]], got
        got = expect_ok(s.get(API + "/contacts?region=Syd&gender=female", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == [made[0]["id"], made[2]["id"]], got
        got = expect_ok(s.get(API + "/contacts?age_group=child", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == [made[6]["id"]], got
        got = expect_ok(s.get(f"{API}/contacts?from={plus(t, -30)}&to={plus(t, -10)}", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == [m["id"] for m in made[1:4]], got
        for bad, field in (("gender=x", "gender"), ("from=2025-13-01", "from"), ("limit=0", "limit"),
                           ("order=random", "order"), ("region=Lappland", "region")):
            expect(s.get(f"{API}/contacts?{bad}", token=cw), 400, code="invalid", field=field)
        # Ids count nothing (migration 14): recorded in a row, with another organisation's in
        # between, they are not neighbours; on the same day the list keeps the order recorded.
        other = member_org(w)
        _, cw2 = w.user("caseworker", other)
        ids = [expect_ok(s.post(API + "/contacts", contact(date=t), token=cw))["id"] for _ in range(2)]
        expect_ok(s.post(API + "/contacts", contact(date=t), token=cw2))
        ids.append(expect_ok(s.post(API + "/contacts", contact(date=t), token=cw))["id"])
        assert all(1 <= i < 2 ** 53 for i in ids) and all(abs(a - b) != 1 for a, b in zip(ids, ids[1:])), ids
        got = expect_ok(s.get(API + "/contacts?limit=4", token=cw), 200)
        assert [c["id"] for c in got["contacts"]] == ids[::-1] + [made[0]["id"]], got


def test_identity_given_for_linkage_is_never_stored_logged_or_answered():
    name, country = "Zyxwvuta Qompeltrand", "Ruritaniskt Fjärrland"
    with Server() as s:
        w = World(s)
        org = member_org(w)
        _, cw = w.user("caseworker", org)
        c = expect_ok(s.post(API + "/contacts", contact(identity={"name": name, "birth_date": "1990-04-05",
                                                                   "birth_country": country}), token=cw))
        assert "identity" not in c and name not in str(c), c
        got = expect_ok(s.get(f"{API}/contacts/{c['id']}", token=cw), 200)
        assert name not in str(got) and "1990-04-05" not in str(got), got
        s.stop()
        stderr = s.stderr_text()
        blobs = b""
        for path in glob.glob(os.path.join(s.dir, "*")):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    blobs += f.read()
        for secret in (name, country, "Qompeltrand", "1990-04-05"):
            assert secret.encode() not in blobs, f"{secret} is in the database's files"
            assert secret not in stderr, f"{secret} is in the server's log"


def test_the_report_counts_contacts_distinct_persons_and_those_who_entered_exactly():
    """A constructed case: the same woman in contact with two organisations
    (names swapped) and registered and admitted in the programme; the same man
    in contact with both; a girl without identity; a man of his own. Each
    counts once; only the woman entered the programme."""
    with Server() as s:
        w = World(s)
        y = today().year - 1
        a, b = member_org(w), member_org(w)
        _, cwa = w.user("caseworker", a)
        _, cwb = w.user("caseworker", b)
        _, funder = w.user("funder")
        anna = {"name": "Anna Svensson", "birth_date": "1990-01-02"}
        p = w.person(token=cwa, identity=anna)
        w.admit(p["id"], on=f"{y}-06-01", token=cwa)
        omar = {"name": "Omar Haddad", "birth_date": "1985-05-05", "birth_country": "Syrien"}
        made = [
            (cwa, contact(date=f"{y}-03-01", identity=anna)),
            (cwb, contact(date=f"{y}-04-01", identity={"name": "SVENSSON, Anna", "birth_date": "1990-01-02"})),
            (cwb, contact(date=f"{y}-04-02", gender="female", age_group="child")),
            (cwa, contact(date=f"{y}-05-01", gender="male", identity=omar)),
            (cwb, contact(date=f"{y}-09-01", gender="male", identity=omar)),
            (cwa, contact(date=f"{y}-10-01", gender="male", identity={"name": "Jonas Berg",
                                                                     "birth_date": "1970-01-01"})),
            # the year before does not count in y
            (cwa, contact(date=f"{y - 1}-12-31", gender="male", identity=omar)),
        ]
        for token, body in made:
            expect_ok(s.post(API + "/contacts", body, token=token))
        rep = expect_ok(s.get(f"{API}/reports/annual/{y}", token=funder), 200)["contacts"]
        zero = {k: 0 for k in ("women", "men", "trans_women", "trans_men", "non_binary", "girls", "boys",
                               "unknown")}
        assert rep["contacts"] == dict(zero, women=2, men=3, girls=1, total=6), rep
        assert rep["distinct_persons"] == dict(zero, women=1, men=2, girls=1, total=4), rep
        assert rep["entered_programme"] == dict(zero, women=1, total=1), rep
        # the year before: one contact, one person, who never entered
        before = expect_ok(s.get(f"{API}/reports/annual/{y - 1}", token=w.coord), 200)["contacts"]
        assert before["contacts"]["total"] == 1 and before["distinct_persons"]["total"] == 1, before
        assert before["entered_programme"]["total"] == 0, before
        # open data: every count below k withheld, 0 stays 0
        od = expect_ok(s.get(f"{API}/reports/annual/{y}?open_data=1&k=5", token=funder), 200)["contacts"]
        assert od["contacts"]["total"] == 6 and od["contacts"]["men"] is None and od["contacts"]["boys"] == 0, od
        assert od["distinct_persons"]["total"] is None and od["entered_programme"]["women"] is None, od
        # every export and the English report carry the section
        for fmt, word in (("csv", "Personer i kontakt med plattformen"), ("md", "Olika personer"),
                          ("html", "Varav kom in i programmet")):
            r = s.get(f"{API}/reports/annual/{y}?format={fmt}", token=funder)
            assert r.status == 200 and word in r.text, (fmt, r.text[-500:])
        r = s.get(f"{API}/reports/annual/{y}?format=xlsx", token=funder)
        assert r.status == 200 and r.body[:2] == b"PK", r
        # a caseworker sees none of it, and of the other organisation's contacts nothing
        expect(s.get(f"{API}/reports/annual/{y}", token=cwa), 403, code="forbidden")
        theirs = expect_ok(s.get(API + "/contacts", token=cwb), 200)["contacts"]
        for c in theirs:
            expect(s.get(f"{API}/contacts/{c['id']}", token=cwa), 404, code="not_found")


def test_migration_13_makes_every_organisation_ever_certified_a_member():
    with Server() as s:
        w = World(s)
        certified, suspended, never = w.org(), w.org(), w.org(certified_on=None)
        w.certify(suspended, "suspended", "2023-06-01")
        s.stop()
        with sqlite3.connect(s.db) as con:
            con.executescript(UNDO_MIGRATION_14 + "DROP TABLE contacts; ALTER TABLE organisations DROP COLUMN member;"
                              "PRAGMA user_version = 12;")
        r = run_nsp("retention", "run", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and "upgrading the database to schema version 13" in r.stderr, r
        with sqlite3.connect(s.db) as con:
            assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION   # and on to the newest
            members = dict(con.execute("SELECT id, member FROM organisations").fetchall())
        assert (members[certified], members[suspended], members[never]) == (1, 1, 0), members
        s.start()
        token = s.login("samordnare", COORD_PASSWORD)
        got = expect_ok(s.get(f"{API}/organisations/{never}", token=token), 200)
        assert got["member"] is False, got
        c = expect_ok(s.post(API + "/contacts", contact(organisation_id=certified), token=token))
        assert c["organisation_id"] == certified, c
