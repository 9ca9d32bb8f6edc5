"""Backups in the server (issue 18): nsp serve --backup-dir DIR --backup-keep N
takes a verified backup at start, daily and on SIGUSR1, keeps the newest N;
nsp restore --from FILE --db NEW restores into a new file and verifies it.
A backup taken under write load restores to the same report and ledger as
the backup itself, and is one consistent snapshot of the live database."""
import json
import os
import re
import shutil
import signal
import sqlite3
import threading
import time

from harness import API, Server, World, run_nsp, span_days
from test_backup_restore import APPEND_ONLY, Writer, rows

DONE_RE = re.compile(r"backup written and verified: (\S+)")


def backups_written(s):
    return DONE_RE.findall(s.stderr_text())


def wait_backups(s, n):
    """Waits (up to 60 s) until the server has said it wrote n backups; returns their paths."""
    deadline = time.time() + 60
    while len(backups_written(s)) < n:
        assert "BACKUP FAILED" not in s.stderr_text(), s.stderr_text()[-2000:]
        assert time.time() < deadline, f"fewer than {n} backups:\n{s.stderr_text()[-2000:]}"
        time.sleep(0.05)
    return backups_written(s)


def report(db, key_file, year=2024):
    r = run_nsp("report", "--db", db, "--key-file", key_file, "--year", str(year), "--format", "json")
    assert r.returncode == 0, r
    return json.loads(r.stdout)


