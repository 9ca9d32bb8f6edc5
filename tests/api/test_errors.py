"""Every 4xx of api.md: the status, the error code and, for 400, the field."""
import json
import re
from datetime import timedelta

from harness import API, NO_ACTOR, Server, World, expect, expect_ok, span_days, today

MIB = 1024 * 1024


def setup(s):
    w = World(s)
    org = w.org("Felorganisationen")
    p = w.admitted(org)
    return w, org, p


def test_400_malformed_json_and_non_object_bodies():
    with Server() as s:
        w, org, p = setup(s)
        for raw in (b'{"name": "x",', b'[1, 2]', b'"text"', b'', b'{"name": "a"} trailing',
                    b'{"name": "a", "name": "b", "kind": "other", "regions": ["Nord"]}'):
            r = s.post(API + "/organisations", raw=raw, token=w.coord, headers={"Content-Type": "application/json"})
            err = expect(r, 400, code="invalid")["error"]
            assert err["message_sv"] and err["message_en"], err


def test_400_missing_field_is_named():
    with Server() as s:
        w, org, p = setup(s)
        cases = [
            (API + "/organisations", {"kind": "other", "regions": ["Nord"]}, "name"),
            (API + "/organisations", {"name": "X", "regions": ["Nord"]}, "kind"),
            (API + "/persons", {"age_group": "adult", "organisation_id": org}, "gender"),
            (API + "/applications", {"type": "admission", "basis": NO_ACTOR}, "person_id"),
            (API + "/applications", {"person_id": p["id"], "basis": NO_ACTOR}, "type"),
            (API + "/applications", {"person_id": p["id"], "type": "reflection", "basis": NO_ACTOR,
                                     "from": "2024-03-01", "submitted_on": "2024-03-01"}, "to"),
            (API + "/applications", {"person_id": p["id"], "type": "point_adult", "basis": NO_ACTOR,
                                     "units": 1, "submitted_on": "2024-03-01"}, "category"),
            (API + "/applications", {"person_id": p["id"], "type": "admission", "basis": {"actor": "x"}},
             "basis.kind"),
            (API + "/payments", {"decision_id": 1, "paid_on": "2024-03-01"}, "amount_ore"),
            (API + "/placement-requests", {"target_group": "women", "outcome": "placed"}, "region"),
            (API + "/consultations", {"asker": "police", "region": "Nord", "minutes": 5}, "topic"),
            (API + "/users", {"username": "cw-utan-org", "password": "ett-långt-lösenord", "role": "caseworker"},
             "organisation_id"),
            (f"{API}/persons/{p['id']}/exit", {"date": "2024-05-01"}, "destination"),
            (API + "/login", {"username": "samordnare"}, "password"),
        ]
        for path, body, field in cases:
            expect(s.post(path, body, token=w.coord), 400, code="invalid", field=field)


def test_400_wrong_type_is_named():
    with Server() as s:
        w, org, p = setup(s)
        cases = [
            (API + "/organisations", {"name": 5, "kind": "other", "regions": ["Nord"]}, "name"),
            (API + "/organisations", {"name": "X", "kind": "other", "regions": "Nord"}, "regions"),
            (API + "/persons", {"gender": "male", "age_group": "adult", "organisation_id": str(org)},
             "organisation_id"),
            (API + "/persons", {"gender": "male", "age_group": "adult", "organisation_id": org,
                                "sweden_responsible": "yes"}, "sweden_responsible"),
            (API + "/applications", {"person_id": str(p["id"]), "type": "admission", "basis": NO_ACTOR},
             "person_id"),
            (API + "/applications", {"person_id": p["id"], "type": "admission", "basis": "none"}, "basis"),
            (API + "/applications", {"person_id": p["id"], "type": "point_adult", "basis": NO_ACTOR,
                                     "category": "travel", "units": 1.5, "submitted_on": "2024-03-01"}, "units"),
            (API + "/payments", {"decision_id": 1, "amount_ore": 10.5, "paid_on": "2024-03-01"}, "amount_ore"),
            (API + "/consultations", {"asker": "police", "region": "Nord", "topic": "x", "minutes": "30"},
             "minutes"),
        ]
        for path, body, field in cases:
            expect(s.post(path, body, token=w.coord), 400, code="invalid", field=field)
        expect(s.put(API + "/years/2024", {"budget_ore": "100"}, token=w.coord), 400, code="invalid",
               field="budget_ore")


