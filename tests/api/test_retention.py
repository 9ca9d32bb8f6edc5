"""R12 retention inside `nsp serve`: the run at start erases the identity
data of persons whose exit is --retention-days or more ago, keeps their
statistics, decisions and ledger rows, leaves past annual reports
byte-identical, and leaves no copy of the erased data in the database file
or its write-ahead log."""
import datetime
import json
import os
import sqlite3
import time

from harness import API, Server, World, expect_ok, span_days, today

DAYS = 100
OLD_NAME = "Rut Gallringsdottir-Qvist"
OLD_PHONE = "+46 70 555 01 99"
DUE_NAME = "Elof Gränsfallsson-Wzy"
KEPT_NAME = "Kerstin Kvarhållen-Xyq"
YEARS = (2021, 2022)
FORMATS = ("json", "csv", "md", "html")


def days_ago(n):
    return (today() - datetime.timedelta(days=n)).isoformat()


def raw(db):
    """The bytes of the database file and of its write-ahead log, separately."""
    out = {}
    for f in (db, db + "-wal"):
        if os.path.exists(f):
            with open(f, "rb") as fh:
                out[f] = fh.read()
    return out


def ro(db):
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def dump(db, table, order="id"):
    con = ro(db)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    finally:
        con.close()


def sealed(db, person_id):
    con = ro(db)
    try:
        return con.execute("SELECT identity FROM persons WHERE id = ?", (person_id,)).fetchone()[0]
    finally:
        con.close()


def windows(blob, size=16):
    """Every 16-byte piece of a sealed blob: finding any one of them in the files is a leak."""
    return [blob[i:i + size] for i in range(0, len(blob) - size + 1, 8)]


def reports(s, token):
    out = {}
    for y in YEARS:
        for fmt in FORMATS:
            r = s.get(f"{API}/reports/annual/{y}?format={fmt}", token=token)
            assert r.status == 200, (y, fmt, r)
            out[(y, fmt)] = r.body
    return out


def person(s, token, pid):
    return expect_ok(s.get(f"{API}/persons/{pid}", token=token), 200)


