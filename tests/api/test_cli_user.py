"""`nsp user reset-totp | set-password | list`: the operator's way back in for a
sole coordinator who lost both the phone and the recovery codes. Every test
runs the commands against the database of a running `nsp serve` and checks the
effect through the API: the second factor is gone and must be enrolled again,
old sessions and half-done logins are dead, a new password replaces the old
one, the listing holds no secrets, and `nsp audit verify` still passes.
The password prompt that nsp user set-password shares with nsp init is
tested here for both, on a pseudo-terminal: no echo, asked twice."""
import os
import select
import signal
import sqlite3
import subprocess
import tempfile
import termios
import threading
import time

from harness import (API, COORD_PASSWORD, USER_PASSWORD, Server, World, expect, expect_ok, nsp_bin, run_nsp)

ENROL_REQUIRED = "second_factor_enrolment_required"
NEW_PASSWORD = "ett-helt-nytt-lösen-7"


def one_sentence(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return len(lines) == 1 and len(lines[0]) > 10


def no_password_env():
    """The environment without NSP_PASSWORD (run_nsp adds its env to os.environ)."""
    assert "NSP_PASSWORD" not in os.environ, "run the API tests without NSP_PASSWORD set"
    return {}


def audit_rows(db):
    """(id, user_id, action, entity_id) of every audit entry, oldest first (read-only)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT id, user_id, action, entity_id FROM audit ORDER BY id").fetchall()
    finally:
        con.close()


def second_factor_rows(db, uid):
    """The user's rows of user_totp, recovery_codes, login_challenges and sessions."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [con.execute(f"SELECT count(*) FROM {t} WHERE user_id = ?", (uid,)).fetchone()[0]
                for t in ("user_totp", "recovery_codes", "login_challenges", "sessions")]
    finally:
        con.close()


def password_step(s, username, password):
    body = expect_ok(s.post(API + "/login", {"username": username, "password": password}), 200)
    assert body.get("second_factor_required") is True, body
    return body["challenge"]


def verify_audit(db):
    r = run_nsp("audit", "verify", "--db", db)
    assert r.returncode == 0, r


def run_on_terminal(args, typed, env=None, timeout=30):
    """Runs nsp with a pseudo-terminal as standard input (as an operator at a
    console), without NSP_PASSWORD. typed is a list of (prompt, line): each line is
    typed once its prompt has appeared on standard error after the previous one.
    Returns (exit status, stdout, stderr, what the terminal showed of the typing)."""
    e = {k: v for k, v in os.environ.items() if k != "NSP_PASSWORD"}
    e.update(env or {})
    master, slave = os.openpty()
    try:
        p = subprocess.Popen([nsp_bin(), *args], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=e, start_new_session=True)
    finally:
        os.close(slave)
    fd_out, fd_err = p.stdout.fileno(), p.stderr.fileno()
    got = {fd_out: b"", fd_err: b"", master: b""}
    live, todo, seen, deadline = set(got), list(typed), 0, time.time() + timeout
    try:
        while live - {master}:
            if time.time() > deadline:
                p.kill()
                raise AssertionError(f"nsp {args} waits: {got[fd_err]!r}")
            err = got[fd_err]
            if todo and err.find(todo[0][0].encode(), seen) >= 0:
                seen = err.find(todo[0][0].encode(), seen) + len(todo[0][0].encode())
                os.write(master, (todo.pop(0)[1] + "\n").encode())
            for fd in select.select(list(live), [], [], 0.1)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:            # the terminal's other end closed (EIO)
                    chunk = b""
                got[fd] += chunk
                if not chunk:
                    live.discard(fd)
        rc = p.wait(timeout=10)
    finally:
        os.close(master)
        p.stdout.close()
        p.stderr.close()
    text = {fd: b.decode("utf-8", "replace") for fd, b in got.items()}
    return rc, text[fd_out], text[fd_err], text[master]


def user_id(s, token, username):
    users = expect_ok(s.get(API + "/users", token=token), 200)["users"]
    return {u["username"]: u["id"] for u in users}[username]


