"""The role × organisation matrix: every endpoint of routes.c called by the
coordinator, a caseworker of the owning organisation (A), a caseworker of
another organisation (B), the funder and an anonymous client. Asserts each
status, and that no response to B, the funder or anonymous (error messages
included) carries anything of organisation A: person codes, names, texts, or
records whose organisation_id is A. A caseworker of another organisation
gets 404 for A's records, never 403."""
import json

from harness import API, MET, NO_ACTOR, USER_PASSWORD, Server, World, expect, expect_ok, span_days

ACTORS = ("coord", "own", "other", "funder", "anon")


def build():
    """One server with two certified organisations and their records."""
    s = Server().__enter__()
    try:
        w = World(s)
        a = {"org": w.org("Ankarhuset Alfa"), "name": "Ankarhuset Alfa"}
        b = {"org": w.org("Bergsgården Beta"), "name": "Bergsgården Beta"}
        for side, secret in ((a, "Zebulon Alfasson"), (b, "Ylva Betasdotter")):
            side["cw_id"], side["cw"] = w.user("caseworker", side["org"])
            side["secret_name"] = secret
            side["secret_text"] = secret.split()[0].upper() + "-HEMLIG-BEDÖMNING"
            p = w.person(token=side["cw"], identity={"name": secret, "notes": "Skyddad adress"})
            side["person"] = p
            adm = w.application(p["id"], "admission", token=side["cw"], submitted_on="2024-02-01",
                                needs_assessment=side["secret_text"])
            expect_ok(w.decide(adm["id"], decided_on="2024-02-01"))
            side["admission"] = adm
            side["child"] = w.child(p["id"], "secondary", token=side["cw"])
            refl = w.application(p["id"], "reflection", token=side["cw"], submitted_on="2024-03-01",
                                 children=[side["child"]["id"]], **span_days("2024-03-01", 10))
            side["decision"] = expect_ok(w.decide(refl["id"], decided_on="2024-03-01"))
            side["application"] = refl
            # the organisation claims two nights; the coordinator approves (domain.md §8)
            side["claim"] = expect_ok(s.post(API + "/claims", {"decision_id": side["decision"]["id"],
                                                               "from": "2024-03-01", "to": "2024-03-02",
                                                               "reference": "Faktura 1", "submitted_on": "2024-03-20"},
                                             token=side["cw"]))
            expect_ok(s.post(f"{API}/claims/{side['claim']['id']}/approve", {"paid_on": "2024-03-20"},
                             token=w.coord), 200)
            side["open_app"] = w.application(p["id"], "point_adult", token=side["cw"], submitted_on="2024-03-02",
                                             category="interpreter", units=1)
            side["placement"] = expect_ok(s.post(API + "/placement-requests",
                                                 {"date": "2024-03-01", "region": "Stockholm",
                                                  "target_group": "women", "outcome": "placed"},
                                                 token=side["cw"]))
            # both are members of the platform and record a contact (issue 19)
            expect_ok(s.put(f"{API}/organisations/{side['org']}/member", {"member": True}, token=w.coord), 200)
            side["contact"] = expect_ok(s.post(API + "/contacts", {"date": "2024-03-01", "gender": "female",
                                                                    "age_group": "adult", "region": "Stockholm",
                                                                    "missing_support": ["housing"],
                                                                    "identity": {"name": side["secret_name"]}},
                                               token=side["cw"]))
            side["codes"] = [p["code"], side["child"]["code"]]
        _, funder = w.user("funder")
        return s, w, a, b, funder
    except BaseException:
        s.__exit__(None, None, None)
        raise


def secrets_of(side):
    return [side["name"], side["secret_name"], side["secret_text"], *side["codes"]]


def leaks(body_text, side):
    """The secrets of side found in a response body, and records of its organisation."""
    found = [x for x in secrets_of(side) if x in body_text]
    try:
        doc = json.loads(body_text)
    except ValueError:
        return found

    def walk(o):
        if isinstance(o, dict):
            if o.get("organisation_id") == side["org"]:
                found.append(f"a record of organisation {side['org']}: {o}")
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(doc)
    return found


