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


def test_the_coordinators_payment_by_amount_shows_its_split_and_needs_the_checked_box():
    with Server() as s:
        w = World(s)
        org = w.org()
        _, cw = w.user("caseworker", org)
        mother = w.admitted(org)
        child = w.child(mother["id"], org_id=org)
        dec = w.grant(mother["id"], "reflection", "2024-03-01", children=[child["id"]],
                      **{"from": "2024-03-01", "to": "2024-03-30"})
        page = s.get(f"/decisions/{dec['id']}", token=w.coord).text
        assert f'action="/decisions/{dec["id"]}/pay"' in page, page
        # a caseworker has no such form and may not post it: organisations claim
        assert "/pay\"" not in s.get(f"/decisions/{dec['id']}", token=cw).text
        r = form_post(s, cw, f"/decisions/{dec['id']}/pay", page, amount_ore="1 000", paid_on="2024-03-20")
        assert r.status == 403, r
        # first the split, kept fields and the box; nothing paid yet
        r = form_post(s, w.coord, f"/decisions/{dec['id']}/pay", page, amount_ore="1 000", paid_on="2024-03-20",
                      payment_reference="Ver 88")
        assert r.status == 200 and 'section class="panel confirm"' in r.text, r
        assert re.search(r'data-code="reflection">.*?725,28\s*kr', r.text, re.S), r.text
        assert re.search(r'data-code="reflection_child">.*?274,72\s*kr', r.text, re.S), r.text
        assert 'type="hidden"' in r.text and 'value="Ver 88"' in r.text, r.text
        assert expect_ok(s.get(f"{API}/decisions/{dec['id']}/payments", token=w.coord), 200)["payments"] == []
        # R14 beside the amount, before any confirmation: more than was granted (54 600 kr)
        r = form_post(s, w.coord, f"/decisions/{dec['id']}/pay", page, amount_ore="54 600,01", paid_on="2024-03-20")
        assert r.status == 422 and "R14" in r.text and 'section class="panel confirm"' not in r.text, r
        # confirmed: recorded, split line by line
        r = form_post(s, w.coord, f"/decisions/{dec['id']}/pay", r.text, amount_ore="1 000", paid_on="2024-03-20",
                      payment_reference="Ver 88", confirm="1")
        assert r.status in (302, 303) and r.headers["Location"].endswith("?done=paid"), r
        pays = expect_ok(s.get(f"{API}/decisions/{dec['id']}/payments", token=w.coord), 200)["payments"]
        assert [(p["amount_ore"], p["reference"], p["lines"]) for p in pays] == [
            (100_000, "Ver 88", [{"code": "reflection", "amount_ore": 72_528},
                                 {"code": "reflection_child", "amount_ore": 27_472}])], pays
        # a closed decision takes no payment: an error page, and no form on the decision page
        expect_ok(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-04-01"}, token=w.coord), 200)
        r = form_post(s, w.coord, f"/decisions/{dec['id']}/pay", page, amount_ore="1", paid_on="2024-04-01",
                      confirm="1")
        assert r.status == 409 and "avslutat" in r.text, r
        assert "/pay\"" not in s.get(f"/decisions/{dec['id']}", token=w.coord).text
