"""Running nsp for real, the HTTP side (issue 18): the client address behind a
trusted reverse proxy (--trusted-proxy), Secure cookies and HSTS
(--secure-cookies) and the request log on standard error.

Request log line (README, "Request log"):
    nsp-http TIME ADDR USER METHOD PATH STATUS BYTES MICROSECONDS
"""
import os
import re
import subprocess
import time

from harness import API, COORD_PASSWORD, Server, expect, nsp_bin

LOG_RE = re.compile(r"^nsp-http (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) (\S+) (\S+) (\S+) (\S+) (\d+) (\d+)$")


def log_lines(s):
    return [m for m in (LOG_RE.match(line) for line in s.stderr_text().splitlines()) if m]


def wait_log(s, pred, what):
    """The first log line (a match object) for which pred holds, waiting up to
    10 s for the line to be written (it is written when the request completes)."""
    deadline = time.time() + 10
    while True:
        for m in log_lines(s):
            if pred(m):
                return m
        if time.time() > deadline:
            raise AssertionError(f"no request log line for {what}:\n{s.stderr_text()[-3000:]}")
        time.sleep(0.02)


def addr_of(s, path, xff=None):
    """Sends GET path (with X-Forwarded-For xff) and returns the client address
    the request log shows for it."""
    headers = {"X-Forwarded-For": xff} if xff is not None else {}
    before = len(log_lines(s))
    s.get(path, headers=headers)
    deadline = time.time() + 10
    while True:
        for m in log_lines(s)[before:]:
            if m.group(5) == path:
                return m.group(2)
        if time.time() > deadline:
            raise AssertionError(f"no log line for {path}:\n{s.stderr_text()[-3000:]}")
        time.sleep(0.02)


# ---------------------------------------------------------------- request log

def test_request_log_has_one_documented_line_per_request():
    with Server() as s:
        expect(s.get("/healthz"), 200)
        m = wait_log(s, lambda m: m.group(5) == "/healthz", "/healthz")
        time_, addr, user, method, path, status, nbytes, micros = m.groups()
        assert addr == "127.0.0.1" and user == "-" and method == "GET", m.group(0)
        assert status == "200" and int(nbytes) > 0 and int(micros) >= 0, m.group(0)


def test_request_log_names_the_user_but_never_a_token_password_query_value_or_identity():
    with Server() as s:
        r = s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD})
        expect(r, 200)
        token = r.json["token"]
        uid = r.json["user"]["id"]
        expect(s.get(API + "/me?lang=hemligt-fragevarde", token=token), 200)
        m = wait_log(s, lambda m: m.group(5) == API + "/me", "/me")
        assert m.group(3) == str(uid), m.group(0)
        # a personal identity number typed into an address, a path that matches no route
        expect(s.get("/persons/19900101-1234?pnr=19900101-1234"), 404)
        # and one in the tail of a static path
        s.get("/static/19900101-1234.css")
        wait_log(s, lambda m: m.group(5) == "/static/*", "a static miss")
        wait_log(s, lambda m: m.group(5) == "-" and m.group(6) == "404", "an unmatched path")
        err = s.stderr_text()
        for secret in (token, COORD_PASSWORD, "hemligt-fragevarde", "hemligt", "19900101", "pnr=", "lang="):
            assert secret not in err, f"{secret!r} is in the log:\n{err[-3000:]}"


def test_no_request_log_turns_it_off():
    with Server(serve_args=("--no-request-log",)) as s:
        expect(s.get("/healthz"), 200)
        expect(s.get("/healthz"), 200)
    # stopped: every line the server wrote has been read
    assert not log_lines(s), s.stderr_text()


# ---------------------------------------------------------------- trusted proxies

def test_x_forwarded_for_from_an_untrusted_peer_is_ignored():
    with Server() as s:
        assert addr_of(s, "/healthz", "203.0.113.9") == "127.0.0.1"
    with Server(serve_args=("--trusted-proxy", "192.0.2.1,2001:db8::1")) as s:
        # 127.0.0.1 is not one of the trusted proxies: a spoofed header changes nothing
        assert addr_of(s, "/healthz", "203.0.113.9") == "127.0.0.1"


def test_trusted_proxy_gives_the_right_most_untrusted_hop():
    with Server(serve_args=("--trusted-proxy", "127.0.0.1, 192.0.2.1")) as s:
        assert addr_of(s, "/healthz", "203.0.113.9") == "203.0.113.9"
        # the client wrote the left hop itself; the proxy appended the right one
        assert addr_of(s, "/healthz", "10.6.6.6, 198.51.100.4") == "198.51.100.4"
        # a hop that is itself a trusted proxy is skipped
        assert addr_of(s, "/healthz", "198.51.100.4, 192.0.2.1") == "198.51.100.4"
        # IPv6 hops
        assert addr_of(s, "/healthz", "2001:db8::7") == "2001:db8::7"
        # garbage ends the walk at the last believed hop
        assert addr_of(s, "/healthz", "nonsense, 198.51.100.5") == "198.51.100.5"
        assert addr_of(s, "/healthz", "nonsense") == "127.0.0.1"
        # no header: the proxy itself
        assert addr_of(s, "/healthz") == "127.0.0.1"