def test_every_endpoint_by_role_and_organisation():
    s, w, a, b, funder = build()
    try:
        tokens = {"coord": w.coord, "own": a["cw"], "other": b["cw"], "funder": funder, "anon": None}
        uniq = iter(range(10 ** 6))

        def fresh_user(_):
            return expect_ok(s.post(API + "/users", {"username": f"u{next(uniq)}", "password": USER_PASSWORD,
                                                     "role": "funder"}, token=w.coord))["id"]

        def fresh_person(_):
            return w.person(a["org"])["id"]

        def fresh_app(_):
            return w.application(a["person"]["id"], "point_adult", submitted_on="2024-03-05",
                                 category="travel", units=1)["id"]

        def fresh_decision(_):
            return expect_ok(w.decide(fresh_app(_), decided_on="2024-03-05"))["id"]

        A = a
        # (method, path or f(actor) -> path, body or f(actor) -> body, {actor: status})
        matrix = [
            ("GET", "/healthz", None, dict(coord=200, own=200, other=200, funder=200, anon=200)),
            ("GET", API + "/me", None, dict(coord=200, own=200, other=200, funder=200, anon=401)),
            ("PUT", API + "/me/lang", {"lang": "sv"}, dict(coord=200, own=200, other=200, funder=200, anon=401)),
            ("POST", API + "/organisations", lambda _: {"name": f"Ny org {next(uniq)}", "kind": "other",
                                                         "regions": ["Nord"]},
             dict(coord=201, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/organisations", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", f"{API}/organisations/{A['org']}", None, dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("POST", f"{API}/organisations/{A['org']}/certification",
             {"status": "certified", "date": "2023-01-01", "requirements": MET},
             dict(coord=201, own=403, other=403, funder=403, anon=401)),
            ("POST", API + "/users", lambda _: {"username": f"n{next(uniq)}", "password": USER_PASSWORD,
                                                 "role": "funder"},
             dict(coord=201, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/users", None, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("POST", lambda x: f"{API}/users/{fresh_user(x)}/deactivate", None,
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("POST", lambda x: f"{API}/users/{fresh_user(x)}/activate", None,
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("PUT", API + "/years/2030", {"budget_ore": 100}, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/years/2024", None, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/years/2024/budget", None, dict(coord=200, own=403, other=403, funder=200, anon=401)),
            ("POST", API + "/persons", {"gender": "male", "age_group": "adult", "organisation_id": A["org"]},
             dict(coord=201, own=201, other=404, funder=403, anon=401)),
            ("GET", API + "/persons", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", f"{API}/persons/{A['person']['id']}", None, dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("GET", f"{API}/persons/{A['child']['id']}", None, dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("POST", lambda x: f"{API}/persons/{fresh_person(x)}/exit", {"destination": "independent"},
             dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("PUT", f"{API}/persons/{A['person']['id']}/identity",
             {"identity": {"name": A["secret_name"], "notes": "Skyddad adress"}},
             dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("GET", f"{API}/persons/{A['person']['id']}/allowance", None,
             dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("POST", API + "/applications", {"person_id": A["person"]["id"], "type": "point_adult",
                                             "submitted_on": "2024-03-05", "category": "interpreter", "units": 1,
                                             "basis": NO_ACTOR},
             dict(coord=201, own=201, other=404, funder=403, anon=401)),
            ("GET", API + "/applications", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", f"{API}/applications?person_id={A['person']['id']}", None,
             dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", API + "/applications?status=submitted", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", f"{API}/applications/{A['application']['id']}", None,
             dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("GET", f"{API}/applications/{A['open_app']['id']}/checks", None,
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("POST", lambda x: f"{API}/applications/{fresh_app(x)}/decision",
             {"outcome": "granted", "decided_on": "2024-03-05"},
             dict(coord=201, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/decisions", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", f"{API}/decisions/{A['decision']['id']}", None, dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("POST", lambda x: f"{API}/decisions/{fresh_decision(x)}/close", {},
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", f"{API}/decisions/{A['decision']['id']}/payments", None,
             dict(coord=200, own=200, other=404, funder=403, anon=401)),
            # organisations claim; only the coordinator pays by amount (domain.md §8)
            ("POST", API + "/payments", {"decision_id": A["decision"]["id"], "amount_ore": 100, "paid_on": "2024-03-21"},
             dict(coord=201, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/claims", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", f"{API}/claims/{A['claim']['id']}", None, dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("POST", f"{API}/claims/{A['claim']['id']}/reject", {"reason": "Nej."},
             dict(coord=409, own=403, other=403, funder=403, anon=401)),
            ("POST", API + "/placement-requests", {"date": "2024-04-01", "region": "Syd", "target_group": "men",
                                                   "outcome": "no_place_available", "organisation_id": A["org"]},
             dict(coord=201, own=201, other=404, funder=403, anon=401)),
            ("GET", API + "/placement-requests", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("POST", API + "/consultations", {"date": "2024-04-01", "asker": "social_services", "region": "Väst",
                                              "topic": "Ett barn utan vårdnadshavare", "minutes": 30,
                                              "outcome": "Hänvisad"},
             dict(coord=201, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/consultations", None, dict(coord=200, own=403, other=403, funder=403, anon=401)),
            ("GET", API + "/reports/annual/2024", None, dict(coord=200, own=403, other=403, funder=200, anon=401)),
            ("POST", API + "/contacts", {"date": "2024-04-01", "gender": "male", "age_group": "adult", "region": "Syd",
                                         "missing_support": ["legal_advice"], "organisation_id": A["org"]},
             dict(coord=201, own=201, other=404, funder=403, anon=401)),
            ("GET", API + "/contacts", None, dict(coord=200, own=200, other=200, funder=403, anon=401)),
            ("GET", f"{API}/contacts/{A['contact']['id']}", None,
             dict(coord=200, own=200, other=404, funder=403, anon=401)),
            ("PUT", f"{API}/organisations/{A['org']}/member", {"member": True},
             dict(coord=200, own=403, other=403, funder=403, anon=401)),
        ]
        failures = []
        for method, path, body, want in matrix:
            assert set(want) == set(ACTORS), path
            for actor in ACTORS:
                p = path(actor) if callable(path) else path
                bd = body(actor) if callable(body) else body
                r = s.request(method, p, bd, token=tokens[actor])
                if r.status != want[actor]:
                    failures.append(f"{actor:6} {method} {p}: expected {want[actor]}, got {r!r}")
                    continue
                if r.status in (401, 403, 404):
                    code = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}[r.status]
                    if p.startswith(API) and r.json["error"]["code"] != code:
                        failures.append(f"{actor:6} {method} {p}: error code {r.json['error']} is not {code}")
                text = r.text
                if actor == "own":
                    bad = leaks(text, b)
                elif actor == "other":
                    bad = leaks(text, a)
                elif actor in ("funder", "anon"):
                    bad = leaks(text, a) + leaks(text, b)
                else:
                    bad = []
                if bad:
                    failures.append(f"{actor:6} {method} {p}: leaks {bad[:3]}")
        assert not failures, "\n".join(failures)
        # the detector itself works: the coordinator's answers do carry A's records
        coord_view = s.get(API + "/persons", token=w.coord).text
        assert a["person"]["code"] in coord_view and leaks(coord_view, a), coord_view[:300]
        own_view = s.get(f"{API}/persons/{a['person']['id']}", token=a["cw"]).text
        assert a["secret_name"] in own_view and leaks(own_view, a), own_view[:300]

        # the lists of the owning caseworker hold its records, the other's none of them
        def ids(path, key, token):
            return [x["id"] for x in expect_ok(s.get(path, token=token), 200)[key]]
        assert ids(API + "/organisations", "organisations", a["cw"]) == [a["org"]]
        assert ids(API + "/organisations", "organisations", b["cw"]) == [b["org"]]
        assert {a["person"]["id"], a["child"]["id"]} <= set(ids(API + "/persons", "persons", a["cw"]))
        assert not {a["person"]["id"], a["child"]["id"]} & set(ids(API + "/persons", "persons", b["cw"]))
        assert a["application"]["id"] in ids(API + "/applications", "applications", a["cw"])
        assert a["application"]["id"] not in ids(API + "/applications", "applications", b["cw"])
        assert ids(f"{API}/applications?person_id={a['person']['id']}", "applications", b["cw"]) == []
        assert a["decision"]["id"] in ids(API + "/decisions", "decisions", a["cw"])
        assert a["decision"]["id"] not in ids(API + "/decisions", "decisions", b["cw"])
        assert a["placement"]["id"] in ids(API + "/placement-requests", "placement_requests", a["cw"])
        assert a["placement"]["id"] not in ids(API + "/placement-requests", "placement_requests", b["cw"])
        # the coordinator sees both organisations
        both = set(ids(API + "/persons", "persons", w.coord))
        assert {a["person"]["id"], b["person"]["id"]} <= both
        # identity only for those who may see the person
        own_view = expect_ok(s.get(f"{API}/persons/{a['person']['id']}", token=a["cw"]), 200)
        assert own_view["identity"]["name"] == a["secret_name"], own_view
    finally:
        s.__exit__(None, None, None)


def test_caseworker_of_other_organisation_cannot_use_foreign_records_in_writes():
    s, w, a, b, funder = build()
    try:
        bp = b["person"]["id"]
        attempts = [
            # B names A's child on B's own application: refused without naming anything of A
            ("POST", API + "/applications", {"person_id": bp, "type": "reflection", "basis": NO_ACTOR,
                                             "submitted_on": "2024-04-01", "from": "2024-04-01", "to": "2024-04-02",
                                             "children": [a["child"]["id"]]}, (404, 422)),
            # B registers a child under A's person
            ("POST", API + "/persons", {"gender": "male", "age_group": "child", "child_role": "secondary",
                                        "parent_id": a["person"]["id"]}, (404,)),
            ("POST", API + "/persons", {"gender": "male", "age_group": "adult", "organisation_id": a["org"]}, (404,)),
            ("POST", API + "/claims", {"decision_id": a["decision"]["id"], "from": "2024-03-05", "to": "2024-03-05",
                                       "reference": "F-9", "submitted_on": "2024-03-25"}, (404,)),
            ("POST", f"{API}/persons/{a['person']['id']}/exit", {"destination": "other"}, (404,)),
            ("PUT", f"{API}/persons/{a['person']['id']}/identity", {"identity": {"name": "Överskriven"}}, (404,)),
            ("POST", API + "/placement-requests", {"region": "Nord", "target_group": "women", "outcome": "declined",
                                                   "organisation_id": a["org"]}, (404,)),
        ]
        for method, path, body, statuses in attempts:
            r = s.request(method, path, body, token=b["cw"])
            assert r.status in statuses, (path, body, r)
            assert not leaks(r.text, a), (path, r)
        # nothing was changed on A's side
        pa = expect_ok(s.get(f"{API}/persons/{a['person']['id']}", token=a["cw"]), 200)
        assert pa["exit"] is None and pa["identity"]["name"] == a["secret_name"], pa
        assert [c["id"] for c in pa["children"]] == [a["child"]["id"]], pa
        dec = expect_ok(s.get(f"{API}/decisions/{a['decision']['id']}", token=a["cw"]), 200)
        assert dec["paid_ore"] == 2 * 182_000, dec   # the two nights claimed and approved
        # an id that does not exist answers exactly like a foreign one
        missing = s.get(f"{API}/persons/999999", token=b["cw"])
        foreign = s.get(f"{API}/persons/{a['person']['id']}", token=b["cw"])
        assert (missing.status, missing.body) == (foreign.status, foreign.body), (missing, foreign)
        missing = s.get(f"{API}/decisions/999999", token=b["cw"])
        foreign = s.get(f"{API}/decisions/{a['decision']['id']}", token=b["cw"])
        assert (missing.status, missing.body) == (foreign.status, foreign.body), (missing, foreign)
        pairs = [
            (API + "/applications", {"person_id": 999999, "type": "point_adult", "category": "travel", "units": 1,
                                     "submitted_on": "2024-03-05", "basis": NO_ACTOR},
             {"person_id": a["person"]["id"], "type": "point_adult", "category": "travel", "units": 1,
              "submitted_on": "2024-03-05", "basis": NO_ACTOR}),
            (API + "/claims", {"decision_id": 999999, "from": "2024-03-05", "to": "2024-03-05", "reference": "F-9"},
             {"decision_id": a["decision"]["id"], "from": "2024-03-05", "to": "2024-03-05", "reference": "F-9"}),
            (API + "/persons", {"gender": "male", "age_group": "child", "child_role": "secondary", "parent_id": 999999},
             {"gender": "male", "age_group": "child", "child_role": "secondary", "parent_id": a["person"]["id"]}),
        ]
        for path, absent, foreign in pairs:
            r1, r2 = s.post(path, absent, token=b["cw"]), s.post(path, foreign, token=b["cw"])
            assert r1.status == 404 and (r1.status, r1.body) == (r2.status, r2.body), (path, r1, r2)
        missing = s.get(f"{API}/applications/999999", token=b["cw"])
        foreign = s.get(f"{API}/applications/{a['application']['id']}", token=b["cw"])
        assert (missing.status, missing.body) == (foreign.status, foreign.body), (missing, foreign)
    finally:
        s.__exit__(None, None, None)


def test_funder_sees_aggregates_only():
    s, w, a, b, funder = build()
    try:
        for path in (f"{API}/persons", f"{API}/persons/{a['person']['id']}", f"{API}/applications",
                     f"{API}/decisions", f"{API}/decisions/{a['decision']['id']}/payments", f"{API}/organisations"):
            expect(s.get(path, token=funder), 403, code="forbidden")
        budget = expect_ok(s.get(f"{API}/years/2024/budget", token=funder), 200)
        assert budget["committed_ore"] == a["decision"]["total_ore"] + b["decision"]["total_ore"], budget
        report = s.get(f"{API}/reports/annual/2024", token=funder)
        expect(report, 200)
        assert not leaks(report.text, a) and not leaks(report.text, b), report
    finally:
        s.__exit__(None, None, None)


def test_html_pages_hide_other_organisations_records():
    """The web pages are a second way in: the same 404s, and nothing of A for B."""
    s, w, a, b, funder = build()
    try:
        pa, app, dec = a["person"]["id"], a["application"]["id"], a["decision"]["id"]
        pages = {
            "/persons": dict(own=200, other=200, funder=403, anon=303),
            f"/persons/{pa}": dict(own=200, other=404, funder=403, anon=303),
            f"/persons/{a['child']['id']}": dict(own=200, other=404, funder=403, anon=303),
            f"/persons/{pa}/apply": dict(own=200, other=404, funder=403, anon=303),
            f"/applications/{app}": dict(own=200, other=404, funder=403, anon=303),
            "/decisions": dict(own=200, other=200, funder=403, anon=303),
            f"/decisions/{dec}": dict(own=200, other=404, funder=403, anon=303),
            "/placements": dict(own=200, other=200, funder=403, anon=303),
            "/contacts": dict(own=200, other=200, funder=403, anon=303),
            "/": dict(own=200, other=200),
            "/queue": dict(own=403, other=403, funder=403),
            "/organisations": dict(own=403, other=403, funder=403),
            f"/organisations/{a['org']}": dict(own=403, other=403, funder=403),
        }
        tokens = {"own": a["cw"], "other": b["cw"], "funder": funder, "anon": None}
        failures = []
        for path, want in pages.items():
            for actor, token in tokens.items():
                r = s.get(path, token=token)
                if actor in want and r.status != want[actor]:
                    failures.append(f"{actor} GET {path}: expected {want[actor]}, got {r.status}")
                if r.status == 303:
                    loc = r.headers.get("Location") or ""
                    if not loc.startswith("/"):
                        failures.append(f"{actor} GET {path}: redirect off-site to {loc!r}")
                if actor == "own":
                    bad = leaks(r.text, b)
                elif actor == "other":
                    bad = leaks(r.text, a)
                else:
                    bad = leaks(r.text, a) + leaks(r.text, b)
                if bad:
                    failures.append(f"{actor} GET {path}: leaks {bad[:3]}")
        # the detector works on pages too
        own_page = s.get(f"/persons/{pa}", token=a["cw"]).text
        assert a["person"]["code"] in own_page, own_page[:300]
        assert not failures, "\n".join(failures)
    finally:
        s.__exit__(None, None, None)
