"""Confirmation before what cannot be undone (issue 14): closing a decision,
deactivating a user and resetting another user's second factor are done from
the pages only with the checked box "confirm"; without it the server answers
with a page asking for it, and nothing happens. Server-side, so it holds
without JavaScript. (The API's own calls are for programs and are unchanged.)"""
import re
import urllib.parse

from harness import API, Server, World, expect_ok


def form_post(s, token, path, page, **fields):
    """POSTs a page form as a browser would, with the page's CSRF token."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(dict(csrf=csrf, **fields)).encode()
    return s.post(path, token=token, raw=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                        "Origin": s.base})


def test_closing_a_decision_needs_the_checked_box():
    with Server() as s:
        w = World(s)
        p = w.admitted(w.org())
        dec = w.grant(p["id"], "reflection", "2024-03-01", **{"from": "2024-03-01", "to": "2024-03-10"})
        page = s.get(f"/decisions/{dec['id']}", token=w.coord).text
        assert 'name="confirm"' in page and "inte kan öppnas igen" in page, page
        r = form_post(s, w.coord, f"/decisions/{dec['id']}/close", page)
        assert r.status == 200 and "section class=\"panel confirm\"" in r.text, r
        got = expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=w.coord), 200)
        assert got["closed_on"] is None and got["released_ore"] == 0, got          # nothing happened
        r = form_post(s, w.coord, f"/decisions/{dec['id']}/close", page, confirm="1")
        assert r.status in (302, 303), r
        got = expect_ok(s.get(f"{API}/decisions/{dec['id']}", token=w.coord), 200)
        assert got["closed_on"] is not None and got["released_ore"] == dec["total_ore"], got


def test_deactivating_a_user_and_resetting_a_second_factor_need_the_checked_box():
    with Server() as s:
        w = World(s)
        org = w.org()
        uid, cw = w.user("caseworker", org, username="karin")
        page = s.get("/users", token=w.coord).text
        r = form_post(s, w.coord, f"/users/{uid}/deactivate", page)
        assert r.status == 200 and "Inaktivera användaren karin?" in r.text, r
        users = expect_ok(s.get(f"{API}/users", token=w.coord), 200)["users"]
        assert [u["active"] for u in users if u["id"] == uid] == [True], users      # nothing happened
        expect_ok(s.get(f"{API}/me", token=cw), 200)                                # her session lives
        r = form_post(s, w.coord, f"/users/{uid}/totp/reset", page)
        assert r.status == 200 and "Återställa tvåstegsverifieringen för karin?" in r.text, r
        r = form_post(s, w.coord, f"/users/{uid}/deactivate", page, confirm="1")
        assert r.status in (302, 303), r
        users = expect_ok(s.get(f"{API}/users", token=w.coord), 200)["users"]
        assert [u["active"] for u in users if u["id"] == uid] == [False], users
        assert s.get(f"{API}/me", token=cw).status == 401