def test_400_bad_enum_is_named():
    with Server() as s:
        w, org, p = setup(s)
        cases = [
            (API + "/organisations", {"name": "X", "kind": "castle", "regions": ["Nord"]}, "kind"),
            (API + "/organisations", {"name": "X", "kind": "other", "regions": ["Nord", "Gotland"]}, "regions[1]"),
            (API + "/persons", {"gender": "woman", "age_group": "adult", "organisation_id": org}, "gender"),
            (API + "/persons", {"gender": "female", "age_group": "adult", "organisation_id": org,
                                "exploitation_forms": ["theft"]}, "exploitation_forms[0]"),
            (API + "/applications", {"person_id": p["id"], "type": "holiday", "basis": NO_ACTOR}, "type"),
            (API + "/applications", {"person_id": p["id"], "type": "admission",
                                     "basis": {"kind": "public_actor_refused"}}, "basis.kind"),
            (API + "/applications", {"person_id": p["id"], "type": "point_adult", "basis": NO_ACTOR,
                                     "category": "cinema", "units": 1, "submitted_on": "2024-03-01"}, "category"),
            (f"{API}/persons/{p['id']}/exit", {"destination": "moon"}, "destination"),
            (API + "/placement-requests", {"region": "Nord", "target_group": "cats", "outcome": "placed"},
             "target_group"),
            (API + "/consultations", {"asker": "journalist", "region": "Nord", "topic": "x", "minutes": 1}, "asker"),
            (API + "/users", {"username": "x-roll", "password": "ett-långt-lösenord", "role": "admin"}, "role"),
        ]
        english = {"the", "is", "must", "be", "one", "of", "or", "and", "field", "invalid", "required"}
        for path, body, field in cases:
            err = expect(s.post(path, body, token=w.coord), 400, code="invalid", field=field)["error"]
            # The values in words (issue 15): no API name of a value, no English word in Swedish.
            for lang in ("message_sv", "message_en"):
                assert "_" not in err[lang], err
            words = set(re.findall(r"[a-zåäö]+", err["message_sv"].lower()))
            assert not words & english, err
        err = expect(s.post(API + "/persons", cases[2][1], token=w.coord), 400, field="gender")["error"]
        assert "Kvinna" in err["message_sv"] and "female" not in err["message_sv"], err
        assert "Woman" in err["message_en"] and "female" not in err["message_en"], err
        a = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1)
        expect(s.post(f"{API}/applications/{a['id']}/decision", {"outcome": "maybe"}, token=w.coord), 400,
               code="invalid", field="outcome")


def test_400_impossible_or_malformed_date_is_named():
    with Server() as s:
        w, org, p = setup(s)
        for bad in ("2025-02-30", "2023-02-29", "2024-13-01", "2024-3-1", "01/03/2024", "2024-03-01T00:00"):
            expect(s.post(f"{API}/persons/{p['id']}/exit", {"date": bad, "destination": "independent"},
                          token=w.coord), 400, code="invalid", field="date")
        expect(s.post(f"{API}/organisations/{org}/certification", {"status": "certified", "date": "2025-02-30"},
                      token=w.coord), 400, code="invalid", field="date")
        expect(w.apply(p["id"], "reflection", submitted_on="2024-03-01", **{"from": "2025-02-30", "to": "2025-03-02"}),
               400, code="invalid", field="from")
        expect(w.apply(p["id"], "reflection", submitted_on="2025-02-30", **span_days("2024-03-01", 2)),
               400, code="invalid", field="submitted_on")
        # 2024 is a leap year: its 29 February is real
        expect_ok(s.post(f"{API}/persons/{p['id']}/exit", {"date": "2024-02-29", "destination": "independent"},
                         token=w.coord), 200)