def test_cli_user_help_and_usage_errors():
    r = run_nsp("--help")
    assert r.returncode == 0 and "\n  user " in r.stdout, r
    r = run_nsp("user", "--help")
    assert r.returncode == 0, r
    for sub in ("reset-totp", "set-password", "list", "--db", "--key-file", "NSP_PASSWORD"):
        assert sub in r.stdout, (sub, r.stdout)
    for sub in ("reset-totp", "set-password", "list"):
        r = run_nsp("user", sub, "--help")
        assert r.returncode == 0 and f"nsp user {sub}" in r.stdout and "--db" in r.stdout, (sub, r)
        en = run_nsp("--lang", "en", "user", sub, "--help")
        assert en.returncode == 0 and en.stdout.startswith("Usage:") and en.stdout != r.stdout, (sub, en)
        assert r.stdout.startswith("Användning:"), r.stdout
    # usage errors exit 2, as the other commands' do; nothing is opened
    with_missing_db = ("--db", "/nonexistent/nsp.db")
    for args in (("user",), ("user", "frob"), ("user", "reset-totp", *with_missing_db),
                 ("user", "set-password", *with_missing_db), ("user", "list", "extra", *with_missing_db),
                 ("user", "reset-totp", "a", "b", *with_missing_db), ("user", "list", "--frob")):
        r = run_nsp(*args)
        assert r.returncode == 2, (args, r)
        assert r.stderr.strip() and not r.stdout, (args, r)
    r = run_nsp("user", "reset-totp", *with_missing_db, env={"NSP_LANG": "en"})
    assert r.returncode == 2 and "name the user" in r.stderr, r
    # a missing database is one sentence and exit 1
    r = run_nsp("user", "list", *with_missing_db)
    assert r.returncode == 1 and one_sentence(r.stderr), r


def test_cli_user_reset_totp_lets_the_sole_coordinator_enrol_again_while_serving():
    with Server() as s:
        w = World(s)                                  # the coordinator is enrolled; w.coord is a session
        coord_id = user_id(s, w.coord, "samordnare")
        cw_id, cw = w.user("caseworker", w.org(), username="kollega")
        challenge = password_step(s, "samordnare", COORD_PASSWORD)   # a login half done
        second = s.login("samordnare", COORD_PASSWORD)              # a second session
        assert second_factor_rows(s.db, coord_id) == [1, 10, 1, 2]
        before = audit_rows(s.db)

        # an unknown user is refused, clearly, and nothing is written
        r = run_nsp("user", "reset-totp", "--db", s.db, "ingen-sådan")
        assert r.returncode == 1 and one_sentence(r.stderr) and "ingen-sådan" in r.stderr, r
        r = run_nsp("user", "reset-totp", "--db", s.db, "ingen-sådan", env={"NSP_LANG": "en"})
        assert r.returncode == 1 and "no user is named ingen-sådan" in r.stderr, r
        assert audit_rows(s.db) == before

        r = run_nsp("user", "reset-totp", "--db", s.db, "samordnare")
        assert r.returncode == 0, r
        assert "samordnare" in r.stdout and not r.stderr, r

        # the second factor, its recovery codes, challenges and sessions are gone from the database
        assert second_factor_rows(s.db, coord_id) == [0, 0, 0, 0]
        assert second_factor_rows(s.db, cw_id)[:2] == [1, 10]
        # the old session and the half-done login are dead at once
        expect(s.get(API + "/persons", token=w.coord), 401, code="unauthenticated")
        expect(s.get(API + "/me", token=second), 401, code="unauthenticated")
        expect(s.post(API + "/login/totp", {"challenge": challenge, "code": s.phones["samordnare"].code()}),
               401, code="unauthenticated")
        expect_ok(s.get(API + "/persons", token=cw), 200)          # nobody else's
        # the password alone gives a session again, but only to enrol
        r = s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD})
        token = expect_ok(r, 200)["token"]
        expect(s.get(API + "/persons", token=token), 403, code=ENROL_REQUIRED)
        me = expect_ok(s.get(API + "/me", token=token), 200)["second_factor"]
        assert me["enrolled"] is False and me["pending"] is False and me["recovery_codes_left"] == 0, me
        codes = s.enrol("samordnare", token)
        assert len(codes) == 10
        expect_ok(s.get(API + "/persons", token=token), 200)
        # and the coordinator can administer again: the new factor works at the next login
        s.login("samordnare", COORD_PASSWORD)

        # one entry by the system (no user), as nsp init and retention write theirs
        added = audit_rows(s.db)[len(before):]
        resets = [row for row in added if row[2] == "totp.reset"]
        assert len(resets) == 1 and resets[0][1] in (None, 0) and resets[0][3] == coord_id, added
        assert cw_id != coord_id
        verify_audit(s.db)


