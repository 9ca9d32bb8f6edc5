"""Login, sessions, cookies, throttling, expiry, deactivation, graceful stop
and the security headers of every kind of response."""
import signal
import time

from harness import API, COORD_PASSWORD, USER_PASSWORD, Server, World, expect, expect_ok


def cookie_of(resp):
    """The nsp session cookie's Set-Cookie header of a response."""
    for h in resp.headers.get_all("Set-Cookie") or []:
        if h.startswith("nsp_session="):
            return h
    raise AssertionError(f"no session cookie in {resp.headers}")


def test_login_answers_token_user_and_a_strict_httponly_cookie():
    with Server() as s:
        r = s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD})
        body = expect(r, 200)
        assert set(body) >= {"token", "user"}, body
        assert set(body["user"]) >= {"id", "username", "role", "organisation_id"}, body
        assert body["user"]["username"] == "samordnare" and body["user"]["role"] == "coordinator", body
        assert body["user"]["organisation_id"] is None, body
        assert "password" not in r.text and "argon2" not in r.text, r
        c = cookie_of(r)
        attrs = [a.strip().lower() for a in c.split(";")]
        assert "httponly" in attrs, c
        assert "samesite=strict" in attrs, c
        value = c.split(";")[0].split("=", 1)[1]
        assert value == body["token"], c
        # the cookie alone is a login
        me = expect_ok(s.get(API + "/me", headers={"Cookie": f"nsp_session={value}"}), 200)
        assert me["username"] == "samordnare", me
        # so is the bearer token
        expect_ok(s.get(API + "/me", token=body["token"]), 200)