def test_400_dates_in_the_future_or_out_of_order():
    with Server() as s:
        w, org, p = setup(s)
        expect(w.apply(p["id"], "point_adult", submitted_on="2999-01-01", category="travel", units=1),
               400, code="invalid", field="submitted_on")
        a = w.application(p["id"], "point_adult", submitted_on="2024-03-05", category="travel", units=1)
        expect(w.decide(a["id"], decided_on="2024-03-04"), 400, code="invalid", field="decided_on")
        expect(w.decide(a["id"], decided_on="2999-01-01"), 400, code="invalid", field="decided_on")
        dec = expect_ok(w.decide(a["id"], decided_on="2024-03-05"))
        expect(w.pay(dec["id"], 100, "2024-03-04"), 400, code="invalid", field="paid_on")
        expect(w.pay(dec["id"], 100, "2999-01-01"), 400, code="invalid", field="paid_on")
        expect_ok(w.pay(dec["id"], 100, "2024-03-05"))


def test_400_negative_units_days_and_amounts_are_named():
    with Server() as s:
        w, org, p = setup(s)
        pt = dict(submitted_on="2024-03-01", category="travel")
        expect(w.apply(p["id"], "point_adult", units=-1, **pt), 400, code="invalid", field="units")
        expect(w.apply(p["id"], "point_adult", units=0, **pt), 400, code="invalid", field="units")
        # a period that ends before it starts has a negative number of days
        expect(w.apply(p["id"], "reflection", submitted_on="2024-03-01", **{"from": "2024-03-10", "to": "2024-03-09"}),
               400, code="invalid", field="to")
        expect(s.post(API + "/consultations", {"asker": "police", "region": "Nord", "topic": "x", "minutes": -5},
                      token=w.coord), 400, code="invalid", field="minutes")
        expect(s.put(API + "/years/2024", {"budget_ore": -1}, token=w.coord), 400, code="invalid", field="budget_ore")
        expect(s.put(API + "/years/2024", {"rates_ore": {"reflection": -100}}, token=w.coord), 400, code="invalid",
               field="rates_ore.reflection")
        a = w.application(p["id"], "point_adult", units=2, **pt)
        dec = expect_ok(w.decide(a["id"], decided_on="2024-03-01"))
        expect(w.pay(dec["id"], -100, "2024-03-02"), 400, code="invalid", field="amount_ore")
        expect(w.pay(dec["id"], 0, "2024-03-02"), 400, code="invalid", field="amount_ore")
        a2 = w.application(p["id"], "point_adult", units=2, **pt)
        expect(w.decide(a2["id"], "partly_granted", units=-1, decided_on="2024-03-01"), 400, code="invalid",
               field="units")
        expect_ok(w.apply(p["id"], "point_adult", units=1, **pt))


def test_400_over_long_string_is_named():
    with Server() as s:
        w, org, p = setup(s)
        expect(s.post(API + "/organisations", {"name": "Å" * 201, "kind": "other", "regions": ["Nord"]},
                      token=w.coord), 400, code="invalid", field="name")
        expect_ok(s.post(API + "/organisations", {"name": "Å" * 200, "kind": "other", "regions": ["Nord"]},
                         token=w.coord))
        expect(s.post(API + "/persons", {"gender": "male", "age_group": "adult", "organisation_id": org,
                                         "identity": {"name": "N" * 201}}, token=w.coord),
               400, code="invalid", field="identity.name")
        expect(w.apply(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1,
                       motivation="m" * 20001), 400, code="invalid", field="motivation")
        expect(s.post(API + "/organisations", {"name": "Rad\nbrytning", "kind": "other", "regions": ["Nord"]},
                      token=w.coord), 400, code="invalid", field="name")
        # a NUL escape is refused (by the JSON parser itself, so without a field)
        expect(s.post(API + "/organisations", {"name": "NUL\u0000tecken", "kind": "other", "regions": ["Nord"]},
                      token=w.coord), 400, code="invalid")


