"""`nsp backup` of a server that is writing: the copy is one consistent
snapshot taken between the moment the backup started and the moment it
ended, passes integrity_check and `nsp audit verify`, and serves again with
the original's key file copied next to it. (test_cli.py covers a backup of a
quiet server.)"""
import hashlib
import http.client
import json
import os
import shutil
import sqlite3
import stat
import threading

from harness import API, COORD_PASSWORD, Server, World, expect_ok, run_nsp, span_days

TABLES = ("organisations", "users", "persons", "applications", "decisions", "decision_lines", "payments",
          "ledger", "audit", "years")
# Rows of these tables never change once written: the copy must hold them exactly as the original.
APPEND_ONLY = ("decision_lines", "payments", "ledger", "audit")


def rows(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        con.execute("BEGIN")      # one snapshot for every table
        out = {t: {r[0]: r for r in con.execute(f"SELECT * FROM {t}")} for t in TABLES}
        con.execute("COMMIT")
        return out
    finally:
        con.close()


class Writer(threading.Thread):
    """Keeps paying small claims and filing point applications until stopped."""

    def __init__(self, port, token, decisions, person_ids, connect=None):
        super().__init__(daemon=True)
        # connect(): a new connection to the server (plain HTTP on port unless given)
        self.connect = connect or (lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=30))
        self.port, self.token = port, token
        self.decisions, self.person_ids = decisions, person_ids
        self.stop = threading.Event()
        self.done = 0
        self.errors = []

    def post(self, conn, path, body):
        conn.request("POST", API + path, body=json.dumps(body),
                     headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, r.read()

    def run(self):
        conn = self.connect()
        i = 0
        while not self.stop.is_set():
            i += 1
            if i % 2:
                st, body = self.post(conn, "/payments", {"decision_id": self.decisions[i % len(self.decisions)],
                                                         "amount_ore": 1, "paid_on": "2024-04-01"})
            else:
                st, body = self.post(conn, "/applications",
                                     {"person_id": self.person_ids[i % len(self.person_ids)], "type": "point_adult",
                                      "basis": {"kind": "no_designated_actor"}, "category": "travel", "units": 1,
                                      "submitted_on": "2024-05-01"})
            if st == 201:
                self.done += 1
            else:
                self.errors.append((st, body[:200]))
        conn.close()


def test_backup_while_writing_is_a_consistent_snapshot_that_serves_again():
    with Server() as s:
        w = World(s, budget_years=(2024,))
        org = w.org()
        persons = [w.admitted(org, on="2024-02-01", identity={"name": f"Kopierad Person {i}"}) for i in range(4)]
        decisions = [w.grant(p["id"], "reflection", "2024-03-01", **span_days("2024-03-01", 30))["id"]
                     for p in persons]
        # Enough rows that the copy takes a moment, so the writers are busy while it runs.
        for i in range(150):
            w.application(persons[i % 4]["id"], "point_adult", category="interpreter", units=1,
                          submitted_on="2024-04-01", motivation="x" * 2000)
        writers = [Writer(s.port, w.coord, decisions, [p["id"] for p in persons]) for _ in range(3)]
        for t in writers:
            t.start()
        while sum(t.done for t in writers) < 30:
            threading.Event().wait(0.01)

        restored = Server()
        try:
            copy = restored.db
            before = rows(s.db)
            r = run_nsp("backup", "--db", s.db, "--to", copy)
            after = rows(s.db)
            done_during = sum(t.done for t in writers)
            for t in writers:
                t.stop.set()
            for t in writers:
                t.join(timeout=30)
            assert r.returncode == 0, r
            assert not any(t.errors for t in writers), [t.errors[:3] for t in writers]
            assert done_during > 30
            assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600, oct(os.stat(copy).st_mode)

            got = rows(copy)
            for t in TABLES:
                missing = set(before[t]) - set(got[t])
                assert not missing, f"{t}: rows {sorted(missing)[:5]} existed before the backup and are not in it"
                extra = set(got[t]) - set(after[t])
                assert not extra, f"{t}: the copy has rows {sorted(extra)[:5]} that the original never had"
                if t in APPEND_ONLY:
                    for k, row in got[t].items():
                        assert row == after[t][k], f"{t} row {k} differs in the copy: {row} / {after[t][k]}"
            # One snapshot, not a torn one: what a transaction wrote is in the copy entirely or not at all.
            ledger_payments = {r[6] for r in got["ledger"].values() if r[3] == "payment"}
            assert ledger_payments == set(got["payments"]), "payments and their ledger rows differ in the copy"
            audited = {(r[3], r[5]) for r in got["audit"].values()}
            for pid in got["payments"]:
                assert ("payment.record", pid) in audited, f"payment {pid} without its audit entry in the copy"
            for aid in got["applications"]:
                assert ("application.create", aid) in audited, f"application {aid} without its audit entry"
            assert len(got["audit"]) == max(got["audit"]), "the copy's audit log has gaps"
            assert len(after["audit"]) > len(before["audit"]), "nothing was written while the backup ran"

            con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
            try:
                assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert con.execute("PRAGMA foreign_key_check").fetchall() == []
                sums = dict(con.execute("SELECT kind, SUM(amount_ore) FROM ledger WHERE year = 2024 GROUP BY kind"))
            finally:
                con.close()

            # The copy, with the key file next to it, is a working database.
            shutil.copyfile(s.db + ".key", copy + ".key")
            os.chmod(copy + ".key", 0o600)
            v = run_nsp("audit", "verify", "--db", copy)
            assert v.returncode == 0, v
            restored.start()
            restored.phones = s.phones      # the copy holds the same second factors
            token = restored.login("samordnare", COORD_PASSWORD)
            for p in persons:
                got_p = expect_ok(restored.get(f"{API}/persons/{p['id']}", token=token), 200)
                assert got_p["identity"]["name"].startswith("Kopierad Person"), got_p
            b = expect_ok(restored.get(f"{API}/years/2024/budget", token=token), 200)
            assert (b["committed_ore"], b["paid_ore"], b["released_ore"]) == (
                sums.get("commit", 0), sums.get("payment", 0), sums.get("release", 0)), (b, sums)
            assert b["remaining_ore"] == b["budget_ore"] - b["committed_ore"] + b["released_ore"], b
            # ... and an independent one: writing to it leaves the original alone.
            expect_ok(restored.post(f"{API}/payments", {"decision_id": decisions[0], "amount_ore": 5,
                                                         "paid_on": "2024-04-02"}, token=token))
            assert run_nsp("audit", "verify", "--db", s.db).returncode == 0
        finally:
            restored.__exit__(None, None, None)


def test_backup_refuses_an_existing_target_and_leaves_it_alone():
    with Server() as s:
        World(s, budget_years=(2024,))
        target = os.path.join(s.dir, "finns.db")
        with open(target, "wb") as fh:
            fh.write(b"viktig fil")
        digest = hashlib.sha256(b"viktig fil").hexdigest()
        r = run_nsp("backup", "--db", s.db, "--to", target)
        assert r.returncode != 0, r
        assert len([l for l in r.stderr.splitlines() if l.strip()]) == 1, r.stderr
        with open(target, "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == digest
        r = run_nsp("backup", "--db", s.db)
        assert r.returncode != 0, r