def ledger(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT * FROM ledger ORDER BY id").fetchall()
    finally:
        con.close()


def backup_server(keep=3):
    s = Server(extra_env={"NSP_LANG": "en"})
    s.backup_dir = os.path.join(s.dir, "backups")
    s.serve_args = ("--backup-dir", s.backup_dir, "--backup-keep", str(keep))
    return s


def test_backup_under_load_restores_with_the_same_report_and_ledger():
    with backup_server(keep=10) as s:
        first = wait_backups(s, 1)      # one at start
        assert os.path.dirname(first[0]) == s.backup_dir
        w = World(s, budget_years=(2024,))
        org = w.org()
        persons = [w.admitted(org, on="2024-02-01", identity={"name": f"Säkrad Person {i}"}) for i in range(4)]
        decisions = [w.grant(p["id"], "reflection", "2024-03-01", **span_days("2024-03-01", 30))["id"]
                     for p in persons]
        for i in range(100):
            w.application(persons[i % 4]["id"], "point_adult", category="interpreter", units=1,
                          submitted_on="2024-04-01", motivation="x" * 2000)
        writers = [Writer(s.port, w.coord, decisions, [p["id"] for p in persons]) for _ in range(3)]
        for t in writers:
            t.start()
        try:
            while sum(t.done for t in writers) < 30:
                time.sleep(0.01)
            before = rows(s.db)
            s.proc.send_signal(signal.SIGUSR1)      # a backup on demand, under load
            under_load = wait_backups(s, 2)[1]
            after = rows(s.db)
            done_during = sum(t.done for t in writers)
        finally:
            for t in writers:
                t.stop.set()
            for t in writers:
                t.join(timeout=30)
        assert not any(t.errors for t in writers), [t.errors[:3] for t in writers]
        assert done_during > 30

        key = s.db + ".key"
        restored = os.path.join(s.dir, "restored.db")
        r = run_nsp("restore", "--from", under_load, "--db", restored, "--key-file", key, env={"NSP_LANG": "en"})
        assert r.returncode == 0, r
        assert "restored" in r.stdout and "integrity_check" in r.stderr, r
        assert os.path.exists(restored + ".key")
        assert not os.path.exists(restored + "-wal") and not os.path.exists(restored + "-shm")
        # the restore is the backup: the same report and the same ledger
        assert report(restored, restored + ".key") == report(under_load, key)
        assert ledger(restored) == ledger(under_load)
        # the backup is one consistent snapshot taken while the writers wrote
        got = rows(restored)
        for t in got:
            assert not set(before[t]) - set(got[t]), f"{t}: rows from before the backup are missing"
            assert not set(got[t]) - set(after[t]), f"{t}: rows the original never had"
            if t in APPEND_ONLY:
                for k, row in got[t].items():
                    assert row == after[t][k], (t, k)
        assert {r[6] for r in got["ledger"].values() if r[3] == "payment"} == set(got["payments"])
        assert run_nsp("audit", "verify", "--db", restored).returncode == 0

        # quiet again: a backup now restores to exactly the live database's report and ledger
        s.proc.send_signal(signal.SIGUSR1)
        quiet = wait_backups(s, 3)[2]
        again = os.path.join(s.dir, "again.db")
        r = run_nsp("restore", "--quiet", "--from", quiet, "--db", again, "--key-file", key, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and r.stderr == "", r
        assert report(again, key) == report(s.db, key)
        assert ledger(again) == ledger(s.db)


def test_backups_rotate_to_the_newest_n():
    with backup_server(keep=2) as s:
        wait_backups(s, 1)
        for n in (2, 3, 4):
            s.proc.send_signal(signal.SIGUSR1)
            wait_backups(s, n)
        written = backups_written(s)
        left = sorted(os.path.join(s.backup_dir, f) for f in os.listdir(s.backup_dir))
        assert left == sorted(written[-2:]), (left, written)
        assert all(oct(os.stat(p).st_mode & 0o777) == "0o600" for p in left)
        assert oct(os.stat(s.backup_dir).st_mode & 0o777) == "0o700"


def test_restore_refuses_a_tampered_backup_an_existing_target_and_a_wrong_key():
    with backup_server() as s:
        World(s, budget_years=(2024,))
        s.proc.send_signal(signal.SIGUSR1)
        good = wait_backups(s, 2)[1]
        key = s.db + ".key"
        # a backup whose audit log was edited afterwards
        bad = os.path.join(s.dir, "tampered.db")
        shutil.copyfile(good, bad)
        con = sqlite3.connect(bad)
        con.execute("UPDATE audit SET detail = 'ändrad i efterhand' WHERE id = (SELECT MIN(id) FROM audit)")
        con.commit()
        con.close()
        target = os.path.join(s.dir, "ny.db")
        r = run_nsp("restore", "--from", bad, "--db", target, "--key-file", key, env={"NSP_LANG": "en"})
        assert r.returncode == 1 and "audit" in r.stderr, r
        assert not os.path.exists(target), "a copy that failed its checks was left behind"
        # an existing target is left alone
        with open(target, "wb") as f:
            f.write(b"viktig")
        r = run_nsp("restore", "--from", good, "--db", target, "--key-file", key, env={"NSP_LANG": "en"})
        assert r.returncode == 1 and "exists" in r.stderr, r
        with open(target, "rb") as f:
            assert f.read() == b"viktig"
        os.unlink(target)
        # another database's key
        other = Server()
        try:
            other.init()
            r = run_nsp("restore", "--from", good, "--db", target, "--key-file", other.db + ".key",
                        env={"NSP_LANG": "en"})
            assert r.returncode == 1 and not os.path.exists(target), r
        finally:
            other.__exit__(None, None, None)
        # no key at all
        r = run_nsp("restore", "--from", good, "--db", target, env={"NSP_LANG": "en"})
        assert r.returncode == 2 and "--key-file" in r.stderr, r


def test_nsp_backup_verifies_its_copy_with_the_key_and_refuses_another_databases_key():
    with Server(extra_env={"NSP_LANG": "en"}) as s:
        World(s, budget_years=(2024,))
        copy = os.path.join(s.dir, "kopia.db")
        r = run_nsp("backup", "--db", s.db, "--to", copy, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and "the audit chain" in r.stderr, r
        assert not os.path.exists(copy + "-wal") and not os.path.exists(copy + "-shm")
        # without a key file: integrity_check only, and it says so
        bare = os.path.join(s.dir, "utan-nyckel")
        os.mkdir(bare)
        shutil.copyfile(copy, os.path.join(bare, "nsp.db"))
        r = run_nsp("backup", "--db", os.path.join(bare, "nsp.db"), "--to", os.path.join(bare, "b.db"),
                    env={"NSP_LANG": "en"})
        assert r.returncode == 0 and "no key file: the audit chain is not checked" in r.stderr, r
        # another database's key: refused, no copy left
        other = Server()
        try:
            other.init()
            target = os.path.join(s.dir, "fel.db")
            r = run_nsp("backup", "--db", s.db, "--to", target, "--key-file", other.db + ".key",
                        env={"NSP_LANG": "en"})
            assert r.returncode == 1 and not os.path.exists(target), r
        finally:
            other.__exit__(None, None, None)
