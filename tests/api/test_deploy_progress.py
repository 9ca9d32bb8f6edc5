"""Progress of long commands (issue 18): a bar with counts and the time left on
a terminal, one line per step elsewhere, nothing with --quiet."""
import os
import select
import subprocess
import time

import sqlite3

from harness import UNDO_MIGRATION_14, Server, World, nsp_bin, run_nsp


def on_terminal(args, env=None, timeout=60):
    """Runs nsp with a pseudo-terminal as standard error; returns (status, what the terminal got)."""
    master, slave = os.openpty()
    try:
        p = subprocess.Popen([nsp_bin(), *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=slave, env=dict(os.environ, **(env or {})), start_new_session=True)
    finally:
        os.close(slave)
    got, deadline = b"", time.time() + timeout
    try:
        while True:
            assert time.time() < deadline, got
            if select.select([master], [], [], 0.1)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                got += chunk
            elif p.poll() is not None and not select.select([master], [], [], 0.1)[0]:
                break
        return p.wait(timeout=10), got.decode("utf-8", "replace")
    finally:
        os.close(master)


def a_database_with_persons(s, n=3):
    w = World(s, budget_years=(2024,))
    org = w.org()
    for i in range(n):
        w.admitted(org, on="2024-02-01", identity={"name": f"Person {i}"})


def test_retention_shows_a_bar_on_a_terminal_lines_elsewhere_and_nothing_when_quiet():
    with Server() as s:
        a_database_with_persons(s)
        s.stop()
        # not a terminal: a start line and an end line
        r = run_nsp("retention", "run", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0, r
        lines = r.stderr.splitlines()
        assert lines[0].startswith("nsp: retention (R12): persons who left the programme ("), r.stderr
        assert " done in " in lines[-1] and "\r" not in r.stderr and "[" not in r.stderr, r.stderr
        # a terminal: the bar, redrawn in place, with counts and percent
        rc, shown = on_terminal(["retention", "run", "--db", s.db], env={"NSP_LANG": "en"})
        assert rc == 0, shown
        assert "\r" in shown and "[" in shown and "/" in shown and "%" in shown, repr(shown)
        # --quiet: nothing but errors, per command or for nsp as a whole
        r = run_nsp("--quiet", "retention", "run", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and r.stderr == "", r
        rc, shown = on_terminal(["--quiet", "retention", "run", "--db", s.db])
        assert rc == 0 and shown == "", repr(shown)


def test_restore_prints_its_steps_and_nothing_when_quiet():
    with Server() as s:
        a_database_with_persons(s, 1)
        s.stop()
        copy = os.path.join(s.dir, "kopia.db")
        assert run_nsp("backup", "--db", s.db, "--to", copy).returncode == 0
        r = run_nsp("restore", "--from", copy, "--db", os.path.join(s.dir, "a.db"), "--key-file", s.db + ".key",
                    env={"NSP_LANG": "en"})
        assert r.returncode == 0, r
        steps = r.stderr.splitlines()
        assert steps == ["nsp: opening the backup", "nsp: copying into the new database file",
                         "nsp: checking the copy: integrity_check", "nsp: checking the copy: the audit chain"], steps
        r = run_nsp("--quiet", "restore", "--from", copy, "--db", os.path.join(s.dir, "b.db"),
                    "--key-file", s.db + ".key")
        assert r.returncode == 0 and r.stderr == "", r


def test_upgrade_shows_a_bar_on_a_terminal_a_line_per_migration_elsewhere_and_nothing_when_quiet():
    with Server() as s:
        a_database_with_persons(s, 2)
        s.stop()

        def turn_back():
            with sqlite3.connect(s.db) as con:
                con.executescript(UNDO_MIGRATION_14)

        # not a terminal: one line per migration, no bar
        turn_back()
        r = run_nsp("retention", "run", "--db", s.db, env={"NSP_LANG": "en"})
        assert r.returncode == 0, r
        ups = [l for l in r.stderr.splitlines() if "schema version" in l]
        assert ups == ["nsp: upgrading the database to schema version 14; on a large database this takes a while"], \
            r.stderr
        assert "\r" not in r.stderr, r.stderr
        # a terminal: the bar over the migrations' statements, redrawn in place, named by the migration
        turn_back()
        rc, shown = on_terminal(["retention", "run", "--db", s.db], env={"NSP_LANG": "sv"})
        assert rc == 0, shown
        bar = shown.split("gallring")[0]           # what the upgrade drew, before retention's own bar
        assert "\ruppgraderar" not in bar and "\rnsp: uppgraderar databasen till schemaversion 14 [" in bar, repr(bar)
        assert "100 %" in bar and "/" in bar and "s)" in bar, repr(bar)
        # --quiet: not a word
        turn_back()
        r = run_nsp("--quiet", "retention", "run", "--db", s.db)
        assert r.returncode == 0 and r.stderr == "", r
        turn_back()
        rc, shown = on_terminal(["--quiet", "retention", "run", "--db", s.db])
        assert rc == 0 and shown == "", repr(shown)
        with sqlite3.connect(s.db) as con:
            assert con.execute("PRAGMA user_version").fetchone()[0] == 14


def test_report_shows_its_parts_and_nothing_when_quiet():
    with Server() as s:
        a_database_with_persons(s, 2)
        s.stop()
        args = ("report", "--db", s.db, "--key-file", s.db + ".key", "--year", "2024", "--format", "json")
        quiet = run_nsp("--quiet", *args)
        assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout.startswith("{"), quiet
        # not a terminal: a line per part of the report, between a first and a last line
        r = run_nsp(*args, env={"NSP_LANG": "en"})
        assert r.returncode == 0 and r.stdout == quiet.stdout, r
        lines = r.stderr.splitlines()
        assert lines[0] == "nsp: the annual report 2024 (10)", lines
        assert lines[1:11] == ["nsp: the annual report 2024: " + p for p in (
            "persons", "distinct persons", "interventions", "money", "paid per intervention", "decisions",
            "placement requests", "consultations", "the applications' basis",
            "persons in contact with the platform")], lines
        assert lines[11].startswith("nsp: the annual report 2024: 10 done in ") and len(lines) == 12, lines
        # a terminal: the bar, and the report on standard output as ever
        rc, shown = on_terminal(list(args), env={"NSP_LANG": "sv"})
        assert rc == 0 and "\rnsp: årsrapporten 2024 [" in shown and "10/10 100 %" in shown, repr(shown)
        rc, shown = on_terminal(["--quiet", *args])
        assert rc == 0 and shown == "", repr(shown)
        r = run_nsp(*args, "--quiet")                  # per command too
        assert r.returncode == 0 and r.stderr == "" and r.stdout == quiet.stdout, r