def test_cli_user_set_password_rejects_weak_ones_and_replaces_the_old_while_serving():
    with Server() as s:
        w = World(s)
        org = w.org()
        uid, cw = w.user("caseworker", org, username="glömsk")
        before = audit_rows(s.db)

        # too short, too common: refused with the rule, nothing changes
        for weak, needle in (("kort-lösen", "12"), ("password1234", "vanligt"), ("Sommaren2024!", "vanligt")):
            r = run_nsp("user", "set-password", "--db", s.db, "glömsk", env={"NSP_PASSWORD": weak})
            assert r.returncode == 1 and one_sentence(r.stderr) and needle in r.stderr, (weak, r)
        r = run_nsp("user", "set-password", "--db", s.db, "glömsk", env={"NSP_PASSWORD": "password1234",
                                                                        "NSP_LANG": "en"})
        assert r.returncode == 1 and "common" in r.stderr, r
        r = run_nsp("user", "set-password", "--db", s.db, "glömsk", env=no_password_env(), input="elva-tecken\n")
        assert r.returncode == 1 and "12" in r.stderr, r
        # no password at all is a usage error, as in nsp init
        r = run_nsp("user", "set-password", "--db", s.db, "glömsk", env=no_password_env(), input="")
        assert r.returncode == 2 and one_sentence(r.stderr), r
        r = run_nsp("user", "set-password", "--db", s.db, "ingen-sådan", env={"NSP_PASSWORD": NEW_PASSWORD})
        assert r.returncode == 1 and "ingen-sådan" in r.stderr and one_sentence(r.stderr), r
        assert audit_rows(s.db) == before
        expect_ok(s.get(API + "/persons", token=cw), 200)
        challenge = password_step(s, "glömsk", USER_PASSWORD)  # the old password still works: a login half done
        assert second_factor_rows(s.db, uid)[2:] == [1, 1]      # its challenge and the session

        # a good one from standard input: the old sessions end, the old password is refused
        r = run_nsp("user", "set-password", "--db", s.db, "glömsk", env=no_password_env(),
                    input=NEW_PASSWORD + "\n")
        assert r.returncode == 0 and "glömsk" in r.stdout, r
        assert second_factor_rows(s.db, uid) == [1, 10, 0, 0]   # the second factor stays
        expect(s.get(API + "/persons", token=cw), 401, code="unauthenticated")
        # the login begun with the old password cannot be completed with a good code
        expect(s.post(API + "/login/totp", {"challenge": challenge, "code": s.phones["glömsk"].code()}),
               401, code="unauthenticated")
        expect(s.post(API + "/login", {"username": "glömsk", "password": USER_PASSWORD}), 401,
               code="unauthenticated")
        token = s.login("glömsk", NEW_PASSWORD)              # the second factor stays: code step needed
        expect_ok(s.get(API + "/persons", token=token), 200)
        expect_ok(s.get(API + "/persons", token=w.coord), 200)  # nobody else's session

        # and from NSP_PASSWORD, for the coordinator
        r = run_nsp("user", "set-password", "--db", s.db, "samordnare", env={"NSP_PASSWORD": "samordnarens-nya-1"})
        assert r.returncode == 0, r
        expect(s.get(API + "/persons", token=w.coord), 401, code="unauthenticated")
        s.login("samordnare", "samordnarens-nya-1")

        added = [row for row in audit_rows(s.db)[len(before):] if row[2] == "user.set_password"]
        assert [(row[1] in (None, 0), row[3]) for row in added] == [(True, uid), (True, added[1][3])], added
        verify_audit(s.db)