def test_400_invalid_utf8_bytes():
    with Server() as s:
        w, org, p = setup(s)
        for raw in (b'{"name": "\xff\xfe", "kind": "other", "regions": ["Nord"]}',
                    b'{"name": "\xc3", "kind": "other", "regions": ["Nord"]}',
                    b'{"name": "\xed\xa0\x80", "kind": "other", "regions": ["Nord"]}',   # a UTF-16 surrogate
                    b'{"name": "\\udc80", "kind": "other", "regions": ["Nord"]}'):      # a lone surrogate escape
            r = s.post(API + "/organisations", raw=raw, token=w.coord, headers={"Content-Type": "application/json"})
            expect(r, 400, code="invalid")
        orgs = expect_ok(s.get(API + "/organisations", token=w.coord), 200)["organisations"]
        assert [o["name"] for o in orgs] == ["Felorganisationen"], orgs
        # valid multi-byte text is accepted and comes back byte for byte
        o = expect_ok(s.post(API + "/organisations", raw='{"name": "Ödåkra – 女性", "kind": "other", "regions": ["Öst"]}'.encode(),
                             token=w.coord, headers={"Content-Type": "application/json"}))
        assert o["name"] == "Ödåkra – 女性" and o["regions"] == ["Öst"], o


def test_400_unknown_field_is_named():
    with Server() as s:
        w, org, p = setup(s)
        expect(s.post(API + "/organisations", {"name": "X", "kind": "other", "regions": ["Nord"], "nmae": "typo"},
                      token=w.coord), 400, code="invalid", field="nmae")
        expect(w.apply(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1,
                       unit=3), 400, code="invalid", field="unit")


def test_401_without_login_and_with_bogus_token_or_cookie():
    with Server() as s:
        w, org, p = setup(s)
        for path in (API + "/persons", f"{API}/persons/{p['id']}", API + "/me", API + "/years/2024/budget"):
            expect(s.get(path), 401, code="unauthenticated")
            expect(s.get(path, token="bogus-token"), 401, code="unauthenticated")
            expect(s.get(path, token=w.coord[:-1] + ("A" if w.coord[-1] != "A" else "B")), 401,
                   code="unauthenticated")
            expect(s.get(path, headers={"Authorization": "Basic c2FtOng="}), 401, code="unauthenticated")
            expect(s.get(path, headers={"Cookie": "nsp_session=bogus"}), 401, code="unauthenticated")
        expect(s.post(API + "/persons", {"gender": "male", "age_group": "adult", "organisation_id": org}), 401,
               code="unauthenticated")
        # the unauthenticated answer says nothing about the person
        assert p["code"] not in s.get(f"{API}/persons/{p['id']}").text
        expect(s.get(API + "/persons", token=w.coord), 200)


def test_401_wrong_credentials_at_login():
    with Server() as s:
        expect(s.post(API + "/login", {"username": "samordnare", "password": "fel-lösenord-123"}), 401,
               code="unauthenticated")
        expect(s.post(API + "/login", {"username": "ingen-sådan", "password": "fel-lösenord-123"}), 401,
               code="unauthenticated")


def test_403_role_forbidden():
    with Server() as s:
        w, org, p = setup(s)
        _, cw = w.user("caseworker", org)
        _, funder = w.user("funder")
        expect(s.post(API + "/organisations", {"name": "X", "kind": "other", "regions": ["Nord"]}, token=cw), 403,
               code="forbidden")
        expect(s.put(API + "/years/2024", {"budget_ore": 1}, token=cw), 403, code="forbidden")
        a = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=1)
        expect(s.post(f"{API}/applications/{a['id']}/decision", {"outcome": "granted"}, token=cw), 403,
               code="forbidden")
        expect(s.get(API + "/persons", token=funder), 403, code="forbidden")
        expect(s.post(API + "/users", {"username": "x", "password": "ett-långt-lösenord", "role": "coordinator"},
                      token=cw), 403, code="forbidden")
        # nothing was done
        got = expect_ok(s.get(f"{API}/applications/{a['id']}", token=w.coord), 200)
        assert got["status"] == "submitted" and got["decision"] is None, got


