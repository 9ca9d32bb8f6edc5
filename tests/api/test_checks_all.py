"""GET /api/v1/applications/{id}/checks judges every rule on its own: an
application that several rules refuse lists each refusal with its reason
(days exhausted, the same days granted twice, the budget exceeded), while
"allowed"/"refusal" and the 422 of a decision keep naming the first one, byte
for byte. The coordinator's application page and queue show every refusal too,
in Swedish and English."""
import datetime
import html
import re

from harness import API, Server, World, expect, expect_ok, expect_rule, span_days, today

# The order rules_check_all() lists them in (src/domain/rules.h).
ORDER = ["application", "R1", "R2", "R13", "R11", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R15"]
THIS_YEAR = today().year


def by_rule(checks):
    return {c["rule"]: c for c in checks["checks"]}


def page_text(resp):
    assert resp.status == 200, resp
    return html.unescape(re.sub(r"<[^>]+>", " ", resp.text))


def two_overlapping_reflections(w):
    """An admitted adult with two reflection applications of 30 days each,
    submitted while nothing was granted (so both passed), the second
    starting nine days into the first. Returns (person, first, second)."""
    org = w.org()
    p = w.admitted(org)
    first = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-01", 30))
    second = w.application(p["id"], "reflection", submitted_on="2024-03-01", **span_days("2024-03-10", 30))
    return p, first, second


def test_checks_list_every_rule_allowed_or_not_applicable_when_nothing_refuses():
    with Server() as s:
        w = World(s)
        p, _, second = two_overlapping_reflections(w)
        # places declared where the period is housed, so that R15 judges too
        expect_ok(s.put(f"{API}/organisations/{p['organisation_id']}/capacity",
                        {"places": [{"region": "Stockholm", "target_group": "women", "places": 5}]},
                        token=w.coord), 200)
        checks = expect_ok(s.get(f"{API}/applications/{second['id']}/checks", token=w.coord), 200)
        assert checks["allowed"] is True and checks["refusal"] is None, checks
        assert [c["rule"] for c in checks["checks"]] == ORDER, checks
        status = {c["rule"]: c["status"] for c in checks["checks"]}
        assert status == {"application": "allowed", "R1": "allowed", "R2": "allowed", "R13": "allowed",
                          "R3": "allowed", "R9": "allowed", "R10": "allowed", "R15": "allowed",
                          "R4": "not_applicable", "R5": "not_applicable", "R6": "not_applicable",
                          "R7": "not_applicable", "R8": "not_applicable", "R11": "not_applicable"}, checks
        for c in checks["checks"]:
            assert set(c) == {"rule", "status"}, c


def test_checks_report_days_exhausted_overlap_and_budget_at_once():
    with Server() as s:
        w = World(s)
        p, first, second = two_overlapping_reflections(w)
        expect_ok(w.decide(first["id"], decided_on="2024-03-01"))
        # This year's budget (the checks price against today's year) is all but gone.
        w.year(THIS_YEAR, budget_ore=100)

        checks = expect_ok(s.get(f"{API}/applications/{second['id']}/checks", token=w.coord), 200)
        assert [c["rule"] for c in checks["checks"]] == ORDER, checks
        c = by_rule(checks)
        refused = [r for r in ORDER if c[r]["status"] == "refused"]
        assert refused == ["R3", "R9", "R10"], checks
        for r in refused:
            sv, en = c[r]["message_sv"], c[r]["message_en"]
            assert sv.startswith(r + ": ") and en.startswith(r + ": ") and sv != en, c[r]
        assert "30 dygn är redan beviljade och 30 dygn söks" in c["R3"]["message_sv"], c["R3"]
        assert "30 days are already granted and 30 days are applied for" in c["R3"]["message_en"], c["R3"]
        assert "2024-03-10–2024-04-08 delar 21 dygn" in c["R9"]["message_sv"], c["R9"]
        assert "shares 21 day(s)" in c["R9"]["message_en"], c["R9"]
        assert "1 kr" in c["R10"]["message_sv"] and "budget" in c["R10"]["message_en"], c["R10"]
        for r in ("application", "R1", "R2", "R13"):
            assert c[r] == {"rule": r, "status": "allowed"}, c[r]
        assert checks["budget_remaining_ore"] == 100, checks

        # "allowed"/"refusal" are unchanged: the first refusal, R3, as before.
        assert checks["allowed"] is False, checks
        assert checks["refusal"] == {"rule": "R3", "message_sv": c["R3"]["message_sv"],
                                     "message_en": c["R3"]["message_en"]}, checks

        # A decision now gets exactly that refusal as its 422 (api.md's body).
        r = w.decide(second["id"], decided_on="2024-03-10")
        expect(r, 422, code="rule", rule="R3")
        err = r.json["error"]
        assert {k: err[k] for k in ("code", "rule", "message_sv", "message_en")} == \
            {"code": "rule", **checks["refusal"]}, err

        # Once R3 and R9 are out of the way (a shorter period is applied for
        # after the first), R10 alone is left.
        later = expect_ok(w.apply(p["id"], "extended", submitted_on="2024-04-01", **span_days("2024-04-01", 30)))
        checks = expect_ok(s.get(f"{API}/applications/{later['id']}/checks", token=w.coord), 200)
        c = by_rule(checks)
        assert [r for r in ORDER if c[r]["status"] == "refused"] == ["R10"], checks
        assert checks["allowed"] is True and checks["refusal"] is None, checks


def test_checks_say_which_rules_do_not_apply_to_an_admission():
    with Server() as s:
        w = World(s)
        org = w.org()
        p = w.person(org)
        adm = w.application(p["id"], "admission", submitted_on="2024-02-01")
        # R13 / domain.md §11: a second undecided admission is a conflict, not a second application
        expect(w.apply(p["id"], "admission", submitted_on="2024-02-02"), 409, code="conflict")
        checks = expect_ok(s.get(f"{API}/applications/{adm['id']}/checks", token=w.coord), 200)
        c = by_rule(checks)
        assert c["R13"] == {"rule": "R13", "status": "allowed"}, c["R13"]
        assert c["R10"] == {"rule": "R10", "status": "not_applicable"}, c["R10"]
        assert c["R15"] == {"rule": "R15", "status": "not_applicable"}, c["R15"]
        assert all(c[r]["status"] == "not_applicable" for r in ("R3", "R4", "R5", "R6", "R7", "R8", "R9")), c
        # admitted: applying again is refused by R13 at once
        expect_ok(w.decide(adm["id"], decided_on="2024-02-03"))
        expect_rule(w.apply(p["id"], "admission", submitted_on="2024-02-04"), "R13", "2024-02-03")


def test_decision_page_and_queue_show_every_refusal_in_swedish_and_english():
    with Server() as s:
        w = World(s)
        _, first, second = two_overlapping_reflections(w)
        expect_ok(w.decide(first["id"], decided_on="2024-03-01"))
        w.year(THIS_YEAR, budget_ore=100)
        c = by_rule(expect_ok(s.get(f"{API}/applications/{second['id']}/checks", token=w.coord), 200))

        sv = page_text(s.get(f"/applications/{second['id']}", token=w.coord))
        for r in ("R3", "R9", "R10"):
            assert c[r]["message_sv"] in sv, (r, sv)
        assert sv.count("Hindrar") == 3, sv
        assert "Ej prövad" not in sv and "Not reached" not in sv, sv
        # the rules that do not apply, each id followed by its words (issue 15)
        assert "Gäller ej" in sv and "R11 Barn behöver en antagen förälder; R4 Förlängd reflektion" in sv, sv
        assert "R7 Barntillägg: egna barn som bor med föräldern; R8 Punktinsats" in sv, sv
        assert "Varje regel prövas för sig" in sv, sv
        queue = page_text(s.get("/queue", token=w.coord))
        for r in ("R3", "R9", "R10"):
            assert c[r]["message_sv"] in queue, (r, queue)

        expect_ok(s.put(f"{API}/me/lang", {"lang": "en"}, token=w.coord), 200)
        en = page_text(s.get(f"/applications/{second['id']}", token=w.coord))
        for r in ("R3", "R9", "R10"):
            assert c[r]["message_en"] in en, (r, en)
        assert en.count("Refuses") == 3, en
        assert "Not applicable" in en and "Each rule is judged on its own" in en, en
        assert "Hindrar" not in en, en