def test_cli_user_list_shows_who_and_no_secrets():
    with Server() as s:
        w = World(s)
        org = w.org(name="Skyddat Boende Väst")
        expect_ok(s.post(API + "/users", {"username": "handläggare-a", "password": USER_PASSWORD,
                                          "role": "caseworker", "organisation_id": org}, token=w.coord))
        token = expect_ok(s.post(API + "/login", {"username": "handläggare-a", "password": USER_PASSWORD}),
                          200)["token"]
        recovery = s.enrol("handläggare-a", token)
        fid = expect_ok(s.post(API + "/users", {"username": "finansiären", "password": USER_PASSWORD,
                                                "role": "funder"}, token=w.coord))["id"]
        expect_ok(s.post(f"{API}/users/{fid}/deactivate", token=w.coord), 200)
        before = audit_rows(s.db)

        r = run_nsp("user", "list", "--db", s.db)
        assert r.returncode == 0 and not r.stderr, r
        lines = r.stdout.splitlines()
        assert lines[0].split("\t") == ["användarnamn", "roll", "organisation", "aktiv", "tvåstegsverifiering"]
        rows = {f[0]: f[1:] for f in (line.split("\t") for line in lines[1:])}
        assert rows == {
            "samordnare": ["coordinator", "-", "ja", "ja"],
            "handläggare-a": ["caseworker", "Skyddat Boende Väst", "ja", "ja"],
            "finansiären": ["funder", "-", "nej", "nej"],
        }, rows
        en = run_nsp("--lang", "en", "user", "list", "--db", s.db)
        assert en.returncode == 0 and en.stdout.splitlines()[0].split("\t")[3:] == ["active", "second_factor"], en
        assert "finansiären\tfunder\t-\tno\tno" in en.stdout.splitlines(), en.stdout

        # no secrets: neither password hashes nor TOTP secrets (in any form) nor codes
        con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            hashes = [h for (h,) in con.execute("SELECT password_hash FROM users")]
            sealed = [bytes(b) for (b,) in con.execute("SELECT secret FROM user_totp")]
        finally:
            con.close()
        out = r.stdout + r.stderr + en.stdout + en.stderr
        assert len(hashes) == 3 and len(sealed) == 2, (hashes, sealed)
        for secret in [*hashes, *(p.secret for p in s.phones.values()), COORD_PASSWORD, USER_PASSWORD,
                       *recovery, "$argon2"]:
            assert secret not in out, secret
        for blob in sealed:
            assert blob.hex() not in out.lower()
        # the listing is a read: it writes nothing, also not to the audit log
        assert audit_rows(s.db) == before
        verify_audit(s.db)


