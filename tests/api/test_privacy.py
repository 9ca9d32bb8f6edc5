"""Identity data at rest, and the audit log's hash chain against tampering."""
import os
import re
import shutil
import sqlite3
import tempfile

from harness import API, Server, World, expect, expect_ok, run_nsp

NAME = "Xanthippa Kvarnström-Zyxelius"
PHONE = "+46 70 999 12 34"
NOTES = "Gömd adress: Lönngången 17, Kvarnby"
NEW_NAME = "Ebbe Nyidentitetsson-Qwx"


def files_of(db):
    return [f for f in (db, db + "-wal", db + "-shm", db + "-journal") if os.path.exists(f)]


def raw_bytes(db):
    out = b""
    for f in files_of(db):
        with open(f, "rb") as fh:
            out += fh.read()
    return out


def needles():
    out = []
    for text in (NAME, PHONE, NOTES, NEW_NAME, "Xanthippa", "Lönngången", "Nyidentitetsson"):
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out


def test_identity_is_encrypted_at_rest_and_shown_only_to_the_owning_organisation():
    with Server() as s:
        w = World(s)
        own_org, other_org = w.org("Ägarorganisationen"), w.org("Annan organisation")
        _, own = w.user("caseworker", own_org)
        _, other = w.user("caseworker", other_org)
        _, funder = w.user("funder")
        p = w.person(token=own, identity={"name": NAME, "birth_date": "1990-05-17", "phone": PHONE, "notes": NOTES})
        assert p["has_identity"] is True, p
        # the owning organisation reads it back exactly
        got = expect_ok(s.get(f"{API}/persons/{p['id']}", token=own), 200)
        assert got["identity"] == {"name": NAME, "birth_date": "1990-05-17", "phone": PHONE, "notes": NOTES}, got
        # nobody else does, and the refusals do not carry it
        for token, status in ((other, 404), (funder, 403), (None, 401)):
            r = s.get(f"{API}/persons/{p['id']}", token=token)
            expect(r, status)
            assert NAME not in r.text and PHONE not in r.text and p["code"] not in r.text, r
        listing = s.get(API + "/persons", token=other)
        assert NAME not in listing.text and p["code"] not in listing.text, listing
        # change it, then look at every byte of the database files, while running and after the stop
        expect_ok(s.put(f"{API}/persons/{p['id']}/identity", {"identity": {"name": NEW_NAME, "phone": PHONE}},
                        token=own), 200)
        raw = raw_bytes(s.db)
        assert len(raw) > 10000, "no database bytes read"
        for n in needles():
            assert n not in raw, f"{n!r} is in the database files in clear text"
        # ... while the pseudonymous code is there in clear (so the byte search does work)
        assert p["code"].encode() in raw
        s.stop()
        raw = raw_bytes(s.db)
        for n in needles():
            assert n not in raw, f"{n!r} is in the database files in clear text after the stop"
        s.start()
        again = expect_ok(s.get(f"{API}/persons/{p['id']}", token=own), 200)
        assert again["identity"] == {"name": NEW_NAME, "phone": PHONE}, again


def test_serve_refuses_a_key_file_of_another_database():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.person(org, identity={"name": NAME})
        s.stop()
        other_key = os.path.join(s.dir, "other.key")
        with open(s.db + ".key", "rb") as fh:
            key = bytearray(fh.read())
        # flip one hex digit of the key file (it is text or bytes: change a byte either way)
        i = next(i for i, c in enumerate(key) if chr(c) in "0123456789abcdefABCDEF")
        key[i] = ord("1") if chr(key[i]) != "1" else ord("2")
        with open(other_key, "wb") as fh:
            fh.write(bytes(key))
        os.chmod(other_key, 0o600)
        # A wrong key would seal identities no one can open and break the audit
        # chain: the server refuses to start, naming the key file.
        try:
            s.start("--key-file", other_key)
        except RuntimeError as refused:
            assert "key file" in str(refused) and NAME not in str(refused), refused
        else:
            raise AssertionError("nsp serve started with a key file of another database")
        # ... and with its own key it starts and reads the identity
        s.start()
        got = expect_ok(s.get(f"{API}/persons/{p['id']}", token=w.coord), 200)
        assert got["identity"] == {"name": NAME}, got


