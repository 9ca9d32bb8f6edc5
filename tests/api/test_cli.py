"""The command line of api.md: help, version, init, serve's refusals, backup
of a running server."""
import datetime
import hashlib
import os
import re
import sqlite3
import stat
import tempfile

from harness import API, COORD_PASSWORD, SCHEMA_VERSION, UNDO_MIGRATION_14, Server, World, expect_ok, run_nsp

PW = {"NSP_PASSWORD": COORD_PASSWORD}


def one_sentence(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return len(lines) == 1 and len(lines[0]) > 10


def digest(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def test_cli_help_and_version():
    r = run_nsp("--help")
    assert r.returncode == 0, r
    for cmd in ("init", "serve", "demo", "report", "audit", "backup"):
        assert re.search(rf"\b{cmd}\b", r.stdout), (cmd, r.stdout)
    r = run_nsp("--version")
    assert r.returncode == 0 and re.fullmatch(r"nsp \S+\n", r.stdout), r
    for cmd in ("init", "serve", "audit", "backup", "retention"):
        r = run_nsp(cmd, "--help")
        assert r.returncode == 0, (cmd, r)
        assert "--db" in r.stdout, (cmd, r.stdout)
    assert "--coordinator" in run_nsp("init", "--help").stdout
    assert "--listen" in run_nsp("serve", "--help").stdout
    r = run_nsp("no-such-command")
    assert r.returncode != 0 and one_sentence(r.stderr), r


def test_cli_report_and_demo_print_help():
    for cmd in ("report", "demo"):
        r = run_nsp(cmd, "--help")
        assert r.returncode == 0, (cmd, r)
        assert "--db" in r.stdout, (cmd, r.stdout)
    assert "--year" in run_nsp("report", "--help").stdout


def test_cli_init_creates_key_file_0600_and_refuses_an_existing_database():
    with tempfile.TemporaryDirectory(prefix="nsp-cli-") as tmp:
        db = os.path.join(tmp, "nsp.db")
        r = run_nsp("init", "--db", db, "--coordinator", "samordnare", env=PW)
        assert r.returncode == 0, r
        assert stat.S_IMODE(os.stat(db + ".key").st_mode) == 0o600, oct(os.stat(db + ".key").st_mode)
        assert os.path.getsize(db + ".key") > 0
        before = (digest(db), digest(db + ".key"))
        r = run_nsp("init", "--db", db, "--coordinator", "någon-annan", env=PW)
        assert r.returncode != 0 and one_sentence(r.stderr), r
        assert (digest(db), digest(db + ".key")) == before
        # also a file that is no database is left alone
        other = os.path.join(tmp, "anteckningar.txt")
        with open(other, "w") as fh:
            fh.write("viktigt\n")
        r = run_nsp("init", "--db", other, "--coordinator", "x", env=PW)
        assert r.returncode != 0 and one_sentence(r.stderr), r
        with open(other) as fh:
            assert fh.read() == "viktigt\n"
        assert not os.path.exists(other + ".key")
        # a named key file gets the same mode
        db2, key2 = os.path.join(tmp, "b.db"), os.path.join(tmp, "annan.nyckel")
        r = run_nsp("init", "--db", db2, "--coordinator", "samordnare", "--key-file", key2, env=PW)
        assert r.returncode == 0, r
        assert stat.S_IMODE(os.stat(key2).st_mode) == 0o600
        assert not os.path.exists(db2 + ".key")
        # the password comes from standard input without NSP_PASSWORD
        db3 = os.path.join(tmp, "c.db")
        env = {k: v for k, v in os.environ.items() if k != "NSP_PASSWORD"}
        r = run_nsp("init", "--db", db3, "--coordinator", "samordnare", env=env, input=COORD_PASSWORD + "\n")
        assert r.returncode == 0, r


def test_cli_init_refuses_a_short_password_and_leaves_nothing_behind():
    with tempfile.TemporaryDirectory(prefix="nsp-cli-") as tmp:
        db = os.path.join(tmp, "nsp.db")
        r = run_nsp("init", "--db", db, "--coordinator", "samordnare", env={"NSP_PASSWORD": "kort"})
        assert r.returncode != 0 and one_sentence(r.stderr), r
        assert os.listdir(tmp) == [], os.listdir(tmp)


def test_cli_serve_on_a_missing_database_fails_with_one_sentence():
    with tempfile.TemporaryDirectory(prefix="nsp-cli-") as tmp:
        db = os.path.join(tmp, "finns-inte.db")
        r = run_nsp("serve", "--db", db, "--listen", "127.0.0.1:0", timeout=20)
        assert r.returncode != 0, r
        assert one_sentence(r.stderr), r.stderr
        assert os.listdir(tmp) == [], os.listdir(tmp)
        r = run_nsp("audit", "verify", "--db", db)
        assert r.returncode != 0 and one_sentence(r.stderr), r
        r = run_nsp("backup", "--db", db, "--to", os.path.join(tmp, "kopia.db"))
        assert r.returncode != 0 and one_sentence(r.stderr), r
        assert os.listdir(tmp) == [], os.listdir(tmp)


def test_cli_serve_without_its_key_file_fails_with_one_sentence():
    with tempfile.TemporaryDirectory(prefix="nsp-cli-") as tmp:
        db = os.path.join(tmp, "nsp.db")
        assert run_nsp("init", "--db", db, "--coordinator", "samordnare", env=PW).returncode == 0
        os.rename(db + ".key", os.path.join(tmp, "undanflyttad.key"))
        r = run_nsp("serve", "--db", db, "--listen", "127.0.0.1:0", timeout=20)
        assert r.returncode != 0 and one_sentence(r.stderr), r


def table_rows(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        con.close()


def test_cli_backup_of_a_running_server_has_the_same_tables():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        w2 = w.person(org, identity={"name": "Säkerhetskopierad Person"})
        dec = w.grant(p["id"], "reflection", "2024-03-01", **{"from": "2024-03-01", "to": "2024-03-05"})
        expect_ok(w.pay(dec["id"], 1000, "2024-03-06"))
        backup = os.path.join(s.dir, "kopia.db")
        r = run_nsp("backup", "--db", s.db, "--to", backup)
        assert r.returncode == 0, r
        original, copy = table_rows(s.db), table_rows(backup)
        assert set(original) == set(copy) and len(original) >= 10, (sorted(original), sorted(copy))
        for name in original:
            assert original[name] == copy[name], f"table {name} differs in the backup"
        assert original["persons"] and original["decisions"] and original["audit"], original.keys()
        # the copy is a working database with the original's key
        s.stop()
        s.db, live = backup, s.db
        s.start("--key-file", live + ".key")
        token = s.login("samordnare", COORD_PASSWORD)
        got = expect_ok(s.get(f"{API}/persons/{w2['id']}", token=token), 200)
        assert got["identity"]["name"] == "Säkerhetskopierad Person", got
        assert run_nsp("audit", "verify", "--db", backup, "--key-file", live + ".key").returncode == 0


# Migrations 13, 12 (contacts, linkage keys), 11 to 5 turned back: what a database of schema 4 holds.
UNDO_MIGRATIONS_6_5 = """
    DROP TABLE contacts; ALTER TABLE organisations DROP COLUMN member;
    DROP TABLE linkage_marks; DROP TABLE linkage_keys;
    DROP TABLE outbox; ALTER TABLE organisations DROP COLUMN contact_email;
    ALTER TABLE users DROP COLUMN email; ALTER TABLE users DROP COLUMN notify;
    DROP TABLE decision_refusals;
    DROP TABLE claim_lines; DROP TABLE claims;
    DROP TABLE change_proposals;
    DROP INDEX decisions_org_period; ALTER TABLE decisions DROP COLUMN over_capacity_reason;
    ALTER TABLE decision_proposals DROP COLUMN over_capacity_reason;
    DROP TRIGGER payments_first_paid_on; DROP INDEX decisions_unclaimed;
    ALTER TABLE decisions DROP COLUMN first_paid_on;
    DROP TRIGGER payment_totals_add; DROP TRIGGER payments_no_update; DROP TRIGGER payments_no_delete;
    DROP TRIGGER payment_totals_no_delete; DROP TABLE payment_totals;
    DROP INDEX decisions_decided_cover; DROP INDEX decisions_period_cover;
    CREATE INDEX decisions_decided_on ON decisions(decided_on);
    CREATE INDEX decisions_to_day ON decisions(to_day);
    DROP TRIGGER payment_lines_no_update; DROP TRIGGER payment_lines_no_delete; DROP TABLE payment_lines;
    PRAGMA user_version = 4;"""


def test_cli_upgrading_a_database_says_so_and_rebuilds_what_it_derives():
    # Opening a schema-4 database read-write upgrades it, says so on standard
    # error (half a minute on a large database) and derives from the payments
    # already made what migrations 5, 6 and 7 keep: payment_totals (by line
    # code since 7), each decision's first payment day and the payments' lines.
    def day(iso):
        return (datetime.date.fromisoformat(iso) - datetime.date(1970, 1, 1)).days

    with Server() as s:
        w = World(s)
        p = w.admitted(w.org())
        dec = w.grant(p["id"], "reflection", "2024-03-01", **{"from": "2024-03-01", "to": "2024-03-10"})
        for amount, on in ((1000, "2024-03-06"), (2500, "2024-03-06"), (700, "2024-04-02")):
            expect_ok(w.pay(dec["id"], amount, on))
        s.stop()
        for lang, words in (("sv", "uppgraderar databasen till schemaversion 5"),
                            ("en", "upgrading the database to schema version 5")):
            with sqlite3.connect(s.db) as con:
                con.executescript(UNDO_MIGRATION_14 + UNDO_MIGRATIONS_6_5)
            r = run_nsp("retention", "run", "--db", s.db, env={"NSP_LANG": lang})
            assert r.returncode == 0 and words in r.stderr, r
            with sqlite3.connect(s.db) as con:
                assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
                totals = con.execute("SELECT paid_on, code, amount_ore FROM payment_totals ORDER BY 1").fetchall()
            assert totals == [(day("2024-03-06"), "reflection", 3500), (day("2024-04-02"), "reflection", 700)], totals
            assert words.replace("5", "6") in r.stderr, r      # and migration 6, which dates the first payment
            assert words.replace("5", "7") in r.stderr, r      # and migration 7 (R15)
            assert words.replace("5", "8") in r.stderr, r      # and migration 8 (four eyes)
            assert words.replace("5", "9") in r.stderr, r      # and migration 9, which splits them by line
            with sqlite3.connect(s.db) as con:
                first = con.execute("SELECT first_paid_on FROM decisions WHERE id = ?", (dec["id"],)).fetchone()
            assert first == (day("2024-03-06"),), first
        # an up-to-date database opens without a word about upgrading
        r = run_nsp("retention", "run", "--db", s.db)
        assert r.returncode == 0 and "schema" not in r.stderr, r
        assert run_nsp("audit", "verify", "--db", s.db).returncode == 0