def test_cli_user_refuses_another_database_key_and_waits_for_the_servers_writes():
    with Server() as s:
        w = World(s)
        org = w.org()
        # a key file of another database: the write would break the audit chain, so it is refused
        other = os.path.join(s.dir, "annan.db")
        assert run_nsp("init", "--db", other, "--coordinator", "x", env={"NSP_PASSWORD": COORD_PASSWORD}
                       ).returncode == 0
        before = audit_rows(s.db)
        r = run_nsp("user", "reset-totp", "--db", s.db, "--key-file", other + ".key", "samordnare")
        assert r.returncode == 1 and one_sentence(r.stderr), r
        assert audit_rows(s.db) == before
        expect_ok(s.get(API + "/persons", token=w.coord), 200)

        # the server keeps writing while the commands run: both sides succeed
        uid, cw = w.user("caseworker", org, username="upptagen")
        stop, failures, made = threading.Event(), [], []

        def keep_writing():
            while not stop.is_set():
                r = s.post(API + "/persons", {"gender": "male", "age_group": "adult",
                                              "exploitation_forms": ["sexual_exploitation"], "referral_source": "police",
                                              "legal_status": "reflection_permit", "sweden_responsible": True,
                                              "organisation_id": org}, token=w.coord)
                (made if r.status == 201 else failures).append(r)

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            for i in range(3):
                r = run_nsp("user", "reset-totp", "--db", s.db, "upptagen")
                assert r.returncode == 0, r
                r = run_nsp("user", "set-password", "--db", s.db, "upptagen",
                            env={"NSP_PASSWORD": f"upptagen-lösen-{i}-x"})
                assert r.returncode == 0, r
        finally:
            stop.set()
            writer.join(60)
        assert not failures and made, (failures[:3], len(made))
        expect(s.get(API + "/persons", token=cw), 401, code="unauthenticated")
        token = expect_ok(s.post(API + "/login", {"username": "upptagen", "password": "upptagen-lösen-2-x"}),
                          200)["token"]
        expect(s.get(API + "/persons", token=token), 403, code=ENROL_REQUIRED)
        verify_audit(s.db)


TYPED_PASSWORD = "skrivet-på-konsolen-9"


def test_cli_init_on_a_terminal_asks_twice_without_echo():
    # different twice: refused, and nothing is left behind
    with tempfile.TemporaryDirectory(prefix="nsp-cli-") as tmp:
        db = os.path.join(tmp, "nsp.db")
        for env, prompts, needle in (({}, ("Lösenord för samordnaren: ", "Samma igen: "), "inte lika"),
                                     ({"NSP_LANG": "en"}, ("Password for the coordinator: ", "The same again: "),
                                      "the passwords differ")):
            rc, out, err, shown = run_on_terminal(["init", "--db", db, "--coordinator", "samordnare"],
                                                  [(prompts[0], TYPED_PASSWORD), (prompts[1], TYPED_PASSWORD + "x")],
                                                  env=env)
            assert rc == 1 and needle in err and not out, (rc, out, err)
            assert TYPED_PASSWORD not in shown + err, shown
            assert os.listdir(tmp) == [], os.listdir(tmp)

    # the same twice: the database is made with that password, which logs in
    class InitOnTerminal(Server):
        def init(self):
            rc, out, err, shown = run_on_terminal(
                ["init", "--db", self.db, "--coordinator", "samordnare"],
                [("Lösenord för samordnaren: ", TYPED_PASSWORD), ("Samma igen: ", TYPED_PASSWORD)])
            assert rc == 0 and "samordnare" in out, (rc, out, err)
            assert err.count(": ") == 2 and "Samma igen: " in err, err     # the two prompts and no complaint
            assert TYPED_PASSWORD not in shown + out + err, shown

    with InitOnTerminal() as s:
        s.login("samordnare", TYPED_PASSWORD)


def test_cli_user_set_password_on_a_terminal_asks_twice_without_echo():
    with Server() as s:
        w = World(s)
        uid, cw = w.user("caseworker", w.org(), username="konsol")
        before = audit_rows(s.db)
        prompts = ("Nytt lösenord: ", "Samma igen: ")
        rc, out, err, shown = run_on_terminal(["user", "set-password", "--db", s.db, "konsol"],
                                              [(prompts[0], TYPED_PASSWORD), (prompts[1], TYPED_PASSWORD + "x")])
        assert rc == 1 and "lösenorden är inte lika; inget ändrades" in err and not out, (rc, out, err)
        assert TYPED_PASSWORD not in shown, shown
        assert audit_rows(s.db) == before
        expect_ok(s.get(API + "/persons", token=cw), 200)

        rc, out, err, shown = run_on_terminal(["user", "set-password", "--db", s.db, "konsol"],
                                              [(prompts[0], TYPED_PASSWORD), (prompts[1], TYPED_PASSWORD)])
        assert rc == 0 and "konsol" in out, (rc, out, err)
        assert TYPED_PASSWORD not in shown + out + err, shown
        expect(s.get(API + "/persons", token=cw), 401, code="unauthenticated")
        s.login("konsol", TYPED_PASSWORD)
        assert [row[3] for row in audit_rows(s.db)[len(before):] if row[2] == "user.set_password"] == [uid]
        verify_audit(s.db)