def test_person_reads_are_written_to_the_audit_log():
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        p = w.person(token=cw, identity={"name": NAME})
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            def reads():
                return con.execute("SELECT COUNT(*) FROM audit WHERE entity = 'person' AND entity_id = ? "
                                   "AND action LIKE '%read%'", (p["id"],)).fetchone()[0]
            before = reads()
            expect_ok(s.get(f"{API}/persons/{p['id']}", token=cw), 200)
            expect_ok(s.get(f"{API}/persons/{p['id']}", token=w.coord), 200)
            assert reads() == before + 2
            changes = con.execute("SELECT COUNT(*) FROM audit WHERE entity = 'person' AND entity_id = ?",
                                  (p["id"],)).fetchone()[0]
            assert changes >= 3, changes        # registration + two reads
            expect_ok(s.put(f"{API}/persons/{p['id']}/identity", {"identity": {"name": NEW_NAME}}, token=cw), 200)
            expect_ok(s.post(f"{API}/persons/{p['id']}/exit", {"destination": "independent"}, token=cw), 200)
            actions = [r[0] for r in con.execute(
                "SELECT action FROM audit WHERE entity = 'person' AND entity_id = ? ORDER BY id", (p["id"],))]
            assert len(actions) >= changes + 2, actions
            assert any("identity" in x for x in actions[changes:]) and any("exit" in x for x in actions[changes:]), \
                actions
            assert NEW_NAME.encode() not in b"".join(
                (r[0] or "").encode() for r in con.execute("SELECT detail FROM audit"))
            assert NAME.encode() not in b"".join(
                (r[0] or "").encode() for r in con.execute("SELECT detail FROM audit"))
        finally:
            con.close()


def _copy(s, dst_dir, name):
    dst = os.path.join(dst_dir, name)
    for f in files_of(s.db):
        shutil.copy(f, dst + f[len(s.db):])
    shutil.copy(s.db + ".key", dst + ".key")
    return dst


def _verify(db):
    return run_nsp("audit", "verify", "--db", db, env={"NSP_LANG": "en"})


def _named_entry(r):
    m = re.search(r"entry (\d+)", r.stderr)
    assert m, f"verify does not name an entry: {r.stderr!r}"
    return int(m.group(1))


def _tamper(db, *sql):
    con = sqlite3.connect(db)
    try:
        for q in sql:
            con.execute(q)
        con.commit()
    finally:
        con.close()