def test_404_unknown_path_and_unknown_records():
    with Server() as s:
        w, org, p = setup(s)
        for path in (API + "/nothing", API + "/persons/abc", API + "/persons/0", API + "/persons/-1",
                     API + "/persons/", f"{API}/persons/{p['id']}/nothing", "/api/v2/persons",
                     API + "/persons/99999999999999999999999"):
            expect(s.get(path, token=w.coord), 404, code="not_found")
        for path in (API + "/persons/999999", API + "/applications/999999", API + "/decisions/999999",
                     API + "/organisations/999999", API + "/decisions/999999/payments"):
            expect(s.get(path, token=w.coord), 404, code="not_found")
        expect(s.post(API + "/payments", {"decision_id": 999999, "amount_ore": 1, "paid_on": "2024-03-01"},
                      token=w.coord), 404, code="not_found")
        expect(w.apply(999999, "admission"), 404, code="not_found")
        expect(s.post(API + "/applications/999999/decision", {"outcome": "granted"}, token=w.coord), 404,
               code="not_found")
        r = s.get("/no-such-page", token=w.coord)
        assert r.status == 404, r


def test_405_wrong_method_names_allowed_methods():
    with Server() as s:
        w, org, p = setup(s)
        cases = [("DELETE", API + "/persons", {"GET", "POST"}), ("PUT", API + "/login", {"POST"}),
                 ("GET", API + "/logout", {"POST"}), ("DELETE", f"{API}/persons/{p['id']}", {"GET"}),
                 ("POST", API + "/years/2024", {"GET", "PUT"}), ("PATCH", API + "/organisations", {"GET", "POST"})]
        for method, path, allowed in cases:
            r = s.request(method, path, token=w.coord)
            expect(r, 405, code="method_not_allowed")
            allow = {m.strip() for m in (r.headers.get("Allow") or "").split(",")}
            assert allowed <= allow, (method, path, r.headers.get("Allow"))
            assert method not in allow, (method, path, allow)


def test_409_deciding_twice_and_other_conflicts():
    with Server() as s:
        w, org, p = setup(s)
        a = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=2)
        dec = expect_ok(w.decide(a["id"], decided_on="2024-03-01"))
        expect(w.decide(a["id"], decided_on="2024-03-01"), 409, code="conflict")
        expect(w.decide(a["id"], "denied", decided_on="2024-03-02"), 409, code="conflict")
        got = expect_ok(s.get(f"{API}/applications/{a['id']}", token=w.coord), 200)
        assert got["status"] == "decided" and got["decision"]["id"] == dec["id"], got
        # closing twice; paying on a closed decision
        expect_ok(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-03-10"}, token=w.coord), 200)
        expect(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-03-11"}, token=w.coord), 409,
               code="conflict")
        expect(w.pay(dec["id"], 1, "2024-03-12"), 409, code="conflict")
        # exiting twice
        expect_ok(s.post(f"{API}/persons/{p['id']}/exit", {"date": "2024-04-01", "destination": "independent"},
                         token=w.coord), 200)
        expect(s.post(f"{API}/persons/{p['id']}/exit", {"date": "2024-04-02", "destination": "other"},
                      token=w.coord), 409, code="conflict")
        # a username is taken; a coordinator cannot lock themselves out
        w.user("caseworker", org, username="dubblett")
        expect(s.post(API + "/users", {"username": "dubblett", "password": "ett-långt-lösenord",
                                       "role": "funder"}, token=w.coord), 409, code="conflict")
        me = expect_ok(s.get(API + "/me", token=w.coord), 200)
        expect(s.post(f"{API}/users/{me['id']}/deactivate", token=w.coord), 409, code="conflict")


def _post_head(path, token, length=None, chunked=False):
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}",
             "Content-Type: application/json", "Connection: close"]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _padded_org(size):
    """A valid organisation body of exactly `size` bytes (padded with spaces)."""
    core = json.dumps({"name": "Stor kropp", "kind": "other", "regions": ["Nord"]}).encode()
    assert size >= len(core)
    return core[:-1] + b" " * (size - len(core)) + b"}"