def test_failed_logins_are_throttled_per_forwarded_client_behind_a_trusted_proxy():
    """The throttle of repeated failed logins counts the forwarded client, so
    that one attacker behind the proxy does not lock out everyone else."""
    with Server(serve_args=("--trusted-proxy", "127.0.0.1")) as s:
        bad = {"username": "ingen", "password": "fel-lösenord-igen-1"}
        attacker = {"X-Forwarded-For": "203.0.113.66"}
        code = None
        for i in range(12):
            code = s.post(API + "/login", dict(bad, username=f"ingen{i}"), headers=attacker).status
            if code == 429:
                break
        assert code == 429, code
        # another client behind the same proxy may still try (and is told the password is wrong)
        r = s.post(API + "/login", dict(bad, username="någon-annan"), headers={"X-Forwarded-For": "198.51.100.8"})
        expect(r, 401)


def test_spoofed_x_forwarded_for_does_not_escape_the_throttle_without_a_trusted_proxy():
    with Server() as s:
        bad = {"username": "ingen", "password": "fel-lösenord-igen-1"}
        code = None
        for i in range(12):
            code = s.post(API + "/login", dict(bad, username=f"ingen{i}"),
                          headers={"X-Forwarded-For": f"203.0.113.{i + 1}"}).status
            if code == 429:
                break
        assert code == 429, code
        r = s.post(API + "/login", dict(bad, username="någon-annan"), headers={"X-Forwarded-For": "198.51.100.8"})
        expect(r, 429)


def test_a_malformed_trusted_proxy_list_is_refused():
    s = Server()
    try:
        s.init()
        r = subprocess.run([nsp_bin(), "serve", "--db", s.db, "--listen", "127.0.0.1:0",
                            "--trusted-proxy", "10.0.0.1,proxy.example"],
                           capture_output=True, text=True, env=dict(s.env, NSP_LANG="en"), timeout=20)
        assert r.returncode != 0 and "trusted prox" in r.stderr, r
    finally:
        s.__exit__(None, None, None)


# ---------------------------------------------------------------- cookies

def test_secure_cookies_mark_every_cookie_secure_and_send_hsts():
    with Server(serve_args=("--secure-cookies",)) as s:
        r = s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD})
        expect(r, 200)
        cookie = r.headers["Set-Cookie"]
        assert "; Secure" in cookie and "HttpOnly" in cookie, cookie
        assert r.headers["Strict-Transport-Security"].startswith("max-age="), r.headers
        # the language cookie of a visitor who is not logged in, too
        lang = s.get("/lang?to=en")
        cookies = lang.headers.get_all("Set-Cookie") or []
        assert cookies and all("; Secure" in c for c in cookies), lang.headers


def test_without_secure_cookies_the_plain_http_server_sends_neither():
    with Server() as s:
        r = s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD})
        expect(r, 200)
        assert "Secure" not in r.headers["Set-Cookie"], r.headers
        assert "Strict-Transport-Security" not in r.headers, r.headers


# ---------------------------------------------------------------- configuration file

def write_config(s, text):
    path = os.path.join(s.dir, "nsp.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def test_config_file_sets_serve_options_and_the_command_line_wins():
    s = Server()
    try:
        s.init()
        conf = write_config(s, "# nsp serve's options without --\n"
                               "trusted-proxy = 192.0.2.1\n"
                               "secure-cookies = yes\n"
                               "\n"
                               "  idle-timeout =  600  \n"
                               "no-request-log = no\n")
        s.start("--config", conf, "--trusted-proxy", "127.0.0.1")
        # from the file
        r = s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD})
        expect(r, 200)
        assert "; Secure" in r.headers["Set-Cookie"], r.headers
        # the command line's --trusted-proxy replaced the file's
        assert addr_of(s, "/healthz", "203.0.113.9") == "203.0.113.9"
    finally:
        s.__exit__(None, None, None)


def test_config_file_errors_name_the_file_and_line():
    s = Server()
    try:
        s.init()
        for text, why in (("listen = 127.0.0.1:0\nno-such-option = 1\n", "unknown key"),
                          ("threads = many\n", "invalid value"),
                          ("secure-cookies = perhaps\n", "yes or no"),
                          ("just words\n", "key = value"),
                          ("config = /etc/other.conf\n", "unknown key")):
            conf = write_config(s, text)
            line = text.count("\n")
            r = subprocess.run([nsp_bin(), "serve", "--db", s.db, "--config", conf],
                               capture_output=True, text=True, env=dict(s.env, NSP_LANG="en"), timeout=20)
            assert r.returncode == 2 and f"{conf}:{line}: " in r.stderr and why in r.stderr, (text, r)
        r = subprocess.run([nsp_bin(), "serve", "--db", s.db, "--config", os.path.join(s.dir, "missing.conf")],
                           capture_output=True, text=True, env=dict(s.env, NSP_LANG="en"), timeout=20)
        assert r.returncode == 2 and "cannot be read" in r.stderr, r
    finally:
        s.__exit__(None, None, None)
