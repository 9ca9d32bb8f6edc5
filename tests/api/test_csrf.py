"""CSRF (issue 16, findings 3 and 7): every state-changing request that rides
on the session cookie must show it comes from this server's own pages — its
Origin, or without one Sec-Fetch-Site same-origin/none, or a Referer of this
server — whatever its body (empty bodies included); a write the browser says
is cross-site is refused even without a session (login CSRF); the login and
its second step take application/json only. Bearer-token clients are not
concerned."""
from harness import API, COORD_PASSWORD, Server, World, expect, expect_ok

EVIL = "http://evil.example"


def own(s):
    return f"http://127.0.0.1:{s.port}"


def cookie(token):
    return {"Cookie": f"nsp_session={token}"}


def test_csrf_empty_cross_site_posts_with_the_cookie_are_refused():
    """The hostile test's writes: approve a proposal, close a decision, reset a
    second factor, deactivate a user — empty text/plain bodies from a foreign
    Origin with the session cookie. Each is 403 and changes nothing."""
    with Server() as s:
        w = World(s)
        org = w.org()
        cw_id, cw = w.user("caseworker", org)
        p = w.admitted(org)
        adm = expect_ok(s.get(f"{API}/applications?person_id={p['id']}", token=w.coord), 200)["applications"][0]
        dec_id = adm["decision"]["id"]
        plain = {"Content-Type": "text/plain"}
        for path in (f"/decisions/{dec_id}/close", f"/users/{cw_id}/totp/reset", f"/users/{cw_id}/deactivate",
                     "/decision-proposals/1/approve"):
            for hdrs in ({"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                         {"Referer": EVIL + "/page"}, {}):
                r = s.post(API + path, raw=b"", headers=dict(cookie(w.coord), **plain, **hdrs))
                expect(r, 403, code="csrf")
                assert r.json["error"]["message_sv"] and r.json["error"]["message_en"], r
        # nothing changed: the decision is open, the caseworker active and still logged in
        assert expect_ok(s.get(f"{API}/decisions/{dec_id}", token=w.coord), 200)["closed_on"] is None
        expect_ok(s.get(API + "/me", token=cw), 200)
        # the same from our own origin (or what the browser says is same-origin) goes through
        expect_ok(s.post(f"{API}/users/{cw_id}/deactivate", raw=b"",
                         headers=dict(cookie(w.coord), Origin=own(s))), 200)
        expect_ok(s.post(f"{API}/users/{cw_id}/activate", raw=b"",
                         headers=dict(cookie(w.coord), **{"Sec-Fetch-Site": "same-origin"})), 200)
        expect_ok(s.post(f"{API}/users/{cw_id}/deactivate", raw=b"",
                         headers=dict(cookie(w.coord), Referer=own(s) + "/users")), 200)


def test_csrf_bearer_clients_are_unaffected_and_pages_need_our_origin():
    with Server() as s:
        w = World(s)
        # a Bearer token cannot be sent cross-site without a preflight: any Origin, or none, is fine
        expect_ok(s.post(API + "/organisations", {"name": "Org B", "kind": "other", "regions": ["Nord"]},
                         token=w.coord, headers={"Origin": EVIL}))
        expect_ok(s.post(API + "/organisations", {"name": "Org C", "kind": "other", "regions": ["Nord"]},
                         token=w.coord))
        # a JSON write with the cookie: from our origin yes, from another no
        body = b'{"name": "Org D", "kind": "other", "regions": ["Nord"]}'
        json_ct = {"Content-Type": "application/json"}
        expect(s.post(API + "/organisations", raw=body, headers=dict(cookie(w.coord), **json_ct, Origin=EVIL)),
               403, code="csrf")
        expect_ok(s.post(API + "/organisations", raw=body, headers=dict(cookie(w.coord), **json_ct, Origin=own(s))))
        # a page form with the right CSRF token but a foreign Origin is refused too
        r = s.post("/logout", raw=b"csrf=whatever", headers=dict(cookie(w.coord), Origin=EVIL,
                                                               **{"Content-Type": "application/x-www-form-urlencoded"}))
        assert r.status == 403, r
        expect_ok(s.get(API + "/me", token=w.coord), 200)


def test_csrf_login_takes_json_only_and_never_from_another_site():
    """Finding 7, login CSRF: a text/plain body shaped as JSON from a foreign
    Origin set the session cookie."""
    with Server() as s:
        body = ('{"username": "samordnare", "password": "%s"}' % COORD_PASSWORD).encode()
        for ct in ("text/plain", "application/x-www-form-urlencoded", None):
            hdrs = {"Content-Type": ct} if ct else {}
            r = s.post(API + "/login", raw=body, headers=hdrs)
            expect(r, 415, code="unsupported_media_type")
            assert "Set-Cookie" not in r.headers, r.headers
        r = s.post(API + "/login", raw=body, headers={"Content-Type": "application/json", "Origin": EVIL})
        expect(r, 403, code="csrf")
        assert "Set-Cookie" not in r.headers, r.headers
        r = s.post(API + "/login/totp", raw=b'{"challenge": "x", "code": "123456"}',
                   headers={"Content-Type": "text/plain"})
        expect(r, 415, code="unsupported_media_type")
        r = s.post(API + "/login/totp", raw=b'{"challenge": "x", "code": "123456"}',
                   headers={"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"})
        expect(r, 403, code="csrf")
        # the page's login form from another site
        r = s.post("/login", raw=b"username=samordnare&password=x",
                   headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": EVIL})
        assert r.status == 403, r
        # our own origin, or a client without any (curl), logs in
        r = s.post(API + "/login", raw=body, headers={"Content-Type": "application/json", "Origin": own(s)})
        assert r.status == 200, r
        r = s.post(API + "/login", raw=body, headers={"Content-Type": "application/json; charset=utf-8"})
        assert r.status == 200, r