def test_413_body_over_one_mebibyte():
    with Server() as s:
        w = World(s)
        # a declared length of 2 MiB, with a real body behind it
        body = _padded_org(2 * MIB)
        status, head, rest = s.raw_exchange(_post_head(API + "/organisations", w.coord, len(body)), body)
        assert status == 413, (status, head, rest[:200])
        assert json.loads(rest)["error"]["code"] == "too_large", rest[:200]
        # a chunked body that grows past the limit
        big = _padded_org(MIB + MIB // 2)
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(big[i:i + 65536]), big[i:i + 65536])
                          for i in range(0, len(big), 65536)) + b"0\r\n\r\n"
        status, head, rest = s.raw_exchange(_post_head(API + "/organisations", w.coord, chunked=True), chunks)
        assert status == 413, (status, head, rest[:200])
        # one byte over the limit is refused, exactly the limit is accepted
        body = _padded_org(MIB + 1)
        status, _, _ = s.raw_exchange(_post_head(API + "/organisations", w.coord, len(body)), body)
        assert status == 413, status
        body = _padded_org(MIB)
        status, head, rest = s.raw_exchange(_post_head(API + "/organisations", w.coord, len(body)), body)
        assert status == 201, (status, head, rest[:200])
        orgs = expect_ok(s.get(API + "/organisations", token=w.coord), 200)["organisations"]
        assert [o["name"] for o in orgs] == ["Stor kropp"], orgs


def test_400_decision_closed_before_the_day_it_was_made():
    with Server() as s:
        w, org, p = setup(s)
        dec = w.grant(p["id"], "reflection", "2024-03-01", **span_days("2024-03-01", 5))
        expect(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-02-29"}, token=w.coord), 400,
               code="invalid", field="date")
        assert w.budget(2024)["released_ore"] == 0
        closed = expect_ok(s.post(f"{API}/decisions/{dec['id']}/close", {"date": "2024-03-01"}, token=w.coord), 200)
        assert closed["closed_on"] == "2024-03-01" and closed["released_ore"] == dec["total_ore"], closed


def test_400_decision_that_does_not_fit_its_application_names_the_field():
    """api.md: 422 is for a programme rule (R1…R14); a decision whose period,
    units or outcome do not fit the application is an invalid field (400)."""
    with Server() as s:
        w, org, p = setup(s)
        a = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-04-01", 5))
        cases = [
            (dict(**span_days("2024-05-01", 2)), ("from", "to")),                       # outside the period
            (dict(**{"from": "2024-03-31", "to": "2024-04-05"}), ("from",)),           # starts before it
            (dict(**{"from": "2024-04-01", "to": "2024-04-06"}), ("to",)),             # ends after it
            (dict(**span_days("2024-04-01", 2)), ("outcome", "from", "to")),            # "granted" but fewer days
        ]
        for fields, names in cases:
            r = w.decide(a["id"], decided_on="2024-03-02", **fields)
            expect(r, 400, code="invalid")
            assert r.json["error"].get("field") in names, (fields, r)
        r = w.decide(a["id"], "partly_granted", decided_on="2024-03-02", **span_days("2024-04-01", 5))
        expect(r, 400, code="invalid")
        assert r.json["error"].get("field") in ("outcome", "from", "to"), r
        pt = w.application(p["id"], "point_adult", submitted_on="2024-03-01", category="travel", units=2)
        r = w.decide(pt["id"], "partly_granted", decided_on="2024-03-02", units=3)
        expect(r, 400, code="invalid", field="units")
        q = w.person(org)
        adm = w.application(q["id"], "admission", submitted_on="2024-02-01")
        expect(w.decide(adm["id"], "partly_granted", decided_on="2024-02-01"), 400, code="invalid", field="outcome")
        # what fits is decided
        expect_ok(w.decide(a["id"], "partly_granted", decided_on="2024-03-02", **span_days("2024-04-01", 2)))


# ---------------------------------------------------------------- every error at once, in words (issue 15)

def test_400_lists_every_error_each_named_by_its_label():
    with Server() as s:
        w, org, p = setup(s)
        body = {"organisation_id": org, "gender": "nope", "birth_year": "nittio",
                "identity": {"birth_date": "2030-02-30"}}
        err = expect(s.post(API + "/persons", body, token=w.coord), 400, code="invalid", field="gender")["error"]
        fields = [e["field"] for e in err["errors"]]
        assert fields == ["gender", "birth_year", "identity.birth_date"], err
        by = {e["field"]: e for e in err["errors"]}
        assert by["gender"]["message_sv"].startswith("Kön "), err
        assert by["birth_year"]["message_sv"].startswith("Födelseåret "), err
        assert by["birth_year"]["message_en"].startswith("The birth year "), err
        assert by["identity.birth_date"]["message_sv"].startswith("Födelsedatumet "), err
        for e in err["errors"]:
            # No raw JSON names in either language.
            for raw in ("gender", "birth_year", "birth_date", "identity.", "Fältet", "Field '"):
                assert raw not in e["message_sv"] and raw not in e["message_en"], e
        # The first error is also the error's own field and message.
        assert err["message_sv"] == err["errors"][0]["message_sv"], err