def test_cookie_authenticated_api_write_must_be_json():
    with Server() as s:
        token = s.login("samordnare", COORD_PASSWORD)
        cookie = {"Cookie": f"nsp_session={token}"}
        body = '{"name": "Formulärorg", "kind": "other", "regions": ["Nord"]}'.encode()
        r = s.post(API + "/organisations", raw=body, headers=dict(cookie, **{"Content-Type": "text/plain"}))
        assert r.status in (400, 403, 415), r
        r = s.post(API + "/organisations", raw=body,
                   headers=dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"}))
        assert r.status in (400, 403, 415), r
        assert expect_ok(s.get(API + "/organisations", token=token), 200)["organisations"] == []
        # JSON from our own pages (CSRF: the cookie needs our Origin, test_csrf.py)
        expect_ok(s.post(API + "/organisations", raw=body, headers=dict(cookie, **{"Content-Type": "application/json",
                                                                           "Origin": f"http://127.0.0.1:{s.port}"})))


def test_logout_ends_the_session_only():
    with Server() as s:
        t1 = s.login("samordnare", COORD_PASSWORD)
        t2 = s.login("samordnare", COORD_PASSWORD)
        assert t1 != t2
        r = s.post(API + "/logout", token=t1)
        expect(r, 200)
        c = cookie_of(r)
        assert "max-age=0" in c.lower() or "expires=thu, 01 jan 1970" in c.lower() or c.startswith("nsp_session=;"), c
        expect(s.get(API + "/me", token=t1), 401, code="unauthenticated")
        expect(s.post(API + "/logout", token=t1), 401, code="unauthenticated")
        expect(s.get(API + "/me", headers={"Cookie": f"nsp_session={t1}"}), 401, code="unauthenticated")
        expect_ok(s.get(API + "/me", token=t2), 200)
        expect(s.post(API + "/logout"), 401, code="unauthenticated")


def test_deactivated_users_session_stops_at_once():
    with Server() as s:
        w = World(s)
        org = w.org()
        uid, cw = w.user("caseworker", org, username="handläggare-ett")
        expect_ok(s.get(API + "/persons", token=cw), 200)
        d = expect_ok(s.post(f"{API}/users/{uid}/deactivate", token=w.coord), 200)
        assert d["active"] is False, d
        expect(s.get(API + "/persons", token=cw), 401, code="unauthenticated")
        expect(s.get(API + "/me", headers={"Cookie": f"nsp_session={cw}"}), 401, code="unauthenticated")
        expect(s.post(API + "/login", {"username": "handläggare-ett", "password": USER_PASSWORD}), 401,
               code="unauthenticated")
        users = expect_ok(s.get(API + "/users", token=w.coord), 200)["users"]
        assert [u["active"] for u in users if u["id"] == uid] == [False], users
        assert "argon2" not in s.get(API + "/users", token=w.coord).text
        a = expect_ok(s.post(f"{API}/users/{uid}/activate", token=w.coord), 200)
        assert a["active"] is True, a
        expect(s.get(API + "/persons", token=cw), 401)          # the old session stays ended
        fresh = s.login("handläggare-ett", USER_PASSWORD)
        expect_ok(s.get(API + "/persons", token=fresh), 200)


def test_idle_session_expires():
    with Server(serve_args=("--idle-timeout", "1")) as s:
        token = s.login("samordnare", COORD_PASSWORD)
        expect_ok(s.get(API + "/me", token=token), 200)
        time.sleep(2.2)
        expect(s.get(API + "/me", token=token), 401, code="unauthenticated")
        expect(s.get(API + "/me", token=token), 401, code="unauthenticated")
        fresh = s.login("samordnare", COORD_PASSWORD)
        expect_ok(s.get(API + "/me", token=fresh), 200)


def test_unknown_user_and_wrong_password_get_identical_answers():
    with Server() as s:
        w = World(s)
        uid, _ = w.user("funder", username="finansiär")
        answers = [s.post(API + "/login", {"username": name, "password": "inte-rätt-lösenord"})
                   for name in ("finansiär", "ingen-sådan-användare")]
        expect_ok(s.post(f"{API}/users/{uid}/deactivate", token=w.coord), 200)
        answers.append(s.post(API + "/login", {"username": "finansiär", "password": USER_PASSWORD}))
        for r in answers:
            expect(r, 401, code="unauthenticated")
            assert "Set-Cookie" not in r.headers, r.headers
        assert len({(r.status, r.body) for r in answers}) == 1, answers


def test_login_is_throttled_after_repeated_failures_even_with_the_right_password():
    with Server() as s:
        w = World(s)
        w.user("caseworker", w.org(), username="målkonto")
        wrong = {"username": "målkonto", "password": "gissning-nummer-x"}
        right = {"username": "målkonto", "password": USER_PASSWORD}
        for _ in range(5):
            expect(s.post(API + "/login", wrong), 401)
        # (a sixth failure a second later makes the wait at least two seconds, so that
        # the refusals below cannot race the clock)
        time.sleep(1.1)
        expect(s.post(API + "/login", wrong), 401)
        for _ in range(3):
            r = s.post(API + "/login", right)
            expect(r, 429)
            assert r.json["error"]["code"] == "throttled", r
            assert "token" not in r.text and "Set-Cookie" not in r.headers, r
        # the refusal is the same for a password guess
        expect(s.post(API + "/login", wrong), 429)
        # and it lifts again after the wait
        time.sleep(2.2)
        expect_ok(s.post(API + "/login", right), 200)


def test_sigterm_and_sigint_stop_the_server_cleanly():
    for sig in (signal.SIGTERM, signal.SIGINT):
        with Server() as s:
            token = s.login("samordnare", COORD_PASSWORD)
            expect_ok(s.get(API + "/me", token=token), 200)
            assert s.stop(sig) == 0, sig
            # the stopped server's database is whole: a new server serves it
            s.start()
            expect_ok(s.get(API + "/me", token=s.login("samordnare", COORD_PASSWORD)), 200)


def test_sigterm_right_after_the_ready_line_is_graceful():
    """Once `nsp serve` has said where it listens, SIGTERM must stop it cleanly
    (exit 0), not kill it: scripts stop a server the moment it is up."""
    with Server() as s:
        codes = []
        s.stop()
        for _ in range(20):
            s.start()
            codes.append(s.stop())
        assert codes == [0] * 20, f"exit statuses after an early SIGTERM: {codes}"


def test_security_headers_on_every_kind_of_response():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.admitted(org)
        responses = {
            "healthz": s.get("/healthz"),
            "login": s.post(API + "/login", {"username": "samordnare", "password": COORD_PASSWORD}),
            "json 200": s.get(f"{API}/persons/{p['id']}", token=w.coord),
            "201": s.post(API + "/organisations", {"name": "Y", "kind": "other", "regions": ["Nord"]}, token=w.coord),
            "400": s.post(API + "/organisations", {"kind": "x"}, token=w.coord),
            "401": s.get(API + "/persons"),
            "403": s.get(API + "/persons", token=w.user("funder")[1]),
            "404": s.get(API + "/nothing", token=w.coord),
            "404 page": s.get("/nothing"),
            "405": s.request("DELETE", API + "/persons", token=w.coord),
            "422": w.apply(p["id"], "reflection", submitted_on="2024-03-01", **{"from": "2024-03-01", "to": "2024-04-30"}),
        }
        assert responses["422"].status == 422, responses["422"]
        for name, r in responses.items():
            h = r.headers
            csp = h.get("Content-Security-Policy") or ""
            assert "frame-ancestors 'none'" in csp and "default-src" in csp, (name, csp)
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (name, csp)
            assert (h.get("X-Content-Type-Options") or "").lower() == "nosniff", (name, dict(h))
            assert (h.get("Referrer-Policy") or "").lower() in (
                "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"), (name, dict(h))
            assert "no-store" in (h.get("Cache-Control") or ""), (name, dict(h))
            if name != "404 page":
                assert (h.get("Content-Type") or "").startswith("application/json"), (name, dict(h))