def test_audit_verify_passes_and_detects_altered_removed_and_swapped_entries():
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        p = w.admitted(org)
        for _ in range(3):
            expect_ok(s.get(f"{API}/persons/{p['id']}", token=cw), 200)
        s.stop()
        r = _verify(s.db)
        assert r.returncode == 0, r
        with tempfile.TemporaryDirectory(prefix="nsp-audit-") as tmp:
            con = sqlite3.connect(s.db)
            n = con.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
            con.close()
            assert n >= 8, n

            control = _copy(s, tmp, "control.db")
            assert _verify(control).returncode == 0

            altered = _copy(s, tmp, "altered.db")
            _tamper(altered, "UPDATE audit SET detail = detail || ' (ändrad)' WHERE id = 5")
            r = _verify(altered)
            assert r.returncode != 0 and _named_entry(r) == 5, r

            acted = _copy(s, tmp, "acted.db")
            _tamper(acted, "UPDATE audit SET user_id = 999 WHERE id = 4")
            r = _verify(acted)
            assert r.returncode != 0 and _named_entry(r) == 4, r

            removed = _copy(s, tmp, "removed.db")
            _tamper(removed, "DELETE FROM audit WHERE id = 5")
            r = _verify(removed)
            assert r.returncode != 0 and _named_entry(r) in (5, 6), r

            swapped = _copy(s, tmp, "swapped.db")
            cols = "at, user_id, action, entity, entity_id, detail, prev_hash, hash"
            _tamper(swapped,
                    "CREATE TEMP TABLE t AS SELECT id, " + cols + " FROM audit WHERE id IN (5, 6)",
                    "UPDATE audit SET (" + cols + ") = (SELECT " + cols + " FROM t WHERE t.id = 6) WHERE id = 5",
                    "UPDATE audit SET (" + cols + ") = (SELECT " + cols + " FROM t WHERE t.id = 5) WHERE id = 6")
            con = sqlite3.connect(swapped)
            now = dict(con.execute("SELECT id, hash FROM audit WHERE id IN (5, 6)").fetchall())
            con.close()
            con = sqlite3.connect(control)
            was = dict(con.execute("SELECT id, hash FROM audit WHERE id IN (5, 6)").fetchall())
            con.close()
            assert now == {5: was[6], 6: was[5]} and was[5] != was[6], (now, was)
            r = _verify(swapped)
            assert r.returncode != 0 and _named_entry(r) in (5, 6), r

            # the original is untouched and still verifies
            assert _verify(s.db).returncode == 0


def test_person_codes_do_not_count_other_organisations_registrations():
    """Issue 16: person codes were one sequence across organisations, so a
    caseworker read from their own codes how many others had registered.
    Codes are now random per person (NSP-YYYY- and eight digits)."""
    import re
    from harness import API, Server, World, expect_ok
    with Server() as s:
        w = World(s)
        a, b = w.org(), w.org()
        _, cw = w.user("caseworker", a)
        mine = [w.person(token=cw)["code"] for _ in range(3)]
        for _ in range(5):
            w.person(b)
        mine.append(w.person(token=cw)["code"])
        assert all(re.fullmatch(r"NSP-\d{4}-[1-9]\d{7}", c) for c in mine), mine
        numbers = [int(c[9:]) for c in mine]
        # not a sequence: the gap over the other organisation's five says nothing
        assert any(y - x != 1 for x, y in zip(numbers, numbers[1:])), numbers
        assert len(set(mine)) == len(mine)
        assert expect_ok(s.get(API + "/persons", token=cw), 200)


def test_reads_refused_across_organisations_are_audited_counted():
    """Issue 16: a caseworker's reads of another organisation's records were
    refused (404, as for none) but left no audit trace. They are now counted
    in the audit log, one "read.denied" row per (user, address, minute) —
    not one row each, so that a flood cannot grow the log."""
    import sqlite3
    from harness import API, Server, World, expect
    with Server() as s:
        w = World(s)
        a, b = w.org(), w.org()
        cw_id, cw = w.user("caseworker", a)
        theirs = w.admitted(b)
        app = expect_ok_list(s, w, theirs["id"])
        probes = [f"/persons/{theirs['id']}", f"/applications/{app['id']}", f"/decisions/{app['decision']['id']}"]
        for _ in range(3):
            for path in probes:
                expect(s.get(API + path, token=cw), 404, code="not_found")
        # a record that does not exist: the same 404, not counted as another organisation's
        expect(s.get(API + "/persons/999999", token=cw), 404, code="not_found")
        s.stop()
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        rows = con.execute("SELECT user_id, detail FROM audit WHERE action = 'read.denied'").fetchall()
        con.close()
        assert 1 <= len(rows) <= 2 and all(u == cw_id for u, _ in rows), rows
        assert sum(int(d.split("count=")[1]) for _, d in rows) == 3 * len(probes), rows


def expect_ok_list(s, w, person_id):
    from harness import API, expect_ok
    apps = expect_ok(s.get(f"{API}/applications?person_id={person_id}", token=w.coord), 200)["applications"]
    return apps[0]