def test_400_one_error_is_listed_too():
    with Server() as s:
        w, org, p = setup(s)
        err = expect(s.post(API + "/persons", {"age_group": "adult", "organisation_id": org}, token=w.coord),
                     400, code="invalid", field="gender")["error"]
        assert [e["field"] for e in err["errors"]] == ["gender"], err
        assert err["message_sv"] == "Kön måste anges." and err["message_en"] == "Gender is required.", err


# ---------------------------------------------------------------- plausibility of a person (issue 15)

def test_birth_date_must_not_be_in_the_future_and_must_agree_with_the_birth_year():
    with Server() as s:
        w, org, p = setup(s)
        tomorrow = (today() + timedelta(days=1)).isoformat()
        r = s.post(API + "/persons", {"organisation_id": org, "gender": "female", "birth_year": 1996,
                                      "identity": {"birth_date": tomorrow}}, token=w.coord)
        err = expect(r, 400, code="invalid", field="identity.birth_date")["error"]
        assert "framtiden" in err["message_sv"] and "future" in err["message_en"], err
        r = s.post(API + "/persons", {"organisation_id": org, "gender": "female", "birth_year": 1996,
                                      "identity": {"birth_date": "1997-05-01"}}, token=w.coord)
        err = expect(r, 400, code="invalid", field="identity.birth_date")["error"]
        assert "födelseåret" in err["message_sv"] and "birth year" in err["message_en"], err
        # Allowed: the date in the birth year; without a birth year any past date.
        ok = w.person(org, birth_year=1996, identity={"birth_date": "1996-05-01"})
        w.person(org, identity={"birth_date": "1980-01-31"})
        # Replacing the identity later is checked against the stored birth year.
        r = s.put(f"{API}/persons/{ok['id']}/identity", {"identity": {"birth_date": "1995-12-31"}}, token=w.coord)
        expect(r, 400, code="invalid", field="identity.birth_date")
        r = s.put(f"{API}/persons/{ok['id']}/identity", {"identity": {"birth_date": "1996-12-31"}}, token=w.coord)
        assert r.status == 200, r.body


def test_a_child_is_born_after_the_parent():
    with Server() as s:
        w, org, p = setup(s)
        this_year = today().year
        # By birth years: an adult parent whose child's birth year is before the parent's.
        parent = w.person(org, birth_year=this_year - 30)
        base = {"organisation_id": org, "gender": "female", "parent_id": parent["id"], "child_role": "primary",
                "age_group": "child"}
        r = s.post(API + "/persons", dict(base, identity={"birth_date": f"{this_year - 31}-06-01"}), token=w.coord)
        err = expect(r, 400, code="invalid", field="identity.birth_date")["error"]
        assert "förälder" in err["message_sv"] and "parent" in err["message_en"], err
        # The same year is refused too.
        r = s.post(API + "/persons", dict(base, identity={"birth_date": f"{this_year - 30}-12-01"}), token=w.coord)
        expect(r, 400, code="invalid", field="identity.birth_date")
        # By the parent's birth date, kept in the encrypted identity, against the child's birth year.
        parent2 = w.person(org, identity={"birth_date": f"{this_year - 10}-01-15"})
        r = s.post(API + "/persons", dict(base, parent_id=parent2["id"], age_group=None, birth_year=this_year - 12),
                   token=w.coord)
        expect(r, 400, code="invalid", field="birth_year")
        # Allowed: born after the parent.
        w.child(parent["id"], org_id=org, birth_year=this_year - 5, age_group=None)
        w.child(parent2["id"], org_id=org, birth_year=this_year - 5, age_group=None)