def test_cli_password_prompt_interrupted_leaves_the_terminal_echoing():
    # Ctrl-C (SIGINT) or a hang-up at the prompt ends the command, but the
    # operator's shell must get its echo back: the prompt had turned it off.
    with tempfile.TemporaryDirectory(prefix="nsp-cli-") as tmp:
        db = os.path.join(tmp, "nsp.db")
        for sig in (signal.SIGINT, signal.SIGHUP):
            master, slave = os.openpty()
            e = {k: v for k, v in os.environ.items() if k != "NSP_PASSWORD"}
            try:
                assert termios.tcgetattr(slave)[3] & termios.ECHO
                p = subprocess.Popen([nsp_bin(), "init", "--db", db, "--coordinator", "samordnare"], stdin=slave,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=e,
                                     start_new_session=True)
                err, deadline = b"", time.time() + 30
                while b"samordnaren: " not in err:
                    assert time.time() < deadline, err
                    if select.select([p.stderr], [], [], 0.1)[0]:
                        err += os.read(p.stderr.fileno(), 4096)
                assert not termios.tcgetattr(slave)[3] & termios.ECHO    # off while the password is typed
                p.send_signal(sig)
                assert p.wait(timeout=10) == -sig
                p.stderr.close()
                assert termios.tcgetattr(slave)[3] & termios.ECHO, sig
                assert os.listdir(tmp) == [], os.listdir(tmp)
            finally:
                os.close(slave)
                os.close(master)


def test_cli_password_on_a_terminal_too_long_or_from_the_environment():
    with Server() as s:
        w = World(s)
        w.user("caseworker", w.org(), username="konsol")
        before = audit_rows(s.db)
        # a line longer than any password: refused whole, not cut (the rest
        # would have been read as the second line: "the passwords differ")
        rc, out, err, shown = run_on_terminal(["user", "set-password", "--db", s.db, "konsol"],
                                              [("Nytt lösenord: ", "x" * 2000)])
        assert rc == 2 and "lösenordet är för långt" in err and "inte lika" not in err, (rc, out, err)
        assert audit_rows(s.db) == before
        # NSP_PASSWORD left set from another command: used, but said so
        for lang, words in (("sv", "lösenordet tas från NSP_PASSWORD"),
                            ("en", "the password is taken from NSP_PASSWORD")):
            rc, out, err, shown = run_on_terminal(["user", "set-password", "--db", s.db, "konsol"], [],
                                                  env={"NSP_PASSWORD": TYPED_PASSWORD, "NSP_LANG": lang})
            assert rc == 0 and words in err, (rc, out, err)
        s.login("konsol", TYPED_PASSWORD)
        # from a pipe (a script) it stays quiet
        r = run_nsp("user", "set-password", "--db", s.db, "konsol", env={"NSP_PASSWORD": TYPED_PASSWORD + "2"},
                    input="")
        assert r.returncode == 0 and "NSP_PASSWORD" not in r.stderr, r


def test_cli_user_on_an_inactive_user_says_so():
    with Server() as s:
        w = World(s)
        uid, _ = w.user("caseworker", w.org(), username="vilande")
        r = run_nsp("user", "reset-totp", "--db", s.db, "vilande", input="")
        assert r.returncode == 0 and "inaktiv" not in r.stderr, r
        expect_ok(s.post(f"{API}/users/{uid}/deactivate", token=w.coord), 200)
        for args, env in ((("reset-totp",), {}), (("set-password",), {"NSP_PASSWORD": TYPED_PASSWORD})):
            for lang, words in (("sv", "användaren är inaktiv"), ("en", "the user is inactive")):
                r = run_nsp("user", *args, "--db", s.db, "vilande", env={**env, "NSP_LANG": lang}, input="")
                assert r.returncode == 0 and words in r.stderr, r
        verify_audit(s.db)