def wait_erased(s, token, pid, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        p = person(s, token, pid)
        if p["identity_erased_on"] is not None:
            return p
        time.sleep(0.1)
    raise AssertionError(f"person {pid} was not erased by the retention run at start: {p}")


def test_retention_at_serve_start_erases_identity_and_keeps_reports_and_ledger():
    with Server(serve_args=("--retention-days", str(DAYS))) as s:
        day0 = today()
        w = World(s, budget_years=YEARS + (today().year,))
        org = w.org(certified_on="2020-06-01")
        _, cw = w.user("caseworker", org)

        # A person with a whole history in 2021, who left in 2022: long past the retention time.
        old = w.person(org, identity={"name": OLD_NAME, "phone": OLD_PHONE}, gender="female",
                       exploitation_forms=["sexual_exploitation", "begging"], referral_source="police")
        w.admit(old["id"], on="2021-02-01")
        refl = w.grant(old["id"], "reflection", "2021-02-02", **span_days("2021-02-02", 30))
        point = w.grant(old["id"], "point_adult", "2021-04-01", category="interpreter", units=2)
        expect_ok(w.pay(refl["id"], 700_000, "2021-03-15"))
        expect_ok(w.pay(point["id"], 10_000, "2022-01-10"))
        expect_ok(s.post(f"{API}/decisions/{refl['id']}/close", {"date": "2022-01-20"}, token=w.coord), 200)
        expect_ok(s.post(f"{API}/persons/{old['id']}/exit", {"date": "2022-03-01", "destination": "public_support"},
                         token=w.coord), 200)
        # The boundary: exited exactly DAYS days ago is due; DAYS - 1 days ago is not yet.
        due = w.person(org, identity={"name": DUE_NAME}, gender="male")
        w.admit(due["id"], on="2022-05-01")
        expect_ok(s.post(f"{API}/persons/{due['id']}/exit", {"date": days_ago(DAYS), "destination": "independent"},
                         token=w.coord), 200)
        kept = w.person(org, identity={"name": KEPT_NAME})
        expect_ok(s.post(f"{API}/persons/{kept['id']}/exit", {"date": days_ago(DAYS - 1), "destination": "other"},
                         token=w.coord), 200)
        active = w.person(org, identity={"name": "Aktiv Person-Utan-Utträde"})

        before_reports = reports(s, w.coord)
        # The reports do count the persons whose identity will go (else comparing them proves little).
        assert json.loads(before_reports[(2021, "json")])["persons"]["total"] >= 1, before_reports[(2021, "json")]
        assert json.loads(before_reports[(2022, "json")])["money"]["paid_ore"] == 10_000
        before = {t: dump(s.db, t) for t in ("applications", "decisions", "decision_lines", "payments", "ledger")}
        before_persons = {p: person(s, w.coord, p) for p in (old["id"], due["id"], kept["id"], active["id"])}
        assert before_persons[old["id"]]["identity"]["name"] == OLD_NAME
        blobs = {p: sealed(s.db, p) for p in (old["id"], due["id"])}
        assert all(blobs.values()), blobs
        budgets = {y: w.budget(y) for y in YEARS}

        # The serve run at start erases; nothing else does it here.
        s.stop()
        s.start()
        token = s.login("samordnare", "samordnare-lösen-1")
        after_old = wait_erased(s, token, old["id"])
        after_due = wait_erased(s, token, due["id"])
        same_day = today() == day0    # across midnight UTC the boundary moves by a day
        assert after_old["identity_erased_on"] == today().isoformat(), after_old
        assert after_old["has_identity"] is False and after_old.get("identity") is None, after_old
        assert after_due["has_identity"] is False, after_due
        for pid in ((kept["id"],) if same_day else ()) + (active["id"],):
            p = person(s, token, pid)
            assert p["identity_erased_on"] is None and p["has_identity"] is True, p
        if same_day:
            assert person(s, token, kept["id"])["identity"]["name"] == KEPT_NAME

        # Statistics stay: every field but the identity's is as it was.
        for pid in (old["id"], due["id"]):
            was, now = dict(before_persons[pid]), dict(person(s, token, pid))
            for k in ("identity", "has_identity", "identity_erased_on"):
                was.pop(k, None)
                now.pop(k, None)
            assert was == now, (was, now)
        # Decisions, payments and the ledger stay, row for row.
        for t, rows in before.items():
            assert dump(s.db, t) == rows, f"table {t} changed by the retention run"
        assert {y: w.budget(y, token=token) for y in YEARS} == budgets
        # Past annual reports are byte-identical in every format.
        after_reports = reports(s, token)
        for key, body in before_reports.items():
            assert after_reports[key] == body, f"the {key[1]} report of {key[0]} changed"

        # Nothing of the erased identities is left in the file or the WAL, while the server runs ...
        needles = [OLD_NAME.encode(), OLD_PHONE.encode(), DUE_NAME.encode()]
        for blob in blobs.values():
            needles += windows(blob)
        files = raw(s.db)
        assert files[s.db], files.keys()
        for f, data in files.items():
            for n in needles:
                assert n not in data, f"{os.path.basename(f)} still holds erased identity data ({n[:8]!r}...)"
        # ... and an identity that is kept is still there, sealed (so the search would have found it).
        kept_blob = sealed(s.db, active["id"])
        assert kept_blob and any(kept_blob in data for data in raw(s.db).values()), "a kept identity is not in the files"
        assert KEPT_NAME.encode() not in b"".join(raw(s.db).values()), "identity data is stored in plain text"
        s.stop()
        for f, data in raw(s.db).items():
            for n in needles:
                assert n not in data, f"{os.path.basename(f)} holds erased identity data after the stop"


def test_retention_run_at_start_of_a_server_with_the_default_keeps_recent_exits():
    # Default 730 days: an exit a year ago is not due; one three years ago is.
    with Server() as s:
        w = World(s, budget_years=())
        org = w.org()
        recent = w.person(org, identity={"name": "Nyligen Utskriven"})
        old = w.person(org, identity={"name": "Länge Sedan Utskriven"})
        expect_ok(s.post(f"{API}/persons/{recent['id']}/exit", {"date": days_ago(365), "destination": "other"},
                         token=w.coord), 200)
        expect_ok(s.post(f"{API}/persons/{old['id']}/exit", {"date": days_ago(3 * 365), "destination": "other"},
                         token=w.coord), 200)
        s.stop()
        s.start()
        token = s.login("samordnare", "samordnare-lösen-1")
        wait_erased(s, token, old["id"])
        p = person(s, token, recent["id"])
        assert p["identity_erased_on"] is None and p["identity"]["name"] == "Nyligen Utskriven", p
        # Stopping with the thread asleep is prompt and clean.
        t0 = time.time()
        assert s.stop() == 0
        assert time.time() - t0 < 10
