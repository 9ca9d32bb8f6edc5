"""Progress of long commands (issue 18): a bar with counts and the time left on
a terminal, one line per step elsewhere, nothing with --quiet."""
import os
import select
import subprocess
import time

from harness import Server, World, nsp_bin, run_nsp


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
